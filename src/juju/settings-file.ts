// The YAML file `relation-set --file -` and `state-set --file -` read, written so that Juju
// stores every key and value exactly as given.
//
// Juju reads that file with gopkg.in/yaml.v2 `Unmarshal` into a map[string]string
// (juju worker/uniter/runner/jujuc/relation-set.go `readSettings`; state-set.go calls the same
// `readSettings`). yaml.v2 (libyaml ported to Go) then:
// - refuses the whole file, so the hook tool fails, on any raw character outside TAB, LF, CR,
//   U+0020–U+007E, U+0085, U+00A0–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF:
//   "yaml: control characters are not allowed" (go-yaml v2 readerc.go `yaml_parser_update_buffer`);
// - treats raw CR, LF, U+0085 (NEL), U+2028 (LS) and U+2029 (PS) inside a quoted scalar as line
//   breaks: spaces around them are dropped, NEL and LF fold to a space, CR LF to LF
//   (go-yaml v2 scannerc.go `read_line`, `yaml_parser_scan_flow_scalar`);
// - ends an implicit (simple) key that runs more than 1024 characters: "could not find expected
//   ':'" (scannerc.go `yaml_parser_save_simple_key`/`stale_simple_keys`).
// So every key and value is written as a double-quoted scalar on one line, with every character
// that yaml.v2 refuses or rewrites escaped (double-quoted escapes of scannerc.go: \0 \a \b \t \n
// \v \f \r \e \" \\ \N \_ \L \P \xXX \uXXXX \UXXXXXXXX), and keys that could reach 1024
// characters use the explicit `? key` form.
import { Err, Ok, type Result } from 'ts-results-es';

/** Longest encoded key written as an implicit key; libyaml allows 1024 characters to the `:`. */
const MAX_IMPLICIT_KEY = 1000;

const NAMED_ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x00, '\\0'],
  [0x07, '\\a'],
  [0x08, '\\b'],
  [0x09, '\\t'],
  [0x0a, '\\n'],
  [0x0b, '\\v'],
  [0x0c, '\\f'],
  [0x0d, '\\r'],
  [0x1b, '\\e'],
  [0x22, '\\"'],
  [0x5c, '\\\\'],
  [0x85, '\\N'],
  [0x2028, '\\L'],
  [0x2029, '\\P'],
]);

/**
 * True for a character yaml.v2 keeps unchanged when it appears raw inside a one-line
 * double-quoted scalar: printable, not a line break, not the BOM (invisible, and skipped at the
 * start of a line outside scalars), not `"` or `\`.
 */
function keptRaw(code: number): boolean {
  if (code === 0x22 || code === 0x5c) return false;
  if (code >= 0x20 && code <= 0x7e) return true;
  if (code >= 0xa0 && code <= 0xd7ff) return code !== 0x2028 && code !== 0x2029;
  if (code >= 0xe000 && code <= 0xfffd) return code !== 0xfeff;
  return code >= 0x10000 && code <= 0x10ffff;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `text` holds a lone UTF-16 surrogate, which no UTF-8 (hence no Juju) string can. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

/**
 * `text` as a YAML double-quoted scalar that yaml.v2 reads back as exactly `text`, or undefined
 * when `text` holds a lone UTF-16 surrogate (no UTF-8 string, hence no Juju string, can).
 */
export function quoteScalar(text: string): string | undefined {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0xd800 && code <= 0xdfff) return undefined;
    if (keptRaw(code)) {
      out += ch;
      continue;
    }
    const named = NAMED_ESCAPES.get(code);
    if (named !== undefined) out += named;
    else if (code <= 0xff) out += `\\x${hex(code, 2)}`;
    else if (code <= 0xffff) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return `${out}"`;
}

/**
 * The settings as the YAML map document `relation-set --file` and `state-set --file` read, one
 * entry a line, every key and value double-quoted and escaped so that Juju stores it unchanged.
 * An Err names the key whose key or value holds a lone UTF-16 surrogate: such a string has no
 * UTF-8 form (Node would silently write U+FFFD instead).
 *
 * @example
 * encodeSettingsFile({ ready: 'True', note: 'a\u0085b' }).unwrap();
 * // '"ready": "True"\n"note": "a\\Nb"\n'
 */
export function encodeSettingsFile(data: Readonly<Record<string, string>>): Result<string, string> {
  let out = '';
  for (const [key, value] of Object.entries(data)) {
    const k = quoteScalar(key);
    if (k === undefined) {
      return Err(`key ${JSON.stringify(key)} holds a lone UTF-16 surrogate; Juju cannot store it`);
    }
    const v = quoteScalar(value);
    if (v === undefined) {
      return Err(
        `the value of key ${JSON.stringify(key)} holds a lone UTF-16 surrogate; Juju cannot store it`,
      );
    }
    out += k.length > MAX_IMPLICIT_KEY ? `? ${k}\n: ${v}\n` : `${k}: ${v}\n`;
  }
  return Ok(out === '' ? '{}\n' : out);
}
