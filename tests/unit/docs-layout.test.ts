import { describe, expect, it } from 'vitest';
import { layeredLayout, type LayoutEdge, type LayoutNode } from '../../src/docs/layout';

const node = (id: string, height = 60): LayoutNode => ({ id, width: 120, height });
const edge = (from: string, to: string, id = `${to}->${from}`): LayoutEdge => ({ id, from, to, fromY: 10, toY: 30 });
const OPTS = { columnGap: 40, rowGap: 20, margin: 10, labelWidth: () => 50 };

describe('layered ER layout', () => {
  // users <- students <- enrollments -> courses; enrollments also keyed to users (skips a column);
  // a two-table cycle (a <-> b); a lookup table only referenced from the right (badges).
  const nodes = ['users', 'students', 'courses', 'enrollments', 'badges', 'student_badges', 'a', 'b'].map((n) => node(n));
  const edges = [
    edge('users', 'students'),
    edge('students', 'enrollments'),
    edge('courses', 'enrollments'),
    edge('users', 'enrollments', 'enrollments.user'),
    edge('students', 'student_badges'),
    edge('badges', 'student_badges'),
    edge('a', 'b'),
    edge('b', 'a'),
  ];
  const L = layeredLayout(nodes, edges, OPTS);
  const at = (id: string) => L.nodes.get(id)!;

  it('puts each table right of every table it references, and a lookup table next to its user', () => {
    expect(at('users').x).toBeLessThan(at('students').x);
    expect(at('students').x).toBeLessThan(at('enrollments').x);
    expect(at('courses').x).toBeLessThan(at('enrollments').x);
    expect(at('students').x).toBeLessThan(at('student_badges').x);
    // badges is referenced only by student_badges: one column left of it, not in the first column.
    expect(at('badges').x).toBe(at('students').x);
  });

  it('never overlaps two boxes, and fits them all in its size', () => {
    const boxes = nodes.map((n) => ({ ...at(n.id), w: n.width, h: n.height }));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const p = boxes[i];
        const q = boxes[j];
        expect(p.x + p.w <= q.x || q.x + q.w <= p.x || p.y + p.h <= q.y || q.y + q.h <= p.y, `${nodes[i].id} / ${nodes[j].id}`).toBe(true);
      }
    }
    for (const b of boxes) {
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.y).toBeGreaterThanOrEqual(0);
      expect(b.x + b.w).toBeLessThanOrEqual(L.width);
      expect(b.y + b.h).toBeLessThanOrEqual(L.height);
    }
  });

  it('runs each edge from the referenced box\'s right side at its row to the referencing box\'s left side at its row', () => {
    const pts = L.edges.get('students->users')!;
    expect(pts[0]).toEqual({ x: at('users').x + 120, y: at('users').y + 10 });
    expect(pts[pts.length - 1]).toEqual({ x: at('students').x, y: at('students').y + 30 });
  });

  it('routes a key that skips a column through a free slot there, not through a box', () => {
    const pts = L.edges.get('enrollments.user')!;
    expect(pts).toHaveLength(3);
    const mid = pts[1];
    const sameColumn = nodes.filter((n) => at(n.id).x === at('students').x);
    for (const n of sameColumn) expect(mid.y < at(n.id).y || mid.y > at(n.id).y + n.height, n.id).toBe(true);
  });

  it('lays out a cycle without looping forever, and draws its back edge from the left side', () => {
    const ab = L.edges.get('b->a')!;
    const ba = L.edges.get('a->b')!;
    expect(ab).toBeDefined();
    expect(ba).toBeDefined();
    expect(at('a').x).not.toBe(at('b').x);
  });

  it('gives the same coordinates for the same input, and leaves self references to the caller', () => {
    expect(layeredLayout(nodes, edges, OPTS)).toEqual(L);
    const self = layeredLayout([node('x')], [edge('x', 'x')], OPTS);
    expect(self.edges.size).toBe(0);
    expect(self.nodes.get('x')).toEqual({ x: 10, y: 10 });
  });
});
