// The secret hook tools of one simulated unit in one hook (worker/uniter/runner/jujuc/secret-*.go):
// writes are staged in the hook's transaction; secret-get reads through the model's secret
// lifecycle (secrets.ts), which tracks the revision each observer sees. Values are taught to the
// redactor as they pass, so no trace ever shows one.
import { Ok } from 'ts-results-es';
import type {
  SecretAddOptions,
  SecretContent,
  SecretGetOptions,
  SecretGrantOptions,
  SecretInfo,
} from '../../juju/hook-tools.js';
import { rfc3339, SecretLifecycle } from '../secrets.js';
import type { SecretRecord } from '../world.js';
import type { R, ToolBase } from './base.js';

/** secret-add, -get, -set, -grant, -revoke, -remove, -info-get, -ids. */
export class SecretTools {
  constructor(private readonly b: ToolBase) {}

  private learn(content: Readonly<Record<string, string>>): void {
    for (const value of Object.values(content)) this.b.redactor.add(value);
  }

  private find(tool: string, idOrLabel: string): R<SecretRecord> {
    const { world, unit, tx } = this.b;
    if (idOrLabel.startsWith('secret:')) {
      const secret = world.secrets.get(idOrLabel);
      if (secret !== undefined) return Ok(secret);
      const staged = tx.secretAdds.find((s) => s.id === idOrLabel);
      if (staged !== undefined) return Ok(this.stagedRecord(staged.id));
      return this.b.fail(tool, `secret "${idOrLabel}" not found`);
    }
    const consumed = unit.secretLabels.get(idOrLabel);
    if (consumed !== undefined) return this.find(tool, consumed);
    for (const secret of world.secrets.values()) {
      if (secret.label === idOrLabel && this.mayManage(secret)) return Ok(secret);
    }
    const staged = tx.secretAdds.find((s) => s.options.label === idOrLabel);
    if (staged !== undefined) return Ok(this.stagedRecord(staged.id));
    return this.b.fail(tool, `secret with label "${idOrLabel}" not found`);
  }

  private stagedRecord(id: string): SecretRecord {
    const staged = this.b.tx.secretAdds.find((s) => s.id === id);
    const owner = staged?.options.owner ?? 'application';
    return {
      id,
      ownerApp: this.b.unit.app.name,
      ...(owner === 'unit' ? { ownerUnit: this.b.unit.name } : {}),
      revision: 1,
      content: { ...(staged?.content ?? {}) },
      grants: new Map(),
    };
  }

  /** The owner may manage: the leader for application secrets, the unit for its own. */
  private mayManage(secret: SecretRecord): boolean {
    const { unit } = this.b;
    if (secret.ownerApp !== unit.app.name) return false;
    return secret.ownerUnit === undefined ? this.b.isLeaderNow : secret.ownerUnit === unit.name;
  }

  private mayRead(secret: SecretRecord): boolean {
    const { unit, world } = this.b;
    if (secret.ownerApp === unit.app.name) {
      if (secret.ownerUnit === undefined || secret.ownerUnit === unit.name) return true;
    }
    // Juju: a grant on a relation gives "all units of the related application" access. On a
    // peer relation that application is the owner's own, so peers may read a unit-owned
    // secret granted there.
    for (const [relationId, grantees] of secret.grants) {
      const relation = world.relation(relationId);
      if (relation === undefined || relation.removed) continue;
      if (relation.remoteAppOf(secret.ownerApp) !== unit.app.name) continue;
      if (grantees.has('*') || grantees.has(unit.name)) return true;
    }
    return false;
  }

  private managed(tool: string, id: string): R<SecretRecord> {
    const found = this.find(tool, id);
    if (found.isErr()) return found;
    if (!this.mayManage(found.value)) return this.b.fail(tool, 'permission denied');
    return found;
  }

  secretAdd(content: SecretContent, options: SecretAddOptions = {}): R<string> {
    const owner = options.owner ?? 'application';
    const args = ['--owner', owner, ...(options.label ? ['--label', options.label] : [])];
    return this.b.call('secret-add', args, () => {
      this.learn(content);
      if (Object.keys(content).length === 0) {
        return this.b.fail('secret-add', 'missing secret value or filename', 2);
      }
      if (owner === 'application' && !this.b.isLeaderNow) {
        return this.b.fail('secret-add', 'permission denied');
      }
      const id = this.b.world.allocateSecretId();
      this.b.tx.secretAdds.push({ id, content: { ...content }, options: { ...options, owner } });
      return Ok(id);
    });
  }

  /**
   * `secret-get`: an observer gets the revision it tracks; `--peek` the latest once;
   * `--refresh` the latest, tracked from now on (secrets.ts). The owner side gets the latest.
   */
  secretGet(idOrLabel: string, options: SecretGetOptions = {}): R<SecretContent> {
    const args = idOrLabel.startsWith('secret:')
      ? [idOrLabel, ...(options.label ? ['--label', options.label] : [])]
      : ['--label', idOrLabel];
    if (options.peek) args.push('--peek');
    if (options.refresh) args.push('--refresh');
    return this.b.call('secret-get', args, () => {
      const { unit, world } = this.b;
      const found = this.find('secret-get', idOrLabel);
      if (found.isErr()) return found;
      const secret = found.value;
      if (!this.mayRead(secret)) return this.b.fail('secret-get', 'permission denied');
      if (options.label !== undefined && idOrLabel.startsWith('secret:')) {
        if (secret.ownerApp === unit.app.name) secret.label = options.label;
        else unit.secretLabels.set(options.label, secret.id);
      }
      const lifecycle = world.secrets.has(secret.id) ? SecretLifecycle.of(world) : undefined;
      const content =
        lifecycle === undefined ? { ...secret.content } : lifecycle.read(unit, secret, options);
      if (content === undefined) {
        const tracked = lifecycle?.trackedRevision(unit.name, secret.id);
        return this.b.fail('secret-get', `secret revision ${tracked} of "${secret.id}" not found`);
      }
      this.learn(content);
      return Ok(content);
    });
  }

  secretSet(
    id: string,
    content: SecretContent,
    options: Omit<SecretAddOptions, 'owner'> = {},
  ): R<void> {
    return this.b.call('secret-set', [id], () => {
      this.learn(content);
      const found = this.managed('secret-set', id);
      if (found.isErr()) return found;
      this.b.tx.secretOps.push({ op: 'set', id: found.value.id, content: { ...content }, options });
      return Ok(undefined);
    });
  }

  grant(
    tool: 'secret-grant' | 'secret-revoke',
    id: string,
    relationId: string,
    options: SecretGrantOptions,
  ): R<void> {
    const args = [id, '-r', relationId, ...(options.unit ? ['--unit', options.unit] : [])];
    return this.b.call(tool, args, () => {
      const found = this.managed(tool, id);
      if (found.isErr()) return found;
      const relation = this.b.relation(tool, relationId);
      if (relation.isErr()) return relation;
      const op = tool === 'secret-grant' ? 'grant' : 'revoke';
      this.b.tx.secretOps.push({ op, id: found.value.id, relationId, options });
      return Ok(undefined);
    });
  }

  secretRemove(id: string, options: { readonly revision?: number } = {}): R<void> {
    const args = [
      id,
      ...(options.revision === undefined ? [] : ['--revision', String(options.revision)]),
    ];
    return this.b.call('secret-remove', args, () => {
      const found = this.managed('secret-remove', id);
      if (found.isErr()) return found;
      this.b.tx.secretOps.push({
        op: 'remove',
        id: found.value.id,
        ...(options.revision === undefined ? {} : { revision: options.revision }),
      });
      return Ok(undefined);
    });
  }

  /**
   * `secret-info-get`: metadata of a secret this unit may manage (its own, or its
   * application's on the leader), never its content; `rotates` and `expiry` from the model's
   * clock (RFC 3339 on its calendar).
   */
  secretInfoGet(idOrLabel: string): R<SecretInfo> {
    const args = idOrLabel.startsWith('secret:') ? [idOrLabel] : ['--label', idOrLabel];
    return this.b.call('secret-info-get', args, () =>
      this.managed('secret-info-get', idOrLabel).map((secret) => {
        const lifecycle = SecretLifecycle.of(this.b.world);
        const when = this.b.world.secrets.has(secret.id) ? lifecycle?.schedule(secret) : undefined;
        const expiry = when?.expiresAt === undefined ? secret.expire : rfc3339(when.expiresAt);
        return {
          id: secret.id,
          revision: secret.revision,
          label: secret.label ?? '',
          owner: secret.ownerUnit === undefined ? 'application' : 'unit',
          ...(secret.description === undefined ? {} : { description: secret.description }),
          ...(secret.rotate === undefined ? {} : { rotation: secret.rotate }),
          ...(expiry === undefined ? {} : { expiry }),
          ...(when?.rotatesAt === undefined ? {} : { rotates: rfc3339(when.rotatesAt) }),
        };
      }),
    );
  }

  /** `secret-ids`: the committed secrets this unit may manage, by id. */
  secretIds(): R<string[]> {
    return this.b.call('secret-ids', [], () =>
      Ok(
        [...this.b.world.secrets.values()]
          .filter((secret) => this.mayManage(secret))
          .map((secret) => secret.id)
          .sort(),
      ),
    );
  }
}
