/**
 * A small document tree that both outputs render: the Markdown files and the one HTML page hold
 * the same pages, so what a page says is decided once (pages.ts) and only the syntax differs.
 */

/** A page, or a place on a page (`anchor`), that a link points to. */
export interface Target {
  page: string;
  anchor?: string;
}

export type Inline = string | { code: string } | { strong: Inline } | { link: Target; text: Inline } | Inline[];

export type Block =
  | { h: 2 | 3; text: string; anchor?: string }
  | { p: Inline }
  | { table: { head: string[]; rows: Inline[][] } }
  | { list: Inline[] }
  | { mermaid: string }
  /** An ER diagram by key; `drawnOn`: the page that draws it, where one page holds all (HTML) and this one links to it. */
  | { diagram: string; alt: string; drawnOn?: string };

export interface Page {
  /** e.g. "pg/users", "mongo/event_log", "s3", "pg/group/payments". */
  id: string;
  title: string;
  /** One line under the title. */
  lead?: Inline;
  blocks: Block[];
  /** Words the HTML search box matches besides the title (column and field names). */
  keywords?: string[];
  /** Where the page sits in the HTML navigation. */
  nav: { section: string; group?: string };
}

export const link = (page: string, text: Inline, anchor?: string): Inline => ({ link: anchor ? { page, anchor } : { page }, text });
export const code = (s: string): Inline => ({ code: s });

/** Plain text of an inline, for search keywords and alt texts. */
export function plain(i: Inline): string {
  if (typeof i === 'string') return i;
  if (Array.isArray(i)) return i.map(plain).join('');
  if ('code' in i) return i.code;
  if ('strong' in i) return plain(i.strong);
  return plain(i.text);
}

/** Joins inlines with a separator: [a, ", ", b, ", ", c]. */
export function join(items: Inline[], sep: Inline = ', '): Inline {
  const out: Inline[] = [];
  items.forEach((x, i) => {
    if (i) out.push(sep);
    out.push(x);
  });
  return out;
}
