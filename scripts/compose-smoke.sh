#!/usr/bin/env bash
# End-to-end check of the Docker Compose deployment, as the README describes it:
# builds the images, brings the stack up under a unique project name on a free port, waits for
# /readyz, runs a pandas job through POST /jobs/sync and downloads its artifact, scales the
# workers to 2 and runs two jobs at once, then tears everything down, volumes included (also on
# failure). SMOKE_SKIP_BUILD=1 reuses images already built.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "compose-smoke: $*"; }
fail() {
  echo "compose-smoke: FAILED: $*" >&2
  exit 1
}

# --- which Compose: the v2 plugin when present, else Debian's docker-compose ----------------
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null; then
  COMPOSE=(docker-compose)
else
  fail "no Docker Compose: install the compose plugin or Debian's docker-compose (apt-get install -y docker-compose)"
fi
docker info >/dev/null 2>&1 || fail "the Docker engine does not answer (start dockerd)"
command -v curl >/dev/null || fail "curl is missing (apt-get install -y curl)"

SOCKET=/var/run/docker.sock
[ -S "$SOCKET" ] || fail "$SOCKET is not a socket: the worker container needs the host's engine there"

# --- the settings: .env.example's defaults, a few overridden for the smoke --------------------
PROJECT="jrsmoke-$(date +%s)-$$"
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
export HOST=127.0.0.1
PORT=$(free_port)
export PORT
# One job per worker at a time: two jobs overlapping then prove two workers ran them.
export WORKER_CONCURRENCY=1
# A worker in a container cannot firewall an outbound network; with it off, the workers create
# no network on the host outside this project (which the teardown would not remove).
export OUTBOUND_ENABLED=0
BASE="http://127.0.0.1:${PORT}"
# No .env at all (an empty env file, so a developer's own .env is not read either): compose.yaml's
# defaults must be enough, the Docker socket's group included.
compose() { "${COMPOSE[@]}" --env-file "$WORK/empty.env" -f compose.yaml -p "$PROJECT" "$@"; }

WORK=$(mktemp -d /tmp/compose-smoke.XXXXXX)
: >"$WORK/empty.env"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [ "$rc" -ne 0 ]; then
    echo "compose-smoke: the stack's last log lines:" >&2
    compose logs --no-color --tail 60 >&2 2>/dev/null
  fi
  say "tearing down project $PROJECT (containers, networks, volumes)"
  compose down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1
  # Anything compose missed, by its project label.
  local label="label=com.docker.compose.project=$PROJECT" left=()
  mapfile -t left < <(docker ps -aq --filter "$label")
  ((${#left[@]})) && docker rm -f "${left[@]}" >/dev/null
  mapfile -t left < <(docker volume ls -q --filter "$label")
  ((${#left[@]})) && docker volume rm -f "${left[@]}" >/dev/null
  mapfile -t left < <(docker network ls -q --filter "$label")
  ((${#left[@]})) && docker network rm "${left[@]}" >/dev/null
  local rest
  rest="$(docker ps -aq --filter "$label")$(docker volume ls -q --filter "$label")$(docker network ls -q --filter "$label")"
  if [ -n "$rest" ]; then
    echo "compose-smoke: could not remove everything of $PROJECT: $rest" >&2
    rc=1
  fi
  rm -rf "$WORK"
  if [ "$rc" -eq 0 ]; then say "passed ($((SECONDS - START)) s in all)"; else echo "compose-smoke: failed" >&2; fi
  exit "$rc"
}
START=$SECONDS
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "using ${COMPOSE[*]} ($("${COMPOSE[@]}" version --short 2>/dev/null || echo '?')), project $PROJECT, API on $BASE, no .env, the Docker socket's group $(stat -c %g "$SOCKET")"

# --- 1. images ---------------------------------------------------------------------------------
if [ "${SMOKE_SKIP_BUILD:-0}" = 1 ]; then
  say "SMOKE_SKIP_BUILD=1: using the images already built"
else
  t=$SECONDS
  bash scripts/build-images.sh || fail "npm run build:images failed"
  say "images built ($((SECONDS - t)) s)"
fi

# --- 2. up, and wait until ready ---------------------------------------------------------------
json() { node -e "const v = JSON.parse(require('fs').readFileSync(0, 'utf8')); const r = ($1); console.log(typeof r === 'string' ? r : JSON.stringify(r));"; }

t_up=$(date +%s.%N)
compose up -d || fail "compose up failed"
ready_path=/readyz
deadline=$((SECONDS + ${SMOKE_READY_TIMEOUT:-180}))
while :; do
  code=$(curl -s -o "$WORK/ready.json" -w '%{http_code}' "$BASE$ready_path" || true)
  [ "$code" = 200 ] && break
  [ $SECONDS -lt $deadline ] || fail "$BASE$ready_path did not answer 200 within ${SMOKE_READY_TIMEOUT:-180} s (last answer: $( [ "${code:-000}" = 000 ] && echo none || echo "$code $(cat "$WORK/ready.json" 2>/dev/null)"))"
  sleep 0.5
done
say "ready: $ready_path answered 200 $(awk -v a="$t_up" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s after 'up' was started"

# A worker is alive and says so through /readyz (with none, jobs would only wait).
deadline=$((SECONDS + 90))
while :; do
  alive=$(curl -s "$BASE/readyz" | json 'v.checks.workers.alive' || true)
  [ "${alive:-0}" -ge 1 ] 2>/dev/null && break
  [ $SECONDS -lt $deadline ] || fail "/readyz reports no live worker within 90 s: $(curl -s "$BASE/readyz")"
  sleep 0.5
done
say "/readyz reports $alive live worker(s)"
# The API has no Docker socket: GET /runtimes answers what a worker probed and published.
deadline=$((SECONDS + 60))
while :; do
  runtime=$(curl -s "$BASE/runtimes" | json 'v.runtimes[0].available ? v.runtimes[0].name + " " + v.runtimes[0].version + ", pandas " + v.runtimes[0].packages.find((p) => p.name === "pandas").version : ""' || true)
  [ -n "$runtime" ] && break
  [ $SECONDS -lt $deadline ] || fail "GET /runtimes has no available runtime within 60 s: $(curl -s "$BASE/runtimes" | head -c 600)"
  sleep 0.5
done
say "GET /runtimes: $runtime (probed by a worker)"
# The worker (PID 1 after its entrypoint) is the image's user, in the socket's group, with no
# capability (`compose exec` itself would run as the service's user, root, so /proc tells).
worker_proc=$(compose exec -T worker sh -c "grep -E '^(Uid|Groups|CapEff):' /proc/1/status" | tr -s '\t\r ' ' ' | paste -sd ' ' | tr -s ' ')
expected="Uid: 10002 10002 10002 10002 Groups: $(stat -c %g "$SOCKET") CapEff: 0000000000000000"
[ "$(echo "$worker_proc" | sed 's/ *$//')" = "$expected" ] || fail "the worker runs as '$worker_proc', not '$expected'"
say "the worker runs as 10002, in the socket's group $(stat -c %g "$SOCKET"), with no capability"
# The Node.js the project chose (.node-version, an LTS line), in the API and in the worker.
want_node="v$(tr -d ' \n' < .node-version)"
for svc in api worker; do
  got=$(compose exec -T "$svc" node --version | tr -d '\r')
  [ "$got" = "$want_node" ] || fail "the $svc runs Node.js $got, not $want_node"
done
say "the api and the worker run Node.js $want_node"

# Redis keeps its data (append-only) and never evicts BullMQ's keys.
redis_get() { compose exec -T redis redis-cli config get "$1" 2>&1 | tr -d '\r' | paste -sd ' ' || true; }
redis_conf="$(redis_get appendonly) $(redis_get maxmemory-policy)"
case "$redis_conf" in
  "appendonly yes maxmemory-policy noeviction") say "redis: appendonly yes, maxmemory-policy noeviction" ;;
  *) fail "redis settings are not appendonly yes / maxmemory-policy noeviction: $redis_conf" ;;
esac

# --- 3. a pandas job through POST /jobs/sync, and its artifact ---------------------------------
cat >"$WORK/main.py" <<'PY'
import os
import pandas as pd

df = pd.DataFrame({"n": [1, 2, 3]})
df["sq"] = df["n"] ** 2
df.to_csv(os.path.join(os.environ["JOB_OUTPUT_DIR"], "squares.csv"), index=False)
print("pandas", pd.__version__, "sum", int(df["sq"].sum()))
PY
node -e 'const fs = require("fs"); console.log(JSON.stringify({ spec: { timeout_sec: 60 }, code: fs.readFileSync(process.argv[1], "utf8") }))' "$WORK/main.py" >"$WORK/pandas.json"
code=$(curl -s -o "$WORK/pandas.out" -w '%{http_code}' -H 'content-type: application/json' --data-binary @"$WORK/pandas.json" "$BASE/jobs/sync" || true)
[ "$code" = 200 ] || fail "POST /jobs/sync answered ${code:-nothing}: $(cat "$WORK/pandas.out" 2>/dev/null)"
status=$(json 'v.job.status' <"$WORK/pandas.out")
[ "$status" = succeeded ] || fail "the pandas job ended $status: $(cat "$WORK/pandas.out")"
grep -q 'sum 14' <(json 'v.logs' <"$WORK/pandas.out") || fail "the pandas job's logs lack 'sum 14': $(cat "$WORK/pandas.out")"
job_id=$(json 'v.job.id' <"$WORK/pandas.out")
code=$(curl -s -o "$WORK/squares.csv" -w '%{http_code}' "$BASE/jobs/$job_id/artifacts/squares.csv" || true)
[ "$code" = 200 ] || fail "GET /jobs/$job_id/artifacts/squares.csv answered ${code:-nothing}"
printf 'n,sq\n1,1\n2,4\n3,9\n' | cmp -s - "$WORK/squares.csv" || fail "squares.csv is not what the job wrote: $(cat "$WORK/squares.csv")"
say "pandas job $job_id succeeded ($(json 'v.logs.trim()' <"$WORK/pandas.out")); its artifact downloaded and checked"

# --- 4. two workers, two jobs at once ----------------------------------------------------------
compose up -d --no-recreate --scale worker=2 || fail "compose up --scale worker=2 failed"
deadline=$((SECONDS + 90))
while :; do
  started=0
  for c in $(compose ps -q worker); do
    docker logs "$c" 2>&1 | grep -q 'worker started' && started=$((started + 1))
  done
  [ "$started" -ge 2 ] && break
  [ $SECONDS -lt $deadline ] || fail "2 workers did not start within 90 s (started: $started)"
  sleep 0.5
done
say "2 workers are up"

node -e 'console.log(JSON.stringify({ spec: { timeout_sec: 60 }, code: [
  "import os, socket, time",
  "t = time.time()",
  "time.sleep(4)",
  "open(os.path.join(os.environ[\"JOB_OUTPUT_DIR\"], \"who.txt\"), \"w\").write(os.environ[\"JOB_ID\"])",
  "print(\"slept\", round(time.time() - t, 1))",
].join("\n") }))' >"$WORK/sleep.json"
for i in 1 2; do
  curl -s -o "$WORK/par$i.out" -w '%{http_code}' -H 'content-type: application/json' \
    --data-binary @"$WORK/sleep.json" "$BASE/jobs/sync" >"$WORK/par$i.code" &
done
wait
for i in 1 2; do
  [ "$(cat "$WORK/par$i.code")" = 200 ] || fail "parallel job $i: POST /jobs/sync answered $(cat "$WORK/par$i.code"): $(cat "$WORK/par$i.out")"
  [ "$(json 'v.job.status' <"$WORK/par$i.out")" = succeeded ] || fail "parallel job $i did not succeed: $(cat "$WORK/par$i.out")"
  id=$(json 'v.job.id' <"$WORK/par$i.out")
  got=$(curl -s "$BASE/jobs/$id/artifacts/who.txt" || true)
  [ "$got" = "$id" ] || fail "parallel job $i ($id): artifact who.txt holds '${got}'"
  ran_on=""
  for c in $(compose ps -q worker); do
    docker logs "$c" 2>&1 | grep -q "$id" && ran_on="$ran_on $(docker inspect -f '{{.Name}}' "$c" | sed 's|^/||')"
  done
  say "parallel job $i ($id) succeeded${ran_on:+ on$ran_on}; its artifact served by the API"
done
# With one job per worker, overlapping runs mean the two workers ran one each.
# shellcheck disable=SC2016 # JavaScript, not shell
node -e '
  const fs = require("fs");
  const [a, b] = [1, 2].map((i) => JSON.parse(fs.readFileSync(process.argv[i], "utf8")).job);
  const t = (s) => Date.parse(s);
  if (!(t(a.started_at) < t(b.finished_at) && t(b.started_at) < t(a.finished_at))) {
    console.error(`the two jobs did not overlap: ${a.started_at}..${a.finished_at} and ${b.started_at}..${b.finished_at}`);
    process.exit(1);
  }' "$WORK/par1.out" "$WORK/par2.out" || fail "the two jobs did not run at once on two workers"
say "the two jobs ran at the same time, one on each worker"
