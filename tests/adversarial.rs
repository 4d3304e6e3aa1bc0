//! The recipes of the adversarial review, each crafted at test time from the test PKI in
//! `test-vectors/` with the OpenSSL CLI (or by re-wrapping genuine objects it made), each
//! asserting the precise reason kyso refuses it. Skipped with a message where `openssl` is
//! missing, except under `CI=true`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use kyso::error::{ChipError, PathError, SignatureError, TimestampError};
use std::path::{Path, PathBuf};

use common::{cert, openssl, openssl_available, read, vector_path};
use der::{Decode, Encode};
use kyso::cms::TimeStampToken;
use kyso::validate::{CheckKind, Outcome};
use kyso::{
    Error, Indication, KeyPurpose, SignedCms, SubIndication, Time, TrustStore, ValidationPolicy,
    ValidationReport, Verifier,
};

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kyso-adv-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn p(path: &Path) -> String {
    path.to_str().unwrap().to_owned()
}

fn root() -> TrustStore {
    TrustStore::from_certificates([cert("pki/root-ca.pem")])
}

fn document() -> Vec<u8> {
    read("documents/cong-van.txt")
}

fn verdict(r: &ValidationReport) -> (Indication, Option<SubIndication>) {
    (r.indication(), r.sub_indication())
}

/// Signs `doc` with `openssl cms -sign` as `signer` (certificate and key files), with the
/// signing CA as the chain: a detached CAdES signature with signed attributes.
fn openssl_sign(dir: &Path, name: &str, signer: &Path, key: &Path, doc: &[u8]) -> SignedCms {
    let input = dir.join(format!("{name}.doc"));
    let out = dir.join(format!("{name}.p7s"));
    std::fs::write(&input, doc).unwrap();
    openssl(
        dir,
        &[
            "cms",
            "-sign",
            "-binary",
            "-cades",
            "-md",
            "sha256",
            "-in",
            &p(&input),
            "-signer",
            &p(signer),
            "-inkey",
            &p(key),
            "-certfile",
            &p(&vector_path("pki/intermediate-ca.pem")),
            "-outform",
            "DER",
            "-out",
            &p(&out),
        ],
    );
    SignedCms::from_der(&std::fs::read(out).unwrap()).unwrap()
}

/// The certificate-path failure of the only signer, with its error.
fn path_failure(report: &ValidationReport) -> &Error {
    let s = &report.signers[0];
    assert!(
        s.checks
            .iter()
            .any(|c| c.kind == CheckKind::CertificatePath && c.outcome == Outcome::Failed),
        "{report}"
    );
    s.error.as_ref().expect("an error behind the verdict")
}

// ----- 1. extendedKeyUsage of the document signer -----

/// The keys of the TSA (extendedKeyUsage critical, timeStamping only) and of the OCSP
/// responder (OCSPSigning only) sign a document with every signed attribute in place:
/// refused for document signing, naming the purposes their certificates carry.
#[test]
fn online_service_keys_do_not_sign_documents() {
    if !openssl_available() {
        return;
    }
    let dir = tempdir("service-keys");
    for (name, purpose) in [
        ("tsa", "1.3.6.1.5.5.7.3.8"),
        ("ocsp-responder", "1.3.6.1.5.5.7.3.9"),
    ] {
        let cms = openssl_sign(
            &dir,
            name,
            &vector_path(&format!("revocation/{name}.pem")),
            &vector_path(&format!("revocation/keys/{name}.key.pem")),
            &document(),
        );
        let report = Verifier::new(
            &kyso::TrustContext::new(&root(), kyso::Revocation::NotChecked),
            ValidationPolicy::at(Time::now()),
        )
        .verify(&cms, Some(&document()));
        assert_eq!(
            verdict(&report),
            (
                Indication::Indeterminate,
                Some(SubIndication::ChainConstraintsFailure)
            ),
            "{name}: {report}"
        );
        match path_failure(&report) {
            Error::Path {
                cert,
                reason:
                    PathError::ExtendedKeyUsageNotAllowed {
                        purpose: KeyPurpose::DocumentSigning,
                        found,
                    },
            } => {
                assert_eq!(cert.index, 0);
                assert_eq!(found, &[purpose], "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The signer of a genuine RFC 3161 token (made by `openssl ts -reply`), lifted out of it:
/// its signed attributes dropped, wrapped in a new SignedData of id-data, and "the
/// document" is the DER SET of the token's signed attributes, which is what the TSA's key
/// signed. The signature value verifies; the replay is refused twice over: by default for
/// binding no content type, and under the legacy policy for the TSA certificate's
/// extendedKeyUsage.
#[test]
fn a_timestamp_token_signature_is_not_a_signed_document() {
    let token = TimeStampToken::from_response_der(&read("revocation/cong-van.tsr")).unwrap();
    let (replay, doc) = strip_signed_attributes(token.der());
    let at = token.gen_time();
    assert_replay_refused(&replay, &doc, at, "1.3.6.1.5.5.7.3.8");
}

/// The same with a delegated OCSP response (made by `openssl ocsp`, signed by the test
/// responder): its signature over tbsResponseData, presented as a signer without signed
/// attributes over "the document" tbsResponseData.
#[test]
fn an_ocsp_response_signature_is_not_a_signed_document() {
    if !openssl_available() {
        return;
    }
    let dir = tempdir("ocsp-replay");
    let index = format!(
        "V\t450101000000Z\t\t{}\tunknown\t/CN=good\n",
        cert("pki/ee-rsa2048.pem").serial_hex()
    );
    std::fs::write(dir.join("index.txt"), index).unwrap();
    openssl(
        &dir,
        &[
            "ocsp",
            "-issuer",
            &p(&vector_path("pki/intermediate-ca.pem")),
            "-cert",
            &p(&vector_path("pki/ee-rsa2048.pem")),
            "-no_nonce",
            "-reqout",
            "req.der",
        ],
    );
    openssl(
        &dir,
        &[
            "ocsp",
            "-index",
            "index.txt",
            "-CA",
            &p(&vector_path("pki/intermediate-ca.pem")),
            "-rsigner",
            &p(&vector_path("revocation/ocsp-responder.pem")),
            "-rkey",
            &p(&vector_path("revocation/keys/ocsp-responder.key.pem")),
            "-reqin",
            "req.der",
            "-respout",
            "resp.der",
            "-ndays",
            "1",
        ],
    );
    let response = std::fs::read(dir.join("resp.der")).unwrap();
    let (replay, doc) = ocsp_as_signer_info(&response, &cert("revocation/ocsp-responder.pem"));
    assert_replay_refused(&replay, &doc, Time::now(), "1.3.6.1.5.5.7.3.9");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn assert_replay_refused(replay: &SignedCms, doc: &[u8], at: Time, purpose: &str) {
    let report = Verifier::new(
        &kyso::TrustContext::new(&root(), kyso::Revocation::NotChecked),
        ValidationPolicy::at(at),
    )
    .verify(replay, Some(doc));
    assert_eq!(
        verdict(&report),
        (
            Indication::Indeterminate,
            Some(SubIndication::SigConstraintsFailure)
        ),
        "{report}"
    );
    let s = &report.signers[0];
    assert!(
        s.checks.iter().any(|c| c.kind == CheckKind::ContentType
            && c.outcome == Outcome::Failed
            && c.detail.contains("no signed attributes")),
        "{report}"
    );
    // Refused there: nothing more is checked.
    assert!(
        !s.checks.iter().any(|c| c.kind == CheckKind::SignatureValue),
        "{report}"
    );
    let legacy =
        ValidationPolicy::at(at).accept_signatures_without_signed_attributes_for_legacy_use_only();
    let report = Verifier::new(
        &kyso::TrustContext::new(&root(), kyso::Revocation::NotChecked),
        legacy,
    )
    .verify(replay, Some(doc));
    // The bytes were genuinely signed by that key: this is a replay, not a forgery.
    assert!(
        report.signers[0]
            .checks
            .iter()
            .any(|c| c.kind == CheckKind::SignatureValue && c.outcome == Outcome::Passed),
        "{report}"
    );
    assert_eq!(
        verdict(&report),
        (
            Indication::Indeterminate,
            Some(SubIndication::ChainConstraintsFailure)
        ),
        "{report}"
    );
    assert!(
        matches!(
            path_failure(&report),
            Error::Path { reason: PathError::ExtendedKeyUsageNotAllowed { found, .. }, .. } if found == &[purpose]
        ),
        "{report}"
    );
}

const ID_DATA: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");

/// A detached SignedData of id-data holding `signer` and `certificates`.
fn wrap(
    signer: cms::signed_data::SignerInfo,
    certificates: Option<cms::signed_data::CertificateSet>,
) -> SignedCms {
    use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerInfos};
    let digest_algorithms = der::asn1::SetOfVec::try_from(vec![signer.digest_alg.clone()]).unwrap();
    let sd = SignedData {
        version: cms::content_info::CmsVersion::V1,
        digest_algorithms,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates,
        crls: None,
        signer_infos: SignerInfos(der::asn1::SetOfVec::try_from(vec![signer]).unwrap()),
    };
    let ci = cms::content_info::ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: der::Any::encode_from(&sd).unwrap(),
    };
    SignedCms::from_der(&ci.to_der().unwrap()).unwrap()
}

/// The token's signer without its signed attributes, in a SignedData of id-data, and the
/// DER SET of those attributes.
fn strip_signed_attributes(token: &[u8]) -> (SignedCms, Vec<u8>) {
    let ci = cms::content_info::ContentInfo::from_der(token).unwrap();
    let sd: cms::signed_data::SignedData = ci.content.decode_as().unwrap();
    let mut si = sd.signer_infos.0.iter().next().unwrap().clone();
    let doc = si.signed_attrs.take().unwrap().to_der().unwrap();
    si.unsigned_attrs = None;
    (wrap(si, sd.certificates), doc)
}

/// An OCSP response's signature as a SignerInfo of `responder`, and its tbsResponseData.
fn ocsp_as_signer_info(response: &[u8], responder: &kyso::Certificate) -> (SignedCms, Vec<u8>) {
    use cms::cert::IssuerAndSerialNumber;
    use cms::signed_data::{SignatureValue, SignerIdentifier, SignerInfo};
    #[derive(der::Sequence)]
    struct ResponseBytes {
        response_type: der::asn1::ObjectIdentifier,
        response: der::asn1::OctetString,
    }
    #[derive(der::Sequence)]
    struct OcspResponse {
        status: der::Any,
        #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
        bytes: ResponseBytes,
    }
    #[derive(der::Sequence)]
    struct Basic {
        tbs: der::Any,
        algorithm: x509_cert::spki::AlgorithmIdentifierOwned,
        signature: der::asn1::BitString,
        #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
        certs: Option<Vec<der::Any>>,
    }
    let outer = OcspResponse::from_der(response).unwrap();
    let basic = Basic::from_der(outer.bytes.response.as_bytes()).unwrap();
    let x509 = x509_cert::Certificate::from_der(responder.der()).unwrap();
    let signer = SignerInfo {
        version: cms::content_info::CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: x509.tbs_certificate().issuer().clone(),
            serial_number: x509.tbs_certificate().serial_number().clone(),
        }),
        digest_alg: x509_cert::spki::AlgorithmIdentifierOwned {
            oid: der::asn1::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1"),
            parameters: None,
        },
        signed_attrs: None,
        signature_algorithm: basic.algorithm.clone(),
        signature: SignatureValue::new(basic.signature.raw_bytes()).unwrap(),
        unsigned_attrs: None,
    };
    let certs = [responder.der(), cert("pki/intermediate-ca.pem").der()]
        .iter()
        .map(|d| {
            cms::cert::CertificateChoices::Certificate(x509_cert::Certificate::from_der(d).unwrap())
        })
        .collect::<Vec<_>>();
    let set = cms::signed_data::CertificateSet(der::asn1::SetOfVec::try_from(certs).unwrap());
    (wrap(signer, Some(set)), basic.tbs.to_der().unwrap())
}

/// Document signing with extendedKeyUsage present: the allowlisted purposes pass, a
/// purpose of the caller's passes once the policy adds it, and certificates that name a
/// purpose of online services are refused, whatever else they name (a TLS server
/// certificate with clientAuth too) and even when the caller adds it.
#[test]
fn document_signing_extended_key_usage_allowlist() {
    if !openssl_available() {
        return;
    }
    let dir = tempdir("eku");
    let custom = "1.3.6.1.4.1.55555.4.1";
    let cases: [(&str, &str, &[&str]); 11] = [
        ("none", "", &[]),
        (
            "document-signing",
            "extendedKeyUsage = 1.3.6.1.5.5.7.3.36",
            &[],
        ),
        (
            "client-email",
            "extendedKeyUsage = clientAuth, emailProtection",
            &[],
        ),
        (
            "server-client",
            "extendedKeyUsage = serverAuth, clientAuth",
            &["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
        ),
        ("adobe", "extendedKeyUsage = 1.2.840.113583.1.1.5", &[]),
        (
            "microsoft",
            "extendedKeyUsage = 1.3.6.1.4.1.311.10.3.12",
            &[],
        ),
        ("any", "extendedKeyUsage = anyExtendedKeyUsage", &[]),
        (
            "server",
            "extendedKeyUsage = serverAuth",
            &["1.3.6.1.5.5.7.3.1"],
        ),
        (
            "code",
            "extendedKeyUsage = codeSigning",
            &["1.3.6.1.5.5.7.3.3"],
        ),
        (
            "custom",
            "extendedKeyUsage = 1.3.6.1.4.1.55555.4.1",
            &[custom],
        ),
        (
            "timestamping",
            "extendedKeyUsage = critical, timeStamping",
            &["1.3.6.1.5.5.7.3.8"],
        ),
    ];
    for (name, eku, refused) in cases {
        let ext = format!(
            "basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature,nonRepudiation\n{eku}\n"
        );
        let (pem, key) = common::issue_from_signing_ca(
            &dir,
            name,
            &format!("/C=VN/O=Kyso Test/CN=EKU {name}"),
            &ext,
        );
        let cms = openssl_sign(&dir, name, &pem, &key, &document());
        let report = Verifier::new(
            &kyso::TrustContext::new(&root(), kyso::Revocation::NotChecked),
            ValidationPolicy::at(Time::now()),
        )
        .verify(&cms, Some(&document()));
        if refused.is_empty() {
            assert!(report.is_passed(), "{name}: {report}");
            continue;
        }
        assert_eq!(
            verdict(&report),
            (
                Indication::Indeterminate,
                Some(SubIndication::ChainConstraintsFailure)
            ),
            "{name}: {report}"
        );
        assert!(
            matches!(path_failure(&report), Error::Path { reason: PathError::ExtendedKeyUsageNotAllowed { found, .. }, .. } if found == refused),
            "{name}: {report}"
        );
        // The caller may add its own purpose, never an online service's.
        let added =
            ValidationPolicy::at(Time::now()).document_signing_eku(refused[0].parse().unwrap());
        let report = Verifier::new(
            &kyso::TrustContext::new(&root(), kyso::Revocation::NotChecked),
            added,
        )
        .verify(&cms, Some(&document()));
        assert_eq!(report.is_passed(), name == "custom", "{name}: {report}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

// ----- 3. work bounds on hostile input -----

/// `tag`, its DER length, `content`.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | u8::try_from(bytes.len()).unwrap());
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// `ci` (a ContentInfo of SignedData) rebuilt with `signers(original)` as its SignerInfos
/// (in that order, however many, repeats kept) and `ocsp` added to its `crls` as RFC 5940
/// OCSP responses. Everything else is kept as encoded.
fn stuff_signed_data(
    ci: &[u8],
    signers: impl Fn(&cms::signed_data::SignerInfo) -> Vec<cms::signed_data::SignerInfo>,
    ocsp: &[Vec<u8>],
) -> Vec<u8> {
    let ci = cms::content_info::ContentInfo::from_der(ci).unwrap();
    let sd: cms::signed_data::SignedData = ci.content.decode_as().unwrap();
    let mut body = sd.version.to_der().unwrap();
    body.extend(sd.digest_algorithms.to_der().unwrap());
    body.extend(sd.encap_content_info.to_der().unwrap());
    if let Some(certs) = &sd.certificates {
        let mut d = certs.to_der().unwrap();
        d[0] = 0xa0;
        body.extend(d);
    }
    let mut crls = Vec::new();
    if let Some(existing) = &sd.crls {
        for c in existing.0.iter() {
            crls.extend(c.to_der().unwrap());
        }
    }
    let id_ri_ocsp = der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.16.2")
        .to_der()
        .unwrap();
    for r in ocsp {
        crls.extend(tlv(0xa1, &[id_ri_ocsp.as_slice(), r].concat()));
    }
    if !crls.is_empty() {
        body.extend(tlv(0xa1, &crls));
    }
    let original = sd.signer_infos.0.iter().next().unwrap();
    let mut sis: Vec<Vec<u8>> = signers(original)
        .iter()
        .map(|s| s.to_der().unwrap())
        .collect();
    // SET OF in DER order (repeats side by side).
    sis.sort();
    body.extend(tlv(0x31, &sis.concat()));
    let sd_der = tlv(0x30, &body);
    let oid = ID_SIGNED_DATA.to_der().unwrap();
    tlv(0x30, &[oid.as_slice(), &tlv(0xa0, &sd_der)].concat())
}

/// An OCSP response about `subject` (issued by `issuer`), signed by the issuer itself with
/// `openssl ocsp`, without certificates so that its signature ends it, and `count`
/// variants of it each with one bit of the signature flipped: genuine in every byte but
/// the signature, so each is about the certificate and each costs a signature check.
fn damaged_ocsp_responses(
    dir: &Path,
    subject: &str,
    issuer: &str,
    issuer_key: &str,
    count: usize,
) -> Vec<Vec<u8>> {
    let serial = cert(subject).serial_hex();
    std::fs::write(
        dir.join("index.txt"),
        format!("V\t450101000000Z\t\t{serial}\tunknown\t/CN=s\n"),
    )
    .unwrap();
    openssl(
        dir,
        &[
            "ocsp",
            "-issuer",
            &p(&vector_path(issuer)),
            "-cert",
            &p(&vector_path(subject)),
            "-no_nonce",
            "-reqout",
            "req.der",
        ],
    );
    openssl(
        dir,
        &[
            "ocsp",
            "-index",
            "index.txt",
            "-CA",
            &p(&vector_path(issuer)),
            "-rsigner",
            &p(&vector_path(issuer)),
            "-rkey",
            &p(&vector_path(issuer_key)),
            "-resp_no_certs",
            "-reqin",
            "req.der",
            "-respout",
            "resp.der",
            "-ndays",
            "1",
        ],
    );
    let genuine = std::fs::read(dir.join("resp.der")).unwrap();
    (0..count)
        .map(|i| {
            let mut r = genuine.clone();
            let at = r.len() - 1 - i / 8;
            r[at] ^= 1 << (i % 8);
            r
        })
        .collect()
}

/// The genuine test CCCD SOD with its SignerInfo repeated 64 times and 256 OCSP responses
/// about the Document Signer whose signatures do not verify: passive authentication
/// verifies the one signer ICAO 9303 gives an EF.SOD, each response at most once and at
/// most 16 of them, and then stops (Indeterminate); the count of signature checks, not a
/// time, is the bound.
#[test]
fn hostile_sod_costs_a_bounded_number_of_signature_checks() {
    use kyso::eid::{PassiveAuth, PassiveAuthVerdict, Sod};
    use kyso::limits::MAX_REVOCATION_ITEMS_PER_CERTIFICATE;
    if !openssl_available() {
        return;
    }
    let dir = tempdir("hostile-sod");
    let ocsp = damaged_ocsp_responses(
        &dir,
        "eid/ds-vn.pem",
        "eid/csca-vn.pem",
        "eid/csca-vn.key",
        256,
    );
    let genuine = read("eid/cccd-brainpool.sod");
    let ci = &genuine[genuine.len() - der_len_of_content(&genuine)..];
    let stuffed = stuff_signed_data(ci, |si| vec![si.clone(); 64], &ocsp);
    let sod_bytes = tlv(0x77, &stuffed);
    let sod = Sod::parse(&sod_bytes).unwrap();
    let cscas = TrustStore::from_certificates([cert("eid/csca-vn.pem")]);
    let dg1 = read("eid/cccd-dg1.bin");
    let dg13 = read("eid/cccd-dg13.bin");
    let report = PassiveAuth::new(
        &kyso::TrustContext::new(&cscas, kyso::Revocation::NotChecked),
        Time::now(),
    )
    .verify(&sod, &[(1, &dg1), (13, &dg13)]);
    // One SignerInfo, one certificate link, and the revocation items examined.
    let bound = 1 + 1 + MAX_REVOCATION_ITEMS_PER_CERTIFICATE;
    assert!(
        report.signature_checks <= bound,
        "{} signature checks, bound {bound}",
        report.signature_checks
    );
    eprintln!(
        "hostile EF.SOD (64 SignerInfos, 256 bad OCSP responses): {} signature checks",
        report.signature_checks
    );
    // More revocation data about the Document Signer than is examined: its status cannot
    // be had (a revocation could hide among what was not looked at), whatever the policy.
    assert_eq!(
        report.verdict,
        PassiveAuthVerdict::Indeterminate,
        "{report:?}"
    );
    assert!(
        matches!(
            report.signature.error,
            Some(Error::Path {
                reason: PathError::TooManyRevocationItems { limit: 16, .. },
                ..
            })
        ),
        "{:?}",
        report.signature.error
    );
    assert!(
        report
            .warnings
            .contains(&kyso::Warning::SodSignerCount { signers: 64 })
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The length of the content of the outermost TLV of `bytes` (the whole ContentInfo
/// inside EF.SOD's application tag 77).
fn der_len_of_content(bytes: &[u8]) -> usize {
    let first = bytes[1];
    if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        bytes[2..2 + n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b))
    }
}

/// OpenSSL's CMS signature under the EC test PKI, stuffed the same way: 64 copies of its
/// SignerInfo, 256 damaged OCSP responses about the signer. Every signer gets the same
/// verdict (INDETERMINATE: more revocation data about the signer than is examined), and
/// the call makes each distinct check once. With 64 different
/// damaged SignerInfos instead, each is refused on its signature value alone: no chain,
/// no revocation data is looked at for a signature proven wrong.
#[test]
fn hostile_cms_costs_a_bounded_number_of_signature_checks() {
    use kyso::limits::MAX_REVOCATION_ITEMS_PER_CERTIFICATE;
    if !openssl_available() {
        return;
    }
    let dir = tempdir("hostile-cms");
    let ocsp = damaged_ocsp_responses(
        &dir,
        "pki/ee-ec-chain.pem",
        "pki/ec-intermediate-ca.pem",
        "keys/ec-intermediate-ca.key.pem",
        256,
    );
    let genuine = read("cms/openssl-ec-chain.p7s");
    let anchors = TrustStore::from_certificates([cert("pki/ec-root-ca.pem")]);
    let at = Time::from_utc(2030, 1, 1, 0, 0, 0).unwrap();
    let stuffed = SignedCms::from_der(&stuff_signed_data(
        &genuine,
        |si| vec![si.clone(); 64],
        &ocsp,
    ))
    .unwrap();
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::at(at),
    )
    .verify(&stuffed, Some(&document()));
    assert_eq!(report.signers.len(), 64);
    // The signer, two links, the revocation items examined for the signer.
    let bound = 1 + 2 + MAX_REVOCATION_ITEMS_PER_CERTIFICATE;
    assert!(
        report.signature_checks <= bound,
        "{} signature checks, bound {bound}",
        report.signature_checks
    );
    eprintln!(
        "hostile CMS (64 SignerInfos, 256 bad OCSP responses): {} signature checks",
        report.signature_checks
    );
    assert_eq!(
        verdict(&report),
        (
            Indication::Indeterminate,
            Some(SubIndication::CertificateChainGeneralFailure)
        ),
        "{report}"
    );
    assert!(report.signers.iter().all(|s| matches!(
        s.error,
        Some(Error::Path {
            reason: PathError::TooManyRevocationItems { .. },
            ..
        })
    )));
    // The same under Required.
    let none = kyso::CrlStore::new();
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&none)),
        ValidationPolicy::at(at),
    )
    .verify(&stuffed, Some(&document()));
    assert_eq!(
        verdict(&report),
        (
            Indication::Indeterminate,
            Some(SubIndication::CertificateChainGeneralFailure)
        ),
        "{:?}",
        report.signers[0].checks
    );
    assert!(report.signature_checks <= bound);

    // 64 different SignerInfos, each with a damaged signature value.
    let damaged = SignedCms::from_der(&stuff_signed_data(
        &genuine,
        |si| {
            (0..64u8)
                .map(|i| {
                    let mut s = si.clone();
                    let mut value = s.signature.as_bytes().to_vec();
                    let last = value.len() - 1;
                    value[last - usize::from(i / 8)] ^= 1 << (i % 8);
                    s.signature = cms::signed_data::SignatureValue::new(value).unwrap();
                    s
                })
                .collect()
        },
        &ocsp,
    ))
    .unwrap();
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::at(at),
    )
    .verify(&damaged, Some(&document()));
    assert_eq!(report.signers.len(), 64);
    assert!(
        report
            .signers
            .iter()
            .all(|s| s.sub_indication == Some(SubIndication::SigCryptoFailure))
    );
    assert!(
        report.signature_checks <= 64,
        "{} signature checks",
        report.signature_checks
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A TSA answering with `openssl ts -reply` as the test TSA (revocation/tsa.pem), from
/// files in `dir`; `digests` are those it accepts in requests, `ess` the hash of its ESS
/// signing-certificate reference (`sha1` makes ESS v1).
fn openssl_tsa(
    dir: &Path,
    digests: &str,
    ess: &str,
) -> impl Fn(&kyso::tsp::TimeStampRequest) -> Result<Vec<u8>, Error> + Send + Sync {
    let chain = [
        std::fs::read_to_string(vector_path("revocation/tsa.pem")).unwrap(),
        std::fs::read_to_string(vector_path("pki/intermediate-ca.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("tsa-chain.pem"), chain).unwrap();
    std::fs::write(dir.join("tsa-serial"), "01\n").unwrap();
    std::fs::write(
        dir.join("ts.cnf"),
        format!(
            "[tsa]\ndefault_tsa = t\n[t]\nserial = {}\nsigner_cert = {}\ncerts = {}\nsigner_key = {}\nsigner_digest = sha256\ndefault_policy = 1.3.6.1.4.1.55555.3.1\ndigests = {digests}\naccuracy = secs:1\nordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = {ess}\n",
            p(&dir.join("tsa-serial")),
            p(&vector_path("revocation/tsa.pem")),
            p(&dir.join("tsa-chain.pem")),
            p(&vector_path("revocation/keys/tsa.key.pem")),
        ),
    )
    .unwrap();
    let dir = dir.to_path_buf();
    let counter = std::sync::atomic::AtomicUsize::new(0);
    move |request: &kyso::tsp::TimeStampRequest| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let (q, a) = (format!("ts-{n}.tsq"), format!("ts-{n}.tsr"));
        std::fs::write(dir.join(&q), request.der()).unwrap();
        openssl(
            &dir,
            &[
                "ts",
                "-reply",
                "-config",
                "ts.cnf",
                "-queryfile",
                &q,
                "-out",
                &a,
            ],
        );
        Ok(std::fs::read(dir.join(&a)).unwrap())
    }
}

/// A CAdES-B-T signature whose six signature timestamps (genuine tokens of `openssl ts`)
/// each carry 256 OCSP responses about the TSA whose signatures do not verify: at most four
/// tokens are read, each damaged response is checked once for the whole call, at most 16
/// per certificate. The same stuffed token checked alone costs a handful of checks too.
#[test]
fn hostile_timestamps_cost_a_bounded_number_of_signature_checks() {
    use kyso::cms::TimeStampStamper;
    use kyso::limits::{MAX_REVOCATION_ITEMS_PER_CERTIFICATE, MAX_SIGNATURE_TIMESTAMPS};
    use kyso::{SignatureBuilder, SoftwareSigner};
    if !openssl_available() {
        return;
    }
    let dir = tempdir("hostile-tst");
    let ocsp = damaged_ocsp_responses(
        &dir,
        "revocation/tsa.pem",
        "pki/intermediate-ca.pem",
        "keys/intermediate-ca.key.pem",
        256,
    );
    let key = SoftwareSigner::from_file(vector_path("keys/ee-rsa2048.key.pem"), None).unwrap();
    let signed = SignatureBuilder::new(cert("pki/ee-rsa2048.pem"), Time::now())
        .chain([cert("pki/intermediate-ca.pem")])
        .sign(&document(), &key)
        .unwrap();
    let tsa = openssl_tsa(&dir, "sha256", "sha256");
    let anchors = root();
    let stamper = TimeStampStamper::new(&tsa, &anchors);
    let ci = cms::content_info::ContentInfo::from_der(&signed.to_der().unwrap()).unwrap();
    let sd: cms::signed_data::SignedData = ci.content.decode_as().unwrap();
    let value = sd
        .signer_infos
        .0
        .iter()
        .next()
        .unwrap()
        .signature
        .as_bytes()
        .to_vec();
    let tokens: Vec<Vec<u8>> = (0..6)
        .map(|_| {
            let (token, _) = stamper.stamp(&value).unwrap();
            stuff_signed_data(token.der(), |si| vec![si.clone()], &ocsp)
        })
        .collect();

    // The stuffed token alone: refused (too much revocation data about its TSA), within
    // the bound.
    let token = TimeStampToken::from_der(&tokens[0]).unwrap();
    let imprint = kyso::digest::digest(kyso::digest::DigestAlgorithm::Sha256, &value);
    assert!(matches!(
        token.verify(
            &anchors,
            &imprint,
            None,
            &kyso::key::AlgorithmPolicy::default()
        ),
        Err(Error::Timestamp(TimestampError::Signature { .. }))
    ));
    let alone = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        {
            let mut p = ValidationPolicy::at(token.gen_time())
                .accept_content_type("1.2.840.113549.1.9.16.1.4".parse().unwrap());
            p.purpose = KeyPurpose::TimeStamping;
            p
        },
    )
    .verify_encoded(&tokens[0], None)
    .signature_checks;
    assert!(
        alone <= 1 + 2 + MAX_REVOCATION_ITEMS_PER_CERTIFICATE,
        "{alone} signature checks"
    );

    // Six such tokens on one signer.
    let stamped = stuff_signed_data(
        &signed.to_der().unwrap(),
        |si| {
            let mut s = si.clone();
            let values: Vec<der::Any> = tokens
                .iter()
                .map(|t| der::Any::from_der(t).unwrap())
                .collect();
            s.unsigned_attrs = Some(
                der::asn1::SetOfVec::try_from(vec![x509_cert::attr::Attribute {
                    oid: der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14"),
                    values: der::asn1::SetOfVec::try_from(values).unwrap(),
                }])
                .unwrap(),
            );
            vec![s]
        },
        &[],
    );
    let cms = SignedCms::from_der(&stamped).unwrap();
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::at(Time::now()),
    )
    .verify(&cms, Some(&document()));
    // The signature stands on its own; the stuffed tokens prove nothing.
    assert!(report.is_passed(), "{report}");
    let s = &report.signers[0];
    assert!(s.best_signature_time.is_none(), "{report}");
    // The signer and its two links; per token read, its signer; the TSA's link to the
    // signing CA (the CA's own link is the signer's); the damaged responses, once.
    let bound = 1 + 2 + MAX_SIGNATURE_TIMESTAMPS + 1 + MAX_REVOCATION_ITEMS_PER_CERTIFICATE;
    assert!(
        report.signature_checks <= bound,
        "{} signature checks, bound {bound}",
        report.signature_checks
    );
    eprintln!(
        "hostile CAdES-B-T (6 tokens with 256 bad OCSP responses each): {} signature checks; one such token alone: {alone}",
        report.signature_checks
    );
    assert!(
        s.warnings
            .contains(&kyso::Warning::TimestampsNotAllChecked { checked: 4 }),
        "{report}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ----- 4. a revoked certificate pinned as a trust anchor -----

/// The revoked signer of test-vectors/revocation/ (keyCompromise, 2026-03-01, in the
/// signing CA's CRL) pinned in the trust store: under RevocationPolicy::Required it is
/// still checked against its issuer's CRL and refused; with its issuer out of reach,
/// Required refuses for want of a status, and so does IfAvailable when the issuer's CRL is
/// at hand (with no data at all it says the status is unknown); a signature by it is
/// REVOKED_NO_POE, and the report says revocation was checked.
#[test]
fn a_pinned_signer_certificate_is_still_checked_for_revocation() {
    use kyso::revocation::{RevocationOutcome, RevocationReason};
    use kyso::{CrlStore, PathValidator, SignatureBuilder, SoftwareSigner};
    let revoked = cert("revocation/ee-revoked.pem");
    let pinned = TrustStore::from_certificates([revoked.clone()]);
    let crls = CrlStore::from_crls([kyso::revocation::Crl::from_file(vector_path(
        "revocation/signing-ca.crl",
    ))
    .unwrap()]);
    let signing_ca = [cert("pki/intermediate-ca.pem")];
    let at = common::validation_time();
    let v = PathValidator::new(
        &kyso::TrustContext::new(&pinned, kyso::Revocation::Required(&crls)),
        at,
    );
    match v.validate(&revoked, &signing_ca) {
        Err(Error::Path {
            cert,
            reason: PathError::Revoked { reason, .. },
        }) => {
            assert_eq!(cert.index, 0);
            assert_eq!(reason, RevocationReason::KeyCompromise);
        }
        other => panic!("{other:?}"),
    }
    // The issuer's certificate is not at hand: no status can be had.
    match v.validate(&revoked, &[]) {
        Err(Error::Path {
            reason: PathError::RevocationUnknown { reason, .. },
            ..
        }) => {
            assert!(reason.contains("trust anchor"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // If available: the issuer's CRL is at hand but cannot be checked without the issuer's
    // certificate, which must not read as "no data".
    assert!(matches!(
        PathValidator::new(&kyso::TrustContext::new(&pinned, kyso::Revocation::IfAvailable(&crls)), at)
            .validate(&revoked, &[]),
        Err(Error::Path { reason: PathError::RevocationUnknown { reason, .. }, .. }) if reason.contains("could not be checked")
    ));
    // No data at all: the status is recorded as unknown.
    let path = PathValidator::new(
        &kyso::TrustContext::new(&pinned, kyso::Revocation::IfAvailable(&CrlStore::new())),
        at,
    )
    .validate(&revoked, &[])
    .unwrap();
    assert!(matches!(
        &path.revocation()[0].outcome,
        RevocationOutcome::Unknown { reason } if reason.contains("trust anchor")
    ));
    // A good certificate pinned the same way passes, its status checked.
    let good = cert("revocation/ee-good.pem");
    let pinned_good = TrustStore::from_certificates([good.clone()]);
    let path = PathValidator::new(
        &kyso::TrustContext::new(&pinned_good, kyso::Revocation::Required(&crls)),
        at,
    )
    .validate(&good, &signing_ca)
    .unwrap();
    assert!(matches!(
        &path.revocation()[0].outcome,
        RevocationOutcome::NotRevoked { .. }
    ));

    // A document signed with the revoked key, verified against the pinned certificate.
    let key =
        SoftwareSigner::from_file(vector_path("revocation/keys/ee-revoked.key.pem"), None).unwrap();
    let signed = SignatureBuilder::new(
        revoked.clone(),
        Time::from_utc(2026, 2, 1, 0, 0, 0).unwrap(),
    )
    .chain(signing_ca.clone())
    .sign(&document(), &key)
    .unwrap();
    let report = Verifier::new(
        &kyso::TrustContext::new(&pinned, kyso::Revocation::Required(&crls)),
        ValidationPolicy::at(at),
    )
    .verify(&signed, Some(&document()));
    assert_eq!(
        verdict(&report),
        (Indication::Indeterminate, Some(SubIndication::RevokedNoPoe)),
        "{report}"
    );
    // Without the CRL, if available: passes, and says the status is unknown.
    let none = CrlStore::new();
    let report = Verifier::new(
        &kyso::TrustContext::new(&pinned, kyso::Revocation::IfAvailable(&none)),
        ValidationPolicy::at(at),
    )
    .verify(&signed, Some(&document()));
    assert!(report.is_passed(), "{report}");
    let s = &report.signers[0];
    assert!(
        s.checks
            .iter()
            .any(|c| c.kind == CheckKind::Revocation && c.detail.contains("status unknown")),
        "{report}"
    );
}

// ----- 5. name constraints and Unicode -----

/// Issues, with the OpenSSL CLI, a sub-CA under the test root whose nameConstraints
/// exclude `C=VN, O=Bộ Công an` (the UTF8String written in NFC, through OpenSSL's ASN.1
/// generator since its dirName sections cannot carry UTF-8), then an end entity under it
/// for each `(name, organisation)`. Returns the sub-CA and the end entities.
fn constrained_ca_and_subjects(
    dir: &Path,
    organisations: &[(&str, &str)],
) -> (kyso::Certificate, Vec<(String, kyso::Certificate, PathBuf)>) {
    let ext = "[e]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nnameConstraints=critical,ASN1:SEQUENCE:nc\n[nc]\nexcluded = IMPLICIT:1,SEQUENCE:subtrees\n[subtrees]\nsubtree = SEQUENCE:subtree\n[subtree]\nbase = EXPLICIT:4,SEQUENCE:dn\n[dn]\nc = SET:c_rdn\no = SET:o_rdn\n[c_rdn]\na = SEQUENCE:c_atv\n[c_atv]\nt = OID:countryName\nv = PRINTABLESTRING:VN\n[o_rdn]\na = SEQUENCE:o_atv\n[o_atv]\nt = OID:organizationName\nv = FORMAT:UTF8,UTF8String:B\u{1ed9} C\u{f4}ng an\n";
    std::fs::write(dir.join("sub.cnf"), ext).unwrap();
    let ee_ext = "[e]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nauthorityKeyIdentifier=keyid\n";
    std::fs::write(dir.join("ee.cnf"), ee_ext).unwrap();
    let key = |name: &str| {
        openssl(
            dir,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &format!("{name}.key"),
            ],
        )
    };
    key("sub");
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            "sub.key",
            "-subj",
            "/C=VN/O=Kyso Test/CN=Constrained CA",
            "-out",
            "sub.csr",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "sub.csr",
            "-CA",
            &p(&vector_path("pki/root-ca.pem")),
            "-CAkey",
            &p(&vector_path("keys/root-ca.key.pem")),
            "-CAcreateserial",
            "-CAserial",
            "root.srl",
            "-days",
            "30",
            "-extfile",
            "sub.cnf",
            "-extensions",
            "e",
            "-out",
            "sub.pem",
        ],
    );
    let sub = kyso::Certificate::from_file(dir.join("sub.pem"))
        .unwrap()
        .remove(0);
    let mut out = Vec::new();
    for (name, organisation) in organisations {
        key(name);
        openssl(
            dir,
            &[
                "req",
                "-new",
                "-utf8",
                "-key",
                &format!("{name}.key"),
                "-subj",
                &format!("/C=VN/O={organisation}/CN=C\u{e1}n b\u{1ed9} {name}"),
                "-out",
                &format!("{name}.csr"),
            ],
        );
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                "sub.pem",
                "-CAkey",
                "sub.key",
                "-CAcreateserial",
                "-CAserial",
                "sub.srl",
                "-days",
                "30",
                "-extfile",
                "ee.cnf",
                "-extensions",
                "e",
                "-out",
                &format!("{name}.pem"),
            ],
        );
        let c = kyso::Certificate::from_file(dir.join(format!("{name}.pem")))
            .unwrap()
            .remove(0);
        out.push((name.to_string(), c, dir.join(format!("{name}.key"))));
    }
    (sub, out)
}

/// A sub-CA barred from issuing to `O=Bộ Công an` issues to that name written composed
/// (NFC), decomposed (NFD, as macOS and some databases store Vietnamese), half and half,
/// with a zero-width space or a soft hyphen inside, with a bidi isolate around a word, in
/// capitals, and in full-width letters: each is the excluded name after RFC 4518
/// preparation, and each is refused. `openssl verify` (3.0) accepts the decomposed one: it
/// compares encodings without Unicode normalisation, where RFC 5280 section 7.1 asks for
/// RFC 4518's. Another ministry passes.
#[test]
fn name_constraint_exclusions_hold_across_unicode_forms() {
    use kyso::PathValidator;
    if !openssl_available() {
        return;
    }
    let dir = tempdir("unicode-nc");
    let nfc = "B\u{1ed9} C\u{f4}ng an";
    let nfd = "Bo\u{323}\u{302} Co\u{302}ng an";
    let cases: [(&str, &str); 9] = [
        ("nfc", nfc),
        ("nfd", nfd),
        ("mixed", "B\u{1ed9} Co\u{302}ng an"),
        ("zwsp", "B\u{1ed9} C\u{f4}\u{200b}ng an"),
        ("soft-hyphen", "B\u{1ed9} C\u{f4}ng\u{ad} an"),
        ("bidi", "B\u{1ed9} \u{2066}C\u{f4}ng\u{2069} an"),
        ("capitals", "B\u{1ed8} C\u{d4}NG AN"),
        ("fullwidth", "\u{ff22}\u{1ed9} C\u{f4}ng an"),
        ("other", "B\u{1ed9} T\u{e0}i ch\u{ed}nh"),
    ];
    let (sub, subjects) = constrained_ca_and_subjects(&dir, &cases);
    let anchors = root();
    let at = Time::now();
    for (name, leaf, _) in &subjects {
        let result = PathValidator::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            at,
        )
        .validate(leaf, std::slice::from_ref(&sub));
        if name == "other" {
            assert!(result.is_ok(), "{name}: {result:?}");
        } else {
            assert!(
                matches!(result, Err(Error::Path { ref cert, reason: PathError::NameConstraintViolation { .. } }) if cert.index == 0),
                "{name}: {result:?}"
            );
        }
    }
    // End to end, the decomposed name: a signature OpenSSL makes is refused for the chain.
    let (_, nfd_cert, nfd_key) = &subjects[1];
    let cms = openssl_sign(
        &dir,
        "nfd-signed",
        &dir.join("nfd.pem"),
        nfd_key,
        &document(),
    );
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked)
            .certificates([sub.clone()]),
        ValidationPolicy::at(at),
    )
    .verify(&cms, Some(&document()));
    assert_eq!(
        verdict(&report),
        (
            Indication::Indeterminate,
            Some(SubIndication::ChainConstraintsFailure)
        ),
        "{report}"
    );
    assert!(nfd_cert.subject().to_string().contains("Co\u{302}ng"));
    // Shown to a person, the invisible characters are escaped.
    let zwsp = subjects[3].1.subject().to_string();
    assert!(zwsp.contains("\\e2\\80\\8b"), "{zwsp}");
    let bidi = subjects[5].1.subject().to_string();
    assert!(bidi.contains("\\e2\\81\\a6"), "{bidi}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ----- 6. SHA-1 wherever kyso relies on a digest -----

/// An EF.SOD whose data group hashes are SHA-1 (signed with SHA-256 by the test Document
/// Signer, with OpenSSL): under the default algorithm policy the hashes are not relied on
/// (Indeterminate, naming the refused algorithm); under passive authentication's own
/// legacy default it passes, with a warning.
#[test]
fn sha1_data_group_hashes_need_the_legacy_policy() {
    use kyso::digest::DigestAlgorithm;
    use kyso::eid::{PassiveAuth, PassiveAuthVerdict, Sod};
    use kyso::key::AlgorithmPolicy;
    if !openssl_available() {
        return;
    }
    let dir = tempdir("sha1-sod");
    let build = vector_path("eid/build.py");
    let dgs = ["eid/cccd-dg1.bin", "eid/cccd-dg13.bin"].map(|d| p(&vector_path(d)));
    let status = std::process::Command::new("python3")
        .arg(&build)
        .args(["lds", &p(&dir.join("lds.der")), "sha1", "0"])
        .args(&dgs)
        .status()
        .unwrap();
    assert!(status.success());
    openssl(
        &dir,
        &[
            "cms",
            "-sign",
            "-binary",
            "-nodetach",
            "-in",
            "lds.der",
            "-econtent_type",
            "2.23.136.1.1.1",
            "-signer",
            &p(&vector_path("eid/ds-vn.pem")),
            "-inkey",
            &p(&vector_path("eid/ds-vn.key")),
            "-md",
            "sha256",
            "-outform",
            "DER",
            "-out",
            "sod.p7",
        ],
    );
    let sod = Sod::parse(&std::fs::read(dir.join("sod.p7")).unwrap()).unwrap();
    assert_eq!(sod.hash_algorithm(), DigestAlgorithm::Sha1);
    let cscas = TrustStore::from_certificates([cert("eid/csca-vn.pem")]);
    let (dg1, dg13) = (read("eid/cccd-dg1.bin"), read("eid/cccd-dg13.bin"));
    let groups: [(u8, &[u8]); 2] = [(1, &dg1), (13, &dg13)];
    let strict = PassiveAuth::new(
        &kyso::TrustContext::new(&cscas, kyso::Revocation::NotChecked),
        Time::now(),
    )
    .algorithm_policy(AlgorithmPolicy::default())
    .verify(&sod, &groups);
    assert_eq!(
        strict.verdict,
        PassiveAuthVerdict::Indeterminate,
        "{strict:?}"
    );
    assert!(
        matches!(
            strict.hash_algorithm_refused,
            Some(Error::Signature(SignatureError::DigestNotAllowed {
                algorithm: DigestAlgorithm::Sha1,
                ..
            }))
        ),
        "{strict:?}"
    );
    assert!(
        strict.signature.is_passed(),
        "the signature itself is SHA-256"
    );
    let legacy = PassiveAuth::new(
        &kyso::TrustContext::new(&cscas, kyso::Revocation::NotChecked),
        Time::now(),
    )
    .verify(&sod, &groups);
    assert_eq!(legacy.verdict, PassiveAuthVerdict::Passed, "{legacy:?}");
    assert!(
        legacy
            .warnings
            .contains(&kyso::Warning::Sha1DataGroupHashes)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Timestamp tokens from `openssl ts -reply`: a SHA-1 message imprint is refused by
/// `TimeStampToken::verify` under the default policy (as it already was as a proof of
/// existence), and so is a token whose ESS signing-certificate reference is SHA-1
/// (`ess_cert_id_alg = sha1`, ESS v1 as RFC 3161 first had it); both verify under the
/// legacy policy.
#[test]
fn sha1_in_timestamp_tokens_needs_the_legacy_policy() {
    use kyso::cms::TimeStampStamper;
    use kyso::digest::DigestAlgorithm;
    use kyso::key::AlgorithmPolicy;
    if !openssl_available() {
        return;
    }
    let legacy = AlgorithmPolicy::default().allow_sha1_for_legacy_use_only();
    let anchors = root();
    let data = b"the bytes to stamp";

    let dir = tempdir("sha1-imprint");
    let tsa = openssl_tsa(&dir, "sha1, sha256", "sha256");
    let refused = TimeStampStamper::new(&tsa, &anchors)
        .digest_algorithm(DigestAlgorithm::Sha1)
        .stamp(data);
    assert!(
        matches!(
            refused,
            Err(Error::Signature(SignatureError::DigestNotAllowed {
                algorithm: DigestAlgorithm::Sha1,
                ..
            }))
        ),
        "{refused:?}"
    );
    let (token, _) = TimeStampStamper::new(&tsa, &anchors)
        .digest_algorithm(DigestAlgorithm::Sha1)
        .algorithm_policy(legacy)
        .stamp(data)
        .unwrap();
    let imprint = kyso::digest::digest(DigestAlgorithm::Sha1, data);
    assert!(matches!(
        token.verify(&anchors, &imprint, None, &AlgorithmPolicy::default()),
        Err(Error::Signature(SignatureError::DigestNotAllowed { .. }))
    ));
    assert!(token.verify(&anchors, &imprint, None, &legacy).is_ok());

    let dir = tempdir("sha1-ess");
    let tsa = openssl_tsa(&dir, "sha256", "sha1");
    let (token, info) = TimeStampStamper::new(&tsa, &anchors)
        .algorithm_policy(legacy)
        .stamp(data)
        .unwrap();
    assert!(
        info.report.signers[0]
            .warnings
            .contains(&kyso::Warning::Sha1SigningCertificateReference { relied_on: true }),
        "{}",
        info.report
    );
    let imprint = kyso::digest::digest(DigestAlgorithm::Sha256, data);
    match token.verify(&anchors, &imprint, None, &AlgorithmPolicy::default()) {
        Err(Error::Timestamp(TimestampError::Signature {
            indication: Indication::Indeterminate,
            sub_indication: Some(SubIndication::CryptoConstraintsFailure),
        })) => {}
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

// ----- 7. the issuing state of an identity document -----

/// A CCCD whose MRZ says VNM, signed by another state's Document Signer (C=XX), with a
/// trust store holding both states' CSCAs as one built from a master list does: Failed,
/// naming the certificate and its country. The same with the check waived passes, which
/// is what every verification did before. The genuine CCCD matches; without DG1 or an
/// expected state nothing can be compared (Indeterminate); an expected state other than
/// DG1's fails.
#[test]
fn passive_authentication_binds_the_signer_to_the_issuing_state() {
    use kyso::eid::{IssuingStateCheck, PassiveAuth, PassiveAuthVerdict, Sod};
    let every_csca =
        TrustStore::from_certificates([cert("eid/csca-vn.pem"), cert("eid/csca-other.pem")]);
    let (dg1, dg13) = (read("eid/cccd-dg1.bin"), read("eid/cccd-dg13.bin"));
    let groups: [(u8, &[u8]); 2] = [(1, &dg1), (13, &dg13)];
    let other = Sod::parse(&read("eid/cccd-other-csca.sod")).unwrap();
    let report = PassiveAuth::new(
        &kyso::TrustContext::new(&every_csca, kyso::Revocation::NotChecked),
        Time::now(),
    )
    .verify(&other, &groups);
    assert_eq!(report.verdict, PassiveAuthVerdict::Failed, "{report:?}");
    assert!(
        report.signature.is_passed(),
        "the signature itself is sound"
    );
    match &report.issuing_state {
        IssuingStateCheck::CertificateMismatch {
            state,
            country,
            certificate,
            found,
        } => {
            assert_eq!((state.as_str(), country.as_str()), ("VNM", "VN"));
            assert!(
                certificate.contains("Document Signer Other"),
                "{certificate}"
            );
            assert_eq!(found.as_deref(), Some("XX"));
        }
        other => panic!("{other:?}"),
    }
    let waived = PassiveAuth::new(
        &kyso::TrustContext::new(&every_csca, kyso::Revocation::NotChecked),
        Time::now(),
    )
    .accept_any_issuing_state()
    .verify(&other, &groups);
    assert_eq!(waived.verdict, PassiveAuthVerdict::Passed);
    assert_eq!(waived.issuing_state, IssuingStateCheck::NotChecked);

    let genuine = Sod::parse(&read("eid/cccd-brainpool.sod")).unwrap();
    let report = PassiveAuth::new(
        &kyso::TrustContext::new(&every_csca, kyso::Revocation::NotChecked),
        Time::now(),
    )
    .verify(&genuine, &groups);
    assert_eq!(report.verdict, PassiveAuthVerdict::Passed);
    assert_eq!(
        report.issuing_state,
        IssuingStateCheck::Matched {
            state: "VNM".to_owned(),
            country: "VN".to_owned()
        }
    );
    let no_dg1 = PassiveAuth::new(
        &kyso::TrustContext::new(&every_csca, kyso::Revocation::NotChecked),
        Time::now(),
    )
    .verify(&genuine, &[(13, &dg13)]);
    assert_eq!(no_dg1.verdict, PassiveAuthVerdict::Indeterminate);
    assert!(matches!(
        no_dg1.issuing_state,
        IssuingStateCheck::Unknown { .. }
    ));
    let told = PassiveAuth::new(
        &kyso::TrustContext::new(&every_csca, kyso::Revocation::NotChecked),
        Time::now(),
    )
    .expected_issuing_state("VNM")
    .verify(&genuine, &[(13, &dg13)]);
    assert_eq!(told.verdict, PassiveAuthVerdict::Passed);
    let wrong = PassiveAuth::new(
        &kyso::TrustContext::new(&every_csca, kyso::Revocation::NotChecked),
        Time::now(),
    )
    .expected_issuing_state("LAO")
    .verify(&genuine, &groups);
    assert_eq!(wrong.verdict, PassiveAuthVerdict::Failed);
    assert_eq!(
        wrong.issuing_state,
        IssuingStateCheck::DocumentMismatch {
            chip: "VNM".to_owned(),
            expected: "LAO".to_owned()
        }
    );
}

// ----- 8. master lists -----

/// CSCA master lists made with OpenSSL: one signed by a Master List Signer (issued by the
/// Vietnamese test CSCA, extendedKeyUsage id-icao-cscaMasterListSigningKey) verifies
/// against that CSCA and gives its certificates. Refused: the same list checked against
/// another state's CSCA; a list signed by the Document Signer's key (no master-list
/// purpose), or directly by a CSCA (the committed masterlist.ml); a list whose content was
/// changed after signing.
#[test]
fn master_lists_are_verified_before_their_cscas_are_used() {
    use kyso::eid::{master_list_certificates_unverified, verify_master_list};
    if !openssl_available() {
        return;
    }
    let dir = tempdir("masterlist");
    let der = |name: &str| {
        let out = dir.join(format!("{name}.der"));
        openssl(
            &dir,
            &[
                "x509",
                "-in",
                &p(&vector_path(&format!("eid/{name}.pem"))),
                "-outform",
                "DER",
                "-out",
                &p(&out),
            ],
        );
        p(&out)
    };
    let members = [der("csca-vn"), der("csca-p256")];
    let status = std::process::Command::new("python3")
        .arg(vector_path("eid/build.py"))
        .args(["masterlist", &p(&dir.join("ml.der"))])
        .args(&members)
        .status()
        .unwrap();
    assert!(status.success());
    // The Master List Signer, issued by the Vietnamese test CSCA.
    std::fs::write(
        dir.join("mls.cnf"),
        "[e]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = 2.23.136.1.1.3\nauthorityKeyIdentifier = keyid\n",
    )
    .unwrap();
    openssl(
        &dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "mls.key",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-new",
            "-key",
            "mls.key",
            "-subj",
            "/C=VN/O=Kyso Test eID/CN=Master List Signer Test",
            "-out",
            "mls.csr",
        ],
    );
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "mls.csr",
            "-CA",
            &p(&vector_path("eid/csca-vn.pem")),
            "-CAkey",
            &p(&vector_path("eid/csca-vn.key")),
            "-CAcreateserial",
            "-CAserial",
            "csca.srl",
            "-days",
            "30",
            "-extfile",
            "mls.cnf",
            "-extensions",
            "e",
            "-out",
            "mls.pem",
        ],
    );
    let sign = |out: &str, signer: &Path, key: &Path| {
        openssl(
            &dir,
            &[
                "cms",
                "-sign",
                "-binary",
                "-nodetach",
                "-in",
                "ml.der",
                "-econtent_type",
                "2.23.136.1.1.2",
                "-signer",
                &p(signer),
                "-inkey",
                &p(key),
                "-md",
                "sha256",
                "-outform",
                "DER",
                "-out",
                out,
            ],
        );
        std::fs::read(dir.join(out)).unwrap()
    };
    let vn = TrustStore::from_certificates([cert("eid/csca-vn.pem")]);
    let now = Time::now();
    let good = sign("good.ml", &dir.join("mls.pem"), &dir.join("mls.key"));
    let list = verify_master_list(
        &good,
        &kyso::TrustContext::new(&vn, kyso::Revocation::NotChecked),
        now,
    )
    .unwrap();
    assert_eq!(list.certificates.len(), 2);
    assert!(list.report.is_passed());

    let other = TrustStore::from_certificates([cert("eid/csca-other.pem")]);
    assert!(matches!(
        verify_master_list(
            &good,
            &kyso::TrustContext::new(&other, kyso::Revocation::NotChecked),
            now
        ),
        Err(Error::Chip(ChipError::MasterListNotVerified {
            sub_indication: Some(SubIndication::NoCertificateChainFound),
            ..
        }))
    ));
    let by_ds = sign(
        "by-ds.ml",
        &vector_path("eid/ds-vn.pem"),
        &vector_path("eid/ds-vn.key"),
    );
    match verify_master_list(
        &by_ds,
        &kyso::TrustContext::new(&vn, kyso::Revocation::NotChecked),
        now,
    ) {
        Err(Error::Chip(ChipError::MasterListNotVerified {
            sub_indication: Some(SubIndication::ChainConstraintsFailure),
            detail,
            ..
        })) => assert!(detail.contains("master list signing"), "{detail}"),
        other => panic!("{other:?}"),
    }
    let committed = read("eid/masterlist.ml");
    let p256 = TrustStore::from_certificates([cert("eid/csca-p256.pem")]);
    assert!(matches!(
        verify_master_list(
            &committed,
            &kyso::TrustContext::new(&p256, kyso::Revocation::NotChecked),
            now
        ),
        Err(Error::Chip(ChipError::MasterListNotVerified { .. }))
    ));
    assert_eq!(
        master_list_certificates_unverified(&committed)
            .unwrap()
            .len(),
        3
    );
    // One byte of a listed certificate changed.
    let mut changed = good.clone();
    let at = changed
        .windows(13)
        .position(|w| w == b"Kyso Test eID")
        .unwrap();
    changed[at] ^= 0x01;
    assert!(matches!(
        verify_master_list(
            &changed,
            &kyso::TrustContext::new(&vn, kyso::Revocation::NotChecked),
            now
        ),
        Err(Error::Chip(ChipError::MasterListNotVerified {
            sub_indication: Some(SubIndication::HashFailure),
            ..
        }))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

// ----- the review of the fixes -----

/// A revoked signer (the committed revocation set: ee-revoked, keyCompromise 2026-03-01 in
/// the signing CA's CRL, which the caller holds) whose signature embeds OCSP responses about
/// it with signatures that do not verify: with 15 of them the CRL is still read and the
/// revocation found; with 17, more than are examined, the status cannot be had. Neither
/// may pass under IfAvailable.
#[test]
fn stuffed_revocation_data_cannot_hide_a_revocation() {
    use kyso::{CrlStore, SignatureBuilder, SoftwareSigner};
    if !openssl_available() {
        return;
    }
    let dir = tempdir("stuffed-ocsp");
    let key =
        SoftwareSigner::from_file(vector_path("revocation/keys/ee-revoked.key.pem"), None).unwrap();
    let signed = SignatureBuilder::new(
        cert("revocation/ee-revoked.pem"),
        Time::from_utc(2026, 2, 1, 0, 0, 0).unwrap(),
    )
    .chain([cert("pki/intermediate-ca.pem")])
    .sign(&document(), &key)
    .unwrap()
    .to_der()
    .unwrap();
    let crls = CrlStore::from_crls([
        kyso::revocation::Crl::from_file(vector_path("revocation/signing-ca.crl")).unwrap(),
        kyso::revocation::Crl::from_file(vector_path("revocation/root.crl")).unwrap(),
    ]);
    let junk = damaged_ocsp_responses(
        &dir,
        "revocation/ee-revoked.pem",
        "pki/intermediate-ca.pem",
        "keys/intermediate-ca.key.pem",
        17,
    );
    let at = common::validation_time();
    for (n, expected) in [
        (15, SubIndication::RevokedNoPoe),
        (17, SubIndication::CertificateChainGeneralFailure),
    ] {
        let cms = SignedCms::from_der(&stuff_signed_data(
            &signed,
            |si| vec![si.clone()],
            &junk[..n],
        ))
        .unwrap();
        let report = Verifier::new(
            &kyso::TrustContext::new(&root(), kyso::Revocation::IfAvailable(&crls)),
            ValidationPolicy::at(at),
        )
        .verify(&cms, Some(&document()));
        assert_eq!(
            verdict(&report),
            (Indication::Indeterminate, Some(expected)),
            "{n}: {report}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The pinned revoked signer again, its signature stripped of its issuer's certificate, or
/// carrying instead a certificate made by anyone with the issuer's name and public key but
/// no right to sign CRLs: under IfAvailable, with the issuer's CRL at hand, neither passes.
/// With the real issuer's certificate also present, the revocation is found.
#[test]
fn a_pinned_signer_cannot_shed_its_revocation() {
    use kyso::{CrlStore, SignatureBuilder, SoftwareSigner};
    if !openssl_available() {
        return;
    }
    let dir = tempdir("pinned-crafted");
    // A certificate with the signing CA's name and public key, signed by a key of ours.
    openssl(
        &dir,
        &[
            "pkey",
            "-in",
            &p(&vector_path("keys/intermediate-ca.key.pem")),
            "-pubout",
            "-out",
            "ca-pub.pem",
        ],
    );
    openssl(
        &dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "other.key",
        ],
    );
    std::fs::write(
        dir.join("crafted.cnf"),
        "[e]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign\n",
    )
    .unwrap();
    openssl(
        &dir,
        &[
            "x509",
            "-new",
            "-subj",
            "/C=VN/O=Kyso Test PKI/CN=Kyso Test Signing CA",
            "-key",
            "other.key",
            "-force_pubkey",
            "ca-pub.pem",
            "-days",
            "30",
            "-extfile",
            "crafted.cnf",
            "-extensions",
            "e",
            "-out",
            "crafted.pem",
        ],
    );
    let crafted = kyso::Certificate::from_file(dir.join("crafted.pem"))
        .unwrap()
        .remove(0);
    let revoked = cert("revocation/ee-revoked.pem");
    let pinned = TrustStore::from_certificates([revoked.clone()]);
    let crls = CrlStore::from_crls([kyso::revocation::Crl::from_file(vector_path(
        "revocation/signing-ca.crl",
    ))
    .unwrap()]);
    let key =
        SoftwareSigner::from_file(vector_path("revocation/keys/ee-revoked.key.pem"), None).unwrap();
    let sign = |chain: Vec<kyso::Certificate>| {
        SignatureBuilder::new(
            revoked.clone(),
            Time::from_utc(2026, 2, 1, 0, 0, 0).unwrap(),
        )
        .chain(chain)
        .sign(&document(), &key)
        .unwrap()
    };
    let at = common::validation_time();
    let verify = |cms: &SignedCms| {
        Verifier::new(
            &kyso::TrustContext::new(&pinned, kyso::Revocation::IfAvailable(&crls)),
            ValidationPolicy::at(at),
        )
        .verify(cms, Some(&document()))
    };
    for (name, chain) in [("stripped", vec![]), ("crafted", vec![crafted.clone()])] {
        let report = verify(&sign(chain));
        assert_eq!(
            verdict(&report),
            (Indication::Indeterminate, Some(SubIndication::TryLater)),
            "{name}: {report}"
        );
        assert!(
            matches!(&report.signers[0].error, Some(Error::Path { reason: PathError::RevocationUnknown { reason, .. }, .. }) if reason.contains("could not be checked")),
            "{name}: {report}"
        );
    }
    let report = verify(&sign(vec![crafted, cert("pki/intermediate-ca.pem")]));
    assert_eq!(
        verdict(&report),
        (Indication::Indeterminate, Some(SubIndication::RevokedNoPoe)),
        "{report}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Two SignerInfos over the same signed attributes with the same RSA signature value, made
/// with SHA-1 (`openssl dgst -sha1 -sign`), one declaring SHA-1 and one SHA-256 (both with
/// `rsaEncryption`, where the digest algorithm names the hash). The check made for the
/// first is remembered by the algorithm too: the second is checked afresh, as RSA with
/// SHA-256, and fails.
#[test]
fn a_remembered_signature_check_is_keyed_by_its_algorithm() {
    use cms::signed_data::{SignatureValue, SignerIdentifier, SignerInfo};
    use x509_cert::attr::Attribute;
    if !openssl_available() {
        return;
    }
    let dir = tempdir("memo-alg");
    let oid = der::asn1::ObjectIdentifier::new_unwrap;
    let doc_digest = kyso::digest::digest(kyso::digest::DigestAlgorithm::Sha256, &document());
    let attrs = der::asn1::SetOfVec::try_from(vec![
        Attribute {
            oid: oid("1.2.840.113549.1.9.3"),
            values: der::asn1::SetOfVec::try_from(vec![der::Any::encode_from(&ID_DATA).unwrap()])
                .unwrap(),
        },
        Attribute {
            oid: oid("1.2.840.113549.1.9.4"),
            values: der::asn1::SetOfVec::try_from(vec![
                der::Any::encode_from(&der::asn1::OctetString::new(doc_digest.as_bytes()).unwrap())
                    .unwrap(),
            ])
            .unwrap(),
        },
    ])
    .unwrap();
    std::fs::write(dir.join("attrs.der"), attrs.to_der().unwrap()).unwrap();
    openssl(
        &dir,
        &[
            "dgst",
            "-sha1",
            "-sign",
            &p(&vector_path("keys/ee-rsa2048.key.pem")),
            "-out",
            "sig.bin",
            "attrs.der",
        ],
    );
    let value = std::fs::read(dir.join("sig.bin")).unwrap();
    let signer = cert("pki/ee-rsa2048.pem");
    let x509 = x509_cert::Certificate::from_der(signer.der()).unwrap();
    let info = |digest: &str| SignerInfo {
        version: cms::content_info::CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(cms::cert::IssuerAndSerialNumber {
            issuer: x509.tbs_certificate().issuer().clone(),
            serial_number: x509.tbs_certificate().serial_number().clone(),
        }),
        digest_alg: x509_cert::spki::AlgorithmIdentifierOwned {
            oid: oid(digest),
            parameters: None,
        },
        signed_attrs: Some(attrs.clone()),
        signature_algorithm: x509_cert::spki::AlgorithmIdentifierOwned {
            oid: oid("1.2.840.113549.1.1.1"),
            parameters: Some(der::Any::null()),
        },
        signature: SignatureValue::new(value.clone()).unwrap(),
        unsigned_attrs: None,
    };
    let certs = [signer.der(), cert("pki/intermediate-ca.pem").der()]
        .iter()
        .map(|d| {
            cms::cert::CertificateChoices::Certificate(x509_cert::Certificate::from_der(d).unwrap())
        })
        .collect::<Vec<_>>();
    let set = cms::signed_data::CertificateSet(der::asn1::SetOfVec::try_from(certs).unwrap());
    let single = wrap(info("1.3.14.3.2.26"), Some(set.clone()));
    let both = stuff_signed_data(
        &single.to_der().unwrap(),
        |sha1| vec![sha1.clone(), info("2.16.840.1.101.3.4.2.1")],
        &[],
    );
    let report = Verifier::new(
        &kyso::TrustContext::new(&root(), kyso::Revocation::NotChecked),
        ValidationPolicy::at(common::validation_time()),
    )
    .verify(&SignedCms::from_der(&both).unwrap(), Some(&document()));
    let sha256 = report
        .signers
        .iter()
        .find(|s| s.digest_algorithm == Some(kyso::digest::DigestAlgorithm::Sha256))
        .unwrap();
    assert_eq!(
        sha256.sub_indication,
        Some(SubIndication::SigCryptoFailure),
        "{report}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Look-alike names under the exclusion of `O=Bộ Công an`: Cyrillic letters that look like
/// the Latin ones, and a Hangul filler (an invisible letter) inside a word. Each is
/// refused; the same in a name that looks nothing like it passes.
#[test]
fn name_constraint_exclusions_cover_look_alikes() {
    use kyso::PathValidator;
    if !openssl_available() {
        return;
    }
    let dir = tempdir("lookalike-nc");
    let cases: [(&str, &str); 3] = [
        ("cyrillic", "\u{412}\u{1ed9} \u{421}\u{f4}ng \u{430}n"),
        ("filler", "B\u{1ed9} C\u{f4}ng\u{3164}an"),
        ("other", "B\u{1ed9} Y t\u{1ebf}"),
    ];
    let (sub, subjects) = constrained_ca_and_subjects(&dir, &cases);
    let anchors = root();
    for (name, leaf, _) in &subjects {
        let result = PathValidator::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            Time::now(),
        )
        .validate(leaf, std::slice::from_ref(&sub));
        if name == "other" {
            assert!(result.is_ok(), "{name}: {result:?}");
        } else {
            assert!(
                matches!(
                    result,
                    Err(Error::Path {
                        reason: PathError::NameConstraintViolation { .. },
                        ..
                    })
                ),
                "{name}: {result:?}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
