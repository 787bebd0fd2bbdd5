// Preloaded (node -r) into benchmark hook processes only, never into timed runs: records how
// long each hook-tool call takes inside the hook (wall time of one spawn, whichever way the
// library spawns: the spawn_sync binding, or child_process.spawnSync) and writes the list to
// $JR_BENCH_SPY_OUT when the process exits.
'use strict';
const { writeFileSync } = require('node:fs');

const calls = [];
const timed = (spawn, toolOf) =>
  function timedSpawn(...args) {
    const started = performance.now();
    try {
      return spawn.apply(this, args);
    } finally {
      calls.push({ tool: toolOf(...args), ms: performance.now() - started });
    }
  };
const toolName = (file) => String(file).split('/').pop();

// The library's lean path (src/juju/spawn-tool.ts): process.binding('spawn_sync').spawn.
const binding = process.binding;
let spawnSyncBinding;
process.binding = function spiedBinding(name) {
  const real = binding.call(process, name);
  if (name !== 'spawn_sync') return real;
  spawnSyncBinding ??= { spawn: timed(real.spawn.bind(real), (options) => toolName(options.file)) };
  return spawnSyncBinding;
};
// Its fallback, and older bundles: child_process.spawnSync.
const childProcess = require('node:child_process');
childProcess.spawnSync = timed(childProcess.spawnSync, (command) => toolName(command));

process.on('exit', () => {
  const out = process.env.JR_BENCH_SPY_OUT;
  if (out) writeFileSync(out, JSON.stringify(calls));
});
