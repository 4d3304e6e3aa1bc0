//! Software keys in every supported form: they load, sign, and their signatures verify both
//! with kyso and with the public key in the matching certificate (made by OpenSSL).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

mod common;

use common::{cert, read, vector_path};
use kyso::digest::{DigestAlgorithm, digest};
use kyso::error::{EncodingError, KeyError, SignatureError, SigningError};
use kyso::key::{AlgorithmPolicy, SignatureAlgorithm};
use kyso::{Error, Signer, SoftwareSigner};

const PASSWORD: &[u8] = b"kyso-test";

fn assert_signs_for(signer: &SoftwareSigner, cert_path: &str) {
    let c = cert(cert_path);
    assert_eq!(
        signer.public_key_info().spki_der(),
        c.spki_der(),
        "{cert_path}"
    );
    let msg = "Quyết định số 123/QĐ-UBND".as_bytes();
    let sig = signer.sign(msg).unwrap();
    let key = c.public_key().unwrap();
    key.verify(signer.algorithm(), msg, &sig, &AlgorithmPolicy::default())
        .unwrap();
    assert_eq!(
        key.verify(
            signer.algorithm(),
            b"another message",
            &sig,
            &AlgorithmPolicy::default()
        ),
        Err(Error::Signature(SignatureError::InvalidSignature))
    );
}

#[test]
fn pkcs8_keys_of_every_type() {
    for (key, cert_path, alg) in [
        (
            "keys/ee-rsa2048.key.pem",
            "pki/ee-rsa2048.pem",
            SignatureAlgorithm::RsaPkcs1Sha256,
        ),
        (
            "keys/ee-rsa4096.key.pem",
            "pki/ee-rsa4096.pem",
            SignatureAlgorithm::RsaPkcs1Sha256,
        ),
        (
            "keys/ee-ecdsa-p256.key.pem",
            "pki/ee-ecdsa-p256.pem",
            SignatureAlgorithm::EcdsaP256Sha256,
        ),
        (
            "keys/ee-ecdsa-p384.key.pem",
            "pki/ee-ecdsa-p384.pem",
            SignatureAlgorithm::EcdsaP384Sha384,
        ),
        (
            "keys/ee-ed25519.key.pem",
            "pki/ee-ed25519.pem",
            SignatureAlgorithm::Ed25519,
        ),
    ] {
        let signer = SoftwareSigner::from_pem(&read(key), None).unwrap();
        assert_eq!(signer.algorithm(), alg, "{key}");
        assert_signs_for(&signer, cert_path);
    }
}

#[test]
fn rsa_hashes_and_pss() {
    for alg in [
        SignatureAlgorithm::RsaPkcs1Sha384,
        SignatureAlgorithm::RsaPkcs1Sha512,
        SignatureAlgorithm::RsaPssSha256,
        SignatureAlgorithm::RsaPssSha384,
        SignatureAlgorithm::RsaPssSha512,
    ] {
        let signer = SoftwareSigner::from_pem(&read("keys/ee-rsa2048.key.pem"), None)
            .unwrap()
            .with_algorithm(alg)
            .unwrap();
        assert_signs_for(&signer, "pki/ee-rsa2048.pem");
    }
}

#[test]
fn der_pkcs1_sec1_forms() {
    let rsa_der = SoftwareSigner::from_der(&read("keys/ee-rsa2048.key.der"), None).unwrap();
    assert_signs_for(&rsa_der, "pki/ee-rsa2048.pem");
    let pkcs1 = SoftwareSigner::from_pem(&read("keys/ee-rsa2048.pkcs1.pem"), None).unwrap();
    assert_signs_for(&pkcs1, "pki/ee-rsa2048.pem");
    let sec1 = SoftwareSigner::from_pem(&read("keys/ee-ecdsa-p256.sec1.pem"), None).unwrap();
    assert_signs_for(&sec1, "pki/ee-ecdsa-p256.pem");
    let sec1_der = SoftwareSigner::from_der(&read("keys/ee-ecdsa-p256.sec1.der"), None).unwrap();
    assert_signs_for(&sec1_der, "pki/ee-ecdsa-p256.pem");
    let from_file =
        SoftwareSigner::from_file(vector_path("keys/ee-ecdsa-p256.sec1.der"), None).unwrap();
    assert_signs_for(&from_file, "pki/ee-ecdsa-p256.pem");
}

#[test]
fn encrypted_pkcs8() {
    for (key, cert_path) in [
        ("keys/ee-rsa3072.enc.key.pem", "pki/ee-rsa3072.pem"),
        ("keys/ee-ecdsa-p256.enc.key.pem", "pki/ee-ecdsa-p256.pem"),
        ("keys/ee-ed25519.enc.key.pem", "pki/ee-ed25519.pem"),
    ] {
        let signer = SoftwareSigner::from_pem(&read(key), Some(PASSWORD)).unwrap();
        assert_signs_for(&signer, cert_path);
        assert_eq!(
            SoftwareSigner::from_pem(&read(key), None).unwrap_err(),
            Error::Key(KeyError::PasswordRequired)
        );
        for wrong in [
            &b"kyso-tesT"[..],
            b"",
            b"a much longer wrong password than the real one",
        ] {
            assert_eq!(
                SoftwareSigner::from_pem(&read(key), Some(wrong)).unwrap_err(),
                Error::Key(KeyError::WrongPassword),
                "{key}"
            );
        }
    }
}

#[test]
fn bad_key_input_gets_specific_errors() {
    // A certificate where a key is expected.
    assert!(matches!(
        SoftwareSigner::from_pem(&read("pki/ee-rsa2048.pem"), None),
        Err(Error::Encoding(EncodingError::Malformed { .. }))
    ));
    // A public key.
    let r = SoftwareSigner::from_pem(&read("keys/ee-rsa2048.pub.pem"), None);
    assert!(
        matches!(
            r,
            Err(kyso::Error::Encoding(EncodingError::Malformed {
                object: kyso::error::Object::PrivateKey,
                ..
            }))
        ),
        "{r:?}"
    );
    // Garbage and truncations of a real key: errors, never panics.
    let der = read("keys/ee-rsa2048.key.der");
    for len in 0..der.len() {
        assert!(
            matches!(
                SoftwareSigner::from_der(&der[..len], None),
                Err(kyso::Error::Encoding(EncodingError::Malformed {
                    object: kyso::error::Object::PrivateKey,
                    ..
                }))
            ),
            "{len}"
        );
    }
    let enc = read("keys/ee-rsa3072.enc.key.pem");
    let text = String::from_utf8(enc).unwrap();
    let body_start = text.find('\n').unwrap() + 1;
    let mut damaged = text.clone().into_bytes();
    damaged[body_start + 100] = if damaged[body_start + 100] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let r = SoftwareSigner::from_pem(&damaged, Some(PASSWORD));
    assert!(
        matches!(
            r,
            Err(kyso::Error::Encoding(EncodingError::Malformed {
                object: kyso::error::Object::PrivateKey,
                ..
            }))
        ),
        "{r:?}"
    );
    assert!(matches!(
        SoftwareSigner::from_der(b"", None),
        Err(Error::Encoding(EncodingError::Malformed { .. }))
    ));
    // Legacy OpenSSL encryption is named as such.
    let legacy = b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
    assert!(matches!(
        SoftwareSigner::from_pem(legacy, Some(PASSWORD)),
        Err(Error::Encoding(EncodingError::Malformed {
            reason: kyso::error::Malformed::LegacyEncryptedPem,
            ..
        }))
    ));
}

#[test]
fn algorithm_choices_are_checked() {
    let ec = SoftwareSigner::from_pem(&read("keys/ee-ecdsa-p256.key.pem"), None).unwrap();
    assert!(matches!(
        ec.with_algorithm(SignatureAlgorithm::RsaPkcs1Sha256),
        Err(Error::Signature(
            SignatureError::AlgorithmKeyMismatch { .. }
        ))
    ));
    let rsa = SoftwareSigner::from_pem(&read("keys/ee-rsa2048.key.pem"), None).unwrap();
    assert!(matches!(
        rsa.with_algorithm(SignatureAlgorithm::RsaPkcs1Sha1ForLegacyUseOnly),
        Err(Error::Signature(SignatureError::AlgorithmNotAllowed { .. }))
    ));
    // Software keys sign messages; digest signing is for tokens and remote services.
    let rsa = SoftwareSigner::from_pem(&read("keys/ee-rsa2048.key.pem"), None).unwrap();
    assert!(!rsa.supports_digest_signing());
    assert!(matches!(
        rsa.sign_digest(&digest(DigestAlgorithm::Sha256, b"x")),
        Err(Error::Signing(
            SigningError::DigestSigningUnsupported { .. }
        ))
    ));
}

/// A signer that only signs digests, the shape of a remote signing service: `sign_by_digest`
/// gives it `sign`.
#[test]
fn digest_only_signers_fit_the_trait() {
    struct Remote(SoftwareSigner);
    impl Signer for Remote {
        fn algorithm(&self) -> SignatureAlgorithm {
            SignatureAlgorithm::Ed25519
        }
        fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
            kyso::key::sign_by_digest(self, message)
        }
        fn sign_digest(&self, digest: &kyso::digest::Digest) -> Result<Vec<u8>, Error> {
            kyso::key::check_digest_for(self.algorithm(), digest)?;
            self.0.sign(digest.as_bytes())
        }
    }
    let remote = Remote(SoftwareSigner::from_pem(&read("keys/ee-ed25519.key.pem"), None).unwrap());
    // Ed25519 has no separate hash: a digest-only signer cannot serve it, and says so.
    assert!(matches!(
        remote.sign(b"x"),
        Err(Error::Signing(
            SigningError::DigestSigningUnsupported { .. }
        ))
    ));
    assert!(matches!(
        kyso::key::check_digest_for(
            SignatureAlgorithm::RsaPkcs1Sha256,
            &digest(DigestAlgorithm::Sha384, b"x")
        ),
        Err(Error::Signing(SigningError::DigestAlgorithmMismatch { .. }))
    ));
    assert!(
        kyso::key::check_digest_for(
            SignatureAlgorithm::RsaPkcs1Sha256,
            &digest(DigestAlgorithm::Sha256, b"x")
        )
        .is_ok()
    );
}
