//! Creating CAdES-B-B signatures (ETSI EN 319 122-1) as CMS SignedData, in one step with a
//! [`Signer`], or in two steps for signers outside the process.

use std::io::Read;

use cms::cert::IssuerAndSerialNumber;
use cms::content_info::CmsVersion;
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier, SignerInfo};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::spki::AlgorithmIdentifierOwned;

use crate::cert::Certificate;
use crate::cms::attributes::{
    self, COMMITMENT_TYPE, CONTENT_TYPE, CommitmentTypeIndication, EssCertIdV2, ID_DATA,
    IssuerSerial, MESSAGE_DIGEST, SIGNER_LOCATION, SIGNING_CERTIFICATE_V2, SIGNING_TIME,
    SignerLocation, SigningCertificateV2,
};
use crate::cms::signed_cms::SignedCms;
use crate::cms::signed_data::SignedData;
use crate::cms::signer_view::SignerInfoSet;
use crate::digest::{Digest, DigestAlgorithm, digest, digest_reader};
use crate::error::{EncodingError, SignatureError, SigningError};
use crate::error::{Error, Object};
use crate::key::{AlgorithmPolicy, LEGACY_MIN_RSA_BITS, SignatureAlgorithm, Signer};
use crate::time::Time;
use crate::validate::CommitmentType;

/// Builds CAdES-B-B signatures for one signer: signed attributes content-type,
/// message-digest, signing-time and ESS signing-certificate-v2 (always), plus the optional
/// commitment-type-indication and signer-location; the signer's certificate and chain are
/// included.
///
/// ```
/// use kyso::{Certificate, SignatureBuilder, SoftwareSigner, Time};
/// use kyso::validate::CommitmentType;
/// let cert = Certificate::from_pem(&std::fs::read("test-vectors/pki/ee-rsa2048.pem")?)?;
/// let chain = Certificate::from_file("test-vectors/pki/intermediate-ca.pem")?;
/// let key = SoftwareSigner::from_file("test-vectors/keys/ee-rsa2048.key.pem", None)?;
/// let signature = SignatureBuilder::new(cert, Time::from_utc(2026, 6, 1, 8, 30, 0)?)
///     .chain(chain)
///     .commitment_type(CommitmentType::ProofOfOrigin)
///     .sign(b"the document", &key)?;
/// assert!(signature.is_detached());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct SignatureBuilder {
    certificate: Certificate,
    chain: Vec<Certificate>,
    signing_time: Time,
    commitment_type: Option<CommitmentType>,
    signer_location: Option<SignerLocation>,
    enveloping: bool,
    use_key_identifier: bool,
    signing_time_attribute: bool,
}

/// A signature waiting for its signature value: the result of the first of the two steps.
///
/// Send [`PreparedSignature::to_be_signed`] (or [`PreparedSignature::digest_to_sign`], for
/// services that sign digests) to the signer, then call [`PreparedSignature::finish`] with the
/// value it returns. The prepared state holds no secret, and
/// [`PreparedSignature::to_bytes`] / [`PreparedSignature::from_bytes`] carry it across a
/// restart or to another process while the signer works.
#[derive(Clone, Debug)]
pub struct PreparedSignature {
    algorithm: SignatureAlgorithm,
    digest_algorithm: DigestAlgorithm,
    certificate: Certificate,
    chain: Vec<Certificate>,
    signer_info: SignerInfo,
    to_be_signed: Vec<u8>,
    content: Option<Vec<u8>>,
    base: Option<SignedData>,
}

impl SignatureBuilder {
    /// A builder for the holder of `certificate`, claiming `signing_time` (pass
    /// [`Time::now`] when signing now).
    pub fn new(certificate: Certificate, signing_time: Time) -> Self {
        SignatureBuilder {
            certificate,
            chain: Vec::new(),
            signing_time,
            commitment_type: None,
            signer_location: None,
            enveloping: false,
            use_key_identifier: false,
            signing_time_attribute: true,
        }
    }

    /// Leaves out the signing-time attribute (PAdES puts the claimed time in the PDF's
    /// `/M` instead, ETSI EN 319 142-1 section 5.3).
    #[must_use]
    pub(crate) fn without_signing_time_attribute(mut self) -> Self {
        self.signing_time_attribute = false;
        self
    }

    /// The signer's certificate and the chain.
    pub(crate) fn certificates(&self) -> Vec<&Certificate> {
        core::iter::once(&self.certificate)
            .chain(self.chain.iter())
            .collect()
    }

    /// Certificates to include above the signer's (intermediates; the root may be left out).
    #[must_use]
    pub fn chain(mut self, chain: impl IntoIterator<Item = Certificate>) -> Self {
        self.chain.extend(chain);
        self
    }

    /// Adds a commitment-type-indication attribute.
    #[must_use]
    pub fn commitment_type(mut self, commitment: CommitmentType) -> Self {
        self.commitment_type = Some(commitment);
        self
    }

    /// Adds a signer-location attribute.
    #[must_use]
    pub fn signer_location(mut self, location: SignerLocation) -> Self {
        self.signer_location = Some(location);
        self
    }

    /// Puts the document inside the signature (enveloping) instead of leaving it outside
    /// (detached, the default).
    #[must_use]
    pub fn enveloping(mut self) -> Self {
        self.enveloping = true;
        self
    }

    /// Identifies the signer by subjectKeyIdentifier instead of issuer and serial number.
    #[must_use]
    pub fn identify_by_key_identifier(mut self) -> Self {
        self.use_key_identifier = true;
        self
    }

    /// Signs `document` with `signer` in one step.
    ///
    /// # Errors
    ///
    /// - [`SigningError::SignerKeyMismatch`] if the signer knows its public key and it is not the
    ///   certificate's.
    /// - Those of [`SignatureBuilder::prepare`], of the signer's [`Signer::sign`], and of
    ///   [`PreparedSignature::finish`].
    pub fn sign(&self, document: &[u8], signer: &dyn Signer) -> Result<SignedCms, Error> {
        self.check_signer(signer)?;
        let prepared = self.prepare(document, signer.algorithm())?;
        let value = signer.sign(prepared.to_be_signed())?;
        prepared.finish(&value)
    }

    /// Signs a document read from `reader`, in constant memory (detached only).
    ///
    /// # Errors
    ///
    /// - [`SigningError::SignerKeyMismatch`] if the signer knows its public key and it is not the
    ///   certificate's.
    /// - Those of [`digest_reader`] if reading fails.
    /// - Those of [`SignatureBuilder::prepare_digest`] ([`SigningError::ContentRequired`] for an
    ///   enveloping builder), of the signer's [`Signer::sign`], and of
    ///   [`PreparedSignature::finish`].
    pub fn sign_reader(&self, reader: impl Read, signer: &dyn Signer) -> Result<SignedCms, Error> {
        self.check_signer(signer)?;
        let hash = message_digest_algorithm(signer.algorithm());
        let d = digest_reader(hash, reader)?;
        let prepared = self.prepare_digest(&d, signer.algorithm())?;
        let value = signer.sign(prepared.to_be_signed())?;
        prepared.finish(&value)
    }

    /// Signs a document whose digest was computed elsewhere (detached only). The digest must
    /// be made with the algorithm's hash (SHA-512 for Ed25519, RFC 8419).
    ///
    /// # Errors
    ///
    /// - [`SigningError::SignerKeyMismatch`] if the signer knows its public key and it is not the
    ///   certificate's.
    /// - Those of [`SignatureBuilder::prepare_digest`], of the signer's [`Signer::sign`], and
    ///   of [`PreparedSignature::finish`].
    pub fn sign_digest(
        &self,
        document_digest: &Digest,
        signer: &dyn Signer,
    ) -> Result<SignedCms, Error> {
        self.check_signer(signer)?;
        let prepared = self.prepare_digest(document_digest, signer.algorithm())?;
        let value = signer.sign(prepared.to_be_signed())?;
        prepared.finish(&value)
    }

    /// Adds this signer to an existing signature (the organisation's seal after the author's
    /// signature, say), leaving the signers already there untouched. `document` is needed
    /// for a detached signature; for an enveloping one it may be `None`.
    ///
    /// # Errors
    ///
    /// - [`SigningError::SignerKeyMismatch`] if the signer knows its public key and it is not the
    ///   certificate's.
    /// - Those of [`SignatureBuilder::prepare_addition`], of the signer's [`Signer::sign`],
    ///   and of [`PreparedSignature::finish`].
    pub fn add_to(
        &self,
        existing: &SignedCms,
        document: Option<&[u8]>,
        signer: &dyn Signer,
    ) -> Result<SignedCms, Error> {
        self.check_signer(signer)?;
        let prepared = self.prepare_addition(existing, document, signer.algorithm())?;
        let value = signer.sign(prepared.to_be_signed())?;
        prepared.finish(&value)
    }

    /// First step of two-step signing over document bytes.
    ///
    /// # Errors
    ///
    /// - [`SignatureError::AlgorithmNotAllowed`] with
    ///   [`DisallowedReason::VerifyOnly`](crate::error::DisallowedReason::VerifyOnly) if kyso does
    ///   not sign with `algorithm` ([`SignatureAlgorithm::can_sign`]).
    /// - Those of [`Certificate::public_key`] if kyso cannot use the certificate's key.
    /// - [`SignatureError::AlgorithmKeyMismatch`] if `algorithm` needs another type of key than the
    ///   certificate's.
    /// - [`EncodingError::InvalidTime`] if the signing time is before 1970 or after the year 9999.
    /// - [`EncodingError::Malformed`] with [`Object::Certificate`]: with
    ///   [`SignatureBuilder::identify_by_key_identifier`], the certificate has no
    ///   subjectKeyIdentifier ([`Malformed::InvalidValue`](crate::error::Malformed::InvalidValue));
    ///   or the certificate does not decode under the strict profile of the `x509-cert`
    ///   crate, which builds the signer identifier and the signing-certificate attribute
    ///   ([`Malformed::InvalidDer`](crate::error::Malformed::InvalidDer)).
    pub fn prepare(
        &self,
        document: &[u8],
        algorithm: SignatureAlgorithm,
    ) -> Result<PreparedSignature, Error> {
        let d = digest(message_digest_algorithm(algorithm), document);
        let content = self.enveloping.then(|| document.to_vec());
        self.prepare_inner(&d, algorithm, content, None)
    }

    /// First step of two-step signing over a document digest (detached signatures).
    ///
    /// # Errors
    ///
    /// - [`SigningError::ContentRequired`] if the builder is [`SignatureBuilder::enveloping`]: an
    ///   enveloping signature needs the document itself.
    /// - [`SigningError::DigestAlgorithmMismatch`] if `document_digest` was not made with the
    ///   algorithm's hash (SHA-512 for Ed25519).
    /// - The others of [`SignatureBuilder::prepare`].
    pub fn prepare_digest(
        &self,
        document_digest: &Digest,
        algorithm: SignatureAlgorithm,
    ) -> Result<PreparedSignature, Error> {
        if self.enveloping {
            return Err(Error::Signing(SigningError::ContentRequired));
        }
        self.prepare_inner(document_digest, algorithm, None, None)
    }

    /// First step of adding a signer to an existing signature.
    ///
    /// # Errors
    ///
    /// - [`SigningError::ContentMismatch`] if `document` differs from the content inside `existing`,
    ///   or a signer already there signed another message digest with a hash kyso knows.
    /// - [`SigningError::ContentRequired`] if `existing` is detached and `document` is `None`.
    /// - Those of [`SignatureBuilder::prepare`].
    pub fn prepare_addition(
        &self,
        existing: &SignedCms,
        document: Option<&[u8]>,
        algorithm: SignatureAlgorithm,
    ) -> Result<PreparedSignature, Error> {
        let content = match (existing.content(), document) {
            (Some(inside), Some(given)) if inside != given => {
                return Err(Error::Signing(SigningError::ContentMismatch));
            }
            (Some(inside), _) => inside,
            (None, Some(given)) => given,
            (None, None) => return Err(Error::Signing(SigningError::ContentRequired)),
        };
        // The document must be the one the signers already there signed.
        for si in existing.signed_data.signer_infos.iter() {
            let signed = si
                .signed_attributes()
                .find(|a| a.oid == MESSAGE_DIGEST)
                .and_then(|a| a.values().next())
                .and_then(|v| v.decode_as::<OctetString>().ok());
            let hash = DigestAlgorithm::from_der_oid(&si.digest_algorithm()).ok();
            if let (Some(signed), Some(hash)) = (signed, hash)
                && digest(hash, content).as_bytes() != signed.as_bytes()
            {
                return Err(Error::Signing(SigningError::ContentMismatch));
            }
        }
        let d = digest(message_digest_algorithm(algorithm), content);
        self.prepare_inner(&d, algorithm, None, Some(existing.signed_data.clone()))
    }

    fn check_signer(&self, signer: &dyn Signer) -> Result<(), Error> {
        if let (Some(key), Ok(cert_key)) = (signer.public_key(), self.certificate.public_key())
            && key.spki_der() != cert_key.spki_der()
        {
            return Err(Error::Signing(SigningError::SignerKeyMismatch));
        }
        Ok(())
    }

    fn prepare_inner(
        &self,
        document_digest: &Digest,
        algorithm: SignatureAlgorithm,
        content: Option<Vec<u8>>,
        base: Option<SignedData>,
    ) -> Result<PreparedSignature, Error> {
        if !algorithm.can_sign() {
            return Err(Error::Signature(SignatureError::AlgorithmNotAllowed {
                algorithm,
                reason: crate::error::DisallowedReason::VerifyOnly,
            }));
        }
        let cert_key = self.certificate.public_key()?;
        if algorithm.key_type() != cert_key.key_type() {
            return Err(Error::Signature(SignatureError::AlgorithmKeyMismatch {
                algorithm,
            }));
        }
        let digest_algorithm = message_digest_algorithm(algorithm);
        if document_digest.algorithm() != digest_algorithm {
            return Err(Error::Signing(SigningError::DigestAlgorithmMismatch {
                expected: digest_algorithm,
                actual: document_digest.algorithm(),
            }));
        }
        let x509 = x509_cert::Certificate::from_der(self.certificate.der())
            .map_err(|_| Error::invalid_der(Object::Certificate))?;
        let tbs = x509.tbs_certificate();

        let content_type = base
            .as_ref()
            .map_or(ID_DATA, |b| b.encap_content_info.econtent_type);
        let mut attrs: Vec<Attribute> = vec![
            attributes::attribute(CONTENT_TYPE, &content_type)?,
            attributes::attribute(
                MESSAGE_DIGEST,
                &OctetString::new(document_digest.as_bytes()).map_err(der_err)?,
            )?,
            attributes::attribute(
                SIGNING_CERTIFICATE_V2,
                &SigningCertificateV2 {
                    certs: vec![EssCertIdV2 {
                        hash_algorithm: None,
                        cert_hash: OctetString::new(
                            digest(DigestAlgorithm::Sha256, self.certificate.der()).as_bytes(),
                        )
                        .map_err(der_err)?,
                        issuer_serial: Some(IssuerSerial {
                            issuer: vec![GeneralName::DirectoryName(tbs.issuer().clone())],
                            serial_number: tbs.serial_number().clone(),
                        }),
                    }],
                    policies: None,
                },
            )?,
        ];
        if self.signing_time_attribute {
            attrs.push(attributes::attribute(
                SIGNING_TIME,
                &attributes::signing_time_value(self.signing_time)?,
            )?);
        }
        if let Some(c) = self.commitment_type {
            attrs.push(attributes::attribute(
                COMMITMENT_TYPE,
                &CommitmentTypeIndication {
                    commitment_type_id: c.oid(),
                    qualifiers: None,
                },
            )?);
        }
        if let Some(loc) = &self.signer_location {
            attrs.push(attributes::attribute(
                SIGNER_LOCATION,
                &attributes::signer_location_value(loc)?,
            )?);
        }
        // DER: a SET OF is sorted by encoding (RFC 5652 section 5.3 requires DER here).
        let signed_attrs = SetOfVec::try_from(attrs).map_err(der_err)?;
        let to_be_signed = signed_attrs.to_der().map_err(der_err)?;

        let (version, sid) = if self.use_key_identifier {
            let ski = self.certificate.subject_key_id().ok_or(Error::malformed(
                Object::Certificate,
                crate::error::Malformed::InvalidValue {
                    field: "subjectKeyIdentifier (absent)",
                },
            ))?;
            (
                CmsVersion::V3,
                SignerIdentifier::SubjectKeyIdentifier(x509_cert::ext::pkix::SubjectKeyIdentifier(
                    OctetString::new(ski).map_err(der_err)?,
                )),
            )
        } else {
            (
                CmsVersion::V1,
                SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
                    issuer: tbs.issuer().clone(),
                    serial_number: tbs.serial_number().clone(),
                }),
            )
        };
        let signer_info = SignerInfo {
            version,
            sid,
            digest_alg: AlgorithmIdentifierOwned {
                oid: digest_algorithm.der_oid(),
                parameters: None,
            },
            signed_attrs: Some(signed_attrs),
            signature_algorithm: AlgorithmIdentifierOwned::from_der(
                &algorithm.algorithm_identifier_der(),
            )
            .map_err(der_err)?,
            signature: OctetString::new(Vec::new()).map_err(der_err)?,
            unsigned_attrs: None,
        };
        Ok(PreparedSignature {
            algorithm,
            digest_algorithm,
            certificate: self.certificate.clone(),
            chain: self.chain.clone(),
            signer_info,
            to_be_signed,
            content,
            base,
        })
    }
}

impl PreparedSignature {
    /// The exact bytes the signer must sign: the DER signed attributes (a SET).
    pub fn to_be_signed(&self) -> &[u8] {
        &self.to_be_signed
    }

    /// The digest of [`PreparedSignature::to_be_signed`] with the algorithm's hash, for
    /// signers that sign digests; `None` for Ed25519, which signs the bytes themselves.
    pub fn digest_to_sign(&self) -> Option<Digest> {
        self.algorithm
            .digest_algorithm()
            .map(|h| digest(h, &self.to_be_signed))
    }

    /// The message digest the signed attributes carry.
    pub(crate) fn message_digest(&self) -> Option<Vec<u8>> {
        self.signer_info
            .signed_attrs
            .as_ref()?
            .iter()
            .find(|a| a.oid == MESSAGE_DIGEST)?
            .values
            .iter()
            .next()?
            .decode_as::<OctetString>()
            .ok()
            .map(|o| o.as_bytes().to_vec())
    }

    /// The signature algorithm the value must use.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    /// The hash of the document's message digest (the signature algorithm's; SHA-512 for
    /// Ed25519).
    pub fn message_digest_algorithm(&self) -> DigestAlgorithm {
        self.digest_algorithm
    }

    /// The prepared state as bytes (DER), to store while a remote signer works and resume
    /// with [`PreparedSignature::from_bytes`], in this process or another. It holds the
    /// certificates, the signed attributes, the document for an enveloping signature and the
    /// signature being extended, and no secret. Store it where it cannot be altered, as any
    /// input to signing: `from_bytes` refuses an inconsistent state, but cannot tell a
    /// consistent substitute (another prepared signature of the same signer) from the original.
    ///
    /// # Errors
    ///
    /// [`EncodingError::Malformed`] with [`Object::Cms`] and
    /// [`Malformed::InvalidDer`](crate::error::Malformed::InvalidDer) if the state cannot be
    /// DER-encoded.
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        let any = |der_bytes: &[u8]| Any::from_der(der_bytes).map_err(der_err);
        let chain = self
            .chain
            .iter()
            .map(|c| any(c.der()))
            .collect::<Result<Vec<_>, _>>()?;
        let state = PreparedState {
            version: 1,
            signer_info: self.signer_info.clone(),
            certificate: any(self.certificate.der())?,
            chain,
            content: match &self.content {
                Some(c) => Some(OctetString::new(c.as_slice()).map_err(der_err)?),
                None => None,
            },
            base: self.base.clone(),
        };
        state.to_der().map_err(der_err)
    }

    /// Resumes a prepared signature saved with [`PreparedSignature::to_bytes`]. Everything
    /// is checked again: the certificate parses, the algorithm fits its key, and the bytes to
    /// sign are rebuilt from the signed attributes, not taken on trust.
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`] with [`Object::Cms`] for input over
    ///   [`MAX_CMS_SIZE`](crate::limits::MAX_CMS_SIZE).
    /// - [`EncodingError::Malformed`] with [`Object::Cms`]: not a DER saved state
    ///   ([`Malformed::InvalidDer`](crate::error::Malformed::InvalidDer)), or
    ///   ([`Malformed::InvalidValue`](crate::error::Malformed::InvalidValue)) a version other than 1,
    ///   no signed attributes, a signature value or unsigned attributes already present, a
    ///   signer identifier or signing-certificate-v2 attribute that does not name the
    ///   certificate, or a content type or message digest that does not fit the enveloped
    ///   content or the signature being extended.
    /// - Those of [`Certificate::from_der`] for the certificate and the chain, of
    ///   [`Certificate::public_key`], and of
    ///   [`SignatureAlgorithm::from_algorithm_identifier_der`] for the signature algorithm.
    /// - [`SignatureError::AlgorithmNotAllowed`] with
    ///   [`DisallowedReason::VerifyOnly`](crate::error::DisallowedReason::VerifyOnly) if the
    ///   state names an algorithm kyso does not sign with (SHA-1, or ECDSA on a curve only
    ///   verified).
    /// - [`SignatureError::UnsupportedAlgorithm`] if the digest algorithm is not one kyso implements.
    /// - [`SigningError::DigestAlgorithmMismatch`] if the digest algorithm is not the signature
    ///   algorithm's hash (SHA-512 for Ed25519).
    /// - [`SigningError::ContentMismatch`] if a signer of the signature being extended signed
    ///   another message digest with the same hash.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > crate::limits::MAX_CMS_SIZE {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::Cms,
                limit: crate::limits::MAX_CMS_SIZE,
                actual: bytes.len(),
            }));
        }
        let state = PreparedState::from_der(bytes).map_err(der_err)?;
        if state.version != 1 {
            return Err(Error::malformed(
                Object::Cms,
                crate::error::Malformed::InvalidValue {
                    field: "prepared signature version",
                },
            ));
        }
        let certificate = Certificate::from_der(&state.certificate.to_der().map_err(der_err)?)?;
        let chain = state
            .chain
            .iter()
            .map(|c| Certificate::from_der(&c.to_der().map_err(der_err)?))
            .collect::<Result<Vec<_>, _>>()?;
        let key = certificate.public_key()?;
        let algorithm = SignatureAlgorithm::from_algorithm_identifier_der(
            &state
                .signer_info
                .signature_algorithm
                .to_der()
                .map_err(der_err)?,
            key,
        )?;
        // A saved state is outside input: it may only name an algorithm kyso signs with, as
        // `prepare` requires, so a SHA-1 state is refused here, not later in `finish`.
        if !algorithm.can_sign() {
            return Err(Error::Signature(SignatureError::AlgorithmNotAllowed {
                algorithm,
                reason: crate::error::DisallowedReason::VerifyOnly,
            }));
        }
        let digest_algorithm = DigestAlgorithm::from_der_oid(&state.signer_info.digest_alg.oid)?;
        if digest_algorithm != message_digest_algorithm(algorithm) {
            return Err(Error::Signing(SigningError::DigestAlgorithmMismatch {
                expected: message_digest_algorithm(algorithm),
                actual: digest_algorithm,
            }));
        }
        let to_be_signed = state
            .signer_info
            .signed_attrs
            .as_ref()
            .ok_or(Error::malformed(
                Object::Cms,
                crate::error::Malformed::InvalidValue {
                    field: "prepared signature without signed attributes",
                },
            ))?
            .to_der()
            .map_err(der_err)?;
        let content = state.content.map(|c| c.as_bytes().to_vec());
        check_state(
            &state.signer_info,
            &certificate,
            digest_algorithm,
            content.as_deref(),
            state.base.as_ref(),
        )?;
        Ok(PreparedSignature {
            algorithm,
            digest_algorithm,
            certificate,
            chain,
            signer_info: state.signer_info,
            to_be_signed,
            content,
            base: state.base,
        })
    }

    /// Second step: attaches the signature value and returns the signature. The value is
    /// verified with the certificate's key first, so a token or service that signed with
    /// another key, or other bytes, is caught here
    /// ([`SigningError::SignatureValueRejected`]).
    ///
    /// # Errors
    ///
    /// - Those of [`Certificate::public_key`] if kyso cannot use the certificate's key.
    /// - [`SigningError::SignatureValueRejected`] if `signature_value` does not verify over
    ///   [`PreparedSignature::to_be_signed`] with the certificate's key.
    /// - The other errors of [`PublicKey::verify`](crate::key::PublicKey::verify), under the
    ///   default algorithm policy with RSA keys from 1024 bits: [`SignatureError::AlgorithmNotAllowed`]
    ///   for SHA-1 (from a state resumed with [`PreparedSignature::from_bytes`]),
    ///   [`SignatureError::RsaKeyTooSmall`], [`SignatureError::RsaKeyTooLarge`].
    /// - [`EncodingError::TooLarge`] with [`Object::Cms`] if the signature would then hold more than
    ///   [`MAX_CMS_SIGNERS`](crate::limits::MAX_CMS_SIGNERS) signers or
    ///   [`MAX_CMS_CERTIFICATES`](crate::limits::MAX_CMS_CERTIFICATES) certificates.
    pub fn finish(self, signature_value: &[u8]) -> Result<SignedCms, Error> {
        let key = self.certificate.public_key()?;
        let policy = AlgorithmPolicy::default().require_min_rsa_bits(LEGACY_MIN_RSA_BITS);
        key.verify(self.algorithm, &self.to_be_signed, signature_value, &policy)
            .map_err(|e| match e {
                Error::Signature(SignatureError::InvalidSignature) => {
                    Error::Signing(SigningError::SignatureValueRejected)
                }
                other => other,
            })?;
        let mut signer_info = self.signer_info;
        signer_info.signature = OctetString::new(signature_value).map_err(der_err)?;

        let digest_alg = signer_info.digest_alg.clone();
        let mut signed_data = match self.base {
            Some(base) => base,
            None => SignedData {
                version: CmsVersion::V1,
                digest_algorithms: SetOfVec::new(),
                encap_content_info: EncapsulatedContentInfo {
                    econtent_type: ID_DATA,
                    econtent: match &self.content {
                        Some(c) => {
                            Some(Any::new(der::Tag::OctetString, c.as_slice()).map_err(der_err)?)
                        }
                        None => None,
                    },
                },
                certificates: None,
                crls: None,
                signer_infos: SignerInfoSet::default(),
            },
        };

        let mut digests: Vec<AlgorithmIdentifierOwned> =
            signed_data.digest_algorithms.iter().cloned().collect();
        if !digests.iter().any(|d| d.oid == digest_alg.oid) {
            digests.push(digest_alg);
        }
        signed_data.digest_algorithms = SetOfVec::try_from(digests).map_err(der_err)?;

        let mut certs: Vec<Any> = signed_data
            .certificates
            .take()
            .map(SetOfVec::into_vec)
            .unwrap_or_default();
        for c in std::iter::once(&self.certificate).chain(&self.chain) {
            let any = Any::from_der(c.der()).map_err(der_err)?;
            if !certs.contains(&any) {
                certs.push(any);
            }
        }
        signed_data.certificates = Some(SetOfVec::try_from(certs).map_err(der_err)?);

        // RFC 5652 section 5.1: version 3 once a SignerInfo is version 3; never lowered.
        if signer_info.version == CmsVersion::V3 && signed_data.version < CmsVersion::V3 {
            signed_data.version = CmsVersion::V3;
        }
        let mut infos: Vec<SignerInfo> = signed_data.signer_infos.typed().map_err(der_err)?;
        infos.push(signer_info);
        signed_data.signer_infos = SignerInfoSet::from_typed(infos).map_err(der_err)?;
        SignedCms::from_signed_data(signed_data)
    }
}

/// Checks a resumed state for consistency, so that a state altered while stored cannot make
/// `finish` produce something other than what `prepare` would have: no signature value and
/// no unsigned attributes yet; the signer identifier and the signing-certificate attribute
/// name the certificate; the content type and the message digest fit the enveloped content
/// or the signature being extended.
fn check_state(
    si: &SignerInfo,
    certificate: &Certificate,
    digest_algorithm: DigestAlgorithm,
    content: Option<&[u8]>,
    base: Option<&SignedData>,
) -> Result<(), Error> {
    let bad = |field: &'static str| {
        Error::malformed(Object::Cms, crate::error::Malformed::InvalidValue { field })
    };
    if !si.signature.as_bytes().is_empty() || si.unsigned_attrs.is_some() {
        return Err(bad(
            "prepared signature already signed or with unsigned attributes",
        ));
    }
    let sid_ok = match &si.sid {
        SignerIdentifier::IssuerAndSerialNumber(isn) => {
            isn.serial_number.as_bytes() == certificate.serial()
                && isn.issuer.to_der().map_err(der_err)?.as_slice() == certificate.issuer().der()
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            certificate.subject_key_id() == Some(ski.0.as_bytes())
        }
    };
    if !sid_ok {
        return Err(bad("prepared signature: signer identifier"));
    }
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or(bad("prepared signature without signed attributes"))?;
    let single = |oid| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    let ess: SigningCertificateV2 = single(SIGNING_CERTIFICATE_V2)
        .and_then(|v| v.decode_as().ok())
        .ok_or(bad("prepared signature: signing-certificate attribute"))?;
    let bound = ess.certs.first().is_some_and(|id| {
        id.hash_algorithm.is_none()
            && id.cert_hash.as_bytes()
                == digest(DigestAlgorithm::Sha256, certificate.der()).as_bytes()
    });
    if !bound {
        return Err(bad("prepared signature: signing-certificate attribute"));
    }
    let content_type: der::asn1::ObjectIdentifier = single(CONTENT_TYPE)
        .and_then(|v| v.decode_as().ok())
        .ok_or(bad("prepared signature: content type"))?;
    let expected_type = base.map_or(ID_DATA, |b| b.encap_content_info.econtent_type);
    if content_type != expected_type {
        return Err(bad("prepared signature: content type"));
    }
    let message_digest: OctetString = single(MESSAGE_DIGEST)
        .and_then(|v| v.decode_as().ok())
        .ok_or(bad("prepared signature: message digest"))?;
    let inside = content.or_else(|| {
        base.and_then(|b| b.encap_content_info.econtent.as_ref())
            .map(|c| c.value())
    });
    if let Some(inside) = inside
        && digest(digest_algorithm, inside).as_bytes() != message_digest.as_bytes()
    {
        return Err(bad("prepared signature: message digest"));
    }
    // The signers already there must have signed the same document.
    if let Some(b) = base {
        for other in b.signer_infos.iter() {
            let other_digest = other
                .signed_attributes()
                .find(|x| x.oid == MESSAGE_DIGEST)
                .and_then(|x| x.values().next())
                .and_then(|v| v.decode_as::<OctetString>().ok());
            if other.digest_algorithm() == si.digest_alg.oid
                && other_digest.is_some_and(|d| d.as_bytes() != message_digest.as_bytes())
            {
                return Err(Error::Signing(SigningError::ContentMismatch));
            }
        }
    }
    Ok(())
}

/// The saved form of a [`PreparedSignature`]:
///
/// ```text
/// PreparedState ::= SEQUENCE {
///   version      INTEGER (1),
///   signerInfo   SignerInfo,           -- signature value empty
///   certificate  Certificate,
///   chain        SEQUENCE OF Certificate,
///   content      [0] IMPLICIT OCTET STRING OPTIONAL,  -- enveloping signatures
///   base         [1] IMPLICIT SignedData OPTIONAL }   -- when adding a signer
/// ```
#[derive(Clone, Debug, der::Sequence)]
struct PreparedState {
    version: u8,
    signer_info: SignerInfo,
    certificate: Any,
    chain: Vec<Any>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    content: Option<OctetString>,
    #[asn1(
        context_specific = "1",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    base: Option<SignedData>,
}

/// The hash of the message digest: the signature algorithm's, and SHA-512 for Ed25519
/// (RFC 8419 section 3.1).
pub(crate) fn message_digest_algorithm(algorithm: SignatureAlgorithm) -> DigestAlgorithm {
    algorithm
        .digest_algorithm()
        .unwrap_or(DigestAlgorithm::Sha512)
}

fn der_err(_: der::Error) -> Error {
    Error::invalid_der(Object::Cms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(rel: &str) -> Vec<u8> {
        std::fs::read(format!("{}/test-vectors/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn state(enveloping: bool) -> PreparedState {
        let cert = Certificate::from_pem(&read("pki/ee-rsa2048.pem")).unwrap();
        let mut b = SignatureBuilder::new(cert, Time::from_unix(1_780_272_000));
        if enveloping {
            b = b.enveloping();
        }
        let prepared = b
            .prepare(b"the document", SignatureAlgorithm::RsaPkcs1Sha256)
            .unwrap();
        PreparedState::from_der(&prepared.to_bytes().unwrap()).unwrap()
    }

    fn resumes(s: &PreparedState) -> bool {
        PreparedSignature::from_bytes(&s.to_der().unwrap()).is_ok()
    }

    #[test]
    fn altered_states_are_refused() {
        assert!(resumes(&state(false)));
        assert!(resumes(&state(true)));

        let mut signed = state(false);
        signed.signer_info.signature = OctetString::new(vec![1u8; 256]).unwrap();
        assert!(!resumes(&signed));

        let mut unsigned_attr = state(false);
        let extra = attributes::attribute(SIGNING_TIME, &ID_DATA).unwrap();
        unsigned_attr.signer_info.unsigned_attrs = Some(SetOfVec::try_from(vec![extra]).unwrap());
        assert!(!resumes(&unsigned_attr));

        let mut other_content = state(true);
        other_content.content = Some(OctetString::new(b"another document".to_vec()).unwrap());
        assert!(!resumes(&other_content));

        let mut other_cert = state(false);
        let seal = Certificate::from_pem(&read("pki/ee-rsa3072.pem")).unwrap();
        other_cert.certificate = Any::from_der(seal.der()).unwrap();
        assert!(!resumes(&other_cert));
    }
}
