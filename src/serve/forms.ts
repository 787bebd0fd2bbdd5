// The create and delete forms of Mysos' cluster API, and cluster names: read untrusted form
// fields into typed requests, or a 400 message that says which field is wrong and why.
// Messages never repeat a password.
import { copyParams } from '../testing/action-run.js';
import { type InstanceSize, parseSize } from './size.js';

/** A form as a framework parsed it: strings, files (multipart), or lists of either. */
export type FormFields = Readonly<Record<string, unknown>>;

/** A validated `POST /clusters/<name>`. */
export interface CreateRequest {
  /** The MySQL user of every instance (the charm's `cluster-user`). */
  readonly user: string;
  /** How many units to deploy. */
  readonly numNodes: number;
  /** Each instance's size, recorded as the deployment's constraints. */
  readonly size: InstanceSize;
  /** The password the caller chose; undefined: generate one. */
  readonly password: string | undefined;
}

/** Success or a message for a 400 response. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/**
 * Check a cluster name (the `<name>` of `/clusters/<name>`): 1 to 63 letters, digits, `_` or
 * `-`, starting with a letter or digit (Mysos' own example is `test_cluster3`). The name
 * becomes a ZooKeeper node and a model name, so nothing path-like gets through.
 */
export function checkClusterName(name: string): string | undefined {
  if (NAME_RE.test(name)) return undefined;
  const shown = name.length > 70 ? `${name.slice(0, 70)}…` : name;
  return `Invalid cluster name: ${JSON.stringify(shown)} (use 1 to 63 letters, digits, '_' or '-', starting with a letter or digit)`;
}

// MySQL user names are at most 32 characters (MySQL 8.0 reference, "Grant Tables": User column
// CHAR(32)). We also keep them to letters, digits and '_' because the charm puts them in SQL.
const USER_RE = /^[A-Za-z0-9_]{1,32}$/;

/** The most units one cluster may ask for: this is a simulator sharing one process. */
export const MAX_NODES = 64;

/** The longest password accepted. */
export const MAX_PASSWORD_LENGTH = 128;

/** Read one form field: absent, a string, or an error (a file, or the field given twice). */
function field(form: FormFields, key: string): Parsed<string | undefined> {
  const value = form[key];
  if (value === undefined) return { ok: true, value: undefined };
  if (typeof value === 'string') return { ok: true, value };
  if (Array.isArray(value)) return { ok: false, error: `'${key}' was given more than once` };
  return { ok: false, error: `'${key}' must be a form field, not a file` };
}

/**
 * Validate a create form in Mysos' order (mysos/scheduler/scheduler.py, create_cluster): user,
 * then node count, then size. `backup_id` is refused: this control plane keeps no backups
 * (see docs/serve.md), and Mysos' contract says a given backup_id is restored from, so
 * accepting and ignoring it would start an empty cluster the caller did not ask for.
 */
export function parseCreateForm(form: FormFields): Parsed<CreateRequest> {
  const user = field(form, 'cluster_user');
  if (!user.ok) return user;
  if (user.value === undefined || user.value === '') {
    return { ok: false, error: 'Invalid user name: cluster_user is required' };
  }
  if (!USER_RE.test(user.value)) {
    const shown = user.value.length > 40 ? `${user.value.slice(0, 40)}…` : user.value;
    return {
      ok: false,
      error: `Invalid user name: ${JSON.stringify(shown)} (use 1 to 32 letters, digits or '_')`,
    };
  }
  const nodes = field(form, 'num_nodes');
  if (!nodes.ok) return nodes;
  let numNodes = 1;
  if (nodes.value !== undefined) {
    const text = nodes.value.trim();
    const shown = JSON.stringify(text.length > 20 ? `${text.slice(0, 20)}…` : text);
    if (!/^\+?\d{1,9}$/.test(text)) {
      return { ok: false, error: `Invalid number of cluster nodes: ${shown} is not an integer` };
    }
    numNodes = Number(text);
    if (numNodes <= 0) return { ok: false, error: `Invalid number of cluster nodes: ${numNodes}` };
    if (numNodes > MAX_NODES) {
      return {
        ok: false,
        error: `Invalid number of cluster nodes: ${numNodes} (this control plane runs at most ${MAX_NODES} per cluster)`,
      };
    }
  }
  const sizeText = field(form, 'size');
  if (!sizeText.ok) return sizeText;
  const size = parseSize(sizeText.value);
  if (!size.ok) return size;
  const backup = field(form, 'backup_id');
  if (!backup.ok) return backup;
  if (backup.value !== undefined && backup.value !== '') {
    return {
      ok: false,
      error:
        'backup_id is not supported: this control plane keeps no backups of its simulated clusters, ' +
        'so there is nothing to restore from; leave it out to start an empty cluster',
    };
  }
  const password = field(form, 'cluster_password');
  if (!password.ok) return password;
  if (password.value !== undefined && password.value !== '') {
    const problem = checkPassword(password.value, 'cluster_password');
    if (problem !== undefined) return { ok: false, error: problem };
  }
  return {
    ok: true,
    value: {
      user: user.value,
      numNodes,
      size: size.size,
      password: password.value === '' ? undefined : password.value,
    },
  };
}

/** Validate a delete form: `password` is required. */
export function parseDeleteForm(form: FormFields): Parsed<string> {
  const password = field(form, 'password');
  if (!password.ok) return password;
  if (password.value === undefined || password.value === '') {
    return { ok: false, error: "'password' is required to delete a cluster" };
  }
  const problem = checkPassword(password.value, 'password');
  if (problem !== undefined) return { ok: false, error: problem };
  return { ok: true, value: password.value };
}

function checkPassword(value: string, key: string): string | undefined {
  if (value.length > MAX_PASSWORD_LENGTH) {
    return `'${key}' is longer than ${MAX_PASSWORD_LENGTH} characters`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return `'${key}' must not contain control characters`;
  return undefined;
}

/**
 * Validate an action form: `params`, when given, is a JSON object of param name to value (what
 * `juju run <unit> <action> --params file.yaml` would carry), at most 32 levels deep. The
 * charm checks the params against its actions.yaml schema when the action runs.
 */
export function parseActionForm(form: FormFields): Parsed<Record<string, unknown>> {
  const text = field(form, 'params');
  if (!text.ok) return text;
  if (text.value === undefined || text.value.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text.value);
  } catch {
    return { ok: false, error: "'params' must be JSON text: an object of param name to value" };
  }
  const copied = copyParams(value);
  return copied.ok ? copied : { ok: false, error: `'params': ${copied.message}` };
}
