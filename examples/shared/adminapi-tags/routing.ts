// What MySQL Router does with instance tags, as a function: which members take new
// connections and whose existing connections are dropped. Only instance tags route;
// cluster-level (`global`) built-ins are stored but never looked at here.
import type { JsonValue } from 'juju-reactive';
import { DISCONNECT_TAG, HIDDEN_TAG } from './option.js';
import type { TagMap } from './tag-set.js';

/** A member as routing sees it: its label (`<host>:<port>`) and its instance tags. */
export interface TaggedMember {
  readonly label: string;
  readonly tags?: TagMap | undefined;
}

/** Router's decision for one member. */
export interface MemberRouting<M extends TaggedMember> {
  readonly member: M;
  /** `_hidden` as Router reads it (default false). */
  readonly hidden: boolean;
  /** `_disconnect_existing_sessions_when_hidden` as Router reads it (default true). */
  readonly disconnectWhenHidden: boolean;
  /** A destination for new connections: not hidden. */
  readonly acceptsNewConnections: boolean;
  /** Existing connections are closed: hidden and disconnect-when-hidden. */
  readonly dropExistingConnections: boolean;
}

/** Router's view of a cluster: decisions per member, and the lists clients need. */
export interface RoutingView<M extends TaggedMember> {
  /** Per member, in the order given. */
  readonly members: readonly MemberRouting<M>[];
  /** Members that receive new connections. */
  readonly candidates: readonly M[];
  /** Members whose existing connections must be closed. */
  readonly drop: readonly M[];
  /** Router's log lines for tags it ignored (malformed values), for the caller to log. */
  readonly warnings: readonly string[];
}

/**
 * Read a built-in tag as Router does: absent means the default; a JSON boolean is obeyed; any
 * other value is ignored with a warning and the default used. Router's get_bool_tag
 * (mysql/mysql-server router/src/router/src/cluster_metadata_instance_attributes.cc: "tags.<name>
 * not a boolean" unless the value IsBool()) and its caller in
 * router/src/metadata_cache/src/cluster_metadata.cc ("Error parsing _hidden from attributes
 * JSON string: ..."; kNodeTagHiddenDefault false, kNodeTagDisconnectWhenHiddenDefault true).
 */
function readBool(
  member: TaggedMember,
  name: string,
  fallback: boolean,
  warnings: string[],
): boolean {
  const tags = member.tags;
  if (tags === undefined || !tags.has(name)) return fallback;
  const value: JsonValue | undefined = tags.get(name);
  if (typeof value === 'boolean') return value;
  warnings.push(
    `${member.label}: Error parsing ${name} from attributes JSON string: tags.${name} not a boolean`,
  );
  return fallback;
}

/**
 * Route as MySQL Router's metadata-cache destinations do
 * (router/src/routing/src/dest_metadata_cache.cc: for new connections a hidden instance is
 * skipped; for existing ones it is skipped only when disconnect_existing_sessions_when_hidden).
 * @example routeMembers([{ label: 'db1:3306', tags: new Map([['_hidden', true]]) }]).candidates // []
 */
export function routeMembers<M extends TaggedMember>(members: readonly M[]): RoutingView<M> {
  const warnings: string[] = [];
  const routed = members.map((member): MemberRouting<M> => {
    const hidden = readBool(member, HIDDEN_TAG, false, warnings);
    const disconnectWhenHidden = readBool(member, DISCONNECT_TAG, true, warnings);
    return {
      member,
      hidden,
      disconnectWhenHidden,
      acceptsNewConnections: !hidden,
      dropExistingConnections: hidden && disconnectWhenHidden,
    };
  });
  return {
    members: routed,
    candidates: routed.filter((r) => r.acceptsNewConnections).map((r) => r.member),
    drop: routed.filter((r) => r.dropExistingConnections).map((r) => r.member),
    warnings,
  };
}
