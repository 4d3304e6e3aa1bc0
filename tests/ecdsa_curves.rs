//! ECDSA over the curves passports and ID cards use, against OpenSSL: a CSCA-like root on
//! brainpoolP512r1 given by explicit parameters signing with SHA-512 (as Vietnam's CSCA
//! does), a document signer on brainpoolP256r1 (named), a P-521 chain; signatures made by
//! `openssl dgst` verified through kyso's public API, and tampered ones refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use kyso::error::SignatureError;
use std::path::Path;

use common::{openssl, openssl_available};
use kyso::digest::DigestAlgorithm;
use kyso::key::{AlgorithmPolicy, KeyType, SignatureAlgorithm};
use kyso::{Certificate, Error, KeyPurpose, PathValidator, Time, TrustStore};

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kyso-ec-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn key(dir: &Path, name: &str, curve: &str, explicit: bool) {
    let enc = if explicit { "explicit" } else { "named_curve" };
    openssl(
        dir,
        &[
            "ecparam",
            "-name",
            curve,
            "-param_enc",
            enc,
            "-genkey",
            "-noout",
            "-out",
            &format!("{name}.key"),
        ],
    );
}

fn ext(dir: &Path) {
    std::fs::write(
        dir.join("ext.cnf"),
        "[ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n[ds]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n",
    )
    .unwrap();
}

fn self_signed(dir: &Path, name: &str, subject: &str, md: &str) {
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-x509",
            "-key",
            &format!("{name}.key"),
            "-subj",
            subject,
            "-days",
            "3650",
            md,
            "-config",
            "ext.cnf",
            "-extensions",
            "ca",
            "-out",
            &format!("{name}.pem"),
        ],
    );
}

fn issue(dir: &Path, name: &str, subject: &str, ca: &str, md: &str) {
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            &format!("{name}.key"),
            "-subj",
            subject,
            "-out",
            &format!("{name}.csr"),
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-CAserial",
            "ca.srl",
            "-days",
            "365",
            md,
            "-extfile",
            "ext.cnf",
            "-extensions",
            "ds",
            "-out",
            &format!("{name}.pem"),
        ],
    );
}

fn cert(dir: &Path, name: &str) -> Certificate {
    Certificate::from_file(dir.join(format!("{name}.pem")))
        .unwrap()
        .remove(0)
}

#[test]
fn brainpool_explicit_csca_and_document_signer() {
    if !openssl_available() {
        return;
    }
    let dir = tempdir("bp");
    ext(&dir);
    key(&dir, "csca", "brainpoolP512r1", true);
    self_signed(
        &dir,
        "csca",
        "/C=VN/O=Test CSCA/CN=CSCA Test Vietnam",
        "-sha512",
    );
    key(&dir, "ds", "brainpoolP256r1", false);
    issue(
        &dir,
        "ds",
        "/C=VN/O=Test CSCA/CN=Document Signer 1",
        "csca",
        "-sha512",
    );

    let csca = cert(&dir, "csca");
    let ds = cert(&dir, "ds");
    // The CSCA's key is given by explicit parameters, recognised as brainpoolP512r1.
    assert!(csca.spki_der().len() > 300, "explicit parameters expected");
    assert_eq!(
        csca.public_key().unwrap().key_type(),
        KeyType::EcBrainpoolP512r1
    );
    assert_eq!(
        ds.public_key().unwrap().key_type(),
        KeyType::EcBrainpoolP256r1
    );
    assert_eq!(
        ds.signature_algorithm(csca.public_key().unwrap()).unwrap(),
        SignatureAlgorithm::Ecdsa {
            key: KeyType::EcBrainpoolP512r1,
            digest: DigestAlgorithm::Sha512
        }
    );
    let anchors = TrustStore::from_certificates([csca.clone()]);
    // Explicit parameters are for chip documents: the default policy refuses them, on the
    // key that carries them (here the CSCA's, which signed the document signer).
    let refused = PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        Time::now(),
    )
    .purpose(KeyPurpose::Any)
    .validate(&ds, &[])
    .unwrap_err();
    assert!(
        matches!(
            refused,
            kyso::Error::Path {
                ref cert,
                reason: kyso::error::PathError::PublicKey(
                    kyso::error::SignatureError::ExplicitCurveParametersNotAllowed
                )
            } if cert.index == 1
        ),
        "{refused:?}"
    );
    let path = PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        Time::now(),
    )
    .purpose(KeyPurpose::Any)
    .algorithm_policy(AlgorithmPolicy::default().accept_explicit_curve_parameters())
    .validate(&ds, &[])
    .unwrap();
    assert_eq!(path.chain().len(), 1);

    // A signature by the document signer, made by OpenSSL.
    std::fs::write(dir.join("sod-content.bin"), b"LDSSecurityObject stand-in").unwrap();
    for (md, digest) in [
        ("-sha256", DigestAlgorithm::Sha256),
        ("-sha1", DigestAlgorithm::Sha1),
        ("-sha512", DigestAlgorithm::Sha512),
    ] {
        openssl(
            &dir,
            &[
                "dgst",
                md,
                "-sign",
                "ds.key",
                "-out",
                "sig.der",
                "sod-content.bin",
            ],
        );
        let sig = std::fs::read(dir.join("sig.der")).unwrap();
        let alg = SignatureAlgorithm::Ecdsa {
            key: KeyType::EcBrainpoolP256r1,
            digest,
        };
        let policy = AlgorithmPolicy::default().allow_sha1_for_legacy_use_only();
        let key = ds.public_key().unwrap();
        key.verify(alg, b"LDSSecurityObject stand-in", &sig, &policy)
            .unwrap();
        assert_eq!(
            key.verify(alg, b"LDSSecurityObject stand-iN", &sig, &policy)
                .err(),
            Some(Error::Signature(SignatureError::InvalidSignature))
        );
        // SHA-1 only under the legacy policy.
        if digest == DigestAlgorithm::Sha1 {
            assert!(matches!(
                key.verify(
                    alg,
                    b"LDSSecurityObject stand-in",
                    &sig,
                    &AlgorithmPolicy::default()
                ),
                Err(Error::Signature(SignatureError::AlgorithmNotAllowed { .. }))
            ));
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn p521_and_brainpool384_chains() {
    if !openssl_available() {
        return;
    }
    let dir = tempdir("p521");
    ext(&dir);
    key(&dir, "root", "secp521r1", false);
    self_signed(&dir, "root", "/C=VN/CN=P-521 Root", "-sha512");
    key(&dir, "leaf", "brainpoolP384r1", true);
    issue(
        &dir,
        "leaf",
        "/C=VN/CN=brainpoolP384r1 Leaf",
        "root",
        "-sha384",
    );
    let root = cert(&dir, "root");
    let leaf = cert(&dir, "leaf");
    assert_eq!(root.public_key().unwrap().key_type(), KeyType::EcP521);
    assert_eq!(
        leaf.public_key().unwrap().key_type(),
        KeyType::EcBrainpoolP384r1
    );
    let anchors = TrustStore::from_certificates([root]);
    PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        Time::now(),
    )
    .purpose(KeyPurpose::Any)
    .algorithm_policy(AlgorithmPolicy::default().accept_explicit_curve_parameters())
    .validate(&leaf, &[])
    .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Explicit parameters that are not exactly a named curve's (here: brainpoolP256r1 with
/// another generator) are refused, never verified with.
#[test]
fn explicit_parameters_of_an_unknown_curve_are_refused() {
    if !openssl_available() {
        return;
    }
    let dir = tempdir("explicit");
    key(&dir, "k", "brainpoolP256r1", true);
    openssl(
        &dir,
        &[
            "ec", "-in", "k.key", "-pubout", "-outform", "DER", "-out", "k.spki",
        ],
    );
    let mut spki = std::fs::read(dir.join("k.spki")).unwrap();
    assert!(kyso::key::PublicKey::from_spki_der(&spki).is_ok());
    // Flip one bit of the curve coefficient b (the second OCTET STRING of the curve
    // SEQUENCE): the parameters no longer describe brainpoolP256r1.
    let b_prefix = [0x04u8, 0x20, 0x26, 0xdc, 0x5c, 0x6c];
    let at = spki
        .windows(b_prefix.len())
        .position(|w| w == b_prefix)
        .expect("coefficient b of brainpoolP256r1");
    spki[at + 5] ^= 0x01;
    assert!(matches!(
        kyso::key::PublicKey::from_spki_der(&spki),
        Err(Error::Signature(SignatureError::UnsupportedExplicitCurve))
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}
