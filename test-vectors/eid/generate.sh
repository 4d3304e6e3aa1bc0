#!/usr/bin/env bash
# Synthetic chip data for passive authentication (ICAO 9303): test CSCAs and Document
# Signers, data groups of a CCCD-like ID card (TD1 DG1, DG2, DG13) and of a passport (TD3
# DG1, DG2), and EF.SOD files signed by `openssl cms`, good and bad. Expected verdicts are
# in expected.tsv (and test-vectors/README.md). Only the OpenSSL CLI and Python 3.
#
# Usage: test-vectors/eid/generate.sh [OUTDIR]     (default: this script's dir)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-$HERE}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kyso-eid.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
LOG=$WORK/log
run() {
    if ! "$@" >>"$LOG" 2>&1; then
        echo "eid/generate.sh: failed: $*" >&2
        tail -n 20 "$LOG" >&2
        exit 1
    fi
}
B="python3 $HERE/build.py"

rm -f "$OUT"/*.pem "$OUT"/*.key "$OUT"/*.bin "$OUT"/*.sod "$OUT"/*.ml "$OUT"/expected.tsv

cat >"$WORK/ca.cnf" <<EOF
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
[ csca ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ link ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ds ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ mls ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = 2.23.136.1.1.3
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ca ]
default_ca = c
[ c ]
database = $WORK/index.txt
new_certs_dir = $WORK
rand_serial = yes
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
countryName = optional
organizationName = optional
commonName = optional
EOF
: >"$WORK/index.txt"

key() {  # key NAME KIND
    case $2 in
        bp512x) run openssl ecparam -name brainpoolP512r1 -param_enc explicit -genkey -noout -out "$OUT/$1.key" ;;
        bp256) run openssl ecparam -name brainpoolP256r1 -genkey -noout -out "$OUT/$1.key" ;;
        p256) run openssl ecparam -name prime256v1 -genkey -noout -out "$OUT/$1.key" ;;
        rsa3072) run openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$OUT/$1.key" ;;
        rsa2048) run openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$OUT/$1.key" ;;
    esac
}
csca() {  # csca NAME KIND SUBJECT MD
    key "$1" "$2"
    run openssl req -new -x509 -config "$WORK/ca.cnf" -key "$OUT/$1.key" -subj "$3" \
        -days 7300 "$4" -extensions csca -out "$OUT/$1.pem"
}
issue() {  # issue NAME KIND SUBJECT ISSUER MD EXT [START END]
    key "$1" "$2"
    run openssl req -new -config "$WORK/ca.cnf" -key "$OUT/$1.key" -subj "$3" -out "$WORK/$1.csr"
    local dates=(-days 3650)
    if (($# > 6)); then dates=(-startdate "$7" -enddate "$8"); fi
    run openssl ca -batch -config "$WORK/ca.cnf" -cert "$OUT/$4.pem" -keyfile "$OUT/$4.key" \
        -md "$5" -extensions "$6" "${dates[@]}" -notext -in "$WORK/$1.csr" -out "$OUT/$1.pem"
}

echo "eid: CSCAs and document signers..."
# Vietnam's CSCA signs with ecdsa-with-SHA512 over brainpoolP512r1 given by explicit
# parameters; this test CSCA does the same.
csca csca-vn bp512x "/C=VN/O=Kyso Test eID/CN=CSCA Test Vietnam" -sha512
issue ds-vn bp256 "/C=VN/O=Kyso Test eID/CN=Document Signer Test 1" csca-vn sha512 ds
csca csca-p256 p256 "/C=VN/O=Kyso Test eID/CN=CSCA Test P-256" -sha256
issue ds-p256 p256 "/C=VN/O=Kyso Test eID/CN=Document Signer P-256" csca-p256 sha256 ds
csca csca-rsa rsa3072 "/C=VN/O=Kyso Test eID/CN=CSCA Test RSA" -sha256
issue ds-rsa rsa2048 "/C=VN/O=Kyso Test eID/CN=Document Signer RSA-PSS" csca-rsa sha256 ds
csca csca-other p256 "/C=XX/O=Other State/CN=CSCA Other State" -sha256
issue ds-other p256 "/C=XX/O=Other State/CN=Document Signer Other" csca-other sha256 ds
issue ds-expired bp256 "/C=VN/O=Kyso Test eID/CN=Document Signer Expired" csca-vn sha512 ds \
    20200101000000Z 20210101000000Z
# A new CSCA key, and the link certificate that certifies it under the old one.
csca csca-vn-2 p256 "/C=VN/O=Kyso Test eID/CN=CSCA Test Vietnam" -sha256
run openssl req -new -config "$WORK/ca.cnf" -key "$OUT/csca-vn-2.key" \
    -subj "/C=VN/O=Kyso Test eID/CN=CSCA Test Vietnam" -out "$WORK/link.csr"
run openssl ca -batch -config "$WORK/ca.cnf" -cert "$OUT/csca-vn.pem" -keyfile "$OUT/csca-vn.key" \
    -md sha512 -extensions link -days 3650 -notext -preserveDN -in "$WORK/link.csr" \
    -out "$OUT/csca-vn-link.pem"
issue ds-vn-2 p256 "/C=VN/O=Kyso Test eID/CN=Document Signer Test 2" csca-vn-2 sha256 ds

echo "eid: data groups..."
$B dg "$OUT"

sod() {  # sod NAME SIGNER MD HASH VERSION [cms options] -- DG...
    local name=$1 signer=$2 md=$3 hash=$4 version=$5
    shift 5
    local opts=()
    while (($#)) && [[ $1 != -- ]]; do opts+=("$1"); shift; done
    shift
    $B lds "$WORK/$name.lds" "$hash" "$version" "$@"
    run openssl cms -sign -binary -nodetach -in "$WORK/$name.lds" \
        -econtent_type 2.23.136.1.1.1 -signer "$OUT/$signer.pem" -inkey "$OUT/$signer.key" \
        -md "$md" "${opts[@]}" -outform DER -out "$WORK/$name.p7"
    $B wrap "$WORK/$name.p7" "$OUT/$name.sod"
}

echo "eid: EF.SOD files..."
C=("$OUT/cccd-dg1.bin" "$OUT/cccd-dg2.bin" "$OUT/cccd-dg13.bin")
P=("$OUT/passport-dg1.bin" "$OUT/passport-dg2.bin")
sod cccd-brainpool ds-vn sha512 sha256 0 -- "${C[@]}"
sod passport-p256 ds-p256 sha256 sha256 1 -- "${P[@]}"
sod cccd-rsa-pss ds-rsa sha256 sha256 0 -keyopt rsa_padding_mode:pss -keyopt rsa_pss_saltlen:32 -- "${C[@]}"
sod cccd-no-dg13 ds-vn sha512 sha256 0 -- "$OUT/cccd-dg1.bin" "$OUT/cccd-dg2.bin"
sod cccd-other-csca ds-other sha256 sha256 0 -- "${C[@]}"
sod cccd-expired-ds ds-expired sha512 sha256 0 -- "${C[@]}"
sod cccd-link ds-vn-2 sha256 sha256 0 -- "${C[@]}"
sod cccd-sha224 ds-p256 sha224 sha256 0 -- "${C[@]}"
head -c 200 "$OUT/cccd-brainpool.sod" >"$OUT/cccd-truncated.sod"

# A CSCA master list (ICAO 9303 part 12): the Vietnamese test CSCA, its link certificate
# and the P-256 CSCA, signed by the P-256 CSCA's key as a master list signer would.
for c in csca-vn csca-vn-link csca-p256; do
    run openssl x509 -in "$OUT/$c.pem" -outform DER -out "$WORK/$c.der"
done
$B masterlist "$WORK/ml.der" "$WORK/csca-vn.der" "$WORK/csca-vn-link.der" "$WORK/csca-p256.der"
run openssl cms -sign -binary -nodetach -in "$WORK/ml.der" -econtent_type 2.23.136.1.1.2 \
    -signer "$OUT/csca-p256.pem" -inkey "$OUT/csca-p256.key" -md sha256 -outform DER \
    -out "$OUT/masterlist.ml"

# A conforming master list (ICAO 9303 part 12): signed by a Master List Signer that the
# P-256 test CSCA issued (extendedKeyUsage id-icao-cscaMasterListSigningKey), holding the
# brainpool and RSA CSCAs; it verifies against csca-p256.pem (verify_master_list). P-256
# keeps the fuzz target that verifies master lists fast.
issue mls-vn p256 "/C=VN/O=Kyso Test eID/CN=Master List Signer Test" csca-p256 sha256 mls
for c in csca-rsa; do
    run openssl x509 -in "$OUT/$c.pem" -outform DER -out "$WORK/$c.der"
done
$B masterlist "$WORK/ml-vn.der" "$WORK/csca-vn.der" "$WORK/csca-rsa.der"
run openssl cms -sign -binary -nodetach -in "$WORK/ml-vn.der" -econtent_type 2.23.136.1.1.2 \
    -signer "$OUT/mls-vn.pem" -inkey "$OUT/mls-vn.key" -md sha256 -outform DER \
    -out "$OUT/masterlist-vn.ml"

# Every good SOD's CMS signature must verify with OpenSSL, with the chain to its CSCA where
# OpenSSL can build it: OpenSSL 3 refuses a key with explicit EC parameters in a chain
# ("Certificate public key has explicit ECC parameters"), so for the brainpool CSCA only the
# signature itself is checked (-noverify).
for pair in cccd-brainpool:- passport-p256:csca-p256 cccd-rsa-pss:csca-rsa; do
    name=${pair%%:*} ca=${pair#*:}
    python3 - "$OUT/$name.sod" "$WORK/$name.der" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
i = 2 if d[1] < 0x80 else 2 + (d[1] & 0x7f)
open(sys.argv[2], "wb").write(d[i:])
PY
    if [[ $ca == - ]]; then
        run openssl cms -verify -noverify -inform DER -in "$WORK/$name.der" -out /dev/null
    else
        run openssl cms -verify -inform DER -in "$WORK/$name.der" -CAfile "$OUT/$ca.pem" \
            -purpose any -out /dev/null
    fi
done

cat >"$OUT/expected.tsv" <<EOF
sod	data_groups	cscas	extra_certificates	verdict	detail
cccd-brainpool.sod	cccd-dg1.bin,cccd-dg2.bin,cccd-dg13.bin	csca-vn.pem	-	Passed	brainpoolP256r1 DS under a brainpoolP512r1 CSCA with explicit parameters
passport-p256.sod	passport-dg1.bin,passport-dg2.bin	csca-p256.pem	-	Passed	TD3 passport, LDSSecurityObject version 1
cccd-rsa-pss.sod	cccd-dg1.bin,cccd-dg2.bin,cccd-dg13.bin	csca-rsa.pem	-	Passed	RSA-PSS SHA-256
cccd-brainpool.sod	cccd-dg1.bin,cccd-dg2.bin,cccd-dg13-tampered.bin	csca-vn.pem	-	Failed	DG13 changed (one letter of the name)
cccd-no-dg13.sod	cccd-dg1.bin,cccd-dg2.bin,cccd-dg13.bin	csca-vn.pem	-	Failed	DG13 supplied but not listed in the SOD
cccd-other-csca.sod	cccd-dg1.bin,cccd-dg2.bin,cccd-dg13.bin	csca-vn.pem	-	Failed	DS of another state (C=XX) for a VNM document (and its CSCA not trusted)
cccd-expired-ds.sod	cccd-dg1.bin,cccd-dg2.bin,cccd-dg13.bin	csca-vn.pem	-	Indeterminate	DS expired in 2021
cccd-link.sod	cccd-dg1.bin,cccd-dg2.bin,cccd-dg13.bin	csca-vn.pem	csca-vn-link.pem	Passed	DS under the new CSCA key, reached through the link certificate
cccd-link.sod	cccd-dg1.bin,cccd-dg2.bin,cccd-dg13.bin	csca-vn.pem	-	Indeterminate	the same without the link certificate
cccd-sha224.sod	cccd-dg1.bin,cccd-dg2.bin,cccd-dg13.bin	csca-p256.pem	-	Unsupported	SHA-224 message digest
EOF
echo "eid: done, written to $OUT"
