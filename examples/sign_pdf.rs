//! Signs a PDF in an incremental update: PAdES B-B, B-T (`--tsa`), B-LT (`--lt`) and B-LTA
//! (`--lta`), visible or invisible, approval or certification, with the layouts of Decree
//! 30/2020/NĐ-CP Appendix I as presets.
//!
//! ```text
//! cargo run --example sign_pdf -- --key KEY --cert CERT [--chain CHAIN]... --in IN.pdf --out OUT.pdf
//!     [--field NAME] [--page N --rect X1,Y1,X2,Y2] [--image PNG] [--text LINE]...
//!     [--preset author|seal|attachment] [--certify 1|2|3] [--reason TEXT] [--location TEXT]
//!     [--time RFC3339] [--tsa URL] [--lt] [--lta] [--anchor ROOT]... [--crl CRL]...
//! ```
//!
//! - `--preset author`: the competent person's signature, the image (by default the bundled
//!   sample `test-vectors/pdf/images/author-signature.png`) in `--rect` on `--page`.
//! - `--preset seal`: the organisation's seal (by default `test-vectors/pdf/images/seal.png`)
//!   at its actual size over the left third of the signature already in the file (the last
//!   signed signature widget).
//! - `--preset attachment`: no image; the `--text` lines in 10 pt at the top right of page 1
//!   (by default the signing time in ISO 8601 with the Vietnam time zone).
//!
//! `--tsa`, `--lt` and `--lta` need the `http` feature: timestamps come from the TSA at `URL`,
//! and `--lt` fetches CRLs and OCSP responses from the URLs in the certificates (plus any
//! `--crl`) and validates against the `--anchor` roots before embedding them. Without any
//! `--tsa`, `--lt` or `--lta`, nothing leaves the machine.

use std::process::ExitCode;

#[path = "common/pdf_appearance.rs"]
mod pdf_appearance;

use kyso::pdf::{Certification, PdfDocument, PdfSigning};
use kyso::{Certificate, SoftwareSigner, Time};
use pdf_appearance::AppearanceArgs;

const USAGE: &str =
    "usage: sign_pdf --key KEY --cert CERT [--chain CHAIN]... --in IN.pdf --out OUT.pdf
    [--field NAME] [--page N --rect X1,Y1,X2,Y2] [--image PNG] [--text LINE]...
    [--preset author|seal|attachment] [--certify 1|2|3] [--reason TEXT] [--location TEXT]
    [--time RFC3339] [--tsa URL] [--lt] [--lta] [--anchor ROOT]... [--crl CRL]...";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sign_pdf: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

#[derive(Default)]
struct Args {
    key: Option<String>,
    cert: Option<String>,
    chain: Vec<String>,
    input: Option<String>,
    output: Option<String>,
    field: Option<String>,
    appearance: AppearanceArgs,
    certify: Option<u8>,
    reason: Option<String>,
    location: Option<String>,
    time: Option<Time>,
    tsa: Option<String>,
    lt: bool,
    lta: bool,
    anchors: Vec<String>,
    crls: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        if a.appearance.take(&arg, &mut value)? {
            continue;
        }
        match arg.as_str() {
            "--key" => a.key = Some(value()?),
            "--cert" => a.cert = Some(value()?),
            "--chain" => a.chain.push(value()?),
            "--in" => a.input = Some(value()?),
            "--out" => a.output = Some(value()?),
            "--field" => a.field = Some(value()?),
            "--certify" => {
                a.certify = Some(value()?.parse().map_err(|_| "--certify needs 1, 2 or 3")?);
            }
            "--reason" => a.reason = Some(value()?),
            "--location" => a.location = Some(value()?),
            "--time" => {
                let v = value()?;
                a.time = Some(Time::parse_rfc3339(&v).map_err(|e| format!("--time {v}: {e}"))?);
            }
            "--tsa" => a.tsa = Some(value()?),
            "--lt" => a.lt = true,
            "--lta" => a.lta = true,
            "--anchor" => a.anchors.push(value()?),
            "--crl" => a.crls.push(value()?),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}"))
}

fn run() -> Result<(), String> {
    let a = parse_args()?;
    let key_path = a.key.as_deref().ok_or("--key is required")?;
    let cert_path = a.cert.as_deref().ok_or("--cert is required")?;
    let input = a.input.as_deref().ok_or("--in is required")?;
    let output = a.output.as_deref().ok_or("--out is required")?;
    let key = SoftwareSigner::from_file(key_path, None).map_err(|e| format!("{key_path}: {e}"))?;
    let cert = Certificate::from_pem(&read(cert_path)?).map_err(|e| format!("{cert_path}: {e}"))?;
    let mut chain = Vec::new();
    for c in &a.chain {
        chain.extend(Certificate::from_file(c).map_err(|e| format!("{c}: {e}"))?);
    }
    let time = a.time.unwrap_or_else(Time::now);
    let original = read(input)?;
    let pdf = PdfDocument::from_bytes(&original).map_err(|e| format!("{input}: {e}"))?;

    let appearance = a.appearance.build(&pdf, time)?;
    let mut signing = PdfSigning::new(cert, time).chain(chain);
    if let Some(f) = &a.field {
        signing = signing.field(f.clone());
    }
    if let Some(r) = &a.reason {
        signing = signing.reason(r.clone());
    }
    if let Some(l) = &a.location {
        signing = signing.location(l.clone());
    }
    if let Some(p) = a.certify {
        let c = Certification::from_permission(p).ok_or("--certify needs 1, 2 or 3")?;
        signing = signing.certify(c);
    }
    if let Some(ap) = appearance {
        signing = signing.appearance(ap);
    }
    let signed = long_term::sign(&a, signing, &pdf, &key)?;
    std::fs::write(output, &signed).map_err(|e| format!("{output}: {e}"))?;
    println!("{output}: signed ({} bytes)", signed.len());
    Ok(())
}

#[cfg(not(feature = "http"))]
mod long_term {
    use super::Args;
    use kyso::SoftwareSigner;
    use kyso::pdf::{PdfDocument, PdfSigning};

    pub fn sign(
        a: &Args,
        signing: PdfSigning<'_>,
        pdf: &PdfDocument<'_>,
        key: &SoftwareSigner,
    ) -> Result<Vec<u8>, String> {
        if a.tsa.is_some() || a.lt || a.lta || !a.anchors.is_empty() || !a.crls.is_empty() {
            return Err("--tsa, --lt, --lta, --anchor and --crl need --features http".into());
        }
        let mut out = Vec::new();
        signing
            .sign(pdf, key, &mut out)
            .map_err(|e| e.to_string())?;
        Ok(out)
    }
}

#[cfg(feature = "http")]
mod long_term {
    use super::{Args, read};
    use kyso::cms::TimeStampStamper;
    use kyso::http::{HttpRevocationSource, HttpTimeStampSource};
    use kyso::pdf::{PdfDocument, PdfSigning};
    use kyso::revocation::Crl;
    use kyso::{
        CrlStore, Revocation, SoftwareSigner, TrustContext, TrustStore, ValidationPolicy, Verifier,
    };

    pub fn sign(
        a: &Args,
        signing: PdfSigning<'_>,
        pdf: &PdfDocument<'_>,
        key: &SoftwareSigner,
    ) -> Result<Vec<u8>, String> {
        let mut anchors = TrustStore::new();
        for f in &a.anchors {
            anchors.add_file(f).map_err(|e| format!("{f}: {e}"))?;
        }
        if (a.tsa.is_some() || a.lt) && anchors.is_empty() {
            return Err(
                "--tsa and --lt need --anchor (the roots the TSA and signer chain to)".into(),
            );
        }
        if (a.lt || a.lta) && a.tsa.is_none() {
            return Err("--lt and --lta need --tsa".into());
        }
        let tsa = a
            .tsa
            .as_deref()
            .map(HttpTimeStampSource::new)
            .transpose()
            .map_err(|e| e.to_string())?;
        let stamper = tsa.as_ref().map(|t| TimeStampStamper::new(t, &anchors));
        let signing = match &stamper {
            Some(s) => signing.timestamp(s),
            None => signing,
        };
        let mut out = Vec::new();
        signing
            .sign(pdf, key, &mut out)
            .map_err(|e| e.to_string())?;
        if a.lt || a.lta {
            let mut crls = CrlStore::new();
            for f in &a.crls {
                crls.add(Crl::from_der(&read(f)?).map_err(|e| format!("{f}: {e}"))?);
            }
            let online = HttpRevocationSource::new().map_err(|e| e.to_string())?;
            let sources = (&online, &crls);
            let context = TrustContext::new(&anchors, Revocation::Required(&sources));
            let verifier = Verifier::new(&context, ValidationPolicy::now());
            let mut lt = Vec::new();
            PdfDocument::from_bytes(&out)
                .map_err(|e| e.to_string())?
                .add_validation_data(&verifier, &mut lt)
                .map_err(|e| format!("--lt: {e}"))?;
            out = lt;
        }
        if a.lta {
            let Some(stamper) = &stamper else {
                return Err("--lta needs --tsa".into());
            };
            let mut lta = Vec::new();
            PdfDocument::from_bytes(&out)
                .map_err(|e| e.to_string())?
                .add_document_timestamp(stamper, &mut lta)
                .map_err(|e| format!("--lta: {e}"))?;
            out = lta;
        }
        Ok(out)
    }
}
