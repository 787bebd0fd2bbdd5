// Rendering tags the way MySQL Shell shows them: `cluster.options()` (tags per instance label
// and `global`, each a list of {option, value} sorted by name) and the `hiddenFromRouter` mark
// of `cluster.status()` / `cluster.describe()`.
import type { JsonValue } from 'juju-reactive';
import { compareCodePoints } from './json-value.js';
import { HIDDEN_TAG } from './option.js';
import { sortedTagNames, type TagMap } from './tag-set.js';

/** One entry of a tag list: the bare tag name (no `tag:` prefix, no trailing colon). */
export interface TagEntry {
  readonly option: string;
  readonly value: JsonValue;
}

/** An instance's tags with its label. */
export interface InstanceTags {
  /** `<host>:<port>` (see {@link instanceLabel}). */
  readonly label: string;
  readonly tags: TagMap;
}

/**
 * The `options` document: the cluster's name and, under `defaultReplicaSet.tags`, one list per
 * instance label plus `global`, keys in std::map order. This is where MySQL Shell's
 * Options::execute (modules/adminapi/cluster/options.cc) puts them; the other option lists of
 * the real document (Group Replication settings) are not modelled.
 */
export interface OptionsDocument {
  readonly clusterName: string;
  readonly defaultReplicaSet: {
    readonly tags: Readonly<Record<string, readonly TagEntry[]>>;
  };
}

/** `<host>:<port>`, with an IPv6 address in brackets (`[::1]:3306`). */
export function instanceLabel(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * A scope's tags as MySQL Shell lists them (Base_cluster_impl::get_cluster_tags,
 * modules/adminapi/common/base_cluster_impl.cc: one {option, value} per tag, in the order of
 * its std::map, i.e. sorted bytewise by name). The option is the bare name: the seed page's
 * `"location:"` is not what the code emits.
 */
export function tagEntries(tags: TagMap): TagEntry[] {
  return sortedTagNames(tags).map((option) => ({ option, value: tags.get(option) ?? null }));
}

/**
 * The `options` result: `global` and one list per instance (an instance without tags gets `[]`).
 * Throws when two instances share a label, or an instance is labelled `global`.
 * @example optionsDocument('cluster', new Map(), [{ label: 'db1:3306', tags: new Map() }])
 */
export function optionsDocument(
  clusterName: string,
  global: TagMap,
  instances: readonly InstanceTags[],
): OptionsDocument {
  const lists = new Map<string, TagEntry[]>([['global', tagEntries(global)]]);
  for (const instance of instances) {
    if (lists.has(instance.label)) {
      throw new Error(`optionsDocument(): label ${JSON.stringify(instance.label)} given twice`);
    }
    lists.set(instance.label, tagEntries(instance.tags));
  }
  const keys = [...lists.keys()].sort(compareCodePoints);
  return {
    clusterName,
    defaultReplicaSet: { tags: Object.fromEntries(keys.map((k) => [k, lists.get(k) ?? []])) },
  };
}

/**
 * The status mark of an instance: `{ hiddenFromRouter: true }` only when `_hidden` is true,
 * otherwise nothing (Status::feed_metadata_info, modules/adminapi/cluster/status.cc, sets the key
 * only when hidden_from_router, which the metadata query reads as `tags._hidden`).
 */
export function hiddenFromRouterMark(tags: TagMap | undefined): { hiddenFromRouter?: true } {
  return tags?.get(HIDDEN_TAG) === true ? { hiddenFromRouter: true } : {};
}
