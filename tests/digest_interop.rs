//! Document hashing agrees with independent tools: sums made by `sha256sum`, `sha512sum` and
//! `openssl dgst` when the vectors were generated, and `openssl dgst` run now on a file
//! larger than any buffer.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

mod common;

use std::io::Write;

use common::{read, vector_path};
use kyso::digest::{DigestAlgorithm, Hasher, digest, digest_file, digest_reader};

/// Lines of `<hex>  <name>` (coreutils) or `<hex> *<name>` (openssl -r).
fn sums(rel: &str) -> Vec<(String, String)> {
    String::from_utf8(read(rel))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (hex, name) = l.split_once(' ').unwrap();
            (
                hex.to_owned(),
                name.trim_start_matches([' ', '*']).to_owned(),
            )
        })
        .collect()
}

#[test]
fn matches_coreutils_and_openssl_sums() {
    let mut checked = 0;
    for (file, alg) in [
        ("docs/SHA256SUMS", DigestAlgorithm::Sha256),
        ("docs/SHA512SUMS", DigestAlgorithm::Sha512),
        ("docs/sample.txt.sha384", DigestAlgorithm::Sha384),
    ] {
        for (hex, name) in sums(file) {
            let name = name.rsplit('/').next().unwrap().to_owned();
            let path = vector_path(&format!("docs/{name}"));
            assert_eq!(
                digest_file(alg, &path).unwrap().to_hex(),
                hex,
                "{file}: {name}"
            );
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(digest(alg, &bytes).to_hex(), hex);
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} sums checked");
}

/// Hashes a 5 MiB file with `openssl dgst` and with kyso's streaming functions. Skipped
/// (with a message) only where the OpenSSL CLI is missing; CI has it.
#[test]
fn large_file_matches_openssl_cli() {
    let dir = std::env::temp_dir().join(format!("kyso-digest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("large.bin");
    let mut data = Vec::with_capacity(5 << 20);
    let mut x: u32 = 0x1234_5678;
    while data.len() < (5 << 20) + 7 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(&path, &data).unwrap();
    for (alg, flag) in [
        (DigestAlgorithm::Sha256, "-sha256"),
        (DigestAlgorithm::Sha384, "-sha384"),
        (DigestAlgorithm::Sha512, "-sha512"),
        (DigestAlgorithm::Sha1, "-sha1"),
    ] {
        let out = match std::process::Command::new("openssl")
            .args(["dgst", flag, "-r"])
            .arg(&path)
            .output()
        {
            Ok(out) if out.status.success() => out,
            _ if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("openssl CLI is required under CI")
            }
            _ => {
                eprintln!("skipping: openssl CLI not available");
                return;
            }
        };
        let expected = String::from_utf8(out.stdout).unwrap();
        let expected = expected.split_whitespace().next().unwrap();
        assert_eq!(digest_file(alg, &path).unwrap().to_hex(), expected, "{alg}");
        assert_eq!(digest_reader(alg, &data[..]).unwrap().to_hex(), expected);
        let mut h = Hasher::new(alg);
        std::io::copy(&mut &data[..], &mut h).unwrap();
        h.flush().unwrap();
        assert_eq!(h.finish().to_hex(), expected);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_file_is_an_io_error() {
    let err = digest_file(DigestAlgorithm::Sha256, "/nonexistent/kyso/file").unwrap_err();
    assert!(
        matches!(
            err,
            kyso::Error::Io {
                kind: std::io::ErrorKind::NotFound,
                ..
            }
        ),
        "{err:?}"
    );
}
