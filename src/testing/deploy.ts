// Deploying, scaling, configuring and upgrading applications: what each unit is owed when it
// appears (install, relation-created per relation, leadership, config-changed, start, then the
// joins), when config changes and when the charm is upgraded. The hooks are only queued here;
// resolver.ts decides the order they run in.
import { join } from 'node:path';
import { configDefaults } from '../juju/metadata.js';
import { FileStateStore } from '../state/file-store.js';
import { MemoryStateStore } from '../state/memory-store.js';
import { loadCharm } from './charm-source.js';
import { APP_NAME_RE, checkConfig, checkUnitCount, defaultAddress } from './deploy-rules.js';
import { enqueue, enqueueJoin, relationHook } from './hook-queue.js';
import type { DeployOptions, UpgradeCharmOptions } from './model-options.js';
import type { ModelParts } from './model-parts.js';
import { sortedEntries } from './optional.js';
import { enterScope } from './scope.js';
import { StorageModel } from './storage.js';
import { AppRecord, UnitRecord, UnitStore } from './world.js';

/** Deploy an application (see Model.deploy). */
export async function deployApp(
  parts: ModelParts,
  name: string,
  options: DeployOptions,
): Promise<string[]> {
  const { world, recorder } = parts;
  if (!APP_NAME_RE.test(name)) {
    throw new Error(
      `cannot deploy "${name}": application names are lowercase letters, digits and hyphens, starting with a letter`,
    );
  }
  if (world.apps.has(name)) throw new Error(`application "${name}" is already deployed`);
  const processes = options.processes === true;
  const bounded = recorder.limit !== undefined;
  const count = checkUnitCount(name, options.units ?? 1, world.units.size, bounded);
  const { charm, charmDir, metadata, configOptions } = await loadCharm(
    `deploying ${name}`,
    options,
    processes,
  );
  const config = { ...configDefaults(configOptions), ...(options.config ?? {}) };
  checkConfig(name, configOptions, options.config ?? {});
  const storage = StorageModel.of(world);
  const storageCounts = StorageModel.initialCounts(metadata.storage ?? [], options.storage);
  if (processes && charmDir !== undefined) {
    const host = await parts.hosts.start();
    await host.prepareApp(name, charmDir);
  }
  const app = new AppRecord(
    name,
    world.apps.size,
    charm,
    metadata,
    configOptions,
    config,
    processes ? 'process' : 'in-process',
    charmDir,
  );
  world.apps.set(name, app);
  storage?.setInitialCounts(name, storageCounts);
  if (options.resources !== undefined) storage?.setResources(name, options.resources);
  for (const endpoint of metadata.endpoints) {
    if (endpoint.role === 'peers') world.addRelation([{ app: name, endpoint: endpoint.name }]);
  }
  recorder.model(
    'deploy',
    `${name} (${metadata.name}) with ${count} unit${count === 1 ? '' : 's'}${processes ? ' as processes' : ''}`,
  );
  const units: string[] = [];
  for (let i = 0; i < count; i++) units.push(addUnitTo(parts, app));
  return units;
}

/**
 * Add one unit to `app` and queue what Juju owes a new unit: install, relation-created for each
 * relation it enters, leader-elected or leader-settings-changed, config-changed, start, then a
 * joined (and changed) per remote unit in scope, both ways. Returns its name.
 */
export function addUnitTo(parts: ModelParts, app: AppRecord): string {
  const { world, recorder, leadership } = parts;
  const number = app.nextUnit++;
  const name = `${app.name}/${number}`;
  let charmDir: string;
  let store: UnitStore;
  if (app.mode === 'process') {
    charmDir = parts.hosts.get().createUnitDir(app.name, name);
    store = new UnitStore(FileStateStore.forCharmDir(charmDir));
  } else {
    charmDir = app.charmDir ?? join(parts.placeholderDir, app.name);
    store = new UnitStore(
      new MemoryStateStore(undefined, `memory:${name}`, parts.strings),
      app.charm?.options.stateStore === 'juju',
    );
  }
  const unit = new UnitRecord(
    name,
    number,
    app,
    store,
    charmDir,
    defaultAddress(app.index, number),
  );
  app.units.push(unit);
  world.units.set(name, unit);
  parts.unitOrder.push(unit);

  const relations = world.relationsOf(app.name);
  enqueue(unit, { hook: 'install' });
  // worker/uniter/storage/resolver.go: initial storage is attached before install runs.
  StorageModel.of(world)?.attachInitial(unit);
  for (const relation of relations) {
    enterScope(unit, relation, recorder);
    enqueue(unit, relationHook(unit, relation, 'created'));
  }
  if (leadership.claimIfFree(unit)) enqueue(unit, { hook: 'leader-elected' });
  else enqueue(unit, { hook: 'leader-settings-changed' });
  enqueue(unit, { hook: 'config-changed' });
  enqueue(unit, { hook: 'start' });
  for (const relation of relations) {
    const remoteApp = relation.remoteAppOf(app.name);
    if (remoteApp === undefined) continue;
    for (const other of world.unitsInScope(relation, remoteApp)) {
      if (other === unit) continue;
      enqueueJoin(unit, relation, other);
      enqueueJoin(other, relation, unit);
    }
  }
  return name;
}

/** Change an application's config (see Model.setConfig). */
export function changeConfig(
  parts: ModelParts,
  appName: string,
  values: Readonly<Record<string, unknown>>,
): void {
  const app = parts.world.app(appName);
  checkConfig(appName, app.configOptions, values);
  const defaults = configDefaults(app.configOptions);
  const next = { ...app.config };
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined) {
      if (key in defaults) next[key] = defaults[key];
      else delete next[key];
    } else {
      next[key] = value;
    }
  }
  if (JSON.stringify(sortedEntries(next)) === JSON.stringify(sortedEntries(app.config))) return;
  app.config = next;
  parts.recorder.model('config', `${appName}: ${Object.keys(values).sort().join(', ')}`);
  for (const unit of app.aliveUnits) enqueue(unit, { hook: 'config-changed' });
}

/** Upgrade an application's charm (see Model.upgradeCharm). */
export async function upgradeApp(
  parts: ModelParts,
  appName: string,
  options: UpgradeCharmOptions,
): Promise<void> {
  const app = parts.world.app(appName);
  const processes = app.mode === 'process';
  const next = await loadCharm(`upgrading ${appName}`, options, processes);
  const endpoints = (m: typeof next.metadata) =>
    m.endpoints
      .map((e) => `${e.name}:${e.role}:${e.interface}`)
      .sort()
      .join(',');
  if (endpoints(next.metadata) !== endpoints(app.metadata)) {
    throw new Error(
      `upgradeCharm(${appName}): the new charm's endpoints differ from the deployed one's; ` +
        'adding or removing endpoints on upgrade is not modelled',
    );
  }
  checkConfig(appName, next.configOptions, options.config ?? {});
  const config: Record<string, unknown> = { ...configDefaults(next.configOptions) };
  for (const [key, value] of Object.entries(app.config)) {
    if (key in next.configOptions) config[key] = value;
  }
  Object.assign(config, options.config ?? {});
  if (processes && next.charmDir !== undefined) {
    // Units run as processes: bundle the new charm and point every unit's dir at it; each
    // unit's state file stays (the uniter keeps its data dir across an upgrade).
    const host = parts.hosts.get();
    await host.prepareApp(appName, next.charmDir);
    for (const unit of app.units) {
      if (unit.life !== 'removed') host.refreshUnitDir(appName, unit.name, unit.charmDir);
    }
  }
  app.charm = next.charm;
  app.metadata = next.metadata;
  app.configOptions = next.configOptions;
  app.config = config;
  if (next.charmDir !== undefined) app.charmDir = next.charmDir;
  parts.recorder.model('upgrade-charm', `${appName} to ${next.metadata.name}`);
  for (const unit of app.aliveUnits) enqueue(unit, { hook: 'upgrade-charm' });
}
