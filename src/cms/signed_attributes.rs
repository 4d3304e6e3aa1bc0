//! Reading a SignerInfo's signed attributes for validation: the structure RFC 5652 section
//! 5.3 requires (content-type and message-digest present, each attribute kyso reads once,
//! each with one value, but commitment-type-indication, which DSS writes with several), and the ESS signing-certificate binding (RFC 2634 section 5.4, RFC 5035
//! section 3) between the signature and the signer's certificate.

use std::collections::BTreeSet;

use der::Encode;
use der::asn1::AnyRef;
use der::asn1::{ObjectIdentifier, OctetString};

use crate::cms::signer_view::AttributeRef;
use x509_cert::ext::pkix::name::GeneralName;

use crate::cert::{Certificate, Name};
use crate::cms::attributes::{
    COMMITMENT_TYPE, CONTENT_TIME_STAMP, CONTENT_TYPE, CommitmentTypeIndication, IssuerSerial,
    MESSAGE_DIGEST, SIGNING_CERTIFICATE, SIGNING_CERTIFICATE_V2, SIGNING_TIME,
    SigningCertificateV1, SigningCertificateV2,
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

/// The ESS signing-certificate attribute (v2, RFC 5035, or v1, RFC 2634, SHA-1 only), as
/// far as the binding reads it: its first ESSCertID, the signer's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SigningCertificateBinding {
    /// ESS v1 (SHA-1 by definition) rather than v2.
    v1: bool,
    /// The first ESSCertID; `None` if the attribute lists none.
    first: Option<EssCertId>,
}

/// What the binding reads of one ESSCertID(v2).
#[derive(Clone, Debug, PartialEq, Eq)]
struct EssCertId {
    /// The hash algorithm named (v2 only); `None` for the default, SHA-256.
    hash_algorithm: Option<ObjectIdentifier>,
    cert_hash: Vec<u8>,
    /// The issuerSerial: the DER of each directoryName among its issuer's names, and the
    /// serial number's contents octets.
    issuer_serial: Option<(Vec<Vec<u8>>, Vec<u8>)>,
}

impl SignedAttributes {
    /// Reads `attrs` of a SignedData whose eContentType is `econtent_type`, or, for `None`,
    /// of a counter-signature, which has no content-type attribute (RFC 5652 section 11.4).
    pub(crate) fn read<'x>(
        attrs: impl Iterator<Item = AttributeRef<'x>>,
        econtent_type: Option<ObjectIdentifier>,
    ) -> Result<Self, AttributeError> {
        // The attributes read here, each in its place of READ; the others only in an
        // ordered set, to find repeats (most signers carry none, and the set then
        // allocates nothing).
        let mut read: [Option<AttributeRef<'x>>; READ.len()] = [None; READ.len()];
        let mut others: BTreeSet<ObjectIdentifier> = BTreeSet::new();
        let mut repeated_unknown = Vec::new();
        for a in attrs {
            match READ.iter().position(|r| *r == a.oid) {
                Some(i) => {
                    if read.get_mut(i).and_then(|slot| slot.replace(a)).is_some() {
                        return Err(AttributeError::Repeated(a.oid));
                    }
                }
                None => {
                    // Content timestamps may be several; each is verified on its own.
                    if !others.insert(a.oid)
                        && a.oid != CONTENT_TIME_STAMP
                        && !repeated_unknown.contains(&a.oid)
                    {
                        repeated_unknown.push(a.oid);
                    }
                }
            }
        }
        let get = |oid: ObjectIdentifier| -> Option<AttributeRef<'x>> {
            READ.iter()
                .position(|r| *r == oid)
                .and_then(|i| read.get(i).copied().flatten())
        };
        let single = |oid: ObjectIdentifier,
                      name: &'static str|
         -> Result<Option<AnyRef<'x>>, AttributeError> {
            match get(oid) {
                None => Ok(None),
                Some(a) => a
                    .single_value()
                    .map(Some)
                    .ok_or(AttributeError::NotSingleValued(name)),
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
                if get(CONTENT_TYPE).is_some() {
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
            (Some(any), _) => Some(SigningCertificateBinding::read_v2(any)?),
            (None, Some(any)) => Some(SigningCertificateBinding::read_v1(any)?),
            (None, None) => None,
        };
        // Each value a CommitmentTypeIndication; DSS writes one per commitment.
        let mut commitment_types = Vec::new();
        if let Some(a) = get(COMMITMENT_TYPE) {
            if a.value_count() == 0 {
                return Err(AttributeError::Malformed("commitment-type-indication"));
            }
            for any in a.values() {
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
fn signing_time(any: AnyRef<'_>) -> Result<Time, AttributeError> {
    let t: x509_cert::time::Time = any
        .decode_as()
        .map_err(|_| AttributeError::Malformed("signing-time"))?;
    let secs = i64::try_from(t.to_unix_duration().as_secs())
        .map_err(|_| AttributeError::SigningTimeOutOfRange)?;
    Ok(Time::from_unix(secs))
}

impl SigningCertificateBinding {
    /// Reads a signing-certificate-v2 value: the common shape by one pass over its octets
    /// ([`fast_v2`]), anything else by the typed decoder, which gives the errors.
    fn read_v2(any: AnyRef<'_>) -> Result<Self, AttributeError> {
        let first = match fast_v2(any) {
            Some(first) => first,
            None => typed_v2(any)?,
        };
        Ok(SigningCertificateBinding { v1: false, first })
    }

    /// Reads a signing-certificate (v1) value with the typed decoder.
    fn read_v1(any: AnyRef<'_>) -> Result<Self, AttributeError> {
        let v1: SigningCertificateV1 = any
            .decode_as()
            .map_err(|_| AttributeError::Malformed("signing-certificate"))?;
        Ok(SigningCertificateBinding {
            v1: true,
            first: v1.certs.first().map(|id| EssCertId {
                hash_algorithm: None,
                cert_hash: id.cert_hash.as_bytes().to_vec(),
                issuer_serial: id.issuer_serial.as_ref().map(issuer_serial),
            }),
        })
    }

    /// Whether the binding hashes the certificate with SHA-1 (ESS v1, or v2 with SHA-1).
    pub(crate) fn uses_sha1(&self) -> bool {
        self.v1
            || self.first.as_ref().is_some_and(|id| {
                id.hash_algorithm
                    .is_some_and(|a| a == DigestAlgorithm::Sha1.der_oid())
            })
    }

    /// Whether the first ESSCertID (the signer's, RFC 5035 section 3) names `cert`; on
    /// success, the hash algorithm it names it with.
    pub(crate) fn matches(&self, cert: &Certificate) -> Result<DigestAlgorithm, BindingError> {
        let id = self.first.as_ref().ok_or(BindingError::Empty(if self.v1 {
            "signing-certificate"
        } else {
            "signing-certificate-v2"
        }))?;
        // RFC 5035 section 4: the hash algorithm defaults to SHA-256; v1 is SHA-1.
        let alg = match id.hash_algorithm {
            _ if self.v1 => DigestAlgorithm::Sha1,
            None => DigestAlgorithm::Sha256,
            Some(oid) => DigestAlgorithm::from_der_oid(&oid)
                .map_err(|_| BindingError::UnsupportedHash(oid))?,
        };
        let hash = id.cert_hash.as_slice();
        // The SHA-256 of a certificate is its fingerprint, computed when it was read.
        let matched = if alg == DigestAlgorithm::Sha256 {
            cert.fingerprint_sha256().as_slice() == hash
        } else {
            digest(alg, cert.der()).as_bytes() == hash
        };
        if !matched {
            return Err(BindingError::HashMismatch(alg));
        }
        if let Some((directory_names, serial)) = &id.issuer_serial {
            let serial_ok = serial.as_slice() == cert.serial();
            let issuer_ok = directory_names.iter().any(|d| {
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

/// The facts of a decoded IssuerSerial: the DER of its directory names (a name that does
/// not encode, which none decoded from DER does, is left out and so matches nothing) and
/// the serial number's contents octets.
fn issuer_serial(is: &IssuerSerial) -> (Vec<Vec<u8>>, Vec<u8>) {
    let names = is
        .issuer
        .iter()
        .filter_map(|g| match g {
            GeneralName::DirectoryName(n) => n.to_der().ok(),
            _ => None,
        })
        .collect();
    (names, is.serial_number.as_bytes().to_vec())
}

/// A signing-certificate-v2 value through the typed decoder: its first ESSCertID.
fn typed_v2(any: AnyRef<'_>) -> Result<Option<EssCertId>, AttributeError> {
    let v2: SigningCertificateV2 = any
        .decode_as()
        .map_err(|_| AttributeError::Malformed("signing-certificate-v2"))?;
    Ok(v2.certs.first().map(|id| EssCertId {
        hash_algorithm: id.hash_algorithm.as_ref().map(|a| a.oid),
        cert_hash: id.cert_hash.as_bytes().to_vec(),
        issuer_serial: id.issuer_serial.as_ref().map(issuer_serial),
    }))
}

/// One pass over a signing-certificate-v2 value of the shape producers write, no
/// allocation but the facts kept: every element DER as [`crate::cert::strict`] reads it,
/// no policies, each ESSCertIDv2 with an optional hash AlgorithmIdentifier, its hash and an
/// optional IssuerSerial whose names are all directoryNames of single-valued RDNs and whose
/// serial is a positive INTEGER of at most 20 octets. On such input it gives what the typed
/// decoder gives (the unit test holds the two together); `None` sends the value to that
/// decoder.
fn fast_v2(any: AnyRef<'_>) -> Option<Option<EssCertId>> {
    use crate::cert::strict::{Tlv, algorithm_oid, single_valued_name};
    if der::Tagged::tag(&any) != der::Tag::Sequence {
        return None;
    }
    let mut outer = Tlv::new(any.value());
    let mut certs = outer.enter(0x30)?;
    if !outer.done() {
        return None;
    }
    let mut first = None;
    while !certs.done() {
        let mut id = certs.enter(0x30)?;
        let hash_algorithm = if id.peek() == Some(0x30) {
            Some(ObjectIdentifier::from_bytes(algorithm_oid(&mut id)?).ok()?)
        } else {
            None
        };
        let cert_hash = id.primitive(0x04)?;
        let issuer_serial = if id.done() {
            None
        } else {
            let mut is = id.enter(0x30)?;
            let mut names = is.enter(0x30)?;
            let mut directory_names = Vec::new();
            if names.done() {
                return None;
            }
            while !names.done() {
                let mut explicit = names.enter(0xa4)?;
                let name = single_valued_name(&mut explicit)?;
                if !explicit.done() {
                    return None;
                }
                if first.is_none() {
                    directory_names.push(name.to_vec());
                }
            }
            let serial = is.primitive(0x02)?;
            let canonical = match serial {
                [0x00] => true,
                [0x00, next, ..] => *next >= 0x80,
                [b, ..] => *b < 0x80,
                [] => false,
            };
            if !canonical || serial.len() > 20 || !is.done() {
                return None;
            }
            Some((directory_names, serial.to_vec()))
        };
        if !id.done() {
            return None;
        }
        if first.is_none() {
            first = Some(EssCertId {
                hash_algorithm,
                cert_hash: cert_hash.to_vec(),
                issuer_serial,
            });
        }
    }
    Some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cms::attributes::EssCertIdV2;
    use der::{Any, Decode};
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::AlgorithmIdentifierOwned;

    /// The signing-certificate-v2 value of a signature made by `openssl cms -sign -cades
    /// -md sha256` (OpenSSL 3.0), in hex: SHA-256 by default, one directoryName, a 20-octet
    /// serial.
    const OPENSSL_CADES: &str = "3071306f306d0420a58a0d699d89844ca0c00e8a9376d6f949f2937c587daa646c4a17258f1fb36c30493031a42f302d310b300906035504061302564e310d300b060355040a0c0454657374310f300d06035504030c065369676e6572021407de6b58ef3bf28d81c6c210f1912108e9a29067";

    fn encoded(v2: &SigningCertificateV2) -> Vec<u8> {
        v2.to_der().unwrap()
    }

    fn id(
        hash_algorithm: Option<AlgorithmIdentifierOwned>,
        issuer: Option<IssuerSerial>,
    ) -> EssCertIdV2 {
        EssCertIdV2 {
            hash_algorithm,
            cert_hash: OctetString::new(vec![0x5a; 32]).unwrap(),
            issuer_serial: issuer,
        }
    }

    /// Values of the shapes producers write and of others, each then changed octet by
    /// octet and cut short: wherever the one-pass reader gives an answer, the typed
    /// decoder accepts the same value and gives the same answer.
    #[test]
    fn fast_reader_agrees_with_the_typed_decoder() {
        let pem = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("test-vectors/bench/rsa2048-ee.pem"),
        )
        .unwrap();
        let cert = Certificate::from_pem(&pem).unwrap();
        let issuer = x509_cert::name::Name::from_der(cert.issuer().der()).unwrap();
        let serial = SerialNumber::new(cert.serial()).unwrap();
        let issuer_serial = |names: Vec<GeneralName>| IssuerSerial {
            issuer: names,
            serial_number: serial.clone(),
        };
        let sha512 = AlgorithmIdentifierOwned {
            oid: DigestAlgorithm::Sha512.der_oid(),
            parameters: Some(Any::null()),
        };
        let multi_valued = x509_cert::name::Name::from_der(&[
            0x30, 0x1a, 0x31, 0x18, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x56,
            0x4e, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x04, 0x6b, 0x79, 0x73, 0x6f,
        ])
        .unwrap();
        let values = [
            // As kyso and most producers write it.
            vec![id(
                None,
                Some(issuer_serial(vec![GeneralName::DirectoryName(
                    issuer.clone(),
                )])),
            )],
            vec![id(Some(sha512.clone()), None)],
            vec![
                id(None, None),
                id(
                    Some(sha512),
                    Some(issuer_serial(vec![GeneralName::DirectoryName(
                        issuer.clone(),
                    )])),
                ),
            ],
            vec![],
            // Shapes left to the typed decoder.
            vec![id(
                None,
                Some(issuer_serial(vec![
                    GeneralName::DnsName(der::asn1::Ia5String::new("kyso.example").unwrap()),
                    GeneralName::DirectoryName(issuer),
                ])),
            )],
            vec![id(
                None,
                Some(issuer_serial(vec![GeneralName::DirectoryName(
                    multi_valued,
                )])),
            )],
        ];
        let mut encodings: Vec<Vec<u8>> = values
            .into_iter()
            .map(|certs| {
                encoded(&SigningCertificateV2 {
                    certs,
                    policies: None,
                })
            })
            .collect();
        // As `openssl cms -sign -cades` (OpenSSL 3.0) writes it: read in one pass.
        let openssl = (0..OPENSSL_CADES.len() / 2)
            .map(|i| u8::from_str_radix(&OPENSSL_CADES[2 * i..2 * i + 2], 16).unwrap())
            .collect::<Vec<u8>>();
        assert!(fast_v2(AnyRef::from_der(&openssl).unwrap()).is_some());
        encodings.push(openssl);
        let mut fast_answers = 0;
        for good in encodings {
            let mut inputs = vec![good.clone()];
            for i in 0..good.len() {
                for change in [0x01, 0x80, 0xff] {
                    let mut m = good.clone();
                    m[i] ^= change;
                    inputs.push(m);
                }
                inputs.push(good[..i].to_vec());
            }
            for input in inputs {
                let Ok(any) = Any::from_der(&input) else {
                    continue;
                };
                if let Some(fast) = fast_v2((&any).into()) {
                    fast_answers += 1;
                    assert_eq!(typed_v2((&any).into()), Ok(fast), "{input:02x?}");
                }
            }
        }
        assert!(fast_answers > 20, "{fast_answers}");
    }

    #[test]
    fn shapes_left_to_the_typed_decoder() {
        let with_policies = Any::from_der(&[
            0x30, 0x0a, 0x30, 0x00, 0x30, 0x06, 0x30, 0x04, 0x06, 0x02, 0x2a, 0x03,
        ])
        .unwrap();
        assert_eq!(fast_v2((&with_policies).into()), None);
        assert_eq!(typed_v2((&with_policies).into()), Ok(None));
    }
}
