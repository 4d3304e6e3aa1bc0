//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use kyso::{Certificate, Time};

/// The fixed validation time of the test PKI (test-vectors/README.md).
pub fn validation_time() -> Time {
    Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap()
}

pub fn vector_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("test-vectors")
        .join(rel)
}

pub fn read(rel: &str) -> Vec<u8> {
    std::fs::read(vector_path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub fn cert(rel: &str) -> Certificate {
    Certificate::from_pem(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Whether the OpenSSL CLI is here. Under `CI=true` it must be; elsewhere a test that needs
/// it prints why it skips.
pub fn openssl_available() -> bool {
    let ok = std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "openssl CLI is required under CI"
        );
        eprintln!("skipping: openssl CLI not available");
    }
    ok
}
