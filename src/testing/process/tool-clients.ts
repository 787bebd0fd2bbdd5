// The fake hook-tool executables: tiny clients that forward argv (and stdin for `--file -`) to
// the model's agent socket and print its reply. A C client (compiled once with `cc`, cached in
// the temp dir by source hash) costs about a process start; the Node fallback costs a Node start.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_MAGIC } from './agent-socket.js';
import { HOOK_TOOL_NAMES } from './tool-commands.js';

export type ToolClientKind = 'c' | 'node';

const C_SOURCE = `/* juju-reactive fake hook tool: forwards one call to the model's agent socket. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) { if (errno == EINTR) continue; return -1; }
    p += w; n -= (size_t)w;
  }
  return 0;
}

static int send_field(int fd, const char *s) { return write_all(fd, s, strlen(s) + 1); }

static void die(const char *msg) { fprintf(stderr, "ERROR %s\\n", msg); exit(1); }

int main(int argc, char **argv) {
  const char *sock = getenv("JUJU_AGENT_SOCKET_ADDRESS");
  const char *ctx = getenv("JUJU_CONTEXT_ID");
  if (!sock || !*sock || !ctx || !*ctx)
    die("JUJU_AGENT_SOCKET_ADDRESS and JUJU_CONTEXT_ID are not set: hook tools only work inside a hook");
  const char *tool = strrchr(argv[0], '/');
  tool = tool ? tool + 1 : argv[0];
  int want_stdin = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) break;
    if (strcmp(argv[i], "--file=-") == 0 ||
        (strcmp(argv[i], "--file") == 0 && i + 1 < argc && strcmp(argv[i + 1], "-") == 0))
      want_stdin = 1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) die("cannot create a socket");
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (strlen(sock) >= sizeof addr.sun_path) die("agent socket path too long");
  strcpy(addr.sun_path, sock);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("cannot connect to the model's agent socket");
  char num[32];
  snprintf(num, sizeof num, "%d", argc - 1);
  if (send_field(fd, "${PROTOCOL_MAGIC}") || send_field(fd, ctx) || send_field(fd, tool) || send_field(fd, num))
    die("cannot write to the agent socket");
  for (int i = 1; i < argc; i++)
    if (send_field(fd, argv[i])) die("cannot write to the agent socket");
  if (want_stdin) {
    char buf[65536];
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0)
      if (write_all(fd, buf, (size_t)n)) die("cannot write to the agent socket");
  }
  shutdown(fd, SHUT_WR);
  size_t cap = 65536, len = 0;
  char *resp = malloc(cap);
  if (!resp) die("out of memory");
  for (;;) {
    if (len == cap) { cap *= 2; resp = realloc(resp, cap); if (!resp) die("out of memory"); }
    ssize_t n = read(fd, resp + len, cap - len);
    if (n < 0) { if (errno == EINTR) continue; die("cannot read from the agent socket"); }
    if (n == 0) break;
    len += (size_t)n;
  }
  long vals[3];
  size_t pos = 0;
  for (int k = 0; k < 3; k++) {
    char *end = memchr(resp + pos, 0, len - pos);
    if (!end) die("bad reply from the model");
    vals[k] = strtol(resp + pos, NULL, 10);
    pos = (size_t)(end - resp) + 1;
  }
  if (vals[1] < 0 || vals[2] < 0 || pos + (size_t)vals[1] + (size_t)vals[2] > len) die("short reply from the model");
  write_all(1, resp + pos, (size_t)vals[1]);
  write_all(2, resp + pos + vals[1], (size_t)vals[2]);
  return (int)vals[0];
}
`;

function nodeClientSource(tool: string): string {
  return `#!${process.execPath}
'use strict';
// juju-reactive fake hook tool (${tool}): forwards one call to the model's agent socket.
const net = require('node:net');
const sock = process.env.JUJU_AGENT_SOCKET_ADDRESS;
const ctx = process.env.JUJU_CONTEXT_ID;
if (!sock || !ctx) {
  process.stderr.write('ERROR JUJU_AGENT_SOCKET_ADDRESS and JUJU_CONTEXT_ID are not set: hook tools only work inside a hook\\n');
  process.exit(1);
}
const args = process.argv.slice(2);
const end = args.indexOf('--');
const flags = end < 0 ? args : args.slice(0, end);
const wantStdin = flags.includes('--file=-') || flags.some((a, i) => a === '--file' && flags[i + 1] === '-');
const head = Buffer.from(['${PROTOCOL_MAGIC}', ctx, ${JSON.stringify(tool)}, String(args.length), ...args].map((s) => s + '\\0').join(''));
const stdin = wantStdin ? require('node:fs').readFileSync(0) : Buffer.alloc(0);
const chunks = [];
const socket = net.connect(sock);
socket.on('error', (e) => { process.stderr.write('ERROR cannot reach the model agent socket: ' + e.message + '\\n'); process.exit(1); });
socket.on('data', (c) => chunks.push(c));
socket.on('end', () => {
  const reply = Buffer.concat(chunks);
  const fields = [];
  let pos = 0;
  for (let k = 0; k < 3; k++) { const e = reply.indexOf(0, pos); fields.push(Number(reply.toString('utf8', pos, e))); pos = e + 1; }
  process.stdout.write(reply.subarray(pos, pos + fields[1]));
  process.stderr.write(reply.subarray(pos + fields[1], pos + fields[1] + fields[2]));
  process.exitCode = fields[0];
});
socket.end(Buffer.concat([head, stdin]));
`;
}

/** Compile the C client once per source version (cached under the temp dir); undefined if no `cc`. */
function compiledClient(): string | undefined {
  const hash = createHash('sha256').update(C_SOURCE).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `juju-reactive-tool-${hash}`);
  const binary = join(dir, 'juju-reactive-tool');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const source = join(dir, `client-${process.pid}.c`);
  const temp = join(dir, `juju-reactive-tool.${process.pid}.tmp`);
  writeFileSync(source, C_SOURCE);
  const compiled = spawnSync('cc', ['-O2', '-o', temp, source], { encoding: 'utf8' });
  rmSync(source, { force: true });
  if (compiled.error !== undefined || compiled.status !== 0) {
    rmSync(temp, { force: true });
    return undefined;
  }
  renameSync(temp, binary);
  return binary;
}

/**
 * Install one executable per hook tool in `dir`. With `auto`, the C client when `cc` can build
 * it, else the Node client. Returns the kind installed.
 */
export function installToolClients(dir: string, wanted: 'auto' | ToolClientKind): ToolClientKind {
  mkdirSync(dir, { recursive: true });
  const binary = wanted === 'node' ? undefined : compiledClient();
  if (wanted === 'c' && binary === undefined) {
    throw new Error('toolClient "c" needs a working `cc` to compile the fake hook-tool client');
  }
  for (const tool of HOOK_TOOL_NAMES) {
    const path = join(dir, tool);
    if (binary !== undefined) {
      symlinkSync(binary, path);
    } else {
      writeFileSync(path, nodeClientSource(tool), { mode: 0o755 });
      chmodSync(path, 0o755);
    }
  }
  return binary === undefined ? 'node' : 'c';
}
