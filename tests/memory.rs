//! Peak memory while signing and verifying a 1 GiB detached document streamed from a reader:
//! constant memory, whatever the document's size. One test only, so that the process's peak
//! resident size is this test's.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

mod common;

use std::io::Read;

use common::{cert, rss, vector_path};
use kyso::{SignatureBuilder, SoftwareSigner, Time, TrustStore, ValidationPolicy, Verifier};

const GIB: u64 = 1 << 30;

/// A document of `left` bytes of a repeating pattern, made as it is read.
struct Pattern {
    left: u64,
    block: Vec<u8>,
}

impl Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf
            .len()
            .min(self.block.len())
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        buf[..n].copy_from_slice(&self.block[..n]);
        self.left -= n as u64;
        Ok(n)
    }
}

fn document() -> Pattern {
    Pattern {
        left: GIB,
        block: (0..1 << 20).map(|i| (i % 251) as u8).collect(),
    }
}

#[test]
fn a_gibibyte_document_in_constant_memory() {
    let Some((before, _)) = rss() else {
        eprintln!("skipping: no /proc/self/status");
        return;
    };
    let time = Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap();
    let signer =
        SoftwareSigner::from_file(vector_path("keys/ee-ecdsa-p256.key.pem"), None).unwrap();
    let cms = SignatureBuilder::new(cert("pki/ee-ecdsa-p256.pem"), time)
        .chain([cert("pki/intermediate-ca.pem")])
        .sign_reader(document(), &signer)
        .unwrap();
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::at(time),
    )
    .verify_reader(&cms, document())
    .unwrap();
    assert!(report.is_passed(), "{report}");
    // A document one byte shorter does not verify.
    let mut short = document();
    short.left -= 1;
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::at(time),
    )
    .verify_reader(&cms, short)
    .unwrap();
    assert!(!report.is_passed());
    let (_, peak) = rss().unwrap();
    let grew_mib = peak.saturating_sub(before) / 1024;
    println!(
        "signing and verifying 1 GiB (three passes): peak resident size grew by {grew_mib} MiB"
    );
    assert!(grew_mib < 32, "peak grew by {grew_mib} MiB");
}
