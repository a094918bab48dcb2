/** What the client asks for; field names are the wire's (snake_case). */
export interface JobSpec {
  entry: string;
  args: string[];
  runtime: string;
  timeout_sec: number;
  cpu_limit: number;
  mem_limit_mb: number;
  pids_limit: number;
  net_policy: 'none' | 'outbound';
  env: Record<string, string>;
  /** Where the job's end is POSTed, signed (absent: no callback). */
  callback_url?: string;
  /** The job's name on the admin board; absent: its entry and runtime name it there. */
  name?: string;
}
