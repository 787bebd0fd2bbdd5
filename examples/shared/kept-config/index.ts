// kept-config: config values (and addresses) a relation hook or update-status need not read
// again, because Juju runs config-changed first when they change. See README.md.
export { configOption, keptOptionKey, sinceConfigChanged } from './since-config-changed.js';
