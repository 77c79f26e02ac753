/** The pages as GitHub-flavoured Markdown files, linked to each other by relative paths. */
import { posix } from 'node:path';
import type { Block, Inline, Page, Target } from './doc';

/** Where each page lives under the output folder. */
export function pageFile(id: string): string {
  if (id === 'index') return 'README.md';
  if (id === 'pg') return 'postgres/README.md';
  if (id === 'pg/enums') return 'postgres/enums.md';
  if (id === 'mongo') return 'mongo/README.md';
  if (id === 's3') return 's3/README.md';
  let m = /^pg\/group\/(.+)$/.exec(id);
  if (m) return `postgres/groups/${m[1]}.md`;
  m = /^pg\/table\/(.+)$/.exec(id);
  if (m) return `postgres/tables/${m[1]}.md`;
  m = /^mongo\/(.+)$/.exec(id);
  if (m) return `mongo/${m[1]}.md`;
  throw new Error(`no file for page "${id}"`);
}

export const diagramFile = (key: string, ext: 'svg' | 'mmd') => `er/${key}.${ext}`;

function rel(from: string, to: string): string {
  const r = posix.relative(posix.dirname(from), to);
  return r.startsWith('.') ? r : `./${r}`;
}

function codeSpan(s: string): string {
  const t = s.replace(/\s*\n\s*/g, ' ');
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

/** Markdown's special characters in plain text; an underscore inside a word (table_name) is plain in GFM. */
function escapeText(s: string): string {
  return s
    .replace(/([\\*[\]<>`])/g, '\\$1')
    .replace(/_/g, (u, i: number, t: string) => (/[A-Za-z0-9]/.test(t[i - 1] ?? '') && /[A-Za-z0-9]/.test(t[i + 1] ?? '') ? u : '\\_'))
    .replace(/^#/, '\\#');
}

function inline(i: Inline, file: string): string {
  if (typeof i === 'string') return escapeText(i);
  if (Array.isArray(i)) return i.map((x) => inline(x, file)).join('');
  if ('code' in i) return codeSpan(i.code);
  if ('strong' in i) return `**${inline(i.strong, file)}**`;
  // A link to the page it is on leads nowhere new: the text alone.
  if (pageFile(i.link.page) === file && !i.link.anchor) return inline(i.text, file);
  return `[${inline(i.text, file)}](${href(i.link, file)})`;
}

function href(t: Target, file: string): string {
  const target = pageFile(t.page);
  const path = target === file ? '' : rel(file, target);
  return `${path}${t.anchor ? `#${t.anchor}` : ''}`;
}

/** A table cell: one line, and a pipe never ends the cell (also inside code spans, as GitHub reads it). */
function cell(i: Inline, file: string): string {
  return inline(i, file).replace(/\n/g, ' ').replace(/\|/g, '\\|');
}

function block(b: Block, file: string): string {
  if ('h' in b) return `${'#'.repeat(b.h)} ${b.text}`;
  if ('p' in b) return inline(b.p, file);
  if ('list' in b) return b.list.map((x) => `- ${inline(x, file)}`).join('\n');
  if ('mermaid' in b) return '```mermaid\n' + b.mermaid.trimEnd() + '\n```';
  if ('diagram' in b) return `![${escapeText(b.alt)}](${rel(file, diagramFile(b.diagram, 'svg'))})`;
  const { head, rows } = b.table;
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map((c) => cell(c, file)).join(' | ')} |`)].join('\n');
}

export function markdownPage(page: Page): string {
  const file = pageFile(page.id);
  const parts = [`# ${page.title}`];
  if (page.lead) parts.push(inline(page.lead, file));
  for (const b of page.blocks) parts.push(block(b, file));
  return parts.join('\n\n') + '\n';
}
