import { randomBytes } from 'node:crypto';
import { CODE_DIR, OUTPUT_DIR } from './sandbox-paths';

/**
 * The supervisor: the one process we exec in a sandbox, as its unprivileged user. It can be
 * started before its job exists (a pooled sandbox has one waiting), so the engine's exec cost is
 * off the job's path: it waits for one line of JSON on its stdin, then
 *   - runs the program (`python3 <entry> <args>` with the job's environment on top of the
 *     image's), its output going straight to the exec's stdout and stderr; with `nproc` (under
 *     gVisor, whose kernel is the sandbox's own) the program's tasks are capped inside; with
 *     `relay` (under gVisor) its output goes through pipes the supervisor copies out in full:
 *     gVisor's writes to the exec's stdio stop at 64 KiB, and Python's unbuffered text layer
 *     loses the rest of a larger write without a word (checked: 50 MiB written, 64 KiB kept),
 *     and a line on its stdin ends the program at once (a timeout: under gVisor a new exec may
 *     find no room, or start slowly, beside a fork bomb);
 *   - ends whatever the program left running (kill(-1) spares only the caller);
 *   - prints the end mark, the exit status and the container's cgroup figures (OOM kills, peak
 *     memory, CPU time), the collector's notes, a blank line, and a tar of the artifacts.
 * With `{"collect": true}` instead of a program, it does the last two alone (after a timeout,
 * or when the program killed its supervisor).
 *
 * CPU time is what the cgroup counted from the program's start to the end of everything it
 * left: the sandbox's own start (runc, the copy-in, the supervisor's interpreter: some 0.25 s,
 * spent earlier for a pooled sandbox than for a cold one) is the platform's, not the program's.
 * A collector that runs alone does not know that start and reports the whole count.
 *
 * The end mark carries a random nonce sent with the job. A program that finds it can only forge
 * its own result: everything after the mark is read as untrusted, exactly like the program's
 * output (names checked, sizes capped, only regular files kept). It runs with `-I -S`, so no
 * environment variable or file the program could leave changes what Python loads.
 */
const SUPERVISOR = String.raw`
import json, os, stat, sys, tarfile, time
line = sys.stdin.buffer.readline()
if not line:
    sys.exit(0)
cmd = json.loads(line)
ctl = os.dup(0)
nul = os.open("/dev/null", os.O_RDONLY); os.dup2(nul, 0); os.close(nul)
out = os.fdopen(os.dup(1), "wb")
def first(*paths):
    for p in paths:
        try:
            with open(p) as f: return f.read()
        except OSError:
            pass
    return ""
def field(text, key):
    for l in text.splitlines():
        k, _, v = l.partition(" ")
        if k == key: return v.strip()
    return ""
cg = "/sys/fs/cgroup"
v1 = os.path.exists(cg + "/memory/memory.oom_control")
def cpu_ns():
    if v1:
        v = first(cg + "/cpuacct/cpuacct.usage", cg + "/cpu,cpuacct/cpuacct.usage").strip()
    else:
        v = field(first(cg + "/cpu.stat"), "usage_usec")
        v = v + "000" if v else ""
    return int(v) if v.isdigit() else None
rc = ""
cpu_start = None
def others_left():
    me, uid = os.getpid(), os.getuid()
    for p in os.listdir("/proc"):
        if p.isdigit() and int(p) != me:
            try:
                if os.stat("/proc/" + p).st_uid == uid:
                    return True
            except OSError:
                pass
    return False
def end_all():
    # Again while any process of the user is left: one forking at the moment of a kill can leave
    # a child behind it (seen under gVisor beside a fork bomb). Bounded: about 1 s.
    for _ in range(50):
        try:
            os.kill(-1, 9)
        except OSError:
            pass
        if not others_left():
            return
        time.sleep(0.02)
def pump(src, dst):
    while True:
        try:
            data = os.read(src, 65536)
        except InterruptedError:
            continue
        if not data:
            break
        view = memoryview(data)
        while view:
            view = view[os.write(dst, view):]
    os.close(src)
pumps = []
if "entry" in cmd:
    env = dict(os.environ); env.update(cmd["env"])
    cpu_start = cpu_ns()
    if cmd.get("relay"):
        import threading
        pipes = [os.pipe(), os.pipe()]
    pid = os.fork()
    if pid == 0:
        try:
            if cmd.get("relay"):
                for i, (r, w) in enumerate(pipes):
                    os.dup2(w, i + 1); os.close(r); os.close(w)
            if cmd.get("nproc"):
                import resource
                resource.setrlimit(resource.RLIMIT_NPROC, (cmd["nproc"], cmd["nproc"]))
            os.execvpe("python3", ["python3", CODE + "/" + cmd["entry"]] + cmd["args"], env)
        except OSError as e:
            os.write(2, ("python3: %s\n" % e).encode())
        os._exit(127)
    if cmd.get("relay"):
        for i, (r, w) in enumerate(pipes):
            os.close(w)
            pumps.append(threading.Thread(target=pump, args=(r, i + 1), daemon=True))
            pumps[-1].start()
        # A line on stdin ends the program now (a timeout): no new process needed for it.
        def stop_on_request():
            if os.read(ctl, 64):
                end_all()
        threading.Thread(target=stop_on_request, daemon=True).start()
    while True:
        try:
            _, status = os.waitpid(pid, 0); break
        except InterruptedError:
            pass
    code = os.waitstatus_to_exitcode(status)
    rc = str(128 - code if code < 0 else code)
end_all()
for t in pumps:
    t.join(5)
head = ["rc " + rc]
if v1:
    head.append("oom " + field(first(cg + "/memory/memory.oom_control"), "oom_kill"))
    head.append("peak " + first(cg + "/memory/memory.max_usage_in_bytes").strip())
else:
    head.append("oom " + field(first(cg + "/memory.events"), "oom_kill"))
    head.append("peak " + first(cg + "/memory.peak").strip())
cpu_end = cpu_ns()
if cpu_end is not None and cpu_start is not None and cpu_start <= cpu_end:
    cpu_end -= cpu_start
head.append("cpu_ns " + ("" if cpu_end is None else str(cpu_end)))
max_files, max_bytes = cmd["limits"]
picked = []; total = 0
def note(text):
    head.append("note " + json.dumps(text))
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
walk(OUTPUT, "")
head.append("tar %d" % (1 if picked else 0))
out.write(cmd["mark"].encode("latin1") + ("\n".join(head) + "\n\n").encode())
out.flush()
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
`
  .replace('CODE + "/"', JSON.stringify(`${CODE_DIR}/`) + ' + ""')
  .replace('walk(OUTPUT, "")', `walk(${JSON.stringify(OUTPUT_DIR)}, "")`);

/** The supervisor's exec command. */
export const SUPERVISOR_CMD = ['python3', '-I', '-S', '-c', SUPERVISOR];

export interface CollectLimits {
  maxFiles: number;
  maxBytes: number;
}

/** Starts the end mark; a NUL never occurs in text a program means to print. */
const MARK_PREFIX = '\0job-runner-end:';

/** A fresh end mark for one run: `\0job-runner-end:<nonce>:`. */
export const newEndMark = (): string => `${MARK_PREFIX}${randomBytes(16).toString('hex')}:`;

export interface ProgramCommand {
  entry: string;
  args: string[];
  /** The program's environment, on top of the image's own. */
  env: Record<string, string>;
  /** RLIMIT_NPROC of the program (its processes and threads); absent: none set inside. */
  nproc?: number;
  /** Copy the program's output out through the supervisor's own pipes (gVisor). */
  relay?: boolean;
}

/** The line that tells a waiting supervisor what to run (or only to collect). */
export function supervisorCommand(
  mark: string,
  limits: CollectLimits,
  program: ProgramCommand | null,
): string {
  return `${JSON.stringify({
    mark,
    limits: [limits.maxFiles, limits.maxBytes],
    ...(program ?? { collect: true }),
  })}\n`;
}
