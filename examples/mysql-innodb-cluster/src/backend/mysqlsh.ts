// Cluster operations through MySQL Shell. Each operation is a generated JavaScript script
// written to mysqlsh's stdin; credentials travel inside that script (as JSON literals),
// never in argv, so they never show in `ps` or in Juju's logs.
import { ShellClusterTags } from './tags-mysqlsh.js';
import {
  assertSafeAddress,
  type ClusterCredentials,
  type ClusterOperations,
  type ClusterStatus,
  type ClusterTagOperations,
  type MemberState,
} from './types.js';

export interface MysqlShellOptions {
  /** The mysqlsh executable (default: `mysqlsh` on PATH). */
  readonly command?: string;
  /** Port of every instance (default 3306). */
  readonly port?: number;
}

/**
 * Run `mysqlsh --no-wizard --js` with `script` on stdin; resolves with stdout. child_process
 * is loaded on first use: most hooks run no Shell, and loading it (with `net`) costs every hook
 * a few ms at start.
 */
async function runShell(command: string, script: string): Promise<string> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(command, ['--no-wizard', '--js'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', (e) =>
      reject(new Error(`cannot run ${command}: ${e.message} (is MySQL Shell installed?)`)),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      // The script holds the password, but mysqlsh's error text does not echo scripts.
      else
        reject(
          new Error(`${command} exited ${code}: ${err.trim().split('\n').slice(-3).join(' ')}`),
        );
    });
    child.stdin.end(script);
  });
}

export class MysqlShellOperations implements ClusterOperations {
  private readonly command: string;
  private readonly port: number;

  /** Tags through cluster.setOption / setInstanceOption / options() (tags-mysqlsh.ts). */
  readonly tags: ClusterTagOperations;

  constructor(options: MysqlShellOptions = {}) {
    this.command = options.command ?? 'mysqlsh';
    this.port = options.port ?? 3306;
    this.tags = new ShellClusterTags(this, this.port);
  }

  /**
   * Run a script `body` in a mysqlsh session connected to `via` (credentials inside the script
   * on stdin, never argv); resolves with stdout.
   */
  async runConnected(via: string, credentials: ClusterCredentials, body: string): Promise<string> {
    return runShell(this.command, this.connect(via, credentials) + body);
  }

  /** An instance's connection options as a JS literal (the address checked first). */
  private instance(address: string, credentials: ClusterCredentials): string {
    assertSafeAddress(address);
    const target = {
      host: address,
      port: this.port,
      user: credentials.user,
      password: credentials.password,
    };
    return JSON.stringify(target);
  }

  private connect(address: string, credentials: ClusterCredentials): string {
    return `shell.connect(${this.instance(address, credentials)});\n`;
  }

  async configureInstance(address: string, credentials: ClusterCredentials): Promise<void> {
    await runShell(
      this.command,
      `dba.configureInstance(${this.instance(address, credentials)}, {restart: true});\n`,
    );
  }

  async createCluster(
    name: string,
    seedAddress: string,
    credentials: ClusterCredentials,
  ): Promise<void> {
    const script =
      this.connect(seedAddress, credentials) +
      `try { dba.getCluster(${JSON.stringify(name)}); } catch (e) { dba.createCluster(${JSON.stringify(name)}); }\n`;
    await runShell(this.command, script);
  }

  async addInstance(
    name: string,
    address: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void> {
    const target = this.instance(address, credentials);
    const script =
      this.connect(via, credentials) +
      `var c = dba.getCluster(${JSON.stringify(name)});\n` +
      `var known = Object.keys(c.status().defaultReplicaSet.topology);\n` +
      `if (known.indexOf(${JSON.stringify(`${address}:${this.port}`)}) < 0) c.addInstance(${target}, {recoveryMethod: 'clone'});\n`;
    await runShell(this.command, script);
  }

  async removeInstance(
    name: string,
    address: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void> {
    assertSafeAddress(address);
    const script =
      this.connect(via, credentials) +
      `var c = dba.getCluster(${JSON.stringify(name)});\n` +
      `var known = Object.keys(c.status().defaultReplicaSet.topology);\n` +
      `if (known.indexOf(${JSON.stringify(`${address}:${this.port}`)}) >= 0) c.removeInstance(${JSON.stringify(`${address}:${this.port}`)}, {force: true});\n`;
    await runShell(this.command, script);
  }

  async rejoinInstance(
    name: string,
    address: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void> {
    const target = this.instance(address, credentials);
    const script =
      this.connect(via, credentials) +
      `var c = dba.getCluster(${JSON.stringify(name)});\n` +
      `var m = c.status().defaultReplicaSet.topology[${JSON.stringify(`${address}:${this.port}`)}];\n` +
      `if (!m || m.status !== 'ONLINE') c.rejoinInstance(${target});\n`;
    await runShell(this.command, script);
  }

  async status(
    name: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<ClusterStatus | undefined> {
    const script =
      this.connect(via, credentials) +
      `try { var s = dba.getCluster(${JSON.stringify(name)}).status(); print(JSON.stringify(s)); } catch (e) { print('null'); }\n`;
    const out = (await runShell(this.command, script)).trim();
    const parsed = parseStatus(out.split('\n').at(-1) ?? 'null');
    return parsed ? { ...parsed, name } : undefined;
  }
}

/** The states `cluster.status()` prints for an instance, as MemberState names them. */
const SHELL_STATES: ReadonlyMap<string, MemberState> = new Map([
  ['ONLINE', 'ONLINE'],
  ['RECOVERING', 'RECOVERING'],
  ['OFFLINE', 'OFFLINE'],
  ['ERROR', 'ERROR'],
  ['UNREACHABLE', 'UNREACHABLE'],
  ['(MISSING)', 'MISSING'],
]);

/**
 * The state of one topology entry: its `status`, which MySQL Shell prints as `(MISSING)` for
 * an instance in the metadata but out of the live group, even while its own `memberState` says
 * OFFLINE or ERROR (mysql/mysql-shell unittest/scripts/auto/js_adminapi/validation/cluster_status.js,
 * "memberState=OFFLINE" / "memberState=ERROR"). Anything else is UNKNOWN: never routed to.
 */
function stateOf(status: unknown): MemberState {
  return (typeof status === 'string' ? SHELL_STATES.get(status) : undefined) ?? 'UNKNOWN';
}

/**
 * The members of `cluster.status()` printed as JSON on one line, or undefined when it printed
 * `null` (no cluster) or has no topology. Throws when the line is not JSON.
 */
export function parseStatus(line: string): Omit<ClusterStatus, 'name'> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error('mysqlsh printed a cluster status that is not JSON');
  }
  if (value === null || typeof value !== 'object') return undefined;
  const topology = (
    value as {
      defaultReplicaSet?: {
        topology?: Record<
          string,
          {
            mode?: string;
            memberRole?: string;
            status?: unknown;
            hiddenFromRouter?: unknown;
          } | null
        >;
      };
    }
  ).defaultReplicaSet?.topology;
  if (!topology || typeof topology !== 'object') return undefined;
  return {
    members: Object.entries(topology).map(([hostPort, m]) => ({
      address: hostPort.replace(/:\d+$/, ''),
      role: m?.memberRole === 'PRIMARY' || m?.mode === 'R/W' ? 'primary' : 'secondary',
      state: stateOf(m?.status),
      ...(m?.hiddenFromRouter === true ? { hiddenFromRouter: true as const } : {}),
    })),
  };
}
