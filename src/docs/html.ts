/**
 * Every page in one self-contained HTML file: inline CSS and script, the ER diagrams inlined as
 * SVG, no request to anything at view time (it opens from disk). A search box filters the pages
 * by name, column and field; every table name links to its section, also inside the diagrams.
 */
import type { Block, Inline, Page, Target } from './doc';
import { plain } from './doc';
import type { ErDiagram } from './er';
import type { Diagram, Site } from './pages';
import { erSvg, escapeXml as esc } from './svg';

export const anchorOf = (pageId: string, anchor?: string) => `p-${pageId.replace(/[^A-Za-z0-9_-]+/g, '-')}${anchor ? `--${anchor}` : ''}`;
const href = (t: Target) => `#${anchorOf(t.page, t.anchor)}`;

function inline(i: Inline): string {
  if (typeof i === 'string') return esc(i);
  if (Array.isArray(i)) return i.map(inline).join('');
  if ('code' in i) return `<code>${esc(i.code)}</code>`;
  if ('strong' in i) return `<strong>${inline(i.strong)}</strong>`;
  return `<a href="${href(i.link)}">${inline(i.text)}</a>`;
}

const svgCache = new WeakMap<ErDiagram, string>();

/** A diagram as the page inlines it: entities link to their sections, ids unique on the page. */
function inlineSvg(d: Diagram): string {
  let svg = svgCache.get(d.diagram);
  if (svg === undefined) {
    svg = erSvg(d.diagram, { href: (t) => `#${anchorOf(`pg/table/${t}`)}`, idPrefix: `er-${d.key}` });
    svgCache.set(d.diagram, svg);
  }
  return svg;
}

function block(b: Block, pageId: string, diagrams: ReadonlyMap<string, Diagram>): string {
  if ('h' in b) return `<h${b.h + 1}${b.anchor ? ` id="${esc(anchorOf(pageId, b.anchor))}"` : ''}>${esc(b.text)}</h${b.h + 1}>`;
  if ('p' in b) return `<p>${inline(b.p)}</p>`;
  if ('list' in b) return `<ul>${b.list.map((x) => `<li>${inline(x)}</li>`).join('')}</ul>`;
  if ('mermaid' in b) return `<details><summary>Mermaid source</summary><pre>${esc(b.mermaid)}</pre></details>`;
  if ('diagram' in b) {
    // One page holds everything: a diagram drawn elsewhere is a link to it, so each is inlined once.
    if (b.drawnOn) return `<p>Diagram: <a href="#${anchorOf(b.drawnOn)}">${esc(b.alt)}</a>.</p>`;
    const d = diagrams.get(b.diagram);
    return `<figure class="diagram"><div class="diagram-tools"><button type="button" class="fit">fit to width</button></div><div class="scroll">${d ? inlineSvg(d) : ''}</div><figcaption>${esc(b.alt)}</figcaption></figure>`;
  }
  const { head, rows } = b.table;
  return `<div class="table"><table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

const sectionCache = new WeakMap<Page, string>();

/** One page as a section of the HTML page: a function of the page alone, so it is made once. */
export function htmlSection(p: Page, diagrams: ReadonlyMap<string, Diagram>): string {
  const cached = sectionCache.get(p);
  if (cached !== undefined) return cached;
  const search = [p.title, ...(p.keywords ?? [])].join(' ').toLowerCase();
  const html = [
    `<section class="page" id="${anchorOf(p.id)}" data-search="${esc(search)}">`,
    `<h2>${esc(p.title)}</h2>`,
    p.lead ? `<p class="lead">${inline(p.lead)}</p>` : '',
    ...p.blocks.map((b) => block(b, p.id, diagrams)),
    '</section>',
  ]
    .filter(Boolean)
    .join('\n');
  sectionCache.set(p, html);
  return html;
}

export function htmlPage(site: Site, title: string): string {
  const diagrams = new Map(site.diagrams.map((d) => [d.key, d]));
  const sections = site.pages.map((p) => htmlSection(p, diagrams));

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may load from elsewhere: the page is one file, opened from disk.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${esc(title)}</h1><input id="search" type="search" placeholder="Search tables, columns, collections, fields, prefixes" aria-label="Search" autocomplete="off"><span id="search-count" aria-live="polite"></span></header>`,
    `<nav id="nav">${nav(site.pages)}</nav>`,
    `<main id="main">\n${sections.join('\n')}\n</main>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function nav(pages: Page[]): string {
  const out: string[] = [];
  const sections = [...new Set(pages.map((p) => p.nav.section))];
  for (const s of sections) {
    const inSection = pages.filter((p) => p.nav.section === s);
    out.push(`<h3>${esc(s)}</h3><ul>`);
    // Pages without a group first (overviews), then one nested list per group in first-seen order.
    for (const p of inSection.filter((x) => !x.nav.group)) out.push(item(p));
    const groups = [...new Set(inSection.map((p) => p.nav.group).filter((g): g is string => Boolean(g)))];
    for (const g of groups) {
      const members = inSection.filter((p) => p.nav.group === g);
      const head = members.find((p) => p.title === g);
      out.push(`<li class="group"><span>${head ? `<a href="#${anchorOf(head.id)}" data-search="${esc(g.toLowerCase())}">${esc(g)}</a>` : esc(g)}</span><ul>`);
      for (const p of members.filter((x) => x !== head)) out.push(item(p));
      out.push('</ul></li>');
    }
    out.push('</ul>');
  }
  return out.join('');
}

function item(p: Page): string {
  const search = [p.title, ...(p.keywords ?? [])].join(' ').toLowerCase();
  return `<li><a href="#${anchorOf(p.id)}" data-search="${esc(search)}" title="${esc(p.lead ? plain(p.lead) : p.title)}">${esc(p.title)}</a></li>`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1b2631;background:#fff}
header{position:fixed;top:0;left:0;right:0;height:52px;display:flex;align-items:center;gap:16px;padding:0 16px;background:#1b2631;color:#fff;z-index:2}
header h1{font-size:17px;margin:0;white-space:nowrap}
#search{flex:0 1 420px;padding:6px 10px;border-radius:4px;border:1px solid #85929e;font-size:14px}
#search-count{font-size:12px;color:#d5d8dc}
nav{position:fixed;top:52px;bottom:0;left:0;width:260px;overflow:auto;padding:8px 12px 24px;border-right:1px solid #d5d8dc;background:#f8f9f9;font-size:13px}
nav h3{margin:14px 0 4px;font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#5d6d7e}
nav ul{list-style:none;margin:0;padding-left:10px}
nav>ul{padding-left:0}
nav li.group>span{display:block;margin-top:6px;font-weight:600}
nav a{color:#1a5276;text-decoration:none}
nav a:hover{text-decoration:underline}
main{margin:52px 0 0 260px;padding:8px 28px 80px;max-width:1400px}
section.page{border-bottom:1px solid #eaeded;padding:8px 0 20px;scroll-margin-top:60px}
section.page:target>h2{background:#fcf3cf}
h2{font-size:22px;margin:18px 0 4px}
h3{font-size:16px;margin:18px 0 6px}
h3[id]{scroll-margin-top:60px}
p.lead{color:#5d6d7e;margin-top:0}
code{font-family:"DejaVu Sans Mono",Menlo,Consolas,ui-monospace,monospace;font-size:12px;background:#f4f6f6;padding:0 3px;border-radius:3px;overflow-wrap:break-word}
a{color:#1a5276}
div.table{overflow-x:auto}
table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}
th,td{border:1px solid #d5d8dc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f4f6f6}
figure.diagram{margin:8px 0 12px;border:1px solid #d5d8dc;border-radius:4px}
figure.diagram .scroll{overflow:auto;max-height:80vh}
figure.diagram.fit svg{width:100%;height:auto}
figure.diagram figcaption{font-size:12px;color:#5d6d7e;padding:4px 8px;border-top:1px solid #eaeded}
.diagram-tools{padding:4px 8px;border-bottom:1px solid #eaeded}
.diagram-tools button{font-size:12px}
svg .entity.hit rect.head{fill:#f9e79f !important}
details pre{font-size:12px;background:#f4f6f6;padding:8px;overflow:auto;max-height:400px}
.hidden{display:none !important}
`.trim();

// Plain ES2017, no library: filter by substring over each page's and nav link's data-search words.
const SCRIPT = `
(function () {
  var input = document.getElementById('search');
  var count = document.getElementById('search-count');
  var pages = Array.prototype.slice.call(document.querySelectorAll('section.page'));
  var links = Array.prototype.slice.call(document.querySelectorAll('#nav a[data-search]'));
  var entities = Array.prototype.slice.call(document.querySelectorAll('svg .entity'));
  function matches(el, q) { return el.getAttribute('data-search').indexOf(q) !== -1; }
  function apply() {
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    pages.forEach(function (p) { var hit = !q || matches(p, q); p.classList.toggle('hidden', !hit); if (hit) shown++; });
    links.forEach(function (a) { a.parentNode.classList.toggle('hidden', Boolean(q) && !matches(a, q)); });
    entities.forEach(function (e) { e.classList.toggle('hit', Boolean(q) && e.getAttribute('data-table').indexOf(q) !== -1); });
    count.textContent = q ? shown + (shown === 1 ? ' match' : ' matches') : '';
  }
  input.addEventListener('input', apply);
  input.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter') return;
    var first = pages.filter(function (p) { return !p.classList.contains('hidden'); })[0];
    if (first) location.hash = first.id;
  });
  // A followed link must land on a visible section, whatever the search box holds.
  window.addEventListener('hashchange', function () {
    var el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var section = el && (el.closest ? el.closest('section.page') : null);
    if (section && section.classList.contains('hidden')) { input.value = ''; apply(); el.scrollIntoView(); }
  });
  Array.prototype.forEach.call(document.querySelectorAll('figure.diagram button.fit'), function (b) {
    b.addEventListener('click', function () {
      var f = b.closest('figure');
      f.classList.toggle('fit');
      b.textContent = f.classList.contains('fit') ? 'actual size' : 'fit to width';
    });
  });
})();
`.trim();
