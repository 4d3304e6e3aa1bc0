//! Timestamp tokens (RFC 3161 section 2.4.2): a CMS SignedData over a `TSTInfo`, checked
//! with kyso's own CMS verifier, at the token's genTime, for the timestamping purpose (RFC
//! 3161 section 2.3: a critical extendedKeyUsage with id-kp-timeStamping only), with the
//! ESS signing-certificate attribute required.

use crate::error::{EncodingError, TimestampError};
use crate::tsp::PreciseTime;
use der::{Decode, Encode};

use crate::cert::Certificate;
use crate::cms::SignedCms;
use crate::cms::verify::Verifier;
use crate::digest::{Digest, DigestAlgorithm};
use crate::error::{Error, Malformed, Object};
use crate::key::AlgorithmPolicy;
use crate::limits::MAX_TIMESTAMP_SIZE;
use crate::oid::Oid;
use crate::path::{KeyPurpose, Revocation, TrustContext, TrustStore};
use crate::revocation::{RevocationPolicy, RevocationSource};
use crate::time::Time;
use crate::tsp::asn1::{ID_CT_TST_INFO, TimeStampResp, TstInfo, der_err, imprint_of, unsigned_int};
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
    /// The time the TSA's path is validated at, when not the token's genTime (an RFC 5544
    /// renewal: the genTime of the token that renews this one).
    pub validate_at: Option<Time>,
}

/// What a checked timestamp token says.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TimeStampInfo {
    /// When the TSA stamped, to the second: the genTime rounded up when it has a fraction
    /// (the data existed by then too), so that comparisons with times to the second never
    /// place the proof earlier than the token does.
    pub gen_time: Time,
    /// The genTime to the precision the TSA wrote (RFC 3161 section 2.4.2).
    pub gen_time_precise: PreciseTime,
    /// The TSA's certificate.
    pub tsa: Certificate,
    /// The hash algorithm of the message imprint.
    pub imprint_algorithm: DigestAlgorithm,
    /// The accuracy the TSA states, in microseconds, if it states one.
    pub accuracy_micros: Option<u64>,
    /// The TSA policy.
    pub policy: Oid,
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
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`] with [`Object::TimeStamp`] for input over
    ///   [`MAX_TIMESTAMP_SIZE`].
    /// - Those of [`SignedCms::from_der`].
    /// - [`EncodingError::Malformed`] with [`Object::TimeStamp`]: an eContentType other than
    ///   id-ct-TSTInfo (RFC 3161 section 2.4.2) or a TSTInfo version other than 1
    ///   ([`Malformed::InvalidValue`]); no encapsulated content, or content that is not a DER
    ///   TSTInfo ([`Malformed::InvalidDer`]).
    pub fn from_der(der_bytes: &[u8]) -> Result<Self, Error> {
        if der_bytes.len() > MAX_TIMESTAMP_SIZE {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::TimeStamp,
                limit: MAX_TIMESTAMP_SIZE,
                actual: der_bytes.len(),
            }));
        }
        let cms = SignedCms::from_der(der_bytes)?;
        TimeStampToken::from_cms(cms, der_bytes.to_vec())
    }

    /// The token's CMS signature.
    pub(crate) fn cms(&self) -> &SignedCms {
        &self.cms
    }

    /// The token's DER encoding (a ContentInfo), as embedded in a signature.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The hash algorithm of the message imprint.
    ///
    /// # Errors
    ///
    /// [`SignatureError::UnsupportedAlgorithm`](crate::error::SignatureError::UnsupportedAlgorithm) if it is not SHA-1, SHA-256, SHA-384 or SHA-512.
    pub fn imprint_algorithm(&self) -> Result<DigestAlgorithm, Error> {
        DigestAlgorithm::from_der_oid(&self.info.message_imprint.hash_algorithm.oid)
    }

    /// Reads the token out of a `TimeStampResp`. A response whose status is neither granted
    /// nor grantedWithMods is [`TimestampError::Refused`].
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`] with [`Object::TimeStamp`] for input over
    ///   [`MAX_TIMESTAMP_SIZE`].
    /// - [`EncodingError::Malformed`] with [`Object::TimeStamp`] and [`Malformed::InvalidDer`] if the
    ///   input is not a DER `TimeStampResp`, or a granted response carries no token (RFC 3161
    ///   section 2.4.2).
    /// - [`TimestampError::Refused`] with the PKIStatus if it is 2 or more.
    /// - Those of [`TimeStampToken::from_der`] for the token.
    pub fn from_response_der(der_bytes: &[u8]) -> Result<Self, Error> {
        if der_bytes.len() > MAX_TIMESTAMP_SIZE {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::TimeStamp,
                limit: MAX_TIMESTAMP_SIZE,
                actual: der_bytes.len(),
            }));
        }
        let resp = TimeStampResp::from_der(der_bytes).map_err(der_err)?;
        if resp.status.status > 1 {
            return Err(Error::Timestamp(TimestampError::Refused {
                status: resp.status.status,
            }));
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

    /// The genTime, unchecked (use [`TimeStampToken::verify`] before relying on it),
    /// rounded up to the second when it has a fraction.
    pub fn gen_time(&self) -> Time {
        self.info.gen_time.rounded_up()
    }

    /// Whether the token's message imprint is `imprint` (algorithm and value), unchecked.
    pub(crate) fn imprint_is(&self, imprint: &Digest) -> bool {
        imprint_of(imprint).is_ok_and(|expected| {
            self.info.message_imprint.hash_algorithm.oid == expected.hash_algorithm.oid
                && self.info.message_imprint.hashed_message == expected.hashed_message
        })
    }

    /// The genTime, unchecked, to the precision the TSA wrote.
    pub fn gen_time_precise(&self) -> PreciseTime {
        self.info.gen_time
    }

    /// Checks the token: its imprint's hash algorithm against `algorithms` (a SHA-1 imprint
    /// is [`SignatureError::DigestNotAllowed`](crate::error::SignatureError::DigestNotAllowed) unless the policy allows SHA-1 for legacy use); its
    /// CMS signature and the TSA certificate's path to `anchors` at genTime, for
    /// timestamping (critical EKU id-kp-timeStamping), with the ESS signing-certificate
    /// attribute; that it stamps `imprint`; and that it carries `nonce` when one was sent.
    ///
    /// # Errors
    ///
    /// - Those of [`TimeStampToken::imprint_algorithm`].
    /// - [`SignatureError::DigestNotAllowed`](crate::error::SignatureError::DigestNotAllowed) if `algorithms` refuses the imprint's hash (SHA-1).
    /// - [`EncodingError::Malformed`] with [`Object::TimeStamp`] and [`Malformed::InvalidValue`] if
    ///   the token has other than one signer (RFC 3161 section 2.4.2).
    /// - [`TimestampError::Signature`] with the CMS indication and sub-indication if the
    ///   token's signature or the TSA certificate's path does not reach TOTAL-PASSED, or no
    ///   signer certificate is found.
    /// - [`TimestampError::ImprintMismatch`] if the token stamps another hash, or the same
    ///   hash value under another algorithm, than `imprint`.
    /// - [`TimestampError::NonceMismatch`] if `nonce` is given and the token does not carry
    ///   it.
    pub fn verify(
        &self,
        anchors: &TrustStore,
        imprint: &Digest,
        nonce: Option<&[u8]>,
        algorithms: &AlgorithmPolicy,
    ) -> Result<TimeStampInfo, Error> {
        self.verify_in(anchors, imprint, nonce, algorithms, &TsaContext::default())
    }

    /// [`TimeStampToken::verify`] with `certificates` as candidates for the TSA's
    /// certificate and its path, for a token that does not carry them (a request sent
    /// without certReq, RFC 3161 section 2.4.1). A token whose TSA certificate is found
    /// neither in it nor among `certificates` is
    /// [`TimestampError::Signature`] with INDETERMINATE / NO_SIGNING_CERTIFICATE_FOUND, and
    /// its signature is not checked (ETSI EN 319 102-1 section 5.2.3).
    ///
    /// # Errors
    ///
    /// Those of [`TimeStampToken::verify`].
    pub fn verify_with_certificates(
        &self,
        anchors: &TrustStore,
        imprint: &Digest,
        nonce: Option<&[u8]>,
        algorithms: &AlgorithmPolicy,
        certificates: &[Certificate],
    ) -> Result<TimeStampInfo, Error> {
        let context = TsaContext {
            extra_certificates: certificates,
            ..TsaContext::default()
        };
        self.verify_in(anchors, imprint, nonce, algorithms, &context)
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
        let mut policy = ValidationPolicy::at(context.validate_at.unwrap_or(gen_time))
            .algorithm_policy(*algorithms)
            .require_signing_certificate_attribute()
            .accept_content_type(Oid::from_der(&ID_CT_TST_INFO));
        policy.purpose = KeyPurpose::TimeStamping;
        // The TSA's revocation is the caller's context's, set just below.
        let mut verifier =
            Verifier::new(&TrustContext::new(anchors, Revocation::NotChecked), policy)
                .certificates(context.extra_certificates.iter().cloned())
                .for_timestamp_token(context.now, context.budget);
        if let Some(source) = context.source {
            verifier = verifier.with_revocation(context.revocation, source);
        }
        let report = verifier.verify(&self.cms, None);
        if report.indication() != Indication::TotalPassed {
            return Err(Error::Timestamp(TimestampError::Signature {
                indication: report.indication(),
                sub_indication: report.sub_indication(),
            }));
        }
        let expected = imprint_of(imprint)?;
        if self.info.message_imprint.hash_algorithm.oid != expected.hash_algorithm.oid
            || self.info.message_imprint.hashed_message != expected.hashed_message
        {
            return Err(Error::Timestamp(TimestampError::ImprintMismatch));
        }
        if let Some(n) = nonce {
            let sent = unsigned_int(n)?;
            if self.info.nonce.as_ref() != Some(&sent) {
                return Err(Error::Timestamp(TimestampError::NonceMismatch));
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
            .ok_or(Error::Timestamp(TimestampError::Signature {
                indication: Indication::Indeterminate,
                sub_indication: Some(SubIndication::NoSigningCertificateFound),
            }))?;
        Ok(TimeStampInfo {
            gen_time,
            gen_time_precise: self.info.gen_time,
            tsa,
            imprint_algorithm: self.imprint_algorithm()?,
            accuracy_micros,
            policy: Oid::from_der(&self.info.policy),
            serial: self.info.serial_number.as_bytes().to_vec(),
            report,
        })
    }
}
