//! Revocation status: certificate revocation lists (RFC 5280), OCSP (RFC 6960), the sources
//! they come from, and the policy path validation applies.

pub(crate) mod crl;
mod ocsp;
mod source;

pub use crl::{Crl, CrlStatus, RevocationReason, RevokedEntry};
pub use ocsp::{OcspAnswer, OcspCheck, OcspRequest, OcspResponse, OcspStatus};
pub(crate) use source::Both;
pub use source::{
    CrlStore, Evidence, RevocationCheck, RevocationData, RevocationOutcome, RevocationPolicy,
    RevocationSource,
};
