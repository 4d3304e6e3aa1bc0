//! CMS detached verification end to end (1 KiB document, 3-level chain: end entity,
//! intermediate, root), for RSA-2048 and ECDSA P-256, next to the floor: the digest of the
//! document and of the signed attributes plus the three signature checks, straight through
//! ring, in the same run.
//!
//! `cargo bench --bench cms`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kyso::{
    Certificate, SignatureBuilder, SignedCms, SoftwareSigner, Time, TrustStore, ValidationPolicy,
    Verifier,
};

fn path(rel: &str) -> String {
    format!("{}/test-vectors/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn bench(c: &mut Criterion) {
    let document: Vec<u8> = (0..1024).map(|i| (i % 251) as u8).collect();
    let time = Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap();
    for (label, leaf, key, inter, root) in [
        (
            "rsa2048",
            "pki/ee-rsa2048.pem",
            "keys/ee-rsa2048.key.pem",
            "pki/intermediate-ca.pem",
            "pki/root-ca.pem",
        ),
        (
            "ecdsa-p256",
            "pki/ee-ec-chain.pem",
            "keys/ee-ec-chain.key.pem",
            "pki/ec-intermediate-ca.pem",
            "pki/ec-root-ca.pem",
        ),
    ] {
        let leaf = Certificate::from_file(path(leaf)).unwrap().remove(0);
        let inter = Certificate::from_file(path(inter)).unwrap().remove(0);
        let anchors = TrustStore::from_pem(&std::fs::read(path(root)).unwrap()).unwrap();
        let root = anchors.iter().next().unwrap().clone();
        let signer = SoftwareSigner::from_file(path(key), None).unwrap();
        let der = SignatureBuilder::new(leaf.clone(), time)
            .chain([inter.clone()])
            .sign(&document, &signer)
            .unwrap()
            .to_der()
            .unwrap();
        let verifier = Verifier::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            ValidationPolicy::at(time),
        );

        let mut group = c.benchmark_group(format!("cms/{label}"));
        group.bench_function("parse+verify", |b| {
            b.iter(|| {
                let cms = SignedCms::from_der(black_box(&der)).unwrap();
                let r = verifier.verify(&cms, Some(black_box(&document)));
                assert!(r.is_passed());
            })
        });
        // The floor: two digests and three signature verifications through ring.
        let cms = SignedCms::from_der(&der).unwrap();
        let signed_attrs_sig = {
            let r = verifier.verify(&cms, Some(&document));
            assert!(r.is_passed());
            r
        };
        let _ = signed_attrs_sig;
        let prepared = SignatureBuilder::new(leaf.clone(), time)
            .chain([inter.clone()])
            .prepare(&document, kyso::Signer::algorithm(&signer))
            .unwrap();
        let tbs = prepared.to_be_signed().to_vec();
        let sig = kyso::Signer::sign(&signer, &tbs).unwrap();
        let links = [(&leaf, &inter), (&inter, &root)];
        let leaf_key = leaf.public_key().unwrap().clone();
        let alg = kyso::Signer::algorithm(&signer);
        let policy = kyso::key::AlgorithmPolicy::default();
        group.bench_function("floor", |b| {
            b.iter(|| {
                let _ = ring::digest::digest(&ring::digest::SHA256, black_box(&document));
                leaf_key
                    .verify(alg, black_box(&tbs), &sig, &policy)
                    .unwrap();
                for (child, issuer) in links {
                    child
                        .verify_signed_by(issuer.public_key().unwrap(), &policy)
                        .unwrap();
                }
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
