//! # kyso: electronic identity and digital signatures for government systems
//!
//! kyso ("ký số": to sign digitally) is a memory-safe library for the systems that sign and
//! check official documents and electronic identities: document hashing, keys and
//! signatures, X.509 certificates with the identity they name (name, CCCD, tax code),
//! RFC 5280 path validation at a time the caller chooses, revocation (CRL, OCSP, over HTTP
//! with the `http` feature), CMS/CAdES signatures from B-B to B-LT with RFC 3161 timestamps
//! and an ETSI EN 319 102-1 report ([`SignatureBuilder`], [`Verifier`]), and electronic
//! identity documents ([`eid`]: ICAO 9303 passive authentication, certificate login).
//!
//! ```
//! use kyso::{Certificate, PathValidator, Time, TrustStore};
//!
//! let anchors = TrustStore::from_pem(&std::fs::read("test-vectors/pki/root-ca.pem")?)?;
//! let leaf = Certificate::from_pem(&std::fs::read("test-vectors/pki/ee-rsa2048.pem")?)?;
//! let intermediates =
//!     Certificate::parse_pem_bundle(&std::fs::read("test-vectors/pki/intermediate-ca.pem")?)?;
//!
//! let path = PathValidator::new(&anchors)
//!     .validate(&leaf, &intermediates, Time::from_utc(2026, 6, 1, 0, 0, 0)?)?;
//! let who = path.leaf().identity();
//! assert_eq!(who.common_name.as_deref(), Some("Nguyễn Văn An"));
//! assert_eq!(who.cccd(), Some("001085012345"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Principles: no `unsafe`; no panic on any input; every bound on outside input is a named
//! constant in [`limits`]; the caller passes the validation time (only [`Time::now`] reads
//! the clock); every error is a variant of [`Error`] with structured context.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
// The library's house rules beyond the workspace lints (CI turns warnings into errors):
// functions short enough to read (clippy.toml sets 120 lines), every fallible public function
// says when it fails, and public types that may grow are `#[non_exhaustive]`.
#![warn(
    clippy::too_many_lines,
    clippy::missing_errors_doc,
    clippy::exhaustive_enums,
    clippy::exhaustive_structs
)]

mod budget;
mod cert;
mod cms;
mod digest;
pub mod eid;
mod error;
#[cfg(feature = "http")]
pub mod http;
mod key;
pub mod limits;
mod oid;
mod path;
mod pem;
#[cfg(feature = "pkcs11")]
pub mod pkcs11;
mod revocation;
mod time;
mod tlv;
mod tsp;
mod validate;

pub use cert::{
    Attribute, BasicConstraints, Certificate, Extension, Identity, KeyUsage, Name,
    PolicyConstraints, VnIdentifier,
};
pub use cms::{
    PreparedSignature, SignatureBuilder, SignedCms, SignerLocation, TimeStampInfo,
    TimeStampStamper, TimeStampToken, Verifier,
};
pub use digest::{Digest, DigestAlgorithm, Hasher, digest, digest_file, digest_reader};
pub use error::{ChainPosition, DisallowedReason, Error, HttpFailure, Malformed, Object};
pub use key::{
    AlgorithmPolicy, DEFAULT_MIN_RSA_BITS, KeyType, LEGACY_MIN_RSA_BITS, PublicKey,
    SignatureAlgorithm, Signer, SoftwareSigner, check_digest_for, sign_by_digest,
};
pub use path::{
    DOCUMENT_SIGNING_EKUS, KeyPurpose, NEVER_DOCUMENT_SIGNING_EKUS, PathValidator, PolicyInputs,
    PolicySet, TrustStore, ValidatedPath, VerificationCache,
};
pub use revocation::{
    Crl, CrlStatus, CrlStore, Evidence, OcspAnswer, OcspCheck, OcspRequest, OcspResponse,
    OcspStatus, RevocationCheck, RevocationData, RevocationOutcome, RevocationPolicy,
    RevocationReason, RevocationSource, RevokedEntry,
};
pub use time::Time;
pub use tsp::{TimeStampRequest, TimeStampSource};
pub use validate::{
    Check, CheckKind, CommitmentType, Indication, Outcome, SignerReport, SubIndication, TimeSource,
    ValidationPolicy, ValidationReport, ValidationTime, Warning,
};

/// The README's code runs as documentation tests, so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
