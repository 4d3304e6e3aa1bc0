//! The validation report: one verdict per signer, as ETSI EN 319 102-1 states them, with who
//! signed, when, the chain, and every check performed.

use crate::cert::{Certificate, Identity};
use crate::digest::DigestAlgorithm;
use crate::error::Error;
use crate::key::SignatureAlgorithm;
use crate::revocation::Evidence;
use crate::time::Time;
use crate::validate::Warning;
pub use crate::vocabulary::{Indication, SubIndication};

/// A check the validation performed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckKind {
    /// The SignerInfo's structure and mandatory attributes.
    Format,
    /// The signer's certificate was found (by issuer and serial, or key identifier).
    SignerCertificate,
    /// The ESS signing-certificate(-v2) attribute binds that certificate.
    SigningCertificateAttribute,
    /// The content-type attribute matches the encapsulated content type.
    ContentType,
    /// The document's digest equals the message-digest attribute.
    MessageDigest,
    /// The signature algorithm is known and allowed by the policy.
    Algorithm,
    /// The signature value verifies with the signer's key.
    SignatureValue,
    /// The claimed signing time is consistent with the signing certificate.
    SigningTime,
    /// The certificate path to a trust anchor validates at the validation time (including
    /// the key usage for signing).
    CertificatePath,
    /// A certificate's revocation status.
    Revocation,
    /// A signature timestamp (CAdES-B-T) over the signature value.
    SignatureTimestamp,
    /// A content timestamp (id-aa-ets-contentTimestamp, a signed attribute) over the
    /// document.
    ContentTimestamp,
    /// A counter-signature (RFC 5652 section 11.4) over the signature value; its own
    /// report is in [`SignerReport::counter_signatures`].
    CounterSignature,
    /// The work the validation may do: the signature checks of one call stayed within
    /// [`MAX_CMS_SIGNATURE_CHECKS`](crate::limits::MAX_CMS_SIGNATURE_CHECKS).
    WorkBudget,
    /// A PDF signature's `/ByteRange` and `/Contents`: the signature covers one whole
    /// revision except its own value, and its dictionary is the one in that revision.
    PdfByteRange,
    /// What changed in a PDF after the signature, against what the signature (and a
    /// certification signature before it) permits.
    PdfChanges,
    /// An XML signature's reference: its target resolved, its transforms applied, and the
    /// digest of the result equal to the `DigestValue`.
    XmlReference,
    /// What an XML profile requires of a signature (for an e-invoice: what it signs, where it
    /// sits, and the seller's tax code against the certificate).
    XmlProfile,
}

impl CheckKind {
    /// A short English name.
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Format => "format",
            CheckKind::SignerCertificate => "signer certificate",
            CheckKind::SigningCertificateAttribute => "signing-certificate attribute",
            CheckKind::ContentType => "content type",
            CheckKind::MessageDigest => "message digest",
            CheckKind::Algorithm => "algorithm",
            CheckKind::SignatureValue => "signature value",
            CheckKind::SigningTime => "signing time",
            CheckKind::CertificatePath => "certificate path",
            CheckKind::Revocation => "revocation",
            CheckKind::SignatureTimestamp => "signature timestamp",
            CheckKind::ContentTimestamp => "content timestamp",
            CheckKind::CounterSignature => "counter-signature",
            CheckKind::WorkBudget => "work budget",
            CheckKind::PdfByteRange => "PDF byte range",
            CheckKind::PdfChanges => "changes after signing",
            CheckKind::XmlReference => "XML reference",
            CheckKind::XmlProfile => "XML profile",
        }
    }
}

/// How a check ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// It passed.
    Passed,
    /// It failed.
    Failed,
    /// It could not be performed or did not apply (for example no signed attributes).
    Skipped,
}

/// One check and its outcome, with a sentence saying what was found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Check {
    /// What was checked.
    pub kind: CheckKind,
    /// How it ended.
    pub outcome: Outcome,
    /// What was found.
    pub detail: String,
}

/// Where the validation time came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeSource {
    /// The time the caller gave.
    Given,
    /// The signing time the signer claimed (signingTime attribute), as the policy asked.
    ClaimedSigningTime,
    /// The genTime of the signature timestamp: the path did not validate at the time given
    /// (expired, revoked since, or no current revocation data), and did at the time the
    /// signature is proven to exist.
    SignatureTimeStamp,
}

/// The verdict on one signer of a signature.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SignerReport {
    /// The main indication.
    pub indication: Indication,
    /// The sub-indication, for INDETERMINATE and TOTAL-FAILED.
    pub sub_indication: Option<SubIndication>,
    /// Who signed, read from the signing certificate, if it was found.
    pub identity: Option<Identity>,
    /// The signing certificate, if it was found.
    pub signer_certificate: Option<Certificate>,
    /// The signing time the signer claims (signingTime attribute); not proven.
    pub claimed_signing_time: Option<Time>,
    /// The time the certificate path was validated at.
    pub validation_time: Time,
    /// Where the validation time came from.
    pub validation_time_source: TimeSource,
    /// The validated chain, end entity first, anchor last (empty if none validated).
    pub chain: Vec<Certificate>,
    /// The user-constrained policy set of the validated chain (RFC 5280 section 6.1.5):
    /// the certificate policies, among those the validation policy accepts, that the whole
    /// chain supports; `None` when no chain validated.
    pub certificate_policies: Option<crate::path::PolicySet>,
    /// The digest algorithm of the signer.
    pub digest_algorithm: Option<DigestAlgorithm>,
    /// The signature algorithm of the signer.
    pub signature_algorithm: Option<SignatureAlgorithm>,
    /// The commitment the signer states (commitment-type-indication), if any: the first
    /// of [`SignerReport::commitment_types`] (with several, which one is first carries no
    /// meaning).
    pub commitment_type: Option<crate::validate::CommitmentType>,
    /// Every commitment the signer states that kyso knows, in the order of the encoding (a
    /// SET OF, so DER order; DSS writes one value per commitment).
    pub commitment_types: Vec<crate::validate::CommitmentType>,
    /// The time a content timestamp (a signed attribute over the document) proves the
    /// document existed by, when it verifies.
    pub content_timestamp_time: Option<Time>,
    /// One report per counter-signature (RFC 5652 section 11.4) on this signer, nested
    /// counter-signatures in their own report's field. A counter-signature's verdict does
    /// not change this signer's.
    pub counter_signatures: Vec<SignerReport>,
    /// Attributes present that kyso does not examine yet (archive timestamps, CAdES-C and
    /// -X references and timestamps, by OID): a TOTAL-PASSED does not cover them.
    pub unexamined_attributes: Vec<crate::oid::Oid>,
    /// Every check performed, in order.
    pub checks: Vec<Check>,
    /// Things that did not change the verdict but that a reader should know.
    pub warnings: Vec<Warning>,
    /// The error behind a failed verdict.
    pub error: Option<Error>,
    /// The earliest time the signature is proven to exist: the genTime of its earliest
    /// signature timestamp that verifies (ETSI's best-signature-time), if any.
    pub best_signature_time: Option<Time>,
    /// The CRLs and OCSP responses that decided the revocation status of the signer's chain
    /// and of the TSAs' chains.
    pub evidence: Vec<Evidence>,
    /// The certificates of the signer's chain and of the TSAs' chains.
    pub used_certificates: Vec<Certificate>,
}

impl SignerReport {
    /// Whether this signer's verdict is TOTAL-PASSED.
    pub fn is_passed(&self) -> bool {
        self.indication == Indication::TotalPassed
    }

    /// The subjects of the validated chain, end entity first, as RFC 4514 strings.
    pub fn chain_subjects(&self) -> Vec<String> {
        self.chain.iter().map(|c| c.subject().to_string()).collect()
    }

    /// A report for a signer that could not be examined at all.
    pub(crate) fn empty(time: Time) -> Self {
        SignerReport {
            indication: Indication::TotalFailed,
            sub_indication: Some(SubIndication::FormatFailure),
            identity: None,
            signer_certificate: None,
            claimed_signing_time: None,
            validation_time: time,
            validation_time_source: TimeSource::Given,
            chain: Vec::new(),
            certificate_policies: None,
            digest_algorithm: None,
            signature_algorithm: None,
            commitment_type: None,
            commitment_types: Vec::new(),
            content_timestamp_time: None,
            counter_signatures: Vec::new(),
            unexamined_attributes: Vec::new(),
            checks: Vec::new(),
            warnings: Vec::new(),
            error: None,
            best_signature_time: None,
            evidence: Vec::new(),
            used_certificates: Vec::new(),
        }
    }

    pub(crate) fn check(&mut self, kind: CheckKind, outcome: Outcome, detail: impl Into<String>) {
        self.checks.push(Check {
            kind,
            outcome,
            detail: detail.into(),
        });
    }
}

/// The verdict on a whole signature: one [`SignerReport`] per SignerInfo.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ValidationReport {
    /// One report per signer, in the order of the SignedData.
    pub signers: Vec<SignerReport>,
    /// Set when the signature as a whole could not be read; there are then no signers.
    pub format_error: Option<String>,
    /// The signature checks this validation made, of every kind (signers, certificates,
    /// CRLs, OCSP responses, timestamp tokens), each distinct check counted once; at most
    /// [`MAX_CMS_SIGNATURE_CHECKS`](crate::limits::MAX_CMS_SIGNATURE_CHECKS).
    pub signature_checks: usize,
    /// Which content the signers were verified against.
    pub content: VerifiedContent,
}

/// Which content a signature was verified against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerifiedContent {
    /// The document the caller gave (a detached signature).
    Given,
    /// The content inside an enveloping signature; no document was given.
    Embedded,
    /// The document the caller gave, which is the content inside the signature, byte for
    /// byte.
    GivenAndEmbedded,
    /// The document the caller gave, which differs from the content inside the signature:
    /// every signer fails (HASH_FAILURE), whichever of the two it signed, so that neither
    /// can be read as signed.
    GivenDiffersFromEmbedded,
    /// The document's digests, given by the caller.
    Digests,
    /// No content: neither given nor inside.
    None,
}

impl VerifiedContent {
    /// A stable name: `given`, `embedded`, `given-and-embedded`,
    /// `given-differs-from-embedded`, `digests`, `none`.
    pub fn name(self) -> &'static str {
        match self {
            VerifiedContent::Given => "given",
            VerifiedContent::Embedded => "embedded",
            VerifiedContent::GivenAndEmbedded => "given-and-embedded",
            VerifiedContent::GivenDiffersFromEmbedded => "given-differs-from-embedded",
            VerifiedContent::Digests => "digests",
            VerifiedContent::None => "none",
        }
    }
}

/// Serialised as its name ([`VerifiedContent::name`]).
impl serde::Serialize for VerifiedContent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl ValidationReport {
    pub(crate) fn format_failure(error: &Error) -> Self {
        ValidationReport {
            signers: Vec::new(),
            format_error: Some(error.to_string()),
            signature_checks: 0,
            content: VerifiedContent::None,
        }
    }

    /// The overall indication: the worst of the signers' (TOTAL-FAILED, then INDETERMINATE,
    /// then TOTAL-PASSED). A signature that could not be read, or has no signer, is
    /// TOTAL-FAILED.
    pub fn indication(&self) -> Indication {
        if self.format_error.is_some() || self.signers.is_empty() {
            return Indication::TotalFailed;
        }
        self.signers
            .iter()
            .map(|s| s.indication)
            .max()
            .unwrap_or(Indication::TotalFailed)
    }

    /// The sub-indication that goes with [`ValidationReport::indication`]: the first worst
    /// signer's.
    pub fn sub_indication(&self) -> Option<SubIndication> {
        if self.format_error.is_some() || self.signers.is_empty() {
            return Some(SubIndication::FormatFailure);
        }
        let worst = self.indication();
        self.signers
            .iter()
            .find(|s| s.indication == worst)
            .and_then(|s| s.sub_indication)
    }

    /// Whether every signer is TOTAL-PASSED.
    pub fn is_passed(&self) -> bool {
        self.indication() == Indication::TotalPassed
    }

    /// The report as JSON: the schema of its [`serde::Serialize`] implementation (see
    /// [`ValidationReport`]), written compactly, with the characters that could make one
    /// name look like another in a viewer (bidirectional controls, zero-width and other
    /// format characters) escaped as `\uXXXX`.
    pub fn to_json(&self) -> String {
        visible_json(self)
    }
}

/// `value` as JSON, with the characters that could disguise a name escaped.
pub(crate) fn visible_json(value: &impl serde::Serialize) -> String {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, VisibleJson);
    // Serialising a report cannot fail: every map key is a string and no impl errs.
    if value.serialize(&mut serializer).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The JSON report schema (one for `to_json` and for any serde serializer):
///
/// ```text
/// { "indication": "TOTAL-PASSED" | "INDETERMINATE" | "TOTAL-FAILED",
///   "sub_indication": "HASH_FAILURE" | ... | null,
///   "format_error": string | null,
///   "signature_checks": number,
///   "content": "given" | "embedded" | "given-and-embedded" | "given-differs-from-embedded"
///              | "digests" | "none",
///   "signers": [ signer ] }
/// ```
impl serde::Serialize for ValidationReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("ValidationReport", 6)?;
        s.serialize_field("indication", &self.indication())?;
        s.serialize_field("sub_indication", &self.sub_indication())?;
        s.serialize_field("format_error", &self.format_error)?;
        s.serialize_field("signature_checks", &self.signature_checks)?;
        s.serialize_field("content", &self.content)?;
        s.serialize_field("signers", &self.signers)?;
        s.end()
    }
}

/// One signer in the JSON report schema:
///
/// ```text
/// { "indication", "sub_indication",
///   "signer": { "common_name", "organization", "organizational_units", "title", "cccd",
///               "cmnd", "passport", "tax_code", "budget_unit", "locality", "state",
///               "country", "email" } | null,
///   "claimed_signing_time", "validation_time": RFC 3339 | null,
///   "validation_time_source": "given" | "claimed-signing-time" | "signature-time-stamp",
///   "best_signature_time": RFC 3339 | null,
///   "digest_algorithm", "signature_algorithm", "commitment_type": string | null,
///   "commitment_types": [ string ], "content_timestamp_time": RFC 3339 | null,
///   "counter_signatures": [ signer ], "unexamined_attributes": [ OID ],
///   "chain": [ RFC 4514 subject ],
///   "certificate_policies": "any-policy" | [ OID ] | null,
///   "checks": [ { "check", "outcome": "passed" | "failed" | "skipped", "detail" } ],
///   "warnings": [ { "code", "message" } ] }
/// ```
impl serde::Serialize for SignerReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("SignerReport", 19)?;
        s.serialize_field("indication", &self.indication)?;
        s.serialize_field("sub_indication", &self.sub_indication)?;
        s.serialize_field("signer", &self.identity)?;
        s.serialize_field("claimed_signing_time", &self.claimed_signing_time)?;
        s.serialize_field("validation_time", &self.validation_time)?;
        s.serialize_field("validation_time_source", &self.validation_time_source)?;
        s.serialize_field("best_signature_time", &self.best_signature_time)?;
        s.serialize_field("digest_algorithm", &self.digest_algorithm)?;
        s.serialize_field("signature_algorithm", &self.signature_algorithm)?;
        s.serialize_field("commitment_type", &self.commitment_type)?;
        s.serialize_field("commitment_types", &self.commitment_types)?;
        s.serialize_field("content_timestamp_time", &self.content_timestamp_time)?;
        s.serialize_field("counter_signatures", &self.counter_signatures)?;
        s.serialize_field("unexamined_attributes", &self.unexamined_attributes)?;
        s.serialize_field("chain", &self.chain_subjects())?;
        s.serialize_field("certificate_policies", &self.certificate_policies)?;
        s.serialize_field("checks", &self.checks)?;
        s.serialize_field("warnings", &self.warnings)?;
        s.end()
    }
}

impl serde::Serialize for Check {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("Check", 3)?;
        s.serialize_field("check", self.kind.name())?;
        s.serialize_field("outcome", &self.outcome)?;
        s.serialize_field("detail", &self.detail)?;
        s.end()
    }
}

/// Serialised as its name (`message digest`).
impl serde::Serialize for CheckKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Serialised as `passed`, `failed` or `skipped`.
impl serde::Serialize for Outcome {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
        })
    }
}

/// Serialised as `given`, `claimed-signing-time` or `signature-time-stamp`.
impl serde::Serialize for TimeSource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match self {
            TimeSource::Given => "given",
            TimeSource::ClaimedSigningTime => "claimed-signing-time",
            TimeSource::SignatureTimeStamp => "signature-time-stamp",
        })
    }
}

/// serde_json's compact output, with the characters a name could use to look like another
/// escaped (RFC 8259 section 7 allows any character to be written as `\uXXXX`).
struct VisibleJson;

impl serde_json::ser::Formatter for VisibleJson {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if crate::cert::name::hidden(c) {
                writer.write_all(fragment.get(start..i).unwrap_or_default().as_bytes())?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{u:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        writer.write_all(fragment.get(start..).unwrap_or_default().as_bytes())
    }
}

impl SignerReport {
    /// Who, when, the chain, the checks and the warnings, one per line.
    pub(crate) fn fmt_details(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.identity {
            Some(id) => writeln!(f, "  who:      {id}")?,
            None => writeln!(f, "  who:      (signing certificate not found)")?,
        }
        match self.claimed_signing_time {
            Some(t) => writeln!(f, "  signed:   {t} (claimed by the signer)")?,
            None => writeln!(f, "  signed:   (no signing time)")?,
        }
        writeln!(
            f,
            "  checked:  at {} ({})",
            self.validation_time,
            match self.validation_time_source {
                TimeSource::Given => "time given by the caller",
                TimeSource::ClaimedSigningTime => "claimed signing time",
                TimeSource::SignatureTimeStamp => "signature timestamp",
            }
        )?;
        if let Some(t) = self.best_signature_time {
            writeln!(
                f,
                "  exists:   since {t} at the latest (signature timestamp)"
            )?;
        }
        if let Some(a) = self.signature_algorithm {
            writeln!(f, "  algorithm: {a}")?;
        }
        if let Some(c) = self.commitment_type {
            writeln!(f, "  commits:  {c}")?;
        }
        for (k, c) in self.chain.iter().enumerate() {
            let role = if k + 1 == self.chain.len() {
                "anchor"
            } else {
                "chain"
            };
            writeln!(f, "  {role}:    {}", c.subject())?;
        }
        if let Some(p) = &self.certificate_policies {
            writeln!(f, "  policies: {p}")?;
        }
        for c in &self.checks {
            let mark = match c.outcome {
                Outcome::Passed => "ok  ",
                Outcome::Failed => "FAIL",
                Outcome::Skipped => "skip",
            };
            writeln!(f, "  [{mark}] {}: {}", c.kind.name(), c.detail)?;
        }
        for w in &self.warnings {
            writeln!(f, "  warning: {w}")?;
        }
        Ok(())
    }
}

impl core::fmt::Display for ValidationReport {
    /// A readable summary: the overall verdict, then each signer with who, when, the chain
    /// and the checks.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Signature: {}", self.indication())?;
        if let Some(sub) = self.sub_indication() {
            write!(f, " / {sub}")?;
        }
        writeln!(f)?;
        if let Some(e) = &self.format_error {
            writeln!(f, "  cannot read the signature: {e}")?;
        }
        for (i, s) in self.signers.iter().enumerate() {
            write!(f, "Signer {}: {}", i + 1, s.indication)?;
            if let Some(sub) = s.sub_indication {
                write!(f, " / {sub}")?;
            }
            writeln!(f)?;
            s.fmt_details(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_what_could_disguise_a_name() {
        let mut report = SignerReport::empty(Time::from_unix(0));
        report.check(
            CheckKind::Format,
            Outcome::Failed,
            "Co\u{302}ng ty\u{200b} \u{202e}evil\u{202c} \"q\" \u{1d400}",
        );
        let report = ValidationReport {
            signers: vec![report],
            format_error: None,
            signature_checks: 0,
            content: VerifiedContent::None,
        };
        let json = report.to_json();
        assert!(
            json.contains("Co\u{302}ng ty\\u200b \\u202eevil\\u202c \\\"q\\\" \u{1d400}"),
            "{json}"
        );
        // The escapes are JSON: the text reads back unchanged, and as serde writes it.
        let back: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, serde_json::to_value(&report).unwrap_or_default());
    }
}
