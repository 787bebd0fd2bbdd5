// Where an application's charm comes from: a Charm object (or factory) run in process, or a
// charm dir (imported in process, or bundled for process mode), with its metadata and config
// options. Shared by `deploy` and `upgradeCharm`.
import { resolve } from 'node:path';
import type { Charm } from '../charm/charm.js';
import {
  type CharmMetadata,
  type ConfigOption,
  readConfigOptions,
  readMetadata,
} from '../juju/metadata.js';
import { importCharm } from './charm-dir.js';

/** What `deploy` and `upgradeCharm` accept to name a charm. */
export interface CharmSourceOptions {
  readonly charm?: Charm | (() => Charm);
  readonly charmDir?: string;
  readonly metadata?: CharmMetadata;
  readonly configOptions?: Readonly<Record<string, ConfigOption>>;
}

/** A loaded charm, ready for an AppRecord. */
export interface CharmSource {
  /** Undefined for process mode (each hook runs the dir's dispatch). */
  readonly charm: Charm | undefined;
  readonly charmDir: string | undefined;
  readonly metadata: CharmMetadata;
  readonly configOptions: Readonly<Record<string, ConfigOption>>;
}

/** Load the charm `what` (like `deploying db`) names; throws a clear error when it cannot. */
export async function loadCharm(
  what: string,
  options: CharmSourceOptions,
  processes: boolean,
): Promise<CharmSource> {
  const charmDir = options.charmDir === undefined ? undefined : resolve(options.charmDir);
  if (processes && charmDir === undefined) {
    throw new Error(`${what} as processes needs a charmDir (with src/charm.ts)`);
  }
  let charm: Charm | undefined;
  if (!processes) {
    const given = options.charm;
    if (given !== undefined) charm = typeof given === 'function' ? given() : given;
    else if (charmDir !== undefined) charm = await importCharm(charmDir);
    else throw new Error(`${what} needs a charm or a charmDir`);
  }
  const metadata =
    options.metadata ??
    charm?.options.metadata ??
    (charmDir !== undefined ? readMetadata(charmDir) : undefined);
  if (metadata === undefined) {
    throw new Error(
      `${what}: pass metadata (or a charmDir holding metadata.yaml), or build the charm with new Charm({ metadata })`,
    );
  }
  const configOptions =
    options.configOptions ??
    metadata.config ??
    (charmDir !== undefined ? readConfigOptions(charmDir) : {});
  // The options the model checks config against are the ones the charm sees (rt.metadata.config,
  // which the configFlags layer and rt.config() read): given either way, they are one set.
  return {
    charm,
    charmDir,
    metadata:
      metadata.config === undefined && Object.keys(configOptions).length > 0
        ? { ...metadata, config: configOptions }
        : metadata,
    configOptions,
  };
}
