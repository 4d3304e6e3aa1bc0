//! Where revocation data comes from, and what validation does with it.

use crate::cert::Certificate;
use crate::error::Error;
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
    /// validation fails with [`PathError::RevocationUnknown`](crate::error::PathError::RevocationUnknown).
    Required,
}

/// What a [`RevocationSource`] found for one certificate: CRLs and OCSP responses that may
/// hold its status, and the failures met while looking (an unreachable responder, an
/// oversized CRL), which the report gives as the reason when the status stays unknown.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RevocationData {
    /// CRLs that may cover the certificate.
    pub crls: Vec<Crl>,
    /// OCSP responses that may answer for the certificate.
    pub ocsp: Vec<OcspResponse>,
    /// What went wrong while looking.
    pub failures: Vec<Error>,
}

impl RevocationData {
    /// Nothing found.
    pub fn new() -> Self {
        RevocationData::default()
    }

    /// Appends everything `other` holds.
    pub fn extend(&mut self, other: RevocationData) {
        self.crls.extend(other.crls);
        self.ocsp.extend(other.ocsp);
        self.failures.extend(other.failures);
    }
}

/// A source of revocation data. kyso asks it for the data that may hold a certificate's
/// status; it checks everything it gets (signature, issuer, freshness, scope) itself, so a
/// source may return more than needed, and nothing it returns is trusted as is.
///
/// Sources: [`CrlStore`] (CRLs and OCSP responses the caller has), the validation data
/// embedded in a CMS signature (used by the verifier automatically), and, with the `http`
/// feature, `HttpRevocationSource`, which fetches from the URLs in the certificate.
pub trait RevocationSource: Send + Sync {
    /// The data that may hold `cert`'s status; `issuer` is the certificate that issued it
    /// (an OCSP request names the certificate by its issuer's name and key).
    fn lookup(&self, cert: &Certificate, issuer: &Certificate) -> RevocationData;
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

    /// Adds an OCSP response (one already held, by the same encoding, is not added twice).
    pub fn add_ocsp(&mut self, response: OcspResponse) {
        if !self.ocsp.iter().any(|r| r.der() == response.der()) {
            self.ocsp.push(response);
        }
    }

    /// Adds a CRL (one already held, by the same encoding, is not added twice).
    pub fn add(&mut self, crl: Crl) {
        if !self.crls.iter().any(|c| c.der() == crl.der()) {
            self.crls.push(crl);
        }
    }

    /// The CRLs held.
    pub fn crls(&self) -> &[Crl] {
        &self.crls
    }

    /// The OCSP responses held.
    pub fn ocsp_responses(&self) -> &[OcspResponse] {
        &self.ocsp
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
    /// The CRLs of the certificate's issuer, and of every CRL issuer its distribution
    /// points name (indirect CRLs); every OCSP response held.
    fn lookup(&self, cert: &Certificate, _issuer: &Certificate) -> RevocationData {
        let crl_issuers: Vec<&crate::cert::Name> = cert
            .distribution_points()
            .iter()
            .flat_map(|dp| dp.crl_issuer.iter().flatten())
            .filter_map(crate::cert::GeneralName::directory)
            .collect();
        RevocationData {
            crls: self
                .crls
                .iter()
                .filter(|c| {
                    c.issuer().matches(cert.issuer())
                        || crl_issuers.iter().any(|n| c.issuer().matches(n))
                })
                .cloned()
                .collect(),
            ocsp: self.ocsp.clone(),
            failures: Vec::new(),
        }
    }
}

/// Two sources asked in turn, for example the network and CRLs the caller keeps:
/// `(&http_source, &local_store)`.
impl<A, B> RevocationSource for (A, B)
where
    A: RevocationSource,
    B: RevocationSource,
{
    fn lookup(&self, cert: &Certificate, issuer: &Certificate) -> RevocationData {
        let mut data = self.0.lookup(cert, issuer);
        data.extend(self.1.lookup(cert, issuer));
        data
    }
}

/// No source, or one: `None` contributes nothing.
impl<T: RevocationSource> RevocationSource for Option<T> {
    fn lookup(&self, cert: &Certificate, issuer: &Certificate) -> RevocationData {
        match self {
            Some(source) => source.lookup(cert, issuer),
            None => RevocationData::new(),
        }
    }
}

impl<T: RevocationSource + ?Sized> RevocationSource for Box<T> {
    fn lookup(&self, cert: &Certificate, issuer: &Certificate) -> RevocationData {
        (**self).lookup(cert, issuer)
    }
}

impl<T: RevocationSource + ?Sized> RevocationSource for &T {
    fn lookup(&self, cert: &Certificate, issuer: &Certificate) -> RevocationData {
        (**self).lookup(cert, issuer)
    }
}

/// Two sources asked in turn.
pub(crate) struct Both<'a>(pub &'a dyn RevocationSource, pub &'a dyn RevocationSource);

impl RevocationSource for Both<'_> {
    fn lookup(&self, cert: &Certificate, issuer: &Certificate) -> RevocationData {
        let mut data = self.0.lookup(cert, issuer);
        data.extend(self.1.lookup(cert, issuer));
        data
    }
}

/// The piece of revocation data that decided a certificate's status.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Evidence {
    /// A CRL.
    Crl(Crl),
    /// An OCSP response.
    Ocsp(OcspResponse),
}

impl PartialEq for Evidence {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Evidence::Crl(a), Evidence::Crl(b)) => a.der() == b.der(),
            (Evidence::Ocsp(a), Evidence::Ocsp(b)) => a.der() == b.der(),
            _ => false,
        }
    }
}

impl Eq for Evidence {}

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
    /// The CRL or OCSP response that decided, when one did (what a CAdES-B-LT signature
    /// embeds).
    pub evidence: Option<Evidence>,
    /// Further CRLs the decision needed: other reason partitions, delta CRLs.
    pub supporting_evidence: Vec<Evidence>,
    /// Certificates that signed those CRLs and are not on the path (a separate CRL-signing
    /// key, an indirect CRL's issuer).
    pub supporting_certificates: Vec<crate::cert::Certificate>,
}

/// The outcome of revocation checking for one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationOutcome {
    /// Not revoked at the time of interest, according to the source described.
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
