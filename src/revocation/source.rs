//! Where revocation data comes from, and what validation does with it.

use crate::cert::Certificate;
use crate::revocation::crl::Crl;
use crate::revocation::ocsp::OcspResponse;

/// How path validation treats revocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum RevocationPolicy {
    /// Revocation is not checked (the report says so).
    #[default]
    NoCheck,
    /// Every certificate is checked against the data available; a certificate with no
    /// usable data passes, and the path records that its status is unknown.
    IfAvailable,
    /// Every certificate below the anchor must have a usable, current answer; otherwise
    /// validation fails with [`Error::RevocationUnknown`](crate::Error::RevocationUnknown).
    Required,
}

/// A source of revocation data. kyso asks it for the CRLs that may cover a certificate; it
/// checks everything it gets (signature, issuer, freshness, scope) itself, so a source may
/// return more than needed.
///
/// Sources: [`CrlStore`] (CRLs the caller has), the CRLs embedded in a CMS signature (used
/// by the verifier automatically), and later OCSP and network fetching.
pub trait RevocationSource: Send + Sync {
    /// The CRLs that may hold `cert`'s status.
    fn crls_for(&self, cert: &Certificate) -> Vec<Crl>;

    /// OCSP responses that may hold `cert`'s status (tried before CRLs). None by default.
    fn ocsp_responses_for(&self, cert: &Certificate) -> Vec<OcspResponse> {
        let _ = cert;
        Vec::new()
    }
}

/// CRLs and OCSP responses held in memory. CRLs are matched to certificates by issuer
/// name; every OCSP response is offered, and kyso keeps those about the certificate.
#[derive(Clone, Debug, Default)]
pub struct CrlStore {
    crls: Vec<Crl>,
    ocsp: Vec<OcspResponse>,
}

impl CrlStore {
    /// An empty store.
    pub fn new() -> Self {
        CrlStore::default()
    }

    /// A store holding these CRLs.
    pub fn from_crls(crls: impl IntoIterator<Item = Crl>) -> Self {
        CrlStore {
            crls: crls.into_iter().collect(),
            ocsp: Vec::new(),
        }
    }

    /// Adds an OCSP response.
    pub fn add_ocsp(&mut self, response: OcspResponse) {
        self.ocsp.push(response);
    }

    /// Adds a CRL.
    pub fn add(&mut self, crl: Crl) {
        self.crls.push(crl);
    }

    /// The number of CRLs and OCSP responses.
    pub fn len(&self) -> usize {
        self.crls.len() + self.ocsp.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.crls.is_empty() && self.ocsp.is_empty()
    }
}

impl RevocationSource for CrlStore {
    fn crls_for(&self, cert: &Certificate) -> Vec<Crl> {
        self.crls
            .iter()
            .filter(|c| c.issuer().matches(cert.issuer()))
            .cloned()
            .collect()
    }

    fn ocsp_responses_for(&self, _cert: &Certificate) -> Vec<OcspResponse> {
        self.ocsp.clone()
    }
}

/// Two sources asked in turn.
pub(crate) struct Both<'a>(pub &'a dyn RevocationSource, pub &'a dyn RevocationSource);

impl RevocationSource for Both<'_> {
    fn crls_for(&self, cert: &Certificate) -> Vec<Crl> {
        let mut v = self.0.crls_for(cert);
        v.extend(self.1.crls_for(cert));
        v
    }

    fn ocsp_responses_for(&self, cert: &Certificate) -> Vec<OcspResponse> {
        let mut v = self.0.ocsp_responses_for(cert);
        v.extend(self.1.ocsp_responses_for(cert));
        v
    }
}

/// What revocation checking found for one certificate of a validated path.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RevocationCheck {
    /// Index in the chain (0 is the end entity).
    pub index: usize,
    /// The certificate's subject.
    pub subject: String,
    /// The outcome.
    pub outcome: RevocationOutcome,
}

/// The outcome of revocation checking for one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationOutcome {
    /// Not revoked, according to the source described.
    NotRevoked {
        /// Which data decided, for example "CRL of CN=..., thisUpdate ...".
        source: String,
    },
    /// No usable data (allowed by [`RevocationPolicy::IfAvailable`]).
    Unknown {
        /// Why none of the data available could be used.
        reason: String,
    },
}
