// Redaction (issue 15, item 5): passwords of any length, and in their JSON-escaped forms.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/juju/redact.js';

const redactorOf = (...secrets: string[]): Redactor => {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return r;
};

describe('redaction of short passwords (1 to 3 characters)', () => {
  it.each([
    ['password=ab', 'ab', 'password=***'],
    ['{"password":"x"}', 'x', '{"password":"***"}'],
    ["user 'root' identified by 'pw1'", 'pw1', "user 'root' identified by '***'"],
    ['a b a', 'a', '*** b ***'],
    ['pw: 7', '7', 'pw: ***'],
  ])('masks %s where the password stands as a whole token', (text, secret, masked) => {
    expect(redactorOf(secret).redact(text)).toBe(masked);
  });

  it('leaves words that merely contain it readable', () => {
    expect(redactorOf('ab', 'x').redact('about the extra table: x')).toBe(
      'about the extra table: ***',
    );
  });
});

describe('redaction of passwords holding " or \\', () => {
  it('masks the JSON-escaped form, as a trace or relation-set stdin shows it', () => {
    const password = 'pa"ss\\word';
    const r = redactorOf(password);
    const once = JSON.stringify({ password });
    const twice = JSON.stringify({ stdin: once });
    expect(r.redact(once)).toBe('{"password":"***"}');
    expect(r.redact(twice)).toBe(JSON.stringify({ stdin: '{"password":"***"}' }));
    expect(r.redact(`raw ${password} end`)).toBe('raw *** end');
  });

  it('masks a short password with a quote in JSON too', () => {
    expect(redactorOf('a"').redact(JSON.stringify({ pw: 'a"' }))).toBe('{"pw":"***"}');
  });

  it('never lets a registered password through JSON encoding, one or two levels (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 4, maxLength: 20 }).filter((s) => s.trim() === s),
        fc.string({ maxLength: 20 }),
        (password, other) => {
          const r = redactorOf(password);
          const once = JSON.stringify({ other, password });
          const twice = JSON.stringify(once);
          for (const text of [once, twice]) {
            const escaped = [password, JSON.stringify(password).slice(1, -1)];
            escaped.push(JSON.stringify(escaped[1]).slice(1, -1));
            const out = r.redact(text);
            for (const form of escaped) expect(out.includes(form)).toBe(false);
          }
        },
      ),
      { numRuns: 2_000, seed: 20261129 },
    );
  });
});
