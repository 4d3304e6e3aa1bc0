//! A certificate's revocation status from a set of CRLs, per RFC 5280 section 6.3: every
//! distribution point of the certificate (and the one assumed for CRLs that none names),
//! reason partitions combined until every reason is covered, indirect CRLs, delta CRLs
//! applied over their complete CRL, and CRLs signed by another key of the CRL issuer than
//! the one that signed the certificate (a separate CRL-signing key, or a rolled-over key),
//! whose certificate is validated to the same trust anchor.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::PathValidator;
use crate::cert::{Certificate, KeyUsage};
use crate::error::Error;
use crate::limits::MAX_CMS_SIGNATURE_CHECKS;
use crate::path::policy::PolicyInputs;
use crate::path::purpose::KeyPurpose;
use crate::revocation::crl::{ALL_REASONS, distribution_points};
use crate::revocation::{Crl, CrlStatus, RevocationReason, RevokedEntry};
use crate::time::Time;

/// How deep CRL-signer validation may nest: a CRL signed by a separate key needs that key's
/// certificate validated, whose CRL may itself be signed by a separate key, once more at
/// most. Deeper, only CRLs signed by the certificate's own issuer count.
const MAX_CRL_SIGNER_DEPTH: u8 = 2;

/// What the path around a certificate offers for finding CRL signers.
pub(super) struct CrlContext<'c> {
    /// The path being validated (end entity first).
    pub chain: &'c [Certificate],
    /// Its trust anchor: a CRL signer's path must end there too (RFC 5280 6.3.3 (f)).
    pub anchor: &'c Certificate,
    /// The certificates the caller supplied.
    pub intermediates: &'c [Certificate],
    /// Signature checks made for CRL signers, with nested validations, in this call.
    pub budget: &'c AtomicUsize,
}

/// What the CRLs say of one certificate.
#[derive(Default)]
pub(super) struct CrlFindings {
    /// A revocation (or hold) in effect at the validation time.
    pub revoked: Option<RevokedEntry>,
    /// Every reason covered and none revoked: the CRLs relied on (complete CRLs, then the
    /// delta CRLs applied), and the CRL signers' certificates that are not on the path.
    pub not_revoked: Option<(Vec<Crl>, Vec<Certificate>)>,
    /// Why each CRL that could not be relied on was set aside.
    pub notes: Vec<String>,
    /// CRLs set aside only for being issued after the certificate expired.
    pub after_expiry: usize,
    /// A CRL claimed the certificate but could not be verified: its status stays unknown
    /// whatever other data says.
    pub tainted: bool,
}

/// One CRL signer: its certificate, and whether it is on the path already.
struct Signer {
    cert: Certificate,
    on_path: bool,
}

impl PathValidator<'_> {
    /// RFC 5280 section 6.3.3 over `crls` for `cert` (issued by `issuer`), at `at`, with
    /// data issued up to `now`; `past` when judging an earlier time, where "not revoked"
    /// must come from a CRL issued at or after it.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn crl_findings(
        &self,
        ctx: &CrlContext<'_>,
        cert: &Certificate,
        issuer: &Certificate,
        crls: &[Crl],
        at: Time,
        now: Time,
        past: bool,
    ) -> Result<CrlFindings, Error> {
        let mut found = CrlFindings::default();
        let points = distribution_points(cert);
        let mut mask = 0u16;
        let mut used: Vec<Crl> = Vec::new();
        let mut signers: Vec<Certificate> = Vec::new();
        // Every complete CRL is consulted, even once every reason is covered: a verified
        // revocation in any of them wins over the others' silence.
        for crl in crls.iter().filter(|c| !c.is_delta()) {
            if let Err(e) = crl.check_critical() {
                found.tainted = true;
                found.notes.push(e.to_string());
                continue;
            }
            // (b), (d): issuer and scope under each distribution point, and the reasons
            // the CRL covers for this certificate under all of them.
            let mut interim = 0u16;
            let mut scope_error = None;
            for dp in &points {
                match crl.scope_for(cert, dp) {
                    Ok(m) => interim |= m,
                    Err(e) => scope_error = Some(e),
                }
            }
            if interim == 0 {
                found.notes.push(match scope_error {
                    Some(e) => e.to_string(),
                    None => "the CRL covers no revocation reason of this certificate".to_owned(),
                });
                continue;
            }
            // (a): current at the time judged.
            if let Err(e) = crl.check_times(at, now) {
                found.notes.push(e.to_string());
                continue;
            }
            // (f): the CRL's signer, validated.
            let signer = match self.crl_signer(ctx, crl, issuer, at) {
                Ok(s) => s,
                Err(e) => {
                    found.tainted = true;
                    found.notes.push(e.to_string());
                    continue;
                }
            };
            // (c), (g), (h): the most recent delta CRL that applies, if any.
            let delta = self.delta_for(crl, &signer.cert, crls, at, now, past);
            // (i), (j): a delta CRL's entry replaces the complete CRL's, except that
            // removeFromCRL can only lift a hold (RFC 5280 section 5.3.1): a revocation
            // stays.
            let base_entry = crl.entry_for(cert);
            let entry = match (delta.as_ref().and_then(|d| d.entry_for(cert)), base_entry) {
                (Some(d), Some(b))
                    if d.reason == RevocationReason::RemoveFromCrl
                        && !matches!(
                            b.reason,
                            RevocationReason::CertificateHold | RevocationReason::RemoveFromCrl
                        ) =>
                {
                    Some(b)
                }
                (Some(d), _) => Some(d),
                (None, b) => b,
            };
            match crl.status_from(cert, entry) {
                Ok(CrlStatus::Revoked(e) | CrlStatus::OnHold(e)) if e.revocation_date <= at => {
                    found.revoked = Some(e);
                    return Ok(found);
                }
                // Judging an earlier time, a CRL issued before it shows revocations made
                // by then, but not that none was made between its issue and that time.
                Ok(_) if past && crl.this_update() < at => {
                    found.notes.push(format!(
                        "CRL of {} predates {at}, the time to judge",
                        crl.this_update()
                    ));
                }
                Ok(_) => {
                    mask |= interim;
                    used.push(crl.clone());
                    used.extend(delta);
                    if !signer.on_path
                        && !signers
                            .iter()
                            .any(|s| s.fingerprint_sha256() == signer.cert.fingerprint_sha256())
                    {
                        signers.push(signer.cert);
                    }
                }
                Err(e @ Error::RevocationDataAfterExpiry { .. }) => {
                    found.after_expiry += 1;
                    found.notes.push(e.to_string());
                }
                Err(e) => {
                    found.tainted = true;
                    found.notes.push(e.to_string());
                }
            }
        }
        if mask == ALL_REASONS {
            found.not_revoked = Some((used, signers));
        } else if mask != 0 {
            found
                .notes
                .push("the CRLs found do not cover every revocation reason".to_owned());
        }
        if found.notes.is_empty() && crls.iter().any(Crl::is_delta) && mask == 0 {
            found
                .notes
                .push("a delta CRL was found without its complete CRL".to_owned());
        }
        Ok(found)
    }

    /// The most recent delta CRL among `crls` that applies to `base`: same issuer and
    /// scope, signed by `signer`, current at `at`, no unknown critical extension.
    fn delta_for(
        &self,
        base: &Crl,
        signer: &Certificate,
        crls: &[Crl],
        at: Time,
        now: Time,
        past: bool,
    ) -> Option<Crl> {
        crls.iter()
            .filter(|d| d.is_delta_for(base))
            .filter(|d| d.check_critical().is_ok() && d.check_times(at, now).is_ok())
            .filter(|d| !past || d.this_update() >= at)
            .filter(|d| d.verify_signed_by(signer, &self.policy).is_ok())
            .max_by(|a, b| {
                crate::revocation::crl::cmp_magnitude(
                    &a.number().unwrap_or_default(),
                    &b.number().unwrap_or_default(),
                )
            })
            .cloned()
    }

    /// RFC 5280 section 6.3.3 (f): the certificate whose key signed `crl`. The
    /// certificate's own issuer first; then, within the nesting bound, any other
    /// certificate of the CRL issuer (a separate CRL-signing key, a rolled-over key, the
    /// issuer of an indirect CRL) whose key verifies the CRL and whose path validates, with
    /// revocation, to the same trust anchor.
    fn crl_signer(
        &self,
        ctx: &CrlContext<'_>,
        crl: &Crl,
        issuer: &Certificate,
        at: Time,
    ) -> Result<Signer, Error> {
        let mut last = Error::CrlIssuerMismatch;
        if issuer.subject().matches(crl.issuer()) {
            match crl.verify_signed_by(issuer, &self.policy) {
                Ok(()) => {
                    return Ok(Signer {
                        cert: issuer.clone(),
                        on_path: true,
                    });
                }
                Err(e) => last = e,
            }
        }
        if self.crl_depth >= MAX_CRL_SIGNER_DEPTH {
            return Err(last);
        }
        let mut tried: Vec<&[u8; 32]> = vec![issuer.fingerprint_sha256()];
        let candidates = ctx
            .chain
            .iter()
            .chain(ctx.intermediates)
            .chain(core::iter::once(ctx.anchor))
            .filter(|c| c.subject().matches(crl.issuer()));
        for candidate in candidates {
            if tried.contains(&candidate.fingerprint_sha256()) {
                continue;
            }
            tried.push(candidate.fingerprint_sha256());
            // A key other than the one that issued the certificate signs CRLs only where
            // its certificate says so.
            if !candidate
                .key_usage()
                .is_some_and(|ku| ku.contains(KeyUsage::CRL_SIGN))
            {
                continue;
            }
            if ctx.budget.fetch_add(1, Ordering::Relaxed) >= MAX_CMS_SIGNATURE_CHECKS {
                return Err(Error::BudgetExceeded {
                    what: "signature checks",
                    limit: MAX_CMS_SIGNATURE_CHECKS,
                });
            }
            if let Err(e) = crl.verify_signed_by(candidate, &self.policy) {
                last = e;
                continue;
            }
            // A certificate of the path being validated (or its anchor) needs no path of its
            // own: this validation checks it, its revocation included. This covers a CA's
            // rolled-over key and a CRL issuer whose CRL also covers its own certificate.
            let on_path = ctx
                .chain
                .iter()
                .chain(core::iter::once(ctx.anchor))
                .any(|c| c.fingerprint_sha256() == candidate.fingerprint_sha256());
            if on_path {
                return Ok(Signer {
                    cert: candidate.clone(),
                    on_path,
                });
            }
            let nested = PathValidator {
                purpose: KeyPurpose::Any,
                policy_inputs: PolicyInputs::default(),
                shared_budget: Some(ctx.budget),
                crl_depth: self.crl_depth + 1,
                ..self.clone()
            };
            match nested.validate(candidate, ctx.intermediates, at) {
                Ok(path)
                    if path.anchor().fingerprint_sha256() == ctx.anchor.fingerprint_sha256() =>
                {
                    return Ok(Signer {
                        cert: candidate.clone(),
                        on_path: false,
                    });
                }
                Ok(_) => {
                    last = Error::CrlSignerAnchorMismatch {
                        signer: candidate.subject().to_string(),
                    };
                }
                Err(e) => {
                    last = Error::CrlSignerNotValid {
                        signer: candidate.subject().to_string(),
                        source: Box::new(e),
                    }
                }
            }
        }
        Err(last)
    }
}
