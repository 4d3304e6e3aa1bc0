//! Keys and signatures: algorithms and their identifiers, the algorithm policy, public keys
//! that verify, the [`Signer`] trait and the in-memory [`SoftwareSigner`].

mod algorithm;
mod dsa;
pub(crate) mod ec;
mod public_key;
mod rsa;
mod signer;
mod software;

pub use algorithm::{
    AlgorithmPolicy, DEFAULT_MIN_RSA_BITS, LEGACY_MIN_RSA_BITS, SignatureAlgorithm,
};
pub(crate) use algorithm::{
    algorithm_identifier_has_ecdsa_null, signature_identifier_has_ecdsa_null,
};
pub use public_key::{KeyType, PublicKey};
pub use signer::{Signer, check_digest_for, sign_by_digest};
pub use software::SoftwareSigner;

/// `N` random octets from the system's generator (nonces, challenges).
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], crate::error::Error> {
    use ring::rand::SecureRandom;
    let mut out = [0u8; N];
    ring::rand::SystemRandom::new()
        .fill(&mut out)
        .map_err(|_| crate::error::Error::RandomUnavailable)?;
    Ok(out)
}
