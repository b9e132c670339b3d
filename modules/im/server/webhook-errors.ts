import { AppError } from '@kite/kernel/errors';

/**
 * What the custom-bot hook answers, with Feishu's custom-bot codes. The HTTP status says what went
 * wrong as well (Feishu answers most of these with 200; clients read `code`, which matches Feishu).
 */
export const webhookErrors = {
  /** Unknown, reset or removed token, or a dissolved chat: the same answer, so nothing is revealed. */
  tokenInvalid: () =>
    new AppError('webhook_token_invalid', 'param invalid: incoming webhook access token invalid', { status: 404, openCode: 19_001 }),
  paramInvalid: (detail: string, tooLarge = false) =>
    new AppError('param_invalid', `param invalid: ${detail}`, { status: tooLarge ? 413 : 400, openCode: 19_001 }),
  signMismatch: () =>
    new AppError('sign_match_fail', 'sign match fail or timestamp is not within one hour from current time', {
      status: 400,
      openCode: 19_021,
    }),
  ipNotAllowed: () => new AppError('ip_not_allowed', 'Ip Not Allowed', { status: 403, openCode: 19_022 }),
  keywordsNotFound: () => new AppError('keywords_not_found', 'Key Words Not Found', { status: 400, openCode: 19_024 }),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError('rate_limited', 'request trigger frequency limit', { status: 429, openCode: 99_991_400, details: { retryAfterSeconds } }),
};
