//! OCSP: kyso's requests answered by `openssl ocsp` as the responder (from request and
//! response files, so no server is needed), signed by the CA itself or by a delegated
//! responder; good, revoked and unknown certificates; nonce, freshness and authorisation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use kyso::error::{EncodingError, PathError, RevocationError};
use std::path::PathBuf;
use std::process::Command;

use common::{cert, openssl_available, vector_path};
use kyso::digest::DigestAlgorithm;
use kyso::key::AlgorithmPolicy;
use kyso::revocation::{OcspCheck, OcspRequest, OcspResponse, OcspStatus, RevocationReason};
use kyso::{Certificate, Error, Time};

struct Responder {
    dir: PathBuf,
}

impl Responder {
    /// A CA database over the signing CA: ee-rsa2048 valid, ee-rsa3072 revoked
    /// (keyCompromise on 2025-06-01, the key compromised since 2025-04-01); every other
    /// certificate unknown.
    fn new(name: &str) -> Responder {
        let dir = std::env::temp_dir().join(format!("kyso-ocsp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let good = cert("pki/ee-rsa2048.pem");
        let revoked = cert("pki/ee-rsa3072.pem");
        let index = format!(
            "V\t450101000000Z\t\t{}\tunknown\t/CN=good\nR\t450101000000Z\t250601000000Z,keyTime,20250401000000Z\t{}\tunknown\t/CN=revoked\n",
            good.serial_hex(),
            revoked.serial_hex()
        );
        std::fs::write(dir.join("index.txt"), index).unwrap();
        std::fs::write(dir.join("index.txt.attr"), "unique_subject = no\n").unwrap();
        Responder { dir }
    }

    /// Answers `request` with `openssl ocsp`, signing as `signer` with `key`.
    fn answer(&self, request: &OcspRequest, signer: &str, key: &str, extra: &[&str]) -> Vec<u8> {
        let req = self.dir.join("req.der");
        let resp = self.dir.join("resp.der");
        std::fs::write(&req, request.der()).unwrap();
        let out = Command::new("openssl")
            .args(["ocsp", "-index"])
            .arg(self.dir.join("index.txt"))
            .arg("-CA")
            .arg(vector_path("pki/intermediate-ca.pem"))
            .arg("-rsigner")
            .arg(signer)
            .arg("-rkey")
            .arg(key)
            .arg("-reqin")
            .arg(&req)
            .arg("-respout")
            .arg(&resp)
            .args(["-ndays", "7"])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl ocsp: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read(&resp).unwrap()
    }

    fn as_ca(&self, request: &OcspRequest) -> Vec<u8> {
        self.answer(
            request,
            vector_path("pki/intermediate-ca.pem").to_str().unwrap(),
            vector_path("keys/intermediate-ca.key.pem")
                .to_str()
                .unwrap(),
            // Signed by the CA itself, the response needs no certificate; without one it
            // ends with its signature, which the damage test relies on.
            &["-resp_no_certs"],
        )
    }

    /// A delegated responder certificate issued by the signing CA; `eku` true gives it
    /// id-kp-OCSPSigning.
    fn delegate(&self, name: &str, eku: bool) -> (PathBuf, PathBuf) {
        let eku_line = if eku {
            "extendedKeyUsage = OCSPSigning"
        } else {
            "extendedKeyUsage = clientAuth"
        };
        common::issue_from_signing_ca(
            &self.dir,
            name,
            &format!("/C=VN/O=Kyso Test PKI/CN=OCSP {name}"),
            &format!("keyUsage = critical,digitalSignature\n{eku_line}"),
        )
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn check(
    resp: &[u8],
    leaf: &str,
    nonce: Option<&[u8]>,
) -> Result<kyso::revocation::OcspAnswer, Error> {
    let options = match nonce {
        Some(n) => OcspCheck::default().require_nonce(n),
        None => OcspCheck::default(),
    };
    OcspResponse::from_der(resp)?.check(
        &cert(leaf),
        &cert("pki/intermediate-ca.pem"),
        Time::now(),
        &AlgorithmPolicy::default(),
        &options,
    )
}

fn request(leaf: &str, hash: DigestAlgorithm, nonce: Option<&[u8]>) -> OcspRequest {
    OcspRequest::new(&cert(leaf), &cert("pki/intermediate-ca.pem"), hash, nonce).unwrap()
}

#[test]
fn good_revoked_and_unknown_signed_by_the_ca() {
    if !openssl_available() {
        return;
    }
    let r = Responder::new("ca");
    let nonce = b"kyso-nonce-0001";
    let good = r.as_ca(&request(
        "pki/ee-rsa2048.pem",
        DigestAlgorithm::Sha1,
        Some(nonce),
    ));
    let answer = check(&good, "pki/ee-rsa2048.pem", Some(nonce)).unwrap();
    assert_eq!(answer.status, OcspStatus::Good);
    assert!(answer.responder.contains("Kyso Test Signing CA"));
    assert!(answer.next_update.is_some());

    let revoked = r.as_ca(&request(
        "pki/ee-rsa3072.pem",
        DigestAlgorithm::Sha256,
        None,
    ));
    match check(&revoked, "pki/ee-rsa3072.pem", None).unwrap().status {
        ref status @ OcspStatus::Revoked {
            revocation_time,
            reason,
            invalidity_date,
        } => {
            assert_eq!(
                revocation_time,
                Time::from_utc(2025, 6, 1, 0, 0, 0).unwrap()
            );
            assert_eq!(reason, RevocationReason::KeyCompromise);
            // `openssl ocsp` puts the database's compromise time in the response as the
            // invalidity-date single extension; the certificate counts as revoked from it.
            let compromised = Time::from_utc(2025, 4, 1, 0, 0, 0).unwrap();
            assert_eq!(invalidity_date, Some(compromised));
            assert_eq!(status.invalid_from(), Some(compromised));
        }
        other => panic!("{other:?}"),
    }

    let unknown = r.as_ca(&request(
        "pki/ee-ecdsa-p256.pem",
        DigestAlgorithm::Sha1,
        None,
    ));
    assert_eq!(
        check(&unknown, "pki/ee-ecdsa-p256.pem", None)
            .unwrap()
            .status,
        OcspStatus::Unknown
    );

    // A response about another certificate.
    assert_eq!(
        check(&good, "pki/ee-rsa3072.pem", None).err(),
        Some(Error::Revocation(
            RevocationError::OcspNoResponseForCertificate
        ))
    );
    // The nonce must come back.
    assert_eq!(
        check(&good, "pki/ee-rsa2048.pem", Some(b"another nonce")).err(),
        Some(Error::Revocation(RevocationError::OcspNonceMismatch))
    );
    // Stale, and not yet valid.
    let resp = OcspResponse::from_der(&good).unwrap();
    let (c, i, p) = (
        cert("pki/ee-rsa2048.pem"),
        cert("pki/intermediate-ca.pem"),
        AlgorithmPolicy::default(),
    );
    let later = Time::from_unix(Time::now().unix() + 30 * 86_400);
    assert!(matches!(
        resp.check(&c, &i, later, &p, &OcspCheck::default()),
        Err(Error::Revocation(RevocationError::OcspStale { .. }))
    ));
    let earlier = Time::from_unix(Time::now().unix() - 86_400);
    assert!(matches!(
        resp.check(&c, &i, earlier, &p, &OcspCheck::default()),
        Err(Error::Revocation(RevocationError::OcspNotYetValid { .. }))
    ));
    // A flipped bit in the signature.
    let mut damaged = good.clone();
    let n = damaged.len();
    // The certificate-less response ends with the signature BIT STRING.
    damaged[n - 1] ^= 0x01;
    assert_eq!(
        check(&damaged, "pki/ee-rsa2048.pem", None).err(),
        Some(Error::Revocation(RevocationError::OcspBadSignature))
    );
    // Truncations: errors, never panics.
    for len in (0..good.len()).step_by(3) {
        let r = OcspResponse::from_der(&good[..len]);
        assert!(
            matches!(
                r,
                Err(kyso::Error::Encoding(EncodingError::Malformed {
                    object: kyso::error::Object::Ocsp,
                    ..
                }))
            ),
            "{len}: {r:?}"
        );
    }
}

#[test]
fn delegated_responders() {
    if !openssl_available() {
        return;
    }
    let r = Responder::new("delegated");
    let req = request("pki/ee-rsa2048.pem", DigestAlgorithm::Sha1, None);
    // Authorised: issued by the CA with id-kp-OCSPSigning, included in the response.
    let (pem, key) = r.delegate("authorised", true);
    let resp = r.answer(&req, pem.to_str().unwrap(), key.to_str().unwrap(), &[]);
    let answer = check(&resp, "pki/ee-rsa2048.pem", None).unwrap();
    assert_eq!(answer.status, OcspStatus::Good);
    assert!(answer.responder.contains("OCSP authorised"));
    // Responder identified by key hash instead of name.
    let by_key = r.answer(
        &req,
        pem.to_str().unwrap(),
        key.to_str().unwrap(),
        &["-resp_key_id"],
    );
    assert_eq!(
        check(&by_key, "pki/ee-rsa2048.pem", None).unwrap().status,
        OcspStatus::Good
    );
    // Without id-kp-OCSPSigning: refused.
    let (pem, key) = r.delegate("not-authorised", false);
    let resp = r.answer(&req, pem.to_str().unwrap(), key.to_str().unwrap(), &[]);
    assert_eq!(
        check(&resp, "pki/ee-rsa2048.pem", None).err(),
        Some(Error::Revocation(
            RevocationError::OcspUnauthorizedResponder
        ))
    );
    // Signed by another CA's certificate altogether: refused.
    let resp = r.answer(
        &req,
        vector_path("pki/ec-intermediate-ca.pem").to_str().unwrap(),
        vector_path("keys/ec-intermediate-ca.key.pem")
            .to_str()
            .unwrap(),
        &[],
    );
    assert_eq!(
        check(&resp, "pki/ee-rsa2048.pem", None).err(),
        Some(Error::Revocation(
            RevocationError::OcspUnauthorizedResponder
        ))
    );
    let _ = Certificate::from_file(vector_path("pki/intermediate-ca.pem")).unwrap();
}

#[test]
fn error_statuses_and_garbage() {
    // OCSPResponse { responseStatus tryLater (3) }.
    assert_eq!(
        OcspResponse::from_der(&[0x30, 0x03, 0x0a, 0x01, 0x03]).err(),
        Some(Error::Revocation(RevocationError::OcspResponseStatus {
            status: 3
        }))
    );
    for garbage in [
        &[][..],
        &[0x30, 0x03, 0x02, 0x01, 0x00],
        b"not an ocsp response",
    ] {
        let r = OcspResponse::from_der(garbage);
        assert!(
            matches!(
                r,
                Err(kyso::Error::Encoding(EncodingError::Malformed {
                    object: kyso::error::Object::Ocsp,
                    ..
                }))
            ),
            "{r:?}"
        );
    }
}

/// OCSP responses in a revocation source decide in path validation (before CRLs).
#[test]
fn ocsp_in_path_validation() {
    if !openssl_available() {
        return;
    }
    use kyso::revocation::RevocationOutcome;
    use kyso::{CrlStore, PathValidator, TrustStore};
    let r = Responder::new("path");
    let mut store = CrlStore::new();
    store.add_ocsp(
        OcspResponse::from_der(&r.as_ca(&request(
            "pki/ee-rsa2048.pem",
            DigestAlgorithm::Sha1,
            None,
        )))
        .unwrap(),
    );
    store.add_ocsp(
        OcspResponse::from_der(&r.as_ca(&request(
            "pki/ee-rsa3072.pem",
            DigestAlgorithm::Sha1,
            None,
        )))
        .unwrap(),
    );
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let chain = [cert("pki/intermediate-ca.pem")];
    let v = PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::IfAvailable(&store)),
        Time::now(),
    );
    let path = v.validate(&cert("pki/ee-rsa2048.pem"), &chain).unwrap();
    assert!(matches!(
        &path.revocation()[0].outcome,
        RevocationOutcome::NotRevoked { source } if source.starts_with("OCSP")
    ));
    assert!(matches!(
        v.validate(&cert("pki/ee-rsa3072.pem"), &chain),
        Err(Error::Path {
            reason: PathError::Revoked {
                reason: RevocationReason::KeyCompromise,
                ..
            },
            ..
        })
    ));
}
