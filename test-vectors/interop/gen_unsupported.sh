#!/usr/bin/env bash
# A CA whose key kyso does not implement (Ed448), an end entity it issued, and an OCSP
# response it signed for that end entity: kyso must say the CA's key is unsupported, never
# that the response does not cover the certificate. OpenSSL CLI only.
#
# Usage: test-vectors/interop/gen_unsupported.sh OUTDIR   (writes OUTDIR/unsupported)
set -euo pipefail
mkdir -p "$1/unsupported"
OUT=$(cd "$1/unsupported" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kyso-unsupported.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
openssl genpkey -algorithm ED448 -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -subj "/C=VN/O=Kyso Test PKI/CN=Kyso Interop Ed448 CA" \
    -days 7000 -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ee.key
openssl req -new -key ee.key -subj "/C=VN/O=Kyso Test PKI/CN=Kyso Interop under Ed448" -out ee.csr
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n' >ext
openssl x509 -req -in ee.csr -CA ca.pem -CAkey ca.key -set_serial 0x1234 -days 7000 \
    -extfile ext -out ee.pem 2>/dev/null
printf 'V\t451231000000Z\t\t1234\tunknown\t/C=VN/O=Kyso Test PKI/CN=Kyso Interop under Ed448\n' >index.txt
openssl ocsp -index index.txt -rsigner ca.pem -rkey ca.key -CA ca.pem -issuer ca.pem \
    -cert ee.pem -respout ocsp.der -ndays 7000 >/dev/null 2>&1
openssl ocsp -respin ocsp.der -CAfile ca.pem -issuer ca.pem -cert ee.pem -no_nonce >/dev/null 2>&1 || {
    echo "gen_unsupported.sh: openssl does not verify its own response" >&2
    exit 1
}
cp ca.pem "$OUT/ca-ed448.pem"
cp ee.pem "$OUT/ee-under-ed448.pem"
cp ocsp.der "$OUT/ocsp-by-ed448-ca.der"
