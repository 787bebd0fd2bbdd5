// Redaction of secret values from anything that leaves the process as text: log lines,
// error messages, traces. One Redactor per hook runtime; no module-level state.

const MASK = '***';

/** Remembers secret values seen in this hook and masks them in text. */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Register a value that must never appear in output. Empty and very short values are ignored. */
  add(value: string | undefined | null): void {
    if (typeof value === 'string' && value.length >= 4) this.secrets.add(value);
  }

  /** Replace every registered secret in `text` with `***`. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return out;
  }

  /** How many values are registered. */
  get size(): number {
    return this.secrets.size;
  }
}
