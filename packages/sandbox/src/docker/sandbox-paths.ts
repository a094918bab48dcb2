/** Where things live inside every sandbox. Part of the contract with user code. */
export const WORKSPACE = '/workspace';
export const CODE_DIR = '/workspace/code';
export const INPUT_DIR = '/workspace/input';
export const OUTPUT_DIR = '/workspace/output';
/** The unprivileged user the program runs as (the exec image's `sandbox` user). */
export const SANDBOX_UID = 10001;
