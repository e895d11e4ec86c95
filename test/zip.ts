// Zip archives made byte by byte in the test, as the format (APPNOTE.TXT) lays them out: local
// headers, data, central directory, end record. Entry names are written as given, unchecked, so a
// test can make the archives a careful tool would not (`../x`, `/abs`, `..\x`, `C:x`, a name twice)
// and records that lie (a CRC-32 or a size that is not the data's), to check that what unpacks
// them refuses them. No fixtures on disk: each test shows the archive it uses.
import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of zipOf: a name ending in `/` is a folder. */
export interface ZipEntrySpec {
  name: string;
  data?: Buffer;
  /** Stored (method 0) instead of deflated. */
  stored?: boolean;
  /** The CRC-32 the headers record instead of the data's. */
  recordedCrc32?: number;
  /** The uncompressed size the headers record instead of the data's. */
  recordedSize?: number;
}

/** A zip archive of `entries` (deflated unless `stored`), written byte by byte as the format says: names are not checked. */
export function zipOf(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data = Buffer.alloc(0), stored, recordedCrc32, recordedSize } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const packed = stored || name.endsWith('/') ? data : deflateRawSync(data);
    const method = stored || name.endsWith('/') ? 0 : 8;
    const crc = (recordedCrc32 ?? crc32(data)) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(recordedSize ?? data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    local.copy(central, 8, 6, 28); // flags .. name length, as in the local header
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
