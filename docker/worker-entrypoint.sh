#!/bin/sh
# The worker container's entrypoint. Compose starts it as root for one thing only: to read the
# group of the host's Docker socket, which differs between hosts (0 on some, Debian's `docker`
# group on others). It then runs the worker as the image's non-root user (10002) with that group
# added, its capabilities gone, so `docker compose up` works with no .env to name the group.
# Started as any other user it runs the command as it is (the group must then be given).
set -eu
SOCKET=/var/run/docker.sock
if [ "$(id -u)" != 0 ]; then
  exec "$@"
fi
if [ ! -S "$SOCKET" ]; then
  echo "job-runner worker: no Docker socket at $SOCKET: mount the host's (compose.yaml does)" >&2
  exit 1
fi
gid=$(stat -c %g "$SOCKET")
echo "job-runner worker: the Docker socket's group is $gid; running as 10002:10002 in it" >&2
# setuid away from root clears every capability; no-new-privileges keeps them from coming back.
exec setpriv --reuid=10002 --regid=10002 --groups="$gid" --inh-caps=-all -- "$@"
