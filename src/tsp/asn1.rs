//! The ASN.1 of RFC 3161 (section 2.4): the request, the response and the TSTInfo a token
//! signs, as kyso encodes and decodes them.

use der::asn1::{Int, ObjectIdentifier, OctetString};
use der::{Any, Sequence};
use x509_cert::spki::AlgorithmIdentifierOwned;

use crate::digest::Digest;
use crate::error::{Error, Object};
use crate::time::PreciseTime;

/// id-ct-TSTInfo (RFC 3161 section 2.4.2): the content type of a timestamp token.
pub(crate) const ID_CT_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// `MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }`.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub(crate) struct MessageImprint {
    pub hash_algorithm: AlgorithmIdentifierOwned,
    pub hashed_message: OctetString,
}

/// `TimeStampReq ::= SEQUENCE { version INTEGER (v1), messageImprint, reqPolicy OPTIONAL,
/// nonce INTEGER OPTIONAL, certReq BOOLEAN DEFAULT FALSE, extensions [0] IMPLICIT OPTIONAL }`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct TimeStampReq {
    pub version: u8,
    pub message_imprint: MessageImprint,
    #[asn1(optional = "true")]
    pub req_policy: Option<ObjectIdentifier>,
    #[asn1(optional = "true")]
    pub nonce: Option<Int>,
    #[asn1(default = "default_false")]
    pub cert_req: bool,
}

pub(crate) fn default_false() -> bool {
    false
}

/// `TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken OPTIONAL }`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct TimeStampResp {
    pub status: PkiStatusInfo,
    #[asn1(optional = "true")]
    pub time_stamp_token: Option<Any>,
}

/// `PKIStatusInfo ::= SEQUENCE { status INTEGER, statusString OPTIONAL, failInfo BIT STRING
/// OPTIONAL }`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct PkiStatusInfo {
    pub status: u8,
    #[asn1(optional = "true")]
    pub status_string: Option<Vec<Any>>,
    #[asn1(optional = "true")]
    pub fail_info: Option<der::asn1::BitString>,
}

/// `TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime, accuracy
/// OPTIONAL, ordering DEFAULT FALSE, nonce OPTIONAL, tsa [0] OPTIONAL, extensions [1]
/// IMPLICIT OPTIONAL }`; the optional tail kept as encoded and read by hand.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct TstInfo {
    pub version: u8,
    pub policy: ObjectIdentifier,
    pub message_imprint: MessageImprint,
    pub serial_number: Int,
    pub gen_time: PreciseTime,
    #[asn1(optional = "true")]
    pub accuracy: Option<Accuracy>,
    #[asn1(default = "default_false")]
    pub ordering: bool,
    #[asn1(optional = "true")]
    pub nonce: Option<Int>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub tsa: Option<Any>,
    #[asn1(
        context_specific = "1",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    pub extensions: Option<Vec<Any>>,
}

/// `Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] IMPLICIT OPTIONAL, micros
/// [1] IMPLICIT OPTIONAL }`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct Accuracy {
    #[asn1(optional = "true")]
    pub seconds: Option<u32>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub millis: Option<u16>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub micros: Option<u16>,
}

/// The MessageImprint of `d`.
pub(crate) fn imprint_of(d: &Digest) -> Result<MessageImprint, Error> {
    Ok(MessageImprint {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: d.algorithm().der_oid(),
            parameters: None,
        },
        hashed_message: OctetString::new(d.as_bytes()).map_err(der_err)?,
    })
}

/// A non-negative INTEGER from big-endian bytes.
pub(crate) fn unsigned_int(bytes: &[u8]) -> Result<Int, Error> {
    let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut v = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|b| b & 0x80 != 0) {
        v.push(0);
    }
    v.extend_from_slice(&trimmed);
    Int::new(&v).map_err(der_err)
}

/// A DER error in a timestamp structure.
pub(crate) fn der_err(_: der::Error) -> Error {
    Error::invalid_der(Object::TimeStamp)
}
