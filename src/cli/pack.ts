// `juju-reactive pack <charm-dir>`: the command line of the packer (src/pack/). Writes
// `<name>_<platform>.charm` files, or with --dir a directory for `charmcraft pack`.
import { packCharm, packCharmArchives, renderPackReport } from '../pack/pack.js';
import { type OptionSpec, parseDirCommand, stringOption, UsageError } from './args.js';
import type { Command } from './command.js';

export { charmcraftYaml, type PackOptions, type PackReport, packCharm } from '../pack/pack.js';

const OPTIONS: OptionSpec = {
  out: { type: 'string', short: 'o' },
  dir: { type: 'boolean' },
  platform: { type: 'string', multiple: true },
  'system-node': { type: 'boolean' },
  'cache-dir': { type: 'string' },
  entry: { type: 'string' },
  'no-minify': { type: 'boolean' },
};

const HELP = `usage: juju-reactive pack <charm-dir> [options]

Bundle the charm (src/main.ts and everything it imports) and write <name>_<platform>.charm,
the file \`juju deploy\` takes, for each platform in charmcraft.yaml (default: ubuntu@22.04:amd64
and ubuntu@24.04:amd64). The .charm carries its own Node.js, so the machine needs none.

options:
  -o, --out <dir>        where the .charm files (or the --dir output) go (default <charm-dir>/build)
      --platform <name>  pack only this platform (repeatable), e.g. ubuntu@24.04:amd64
      --system-node      carry no Node.js: dispatch runs the machine's node (Node 20 or later)
      --cache-dir <dir>  where fetched Node.js packages are kept (default ~/.cache/juju-reactive/node)
      --dir              write a charm directory for \`charmcraft pack\` instead of .charm files
      --entry <file>     the module to bundle, relative to the charm dir (default src/main.ts)
      --no-minify        keep the bundle readable (slower to load on every hook)
  -h, --help             this help
`;

/** `juju-reactive pack`. */
export const packCommand: Command = {
  name: 'pack',
  summary: 'bundle the charm into a deployable .charm (or a dir for charmcraft)',
  help: HELP,
  run: async (argv, io) => {
    const parsed = parseDirCommand(argv, OPTIONS, 'pack needs a charm dir');
    if (parsed === undefined) {
      io.stdout(HELP);
      return 0;
    }
    const { values, dir } = parsed;
    const out = stringOption(values['out']);
    const entry = stringOption(values['entry']);
    const common = {
      charmDir: dir,
      ...(out === undefined ? {} : { outDir: out }),
      ...(entry === undefined ? {} : { entry }),
      minify: values['no-minify'] !== true,
    };
    const platforms = ((values['platform'] ?? []) as (string | boolean)[]).map(String);
    const cacheDir = stringOption(values['cache-dir']);
    if (values['dir'] === true) {
      if (platforms.length > 0 || values['system-node'] === true || cacheDir !== undefined) {
        throw new UsageError(
          "--dir writes a charmcraft project (the machine's Node); --platform, --system-node and --cache-dir are for .charm files",
        );
      }
      io.stdout(renderPackReport(await packCharm(common)));
      return 0;
    }
    const report = await packCharmArchives({
      ...common,
      platforms,
      systemNode: values['system-node'] === true,
      ...(cacheDir === undefined ? {} : { cacheDir }),
    });
    io.stdout(renderPackReport(report));
    return 0;
  },
};
