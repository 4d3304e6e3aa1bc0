//! Document hashing: kyso (ring backend) against the pure-Rust `sha2` crate, in the same
//! run, at 1 KiB, 1 MiB and 64 MiB. The README reports the ratios.
//!
//! `cargo bench --bench digest`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kyso::digest::{DigestAlgorithm, Hasher, digest};
use sha2::Digest as _;

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn bench(c: &mut Criterion) {
    for (label, len) in [("1KiB", 1 << 10), ("1MiB", 1 << 20), ("64MiB", 64 << 20)] {
        let input = data(len);
        let mut group = c.benchmark_group(format!("digest/{label}"));
        group.throughput(Throughput::Bytes(len as u64));
        if len > (1 << 20) {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::new("kyso-sha256", label), &input, |b, i| {
            b.iter(|| digest(DigestAlgorithm::Sha256, black_box(i)))
        });
        group.bench_with_input(BenchmarkId::new("sha2-sha256", label), &input, |b, i| {
            b.iter(|| sha2::Sha256::digest(black_box(i)))
        });
        group.bench_with_input(BenchmarkId::new("kyso-sha512", label), &input, |b, i| {
            b.iter(|| digest(DigestAlgorithm::Sha512, black_box(i)))
        });
        group.bench_with_input(BenchmarkId::new("sha2-sha512", label), &input, |b, i| {
            b.iter(|| sha2::Sha512::digest(black_box(i)))
        });
        if len == (1 << 20) {
            // Streaming in 64 KiB pieces costs the same as one call.
            group.bench_with_input(
                BenchmarkId::new("kyso-sha256-stream", label),
                &input,
                |b, i| {
                    b.iter(|| {
                        let mut h = Hasher::new(DigestAlgorithm::Sha256);
                        for chunk in black_box(i).chunks(64 << 10) {
                            h.update(chunk);
                        }
                        h.finish()
                    })
                },
            );
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
