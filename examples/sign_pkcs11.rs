//! Signs a document with a key on a PKCS#11 token (USB token, HSM), then verifies the
//! signature and prints the report. Needs the `pkcs11` feature.
//!
//! ```text
//! cargo run --features pkcs11 --example sign_pkcs11 -- --module /usr/lib/softhsm/libsofthsm2.so \
//!     --token kyso-test --key rsa --in test-vectors/documents/cong-van.txt --out /tmp/cong-van.p7s \
//!     [--cert CERT] [--chain test-vectors/pki/intermediate-ca.pem] [--anchor test-vectors/pki/root-ca.pem] [--list]
//! ```
//!
//! The PIN is read from the environment variable `KYSO_PIN`, or else asked for on standard
//! input. `--list` prints the tokens and keys instead of signing. `--cert` gives the key's
//! certificate for tokens that do not store it.
//!
//! A PDF input (`%PDF-` header) is signed in place as `sign_pdf` signs it (PAdES, an
//! incremental update), with the same options: `[--field NAME] [--page N --rect
//! X1,Y1,X2,Y2] [--image PNG] [--text LINE]... [--preset author|seal|attachment]
//! [--certify 1|2|3]`.

use std::io::BufRead;
use std::process::ExitCode;

#[path = "common/pdf_appearance.rs"]
mod pdf_appearance;

use kyso::pdf::{Certification, PdfDocument, PdfSigning};
use kyso::pkcs11::{KeySelector, Pkcs11Module, TokenSelector};
use kyso::{Certificate, SignatureBuilder, Time, TrustStore, ValidationPolicy, Verifier};
use pdf_appearance::AppearanceArgs;
use zeroize::Zeroizing;

const USAGE: &str =
    "usage: sign_pkcs11 --module LIB --token LABEL [--key LABEL --in DOCUMENT --out SIGNATURE]
                   [--cert FILE] [--chain FILE]... [--anchor ROOT] [--list]
                   for a PDF: [--field NAME] [--page N --rect X1,Y1,X2,Y2] [--image PNG]
                   [--text LINE]... [--preset author|seal|attachment] [--certify 1|2|3]
The PIN comes from KYSO_PIN, or is asked for on standard input.";

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("sign_pkcs11: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, String> {
    let (mut module, mut token, mut key, mut input, mut output, mut anchor) =
        (None, None, None, None, None, None);
    let (mut chain, mut list, mut cert) = (Vec::new(), false, None);
    let (mut appearance, mut field, mut certify) = (AppearanceArgs::default(), None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        if appearance.take(&arg, &mut value)? {
            continue;
        }
        match arg.as_str() {
            "--field" => field = Some(value()?),
            "--certify" => {
                let p: u8 = value()?.parse().map_err(|_| "--certify needs 1, 2 or 3")?;
                certify =
                    Some(Certification::from_permission(p).ok_or("--certify needs 1, 2 or 3")?);
            }
            "--module" => module = Some(value()?),
            "--token" => token = Some(value()?),
            "--key" => key = Some(value()?),
            "--in" => input = Some(value()?),
            "--out" => output = Some(value()?),
            "--chain" => chain.push(value()?),
            "--cert" => cert = Some(value()?),
            "--anchor" => anchor = Some(value()?),
            "--list" => list = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(true);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let module_path = module.ok_or("--module is required")?;
    let module = Pkcs11Module::load(&module_path).map_err(|e| e.to_string())?;
    let selector = match token {
        Some(label) => TokenSelector::Label(label),
        None => TokenSelector::First,
    };
    let pin = read_pin()?;
    let token = module.open(&selector, &pin).map_err(|e| e.to_string())?;
    drop(pin);
    if list {
        let d = token.description();
        println!(
            "token {} (serial {}, {} {})",
            d.label, d.serial, d.manufacturer, d.model
        );
        for k in token.keys().map_err(|e| e.to_string())? {
            let who = k
                .certificate
                .as_ref()
                .map_or("no certificate".to_owned(), |c| c.identity().to_string());
            let sign = if k.can_sign { "" } else { " (cannot sign)" };
            println!("  key {:?} id {:02x?}{sign}: {who}", k.label, k.id);
        }
        return Ok(true);
    }
    let key = key.ok_or("--key is required")?;
    let input = input.ok_or("--in is required")?;
    let output = output.ok_or("--out is required")?;
    // The certificate stored on the token with the key, unless one is given.
    let certificate = match &cert {
        Some(f) => Some(
            Certificate::from_file(f)
                .map_err(|e| format!("{f}: {e}"))?
                .into_iter()
                .next()
                .ok_or(format!("{f}: no certificate"))?,
        ),
        None => None,
    };
    let signer = token
        .signer(&KeySelector::Label(key), certificate)
        .map_err(|e| e.to_string())?;
    let mut chain_certs = Vec::new();
    for f in &chain {
        chain_certs.extend(Certificate::from_file(f).map_err(|e| format!("{f}: {e}"))?);
    }
    let document = std::fs::read(&input).map_err(|e| format!("{input}: {e}"))?;
    if PdfDocument::looks_like_pdf(&document) {
        let time = Time::now();
        let pdf = PdfDocument::from_bytes(&document).map_err(|e| format!("{input}: {e}"))?;
        let mut signing = PdfSigning::new(signer.certificate().clone(), time).chain(chain_certs);
        if let Some(ap) = appearance.build(&pdf, time)? {
            signing = signing.appearance(ap);
        }
        if let Some(f) = field {
            signing = signing.field(f);
        }
        if let Some(c) = certify {
            signing = signing.certify(c);
        }
        let mut out = Vec::new();
        let done = signing
            .sign(&pdf, &signer, &mut out)
            .map_err(|e| e.to_string())?;
        std::fs::write(&output, &out).map_err(|e| format!("{output}: {e}"))?;
        println!(
            "signed {input} on token {} as {}: {output}, field {} ({} bytes)",
            token.description().label,
            signer.certificate().identity(),
            done.field,
            out.len()
        );
        let Some(anchor) = anchor else {
            return Ok(true);
        };
        let mut anchors = TrustStore::new();
        anchors
            .add_file(&anchor)
            .map_err(|e| format!("{anchor}: {e}"))?;
        let report = Verifier::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            ValidationPolicy::now(),
        )
        .verify_pdf(&PdfDocument::from_bytes(&out).map_err(|e| e.to_string())?);
        print!("{report}");
        return Ok(report.is_passed());
    }
    let builder =
        SignatureBuilder::new(signer.certificate().clone(), Time::now()).chain(chain_certs);
    let signature = builder
        .sign(&document, &signer)
        .map_err(|e| e.to_string())?;
    let der = signature.to_der().map_err(|e| e.to_string())?;
    std::fs::write(&output, &der).map_err(|e| format!("{output}: {e}"))?;
    println!(
        "signed {input} on token {} as {}: {output} ({} bytes)",
        token.description().label,
        signer.certificate().identity(),
        der.len()
    );
    let Some(anchor) = anchor else {
        return Ok(true);
    };
    let mut anchors = TrustStore::new();
    anchors
        .add_file(&anchor)
        .map_err(|e| format!("{anchor}: {e}"))?;
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::now(),
    )
    .verify(&signature, Some(&document));
    print!("{report}");
    Ok(report.is_passed())
}

/// The PIN from `KYSO_PIN`, or one line of standard input; kept in a buffer wiped on drop.
fn read_pin() -> Result<Zeroizing<String>, String> {
    if let Ok(pin) = std::env::var("KYSO_PIN") {
        return Ok(Zeroizing::new(pin));
    }
    eprint!("PIN: ");
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    Ok(Zeroizing::new(line.trim_end().to_owned()))
}
