#!/usr/bin/env bash
# Generate the interoperability CMS fixtures (interop/cms/): signatures made by
# the OpenSSL CLI and, where OpenSSL cannot write the structure wanted, by
# build_cms.py with Python's `cryptography` and `asn1crypto`. Every file is then
# checked with `openssl cms -verify` and `openssl asn1parse`, and the results go
# into cms/cases.tsv next to the verdict kyso must reach. cms/README.md explains
# each case.
#
# Usage: test-vectors/interop/gen_cms.sh OUTDIR PYTHON
#   OUTDIR  the files are written to OUTDIR/cms (test-vectors/interop for the
#           committed set)
#   PYTHON  the python binary of a virtual environment with
#           asn1crypto==1.5.1 and cryptography==50.0.2
#
# The test PKI under test-vectors/pki and test-vectors/keys is read, never
# written. Keys of the new end entities, serials and signatures are fresh on
# every run; names, dates and verdicts are fixed.
set -euo pipefail

if (($# != 2)); then
    echo "usage: gen_cms.sh OUTDIR PYTHON" >&2
    exit 2
fi

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TV=$(cd "$HERE/.." && pwd)
mkdir -p "$1/cms"
OUT=$(cd "$1/cms" && pwd)
PY=$2

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kyso-interop.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
LOG=$WORK/openssl.log

DOC=$TV/documents/cong-van.txt
ROOT=$TV/pki/root-ca.pem
INTER=$TV/pki/intermediate-ca.pem
EC_ROOT=$TV/pki/ec-root-ca.pem
EC_INTER=$TV/pki/ec-intermediate-ca.pem
EE=$TV/pki/ee-rsa2048.pem
EE_KEY=$TV/keys/ee-rsa2048.key.pem

# run CMD...: run quietly; on failure show the tail of the log and stop.
run() {
    if ! "$@" >>"$LOG" 2>&1; then
        echo "gen_cms.sh: command failed: $*" >&2
        tail -n 20 "$LOG" >&2
        exit 1
    fi
}

# A previous run's files go; nothing else in OUT is touched.
rm -f "$OUT"/*.p7s "$OUT"/*.p7m "$OUT"/*.pem "$OUT"/cases.tsv "$OUT"/README.md

# ----------------------------------------------------------------------------
# keys of the new end entities (certificates are issued by build_cms.py)
# ----------------------------------------------------------------------------
echo "keys..."
run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -pkeyopt ec_param_enc:named_curve -out "$OUT/ee-ecdsa-null-params.key.pem"
run openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$OUT/ee-rsa-spki-no-params.key.pem"
run openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$OUT/ee-sha256rsa-no-params.key.pem"
# No options: an id-RSASSA-PSS SubjectPublicKeyInfo without parameters.
run openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out "$OUT/ee-pss-spki.key.pem"
# With restrictions: RSASSA-PSS-params in the SubjectPublicKeyInfo.
run openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 \
    -pkeyopt rsa_pss_keygen_md:sha256 -pkeyopt rsa_pss_keygen_mgf1_md:sha256 \
    -pkeyopt rsa_pss_keygen_saltlen:32 -out "$OUT/ee-pss-spki-params.key.pem"
run openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 \
    -pkeyopt dsa_paramgen_q_bits:256 -out "$WORK/dsa-params.pem"
run openssl genpkey -paramfile "$WORK/dsa-params.pem" -out "$OUT/ee-dsa.key.pem"
run openssl genpkey -algorithm ED448 -out "$OUT/ee-ed448.key.pem"

echo "certificates..."
run "$PY" "$HERE/build_cms.py" certs "$TV" "$OUT" "$WORK"
for stem in ee-rsa-spki-no-params ee-sha256rsa-no-params ee-pss-spki ee-pss-spki-params ee-dsa ee-ed448; do
    run openssl verify -attime 1780272000 -CAfile "$ROOT" -untrusted "$INTER" "$OUT/$stem.pem"
done
run openssl verify -attime 1780272000 -CAfile "$EC_ROOT" -untrusted "$EC_INTER" "$OUT/ee-ecdsa-null-params.pem"

# ----------------------------------------------------------------------------
# signatures OpenSSL writes itself
# ----------------------------------------------------------------------------
echo "openssl cms signatures..."
# sign OUT SIGNER KEY [options]: openssl cms -sign over the document, DER, the
# issuing CA added to the certificates.
sign() {
    local out=$1 signer=$2 key=$3
    shift 3
    run openssl cms -sign -binary -in "$DOC" -outform DER -signer "$signer" -inkey "$key" \
        -certfile "$INTER" -out "$out" "$@"
}

sign "$OUT/ber-stream-attached.p7m" "$EE" "$EE_KEY" -stream -nodetach
# (listings are kept in variables: grep -q closing a pipe early trips pipefail)
listing=$(openssl asn1parse -inform DER -in "$OUT/ber-stream-attached.p7m")
if ! grep -q 'l=inf' <<<"$listing"; then
    echo "gen_cms.sh: ber-stream-attached.p7m has no indefinite length" >&2
    exit 1
fi
# Without -nodetach OpenSSL 3.0 still embeds the content when streaming to DER;
# build_cms.py cuts the eContent out of this one for ber-stream-detached.p7s.
sign "$WORK/stream-no-nodetach.der" "$EE" "$EE_KEY" -stream
listing=$(openssl asn1parse -inform DER -in "$WORK/stream-no-nodetach.der")
if grep -q 'l=inf *cons: *OCTET STRING' <<<"$listing"; then
    echo "note: openssl cms -sign -stream -outform DER without -nodetach embedded the content (indefinite lengths)"
else
    echo "note: openssl cms -sign -stream -outform DER without -nodetach wrote a detached signature"
fi

PSS=(-keyopt rsa_padding_mode:pss)
sign "$OUT/pss-spki.p7s" "$OUT/ee-pss-spki.pem" "$OUT/ee-pss-spki.key.pem" -md sha256 "${PSS[@]}"
sign "$OUT/pss-spki-params.p7s" "$OUT/ee-pss-spki-params.pem" "$OUT/ee-pss-spki-params.key.pem" -md sha256 "${PSS[@]}"
sign "$OUT/pss-salt20.p7s" "$EE" "$EE_KEY" -md sha256 "${PSS[@]}" -keyopt rsa_pss_saltlen:20
sign "$OUT/pss-mgf1-sha1.p7s" "$EE" "$EE_KEY" -md sha256 "${PSS[@]}" -keyopt rsa_mgf1_md:sha1 \
    -keyopt rsa_pss_saltlen:32
sign "$OUT/pss-sha512-salt64.p7s" "$EE" "$EE_KEY" -md sha512 "${PSS[@]}" -keyopt rsa_pss_saltlen:64
sign "$OUT/sha3-256-rsa.p7s" "$EE" "$EE_KEY" -md sha3-256
sign "$OUT/dsa-sha256.p7s" "$OUT/ee-dsa.pem" "$OUT/ee-dsa.key.pem" -md sha256

# ----------------------------------------------------------------------------
# the hand-made ones, then the checks
# ----------------------------------------------------------------------------
echo "hand-made signatures..."
run "$PY" "$HERE/build_cms.py" cms "$TV" "$OUT" "$WORK"

# verdict FILE DOCUMENT ANCHOR: what `openssl cms -verify` says, one line.
verdict() {
    local file=$1 document=$2 anchor=$3 ca chain content=()
    if [[ $anchor == ec ]]; then ca=$EC_ROOT chain=$EC_INTER; else ca=$ROOT chain=$INTER; fi
    [[ $file == *.p7s ]] && content=(-content "$TV/$document")
    if openssl cms -verify -binary -inform DER -in "$OUT/${file#interop/cms/}" "${content[@]}" -purpose any \
        -CAfile "$ca" -certfile "$chain" -out /dev/null >"$WORK/verify.out" 2>&1; then
        echo ok
    else
        # OpenSSL 3 error lines: <thread>:error:<code>:<library>:<function>:<reason>:<file>:<line>:
        local reasons
        reasons=$(awk -F: '$2 == "error" { print $6 }' "$WORK/verify.out" | awk '!seen[$0]++' | paste -sd ';' -)
        echo "fails: ${reasons:-$(head -n 1 "$WORK/verify.out")}"
    fi
}

# parsed FILE: whether openssl asn1parse reads it, and whether it has indefinite lengths.
parsed() {
    local listing
    if ! listing=$(openssl asn1parse -inform DER -in "$OUT/${1#interop/cms/}" 2>&1); then
        echo fails
    elif grep -q 'l=inf' <<<"$listing"; then
        echo "ok (indefinite lengths)"
    else
        echo ok
    fi
}

echo "checking..."
{
    printf 'file\tpoint\twhat\texpected\tdocument\tsigner\topenssl_cms_verify\tanchor\tasn1parse\n'
    while IFS=$'\t' read -r file point what expected document signer anchor note; do
        said=$(verdict "$file" "$document" "$anchor")
        # What other OpenSSL checks said of parts `cms -verify` does not examine.
        [[ $note != - ]] && said="$said; $note"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$file" "$point" "$what" "$expected" \
            "$document" "$signer" "$said" "$anchor" "$(parsed "$file")"
    done <"$WORK/cases.in"
} >"$OUT/cases.tsv"

# Every file of the set is in the table, and the other way round.
listed=$(cut -f1 "$OUT/cases.tsv" | tail -n +2 | sed 's|^interop/cms/||' | sort)
present=$(cd "$OUT" && ls -1 -- *.p7s *.p7m | sort)
if [[ $listed != "$present" ]]; then
    echo "gen_cms.sh: cases.tsv and the files written disagree" >&2
    diff <(echo "$listed") <(echo "$present") >&2 || true
    exit 1
fi

cut -f1,4 "$OUT/cases.tsv" | tail -n +2
echo "done: $(tail -n +2 "$OUT/cases.tsv" | wc -l) fixtures in $OUT"
