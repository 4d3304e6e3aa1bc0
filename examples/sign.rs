//! Signs a document as CAdES-B-B (CMS SignedData) with a key file and its certificate.
//!
//! ```text
//! cargo run --example sign -- --key KEY --cert CERT [--chain FILE]... --in DOCUMENT --out SIGNATURE
//!     [--add-to EXISTING_SIGNATURE] [--enveloping] [--pem]
//!     [--algorithm rsa-sha256|rsa-sha384|rsa-sha512|rsa-pss-sha256|rsa-pss-sha384|rsa-pss-sha512]
//!     [--commitment origin|approval|creation|receipt|sender|delivery]
//! ```
//!
//! An encrypted key's password is read from the environment variable `KYSO_KEY_PASSWORD`.

use std::process::ExitCode;

use kyso::key::SignatureAlgorithm;
use kyso::validate::CommitmentType;
use kyso::{Certificate, SignatureBuilder, SignedCms, SoftwareSigner, Time};

const USAGE: &str = "usage: sign --key KEY --cert CERT [--chain FILE]... --in DOCUMENT --out SIGNATURE
            [--add-to EXISTING_SIGNATURE] [--enveloping] [--pem]
            [--algorithm rsa-sha256|rsa-sha384|rsa-sha512|rsa-pss-sha256|rsa-pss-sha384|rsa-pss-sha512]
            [--commitment origin|approval|creation|receipt|sender|delivery]
The password of an encrypted key is read from KYSO_KEY_PASSWORD.";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sign: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let (mut key, mut cert, mut input, mut output, mut add_to) = (None, None, None, None, None);
    let (mut chain, mut enveloping, mut pem) = (Vec::new(), false, false);
    let (mut algorithm, mut commitment) = (None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--key" => key = Some(value()?),
            "--cert" => cert = Some(value()?),
            "--chain" => chain.push(value()?),
            "--in" => input = Some(value()?),
            "--out" => output = Some(value()?),
            "--add-to" => add_to = Some(value()?),
            "--enveloping" => enveloping = true,
            "--pem" => pem = true,
            "--algorithm" => {
                algorithm = Some(match value()?.as_str() {
                    "rsa-sha256" => SignatureAlgorithm::RsaPkcs1Sha256,
                    "rsa-sha384" => SignatureAlgorithm::RsaPkcs1Sha384,
                    "rsa-sha512" => SignatureAlgorithm::RsaPkcs1Sha512,
                    "rsa-pss-sha256" => SignatureAlgorithm::RsaPssSha256,
                    "rsa-pss-sha384" => SignatureAlgorithm::RsaPssSha384,
                    "rsa-pss-sha512" => SignatureAlgorithm::RsaPssSha512,
                    other => return Err(format!("unknown algorithm {other}")),
                })
            }
            "--commitment" => {
                commitment = Some(match value()?.as_str() {
                    "origin" => CommitmentType::ProofOfOrigin,
                    "approval" => CommitmentType::ProofOfApproval,
                    "creation" => CommitmentType::ProofOfCreation,
                    "receipt" => CommitmentType::ProofOfReceipt,
                    "sender" => CommitmentType::ProofOfSender,
                    "delivery" => CommitmentType::ProofOfDelivery,
                    other => return Err(format!("unknown commitment {other}")),
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
    let certificate = Certificate::from_file(&cert_path)
        .map_err(|e| format!("{cert_path}: {e}"))?
        .into_iter()
        .next()
        .ok_or(format!("{cert_path}: no certificate"))?;
    let who = certificate.identity().to_string();
    let mut builder = SignatureBuilder::new(certificate, Time::now());
    for f in &chain {
        builder = builder.chain(Certificate::from_file(f).map_err(|e| format!("{f}: {e}"))?);
    }
    if let Some(c) = commitment {
        builder = builder.commitment_type(c);
    }
    if enveloping {
        builder = builder.enveloping();
    }
    let document = std::fs::read(&input).map_err(|e| format!("{input}: {e}"))?;
    let signature = match add_to {
        None => builder.sign(&document, &signer),
        Some(existing) => {
            let bytes = std::fs::read(&existing).map_err(|e| format!("{existing}: {e}"))?;
            let existing_cms = SignedCms::parse(&bytes).map_err(|e| format!("{existing}: {e}"))?;
            builder.add_to(&existing_cms, Some(&document), &signer)
        }
    }
    .map_err(|e| e.to_string())?;
    let bytes = if pem {
        signature.to_pem().map_err(|e| e.to_string())?.into_bytes()
    } else {
        signature.to_der().map_err(|e| e.to_string())?
    };
    std::fs::write(&output, &bytes).map_err(|e| format!("{output}: {e}"))?;
    println!(
        "signed {input} as {who}: {output} ({} bytes, {} signer(s))",
        bytes.len(),
        signature.signer_count()
    );
    Ok(())
}
