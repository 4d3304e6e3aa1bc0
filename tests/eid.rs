//! Passive authentication of the synthetic chip data of test-vectors/eid/ (EF.SOD files
//! signed by `openssl cms`), every row of its expected.tsv; and the DG1 and DG13 fields of
//! the CCCD-like card, in Vietnamese.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::read;
use kyso::eid::{
    DataGroupStatus, Dg13, Mrz, MrzFormat, PassiveAuth, PassiveAuthVerdict, Sod,
    master_list_certificates_unverified,
};
use kyso::error::EncodingError;
use kyso::{Certificate, Time, TrustStore};

/// A fixed time inside the committed chip vectors' lifetime (their Document Signers expire
/// in November 2036, the Master List Signer was made on 2026-12-01), so the tests do not
/// depend on the clock.
fn vectors_time() -> Time {
    Time::from_utc(2027, 1, 1, 0, 0, 0).unwrap()
}

fn certs(list: &str) -> Vec<Certificate> {
    if list == "-" {
        return Vec::new();
    }
    list.split(',')
        .flat_map(|f| Certificate::from_file(common::vector_path(&format!("eid/{f}"))).unwrap())
        .collect()
}

#[test]
fn expected_verdicts() {
    let table = String::from_utf8(read("eid/expected.tsv")).unwrap();
    let mut rows = 0;
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (sod_file, dgs, cscas, extra, expected) = (f[0], f[1], f[2], f[3], f[4]);
        let sod = Sod::parse(&read(&format!("eid/{sod_file}"))).unwrap();
        let groups: Vec<(u8, Vec<u8>)> = dgs
            .split(',')
            .map(|g| {
                let n: u8 = g
                    .split("dg")
                    .last()
                    .unwrap()
                    .split(['.', '-'])
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                (n, read(&format!("eid/{g}")))
            })
            .collect();
        let refs: Vec<(u8, &[u8])> = groups.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        let anchors = TrustStore::from_certificates(certs(cscas));
        let report = PassiveAuth::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked)
                .certificates(certs(extra)),
            vectors_time(),
        )
        .verify(&sod, &refs);
        let want = match expected {
            "Passed" => PassiveAuthVerdict::Passed,
            "Failed" => PassiveAuthVerdict::Failed,
            "Indeterminate" => PassiveAuthVerdict::Indeterminate,
            "Unsupported" => PassiveAuthVerdict::Unsupported,
            other => panic!("{other}"),
        };
        assert_eq!(
            report.verdict, want,
            "{line}\n{:?}\n{:?}",
            report.data_groups, report.signature.checks
        );
        if want == PassiveAuthVerdict::Passed {
            assert!(report.csca.is_some());
            assert!(report.document_signer.is_some());
            assert!(
                report
                    .data_groups
                    .iter()
                    .all(|g| g.status == DataGroupStatus::Matched)
            );
        }
        rows += 1;
    }
    assert_eq!(rows, 10);
}

#[test]
fn data_group_statuses() {
    let sod = Sod::parse(&read("eid/cccd-no-dg13.sod")).unwrap();
    assert_eq!(sod.data_group_hashes().len(), 2);
    let anchors = TrustStore::from_certificates(certs("csca-vn.pem"));
    let dg1 = read("eid/cccd-dg1.bin");
    let dg13 = read("eid/cccd-dg13.bin");
    let report = PassiveAuth::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        vectors_time(),
    )
    .verify(&sod, &[(1, &dg1), (13, &dg13)]);
    let status = |n: u8| {
        report
            .data_groups
            .iter()
            .find(|g| g.number == n)
            .unwrap()
            .status
    };
    assert_eq!(status(1), DataGroupStatus::Matched);
    assert_eq!(status(2), DataGroupStatus::NotSupplied);
    assert_eq!(status(13), DataGroupStatus::NotListed);
    assert_eq!(report.verdict, PassiveAuthVerdict::Failed);
    // Version 1 carries the LDS version.
    let v1 = Sod::parse(&read("eid/passport-p256.sod")).unwrap();
    assert_eq!(v1.version(), 1);
    assert_eq!(v1.lds_version(), Some(("0108", "040000")));
}

#[test]
fn cccd_fields_in_vietnamese() {
    let mrz = Mrz::from_dg1(&read("eid/cccd-dg1.bin")).unwrap();
    assert_eq!(mrz.format, MrzFormat::Td1);
    assert_eq!(mrz.document_code, "ID");
    assert_eq!(mrz.issuing_state, "VNM");
    assert_eq!(mrz.document_number, "099012345");
    assert_eq!(mrz.optional_data, "001099012345");
    assert_eq!(mrz.primary_identifier, "NGUYEN");
    assert_eq!(mrz.secondary_identifier, "THI HONG NHUNG");
    assert_eq!(mrz.date_of_birth, "990815");
    assert_eq!(mrz.sex, 'F');
    let passport = Mrz::from_dg1(&read("eid/passport-dg1.bin")).unwrap();
    assert_eq!(passport.format, MrzFormat::Td3);
    assert_eq!(passport.document_number, "C1234567");
    assert_eq!(passport.secondary_identifier, "MINH DUC");

    let dg13 = Dg13::parse(&read("eid/cccd-dg13.bin")).unwrap();
    assert_eq!(dg13.id_number.as_deref(), Some("001099012345"));
    assert_eq!(dg13.full_name.as_deref(), Some("Nguyễn Thị Hồng Nhung"));
    assert_eq!(dg13.sex.as_deref(), Some("Nữ"));
    assert_eq!(dg13.nationality.as_deref(), Some("Việt Nam"));
    assert_eq!(dg13.ethnicity.as_deref(), Some("Kinh"));
    assert_eq!(
        dg13.place_of_residence.as_deref(),
        Some("Số 12 Hàng Bạc, Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội")
    );
    assert_eq!(dg13.father_name.as_deref(), Some("Nguyễn Văn Bình"));
    assert_eq!(dg13.mother_name.as_deref(), Some("Trần Thị Lan"));
    assert_eq!(dg13.old_id_number.as_deref(), Some("012345678"));
    assert_eq!(dg13.expiry_date.as_deref(), Some("15/08/2039"));
    assert_eq!(dg13.other.len(), 1);
    assert_eq!(dg13.other[0].number, 20);
}

#[test]
fn bad_input_is_refused() {
    let r = Sod::parse(&read("eid/cccd-truncated.sod"));
    assert!(
        matches!(
            r,
            Err(kyso::Error::Encoding(EncodingError::Malformed {
                object: kyso::error::Object::Sod,
                ..
            }))
        ),
        "{r:?}"
    );
    let good = read("eid/cccd-brainpool.sod");
    // A cut EF.SOD is refused as malformed: its wrapper (tag 77) or the CMS inside.
    for len in (0..good.len()).step_by(7) {
        let r = Sod::parse(&good[..len]);
        assert!(
            matches!(
                r,
                Err(kyso::Error::Encoding(EncodingError::Malformed {
                    object: kyso::error::Object::Sod | kyso::error::Object::Cms,
                    ..
                }))
            ),
            "{len}: {r:?}"
        );
    }
    // A CMS signature over a document is not an SOD.
    let r = Sod::parse(&read("cms/openssl-rsa2048-attached.p7m"));
    assert!(
        matches!(
            r,
            Err(kyso::Error::Encoding(EncodingError::Malformed {
                object: kyso::error::Object::Sod,
                ..
            }))
        ),
        "{r:?}"
    );
    let r = master_list_certificates_unverified(&good);
    assert!(
        matches!(
            r,
            Err(kyso::Error::Encoding(EncodingError::Malformed {
                object: kyso::error::Object::Cms,
                ..
            }))
        ),
        "{r:?}"
    );
    let r = Mrz::from_dg1(&read("eid/cccd-dg13.bin"));
    assert!(
        matches!(
            r,
            Err(kyso::Error::Encoding(EncodingError::Malformed {
                object: kyso::error::Object::Mrz,
                ..
            }))
        ),
        "{r:?}"
    );
    let r = Dg13::parse(&read("eid/cccd-dg1.bin"));
    assert!(
        matches!(
            r,
            Err(kyso::Error::Encoding(EncodingError::Malformed {
                object: kyso::error::Object::Dg13,
                ..
            }))
        ),
        "{r:?}"
    );
}

mod login {
    use super::common::{cert, vector_path};
    use kyso::eid::{InMemoryNonceStore, LoginResponse, LoginVerifier, login_data_to_sign};
    use kyso::error::{LoginError, PathError};
    use kyso::revocation::Crl;
    use kyso::{
        Certificate, CrlStore, Error, KeyPurpose, Signer, SoftwareSigner, Time, TrustStore,
    };

    const ORIGIN: &str = "https://dichvucong.gov.vn";

    fn key(rel: &str) -> SoftwareSigner {
        SoftwareSigner::from_file(vector_path(rel), None).unwrap()
    }

    fn answer(nonce: &str, origin: &str, c: Certificate, k: &SoftwareSigner) -> LoginResponse {
        let tbs = login_data_to_sign(origin, nonce, k.algorithm()).unwrap();
        LoginResponse::new(c, k.algorithm(), k.sign(&tbs).unwrap(), nonce, origin)
    }

    #[test]
    fn every_failure_class_has_its_error() {
        let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
        let store = InMemoryNonceStore::new();
        let server = LoginVerifier::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked)
                .certificates([cert("pki/intermediate-ca.pem")]),
            ORIGIN,
            &store,
        );
        let now = Time::from_utc(2026, 6, 1, 8, 0, 0).unwrap();
        let user = cert("pki/ee-rsa2048.pem");
        let user_key = key("keys/ee-rsa2048.key.pem");

        // A good login: who it is, in Vietnamese.
        let c = server.issue(now).unwrap();
        let who = server
            .verify(&answer(&c.nonce, ORIGIN, user.clone(), &user_key), now)
            .unwrap();
        assert_eq!(who.name.as_deref(), Some("Nguyễn Văn An"));
        assert_eq!(who.cccd.as_deref(), Some("001085012345"));
        assert_eq!(who.fingerprint_sha256.len(), 64);
        // Replayed: the nonce was used up.
        assert_eq!(
            server
                .verify(&answer(&c.nonce, ORIGIN, user.clone(), &user_key), now)
                .err(),
            Some(Error::Login(LoginError::NonceUnknown))
        );
        // Never issued.
        assert_eq!(
            server
                .verify(
                    &answer("bm90IGlzc3VlZA==", ORIGIN, user.clone(), &user_key),
                    now
                )
                .err(),
            Some(Error::Login(LoginError::NonceUnknown))
        );
        // Expired.
        let c = server.issue(now).unwrap();
        let later = Time::from_unix(now.unix() + 301);
        assert!(matches!(
            server.verify(&answer(&c.nonce, ORIGIN, user.clone(), &user_key), later),
            Err(Error::Login(LoginError::NonceExpired { .. }))
        ));
        // Signed for another site.
        let c = server.issue(now).unwrap();
        assert!(matches!(
            server.verify(
                &answer(
                    &c.nonce,
                    "https://phishing.example",
                    user.clone(),
                    &user_key
                ),
                now
            ),
            Err(Error::Login(LoginError::WrongOrigin { .. }))
        ));
        // Signed by another key than the certificate's.
        let c = server.issue(now).unwrap();
        assert_eq!(
            server
                .verify(
                    &answer(
                        &c.nonce,
                        ORIGIN,
                        user.clone(),
                        &key("keys/ee-rsa3072.key.pem")
                    ),
                    now
                )
                .err(),
            Some(Error::Login(LoginError::SignatureInvalid))
        );
        // A certificate whose key may only encipher keys.
        let c = server.issue(now).unwrap();
        assert!(matches!(
            server.verify(
                &answer(
                    &c.nonce,
                    ORIGIN,
                    cert("bad/no-signing-key-usage.pem"),
                    &key("bad/keys/no-signing-key-usage.key.pem")
                ),
                now
            ),
            Err(Error::Path {
                reason: PathError::KeyUsageNotAllowed {
                    purpose: KeyPurpose::ClientAuthentication,
                    ..
                },
                ..
            })
        ));
        // Revoked, when revocation is asked for.
        let crls = CrlStore::from_crls([
            Crl::from_file(vector_path("revocation/signing-ca.crl")).unwrap(),
            Crl::from_file(vector_path("revocation/root.crl")).unwrap(),
        ]);
        let strict = LoginVerifier::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&crls))
                .certificates([cert("pki/intermediate-ca.pem")]),
            ORIGIN,
            &store,
        );
        let c = strict.issue(now).unwrap();
        assert!(matches!(
            strict.verify(
                &answer(
                    &c.nonce,
                    ORIGIN,
                    cert("revocation/ee-revoked.pem"),
                    &key("revocation/keys/ee-revoked.key.pem")
                ),
                now
            ),
            Err(Error::Path {
                reason: PathError::Revoked { .. },
                ..
            })
        ));
        assert!(store.is_empty());
    }

    #[test]
    fn nonces_are_single_use_across_threads() {
        let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
        let store = InMemoryNonceStore::new();
        let server = LoginVerifier::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked)
                .certificates([cert("pki/intermediate-ca.pem")]),
            ORIGIN,
            &store,
        );
        let now = Time::from_utc(2026, 6, 1, 8, 0, 0).unwrap();
        let c = server.issue(now).unwrap();
        let response = answer(
            &c.nonce,
            ORIGIN,
            cert("pki/ee-ecdsa-p256.pem"),
            &key("keys/ee-ecdsa-p256.key.pem"),
        );
        let successes = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| server.verify(&response, now).is_ok()))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap())
                .filter(|ok| *ok)
                .count()
        });
        assert_eq!(successes, 1);
    }
}

#[test]
fn master_lists_give_the_cscas() {
    let list = master_list_certificates_unverified(&read("eid/masterlist.ml")).unwrap();
    assert_eq!(list.len(), 3);
    let anchors = TrustStore::from_certificates(list);
    let sod = Sod::parse(&read("eid/cccd-brainpool.sod")).unwrap();
    let (dg1, dg13) = (read("eid/cccd-dg1.bin"), read("eid/cccd-dg13.bin"));
    let report = PassiveAuth::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        vectors_time(),
    )
    .verify(&sod, &[(1, &dg1), (13, &dg13)]);
    assert!(report.is_passed(), "{:?}", report.signature.checks);
}

/// Some documents write the issuer name in the SOD's signer identifier with the attributes
/// in another order than the DS certificate: matched leniently, and said so.
#[test]
fn signer_names_in_another_order_match_leniently() {
    let mut sod_bytes = read("eid/cccd-brainpool.sod");
    let ds = Certificate::from_file(common::vector_path("eid/ds-vn.pem"))
        .unwrap()
        .remove(0);
    let issuer = ds.issuer().der().to_vec();
    // The issuer name's RDN SETs, reversed (same bytes, another order, same length).
    let (header, body) = {
        let l = usize::from(issuer[1]);
        assert!(l < 0x80);
        (issuer[..2].to_vec(), issuer[2..].to_vec())
    };
    let mut rdns = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let len = usize::from(body[i + 1]);
        rdns.push(body[i..i + 2 + len].to_vec());
        i += 2 + len;
    }
    assert!(rdns.len() >= 2);
    rdns.reverse();
    let reordered: Vec<u8> = header.into_iter().chain(rdns.concat()).collect();
    // The signer identifier comes after the embedded certificate: replace the last copy.
    let at = sod_bytes
        .windows(issuer.len())
        .rposition(|w| w == issuer.as_slice())
        .unwrap();
    sod_bytes[at..at + issuer.len()].copy_from_slice(&reordered);
    let sod = Sod::parse(&sod_bytes).unwrap();
    let anchors = TrustStore::from_certificates(certs("csca-vn.pem"));
    let (dg1, dg13) = (read("eid/cccd-dg1.bin"), read("eid/cccd-dg13.bin"));
    let report = PassiveAuth::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        vectors_time(),
    )
    .verify(&sod, &[(1, &dg1), (13, &dg13)]);
    assert!(report.is_passed(), "{:?}", report.signature.checks);
    assert!(
        report.warnings.contains(&kyso::Warning::LenientSignerMatch),
        "{:?}",
        report.warnings
    );
    // A strict CMS verifier does not find the signer.
    let strict = kyso::Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        {
            kyso::ValidationPolicy::now()
                .accept_content_type("2.23.136.1.1.1".parse().unwrap())
                .accept_content_type("1.3.27.1.1.1".parse().unwrap())
        },
    )
    .verify_encoded(&sod_bytes[4..], None);
    assert_eq!(
        strict.sub_indication(),
        Some(kyso::SubIndication::NoSigningCertificateFound)
    );
}
