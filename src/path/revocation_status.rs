//! The revocation status of every certificate of a validated path (RFC 5280 section 6.3
//! for CRLs, RFC 6960 for OCSP), and of an end entity pinned as a trust anchor.

use crate::budget::{Budget, CheckId};
use crate::cert::Certificate;
use crate::error::{BudgetKind, Error};
use crate::error::{PathError, RevocationError};
use crate::limits::{MAX_REVOCATION_ITEMS_PER_CERTIFICATE, MAX_SIGNATURE_CHECKS};
use crate::path::checks::position;
use crate::path::crl_check::CrlContext;
use crate::path::validator::PathValidator;
use crate::revocation::{
    Evidence, OcspCheck, OcspResponse, OcspStatus, RevocationCheck, RevocationOutcome,
    RevocationPolicy,
};
use crate::time::Time;

impl PathValidator<'_> {
    /// Revocation of each certificate of `chain` (issued by the next one, the last by
    /// `anchor`), under the policy.
    pub(super) fn check_revocation(
        &self,
        chain: &[Certificate],
        anchor: &Certificate,
        intermediates: &[Certificate],
        time: Time,
        budget: &Budget,
    ) -> Result<Vec<RevocationCheck>, Error> {
        let (RevocationPolicy::IfAvailable | RevocationPolicy::Required, Some(source)) =
            (self.revocation, self.revocation_source)
        else {
            return Ok(Vec::new());
        };
        let ctx = CrlContext {
            chain,
            anchor,
            intermediates,
            budget,
        };
        let now = self.data_until.filter(|n| *n > time).unwrap_or(time);
        // Judging a past time (a proof of existence), "not revoked" must come from data
        // issued at or after that time: older data, even if still current then, may predate
        // a revocation made before it.
        let past = now > time;
        let mut out = Vec::new();
        for (index, cert) in chain.iter().enumerate() {
            let issuer = chain.get(index + 1).unwrap_or(anchor);
            let data = source.lookup(cert, issuer);
            // Every response and CRL is consulted: a verified revocation anywhere wins, and
            // data that speaks of this certificate but cannot be used (a signature kyso
            // cannot verify, a delta or partitioned CRL it does not apply) leaves the status
            // unknown rather than letting another source's "not revoked" stand alone.
            let mut reasons: Vec<String> = data.failures.iter().map(|e| e.to_string()).collect();
            let ocsp =
                self.ocsp_findings(index, cert, issuer, data.ocsp, (time, now, past), budget)?;
            let mut decided = ocsp.not_revoked;
            let mut tainted = ocsp.tainted;
            let mut after_expiry = ocsp.after_expiry;
            let examined = ocsp.examined;
            reasons.extend(ocsp.notes);
            let crl = self.crl_findings(
                &ctx,
                index,
                cert,
                issuer,
                &data.crls,
                (time, now, past),
                MAX_REVOCATION_ITEMS_PER_CERTIFICATE.saturating_sub(examined),
            )?;
            if let Some(e) = crl.revoked {
                return Err(Error::Path {
                    cert: position(index, cert),
                    reason: PathError::Revoked {
                        revocation_date: e.revocation_date,
                        reason: e.reason,
                        invalidity_date: (e.invalid_from() < e.revocation_date)
                            .then_some(e.invalid_from()),
                    },
                });
            }
            reasons.extend(crl.notes);
            after_expiry += crl.after_expiry;
            tainted |= crl.tainted;
            let mut supporting_evidence = Vec::new();
            let mut supporting_certificates = Vec::new();
            if decided.is_none()
                && let Some((mut crls, signers)) = crl.not_revoked
                && !crls.is_empty()
            {
                let first = crls.remove(0);
                decided = Some((
                    RevocationOutcome::NotRevoked {
                        source: format!(
                            "CRL of {}, thisUpdate {}{}",
                            first.issuer(),
                            first.this_update(),
                            if crls.is_empty() {
                                String::new()
                            } else {
                                format!(", and {} more CRL(s)", crls.len())
                            }
                        ),
                    },
                    Evidence::Crl(first),
                ));
                supporting_evidence = crls.into_iter().map(Evidence::Crl).collect();
                supporting_certificates = signers;
            }
            if tainted {
                decided = None;
            }
            let (outcome, evidence) = match decided {
                Some((o, e)) => (o, Some(e)),
                None => {
                    let reason = if reasons.is_empty() {
                        "no CRL or OCSP response for this certificate".to_owned()
                    } else {
                        reasons.join("; ")
                    };
                    if self.revocation == RevocationPolicy::Required
                        && !tainted
                        && after_expiry > 0
                        && after_expiry == reasons.len()
                    {
                        return Err(Error::Path {
                            cert: position(index, cert),
                            reason: PathError::RevocationOutOfBounds {
                                not_after: cert.not_after(),
                            },
                        });
                    }
                    if self.revocation == RevocationPolicy::Required {
                        return Err(Error::Path {
                            cert: position(index, cert),
                            reason: PathError::RevocationUnknown { reason },
                        });
                    }
                    (RevocationOutcome::Unknown { reason }, None)
                }
            };
            out.push(RevocationCheck {
                index,
                subject: cert.subject().to_string(),
                outcome,
                evidence,
                supporting_evidence,
                supporting_certificates,
            });
        }
        Ok(out)
    }

    /// What the OCSP responses about `cert` (at `index` in the path, issued by `issuer`)
    /// say at `time`, with data judged at `now` (`past` when `now` is later): a verified
    /// revocation is the error; otherwise the first usable "not revoked" answer, and why
    /// the others were set aside.
    fn ocsp_findings(
        &self,
        index: usize,
        cert: &Certificate,
        issuer: &Certificate,
        responses: Vec<OcspResponse>,
        (time, now, past): (Time, Time, bool),
        budget: &Budget,
    ) -> Result<OcspFindings, Error> {
        let mut f = OcspFindings::default();
        for response in responses {
            if !response.is_about(cert, issuer) {
                // Responses about other certificates are expected in a shared store.
                continue;
            }
            f.examined += 1;
            if f.examined > MAX_REVOCATION_ITEMS_PER_CERTIFICATE {
                return Err(Error::Path {
                    cert: position(index, cert),
                    reason: PathError::TooManyRevocationItems {
                        limit: MAX_REVOCATION_ITEMS_PER_CERTIFICATE,
                    },
                });
            }
            match response.check_between_in(
                cert,
                issuer,
                time,
                now,
                &self.policy,
                &OcspCheck::default(),
                budget,
            ) {
                Ok(answer) => match answer.status {
                    OcspStatus::Revoked {
                        revocation_time,
                        reason,
                        invalidity_date,
                    } if answer.status.invalid_from().is_some_and(|t| t <= time) => {
                        return Err(Error::Path {
                            cert: position(index, cert),
                            reason: PathError::Revoked {
                                revocation_date: revocation_time,
                                reason,
                                invalidity_date: invalidity_date.filter(|d| *d < revocation_time),
                            },
                        });
                    }
                    OcspStatus::Good | OcspStatus::Revoked { .. }
                        if past && answer.this_update < time =>
                    {
                        f.notes.push(format!(
                            "OCSP response of {} predates {time}, the time to judge",
                            answer.this_update
                        ));
                    }
                    OcspStatus::Good | OcspStatus::Revoked { .. } => {
                        if f.not_revoked.is_none() {
                            f.not_revoked = Some((
                                RevocationOutcome::NotRevoked {
                                    source: format!(
                                        "OCSP response by {}, thisUpdate {}",
                                        answer.responder, answer.this_update
                                    ),
                                },
                                Evidence::Ocsp(response),
                            ));
                        }
                    }
                    OcspStatus::Unknown => f
                        .notes
                        .push("OCSP responder does not know the certificate".to_owned()),
                },
                Err(Error::Revocation(RevocationError::OcspNoResponseForCertificate)) => {}
                // Out of budget is a verdict on the whole validation, never a reason to
                // set one response aside.
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(e @ Error::Revocation(RevocationError::RevocationDataAfterExpiry { .. })) => {
                    f.after_expiry += 1;
                    f.notes.push(e.to_string());
                }
                Err(
                    e @ (Error::Revocation(RevocationError::OcspStale { .. })
                    | Error::Revocation(RevocationError::OcspNotYetValid { .. })),
                ) => f.notes.push(e.to_string()),
                Err(e) => {
                    f.tainted = true;
                    f.notes.push(e.to_string());
                }
            }
        }
        Ok(f)
    }

    /// The revocation status of an end entity that is itself a trust anchor (a signer's or
    /// a seal's certificate pinned in the trust store), when revocation is checked: pinning
    /// a certificate says whom to trust, not that its CA can never revoke it. Its issuer is
    /// a trust anchor or given certificate whose key verifies its signature, and that
    /// issuer's CRLs and OCSP responses decide, as for any other certificate. Such an issuer
    /// is not itself validated (a certificate carrying the issuer's name and public key can
    /// be made by anyone), so every candidate is tried: a revocation found through any of
    /// them wins, and "not revoked" through any of them stands. When no candidate gives a
    /// status: under [`RevocationPolicy::Required`], [`PathError::RevocationUnknown`]; under
    /// `IfAvailable` the same error when the source holds data about the certificate that
    /// could not be checked (its issuer's CRL, an OCSP response naming its serial number: a
    /// signature stripped of its issuer's certificate must not hide a revocation), otherwise
    /// the status is recorded as unknown.
    pub(super) fn anchor_revocation(
        &self,
        leaf: &Certificate,
        intermediates: &[Certificate],
        time: Time,
        budget: &Budget,
    ) -> Result<Vec<RevocationCheck>, Error> {
        let (RevocationPolicy::IfAvailable | RevocationPolicy::Required, Some(source)) =
            (self.revocation, self.revocation_source)
        else {
            return Ok(Vec::new());
        };
        let mut tried = 0usize;
        let mut not_revoked: Option<Vec<RevocationCheck>> = None;
        let mut unknown: Option<String> = None;
        for candidate in self.anchors.iter().chain(intermediates) {
            if candidate.spki_der() == leaf.spki_der()
                || !candidate.subject().matches(leaf.issuer())
            {
                continue;
            }
            tried += 1;
            if tried > MAX_SIGNATURE_CHECKS {
                return Err(Error::BudgetExceeded {
                    what: BudgetKind::PathSignatureChecks,
                    limit: MAX_SIGNATURE_CHECKS,
                });
            }
            let Ok(key) = candidate.public_key() else {
                continue;
            };
            let id = CheckId {
                object: *leaf.fingerprint_sha256(),
                key: *candidate.fingerprint_sha256(),
            };
            match budget.check(id, || leaf.verify_signed_by(key, &self.policy)) {
                Ok(()) => {}
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(_) => continue,
            }
            match self.check_revocation(
                core::slice::from_ref(leaf),
                candidate,
                intermediates,
                time,
                budget,
            ) {
                Ok(checks)
                    if checks
                        .iter()
                        .all(|c| matches!(c.outcome, RevocationOutcome::NotRevoked { .. })) =>
                {
                    not_revoked.get_or_insert(checks);
                }
                Ok(checks) => {
                    if unknown.is_none() {
                        unknown = checks.into_iter().find_map(|c| match c.outcome {
                            RevocationOutcome::Unknown { reason } => Some(reason),
                            RevocationOutcome::NotRevoked { .. } => None,
                        });
                    }
                }
                Err(Error::Path {
                    reason: PathError::RevocationUnknown { reason, .. },
                    ..
                }) => {
                    unknown.get_or_insert(reason);
                }
                // A revocation, an exhausted budget, too much data: decided.
                Err(e) => return Err(e),
            }
        }
        if let Some(checks) = not_revoked {
            return Ok(checks);
        }
        let unchecked_data = {
            let data = source.lookup(leaf, leaf);
            data.crls.iter().any(|c| c.issuer().matches(leaf.issuer()))
                || data.ocsp.iter().any(|r| r.mentions_serial(leaf.serial()))
        };
        let reason = match unknown {
            Some(reason) => reason,
            None if leaf.is_self_issued() => {
                "a self-signed trust anchor: no issuer publishes its revocation status".to_owned()
            }
            None => "a trust anchor used as the end entity, whose issuer (the key that signs its revocation data) is neither a trust anchor nor among the certificates given".to_owned(),
        };
        if self.revocation == RevocationPolicy::Required || unchecked_data {
            return Err(Error::Path {
                cert: position(0, leaf),
                reason: PathError::RevocationUnknown {
                    reason: if unchecked_data {
                        format!(
                            "{reason}; revocation data about it is at hand but could not be checked"
                        )
                    } else {
                        reason
                    },
                },
            });
        }
        Ok(vec![RevocationCheck {
            index: 0,
            subject: leaf.subject().to_string(),
            outcome: RevocationOutcome::Unknown { reason },
            evidence: None,
            supporting_evidence: Vec::new(),
            supporting_certificates: Vec::new(),
        }])
    }
}

/// What the OCSP responses about one certificate say.
#[derive(Default)]
struct OcspFindings {
    /// The first usable "not revoked" answer, with its response.
    not_revoked: Option<(RevocationOutcome, Evidence)>,
    /// Why responses were set aside.
    notes: Vec<String>,
    /// A response about the certificate could not be used: its status is then unknown,
    /// whatever other data says.
    tainted: bool,
    /// Responses refused only for being issued after the certificate expired.
    after_expiry: usize,
    /// Responses about the certificate looked at.
    examined: usize,
}
