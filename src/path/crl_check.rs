//! A certificate's revocation status from a set of CRLs, per RFC 5280 section 6.3: every
//! distribution point of the certificate (and the one assumed for CRLs that none names),
//! reason partitions combined until every reason is covered, indirect CRLs, delta CRLs
//! applied over their complete CRL, and CRLs signed by another key of the CRL issuer than
//! the one that signed the certificate (a separate CRL-signing key, or a rolled-over key),
//! whose certificate is validated to the same trust anchor.

use crate::budget::Budget;
use crate::cert::{Certificate, KeyUsage};
use crate::error::Error;
use crate::error::{PathError, RevocationError};
use crate::limits::MAX_CRL_SIGNER_DEPTH;
use crate::path::policy::PolicyInputs;
use crate::path::purpose::KeyPurpose;
use crate::path::validator::PathValidator;
use crate::revocation::crl::{ALL_REASONS, distribution_points};
use crate::revocation::{Crl, CrlStatus, RevocationReason, RevokedEntry};
use crate::time::Time;

/// What the path around a certificate offers for finding CRL signers.
pub(super) struct CrlContext<'c> {
    /// The path being validated (end entity first).
    pub chain: &'c [Certificate],
    /// Its trust anchor: a CRL signer's path must end there too (RFC 5280 6.3.3 (f)).
    pub anchor: &'c Certificate,
    /// The certificates the caller supplied.
    pub intermediates: &'c [Certificate],
    /// The signature-check budget of the call, shared with nested validations.
    pub budget: &'c Budget,
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
    /// must come from a CRL issued at or after it. At most `limit` complete CRLs that speak
    /// of the certificate are examined; with more, [`PathError::TooManyRevocationItems`].
    #[allow(clippy::too_many_arguments)]
    pub(super) fn crl_findings(
        &self,
        ctx: &CrlContext<'_>,
        index: usize,
        cert: &Certificate,
        issuer: &Certificate,
        crls: &[Crl],
        (at, now, past): (Time, Time, bool),
        limit: usize,
    ) -> Result<CrlFindings, Error> {
        let mut found = CrlFindings::default();
        let points = distribution_points(cert);
        let mut mask = 0u16;
        let mut used: Vec<Crl> = Vec::new();
        let mut signers: Vec<Certificate> = Vec::new();
        // Every complete CRL is consulted, even once every reason is covered: a verified
        // revocation in any of them wins over the others' silence. A CRL given twice is
        // read once.
        let mut seen: Vec<&[u8]> = Vec::new();
        let mut examined = 0usize;
        for crl in crls.iter().filter(|c| !c.is_delta()) {
            if seen.contains(&crl.der()) {
                continue;
            }
            seen.push(crl.der());
            if let Err(e) = crl.check_critical() {
                found.tainted = true;
                found.notes.push(e.to_string());
                continue;
            }
            // (b), (d): issuer and scope under each distribution point, and the reasons
            // the CRL covers for this certificate under all of them.
            let interim = match covered_reasons(crl, cert, &points) {
                Ok(m) => m,
                Err(note) => {
                    found.notes.push(note);
                    continue;
                }
            };
            if examined == limit {
                return Err(Error::Path {
                    cert: crate::path::checks::position(index, cert),
                    reason: PathError::TooManyRevocationItems {
                        limit: crate::limits::MAX_REVOCATION_ITEMS_PER_CERTIFICATE,
                    },
                });
            }
            examined += 1;
            // (a): whether it is current at the time judged (a stale CRL still shows
            // revocations, below, but its failures do not cloud the status).
            let current = crl.check_times(at, now);
            // (f): the CRL's signer, validated.
            let signer = match self.crl_signer(ctx, index, crl, issuer, at) {
                Ok(Some(s)) => s,
                // Signed by the certificate's own key (or one below it): genuine, but no
                // evidence about this certificate.
                Ok(None) => {
                    found.notes.push(
                        "the CRL is signed with the key of the certificate it would vouch for"
                            .to_owned(),
                    );
                    continue;
                }
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(e) => {
                    found.tainted |= current.is_ok();
                    found.notes.push(e.to_string());
                    continue;
                }
            };
            // (c), (g), (h): the delta CRLs that apply, verified with the same key.
            let (deltas, bad_delta) = self.deltas_for(ctx, crl, &signer.cert, crls)?;
            // A verified revocation in effect at `at` counts even from a CRL or delta CRL
            // that is no longer current: revocations are not taken back (holds aside).
            if let Some(e) = core::iter::once(crl)
                .chain(deltas.iter())
                .filter_map(|c| lasting_revocation(c, cert, at))
                .min_by_key(|e| e.invalid_from())
            {
                found.revoked = Some(e.clone());
                return Ok(found);
            }
            if let Err(e) = current {
                found.notes.push(e.to_string());
                continue;
            }
            // A delta CRL of this CRL that cannot be read (an unknown critical extension)
            // may hold revocations: the status stays unknown.
            if bad_delta {
                found.tainted = true;
                found
                    .notes
                    .push("a delta CRL of this CRL has an unknown critical extension".to_owned());
                continue;
            }
            let (delta, entry) = entry_with_delta(crl, &deltas, cert, (at, now, past));
            match status_with_delta(crl, delta.as_ref(), cert, entry.as_ref()) {
                Ok(CrlStatus::Revoked(e) | CrlStatus::OnHold(e)) if e.invalid_from() <= at => {
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
                // A CRL without a (non-critical) cRLNumber shows revocations, not their absence.
                Ok(_) if !usable_for_absence(crl, &mut found) => {}
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
                Err(e @ Error::Revocation(RevocationError::RevocationDataAfterExpiry { .. })) => {
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

    /// The delta CRLs among `crls` that apply to `base` (same issuer, scope and authority
    /// key identifier, a base number `base` reaches), signed by `signer`, and whether one
    /// that applies has an unknown critical extension. Each signature check is made once
    /// per delta and signer in the call (the budget remembers it).
    fn deltas_for(
        &self,
        ctx: &CrlContext<'_>,
        base: &Crl,
        signer: &Certificate,
        crls: &[Crl],
    ) -> Result<(Vec<Crl>, bool), Error> {
        let mut out: Vec<Crl> = Vec::new();
        let mut unreadable = false;
        for d in crls.iter().filter(|d| d.is_delta_for(base)) {
            if d.check_critical().is_err() || d.check_crl_number().is_err() {
                unreadable = true;
                continue;
            }
            if out.iter().any(|o| o.der() == d.der()) {
                continue;
            }
            let verified = match d.verify_signed_by_in(signer, &self.policy, ctx.budget) {
                Ok(()) => true,
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(_) => false,
            };
            if verified {
                out.push(d.clone());
            }
        }
        Ok((out, unreadable))
    }

    /// RFC 5280 section 6.3.3 (f): the certificate whose key signed `crl`. The
    /// certificate's own issuer first; then, within the nesting bound, any other
    /// certificate of the CRL issuer (a separate CRL-signing key, a rolled-over key, the
    /// issuer of an indirect CRL) whose key verifies the CRL and whose path validates, with
    /// revocation, to the same trust anchor.
    fn crl_signer(
        &self,
        ctx: &CrlContext<'_>,
        index: usize,
        crl: &Crl,
        issuer: &Certificate,
        at: Time,
    ) -> Result<Option<Signer>, Error> {
        let mut last = Error::Revocation(RevocationError::CrlIssuerMismatch);
        if issuer.subject().matches(crl.issuer()) {
            match crl.verify_signed_by_in(issuer, &self.policy, ctx.budget) {
                Ok(()) => {
                    return Ok(Some(Signer {
                        cert: issuer.clone(),
                        on_path: true,
                    }));
                }
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(e) => last = e,
            }
        }
        // Never the key of the certificate whose status is sought, nor of one below it: a
        // key does not vouch for its own certificate (a revoked, compromised CRL key could
        // otherwise sign a CRL that declares it unrevoked), whichever certificate carries it.
        let own_keys: Vec<&[u8]> = ctx
            .chain
            .iter()
            .take(index + 1)
            .map(Certificate::spki_der)
            .collect();
        for own in ctx.chain.iter().take(index + 1) {
            if own.subject().matches(crl.issuer()) {
                match crl.verify_signed_by_in(own, &self.policy, ctx.budget) {
                    Ok(()) => return Ok(None),
                    Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                    Err(_) => {}
                }
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
            if tried.contains(&candidate.fingerprint_sha256())
                || own_keys.contains(&candidate.spki_der())
            {
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
            match crl.verify_signed_by_in(candidate, &self.policy, ctx.budget) {
                Ok(()) => {}
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(e) => {
                    last = e;
                    continue;
                }
            }
            // A certificate above this one on the path being validated (or its anchor)
            // needs no path of its own: this validation checks it, its revocation included.
            // This covers a CA's rolled-over key.
            let on_path = ctx
                .chain
                .iter()
                .skip(index + 1)
                .chain(core::iter::once(ctx.anchor))
                .any(|c| c.fingerprint_sha256() == candidate.fingerprint_sha256());
            if on_path {
                return Ok(Some(Signer {
                    cert: candidate.clone(),
                    on_path,
                }));
            }
            let nested = PathValidator {
                at,
                purpose: KeyPurpose::Any,
                policy_inputs: PolicyInputs::default(),
                budget: Some(ctx.budget),
                crl_depth: self.crl_depth + 1,
                ..self.clone()
            };
            match nested.validate(candidate, ctx.intermediates) {
                Ok(path)
                    if path.anchor().fingerprint_sha256() == ctx.anchor.fingerprint_sha256() =>
                {
                    return Ok(Some(Signer {
                        cert: candidate.clone(),
                        on_path: false,
                    }));
                }
                Ok(_) => {
                    last = Error::Revocation(RevocationError::CrlSignerAnchorMismatch {
                        signer: candidate.subject().to_string(),
                    });
                }
                // Out of budget is a verdict on the whole validation, never a reason to
                // set one CRL aside.
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(e) => {
                    last = Error::Revocation(RevocationError::CrlSignerNotValid {
                        signer: candidate.subject().to_string(),
                        source: Box::new(e),
                    })
                }
            }
        }
        Err(last)
    }
}

/// Whether `crl` can show that a certificate is not revoked (RFC 5280 section 5.2.3: it
/// carries a non-critical cRLNumber); when not, `found` records why.
fn usable_for_absence(crl: &Crl, found: &mut CrlFindings) -> bool {
    match crl.check_crl_number() {
        Ok(()) => true,
        Err(e) => {
            found.tainted = true;
            found.notes.push(e.to_string());
            false
        }
    }
}

/// The entry of `crl` revoking `cert` for good at or before `at`, counted from its
/// invalidity date when earlier (not a hold, not a removal).
fn lasting_revocation<'c>(crl: &'c Crl, cert: &Certificate, at: Time) -> Option<&'c RevokedEntry> {
    crl.entry_for(cert, at).filter(|e| {
        e.invalid_from() <= at
            && !matches!(
                e.reason,
                RevocationReason::CertificateHold | RevocationReason::RemoveFromCrl
            )
    })
}

/// `cert`'s status from the complete CRL and the delta CRL applied to it, given its combined
/// `entry`. A CRL issued after the certificate expired cannot show it was not revoked: the
/// complete CRL, or the delta CRL applied to it.
fn status_with_delta(
    crl: &Crl,
    delta: Option<&Crl>,
    cert: &Certificate,
    entry: Option<&RevokedEntry>,
) -> Result<CrlStatus, Error> {
    match (delta, crl.status_from(cert, entry)) {
        (Some(d), Ok(CrlStatus::NotRevoked)) => {
            d.status_from(cert, entry).map(|_| CrlStatus::NotRevoked)
        }
        (_, status) => status,
    }
}

/// RFC 5280 section 6.3.3 (b) and (d): the revocation reasons `crl` covers for `cert` under
/// any of its distribution points `points`, or why it covers none.
fn covered_reasons(
    crl: &Crl,
    cert: &Certificate,
    points: &[crate::cert::general_name::DistributionPoint],
) -> Result<u16, String> {
    let mut interim = 0u16;
    let mut scope_error = None;
    for dp in points {
        match crl.scope_for(cert, dp) {
            Ok(m) => interim |= m,
            Err(e) => scope_error = Some(e),
        }
    }
    if interim == 0 {
        return Err(match scope_error {
            Some(e) => e.to_string(),
            None => "the CRL covers no revocation reason of this certificate".to_owned(),
        });
    }
    Ok(interim)
}

/// RFC 5280 section 6.3.3 (c), (i) and (j): the most recent current delta CRL among
/// `deltas` (issued at or after `at` when judging a past time), and `cert`'s entry from the
/// complete CRL and that delta combined: the earliest revocation in effect wins, and
/// removeFromCRL in the delta only lifts a hold.
fn entry_with_delta(
    crl: &Crl,
    deltas: &[Crl],
    cert: &Certificate,
    (at, now, past): (Time, Time, bool),
) -> (Option<Crl>, Option<RevokedEntry>) {
    // The most recent current delta CRL, if any.
    let delta = deltas
        .iter()
        .filter(|d| d.check_times(at, now).is_ok() && (!past || d.this_update() >= at))
        .max_by(|a, b| {
            crate::revocation::crl::cmp_magnitude(
                &a.number().unwrap_or_default(),
                &b.number().unwrap_or_default(),
            )
        })
        .cloned();
    // (i), (j): the complete CRL's entry and the delta's, the earliest revocation
    // in effect winning; removeFromCRL in the delta only lifts a hold.
    let base_entry = crl.entry_for(cert, at);
    let delta_entry = delta.as_ref().and_then(|d| d.entry_for(cert, at));
    let entry = match (delta_entry, base_entry) {
        (Some(d), Some(b)) if d.reason == RevocationReason::RemoveFromCrl => {
            if b.reason == RevocationReason::CertificateHold {
                Some(d)
            } else {
                Some(b)
            }
        }
        (Some(d), Some(b)) if b.reason != RevocationReason::RemoveFromCrl => {
            Some(if b.invalid_from() <= d.invalid_from() {
                b
            } else {
                d
            })
        }
        (Some(d), _) => Some(d),
        (None, b) => b,
    };
    let entry = entry.cloned();
    (delta, entry)
}
