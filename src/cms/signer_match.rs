//! From a SignerInfo to its signer: the certificates its SignerIdentifier names (RFC 5652
//! section 5.3), and the signature algorithm its algorithm identifiers and the certificate's
//! key resolve to.

use crate::cert::{Certificate, Name};
use crate::cms::signer_view::{Sid, SignerView};
use crate::digest::DigestAlgorithm;
use crate::error::Error;
use crate::key::SignatureAlgorithm;
use crate::oid::RSA_ENCRYPTION;

/// Every certificate a SignerIdentifier names, in pool order. `received_issuer`: the
/// identifier's issuer name as received, when the input was DER (its encoding, then).
pub(crate) fn find_signers(
    sid: Sid<'_>,
    received_issuer: Option<&[u8]>,
    pool: &[Certificate],
) -> Vec<Certificate> {
    match sid {
        Sid::IssuerAndSerialNumber { issuer, serial } => {
            let issuer_der = received_issuer.unwrap_or(issuer);
            // The issuer name is parsed (for RFC 5280 comparison) only when no certificate
            // carries the very same bytes.
            let mut parsed: Option<Option<Name>> = None;
            pool.iter()
                .filter(|c| {
                    c.serial() == serial
                        && (c.issuer().der() == issuer_der
                            || parsed
                                .get_or_insert_with(|| Name::from_der(issuer_der).ok())
                                .as_ref()
                                .is_some_and(|n| n.matches(c.issuer())))
                })
                .cloned()
                .collect()
        }
        Sid::SubjectKeyIdentifier(ski) => pool
            .iter()
            .filter(|c| c.subject_key_id() == Some(ski))
            .cloned()
            .collect(),
    }
}

/// Certificates with the identifier's serial number whose issuer name has the same
/// attributes as the identifier's, in any order (some passports' SODs reorder them).
pub(crate) fn find_signers_leniently(sid: Sid<'_>, pool: &[Certificate]) -> Vec<Certificate> {
    let Sid::IssuerAndSerialNumber { issuer, serial } = sid else {
        return Vec::new();
    };
    let Ok(issuer) = Name::from_der(issuer) else {
        return Vec::new();
    };
    pool.iter()
        .filter(|c| c.serial() == serial && issuer.matches_unordered(c.issuer()))
        .cloned()
        .collect()
}

/// The signature algorithm of a SignerInfo. CMS writers put either the full signature
/// algorithm or, for RSA PKCS#1 v1.5, plain `rsaEncryption` with the hash in
/// digestAlgorithm (RFC 5754 section 3.2; OpenSSL does the latter).
pub(crate) fn signature_algorithm(
    si: &SignerView,
    digest_algorithm: DigestAlgorithm,
    cert: &Certificate,
) -> Result<SignatureAlgorithm, Error> {
    let key = cert.public_key()?;
    let (oid, parameters) = si.signature_algorithm();
    if oid == RSA_ENCRYPTION {
        return match digest_algorithm {
            DigestAlgorithm::Sha1 => Ok(SignatureAlgorithm::RsaPkcs1Sha1ForLegacyUseOnly),
            DigestAlgorithm::Sha256 => Ok(SignatureAlgorithm::RsaPkcs1Sha256),
            DigestAlgorithm::Sha384 => Ok(SignatureAlgorithm::RsaPkcs1Sha384),
            DigestAlgorithm::Sha512 => Ok(SignatureAlgorithm::RsaPkcs1Sha512),
            digest @ (DigestAlgorithm::Sha3_256
            | DigestAlgorithm::Sha3_384
            | DigestAlgorithm::Sha3_512) => Ok(SignatureAlgorithm::RsaPkcs1 { digest }),
        };
    }
    // The decoded identifier, judged as its DER would be.
    SignatureAlgorithm::from_parts(&oid, parameters, key.key_type())
}
