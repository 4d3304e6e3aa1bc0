//! A [`Signer`] backed by a private key held in memory, loaded from PKCS#8 (plain or
//! password-encrypted), PKCS#1 (RSA) or SEC1 (EC), in DER or PEM.

use crate::error::{EncodingError, KeyError, SignatureError, SigningError};
use std::path::Path;

use der::asn1::{AnyRef, BitStringRef, OctetStringRef};
use der::{Decode, Encode};
use ring::rand::SystemRandom;
use ring::signature::{self as rs, KeyPair as _};
use zeroize::Zeroizing;

use crate::error::{DisallowedReason, Error, Malformed, Object};
use crate::key::algorithm::SignatureAlgorithm;
use crate::key::public_key::PublicKey;
use crate::key::signer::Signer;
use crate::limits::{
    MAX_PBKDF2_ITERATIONS, MAX_PRIVATE_KEY_SIZE, MAX_SCRYPT_MEMORY, MAX_SCRYPT_PARALLELIZATION,
};
use crate::oid::{self, Oid};

/// A private key in memory, signing with `ring`.
///
/// Signing is constant-time (ring's implementations). kyso wipes every buffer it holds the
/// key material in (PEM bodies, decrypted PKCS#8) when it is done with it; the parsed key
/// inside `ring` is ring's own memory, which ring does not wipe (see SECURITY.md).
///
/// RSA keys sign with PKCS#1 v1.5 and SHA-256 unless [`SoftwareSigner::with_algorithm`]
/// chooses another hash or PSS; P-256 keys with ECDSA/SHA-256; P-384 with ECDSA/SHA-384.
///
/// ```
/// use kyso::{Signer, SoftwareSigner};
/// use kyso::key::{AlgorithmPolicy, SignatureAlgorithm};
/// let pem = std::fs::read("test-vectors/keys/ee-ecdsa-p256.key.pem")?;
/// let signer = SoftwareSigner::from_pem(&pem, None)?;
/// assert_eq!(signer.algorithm(), SignatureAlgorithm::EcdsaP256Sha256);
/// let sig = signer.sign(b"hello")?;
/// signer.public_key_info().verify(signer.algorithm(), b"hello", &sig, &AlgorithmPolicy::default())?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SoftwareSigner {
    algorithm: SignatureAlgorithm,
    key: KeyPair,
    public_key: PublicKey,
    rng: SystemRandom,
}

enum KeyPair {
    Rsa(rs::RsaKeyPair),
    Ecdsa(rs::EcdsaKeyPair),
    Ed25519(rs::Ed25519KeyPair),
}

impl SoftwareSigner {
    /// Loads a key from PEM text: `PRIVATE KEY` (PKCS#8), `ENCRYPTED PRIVATE KEY` (PKCS#8
    /// with PBES2, which needs `password`), `RSA PRIVATE KEY` (PKCS#1) or `EC PRIVATE KEY`
    /// (SEC1). The first key block in the text is used; certificates around it are skipped.
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`] with [`Object::PrivateKey`] for text over
    ///   [`MAX_PRIVATE_KEY_SIZE`].
    /// - [`EncodingError::Malformed`] with [`Object::Pem`] if a PEM block is damaged
    ///   ([`Malformed::InvalidBase64`], [`Malformed::InvalidPemFraming`]) or there is none
    ///   ([`Malformed::NoPemBlock`]).
    /// - [`EncodingError::Malformed`] with [`Object::PrivateKey`]: no block's label ends in
    ///   `PRIVATE KEY` ([`Malformed::NoPemBlock`]), the block is a legacy OpenSSL encrypted
    ///   key ([`Malformed::LegacyEncryptedPem`]), or its label is none of the four above
    ///   ([`Malformed::UnexpectedPemLabel`]).
    /// - Those of [`SoftwareSigner::from_pkcs8_der`],
    ///   [`SoftwareSigner::from_encrypted_pkcs8_der`], [`SoftwareSigner::from_pkcs1_der`] or
    ///   [`SoftwareSigner::from_sec1_der`], as the label says.
    pub fn from_pem(pem_text: &[u8], password: Option<&[u8]>) -> Result<Self, Error> {
        check_size(pem_text)?;
        let blocks = crate::pem::parse_blocks(pem_text)?;
        let block = blocks
            .into_iter()
            .find(|b| b.tag().ends_with("PRIVATE KEY"))
            .ok_or(Error::malformed(Object::PrivateKey, Malformed::NoPemBlock))?;
        let legacy_encrypted = block
            .headers()
            .get("Proc-Type")
            .is_some_and(|v| v.contains("ENCRYPTED"));
        if legacy_encrypted {
            return Err(Error::malformed(
                Object::PrivateKey,
                Malformed::LegacyEncryptedPem,
            ));
        }
        let tag = block.tag().to_owned();
        let body = Zeroizing::new(block.into_contents());
        match tag.as_str() {
            "PRIVATE KEY" => Self::from_pkcs8_der(&body),
            "ENCRYPTED PRIVATE KEY" => Self::from_encrypted_pkcs8_der(&body, password),
            "RSA PRIVATE KEY" => Self::from_pkcs1_der(&body),
            "EC PRIVATE KEY" => Self::from_sec1_der(&body),
            _ => Err(Error::malformed(
                Object::PrivateKey,
                Malformed::UnexpectedPemLabel { found: tag },
            )),
        }
    }

    /// Loads a DER key of any of the supported forms, recognised by structure: PKCS#8,
    /// encrypted PKCS#8 (needs `password`), PKCS#1 or SEC1.
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`] with [`Object::PrivateKey`] for input over
    ///   [`MAX_PRIVATE_KEY_SIZE`].
    /// - [`EncodingError::Malformed`] with [`Object::PrivateKey`]: the input is empty
    ///   ([`Malformed::Empty`]) or decodes as none of the four structures
    ///   ([`Malformed::InvalidDer`]).
    /// - Those of [`SoftwareSigner::from_pkcs8_der`],
    ///   [`SoftwareSigner::from_encrypted_pkcs8_der`], [`SoftwareSigner::from_pkcs1_der`] or
    ///   [`SoftwareSigner::from_sec1_der`], for the structure found.
    pub fn from_der(der_bytes: &[u8], password: Option<&[u8]>) -> Result<Self, Error> {
        check_size(der_bytes)?;
        if der_bytes.is_empty() {
            return Err(Error::malformed(Object::PrivateKey, Malformed::Empty));
        }
        if pkcs8::PrivateKeyInfoRef::from_der(der_bytes).is_ok() {
            return Self::from_pkcs8_der(der_bytes);
        }
        if pkcs8::EncryptedPrivateKeyInfoRef::from_der(der_bytes).is_ok() {
            return Self::from_encrypted_pkcs8_der(der_bytes, password);
        }
        if pkcs1::RsaPrivateKey::<der::asn1::UintRef<'_>>::from_der(der_bytes).is_ok() {
            return Self::from_pkcs1_der(der_bytes);
        }
        if sec1::EcPrivateKey::from_der(der_bytes).is_ok() {
            return Self::from_sec1_der(der_bytes);
        }
        Err(Error::invalid_der(Object::PrivateKey))
    }

    /// Loads a key file, PEM or DER (told apart by content).
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be read, [`EncodingError::TooLarge`] with
    /// [`Object::PrivateKey`] if it is over [`MAX_PRIVATE_KEY_SIZE`], and otherwise those of
    /// [`SoftwareSigner::from_pem`] or [`SoftwareSigner::from_der`].
    pub fn from_file(path: impl AsRef<Path>, password: Option<&[u8]>) -> Result<Self, Error> {
        let data = Zeroizing::new(crate::digest::read_bounded(
            path.as_ref(),
            MAX_PRIVATE_KEY_SIZE,
            Object::PrivateKey,
        )?);
        if crate::pem::looks_like_pem(&data) {
            Self::from_pem(&data, password)
        } else {
            Self::from_der(&data, password)
        }
    }

    /// Loads an unencrypted PKCS#8 `PrivateKeyInfo` (RFC 5208 / RFC 5958).
    ///
    /// # Errors
    ///
    /// - [`EncodingError::Malformed`] with [`Object::PrivateKey`] and [`Malformed::InvalidDer`] if
    ///   the input is not a DER `PrivateKeyInfo`.
    /// - [`SignatureError::UnsupportedKey`] for a key algorithm other than RSA, EC and Ed25519, or a
    ///   curve other than P-256 and P-384.
    /// - [`KeyError::Rejected`] if an EC key names no curve, or `ring` refuses the key: an
    ///   inconsistent key, an EC key without its public key, an RSA modulus outside 2048 to
    ///   4096 bits, an RSA public exponent below 65537 or longer than 33 bits.
    pub fn from_pkcs8_der(der_bytes: &[u8]) -> Result<Self, Error> {
        let info = pkcs8::PrivateKeyInfoRef::from_der(der_bytes)
            .map_err(|_| Error::invalid_der(Object::PrivateKey))?;
        let alg = info.algorithm.oid;
        if alg == oid::RSA_ENCRYPTION {
            let kp = rs::RsaKeyPair::from_pkcs8(der_bytes).map_err(rejected)?;
            Self::from_rsa(kp)
        } else if alg == oid::EC_PUBLIC_KEY {
            let curve = info
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
                .ok_or_else(|| {
                    Error::Key(KeyError::Rejected {
                        reason: "EC key without a named curve".to_owned(),
                    })
                })?;
            let (signing, algorithm) = if curve == oid::SECP256R1 {
                (
                    &rs::ECDSA_P256_SHA256_ASN1_SIGNING,
                    SignatureAlgorithm::EcdsaP256Sha256,
                )
            } else if curve == oid::SECP384R1 {
                (
                    &rs::ECDSA_P384_SHA384_ASN1_SIGNING,
                    SignatureAlgorithm::EcdsaP384Sha384,
                )
            } else {
                return Err(Error::Signature(SignatureError::UnsupportedKey {
                    oid: Oid::from_der(&curve),
                }));
            };
            let rng = SystemRandom::new();
            let kp = rs::EcdsaKeyPair::from_pkcs8(signing, der_bytes, &rng).map_err(rejected)?;
            let public_key = spki_for(oid::EC_PUBLIC_KEY, Some(curve), kp.public_key().as_ref())?;
            Ok(SoftwareSigner {
                algorithm,
                key: KeyPair::Ecdsa(kp),
                public_key,
                rng,
            })
        } else if alg == oid::ED25519 {
            // OpenSSL writes Ed25519 keys as PKCS#8 v1, without the public key, which only
            // this constructor of ring accepts; ring derives the public key itself.
            let kp = rs::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der_bytes).map_err(rejected)?;
            let public_key = spki_for(oid::ED25519, None, kp.public_key().as_ref())?;
            Ok(SoftwareSigner {
                algorithm: SignatureAlgorithm::Ed25519,
                key: KeyPair::Ed25519(kp),
                public_key,
                rng: SystemRandom::new(),
            })
        } else {
            Err(Error::Signature(SignatureError::UnsupportedKey {
                oid: Oid::from_der(&alg),
            }))
        }
    }

    /// Loads a password-encrypted PKCS#8 `EncryptedPrivateKeyInfo` (PBES2 with PBKDF2 or
    /// scrypt, AES-CBC; what `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes).
    ///
    /// # Errors
    ///
    /// - [`EncodingError::Malformed`] with [`Object::PrivateKey`] and [`Malformed::InvalidDer`] if
    ///   the input is not a DER `EncryptedPrivateKeyInfo`.
    /// - [`KeyError::PasswordRequired`] if `password` is `None`.
    /// - [`KeyError::UnsupportedEncryption`] for a scheme other than PBES2 with PBKDF2 or
    ///   scrypt and a cipher the `pkcs5` crate implements, or for key-derivation parameters
    ///   past kyso's bounds (PBKDF2: 0 or more than 10 million iterations; scrypt: more than
    ///   64 MiB of memory or a parallelization above 16).
    /// - [`KeyError::WrongPassword`] if decryption fails or what it yields is not a
    ///   `PrivateKeyInfo` (a wrong password and damaged data cannot be told apart).
    /// - Those of [`SoftwareSigner::from_pkcs8_der`] for the decrypted key.
    pub fn from_encrypted_pkcs8_der(
        der_bytes: &[u8],
        password: Option<&[u8]>,
    ) -> Result<Self, Error> {
        let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(der_bytes)
            .map_err(|_| Error::invalid_der(Object::PrivateKey))?;
        let password = password.ok_or(Error::Key(KeyError::PasswordRequired))?;
        check_kdf_cost(&info.encryption_algorithm)?;
        let secret = info.decrypt(password).map_err(|e| match e {
            pkcs8::Error::EncryptedPrivateKey(pkcs5::Error::DecryptFailed) => {
                Error::Key(KeyError::WrongPassword)
            }
            pkcs8::Error::EncryptedPrivateKey(_) => Error::Key(KeyError::UnsupportedEncryption),
            _ => Error::invalid_der(Object::PrivateKey),
        })?;
        // CBC padding matches by chance for about one wrong password in 256; what comes out
        // is then noise, which does not decode.
        if pkcs8::PrivateKeyInfoRef::from_der(secret.as_bytes()).is_err() {
            return Err(Error::Key(KeyError::WrongPassword));
        }
        Self::from_pkcs8_der(secret.as_bytes())
    }

    /// Loads a PKCS#1 `RSAPrivateKey` (RFC 8017 appendix A.1.2).
    ///
    /// # Errors
    ///
    /// [`KeyError::Rejected`] if `ring` refuses the input: not a DER `RSAPrivateKey` of two
    /// primes, an inconsistent key, a modulus outside 2048 to 4096 bits, a public exponent
    /// below 65537 or longer than 33 bits.
    pub fn from_pkcs1_der(der_bytes: &[u8]) -> Result<Self, Error> {
        let kp = rs::RsaKeyPair::from_der(der_bytes).map_err(rejected)?;
        Self::from_rsa(kp)
    }

    /// Loads a SEC1 `ECPrivateKey` (RFC 5915) with a named curve.
    ///
    /// # Errors
    ///
    /// - [`EncodingError::Malformed`] with [`Object::PrivateKey`] and [`Malformed::InvalidDer`] if
    ///   the input is not a DER `ECPrivateKey`, or gives its curve by explicit parameters.
    /// - [`KeyError::Rejected`] if the key has no parameters, so names no curve (RFC 5915
    ///   section 3 requires them).
    /// - Those of [`SoftwareSigner::from_pkcs8_der`], to which the key is passed on: for
    ///   example [`SignatureError::UnsupportedKey`] for a curve other than P-256 and P-384.
    pub fn from_sec1_der(der_bytes: &[u8]) -> Result<Self, Error> {
        let key = sec1::EcPrivateKey::from_der(der_bytes)
            .map_err(|_| Error::invalid_der(Object::PrivateKey))?;
        let curve = key
            .parameters
            .and_then(|p| p.named_curve())
            .ok_or_else(|| {
                Error::Key(KeyError::Rejected {
                    reason: "SEC1 key without a named curve".to_owned(),
                })
            })?;
        let curve_any = curve
            .to_der()
            .map_err(|_| Error::invalid_der(Object::PrivateKey))?;
        let params = AnyRef::try_from(curve_any.as_slice())
            .map_err(|_| Error::invalid_der(Object::PrivateKey))?;
        let private_key =
            OctetStringRef::new(der_bytes).map_err(|_| Error::invalid_der(Object::PrivateKey))?;
        let info = pkcs8::PrivateKeyInfoRef {
            algorithm: spki::AlgorithmIdentifierRef {
                oid: oid::EC_PUBLIC_KEY,
                parameters: Some(params),
            },
            private_key,
            public_key: None,
        };
        let pkcs8_der = Zeroizing::new(
            info.to_der()
                .map_err(|_| Error::invalid_der(Object::PrivateKey))?,
        );
        Self::from_pkcs8_der(&pkcs8_der)
    }

    fn from_rsa(kp: rs::RsaKeyPair) -> Result<Self, Error> {
        let public_key = spki_for(oid::RSA_ENCRYPTION, None, kp.public_key().as_ref())?;
        Ok(SoftwareSigner {
            algorithm: SignatureAlgorithm::RsaPkcs1Sha256,
            key: KeyPair::Rsa(kp),
            public_key,
            rng: SystemRandom::new(),
        })
    }

    /// The same key signing with another algorithm: for RSA keys, another hash or PSS.
    ///
    /// # Errors
    ///
    /// - [`SignatureError::AlgorithmKeyMismatch`] for an algorithm of another key type.
    /// - [`SignatureError::AlgorithmNotAllowed`] with [`DisallowedReason::VerifyOnly`] for an
    ///   algorithm kyso only verifies (SHA-1, and ECDSA with a hash that is not the curve's
    ///   own).
    pub fn with_algorithm(mut self, algorithm: SignatureAlgorithm) -> Result<Self, Error> {
        if algorithm.key_type() != self.public_key.key_type() {
            return Err(Error::Signature(SignatureError::AlgorithmKeyMismatch {
                algorithm,
            }));
        }
        let signable = algorithm.can_sign()
            && !matches!(
                algorithm,
                SignatureAlgorithm::EcdsaP256Sha384 | SignatureAlgorithm::EcdsaP384Sha256
            );
        if !signable {
            return Err(Error::Signature(SignatureError::AlgorithmNotAllowed {
                algorithm,
                reason: DisallowedReason::VerifyOnly,
            }));
        }
        self.algorithm = algorithm;
        Ok(self)
    }

    /// The public key (always known for a software key).
    pub fn public_key_info(&self) -> &PublicKey {
        &self.public_key
    }
}

impl Signer for SoftwareSigner {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    fn public_key(&self) -> Option<&PublicKey> {
        Some(&self.public_key)
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let failed = |_| {
            Error::Signing(SigningError::SignerFailed {
                reason: "ring could not sign".to_owned(),
            })
        };
        match &self.key {
            KeyPair::Rsa(kp) => {
                use SignatureAlgorithm::*;
                let padding: &'static dyn rs::RsaEncoding = match self.algorithm {
                    RsaPkcs1Sha256 => &rs::RSA_PKCS1_SHA256,
                    RsaPkcs1Sha384 => &rs::RSA_PKCS1_SHA384,
                    RsaPkcs1Sha512 => &rs::RSA_PKCS1_SHA512,
                    RsaPssSha256 => &rs::RSA_PSS_SHA256,
                    RsaPssSha384 => &rs::RSA_PSS_SHA384,
                    RsaPssSha512 => &rs::RSA_PSS_SHA512,
                    other => {
                        return Err(Error::Signature(SignatureError::AlgorithmKeyMismatch {
                            algorithm: other,
                        }));
                    }
                };
                let mut sig = vec![0u8; kp.public().modulus_len()];
                kp.sign(padding, &self.rng, message, &mut sig)
                    .map_err(failed)?;
                Ok(sig)
            }
            KeyPair::Ecdsa(kp) => Ok(kp
                .sign(&self.rng, message)
                .map_err(failed)?
                .as_ref()
                .to_vec()),
            KeyPair::Ed25519(kp) => Ok(kp.sign(message).as_ref().to_vec()),
        }
    }
}

impl core::fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SoftwareSigner")
            .field("algorithm", &self.algorithm)
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

/// Refuses key-derivation parameters that would cost unbounded time or memory, or that the
/// KDF implementation cannot take, before any work is done: the parameters come from the
/// key file, which may come from anyone.
fn check_kdf_cost(scheme: &pkcs5::EncryptionScheme) -> Result<(), Error> {
    use pkcs5::pbes2::Kdf;
    let pkcs5::EncryptionScheme::Pbes2(params) = scheme else {
        return Err(Error::Key(KeyError::UnsupportedEncryption));
    };
    match &params.kdf {
        Kdf::Pbkdf2(p) => {
            if p.iteration_count == 0 || p.iteration_count > MAX_PBKDF2_ITERATIONS {
                return Err(Error::Key(KeyError::UnsupportedEncryption));
            }
        }
        Kdf::Scrypt(p) => {
            let n = p.cost_parameter;
            let memory = 128u64
                .checked_mul(u64::from(p.block_size))
                .and_then(|m| m.checked_mul(n));
            let ok = n >= 2
                && n.is_power_of_two()
                && p.block_size > 0
                && p.parallelization > 0
                && p.parallelization <= MAX_SCRYPT_PARALLELIZATION
                && memory.is_some_and(|m| m <= MAX_SCRYPT_MEMORY);
            if !ok {
                return Err(Error::Key(KeyError::UnsupportedEncryption));
            }
        }
        _ => return Err(Error::Key(KeyError::UnsupportedEncryption)),
    }
    Ok(())
}

fn check_size(input: &[u8]) -> Result<(), Error> {
    if input.len() > MAX_PRIVATE_KEY_SIZE {
        return Err(Error::Encoding(EncodingError::TooLarge {
            object: Object::PrivateKey,
            limit: MAX_PRIVATE_KEY_SIZE,
            actual: input.len(),
        }));
    }
    Ok(())
}

fn rejected(e: ring::error::KeyRejected) -> Error {
    Error::Key(KeyError::Rejected {
        reason: e.to_string(),
    })
}

/// Builds the `SubjectPublicKeyInfo` of a key whose raw public key ring gives us.
fn spki_for(
    alg: der::asn1::ObjectIdentifier,
    curve: Option<der::asn1::ObjectIdentifier>,
    key: &[u8],
) -> Result<PublicKey, Error> {
    let curve_der = match curve {
        Some(c) => Some(
            c.to_der()
                .map_err(|_| Error::invalid_der(Object::PublicKey))?,
        ),
        None => None,
    };
    let parameters = match (&curve_der, alg == oid::RSA_ENCRYPTION) {
        (Some(c), _) => Some(
            AnyRef::try_from(c.as_slice()).map_err(|_| Error::invalid_der(Object::PublicKey))?,
        ),
        (None, true) => Some(AnyRef::NULL),
        (None, false) => None,
    };
    let info = spki::SubjectPublicKeyInfoRef {
        algorithm: spki::AlgorithmIdentifierRef {
            oid: alg,
            parameters,
        },
        subject_public_key: BitStringRef::from_bytes(key)
            .map_err(|_| Error::invalid_der(Object::PublicKey))?,
    };
    let der_bytes = info
        .to_der()
        .map_err(|_| Error::invalid_der(Object::PublicKey))?;
    PublicKey::from_spki_der(&der_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbkdf2_iteration_bound() {
        use pkcs5::pbes2::{EncryptionScheme as Cipher, Kdf, Parameters, Pbkdf2Params};
        let mut kdf = Pbkdf2Params::hmac_sha256(2048, &[7; 16]).unwrap();
        let scheme = |kdf: Pbkdf2Params| {
            pkcs5::EncryptionScheme::Pbes2(Parameters {
                kdf: Kdf::Pbkdf2(kdf),
                encryption: Cipher::Aes256Cbc { iv: [0; 16] },
            })
        };
        assert!(check_kdf_cost(&scheme(kdf)).is_ok());
        kdf.iteration_count = u32::MAX;
        assert_eq!(
            check_kdf_cost(&scheme(kdf)),
            Err(Error::Key(KeyError::UnsupportedEncryption))
        );
        kdf.iteration_count = 0;
        assert_eq!(
            check_kdf_cost(&scheme(kdf)),
            Err(Error::Key(KeyError::UnsupportedEncryption))
        );
    }
}
