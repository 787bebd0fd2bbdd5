// MySQL Shell's tag option rules and built-in conversions, case by case, with the exact texts
// of mysql/mysql-shell modules/adminapi/common/base_cluster_impl.cc
// (validate_set_option_namespace) and unittest/scripts/auto/js_adminapi/scripts/cluster_set_option.js.
import type { JsonValue } from 'juju-reactive';
import { describe, expect, it } from 'vitest';
import {
  parseTagOption,
  shellTypeName,
  tagValue,
} from '../../../examples/shared/adminapi-tags/index.js';
import { failure } from './helpers.js';

describe('tag options (base_cluster_impl.cc validate_set_option_namespace)', () => {
  const rejected: Array<[string, string, string]> = [
    // rule 1: split once at the first ':'; empty namespace or name
    ['tag:', "'tag:' is not a valid identifier.", 'cluster_set_option.js: "tag:"'],
    [':hidden', "':hidden' is not a valid identifier.", 'empty namespace'],
    [
      ':invalid_symbol#',
      "':invalid_symbol#' is not a valid identifier.",
      'cluster_set_option.js: empty namespace is checked before the name',
    ],
    [':', "':' is not a valid identifier.", 'a lone colon'],
    ['::', "'::' is not a valid identifier.", 'split once: namespace empty, name ":"'],
    // rule 2: only `tag`, exact case, checked before the name
    ['TAG:location', "Namespace 'TAG' not supported.", 'namespace is case-sensitive'],
    ['Tag:location', "Namespace 'Tag' not supported.", 'namespace is case-sensitive (Tag)'],
    [
      'unsupported_namespace:invalid_symbol#',
      "Namespace 'unsupported_namespace' not supported.",
      'cluster_set_option.js: namespace before name',
    ],
    [' tag:location', "Namespace ' tag' not supported.", 'no trimming of the namespace'],
    // rule 3: ASCII identifier
    [
      'tag:invalid_symbol#',
      "'invalid_symbol#' is not a valid tag identifier.",
      'cluster_set_option.js: symbol',
    ],
    ['tag:1st', "'1st' is not a valid tag identifier.", 'digit first'],
    ['tag:a:b', "'a:b' is not a valid tag identifier.", 'split once: the rest keeps its colon'],
    ['tag:café', "'café' is not a valid tag identifier.", 'non-ASCII letter (C locale isalpha)'],
    ['tag:my-tag', "'my-tag' is not a valid tag identifier.", 'hyphen'],
    ['tag:a b', "'a b' is not a valid tag identifier.", 'space'],
    // rule 4: `_` names must be built-ins
    [
      'tag:_invalid_builtin',
      "'_invalid_builtin' is not a valid built-in tag.",
      'cluster_set_option.js: unknown built-in',
    ],
    ['tag:_Hidden', "'_Hidden' is not a valid built-in tag.", 'built-ins are case-sensitive'],
    ['tag:__proto__', "'__proto__' is not a valid built-in tag.", '__proto__ is refused'],
    ['tag:_', "'_' is not a valid built-in tag.", 'a lone underscore'],
    // no namespace: not a tag option (set_option.cc / set_instance_option.cc texts)
    ['location', "Option 'location' not supported.", 'no colon at all'],
  ];
  it.each(rejected)('rejects %j with %j (%s)', (option, message) => {
    expect(failure(() => parseTagOption(option))).toEqual({ kind: 'ArgumentError', message });
  });

  const accepted: Array<[string, string]> = [
    ['tag:location', 'location'],
    ['tag:_hidden', '_hidden'],
    ['tag:_disconnect_existing_sessions_when_hidden', '_disconnect_existing_sessions_when_hidden'],
    ['tag:Zone_2', 'Zone_2'],
    ['tag:constructor', 'constructor'],
  ];
  it.each(accepted)('accepts %j as the tag %j', (option, name) => {
    expect(parseTagOption(option)).toBe(name);
  });
});

describe('built-in values (types.cc Value::as_bool, utils_general.h lexical_cast<bool>)', () => {
  const converted: Array<[JsonValue, boolean, string]> = [
    [true, true, 'a boolean as it is'],
    [false, false, 'a boolean as it is'],
    [1, true, 'cluster_set_option.js: setOption("tag:_hidden", 1)'],
    [0, false, 'zero'],
    [0.0, false, 'cluster_set_option.js: 0.0'],
    [-3, true, 'any non-zero number'],
    [0.5, true, 'a non-zero float'],
    ['true', true, 'the string true'],
    ['TRUE', true, 'any letter case'],
    ['False', false, 'any letter case'],
    ['1', true, 'a string that reads as 1'],
    ['0', false, 'a string that reads as 0'],
    ['+1', true, 'a sign is read'],
    ['0001', true, 'leading zeros'],
    [' 1', true, 'leading white space is skipped by >>'],
    [' -0', false, 'minus after white space passes the unsigned peek'],
  ];
  it.each(converted)('converts %j to %j (%s)', (value, expected) => {
    expect(tagValue('_hidden', value)).toBe(expected);
    expect(tagValue('_disconnect_existing_sessions_when_hidden', value)).toBe(expected);
  });

  const typeErrors: Array<[string, JsonValue, string]> = [
    ['_hidden', '123', 'String'],
    ['_hidden', [true], 'Array'],
    ['_disconnect_existing_sessions_when_hidden', 'invalid', 'String'],
    ['_disconnect_existing_sessions_when_hidden', [123], 'Array'],
    ['_hidden', { on: true }, 'Map'],
    ['_hidden', '2', 'String'],
    ['_hidden', '-0', 'String'],
    ['_hidden', '-1', 'String'],
    ['_hidden', '1 ', 'String'],
    ['_hidden', 'yes', 'String'],
    ['_hidden', '', 'String'],
    ['_hidden', ' true', 'String'],
    ['_hidden', '0x1', 'String'],
    ['_hidden', '1.0', 'String'],
    ['_hidden', '007', 'String'],
  ];
  it.each(typeErrors)('%s = %j is a TypeError naming the type %s', (name, value, type) => {
    expect(failure(() => tagValue(name, value))).toEqual({
      kind: 'TypeError',
      message: `Built-in tag '${name}' is expected to be of type Bool, but is ${type}`,
    });
  });

  it('passes null (removal) and custom values through unchanged', () => {
    expect(tagValue('_hidden', null)).toBeNull();
    expect(tagValue('location', 'yes')).toBe('yes');
    expect(tagValue('weights', [1, { a: null }])).toEqual([1, { a: null }]);
  });

  it("names JSON types as shcore's type_name() does", () => {
    expect([null, true, 1, 1.5, 's', [], {}].map((v) => shellTypeName(v as JsonValue))).toEqual([
      'Null',
      'Bool',
      'Integer',
      'Float',
      'String',
      'Array',
      'Map',
    ]);
  });
});
