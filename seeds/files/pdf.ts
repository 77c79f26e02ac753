import { ascii, type FileInput } from './common';

function pdfString(text: string): string {
  return `(${ascii(text).replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

/**
 * A one-page PDF 1.4 (A4) in base-14 Helvetica: the title, then one line per entry of `lines`.
 * Every byte is ASCII, so string lengths equal byte offsets for the xref table.
 */
export function pdf(input: FileInput): Buffer {
  const ops: string[] = ['BT', '/F2 20 Tf', '72 770 Td', `${pdfString(input.title)} Tj`, '/F1 12 Tf', '0 -32 Td'];
  // A page holds about 55 lines at this leading; the rest would fall off the bottom.
  for (const line of input.lines.slice(0, 55)) ops.push(`${pdfString(line)} Tj`, '0 -16 Td');
  ops.push('/F1 8 Tf', `${pdfString(`recruit-db ${input.id}`)} Tj`, 'ET');
  const content = ops.join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    `<< /Title ${pdfString(input.title)} /Producer (recruit-db seeder) >>`,
  ];
  // The binary comment line marks the file as binary for transfer tools (PDF 1.4, 7.5.2).
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  const fileId = `<${input.id}${input.id}>`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 7 0 R /ID [${fileId} ${fileId}] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
