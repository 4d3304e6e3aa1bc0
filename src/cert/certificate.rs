//! X.509 certificates (RFC 5280), parsed once into an owned, cheaply cloned value: the
//! common shapes by one pass over the octets (`strict::fast_read`) with each extension
//! parsed by x509-parser, anything else by x509-parser's whole-certificate parse and `der`.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use x509_parser::prelude::FromDer;

use crate::cert::extensions::{
    BasicConstraints, Extension, Extensions, KeyUsage, Parsed, PolicyConstraints, RawExtension,
    read_extensions,
};
use crate::cert::general_name::{DistributionPoint, GeneralName as AltName, NameConstraints};
use crate::cert::identity::Identity;
use crate::cert::name::Name;
use crate::digest::{DigestAlgorithm, digest};
use crate::error::{EncodingError, Error, Malformed, Object};
use crate::key::{PublicKey, SignatureAlgorithm};
use crate::limits::{MAX_BUNDLE_CERTIFICATES, MAX_CERTIFICATE_SIZE};
use crate::oid::Oid;
use crate::time::Time;

/// An X.509 certificate.
///
/// Made only by parsing, which checks the structure (DER, no trailing bytes, no duplicate
/// extensions, decodable known extensions, the two signature algorithm fields equal), so a
/// `Certificate` that exists is well formed. Cloning is cheap (shared, immutable).
///
/// ```
/// let pem = std::fs::read("test-vectors/pki/ee-rsa2048.pem")?;
/// let cert = kyso::Certificate::from_pem(&pem)?;
/// assert_eq!(cert.identity().common_name.as_deref(), Some("Nguyễn Văn An"));
/// assert_eq!(cert.identity().cccd(), Some("001085012345"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Certificate(Arc<Inner>);

#[cfg_attr(test, derive(Debug, PartialEq))]
struct Inner {
    der: Vec<u8>,
    tbs: Range<usize>,
    signature_algorithm: Range<usize>,
    signature: Vec<u8>,
    fingerprint: [u8; 32],
    version: u32,
    serial: Vec<u8>,
    issuer: Name,
    subject: Name,
    not_before: Time,
    not_after: Time,
    spki: Vec<u8>,
    public_key: Result<PublicKey, Error>,
    /// Read from the subject the first time it is asked for.
    identity: std::sync::OnceLock<Identity>,
    ext: Extensions,
}

impl Certificate {
    /// Parses one DER certificate. Trailing bytes are an error.
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`] with [`Object::Certificate`] for input over
    ///   [`MAX_CERTIFICATE_SIZE`] bytes.
    /// - [`EncodingError::Malformed`] with [`Object::Certificate`]: the input is empty
    ///   ([`Malformed::Empty`]); it is not a certificate in DER as RFC 5280 section 4.1 shapes
    ///   it, a version other than v1, v2 and v3 included ([`Malformed::InvalidDer`]); bytes
    ///   follow it ([`Malformed::TrailingData`]); its `signature` field differs from
    ///   `signatureAlgorithm` (RFC 5280 section 4.1.1.2) or a v1 or v2 certificate has
    ///   extensions (section 4.1.2.9) ([`Malformed::InvalidValue`]); or an extension appears
    ///   twice (section 4.2) ([`Malformed::DuplicateExtension`]).
    /// - [`EncodingError::Malformed`] with [`Object::Signature`] and [`Malformed::InvalidDer`] if the
    ///   signature BIT STRING has unused bits.
    /// - [`EncodingError::Malformed`] with [`Object::Extension`] and [`Malformed::InvalidExtension`]
    ///   if a known extension's value does not decode, has octets after it inside
    ///   `extnValue`, or breaks a rule of RFC 5280 section
    ///   4.2.1: an empty certificatePolicies or one that lists a policy twice (4.2.1.4), an
    ///   empty policyMappings (4.2.1.5), an empty policyConstraints (4.2.1.11).
    /// - [`EncodingError::Malformed`] with [`Object::Name`] and [`Malformed::InvalidDer`] if the
    ///   issuer or subject is not a DER name as RFC 5280 section 4.1.2.4 shapes it, and
    ///   [`EncodingError::TooLarge`] with [`Object::Name`] if it has more than
    ///   [`MAX_NAME_ATTRIBUTES`](crate::limits::MAX_NAME_ATTRIBUTES) attributes.
    ///
    /// A public key kyso cannot use is not an error here: [`Certificate::public_key`]
    /// reports it.
    pub fn from_der(der_bytes: &[u8]) -> Result<Self, Error> {
        if der_bytes.is_empty() {
            return Err(Error::malformed(Object::Certificate, Malformed::Empty));
        }
        if der_bytes.len() > MAX_CERTIFICATE_SIZE {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::Certificate,
                limit: MAX_CERTIFICATE_SIZE,
                actual: der_bytes.len(),
            }));
        }
        // Strict DER only (see cert/strict.rs): x509-parser alone lets some non-DER
        // structures through. The one-pass read settles the common shapes, and for most of
        // them also gives the fields, so that only the extensions go through x509-parser;
        // anything else goes through `der`'s decoder, which gives the errors, and
        // x509-parser's whole-certificate parse.
        let Some(read) = crate::cert::strict::fast_read(der_bytes) else {
            return Self::from_typed(der_bytes, None);
        };
        let mut parts = Some(read.parts);
        match Self::from_fields(der_bytes, &read.fields, &mut parts) {
            Some(certificate) => Ok(certificate),
            None => Self::from_typed(der_bytes, parts),
        }
    }

    /// A certificate whose shape [`strict::fast_read`](crate::cert::strict::fast_read)
    /// settled, built from the fields it found: the names read by [`Name::read_common`],
    /// the times by [`validity_time`], each extension parsed on its own by x509-parser's
    /// extension parser (the one its whole-certificate parse applies to each element).
    /// `None` for anything unusual (a unique identifier, a key's BIT STRING with unused
    /// bits, the two algorithm fields encoded differently, a name or time of another form,
    /// any error), which
    /// [`Certificate::from_typed`] then decides; on what this settles the two give the same
    /// certificate (unit test below).
    /// `parts` is taken only when a certificate is returned.
    fn from_fields(
        der_bytes: &[u8],
        fields: &crate::cert::strict::Fields<'_>,
        parts: &mut Option<crate::cert::strict::SignedParts>,
    ) -> Option<Self> {
        if !fields.same_algorithm || fields.unique_ids || !fields.whole_octet_key {
            return None;
        }
        let mut extensions = Vec::new();
        if let Some(mut list) = fields.extensions.map(crate::cert::strict::Tlv::new) {
            while !list.done() {
                let (_, whole) = list.whole()?;
                let mut extension = crate::cert::strict::Tlv::new(whole).enter(0x30)?;
                let oid = Oid::from_content(crate::cert::strict::oid(&mut extension)?)?;
                let critical = extension.peek() == Some(0x01)
                    && extension.primitive(0x01)? == [0xff].as_slice();
                let value = extension.primitive(0x04)?;
                let parsed = match Parsed::read_common(&oid, value) {
                    Some(parsed) => parsed,
                    None => {
                        let (rest, typed) =
                            x509_parser::extensions::X509Extension::from_der(whole).ok()?;
                        if !rest.is_empty() {
                            return None;
                        }
                        Parsed::from_x509(typed.parsed_extension())
                    }
                };
                extensions.push(RawExtension {
                    oid,
                    critical,
                    value,
                    parsed,
                });
            }
        }
        if fields.version < 3 && !extensions.is_empty() {
            return None;
        }
        let [(before_tag, before), (after_tag, after)] = fields.validity;
        let not_before = validity_time(before_tag, before)?;
        let not_after = validity_time(after_tag, after)?;
        let issuer = Name::read_common(fields.issuer)?;
        let subject = Name::read_common(fields.subject)?;
        let ext = read_extensions(&issuer, extensions).ok()?;
        let (tbs, signature_algorithm, signature) = parts.take()?;
        let mut inner = Inner {
            der: der_bytes.to_vec(),
            tbs,
            signature_algorithm,
            signature,
            fingerprint: [0; 32],
            version: fields.version,
            serial: fields.serial.to_vec(),
            issuer,
            identity: std::sync::OnceLock::new(),
            subject,
            not_before,
            not_after,
            public_key: PublicKey::from_spki_der(fields.spki),
            spki: fields.spki.to_vec(),
            ext,
        };
        let fp = digest(DigestAlgorithm::Sha256, der_bytes);
        inner.fingerprint.copy_from_slice(fp.as_bytes());
        Some(Certificate(Arc::new(inner)))
    }

    /// The parse of [`Certificate::from_der`] by x509-parser's whole-certificate parser
    /// and, unless `parts` says the one-pass read settled the shape, `der`'s strict decode.
    fn from_typed(
        der_bytes: &[u8],
        parts: Option<crate::cert::strict::SignedParts>,
    ) -> Result<Self, Error> {
        let shape_known = parts.is_some();
        let (tbs, signature_algorithm, signature) = match parts {
            Some(parts) => parts,
            None => crate::cert::strict::split_signed(der_bytes)?,
        };
        let (rest, x509) = x509_parser::certificate::X509Certificate::from_der(der_bytes)
            .map_err(|_| Error::invalid_der(Object::Certificate))?;
        if !rest.is_empty() {
            return Err(Error::malformed(
                Object::Certificate,
                Malformed::TrailingData,
            ));
        }
        if !shape_known && !crate::cert::strict::is_der_certificate(der_bytes) {
            return Err(Error::invalid_der(Object::Certificate));
        }
        let tbs_cert = &x509.tbs_certificate;
        if tbs_cert.signature != x509.signature_algorithm {
            // RFC 5280 section 4.1.1.2: the two fields MUST be equal.
            return Err(Error::malformed(
                Object::Certificate,
                Malformed::InvalidValue {
                    field: "signature (differs from signatureAlgorithm)",
                },
            ));
        }
        let version = tbs_cert.version.0.saturating_add(1);
        if version > 3 {
            return Err(Error::malformed(
                Object::Certificate,
                Malformed::InvalidValue { field: "version" },
            ));
        }
        if version < 3 && !tbs_cert.extensions().is_empty() {
            return Err(Error::malformed(
                Object::Certificate,
                Malformed::InvalidValue {
                    field: "extensions in a v1 or v2 certificate",
                },
            ));
        }
        let spki = tbs_cert.subject_pki.raw.to_vec();
        let subject = Name::from_x509(&tbs_cert.subject)?;
        let mut inner = Inner {
            der: der_bytes.to_vec(),
            tbs,
            signature_algorithm,
            signature,
            fingerprint: [0; 32],
            version,
            serial: tbs_cert.raw_serial().to_vec(),
            issuer: Name::from_x509(&tbs_cert.issuer)?,
            identity: std::sync::OnceLock::new(),
            subject,
            not_before: Time::from_unix(tbs_cert.validity.not_before.timestamp()),
            not_after: Time::from_unix(tbs_cert.validity.not_after.timestamp()),
            public_key: PublicKey::from_spki_der(&spki),
            spki,
            ext: Extensions::default(),
        };
        let extensions = tbs_cert
            .extensions()
            .iter()
            .map(|e| RawExtension {
                oid: Oid::from_x509(&e.oid),
                critical: e.critical,
                value: e.value,
                parsed: Parsed::from_x509(e.parsed_extension()),
            })
            .collect();
        inner.ext = read_extensions(&inner.issuer, extensions)?;
        let fp = digest(DigestAlgorithm::Sha256, der_bytes);
        inner.fingerprint.copy_from_slice(fp.as_bytes());
        Ok(Certificate(Arc::new(inner)))
    }

    /// Parses the first `CERTIFICATE` block of PEM text (other blocks and text around them
    /// are skipped), or DER if the input is not PEM.
    ///
    /// # Errors
    ///
    /// - Those of [`Certificate::from_der`] for DER input, and for the contents of the first
    ///   `CERTIFICATE` block.
    /// - [`EncodingError::TooLarge`] with [`Object::Pem`] for PEM text over
    ///   [`MAX_PEM_SIZE`](crate::limits::MAX_PEM_SIZE) bytes.
    /// - [`EncodingError::Malformed`] with [`Object::Pem`] if a PEM block is damaged
    ///   ([`Malformed::InvalidBase64`], [`Malformed::InvalidPemFraming`]) or no block is
    ///   labelled `CERTIFICATE` ([`Malformed::NoPemBlock`]).
    pub fn from_pem(pem_text: &[u8]) -> Result<Self, Error> {
        if !crate::pem::looks_like_pem(pem_text) {
            return Certificate::from_der(pem_text);
        }
        let blocks = crate::pem::parse_blocks(pem_text)?;
        let first = blocks
            .into_iter()
            .find(|b| b.tag() == "CERTIFICATE")
            .ok_or(Error::malformed(Object::Pem, Malformed::NoPemBlock))?;
        cert_from_block(first)
    }

    /// Parses every `CERTIFICATE` block of PEM text (a bundle, such as a chain or a trust
    /// store file), in order. A block with another label, or a damaged certificate, is an
    /// error: a bundle is taken whole or not at all.
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`] with [`Object::Pem`] for text over
    ///   [`MAX_PEM_SIZE`](crate::limits::MAX_PEM_SIZE) bytes, or for more than
    ///   [`MAX_BUNDLE_CERTIFICATES`] blocks (`limit` and `actual` then count blocks).
    /// - [`EncodingError::Malformed`] with [`Object::Pem`]: a block is damaged
    ///   ([`Malformed::InvalidBase64`], [`Malformed::InvalidPemFraming`]); the text holds no
    ///   PEM block, DER input included ([`Malformed::NoPemBlock`]); or a block has a label
    ///   other than `CERTIFICATE`, such as the obsolete `X509 CERTIFICATE` or OpenSSL's
    ///   `TRUSTED CERTIFICATE` ([`Malformed::UnexpectedPemLabel`]).
    /// - Those of [`Certificate::from_der`] for the contents of any block.
    pub fn parse_pem_bundle(pem_text: &[u8]) -> Result<Vec<Certificate>, Error> {
        let blocks = crate::pem::parse_blocks(pem_text)?;
        if blocks.len() > MAX_BUNDLE_CERTIFICATES {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::Pem,
                limit: MAX_BUNDLE_CERTIFICATES,
                actual: blocks.len(),
            }));
        }
        blocks.into_iter().map(cert_from_block).collect()
    }

    /// Reads certificates from a file: a PEM bundle, or one DER certificate.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be read, [`EncodingError::TooLarge`] with [`Object::Pem`] if
    /// it is over [`MAX_PEM_SIZE`](crate::limits::MAX_PEM_SIZE) bytes (DER files included),
    /// and otherwise those of [`Certificate::parse_pem_bundle`] for PEM text or of
    /// [`Certificate::from_der`] for DER.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Vec<Certificate>, Error> {
        let data =
            crate::digest::read_bounded(path.as_ref(), crate::limits::MAX_PEM_SIZE, Object::Pem)?;
        if crate::pem::looks_like_pem(&data) {
            Certificate::parse_pem_bundle(&data)
        } else {
            Ok(vec![Certificate::from_der(&data)?])
        }
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    /// The DER `TBSCertificate`: the bytes the issuer signed.
    pub fn tbs_der(&self) -> &[u8] {
        self.0.der.get(self.0.tbs.clone()).unwrap_or_default()
    }

    /// The DER `signatureAlgorithm` `AlgorithmIdentifier`.
    pub fn signature_algorithm_der(&self) -> &[u8] {
        self.0
            .der
            .get(self.0.signature_algorithm.clone())
            .unwrap_or_default()
    }

    /// The signature value.
    pub fn signature(&self) -> &[u8] {
        &self.0.signature
    }

    /// SHA-256 of the DER encoding.
    pub fn fingerprint_sha256(&self) -> &[u8; 32] {
        &self.0.fingerprint
    }

    /// The version: 1, 2 or 3.
    pub fn version(&self) -> u32 {
        self.0.version
    }

    /// The serial number's content octets, big-endian two's complement as encoded.
    pub fn serial(&self) -> &[u8] {
        &self.0.serial
    }

    /// The serial number in uppercase hexadecimal, as OpenSSL prints it.
    pub fn serial_hex(&self) -> String {
        crate::digest::hex(&self.0.serial, true)
    }

    /// The issuer name.
    pub fn issuer(&self) -> &Name {
        &self.0.issuer
    }

    /// The subject name.
    pub fn subject(&self) -> &Name {
        &self.0.subject
    }

    /// Who the subject is, read for people: name, organisation, CCCD, tax code...
    pub fn identity(&self) -> &Identity {
        self.0
            .identity
            .get_or_init(|| Identity::from_name(&self.0.subject))
    }

    /// notBefore.
    pub fn not_before(&self) -> Time {
        self.0.not_before
    }

    /// notAfter.
    pub fn not_after(&self) -> Time {
        self.0.not_after
    }

    /// Whether `time` lies within the validity period (both ends included, RFC 5280
    /// section 4.1.2.5).
    pub fn is_valid_at(&self, time: Time) -> bool {
        self.0.not_before <= time && time <= self.0.not_after
    }

    /// The DER `SubjectPublicKeyInfo`.
    pub fn spki_der(&self) -> &[u8] {
        &self.0.spki
    }

    /// The subject's public key, or why kyso cannot use it
    /// ([`SignatureError::UnsupportedKey`](crate::error::SignatureError::UnsupportedKey) for key types it does not implement).
    ///
    /// # Errors
    ///
    /// The error [`PublicKey::from_spki_der`] gives for the certificate's
    /// `subjectPublicKeyInfo`, kept from parsing: [`SignatureError::UnsupportedKey`](crate::error::SignatureError::UnsupportedKey) for a key type or
    /// curve kyso does not implement, or [`EncodingError::Malformed`] with [`Object::PublicKey`] for
    /// a key that does not decode (an RSA key that is not a DER `RSAPublicKey` or whose
    /// parameters are not NULL, a P-521 or brainpool point off its curve...).
    pub fn public_key(&self) -> Result<&PublicKey, Error> {
        self.0.public_key.as_ref().map_err(Clone::clone)
    }

    /// The signature algorithm, resolved with the issuer's key (ECDSA identifiers name only
    /// the hash).
    ///
    /// # Errors
    ///
    /// Those of [`SignatureAlgorithm::from_algorithm_identifier_der`] for the certificate's
    /// `signatureAlgorithm` and `issuer_key`: for example [`SignatureError::UnsupportedAlgorithm`](crate::error::SignatureError::UnsupportedAlgorithm)
    /// for an algorithm kyso does not implement, or [`SignatureError::AlgorithmKeyMismatch`](crate::error::SignatureError::AlgorithmKeyMismatch) when it
    /// needs another type of key.
    pub fn signature_algorithm(&self, issuer_key: &PublicKey) -> Result<SignatureAlgorithm, Error> {
        SignatureAlgorithm::from_algorithm_identifier_der(
            self.signature_algorithm_der(),
            issuer_key,
        )
    }

    /// Every extension, in encoding order.
    pub fn extensions(&self) -> &[Extension] {
        &self.0.ext.extensions
    }

    /// basicConstraints, if present.
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.0.ext.basic_constraints
    }

    /// keyUsage, if present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.0.ext.key_usage
    }

    /// extendedKeyUsage purposes, if the extension is present.
    pub fn extended_key_usage(&self) -> Option<&[Oid]> {
        self.0.ext.extended_key_usage.as_deref()
    }

    /// subjectKeyIdentifier, if present.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.0.ext.subject_key_id.as_deref()
    }

    /// The keyIdentifier of authorityKeyIdentifier, if present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.0.ext.authority_key_id.as_deref()
    }

    /// Certificate policy OIDs, in encoding order; empty when the certificate has no
    /// certificatePolicies extension.
    pub fn policies(&self) -> &[Oid] {
        self.0.ext.policies.as_deref().unwrap_or_default()
    }

    /// The certificatePolicies extension's policy OIDs, or `None` when it is absent (which
    /// RFC 5280 section 6.1.3 (e) treats differently from any list).
    pub(crate) fn policy_extension(&self) -> Option<&[Oid]> {
        self.0.ext.policies.as_deref()
    }

    /// policyMappings (RFC 5280 section 4.2.1.5): pairs of OIDs, the issuer-domain policy
    /// first; empty when the extension is absent.
    pub fn policy_mappings(&self) -> &[(Oid, Oid)] {
        &self.0.ext.policy_mappings
    }

    /// policyConstraints (RFC 5280 section 4.2.1.11), when present.
    pub fn policy_constraints(&self) -> Option<PolicyConstraints> {
        self.0.ext.policy_constraints
    }

    /// inhibitAnyPolicy's SkipCerts (RFC 5280 section 4.2.1.14), when present.
    pub fn inhibit_any_policy(&self) -> Option<u32> {
        self.0.ext.inhibit_any_policy
    }

    /// URIs of the CRL distribution points (full names only).
    pub fn crl_distribution_points(&self) -> &[String] {
        &self.0.ext.crl_distribution_points
    }

    /// The cRLDistributionPoints extension in full: names of every form, reasons and CRL
    /// issuers (empty when absent).
    pub(crate) fn distribution_points(&self) -> &[DistributionPoint] {
        &self.0.ext.distribution_points
    }

    /// OCSP responder URIs from authorityInfoAccess.
    pub fn ocsp_urls(&self) -> &[String] {
        &self.0.ext.ocsp_urls
    }

    /// caIssuers URIs from authorityInfoAccess.
    pub fn ca_issuer_urls(&self) -> &[String] {
        &self.0.ext.ca_issuer_urls
    }

    /// The subject alternative names, as kyso compares them (name constraints, peer names).
    pub(crate) fn alt_names(&self) -> &[AltName] {
        &self.0.ext.subject_alt_names
    }

    /// The subjectAltName extension's names (RFC 5280 section 4.2.1.6), in encoding order;
    /// empty when there is none. Kinds kyso does not read are
    /// [`SubjectAltName::Other`](crate::cert::SubjectAltName::Other).
    ///
    /// ```
    /// use kyso::Certificate;
    /// let cert = Certificate::from_pem(&std::fs::read("test-vectors/pki/ee-rsa2048.pem")?)?;
    /// assert!(cert.subject_alt_names().iter().all(|n| !matches!(n, kyso::cert::SubjectAltName::Other)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn subject_alt_names(&self) -> Vec<crate::cert::SubjectAltName> {
        self.0
            .ext
            .subject_alt_names
            .iter()
            .map(crate::cert::SubjectAltName::from_general)
            .collect()
    }

    /// The nameConstraints extension, if any.
    pub(crate) fn name_constraints(&self) -> Option<&NameConstraints> {
        self.0.ext.name_constraints.as_ref()
    }

    /// Whether the issuer and subject names are the same (RFC 5280 "self-issued").
    pub fn is_self_issued(&self) -> bool {
        self.0.issuer.matches(&self.0.subject)
    }

    /// Whether the certificate is a CA certificate (basicConstraints cA TRUE).
    pub fn is_ca(&self) -> bool {
        self.0.ext.basic_constraints.is_some_and(|b| b.ca)
    }

    /// Verifies this certificate's signature with `issuer_key` under `policy`.
    ///
    /// # Errors
    ///
    /// Those of [`Certificate::signature_algorithm`], then those of [`PublicKey::verify`]:
    /// [`SignatureError::InvalidSignature`](crate::error::SignatureError::InvalidSignature) if the signature does not verify, and
    /// [`SignatureError::AlgorithmNotAllowed`](crate::error::SignatureError::AlgorithmNotAllowed), [`SignatureError::RsaKeyTooSmall`](crate::error::SignatureError::RsaKeyTooSmall) or [`SignatureError::RsaKeyTooLarge`](crate::error::SignatureError::RsaKeyTooLarge)
    /// if `policy` or kyso refuses the algorithm or the key.
    pub fn verify_signed_by(
        &self,
        issuer_key: &PublicKey,
        policy: &crate::key::AlgorithmPolicy,
    ) -> Result<(), Error> {
        let alg = self.signature_algorithm(issuer_key)?;
        issuer_key.verify(alg, self.tbs_der(), self.signature(), policy)
    }

    /// [`Certificate::verify_signed_by`] without the signature check itself (for a link a
    /// [`VerificationCache`](crate::path::VerificationCache) already verified): the algorithm,
    /// the key and the policy are checked as on every call.
    pub(crate) fn check_signed_by_policy(
        &self,
        issuer_key: &PublicKey,
        policy: &crate::key::AlgorithmPolicy,
    ) -> Result<(), Error> {
        let alg = self.signature_algorithm(issuer_key)?;
        issuer_key.usable_for(alg, policy).map(|_| ())
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.0.fingerprint == other.0.fingerprint && self.0.der == other.0.der
    }
}

impl Eq for Certificate {}

impl core::hash::Hash for Certificate {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.0.fingerprint.hash(state);
    }
}

impl core::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.0.subject.to_string())
            .field("issuer", &self.0.issuer.to_string())
            .field("serial", &self.serial_hex())
            .finish_non_exhaustive()
    }
}

/// A validity time in the form RFC 5280 section 4.1.2.5 requires of new certificates:
/// UTCTime `YYMMDDHHMMSSZ` (`tag` 0x17; years 1950 to 2049) or GeneralizedTime
/// `YYYYMMDDHHMMSSZ` (0x18), every field in range. `None` for any other form, which the
/// typed parse then reads.
fn validity_time(tag: u8, text: &[u8]) -> Option<Time> {
    let digits = |range: Range<usize>| -> Option<u32> {
        text.get(range)?.iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (year, at) = match (tag, text.len()) {
        (0x17, 13) => {
            let yy = digits(0..2)?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, 2)
        }
        (0x18, 15) => (digits(0..4)?, 4),
        _ => return None,
    };
    if text.last() != Some(&b'Z') {
        return None;
    }
    Time::from_utc(
        year,
        digits(at..at + 2)?,
        digits(at + 2..at + 4)?,
        digits(at + 4..at + 6)?,
        digits(at + 6..at + 8)?,
        digits(at + 8..at + 10)?,
    )
    .ok()
}

fn cert_from_block(block: pem::Pem) -> Result<Certificate, Error> {
    match block.tag() {
        // "X509 CERTIFICATE" and "TRUSTED CERTIFICATE" are not accepted: the first is
        // obsolete, the second carries OpenSSL trust settings kyso would silently drop.
        "CERTIFICATE" => Certificate::from_der(block.contents()),
        other => Err(Error::malformed(
            Object::Pem,
            Malformed::UnexpectedPemLabel {
                found: other.to_owned(),
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The certificate built from the one-pass read's fields, if it settles `input`; it
    /// must then be the typed parse's, field for field.
    fn settled_in_one_pass(input: &[u8]) -> bool {
        let Some(read) = crate::cert::strict::fast_read(input) else {
            return false;
        };
        let mut parts = Some(read.parts);
        let Some(fast) = Certificate::from_fields(input, &read.fields, &mut parts) else {
            return false;
        };
        let typed = Certificate::from_typed(input, None)
            .unwrap_or_else(|e| panic!("the typed parse refuses ({e}) {input:02x?}"));
        assert_eq!(*fast.0, *typed.0, "{input:02x?}");
        true
    }

    #[test]
    fn the_fields_read_in_one_pass_are_the_typed_parse() {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut all = Vec::new();
        crate::cert::strict::tests::certificates(&here.join("test-vectors"), &mut all);
        let shared = here.join("../shared/vectors");
        if shared.is_dir() {
            crate::cert::strict::tests::certificates(&shared, &mut all);
        }
        let (mut settled, mut parsed) = (0, 0);
        for c in &all {
            if Certificate::from_typed(c, None).is_ok() {
                parsed += 1;
            }
            if settled_in_one_pass(c) {
                settled += 1;
            }
        }
        eprintln!(
            "settled in one pass: {settled} of {parsed} parsed ({} read)",
            all.len()
        );
        // Real certificates: all but the unusual forms (unique identifiers, validity times
        // with fractions or offsets, multi-valued names of other value types).
        assert!(settled * 100 >= parsed * 90, "{settled} of {parsed}");
        // Mutations: a changed octet, a cut, an inserted octet, an octet plus one; a third
        // in the first 300 octets (version, serial number, algorithm, names, validity), a
        // third in the second half (extensions, signature), a third anywhere.
        let mut mutations = crate::mutations::Mutations::new(19);
        let mut accepted = 0;
        for round in 0..200_000 {
            let base = &all[round % all.len()];
            let mut m = base.clone();
            let at = match round % 3 {
                0 => mutations.below(m.len()),
                1 => mutations.below(m.len().min(300)),
                _ => m.len() / 2 + mutations.below(m.len() - m.len() / 2),
            };
            mutations.apply(&mut m, at);
            if settled_in_one_pass(&m) {
                accepted += 1;
            }
        }
        eprintln!("mutations settled in one pass: {accepted} of 200000");
        assert!(accepted > 20_000, "{accepted}");
    }

    use crate::mutations::tlv;

    /// A v3 certificate with one extension, `extension` (its whole encoding), over the
    /// key of the bundled RSA-2048 end entity; the signature is not a real one.
    fn with_extension(extension: &[u8]) -> Vec<u8> {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let pem = std::fs::read(here.join("test-vectors/pki/ee-rsa2048.pem")).unwrap();
        let key = Certificate::from_pem(&pem).unwrap().spki_der().to_vec();
        let algorithm = [
            0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05,
            0x00,
        ];
        let name = [
            0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x56,
            0x4e,
        ];
        let mut times = tlv(0x17, b"250101000000Z");
        times.extend(tlv(0x17, b"350101000000Z"));
        let mut tbs = vec![0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01];
        tbs.extend(algorithm);
        tbs.extend(name);
        tbs.extend(tlv(0x30, &times));
        tbs.extend(name);
        tbs.extend(key);
        tbs.extend(tlv(0xa3, &tlv(0x30, extension)));
        let mut cert = tlv(0x30, &tbs);
        cert.extend(algorithm);
        let mut bits = vec![0u8; 65];
        bits[1] = 1;
        cert.extend(tlv(0x03, &bits));
        tlv(0x30, &cert)
    }

    #[test]
    fn a_known_extension_with_octets_after_its_value_is_refused() {
        let ski = |value: &[u8]| {
            let mut body = vec![0x06, 0x03, 0x55, 0x1d, 0x0e];
            body.extend(tlv(0x04, value));
            with_extension(&tlv(0x30, &body))
        };
        let good = Certificate::from_der(&ski(&[0x04, 0x01, 0xaa])).unwrap();
        assert_eq!(good.subject_key_id(), Some([0xaa].as_slice()));
        let refused = Error::malformed(
            Object::Extension,
            Malformed::InvalidExtension {
                oid: Oid::known(crate::oid::EXT_SUBJECT_KEY_ID),
            },
        );
        let trailing = ski(&[0x04, 0x01, 0xaa, 0x00]);
        assert_eq!(
            Certificate::from_der(&trailing).err(),
            Some(refused.clone())
        );
        // The typed parse alone refuses it too, and the one-pass read gives it up.
        assert_eq!(
            Certificate::from_typed(&trailing, None).err(),
            Some(refused)
        );
        assert!(!settled_in_one_pass(&trailing));
    }

    #[test]
    fn validity_times_of_the_strict_forms_only() {
        let t = |tag, text: &str| validity_time(tag, text.as_bytes());
        let at = |y, mo, d, h, mi, s| Time::from_utc(y, mo, d, h, mi, s).ok();
        assert_eq!(t(0x17, "491231235959Z"), at(2049, 12, 31, 23, 59, 59));
        assert_eq!(t(0x17, "500101000000Z"), at(1950, 1, 1, 0, 0, 0));
        assert_eq!(t(0x18, "20500101000000Z"), at(2050, 1, 1, 0, 0, 0));
        assert_eq!(t(0x18, "20240229120000Z"), at(2024, 2, 29, 12, 0, 0));
        for (tag, text) in [
            (0x18, "20230229120000Z"),
            (0x17, "2402291200Z"),
            (0x17, "240229120000+0700"),
            (0x18, "20240229120000.5Z"),
            (0x17, "24022912000aZ"),
            (0x17, "241301000000Z"),
            (0x17, "240101240000Z"),
            (0x17, "240101006000Z"),
            (0x17, "240101000060Z"),
            (0x18, "00000101000000Z"),
            (0x18, "240101000000Z"),
            (0x17, "20240101000000Z"),
            (0x04, "240101000000Z"),
        ] {
            assert_eq!(t(tag, text), None, "{text}");
        }
    }

    #[test]
    fn garbage_inputs_are_errors() {
        assert!(matches!(
            Certificate::from_der(&[]),
            Err(Error::Encoding(EncodingError::Malformed {
                reason: Malformed::Empty,
                ..
            }))
        ));
        assert!(Certificate::from_der(&[0x30, 0x00]).is_err());
        assert!(Certificate::from_der(&[0x30, 0x80, 0x00, 0x00]).is_err());
        assert!(Certificate::from_der(&[0xff; 100]).is_err());
        assert!(matches!(
            Certificate::from_der(&vec![0x30; MAX_CERTIFICATE_SIZE + 1]),
            Err(Error::Encoding(EncodingError::TooLarge { .. }))
        ));
        assert!(Certificate::parse_pem_bundle(b"hello").is_err());
    }

    #[test]
    fn key_usage_bits() {
        let ku = KeyUsage::DIGITAL_SIGNATURE.union(KeyUsage::NON_REPUDIATION);
        assert!(ku.contains(KeyUsage::DIGITAL_SIGNATURE));
        assert!(!ku.contains(KeyUsage::KEY_CERT_SIGN));
        assert!(ku.intersects(KeyUsage::NON_REPUDIATION.union(KeyUsage::CRL_SIGN)));
        assert_eq!(ku.bits(), 3);
    }
}
