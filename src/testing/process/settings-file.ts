// A model of how Juju reads the settings file of `relation-set --file` and `state-set --file`:
// gopkg.in/yaml.v2 `Unmarshal(data, map[string]string)` (juju worker/uniter/runner/jujuc/
// relation-set.go `readSettings`, shared by state-set.go). The fake hook tools parse with it, and
// the core's encoder (src/juju/settings-file.ts) is property-tested against it.
//
// What yaml.v2 does, and this model does (go-yaml v2 source):
// - readerc.go `yaml_parser_update_buffer`: a raw character outside TAB, LF, CR, U+0020–U+007E,
//   U+0085, U+00A0–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF fails the whole file with
//   "yaml: control characters are not allowed".
// - scannerc.go `yaml_parser_scan_flow_scalar` and `read_line`: in quoted scalars CR, LF, CR LF,
//   NEL, LS and PS are line breaks; blanks around a break are dropped; a single LF/CR/NEL break
//   folds to a space, n breaks to n-1 LFs; LS and PS are kept but still drop the blanks around
//   them. Double-quoted escapes: \0 \a \b \t \<TAB> \n \v \f \r \e \<SPACE> \" \' \\ \N \_ \L \P
//   \xXX \uXXXX \UXXXXXXXX; anything else is "found unknown escape character"; a surrogate or
//   out-of-range code is "found invalid Unicode character escape code".
// - decode.go `scalar`: a scalar decoded into a string keeps its text as written (`True`, `1.0`,
//   `0x1F`, `yes` stay strings); a plain `~`, `null`, `Null`, `NULL` or empty scalar is null and
//   becomes "" (which relation-set treats as "delete this key"); `!!binary` is base64-decoded.
// - decode.go `mapping`/`terror`: a map or list where a string is expected is not stored and the
//   file fails with "yaml: unmarshal errors:\n  line N: cannot unmarshal !!map into string"; a
//   top-level scalar or list fails the same way "into map[string]string"; duplicate keys: the
//   last wins (non-strict Unmarshal).
// - yaml.go `unmarshal` parses ONE document: after the first, Juju silently ignores the rest.
//   This model reports them (`ignoredDocuments`); the fake tools refuse such a file, as a charm
//   that writes one has a bug Juju would hide. (This model refuses a control character anywhere
//   in the file; yaml.v2 only sees those in the chunks its reader decoded before it stopped.)
// The YAML structure (maps, flow/block style, anchors) is parsed with the `yaml` package; what it
// reads differently from libyaml (NEL/LS/PS as breaks, control characters, quoted-scalar
// folding) is handled here. Raw NEL/LS/PS outside quoted scalars and tags other than !!str,
// !!binary are refused as not modelled rather than guessed.
import { Err, Ok, type Result } from 'ts-results-es';
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  parseAllDocuments,
  type Scalar,
} from 'yaml';

/** What Juju's parser makes of a settings file. */
export interface ParsedSettingsFile {
  /** The map Juju would store (an empty value means "delete the key" to relation-set). */
  readonly settings: Record<string, string>;
  /** Documents after the first, which yaml.v2 `Unmarshal` silently ignores. */
  readonly ignoredDocuments: number;
}

const STR_TAG = 'tag:yaml.org,2002:str';
const BINARY_TAG = 'tag:yaml.org,2002:binary';
const NULL_TAG = 'tag:yaml.org,2002:null';
const MERGE_KEY = '<<';
const PLAIN_NULLS: ReadonlySet<string> = new Set(['', '~', 'null', 'Null', 'NULL']);
const YAML11_BREAKS = /[\u0085\u2028\u2029]/g;

/** True for a raw character yaml.v2's reader accepts (readerc.go). */
function allowedRaw(code: number): boolean {
  return (
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    (code >= 0x20 && code <= 0x7e) ||
    code === 0x85 ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

const isBreak = (c: string | undefined): boolean =>
  c === '\r' || c === '\n' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** libyaml's line number (1-based) of `offset`: CR LF, CR, LF, NEL, LS, PS each end a line. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text[i];
    if (c === '\r' && text[i + 1] === '\n') continue;
    if (isBreak(c)) line++;
  }
  return line;
}

/** `read_line`: the break at `i` as libyaml appends it, and the offset after it. */
function readBreak(src: string, i: number): [string, number] {
  const c = src[i];
  if (c === '\r' && src[i + 1] === '\n') return ['\n', i + 2];
  if (c === '\r' || c === '\n' || c === '\u0085') return ['\n', i + 1];
  return [c ?? '', i + 1];
}

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['0', '\0'],
  ['a', '\x07'],
  ['b', '\b'],
  ['t', '\t'],
  ['\t', '\t'],
  ['n', '\n'],
  ['v', '\v'],
  ['f', '\f'],
  ['r', '\r'],
  ['e', '\x1b'],
  [' ', ' '],
  ['"', '"'],
  ["'", "'"],
  ['\\', '\\'],
  ['N', '\u0085'],
  ['_', '\u00a0'],
  ['L', '\u2028'],
  ['P', '\u2029'],
]);
const HEX_ESCAPES: ReadonlyMap<string, number> = new Map([
  ['x', 2],
  ['u', 4],
  ['U', 8],
]);

function atDocumentIndicator(src: string, i: number): boolean {
  const three = src.slice(i, i + 3);
  const after = src[i + 3];
  return (
    (three === '---' || three === '...') &&
    (after === undefined || isBlank(after) || isBreak(after))
  );
}

/**
 * The value of the quoted scalar whose opening quote is at `open`, read as libyaml's
 * `yaml_parser_scan_flow_scalar` reads it; Err holds yaml.v2's problem text.
 */
export function scanQuotedScalar(src: string, open: number): Result<string, string> {
  const single = src[open] === "'";
  const quote = single ? "'" : '"';
  let i = open + 1;
  let out = '';
  let column0 = false;
  const fail = (problem: string) => Err(`yaml: line ${lineAt(src, i)}: ${problem}`);
  for (;;) {
    if (column0 && atDocumentIndicator(src, i)) return fail('found unexpected document indicator');
    if (i >= src.length) return fail('found unexpected end of stream');
    let leadingBlanks = false;
    while (i < src.length && !isBlank(src[i]) && !isBreak(src[i])) {
      const c = src[i];
      if (single && c === "'" && src[i + 1] === "'") {
        out += "'";
        i += 2;
      } else if (c === quote) {
        break;
      } else if (!single && c === '\\' && isBreak(src[i + 1])) {
        i = readBreak(src, i + 1)[1];
        leadingBlanks = true;
        break;
      } else if (!single && c === '\\') {
        const e = src[i + 1] ?? '';
        const simple = SIMPLE_ESCAPES.get(e);
        const width = HEX_ESCAPES.get(e);
        if (simple !== undefined) {
          out += simple;
          i += 2;
        } else if (width !== undefined) {
          const digits = src.slice(i + 2, i + 2 + width);
          if (!new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(digits)) {
            return fail('did not find expected hexdecimal number');
          }
          const code = Number.parseInt(digits, 16);
          if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
            return fail('found invalid Unicode character escape code');
          }
          out += String.fromCodePoint(code);
          i += 2 + width;
        } else {
          return fail('found unknown escape character');
        }
      } else {
        const ch = String.fromCodePoint(src.codePointAt(i) ?? 0);
        out += ch;
        i += ch.length;
      }
    }
    if (src[i] === quote) break;
    let whitespaces = '';
    let leadingBreak = '';
    let trailingBreaks = '';
    column0 = leadingBlanks;
    while (isBlank(src[i]) || isBreak(src[i])) {
      if (isBlank(src[i])) {
        if (!leadingBlanks) whitespaces += src[i];
        i++;
        column0 = false;
      } else {
        const [text, next] = readBreak(src, i);
        i = next;
        column0 = true;
        if (!leadingBlanks) {
          whitespaces = '';
          leadingBreak = text;
          leadingBlanks = true;
        } else {
          trailingBreaks += text;
        }
      }
    }
    if (!leadingBlanks) out += whitespaces;
    else if (leadingBreak.startsWith('\n')) out += trailingBreaks === '' ? ' ' : trailingBreaks;
    else out += leadingBreak + trailingBreaks;
  }
  return Ok(out);
}

interface Walk {
  readonly text: string;
  readonly doc: Document;
  readonly errors: string[];
  readonly quoted: [number, number][];
}

function tagName(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice(18)}` : tag;
}

/** decode.go `terror`: "line N: cannot unmarshal !!tag `value` into type". */
function typeError(w: Walk, node: Node, into: string): void {
  const line = lineAt(w.text, node.range?.[0] ?? 0);
  if (isMap(node) || isSeq(node)) {
    w.errors.push(`line ${line}: cannot unmarshal ${isMap(node) ? '!!map' : '!!seq'} into ${into}`);
    return;
  }
  const value = isScalar(node) ? String(node.value) : '';
  const shown = value.length > 10 ? `${value.slice(0, 7)}...` : value;
  w.errors.push(
    `line ${line}: cannot unmarshal ${tagName(node.tag ?? STR_TAG)} \`${shown}\` into ${into}`,
  );
}

/** A scalar node decoded into a Go string; undefined for null (the zero string ""). */
function scalarString(w: Walk, node: Scalar): Result<string, string> {
  const start = node.range?.[0] ?? 0;
  let value: Result<string, string>;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
    const open = w.text.indexOf(node.type === 'QUOTE_DOUBLE' ? '"' : "'", start);
    w.quoted.push([open, node.range?.[1] ?? 0]);
    value = scanQuotedScalar(w.text, open);
  } else {
    value = Ok(String(node.value));
  }
  if (value.isErr()) return value;
  const tag = node.tag;
  if (tag === undefined) {
    const isNull = node.type === 'PLAIN' && PLAIN_NULLS.has(value.value);
    return Ok(isNull ? '' : value.value);
  }
  if (tag === STR_TAG) return value;
  if (tag === NULL_TAG) return Ok('');
  if (tag === BINARY_TAG) {
    const b64 = value.value.replace(/\s+/g, '');
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(b64)) {
      return Err('yaml: !!binary value contains invalid base64 data');
    }
    return Ok(Buffer.from(b64, 'base64').toString('utf8'));
  }
  return Err(`yaml: the tag ${tagName(tag)} is not modelled by the fake hook tools`);
}

/** True when a scalar's source holds a line break (libyaml ends an implicit key there). */
function spansLines(text: string, node: Scalar): boolean {
  return /[\r\n\u0085\u2028\u2029]/.test(text.slice(node.range?.[0] ?? 0, node.range?.[1] ?? 0));
}

/** The node an alias points to, or the node itself. */
function deref(w: Walk, node: unknown): unknown {
  return isAlias(node) ? node.resolve(w.doc) : node;
}

/** One key or value decoded into a Go string: undefined when yaml.v2 would not store it. */
function decodeString(w: Walk, raw: unknown): Result<string | undefined, string> {
  const node = deref(w, raw);
  if (node === null || node === undefined) return Ok('');
  if (isScalar(node)) return scalarString(w, node);
  if (isMap(node) || isSeq(node)) typeError(w, node, 'string');
  return Ok(undefined);
}

/**
 * Parses a settings file the way Juju's `relation-set --file`/`state-set --file` does
 * (yaml.v2 `Unmarshal` into `map[string]string`). Err holds yaml.v2's message for what it
 * refuses, or names what this model does not cover.
 *
 * @example
 * parseSettingsFile('ready: True\nport: 0x1F\nnote: ~\n').unwrap().settings;
 * // { ready: 'True', port: '0x1F', note: '' }
 */
export function parseSettingsFile(text: string): Result<ParsedSettingsFile, string> {
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) return Err('yaml: invalid Unicode character');
    if (!allowedRaw(code)) return Err('yaml: control characters are not allowed');
  }
  const docs = parseAllDocuments(text, { version: '1.1', schema: 'failsafe', uniqueKeys: false });
  const first = Array.isArray(docs) ? docs[0] : docs;
  const ignoredDocuments = Array.isArray(docs) ? Math.max(0, docs.length - 1) : 0;
  if (first === undefined) return Ok({ settings: {}, ignoredDocuments });
  const syntax = first.errors[0];
  if (syntax !== undefined) return Err(`yaml: ${syntax.message.split('\n')[0] ?? ''}`);
  const w: Walk = { text, doc: first, errors: [], quoted: [] };
  // A Map, so a key such as `__proto__` is stored as a key, not as the object's prototype.
  const settings = new Map<string, string>();
  const root = deref(w, first.contents);
  if (isMap(root)) {
    for (const pair of root.items) {
      const keyNode = deref(w, pair.key);
      if (isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.value === MERGE_KEY) {
        return Err('yaml: merge keys (<<) are not modelled by the fake hook tools');
      }
      if (isScalar(keyNode) && spansLines(text, keyNode)) {
        return Err('yaml: a key that spans lines is not modelled by the fake hook tools');
      }
      const key = decodeString(w, pair.key);
      if (key.isErr()) return key;
      const value = decodeString(w, pair.value);
      if (value.isErr()) return value;
      if (key.value !== undefined && value.value !== undefined)
        settings.set(key.value, value.value);
    }
  } else if (isScalar(root)) {
    const value = scalarString(w, root);
    if (value.isErr()) return value;
    const isNull =
      root.tag === NULL_TAG ||
      (root.tag === undefined && root.type === 'PLAIN' && value.value === '');
    if (!isNull) typeError(w, root, 'map[string]string');
  } else if (isSeq(root)) {
    typeError(w, root, 'map[string]string');
  }
  if (w.errors.length > 0) return Err(`yaml: unmarshal errors:\n  ${w.errors.join('\n  ')}`);
  for (const match of text.matchAll(YAML11_BREAKS)) {
    const at = match.index;
    if (!w.quoted.some(([from, to]) => at > from && at < to)) {
      return Err(
        `yaml: a raw U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} outside a quoted scalar is not modelled by the fake hook tools`,
      );
    }
  }
  return Ok({ settings: Object.fromEntries(settings), ignoredDocuments });
}

/**
 * The settings a fake `relation-set --file`/`state-set --file` stores: {@link parseSettingsFile},
 * refusing what it refuses, and also a file of several YAML documents, whose extra documents
 * Juju would silently drop (a bug in the charm that wrote it).
 */
export function readSettingsFile(text: string): Result<Record<string, string>, string> {
  const parsed = parseSettingsFile(text);
  if (parsed.isErr()) return parsed;
  const { settings, ignoredDocuments } = parsed.value;
  if (ignoredDocuments > 0) {
    return Err(
      `the settings file holds ${ignoredDocuments + 1} YAML documents; Juju (yaml.v2 Unmarshal) reads only the first and silently drops the rest`,
    );
  }
  return Ok(settings);
}
