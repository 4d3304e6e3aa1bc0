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
    Ok(Verifier::new(&context, ValidationPolicy::at(validation_time())).verify_pdf(&pdf))
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
