// The model's agent socket: a unix domain socket the fake hook tools connect to, one call per
// connection. Request: NUL-separated `JRS1`, context id, tool, argc, args, then stdin bytes
// until the client half-closes. Reply: `exit\0outLen\0errLen\0` + stdout + stderr bytes.
import { createServer, type Server, type Socket } from 'node:net';

export const PROTOCOL_MAGIC = 'JRS1';

/** One hook-tool invocation as the client sent it. */
export interface ToolRequest {
  readonly contextId: string;
  readonly tool: string;
  readonly args: readonly string[];
  readonly stdin: Buffer;
}

/** What the tool prints and its exit code. */
export interface ToolReply {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Parse a request frame; a string says what is wrong with it. */
export function parseRequest(frame: Buffer): ToolRequest | string {
  const fields: string[] = [];
  let pos = 0;
  const next = (): string | undefined => {
    const end = frame.indexOf(0, pos);
    if (end < 0) return undefined;
    const field = frame.toString('utf8', pos, end);
    pos = end + 1;
    return field;
  };
  const magic = next();
  if (magic !== PROTOCOL_MAGIC) return 'not a juju-reactive tool request';
  const contextId = next();
  const tool = next();
  const argc = Number(next());
  if (contextId === undefined || tool === undefined || !Number.isInteger(argc) || argc < 0) {
    return 'malformed tool request';
  }
  for (let i = 0; i < argc; i++) {
    const arg = next();
    if (arg === undefined) return 'malformed tool request (arguments)';
    fields.push(arg);
  }
  return { contextId, tool, args: fields, stdin: frame.subarray(pos) };
}

export function encodeReply(reply: ToolReply): Buffer {
  const out = Buffer.from(reply.stdout, 'utf8');
  const err = Buffer.from(reply.stderr, 'utf8');
  const header = Buffer.from(`${reply.exitCode}\0${out.length}\0${err.length}\0`, 'utf8');
  return Buffer.concat([header, out, err]);
}

export type ToolHandler = (request: ToolRequest) => ToolReply;

/** Listen on `path`; every connection is one tool call answered by `handle`. */
export async function listenAgentSocket(path: string, handle: ToolHandler): Promise<Server> {
  const server = createServer((socket: Socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('end', () => {
      const request = parseRequest(Buffer.concat(chunks));
      let reply: ToolReply;
      if (typeof request === 'string') {
        reply = { exitCode: 1, stdout: '', stderr: `ERROR ${request}\n` };
      } else {
        try {
          reply = handle(request);
        } catch (error) {
          reply = {
            exitCode: 1,
            stdout: '',
            stderr: `ERROR simulator failure in ${request.tool}: ${(error as Error).message}\n`,
          };
        }
      }
      socket.end(encodeReply(reply));
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  return server;
}
