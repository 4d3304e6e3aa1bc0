//! What an end-entity certificate is being validated for.

use crate::cert::{Certificate, KeyUsage};
use crate::oid;

/// The use the caller wants to make of the end-entity certificate's key; path validation
/// checks the certificate's keyUsage and extendedKeyUsage against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyPurpose {
    /// Signing documents (CMS, CAdES, PAdES): keyUsage, when present, must include
    /// digitalSignature or nonRepudiation; a certificate without keyUsage may be used for
    /// any purpose (RFC 5280 section 4.2.1.3). extendedKeyUsage is not required: Vietnamese
    /// and European signing certificates carry various ones, or none.
    DocumentSigning,
    /// Logging in with a certificate (challenge–response): keyUsage digitalSignature, and
    /// extendedKeyUsage, when present, must include clientAuth (or anyExtendedKeyUsage).
    ClientAuthentication,
    /// Signing RFC 3161 timestamps: keyUsage digitalSignature or nonRepudiation, and a
    /// critical extendedKeyUsage whose only purpose is id-kp-timeStamping (RFC 3161
    /// section 2.3).
    TimeStamping,
    /// Signing OCSP responses for a CA: extendedKeyUsage must include id-kp-OCSPSigning
    /// (RFC 6960 section 4.2.2.2).
    OcspSigning,
    /// No key-usage check on the end entity.
    Any,
}

impl KeyPurpose {
    /// Whether the certificate's key usage and extended key usage allow this purpose.
    pub fn allows(self, cert: &Certificate) -> bool {
        let ku_ok = |wanted: KeyUsage| cert.key_usage().is_none_or(|ku| ku.intersects(wanted));
        let eku = cert.extended_key_usage();
        let eku_has = |purpose: &str, required: bool| match eku {
            None => !required,
            Some(list) => list
                .iter()
                .any(|p| p == purpose || (!required && p == oid::KP_ANY)),
        };
        let signing = KeyUsage::DIGITAL_SIGNATURE.union(KeyUsage::NON_REPUDIATION);
        match self {
            KeyPurpose::DocumentSigning => ku_ok(signing),
            KeyPurpose::ClientAuthentication => {
                ku_ok(KeyUsage::DIGITAL_SIGNATURE) && eku_has(oid::KP_CLIENT_AUTH, false)
            }
            KeyPurpose::TimeStamping => {
                // RFC 3161 section 2.3: extendedKeyUsage critical, with id-kp-timeStamping as
                // its only purpose.
                let critical = cert
                    .extensions()
                    .iter()
                    .any(|e| e.oid == oid::EXT_EXTENDED_KEY_USAGE && e.critical);
                ku_ok(signing)
                    && critical
                    && eku.is_some_and(|list| list.len() == 1)
                    && eku_has(oid::KP_TIME_STAMPING, true)
            }
            KeyPurpose::OcspSigning => ku_ok(signing) && eku_has(oid::KP_OCSP_SIGNING, true),
            KeyPurpose::Any => true,
        }
    }
}

impl core::fmt::Display for KeyPurpose {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            KeyPurpose::DocumentSigning => "document signing",
            KeyPurpose::ClientAuthentication => "client authentication",
            KeyPurpose::TimeStamping => "timestamping",
            KeyPurpose::OcspSigning => "OCSP signing",
            KeyPurpose::Any => "any purpose",
        })
    }
}
