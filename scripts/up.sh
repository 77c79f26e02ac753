#!/usr/bin/env bash
# The main job end to end on a fresh machine: dependencies, the three real stores, a build, then
# `recruit-db up` (migrate + S3 bootstrap + seed + verify). Extra arguments go to `up`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
bash scripts/stores.sh start
npm run --silent build
# `recruit-db` on PATH, as every message names it: npm link puts it in npm's global bin folder.
# Without write access there (a non-root user with a system npm), `npx recruit-db` works from here.
if npm link --no-audit --no-fund --loglevel=error >/dev/null 2>&1; then
  echo "up: recruit-db is on your PATH ($(npm prefix -g)/bin/recruit-db)" >&2
else
  echo "up: could not npm link into $(npm prefix -g) (no write access?); run it as \`npx recruit-db\` from $PWD" >&2
fi
exec ./bin/recruit-db up "$@"
