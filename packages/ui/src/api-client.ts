/**
 * The one way the web app talks to `/api`. JSON in, JSON out; every non-GET request carries the
 * CSRF token the server handed out (docs/internal-api.md "Auth"). Failures become `ApiError`s with
 * the server's stable `code`, so screens map them to localized text instead of showing raw messages.
 */

/** Error codes the client itself produces when there is no server answer to read. */
export const CLIENT_ERROR_CODES = {
  network: 'network_error',
  badResponse: 'bad_response',
} as const;

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(code: string, message: string, status: number, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

const CSRF_COOKIE = 'kite_csrf';
let csrfToken: string | null = null;

/** Remembers the token from a `Session` answer; the cookie is the fallback after a reload. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

export function currentCsrfToken(): string | null {
  return csrfToken ?? readCookie(CSRF_COOKIE);
}

type UnauthenticatedListener = () => void;
const unauthenticatedListeners = new Set<UnauthenticatedListener>();

/** Called when any request answers 401, so the shell can send the user back to sign-in. */
export function onUnauthenticated(listener: UnauthenticatedListener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/**
 * Where in the server's event stream the page's answers were read. Every `/api` answer carries the
 * outbox position whose events it already reflects (`x-kite-seq`, docs/internal-api.md "Realtime");
 * the realtime bridge compares them with its first `hello`, so a page refetches what it loaded only
 * when events were committed in between (`whenAnswersOlderThan`). An answer that does not say
 * counts as older than anything.
 */
const answerPositions = {
  /** Requests started so far, numbering each one. */
  started: 0,
  /** The oldest position of any answer read so far. */
  lowest: Number.POSITIVE_INFINITY,
  listeners: new Set<(request: number, seq: number) => void>(),
};

function noteAnswerPosition(request: number, response: Response): void {
  const header = Number(response.headers.get('x-kite-seq') ?? Number.NaN);
  const seq = Number.isFinite(header) ? header : Number.NEGATIVE_INFINITY;
  answerPositions.lowest = Math.min(answerPositions.lowest, seq);
  for (const listener of answerPositions.listeners) listener(request, seq);
}

/**
 * Calls `onOlder` (at most once, after the answer is handed on) if an answer read so far, or one of
 * the requests already under way, reflects less than the stream position `seq`: those may lack
 * events the stream will not send again. Returns a function that stops watching.
 */
export function whenAnswersOlderThan(seq: number, onOlder: () => void): () => void {
  let called = false;
  const call = () => {
    if (called) return;
    called = true;
    answerPositions.listeners.delete(watch);
    setTimeout(onOlder, 0);
  };
  const startedBefore = answerPositions.started;
  const watch = (request: number, answered: number) => {
    if (request <= startedBefore && answered < seq) call();
  };
  if (answerPositions.lowest < seq) call();
  else answerPositions.listeners.add(watch);
  return () => answerPositions.listeners.delete(watch);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestOptions {
  /** Query-string values; `undefined`, `null` and `''` are left out. */
  query?: Record<string, string | number | boolean | null | undefined>;
  signal?: AbortSignal;
  /** Do not broadcast a 401 (used by the session probe, where 401 is an expected answer). */
  quietUnauthenticated?: boolean;
}

function buildUrl(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

async function readError(response: Response): Promise<ApiError> {
  let body: ErrorBody | null = null;
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    body = null;
  }
  const code = typeof body?.error?.code === 'string' ? body.error.code : `http_${response.status}`;
  const message = typeof body?.error?.message === 'string' ? body.error.message : response.statusText;
  return new ApiError(code, message, response.status, body?.error?.details);
}

export async function apiRequest<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = currentCsrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  const request = ++answerPositions.started;
  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(CLIENT_ERROR_CODES.network, 'Network error', 0);
  }
  if (!response.ok) {
    const error = await readError(response);
    if (response.status === 401 && !options.quietUnauthenticated) {
      for (const listener of unauthenticatedListeners) listener();
    }
    throw error;
  }
  if (response.status === 204) return {} as T;
  try {
    const answer = (await response.json()) as T;
    noteAnswerPosition(request, response);
    return answer;
  } catch {
    throw new ApiError(CLIENT_ERROR_CODES.badResponse, 'The server sent an unreadable answer', response.status);
  }
}

/** Short forms for the four verbs the API uses. */
export const api = {
  get: <T>(path: string, options?: RequestOptions) => apiRequest<T>('GET', path, undefined, options),
  post: <T>(path: string, body: unknown = {}, options?: RequestOptions) => apiRequest<T>('POST', path, body, options),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => apiRequest<T>('PATCH', path, body, options),
  put: <T>(path: string, body: unknown, options?: RequestOptions) => apiRequest<T>('PUT', path, body, options),
  delete: <T>(path: string, body?: unknown, options?: RequestOptions) => apiRequest<T>('DELETE', path, body, options),
};
