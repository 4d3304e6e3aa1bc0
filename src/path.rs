//! Trust anchors, path building and RFC 5280 path validation.
//!
//! Implemented from RFC 5280 section 6.1: signatures, validity periods, name chaining,
//! basicConstraints and pathLenConstraint, keyCertSign, unknown critical extensions, the
//! algorithm policy, name constraints, and the key usage the purpose needs. The policy tree
//! is not processed yet: a certificate that carries policyMappings, policyConstraints or
//! inhibitAnyPolicy, critical or not, is refused
//! ([`Error::UnprocessedConstraint`](crate::Error::UnprocessedConstraint)), so nothing is
//! accepted that they would forbid.

mod cache;
mod purpose;
mod trust_store;
mod validate;

pub use cache::VerificationCache;
pub use purpose::KeyPurpose;
pub use trust_store::TrustStore;
pub use validate::{PathValidator, ValidatedPath};
