//! Electronic identity documents: the data of chip ID cards and passports (ICAO Doc 9303).
//!
//! - [`Mrz`]: the machine-readable zone (TD1, TD2, TD3) with every check digit, and DG1;
//! - [`Dg13`]: the national personal data of Vietnam's chip ID card (CCCD);
//! - [`Sod`] and [`PassiveAuth`]: passive authentication (ICAO 9303 part 11): the data
//!   groups hash to the Document Security Object, signed by a Document Signer that chains
//!   to a CSCA, bound to the document's issuing state; [`verify_master_list`] verifies a
//!   CSCA master list against its publisher's CSCA and returns the CSCAs on it;
//! - [`LoginVerifier`]: certificate login by challenge and response (Web eID style).
//!
//! Every parser here takes data read from a chip, that is, from outside: each is bounded
//! and returns a typed error on anything it cannot read.

mod challenge;
mod dg13;
mod mrtd;
mod mrz;
mod state;

pub use challenge::{
    Challenge, InMemoryNonceStore, LoginResponse, LoginVerifier, NonceStore, VerifiedIdentity,
    login_data_to_sign,
};
pub use dg13::{Dg13, Dg13Field};
pub use mrtd::{
    DataGroupResult, DataGroupStatus, IssuingStateCheck, MasterList, PassiveAuth,
    PassiveAuthReport, PassiveAuthVerdict, Sod, master_list_certificates_unverified,
    verify_master_list,
};
pub use mrz::{Mrz, MrzFormat, check_digit};
pub use state::issuing_state_country;
