#!/usr/bin/env bash
# Copies the test vectors into each fuzz target's corpus folder (fuzz/corpus/<target>, which
# git ignores), so that fuzzing starts from real certificates, bundles and keys.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
vectors="$here/../test-vectors"
for target in certificate_der certificate_differential pem_bundle private_key path_validation cms_verify crl ocsp_response timestamp mrz dg13 sod time_stamped_data public_key_verify pdf xml; do
  mkdir -p "$here/corpus/$target"
done
# DER certificates: the .der files, and the DER inside every PEM certificate.
for f in "$vectors"/pki/*.der; do cp "$f" "$here/corpus/certificate_der/"; done
# PKITS certificates, when the shared data is beside the checkout.
pkits_certs="${KYSO_PKITS_DIR:-$here/../../shared/vectors/pkits}/certs"
if [ -d "$pkits_certs" ]; then
  for f in "$pkits_certs"/*.crt; do cp "$f" "$here/corpus/certificate_der/"; done
fi
for f in "$vectors"/pki/*.pem "$vectors"/bad/*.pem; do
  openssl x509 -in "$f" -outform DER -out "$here/corpus/certificate_der/$(basename "$f" .pem).der" 2>/dev/null || true
  cp "$f" "$here/corpus/pem_bundle/"
  cp "$f" "$here/corpus/path_validation/"
done
for f in "$vectors"/keys/* "$vectors"/bad/keys/*; do cp "$f" "$here/corpus/private_key/"; done
for f in "$vectors"/cms/*; do cp "$f" "$here/corpus/cms_verify/"; done
# Signatures, tokens and SODs from other producers (BER, PSS, SHA-3, DSA, counter-signatures).
for f in "$vectors"/interop/cms/*.p7[ms]; do cp "$f" "$here/corpus/cms_verify/"; done
for f in "$vectors"/interop/tsp/*.tsd; do cp "$f" "$here/corpus/time_stamped_data/"; done
for f in "$vectors"/interop/tsp/*.ts[rt]; do cp "$f" "$here/corpus/timestamp/"; done
for f in "$vectors"/interop/tsp/ocsp-*.der; do cp "$f" "$here/corpus/ocsp_response/"; done
for f in "$vectors"/interop/eid/*.sod; do cp "$f" "$here/corpus/sod/"; done
# XML: the canonicalization inputs and the signed e-invoices with their attacks.
for f in "$vectors"/xml/c14n/input/*.xml "$vectors"/xml/einvoice/signed/*.xml; do
  cp "$f" "$here/corpus/xml/"
done
# Signed PDFs from pyHanko and the attack shapes built on them.
for f in "$vectors"/pdf/*.pdf; do cp "$f" "$here/corpus/pdf/"; done
# Public keys of every type kyso reads (RSA, id-RSASSA-PSS, DSA, EC, Ed25519), each with a
# signature-sized value and a message: [length][SubjectPublicKeyInfo][length][value][message].
for f in "$vectors"/pki/ee-*.pem "$vectors"/interop/cms/ee-*.pem; do
  case "$f" in *.key.pem) continue ;; esac
  openssl x509 -in "$f" -noout -pubkey 2>/dev/null | openssl pkey -pubin -outform DER 2>/dev/null \
    | python3 -c 'import sys; k = sys.stdin.buffer.read(); s = bytes(256); sys.stdout.buffer.write(len(k).to_bytes(2, "big") + k + len(s).to_bytes(2, "big") + s + b"message")' \
    > "$here/corpus/public_key_verify/$(basename "$f" .pem).bin" || true
done
tmp_ec=$(mktemp -u)
# Valid ECDSA signatures (SHA3-256, the hash the target tries) on the curves kyso verifies
# itself, named and with explicit parameters, from fresh OpenSSL keys.
for curve in brainpoolP256r1 brainpoolP384r1 brainpoolP512r1 secp521r1; do
  openssl ecparam -name "$curve" -genkey -noout -out "$tmp_ec.key" 2>/dev/null
  printf 'message' > "$tmp_ec.msg"
  openssl dgst -sha3-256 -sign "$tmp_ec.key" -out "$tmp_ec.sig" "$tmp_ec.msg"
  for form in named_curve explicit; do
    openssl ec -in "$tmp_ec.key" -pubout -outform DER -param_enc "$form" -out "$tmp_ec.spki" 2>/dev/null
    python3 -c 'import sys; k, s, m = (open(f, "rb").read() for f in sys.argv[1:4]); sys.stdout.buffer.write(len(k).to_bytes(2, "big") + k + len(s).to_bytes(2, "big") + s + m)' \
      "$tmp_ec.spki" "$tmp_ec.sig" "$tmp_ec.msg" > "$here/corpus/public_key_verify/ecdsa-$curve-$form.bin"
  done
done
rm -f "$tmp_ec".*
# CRLs: NIST PKITS's, when the shared data is beside the checkout.
pkits="${KYSO_PKITS_DIR:-$here/../../shared/vectors/pkits}"
if [ -d "$pkits/crls" ]; then
  for f in "$pkits"/crls/*.crl; do cp "$f" "$here/corpus/crl/"; done
fi
# CRLs and timestamps of the committed revocation set.
for f in "$vectors"/revocation/*.crl.der; do cp "$f" "$here/corpus/crl/"; done
cp "$vectors/revocation/cong-van.tsr" "$here/corpus/timestamp/"
# MRZ: the ICAO 9303 specimens (TD3 and TD1).
printf 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n' > "$here/corpus/mrz/td3.txt"
printf 'I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<\n' > "$here/corpus/mrz/td1.txt"
# EF.SOD and chip data groups of the synthetic eID set.
for f in "$vectors"/eid/*.sod; do cp "$f" "$here/corpus/sod/"; done
for f in "$vectors"/eid/*dg1.bin; do cp "$f" "$here/corpus/mrz/"; done
for f in "$vectors"/eid/*dg13*.bin; do cp "$f" "$here/corpus/dg13/"; done
# DG13: a small CCCD-like structure (field 1, the ID number).
printf '\x6d\x13\x30\x11\x02\x01\x01\x0c\x0c001099012345' > "$here/corpus/dg13/id.bin"
# OCSP responses: one good answer from openssl ocsp over the test PKI.
tmp=$(mktemp -d)
serial=$(openssl x509 -in "$vectors/pki/ee-rsa2048.pem" -noout -serial | cut -d= -f2)
printf 'V\t450101000000Z\t\t%s\tunknown\t/CN=good\n' "$serial" > "$tmp/index.txt"
openssl ocsp -issuer "$vectors/pki/intermediate-ca.pem" -cert "$vectors/pki/ee-rsa2048.pem" -reqout "$tmp/req.der" >/dev/null 2>&1 || true
openssl ocsp -index "$tmp/index.txt" -CA "$vectors/pki/intermediate-ca.pem" -rsigner "$vectors/pki/intermediate-ca.pem" \
  -rkey "$vectors/keys/intermediate-ca.key.pem" -reqin "$tmp/req.der" -respout "$here/corpus/ocsp_response/good.der" >/dev/null 2>&1 || true
rm -rf "$tmp"
# The differential target starts from the same certificates as certificate_der.
cp "$here"/corpus/certificate_der/* "$here/corpus/certificate_differential/"
echo "seeded $(find "$here/corpus" -type f | wc -l) files"
