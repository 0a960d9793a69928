/**
 * Errors with stable codes. Deep code returns results or throws an `AppError`; the HTTP layer maps it
 * once to `{error: {code, message, details}}` with `httpStatus`, and the CLI prints `code: message`.
 * docs/errors.md lists every code.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
