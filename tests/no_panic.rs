//! No panic on damaged input: every file of `test-vectors/`, truncated and with single-bit
//! flips, through every parse and verify entry point (the bodies of the fuzz targets in
//! `fuzz/targets.rs`, which call each public parser and then verify what parses).
//!
//! Every truncation length of every file up to 16 KiB runs; a larger file (a CA with a
//! thousand name-constraint subtrees) is cut at every length of its first and last KiB and
//! at one length in every 61 between, since each parser rescans its input and every length
//! of a 40 KB certificate would cost twenty seconds to test what the smaller ones test.
//! Single-bit flips run on every bit of each file's first 128 bytes, where tags and lengths
//! steer the parsers, and on one bit in every 61 further bytes (a prime stride, so the bit
//! position rotates). Setting `KYSO_NO_PANIC_FULL=1` cuts every file at every length and
//! flips every bit of every file; that run is meant for release builds
//! (`cargo test --release --test no_panic`) and takes minutes rather than seconds.
//!
//! Signed PDFs (`test-vectors/pdf/`) go through the PDF entry point only (reading the
//! revisions, validating every signature, judging the changes), which costs a full
//! validation per input: each is cut at every length of its last 64 bytes (its trailer,
//! `startxref` and `%%EOF`, which steer the reader) and every bit of its last 48 bytes is
//! flipped; elsewhere one cut and one flip every 509 bytes.
//!
//! The scripts, notes and verdict tables that live beside the vectors (`*.sh`, `*.py`,
//! `*.md`, `*.tsv`) are not inputs of any parser and are left out: each parser rescans its
//! whole input, so every truncation of a 50 KB script would cost minutes and test nothing
//! the PEM files do not.
//!
//! A panic anywhere fails the test with the file and the mutation that caused it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

#[path = "../fuzz/targets.rs"]
mod targets;

mod common;

use common::files;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Bytes at the start of a file whose every bit is flipped.
const DENSE_PREFIX: usize = 128;
/// Beyond the prefix, one flip every this many bytes.
const STRIDE: usize = 61;

/// Every entry point, on one input.
fn all_targets(data: &[u8]) {
    targets::certificate_der(data);
    targets::certificate_differential(data);
    targets::pem_bundle(data);
    targets::private_key(data);
    targets::path_validation(data);
    targets::cms_verify(data);
    targets::crl(data);
    targets::ocsp_response(data);
    targets::timestamp(data);
    targets::mrz(data);
    targets::dg13(data);
    targets::sod(data);
}

/// Files above this size are cut at every length near their ends only.
const LARGE: usize = 16 * 1024;
/// How near their ends large files are cut at every length.
const LARGE_EDGE: usize = 1024;

/// How near their ends the inputs from other producers (`test-vectors/interop/`, many
/// variants of the same few structures, whose BER and odd fields sit near the start and the
/// end) are cut at every length; between, at a stride.
const INTEROP_EDGE: usize = 256;

/// The lengths to truncate a file of `len` bytes to: every length up to [`LARGE`] bytes
/// (every length within `edge` of the ends, and a stride between, for larger files or when
/// `edge` is given).
fn cut_lengths(len: usize, full: bool, edge: Option<usize>) -> Vec<usize> {
    let (sparse, edge) = match edge {
        Some(e) => (true, e),
        None => (len > LARGE, LARGE_EDGE),
    };
    (0..len)
        .filter(|&l| {
            full || !sparse
                || l < edge
                || l >= len.saturating_sub(edge)
                || (l - edge).is_multiple_of(STRIDE)
        })
        .collect()
}

/// The (byte, bit) positions to flip in a file of `len` bytes: every bit of the first
/// `dense` bytes, then one bit at a stride.
fn flips(len: usize, full: bool, dense: usize) -> Vec<(usize, u8)> {
    let mut out = Vec::new();
    for byte in 0..len {
        if full || byte < dense {
            out.extend((0..8).map(|bit| (byte, bit)));
        } else if (byte - dense).is_multiple_of(STRIDE) {
            out.push((byte, u8::try_from(byte % 8).unwrap()));
        }
    }
    out
}

/// Near the end of a PDF, where its structure is read from, every length and bit.
const PDF_TAIL: usize = 64;
/// Elsewhere in a PDF, one cut and one flip every this many bytes.
const PDF_STRIDE: usize = 509;

/// PDFs built to make the reader decompress up to its whole-document budget (256 MiB), a
/// second or so per input: cut and flipped at a wide stride only. Their reading paths are
/// those of the other object-stream files, which get the full sweep.
const PDF_HEAVY: &[&str] = &["objstm-decompression-budget.pdf"];
/// The stride for [`PDF_HEAVY`] files.
const PDF_HEAVY_STRIDE: usize = 4093;

/// Cuts and flips one PDF through the PDF entry point; returns the counts.
fn pdf_sweep(data: &[u8], full: bool, name: &str, failures: &mut Vec<String>) -> (usize, usize) {
    if !full && PDF_HEAVY.iter().any(|h| name.ends_with(h)) {
        let mut copy = data.to_vec();
        let mut n = 0;
        for at in (0..data.len()).step_by(PDF_HEAVY_STRIDE) {
            n += 1;
            if catch_unwind(AssertUnwindSafe(|| targets::pdf(&data[..at]))).is_err() {
                failures.push(format!("{name}: truncated to {at} bytes"));
            }
            copy[at] ^= 1 << (at % 8);
            if catch_unwind(AssertUnwindSafe(|| targets::pdf(&copy))).is_err() {
                failures.push(format!("{name}: bit {} of byte {at} flipped", at % 8));
            }
            copy[at] ^= 1 << (at % 8);
        }
        return (n, n);
    }
    let len = data.len();
    let (mut cuts, mut flips) = (0, 0);
    for l in 0..len {
        if full || l >= len.saturating_sub(PDF_TAIL) || l.is_multiple_of(PDF_STRIDE) {
            cuts += 1;
            if catch_unwind(AssertUnwindSafe(|| targets::pdf(&data[..l]))).is_err() {
                failures.push(format!("{name}: truncated to {l} bytes"));
            }
        }
    }
    let mut copy = data.to_vec();
    for byte in 0..len {
        let tail = byte >= len.saturating_sub(48);
        let bits: Vec<u8> = if full || tail {
            (0..8).collect()
        } else if byte.is_multiple_of(PDF_STRIDE) {
            vec![u8::try_from(byte % 8).unwrap()]
        } else {
            continue;
        };
        for bit in bits {
            copy[byte] ^= 1 << bit;
            flips += 1;
            // Every flip is read and validated; one bit a byte is also signed (signing the
            // same shapes eight times over adds minutes and nothing else).
            let entry = if full || usize::from(bit) == byte % 8 {
                targets::pdf
            } else {
                targets::pdf_read_only
            };
            if catch_unwind(AssertUnwindSafe(|| entry(&copy))).is_err() {
                failures.push(format!("{name}: bit {bit} of byte {byte} flipped"));
            }
            copy[byte] ^= 1 << bit;
        }
    }
    (cuts, flips)
}

#[test]
fn damaged_test_vectors_never_panic() {
    let full = std::env::var("KYSO_NO_PANIC_FULL").as_deref() == Ok("1");
    let mut all = Vec::new();
    files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors"),
        &mut all,
    );
    all.retain(|p| {
        !matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("sh" | "py" | "md" | "tsv")
        )
    });
    all.sort();
    assert!(all.len() > 100, "test vectors missing: {}", all.len());
    // Panics are caught and reported together; the default hook would print each one.
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let (mut truncations, mut flipped) = (0usize, 0usize);
    let verbose = std::env::var("KYSO_NO_PANIC_VERBOSE").as_deref() == Ok("1");
    for path in &all {
        let started = std::time::Instant::now();
        let data = std::fs::read(path).unwrap();
        let name = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path);
        if path.extension().and_then(|e| e.to_str()) == Some("pdf") {
            let (t, f) = pdf_sweep(&data, full, &name.display().to_string(), &mut failures);
            truncations += t;
            flipped += f;
            continue;
        }
        let edge = name
            .starts_with("test-vectors/interop")
            .then_some(INTEROP_EDGE);
        for len in cut_lengths(data.len(), full, edge) {
            truncations += 1;
            if catch_unwind(AssertUnwindSafe(|| all_targets(&data[..len]))).is_err() {
                failures.push(format!("{}: truncated to {len} bytes", name.display()));
            }
        }
        let mut copy = data.clone();
        // Inputs from other producers: every bit of their first elements' headers, where
        // their BER sits; the rest at the stride.
        let dense = if edge.is_some() { 32 } else { DENSE_PREFIX };
        for (byte, bit) in flips(data.len(), full, dense) {
            copy[byte] ^= 1 << bit;
            flipped += 1;
            if catch_unwind(AssertUnwindSafe(|| all_targets(&copy))).is_err() {
                failures.push(format!(
                    "{}: bit {bit} of byte {byte} flipped",
                    name.display()
                ));
            }
            copy[byte] ^= 1 << bit;
        }
        if verbose {
            eprintln!(
                "{:>8.2}s {}",
                started.elapsed().as_secs_f64(),
                name.display()
            );
        }
    }
    let _ = std::panic::take_hook();
    println!(
        "no-panic: {} files, {truncations} truncations and {flipped} bit flips through 12 entry \
         points{}, {} panics",
        all.len(),
        if full { " (every bit)" } else { "" },
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
