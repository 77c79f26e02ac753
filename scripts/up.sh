#!/usr/bin/env bash
# The main job end to end on a fresh machine: dependencies, the three real stores, a build, then
# `recruit-db up` (migrate + S3 bootstrap + seed + verify). Extra arguments go to `up`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
bash scripts/stores.sh start
npm run --silent build
exec ./bin/recruit-db up "$@"
