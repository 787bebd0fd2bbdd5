// The .charm file: a zip of the packed charm dir, as charmcraft writes it (ZIP_DEFLATED, paths
// relative to the prime dir, each file's unix mode in its external attributes:
// charmcraft/utils/file.py build_zip, through Python's zipfile). Juju unpacks it with those
// modes, so `dispatch` and the vendored node keep their run bit.
// yazl (a maintained, dependency-light zip writer) writes the entries; this module only walks.
import { createWriteStream, lstatSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ZipFile } from 'yazl';

/**
 * Zip `dir` into `file`, written to a temp name beside it and renamed into place only when
 * complete. Refuses symlinks and anything but files and dirs in `dir`.
 */
export async function writeCharmArchive(dir: string, file: string, mtime: Date): Promise<void> {
  const zip = new ZipFile();
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const rel = sub === '' ? entry.name : `${sub}/${entry.name}`;
      const path = join(dir, rel);
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(rel);
      else if (stat.isFile()) {
        const executable = (stat.mode & 0o111) !== 0;
        zip.addFile(path, rel, { mode: executable ? 0o100755 : 0o100644, mtime });
      } else throw new Error(`cannot put ${path} into a .charm: not a regular file`);
    }
  };
  walk('');
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(temp);
      out.on('error', reject);
      out.on('close', () => resolve());
      zip.outputStream.on('error', reject).pipe(out);
      zip.end();
    });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
