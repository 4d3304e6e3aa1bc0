//! Inputs from producers other than kyso (test-vectors/interop: the OpenSSL CLI, Python's
//! `cryptography` and `asn1crypto`), in the shapes real signers, TSAs, OCSP responders and
//! passports emit: BER, signed attributes out of DER order, zero padding, fractional
//! seconds, AlgorithmIdentifiers with and without NULL, RSASSA-PSS of every parameter set,
//! SHA-3, plain ECDSA, DSA, counter-signatures, CAdES attributes, RFC 5544 and EF.SOD
//! variants. Each table row gives the verdict a correct verifier reaches and why
//! (test-vectors/interop/*/README.md); the test holds kyso to every row.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{cert, read};
use kyso::cms::TimeStampToken;
use kyso::digest::{DigestAlgorithm, digest};
use kyso::eid::{DataGroupStatus, PassiveAuth, PassiveAuthVerdict, Sod};
use kyso::error::{EncodingError, Malformed};
use kyso::key::AlgorithmPolicy;
use kyso::validate::{SignerReport, ValidationPolicy, Warning};
use kyso::{Error, Indication, Revocation, SignedCms, Time, TrustContext, TrustStore};

fn anchors() -> TrustStore {
    TrustStore::from_certificates([cert("pki/root-ca.pem"), cert("pki/ec-root-ca.pem")])
}

/// The outcome a row expects: `TOTAL-PASSED`, `TOTAL-FAILED/HASH_FAILURE`, with
/// `+warning:<code>(...)` after it.
fn outcome(r: &SignerReport) -> String {
    let mut s = r.indication.to_string();
    if let Some(sub) = r.sub_indication {
        s.push('/');
        s.push_str(&sub.to_string());
    }
    s
}

fn verify_cms(file: &str, document: Option<&[u8]>) -> kyso::ValidationReport {
    let store = anchors();
    let context = TrustContext::new(&store, Revocation::NotChecked).certificates([
        cert("pki/intermediate-ca.pem"),
        cert("pki/ec-intermediate-ca.pem"),
    ]);
    kyso::Verifier::new(&context, ValidationPolicy::at(common::validation_time()))
        .verify_encoded(&read(file), document)
}

/// Every row of interop/cms/cases.tsv: the main signer's verdict and the warning the row
/// is about.
#[test]
fn cms_from_other_producers() {
    let table = String::from_utf8(read("interop/cms/cases.tsv")).unwrap();
    let mut rows = 0;
    let mut wrong = Vec::new();
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (file, point, expected, document) = (f[0], f[1], f[3], f[4]);
        let doc = read(document);
        let report = verify_cms(file, Some(&doc));
        let main = expected.split(';').next().unwrap();
        let (verdict, warning) = match main.split_once("+warning:") {
            Some((v, w)) => (v, Some(w.split('(').next().unwrap())),
            None => (main, None),
        };
        let Some(signer) = report.signers.first() else {
            let mut got = report.indication().to_string();
            if let Some(sub) = report.sub_indication() {
                got = format!("{got}/{sub}");
            }
            if got != verdict {
                wrong.push(format!(
                    "{file} (point {point}): expected {expected}, got {got} {:?}",
                    report.format_error
                ));
            }
            rows += 1;
            continue;
        };
        let got = outcome(signer);
        let warned = warning.is_none_or(|code| signer.warnings.iter().any(|w| w.code() == code));
        // Counter-signatures: `;countersignature:<verdict>`, and one level down
        // `;nested-countersignature:<verdict>`.
        let mut counter_ok = true;
        for part in expected.split(';').skip(1) {
            let (which, want) = part.split_once(':').unwrap();
            let report = match which {
                "countersignature" => signer.counter_signatures.first(),
                "nested-countersignature" => signer
                    .counter_signatures
                    .first()
                    .and_then(|c| c.counter_signatures.first()),
                other => panic!("{other}"),
            };
            counter_ok &= report.is_some_and(|c| outcome(c) == want);
        }
        if got != verdict || !warned || !counter_ok {
            wrong.push(format!(
                "{file} (point {point}): expected {expected}, got {got} {:?}\n    {:?}",
                signer
                    .warnings
                    .iter()
                    .map(Warning::code)
                    .collect::<Vec<_>>(),
                signer
                    .checks
                    .iter()
                    .filter(|c| c.outcome == kyso::validate::Outcome::Failed)
                    .map(|c| format!("{:?}: {}", c.kind, c.detail))
                    .collect::<Vec<_>>()
            ));
        }
        rows += 1;
    }
    assert!(rows >= 30, "{rows}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
