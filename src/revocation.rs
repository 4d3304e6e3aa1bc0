//! Revocation status: certificate revocation lists (RFC 5280), the sources they come from,
//! and the policy path validation applies. OCSP builds on this next.

mod crl;
mod ocsp;
mod source;

pub use crl::{Crl, CrlStatus, RevocationReason, RevokedEntry};
pub use ocsp::{OcspAnswer, OcspCheck, OcspRequest, OcspResponse, OcspStatus};
pub(crate) use source::Both;
pub use source::{
    CrlStore, RevocationCheck, RevocationOutcome, RevocationPolicy, RevocationSource,
};
