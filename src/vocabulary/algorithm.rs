//! The algorithms kyso names: hashes, signature algorithms and key types, as values.
//!
//! They are defined here, below `error`, so that errors and reports can name them without
//! pointing up the layers; what reads or writes them (AlgorithmIdentifiers, the policy,
//! hashing) lives in `digest` and `key`, which re-export them (`kyso::digest::DigestAlgorithm`,
//! `kyso::key::SignatureAlgorithm`, `kyso::key::KeyType`).

use der::asn1::ObjectIdentifier;

use crate::oid::{self, Oid};

/// A hash algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// SHA-1. Broken for collision resistance: kyso uses it only to verify legacy data
    /// (old signatures, OCSP CertIDs, ICAO documents) and never to create signatures.
    Sha1,
    /// SHA-256 (FIPS 180-4).
    Sha256,
    /// SHA-384 (FIPS 180-4).
    Sha384,
    /// SHA-512 (FIPS 180-4).
    Sha512,
    /// SHA3-256 (FIPS 202).
    Sha3_256,
    /// SHA3-384 (FIPS 202).
    Sha3_384,
    /// SHA3-512 (FIPS 202).
    Sha3_512,
}

impl DigestAlgorithm {
    /// Every algorithm, strongest last.
    pub const ALL: [DigestAlgorithm; 7] = [
        DigestAlgorithm::Sha1,
        DigestAlgorithm::Sha256,
        DigestAlgorithm::Sha384,
        DigestAlgorithm::Sha512,
        DigestAlgorithm::Sha3_256,
        DigestAlgorithm::Sha3_384,
        DigestAlgorithm::Sha3_512,
    ];

    /// The algorithm's object identifier (RFC 5754 section 2, FIPS 180-4).
    pub fn oid(self) -> Oid {
        Oid::from_der(&self.der_oid())
    }

    /// The algorithm's object identifier, for encoding.
    pub(crate) fn der_oid(self) -> ObjectIdentifier {
        match self {
            DigestAlgorithm::Sha1 => oid::SHA1,
            DigestAlgorithm::Sha256 => oid::SHA256,
            DigestAlgorithm::Sha384 => oid::SHA384,
            DigestAlgorithm::Sha512 => oid::SHA512,
            DigestAlgorithm::Sha3_256 => oid::SHA3_256,
            DigestAlgorithm::Sha3_384 => oid::SHA3_384,
            DigestAlgorithm::Sha3_512 => oid::SHA3_512,
        }
    }

    /// Length of the hash value in bytes.
    pub fn output_len(self) -> usize {
        match self {
            DigestAlgorithm::Sha1 => 20,
            DigestAlgorithm::Sha256 | DigestAlgorithm::Sha3_256 => 32,
            DigestAlgorithm::Sha384 | DigestAlgorithm::Sha3_384 => 48,
            DigestAlgorithm::Sha512 | DigestAlgorithm::Sha3_512 => 64,
        }
    }

    /// The name used in standards: `SHA-256`.
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "SHA-1",
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sha384 => "SHA-384",
            DigestAlgorithm::Sha512 => "SHA-512",
            DigestAlgorithm::Sha3_256 => "SHA3-256",
            DigestAlgorithm::Sha3_384 => "SHA3-384",
            DigestAlgorithm::Sha3_512 => "SHA3-512",
        }
    }

    /// Whether the algorithm is kept only to verify old data.
    pub fn is_legacy(self) -> bool {
        self == DigestAlgorithm::Sha1
    }

    /// ring's implementation, for the SHA-1 and SHA-2 family (SHA-3 is the `sha3` crate's).
    pub(crate) fn ring(self) -> Option<&'static ring::digest::Algorithm> {
        match self {
            DigestAlgorithm::Sha1 => Some(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY),
            DigestAlgorithm::Sha256 => Some(&ring::digest::SHA256),
            DigestAlgorithm::Sha384 => Some(&ring::digest::SHA384),
            DigestAlgorithm::Sha512 => Some(&ring::digest::SHA512),
            DigestAlgorithm::Sha3_256 | DigestAlgorithm::Sha3_384 | DigestAlgorithm::Sha3_512 => {
                None
            }
        }
    }
}

/// Serialised as its name ([`DigestAlgorithm::name`]).
impl serde::Serialize for DigestAlgorithm {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl core::fmt::Display for DigestAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// A signature algorithm: key type, padding or curve, and hash.
///
/// ECDSA algorithm identifiers (RFC 5758) name only the hash; the curve comes from the key.
/// kyso therefore resolves an identifier together with the key that is to verify
/// ([`SignatureAlgorithm::from_algorithm_identifier_der`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// RSA PKCS#1 v1.5 with SHA-1: verification of legacy data only, and only under
    /// [`AlgorithmPolicy::allow_sha1_for_legacy_use_only`](crate::key::AlgorithmPolicy::allow_sha1_for_legacy_use_only).
    RsaPkcs1Sha1ForLegacyUseOnly,
    /// RSA PKCS#1 v1.5 with SHA-256 (`sha256WithRSAEncryption`).
    RsaPkcs1Sha256,
    /// RSA PKCS#1 v1.5 with SHA-384.
    RsaPkcs1Sha384,
    /// RSA PKCS#1 v1.5 with SHA-512.
    RsaPkcs1Sha512,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt.
    RsaPssSha256,
    /// RSASSA-PSS with SHA-384, MGF1-SHA-384, 48-byte salt.
    RsaPssSha384,
    /// RSASSA-PSS with SHA-512, MGF1-SHA-512, 64-byte salt.
    RsaPssSha512,
    /// ECDSA over P-256 with SHA-256, DER signature.
    EcdsaP256Sha256,
    /// ECDSA over P-256 with SHA-384 (verification).
    EcdsaP256Sha384,
    /// ECDSA over P-384 with SHA-256 (verification).
    EcdsaP384Sha256,
    /// ECDSA over P-384 with SHA-384, DER signature.
    EcdsaP384Sha384,
    /// Ed25519 (RFC 8032, pure).
    Ed25519,
    /// ECDSA with a curve and hash ring does not offer together (P-521 and the brainpool
    /// curves of RFC 5639 with any hash; P-256 and P-384 with SHA-1 or SHA-512), as
    /// passports and ID cards use; DER signature, verified by kyso's own prime-field ECDSA
    /// verifier. Verification only.
    Ecdsa {
        /// The curve, as the key's type.
        key: KeyType,
        /// The hash.
        digest: DigestAlgorithm,
    },
    /// ECDSA with the signature as the plain concatenation r‖s of two integers of the
    /// curve's field length (BSI TR-03111 section 5.2.1, `ecdsa-plain-*`), as German eIDs
    /// and signature cards write it. Verification only.
    EcdsaPlain {
        /// The curve, as the key's type.
        key: KeyType,
        /// The hash.
        digest: DigestAlgorithm,
    },
    /// RSA PKCS#1 v1.5 with a hash ring does not offer with it (SHA3-256, SHA3-384,
    /// SHA3-512; RFC 8702 has no SHA-3 identifiers for RSA, NIST CSOR does), verified by
    /// kyso's RSA verifier. Verification only.
    RsaPkcs1 {
        /// The hash.
        digest: DigestAlgorithm,
    },
    /// RSASSA-PSS with parameters other than those of [`SignatureAlgorithm::RsaPssSha256`]
    /// and its siblings (RFC 4055, RFC 8017 section 9.1): any supported hash, MGF1 over any
    /// supported hash, any salt length, verified by kyso's RSA verifier. Verification only.
    RsaPss {
        /// The message hash.
        digest: DigestAlgorithm,
        /// The hash MGF1 uses.
        mgf1_digest: DigestAlgorithm,
        /// The salt length in octets.
        salt_len: u16,
    },
    /// DSA (FIPS 186-4; RFC 3279 and RFC 5758 identifiers) with SHA-1 or SHA-256, for
    /// legacy data only: accepted only under
    /// [`AlgorithmPolicy::allow_dsa_for_legacy_use_only`](crate::key::AlgorithmPolicy::allow_dsa_for_legacy_use_only).
    /// Verification only.
    DsaForLegacyUseOnly {
        /// The hash.
        digest: DigestAlgorithm,
    },
}

impl SignatureAlgorithm {
    /// The hash the algorithm applies to the message, if it has a separate one
    /// (Ed25519 does not).
    pub fn digest_algorithm(self) -> Option<DigestAlgorithm> {
        use SignatureAlgorithm::*;
        match self {
            RsaPkcs1Sha1ForLegacyUseOnly => Some(DigestAlgorithm::Sha1),
            RsaPkcs1Sha256 | RsaPssSha256 | EcdsaP256Sha256 | EcdsaP384Sha256 => {
                Some(DigestAlgorithm::Sha256)
            }
            RsaPkcs1Sha384 | RsaPssSha384 | EcdsaP256Sha384 | EcdsaP384Sha384 => {
                Some(DigestAlgorithm::Sha384)
            }
            RsaPkcs1Sha512 | RsaPssSha512 => Some(DigestAlgorithm::Sha512),
            Ed25519 => None,
            Ecdsa { digest, .. }
            | EcdsaPlain { digest, .. }
            | RsaPkcs1 { digest }
            | RsaPss { digest, .. }
            | DsaForLegacyUseOnly { digest } => Some(digest),
        }
    }

    /// The kind of key the algorithm needs.
    pub fn key_type(self) -> KeyType {
        use SignatureAlgorithm::*;
        match self {
            RsaPkcs1Sha1ForLegacyUseOnly
            | RsaPkcs1Sha256
            | RsaPkcs1Sha384
            | RsaPkcs1Sha512
            | RsaPssSha256
            | RsaPssSha384
            | RsaPssSha512
            | RsaPkcs1 { .. }
            | RsaPss { .. } => KeyType::Rsa,
            EcdsaP256Sha256 | EcdsaP256Sha384 => KeyType::EcP256,
            EcdsaP384Sha256 | EcdsaP384Sha384 => KeyType::EcP384,
            Ed25519 => KeyType::Ed25519,
            Ecdsa { key, .. } | EcdsaPlain { key, .. } => key,
            DsaForLegacyUseOnly { .. } => KeyType::Dsa,
        }
    }

    /// Whether kyso may create signatures with this algorithm (SHA-1 only verifies).
    pub fn can_sign(self) -> bool {
        use SignatureAlgorithm::*;
        !matches!(
            self,
            RsaPkcs1Sha1ForLegacyUseOnly
                | Ecdsa { .. }
                | EcdsaPlain { .. }
                | RsaPkcs1 { .. }
                | RsaPss { .. }
                | DsaForLegacyUseOnly { .. }
        )
    }

    /// A short name as standards write it: `RSA PKCS#1 v1.5 with SHA-256`, `ECDSA
    /// brainpoolP256r1 with SHA-256`, `RSASSA-PSS with SHA-256, MGF1 SHA-1, salt 20`.
    pub fn name(self) -> String {
        self.to_string()
    }
}

/// Serialised as its name ([`SignatureAlgorithm::name`]).
impl serde::Serialize for SignatureAlgorithm {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl core::fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        use DigestAlgorithm::*;
        use SignatureAlgorithm::*;
        match *self {
            RsaPkcs1Sha1ForLegacyUseOnly => write!(f, "RSA PKCS#1 v1.5 with {Sha1}"),
            RsaPkcs1Sha256 => write!(f, "RSA PKCS#1 v1.5 with {Sha256}"),
            RsaPkcs1Sha384 => write!(f, "RSA PKCS#1 v1.5 with {Sha384}"),
            RsaPkcs1Sha512 => write!(f, "RSA PKCS#1 v1.5 with {Sha512}"),
            RsaPkcs1 { digest } => write!(f, "RSA PKCS#1 v1.5 with {digest}"),
            RsaPssSha256 => write!(f, "RSASSA-PSS with {Sha256}"),
            RsaPssSha384 => write!(f, "RSASSA-PSS with {Sha384}"),
            RsaPssSha512 => write!(f, "RSASSA-PSS with {Sha512}"),
            RsaPss {
                digest,
                mgf1_digest,
                salt_len,
            } => write!(
                f,
                "RSASSA-PSS with {digest}, MGF1 {mgf1_digest}, salt {salt_len}"
            ),
            EcdsaP256Sha256 => write!(f, "ECDSA {} with {Sha256}", KeyType::EcP256.curve_name()),
            EcdsaP256Sha384 => write!(f, "ECDSA {} with {Sha384}", KeyType::EcP256.curve_name()),
            EcdsaP384Sha256 => write!(f, "ECDSA {} with {Sha256}", KeyType::EcP384.curve_name()),
            EcdsaP384Sha384 => write!(f, "ECDSA {} with {Sha384}", KeyType::EcP384.curve_name()),
            Ed25519 => f.write_str("Ed25519"),
            Ecdsa { key, digest } => write!(f, "ECDSA {} with {digest}", key.curve_name()),
            EcdsaPlain { key, digest } => {
                write!(f, "ECDSA {} with {digest}, plain r||s", key.curve_name())
            }
            DsaForLegacyUseOnly { digest } => write!(f, "DSA with {digest}"),
        }
    }
}

/// The kinds of public key kyso can verify with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum KeyType {
    /// RSA (any size; the policy decides what is acceptable).
    Rsa,
    /// ECDSA over NIST P-256 (secp256r1).
    EcP256,
    /// ECDSA over NIST P-384 (secp384r1).
    EcP384,
    /// Ed25519.
    Ed25519,
    /// ECDSA over NIST P-521 (secp521r1), verified by kyso's prime-field ECDSA verifier.
    EcP521,
    /// ECDSA over brainpoolP256r1 (RFC 5639).
    EcBrainpoolP256r1,
    /// ECDSA over brainpoolP384r1 (RFC 5639).
    EcBrainpoolP384r1,
    /// ECDSA over brainpoolP512r1 (RFC 5639), as Vietnam's CSCA uses.
    EcBrainpoolP512r1,
    /// DSA (FIPS 186-4), for legacy data only.
    Dsa,
}

impl KeyType {
    /// The curve's name for an EC key type (`P-256`, `brainpoolP256r1`), else the type's.
    fn curve_name(self) -> &'static str {
        match self {
            KeyType::Rsa => "RSA",
            KeyType::EcP256 => "P-256",
            KeyType::EcP384 => "P-384",
            KeyType::Ed25519 => "Ed25519",
            KeyType::EcP521 => "P-521",
            KeyType::EcBrainpoolP256r1 => "brainpoolP256r1",
            KeyType::EcBrainpoolP384r1 => "brainpoolP384r1",
            KeyType::EcBrainpoolP512r1 => "brainpoolP512r1",
            KeyType::Dsa => "DSA",
        }
    }
}

impl core::fmt::Display for KeyType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            KeyType::Rsa => "RSA",
            KeyType::EcP256 => "ECDSA P-256",
            KeyType::EcP384 => "ECDSA P-384",
            KeyType::Ed25519 => "Ed25519",
            KeyType::EcP521 => "ECDSA P-521",
            KeyType::EcBrainpoolP256r1 => "ECDSA brainpoolP256r1",
            KeyType::EcBrainpoolP384r1 => "ECDSA brainpoolP384r1",
            KeyType::EcBrainpoolP512r1 => "ECDSA brainpoolP512r1",
            KeyType::Dsa => "DSA",
        })
    }
}
