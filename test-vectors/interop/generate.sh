#!/usr/bin/env bash
# Makes every fixture of test-vectors/interop from producers other than kyso: the OpenSSL
# CLI and Python's `cryptography` and `asn1crypto`, installed with pinned versions into a
# virtual environment of its own (from PyPI). See README.md.
#
# Usage: test-vectors/interop/generate.sh [OUTDIR]   (default: this directory)
#   KYSO_PY_VENV=DIR reuses (or creates) the virtual environment in DIR.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-$HERE}
mkdir -p "$OUT"
VENV=${KYSO_PY_VENV:-$(mktemp -d "${TMPDIR:-/tmp}/kyso-interop-venv.XXXXXX")}
if [[ ! -x $VENV/bin/python ]]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet asn1crypto==1.5.1 cryptography==50.0.2
fi
bash "$HERE/gen_cms.sh" "$OUT" "$VENV/bin/python"
bash "$HERE/gen_tsp_eid.sh" "$OUT" "$VENV/bin/python"
bash "$HERE/gen_unsupported.sh" "$OUT"
