//! Certificate revocation lists (RFC 5280 sections 5 and 6.3).

use crate::error::{EncodingError, RevocationError, SignatureError};
pub use crate::vocabulary::RevocationReason;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use x509_parser::extensions::{ParsedExtension, SubjectAlternativeName};
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use crate::budget::{Budget, CheckId};
use crate::cert::general_name::{
    DistributionPoint, GeneralName, any_same, read_issuing_distribution_point,
};
use crate::cert::{Certificate, KeyUsage, Name};
use crate::error::{Error, Malformed, Object};
use crate::key::{AlgorithmPolicy, SignatureAlgorithm};
use crate::limits::{MAX_CRL_ENTRIES, MAX_CRL_SIZE, MAX_REMEMBERED_SIGNERS};
use crate::oid::Oid;
use crate::time::Time;

/// One revoked certificate listed in a CRL.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RevokedEntry {
    /// The certificate's serial number (content octets, as encoded).
    pub serial: Vec<u8>,
    /// When the CA revoked it.
    pub revocation_date: Time,
    /// Why.
    pub reason: RevocationReason,
    /// When the key is known or suspected to have been compromised, if given.
    pub invalidity_date: Option<Time>,
}

impl RevokedEntry {
    /// From when the certificate counts as revoked: the revocation date, or the
    /// invalidity date when the entry gives an earlier one (RFC 5280 section 5.3.2: when the
    /// key is known or suspected to have been compromised, or the certificate otherwise
    /// became invalid). A signature made between the two dates, even one a timestamp proves,
    /// is made with a key the CA declares untrustworthy by then. A hold (and its removal)
    /// counts from its date only: a suspension says nothing about the past.
    pub fn invalid_from(&self) -> Time {
        match (self.reason, self.invalidity_date) {
            (RevocationReason::CertificateHold | RevocationReason::RemoveFromCrl, _)
            | (_, None) => self.revocation_date,
            (_, Some(invalid)) => invalid.min(self.revocation_date),
        }
    }
}

/// What a CRL says of a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CrlStatus {
    /// Not listed: not revoked as of the CRL's thisUpdate.
    NotRevoked,
    /// Listed as revoked.
    Revoked(RevokedEntry),
    /// Listed with reason certificateHold: suspended.
    OnHold(RevokedEntry),
}

/// A certificate revocation list, parsed once (DER or PEM `X509 CRL`), cheap to clone.
#[derive(Clone)]
pub struct Crl(Arc<Inner>);

struct Inner {
    der: Vec<u8>,
    tbs: Vec<u8>,
    signature_algorithm: Vec<u8>,
    signature: Vec<u8>,
    issuer: Name,
    this_update: Time,
    next_update: Option<Time>,
    crl_number: Option<Vec<u8>>,
    /// Whether the cRLNumber extension is marked critical.
    crl_number_critical: bool,
    /// The entries by serial number, each with the index of its certificate issuer in
    /// `entry_issuers` (0, the CRL issuer itself, unless an indirect CRL says otherwise).
    entries: HashMap<Vec<u8>, Vec<(usize, RevokedEntry)>>,
    /// The certificate issuers of the entries: `entry_issuers[0]` is the CRL issuer; an
    /// indirect CRL's certificateIssuer entry extensions add the others (RFC 5280 5.3.3).
    entry_issuers: Vec<Vec<GeneralName>>,
    scope: Scope,
    /// The encoded issuingDistributionPoint, to compare a delta CRL's scope with its base's.
    idp_der: Option<Vec<u8>>,
    /// The authorityKeyIdentifier's keyIdentifier.
    authority_key_id: Option<Vec<u8>>,
    /// The deltaCRLIndicator's BaseCRLNumber (magnitude, big-endian), for a delta CRL.
    base_crl_number: Option<Vec<u8>>,
    delta: bool,
    unsupported_critical: Option<Oid>,
    /// The SHA-256 of the whole CRL: what a signature check is about.
    fingerprint: [u8; 32],
    /// The outcome of the signature check by each certificate's key that was tried (a CRL
    /// shared by many certificates is checked once per key, not once per certificate, and
    /// a signature that failed is not checked again).
    verified_by: Mutex<Vec<([u8; 32], bool)>>,
}

/// What the issuingDistributionPoint extension limits the CRL to.
#[derive(Default)]
struct Scope {
    /// The distribution point's names in full; `None` when the extension names none. A
    /// name form kyso does not read is kept as a name that matches nothing.
    names: Option<Vec<GeneralName>>,
    only_user_certs: bool,
    only_ca_certs: bool,
    /// onlySomeReasons as a ReasonFlags mask; `None` for every reason.
    only_some_reasons: Option<u16>,
    indirect: bool,
    only_attribute_certs: bool,
}

/// Every revocation reason of ReasonFlags (bits 1, keyCompromise, to 8, aACompromise).
pub(crate) const ALL_REASONS: u16 = 0x01fe;

const EXT_CERTIFICATE_ISSUER: &str = "2.5.29.29";

const EXT_CRL_NUMBER: &str = "2.5.29.20";
const EXT_DELTA_CRL_INDICATOR: &str = "2.5.29.27";
const EXT_ISSUING_DISTRIBUTION_POINT: &str = "2.5.29.28";
const EXT_AUTHORITY_KEY_ID: &str = "2.5.29.35";
const EXT_REASON_CODE: &str = "2.5.29.21";
const EXT_INVALIDITY_DATE: &str = "2.5.29.24";
const EXT_HOLD_INSTRUCTION: &str = "2.5.29.23";

impl Crl {
    /// Parses a DER CRL. Trailing bytes are an error.
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`] with [`Object::Crl`] for input over [`MAX_CRL_SIZE`] bytes, or
    ///   for more than [`MAX_CRL_ENTRIES`] entries (`limit` and `actual` then count entries).
    /// - [`EncodingError::Malformed`] with [`Object::Crl`]: the input is empty ([`Malformed::Empty`]);
    ///   it does not decode as a `CertificateList` (RFC 5280 section 5.1)
    ///   ([`Malformed::InvalidDer`]); bytes follow it ([`Malformed::TrailingData`]); its
    ///   `signature` field differs from `signatureAlgorithm` (RFC 5280 section 5.1.1.2), or an
    ///   entry's reasonCode is 7, which section 5.3.1 leaves unused
    ///   ([`Malformed::InvalidValue`]).
    /// - [`EncodingError::Malformed`] with [`Object::Crl`] and [`Malformed::InvalidExtension`] if a
    ///   CRL or entry extension does not decode: among others a reasonCode above 10, an
    ///   issuingDistributionPoint kyso cannot read, a deltaCRLIndicator whose BaseCRLNumber
    ///   is not a non-negative INTEGER of at most 127 octets, or, in an indirect CRL, a
    ///   certificateIssuer that is not a non-empty `GeneralNames`.
    /// - [`EncodingError::Malformed`] with [`Object::Name`] and [`Malformed::InvalidDer`] if the
    ///   issuer is not a DER name as RFC 5280 section 4.1.2.4 shapes it, and
    ///   [`EncodingError::TooLarge`] with [`Object::Name`] if it has more than
    ///   [`MAX_NAME_ATTRIBUTES`](crate::limits::MAX_NAME_ATTRIBUTES) attributes.
    ///
    /// A critical extension kyso does not process is not an error here:
    /// [`Crl::status_between`] refuses such a CRL ([`RevocationError::UnknownCriticalCrlExtension`]).
    pub fn from_der(der_bytes: &[u8]) -> Result<Self, Error> {
        if der_bytes.is_empty() {
            return Err(Error::malformed(Object::Crl, Malformed::Empty));
        }
        if der_bytes.len() > MAX_CRL_SIZE {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::Crl,
                limit: MAX_CRL_SIZE,
                actual: der_bytes.len(),
            }));
        }
        let (rest, crl) = CertificateRevocationList::from_der(der_bytes)
            .map_err(|_| Error::invalid_der(Object::Crl))?;
        if !rest.is_empty() {
            return Err(Error::malformed(Object::Crl, Malformed::TrailingData));
        }
        let tbs_list = &crl.tbs_cert_list;
        if tbs_list.signature != crl.signature_algorithm {
            return Err(Error::malformed(
                Object::Crl,
                Malformed::InvalidValue {
                    field: "signature (differs from signatureAlgorithm)",
                },
            ));
        }
        let count = tbs_list.revoked_certificates.len();
        if count > MAX_CRL_ENTRIES {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::Crl,
                limit: MAX_CRL_ENTRIES,
                actual: count,
            }));
        }
        let (tbs, signature_algorithm) = split(der_bytes)?;
        let mut inner = Inner {
            der: der_bytes.to_vec(),
            tbs,
            signature_algorithm,
            signature: crl.signature_value.data.to_vec(),
            issuer: Name::from_x509(&tbs_list.issuer)?,
            this_update: Time::from_unix(tbs_list.this_update.timestamp()),
            next_update: tbs_list.next_update.map(|t| Time::from_unix(t.timestamp())),
            crl_number: None,
            crl_number_critical: false,
            entries: HashMap::with_capacity(count),
            entry_issuers: Vec::new(),
            scope: Scope::default(),
            idp_der: None,
            authority_key_id: None,
            base_crl_number: None,
            delta: false,
            unsupported_critical: None,
            fingerprint: sha256(der_bytes),
            verified_by: Mutex::new(Vec::new()),
        };
        read_crl_extensions(&mut inner, tbs_list.extensions())?;
        read_entries(&mut inner, &tbs_list.revoked_certificates)?;
        Ok(Crl(Arc::new(inner)))
    }

    /// Parses the first `X509 CRL` block of PEM text, or DER if the input is not PEM.
    ///
    /// # Errors
    ///
    /// - Those of [`Crl::from_der`] for DER input, and for the contents of the first
    ///   `X509 CRL` block.
    /// - [`EncodingError::TooLarge`] with [`Object::Pem`] for PEM text over
    ///   [`MAX_PEM_SIZE`](crate::limits::MAX_PEM_SIZE) bytes.
    /// - [`EncodingError::Malformed`] with [`Object::Pem`] if a PEM block is damaged
    ///   ([`Malformed::InvalidBase64`], [`Malformed::InvalidPemFraming`]) or no block is
    ///   labelled `X509 CRL` ([`Malformed::NoPemBlock`]).
    pub fn from_pem(pem_text: &[u8]) -> Result<Self, Error> {
        if !crate::pem::looks_like_pem(pem_text) {
            return Crl::from_der(pem_text);
        }
        let block = crate::pem::parse_blocks(pem_text)?
            .into_iter()
            .find(|b| b.tag() == "X509 CRL")
            .ok_or(Error::malformed(Object::Pem, Malformed::NoPemBlock))?;
        Crl::from_der(block.contents())
    }

    /// Reads a CRL file, PEM or DER.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be read, [`EncodingError::TooLarge`] with [`Object::Crl`] if
    /// it is over [`MAX_CRL_SIZE`] bytes, and otherwise those of [`Crl::from_pem`].
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let data = crate::digest::read_bounded(path.as_ref(), MAX_CRL_SIZE, Object::Crl)?;
        Crl::from_pem(&data)
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    /// The issuer's name.
    pub fn issuer(&self) -> &Name {
        &self.0.issuer
    }

    /// thisUpdate.
    pub fn this_update(&self) -> Time {
        self.0.this_update
    }

    /// nextUpdate, if present.
    pub fn next_update(&self) -> Option<Time> {
        self.0.next_update
    }

    /// The cRLNumber extension's value (DER INTEGER), if present.
    pub fn crl_number(&self) -> Option<&[u8]> {
        self.0.crl_number.as_deref()
    }

    /// Whether this is a delta CRL.
    pub fn is_delta(&self) -> bool {
        self.0.delta
    }

    /// The entries, in no particular order (for an indirect CRL, those of every
    /// certificate issuer it covers).
    pub fn entries(&self) -> impl Iterator<Item = &RevokedEntry> {
        self.0.entries.values().flatten().map(|(_, e)| e)
    }

    /// Verifies the CRL's signature with `issuer`'s key under `policy`, and that `issuer`
    /// may sign CRLs (its name is the CRL's issuer; keyUsage, when present, has cRLSign).
    ///
    /// # Errors
    ///
    /// - [`RevocationError::CrlIssuerMismatch`] if `issuer`'s subject is not the CRL's issuer name.
    /// - [`RevocationError::CrlIssuerCannotSignCrls`] if `issuer` has a keyUsage extension without
    ///   cRLSign (RFC 5280 section 6.3.3 (f)).
    /// - Those of [`Certificate::public_key`] for `issuer`, and of
    ///   [`SignatureAlgorithm::from_algorithm_identifier_der`] for the CRL's
    ///   `signatureAlgorithm` with that key.
    /// - [`SignatureError::AlgorithmNotAllowed`], [`SignatureError::RsaKeyTooSmall`] or
    ///   [`SignatureError::RsaKeyTooLarge`] if `policy` or kyso refuses the algorithm or the key, as
    ///   [`PublicKey::verify`](crate::key::PublicKey::verify) does.
    /// - [`RevocationError::CrlBadSignature`] if the signature does not verify (RFC 5280 section
    ///   6.3.3 (g)).
    pub fn verify_signed_by(
        &self,
        issuer: &Certificate,
        policy: &AlgorithmPolicy,
    ) -> Result<(), Error> {
        self.verify_signed_by_in(issuer, policy, &Budget::default())
    }

    /// As [`Crl::verify_signed_by`], the signature check charged to `budget`.
    pub(crate) fn verify_signed_by_in(
        &self,
        issuer: &Certificate,
        policy: &AlgorithmPolicy,
        budget: &Budget,
    ) -> Result<(), Error> {
        if !issuer.subject().matches(&self.0.issuer) {
            return Err(Error::Revocation(RevocationError::CrlIssuerMismatch));
        }
        if issuer
            .key_usage()
            .is_some_and(|ku| !ku.contains(KeyUsage::CRL_SIGN))
        {
            return Err(Error::Revocation(RevocationError::CrlIssuerCannotSignCrls));
        }
        let key = issuer.public_key()?;
        let alg =
            SignatureAlgorithm::from_algorithm_identifier_der(&self.0.signature_algorithm, key)?;
        // The policy is applied on every call; only the signature check is remembered.
        key.usable_for(alg, policy)?;
        let fingerprint = *issuer.fingerprint_sha256();
        let id = CheckId {
            object: self.0.fingerprint,
            key: fingerprint,
        };
        budget.check(id, || {
            let known = self
                .0
                .verified_by
                .lock()
                .ok()
                .and_then(|v| v.iter().find(|(f, _)| *f == fingerprint).map(|(_, ok)| *ok));
            let ok = match known {
                Some(ok) => ok,
                None => {
                    let ok = match key.verify(alg, &self.0.tbs, &self.0.signature, policy) {
                        Ok(()) => true,
                        Err(Error::Signature(SignatureError::InvalidSignature)) => false,
                        Err(other) => return Err(other),
                    };
                    if let Ok(mut v) = self.0.verified_by.lock()
                        && v.len() < MAX_REMEMBERED_SIGNERS
                    {
                        v.push((fingerprint, ok));
                    }
                    ok
                }
            };
            if ok {
                Ok(())
            } else {
                Err(Error::Revocation(RevocationError::CrlBadSignature))
            }
        })
    }

    /// What this CRL says of `cert`, issued by `issuer`, at `time`: the CRL's signature,
    /// issuer, freshness (thisUpdate ≤ time ≤ nextUpdate), scope (issuingDistributionPoint
    /// against the certificate's distribution points and CA flag) and critical extensions are
    /// all checked first.
    ///
    /// # Errors
    ///
    /// Those of [`Crl::status_between`] with `time` as both `at` and `now`.
    pub fn status_of(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        time: Time,
        policy: &AlgorithmPolicy,
    ) -> Result<CrlStatus, Error> {
        self.status_between(cert, issuer, time, time, policy)
    }

    /// What this CRL says of `cert` at `at`, judged at `now` (`at` ≤ `now`): the CRL must
    /// be issued by `now` and still current at `at` (nextUpdate ≥ `at`), so a CRL issued
    /// after `at` can show the certificate was not revoked then. A CRL issued after the
    /// certificate expired cannot show that it was not revoked
    /// ([`RevocationError::RevocationDataAfterExpiry`]).
    ///
    /// This judges one complete CRL, signed by the certificate's issuer, that covers every
    /// reason. Delta CRLs, CRLs partitioned by reason, indirect CRLs and CRLs signed with
    /// another key than the certificate's need the rest of the path and the other CRLs:
    /// [`PathValidator`](crate::PathValidator) combines them (RFC 5280 section 6.3), and
    /// this method refuses them ([`RevocationError::CrlUnsupported`]).
    ///
    /// # Errors
    ///
    /// - [`RevocationError::UnknownCriticalCrlExtension`] if the CRL or one of its entries has a
    ///   critical extension kyso does not process, which makes the CRL unusable (RFC 5280
    ///   sections 5.2 and 5.3).
    /// - [`RevocationError::CrlUnsupported`] for a delta CRL, an indirect CRL, or a CRL partitioned by
    ///   reason (onlySomeReasons).
    /// - [`RevocationError::CrlNumberMissing`] or [`RevocationError::CrlNumberCritical`] if
    ///   `cert` is not listed and the CRL lacks the non-critical cRLNumber RFC 5280 section
    ///   5.2.3 requires: such a CRL shows revocations, not their absence.
    /// - [`RevocationError::CrlIssuerMismatch`] if `cert`'s issuer name is not the CRL's issuer, and
    ///   those of [`Crl::verify_signed_by`] with `issuer`.
    /// - [`RevocationError::CrlNotYetValid`] if thisUpdate is after `now`.
    /// - [`RevocationError::CrlExpired`] if nextUpdate is before `at` (RFC 5280 section 6.3.3 (a)(2));
    ///   a CRL without nextUpdate, which section 5.1.2.5 requires, counts as current for one
    ///   day after its thisUpdate.
    /// - [`RevocationError::CrlOutOfScope`] if the issuingDistributionPoint does not cover `cert` for
    ///   every reason (RFC 5280 section 6.3.3 (b)(2), (d)): it names distribution points and
    ///   none is `cert`'s, it limits the CRL to user, CA or attribute certificates and `cert`
    ///   is not one, or the distribution point of `cert` it matches lists some reasons only.
    /// - [`RevocationError::RevocationDataAfterExpiry`] if `cert` is not listed (or its hold was
    ///   removed) and thisUpdate is after `cert`'s notAfter.
    pub fn status_between(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: Time,
        now: Time,
        policy: &AlgorithmPolicy,
    ) -> Result<CrlStatus, Error> {
        self.status_between_in(cert, issuer, at, now, policy, &Budget::default())
    }

    /// As [`Crl::status_between`], the signature check charged to `budget`.
    pub(crate) fn status_between_in(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: Time,
        now: Time,
        policy: &AlgorithmPolicy,
        budget: &Budget,
    ) -> Result<CrlStatus, Error> {
        let inner = &self.0;
        self.check_critical()?;
        if inner.delta {
            return Err(Error::Revocation(RevocationError::CrlUnsupported {
                feature: "delta CRL",
            }));
        }
        if inner.scope.indirect {
            return Err(Error::Revocation(RevocationError::CrlUnsupported {
                feature: "indirect CRL",
            }));
        }
        if inner.scope.only_some_reasons.is_some() {
            return Err(Error::Revocation(RevocationError::CrlUnsupported {
                feature: "CRL partitioned by reason",
            }));
        }
        if !cert.issuer().matches(&inner.issuer) {
            return Err(Error::Revocation(RevocationError::CrlIssuerMismatch));
        }
        self.verify_signed_by_in(issuer, policy, budget)?;
        self.check_times(at, now)?;
        let in_scope = distribution_points(cert)
            .iter()
            .filter(|dp| dp.crl_issuer.is_none())
            .any(|dp| self.scope_for(cert, dp) == Ok(ALL_REASONS));
        if !in_scope {
            return Err(Error::Revocation(RevocationError::CrlOutOfScope));
        }
        let status = self.status_from(cert, self.entry_for(cert, at))?;
        if status == CrlStatus::NotRevoked {
            self.check_crl_number()?;
        }
        Ok(status)
    }

    /// The status an entry (or none) gives `cert`, refusing "not revoked" from a CRL issued
    /// after the certificate expired.
    pub(crate) fn status_from(
        &self,
        cert: &Certificate,
        entry: Option<&RevokedEntry>,
    ) -> Result<CrlStatus, Error> {
        let status = match entry {
            None => CrlStatus::NotRevoked,
            Some(e) if e.reason == RevocationReason::CertificateHold => {
                CrlStatus::OnHold(e.clone())
            }
            Some(e) if e.reason == RevocationReason::RemoveFromCrl => CrlStatus::NotRevoked,
            Some(e) => CrlStatus::Revoked(e.clone()),
        };
        if status == CrlStatus::NotRevoked && self.0.this_update > cert.not_after() {
            return Err(Error::Revocation(
                RevocationError::RevocationDataAfterExpiry {
                    issued: self.0.this_update,
                    not_after: cert.not_after(),
                },
            ));
        }
        Ok(status)
    }

    /// Refuses a CRL with a critical extension (of the CRL or of an entry) kyso does not
    /// process.
    pub(crate) fn check_critical(&self) -> Result<(), Error> {
        match &self.0.unsupported_critical {
            Some(oid) => Err(Error::Revocation(
                RevocationError::UnknownCriticalCrlExtension { oid: oid.clone() },
            )),
            None => Ok(()),
        }
    }

    /// Refuses, as evidence that a certificate is not revoked, a CRL without a cRLNumber or
    /// with a critical one: RFC 5280 section 5.2.3 requires every CRL to carry the extension,
    /// non-critical, and without it a CRL cannot be ordered against its issuer's others, nor
    /// a delta CRL tied to it. A revocation such a CRL lists, under a valid signature, still
    /// counts: setting it aside would hide what its issuer said.
    pub(crate) fn check_crl_number(&self) -> Result<(), Error> {
        if self.0.crl_number.is_none() {
            return Err(Error::Revocation(RevocationError::CrlNumberMissing));
        }
        if self.0.crl_number_critical {
            return Err(Error::Revocation(RevocationError::CrlNumberCritical));
        }
        Ok(())
    }

    /// The CRL is issued by `now` and current at `at` (nextUpdate ≥ `at`).
    pub(crate) fn check_times(&self, at: Time, now: Time) -> Result<(), Error> {
        let inner = &self.0;
        if now < inner.this_update {
            return Err(Error::Revocation(RevocationError::CrlNotYetValid {
                this_update: inner.this_update,
                time: now,
            }));
        }
        // RFC 5280 section 5.1.2.5 requires nextUpdate; without one, a CRL is taken as
        // current for one day, as an OCSP response without nextUpdate is.
        let next = inner
            .next_update
            .unwrap_or_else(|| Time::from_unix(inner.this_update.unix().saturating_add(86_400)));
        if at > next {
            return Err(Error::Revocation(RevocationError::CrlExpired {
                next_update: next,
                time: at,
            }));
        }
        Ok(())
    }

    /// RFC 5280 section 6.3.3 (b) and (d): whether this CRL may speak for `cert` under its
    /// distribution point `dp` (issuer, issuingDistributionPoint scope), and for which
    /// reasons (the interim reasons mask; it may be empty).
    pub(crate) fn scope_for(
        &self,
        cert: &Certificate,
        dp: &DistributionPoint,
    ) -> Result<u16, Error> {
        let inner = &self.0;
        let scope = &inner.scope;
        // (b)(1): the CRL comes from the distribution point's CRL issuer, which takes an
        // indirect CRL, or else from the certificate's issuer.
        match &dp.crl_issuer {
            Some(names) => {
                let named = names
                    .iter()
                    .filter_map(GeneralName::directory)
                    .any(|n| n.matches(&inner.issuer));
                if !(named && scope.indirect) {
                    return Err(Error::Revocation(RevocationError::CrlIssuerMismatch));
                }
            }
            None if !cert.issuer().matches(&inner.issuer) => {
                return Err(Error::Revocation(RevocationError::CrlIssuerMismatch));
            }
            None => {}
        }
        // (b)(2)(i): a distribution point the CRL names must be the certificate's.
        if let Some(idp_names) = &scope.names {
            let same = match (&dp.names, &dp.crl_issuer) {
                (Some(names), _) => any_same(idp_names, names),
                (None, Some(issuers)) => any_same(idp_names, issuers),
                (None, None) => false,
            };
            if !same {
                return Err(Error::Revocation(RevocationError::CrlOutOfScope));
            }
        }
        // (b)(2)(ii) to (iv).
        if scope.only_attribute_certs
            || (scope.only_user_certs && cert.is_ca())
            || (scope.only_ca_certs && !cert.is_ca())
        {
            return Err(Error::Revocation(RevocationError::CrlOutOfScope));
        }
        // (d).
        let dp_reasons = dp.reasons.map_or(ALL_REASONS, |r| r & ALL_REASONS);
        Ok(scope.only_some_reasons.unwrap_or(ALL_REASONS) & dp_reasons)
    }

    /// The entry listing `cert` (serial number and, in an indirect CRL, certificate
    /// issuer), as it stands at `at`. When a certificate is listed twice, an entry in effect
    /// by `at` counts first (a revocation before a hold), then the earliest later one, then
    /// a removal; among equals, the earliest.
    pub(crate) fn entry_for(&self, cert: &Certificate, at: Time) -> Option<&RevokedEntry> {
        let inner = &self.0;
        let rank = |e: &RevokedEntry| match e.reason {
            RevocationReason::RemoveFromCrl => 0,
            _ if e.invalid_from() > at => 1,
            RevocationReason::CertificateHold => 2,
            _ => 3,
        };
        inner
            .entries
            .get(minimal_serial(cert.serial()))?
            .iter()
            .filter(|(group, _)| {
                inner.entry_issuers.get(*group).is_some_and(|names| {
                    names
                        .iter()
                        .filter_map(GeneralName::directory)
                        .any(|n| n.matches(cert.issuer()))
                })
            })
            .map(|(_, e)| e)
            .min_by(|a, b| {
                rank(b)
                    .cmp(&rank(a))
                    .then(a.invalid_from().cmp(&b.invalid_from()))
            })
    }

    /// Whether this delta CRL can be applied to the complete CRL `base` (RFC 5280 sections
    /// 5.2.4 and 6.3.3 (g)): same issuer, same scope, same authority key identifier, and
    /// `base` at least as recent as the delta's BaseCRLNumber and older than the delta.
    pub(crate) fn is_delta_for(&self, base: &Crl) -> bool {
        let (d, b) = (&self.0, &base.0);
        let (Some(base_needed), Some(base_number), Some(delta_number)) = (
            d.base_crl_number.as_deref(),
            b.crl_number.as_deref().and_then(integer_magnitude),
            d.crl_number.as_deref().and_then(integer_magnitude),
        ) else {
            return false;
        };
        d.delta
            && !b.delta
            && d.issuer.matches(&b.issuer)
            && d.idp_der == b.idp_der
            && d.authority_key_id == b.authority_key_id
            && cmp_magnitude(&base_number, base_needed).is_ge()
            && cmp_magnitude(&delta_number, &base_number).is_gt()
    }

    /// The CRL number's magnitude, for ordering delta CRLs.
    pub(crate) fn number(&self) -> Option<Vec<u8>> {
        self.0.crl_number.as_deref().and_then(integer_magnitude)
    }
}

/// The certificate's distribution points, followed by the one RFC 5280 section 6.3.3
/// assumes for CRLs named by none of them: the certificate's issuer, every reason, no
/// cRLIssuer.
pub(crate) fn distribution_points(cert: &Certificate) -> Vec<DistributionPoint> {
    let mut points = cert.distribution_points().to_vec();
    points.push(DistributionPoint {
        names: Some(vec![GeneralName::Directory(cert.issuer().clone())]),
        reasons: None,
        crl_issuer: None,
    });
    points
}

/// An INTEGER's content octets without redundant leading octets (a 0x00 before an octet
/// below 0x80, or 0xff before one at or above it).
fn minimal_serial(mut bytes: &[u8]) -> &[u8] {
    while let [first, second, ..] = bytes {
        let redundant = (*first == 0 && *second < 0x80) || (*first == 0xff && *second >= 0x80);
        if !redundant {
            break;
        }
        bytes = &bytes[1..];
    }
    bytes
}

/// Compares two unsigned big-endian magnitudes without leading zeros.
pub(crate) fn cmp_magnitude(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The magnitude of a non-negative DER INTEGER (big-endian, no leading zero octets);
/// `None` for anything else.
fn integer_magnitude(der_bytes: &[u8]) -> Option<Vec<u8>> {
    let (&tag, rest) = der_bytes.split_first()?;
    let (&len, content) = rest.split_first()?;
    if tag != 0x02 || usize::from(len) != content.len() || len == 0 || len > 0x7f {
        return None;
    }
    if content.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let start = content.iter().take_while(|b| **b == 0).count();
    Some(content.get(start..).unwrap_or_default().to_vec())
}

impl core::fmt::Debug for Crl {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Crl")
            .field("issuer", &self.0.issuer.to_string())
            .field("this_update", &self.0.this_update)
            .field("next_update", &self.0.next_update)
            .field("entries", &self.0.entries.len())
            .finish_non_exhaustive()
    }
}

/// The raw `tbsCertList` and `signatureAlgorithm` of `CertificateList ::= SEQUENCE {
/// tbsCertList, signatureAlgorithm, signatureValue }`.
fn split(input: &[u8]) -> Result<(Vec<u8>, Vec<u8>), Error> {
    use der::{Decode, Reader};
    let bad = |_| Error::invalid_der(Object::Crl);
    let mut reader = der::SliceReader::new(input).map_err(bad)?;
    let header = der::Header::decode(&mut reader).map_err(bad)?;
    if header.tag() != der::Tag::Sequence {
        return Err(Error::invalid_der(Object::Crl));
    }
    let tbs = reader.tlv_bytes().map_err(bad)?.to_vec();
    let alg = reader.tlv_bytes().map_err(bad)?.to_vec();
    Ok((tbs, alg))
}

/// The SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(
        crate::digest::digest(crate::digest::DigestAlgorithm::Sha256, bytes).as_bytes(),
    );
    out
}

/// The CRL extensions of RFC 5280 section 5.2 that kyso reads; a critical one it does not
/// process is remembered, to refuse the CRL when it is used.
fn read_crl_extensions(
    inner: &mut Inner,
    extensions: &[x509_parser::extensions::X509Extension<'_>],
) -> Result<(), Error> {
    for ext in extensions {
        let oid = Oid::from_x509(&ext.oid);
        if oid == EXT_ISSUING_DISTRIBUTION_POINT {
            // Read with x509-cert, which decodes names relative to the CRL issuer.
            let idp =
                read_issuing_distribution_point(ext.value, &inner.issuer).ok_or_else(|| {
                    Error::malformed(Object::Crl, Malformed::InvalidExtension { oid })
                })?;
            inner.scope = Scope {
                names: idp.names,
                only_user_certs: idp.only_user_certs,
                only_ca_certs: idp.only_ca_certs,
                only_some_reasons: idp.only_some_reasons.map(|r| r & ALL_REASONS),
                indirect: idp.indirect,
                only_attribute_certs: idp.only_attribute_certs,
            };
            inner.idp_der = Some(ext.value.to_vec());
            continue;
        }
        match (oid.as_str(), ext.parsed_extension()) {
            (_, ParsedExtension::ParseError { .. }) => {
                return Err(Error::malformed(
                    Object::Crl,
                    Malformed::InvalidExtension { oid },
                ));
            }
            (EXT_CRL_NUMBER, _) => {
                inner.crl_number = Some(ext.value.to_vec());
                inner.crl_number_critical = ext.critical;
            }
            (EXT_DELTA_CRL_INDICATOR, _) => {
                inner.delta = true;
                inner.base_crl_number = Some(integer_magnitude(ext.value).ok_or_else(|| {
                    Error::malformed(
                        Object::Crl,
                        Malformed::InvalidExtension { oid: oid.clone() },
                    )
                })?);
            }
            (EXT_AUTHORITY_KEY_ID, ParsedExtension::AuthorityKeyIdentifier(aki)) => {
                inner.authority_key_id = aki.key_identifier.as_ref().map(|k| k.0.to_vec());
            }
            (EXT_AUTHORITY_KEY_ID, _) => {}
            _ if ext.critical && inner.unsupported_critical.is_none() => {
                inner.unsupported_critical = Some(oid);
            }
            _ => {}
        }
    }
    Ok(())
}

/// The revoked certificates of RFC 5280 section 5.1.2.6 with their entry extensions
/// (section 5.3), keyed by serial number and by the entry's certificate issuer.
fn read_entries(
    inner: &mut Inner,
    revoked: &[x509_parser::revocation_list::RevokedCertificate<'_>],
) -> Result<(), Error> {
    inner
        .entry_issuers
        .push(vec![GeneralName::Directory(inner.issuer.clone())]);
    // RFC 5280 section 5.3.3: in an indirect CRL, an entry without certificateIssuer
    // belongs to the issuer of the entry before it.
    let mut current_issuer = 0usize;
    let mut issuer_index: HashMap<Vec<GeneralName>, usize> = HashMap::new();
    for entry in revoked {
        let mut reason = RevocationReason::Unspecified;
        let mut invalidity_date = None;
        for ext in entry.extensions() {
            let oid = Oid::from_x509(&ext.oid);
            match (oid.as_str(), ext.parsed_extension()) {
                (_, ParsedExtension::ParseError { .. }) => {
                    return Err(Error::malformed(
                        Object::Crl,
                        Malformed::InvalidExtension { oid },
                    ));
                }
                (EXT_REASON_CODE, ParsedExtension::ReasonCode(code)) => {
                    reason = RevocationReason::from_code(code.0).ok_or_else(|| {
                        Error::malformed(
                            Object::Crl,
                            Malformed::InvalidValue {
                                field: "reasonCode",
                            },
                        )
                    })?;
                }
                (EXT_INVALIDITY_DATE, ParsedExtension::InvalidityDate(t)) => {
                    invalidity_date = Some(Time::from_unix(t.timestamp()));
                }
                (EXT_HOLD_INSTRUCTION, _) => {}
                (EXT_CERTIFICATE_ISSUER, _) if inner.scope.indirect => {
                    let names = SubjectAlternativeName::from_der(ext.value)
                        .ok()
                        .filter(|(rest, _)| rest.is_empty())
                        .map(|(_, san)| {
                            san.general_names
                                .iter()
                                .map(GeneralName::from_x509)
                                .collect::<Vec<_>>()
                        })
                        .filter(|names| !names.is_empty())
                        .ok_or_else(|| {
                            Error::malformed(
                                Object::Crl,
                                Malformed::InvalidExtension { oid: oid.clone() },
                            )
                        })?;
                    current_issuer = match issuer_index.get(&names) {
                        Some(&i) => i,
                        None => {
                            inner.entry_issuers.push(names.clone());
                            let i = inner.entry_issuers.len() - 1;
                            issuer_index.insert(names, i);
                            i
                        }
                    };
                }
                // certificateIssuer outside an indirect CRL, and anything else critical.
                _ if ext.critical && inner.unsupported_critical.is_none() => {
                    inner.unsupported_critical = Some(oid);
                }
                _ => {}
            }
        }
        // Keyed by the minimal encoding: a CA that pads serial numbers with a zero
        // octet must not have its revocations missed.
        let serial = minimal_serial(entry.raw_serial()).to_vec();
        // A serial listed twice keeps both entries; a lookup takes the most severe.
        inner.entries.entry(serial.clone()).or_default().push((
            current_issuer,
            RevokedEntry {
                serial,
                revocation_date: Time::from_unix(entry.revocation_date.timestamp()),
                reason,
                invalidity_date,
            },
        ));
    }
    Ok(())
}
