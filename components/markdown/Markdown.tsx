// Renders a markdown body: HTML segments from lib/content/markdown.ts and diagrams by name.
import { renderMarkdown } from '@/lib/content/markdown.ts';
import { diagrams } from '@/components/diagrams/index.ts';

export async function Markdown({ source, className = 'prose' }: { source: string; className?: string }) {
  const segments = await renderMarkdown(source);
  return (
    <div className={className}>
      {segments.map((s, i) => {
        if (s.kind === 'html') return <div key={i} className="contents-flow" dangerouslySetInnerHTML={{ __html: s.html }} />;
        const Diagram = diagrams[s.name];
        if (!Diagram) return <p key={i} className="form-error">Unknown diagram “{s.name}”.</p>;
        return <Diagram key={i} />;
      })}
    </div>
  );
}
