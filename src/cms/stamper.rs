//! Obtaining checked timestamp tokens from a time-stamping authority.

use crate::oid::Oid;

use crate::cms::timestamp_token::{TimeStampInfo, TimeStampToken};
use crate::digest::{Digest, DigestAlgorithm};
use crate::error::Error;
use crate::key::AlgorithmPolicy;
use crate::path::TrustStore;
use crate::tsp::{TimeStampRequest, TimeStampSource};

/// Obtains checked timestamp tokens from a [`TimeStampSource`]: each request carries a fresh
/// random nonce and asks for the TSA's certificate, and each token is verified (signature,
/// TSA certificate to `anchors` with the critical timeStamping EKU, imprint, nonce) before it
/// is returned. [`SignedCms::add_signature_timestamps`](crate::SignedCms::add_signature_timestamps)
/// uses it to make CAdES-B-T signatures.
///
/// ```no_run
/// use kyso::TrustStore;
/// use kyso::cms::TimeStampStamper;
/// use kyso::tsp::TimeStampRequest;
/// # fn send_to_my_tsa(der: &[u8]) -> Result<Vec<u8>, kyso::Error> { Ok(der.to_vec()) }
/// let tsa_roots = TrustStore::from_pem(&std::fs::read("tsa-root.pem")?)?;
/// let tsa = |request: &TimeStampRequest| send_to_my_tsa(request.der());
/// let stamper = TimeStampStamper::new(&tsa, &tsa_roots);
/// let (token, info) = stamper.stamp(b"the bytes to stamp")?;
/// println!("stamped at {}", info.gen_time);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct TimeStampStamper<'a> {
    source: &'a dyn TimeStampSource,
    anchors: &'a TrustStore,
    digest: DigestAlgorithm,
    policy: Option<Oid>,
    algorithms: AlgorithmPolicy,
}

impl core::fmt::Debug for TimeStampStamper<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TimeStampStamper")
            .field("digest", &self.digest)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl<'a> TimeStampStamper<'a> {
    /// Stamps through `source`, trusting TSAs that chain to `anchors`; imprints are SHA-256.
    pub fn new(source: &'a dyn TimeStampSource, anchors: &'a TrustStore) -> Self {
        TimeStampStamper {
            source,
            anchors,
            digest: DigestAlgorithm::Sha256,
            policy: None,
            algorithms: AlgorithmPolicy::default(),
        }
    }

    /// The hash algorithm of the imprints (SHA-256 by default).
    #[must_use]
    pub fn digest_algorithm(mut self, algorithm: DigestAlgorithm) -> Self {
        self.digest = algorithm;
        self
    }

    /// Asks the TSA for this policy.
    #[must_use]
    pub fn tsa_policy(mut self, policy: Oid) -> Self {
        self.policy = Some(policy);
        self
    }

    /// The algorithms accepted in tokens (the default policy otherwise).
    #[must_use]
    pub fn algorithm_policy(mut self, algorithms: AlgorithmPolicy) -> Self {
        self.algorithms = algorithms;
        self
    }

    /// The imprint algorithm.
    pub fn imprint_algorithm(&self) -> DigestAlgorithm {
        self.digest
    }

    /// Stamps `data` (hashed here with the imprint algorithm).
    ///
    /// # Errors
    ///
    /// Those of [`TimeStampStamper::stamp_digest`].
    pub fn stamp(&self, data: &[u8]) -> Result<(TimeStampToken, TimeStampInfo), Error> {
        self.stamp_digest(&crate::digest::digest(self.digest, data))
    }

    /// Stamps a hash.
    ///
    /// # Errors
    ///
    /// - [`Error::RandomUnavailable`] if no nonce can be drawn.
    /// - Those of the source's [`TimeStampSource::timestamp`].
    /// - Those of [`TimeStampToken::from_response_der`] for the response
    ///   ([`TimestampError::Refused`](crate::error::TimestampError::Refused) when the TSA refuses).
    /// - Those of [`TimeStampToken::verify`] with the stamper's anchors and algorithm policy,
    ///   `imprint` and the nonce sent.
    pub fn stamp_digest(&self, imprint: &Digest) -> Result<(TimeStampToken, TimeStampInfo), Error> {
        let nonce: [u8; 16] = crate::key::random_bytes()?;
        let request = TimeStampRequest::new(imprint, Some(&nonce), true, self.policy.as_ref())?;
        let response = self.source.timestamp(&request)?;
        let token = TimeStampToken::from_response_der(&response)?;
        let info = token.verify(self.anchors, imprint, Some(&nonce), &self.algorithms)?;
        Ok((token, info))
    }
}
