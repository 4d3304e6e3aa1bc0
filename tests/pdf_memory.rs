//! Peak memory while validating a 1 GiB PDF with two signatures read through
//! [`PdfDocument::from_reader`]: the reader holds windows, never the file, and the signed
//! byte ranges are hashed as a stream. One test only, so that the process's peak resident
//! size is this test's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

mod common;
#[path = "common/pdf_writer.rs"]
mod pdf_writer;

use common::{cert, rss, vector_path};
use kyso::pdf::{ModificationClass, PdfDocument};
use kyso::{
    Revocation, SoftwareSigner, Time, TrustContext, TrustStore, ValidationPolicy, Verifier,
};
use pdf_writer::VirtualPdf;

const GIB: u64 = 1 << 30;

#[test]
fn a_gibibyte_pdf_in_bounded_memory() {
    let Some((before, _)) = rss() else {
        eprintln!("skipping: no /proc/self/status");
        return;
    };
    let time = Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap();
    let author =
        SoftwareSigner::from_file(vector_path("keys/ee-ecdsa-p256.key.pem"), None).unwrap();
    let seal = SoftwareSigner::from_file(vector_path("keys/ee-rsa2048.key.pem"), None).unwrap();
    let chain = [cert("pki/intermediate-ca.pem")];
    let mut pdf = VirtualPdf::new(GIB);
    pdf.sign(
        "NguoiKy",
        &cert("pki/ee-ecdsa-p256.pem"),
        &chain,
        &author,
        time,
    );
    pdf.sign(
        "DauCoQuan",
        &cert("pki/ee-rsa2048.pem"),
        &chain,
        &seal,
        time,
    );
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let context = TrustContext::new(&anchors, Revocation::NotChecked);
    let document = PdfDocument::from_reader(pdf.clone()).unwrap();
    let report = Verifier::new(&context, ValidationPolicy::at(time)).verify_pdf(&document);
    assert!(report.is_passed(), "{report}");
    assert_eq!(report.signatures.len(), 2);
    assert_eq!(
        report.signatures[0].modification,
        ModificationClass::FormFilling
    );
    assert_eq!(report.signatures[1].modification, ModificationClass::None);
    let (_, peak) = rss().unwrap();
    let grown_mib = peak.saturating_sub(before) / 1024;
    println!(
        "1 GiB PDF, two signatures: peak resident size grew by {grown_mib} MiB ({} bytes of file)",
        pdf.len()
    );
    assert!(grown_mib < 32, "peak grew by {grown_mib} MiB");
}
