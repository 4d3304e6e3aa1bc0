//! Passive authentication (ICAO 9303) of the bundled chip data, parsing included: the
//! CCCD-like card (brainpoolP256r1 DS under a brainpoolP512r1 CSCA with explicit parameters,
//! both verified by kyso's prime-field ECDSA) and the P-256 passport (ring).
//!
//! `cargo bench --bench eid`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kyso::eid::{PassiveAuth, Sod};
use kyso::{Time, TrustStore};

fn read(f: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/test-vectors/eid/{f}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let now = Time::now();
    let mut group = c.benchmark_group("passive-auth");
    for (label, sod, csca, dgs) in [
        (
            "cccd-brainpool",
            "cccd-brainpool.sod",
            "csca-vn.pem",
            vec![
                (1u8, "cccd-dg1.bin"),
                (2, "cccd-dg2.bin"),
                (13, "cccd-dg13.bin"),
            ],
        ),
        (
            "passport-p256",
            "passport-p256.sod",
            "csca-p256.pem",
            vec![(1u8, "passport-dg1.bin"), (2, "passport-dg2.bin")],
        ),
    ] {
        let sod_bytes = read(sod);
        let anchors = TrustStore::from_pem(&read(csca)).unwrap();
        let data: Vec<(u8, Vec<u8>)> = dgs.iter().map(|(n, f)| (*n, read(f))).collect();
        let refs: Vec<(u8, &[u8])> = data.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        group.bench_function(label, |b| {
            b.iter(|| {
                let sod = Sod::parse(black_box(&sod_bytes)).unwrap();
                let r = PassiveAuth::new(
                    &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
                    now,
                )
                .verify(&sod, &refs);
                assert!(r.is_passed());
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
