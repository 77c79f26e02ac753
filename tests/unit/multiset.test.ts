import { describe, expect, it } from 'vitest';
import { MultisetHash } from '../../src/stores/multiset';

const hashOf = (items: string[]) => {
  const h = new MultisetHash();
  for (const i of items) h.add(i);
  return h.digest();
};

describe('MultisetHash', () => {
  it('does not depend on order', () => {
    expect(hashOf(['a', 'b', 'c'])).toBe(hashOf(['c', 'a', 'b']));
  });

  it('tells apart a missing, an extra, a changed and a repeated item', () => {
    const base = hashOf(['a', 'b', 'c']);
    for (const other of [['a', 'b'], ['a', 'b', 'c', 'd'], ['a', 'b', 'C'], ['a', 'b', 'c', 'c'], ['a', 'a', 'b', 'c']]) expect(hashOf(other), other.join()).not.toBe(base);
    expect(hashOf(['x', 'x'])).not.toBe(hashOf(['y', 'y']));
  });

  it('hashes bytes and the same text alike, and counts items', () => {
    const h = new MultisetHash();
    h.add(Buffer.from('a'));
    h.add('b');
    expect(h.count).toBe(2);
    expect(h.digest()).toBe(hashOf(['b', 'a']));
    expect(new MultisetHash().digest()).not.toBe(hashOf(['']));
  });
});
