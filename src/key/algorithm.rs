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
            EcdsaPlain { digest, .. } => (ecdsa_plain_oid(digest), None),
            // NIST CSOR: the parameters are absent.
            RsaPkcs1 { digest } => (rsa_pkcs1_oid(digest), None),
            DsaForLegacyUseOnly { digest } => (
                if digest == DigestAlgorithm::Sha1 {
                    oid::DSA_WITH_SHA1
                } else {
                    oid::DSA_WITH_SHA256
                },
                None,
            ),
            RsaPss {
                digest,
                mgf1_digest,
                salt_len,
            } => (
                oid::RSASSA_PSS,
                Some(
                    PssParams::new(digest, mgf1_digest, salt_len)
                        .to_der()
                        .unwrap_or_default(),
                ),
            ),
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
        let (oid, parameters) = algorithm_identifier(der_bytes)
            .ok_or(Error::invalid_der(Object::AlgorithmIdentifier))?;
        Self::from_parts(&oid, parameters, key.key_type())
    }

    pub(crate) fn from_parts(
        alg: &ObjectIdentifier,
        params: Option<AnyRef<'_>>,
        key: KeyType,
    ) -> Result<Self, Error> {
        use SignatureAlgorithm::*;
        let null_or_absent = params.is_none_or(|p| p.is_null());
        // Absent as RFC 5758 section 3.2 says, or NULL as some ICAO documents and CSCAs
        // write it (tolerated; callers that report warn of it).
        let ecdsa_params_ok = null_or_absent;
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
        } else if let Some(digest) = rsa_pkcs1_digest(alg) {
            null_or_absent.then_some(RsaPkcs1 { digest })
        } else if *alg == oid::RSASSA_PSS {
            Some(parse_pss_params(params.ok_or(Error::Signature(
                SignatureError::UnsupportedPssParameters,
            ))?)?)
        } else if let Some(digest) = ecdsa_plain_digest(alg) {
            if !ecdsa_params_ok {
                return Err(bad_params());
            }
            Some(EcdsaPlain {
                key: if key.curve().is_some() {
                    key
                } else {
                    // Not an EC key: reported as a mismatch below.
                    KeyType::EcP256
                },
                digest,
            })
        } else if let Some(digest) = ecdsa_digest(alg) {
            if !ecdsa_params_ok {
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
        } else if *alg == oid::DSA_WITH_SHA1 || *alg == oid::DSA_WITH_SHA256 {
            // RFC 3279 section 2.2.2, RFC 5758 section 3.1: parameters absent.
            if params.is_some() {
                return Err(bad_params());
            }
            Some(DsaForLegacyUseOnly {
                digest: if *alg == oid::DSA_WITH_SHA1 {
                    DigestAlgorithm::Sha1
                } else {
                    DigestAlgorithm::Sha256
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

/// Whether an AlgorithmIdentifier of ECDSA carries an explicit NULL, which RFC 5758
/// section 3.2 forbids and some producers write.
pub(crate) fn ecdsa_with_null(alg: &ObjectIdentifier, params: Option<AnyRef<'_>>) -> bool {
    (ecdsa_digest(alg).is_some() || ecdsa_plain_digest(alg).is_some())
        && params.is_some_and(|p| p.is_null())
}

/// [`ecdsa_with_null`] of a DER AlgorithmIdentifier (false if it does not decode).
pub(crate) fn signature_identifier_has_ecdsa_null(der_bytes: &[u8]) -> bool {
    algorithm_identifier(der_bytes)
        .is_some_and(|(oid, parameters)| ecdsa_with_null(&oid, parameters))
}

/// A DER AlgorithmIdentifier's OID and parameters; `None` if it does not decode. The
/// encodings nearly every certificate and signature carries are matched as octets first,
/// with the result the decode gives for them.
fn algorithm_identifier(der_bytes: &[u8]) -> Option<(ObjectIdentifier, Option<AnyRef<'_>>)> {
    if let Some((_, oid, null)) = COMMON_ALGORITHM_IDENTIFIERS
        .iter()
        .find(|(der, _, _)| *der == der_bytes)
    {
        return Some((*oid, null.then_some(AnyRef::NULL)));
    }
    spki::AlgorithmIdentifierRef::from_der(der_bytes)
        .ok()
        .map(|ai| (ai.oid, ai.parameters))
}

/// [`ecdsa_with_null`] of an AlgorithmIdentifier's parts.
pub(crate) fn algorithm_identifier_has_ecdsa_null(
    oid: &ObjectIdentifier,
    parameters: Option<AnyRef<'_>>,
) -> bool {
    ecdsa_with_null(oid, parameters)
}

/// The hash an ecdsa-plain-* identifier names (BSI TR-03111 section 5.2.1).
fn ecdsa_plain_digest(alg: &ObjectIdentifier) -> Option<DigestAlgorithm> {
    // The content octets of 0.4.0.127.0.7.1.1.4.1 ([`oid::ECDSA_PLAIN`]); the hash is one
    // more arc, below 128 and so one octet.
    const PREFIX: [u8; 9] = [0x04, 0x00, 0x7f, 0x00, 0x07, 0x01, 0x01, 0x04, 0x01];
    match alg.as_bytes().strip_prefix(&PREFIX)? {
        [1] => Some(DigestAlgorithm::Sha1),
        [3] => Some(DigestAlgorithm::Sha256),
        [4] => Some(DigestAlgorithm::Sha384),
        [5] => Some(DigestAlgorithm::Sha512),
        [9] => Some(DigestAlgorithm::Sha3_256),
        [10] => Some(DigestAlgorithm::Sha3_384),
        [11] => Some(DigestAlgorithm::Sha3_512),
        _ => None,
    }
}

fn ecdsa_plain_oid(digest: DigestAlgorithm) -> ObjectIdentifier {
    let arc = match digest {
        DigestAlgorithm::Sha1 => 1,
        DigestAlgorithm::Sha256 => 3,
        DigestAlgorithm::Sha384 => 4,
        DigestAlgorithm::Sha512 => 5,
        DigestAlgorithm::Sha3_256 => 9,
        DigestAlgorithm::Sha3_384 => 10,
        DigestAlgorithm::Sha3_512 => 11,
    };
    ObjectIdentifier::new(&format!("{}.{arc}", oid::ECDSA_PLAIN)).unwrap_or(oid::ECDSA_WITH_SHA256)
}

/// The hash an RSA PKCS#1 v1.5 identifier with SHA-3 names (NIST CSOR).
fn rsa_pkcs1_digest(alg: &ObjectIdentifier) -> Option<DigestAlgorithm> {
    if *alg == oid::RSA_WITH_SHA3_256 {
        Some(DigestAlgorithm::Sha3_256)
    } else if *alg == oid::RSA_WITH_SHA3_384 {
        Some(DigestAlgorithm::Sha3_384)
    } else if *alg == oid::RSA_WITH_SHA3_512 {
        Some(DigestAlgorithm::Sha3_512)
    } else {
        None
    }
}

fn rsa_pkcs1_oid(digest: DigestAlgorithm) -> ObjectIdentifier {
    match digest {
        DigestAlgorithm::Sha1 => oid::SHA1_WITH_RSA,
        DigestAlgorithm::Sha256 => oid::SHA256_WITH_RSA,
        DigestAlgorithm::Sha384 => oid::SHA384_WITH_RSA,
        DigestAlgorithm::Sha512 => oid::SHA512_WITH_RSA,
        DigestAlgorithm::Sha3_256 => oid::RSA_WITH_SHA3_256,
        DigestAlgorithm::Sha3_384 => oid::RSA_WITH_SHA3_384,
        DigestAlgorithm::Sha3_512 => oid::RSA_WITH_SHA3_512,
    }
}

/// The hash an ecdsa-with-SHA* identifier names (RFC 5758 section 3.2, RFC 3279; SHA-3
/// from NIST CSOR).
fn ecdsa_digest(alg: &ObjectIdentifier) -> Option<DigestAlgorithm> {
    if *alg == oid::ECDSA_WITH_SHA3_256 {
        Some(DigestAlgorithm::Sha3_256)
    } else if *alg == oid::ECDSA_WITH_SHA3_384 {
        Some(DigestAlgorithm::Sha3_384)
    } else if *alg == oid::ECDSA_WITH_SHA3_512 {
        Some(DigestAlgorithm::Sha3_512)
    } else if *alg == oid::ECDSA_WITH_SHA256 {
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
        DigestAlgorithm::Sha3_256 => oid::ECDSA_WITH_SHA3_256,
        DigestAlgorithm::Sha3_384 => oid::ECDSA_WITH_SHA3_384,
        DigestAlgorithm::Sha3_512 => oid::ECDSA_WITH_SHA3_512,
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

/// `RSASSA-PSS-params` (RFC 4055 section 3.1): every field defaults (SHA-1, MGF1-SHA-1, a
/// salt of 20 octets, trailer field 1). The salt length is read as any INTEGER up to 2^32
/// (the `pkcs1` crate's type stops at 255, below the longest salts real keys allow).
#[derive(der::Sequence)]
pub(crate) struct PssParams {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash: Option<spki::AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen: Option<spki::AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_len: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer_field: Option<u32>,
}

/// The default salt length of RSASSA-PSS-params (RFC 4055 section 3.1).
const DEFAULT_PSS_SALT_LEN: u16 = 20;

impl PssParams {
    /// The parameters of a PSS signature, defaults left out as DER requires.
    fn new(digest: DigestAlgorithm, mgf1_digest: DigestAlgorithm, salt_len: u16) -> Self {
        let hash_ai = |d: DigestAlgorithm| spki::AlgorithmIdentifierOwned {
            oid: d.der_oid(),
            parameters: None,
        };
        let mgf = || -> Option<spki::AlgorithmIdentifierOwned> {
            let inner = hash_ai(mgf1_digest).to_der().ok()?;
            Some(spki::AlgorithmIdentifierOwned {
                oid: oid::MGF1,
                parameters: der::Any::from_der(&inner).ok(),
            })
        };
        PssParams {
            hash: (digest != DigestAlgorithm::Sha1).then(|| hash_ai(digest)),
            mask_gen: (mgf1_digest != DigestAlgorithm::Sha1).then(mgf).flatten(),
            salt_len: (salt_len != DEFAULT_PSS_SALT_LEN).then_some(u32::from(salt_len)),
            trailer_field: None,
        }
    }

    /// (hash, MGF1 hash, salt length), defaults filled in.
    ///
    /// # Errors
    ///
    /// [`SignatureError::UnsupportedPssParameters`] for a hash kyso does not implement, a
    /// mask generation function other than MGF1, a salt length over 65535, or a trailer
    /// field other than 1 (the only one RFC 4055 defines).
    pub(crate) fn resolve(&self) -> Result<(DigestAlgorithm, DigestAlgorithm, u16), Error> {
        let unsupported = || Error::Signature(SignatureError::UnsupportedPssParameters);
        let hash_of = |ai: &spki::AlgorithmIdentifierOwned| {
            if ai.parameters.as_ref().is_some_and(|p| !p.is_null()) {
                return Err(unsupported());
            }
            DigestAlgorithm::from_der_oid(&ai.oid).map_err(|_| unsupported())
        };
        let digest = match &self.hash {
            Some(ai) => hash_of(ai)?,
            None => DigestAlgorithm::Sha1,
        };
        let mgf1_digest = match &self.mask_gen {
            None => DigestAlgorithm::Sha1,
            Some(m) if m.oid == oid::MGF1 => {
                let inner = m.parameters.as_ref().ok_or_else(unsupported)?;
                let ai: spki::AlgorithmIdentifierOwned =
                    inner.decode_as().map_err(|_| unsupported())?;
                hash_of(&ai)?
            }
            Some(_) => return Err(unsupported()),
        };
        let salt_len = match self.salt_len {
            None => DEFAULT_PSS_SALT_LEN,
            Some(n) => u16::try_from(n).map_err(|_| unsupported())?,
        };
        if self.trailer_field.is_some_and(|t| t != 1) {
            return Err(unsupported());
        }
        Ok((digest, mgf1_digest, salt_len))
    }
}

/// The algorithm a PSS parameter set names: ring's three sets (hash SHA-256/384/512, MGF1
/// with the same hash, salt as long as the hash) as their own variants, any other as
/// [`SignatureAlgorithm::RsaPss`].
fn parse_pss_params(params: AnyRef<'_>) -> Result<SignatureAlgorithm, Error> {
    let p: PssParams = params
        .decode_as()
        .map_err(|_| Error::invalid_der(Object::AlgorithmIdentifier))?;
    let (digest, mgf1_digest, salt_len) = p.resolve()?;
    Ok(
        match (
            digest,
            mgf1_digest == digest,
            usize::from(salt_len) == digest.output_len(),
        ) {
            (DigestAlgorithm::Sha256, true, true) => SignatureAlgorithm::RsaPssSha256,
            (DigestAlgorithm::Sha384, true, true) => SignatureAlgorithm::RsaPssSha384,
            (DigestAlgorithm::Sha512, true, true) => SignatureAlgorithm::RsaPssSha512,
            _ => SignatureAlgorithm::RsaPss {
                digest,
                mgf1_digest,
                salt_len,
            },
        },
    )
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
    allow_dsa: bool,
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
            allow_dsa: false,
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

    /// The policy with DSA signatures accepted for verification, for legacy data (old
    /// archives, NIST PKITS): DSA is withdrawn (FIPS 186-5) and kyso never signs with it.
    #[must_use]
    pub fn allow_dsa_for_legacy_use_only(mut self) -> Self {
        self.allow_dsa = true;
        self
    }

    /// Whether DSA signatures verify under this policy.
    pub fn dsa_allowed(&self) -> bool {
        self.allow_dsa
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
    /// [`AlgorithmPolicy::allow_sha1_for_legacy_use_only`], and with
    /// [`DisallowedReason::LegacyDsa`] for DSA unless
    /// [`AlgorithmPolicy::allow_dsa_for_legacy_use_only`].
    pub fn check_algorithm(&self, algorithm: SignatureAlgorithm) -> Result<(), Error> {
        if matches!(algorithm, SignatureAlgorithm::DsaForLegacyUseOnly { .. }) && !self.allow_dsa {
            return Err(Error::Signature(SignatureError::AlgorithmNotAllowed {
                algorithm,
                reason: DisallowedReason::LegacyDsa,
            }));
        }
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
    /// - [`SignatureError::KeyTypeNotAllowed`] for a DSA key, unless
    ///   [`AlgorithmPolicy::allow_dsa_for_legacy_use_only`].
    pub fn check_key(&self, key: &PublicKey) -> Result<(), Error> {
        if key.key_type() == KeyType::Dsa && !self.allow_dsa {
            return Err(Error::Signature(SignatureError::KeyTypeNotAllowed {
                key: KeyType::Dsa,
                reason: DisallowedReason::LegacyDsa,
            }));
        }
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

/// The DER of the AlgorithmIdentifiers most signatures carry: (encoding, OID, parameters
/// NULL rather than absent). RSA PKCS#1 v1.5 with SHA-256/384/512 and NULL parameters
/// (RFC 8017 appendix A.2.4), ECDSA with SHA-256/384 and no parameters (RFC 5758 section
/// 3.2).
const COMMON_ALGORITHM_IDENTIFIERS: [(&[u8], ObjectIdentifier, bool); 5] = [
    (
        &[
            0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05,
            0x00,
        ],
        oid::SHA256_WITH_RSA,
        true,
    ),
    (
        &[
            0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c, 0x05,
            0x00,
        ],
        oid::SHA384_WITH_RSA,
        true,
    ),
    (
        &[
            0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d, 0x05,
            0x00,
        ],
        oid::SHA512_WITH_RSA,
        true,
    ),
    (
        &[
            0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
        ],
        oid::ECDSA_WITH_SHA256,
        false,
    ),
    (
        &[
            0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03,
        ],
        oid::ECDSA_WITH_SHA384,
        false,
    ),
];

#[cfg(test)]
mod tests {

    #[test]
    fn common_identifiers_decode_as_their_table_row_says() {
        for (der_bytes, oid, null) in COMMON_ALGORITHM_IDENTIFIERS {
            let ai = spki::AlgorithmIdentifierRef::from_der(der_bytes).unwrap();
            assert_eq!(ai.oid, oid);
            assert_eq!(ai.parameters, null.then_some(AnyRef::NULL));
            assert_eq!(ai.to_der().unwrap(), der_bytes);
        }
    }
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
    fn ecdsa_plain_identifiers_name_their_hash() {
        let prefix = ObjectIdentifier::new(oid::ECDSA_PLAIN).unwrap();
        for d in DigestAlgorithm::ALL {
            let alg = ecdsa_plain_oid(d);
            assert!(
                alg.to_string()
                    .starts_with(&format!("{}.", oid::ECDSA_PLAIN))
            );
            assert_eq!(ecdsa_plain_digest(&alg), Some(d), "{alg}");
        }
        for other in [
            "0.4.0.127.0.7.1.1.4.1.2",
            "0.4.0.127.0.7.1.1.4.1.1.1",
            "0.4.0.127.0.7.1.1.4.2.3",
        ] {
            assert_eq!(
                ecdsa_plain_digest(&ObjectIdentifier::new(other).unwrap()),
                None,
                "{other}"
            );
        }
        assert_eq!(ecdsa_plain_digest(&prefix), None);
    }

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
        assert_eq!(
            SignatureAlgorithm::from_parts(&dsa, None, KeyType::Rsa),
            Err(Error::Signature(SignatureError::AlgorithmKeyMismatch {
                algorithm: SignatureAlgorithm::DsaForLegacyUseOnly {
                    digest: DigestAlgorithm::Sha256
                }
            }))
        );
        // GOST R 34.10-2012 with Streebog-256: named as unsupported.
        let gost: ObjectIdentifier = "1.2.643.7.1.1.3.2".parse().unwrap();
        assert!(matches!(
            SignatureAlgorithm::from_parts(&gost, None, KeyType::Rsa),
            Err(Error::Signature(
                SignatureError::UnsupportedAlgorithm { ref oid }
            )) if *oid == "1.2.643.7.1.1.3.2"
        ));
    }

    #[test]
    fn pss_with_default_parameters_is_sha1_and_refused_by_default() {
        // RSASSA-PSS-params with every field defaulted: SHA-1, MGF1-SHA-1, salt 20 (RFC
        // 4055 section 3.1), which the default policy refuses as SHA-1.
        let empty_seq = AnyRef::try_from(&[0x30u8, 0x00][..]).unwrap();
        let alg = SignatureAlgorithm::from_parts(&oid::RSASSA_PSS, Some(empty_seq), KeyType::Rsa)
            .unwrap();
        assert_eq!(
            alg,
            SignatureAlgorithm::RsaPss {
                digest: DigestAlgorithm::Sha1,
                mgf1_digest: DigestAlgorithm::Sha1,
                salt_len: 20
            }
        );
        assert!(AlgorithmPolicy::default().check_algorithm(alg).is_err());
        // A mask generation function other than MGF1 is not supported.
        let other_mgf = [
            0x30, 0x0d, 0xa1, 0x0b, 0x30, 0x09, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04,
            0x01,
        ];
        let params = AnyRef::try_from(&other_mgf[..]).unwrap();
        assert_eq!(
            SignatureAlgorithm::from_parts(&oid::RSASSA_PSS, Some(params), KeyType::Rsa),
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
