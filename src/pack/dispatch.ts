// The `dispatch` script pack writes when a charm has none: Juju runs it for every hook
// (JUJU_DISPATCH_PATH names the hook). It calls no other program: with the Node the charm
// carries, it runs on a machine whose PATH has nothing but the hook tools.
import { START_FILE } from './start-file.js';

/** Where a packed charm carries its Node, relative to the charm dir. */
export const VENDORED_NODE = 'node/bin/node';

/**
 * The Node options every hook runs with. `--min-semi-space-size=8` (MiB): V8 starts the young
 * generation at 1 MiB, so a hook's start-up (which allocates 2-3 MiB, nearly all of it kept to
 * the end) ran two or more scavenges of about 2 ms each, copying what it had just built; with
 * 8 MiB a hook at 2 peers runs none (at 32 peers, none or one instead of four) and its peak RSS
 * stays as it was. V8 keys its code cache to its flags: the cache dist/charm.cjs keeps is
 * written and read under these same options.
 */
export const HOOK_NODE_OPTIONS = '--min-semi-space-size=8';

/**
 * The dispatch for a charm. `vendored`: run the Node the charm carries (VENDORED_NODE).
 * Otherwise the machine's `node` (Node 20 or later on PATH; `command -v` is a shell builtin, so
 * the check costs nothing; the version is checked by dist/charm.cjs in the same process).
 */
export function dispatchScript(charmName: string, { vendored }: { vendored: boolean }): string {
  // `${0%/*}` is dirname without a process: Juju always sets JUJU_CHARM_DIR anyway.
  const head = `#!/bin/sh
# Juju runs this file for every hook. It starts the charm bundled by \`juju-reactive pack\`.
JUJU_CHARM_DIR="\${JUJU_CHARM_DIR:-\${0%/*}}"
`;
  if (vendored) {
    return `${head}# The charm carries its own Node.js (${VENDORED_NODE}): the machine needs none.
exec "$JUJU_CHARM_DIR/${VENDORED_NODE}" ${HOOK_NODE_OPTIONS} "$JUJU_CHARM_DIR/dist/${START_FILE}"
`;
  }
  return `${head}# The machine needs Node.js 20 or later on PATH before the first hook (install) runs.
if ! command -v node >/dev/null 2>&1; then
  echo "${charmName}: node is not installed on this machine; this charm needs Node.js 20 or later" >&2
  exit 1
fi
exec node ${HOOK_NODE_OPTIONS} "$JUJU_CHARM_DIR/dist/${START_FILE}"
`;
}
