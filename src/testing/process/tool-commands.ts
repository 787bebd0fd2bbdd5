// Hook-tool command lines, as the fake tool executables receive them, turned into calls on a
// unit's UnitHookTools; results printed the way Juju's tools print them (`--format=json` or
// the default "smart" format), failures as `ERROR <text>` with exit 1, bad arguments exit 2.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Err, Ok, type Result } from 'ts-results-es';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { HookToolError } from '../../juju/hook-tool-error.js';
import type {
  LogLevel,
  NetworkInfo,
  PortProtocol,
  SecretAddOptions,
  WorkloadStatusName,
} from '../../juju/hook-tools.js';
import { DEFAULT_FAIL_MESSAGE } from '../action-run.js';
import { setOwn } from '../optional.js';
import { toolFailure, type UnitHookTools } from '../unit-hook-tools.js';
import type { QueuedHook } from '../world.js';
import type { ToolReply } from './agent-socket.js';
import { readSettingsFile } from './settings-file.js';

/** Every hook tool the simulator serves. */
export const HOOK_TOOL_NAMES = [
  'relation-ids',
  'relation-list',
  'relation-get',
  'relation-set',
  'network-get',
  'unit-get',
  'config-get',
  'is-leader',
  'leader-get',
  'leader-set',
  'juju-log',
  'status-set',
  'status-get',
  'application-version-set',
  'goal-state',
  'open-port',
  'close-port',
  'secret-add',
  'secret-get',
  'secret-set',
  'secret-grant',
  'secret-revoke',
  'secret-remove',
  'secret-info-get',
  'secret-ids',
  'storage-get',
  'storage-list',
  'storage-add',
  'resource-get',
  'state-get',
  'state-set',
  'state-delete',
  'action-get',
  'action-set',
  'action-fail',
  'action-log',
] as const;

type FlagKind = 'bool' | 'value';
const FORMAT: Record<string, FlagKind> = { format: 'value', output: 'value' };
const ALIASES: Record<string, string> = { r: 'relation', l: 'log-level', o: 'output', a: 'all' };
const SECRET_META: Record<string, FlagKind> = {
  label: 'value',
  description: 'value',
  expire: 'value',
  rotate: 'value',
  file: 'value',
};
const SPECS: Record<string, Record<string, FlagKind>> = {
  'relation-ids': { ...FORMAT },
  'relation-list': { ...FORMAT, relation: 'value', app: 'bool' },
  'relation-get': { ...FORMAT, relation: 'value', app: 'bool' },
  'relation-set': { format: 'value', relation: 'value', app: 'bool', file: 'value' },
  'network-get': {
    ...FORMAT,
    relation: 'value',
    'ingress-address': 'bool',
    'bind-address': 'bool',
    'egress-subnets': 'bool',
    'primary-address': 'bool',
  },
  'unit-get': { ...FORMAT },
  'config-get': { ...FORMAT, all: 'bool' },
  'is-leader': { ...FORMAT },
  'leader-get': { ...FORMAT },
  'leader-set': {},
  'juju-log': { 'log-level': 'value', debug: 'bool', format: 'value' },
  'status-set': { application: 'bool' },
  'status-get': { ...FORMAT, 'include-data': 'bool', application: 'bool' },
  'application-version-set': {},
  'goal-state': { ...FORMAT },
  'open-port': { endpoints: 'value', format: 'value' },
  'close-port': { endpoints: 'value', format: 'value' },
  'secret-add': { owner: 'value', ...SECRET_META },
  'secret-get': { ...FORMAT, label: 'value', peek: 'bool', refresh: 'bool' },
  'secret-set': { owner: 'value', ...SECRET_META },
  'secret-grant': { relation: 'value', unit: 'value' },
  'secret-revoke': { relation: 'value', unit: 'value', app: 'value', application: 'value' },
  'secret-remove': { revision: 'value' },
  'secret-info-get': { ...FORMAT, label: 'value' },
  'secret-ids': { ...FORMAT },
  'storage-get': { ...FORMAT, s: 'value' },
  'storage-list': { ...FORMAT },
  'storage-add': {},
  'resource-get': {},
  'state-get': { ...FORMAT },
  'state-set': { file: 'value' },
  'state-delete': {},
  'action-get': { ...FORMAT },
  'action-set': {},
  'action-fail': {},
  'action-log': {},
};

/** A usage error: exit 2, like Juju's argument parser. */
class UsageError extends Error {}

/**
 * A failure in a tool's Run rather than its Init: jujuc prints `ERROR <text>` and exits 1
 * (github.com/juju/cmd Main: Init errors exit 2, Run errors exit 1). relation-set and state-set
 * open and parse their --file in Run (worker/uniter/runner/jujuc/relation-set.go and
 * state-set.go handleSettingsFile / handleKeyValueFile).
 */
class RunError extends Error {}

interface Parsed {
  readonly flags: Record<string, string | boolean>;
  readonly args: string[];
}

/** GNU-style flags as Juju's gnuflag parses them: --x=v, --x v, -r v, bools, `--` ends flags. */
function parseArgs(tool: string, argv: readonly string[]): Parsed {
  const spec = SPECS[tool];
  if (spec === undefined) throw new UsageError(`unknown tool ${tool}`);
  const flags: Record<string, string | boolean> = {};
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-') || /^-\d/.test(a)) {
      args.push(a);
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const raw = eq < 0 ? body : body.slice(0, eq);
    const name = ALIASES[raw] ?? raw;
    const kind = spec[name];
    if (kind === undefined) {
      throw new UsageError(
        `flag provided but not defined: ${a.startsWith('--') ? '--' : '-'}${raw}`,
      );
    }
    if (kind === 'bool') flags[name] = eq < 0 ? true : body.slice(eq + 1) !== 'false';
    else if (eq >= 0) flags[name] = body.slice(eq + 1);
    else if (i + 1 < argv.length) flags[name] = argv[++i] as string;
    else throw new UsageError(`flag needs an argument: ${a}`);
  }
  return { flags, args };
}

function output(value: unknown, flags: Parsed['flags']): string {
  const format = flags['format'] ?? flags['output'];
  if (format === 'json') return `${JSON.stringify(value ?? null)}\n`;
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return `${value}\n`;
  if (typeof value === 'boolean') return value ? 'True\n' : 'False\n';
  if (Array.isArray(value)) return value.map((v) => `${String(v)}\n`).join('');
  return stringifyYaml(value);
}

export interface CommandContext {
  readonly tools: UnitHookTools;
  readonly hook: QueuedHook;
  /** Relative `--file` paths resolve against the charm dir (the hook's working directory). */
  readonly charmDir: string;
  /** Learns the first line of each ERROR log, to describe a failed hook. */
  readonly onErrorLog?: (line: string) => void;
}

/** Run one tool command line against a unit's tools. Never throws. */
export function runToolCommand(
  context: CommandContext,
  tool: string,
  argv: readonly string[],
  stdin: Buffer,
): ToolReply {
  if (SPECS[tool] !== undefined && asksForHelp(argv)) {
    // Juju's tools are cmd.Commands: -h/--help prints the usage and exits 0 (github.com/juju/cmd
    // supercommand/gnuflag ErrHelp). charmhelpers probes `relation-set --help` this way.
    return { exitCode: 0, stdout: usage(tool), stderr: '' };
  }
  try {
    const result = dispatchTool(context, tool, argv, stdin);
    if (result.isErr()) return errorReply(tool, result.error);
    return { exitCode: 0, stdout: result.value, stderr: '' };
  } catch (error) {
    if (error instanceof UsageError || error instanceof RunError) {
      const exitCode = error instanceof RunError ? 1 : 2;
      const failure = toolFailure(tool, error.message, exitCode);
      context.tools.recordCall(tool, argv, failure);
      return { exitCode, stdout: '', stderr: `ERROR ${error.message}\n` };
    }
    throw error;
  }
}

function asksForHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some(
    (a) => a === '--help' || a === '-h' || a === '-help',
  );
}

function usage(tool: string): string {
  const flags = Object.entries(SPECS[tool] ?? {})
    .map(([name, kind]) => `--${name}${kind === 'value' ? ' (= "")' : ''}\n`)
    .join('');
  return `Usage: ${tool} [options]\n\nOptions:\n${flags}`;
}

function errorReply(tool: string, error: HookToolError): ToolReply {
  const prefix = `${tool}: `;
  const text = error.message.startsWith(prefix)
    ? error.message.slice(prefix.length)
    : error.message;
  const exitCode = error.exitCode ?? (error.kind === 'bad-arguments' ? 2 : 1);
  return { exitCode, stdout: '', stderr: `ERROR ${text}\n` };
}

function readKeyValues(
  context: CommandContext,
  args: readonly string[],
  file: string | boolean | undefined,
  stdin: Buffer,
  settingsFile = false,
): Record<string, string> {
  const data: Record<string, string> = {};
  // Juju parses key=value arguments in Init with keyvalues.Parse(args, true) (juju/utils
  // keyvalues.go): a key given twice is refused, exit 2.
  const given = new Set<string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected "key=value", got "${arg}"`);
    const key = arg.slice(0, eq);
    if (settingsFile && given.has(key)) {
      throw new UsageError(`key "${key}" specified more than once`);
    }
    given.add(key);
  }
  if (typeof file === 'string') {
    let text: string;
    if (file === '-') {
      text = stdin.toString('utf8');
    } else {
      const path = isAbsolute(file) ? file : join(context.charmDir, file);
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        // cmd.FileVar.Open in Run: os.Open's error text, exit 1 for relation-set/state-set.
        if (settingsFile) throw new RunError(`open ${path}: no such file or directory`);
        throw new UsageError(`cannot read file "${file}"`);
      }
    }
    let parsed: unknown = {};
    if (settingsFile) {
      // relation-set/state-set read the file as Juju does (yaml.v2 into map[string]string),
      // in Run: a file Juju refuses fails the tool with exit 1.
      const settings = readSettingsFile(text);
      if (settings.isErr()) throw new RunError(settings.error);
      parsed = settings.value;
    } else if (text.trim() !== '') {
      try {
        parsed = parseYaml(text) as unknown;
      } catch {
        throw new UsageError(`expected YAML map of settings in ${file}`);
      }
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new UsageError(`expected YAML map of settings in ${file}`);
    }
    for (const [k, v] of Object.entries(parsed)) setOwn(data, k, v === null ? '' : String(v));
  }
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected "key=value", got "${arg}"`);
    setOwn(data, arg.slice(0, eq), arg.slice(eq + 1));
  }
  return data;
}

const str = (v: string | boolean | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;

function dispatchTool(
  context: CommandContext,
  tool: string,
  argv: readonly string[],
  stdin: Buffer,
): Result<string, HookToolError> {
  const { tools, hook } = context;
  const { flags, args } = parseArgs(tool, argv);
  const print = (value: unknown) => output(value, flags);
  const relationId = (): string => {
    const id = str(flags['relation']) ?? hook.relationId;
    if (id === undefined || id === '') throw new UsageError('no relation id specified');
    return id;
  };
  const noMoreThan = (n: number) => {
    if (args.length > n)
      throw new UsageError(`unrecognized args: ["${args.slice(n).join('" "')}"]`);
  };

  switch (tool) {
    case 'relation-ids': {
      const endpoint = args[0] ?? hook.endpoint;
      if (endpoint === undefined) throw new UsageError('no endpoint name specified');
      noMoreThan(1);
      return tools.relationIds(endpoint).map(print);
    }
    case 'relation-list': {
      noMoreThan(0);
      const id = relationId();
      return flags['app']
        ? tools.relationListApp(id).map(print)
        : tools.relationList(id).map(print);
    }
    case 'relation-get': {
      noMoreThan(2);
      const id = relationId();
      const app = flags['app'] === true;
      const key = args[0] === undefined || args[0] === '-' ? undefined : args[0];
      const entity = args[1] ?? (app ? hook.remoteApp : hook.remoteUnit);
      if (entity === undefined) throw new UsageError('no unit or application specified');
      const options = app ? { app: true } : {};
      if (key === undefined) return tools.relationGet(id, entity, options).map(print);
      // A missing key: nothing by default, `null` with --format=json (jujuc/relation-get.go
      // prints the Go nil value through the formatter).
      return tools.relationGetKey(id, entity, key, options).map((v) => print(v ?? null));
    }
    case 'relation-set': {
      const id = relationId();
      const data = readKeyValues(context, args, flags['file'], stdin, true);
      return tools.relationSet(id, data, flags['app'] ? { app: true } : {}).map(() => '');
    }
    case 'network-get': {
      const binding = args[0];
      if (binding === undefined) throw new UsageError('no arguments specified');
      noMoreThan(1);
      const rel = str(flags['relation']);
      const options = rel === undefined ? {} : { relationId: rel };
      if (flags['ingress-address'] || flags['primary-address']) {
        return tools.networkGetIngressAddress(binding, options).map(print);
      }
      return tools.networkGet(binding, options).map((info) => {
        if (flags['bind-address']) return print(info.bindAddresses[0]?.addresses[0]?.value ?? '');
        if (flags['egress-subnets']) return print(info.egressSubnets.join(','));
        return print(networkJson(info));
      });
    }
    case 'unit-get': {
      const key = args[0];
      if (key !== 'private-address' && key !== 'public-address') {
        throw new UsageError(key ? `unknown setting "${key}"` : 'no setting specified');
      }
      return tools.unitGet(key).map(print);
    }
    case 'config-get': {
      noMoreThan(1);
      const key = args[0];
      return tools
        .configGet()
        .map((config) => print(key === undefined || flags['all'] ? config : (config[key] ?? null)));
    }
    case 'is-leader':
      return tools.isLeader().map(print);
    case 'leader-get': {
      noMoreThan(1);
      const key = args[0] === undefined || args[0] === '-' ? undefined : args[0];
      return tools
        .leaderGet()
        .map((settings) => print(key === undefined ? settings : (settings[key] ?? null)));
    }
    case 'leader-set': {
      if (args.length === 0) throw new UsageError('no key=value pairs specified');
      return tools.leaderSet(readKeyValues(context, args, undefined, stdin)).map(() => '');
    }
    case 'juju-log': {
      if (args.length === 0) throw new UsageError('no message specified');
      const level = (str(flags['log-level']) ?? (flags['debug'] ? 'DEBUG' : 'INFO')).toUpperCase();
      if (!['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL', 'TRACE'].includes(level)) {
        throw new UsageError(`invalid log level "${level}"`);
      }
      const message = args.join(' ');
      if (level === 'ERROR') context.onErrorLog?.(message.split('\n')[0] ?? '');
      return tools
        .jujuLog(message, (level === 'TRACE' ? 'DEBUG' : level) as LogLevel)
        .map(() => '');
    }
    case 'status-set': {
      const [status, message = ''] = args;
      if (
        status === undefined ||
        !['maintenance', 'blocked', 'waiting', 'active'].includes(status)
      ) {
        throw new UsageError(
          status ? `invalid status "${status}"` : 'invalid args, require <status> [message] [data]',
        );
      }
      return tools
        .statusSet(
          status as WorkloadStatusName,
          message,
          flags['application'] ? { application: true } : {},
        )
        .map(() => '');
    }
    case 'status-get': {
      const application = flags['application'] === true;
      const details = (s: { status: string; message: string }) =>
        flags['include-data']
          ? { status: s.status, message: s.message, 'status-data': {} }
          : { status: s.status };
      const json = (flags['format'] ?? flags['output']) === 'json';
      if (!application) {
        return tools
          .statusGet()
          .map((s) => print(json || flags['include-data'] ? details(s) : s.status));
      }
      return tools
        .statusGet({ application: true })
        .map((s) => print({ 'application-status': { ...details(s), units: {} } }));
    }
    case 'application-version-set': {
      if (args.length !== 1) throw new UsageError('no version specified');
      return tools.applicationVersionSet(args[0] as string).map(() => '');
    }
    case 'goal-state':
      return tools.goalState().map(print);
    case 'open-port':
    case 'close-port': {
      const spec = args[0];
      const match = spec === undefined ? null : /^(\d+)(?:\/(tcp|udp))?$/.exec(spec);
      if (spec !== 'icmp' && match === null) {
        throw new UsageError(`invalid port or range "${spec ?? ''}"`);
      }
      const port = spec === 'icmp' ? 0 : Number(match?.[1]);
      const protocol: PortProtocol =
        spec === 'icmp' ? 'icmp' : ((match?.[2] as PortProtocol | undefined) ?? 'tcp');
      const call =
        tool === 'open-port' ? tools.openPort(port, protocol) : tools.closePort(port, protocol);
      return call.map(() => '');
    }
    case 'secret-add': {
      const content = readKeyValues(context, args, flags['file'], stdin);
      const owner = str(flags['owner']) ?? 'application';
      if (owner !== 'application' && owner !== 'unit') {
        throw new UsageError(`secret owner "${owner}" not valid`);
      }
      return tools.secretAdd(content, { ...secretMeta(flags), owner }).map((id) => `${id}\n`);
    }
    case 'secret-get': {
      if (flags['peek'] && flags['refresh']) {
        throw new UsageError('specify one of --peek or --refresh but not both');
      }
      noMoreThan(2);
      const id = args[0];
      const label = str(flags['label']);
      const target = id ?? label;
      if (target === undefined) throw new UsageError('require either a secret URI or label');
      const options = {
        ...(id !== undefined && label !== undefined ? { label } : {}),
        ...(flags['peek'] ? { peek: true } : {}),
        ...(flags['refresh'] ? { refresh: true } : {}),
      };
      const key = args[1];
      return tools
        .secretGet(target, options)
        .map((content) => print(key === undefined ? content : (content[key] ?? null)));
    }
    case 'secret-set': {
      const id = args[0];
      if (id === undefined) throw new UsageError('missing secret URI');
      const content = readKeyValues(context, args.slice(1), flags['file'], stdin);
      return tools.secretSet(id, content, secretMeta(flags)).map(() => '');
    }
    case 'secret-grant':
    case 'secret-revoke': {
      const id = args[0];
      if (id === undefined || args.length !== 1) throw new UsageError('missing secret URI');
      const unit = str(flags['unit']);
      const options = unit === undefined ? {} : { unit };
      const call =
        tool === 'secret-grant'
          ? tools.secretGrant(id, relationId(), options)
          : tools.secretRevoke(id, relationId(), options);
      return call.map(() => '');
    }
    case 'secret-remove': {
      const id = args[0];
      if (id === undefined || args.length !== 1) throw new UsageError('missing secret URI');
      const revision = str(flags['revision']);
      if (revision !== undefined && !/^\d+$/.test(revision)) {
        throw new UsageError(`invalid revision "${revision}"`);
      }
      return tools
        .secretRemove(id, revision === undefined ? {} : { revision: Number(revision) })
        .map(() => '');
    }
    // jujuc/secret-info-get.go: `{<id>: {revision, label, owner, ...}}`; secret-ids.go.
    case 'secret-info-get': {
      noMoreThan(1);
      const target = args[0] ?? str(flags['label']);
      if (target === undefined) throw new UsageError('require either a secret URI or label');
      return tools.secretInfoGet(target).map(({ id, ...info }) => print({ [id]: info }));
    }
    case 'secret-ids':
      noMoreThan(0);
      return tools.secretIds().map((ids) => print(ids));
    // jujuc/storage-get.go, storage-list.go, storage-add.go; resource-get prints a path.
    case 'storage-get': {
      noMoreThan(1);
      const key = args[0];
      return tools.storageGet(str(flags['s'])).andThen((info) => {
        if (key === undefined) return Ok(print(info));
        if (key !== 'kind' && key !== 'location') {
          return Err(toolFailure('storage-get', `invalid storage attribute "${key}"`));
        }
        return Ok(print(info[key]));
      });
    }
    case 'storage-list':
      noMoreThan(1);
      return tools.storageList(args[0]).map((ids) => print(ids));
    case 'storage-add': {
      if (args.length === 0) throw new UsageError('storage add requires a storage directive');
      const counts: Record<string, number> = {};
      for (const arg of args) {
        const [name = '', count = '1'] = arg.split('=');
        if (!/^\d+$/.test(count)) throw new UsageError(`cannot parse count "${count}"`);
        setOwn(counts, name, Number(count));
      }
      return tools.storageAdd(counts).map(() => '');
    }
    case 'resource-get': {
      if (args.length !== 1) throw new UsageError('resource-get takes one resource name');
      return tools.resourceGet(args[0] as string).map((path) => `${path}\n`);
    }
    case 'state-get': {
      noMoreThan(1);
      const key = args[0];
      return tools.stateGet().andThen((state) => {
        if (key === undefined) return Ok(print(state));
        const value = state[key];
        if (value === undefined) return Err(toolFailure('state-get', `"${key}" not found`));
        return Ok(print(value));
      });
    }
    case 'state-set':
      return tools.stateSet(readKeyValues(context, args, flags['file'], stdin, true)).map(() => '');
    case 'state-delete': {
      if (args.length !== 1) throw new UsageError('specify a key');
      return tools.stateDelete(args[0] as string).map(() => '');
    }
    // worker/uniter/runner/jujuc/action-{get,set,fail,log}.go
    case 'action-get': {
      noMoreThan(1);
      const keys = args[0]?.split('.');
      return tools
        .actionGet()
        .map((params) => print(keys === undefined ? params : dig(params, keys)));
    }
    case 'action-set': {
      const results: Record<string, string> = {};
      for (const arg of args) {
        const eq = arg.indexOf('=');
        if (eq < 0) throw new UsageError(`argument "${arg}" must be of the form key...=value`);
        setOwn(results, arg.slice(0, eq), arg.slice(eq + 1));
      }
      return tools.actionSet(results).map(() => '');
    }
    case 'action-fail': {
      noMoreThan(1);
      return tools.actionFail(args[0] ?? DEFAULT_FAIL_MESSAGE).map(() => '');
    }
    case 'action-log': {
      if (args.length === 0) throw new UsageError('no message specified');
      return tools.actionLog(args.join(' ')).map(() => '');
    }
    default:
      throw new UsageError(`unknown tool ${tool}`);
  }
}

/** action-get's recurseMapOnKeys: the value under a dotted key, or null when there is none. */
function dig(params: unknown, keys: readonly string[]): unknown {
  let at = params;
  for (const key of keys) {
    if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, key)) {
      return null;
    }
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function secretMeta(flags: Parsed['flags']): Omit<SecretAddOptions, 'owner'> {
  const out: {
    label?: string;
    description?: string;
    expire?: string;
    rotate?: SecretAddOptions['rotate'];
  } = {};
  const label = str(flags['label']);
  const description = str(flags['description']);
  const expire = str(flags['expire']);
  const rotate = str(flags['rotate']);
  if (label !== undefined) out.label = label;
  if (description !== undefined) out.description = description;
  if (expire !== undefined) out.expire = expire;
  if (rotate !== undefined) out.rotate = rotate as SecretAddOptions['rotate'];
  return out;
}

function networkJson(info: NetworkInfo): unknown {
  return {
    'bind-addresses': info.bindAddresses.map((b) => ({
      'mac-address': b.macAddress,
      'interface-name': b.interfaceName,
      addresses: b.addresses.map((a) => ({
        hostname: a.hostname ?? '',
        value: a.value,
        cidr: a.cidr,
      })),
    })),
    'egress-subnets': info.egressSubnets,
    'ingress-addresses': info.ingressAddresses,
  };
}
