//! Certificates, names, and the identity of who a certificate names.

mod certificate;
mod extensions;
pub(crate) mod general_name;
mod identity;
pub(crate) mod name;
pub(crate) mod strict;

pub use certificate::Certificate;
pub(crate) use extensions::PROCESSED_EXTENSIONS;
pub use extensions::{BasicConstraints, Extension, KeyUsage, PolicyConstraints};
pub use general_name::SubjectAltName;
pub(crate) use general_name::{GeneralName, NameConstraints};
pub use identity::{Identity, VnIdentifier};
pub use name::{Attribute, Name};
