//! The verdicts of ETSI EN 319 102-1, as values (re-exported as `kyso::validate::Indication`
//! and `kyso::validate::SubIndication`).

/// The main indication of ETSI EN 319 102-1 section 5.1.3.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
// Exhaustive on purpose: EN 319 102-1 defines exactly these three main indications.
#[allow(clippy::exhaustive_enums)]
pub enum Indication {
    /// Every check passed: the signature is valid under the policy.
    TotalPassed,
    /// The available information is not enough to say (missing certificate, chain, proof of
    /// time, an algorithm or constraint the policy refuses...).
    Indeterminate,
    /// The signature is proven invalid (document changed, signature value wrong, malformed).
    TotalFailed,
}

impl Indication {
    /// The ETSI name: `TOTAL-PASSED`, `INDETERMINATE`, `TOTAL-FAILED`.
    pub fn etsi_name(self) -> &'static str {
        match self {
            Indication::TotalPassed => "TOTAL-PASSED",
            Indication::Indeterminate => "INDETERMINATE",
            Indication::TotalFailed => "TOTAL-FAILED",
        }
    }
}

impl core::fmt::Display for Indication {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.etsi_name())
    }
}

/// Serialised as its ETSI name (`TOTAL-PASSED`).
impl serde::Serialize for Indication {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.etsi_name())
    }
}

/// The sub-indications of ETSI EN 319 102-1 section 5.1.3 that kyso reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SubIndication {
    /// TOTAL-FAILED: the signature is not conformant to the format (undecodable, missing or
    /// repeated mandatory attributes, inconsistent content types).
    FormatFailure,
    /// TOTAL-FAILED: the document's hash does not match the signed message digest.
    HashFailure,
    /// TOTAL-FAILED: the signature value does not verify with the signer's key.
    SigCryptoFailure,
    /// TOTAL-FAILED: the signing certificate was revoked before the (proven) signing time.
    Revoked,
    /// TOTAL-FAILED: the signing certificate expired before the (proven) signing time.
    Expired,
    /// TOTAL-FAILED: the claimed signing time lies before the signing certificate's
    /// notBefore.
    NotYetValid,
    /// INDETERMINATE: a constraint on the signature or its attributes is not met.
    SigConstraintsFailure,
    /// INDETERMINATE: a constraint on the certificate chain is not met (CA flags, path
    /// length, key usage, critical extensions).
    ChainConstraintsFailure,
    /// INDETERMINATE: the chain could not be validated for another reason (a certificate
    /// signature does not verify, names do not chain).
    CertificateChainGeneralFailure,
    /// INDETERMINATE: an algorithm or key size is refused or unsupported.
    CryptoConstraintsFailure,
    /// INDETERMINATE: an algorithm or key size is refused, and no proof of existence before
    /// it became unreliable is available.
    CryptoConstraintsFailureNoPoe,
    /// INDETERMINATE: the signing certificate is not in the signature or among the
    /// certificates given, or does not match the signing-certificate attribute.
    NoSigningCertificateFound,
    /// INDETERMINATE: no path to a trust anchor.
    NoCertificateChainFound,
    /// INDETERMINATE: the signing certificate is revoked and there is no proof the signature
    /// existed before.
    RevokedNoPoe,
    /// INDETERMINATE: a CA certificate of the chain is revoked, without proof of existence.
    RevokedCaNoPoe,
    /// INDETERMINATE: the validation time is outside a certificate's validity period, and
    /// there is no proof the signature existed within it.
    OutOfBoundsNoPoe,
    /// INDETERMINATE: as `OutOfBoundsNoPoe`, but the certificate is known not to be revoked.
    OutOfBoundsNotRevoked,
    /// INDETERMINATE: no proof of existence is available where one is needed.
    NoPoe,
    /// INDETERMINATE: revocation information is not yet available; try later.
    TryLater,
    /// INDETERMINATE: the only revocation information was issued after the certificate
    /// expired, when a CA no longer has to list it, and nothing proves the signature
    /// existed before.
    RevocationOutOfBoundsNoPoe,
    /// INDETERMINATE: the signed data (the document) was not given.
    SignedDataNotFound,
}

impl SubIndication {
    /// The ETSI name: `HASH_FAILURE`, `OUT_OF_BOUNDS_NO_POE`...
    pub fn etsi_name(self) -> &'static str {
        use SubIndication::*;
        match self {
            FormatFailure => "FORMAT_FAILURE",
            HashFailure => "HASH_FAILURE",
            SigCryptoFailure => "SIG_CRYPTO_FAILURE",
            Revoked => "REVOKED",
            Expired => "EXPIRED",
            NotYetValid => "NOT_YET_VALID",
            SigConstraintsFailure => "SIG_CONSTRAINTS_FAILURE",
            ChainConstraintsFailure => "CHAIN_CONSTRAINTS_FAILURE",
            CertificateChainGeneralFailure => "CERTIFICATE_CHAIN_GENERAL_FAILURE",
            CryptoConstraintsFailure => "CRYPTO_CONSTRAINTS_FAILURE",
            CryptoConstraintsFailureNoPoe => "CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
            NoSigningCertificateFound => "NO_SIGNING_CERTIFICATE_FOUND",
            NoCertificateChainFound => "NO_CERTIFICATE_CHAIN_FOUND",
            RevokedNoPoe => "REVOKED_NO_POE",
            RevokedCaNoPoe => "REVOKED_CA_NO_POE",
            OutOfBoundsNoPoe => "OUT_OF_BOUNDS_NO_POE",
            OutOfBoundsNotRevoked => "OUT_OF_BOUNDS_NOT_REVOKED",
            NoPoe => "NO_POE",
            TryLater => "TRY_LATER",
            RevocationOutOfBoundsNoPoe => "REVOCATION_OUT_OF_BOUNDS_NO_POE",
            SignedDataNotFound => "SIGNED_DATA_NOT_FOUND",
        }
    }

    /// The main indication this sub-indication belongs to.
    pub fn indication(self) -> Indication {
        use SubIndication::*;
        match self {
            FormatFailure | HashFailure | SigCryptoFailure | Revoked | Expired | NotYetValid => {
                Indication::TotalFailed
            }
            _ => Indication::Indeterminate,
        }
    }
}

impl core::fmt::Display for SubIndication {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.etsi_name())
    }
}

/// Serialised as its ETSI name (`HASH_FAILURE`).
impl serde::Serialize for SubIndication {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.etsi_name())
    }
}
