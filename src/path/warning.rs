//! [`PathWarning`]: what path validation accepted although RFC 5280 says a CA should not
//! have issued it that way.

use crate::error::ChainPosition;
use crate::oid::Oid;

/// A deviation from the RFC 5280 profile that path validation tolerates, because real PKIs
/// issue it and it weakens no check kyso makes: each is reported, none is silent.
/// [`ValidatedPath::warnings`](crate::path::ValidatedPath::warnings) lists them, and a
/// signature report carries them as
/// [`Warning::CertificateProfile`](crate::validate::Warning::CertificateProfile).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathWarning {
    /// No authorityKeyIdentifier, or one without its keyIdentifier field, in a certificate
    /// that is not self-issued (RFC 5280 section 4.2.1.1 says MUST, but for self-signed
    /// certificates). kyso finds issuers by name and checks every signature, so the
    /// identifier only speeds path building up;
    /// [`PathValidator::require_key_identifiers`](crate::path::PathValidator::require_key_identifiers)
    /// refuses such certificates instead.
    MissingAuthorityKeyIdentifier {
        /// The certificate.
        cert: ChainPosition,
    },
    /// No subjectKeyIdentifier in a CA certificate (RFC 5280 section 4.2.1.2 says MUST); as
    /// above.
    MissingSubjectKeyIdentifier {
        /// The certificate.
        cert: ChainPosition,
    },
    /// A serial number that is zero or negative (RFC 5280 section 4.1.2.2: positive; "users
    /// SHOULD be prepared to gracefully handle" such certificates). It still identifies the
    /// certificate exactly in CRLs and OCSP responses, which compare its octets.
    SerialNumberNotPositive {
        /// The certificate.
        cert: ChainPosition,
    },
    /// policyConstraints, inhibitAnyPolicy, or below the trust anchor nameConstraints, not
    /// marked critical (RFC 5280 sections 4.2.1.11, 4.2.1.14 and 4.2.1.10 say MUST). kyso
    /// applies them all the same, so they constrain the path as if critical; NIST PKITS has
    /// valid paths with such policy extensions, and the CA/Browser Forum's requirements long
    /// let technically constrained CAs leave nameConstraints non-critical.
    ConstraintExtensionNotCritical {
        /// The certificate.
        cert: ChainPosition,
        /// The extension.
        oid: Oid,
    },
    /// The certificate's signature algorithm is ECDSA with an explicit NULL parameter
    /// (RFC 5758 section 3.2 says absent), as some CSCAs and ID-card issuers write it.
    /// The identifier names the same algorithm either way.
    EcdsaParametersNull {
        /// The certificate.
        cert: ChainPosition,
    },
    /// The certificate's RSA key (rsaEncryption) has its parameters absent where RFC 3279
    /// section 2.3.1 says NULL, as some CSCAs write it. The key is the same either way.
    RsaKeyParametersAbsent {
        /// The certificate.
        cert: ChainPosition,
    },
}

impl PathWarning {
    /// A stable, machine-readable name of the kind of warning
    /// (`missing-authority-key-identifier`).
    pub fn code(&self) -> &'static str {
        match self {
            PathWarning::MissingAuthorityKeyIdentifier { .. } => "missing-authority-key-identifier",
            PathWarning::MissingSubjectKeyIdentifier { .. } => "missing-subject-key-identifier",
            PathWarning::SerialNumberNotPositive { .. } => "serial-number-not-positive",
            PathWarning::ConstraintExtensionNotCritical { .. } => {
                "constraint-extension-not-critical"
            }
            PathWarning::EcdsaParametersNull { .. } => "ecdsa-parameters-null",
            PathWarning::RsaKeyParametersAbsent { .. } => "rsa-key-parameters-absent",
        }
    }

    /// The certificate the warning is about.
    pub fn cert(&self) -> &ChainPosition {
        match self {
            PathWarning::MissingAuthorityKeyIdentifier { cert }
            | PathWarning::MissingSubjectKeyIdentifier { cert }
            | PathWarning::SerialNumberNotPositive { cert }
            | PathWarning::ConstraintExtensionNotCritical { cert, .. }
            | PathWarning::EcdsaParametersNull { cert }
            | PathWarning::RsaKeyParametersAbsent { cert } => cert,
        }
    }
}

impl core::fmt::Display for PathWarning {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PathWarning::MissingAuthorityKeyIdentifier { cert } => {
                write!(f, "{} has no authorityKeyIdentifier", cert.subject)
            }
            PathWarning::MissingSubjectKeyIdentifier { cert } => {
                write!(
                    f,
                    "CA certificate {} has no subjectKeyIdentifier",
                    cert.subject
                )
            }
            PathWarning::SerialNumberNotPositive { cert } => {
                write!(
                    f,
                    "{} has a serial number that is not positive",
                    cert.subject
                )
            }
            PathWarning::ConstraintExtensionNotCritical { cert, oid } => write!(
                f,
                "{} has extension {oid} not marked critical (applied all the same)",
                cert.subject
            ),
            PathWarning::EcdsaParametersNull { cert } => write!(
                f,
                "{} is signed with an ECDSA identifier that carries a NULL parameter",
                cert.subject
            ),
            PathWarning::RsaKeyParametersAbsent { cert } => write!(
                f,
                "{} has an RSA key whose algorithm parameters are absent instead of NULL",
                cert.subject
            ),
        }
    }
}
