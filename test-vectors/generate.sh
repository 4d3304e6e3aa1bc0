#!/usr/bin/env bash
# Generate the kyso test PKI: good chains (pki/), private keys in several
# encodings (keys/), deliberately broken certificates (bad/), small
# documents with reference digests (docs/) and the verdict table
# expected.tsv. Every row of expected.tsv is cross-checked with
# `openssl verify` as an independent oracle. Last come two Vietnamese
# official documents (documents/) and CMS signatures over the first, made by
# `openssl cms` (cms/), with their own verdict table cms/expected.tsv, each
# checked with `openssl cms -verify`.
#
# Usage: test-vectors/generate.sh [OUTDIR]     (default: this script's dir)
#
# Only the OpenSSL CLI (3.0+) and coreutils are used. Keys and serial
# numbers are random, so every run produces different bytes; dates, names
# and extensions are fixed, and so are the verdicts.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUTDIR=${1:-$SCRIPT_DIR}
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

# Validity window of every good certificate. OpenSSL 3.0's `x509` cannot
# set an explicit notBefore, which is why everything goes through `openssl ca`.
GOOD_START=20250101000000Z
GOOD_END=20450101000000Z

# The moment the test suite (and the oracle below) validates at.
VALIDATION_TIME=2026-06-01T00:00:00Z
ATTIME=1780272000

# Policy OID and URLs carried by every end entity.
POLICY_OID=1.3.6.1.4.1.55555.1.1
CRL_ROOT=http://127.0.0.1:8080/crl/root.crl
CRL_SIGNING=http://127.0.0.1:8080/crl/signing-ca.crl
OCSP_URL=http://127.0.0.1:8081/ocsp
CA_ISSUERS=http://127.0.0.1:8080/certs/signing-ca.crt

# Password of the encrypted PKCS#8 keys (documented in README.md).
KEY_PASSWORD=kyso-test

# The openssl ca database, throwaway CAs and logs live here and vanish on exit.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kyso-pki.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
LOG=$WORK/openssl.log
CONF=$WORK/openssl.cnf

# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------

# run CMD...: run quietly; on failure show the tail of the log and stop.
run() {
    if ! "$@" >>"$LOG" 2>&1; then
        echo "generate.sh: command failed: $*" >&2
        tail -n 20 "$LOG" >&2
        exit 1
    fi
}

# make_key KIND OUT: fresh private key, written as unencrypted PKCS#8 PEM
# (genpkey's native output).
make_key() {
    local kind=$1 out=$2
    case $kind in
        rsa*)    run openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${kind#rsa}" -out "$out" ;;
        p256)    run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
                     -pkeyopt ec_param_enc:named_curve -out "$out" ;;
        p384)    run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 \
                     -pkeyopt ec_param_enc:named_curve -out "$out" ;;
        ed25519) run openssl genpkey -algorithm ED25519 -out "$out" ;;
        *)       echo "make_key: unknown key kind $kind" >&2; exit 1 ;;
    esac
}

# issue_cert OUT SUBJECT KEY ISSUER_CERT ISSUER_KEY EXT_SECTION [options]
#   ISSUER_CERT "self" makes a self-signed certificate (ISSUER_KEY ignored).
#   options: --md DIGEST          signature digest (default sha256)
#            --validity START END (default: the good window)
#            anything else is passed to `openssl ca` verbatim (e.g. -sigopt).
# The subject goes through a CSR so that `openssl ca` with preserve=yes
# keeps the attribute order exactly as written.
issue_cert() {
    local out=$1 subject=$2 key=$3 issuer=$4 issuer_key=$5 ext=$6
    shift 6
    local md=sha256 start=$GOOD_START end=$GOOD_END extra=()
    while (($#)); do
        case $1 in
            --md)       md=$2; shift 2 ;;
            --validity) start=$2; end=$3; shift 3 ;;
            *)          extra+=("$1"); shift ;;
        esac
    done

    local csr=$WORK/request.csr
    run openssl req -new -utf8 -config "$CONF" -key "$key" -subj "$subject" -out "$csr"

    local signer
    if [[ $issuer == self ]]; then
        signer=(-selfsign -keyfile "$key")
    else
        signer=(-cert "$issuer" -keyfile "$issuer_key")
    fi
    run openssl ca -batch -notext -utf8 -config "$CONF" "${signer[@]}" \
        -extensions "$ext" -md "$md" -startdate "$start" -enddate "$end" \
        -in "$csr" -out "$out" "${extra[@]}"
}

# flip_last_bit FILE: flip the lowest bit of the file's last byte. For a DER
# certificate that byte is the tail of the signature BIT STRING, so only the
# signature value changes and the TBS stays intact.
flip_last_bit() {
    local file=$1 size byte
    size=$(stat -c %s "$file")
    byte=$(od -An -tu1 -j $((size - 1)) -N1 "$file" | tr -d ' ')
    printf "\\$(printf '%03o' $((byte ^ 1)))" |
        dd of="$file" bs=1 seek=$((size - 1)) conv=notrunc status=none
}

# write_config: minimal openssl config shared by `req` and `ca`.
write_config() {
    mkdir -p "$WORK/newcerts"
    : >"$WORK/index.txt"
    # CRLs carry a cRLNumber, which RFC 5280 section 5.2.3 requires of every CRL.
    echo 01 >"$WORK/crlnumber"
    cat >"$CONF" <<EOF
# Generated by kyso test-vectors/generate.sh; lives only in a temp dir.

[ req ]
distinguished_name = req_dn
string_mask        = utf8only
utf8               = yes
prompt             = no

[ req_dn ]
# Subjects are always given with -subj.

[ ca ]
default_ca = kyso_ca

[ kyso_ca ]
dir             = $WORK
database        = \$dir/index.txt
new_certs_dir   = \$dir/newcerts
crlnumber       = \$dir/crlnumber
# Random 159-bit serials: no serial file to keep in sync.
rand_serial     = yes
default_md      = sha256
policy          = policy_any
# The bad/ set reuses subjects (e.g. the intermediate's) on purpose.
unique_subject  = no
# Extensions come only from the sections below, never from the CSR.
copy_extensions = none
# Keep the DN exactly as in the CSR (order and every attribute).
preserve        = yes
string_mask     = utf8only

[ policy_any ]
countryName            = optional
stateOrProvinceName    = optional
localityName           = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = optional
UID                    = optional

# --- CA profiles -----------------------------------------------------------

# Self-signed: no AKI (stated explicitly, as OpenSSL 3 would add one by default).
[ v3_root ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = none

[ v3_intermediate ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
crlDistributionPoints  = URI:$CRL_ROOT

# bad: a would-be intermediate that says it is not a CA.
[ v3_ca_false ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
crlDistributionPoints  = URI:$CRL_ROOT

# bad: a CA that may not sign certificates. No pathlen here: RFC 5280 forbids
# pathLenConstraint without keyCertSign, and that would be a second fault.
[ v3_no_keycertsign ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, digitalSignature, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
crlDistributionPoints  = URI:$CRL_ROOT

# bad: a sub-CA placed below the pathlen:0 intermediate.
[ v3_sub_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

# Throwaway self-signed issuers used only to forge bad/ leaves.
[ v3_throwaway_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = none

# --- end-entity profiles -------------------------------------------------------

[ v3_ee ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = clientAuth, emailProtection
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
certificatePolicies    = $POLICY_OID
crlDistributionPoints  = URI:$CRL_SIGNING
authorityInfoAccess    = OCSP;URI:$OCSP_URL, caIssuers;URI:$CA_ISSUERS

# bad: as v3_ee plus a private critical extension nobody understands.
[ v3_ee_unknown_critical ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = clientAuth, emailProtection
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
certificatePolicies    = $POLICY_OID
crlDistributionPoints  = URI:$CRL_SIGNING
authorityInfoAccess    = OCSP;URI:$OCSP_URL, caIssuers;URI:$CA_ISSUERS
1.3.6.1.4.1.55555.9.9  = critical, DER:05:00

# bad: as v3_ee without AKI, so a verifier can only match the issuer by name.
# OpenSSL 3 adds an AKI by default when the section omits it; "none" stops that.
[ v3_ee_no_aki ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = clientAuth, emailProtection
subjectKeyIdentifier   = hash
authorityKeyIdentifier = none
certificatePolicies    = $POLICY_OID
crlDistributionPoints  = URI:$CRL_SIGNING
authorityInfoAccess    = OCSP;URI:$OCSP_URL, caIssuers;URI:$CA_ISSUERS

# --- revocation/ profiles ------------------------------------------------------

# A delegated OCSP responder (RFC 6960 section 4.2.2.2): issued by the CA whose
# certificates it answers for, with id-kp-OCSPSigning and id-pkix-ocsp-nocheck.
[ v3_ocsp_responder ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = OCSPSigning
noCheck                = ignored
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

# A TSA (RFC 3161 section 2.3): the sole extended key usage, critical.
[ v3_tsa ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = critical, timeStamping
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
crlDistributionPoints  = URI:$CRL_SIGNING

# bad: a TSA whose timeStamping extended key usage is not critical.
[ v3_tsa_noncritical ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = timeStamping
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
crlDistributionPoints  = URI:$CRL_SIGNING

# bad: as v3_ee but the key may only be used for key transport.
[ v3_ee_key_encipherment ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, keyEncipherment
extendedKeyUsage       = clientAuth, emailProtection
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
certificatePolicies    = $POLICY_OID
crlDistributionPoints  = URI:$CRL_SIGNING
authorityInfoAccess    = OCSP;URI:$OCSP_URL, caIssuers;URI:$CA_ISSUERS
EOF
}

# ----------------------------------------------------------------------------
# setup
# ----------------------------------------------------------------------------

# Guard against a typo in the oracle's epoch: it must be the validation time.
if [[ $(date -u -d "$VALIDATION_TIME" +%s) != "$ATTIME" ]]; then
    echo "generate.sh: ATTIME does not match $VALIDATION_TIME" >&2
    exit 1
fi

# Wipe only what this script owns, so README.md and generate.sh survive.
rm -rf "$OUTDIR/pki" "$OUTDIR/bad" "$OUTDIR/keys" "$OUTDIR/docs" "$OUTDIR/expected.tsv" \
    "$OUTDIR/documents" "$OUTDIR/cms" "$OUTDIR/revocation" "$OUTDIR/bench"
mkdir -p "$OUTDIR/pki" "$OUTDIR/bad/keys" "$OUTDIR/keys" "$OUTDIR/docs" \
    "$OUTDIR/documents" "$OUTDIR/cms" "$OUTDIR/revocation/keys" "$OUTDIR/bench/keys"
PKI=$OUTDIR/pki
BAD=$OUTDIR/bad
KEYS=$OUTDIR/keys
write_config

# ----------------------------------------------------------------------------
# RSA hierarchy
# ----------------------------------------------------------------------------
echo "generating RSA hierarchy..."

ROOT=$PKI/root-ca.pem
ROOT_KEY=$KEYS/root-ca.key.pem
make_key rsa4096 "$ROOT_KEY"
issue_cert "$ROOT" "/C=VN/O=Kyso Test PKI/CN=Kyso Test Root CA" \
    "$ROOT_KEY" self - v3_root

INTER=$PKI/intermediate-ca.pem
INTER_KEY=$KEYS/intermediate-ca.key.pem
INTER_SUBJECT="/C=VN/O=Kyso Test PKI/CN=Kyso Test Signing CA"
make_key rsa3072 "$INTER_KEY"
issue_cert "$INTER" "$INTER_SUBJECT" "$INTER_KEY" "$ROOT" "$ROOT_KEY" v3_intermediate

cat "$INTER" "$ROOT" >"$PKI/chain-rsa.pem"

# good_ee NAME KIND SUBJECT [issue_cert options]: key + EE under the intermediate.
good_ee() {
    local name=$1 kind=$2 subject=$3
    shift 3
    make_key "$kind" "$KEYS/$name.key.pem"
    issue_cert "$PKI/$name.pem" "$subject" "$KEYS/$name.key.pem" \
        "$INTER" "$INTER_KEY" v3_ee "$@"
}

good_ee ee-rsa2048 rsa2048 \
    "/C=VN/ST=Hà Nội/L=Cầu Giấy/CN=Nguyễn Văn An/UID=CCCD:001085012345"
good_ee ee-rsa3072 rsa3072 \
    "/C=VN/ST=Quảng Ninh/L=Hạ Long/O=Ủy ban nhân dân tỉnh Quảng Ninh/CN=Ủy ban nhân dân tỉnh Quảng Ninh/UID=MST:5700100256-001"
good_ee ee-rsa4096 rsa4096 \
    "/C=VN/ST=Thành phố Hồ Chí Minh/L=Quận 1/CN=Trần Thị Bích Ngọc/UID=CMND:025123456"
good_ee ee-rsa-pss rsa2048 \
    "/C=VN/CN=Lê Văn Cường/UID=HC:C1234567" \
    -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest
good_ee ee-ecdsa-p256 p256 \
    "/C=VN/O=Công ty Cổ phần Kyso/CN=Phạm Minh Đức/UID=MST:0104831030"
good_ee ee-ecdsa-p384 p384 \
    "/C=VN/O=Sở Tài chính Hà Nội/CN=Sở Tài chính Hà Nội/UID=MNS:1012345"
good_ee ee-ed25519 ed25519 \
    "/C=VN/CN=Hoàng Thị Mai/UID=CCCD:079190001234"

run openssl x509 -in "$PKI/ee-rsa2048.pem" -outform DER -out "$PKI/ee-rsa2048.der"

# ----------------------------------------------------------------------------
# ECDSA hierarchy (P-384 root -> P-256 intermediate -> P-256 leaf)
# ----------------------------------------------------------------------------
echo "generating ECDSA hierarchy..."

EC_ROOT=$PKI/ec-root-ca.pem
EC_ROOT_KEY=$KEYS/ec-root-ca.key.pem
make_key p384 "$EC_ROOT_KEY"
issue_cert "$EC_ROOT" "/C=VN/O=Kyso Test PKI/CN=Kyso Test EC Root CA" \
    "$EC_ROOT_KEY" self - v3_root --md sha384

EC_INTER=$PKI/ec-intermediate-ca.pem
EC_INTER_KEY=$KEYS/ec-intermediate-ca.key.pem
make_key p256 "$EC_INTER_KEY"
issue_cert "$EC_INTER" "/C=VN/O=Kyso Test PKI/CN=Kyso Test EC Signing CA" \
    "$EC_INTER_KEY" "$EC_ROOT" "$EC_ROOT_KEY" v3_intermediate --md sha384

make_key p256 "$KEYS/ee-ec-chain.key.pem"
issue_cert "$PKI/ee-ec-chain.pem" "/C=VN/CN=Vũ Quốc Huy/UID=CCCD:031200005678" \
    "$KEYS/ee-ec-chain.key.pem" "$EC_INTER" "$EC_INTER_KEY" v3_ee --md sha256

cat "$EC_INTER" "$EC_ROOT" >"$PKI/chain-ec.pem"

# ----------------------------------------------------------------------------
# Alternative key encodings, for the key-loading tests
# ----------------------------------------------------------------------------
echo "writing key encodings..."

run openssl pkcs8 -topk8 -nocrypt -in "$KEYS/ee-rsa2048.key.pem" \
    -outform DER -out "$KEYS/ee-rsa2048.key.der"
run openssl rsa -in "$KEYS/ee-rsa2048.key.pem" -traditional -out "$KEYS/ee-rsa2048.pkcs1.pem"
run openssl ec -in "$KEYS/ee-ecdsa-p256.key.pem" -out "$KEYS/ee-ecdsa-p256.sec1.pem"
run openssl ec -in "$KEYS/ee-ecdsa-p256.key.pem" -outform DER -out "$KEYS/ee-ecdsa-p256.sec1.der"
run openssl pkey -in "$KEYS/ee-rsa2048.key.pem" -pubout -out "$KEYS/ee-rsa2048.pub.pem"

# PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC, the scheme most tools emit today.
for name in ee-rsa3072 ee-ecdsa-p256 ee-ed25519; do
    run openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 \
        -in "$KEYS/$name.key.pem" -passout "pass:$KEY_PASSWORD" \
        -out "$KEYS/$name.enc.key.pem"
done

# ----------------------------------------------------------------------------
# bad/: each differs from a good certificate in exactly one respect
# ----------------------------------------------------------------------------
echo "generating bad certificates..."

# bad_ee NAME SUBJECT_CN ISSUER_CERT ISSUER_KEY EXT [issue_cert options]
bad_ee() {
    local name=$1 cn=$2 issuer=$3 issuer_key=$4 ext=$5
    shift 5
    make_key rsa2048 "$BAD/keys/$name.key.pem"
    issue_cert "$BAD/$name.pem" "/C=VN/CN=$cn" "$BAD/keys/$name.key.pem" \
        "$issuer" "$issuer_key" "$ext" "$@"
}

# Validity outside the validation time.
bad_ee expired "Kyso Bad Expired" "$INTER" "$INTER_KEY" v3_ee \
    --validity 20200101000000Z 20240101000000Z
bad_ee not-yet-valid "Kyso Bad Not Yet Valid" "$INTER" "$INTER_KEY" v3_ee \
    --validity 20300101000000Z 20450101000000Z

# An intermediate with CA:FALSE, and a leaf under it.
make_key rsa2048 "$BAD/keys/ca-false-intermediate.key.pem"
issue_cert "$BAD/ca-false-intermediate.pem" "/C=VN/CN=Kyso Bad CA-FALSE Intermediate" \
    "$BAD/keys/ca-false-intermediate.key.pem" "$ROOT" "$ROOT_KEY" v3_ca_false
bad_ee ee-under-ca-false "Kyso Bad EE Under CA-FALSE" \
    "$BAD/ca-false-intermediate.pem" "$BAD/keys/ca-false-intermediate.key.pem" v3_ee

# A sub-CA below the good pathlen:0 intermediate, and a leaf under it: the
# sub-CA itself is the certificate the path length forbids.
make_key rsa2048 "$BAD/keys/pathlen-sub-ca.key.pem"
issue_cert "$BAD/pathlen-sub-ca.pem" "/C=VN/CN=Kyso Bad Sub-CA Below Pathlen 0" \
    "$BAD/keys/pathlen-sub-ca.key.pem" "$INTER" "$INTER_KEY" v3_sub_ca
bad_ee ee-pathlen-exceeded "Kyso Bad EE Path Length Exceeded" \
    "$BAD/pathlen-sub-ca.pem" "$BAD/keys/pathlen-sub-ca.key.pem" v3_ee

# A CA whose keyUsage lacks keyCertSign, and a leaf under it.
make_key rsa2048 "$BAD/keys/no-keycertsign-intermediate.key.pem"
issue_cert "$BAD/no-keycertsign-intermediate.pem" "/C=VN/CN=Kyso Bad No keyCertSign Intermediate" \
    "$BAD/keys/no-keycertsign-intermediate.key.pem" "$ROOT" "$ROOT_KEY" v3_no_keycertsign
bad_ee ee-under-no-keycertsign "Kyso Bad EE Under No keyCertSign CA" \
    "$BAD/no-keycertsign-intermediate.pem" "$BAD/keys/no-keycertsign-intermediate.key.pem" v3_ee

bad_ee unknown-critical-ext "Kyso Bad Unknown Critical Extension" \
    "$INTER" "$INTER_KEY" v3_ee_unknown_critical

# Same issuer name as the intermediate but signed by an unrelated key. The
# leaf carries no AKI, so name matching leads straight to the intermediate
# and only the signature check can catch it.
make_key rsa3072 "$WORK/impostor-ca.key.pem"
issue_cert "$WORK/impostor-ca.pem" "$INTER_SUBJECT" "$WORK/impostor-ca.key.pem" \
    self - v3_throwaway_ca
bad_ee wrong-key-signature "Kyso Bad Wrong Key Signature" \
    "$WORK/impostor-ca.pem" "$WORK/impostor-ca.key.pem" v3_ee_no_aki

# Signed by the intermediate's real key (AKI = its SKI, since the SKI is a
# hash of the same public key), but naming a different issuer.
issue_cert "$WORK/renamed-ca.pem" "/C=VN/O=Kyso Test PKI/CN=Kyso Test Signing CA 2" \
    "$INTER_KEY" self - v3_throwaway_ca
bad_ee issuer-name-mismatch "Kyso Bad Issuer Name Mismatch" \
    "$WORK/renamed-ca.pem" "$INTER_KEY" v3_ee

# A leaf that is its own issuer. Same v3_ee profile; OpenSSL leaves out the
# "keyid" AKI by itself because the certificate is self-signed.
make_key rsa2048 "$BAD/keys/self-signed-ee.key.pem"
issue_cert "$BAD/self-signed-ee.pem" "/C=VN/CN=Kyso Bad Self-Signed EE" \
    "$BAD/keys/self-signed-ee.key.pem" self - v3_ee

# Weak key / weak digest: only the algorithm strength is wrong.
make_key rsa1024 "$BAD/keys/rsa1024.key.pem"
issue_cert "$BAD/rsa1024.pem" "/C=VN/CN=Kyso Bad RSA-1024 Key" \
    "$BAD/keys/rsa1024.key.pem" "$INTER" "$INTER_KEY" v3_ee

bad_ee sha1-signature "Kyso Bad SHA-1 Signature" "$INTER" "$INTER_KEY" v3_ee --md sha1

bad_ee no-signing-key-usage "Kyso Bad keyEncipherment Only" \
    "$INTER" "$INTER_KEY" v3_ee_key_encipherment

# A byte-for-byte copy of ee-rsa2048 except for one bit of the signature.
run openssl x509 -in "$PKI/ee-rsa2048.pem" -outform DER -out "$WORK/flipped.der"
flip_last_bit "$WORK/flipped.der"
run openssl x509 -inform DER -in "$WORK/flipped.der" -out "$BAD/bad-signature-bytes.pem"
cp "$KEYS/ee-rsa2048.key.pem" "$BAD/keys/bad-signature-bytes.key.pem"

# ----------------------------------------------------------------------------
# revocation/: the Signing CA's OCSP responder, a TSA, revoked certificates,
# the CA database and CRLs with fixed dates around the validation time
# ----------------------------------------------------------------------------
echo "generating revocation/..."

REV=$OUTDIR/revocation
# These certificates get their own `openssl ca` database, written out as
# revocation/index.txt for `openssl ocsp -index`.
MAIN_WORK=$WORK MAIN_CONF=$CONF
WORK=$MAIN_WORK/rev CONF=$MAIN_WORK/rev/openssl.cnf
mkdir -p "$WORK"
write_config

rev_cert() {  # rev_cert NAME KIND SUBJECT PROFILE
    make_key "$2" "$REV/keys/$1.key.pem"
    issue_cert "$REV/$1.pem" "$3" "$REV/keys/$1.key.pem" "$INTER" "$INTER_KEY" "$4"
}
rev_cert ocsp-responder p256 "/C=VN/O=Kyso Test PKI/CN=Kyso Test OCSP Responder" v3_ocsp_responder
rev_cert tsa p256 "/C=VN/O=Kyso Test PKI/CN=Kyso Test TSA" v3_tsa
rev_cert tsa-noncritical-eku p256 "/C=VN/O=Kyso Test PKI/CN=Kyso Bad TSA Non-critical EKU" v3_tsa_noncritical
rev_cert ee-good p256 "/C=VN/CN=Đỗ Thị Lan/UID=CCCD:001190004321" v3_ee
rev_cert ee-revoked p256 "/C=VN/CN=Bùi Văn Nam/UID=CCCD:001088007777" v3_ee
rev_cert ee-on-hold p256 "/C=VN/CN=Ngô Thị Hoa/UID=CCCD:001092008888" v3_ee

# crl ISSUER_CERT ISSUER_KEY LAST NEXT OUT: a CRL of this database with fixed dates.
crl() {
    run openssl ca -batch -config "$CONF" -gencrl -cert "$1" -keyfile "$2" \
        -crl_lastupdate "$3" -crl_nextupdate "$4" -out "$5"
}
# Before any revocation: expired at the validation time.
crl "$INTER" "$INTER_KEY" 20260315000000Z 20260415000000Z "$REV/signing-ca-expired.crl"

# revoke NAME REASON DATE: revoke, then set the revocation date in the database
# (`openssl ca -revoke` records the current time).
revoke() {
    local serial
    serial=$(openssl x509 -in "$REV/$1.pem" -noout -serial | cut -d= -f2)
    if [[ $2 == certificateHold ]]; then
        run openssl ca -batch -config "$CONF" -cert "$INTER" -keyfile "$INTER_KEY" \
            -revoke "$REV/$1.pem" -crl_hold holdInstructionReject
    else
        run openssl ca -batch -config "$CONF" -cert "$INTER" -keyfile "$INTER_KEY" \
            -revoke "$REV/$1.pem" -crl_reason "$2"
    fi
    awk -v s="$serial" -v d="$3" 'BEGIN { FS = OFS = "\t" }
        $4 == s { n = index($3, ","); $3 = d (n ? substr($3, n) : "") } { print }' \
        "$WORK/index.txt" >"$WORK/index.txt.new"
    mv "$WORK/index.txt.new" "$WORK/index.txt"
}
revoke ee-revoked keyCompromise 260301000000Z
revoke ee-on-hold certificateHold 260401000000Z

crl "$INTER" "$INTER_KEY" 20260501000000Z 20260701000000Z "$REV/signing-ca.crl"
cp "$WORK/index.txt" "$REV/index.txt"

# The root's CRL (nothing revoked), current at the validation time.
WORK=$MAIN_WORK/rev-root CONF=$MAIN_WORK/rev-root/openssl.cnf
mkdir -p "$WORK"
write_config
crl "$ROOT" "$ROOT_KEY" 20260501000000Z 20260701000000Z "$REV/root.crl"

for f in signing-ca-expired signing-ca root; do
    run openssl crl -in "$REV/$f.crl" -outform DER -out "$REV/$f.crl.der"
done
WORK=$MAIN_WORK CONF=$MAIN_CONF

# revocation/expected.tsv: each certificate's status under each CRL at the
# validation time, cross-checked below with `openssl verify -crl_check_all`.
{
    printf 'certificate\tcrl\texpected\treason\trevocation_date\n'
    printf 'revocation/ee-good.pem\trevocation/signing-ca.crl\tgood\t-\t-\n'
    printf 'revocation/ee-revoked.pem\trevocation/signing-ca.crl\trevoked\tkeyCompromise\t2026-03-01T00:00:00Z\n'
    printf 'revocation/ee-on-hold.pem\trevocation/signing-ca.crl\trevoked\tcertificateHold\t2026-04-01T00:00:00Z\n'
    printf 'pki/ee-rsa2048.pem\trevocation/signing-ca.crl\tgood\t-\t-\n'
    printf 'revocation/ee-good.pem\trevocation/signing-ca-expired.crl\texpired-crl\t-\t-\n'
} >"$REV/expected.tsv"

rev_disagreements=0
while IFS=$'\t' read -r cert crl_file expected _ _; do
    [[ $cert == certificate ]] && continue
    out=$(openssl verify -x509_strict -crl_check_all -attime "$ATTIME" \
        -CAfile "$ROOT" -untrusted "$INTER" -CRLfile "$OUTDIR/$crl_file" \
        -CRLfile "$REV/root.crl" "$OUTDIR/$cert" 2>&1 || true)
    case $expected in
        good)        want="OK" ;;
        revoked)     want="certificate revoked" ;;
        expired-crl) want="CRL has expired" ;;
    esac
    if [[ $out != *"$want"* ]]; then
        printf '  DISAGREE  %s with %s: expected "%s", openssl said: %s\n' "$cert" "$crl_file" "$want" "$out"
        rev_disagreements=$((rev_disagreements + 1))
    fi
done <"$REV/expected.tsv"
if ((rev_disagreements > 0)); then
    echo "generate.sh: OpenSSL disagrees with $rev_disagreements revocation row(s)" >&2
    exit 1
fi

# ----------------------------------------------------------------------------
# bench/: two 3-level chains with one key kind each (RSA-2048, P-256), for the
# verification benches, so that every link costs the same
# ----------------------------------------------------------------------------
echo "generating bench/..."
for kind in rsa2048 p256; do
    B=$OUTDIR/bench
    make_key "$kind" "$B/keys/$kind-root.key.pem"
    issue_cert "$B/$kind-root.pem" "/C=VN/O=Kyso Bench/CN=Kyso Bench $kind Root" \
        "$B/keys/$kind-root.key.pem" self - v3_root
    make_key "$kind" "$B/keys/$kind-ca.key.pem"
    issue_cert "$B/$kind-ca.pem" "/C=VN/O=Kyso Bench/CN=Kyso Bench $kind CA" \
        "$B/keys/$kind-ca.key.pem" "$B/$kind-root.pem" "$B/keys/$kind-root.key.pem" v3_intermediate
    make_key "$kind" "$B/keys/$kind-ee.key.pem"
    issue_cert "$B/$kind-ee.pem" "/C=VN/CN=Bench Signer $kind/UID=CCCD:001090000001" \
        "$B/keys/$kind-ee.key.pem" "$B/$kind-ca.pem" "$B/keys/$kind-ca.key.pem" v3_ee
    out=$(openssl verify -x509_strict -attime "$ATTIME" -CAfile "$B/$kind-root.pem" \
        -untrusted "$B/$kind-ca.pem" "$B/$kind-ee.pem" 2>&1 || true)
    if [[ $out != *": OK" ]]; then
        echo "generate.sh: openssl refuses the $kind bench chain: $out" >&2
        exit 1
    fi
done

# ----------------------------------------------------------------------------
# docs/: inputs for signing tests, with digests from independent tools
# ----------------------------------------------------------------------------
echo "writing documents..."

cat >"$OUTDIR/docs/sample.txt" <<'EOF'
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

THÔNG BÁO
Về việc thử nghiệm chữ ký số trên văn bản điện tử

Văn bản này chỉ phục vụ kiểm thử thư viện Kyso. Chữ ký số trên văn bản
được tạo bằng hạ tầng khóa công khai thử nghiệm và không có giá trị pháp lý.

Hà Nội, ngày 01 tháng 6 năm 2026
EOF
: >"$OUTDIR/docs/empty.txt"
(
    cd "$OUTDIR/docs"
    sha256sum sample.txt empty.txt >SHA256SUMS
    sha512sum sample.txt empty.txt >SHA512SUMS
    openssl dgst -sha384 -r sample.txt >sample.txt.sha384
)

# ----------------------------------------------------------------------------
# expected.tsv: what a correct path validator must answer for each leaf
# ----------------------------------------------------------------------------
echo "writing expected.tsv..."

I=pki/intermediate-ca.pem
R=pki/root-ca.pem
rows=(
    # leaf                           intermediates                             anchor              expected                  failing_index
    "pki/ee-rsa2048.pem              $I                                        $R                  ok                        -"
    "pki/ee-rsa3072.pem              $I                                        $R                  ok                        -"
    "pki/ee-rsa4096.pem              $I                                        $R                  ok                        -"
    "pki/ee-rsa-pss.pem              $I                                        $R                  ok                        -"
    "pki/ee-ecdsa-p256.pem           $I                                        $R                  ok                        -"
    "pki/ee-ecdsa-p384.pem           $I                                        $R                  ok                        -"
    "pki/ee-ed25519.pem              $I                                        $R                  ok                        -"
    "pki/ee-ec-chain.pem             pki/ec-intermediate-ca.pem                pki/ec-root-ca.pem  ok                        -"
    "bad/expired.pem                 $I                                        $R                  Expired                   0"
    "bad/not-yet-valid.pem           $I                                        $R                  NotYetValid               0"
    "bad/ee-under-ca-false.pem       bad/ca-false-intermediate.pem             $R                  NotCa                     1"
    "bad/ee-pathlen-exceeded.pem     bad/pathlen-sub-ca.pem,$I                 $R                  PathLenExceeded           1"
    "bad/ee-under-no-keycertsign.pem bad/no-keycertsign-intermediate.pem       $R                  MissingKeyCertSign        1"
    "bad/unknown-critical-ext.pem    $I                                        $R                  UnknownCriticalExtension  0"
    "bad/wrong-key-signature.pem     $I                                        $R                  BadSignature              0"
    "bad/issuer-name-mismatch.pem    $I                                        $R                  IssuerNameMismatch        0"
    "bad/self-signed-ee.pem          -                                         $R                  UntrustedSelfSigned       0"
    "bad/rsa1024.pem                 $I                                        $R                  PublicKey(RsaKeyTooSmall) 0"
    "bad/sha1-signature.pem          $I                                        $R                  SignatureAlgorithm(AlgorithmNotAllowed) 0"
    "bad/no-signing-key-usage.pem    $I                                        $R                  KeyUsageNotAllowed        0"
    "bad/bad-signature-bytes.pem     $I                                        $R                  BadSignature              0"
)
{
    printf 'leaf\tintermediates\tanchor\tpurpose\texpected\tfailing_index\n'
    for row in "${rows[@]}"; do
        read -r leaf ints anchor expected index <<<"$row"
        printf '%s\t%s\t%s\tdocument-signing\t%s\t%s\n' "$leaf" "$ints" "$anchor" "$expected" "$index"
    done
} >"$OUTDIR/expected.tsv"

# ----------------------------------------------------------------------------
# Oracle: OpenSSL must agree with every row of expected.tsv
# ----------------------------------------------------------------------------
# smimesign is OpenSSL's closest purpose to document signing (it wants
# digitalSignature or nonRepudiation). -x509_strict adds the RFC 5280 checks,
# -auth_level 2 demands 112-bit security (no RSA-1024, no SHA-1).
#
# Rows where OpenSSL is known to disagree, keyed by leaf, with the reason.
# Currently none: OpenSSL 3.0.19 agrees with every row.
declare -A known_divergences=(
)

echo "cross-checking with openssl verify at $VALIDATION_TIME..."
disagreements=0
{
    read -r _header
    while IFS=$'\t' read -r leaf ints anchor _purpose expected _index; do
        untrusted=()
        if [[ $ints != - ]]; then
            IFS=, read -ra list <<<"$ints"
            for c in "${list[@]}"; do untrusted+=(-untrusted "$c"); done
        fi
        if out=$(cd "$OUTDIR" && openssl verify -attime "$ATTIME" -purpose smimesign \
            -x509_strict -auth_level 2 -CAfile "$anchor" "${untrusted[@]}" "$leaf" 2>&1); then
            verdict=ok
            why=OK
        else
            verdict=fail
            # Every "error N at D depth lookup: reason" line, condensed to
            # "reason [N@D]", so the log shows what OpenSSL objected to.
            why=
            while IFS= read -r line; do
                if [[ $line =~ ^error\ ([0-9]+)\ at\ ([0-9]+)\ depth\ lookup:\ (.*)$ ]]; then
                    why+="${why:+; }${BASH_REMATCH[3]} [${BASH_REMATCH[1]}@${BASH_REMATCH[2]}]"
                fi
            done <<<"$out"
            why=${why:-$(tail -n1 <<<"$out")}
        fi
        want=fail
        [[ $expected == ok ]] && want=ok
        if [[ $verdict == "$want" ]]; then
            printf '  agree     %-32s %-24s openssl: %s\n' "$leaf" "$expected" "$why"
            if [[ -n ${known_divergences[$leaf]:-} ]]; then
                echo "            note: listed in known_divergences but OpenSSL agrees now"
            fi
        elif [[ -n ${known_divergences[$leaf]:-} ]]; then
            printf '  diverge   %-32s %-24s openssl: %s (known: %s)\n' \
                "$leaf" "$expected" "$why" "${known_divergences[$leaf]}"
        else
            printf '  DISAGREE  %-32s %-24s openssl: %s\n' "$leaf" "$expected" "$why"
            printf '            row: %s\t%s\t%s\t%s\n' "$leaf" "$ints" "$anchor" "$expected"
            disagreements=$((disagreements + 1))
        fi
    done
} <"$OUTDIR/expected.tsv"

if ((disagreements > 0)); then
    echo "generate.sh: OpenSSL disagrees with $disagreements row(s) of expected.tsv" >&2
    exit 1
fi

# ----------------------------------------------------------------------------
# documents/: Vietnamese official documents for the CMS/CAdES tests
# ----------------------------------------------------------------------------
echo "writing documents/..."

# A dispatch (công văn) laid out like a real one: issuing body, national
# motto, number, place and date, subject, body, recipients, signer block.
# Only cong-van.txt is signed; quyet-dinh.txt is a second, unsigned document
# (e.g. the wrong content for a detached signature).
CONG_VAN=$OUTDIR/documents/cong-van.txt
cat >"$CONG_VAN" <<'EOF'
ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 123/UBND-VP
Quảng Ninh, ngày 01 tháng 6 năm 2026

V/v triển khai ký số văn bản điện tử trong cơ quan hành chính nhà nước

Kính gửi: Các sở, ban, ngành thuộc tỉnh.

Thực hiện kế hoạch chuyển đổi số năm 2026, Ủy ban nhân dân tỉnh đề nghị
các cơ quan, đơn vị ký số toàn bộ văn bản điện tử gửi đi bằng chứng thư số
còn hiệu lực. Văn bản này chỉ dùng để kiểm thử thư viện Kyso và không có
giá trị pháp lý.

Nơi nhận:
- Như trên;
- Lưu: VT, VP.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn An
EOF
cat >"$OUTDIR/documents/quyet-dinh.txt" <<'EOF'
ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH
Số: 45/QĐ-UBND
Quảng Ninh, ngày 01 tháng 6 năm 2026

QUYẾT ĐỊNH
Về việc công bố danh mục văn bản điện tử được ký số

Điều 1. Công bố kèm theo Quyết định này danh mục văn bản điện tử được ký số.
Điều 2. Quyết định này có hiệu lực kể từ ngày ký.

CHỦ TỊCH
Nguyễn Văn An
EOF

# ----------------------------------------------------------------------------
# cms/: CMS SignedData made by `openssl cms`, over documents/cong-van.txt
# ----------------------------------------------------------------------------
echo "signing documents/cong-van.txt with openssl cms..."
CMS=$OUTDIR/cms

# openssl cms writes the current time into signingTime and verifies at the
# current time, so the clock must lie inside the good certificates' window.
now=$(date -u +%s)
if ((now < $(date -u -d 2025-01-01T00:00:00Z +%s) || now >= $(date -u -d 2045-01-01T00:00:00Z +%s))); then
    echo "generate.sh: the system clock ($(date -u +%FT%TZ)) is outside 2025-2045;" \
        "the CMS signatures would not verify" >&2
    exit 1
fi

# cms_sign OUT CERTFILE [openssl cms options]: SignedData over cong-van.txt,
# DER. -binary stops OpenSSL from turning LF into CRLF (S/MIME canonical
# text), so the signed bytes are exactly the file. CERTFILE (extra
# certificates to embed, normally the intermediate, so that a verifier only
# needs the root) may be "-" for none. OpenSSL detaches the content unless
# -nodetach is among the options.
cms_sign() {
    local out=$1 certfile=$2
    shift 2
    local extra=()
    [[ $certfile != - ]] && extra=(-certfile "$certfile")
    run openssl cms -sign -binary -in "$CONG_VAN" "${extra[@]}" \
        -outform DER -out "$CMS/$out" "$@"
}

# The -signer/-inkey pair of each signing end entity.
RSA2048=(-signer "$PKI/ee-rsa2048.pem" -inkey "$KEYS/ee-rsa2048.key.pem")
RSA3072=(-signer "$PKI/ee-rsa3072.pem" -inkey "$KEYS/ee-rsa3072.key.pem")
P256=(-signer "$PKI/ee-ecdsa-p256.pem" -inkey "$KEYS/ee-ecdsa-p256.key.pem")
P384=(-signer "$PKI/ee-ecdsa-p384.pem" -inkey "$KEYS/ee-ecdsa-p384.key.pem")
EC_CHAIN=(-signer "$PKI/ee-ec-chain.pem" -inkey "$KEYS/ee-ec-chain.key.pem")
ED25519=(-signer "$PKI/ee-ed25519.pem" -inkey "$KEYS/ee-ed25519.key.pem")
EXPIRED=(-signer "$BAD/expired.pem" -inkey "$BAD/keys/expired.key.pem")

cms_sign openssl-rsa2048-detached.p7s "$INTER" "${RSA2048[@]}" -md sha256
cms_sign openssl-rsa2048-attached.p7m "$INTER" "${RSA2048[@]}" -md sha256 -nodetach
cms_sign openssl-rsa2048-noattr.p7s "$INTER" "${RSA2048[@]}" -md sha256 -noattr
cms_sign openssl-rsa-pss.p7s "$INTER" "${RSA2048[@]}" -md sha256 \
    -keyopt rsa_padding_mode:pss -keyopt rsa_pss_saltlen:digest
cms_sign openssl-rsa3072-sha512.p7s "$INTER" "${RSA3072[@]}" -md sha512
cms_sign openssl-ecdsa-p256.p7s "$INTER" "${P256[@]}" -md sha256
cms_sign openssl-ecdsa-p384.p7s "$INTER" "${P384[@]}" -md sha384
cms_sign openssl-ec-chain.p7s "$EC_INTER" "${EC_CHAIN[@]}" -md sha256
# Author first, then the organisation seal: one SignedData, two SignerInfos
# (parallel signatures over the same content, as OpenSSL writes them).
cms_sign openssl-two-signers.p7s "$INTER" "${RSA2048[@]}" "${RSA3072[@]}" -md sha256
cms_sign openssl-expired-signer.p7s "$INTER" "${EXPIRED[@]}" -md sha256
# -nocerts only drops the signer's certificate; -certfile would still add the
# intermediate, so none is given and the SignedData has no certificates.
cms_sign openssl-no-certs.p7s - "${RSA2048[@]}" -md sha256 -nocerts
cms_sign openssl-skid.p7s "$INTER" "${RSA2048[@]}" -md sha256 -keyid

# The detached RSA signature again, in the two text forms tools exchange:
# PEM ("BEGIN CMS", re-encoded by OpenSSL from the DER) and bare one-line
# base64 (as carried in JSON or XML fields). Both must decode to the very
# same DER bytes.
run openssl cms -cmsout -inform DER -in "$CMS/openssl-rsa2048-detached.p7s" \
    -outform PEM -out "$CMS/openssl-rsa2048-detached.pem"
run openssl base64 -A -in "$CMS/openssl-rsa2048-detached.p7s" -out "$CMS/openssl-rsa2048-detached.p7s.b64"
echo >>"$CMS/openssl-rsa2048-detached.p7s.b64"
run openssl cms -cmsout -inform PEM -in "$CMS/openssl-rsa2048-detached.pem" \
    -outform DER -out "$WORK/from-pem.der"
run openssl base64 -d -A -in "$CMS/openssl-rsa2048-detached.p7s.b64" -out "$WORK/from-b64.der"
for f in from-pem.der from-b64.der; do
    if ! cmp -s "$WORK/$f" "$CMS/openssl-rsa2048-detached.p7s"; then
        echo "generate.sh: $f differs from openssl-rsa2048-detached.p7s" >&2
        exit 1
    fi
done

# Ed25519: RFC 8419 wants digestAlgorithm id-sha512 with signed attributes,
# but OpenSSL 3.0 can neither sign nor verify Ed25519 SignerInfos ("no
# default digest" without -md; "invalid digest" from the EdDSA provider with
# -md sha512), so there is no openssl-ed25519.p7s. The probe below only
# reports when a newer OpenSSL starts to cope; it writes nothing to OUTDIR.
if openssl cms -sign -binary -in "$CONG_VAN" "${ED25519[@]}" -md sha512 \
    -outform DER -out "$WORK/ed25519-probe.p7s" >>"$LOG" 2>&1; then
    echo "  note: this OpenSSL can sign CMS with Ed25519; openssl-ed25519.p7s could be added"
else
    echo "  skipped openssl-ed25519.p7s: $(openssl version | cut -d' ' -f1-2) cannot sign CMS with Ed25519"
fi

# ----------------------------------------------------------------------------
# cms/expected.tsv: what a CMS/CAdES validator must conclude for each file
# ----------------------------------------------------------------------------
# Indications and sub-indications are those of ETSI EN 319 102-1. The expired
# signer is judged at its claimed signingTime, which is after the certificate
# expired in 2024, and nothing proves the signature existed before that:
# OUT_OF_BOUNDS_NO_POE. The no-certs file is judged with no certificates
# besides the trust anchor: NO_SIGNING_CERTIFICATE_FOUND. The -noattr file binds no
# content type, which the default policy refuses (SIG_CONSTRAINTS_FAILURE); it passes
# under the legacy policy (tests/cms.rs).
echo "writing cms/expected.tsv..."

D=documents/cong-van.txt
cms_rows=(
    # file                                 content  anchor              indication     sub_indication                signers
    "cms/openssl-rsa2048-detached.p7s      $D       $R                  TOTAL-PASSED   -                             1"
    "cms/openssl-rsa2048-detached.pem      $D       $R                  TOTAL-PASSED   -                             1"
    "cms/openssl-rsa2048-detached.p7s.b64  $D       $R                  TOTAL-PASSED   -                             1"
    "cms/openssl-rsa2048-attached.p7m      -        $R                  TOTAL-PASSED   -                             1"
    "cms/openssl-rsa2048-noattr.p7s        $D       $R                  INDETERMINATE  SIG_CONSTRAINTS_FAILURE       1"
    "cms/openssl-rsa-pss.p7s               $D       $R                  TOTAL-PASSED   -                             1"
    "cms/openssl-rsa3072-sha512.p7s        $D       $R                  TOTAL-PASSED   -                             1"
    "cms/openssl-ecdsa-p256.p7s            $D       $R                  TOTAL-PASSED   -                             1"
    "cms/openssl-ecdsa-p384.p7s            $D       $R                  TOTAL-PASSED   -                             1"
    "cms/openssl-ec-chain.p7s              $D       pki/ec-root-ca.pem  TOTAL-PASSED   -                             1"
    "cms/openssl-two-signers.p7s           $D       $R                  TOTAL-PASSED   -                             2"
    "cms/openssl-skid.p7s                  $D       $R                  TOTAL-PASSED   -                             1"
    "cms/openssl-expired-signer.p7s        $D       $R                  INDETERMINATE  OUT_OF_BOUNDS_NO_POE          1"
    "cms/openssl-no-certs.p7s              $D       $R                  INDETERMINATE  NO_SIGNING_CERTIFICATE_FOUND  1"
)
{
    printf 'file\tcontent\tanchor\tindication\tsub_indication\tsigners\n'
    for row in "${cms_rows[@]}"; do
        read -r file content anchor indication sub signers <<<"$row"
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$file" "$content" "$anchor" "$indication" "$sub" "$signers"
    done
} >"$CMS/expected.tsv"

# ----------------------------------------------------------------------------
# Oracle: openssl cms -verify must agree with every row of cms/expected.tsv
# ----------------------------------------------------------------------------
# The certificate paths were checked above; here -purpose any keeps OpenSSL
# to the CMS layer (digest, signature, chain to the anchor at the current
# time). TOTAL-PASSED rows must verify and all others must fail, for the
# reason given in cms_fail_reason, not just any reason.
declare -A cms_fail_reason=(
    [cms/openssl-expired-signer.p7s]="certificate has expired"
    [cms/openssl-no-certs.p7s]="signer certificate not found"
)
# Signatures kyso refuses by policy although OpenSSL, which checks only that the
# signature verifies and chains, accepts them; kyso is right for the reason given.
declare -A cms_policy_refusal=(
    [cms/openssl-rsa2048-noattr.p7s]="no signed attributes: bound to no content type, so any value the key signed could pose as the document (ARCHITECTURE.md)"
)

# cms_verify FILE CONTENT ANCHOR [openssl cms options]: 0 if OpenSSL accepts
# the signature. Sets cms_why to OpenSSL's last error reason. FILE's
# encoding follows its extension (.pem, .b64, else DER). Relative paths are
# taken from OUTDIR; CONTENT "-" means the content is inside FILE.
cms_verify() {
    local file=$1 content=$2 anchor=$3
    shift 3
    [[ $file == /* ]] || file=$OUTDIR/$file
    [[ $anchor == /* ]] || anchor=$OUTDIR/$anchor
    local input=(-inform DER -in "$file") out
    case $file in
        *.pem) input=(-inform PEM -in "$file") ;;
        *.b64) run openssl base64 -d -A -in "$file" -out "$WORK/verify.der"
               input=(-inform DER -in "$WORK/verify.der") ;;
    esac
    if [[ $content != - ]]; then
        [[ $content == /* ]] || content=$OUTDIR/$content
        input+=(-content "$content")
    fi
    if out=$(openssl cms -verify -binary "${input[@]}" -CAfile "$anchor" \
        -purpose any "$@" -out /dev/null 2>&1); then
        cms_why=OK
        return 0
    fi
    # OpenSSL's error lines are "pid:error:code:lib:func:reason:file:line:data";
    # report the data of the last one if any ("Verify error: certificate has
    # expired"), else its reason ("content verify error").
    cms_why=$(grep ':error:' <<<"$out" | tail -n1 | awk -F: '{
        data = ""
        for (i = 9; i <= NF; i++) data = data (i > 9 ? ":" : "") $i
        print (data != "") ? data : $6 }')
    cms_why=${cms_why:-$(tail -n1 <<<"$out")}
    return 1
}

# describe_cms FILE: one line summarising what OpenSSL wrote, e.g.
#   detached, 2 cert(s), 1 signer(s) | issuerAndSerial sha256 rsaEncryption signed-attrs
describe_cms() {
    local form=DER
    [[ $1 == *.pem ]] && form=PEM
    [[ $1 == *.b64 ]] && { echo "(base64 of the .p7s)"; return; }
    openssl cms -cmsout -print -inform "$form" -in "$OUTDIR/$1" | awk '
        /^ *eContent: <ABSENT>/            { content = "detached" }
        /^ *eContent: *$/                  { content = "attached" }
        /^ *d\.certificate:/               { certs++ }
        /^ *signerInfos:/                  { in_si = 1 }
        in_si && /d\.issuerAndSerialNumber:/ { sid = "issuerAndSerial" }
        in_si && /d\.subjectKeyIdentifier:/  { sid = "subjectKeyId" }
        in_si && /^ *digestAlgorithm:/     { getline; digest = $2 }
        in_si && /^ *signedAttrs:/         { getline; attrs = /<ABSENT>/ ? "no-attrs" : "signed-attrs" }
        in_si && /^ *signatureAlgorithm:/  { getline; si = si " | " sid " " digest " " $2 " " attrs; n++ }
        END { printf "%s, %d cert(s), %d signer(s)%s\n", content, certs, n, si }'
}

echo "verifying cms/ with openssl cms -verify..."
cms_disagreements=0
{
    read -r _header
    while IFS=$'\t' read -r file content anchor indication _sub signers; do
        want=fail
        [[ $indication == TOTAL-PASSED ]] && want=ok
        policy=${cms_policy_refusal[$file]:-}
        [[ -n $policy ]] && want=ok
        if cms_verify "$file" "$content" "$anchor"; then verdict=ok; else verdict=fail; fi
        reason=${cms_fail_reason[$file]:-}
        desc=$(describe_cms "$file")
        if [[ $verdict != "$want" ]] || [[ $verdict == fail && $cms_why != *"$reason"* ]]; then
            printf '  DISAGREE  %-38s %-14s openssl: %s\n' "$file" "$indication" "$cms_why"
            cms_disagreements=$((cms_disagreements + 1))
        elif [[ $desc =~ ([0-9]+)\ signer && ${BASH_REMATCH[1]} != "$signers" ]]; then
            printf '  DISAGREE  %-38s %s signer(s) expected, OpenSSL sees: %s\n' "$file" "$signers" "$desc"
            cms_disagreements=$((cms_disagreements + 1))
        elif [[ -n $policy ]]; then
            printf '  policy    %-38s %-14s openssl: %s; kyso refuses: %s\n' "$file" "$indication" "$cms_why" "$policy"
        else
            printf '  agree     %-38s %-14s openssl: %s\n' "$file" "$indication" "$cms_why"
        fi
        printf '            %s\n' "$desc"
    done
} <"$CMS/expected.tsv"

# cms_expect WHAT STATUS FILE CONTENT ANCHOR [options]: one extra check;
# STATUS is ok or fail.
cms_expect() {
    local what=$1 want=$2
    shift 2
    local verdict=fail
    cms_verify "$@" && verdict=ok
    if [[ $verdict == "$want" ]]; then
        printf '  agree     %-53s openssl: %s\n' "$what" "$cms_why"
    else
        printf '  DISAGREE  %-53s openssl: %s\n' "$what" "$cms_why"
        cms_disagreements=$((cms_disagreements + 1))
    fi
}

# The no-certs signature is fine once the verifier is handed the signer's
# certificate and the intermediate. OpenSSL 3.0's `cms -verify` uses
# -certfile only to find the signer's certificate, never as untrusted chain
# material (it has no -untrusted), so the intermediate goes into the CAfile
# next to the root (pki/chain-rsa.pem); the chain still ends at the root.
cms_expect "no-certs + signer cert, intermediate in CAfile" ok \
    cms/openssl-no-certs.p7s "$D" pki/chain-rsa.pem -certfile "$PKI/ee-rsa2048.pem"

# One byte of the content changed (document number 123 -> 124), and a
# different document altogether: both must break the detached signature.
sed 's#^Số: 123/UBND-VP$#Số: 124/UBND-VP#' "$CONG_VAN" >"$WORK/cong-van-tampered.txt"
if [[ $(cmp -l "$CONG_VAN" "$WORK/cong-van-tampered.txt" | wc -l) != 1 ]]; then
    echo "generate.sh: the tampered document does not differ in exactly one byte" >&2
    exit 1
fi
cms_expect "rsa2048-detached over a one-byte-tampered document" fail \
    cms/openssl-rsa2048-detached.p7s "$WORK/cong-van-tampered.txt" "$R"
cms_expect "rsa2048-detached over documents/quyet-dinh.txt" fail \
    cms/openssl-rsa2048-detached.p7s documents/quyet-dinh.txt "$R"

# What OpenSSL must have written for the options to mean anything.
cms_structure=(
    "openssl-rsa2048-detached.p7s|detached, 2 cert(s), 1 signer(s) | issuerAndSerial sha256 rsaEncryption signed-attrs"
    "openssl-rsa2048-attached.p7m|attached, 2 cert(s)"
    "openssl-rsa2048-noattr.p7s|sha256 rsaEncryption no-attrs"
    "openssl-rsa-pss.p7s|sha256 rsassaPss signed-attrs"
    "openssl-rsa3072-sha512.p7s|sha512 rsaEncryption"
    "openssl-ecdsa-p256.p7s|sha256 ecdsa-with-SHA256"
    "openssl-ecdsa-p384.p7s|sha384 ecdsa-with-SHA384"
    "openssl-ec-chain.p7s|sha256 ecdsa-with-SHA256"
    "openssl-two-signers.p7s|detached, 3 cert(s), 2 signer(s)"
    "openssl-no-certs.p7s|detached, 0 cert(s)"
    "openssl-skid.p7s|subjectKeyId sha256"
)
for entry in "${cms_structure[@]}"; do
    file=${entry%%|*} want=${entry#*|}
    desc=$(describe_cms "cms/$file")
    if [[ $desc != *"$want"* ]]; then
        printf '  DISAGREE  %s: expected "%s" in: %s\n' "$file" "$want" "$desc"
        cms_disagreements=$((cms_disagreements + 1))
    fi
done

if ((cms_disagreements > 0)); then
    echo "generate.sh: OpenSSL disagrees with $cms_disagreements CMS check(s)" >&2
    exit 1
fi

# ----------------------------------------------------------------------------
# revocation/cong-van.tsr: the test TSA's answer (a TimeStampResp) to a request
# for documents/cong-van.txt, made and checked by `openssl ts`
# ----------------------------------------------------------------------------
echo "stamping documents/cong-van.txt..."
TSW=$WORK/ts
mkdir -p "$TSW"
echo 01 >"$TSW/serial"
cat "$REV/tsa.pem" "$INTER" >"$TSW/chain.pem"
cat >"$TSW/ts.cnf" <<EOF
[ tsa ]
default_tsa = kyso_tsa
[ kyso_tsa ]
serial            = $TSW/serial
signer_cert       = $REV/tsa.pem
signer_key        = $REV/keys/tsa.key.pem
certs             = $TSW/chain.pem
signer_digest     = sha256
default_policy    = 1.3.6.1.4.1.55555.3.1
digests           = sha256, sha384, sha512
accuracy          = secs:1
ordering          = no
tsa_name          = no
ess_cert_id_chain = no
ess_cert_id_alg   = sha256
EOF
run openssl ts -query -data "$CONG_VAN" -sha256 -cert -out "$TSW/request.tsq"
run openssl ts -reply -config "$TSW/ts.cnf" -queryfile "$TSW/request.tsq" -out "$REV/cong-van.tsr"
if ! openssl ts -verify -data "$CONG_VAN" -in "$REV/cong-van.tsr" -CAfile "$ROOT" \
    -untrusted "$TSW/chain.pem" >>"$LOG" 2>&1; then
    echo "generate.sh: openssl ts -verify refuses revocation/cong-van.tsr" >&2
    exit 1
fi

echo "done: test vectors written to $OUTDIR"
