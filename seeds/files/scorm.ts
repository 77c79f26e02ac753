import { xmlEscape, type FileInput } from './common';
import { zip } from './zip';

/** A SCORM 1.2 content package: imsmanifest.xml with one organization/item and one SCO (index.html). */
export function scorm(input: FileInput): Buffer {
  const title = xmlEscape(input.title);
  const manifest = `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="recruit-db-${input.id}" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org-1">
    <organization identifier="org-1">
      <title>${title}</title>
      <item identifier="item-1" identifierref="sco-1" isvisible="true">
        <title>${title}</title>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco-1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
`;
  const paragraphs = input.lines.map((l) => `  <p>${xmlEscape(l)}</p>`).join('\n');
  // The SCO finds the LMS's SCORM 1.2 API in a parent frame and reports itself completed.
  const html = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title></head>
<body>
  <h1>${title}</h1>
${paragraphs}
  <script>
    function findApi(w) { for (var i = 0; w && i < 10; i++) { if (w.API) return w.API; if (w.parent === w) break; w = w.parent; } return null; }
    var api = findApi(window) || (window.opener ? findApi(window.opener) : null);
    if (api) { api.LMSInitialize(''); api.LMSSetValue('cmi.core.lesson_status', 'completed'); api.LMSCommit(''); api.LMSFinish(''); }
  </script>
</body>
</html>
`;
  return zip([
    { name: 'imsmanifest.xml', data: Buffer.from(manifest, 'utf8') },
    { name: 'index.html', data: Buffer.from(html, 'utf8') },
  ]);
}
