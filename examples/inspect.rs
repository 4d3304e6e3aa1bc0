//! Prints who a certificate names and the chain it validates to, or exactly why it does not.
//!
//! ```text
//! cargo run --example inspect -- CERT [INTERMEDIATE...] [--anchor FILE]... [--time RFC3339]
//!                                [--purpose document-signing|client-auth|timestamping|any]
//! ```
//!
//! Files may be PEM (bundles too) or DER. The first certificate of the first file is the one
//! inspected; every other certificate given is a candidate intermediate. Without `--anchor`
//! the bundled test root (`test-vectors/pki/root-ca.pem`) is used; without `--time`, the
//! current time. Exit status: 0 valid, 1 not valid, 2 bad arguments or unreadable input.

use std::process::ExitCode;

use kyso::cert::{KeyUsage, VnIdentifier};
use kyso::{Certificate, KeyPurpose, PathValidator, Time, TrustStore};

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("inspect: {message}");
            eprintln!(
                "usage: inspect CERT [INTERMEDIATE...] [--anchor FILE]... [--time YYYY-MM-DDTHH:MM:SSZ] [--purpose document-signing|client-auth|timestamping|any]"
            );
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, String> {
    let mut files = Vec::new();
    let mut anchor_files = Vec::new();
    let mut time = None;
    let mut purpose = KeyPurpose::DocumentSigning;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--anchor" => anchor_files.push(args.next().ok_or("--anchor needs a file")?),
            "--time" => {
                let t = args.next().ok_or("--time needs a value")?;
                time = Some(Time::parse_rfc3339(&t).map_err(|e| format!("--time {t}: {e}"))?);
            }
            "--purpose" => {
                purpose = match args.next().as_deref() {
                    Some("document-signing") => KeyPurpose::DocumentSigning,
                    Some("client-auth") => KeyPurpose::ClientAuthentication,
                    Some("timestamping") => KeyPurpose::TimeStamping,
                    Some("any") => KeyPurpose::Any,
                    other => return Err(format!("unknown purpose {other:?}")),
                }
            }
            "-h" | "--help" => return Err("help".into()),
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        return Err("no certificate given".into());
    }
    if anchor_files.is_empty() {
        anchor_files
            .push(concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors/pki/root-ca.pem").into());
    }

    let mut certs = Vec::new();
    for f in &files {
        certs.extend(Certificate::from_file(f).map_err(|e| format!("{f}: {e}"))?);
    }
    let mut anchors = TrustStore::new();
    for f in &anchor_files {
        anchors.add_file(f).map_err(|e| format!("{f}: {e}"))?;
    }
    let (leaf, intermediates) = certs.split_first().ok_or("no certificate in the input")?;

    print_certificate(&files[0], leaf);

    let (time, time_source) = match time {
        Some(t) => (t, "given"),
        None => (Time::now(), "now"),
    };
    println!();
    println!(
        "Validation at {time} ({time_source}) for {purpose}, {} anchor(s):",
        anchors.len()
    );
    match PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        time,
    )
    .purpose(purpose)
    .validate(leaf, intermediates)
    {
        Ok(path) => {
            println!("  VALID");
            for (i, c) in path.chain().iter().enumerate() {
                println!("  [{i}] {}", c.subject());
            }
            println!("  [anchor] {}", path.anchor().subject());
            Ok(true)
        }
        Err(e) => {
            println!("  NOT VALID: {e}");
            Ok(false)
        }
    }
}

fn print_certificate(file: &str, c: &Certificate) {
    let id = c.identity();
    println!("Certificate {file}");
    println!("  Name:       {}", id.common_name.as_deref().unwrap_or("-"));
    if let Some(o) = &id.organization {
        println!("  Organisation: {o}");
    }
    for ident in &id.identifiers {
        let (label, value) = match ident {
            VnIdentifier::Cccd(v) => ("CCCD", v.clone()),
            VnIdentifier::Cmnd(v) => ("CMND", v.clone()),
            VnIdentifier::Passport(v) => ("Passport", v.clone()),
            VnIdentifier::TaxCode { code, branch } => (
                "Tax code (MST)",
                match branch {
                    Some(b) => format!("{code}-{b}"),
                    None => code.clone(),
                },
            ),
            VnIdentifier::BudgetUnit(v) => ("Budget unit (MNS)", v.clone()),
            VnIdentifier::Unrecognized(v) => ("Identifier", v.clone()),
            _ => ("Identifier", ident.to_string()),
        };
        println!("  {label}: {value}");
    }
    let place: Vec<&str> = [&id.locality, &id.state, &id.country]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    if !place.is_empty() {
        println!("  Place:      {}", place.join(", "));
    }
    println!("  Subject:    {}", c.subject());
    println!("  Issuer:     {}", c.issuer());
    println!("  Serial:     {}", c.serial_hex());
    println!("  Valid:      {} to {}", c.not_before(), c.not_after());
    match c.public_key() {
        Ok(k) => match k.rsa_bits() {
            Some(bits) => println!("  Key:        RSA-{bits}"),
            None => println!("  Key:        {}", k.key_type()),
        },
        Err(e) => println!("  Key:        {e}"),
    }
    if let Some(ku) = c.key_usage() {
        let names = [
            (KeyUsage::DIGITAL_SIGNATURE, "digitalSignature"),
            (KeyUsage::NON_REPUDIATION, "nonRepudiation"),
            (KeyUsage::KEY_ENCIPHERMENT, "keyEncipherment"),
            (KeyUsage::DATA_ENCIPHERMENT, "dataEncipherment"),
            (KeyUsage::KEY_AGREEMENT, "keyAgreement"),
            (KeyUsage::KEY_CERT_SIGN, "keyCertSign"),
            (KeyUsage::CRL_SIGN, "cRLSign"),
        ];
        let set: Vec<&str> = names
            .iter()
            .filter(|(bit, _)| ku.contains(*bit))
            .map(|(_, n)| *n)
            .collect();
        println!("  Key usage:  {}", set.join(", "));
    }
    for url in c.crl_distribution_points() {
        println!("  CRL:        {url}");
    }
    for url in c.ocsp_urls() {
        println!("  OCSP:       {url}");
    }
}
