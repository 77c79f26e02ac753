import { ascii, riffChunk, u16le, u32le, type FileInput } from './common';

const RATE = 8000;

/** RIFF/WAVE, PCM 16-bit mono 8 kHz: half a second of a faded sine tone, plus a LIST/INFO chunk. */
export function wav(input: FileInput): Buffer {
  const freq = 220 + Math.floor(input.rng.next() * 660);
  const n = RATE / 2;
  const samples = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) {
    // Fade in and out over 20 ms so the tone starts and stops without clicks.
    const env = Math.min(1, i / 160, (n - 1 - i) / 160);
    samples.writeInt16LE(Math.round(8000 * env * Math.sin((2 * Math.PI * freq * i) / RATE)), i * 2);
  }
  const fmt = Buffer.concat([u16le(1), u16le(1), u32le(RATE), u32le(RATE * 2), u16le(2), u16le(16)]);
  const zstr = (s: string): Buffer => Buffer.from(`${ascii(s)}\u0000`, 'latin1');
  const info = Buffer.concat([Buffer.from('INFO', 'latin1'), riffChunk('INAM', zstr(input.title)), riffChunk('ICMT', zstr(`recruit-db ${input.id}`))]);
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), riffChunk('fmt ', fmt), riffChunk('data', samples), riffChunk('LIST', info)]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32le(body.length), body]);
}
