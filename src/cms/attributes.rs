//! Signed attributes of CMS (RFC 5652 section 11), ESS (RFC 5035) and CAdES
//! (ETSI EN 319 122-1).

use crate::error::EncodingError;
use der::asn1::{ObjectIdentifier as Oid, OctetString, SetOfVec, Utf8StringRef};
use der::{Any, Decode, Encode, Sequence};
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::AlgorithmIdentifierOwned;

use crate::error::{Error, Object};
use crate::time::Time;

pub(crate) const ID_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
pub(crate) const ID_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
pub(crate) const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
pub(crate) const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
pub(crate) const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
pub(crate) const SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
pub(crate) const SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
pub(crate) const COMMITMENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.16");
pub(crate) const SIGNER_LOCATION: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.17");
/// id-aa-signatureTimeStampToken (RFC 3161 appendix A): a timestamp over the signature value.
/// countersignature (RFC 5652 section 11.4).
pub(crate) const COUNTER_SIGNATURE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.6");
/// id-aa-ets-contentTimestamp (RFC 5126 section 5.11.4, ETSI EN 319 122-1 section 5.2.8).
pub(crate) const CONTENT_TIME_STAMP: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.20");
/// Unsigned attributes of CAdES-C, -X and -A that kyso does not examine yet: certificate
/// and revocation references and values, the CAdES-C and -X timestamps (RFC 5126 sections
/// 6.2 and 6.3), archive timestamps v1, v2 (RFC 5126 section 6.4) and v3 with its hash
/// index (ETSI EN 319 122-1 section 5.5).
pub(crate) const UNEXAMINED: [&str; 13] = [
    "1.2.840.113549.1.9.16.2.21",
    "1.2.840.113549.1.9.16.2.22",
    "1.2.840.113549.1.9.16.2.23",
    "1.2.840.113549.1.9.16.2.24",
    "1.2.840.113549.1.9.16.2.25",
    "1.2.840.113549.1.9.16.2.26",
    "1.2.840.113549.1.9.16.2.27",
    "1.2.840.113549.1.9.16.2.44",
    "1.2.840.113549.1.9.16.2.45",
    "1.2.840.113549.1.9.16.2.48",
    "0.4.0.1733.2.4",
    "0.4.0.1733.2.5",
    "0.4.0.19122.1.1",
];
pub(crate) const SIGNATURE_TIME_STAMP: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.14");
/// id-ri-ocsp-response (RFC 5940): an OCSPResponse among a SignedData's revocation data.
pub(crate) const ID_RI_OCSP_RESPONSE: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.16.2");

/// Where the signer claims to be (CAdES signer-location): country and locality.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub struct SignerLocation {
    /// Country name, for example "VN".
    pub country: Option<String>,
    /// Locality, for example "Hạ Long, Quảng Ninh".
    pub locality: Option<String>,
}

impl SignerLocation {
    /// With this country name (for example "VN").
    #[must_use]
    pub fn country(mut self, country: impl Into<String>) -> Self {
        self.country = Some(country.into());
        self
    }

    /// With this locality (for example "Hạ Long, Quảng Ninh").
    #[must_use]
    pub fn locality(mut self, locality: impl Into<String>) -> Self {
        self.locality = Some(locality.into());
        self
    }
}

/// `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies ... OPTIONAL }`
/// (RFC 5035 section 3).
#[derive(Clone, Debug, Sequence)]
pub(crate) struct SigningCertificateV2 {
    pub certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    pub policies: Option<Any>,
}

/// `ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT sha256,
/// certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }`. The default is modelled as
/// optional: absent means SHA-256 (DER omits a default value).
#[derive(Clone, Debug, Sequence)]
pub(crate) struct EssCertIdV2 {
    #[asn1(optional = "true")]
    pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
    pub cert_hash: OctetString,
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// `SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, policies OPTIONAL }`
/// (RFC 2634 section 5.4, SHA-1): read for verification only.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct SigningCertificateV1 {
    pub certs: Vec<EssCertIdV1>,
    #[asn1(optional = "true")]
    pub policies: Option<Any>,
}

/// `ESSCertID ::= SEQUENCE { certHash OCTET STRING (SHA-1), issuerSerial OPTIONAL }`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct EssCertIdV1 {
    pub cert_hash: OctetString,
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// `IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct IssuerSerial {
    pub issuer: Vec<GeneralName>,
    pub serial_number: SerialNumber,
}

/// `CommitmentTypeIndication ::= SEQUENCE { commitmentTypeId OID, qualifiers OPTIONAL }`.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct CommitmentTypeIndication {
    pub commitment_type_id: Oid,
    #[asn1(optional = "true")]
    pub qualifiers: Option<Any>,
}

/// `SignerLocation ::= SEQUENCE { countryName [0] DirectoryString OPTIONAL,
/// localityName [1] DirectoryString OPTIONAL, postalAdddress [2] PostalAddress OPTIONAL }`,
/// explicitly tagged (the ETSI module uses EXPLICIT TAGS). kyso writes UTF8String.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct SignerLocationAsn1 {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub country: Option<Any>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    pub locality: Option<Any>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    pub postal_address: Option<Any>,
}

fn der_error(_: der::Error) -> Error {
    Error::invalid_der(Object::Cms)
}

/// An attribute with one value.
pub(crate) fn attribute(oid: Oid, value: &impl Encode) -> Result<Attribute, Error> {
    let der_value = value.to_der().map_err(der_error)?;
    let any = Any::from_der(&der_value).map_err(der_error)?;
    let values = SetOfVec::try_from(vec![any]).map_err(der_error)?;
    Ok(Attribute { oid, values })
}

/// The signing-time value: UTCTime through 2049, GeneralizedTime after (RFC 5652 section
/// 11.3).
pub(crate) fn signing_time_value(time: Time) -> Result<x509_cert::time::Time, Error> {
    let secs =
        u64::try_from(time.unix()).map_err(|_| Error::Encoding(EncodingError::InvalidTime))?;
    let dt = der::DateTime::from_unix_duration(core::time::Duration::from_secs(secs))
        .map_err(|_| Error::Encoding(EncodingError::InvalidTime))?;
    if dt.year() < 2050 {
        Ok(x509_cert::time::Time::UtcTime(
            der::asn1::UtcTime::from_date_time(dt)
                .map_err(|_| Error::Encoding(EncodingError::InvalidTime))?,
        ))
    } else {
        Ok(x509_cert::time::Time::GeneralTime(
            der::asn1::GeneralizedTime::from_date_time(dt),
        ))
    }
}

pub(crate) fn signer_location_value(loc: &SignerLocation) -> Result<SignerLocationAsn1, Error> {
    let text = |s: &Option<String>| -> Result<Option<Any>, Error> {
        match s {
            None => Ok(None),
            Some(s) => {
                let utf8 = Utf8StringRef::new(s).map_err(der_error)?;
                let der_bytes = utf8.to_der().map_err(der_error)?;
                Ok(Some(Any::from_der(&der_bytes).map_err(der_error)?))
            }
        }
    };
    Ok(SignerLocationAsn1 {
        country: text(&loc.country)?,
        locality: text(&loc.locality)?,
        postal_address: None,
    })
}
