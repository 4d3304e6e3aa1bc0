//! The recipes of the adversarial review, each crafted at test time from the test PKI in
//! `test-vectors/` with the OpenSSL CLI (or by re-wrapping genuine objects it made), each
//! asserting the precise reason kyso refuses it. Skipped with a message where `openssl` is
//! missing, except under `CI=true`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{cert, openssl, openssl_available, read, vector_path};
use der::{Decode, Encode};
use kyso::{
    CheckKind, Error, Indication, KeyPurpose, Outcome, SignedCms, SubIndication, Time,
    TimeStampToken, TrustStore, ValidationPolicy, ValidationReport, Verifier,
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
        let report = Verifier::new(&root(), ValidationPolicy::at(Time::now()))
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
            Error::ExtendedKeyUsageNotAllowed {
                cert,
                purpose: KeyPurpose::DocumentSigning,
                found,
            } => {
                assert_eq!(cert.index, 0);
                assert_eq!(found, &vec![purpose.to_owned()], "{name}");
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
    let report = Verifier::new(&root(), ValidationPolicy::at(at)).verify(replay, Some(doc));
    assert_eq!(
        verdict(&report),
        (
            Indication::Indeterminate,
            Some(SubIndication::SigConstraintsFailure)
        ),
        "{report}"
    );
    let s = &report.signers[0];
    // The bytes were genuinely signed by that key: this is a replay, not a forgery.
    assert!(
        s.checks
            .iter()
            .any(|c| c.kind == CheckKind::SignatureValue && c.outcome == Outcome::Passed),
        "{report}"
    );
    assert!(
        s.checks.iter().any(|c| c.kind == CheckKind::ContentType
            && c.outcome == Outcome::Failed
            && c.detail.contains("no signed attributes")),
        "{report}"
    );
    let legacy =
        ValidationPolicy::at(at).accept_signatures_without_signed_attributes_for_legacy_use_only();
    let report = Verifier::new(&root(), legacy).verify(replay, Some(doc));
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
            Error::ExtendedKeyUsageNotAllowed { found, .. } if found == &vec![purpose.to_owned()]
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
/// purpose of the caller's passes once the policy adds it, and certificates whose purposes
/// are only those of online services are refused, even when the caller adds them.
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
            &[],
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
        let report = Verifier::new(&root(), ValidationPolicy::at(Time::now()))
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
            matches!(path_failure(&report), Error::ExtendedKeyUsageNotAllowed { found, .. } if found == refused),
            "{name}: {report}"
        );
        // The caller may add its own purpose, never an online service's.
        let added = ValidationPolicy::at(Time::now()).with_document_signing_eku(refused[0]);
        let report = Verifier::new(&root(), added).verify(&cms, Some(&document()));
        assert_eq!(report.is_passed(), name == "custom", "{name}: {report}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
