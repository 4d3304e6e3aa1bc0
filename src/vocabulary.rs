//! The values that errors and reports name: algorithms, key purposes, revocation reasons and
//! ETSI verdicts. They sit below `error` in the layers (ARCHITECTURE.md), so that an error can
//! carry them without its module importing from the layers above; each is re-exported by the
//! module of its concept, which is where the API shows it.

mod algorithm;
mod purpose;
mod revocation_reason;
mod verdict;

pub use algorithm::{DigestAlgorithm, KeyType, SignatureAlgorithm};
pub use purpose::KeyPurpose;
pub use revocation_reason::RevocationReason;
pub use verdict::{Indication, SubIndication};
