//! Extends a CAdES signature: to B-T with a signature timestamp from a TSA, and to B-LT with
//! the certificates, CRLs and OCSP responses that validate it, fetched from the URLs in the
//! certificates (feature `http`).
//!
//! ```text
//! cargo run --features http --example extend -- --sig IN --out OUT --anchor ROOT [--anchor ROOT]...
//!     [--tsa URL] [--tsa-anchor ROOT]... [--lt] [--content DOCUMENT] [--crl CRL]... [--pem]
//! ```
//!
//! `--tsa` adds a signature timestamp to every signer that has none (the TSA must chain to
//! a `--tsa-anchor`, by default to an `--anchor`). `--lt` then validates everything now,
//! revocation required (from the network and any `--crl` given), and embeds what proved it,
//! so that the signature can later be validated offline.

use std::process::ExitCode;

use kyso::cms::TimeStampStamper;
use kyso::http::{HttpRevocationSource, HttpTimeStampSource};
use kyso::revocation::Crl;
use kyso::{CrlStore, SignedCms, TrustStore, ValidationPolicy, Verifier};

const USAGE: &str = "usage: extend --sig IN --out OUT --anchor ROOT [--anchor ROOT]...
              [--tsa URL] [--tsa-anchor ROOT]... [--lt] [--content DOCUMENT] [--crl CRL]... [--pem]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("extend: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let (mut sig, mut out, mut tsa, mut content) = (None, None, None, None);
    let (mut anchors, mut tsa_anchors) = (TrustStore::new(), TrustStore::new());
    let (mut lt, mut pem) = (false, false);
    let mut crls = CrlStore::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--sig" => sig = Some(value()?),
            "--out" => out = Some(value()?),
            "--tsa" => tsa = Some(value()?),
            "--content" => content = Some(value()?),
            "--anchor" => {
                let f = value()?;
                anchors.add_file(&f).map_err(|e| format!("{f}: {e}"))?;
            }
            "--tsa-anchor" => {
                let f = value()?;
                tsa_anchors.add_file(&f).map_err(|e| format!("{f}: {e}"))?;
            }
            "--crl" => {
                let f = value()?;
                crls.add(Crl::from_file(&f).map_err(|e| format!("{f}: {e}"))?);
            }
            "--lt" => lt = true,
            "--pem" => pem = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let sig = sig.ok_or("--sig is required")?;
    let out = out.ok_or("--out is required")?;
    if anchors.is_empty() {
        return Err("at least one --anchor is required".into());
    }
    if tsa.is_none() && !lt {
        return Err("nothing to do: give --tsa, --lt or both".into());
    }
    let tsa_anchors = if tsa_anchors.is_empty() {
        &anchors
    } else {
        &tsa_anchors
    };
    let bytes = std::fs::read(&sig).map_err(|e| format!("{sig}: {e}"))?;
    let mut cms = SignedCms::parse(&bytes).map_err(|e| format!("{sig}: {e}"))?;
    if let Some(url) = &tsa {
        let source = HttpTimeStampSource::new(url.as_str()).map_err(|e| e.to_string())?;
        let stamper = TimeStampStamper::new(&source, tsa_anchors);
        cms = cms
            .add_signature_timestamps(&stamper)
            .map_err(|e| format!("timestamp from {url}: {e}"))?;
        println!("signature timestamp added by {url}");
    }
    if lt {
        let document = match &content {
            Some(c) => Some(std::fs::read(c).map_err(|e| format!("{c}: {e}"))?),
            None => None,
        };
        let online = HttpRevocationSource::new().map_err(|e| e.to_string())?;
        let sources = (&online, &crls);
        let verifier = Verifier::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&sources))
                .timestamp_anchors(tsa_anchors),
            ValidationPolicy::now(),
        );
        cms = cms
            .add_validation_data(&verifier, document.as_deref())
            .map_err(|e| format!("validation data: {e}"))?;
        println!(
            "validation data embedded: {} certificates, {} CRLs, {} OCSP responses",
            cms.certificates().len(),
            cms.crls().crls().len(),
            cms.crls().ocsp_responses().len()
        );
    }
    let encoded = if pem {
        cms.to_pem().map_err(|e| e.to_string())?.into_bytes()
    } else {
        cms.to_der().map_err(|e| e.to_string())?
    };
    std::fs::write(&out, encoded).map_err(|e| format!("{out}: {e}"))?;
    println!("written to {out}");
    Ok(())
}
