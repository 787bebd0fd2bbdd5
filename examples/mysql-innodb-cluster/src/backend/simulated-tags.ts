// AdminAPI tags in the simulated InnoDB cluster: the metadata's cluster row and one row per
// member (MetadataTags, with MySQL Shell's rules), reached as MySQL Shell reaches them: a session
// on this unit's instance, logged in to a member of the cluster (`via`).
import type { JsonValue } from 'juju-reactive';
import { instanceLabel, type OptionsDocument } from '../../../shared/adminapi-tags/index.js';
import type { ClusterRecord, SimulatedInnoDBCluster } from './simulated.js';
import type { ClusterCredentials, ClusterTagOperations } from './types.js';

/** The port of every simulated instance, in its metadata label (`<address>:3306`). */
export const SIMULATED_PORT = 3306;

/**
 * Tags in the simulated cluster's metadata, with MySQL Shell's rules (MetadataTags): the session
 * starts on this unit's instance and reaches the cluster through `via`, a member.
 */
export class SimulatedTags implements ClusterTagOperations {
  constructor(
    private readonly model: SimulatedInnoDBCluster,
    private readonly self: string,
  ) {}

  label(address: string): string {
    return instanceLabel(address, SIMULATED_PORT);
  }

  async setOption(
    name: string,
    option: string,
    value: JsonValue,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void> {
    const cluster = this.through(name, via, credentials);
    const change = cluster.tags.setOption(option, value);
    this.model.record(`set cluster tag ${change.name}`);
  }

  async setInstanceOption(
    name: string,
    address: string,
    option: string,
    value: JsonValue,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<void> {
    const cluster = this.through(name, via, credentials);
    const label = this.label(address);
    const change = cluster.tags.setInstanceOption(label, option, value);
    this.model.record(`set instance tag ${change.name} on ${label}`);
  }

  async options(
    name: string,
    via: string,
    credentials: ClusterCredentials,
  ): Promise<OptionsDocument> {
    return this.through(name, via, credentials).tags.options(name);
  }

  /** dba.getCluster(name) in a session on `via`: a member of the named cluster. */
  private through(name: string, via: string, credentials: ClusterCredentials): ClusterRecord {
    this.model.checkLogin(via, this.self, credentials);
    const cluster = this.model.getCluster();
    if (!cluster || cluster.name !== name || !cluster.members.includes(via)) {
      throw new Error(`cluster ${name} is not reachable through ${via}`);
    }
    return cluster;
  }
}
