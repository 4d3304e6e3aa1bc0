//! An opt-in cache for hubs that verify many signatures from a few CAs: certificates already
//! parsed, and certificate signatures already verified under an issuer's key.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::BuildHasher;
use std::sync::RwLock;

use crate::cert::Certificate;
use crate::error::Error;

/// Remembers two things, keyed on exact bytes, so that a signature from a known CA costs its
/// own signature check and the document's digest:
///
/// - certificates already parsed (by their DER, found through a keyed hash of it and then
///   compared byte for byte), so the certificates embedded in each signature are not parsed
///   again;
/// - certificate signatures already verified (by the SHA-256 fingerprints of the certificate
///   and of the issuer certificate whose key verified it), so a known chain's signatures are
///   not verified again.
///
/// It never changes a verdict: the algorithm policy, validity periods, names, key usage,
/// constraints and revocation are evaluated on every call, cached or not; only the
/// cryptographic check of a certificate signature already found good is skipped. Both parts
/// are bounded ([`VerificationCache::with_capacity`]); past the bound the oldest entries go.
/// It is safe to share between threads.
///
/// ```
/// use kyso::{Revocation, SignedCms, TrustContext, TrustStore, ValidationPolicy, Verifier};
/// use kyso::path::VerificationCache;
/// let anchors = TrustStore::from_pem(&std::fs::read("test-vectors/pki/root-ca.pem")?)?;
/// let cache = VerificationCache::new();
/// let context = TrustContext::new(&anchors, Revocation::NotChecked).cache(&cache);
/// let verifier = Verifier::new(&context, ValidationPolicy::now());
/// let signature = std::fs::read("test-vectors/cms/openssl-rsa2048-detached.p7s")?;
/// let document = std::fs::read("test-vectors/documents/cong-van.txt")?;
/// for _ in 0..2 {
///     assert!(verifier.verify_encoded(&signature, Some(&document)).is_passed());
/// }
/// assert_eq!(cache.verified_links(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct VerificationCache {
    inner: RwLock<Inner>,
    max_links: usize,
    max_certificates: usize,
    /// A SipHash key of this cache's own, so that nobody can choose certificates whose
    /// lookups collide.
    hasher: RandomState,
}

#[derive(Debug, Default)]
struct Inner {
    links: HashSet<[u8; 64]>,
    link_order: VecDeque<[u8; 64]>,
    /// By the keyed hash of the DER; an entry is used only when its DER equals the bytes
    /// looked up.
    certificates: HashMap<u64, Certificate>,
    certificate_order: VecDeque<u64>,
}

impl Default for VerificationCache {
    fn default() -> Self {
        VerificationCache::new()
    }
}

impl VerificationCache {
    /// A cache of up to 65,536 verified links and 4,096 parsed certificates (about 10 MiB
    /// at most with 2 KiB certificates).
    pub fn new() -> Self {
        VerificationCache::with_capacity(65_536, 4_096)
    }

    /// A cache of up to `links` verified certificate signatures and `certificates` parsed
    /// certificates.
    pub fn with_capacity(links: usize, certificates: usize) -> Self {
        VerificationCache {
            inner: RwLock::new(Inner::default()),
            max_links: links,
            max_certificates: certificates,
            hasher: RandomState::new(),
        }
    }

    /// The number of certificate signatures remembered as verified.
    pub fn verified_links(&self) -> usize {
        self.inner.read().map_or(0, |i| i.links.len())
    }

    /// The number of parsed certificates remembered.
    pub fn certificates(&self) -> usize {
        self.inner.read().map_or(0, |i| i.certificates.len())
    }

    /// Forgets everything.
    pub fn clear(&self) {
        if let Ok(mut i) = self.inner.write() {
            *i = Inner::default();
        }
    }

    fn link_key(child: &Certificate, issuer: &Certificate) -> [u8; 64] {
        let mut key = [0u8; 64];
        key[..32].copy_from_slice(child.fingerprint_sha256());
        key[32..].copy_from_slice(issuer.fingerprint_sha256());
        key
    }

    /// Whether `issuer`'s key was already found to have signed `child`.
    pub(crate) fn knows_link(&self, child: &Certificate, issuer: &Certificate) -> bool {
        let key = Self::link_key(child, issuer);
        self.inner.read().is_ok_and(|i| i.links.contains(&key))
    }

    /// Records that `issuer`'s key signed `child`.
    pub(crate) fn remember_link(&self, child: &Certificate, issuer: &Certificate) {
        if self.max_links == 0 {
            return;
        }
        let key = Self::link_key(child, issuer);
        if let Ok(mut i) = self.inner.write()
            && i.links.insert(key)
        {
            i.link_order.push_back(key);
            while i.links.len() > self.max_links {
                match i.link_order.pop_front() {
                    Some(old) => {
                        i.links.remove(&old);
                    }
                    None => break,
                }
            }
        }
    }

    /// The certificate encoded as `der`, parsed now or earlier.
    pub(crate) fn certificate(&self, der: &[u8]) -> Result<Certificate, Error> {
        let key = self.hasher.hash_one(der);
        if let Some(c) = self
            .inner
            .read()
            .ok()
            .and_then(|i| i.certificates.get(&key).filter(|c| c.der() == der).cloned())
        {
            return Ok(c);
        }
        let cert = Certificate::from_der(der)?;
        // A different certificate under the same hash keeps its place: this one is parsed
        // each time, which is only slower.
        if self.max_certificates > 0
            && let Ok(mut i) = self.inner.write()
            && !i.certificates.contains_key(&key)
        {
            i.certificates.insert(key, cert.clone());
            i.certificate_order.push_back(key);
            while i.certificates.len() > self.max_certificates {
                match i.certificate_order.pop_front() {
                    Some(old) => {
                        i.certificates.remove(&old);
                    }
                    None => break,
                }
            }
        }
        Ok(cert)
    }
}
