// A small in-process model of one application's units on a peer relation, built from one
// StubHookTools per unit: enough to run the README example on three units. The Juju rules it
// keeps: what a hook writes (relation data, leader settings, secret grants) reaches other
// units only once that hook committed; a unit lists a peer from its -joined hook on; -changed
// follows -joined and every committed change of a peer's bag; leader-settings-changed follows
// every committed leader-set; a secret is readable by its owner and on relations it was granted to.
import { Err, Ok, type Result } from 'ts-results-es';
import type { HookContext } from '../../../src/juju/hook-context.js';
import { HookToolError } from '../../../src/juju/hook-tool-error.js';
import type { SecretContent, SecretGetOptions } from '../../../src/juju/hook-tools.js';
import { stableStringify } from '../../../src/util/json.js';
import { type Charm, type HookHarness, hookHarness, peerMetadata } from '../../helpers/hook.js';
import { StubHookTools, type StubWorld, stubWorld } from '../../helpers/stub-tools.js';
import { ENDPOINT, REL } from './builders.js';

interface SecretRecord {
  readonly owner: string;
  readonly relations: Set<string>;
}

/** StubHookTools whose secrets are shared by the model's units, with owners and grants. */
class ModelTools extends StubHookTools {
  constructor(
    world: StubWorld,
    private readonly model: PeerModel,
  ) {
    super(world);
  }

  override secretAdd(content: SecretContent): Result<string, HookToolError> {
    this.calls.push({ tool: 'secret-add', args: [] });
    return Ok(this.model.addSecret(this.world.unit, content));
  }

  override secretGet(
    id: string,
    _options?: SecretGetOptions,
  ): Result<SecretContent, HookToolError> {
    if (!this.model.canRead(id, this.world.unit)) {
      this.calls.push({ tool: 'secret-get', args: [id] });
      return Err(new HookToolError('permission-denied', 'secret-get', 'permission denied', 1));
    }
    return super.secretGet(id);
  }

  override secretGrant(id: string, relationId: string): Result<void, HookToolError> {
    this.model.grant(id, relationId);
    return super.secretGrant(id, relationId);
  }
}

export interface ModelUnit {
  readonly name: string;
  readonly address: string;
  readonly leader: boolean;
  readonly tools: StubHookTools;
  readonly harness: HookHarness;
}

interface QueuedHook {
  readonly unit: ModelUnit;
  readonly hook: Partial<HookContext> & { hookName: string };
  /** Runs just before the hook: what Juju shows the unit at that moment. */
  readonly before?: () => void;
}

export class PeerModel {
  readonly units: ModelUnit[] = [];
  /** `unit hook [remote unit]`, in the order they ran. */
  readonly hooksRun: string[] = [];
  private readonly secrets: Record<string, SecretContent> = {};
  private readonly secretRecords = new Map<string, SecretRecord>();
  private readonly leaderSettings: Record<string, string> = {};
  private readonly queue: QueuedHook[] = [];
  private readonly delivered = new Map<string, string>();
  private lastLeaderSettings = '{}';
  private nextSecret = 1;

  /** Deploy a unit: queue its start-up hooks, then a joined+changed pair per peer, both ways. */
  addUnit(name: string, charm: Charm, options: { leader?: boolean; address: string }): ModelUnit {
    const leader = options.leader === true;
    const world = stubWorld({
      unit: name,
      leader,
      relations: { [REL]: { endpoint: ENDPOINT, app: 'mysql', units: {}, local: {} } },
      network: { [ENDPOINT]: { ingress: options.address } },
      privateAddress: options.address,
      secrets: this.secrets,
      leaderSettings: this.leaderSettings,
    });
    const tools = new ModelTools(world, this);
    const unit: ModelUnit = {
      name,
      address: options.address,
      leader,
      tools,
      harness: hookHarness(charm, { tools, metadata: peerMetadata() }),
    };
    for (const hookName of ['install', `${ENDPOINT}-relation-created`]) {
      this.queue.push({ unit, hook: { hookName, ...relationOf(hookName) } });
    }
    this.queue.push({
      unit,
      hook: { hookName: leader ? 'leader-elected' : 'leader-settings-changed' },
    });
    this.queue.push(
      { unit, hook: { hookName: 'config-changed' } },
      { unit, hook: { hookName: 'start' } },
    );
    for (const other of this.units) {
      this.queueJoin(other, unit);
      this.queueJoin(unit, other);
    }
    this.units.push(unit);
    return unit;
  }

  /** Run queued hooks until none is left. Throws on a failed hook or a model that never settles. */
  async settle(maxHooks = 500): Promise<void> {
    let ran = 0;
    for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
      if (++ran > maxHooks) throw new Error(`not settled after ${maxHooks} hooks`);
      item.before?.();
      const result = await item.unit.harness.run(item.hook);
      const remote = item.hook.remoteUnit ? ` ${item.hook.remoteUnit}` : '';
      this.hooksRun.push(`${item.unit.name} ${item.hook.hookName}${remote}`);
      if (!result.ok)
        throw new Error(`${item.unit.name} ${item.hook.hookName} failed: ${result.error}`);
      this.deliver(item.unit);
    }
  }

  /** Flags the unit committed. */
  flags(unit: ModelUnit): readonly string[] {
    return unit.harness.store.load().flags;
  }

  /** What the unit published on the peer relation (committed). */
  published(unit: ModelUnit): Record<string, string> {
    return { ...unit.tools.world.relations[REL]?.local };
  }

  // ---- secrets, shared by the units ----

  addSecret(owner: string, content: SecretContent): string {
    const id = `secret:m${this.nextSecret++}`;
    this.secrets[id] = { ...content };
    this.secretRecords.set(id, { owner, relations: new Set() });
    return id;
  }

  canRead(id: string, unit: string): boolean {
    const record = this.secretRecords.get(id);
    return record !== undefined && (record.owner === unit || record.relations.has(REL));
  }

  grant(id: string, relationId: string): void {
    this.secretRecords.get(id)?.relations.add(relationId);
  }

  // ---- delivery of committed changes ----

  private queueJoin(observer: ModelUnit, joiner: ModelUnit): void {
    const show = (): void => {
      const rel = observer.tools.world.relations[REL];
      if (rel) rel.units[joiner.name] = this.published(joiner);
    };
    this.queue.push({ unit: observer, hook: relationHook('joined', joiner.name), before: show });
    this.queue.push({ unit: observer, hook: relationHook('changed', joiner.name), before: show });
  }

  private deliver(unit: ModelUnit): void {
    const bag = stableStringify(this.published(unit));
    if (bag !== (this.delivered.get(unit.name) ?? '{}')) {
      this.delivered.set(unit.name, bag);
      for (const other of this.units) {
        const rel = other.tools.world.relations[REL];
        if (other === unit || rel === undefined || !(unit.name in rel.units)) continue;
        this.queue.push({
          unit: other,
          hook: relationHook('changed', unit.name),
          before: () => {
            rel.units[unit.name] = this.published(unit);
          },
        });
      }
    }
    const settings = stableStringify(this.leaderSettings);
    if (settings !== this.lastLeaderSettings) {
      this.lastLeaderSettings = settings;
      for (const other of this.units) {
        if (!other.leader)
          this.queue.push({ unit: other, hook: { hookName: 'leader-settings-changed' } });
      }
    }
  }
}

function relationHook(event: string, remoteUnit: string): QueuedHook['hook'] {
  return {
    hookName: `${ENDPOINT}-relation-${event}`,
    relation: { name: ENDPOINT, id: REL },
    remoteUnit,
    remoteApp: 'mysql',
  };
}

function relationOf(hookName: string): Partial<HookContext> {
  return hookName.includes('-relation-') ? { relation: { name: ENDPOINT, id: REL } } : {};
}
