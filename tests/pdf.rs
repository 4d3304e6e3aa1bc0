//! Signed PDFs made by pyHanko (and attack shapes built on them by short scripts), each
//! held to the verdict of `test-vectors/pdf/cases.tsv`: per signature the indication,
//! sub-indication and the class of the most far-reaching change after it; per refused file
//! the reason. The table also records what `pyhanko sign validate` said of each signature
//! when the files were made; where it disagrees with the expected verdict, the table's note
//! must say why the expected one is right.
//!
//! `KYSO_PDF_VECTORS` points the test at another folder (CI regenerates the files with
//! pyHanko and runs this test on the fresh ones too).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

mod common;
#[path = "common/pdf_writer.rs"]
mod pdf_writer;

use std::path::PathBuf;

use common::cert;
use kyso::error::PdfError;
use kyso::pdf::{ModificationClass, PdfDocument, PdfReport};
use kyso::{Error, Revocation, Time, TrustContext, TrustStore, ValidationPolicy, Verifier};

fn folder() -> PathBuf {
    std::env::var_os("KYSO_PDF_VECTORS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-vectors/pdf"),
        PathBuf::from,
    )
}

struct Row {
    file: String,
    signature: String,
    field: String,
    indication: String,
    sub_indication: String,
    changes: String,
    pyhanko: String,
    note: String,
}

fn rows() -> Vec<Row> {
    let text = std::fs::read_to_string(folder().join("cases.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            let get = |i: usize| c.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
            Row {
                file: get(0),
                signature: get(1),
                field: get(2),
                indication: get(4),
                sub_indication: get(5),
                changes: get(6),
                pyhanko: get(7),
                note: get(8),
            }
        })
        .collect()
}

fn validation_time() -> Time {
    let t = std::fs::read_to_string(folder().join("validation-time")).unwrap();
    Time::parse_rfc3339(t.trim()).unwrap()
}

fn verify(bytes: &[u8]) -> Result<PdfReport, Error> {
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let context = TrustContext::new(&anchors, Revocation::NotChecked);
    let pdf = PdfDocument::from_bytes(bytes)?;
    let report = Verifier::new(&context, ValidationPolicy::at(validation_time())).verify_pdf(&pdf);
    // A file refused while its signatures were looked for (a bound met on the way) is
    // refused as a whole too.
    match report.error {
        Some(e) => Err(Error::Pdf(e)),
        None => Ok(report),
    }
}

/// The reason word of cases.tsv for a refusal.
fn reason_word(e: &Error) -> &'static str {
    match e {
        Error::Pdf(PdfError::Encrypted) => "encrypted",
        Error::Pdf(PdfError::HybridReference) => "hybrid-xref",
        Error::Pdf(PdfError::Linearized) => "linearized",
        Error::Pdf(PdfError::NotPdf) => "not-pdf",
        Error::Pdf(_) => "malformed",
        _ => "other",
    }
}

fn sub_word(r: &kyso::pdf::PdfSignatureReport) -> String {
    r.report
        .sub_indication
        .map_or_else(|| "-".to_string(), |s| s.to_string())
}

#[test]
fn every_case_gets_its_verdict() {
    let rows = rows();
    assert!(rows.len() >= 10, "cases.tsv too short: {}", rows.len());
    let mut failures = Vec::new();
    let mut files: Vec<&str> = rows.iter().map(|r| r.file.as_str()).collect();
    files.dedup();
    for file in files {
        let bytes = std::fs::read(folder().join(file)).unwrap();
        let result = verify(&bytes);
        for row in rows.iter().filter(|r| r.file == file) {
            match (&result, row.indication.as_str()) {
                (Err(e), "REFUSED") => {
                    if reason_word(e) != row.sub_indication {
                        failures.push(format!(
                            "{file}: refused as {} ({e}), expected {}",
                            reason_word(e),
                            row.sub_indication
                        ));
                    }
                }
                (Err(e), _) => failures.push(format!("{file}: refused ({e}), expected signatures")),
                (Ok(r), "REFUSED") => failures.push(format!(
                    "{file}: read, expected refused as {}:\n{r}",
                    row.sub_indication
                )),
                (Ok(r), expected) => {
                    let index: usize = row.signature.parse().unwrap();
                    let Some(s) = r.signatures.get(index - 1) else {
                        failures.push(format!(
                            "{file}: signature {index} missing ({} found)",
                            r.signatures.len()
                        ));
                        continue;
                    };
                    let sub = sub_word(s);
                    let expected_sub = if row.sub_indication.is_empty() {
                        "-"
                    } else {
                        row.sub_indication.as_str()
                    };
                    let got = (
                        s.field.as_str(),
                        s.indication().to_string(),
                        sub.as_str(),
                        s.modification.name(),
                    );
                    let want = (
                        row.field.as_str(),
                        expected.to_string(),
                        expected_sub,
                        row.changes.as_str(),
                    );
                    if got != want {
                        failures.push(format!(
                            "{file} #{index}: got {got:?}, expected {want:?}\n{r}"
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Where pyHanko's verdict and the expected one part, the table says why.
#[test]
fn every_disagreement_with_pyhanko_is_explained() {
    let mut silent = Vec::new();
    let mut table = Vec::new();
    for row in rows() {
        let pyhanko_passes = (row.pyhanko.contains("INTACT:TRUSTED")
            || row.pyhanko.starts_with("PASSED"))
            && ![
                "MODIFIED",
                "OTHER",
                "ILLEGAL_MODIFICATIONS",
                "NONSTANDARD_COVERAGE",
                "INVALID",
                "error",
            ]
            .iter()
            .any(|w| row.pyhanko.contains(w));
        let expected_passes = row.indication == "TOTAL-PASSED";
        if pyhanko_passes != expected_passes {
            table.push(format!(
                "{} #{}: kyso {} / pyHanko {}: {}",
                row.file, row.signature, row.indication, row.pyhanko, row.note
            ));
            if row.note.is_empty() {
                silent.push(format!("{} #{}", row.file, row.signature));
            }
        }
    }
    println!("disagreements with pyHanko:\n{}", table.join("\n"));
    assert!(silent.is_empty(), "unexplained: {silent:?}");
}

/// The unsigned originals read as one revision each, with no signature to report.
#[test]
fn unsigned_bases_have_no_signatures() {
    for base in ["base.pdf", "base-objstm.pdf"] {
        let bytes = std::fs::read(folder().join(base)).unwrap();
        let report = verify(&bytes).unwrap();
        assert_eq!(
            (report.revisions, report.signatures.len()),
            (1, 0),
            "{base}"
        );
        assert!(!report.is_passed());
    }
}

/// `adbe.pkcs7.sha1` (the CMS envelops the SHA-1 digest of the byte ranges): refused as
/// SHA-1 by the default policy, valid under the legacy one, and HASH_FAILURE when the
/// digest inside is not the file's.
#[test]
fn adbe_pkcs7_sha1_only_under_the_legacy_policy() {
    use kyso::key::AlgorithmPolicy;
    use kyso::validate::SubIndication;
    let time = Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap();
    let signer =
        kyso::SoftwareSigner::from_file(common::vector_path("keys/ee-rsa2048.key.pem"), None)
            .unwrap();
    let mut pdf = pdf_writer::VirtualPdf::new(4096);
    pdf.sign_with(
        "Sig1",
        &cert("pki/ee-rsa2048.pem"),
        &[cert("pki/intermediate-ca.pem")],
        &signer,
        time,
        true,
    );
    let bytes = pdf.to_vec();
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let context = TrustContext::new(&anchors, Revocation::NotChecked);
    let doc = PdfDocument::from_bytes(&bytes).unwrap();
    let strict = Verifier::new(&context, ValidationPolicy::at(time)).verify_pdf(&doc);
    let s = &strict.signatures[0];
    assert_eq!(s.sub_filter, "adbe.pkcs7.sha1");
    assert_eq!(
        (s.indication(), s.report.sub_indication),
        (
            kyso::Indication::Indeterminate,
            Some(SubIndication::CryptoConstraintsFailureNoPoe)
        ),
        "{strict}"
    );
    let legacy = ValidationPolicy::at(time)
        .algorithm_policy(AlgorithmPolicy::default().allow_sha1_for_legacy_use_only());
    let report = Verifier::new(&context, legacy.clone()).verify_pdf(&doc);
    assert!(report.is_passed(), "{report}");
    // One byte of the page content changed: the digest inside no longer matches.
    let mut forged = bytes.clone();
    let at = forged.windows(7).position(|w| w == b"stream\n").unwrap() + 7;
    forged[at] ^= 1;
    let doc = PdfDocument::from_bytes(&forged).unwrap();
    let report = Verifier::new(&context, legacy).verify_pdf(&doc);
    assert_eq!(
        report.signatures[0].report.sub_indication,
        Some(SubIndication::HashFailure),
        "{report}"
    );
}

/// The windowed reader and the in-memory one read every fixture the same way.
#[test]
fn reader_and_bytes_agree() {
    for entry in std::fs::read_dir(folder()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("pdf") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let a = PdfDocument::from_bytes(&bytes).map(|d| d.revision_ranges());
        let b = PdfDocument::from_reader(std::fs::File::open(&path).unwrap())
            .map(|d| d.revision_ranges());
        assert_eq!(a, b, "{}", path.display());
    }
}

/// A signature is about its own revision: the change classes come out in order along an
/// author-then-seal document.
#[test]
fn classes_are_ordered() {
    assert!(ModificationClass::None < ModificationClass::LongTermData);
    assert!(ModificationClass::LongTermData < ModificationClass::FormFilling);
    assert!(ModificationClass::FormFilling < ModificationClass::Annotations);
    assert!(ModificationClass::Annotations < ModificationClass::Other);
}

/// Two signatures written the minimal way (a direct `/AcroForm` in the catalog, the page's
/// `/Annots` rewritten): the author's sees a new signature after it, nothing else.
#[test]
fn minimal_author_then_seal() {
    let time = Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap();
    let signer =
        kyso::SoftwareSigner::from_file(common::vector_path("keys/ee-rsa2048.key.pem"), None)
            .unwrap();
    let chain = [cert("pki/intermediate-ca.pem")];
    let mut pdf = pdf_writer::VirtualPdf::new(4096);
    pdf.sign(
        "NguoiKy",
        &cert("pki/ee-rsa2048.pem"),
        &chain,
        &signer,
        time,
    );
    pdf.sign(
        "DauCoQuan",
        &cert("pki/ee-rsa2048.pem"),
        &chain,
        &signer,
        time,
    );
    let bytes = pdf.to_vec();
    if let Some(dir) = std::env::var_os("KYSO_PDF_WRITE_DIR") {
        std::fs::write(PathBuf::from(dir).join("minimal-author-seal.pdf"), &bytes).unwrap();
    }
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let context = TrustContext::new(&anchors, Revocation::NotChecked);
    let doc = PdfDocument::from_bytes(&bytes).unwrap();
    let report = Verifier::new(&context, ValidationPolicy::at(time)).verify_pdf(&doc);
    assert!(report.is_passed(), "{report}");
    assert_eq!(
        report.signatures[0].modification,
        ModificationClass::FormFilling
    );
}

/// B-LT and B-LTA offline ten years on, with revocation required and nothing but what the
/// file carries: the signature timestamp (and for B-LTA the document timestamp) proves the
/// signature existed while the validation data in `/DSS` shows every certificate good.
#[test]
fn long_term_files_validate_offline_years_later() {
    let later = Time::from_unix(validation_time().unix() + 10 * 365 * 86_400);
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let nothing = kyso::CrlStore::new();
    let context = TrustContext::new(&anchors, Revocation::Required(&nothing));
    for file in ["b-lt.pdf", "b-lta.pdf"] {
        let bytes = std::fs::read(folder().join(file)).unwrap();
        let doc = PdfDocument::from_bytes(&bytes).unwrap();
        let report = Verifier::new(&context, ValidationPolicy::at(later)).verify_pdf(&doc);
        assert!(report.is_passed(), "{file}:\n{report}");
        assert!(
            report.signatures[0].report.best_signature_time.is_some(),
            "{file}: no proof of existence"
        );
    }
    // A B-B signature has nothing to show for the same years.
    let bytes = std::fs::read(folder().join("single-cades.pdf")).unwrap();
    let doc = PdfDocument::from_bytes(&bytes).unwrap();
    let report = Verifier::new(&context, ValidationPolicy::at(later)).verify_pdf(&doc);
    assert!(!report.is_passed(), "{report}");
}

/// A signed signature widget on a page that `/AcroForm` does not list is still found,
/// validated and named as such.
#[test]
fn signature_widgets_outside_the_form_are_reported() {
    let time = Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap();
    let signer =
        kyso::SoftwareSigner::from_file(common::vector_path("keys/ee-rsa2048.key.pem"), None)
            .unwrap();
    let mut pdf = pdf_writer::VirtualPdf::new(1024);
    pdf.in_acroform = false;
    pdf.sign(
        "Orphan",
        &cert("pki/ee-rsa2048.pem"),
        &[cert("pki/intermediate-ca.pem")],
        &signer,
        time,
    );
    let bytes = pdf.to_vec();
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let context = TrustContext::new(&anchors, Revocation::NotChecked);
    let doc = PdfDocument::from_bytes(&bytes).unwrap();
    let report = Verifier::new(&context, ValidationPolicy::at(time)).verify_pdf(&doc);
    assert_eq!(report.signatures.len(), 1, "{report}");
    assert_eq!(
        report.signatures[0].field,
        "Orphan (widget not in /AcroForm)"
    );
    assert!(report.is_passed(), "{report}");
}
