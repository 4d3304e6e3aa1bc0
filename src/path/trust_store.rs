//! Trust anchors.

use std::path::Path;

use crate::cert::Certificate;
use crate::error::Error;

/// The certificates the caller trusts as the tops of paths.
///
/// An anchor given as a certificate is held to what the certificate says (RFC 5937): it
/// must be valid at the validation time, be a CA (basicConstraints cA, or a version 1 or 2
/// certificate, which the caller's trust makes a CA), allow keyCertSign when it has
/// keyUsage, carry no critical extension kyso does not process, and its nameConstraints and
/// pathLenConstraint bind the whole path. Its own signature is not checked. Callers whose
/// anchors are only a name and a key (RFC 5280 section 6.1.1 (d)), such as a CSCA kept past
/// its validity for older documents, say so with
/// [`TrustStore::accept_anchors_as_name_and_key`]. Put only roots you mean to trust here;
/// intermediates belong in the `intermediates` argument of path validation.
///
/// Cheap to clone and safe to share between threads (`Send + Sync`).
///
/// ```
/// let pem = std::fs::read("test-vectors/pki/root-ca.pem")?;
/// let store = kyso::TrustStore::from_pem(&pem)?;
/// assert_eq!(store.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct TrustStore {
    anchors: Vec<Certificate>,
    name_and_key_only: bool,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        TrustStore::default()
    }

    /// A store holding every certificate of a PEM bundle.
    ///
    /// # Errors
    ///
    /// Those of [`Certificate::parse_pem_bundle`].
    pub fn from_pem(pem_text: &[u8]) -> Result<Self, Error> {
        let mut store = TrustStore::new();
        store.add_pem(pem_text)?;
        Ok(store)
    }

    /// A store holding the given certificates.
    pub fn from_certificates(certs: impl IntoIterator<Item = Certificate>) -> Self {
        let mut store = TrustStore::new();
        for cert in certs {
            store.add(cert);
        }
        store
    }

    /// Adds one anchor. Adding the same certificate twice has no effect.
    pub fn add(&mut self, cert: Certificate) {
        if !self.contains(&cert) {
            self.anchors.push(cert);
        }
    }

    /// Adds every certificate of a PEM bundle; on error nothing is added.
    ///
    /// # Errors
    ///
    /// Those of [`Certificate::parse_pem_bundle`].
    pub fn add_pem(&mut self, pem_text: &[u8]) -> Result<(), Error> {
        for cert in Certificate::parse_pem_bundle(pem_text)? {
            self.add(cert);
        }
        Ok(())
    }

    /// Adds one DER certificate.
    ///
    /// # Errors
    ///
    /// Those of [`Certificate::from_der`]; nothing is added then.
    pub fn add_der(&mut self, der: &[u8]) -> Result<(), Error> {
        self.add(Certificate::from_der(der)?);
        Ok(())
    }

    /// Adds the certificates of a file (PEM bundle or DER); on error nothing is added.
    ///
    /// # Errors
    ///
    /// Those of [`Certificate::from_file`].
    pub fn add_file(&mut self, path: impl AsRef<Path>) -> Result<(), Error> {
        for cert in Certificate::from_file(path)? {
            self.add(cert);
        }
        Ok(())
    }

    /// Treats every anchor as a bare name and public key (RFC 5280 section 6.1.1 (d)): its
    /// validity, extensions and constraints are not checked nor applied; it is taken as a
    /// CA. A certificate validated as itself an anchor (a pinned end entity) is still
    /// checked as the end entity it is: validity, key, profile, purpose. For callers whose trust comes with its own conditions (a national CSCA list
    /// kept past the CSCAs' validity to check older documents, a root whose constraints the
    /// caller enforces elsewhere).
    #[must_use]
    pub fn accept_anchors_as_name_and_key(mut self) -> Self {
        self.name_and_key_only = true;
        self
    }

    /// Whether anchors are treated as a bare name and key
    /// ([`TrustStore::accept_anchors_as_name_and_key`]).
    pub fn anchors_are_name_and_key(&self) -> bool {
        self.name_and_key_only
    }

    /// Whether this exact certificate is an anchor.
    pub fn contains(&self, cert: &Certificate) -> bool {
        self.anchors.iter().any(|a| a == cert)
    }

    /// The number of anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The anchors, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = &Certificate> {
        self.anchors.iter()
    }
}
