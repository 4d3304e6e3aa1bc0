//! [`TrustContext`]: what every validation trusts and checks with, built once and used by
//! every front door ([`Verifier`](crate::Verifier), [`PathValidator`](crate::PathValidator),
//! [`PassiveAuth`](crate::eid::PassiveAuth), [`LoginVerifier`](crate::eid::LoginVerifier)).

use crate::cert::Certificate;
use crate::path::cache::VerificationCache;
use crate::path::trust_store::TrustStore;
use crate::revocation::{RevocationPolicy, RevocationSource};

/// Whether the revocation of certificates is checked, and with which data. There is no
/// default: the caller names the choice, so that a validation without revocation checking
/// says so in the code that asks for it.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Revocation<'a> {
    /// Every certificate's status must be known, from `source` or from the data the
    /// signature carries: a certificate whose status cannot be had fails the path
    /// ([`PathError::RevocationUnknown`](crate::error::PathError::RevocationUnknown); INDETERMINATE /
    /// TRY_LATER in a report).
    Required(&'a dyn RevocationSource),
    /// Status is checked where `source` or the signature has data; a certificate without
    /// any is reported with its status unknown and a warning.
    IfAvailable(&'a dyn RevocationSource),
    /// Not checked by the caller's data. Revocation data a signature carries (CAdES-B-LT)
    /// is still used; without it the report says revocation was not checked
    /// ([`Warning::RevocationNotChecked`](crate::Warning::RevocationNotChecked)).
    NotChecked,
}

impl<'a> Revocation<'a> {
    /// The policy of this choice.
    pub(crate) fn policy(&self) -> RevocationPolicy {
        match self {
            Revocation::Required(_) => RevocationPolicy::Required,
            Revocation::IfAvailable(_) => RevocationPolicy::IfAvailable,
            Revocation::NotChecked => RevocationPolicy::NoCheck,
        }
    }

    /// The caller's source, if any.
    pub(crate) fn source(&self) -> Option<&'a dyn RevocationSource> {
        match self {
            Revocation::Required(s) | Revocation::IfAvailable(s) => Some(*s),
            Revocation::NotChecked => None,
        }
    }
}

impl core::fmt::Debug for Revocation<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Revocation::Required(_) => "Required",
            Revocation::IfAvailable(_) => "IfAvailable",
            Revocation::NotChecked => "NotChecked",
        })
    }
}

/// What validations trust and check with: the trust anchors, the revocation choice, the
/// certificates the caller supplies besides those an input carries, and an optional
/// [`VerificationCache`]. Built once (it holds references and is cheap to clone) and given
/// to every front door; what a validation *accepts* (algorithms, purpose, the time) is its
/// policy, given separately.
///
/// ```
/// use kyso::path::{Revocation, TrustContext};
/// use kyso::revocation::Crl;
/// use kyso::{CrlStore, TrustStore};
///
/// let anchors = TrustStore::from_pem(&std::fs::read("test-vectors/pki/root-ca.pem")?)?;
/// let crls = CrlStore::from_crls([Crl::from_file("test-vectors/revocation/signing-ca.crl")?]);
/// let context = TrustContext::new(&anchors, Revocation::Required(&crls));
/// # let _ = context;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct TrustContext<'a> {
    pub(crate) anchors: &'a TrustStore,
    pub(crate) revocation: Revocation<'a>,
    pub(crate) certificates: Vec<Certificate>,
    pub(crate) cache: Option<&'a VerificationCache>,
    pub(crate) timestamp_anchors: Option<&'a TrustStore>,
}

impl<'a> TrustContext<'a> {
    /// Trusts `anchors`, checking revocation as `revocation` says.
    pub fn new(anchors: &'a TrustStore, revocation: Revocation<'a>) -> Self {
        TrustContext {
            anchors,
            revocation,
            certificates: Vec::new(),
            cache: None,
            timestamp_anchors: None,
        }
    }

    /// Certificates to use besides those an input carries: intermediates, or a signer's
    /// certificate delivered separately. They are candidates for paths, never trusted.
    #[must_use]
    pub fn certificates(mut self, certs: impl IntoIterator<Item = Certificate>) -> Self {
        self.certificates.extend(certs);
        self
    }

    /// Uses `cache` for certificates already parsed and certificate signatures already
    /// verified. Verdicts are the same with or without it.
    #[must_use]
    pub fn cache(mut self, cache: &'a VerificationCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Trust anchors for the TSAs of signature timestamps (default: the same anchors).
    #[must_use]
    pub fn timestamp_anchors(mut self, anchors: &'a TrustStore) -> Self {
        self.timestamp_anchors = Some(anchors);
        self
    }

    /// The trust anchors.
    pub fn anchors(&self) -> &'a TrustStore {
        self.anchors
    }

    /// The revocation choice.
    pub fn revocation(&self) -> Revocation<'a> {
        self.revocation
    }
}
