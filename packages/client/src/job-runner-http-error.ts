/** The error body every route answers with (docs/api.md, "Errors"). */
export interface ErrorBody {
  detail: string;
  code: string;
  fields: string[];
  [extra: string]: unknown;
}

/**
 * An answer of the server that is not a success: its status and the error body's `detail`,
 * `code` (stable, for programs) and `fields`. Answers that are not of that shape (a proxy's
 * page, Node's own 408) still become one, with `code` `HTTP_<status>`.
 */
export class JobRunnerHttpError extends Error {
  override readonly name = 'JobRunnerHttpError';
  readonly code: string;
  readonly detail: string;
  readonly fields: string[];
  /** Seconds the server asked to wait before trying again (`Retry-After`), when it did. */
  readonly retryAfterSec: number | null;

  constructor(
    readonly status: number,
    /** The whole error body (a 504 of `POST /jobs/sync` carries `job_id` and `status` too). */
    readonly body: ErrorBody,
    readonly method = 'GET',
    readonly path = '',
    retryAfterSec: number | null = null,
  ) {
    super(`${path ? `${method} ${path}: ` : ''}${status} ${body.code}: ${body.detail}`);
    this.code = body.code;
    this.detail = body.detail;
    this.fields = body.fields;
    this.retryAfterSec = retryAfterSec;
  }

  /** Reads a failed answer's body into an error (the body is consumed). */
  static async fromResponse(
    res: Response,
    method: string,
    path: string,
  ): Promise<JobRunnerHttpError> {
    const text = await res.text().catch(() => '');
    const retry = Number(res.headers.get('retry-after'));
    return new JobRunnerHttpError(
      res.status,
      errorBody(res, text),
      method,
      path,
      Number.isFinite(retry) && retry >= 0 && res.headers.has('retry-after') ? retry : null,
    );
  }
}

function errorBody(res: Response, text: string): ErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const o = parsed as Record<string, unknown>;
    return {
      ...o,
      detail: typeof o.detail === 'string' ? o.detail : text.slice(0, 500),
      code: typeof o.code === 'string' ? o.code : `HTTP_${res.status}`,
      fields: Array.isArray(o.fields)
        ? o.fields.filter((f): f is string => typeof f === 'string')
        : [],
    };
  }
  // Not our server's answer (a proxy, a load balancer): keep a bounded piece of what it said.
  const said = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return { detail: said || res.statusText || 'no detail', code: `HTTP_${res.status}`, fields: [] };
}
