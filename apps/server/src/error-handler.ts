import { randomUUID } from 'node:crypto';
import { isAppError } from '@kite/kernel/errors';
import type { Logger } from '@kite/kernel/logger';
import { uniqueViolation } from '@kite/platform/database';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

interface Shaped {
  status: number;
  code: string;
  openCode: number;
  message: string;
  details?: unknown;
}

/** Fastify's own errors (bad JSON, oversize body, bad content type) are the client's, not bugs. */
function fromFastify(error: FastifyError): Shaped | undefined {
  const status = error.statusCode ?? 0;
  if (status < 400 || status >= 500) return undefined;
  const byCode: Record<string, [string, string]> = {
    FST_ERR_CTP_BODY_TOO_LARGE: ['body_too_large', 'The request body is too large'],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'Send the body as application/json'],
    FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_json', 'The JSON body is empty'],
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['invalid_content_length', 'The Content-Length header does not match the body'],
  };
  const [code, message] =
    byCode[error.code] ??
    (error instanceof SyntaxError || /JSON/i.test(error.message)
      ? ['invalid_json', 'The body is not valid JSON']
      : ['bad_request', error.message]);
  return { status, code, openCode: status === 413 ? 99_992_413 : 99_992_402, message };
}

/**
 * One place turns errors into responses: expected errors get their code and status; anything else is
 * a bug, logged with a reference id, and answered 500 without internals. `/open-apis` answers in
 * Feishu's envelope `{code,msg,error:{log_id}}`.
 */
export function createErrorHandler(logger: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    let shaped: Shaped | undefined;
    if (isAppError(error)) {
      const status = request.url.startsWith('/open-apis/') ? error.openStatus : error.status;
      shaped = { status, code: error.code, openCode: error.openCode, message: error.message, details: error.details };
    } else if (uniqueViolation(error) !== undefined) {
      // A unique index caught a race the code's own check could not see (two requests at once).
      shaped = {
        status: 409,
        code: 'conflict',
        openCode: 1_000_409,
        message: 'This conflicts with a change made at the same time; reload and try again',
      };
    } else {
      shaped = fromFastify(error);
    }
    const logId = randomUUID();
    if (!shaped) {
      logger.error('unhandled error', { logId, method: request.method, url: request.url, error });
      shaped = { status: 500, code: 'internal', openCode: 1_000_500, message: `Internal error (reference ${logId})` };
    }
    if (shaped.status === 429) {
      const retry = (shaped.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      if (retry) reply.header('retry-after', String(retry));
    }
    reply.status(shaped.status);
    if (request.url.startsWith('/open-apis/')) {
      return reply.send({
        code: shaped.openCode,
        msg: shaped.message,
        error: { log_id: logId, ...(shaped.details ? { details: shaped.details } : {}) },
      });
    }
    return reply.send({ error: { code: shaped.code, message: shaped.message, ...(shaped.details ? { details: shaped.details } : {}) } });
  };
}
