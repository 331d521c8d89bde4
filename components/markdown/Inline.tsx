import { renderInlineHtml } from '@/lib/content/markdown.ts';

export function Inline({ source }: { source: string }) {
  return <span dangerouslySetInnerHTML={{ __html: renderInlineHtml(source) }} />;
}
