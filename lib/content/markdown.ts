// Markdown -> segments (HTML or diagram names). GitHub-flavoured Markdown via marked, code via
// highlight.ts, callouts from GitHub-alert blockquotes, ```diagram blocks split out so that the
// page can render them as React components.
import { Marked, type Tokens, type Token } from 'marked';
import { CALLOUT_KINDS, type CalloutKind, type Segment } from './types.ts';
import { escapeHtml, highlight } from './highlight.ts';

const CALLOUT_TITLES: Record<CalloutKind, string> = {
  GOTCHA: 'Gotcha',
  'UNDER-THE-HOOD': 'Under the hood',
  REMEMBER: 'Remember',
  'MENTAL-MODEL': 'Mental model',
  TRIVIA: 'Trivia',
  'WAR-STORY': 'War story',
  NOTE: 'Note',
  'REALITY-CHECK': 'Reality check',
};

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/&[a-z]+;/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

type CodeToken = Tokens.Code & { html?: string };

function makeMarked(): Marked {
  const m = new Marked({ gfm: true });
  m.use({
    renderer: {
      code(token: Tokens.Code) {
        const t = token as CodeToken;
        const label = t.lang ? `<span class="code-lang">${escapeHtml(t.lang)}</span>` : '<span></span>';
        const body = t.html ?? `<pre><code>${escapeHtml(t.text)}</code></pre>`;
        return `<div class="code-block">${label}<button type="button" class="copy-btn" data-copy aria-label="Copy code to clipboard">Copy</button>${body}</div>\n`;
      },
      blockquote(token: Tokens.Blockquote) {
        const inner = this.parser.parse(token.tokens);
        const m = /^<p>\[!([A-Z-]+)\][ \t]*\n?/.exec(inner);
        const kind = m?.[1] as CalloutKind | undefined;
        if (!m || !kind || !CALLOUT_KINDS.includes(kind)) return `<blockquote>${inner}</blockquote>\n`;
        const rest = ('<p>' + inner.slice(m[0].length)).replace(/^<p>\s*<\/p>\n?/, '');
        const cls = kind.toLowerCase();
        return `<aside class="callout callout-${cls}" aria-label="${CALLOUT_TITLES[kind]}"><p class="callout-title">${CALLOUT_TITLES[kind]}</p>${rest}</aside>\n`;
      },
      heading(token: Tokens.Heading) {
        const html = this.parser.parseInline(token.tokens);
        const id = slugify(html);
        return `<h${token.depth} id="${id}">${html}</h${token.depth}>\n`;
      },
      table(token: Tokens.Table) {
        const head = token.header.map((c) => `<th${c.align ? ` style="text-align:${c.align}"` : ''}>${this.parser.parseInline(c.tokens)}</th>`).join('');
        const rows = token.rows
          .map((r) => '<tr>' + r.map((c) => `<td${c.align ? ` style="text-align:${c.align}"` : ''}>${this.parser.parseInline(c.tokens)}</td>`).join('') + '</tr>')
          .join('\n');
        return `<div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>\n`;
      },
    },
  });
  return m;
}

const marked = makeMarked();

const rendered = new Map<string, Promise<Segment[]>>();

/** Renders markdown into HTML and diagram segments (top-level ```diagram blocks only). Cached. */
export function renderMarkdown(md: string): Promise<Segment[]> {
  if (process.env.NODE_ENV === 'development') return render(md);
  let r = rendered.get(md);
  if (!r) {
    if (rendered.size > 2000) rendered.clear();
    rendered.set(md, (r = render(md)));
    r.catch(() => rendered.delete(md));
  }
  return r;
}

async function render(md: string): Promise<Segment[]> {
  const tokens = marked.lexer(md);
  const jobs: Promise<void>[] = [];
  marked.walkTokens(tokens, (t: Token) => {
    if (t.type === 'code' && (t as Tokens.Code).lang !== 'diagram') {
      const c = t as CodeToken;
      jobs.push(highlight(c.text, c.lang).then((html) => void (c.html = html)));
    }
  });
  await Promise.all(jobs);

  const segments: Segment[] = [];
  let pending: Token[] = [];
  const flush = () => {
    if (!pending.length) return;
    const list = Object.assign(pending, { links: tokens.links });
    segments.push({ kind: 'html', html: marked.parser(list) });
    pending = [];
  };
  for (const t of tokens) {
    if (t.type === 'code' && (t as Tokens.Code).lang === 'diagram') {
      flush();
      segments.push({ kind: 'diagram', name: (t as Tokens.Code).text.trim() });
    } else pending.push(t);
  }
  flush();
  return segments;
}

/** Markdown -> one HTML string; diagrams become a placeholder naming them (for flashcards). */
export async function renderMarkdownHtml(md: string): Promise<string> {
  const segs = await renderMarkdown(md);
  return segs.map((s) => (s.kind === 'html' ? s.html : `<p class="diagram-ref">[diagram: ${escapeHtml(s.name)}]</p>`)).join('');
}

/** One line of inline markdown (titles): `code`, **bold**, links. */
export function renderInlineHtml(md: string): string {
  return marked.parseInline(md, { async: false }) as string;
}
