//! Certificate revocation lists (RFC 5280 sections 5 and 6.3).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use crate::cert::{Certificate, KeyUsage, Name};
use crate::error::{Error, Malformed, Object};
use crate::key::{AlgorithmPolicy, SignatureAlgorithm};
use crate::limits::{MAX_CRL_ENTRIES, MAX_CRL_SIZE};
use crate::time::Time;

/// Why a certificate was revoked (RFC 5280 section 5.3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum RevocationReason {
    /// unspecified (0), or no reason code given.
    Unspecified,
    /// keyCompromise (1).
    KeyCompromise,
    /// cACompromise (2).
    CaCompromise,
    /// affiliationChanged (3).
    AffiliationChanged,
    /// superseded (4).
    Superseded,
    /// cessationOfOperation (5).
    CessationOfOperation,
    /// certificateHold (6): suspended, may be released later.
    CertificateHold,
    /// removeFromCRL (8): a hold released (delta CRLs).
    RemoveFromCrl,
    /// privilegeWithdrawn (9).
    PrivilegeWithdrawn,
    /// aACompromise (10).
    AaCompromise,
}

impl RevocationReason {
    pub(crate) fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => RevocationReason::Unspecified,
            1 => RevocationReason::KeyCompromise,
            2 => RevocationReason::CaCompromise,
            3 => RevocationReason::AffiliationChanged,
            4 => RevocationReason::Superseded,
            5 => RevocationReason::CessationOfOperation,
            6 => RevocationReason::CertificateHold,
            8 => RevocationReason::RemoveFromCrl,
            9 => RevocationReason::PrivilegeWithdrawn,
            10 => RevocationReason::AaCompromise,
            _ => return None,
        })
    }
}

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
    entries: HashMap<Vec<u8>, RevokedEntry>,
    scope: Scope,
    delta: bool,
    unsupported_critical: Option<String>,
    /// Fingerprints of the certificates whose key verified the signature (a CRL shared by
    /// many certificates is checked once per issuer, not once per certificate).
    verified_by: Mutex<Vec<[u8; 32]>>,
}

/// What the issuingDistributionPoint extension limits the CRL to.
#[derive(Default)]
struct Scope {
    distribution_points: Vec<String>,
    only_user_certs: bool,
    only_ca_certs: bool,
    only_some_reasons: bool,
    indirect: bool,
    only_attribute_certs: bool,
    /// Distribution point names kyso cannot compare (directory names, names relative to the
    /// CRL issuer): refused rather than ignored.
    uncomparable_names: bool,
}

const EXT_CRL_NUMBER: &str = "2.5.29.20";
const EXT_DELTA_CRL_INDICATOR: &str = "2.5.29.27";
const EXT_ISSUING_DISTRIBUTION_POINT: &str = "2.5.29.28";
const EXT_AUTHORITY_KEY_ID: &str = "2.5.29.35";
const EXT_REASON_CODE: &str = "2.5.29.21";
const EXT_INVALIDITY_DATE: &str = "2.5.29.24";
const EXT_HOLD_INSTRUCTION: &str = "2.5.29.23";

impl Crl {
    /// Parses a DER CRL. Trailing bytes are an error.
    pub fn from_der(der_bytes: &[u8]) -> Result<Self, Error> {
        if der_bytes.is_empty() {
            return Err(Error::malformed(Object::Crl, Malformed::Empty));
        }
        if der_bytes.len() > MAX_CRL_SIZE {
            return Err(Error::TooLarge {
                object: Object::Crl,
                limit: MAX_CRL_SIZE,
                actual: der_bytes.len(),
            });
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
            return Err(Error::TooLarge {
                object: Object::Crl,
                limit: MAX_CRL_ENTRIES,
                actual: count,
            });
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
            entries: HashMap::with_capacity(count),
            scope: Scope::default(),
            delta: false,
            unsupported_critical: None,
            verified_by: Mutex::new(Vec::new()),
        };
        for ext in tbs_list.extensions() {
            let oid = ext.oid.to_id_string();
            match (oid.as_str(), ext.parsed_extension()) {
                (_, ParsedExtension::ParseError { .. }) => {
                    return Err(Error::malformed(
                        Object::Crl,
                        Malformed::InvalidExtension { oid },
                    ));
                }
                (EXT_CRL_NUMBER, _) => inner.crl_number = Some(ext.value.to_vec()),
                (EXT_DELTA_CRL_INDICATOR, _) => inner.delta = true,
                (
                    EXT_ISSUING_DISTRIBUTION_POINT,
                    ParsedExtension::IssuingDistributionPoint(idp),
                ) => {
                    match &idp.distribution_point {
                        Some(DistributionPointName::FullName(names)) => {
                            inner.scope.distribution_points = uris(names);
                            inner.scope.uncomparable_names =
                                inner.scope.distribution_points.len() != names.len();
                        }
                        Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => {
                            inner.scope.uncomparable_names = true;
                        }
                        // The parser may leave out a name form it does not read: the raw
                        // encoding says whether a distribution point is there.
                        None => inner.scope.uncomparable_names = idp_names_point(ext.value),
                    }
                    inner.scope.only_user_certs = idp.only_contains_user_certs;
                    inner.scope.only_ca_certs = idp.only_contains_ca_certs;
                    inner.scope.only_some_reasons = idp.only_some_reasons.is_some();
                    inner.scope.indirect = idp.indirect_crl;
                    inner.scope.only_attribute_certs = idp.only_contains_attribute_certs;
                }
                (EXT_AUTHORITY_KEY_ID, _) => {}
                _ if ext.critical && inner.unsupported_critical.is_none() => {
                    inner.unsupported_critical = Some(oid);
                }
                _ => {}
            }
        }
        for entry in &tbs_list.revoked_certificates {
            let mut reason = RevocationReason::Unspecified;
            let mut invalidity_date = None;
            for ext in entry.extensions() {
                let oid = ext.oid.to_id_string();
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
                    // certificateIssuer (indirect CRLs) and anything else critical.
                    _ if ext.critical && inner.unsupported_critical.is_none() => {
                        inner.unsupported_critical = Some(oid);
                    }
                    _ => {}
                }
            }
            let serial = entry.raw_serial().to_vec();
            inner.entries.insert(
                serial.clone(),
                RevokedEntry {
                    serial,
                    revocation_date: Time::from_unix(entry.revocation_date.timestamp()),
                    reason,
                    invalidity_date,
                },
            );
        }
        Ok(Crl(Arc::new(inner)))
    }

    /// Parses the first `X509 CRL` block of PEM text, or DER if the input is not PEM.
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

    /// The entries, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = &RevokedEntry> {
        self.0.entries.values()
    }

    /// Verifies the CRL's signature with `issuer`'s key under `policy`, and that `issuer`
    /// may sign CRLs (its name is the CRL's issuer; keyUsage, when present, has cRLSign).
    pub fn verify_signed_by(
        &self,
        issuer: &Certificate,
        policy: &AlgorithmPolicy,
    ) -> Result<(), Error> {
        if !issuer.subject().matches(&self.0.issuer) {
            return Err(Error::CrlIssuerMismatch);
        }
        if issuer
            .key_usage()
            .is_some_and(|ku| !ku.contains(KeyUsage::CRL_SIGN))
        {
            return Err(Error::CrlIssuerCannotSignCrls);
        }
        let key = issuer.public_key()?;
        let alg =
            SignatureAlgorithm::from_algorithm_identifier_der(&self.0.signature_algorithm, key)?;
        let fingerprint = *issuer.fingerprint_sha256();
        if self
            .0
            .verified_by
            .lock()
            .is_ok_and(|v| v.contains(&fingerprint))
        {
            // The policy is applied on every call; only the signature check is skipped.
            return key.usable_for(alg, policy).map(|_| ());
        }
        key.verify(alg, &self.0.tbs, &self.0.signature, policy)
            .map_err(|e| match e {
                Error::InvalidSignature => Error::CrlBadSignature,
                other => other,
            })?;
        if let Ok(mut v) = self.0.verified_by.lock()
            && v.len() < 8
        {
            v.push(fingerprint);
        }
        Ok(())
    }

    /// What this CRL says of `cert`, issued by `issuer`, at `time`: the CRL's signature,
    /// issuer, freshness (thisUpdate ≤ time ≤ nextUpdate), scope (issuingDistributionPoint
    /// against the certificate's distribution points and CA flag) and critical extensions are
    /// all checked first.
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
    /// ([`Error::RevocationDataAfterExpiry`]).
    pub fn status_between(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: Time,
        now: Time,
        policy: &AlgorithmPolicy,
    ) -> Result<CrlStatus, Error> {
        let inner = &self.0;
        if let Some(oid) = &inner.unsupported_critical {
            return Err(Error::UnknownCriticalCrlExtension { oid: oid.clone() });
        }
        if inner.delta {
            return Err(Error::CrlUnsupported {
                feature: "delta CRL",
            });
        }
        if inner.scope.indirect {
            return Err(Error::CrlUnsupported {
                feature: "indirect CRL",
            });
        }
        if inner.scope.uncomparable_names {
            return Err(Error::CrlUnsupported {
                feature: "distribution point names other than URIs",
            });
        }
        if inner.scope.only_some_reasons {
            return Err(Error::CrlUnsupported {
                feature: "CRL partitioned by reason",
            });
        }
        if !cert.issuer().matches(&inner.issuer) {
            return Err(Error::CrlIssuerMismatch);
        }
        self.verify_signed_by(issuer, policy)?;
        if now < inner.this_update {
            return Err(Error::CrlNotYetValid {
                this_update: inner.this_update,
                time: now,
            });
        }
        // RFC 5280 section 5.1.2.5 requires nextUpdate; without one, a CRL is taken as
        // current for one day, as an OCSP response without nextUpdate is.
        let next = inner
            .next_update
            .unwrap_or_else(|| Time::from_unix(inner.this_update.unix().saturating_add(86_400)));
        if at > next {
            return Err(Error::CrlExpired {
                next_update: next,
                time: at,
            });
        }
        let scope = &inner.scope;
        let in_scope = !(scope.only_attribute_certs
            || (scope.only_user_certs && cert.is_ca())
            || (scope.only_ca_certs && !cert.is_ca())
            || (!scope.distribution_points.is_empty()
                && !cert
                    .crl_distribution_points()
                    .iter()
                    .any(|dp| scope.distribution_points.contains(dp))));
        if !in_scope {
            return Err(Error::CrlOutOfScope);
        }
        let status = match inner.entries.get(cert.serial()) {
            None => CrlStatus::NotRevoked,
            Some(e) if e.reason == RevocationReason::CertificateHold => {
                CrlStatus::OnHold(e.clone())
            }
            Some(e) if e.reason == RevocationReason::RemoveFromCrl => CrlStatus::NotRevoked,
            Some(e) => CrlStatus::Revoked(e.clone()),
        };
        if status == CrlStatus::NotRevoked && inner.this_update > cert.not_after() {
            return Err(Error::RevocationDataAfterExpiry {
                issued: inner.this_update,
                not_after: cert.not_after(),
            });
        }
        Ok(status)
    }
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

fn uris(names: &[GeneralName<'_>]) -> Vec<String> {
    names
        .iter()
        .filter_map(|n| match n {
            GeneralName::URI(u) => Some((*u).to_owned()),
            _ => None,
        })
        .collect()
}

/// Whether an encoded IssuingDistributionPoint starts with a distributionPoint field
/// (`[0]`), or cannot be read at all (then assume it does: refusing is the safe side).
fn idp_names_point(value: &[u8]) -> bool {
    use der::{Decode, Reader};
    let first = (|| -> der::Result<Option<u8>> {
        let mut reader = der::SliceReader::new(value)?;
        let header = der::Header::decode(&mut reader)?;
        let body = reader.read_slice(header.length())?;
        Ok(body.first().copied())
    })();
    match first {
        Ok(Some(tag)) => tag == 0xa0,
        Ok(None) => false,
        Err(_) => true,
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
