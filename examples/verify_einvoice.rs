//! Validates a Vietnamese e-invoice (XML, `HDon`) under the `vn-einvoice` profile and prints
//! the report; exits 0 only when the seller's signature and every other one are
//! TOTAL-PASSED.
//!
//! ```text
//! cargo run --example verify_einvoice -- --invoice INVOICE.xml --anchor ROOT [--anchor ROOT]...
//!     [--cert EXTRA_CERT]... [--time YYYY-MM-DDTHH:MM:SSZ] [--at-signing-time]
//!     [--legacy-sha1] [--crl CRL]... [--json] [--signed-data OUT.xml]
//! ```
//!
//! `--legacy-sha1` accepts SHA-1 and RSA keys from 1024 bits, as invoices signed before 2021
//! need. `--signed-data` writes the canonical `DLHDon` the seller signed: what to read the
//! invoice's fields from.

use std::process::ExitCode;

use kyso::key::AlgorithmPolicy;
use kyso::revocation::Crl;
use kyso::xml::XmlDocument;
use kyso::xml::einvoice::EInvoiceReport;
use kyso::{
    Certificate, CrlStore, Revocation, Time, TrustContext, TrustStore, ValidationPolicy, Verifier,
};

const USAGE: &str = "usage: verify_einvoice --invoice INVOICE.xml --anchor ROOT [--anchor ROOT]...
              [--cert EXTRA_CERT]... [--time YYYY-MM-DDTHH:MM:SSZ] [--at-signing-time]
              [--legacy-sha1] [--crl CRL]... [--json] [--signed-data OUT.xml]
Exit status: 0 TOTAL-PASSED, 1 INDETERMINATE, TOTAL-FAILED or not an e-invoice, 2 bad arguments.";

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("verify_einvoice: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, String> {
    let (mut invoice, mut time, mut signed_data) = (None, None, None);
    let (mut anchors, mut extra) = (Vec::new(), Vec::new());
    let (mut at_signing_time, mut legacy, mut json) = (false, false, false);
    let mut crls = CrlStore::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--invoice" => invoice = Some(value()?),
            "--anchor" => anchors.push(value()?),
            "--cert" => extra.push(value()?),
            "--time" => {
                let t = value()?;
                time = Some(Time::parse_rfc3339(&t).map_err(|e| format!("--time {t}: {e}"))?);
            }
            "--at-signing-time" => at_signing_time = true,
            "--legacy-sha1" => legacy = true,
            "--json" => json = true,
            "--signed-data" => signed_data = Some(value()?),
            "--crl" => {
                let f = value()?;
                crls.add(Crl::from_file(&f).map_err(|e| format!("{f}: {e}"))?);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let path = invoice.ok_or("--invoice is required")?;
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
        policy = policy.algorithm_policy(
            AlgorithmPolicy::default()
                .allow_sha1_for_legacy_use_only()
                .require_min_rsa_bits(1024),
        );
    }
    let revocation = if crls.is_empty() {
        Revocation::NotChecked
    } else {
        Revocation::IfAvailable(&crls)
    };
    let context = TrustContext::new(&store, revocation).certificates(certs);
    let verifier = Verifier::new(&context, policy);
    let bytes = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
    let report = match XmlDocument::parse(&bytes) {
        Ok(doc) => verifier.verify_einvoice(&doc),
        Err(kyso::Error::Xml(e)) => EInvoiceReport::refused(e),
        Err(e) => return Err(format!("{path}: {e}")),
    };
    let text = if json {
        format!("{}\n", report.to_json())
    } else {
        report.to_string()
    };
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    }
    if let (Some(out), Some(data)) = (signed_data, &report.signed_invoice) {
        std::fs::write(&out, data).map_err(|e| format!("{out}: {e}"))?;
    }
    Ok(report.is_passed())
}
