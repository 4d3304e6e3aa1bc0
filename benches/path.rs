//! The verification hot path so far: certificate parsing, path validation of a 3-level chain
//! (end entity, intermediate, root), and the floor it cannot beat: ring's raw signature
//! verifications for the same chain, in the same run.
//!
//! `cargo bench --bench path`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kyso::{Certificate, PathValidator, Time, TrustStore};

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{}/test-vectors/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn bench(c: &mut Criterion) {
    let time = Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap();
    for (label, leaf, inter, root) in [
        (
            "rsa2048",
            "pki/ee-rsa2048.pem",
            "pki/intermediate-ca.pem",
            "pki/root-ca.pem",
        ),
        (
            "ecdsa-p256",
            "pki/ee-ec-chain.pem",
            "pki/ec-intermediate-ca.pem",
            "pki/ec-root-ca.pem",
        ),
    ] {
        let leaf_der = Certificate::from_pem(&read(leaf)).unwrap().der().to_vec();
        let leaf = Certificate::from_der(&leaf_der).unwrap();
        let inter = Certificate::from_pem(&read(inter)).unwrap();
        let anchors = TrustStore::from_pem(&read(root)).unwrap();
        let root = anchors.iter().next().unwrap().clone();
        let chain = vec![inter.clone()];
        let validator = PathValidator::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            time,
        );

        let mut group = c.benchmark_group(format!("path/{label}"));
        group.bench_function("parse-leaf", |b| {
            b.iter(|| Certificate::from_der(black_box(&leaf_der)).unwrap())
        });
        group.bench_function("validate", |b| {
            b.iter(|| validator.validate(black_box(&leaf), &chain).unwrap())
        });
        // The floor: the two signature checks the path needs, straight through ring.
        let links = [(&leaf, &inter), (&inter, &root)];
        group.bench_function("floor-ring-verify", |b| {
            b.iter(|| {
                for (child, issuer) in links {
                    let key = issuer.public_key().unwrap();
                    let alg = child.signature_algorithm(key).unwrap();
                    let ring_alg: &dyn ring_alg::Verify = &alg;
                    ring_alg.verify(key.key_bytes(), child.tbs_der(), child.signature());
                }
            })
        });
        group.finish();
    }
}

/// Maps kyso's algorithm to ring's, for the floor measurement only.
mod ring_alg {
    use kyso::key::SignatureAlgorithm;
    use ring::signature as rs;

    pub trait Verify {
        fn verify(&self, key: &[u8], msg: &[u8], sig: &[u8]);
    }

    impl Verify for SignatureAlgorithm {
        fn verify(&self, key: &[u8], msg: &[u8], sig: &[u8]) {
            let alg: &dyn rs::VerificationAlgorithm = match self {
                SignatureAlgorithm::RsaPkcs1Sha256 => &rs::RSA_PKCS1_2048_8192_SHA256,
                SignatureAlgorithm::EcdsaP256Sha256 => &rs::ECDSA_P256_SHA256_ASN1,
                SignatureAlgorithm::EcdsaP256Sha384 => &rs::ECDSA_P256_SHA384_ASN1,
                SignatureAlgorithm::EcdsaP384Sha384 => &rs::ECDSA_P384_SHA384_ASN1,
                other => panic!("no floor mapping for {other}"),
            };
            rs::UnparsedPublicKey::new(alg, key)
                .verify(msg, sig)
                .unwrap();
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
