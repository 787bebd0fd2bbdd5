// Seeding a secret into the model as if its owner had created it (for tests of charms that
// consume secrets): its content is added to the redactor first, so it never reaches a trace.
import type { SecretSeed } from './model-options.js';
import type { ModelParts } from './model-parts.js';

/** Store a secret as if its owner had created it (see Model.seedSecret); returns its id. */
export function seedSecret(parts: ModelParts, seed: SecretSeed): string {
  const { world, redactor } = parts;
  const ownerUnit = seed.owner.includes('/') ? world.unit(seed.owner) : undefined;
  const ownerApp = ownerUnit?.app.name ?? world.app(seed.owner).name;
  for (const value of Object.values(seed.content)) redactor.add(value);
  const id = world.allocateSecretId();
  const grants = new Map<string, Set<string>>();
  for (const relationId of seed.grantedOn ?? []) grants.set(relationId, new Set(['*']));
  world.secrets.set(id, {
    id,
    ownerApp,
    ...(ownerUnit ? { ownerUnit: ownerUnit.name } : {}),
    ...(seed.label === undefined ? {} : { label: seed.label }),
    ...(seed.description === undefined ? {} : { description: seed.description }),
    revision: 1,
    content: { ...seed.content },
    grants,
  });
  parts.recorder.model('seed-secret', `${id} owned by ${seed.owner}`);
  return id;
}
