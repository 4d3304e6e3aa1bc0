//! Electronic identity documents: the data of chip ID cards and passports (ICAO Doc 9303).
//!
//! - [`Mrz`]: the machine-readable zone (TD1, TD2, TD3) with every check digit, and DG1;
//! - [`Dg13`]: the national personal data of Vietnam's chip ID card (CCCD);
//! - [`Sod`] and [`PassiveAuth`]: passive authentication (ICAO 9303 part 11): the data
//!   groups hash to the Document Security Object, signed by a Document Signer that chains
//!   to a CSCA; [`master_list_certificates`] reads CSCA master lists;
//! - [`LoginVerifier`]: certificate login by challenge and response (Web eID style).
//!
//! Every parser here takes data read from a chip, that is, from outside: each is bounded
//! and returns a typed error on anything it cannot read.

mod challenge;
mod dg13;
mod mrtd;
mod mrz;
pub(crate) mod tlv;

pub use challenge::{
    Challenge, InMemoryNonceStore, LoginResponse, LoginVerifier, NonceStore, VerifiedIdentity,
    login_data_to_sign,
};
pub use dg13::{Dg13, Dg13Field};
pub use mrtd::{
    DataGroupResult, DataGroupStatus, PassiveAuth, PassiveAuthReport, PassiveAuthVerdict, Sod,
    master_list_certificates,
};
pub use mrz::{Mrz, MrzFormat, check_digit};
