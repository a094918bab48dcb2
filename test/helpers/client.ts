/** A small client of the HTTP contract, as the tests (and a script author) would use it. */
export interface JobViewBody {
  id: string;
  status: string;
  exit_code: number | null;
  error: string | null;
  artifacts: string[];
  [k: string]: unknown;
}

export class Client {
  private readonly auth: Record<string, string>;

  /** `apiKey`: sent as a Bearer token on every request (servers with API_KEYS). */
  constructor(
    readonly base: string,
    apiKey?: string,
  ) {
    this.auth = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  }

  /** fetch with this client's key. */
  get(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(this.base + path, {
      ...init,
      headers: { ...this.auth, ...(init.headers as Record<string, string>) },
    });
  }

  async post(path: string, body: unknown): Promise<Response> {
    return this.get(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async postForm(path: string, form: FormData): Promise<Response> {
    return this.get(path, { method: 'POST', body: form });
  }

  async submit(body: unknown): Promise<string> {
    const res = await this.post('/jobs', body);
    const json = (await res.json()) as { job_id: string; detail?: string };
    if (res.status !== 200) throw new Error(`submit failed: ${res.status} ${JSON.stringify(json)}`);
    return json.job_id;
  }

  async job(id: string): Promise<JobViewBody> {
    const res = await this.get(`/jobs/${id}`);
    if (res.status !== 200) throw new Error(`GET /jobs/${id}: ${res.status}`);
    return ((await res.json()) as { job: JobViewBody }).job;
  }

  /** Polls until the job has ended (tests only; clients should use /jobs/sync or SSE). */
  async waitEnded(id: string, timeoutMs = 60_000): Promise<JobViewBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.job(id);
      if (['succeeded', 'failed', 'canceled'].includes(job.status) && job.finished_at) return job;
      if (Date.now() > deadline)
        throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async waitStatus(id: string, status: string, timeoutMs = 30_000): Promise<JobViewBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.job(id);
      if (job.status === status) return job;
      if (Date.now() > deadline)
        throw new Error(`job ${id} is ${job.status}, not ${status}, after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async logs(id: string): Promise<string> {
    return (await this.get(`/jobs/${id}/logs`)).text();
  }

  async sync(body: unknown): Promise<{
    status: number;
    body: { job: JobViewBody; logs: string; artifacts: string[]; detail?: string };
  }> {
    const res = await this.post('/jobs/sync', body);
    return { status: res.status, body: (await res.json()) as never };
  }

  /** Runs code to its end through the sync endpoint. */
  async run(code: string, spec: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
    const { status, body } = await this.sync({ spec, code, ...extra });
    if (status !== 200) throw new Error(`sync failed: ${status} ${JSON.stringify(body)}`);
    return body;
  }
}
