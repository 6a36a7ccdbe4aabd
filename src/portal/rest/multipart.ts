import { badRequest } from './errors.ts';

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const MAX_PARTS = 10;

/**
 * A minimal multipart/form-data reader for WSO2's `import-openapi` (`-F file=@api.json -F
 * additionalProperties=…`) and application import (`-F file=@app.zip`): each name once, at most ten
 * parts; text as UTF-8, ZIP or octet-stream parts as latin1 (byte for byte).
 */
export function parseMultipart(body: Buffer, contentType: string): Record<string, string> {
  const match = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  if (!match) throw badRequest('body', 'multipart/form-data without a boundary');
  const delimiter = Buffer.from(`--${match[1] ?? match[2]}`);
  const fields: Record<string, string> = {};
  let start = body.indexOf(delimiter);
  let parts = 0;
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    if (++parts > MAX_PARTS) throw badRequest('body', `at most ${MAX_PARTS} form fields`);
    const part = body.subarray(start + delimiter.length, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) throw badRequest('body', 'malformed multipart part');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const name = /content-disposition:[^\r\n]*?(?:^|;)\s*name="([^"]*)"/im.exec(headers)?.[1];
    if (!name || !FIELD_NAME.test(name)) throw badRequest('body', 'each multipart part needs a simple field name');
    if (Object.hasOwn(fields, name)) throw badRequest(name, 'must not be sent twice');
    const content = part.subarray(headerEnd + 4);
    // A binary file (a ZIP archive for application import) keeps its bytes: one latin1 character each.
    const binary = /content-type:\s*application\/(zip|x-zip-compressed|octet-stream)/i.test(headers);
    fields[name] = content.subarray(0, content.length - (content.subarray(-2).toString() === '\r\n' ? 2 : 0)).toString(binary ? 'latin1' : 'utf8');
    start = next;
  }
  if (parts === 0) throw badRequest('body', 'empty multipart body');
  return fields;
}
