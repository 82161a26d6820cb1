#!/usr/bin/env bash
# Runs the whole test suite: unit, integration (real PostgreSQL and MariaDB) and e2e (Playwright in
# Debian's Chromium), inside a real headless OS keychain. Installs what is missing first.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
apt_install chromium libsecret-1-dev gnome-keyring dbus-x11 postgresql-client mariadb-client
ensure_node_modules
eval "$(bash scripts/ensure-services.sh)"
ensure_build

rm -rf test-results && mkdir -p test-results
status=0
run_stage() { # run_stage NAME CMD... — keeps going after a failed stage so the summary counts everything
  log "── $1"
  shift
  "$@" || status=1
}
KEYCHAIN="bash scripts/with-keychain.sh"
# The type check counts as one test in the summary, so a type error cannot hide behind green tests.
typecheck() {
  if npm run -s typecheck; then echo '{"numPassedTests":1,"numFailedTests":0}' > test-results/typecheck.json
  else echo '{"numPassedTests":0,"numFailedTests":1}' > test-results/typecheck.json; return 1; fi
}
run_stage "type check (tsc, node and web)" typecheck
run_stage "unit tests" $KEYCHAIN npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=test-results/unit.json
run_stage "component tests (jsdom)" $KEYCHAIN npx vitest run --project component --reporter=default --reporter=json --outputFile.json=test-results/component.json
run_stage "integration tests (PostgreSQL, MariaDB)" $KEYCHAIN npx vitest run --project integration --reporter=default --reporter=json --outputFile.json=test-results/integration.json
run_stage "e2e tests (Chromium)" $KEYCHAIN env CI=true npx playwright test
node scripts/summarize-tests.mjs test-results/typecheck.json test-results/unit.json test-results/component.json test-results/integration.json test-results/e2e.json || status=1
exit $status
