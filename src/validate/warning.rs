//! What a validation accepted, or set aside, that the relying party should know: one typed
//! value per kind, so that callers and tests match on the kind, and `Display` gives the
//! sentence a report shows.

use crate::path::PathWarning;
use crate::time::Time;

/// Something a validation accepted or set aside without changing the verdict.
///
/// In a report's JSON, a warning is `{"code": "...", "message": "..."}`: the code is
/// [`Warning::code`], stable across releases, and the message its `Display` sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// The signer has no signed attributes, accepted by the legacy policy: a bare signature
    /// over the document, bound to no content type, with no signing time and no
    /// signing-certificate binding.
    BareSignatureAccepted,
    /// The signer's certificate was found only by comparing the issuer name's attributes in
    /// any order (some passports' EF.SODs reorder them).
    LenientSignerMatch,
    /// No ESS signing-certificate attribute: the certificate is not bound to the signature
    /// (plain CMS, not CAdES).
    NoSigningCertificateAttribute,
    /// The ESS signing-certificate attribute identifies the certificate by its SHA-1 hash;
    /// `relied_on` is false when the algorithm policy refuses SHA-1, and the certificate is
    /// then not bound to the signature.
    Sha1SigningCertificateReference {
        /// Whether the binding was relied on.
        relied_on: bool,
    },
    /// SHA-1 in the signature was accepted by the legacy algorithm policy.
    Sha1Accepted,
    /// The signer's claimed signing time is after the time a signature timestamp proves.
    ClaimedTimeAfterTimestamp {
        /// The claimed signing time.
        claimed: Time,
        /// The time the timestamp proves the signature existed by.
        timestamp: Time,
    },
    /// Revocation was not checked: the verifier had no revocation policy and the signature
    /// carries no revocation data.
    RevocationNotChecked,
    /// A certificate's revocation status could not be had, and the policy
    /// (`IfAvailable`) let the validation go on.
    RevocationStatusUnknown {
        /// The certificate's subject (RFC 4514).
        subject: String,
    },
    /// More signature timestamps than are checked: only the first were.
    TimestampsNotAllChecked {
        /// How many were checked.
        checked: usize,
    },
    /// A signature timestamp was not used as proof of existence.
    TimestampUnusable {
        /// Why, as a sentence.
        reason: String,
    },
    /// A certificate embedded in the signature was skipped: of another format, or
    /// unreadable.
    EmbeddedCertificateSkipped {
        /// Why, as a sentence.
        reason: String,
    },
    /// Revocation data embedded in the signature was skipped: of another format, or
    /// unreadable.
    EmbeddedRevocationDataSkipped {
        /// Why, as a sentence.
        reason: String,
    },
    /// An EF.SOD with other than one signer: the first is reported (ICAO 9303 part 10).
    SodSignerCount {
        /// How many SignerInfos it has.
        signers: usize,
    },
    /// An EF.SOD's data group hashes are SHA-1, accepted by the legacy algorithm policy.
    Sha1DataGroupHashes,
    /// The signers' country was not compared with the document's issuing state
    /// (`PassiveAuth::accept_any_issuing_state`).
    IssuingStateNotCompared,
    /// A certificate of the signer's path deviates from the RFC 5280 profile in a way path
    /// validation tolerates (its code is the [`PathWarning`]'s).
    CertificateProfile(PathWarning),
    /// The signed attributes are not in the DER order of a SET OF (RFC 5652 section 5.4
    /// says their DER encoding is signed). The signature verified over the order received
    /// (`signed_as_received`, as some producers sign) or over the DER order.
    SignedAttributesNotInDerOrder {
        /// Whether the signature covers the attributes in the order received.
        signed_as_received: bool,
    },
    /// Zero bytes followed the signature's encoding (the padding of a PDF `/Contents`),
    /// and were ignored.
    TrailingZeroBytes {
        /// How many.
        count: usize,
    },
    /// An item of a PDF's Document Security Store (a certificate, CRL or OCSP response
    /// stream) does not decode, and was not used.
    PdfValidationDataUnreadable {
        /// The stream's object number.
        object: u32,
    },
    /// An EF.SOD's eContentType is id-data, not id-icao-mrtd-security-ldsSecurityObject
    /// (ICAO 9303 part 10); its content was read as an LDSSecurityObject.
    SodContentTypeIdData,
    /// The SignerInfo's signature algorithm is ECDSA with an explicit NULL parameter (RFC
    /// 5758 section 3.2 says absent), as some passports and ID cards write it.
    EcdsaParametersNull,
    /// A signed attribute of a type kyso does not read appears more than once. Nothing
    /// kyso checks depends on it; the attributes kyso reads must each appear once.
    RepeatedUnknownSignedAttribute {
        /// The attribute type.
        oid: crate::oid::Oid,
    },
    /// An attribute kyso does not examine yet (an archive timestamp, a CAdES-C or -X
    /// reference or timestamp) is present: the verdict does not cover it.
    AttributeNotExamined {
        /// The attribute type.
        oid: crate::oid::Oid,
    },
    /// More counter-signatures, or deeper ones, than are checked
    /// ([`MAX_COUNTER_SIGNATURES`](crate::limits::MAX_COUNTER_SIGNATURES),
    /// [`MAX_COUNTER_SIGNATURE_DEPTH`](crate::limits::MAX_COUNTER_SIGNATURE_DEPTH)).
    CounterSignaturesNotAllChecked {
        /// How many were checked at this level.
        checked: usize,
    },
    /// An XML reference to an element inside its own signature (an e-invoice's SigningTime
    /// object) lists the enveloped-signature transform, which taken literally removes its
    /// whole target; the transform was skipped, as the producers of such files do when they
    /// sign, so the digest covers the element.
    EnvelopedTransformSkipped {
        /// The reference's `URI`.
        uri: String,
    },
    /// Elements of an e-invoice outside everything its signatures cover (a QR code's data,
    /// say): they may have changed after signing.
    UnsignedElements {
        /// Their local names, in document order.
        names: Vec<String>,
    },
}

impl Warning {
    /// A stable, machine-readable name of the kind of warning (`revocation-not-checked`).
    pub fn code(&self) -> &'static str {
        match self {
            Warning::BareSignatureAccepted => "bare-signature-accepted",
            Warning::LenientSignerMatch => "lenient-signer-match",
            Warning::NoSigningCertificateAttribute => "no-signing-certificate-attribute",
            Warning::Sha1SigningCertificateReference { .. } => "sha1-signing-certificate-reference",
            Warning::Sha1Accepted => "sha1-accepted",
            Warning::ClaimedTimeAfterTimestamp { .. } => "claimed-time-after-timestamp",
            Warning::RevocationNotChecked => "revocation-not-checked",
            Warning::RevocationStatusUnknown { .. } => "revocation-status-unknown",
            Warning::TimestampsNotAllChecked { .. } => "timestamps-not-all-checked",
            Warning::TimestampUnusable { .. } => "timestamp-unusable",
            Warning::EmbeddedCertificateSkipped { .. } => "embedded-certificate-skipped",
            Warning::EmbeddedRevocationDataSkipped { .. } => "embedded-revocation-data-skipped",
            Warning::SodSignerCount { .. } => "sod-signer-count",
            Warning::Sha1DataGroupHashes => "sha1-data-group-hashes",
            Warning::IssuingStateNotCompared => "issuing-state-not-compared",
            Warning::CertificateProfile(w) => w.code(),
            Warning::SignedAttributesNotInDerOrder { .. } => "signed-attributes-not-in-der-order",
            Warning::TrailingZeroBytes { .. } => "trailing-zero-bytes",
            Warning::PdfValidationDataUnreadable { .. } => "pdf-validation-data-unreadable",
            Warning::SodContentTypeIdData => "sod-content-type-id-data",
            Warning::EcdsaParametersNull => "ecdsa-parameters-null",
            Warning::RepeatedUnknownSignedAttribute { .. } => "repeated-unknown-signed-attribute",
            Warning::AttributeNotExamined { .. } => "attribute-not-examined",
            Warning::CounterSignaturesNotAllChecked { .. } => "counter-signatures-not-all-checked",
            Warning::EnvelopedTransformSkipped { .. } => "enveloped-transform-skipped",
            Warning::UnsignedElements { .. } => "unsigned-elements",
        }
    }
}

impl serde::Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("Warning", 2)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

impl core::fmt::Display for Warning {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Warning::BareSignatureAccepted => f.write_str(
                "no signed attributes: a bare signature over the document, bound to no content type, accepted by the legacy policy (no signing time, no signing-certificate binding)",
            ),
            Warning::LenientSignerMatch => f.write_str(
                "the signer's certificate was matched leniently: the issuer name in the signer identifier has the certificate's attributes in another order",
            ),
            Warning::NoSigningCertificateAttribute => f.write_str(
                "no ESS signing-certificate attribute: the certificate is not bound to the signature",
            ),
            Warning::Sha1SigningCertificateReference { relied_on: true } => f.write_str(
                "the signing-certificate attribute identifies the certificate by its SHA-1 hash",
            ),
            Warning::Sha1SigningCertificateReference { relied_on: false } => f.write_str(
                "the signing-certificate attribute identifies the signer's certificate by its SHA-1 hash, which the algorithm policy refuses: the certificate is not bound to the signature",
            ),
            Warning::Sha1Accepted => f.write_str("SHA-1 accepted by the legacy algorithm policy"),
            Warning::ClaimedTimeAfterTimestamp { claimed, timestamp } => write!(
                f,
                "the claimed signing time {claimed} is after the signature timestamp {timestamp}"
            ),
            Warning::RevocationNotChecked => f.write_str("revocation status was not checked"),
            Warning::RevocationStatusUnknown { subject } => {
                write!(f, "revocation status of {subject} unknown")
            }
            Warning::TimestampsNotAllChecked { checked } => {
                write!(f, "only the first {checked} signature timestamps were checked")
            }
            Warning::TimestampUnusable { reason } => {
                write!(f, "a signature timestamp is not usable: {reason}")
            }
            Warning::EmbeddedCertificateSkipped { reason } => {
                write!(f, "an embedded certificate was skipped: {reason}")
            }
            Warning::EmbeddedRevocationDataSkipped { reason } => {
                write!(f, "embedded revocation data was skipped: {reason}")
            }
            Warning::SodSignerCount { signers } => {
                write!(f, "the SOD has {signers} signers; the first is reported")
            }
            Warning::Sha1DataGroupHashes => f.write_str(
                "the data group hashes are SHA-1, accepted by the legacy algorithm policy",
            ),
            Warning::IssuingStateNotCompared => f.write_str(
                "the signers' country was not compared with the issuing state (accept_any_issuing_state)",
            ),
            Warning::CertificateProfile(w) => write!(f, "{w}"),
            Warning::SignedAttributesNotInDerOrder {
                signed_as_received: true,
            } => f.write_str(
                "the signed attributes are not in DER order; the signature covers them in the order received",
            ),
            Warning::SignedAttributesNotInDerOrder {
                signed_as_received: false,
            } => f.write_str(
                "the signed attributes are received out of DER order; the signature covers their DER order",
            ),
            Warning::TrailingZeroBytes { count } => {
                write!(f, "{count} zero bytes after the signature were ignored")
            }
            Warning::PdfValidationDataUnreadable { object } => write!(
                f,
                "object {object} of the Document Security Store does not decode and was not used"
            ),
            Warning::RepeatedUnknownSignedAttribute { oid } => write!(
                f,
                "the signed attribute {oid}, which kyso does not read, appears more than once"
            ),
            Warning::AttributeNotExamined { oid } => write!(
                f,
                "attribute {oid} is present and was not examined: the verdict does not cover it"
            ),
            Warning::CounterSignaturesNotAllChecked { checked } => write!(
                f,
                "only {checked} counter-signatures at this level were checked; the rest, and any deeper, were not"
            ),
            Warning::EnvelopedTransformSkipped { uri } => write!(
                f,
                "the reference {uri:?} targets an element inside its own signature with the enveloped-signature transform, which was skipped (as the file's producer did)"
            ),
            Warning::UnsignedElements { names } => write!(
                f,
                "not covered by any signature: {}",
                names.join(", ")
            ),
            Warning::EcdsaParametersNull => f.write_str(
                "the signature algorithm is ECDSA with a NULL parameter, which RFC 5758 leaves absent",
            ),
            Warning::SodContentTypeIdData => f.write_str(
                "the SOD's content type is id-data, not an LDSSecurityObject's; read as an LDSSecurityObject",
            ),
        }
    }
}
