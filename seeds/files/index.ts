import { usageError } from '../../src/errors';
import { fileInput, type FileInput, type FileMeta } from './common';
import { gif } from './gif';
import { jpeg } from './jpeg';
import { mp3 } from './mp3';
import { ogg } from './ogg';
import { DOCX, PPTX, XLSX, docx, pptx, xlsx } from './ooxml';
import { pdf } from './pdf';
import { png } from './png';
import { scorm } from './scorm';
import { wav } from './wav';
import { webp } from './webp';

export { sniffContentType } from './sniff';

/**
 * Small, valid sample files for the seeder, one generator per content type the S3 layout accepts.
 * application/zip is always a SCORM 1.2 package: the same bytes serve SCORM uploads and zipped materials.
 */
const GENERATORS: Readonly<Record<string, (input: FileInput) => Buffer>> = {
  'image/png': png,
  'image/jpeg': jpeg,
  'image/gif': gif,
  'image/webp': webp,
  'application/pdf': pdf,
  'audio/mpeg': mp3,
  'audio/wav': wav,
  'audio/ogg': ogg,
  'application/zip': scorm,
  [DOCX]: docx,
  [XLSX]: xlsx,
  [PPTX]: pptx,
};

export const SUPPORTED_CONTENT_TYPES: readonly string[] = Object.freeze(Object.keys(GENERATORS));

/** Same (contentType, seed, key, meta) always gives the same bytes. */
export type { FileMeta };
export function fileFor(contentType: string, seed: number, key: string, meta?: FileMeta): Buffer {
  const generate = Object.prototype.hasOwnProperty.call(GENERATORS, contentType) ? GENERATORS[contentType] : undefined;
  if (!generate) {
    throw usageError(`no sample file generator for content type "${contentType}"`, `pick one of: ${SUPPORTED_CONTENT_TYPES.join(', ')}`);
  }
  return generate(fileInput(contentType, seed, key, meta));
}
