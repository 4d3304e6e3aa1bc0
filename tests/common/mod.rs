//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use kyso::{Certificate, Time};

/// The fixed validation time of the test PKI (test-vectors/README.md).
pub fn validation_time() -> Time {
    Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap()
}

/// A test vector's path: under `$KYSO_VECTORS` when set (CI points it at a tree the
/// generators have just rebuilt, so the tests run on fresh bytes too), else the committed
/// `test-vectors/`.
pub fn vector_path(rel: &str) -> PathBuf {
    let root = std::env::var_os("KYSO_VECTORS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-vectors"),
        PathBuf::from,
    );
    root.join(rel)
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

/// Runs the OpenSSL CLI in `dir`; a failure fails the test with OpenSSL's message.
pub fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issues a P-256 certificate for `subject` from the test PKI's signing CA, with the
/// extension lines `extensions`, valid for 30 days from now. Writes `<name>.key` and
/// `<name>.pem` in `dir` and returns their paths.
pub fn issue_from_signing_ca(
    dir: &std::path::Path,
    name: &str,
    subject: &str,
    extensions: &str,
) -> (PathBuf, PathBuf) {
    let key = dir.join(format!("{name}.key"));
    let csr = dir.join(format!("{name}.csr"));
    let pem = dir.join(format!("{name}.pem"));
    let ext = dir.join(format!("{name}.cnf"));
    std::fs::write(&ext, format!("[e]\n{extensions}\n")).unwrap();
    let path = |p: &PathBuf| p.to_str().unwrap().to_owned();
    openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            &path(&key),
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            &path(&key),
            "-subj",
            subject,
            "-out",
            &path(&csr),
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &path(&csr),
            "-CA",
            &path(&vector_path("pki/intermediate-ca.pem")),
            "-CAkey",
            &path(&vector_path("keys/intermediate-ca.key.pem")),
            "-CAcreateserial",
            "-CAserial",
            "ca.srl",
            "-days",
            "30",
            "-extfile",
            &path(&ext),
            "-extensions",
            "e",
            "-out",
            &path(&pem),
        ],
    );
    (pem, key)
}

/// Splits a `multipart/signed` S/MIME message into the signed MIME part (canonicalised to
/// CRLF line ends, RFC 8551 section 3.1.1) and the base64 of the signature part.
pub fn split_smime(message: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let text = std::str::from_utf8(message).ok()?;
    let start = text.find("boundary=\"")? + "boundary=\"".len();
    let boundary = &text[start..start + text[start..].find('"')?];
    let delimiter = format!("--{boundary}");
    let mut parts = text.split(&delimiter).skip(1);
    let signed_part = parts.next()?;
    let signature_part = parts.next()?;
    // The signed part runs from after the delimiter's line end to before the next
    // delimiter's preceding line end.
    let body = signed_part
        .strip_prefix("\r\n")
        .or_else(|| signed_part.strip_prefix('\n'))?;
    let body = body
        .strip_suffix("\r\n")
        .or_else(|| body.strip_suffix('\n'))?;
    let canonical = body
        .replace("\r\n", "\n")
        .replace('\n', "\r\n")
        .into_bytes();
    let b64_start = signature_part
        .find("\n\n")
        .or_else(|| signature_part.find("\r\n\r\n"))?;
    let b64 = signature_part[b64_start..].trim().as_bytes().to_vec();
    Some((canonical, b64))
}

/// Every file under `dir`, recursively.
pub fn files(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Prints a conformance tally, and appends it to the file `$KYSO_TALLY_FILE` names, if any,
/// so that CI shows the counts of the one test run without running the suites again.
pub fn tally(line: &str) {
    println!("{line}");
    if let Some(path) = std::env::var_os("KYSO_TALLY_FILE") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{line}");
        }
    }
}

/// (current resident size, peak resident size) in KiB, from /proc/self/status.
pub fn rss() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
