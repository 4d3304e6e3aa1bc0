//! The RFC 5280 section 6.1.3 and 6.1.4 checks of one candidate path, certificate by
//! certificate, and the helpers they share with path building.

use crate::cert::{Certificate, GeneralName, KeyUsage, NameConstraints, PROCESSED_EXTENSIONS};
use crate::error::PathError;
use crate::error::{ChainPosition, Error};
use crate::path::purpose::PurposeRefusal;
use crate::path::validator::PathValidator;
use crate::time::Time;

impl PathValidator<'_> {
    /// RFC 5280 section 6.1 over a built path, from the certificate below the anchor down to
    /// the end entity. Signatures were checked while building.
    pub(super) fn check_path(&self, chain: &[Certificate], time: Time) -> Result<(), Error> {
        let n = chain.len();
        // 6.1.2 (k): max_path_length starts at n.
        let mut max_path_length = n;
        // 6.1.2 (b), (c): the name constraints of the CAs processed so far; a name must
        // satisfy every one (which is the intersection of their permitted subtrees and the
        // union of their excluded ones).
        let mut name_constraints: Vec<&NameConstraints> = Vec::new();
        for (index, cert) in chain.iter().enumerate().rev() {
            let pos = || position(index, cert);
            // 6.1.3 (b), (c): the names of every certificate but a self-issued intermediate.
            let self_issued_ca = index > 0 && cert.is_self_issued();
            if !(name_constraints.is_empty() || self_issued_ca)
                && let Some(name) = name_refused(cert, &name_constraints)
            {
                return Err(Error::Path {
                    cert: pos(),
                    reason: PathError::NameConstraintViolation { name },
                });
            }
            if index > 0
                && let Some(nc) = cert.name_constraints()
            {
                name_constraints.push(nc);
            }
            // 6.1.3 (a)(2): validity.
            if time < cert.not_before() {
                return Err(Error::Path {
                    cert: pos(),
                    reason: PathError::NotYetValid {
                        not_before: cert.not_before(),
                        time,
                    },
                });
            }
            if time > cert.not_after() {
                return Err(Error::Path {
                    cert: pos(),
                    reason: PathError::Expired {
                        not_after: cert.not_after(),
                        time,
                    },
                });
            }
            // The subject key must meet the policy (the end entity's in particular: the
            // keys above it were checked when they verified a signature).
            if let Ok(key) = cert.public_key() {
                match self.policy.check_key(key) {
                    Ok(()) => {}
                    Err(Error::Signature(e)) => {
                        return Err(Error::Path {
                            cert: pos(),
                            reason: PathError::PublicKey(e),
                        });
                    }
                    Err(other) => return Err(other),
                }
            }
            // 6.1.4 (o) and 6.1.5 (f): unknown critical extensions.
            if let Some(ext) = cert
                .extensions()
                .iter()
                .find(|e| e.critical && !PROCESSED_EXTENSIONS.contains(&e.oid.as_str()))
            {
                return Err(Error::Path {
                    cert: pos(),
                    reason: PathError::UnknownCriticalExtension {
                        oid: ext.oid.clone(),
                    },
                });
            }
            if index > 0 {
                // 6.1.4 (k): a CA certificate, v3 with basicConstraints cA TRUE (v1 and v2
                // certificates cannot be shown to be CAs, so they are refused).
                if cert.version() != 3 || !cert.is_ca() {
                    return Err(Error::Path {
                        cert: pos(),
                        reason: PathError::NotCa,
                    });
                }
                // 6.1.4 (l), (m): path length.
                if !cert.is_self_issued() {
                    if max_path_length == 0 {
                        return Err(Error::Path {
                            cert: pos(),
                            reason: PathError::PathLenExceeded,
                        });
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
                    return Err(Error::Path {
                        cert: pos(),
                        reason: PathError::MissingKeyCertSign,
                    });
                }
            } else {
                match self.purpose.check(cert, &self.signing_ekus) {
                    Ok(()) => {}
                    Err(PurposeRefusal::KeyUsage) => {
                        return Err(Error::Path {
                            cert: pos(),
                            reason: PathError::KeyUsageNotAllowed {
                                purpose: self.purpose,
                            },
                        });
                    }
                    Err(PurposeRefusal::ExtendedKeyUsage) => {
                        return Err(Error::Path {
                            cert: pos(),
                            reason: PathError::ExtendedKeyUsageNotAllowed {
                                purpose: self.purpose,
                                found: cert.extended_key_usage().unwrap_or_default().to_vec(),
                            },
                        });
                    }
                }
            }
        }
        Ok(())
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
/// 4.2.1.10), and each subject alternative name.
pub(super) fn name_refused(cert: &Certificate, constraints: &[&NameConstraints]) -> Option<String> {
    let mut names: Vec<GeneralName> = Vec::new();
    if !cert.subject().is_empty() {
        names.push(GeneralName::Directory(cert.subject().clone()));
    }
    names.extend(
        cert.subject()
            .values_of(crate::oid::AT_EMAIL)
            .map(|e| GeneralName::Email(e.to_owned())),
    );
    names.extend(cert.subject_alt_names().iter().cloned());
    names
        .into_iter()
        .find(|name| constraints.iter().any(|nc| !nc.allows(name)))
        .map(|name| match name {
            GeneralName::Directory(n) => format!("directoryName {n}"),
            GeneralName::Dns(d) => format!("dNSName {d}"),
            GeneralName::Email(e) => format!("rfc822Name {e}"),
            GeneralName::Uri(u) => format!("URI {u}"),
            GeneralName::Ip(ip) => format!("iPAddress {ip:?}"),
            GeneralName::Other => "a name of a kind kyso does not compare".to_owned(),
        })
}

pub(super) fn position(index: usize, cert: &Certificate) -> ChainPosition {
    ChainPosition {
        index,
        subject: cert.subject().to_string(),
    }
}
