#!/usr/bin/env bash
# Builds every image compose.yaml needs:
#   job-runner:latest        the API and the worker (Dockerfile)
#   job-runner-redis:latest  Redis from Debian's package (Dockerfile.redis)
#   $JOB_RUN_IMAGE           the sandbox (Dockerfile.exec, via build-exec-image.sh)
# Where a registry answers the ordinary public bases are used (node:24-bookworm-slim,
# debian:bookworm-slim). Where none does, the Debian base is made offline with debootstrap +
# docker import (see scripts/lib/base-image.sh). Either way the API and worker image runs the
# Node.js of .node-version, from the npm registry's official binaries where the base has another.
set -euo pipefail
cd "$(dirname "$0")/.."

APP_IMAGE="${APP_IMAGE:-job-runner:latest}"
REDIS_IMAGE="${REDIS_IMAGE:-job-runner-redis:latest}"
# As build-exec-image.sh names it: the environment, else .env, else the default.
if [ -f .env ] && [ -z "${JOB_RUN_IMAGE:-}" ]; then
  JOB_RUN_IMAGE=$(sed -n 's/^JOB_RUN_IMAGE=//p' .env | tail -n 1)
fi
EXEC_IMAGE="${JOB_RUN_IMAGE:-job-runner-exec:latest}"

# shellcheck source=scripts/lib/base-image.sh
. scripts/lib/base-image.sh

command -v docker >/dev/null || { echo "build-images: docker is not installed (apt-get install -y docker.io)" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "build-images: the Docker engine does not answer (start dockerd)" >&2; exit 1; }

build() {
  local what="$1"; shift
  local start=$SECONDS
  echo "build-images: building $what"
  if ! DOCKER_BUILDKIT=0 docker build --force-rm "$@"; then
    echo "build-images: building $what failed (see the docker build output above)" >&2
    exit 1
  fi
  echo "build-images: $what ready ($((SECONDS - start)) s)"
}

# 1. The sandbox image (its own script, which honours JOB_RUN_IMAGE from the environment or .env).
bash scripts/build-exec-image.sh

# 2. Redis: Debian's redis-server on a Debian base.
redis_base=$(ensure_base_image "${REDIS_BASE_IMAGE:-debian:bookworm-slim}" bookworm)
build "$REDIS_IMAGE (Dockerfile.redis from $redis_base)" \
  -f Dockerfile.redis --build-arg "BASE_IMAGE=$redis_base" -t "$REDIS_IMAGE" .

# 3. The API and worker image: the public Node.js image, else a plain Debian base; the Node.js of
# .node-version (and npm, for a base without it) from the npm registry, into docker/node-dist.
# npm in the build must trust what the host's npm trusts where TLS is intercepted: BUILD_CA_FILE,
# else the host's NODE_EXTRA_CA_CERTS or npm cafile, goes to docker/build-ca.crt (build stage only).
ca="${BUILD_CA_FILE:-${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}}"
rm -f docker/build-ca.crt
trap 'rm -f docker/build-ca.crt' EXIT
if [ -n "$ca" ] && [ -f "$ca" ]; then
  echo "build-images: npm in the build trusts the CA bundle $ca"
  cp "$ca" docker/build-ca.crt
fi
node_version=$(tr -d ' \n' < .node-version)
# For the engine's architecture, which builds the image.
bash scripts/install-node.sh --pack docker/node-dist "$(docker info -f '{{.Architecture}}')"
node_base=$(ensure_base_image "${NODE_BASE_IMAGE:-node:24-bookworm-slim}" bookworm)
build "$APP_IMAGE (Dockerfile from $node_base, Node.js $node_version)" \
  -f Dockerfile --build-arg "NODE_BASE=$node_base" --build-arg "NODE_VERSION=$node_version" \
  -t "$APP_IMAGE" .

rm -f docker/build-ca.crt
echo "build-images: done"
for image in "$APP_IMAGE" "$REDIS_IMAGE" "$EXEC_IMAGE"; do
  size=$(docker image inspect -f '{{.Size}}' "$image" 2>/dev/null || echo 0)
  echo "  $image: $((size / 1000000)) MB"
done
