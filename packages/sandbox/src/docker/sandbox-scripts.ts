import { randomBytes } from 'node:crypto';
import { CODE_DIR, OUTPUT_DIR } from './sandbox-paths';

/**
 * The shell scripts that run inside a sandbox as its unprivileged user. One `exec` per job does
 * everything: it runs the program, then ends whatever the program left behind, reads the
 * container's cgroup (OOM kills, peak memory, CPU time) and streams the artifacts, all on the
 * same stdout after an end mark. That saves the engine round trips of separate exec calls.
 *
 * The end mark carries a random nonce. A program that finds it (it is in its parent's command
 * line) can only forge its own result: everything after the mark is read as untrusted, exactly
 * like the program's output (names checked, sizes capped, only regular files kept).
 */

export interface CollectLimits {
  maxFiles: number;
  maxBytes: number;
}

/** Starts the end mark; a NUL never occurs in text a program means to print. */
const MARK_PREFIX = '\0job-runner-end:';

/** A fresh end mark for one run: `\0job-runner-end:<nonce>:`. */
export const newEndMark = (): string => `${MARK_PREFIX}${randomBytes(16).toString('hex')}:`;

/** The mark as a `printf` format: an argv cannot carry the NUL itself. */
const printfMark = (mark: string) => `'\\000${mark.slice(1)}'`;

/**
 * Lists regular files of the output directory within the caps, reports what it leaves out, then
 * writes a tar of the chosen files. Sizes are what a file holds (st_size): a sparse file of
 * 100 MB counts as 100 MB, whatever little tmpfs charged for it. Runs with `-I -S`, so no
 * environment variable or file the program could have left changes what Python loads.
 */
const COLLECTOR = String.raw`
import json, os, stat, sys, tarfile
root = sys.argv[1]; max_files = int(sys.argv[2]); max_bytes = int(sys.argv[3])
out = sys.stdout.buffer
def note(text):
    out.write(b"note " + json.dumps(text).encode() + b"\n")
picked = []; total = 0
def walk(d, rel):
    global total
    try:
        entries = sorted(os.scandir(d), key=lambda e: e.name)
    except OSError as e:
        note("artifacts skipped: %s (%s)" % (rel or ".", e.strerror)); return
    for e in entries:
        name = rel + e.name
        try:
            st = e.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            walk(e.path, name + "/"); continue
        if not stat.S_ISREG(st.st_mode):
            kind = "symlink" if stat.S_ISLNK(st.st_mode) else "fifo" if stat.S_ISFIFO(st.st_mode) else "special file"
            note("artifact skipped: %s is a %s, only regular files are kept" % (name, kind)); continue
        if len(picked) >= max_files:
            note("artifact skipped: %s (more than %d files)" % (name, max_files)); continue
        if total + st.st_size > max_bytes:
            note("artifact skipped: %s (artifacts over %d bytes in all)" % (name, max_bytes)); continue
        picked.append((name, e.path, st.st_size)); total += st.st_size
walk(root, "")
out.write(b"\n"); out.flush()
if picked:
    tar = tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT)
    for name, path, size in picked:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        with os.fdopen(fd, "rb") as f:
            info = tarfile.TarInfo(name); info.size = size; info.mode = 0o644
            tar.addfile(info, f)
    tar.close()
out.flush()
`;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * After the program: end every process of the sandbox user but this shell (the `kill` builtin
 * spares its caller), print the mark, the cgroup figures and the artifacts. Only shell builtins
 * run before the collector, so a sandbox at its PID limit still gets this far.
 */
function tail(mark: string, limits: CollectLimits): string {
  return [
    'kill -9 -1 2>/dev/null',
    `printf ${printfMark(mark)}`,
    'printf "rc %s\\n" "$rc"',
    'cg=/sys/fs/cgroup',
    'if [ -f $cg/memory/memory.oom_control ]; then',
    '  while read -r k v; do [ "$k" = oom_kill ] && echo "oom $v"; done < $cg/memory/memory.oom_control',
    '  read -r v < $cg/memory/memory.max_usage_in_bytes && echo "peak $v"',
    '  for f in $cg/cpuacct/cpuacct.usage $cg/cpu,cpuacct/cpuacct.usage; do',
    '    [ -f $f ] && read -r v < $f && echo "cpu_ns $v" && break',
    '  done',
    'else',
    '  while read -r k v; do [ "$k" = oom_kill ] && echo "oom $v"; done < $cg/memory.events',
    '  [ -f $cg/memory.peak ] && read -r v < $cg/memory.peak && echo "peak $v"',
    '  while read -r k v; do [ "$k" = usage_usec ] && echo "cpu_ns ${v}000"; done < $cg/cpu.stat',
    'fi 2>/dev/null',
    // Python only when there is something to collect: most jobs write no artifact.
    `set -- ${OUTPUT_DIR}/* ${OUTPUT_DIR}/.[!.]* ${OUTPUT_DIR}/..?*`,
    'for f; do [ -e "$f" ] || [ -L "$f" ] && exec python3 -I -S -c ' +
      `${quote(COLLECTOR)} ${OUTPUT_DIR} ${limits.maxFiles} ${limits.maxBytes}; done`,
    "printf '\\n'",
  ].join('\n');
}

/**
 * The program's exec: `sh -c <this> job-runner <entry> <args...>`. The entry and the args are
 * positional parameters, never parsed by the shell.
 */
export function programScript(mark: string, limits: CollectLimits): string {
  return ['e=$1; shift', `python3 ${CODE_DIR}/"$e" "$@"`, 'rc=$?', tail(mark, limits)].join('\n');
}

/**
 * Collection alone, after the program was stopped from outside (a timeout) or its shell did not
 * reach the end (the program killed it): it ends what is left, then reports as above.
 */
export function collectScript(mark: string, limits: CollectLimits): string {
  return ['rc=', tail(mark, limits)].join('\n');
}
