import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ASSET_TYPES } from '../../s3-layout';
import { RecruitDbError } from '../../src/errors';
import { SUPPORTED_CONTENT_TYPES, fileFor, sniffContentType } from '../../seeds/files';
import { MP3_FRAME_BYTES, MP3_FRAME_HEADER } from '../../seeds/files/mp3';
import { oggCrc } from '../../seeds/files/ogg';
import { zipEntryNames } from '../../seeds/files/zip';

const META = { title: 'Certificate of Completion', lines: ['Ada Lovelace', 'Intro to SQL', 'Passed on 2024-05-01'] };
const make = (t: string, key = 'users/profiles/a.png'): Buffer => fileFor(t, 7, key, META);

// Layout types with no generator, on purpose: a valid legacy Word binary (OLE2 + FIB) and an
// MP4 audio container are out of this module's scope. The seeder picks another accepted type.
const NOT_GENERATED = ['application/msword', 'audio/mp4'];

describe('fileFor / sniffContentType', () => {
  it('covers every content type the S3 layout accepts, except the documented gaps', () => {
    const layoutTypes = new Set(ASSET_TYPES.flatMap((a) => Object.keys(a.contentTypes)));
    for (const t of layoutTypes) if (!NOT_GENERATED.includes(t)) expect(SUPPORTED_CONTENT_TYPES).toContain(t);
    for (const t of SUPPORTED_CONTENT_TYPES) expect(layoutTypes.has(t)).toBe(true);
  });

  it.each(SUPPORTED_CONTENT_TYPES.map((t) => [t]))('%s: deterministic, key-dependent, small, sniffs as itself', (t) => {
    const a = make(t);
    expect(make(t).equals(a)).toBe(true);
    expect(make(t, 'users/profiles/b.png').equals(a)).toBe(false);
    expect(fileFor(t, 8, 'users/profiles/a.png', META).equals(a)).toBe(false);
    expect(fileFor(t, 7, 'users/profiles/a.png').length).toBeGreaterThan(0);
    expect(a.length).toBeLessThan(16 * 1024);
    if (t.startsWith('image/')) expect(fileFor(t, 7, 'users/profiles/a.png', { width: 64, height: 48 }).equals(a)).toBe(false);
    expect(sniffContentType(a)).toBe(t);
  });

  it('throws a usage RecruitDbError naming an unsupported type', () => {
    for (const t of ['image/svg+xml', 'application/msword', 'constructor']) {
      let caught: unknown;
      try {
        fileFor(t, 1, 'k');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(RecruitDbError);
      expect((caught as RecruitDbError).code).toBe('usage');
      expect((caught as RecruitDbError).message).toContain(`"${t}"`);
    }
  });

  it('sniffs nothing from unrelated bytes', () => {
    expect(sniffContentType(Buffer.from('hello world'))).toBeUndefined();
    expect(sniffContentType(Buffer.alloc(0))).toBeUndefined();
    expect(sniffContentType(Buffer.from([0xff, 0xff, 0x00, 0x00]))).toBeUndefined();
  });
});

describe('structure', () => {
  it('PNG: chunk CRCs verify, IHDR is 32x32 indexed (1 bit, PLTE of 2), IDAT inflates to height*(1+ceil(width/8))', () => {
    const b = make('image/png');
    let p = 8;
    const types: string[] = [];
    const idat: Buffer[] = [];
    let width = 0;
    let height = 0;
    while (p < b.length) {
      const len = b.readUInt32BE(p);
      const type = b.toString('latin1', p + 4, p + 8);
      const data = b.subarray(p + 8, p + 8 + len);
      expect(b.readUInt32BE(p + 8 + len)).toBe(crc32(b.subarray(p + 4, p + 8 + len)));
      if (type === 'IHDR') {
        width = data.readUInt32BE(0);
        height = data.readUInt32BE(4);
        expect([data[8], data[9]]).toEqual([1, 3]);
      }
      if (type === 'IDAT') idat.push(data);
      types.push(type);
      p += 12 + len;
    }
    expect(p).toBe(b.length);
    expect(types[0]).toBe('IHDR');
    expect(types[1]).toBe('PLTE');
    expect(types[types.length - 1]).toBe('IEND');
    expect([width, height]).toEqual([32, 32]);
    expect(inflateSync(Buffer.concat(idat)).length).toBe(height * (1 + Math.ceil(width / 8)));
  });

  it.each([
    ['image/png', 1200, 800],
    ['image/jpeg', 1280, 720],
    ['image/png', 256, 256],
    ['image/jpeg', 640, 360],
    ['image/jpeg', 36, 20],
  ] as const)('%s at %ix%i: the header says so, two colours (PNG) or every block decodable (JPEG), and encoding stays fast', (t, width, height) => {
    const started = process.hrtime.bigint();
    const b = fileFor(t, 7, 'portfolios/a/b.img', { width, height });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (t === 'image/png') {
      expect([b.readUInt32BE(16), b.readUInt32BE(20)]).toEqual([width, height]);
      expect(inflateSync(b.subarray(b.indexOf('IDAT') + 4, b.indexOf('IEND') - 8)).length).toBe(height * (1 + Math.ceil(width / 8)));
    } else {
      const sof = b.indexOf(Buffer.from([0xff, 0xc0]));
      expect([b.readUInt16BE(sof + 7), b.readUInt16BE(sof + 5)]).toEqual([width, height]);
      expect([b[b.length - 2], b[b.length - 1]]).toEqual([0xff, 0xd9]);
    }
    // Not a timing target (those live in bench/): a guard against per-pixel work creeping back in.
    expect(ms).toBeLessThan(2000);
  });

  it('JPEG: SOI, APP0, DQT, SOF0 (baseline 32x32x3), DHT, SOS, entropy data, EOI', () => {
    const b = make('image/jpeg');
    expect([b[0], b[1]]).toEqual([0xff, 0xd8]);
    const markers: number[] = [];
    let p = 2;
    for (;;) {
      expect(b[p]).toBe(0xff);
      const m = b[p + 1];
      markers.push(m);
      const len = b.readUInt16BE(p + 2);
      if (m === 0xc0) expect([b[p + 4], b.readUInt16BE(p + 5), b.readUInt16BE(p + 7), b[p + 9]]).toEqual([8, 32, 32, 3]);
      if (m === 0xc4) {
        // Each table's 16 counts must match the number of symbols that follow it.
        let q = p + 4;
        while (q < p + 2 + len) {
          const n = [...b.subarray(q + 1, q + 17)].reduce((s, v) => s + v, 0);
          q += 17 + n;
        }
        expect(q).toBe(p + 2 + len);
      }
      p += 2 + len;
      if (m === 0xda) break;
    }
    expect(markers).toEqual([0xe0, 0xfe, 0xdb, 0xc0, 0xc4, 0xda]);
    const scan = b.subarray(p, b.length - 2);
    expect(scan.length).toBeGreaterThan(0);
    // Inside entropy-coded data every 0xFF is stuffed with 0x00.
    for (let i = 0; i < scan.length; i++) if (scan[i] === 0xff) expect(scan[i + 1]).toBe(0);
    expect([b[b.length - 2], b[b.length - 1]]).toEqual([0xff, 0xd9]);
  });

  it('GIF: GIF89a header, 32x32 screen, image descriptor, trailer', () => {
    const b = make('image/gif');
    expect(b.toString('latin1', 0, 6)).toBe('GIF89a');
    expect([b.readUInt16LE(6), b.readUInt16LE(8)]).toEqual([32, 32]);
    expect(b.includes(Buffer.from([0x2c, 0, 0, 0, 0, 32, 0, 32, 0]))).toBe(true);
    expect(b[b.length - 1]).toBe(0x3b);
  });

  it('WebP: RIFF size matches, VP8X then VP8L with signature and 32x32 dimensions', () => {
    const b = make('image/webp');
    expect(b.readUInt32LE(4)).toBe(b.length - 8);
    expect(b.toString('latin1', 12, 16)).toBe('VP8X');
    const vp8l = b.indexOf('VP8L', 0, 'latin1');
    expect(vp8l).toBeGreaterThan(0);
    expect(b[vp8l + 8]).toBe(0x2f);
    const bits = b.readUInt32LE(vp8l + 9);
    expect([(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1]).toEqual([32, 32]);
  });

  it('PDF: every xref offset points at "N 0 obj", startxref points at xref, text is present', () => {
    const b = make('application/pdf');
    const s = b.toString('latin1');
    expect(s.startsWith('%PDF-1.4\n')).toBe(true);
    expect(s.endsWith('%%EOF\n')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(s)![1]);
    expect(s.slice(startxref, startxref + 5)).toBe('xref\n');
    const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(s.slice(startxref))!;
    expect(Number(first)).toBe(0);
    const entries = s.slice(startxref).split('\n').slice(2, 2 + Number(count));
    expect(entries[0]).toBe('0000000000 65535 f ');
    entries.slice(1).forEach((e, i) => {
      expect(e).toMatch(/^\d{10} 00000 n $/);
      const off = Number(e.slice(0, 10));
      expect(s.slice(off, off + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    });
    expect(s).toContain(`/Size ${count}`);
    for (const text of [META.title, ...META.lines]) expect(s).toContain(`(${text.replace(/[()]/g, (c) => `\\${c}`)})`);
    const len = Number(/<< \/Length (\d+) >>\nstream\n/.exec(s)![1]);
    const at = s.indexOf('stream\n') + 7;
    expect(s.slice(at + len, at + len + 10)).toBe('\nendstream');
  });

  it('WAV: RIFF, fmt and data sizes are consistent (PCM 16-bit mono)', () => {
    const b = make('audio/wav');
    expect(b.readUInt32LE(4)).toBe(b.length - 8);
    expect(b.toString('latin1', 12, 16)).toBe('fmt ');
    expect(b.readUInt32LE(16)).toBe(16);
    const [format, channels, rate, byteRate, align, depth] = [b.readUInt16LE(20), b.readUInt16LE(22), b.readUInt32LE(24), b.readUInt32LE(28), b.readUInt16LE(32), b.readUInt16LE(34)];
    expect([format, channels, depth]).toEqual([1, 1, 16]);
    expect(byteRate).toBe(rate * align);
    expect(b.toString('latin1', 36, 40)).toBe('data');
    const dataLen = b.readUInt32LE(40);
    expect(dataLen % align).toBe(0);
    expect(b.toString('latin1', 44 + dataLen, 48 + dataLen)).toBe('LIST');
    expect(44 + dataLen + 8 + b.readUInt32LE(48 + dataLen)).toBe(b.length);
    // A tone, not silence.
    expect(Math.max(...Array.from({ length: dataLen / 2 }, (_, i) => Math.abs(b.readInt16LE(44 + i * 2))))).toBeGreaterThan(1000);
  });

  it('MP3: ID3v2 tag length is right and the rest is whole frames with valid sync headers', () => {
    const b = make('audio/mpeg');
    expect(b.toString('latin1', 0, 3)).toBe('ID3');
    const size = (b[6] << 21) | (b[7] << 14) | (b[8] << 7) | b[9];
    const frames = b.subarray(10 + size);
    expect(frames.length % MP3_FRAME_BYTES).toBe(0);
    expect(frames.length / MP3_FRAME_BYTES).toBeGreaterThan(10);
    for (let p = 0; p < frames.length; p += MP3_FRAME_BYTES) expect(frames.subarray(p, p + 4).equals(MP3_FRAME_HEADER)).toBe(true);
    // 32 kbit/s at 48 kHz, MPEG-1 Layer III: 144 * 32000 / 48000 bytes a frame.
    expect(MP3_FRAME_BYTES).toBe((144 * 32000) / 48000);
  });

  it('Ogg: three pages with valid CRCs, OpusHead then OpusTags, last page end-of-stream', () => {
    const b = make('audio/ogg');
    let p = 0;
    const pages: Array<{ flags: number; body: Buffer }> = [];
    while (p < b.length) {
      expect(b.toString('latin1', p, p + 4)).toBe('OggS');
      const segs = b[p + 26];
      const bodyLen = [...b.subarray(p + 27, p + 27 + segs)].reduce((s, v) => s + v, 0);
      const page = Buffer.from(b.subarray(p, p + 27 + segs + bodyLen));
      const crc = page.readUInt32LE(22);
      page.writeUInt32LE(0, 22);
      expect(oggCrc(page)).toBe(crc);
      pages.push({ flags: page[5], body: page.subarray(27 + segs) });
      p += page.length;
    }
    expect(pages.map((x) => x.flags)).toEqual([2, 0, 4]);
    expect(pages[0].body.toString('latin1', 0, 8)).toBe('OpusHead');
    expect(pages[1].body.toString('latin1', 0, 8)).toBe('OpusTags');
  });

  it('SCORM zip: central directory lists imsmanifest.xml and index.html; entries inflate with matching CRCs', () => {
    const b = make('application/zip');
    expect(zipEntryNames(b)).toEqual(['imsmanifest.xml', 'index.html']);
    const files = readZip(b);
    const manifest = files.get('imsmanifest.xml')!.toString('utf8');
    expect(manifest).toContain('<manifest');
    expect(manifest).toContain('<schemaversion>1.2</schemaversion>');
    expect(manifest).toMatch(/<organizations default="org-1">[\s\S]*<item identifier="item-1" identifierref="sco-1"/);
    expect(manifest).toContain('adlcp:scormtype="sco" href="index.html"');
    expect(manifest).toContain(META.title);
    expect(files.get('index.html')!.toString('utf8')).toContain('LMSInitialize');
  });

  it.each([
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'word/document.xml'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xl/worksheets/sheet1.xml'],
    ['application/vnd.openxmlformats-officedocument.presentationml.presentation', 'ppt/slides/slide1.xml'],
  ])('%s: package has content types, relationships and the text in %s', (t, part) => {
    const files = readZip(make(t));
    expect(files.get('[Content_Types].xml')!.toString('utf8')).toContain(`PartName="/${part.startsWith('xl/') ? 'xl/workbook.xml' : part.startsWith('ppt/') ? 'ppt/presentation.xml' : part}"`);
    expect(files.get('_rels/.rels')!.toString('utf8')).toContain('relationships/officeDocument');
    const xml = files.get(part)!.toString('utf8');
    for (const text of [META.title, ...META.lines]) expect(xml).toContain(text);
  });
});

/** Reads every entry through the central directory, checking sizes and CRCs. */
function readZip(b: Buffer): Map<string, Buffer> {
  const end = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end + 22).toBe(b.length);
  const count = b.readUInt16LE(end + 10);
  let p = b.readUInt32LE(end + 16);
  expect(p + b.readUInt32LE(end + 12)).toBe(end);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(b.readUInt32LE(p)).toBe(0x02014b50);
    const [method, crc, csize, usize, nlen, elen, clen, local] = [b.readUInt16LE(p + 10), b.readUInt32LE(p + 16), b.readUInt32LE(p + 20), b.readUInt32LE(p + 24), b.readUInt16LE(p + 28), b.readUInt16LE(p + 30), b.readUInt16LE(p + 32), b.readUInt32LE(p + 42)];
    const name = b.toString('utf8', p + 46, p + 46 + nlen);
    expect(b.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    const raw = b.subarray(start, start + csize);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    expect(data.length).toBe(usize);
    expect(crc32(data)).toBe(crc);
    out.set(name, data);
    p += 46 + nlen + elen + clen;
  }
  return out;
}

// Real decoders, when this machine has them: never required, skipped otherwise.
function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const MAGICK = has('/usr/bin/identify', ['-version']);
const QPDF = has('qpdf', ['--version']);
const FFMPEG = has('ffmpeg', ['-version']);

describe('real decoders (optional)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seed-files-'));
  const write = (t: string, name: string): string => {
    const path = join(dir, name);
    writeFileSync(path, make(t));
    return path;
  };
  it.skipIf(!MAGICK).each([
    ['image/png', 'a.png', 'PNG'],
    ['image/jpeg', 'a.jpg', 'JPEG'],
    ['image/gif', 'a.gif', 'GIF'],
  ])('ImageMagick decodes %s', (t, name, format) => {
    const out = execFileSync('/usr/bin/identify', ['-regard-warnings', '-format', '%m %w %h', write(t, name)]).toString();
    expect(out).toBe(`${format} 32 32`);
  });
  it.skipIf(!QPDF)('qpdf --check accepts the PDF', () => {
    expect(execFileSync('qpdf', ['--check', write('application/pdf', 'a.pdf')]).toString()).toContain('No syntax or stream encoding errors');
  });
  it.skipIf(!FFMPEG).each([
    ['audio/mpeg', 'a.mp3'],
    ['audio/wav', 'a.wav'],
    ['audio/ogg', 'a.ogg'],
  ])('ffmpeg decodes %s without errors', (t, name) => {
    const r = spawnSync('ffmpeg', ['-v', 'error', '-i', write(t, name), '-f', 'null', '-']);
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toBe('');
  });
  it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});
