# syntax=docker/dockerfile:1.7
# One image recipe for every service; SERVICE picks which. Build from the repository root:
#   docker build --build-arg SERVICE=identity -t therapy-room/identity:0.1.0 .
# The image runs TypeScript directly through @swc-node/register (no build step yet), as a non-root
# numeric user, with nothing written outside /tmp (the chart mounts an emptyDir there and sets
# readOnlyRootFilesystem). Kubernetes probes do health checking, so there is no HEALTHCHECK.
ARG NODE_IMAGE=node:20-bookworm-slim
ARG SERVICE

# --- 1. manifests: only the package.json files, so the dependency layer is cached until they change.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /out \
 && cp package.json package-lock.json /out/ \
 && find libs services tools -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} /out/ \;

# --- 2. deps: npm ci against the lock file (workspace links included). Install scripts are allowed
# (argon2, @swc/core need theirs); the compiler toolchain is a fallback for argon2 should no prebuilt
# binary fit, and never reaches the runtime image.
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=manifests /out/ ./
# Extra npm ci flags, e.g. --build-arg NPM_CI_FLAGS=--omit=dev (see charts/therapy-room/README.md).
ARG NPM_CI_FLAGS=""
RUN npm ci --ignore-scripts=false --no-audit --no-fund ${NPM_CI_FLAGS} \
 && npm cache clean --force

# --- 3. runtime
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
COPY --from=deps /app/node_modules ./node_modules
COPY --from=manifests /out/ ./
COPY tsconfig.base.json tsconfig.json ./
COPY libs/ ./libs/
# tools/dev holds provision.ts, run by the chart's pre-install/pre-upgrade hook Job with this image.
COPY tools/dev/ ./tools/dev/
COPY services/${SERVICE}/ ./services/${SERVICE}/
USER 10001:10001
# PORT comes from the chart (gateway 3000, services 3001+).
CMD ["sh", "-c", "exec node -r @swc-node/register services/${SERVICE}/src/main.ts"]
