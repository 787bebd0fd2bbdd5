// Preloaded (node -r) into benchmark hook processes only, never into timed runs: records how
// long each hook-tool call takes inside the hook (wall time of spawnSync) and writes the list
// to $JR_BENCH_SPY_OUT when the process exits.
'use strict';
const childProcess = require('node:child_process');
const { writeFileSync } = require('node:fs');

const spawnSync = childProcess.spawnSync;
const calls = [];
childProcess.spawnSync = function timedSpawnSync(command, ...rest) {
  const started = performance.now();
  try {
    return spawnSync.call(this, command, ...rest);
  } finally {
    calls.push({ tool: String(command).split('/').pop(), ms: performance.now() - started });
  }
};
process.on('exit', () => {
  const out = process.env.JR_BENCH_SPY_OUT;
  if (out) writeFileSync(out, JSON.stringify(calls));
});
