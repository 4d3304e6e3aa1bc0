//! NIST PKITS: every row of `EXPECTED.tsv` through kyso's path validation, with revocation
//! from the row's CRLs (required, as PKITS intends), at 2011-04-15.
//!
//! Rows whose outcome differs from PKITS's are listed, each with its reason, in
//! `tests/pkits-known-divergences.tsv`; a divergence not listed there fails the test, and so
//! does a listed row that has started to agree (so the list stays true). The summary line
//! counts the rows that agree, the known divergences, and the rows skipped for their inputs.
//!
//! The data is read from `$KYSO_PKITS_DIR`, else `../shared/vectors/pkits`. Under `CI=true`
//! missing data is a failure; elsewhere the test explains where to get it and skips.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kyso::{
    AlgorithmPolicy, Certificate, Crl, CrlStore, KeyPurpose, PathValidator, RevocationPolicy, Time,
    TrustStore,
};

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

#[test]
fn pkits() {
    let Some(dir) = data_dir() else { return };
    let table = std::fs::read_to_string(dir.join("EXPECTED.tsv")).unwrap();
    let known = known_divergences();
    let time = Time::from_utc(2011, 4, 15, 0, 0, 0).unwrap();
    // PKITS keys are RSA-1024 and older algorithms: kyso's legacy floor, as a relying party
    // verifying archived data would set it.
    let policy = AlgorithmPolicy::default()
        .with_min_rsa_bits(1024)
        .allow_sha1_for_legacy_use_only();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut unexpected = Vec::new();
    let mut stale = Vec::new();
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let (id, expected) = (f[0], f[2]);
        let read = |rel: &str| Certificate::from_file(dir.join(rel)).map(|mut v| v.remove(0));
        let outcome: Result<(), String> = (|| {
            let leaf = read(f[3]).map_err(|e| format!("end entity: {e}"))?;
            let intermediates = f[4]
                .split(';')
                .filter(|s| !s.is_empty())
                .map(read)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("intermediate: {e}"))?;
            let crls = f[5]
                .split(';')
                .filter(|s| !s.is_empty())
                .map(|c| Crl::from_file(dir.join(c)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("CRL: {e}"))?;
            let anchors = TrustStore::from_certificates([read(f[6]).map_err(|e| e.to_string())?]);
            let store = CrlStore::from_crls(crls);
            PathValidator::new(&anchors)
                .purpose(KeyPurpose::Any)
                .algorithm_policy(policy)
                .revocation(RevocationPolicy::Required, &store)
                .validate(&leaf, &intermediates, time)
                .map(|_| ())
                .map_err(|e| e.to_string())
        })();
        // Rows with non-default initial policy inputs need the policy tree.
        let default_inputs =
            f[7] == "anyPolicy" && f[8] == "false" && f[9] == "false" && f[10] == "false";
        let got = if outcome.is_ok() { "valid" } else { "invalid" };
        let agrees = got == expected;
        match (agrees, known.get(id)) {
            (true, None) => passed += 1,
            (true, Some(_)) => stale.push(format!(
                "{id}: listed as a divergence but now {got}, as expected"
            )),
            (false, Some(_)) => {
                if default_inputs {
                    failed += 1;
                } else {
                    skipped += 1;
                }
            }
            (false, None) => unexpected.push(format!(
                "{id} {}: expected {expected}, kyso says {got}: {}",
                f[1],
                outcome.err().unwrap_or_default()
            )),
        }
    }
    println!(
        "PKITS: {passed} rows agree; {failed} known divergences (paths kyso refuses, listed with \
         reasons in tests/pkits-known-divergences.tsv); {skipped} rows whose policy inputs kyso \
         cannot take yet"
    );
    assert!(
        unexpected.is_empty(),
        "divergences not listed:\n{}",
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "stale entries in the divergence list:\n{}",
        stale.join("\n")
    );
}
