// The cluster view: who the members of a MySQL cluster are and what each may serve, in MySQL
// Fabric's words (roles PRIMARY, SECONDARY, SPARE, FAULTY). Plain types shared by the
// cluster-view relation interface, the ZooKeeper ServerSet mirror and the application client.

/**
 * A member's role, as MySQL Fabric names server statuses: the `PRIMARY` takes writes,
 * `SECONDARY` members serve reads, a `SPARE` is in the group but serves nothing, a `FAULTY`
 * member has failed.
 */
export type MemberRole = 'PRIMARY' | 'SECONDARY' | 'SPARE' | 'FAULTY';

/** Every role, in Fabric's order. */
export const MEMBER_ROLES: readonly MemberRole[] = ['PRIMARY', 'SECONDARY', 'SPARE', 'FAULTY'];

/** Whether the member accepts writes (`read_write`) or only reads (`read_only`). */
export type MemberMode = 'read_write' | 'read_only';

/** One member of the cluster as clients see it. */
export interface ClusterMember {
  /** A stable name for the member: the unit name (`mysql/0`). */
  readonly name: string;
  /** Where clients connect: an IPv4/IPv6 address (no brackets) or a DNS hostname. */
  readonly address: string;
  /** The MySQL port. */
  readonly port: number;
  /** Its role in the cluster. */
  readonly role: MemberRole;
  /** Whether it takes writes. */
  readonly mode: MemberMode;
  /** Its share of read-only work relative to the other secondaries (Fabric: weight, default 1). */
  readonly weight: number;
  /** Hidden from clients: never sent any work (a tag on the member). */
  readonly hidden: boolean;
  /** Clients should drop connections to it and open no new ones (a tag on the member). */
  readonly disconnect: boolean;
}

/** The whole view, as the leader of the database application publishes it. */
export interface ClusterView {
  /** Changes with every change of the members (topology, roles, weights, tags). */
  readonly generation: number;
  /** The members, in name order. */
  readonly members: readonly ClusterMember[];
}

/** True when clients may send work to the member at all (not hidden, not being disconnected). */
export function isServing(member: ClusterMember): boolean {
  return (
    !member.hidden &&
    !member.disconnect &&
    (member.role === 'PRIMARY' || member.role === 'SECONDARY')
  );
}

/** The serving primary of a view, if any. */
export function primaryOf(view: {
  readonly members: readonly ClusterMember[];
}): ClusterMember | undefined {
  return view.members.find((m) => m.role === 'PRIMARY' && isServing(m));
}
