// The relation and network hook tools of one simulated unit in one hook
// (worker/uniter/runner/jujuc/relation-*.go, network-get.go, unit-get.go): reads from the
// model's committed bags plus this hook's own staged writes, as Juju shows a unit its own
// writes; relation-set staged in the hook's transaction.
import { Ok } from 'ts-results-es';
import type { NetworkInfo, RelationData } from '../../juju/hook-tools.js';
import { compareRelationIds } from '../../juju/ordering.js';
import { ownValue } from '../optional.js';
import { bindingAddress } from '../scope.js';
import { sortedMembers, type UnitRelationView, withMember } from '../world.js';
import type { R, ToolBase } from './base.js';

const copy = (bag: Readonly<RelationData> | undefined): RelationData => ({ ...(bag ?? {}) });

/** relation-ids, -list, -get, -set, network-get, unit-get. */
export class RelationTools {
  constructor(private readonly b: ToolBase) {}

  /** Remote units this unit sees in the relation right now (Juju's relation-list). */
  private members(relationId: string, view: UnitRelationView): string[] {
    const hook = this.b.hook;
    const sorted = sortedMembers(view);
    const remote = hook.relationId === relationId ? hook.remoteUnit : undefined;
    if (remote !== undefined) {
      if (hook.hook.endsWith('-relation-joined') && !view.members.has(remote)) {
        return withMember(sorted, remote);
      }
      if (hook.hook.endsWith('-relation-departed') && view.members.has(remote)) {
        return sorted.filter((u) => u !== remote);
      }
    }
    return [...sorted];
  }

  relationIds(endpoint: string): R<string[]> {
    return this.b.call('relation-ids', [endpoint], () => {
      const ids: string[] = [];
      for (const [id, view] of this.b.unit.relations) {
        const relation = this.b.world.relation(id);
        if (relation === undefined) continue;
        if (relation.sideOf(this.b.unit.app.name)?.endpoint !== endpoint) continue;
        if (view.created || this.b.hook.relationId === id) ids.push(id);
      }
      return Ok(ids.sort(compareRelationIds));
    });
  }

  relationList(relationId: string): R<string[]> {
    return this.b.call('relation-list', ['-r', relationId], () =>
      this.b
        .relation('relation-list', relationId)
        .map(({ view }) => this.members(relationId, view)),
    );
  }

  relationListApp(relationId: string): R<string> {
    return this.b.call('relation-list', ['-r', relationId, '--app'], () =>
      this.b
        .relation('relation-list', relationId)
        .map(({ relation }) => relation.remoteAppOf(this.b.unit.app.name) ?? ''),
    );
  }

  private readBag(
    tool: string,
    relationId: string,
    entity: string,
    app: boolean,
  ): R<Readonly<RelationData>> {
    const found = this.b.relation(tool, relationId);
    if (found.isErr()) return found;
    const { relation, view } = found.value;
    const own = this.b.unit.app.name;
    if (app) {
      const name = entity.includes('/') ? (entity.split('/')[0] ?? entity) : entity;
      const remote = relation.remoteAppOf(own);
      if (name === own) {
        if (!relation.peer && !this.b.isLeaderNow) return this.b.fail(tool, 'permission denied');
        return Ok(this.b.tx.overlay(relationId, true, relation.appBags.get(own) ?? {}));
      }
      if (name !== remote) return this.b.fail(tool, `application "${name}" not found`);
      return Ok(relation.appBags.get(name) ?? {});
    }
    if (entity === this.b.unit.name) {
      return Ok(this.b.tx.overlay(relationId, false, relation.unitBags.get(entity) ?? {}));
    }
    const other = this.b.world.units.get(entity);
    const inScope = other?.life === 'alive' && other.relations.has(relationId);
    const known =
      view.members.has(entity) ||
      (this.b.hook.relationId === relationId && this.b.hook.remoteUnit === entity);
    // A unit that left keeps its settings readable for the relation's lifetime (Juju removes
    // them only with the relation), so later hooks can still read a departed unit's data.
    const departed = relation.unitBags.has(entity);
    if (!inScope && !known && !departed) {
      return this.b.fail(
        tool,
        `cannot read settings for unit "${entity}" in relation "${relationId}": unit "${entity}": settings not found`,
      );
    }
    return Ok(relation.unitBags.get(entity) ?? {});
  }

  relationGet(
    relationId: string,
    entity: string,
    options: { readonly app?: boolean } = {},
  ): R<RelationData> {
    const app = options.app === true;
    const args = ['-r', relationId, ...(app ? ['--app'] : []), '-', entity];
    return this.b.call('relation-get', args, () =>
      this.readBag('relation-get', relationId, entity, app).map(copy),
    );
  }

  relationGetKey(
    relationId: string,
    entity: string,
    key: string,
    options: { readonly app?: boolean } = {},
  ): R<string | undefined> {
    const app = options.app === true;
    const args = ['-r', relationId, ...(app ? ['--app'] : []), key, entity];
    return this.b.call('relation-get', args, () =>
      this.readBag('relation-get', relationId, entity, app).map((bag) => ownValue(bag, key)),
    );
  }

  relationSet(
    relationId: string,
    data: RelationData,
    options: { readonly app?: boolean } = {},
  ): R<void> {
    const app = options.app === true;
    const args = ['-r', relationId, ...(app ? ['--app'] : []), ...Object.keys(data).sort()];
    return this.b.call('relation-set', args, () => {
      const found = this.b.relation('relation-set', relationId);
      if (found.isErr()) return found;
      if (app && !this.b.isLeaderNow) return this.b.fail('relation-set', 'permission denied');
      const bad = Object.keys(data).find((k) => k === '' || k.includes('='));
      if (bad !== undefined) {
        return this.b.fail('relation-set', `expected "key=value", got "${bad}"`, 2);
      }
      this.b.tx.stageBag(relationId, app, data);
      return Ok(undefined);
    });
  }

  private address(tool: string, binding: string, relationId: string | undefined): R<string> {
    if (relationId !== undefined) {
      const found = this.b.relation(tool, relationId);
      if (found.isErr()) return found;
    }
    if (binding !== 'juju-info' && this.b.unit.app.endpoint(binding) === undefined) {
      return this.b.fail(tool, `no network config found for binding "${binding}"`);
    }
    return Ok(bindingAddress(this.b.unit, binding));
  }

  networkGet(binding: string, options: { readonly relationId?: string } = {}): R<NetworkInfo> {
    const args = [binding, ...(options.relationId ? ['-r', options.relationId] : [])];
    return this.b.call('network-get', args, () =>
      this.address('network-get', binding, options.relationId).map(networkInfo),
    );
  }

  networkGetIngressAddress(
    binding: string,
    options: { readonly relationId?: string } = {},
  ): R<string> {
    const args = [
      binding,
      '--ingress-address',
      ...(options.relationId ? ['-r', options.relationId] : []),
    ];
    return this.b.call('network-get', args, () =>
      this.address('network-get', binding, options.relationId),
    );
  }

  unitGet(key: 'private-address' | 'public-address'): R<string> {
    return this.b.call('unit-get', [key], () => Ok(this.b.unit.address));
  }
}

function networkInfo(address: string): NetworkInfo {
  const prefix = address.includes('.') ? address.split('.').slice(0, 3).join('.') : address;
  return {
    bindAddresses: [
      {
        interfaceName: 'eth0',
        macAddress: '00:16:3e:00:00:01',
        addresses: [{ value: address, cidr: `${prefix}.0/24` }],
      },
    ],
    ingressAddresses: [address],
    egressSubnets: [`${address}/32`],
  };
}
