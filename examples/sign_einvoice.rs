//! Signs a Vietnamese e-invoice (XML, `HDon`) as its seller: the XML signature goes into
//! `HDon/DSCKS/NBan`, over `DLHDon` and a SigningTime object, as the `vn-einvoice` profile
//! reads it and as xmlsec1 verifies it.
//!
//! ```text
//! cargo run --example sign_einvoice -- --key KEY --cert CERT --in INVOICE.xml --out SIGNED.xml
//!     [--time YYYY-MM-DDTHH:MM:SSZ] [--algorithm rsa-sha256|rsa-sha384|rsa-sha512|rsa-sha1]
//! ```
//!
//! An encrypted key's password is read from the environment variable `KYSO_KEY_PASSWORD`.
//! `rsa-sha1` (with SHA-1 digests) is for invoicing systems that check nothing newer.

use std::process::ExitCode;

use kyso::key::SignatureAlgorithm;
use kyso::xml::einvoice::InvoiceSigning;
use kyso::{Certificate, SoftwareSigner, Time};

const USAGE: &str = "usage: sign_einvoice --key KEY --cert CERT --in INVOICE.xml --out SIGNED.xml
            [--time YYYY-MM-DDTHH:MM:SSZ] [--algorithm rsa-sha256|rsa-sha384|rsa-sha512|rsa-sha1]
The password of an encrypted key is read from KYSO_KEY_PASSWORD.";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sign_einvoice: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let (mut key, mut cert, mut input, mut output) = (None, None, None, None);
    let (mut time, mut algorithm) = (None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--key" => key = Some(value()?),
            "--cert" => cert = Some(value()?),
            "--in" => input = Some(value()?),
            "--out" => output = Some(value()?),
            "--time" => {
                let t = value()?;
                time = Some(Time::parse_rfc3339(&t).map_err(|e| format!("--time {t}: {e}"))?);
            }
            "--algorithm" => {
                algorithm = Some(match value()?.as_str() {
                    "rsa-sha256" => SignatureAlgorithm::RsaPkcs1Sha256,
                    "rsa-sha384" => SignatureAlgorithm::RsaPkcs1Sha384,
                    "rsa-sha512" => SignatureAlgorithm::RsaPkcs1Sha512,
                    "rsa-sha1" => SignatureAlgorithm::RsaPkcs1Sha1ForLegacyUseOnly,
                    other => return Err(format!("unknown algorithm {other}")),
                })
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let key_path = key.ok_or("--key is required")?;
    let cert_path = cert.ok_or("--cert is required")?;
    let input = input.ok_or("--in is required")?;
    let output = output.ok_or("--out is required")?;
    let password = std::env::var("KYSO_KEY_PASSWORD").ok();
    let mut signer = SoftwareSigner::from_file(&key_path, password.as_deref().map(str::as_bytes))
        .map_err(|e| format!("{key_path}: {e}"))?;
    if let Some(a) = algorithm {
        signer = signer.with_algorithm(a).map_err(|e| e.to_string())?;
    }
    let certificate =
        Certificate::from_file(&cert_path).map_err(|e| format!("{cert_path}: {e}"))?;
    let certificate = certificate
        .into_iter()
        .next()
        .ok_or(format!("{cert_path}: no certificate"))?;
    let mut signing = InvoiceSigning::new(certificate, time.unwrap_or_else(Time::now));
    if algorithm == Some(SignatureAlgorithm::RsaPkcs1Sha1ForLegacyUseOnly) {
        signing = signing.allow_sha1_for_legacy_use_only();
    }
    let invoice = std::fs::read(&input).map_err(|e| format!("{input}: {e}"))?;
    let signed = signing
        .sign(&invoice, &signer)
        .map_err(|e| format!("{input}: {e}"))?;
    std::fs::write(&output, signed).map_err(|e| format!("{output}: {e}"))?;
    println!("{output}: signed as the seller");
    Ok(())
}
