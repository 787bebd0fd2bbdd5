// One change a hook bundle makes to ts-results-es (the Result type of this library): an Err
// formats its creation stack when it is read, not when it is made. Source text only.

/**
 * What ts-results-es 7 does in ErrImpl's constructor: format the stack at once, to keep it as
 * `_stack` (read only by `expect`, `unwrap` and the `stack` getter, to say where the Err was
 * made). The first stack a process formats costs about 1 ms (the module's own `Err.EMPTY` at
 * import, on every hook), each later one tens of µs.
 */
const EAGER_STACK =
  /var stackLines = new Error\(\)\.stack\.split\('\\n'\)\.slice\(2\);\s*if \(stackLines && stackLines\.length > 0 && stackLines\[0\]\.includes\('ErrImpl'\)\) \{\s*stackLines\.shift\(\);\s*\}\s*this\._stack = stackLines\.join\('\\n'\);/;

/**
 * The same frames, captured by the same `new Error()` in the constructor, formatted into the
 * same text the first time `_stack` is read (V8 formats an Error's stack on first read). An own
 * enumerable property as before.
 */
const LAZY_STACK = `var captured = new Error();
        var formatted;
        Object.defineProperty(this, '_stack', {
            get: function () {
                if (formatted === undefined) {
                    var stackLines = captured.stack.split('\\n').slice(2);
                    if (stackLines && stackLines.length > 0 && stackLines[0].includes('ErrImpl')) {
                        stackLines.shift();
                    }
                    formatted = stackLines.join('\\n');
                }
                return formatted;
            },
            set: function (value) {
                formatted = value;
            },
            enumerable: true,
            configurable: true,
        });`;

/** Files of ts-results-es that define ErrImpl (its ES-module and CommonJS builds). */
export const TS_RESULTS_RESULT_FILE = /[\\/]ts-results-es[\\/]dist[\\/](esm|cjs)[\\/]result\.js$/;

/**
 * `source` (a ts-results-es result.js) with ErrImpl's stack formatted on first read, or
 * undefined when it does not hold the code this expects (another version: bundled as it is).
 */
export function lazyErrStack(source: string): string | undefined {
  return EAGER_STACK.test(source) ? source.replace(EAGER_STACK, LAZY_STACK) : undefined;
}
