//! What one verification allocates, counted by an instrumented global allocator: no
//! certificate is parsed twice in a call (verification itself parses none; reading the
//! signature parses each embedded certificate once, or none when the cache has them), and a
//! warm call allocates the same every time.
//!
//! One test only, so that no other test allocates while it counts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::alloc::System;

use common::{cert, read};
use kyso::path::VerificationCache;
use kyso::{Certificate, SignedCms, Time, TrustStore, ValidationPolicy, Verifier};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn allocations(f: impl FnOnce()) -> usize {
    let region = Region::new(GLOBAL);
    f();
    region.change().allocations
}

#[test]
fn verification_parses_each_certificate_once_at_most() {
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let time = Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap();
    let signature = read("cms/openssl-rsa2048-detached.p7s");
    let document = read("documents/cong-van.txt");
    let leaf = read("pki/ee-rsa2048.pem");
    let leaf_der = Certificate::from_pem(&leaf).unwrap().der().to_vec();

    // One certificate parse, for scale.
    let one_parse = allocations(|| {
        Certificate::from_der(&leaf_der).unwrap();
    });
    // Reading the signature parses its two certificates, once each.
    let read_cms = allocations(|| {
        SignedCms::from_der(&signature).unwrap();
    });
    assert!(
        read_cms < 3 * one_parse,
        "reading the signature: {read_cms} allocations, one certificate parse: {one_parse}"
    );
    // Verifying a signature already read parses no certificate at all.
    let cms = SignedCms::from_der(&signature).unwrap();
    let verifier = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::at(time),
    );
    let verify = allocations(|| {
        assert!(verifier.verify(&cms, Some(&document)).is_passed());
    });
    println!(
        "allocations: one certificate parse {one_parse}, reading the signature {read_cms}, verifying it {verify}"
    );

    // Warm: the cache holds both certificates; a call parses none, and every call allocates
    // the same.
    let cache = VerificationCache::new();
    let warm = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked).cache(&cache),
        ValidationPolicy::at(time),
    );
    assert!(warm.verify_encoded(&signature, Some(&document)).is_passed());
    let counts: Vec<usize> = (0..5)
        .map(|_| {
            allocations(|| {
                assert!(warm.verify_encoded(&signature, Some(&document)).is_passed());
            })
        })
        .collect();
    println!("allocations per warm call (read + verify): {counts:?}");
    assert!(counts.windows(2).all(|w| w[0] == w[1]), "{counts:?}");
    // A warm call reads the signature without parsing its certificates (the cache has
    // them) and then verifies it. Verifying the signature already read, without the cache,
    // adds only the two certificate signature checks the cache saves; within half a
    // certificate parse of the warm call, so verification itself parses no certificate
    // (one parse would add `one_parse`).
    assert!(
        verify < counts[0] + one_parse / 2,
        "verifying: {verify} allocations, a warm read and verification: {}, one parse {one_parse}",
        counts[0]
    );
    let cold = allocations(|| {
        let fresh = Verifier::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            ValidationPolicy::at(time),
        );
        assert!(
            fresh
                .verify_encoded(&signature, Some(&document))
                .is_passed()
        );
    });
    // The warm call saves the two certificate parses.
    assert!(
        counts[0] + one_parse < cold,
        "warm {} + one parse {one_parse} should be below cold {cold}",
        counts[0]
    );
}
