#!/usr/bin/env bash
# Interop fixtures for RFC 3161 time-stamp tokens, RFC 6960 OCSP responses, RFC 5544
# TimeStampedData envelopes and ICAO 9303 EF.SOD files, made by producers that share no code
# with kyso: the OpenSSL CLI, and build_tsp_eid.py (Python: asn1crypto builds the ASN.1,
# cryptography signs). Every file is then checked by an independent verifier where one
# exists (openssl ts -verify, openssl ocsp, openssl cms -verify, openssl verify,
# openssl asn1parse); what it said goes into the cases.tsv of tsp/ and eid/.
#
# Usage: test-vectors/interop/gen_tsp_eid.sh OUTDIR PYTHON
#   OUTDIR  receives tsp/ and eid/ (test-vectors/interop for the committed files)
#   PYTHON  a Python 3 with asn1crypto==1.5.1 and cryptography==50.0.2
#
# Only the generated files in OUTDIR/tsp and OUTDIR/eid are deleted and rewritten; the
# README.md files there are left alone. Inputs are read from the test PKI of test-vectors/
# (pki/, revocation/, documents/, eid/), which this script never changes.
set -euo pipefail

if (($# != 2)); then
    echo "usage: $0 OUTDIR PYTHON" >&2
    exit 2
fi
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TV=$(cd "$HERE/.." && pwd)
PY=$2
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
if [[ $OUT == "$TV" ]]; then
    echo "gen_tsp_eid.sh: OUTDIR must not be test-vectors/ itself (its eid/ is another set)" >&2
    exit 2
fi
TSP=$OUT/tsp
EID=$OUT/eid
mkdir -p "$TSP" "$EID"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kyso-interop.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
LOG=$WORK/log
export PYTHONDONTWRITEBYTECODE=1

run() {
    if ! "$@" >>"$LOG" 2>&1; then
        echo "gen_tsp_eid.sh: failed: $*" >&2
        tail -n 20 "$LOG" >&2
        exit 1
    fi
}
die() {
    echo "gen_tsp_eid.sh: $*" >&2
    exit 1
}
B() { run "$PY" "$HERE/build_tsp_eid.py" "$@"; }
Bout() { "$PY" "$HERE/build_tsp_eid.py" "$@"; }

versions=$("$PY" -c 'import asn1crypto, cryptography; print(asn1crypto.__version__, cryptography.__version__)') ||
    die "$PY cannot import asn1crypto and cryptography"
if [[ $versions != "1.5.1 50.0.2" ]]; then
    echo "gen_tsp_eid.sh: warning: asn1crypto/cryptography are $versions, not the pinned 1.5.1 50.0.2" >&2
fi

ROOT=$TV/pki/root-ca.pem
INTER=$TV/pki/intermediate-ca.pem
REV=$TV/revocation
DOC=$TV/documents/cong-van.txt
EIDV=$TV/eid
VT=1780272000     # 2026-06-01T00:00:00Z: the validation time of the TSP and OCSP tests
EID_VT=1798761600 # 2027-01-01T00:00:00Z: the one of the chip tests (tests/eid.rs)

rm -f "$TSP"/*.tsr "$TSP"/*.tst "$TSP"/*.der "$TSP"/*.tsd "$TSP"/cases.tsv
rm -f "$EID"/*.sod "$EID"/*.pem "$EID"/*.key "$EID"/cases.tsv

# One line, no tabs: what a verifier printed, for cases.tsv.
flat() { tr '\t\n' '  ' | sed 's/  */ /g; s/^ //; s/ $//'; }
# The reason field of OpenSSL 3 error lines ("pid:error:code:library:function:reason:...").
reasons() { awk -F: '/:error:/ {print $6}' | sort -u | paste -sd ';' -; }

TSP_ROWS=()
EID_ROWS=()
row_tsp() { TSP_ROWS+=("$(printf '%s\t%s\t%s\t%s\t%s' "$@")"); }
row_eid() { EID_ROWS+=("$(printf '%s\t%s\t%s\t%s\t%s' "$@")"); }

# ----------------------------------------------------------------------------------------
# The test TSA (revocation/tsa.pem), configured as for revocation/cong-van.tsr
# ----------------------------------------------------------------------------------------
echo "interop: time-stamp tokens..."
echo 01 >"$WORK/serial"
cat "$REV/tsa.pem" "$INTER" >"$WORK/chain.pem"
tsa_conf() { # tsa_conf FILE [EXTRA-LINE]
    cat >"$1" <<EOF
[ tsa ]
default_tsa = kyso_tsa
[ kyso_tsa ]
serial            = $WORK/serial
signer_cert       = $REV/tsa.pem
signer_key        = $REV/keys/tsa.key.pem
certs             = $WORK/chain.pem
signer_digest     = sha256
default_policy    = 1.3.6.1.4.1.55555.3.1
digests           = sha256, sha384, sha512
accuracy          = secs:1
ordering          = no
tsa_name          = no
ess_cert_id_chain = no
ess_cert_id_alg   = sha256
EOF
    if (($# > 1)); then echo "$2" >>"$1"; fi
}
tsa_conf "$WORK/ts.cnf"
tsa_conf "$WORK/ts3.cnf" "clock_precision_digits = 3"
tsa_conf "$WORK/ts6.cnf" "clock_precision_digits = 6"

reply() { # reply CONFIG QUERY RESPONSE.tsr TOKEN.tst
    run openssl ts -reply -config "$1" -queryfile "$2" -out "$3"
    run openssl ts -reply -in "$3" -token_out -out "$4"
}

# ts_verify IN [openssl ts -verify options...]: OpenSSL's verdict at the validation time,
# with the test root as the only trust anchor (the caller passes -data or -digest and the
# untrusted certificates). Prints "OK" or "FAILED: <reasons>".
ts_verify() {
    local in=$1
    shift
    local out
    out=$(openssl ts -verify -in "$in" "$@" -CAfile "$ROOT" -attime "$VT" 2>&1) || true
    if grep -q '^Verification: OK' <<<"$out"; then
        echo "OK"
    else
        echo "FAILED: $(reasons <<<"$out")"
    fi
}
want() { # want WHAT ACTUAL EXPECTED-PREFIX
    [[ $2 == "$3"* ]] || die "$1: the verifier said \"$2\", expected \"$3...\""
}

run openssl ts -query -data "$DOC" -sha256 -cert -out "$WORK/cert.tsq"
run openssl ts -query -data "$DOC" -sha256 -out "$WORK/nocert.tsq"

# --- 4a: fractional genTime from openssl ts (clock_precision_digits 3 and 6) ------------
for digits in 3 6; do
    name=fraction-$digits
    reply "$WORK/ts$digits.cnf" "$WORK/cert.tsq" "$TSP/$name.tsr" "$TSP/$name.tst"
    g=$(Bout gentime "$TSP/$name.tst")
    [[ $(Bout gentime "$TSP/$name.tsr") == "$g" ]] || die "$name: .tsr and .tst differ"
    # DER (X.690 11.7.3): no trailing zero, no bare decimal point; at most $digits digits.
    [[ $g =~ ^[0-9]{14}(\.[0-9]{0,$((digits - 1))}[1-9])?Z$ ]] ||
        die "$name: genTime $g is not what clock_precision_digits = $digits should give"
    text=$(openssl ts -reply -token_in -in "$TSP/$name.tst" -token_out -text 2>/dev/null |
        sed -n 's/^Time stamp: //p')
    v1=$(ts_verify "$TSP/$name.tsr" -data "$DOC" -untrusted "$WORK/chain.pem")
    v2=$(ts_verify "$TSP/$name.tst" -token_in -data "$DOC" -untrusted "$WORK/chain.pem")
    want "$name" "$v1 $v2" "OK OK"
    for f in "$name.tsr" "$name.tst"; do
        kind="TimeStampResp"
        [[ $f == *.tst ]] && kind="TimeStampToken alone (-token_out)"
        row_tsp "tsp/$f" 4a \
            "openssl ts -reply, clock_precision_digits = $digits: $kind over documents/cong-van.txt (SHA-256, certReq); genTime $g" \
            "accepted: verifies over cong-van.txt, TSA revocation/tsa.pem under the test root; genTime read with its fraction" \
            "openssl ts -verify: $([[ $f == *.tsr ]] && echo "$v1" || echo "$v2"); openssl ts -text: Time stamp: $text"
    done
done

# --- 4b, 4c: OCSP responses with fractional seconds ---------------------------------------
echo "interop: OCSP responses..."
ocsp_check() { # ocsp_check FILE: signature, status and time checks by openssl ocsp
    local out
    out=$(openssl ocsp -respin "$1" -issuer "$INTER" -cert "$REV/ee-good.pem" -CAfile "$ROOT" \
        -verify_other "$INTER" -attime "$VT" -resp_text 2>&1) || true
    local verify status produced why
    verify=$(grep -o 'Response verify OK\|Response Verify Failure' <<<"$out" | head -n 1 || true)
    status=$(grep -oE '(^|: )(good|revoked|unknown)$' <<<"$out" | grep -oE 'good|revoked|unknown' |
        head -n 1 || true)
    produced=$(sed -n 's/^ *Produced At: //p' <<<"$out")
    why=$(reasons <<<"$out")
    echo "${verify:-no verdict}; status ${status:-none}${why:+; status times refused: $why}; -resp_text: Produced At: $produced"
}
B ocsp "$TSP/ocsp-fraction.der" 20260531120000.25Z 20260531120000.25Z 20260607120000.5Z \
    "$REV/ee-good.pem" "$INTER" "$REV/ocsp-responder.pem" "$REV/keys/ocsp-responder.key.pem"
B ocsp "$TSP/ocsp-fraction-trailing-zero.der" 20260531120000.250Z 20260531120000.25Z \
    20260607120000.5Z "$REV/ee-good.pem" "$INTER" "$REV/ocsp-responder.pem" \
    "$REV/keys/ocsp-responder.key.pem"
o1=$(ocsp_check "$TSP/ocsp-fraction.der")
o2=$(ocsp_check "$TSP/ocsp-fraction-trailing-zero.der")
want ocsp-fraction.der "$o1" "Response verify OK; status good"
want ocsp-fraction-trailing-zero.der "$o2" "Response verify OK; status good"
row_tsp tsp/ocsp-fraction.der 4b \
    "asn1crypto + cryptography: BasicOCSPResponse by revocation/ocsp-responder.pem (byName, ecdsa-with-SHA256, its certificate included), good for revocation/ee-good.pem (CertID SHA-1, issuer intermediate-ca); producedAt = thisUpdate = 20260531120000.25Z, nextUpdate 20260607120000.5Z" \
    "accepted: good at 2026-06-01T00:00:00Z; producedAt and thisUpdate 2026-05-31T12:00:00.25Z, nextUpdate 2026-06-07T12:00:00.5Z" \
    "openssl ocsp: $o1"
row_tsp tsp/ocsp-fraction-trailing-zero.der 4c \
    "the same, but producedAt written 20260531120000.250Z (trailing zero: not DER), signed over those bytes" \
    "refused: not DER (GeneralizedTime fraction ends in 0, X.690 11.7.3)" \
    "openssl ocsp: $o2"

# --- 4d: tokens built in Python -------------------------------------------------------------
echo "interop: Python-built tokens..."
B tst "$TSP/tst-fraction-python.tst" 20260531120000.1Z 4096 "$DOC" "$REV/tsa.pem" \
    "$REV/keys/tsa.key.pem" "$INTER"
B tst "$TSP/tst-fraction-trailing-zero.tst" 20260531120000.10Z 4097 "$DOC" "$REV/tsa.pem" \
    "$REV/keys/tsa.key.pem" "$INTER"
for f in tst-fraction-python tst-fraction-trailing-zero; do
    v=$(ts_verify "$TSP/$f.tst" -token_in -data "$DOC" -untrusted "$WORK/chain.pem")
    want "$f" "$v" OK
    text=$(openssl ts -reply -token_in -in "$TSP/$f.tst" -token_out -text 2>/dev/null |
        sed -n 's/^Time stamp: //p')
    declare "peer_${f//-/_}=openssl ts -verify: $v; openssl ts -text: Time stamp: $text"
done
row_tsp tsp/tst-fraction-python.tst 4d \
    "asn1crypto + cryptography: TimeStampToken over cong-van.txt (SHA-256), genTime 20260531120000.1Z, signed by the TSA key; signed attributes contentType id-ct-TSTInfo, messageDigest, signingCertificateV2 (ESSCertIDv2: SHA-256 of tsa.pem's DER); certificates tsa.pem and intermediate-ca.pem" \
    "accepted: genTime 2026-05-31T12:00:00.1Z" \
    "$peer_tst_fraction_python"
row_tsp tsp/tst-fraction-trailing-zero.tst 4d \
    "the same with genTime 20260531120000.10Z (trailing zero: not DER), correctly signed" \
    "refused: not DER (genTime fraction ends in 0, X.690 11.7.3; RFC 3161 2.4.2)" \
    "$peer_tst_fraction_trailing_zero"

# --- 13: a token without the TSA certificate ------------------------------------------------
reply "$WORK/ts.cnf" "$WORK/nocert.tsq" "$WORK/no-cert.tsr" "$TSP/no-cert.tst"
n=$(openssl pkcs7 -inform DER -in "$TSP/no-cert.tst" -print_certs 2>/dev/null | grep -c '^subject=' || true)
((n == 0)) || die "no-cert.tst carries $n certificate(s)"
v_with=$(ts_verify "$TSP/no-cert.tst" -token_in -data "$DOC" -untrusted "$WORK/chain.pem")
v_without=$(ts_verify "$TSP/no-cert.tst" -token_in -data "$DOC" -untrusted "$INTER")
want no-cert.tst "$v_with" OK
want no-cert.tst "$v_without" FAILED
row_tsp tsp/no-cert.tst 13 \
    "openssl ts -reply to a query without -cert (certReq absent): TimeStampToken over cong-van.txt with no certificates (signingCertificateV2 still names tsa.pem)" \
    "accepted when revocation/tsa.pem (and the intermediate) are supplied; without tsa.pem the signer cannot be found: not accepted" \
    "openssl pkcs7 -print_certs: $n certificates; openssl ts -verify with tsa.pem untrusted: $v_with; with the intermediate only: $v_without"

# --- 14: RFC 5544 TimeStampedData ----------------------------------------------------------
echo "interop: TimeStampedData..."
reply "$WORK/ts.cnf" "$WORK/cert.tsq" "$WORK/t1.tsr" "$WORK/t1.tst"
# Renewal (RFC 5544): the next token's messageImprint is the hash of the DER encoding of
# the previous TimeStampAndCRL element (here SEQUENCE { token }, no CRL).
renew=$(Bout renewal-digest "$WORK/t1.tst")
run openssl ts -query -digest "$renew" -sha256 -cert -out "$WORK/renew.tsq"
reply "$WORK/ts.cnf" "$WORK/renew.tsq" "$WORK/t2.tsr" "$WORK/t2.tst"
# The wrong input: the token alone, without its TimeStampAndCRL wrapper.
wrong=$(Bout renewal-digest "$WORK/t1.tst" token-only)
run openssl ts -query -digest "$wrong" -sha256 -cert -out "$WORK/wrong.tsq"
reply "$WORK/ts.cnf" "$WORK/wrong.tsq" "$WORK/t2bad.tsr" "$WORK/t2bad.tst"

B tsd "$TSP/tsd-one.tsd" content "$DOC" "$WORK/t1.tst"
B tsd "$TSP/tsd-two.tsd" content "$DOC" "$WORK/t1.tst" "$WORK/t2.tst"
B tsd "$TSP/tsd-detached.tsd" uri "file:cong-van.txt" "$WORK/t1.tst"
B tsd "$TSP/tsd-bad-second.tsd" content "$DOC" "$WORK/t1.tst" "$WORK/t2bad.tst"

# tsd_check FILE: parse the envelope with openssl asn1parse, cut each TimeStampAndCRL
# (depth 4) and its token (depth 5) out by the offsets it prints, and verify token 0 over
# cong-van.txt and token i over the bytes of element i-1: OpenSSL hashes those itself.
tsd_check() {
    local f=$1 parsed i=0 verdicts=() off hl len prev=""
    parsed=$(openssl asn1parse -inform DER -in "$f") || {
        echo "asn1parse refuses"
        return
    }
    local ctype
    ctype=$(awk 'NR == 2 {sub(/.*:/, ""); print}' <<<"$parsed")
    while read -r off hl len; do
        dd if="$f" of="$WORK/el$i.der" bs=1 skip="$off" count=$((hl + len)) status=none
        local toff thl tlen
        read -r toff thl tlen < <(awk -v o=$((off + hl)) -F'[:= ]+' \
            '$1 == o {print $1, $5, $7}' <<<"$(sed 's/^ *//' <<<"$parsed")")
        dd if="$f" of="$WORK/tok$i.der" bs=1 skip="$toff" count=$((thl + tlen)) status=none
        if ((i == 0)); then
            verdicts+=("token 0 over the document: $(ts_verify "$WORK/tok$i.der" -token_in \
                -data "$DOC" -untrusted "$WORK/chain.pem")")
        else
            verdicts+=("token $i over element $((i - 1)): $(ts_verify "$WORK/tok$i.der" -token_in \
                -data "$prev" -untrusted "$WORK/chain.pem")")
        fi
        prev=$WORK/el$i.der
        i=$((i + 1))
    done < <(sed 's/^ *//' <<<"$parsed" | awk -F'[:= ]+' '$3 == 4 && /cons: SEQUENCE/ {print $1, $5, $7}')
    local joined
    joined=$(printf '; %s' "${verdicts[@]}")
    echo "asn1parse: ContentInfo $ctype, [0] tstEvidence holding $i TimeStampAndCRL$joined"
}
for f in one two detached bad-second; do
    declare "tsd_${f//-/_}=$(tsd_check "$TSP/tsd-$f.tsd")"
done
want tsd-one.tsd "$tsd_one" "asn1parse: ContentInfo"
[[ $tsd_one == *"1 TimeStampAndCRL; token 0 over the document: OK" ]] || die "tsd-one: $tsd_one"
[[ $tsd_two == *"2 TimeStampAndCRL; token 0 over the document: OK; token 1 over element 0: OK" ]] ||
    die "tsd-two: $tsd_two"
[[ $tsd_detached == *"1 TimeStampAndCRL; token 0 over the document: OK" ]] ||
    die "tsd-detached: $tsd_detached"
[[ $tsd_bad_second == *"token 0 over the document: OK; token 1 over element 0: FAILED"* ]] ||
    die "tsd-bad-second: $tsd_bad_second"
row_tsp tsp/tsd-one.tsd 14a \
    "ContentInfo id-ct-timestampedData: TimeStampedData v1, content = cong-van.txt embedded, tstEvidence with one TimeStampAndCRL (openssl ts token over cong-van.txt, no CRL)" \
    "accepted: the token's messageImprint is SHA-256 of the embedded content" \
    "$tsd_one"
row_tsp tsp/tsd-two.tsd 14b \
    "the same renewed: a second openssl ts token whose messageImprint is SHA-256 of the DER TimeStampAndCRL element 0" \
    "accepted: token 0 covers the content, token 1 covers element 0" \
    "$tsd_two"
row_tsp tsp/tsd-detached.tsd 14c \
    "TimeStampedData v1 without content, dataUri file:cong-van.txt, one token over cong-van.txt" \
    "accepted when documents/cong-van.txt is supplied as the data; without it nothing can be checked" \
    "$tsd_detached"
row_tsp tsp/tsd-bad-second.tsd 14d \
    "like tsd-two, but token 1's messageImprint is SHA-256 of the token of element 0 alone (without its TimeStampAndCRL SEQUENCE)" \
    "refused: token 1 does not cover the DER of element 0" \
    "$tsd_bad_second"

# ----------------------------------------------------------------------------------------
# Chip documents: EF.SOD over the CCCD-like data groups of test-vectors/eid/
# ----------------------------------------------------------------------------------------
echo "interop: EF.SOD files..."
C=("$EIDV/cccd-dg1.bin" "$EIDV/cccd-dg2.bin" "$EIDV/cccd-dg13.bin")
run "$PY" "$EIDV/build.py" lds "$WORK/cccd.lds" sha256 0 "${C[@]}"
LDS_OID=2.23.136.1.1.1
B sod "$EID/sod-python-control.sod" "$WORK/cccd.lds" "$EIDV/ds-vn.pem" "$EIDV/ds-vn.key" sha512 3 "$LDS_OID" der
B sod "$EID/sod-version1.sod" "$WORK/cccd.lds" "$EIDV/ds-vn.pem" "$EIDV/ds-vn.key" sha512 1 "$LDS_OID" der
B sod "$EID/sod-econtent-id-data.sod" "$WORK/cccd.lds" "$EIDV/ds-vn.pem" "$EIDV/ds-vn.key" sha512 3 \
    1.2.840.113549.1.7.1 der
B sod "$EID/sod-ber.sod" "$WORK/cccd.lds" "$EIDV/ds-vn.pem" "$EIDV/ds-vn.key" sha512 3 "$LDS_OID" ber

# sod_check FILE: the CMS signature by openssl cms -verify -noverify (the brainpoolP512r1
# CSCA with explicit parameters cannot be put in an OpenSSL 3 chain), the eContent it gives
# back compared with the LDSSecurityObject, and the fields OpenSSL prints.
sod_check() {
    local f=$1 out v ver ect enc
    rm -f "$WORK/sod.content"
    B unwrap "$f" "$WORK/sod.p7"
    out=$(openssl cms -verify -noverify -binary -inform DER -in "$WORK/sod.p7" \
        -out "$WORK/sod.content" 2>&1) || true
    v=$(grep -o 'Verification successful\|Verification failure' <<<"$out" | head -n 1 || true)
    if cmp -s "$WORK/sod.content" "$WORK/cccd.lds"; then v="$v, eContent = the LDSSecurityObject"; fi
    out=$(openssl cms -cmsout -print -inform DER -in "$WORK/sod.p7" 2>&1)
    ver=$(awk '/signedData:/ {s = 1} s && /version:/ {print $2; exit}' <<<"$out")
    ect=$(sed -n 's/^ *eContentType: //p' <<<"$out" | head -n 1 || true)
    enc=$(openssl asn1parse -inform DER -in "$f" | grep -c 'l=inf' || true)
    echo "openssl cms -verify -noverify: ${v:-no verdict}; -cmsout -print: version $ver, eContentType $ect; asn1parse: $enc indefinite lengths"
}
for f in python-control version1 econtent-id-data ber; do
    declare "sod_${f//-/_}=$(sod_check "$EID/sod-$f.sod")"
done
want sod-python-control "$sod_python_control" \
    "openssl cms -verify -noverify: Verification successful, eContent = the LDSSecurityObject; -cmsout -print: version 3, eContentType undefined (2.23.136.1.1.1); asn1parse: 0 indefinite"
want sod-version1 "$sod_version1" \
    "openssl cms -verify -noverify: Verification successful, eContent = the LDSSecurityObject; -cmsout -print: version 1,"
want sod-econtent-id-data "$sod_econtent_id_data" \
    "openssl cms -verify -noverify: Verification successful, eContent = the LDSSecurityObject; -cmsout -print: version 3, eContentType pkcs7-data"
want sod-ber "$sod_ber" \
    "openssl cms -verify -noverify: Verification successful, eContent = the LDSSecurityObject; -cmsout -print: version 3, eContentType undefined (2.23.136.1.1.1); asn1parse: 7 indefinite"
DGS="at 2027-01-01 with test-vectors/eid/cccd-dg1.bin, cccd-dg2.bin, cccd-dg13.bin and the CSCA test-vectors/eid/csca-vn.pem"
SIGNER="signed in Python with test-vectors/eid/ds-vn.key (brainpoolP256r1, ecdsa-with-SHA512; signed attributes contentType, signingTime, messageDigest; certificates: ds-vn.pem) over the LDSSecurityObject v0 (SHA-256) of the cccd data groups"
row_eid eid/sod-python-control.sod control \
    "EF.SOD $SIGNER; SignedData v3, eContentType id-icao-mrtd-security-ldsSecurityObject: the reference the next three differ from" \
    "Passed ($DGS)" "$sod_python_control"
row_eid eid/sod-version1.sod 15a \
    "as sod-python-control.sod but SignedData version 1" \
    "refused: not a valid EF.SOD, SignedData version must be 3 ($DGS)" "$sod_version1"
row_eid eid/sod-econtent-id-data.sod 15b \
    "as sod-python-control.sod but eContentType id-data (1.2.840.113549.1.7.1) and the signed contentType attribute id-data; version kept at 3" \
    "Passed with a warning (eContentType id-data instead of id-icao-mrtd-security-ldsSecurityObject) ($DGS)" \
    "$sod_econtent_id_data"
row_eid eid/sod-ber.sod 15c \
    "as sod-python-control.sod but BER: tag 77, ContentInfo, its [0], SignedData, encapContentInfo and eContent [0] with indefinite lengths, eContent a constructed OCTET STRING of two chunks; signed attributes DER" \
    "Passed ($DGS)" "$sod_ber"

# --- 17: a Document Signer under an expired CSCA ---------------------------------------------
echo "interop: expired CSCA..."
cat >"$WORK/ca.cnf" <<EOF
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
[ csca ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ ds ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
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
run openssl ecparam -name prime256v1 -genkey -noout -out "$EID/csca-expired.key"
run openssl req -new -config "$WORK/ca.cnf" -key "$EID/csca-expired.key" \
    -subj "/C=VN/O=Kyso Test eID/CN=CSCA Test Expired" -out "$WORK/csca.csr"
run openssl ca -batch -config "$WORK/ca.cnf" -selfsign -keyfile "$EID/csca-expired.key" \
    -extensions csca -startdate 20150101000000Z -enddate 20200101000000Z -notext \
    -in "$WORK/csca.csr" -out "$EID/csca-expired.pem"
run openssl ecparam -name prime256v1 -genkey -noout -out "$EID/ds-under-expired-csca.key"
run openssl req -new -config "$WORK/ca.cnf" -key "$EID/ds-under-expired-csca.key" \
    -subj "/C=VN/O=Kyso Test eID/CN=Document Signer Under Expired CSCA" -out "$WORK/ds.csr"
run openssl ca -batch -config "$WORK/ca.cnf" -cert "$EID/csca-expired.pem" \
    -keyfile "$EID/csca-expired.key" -extensions ds -startdate 20190601000000Z \
    -enddate 20300101000000Z -notext -in "$WORK/ds.csr" -out "$EID/ds-under-expired-csca.pem"
run openssl cms -sign -binary -nodetach -in "$WORK/cccd.lds" -econtent_type "$LDS_OID" \
    -signer "$EID/ds-under-expired-csca.pem" -inkey "$EID/ds-under-expired-csca.key" -md sha256 \
    -outform DER -out "$WORK/expired.p7"
run "$PY" "$EIDV/build.py" wrap "$WORK/expired.p7" "$EID/sod-expired-csca.sod"

x_verify=$(openssl verify -attime "$EID_VT" -CAfile "$EID/csca-expired.pem" \
    "$EID/ds-under-expired-csca.pem" 2>&1 | grep -o 'error [0-9]* at [0-9] depth lookup: .*' | head -n 1 || true)
want ds-under-expired-csca.pem "$x_verify" "error 10 at 1 depth lookup: certificate has expired"
c_chain=$(openssl cms -verify -binary -inform DER -in "$WORK/expired.p7" -CAfile "$EID/csca-expired.pem" \
    -purpose any -attime "$EID_VT" -out /dev/null 2>&1 | grep -o 'Verification successful\|Verification failure\|Verify error:.*' |
    head -n 2 | flat || true)
[[ $c_chain == "Verification failure"*"certificate has expired"* ]] ||
    die "sod-expired-csca.sod: openssl cms -verify said \"$c_chain\""
c_sig=$(openssl cms -verify -noverify -binary -inform DER -in "$WORK/expired.p7" -out /dev/null 2>&1 |
    grep -o 'Verification successful\|Verification failure' | head -n 1 || true)
want sod-expired-csca.sod "$c_sig" "Verification successful"
ds_dates=$(openssl x509 -in "$EID/ds-under-expired-csca.pem" -noout -startdate -enddate | flat)
row_eid eid/csca-expired.pem 17 \
    "openssl ca -selfsign: P-256 CSCA C=VN, O=Kyso Test eID, CN=CSCA Test Expired, valid 2015-01-01 to 2020-01-01 (key csca-expired.key)" \
    "trust anchor for sod-expired-csca.sod; expired at 2027-01-01" \
    "openssl x509: $(openssl x509 -in "$EID/csca-expired.pem" -noout -startdate -enddate | flat)"
row_eid eid/ds-under-expired-csca.pem 17 \
    "openssl ca: P-256 Document Signer under csca-expired.pem, valid 2019-06-01 to 2030-01-01 (key ds-under-expired-csca.key)" \
    "not accepted under csca-expired.pem at 2027-01-01: the CSCA (index 1) has expired" \
    "openssl verify -attime 2027-01-01: $x_verify ($ds_dates)"
row_eid eid/sod-expired-csca.sod 17 \
    "openssl cms -sign -econtent_type 2.23.136.1.1.1 by ds-under-expired-csca.pem (SHA-256) over the LDSSecurityObject v0 of the cccd data groups, wrapped in tag 77" \
    "refused: Indeterminate, the CSCA expired on 2020-01-01 (at 2027-01-01 with test-vectors/eid/cccd-dg1.bin, cccd-dg2.bin, cccd-dg13.bin and the CSCA interop/eid/csca-expired.pem)" \
    "openssl cms -verify -attime 2027-01-01 -CAfile csca-expired.pem: $c_chain; with -noverify: $c_sig"

# ----------------------------------------------------------------------------------------
HEADER=$(printf 'file\tpoint\twhat\texpected\tpeer')
{
    echo "$HEADER"
    printf '%s\n' "${TSP_ROWS[@]}"
} >"$TSP/cases.tsv"
{
    echo "$HEADER"
    printf '%s\n' "${EID_ROWS[@]}"
} >"$EID/cases.tsv"
echo "interop: done, written to $TSP and $EID"
