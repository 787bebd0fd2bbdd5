// Tags where AdminAPI keeps them: `attributes.tags` of the cluster's row and of each instance's
// row in mysql_innodb_cluster_metadata. For the simulated InnoDB backend, which holds one of
// these per cluster; the rules are the same as everywhere (applyTagOption).
import type { JsonValue } from 'juju-reactive';
import { TagError } from './errors.js';
import { type OptionsDocument, optionsDocument } from './options.js';
import { decodeScope } from './store.js';
import { applyTagOption, sortedTagNames, type TagChange, type TagMap } from './tag-set.js';

/** The tags of a cluster as plain JSON (for a simulated cluster's state file). */
export interface MetadataTagsSnapshot {
  readonly global: Readonly<Record<string, JsonValue>>;
  /** By instance label (`<host>:<port>`); one entry per instance in the metadata. */
  readonly instances: Readonly<Record<string, Readonly<Record<string, JsonValue>>>>;
}

function plain(tags: TagMap): Record<string, JsonValue> {
  return Object.fromEntries(sortedTagNames(tags).map((n) => [n, tags.get(n) ?? null]));
}

/** A cluster's tags in its metadata: the cluster row and one row per instance. */
export class MetadataTags {
  private global: TagMap = new Map();
  private readonly instances = new Map<string, TagMap>();

  /** Restore from a snapshot; entries that are not tags are dropped into `problems`. */
  static fromSnapshot(snapshot: MetadataTagsSnapshot, problems: string[] = []): MetadataTags {
    const restored = new MetadataTags();
    restored.global = decodeScope('global', JSON.stringify(snapshot.global ?? {}), problems);
    for (const [label, tags] of Object.entries(snapshot.instances ?? {})) {
      restored.instances.set(label, decodeScope(label, JSON.stringify(tags), problems));
    }
    return restored;
  }

  /** Everything held, as plain JSON (names sorted). */
  snapshot(): MetadataTagsSnapshot {
    const instances: Record<string, Record<string, JsonValue>> = {};
    for (const [label, tags] of this.instances) instances[label] = plain(tags);
    return { global: plain(this.global), instances };
  }

  /** An instance row is created when the instance joins the cluster (no tags yet). */
  addInstance(label: string): void {
    if (!this.instances.has(label)) this.instances.set(label, new Map());
  }

  /** Removing the instance from the cluster deletes its row, and its tags with it. */
  removeInstance(label: string): void {
    this.instances.delete(label);
  }

  /** `cluster.setOption('tag:<name>', value)`. */
  setOption(option: string, value: JsonValue): TagChange {
    const change = applyTagOption(this.global, option, value);
    this.global = change.tags;
    return change;
  }

  /**
   * `cluster.setInstanceOption('<label>', 'tag:<name>', value)`: the instance must be in the
   * metadata, else `The instance '<label>' does not belong to the Cluster.`
   * (Base_cluster_impl::set_instance_tag, modules/adminapi/common/base_cluster_impl.cc).
   */
  setInstanceOption(label: string, option: string, value: JsonValue): TagChange {
    const current = this.instances.get(label);
    // The option is checked first: MySQL Shell validates it before it connects to the instance.
    const change = applyTagOption(current ?? new Map(), option, value);
    if (current === undefined) {
      throw new TagError('RuntimeError', `The instance '${label}' does not belong to the Cluster.`);
    }
    this.instances.set(label, change.tags);
    return change;
  }

  /** The tags of one instance (empty for an unknown one). */
  instanceTags(label: string): TagMap {
    return this.instances.get(label) ?? new Map();
  }

  /** The cluster-level tags (`global`). */
  globalTags(): TagMap {
    return this.global;
  }

  /** `cluster.options()`'s tags (options.ts). */
  options(clusterName: string): OptionsDocument {
    return optionsDocument(
      clusterName,
      this.global,
      [...this.instances].map(([label, tags]) => ({ label, tags })),
    );
  }
}
