// Logger: a charm's log lines go to juju-log, redacted, and to the runtime's events.
// Quiet by default: the framework itself logs nothing at INFO; tracing subscribes to events.
import type { HookSession } from '../juju/hook-session.js';
import type { LogLevel } from '../juju/hook-tools.js';
import type { Redactor } from '../juju/redact.js';
import type { RuntimeEvents } from '../reactive/events.js';

const ORDER: Record<LogLevel, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3, CRITICAL: 4 };

/**
 * A charm's log: each line is redacted, emitted as a `log` event and sent to `juju-log`.
 * Handlers reach it as `rt.log`. A line that cannot be written goes to stderr; it never fails
 * the hook.
 * @example rt.log.info(`serving on port ${port}`);
 */
export class Logger {
  constructor(
    private readonly session: HookSession,
    private readonly events: RuntimeEvents,
    private readonly redactor: Redactor,
    /** Lines below this level are dropped (each juju-log call is a process). */
    private readonly threshold: LogLevel = 'DEBUG',
  ) {}

  /** Log at DEBUG. */
  debug(message: string): void {
    this.write('DEBUG', message);
  }
  /** Log at INFO. */
  info(message: string): void {
    this.write('INFO', message);
  }
  /** Log at WARNING. */
  warning(message: string): void {
    this.write('WARNING', message);
  }
  /** Log at ERROR. */
  error(message: string): void {
    this.write('ERROR', message);
  }

  /** Log at `level`; lines below the logger's threshold are dropped. */
  write(level: LogLevel, message: string): void {
    if (ORDER[level] < ORDER[this.threshold]) return;
    const text = this.redactor.redact(message);
    this.events.emit('log', { level, message: text });
    const result = this.session.log(text, level);
    // A log line that cannot be written must not fail the hook; stderr reaches Juju's log.
    if (result.isErr())
      process.stderr.write(`juju-log failed (${result.error.message}): ${level} ${text}\n`);
  }
}
