# syntax=docker/dockerfile:1.7
# One image recipe for every service; SERVICE picks which. Build from the repository root:
#   docker build --build-arg SERVICE=identity -t therapy-room/identity:0.1.0 .
# The image runs compiled JavaScript (npm run build: dist/app) on Node.js 24 LTS, with production
# dependencies only, as a non-root numeric user, with nothing written outside /tmp (the chart mounts an
# emptyDir there and sets readOnlyRootFilesystem). Kubernetes probes do health checking (no HEALTHCHECK).
#
# Base image: node:24-bookworm-slim pinned by digest. The digest below is the one public repositories
# record for node:24-bookworm-slim (Node 24.18.0); it could not be checked against the registry from
# where this was written. Before a release: `docker buildx imagetools inspect node:24-bookworm-slim`,
# and update it here (the values files then pin each built image by its own digest).
ARG NODE_IMAGE=node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d
ARG SERVICE

# --- 1. manifests: only the package.json files, so the dependency layers are cached until they change.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /out \
 && cp package.json package-lock.json /out/ \
 && find libs services tools -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} /out/ \;

# --- 2. build: every dependency (TypeScript), then compile to dist/app.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY --from=manifests /out/ ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json ./
COPY libs/ ./libs/
COPY services/ ./services/
COPY tools/ ./tools/
COPY seeds/ ./seeds/
RUN node tools/build/build.mjs

# --- 3. production dependencies only (workspace links included). Install scripts are allowed (argon2
# needs its own); the compiler toolchain is a fallback should no prebuilt argon2 fit, and never reaches
# the runtime image.
FROM ${NODE_IMAGE} AS prod-deps
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=manifests /out/ ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- 4. runtime
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
RUN test -n "${SERVICE}" || (echo "build with --build-arg SERVICE=<name of a folder in services/>" && exit 1)
ENV SERVICE=${SERVICE} \
    NODE_ENV=production \
    HOME=/tmp \
    NPM_CONFIG_CACHE=/tmp/.npm \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    HOST=0.0.0.0
WORKDIR /app
# Everything stays owned by root and read-only to the runtime user.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /src/dist/app/package.json ./
COPY --from=build /src/dist/app/libs/ ./libs/
# tools/dev/src/provision.js: run by the chart's pre-install/pre-upgrade hook Job with this image.
COPY --from=build /src/dist/app/tools/dev/ ./tools/dev/
COPY --from=build /src/dist/app/services/${SERVICE}/ ./services/${SERVICE}/
# Content's library seeds (content-cli seed-library); small, so every image has them.
COPY --from=build /src/dist/app/seeds/ ./seeds/
# The browser app's static files (a few hundred KB): the gateway serves them at / (WEB_ROOT); the
# other services never read them.
COPY --from=build /src/dist/app/web/ ./web/
ENV WEB_ROOT=/app/web
USER 10001:10001
# PORT and METRICS_PORT come from the chart (gateway 3000, services 3001+; metrics 9464). kafkajs 2.2.4
# (its last release) arms a timer with a negative delay when no request is throttled; Node 24 warns
# about it once per process, and treats it as 1 ms, as older Node did silently: the warning is noise.
CMD ["sh", "-c", "exec node --enable-source-maps --disable-warning=TimeoutNegativeWarning services/${SERVICE}/src/main.js"]
