// The HTTP app: Mysos' cluster API (create, delete; mysos/scheduler/http.py), machine-readable
// state, the event stream and the dashboard. Status codes and messages follow Mysos; every bad
// request gets a specific 4xx text, never a stack trace. Nothing here logs a request body.
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import type { CharmMetadata } from '../juju/metadata.js';
import { dashboardPage } from './dashboard-page.js';
import type { ZkDiscovery } from './discovery.js';
import { HttpError, NotFound } from './errors.js';
import type { ServeEvent } from './events.js';
import {
  checkClusterName,
  type FormFields,
  parseActionForm,
  parseCreateForm,
  parseDeleteForm,
} from './forms.js';
import { redactBag } from './redact.js';
import type { Registry } from './registry.js';
import { capabilities, detail, summary } from './view.js';

/** Largest request body accepted, in bytes (a create form is well under 1 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Events an SSE client may fall behind by before the server drops it. */
export const MAX_PENDING_EVENTS = 5000;

/** The header the dashboard's own controls send; a cross-site form cannot (no CORS here). */
export const CONTROL_HEADER = 'x-juju-reactive-control';

/** What the app needs. */
export interface AppOptions {
  readonly registry: Registry;
  readonly metadata: CharmMetadata;
  /** The dashboard's client script (already compiled). */
  readonly clientScript: string;
  /** Host header values accepted (DNS-rebinding guard); empty: accept any. */
  readonly allowedHosts: ReadonlySet<string>;
  /** One line per request: method, path, status. Never a body. */
  readonly log?: (line: string) => void;
  /** The ZooKeeper mirror, with `--zk`: its state joins `GET /clusters/<name>`. */
  readonly discovery?: ZkDiscovery;
  /** Resolves when the server is closing: event streams end. */
  readonly closing: Promise<void>;
}

/** Build the app. */
export function createApp(options: AppOptions): Hono {
  const { registry, metadata } = options;
  const app = new Hono();

  app.use(async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (options.allowedHosts.size > 0 && !options.allowedHosts.has(host.toLowerCase())) {
      return c.text(`Host ${JSON.stringify(host.slice(0, 100))} is not served here`, 421);
    }
    await next();
    options.log?.(`${c.req.method} ${new URL(c.req.url).pathname} ${c.res.status}`);
  });
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.text(`Request body larger than ${MAX_BODY_BYTES} bytes`, 413),
    }),
  );
  app.onError((error, c) => {
    if (error instanceof HttpError) return c.text(error.message, error.status);
    options.log?.(`internal error: ${error.message.split('\n')[0]}`);
    return c.text('Internal error (see the server log)', 500);
  });
  app.notFound((c) => c.text(`No route for ${c.req.method} ${new URL(c.req.url).pathname}`, 404));

  app.get('/', (c) =>
    c.html(dashboardPage({ charm: metadata.name, clusters: registry.list().map(summary) }), 200, {
      'content-security-policy':
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
    }),
  );
  app.get('/dashboard.js', (c) =>
    c.body(options.clientScript, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
    }),
  );

  app.get('/clusters', (c) => c.json({ clusters: registry.list().map(summary) }));

  app.get('/clusters/:name', (c) => {
    const cluster = known(c.req.param('name'));
    return c.json({
      ...detail(cluster, metadata),
      discovery: options.discovery?.state(cluster.name) ?? null,
    });
  });

  // Mysos: 200 {cluster_url, cluster_password}; 409 "Cluster '<name>' already exists";
  // 400 for a bad user, node count or size (mysos/scheduler/http.py, create).
  app.post('/clusters/:name', async (c) => {
    const name = c.req.param('name');
    const badName = checkClusterName(name) ?? registry.nameProblem(name);
    if (badName !== undefined) return c.text(badName, 400);
    const form = await readForm(c);
    if (!form.ok) return c.text(form.error, 400);
    // Mysos checks existence before the fields (scheduler.py, create_cluster).
    if (registry.get(name) !== undefined) return c.text(`Cluster '${name}' already exists`, 409);
    const request = parseCreateForm(form.value);
    if (!request.ok) return c.text(request.error, 400);
    // Mysos answers 503 when it cannot take a cluster now (ServiceUnavailable in http.py).
    if (registry.full) {
      return c.text(
        `Service unavailable: this control plane runs at most ${registry.maxClusters} clusters; delete one first`,
        503,
      );
    }
    const created = registry.create(name, request.value);
    if (created === undefined) return c.text(`Cluster '${name}' already exists`, 409);
    return c.json({ cluster_url: created.cluster.url, cluster_password: created.password });
  });

  // Mysos: 200 {cluster_url}; 404 "Cluster '<name>' not found"; 403 "No permission to kill
  // cluster <name>" (mysos/scheduler/http.py, remove; launcher.py, kill).
  app.delete('/clusters/:name', async (c) => {
    const name = c.req.param('name');
    const badName = checkClusterName(name);
    if (badName !== undefined) return c.text(badName, 400);
    const cluster = registry.get(name);
    if (cluster === undefined) return c.text(`Cluster '${name}' not found`, 404);
    const form = await readForm(c);
    if (!form.ok) return c.text(form.error, 400);
    const password = parseDeleteForm(form.value);
    if (!password.ok) return c.text(password.error, 400);
    if (!(await cluster.checkPassword(password.value))) {
      return c.text(`No permission to kill cluster ${name}`, 403);
    }
    cluster.delete();
    return c.json({ cluster_url: cluster.url });
  });

  // The dashboard's controls (not part of Mysos' API).
  app.post('/clusters/:name/units', async (c) => {
    guardControl(c);
    const cluster = known(c.req.param('name'));
    const unit = await cluster.addUnit();
    return c.json({ unit });
  });
  app.delete('/clusters/:name/units/:number', async (c) => {
    guardControl(c);
    const cluster = known(c.req.param('name'));
    const unit = unitName(cluster.app, c.req.param('number'));
    await cluster.removeUnit(unit);
    return c.json({ unit });
  });
  // Run an action on a unit, as `juju run <unit> <action>` does: 200 with its outcome (status
  // `completed` or `failed`, results with secret-looking keys masked, message, log lines).
  app.post('/clusters/:name/units/:number/actions/:action', async (c) => {
    guardControl(c);
    const cluster = known(c.req.param('name'));
    const unit = unitName(cluster.app, c.req.param('number'));
    const action = c.req.param('action');
    if (metadata.actions?.[action] === undefined) {
      return c.text(
        `Charm ${metadata.name} has no action ${JSON.stringify(action.slice(0, 60))}`,
        404,
      );
    }
    const form = await readForm(c);
    if (!form.ok) return c.text(form.error, 400);
    const params = parseActionForm(form.value);
    if (!params.ok) return c.text(params.error, 400);
    const result = await cluster.runAction(unit, action, params.value);
    return c.json({ unit, action, ...result, results: redactBag(result.results) });
  });
  app.post('/clusters/:name/clock', async (c) => {
    guardControl(c);
    const cluster = known(c.req.param('name'));
    if (!capabilities(cluster).advance_clock) {
      return c.text('not implemented: this model has no clock to advance', 501);
    }
    const form = await readForm(c);
    const raw = form.ok ? form.value['seconds'] : undefined;
    const seconds = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(seconds > 0)) return c.text("'seconds' must be a whole number from 1 to 999999", 400);
    await cluster.advanceClock(seconds);
    return c.json({ advanced: seconds });
  });

  // Server-sent events: every hook, status, flag and phase change, as it happens.
  app.get('/events', (c) => {
    const only = c.req.query('cluster');
    return streamSSE(c, async (stream) => {
      let pending: ServeEvent[] = [];
      let overflow = false;
      let done = false;
      let wake: (() => void) | undefined;
      const unsubscribe = registry.hub.subscribe((event) => {
        if (only !== undefined && event.cluster !== only) return;
        if (pending.length >= MAX_PENDING_EVENTS) overflow = true;
        else pending.push(event);
        wake?.();
      });
      const stop = () => {
        done = true;
        wake?.();
      };
      stream.onAbort(stop);
      void options.closing.then(stop);
      try {
        await stream.writeSSE({
          event: 'hello',
          data: JSON.stringify({ clusters: registry.list().map(summary) }),
        });
        while (!done && !overflow) {
          if (pending.length === 0) {
            let timer: NodeJS.Timeout | undefined;
            await new Promise<void>((resolve) => {
              wake = resolve;
              timer = setTimeout(resolve, 15_000);
            });
            clearTimeout(timer);
            wake = undefined;
            if (pending.length === 0 && !done) await stream.writeSSE({ event: 'ping', data: '{}' });
            continue;
          }
          const batch = pending;
          pending = [];
          for (const event of batch) {
            await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
          }
        }
        if (overflow) {
          await stream.writeSSE({
            event: 'overflow',
            data: JSON.stringify({ message: 'fell too far behind; reconnect and reload state' }),
          });
        }
      } finally {
        unsubscribe();
        await stream.close();
      }
    });
  });

  function known(name: string) {
    const badName = checkClusterName(name);
    if (badName !== undefined) throw new HttpError(400, badName);
    const cluster = registry.get(name);
    if (cluster === undefined) throw new NotFound(`Cluster '${name}' not found`);
    return cluster;
  }

  return app;
}

/** `<app>/<number>` from a path's unit number; a 400 for anything but a whole number. */
function unitName(app: string, number: string): string {
  if (!/^\d{1,6}$/.test(number)) {
    throw new HttpError(400, `Invalid unit number: ${JSON.stringify(number.slice(0, 20))}`);
  }
  return `${app}/${Number(number)}`;
}

function guardControl(c: Context): void {
  if (c.req.header(CONTROL_HEADER) === undefined) {
    throw new HttpError(403, `dashboard controls need the ${CONTROL_HEADER} header`);
  }
}

async function readForm(
  c: Context,
): Promise<{ ok: true; value: FormFields } | { ok: false; error: string }> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const hasBody =
    c.req.header('content-length') !== '0' && c.req.header('content-length') !== undefined;
  if (
    type !== '' &&
    type !== 'application/x-www-form-urlencoded' &&
    type !== 'multipart/form-data' &&
    (hasBody || c.req.header('transfer-encoding') !== undefined)
  ) {
    return {
      ok: false,
      error: `Send the form as application/x-www-form-urlencoded or multipart/form-data, not ${type.slice(0, 60)}`,
    };
  }
  try {
    return { ok: true, value: await c.req.parseBody({ all: true }) };
  } catch (error) {
    return {
      ok: false,
      error: `Could not read the form (send application/x-www-form-urlencoded or multipart/form-data): ${(error as Error).message.split('\n')[0]}`,
    };
  }
}
