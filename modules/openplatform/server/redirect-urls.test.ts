import { describe, expect, it } from 'vitest';
import { redirectUriAllowed } from './redirect-urls.ts';

describe('redirectUriAllowed', () => {
  const registered = ['https://app.test/callback', 'http://127.0.0.1:8080/oidc/cb?fixed=1'];

  it('accepts a registered URL, with any query string', () => {
    expect(redirectUriAllowed(registered, 'https://app.test/callback')).toBe(true);
    expect(redirectUriAllowed(registered, 'https://app.test/callback?from=kite&x=1')).toBe(true);
    expect(redirectUriAllowed(registered, 'http://127.0.0.1:8080/oidc/cb')).toBe(true);
    expect(redirectUriAllowed(registered, 'http://127.0.0.1:8080/oidc/cb?other=2')).toBe(true);
  });

  it('compares after normalisation: host case, default port, dot segments', () => {
    expect(redirectUriAllowed(registered, 'https://APP.test/callback')).toBe(true);
    expect(redirectUriAllowed(registered, 'https://app.test:443/callback')).toBe(true);
    expect(redirectUriAllowed(registered, 'https://app.test/x/../callback')).toBe(true);
  });

  it('refuses another scheme, host, port or path', () => {
    expect(redirectUriAllowed(registered, 'http://app.test/callback')).toBe(false);
    expect(redirectUriAllowed(registered, 'https://evil.test/callback')).toBe(false);
    expect(redirectUriAllowed(registered, 'https://app.test.evil.test/callback')).toBe(false);
    expect(redirectUriAllowed(registered, 'https://app.test:8443/callback')).toBe(false);
    expect(redirectUriAllowed(registered, 'https://app.test/callback/')).toBe(false);
    expect(redirectUriAllowed(registered, 'https://app.test/callback/more')).toBe(false);
    expect(redirectUriAllowed(registered, 'https://app.test/Callback')).toBe(false);
    expect(redirectUriAllowed(registered, 'http://127.0.0.1:8081/oidc/cb')).toBe(false);
  });

  it('refuses credentials, fragments, other schemes and garbage', () => {
    expect(redirectUriAllowed(registered, 'https://evil@app.test/callback')).toBe(false);
    expect(redirectUriAllowed(registered, 'https://app.test/callback#frag')).toBe(false);
    expect(redirectUriAllowed(registered, 'javascript:alert(1)//app.test/callback')).toBe(false);
    expect(redirectUriAllowed(registered, 'not a url')).toBe(false);
    expect(redirectUriAllowed(['javascript:alert(1)'], 'javascript:alert(1)')).toBe(false);
  });

  it('refuses everything when nothing is registered', () => {
    expect(redirectUriAllowed([], 'https://app.test/callback')).toBe(false);
  });
});
