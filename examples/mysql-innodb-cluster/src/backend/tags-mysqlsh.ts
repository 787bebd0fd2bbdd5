// Cluster and instance tags through MySQL Shell: the JavaScript that calls
// `cluster.setOption('tag:<name>', value)`, `cluster.setInstanceOption('<host>:<port>', ...)`
// and `cluster.options()`, and the parser of what options() prints. These are script bodies:
// the session that runs them (mysqlsh.ts) connects first, with credentials on stdin, never argv.
import type { JsonValue } from 'juju-reactive';
import {
  checkTagWrite,
  encodeCanonical,
  instanceLabel,
  type OptionsDocument,
  type TagEntry,
  type TagMap,
} from '../../../shared/adminapi-tags/index.js';
import { assertSafeAddress, type ClusterCredentials, type ClusterTagOperations } from './types.js';

/** Runs a script body in a connected MySQL Shell session and resolves with its stdout. */
export interface ShellSession {
  run(body: string): Promise<string>;
}

/** Most characters of options() output parsed. */
export const MAX_OPTIONS_OUTPUT = 1_048_576;

/** A JSON value as a JavaScript expression: JSON.parse of a string literal, so an object key
 * `__proto__` stays a key (in an object literal it would set the prototype). ASCII only. */
function valueExpression(value: JsonValue): string {
  return `JSON.parse(${JSON.stringify(encodeCanonical(value))})`;
}

function clusterLine(clusterName: string): string {
  return `var c = dba.getCluster(${encodeCanonical(clusterName)});\n`;
}

/**
 * The option and value checked with MySQL Shell's own rules before any script exists (the same
 * error text, and nothing runs); a built-in value is sent converted to a boolean, any other value
 * as given (inner nulls included: they delete keys of a stored object value).
 */
function checked(option: string, value: JsonValue): { option: string; value: JsonValue } {
  const write = checkTagWrite(option, value);
  return { option: `tag:${write.name}`, value: write.value };
}

/**
 * `cluster.setOption('tag:<name>', value)`: a cluster-level tag (`null` removes it).
 * @example setOptionScript('cluster', 'tag:location', 'US East')
 */
export function setOptionScript(clusterName: string, option: string, value: JsonValue): string {
  const c = checked(option, value);
  return (
    clusterLine(clusterName) +
    `c.setOption(${JSON.stringify(c.option)}, ${valueExpression(c.value)});\n`
  );
}

/**
 * `cluster.setInstanceOption('<host>:<port>', 'tag:<name>', value)`: an instance tag. The
 * instance is named by address only; the session's credentials are used to reach it.
 */
export function setInstanceOptionScript(
  clusterName: string,
  host: string,
  port: number,
  option: string,
  value: JsonValue,
): string {
  assertSafeAddress(host);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`refusing port ${port}: expected an integer from 1 to 65535`);
  }
  const c = checked(option, value);
  const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return (
    clusterLine(clusterName) +
    `c.setInstanceOption(${JSON.stringify(target)}, ${JSON.stringify(c.option)}, ${valueExpression(c.value)});\n`
  );
}

/** `cluster.options()` printed as one line of JSON. */
export function optionsScript(clusterName: string): string {
  return `${clusterLine(clusterName)}print(JSON.stringify(c.options()) + "\\n");\n`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The tags part of what `optionsScript` prints (the last non-empty line): `clusterName` and
 * `defaultReplicaSet.tags`, where MySQL Shell's Options::execute puts them
 * (modules/adminapi/cluster/options.cc). Throws a clear error on anything else.
 */
export function parseOptionsOutput(stdout: string): OptionsDocument {
  if (stdout.length > MAX_OPTIONS_OUTPUT) {
    throw new Error(`mysqlsh printed more than ${MAX_OPTIONS_OUTPUT} characters for options()`);
  }
  const line = stdout.trim().split('\n').at(-1) ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error('mysqlsh printed cluster options that are not JSON');
  }
  const tags =
    isRecord(parsed) && isRecord(parsed['defaultReplicaSet'])
      ? parsed['defaultReplicaSet']['tags']
      : undefined;
  if (!isRecord(parsed) || typeof parsed['clusterName'] !== 'string' || !isRecord(tags)) {
    throw new Error(
      'mysqlsh printed cluster options without clusterName and defaultReplicaSet.tags',
    );
  }
  const lists: Array<[string, TagEntry[]]> = [];
  for (const [label, list] of Object.entries(tags)) {
    if (!Array.isArray(list)) throw new Error(`cluster options: tags of ${label} are not a list`);
    lists.push([
      label,
      list.map((entry) => {
        if (!isRecord(entry) || typeof entry['option'] !== 'string' || !('value' in entry)) {
          throw new Error(`cluster options: a tag of ${label} is not {option, value}`);
        }
        return { option: entry['option'], value: entry['value'] as JsonValue };
      }),
    ]);
  }
  return {
    clusterName: parsed['clusterName'],
    defaultReplicaSet: { tags: Object.fromEntries(lists) },
  };
}

/** A tag list from an options document as a TagMap (for routing and status). */
export function tagMapOf(entries: readonly TagEntry[] | undefined): TagMap {
  return new Map((entries ?? []).map((e) => [e.option, e.value]));
}

/** Tags on a real InnoDB Cluster, stored where AdminAPI stores them (its metadata schema). */
export class MysqlShellTags {
  constructor(
    private readonly session: ShellSession,
    private readonly clusterName: string,
  ) {}

  /** Set or (null) remove a cluster tag; rule violations throw before mysqlsh runs. */
  async setOption(option: string, value: JsonValue): Promise<void> {
    await this.session.run(setOptionScript(this.clusterName, option, value));
  }

  /** Set or (null) remove a tag of the instance at `host`:`port`. */
  async setInstanceOption(
    host: string,
    port: number,
    option: string,
    value: JsonValue,
  ): Promise<void> {
    await this.session.run(setInstanceOptionScript(this.clusterName, host, port, option, value));
  }

  /** The cluster's name and tags from `cluster.options()`. */
  async options(): Promise<OptionsDocument> {
    return parseOptionsOutput(await this.session.run(optionsScript(this.clusterName)));
  }
}

/** What ShellClusterTags needs of MysqlShellOperations: a session connected to an instance. */
export interface ConnectedShell {
  runConnected(via: string, credentials: ClusterCredentials, body: string): Promise<string>;
}

/**
 * ClusterTagOperations through MySQL Shell: each call is one mysqlsh session connected to `via`
 * (a member), where `dba.getCluster(name)` then `setOption`/`setInstanceOption`/`options()`
 * write and read the cluster metadata as AdminAPI does. The rules are checked before mysqlsh runs.
 */
export class ShellClusterTags implements ClusterTagOperations {
  constructor(
    private readonly shell: ConnectedShell,
    private readonly port: number,
  ) {}

  label(address: string): string {
    return instanceLabel(address, this.port);
  }

  private tagsVia(name: string, via: string, credentials: ClusterCredentials): MysqlShellTags {
    return new MysqlShellTags(
      { run: (body) => this.shell.runConnected(via, credentials, body) },
      name,
    );
  }

  async setOption(
    name: string,
    option: string,
    value: JsonValue,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void> {
    await this.tagsVia(name, via, credentials).setOption(option, value);
  }

  async setInstanceOption(
    name: string,
    address: string,
    option: string,
    value: JsonValue,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void> {
    await this.tagsVia(name, via, credentials).setInstanceOption(address, this.port, option, value);
  }

  async options(
    name: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<OptionsDocument> {
    return this.tagsVia(name, via, credentials).options();
  }
}
