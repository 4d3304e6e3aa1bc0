//! [`Pkcs11Signer`]: a [`Signer`] whose private key stays on the token; one signature at a
//! time per token session.

use crate::error::{SignatureError, SigningError, TokenError};
use std::sync::{Arc, Mutex};

use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::MechanismType;
use cryptoki::object::ObjectHandle;
use cryptoki::session::Session;

use crate::cert::Certificate;
use crate::digest::{Digest, digest};
use crate::error::Error;
use crate::key::{KeyType, PublicKey, SignatureAlgorithm, Signer, check_digest_for};

use crate::pkcs11::error::map_error;
use crate::pkcs11::mechanism::{Input, Step, ecdsa_raw_to_der, plan, prepare_hash};

/// A [`Signer`] whose private key stays on a PKCS#11 token.
pub struct Pkcs11Signer {
    pub(super) session: Arc<Mutex<Session>>,
    pub(super) key: ObjectHandle,
    pub(super) algorithm: SignatureAlgorithm,
    pub(super) certificate: Certificate,
    pub(super) public_key: PublicKey,
    pub(super) mechanisms: Vec<MechanismType>,
}

impl Pkcs11Signer {
    /// The same key signing with another algorithm of its type (another RSA hash, PSS).
    ///
    /// # Errors
    ///
    /// - [`SignatureError::AlgorithmKeyMismatch`] if `algorithm` needs another type of key than the
    ///   token's.
    /// - [`SignatureError::AlgorithmNotAllowed`] with
    ///   [`DisallowedReason::VerifyOnly`](crate::error::DisallowedReason::VerifyOnly) for an
    ///   algorithm kyso only verifies: RSA PKCS#1 v1.5 with SHA-1, or
    ///   [`SignatureAlgorithm::Ecdsa`].
    /// - [`TokenError::MechanismUnsupported`] if the token's mechanism list (read with
    ///   `C_GetMechanismList` when the signer was made) has no mechanism kyso signs
    ///   `algorithm` with: for RSA, neither the one that hashes on the token (such as
    ///   `CKM_SHA256_RSA_PKCS` or `CKM_SHA256_RSA_PKCS_PSS`) nor the one that signs a hash
    ///   kyso computes (`CKM_RSA_PKCS`, `CKM_RSA_PKCS_PSS`); `CKM_ECDSA` for ECDSA;
    ///   `CKM_EDDSA` for Ed25519. Also for ECDSA with another hash than the curve's (P-256
    ///   with SHA-384, P-384 with SHA-256), which kyso does not sign with.
    pub fn with_algorithm(mut self, algorithm: SignatureAlgorithm) -> Result<Self, Error> {
        if algorithm.key_type() != self.public_key.key_type() {
            return Err(Error::Signature(SignatureError::AlgorithmKeyMismatch {
                algorithm,
            }));
        }
        if !algorithm.can_sign() {
            return Err(Error::Signature(SignatureError::AlgorithmNotAllowed {
                algorithm,
                reason: crate::error::DisallowedReason::VerifyOnly,
            }));
        }
        plan(algorithm, &self.mechanisms, false)?;
        self.algorithm = algorithm;
        Ok(self)
    }

    /// The certificate of the key.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    fn run(&self, step: &Step, data: &[u8]) -> Result<Vec<u8>, Error> {
        let session = lock(&self.session)?;
        let algorithm = self.algorithm;
        let raw = session
            .sign(&step.mechanism(), self.key, data)
            .map_err(|e| match e {
                CkError::Pkcs11(RvError::MechanismInvalid | RvError::MechanismParamInvalid, _) => {
                    Error::Token(TokenError::MechanismUnsupported { algorithm })
                }
                CkError::Pkcs11(RvError::KeyTypeInconsistent, _) => {
                    Error::Signature(SignatureError::AlgorithmKeyMismatch { algorithm })
                }
                other => map_error(other),
            })?;
        drop(session);
        if step.raw_ecdsa {
            let expected = match self.public_key.key_type() {
                KeyType::EcP384 => 96,
                _ => 64,
            };
            if raw.len() != expected {
                return Err(Error::Signing(SigningError::SignerFailed {
                    reason: format!(
                        "the token returned an ECDSA signature of {} bytes, {expected} expected",
                        raw.len()
                    ),
                }));
            }
            ecdsa_raw_to_der(&raw)
        } else {
            Ok(raw)
        }
    }
}

impl Signer for Pkcs11Signer {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    fn public_key(&self) -> Option<&PublicKey> {
        Some(&self.public_key)
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let step = plan(self.algorithm, &self.mechanisms, false)?;
        match step.input {
            Input::Message => self.run(&step, message),
            Input::Hash(h) => self.run(&step, &prepare_hash(&step, &digest(h, message))?),
        }
    }

    fn sign_digest(&self, d: &Digest) -> Result<Vec<u8>, Error> {
        check_digest_for(self.algorithm, d)?;
        let step = plan(self.algorithm, &self.mechanisms, true)?;
        self.run(&step, &prepare_hash(&step, d)?)
    }

    fn supports_digest_signing(&self) -> bool {
        plan(self.algorithm, &self.mechanisms, true).is_ok()
    }
}

impl core::fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("algorithm", &self.algorithm)
            .field("certificate", &self.certificate)
            .finish_non_exhaustive()
    }
}

pub(super) fn lock(session: &Mutex<Session>) -> Result<std::sync::MutexGuard<'_, Session>, Error> {
    session.lock().map_err(|_| {
        Error::Signing(SigningError::SignerFailed {
            reason: "a previous use of the token session panicked".to_owned(),
        })
    })
}
