// The model's virtual clock: time moves only when a test says so (`model.advance()`), or when
// `settle()` waits for a one-shot timer (a hook retry, a leader lease running out). Timers fire
// in due order, ties in the order they were set, so a seeded run replays exactly. Nothing here
// reads the wall clock.

/** How far to move the clock: the parts add up. */
export interface Duration {
  /** Seconds (fractions allowed, down to a millisecond). */
  readonly seconds?: number;
  /** Minutes. */
  readonly minutes?: number;
  /** Hours. */
  readonly hours?: number;
}

/** A timer: what it is for (the trace and `settle()` read `periodic`), and what it does. */
export interface Timer {
  readonly id: number;
  /** Virtual milliseconds since the model was created. */
  readonly at: number;
  /** `update-status` and the like: `settle()` never moves the clock just for these. */
  readonly periodic: boolean;
  readonly label: string;
  readonly fire: () => void;
}

/** Milliseconds in a Duration; rejects negative, fractional-millisecond or non-finite parts. */
export function durationMs(duration: Duration): number {
  let ms = 0;
  for (const [unit, factor] of [
    ['seconds', 1_000],
    ['minutes', 60_000],
    ['hours', 3_600_000],
  ] as const) {
    const value = duration[unit];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`advance: ${unit} must be a finite number of at least 0 (got ${value})`);
    }
    ms += value * factor;
  }
  return Math.round(ms);
}

/**
 * A Go duration as Juju model config writes one (`5m`, `30s`, `1h30m`, `500ms`), in ms.
 * Returns undefined when the text is not one.
 */
export function parseGoDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += n * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : unit === 's' ? 1_000 : 1);
    matched = re.lastIndex;
  }
  return matched === text.length && text.length > 0 ? Math.round(total) : undefined;
}

/** The virtual clock and its timers. */
export class VirtualClock {
  /** Virtual milliseconds since the model was created. */
  now = 0;
  private nextId = 1;
  private timers: Timer[] = [];

  /** Set a timer `delayMs` from now. Returns its id (for cancel). */
  after(delayMs: number, label: string, fire: () => void, periodic = false): number {
    const timer: Timer = { id: this.nextId++, at: this.now + delayMs, periodic, label, fire };
    // Keep timers sorted by (at, id): insert after every timer due no later.
    let i = this.timers.length;
    while (i > 0 && (this.timers[i - 1] as Timer).at > timer.at) i--;
    this.timers.splice(i, 0, timer);
    return timer.id;
  }

  cancel(id: number | undefined): void {
    if (id === undefined) return;
    const i = this.timers.findIndex((t) => t.id === id);
    if (i >= 0) this.timers.splice(i, 1);
  }

  /** The first timer (in due order) that `match` accepts. */
  find(match: (timer: Timer) => boolean): Timer | undefined {
    return this.timers.find(match);
  }

  /** Fire the first timer due at or before `until`, moving the clock to it. False when none. */
  fireNext(until: number): boolean {
    const timer = this.timers[0];
    if (timer === undefined || timer.at > until) return false;
    this.timers.shift();
    if (timer.at > this.now) this.now = timer.at;
    timer.fire();
    return true;
  }
}
