//! The use a caller wants to make of a certificate's key, as a value (the checks are in
//! `path::purpose`, which re-exports it as `kyso::path::KeyPurpose`).

/// The use the caller wants to make of the end-entity certificate's key; path validation
/// checks the certificate's keyUsage and extendedKeyUsage against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyPurpose {
    /// Signing documents (CMS, CAdES, PAdES): keyUsage, when present, must include
    /// digitalSignature or nonRepudiation (a certificate without keyUsage may be used for
    /// any purpose, RFC 5280 section 4.2.1.3); extendedKeyUsage, when present, must include
    /// one of [`DOCUMENT_SIGNING_EKUS`](crate::path::DOCUMENT_SIGNING_EKUS) or a purpose the caller added, and none of
    /// [`NEVER_DOCUMENT_SIGNING_EKUS`](crate::path::NEVER_DOCUMENT_SIGNING_EKUS).
    DocumentSigning,
    /// Logging in with a certificate (challenge–response, TLS client): keyUsage, when
    /// present, must include digitalSignature, and extendedKeyUsage, when present, must
    /// include id-kp-clientAuth itself (anyExtendedKeyUsage does not stand for it). A
    /// certificate without extendedKeyUsage passes: RFC 5280 section 4.2.1.12 puts no
    /// restriction on its key then.
    ClientAuthentication,
    /// Being a TLS server: keyUsage, when present, must include digitalSignature,
    /// keyEncipherment or keyAgreement, and extendedKeyUsage, when present, must include
    /// id-kp-serverAuth itself (anyExtendedKeyUsage does not stand for it). Which names the
    /// certificate is valid for is checked apart
    /// ([`ValidatedPath::check_dns_name`](crate::path::ValidatedPath::check_dns_name)).
    ServerAuthentication,
    /// Signing RFC 3161 timestamps: keyUsage digitalSignature or nonRepudiation, and a
    /// critical extendedKeyUsage whose only purpose is id-kp-timeStamping (RFC 3161
    /// section 2.3).
    TimeStamping,
    /// Signing OCSP responses for a CA: extendedKeyUsage must include id-kp-OCSPSigning
    /// (RFC 6960 section 4.2.2.2) itself.
    OcspSigning,
    /// Signing CSCA master lists (ICAO Doc 9303 part 12): keyUsage, when present, must
    /// include digitalSignature, and extendedKeyUsage must be present and include
    /// id-icao-cscaMasterListSigningKey (2.23.136.1.1.3), so that no other key of a state's
    /// PKI (a Document Signer's, say) can put certificates on the list.
    MasterListSigning,
    /// No key-usage check on the end entity.
    Any,
}

impl core::fmt::Display for KeyPurpose {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            KeyPurpose::DocumentSigning => "document signing",
            KeyPurpose::ClientAuthentication => "client authentication",
            KeyPurpose::ServerAuthentication => "server authentication",
            KeyPurpose::TimeStamping => "timestamping",
            KeyPurpose::OcspSigning => "OCSP signing",
            KeyPurpose::MasterListSigning => "master list signing",
            KeyPurpose::Any => "any purpose",
        })
    }
}
