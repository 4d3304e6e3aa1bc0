//! Validation reports in the terms of ETSI EN 319 102-1, and the policy a validation
//! applies.

mod commitment;
pub(crate) mod etsi;
mod policy;
pub(crate) mod report;
mod warning;

pub use commitment::CommitmentType;
pub use policy::{ValidationPolicy, ValidationTime};
pub use report::{
    Check, CheckKind, Indication, Outcome, SignerReport, SubIndication, TimeSource,
    ValidationReport, VerifiedContent,
};
pub use warning::Warning;
