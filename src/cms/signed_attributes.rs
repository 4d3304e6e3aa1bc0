//! Reading a SignerInfo's signed attributes for validation: the structure RFC 5652 section
//! 5.3 requires (content-type and message-digest present, each attribute kyso reads once,
//! each with one value, but commitment-type-indication, which DSS writes with several), and the ESS signing-certificate binding (RFC 2634 section 5.4, RFC 5035
//! section 3) between the signature and the signer's certificate.

use std::collections::BTreeMap;

use der::Encode;
use der::asn1::{ObjectIdentifier, OctetString};
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;

use crate::cert::{Certificate, Name};
use crate::cms::attributes::{
    COMMITMENT_TYPE, CONTENT_TIME_STAMP, CONTENT_TYPE, CommitmentTypeIndication, MESSAGE_DIGEST,
    SIGNING_CERTIFICATE, SIGNING_CERTIFICATE_V2, SIGNING_TIME, SigningCertificateV1,
    SigningCertificateV2,
};
use crate::digest::{DigestAlgorithm, digest};
use crate::time::Time;
use crate::validate::CommitmentType;

/// Why a SignerInfo's signed attributes are not well formed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AttributeError {
    /// RFC 5652 section 5.3: an attribute type appears at most once.
    Repeated(ObjectIdentifier),
    /// RFC 5652 section 11: content-type, message-digest and signing-time are single-valued
    /// (and so, by RFC 5035 and EN 319 122-1, are the others kyso reads).
    NotSingleValued(&'static str),
    /// RFC 5652 section 5.3: content-type and message-digest are required.
    Missing(&'static str),
    /// The attribute's value does not decode as its type.
    Malformed(&'static str),
    /// RFC 5652 section 11.1: the content-type attribute equals eContentType.
    ContentTypeMismatch {
        /// The signed content-type attribute.
        signed: ObjectIdentifier,
        /// The SignedData's eContentType.
        content: ObjectIdentifier,
    },
    /// The signing time does not fit kyso's time range.
    SigningTimeOutOfRange,
    /// RFC 5652 section 11.4: a counter-signature has no content-type attribute.
    ContentTypeInCounterSignature,
}

impl core::fmt::Display for AttributeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            AttributeError::Repeated(oid) => write!(f, "attribute {oid} appears more than once"),
            AttributeError::NotSingleValued(name) => {
                write!(f, "the {name} attribute must have exactly one value")
            }
            AttributeError::Missing(name) => write!(f, "the {name} attribute is missing"),
            AttributeError::Malformed(name) => write!(f, "the {name} attribute is malformed"),
            AttributeError::ContentTypeMismatch { signed, content } => write!(
                f,
                "the content-type attribute ({signed}) differs from the content type ({content})"
            ),
            AttributeError::SigningTimeOutOfRange => {
                f.write_str("the signing-time attribute is out of range")
            }
            AttributeError::ContentTypeInCounterSignature => {
                f.write_str("a counter-signature carries a content-type attribute")
            }
        }
    }
}

/// Why the ESS signing-certificate attribute does not name a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum BindingError {
    /// The attribute lists no ESSCertID (RFC 5035 section 3: the first is the signer's).
    Empty(&'static str),
    /// ESSCertIDv2 hashes the certificate with an algorithm kyso does not have.
    UnsupportedHash(ObjectIdentifier),
    /// The certificate's hash differs from the one in the attribute.
    HashMismatch(DigestAlgorithm),
    /// The attribute's issuerSerial names another certificate.
    IssuerSerialMismatch,
}

impl core::fmt::Display for BindingError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            BindingError::Empty(name) => write!(f, "the {name} attribute is empty"),
            BindingError::UnsupportedHash(oid) => {
                write!(f, "unsupported hash {oid} in signing-certificate-v2")
            }
            BindingError::HashMismatch(alg) => write!(
                f,
                "the {alg} hash in the signing-certificate attribute is not the signer certificate's"
            ),
            BindingError::IssuerSerialMismatch => f.write_str(
                "the issuer and serial in the signing-certificate attribute are not the signer certificate's",
            ),
        }
    }
}

/// The signed attributes kyso reads, checked for the structure RFC 5652 section 5.3 and
/// RFC 5035 require.
pub(crate) struct SignedAttributes {
    /// The message-digest attribute: the document's digest the signer signed.
    pub message_digest: Vec<u8>,
    /// The signing-time attribute: the signer's claim, proving nothing.
    pub signing_time: Option<Time>,
    /// The ESS signing-certificate (v2, else v1) attribute.
    pub signing_certificate: Option<SigningCertificateBinding>,
    /// The commitment-type-indication attribute's values that kyso knows, in order.
    pub commitment_types: Vec<CommitmentType>,
    /// Attribute types kyso does not read that appear more than once (tolerated with a
    /// warning: nothing kyso checks depends on them).
    pub repeated_unknown: Vec<ObjectIdentifier>,
}

/// The signed attributes kyso reads, which must each appear once (RFC 5652 section 11,
/// RFC 5035 section 3, ETSI EN 319 122-1 section 5.2).
const READ: [ObjectIdentifier; 6] = [
    CONTENT_TYPE,
    MESSAGE_DIGEST,
    SIGNING_TIME,
    SIGNING_CERTIFICATE,
    SIGNING_CERTIFICATE_V2,
    COMMITMENT_TYPE,
];

/// The ESS signing-certificate attribute: v2 (RFC 5035) or v1 (RFC 2634, SHA-1 only).
pub(crate) struct SigningCertificateBinding {
    attribute: EssAttribute,
    /// The DER of each directoryName in the first ESSCertID's issuerSerial, encoded once
    /// when the attribute is read (the binding is compared with more than one
    /// certificate, and more than once).
    directory_names: Vec<Vec<u8>>,
}

/// The decoded attribute: v2 or v1.
enum EssAttribute {
    V2(SigningCertificateV2),
    V1(SigningCertificateV1),
}

impl SignedAttributes {
    /// Reads `attrs` of a SignedData whose eContentType is `econtent_type`, or, for `None`,
    /// of a counter-signature, which has no content-type attribute (RFC 5652 section 11.4).
    pub(crate) fn read<'x>(
        attrs: impl Iterator<Item = &'x Attribute>,
        econtent_type: Option<ObjectIdentifier>,
    ) -> Result<Self, AttributeError> {
        // An ordered map: a handful of attributes, compared by their OID's octets, cost less
        // than hashing each.
        let mut by_oid: BTreeMap<ObjectIdentifier, &Attribute> = BTreeMap::new();
        let mut repeated_unknown = Vec::new();
        for a in attrs {
            if by_oid.insert(a.oid, a).is_some() {
                if READ.contains(&a.oid) {
                    return Err(AttributeError::Repeated(a.oid));
                }
                // Content timestamps may be several; each is verified on its own.
                if a.oid != CONTENT_TIME_STAMP && !repeated_unknown.contains(&a.oid) {
                    repeated_unknown.push(a.oid);
                }
            }
        }
        let single = |oid: ObjectIdentifier,
                      name: &'static str|
         -> Result<Option<&der::Any>, AttributeError> {
            match by_oid.get(&oid) {
                None => Ok(None),
                Some(a) if a.values.len() == 1 => Ok(a.values.iter().next()),
                Some(_) => Err(AttributeError::NotSingleValued(name)),
            }
        };
        match econtent_type {
            Some(econtent_type) => {
                let content_type = single(CONTENT_TYPE, "content-type")?
                    .ok_or(AttributeError::Missing("content-type"))?
                    .decode_as::<ObjectIdentifier>()
                    .map_err(|_| AttributeError::Malformed("content-type"))?;
                if content_type != econtent_type {
                    return Err(AttributeError::ContentTypeMismatch {
                        signed: content_type,
                        content: econtent_type,
                    });
                }
            }
            None => {
                if by_oid.contains_key(&CONTENT_TYPE) {
                    return Err(AttributeError::ContentTypeInCounterSignature);
                }
            }
        }
        let message_digest = single(MESSAGE_DIGEST, "message-digest")?
            .ok_or(AttributeError::Missing("message-digest"))?
            .decode_as::<OctetString>()
            .map_err(|_| AttributeError::Malformed("message-digest"))?
            .into_bytes()
            .into_vec();
        let signing_time = match single(SIGNING_TIME, "signing-time")? {
            None => None,
            Some(any) => Some(signing_time(any)?),
        };
        let v2 = single(SIGNING_CERTIFICATE_V2, "signing-certificate-v2")?;
        let v1 = single(SIGNING_CERTIFICATE, "signing-certificate")?;
        let signing_certificate = match (v2, v1) {
            (Some(any), _) => Some(SigningCertificateBinding::new(EssAttribute::V2(
                any.decode_as()
                    .map_err(|_| AttributeError::Malformed("signing-certificate-v2"))?,
            ))),
            (None, Some(any)) => Some(SigningCertificateBinding::new(EssAttribute::V1(
                any.decode_as()
                    .map_err(|_| AttributeError::Malformed("signing-certificate"))?,
            ))),
            (None, None) => None,
        };
        // Each value a CommitmentTypeIndication; DSS writes one per commitment.
        let mut commitment_types = Vec::new();
        if let Some(a) = by_oid.get(&COMMITMENT_TYPE) {
            if a.values.is_empty() {
                return Err(AttributeError::Malformed("commitment-type-indication"));
            }
            for any in a.values.iter() {
                let cti: CommitmentTypeIndication = any
                    .decode_as()
                    .map_err(|_| AttributeError::Malformed("commitment-type-indication"))?;
                if let Some(c) = CommitmentType::from_oid(&cti.commitment_type_id)
                    && !commitment_types.contains(&c)
                {
                    commitment_types.push(c);
                }
            }
        }
        Ok(SignedAttributes {
            message_digest,
            signing_time,
            signing_certificate,
            commitment_types,
            repeated_unknown,
        })
    }
}

/// The signing-time attribute's value (RFC 5652 section 11.3: UTCTime or GeneralizedTime).
fn signing_time(any: &der::Any) -> Result<Time, AttributeError> {
    let t: x509_cert::time::Time = any
        .decode_as()
        .map_err(|_| AttributeError::Malformed("signing-time"))?;
    let secs = i64::try_from(t.to_unix_duration().as_secs())
        .map_err(|_| AttributeError::SigningTimeOutOfRange)?;
    Ok(Time::from_unix(secs))
}

impl SigningCertificateBinding {
    fn new(attribute: EssAttribute) -> Self {
        let issuer_serial = match &attribute {
            EssAttribute::V2(v2) => v2.certs.first().and_then(|id| id.issuer_serial.as_ref()),
            EssAttribute::V1(v1) => v1.certs.first().and_then(|id| id.issuer_serial.as_ref()),
        };
        // A name that does not encode (none decoded from DER) matches no certificate.
        let directory_names = issuer_serial
            .map(|is| {
                is.issuer
                    .iter()
                    .filter_map(|g| match g {
                        GeneralName::DirectoryName(n) => n.to_der().ok(),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        SigningCertificateBinding {
            attribute,
            directory_names,
        }
    }

    /// Whether the binding hashes the certificate with SHA-1 (ESS v1, or v2 with SHA-1).
    pub(crate) fn uses_sha1(&self) -> bool {
        match &self.attribute {
            EssAttribute::V1(_) => true,
            EssAttribute::V2(v2) => v2.certs.first().is_some_and(|id| {
                id.hash_algorithm
                    .as_ref()
                    .is_some_and(|a| a.oid == DigestAlgorithm::Sha1.der_oid())
            }),
        }
    }

    /// Whether the first ESSCertID (the signer's, RFC 5035 section 3) names `cert`; on
    /// success, the hash algorithm it names it with.
    pub(crate) fn matches(&self, cert: &Certificate) -> Result<DigestAlgorithm, BindingError> {
        let (alg, hash, issuer_serial) = match &self.attribute {
            EssAttribute::V2(v2) => {
                let id = v2
                    .certs
                    .first()
                    .ok_or(BindingError::Empty("signing-certificate-v2"))?;
                // RFC 5035 section 4: the hash algorithm defaults to SHA-256.
                let alg = match &id.hash_algorithm {
                    None => DigestAlgorithm::Sha256,
                    Some(a) => DigestAlgorithm::from_der_oid(&a.oid)
                        .map_err(|_| BindingError::UnsupportedHash(a.oid))?,
                };
                (alg, id.cert_hash.as_bytes(), id.issuer_serial.as_ref())
            }
            EssAttribute::V1(v1) => {
                let id = v1
                    .certs
                    .first()
                    .ok_or(BindingError::Empty("signing-certificate"))?;
                (
                    DigestAlgorithm::Sha1,
                    id.cert_hash.as_bytes(),
                    id.issuer_serial.as_ref(),
                )
            }
        };
        // The SHA-256 of a certificate is its fingerprint, computed when it was read.
        let matched = if alg == DigestAlgorithm::Sha256 {
            cert.fingerprint_sha256().as_slice() == hash
        } else {
            digest(alg, cert.der()).as_bytes() == hash
        };
        if !matched {
            return Err(BindingError::HashMismatch(alg));
        }
        if let Some(is) = issuer_serial {
            let serial_ok = is.serial_number.as_bytes() == cert.serial();
            let issuer_ok = self.directory_names.iter().any(|d| {
                d.as_slice() == cert.issuer().der()
                    || Name::from_der(d).is_ok_and(|n| n.matches(cert.issuer()))
            });
            if !(serial_ok && issuer_ok) {
                return Err(BindingError::IssuerSerialMismatch);
            }
        }
        Ok(alg)
    }
}
