#!/usr/bin/env bash
# Builds the sandbox image (Dockerfile.exec) under $JOB_RUN_IMAGE.
# With no registry in reach, the Debian base is made locally with debootstrap + docker import.
set -euo pipefail
cd "$(dirname "$0")/.."

# .env may set JOB_RUN_IMAGE; the environment wins over it.
if [ -f .env ] && [ -z "${JOB_RUN_IMAGE:-}" ]; then
  JOB_RUN_IMAGE=$(sed -n 's/^JOB_RUN_IMAGE=//p' .env | tail -n 1)
fi
IMAGE="${JOB_RUN_IMAGE:-job-runner-exec:latest}"
BASE_IMAGE="${BASE_IMAGE:-debian:bookworm-slim}"
SUITE="${BASE_SUITE:-bookworm}"

# shellcheck source=scripts/lib/base-image.sh
. scripts/lib/base-image.sh

command -v docker >/dev/null || { echo "build-exec-image: docker is not installed (apt-get install -y docker.io)" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "build-exec-image: the Docker engine does not answer (start dockerd)" >&2; exit 1; }

BASE_IMAGE=$(ensure_base_image "$BASE_IMAGE" "$SUITE")

echo "build-exec-image: building $IMAGE from $BASE_IMAGE (Dockerfile.exec)"
DOCKER_BUILDKIT=0 docker build -f Dockerfile.exec --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$IMAGE" .
echo "build-exec-image: $IMAGE is ready"
