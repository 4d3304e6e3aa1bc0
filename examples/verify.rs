//! Validates a CMS / CAdES signature, or every signature of a PDF, and prints the report;
//! exits 0 only when everything is TOTAL-PASSED.
//!
//! ```text
//! cargo run --example verify -- --sig SIGNATURE --anchor ROOT [--anchor ROOT]... [--content DOCUMENT]
//!     [--cert EXTRA_CERT]... [--time YYYY-MM-DDTHH:MM:SSZ] [--at-signing-time] [--legacy-sha1]
//!     [--require-cades] [--require-timestamp] [--json]
//!     [--revocation none|if-available|required] [--crl CRL]... [--ocsp OCSP_RESPONSE]... [--online]
//! ```
//!
//! A `--sig` file that starts with `%PDF-` is read as a signed PDF (PAdES): one line per
//! signature (`Signature N (field): INDICATION[ / SUB-INDICATION]`), then the details;
//! `--content` does not apply.
//!
//! Revocation data in the signature (CAdES-B-LT) is always used; `--online` (feature `http`)
//! also fetches CRLs and OCSP responses from the URLs in the certificates.

use std::process::ExitCode;

use kyso::key::AlgorithmPolicy;
use kyso::revocation::RevocationPolicy;
use kyso::revocation::{Crl, OcspResponse};
use kyso::{
    Certificate, CrlStore, Revocation, RevocationSource, Time, TrustContext, TrustStore,
    ValidationPolicy, Verifier,
};

const USAGE: &str =
    "usage: verify --sig SIGNATURE --anchor ROOT [--anchor ROOT]... [--content DOCUMENT]
              [--cert EXTRA_CERT]... [--time YYYY-MM-DDTHH:MM:SSZ] [--at-signing-time]
              [--legacy-sha1] [--require-cades] [--require-timestamp] [--json]
              [--revocation none|if-available|required] [--crl CRL]... [--ocsp OCSP_RESPONSE]...
              [--online]   (fetch CRLs and OCSP responses; needs the `http` feature)
Exit status: 0 TOTAL-PASSED, 1 INDETERMINATE or TOTAL-FAILED, 2 bad arguments.";

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("verify: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, String> {
    let (mut sig, mut content, mut time) = (None, None, None);
    let (mut anchors, mut extra) = (Vec::new(), Vec::new());
    let (mut at_signing_time, mut legacy, mut cades, mut json) = (false, false, false, false);
    let (mut require_timestamp, mut online) = (false, false);
    let mut revocation = RevocationPolicy::NoCheck;
    let mut local = CrlStore::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--sig" => sig = Some(value()?),
            "--anchor" => anchors.push(value()?),
            "--content" => content = Some(value()?),
            "--cert" => extra.push(value()?),
            "--time" => {
                let t = value()?;
                time = Some(Time::parse_rfc3339(&t).map_err(|e| format!("--time {t}: {e}"))?);
            }
            "--at-signing-time" => at_signing_time = true,
            "--legacy-sha1" => legacy = true,
            "--require-cades" => cades = true,
            "--json" => json = true,
            "--require-timestamp" => require_timestamp = true,
            "--online" => online = true,
            "--revocation" => {
                revocation = match value()?.as_str() {
                    "none" => RevocationPolicy::NoCheck,
                    "if-available" => RevocationPolicy::IfAvailable,
                    "required" => RevocationPolicy::Required,
                    other => return Err(format!("unknown revocation policy {other}")),
                }
            }
            "--crl" => {
                let f = value()?;
                local.add(Crl::from_file(&f).map_err(|e| format!("{f}: {e}"))?);
            }
            "--ocsp" => {
                let f = value()?;
                let bytes = std::fs::read(&f).map_err(|e| format!("{f}: {e}"))?;
                local.add_ocsp(OcspResponse::from_der(&bytes).map_err(|e| format!("{f}: {e}"))?);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let sig = sig.ok_or("--sig is required")?;
    if anchors.is_empty() {
        return Err("at least one --anchor is required".into());
    }
    let mut store = TrustStore::new();
    for a in &anchors {
        store.add_file(a).map_err(|e| format!("{a}: {e}"))?;
    }
    let mut certs = Vec::new();
    for c in &extra {
        certs.extend(Certificate::from_file(c).map_err(|e| format!("{c}: {e}"))?);
    }
    let time = time.unwrap_or_else(Time::now);
    let mut policy = ValidationPolicy::at(time);
    if at_signing_time {
        policy = policy.at_claimed_signing_time(time);
    }
    if legacy {
        policy =
            policy.algorithm_policy(AlgorithmPolicy::default().allow_sha1_for_legacy_use_only());
    }
    if cades {
        policy = policy.require_signing_certificate_attribute();
    }
    if require_timestamp {
        policy = policy.require_signature_timestamp();
    }
    let network = network_source(online)?;
    let sources = (&local, network.as_deref());
    let revocation = match revocation {
        RevocationPolicy::Required => Revocation::Required(&sources),
        RevocationPolicy::IfAvailable => Revocation::IfAvailable(&sources),
        _ => Revocation::NotChecked,
    };
    let context = TrustContext::new(&store, revocation).certificates(certs);
    let verifier = Verifier::new(&context, policy);
    let mut head = [0u8; 5];
    let mut file = std::fs::File::open(&sig).map_err(|e| format!("{sig}: {e}"))?;
    let is_pdf = std::io::Read::read_exact(&mut file, &mut head).is_ok()
        && kyso::pdf::PdfDocument::looks_like_pdf(&head);
    if is_pdf {
        if content.is_some() {
            return Err("--content does not apply to a PDF".into());
        }
        let report = match kyso::pdf::PdfDocument::from_reader(file) {
            Ok(pdf) => verifier.verify_pdf(&pdf),
            Err(kyso::Error::Pdf(e)) => kyso::pdf::PdfReport::refused(&e),
            Err(e) => return Err(format!("{sig}: {e}")),
        };
        emit(&if json {
            format!("{}\n", report.to_json())
        } else {
            report.to_string()
        });
        return Ok(report.is_passed());
    }
    let signature = std::fs::read(&sig).map_err(|e| format!("{sig}: {e}"))?;
    let document = match &content {
        Some(c) => Some(std::fs::read(c).map_err(|e| format!("{c}: {e}"))?),
        None => None,
    };
    let report = verifier.verify_encoded(&signature, document.as_deref());
    emit(&if json {
        format!("{}\n", report.to_json())
    } else {
        report.to_string()
    });
    Ok(report.is_passed())
}

/// Writes the report to standard output; a reader that stops early (`| head`) is not an
/// error of the verification.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// The network source when `--online` was asked for.
fn network_source(online: bool) -> Result<Option<Box<dyn RevocationSource>>, String> {
    if !online {
        return Ok(None);
    }
    #[cfg(feature = "http")]
    {
        let http = kyso::http::HttpRevocationSource::new().map_err(|e| e.to_string())?;
        Ok(Some(Box::new(http)))
    }
    #[cfg(not(feature = "http"))]
    Err("--online needs the `http` feature: cargo run --features http --example verify".into())
}
