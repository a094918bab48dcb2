/**
 * What a probe runs in a runtime image: the image's own `python3`, started the way a job's
 * entry is (no `-I`: an image that sets PYTHONPATH shows what its programs would find), printing
 * one line of JSON. Distributions are listed by `importlib.metadata` in sys.path order, one per
 * normalised name (PEP 503): the first is the one `import` would load.
 */
const PROBE = String.raw`
import importlib.metadata as md, json, platform, re, sys
found = {}
for d in md.distributions():
    try:
        name, version = d.metadata["Name"], d.version
    except Exception:
        continue
    if name and version:
        found.setdefault(re.sub(r"[-_.]+", "-", name).lower(), [name, version])
print(json.dumps({
    "language": "python",
    "version": platform.python_version(),
    "implementation": platform.python_implementation(),
    "build": sys.version,
    "packages": sorted(found.values(), key=lambda p: p[0].lower()),
}))
`;

/** The probe's command line. */
export const PROBE_CMD = ['python3', '-c', PROBE];
