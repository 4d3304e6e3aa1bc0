//! NIST PKITS: every row of `EXPECTED.tsv` through kyso's path validation, with revocation
//! from the row's CRLs (required, as PKITS intends) and the row's initial policy inputs, at
//! 2011-04-15. Where PKITS expects a valid path, the user-constrained policy set kyso reports
//! must be the one the row expects.
//!
//! An invalid row must be refused for its own reason, not for any: each invalid row's error
//! class (the `Error` variant, with the object for a decoding error; for S/MIME, the ETSI
//! sub-indication and the variant) is pinned in `tests/pkits-expected-errors.tsv`, and a
//! refusal of another class fails the test.
//!
//! Rows whose outcome differs from PKITS's are listed, each with its reason, in
//! `tests/pkits-known-divergences.tsv`; a divergence not listed there fails the test, and so
//! does a listed row that has started to agree (so the list stays true). The summary line
//! reads `N passed, N failed, N skipped`: the rows that agree, the listed divergences, and
//! the rows not run (none: every row runs).
//!
//! The data is read from `$KYSO_PKITS_DIR`, else `../shared/vectors/pkits`. Under `CI=true`
//! missing data is a failure; elsewhere the test explains where to get it and skips.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use kyso::error::EncodingError;
use kyso::oid::Oid;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;

use kyso::key::AlgorithmPolicy;
use kyso::path::{PolicyInputs, PolicySet};
use kyso::revocation::Crl;
use kyso::{
    Certificate, CrlStore, Error, KeyPurpose, PathValidator, Time, TrustStore, ValidationPolicy,
    Verifier,
};

/// Why kyso refused a row: the error class pinned per row, and the full text for messages.
struct Refusal {
    class: String,
    detail: String,
}

impl Refusal {
    fn of(e: &Error) -> Self {
        Refusal {
            class: error_class(e),
            detail: e.to_string(),
        }
    }

    fn other(class: &str, detail: impl Into<String>) -> Self {
        Refusal {
            class: class.to_owned(),
            detail: detail.into(),
        }
    }
}

/// An error's class: the name of the failure's variant inside its domain (`Expired` for
/// `Error::Path { reason: PathError::Expired { .. }, .. }`), with the object for a decoding
/// error (`Malformed(Signature)`).
fn error_class(e: &Error) -> String {
    fn leading_name(debug: &str) -> String {
        debug
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect()
    }
    match e {
        Error::Encoding(EncodingError::Malformed { object, .. })
        | Error::Encoding(EncodingError::TooLarge { object, .. }) => {
            format!("{}({object:?})", e_inner(e))
        }
        Error::Path { reason, .. } => leading_name(&format!("{reason:?}")),
        _ => e_inner(e),
    }
}

/// The variant name inside a domain (`Revocation(CrlExpired)` gives `CrlExpired`), or the
/// top-level name for an error without a domain.
fn e_inner(e: &Error) -> String {
    let debug = format!("{e:?}");
    let top: String = debug
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    match debug[top.len()..].strip_prefix('(') {
        Some(rest) => rest
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect(),
        None => top,
    }
}

/// The pinned error class of every invalid row: (path validation, S/MIME).
fn expected_errors() -> BTreeMap<String, (String, String)> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pkits-expected-errors.tsv"),
    )
    .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_owned(), (f[1].to_owned(), f[2].to_owned()))
        })
        .collect()
}

/// A PKITS policy name (`NIST-test-policy-N`, `anyPolicy`) as a dotted OID.
fn policy_oid(name: &str) -> Oid {
    let dotted = match name.strip_prefix("NIST-test-policy-") {
        Some(n) => format!("2.16.840.1.101.3.2.1.48.{n}"),
        None => {
            assert_eq!(name, "anyPolicy", "unknown PKITS policy name");
            "2.5.29.32.0".to_owned()
        }
    };
    dotted.parse().unwrap()
}

/// A `,`-separated list of PKITS policy names as a set.
fn policy_set(list: &str) -> PolicySet {
    PolicySet::of(list.split(',').filter(|s| !s.is_empty()).map(policy_oid))
}

/// The row's initial policy inputs (columns 8 to 11).
fn policy_inputs(f: &[&str]) -> PolicyInputs {
    PolicyInputs::default()
        .acceptable(policy_set(f[7]))
        .require_explicit_policy(f[8] == "true")
        .inhibit_policy_mapping(f[9] == "true")
        .inhibit_any_policy(f[10] == "true")
}

fn data_dir() -> Option<PathBuf> {
    let dir = std::env::var("KYSO_PKITS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors/pkits"));
    if dir.join("EXPECTED.tsv").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "PKITS data missing under CI: {}",
        dir.display()
    );
    eprintln!(
        "skipping: PKITS data not found at {}; it ships in the PyPI package cryptography-vectors \
         under x509/PKITS_data/ (point KYSO_PKITS_DIR at it)",
        dir.display()
    );
    None
}

fn known_divergences() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pkits-known-divergences.tsv"),
    )
    .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (id, reason) = l.split_once('\t').unwrap();
            (id.to_owned(), reason.to_owned())
        })
        .collect()
}

/// PKITS keys are RSA-1024 and older algorithms: kyso's legacy floor, as a relying party
/// verifying archived data would set it.
fn legacy_algorithms() -> AlgorithmPolicy {
    AlgorithmPolicy::default()
        .require_min_rsa_bits(1024)
        .allow_sha1_for_legacy_use_only()
        .allow_dsa_for_legacy_use_only()
}

fn validation_time() -> Time {
    Time::from_utc(2011, 4, 15, 0, 0, 0).unwrap()
}

/// Which run of the rows: the pinned error class differs between them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    Path,
    Smime,
}

/// Runs `check` over every row of `EXPECTED.tsv` and compares with PKITS's verdict (and,
/// for valid paths, the user-constrained policy set; for invalid ones, the pinned error
/// class), against the divergence list. `check` returns the user-constrained policy set of
/// a valid path, or why the path is refused.
///
/// `KYSO_PKITS_PRINT_CLASSES=1` prints each refused row's class, to review a change of
/// classes row by row before updating the table.
fn run_rows(what: &str, run: Run, check: impl Fn(&Path, &[&str]) -> Result<PolicySet, Refusal>) {
    let Some(dir) = data_dir() else { return };
    let table = std::fs::read_to_string(dir.join("EXPECTED.tsv")).unwrap();
    let known = known_divergences();
    let pinned = expected_errors();
    let print_classes = std::env::var("KYSO_PKITS_PRINT_CLASSES").is_ok();
    let mut pinned_seen = std::collections::BTreeSet::new();
    let (mut passed, mut failed) = (0, 0);
    // Every row runs; none is skipped.
    let skipped = 0;
    let mut unexpected = Vec::new();
    let mut stale = Vec::new();
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let (id, expected) = (f[0], f[2]);
        let outcome = check(&dir, &f);
        let got = if outcome.is_ok() { "valid" } else { "invalid" };
        let agrees = got == expected;
        if let Err(refusal) = &outcome {
            if print_classes {
                println!("class\t{id}\t{}\t{}", refusal.class, f[1]);
            }
            if agrees {
                pinned_seen.insert(id.to_owned());
                let want = pinned
                    .get(id)
                    .map(|(p, s)| if run == Run::Path { p } else { s });
                if want != Some(&refusal.class) {
                    unexpected.push(format!(
                        "{id} {}: refused as {}, the table pins {}: {}",
                        f[1],
                        refusal.class,
                        want.map_or("nothing", String::as_str),
                        refusal.detail
                    ));
                    continue;
                }
            }
        }
        if let (true, Ok(policies)) = (agrees, &outcome) {
            let want = policy_set(f[11]);
            if *policies != want {
                unexpected.push(format!(
                    "{id} {}: user-constrained policy set {policies}, expected {want}",
                    f[1]
                ));
                continue;
            }
        }
        match (agrees, known.get(id)) {
            (true, None) => passed += 1,
            (true, Some(_)) => stale.push(format!(
                "{id}: listed as a divergence but now {got}, as expected"
            )),
            (false, Some(_)) => failed += 1,
            (false, None) => unexpected.push(format!(
                "{id} {}: expected {expected}, kyso says {got}: {}",
                f[1],
                outcome.err().map_or_else(|| "-".to_owned(), |r| r.detail)
            )),
        }
    }
    for id in pinned.keys().filter(|id| !pinned_seen.contains(*id)) {
        stale.push(format!(
            "{id}: an error class is pinned but the row is not an invalid row kyso refuses"
        ));
    }
    common::tally(&format!(
        "PKITS {what}: {passed} passed, {failed} failed, {skipped} skipped (the failures are \
         the divergences listed with reasons in tests/pkits-known-divergences.tsv)"
    ));
    assert!(
        unexpected.is_empty(),
        "{what}: divergences not listed:\n{}",
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "{what}: stale entries in the divergence list:\n{}",
        stale.join("\n")
    );
}

fn read_cert(dir: &Path, rel: &str) -> Result<Certificate, Refusal> {
    Certificate::from_file(dir.join(rel))
        .map(|mut v| v.remove(0))
        .map_err(|e| Refusal {
            class: error_class(&e),
            detail: format!("{rel}: {e}"),
        })
}

/// Path validation: the row's end entity, certificates and CRLs through `PathValidator`.
#[test]
fn pkits() {
    run_rows("path validation", Run::Path, |dir, f| {
        let leaf = read_cert(dir, f[3])?;
        let intermediates = f[4]
            .split(';')
            .filter(|s| !s.is_empty())
            .map(|rel| read_cert(dir, rel))
            .collect::<Result<Vec<_>, _>>()?;
        let crls = f[5]
            .split(';')
            .filter(|s| !s.is_empty())
            .map(|c| Crl::from_file(dir.join(c)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Refusal::of(&e))?;
        let anchors = TrustStore::from_certificates([read_cert(dir, f[6])?]);
        let store = CrlStore::from_crls(crls);
        let path = PathValidator::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&store)),
            validation_time(),
        )
        .purpose(KeyPurpose::Any)
        .algorithm_policy(legacy_algorithms())
        .policy_inputs(policy_inputs(f))
        .validate(&leaf, &intermediates)
        .map_err(|e| Refusal::of(&e))?;
        Ok(path.policies().clone())
    });
}

/// End to end: the row's signed S/MIME message through `Verifier`, with only what the
/// message embeds (its certificates and CRLs), revocation required and the row's policy
/// inputs. A valid row must be TOTAL-PASSED, an invalid one anything else.
#[test]
fn pkits_smime_end_to_end() {
    run_rows("S/MIME", Run::Smime, |dir, f| {
        let text =
            std::fs::read(dir.join(f[12])).map_err(|e| Refusal::other("Io", e.to_string()))?;
        let (content, signature) = common::split_smime(&text)
            .ok_or_else(|| Refusal::other("NotMultipartSigned", "not multipart/signed"))?;
        let anchors = TrustStore::from_certificates([read_cert(dir, f[6])?]);
        let mut policy = ValidationPolicy::at(validation_time())
            .algorithm_policy(legacy_algorithms())
            .policy_inputs(policy_inputs(f));
        policy.purpose = KeyPurpose::Any;
        let none = CrlStore::new();
        let report = Verifier::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&none)),
            policy,
        )
        .verify_encoded(&signature, Some(&content));
        let Some(signer) = report.signers.first() else {
            return Err(Refusal::other("NoSigner", format!("{report}")));
        };
        if !report.is_passed() {
            let sub = report
                .sub_indication()
                .map_or_else(|| "-".to_owned(), |s| s.etsi_name().to_owned());
            let error = signer.error.as_ref();
            return Err(Refusal {
                class: format!(
                    "{sub}/{}",
                    error.map_or_else(|| "-".to_owned(), error_class)
                ),
                detail: format!(
                    "{} {}",
                    report.indication().etsi_name(),
                    error.map_or_else(String::new, ToString::to_string)
                ),
            });
        }
        signer
            .certificate_policies
            .clone()
            .ok_or_else(|| Refusal::other("NoPolicySet", "no policy set reported"))
    });
}
