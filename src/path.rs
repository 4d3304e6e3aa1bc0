//! Trust anchors, path building and RFC 5280 path validation.
//!
//! Implemented from RFC 5280 section 6.1: signatures, validity periods, name chaining,
//! basicConstraints and pathLenConstraint, keyCertSign, unknown critical extensions, the
//! algorithm policy, name constraints, the certificate-policy tree (certificatePolicies,
//! policyMappings, policyConstraints, inhibitAnyPolicy and the initial policy inputs), and
//! the key usage and extended key usage the purpose needs.

mod build;
mod cache;
mod checks;
mod context;
mod crl_check;
mod policy;
mod purpose;
mod revocation_status;
mod trust_store;
mod validator;
mod warning;

pub use cache::VerificationCache;
pub use context::{Revocation, TrustContext};
pub use policy::{PolicyInputs, PolicySet};
pub use purpose::{DOCUMENT_SIGNING_EKUS, KeyPurpose, NEVER_DOCUMENT_SIGNING_EKUS};
pub use trust_store::TrustStore;
pub use validator::{PathValidator, ValidatedPath};
pub use warning::PathWarning;
