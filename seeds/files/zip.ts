import { crc32, deflateRawSync } from 'node:zlib';
import { u16le, u32le } from './common';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

// 1980-01-01 00:00:00, the earliest DOS date: a fixed stamp keeps archives byte-for-byte reproducible.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/** A plain ZIP (no ZIP64, no data descriptors): deflated entries, then the central directory and end record. */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const packed = deflateRawSync(entry.data, { level: 9 });
    const crc = crc32(entry.data);
    // Bit 11: names are UTF-8.
    const common = Buffer.concat([u16le(20), u16le(0x0800), u16le(8), u16le(DOS_TIME), u16le(DOS_DATE), u32le(crc), u32le(packed.length), u32le(entry.data.length), u16le(name.length), u16le(0)]);
    const local = Buffer.concat([u32le(0x04034b50), common, name, packed]);
    central.push(Buffer.concat([u32le(0x02014b50), u16le(20), common, u16le(0), u16le(0), u16le(0), u32le(0), u32le(offset), name]));
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.concat([u32le(0x06054b50), u16le(0), u16le(0), u16le(entries.length), u16le(entries.length), u32le(directory.length), u32le(offset), u16le(0)]);
  return Buffer.concat([...locals, directory, end]);
}

/** Entry names from the central directory (what sniffing and tests read back). */
export function zipEntryNames(bytes: Buffer): string[] | undefined {
  const endAt = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0 || endAt + 22 > bytes.length) return undefined;
  const count = bytes.readUInt16LE(endAt + 10);
  let p = bytes.readUInt32LE(endAt + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== 0x02014b50) return undefined;
    const nameLen = bytes.readUInt16LE(p + 28);
    const extraLen = bytes.readUInt16LE(p + 30);
    const commentLen = bytes.readUInt16LE(p + 32);
    names.push(bytes.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}
