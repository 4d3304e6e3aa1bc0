//! CRLs made by `openssl ca` at test time from the test PKI's signing CA: revoked, on hold
//! and good certificates; freshness; scope; damaged and unsupported CRLs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use kyso::error::{EncodingError, PathError, RevocationError};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{cert, openssl_available, vector_path};
use kyso::key::AlgorithmPolicy;
use kyso::revocation::{Crl, CrlStatus, RevocationReason};
use kyso::{Error, Time};

struct Ca {
    dir: PathBuf,
}

impl Ca {
    /// An `openssl ca` setup over the test PKI's signing CA, with `crl_ext` as the CRL
    /// extensions section.
    fn new(name: &str, crl_ext: &str) -> Ca {
        Ca::with_issuer(
            name,
            crl_ext,
            "pki/intermediate-ca.pem",
            "keys/intermediate-ca.key.pem",
        )
    }

    /// The same over another CA of the test PKI.
    fn with_issuer(name: &str, crl_ext: &str, ca_cert: &str, ca_key: &str) -> Ca {
        let dir = std::env::temp_dir().join(format!("kyso-crl-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.txt"), "").unwrap();
        std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
        let conf = format!(
            "[ca]\ndefault_ca = ca\n[ca]\ndatabase = {db}\ncrlnumber = {num}\ncertificate = {cert}\nprivate_key = {key}\ndefault_md = sha256\ndefault_crl_days = 30\ncrl_extensions = crl_ext\n[crl_ext]\nauthorityKeyIdentifier = keyid\n{crl_ext}\n",
            db = dir.join("index.txt").display(),
            num = dir.join("crlnumber").display(),
            cert = vector_path(ca_cert).display(),
            key = vector_path(ca_key).display(),
        );
        std::fs::write(dir.join("ca.cnf"), conf).unwrap();
        Ca { dir }
    }

    fn openssl(&self, args: &[&str]) {
        let out = Command::new("openssl")
            .current_dir(&self.dir)
            .args(args)
            .arg("-config")
            .arg(self.dir.join("ca.cnf"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn revoke(&self, cert_path: &str, extra: &[&str]) {
        let p = vector_path(cert_path);
        let mut args = vec!["ca", "-revoke", p.to_str().unwrap()];
        args.extend_from_slice(extra);
        self.openssl(&args);
    }

    fn crl(&self) -> PathBuf {
        let out = self.dir.join("crl.pem");
        self.openssl(&["ca", "-gencrl", "-out", out.to_str().unwrap()]);
        out
    }
}

impl Drop for Ca {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn status(crl: &Crl, leaf: &str, time: Time) -> Result<CrlStatus, Error> {
    crl.status_of(
        &cert(leaf),
        &cert("pki/intermediate-ca.pem"),
        time,
        &AlgorithmPolicy::default(),
    )
}

#[test]
fn revoked_on_hold_and_good() {
    if !openssl_available() {
        return;
    }
    let ca = Ca::new("basic", "");
    ca.revoke("pki/ee-rsa3072.pem", &["-crl_reason", "keyCompromise"]);
    ca.revoke("pki/ee-ecdsa-p256.pem", &["-crl_hold", "1.2.840.10040.2.2"]);
    let path = ca.crl();
    let crl = Crl::from_file(&path).unwrap();
    assert_eq!(crl.entries().count(), 2);
    assert_eq!(crl.issuer().common_name(), Some("Kyso Test Signing CA"));
    assert!(crl.crl_number().is_some());
    let now = Time::now();
    assert_eq!(
        status(&crl, "pki/ee-rsa2048.pem", now).unwrap(),
        CrlStatus::NotRevoked
    );
    match status(&crl, "pki/ee-rsa3072.pem", now).unwrap() {
        CrlStatus::Revoked(e) => {
            assert_eq!(e.reason, RevocationReason::KeyCompromise);
            assert_eq!(e.serial, cert("pki/ee-rsa3072.pem").serial());
            assert!(e.revocation_date <= now);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        status(&crl, "pki/ee-ecdsa-p256.pem", now).unwrap(),
        CrlStatus::OnHold(e) if e.reason == RevocationReason::CertificateHold
    ));
    // DER and PEM read alike.
    let der = Crl::from_der(crl.der()).unwrap();
    assert_eq!(der.entries().count(), 2);

    // Freshness.
    let after = Time::from_unix(crl.next_update().unwrap().unix() + 1);
    assert!(matches!(
        status(&crl, "pki/ee-rsa2048.pem", after),
        Err(Error::Revocation(RevocationError::CrlExpired { .. }))
    ));
    let before = Time::from_unix(crl.this_update().unix() - 1);
    assert!(matches!(
        status(&crl, "pki/ee-rsa2048.pem", before),
        Err(Error::Revocation(RevocationError::CrlNotYetValid { .. }))
    ));

    // Issued by another CA than the certificate's.
    assert_eq!(
        status(&crl, "pki/ee-ec-chain.pem", now),
        Err(Error::Revocation(RevocationError::CrlIssuerMismatch))
    );
    // Checked with the wrong issuer certificate.
    assert_eq!(
        crl.status_of(
            &cert("pki/ee-rsa2048.pem"),
            &cert("pki/root-ca.pem"),
            now,
            &AlgorithmPolicy::default()
        ),
        Err(Error::Revocation(RevocationError::CrlIssuerMismatch))
    );

    // A flipped bit in the signature.
    let mut damaged = crl.der().to_vec();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x01;
    let damaged = Crl::from_der(&damaged).unwrap();
    assert_eq!(
        status(&damaged, "pki/ee-rsa2048.pem", now),
        Err(Error::Revocation(RevocationError::CrlBadSignature))
    );

    // Truncations and garbage: errors, never panics.
    for len in (0..crl.der().len()).step_by(5) {
        let r = Crl::from_der(&crl.der()[..len]);
        assert!(
            matches!(
                r,
                Err(kyso::Error::Encoding(EncodingError::Malformed {
                    object: kyso::error::Object::Crl,
                    ..
                }))
            ),
            "{len}: {r:?}"
        );
    }
    let mut trailing = crl.der().to_vec();
    trailing.push(0);
    assert!(matches!(
        Crl::from_der(&trailing),
        Err(Error::Encoding(EncodingError::Malformed {
            reason: kyso::error::Malformed::TrailingData,
            ..
        }))
    ));
    let r = Crl::from_pem(b"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n");
    assert!(
        matches!(
            r,
            Err(kyso::Error::Encoding(EncodingError::Malformed {
                object: kyso::error::Object::Crl,
                ..
            }))
        ),
        "{r:?}"
    );
}

#[test]
fn scope_of_issuing_distribution_point() {
    if !openssl_available() {
        return;
    }
    // A CRL for CA certificates only does not cover an end entity.
    let ca_only = Ca::new(
        "ca-only",
        "issuingDistributionPoint = critical, @idp\n[idp]\nonlyCA = TRUE\n",
    );
    let crl = Crl::from_file(ca_only.crl()).unwrap();
    assert_eq!(
        status(&crl, "pki/ee-rsa2048.pem", crl.this_update()),
        Err(Error::Revocation(RevocationError::CrlOutOfScope))
    );
    // A CRL for one distribution point covers the certificates that name it...
    let matching = Ca::new(
        "dp",
        "issuingDistributionPoint = critical, @idp\n[idp]\nfullname = URI:http://127.0.0.1:8080/crl/signing-ca.crl\n",
    );
    let crl = Crl::from_file(matching.crl()).unwrap();
    assert_eq!(
        status(&crl, "pki/ee-rsa2048.pem", crl.this_update()).unwrap(),
        CrlStatus::NotRevoked
    );
    // ...and not the others.
    let other = Ca::new(
        "other-dp",
        "issuingDistributionPoint = critical, @idp\n[idp]\nfullname = URI:http://127.0.0.1:8080/crl/partition-2.crl\n",
    );
    let crl = Crl::from_file(other.crl()).unwrap();
    assert_eq!(
        status(&crl, "pki/ee-rsa2048.pem", crl.this_update()),
        Err(Error::Revocation(RevocationError::CrlOutOfScope))
    );
}

#[test]
fn unknown_critical_extensions_and_delta_crls_are_refused() {
    if !openssl_available() {
        return;
    }
    let critical = Ca::new("critical", "1.3.6.1.4.1.55555.7.7 = critical,DER:05:00\n");
    let crl = Crl::from_file(critical.crl()).unwrap();
    assert!(matches!(
        status(&crl, "pki/ee-rsa2048.pem", crl.this_update()),
        Err(Error::Revocation(
            RevocationError::UnknownCriticalCrlExtension { .. }
        ))
    ));
    let delta = Ca::new("delta", "2.5.29.27 = critical,DER:02:01:01\n");
    let crl = Crl::from_file(delta.crl()).unwrap();
    assert!(crl.is_delta());
    assert_eq!(
        status(&crl, "pki/ee-rsa2048.pem", crl.this_update()),
        Err(Error::Revocation(RevocationError::CrlUnsupported {
            feature: "delta CRL"
        }))
    );
}

/// The PKITS CRLs (made by another implementation) all parse.
#[test]
fn pkits_crls_parse() {
    let dir = std::env::var("KYSO_PKITS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors/pkits"));
    let crls = dir.join("crls");
    if !crls.is_dir() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "PKITS data missing under CI"
        );
        eprintln!("skipping: PKITS data not found (set KYSO_PKITS_DIR)");
        return;
    }
    let mut parsed = 0;
    for entry in std::fs::read_dir(&crls).unwrap() {
        let path = entry.unwrap().path();
        Crl::from_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        parsed += 1;
    }
    assert_eq!(parsed, 173);
}

mod in_validation {
    use super::*;
    use kyso::revocation::RevocationOutcome;
    use kyso::revocation::RevocationPolicy;
    use kyso::{
        CrlStore, Indication, PathValidator, SignatureBuilder, SignedCms, SoftwareSigner,
        SubIndication, TrustStore, ValidationPolicy, Verifier,
    };

    fn anchors() -> TrustStore {
        TrustStore::from_certificates([cert("pki/root-ca.pem")])
    }

    /// CRLs from both CAs of the RSA chain: the signing CA revokes `revoked` (if any), the
    /// root revokes `revoked_ca` (if any).
    fn crls(name: &str, revoked: Option<&str>, revoked_ca: Option<&str>) -> (CrlStore, Ca, Ca) {
        let signing = Ca::new(&format!("{name}-signing"), "");
        if let Some(r) = revoked {
            signing.revoke(r, &["-crl_reason", "keyCompromise"]);
        }
        let root = Ca::with_issuer(
            &format!("{name}-root"),
            "",
            "pki/root-ca.pem",
            "keys/root-ca.key.pem",
        );
        if let Some(r) = revoked_ca {
            root.revoke(r, &["-crl_reason", "cACompromise"]);
        }
        let store = CrlStore::from_crls([
            Crl::from_file(signing.crl()).unwrap(),
            Crl::from_file(root.crl()).unwrap(),
        ]);
        (store, signing, root)
    }

    /// A key compromise the CA dates back (`openssl ca -crl_compromise` writes the
    /// invalidityDate entry extension): revoked now, compromised since 2026-02-01. Judged
    /// at 2026-03-01 with today's CRL, the certificate counts as revoked from the
    /// invalidity date; at 2026-01-15 it was still good. Without the invalidity date the
    /// same CRL showed it "not revoked" on 2026-03-01.
    #[test]
    fn a_key_compromise_counts_from_its_invalidity_date() {
        if !openssl_available() {
            return;
        }
        let signing = Ca::new("invalidity-signing", "");
        signing.revoke(
            "pki/ee-rsa3072.pem",
            &["-crl_compromise", "20260201000000Z"],
        );
        let root = Ca::with_issuer(
            "invalidity-root",
            "",
            "pki/root-ca.pem",
            "keys/root-ca.key.pem",
        );
        let crl = Crl::from_file(signing.crl()).unwrap();
        let entry = crl.entries().next().unwrap().clone();
        let compromised = Time::from_utc(2026, 2, 1, 0, 0, 0).unwrap();
        assert_eq!(entry.reason, RevocationReason::KeyCompromise);
        assert_eq!(entry.invalidity_date, Some(compromised));
        assert_eq!(entry.invalid_from(), compromised);
        let store = CrlStore::from_crls([crl, Crl::from_file(root.crl()).unwrap()]);
        let store_anchors = anchors();
        let chain = [cert("pki/intermediate-ca.pem")];
        let v = |at| {
            PathValidator::new(
                &kyso::TrustContext::new(&store_anchors, kyso::Revocation::Required(&store)),
                at,
            )
            .revocation_data_until(Time::now())
        };
        let at = Time::from_utc(2026, 3, 1, 0, 0, 0).unwrap();
        match v(at).validate(&cert("pki/ee-rsa3072.pem"), &chain) {
            Err(
                e @ Error::Path {
                    reason: PathError::Revoked { .. },
                    ..
                },
            ) => {
                let Error::Path {
                    cert,
                    reason:
                        PathError::Revoked {
                            reason,
                            invalidity_date,
                            ..
                        },
                } = &e
                else {
                    unreachable!()
                };
                assert_eq!(cert.index, 0);
                assert_eq!(*reason, RevocationReason::KeyCompromise);
                assert_eq!(*invalidity_date, Some(compromised));
                assert!(
                    e.to_string().contains("invalid since 2026-02-01T00:00:00Z"),
                    "{e}"
                );
            }
            other => panic!("{other:?}"),
        }
        let before = Time::from_utc(2026, 1, 15, 0, 0, 0).unwrap();
        let path = v(before)
            .validate(&cert("pki/ee-rsa3072.pem"), &chain)
            .unwrap();
        assert!(matches!(
            path.revocation()[0].outcome,
            RevocationOutcome::NotRevoked { .. }
        ));
    }

    #[test]
    fn path_validation_applies_the_revocation_policy() {
        if !openssl_available() {
            return;
        }
        let (store, _a, _b) = crls("path", Some("pki/ee-rsa3072.pem"), None);
        let store_anchors = anchors();
        let chain = [cert("pki/intermediate-ca.pem")];
        let now = Time::now();
        let v = PathValidator::new(
            &kyso::TrustContext::new(&store_anchors, kyso::Revocation::Required(&store)),
            now,
        );
        let good = v.validate(&cert("pki/ee-rsa2048.pem"), &chain).unwrap();
        assert_eq!(good.revocation().len(), 2, "leaf and intermediate checked");
        assert!(
            good.revocation()
                .iter()
                .all(|c| matches!(c.outcome, RevocationOutcome::NotRevoked { .. }))
        );
        match v.validate(&cert("pki/ee-rsa3072.pem"), &chain) {
            Err(Error::Path {
                cert,
                reason: PathError::Revoked { reason, .. },
            }) => {
                assert_eq!(cert.index, 0);
                assert_eq!(reason, RevocationReason::KeyCompromise);
            }
            other => panic!("{other:?}"),
        }
        // No data: required fails, if-available records "unknown".
        let empty = CrlStore::new();
        assert!(matches!(
            PathValidator::new(
                &kyso::TrustContext::new(&store_anchors, kyso::Revocation::Required(&empty)),
                now
            )
            .validate(&cert("pki/ee-rsa2048.pem"), &chain),
            Err(Error::Path {
                reason: PathError::RevocationUnknown { .. },
                ..
            })
        ));
        let unknown = PathValidator::new(
            &kyso::TrustContext::new(&store_anchors, kyso::Revocation::IfAvailable(&empty)),
            now,
        )
        .validate(&cert("pki/ee-rsa2048.pem"), &chain)
        .unwrap();
        assert!(
            unknown
                .revocation()
                .iter()
                .all(|c| matches!(c.outcome, RevocationOutcome::Unknown { .. }))
        );
    }

    fn sign(cert_path: &str, key_path: &str) -> SignedCms {
        sign_at(cert_path, key_path, Time::now())
    }

    fn sign_at(cert_path: &str, key_path: &str, claimed: Time) -> SignedCms {
        SignatureBuilder::new(cert(cert_path), claimed)
            .chain([cert("pki/intermediate-ca.pem")])
            .sign(
                &std::fs::read(vector_path("documents/cong-van.txt")).unwrap(),
                &SoftwareSigner::from_file(vector_path(key_path), None).unwrap(),
            )
            .unwrap()
    }

    fn verdict(
        cms: &SignedCms,
        policy: RevocationPolicy,
        store: &CrlStore,
    ) -> (Indication, Option<SubIndication>) {
        let a = anchors();
        let doc = std::fs::read(vector_path("documents/cong-van.txt")).unwrap();
        let revocation = match policy {
            RevocationPolicy::Required => kyso::Revocation::Required(store),
            RevocationPolicy::IfAvailable => kyso::Revocation::IfAvailable(store),
            _ => kyso::Revocation::NotChecked,
        };
        let r = Verifier::new(
            &kyso::TrustContext::new(&a, revocation),
            ValidationPolicy::now(),
        )
        .verify(cms, Some(&doc));
        (r.indication(), r.sub_indication())
    }

    #[test]
    fn signature_reports_carry_revocation() {
        if !openssl_available() {
            return;
        }
        let (store, _a, _b) = crls("cms", Some("pki/ee-rsa3072.pem"), None);
        let good = sign("pki/ee-rsa2048.pem", "keys/ee-rsa2048.key.pem");
        assert_eq!(
            verdict(&good, RevocationPolicy::Required, &store),
            (Indication::TotalPassed, None)
        );
        // Signed, by the signer's own claim, after the revocation: proven to fail.
        let revoked = sign("pki/ee-rsa3072.pem", "keys/ee-rsa3072.key.pem");
        assert_eq!(
            verdict(&revoked, RevocationPolicy::Required, &store),
            (Indication::TotalFailed, Some(SubIndication::Revoked))
        );
        // Claimed before the revocation, with nothing to prove it.
        let before = sign_at(
            "pki/ee-rsa3072.pem",
            "keys/ee-rsa3072.key.pem",
            Time::from_unix(Time::now().unix() - 86_400),
        );
        assert_eq!(
            verdict(&before, RevocationPolicy::Required, &store),
            (Indication::Indeterminate, Some(SubIndication::RevokedNoPoe))
        );
        assert_eq!(
            verdict(&good, RevocationPolicy::Required, &CrlStore::new()),
            (Indication::Indeterminate, Some(SubIndication::TryLater))
        );
        // The intermediate revoked by the root: every signer under it.
        let (ca_store, _c, _d) = crls("cms-ca", None, Some("pki/intermediate-ca.pem"));
        assert_eq!(
            verdict(&good, RevocationPolicy::IfAvailable, &ca_store),
            (
                Indication::Indeterminate,
                Some(SubIndication::RevokedCaNoPoe)
            )
        );
    }
}
