//! The `Signer` trait: one interface for software keys, PKCS#11 tokens and remote signing
//! services.

use crate::digest::Digest;
use crate::error::Error;
use crate::error::{SignatureError, SigningError};
use crate::key::algorithm::SignatureAlgorithm;
use crate::key::public_key::PublicKey;

/// Something that can produce signatures with one private key.
///
/// Every method is fallible: a token can be pulled out, a PIN can lock, a remote service can
/// be down. Implementations return [`SigningError::SignerFailed`] (or a more specific variant) and
/// never panic.
///
/// A signer can sign in one or both of two ways:
/// - [`Signer::sign`] takes the whole message and hashes it itself (the only way for pure
///   Ed25519, and the natural way for in-process keys);
/// - [`Signer::sign_digest`] takes a digest computed elsewhere, which is what PKCS#11
///   mechanisms such as `CKM_RSA_PKCS` / `CKM_ECDSA` and remote signing services accept.
///
/// A signer that only implements `sign_digest` can reuse [`sign_by_digest`] for `sign`.
pub trait Signer {
    /// The algorithm this signer's signatures use.
    fn algorithm(&self) -> SignatureAlgorithm;

    /// The public key matching the private key, when the signer knows it.
    fn public_key(&self) -> Option<&PublicKey> {
        None
    }

    /// Signs `message`.
    ///
    /// # Errors
    ///
    /// Implementations return [`SigningError::SignerFailed`] when the key cannot sign (a token
    /// removed, a PIN locked, a remote service unreachable), or a more specific variant; one
    /// built on [`sign_by_digest`] returns its errors.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error>;

    /// Signs a digest computed elsewhere. The digest's algorithm must be the signature
    /// algorithm's hash.
    ///
    /// # Errors
    ///
    /// The default implementation returns [`SigningError::DigestSigningUnsupported`]. Implementations
    /// that sign digests return the errors of [`check_digest_for`] when the digest does not
    /// fit the algorithm (another hash, or an algorithm that cannot sign), and
    /// [`SigningError::SignerFailed`] when the key cannot sign.
    fn sign_digest(&self, digest: &Digest) -> Result<Vec<u8>, Error> {
        let _ = digest;
        Err(Error::Signing(SigningError::DigestSigningUnsupported {
            algorithm: self.algorithm(),
        }))
    }

    /// Whether [`Signer::sign_digest`] is implemented for this signer's algorithm.
    fn supports_digest_signing(&self) -> bool {
        false
    }
}

/// Signs `message` by hashing it with the algorithm's hash and calling
/// [`Signer::sign_digest`]: a ready-made [`Signer::sign`] for signers that only sign
/// digests.
///
/// # Errors
///
/// [`SigningError::DigestSigningUnsupported`] if the algorithm has no separate hash (Ed25519);
/// otherwise those of the signer's [`Signer::sign_digest`].
pub fn sign_by_digest<S: Signer + ?Sized>(signer: &S, message: &[u8]) -> Result<Vec<u8>, Error> {
    let algorithm = signer.algorithm();
    let hash = algorithm.digest_algorithm().ok_or(Error::Signing(
        SigningError::DigestSigningUnsupported { algorithm },
    ))?;
    signer.sign_digest(&crate::digest::digest(hash, message))
}

/// Checks that a digest handed to [`Signer::sign_digest`] fits the signer's algorithm.
/// Useful to implementers.
///
/// # Errors
///
/// - [`SignatureError::AlgorithmNotAllowed`] with
///   [`DisallowedReason::VerifyOnly`](crate::error::DisallowedReason::VerifyOnly) if kyso does not
///   sign with the algorithm ([`SignatureAlgorithm::can_sign`]).
/// - [`SigningError::DigestAlgorithmMismatch`] if the digest was made with another hash than the
///   algorithm's.
/// - [`SigningError::DigestSigningUnsupported`] if the algorithm has no separate hash (Ed25519).
pub fn check_digest_for(algorithm: SignatureAlgorithm, digest: &Digest) -> Result<(), Error> {
    if !algorithm.can_sign() {
        return Err(Error::Signature(SignatureError::AlgorithmNotAllowed {
            algorithm,
            reason: crate::error::DisallowedReason::VerifyOnly,
        }));
    }
    match algorithm.digest_algorithm() {
        Some(h) if h == digest.algorithm() => Ok(()),
        Some(h) => Err(Error::Signing(SigningError::DigestAlgorithmMismatch {
            expected: h,
            actual: digest.algorithm(),
        })),
        None => Err(Error::Signing(SigningError::DigestSigningUnsupported {
            algorithm,
        })),
    }
}
