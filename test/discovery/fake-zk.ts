// An in-memory ZkSession for unit tests: a tree of persistent nodes, sequence numbers taken
// from a per-parent counter that only child creates raise (as observed on Debian's ZooKeeper
// 3.8.0 by the real-server half of serverset.test.ts: a delete does not advance it), atomic
// multi, and one-shot child watches.
import { ZkError, type ZkOp, type ZkSession } from '../../src/discovery/zk-session.js';

interface Node {
  data: Buffer;
  cversion: number;
}

export class FakeZk implements ZkSession {
  readonly nodes = new Map<string, Node>([['/', { data: Buffer.alloc(0), cversion: 0 }]]);
  private readonly watches = new Map<string, (() => void)[]>();
  /** Every write, for assertions on what a call did. */
  readonly writes: string[] = [];

  async children(path: string, watch?: () => void): Promise<string[] | undefined> {
    if (!this.nodes.has(path)) return undefined;
    if (watch !== undefined) this.watches.set(path, [...(this.watches.get(path) ?? []), watch]);
    return this.childNames(path);
  }

  async data(path: string): Promise<Buffer | undefined> {
    return this.nodes.get(path)?.data;
  }

  async mkdirp(path: string): Promise<void> {
    let at = '';
    for (const part of path.split('/').slice(1)) {
      at += `/${part}`;
      if (!this.nodes.has(at)) this.apply([{ op: 'create', path: at, data: Buffer.alloc(0) }]);
    }
  }

  async createSequential(prefix: string, data: Buffer): Promise<string> {
    const parent = this.parentOf(prefix);
    const node = this.nodes.get(parent);
    if (node === undefined) throw new ZkError('no-node', `no node ${parent}`);
    const path = `${prefix}${String(node.cversion).padStart(10, '0')}`;
    this.apply([{ op: 'create', path, data }]);
    return path;
  }

  async multi(ops: readonly ZkOp[]): Promise<void> {
    this.apply(ops);
  }

  async close(): Promise<void> {}

  /** Write a node directly (a foreign writer). */
  put(path: string, data: string): void {
    this.apply([{ op: 'create', path, data: Buffer.from(data) }]);
  }

  private apply(ops: readonly ZkOp[]): void {
    const staged = new Map([...this.nodes].map(([k, v]) => [k, { ...v }]));
    const touched = new Set<string>();
    for (const op of ops) {
      const parent = this.parentOf(op.path);
      if (op.op === 'create') {
        if (staged.has(op.path)) throw new ZkError('node-exists', `node ${op.path} exists`);
        const p = staged.get(parent);
        if (p === undefined) throw new ZkError('no-node', `no parent ${parent}`);
        p.cversion++;
        staged.set(op.path, { data: op.data, cversion: 0 });
      } else if (op.op === 'remove') {
        if (!staged.has(op.path)) throw new ZkError('no-node', `no node ${op.path}`);
        if ([...staged.keys()].some((k) => this.parentOf(k) === op.path && k !== op.path))
          throw new ZkError('not-empty', `node ${op.path} has children`);
        staged.delete(op.path);
      } else {
        const n = staged.get(op.path);
        if (n === undefined) throw new ZkError('no-node', `no node ${op.path}`);
        n.data = op.data;
      }
      if (op.op !== 'set') touched.add(parent);
    }
    this.nodes.clear();
    for (const [k, v] of staged) this.nodes.set(k, v);
    this.writes.push(...ops.map((o) => `${o.op} ${o.path}`));
    for (const path of touched) {
      const fire = this.watches.get(path) ?? [];
      this.watches.delete(path);
      for (const f of fire) f();
    }
  }

  private childNames(path: string): string[] {
    const prefix = path === '/' ? '/' : `${path}/`;
    return [...this.nodes.keys()]
      .filter((k) => k !== path && k.startsWith(prefix) && !k.slice(prefix.length).includes('/'))
      .map((k) => k.slice(prefix.length));
  }

  private parentOf(path: string): string {
    const i = path.lastIndexOf('/');
    return i <= 0 ? '/' : path.slice(0, i);
  }
}
