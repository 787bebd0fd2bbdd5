/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The dashboard's script (served as /dashboard.js): renders each cluster from its JSON view
// and refreshes it when the event stream says it changed. Builds the DOM with textContent
// only (no HTML from data). Controls appear only when the cluster's capabilities allow them.

interface Hook {
  seq: number;
  label: string;
  ok: boolean;
  attempt: number;
  error?: string;
}
interface Unit {
  name: string;
  life: string;
  leader: boolean;
  primary: boolean;
  workload_status: { status: string; message: string };
  error: { hook: string; message: string } | null;
  flags: string[];
  pending_hooks: string[];
  recent_hooks: Hook[];
}
interface Detail {
  name: string;
  phase: string;
  error: string | null;
  cluster_url: string;
  cluster_user: string;
  num_nodes: number;
  constraints: string;
  leader: string | null;
  primary: string | null;
  hooks_run: number;
  capabilities: Record<string, boolean>;
  units: Unit[];
}

const CONTROL = { 'x-juju-reactive-control': '1' };
const byId = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;
const clusters = new Map<string, { root: HTMLElement; timer?: number }>();

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

async function request(method: string, path: string, body?: URLSearchParams, control = false) {
  const response = await fetch(path, {
    method,
    ...(body === undefined ? {} : { body }),
    headers: control ? CONTROL : {},
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status}: ${text}`);
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

function announce(text: string, error = false): void {
  const out = byId('create-result');
  out.textContent = text;
  out.className = error ? 'error' : '';
}

function fact(term: string, value: string): HTMLElement {
  return el('div', {}, el('dt', {}, term), el('dd', {}, value));
}

function skeleton(name: string): HTMLElement {
  const id = `cluster-${name}`;
  const root = el('article', {
    class: 'cluster',
    'aria-labelledby': `${id}-h`,
    'data-cluster': name,
  });
  const heading = el(
    'h3',
    { id: `${id}-h` },
    name,
    ' ',
    el('span', { class: 'badge', 'data-role': 'phase' }),
  );
  const facts = el('dl', { class: 'facts', 'data-role': 'facts' });
  const controls = el('div', { class: 'controls', 'data-role': 'controls' });
  const add = el('button', { type: 'button', 'data-control': 'add_unit' }, 'Add unit');
  add.addEventListener('click', () => control('POST', `/clusters/${name}/units`, 'Adding a unit'));
  const clock = el('form', { 'data-control': 'advance_clock', hidden: '' });
  clock.append(
    el('label', { for: `${id}-secs` }, 'Advance clock (s)'),
    el('input', { id: `${id}-secs`, name: 'seconds', type: 'number', min: '1', value: '300' }),
    el('button', { type: 'submit' }, 'Advance'),
  );
  clock.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = new URLSearchParams(new FormData(clock) as unknown as Record<string, string>);
    void control('POST', `/clusters/${name}/clock`, 'Advancing the clock', body);
  });
  const del = el('form', { 'aria-label': `Delete cluster ${name}` });
  del.append(
    el('label', { for: `${id}-pw` }, 'Password'),
    el('input', {
      id: `${id}-pw`,
      name: 'password',
      type: 'password',
      autocomplete: 'off',
      required: '',
    }),
    el('button', { type: 'submit', class: 'danger' }, 'Delete cluster'),
  );
  del.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = new URLSearchParams(new FormData(del) as unknown as Record<string, string>);
    request('DELETE', `/clusters/${name}`, body).then(
      () => announce(`Deleting ${name}: its units are departing.`),
      (error: Error) => announce(`Could not delete ${name}: ${error.message}`, true),
    );
  });
  controls.append(add, clock, del);
  const units = el('ul', {
    class: 'units',
    'aria-label': `Units of ${name}`,
    'data-role': 'units',
  });
  root.append(heading, facts, controls, units);
  return root;
}

async function control(method: string, path: string, what: string, body?: URLSearchParams) {
  try {
    const result = await request(method, path, body, true);
    announce(`${what}: ${JSON.stringify(result)}`);
  } catch (error) {
    announce(`${what} failed: ${(error as Error).message}`, true);
  }
}

/**
 * Hide `unit` from clients, or show it again: the AdminAPI tag `_hidden`, written by the
 * charm's `set-instance-option` action, which runs on the leader.
 */
function tagButtons(cluster: string, unit: Unit, leader: string): HTMLElement[] {
  const leaderNumber = leader.split('/')[1] ?? '';
  return [
    ['true', 'Hide from clients', `Hide ${unit.name} from clients`],
    ['false', 'Show to clients', `Show ${unit.name} to clients`],
  ].map(([value, text, label]) => {
    const button = el('button', { type: 'button', 'aria-label': label ?? '' }, text ?? '');
    const params = JSON.stringify({ instance: unit.name, option: 'tag:_hidden', value });
    button.addEventListener('click', () =>
      control(
        'POST',
        `/clusters/${cluster}/units/${leaderNumber}/actions/set-instance-option`,
        label ?? '',
        new URLSearchParams({ params }),
      ),
    );
    return button;
  });
}

function renderUnit(
  cluster: string,
  unit: Unit,
  canRemove: boolean,
  tagsVia: string | undefined,
): HTMLElement {
  const number = unit.name.split('/')[1] ?? '';
  const heading = el('h4', {}, unit.name);
  if (unit.leader) heading.append(el('span', { class: 'role' }, 'leader'));
  if (unit.primary) heading.append(el('span', { class: 'role primary' }, 'primary'));
  if (unit.life !== 'alive') heading.append(el('span', { class: 'role' }, unit.life));
  const st = unit.error ? 'error' : unit.workload_status.status;
  const message = unit.error
    ? `${unit.error.hook} failed: ${unit.error.message}`
    : unit.workload_status.message;
  const status = el('p', { class: `status st-${st}` }, `${st}${message ? `: ${message}` : ''}`);
  const flags = el('ul', { class: 'flags', 'aria-label': `Flags of ${unit.name}` });
  for (const flag of unit.flags) flags.append(el('li', {}, flag));
  const timeline = el('ol', {
    class: 'timeline',
    role: 'log',
    'aria-label': `Timeline of ${unit.name}`,
  });
  for (const hook of unit.recent_hooks) {
    timeline.append(
      el(
        'li',
        { class: hook.ok ? '' : 'failed' },
        el('span', { class: 'seq' }, `#${hook.seq}`),
        `${hook.ok ? '✓' : '✗'} ${hook.label}${hook.attempt > 1 ? ` (attempt ${hook.attempt})` : ''}`,
      ),
    );
  }
  const pending = el(
    'p',
    { class: 'pending' },
    unit.pending_hooks.length === 0
      ? ''
      : `${unit.pending_hooks.length} pending: ${unit.pending_hooks.slice(0, 3).join(', ')}${unit.pending_hooks.length > 3 ? ', …' : ''}`,
  );
  const item = el(
    'li',
    { class: 'unit', 'data-unit': unit.name },
    heading,
    status,
    flags,
    pending,
    timeline,
  );
  if (canRemove && unit.life === 'alive') {
    const remove = el(
      'button',
      { type: 'button', 'aria-label': `Remove ${unit.name}` },
      'Remove unit',
    );
    remove.addEventListener('click', () =>
      control('DELETE', `/clusters/${cluster}/units/${number}`, `Removing ${unit.name}`),
    );
    item.append(remove);
  }
  if (tagsVia !== undefined && unit.life === 'alive')
    item.append(...tagButtons(cluster, unit, tagsVia));
  queueMicrotask(() => {
    timeline.scrollTop = timeline.scrollHeight;
  });
  return item;
}

function render(detail: Detail): void {
  let entry = clusters.get(detail.name);
  if (entry === undefined) {
    entry = { root: skeleton(detail.name) };
    clusters.set(detail.name, entry);
    byId('clusters').append(entry.root);
  }
  const root = entry.root;
  const q = (role: string) => root.querySelector(`[data-role="${role}"]`) as HTMLElement;
  const phase = q('phase');
  phase.textContent = detail.phase;
  phase.className = `badge phase-${detail.phase}`;
  root.dataset['phase'] = detail.phase;
  q('facts').replaceChildren(
    fact('Units', `${detail.units.length} (asked for ${detail.num_nodes})`),
    fact('Leader', detail.leader ?? '—'),
    fact('Primary', detail.primary ?? 'not reported'),
    fact('Cluster user', detail.cluster_user),
    fact('Constraints', detail.constraints),
    fact('Hooks run', String(detail.hooks_run)),
    fact('Cluster URL', detail.cluster_url),
    ...(detail.error ? [fact('Error', detail.error)] : []),
  );
  for (const node of root.querySelectorAll<HTMLElement>('[data-control]')) {
    node.hidden = detail.capabilities[node.dataset['control'] ?? ''] !== true;
  }
  // Re-rendering must not steal keyboard focus from a unit's control.
  const units = q('units');
  const focused = document.activeElement;
  const focusedLabel = units.contains(focused) ? focused?.getAttribute('aria-label') : null;
  units.replaceChildren(
    ...detail.units.map((u) =>
      renderUnit(
        detail.name,
        u,
        detail.capabilities['remove_unit'] === true,
        detail.capabilities['hide_instance'] === true ? (detail.leader ?? undefined) : undefined,
      ),
    ),
  );
  if (focusedLabel) {
    for (const button of units.querySelectorAll<HTMLElement>('button[aria-label]')) {
      if (button.getAttribute('aria-label') === focusedLabel) button.focus();
    }
  }
  byId('no-clusters').hidden = clusters.size > 0;
}

// How many times each cluster name was removed from the page: a read that started before a
// removal must not draw the cluster again when its answer arrives after the removal.
const removals = new Map<string, number>();

async function refresh(name: string): Promise<void> {
  const epoch = removals.get(name) ?? 0;
  const response = await fetch(`/clusters/${encodeURIComponent(name)}`);
  if ((removals.get(name) ?? 0) !== epoch) return;
  if (response.status === 404) return remove(name);
  if (!response.ok) return;
  const detail = (await response.json()) as Detail;
  if ((removals.get(name) ?? 0) === epoch) render(detail);
}

function schedule(name: string): void {
  const entry = clusters.get(name);
  if (entry === undefined) {
    void refresh(name);
    return;
  }
  if (entry.timer !== undefined) return;
  entry.timer = window.setTimeout(() => {
    entry.timer = undefined;
    void refresh(name);
  }, 120);
}

function remove(name: string): void {
  removals.set(name, (removals.get(name) ?? 0) + 1);
  const entry = clusters.get(name);
  if (entry?.timer !== undefined) window.clearTimeout(entry.timer);
  entry?.root.remove();
  clusters.delete(name);
  byId('no-clusters').hidden = clusters.size > 0;
}

function connect(): void {
  const status = byId('connection');
  const events = new EventSource('/events');
  events.addEventListener('hello', (e) => {
    status.textContent = 'Live: following the model as it runs.';
    const { clusters: list } = JSON.parse((e as MessageEvent<string>).data) as {
      clusters: { name: string }[];
    };
    const names = new Set(list.map((c) => c.name));
    for (const name of [...clusters.keys()]) if (!names.has(name)) remove(name);
    for (const name of names) void refresh(name);
  });
  for (const type of ['hook', 'trace', 'phase']) {
    events.addEventListener(type, (e) => {
      const { cluster } = JSON.parse((e as MessageEvent<string>).data) as { cluster: string };
      schedule(cluster);
    });
  }
  events.addEventListener('removed', (e) => {
    remove((JSON.parse((e as MessageEvent<string>).data) as { cluster: string }).cluster);
  });
  events.addEventListener('error', () => {
    status.textContent = 'Disconnected; reconnecting…';
  });
}

const form = byId('create-form') as HTMLFormElement;
form.addEventListener('submit', (e) => {
  e.preventDefault();
  const data = new FormData(form);
  const name = String(data.get('name') ?? '');
  data.delete('name');
  const body = new URLSearchParams(data as unknown as Record<string, string>);
  request('POST', `/clusters/${encodeURIComponent(name)}`, body).then(
    (result) => {
      announce(`Created ${name}. Its password (shown once): ${String(result['cluster_password'])}`);
      schedule(name);
    },
    (error: Error) => announce(`Could not create ${name}: ${error.message}`, true),
  );
});
connect();
