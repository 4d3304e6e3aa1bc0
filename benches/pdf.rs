//! Validating a 10 MiB PDF with two signatures (the author's, then the seal, each an
//! incremental update), in one run:
//!
//! - kyso: `PdfDocument::from_bytes` and `Verifier::verify_pdf` (the reader, both
//!   signatures through the pipeline, the analysis of what changed after the first);
//! - the floor: SHA-256 of each signature's byte ranges plus the same two CMS validations
//!   from those digests (what any validator must do, without reading the PDF);
//! - pyHanko: `pyhanko sign validate --trust ROOT --no-revocation-check FILE`, as a process
//!   (wall time, interpreter start included), when `KYSO_PYHANKO` names the executable or
//!   `pyhanko` is on the PATH.
//!
//! Then signing a 10 MiB PDF (RSA-2048, invisible, PAdES B-B), in one run:
//!
//! - kyso: `PdfDocument::from_bytes` and `PdfSigning::sign` into a buffer (the file read,
//!   the update built, the byte ranges hashed, one signature, the file and the update
//!   written out);
//! - the floor: SHA-256 of the file plus one RSA-2048 signature;
//! - pyHanko: `pyhanko sign addsig pemder` on the same file, as a process.
//!
//! The ratios are printed at the end. `cargo bench --bench pdf`; `KYSO_BENCH_QUICK=1` for a
//! short run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

#[path = "../tests/common/pdf_writer.rs"]
mod pdf_writer;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use kyso::digest::{DigestAlgorithm, Hasher};
use kyso::pdf::{PdfDocument, PdfSigning};
use kyso::{
    Certificate, Revocation, SignedCms, SoftwareSigner, Time, TrustContext, TrustStore,
    ValidationPolicy, Verifier,
};
use pdf_writer::VirtualPdf;

const SIZE: u64 = 10 * 1024 * 1024;

fn path(rel: &str) -> String {
    format!("{}/test-vectors/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn cert(rel: &str) -> Certificate {
    Certificate::from_file(path(rel)).unwrap().remove(0)
}

/// The two signatures' CMS and byte ranges, read the plain way (for the floor).
fn signatures(bytes: &[u8]) -> Vec<(SignedCms, [usize; 4])> {
    let text = bytes;
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(p) = find(&text[at..], b"/ByteRange [") {
        let start = at + p + 12;
        let end = start + find(&text[start..], b"]").unwrap();
        let nums: Vec<usize> = std::str::from_utf8(&text[start..end])
            .unwrap()
            .split_whitespace()
            .map(|n| n.parse().unwrap())
            .collect();
        let br = [nums[0], nums[1], nums[2], nums[3]];
        let hex = &text[br[1] + 1..br[2] - 1];
        let der: Vec<u8> = hex
            .chunks(2)
            .map(|c| u8::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
            .collect();
        let cms = SignedCms::parse(&der).unwrap();
        out.push((cms, br));
        at = end;
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn bench(c: &mut Criterion) {
    let time = Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap();
    let chain = [cert("pki/intermediate-ca.pem")];
    let author = SoftwareSigner::from_file(path("keys/ee-rsa2048.key.pem"), None).unwrap();
    let seal = SoftwareSigner::from_file(path("keys/ee-ecdsa-p256.key.pem"), None).unwrap();
    let mut pdf = VirtualPdf::new(SIZE);
    pdf.sign(
        "NguoiKy",
        &cert("pki/ee-rsa2048.pem"),
        &chain,
        &author,
        time,
    );
    pdf.sign(
        "DauCoQuan",
        &cert("pki/ee-ecdsa-p256.pem"),
        &chain,
        &seal,
        time,
    );
    let bytes = pdf.to_vec();
    let anchors = TrustStore::from_pem(&std::fs::read(path("pki/root-ca.pem")).unwrap()).unwrap();
    let context = TrustContext::new(&anchors, Revocation::NotChecked);
    let verifier = Verifier::new(&context, ValidationPolicy::at(time));
    let kyso = || {
        let doc = PdfDocument::from_bytes(black_box(&bytes)).unwrap();
        let report = verifier.verify_pdf(&doc);
        assert!(report.is_passed(), "{report}");
        report
    };
    let sigs = signatures(&bytes);
    assert_eq!(sigs.len(), 2);
    let floor = || {
        for (cms, br) in &sigs {
            let mut h = Hasher::new(DigestAlgorithm::Sha256);
            h.update(&bytes[..br[1]]);
            h.update(&bytes[br[2]..br[2] + br[3]]);
            let report = verifier.verify_digests(cms, vec![h.finish()]);
            assert!(report.is_passed(), "{report}");
        }
    };

    let mut group = c.benchmark_group("pdf/10MiB-two-signatures");
    group.sample_size(20);
    group.bench_function("kyso", |b| b.iter(kyso));
    group.bench_function("floor", |b| b.iter(floor));
    group.finish();

    // The ratios, from timings taken here in the same run.
    let runs = if std::env::var("KYSO_BENCH_QUICK").is_ok() {
        5
    } else {
        21
    };
    let time_it = |f: &dyn Fn()| {
        median(
            (0..runs)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .collect(),
        )
    };
    let k = time_it(&|| {
        let _ = kyso();
    });
    let f = time_it(&floor);
    println!("\n==== PDF validation, 10 MiB, two signatures (median of {runs}) ====");
    println!("kyso    {:>9.2} ms", k.as_secs_f64() * 1e3);
    println!(
        "floor   {:>9.2} ms   kyso / floor = {:.2}",
        f.as_secs_f64() * 1e3,
        k.as_secs_f64() / f.as_secs_f64()
    );
    let exe = std::env::var("KYSO_PYHANKO").unwrap_or_else(|_| "pyhanko".into());
    let dir = std::env::temp_dir().join(format!("kyso-bench-pdf-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("two-signatures.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let run = || {
        std::process::Command::new(&exe)
            .args(["sign", "validate", "--trust", &path("pki/root-ca.pem")])
            .args([
                "--no-revocation-check",
                "--validation-time",
                "2026-06-01T00:00:00+00:00",
            ])
            .arg(&file)
            .output()
    };
    match run() {
        Ok(out) => {
            let p = median(
                (0..runs.min(5))
                    .map(|_| {
                        let t = Instant::now();
                        let _ = run();
                        t.elapsed()
                    })
                    .collect(),
            );
            let said = String::from_utf8_lossy(&out.stdout);
            let verdict = if out.status.success() {
                "both signatures valid".to_string()
            } else {
                format!(
                    "exit {}: {}",
                    out.status,
                    said.lines().take(3).collect::<Vec<_>>().join(" | ")
                )
            };
            println!(
                "pyHanko {:>9.2} ms   pyHanko / kyso = {:.1} (a process each, interpreter start included; {verdict})",
                p.as_secs_f64() * 1e3,
                p.as_secs_f64() / k.as_secs_f64()
            );
        }
        Err(e) => println!("pyHanko: not run ({exe}: {e}); set KYSO_PYHANKO to its executable"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn bench_signing(c: &mut Criterion) {
    let time = Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap();
    let chain = [cert("pki/intermediate-ca.pem")];
    let key = SoftwareSigner::from_file(path("keys/ee-rsa2048.key.pem"), None).unwrap();
    let bytes = VirtualPdf::new(SIZE).to_vec();
    let signing = PdfSigning::new(cert("pki/ee-rsa2048.pem"), time).chain(chain);
    let kyso = || {
        let doc = PdfDocument::from_bytes(black_box(&bytes)).unwrap();
        let mut out = Vec::with_capacity(bytes.len() + 64 * 1024);
        signing.sign(&doc, &key, &mut out).unwrap();
        out
    };
    let signed = kyso();
    let anchors = TrustStore::from_pem(&std::fs::read(path("pki/root-ca.pem")).unwrap()).unwrap();
    let context = TrustContext::new(&anchors, Revocation::NotChecked);
    let report = Verifier::new(&context, ValidationPolicy::at(time))
        .verify_pdf(&PdfDocument::from_bytes(&signed).unwrap());
    assert!(report.is_passed(), "{report}");
    let floor = || {
        let mut h = Hasher::new(DigestAlgorithm::Sha256);
        h.update(black_box(&bytes));
        let d = h.finish();
        kyso::Signer::sign(&key, d.as_bytes()).unwrap()
    };

    let mut group = c.benchmark_group("pdf/10MiB-sign");
    group.sample_size(20);
    group.bench_function("kyso", |b| b.iter(kyso));
    group.bench_function("floor", |b| b.iter(floor));
    group.finish();

    let runs = if std::env::var("KYSO_BENCH_QUICK").is_ok() {
        5
    } else {
        21
    };
    let time_it = |f: &dyn Fn()| {
        median(
            (0..runs)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed()
                })
                .collect(),
        )
    };
    let k = time_it(&|| {
        let _ = kyso();
    });
    let f = time_it(&|| {
        let _ = floor();
    });
    println!("\n==== PDF signing, 10 MiB, RSA-2048 (median of {runs}) ====");
    println!("kyso    {:>9.2} ms", k.as_secs_f64() * 1e3);
    println!(
        "floor   {:>9.2} ms   kyso / floor = {:.2}",
        f.as_secs_f64() * 1e3,
        k.as_secs_f64() / f.as_secs_f64()
    );
    let exe = std::env::var("KYSO_PYHANKO").unwrap_or_else(|_| "pyhanko".into());
    let dir = std::env::temp_dir().join(format!("kyso-bench-pdf-sign-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let input = dir.join("unsigned.pdf");
    let output = dir.join("signed.pdf");
    std::fs::write(&input, &bytes).unwrap();
    let run = || {
        std::process::Command::new(&exe)
            .args(["sign", "addsig", "--field", "Signature1", "pemder"])
            .args(["--key", &path("keys/ee-rsa2048.key.pem")])
            .args(["--cert", &path("pki/ee-rsa2048.pem")])
            .args(["--chain", &path("pki/intermediate-ca.pem"), "--no-pass"])
            .arg(&input)
            .arg(&output)
            .output()
    };
    match run() {
        Ok(out) if out.status.success() => {
            let p = median(
                (0..runs.min(5))
                    .map(|_| {
                        let t = Instant::now();
                        let _ = run();
                        t.elapsed()
                    })
                    .collect(),
            );
            println!(
                "pyHanko {:>9.2} ms   pyHanko / kyso = {:.1} (a process each, interpreter start included)",
                p.as_secs_f64() * 1e3,
                p.as_secs_f64() / k.as_secs_f64()
            );
        }
        Ok(out) => println!(
            "pyHanko: failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .take(3)
                .collect::<Vec<_>>()
                .join(" | ")
        ),
        Err(e) => println!("pyHanko: not run ({exe}: {e}); set KYSO_PYHANKO to its executable"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench, bench_signing);
criterion_main!(benches);
