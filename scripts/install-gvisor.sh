#!/usr/bin/env bash
# Installs gVisor's runtime (Debian's runsc package) and registers it with the Docker engine as
# `runsc`, so that SANDBOX_RUNTIME=runsc puts every sandbox on gVisor's kernel. Idempotent.
#   --platform=ptrace   works without nested virtualisation (no KVM needed)
#   --network=none      runsc refuses any network in the host's namespace on many hosts; with it,
#                       sandboxes have loopback only, and net_policy outbound is refused
# Other keys of /etc/docker/daemon.json are kept. A running dockerd is reloaded (SIGHUP).
set -euo pipefail
CONFIG=${DOCKER_DAEMON_CONFIG:-/etc/docker/daemon.json}

if ! command -v runsc >/dev/null; then
  echo "installing runsc (gVisor)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq runsc >/dev/null
fi
RUNSC=$(command -v runsc)

mkdir -p "$(dirname "$CONFIG")"
node - "$CONFIG" "$RUNSC" <<'JS'
const fs = require('node:fs');
const [file, runsc] = process.argv.slice(2);
let config = {};
if (fs.existsSync(file)) {
  const text = fs.readFileSync(file, 'utf8').trim();
  try {
    config = text ? JSON.parse(text) : {};
  } catch (err) {
    console.error(`${file} is not valid JSON (${err.message}); fix it by hand first`);
    process.exit(1);
  }
}
const wanted = { path: runsc, runtimeArgs: ['--platform=ptrace', '--network=none', '--oci-seccomp'] };
config.runtimes = { ...config.runtimes, runsc: wanted };
const next = `${JSON.stringify(config, null, 2)}\n`;
if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== next) {
  fs.writeFileSync(`${file}.tmp`, next);
  fs.renameSync(`${file}.tmp`, file);
  console.log(`registered runsc in ${file}`);
}
JS

if pid=$(pidof dockerd); then
  kill -HUP $pid
  for _ in $(seq 1 30); do
    docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"' && exit 0
    sleep 1
  done
  echo "dockerd did not take up runsc after a reload; see its log" >&2
  exit 1
fi
