#!/usr/bin/env bash
# The test command: installs dependencies, starts the real stores, builds, typechecks, runs vitest,
# and ends with one plain "N passed, N failed, N skipped" line.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
npm ci --no-audit --no-fund --loglevel=error
# The docs page is tested in a real browser: Debian's chromium, driven by playwright-core (which downloads none).
if [ ! -x /usr/bin/chromium ]; then
  [ "$(id -u)" = 0 ] || { echo "scripts/test.sh: chromium is missing: run 'sudo apt-get install -y chromium'" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# Real file validators for the seeded files (tests/unit/seed-files.test.ts): ImageMagick and qpdf are
# a dozen small packages. ffmpeg (about 90) is left out: its three audio tests skip without it.
if { [ ! -x /usr/bin/identify ] || ! command -v qpdf >/dev/null; } && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends imagemagick qpdf >/dev/null \
    || echo "scripts/test.sh: could not install imagemagick and qpdf; their file-validator tests will skip" >&2
fi
bash scripts/stores.sh start
npm run --silent build
npm run --silent typecheck
mkdir -p .test-results
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json "$@" || status=$?
node -e '
  const r = require("./.test-results/vitest.json");
  const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
  console.log(`${r.numPassedTests} passed, ${failed} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
' || status=1
exit $status
