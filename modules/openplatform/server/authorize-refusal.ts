import type { FastifyReply, FastifyRequest } from 'fastify';

/** Feishu's code for an authorize request whose redirect_uri is not registered. */
export const REDIRECT_URI_NOT_ALLOWED_OPEN_CODE = 20_029;
export const REDIRECT_URI_NOT_ALLOWED = 'redirect_uri_not_allowed';

const MESSAGE = 'redirect_uri is not one of the redirect URLs registered for this app';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Answers an `authorize` request whose `redirect_uri` the app did not register: HTTP 400, never a
 * redirect. A browser (which is who follows these links) gets a short page in both languages saying
 * what to ask the administrator; other clients get Feishu's envelope with the stable code. Neither
 * names the app: the link may come from anyone, about an app of another organisation.
 */
export function refuseRedirect(request: FastifyRequest, reply: FastifyReply, redirectUri: string) {
  reply.status(400).header('cache-control', 'no-store');
  if (!/\btext\/html\b/i.test(request.headers.accept ?? '')) {
    return reply.send({ code: REDIRECT_URI_NOT_ALLOWED_OPEN_CODE, msg: MESSAGE, error: { code: REDIRECT_URI_NOT_ALLOWED } });
  }
  const uri = escapeHtml(redirectUri);
  return reply
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
    .type('text/html; charset=utf-8')
    .send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Sign-in refused · 登录被拒绝</title>
<style>
  body { font: 15px/1.6 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f2329; background: #f5f6f7; margin: 0; }
  main { max-width: 560px; margin: 12vh auto; padding: 32px; background: #fff; border-radius: 12px; box-shadow: 0 4px 16px rgba(31, 35, 41, 0.08); }
  h1 { font-size: 20px; margin: 0 0 12px; }
  p { margin: 0 0 12px; }
  code { font-size: 13px; word-break: break-all; background: #f2f3f5; padding: 2px 4px; border-radius: 4px; }
  hr { border: none; border-top: 1px solid #dee0e3; margin: 20px 0; }
</style>
</head>
<body>
<main>
  <h1>This sign-in link is not allowed</h1>
  <p>An app asked Kite to sign you in and send you to an address the app has not registered, so Kite did neither.</p>
  <p>If you trust the app, ask your Kite administrator to add this address to the app’s redirect URLs (admin console → Apps).</p>
  <hr>
  <div lang="zh-CN">
    <h1>此登录链接不被允许</h1>
    <p>某个应用请求 Kite 为你登录并跳转到一个该应用未登记的地址，因此 Kite 没有登录，也不会跳转。</p>
    <p>如果你信任该应用，请联系 Kite 管理员把这个地址加入该应用的重定向 URL（管理后台 → 应用）。</p>
  </div>
  <hr>
  <p><code>${REDIRECT_URI_NOT_ALLOWED}</code> · <code>${uri}</code></p>
</main>
</body>
</html>
`);
}
