//! Certificate parsing: fields, identity, formats, and refusal of damaged input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

mod common;

use common::{cert, read};
use kyso::cert::{KeyUsage, VnIdentifier};
use kyso::error::EncodingError;
use kyso::error::{Malformed, Object};
use kyso::key::{KeyType, SignatureAlgorithm};
use kyso::{Certificate, Error};

#[test]
fn person_certificate_identity_and_fields() {
    let c = cert("pki/ee-rsa2048.pem");
    let id = c.identity();
    assert_eq!(id.common_name.as_deref(), Some("Nguyễn Văn An"));
    assert_eq!(id.cccd(), Some("001085012345"));
    assert_eq!(id.country.as_deref(), Some("VN"));
    assert_eq!(id.state.as_deref(), Some("Hà Nội"));
    assert_eq!(id.locality.as_deref(), Some("Cầu Giấy"));
    assert_eq!(
        id.to_string(),
        "Nguyễn Văn An (CCCD 001085012345), Cầu Giấy, Hà Nội, VN"
    );
    assert_eq!(
        c.subject().to_string(),
        "UID=CCCD:001085012345,CN=Nguyễn Văn An,L=Cầu Giấy,ST=Hà Nội,C=VN"
    );
    assert_eq!(c.issuer().common_name(), Some("Kyso Test Signing CA"));
    assert_eq!(c.version(), 3);
    assert_eq!(
        c.not_before(),
        kyso::Time::from_utc(2025, 1, 1, 0, 0, 0).unwrap()
    );
    assert_eq!(
        c.not_after(),
        kyso::Time::from_utc(2045, 1, 1, 0, 0, 0).unwrap()
    );
    let ku = c.key_usage().unwrap();
    assert!(ku.contains(KeyUsage::DIGITAL_SIGNATURE.union(KeyUsage::NON_REPUDIATION)));
    assert!(!ku.contains(KeyUsage::KEY_CERT_SIGN));
    assert_eq!(
        c.extended_key_usage().unwrap(),
        ["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"]
    );
    assert_eq!(c.basic_constraints().map(|b| b.ca), Some(false));
    assert!(!c.is_ca());
    assert_eq!(c.policies(), ["1.3.6.1.4.1.55555.1.1"]);
    assert_eq!(
        c.crl_distribution_points(),
        ["http://127.0.0.1:8080/crl/signing-ca.crl"]
    );
    assert_eq!(c.ocsp_urls(), ["http://127.0.0.1:8081/ocsp"]);
    assert_eq!(
        c.ca_issuer_urls(),
        ["http://127.0.0.1:8080/certs/signing-ca.crt"]
    );
    let issuer = cert("pki/intermediate-ca.pem");
    assert_eq!(c.authority_key_id(), issuer.subject_key_id());
    assert!(c.subject_key_id().is_some());
    assert_eq!(c.public_key().unwrap().rsa_bits(), Some(2048));
    assert_eq!(
        c.signature_algorithm(issuer.public_key().unwrap()).unwrap(),
        SignatureAlgorithm::RsaPkcs1Sha256
    );
    assert!(!c.serial().is_empty());
    assert_eq!(c.serial_hex().len(), c.serial().len() * 2);
}

#[test]
fn organisation_seal_and_other_identifiers() {
    let seal = cert("pki/ee-rsa3072.pem");
    let id = seal.identity();
    assert_eq!(
        id.common_name.as_deref(),
        Some("Ủy ban nhân dân tỉnh Quảng Ninh")
    );
    assert_eq!(
        id.organization.as_deref(),
        Some("Ủy ban nhân dân tỉnh Quảng Ninh")
    );
    assert_eq!(id.tax_code(), Some(("5700100256", Some("001"))));
    assert_eq!(
        cert("pki/ee-rsa4096.pem").identity().cmnd(),
        Some("025123456")
    );
    assert_eq!(
        cert("pki/ee-rsa-pss.pem").identity().passport(),
        Some("C1234567")
    );
    assert_eq!(
        cert("pki/ee-ecdsa-p256.pem").identity().identifiers,
        [VnIdentifier::TaxCode {
            code: "0104831030".into(),
            branch: None
        }]
    );
    assert_eq!(
        cert("pki/ee-ecdsa-p384.pem").identity().budget_unit(),
        Some("1012345")
    );
    assert_eq!(
        cert("pki/ee-ed25519.pem").identity().cccd(),
        Some("079190001234")
    );
}

#[test]
fn key_types() {
    assert_eq!(
        cert("pki/ee-ecdsa-p256.pem")
            .public_key()
            .unwrap()
            .key_type(),
        KeyType::EcP256
    );
    assert_eq!(
        cert("pki/ee-ecdsa-p384.pem")
            .public_key()
            .unwrap()
            .key_type(),
        KeyType::EcP384
    );
    assert_eq!(
        cert("pki/ee-ed25519.pem").public_key().unwrap().key_type(),
        KeyType::Ed25519
    );
    assert_eq!(
        cert("pki/root-ca.pem").public_key().unwrap().rsa_bits(),
        Some(4096)
    );
    assert_eq!(
        cert("bad/rsa1024.pem").public_key().unwrap().rsa_bits(),
        Some(1024)
    );
}

#[test]
fn pss_identifier_written_by_openssl_matches_ours() {
    let c = cert("pki/ee-rsa-pss.pem");
    assert_eq!(
        c.signature_algorithm_der(),
        SignatureAlgorithm::RsaPssSha256
            .algorithm_identifier_der()
            .as_slice()
    );
    let ec = cert("pki/ec-intermediate-ca.pem");
    let root = cert("pki/ec-root-ca.pem");
    assert_eq!(
        ec.signature_algorithm(root.public_key().unwrap()).unwrap(),
        SignatureAlgorithm::EcdsaP384Sha384
    );
    assert_eq!(
        ec.signature_algorithm_der(),
        SignatureAlgorithm::EcdsaP384Sha384
            .algorithm_identifier_der()
            .as_slice()
    );
}

#[test]
fn der_and_pem_forms_agree_and_bundles_keep_order() {
    let der = Certificate::from_der(&read("pki/ee-rsa2048.der")).unwrap();
    let pem = cert("pki/ee-rsa2048.pem");
    assert_eq!(der, pem);
    assert_eq!(
        Certificate::from_pem(&read("pki/ee-rsa2048.der")).unwrap(),
        pem
    );
    let bundle = Certificate::parse_pem_bundle(&read("pki/chain-rsa.pem")).unwrap();
    assert_eq!(bundle.len(), 2);
    assert_eq!(bundle[0], cert("pki/intermediate-ca.pem"));
    assert_eq!(bundle[1], cert("pki/root-ca.pem"));
    let from_file = Certificate::from_file(common::vector_path("pki/chain-ec.pem")).unwrap();
    assert_eq!(from_file.len(), 2);
    assert!(cert("pki/root-ca.pem").is_self_issued());
    assert!(cert("pki/root-ca.pem").is_ca());
}

#[test]
fn damaged_certificates_are_refused_with_specific_errors() {
    let good = read("pki/ee-rsa2048.der");
    // Trailing byte.
    let mut trailing = good.clone();
    trailing.push(0);
    assert!(matches!(
        Certificate::from_der(&trailing),
        Err(Error::Encoding(EncodingError::Malformed {
            object: Object::Certificate,
            reason: Malformed::TrailingData
        }))
    ));
    // Every truncation is an error, never a panic.
    for len in 0..good.len() {
        assert!(
            matches!(
                Certificate::from_der(&good[..len]),
                Err(kyso::Error::Encoding(EncodingError::Malformed {
                    object: kyso::error::Object::Certificate,
                    ..
                }))
            ),
            "truncated at {len}"
        );
    }
    // Every single-byte change either fails to parse or yields a certificate whose
    // signature no longer verifies (checked in tests/vectors.rs for one case); here: no
    // panic on any of them.
    for i in 0..good.len() {
        let mut damaged = good.clone();
        damaged[i] ^= 0x5a;
        let _ = Certificate::from_der(&damaged);
    }
    // A private key in a certificate bundle.
    assert!(matches!(
        Certificate::parse_pem_bundle(&read("keys/ee-rsa2048.key.pem")),
        Err(Error::Encoding(EncodingError::Malformed {
            reason: Malformed::UnexpectedPemLabel { .. },
            ..
        }))
    ));
    // Damaged base64.
    let pem = String::from_utf8(read("pki/ee-rsa2048.pem")).unwrap();
    let broken = pem.replacen("MII", "M!I", 1);
    let r = Certificate::parse_pem_bundle(broken.as_bytes());
    assert!(
        matches!(
            r,
            Err(kyso::Error::Encoding(EncodingError::Malformed {
                object: kyso::error::Object::Pem,
                ..
            }))
        ),
        "{r:?}"
    );
    // Missing END line.
    let cut = &pem[..pem.find("-----END").unwrap()];
    let r = Certificate::parse_pem_bundle(cut.as_bytes());
    assert!(
        matches!(
            r,
            Err(kyso::Error::Encoding(EncodingError::Malformed {
                object: kyso::error::Object::Pem,
                ..
            }))
        ),
        "{r:?}"
    );
    // No PEM at all.
    assert!(matches!(
        Certificate::parse_pem_bundle(b"just text"),
        Err(Error::Encoding(EncodingError::Malformed {
            reason: Malformed::NoPemBlock,
            ..
        }))
    ));
}

/// Object identifiers as OpenSSL writes them, rendered by kyso as X.690 section 8.19 reads
/// them: second arcs of 40 or more under 2 (where the first subidentifier takes two octets,
/// or one octet of 120 or more), and a UUID arc under 2.25 (over 64 bits).
#[test]
fn identifiers_with_large_arcs_are_rendered_in_dotted_decimal() {
    if !common::openssl_available() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("kyso-oid-arcs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let uuid = "2.25.329800735698586629295641978511506172918";
    common::openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "k.pem",
            "-out",
            "c.pem",
            "-subj",
            "/CN=Arcs",
            "-days",
            "30",
            "-addext",
            &format!("extendedKeyUsage=2.999.3,2.47.2,{uuid}"),
            "-addext",
            "certificatePolicies=2.999.5,1.2.840.113549.1.9.16.2.47",
        ],
    );
    let c = Certificate::from_pem(&std::fs::read(dir.join("c.pem")).unwrap()).unwrap();
    let ekus: Vec<String> = c
        .extended_key_usage()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(ekus, ["2.999.3", "2.47.2", uuid]);
    let policies: Vec<String> = c.policies().iter().map(ToString::to_string).collect();
    assert_eq!(policies, ["2.999.5", "1.2.840.113549.1.9.16.2.47"]);
    let _ = std::fs::remove_dir_all(&dir);
}
