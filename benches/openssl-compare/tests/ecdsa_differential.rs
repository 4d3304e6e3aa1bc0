//! kyso's prime-field ECDSA verifier against OpenSSL's, on fresh random keys, messages and
//! signatures for every curve and hash kyso verifies itself (brainpoolP256r1/384r1/512r1
//! named and with explicit parameters, P-521, and P-256/P-384 with the hashes ring lacks),
//! valid and invalid: every verdict must be OpenSSL's.
//!
//! The invalid cases: a flipped bit of the signature or of the message, another key, r or
//! s replaced by 0, n, n + 1, a random value or the other's value, and the same (r, s) in
//! the plain r‖s format of BSI TR-03111. s replaced by n − s is valid for both (ECDSA does
//! not forbid it). Keys whose point is off the curve are refused by both when parsed.
//!
//! `cargo test --release -p kyso-bench` (a debug build works too, slower).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use kyso::digest::DigestAlgorithm;
use kyso::key::{AlgorithmPolicy, KeyType, PublicKey, SignatureAlgorithm};
use openssl::bn::{BigNum, BigNumContext, BigNumRef};
use openssl::ec::{Asn1Flag, EcGroup, EcKey, EcPoint, PointConversionForm};
use openssl::ecdsa::EcdsaSig;
use openssl::hash::{MessageDigest, hash};
use openssl::nid::Nid;
use openssl::pkey::{PKey, Public};

fn random(len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    openssl::rand::rand_bytes(&mut out).unwrap();
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

struct Case<'a> {
    curve: &'a str,
    alg: SignatureAlgorithm,
    md: MessageDigest,
}

/// OpenSSL's verdict on a DER signature over the message's hash.
fn openssl_verdict(key: &EcKey<Public>, md: MessageDigest, message: &[u8], sig: &[u8]) -> bool {
    let Ok(sig) = EcdsaSig::from_der(sig) else {
        return false;
    };
    // OpenSSL accepts only a signature whose DER it re-encodes byte for byte.
    let digest = hash(md, message).unwrap();
    sig.verify(&digest, key).unwrap_or(false)
}

fn der_strict(sig: &[u8]) -> bool {
    EcdsaSig::from_der(sig).is_ok_and(|s| s.to_der().is_ok_and(|d| d == sig))
}

#[test]
fn ecdsa_verdicts_match_openssl() {
    // SHA-1 and explicit parameters as ICAO 9303 documents need them.
    let sha1 = AlgorithmPolicy::default()
        .allow_sha1_for_legacy_use_only()
        .accept_explicit_curve_parameters();
    let curves = [
        (
            "brainpoolP256r1",
            Nid::BRAINPOOL_P256R1,
            KeyType::EcBrainpoolP256r1,
        ),
        (
            "brainpoolP384r1",
            Nid::BRAINPOOL_P384R1,
            KeyType::EcBrainpoolP384r1,
        ),
        (
            "brainpoolP512r1",
            Nid::BRAINPOOL_P512R1,
            KeyType::EcBrainpoolP512r1,
        ),
        ("P-521", Nid::SECP521R1, KeyType::EcP521),
        ("P-256", Nid::X9_62_PRIME256V1, KeyType::EcP256),
        ("P-384", Nid::SECP384R1, KeyType::EcP384),
    ];
    let hashes = [
        (DigestAlgorithm::Sha1, MessageDigest::sha1()),
        (DigestAlgorithm::Sha256, MessageDigest::sha256()),
        (DigestAlgorithm::Sha384, MessageDigest::sha384()),
        (DigestAlgorithm::Sha512, MessageDigest::sha512()),
        (DigestAlgorithm::Sha3_256, MessageDigest::sha3_256()),
        (DigestAlgorithm::Sha3_512, MessageDigest::sha3_512()),
    ];
    let mut ctx = BigNumContext::new().unwrap();
    let (mut compared, mut accepted) = (0usize, 0usize);
    for (name, nid, key_type) in curves {
        let mut group = EcGroup::from_curve_name(nid).unwrap();
        let mut order = BigNum::new().unwrap();
        group.order(&mut order, &mut ctx).unwrap();
        let field_len = group.degree().div_ceil(8) as usize;
        let keys: Vec<EcKey<openssl::pkey::Private>> =
            (0..3).map(|_| EcKey::generate(&group).unwrap()).collect();
        // Each key's public half as kyso and OpenSSL read it: named, and (for the brainpool
        // curves, as chips write them) with explicit parameters.
        let mut publics = Vec::new();
        for key in &keys {
            let mut encodings = vec![false];
            if name.starts_with("brainpool") {
                encodings.push(true);
            }
            for explicit in encodings {
                group.set_asn1_flag(if explicit {
                    Asn1Flag::EXPLICIT_CURVE
                } else {
                    Asn1Flag::NAMED_CURVE
                });
                let public = EcKey::from_public_key(&group, key.public_key()).unwrap();
                let spki = PKey::from_ec_key(public.clone())
                    .unwrap()
                    .public_key_to_der()
                    .unwrap();
                let kyso_key = PublicKey::from_spki_der(&spki)
                    .unwrap_or_else(|e| panic!("{name} explicit={explicit}: {e}"));
                assert_eq!(kyso_key.has_explicit_curve(), explicit, "{name}");
                publics.push((public, kyso_key));
            }
        }
        group.set_asn1_flag(Asn1Flag::NAMED_CURVE);
        for (digest, md) in hashes {
            // P-256 and P-384 with SHA-256 or SHA-384 are ring's; kyso's own verifier takes
            // the other hashes.
            if matches!(key_type, KeyType::EcP256 | KeyType::EcP384)
                && matches!(digest, DigestAlgorithm::Sha256 | DigestAlgorithm::Sha384)
            {
                continue;
            }
            let case = Case {
                curve: name,
                alg: SignatureAlgorithm::Ecdsa {
                    key: key_type,
                    digest,
                },
                md,
            };
            let plain = SignatureAlgorithm::EcdsaPlain {
                key: key_type,
                digest,
            };
            for (k, key) in keys.iter().enumerate() {
                for round in 0..4 {
                    let len = usize::from(random(1)[0]) + round * 300;
                    let message = random(len);
                    let digest_bytes = hash(md, &message).unwrap();
                    let sig = EcdsaSig::sign(&digest_bytes, key).unwrap();
                    let der = sig.to_der().unwrap();
                    let (r, s) = (sig.r().to_owned().unwrap(), sig.s().to_owned().unwrap());
                    let mut candidates: Vec<(String, Vec<u8>, Vec<u8>)> =
                        vec![("valid".into(), message.clone(), der.clone())];
                    let mut flipped_sig = der.clone();
                    let bit = usize::from(random(2)[0]) % (8 * der.len());
                    flipped_sig[bit / 8] ^= 1 << (bit % 8);
                    candidates.push(("sig bit".into(), message.clone(), flipped_sig));
                    let mut flipped_msg = message.clone();
                    if flipped_msg.is_empty() {
                        flipped_msg.push(0);
                    } else {
                        flipped_msg[0] ^= 0x80;
                    }
                    candidates.push(("message bit".into(), flipped_msg, der.clone()));
                    let mut n_minus_s = BigNum::new().unwrap();
                    n_minus_s.checked_sub(&order, &s).unwrap();
                    let n_plus_1 = {
                        let mut v = BigNum::new().unwrap();
                        v.checked_add(&order, &BigNum::from_u32(1).unwrap())
                            .unwrap();
                        v
                    };
                    let random_below_n = {
                        let mut v = BigNum::new().unwrap();
                        order.rand_range(&mut v).unwrap();
                        v
                    };
                    for (label, rr, ss) in [
                        ("s = n - s", &r, &n_minus_s),
                        ("r = 0", &BigNum::new().unwrap(), &s),
                        ("s = 0", &r, &BigNum::new().unwrap()),
                        ("r = n", &order, &s),
                        ("s = n", &r, &order),
                        ("r = n + 1", &n_plus_1, &s),
                        ("s random", &r, &random_below_n),
                        ("r, s swapped", &s, &r),
                    ] {
                        let Ok(v) = EcdsaSig::from_private_components(
                            BigNumRef::to_owned(rr).unwrap(),
                            BigNumRef::to_owned(ss).unwrap(),
                        ) else {
                            continue;
                        };
                        if let Ok(d) = v.to_der() {
                            candidates.push((label.into(), message.clone(), d));
                        }
                    }
                    for (p, (o_key, kyso_key)) in publics.iter().enumerate() {
                        for (label, msg, sig) in &candidates {
                            let theirs = openssl_verdict(o_key, case.md, msg, sig);
                            let result = kyso_key.verify(case.alg, msg, sig, &sha1);
                            let ours = result.is_ok();
                            assert_eq!(
                                ours,
                                theirs,
                                "{} {:?} key {p} (signed by key {k}) {label}: kyso {result:?}, OpenSSL {theirs}\nspki {}\nmessage {}\nsignature {}",
                                case.curve,
                                case.alg,
                                hex(kyso_key.spki_der()),
                                hex(msg),
                                hex(sig)
                            );
                            if theirs {
                                assert!(der_strict(sig));
                            }
                            compared += 1;
                            accepted += usize::from(ours);
                        }
                        // The plain format: the same integers, each the field's length.
                        let plain_sig = [
                            r.to_vec_padded(field_len as i32).unwrap(),
                            s.to_vec_padded(field_len as i32).unwrap(),
                        ]
                        .concat();
                        let theirs = openssl_verdict(o_key, case.md, &message, &der);
                        let ours = kyso_key.verify(plain, &message, &plain_sig, &sha1).is_ok();
                        assert_eq!(ours, theirs, "{} plain key {p}", case.curve);
                        compared += 1;
                        accepted += usize::from(ours);
                    }
                }
            }
        }
        // Points off the curve: refused by both when the key is read.
        for _ in 0..8 {
            let mut bytes = vec![4u8];
            bytes.extend(random(2 * field_len));
            let o = EcPoint::from_bytes(&group, &bytes, &mut ctx).is_ok();
            let generator_spki =
                PKey::from_ec_key(EcKey::from_public_key(&group, keys[0].public_key()).unwrap())
                    .unwrap()
                    .public_key_to_der()
                    .unwrap();
            let point = keys[0]
                .public_key()
                .to_bytes(&group, PointConversionForm::UNCOMPRESSED, &mut ctx)
                .unwrap();
            let at = generator_spki.len() - point.len();
            let mut spki = generator_spki[..at].to_vec();
            spki.extend(&bytes);
            let k = match PublicKey::from_spki_der(&spki) {
                // ring checks P-256 and P-384 points when it verifies, and kyso's verifier
                // (for the hashes ring lacks) when it decodes the point.
                Ok(key) if matches!(key_type, KeyType::EcP256 | KeyType::EcP384) => {
                    let message = b"off the curve";
                    let d = hash(MessageDigest::sha512(), message).unwrap();
                    let sig = EcdsaSig::sign(&d, &keys[0]).unwrap().to_der().unwrap();
                    let alg = SignatureAlgorithm::Ecdsa {
                        key: key_type,
                        digest: DigestAlgorithm::Sha512,
                    };
                    key.verify(alg, message, &sig, &sha1).is_ok()
                }
                Ok(_) => true,
                Err(_) => false,
            };
            assert_eq!(k, o, "{name}: off-curve point {}", hex(&bytes));
            compared += 1;
        }
    }
    println!("{compared} verdicts compared with OpenSSL, {accepted} of them acceptances");
    assert!(compared > 5000 && accepted > 400, "{compared} {accepted}");
}
