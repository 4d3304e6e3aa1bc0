//! RFC 3161 timestamps: requests, responses, and timestamp tokens checked against what was
//! stamped.
//!
//! A token is a CMS signature over a `TSTInfo`; kyso checks it with its own CMS verifier, at
//! the token's genTime, for the timestamping purpose (RFC 3161 section 2.3: a critical
//! extendedKeyUsage with id-kp-timeStamping only), with the ESS signing-certificate attribute
//! required.

use der::asn1::{GeneralizedTime, Int, ObjectIdentifier, OctetString};
use der::{Any, Decode, Encode, Sequence};
use x509_cert::spki::AlgorithmIdentifierOwned;

use crate::Verifier;
use crate::cert::Certificate;
use crate::cms::SignedCms;
use crate::digest::{Digest, DigestAlgorithm};
use crate::error::{Error, Malformed, Object};
use crate::key::AlgorithmPolicy;
use crate::path::{KeyPurpose, TrustStore};
use crate::revocation::{RevocationPolicy, RevocationSource};
use crate::time::Time;
use crate::validate::{Indication, SubIndication, ValidationPolicy, ValidationReport};

/// How a timestamp token's TSA certificate is validated besides the anchors: more
/// certificates (those of the signature the token is in), and revocation.
#[derive(Default)]
pub(crate) struct TsaContext<'a> {
    pub extra_certificates: &'a [Certificate],
    pub revocation: RevocationPolicy,
    pub source: Option<&'a dyn RevocationSource>,
    /// The time revocation data is judged at (data issued up to then counts).
    pub now: Option<Time>,
    /// The signature-check budget of the verification the token is part of.
    pub budget: Option<&'a crate::budget::Budget>,
}

/// A time-stamping authority (RFC 3161): takes a request, returns the DER
/// `TimeStampResp`. kyso checks everything in the answer itself.
///
/// With the `http` feature, `HttpTimeStampSource` posts requests to a TSA URL; a closure
/// or a type of the caller's can reach a TSA any other way.
pub trait TimeStampSource: Send + Sync {
    /// Sends `request` to the TSA and returns its response.
    fn timestamp(&self, request: &TimeStampRequest) -> Result<Vec<u8>, Error>;
}

impl<F> TimeStampSource for F
where
    F: Fn(&TimeStampRequest) -> Result<Vec<u8>, Error> + Send + Sync,
{
    fn timestamp(&self, request: &TimeStampRequest) -> Result<Vec<u8>, Error> {
        self(request)
    }
}

const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// Largest timestamp response accepted, in bytes: tokens are a few kilobytes; 1 MiB leaves
/// room for long TSA chains.
const MAX_TSP_SIZE: usize = 1024 * 1024;

/// `MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }`.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
struct MessageImprint {
    hash_algorithm: AlgorithmIdentifierOwned,
    hashed_message: OctetString,
}

/// `TimeStampReq ::= SEQUENCE { version INTEGER (v1), messageImprint, reqPolicy OPTIONAL,
/// nonce INTEGER OPTIONAL, certReq BOOLEAN DEFAULT FALSE, extensions [0] IMPLICIT OPTIONAL }`.
#[derive(Clone, Debug, Sequence)]
struct TimeStampReq {
    version: u8,
    message_imprint: MessageImprint,
    #[asn1(optional = "true")]
    req_policy: Option<ObjectIdentifier>,
    #[asn1(optional = "true")]
    nonce: Option<Int>,
    #[asn1(default = "default_false")]
    cert_req: bool,
}

fn default_false() -> bool {
    false
}

/// `TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken OPTIONAL }`.
#[derive(Clone, Debug, Sequence)]
struct TimeStampResp {
    status: PkiStatusInfo,
    #[asn1(optional = "true")]
    time_stamp_token: Option<Any>,
}

/// `PKIStatusInfo ::= SEQUENCE { status INTEGER, statusString OPTIONAL, failInfo BIT STRING
/// OPTIONAL }`.
#[derive(Clone, Debug, Sequence)]
struct PkiStatusInfo {
    status: u8,
    #[asn1(optional = "true")]
    status_string: Option<Vec<Any>>,
    #[asn1(optional = "true")]
    fail_info: Option<der::asn1::BitString>,
}

/// `TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime, accuracy
/// OPTIONAL, ordering DEFAULT FALSE, nonce OPTIONAL, tsa [0] OPTIONAL, extensions [1]
/// IMPLICIT OPTIONAL }`; the optional tail kept as encoded and read by hand.
#[derive(Clone, Debug, Sequence)]
struct TstInfo {
    version: u8,
    policy: ObjectIdentifier,
    message_imprint: MessageImprint,
    serial_number: Int,
    gen_time: GeneralizedTime,
    #[asn1(optional = "true")]
    accuracy: Option<Accuracy>,
    #[asn1(default = "default_false")]
    ordering: bool,
    #[asn1(optional = "true")]
    nonce: Option<Int>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    tsa: Option<Any>,
    #[asn1(
        context_specific = "1",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    extensions: Option<Vec<Any>>,
}

/// `Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] IMPLICIT OPTIONAL, micros
/// [1] IMPLICIT OPTIONAL }`.
#[derive(Clone, Debug, Sequence)]
struct Accuracy {
    #[asn1(optional = "true")]
    seconds: Option<u32>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    millis: Option<u16>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    micros: Option<u16>,
}

/// A timestamp request (RFC 3161 section 2.4.1).
#[derive(Clone, Debug)]
pub struct TimeStampRequest {
    der: Vec<u8>,
    imprint: Digest,
    nonce: Option<Vec<u8>>,
}

impl TimeStampRequest {
    /// A request to stamp `imprint` (the hash of what is stamped), with an optional nonce
    /// (big-endian unsigned bytes), asking for the TSA's certificate in the token when
    /// `cert_req`, under an optional TSA policy.
    pub fn new(
        imprint: &Digest,
        nonce: Option<&[u8]>,
        cert_req: bool,
        policy: Option<ObjectIdentifier>,
    ) -> Result<Self, Error> {
        let nonce_int = match nonce {
            Some(n) => Some(unsigned_int(n)?),
            None => None,
        };
        let req = TimeStampReq {
            version: 1,
            message_imprint: imprint_of(imprint)?,
            req_policy: policy,
            nonce: nonce_int,
            cert_req,
        };
        Ok(TimeStampRequest {
            der: req.to_der().map_err(der_err)?,
            imprint: imprint.clone(),
            nonce: nonce.map(<[u8]>::to_vec),
        })
    }

    /// The DER request, to send as `application/timestamp-query`.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The imprint asked for.
    pub fn imprint(&self) -> &Digest {
        &self.imprint
    }

    /// The nonce sent, if any.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_deref()
    }
}

/// Obtains checked timestamp tokens from a [`TimeStampSource`]: each request carries a fresh
/// random nonce and asks for the TSA's certificate, and each token is verified (signature,
/// TSA certificate to `anchors` with the critical timeStamping EKU, imprint, nonce) before it
/// is returned. [`SignedCms::add_signature_timestamps`] uses it to make CAdES-B-T signatures.
///
/// ```no_run
/// use kyso::{TimeStampRequest, TimeStampStamper, TrustStore};
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
    policy: Option<ObjectIdentifier>,
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
    pub fn tsa_policy(mut self, policy: ObjectIdentifier) -> Self {
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
    pub fn stamp(&self, data: &[u8]) -> Result<(TimeStampToken, TimeStampInfo), Error> {
        self.stamp_digest(&crate::digest::digest(self.digest, data))
    }

    /// Stamps a hash.
    pub fn stamp_digest(&self, imprint: &Digest) -> Result<(TimeStampToken, TimeStampInfo), Error> {
        let nonce: [u8; 16] = crate::key::random_bytes()?;
        let request = TimeStampRequest::new(imprint, Some(&nonce), true, self.policy)?;
        let response = self.source.timestamp(&request)?;
        let token = TimeStampToken::from_response_der(&response)?;
        let info = token.verify(self.anchors, imprint, Some(&nonce), &self.algorithms)?;
        Ok((token, info))
    }
}

/// What a checked timestamp token says.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TimeStampInfo {
    /// When the TSA stamped.
    pub gen_time: Time,
    /// The TSA's certificate.
    pub tsa: Certificate,
    /// The hash algorithm of the message imprint.
    pub imprint_algorithm: DigestAlgorithm,
    /// The accuracy the TSA states, in microseconds, if it states one.
    pub accuracy_micros: Option<u64>,
    /// The TSA policy.
    pub policy: ObjectIdentifier,
    /// The token's serial number (big-endian).
    pub serial: Vec<u8>,
    /// The CMS validation report of the token's signature (TOTAL-PASSED when this value is
    /// returned).
    pub report: ValidationReport,
}

/// A timestamp token: a CMS SignedData over a TSTInfo.
#[derive(Clone, Debug)]
pub struct TimeStampToken {
    der: Vec<u8>,
    cms: SignedCms,
    info: TstInfo,
}

impl TimeStampToken {
    /// Reads a token (a DER ContentInfo).
    pub fn from_der(der_bytes: &[u8]) -> Result<Self, Error> {
        if der_bytes.len() > MAX_TSP_SIZE {
            return Err(Error::TooLarge {
                object: Object::TimeStamp,
                limit: MAX_TSP_SIZE,
                actual: der_bytes.len(),
            });
        }
        let cms = SignedCms::from_der(der_bytes)?;
        TimeStampToken::from_cms(cms, der_bytes.to_vec())
    }

    /// The token's DER encoding (a ContentInfo), as embedded in a signature.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The hash algorithm of the message imprint.
    pub fn imprint_algorithm(&self) -> Result<DigestAlgorithm, Error> {
        DigestAlgorithm::from_oid(&self.info.message_imprint.hash_algorithm.oid)
    }

    /// Reads the token out of a `TimeStampResp`. A response whose status is neither granted
    /// nor grantedWithMods is [`Error::TimeStampRefused`].
    pub fn from_response_der(der_bytes: &[u8]) -> Result<Self, Error> {
        if der_bytes.len() > MAX_TSP_SIZE {
            return Err(Error::TooLarge {
                object: Object::TimeStamp,
                limit: MAX_TSP_SIZE,
                actual: der_bytes.len(),
            });
        }
        let resp = TimeStampResp::from_der(der_bytes).map_err(der_err)?;
        if resp.status.status > 1 {
            return Err(Error::TimeStampRefused {
                status: resp.status.status,
            });
        }
        let token = resp
            .time_stamp_token
            .ok_or_else(|| Error::invalid_der(Object::TimeStamp))?;
        TimeStampToken::from_der(&token.to_der().map_err(der_err)?)
    }

    fn from_cms(cms: SignedCms, der: Vec<u8>) -> Result<Self, Error> {
        if cms.signed_data.encap_content_info.econtent_type != ID_CT_TST_INFO {
            return Err(Error::malformed(
                Object::TimeStamp,
                Malformed::InvalidValue {
                    field: "eContentType (not id-ct-TSTInfo)",
                },
            ));
        }
        let content = cms
            .content()
            .ok_or_else(|| Error::invalid_der(Object::TimeStamp))?;
        let info = TstInfo::from_der(content).map_err(der_err)?;
        if info.version != 1 {
            return Err(Error::malformed(
                Object::TimeStamp,
                Malformed::InvalidValue {
                    field: "TSTInfo version",
                },
            ));
        }
        Ok(TimeStampToken { der, cms, info })
    }

    /// The genTime, unchecked (use [`TimeStampToken::verify`] before relying on it).
    pub fn gen_time(&self) -> Time {
        time_of(&self.info.gen_time)
    }

    /// Checks the token: its imprint's hash algorithm against `algorithms` (a SHA-1 imprint
    /// is [`Error::DigestNotAllowed`] unless the policy allows SHA-1 for legacy use); its
    /// CMS signature and the TSA certificate's path to `anchors` at genTime, for
    /// timestamping (critical EKU id-kp-timeStamping), with the ESS signing-certificate
    /// attribute; that it stamps `imprint`; and that it carries `nonce` when one was sent.
    pub fn verify(
        &self,
        anchors: &TrustStore,
        imprint: &Digest,
        nonce: Option<&[u8]>,
        algorithms: &AlgorithmPolicy,
    ) -> Result<TimeStampInfo, Error> {
        self.verify_in(anchors, imprint, nonce, algorithms, &TsaContext::default())
    }

    pub(crate) fn verify_in(
        &self,
        anchors: &TrustStore,
        imprint: &Digest,
        nonce: Option<&[u8]>,
        algorithms: &AlgorithmPolicy,
        context: &TsaContext<'_>,
    ) -> Result<TimeStampInfo, Error> {
        // The imprint is what the token vouches for: its hash must be one the policy
        // accepts, whoever asked for it.
        algorithms.check_digest(self.imprint_algorithm()?, "a timestamp's message imprint")?;
        if self.cms.signer_count() != 1 {
            return Err(Error::malformed(
                Object::TimeStamp,
                Malformed::InvalidValue {
                    field: "timestamp token with other than one signer",
                },
            ));
        }
        let gen_time = self.gen_time();
        let mut policy = ValidationPolicy::at(gen_time)
            .with_algorithms(*algorithms)
            .require_signing_certificate_attribute();
        policy.purpose = KeyPurpose::TimeStamping;
        policy.accept_any_content_type = true;
        let mut verifier = Verifier::new(anchors, policy)
            .with_certificates(context.extra_certificates.iter().cloned())
            .for_timestamp_token(context.now, context.budget);
        if let Some(source) = context.source {
            verifier = verifier.with_revocation(context.revocation, source);
        }
        let report = verifier.verify(&self.cms, None);
        if report.indication() != Indication::TotalPassed {
            return Err(Error::TimeStampSignature {
                indication: report.indication(),
                sub_indication: report.sub_indication(),
            });
        }
        let expected = imprint_of(imprint)?;
        if self.info.message_imprint.hash_algorithm.oid != expected.hash_algorithm.oid
            || self.info.message_imprint.hashed_message != expected.hashed_message
        {
            return Err(Error::TimeStampImprintMismatch);
        }
        if let Some(n) = nonce {
            let sent = unsigned_int(n)?;
            if self.info.nonce.as_ref() != Some(&sent) {
                return Err(Error::TimeStampNonceMismatch);
            }
        }
        let accuracy_micros = self.info.accuracy.as_ref().map(|a| {
            u64::from(a.seconds.unwrap_or(0)) * 1_000_000
                + u64::from(a.millis.unwrap_or(0)) * 1_000
                + u64::from(a.micros.unwrap_or(0))
        });
        let tsa = report
            .signers
            .first()
            .and_then(|r| r.signer_certificate.clone())
            .ok_or(Error::TimeStampSignature {
                indication: Indication::Indeterminate,
                sub_indication: Some(SubIndication::NoSigningCertificateFound),
            })?;
        Ok(TimeStampInfo {
            gen_time,
            tsa,
            imprint_algorithm: self.imprint_algorithm()?,
            accuracy_micros,
            policy: self.info.policy,
            serial: self.info.serial_number.as_bytes().to_vec(),
            report,
        })
    }
}

fn imprint_of(d: &Digest) -> Result<MessageImprint, Error> {
    Ok(MessageImprint {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: d.algorithm().oid(),
            parameters: None,
        },
        hashed_message: OctetString::new(d.as_bytes()).map_err(der_err)?,
    })
}

/// A non-negative INTEGER from big-endian bytes.
fn unsigned_int(bytes: &[u8]) -> Result<Int, Error> {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut v = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
        v.push(0);
    }
    v.extend_from_slice(&trimmed);
    Int::new(&v).map_err(der_err)
}

fn time_of(t: &GeneralizedTime) -> Time {
    Time::from_unix(i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX))
}

fn der_err(_: der::Error) -> Error {
    Error::invalid_der(Object::TimeStamp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::DigestAlgorithm;

    #[test]
    fn nonces_encode_as_non_negative_integers() {
        assert_eq!(unsigned_int(&[0x80]).unwrap().as_bytes(), &[0x00, 0x80]);
        assert_eq!(unsigned_int(&[0x00, 0x01]).unwrap().as_bytes(), &[0x01]);
        assert_eq!(unsigned_int(&[]).unwrap().as_bytes(), &[0x00]);
        let d = crate::digest::digest(DigestAlgorithm::Sha256, b"x");
        assert!(TimeStampRequest::new(&d, Some(&[1, 2, 3]), true, None).is_ok());
    }
}
