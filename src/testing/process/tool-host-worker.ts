// The worker side of ToolHostThread (tool-host-thread.ts): a model and its ToolHost living on
// a worker thread, driven by messages, so that the tools keep answering while the thread that
// started them is blocked in a synchronous spawn (ProcessHookTools calls spawnSync).
import { parentPort } from 'node:worker_threads';
import { Charm } from '../../charm/charm.js';
import { Model } from '../model.js';
import { ToolHost } from './tool-host.js';
import { PLAIN_MODEL_METHODS, type ThreadReply, type ThreadRequest } from './tool-host-thread.js';

const port = parentPort;
if (port === null) throw new Error('tool-host-worker runs only as a worker thread');

const model = new Model();
const starting = ToolHost.start(model);

/** Plain data (structured-cloneable) of what a unit view shows. */
const unitSnapshot = (name: string) => {
  const view = model.unit(name);
  return {
    name: view.name,
    application: view.application,
    flags: [...view.flags],
    status: { ...view.status },
    isLeader: view.isLeader,
    address: view.address,
    ports: [...view.ports],
  };
};

async function handle(host: ToolHost, request: ThreadRequest): Promise<unknown> {
  switch (request.op) {
    case 'deploy': {
      const [app, metadata, options] = request.args;
      const units = await model.deploy(app, { charm: new Charm(), metadata, ...options });
      return units;
    }
    case 'model': {
      const [method, args] = request.args;
      if (!(PLAIN_MODEL_METHODS as readonly string[]).includes(method)) {
        throw new Error(
          `ToolHostThread.model: Model has no method ${method} that can cross threads`,
        );
      }
      const fn = model[method as (typeof PLAIN_MODEL_METHODS)[number]] as (
        ...a: unknown[]
      ) => unknown;
      return await fn.apply(model, args);
    }
    case 'unit':
      return unitSnapshot(request.args[0]);
    case 'openHook':
      return host.openHook(...request.args);
    case 'endHook':
      return host.endHook(...request.args);
    case 'runHook':
      return await host.runHook(...request.args);
    case 'calls':
      return host.calls();
    case 'clearCalls':
      return host.clearCalls();
    case 'failTool':
      return host.failTool(...request.args);
    case 'close':
      await host.close();
      await model.close();
      return undefined;
  }
}

port.on('message', (request: ThreadRequest) => {
  starting
    .then((host) => handle(host, request))
    .then(
      (value): ThreadReply => ({ id: request.id, ok: true, value }),
      (error: unknown): ThreadReply => ({
        id: request.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      }),
    )
    .then((reply) => {
      try {
        port.postMessage(reply);
      } catch (error) {
        // A value that cannot be cloned (a class instance with methods) is the caller's mistake.
        port.postMessage({
          id: request.id,
          ok: false,
          error: `cannot send the result of ${request.op}: ${(error as Error).message}`,
        } satisfies ThreadReply);
      }
    });
});
