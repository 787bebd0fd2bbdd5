// Builders for the simulator tests: fixture charm dirs and a unit's hook labels.
import { fileURLToPath } from 'node:url';
import { Model, type ModelOptions } from '../../src/testing/index.js';

/** The path of a fixture charm dir under test/fixtures/charms. */
export function fixtureCharm(name: 'peer-echo' | 'probe'): string {
  return fileURLToPath(new URL(`../fixtures/charms/${name}`, import.meta.url));
}

/** A model with `units` units of the probe charm deployed as `probe`, not yet settled. */
export async function probeModel(units: number, options: ModelOptions = {}): Promise<Model> {
  const model = new Model(options);
  await model.deploy('probe', { charmDir: fixtureCharm('probe'), units });
  return model;
}

/** Labels of the hooks a unit ran successfully (after `afterSeq`, if given). */
export function hooksRun(model: Model, unit: string, afterSeq = 0): string[] {
  return model
    .timeline(unit)
    .filter((e) => e.ok && e.seq > afterSeq)
    .map((e) => e.label);
}

/** The seq of the last trace event: hooks after it are "new". */
export function now(model: Model): number {
  return model.trace.at(-1)?.seq ?? 0;
}

/**
 * The keys Juju writes into a unit's own bag when it enters a relation's scope, for a unit whose
 * address on that endpoint is `address` (an IPv4 address: egress-subnets is it as a /32).
 */
export function scopeAddresses(address: string): Record<string, string> {
  return {
    'egress-subnets': `${address}/32`,
    'ingress-address': address,
    'private-address': address,
  };
}
