import { crc32, inflateRawSync } from 'node:zlib';
import { badRequest } from './errors.ts';

/**
 * The few ZIP archives WSO2's application export and import exchange (APPNOTE.TXT 6.3): written
 * uncompressed, read stored or deflated. No ZIP64, no encryption, at most MAX_ENTRIES small entries.
 */

const MAX_ENTRIES = 20;
const MAX_ENTRY_BYTES = 1024 * 1024;

function localHeader(name: Buffer, data: Buffer, crc: number): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4); // version needed
  h.writeUInt16LE(0x0800, 6); // UTF-8 names
  h.writeUInt16LE(0, 8); // stored
  h.writeUInt32LE(crc, 14);
  h.writeUInt32LE(data.length, 18);
  h.writeUInt32LE(data.length, 22);
  h.writeUInt16LE(name.length, 26);
  return h;
}

function centralHeader(name: Buffer, data: Buffer, crc: number, offset: number): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(0x0800, 8);
  h.writeUInt32LE(crc, 16);
  h.writeUInt32LE(data.length, 20);
  h.writeUInt32LE(data.length, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE(offset, 42);
  return h;
}

export function writeZip(entries: ReadonlyArray<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const crc = crc32(entry.data);
    const local = Buffer.concat([localHeader(name, entry.data, crc), name, entry.data]);
    centrals.push(Buffer.concat([centralHeader(name, entry.data, crc, offset), name]));
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, central, end]);
}

/** Reads the archive's entries through its central directory; anything unexpected is a 400 naming `file`. */
export function readZip(zip: Buffer): Array<{ name: string; data: Buffer }> {
  const fail = (why: string) => badRequest('file', `not a readable ZIP archive: ${why}`);
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0 || endAt + 22 > zip.length) throw fail('no end of central directory');
  const count = zip.readUInt16LE(endAt + 10);
  if (count > MAX_ENTRIES) throw fail(`more than ${MAX_ENTRIES} entries`);
  let at = zip.readUInt32LE(endAt + 16);
  const out: Array<{ name: string; data: Buffer }> = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw fail('bad central directory');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const local = zip.readUInt32LE(at + 42);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) throw fail('bad local header');
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const packed = zip.subarray(start, start + size);
    if (packed.length !== size || size > MAX_ENTRY_BYTES) throw fail(`entry ${name} is truncated or too large`);
    if (method !== 0 && method !== 8) throw fail(`entry ${name} uses an unsupported compression`);
    const data = method === 0 ? packed : inflateRawSync(packed, { maxOutputLength: MAX_ENTRY_BYTES });
    if (!name.endsWith('/')) out.push({ name, data });
    at += 46 + nameLength + extra;
  }
  return out;
}
