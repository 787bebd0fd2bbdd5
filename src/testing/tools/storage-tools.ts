// The storage, resource, port-range and metric hook tools of one simulated unit in one hook:
// storage-get/-list answered from the model's storage (storage.ts), storage-add staged with the
// hook, resource-get from the files a test gave the model, open-port/close-port ranges staged
// with the hook's other port changes (worker/uniter/runner/jujuc/{storage-*,resource-get,
// open-port,close-port,add-metric}.go).
import { Err, Ok } from 'ts-results-es';
import { HookToolError } from '../../juju/hook-tool-error.js';
import type { PortRange, StorageInfo } from '../../juju/hook-tools.js';
import { StorageModel } from '../storage.js';
import type { R, ToolBase } from './base.js';

/** storage-get, -list, -add, resource-get, port ranges, add-metric. */
export class StorageTools {
  constructor(private readonly b: ToolBase) {}

  private get model(): StorageModel | undefined {
    return StorageModel.of(this.b.world);
  }

  /** `storage-get [-s <id>]`: kind and location; without `-s`, the hook's own storage. */
  storageGet(storageId?: string): R<StorageInfo> {
    const args = storageId === undefined ? [] : ['-s', storageId];
    return this.b.call('storage-get', args, () => {
      const id = storageId ?? this.b.hook.storageId;
      if (id === undefined) return this.b.fail('storage-get', 'no storage instance specified', 2);
      const instance = this.model?.instances(this.b.unit).find((i) => i.id === id);
      if (instance === undefined) {
        return this.b.fail(
          'storage-get',
          `invalid value "${id}" for option -s: storage instance "${id}" not found`,
          2,
        );
      }
      return Ok({ kind: instance.kind, location: instance.location });
    });
  }

  /** `storage-list [<name>]`: ids of the unit's attached storage (and the hook's own). */
  storageList(storageName?: string): R<string[]> {
    return this.b.call('storage-list', storageName === undefined ? [] : [storageName], () => {
      const ids = (this.model?.instances(this.b.unit) ?? [])
        .filter((i) => i.attached || i.id === this.b.hook.storageId)
        .filter((i) => storageName === undefined || i.name === storageName)
        .map((i) => i.id);
      return Ok(ids);
    });
  }

  /** `storage-add <name>=<count>`: more instances, attached after the hook commits. */
  storageAdd(counts: Readonly<Record<string, number>>): R<void> {
    const args = Object.entries(counts).map(([k, v]) => `${k}=${v}`);
    return this.b.call('storage-add', args, () => {
      const model = this.model;
      const stores = this.b.unit.app.metadata.storage ?? [];
      for (const [name, count] of Object.entries(counts)) {
        const store = stores.find((s) => s.name === name);
        if (store === undefined) {
          return this.b.fail(
            'storage-add',
            `adding storage to unit ${this.b.unit.name}: charm storage "${name}" not found`,
          );
        }
        if (!Number.isInteger(count) || count < 1) {
          return this.b.fail(
            'storage-add',
            `storage "${name}": count must be a positive integer`,
            2,
          );
        }
      }
      if (model === undefined) return this.b.fail('storage-add', 'the model has no storage');
      for (const [name, count] of Object.entries(counts)) model.stageAdd(this.b.tx, name, count);
      return Ok(undefined);
    });
  }

  /** `resource-get <name>`: the file the test gave the model for this resource. */
  resourceGet(name: string): R<string> {
    return this.b.call('resource-get', [name], () => {
      const app = this.b.unit.app;
      if (!(app.metadata.resources ?? []).some((r) => r.name === name)) {
        return this.b.fail('resource-get', `resource "${name}" not found`);
      }
      const file = this.model?.resource(app.name, name);
      if (file === undefined) {
        return this.b.fail(
          'resource-get',
          `could not download resource: resource "${name}" of ${app.name} was not given to the model (deploy({ resources: { '${name}': path } }))`,
        );
      }
      return Ok(file);
    });
  }

  /** `open-port`/`close-port <from>-<to>/<protocol>`: staged with the hook's port changes. */
  portRange(
    tool: 'open-port' | 'close-port',
    range: PortRange,
    options: { readonly endpoints?: readonly string[] } = {},
  ): R<void> {
    const spec =
      range.protocol === 'icmp'
        ? 'icmp'
        : range.from === range.to
          ? `${range.from}/${range.protocol}`
          : `${range.from}-${range.to}/${range.protocol}`;
    const args = [spec, ...(options.endpoints ? ['--endpoints', options.endpoints.join(',')] : [])];
    return this.b.call(tool, args, () => {
      const valid = (p: number) => Number.isInteger(p) && p >= 1 && p <= 65535;
      if (
        range.protocol !== 'icmp' &&
        (!valid(range.from) || !valid(range.to) || range.to < range.from)
      ) {
        return this.b.fail(tool, `invalid port or range "${spec}"`, 2);
      }
      for (const endpoint of options.endpoints ?? []) {
        if (this.b.unit.app.endpoint(endpoint) === undefined) {
          return this.b.fail(tool, `endpoint "${endpoint}" not found`);
        }
      }
      // Per-endpoint openings are kept as whole-unit ones (not modelled separately).
      this.b.tx.ports.push({ open: tool === 'open-port', spec });
      return Ok(undefined);
    });
  }

  /** `add-metric`: Juju allows it only in collect-metrics (jujuc/add-metric.go). */
  addMetric(metrics: Readonly<Record<string, string>>): R<void> {
    return this.b.call('add-metric', Object.keys(metrics).sort(), () => {
      if (this.b.hook.hook !== 'collect-metrics') {
        return this.b.fail('add-metric', 'metrics not allowed in this context');
      }
      return Err(
        new HookToolError(
          'failed',
          'add-metric',
          'add-metric is not implemented by the simulator yet (metrics are not recorded)',
        ),
      );
    });
  }
}
