//! Public keys from `SubjectPublicKeyInfo`, and signature verification with them.

use crate::error::SignatureError;
pub use crate::vocabulary::KeyType;
use der::Decode;

use crate::error::{Error, Malformed, Object};
use crate::key::algorithm::{AlgorithmPolicy, SignatureAlgorithm};
use crate::key::ec::Curve;
use crate::limits::MAX_RSA_BITS;
use crate::oid::{self, Oid};

impl KeyType {
    /// The elliptic curve of an ECDSA key type.
    pub(crate) fn curve(self) -> Option<Curve> {
        match self {
            KeyType::EcP256 => Some(Curve::P256),
            KeyType::EcP384 => Some(Curve::P384),
            KeyType::EcP521 => Some(Curve::P521),
            KeyType::EcBrainpoolP256r1 => Some(Curve::BrainpoolP256r1),
            KeyType::EcBrainpoolP384r1 => Some(Curve::BrainpoolP384r1),
            KeyType::EcBrainpoolP512r1 => Some(Curve::BrainpoolP512r1),
            KeyType::Rsa | KeyType::Ed25519 | KeyType::Dsa => None,
        }
    }

    fn from_curve(curve: Curve) -> KeyType {
        match curve {
            Curve::P256 => KeyType::EcP256,
            Curve::P384 => KeyType::EcP384,
            Curve::P521 => KeyType::EcP521,
            Curve::BrainpoolP256r1 => KeyType::EcBrainpoolP256r1,
            Curve::BrainpoolP384r1 => KeyType::EcBrainpoolP384r1,
            Curve::BrainpoolP512r1 => KeyType::EcBrainpoolP512r1,
        }
    }
}

/// How a signature is checked: through ring, or through kyso's prime-field ECDSA.
pub(crate) enum Verification {
    Ring(&'static dyn ring::signature::VerificationAlgorithm),
    Ecdsa(Curve, crate::digest::DigestAlgorithm),
    /// ECDSA with the signature as r‖s (BSI TR-03111).
    EcdsaPlain(Curve, crate::digest::DigestAlgorithm),
    /// RSA PKCS#1 v1.5 with a hash ring does not offer, by [`crate::key::rsa`].
    RsaPkcs1(crate::digest::DigestAlgorithm),
    /// RSASSA-PSS with parameters ring does not offer, by [`crate::key::rsa`].
    RsaPss(
        crate::digest::DigestAlgorithm,
        crate::digest::DigestAlgorithm,
        u16,
    ),
    /// DSA, by [`crate::key::dsa`].
    Dsa(crate::digest::DigestAlgorithm),
}

/// What an `id-RSASSA-PSS` key (RFC 4055 section 1.2) allows: PSS signatures only, and,
/// when its parameters are present, only with that hash and MGF1 hash and a salt at least
/// that long (section 3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct PssKey {
    restriction: Option<(
        crate::digest::DigestAlgorithm,
        crate::digest::DigestAlgorithm,
        u16,
    )>,
}

/// A public key, decoded from a DER `SubjectPublicKeyInfo` (RFC 5280 section 4.1.2.7).
///
/// Only the structure is checked when it is made; the key material itself is checked by
/// `ring` when it verifies.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PublicKey {
    spki: Vec<u8>,
    key_type: KeyType,
    /// The contents of the `subjectPublicKey` BIT STRING: an `RSAPublicKey`, an uncompressed
    /// EC point, or the 32 bytes of an Ed25519 key.
    key_bytes: Vec<u8>,
    rsa_bits: Option<usize>,
    /// Whether an EC key gives its curve by explicit parameters.
    explicit_curve: bool,
    /// Set for an RSA key of type id-RSASSA-PSS.
    pss: Option<PssKey>,
    /// An rsaEncryption key whose parameters are absent instead of NULL.
    rsa_parameters_absent: bool,
    /// A DSA key's domain and y.
    dsa: Option<crate::key::dsa::DsaKey>,
}

impl PublicKey {
    /// Decodes a DER `SubjectPublicKeyInfo`.
    ///
    /// RSA, Ed25519, and ECDSA over P-256, P-384, P-521 and the brainpool curves of RFC 5639,
    /// with the curve named or given by explicit parameters (accepted only when they are
    /// exactly a named curve's). Keys of other types (DSA, other curves) are
    /// [`SignatureError::UnsupportedKey`].
    ///
    /// # Errors
    ///
    /// - [`EncodingError::Malformed`](crate::error::EncodingError::Malformed) with [`Object::PublicKey`] and [`Malformed::InvalidDer`]: the
    ///   input is not a DER `SubjectPublicKeyInfo`, the key BIT STRING has unused bits, an RSA
    ///   key is not a DER `RSAPublicKey`, explicit EC parameters do not decode, a P-521 or
    ///   brainpool key is not a point on its curve, or an Ed25519 key has parameters or is
    ///   not 32 bytes (RFC 8410 section 3).
    /// - [`EncodingError::Malformed`](crate::error::EncodingError::Malformed) with [`Object::PublicKey`] and [`Malformed::InvalidValue`] if
    ///   the parameters of an RSA key are not NULL (RFC 3279 section 2.3.1).
    /// - [`SignatureError::UnsupportedKey`] for a key algorithm other than RSA, EC and Ed25519, an EC
    ///   key without parameters, a curve kyso does not implement, or explicit parameters that
    ///   are not exactly those of a supported named curve.
    pub fn from_spki_der(spki_der: &[u8]) -> Result<Self, Error> {
        let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)
            .map_err(|_| Error::invalid_der(Object::PublicKey))?;
        let key_bytes = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| Error::invalid_der(Object::PublicKey))?;
        let alg = spki.algorithm.oid;
        let params = spki.algorithm.parameters;
        let mut explicit = false;
        let mut pss = None;
        let mut rsa_parameters_absent = false;
        let mut dsa = None;
        let (key_type, rsa_bits) = if alg == oid::RSA_ENCRYPTION || alg == oid::RSASSA_PSS {
            if alg == oid::RSASSA_PSS {
                // RFC 4055 section 1.2: parameters absent (any PSS signature) or a
                // RSASSA-PSS-params the signatures must keep to.
                let restriction = match params {
                    None => None,
                    Some(p) => Some(
                        p.decode_as::<crate::key::algorithm::PssParams>()
                            .map_err(|_| Error::invalid_der(Object::PublicKey))?
                            .resolve()?,
                    ),
                };
                pss = Some(PssKey { restriction });
            } else if params.is_none() {
                // RFC 3279 section 2.3.1 says NULL; some CSCAs leave the parameters out.
                // Tolerated: path validation warns of it.
                rsa_parameters_absent = true;
            } else if !params.is_some_and(|p| p.is_null()) {
                return Err(Error::malformed(
                    Object::PublicKey,
                    Malformed::InvalidValue {
                        field: "rsaEncryption parameters",
                    },
                ));
            }
            let rsa = pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der(key_bytes)
                .map_err(|_| Error::invalid_der(Object::PublicKey))?;
            let bits = bit_length(rsa.modulus.as_bytes());
            (KeyType::Rsa, Some(bits))
        } else if alg == oid::EC_PUBLIC_KEY {
            // RFC 5480 section 2.1.1: id-ecPublicKey always has ECParameters.
            let params = params.ok_or(Error::malformed(
                Object::PublicKey,
                Malformed::InvalidValue {
                    field: "ECParameters",
                },
            ))?;
            let curve = if let Ok(named) = params.decode_as::<der::asn1::ObjectIdentifier>() {
                Curve::from_oid(&named.to_string()).ok_or(Error::Signature(
                    SignatureError::UnsupportedKey {
                        oid: Oid::from_der(&named),
                    },
                ))?
            } else {
                explicit = true;
                explicit_curve(params)?
            };
            let key_type = KeyType::from_curve(curve);
            if !matches!(key_type, KeyType::EcP256 | KeyType::EcP384) {
                // ring checks its own curves' points when it verifies; these are checked now.
                crate::key::ec::check_point(curve, key_bytes)
                    .map_err(|_| Error::invalid_der(Object::PublicKey))?;
            }
            (key_type, None)
        } else if alg == oid::DSA {
            let params_der = params
                .map(|p| der::Encode::to_der(&p))
                .transpose()
                .map_err(|_| Error::invalid_der(Object::PublicKey))?;
            dsa = Some(crate::key::dsa::DsaKey::read(
                params_der.as_deref(),
                key_bytes,
            )?);
            (KeyType::Dsa, None)
        } else if alg == oid::ED25519 {
            if params.is_some() || key_bytes.len() != 32 {
                return Err(Error::invalid_der(Object::PublicKey));
            }
            (KeyType::Ed25519, None)
        } else {
            return Err(Error::Signature(SignatureError::UnsupportedKey {
                oid: Oid::from_der(&alg),
            }));
        };
        Ok(PublicKey {
            spki: spki_der.to_vec(),
            key_type,
            key_bytes: key_bytes.to_vec(),
            rsa_bits,
            explicit_curve: explicit,
            pss,
            rsa_parameters_absent,
            dsa,
        })
    }

    /// Whether this RSA key is of type id-RSASSA-PSS (RFC 4055 section 1.2): it verifies
    /// RSASSA-PSS signatures only.
    pub fn is_rsa_pss_only(&self) -> bool {
        self.pss.is_some()
    }

    /// Whether this rsaEncryption key leaves its parameters out where RFC 3279 section
    /// 2.3.1 says NULL: tolerated, and reported by path validation.
    pub fn has_absent_rsa_parameters(&self) -> bool {
        self.rsa_parameters_absent
    }

    /// The key's type.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The RSA modulus size in bits, for RSA keys.
    pub fn rsa_bits(&self) -> Option<usize> {
        self.rsa_bits
    }

    /// Whether this EC key gives its curve by explicit parameters rather than by name (an
    /// [`AlgorithmPolicy`] refuses such keys unless
    /// [`AlgorithmPolicy::accept_explicit_curve_parameters`]).
    pub fn has_explicit_curve(&self) -> bool {
        self.explicit_curve
    }

    /// The DER `SubjectPublicKeyInfo`.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// The contents of the `subjectPublicKey` BIT STRING (what RFC 5280 key identifiers
    /// hash).
    pub fn key_bytes(&self) -> &[u8] {
        &self.key_bytes
    }

    /// Verifies `signature` over `message` with `algorithm`, under `policy`.
    ///
    /// # Errors
    ///
    /// - [`SignatureError::AlgorithmKeyMismatch`] if the algorithm needs another key type.
    /// - [`SignatureError::AlgorithmNotAllowed`] if the policy refuses the algorithm (SHA-1).
    /// - [`SignatureError::RsaKeyTooSmall`] if the RSA modulus is below the policy's minimum, or below
    ///   2048 bits for RSASSA-PSS or PKCS#1 v1.5 with SHA-384, which `ring` verifies with no
    ///   smaller key.
    /// - [`SignatureError::RsaKeyTooLarge`] if the RSA modulus is above 8192 bits.
    /// - [`SignatureError::InvalidSignature`] if the signature is wrong (with no more detail, on
    ///   purpose).
    pub fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
        policy: &AlgorithmPolicy,
    ) -> Result<(), Error> {
        match self.usable_for(algorithm, policy)? {
            Verification::Ring(ring_alg) => {
                ring::signature::UnparsedPublicKey::new(ring_alg, &self.key_bytes)
                    .verify(message, signature)
                    .map_err(|_| Error::Signature(SignatureError::InvalidSignature))
            }
            Verification::Ecdsa(curve, hash) => {
                let h = crate::digest::digest(hash, message);
                crate::key::ec::verify(curve, &self.key_bytes, h.as_bytes(), signature)
            }
            Verification::EcdsaPlain(curve, hash) => {
                let h = crate::digest::digest(hash, message);
                crate::key::ec::verify_plain(curve, &self.key_bytes, h.as_bytes(), signature)
            }
            Verification::RsaPkcs1(hash) => {
                crate::key::rsa::verify_pkcs1(&self.key_bytes, hash, message, signature)
            }
            Verification::Dsa(hash) => {
                let key = self.dsa.as_ref().ok_or(Error::Signature(
                    SignatureError::AlgorithmKeyMismatch { algorithm },
                ))?;
                key.verify(crate::digest::digest(hash, message).as_bytes(), signature)
            }
            Verification::RsaPss(hash, mgf1, salt) => crate::key::rsa::verify_pss(
                &self.key_bytes,
                hash,
                mgf1,
                usize::from(salt),
                message,
                signature,
            ),
        }
    }

    /// Every check [`PublicKey::verify`] makes before the signature itself: the algorithm
    /// fits the key, the policy allows both, and kyso can verify the combination.
    pub(crate) fn usable_for(
        &self,
        algorithm: SignatureAlgorithm,
        policy: &AlgorithmPolicy,
    ) -> Result<Verification, Error> {
        if algorithm.key_type() != self.key_type {
            return Err(Error::Signature(SignatureError::AlgorithmKeyMismatch {
                algorithm,
            }));
        }
        policy.check_algorithm(algorithm)?;
        policy.check_key(self)?;
        let mismatch = || Error::Signature(SignatureError::AlgorithmKeyMismatch { algorithm });
        if let Some(pss) = self.pss {
            let (digest, mgf1_digest, salt_len) = match algorithm {
                SignatureAlgorithm::RsaPss {
                    digest,
                    mgf1_digest,
                    salt_len,
                } => (digest, mgf1_digest, salt_len),
                SignatureAlgorithm::RsaPssSha256
                | SignatureAlgorithm::RsaPssSha384
                | SignatureAlgorithm::RsaPssSha512 => {
                    let d = algorithm.digest_algorithm().ok_or_else(mismatch)?;
                    (d, d, u16::try_from(d.output_len()).unwrap_or(0))
                }
                _ => return Err(mismatch()),
            };
            if let Some((key_digest, key_mgf1, key_salt)) = pss.restriction
                && (key_digest != digest || key_mgf1 != mgf1_digest || salt_len < key_salt)
            {
                return Err(mismatch());
            }
        }
        match algorithm {
            SignatureAlgorithm::Ecdsa { key, digest } => Ok(Verification::Ecdsa(
                key.curve().ok_or_else(mismatch)?,
                digest,
            )),
            SignatureAlgorithm::EcdsaPlain { key, digest } => Ok(Verification::EcdsaPlain(
                key.curve().ok_or_else(mismatch)?,
                digest,
            )),
            SignatureAlgorithm::RsaPkcs1 { digest } => Ok(Verification::RsaPkcs1(digest)),
            SignatureAlgorithm::DsaForLegacyUseOnly { digest } => Ok(Verification::Dsa(digest)),
            SignatureAlgorithm::RsaPss {
                digest,
                mgf1_digest,
                salt_len,
            } => Ok(Verification::RsaPss(digest, mgf1_digest, salt_len)),
            _ => self.ring_algorithm(algorithm).map(Verification::Ring),
        }
    }

    fn ring_algorithm(
        &self,
        algorithm: SignatureAlgorithm,
    ) -> Result<&'static dyn ring::signature::VerificationAlgorithm, Error> {
        use SignatureAlgorithm::*;
        use ring::signature as rs;
        let bits = self.rsa_bits.unwrap_or(0);
        if self.key_type == KeyType::Rsa && bits > MAX_RSA_BITS {
            return Err(Error::Signature(SignatureError::RsaKeyTooLarge { bits }));
        }
        // ring's 2048-bit floor is a policy choice too; below it the legacy variants apply,
        // and only if the caller's policy already allowed the size.
        let small = bits < 2048;
        let alg: &'static dyn rs::VerificationAlgorithm = match algorithm {
            RsaPkcs1Sha1ForLegacyUseOnly if small => {
                &rs::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
            }
            RsaPkcs1Sha1ForLegacyUseOnly => &rs::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            RsaPkcs1Sha256 if small => &rs::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
            RsaPkcs1Sha256 => &rs::RSA_PKCS1_2048_8192_SHA256,
            RsaPkcs1Sha384 if small => {
                return Err(Error::Signature(SignatureError::RsaKeyTooSmall {
                    bits,
                    minimum: 2048,
                }));
            }
            RsaPkcs1Sha384 => &rs::RSA_PKCS1_2048_8192_SHA384,
            RsaPkcs1Sha512 if small => &rs::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
            RsaPkcs1Sha512 => &rs::RSA_PKCS1_2048_8192_SHA512,
            RsaPssSha256 | RsaPssSha384 | RsaPssSha512 if small => {
                return Err(Error::Signature(SignatureError::RsaKeyTooSmall {
                    bits,
                    minimum: 2048,
                }));
            }
            RsaPssSha256 => &rs::RSA_PSS_2048_8192_SHA256,
            RsaPssSha384 => &rs::RSA_PSS_2048_8192_SHA384,
            RsaPssSha512 => &rs::RSA_PSS_2048_8192_SHA512,
            EcdsaP256Sha256 => &rs::ECDSA_P256_SHA256_ASN1,
            EcdsaP256Sha384 => &rs::ECDSA_P256_SHA384_ASN1,
            EcdsaP384Sha256 => &rs::ECDSA_P384_SHA256_ASN1,
            EcdsaP384Sha384 => &rs::ECDSA_P384_SHA384_ASN1,
            Ed25519 => &rs::ED25519,
            Ecdsa { .. }
            | EcdsaPlain { .. }
            | RsaPkcs1 { .. }
            | RsaPss { .. }
            | DsaForLegacyUseOnly { .. } => {
                // Verified by `key::ec` or `key::rsa`, never by ring.
                return Err(Error::Signature(SignatureError::AlgorithmKeyMismatch {
                    algorithm,
                }));
            }
        };
        Ok(alg)
    }
}

impl core::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.rsa_bits {
            Some(bits) => write!(f, "PublicKey(RSA-{bits})"),
            None => write!(f, "PublicKey({})", self.key_type),
        }
    }
}

/// `ECParameters` (SEC 1 section C.2, RFC 3279 section 2.3.5) for a prime field: the named
/// curve they are exactly, or [`SignatureError::UnsupportedKey`].
fn explicit_curve(params: der::asn1::AnyRef<'_>) -> Result<Curve, Error> {
    use der::Sequence;
    use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, OctetString, UintRef};
    #[derive(Sequence)]
    struct FieldId<'a> {
        field_type: ObjectIdentifier,
        parameters: AnyRef<'a>,
    }
    #[derive(Sequence)]
    struct CurveAb<'a> {
        a: OctetString,
        b: OctetString,
        #[asn1(optional = "true")]
        seed: Option<BitStringRef<'a>>,
    }
    #[derive(Sequence)]
    struct EcParameters<'a> {
        version: u8,
        field_id: FieldId<'a>,
        curve: CurveAb<'a>,
        base: OctetString,
        order: UintRef<'a>,
        #[asn1(optional = "true")]
        cofactor: Option<UintRef<'a>>,
    }
    let unsupported = || Error::Signature(SignatureError::UnsupportedExplicitCurve);
    let p: EcParameters<'_> = params
        .decode_as()
        .map_err(|_| Error::invalid_der(Object::PublicKey))?;
    if p.version != 1 || p.field_id.field_type != oid::PRIME_FIELD {
        return Err(unsupported());
    }
    let prime: UintRef<'_> = p
        .field_id
        .parameters
        .decode_as()
        .map_err(|_| Error::invalid_der(Object::PublicKey))?;
    if p.cofactor.is_some_and(|c| c.as_bytes() != [1]) {
        return Err(unsupported());
    }
    Curve::from_explicit(
        prime.as_bytes(),
        p.curve.a.as_bytes(),
        p.curve.b.as_bytes(),
        p.base.as_bytes(),
        p.order.as_bytes(),
    )
    .ok_or_else(unsupported)
}

/// Number of significant bits in a big-endian unsigned integer.
fn bit_length(bytes: &[u8]) -> usize {
    let mut iter = bytes.iter().skip_while(|b| **b == 0);
    match iter.next() {
        None => 0,
        Some(first) => {
            let rest = iter.count();
            rest * 8 + (8 - usize::try_from(first.leading_zeros()).unwrap_or(0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0, 0]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0x80, 0]), 16);
        assert_eq!(bit_length(&[0, 0x7f, 0xff]), 15);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(PublicKey::from_spki_der(&[]).is_err());
        assert!(PublicKey::from_spki_der(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
    }
}
