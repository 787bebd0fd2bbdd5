// Equal strings held once. In a simulated model every unit keeps the same state keys (one per
// peer), the same flag names (one per leader-settings key) and, once settled, mostly the same
// values (what it last saw of each peer, the leader settings): N units keep N copies of each,
// N² in all. A store that takes its strings from a shared table keeps one. Strings are
// immutable and compared by value, so nothing else can tell. In process memory only, bounded.
//
// A table keeps two generations: strings interned since the last turn, and those of the turn
// before (promoted when asked for again). Each turn forgets the older one, so a string no unit
// holds any more (a value since replaced) is let go after at most two turns; a string still in
// use stays with the units that hold it, and the next equal one is shared from then on.

/** Longest string kept in a table (longer ones are used as they are). */
const MAX_LENGTH = 64 * 1024;
/** Characters a generation holds before the table turns. */
const GENERATION_CHARS = 4 * 1024 * 1024;

/** A table of strings: `intern` hands out the one copy of each it holds. */
export class StringTable {
  private young = new Map<string, string>();
  private old = new Map<string, string>();
  private chars = 0;

  constructor(
    private readonly generationChars = GENERATION_CHARS,
    private readonly maxLength = MAX_LENGTH,
  ) {}

  /** The table's copy of `text` (kept now), or `text` itself when it is too long. */
  intern(text: string): string {
    if (text.length > this.maxLength) return text;
    const known = this.young.get(text);
    if (known !== undefined) return known;
    const held = this.old.get(text) ?? text;
    if (this.chars + text.length > this.generationChars) {
      this.old = this.young;
      this.young = new Map();
      this.chars = 0;
    }
    this.young.set(held, held);
    this.chars += held.length;
    return held;
  }

  /** Strings held (both generations). */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
