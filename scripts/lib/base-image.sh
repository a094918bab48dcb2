# ensure_base_image NAME SUITE: prints the name of a usable Debian base image.
# Uses NAME when it is present or can be pulled; otherwise makes job-runner-base:SUITE offline
# with debootstrap and docker import, and says so on stderr.
ensure_base_image() {
  local name="$1" suite="$2" local_name="job-runner-base:$2"
  if docker image inspect "$name" >/dev/null 2>&1; then echo "$name"; return; fi
  if docker image inspect "$local_name" >/dev/null 2>&1; then
    echo "base-image: $name is not available; using the locally made $local_name" >&2
    echo "$local_name"; return
  fi
  if timeout 60 docker pull "$name" >&2 2>/dev/null; then echo "$name"; return; fi
  echo "base-image: $name cannot be found locally or pulled; making $local_name with debootstrap (about a minute)" >&2
  command -v debootstrap >/dev/null || { echo "base-image: debootstrap is missing (apt-get install -y debootstrap)" >&2; return 1; }
  local dir; dir=$(mktemp -d /tmp/job-runner-rootfs.XXXXXX)
  # shellcheck disable=SC2064
  trap "rm -rf '$dir'" RETURN
  debootstrap --variant=minbase "$suite" "$dir" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >&2
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -c . | docker import - "$local_name" >&2
  echo "base-image: made $local_name" >&2
  echo "$local_name"
}
