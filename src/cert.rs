//! Certificates, names, and the identity of who a certificate names.

mod certificate;
pub(crate) mod general_name;
mod identity;
pub(crate) mod name;
mod strict;

pub(crate) use certificate::PROCESSED_EXTENSIONS;
pub use certificate::{BasicConstraints, Certificate, Extension, KeyUsage, PolicyConstraints};
pub(crate) use general_name::{GeneralName, NameConstraints};
pub use identity::{Identity, VnIdentifier};
pub use name::{Attribute, Name};
