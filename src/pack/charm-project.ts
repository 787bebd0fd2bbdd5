// A charm project as pack sees it: the YAML files a packed charm carries (metadata.yaml,
// config.yaml, actions.yaml: copied, or derived from a unified charmcraft.yaml the way charmcraft
// does) and the platforms to pack for. Packaging only: the runtime reads metadata with
// src/juju/metadata.ts. Reads the charm dir; never writes to it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/** A platform to pack for: a base and one architecture (`ubuntu@22.04:amd64`). */
export interface Platform {
  /** The name the .charm file gets: `<charm>_<label with ":" as "-">.charm`. */
  readonly label: string;
  /** The base's distribution, `ubuntu`. */
  readonly base: string;
  /** The base's channel, `22.04`. */
  readonly channel: string;
  /** The Juju architecture, `amd64`. */
  readonly architecture: string;
}

/** What pack needs from a charm dir. */
export interface CharmProject {
  /** The charm's name. */
  readonly name: string;
  /** The YAML files the packed charm carries, by file name, as text. */
  readonly files: Readonly<Record<string, string>>;
  /** The platforms declared (charmcraft.yaml), or the default ones. */
  readonly platforms: readonly Platform[];
  /** True when the platforms are the default ones (the charm declares none). */
  readonly defaultPlatforms: boolean;
}

/** Packed for when the charm declares no platforms: the Ubuntu LTS bases Juju deploys to today. */
export const DEFAULT_PLATFORMS = ['ubuntu@22.04:amd64', 'ubuntu@24.04:amd64'] as const;

/**
 * The metadata keys charmcraft moves from a unified charmcraft.yaml into metadata.yaml
 * (charmcraft/const.py CHARM_METADATA_KEYS; `title` becomes `display-name`, as in
 * charmcraft/models/metadata.py CharmMetadata.from_charm).
 */
const METADATA_KEYS = [
  'name',
  'title',
  'summary',
  'description',
  'assumes',
  'containers',
  'devices',
  'extra-bindings',
  'peers',
  'provides',
  'requires',
  'resources',
  'storage',
  'subordinate',
  'terms',
] as const;

const OWN_FILES = ['metadata.yaml', 'config.yaml', 'actions.yaml'] as const;

/** The largest charm YAML file pack reads. */
const MAX_YAML_BYTES = 1 << 20;

function readYaml(path: string): { text: string; data: Record<string, unknown> } {
  const text = readFileSync(path, 'utf8');
  if (text.length > MAX_YAML_BYTES) throw new Error(`${path} is larger than 1 MiB`);
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new Error(`${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new Error(`${path} must be a YAML map at the top level`);
  }
  return { text, data: data as Record<string, unknown> };
}

/** `ubuntu@22.04:amd64` → a platform, or undefined when it is not in that form. */
export function parsePlatform(label: string, spec = label): Platform | undefined {
  const match = /^([a-z]+)@([0-9][0-9.]*):([a-z0-9]+)$/.exec(spec);
  if (match === null) return undefined;
  const [, base = '', channel = '', architecture = ''] = match;
  return { label, base, channel, architecture };
}

function platformsOf(data: Record<string, unknown>, file: string): Platform[] {
  const platforms = data['platforms'];
  if (platforms !== undefined) {
    if (platforms === null || typeof platforms !== 'object' || Array.isArray(platforms)) {
      throw new Error(`${file}: platforms must be a map of platform names`);
    }
    const base = typeof data['base'] === 'string' ? data['base'] : undefined;
    return Object.entries(platforms).map(([label, value]) => {
      const buildFor = (value as { 'build-for'?: unknown } | null)?.['build-for'];
      const target = Array.isArray(buildFor) ? buildFor[0] : buildFor;
      const spec =
        typeof target === 'string'
          ? target
          : base !== undefined && !label.includes(':')
            ? `${base}:${label}`
            : label;
      // `base: ubuntu@24.04` with `platforms: { amd64: }`: the build-for is `<base>:<arch>`.
      const withBase = base !== undefined && !spec.includes('@') ? `${base}:${spec}` : spec;
      const platform = parsePlatform(label, withBase);
      if (platform === undefined) {
        throw new Error(
          `${file}: platform "${label}" is not of the form <base>@<channel>:<arch> ` +
            '(e.g. ubuntu@24.04:amd64), and has no build-for that is',
        );
      }
      return platform;
    });
  }
  const bases = data['bases'];
  if (Array.isArray(bases)) {
    // charmcraft 2's `bases`: each entry (or its run-on) names a base and architectures.
    return bases.flatMap((entry: unknown) => {
      const runOn = (entry as { 'run-on'?: unknown })['run-on'];
      const targets = Array.isArray(runOn) ? runOn : [entry];
      return targets.flatMap((t: unknown) => {
        const { name, channel, architectures } = (t ?? {}) as Record<string, unknown>;
        if (typeof name !== 'string' || typeof channel !== 'string') {
          throw new Error(`${file}: each base needs a name and a channel`);
        }
        const archs = Array.isArray(architectures) ? architectures.map(String) : ['amd64'];
        return archs.map((architecture) => ({
          label: `${name}-${channel}-${architecture}`,
          base: name,
          channel,
          architecture,
        }));
      });
    });
  }
  return [];
}

/**
 * Read a charm dir for packing: a unified charmcraft.yaml (name, summary, config, actions,
 * peers/provides/requires, platforms or bases), or metadata.yaml with config.yaml and
 * actions.yaml (and optionally a charmcraft.yaml for the platforms only).
 */
export function readCharmProject(charmDir: string): CharmProject {
  const charmcraftPath = join(charmDir, 'charmcraft.yaml');
  const charmcraft = existsSync(charmcraftPath) ? readYaml(charmcraftPath) : undefined;
  const files: Record<string, string> = {};
  let name: unknown;
  if (existsSync(join(charmDir, 'metadata.yaml'))) {
    for (const file of OWN_FILES) {
      const path = join(charmDir, file);
      if (existsSync(path)) files[file] = readYaml(path).text;
    }
    name = parse(files['metadata.yaml'] ?? '')?.name;
  } else if (charmcraft !== undefined) {
    const data = charmcraft.data;
    const metadata: Record<string, unknown> = {};
    for (const key of METADATA_KEYS) {
      if (data[key] !== undefined) metadata[key === 'title' ? 'display-name' : key] = data[key];
    }
    name = data['name'];
    files['metadata.yaml'] = stringify(metadata);
    for (const [key, file] of [
      ['config', 'config.yaml'],
      ['actions', 'actions.yaml'],
    ] as const) {
      const section = data[key];
      if (section === undefined || section === null) continue;
      if (typeof section !== 'object' || Array.isArray(section)) {
        throw new Error(`${charmcraftPath}: ${key} must be a map`);
      }
      if (Object.keys(section).length > 0) files[file] = stringify(section);
    }
  } else {
    throw new Error(
      `${charmDir} has neither charmcraft.yaml nor metadata.yaml: one of them names the charm`,
    );
  }
  if (typeof name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new Error(
      `${charmDir}: the charm name must be lowercase letters, digits and dashes, got ${JSON.stringify(name)}`,
    );
  }
  const declared = charmcraft === undefined ? [] : platformsOf(charmcraft.data, charmcraftPath);
  const platforms =
    declared.length > 0
      ? declared
      : DEFAULT_PLATFORMS.map((label) => parsePlatform(label) as Platform);
  return { name, files, platforms, defaultPlatforms: declared.length === 0 };
}
