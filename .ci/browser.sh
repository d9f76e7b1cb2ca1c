#!/usr/bin/env bash
# The browser stage: headless Chromium (Debian's package, with Thai fonts) driven by Playwright's Python
# client through the portal's end-to-end journeys. Screenshots land in test-output/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi tlwg; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-thai-tlwg fontconfig >/dev/null
fi
/usr/bin/chromium --version

# the browser tests must run: a run that collects none (pytest exit 5) or skips them all fails here
mkdir -p test-output
set +e
.venv/bin/python -m pytest -m browser tests/services/web -q -rs -p no:cacheprovider | tee test-output/browser.log
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 5 ]; then
  echo "no browser test ran" >&2
  exit 1
fi
if [ "$status" -ne 0 ]; then
  exit "$status"
fi
if grep -qE "^SKIPPED|[0-9]+ skipped" test-output/browser.log; then
  echo "browser tests were skipped (see above): they must run in CI" >&2
  exit 1
fi
