import { JobRunnerConnectionError } from './job-runner-connection-error';
import { JobRunnerHttpError } from './job-runner-http-error';

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  signal?: AbortSignal;
}

/**
 * The one place requests are made: base URL, API key, and failures turned into
 * JobRunnerHttpError (an answer) or JobRunnerConnectionError (no answer). An abort stays the
 * caller's own error.
 */
export class HttpTransport {
  private readonly fetchFn: typeof fetch;

  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    fetchFn: typeof fetch | undefined,
  ) {
    const f: typeof fetch | undefined = fetchFn ?? globalThis.fetch;
    if (!f) throw new TypeError('no fetch: pass one in the options (Node.js 18 or newer has it)');
    // A browser's fetch refuses to be called on anything but the global object.
    this.fetchFn = fetchFn ?? f.bind(globalThis);
  }

  async request(path: string, options: RequestOptions = {}): Promise<Response> {
    const method = options.method ?? 'GET';
    const headers: Record<string, string> = { ...options.headers };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    const url = this.baseUrl + path;
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method,
        headers,
        body: options.body,
        signal: options.signal,
      });
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason ?? err;
      throw new JobRunnerConnectionError(this.baseUrl, err);
    }
    if (!res.ok) throw await JobRunnerHttpError.fromResponse(res, method, path);
    return res;
  }

  async json<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.request(path, {
      ...options,
      headers: { accept: 'application/json', ...options.headers },
    });
    return (await res.json()) as T;
  }
}
