/**
 * Limits fixed by the contract or the engine rather than by the operator. The operator's caps
 * (MAX_*) can only be tighter.
 */

/** The contract's ceiling on `timeout_sec`. */
export const MAX_TIMEOUT_SEC = 600;

/**
 * Docker's own floor for a CPU limit (runc refuses less, and NanoCpus of 0 means no limit at
 * all, so anything smaller is refused before it reaches the engine).
 */
export const MIN_CPU_LIMIT = 0.01;

/**
 * The floor under gVisor (SANDBOX_RUNTIME=runsc): its own kernel does the sandbox's work (start,
 * files in, every system call) inside the sandbox's CPU limit, so at 0.01 CPU a sandbox takes
 * minutes to start (about 8 s at 0.1, measured). The sandbox runner refuses to start with a gVisor
 * runtime under a lower floor.
 */
export const GVISOR_MIN_CPU_LIMIT = 0.1;

/**
 * Processes and threads a sandbox needs besides the program: the init process, the shell and
 * `tar` that unpack the job's files, the idle process, and the short-lived shell that ends the
 * program and collects its artifacts. A smaller PID limit would fail the job before the program
 * starts, so it is refused at submission.
 */
export const MIN_PIDS_LIMIT = 16;

/** The contract's floor on `mem_limit_mb` is "more than 32". */
export const MIN_MEM_LIMIT_MB = 33;
