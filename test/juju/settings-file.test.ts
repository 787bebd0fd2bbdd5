// The settings file the core hands to `relation-set --file -`/`state-set --file -`, checked
// against the model of Juju's parser (yaml.v2 Unmarshal into map[string]string, as in juju
// worker/uniter/runner/jujuc/relation-set.go `readSettings`).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSettingsFile, quoteScalar } from '../../src/juju/settings-file.js';
import { parseSettingsFile } from '../../src/testing/process/settings-file.js';

/** Characters yaml.v2 refuses or rewrites, and YAML's syntax, mixed into arbitrary strings. */
const TRICKY = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\ud83d\ude00',
  '\u{10ffff}',
  '\r\n',
  ' ',
  '  ',
  '"',
  "'",
  '\\',
  '\\N',
  '\\x',
  ':',
  ': ',
  ' #',
  '---',
  '...',
  '- ',
  '? ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '&a',
  '*a',
  '!!str ',
  '|',
  '>',
  '%',
  '@',
  '`',
  '<<',
];
const WHOLE = ['', '~', 'null', 'Null', 'True', 'yes', 'off', '1.0', '0x1F', '1e3', '.inf', '<<'];
const tricky = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 4 }),
);
/** Any valid Unicode string (no lone surrogates), weighted towards what YAML treats specially. */
const anyString = fc.oneof(
  fc.constantFrom(...WHOLE),
  fc.string({ unit: tricky, maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const settings = fc.dictionary(anyString, anyString, { maxKeys: 6 });

const C1_AND_DEL = Array.from({ length: 0x21 }, (_, i) => 0x7f + i).filter((c) => c !== 0x85);

describe('encodeSettingsFile', () => {
  it('is read back unchanged by the model of yaml.v2 for arbitrary strings (readerc.go, scannerc.go)', () => {
    fc.assert(
      fc.property(settings, (data) => {
        const file = encodeSettingsFile(data).unwrap();
        expect(parseSettingsFile(file).unwrap()).toEqual({ settings: data, ignoredDocuments: 0 });
      }),
      { numRuns: 3000 },
    );
  });

  it('writes only characters yaml.v2 accepts raw, one entry a line (readerc.go yaml_parser_update_buffer)', () => {
    fc.assert(
      fc.property(settings, (data) => {
        const file = encodeSettingsFile(data).unwrap();
        expect(file).not.toMatch(
          /[^\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]/u,
        );
        const lines = file.split('\n').filter((l) => l !== '');
        const explicit = lines.filter((l) => l.startsWith('? ')).length;
        expect(lines.length).toBe(Math.max(1, Object.keys(data).length + explicit));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps YAML 1.1 booleans, numbers and nulls as the strings given', () => {
    const data = { True: 'True', '1.0': '1.0', '0x1F': '0x1F', '~': '~', null: 'null', empty: '' };
    const file = encodeSettingsFile(data).unwrap();
    expect(file).toBe(
      '"True": "True"\n"1.0": "1.0"\n"0x1F": "0x1F"\n"~": "~"\n"null": "null"\n"empty": ""\n',
    );
    expect(parseSettingsFile(file).unwrap().settings).toEqual(data);
  });

  it('escapes NEL, LS, PS, C1 controls, DEL and the BOM with yaml.v2 escapes (scannerc.go)', () => {
    expect(quoteScalar('a\u0085b\u2028c\u2029d\u0080e\u007ff\ufeffg\u0000h\u{1f600}')).toBe(
      '"a\\Nb\\Lc\\Pd\\x80e\\x7Ff\\uFEFFg\\0h\u{1f600}"',
    );
  });

  it('writes a key that could reach libyaml 1024-character simple-key limit as an explicit key', () => {
    const key = 'k'.repeat(1500);
    const file = encodeSettingsFile({ [key]: 'v', short: 'w' }).unwrap();
    expect(file).toBe(`? "${key}"\n: "v"\n"short": "w"\n`);
    expect(parseSettingsFile(file).unwrap().settings).toEqual({ [key]: 'v', short: 'w' });
  });

  it('refuses a lone UTF-16 surrogate, naming the key, since Juju strings are UTF-8', () => {
    expect(encodeSettingsFile({ ok: 'x', bad: 'a\ud800b' }).unwrapErr()).toBe(
      'the value of key "bad" holds a lone UTF-16 surrogate; Juju cannot store it',
    );
    expect(encodeSettingsFile({ 'k\udc00': 'x' }).unwrapErr()).toMatch(
      /^key "k\\udc00" holds a lone/,
    );
  });

  it('writes an empty map for no settings', () => {
    expect(parseSettingsFile(encodeSettingsFile({}).unwrap()).unwrap().settings).toEqual({});
  });
});

describe('the JSON encoding used before, read by the model of yaml.v2', () => {
  const viaJson = (value: string) => parseSettingsFile(JSON.stringify({ k: value }));

  it('is refused for raw DEL and C1 controls: "control characters are not allowed" (readerc.go)', () => {
    for (const code of C1_AND_DEL) {
      expect(viaJson(`a${String.fromCharCode(code)}b`).unwrapErr()).toBe(
        'yaml: control characters are not allowed',
      );
    }
  });

  it('folds a raw NEL into a space (scannerc.go read_line, scan_flow_scalar)', () => {
    expect(viaJson('a\u0085b').unwrap().settings).toEqual({ k: 'a b' });
  });

  it('drops the spaces around a raw LS or PS (scannerc.go scan_flow_scalar)', () => {
    expect(viaJson('a \u2028 b').unwrap().settings).toEqual({ k: 'a\u2028b' });
    expect(viaJson('a  \u2029  b').unwrap().settings).toEqual({ k: 'a\u2029b' });
  });

  it('is refused for a lone surrogate: "found invalid Unicode character escape code"', () => {
    expect(viaJson('\ud800').unwrapErr()).toBe(
      'yaml: line 1: found invalid Unicode character escape code',
    );
  });

  it('changes or refuses a string holding any of those characters, which the new encoding keeps', () => {
    const bad = fc.constantFrom(
      ...C1_AND_DEL.map((c) => String.fromCharCode(c)),
      '\u0085',
      ' \u2028',
      '\u2029 ',
    );
    fc.assert(
      fc.property(anyString, bad, anyString, (a, b, c) => {
        const value = a + b + c;
        const old = viaJson(value);
        expect(old.isOk() && old.value.settings['k'] === value).toBe(false);
        const now = parseSettingsFile(encodeSettingsFile({ k: value }).unwrap());
        expect(now.unwrap().settings).toEqual({ k: value });
      }),
      { numRuns: 500 },
    );
  });
});
