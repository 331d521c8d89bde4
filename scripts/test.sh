#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need (scripts/install.sh), starts the
# services they use on 127.0.0.1 (PostgreSQL; Redis and registries are started by the tests that
# need them), then the unit/integration tests (vitest) and the browser tests (Playwright in
# Debian's Chromium). Ends with one summary line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh || { echo "install failed"; exit 1; }

mkdir -p test-results
if url=$(bash scripts/pg-test-server.sh); then
  export LAB_TEST_POSTGRES_URL="$url"
else
  echo "warning: PostgreSQL could not be started; PostgreSQL variants of the database tests will skip"
fi

status=0
echo "==> typecheck (tsc, whole project: engine, CLI, workers, site)"
npx tsc --noEmit -p . || status=1

echo "==> lint (ESLint: recommended rules + the layer rules of eslint.config.mjs)"
npx eslint . || status=1

echo "==> unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=1

if [ -f playwright.config.ts ] && [ "${LAB_SKIP_E2E:-}" != 1 ]; then
  echo "==> end-to-end tests (Playwright, /usr/bin/chromium)"
  PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/playwright.json \
    npx playwright test --reporter=list,json || status=1
fi

node scripts/test-summary.mjs test-results/vitest.json test-results/playwright.json
exit $status
