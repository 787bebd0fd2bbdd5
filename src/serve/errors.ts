// Errors a request can end in, each with the HTTP status it answers with. Messages are shown
// to the caller as they are: they say what is wrong and never hold a secret.

/** An error with the HTTP status it maps to. */
export class HttpError extends Error {
  constructor(
    /** The HTTP status code. */
    readonly status: 400 | 403 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** A request about something that does not exist (404). */
export class NotFound extends HttpError {
  constructor(message: string) {
    super(404, message);
  }
}

/** A request the cluster's state does not allow now (409). */
export class Conflict extends HttpError {
  constructor(message: string) {
    super(409, message);
  }
}
