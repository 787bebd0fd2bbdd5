// The tag actions on a charm: `set-option`, `set-instance-option` and `options`, with MySQL
// Shell's rules and messages, leader-only writes, and the store left to the charm (the cluster
// metadata for InnoDB, leader settings for a charm that keeps tags itself: leader-store.ts).
// Unlike the rest of this module this file talks to the hook runtime (leader-get/-set, flags).
import {
  type ActionEvent,
  type Charm,
  type HookRuntime,
  type JsonValue,
  leaderGet,
  leaderSet,
} from 'juju-reactive';
import { TagError } from './errors.js';
import { encodeCanonical } from './json-value.js';
import { notLeaderMessage, recordLeader } from './leader.js';
import type { OptionsDocument } from './options.js';
import { type ClusterInstance, readSetOptionParams, resolveInstance } from './params.js';
import { checkTagWrite } from './tag-set.js';

/** Set by a successful tag write, for the next hook's handlers (e.g. to republish routing). */
export const TAGS_CHANGED_FLAG = 'adminapi-tags.changed';

/**
 * Longest `options` result, in characters. `action-set` takes its values in argv (Juju's has no
 * `--file`: worker/uniter/runner/jujuc/action-set.go) and Linux limits one argv string to
 * 128 KiB (MAX_ARG_STRLEN); a bigger document fails the action saying so.
 */
export const MAX_OPTIONS_RESULT = 120_000;

/** Where a charm keeps its tags. Each write is one call, made after every check passed. */
export interface TagStore {
  /** What a write does, for the not-leader message (default `writes leader settings`). */
  readonly writes?: string;
  /** Why tags cannot be read or written from this unit now (the action fails with it). */
  unavailable?(rt: HookRuntime): string | undefined;
  /** The instances an operator may name in `set-instance-option`: unit and `<host>:<port>`. */
  instances(rt: HookRuntime): readonly ClusterInstance[];
  /** Write a cluster tag (`null` removes it). May throw a TagError. */
  setOption(rt: HookRuntime, option: string, value: JsonValue): void | Promise<void>;
  /** Write a tag of one instance (`null` removes it). May throw a TagError. */
  setInstanceOption(
    rt: HookRuntime,
    instance: ClusterInstance,
    option: string,
    value: JsonValue,
  ): void | Promise<void>;
  /** The `options` document (options.ts). */
  options(rt: HookRuntime): OptionsDocument | Promise<OptionsDocument>;
}

/** One accepted write, as given to {@link TagActionsOptions.afterWrite}. */
export interface TagWrite {
  /** The instance written, or undefined for a cluster tag. */
  readonly instance?: ClusterInstance;
  /** The tag name (no `tag:`). */
  readonly name: string;
  /** The value sent to the store (built-ins converted to a boolean); null removes. */
  readonly value: JsonValue;
}

/** Options of {@link registerTagActions}. */
export interface TagActionsOptions {
  /** Called in the action after a write succeeded (e.g. to publish routing at once). */
  readonly afterWrite?: (rt: HookRuntime, write: TagWrite) => void | Promise<void>;
}

type SetOptionParams = { option: string; value: string };
type SetInstanceOptionParams = SetOptionParams & { instance: string };

/**
 * Register the three tag actions on `charm` (which must use the `leadership` layer), plus a
 * leader handler that records the leader's name for the not-leader message. A rule violation
 * fails the action with exactly MySQL Shell's message; a non-leader fails naming the leader.
 * @example registerTagActions(charm, leaderSettingsTagStore({ clusterName, instances }))
 */
export function registerTagActions(
  charm: Charm,
  store: TagStore,
  options: TagActionsOptions = {},
): Charm {
  // Juju has no hook tool that names the leader: the leader writes its name where every unit
  // reads it (leader settings), only when it changes.
  charm.when('leadership.is_leader').run(function recordTagLeader(rt) {
    const change = recordLeader(leaderGet(rt), rt.unitName);
    if (Object.keys(change).length > 0) leaderSet(rt, change);
  });

  const written = async (rt: HookRuntime, action: ActionEvent, write: TagWrite) => {
    rt.flags.set(TAGS_CHANGED_FLAG);
    await options.afterWrite?.(rt, write);
    action.set({
      option: `tag:${write.name}`,
      value: encodeCanonical(write.value),
      ...(write.instance ? { instance: write.instance.label, unit: write.instance.unit } : {}),
    });
  };

  charm.action<SetOptionParams>('set-option').run(async function setOption(rt, action) {
    await failOnRefusal(action, async () => {
      leaderOnly(rt, action.name, store);
      const { option, value } = readSetOptionParams(action.params);
      const checked = checkTagWrite(option, value);
      available(rt, store);
      await store.setOption(rt, option, value);
      await written(rt, action, { name: checked.name, value: checked.value });
    });
  });

  charm
    .action<SetInstanceOptionParams>('set-instance-option')
    .run(async function setInstanceOption(rt, action) {
      await failOnRefusal(action, async () => {
        leaderOnly(rt, action.name, store);
        const { option, value } = readSetOptionParams(action.params);
        // MySQL Shell checks the option before it looks the instance up.
        const checked = checkTagWrite(option, value);
        available(rt, store);
        const instance = resolveInstance(action.params.instance, store.instances(rt));
        await store.setInstanceOption(rt, instance, option, value);
        await written(rt, action, { instance, name: checked.name, value: checked.value });
      });
    });

  charm.action('options').run(async function options(rt, action) {
    await failOnRefusal(action, async () => {
      available(rt, store);
      const text = JSON.stringify(await store.options(rt));
      if (text.length > MAX_OPTIONS_RESULT) {
        throw new Refusal(
          `the options document is ${text.length} characters, more than action-set can carry (${MAX_OPTIONS_RESULT}); remove large tag values`,
        );
      }
      action.set({ options: text });
    });
  });

  return charm;
}

/** An action refused for a reason the operator can act on (not a TagError). */
class Refusal extends Error {}

function leaderOnly(rt: HookRuntime, action: string, store: TagStore): void {
  if (!rt.isLeader()) {
    throw new Refusal(notLeaderMessage(action, rt.unitName, leaderGet(rt), store.writes));
  }
}

function available(rt: HookRuntime, store: TagStore): void {
  const why = store.unavailable?.(rt);
  if (why !== undefined) throw new Refusal(why);
}

/** Run `body`; a TagError or a refusal fails the action with its message, anything else throws. */
async function failOnRefusal(action: ActionEvent, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof TagError || error instanceof Refusal) action.fail(error.message);
    else throw error;
  }
}
