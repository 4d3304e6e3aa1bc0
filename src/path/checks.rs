//! The RFC 5280 section 6.1.3 and 6.1.4 checks of one candidate path, certificate by
//! certificate, and the helpers they share with path building.

use crate::budget::{Allowance, Budget, CheckId};
use crate::cert::{Certificate, GeneralName, KeyUsage, NameConstraints, PROCESSED_EXTENSIONS};
use crate::error::PathError;
use crate::error::{BudgetKind, ChainPosition, Error};
use crate::limits::MAX_NAME_CONSTRAINT_COMPARISONS;
use crate::oid::{self, Oid};
use crate::path::purpose::{KeyPurpose, PurposeRefusal};
use crate::path::validator::PathValidator;
use crate::path::warning::PathWarning;
use crate::time::Time;

impl PathValidator<'_> {
    /// RFC 5280 section 6.1 over a built path, from the certificate below the anchor down to
    /// the end entity, after the anchor's own checks (RFC 5937) when `anchor` is a
    /// certificate held to what it says. Signatures were checked while building. Returns the
    /// deviations tolerated.
    /// `anchor` is `None` when the end entity is itself trusted (a one-certificate path).
    pub(super) fn check_path(
        &self,
        chain: &[Certificate],
        anchor: Option<&Certificate>,
        time: Time,
        budget: &Budget,
    ) -> Result<Vec<PathWarning>, Error> {
        // A certificate the caller pinned is what the caller chose to trust, CA or not.
        let directly_trusted = anchor.is_none();
        let n = chain.len();
        let mut warnings = Vec::new();
        let mut comparisons = Allowance::new(
            BudgetKind::NameConstraintComparisons,
            MAX_NAME_CONSTRAINT_COMPARISONS,
            0,
        );
        // 6.1.2 (k): max_path_length starts at n.
        let mut max_path_length = n;
        // 6.1.2 (b), (c): the name constraints of the CAs processed so far; a name must
        // satisfy every one (which is the intersection of their permitted subtrees and the
        // union of their excluded ones).
        let mut name_constraints: Vec<&NameConstraints> = Vec::new();
        let anchor = anchor.filter(|_| !self.anchors.anchors_are_name_and_key());
        if let Some(anchor) = anchor {
            self.check_anchor(anchor, n, time, budget, &mut warnings)?;
            // RFC 5937 section 3: the anchor's constraints are the initial ones.
            if let Some(nc) = anchor.name_constraints() {
                name_constraints.push(nc);
            }
            if let Some(limit) = anchor.basic_constraints().and_then(|b| b.path_len) {
                let limit = usize::try_from(limit).unwrap_or(usize::MAX);
                max_path_length = max_path_length.min(limit);
            }
        }
        for (index, cert) in chain.iter().enumerate().rev() {
            let pos = || position(index, cert);
            let fail = |reason: PathError| Error::Path {
                cert: pos(),
                reason,
            };
            let issuer = chain.get(index + 1).or(anchor);
            let end_entity = index == 0 && self.purpose != KeyPurpose::Any && !directly_trusted;
            self.check_profile(cert, index, issuer, end_entity, &mut warnings)?;
            // 6.1.3 (b), (c): the names of every certificate but a self-issued intermediate.
            let self_issued_ca = index > 0 && cert.is_self_issued();
            if !(name_constraints.is_empty() || self_issued_ca)
                && let Some(name) = name_refused(cert, &name_constraints, &mut comparisons)?
            {
                return Err(fail(PathError::NameConstraintViolation { name }));
            }
            if index > 0
                && let Some(nc) = cert.name_constraints()
            {
                name_constraints.push(nc);
            }
            // 6.1.3 (a)(2): validity.
            check_validity(cert, index, time)?;
            // The subject key must decode and meet the policy (the end entity's in
            // particular: the keys above it were checked when they verified a signature).
            self.check_subject_key(cert, index)?;
            // 6.1.4 (o) and 6.1.5 (f): unknown critical extensions.
            check_critical_extensions(cert, index)?;
            if index > 0 {
                // 6.1.4 (k): a CA certificate, v3 with basicConstraints cA TRUE (v1 and v2
                // certificates cannot be shown to be CAs, so they are refused).
                if cert.version() != 3 || !cert.is_ca() {
                    return Err(fail(PathError::NotCa));
                }
                // 6.1.4 (l), (m): path length.
                if !cert.is_self_issued() {
                    if max_path_length == 0 {
                        return Err(fail(PathError::PathLenExceeded));
                    }
                    max_path_length -= 1;
                }
                if let Some(limit) = cert.basic_constraints().and_then(|b| b.path_len) {
                    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
                    max_path_length = max_path_length.min(limit);
                }
                // 6.1.4 (n): keyCertSign.
                if cert
                    .key_usage()
                    .is_some_and(|ku| !ku.contains(KeyUsage::KEY_CERT_SIGN))
                {
                    return Err(fail(PathError::MissingKeyCertSign));
                }
            } else {
                match self.purpose.check(cert, &self.signing_ekus) {
                    Ok(()) => {}
                    Err(PurposeRefusal::KeyUsage) => {
                        return Err(fail(PathError::KeyUsageNotAllowed {
                            purpose: self.purpose,
                        }));
                    }
                    Err(PurposeRefusal::ExtendedKeyUsage) => {
                        return Err(fail(PathError::ExtendedKeyUsageNotAllowed {
                            purpose: self.purpose,
                            found: cert.extended_key_usage().unwrap_or_default().to_vec(),
                        }));
                    }
                }
            }
        }
        Ok(warnings)
    }

    /// What a trust anchor given as a certificate must be (RFC 5937 section 3, RFC 5280
    /// section 6.1.4 applied to the top of the path): valid at the validation time, with a
    /// key the policy accepts, no critical extension kyso does not process, a CA
    /// (basicConstraints cA; a version 1 or 2 certificate has no way to say so, and the
    /// caller's trust stands for it, as 6.1.4 (k) allows) with keyCertSign when it has
    /// keyUsage, well-formed name constraints, and key identifiers as for any CA.
    fn check_anchor(
        &self,
        anchor: &Certificate,
        index: usize,
        time: Time,
        budget: &Budget,
        warnings: &mut Vec<PathWarning>,
    ) -> Result<(), Error> {
        let fail = |reason: PathError| Error::Path {
            cert: position(index, anchor),
            reason,
        };
        check_validity(anchor, index, time)?;
        self.check_subject_key(anchor, index)?;
        check_critical_extensions(anchor, index)?;
        if anchor.version() == 3 && !anchor.is_ca() {
            return Err(fail(PathError::NotCa));
        }
        if anchor
            .key_usage()
            .is_some_and(|ku| !ku.contains(KeyUsage::KEY_CERT_SIGN))
        {
            return Err(fail(PathError::MissingKeyCertSign));
        }
        if let Some(nc) = anchor.name_constraints() {
            // An anchor's constraints bind everything below it: not critical is malformed.
            nc.check_form(true)
                .map_err(|defect| fail(PathError::MalformedNameConstraints { defect }))?;
        }
        // The anchor's own issuer is of no concern: only the identifiers that describe it.
        check_key_identifier_criticality(anchor).map_err(fail)?;
        // A self-signed anchor's AKI names its own key. Only a self-signed one: a CSCA link
        // certificate (self-issued, signed by the previous key) names the previous key.
        // Whether it is self-signed is checked only when the identifiers disagree.
        if anchor.is_self_issued()
            && let (Some(aki), Some(ski)) = (anchor.authority_key_id(), anchor.subject_key_id())
            && aki != ski
            && let Ok(key) = anchor.public_key()
        {
            let id = CheckId {
                object: *anchor.fingerprint_sha256(),
                key: *anchor.fingerprint_sha256(),
            };
            match budget.check(id, || anchor.verify_signed_by(key, &self.policy)) {
                Ok(()) => return Err(fail(PathError::KeyIdentifierMismatch)),
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(_) => {}
            }
        }
        if anchor.version() == 3 && anchor.subject_key_id().is_none() {
            self.missing_identifier(
                PathError::MissingSubjectKeyIdentifier,
                PathWarning::MissingSubjectKeyIdentifier {
                    cert: position(index, anchor),
                },
                warnings,
            )
            .map_err(fail)?;
        }
        check_constraint_criticality(anchor, index, warnings);
        Ok(())
    }

    /// RFC 5280's profile of one certificate of the path (not the anchor): serial number,
    /// key identifiers, the criticality of the constraint extensions, name constraints only
    /// in a CA and well-formed, subject alternative names well-formed and critical when the
    /// subject is empty, and an end entity that is not a CA.
    fn check_profile(
        &self,
        cert: &Certificate,
        index: usize,
        issuer: Option<&Certificate>,
        end_entity: bool,
        warnings: &mut Vec<PathWarning>,
    ) -> Result<(), Error> {
        let fail = |reason: PathError| Error::Path {
            cert: position(index, cert),
            reason,
        };
        // RFC 5280 section 4.1.2.2: positive, at most 20 octets.
        let serial = cert.serial();
        let magnitude = match serial {
            [0, rest @ ..] if !rest.is_empty() => rest,
            other => other,
        };
        if magnitude.len() > 20 {
            return Err(fail(PathError::InvalidSerialNumber {
                length: magnitude.len(),
            }));
        }
        if serial.first().is_none_or(|b| b & 0x80 != 0) || serial.iter().all(|b| *b == 0) {
            warnings.push(PathWarning::SerialNumberNotPositive {
                cert: position(index, cert),
            });
        }
        // AlgorithmIdentifiers as some issuers write them.
        if crate::key::signature_identifier_has_ecdsa_null(cert.signature_algorithm_der()) {
            warnings.push(PathWarning::EcdsaParametersNull {
                cert: position(index, cert),
            });
        }
        if cert
            .public_key()
            .is_ok_and(|k| k.has_absent_rsa_parameters())
        {
            warnings.push(PathWarning::RsaKeyParametersAbsent {
                cert: position(index, cert),
            });
        }
        // Key identifiers (RFC 5280 sections 4.2.1.1, 4.2.1.2).
        check_key_identifier_criticality(cert).map_err(fail)?;
        if cert.authority_key_id().is_none() && !cert.is_self_issued() {
            self.missing_identifier(
                PathError::MissingAuthorityKeyIdentifier,
                PathWarning::MissingAuthorityKeyIdentifier {
                    cert: position(index, cert),
                },
                warnings,
            )
            .map_err(fail)?;
        }
        if index > 0 && cert.subject_key_id().is_none() {
            self.missing_identifier(
                PathError::MissingSubjectKeyIdentifier,
                PathWarning::MissingSubjectKeyIdentifier {
                    cert: position(index, cert),
                },
                warnings,
            )
            .map_err(fail)?;
        }
        if let (Some(aki), Some(ski)) = (
            cert.authority_key_id(),
            issuer.and_then(Certificate::subject_key_id),
        ) && aki != ski
        {
            return Err(fail(PathError::KeyIdentifierMismatch));
        }
        check_constraint_criticality(cert, index, warnings);
        // Name constraints: only in a CA (RFC 5280 section 4.2.1.10), and well-formed.
        if let Some(nc) = cert.name_constraints() {
            if end_entity {
                return Err(fail(PathError::NameConstraintsInEndEntity));
            }
            // Below the anchor, a non-critical nameConstraints is applied all the same and
            // warns: the CA/Browser Forum's requirements long let technically constrained
            // CAs leave it non-critical, and applying it loses nothing.
            if !nc.critical {
                warnings.push(PathWarning::ConstraintExtensionNotCritical {
                    cert: position(index, cert),
                    oid: Oid::known(oid::EXT_NAME_CONSTRAINTS),
                });
            }
            nc.check_form(false)
                .map_err(|defect| fail(PathError::MalformedNameConstraints { defect }))?;
        }
        // Subject alternative names (RFC 5280 section 4.2.1.6).
        for name in cert.alt_names() {
            name.check_name_syntax().map_err(|syntax| {
                fail(PathError::MalformedSubjectAltName {
                    name: name.describe(),
                    syntax,
                })
            })?;
        }
        if cert.subject().is_empty()
            && !cert
                .extensions()
                .iter()
                .any(|e| e.oid == oid::EXT_SUBJECT_ALT_NAME && e.critical)
        {
            return Err(fail(PathError::SubjectAltNameNotCritical));
        }
        // A CA's key signs certificates and CRLs, not documents or logins (RFC 5280
        // sections 4.2.1.3, 4.2.1.9).
        if end_entity
            && (cert.is_ca()
                || cert
                    .key_usage()
                    .is_some_and(|ku| ku.contains(KeyUsage::KEY_CERT_SIGN)))
        {
            return Err(fail(PathError::EndEntityIsCa));
        }
        Ok(())
    }

    /// A missing key identifier: refused under `require_key_identifiers`, else a warning.
    fn missing_identifier(
        &self,
        error: PathError,
        warning: PathWarning,
        warnings: &mut Vec<PathWarning>,
    ) -> Result<(), PathError> {
        if self.key_identifiers_required {
            return Err(error);
        }
        warnings.push(warning);
        Ok(())
    }

    /// The certificate's subject key decodes and meets the algorithm policy.
    fn check_subject_key(&self, cert: &Certificate, index: usize) -> Result<(), Error> {
        let refused = |reason: PathError| Error::Path {
            cert: position(index, cert),
            reason,
        };
        let key = cert.public_key().map_err(|e| match e {
            Error::Signature(e) => refused(PathError::PublicKey(e)),
            Error::Encoding(e) => refused(PathError::Encoding(e)),
            other => other,
        })?;
        match self.policy.check_key(key) {
            Ok(()) => Ok(()),
            Err(Error::Signature(e)) => Err(refused(PathError::PublicKey(e))),
            Err(other) => Err(other),
        }
    }
}

/// 6.1.3 (a)(2): the validity period holds the validation time, both bounds inclusive.
fn check_validity(cert: &Certificate, index: usize, time: Time) -> Result<(), Error> {
    let reason = if time < cert.not_before() {
        PathError::NotYetValid {
            not_before: cert.not_before(),
            time,
        }
    } else if time > cert.not_after() {
        PathError::Expired {
            not_after: cert.not_after(),
            time,
        }
    } else {
        return Ok(());
    };
    Err(Error::Path {
        cert: position(index, cert),
        reason,
    })
}

/// 6.1.4 (o) and 6.1.5 (f): a critical extension kyso does not process.
fn check_critical_extensions(cert: &Certificate, index: usize) -> Result<(), Error> {
    match cert
        .extensions()
        .iter()
        .find(|e| e.critical && !PROCESSED_EXTENSIONS.contains(&e.oid.as_str()))
    {
        Some(ext) => Err(Error::Path {
            cert: position(index, cert),
            reason: PathError::UnknownCriticalExtension {
                oid: ext.oid.clone(),
            },
        }),
        None => Ok(()),
    }
}

/// authorityKeyIdentifier and subjectKeyIdentifier MUST NOT be critical (RFC 5280 sections
/// 4.2.1.1, 4.2.1.2).
fn check_key_identifier_criticality(cert: &Certificate) -> Result<(), PathError> {
    match cert.extensions().iter().find(|e| {
        e.critical && (e.oid == oid::EXT_AUTHORITY_KEY_ID || e.oid == oid::EXT_SUBJECT_KEY_ID)
    }) {
        Some(ext) => Err(PathError::ExtensionMustNotBeCritical {
            oid: ext.oid.clone(),
        }),
        None => Ok(()),
    }
}

/// policyConstraints and inhibitAnyPolicy MUST be critical (RFC 5280 sections 4.2.1.11,
/// 4.2.1.14); kyso applies them either way, and warns when they are not.
fn check_constraint_criticality(cert: &Certificate, index: usize, warnings: &mut Vec<PathWarning>) {
    for ext in cert.extensions().iter().filter(|e| {
        !e.critical
            && (e.oid == oid::EXT_POLICY_CONSTRAINTS || e.oid == oid::EXT_INHIBIT_ANY_POLICY)
    }) {
        warnings.push(PathWarning::ConstraintExtensionNotCritical {
            cert: position(index, cert),
            oid: ext.oid.clone(),
        });
    }
}

/// 6.1.3 (a)(4): the child's issuer name equals the issuer's subject name.
pub(super) fn check_issuer_name(
    child: &Certificate,
    index: usize,
    issuer: &Certificate,
) -> Result<(), Error> {
    if child.issuer().matches(issuer.subject()) {
        Ok(())
    } else {
        Err(Error::Path {
            cert: position(index, child),
            reason: PathError::IssuerNameMismatch {
                issuer: child.issuer().to_string(),
                issuer_subject: issuer.subject().to_string(),
            },
        })
    }
}

/// Whether two certificates are the same CA for loop detection: the same certificate, or
/// the same subject and key (a reissued certificate), as RFC 4158 section 5.2 advises.
pub(super) fn same_entity(a: &Certificate, b: &Certificate) -> bool {
    a == b || (a.spki_der() == b.spki_der() && a.subject().matches(b.subject()))
}

/// The first name of `cert` that a constraint refuses: its subject as a directory name
/// (unless empty), each e-mail address in its subject as an rfc822Name (RFC 5280 section
/// 4.2.1.10), and each subject alternative name. Every comparison of a name with a subtree
/// is charged to `comparisons`, before any is made.
pub(super) fn name_refused(
    cert: &Certificate,
    constraints: &[&NameConstraints],
    comparisons: &mut Allowance,
) -> Result<Option<String>, Error> {
    let mut names: Vec<GeneralName> = Vec::new();
    if !cert.subject().is_empty() {
        names.push(GeneralName::Directory(cert.subject().clone()));
    }
    names.extend(
        cert.subject()
            .values_of(oid::AT_EMAIL)
            .map(|e| GeneralName::Email(e.to_owned())),
    );
    names.extend(cert.alt_names().iter().cloned());
    // One unit per name and subtree; a directoryName against a directory subtree costs one
    // more per pair of attributes (and per attribute), which is the work of comparing them
    // and of their look-alike keys: the sum over pairs of (a + 1)(b + 1) is the product of
    // the two sums.
    let subtrees = constraints
        .iter()
        .fold(0usize, |sum, nc| sum.saturating_add(nc.len().max(1)));
    let weight = |n: &GeneralName| match n {
        GeneralName::Directory(d) => d.attributes().count().saturating_add(1),
        _ => 0,
    };
    let name_weight = names.iter().map(weight).fold(0usize, usize::saturating_add);
    let subtree_weight = constraints
        .iter()
        .flat_map(|nc| nc.permitted.iter().chain(&nc.excluded))
        .map(weight)
        .fold(0usize, usize::saturating_add);
    comparisons.spend(
        names
            .len()
            .saturating_mul(subtrees)
            .saturating_add(name_weight.saturating_mul(subtree_weight)),
    )?;
    Ok(names
        .into_iter()
        .find(|name| constraints.iter().any(|nc| !nc.allows(name)))
        .map(|name| name.describe()))
}

pub(super) fn position(index: usize, cert: &Certificate) -> ChainPosition {
    ChainPosition {
        index,
        subject: cert.subject().to_string(),
    }
}
