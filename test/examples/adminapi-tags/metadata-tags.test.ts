// Tags kept as AdminAPI keeps them in the cluster metadata (for the simulated InnoDB backend):
// cluster row and instance rows, instance rows removed with their instance, JSON snapshots.
import { describe, expect, it } from 'vitest';
import { MetadataTags } from '../../../examples/shared/adminapi-tags/index.js';
import { failure } from './helpers.js';

function cluster(): MetadataTags {
  const m = new MetadataTags();
  m.addInstance('10.0.0.1:3306');
  m.addInstance('10.0.0.2:3306');
  return m;
}

describe('tags in the cluster metadata', () => {
  it('shows cluster and instance tags in options(), every instance listed', () => {
    const m = cluster();
    m.setOption('tag:location', 'US East');
    m.setInstanceOption('10.0.0.2:3306', 'tag:_hidden', 'true');
    expect(m.options('cluster').defaultReplicaSet.tags).toEqual({
      '10.0.0.1:3306': [],
      '10.0.0.2:3306': [{ option: '_hidden', value: true }],
      global: [{ option: 'location', value: 'US East' }],
    });
  });

  it('refuses an instance not in the cluster (base_cluster_impl.cc set_instance_tag)', () => {
    expect(failure(() => cluster().setInstanceOption('10.0.0.9:3306', 'tag:a', 1))).toEqual({
      kind: 'RuntimeError',
      message: "The instance '10.0.0.9:3306' does not belong to the Cluster.",
    });
  });

  it('checks the option before the instance, as MySQL Shell does', () => {
    expect(failure(() => cluster().setInstanceOption('10.0.0.9:3306', 'ns:a', 1)).message).toBe(
      "Namespace 'ns' not supported.",
    );
  });

  it("drops an instance's tags when the instance leaves the cluster", () => {
    const m = cluster();
    m.setInstanceOption('10.0.0.1:3306', 'tag:zone', 'a');
    m.removeInstance('10.0.0.1:3306');
    m.addInstance('10.0.0.1:3306');
    expect(m.instanceTags('10.0.0.1:3306').size).toBe(0);
  });

  it('round-trips through a JSON snapshot, dropping entries that are not tags', () => {
    const m = cluster();
    m.setOption('tag:location', { region: 'eu', zone: null });
    m.setInstanceOption('10.0.0.1:3306', 'tag:_disconnect_existing_sessions_when_hidden', 0);
    const snap = JSON.parse(JSON.stringify(m.snapshot()));
    expect(snap).toEqual({
      global: { location: { region: 'eu' } },
      instances: {
        '10.0.0.1:3306': { _disconnect_existing_sessions_when_hidden: false },
        '10.0.0.2:3306': {},
      },
    });
    const problems: string[] = [];
    const restored = MetadataTags.fromSnapshot(
      { ...snap, global: { ...snap.global, 'bad name': 1 } },
      problems,
    );
    expect(restored.snapshot()).toEqual(snap);
    expect(problems).toEqual(['global: dropped an entry whose name is not a tag name']);
  });
});
