//! Validates a CMS / CAdES signature and prints the report; exits 0 only on TOTAL-PASSED.
//!
//! ```text
//! cargo run --example verify -- --sig SIGNATURE --anchor ROOT [--anchor ROOT]... [--content DOCUMENT]
//!     [--cert EXTRA_CERT]... [--time YYYY-MM-DDTHH:MM:SSZ] [--at-signing-time] [--legacy-sha1]
//!     [--require-cades] [--json]
//! ```

use std::process::ExitCode;

use kyso::{AlgorithmPolicy, Certificate, Time, TrustStore, ValidationPolicy, Verifier};

const USAGE: &str =
    "usage: verify --sig SIGNATURE --anchor ROOT [--anchor ROOT]... [--content DOCUMENT]
              [--cert EXTRA_CERT]... [--time YYYY-MM-DDTHH:MM:SSZ] [--at-signing-time]
              [--legacy-sha1] [--require-cades] [--json]
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
            policy.with_algorithms(AlgorithmPolicy::default().allow_sha1_for_legacy_use_only());
    }
    if cades {
        policy = policy.require_signing_certificate_attribute();
    }
    let signature = std::fs::read(&sig).map_err(|e| format!("{sig}: {e}"))?;
    let document = match &content {
        Some(c) => Some(std::fs::read(c).map_err(|e| format!("{c}: {e}"))?),
        None => None,
    };
    let report = Verifier::new(&store, policy)
        .with_certificates(certs)
        .verify_encoded(&signature, document.as_deref());
    if json {
        println!("{}", report.to_json());
    } else {
        print!("{report}");
    }
    Ok(report.is_passed())
}
