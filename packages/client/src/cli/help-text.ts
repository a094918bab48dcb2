/** The sub-commands, in the order help lists them. */
export const COMMANDS = ['run', 'status', 'logs', 'cancel', 'artifacts', 'list'] as const;
export type CommandName = (typeof COMMANDS)[number];

const CONNECTION = `  --server URL         the server (default: $JOB_RUNNER_URL, else http://localhost:8000)
  --api-key KEY        its API key (default: $JOB_RUNNER_API_KEY)
  -h, --help           this help`;

const EXIT_STATUS = `Exit status: the program's own; 124 timeout, 137 out of memory, 130 canceled (Ctrl-C
too); 2 a usage error, a file that cannot be read or written, the server refusing (an HTTP
error) or unreachable; 3 a platform error (the job failed through no fault of the program).`;

const HELP: Record<CommandName | 'general', string> = {
  general: `job-runner: runs Python programs on a job-runner server; follows, inspects and cancels jobs.

Usage: job-runner <command> [options]

Commands:
  run FILE... [options]     run a program: its output live, its exit status as ours
  status ID                 a job's status, timings and artifacts
  logs ID [-f]              a job's output (-f: follow it live to its end)
  cancel ID                 cancel a queued or running job
  artifacts ID [--out DIR]  list a job's artifacts, or download them into DIR
  list                      jobs, newest first

Options of every command:
${CONNECTION}

\`job-runner <command> --help\` tells a command's options.
Exit status of run and logs -f: the program's own; 124 timeout, 137 out of memory, 130
canceled (Ctrl-C too); 2 a usage error, a file that cannot be read or written, the server
refusing (an HTTP error) or unreachable; 3 a platform error (no fault of the program).
`,
  run: `Usage: job-runner run FILE [FILE...] [options] [-- ARG...]

Runs FILE (the entry; more code files go beside it in /workspace/code) on the server, prints
its output (stdout and stderr together) live on stdout, and exits with its exit status. On a
terminal, a spinner on stderr shows the job queued, preparing and running. Ctrl-C cancels it.

Options:
  -i, --input FILE     an input file, read by the program at /workspace/input/<name>
                       ($JOB_INPUT_DIR); repeatable
  --arg A              an argument of the program (before any after --); repeatable
  -e, --env K=V        an environment variable of the program; repeatable
  --timeout S          wall-clock limit, seconds (server default 60)
  --mem MB             memory limit, MB (server default 512)
  --cpu N              CPUs (server default 1)
  --net none|outbound  network access (default none)
  --runtime NAME       the runtime (default: the server's)
  -o, --out DIR        download the artifacts (files left in /workspace/output) into DIR;
                       without it they are listed on stderr, not downloaded
  -q, --quiet          no notes of the CLI's own on stderr (errors still)
${CONNECTION}

${EXIT_STATUS}
`,
  status: `Usage: job-runner status ID [--json]

Prints a job's status, verdict, timings, usage and artifacts.

Options:
  --json               the job view as JSON, as the API gives it
${CONNECTION}
`,
  logs: `Usage: job-runner logs ID [-f]

Prints a job's output so far, byte for byte.

Options:
  -f, --follow         follow the output live until the job ends (resumed if the connection
                       drops), then exit with the job's exit status as \`run\` does
${CONNECTION}
`,
  cancel: `Usage: job-runner cancel ID

Cancels a queued or running job. A job that has ended cannot be (exit 2).

Options:
${CONNECTION}
`,
  artifacts: `Usage: job-runner artifacts ID [--out DIR]

Lists the names of a job's artifacts, one a line; with --out, downloads them into DIR
(subdirectories included) and prints the paths written.

Options:
  -o, --out DIR        download into DIR (created if needed)
${CONNECTION}
`,
  list: `Usage: job-runner list [--status S] [--limit N] [--cursor C] [--json]

Lists jobs, newest first, a page at a time; the command for the next page goes to stderr.

Options:
  --status S           only jobs of that status: queued, running, succeeded, failed, canceled
  --limit N            jobs per page, 1 to 100 (server default 20)
  --cursor C           the page after the one that gave C
  --json               the page as JSON, as the API gives it
${CONNECTION}
`,
};

export const helpText = (topic: CommandName | null): string => HELP[topic ?? 'general'];
