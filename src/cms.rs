//! CMS signatures (RFC 5652) following the CAdES baseline (ETSI EN 319 122-1, levels B-B,
//! B-T and B-LT): creating them, with any [`Signer`](crate::Signer) and in two steps for
//! signers outside the process; extending them with signature timestamps and validation
//! data; and validating them into an ETSI EN 319 102-1 report.

mod attributes;
mod augment;
pub(crate) mod proof_of_existence;
pub(crate) mod sign;
mod signed_attributes;
mod signed_cms;
mod signed_data;
pub(crate) mod signer_check;
mod signer_match;
pub(crate) mod signer_view;
mod stamper;
mod timestamp_token;
mod timestamped_data;
mod verify;
pub(crate) mod walk;

pub use attributes::SignerLocation;
pub use sign::{PreparedSignature, SignatureBuilder};
pub use signed_cms::SignedCms;
pub use stamper::TimeStampStamper;
pub use timestamp_token::{TimeStampInfo, TimeStampToken};
pub use timestamped_data::TimeStampedData;
pub(crate) use verify::Mode;
pub use verify::Verifier;
