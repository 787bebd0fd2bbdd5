// manifest.yaml, the file charmcraft writes into every .charm and Juju reads the charm's bases
// from. The fields and their shape follow charmcraft's own model (charmcraft/models/manifest.py
// Manifest, written by charmcraft/services/package.py PackageService.write_metadata).
import { stringify } from 'yaml';
import type { Platform } from './charm-project.js';

/** The manifest.yaml of a charm packed for `platform`, at `startedAt`, by this library. */
export function manifestYaml(platform: Platform, startedAt: Date, packer: string): string {
  return stringify({
    // charmcraft writes its own version here; this charm was not packed by charmcraft.
    'charmcraft-version': packer,
    'charmcraft-started-at': startedAt.toISOString().replace(/\.\d{3}Z$/, '+00:00'),
    bases: [
      { name: platform.base, channel: platform.channel, architectures: [platform.architecture] },
    ],
    analysis: {
      attributes: [
        { name: 'language', result: 'javascript' },
        { name: 'framework', result: 'juju-reactive' },
      ],
    },
  });
}
