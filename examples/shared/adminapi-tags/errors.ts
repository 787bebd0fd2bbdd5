// The one error type of the tags module. `kind` says which MySQL Shell exception class the
// same input raises there (ArgumentError, TypeError, RuntimeError); `LimitError` and `ValueError` are ours.
// A message holds no more of the operator's input than the option, tag name or instance.

/** What went wrong, in MySQL Shell's exception classes where MySQL Shell has the same rule. */
export type TagErrorKind =
  /** shcore::Exception::argument_error in MySQL Shell. */
  | 'ArgumentError'
  /** shcore::Exception::type_error in MySQL Shell. */
  | 'TypeError'
  /** shcore::Exception::runtime_error in MySQL Shell (an instance not in the cluster). */
  | 'RuntimeError'
  /** A bound of this module (sizes, counts, depth): Juju leader settings travel in argv. */
  | 'LimitError'
  /** The action's `value` parameter is not JSON text. */
  | 'ValueError';

/**
 * A rejected tag operation. `message` is the exact text an action fails with
 * (for MySQL Shell's rules, the exact text MySQL Shell raises).
 */
export class TagError extends Error {
  constructor(
    readonly kind: TagErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'TagError';
  }
}
