// The API as the page uses it: every call carries the tab's API key, and an error answer becomes
// an ApiError with the server's own detail (its `{detail, code, fields}` shape).

const KEY_ITEM = 'job-runner.api-key';
let memoryKey = null; // where sessionStorage is unavailable (some privacy modes)

export function apiKey() {
  try {
    return sessionStorage.getItem(KEY_ITEM);
  } catch {
    return memoryKey;
  }
}

export function setApiKey(key) {
  memoryKey = key || null;
  try {
    if (key) sessionStorage.setItem(KEY_ITEM, key);
    else sessionStorage.removeItem(KEY_ITEM);
  } catch {
    // memoryKey holds it
  }
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body.detail || `HTTP ${status}`);
    this.status = status;
    this.code = body.code || null;
    this.fields = Array.isArray(body.fields) ? body.fields : [];
    this.body = body;
  }
}

/** A 401: the page asks for a key and tries again. */
export class Unauthorized extends ApiError {}

async function errorBody(res) {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text);
    if (body && typeof body === 'object') return body;
  } catch {
    // not JSON: a proxy's page, Node's own 408
  }
  return { detail: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
}

/** fetch() with the key; resolves with the Response when it is a 2xx, else throws ApiError. */
export async function api(path, { method = 'GET', json, headers, signal } = {}) {
  const h = new Headers(headers);
  const key = apiKey();
  if (key) h.set('Authorization', `Bearer ${key}`);
  let body;
  if (json !== undefined) {
    h.set('Content-Type', 'application/json');
    body = JSON.stringify(json);
  }
  const res = await fetch(path, { method, headers: h, body, signal, cache: 'no-store' });
  if (res.ok) return res;
  const err = await errorBody(res);
  throw res.status === 401 ? new Unauthorized(401, err) : new ApiError(res.status, err);
}

/** `/jobs/{id}/artifacts/{name}`, each segment of a `sub/name` escaped on its own. */
export const artifactPath = (jobId, name) =>
  `/jobs/${encodeURIComponent(jobId)}/artifacts/${name.split('/').map(encodeURIComponent).join('/')}`;
