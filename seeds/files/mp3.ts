import { ascii, u32be, type FileInput } from './common';

/** MPEG-1 Layer III, 32 kbit/s, 48 kHz, mono, no CRC: 144 * 32000 / 48000 = 96 bytes a frame, no padding needed. */
export const MP3_FRAME_HEADER = Buffer.from([0xff, 0xfb, 0x14, 0xc0]);
export const MP3_FRAME_BYTES = 96;
const FRAMES = 42; // about one second (1152 samples a frame)

function synchsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
}

function id3Frame(id: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(id, 'latin1'), u32be(data.length), Buffer.from([0, 0]), data]);
}

/**
 * An ID3v2.3 tag (title + the per-key id) followed by silent frames: all-zero side information
 * means part2_3_length = 0, i.e. no coded spectrum, which every decoder renders as silence.
 */
export function mp3(input: FileInput): Buffer {
  const latin1 = (s: string): Buffer => Buffer.from(ascii(s), 'latin1');
  const frames = Buffer.concat([
    id3Frame('TIT2', Buffer.concat([Buffer.from([0]), latin1(input.title)])),
    id3Frame('TXXX', Buffer.concat([Buffer.from([0]), latin1('recruit-db'), Buffer.from([0]), latin1(input.id)])),
  ]);
  const tag = Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([3, 0, 0]), synchsafe(frames.length), frames]);
  const frame = Buffer.alloc(MP3_FRAME_BYTES);
  MP3_FRAME_HEADER.copy(frame);
  return Buffer.concat([tag, ...Array<Buffer>(FRAMES).fill(frame)]);
}
