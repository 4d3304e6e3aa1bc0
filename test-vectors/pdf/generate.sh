#!/usr/bin/env bash
# Regenerates the signed-PDF fixtures of test-vectors/pdf/.
#
#   test-vectors/pdf/generate.sh            # writes into test-vectors/pdf/ itself
#   test-vectors/pdf/generate.sh /tmp/out   # writes into another directory
#
# Needs python3 (3.10 or newer) with venv, and qpdf (installed with apt-get when
# missing and running as root). The Python packages go into a venv at
# $KYSO_PDF_VENV (default /tmp/pdfvenv), created when missing, with the exact
# versions below. Reads the PKI of test-vectors/ and never writes there.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-$HERE}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
VENV=${KYSO_PDF_VENV:-/tmp/pdfvenv}

# The five the fixtures depend on, then the rest of what pip resolved for them.
PINS=(
  pyHanko==0.38.0 pyhanko-certvalidator==0.33.0 asn1crypto==1.5.1
  cryptography==50.0.2 fpdf2==2.8.9
  pyhanko-cli==0.6.0 click==8.5.1 PyYAML==6.0.4 platformdirs==4.14.9
  aiohappyeyeballs==2.7.1 aiohttp==3.14.5 aiosignal==1.4.0 attrs==26.1.0
  certifi==2026.10.19.post1 cffi==2.1.1 defusedxml==0.7.1 fonttools==4.68.0
  frozenlist==1.8.0 idna==3.20 lxml==6.1.3 multidict==7.2.1 oscrypto==1.3.0
  pillow==13.0.0 propcache==0.5.4 pycparser==3.12 typing_extensions==4.16.0
  tzlocal==5.4.5 uritools==7.0.1 yarl==1.25.1
)

if ! command -v qpdf >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq qpdf >/dev/null
  else
    echo "generate.sh: qpdf is missing (apt-get install qpdf)" >&2
    exit 1
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check "${PINS[@]}"

# Remove what an earlier run made here (the files its cases.tsv lists), and the
# run's scratch files.
if [ -f "$OUT/cases.tsv" ]; then
  tail -n +2 "$OUT/cases.tsv" | cut -f1 | sort -u | while read -r f; do
    rm -f "$OUT/$f"
  done
fi
rm -f "$OUT/cases.tsv" "$OUT/validation-time" "$OUT/signing-ca.crl.der" \
      "$OUT/base.pdf" "$OUT/base-objstm.pdf" \
      "$OUT/root.crl.der" "$OUT/.t0" "$OUT/.cases.jsonl"

export PYTHONDONTWRITEBYTECODE=1
PY="$VENV/bin/python"
cd "$HERE"
"$PY" build_pdfs.py "$OUT"
"$PY" attacks.py "$OUT"
"$PY" review_attacks.py "$OUT"
# pyHanko's verdicts, with no network at all where the machine allows it.
if unshare -n true 2>/dev/null; then
  unshare -n "$PY" report.py "$OUT"
else
  "$PY" report.py "$OUT"
fi
rm -f "$OUT/.t0" "$OUT/.cases.jsonl"
echo "generate.sh: $(($(wc -l < "$OUT/cases.tsv") - 1)) rows in $OUT/cases.tsv," \
     "validation time $(cat "$OUT/validation-time")"
