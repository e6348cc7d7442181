#!/usr/bin/env bash
# Installs an S3-compatible server for the tests that run the backfill on several workers: moto's
# server mode from PyPI (Apache-2.0, pure Python, about a minute on a clean machine) into
# .venv-s3/. MinIO serves production (docker-compose.yml); its server is not on any registry CI can
# reach, and a Go build of it takes far longer. The tests speak plain S3 to either.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${MOTO_VERSION:-5.2.5}"
if [ -x .venv-s3/bin/moto_server ] && .venv-s3/bin/python -c "import moto, sys; sys.exit(moto.__version__ != '${VERSION}')" 2>/dev/null; then
  echo "S3 test server (moto ${VERSION}) already installed at .venv-s3/bin/moto_server"
  exit 0
fi
command -v python3 >/dev/null || { echo "python3 is needed to install the S3 test server from PyPI" >&2; exit 1; }
python3 -m venv .venv-s3
.venv-s3/bin/pip install --quiet --disable-pip-version-check "moto[s3,server]==${VERSION}"
echo "S3 test server (moto ${VERSION}) installed at .venv-s3/bin/moto_server"
