import { ascii, u16le, u32le, type FileInput } from './common';

/** Ogg's CRC-32: polynomial 0x04C11DB7, MSB-first, zero initial value, no final xor (RFC 3533). */
const OGG_CRC_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

export function oggCrc(data: Buffer): number {
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) ^ OGG_CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]) >>> 0;
  return crc;
}

function page(serial: number, seq: number, flags: number, granule: number, packets: Buffer[]): Buffer {
  const lacing: number[] = [];
  for (const p of packets) {
    let left = p.length;
    while (left >= 255) {
      lacing.push(255);
      left -= 255;
    }
    lacing.push(left);
  }
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'latin1');
  header[5] = flags;
  header.writeBigUInt64LE(BigInt(granule), 6);
  header.writeUInt32LE(serial, 14);
  header.writeUInt32LE(seq, 18);
  header[26] = lacing.length;
  const bytes = Buffer.concat([header, Buffer.from(lacing), ...packets]);
  bytes.writeUInt32LE(oggCrc(bytes), 22);
  return bytes;
}

/** A 20 ms CELT-only mono Opus packet that decodes to silence (TOC 0xF8 and a near-empty range-coded frame). */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);
const PACKETS = 50; // one second
const PRE_SKIP = 312;

/** Ogg Opus (RFC 7845): OpusHead page, OpusTags page, one page of silent packets marked end-of-stream. */
export function ogg(input: FileInput): Buffer {
  const serial = Math.floor(input.rng.next() * 0xffffffff) >>> 0;
  const head = Buffer.concat([Buffer.from('OpusHead', 'latin1'), Buffer.from([1, 1]), u16le(PRE_SKIP), u32le(48000), u16le(0), Buffer.from([0])]);
  const comment = (s: string): Buffer => {
    const b = Buffer.from(ascii(s), 'utf8');
    return Buffer.concat([u32le(b.length), b]);
  };
  const tags = Buffer.concat([Buffer.from('OpusTags', 'latin1'), comment('recruit-db'), u32le(2), comment(`TITLE=${input.title}`), comment(`COMMENT=recruit-db ${input.id}`)]);
  const audio = Array<Buffer>(PACKETS).fill(OPUS_SILENCE);
  return Buffer.concat([page(serial, 0, 0x02, 0, [head]), page(serial, 1, 0, 0, [tags]), page(serial, 2, 0x04, PACKETS * 960, audio)]);
}
