//! The ETSI EN 319 102-1 verdict of one signer: which failure decides it (section 5.1.3,
//! the order of precedence), and which sub-indication a path-validation error maps to
//! (section 5.2.6, X.509 certificate validation).

use crate::error::{BudgetKind, Error, PathError, SignatureError};
use crate::limits::MAX_CMS_SIGNATURE_CHECKS;
use crate::revocation::RevocationReason;
use crate::time::Time;
use crate::validate::{CheckKind, Indication, Outcome, SignerReport, SubIndication};

/// A failed check's verdict, in the order the checks met it.
pub(crate) type Failure = (SubIndication, Option<Error>);

/// The failure that decides a signer's verdict: a proven failure (TOTAL-FAILED) outranks
/// any INDETERMINATE; among equals, the first met. `None` when nothing failed.
pub(crate) fn deciding_failure(failures: &[Failure]) -> Option<usize> {
    failures
        .iter()
        .position(|(s, _)| s.indication() == Indication::TotalFailed)
        .or(if failures.is_empty() { None } else { Some(0) })
}

/// Sets `report`'s verdict from `failures` (see [`deciding_failure`]); a signer that failed
/// shows no certificate chain.
pub(crate) fn conclude(report: &mut SignerReport, mut failures: Vec<Failure>) {
    match deciding_failure(&failures) {
        Some(i) => {
            let (sub, error) = failures.swap_remove(i);
            report.indication = sub.indication();
            report.sub_indication = Some(sub);
            report.error = error;
            report.chain.clear();
        }
        None => {
            report.indication = Indication::TotalPassed;
            report.sub_indication = None;
        }
    }
}

/// A signer of an enveloping signature verified against a document that differs from the
/// content inside: it fails with HASH_FAILURE whatever it earned, so that neither the
/// document nor the content inside can be read as signed.
pub(crate) fn content_mismatch(r: &mut SignerReport) {
    r.check(
        CheckKind::MessageDigest,
        Outcome::Failed,
        "the document given differs from the content inside the signature",
    );
    r.indication = Indication::TotalFailed;
    r.sub_indication = Some(SubIndication::HashFailure);
    r.chain.clear();
}

/// A PDF signature that a PDF check proves wrong (the byte range, or changes after
/// signing that it does not permit): TOTAL-FAILED / FORMAT_FAILURE, unless a proven
/// failure already decided it.
pub(crate) fn pdf_failure(
    r: &mut SignerReport,
    kind: CheckKind,
    detail: String,
    error: Option<Error>,
) {
    r.check(kind, Outcome::Failed, detail);
    if r.indication == Indication::TotalFailed {
        return;
    }
    r.indication = Indication::TotalFailed;
    r.sub_indication = Some(SubIndication::FormatFailure);
    if error.is_some() {
        r.error = error;
    }
    r.chain.clear();
}

/// A signer some of whose checks were refused for want of budget: whatever else it
/// earned, it cannot pass (a check refused deep inside, a CRL's or a timestamp's, may have
/// been read as "unknown" or "unusable" on the way). A proven failure stands.
pub(crate) fn out_of_budget(r: &mut SignerReport) {
    r.check(
        CheckKind::WorkBudget,
        Outcome::Failed,
        format!(
            "more than {MAX_CMS_SIGNATURE_CHECKS} signature checks: the validation stopped short"
        ),
    );
    if r.indication == Indication::TotalFailed {
        return;
    }
    r.indication = Indication::Indeterminate;
    r.sub_indication = Some(SubIndication::NoCertificateChainFound);
    r.error = Some(Error::BudgetExceeded {
        what: BudgetKind::SignatureChecks,
        limit: MAX_CMS_SIGNATURE_CHECKS,
    });
    r.chain.clear();
}

/// The sub-indication of a signer whose certificate path failed with `e`, given the
/// signer's own claimed signing time.
///
/// A signer certificate on hold is TRY_LATER (the suspension may be lifted). A revoked
/// signer certificate is REVOKED, a proven failure, only when the signer's own signed claim
/// puts the signing at or after the revocation; a signature timestamp after the revocation
/// proves nothing of the kind, since it bounds the signing time from above only. Everything
/// else maps as [`path_sub_indication`].
pub(crate) fn signer_path_sub_indication(e: &Error, claimed: Option<Time>) -> SubIndication {
    match e {
        Error::Path {
            reason:
                PathError::Revoked {
                    reason: RevocationReason::CertificateHold,
                    ..
                },
            ..
        } => SubIndication::TryLater,
        Error::Path {
            cert,
            reason: PathError::Revoked {
                revocation_date, ..
            },
        } if cert.index == 0 && claimed.is_some_and(|t| t >= *revocation_date) => {
            SubIndication::Revoked
        }
        _ => path_sub_indication(e),
    }
}

/// Maps a path-validation error to its ETSI EN 319 102-1 sub-indication (section 5.2.6.4):
/// a revoked, expired or unknown-status certificate without proof of existence is
/// INDETERMINATE (a timestamp could cure it), a broken constraint is
/// CHAIN_CONSTRAINTS_FAILURE, a refused algorithm or key CRYPTO_CONSTRAINTS_FAILURE_NO_POE, no
/// path NO_CERTIFICATE_CHAIN_FOUND, and anything else CERTIFICATE_CHAIN_GENERAL_FAILURE.
///
/// The match over [`PathError`] has no wildcard: a new path error does not compile until it
/// is given its sub-indication here.
pub(crate) fn path_sub_indication(e: &Error) -> SubIndication {
    match e {
        Error::Path { cert, reason } => path_error_sub_indication(cert.index, reason),
        // A path search that ran out of work found no chain it could finish checking; a
        // policy tree that grew past its bound belongs to a chain that was found.
        Error::BudgetExceeded {
            what: BudgetKind::PolicyTreeNodes,
            ..
        } => SubIndication::CertificateChainGeneralFailure,
        Error::BudgetExceeded { .. } => SubIndication::NoCertificateChainFound,
        _ => SubIndication::CertificateChainGeneralFailure,
    }
}

/// The sub-indication of one certificate's failure, at `index` in the chain (0: the end
/// entity).
fn path_error_sub_indication(index: usize, reason: &PathError) -> SubIndication {
    match reason {
        PathError::Revoked { .. } if index == 0 => SubIndication::RevokedNoPoe,
        PathError::Revoked { .. } => SubIndication::RevokedCaNoPoe,
        PathError::RevocationUnknown { .. } => SubIndication::TryLater,
        PathError::RevocationOutOfBounds { .. } => SubIndication::RevocationOutOfBoundsNoPoe,
        PathError::Expired { .. } | PathError::NotYetValid { .. } => {
            SubIndication::OutOfBoundsNoPoe
        }
        PathError::UnknownIssuer
        | PathError::UntrustedSelfSigned
        | PathError::PathTooLong { .. } => SubIndication::NoCertificateChainFound,
        PathError::PublicKey(_)
        | PathError::SignatureAlgorithm(
            SignatureError::AlgorithmNotAllowed { .. } | SignatureError::DigestNotAllowed { .. },
        ) => SubIndication::CryptoConstraintsFailureNoPoe,
        PathError::NotCa
        | PathError::PathLenExceeded
        | PathError::MissingKeyCertSign
        | PathError::UnknownCriticalExtension { .. }
        | PathError::NoValidPolicy
        | PathError::InvalidPolicyMapping
        | PathError::NameConstraintViolation { .. }
        | PathError::KeyUsageNotAllowed { .. }
        | PathError::ExtendedKeyUsageNotAllowed { .. }
        | PathError::EndEntityIsCa
        | PathError::NameConstraintsInEndEntity
        | PathError::MissingAuthorityKeyIdentifier
        | PathError::MissingSubjectKeyIdentifier
        | PathError::NameMismatch { .. } => SubIndication::ChainConstraintsFailure,
        // Certificates that break RFC 5280's syntax or its MUSTs of encoding.
        PathError::MalformedNameConstraints { .. }
        | PathError::MalformedSubjectAltName { .. }
        | PathError::SubjectAltNameNotCritical
        | PathError::ExtensionMustNotBeCritical { .. }
        | PathError::KeyIdentifierMismatch
        | PathError::InvalidSerialNumber { .. }
        | PathError::BadSignature
        | PathError::SignatureAlgorithm(_)
        | PathError::Encoding(_)
        | PathError::IssuerNameMismatch { .. }
        | PathError::TooManyRevocationItems { .. } => SubIndication::CertificateChainGeneralFailure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ChainPosition;

    fn revoked(index: usize, reason: RevocationReason) -> Error {
        Error::Path {
            cert: ChainPosition {
                index,
                subject: String::new(),
            },
            reason: PathError::Revoked {
                revocation_date: Time::from_unix(1_000),
                reason,
                invalidity_date: None,
            },
        }
    }

    #[test]
    fn a_proven_failure_outranks_an_earlier_indeterminate() {
        let failures = vec![
            (SubIndication::TryLater, None),
            (SubIndication::NoSigningCertificateFound, None),
            (SubIndication::HashFailure, None),
            (SubIndication::SigCryptoFailure, None),
        ];
        assert_eq!(deciding_failure(&failures), Some(2));
        assert_eq!(deciding_failure(&failures[..2]), Some(0));
        assert_eq!(deciding_failure(&[]), None);
    }

    #[test]
    fn revocation_maps_by_position_claim_and_reason() {
        let leaf = revoked(0, RevocationReason::KeyCompromise);
        assert_eq!(
            signer_path_sub_indication(&leaf, None),
            SubIndication::RevokedNoPoe
        );
        assert_eq!(
            signer_path_sub_indication(&leaf, Some(Time::from_unix(999))),
            SubIndication::RevokedNoPoe
        );
        assert_eq!(
            signer_path_sub_indication(&leaf, Some(Time::from_unix(1_000))),
            SubIndication::Revoked
        );
        let ca = revoked(1, RevocationReason::KeyCompromise);
        assert_eq!(
            signer_path_sub_indication(&ca, Some(Time::from_unix(5_000))),
            SubIndication::RevokedCaNoPoe
        );
        let hold = revoked(0, RevocationReason::CertificateHold);
        assert_eq!(
            signer_path_sub_indication(&hold, Some(Time::from_unix(5_000))),
            SubIndication::TryLater
        );
    }
}
