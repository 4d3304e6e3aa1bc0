//! # kyso: electronic identity and digital signatures for government systems
//!
//! kyso ("ký số": to sign digitally) is a memory-safe library that signs documents as
//! CMS/CAdES, validates signatures into an ETSI EN 319 102-1 report (X.509 path validation
//! per RFC 5280, CRL and OCSP revocation, RFC 3161 timestamps), and checks chip ID cards and
//! passports (ICAO 9303 passive authentication).
//!
//! Verifying a signed document, with the revocation of its certificates:
//!
//! ```
//! use kyso::revocation::Crl;
//! use kyso::{CrlStore, Indication, Revocation, SignedCms, Time, TrustContext, TrustStore};
//! use kyso::{ValidationPolicy, Verifier};
//!
//! let anchors = TrustStore::from_pem(&std::fs::read("test-vectors/pki/root-ca.pem")?)?;
//! let crls = CrlStore::from_crls([
//!     Crl::from_file("test-vectors/revocation/signing-ca.crl")?,
//!     Crl::from_file("test-vectors/revocation/root.crl")?,
//! ]);
//! let signature =
//!     SignedCms::parse(&std::fs::read("test-vectors/cms/openssl-rsa2048-detached.p7s")?)?;
//! let document = std::fs::read("test-vectors/documents/cong-van.txt")?;
//!
//! // What to trust, and a choice about revocation: here, required.
//! let context = TrustContext::new(&anchors, Revocation::Required(&crls));
//! let policy = ValidationPolicy::at(Time::from_utc(2026, 6, 1, 0, 0, 0)?);
//! let report = Verifier::new(&context, policy).verify(&signature, Some(&document));
//! assert_eq!(report.indication(), Indication::TotalPassed);
//! let who = report.signers.first().and_then(|s| s.identity.as_ref());
//! assert_eq!(who.and_then(|w| w.cccd()), Some("001085012345"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The crate root holds that paved path: [`Verifier`], [`SignedCms`], [`ValidationPolicy`]
//! and the report types, [`SignatureBuilder`] with [`Signer`] and [`SoftwareSigner`],
//! [`TrustContext`] with its [`Revocation`] choice, [`TrustStore`], [`PathValidator`],
//! [`CrlStore`], [`Time`] and [`Error`]. Everything else is in the module named after its concept: [`cert`]
//! (certificates, names, identities), [`key`] (algorithms, keys, the algorithm policy),
//! [`digest`], [`path`], [`revocation`] (CRLs, OCSP), [`tsp`] (timestamp requests and
//! sources), [`cms`] (signatures, timestamp tokens), [`validate`] (reports and policy),
//! [`error`], [`eid`] (chip documents, certificate login), [`limits`], and with their
//! features `http` and `pkcs11`.
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

mod ber;
mod budget;
pub mod cert;
pub mod cms;
pub mod digest;
pub mod eid;
pub mod error;
#[cfg(feature = "http")]
pub mod http;
pub mod key;
pub mod limits;
#[cfg(test)]
mod mutations;
pub mod oid;
pub mod path;
pub mod pdf;
mod pem;
#[cfg(feature = "pkcs11")]
pub mod pkcs11;
pub mod revocation;
mod time;
mod tlv;
pub mod tsp;
pub mod validate;
mod vocabulary;
pub mod xml;

// The paved path: what verifying and signing a document needs. Everything else is in the
// public module named after its concept (`kyso::cert`, `kyso::revocation`, `kyso::key`...).
pub use cert::Certificate;
pub use cms::{SignatureBuilder, SignedCms, Verifier};
pub use error::Error;
pub use key::{Signer, SoftwareSigner};
pub use path::{KeyPurpose, PathValidator, Revocation, TrustContext, TrustStore};
pub use revocation::{CrlStore, RevocationSource};
pub use time::Time;
pub use validate::{
    Indication, SignerReport, SubIndication, ValidationPolicy, ValidationReport, Warning,
};

/// The README's code runs as documentation tests, so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
