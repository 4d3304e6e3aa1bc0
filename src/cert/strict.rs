//! The shape of a certificate in strict DER, decoded with the `der` crate and `x509-cert`'s
//! component types, as a check beside x509-parser (which reads the fields kyso uses).
//!
//! x509-parser reads fields without checking every tag and length of the structure: it
//! took an AttributeTypeAndValue under another constructed tag, and bytes left over inside
//! an AlgorithmIdentifier. Both were found by the `certificate_differential` fuzz target.
//! A certificate is accepted only if this decoder accepts it too, so nothing but DER is
//! read. It mirrors RFC 5280 section 4.1 and `x509-cert`'s own `TbsCertificate`, except
//! that the two times of the validity are checked as UTCTime or GeneralizedTime here and
//! decoded by kyso: the `der` crate cannot represent the years before 1970 that UTCTime
//! allows (PKITS test 4.2.3 has a notBefore in 1950).
//!
//! The same strict decoder splits the signed envelope into the bytes the signature covers,
//! the signature algorithm and the signature bits ([`split_signed`]).

use std::ops::Range;

use der::asn1::{AnyRef, BitStringRef, IntRef};
use der::{Decode, Reader, Sequence, Tag, Tagged};

use crate::error::{Error, Malformed, Object};

#[derive(Sequence)]
struct Shape<'a> {
    tbs_certificate: TbsShape<'a>,
    signature_algorithm: spki::AlgorithmIdentifierRef<'a>,
    signature: BitStringRef<'a>,
}

#[derive(Sequence)]
struct TbsShape<'a> {
    #[asn1(context_specific = "0", default = "Default::default")]
    version: x509_cert::certificate::Version,
    serial_number: IntRef<'a>,
    signature: spki::AlgorithmIdentifierRef<'a>,
    issuer: x509_cert::name::Name,
    validity: ValidityShape<'a>,
    subject: x509_cert::name::Name,
    subject_public_key_info: spki::SubjectPublicKeyInfoRef<'a>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    issuer_unique_id: Option<BitStringRef<'a>>,
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT", optional = "true")]
    subject_unique_id: Option<BitStringRef<'a>>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<x509_cert::ext::Extensions>,
}

#[derive(Sequence)]
struct ValidityShape<'a> {
    not_before: AnyRef<'a>,
    not_after: AnyRef<'a>,
}

/// Whether `der_bytes` is a certificate in DER, as RFC 5280 section 4.1 shapes it.
pub(crate) fn is_der_certificate(der_bytes: &[u8]) -> bool {
    let Ok(shape) = Shape::from_der(der_bytes) else {
        return false;
    };
    let time = |t: &AnyRef<'_>| matches!(t.tag(), Tag::UtcTime | Tag::GeneralizedTime);
    let validity = &shape.tbs_certificate.validity;
    time(&validity.not_before) && time(&validity.not_after)
}

/// The byte ranges of `tbsCertificate` and `signatureAlgorithm`, and the signature bits.
pub(super) type SignedParts = (Range<usize>, Range<usize>, Vec<u8>);

/// Splits `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }`
/// into the byte ranges of the first two and the signature bits, with `der`'s strict
/// decoder.
pub(super) fn split_signed(input: &[u8]) -> Result<SignedParts, Error> {
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
