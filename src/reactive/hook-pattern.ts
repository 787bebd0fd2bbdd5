// Hook-name patterns for hook(...) predicates: literal names, `{a,b}` alternatives and `*`.
// Compiled once per handler definition; matching is a plain RegExp test.

/**
 * Compile a hook pattern into a RegExp.
 * @example compileHookPattern('{install,upgrade-charm}').test('install') // true
 * @example compileHookPattern('cluster-relation-{joined,changed}')
 */
export function compileHookPattern(pattern: string): RegExp {
  if (pattern.length === 0) throw new TypeError('an empty hook pattern matches nothing');
  // charms.reactive's `{requires:mysql}-relation-joined` (endpoint by role and interface) is not
  // supported: it would compile to a pattern no hook name matches, silently. Hook names are
  // lowercase letters, digits and hyphens (plus `*`, `{`, `}`, `,` here), so anything else is refused.
  if (/\{[^}]*:[^}]*\}/.test(pattern)) {
    throw new TypeError(
      `hook pattern ${JSON.stringify(pattern)}: charms.reactive's {role:interface} endpoint patterns are not supported; ` +
        "name the endpoint from metadata.yaml instead, e.g. hook('db-relation-joined')",
    );
  }
  const bad = /[^a-z0-9*{},-]/.exec(pattern);
  if (bad !== null) {
    throw new TypeError(
      `hook pattern ${JSON.stringify(pattern)}: ${JSON.stringify(bad[0])} can never appear in a hook name ` +
        '(lowercase letters, digits and hyphens; patterns add *, {a,b})',
    );
  }
  let source = '';
  let depth = 0;
  for (const ch of pattern) {
    if (ch === '{') {
      if (depth > 0)
        throw new TypeError(
          `hook pattern ${JSON.stringify(pattern)}: nested braces are not supported`,
        );
      depth++;
      source += '(?:';
    } else if (ch === '}') {
      if (depth === 0)
        throw new TypeError(`hook pattern ${JSON.stringify(pattern)}: unbalanced '}'`);
      depth--;
      source += ')';
    } else if (ch === ',' && depth > 0) {
      source += '|';
    } else if (ch === '*') {
      source += '.*';
    } else {
      source += ch.replace(/[.+?^$()|[\]\\]/g, '\\$&');
    }
  }
  if (depth !== 0) throw new TypeError(`hook pattern ${JSON.stringify(pattern)}: unbalanced '{'`);
  return new RegExp(`^${source}$`);
}
