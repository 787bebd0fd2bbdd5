// Test helper: unpack a .charm as Juju would, each file with the unix mode from its zip entry's
// external attributes (yauzl refuses absolute and `..` entry names).
import { chmodSync, createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

/** One entry of a zip: its path and the unix mode its external attributes carry. */
export interface ZipEntry {
  readonly path: string;
  readonly mode: number;
}

/** Extract `file` into `dest`; returns the entries, in archive order. */
export async function unzipCharm(file: string, dest: string): Promise<ZipEntry[]> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  const entries: ZipEntry[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const mode = (entry.externalFileAttributes >>> 16) & 0o7777;
      entries.push({ path: entry.fileName, mode });
      if (entry.fileName.endsWith('/')) continue;
      const target = join(dest, entry.fileName);
      mkdirSync(dirname(target), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target));
      chmodSync(target, mode);
    }
  } finally {
    zip.close();
  }
  return entries;
}
