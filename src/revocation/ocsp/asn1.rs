//! The ASN.1 of OCSP (RFC 6960 section 4.1 for requests, 4.2 for responses), as kyso
//! encodes requests and decodes responses. Each type's comment gives its definition.

use der::Any;
use der::Sequence;
use der::asn1::{ObjectIdentifier, OctetString};

use crate::time::PreciseTime;
use x509_cert::ext::Extensions;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::AlgorithmIdentifierOwned;

/// id-pkix-ocsp-basic (RFC 6960 section 4.2.1): the basic response type.
pub(crate) const ID_PKIX_OCSP_BASIC: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
/// id-pkix-ocsp-nonce (RFC 6960 section 4.4.1).
pub(crate) const ID_PKIX_OCSP_NONCE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.2");
/// The invalidity-date CRL entry extension (RFC 5280 section 5.3.2).
pub(crate) const ID_CE_INVALIDITY_DATE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.5.29.24");

/// `CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }`.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub(crate) struct CertId {
    pub hash_algorithm: AlgorithmIdentifierOwned,
    pub issuer_name_hash: OctetString,
    pub issuer_key_hash: OctetString,
    pub serial_number: SerialNumber,
}

/// `Request ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT ... }`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct Request {
    pub req_cert: CertId,
}

/// `TBSRequest ::= SEQUENCE { requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT
/// Extensions OPTIONAL }` (version and requestorName left at their defaults).
#[derive(Clone, Debug, Sequence)]
pub(crate) struct TbsRequest {
    pub request_list: Vec<Request>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    pub request_extensions: Option<Extensions>,
}

/// `OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] ... }`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct OcspRequestAsn1 {
    pub tbs_request: TbsRequest,
}

/// `OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT
/// ResponseBytes OPTIONAL }`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct OcspResponseAsn1 {
    pub response_status: Any,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub response_bytes: Option<ResponseBytes>,
}

#[derive(Clone, Debug, Sequence)]
pub(crate) struct ResponseBytes {
    pub response_type: ObjectIdentifier,
    pub response: OctetString,
}

/// `BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature BIT
/// STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }`; the data and the
/// certificates kept as encoded.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct BasicResponse {
    pub tbs_response_data: Any,
    pub signature_algorithm: AlgorithmIdentifierOwned,
    pub signature: der::asn1::BitString,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub certs: Option<Vec<Any>>,
}

/// `ResponseData ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, responderID, producedAt,
/// responses SEQUENCE OF SingleResponse, responseExtensions [1] EXPLICIT OPTIONAL }`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct ResponseData {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub version: Option<u8>,
    pub responder_id: Any,
    pub produced_at: PreciseTime,
    pub responses: Vec<SingleResponse>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub response_extensions: Option<Extensions>,
}

/// `SingleResponse ::= SEQUENCE { certID, certStatus, thisUpdate, nextUpdate [0] EXPLICIT
/// OPTIONAL, singleExtensions [1] EXPLICIT OPTIONAL }`; certStatus kept as encoded, since its
/// alternatives are implicitly tagged.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct SingleResponse {
    pub cert_id: CertId,
    pub cert_status: Any,
    pub this_update: PreciseTime,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub next_update: Option<PreciseTime>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub single_extensions: Option<Extensions>,
}

/// `RevokedInfo ::= SEQUENCE { revocationTime, revocationReason [0] EXPLICIT CRLReason
/// OPTIONAL }`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct RevokedInfo {
    pub revocation_time: PreciseTime,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub revocation_reason: Option<Any>,
}
