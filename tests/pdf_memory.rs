//! Peak memory while validating a 1 GiB PDF with two signatures read through
//! [`PdfDocument::from_reader`], then signing it a third time with [`PdfSigning`]: the
//! reader holds windows, never the file, and the signed byte ranges are hashed and copied
//! as a stream. One test only, so that the process's peak resident size is this test's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

mod common;
#[path = "common/pdf_writer.rs"]
mod pdf_writer;

use common::{cert, rss, vector_path};
use kyso::pdf::{ModificationClass, PdfDocument, PdfSigning};
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
    let (_, after_validation) = rss().unwrap();
    println!(
        "1 GiB PDF, two signatures validated: peak resident size grew by {} MiB",
        after_validation.saturating_sub(before) / 1024
    );

    // A third signature by kyso's signer, streamed: the original is read (hashed, then
    // copied to the output) a window at a time; the output keeps only what follows it.
    let mut out = TailSink {
        skip: pdf.len(),
        seen: 0,
        tail: Vec::new(),
    };
    let document = PdfDocument::from_reader(pdf.clone()).unwrap();
    let signed = PdfSigning::new(cert("pki/ee-rsa3072.pem"), time)
        .chain(chain.clone())
        .sign(
            &document,
            &SoftwareSigner::from_file(vector_path("keys/ee-rsa3072.key.pem"), None).unwrap(),
            &mut out,
        )
        .unwrap();
    assert_eq!(out.seen, pdf.len() + out.tail.len() as u64);
    let mut three = pdf.clone();
    three.append(out.tail);
    assert_eq!(signed.byte_range[3] + signed.byte_range[2], three.len());
    let report = Verifier::new(&context, ValidationPolicy::at(time))
        .verify_pdf(&PdfDocument::from_reader(three.clone()).unwrap());
    assert!(report.is_passed(), "{report}");
    assert_eq!(report.signatures.len(), 3);
    let (_, peak) = rss().unwrap();
    let grown_mib = peak.saturating_sub(before) / 1024;
    println!(
        "1 GiB PDF, signed a third time and validated again: peak resident size grew by {grown_mib} MiB ({} bytes of file)",
        three.len()
    );
    assert!(grown_mib < 32, "peak grew by {grown_mib} MiB");
}

/// A writer that counts the first `skip` bytes (the original) and keeps the rest.
struct TailSink {
    skip: u64,
    seen: u64,
    tail: Vec<u8>,
}

impl std::io::Write for TailSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let keep_from = self.skip.saturating_sub(self.seen).min(buf.len() as u64) as usize;
        self.tail.extend_from_slice(&buf[keep_from..]);
        self.seen += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
