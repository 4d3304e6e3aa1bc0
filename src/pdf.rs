//! Signed PDFs (PAdES, ETSI EN 319 142-1; ISO 32000-2 section 12.8): reading a PDF as its
//! revisions, finding every signature and document timestamp, checking that each covers a
//! whole revision, validating its CMS through the same pipeline as any CMS signature, and
//! judging what changed in the document after it was signed.
//!
//! ```
//! use kyso::pdf::PdfDocument;
//! use kyso::{Revocation, Time, TrustContext, TrustStore, ValidationPolicy, Verifier};
//! let anchors = TrustStore::from_pem(&std::fs::read("test-vectors/pki/root-ca.pem")?)?;
//! let time = Time::parse_rfc3339(std::fs::read_to_string("test-vectors/pdf/validation-time")?.trim())?;
//! let bytes = std::fs::read("test-vectors/pdf/single-cades.pdf")?;
//! let pdf = PdfDocument::from_bytes(&bytes)?;
//! let context = TrustContext::new(&anchors, Revocation::NotChecked);
//! let report = Verifier::new(&context, ValidationPolicy::at(time)).verify_pdf(&pdf);
//! assert_eq!(report.signatures.len(), 1);
//! assert!(report.is_passed());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The reader is kyso's own, strict and bounded ([`crate::limits`]): it never repairs a
//! file, never merges revisions, and reads a file given as a reader a window at a time, so
//! memory does not grow with the file.

mod appearance;
mod changes;
mod document;
mod filter;
mod sign;
mod source;
mod syntax;
mod verify;
mod write;

pub use appearance::SignatureAppearance;
pub use sign::{Certification, PdfSignatureWidget, PdfSigned, PdfSigning, PreparedPdfSignature};

use std::io::{Read, Seek};

use crate::error::{Error, PdfError};
use crate::validate::SignerReport;

/// A PDF read as its revisions: the original document and each incremental update.
pub struct PdfDocument<'a> {
    pub(crate) file: document::PdfFile<'a>,
}

impl core::fmt::Debug for PdfDocument<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PdfDocument")
            .field("revisions", &self.file.revisions.len())
            .finish_non_exhaustive()
    }
}

impl<'a> PdfDocument<'a> {
    /// Reads a PDF held in memory.
    ///
    /// # Errors
    ///
    /// [`Error::Pdf`]: the file is not a PDF ([`PdfError::NotPdf`]), is encrypted, is a
    /// hybrid-reference or linearized file, has bytes after its last `%%EOF` or in an
    /// update that no cross-reference entry accounts for, a cross-reference entry that does
    /// not point at its object, an object listed twice in one section, or is malformed or
    /// over a bound of [`crate::limits`] anywhere in its cross-reference sections.
    pub fn from_bytes(bytes: &'a [u8]) -> Result<Self, Error> {
        let file = document::PdfFile::open(source::Source::bytes(bytes)?)?;
        Ok(PdfDocument { file })
    }

    /// Reads a PDF from a reader that can seek (an open file), a window at a time: memory
    /// stays bounded whatever the file's size.
    ///
    /// # Errors
    ///
    /// Those of [`PdfDocument::from_bytes`], and [`PdfError::Io`] if reading fails.
    pub fn from_reader(reader: impl Read + Seek + 'a) -> Result<Self, Error> {
        let file = document::PdfFile::open(source::Source::reader(Box::new(reader))?)?;
        Ok(PdfDocument { file })
    }

    /// Whether `bytes` start as a PDF does (`%PDF-`).
    pub fn looks_like_pdf(bytes: &[u8]) -> bool {
        bytes.starts_with(b"%PDF-")
    }

    /// The number of revisions (1 for a file never updated).
    pub fn revisions(&self) -> usize {
        self.file.revisions.len()
    }

    /// The byte ranges of each revision: its first byte, and the byte after its `%%EOF`
    /// and end-of-line marker.
    pub fn revision_ranges(&self) -> Vec<(u64, u64)> {
        self.file
            .revisions
            .iter()
            .map(|r| (r.start, r.end))
            .collect()
    }
}

/// How far the changes after a signature go, from none to anything, in the order of ISO
/// 32000-2 section 12.8.2.2 (DocMDP) and ETSI EN 319 142-1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ModificationClass {
    /// Nothing changed after the signature.
    None,
    /// Validation data and metadata only: the Document Security Store (`/DSS`, `/VRI`),
    /// document timestamps, the extensions dictionary and version that announce them, the
    /// form flags they need, and the document information (`/Info`, the XMP `/Metadata`)
    /// that signing tools update with every revision. None of it is page content. Permitted
    /// by every DocMDP level (ISO 32000-2 section 12.8.2.2 allows validation data and
    /// document timestamps after P=1).
    LongTermData,
    /// New signatures (signing an empty field or adding a signature field) and filling in
    /// form fields. Permitted by DocMDP P=2 and P=3.
    FormFilling,
    /// Annotations added, changed or deleted (including new fields other than signature
    /// fields, and unsigned signature fields that show an appearance). Permitted by DocMDP
    /// P=3 only.
    Annotations,
    /// Anything else: page content, resources, fonts, the page tree, the catalog beyond the
    /// keys above, a signed field's value, objects freed or redefined, references that were
    /// dangling when signed. Never permitted: the signature fails.
    Other,
}

impl ModificationClass {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            ModificationClass::None => "none",
            ModificationClass::LongTermData => "long-term-data",
            ModificationClass::FormFilling => "form-filling",
            ModificationClass::Annotations => "annotations",
            ModificationClass::Other => "other",
        }
    }
}

/// One change made after a signature.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PdfChange {
    /// The object number (0 for the trailer).
    pub object: u32,
    /// The revision (0-based) whose definition is in effect in the final document.
    pub revision: usize,
    /// How far the change goes.
    pub class: ModificationClass,
    /// What changed, in words.
    pub what: String,
    /// The form field or annotation the changed object belongs to (its appearance, say),
    /// if the walk reached it inside one.
    pub within: Option<u32>,
}

/// What kind of PDF signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PdfSignatureKind {
    /// An approval signature.
    Approval,
    /// A certification signature (DocMDP) with its permission level: 1 no changes, 2 form
    /// filling and signing, 3 also annotations.
    Certification {
        /// The `/P` value.
        permission: u8,
    },
    /// A document timestamp (`/Type /DocTimeStamp`, `ETSI.RFC3161`).
    DocumentTimestamp,
}

/// The validation of one signature or document timestamp of a PDF.
#[derive(Clone, Debug, serde::Serialize)]
#[non_exhaustive]
pub struct PdfSignatureReport {
    /// The field's full name (`/T` of the field and its parents, joined by dots).
    pub field: String,
    /// Approval, certification or document timestamp.
    pub kind: PdfSignatureKind,
    /// The `/SubFilter`.
    pub sub_filter: String,
    /// The `/ByteRange`, when it could be read.
    pub byte_range: Option<[u64; 4]>,
    /// The revision (0-based) the signature covers, when it covers a whole one.
    pub revision: Option<usize>,
    /// Whether the signature covers the whole file as it is (no revision after it).
    pub covers_whole_file: bool,
    /// The signing time the signature dictionary claims (`/M`).
    pub claimed_time: Option<crate::time::Time>,
    /// For a document timestamp, its genTime.
    pub timestamp_time: Option<crate::time::Time>,
    /// The most far-reaching change after the signature.
    pub modification: ModificationClass,
    /// The most far-reaching change the signature (and a certification before it)
    /// permits.
    pub permitted: ModificationClass,
    /// Every change after the signature.
    pub changes: Vec<PdfChange>,
    /// Fields locked by this signature (FieldMDP) whose value changed after it.
    pub locked_fields_changed: Vec<String>,
    /// The verdict, signer and checks (the PDF checks included), as for a CMS signer.
    pub report: SignerReport,
}

impl PdfSignatureReport {
    /// The ETSI EN 319 102-1 indication.
    pub fn indication(&self) -> crate::validate::Indication {
        self.report.indication
    }
}

/// The validation of every signature in a PDF.
#[derive(Clone, Debug, serde::Serialize)]
#[non_exhaustive]
pub struct PdfReport {
    /// One entry per signature and document timestamp, in the order of the revisions they
    /// cover.
    pub signatures: Vec<PdfSignatureReport>,
    /// The number of revisions.
    pub revisions: usize,
    /// Why the PDF could not be validated at all, if so (in JSON, its message).
    #[serde(serialize_with = "error_message")]
    pub error: Option<PdfError>,
    /// Signature checks made, over all signatures, timestamps and paths (one budget).
    pub signature_checks: usize,
}

impl PdfReport {
    /// Whether the file has signatures and every one passed.
    pub fn is_passed(&self) -> bool {
        self.error.is_none()
            && !self.signatures.is_empty()
            && self.signatures.iter().all(|s| s.report.is_passed())
    }

    /// The report as JSON, in the schema of [`ValidationReport::to_json`](crate::ValidationReport::to_json)
    /// for each signature's `report`, with the PDF's own fields around it.
    pub fn to_json(&self) -> String {
        crate::validate::report::visible_json(self)
    }

    /// The report on a file that cannot be validated at all (see
    /// [`PdfDocument::from_bytes`]).
    pub fn refused(e: &PdfError) -> Self {
        PdfReport {
            signatures: Vec::new(),
            revisions: 0,
            error: Some(e.clone()),
            signature_checks: 0,
        }
    }
}

fn error_message<S: serde::Serializer>(e: &Option<PdfError>, s: S) -> Result<S::Ok, S::Error> {
    match e {
        Some(e) => s.serialize_str(&e.to_string()),
        None => s.serialize_none(),
    }
}

impl core::fmt::Display for PdfReport {
    /// One line per signature (`Signature N (field): INDICATION[ / SUB-INDICATION]`), then
    /// the details of each.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if let Some(e) = &self.error {
            return writeln!(f, "PDF: cannot be validated: {e}");
        }
        writeln!(
            f,
            "PDF: {} revision(s), {} signature(s)",
            self.revisions,
            self.signatures.len()
        )?;
        for (i, s) in self.signatures.iter().enumerate() {
            write!(
                f,
                "Signature {} ({}): {}",
                i + 1,
                s.field,
                s.report.indication
            )?;
            if let Some(sub) = s.report.sub_indication {
                write!(f, " / {sub}")?;
            }
            writeln!(f)?;
        }
        for (i, s) in self.signatures.iter().enumerate() {
            writeln!(f, "\nSignature {} ({})", i + 1, s.field)?;
            let kind = match s.kind {
                PdfSignatureKind::Approval => "approval signature".to_string(),
                PdfSignatureKind::Certification { permission } => {
                    format!("certification signature, DocMDP P={permission}")
                }
                PdfSignatureKind::DocumentTimestamp => "document timestamp".to_string(),
            };
            writeln!(f, "  kind:     {kind} ({})", s.sub_filter)?;
            if let Some(r) = s.revision {
                writeln!(
                    f,
                    "  covers:   revision {} of {}{}",
                    r + 1,
                    self.revisions,
                    if s.covers_whole_file {
                        " (the whole file)"
                    } else {
                        ""
                    }
                )?;
            }
            if let Some(t) = s.timestamp_time {
                writeln!(f, "  stamped:  {t}")?;
            }
            writeln!(
                f,
                "  changed:  {} after signing (permitted: {})",
                s.modification.name(),
                s.permitted.name()
            )?;
            for c in s.changes.iter().take(20) {
                writeln!(
                    f,
                    "    object {} (revision {}): {} [{}]",
                    c.object,
                    c.revision + 1,
                    c.what,
                    c.class.name()
                )?;
            }
            if s.changes.len() > 20 {
                writeln!(f, "    ... {} more", s.changes.len() - 20)?;
            }
            s.report.fmt_details(f)?;
        }
        Ok(())
    }
}

/// A count or offset of the machine's size as a file offset (`usize` is at most 64 bits on
/// every target kyso builds for, so this never saturates in practice).
pub(crate) fn wide(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Parses a PDF date (`D:YYYYMMDDHHmmSSOHH'mm'`, ISO 32000-2 section 7.9.4); parts after
/// the year are optional.
pub(crate) fn parse_date(s: &[u8]) -> Option<crate::time::Time> {
    let s = s.strip_prefix(b"D:").unwrap_or(s);
    let digits = |from: usize, n: usize, default: u32| -> Option<u32> {
        match s.get(from..from + n) {
            Some(d) if d.iter().all(u8::is_ascii_digit) => {
                Some(d.iter().fold(0u32, |a, b| a * 10 + u32::from(b - b'0')))
            }
            Some(_) => None,
            None => Some(default),
        }
    };
    let year = digits(0, 4, 0)?;
    if s.len() < 4 {
        return None;
    }
    let month = digits(4, 2, 1)?;
    let day = digits(6, 2, 1)?;
    let hour = digits(8, 2, 0)?;
    let minute = digits(10, 2, 0)?;
    let second = digits(12, 2, 0)?;
    let t = crate::time::Time::from_utc(year, month, day, hour, minute, second).ok()?;
    let offset = match s.get(14) {
        None | Some(b'Z') => 0,
        Some(sign @ (b'+' | b'-')) => {
            let h = i64::from(digits(15, 2, 0)?);
            let m = match s.get(17) {
                Some(b'\'') => i64::from(digits(18, 2, 0)?),
                _ => 0,
            };
            let total = h * 3600 + m * 60;
            if *sign == b'+' { total } else { -total }
        }
        Some(_) => return None,
    };
    Some(crate::time::Time::from_unix(t.unix() - offset))
}

#[cfg(test)]
#[allow(clippy::as_conversions)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let t = parse_date(b"D:20261201103000+07'00'").map(|t| t.to_string());
        assert_eq!(t.as_deref(), Some("2026-12-01T03:30:00Z"));
        let t = parse_date(b"D:20261201033000Z").map(|t| t.to_string());
        assert_eq!(t.as_deref(), Some("2026-12-01T03:30:00Z"));
        assert!(parse_date(b"D:2026AB").is_none());
    }
}
