/**
 * Whether `authorize` may send the browser to `redirectUri`: it must be one of the app's registered
 * URLs with the same scheme, host, port and path (after URL normalisation: default ports, `.`/`..`
 * segments, host case). The query string may differ, since apps put their own parameters there;
 * a fragment or credentials (`user:pass@`) never match. Anything else would make Kite an open
 * redirect that hands sign-in codes to whoever wrote the link.
 */
export function redirectUriAllowed(registered: readonly string[], redirectUri: string): boolean {
  const target = comparable(redirectUri);
  if (target === null) return false;
  return registered.some((url) => comparable(url) === target);
}

/** `scheme://host:port/path` of an http(s) URL without credentials or fragment; null otherwise. */
function comparable(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.hash || value.includes('#')) return null;
  return `${url.protocol}//${url.host}${url.pathname}`;
}
