// Redaction of relation data and leader settings before they leave the control plane: any key
// that names a secret keeps its key and loses its value. The model's trace is redacted already
// for the values the charm registered; this covers bags read straight from the model.

const SECRET_KEY_RE = /pass|secret|token|credential|private-key|api-key|cert-key/i;

/** The mask shown instead of a secret value. */
export const REDACTED = '***';

/** A copy of `bag` with the value of every secret-looking key replaced by {@link REDACTED}. */
export function redactBag<V extends string | null>(
  bag: Readonly<Record<string, V>>,
): Record<string, V | typeof REDACTED> {
  const out: Record<string, V | typeof REDACTED> = {};
  for (const [key, value] of Object.entries(bag)) {
    out[key] = value !== null && SECRET_KEY_RE.test(key) ? REDACTED : value;
  }
  return out;
}
