//! Public keys from `SubjectPublicKeyInfo`, and signature verification with them.

use der::Decode;

use crate::error::{Error, Malformed, Object};
use crate::key::algorithm::{AlgorithmPolicy, MAX_RSA_BITS, SignatureAlgorithm};
use crate::oid;

/// The kinds of public key kyso can verify with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
}

impl core::fmt::Display for KeyType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            KeyType::Rsa => "RSA",
            KeyType::EcP256 => "ECDSA P-256",
            KeyType::EcP384 => "ECDSA P-384",
            KeyType::Ed25519 => "Ed25519",
        })
    }
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
}

impl PublicKey {
    /// Decodes a DER `SubjectPublicKeyInfo`.
    ///
    /// Keys of other types (DSA, brainpool curves, ...) are
    /// [`Error::UnsupportedKey`].
    pub fn from_spki_der(spki_der: &[u8]) -> Result<Self, Error> {
        let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)
            .map_err(|_| Error::invalid_der(Object::PublicKey))?;
        let key_bytes = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| Error::invalid_der(Object::PublicKey))?;
        let alg = spki.algorithm.oid;
        let params = spki.algorithm.parameters;
        let (key_type, rsa_bits) = if alg == oid::RSA_ENCRYPTION {
            if !params.is_some_and(|p| p.is_null()) {
                // RFC 3279 section 2.3.1: the parameters MUST be NULL.
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
            let curve = params
                .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
                .ok_or(Error::UnsupportedKey {
                    oid: "explicit or missing EC parameters".to_owned(),
                })?;
            let key_type = if curve == oid::SECP256R1 {
                KeyType::EcP256
            } else if curve == oid::SECP384R1 {
                KeyType::EcP384
            } else {
                return Err(Error::UnsupportedKey {
                    oid: curve.to_string(),
                });
            };
            (key_type, None)
        } else if alg == oid::ED25519 {
            if params.is_some() || key_bytes.len() != 32 {
                return Err(Error::invalid_der(Object::PublicKey));
            }
            (KeyType::Ed25519, None)
        } else {
            return Err(Error::UnsupportedKey {
                oid: alg.to_string(),
            });
        };
        Ok(PublicKey {
            spki: spki_der.to_vec(),
            key_type,
            key_bytes: key_bytes.to_vec(),
            rsa_bits,
        })
    }

    /// The key's type.
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The RSA modulus size in bits, for RSA keys.
    pub fn rsa_bits(&self) -> Option<usize> {
        self.rsa_bits
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
    /// Errors: [`Error::AlgorithmKeyMismatch`] when the algorithm needs another key type,
    /// [`Error::AlgorithmNotAllowed`] and [`Error::RsaKeyTooSmall`] from the policy, and
    /// [`Error::InvalidSignature`] when the signature is wrong (with no more detail, on
    /// purpose).
    pub fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
        policy: &AlgorithmPolicy,
    ) -> Result<(), Error> {
        let ring_alg = self.usable_for(algorithm, policy)?;
        ring::signature::UnparsedPublicKey::new(ring_alg, &self.key_bytes)
            .verify(message, signature)
            .map_err(|_| Error::InvalidSignature)
    }

    /// Every check [`PublicKey::verify`] makes before the signature itself: the algorithm
    /// fits the key, the policy allows both, and kyso can verify the combination.
    pub(crate) fn usable_for(
        &self,
        algorithm: SignatureAlgorithm,
        policy: &AlgorithmPolicy,
    ) -> Result<&'static dyn ring::signature::VerificationAlgorithm, Error> {
        if algorithm.key_type() != self.key_type {
            return Err(Error::AlgorithmKeyMismatch { algorithm });
        }
        policy.check_algorithm(algorithm)?;
        policy.check_key(self)?;
        self.ring_algorithm(algorithm)
    }

    fn ring_algorithm(
        &self,
        algorithm: SignatureAlgorithm,
    ) -> Result<&'static dyn ring::signature::VerificationAlgorithm, Error> {
        use SignatureAlgorithm::*;
        use ring::signature as rs;
        let bits = self.rsa_bits.unwrap_or(0);
        if self.key_type == KeyType::Rsa && bits > MAX_RSA_BITS {
            return Err(Error::RsaKeyTooLarge { bits });
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
                return Err(Error::RsaKeyTooSmall {
                    bits,
                    minimum: 2048,
                });
            }
            RsaPkcs1Sha384 => &rs::RSA_PKCS1_2048_8192_SHA384,
            RsaPkcs1Sha512 if small => &rs::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
            RsaPkcs1Sha512 => &rs::RSA_PKCS1_2048_8192_SHA512,
            RsaPssSha256 | RsaPssSha384 | RsaPssSha512 if small => {
                return Err(Error::RsaKeyTooSmall {
                    bits,
                    minimum: 2048,
                });
            }
            RsaPssSha256 => &rs::RSA_PSS_2048_8192_SHA256,
            RsaPssSha384 => &rs::RSA_PSS_2048_8192_SHA384,
            RsaPssSha512 => &rs::RSA_PSS_2048_8192_SHA512,
            EcdsaP256Sha256 => &rs::ECDSA_P256_SHA256_ASN1,
            EcdsaP256Sha384 => &rs::ECDSA_P256_SHA384_ASN1,
            EcdsaP384Sha256 => &rs::ECDSA_P384_SHA256_ASN1,
            EcdsaP384Sha384 => &rs::ECDSA_P384_SHA384_ASN1,
            Ed25519 => &rs::ED25519,
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
