# The API and the worker: one image, the command picks which
# (default: the API; `node apps/worker/dist/main.js`: a worker).
# Built by `npm run build:images`. NODE_BASE is node:20-bookworm-slim where a registry answers;
# with none in reach the script passes a Debian trixie base made with debootstrap, and Node.js
# (20) comes from Debian's packages instead.
ARG NODE_BASE=node:20-bookworm-slim

# --- build: every dependency, compile the TypeScript, then drop the dev dependencies ---------
FROM ${NODE_BASE} AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN if ! command -v npm >/dev/null; then \
      apt-get update \
      && apt-get install -y --no-install-recommends nodejs npm ca-certificates \
      && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json tsconfig.build.json ./
COPY packages/config/package.json packages/config/
COPY packages/logger/package.json packages/logger/
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
ENV DEBIAN_FRONTEND=noninteractive
RUN if ! command -v node >/dev/null; then \
      apt-get update \
      && apt-get install -y --no-install-recommends nodejs \
      && apt-get clean && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/*; \
    fi \
 && groupadd --gid 10002 jobrunner \
 && useradd --uid 10002 --gid 10002 --no-create-home --home-dir /app --shell /usr/sbin/nologin jobrunner \
 && mkdir -p /data \
 && chown jobrunner:jobrunner /data
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
