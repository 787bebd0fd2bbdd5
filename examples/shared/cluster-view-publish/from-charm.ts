// The part of publishing that reads the charm's own config and logs: whether anyone wants the
// view (a related client or a `discovery-zookeeper` URL), the `weight` config with a bad value
// logged, and one call from topology + tags to the published view. Shared by the example
// charms' view modules so each only says how it learns its topology.
import type { HookRuntime } from 'juju-reactive';
import type { TagMap } from '../adminapi-tags/index.js';
import { configOption } from '../kept-config/index.js';
import {
  buildMembers,
  DEFAULT_WEIGHTS,
  parseWeights,
  type TopologyMember,
  WeightConfigError,
  type Weights,
} from './members.js';
import { forgetMirror, type PublishOutcome, publishClusterView } from './publish.js';
import type { ZkConnector } from './zookeeper.js';

/**
 * The `discovery-zookeeper` config when someone wants the view: a unit related on `endpoint`,
 * or a URL set ('' then means relation only). Undefined when nobody does: the mirror digest is
 * forgotten and the caller reads no status.
 */
export function viewWanted(rt: HookRuntime, endpoint: string): string | undefined {
  const zookeeperUrl = String(configOption(rt, 'discovery-zookeeper') ?? '');
  const related = (rt.endpointByName(endpoint)?.relations.length ?? 0) > 0;
  if (related || zookeeperUrl !== '') return zookeeperUrl;
  forgetMirror(rt);
  return undefined;
}

/** The `weight` config; a bad one is logged as an error and every member gets weight 1. */
export function configuredWeights(rt: HookRuntime): Weights {
  try {
    return parseWeights(String(configOption(rt, 'weight') ?? ''));
  } catch (error) {
    if (!(error instanceof WeightConfigError)) throw error;
    rt.log.error(`${error.message}; publishing every member with weight 1`);
    return DEFAULT_WEIGHTS;
  }
}

/** Options of {@link publishTopology}. */
export interface PublishTopologyOptions {
  readonly topology: readonly TopologyMember[];
  /** Each unit's instance tags (readStoredTags(...).units, or the cluster metadata's). */
  readonly tags: ReadonlyMap<string, TagMap>;
  readonly endpoint: string;
  /** From {@link viewWanted}. */
  readonly zookeeperUrl: string;
  readonly cluster: string;
  readonly connect?: ZkConnector;
}

/** Build the members (weights from config, routing from tags), log Router's warnings, publish. */
export async function publishTopology(
  rt: HookRuntime,
  options: PublishTopologyOptions,
): Promise<PublishOutcome> {
  const built = buildMembers(options.topology, configuredWeights(rt), options.tags);
  for (const warning of built.warnings) rt.log.warning(warning);
  return publishClusterView(rt, {
    members: built.members,
    endpoint: options.endpoint,
    zookeeperUrl: options.zookeeperUrl,
    cluster: options.cluster,
    ...(options.connect === undefined ? {} : { connect: options.connect }),
  });
}
