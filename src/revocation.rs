//! Revocation status: certificate revocation lists (RFC 5280). OCSP and the revocation
//! policy of path validation build on this.

mod crl;

pub use crl::{Crl, CrlStatus, RevocationReason, RevokedEntry};
