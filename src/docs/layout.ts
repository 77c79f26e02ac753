/**
 * A layered layout for ER diagrams, left to right: every table in a column one right of the
 * rightmost table it references, the order within each column chosen to uncross lines (barycenter
 * sweeps), boxes then placed near the tables they connect to. Keys that skip columns pass through
 * a slot in each column they cross, so no line runs through a box. Pure arithmetic on the input:
 * the same diagram always gives the same coordinates.
 */

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
}

export interface LayoutEdge {
  id: string;
  /** The referenced table: laid out left of `to`. */
  from: string;
  to: string;
  /** Where the line leaves and enters, as an offset from each box's top. */
  fromY: number;
  toY: number;
}

export interface Placed {
  x: number;
  y: number;
}

export interface Layout {
  width: number;
  height: number;
  nodes: Map<string, Placed>;
  /** Each edge's points from `from`'s right side to `to`'s left side (self references excluded). */
  edges: Map<string, Array<{ x: number; y: number }>>;
}

export interface LayoutOptions {
  /** Horizontal room between columns beyond the widest label, and vertical room between boxes. */
  columnGap: number;
  rowGap: number;
  margin: number;
  /** Room a label needs before the box an edge enters (0: no labels). */
  labelWidth: (edge: LayoutEdge) => number;
}

const SLOT = 10;
const SWEEPS = 12;

export function layeredLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], opts: LayoutOptions): Layout {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const real = edges.filter((e) => e.from !== e.to && index.has(e.from) && index.has(e.to));

  // Columns: longest path from the tables nothing is referenced from, cycles broken by the
  // depth-first order of the input (a key closing a cycle does not move its table).
  const out = new Map<string, LayoutEdge[]>();
  const into = new Map<string, LayoutEdge[]>();
  for (const e of real) {
    out.set(e.from, [...(out.get(e.from) ?? []), e]);
    into.set(e.to, [...(into.get(e.to) ?? []), e]);
  }
  const back = new Set<LayoutEdge>();
  const state = new Map<string, 1 | 2>();
  const visit = (id: string) => {
    state.set(id, 1);
    for (const e of out.get(id) ?? []) {
      if (state.get(e.to) === 1) back.add(e);
      else if (!state.has(e.to)) visit(e.to);
    }
    state.set(id, 2);
  };
  for (const n of nodes) if (!state.has(n.id)) visit(n.id);
  const forward = real.filter((e) => !back.has(e));
  const rank = new Map<string, number>();
  const rankOf = (id: string, seen = new Set<string>()): number => {
    const known = rank.get(id);
    if (known !== undefined) return known;
    seen.add(id);
    let r = 0;
    for (const e of forward) if (e.to === id && !seen.has(e.from)) r = Math.max(r, rankOf(e.from, seen) + 1);
    rank.set(id, r);
    return r;
  };
  for (const n of nodes) rankOf(n.id);
  // A table only referenced from the right (a lookup table nothing points from) moves next to its
  // nearest referencing table instead of waiting in the first column.
  for (const n of nodes) {
    const ins = forward.filter((e) => e.to === n.id);
    const outs = forward.filter((e) => e.from === n.id);
    if (!ins.length && outs.length) rank.set(n.id, Math.max(0, Math.min(...outs.map((e) => rank.get(e.to)!)) - 1));
  }

  // Slots: one per column an edge crosses. Each column holds boxes and slots, in order.
  type Item = { id: string; height: number; node?: LayoutNode };
  const columns: Item[][] = [];
  const put = (r: number, item: Item) => (columns[r] ??= []).push(item);
  for (const n of nodes) put(rank.get(n.id)!, { id: n.id, height: n.height, node: n });
  const chains = new Map<string, string[]>();
  const links: Array<[string, string]> = [];
  for (const e of real) {
    const [a, b] = rank.get(e.from)! <= rank.get(e.to)! ? [e.from, e.to] : [e.to, e.from];
    const chain = [a];
    for (let r = rank.get(a)! + 1; r < rank.get(b)!; r++) {
      const slot = `${e.id}\u0000${r}`;
      put(r, { id: slot, height: SLOT });
      chain.push(slot);
    }
    chain.push(b);
    chains.set(e.id, chain);
    for (let i = 1; i < chain.length; i++) links.push([chain[i - 1], chain[i]]);
  }
  for (let r = 0; r < columns.length; r++) columns[r] ??= [];

  // Order: barycenter sweeps, left to right then right to left; a stable sort keeps ties in place.
  const pos = new Map<string, number>();
  const renumber = () => columns.forEach((col) => col.forEach((it, i) => pos.set(it.id, i)));
  renumber();
  const neighbours = new Map<string, { left: string[]; right: string[] }>();
  const nb = (id: string) => neighbours.get(id) ?? neighbours.set(id, { left: [], right: [] }).get(id)!;
  const columnOf = (id: string) => (index.has(id) ? rank.get(id)! : Number(id.split('\u0000')[1]));
  for (const [a, b] of links) {
    const [l, r] = columnOf(a) < columnOf(b) ? [a, b] : [b, a];
    nb(l).right.push(r);
    nb(r).left.push(l);
  }
  const crossings = () => {
    let n = 0;
    for (const col of columns) {
      const segs = col.flatMap((it) => nb(it.id).right.map((r) => [pos.get(it.id)!, pos.get(r)!] as const));
      for (let i = 0; i < segs.length; i++) for (let j = i + 1; j < segs.length; j++) if ((segs[i][0] - segs[j][0]) * (segs[i][1] - segs[j][1]) < 0) n++;
    }
    return n;
  };
  let best = columns.map((c) => [...c]);
  let bestCrossings = crossings();
  for (let s = 0; s < SWEEPS; s++) {
    const leftToRight = s % 2 === 0;
    const order = leftToRight ? columns.keys() : [...columns.keys()].reverse();
    for (const r of order) {
      const side = leftToRight ? 'left' : 'right';
      const bary = (it: Item) => {
        const ns = nb(it.id)[side];
        return ns.length ? ns.reduce((sum, x) => sum + pos.get(x)!, 0) / ns.length : pos.get(it.id)!;
      };
      const keyed = columns[r].map((it) => ({ it, key: bary(it), at: pos.get(it.id)! }));
      keyed.sort((a, b) => a.key - b.key || a.at - b.at);
      columns[r] = keyed.map((k) => k.it);
      columns[r].forEach((it, i) => pos.set(it.id, i));
    }
    const c = crossings();
    if (c < bestCrossings) {
      bestCrossings = c;
      best = columns.map((col) => [...col]);
    }
  }
  columns.splice(0, columns.length, ...best);
  renumber();

  // x: columns side by side, each gap wide enough for the labels of the edges entering the next.
  const colX: number[] = [];
  let x = opts.margin;
  for (let r = 0; r < columns.length; r++) {
    const entering = real.filter((e) => rank.get(e.to) === r && rank.get(e.from)! < r);
    const label = Math.max(0, ...entering.map(opts.labelWidth));
    if (r > 0) x += opts.columnGap + label;
    colX.push(x);
    x += Math.max(0, ...columns[r].map((it) => it.node?.width ?? 0));
  }

  // y: stacked in order, then each column pulled towards its neighbours' centres without overlap.
  const y = new Map<string, number>();
  const centre = (id: string) => y.get(id)! + heightOf(id) / 2;
  const heightOf = (id: string) => (index.has(id) ? nodes[index.get(id)!].height : SLOT);
  for (const col of columns) {
    let at = opts.margin;
    for (const it of col) {
      y.set(it.id, at);
      at += it.height + opts.rowGap;
    }
  }
  const pack = (col: Item[], want: number[]) => {
    // Closest to the wishes (least squares) with the order kept and no overlap: with each item's
    // offset (the heights above it) taken out, the positions must not decrease, which is an
    // isotonic regression, solved exactly by pooling adjacent violators.
    const offset: number[] = [];
    col.forEach((it, i) => offset.push(i ? offset[i - 1] + col[i - 1].height + opts.rowGap : 0));
    const blocks: Array<{ sum: number; count: number }> = [];
    want.forEach((w, i) => {
      blocks.push({ sum: w - offset[i], count: 1 });
      while (blocks.length > 1 && blocks[blocks.length - 2].sum / blocks[blocks.length - 2].count > blocks[blocks.length - 1].sum / blocks[blocks.length - 1].count) {
        const last = blocks.pop()!;
        blocks[blocks.length - 1].sum += last.sum;
        blocks[blocks.length - 1].count += last.count;
      }
    });
    let i = 0;
    for (const b of blocks) for (let k = 0; k < b.count; k++, i++) y.set(col[i].id, b.sum / b.count + offset[i]);
  };
  for (let s = 0; s < SWEEPS; s++) {
    const order = s % 2 === 0 ? [...columns.keys()] : [...columns.keys()].reverse();
    for (const r of order) {
      const col = columns[r];
      const want = col.map((it) => {
        const ns = [...nb(it.id).left, ...nb(it.id).right];
        return ns.length ? ns.reduce((sum, id) => sum + centre(id), 0) / ns.length - it.height / 2 : y.get(it.id)!;
      });
      pack(col, want);
    }
  }
  const top = Math.min(...[...y.values()]);
  for (const [id, v] of y) y.set(id, v - top + opts.margin);

  const placed = new Map<string, Placed>();
  for (const n of nodes) placed.set(n.id, { x: colX[rank.get(n.id)!], y: y.get(n.id)! });
  const slotX = (slot: string) => {
    const r = Number(slot.split('\u0000')[1]);
    const w = Math.max(0, ...columns[r].map((it) => it.node?.width ?? 0));
    return colX[r] + w / 2;
  };
  const edgesOut = new Map<string, Array<{ x: number; y: number }>>();
  for (const e of real) {
    const from = nodes[index.get(e.from)!];
    const to = nodes[index.get(e.to)!];
    const a = placed.get(e.from)!;
    const b = placed.get(e.to)!;
    const start = { x: a.x + from.width, y: a.y + e.fromY };
    const end = { x: b.x, y: b.y + e.toY };
    const chain = chains.get(e.id)!;
    const mids = chain.slice(1, -1).map((slot) => ({ x: slotX(slot), y: y.get(slot)! + SLOT / 2 }));
    // A key pointing right to left (a cycle, or a table placed left of what it references) leaves
    // from its left side and enters the other's right side.
    const forwardEdge = a.x < b.x;
    const s = forwardEdge ? start : { x: a.x, y: start.y };
    const t = forwardEdge ? end : { x: b.x + to.width, y: end.y };
    edgesOut.set(e.id, [s, ...(forwardEdge ? mids : [...mids].reverse()), t]);
  }
  const width = Math.ceil(Math.max(...nodes.map((n) => placed.get(n.id)!.x + n.width)) + opts.margin);
  const height = Math.ceil(Math.max(...nodes.map((n) => placed.get(n.id)!.y + n.height), ...[...y.values()]) + opts.margin);
  return { width, height, nodes: placed, edges: edgesOut };
}
