/**
 * The one place errors become HTTP answers: `{error: {code, message, details?}}` with a stable code
 * (STYLE.md §7). Fastify's own errors (bad JSON, body too large…) are given our codes too.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

const FASTIFY_CODES: Record<string, { code: string; status: number }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_json', status: 400 },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_json', status: 400 },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large', status: 413 },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', status: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_content_length', status: 400 },
  FST_ERR_VALIDATION: { code: 'invalid_request', status: 400 },
};

export function installErrorHandler(app: FastifyInstance, limits: { maxBodyBytes: number }): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      return reply.status(error.httpStatus).send({
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      });
    }
    const known = 'code' in error && typeof error.code === 'string' ? FASTIFY_CODES[error.code] : undefined;
    // JSON.parse errors surface as SyntaxError with status 400 from Fastify's parser.
    const isJsonSyntax = error instanceof SyntaxError && (error as FastifyError).statusCode === 400;
    if (known || isJsonSyntax) {
      const { code, status } = known ?? { code: 'invalid_json', status: 400 };
      const message =
        code === 'body_too_large'
          ? `the request body exceeds the limit of ${limits.maxBodyBytes} bytes (CAPTURE_MAX_BODY_BYTES)`
          : code === 'invalid_json'
            ? `the body is not valid JSON: ${error.message}`
            : error.message;
      return reply.status(status).send({
        error: {
          code,
          message,
          ...(code === 'body_too_large' ? { details: { limit: limits.maxBodyBytes } } : {}),
        },
      });
    }
    const status = (error as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: 'bad_request', message: error.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(500)
      .send({ error: { code: 'internal_error', message: 'an internal error occurred; it has been logged' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url}` } }),
  );
}
