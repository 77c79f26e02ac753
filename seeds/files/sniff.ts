import { DOCX, PPTX, XLSX } from './ooxml';
import { zipEntryNames } from './zip';

function startsWith(bytes: Buffer, sig: number[] | string, at = 0): boolean {
  const s = typeof sig === 'string' ? Buffer.from(sig, 'latin1') : Buffer.from(sig);
  return bytes.length >= at + s.length && bytes.subarray(at, at + s.length).equals(s);
}

/** MPEG audio frame sync with a real layer, bitrate and sample rate (not just 0xFFE). */
function isMpegFrame(bytes: Buffer, at: number): boolean {
  if (bytes.length < at + 4 || bytes[at] !== 0xff || (bytes[at + 1] & 0xe0) !== 0xe0) return false;
  const version = (bytes[at + 1] >> 3) & 3;
  const layer = (bytes[at + 1] >> 1) & 3;
  const bitrate = bytes[at + 2] >> 4;
  const rate = (bytes[at + 2] >> 2) & 3;
  return version !== 1 && layer !== 0 && bitrate !== 0 && bitrate !== 15 && rate !== 3;
}

/**
 * The content type the bytes actually are, from magic numbers and a little structure (RIFF form
 * type, ZIP entry names, ID3 tag length). Undefined when nothing matches.
 */
export function sniffContentType(bytes: Buffer): string | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) return 'image/gif';
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) return 'image/webp';
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WAVE', 8)) return 'audio/wav';
  if (startsWith(bytes, '%PDF-')) return 'application/pdf';
  if (startsWith(bytes, 'OggS')) return 'audio/ogg';
  if (startsWith(bytes, 'ftyp', 4) && (startsWith(bytes, 'M4A ', 8) || startsWith(bytes, 'M4B ', 8))) return 'audio/mp4';
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'application/msword';
  if (startsWith(bytes, 'ID3') && bytes.length >= 10) {
    const size = ((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f);
    return isMpegFrame(bytes, 10 + size) ? 'audio/mpeg' : undefined;
  }
  if (isMpegFrame(bytes, 0)) return 'audio/mpeg';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const names = zipEntryNames(bytes);
    if (!names) return undefined;
    if (names.includes('[Content_Types].xml')) {
      if (names.includes('word/document.xml')) return DOCX;
      if (names.includes('xl/workbook.xml')) return XLSX;
      if (names.includes('ppt/presentation.xml')) return PPTX;
    }
    return 'application/zip';
  }
  return undefined;
}
