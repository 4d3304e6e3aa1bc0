//! The committed revocation set of test-vectors/revocation/ (made by generate.sh and
//! cross-checked there with `openssl verify -crl_check_all`): CRLs with fixed dates around
//! the validation time, the CA database answered by `openssl ocsp` through the committed
//! delegated responder, and a timestamp response made by `openssl ts`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use kyso::error::{PathError, RevocationError, TimestampError};
use std::process::Command;

use common::{cert, openssl_available, read, validation_time, vector_path};
use kyso::cms::TimeStampToken;
use kyso::digest::{DigestAlgorithm, digest};
use kyso::key::AlgorithmPolicy;
use kyso::revocation::{
    Crl, CrlStatus, Evidence, OcspCheck, OcspRequest, OcspResponse, OcspStatus, RevocationOutcome,
    RevocationReason,
};
use kyso::{CrlStore, Error, PathValidator, Time, TrustStore};

fn crl(rel: &str) -> Crl {
    Crl::from_file(vector_path(rel)).unwrap()
}

fn anchors() -> TrustStore {
    TrustStore::from_certificates([cert("pki/root-ca.pem")])
}

#[test]
fn expected_table_agrees() {
    let table = String::from_utf8(read("revocation/expected.tsv")).unwrap();
    let issuer = cert("pki/intermediate-ca.pem");
    let policy = AlgorithmPolicy::default();
    let mut rows = 0;
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (c, list, expected, reason, date) = (cert(f[0]), crl(f[1]), f[2], f[3], f[4]);
        let status = list.status_of(&c, &issuer, validation_time(), &policy);
        match expected {
            "good" => assert_eq!(status, Ok(CrlStatus::NotRevoked), "{line}"),
            "revoked" => {
                let entry = match status {
                    Ok(CrlStatus::Revoked(e) | CrlStatus::OnHold(e)) => e,
                    other => panic!("{line}: {other:?}"),
                };
                let want = match reason {
                    "keyCompromise" => RevocationReason::KeyCompromise,
                    "certificateHold" => RevocationReason::CertificateHold,
                    other => panic!("reason {other}"),
                };
                assert_eq!(entry.reason, want, "{line}");
                assert_eq!(
                    entry.revocation_date,
                    Time::parse_rfc3339(date).unwrap(),
                    "{line}"
                );
            }
            "expired-crl" => {
                assert!(
                    matches!(
                        status,
                        Err(Error::Revocation(RevocationError::CrlExpired { .. }))
                    ),
                    "{line}: {status:?}"
                )
            }
            other => panic!("expected {other}"),
        }
        rows += 1;
    }
    assert_eq!(rows, 5);
    // The DER and PEM files are the same CRLs.
    for name in ["signing-ca", "signing-ca-expired", "root"] {
        let der = Crl::from_der(&read(&format!("revocation/{name}.crl.der"))).unwrap();
        assert_eq!(der.der(), crl(&format!("revocation/{name}.crl")).der());
    }
}

#[test]
fn path_validation_with_the_committed_crls() {
    let a = anchors();
    let store = CrlStore::from_crls([crl("revocation/signing-ca.crl"), crl("revocation/root.crl")]);
    let chain = [cert("pki/intermediate-ca.pem")];
    let context = kyso::TrustContext::new(&a, kyso::Revocation::Required(&store));
    let validator = |at| PathValidator::new(&context, at);
    let path = validator(validation_time())
        .validate(&cert("revocation/ee-good.pem"), &chain)
        .unwrap();
    assert_eq!(path.revocation().len(), 2);
    for check in path.revocation() {
        assert!(matches!(
            check.outcome,
            RevocationOutcome::NotRevoked { .. }
        ));
        assert!(matches!(check.evidence, Some(Evidence::Crl(_))));
    }
    match validator(validation_time()).validate(&cert("revocation/ee-revoked.pem"), &chain) {
        Err(Error::Path {
            cert,
            reason:
                PathError::Revoked {
                    revocation_date,
                    reason,
                    invalidity_date: None,
                },
        }) => {
            assert_eq!(cert.index, 0);
            assert_eq!(
                revocation_date,
                Time::from_utc(2026, 3, 1, 0, 0, 0).unwrap()
            );
            assert_eq!(reason, RevocationReason::KeyCompromise);
        }
        other => panic!("{other:?}"),
    }
    // February 2026, before the revocation: the CRL of May is not current then...
    let february = Time::from_utc(2026, 2, 1, 0, 0, 0).unwrap();
    assert!(matches!(
        validator(february).validate(&cert("revocation/ee-revoked.pem"), &chain),
        Err(Error::Path {
            reason: PathError::RevocationUnknown { .. },
            ..
        })
    ));
    // ...but judged in June, a CRL issued since shows it was not revoked in February (what
    // a signature timestamp of February allows).
    let path = validator(february)
        .revocation_data_until(validation_time())
        .validate(&cert("revocation/ee-revoked.pem"), &chain)
        .unwrap();
    assert_eq!(path.revocation().len(), 2);
    // The expired CRL alone decides nothing.
    let stale = CrlStore::from_crls([
        crl("revocation/signing-ca-expired.crl"),
        crl("revocation/root.crl"),
    ]);
    assert!(matches!(
        PathValidator::new(&kyso::TrustContext::new(&a, kyso::Revocation::Required(&stale)), validation_time())
            .validate(&cert("revocation/ee-good.pem"), &chain),
        Err(Error::Path { ref cert, reason: PathError::RevocationUnknown { .. } }) if cert.index == 0
    ));
}

/// `openssl ocsp` answering from the committed database as the committed delegated
/// responder (id-kp-OCSPSigning, id-pkix-ocsp-nocheck), at the current time.
#[test]
fn openssl_ocsp_with_the_committed_database() {
    if !openssl_available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("kyso-ocsp-vectors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let issuer = cert("pki/intermediate-ca.pem");
    let now = Time::now();
    let ask = |rel: &str| -> (OcspStatus, String) {
        let c = cert(rel);
        let nonce = [0x42; 16];
        let request = OcspRequest::new(&c, &issuer, DigestAlgorithm::Sha256, Some(&nonce)).unwrap();
        std::fs::write(dir.join("req.der"), request.der()).unwrap();
        let out = Command::new("openssl")
            .args(["ocsp", "-index"])
            .arg(vector_path("revocation/index.txt"))
            .arg("-CA")
            .arg(vector_path("pki/intermediate-ca.pem"))
            .arg("-rsigner")
            .arg(vector_path("revocation/ocsp-responder.pem"))
            .arg("-rkey")
            .arg(vector_path("revocation/keys/ocsp-responder.key.pem"))
            .arg("-reqin")
            .arg(dir.join("req.der"))
            .arg("-respout")
            .arg(dir.join("resp.der"))
            .args(["-ndays", "1"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let response =
            OcspResponse::from_der(&std::fs::read(dir.join("resp.der")).unwrap()).unwrap();
        let check = OcspCheck::default().require_nonce(nonce.to_vec());
        let answer = response
            .check(&c, &issuer, now, &AlgorithmPolicy::default(), &check)
            .unwrap();
        (answer.status, answer.responder)
    };
    let (good, responder) = ask("revocation/ee-good.pem");
    assert_eq!(good, OcspStatus::Good);
    assert!(
        responder.contains("Kyso Test OCSP Responder"),
        "{responder}"
    );
    assert_eq!(
        ask("revocation/ee-revoked.pem").0,
        OcspStatus::Revoked {
            revocation_time: Time::from_utc(2026, 3, 1, 0, 0, 0).unwrap(),
            reason: RevocationReason::KeyCompromise,
            invalidity_date: None,
        }
    );
    assert!(matches!(
        ask("revocation/ee-on-hold.pem").0,
        OcspStatus::Revoked {
            reason: RevocationReason::CertificateHold,
            ..
        }
    ));
    // Not in this database.
    assert_eq!(ask("pki/ee-rsa2048.pem").0, OcspStatus::Unknown);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The response `openssl ts -reply` gave for documents/cong-van.txt.
#[test]
fn openssl_timestamp_of_the_document() {
    let token = TimeStampToken::from_response_der(&read("revocation/cong-van.tsr")).unwrap();
    let imprint = digest(DigestAlgorithm::Sha256, &read("documents/cong-van.txt"));
    let info = token
        .verify(&anchors(), &imprint, None, &AlgorithmPolicy::default())
        .unwrap();
    assert_eq!(info.tsa.subject().common_name(), Some("Kyso Test TSA"));
    assert_eq!(info.policy.to_string(), "1.3.6.1.4.1.55555.3.1");
    assert_eq!(info.accuracy_micros, Some(1_000_000));
    // Another document: refused.
    let other = digest(DigestAlgorithm::Sha256, &read("documents/quyet-dinh.txt"));
    assert_eq!(
        token
            .verify(&anchors(), &other, None, &AlgorithmPolicy::default())
            .err(),
        Some(Error::Timestamp(TimestampError::ImprintMismatch))
    );
}

/// A certificate on hold is suspended, which may be lifted: INDETERMINATE / TRY_LATER, never
/// TOTAL-FAILED, even when the signer claims to have signed during the hold; a revoked one
/// with a claimed signing time after its revocation is TOTAL-FAILED / REVOKED.
#[test]
fn on_hold_and_revoked_signers() {
    use kyso::{
        Indication, SignatureBuilder, SoftwareSigner, SubIndication, ValidationPolicy, Verifier,
    };
    let a = anchors();
    let store = CrlStore::from_crls([crl("revocation/signing-ca.crl"), crl("revocation/root.crl")]);
    let document = read("documents/cong-van.txt");
    let verdict = |name: &str, claimed: Time| {
        let key = SoftwareSigner::from_file(
            vector_path(&format!("revocation/keys/{name}.key.pem")),
            None,
        )
        .unwrap();
        let cms = SignatureBuilder::new(cert(&format!("revocation/{name}.pem")), claimed)
            .chain([cert("pki/intermediate-ca.pem")])
            .sign(&document, &key)
            .unwrap();
        let r = Verifier::new(
            &kyso::TrustContext::new(&a, kyso::Revocation::Required(&store)),
            ValidationPolicy::at(validation_time()),
        )
        .verify(&cms, Some(&document));
        (r.indication(), r.sub_indication())
    };
    let may = Time::from_utc(2026, 5, 1, 0, 0, 0).unwrap();
    let february = Time::from_utc(2026, 2, 1, 0, 0, 0).unwrap();
    assert_eq!(
        verdict("ee-on-hold", may),
        (Indication::Indeterminate, Some(SubIndication::TryLater))
    );
    assert_eq!(
        verdict("ee-revoked", may),
        (Indication::TotalFailed, Some(SubIndication::Revoked))
    );
    assert_eq!(
        verdict("ee-revoked", february),
        (Indication::Indeterminate, Some(SubIndication::RevokedNoPoe))
    );
    assert_eq!(verdict("ee-good", may), (Indication::TotalPassed, None));
}
