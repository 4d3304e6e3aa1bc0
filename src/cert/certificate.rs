//! X.509 certificates (RFC 5280), parsed once with `x509-parser` into an owned, cheaply
//! cloned value.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use der::{Decode, Reader};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;

use crate::cert::general_name::{
    DistributionPoint, GeneralName as AltName, NameConstraints, read_distribution_points,
};
use crate::cert::identity::Identity;
use crate::cert::name::Name;
use crate::digest::{DigestAlgorithm, digest};
use crate::error::{Error, Malformed, Object};
use crate::key::{PublicKey, SignatureAlgorithm};
use crate::limits::{MAX_BUNDLE_CERTIFICATES, MAX_CERTIFICATE_SIZE};
use crate::oid;
use crate::time::Time;

/// The keyUsage extension's bits (RFC 5280 section 4.2.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyUsage(u16);

impl KeyUsage {
    /// digitalSignature (bit 0).
    pub const DIGITAL_SIGNATURE: KeyUsage = KeyUsage(1 << 0);
    /// nonRepudiation, also called contentCommitment (bit 1).
    pub const NON_REPUDIATION: KeyUsage = KeyUsage(1 << 1);
    /// keyEncipherment (bit 2).
    pub const KEY_ENCIPHERMENT: KeyUsage = KeyUsage(1 << 2);
    /// dataEncipherment (bit 3).
    pub const DATA_ENCIPHERMENT: KeyUsage = KeyUsage(1 << 3);
    /// keyAgreement (bit 4).
    pub const KEY_AGREEMENT: KeyUsage = KeyUsage(1 << 4);
    /// keyCertSign (bit 5).
    pub const KEY_CERT_SIGN: KeyUsage = KeyUsage(1 << 5);
    /// cRLSign (bit 6).
    pub const CRL_SIGN: KeyUsage = KeyUsage(1 << 6);
    /// encipherOnly (bit 7).
    pub const ENCIPHER_ONLY: KeyUsage = KeyUsage(1 << 7);
    /// decipherOnly (bit 8).
    pub const DECIPHER_ONLY: KeyUsage = KeyUsage(1 << 8);

    /// Whether every bit of `other` is set here.
    pub fn contains(self, other: KeyUsage) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any bit of `other` is set here.
    pub fn intersects(self, other: KeyUsage) -> bool {
        self.0 & other.0 != 0
    }

    /// The union of two sets of bits.
    #[must_use]
    pub fn union(self, other: KeyUsage) -> KeyUsage {
        KeyUsage(self.0 | other.0)
    }

    /// The raw bits, bit 0 (digitalSignature) as the least significant.
    pub fn bits(self) -> u16 {
        self.0
    }
}

/// The basicConstraints extension (RFC 5280 section 4.2.1.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BasicConstraints {
    /// Whether the subject is a CA.
    pub ca: bool,
    /// The most non-self-issued intermediate certificates that may follow this one.
    pub path_len: Option<u32>,
}

/// The policyConstraints extension (RFC 5280 section 4.2.1.11): how many more non-self-issued
/// certificates may follow before an explicit policy is required, or before policy mapping
/// is inhibited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PolicyConstraints {
    /// requireExplicitPolicy's SkipCerts.
    pub require_explicit_policy: Option<u32>,
    /// inhibitPolicyMapping's SkipCerts.
    pub inhibit_policy_mapping: Option<u32>,
}

/// One extension, as encoded.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Extension {
    /// Dotted OID.
    pub oid: String,
    /// Whether it is marked critical.
    pub critical: bool,
    /// The contents of `extnValue`.
    pub value: Vec<u8>,
}

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
    extensions: Vec<Extension>,
    basic_constraints: Option<BasicConstraints>,
    key_usage: Option<KeyUsage>,
    extended_key_usage: Option<Vec<String>>,
    subject_key_id: Option<Vec<u8>>,
    authority_key_id: Option<Vec<u8>>,
    policies: Option<Vec<String>>,
    policy_mappings: Vec<(String, String)>,
    policy_constraints: Option<PolicyConstraints>,
    inhibit_any_policy: Option<u32>,
    crl_distribution_points: Vec<String>,
    distribution_points: Vec<DistributionPoint>,
    ocsp_urls: Vec<String>,
    ca_issuer_urls: Vec<String>,
    identity: Identity,
    subject_alt_names: Vec<AltName>,
    name_constraints: Option<NameConstraints>,
}

impl Certificate {
    /// Parses one DER certificate. Trailing bytes are an error.
    pub fn from_der(der_bytes: &[u8]) -> Result<Self, Error> {
        if der_bytes.is_empty() {
            return Err(Error::malformed(Object::Certificate, Malformed::Empty));
        }
        if der_bytes.len() > MAX_CERTIFICATE_SIZE {
            return Err(Error::TooLarge {
                object: Object::Certificate,
                limit: MAX_CERTIFICATE_SIZE,
                actual: der_bytes.len(),
            });
        }
        let (tbs, signature_algorithm, signature) = split_signed(der_bytes)?;
        let (rest, x509) = x509_parser::certificate::X509Certificate::from_der(der_bytes)
            .map_err(|_| Error::invalid_der(Object::Certificate))?;
        if !rest.is_empty() {
            return Err(Error::malformed(
                Object::Certificate,
                Malformed::TrailingData,
            ));
        }
        // Strict DER only (see cert/strict.rs): x509-parser alone lets some non-DER
        // structures through.
        if !crate::cert::strict::is_der_certificate(der_bytes) {
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
            identity: Identity::from_name(&subject),
            subject,
            not_before: Time::from_unix(tbs_cert.validity.not_before.timestamp()),
            not_after: Time::from_unix(tbs_cert.validity.not_after.timestamp()),
            public_key: PublicKey::from_spki_der(&spki),
            spki,
            extensions: Vec::new(),
            basic_constraints: None,
            key_usage: None,
            extended_key_usage: None,
            subject_key_id: None,
            authority_key_id: None,
            policies: None,
            policy_mappings: Vec::new(),
            policy_constraints: None,
            inhibit_any_policy: None,
            crl_distribution_points: Vec::new(),
            distribution_points: Vec::new(),
            ocsp_urls: Vec::new(),
            ca_issuer_urls: Vec::new(),
            subject_alt_names: Vec::new(),
            name_constraints: None,
        };
        read_extensions(&mut inner, tbs_cert.extensions())?;
        let fp = digest(DigestAlgorithm::Sha256, der_bytes);
        inner.fingerprint.copy_from_slice(fp.as_bytes());
        Ok(Certificate(Arc::new(inner)))
    }

    /// Parses the first `CERTIFICATE` block of PEM text (other blocks and text around them
    /// are skipped), or DER if the input is not PEM.
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
    pub fn parse_pem_bundle(pem_text: &[u8]) -> Result<Vec<Certificate>, Error> {
        let blocks = crate::pem::parse_blocks(pem_text)?;
        if blocks.len() > MAX_BUNDLE_CERTIFICATES {
            return Err(Error::TooLarge {
                object: Object::Pem,
                limit: MAX_BUNDLE_CERTIFICATES,
                actual: blocks.len(),
            });
        }
        blocks.into_iter().map(cert_from_block).collect()
    }

    /// Reads certificates from a file: a PEM bundle, or one DER certificate.
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
        use core::fmt::Write as _;
        let mut s = String::new();
        for b in &self.0.serial {
            let _ = write!(s, "{b:02X}");
        }
        s
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
        &self.0.identity
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
    /// ([`Error::UnsupportedKey`] for key types it does not implement).
    pub fn public_key(&self) -> Result<&PublicKey, Error> {
        self.0.public_key.as_ref().map_err(Clone::clone)
    }

    /// The signature algorithm, resolved with the issuer's key (ECDSA identifiers name only
    /// the hash).
    pub fn signature_algorithm(&self, issuer_key: &PublicKey) -> Result<SignatureAlgorithm, Error> {
        SignatureAlgorithm::from_algorithm_identifier_der(
            self.signature_algorithm_der(),
            issuer_key,
        )
    }

    /// Every extension, in encoding order.
    pub fn extensions(&self) -> &[Extension] {
        &self.0.extensions
    }

    /// basicConstraints, if present.
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.0.basic_constraints
    }

    /// keyUsage, if present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.0.key_usage
    }

    /// extendedKeyUsage purposes (dotted OIDs), if the extension is present.
    pub fn extended_key_usage(&self) -> Option<&[String]> {
        self.0.extended_key_usage.as_deref()
    }

    /// subjectKeyIdentifier, if present.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.0.subject_key_id.as_deref()
    }

    /// The keyIdentifier of authorityKeyIdentifier, if present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.0.authority_key_id.as_deref()
    }

    /// Certificate policy OIDs (dotted), in encoding order; empty when the certificate has
    /// no certificatePolicies extension.
    pub fn policies(&self) -> &[String] {
        self.0.policies.as_deref().unwrap_or_default()
    }

    /// The certificatePolicies extension's policy OIDs, or `None` when it is absent (which
    /// RFC 5280 section 6.1.3 (e) treats differently from any list).
    pub(crate) fn policy_extension(&self) -> Option<&[String]> {
        self.0.policies.as_deref()
    }

    /// policyMappings (RFC 5280 section 4.2.1.5): pairs of dotted OIDs, the issuer-domain
    /// policy first; empty when the extension is absent.
    pub fn policy_mappings(&self) -> &[(String, String)] {
        &self.0.policy_mappings
    }

    /// policyConstraints (RFC 5280 section 4.2.1.11), when present.
    pub fn policy_constraints(&self) -> Option<PolicyConstraints> {
        self.0.policy_constraints
    }

    /// inhibitAnyPolicy's SkipCerts (RFC 5280 section 4.2.1.14), when present.
    pub fn inhibit_any_policy(&self) -> Option<u32> {
        self.0.inhibit_any_policy
    }

    /// URIs of the CRL distribution points (full names only).
    pub fn crl_distribution_points(&self) -> &[String] {
        &self.0.crl_distribution_points
    }

    /// The cRLDistributionPoints extension in full: names of every form, reasons and CRL
    /// issuers (empty when absent).
    pub(crate) fn distribution_points(&self) -> &[DistributionPoint] {
        &self.0.distribution_points
    }

    /// OCSP responder URIs from authorityInfoAccess.
    pub fn ocsp_urls(&self) -> &[String] {
        &self.0.ocsp_urls
    }

    /// caIssuers URIs from authorityInfoAccess.
    pub fn ca_issuer_urls(&self) -> &[String] {
        &self.0.ca_issuer_urls
    }

    /// The subject alternative names (for name constraints).
    pub(crate) fn subject_alt_names(&self) -> &[AltName] {
        &self.0.subject_alt_names
    }

    /// The nameConstraints extension, if any.
    pub(crate) fn name_constraints(&self) -> Option<&NameConstraints> {
        self.0.name_constraints.as_ref()
    }

    /// Whether the issuer and subject names are the same (RFC 5280 "self-issued").
    pub fn is_self_issued(&self) -> bool {
        self.0.issuer.matches(&self.0.subject)
    }

    /// Whether the certificate is a CA certificate (basicConstraints cA TRUE).
    pub fn is_ca(&self) -> bool {
        self.0.basic_constraints.is_some_and(|b| b.ca)
    }

    /// Verifies this certificate's signature with `issuer_key` under `policy`.
    pub fn verify_signed_by(
        &self,
        issuer_key: &PublicKey,
        policy: &crate::key::AlgorithmPolicy,
    ) -> Result<(), Error> {
        let alg = self.signature_algorithm(issuer_key)?;
        issuer_key.verify(alg, self.tbs_der(), self.signature(), policy)
    }

    /// [`Certificate::verify_signed_by`] without the signature check itself (for a link a
    /// [`VerificationCache`](crate::VerificationCache) already verified): the algorithm,
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

/// The byte ranges of `tbsCertificate` and `signatureAlgorithm`, and the signature bits.
type SignedParts = (Range<usize>, Range<usize>, Vec<u8>);

/// Splits `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }`
/// into the byte ranges of the first two and the signature bits, with `der`'s strict
/// decoder.
fn split_signed(input: &[u8]) -> Result<SignedParts, Error> {
    let bad = |_| Error::invalid_der(Object::Certificate);
    let mut reader = der::SliceReader::new(input).map_err(bad)?;
    let header = der::Header::decode(&mut reader).map_err(bad)?;
    if header.tag() != der::Tag::Sequence {
        return Err(Error::invalid_der(Object::Certificate));
    }
    let body_start = usize::try_from(reader.position()).map_err(bad)?;
    let tbs_len = reader.tlv_bytes().map_err(bad)?.len();
    let alg_len = reader.tlv_bytes().map_err(bad)?.len();
    let sig = der::asn1::BitStringRef::decode(&mut reader).map_err(bad)?;
    let signature = sig
        .as_bytes()
        .ok_or(Error::invalid_der(Object::Signature))?
        .to_vec();
    if !reader.is_finished() {
        return Err(Error::malformed(
            Object::Certificate,
            Malformed::TrailingData,
        ));
    }
    let end = usize::try_from(reader.position()).map_err(bad)?;
    let body_end = body_start
        .checked_add(usize::try_from(header.length()).map_err(bad)?)
        .ok_or(Error::invalid_der(Object::Certificate))?;
    if body_end != end {
        return Err(Error::invalid_der(Object::Certificate));
    }
    let tbs_end = body_start + tbs_len;
    Ok((body_start..tbs_end, tbs_end..tbs_end + alg_len, signature))
}

fn read_extensions(
    inner: &mut Inner,
    extensions: &[x509_parser::extensions::X509Extension<'_>],
) -> Result<(), Error> {
    let mut seen = HashSet::new();
    for ext in extensions {
        let oid = ext.oid.to_id_string();
        if !seen.insert(oid.clone()) {
            return Err(Error::malformed(
                Object::Certificate,
                Malformed::DuplicateExtension { oid },
            ));
        }
        let invalid = || {
            Error::malformed(
                Object::Extension,
                Malformed::InvalidExtension { oid: oid.clone() },
            )
        };
        if oid == oid::EXT_CRL_DISTRIBUTION_POINTS {
            // Read with x509-cert, which decodes names relative to the CRL issuer (x509-parser
            // 0.18 does not); the URIs, for fetching, come from the same reading.
            inner.distribution_points =
                read_distribution_points(ext.value, &inner.issuer).ok_or_else(invalid)?;
            inner.crl_distribution_points = inner
                .distribution_points
                .iter()
                .flat_map(|dp| dp.names.iter().flatten())
                .filter_map(|n| match n {
                    AltName::Uri(u) => Some(u.clone()),
                    _ => None,
                })
                .collect();
            inner.extensions.push(Extension {
                oid,
                critical: ext.critical,
                value: ext.value.to_vec(),
            });
            continue;
        }
        match ext.parsed_extension() {
            ParsedExtension::ParseError { .. } => return Err(invalid()),
            ParsedExtension::BasicConstraints(bc) => {
                inner.basic_constraints = Some(BasicConstraints {
                    ca: bc.ca,
                    path_len: bc.path_len_constraint,
                });
            }
            ParsedExtension::KeyUsage(ku) => {
                // x509-parser keeps the bits with digitalSignature as bit 0, as kyso does.
                inner.key_usage = Some(KeyUsage(ku.flags & 0x01ff));
            }
            ParsedExtension::ExtendedKeyUsage(eku) => {
                let mut list = Vec::new();
                let known = [
                    (eku.any, oid::KP_ANY),
                    (eku.server_auth, "1.3.6.1.5.5.7.3.1"),
                    (eku.client_auth, oid::KP_CLIENT_AUTH),
                    (eku.code_signing, "1.3.6.1.5.5.7.3.3"),
                    (eku.email_protection, "1.3.6.1.5.5.7.3.4"),
                    (eku.time_stamping, oid::KP_TIME_STAMPING),
                    (eku.ocsp_signing, oid::KP_OCSP_SIGNING),
                ];
                list.extend(
                    known
                        .iter()
                        .filter(|(on, _)| *on)
                        .map(|(_, o)| (*o).to_owned()),
                );
                list.extend(eku.other.iter().map(|o| o.to_id_string()));
                inner.extended_key_usage = Some(list);
            }
            ParsedExtension::SubjectKeyIdentifier(ki) => {
                inner.subject_key_id = Some(ki.0.to_vec());
            }
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                inner.authority_key_id = aki.key_identifier.as_ref().map(|k| k.0.to_vec());
            }
            ParsedExtension::CertificatePolicies(policies) => {
                let mut list: Vec<String> = Vec::new();
                for p in policies.iter() {
                    let id = p.policy_id.to_id_string();
                    // RFC 5280 section 4.2.1.4: a policy OID appears at most once.
                    if list.contains(&id) {
                        return Err(invalid());
                    }
                    list.push(id);
                }
                if list.is_empty() {
                    return Err(invalid());
                }
                inner.policies = Some(list);
            }
            ParsedExtension::PolicyMappings(mappings) => {
                if mappings.mappings.is_empty() {
                    return Err(invalid());
                }
                inner.policy_mappings = mappings
                    .mappings
                    .iter()
                    .map(|m| {
                        (
                            m.issuer_domain_policy.to_id_string(),
                            m.subject_domain_policy.to_id_string(),
                        )
                    })
                    .collect();
            }
            ParsedExtension::PolicyConstraints(pc) => {
                // RFC 5280 section 4.2.1.11: an empty sequence MUST NOT be issued.
                if pc.require_explicit_policy.is_none() && pc.inhibit_policy_mapping.is_none() {
                    return Err(invalid());
                }
                inner.policy_constraints = Some(PolicyConstraints {
                    require_explicit_policy: pc.require_explicit_policy,
                    inhibit_policy_mapping: pc.inhibit_policy_mapping,
                });
            }
            ParsedExtension::InhibitAnyPolicy(iap) => {
                inner.inhibit_any_policy = Some(iap.skip_certs);
            }
            ParsedExtension::AuthorityInfoAccess(aia) => {
                for ad in aia.iter() {
                    let method = ad.access_method.to_id_string();
                    let target = match method.as_str() {
                        oid::AD_OCSP => &mut inner.ocsp_urls,
                        oid::AD_CA_ISSUERS => &mut inner.ca_issuer_urls,
                        _ => continue,
                    };
                    target.extend(uris(std::slice::from_ref(&ad.access_location)));
                }
            }
            ParsedExtension::SubjectAlternativeName(san) => {
                inner.subject_alt_names =
                    san.general_names.iter().map(AltName::from_x509).collect();
            }
            ParsedExtension::NameConstraints(nc) => {
                let convert =
                    |subtrees: &Option<Vec<x509_parser::extensions::GeneralSubtree<'_>>>| {
                        subtrees
                            .iter()
                            .flatten()
                            .map(|s| AltName::from_x509(&s.base))
                            .collect::<Vec<_>>()
                    };
                inner.name_constraints = Some(NameConstraints {
                    permitted: convert(&nc.permitted_subtrees),
                    excluded: convert(&nc.excluded_subtrees),
                });
            }
            _ => {}
        }
        inner.extensions.push(Extension {
            oid,
            critical: ext.critical,
            value: ext.value.to_vec(),
        });
    }
    Ok(())
}

fn uris<'n>(names: &'n [GeneralName<'_>]) -> impl Iterator<Item = String> + 'n {
    names.iter().filter_map(|n| match n {
        GeneralName::URI(u) => Some((*u).to_owned()),
        _ => None,
    })
}

/// Dotted OIDs of the extensions whose meaning kyso's path validation applies, so a
/// critical one is not "unknown" (RFC 5280 section 4.2).
pub(crate) const PROCESSED_EXTENSIONS: [&str; 10] = [
    // RFC 5280 section 6.1.3 (b), (c) and 6.1.4 (g).
    "2.5.29.30",
    oid::EXT_BASIC_CONSTRAINTS,
    oid::EXT_KEY_USAGE,
    oid::EXT_EXTENDED_KEY_USAGE,
    // Only the subject's identity is read from it; it is critical when the subject field
    // is empty (RFC 5280 section 4.2.1.6), which changes nothing for kyso.
    oid::EXT_SUBJECT_ALT_NAME,
    // The policy tree of RFC 5280 section 6.1 (src/path/policy.rs).
    oid::EXT_CERTIFICATE_POLICIES,
    "2.5.29.33", // policyMappings
    "2.5.29.36", // policyConstraints
    "2.5.29.54", // inhibitAnyPolicy
    // Identifiers only, never critical in practice; processed for path building.
    oid::EXT_SUBJECT_KEY_ID,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_inputs_are_errors() {
        assert!(matches!(
            Certificate::from_der(&[]),
            Err(Error::Malformed {
                reason: Malformed::Empty,
                ..
            })
        ));
        assert!(Certificate::from_der(&[0x30, 0x00]).is_err());
        assert!(Certificate::from_der(&[0x30, 0x80, 0x00, 0x00]).is_err());
        assert!(Certificate::from_der(&[0xff; 100]).is_err());
        assert!(matches!(
            Certificate::from_der(&vec![0x30; MAX_CERTIFICATE_SIZE + 1]),
            Err(Error::TooLarge { .. })
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
