//! One budget of signature checks per validation call.
//!
//! Every cryptographic check a validation makes on outside input — a certificate's
//! signature, a CRL's, an OCSP response's and its delegated responder's, a SignerInfo's, a
//! timestamp token's — goes through [`Budget::check`]. The budget remembers the outcome of
//! each check by what was signed and the key that checked it, failures as well as
//! successes, so an object repeated in the input (the same CRL offered for every
//! certificate, the same SignerInfo sixty-four times) is checked, and charged, once per
//! call; past [`MAX_CMS_SIGNATURE_CHECKS`] distinct checks the call fails with
//! [`Error::BudgetExceeded`]. The count is deterministic: it depends on the input only, not
//! on what caches (the [`VerificationCache`](crate::path::VerificationCache), the memory of a
//! parsed CRL) happen to hold, so a verdict never depends on them either.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{BudgetKind, Error};
use crate::limits::MAX_CMS_SIGNATURE_CHECKS;

/// A bound on work of one kind within one search (the steps and signature checks of a path
/// search, the nodes of a policy tree): counted with checked arithmetic, and once spent,
/// spent for good. Every charge past the bound is the one error of that bound,
/// [`Error::BudgetExceeded`] with its [`BudgetKind`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Allowance {
    used: usize,
    limit: usize,
    what: BudgetKind,
}

impl Allowance {
    /// `limit` units of work of the kind `what`, `used` of them spent already.
    pub(crate) fn new(what: BudgetKind, limit: usize, used: usize) -> Self {
        Allowance { used, limit, what }
    }

    /// Spends `units`, or fails (and stays exhausted) when they do not fit.
    pub(crate) fn spend(&mut self, units: usize) -> Result<(), Error> {
        match self.used.checked_add(units) {
            Some(total) if total <= self.limit => {
                self.used = total;
                Ok(())
            }
            _ => {
                self.used = self.limit.saturating_add(1);
                Err(self.exceeded())
            }
        }
    }

    /// Whether `units` more would still fit, without spending them.
    pub(crate) fn fits(&self, units: usize) -> bool {
        self.used
            .checked_add(units)
            .is_some_and(|t| t <= self.limit)
    }

    /// The error of this bound.
    pub(crate) fn exceeded(&self) -> Error {
        Error::BudgetExceeded {
            what: self.what,
            limit: self.limit,
        }
    }
}

/// What one signature check is about: the signed object and the key that checks it, each
/// by a SHA-256 fingerprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct CheckId {
    /// The signed object (a certificate, CRL, OCSP response or signer's signed bytes).
    pub object: [u8; 32],
    /// The certificate (or key) whose key checks it.
    pub key: [u8; 32],
}

/// The signature-check budget of one call (see the module documentation).
#[derive(Debug)]
pub(crate) struct Budget {
    used: AtomicUsize,
    limit: usize,
    refused: AtomicUsize,
    outcomes: Mutex<HashMap<CheckId, Result<(), Error>>>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(MAX_CMS_SIGNATURE_CHECKS)
    }
}

impl Budget {
    /// A budget of `limit` distinct signature checks.
    pub(crate) fn new(limit: usize) -> Self {
        Budget {
            used: AtomicUsize::new(0),
            limit,
            refused: AtomicUsize::new(0),
            outcomes: Mutex::new(HashMap::new()),
        }
    }

    /// The distinct signature checks made so far.
    pub(crate) fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed).min(self.limit)
    }

    /// How many checks were refused for want of budget so far: a part of a call during
    /// which this grew cannot have seen everything it needed.
    pub(crate) fn refusals(&self) -> usize {
        self.refused.load(Ordering::Relaxed)
    }

    fn exceeded(&self) -> Error {
        self.refused.fetch_add(1, Ordering::Relaxed);
        Error::BudgetExceeded {
            what: BudgetKind::SignatureChecks,
            limit: self.limit,
        }
    }

    /// Runs `verify` for `id` unless this call already has its outcome, which is then
    /// returned as it was. A new check is charged first; past the limit it is not made and
    /// the result is [`Error::BudgetExceeded`], which callers must pass up rather than read
    /// as a bad signature.
    pub(crate) fn check(
        &self,
        id: CheckId,
        verify: impl FnOnce() -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.check_costing(id, 1, verify)
    }

    /// As [`Budget::check`], for a check that costs `units` (a signature over a large
    /// message costs one unit per mebibyte hashed, besides the one of the check).
    pub(crate) fn check_costing(
        &self,
        id: CheckId,
        units: usize,
        verify: impl FnOnce() -> Result<(), Error>,
    ) -> Result<(), Error> {
        if let Ok(outcomes) = self.outcomes.lock()
            && let Some(outcome) = outcomes.get(&id)
        {
            return outcome.clone();
        }
        let units = units.max(1);
        // Checked arithmetic; a refused charge exhausts the budget for the rest of the call,
        // so a smaller check cannot slip in after a larger one was refused.
        let limit = self.limit;
        let charged = self
            .used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                used.checked_add(units).filter(|total| *total <= limit)
            });
        if charged.is_err() {
            self.used
                .fetch_max(limit.saturating_add(1), Ordering::Relaxed);
            return Err(self.exceeded());
        }
        let outcome = verify();
        if let Ok(mut outcomes) = self.outcomes.lock() {
            outcomes.insert(id, outcome.clone());
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SignatureError;

    #[test]
    fn repeats_are_free_failures_included_and_the_limit_holds() {
        let budget = Budget::new(2);
        let id = |n: u8| CheckId {
            object: [n; 32],
            key: [0; 32],
        };
        let mut runs = 0;
        for _ in 0..3 {
            assert_eq!(
                budget.check(id(1), || {
                    runs += 1;
                    Err(Error::Signature(SignatureError::InvalidSignature))
                }),
                Err(Error::Signature(SignatureError::InvalidSignature))
            );
        }
        assert_eq!((runs, budget.used()), (1, 1));
        assert!(budget.check(id(2), || Ok(())).is_ok());
        assert_eq!(budget.refusals(), 0);
        assert!(matches!(
            budget.check(id(3), || Ok(())),
            Err(Error::BudgetExceeded { limit: 2, .. })
        ));
        assert_eq!((budget.used(), budget.refusals()), (2, 1));
        // What was checked before stays available.
        assert!(
            budget
                .check(id(2), || Err(Error::Signature(
                    SignatureError::InvalidSignature
                )))
                .is_ok()
        );
    }

    #[test]
    fn a_refused_charge_exhausts_the_budget() {
        let budget = Budget::new(10);
        let id = |n: u8| CheckId {
            object: [n; 32],
            key: [1; 32],
        };
        assert!(budget.check_costing(id(1), 8, || Ok(())).is_ok());
        // Three more units do not fit; afterwards not even one does.
        assert!(matches!(
            budget.check_costing(id(2), 3, || Ok(())),
            Err(Error::BudgetExceeded { limit: 10, .. })
        ));
        assert!(matches!(
            budget.check(id(3), || Ok(())),
            Err(Error::BudgetExceeded { limit: 10, .. })
        ));
        assert_eq!(budget.refusals(), 2);
        // Arithmetic that would overflow is a refusal, not a wrap.
        let huge = Budget::new(usize::MAX);
        assert!(huge.check_costing(id(4), usize::MAX, || Ok(())).is_ok());
        assert!(matches!(
            huge.check(id(5), || Ok(())),
            Err(Error::BudgetExceeded { .. })
        ));
    }

    #[test]
    fn an_allowance_counts_with_checked_arithmetic_and_stays_spent() {
        let mut steps = Allowance::new(BudgetKind::PathBuildSteps, 3, 0);
        assert!(steps.fits(3) && !steps.fits(4) && !steps.fits(usize::MAX));
        assert!(steps.spend(2).is_ok());
        assert_eq!(
            steps.spend(2),
            Err(Error::BudgetExceeded {
                what: BudgetKind::PathBuildSteps,
                limit: 3
            })
        );
        assert!(steps.spend(1).is_err(), "once spent, spent for good");
        let mut nodes = Allowance::new(BudgetKind::PolicyTreeNodes, usize::MAX, 2);
        assert!(nodes.spend(usize::MAX).is_err());
    }
}
