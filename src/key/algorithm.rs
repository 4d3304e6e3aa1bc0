//! Signature algorithms, their DER `AlgorithmIdentifier`s, and the policy that says which
//! ones are acceptable.

use crate::error::SignatureError;
use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Encode};

use crate::digest::DigestAlgorithm;
use crate::error::{DisallowedReason, Error, Object};
use crate::key::public_key::{KeyType, PublicKey};
use crate::limits::MAX_RSA_BITS;
use crate::oid::{self, Oid};
pub use crate::vocabulary::SignatureAlgorithm;

impl SignatureAlgorithm {
    /// The DER `AlgorithmIdentifier` to write in a certificate or a CMS SignerInfo:
    /// RSA PKCS#1 with NULL parameters (RFC 8017 appendix A.2.4), RSASSA-PSS with explicit
    /// parameters (RFC 4055 section 3.1), ECDSA and Ed25519 without parameters (RFC 5758
    /// section 3.2, RFC 8410 section 3).
    ///
    /// ```
    /// use kyso::key::SignatureAlgorithm;
    /// let der = SignatureAlgorithm::EcdsaP256Sha256.algorithm_identifier_der();
    /// assert_eq!(der, [0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);
    /// ```
    pub fn algorithm_identifier_der(self) -> Vec<u8> {
        use SignatureAlgorithm::*;
        let (oid, params): (ObjectIdentifier, Option<Vec<u8>>) = match self {
            RsaPkcs1Sha1ForLegacyUseOnly => (oid::SHA1_WITH_RSA, Some(NULL_DER.to_vec())),
            RsaPkcs1Sha256 => (oid::SHA256_WITH_RSA, Some(NULL_DER.to_vec())),
            RsaPkcs1Sha384 => (oid::SHA384_WITH_RSA, Some(NULL_DER.to_vec())),
            RsaPkcs1Sha512 => (oid::SHA512_WITH_RSA, Some(NULL_DER.to_vec())),
            RsaPssSha256 | RsaPssSha384 | RsaPssSha512 => {
                let hash = self.digest_algorithm().unwrap_or(DigestAlgorithm::Sha256);
                (oid::RSASSA_PSS, Some(pss_params_der(hash)))
            }
            EcdsaP256Sha256 | EcdsaP384Sha256 => (oid::ECDSA_WITH_SHA256, None),
            EcdsaP256Sha384 | EcdsaP384Sha384 => (oid::ECDSA_WITH_SHA384, None),
            Ed25519 => (oid::ED25519, None),
            Ecdsa { digest, .. } => (ecdsa_oid(digest), None),
        };
        let params_any = params.as_deref().and_then(|p| AnyRef::try_from(p).ok());
        let ai = spki::AlgorithmIdentifierRef {
            oid,
            parameters: params_any,
        };
        // Encoding a fixed, well-formed structure cannot fail.
        ai.to_der().unwrap_or_default()
    }

    /// The algorithm a DER `AlgorithmIdentifier` names, for verification with `key`.
    ///
    /// The key decides the curve for ECDSA and is checked against the identifier: an RSA
    /// identifier with an EC key is [`SignatureError::AlgorithmKeyMismatch`].
    ///
    /// # Errors
    ///
    /// - [`EncodingError::Malformed`](crate::error::EncodingError::Malformed) with [`Object::AlgorithmIdentifier`]: the input is not a DER
    ///   `AlgorithmIdentifier`, or its RSASSA-PSS parameters do not decode
    ///   ([`Malformed::InvalidDer`](crate::error::Malformed::InvalidDer)); or its parameters are not
    ///   those the algorithm takes: other than NULL or absent for RSA PKCS#1 v1.5 (RFC 8017
    ///   appendix A.2.4), present for ECDSA (RFC 5758 section 3.2) or Ed25519 (RFC 8410
    ///   section 3) ([`Malformed::InvalidValue`](crate::error::Malformed::InvalidValue)).
    /// - [`SignatureError::UnsupportedPssParameters`] for RSASSA-PSS without parameters, or with
    ///   parameters other than SHA-256, SHA-384 or SHA-512 with MGF1 over the same hash, a
    ///   salt as long as the hash and trailer field 1.
    /// - [`SignatureError::UnsupportedAlgorithm`] if the OID names no signature algorithm kyso
    ///   implements.
    /// - [`SignatureError::AlgorithmKeyMismatch`] if the algorithm needs another type of key than
    ///   `key`.
    pub fn from_algorithm_identifier_der(der_bytes: &[u8], key: &PublicKey) -> Result<Self, Error> {
        let ai = spki::AlgorithmIdentifierRef::from_der(der_bytes)
            .map_err(|_| Error::invalid_der(Object::AlgorithmIdentifier))?;
        Self::from_parts(&ai.oid, ai.parameters, key.key_type())
    }

    pub(crate) fn from_parts(
        alg: &ObjectIdentifier,
        params: Option<AnyRef<'_>>,
        key: KeyType,
    ) -> Result<Self, Error> {
        use SignatureAlgorithm::*;
        let null_or_absent = params.is_none_or(|p| p.is_null());
        let bad_params = || {
            Error::malformed(
                Object::AlgorithmIdentifier,
                crate::error::Malformed::InvalidValue {
                    field: "parameters",
                },
            )
        };
        let found = if *alg == oid::SHA256_WITH_RSA {
            null_or_absent.then_some(RsaPkcs1Sha256)
        } else if *alg == oid::SHA384_WITH_RSA {
            null_or_absent.then_some(RsaPkcs1Sha384)
        } else if *alg == oid::SHA512_WITH_RSA {
            null_or_absent.then_some(RsaPkcs1Sha512)
        } else if *alg == oid::SHA1_WITH_RSA {
            null_or_absent.then_some(RsaPkcs1Sha1ForLegacyUseOnly)
        } else if *alg == oid::RSASSA_PSS {
            Some(parse_pss_params(params.ok_or(Error::Signature(
                SignatureError::UnsupportedPssParameters,
            ))?)?)
        } else if let Some(digest) = ecdsa_digest(alg) {
            if params.is_some() {
                return Err(bad_params());
            }
            Some(match (key, digest) {
                (KeyType::EcP256, DigestAlgorithm::Sha256) => EcdsaP256Sha256,
                (KeyType::EcP256, DigestAlgorithm::Sha384) => EcdsaP256Sha384,
                (KeyType::EcP384, DigestAlgorithm::Sha256) => EcdsaP384Sha256,
                (KeyType::EcP384, DigestAlgorithm::Sha384) => EcdsaP384Sha384,
                (k, digest) if k.curve().is_some() => Ecdsa { key: k, digest },
                // Not an EC key: reported as a mismatch below.
                (_, digest) => Ecdsa {
                    key: KeyType::EcP256,
                    digest,
                },
            })
        } else if *alg == oid::ED25519 {
            if params.is_some() {
                return Err(bad_params());
            }
            Some(Ed25519)
        } else {
            return Err(Error::Signature(SignatureError::UnsupportedAlgorithm {
                oid: Oid::from_der(alg),
            }));
        };
        let found = found.ok_or_else(bad_params)?;
        if found.key_type() != key {
            return Err(Error::Signature(SignatureError::AlgorithmKeyMismatch {
                algorithm: found,
            }));
        }
        Ok(found)
    }
}

const NULL_DER: [u8; 2] = [0x05, 0x00];

/// The hash an ecdsa-with-SHA* identifier names (RFC 5758 section 3.2, RFC 3279).
fn ecdsa_digest(alg: &ObjectIdentifier) -> Option<DigestAlgorithm> {
    if *alg == oid::ECDSA_WITH_SHA256 {
        Some(DigestAlgorithm::Sha256)
    } else if *alg == oid::ECDSA_WITH_SHA384 {
        Some(DigestAlgorithm::Sha384)
    } else if *alg == oid::ECDSA_WITH_SHA512 {
        Some(DigestAlgorithm::Sha512)
    } else if *alg == oid::ECDSA_WITH_SHA1 {
        Some(DigestAlgorithm::Sha1)
    } else {
        None
    }
}

fn ecdsa_oid(digest: DigestAlgorithm) -> ObjectIdentifier {
    match digest {
        DigestAlgorithm::Sha1 => oid::ECDSA_WITH_SHA1,
        DigestAlgorithm::Sha256 => oid::ECDSA_WITH_SHA256,
        DigestAlgorithm::Sha384 => oid::ECDSA_WITH_SHA384,
        DigestAlgorithm::Sha512 => oid::ECDSA_WITH_SHA512,
    }
}

/// RSASSA-PSS-params with the hash, MGF1 over the same hash, and a salt as long as the hash.
fn pss_params_der(hash: DigestAlgorithm) -> Vec<u8> {
    let hash_ai = spki::AlgorithmIdentifierRef {
        oid: hash.der_oid(),
        parameters: Some(AnyRef::NULL),
    };
    let params = pkcs1::RsaPssParamsRef {
        hash: hash_ai,
        mask_gen: spki::AlgorithmIdentifier {
            oid: oid::MGF1,
            parameters: Some(hash_ai),
        },
        salt_len: u8::try_from(hash.output_len()).unwrap_or(32),
        trailer_field: pkcs1::TrailerField::BC,
    };
    params.to_der().unwrap_or_default()
}

/// Accepts only the PSS parameter sets `ring` verifies: hash SHA-256/384/512, MGF1 with the
/// same hash, salt length equal to the hash length, trailer field 1.
fn parse_pss_params(params: AnyRef<'_>) -> Result<SignatureAlgorithm, Error> {
    let der_bytes = params
        .to_der()
        .map_err(|_| Error::invalid_der(Object::AlgorithmIdentifier))?;
    let p = pkcs1::RsaPssParams::<der::asn1::Any>::from_der(&der_bytes)
        .map_err(|_| Error::invalid_der(Object::AlgorithmIdentifier))?;
    let hash = DigestAlgorithm::from_der_oid(&p.hash.oid)
        .map_err(|_| Error::Signature(SignatureError::UnsupportedPssParameters))?;
    let hash_params_ok = p.hash.parameters.as_ref().is_none_or(|a| a.is_null());
    let mgf_ok = p.mask_gen.oid == oid::MGF1
        && p.mask_gen.parameters.as_ref().is_some_and(|m| {
            m.oid == p.hash.oid && m.parameters.as_ref().is_none_or(|a| a.is_null())
        });
    let salt_ok = usize::from(p.salt_len) == hash.output_len();
    if !(hash_params_ok && mgf_ok && salt_ok && p.trailer_field == pkcs1::TrailerField::BC) {
        return Err(Error::Signature(SignatureError::UnsupportedPssParameters));
    }
    match hash {
        DigestAlgorithm::Sha256 => Ok(SignatureAlgorithm::RsaPssSha256),
        DigestAlgorithm::Sha384 => Ok(SignatureAlgorithm::RsaPssSha384),
        DigestAlgorithm::Sha512 => Ok(SignatureAlgorithm::RsaPssSha512),
        _ => Err(Error::Signature(SignatureError::UnsupportedPssParameters)),
    }
}

/// Which algorithms and key sizes are acceptable.
///
/// The default refuses SHA-1 and RSA keys under 2048 bits. Legacy data (old archives, some
/// identity documents) may need SHA-1: the only way to accept it is to say so by name.
///
/// ```
/// use kyso::key::AlgorithmPolicy;
/// let strict = AlgorithmPolicy::default();
/// assert!(!strict.sha1_allowed());
/// let legacy = AlgorithmPolicy::default().allow_sha1_for_legacy_use_only();
/// assert!(legacy.sha1_allowed());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AlgorithmPolicy {
    min_rsa_bits: usize,
    allow_sha1: bool,
    allow_explicit_curves: bool,
}

/// The smallest RSA modulus the default policy accepts: NIST SP 800-131A and ETSI TS 119 312
/// retired anything below 2048 bits.
pub const DEFAULT_MIN_RSA_BITS: usize = 2048;

/// The smallest RSA modulus kyso can verify at all (the floor of `ring`'s legacy algorithms).
pub const LEGACY_MIN_RSA_BITS: usize = 1024;

impl Default for AlgorithmPolicy {
    fn default() -> Self {
        AlgorithmPolicy {
            min_rsa_bits: DEFAULT_MIN_RSA_BITS,
            allow_sha1: false,
            allow_explicit_curves: false,
        }
    }
}

impl AlgorithmPolicy {
    /// The policy with SHA-1 accepted for verification. Never for signing.
    #[must_use]
    pub fn allow_sha1_for_legacy_use_only(mut self) -> Self {
        self.allow_sha1 = true;
        self
    }

    /// The policy with another minimum RSA size. Values below
    /// [`LEGACY_MIN_RSA_BITS`] are raised to it.
    #[must_use]
    pub fn require_min_rsa_bits(mut self, bits: usize) -> Self {
        self.min_rsa_bits = bits.max(LEGACY_MIN_RSA_BITS);
        self
    }

    /// The policy with EC keys whose curve is given by explicit parameters accepted (when
    /// the parameters are exactly those of a curve kyso implements). ICAO 9303 chip
    /// documents and their CSCAs spell their curves out; RFC 5480 section 2.1.1 asks every
    /// other certificate to name its curve, and the default policy refuses the rest
    /// ([`SignatureError::ExplicitCurveParametersNotAllowed`]).
    #[must_use]
    pub fn accept_explicit_curve_parameters(mut self) -> Self {
        self.allow_explicit_curves = true;
        self
    }

    /// Whether EC keys with explicit curve parameters are accepted.
    pub fn explicit_curve_parameters_accepted(&self) -> bool {
        self.allow_explicit_curves
    }

    /// Whether SHA-1 signatures verify under this policy.
    pub fn sha1_allowed(&self) -> bool {
        self.allow_sha1
    }

    /// The smallest RSA modulus accepted, in bits.
    pub fn min_rsa_bits(&self) -> usize {
        self.min_rsa_bits
    }

    /// Checks an algorithm against the policy.
    ///
    /// # Errors
    ///
    /// [`SignatureError::AlgorithmNotAllowed`] with [`DisallowedReason::Sha1`] if the algorithm hashes
    /// with SHA-1 and the policy is not
    /// [`AlgorithmPolicy::allow_sha1_for_legacy_use_only`].
    pub fn check_algorithm(&self, algorithm: SignatureAlgorithm) -> Result<(), Error> {
        if algorithm.digest_algorithm() == Some(DigestAlgorithm::Sha1) && !self.allow_sha1 {
            return Err(Error::Signature(SignatureError::AlgorithmNotAllowed {
                algorithm,
                reason: DisallowedReason::Sha1,
            }));
        }
        Ok(())
    }

    /// Checks a digest algorithm kyso relies on for `usage` (a message imprint, data group
    /// hashes, a certificate reference) against the policy: SHA-1 only under
    /// [`AlgorithmPolicy::allow_sha1_for_legacy_use_only`].
    ///
    /// # Errors
    ///
    /// [`SignatureError::DigestNotAllowed`] with `usage` and [`DisallowedReason::Sha1`] if `algorithm`
    /// is SHA-1 and the policy does not allow it.
    pub fn check_digest(
        &self,
        algorithm: DigestAlgorithm,
        usage: &'static str,
    ) -> Result<(), Error> {
        if algorithm == DigestAlgorithm::Sha1 && !self.allow_sha1 {
            return Err(Error::Signature(SignatureError::DigestNotAllowed {
                algorithm,
                usage,
                reason: DisallowedReason::Sha1,
            }));
        }
        Ok(())
    }

    /// Checks a public key against the policy (RSA size, explicit EC parameters).
    ///
    /// # Errors
    ///
    /// - [`SignatureError::RsaKeyTooSmall`] if an RSA modulus is shorter than
    ///   [`AlgorithmPolicy::min_rsa_bits`].
    /// - [`SignatureError::RsaKeyTooLarge`] if an RSA modulus is longer than 8192 bits, the most `ring`
    ///   verifies.
    /// - [`SignatureError::RsaModulusNotWholeBytes`] if an RSA modulus is not a whole number
    ///   of bytes.
    /// - [`SignatureError::ExplicitCurveParametersNotAllowed`] for an EC key with explicit
    ///   curve parameters, unless [`AlgorithmPolicy::accept_explicit_curve_parameters`].
    pub fn check_key(&self, key: &PublicKey) -> Result<(), Error> {
        if let Some(bits) = key.rsa_bits() {
            if bits < self.min_rsa_bits {
                return Err(Error::Signature(SignatureError::RsaKeyTooSmall {
                    bits,
                    minimum: self.min_rsa_bits,
                }));
            }
            if bits > MAX_RSA_BITS {
                return Err(Error::Signature(SignatureError::RsaKeyTooLarge { bits }));
            }
            if bits % 8 != 0 {
                return Err(Error::Signature(SignatureError::RsaModulusNotWholeBytes {
                    bits,
                }));
            }
        }
        if key.has_explicit_curve() && !self.allow_explicit_curves {
            return Err(Error::Signature(
                SignatureError::ExplicitCurveParametersNotAllowed,
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [SignatureAlgorithm; 12] = [
        SignatureAlgorithm::RsaPkcs1Sha1ForLegacyUseOnly,
        SignatureAlgorithm::RsaPkcs1Sha256,
        SignatureAlgorithm::RsaPkcs1Sha384,
        SignatureAlgorithm::RsaPkcs1Sha512,
        SignatureAlgorithm::RsaPssSha256,
        SignatureAlgorithm::RsaPssSha384,
        SignatureAlgorithm::RsaPssSha512,
        SignatureAlgorithm::EcdsaP256Sha256,
        SignatureAlgorithm::EcdsaP256Sha384,
        SignatureAlgorithm::EcdsaP384Sha256,
        SignatureAlgorithm::EcdsaP384Sha384,
        SignatureAlgorithm::Ed25519,
    ];

    #[test]
    fn identifiers_round_trip() {
        for alg in ALL {
            let der = alg.algorithm_identifier_der();
            assert!(!der.is_empty(), "{alg}");
            let ai = spki::AlgorithmIdentifierRef::from_der(&der).unwrap();
            let back = SignatureAlgorithm::from_parts(&ai.oid, ai.parameters, alg.key_type());
            assert_eq!(back.unwrap(), alg);
        }
    }

    #[test]
    fn key_mismatch_and_unknown() {
        let der = SignatureAlgorithm::RsaPkcs1Sha256.algorithm_identifier_der();
        let ai = spki::AlgorithmIdentifierRef::from_der(&der).unwrap();
        assert_eq!(
            SignatureAlgorithm::from_parts(&ai.oid, ai.parameters, KeyType::EcP256),
            Err(Error::Signature(SignatureError::AlgorithmKeyMismatch {
                algorithm: SignatureAlgorithm::RsaPkcs1Sha256
            }))
        );
        let dsa: ObjectIdentifier = "2.16.840.1.101.3.4.3.2".parse().unwrap();
        assert!(matches!(
            SignatureAlgorithm::from_parts(&dsa, None, KeyType::Rsa),
            Err(Error::Signature(
                SignatureError::UnsupportedAlgorithm { .. }
            ))
        ));
    }

    #[test]
    fn pss_with_default_sha1_parameters_is_unsupported() {
        // RSASSA-PSS-params with every field defaulted: SHA-1, MGF1-SHA-1, salt 20.
        let empty_seq = AnyRef::try_from(&[0x30u8, 0x00][..]).unwrap();
        assert_eq!(
            SignatureAlgorithm::from_parts(&oid::RSASSA_PSS, Some(empty_seq), KeyType::Rsa),
            Err(Error::Signature(SignatureError::UnsupportedPssParameters))
        );
    }

    #[test]
    fn policy() {
        let strict = AlgorithmPolicy::default();
        assert!(
            strict
                .check_algorithm(SignatureAlgorithm::RsaPkcs1Sha1ForLegacyUseOnly)
                .is_err()
        );
        assert!(
            strict
                .check_algorithm(SignatureAlgorithm::RsaPkcs1Sha256)
                .is_ok()
        );
        let legacy = strict.allow_sha1_for_legacy_use_only();
        assert!(
            legacy
                .check_algorithm(SignatureAlgorithm::RsaPkcs1Sha1ForLegacyUseOnly)
                .is_ok()
        );
        assert_eq!(strict.require_min_rsa_bits(512).min_rsa_bits(), 1024);
    }
}
