// HookTools backed by the real hook-tool processes Juju puts on PATH during a hook.
// The ONLY module in the project that spawns hook tools. Never puts secret content in argv
// (it travels by stdin or a 0600 file in memory), and never lets tool output reach a message unredacted.
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Err, Ok, type Result } from 'ts-results-es';
import { removeLeftoversOfGoneProcesses } from '../util/process.js';
import { classifyToolFailure, HookToolError } from './hook-tool-error.js';
import type {
  ActionParams,
  BindAddress,
  GoalState,
  HookTools,
  LogLevel,
  NetworkInfo,
  PortProtocol,
  PortRange,
  RelationData,
  SecretAddOptions,
  SecretContent,
  SecretGetOptions,
  SecretGrantOptions,
  SecretInfo,
  StorageInfo,
  WorkloadStatus,
  WorkloadStatusName,
} from './hook-tools.js';
import { Redactor } from './redact.js';
import { encodeSettingsFile, hasLoneSurrogate } from './settings-file.js';
import { spawnTool } from './spawn-tool.js';
import {
  actionKeyProblem,
  formatPortRange,
  parsePortRange,
  portRangeProblem,
} from './tool-args.js';

/** One finished hook-tool call, as reported to `onCall`. `args` is redacted and holds no secret. */
export interface HookToolCall {
  /** The hook tool, e.g. `relation-get`. */
  readonly tool: string;
  /** Its arguments, redacted. */
  readonly args: readonly string[];
  /** The exit code; 127 when the tool was not found, -1 when it was killed by a signal. */
  readonly exitCode: number;
  /** Wall time of the call, in milliseconds. */
  readonly durationMs: number;
}

/** Options of {@link ProcessHookTools}. */
export interface ProcessHookToolsOptions {
  /** Environment for the tools (PATH, JUJU_* context). Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Learns secret values seen here and masks them in argv reports and error messages. */
  readonly redactor?: Redactor;
  /** Called after every tool call, for tracing. */
  readonly onCall?: (call: HookToolCall) => void;
  /**
   * How long one call may take before the tool is killed and the call fails with kind
   * `timeout`. Default: `JUJU_REACTIVE_HOOK_TOOL_TIMEOUT` (seconds) from `env`, else 120 s.
   */
  readonly timeoutMs?: number;
  /** Most bytes a tool may print (stdout or stderr) before it is killed: `output-too-large`. Default 16 MiB. */
  readonly maxOutputBytes?: number;
}

type Shape<T> = (value: unknown) => Result<T, string>;

/** Default bound on one call's time: a hook tool answers in milliseconds, or is stuck. */
export const DEFAULT_TOOL_TIMEOUT_MS = 120_000;
/** Default bound on what one call may print (stdout or stderr). */
export const DEFAULT_MAX_TOOL_OUTPUT = 16 * 1024 * 1024;
/** Longest juju-log message sent; longer ones are cut. */
export const MAX_LOG_CHARS = 32_000;
const SECRET_ID_RE = /^secret:|^[0-9a-v]{20}$/;
const STATUSES: ReadonlySet<string> = new Set<WorkloadStatus['status']>([
  'maintenance',
  'blocked',
  'waiting',
  'active',
  'unknown',
  'error',
  'terminated',
]);

/**
 * Calls Juju's hook tools one at a time, waiting for each ({@link spawnTool}), parsing their
 * `--format=json` output.
 *
 * @example
 * const tools = new ProcessHookTools({ redactor, onCall: (c) => trace.push(c) });
 * const ids = tools.relationIds('cluster'); // Ok(['cluster:3'])
 */
export class ProcessHookTools implements HookTools {
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly redactor: Redactor;
  private readonly onCall: ((call: HookToolCall) => void) | undefined;
  private readonly timeoutMs: number;
  private readonly maxOutput: number;

  constructor(options: ProcessHookToolsOptions = {}) {
    this.env = options.env ?? process.env;
    this.redactor = options.redactor ?? new Redactor();
    this.onCall = options.onCall;
    this.timeoutMs = options.timeoutMs ?? timeoutFromEnv(this.env) ?? DEFAULT_TOOL_TIMEOUT_MS;
    this.maxOutput = options.maxOutputBytes ?? DEFAULT_MAX_TOOL_OUTPUT;
    removeStaleSecretFiles();
  }

  /** `relation-ids --format=json <endpoint>`. */
  relationIds(endpoint: string): Result<string[], HookToolError> {
    return this.json('relation-ids', [endpoint], stringArray);
  }

  /** `relation-list --format=json -r <id>`. */
  relationList(relationId: string): Result<string[], HookToolError> {
    return this.json('relation-list', ['-r', relationId], stringArray);
  }

  /** `relation-list --format=json -r <id> --app`; '' when Juju reports none. */
  relationListApp(relationId: string): Result<string, HookToolError> {
    return this.json('relation-list', ['-r', relationId, '--app'], optionalString).map(
      (v) => v ?? '',
    );
  }

  /** `relation-get --format=json -r <id> [--app] - <entity>`: the whole bag. */
  relationGet(
    relationId: string,
    entity: string,
    options: { readonly app?: boolean } = {},
  ): Result<RelationData, HookToolError> {
    const app = options.app ? ['--app'] : [];
    return this.json('relation-get', ['-r', relationId, ...app, '-', entity], stringMap);
  }

  /** `relation-get --format=json -r <id> [--app] <key> <entity>`; undefined when unset. */
  relationGetKey(
    relationId: string,
    entity: string,
    key: string,
    options: { readonly app?: boolean } = {},
  ): Result<string | undefined, HookToolError> {
    const app = options.app ? ['--app'] : [];
    return this.json('relation-get', ['-r', relationId, ...app, key, entity], optionalString).map(
      (v) => (v === '' ? undefined : v),
    );
  }

  /**
   * Data goes on stdin as a YAML map Juju stores unchanged ({@link encodeSettingsFile}), never
   * argv. Writing nothing calls nothing.
   */
  relationSet(
    relationId: string,
    data: RelationData,
    options: { readonly app?: boolean } = {},
  ): Result<void, HookToolError> {
    if (Object.keys(data).length === 0) return Ok(undefined);
    const app = options.app ? ['--app'] : [];
    const file = encodeSettingsFile(data);
    if (file.isErr()) return Err(misuse('relation-set', file.error));
    return this.exec('relation-set', ['-r', relationId, ...app, '--file', '-'], file.value);
  }

  /** `network-get --format=json <binding> [-r <id>]`. */
  networkGet(
    binding: string,
    options: { readonly relationId?: string } = {},
  ): Result<NetworkInfo, HookToolError> {
    return this.json('network-get', [binding, ...relationArg(options.relationId)], networkInfo);
  }

  /** `network-get --format=json <binding> --ingress-address [-r <id>]`. */
  networkGetIngressAddress(
    binding: string,
    options: { readonly relationId?: string } = {},
  ): Result<string, HookToolError> {
    const args = [binding, '--ingress-address', ...relationArg(options.relationId)];
    return this.json('network-get', args, requiredString);
  }

  /** `unit-get --format=json <key>`. */
  unitGet(key: 'private-address' | 'public-address'): Result<string, HookToolError> {
    return this.json('unit-get', [key], requiredString);
  }

  /** `config-get --format=json --all`. */
  configGet(): Result<Record<string, unknown>, HookToolError> {
    return this.json('config-get', ['--all'], anyMap);
  }

  /** `is-leader --format=json`. */
  isLeader(): Result<boolean, HookToolError> {
    return this.json('is-leader', [], boolean);
  }

  /** `leader-get --format=json`. */
  leaderGet(): Result<Record<string, string>, HookToolError> {
    return this.json('leader-get', [], stringMap);
  }

  /**
   * Juju's `leader-set` has no `--file`: the values travel in argv, where any process on the
   * machine can read them. Secrets belong in Juju secrets, never in leader settings; values the
   * redactor knows are still masked in `onCall` and error messages. Writing nothing calls nothing.
   */
  leaderSet(data: Record<string, string>): Result<void, HookToolError> {
    const entries = Object.entries(data);
    if (entries.length === 0) return Ok(undefined);
    const bad = entries.find(([k]) => k === '' || k.includes('='));
    if (bad !== undefined) {
      return Err(
        misuse('leader-set', `key "${bad[0]}" is empty or contains "="; it cannot be written`),
      );
    }
    // argv cannot carry NUL (spawn throws) and Node turns a lone surrogate into U+FFFD.
    const unsendable = entries.find(
      ([k, v]) => `${k}${v}`.includes('\0') || hasLoneSurrogate(k) || hasLoneSurrogate(v),
    );
    if (unsendable !== undefined) {
      const key = JSON.stringify(unsendable[0]);
      return Err(misuse('leader-set', `key ${key} or its value holds a NUL or a lone surrogate`));
    }
    return this.exec(
      'leader-set',
      entries.map(([k, v]) => `${k}=${v}`),
    );
  }

  /**
   * The message is redacted before it leaves the process, and cut to `MAX_LOG_CHARS` (32,000)
   * characters: it travels in argv, where Linux allows 128 KiB per argument.
   */
  jujuLog(message: string, level: LogLevel): Result<void, HookToolError> {
    let text = this.redactor.redact(message);
    if (text.length > MAX_LOG_CHARS) text = `${text.slice(0, MAX_LOG_CHARS)} [truncated]`;
    return this.exec('juju-log', ['-l', level, '--', text]);
  }

  /** `status-set [--application] -- <status> <message>`, the message redacted. */
  statusSet(
    status: WorkloadStatusName,
    message: string,
    options: { readonly application?: boolean } = {},
  ): Result<void, HookToolError> {
    const app = options.application ? ['--application'] : [];
    return this.exec('status-set', [...app, '--', status, this.redactor.redact(message)]);
  }

  /** `status-get --format=json --include-data [--application]`. */
  statusGet(
    options: { readonly application?: boolean } = {},
  ): Result<WorkloadStatus, HookToolError> {
    if (options.application) {
      return this.json('status-get', ['--include-data', '--application'], applicationStatus);
    }
    return this.json('status-get', ['--include-data'], workloadStatus);
  }

  /** `application-version-set <version>`. */
  applicationVersionSet(version: string): Result<void, HookToolError> {
    return this.exec('application-version-set', [version]);
  }

  /** `goal-state --format=json`. */
  goalState(): Result<GoalState, HookToolError> {
    return this.json('goal-state', [], goalState);
  }

  /** `open-port <port>/<protocol>` (or `open-port icmp`). */
  openPort(port: number, protocol: PortProtocol = 'tcp'): Result<void, HookToolError> {
    return this.port('open-port', port, protocol);
  }

  /** `close-port <port>/<protocol>` (or `close-port icmp`). */
  closePort(port: number, protocol: PortProtocol = 'tcp'): Result<void, HookToolError> {
    return this.port('close-port', port, protocol);
  }

  /** Content goes through a 0600 temp file (`secret-add` reads no stdin), removed afterwards. */
  secretAdd(content: SecretContent, options: SecretAddOptions = {}): Result<string, HookToolError> {
    this.learn(content);
    const flags = [...flag('--owner', options.owner), ...secretMetadataFlags(options)];
    return this.withContentFile('secret-add', content, (path) =>
      this.run('secret-add', [...flags, '--file', path]),
    ).andThen((out) => {
      const id = out.trim();
      // Never quote the output: it is not what was expected, so it may be anything.
      return SECRET_ID_RE.test(id) && !/\s/.test(id)
        ? Ok(id)
        : Err(new HookToolError('bad-output', 'secret-add', 'did not print a single secret id'));
    });
  }

  /**
   * `idOrLabel` is a secret id (`secret:...`) or, failing that, a label. With an id,
   * `options.label` sets this unit's label for the secret.
   */
  secretGet(
    idOrLabel: string,
    options: SecretGetOptions = {},
  ): Result<SecretContent, HookToolError> {
    const isId = SECRET_ID_RE.test(idOrLabel);
    if (!isId && options.label !== undefined && options.label !== idOrLabel) {
      return Err(
        misuse(
          'secret-get',
          `"${idOrLabel}" is not a secret id, and a different label was also given`,
        ),
      );
    }
    const target = isId ? [idOrLabel, ...flag('--label', options.label)] : ['--label', idOrLabel];
    const freshness = [
      ...(options.peek ? ['--peek'] : []),
      ...(options.refresh ? ['--refresh'] : []),
    ];
    const got = this.json('secret-get', [...target, ...freshness], stringMap);
    if (got.isOk()) this.learn(got.value);
    return got;
  }

  /** Empty content updates only the metadata given in `options`. */
  secretSet(
    id: string,
    content: SecretContent,
    options: Omit<SecretAddOptions, 'owner'> = {},
  ): Result<void, HookToolError> {
    this.learn(content);
    const args = [id, ...secretMetadataFlags(options)];
    if (Object.keys(content).length === 0) return this.exec('secret-set', args);
    return this.withContentFile('secret-set', content, (path) =>
      this.run('secret-set', [...args, '--file', path]),
    ).map(() => undefined);
  }

  /** `secret-grant <id> -r <relation id> [--unit <unit>]`. */
  secretGrant(
    id: string,
    relationId: string,
    options: SecretGrantOptions = {},
  ): Result<void, HookToolError> {
    return this.exec('secret-grant', [id, '-r', relationId, ...flag('--unit', options.unit)]);
  }

  /** `secret-revoke <id> -r <relation id> [--unit <unit>]`. */
  secretRevoke(
    id: string,
    relationId: string,
    options: SecretGrantOptions = {},
  ): Result<void, HookToolError> {
    return this.exec('secret-revoke', [id, '-r', relationId, ...flag('--unit', options.unit)]);
  }

  /** `secret-remove <id> [--revision <n>]`. */
  secretRemove(
    id: string,
    options: { readonly revision?: number } = {},
  ): Result<void, HookToolError> {
    const revision = options.revision === undefined ? undefined : String(options.revision);
    return this.exec('secret-remove', [id, ...flag('--revision', revision)]);
  }

  /** `state-get --format=json`. */
  stateGet(): Result<Record<string, string>, HookToolError> {
    return this.json('state-get', [], stringMap);
  }

  /** Data goes on stdin as a YAML map Juju stores unchanged. Writing nothing calls nothing. */
  stateSet(data: Record<string, string>): Result<void, HookToolError> {
    if (Object.keys(data).length === 0) return Ok(undefined);
    const file = encodeSettingsFile(data);
    if (file.isErr()) return Err(misuse('state-set', file.error));
    return this.exec('state-set', ['--file', '-'], file.value);
  }

  /** `state-delete <key>`. */
  stateDelete(key: string): Result<void, HookToolError> {
    return this.exec('state-delete', [key]);
  }

  // ---- actions, secret metadata, storage, resources, port ranges, metrics ----
  // Flags and output shapes: juju/juju internal/worker/uniter/runner/jujuc/<tool>.go.

  /** `action-get --format=json`: every parameter (an empty object when there are none). */
  actionGet(): Result<ActionParams, HookToolError> {
    return this.json('action-get', [], anyMap);
  }

  /**
   * `action-set key=value ...`. Keys are checked first with Juju's rule (jujuc/action-set.go),
   * so a bad key fails here naming the key, before anything is set. Values travel in argv
   * (the tool has no --file); `onCall` reports them redacted. Setting nothing calls nothing.
   */
  actionSet(results: Readonly<Record<string, string>>): Result<void, HookToolError> {
    const entries = Object.entries(results);
    if (entries.length === 0) return Ok(undefined);
    for (const [key] of entries) {
      const problem = actionKeyProblem(key);
      if (problem !== undefined) return Err(misuse('action-set', problem));
    }
    return this.exec(
      'action-set',
      entries.map(([k, v]) => `${k}=${v}`),
    );
  }

  /** `action-fail -- <message>`, the message redacted and cut like juju-log's. */
  actionFail(message: string): Result<void, HookToolError> {
    return this.exec('action-fail', ['--', this.logText(message)]);
  }

  /** `action-log -- <message>`, the message redacted and cut like juju-log's. */
  actionLog(message: string): Result<void, HookToolError> {
    return this.exec('action-log', ['--', this.logText(message)]);
  }

  /**
   * `secret-info-get --format=json <id>` or `--label <label>`. Juju prints
   * `{<id>: {revision, label, owner, ...}}` (jujuc/secret-info-get.go metadataDisplay).
   */
  secretInfoGet(idOrLabel: string): Result<SecretInfo, HookToolError> {
    const target = SECRET_ID_RE.test(idOrLabel) ? [idOrLabel] : ['--label', idOrLabel];
    return this.json('secret-info-get', target, secretInfo);
  }

  /** `secret-ids --format=json`. */
  secretIds(): Result<string[], HookToolError> {
    return this.json('secret-ids', [], stringArray);
  }

  /** `storage-get --format=json [-s <id>]`: `{kind, location}` (jujuc/storage-get.go). */
  storageGet(storageId?: string): Result<StorageInfo, HookToolError> {
    return this.json('storage-get', flag('-s', storageId), storageInfo);
  }

  /** `storage-list --format=json [<name>]`. */
  storageList(storageName?: string): Result<string[], HookToolError> {
    return this.json('storage-list', storageName === undefined ? [] : [storageName], stringArray);
  }

  /** `storage-add <name>=<count> ...`; counts must be positive whole numbers. */
  storageAdd(counts: Readonly<Record<string, number>>): Result<void, HookToolError> {
    const entries = Object.entries(counts);
    if (entries.length === 0)
      return Err(misuse('storage-add', 'storage add requires a storage directive'));
    const bad = entries.find(
      ([name, n]) => !/^[a-z][a-z0-9-]*$/.test(name) || !Number.isInteger(n) || n < 1,
    );
    if (bad !== undefined) {
      return Err(
        misuse('storage-add', `"${bad[0]}=${bad[1]}" is not <storage name>=<positive count>`),
      );
    }
    return this.exec(
      'storage-add',
      entries.map(([name, n]) => `${name}=${n}`),
    );
  }

  /** `resource-get <name>`: prints the path (no --format flag; jujuc/resource-get.go). */
  resourceGet(name: string): Result<string, HookToolError> {
    return this.run('resource-get', [name]).andThen((out) => {
      const path = out.trim();
      return path !== '' && !path.includes('\n')
        ? Ok(path)
        : Err(new HookToolError('bad-output', 'resource-get', 'did not print a single path'));
    });
  }

  /** `open-port <range> [--endpoints a,b]`; the range is checked as jujuc/ports.go does. */
  openPortRange(
    range: PortRange,
    options: { readonly endpoints?: readonly string[] } = {},
  ): Result<void, HookToolError> {
    return this.portRange('open-port', range, options.endpoints);
  }

  /** `close-port <range> [--endpoints a,b]`. */
  closePortRange(
    range: PortRange,
    options: { readonly endpoints?: readonly string[] } = {},
  ): Result<void, HookToolError> {
    return this.portRange('close-port', range, options.endpoints);
  }

  /** `opened-ports --format=json`: `["80/tcp", "8000-8099/udp", "icmp"]` (jujuc/opened-ports.go). */
  openedPorts(): Result<PortRange[], HookToolError> {
    return this.json('opened-ports', [], portRanges);
  }

  /** `add-metric key=value ...`. Adding nothing calls nothing. */
  addMetric(metrics: Readonly<Record<string, string>>): Result<void, HookToolError> {
    const entries = Object.entries(metrics);
    if (entries.length === 0) return Ok(undefined);
    const bad = entries.find(([k]) => k === '' || k.includes('='));
    if (bad !== undefined)
      return Err(misuse('add-metric', `metric name "${bad[0]}" is empty or contains "="`));
    return this.exec(
      'add-metric',
      entries.map(([k, v]) => `${k}=${v}`),
    );
  }

  private portRange(
    tool: string,
    range: PortRange,
    endpoints: readonly string[] | undefined,
  ): Result<void, HookToolError> {
    const problem = portRangeProblem(range);
    if (problem !== undefined) return Err(misuse(tool, problem));
    const scope =
      endpoints === undefined || endpoints.length === 0 ? [] : ['--endpoints', endpoints.join(',')];
    return this.exec(tool, [...scope, formatPortRange(range)]);
  }

  private logText(message: string): string {
    const text = this.redactor.redact(message);
    return text.length > MAX_LOG_CHARS ? `${text.slice(0, MAX_LOG_CHARS)} [truncated]` : text;
  }

  private port(tool: string, port: number, protocol: PortProtocol): Result<void, HookToolError> {
    if (protocol === 'icmp') return this.exec(tool, ['icmp']);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return Err(misuse(tool, `port ${port} is not a whole number from 1 to 65535`));
    }
    return this.exec(tool, [`${port}/${protocol}`]);
  }

  private learn(content: SecretContent): void {
    for (const value of Object.values(content)) this.redactor.add(value);
  }

  /**
   * Write secret content to a fresh 0600 file in a private dir, always removed after `use`.
   * Juju's secret-add/secret-set read `--file` by path in the unit agent (not from the hook's
   * stdin or fds: cmd/juju/secrets/common.go, ReadSecretData), so a file it must be. It is made
   * in memory (/dev/shm) where there is one, never on a disk, and named with this pid: if this
   * process is killed before removing it, the next hook's ProcessHookTools removes it.
   */
  private withContentFile<T>(
    tool: string,
    content: SecretContent,
    use: (path: string) => Result<T, HookToolError>,
  ): Result<T, HookToolError> {
    let dir: string | undefined;
    try {
      try {
        dir = mkdtempSync(join(secretFileBase(), `${SECRET_DIR_PREFIX}${process.pid}-`));
        writeFileSync(join(dir, 'content.yaml'), JSON.stringify(content), {
          mode: 0o600,
          flag: 'wx',
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
        const message = `could not write a temporary file for the secret content (${code})`;
        return Err(new HookToolError('failed', tool, message));
      }
      return use(join(dir, 'content.yaml'));
    } finally {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
  }

  private exec(tool: string, args: readonly string[], input?: string): Result<void, HookToolError> {
    return this.run(tool, args, input).map(() => undefined);
  }

  private json<T>(
    tool: string,
    args: readonly string[],
    shape: Shape<T>,
  ): Result<T, HookToolError> {
    const out = this.run(tool, ['--format=json', ...args]);
    if (out.isErr()) return out;
    const text = out.value.trim();
    let value: unknown = null;
    if (text !== '') {
      try {
        value = JSON.parse(text);
      } catch {
        // Never quote the output: it may hold relation passwords or secret content.
        return Err(
          new HookToolError(
            'bad-output',
            tool,
            `printed ${text.length} characters that are not JSON`,
          ),
        );
      }
    }
    return shape(value).mapErr(
      (expected) =>
        new HookToolError(
          'bad-output',
          tool,
          `printed ${describe(value)} where ${expected} was expected`,
        ),
    );
  }

  private run(tool: string, args: readonly string[], input = ''): Result<string, HookToolError> {
    const started = process.hrtime.bigint();
    const child = spawnTool(tool, args, {
      env: this.env,
      input,
      maxBuffer: this.maxOutput,
      timeoutMs: this.timeoutMs,
    });
    const errno = child.error?.code;
    if (errno === 'ETIMEDOUT' && child.status !== null) {
      // The tool exited, but something it started kept its output open until the timeout
      // (spawnSync then closes the pipes). What it printed before exiting is complete.
      child.error = undefined;
    }
    const missing = errno === 'ENOENT';
    const exitCode = missing ? 127 : (child.status ?? -1);
    this.onCall?.({
      tool,
      args: args.map((a) => this.redactor.redact(a)),
      exitCode,
      durationMs: elapsedMs(started),
    });
    if (missing) {
      return Err(
        new HookToolError(
          'tool-missing',
          tool,
          'not found on PATH: is this running inside a Juju hook?',
        ),
      );
    }
    if (errno === 'ETIMEDOUT' && child.error) {
      const seconds = this.timeoutMs / 1000;
      return Err(
        new HookToolError('timeout', tool, `did not finish within ${seconds} s and was killed`),
      );
    }
    if (errno === 'ENOBUFS') {
      const message = `printed more than ${this.maxOutput} bytes and was stopped`;
      return Err(new HookToolError('output-too-large', tool, message));
    }
    if (child.error) {
      const message = this.redactor.redact(`could not be run: ${child.error.message}`);
      return Err(new HookToolError('failed', tool, message, child.status ?? undefined));
    }
    if (child.status === null) {
      return Err(new HookToolError('failed', tool, `was killed by ${child.signal ?? 'a signal'}`));
    }
    if (child.status !== 0) {
      const text = child.stderr.trim().replace(/^ERROR\s+/, '');
      const message = text === '' ? `exited with code ${child.status}` : this.redactor.redact(text);
      return Err(
        new HookToolError(
          classifyToolFailure(child.status, child.stderr),
          tool,
          message,
          child.status,
        ),
      );
    }
    return Ok(child.stdout);
  }
}

/**
 * Milliseconds since `started` (process.hrtime.bigint()). Not performance.now(): its first use
 * loads node:perf_hooks and ten modules with it, about 1.5 ms of every hook's start.
 */
function elapsedMs(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Secret content dirs are named `<prefix><pid>-<random>`. */
const SECRET_DIR_PREFIX = 'juju-reactive-secret-';

/** Where secret content files are made: /dev/shm (memory) when writable, else the temp dir. */
function secretFileBase(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tempDir();
  }
}

/**
 * os.tmpdir() on Linux, where hooks run (Node's lib/os.js: $TMPDIR, $TMP or $TEMP, else /tmp,
 * without a trailing slash), without loading node:os into every hook (about 0.4 ms).
 */
export function tempDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const dir = env['TMPDIR'] || env['TMP'] || env['TEMP'] || '/tmp';
  return dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir;
}

/** Remove secret content dirs of processes that are gone (a hook killed during secret-add). */
function removeStaleSecretFiles(): void {
  for (const base of new Set([secretFileBase(), tempDir()]))
    removeLeftoversOfGoneProcesses(base, SECRET_DIR_PREFIX);
}

/** `JUJU_REACTIVE_HOOK_TOOL_TIMEOUT` (seconds, > 0) in milliseconds, if set and valid. */
function timeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const seconds = Number(env['JUJU_REACTIVE_HOOK_TOOL_TIMEOUT']);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

function misuse(tool: string, message: string): HookToolError {
  return new HookToolError('bad-arguments', tool, message);
}

function flag(name: string, value: string | undefined): string[] {
  return value === undefined ? [] : [name, value];
}

function relationArg(relationId: string | undefined): string[] {
  return flag('-r', relationId);
}

function secretMetadataFlags(options: Omit<SecretAddOptions, 'owner'>): string[] {
  return [
    ...flag('--label', options.label),
    ...flag('--description', options.description),
    ...flag('--expire', options.expire),
    ...flag('--rotate', options.rotate),
  ];
}

// ---- output shapes: each accepts what Juju prints with --format=json, or says what it wanted.

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const stringArray: Shape<string[]> = (v) => {
  if (v === null) return Ok([]);
  return Array.isArray(v) && v.every((s) => typeof s === 'string')
    ? Ok(v as string[])
    : Err('an array of strings');
};

const stringMap: Shape<Record<string, string>> = (v) => {
  if (v === null) return Ok({});
  return isMap(v) && Object.values(v).every((s) => typeof s === 'string')
    ? Ok(v as Record<string, string>)
    : Err('an object of strings');
};

const anyMap: Shape<Record<string, unknown>> = (v) =>
  v === null ? Ok({}) : isMap(v) ? Ok(v) : Err('an object');

const optionalString: Shape<string | undefined> = (v) =>
  v === null ? Ok(undefined) : typeof v === 'string' ? Ok(v) : Err('a string');

const requiredString: Shape<string> = (v) =>
  typeof v === 'string' && v !== '' ? Ok(v) : Err('a non-empty string');

const boolean: Shape<boolean> = (v) => (typeof v === 'boolean' ? Ok(v) : Err('true or false'));

const workloadStatus: Shape<WorkloadStatus> = (v) => {
  const expected = 'an object with a workload status and message';
  if (!isMap(v)) return Err(expected);
  const { status, message } = v;
  if (typeof status !== 'string' || !STATUSES.has(status)) return Err(expected);
  if (message !== undefined && typeof message !== 'string') return Err(expected);
  return Ok({ status: status as WorkloadStatus['status'], message: message ?? '' });
};

const applicationStatus: Shape<WorkloadStatus> = (v) =>
  isMap(v) && isMap(v['application-status'])
    ? workloadStatus(v['application-status'])
    : Err('an object with application-status');

const networkInfo: Shape<NetworkInfo> = (v) => {
  const expected = 'an object with bind-addresses, ingress-addresses and egress-subnets';
  if (!isMap(v)) return Err(expected);
  const ingress = stringArray(v['ingress-addresses'] ?? null);
  const egress = stringArray(v['egress-subnets'] ?? null);
  const rawBind = v['bind-addresses'] ?? [];
  if (ingress.isErr() || egress.isErr() || !Array.isArray(rawBind)) return Err(expected);
  const bindAddresses: BindAddress[] = [];
  for (const raw of rawBind) {
    const bind = bindAddress(raw);
    if (bind === undefined) return Err(expected);
    bindAddresses.push(bind);
  }
  return Ok({ bindAddresses, ingressAddresses: ingress.value, egressSubnets: egress.value });
};

function bindAddress(raw: unknown): BindAddress | undefined {
  if (!isMap(raw)) return undefined;
  const interfaceName = raw['interface-name'] ?? '';
  const macAddress = raw['mac-address'] ?? '';
  const rawAddresses = raw['addresses'] ?? [];
  if (typeof interfaceName !== 'string' || typeof macAddress !== 'string') return undefined;
  if (!Array.isArray(rawAddresses)) return undefined;
  const addresses: { value: string; cidr: string; hostname?: string }[] = [];
  for (const a of rawAddresses) {
    if (!isMap(a)) return undefined;
    // Juju prints `value`; agents before 2.9 printed `address`.
    const value = a['value'] ?? a['address'];
    const cidr = a['cidr'] ?? '';
    const hostname = a['hostname'] ?? '';
    if (typeof value !== 'string' || typeof cidr !== 'string' || typeof hostname !== 'string') {
      return undefined;
    }
    addresses.push(hostname === '' ? { value, cidr } : { value, cidr, hostname });
  }
  return { interfaceName, macAddress, addresses };
}

type GoalUnits = Record<string, { status: string; since?: string }>;

function goalUnits(v: unknown): GoalUnits | undefined {
  if (v === null || v === undefined) return {};
  if (!isMap(v)) return undefined;
  const out: GoalUnits = {};
  for (const [name, entry] of Object.entries(v)) {
    if (!isMap(entry) || typeof entry['status'] !== 'string') return undefined;
    const since = entry['since'];
    if (since !== undefined && typeof since !== 'string') return undefined;
    out[name] =
      since === undefined ? { status: entry['status'] } : { status: entry['status'], since };
  }
  return out;
}

const goalState: Shape<GoalState> = (v) => {
  const expected = 'an object with units and relations';
  if (!isMap(v)) return Err(expected);
  const units = goalUnits(v['units']);
  const rawRelations = v['relations'] ?? {};
  if (units === undefined || !isMap(rawRelations)) return Err(expected);
  const relations: Record<string, GoalUnits> = {};
  for (const [endpoint, entry] of Object.entries(rawRelations)) {
    const related = goalUnits(entry);
    if (related === undefined) return Err(expected);
    relations[endpoint] = related;
  }
  return Ok({ units, relations });
};

// ---- shapes of the tools added for actions, secrets' metadata, storage and ports ----

const storageInfo: Shape<StorageInfo> = (v) =>
  isMap(v) && typeof v['kind'] === 'string' && typeof v['location'] === 'string'
    ? Ok({ kind: v['kind'], location: v['location'] })
    : Err('an object with kind and location');

const portRanges: Shape<PortRange[]> = (v) => {
  const list = stringArray(v);
  if (list.isErr()) return list;
  const out: PortRange[] = [];
  for (const entry of list.value) {
    const range = parsePortRange(entry);
    if (range === undefined) return Err('a list of port ranges like "80/tcp"');
    out.push(range);
  }
  return Ok(out);
};

const OPTIONAL_SECRET_FIELDS = ['description', 'rotation', 'expiry', 'rotates'] as const;

const secretInfo: Shape<SecretInfo> = (v) => {
  const expected = 'an object with one secret id and its revision, label and owner';
  if (!isMap(v)) return Err(expected);
  const entries = Object.entries(v);
  const [entry] = entries;
  if (entry === undefined || entries.length !== 1) return Err(expected);
  const [id, info] = entry;
  if (!isMap(info) || typeof info['revision'] !== 'number') return Err(expected);
  const label = info['label'] ?? '';
  const owner = info['owner'] ?? '';
  if (typeof label !== 'string' || typeof owner !== 'string') return Err(expected);
  const out: Record<string, unknown> = { id, revision: info['revision'], label, owner };
  for (const key of OPTIONAL_SECRET_FIELDS) {
    const value = info[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return Err(expected);
    out[key] = value;
  }
  return Ok(out as unknown as SecretInfo);
};
