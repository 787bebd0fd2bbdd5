// Child process for the secret-add kill test: adds one secret through ProcessHookTools with
// the hook tools on PATH (a secret-add that waits), until the parent kills it with SIGKILL.
import { ProcessHookTools } from '../../src/juju/process-hook-tools.js';

const [password] = process.argv.slice(2);
if (!password) throw new Error('usage: secret-add-writer <password>');
new ProcessHookTools().secretAdd({ password });
