// Redaction of secret values from anything that leaves the process as text: log lines,
// error messages, traces. One Redactor per hook runtime; no module-level state.

const MASK = '***';

/**
 * Secrets at least this long are masked wherever they occur, even inside a longer word.
 * Shorter ones (1 to 3 characters) are masked where they stand as a whole token: masking
 * every `a` or `42` in a text would make it unreadable, and a short value inside a longer word
 * tells a reader nothing about the secret (which of the word's letters would it be?), while
 * `password=ab` or `"ab"` does.
 */
export const MIN_SUBSTRING_SECRET = 4;

/** What may stand on either side of a short secret for it to be a whole token. */
const TOKEN_EDGE = `[\\s"'\`=:,;()\\[\\]{}<>|]`;

/** How many levels of JSON string escaping are matched (a JSON value inside a JSON trace). */
const ESCAPE_LEVELS = 2;

/**
 * Remembers secret values seen in this hook and masks them in text: every registered value
 * and its JSON-escaped forms (a password holding `"` or `\` appears escaped in a trace).
 * @example
 * const redactor = new Redactor();
 * redactor.add('s3cr"t');
 * redactor.redact('{"password":"s3cr\\"t"}'); // '{"password":"***"}'
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private matchers: ((text: string) => string)[] | undefined;

  /** Register a value that must never appear in output. Empty values are ignored. */
  add(value: string | undefined | null): void {
    if (typeof value !== 'string' || value.length === 0 || this.secrets.has(value)) return;
    this.secrets.add(value);
    this.matchers = undefined;
  }

  /** Replace every registered secret in `text` with `***`. */
  redact(text: string): string {
    this.matchers ??= this.buildMatchers();
    let out = text;
    for (const match of this.matchers) out = match(out);
    return out;
  }

  /** How many values are registered. */
  get size(): number {
    return this.secrets.size;
  }

  /** One matcher per form of each secret, longest first (a form never hides inside a shorter one's mask). */
  private buildMatchers(): ((text: string) => string)[] {
    const forms = new Map<string, boolean>(); // form -> whole token only
    for (const secret of this.secrets) {
      const short = secret.length < MIN_SUBSTRING_SECRET;
      for (const form of escapedForms(secret)) {
        // A form registered as a long secret wins over the token-only rule.
        forms.set(form, (forms.get(form) ?? true) && short);
      }
    }
    return [...forms]
      .sort(([a], [b]) => b.length - a.length)
      .map(([form, tokenOnly]) => {
        if (!tokenOnly) return (text) => (text.includes(form) ? text.split(form).join(MASK) : text);
        const re = new RegExp(`(?<=^|${TOKEN_EDGE})${escapeRegExp(form)}(?=$|${TOKEN_EDGE})`, 'g');
        return (text) => (text.includes(form) ? text.replace(re, MASK) : text);
      });
  }
}

/** The secret, then its JSON-string-escaped forms (once, twice), each only if different. */
function escapedForms(secret: string): string[] {
  const forms = [secret];
  let form = secret;
  for (let level = 0; level < ESCAPE_LEVELS; level++) {
    const escaped = JSON.stringify(form).slice(1, -1);
    if (escaped === form) break;
    forms.push(escaped);
    form = escaped;
  }
  return forms;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
