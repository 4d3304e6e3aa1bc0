//! Signing PDFs: every kind of file kyso makes validates with kyso's own validator, and
//! fails once a byte of the signed range changes. (The same files are checked by pyHanko,
//! qpdf and pdfsig in `.ci/run`.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use kyso::pdf::{Certification, PdfDocument, PdfReport, PdfSigning, SignatureAppearance};
use kyso::{Certificate, Revocation, SoftwareSigner, Time, TrustContext, TrustStore};
use kyso::{ValidationPolicy, Verifier};

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-vectors")
}

fn cert(path: &str) -> Certificate {
    Certificate::from_pem(&std::fs::read(vectors().join(path)).unwrap()).unwrap()
}

fn key(path: &str) -> SoftwareSigner {
    SoftwareSigner::from_file(vectors().join(path), None).unwrap()
}

fn time() -> Time {
    Time::from_utc(2026, 6, 1, 8, 30, 0).unwrap()
}

fn verify(bytes: &[u8]) -> PdfReport {
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let context = TrustContext::new(&anchors, Revocation::NotChecked);
    let pdf = PdfDocument::from_bytes(bytes).unwrap();
    Verifier::new(&context, ValidationPolicy::at(time())).verify_pdf(&pdf)
}

fn signing() -> PdfSigning<'static> {
    PdfSigning::new(cert("pki/ee-rsa2048.pem"), time()).chain([cert("pki/intermediate-ca.pem")])
}

fn original(name: &str) -> Vec<u8> {
    std::fs::read(vectors().join("pdf").join(name)).unwrap()
}

fn sign(bytes: &[u8], s: &PdfSigning<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    s.sign(
        &PdfDocument::from_bytes(bytes).unwrap(),
        &key("keys/ee-rsa2048.key.pem"),
        &mut out,
    )
    .unwrap();
    out
}

#[test]
fn invisible_signature_validates_on_table_and_stream_files() {
    for base in ["base.pdf", "base-objstm.pdf"] {
        let bytes = original(base);
        let signed = sign(&bytes, &signing().reason("Approved"));
        assert!(signed.starts_with(&bytes));
        let report = verify(&signed);
        assert!(report.is_passed(), "{base}:\n{report}");
        assert_eq!(report.signatures.len(), 1);
        assert_eq!(report.signatures[0].field, "Signature1");
    }
}
