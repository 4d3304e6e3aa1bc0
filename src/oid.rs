//! Object identifiers kyso uses (RFC 5280, RFC 8017, RFC 5758, RFC 8410, FIPS 180-4).

use der::asn1::ObjectIdentifier as Oid;

// Digest algorithms.
pub(crate) const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
pub(crate) const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
pub(crate) const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
pub(crate) const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");

// Key types and curves.
pub(crate) const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
pub(crate) const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
pub(crate) const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
pub(crate) const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
pub(crate) const ED25519: Oid = Oid::new_unwrap("1.3.101.112");

// Signature algorithms.
pub(crate) const SHA1_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
pub(crate) const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
pub(crate) const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
pub(crate) const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
pub(crate) const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
pub(crate) const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");
pub(crate) const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
pub(crate) const ECDSA_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
pub(crate) const ECDSA_WITH_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
pub(crate) const ECDSA_WITH_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
/// id-fieldType prime-field (X9.62), in explicit EC parameters.
pub(crate) const PRIME_FIELD: Oid = Oid::new_unwrap("1.2.840.10045.1.1");

// Certificate extensions (RFC 5280 section 4.2).
pub(crate) const EXT_SUBJECT_KEY_ID: &str = "2.5.29.14";
pub(crate) const EXT_KEY_USAGE: &str = "2.5.29.15";
pub(crate) const EXT_SUBJECT_ALT_NAME: &str = "2.5.29.17";
pub(crate) const EXT_BASIC_CONSTRAINTS: &str = "2.5.29.19";
pub(crate) const EXT_CERTIFICATE_POLICIES: &str = "2.5.29.32";
pub(crate) const EXT_CRL_DISTRIBUTION_POINTS: &str = "2.5.29.31";
pub(crate) const EXT_EXTENDED_KEY_USAGE: &str = "2.5.29.37";

// Extended key usages (RFC 5280 section 4.2.1.12).
pub(crate) const KP_ANY: &str = "2.5.29.37.0";
pub(crate) const KP_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
pub(crate) const KP_TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";
pub(crate) const KP_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
pub(crate) const KP_SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
pub(crate) const KP_CODE_SIGNING: &str = "1.3.6.1.5.5.7.3.3";
pub(crate) const KP_EMAIL_PROTECTION: &str = "1.3.6.1.5.5.7.3.4";
/// id-kp-documentSigning (RFC 9336).
pub(crate) const KP_DOCUMENT_SIGNING: &str = "1.3.6.1.5.5.7.3.36";
/// Adobe Authentic Documents Trust (PDF document signing).
pub(crate) const KP_ADOBE_DOCUMENT_SIGNING: &str = "1.2.840.113583.1.1.5";
/// Microsoft document signing (szOID_KP_DOCUMENT_SIGNING).
pub(crate) const KP_MICROSOFT_DOCUMENT_SIGNING: &str = "1.3.6.1.4.1.311.10.3.12";
/// id-icao-cscaMasterListSigningKey (ICAO Doc 9303 part 12): the key of a Master List Signer.
pub(crate) const KP_ICAO_MASTER_LIST_SIGNING: &str = "2.23.136.1.1.3";

// Access methods (RFC 5280 section 4.2.2.1).
pub(crate) const AD_OCSP: &str = "1.3.6.1.5.5.7.48.1";
pub(crate) const AD_CA_ISSUERS: &str = "1.3.6.1.5.5.7.48.2";

// Name attributes (RFC 5280 appendix A, RFC 4519).
pub(crate) const AT_COMMON_NAME: &str = "2.5.4.3";
pub(crate) const AT_SURNAME: &str = "2.5.4.4";
pub(crate) const AT_SERIAL_NUMBER: &str = "2.5.4.5";
pub(crate) const AT_COUNTRY: &str = "2.5.4.6";
pub(crate) const AT_LOCALITY: &str = "2.5.4.7";
pub(crate) const AT_STATE: &str = "2.5.4.8";
pub(crate) const AT_STREET: &str = "2.5.4.9";
pub(crate) const AT_ORGANIZATION: &str = "2.5.4.10";
pub(crate) const AT_ORGANIZATIONAL_UNIT: &str = "2.5.4.11";
pub(crate) const AT_TITLE: &str = "2.5.4.12";
pub(crate) const AT_GIVEN_NAME: &str = "2.5.4.42";
pub(crate) const AT_EMAIL: &str = "1.2.840.113549.1.9.1";
pub(crate) const AT_UID: &str = "0.9.2342.19200300.100.1.1";
pub(crate) const AT_DOMAIN_COMPONENT: &str = "0.9.2342.19200300.100.1.25";
