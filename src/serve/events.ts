// What the control plane tells its watchers (the SSE stream, the dashboard): hooks as they run,
// model and status changes, cluster phase changes. Everything here is already redacted.
import { EventEmitter } from 'eventemitter3';
import type { TimelineEntry, TraceEvent } from '../testing/index.js';

/** Where a cluster is in its life. */
export type ClusterPhase = 'deploying' | 'converging' | 'converged' | 'error' | 'deleting';

/** One event of the stream. `cluster` names the cluster it is about. */
export type ServeEvent =
  | { readonly type: 'hook'; readonly cluster: string; readonly entry: TimelineEntry }
  | { readonly type: 'trace'; readonly cluster: string; readonly event: TraceEvent }
  | {
      readonly type: 'phase';
      readonly cluster: string;
      readonly phase: ClusterPhase;
      readonly error?: string;
    }
  | { readonly type: 'removed'; readonly cluster: string };

/** The hub every cluster publishes to and every stream subscribes to. */
export class EventHub extends EventEmitter<{ event: [ServeEvent] }> {
  /** Publish one event to every subscriber. */
  publish(event: ServeEvent): void {
    this.emit('event', event);
  }

  /** Subscribe; returns the function that unsubscribes. */
  subscribe(listener: (event: ServeEvent) => void): () => void {
    this.on('event', listener);
    return () => this.off('event', listener);
  }
}
