// The parameters of the tag actions (`set-option`, `set-instance-option`) as `action-get`
// hands them over: checked, bounded, `value` decoded from JSON text, `instance` resolved.
import type { JsonValue } from 'juju-reactive';
import { TagError } from './errors.js';
import { decodeValueParam } from './json-value.js';

/** Longest `instance` parameter accepted (a unit name or `<address>:<port>`). */
export const MAX_INSTANCE_PARAM = 300;

/** A cluster instance an operator may name: by its unit or by its label. */
export interface ClusterInstance {
  readonly unit: string;
  /** `<host>:<port>`. */
  readonly label: string;
}

/** The checked parameters of `set-option` (cluster tags). */
export interface SetOptionParams {
  readonly option: string;
  readonly value: JsonValue;
}

function requireString(params: Readonly<Record<string, unknown>>, key: string): string {
  const v = params[key];
  if (typeof v !== 'string') {
    throw new TagError('ValueError', `parameter ${key} is required and must be a string`);
  }
  return v;
}

/**
 * `option` (a string) and `value` (JSON text, see decodeValueParam) from action-get's result.
 * `value` is required: removing a tag is `value=null`, as in MySQL Shell, where setOption
 * without a value is "Invalid number of arguments, expected 2 but got 1".
 */
export function readSetOptionParams(params: Readonly<Record<string, unknown>>): SetOptionParams {
  const option = requireString(params, 'option');
  if (!Object.hasOwn(params, 'value')) {
    throw new TagError(
      'ValueError',
      'parameter value is required: JSON text such as value=null (removes the tag), value=true or value=\'"US East"\'',
    );
  }
  return { option, value: decodeValueParam(params['value']) };
}

/**
 * The instance an operator named in `instance`: a unit name (`mysql/1`) or a label
 * (`10.0.0.2:3306`). Anything else is MySQL Shell's
 * `The instance '<instance>' does not belong to the Cluster.`
 * (Base_cluster_impl::set_instance_tag, modules/adminapi/common/base_cluster_impl.cc).
 */
export function resolveInstance(
  param: unknown,
  instances: readonly ClusterInstance[],
): ClusterInstance {
  if (typeof param !== 'string' || param === '') {
    throw new TagError(
      'ValueError',
      'parameter instance is required: a unit name or <address>:<port>',
    );
  }
  if (param.length > MAX_INSTANCE_PARAM) {
    throw new TagError(
      'LimitError',
      `instance is ${param.length} characters long; at most ${MAX_INSTANCE_PARAM} are accepted`,
    );
  }
  const found = instances.find((i) => i.unit === param) ?? instances.find((i) => i.label === param);
  if (!found) {
    throw new TagError('RuntimeError', `The instance '${param}' does not belong to the Cluster.`);
  }
  return found;
}
