#!/usr/bin/env bash
# Regenerates the XML fixtures: the canonical forms of test-vectors/xml/c14n/input by
# xmlsec1 and lxml, and the signed e-invoices of test-vectors/xml/einvoice.
#
#   test-vectors/xml/generate.sh            # writes into test-vectors/xml/ itself
#   test-vectors/xml/generate.sh /tmp/out   # writes OUT/c14n and OUT/einvoice instead
#
# Needs python3 with venv, and xmlsec1 (installed with apt-get when missing and running as
# root). The Python packages go into a venv at $KYSO_XML_VENV (default /tmp/xmlvenv),
# created when missing, with the exact versions below. Reads the PKI of test-vectors/.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV=${KYSO_XML_VENV:-/tmp/xmlvenv}
PINS=(lxml==6.1.3 cryptography==50.0.2 cffi==2.1.1 pycparser==3.12)

if ! command -v xmlsec1 >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq xmlsec1 >/dev/null
  else
    echo "generate.sh: xmlsec1 is missing (apt-get install xmlsec1)" >&2
    exit 1
  fi
fi
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check "${PINS[@]}"

if [ $# -ge 1 ]; then
  mkdir -p "$1"
  C14N_OUT="$1/c14n"
  EINVOICE_OUT="$1/einvoice"
else
  C14N_OUT="$HERE/c14n/expected"
  EINVOICE_OUT="$HERE/einvoice/signed"
fi
rm -rf "$C14N_OUT" "$EINVOICE_OUT"
export PYTHONDONTWRITEBYTECODE=1
"$VENV/bin/python" "$HERE/c14n/generate.py" "$C14N_OUT"
"$VENV/bin/python" -W ignore "$HERE/einvoice/generate.py" "$EINVOICE_OUT"
