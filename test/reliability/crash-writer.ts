// Child process for the crash-consistency test: announces itself, then saves two large
// snapshots in turn, forever, until the parent kills it with SIGKILL.
import { FileStateStore } from '../../src/state/file-store.js';
import type { StateSnapshot } from '../../src/state/store.js';

const [path] = process.argv.slice(2);
if (!path) throw new Error('usage: crash-writer <state-file>');
const store = new FileStateStore(path);
const snap = (tag: string): StateSnapshot => ({
  version: 1,
  flags: [`tag.${tag}`],
  data: { tag, payload: tag.repeat(200_000) },
});
const snapshots = [snap('a'), snap('b')];
process.stdout.write('ready\n');
for (let i = 0; ; i++) store.save(snapshots[i % 2] as StateSnapshot);
