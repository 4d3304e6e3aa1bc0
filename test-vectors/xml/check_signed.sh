#!/usr/bin/env bash
# Holds the e-invoices kyso signed (tests/einvoice.rs writes them to KYSO_EINVOICE_SIGN_OUT)
# to xmlsec1: each kyso-*.xml must verify against the test root, each *-tampered-*.xml (a
# signed amount or tax code changed after signing) must fail.
#
#   test-vectors/xml/check_signed.sh DIR
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PKI="$HERE/../pki"
DIR=$1
verify() {
  xmlsec1 --verify --trusted-pem "$PKI/root-ca.pem" --untrusted-pem "$PKI/intermediate-ca.pem" \
    --id-attr:Id DLHDon --id-attr:Id "http://www.w3.org/2000/09/xmldsig#:Object" \
    --verification-gmt-time "2026-06-01 00:00:00" "$1" >/dev/null 2>&1
}
signed=0
tampered=0
for f in "$DIR"/kyso-*.xml; do
  case "$f" in
    *-tampered-*)
      if verify "$f"; then echo "xmlsec1 verified a tampered invoice: $f" >&2; exit 1; fi
      tampered=$((tampered + 1)) ;;
    *)
      if ! verify "$f"; then echo "xmlsec1 does not verify: $f" >&2; exit 1; fi
      signed=$((signed + 1)) ;;
  esac
done
[ "$signed" -ge 2 ] && [ "$tampered" -ge 4 ] || { echo "too few files in $DIR" >&2; exit 1; }
echo "xmlsec1 verified $signed invoices kyso signed and failed $tampered tampered copies"
