//! OCSP (RFC 6960): requests, and responses checked against the certificate they speak of.
//!
//! The ASN.1 types are written here with `der` derive: the RustCrypto `x509-ocsp` crate is
//! released only for `der` 0.7, while kyso is on 0.8.

use crate::error::{EncodingError, RevocationError, SignatureError};
use crate::time::PreciseTime;
use der::asn1::OctetString;
use der::{Any, Decode, Encode};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::AlgorithmIdentifierOwned;

use crate::budget::{Budget, CheckId};
use crate::cert::{Certificate, Name};
use crate::digest::{DigestAlgorithm, digest};
use crate::error::{Error, Malformed, Object};
use crate::key::{AlgorithmPolicy, SignatureAlgorithm};
use crate::limits::{MAX_OCSP_RESPONSE_SIZE, MAX_REMEMBERED_SIGNERS};
use crate::revocation::crl::RevocationReason;
use crate::time::Time;

mod asn1;

use crate::oid::{KP_OCSP_SIGNING, Oid};
use asn1::{
    BasicResponse, CertId, ID_CE_INVALIDITY_DATE, ID_PKIX_OCSP_BASIC, ID_PKIX_OCSP_NONCE,
    OcspRequestAsn1, OcspResponseAsn1, Request, ResponseData, RevokedInfo, SingleResponse,
    TbsRequest,
};

/// An OCSP request for one certificate.
#[derive(Clone, Debug)]
pub struct OcspRequest {
    der: Vec<u8>,
    nonce: Option<Vec<u8>>,
}

impl OcspRequest {
    /// A request for `cert`, issued by `issuer`, identifying it with `hash` (SHA-1 is what
    /// most responders index by; SHA-256 where they accept it), with an optional nonce.
    ///
    /// # Errors
    ///
    /// - Those of [`Certificate::public_key`] for `issuer`, whose key the CertID hashes
    ///   (RFC 6960 section 4.1.1).
    /// - [`EncodingError::Malformed`] with [`Object::Ocsp`] and [`Malformed::InvalidDer`] if `cert`'s
    ///   serial number, read as unsigned, takes more than the 20 octets RFC 5280 section
    ///   4.1.2.2 allows as a DER INTEGER, or if `nonce` is too long for a DER length.
    pub fn new(
        cert: &Certificate,
        issuer: &Certificate,
        hash: DigestAlgorithm,
        nonce: Option<&[u8]>,
    ) -> Result<Self, Error> {
        let cert_id = cert_id(cert, issuer, hash)?;
        let request_extensions = match nonce {
            None => None,
            Some(n) => Some(vec![x509_cert::ext::Extension {
                extn_id: ID_PKIX_OCSP_NONCE,
                critical: false,
                extn_value: OctetString::new(
                    OctetString::new(n)
                        .map_err(der_err)?
                        .to_der()
                        .map_err(der_err)?,
                )
                .map_err(der_err)?,
            }]),
        };
        let req = OcspRequestAsn1 {
            tbs_request: TbsRequest {
                request_list: vec![Request { req_cert: cert_id }],
                request_extensions,
            },
        };
        Ok(OcspRequest {
            der: req.to_der().map_err(der_err)?,
            nonce: nonce.map(<[u8]>::to_vec),
        })
    }

    /// The DER request, to POST as `application/ocsp-request`.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The nonce sent, if any.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_deref()
    }
}

/// What an OCSP response says of a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OcspStatus {
    /// Not revoked.
    Good,
    /// Revoked at this time, for this reason.
    Revoked {
        /// When.
        revocation_time: Time,
        /// Why (unspecified when the response does not say).
        reason: RevocationReason,
        /// The invalidity date (the CRL entry extension, which RFC 6960 section 4.4 lets a
        /// response carry in singleExtensions), if given.
        invalidity_date: Option<Time>,
    },
    /// The responder does not know the certificate.
    Unknown,
}

impl OcspStatus {
    /// For a revocation, from when the certificate counts as revoked: the revocation time,
    /// or the invalidity date when earlier (as [`RevokedEntry::invalid_from`](crate::revocation::RevokedEntry::invalid_from)).
    pub fn invalid_from(&self) -> Option<Time> {
        match self {
            OcspStatus::Revoked {
                revocation_time,
                reason,
                invalidity_date,
            } => Some(
                crate::revocation::RevokedEntry {
                    serial: Vec::new(),
                    revocation_date: *revocation_time,
                    reason: *reason,
                    invalidity_date: *invalidity_date,
                }
                .invalid_from(),
            ),
            OcspStatus::Good | OcspStatus::Unknown => None,
        }
    }
}

/// The checked answer of an OCSP response about one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OcspAnswer {
    /// The status.
    pub status: OcspStatus,
    /// When the responder signed the response, to the second (a fraction cut off).
    pub produced_at: Time,
    /// The status's thisUpdate, to the second (a fraction cut off, so it reads no fresher
    /// than it is).
    pub this_update: Time,
    /// The status's nextUpdate, if given, to the second (a fraction cut off, so it expires
    /// no later than it does).
    pub next_update: Option<Time>,
    /// producedAt, thisUpdate and nextUpdate to the precision the responder wrote (RFC 6960
    /// uses GeneralizedTime, which may carry fractional seconds).
    pub precise_times: (PreciseTime, PreciseTime, Option<PreciseTime>),
    /// Who signed: the CA itself, or the subject of the delegated responder certificate.
    pub responder: String,
}

/// An OCSP response (a `BasicOCSPResponse` inside an `OCSPResponse`).
#[derive(Clone, Debug)]
pub struct OcspResponse(std::sync::Arc<Inner>);

#[derive(Debug)]
struct Inner {
    der: Vec<u8>,
    tbs: Vec<u8>,
    data: ResponseData,
    signature_algorithm: Vec<u8>,
    signature: Vec<u8>,
    certs: Vec<Certificate>,
    /// The SHA-256 of the whole response: what a signature check is about.
    fingerprint: [u8; 32],
    /// The outcome of the signature check by each certificate's key that was tried.
    verified_by: std::sync::Mutex<Vec<([u8; 32], bool)>>,
}

/// How strictly a response is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OcspCheck {
    /// Tolerated clock difference with the responder, in seconds (default 300).
    pub clock_skew: i64,
    /// The nonce the request carried: the response must echo it.
    pub nonce: Option<Vec<u8>>,
    /// How old a response without nextUpdate may be, in seconds (default one day).
    pub max_age_without_next_update: i64,
}

impl Default for OcspCheck {
    fn default() -> Self {
        OcspCheck {
            clock_skew: 300,
            nonce: None,
            max_age_without_next_update: 86_400,
        }
    }
}

impl OcspCheck {
    /// Requires the response to echo `nonce`, the one the request carried (RFC 6960
    /// section 4.4.1).
    #[must_use]
    pub fn require_nonce(mut self, nonce: impl Into<Vec<u8>>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Tolerates this clock difference with the responder, in seconds.
    #[must_use]
    pub fn clock_skew(mut self, seconds: i64) -> Self {
        self.clock_skew = seconds;
        self
    }

    /// Accepts a response without nextUpdate up to this age, in seconds.
    #[must_use]
    pub fn max_age_without_next_update(mut self, seconds: i64) -> Self {
        self.max_age_without_next_update = seconds;
        self
    }
}

impl OcspResponse {
    /// Parses a DER `OCSPResponse`. A response whose status is not `successful`
    /// (malformedRequest, tryLater, unauthorized...) is [`RevocationError::OcspResponseStatus`].
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`] with [`Object::Ocsp`] for input over [`MAX_OCSP_RESPONSE_SIZE`]
    ///   bytes.
    /// - [`EncodingError::Malformed`] with [`Object::Ocsp`] and [`Malformed::InvalidDer`] if the input
    ///   is not a DER `OCSPResponse` or its `BasicOCSPResponse` does not decode (RFC 6960
    ///   section 4.2.1), the responseStatus is not an ENUMERATED, a successful response has no
    ///   responseBytes, or the signature BIT STRING has unused bits.
    /// - [`RevocationError::OcspResponseStatus`] with the status if it is not successful (0).
    /// - [`SignatureError::UnsupportedAlgorithm`] with the responseType if it is not
    ///   id-pkix-ocsp-basic, the one type RFC 6960 section 4.2.1 requires responders to
    ///   support.
    /// - Those of [`Certificate::from_der`] for a certificate of the response's `certs`.
    pub fn from_der(der_bytes: &[u8]) -> Result<Self, Error> {
        if der_bytes.len() > MAX_OCSP_RESPONSE_SIZE {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::Ocsp,
                limit: MAX_OCSP_RESPONSE_SIZE,
                actual: der_bytes.len(),
            }));
        }
        let outer = OcspResponseAsn1::from_der(der_bytes).map_err(der_err)?;
        if der::Tagged::tag(&outer.response_status) != der::Tag::Enumerated {
            return Err(Error::invalid_der(Object::Ocsp));
        }
        let status = outer
            .response_status
            .value()
            .first()
            .copied()
            .unwrap_or(255);
        if status != 0 || outer.response_status.value().len() != 1 {
            return Err(Error::Revocation(RevocationError::OcspResponseStatus {
                status,
            }));
        }
        let bytes = outer
            .response_bytes
            .ok_or_else(|| Error::invalid_der(Object::Ocsp))?;
        if bytes.response_type != ID_PKIX_OCSP_BASIC {
            return Err(Error::Signature(SignatureError::UnsupportedAlgorithm {
                oid: Oid::from_der(&bytes.response_type),
            }));
        }
        let basic = BasicResponse::from_der(bytes.response.as_bytes()).map_err(der_err)?;
        let tbs = basic.tbs_response_data.to_der().map_err(der_err)?;
        let data: ResponseData = basic.tbs_response_data.decode_as().map_err(der_err)?;
        let mut certs = Vec::new();
        for c in basic.certs.unwrap_or_default() {
            certs.push(Certificate::from_der(&c.to_der().map_err(der_err)?)?);
        }
        Ok(OcspResponse(std::sync::Arc::new(Inner {
            fingerprint: crate::revocation::crl::sha256(der_bytes),
            verified_by: std::sync::Mutex::new(Vec::new()),
            der: der_bytes.to_vec(),
            tbs,
            data,
            signature_algorithm: basic.signature_algorithm.to_der().map_err(der_err)?,
            signature: basic
                .signature
                .as_bytes()
                .ok_or_else(|| Error::invalid_der(Object::Ocsp))?
                .to_vec(),
            certs,
        })))
    }

    /// The nonce the response echoes (response extension id-pkix-ocsp-nonce), if any.
    pub fn nonce(&self) -> Option<Vec<u8>> {
        self.0
            .data
            .response_extensions
            .as_ref()
            .and_then(|exts| exts.iter().find(|e| e.extn_id == ID_PKIX_OCSP_NONCE))
            .map(|e| {
                // The value is an OCTET STRING holding the nonce; some responders put the
                // nonce bare.
                let v = e.extn_value.as_bytes();
                OctetString::from_der(v)
                    .map(|o| o.as_bytes().to_vec())
                    .unwrap_or_else(|_| v.to_vec())
            })
    }

    /// The nextUpdate of the answer about `cert` (issued by `issuer`), unchecked; `None`
    /// when the response has no answer for it or the answer has no nextUpdate.
    pub fn next_update_for(&self, cert: &Certificate, issuer: &Certificate) -> Option<Time> {
        self.single_for(cert, issuer)
            .and_then(|s| s.next_update.as_ref().map(time_of))
    }

    /// The latest nextUpdate among the response's answers, unchecked.
    #[cfg_attr(not(feature = "http"), allow(dead_code))]
    pub(crate) fn latest_next_update(&self) -> Option<Time> {
        self.0
            .data
            .responses
            .iter()
            .filter_map(|r| r.next_update.as_ref().map(time_of))
            .max()
    }

    /// Whether an answer of the response names the serial number `serial`, whatever the
    /// issuer. Nothing is verified.
    pub(crate) fn mentions_serial(&self, serial: &[u8]) -> bool {
        self.0
            .data
            .responses
            .iter()
            .any(|r| r.cert_id.serial_number.as_bytes() == serial)
    }

    /// Whether the response has an answer about `cert` (issued by `issuer`): its CertID
    /// names it. Nothing is verified.
    pub(crate) fn is_about(&self, cert: &Certificate, issuer: &Certificate) -> bool {
        self.single_for(cert, issuer).is_some()
    }

    fn single_for(&self, cert: &Certificate, issuer: &Certificate) -> Option<&SingleResponse> {
        // The CertID is computed once per hash algorithm, however many answers there are.
        let mut ids: Vec<(DigestAlgorithm, Option<CertId>)> = Vec::new();
        self.0.data.responses.iter().find(|r| {
            let Ok(h) = DigestAlgorithm::from_der_oid(&r.cert_id.hash_algorithm.oid) else {
                return false;
            };
            let id = match ids.iter().find(|(a, _)| *a == h) {
                Some((_, id)) => id.clone(),
                None => {
                    let id = cert_id(cert, issuer, h).ok();
                    ids.push((h, id.clone()));
                    id
                }
            };
            id.is_some_and(|id| {
                id.issuer_name_hash == r.cert_id.issuer_name_hash
                    && id.issuer_key_hash == r.cert_id.issuer_key_hash
                    && id.serial_number.as_bytes() == r.cert_id.serial_number.as_bytes()
            })
        })
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    /// What the response says of `cert` (issued by `issuer`) at `time`, after checking the
    /// signature (the CA's, or a responder's certificate issued by the CA with
    /// id-kp-OCSPSigning and valid at `time`), the nonce, and freshness.
    ///
    /// # Errors
    ///
    /// Those of [`OcspResponse::check_between`] with `time` as both `at` and `now`.
    pub fn check(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        time: Time,
        policy: &AlgorithmPolicy,
        options: &OcspCheck,
    ) -> Result<OcspAnswer, Error> {
        self.check_between(cert, issuer, time, time, policy, options)
    }

    /// What the response says of `cert` at `at`, judged at `now` (`at` ≤ `now`): the
    /// response must be produced by `now` (with the clock skew) and still current at `at`,
    /// so a response produced after `at` can show the certificate was not revoked then. A
    /// delegated responder's certificate must be valid when the response was produced. A
    /// "good" answer given after the certificate expired proves nothing
    /// ([`RevocationError::RevocationDataAfterExpiry`]).
    ///
    /// # Errors
    ///
    /// - [`RevocationError::OcspNoResponseForCertificate`] if no answer's CertID names `cert` and
    ///   `issuer` (under a hash algorithm kyso implements).
    /// - [`RevocationError::OcspUnauthorizedResponder`] if the ResponderID names neither `issuer` nor a
    ///   certificate of the response, or names one that is not an authorised responder (RFC
    ///   6960 section 4.2.2.2): not issued and signed by `issuer`, without id-kp-OCSPSigning
    ///   in its extendedKeyUsage, or not valid at `at` (at the producedAt time when `at` is
    ///   before `now`).
    /// - [`RevocationError::OcspBadSignature`] if the response's signature does not verify with the
    ///   responder's key, or cannot be checked: a signature algorithm kyso does not implement
    ///   or that does not fit the key, an algorithm or key `policy` refuses, or a responder
    ///   key kyso cannot use.
    /// - [`RevocationError::OcspNonceMismatch`] if `options` holds a nonce and the response does not
    ///   echo it (RFC 6960 section 4.4.1).
    /// - [`RevocationError::OcspNotYetValid`] if thisUpdate or producedAt is later than `now` plus
    ///   `options.clock_skew`, and [`RevocationError::OcspStale`] if nextUpdate plus the clock skew is
    ///   before `at`, or, without nextUpdate, thisUpdate is more than
    ///   `options.max_age_without_next_update` seconds before `at` (RFC 6960 section
    ///   4.2.2.1).
    /// - [`RevocationError::RevocationDataAfterExpiry`] if the status is good and thisUpdate is after
    ///   `cert`'s notAfter.
    /// - [`EncodingError::Malformed`] with [`Object::Ocsp`] and [`Malformed::InvalidDer`] if the
    ///   ResponderID is neither byName nor byKey or its byKey hash does not decode, the
    ///   certStatus is none of good, revoked and unknown, the revokedInfo does not decode, or
    ///   its revocationReason is not a reason code of RFC 5280 section 5.3.1.
    /// - [`EncodingError::Malformed`] or [`EncodingError::TooLarge`] with [`Object::Name`] if a byName
    ///   ResponderID does not decode as a name.
    /// - Those of [`Certificate::public_key`] for a certificate whose key a byKey
    ///   ResponderID is compared with, and for `issuer` when a delegated responder's
    ///   certificate is checked against it.
    pub fn check_between(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: Time,
        now: Time,
        policy: &AlgorithmPolicy,
        options: &OcspCheck,
    ) -> Result<OcspAnswer, Error> {
        self.check_between_in(cert, issuer, at, now, policy, options, &Budget::default())
    }

    /// As [`OcspResponse::check_between`], every signature check charged to `budget`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn check_between_in(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: Time,
        now: Time,
        policy: &AlgorithmPolicy,
        options: &OcspCheck,
        budget: &Budget,
    ) -> Result<OcspAnswer, Error> {
        // A response about other certificates has no say; only then is its signature
        // worth checking (a shared store holds responses from many responders).
        let single = self.single_for(cert, issuer).ok_or(Error::Revocation(
            RevocationError::OcspNoResponseForCertificate,
        ))?;
        let produced_at = time_of(&self.0.data.produced_at);
        let responder_time = if at == now { at } else { produced_at };
        let responder = self.verify_signature(issuer, responder_time, policy, budget)?;
        if let Some(expected) = &options.nonce
            && self.nonce().as_deref() != Some(expected.as_slice())
        {
            return Err(Error::Revocation(RevocationError::OcspNonceMismatch));
        }
        let this_update = time_of(&single.this_update);
        let next_update = single.next_update.as_ref().map(time_of);
        let skew = options.clock_skew;
        if this_update.unix() > now.unix().saturating_add(skew)
            || produced_at.unix() > now.unix().saturating_add(skew)
        {
            return Err(Error::Revocation(RevocationError::OcspNotYetValid {
                this_update,
                time: now,
            }));
        }
        let stale = match next_update {
            Some(next) => at.unix() > next.unix().saturating_add(skew),
            None => {
                at.unix().saturating_sub(this_update.unix()) > options.max_age_without_next_update
            }
        };
        if stale {
            return Err(Error::Revocation(RevocationError::OcspStale {
                this_update,
                next_update,
                time: at,
            }));
        }
        let status = match der::Tagged::tag(&single.cert_status) {
            der::Tag::ContextSpecific { number, .. } if number.value() == 0 => OcspStatus::Good,
            der::Tag::ContextSpecific { number, .. } if number.value() == 2 => OcspStatus::Unknown,
            der::Tag::ContextSpecific { number, .. } if number.value() == 1 => {
                let mut reader =
                    der::SliceReader::new(single.cert_status.value()).map_err(der_err)?;
                let header = der::Header::new(
                    der::Tag::Sequence,
                    der::Length::try_from(single.cert_status.value().len()).map_err(der_err)?,
                );
                let info = <RevokedInfo as der::DecodeValue>::decode_value(&mut reader, header)
                    .map_err(der_err)?;
                let reason = match info.revocation_reason {
                    None => RevocationReason::Unspecified,
                    Some(r) => r
                        .value()
                        .first()
                        .and_then(|c| RevocationReason::from_code(*c))
                        .ok_or_else(|| Error::invalid_der(Object::Ocsp))?,
                };
                let invalidity_date = match single
                    .single_extensions
                    .iter()
                    .flatten()
                    .find(|e| e.extn_id == ID_CE_INVALIDITY_DATE)
                {
                    None => None,
                    // A date that cannot be read is not used: the revocation counts from
                    // its revocation time, never weaker than that.
                    Some(e) => PreciseTime::from_der(e.extn_value.as_bytes())
                        .ok()
                        .map(|t| time_of(&t)),
                };
                OcspStatus::Revoked {
                    revocation_time: time_of(&info.revocation_time),
                    reason,
                    invalidity_date,
                }
            }
            _ => return Err(Error::invalid_der(Object::Ocsp)),
        };
        if status == OcspStatus::Good && this_update > cert.not_after() {
            return Err(Error::Revocation(
                RevocationError::RevocationDataAfterExpiry {
                    issued: this_update,
                    not_after: cert.not_after(),
                },
            ));
        }
        Ok(OcspAnswer {
            status,
            produced_at,
            this_update,
            next_update,
            precise_times: (
                self.0.data.produced_at,
                single.this_update,
                single.next_update,
            ),
            responder,
        })
    }

    /// Verifies the signature: by the CA itself, or by a delegated responder certificate in
    /// the response, issued by the CA, with id-kp-OCSPSigning, valid at `time`. Returns who
    /// signed. Each signature check (the response's, and the CA's on the responder's
    /// certificate) goes through `budget`; a failure is remembered like a success.
    fn verify_signature(
        &self,
        issuer: &Certificate,
        time: Time,
        policy: &AlgorithmPolicy,
        budget: &Budget,
    ) -> Result<String, Error> {
        let verify_with =
            |signer: &Certificate| -> Result<(), Error> {
                let key = signer.public_key()?;
                let alg = SignatureAlgorithm::from_algorithm_identifier_der(
                    &self.0.signature_algorithm,
                    key,
                )?;
                // The policy is applied on every call; only the signature check is remembered.
                key.usable_for(alg, policy)?;
                let fingerprint = *signer.fingerprint_sha256();
                let id = CheckId {
                    object: self.0.fingerprint,
                    key: fingerprint,
                };
                budget.check(id, || {
                    let known =
                        self.0.verified_by.lock().ok().and_then(|v| {
                            v.iter().find(|(f, _)| *f == fingerprint).map(|(_, ok)| *ok)
                        });
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
                        Err(Error::Signature(SignatureError::InvalidSignature))
                    }
                })
            };
        let bad = |e: Error| match e {
            e @ Error::BudgetExceeded { .. } => e,
            // A key or algorithm kyso does not implement is said as such, so that it reads
            // as a cryptographic constraint and never as a wrong signature.
            e @ Error::Signature(
                SignatureError::UnsupportedAlgorithm { .. }
                | SignatureError::UnsupportedKey { .. }
                | SignatureError::UnsupportedPssParameters
                | SignatureError::UnsupportedExplicitCurve,
            ) => e,
            _ => Error::Revocation(RevocationError::OcspBadSignature),
        };
        if self.names_responder(issuer)? {
            verify_with(issuer).map_err(bad)?;
            return Ok(issuer.subject().to_string());
        }
        for candidate in &self.0.certs {
            if !self.names_responder(candidate)? {
                continue;
            }
            // RFC 6960 section 4.2.2.2: issued directly by the CA, for OCSP signing.
            let issued = candidate.issuer().matches(issuer.subject()) && {
                let key = issuer.public_key()?;
                let id = CheckId {
                    object: *candidate.fingerprint_sha256(),
                    key: *issuer.fingerprint_sha256(),
                };
                match budget.check(id, || candidate.verify_signed_by(key, policy)) {
                    Ok(()) => true,
                    Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                    Err(_) => false,
                }
            };
            let authorised = issued
                && candidate
                    .extended_key_usage()
                    .is_some_and(|eku| eku.iter().any(|p| p == KP_OCSP_SIGNING))
                && candidate.is_valid_at(time);
            if !authorised {
                return Err(Error::Revocation(
                    RevocationError::OcspUnauthorizedResponder,
                ));
            }
            verify_with(candidate).map_err(bad)?;
            return Ok(candidate.subject().to_string());
        }
        Err(Error::Revocation(
            RevocationError::OcspUnauthorizedResponder,
        ))
    }

    /// Whether the ResponderID names `cert` (byName: its subject; byKey: SHA-1 of its key).
    fn names_responder(&self, cert: &Certificate) -> Result<bool, Error> {
        let id = &self.0.data.responder_id;
        match der::Tagged::tag(id) {
            der::Tag::ContextSpecific { number, .. } if number.value() == 1 => {
                let name = Name::from_der(id.value())?;
                Ok(name.matches(cert.subject()))
            }
            der::Tag::ContextSpecific { number, .. } if number.value() == 2 => {
                let hash = OctetString::from_der(id.value()).map_err(der_err)?;
                let key = subject_public_key(cert)?;
                Ok(digest(DigestAlgorithm::Sha1, key).as_bytes() == hash.as_bytes())
            }
            _ => Err(Error::invalid_der(Object::Ocsp)),
        }
    }
}

/// The contents of a certificate's subjectPublicKey BIT STRING, what RFC 6960 key hashes
/// cover, whether or not kyso can verify with the key: a CA whose key type kyso does not
/// implement is still named correctly, and the error that follows is about its key.
fn subject_public_key(cert: &Certificate) -> Result<&[u8], Error> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(cert.spki_der())
        .map_err(|_| Error::invalid_der(Object::PublicKey))?;
    spki.subject_public_key
        .as_bytes()
        .ok_or_else(|| Error::invalid_der(Object::PublicKey))
}

fn cert_id(
    cert: &Certificate,
    issuer: &Certificate,
    hash: DigestAlgorithm,
) -> Result<CertId, Error> {
    let key = subject_public_key(issuer)?;
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: hash.der_oid(),
            parameters: Some(Any::null()),
        },
        issuer_name_hash: OctetString::new(digest(hash, issuer.subject().der()).as_bytes())
            .map_err(der_err)?,
        issuer_key_hash: OctetString::new(digest(hash, key).as_bytes()).map_err(der_err)?,
        serial_number: SerialNumber::new(cert.serial()).map_err(der_err)?,
    })
}

/// An OCSP response's time to the second, its fraction cut off: thisUpdate reads less
/// fresh and nextUpdate expires sooner, a revocation reads earlier; producedAt reads up to
/// a second earlier, which moves the check of a delegated responder's validity by as much.
fn time_of(t: &PreciseTime) -> Time {
    t.seconds()
}

fn der_err(_: der::Error) -> Error {
    Error::malformed(Object::Ocsp, Malformed::InvalidDer)
}
