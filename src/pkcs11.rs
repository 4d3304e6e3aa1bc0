//! Signing with keys on PKCS#11 tokens (USB tokens, smart cards, HSMs) through the
//! `cryptoki` crate. Feature `pkcs11`.
//!
//! ```no_run
//! use kyso::pkcs11::{KeySelector, Pkcs11Module, TokenSelector};
//! use kyso::{SignatureBuilder, Signer, Time};
//!
//! let module = Pkcs11Module::load("/usr/lib/softhsm/libsofthsm2.so")?;
//! let token = module.open(&TokenSelector::Label("kyso-test".into()), "123456")?;
//! let signer = token.signer(&KeySelector::Label("rsa".into()), None)?;
//! let signature = SignatureBuilder::new(signer.certificate().clone(), Time::now())
//!     .sign(b"document", &signer)?;
//! # Ok::<(), kyso::Error>(())
//! ```
//!
//! The PIN is handed to the token once, at login, from a buffer that is wiped when dropped;
//! kyso keeps no copy. One logged-in session per token is shared by its signers behind a
//! mutex, so a [`Pkcs11Signer`] is `Send + Sync` and signs from any thread, one signature at
//! a time (tokens serialise operations anyway).

mod error;
mod mechanism;
mod module;
mod signer;
mod token;

pub use module::{Pkcs11Module, TokenDescription, TokenSelector};
pub use signer::Pkcs11Signer;
pub use token::{KeySelector, Pkcs11Token, TokenKey};
