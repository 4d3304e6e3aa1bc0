//! Electronic identity documents: the data of chip ID cards and passports (ICAO Doc 9303).
//!
//! - [`Mrz`]: the machine-readable zone (TD1, TD2, TD3) with every check digit, and DG1;
//! - [`Dg13`]: the national personal data of Vietnam's chip ID card (CCCD).
//!
//! Every parser here takes data read from a chip, that is, from outside: each is bounded
//! and returns a typed error on anything it cannot read.

mod dg13;
mod mrz;
pub(crate) mod tlv;

pub use dg13::{Dg13, Dg13Field};
pub use mrz::{Mrz, MrzFormat, check_digit};
