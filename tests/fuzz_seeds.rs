//! Replays every file of `test-vectors/` through every fuzz target's body
//! (`fuzz/targets.rs`), on stable Rust, as part of `cargo test`: the seeds the fuzzer starts
//! from must never crash, and this keeps the targets compiling.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

#[path = "../fuzz/targets.rs"]
mod targets;

mod common;

use common::files;

use std::path::Path;

#[test]
fn every_seed_runs_through_every_target() {
    let mut all = Vec::new();
    files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors"),
        &mut all,
    );
    assert!(all.len() > 50, "test vectors missing: {}", all.len());
    for path in &all {
        let data = std::fs::read(path).unwrap();
        targets::certificate_der(&data);
        targets::certificate_differential(&data);
        targets::pem_bundle(&data);
        targets::private_key(&data);
        targets::path_validation(&data);
        targets::cms_verify(&data);
        targets::crl(&data);
        targets::ocsp_response(&data);
        targets::timestamp(&data);
        targets::mrz(&data);
        targets::dg13(&data);
        targets::sod(&data);
        targets::time_stamped_data(&data);
        targets::xml(&data);
        // Truncated and bit-flipped variants too, cheaply.
        let half = &data[..data.len() / 2];
        targets::certificate_der(half);
        targets::pem_bundle(half);
        let mut flipped = data.clone();
        if let Some(b) = flipped.get_mut(data.len() / 3) {
            *b ^= 0x01;
        }
        targets::certificate_der(&flipped);
        targets::pem_bundle(&flipped);
        targets::cms_verify(half);
        targets::cms_verify(&flipped);
        targets::xml(half);
        targets::xml(&flipped);
    }
    // The chains, concatenated, exercise path building from a bundle.
    let mut bundle = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/pki/ee-rsa2048.pem"),
    )
    .unwrap();
    bundle.extend(
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/pki/chain-rsa.pem"))
            .unwrap(),
    );
    targets::path_validation(&bundle);
    // Every certificate's key, with a signature of each plausible length, through every
    // algorithm kyso verifies with.
    for path in all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pem"))
    {
        let Ok(cert) = kyso::Certificate::from_pem(&std::fs::read(path).unwrap()) else {
            continue;
        };
        for sig_len in [0usize, 64, 71, 96, 256, 384] {
            let spki = cert.spki_der();
            let mut seed = u16::try_from(spki.len()).unwrap().to_be_bytes().to_vec();
            seed.extend_from_slice(spki);
            seed.extend_from_slice(&u16::try_from(sig_len).unwrap().to_be_bytes());
            seed.extend(std::iter::repeat_n(0x5a, sig_len));
            seed.extend_from_slice(b"message");
            targets::public_key_verify(&seed);
        }
    }
}
