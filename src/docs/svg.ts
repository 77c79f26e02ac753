/**
 * The ER diagram as a standalone SVG, laid out in Node (layout.ts: no browser, no network):
 * referenced tables left of the tables that reference them, crow's-foot ends, each foreign key
 * labelled with its columns and ON DELETE action. Text widths come from a
 * monospace font's fixed advance, so the same diagram always gives the same bytes.
 */
import { cardinality, cardinalityWords, type ErDiagram } from './er';
import { layeredLayout } from './layout';
import type { DocForeignKey, OnDeleteAction } from './model';

const FONT = 12;
/** Advance of one character of a 12px monospace font (0.6em in DejaVu Sans Mono, Menlo, Consolas). */
const CHAR = 7.23;
const ROW = 18;
const HEAD = 24;
const PAD = 8;
const LABEL_FONT = 10;
const LABEL_CHAR = 6.03;

export interface SvgOptions {
  /** Where an entity links to; none when omitted. */
  href?: (table: string) => string;
  /** Element id prefix, so several diagrams can live in one HTML page. */
  idPrefix?: string;
  /** Edge labels (columns and ON DELETE action). Without them, colour and the tooltip carry the action. */
  labels?: boolean;
}

export const ACTION_COLOUR: Record<OnDeleteAction, string> = {
  CASCADE: '#c0392b',
  RESTRICT: '#34495e',
  'SET NULL': '#2874a6',
  'SET DEFAULT': '#7d3c98',
  'NO ACTION': '#7f8c8d',
};

function n(x: number): string {
  return String(Math.round(x * 10) / 10);
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Box {
  table: string;
  external: boolean;
  width: number;
  height: number;
  rows: Array<{ tag: string; name: string; type: string }>;
}

function boxOf(e: ErDiagram['entities'][number]): Box {
  const rows = e.columns.map((c) => ({ tag: [c.pk ? 'PK' : '', c.fk ? 'FK' : ''].filter(Boolean).join(','), name: c.name, type: c.type }));
  const tagW = Math.max(0, ...rows.map((r) => r.tag.length));
  const nameW = Math.max(0, ...rows.map((r) => r.name.length));
  const typeW = Math.max(0, ...rows.map((r) => r.type.length));
  const chars = Math.max(e.table.length + 2, rows.length ? tagW + nameW + typeW + 4 : 0);
  return { table: e.table, external: e.external, width: Math.ceil(chars * CHAR + 2 * PAD), height: HEAD + rows.length * ROW + (rows.length ? 6 : 0), rows };
}

function edgeLabel(fk: DocForeignKey): string {
  return `${fk.columns.join(',')} · ${fk.onDelete}`;
}

interface Placed {
  box: Box;
  x: number;
  y: number;
}

interface ErLayout {
  width: number;
  height: number;
  placed: Placed[];
  edges: Map<string, Edge>;
  /** Group name -> colour of its tables' headers, when the diagram has groups. */
  colours: Map<string, string>;
  /** Height of the legend strip above the diagram (0 without groups). */
  legend: number;
}

/** Header tints for summary groups (13 today; more cycle). */
const GROUP_COLOURS = ['#d6eaf8', '#d5f5e3', '#fdebd0', '#e8daef', '#fadbd8', '#d1f2eb', '#fcf3cf', '#ebdef0', '#d4e6f1', '#f6ddcc', '#e5e8e8', '#d0ece7', '#f2d7d5', '#e9f7ef'];
const LEGEND_ROW = 22;

// Laid out once per diagram and label setting: the SVG file and the HTML page draw the same layout.
const layouts = new WeakMap<ErDiagram, Map<boolean, ErLayout>>();

/**
 * Referenced tables left of the tables that reference them (a tall picture scrolls better than a
 * wide one: most keys point at a few hub tables); each line leaves the referenced table at its key
 * row and enters the referencing one at its foreign-key column, labelled just before it. With
 * groups, each group's tables share a header colour and a legend names them. Self references are
 * drawn as loops (below).
 */
function layoutEr(d: ErDiagram, labels: boolean): ErLayout {
  const cached = layouts.get(d)?.get(labels);
  if (cached) return cached;
  const boxes = new Map(d.entities.map((e) => [e.table, boxOf(e)]));
  const rowY = (b: Box, column: string | undefined) => {
    const i = column === undefined ? -1 : b.rows.findIndex((r) => r.name === column);
    return i < 0 ? HEAD / 2 : HEAD + i * ROW + ROW / 2 + 1;
  };
  const relations = d.relations.filter((r) => boxes.has(r.refTable) && boxes.has(r.table));
  const labelWidth = (r: DocForeignKey) => (labels ? edgeLabel(r).length * LABEL_CHAR + 6 : 0);
  const byName = new Map(relations.map((r) => [r.name, r]));
  const colours = new Map((d.groups ?? []).map((grp, i) => [grp.name, GROUP_COLOURS[i % GROUP_COLOURS.length]]));
  const laid = layeredLayout(
    [...boxes.values()].map((b) => ({ id: b.table, width: b.width, height: b.height })),
    relations.map((r) => ({ id: r.name, from: r.refTable, to: r.table, fromY: rowY(boxes.get(r.refTable)!, r.refColumns[0]), toY: rowY(boxes.get(r.table)!, r.columns[0]) })),
    // Room for the label and the crow's foot before the box an edge enters.
    { columnGap: 64, rowGap: 22, margin: 16, labelWidth: (e) => labelWidth(byName.get(e.id)!) + (labels ? 30 : 0) },
  );
  let width = laid.width;
  const legend = legendRows(d, width).length * LEGEND_ROW + (colours.size ? 8 : 0);
  const placed = [...boxes.values()].map((box) => {
    const p = laid.nodes.get(box.table)!;
    return { box, x: p.x, y: p.y + legend };
  });
  const at = new Map(placed.map((p) => [p.box.table, p]));
  const edges = new Map<string, Edge>();
  for (const r of relations) {
    if (r.table === r.refTable) {
      const p = at.get(r.table)!;
      edges.set(r.name, loop(p, rowY(p.box, r.columns[0]), rowY(p.box, r.refColumns[0]), labelWidth(r)));
      width = Math.max(width, Math.ceil(p.x + p.box.width + 48 + labelWidth(r) + 10));
      continue;
    }
    const pts = laid.edges.get(r.name);
    if (!pts) continue;
    // Drawn from the referencing table to the referenced one: the "many" end first.
    const points = [...pts].reverse().map((p) => ({ x: p.x, y: p.y + legend }));
    const end = points[0];
    const leftward = points.length > 1 && points[1].x < end.x;
    const w = labelWidth(r);
    edges.set(r.name, { points, x: leftward ? end.x - 24 - w / 2 : end.x + 24 + w / 2, y: end.y - LABEL_FONT / 2 - 2 });
  }
  const out: ErLayout = { width, height: laid.height + legend, placed, edges, colours, legend };
  layouts.set(d, (layouts.get(d) ?? new Map()).set(labels, out));
  return out;
}

/** Lays out (once) and draws the diagram. Deterministic: same diagram, same bytes. */
export function erSvg(d: ErDiagram, opts: SvgOptions = {}): string {
  const labels = opts.labels ?? true;
  const id = opts.idPrefix ?? 'er';
  const L = layoutEr(d, labels);
  const W = L.width;
  const H = L.height;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" class="er-diagram" role="img" aria-label="${escapeXml(d.title)}: ${d.entities.length} tables, ${d.relations.length} foreign keys">`,
    `<title>${escapeXml(d.title)}</title>`,
    '<style>',
    `.er-diagram text{font-family:"DejaVu Sans Mono",Menlo,Consolas,ui-monospace,monospace;font-size:${FONT}px;fill:#1b2631}`,
    '.er-diagram .entity rect.body{fill:#fdfefe;stroke:#5d6d7e;stroke-width:1}',
    '.er-diagram .entity rect.head{fill:#d6eaf8;stroke:#5d6d7e;stroke-width:1}',
    '.er-diagram .entity.external rect.body,.er-diagram .entity.external rect.head{fill:#f4f6f6;stroke-dasharray:4 3}',
    '.er-diagram .entity text.name{font-weight:bold}',
    '.er-diagram .entity text.tag{fill:#a04000}',
    '.er-diagram .entity text.type{fill:#5d6d7e}',
    '.er-diagram .relation path{fill:none;stroke-width:1.2}',
    `.er-diagram .relation text{font-size:${LABEL_FONT}px}`,
    '.er-diagram a:hover rect.head{fill:#aed6f1 !important}',
    '</style>',
    '<defs>',
    ...markers(id),
    '</defs>',
  );

  if (L.colours.size) {
    out.push('<g class="legend">');
    legendRows(d, W).forEach((row, r) => {
      for (const item of row) {
        const y = 12 + r * LEGEND_ROW;
        out.push(
          `<rect x="${n(item.x)}" y="${y}" width="14" height="14" rx="2" fill="${L.colours.get(item.name)}" stroke="#5d6d7e"/>`,
          `<text x="${n(item.x + 20)}" y="${y + 12}">${escapeXml(item.name)}</text>`,
        );
      }
    });
    out.push('</g>');
  }

  for (const r of d.relations) {
    const edge = L.edges.get(r.name);
    if (!edge) continue;
    const colour = ACTION_COLOUR[r.onDelete] ?? ACTION_COLOUR['NO ACTION'];
    const { parent, child } = cardinality(r);
    const startMarker = child === 'o{' ? 'many' : 'zero-one';
    const endMarker = parent === '||' ? 'one' : 'zero-one';
    out.push(
      `<g class="relation" data-fk="${escapeXml(r.name)}" data-on-delete="${r.onDelete}">`,
      `<title>${escapeXml(`${r.table}.${r.columns.join(', ')} -> ${r.refTable} (${r.refColumns.join(', ')}) ON DELETE ${r.onDelete}: ${cardinalityWords(r)}`)}</title>`,
      `<path d="${r.table === r.refTable ? loopPath(edge.points) : path(edge.points)}" stroke="${colour}" marker-start="url(#${id}-${startMarker})" marker-end="url(#${id}-${endMarker})"${r.optional ? ' stroke-dasharray="5 3"' : ''}/>`,
    );
    if (labels && edge.x !== undefined && edge.y !== undefined) {
      const text = edgeLabel(r);
      const w = text.length * LABEL_CHAR + 6;
      out.push(
        `<rect x="${n(edge.x - w / 2)}" y="${n(edge.y - (LABEL_FONT + 6) / 2)}" width="${n(w)}" height="${LABEL_FONT + 6}" fill="#ffffff" fill-opacity="0.85"/>`,
        `<text x="${n(edge.x)}" y="${n(edge.y + LABEL_FONT / 2 - 1)}" text-anchor="middle" style="fill:${colour}">${escapeXml(text)}</text>`,
      );
    }
    out.push('</g>');
  }

  const groupOf = new Map((d.groups ?? []).flatMap((grp) => grp.tables.map((t) => [t, grp.name] as const)));
  for (const { box: b, x, y } of L.placed) {
    const body: string[] = [
      `<rect class="body" x="${n(x)}" y="${n(y)}" width="${b.width}" height="${b.height}" rx="3"/>`,
      `<rect class="head" x="${n(x)}" y="${n(y)}" width="${b.width}" height="${HEAD}" rx="3"${groupOf.has(b.table) ? ` style="fill:${L.colours.get(groupOf.get(b.table)!)}"` : ''}/>`,
      `<text class="name" x="${n(x + PAD)}" y="${n(y + HEAD - 7)}">${escapeXml(b.table)}</text>`,
    ];
    const tagW = Math.max(0, ...b.rows.map((r) => r.tag.length));
    const nameW = Math.max(0, ...b.rows.map((r) => r.name.length));
    b.rows.forEach((r, i) => {
      const ty = y + HEAD + (i + 1) * ROW - 4;
      body.push(
        `<text class="tag" x="${n(x + PAD)}" y="${n(ty)}">${escapeXml(r.tag)}</text>`,
        `<text class="col" x="${n(x + PAD + (tagW + 1) * CHAR)}" y="${n(ty)}">${escapeXml(r.name)}</text>`,
        `<text class="type" x="${n(x + PAD + (tagW + nameW + 2) * CHAR)}" y="${n(ty)}">${escapeXml(r.type)}</text>`,
      );
    });
    const inner = opts.href ? [`<a href="${escapeXml(opts.href(b.table))}">`, ...body, '</a>'] : body;
    out.push(`<g class="entity${b.external ? ' external' : ''}" id="${id}-${b.table}" data-table="${b.table}">`, `<title>${escapeXml(b.table)}</title>`, ...inner, '</g>');
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** The legend's items, placed left to right and wrapped to the diagram's width. */
function legendRows(d: ErDiagram, width: number): Array<Array<{ name: string; x: number }>> {
  const rows: Array<Array<{ name: string; x: number }>> = [];
  let x = 16;
  for (const grp of d.groups ?? []) {
    const w = 20 + grp.name.length * CHAR + 24;
    if (!rows.length || x + w > width - 16) {
      rows.push([]);
      x = 16;
    }
    rows[rows.length - 1].push({ name: grp.name, x });
    x += w;
  }
  return rows;
}

interface Edge {
  points: Array<{ x: number; y: number }>;
  x?: number;
  y?: number;
}

/** A self reference: out of the box's right side at the key column and back in at the key row, the label beside it. */
function loop(p: Placed, fromRow: number, toRow: number, labelWidth: number): Edge {
  const b = p.box;
  const right = p.x + b.width;
  const y2 = p.y + fromRow;
  const y1 = p.y + toRow;
  return {
    points: [
      { x: right, y: y2 },
      { x: right + 36, y: y2 },
      { x: right + 36, y: y1 },
      { x: right, y: y1 },
    ],
    x: right + 44 + labelWidth / 2,
    y: (y1 + y2) / 2 - LABEL_FONT / 2 - 2 + 6,
  };
}

function loopPath(p: Array<{ x: number; y: number }>): string {
  return `M${n(p[0].x)},${n(p[0].y)} C${n(p[1].x)},${n(p[1].y)} ${n(p[2].x)},${n(p[2].y)} ${n(p[3].x)},${n(p[3].y)}`;
}

/** A smooth line through the points, leaving and entering each horizontally (so the ends meet the boxes square). */
function path(pts: Array<{ x: number; y: number }>): string {
  const parts = [`M${n(pts[0].x)},${n(pts[0].y)}`];
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1];
    const b = pts[i];
    const dx = (b.x - a.x) / 2;
    parts.push(`C${n(a.x + dx)},${n(a.y)} ${n(b.x - dx)},${n(b.y)} ${n(b.x)},${n(b.y)}`);
  }
  return parts.join(' ');
}

/** Crow's-foot ends, drawn pointing along the line; auto-start-reverse flips them at the start. */
function markers(id: string): string[] {
  const m = (name: string, body: string) =>
    `<marker id="${id}-${name}" viewBox="0 0 20 20" refX="19" refY="10" markerWidth="20" markerHeight="20" markerUnits="userSpaceOnUse" orient="auto-start-reverse">${body}</marker>`;
  const s = 'fill="none" stroke="#1b2631" stroke-width="1.2"';
  return [
    // Exactly one: two bars.
    m('one', `<path d="M13,3 L13,17 M17,3 L17,17" ${s}/>`),
    // Zero or one: a circle and a bar.
    m('zero-one', `<circle cx="8" cy="10" r="3.5" fill="#ffffff" stroke="#1b2631" stroke-width="1.2"/><path d="M16,3 L16,17" ${s}/>`),
    // Zero or more: a circle and the crow's foot.
    m('many', `<circle cx="6" cy="10" r="3.5" fill="#ffffff" stroke="#1b2631" stroke-width="1.2"/><path d="M10,10 L20,3 M10,10 L20,17 M10,10 L20,10" ${s}/>`),
  ];
}
