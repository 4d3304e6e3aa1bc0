//! RFC 3161 timestamps: kyso's requests answered by `openssl ts -reply` as the TSA (from
//! request and response files), with a TSA certificate issued by the test PKI's signing CA.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use kyso::error::{EncodingError, PathError, TimestampError};
use std::path::PathBuf;

use common::{cert, openssl_available, vector_path};
use kyso::cms::TimeStampToken;
use kyso::digest::{DigestAlgorithm, digest};
use kyso::key::AlgorithmPolicy;
use kyso::tsp::TimeStampRequest;
use kyso::{Error, TrustStore};

struct Tsa {
    dir: PathBuf,
}

impl Tsa {
    /// A TSA whose certificate has `eku` as its extendedKeyUsage line.
    fn new(name: &str, eku: &str) -> Tsa {
        let dir = std::env::temp_dir().join(format!("kyso-tsa-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let t = Tsa { dir };
        common::issue_from_signing_ca(
            &t.dir,
            "tsa",
            "/C=VN/O=Kyso Test PKI/CN=Kyso Test TSA",
            &format!("keyUsage = critical,digitalSignature\n{eku}"),
        );
        let chain = [
            std::fs::read_to_string(t.dir.join("tsa.pem")).unwrap(),
            std::fs::read_to_string(vector_path("pki/intermediate-ca.pem")).unwrap(),
        ]
        .concat();
        std::fs::write(t.dir.join("chain.pem"), chain).unwrap();
        std::fs::write(t.dir.join("serial"), "01\n").unwrap();
        std::fs::write(
            t.dir.join("ts.cnf"),
            "[tsa]\ndefault_tsa = tsa_config\n[tsa_config]\ndir = .\nserial = ./serial\nsigner_cert = ./tsa.pem\ncerts = ./chain.pem\nsigner_key = ./tsa.key\nsigner_digest = sha256\ndefault_policy = 1.3.6.1.4.1.55555.3.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1, millisecs:500\nordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
        )
        .unwrap();
        t
    }

    fn run(&self, args: &[&str]) {
        common::openssl(&self.dir, args);
    }

    fn reply(&self, request: &TimeStampRequest) -> Vec<u8> {
        std::fs::write(self.dir.join("req.tsq"), request.der()).unwrap();
        self.run(&[
            "ts",
            "-reply",
            "-config",
            "ts.cnf",
            "-queryfile",
            "req.tsq",
            "-out",
            "resp.tsr",
        ]);
        std::fs::read(self.dir.join("resp.tsr")).unwrap()
    }
}

impl Drop for Tsa {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn anchors() -> TrustStore {
    TrustStore::from_certificates([cert("pki/root-ca.pem")])
}

#[test]
fn tokens_from_openssl_verify() {
    if !openssl_available() {
        return;
    }
    let tsa = Tsa::new("good", "extendedKeyUsage = critical,timeStamping");
    let imprint = digest(DigestAlgorithm::Sha256, b"signature value to stamp");
    let nonce = [0x81, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];
    let req = TimeStampRequest::new(&imprint, Some(&nonce), true, None).unwrap();
    let resp = tsa.reply(&req);
    let token = TimeStampToken::from_response_der(&resp).unwrap();
    let info = token
        .verify(
            &anchors(),
            &imprint,
            Some(&nonce),
            &AlgorithmPolicy::default(),
        )
        .unwrap();
    let now = kyso::Time::now().unix();
    assert!(
        (info.gen_time.unix() - now).abs() < 300,
        "{:?}",
        info.gen_time
    );
    assert_eq!(info.accuracy_micros, Some(1_500_000));
    assert_eq!(info.policy.to_string(), "1.3.6.1.4.1.55555.3.1");
    assert!(info.report.is_passed());

    // Another imprint, another nonce, another anchor: each refused, specifically.
    let other = digest(DigestAlgorithm::Sha256, b"something else");
    assert_eq!(
        token
            .verify(
                &anchors(),
                &other,
                Some(&nonce),
                &AlgorithmPolicy::default()
            )
            .err(),
        Some(Error::Timestamp(TimestampError::ImprintMismatch))
    );
    assert_eq!(
        token
            .verify(
                &anchors(),
                &imprint,
                Some(&[9, 9]),
                &AlgorithmPolicy::default()
            )
            .err(),
        Some(Error::Timestamp(TimestampError::NonceMismatch))
    );
    let ec = TrustStore::from_certificates([cert("pki/ec-root-ca.pem")]);
    assert!(matches!(
        token.verify(&ec, &imprint, Some(&nonce), &AlgorithmPolicy::default()),
        Err(Error::Timestamp(TimestampError::Signature { .. }))
    ));
    // Truncations and garbage: errors, never panics.
    for len in (0..resp.len()).step_by(11) {
        let r = TimeStampToken::from_response_der(&resp[..len]);
        assert!(
            matches!(
                r,
                Err(kyso::Error::Encoding(EncodingError::Malformed {
                    object: kyso::error::Object::TimeStamp,
                    ..
                }))
            ),
            "{len}: {r:?}"
        );
    }
    let r = TimeStampToken::from_response_der(b"garbage");
    assert!(
        matches!(
            r,
            Err(kyso::Error::Encoding(EncodingError::Malformed {
                object: kyso::error::Object::TimeStamp,
                ..
            }))
        ),
        "{r:?}"
    );
    // A rejection: PKIStatusInfo { status 2 }.
    assert_eq!(
        TimeStampToken::from_response_der(&[0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02]).err(),
        Some(Error::Timestamp(TimestampError::Refused { status: 2 }))
    );
}

/// RFC 3161 section 2.3: the TSA certificate's extendedKeyUsage must be critical and only
/// id-kp-timeStamping. OpenSSL will not sign a token with any other certificate, so the check
/// that token verification relies on (the timestamping purpose) is exercised on the
/// certificates themselves.
#[test]
fn tsa_certificate_needs_the_critical_eku() {
    if !openssl_available() {
        return;
    }
    use kyso::{Certificate, KeyPurpose, PathValidator};
    let chain = [cert("pki/intermediate-ca.pem")];
    for (name, eku, ok) in [
        ("critical", "extendedKeyUsage = critical,timeStamping", true),
        ("noncritical", "extendedKeyUsage = timeStamping", false),
        (
            "extra",
            "extendedKeyUsage = critical,timeStamping,clientAuth",
            false,
        ),
        ("none", "", false),
    ] {
        let tsa = Tsa::new(name, eku);
        let tsa_cert = Certificate::from_file(tsa.dir.join("tsa.pem"))
            .unwrap()
            .remove(0);
        let a = anchors();
        let result = PathValidator::new(
            &kyso::TrustContext::new(&a, kyso::Revocation::NotChecked),
            kyso::Time::now(),
        )
        .purpose(KeyPurpose::TimeStamping)
        .validate(&tsa_cert, &chain);
        if ok {
            assert!(result.is_ok(), "{name}: {result:?}");
        } else {
            assert!(
                matches!(
                    result,
                    Err(Error::Path {
                        reason: PathError::ExtendedKeyUsageNotAllowed {
                            purpose: KeyPurpose::TimeStamping,
                            ..
                        },
                        ..
                    })
                ),
                "{name}: {result:?}"
            );
        }
    }
}
