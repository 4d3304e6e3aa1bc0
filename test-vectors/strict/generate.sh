#!/usr/bin/env bash
# Generate the strict-profile test vectors: small certificate chains that are
# each odd in exactly one respect (the trust anchor, key identifiers, extended
# key usage, the end entity, name constraints, policy constraints, path depth),
# three CRLs, and two tables:
#
#   cases.tsv  one row per validation: anchor, intermediates, leaf, purpose,
#              options, the verdict a strict validator must reach, the RFC
#              clause behind it, and what `openssl verify` says (default and
#              -x509_strict), computed here by running it.
#   crls.tsv   the CRLs, their issuer, whether a strict validator may use
#              them, and what `openssl verify -crl_check` says.
#
# Usage: test-vectors/strict/generate.sh [OUTDIR]   (default: this script's dir)
#
# Only the OpenSSL CLI (3.0+) and coreutils are used. Keys and most serial
# numbers are random, so every run produces different bytes; names, dates,
# extensions and therefore the verdicts are fixed. Private keys live only in
# the temporary work directory: the tests need the certificates alone.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUTDIR=${1:-$SCRIPT_DIR}
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

# Validity window of every certificate unless a case says otherwise. OpenSSL
# 3.0's `x509` cannot set an explicit notBefore, hence `openssl ca` throughout.
GOOD_START=20250101000000Z
GOOD_END=20450101000000Z

# The moment every case is validated at (and the oracle's -attime).
VALIDATION_TIME=2026-06-01T00:00:00Z
ATTIME=1780272000

POLICY_OID=1.3.6.1.4.1.55555.1.1
CRL_URL=http://127.0.0.1:8080/crl/strict-ca.crl

# Keys, the `openssl ca` database, its config and logs vanish on exit.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kyso-strict.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
LOG=$WORK/openssl.log
CONF=$WORK/openssl.cnf
KEYS=$WORK/keys

# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------

die() {
    echo "generate.sh: $*" >&2
    exit 1
}

# run CMD...: run quietly; on failure show the tail of the log and stop.
run() {
    if ! "$@" >>"$LOG" 2>&1; then
        echo "generate.sh: command failed: $*" >&2
        tail -n 20 "$LOG" >&2
        exit 1
    fi
}

# make_key KIND OUT: fresh private key (PKCS#8 PEM).
#   p256           named-curve P-256 (the default: quick to make)
#   p256-explicit  P-256 written with explicit (specifiedCurve) parameters
#   rsaBITS        RSA of BITS bits (any size, e.g. rsa2052)
#   dsa2048        DSA with fresh 2048-bit domain parameters
make_key() {
    local kind=$1 out=$2
    case $kind in
        p256)          run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
                           -pkeyopt ec_param_enc:named_curve -out "$out" ;;
        p256-explicit) run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
                           -pkeyopt ec_param_enc:explicit -out "$out" ;;
        rsa*)          run openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${kind#rsa}" -out "$out" ;;
        dsa2048)       run openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 \
                           -out "$WORK/dsa-params.pem"
                       run openssl genpkey -paramfile "$WORK/dsa-params.pem" -out "$out" ;;
        *)             die "make_key: unknown key kind $kind" ;;
    esac
}

# issue_cert OUT SUBJECT KEY ISSUER_CERT ISSUER_KEY EXT_SECTION [options]
#   ISSUER_CERT "self" makes a self-signed certificate (ISSUER_KEY ignored).
#   options: --validity START END  (default: the good window)
#            --serial HEX          this serial instead of a random one
# The subject goes through a CSR so that `openssl ca` with preserve=yes
# keeps it exactly as written.
issue_cert() {
    local out=$1 subject=$2 key=$3 issuer=$4 issuer_key=$5 ext=$6
    shift 6
    local start=$GOOD_START end=$GOOD_END section=kyso_ca
    while (($#)); do
        case $1 in
            --validity) start=$2; end=$3; shift 3 ;;
            --serial)   section=kyso_ca_serial; echo "$2" >"$WORK/serial"; shift 2 ;;
            *)          die "issue_cert: unknown option $1" ;;
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
    run openssl ca -batch -notext -utf8 -config "$CONF" -name "$section" "${signer[@]}" \
        -extensions "$ext" -startdate "$start" -enddate "$end" -in "$csr" -out "$out"
}

# cert NAME EXT_SECTION ISSUER [--key KIND] [--subject DN] [issue_cert options]
#   Writes OUTDIR/NAME.pem with a fresh key kept as WORK/keys/NAME.key.pem.
#   ISSUER is the NAME of an earlier certificate, or "self".
#   Default subject: /C=VN/O=Kyso Strict/CN=Kyso Strict NAME; default key p256.
cert() {
    local name=$1 ext=$2 issuer=$3
    shift 3
    local kind=p256 subject="/C=VN/O=Kyso Strict/CN=Kyso Strict $name" extra=()
    while (($#)); do
        case $1 in
            --key)     kind=$2; shift 2 ;;
            --subject) subject=$2; shift 2 ;;
            *)         extra+=("$1"); shift ;;
        esac
    done
    make_key "$kind" "$KEYS/$name.key.pem"
    if [[ $issuer == self ]]; then
        issue_cert "$OUTDIR/$name.pem" "$subject" "$KEYS/$name.key.pem" self - "$ext" "${extra[@]}"
    else
        issue_cert "$OUTDIR/$name.pem" "$subject" "$KEYS/$name.key.pem" \
            "$OUTDIR/$issuer.pem" "$KEYS/$issuer.key.pem" "$ext" "${extra[@]}"
    fi
}

# chain3 PREFIX ROOT_EXT [LEAF_EXT [root options]]: PREFIX-root (self-signed,
# ROOT_EXT), PREFIX-ca (v3_ca) under it and PREFIX-leaf (LEAF_EXT, default
# v3_ee) under that. For the cases where only the anchor is odd.
chain3() {
    local prefix=$1 root_ext=$2 leaf_ext=${3:-v3_ee}
    shift $(($# < 3 ? $# : 3))
    cert "$prefix-root" "$root_ext" self "$@"
    cert "$prefix-ca" v3_ca "$prefix-root"
    cert "$prefix-leaf" "$leaf_ext" "$prefix-ca"
}

# profile NAME: append the extension section [ NAME ], read from stdin, to
# the config, so that each case's extensions sit next to its explanation.
profile() {
    { printf '\n[ %s ]\n' "$1"; cat; } >>"$CONF"
}

# --- raw DER, for the one certificate OpenSSL will not write by itself -------

# hex FILE: the bytes of FILE as one line of lowercase hex.
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }

# unhex: hex on stdin -> bytes on stdout.
unhex() {
    local h
    h=$(tr -d ' \n')
    printf '%b' "$(sed 's/../\\x&/g' <<<"$h")"
}

# der_len N: the DER length octets of N, in hex.
der_len() {
    local n=$1
    if ((n < 0x80)); then printf '%02x' "$n"
    elif ((n < 0x100)); then printf '81%02x' "$n"
    elif ((n < 0x10000)); then printf '82%04x' "$n"
    else die "der_len: $n is too long"; fi
}

# tlv TAG HEX: a DER element with tag TAG (hex) around contents HEX.
tlv() { printf '%s%s%s' "$1" "$(der_len $((${#2} / 2)))" "$2"; }

# asn1_items DER: one line "offset depth header_length length type" per element.
asn1_items() {
    openssl asn1parse -inform DER -in "$1" |
        sed -E 's/^ *([0-9]+):d=([0-9]+) +hl=([0-9]+) +l= *([0-9]+) +(prim|cons): *([^:]*).*$/\1 \2 \3 \4 \6/'
}

# key_hash KEY: SHA-1 of the subjectPublicKey BIT STRING contents of KEY
# (RFC 5280 4.2.1.2 method (1), what OpenSSL's "hash" writes), in hex.
key_hash() {
    run openssl pkey -in "$1" -pubout -outform DER -out "$WORK/spki.der"
    local off hl len
    # The BIT STRING is the last child of the SubjectPublicKeyInfo; skip its
    # header and the unused-bits octet.
    read -r off _ hl len _ < <(asn1_items "$WORK/spki.der" | awk '$2 == 1' | tail -n1)
    tail -c +$((off + hl + 2)) "$WORK/spki.der" | head -c $((len - 1)) |
        openssl dgst -sha1 -r | cut -d' ' -f1
}

# colons HEX: aa:bb:cc..., the form OpenSSL's DER: syntax wants.
colons() { sed 's/../&:/g; s/:$//' <<<"$1"; }

# negate_serial NAME ISSUER: NAME.pem was issued with serial 05; rewrite its
# serial INTEGER to FB (= -5, same length), re-sign the TBSCertificate with
# ISSUER's key (P-256, ecdsa-with-SHA256) and reassemble the certificate.
negate_serial() {
    local name=$1 issuer=$2 der=$WORK/$1.der
    run openssl x509 -in "$OUTDIR/$name.pem" -outform DER -out "$der"
    local cert_hex toff thl tlen aoff ahl alen
    cert_hex=$(hex "$der")
    # Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
    read -r toff _ thl tlen _ < <(asn1_items "$der" | awk '$2 == 1' | sed -n 1p)
    read -r aoff _ ahl alen _ < <(asn1_items "$der" | awk '$2 == 1' | sed -n 2p)
    local tbs_hex=${cert_hex:$((toff * 2)):$(((thl + tlen) * 2))}
    local alg_hex=${cert_hex:$((aoff * 2)):$(((ahl + alen) * 2))}
    unhex <<<"$tbs_hex" >"$WORK/tbs.der"
    # TBSCertificate ::= SEQUENCE { [0] version, serialNumber, ... }
    local soff shl slen
    read -r soff _ shl slen _ < <(asn1_items "$WORK/tbs.der" | awk '$2 == 1' | sed -n 2p)
    local at=$(((soff + shl) * 2))
    [[ $slen == 1 && ${tbs_hex:$at:2} == 05 ]] || die "negate_serial: $name has no serial 05"
    tbs_hex=${tbs_hex:0:$at}fb${tbs_hex:$((at + 2))}
    unhex <<<"$tbs_hex" >"$WORK/tbs.der"
    run openssl dgst -sha256 -sign "$KEYS/$issuer.key.pem" -out "$WORK/sig.bin" "$WORK/tbs.der"
    tlv 30 "$tbs_hex$alg_hex$(tlv 03 "00$(hex "$WORK/sig.bin")")" | unhex >"$der"
    # PEM by hand, so that the bytes are exactly ours (no re-encoding).
    {
        echo "-----BEGIN CERTIFICATE-----"
        openssl base64 -in "$der"
        echo "-----END CERTIFICATE-----"
    } >"$OUTDIR/$name.pem"
}

# --- self-checks of what OpenSSL wrote ----------------------------------------

# expect_text NAME TEXT...: stop unless `openssl x509 -text` of NAME.pem
# contains every TEXT.
expect_text() {
    local name=$1 text want
    shift
    text=$(openssl x509 -in "$OUTDIR/$name.pem" -noout -text 2>&1)
    for want in "$@"; do
        [[ $text == *"$want"* ]] || die "$name.pem: expected \"$want\" in openssl x509 -text"
    done
}

# expect_no_text NAME TEXT...: stop if `openssl x509 -text` of NAME.pem shows any TEXT.
expect_no_text() {
    local name=$1 text bad
    shift
    text=$(openssl x509 -in "$OUTDIR/$name.pem" -noout -text 2>&1)
    for bad in "$@"; do
        [[ $text != *"$bad"* ]] || die "$name.pem: unexpected \"$bad\" in openssl x509 -text"
    done
}

# expect_der NAME HEX: stop unless the DER of NAME.pem contains the bytes HEX.
expect_der() {
    run openssl x509 -in "$OUTDIR/$1.pem" -outform DER -out "$WORK/check.der"
    [[ $(hex "$WORK/check.der") == *"$2"* ]] || die "$1.pem: expected bytes $2 in its DER"
}

# ----------------------------------------------------------------------------
# setup
# ----------------------------------------------------------------------------

if [[ $(date -u -d "$VALIDATION_TIME" +%s) != "$ATTIME" ]]; then
    die "ATTIME does not match $VALIDATION_TIME"
fi

# Wipe only what this script owns: certificates named [abcdefgs]-*.pem, the
# f-*.crl CRLs and the two tables. README.md and this script stay.
rm -f "$OUTDIR"/[abcdefgs]-*.pem "$OUTDIR"/f-*.crl "$OUTDIR/cases.tsv" "$OUTDIR/crls.tsv"
mkdir -p "$KEYS" "$WORK/newcerts"
: >"$WORK/index.txt"

cat >"$CONF" <<EOF
# Generated by kyso test-vectors/strict/generate.sh; lives only in a temp dir.

[ req ]
distinguished_name = req_dn
string_mask        = utf8only
utf8               = yes
prompt             = no

[ req_dn ]
# Subjects are always given with -subj.

[ ca ]
default_ca = kyso_ca

# Random 159-bit serials, no cRLNumber file (so -gencrl writes no cRLNumber).
[ kyso_ca ]
dir             = $WORK
database        = \$dir/index.txt
new_certs_dir   = \$dir/newcerts
rand_serial     = yes
default_md      = sha256
default_crl_days = 30
policy          = policy_any
unique_subject  = no
# Extensions come only from the sections below, never from the CSR.
copy_extensions = none
# Keep the DN exactly as in the CSR (order and every attribute).
preserve        = yes
string_mask     = utf8only

# The same CA with the serial taken from \$dir/serial (issue_cert --serial).
[ kyso_ca_serial ]
dir             = $WORK
database        = \$dir/index.txt
new_certs_dir   = \$dir/newcerts
serial          = \$dir/serial
default_md      = sha256
policy          = policy_any
unique_subject  = no
copy_extensions = none
preserve        = yes
string_mask     = utf8only

# The same CA with a cRLNumber file, for the CRL that carries one.
[ kyso_ca_crlnumber ]
dir             = $WORK
database        = \$dir/index.txt
new_certs_dir   = \$dir/newcerts
crlnumber       = \$dir/crlnumber
rand_serial     = yes
default_md      = sha256
default_crl_days = 30
policy          = policy_any
unique_subject  = no
copy_extensions = none
preserve        = yes
string_mask     = utf8only

[ policy_any ]
countryName            = optional
organizationName       = optional
commonName             = optional
emailAddress           = optional

# --- default profiles ---------------------------------------------------------

# Self-signed root: no AKI (stated, as OpenSSL 3 would otherwise add one).
[ v3_root ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = none

# Intermediate CA (no pathLenConstraint: g-depth hangs a second one below).
[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

# End entity for document signing / client authentication.
[ v3_ee ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = emailProtection, clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF

# The default end-entity lines, for profiles that only add an extension.
EE_BASE='basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = emailProtection, clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid'
CA_BASE='basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid'
ROOT_BASE='basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = none'

# ----------------------------------------------------------------------------
# s: the shared good chain s-root -> s-inter -> s-leaf. Cases that only
# change the leaf (or add an intermediate) hang below s-inter.
# ----------------------------------------------------------------------------
echo "generating the shared chain..."
cert s-root v3_root self
cert s-inter v3_ca s-root
cert s-leaf v3_ee s-inter

# key_hash must agree with OpenSSL's own "hash" key identifier; a-v1 relies on it.
ski=$(openssl x509 -in "$OUTDIR/s-root.pem" -noout -ext subjectKeyIdentifier | tail -n1 | tr -d ' :' | tr 'A-F' 'a-f')
[[ $ski == $(key_hash "$KEYS/s-root.key.pem") ]] || die "key_hash disagrees with OpenSSL's SKI ($ski)"

# ----------------------------------------------------------------------------
# A: trust anchors that are certificates. Each case has its own root, a
# default intermediate and a leaf; only the root is odd. The "bare-anchors"
# option makes the validator take the anchor as name + key only (RFC 5280
# 6.1.1 (d)); by default it also honours what the anchor certificate says
# (RFC 5937 3), so its validity, critical extensions and constraints count.
# ----------------------------------------------------------------------------
echo "generating A (trust anchors)..."

# A1/A2: the root permits DNS good.example and the directory subtree
# C=VN, O=Kyso Strict. The intermediate and both leaves are named inside the
# subtree; one leaf's dNSName is inside good.example (ok), the other's is not.
profile nc_dn_kyso <<'EOF'
C = VN
O = Kyso Strict
EOF
profile root_nc_permitted <<EOF
$ROOT_BASE
nameConstraints        = critical, permitted;DNS:good.example, permitted;dirName:nc_dn_kyso
EOF
profile ee_san_a_good <<EOF
$EE_BASE
subjectAltName         = DNS:a.good.example
EOF
profile ee_san_evil <<EOF
$EE_BASE
subjectAltName         = DNS:evil.example
EOF
cert a-nc-root root_nc_permitted self
cert a-nc-ca v3_ca a-nc-root
cert a-nc-ok-leaf ee_san_a_good a-nc-ca
cert a-nc-evil-leaf ee_san_evil a-nc-ca

# A3: the root excludes the directory subtree C=VN, O=Excluded Org; the
# intermediate is O=Kyso Strict, the leaf's subject lies inside the subtree.
profile nc_dn_excluded <<'EOF'
C = VN
O = Excluded Org
EOF
profile root_nc_excluded_dir <<EOF
$ROOT_BASE
nameConstraints        = critical, excluded;dirName:nc_dn_excluded
EOF
cert a-ncx-root root_nc_excluded_dir self
cert a-ncx-ca v3_ca a-ncx-root
cert a-ncx-leaf v3_ee a-ncx-ca --subject "/C=VN/O=Excluded Org/CN=x"

# A4: the root expired on 2025-01-01 (valid 2015..2025); the intermediate and
# leaf below are good. Refused as a certificate, fine as a bare anchor.
chain3 a-expired v3_root v3_ee --validity 20150101000000Z 20250101000000Z

# A5: the root becomes valid only in 2030 (valid 2030..2040).
chain3 a-nyv v3_root v3_ee --validity 20300101000000Z 20400101000000Z

# A6: the root carries a private critical extension nobody understands
# (1.3.6.1.4.1.55555.9.9, value NULL). Refused unless the anchor is bare.
profile root_unknown_critical <<EOF
$ROOT_BASE
1.3.6.1.4.1.55555.9.9  = critical, ASN1:NULL
EOF
chain3 a-unkcrit root_unknown_critical

# A7: a self-signed "root" that says CA:FALSE (yet has keyCertSign) and still
# issues an intermediate.
profile root_ca_false <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = none
EOF
chain3 a-not-ca root_ca_false

# A8: a v3 self-signed root without basicConstraints at all (keyCertSign only).
profile root_no_bc <<'EOF'
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = none
EOF
chain3 a-no-bc root_no_bc

# A9: a version 1 self-signed root: no extensions at all (an empty section;
# OpenSSL then writes v1). A v1 anchor is a CA because the caller says so
# (RFC 5280 6.1.4 (k)). The intermediate's AKI keyIdentifier cannot be copied
# from a root SKI that does not exist, so it is the SHA-1 of the root's key,
# as RFC 5280 4.2.1.2 method (1) would have made it.
profile root_v1 <<'EOF'
# No extensions: openssl ca leaves the certificate at version 1.
EOF
cert a-v1-root root_v1 self
profile ca_under_v1 <<EOF
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = DER:30:16:80:14:$(colons "$(key_hash "$KEYS/a-v1-root.key.pem")")
EOF
cert a-v1-ca ca_under_v1 a-v1-root
cert a-v1-leaf v3_ee a-v1-ca

# A10: basicConstraints CA:TRUE, but not marked critical.
profile root_bc_noncritical <<'EOF'
basicConstraints       = CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = none
EOF
chain3 a-bc-noncrit root_bc_noncritical

# A11-A16: malformed name constraints in the root. The leaves are named
# a.good.example, which a well-formed "permitted DNS:good.example" admits.
#   A11 a wildcard is not a dNSName constraint: DNS:*.good.example
#   A12 neither is a leading period (that is the URI/email form): DNS:.good.example
#   A13 an iPAddress constraint with a non-contiguous mask 10.0.0.0/255.0.255.0;
#       and one whose address+mask is 5 octets (must be 8 or 32), raw DER:
#       NameConstraints { permittedSubtrees [0] { { base [7] 0a 00 00 00 00 } } }
#   A14 an rfc822Name constraint with two at-signs: a@b@good.example
#   A15 a correct constraint (DNS:good.example) that is not marked critical
#   A16 NameConstraints with neither subtree, SEQUENCE {} (raw DER 30 00):
#       RFC 5280 forbids it ("MUST NOT be empty")
nc_root_profile() {  # nc_root_profile NAME NAMECONSTRAINTS_VALUE
    profile "$1" <<EOF
$ROOT_BASE
nameConstraints        = $2
EOF
}
nc_root_profile root_nc_wildcard "critical, permitted;DNS:*.good.example"
nc_root_profile root_nc_leading_period "critical, permitted;DNS:.good.example"
nc_root_profile root_nc_bad_ipmask "critical, permitted;IP:10.0.0.0/255.0.255.0"
nc_root_profile root_nc_bad_iplen "critical, DER:30:0b:a0:09:30:07:87:05:0a:00:00:00:00"
nc_root_profile root_nc_bad_email "critical, permitted;email:a@b@good.example"
nc_root_profile root_nc_noncritical "permitted;DNS:good.example"
nc_root_profile root_nc_empty "critical, DER:30:00"
chain3 a-nc-wild root_nc_wildcard ee_san_a_good
chain3 a-nc-dot root_nc_leading_period ee_san_a_good
chain3 a-nc-ipmask root_nc_bad_ipmask ee_san_a_good
chain3 a-nc-iplen root_nc_bad_iplen ee_san_a_good
chain3 a-nc-email root_nc_bad_email ee_san_a_good
chain3 a-nc-noncrit root_nc_noncritical ee_san_a_good
chain3 a-nc-empty root_nc_empty ee_san_a_good

# A8: policy extensions of the anchor (RFC 5937 section 2). a-pc: the root says
# requireExplicitPolicy:0 (critical); nothing below asserts a policy, so no
# policy remains where one is required. a-cp: the root asserts only policy
# .1.2, the intermediate and leaf only .1.1 (the test policy), and the root
# requires an explicit policy: the anchor's policy set leaves nothing.
profile root_pc <<EOF
$ROOT_BASE
policyConstraints      = critical, requireExplicitPolicy:0
EOF
profile root_cp <<EOF
$ROOT_BASE
certificatePolicies    = 1.3.6.1.4.1.55555.1.2
policyConstraints      = critical, requireExplicitPolicy:0
EOF
profile ca_cp <<EOF
$CA_BASE
certificatePolicies    = 1.3.6.1.4.1.55555.1.1
EOF
profile ee_cp <<EOF
$EE_BASE
certificatePolicies    = 1.3.6.1.4.1.55555.1.1
EOF
chain3 a-pc root_pc
cert a-cp-root root_cp self
cert a-cp-ca ca_cp a-cp-root
cert a-cp-leaf ee_cp a-cp-ca

expect_text a-nc-root "X509v3 Name Constraints: critical" "DNS:good.example" "DirName:C = VN, O = Kyso Strict"
expect_text a-ncx-root "Excluded:" "DirName:C = VN, O = Excluded Org"
expect_text a-expired-root "Not After : Jan  1 00:00:00 2025 GMT"
expect_text a-nyv-root "Not Before: Jan  1 00:00:00 2030 GMT"
expect_text a-unkcrit-root "1.3.6.1.4.1.55555.9.9: critical"
expect_text a-not-ca-root "CA:FALSE" "Certificate Sign"
expect_no_text a-no-bc-root "Basic Constraints"
expect_text a-v1-root "Version: 1 (0x0)"
expect_no_text a-v1-root "X509v3 extensions"
expect_text a-bc-noncrit-root "X509v3 Basic Constraints: "$'\n'
expect_no_text a-bc-noncrit-root "X509v3 Basic Constraints: critical"
expect_text a-nc-wild-root "DNS:*.good.example"
expect_text a-nc-dot-root "DNS:.good.example"
expect_text a-nc-ipmask-root "IP:10.0.0.0/255.0.255.0"
expect_der a-nc-iplen-root 0603551d1e0101ff040d300ba009300787050a00000000
expect_text a-nc-email-root "email:a@b@good.example"
expect_no_text a-nc-noncrit-root "X509v3 Name Constraints: critical"
expect_der a-nc-empty-root 0603551d1e0101ff04023000
# The intermediate below the v1 root names it by the same key identifier
# OpenSSL would compute: check the chain with OpenSSL (any purpose).
openssl verify -attime "$ATTIME" -CAfile "$OUTDIR/a-v1-root.pem" -untrusted "$OUTDIR/a-v1-ca.pem" \
    "$OUTDIR/a-v1-leaf.pem" >>"$LOG" 2>&1 || die "OpenSSL refuses the a-v1 chain"

# ----------------------------------------------------------------------------
# B: key identifiers (RFC 5280 4.2.1.1 AKI, 4.2.1.2 SKI)
# ----------------------------------------------------------------------------
echo "generating B (key identifiers)..."

# B1: a leaf without AKI (OpenSSL adds one unless told "none"). A warning by
# default; an error under require-key-identifiers.
profile ee_no_aki <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = emailProtection, clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = none
EOF
cert b-no-aki-leaf ee_no_aki s-inter

# B2: an intermediate without SKI. Its leaf's AKI cannot name a key
# identifier, so it names the intermediate by issuer + serial instead
# (authorityCertIssuer, authorityCertSerialNumber).
profile ca_no_ski <<'EOF'
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = none
authorityKeyIdentifier = keyid
EOF
profile ee_aki_issuer_serial <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = emailProtection, clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = issuer:always
EOF
cert b-no-ski-ca ca_no_ski s-root
cert b-no-ski-leaf ee_aki_issuer_serial b-no-ski-ca

# B3: a leaf whose AKI is marked critical (RFC 5280: MUST be non-critical).
profile ee_aki_critical <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = emailProtection, clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = critical, keyid
EOF
cert b-aki-crit-leaf ee_aki_critical s-inter

# B4: an intermediate whose SKI is marked critical (MUST be non-critical);
# the leaf below is default.
profile ca_ski_critical <<'EOF'
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = critical, hash
authorityKeyIdentifier = keyid
EOF
cert b-ski-crit-ca ca_ski_critical s-root
cert b-ski-crit-leaf v3_ee b-ski-crit-ca

# B5: a self-signed root whose own AKI keyIdentifier (20 bytes of 0x22, raw
# DER) is not its SKI: the certificate contradicts itself.
profile root_aki_mismatch <<EOF
$(sed '/authorityKeyIdentifier/d' <<<"$ROOT_BASE")
authorityKeyIdentifier = DER:30:16:80:14$(printf ':22%.0s' {1..20})
EOF
chain3 b-root-aki root_aki_mismatch

# B6: a leaf under s-inter whose AKI keyIdentifier (20 bytes of 0x11, raw
# DER) is not s-inter's SKI, although s-inter really signed it.
profile ee_aki_mismatch <<EOF
$(sed '/authorityKeyIdentifier/d' <<<"$EE_BASE")
authorityKeyIdentifier = DER:30:16:80:14$(printf ':11%.0s' {1..20})
EOF
cert b-aki-mismatch-leaf ee_aki_mismatch s-inter

# B7: a CSCA-style link certificate as the anchor: self-issued (the old root's
# name) but signed by the old key, so its AKI names the old key and its SKI the
# new one. It is not self-signed, so the AKI need not name its own key; the
# leaf is issued under the new key.
cert b-link-old v3_root self --subject "/C=VN/O=Kyso Strict/CN=Kyso Strict b-link"
cert b-link v3_ca b-link-old --subject "/C=VN/O=Kyso Strict/CN=Kyso Strict b-link"
cert b-link-leaf v3_ee b-link

# B8: a leaf under s-inter whose subjectKeyIdentifier extnValue holds the
# OCTET STRING 04 01 aa and then one more octet (00). extnValue must be the
# DER encoding of one value of the extension's type (RFC 5280 4.1, X.690
# 10.1), so the certificate is malformed; OpenSSL reads the first value and
# passes over the rest (it prints the SKI as AA).
profile ee_ski_trailing <<EOF
$(sed '/subjectKeyIdentifier/d' <<<"$EE_BASE")
subjectKeyIdentifier   = DER:04:01:aa:00
EOF
cert b-ski-trailing-leaf ee_ski_trailing s-inter

expect_no_text b-no-aki-leaf "Authority Key Identifier"
expect_no_text b-no-ski-ca "Subject Key Identifier"
# authorityCertIssuer + authorityCertSerialNumber name b-no-ski-ca's own
# certificate: its issuer (s-root) and its serial number.
expect_text b-no-ski-leaf "DirName:/C=VN/O=Kyso Strict/CN=Kyso Strict s-root" \
    "serial:$(openssl x509 -in "$OUTDIR/b-no-ski-ca.pem" -noout -serial | cut -d= -f2 | sed 's/../&:/g; s/:$//')"
expect_no_text b-no-ski-leaf "keyid:"
expect_text b-aki-crit-leaf "X509v3 Authority Key Identifier: critical"
expect_text b-ski-crit-ca "X509v3 Subject Key Identifier: critical"
expect_text b-root-aki-root "22:22:22:22:22:22:22:22:22:22:22:22:22:22:22:22:22:22:22:22"
expect_text b-aki-mismatch-leaf "11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11"
expect_text b-ski-trailing-leaf "X509v3 Subject Key Identifier:" "AA"

# ----------------------------------------------------------------------------
# C: extendedKeyUsage (RFC 5280 4.2.1.12; RFC 3161 2.3 for TSAs)
# ----------------------------------------------------------------------------
echo "generating C (extended key usage)..."

# C1: an EKU that is an empty SEQUENCE (raw DER 30 00): KeyPurposeId is
# SIZE (1..MAX), so the extension does not decode.
profile ee_eku_empty <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = DER:30:00
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
cert c-eku-empty-leaf ee_eku_empty s-inter

# C2: anyExtendedKeyUsage alone: not enough for TLS server or client, enough
# for document signing.
profile ee_any_eku <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = anyExtendedKeyUsage
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
cert c-any-eku-leaf ee_any_eku s-inter

# C3: a TLS server leaf (serverAuth, dNSName www.good.example), and a leaf
# with clientAuth only, which must not pass as a server.
profile ee_server <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = DNS:www.good.example
EOF
profile ee_client_only <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
cert c-server-leaf ee_server s-inter
cert c-client-only-leaf ee_client_only s-inter

# C4: no EKU at all (keyUsage digitalSignature): any purpose is allowed.
profile ee_no_eku <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
cert c-no-eku-leaf ee_no_eku s-inter

# C5: time-stamping units: RFC 3161 2.3 wants timeStamping as the only EKU
# and critical. One leaf has it non-critical, the other critical.
profile ee_tsa_noncritical <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = timeStamping
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
profile ee_tsa <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = critical, timeStamping
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
cert c-tsa-noncrit-leaf ee_tsa_noncritical s-inter
cert c-tsa-leaf ee_tsa s-inter

expect_der c-eku-empty-leaf 0603551d2504023000
expect_text c-any-eku-leaf "Any Extended Key Usage"
expect_no_text c-no-eku-leaf "Extended Key Usage"
expect_no_text c-tsa-noncrit-leaf "X509v3 Extended Key Usage: critical"
expect_text c-tsa-leaf "X509v3 Extended Key Usage: critical"

# ----------------------------------------------------------------------------
# D: the end entity
# ----------------------------------------------------------------------------
echo "generating D (end entities)..."

# D1: a leaf that says CA:TRUE (with a signing-only keyUsage).
profile ee_ca_true <<'EOF'
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, digitalSignature, nonRepudiation
extendedKeyUsage       = emailProtection, clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
cert d-leaf-ca ee_ca_true s-inter

# D2: a leaf with CA:FALSE but keyCertSign (RFC 5280 4.2.1.3: keyCertSign
# requires cA).
profile ee_keycertsign <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, nonRepudiation, keyCertSign
extendedKeyUsage       = emailProtection, clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
cert d-leaf-keycertsign ee_keycertsign s-inter

# D3: serial numbers (RFC 5280 4.1.2.2: positive, at most 20 octets).
#   zero            serial 0 (02 01 00): a warning
#   negative        serial -5 (02 01 fb): a warning. openssl ca cannot write
#                   a negative serial, so the leaf is issued with serial 5 and
#                   then its TBSCertificate is patched and re-signed.
#   21 octets       01 followed by 20 octets of 0xaa: an error
#   20 octets       7f followed by 19 octets of 0xbb (top bit clear): fine
cert d-serial-zero v3_ee s-inter --serial 00
cert d-serial-negative v3_ee s-inter --serial 05
negate_serial d-serial-negative s-inter
cert d-serial-21 v3_ee s-inter --serial "01$(printf 'aa%.0s' {1..20})"
cert d-serial-20 v3_ee s-inter --serial "7f$(printf 'bb%.0s' {1..19})"

# D4: an empty subject: the identity is only in subjectAltName, which must
# then be critical (RFC 5280 4.2.1.6). One leaf has it non-critical.
profile ee_empty_subject_san_noncritical <<EOF
$EE_BASE
subjectAltName         = email:an@good.example
EOF
profile ee_empty_subject_san_critical <<EOF
$EE_BASE
subjectAltName         = critical, email:an@good.example
EOF
cert d-empty-san-noncrit ee_empty_subject_san_noncritical s-inter --subject /
cert d-empty-san-crit ee_empty_subject_san_critical s-inter --subject /

# D5: malformed subjectAltName entries: an empty DNS label (bad..good.example),
# a space in a DNS name (bad name.good.example), an iPAddress of 5 octets
# (raw DER: SEQUENCE { [7] 0a 01 02 03 04 }) and an rfc822Name without "@".
profile san_bad_dns2 <<'EOF'
DNS.1 = bad name.good.example
EOF
ee_san_profile() {  # ee_san_profile NAME SUBJECTALTNAME_VALUE
    profile "$1" <<EOF
$EE_BASE
subjectAltName         = $2
EOF
}
ee_san_profile ee_san_bad_dns "DNS:bad..good.example"
ee_san_profile ee_san_bad_dns2 "@san_bad_dns2"
ee_san_profile ee_san_bad_ip "DER:30:07:87:05:0a:01:02:03:04"
ee_san_profile ee_san_bad_email "email:no-at-sign.good.example"
cert d-san-bad-dns ee_san_bad_dns s-inter
cert d-san-bad-dns2 ee_san_bad_dns2 s-inter
cert d-san-bad-ip ee_san_bad_ip s-inter
cert d-san-bad-email ee_san_bad_email s-inter

# D6: nameConstraints in an end entity (RFC 5280 4.2.1.10: CA certificates only).
profile ee_nc <<EOF
$EE_BASE
nameConstraints        = critical, permitted;DNS:good.example
EOF
cert d-leaf-nc ee_nc s-inter

# D7-D9: public keys the default algorithm policy refuses:
#   a DSA-2048 key (DSA is not accepted at all),
#   an RSA key of 2052 bits (the modulus is not a whole number of octets),
#   a P-256 key written with explicit curve parameters instead of the named
#   curve (RFC 5480 2.1.1: specifiedCurve MUST NOT be used); the
#   explicit-curves option lets that one through.
cert d-leaf-dsa v3_ee s-inter --key dsa2048
cert d-rsa-2052 v3_ee s-inter --key rsa2052
cert d-explicit-ec v3_ee s-inter --key p256-explicit

expect_text d-leaf-ca "CA:TRUE"
expect_text d-leaf-keycertsign "CA:FALSE" "Certificate Sign"
expect_der d-serial-zero a003020102020100
expect_der d-serial-negative a0030201020201fb
expect_der d-serial-21 a003020102021501"$(printf 'aa%.0s' {1..20})"
expect_der d-serial-20 a00302010202147f"$(printf 'bb%.0s' {1..19})"
expect_text d-empty-san-noncrit "X509v3 Subject Alternative Name: "$'\n'
expect_text d-empty-san-crit "X509v3 Subject Alternative Name: critical"
# notAfter 450101000000Z, then the subject: an empty SEQUENCE.
expect_der d-empty-san-noncrit 170d3435303130313030303030305a3000
expect_der d-empty-san-crit 170d3435303130313030303030305a3000
expect_text d-san-bad-dns "DNS:bad..good.example"
expect_text d-san-bad-dns2 "DNS:bad name.good.example"
expect_der d-san-bad-ip 0603551d110409300787050a01020304
expect_text d-san-bad-email "email:no-at-sign.good.example"
expect_text d-leaf-nc "X509v3 Name Constraints: critical"
expect_text d-leaf-dsa "dsaEncryption" "Public-Key: (2048 bit)"
expect_text d-rsa-2052 "Public-Key: (2052 bit)"
expect_text d-explicit-ec "Field Type: prime-field"
# The re-signed negative-serial leaf must still verify under s-inter.
openssl verify -attime "$ATTIME" -CAfile "$OUTDIR/s-root.pem" -untrusted "$OUTDIR/s-inter.pem" \
    "$OUTDIR/d-serial-negative.pem" >>"$LOG" 2>&1 || die "d-serial-negative.pem does not verify"

# D10: a self-signed certificate with basicConstraints CA:TRUE and the signing
# key usages, as `openssl req -x509` makes by default, pinned as its own trust
# anchor and used to sign: the caller chose to trust this very certificate, so
# it is not refused as a CA used as an end entity (it is when it is not pinned,
# d-leaf-ca).
profile pinned_ca <<'EOF'
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, digitalSignature, nonRepudiation, keyCertSign
subjectKeyIdentifier   = hash
EOF
cert d-pinned-ca pinned_ca self

# ----------------------------------------------------------------------------
# E: name constraints in an intermediate (RFC 5280 4.2.1.10)
# ----------------------------------------------------------------------------
echo "generating E (name constraints)..."

# E1: the intermediate excludes bar.good.example. A leaf for *.good.example
# could stand for bar.good.example, so it violates the exclusion; a leaf for
# *.other.example cannot, so it is fine.
profile ca_nc_excluded_bar <<EOF
$CA_BASE
nameConstraints        = critical, excluded;DNS:bar.good.example
EOF
ee_san_profile ee_san_wild_good "DNS:*.good.example"
ee_san_profile ee_san_wild_other "DNS:*.other.example"
cert e-ncx-ca ca_nc_excluded_bar s-root
cert e-wild-excluded-leaf ee_san_wild_good e-ncx-ca
cert e-wild-ok-leaf ee_san_wild_other e-ncx-ca

# E2: the intermediate permits good.example; the leaf's dNSName
# "x y.good.example" has a space: malformed, whatever the constraint says.
profile ca_nc_permitted_good <<EOF
$CA_BASE
nameConstraints        = critical, permitted;DNS:good.example
EOF
profile san_xy <<'EOF'
DNS.1 = x y.good.example
EOF
ee_san_profile ee_san_xy "@san_xy"
cert e-ncp-ca ca_nc_permitted_good s-root
cert e-bad-san-leaf ee_san_xy e-ncp-ca

# E3: the intermediate's NameConstraints has both subtrees present but empty
# (raw DER 30 04 a0 00 a1 00); GeneralSubtrees is SIZE (1..MAX).
profile ca_nc_empty_subtrees <<EOF
$CA_BASE
nameConstraints        = critical, DER:30:04:a0:00:a1:00
EOF
cert e-nc-empty-ca ca_nc_empty_subtrees s-root
cert e-nc-empty-leaf ee_san_a_good e-nc-empty-ca

# E4: the work budget. The intermediate excludes 1024 DNS subtrees
# (x0001.blocked.example ...) and the leaf carries 256 dNSNames
# (n001.good.example ...): 256 x 1024 = 262,144 name comparisons, above the
# 250,000 a strict validator allows itself. None of the names matches.
{
    printf '\n[ nc_budget ]\n'
    for i in $(seq 1 1024); do printf 'excluded;DNS.%d = x%04d.blocked.example\n' "$i" "$i"; done
    printf '\n[ san_budget ]\n'
    for i in $(seq 1 256); do printf 'DNS.%d = n%03d.good.example\n' "$i" "$i"; done
} >>"$CONF"
profile ca_nc_budget <<EOF
$CA_BASE
nameConstraints        = critical, @nc_budget
EOF
ee_san_profile ee_san_budget "@san_budget"
cert e-budget-ca ca_nc_budget s-root
cert e-budget-leaf ee_san_budget e-budget-ca

# E5: an intermediate whose nameConstraints is NOT critical. Below the anchor it
# is applied all the same, with a warning (the CA/Browser Forum's requirements
# long let technically constrained CAs leave it non-critical): a leaf inside
# the permitted subtree passes, one outside is refused.
profile ca_nc_noncritical <<EOF
$CA_BASE
nameConstraints        = permitted;DNS:good.example
EOF
cert e-ncnc-ca ca_nc_noncritical s-root
cert e-ncnc-ok-leaf ee_san_a_good e-ncnc-ca
cert e-ncnc-evil-leaf ee_san_evil e-ncnc-ca
expect_no_text e-ncnc-ca "Name Constraints: critical"

expect_text e-ncx-ca "Excluded:" "DNS:bar.good.example"
expect_text e-wild-excluded-leaf "DNS:*.good.example"
expect_text e-bad-san-leaf "DNS:x y.good.example"
expect_der e-nc-empty-ca 0603551d1e0101ff04063004a000a100
[[ $(openssl x509 -in "$OUTDIR/e-budget-ca.pem" -noout -ext nameConstraints | grep -c 'DNS:x[0-9]*\.blocked\.example') == 1024 ]] ||
    die "e-budget-ca.pem does not hold 1024 excluded subtrees"
[[ $(openssl x509 -in "$OUTDIR/e-budget-leaf.pem" -noout -ext subjectAltName | grep -o 'DNS:n[0-9]*\.good\.example' | wc -l) == 256 ]] ||
    die "e-budget-leaf.pem does not hold 256 dNSNames"

# ----------------------------------------------------------------------------
# F: revocation material and policy constraints
# ----------------------------------------------------------------------------
echo "generating F (CRLs, policy constraints)..."

# F1: a leaf under s-inter that points at s-inter's CRL, and three CRLs by
# s-inter that revoke nothing (thisUpdate 2026-05-01, nextUpdate 2027-01-01):
#   f-crl-ok              AKI keyid and a non-critical cRLNumber (1)
#   f-crl-no-number       AKI keyid, no cRLNumber (RFC 5280 5.2.3: MUST be there)
#   f-crl-number-critical AKI keyid, cRLNumber 1 marked critical (5.2.3: MUST
#                         be non-critical), written raw as crl_extensions
profile ee_crldp <<EOF
$EE_BASE
crlDistributionPoints  = URI:$CRL_URL
EOF
cert f-leaf ee_crldp s-inter

profile crl_ext <<'EOF'
authorityKeyIdentifier = keyid
EOF
profile crl_ext_number_critical <<'EOF'
authorityKeyIdentifier = keyid
crlNumber              = critical, DER:02:01:01
EOF
# gen_crl OUT CA_SECTION CRL_EXTENSIONS
gen_crl() {
    run openssl ca -batch -config "$CONF" -name "$2" -gencrl \
        -cert "$OUTDIR/s-inter.pem" -keyfile "$KEYS/s-inter.key.pem" -crlexts "$3" \
        -crl_lastupdate 20260501000000Z -crl_nextupdate 20270101000000Z -out "$OUTDIR/$1"
}
echo 01 >"$WORK/crlnumber"
gen_crl f-crl-ok.crl kyso_ca_crlnumber crl_ext
gen_crl f-crl-no-number.crl kyso_ca crl_ext
gen_crl f-crl-number-critical.crl kyso_ca crl_ext_number_critical

crl_text() { openssl crl -in "$OUTDIR/$1" -noout -text; }
[[ $(crl_text f-crl-ok.crl) == *"X509v3 CRL Number: "$'\n'* ]] || die "f-crl-ok.crl: no non-critical cRLNumber"
[[ $(crl_text f-crl-no-number.crl) != *"CRL Number"* ]] || die "f-crl-no-number.crl has a cRLNumber"
[[ $(crl_text f-crl-number-critical.crl) == *"X509v3 CRL Number: critical"* ]] || die "f-crl-number-critical.crl: cRLNumber not critical"
for f in f-crl-ok.crl f-crl-no-number.crl f-crl-number-critical.crl; do
    [[ $(crl_text "$f") == *"No Revoked Certificates."* && $(crl_text "$f") == *"Authority Key Identifier"* ]] ||
        die "$f: expected an empty CRL with an AKI"
done

# f-crl-no-number-revoking: the same shape as f-crl-no-number, but listing
# f-revoked-leaf as revoked (keyCompromise, 2026-03-01). A CRL without cRLNumber
# cannot show that a certificate is NOT revoked, but a revocation it lists under
# a valid signature still counts. `openssl ca -revoke` records the current time,
# so the revocation date is set in the database before the CRL is made.
cert f-revoked-leaf ee_crldp s-inter
run openssl ca -batch -config "$CONF" -name kyso_ca -cert "$OUTDIR/s-inter.pem" \
    -keyfile "$KEYS/s-inter.key.pem" -revoke "$OUTDIR/f-revoked-leaf.pem" -crl_reason keyCompromise
revoked_serial=$(openssl x509 -in "$OUTDIR/f-revoked-leaf.pem" -noout -serial | cut -d= -f2)
awk -v s="$revoked_serial" -v d=260301000000Z 'BEGIN { FS = OFS = "\t" }
    $4 == s { n = index($3, ","); $3 = d (n ? substr($3, n) : "") } { print }' \
    "$WORK/index.txt" >"$WORK/index.txt.new"
mv "$WORK/index.txt.new" "$WORK/index.txt"
gen_crl f-crl-no-number-revoking.crl kyso_ca crl_ext
[[ $(crl_text f-crl-no-number-revoking.crl) != *"CRL Number"* &&
   $(crl_text f-crl-no-number-revoking.crl) == *"Serial Number: $revoked_serial"* ]] ||
    die "f-crl-no-number-revoking.crl: expected no cRLNumber and the revoked leaf"

# F2: policy constraints that are not marked critical (RFC 5280 4.2.1.11 and
# 4.2.1.14: MUST be critical). The intermediates assert the test policy and
# either requireExplicitPolicy:0 or inhibitAnyPolicy 0; their leaves assert
# the same policy, so the valid policy tree is not empty: a warning only.
profile ca_pc_noncritical <<EOF
$CA_BASE
certificatePolicies    = $POLICY_OID
policyConstraints      = requireExplicitPolicy:0
EOF
profile ca_iap_noncritical <<EOF
$CA_BASE
certificatePolicies    = $POLICY_OID
inhibitAnyPolicy       = 0
EOF
profile ee_policy <<EOF
$EE_BASE
certificatePolicies    = $POLICY_OID
EOF
cert f-pc-ca ca_pc_noncritical s-root
cert f-pc-leaf ee_policy f-pc-ca
cert f-iap-ca ca_iap_noncritical s-root
cert f-iap-leaf ee_policy f-iap-ca

expect_text f-leaf "$CRL_URL"
expect_text f-pc-ca "X509v3 Policy Constraints: "$'\n' "Require Explicit Policy:0"
expect_text f-iap-ca "X509v3 Inhibit Any Policy: "$'\n'

# ----------------------------------------------------------------------------
# G: path depth and peer names
# ----------------------------------------------------------------------------
echo "generating G (depth, names)..."

# G1: a four-certificate path s-root -> s-inter -> g-ca2 -> g-depth-leaf;
# fine by itself, for tests that set a maximum depth.
cert g-ca2 v3_ca s-inter
cert g-depth-leaf v3_ee g-ca2

# G2: a leaf for peer-name matching: DNS, wildcard DNS, IPv4, IPv6 and email
# in subjectAltName, an emailAddress in the subject, and serverAuth,
# clientAuth and emailProtection.
profile ee_names <<'EOF'
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth, clientAuth, emailProtection
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = DNS:www.good.example, DNS:*.wild.good.example, IP:10.1.2.3, IP:2001:db8::1, email:an@good.example
EOF
cert g-names-leaf ee_names s-inter \
    --subject "/C=VN/O=Kyso Strict/CN=Kyso Strict g-names-leaf/emailAddress=binh@good.example"

expect_text g-names-leaf "emailAddress = binh@good.example" "DNS:*.wild.good.example" \
    "IP Address:10.1.2.3" "IP Address:2001:DB8:0:0:0:0:0:1" "email:an@good.example"

# Every certificate's name attributes (other than C and emailAddress, whose
# types are fixed) must be UTF8String.
for f in "$OUTDIR"/[abcdefgs]-*.pem; do
    if openssl asn1parse -in "$f" | grep -E -q 'PRINTABLESTRING *:[^V]|T61STRING|BMPSTRING'; then
        die "$(basename "$f"): a name attribute is not UTF8String"
    fi
done

# ----------------------------------------------------------------------------
# cases.tsv
# ----------------------------------------------------------------------------
echo "writing cases.tsv..."

# One row per validation, fields separated by blanks here; the clause, last,
# may contain blanks. Intermediates are listed from the leaf upwards.
S=s-root.pem
I=s-inter.pem
DS=document-signing
rows=(
# case                         anchor              intermediates        leaf                      purpose      options                  expected                                clause
"s-good                        $S                  $I                   s-leaf.pem                $DS          -                        ok                                      RFC 5280 6.1"
"a-nc-permitted-ok             a-nc-root.pem       a-nc-ca.pem          a-nc-ok-leaf.pem          $DS          -                        ok                                      RFC 5937 3"
"a-nc-permitted-violation      a-nc-root.pem       a-nc-ca.pem          a-nc-evil-leaf.pem        $DS          -                        NameConstraintViolation@0               RFC 5937 3"
"a-nc-excluded-dir             a-ncx-root.pem      a-ncx-ca.pem         a-ncx-leaf.pem            $DS          -                        NameConstraintViolation@0               RFC 5937 3"
"a-expired                     a-expired-root.pem  a-expired-ca.pem     a-expired-leaf.pem        $DS          -                        Expired@2                               RFC 5280 4.1.2.5"
"a-expired-bare                a-expired-root.pem  a-expired-ca.pem     a-expired-leaf.pem        $DS          bare-anchors             ok                                      RFC 5280 6.1.1 (d)"
"a-not-yet-valid               a-nyv-root.pem      a-nyv-ca.pem         a-nyv-leaf.pem            $DS          -                        NotYetValid@2                           RFC 5280 4.1.2.5"
"a-unknown-critical            a-unkcrit-root.pem  a-unkcrit-ca.pem     a-unkcrit-leaf.pem        $DS          -                        UnknownCriticalExtension@2              RFC 5280 4.2"
"a-unknown-critical-bare       a-unkcrit-root.pem  a-unkcrit-ca.pem     a-unkcrit-leaf.pem        $DS          bare-anchors             ok                                      RFC 5280 6.1.1 (d)"
"a-not-ca                      a-not-ca-root.pem   a-not-ca-ca.pem      a-not-ca-leaf.pem         $DS          -                        NotCa@2                                 RFC 5280 4.2.1.9"
"a-no-bc                       a-no-bc-root.pem    a-no-bc-ca.pem       a-no-bc-leaf.pem          $DS          -                        NotCa@2                                 RFC 5280 4.2.1.9"
"a-v1-root                     a-v1-root.pem       a-v1-ca.pem          a-v1-leaf.pem             $DS          -                        ok                                      RFC 5280 6.1.4 (k)"
"a-bc-noncritical              a-bc-noncrit-root.pem a-bc-noncrit-ca.pem a-bc-noncrit-leaf.pem    $DS          -                        ok                                      RFC 5280 4.2.1.9"
"a-nc-wildcard                 a-nc-wild-root.pem  a-nc-wild-ca.pem     a-nc-wild-leaf.pem        $DS          -                        MalformedNameConstraints{defect:Subtree{syntax:Wildcard@2              RFC 5280 4.2.1.10"
"a-nc-leading-period           a-nc-dot-root.pem   a-nc-dot-ca.pem      a-nc-dot-leaf.pem         $DS          -                        MalformedNameConstraints{defect:Subtree{syntax:LeadingPeriod@2              RFC 5280 4.2.1.10"
"a-nc-bad-ipmask               a-nc-ipmask-root.pem a-nc-ipmask-ca.pem  a-nc-ipmask-leaf.pem      $DS          -                        MalformedNameConstraints{defect:Subtree{syntax:IpAddressMask@2              RFC 5280 4.2.1.10"
"a-nc-bad-iplen                a-nc-iplen-root.pem a-nc-iplen-ca.pem    a-nc-iplen-leaf.pem       $DS          -                        MalformedNameConstraints{defect:Subtree{syntax:IpAddressLength@2              RFC 5280 4.2.1.10"
"a-nc-bad-email                a-nc-email-root.pem a-nc-email-ca.pem    a-nc-email-leaf.pem       $DS          -                        MalformedNameConstraints{defect:Subtree{syntax:Rfc822Name@2              RFC 5280 4.2.1.10"
"a-nc-noncritical              a-nc-noncrit-root.pem a-nc-noncrit-ca.pem a-nc-noncrit-leaf.pem    $DS          -                        MalformedNameConstraints{defect:NotCritical}@2              RFC 5280 4.2.1.10"
"a-pc-explicit                 a-pc-root.pem       a-pc-ca.pem          a-pc-leaf.pem             $DS          -                        NoValidPolicy@1                         RFC 5937 2"
"a-pc-explicit-bare            a-pc-root.pem       a-pc-ca.pem          a-pc-leaf.pem             $DS          bare-anchors             ok                                      RFC 5280 6.1.1 (d)"
"a-cp-disjoint                 a-cp-root.pem       a-cp-ca.pem          a-cp-leaf.pem             $DS          -                        NoValidPolicy@0                         RFC 5937 2"
"a-cp-disjoint-bare            a-cp-root.pem       a-cp-ca.pem          a-cp-leaf.pem             $DS          bare-anchors             ok                                      RFC 5280 6.1.1 (d)"
"a-nc-empty                    a-nc-empty-root.pem a-nc-empty-ca.pem    a-nc-empty-leaf.pem       $DS          -                        MalformedNameConstraints{defect:NoSubtrees}@2              RFC 5280 4.2.1.10"
"b-no-aki-leaf                 $S                  $I                   b-no-aki-leaf.pem         $DS          -                        ok+missing-authority-key-identifier     RFC 5280 4.2.1.1"
"b-no-aki-leaf-required        $S                  $I                   b-no-aki-leaf.pem         $DS          require-key-identifiers  MissingAuthorityKeyIdentifier@0         RFC 5280 4.2.1.1"
"b-no-ski-inter                $S                  b-no-ski-ca.pem      b-no-ski-leaf.pem         $DS          -                        ok+missing-authority-key-identifier,missing-subject-key-identifier       RFC 5280 4.2.1.2"
"b-no-ski-inter-required       $S                  b-no-ski-ca.pem      b-no-ski-leaf.pem         $DS          require-key-identifiers  MissingSubjectKeyIdentifier@1           RFC 5280 4.2.1.2"
"b-aki-critical                $S                  $I                   b-aki-crit-leaf.pem       $DS          -                        ExtensionMustNotBeCritical@0            RFC 5280 4.2.1.1"
"b-ski-critical                $S                  b-ski-crit-ca.pem    b-ski-crit-leaf.pem       $DS          -                        ExtensionMustNotBeCritical@1            RFC 5280 4.2.1.2"
"b-root-aki-mismatch           b-root-aki-root.pem b-root-aki-ca.pem    b-root-aki-leaf.pem       $DS          -                        KeyIdentifierMismatch@2                 RFC 5280 4.2.1.1"
"b-aki-mismatch                $S                  $I                   b-aki-mismatch-leaf.pem   $DS          -                        KeyIdentifierMismatch@0                 RFC 5280 4.2.1.1"
"b-ski-trailing                $S                  $I                   b-ski-trailing-leaf.pem   $DS          -                        Encoding@0                              RFC 5280 4.1"
"c-eku-empty                   $S                  $I                   c-eku-empty-leaf.pem      $DS          -                        Encoding@0                              RFC 5280 4.2.1.12"
"c-any-eku-server              $S                  $I                   c-any-eku-leaf.pem        server-auth  -                        ExtendedKeyUsageNotAllowed@0            RFC 5280 4.2.1.12"
"c-any-eku-client              $S                  $I                   c-any-eku-leaf.pem        client-auth  -                        ExtendedKeyUsageNotAllowed@0            RFC 5280 4.2.1.12"
"c-any-eku-document            $S                  $I                   c-any-eku-leaf.pem        $DS          -                        ok                                      RFC 5280 4.2.1.12"
"c-server                      $S                  $I                   c-server-leaf.pem         server-auth  -                        ok                                      RFC 5280 4.2.1.12"
"c-client-only-server          $S                  $I                   c-client-only-leaf.pem    server-auth  -                        ExtendedKeyUsageNotAllowed@0            RFC 5280 4.2.1.12"
"c-no-eku-client               $S                  $I                   c-no-eku-leaf.pem         client-auth  -                        ok                                      RFC 5280 4.2.1.12"
"c-no-eku-server               $S                  $I                   c-no-eku-leaf.pem         server-auth  -                        ok                                      RFC 5280 4.2.1.12"
"c-tsa-noncritical             $S                  $I                   c-tsa-noncrit-leaf.pem    timestamping -                        ExtendedKeyUsageNotAllowed@0            RFC 3161 2.3"
"c-tsa-ok                      $S                  $I                   c-tsa-leaf.pem            timestamping -                        ok                                      RFC 3161 2.3"
"d-leaf-ca                     $S                  $I                   d-leaf-ca.pem             $DS          -                        EndEntityIsCa@0                         RFC 5280 4.2.1.9"
"d-leaf-keycertsign            $S                  $I                   d-leaf-keycertsign.pem    $DS          -                        EndEntityIsCa@0                         RFC 5280 4.2.1.3"
"d-serial-zero                 $S                  $I                   d-serial-zero.pem         $DS          -                        ok+serial-number-not-positive           RFC 5280 4.1.2.2"
"d-serial-negative             $S                  $I                   d-serial-negative.pem     $DS          -                        ok+serial-number-not-positive           RFC 5280 4.1.2.2"
"d-serial-21                   $S                  $I                   d-serial-21.pem           $DS          -                        InvalidSerialNumber{length:21}@0                   RFC 5280 4.1.2.2"
"d-serial-20                   $S                  $I                   d-serial-20.pem           $DS          -                        ok                                      RFC 5280 4.1.2.2"
"d-empty-subject-san-noncritical $S                $I                   d-empty-san-noncrit.pem   $DS          -                        SubjectAltNameNotCritical@0             RFC 5280 4.2.1.6"
"d-empty-subject-san-critical  $S                  $I                   d-empty-san-crit.pem      $DS          -                        ok                                      RFC 5280 4.2.1.6"
"d-san-bad-dns                 $S                  $I                   d-san-bad-dns.pem         $DS          -                        MalformedSubjectAltName{syntax:DnsName@0               RFC 5280 4.2.1.6"
"d-san-bad-dns2                $S                  $I                   d-san-bad-dns2.pem        $DS          -                        MalformedSubjectAltName{syntax:DnsName@0               RFC 5280 4.2.1.6"
"d-san-bad-ip                  $S                  $I                   d-san-bad-ip.pem          $DS          -                        MalformedSubjectAltName{syntax:IpAddressLength@0               RFC 5280 4.2.1.6"
"d-san-bad-email               $S                  $I                   d-san-bad-email.pem       $DS          -                        MalformedSubjectAltName{syntax:Rfc822Name@0               RFC 5280 4.2.1.6"
"d-leaf-nc                     $S                  $I                   d-leaf-nc.pem             $DS          -                        NameConstraintsInEndEntity@0            RFC 5280 4.2.1.10"
"d-leaf-dsa                    $S                  $I                   d-leaf-dsa.pem            $DS          -                        PublicKey(KeyTypeNotAllowed{key:Dsa,reason:LegacyDsa}@0   RFC 5280 4.1.2.7"
"d-rsa-2052                    $S                  $I                   d-rsa-2052.pem            $DS          -                        PublicKey(RsaModulusNotWholeBytes{bits:2052})@0                             RFC 8017 3.1"
"d-explicit-ec                 $S                  $I                   d-explicit-ec.pem         $DS          -                        PublicKey(ExplicitCurveParametersNotAllowed)@0                             RFC 5480 2.1.1"
"d-explicit-ec-allowed         $S                  $I                   d-explicit-ec.pem         $DS          explicit-curves          ok                                      RFC 5480 2.1.1"
"e-nc-noncritical-ok           $S                  e-ncnc-ca.pem        e-ncnc-ok-leaf.pem        $DS          -                        ok+constraint-extension-not-critical    RFC 5280 4.2.1.10"
"e-nc-noncritical-violation    $S                  e-ncnc-ca.pem        e-ncnc-evil-leaf.pem      $DS          -                        NameConstraintViolation@0               RFC 5280 4.2.1.10"
"d-pinned-ca                   d-pinned-ca.pem     -                    d-pinned-ca.pem           $DS          -                        ok                                      RFC 5280 6.1.1 (d)"
"b-link-anchor                 b-link.pem          -                    b-link-leaf.pem           $DS          -                        ok                                      RFC 5280 4.2.1.1"
"e-wildcard-excluded           $S                  e-ncx-ca.pem         e-wild-excluded-leaf.pem  $DS          -                        NameConstraintViolation@0               RFC 5280 4.2.1.10"
"e-wildcard-ok                 $S                  e-ncx-ca.pem         e-wild-ok-leaf.pem        $DS          -                        ok                                      RFC 5280 4.2.1.10"
"e-malformed-san-permitted     $S                  e-ncp-ca.pem         e-bad-san-leaf.pem        $DS          -                        MalformedSubjectAltName{syntax:DnsName@0               RFC 5280 4.2.1.6"
"e-nc-empty                    $S                  e-nc-empty-ca.pem    e-nc-empty-leaf.pem       $DS          -                        MalformedNameConstraints{defect:NoSubtrees}@1              RFC 5280 4.2.1.10"
"e-budget                      $S                  e-budget-ca.pem      e-budget-leaf.pem         $DS          -                        BudgetExceeded(NameConstraintComparisons)                        RFC 5280 4.2.1.10"
"f-leaf                        $S                  $I                   f-leaf.pem                $DS          -                        ok                                      RFC 5280 4.2.1.13"
"f-pc-noncritical              $S                  f-pc-ca.pem          f-pc-leaf.pem             $DS          -                        ok+constraint-extension-not-critical    RFC 5280 4.2.1.11"
"f-iap-noncritical             $S                  f-iap-ca.pem         f-iap-leaf.pem            $DS          -                        ok+constraint-extension-not-critical    RFC 5280 4.2.1.14"
"g-depth                       $S                  g-ca2.pem,$I         g-depth-leaf.pem          $DS          -                        ok                                      RFC 5280 6.1"
"g-names                       $S                  $I                   g-names-leaf.pem          server-auth  -                        ok                                      RFC 5280 4.2.1.6"
)

# ossl_verify ANCHOR INTERMEDIATES LEAF PURPOSE [verify options]: what
# `openssl verify` says at the validation time, on one line: "OK", or every
# "error N at D depth lookup: reason" joined with "; ", or else its last line.
ossl_verify() {
    local anchor=$1 ints=$2 leaf=$3 purpose=$4
    shift 4
    local args=(-attime "$ATTIME" -CAfile "$anchor")
    if [[ $ints != - ]]; then
        local c
        : >"$WORK/untrusted.pem"
        IFS=, read -ra list <<<"$ints"
        for c in "${list[@]}"; do cat "$OUTDIR/$c" >>"$WORK/untrusted.pem"; done
        args+=(-untrusted "$WORK/untrusted.pem")
    fi
    case $purpose in
        document-signing) args+=(-purpose smimesign) ;;
        client-auth)      args+=(-purpose sslclient) ;;
        server-auth)      args+=(-purpose sslserver) ;;
        timestamping)     args+=(-purpose timestampsign) ;;
        any | -)          ;;
        *)                die "unknown purpose $purpose" ;;
    esac
    local out why= line
    if out=$(cd "$OUTDIR" && openssl verify "${args[@]}" "$@" "$leaf" 2>&1); then
        echo OK
        return
    fi
    while IFS= read -r line; do
        if [[ $line =~ ^error\ [0-9]+\ at\ [0-9]+\ depth\ lookup:\ .*$ ]]; then
            why+="${why:+; }$line"
        fi
    done <<<"$out"
    [[ -n $why ]] || why=$(grep -v '^ *$' <<<"$out" | tail -n1)
    tr -d '\t\r' <<<"$why"
}

printf '#case\tanchor\tintermediates\tleaf\tpurpose\toptions\texpected\tclause\topenssl\n' >"$OUTDIR/cases.tsv"
for row in "${rows[@]}"; do
    read -r name anchor ints leaf purpose options expected clause <<<"$row"
    for f in "$anchor" "$leaf" ${ints//,/ }; do
        [[ $f == - || -f $OUTDIR/$f ]] || die "cases.tsv row $name: no file $f"
    done
    default=$(ossl_verify "$anchor" "$ints" "$leaf" "$purpose")
    strict=$(ossl_verify "$anchor" "$ints" "$leaf" "$purpose" -x509_strict)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s|%s\n' "$name" "$anchor" "$ints" "$leaf" \
        "$purpose" "$options" "$expected" "$clause" "$default" "$strict" >>"$OUTDIR/cases.tsv"
    printf '  %-32s %-38s openssl: %s | %s\n' "$name" "$expected" "$default" "$strict"
done

# ----------------------------------------------------------------------------
# crls.tsv
# ----------------------------------------------------------------------------
echo "writing crls.tsv..."

# usable: a strict validator may take f-leaf's status from this CRL (f-leaf
# is then good); unusable: it must set the CRL aside. The openssl column is
# `openssl verify -crl_check` of f-leaf with the CRL, default|-x509_strict.
crl_rows=(
# crl                        issuer  anchor  leaf        expected  clause
"f-crl-ok.crl                $I      $S      f-leaf.pem  usable    RFC 5280 5.2.3"
"f-crl-no-number.crl         $I      $S      f-leaf.pem  unusable  RFC 5280 5.2.3"
"f-crl-number-critical.crl   $I      $S      f-leaf.pem  unusable  RFC 5280 5.2.3"
"f-crl-no-number-revoking.crl $I     $S      f-revoked-leaf.pem  revoked   RFC 5280 5.2.3, 6.3.3"
)
printf '#crl\tissuer\tanchor\tleaf\texpected\tclause\topenssl\n' >"$OUTDIR/crls.tsv"
for row in "${crl_rows[@]}"; do
    read -r crl issuer anchor leaf expected clause <<<"$row"
    default=$(ossl_verify "$anchor" "$issuer" "$leaf" any -crl_check -CRLfile "$crl")
    strict=$(ossl_verify "$anchor" "$issuer" "$leaf" any -crl_check -CRLfile "$crl" -x509_strict)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s|%s\n' "$crl" "$issuer" "$anchor" "$leaf" \
        "$expected" "$clause" "$default" "$strict" >>"$OUTDIR/crls.tsv"
    printf '  %-32s %-38s openssl: %s | %s\n' "$crl" "$expected" "$default" "$strict"
done

echo "done: $(ls "$OUTDIR"/[abcdefgs]-*.pem | wc -l) certificates, $(ls "$OUTDIR"/f-*.crl | wc -l) CRLs, cases.tsv and crls.tsv in $OUTDIR"
