//! Path building (RFC 4158 in outline): a depth-first search from the end entity through
//! candidate issuers to a trust anchor, within the budgets of [`crate::limits`], keeping the
//! most telling error when no path validates.

use crate::budget::{Allowance, Budget, CheckId};
use crate::cert::Certificate;
use crate::error::Error;
use crate::error::{PathError, SignatureError};
use crate::path::checks::{check_issuer_name, position, same_entity};
use crate::path::policy::{self};
use crate::path::validator::{PathValidator, ValidatedPath};
use crate::time::Time;

/// The state of one path-building call: its budgets and the best error so far.
pub(super) struct Search<'v, 'a> {
    pub(super) validator: &'v PathValidator<'a>,
    pub(super) intermediates: &'v [Certificate],
    pub(super) time: Time,
    /// The signature-check budget of the call.
    pub(super) budget: &'v Budget,
    /// Signature checks this search made (bounded by [`MAX_SIGNATURE_CHECKS`](crate::limits::MAX_SIGNATURE_CHECKS)).
    pub(super) signature_checks: Allowance,
    /// Candidate issuers looked at (bounded by [`MAX_BUILD_STEPS`](crate::limits::MAX_BUILD_STEPS)).
    pub(super) steps: Allowance,
    pub(super) best: Option<(u8, Error)>,
}

/// How telling an error is, to choose among failed candidate paths.
const RANK_NO_ISSUER: u8 = 0;
const RANK_TOO_LONG: u8 = 1;
const RANK_BROKEN_LINK: u8 = 2;
const RANK_COMPLETE_PATH: u8 = 3;

impl Search<'_, '_> {
    /// Depth-first search from the last certificate of `path` towards an anchor. Returns
    /// `Ok(None)` when no path below here validates; `Err` only when a budget runs out.
    pub(super) fn extend(
        &mut self,
        path: &mut Vec<Certificate>,
    ) -> Result<Option<ValidatedPath>, Error> {
        let Some(child) = path.last().cloned() else {
            return Ok(None);
        };
        let index = path.len() - 1;
        let mut found_candidate = false;

        // Anchors first: the shortest path wins.
        let anchors: Vec<Certificate> = self.candidates(&child, self.validator.anchors.iter())?;
        for anchor in anchors {
            found_candidate = true;
            if let Err(e) = check_issuer_name(&child, index, &anchor) {
                self.record(RANK_BROKEN_LINK, e);
                continue;
            }
            self.charge_signature_check()?;
            match self.check_link(&child, index, &anchor) {
                Ok(()) => {}
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(e) => {
                    self.record(RANK_BROKEN_LINK, e);
                    continue;
                }
            }
            let checked = self
                .validator
                .check_path(path, Some(&anchor), self.time, self.budget)
                .and_then(|warnings| {
                    let held =
                        (!self.validator.anchors.anchors_are_name_and_key()).then_some(&anchor);
                    let policies =
                        policy::process(path, &self.validator.policy_inputs, held, position)?;
                    let revocation = self.validator.check_revocation(
                        path,
                        &anchor,
                        self.intermediates,
                        self.time,
                        self.budget,
                    )?;
                    Ok((policies, revocation, warnings))
                });
            match checked {
                Ok((policies, revocation, warnings)) => {
                    return Ok(Some(ValidatedPath {
                        chain: path.clone(),
                        anchor,
                        time: self.time,
                        purpose: self.validator.purpose,
                        revocation,
                        policies,
                        warnings,
                    }));
                }
                // An exhausted budget ends the whole search.
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(e) => self.record(RANK_COMPLETE_PATH, e),
            }
        }

        let intermediates = self.candidates(&child, self.intermediates.iter())?;
        for issuer in intermediates {
            if path.iter().any(|c| same_entity(c, &issuer)) {
                continue;
            }
            found_candidate = true;
            if path.len() >= self.validator.max_depth {
                self.record(
                    RANK_TOO_LONG,
                    Error::Path {
                        cert: position(index, &child),
                        reason: PathError::PathTooLong {
                            limit: self.validator.max_depth,
                        },
                    },
                );
                break;
            }
            // Names first: comparing them is cheap, a signature check is not.
            if let Err(e) = check_issuer_name(&child, index, &issuer) {
                self.record(RANK_BROKEN_LINK, e);
                continue;
            }
            self.charge_signature_check()?;
            match self.check_link(&child, index, &issuer) {
                Ok(()) => {}
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(e) => {
                    self.record(RANK_BROKEN_LINK, e);
                    continue;
                }
            }
            path.push(issuer);
            let result = self.extend(path);
            path.pop();
            if let Some(found) = result? {
                return Ok(Some(found));
            }
        }

        if !found_candidate {
            let e = if index == 0 && child.is_self_issued() {
                Error::Path {
                    cert: position(0, &child),
                    reason: PathError::UntrustedSelfSigned,
                }
            } else {
                Error::Path {
                    cert: position(index, &child),
                    reason: PathError::UnknownIssuer,
                }
            };
            self.record(RANK_NO_ISSUER, e);
        }
        Ok(None)
    }

    /// The certificates among `pool` that may have issued `child`: subject equal to its
    /// issuer name, or subjectKeyIdentifier equal to its authorityKeyIdentifier. Best
    /// matches first (both, then name only, then key identifier only); a name match whose
    /// key identifiers disagree comes last.
    fn candidates<'c>(
        &mut self,
        child: &Certificate,
        pool: impl Iterator<Item = &'c Certificate>,
    ) -> Result<Vec<Certificate>, Error> {
        let mut scored = Vec::new();
        for cand in pool {
            self.steps.spend(1)?;
            let name = cand.subject().matches(child.issuer());
            let key_id = match (child.authority_key_id(), cand.subject_key_id()) {
                (Some(a), Some(s)) => Some(a == s),
                _ => None,
            };
            let score = match (name, key_id) {
                (true, Some(true)) => 4,
                (true, None) => 3,
                (false, Some(true)) => 2,
                (true, Some(false)) => 1,
                (false, _) => continue,
            };
            scored.push((score, cand.clone()));
        }
        scored.sort_by_key(|s| core::cmp::Reverse(s.0));
        Ok(scored.into_iter().map(|(_, c)| c).collect())
    }

    /// Counts one signature check against this search's bound. Running out fails the whole
    /// call (the caller propagates it with `?`): a budget is not a property of one
    /// candidate.
    fn charge_signature_check(&mut self) -> Result<(), Error> {
        self.signature_checks.spend(1)
    }

    /// Verifies that `issuer`'s key signed `child`, once per call (the budget remembers the
    /// outcome); the algorithm policy is applied every time.
    fn check_link(
        &self,
        child: &Certificate,
        index: usize,
        issuer: &Certificate,
    ) -> Result<(), Error> {
        let issuer_key = issuer.public_key().map_err(|e| match e {
            Error::Signature(e) => Error::Path {
                cert: position(index, child),
                reason: PathError::SignatureAlgorithm(e),
            },
            Error::Encoding(e) => Error::Path {
                cert: position(index, child),
                reason: PathError::Encoding(e),
            },
            other => other,
        })?;
        let cache = self.validator.cache;
        let policy = &self.validator.policy;
        let id = CheckId {
            object: *child.fingerprint_sha256(),
            key: *issuer.fingerprint_sha256(),
        };
        let checked = child
            .check_signed_by_policy(issuer_key, policy)
            .and_then(|()| {
                self.budget.check(id, || match cache {
                    Some(c) if c.knows_link(child, issuer) => Ok(()),
                    _ => child.verify_signed_by(issuer_key, policy).inspect(|()| {
                        if let Some(c) = cache {
                            c.remember_link(child, issuer);
                        }
                    }),
                })
            });
        checked.map_err(|e| match e {
            Error::Signature(SignatureError::InvalidSignature) => Error::Path {
                cert: position(index, child),
                reason: PathError::BadSignature,
            },
            // The issuer's key is the one refused (its size or form).
            Error::Signature(
                e @ (SignatureError::RsaKeyTooSmall { .. }
                | SignatureError::RsaKeyTooLarge { .. }
                | SignatureError::RsaModulusNotWholeBytes { .. }
                | SignatureError::ExplicitCurveParametersNotAllowed
                | SignatureError::KeyTypeNotAllowed { .. }),
            ) => Error::Path {
                cert: position(index + 1, issuer),
                reason: PathError::PublicKey(e),
            },
            Error::Signature(e) => Error::Path {
                cert: position(index, child),
                reason: PathError::SignatureAlgorithm(e),
            },
            other => other,
        })
    }

    fn record(&mut self, rank: u8, error: Error) {
        match &self.best {
            Some((best_rank, _)) if *best_rank >= rank => {}
            _ => self.best = Some((rank, error)),
        }
    }
}
