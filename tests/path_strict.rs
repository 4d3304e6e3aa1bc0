//! Path validation with zero false accepts: the table `test-vectors/strict/cases.tsv`, made
//! by `test-vectors/strict/generate.sh` with the OpenSSL CLI, one row per case with the
//! outcome a correct validator reaches, the RFC clause, and what `openssl verify` says (for
//! the record; where it differs, the README of that directory says why kyso is right).
//! Then the peer-name API, the caller's depth bound and the CRL profile, on certificates of
//! the same set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use kyso::cert::SubjectAltName;
use kyso::error::{BudgetKind, PathError, RevocationError};
use kyso::key::AlgorithmPolicy;
use kyso::path::ValidatedPath;
use kyso::revocation::Crl;
use kyso::{Certificate, Error, KeyPurpose, PathValidator, Revocation, TrustContext, TrustStore};

use common::{validation_time, vector_path};

fn strict(name: &str) -> std::path::PathBuf {
    vector_path(&format!("strict/{name}"))
}

fn load(name: &str) -> Result<Vec<Certificate>, Error> {
    Certificate::from_file(strict(name))
}

/// One row of `cases.tsv`.
struct Case {
    name: String,
    anchor: String,
    intermediates: Vec<String>,
    leaf: String,
    purpose: String,
    options: Vec<String>,
    expected: String,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(strict("cases.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert!(f.len() >= 7, "short row: {line}");
            let list = |s: &str| -> Vec<String> {
                if s == "-" {
                    Vec::new()
                } else {
                    s.split(',').map(str::to_owned).collect()
                }
            };
            Case {
                name: f[0].to_owned(),
                anchor: f[1].to_owned(),
                intermediates: list(f[2]),
                leaf: f[3].to_owned(),
                purpose: f[4].to_owned(),
                options: list(f[5]),
                expected: f[6].to_owned(),
            }
        })
        .collect()
}

fn purpose(name: &str) -> KeyPurpose {
    match name {
        "document-signing" => KeyPurpose::DocumentSigning,
        "client-auth" => KeyPurpose::ClientAuthentication,
        "server-auth" => KeyPurpose::ServerAuthentication,
        "timestamping" => KeyPurpose::TimeStamping,
        "any" => KeyPurpose::Any,
        other => panic!("unknown purpose {other}"),
    }
}

/// What a case came to, in the table's words: `ok`, `ok+<warning codes>`, `<error>@<index>`
/// where `<error>` is the path error's Debug text without spaces (so that an expectation
/// may name the variant alone or the variant and what is inside it), or `Encoding@<index>`
/// for a certificate that does not parse.
fn outcome(case: &Case) -> String {
    let anchors = match load(&case.anchor) {
        Ok(a) => a,
        Err(_) => return format!("Encoding@{}", case.intermediates.len() + 1),
    };
    let mut intermediates = Vec::new();
    for (i, name) in case.intermediates.iter().enumerate() {
        match load(name) {
            Ok(c) => intermediates.extend(c),
            Err(_) => return format!("Encoding@{}", i + 1),
        }
    }
    let leaf = match load(&case.leaf) {
        Ok(mut c) => c.remove(0),
        Err(_) => return "Encoding@0".to_owned(),
    };
    let mut store = TrustStore::from_certificates(anchors);
    if case.options.iter().any(|o| o == "bare-anchors") {
        store = store.accept_anchors_as_name_and_key();
    }
    let context = TrustContext::new(&store, Revocation::NotChecked);
    let mut validator =
        PathValidator::new(&context, validation_time()).purpose(purpose(&case.purpose));
    for option in &case.options {
        match option.as_str() {
            "bare-anchors" => {}
            "require-key-identifiers" => validator = validator.require_key_identifiers(),
            "explicit-curves" => {
                validator = validator.algorithm_policy(
                    AlgorithmPolicy::default().accept_explicit_curve_parameters(),
                );
            }
            other => panic!("unknown option {other}"),
        }
    }
    match validator.validate(&leaf, &intermediates) {
        Ok(path) if path.warnings().is_empty() => "ok".to_owned(),
        Ok(path) => {
            let mut codes: Vec<&str> = path.warnings().iter().map(|w| w.code()).collect();
            codes.sort_unstable();
            codes.dedup();
            format!("ok+{}", codes.join(","))
        }
        Err(Error::Path { cert, reason }) => {
            let text: String = format!("{reason:?}")
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            format!("{text}@{}", cert.index)
        }
        Err(Error::BudgetExceeded { what, .. }) => format!("BudgetExceeded({what:?})"),
        Err(other) => format!("other error: {other:?}"),
    }
}

/// Whether `got` is what the table expects: the same, or for an error the expected text is
/// the start of the Debug text at the same index.
fn agrees(expected: &str, got: &str) -> bool {
    if expected == got {
        return true;
    }
    match (expected.rsplit_once('@'), got.rsplit_once('@')) {
        (Some((want, want_at)), Some((text, at))) => want_at == at && text.starts_with(want),
        _ => got.starts_with(expected),
    }
}

#[test]
fn every_case_of_the_table_has_its_outcome() {
    let cases = cases();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let got = outcome(case);
        if !agrees(&case.expected, &got) {
            wrong.push(format!(
                "{}: expected {}, got {got}",
                case.name, case.expected
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn names_path() -> ValidatedPath {
    let store = TrustStore::from_certificates(load("s-root.pem").unwrap());
    let context = TrustContext::new(&store, Revocation::NotChecked);
    PathValidator::new(&context, validation_time())
        .purpose(KeyPurpose::ServerAuthentication)
        .validate(
            &load("g-names-leaf.pem").unwrap()[0],
            &load("s-inter.pem").unwrap(),
        )
        .unwrap()
}

fn name_mismatch(result: Result<(), Error>) -> bool {
    matches!(
        result,
        Err(Error::Path {
            ref cert,
            reason: PathError::NameMismatch { .. }
        }) if cert.index == 0
    )
}

/// RFC 6125 section 6.4 for DNS names: exact or by a left-most wildcard label standing for
/// one label; never by the common name.
#[test]
fn dns_names_match_by_rfc_6125() {
    let path = names_path();
    for ok in [
        "www.good.example",
        "WWW.Good.Example",
        "www.good.example.",
        "a.wild.good.example",
        "A-1.WILD.good.example",
    ] {
        assert!(path.check_dns_name(ok).is_ok(), "{ok}");
    }
    for refused in [
        "good.example",
        "wild.good.example",
        "b.a.wild.good.example",
        ".wild.good.example",
        "*.wild.good.example",
        "evil.example",
        "www.good.example.evil",
        "www.good.example\0",
        "",
    ] {
        assert!(name_mismatch(path.check_dns_name(refused)), "{refused:?}");
    }
}

/// An IP address matches only the same address of the same family.
#[test]
fn ip_addresses_match_exactly() {
    let path = names_path();
    assert!(path.check_ip_address("10.1.2.3".parse().unwrap()).is_ok());
    assert!(
        path.check_ip_address("2001:db8::1".parse().unwrap())
            .is_ok()
    );
    assert!(name_mismatch(
        path.check_ip_address("10.1.2.4".parse().unwrap())
    ));
    assert!(name_mismatch(
        path.check_ip_address("::ffff:10.1.2.3".parse().unwrap())
    ));
}

/// E-mail addresses: the local part exactly, the domain in any case; the subject's
/// emailAddress only when subjectAltName has no rfc822Name (this certificate has one, so
/// the subject's address does not count).
#[test]
fn email_addresses_match_the_alternative_names_first() {
    let path = names_path();
    assert!(path.check_email_address("an@good.example").is_ok());
    assert!(path.check_email_address("an@GOOD.example").is_ok());
    assert!(name_mismatch(path.check_email_address("AN@good.example")));
    assert!(name_mismatch(path.check_email_address("binh@good.example")));
    assert!(name_mismatch(
        path.check_email_address("an@good.example.evil")
    ));
    assert!(name_mismatch(path.check_email_address("an@")));
}

/// `Certificate::subject_alt_names` gives typed values in encoding order.
#[test]
fn subject_alternative_names_are_typed() {
    let leaf = &load("g-names-leaf.pem").unwrap()[0];
    let names = leaf.subject_alt_names();
    assert!(names.contains(&SubjectAltName::Dns("www.good.example".to_owned())));
    assert!(names.contains(&SubjectAltName::Dns("*.wild.good.example".to_owned())));
    assert!(names.contains(&SubjectAltName::Ip("10.1.2.3".parse().unwrap())));
    assert!(names.contains(&SubjectAltName::Ip("2001:db8::1".parse().unwrap())));
    assert!(names.contains(&SubjectAltName::Email("an@good.example".to_owned())));
}

/// The caller's depth bound: root, two intermediates and the end entity need a depth of 3
/// below the anchor; 2 is `PathTooLong` with the caller's limit.
#[test]
fn the_caller_bounds_the_depth() {
    let store = TrustStore::from_certificates(load("s-root.pem").unwrap());
    let context = TrustContext::new(&store, Revocation::NotChecked);
    let leaf = &load("g-depth-leaf.pem").unwrap()[0];
    let mut intermediates = load("g-ca2.pem").unwrap();
    intermediates.extend(load("s-inter.pem").unwrap());
    let validator = PathValidator::new(&context, validation_time());
    assert_eq!(
        validator
            .clone()
            .max_depth(3)
            .validate(leaf, &intermediates)
            .unwrap()
            .chain()
            .len(),
        3
    );
    let err = validator
        .max_depth(2)
        .validate(leaf, &intermediates)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Path {
                reason: PathError::PathTooLong { limit: 2 },
                ..
            }
        ),
        "{err:?}"
    );
}

/// RFC 5280 section 5.2.3: every CRL has a cRLNumber, not critical. A CRL without one, or
/// with a critical one, is not used; the same CRL with it decides the status.
#[test]
fn crls_need_a_non_critical_crl_number() {
    let leaf = &load("f-leaf.pem").unwrap()[0];
    let issuer = &load("s-inter.pem").unwrap()[0];
    let at = validation_time();
    let policy = AlgorithmPolicy::default();
    let status = |name: &str| {
        Crl::from_file(strict(name))
            .unwrap()
            .status_between(leaf, issuer, at, at, &policy)
    };
    assert!(status("f-crl-ok.crl").is_ok());
    assert!(matches!(
        status("f-crl-no-number.crl"),
        Err(Error::Revocation(RevocationError::CrlNumberMissing))
    ));
    assert!(matches!(
        status("f-crl-number-critical.crl"),
        Err(Error::Revocation(RevocationError::CrlNumberCritical))
    ));
    // Where revocation is checked if available, the end entity's status is unknown, for
    // that reason (the CRL is set aside, not read as "not revoked").
    let store = TrustStore::from_certificates(load("s-root.pem").unwrap());
    let crls = kyso::CrlStore::from_crls([Crl::from_file(strict("f-crl-no-number.crl")).unwrap()]);
    let context = TrustContext::new(&store, Revocation::IfAvailable(&crls));
    let path = PathValidator::new(&context, at)
        .validate(leaf, &load("s-inter.pem").unwrap())
        .unwrap();
    let check = &path.revocation()[0];
    assert_eq!(check.index, 0);
    assert!(
        matches!(
            &check.outcome,
            kyso::revocation::RevocationOutcome::Unknown { reason } if reason.contains("cRLNumber")
        ),
        "{check:?}"
    );
    // Under a requirement, that is the path's verdict.
    let context = TrustContext::new(&store, Revocation::Required(&crls));
    let err = PathValidator::new(&context, at)
        .validate(leaf, &load("s-inter.pem").unwrap())
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Path {
                reason: PathError::RevocationUnknown { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

/// A CRL without a cRLNumber cannot show that a certificate is not revoked, but a
/// revocation it lists under its issuer's valid signature still counts: the certificate is
/// revoked, whether revocation is required or only checked if available.
#[test]
fn a_crl_without_a_number_still_shows_revocations() {
    let leaf = &load("f-revoked-leaf.pem").unwrap()[0];
    let issuer = &load("s-inter.pem").unwrap()[0];
    let at = validation_time();
    let crl = Crl::from_file(strict("f-crl-no-number-revoking.crl")).unwrap();
    assert!(matches!(
        crl.status_between(leaf, issuer, at, at, &AlgorithmPolicy::default()),
        Ok(kyso::revocation::CrlStatus::Revoked(_))
    ));
    let store = TrustStore::from_certificates(load("s-root.pem").unwrap());
    let crls = kyso::CrlStore::from_crls([crl]);
    for revocation in [Revocation::IfAvailable(&crls), Revocation::Required(&crls)] {
        let context = TrustContext::new(&store, revocation);
        let err = PathValidator::new(&context, at)
            .validate(leaf, &load("s-inter.pem").unwrap())
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Path {
                    ref cert,
                    reason: PathError::Revoked { .. },
                } if cert.index == 0
            ),
            "{err:?}"
        );
    }
}

/// A name-constraint check that would compare more names with subtrees than the bound is
/// refused before comparing, as a budget, not as a verdict on the names.
#[test]
fn name_constraint_comparisons_are_bounded() {
    let store = TrustStore::from_certificates(load("s-root.pem").unwrap());
    let context = TrustContext::new(&store, Revocation::NotChecked);
    let err = PathValidator::new(&context, validation_time())
        .validate(
            &load("e-budget-leaf.pem").unwrap()[0],
            &load("e-budget-ca.pem").unwrap(),
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::BudgetExceeded {
                what: BudgetKind::NameConstraintComparisons,
                limit: 250_000
            }
        ),
        "{err:?}"
    );
}

/// `b-ski-trailing`, which `openssl verify` accepts: its subjectKeyIdentifier extnValue
/// holds the OCTET STRING `04 01 aa` and one octet more. extnValue is the DER encoding of one
/// value (RFC 5280 section 4.1), so the certificate does not parse, and the error names the
/// extension.
#[test]
fn an_extension_value_with_octets_after_it_is_refused_by_name() {
    let text = std::fs::read_to_string(strict("b-ski-trailing-leaf.pem")).unwrap();
    assert!(text.contains("BEGIN CERTIFICATE"));
    match load("b-ski-trailing-leaf.pem") {
        Err(Error::Encoding(kyso::error::EncodingError::Malformed {
            object: kyso::error::Object::Extension,
            reason: kyso::error::Malformed::InvalidExtension { oid },
        })) => assert_eq!(oid.to_string(), "2.5.29.14"),
        other => panic!("{other:?}"),
    }
}
