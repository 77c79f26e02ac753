/**
 * The documentation as a set of files (path -> content), and the two things done with it: write it
 * to a folder, or compare it with what a folder holds (`docs --check`). Rendering is pure and
 * deterministic: the same model gives byte-identical files.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { RecruitDbError } from '../errors';
import type { Page } from './doc';
import { htmlPage, htmlSection } from './html';
import { diagramFile, markdownPage, pageFile } from './markdown';
import type { DocsModel, PgDocs } from './model';
import { buildSite, diagramsOf, pgPagesOf, type Diagram } from './pages';
import { erSvg } from './svg';

export const HTML_FILE = 'index.html';
/** The first line of the generated README: how a folder is recognised as ours before files are removed. */
export const TITLE = 'recruit-db schema';

// Rendering is pure: each page's Markdown and each diagram's SVG file are made once per object, so
// what prepareDocs made early is reused.
const markdownCache = new WeakMap<Page, string>();
const svgFileCache = new WeakMap<Diagram, string>();

function markdownOf(page: Page): string {
  let md = markdownCache.get(page);
  if (md === undefined) markdownCache.set(page, (md = markdownPage(page)));
  return md;
}

function svgFileOf(d: Diagram): string {
  let svg = svgFileCache.get(d);
  if (svg === undefined) {
    const file = diagramFile(d.key, 'svg');
    svg = erSvg(d.diagram, { href: (t) => relative(dirname(file), pageFile(`pg/table/${t}`)).split(sep).join('/') });
    svgFileCache.set(d, svg);
  }
  return svg;
}

/**
 * Renders what depends on PostgreSQL alone (its pages, Markdown and HTML, and every diagram): most
 * of the work, done while the other stores are still being read (run.ts).
 */
export function prepareDocs(pg: PgDocs): void {
  const diagrams = diagramsOf(pg);
  const byKey = new Map(diagrams.map((d) => [d.key, d]));
  for (const d of diagrams) svgFileOf(d);
  for (const page of pgPagesOf(pg)) {
    markdownOf(page);
    htmlSection(page, byKey);
  }
}

export function renderDocs(model: DocsModel): Map<string, string> {
  const site = buildSite(model);
  const files = new Map<string, string>();
  for (const page of site.pages) files.set(pageFile(page.id), markdownOf(page));
  for (const d of site.diagrams) {
    files.set(diagramFile(d.key, 'svg'), svgFileOf(d));
    files.set(diagramFile(d.key, 'mmd'), d.mermaid);
  }
  files.set(HTML_FILE, htmlPage(site, TITLE));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Every file under `dir`, as forward-slash paths relative to it. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

export interface DocsDiff {
  /** Generated, not in the folder. */
  missing: string[];
  /** In both, with other content. */
  changed: string[];
  /** In the folder, no longer generated. */
  extra: string[];
}

export function diffDocs(dir: string, files: ReadonlyMap<string, string>): DocsDiff {
  const present = new Set(listFiles(dir));
  const diff: DocsDiff = { missing: [], changed: [], extra: [] };
  for (const [path, content] of files) {
    if (!present.has(path)) diff.missing.push(path);
    else if (readFileSync(join(dir, path), 'utf8') !== content) diff.changed.push(path);
  }
  for (const path of present) if (!files.has(path)) diff.extra.push(path);
  return diff;
}

export function isClean(d: DocsDiff): boolean {
  return !d.missing.length && !d.changed.length && !d.extra.length;
}

/**
 * Writes the files and removes the folder's files that are no longer generated (a dropped table's
 * page). Refuses a folder that holds files but no README of ours, so a mistyped --out never loses
 * someone's files. Unchanged files are left untouched.
 */
export function writeDocs(dir: string, files: ReadonlyMap<string, string>): DocsDiff {
  const existing = listFiles(dir);
  if (existing.length && !isOurs(dir)) {
    throw new RecruitDbError({
      code: 'usage',
      message: `${dir} holds files that recruit-db docs did not write`,
      hint: 'choose an empty or new folder with --out, or the folder an earlier `recruit-db docs` wrote',
    });
  }
  const diff = diffDocs(dir, files);
  for (const path of [...diff.missing, ...diff.changed]) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, files.get(path)!);
  }
  for (const path of diff.extra) rmSync(join(dir, path));
  removeEmptyFolders(dir);
  return diff;
}

function isOurs(dir: string): boolean {
  const readme = join(dir, 'README.md');
  return existsSync(readme) && readFileSync(readme, 'utf8').startsWith(`# ${TITLE}\n`);
}

function removeEmptyFolders(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (!statSync(p).isDirectory()) continue;
    removeEmptyFolders(p);
    if (!readdirSync(p).length) rmSync(p, { recursive: true });
  }
}
