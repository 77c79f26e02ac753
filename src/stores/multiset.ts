import { createHash, hash } from 'node:crypto';

/**
 * A content hash that does not depend on order: the sum, modulo 2^256, of the sha256 of every item
 * (an additive multiset hash), then sha256 of that sum with the item count. The seeder adds items
 * in the order it generates them, a read-back in the order the store returns them (natural order,
 * listing order): no sort on either side, and the two agree exactly when the same items are there,
 * as often each. It catches any accidental difference (an item missing, extra, or changed); it is
 * not meant to resist someone forging a collision.
 */
export class MultisetHash {
  private readonly sum = new Uint32Array(8);
  count = 0;

  add(item: Uint8Array | string): void {
    // One-shot: no Hash object per item (items are small and many: one per document or object).
    const d = hash('sha256', item, 'buffer') as unknown as Buffer;
    let carry = 0;
    for (let i = 0; i < 8; i++) {
      const v = this.sum[i] + d.readUInt32LE(i * 4) + carry;
      this.sum[i] = v >>> 0;
      carry = v > 0xffffffff ? 1 : 0;
    }
    this.count++;
  }

  digest(): string {
    return createHash('sha256').update(`${this.count}:`).update(Buffer.from(this.sum.buffer)).digest('hex');
  }
}

/** sha256 over `name NUL hash` lines, in the order given: one hash for a store from its parts' hashes. */
export function combineHashes(parts: Iterable<readonly [string, string]>): string {
  const h = createHash('sha256');
  for (const [name, hash] of parts) h.update(`${name}\u0000${hash}\n`);
  return h.digest('hex');
}
