// The model of Juju's settings-file parser (yaml.v2 Unmarshal into map[string]string, juju
// worker/uniter/runner/jujuc/relation-set.go readSettings; go-yaml v2 decode.go, readerc.go,
// scannerc.go, yaml.go), and the process-mode fake tools reading `--file` with it.
import { Ok } from 'ts-results-es';
import { describe, expect, it } from 'vitest';
import {
  parseSettingsFile,
  readSettingsFile,
  scanQuotedScalar,
} from '../../../src/testing/process/settings-file.js';
import { runToolCommand } from '../../../src/testing/process/tool-commands.js';
import type { UnitHookTools } from '../../../src/testing/unit-hook-tools.js';

const settingsOf = (text: string) => parseSettingsFile(text).unwrap().settings;
const errorOf = (text: string) => parseSettingsFile(text).unwrapErr();

describe('scalars decoded into strings (decode.go scalar)', () => {
  it('keeps YAML 1.1 booleans, numbers and timestamps as written', () => {
    const text =
      'a: True\nb: yes\nc: off\nd: 1.0\ne: 0x1F\nf: 1e3\ng: .inf\nh: 2001-12-14\ni: 0o17\nj: +12\n';
    expect(settingsOf(text)).toEqual({
      a: 'True',
      b: 'yes',
      c: 'off',
      d: '1.0',
      e: '0x1F',
      f: '1e3',
      g: '.inf',
      h: '2001-12-14',
      i: '0o17',
      j: '+12',
    });
  });

  it('turns plain ~, null, Null, NULL and empty into "" (resolve.go null table), quoted ones stay', () => {
    const text = 'a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: "~"\ng: \'null\'\nh: !!str null\n';
    expect(settingsOf(text)).toEqual({
      a: '',
      b: '',
      c: '',
      d: '',
      e: '',
      f: '~',
      g: 'null',
      h: 'null',
    });
  });

  it('decodes !!binary as base64 and refuses bad base64 with yaml.v2 message', () => {
    expect(settingsOf('a: !!binary aGVsbG8=\n')).toEqual({ a: 'hello' });
    expect(errorOf('a: !!binary "*"\n')).toBe('yaml: !!binary value contains invalid base64 data');
  });

  it('reads flow (JSON) and block maps, anchors, and lets the last duplicate key win', () => {
    expect(settingsOf('{"a": "1", "b": 2}')).toEqual({ a: '1', b: '2' });
    expect(settingsOf('a: &x v\nb: *x\na: again\n')).toEqual({ a: 'again', b: 'v' });
  });

  it('stores a key named __proto__ as a key', () => {
    const settings = settingsOf('__proto__: x\n');
    expect(Object.keys(settings)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(settings)).toBe(Object.prototype);
  });
});

describe('quoted scalars (scannerc.go yaml_parser_scan_flow_scalar, read_line)', () => {
  const scan = (src: string) => scanQuotedScalar(src, 0);

  it('folds one line break into a space and n breaks into n-1 newlines, dropping the blanks around', () => {
    expect(scan('"a  \n   b"').unwrap()).toBe('a b');
    expect(scan('"a\n\n\n b"').unwrap()).toBe('a\n\nb');
    expect(scan('"a\r\n b"').unwrap()).toBe('a b');
    expect(scan('"a\\\n   b"').unwrap()).toBe('ab');
  });

  it('treats NEL as a folded break and keeps LS/PS, dropping the blanks around them', () => {
    expect(scan('"a \u0085 b"').unwrap()).toBe('a b');
    expect(scan('"a \u2028 b"').unwrap()).toBe('a\u2028b');
    expect(scan("'a\u2029\u2029b'").unwrap()).toBe('a\u2029\u2029b');
  });

  it('reads every yaml.v2 escape, and the single-quoted quote', () => {
    expect(scan('"\\0\\a\\b\\t\\\t\\n\\v\\f\\r\\e\\ \\"\\\'\\\\\\N\\_\\L\\P"').unwrap()).toBe(
      '\0\x07\b\t\t\n\v\f\r\x1b "\'\\\u0085\u00a0\u2028\u2029',
    );
    expect(scan('"\\x41\\u00e9\\U0001F600"').unwrap()).toBe('Aé\u{1f600}');
    expect(scan("'it''s'").unwrap()).toBe("it's");
  });

  it('refuses what yaml.v2 refuses, with its problem text', () => {
    expect(scan('"\\/"').unwrapErr()).toBe('yaml: line 1: found unknown escape character');
    expect(scan('"\\xZZ"').unwrapErr()).toBe(
      'yaml: line 1: did not find expected hexdecimal number',
    );
    expect(scan('"\\uDC00"').unwrapErr()).toBe(
      'yaml: line 1: found invalid Unicode character escape code',
    );
    expect(scan('"abc').unwrapErr()).toBe('yaml: line 1: found unexpected end of stream');
    expect(scan('"a\n--- b"').unwrapErr()).toBe(
      'yaml: line 2: found unexpected document indicator',
    );
  });
});

describe('what Juju refuses', () => {
  it('refuses a control character anywhere in the file (readerc.go)', () => {
    for (const bad of ['\u0001', '\u007f', '\u0080', '\u009f', '\ufffe', '\uffff']) {
      expect(errorOf(`a: "x${bad}"\n`)).toBe('yaml: control characters are not allowed');
      expect(errorOf(`# ${bad}\na: b\n`)).toBe('yaml: control characters are not allowed');
    }
    // TAB, NEL and NBSP are accepted raw; the blank before the NEL break is dropped, NEL folds.
    expect(settingsOf('a: "\t\u0085\u00a0"\n')).toEqual({ a: ' \u00a0' });
  });

  it('refuses a nested map or list value with yaml.v2 unmarshal errors (decode.go terror)', () => {
    expect(errorOf('a: {b: c}\n')).toBe(
      'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into string',
    );
    expect(errorOf('ok: x\nlist:\n  - 1\nmap:\n  b: c\n')).toBe(
      'yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into string\n  line 5: cannot unmarshal !!map into string',
    );
    expect(errorOf('[a]: b\n')).toBe(
      'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string',
    );
  });

  it('refuses a top-level list or scalar, and reads an empty or null file as no settings', () => {
    expect(errorOf('- a\n')).toBe(
      'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into map[string]string',
    );
    expect(errorOf('just some text\n')).toBe(
      'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `just so...` into map[string]string',
    );
    expect(settingsOf('')).toEqual({});
    expect(settingsOf('~\n')).toEqual({});
    expect(settingsOf('# nothing\n')).toEqual({});
  });

  it('reads only the first of several documents, as yaml.go unmarshal does; the fakes refuse them', () => {
    expect(parseSettingsFile('a: b\n---\nc: d\n---\n[').unwrap()).toEqual({
      settings: { a: 'b' },
      ignoredDocuments: 2,
    });
    expect(readSettingsFile('a: b\n---\nc: d\n').unwrapErr()).toBe(
      'the settings file holds 2 YAML documents; Juju (yaml.v2 Unmarshal) reads only the first and silently drops the rest',
    );
  });

  it('says what it does not model rather than guessing', () => {
    expect(errorOf('a: b\u2028c\n')).toMatch(/raw U\+2028 outside a quoted scalar is not modelled/);
    expect(errorOf('<<: {a: b}\n')).toMatch(/merge keys .* not modelled/);
    expect(errorOf('a: !custom b\n')).toMatch(/the tag !custom is not modelled/);
  });
});

describe('process-mode relation-set/state-set --file', () => {
  const recording = () => {
    const written: Record<string, string>[] = [];
    const tools = {
      relationSet: (_id: string, data: Record<string, string>) => {
        written.push(data);
        return Ok(undefined);
      },
      stateSet: (data: Record<string, string>) => {
        written.push(data);
        return Ok(undefined);
      },
      recordCall: () => undefined,
    } as unknown as UnitHookTools;
    const context = { tools, hook: { hook: 'install', failures: 0 }, charmDir: '/nonexistent' };
    const run = (tool: string, argv: string[], stdin: string) =>
      runToolCommand(context, tool, argv, Buffer.from(stdin, 'utf8'));
    return { written, run };
  };

  it('stores scalars as written and lets key=value arguments override the file', () => {
    const { written, run } = recording();
    const reply = run(
      'relation-set',
      ['-r', 'cluster:0', '--file', '-', 'b=arg'],
      'a: True\nb: 1.0\nc: 0x1F\n',
    );
    expect(reply.exitCode).toBe(0);
    expect(run('state-set', ['--file', '-'], '"k": "v\\N"\n').exitCode).toBe(0);
    expect(written).toEqual([{ a: 'True', b: 'arg', c: '0x1F' }, { k: 'v\u0085' }]);
  });

  it('fails, writing nothing, on what Juju refuses', () => {
    const { written, run } = recording();
    const c1 = run('relation-set', ['-r', 'cluster:0', '--file', '-'], '{"a":"x\u0080"}');
    expect(c1.stderr).toBe('ERROR yaml: control characters are not allowed\n');
    const nested = run('state-set', ['--file', '-'], 'a:\n  b: c\n');
    expect(nested.stderr).toBe(
      'ERROR yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into string\n',
    );
    expect(
      run('relation-set', ['-r', 'cluster:0', '--file', '-'], 'a: b\n---\nc: d\n').exitCode,
    ).not.toBe(0);
    expect(written).toEqual([]);
  });
});
