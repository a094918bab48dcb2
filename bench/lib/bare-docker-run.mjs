// The reference every benchmark measures the job path against: a bare `docker run` of the same
// program with the hardening flags the platform itself uses, so the comparison is fair.

/** `docker` arguments that run `python3 -c <code>` in `image`, hardened, under `runtime`. */
export function bareDockerRun(image, { runtime = 'runc', code = 'print(1)' } = {}) {
  return [
    'run',
    '--rm',
    '--runtime',
    runtime,
    '--network',
    'none',
    '--read-only',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--user',
    '10001:10001',
    '--memory',
    '512m',
    '--memory-swap',
    '512m',
    '--cpus',
    '1',
    // Under gVisor the host's PID limit counts gVisor's own threads (see RuntimeTraits).
    '--pids-limit',
    runtime === 'runsc' ? '3072' : '128',
    '--init',
    '--tmpfs',
    '/tmp:rw,noexec,nosuid,nodev,size=64m',
    '--log-driver',
    'none',
    image,
    'python3',
    '-c',
    code,
  ];
}
