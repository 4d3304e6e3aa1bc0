//! RFC 3161 timestamps: the protocol half. The request kyso sends, the source that carries
//! it to a time-stamping authority, and the ASN.1 of requests, responses and TSTInfo.
//!
//! A token is a CMS signature over a `TSTInfo`, so reading and checking tokens
//! ([`TimeStampToken`](crate::cms::TimeStampToken)) and obtaining checked ones
//! ([`TimeStampStamper`](crate::cms::TimeStampStamper)) live with the CMS verifier, above this
//! module.

pub(crate) mod asn1;
mod request;

pub use crate::time::PreciseTime;
pub use request::{TimeStampRequest, TimeStampSource};
