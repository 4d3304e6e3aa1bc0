//! kyso's canonical XML against two canonicalisers it shares no code with, byte for byte:
//! xmlsec1 (every whole document and every element with an `Id`, reached through a
//! signature reference as a verifier reaches it) and lxml (whole documents). The inputs and
//! the forms both wrote are in `test-vectors/xml/c14n` (`generate.py` made them);
//! `KYSO_XML_VECTORS` points the test at a folder made afresh (CI regenerates it).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use kyso::xml::{Canonicalization, XmlDocument};

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-vectors/xml/c14n")
}

fn expected_folder() -> PathBuf {
    std::env::var_os("KYSO_XML_VECTORS").map_or_else(|| here().join("expected"), PathBuf::from)
}

/// The method a file name's label names: `c14n`, `c14n-comments`, `exc`, `exc-comments`,
/// or `exc-` and the prefix list, dash-separated (`default` for `#default`).
fn method(label: &str) -> Canonicalization {
    match label {
        "c14n" => Canonicalization::Inclusive {
            with_comments: false,
        },
        "c14n-comments" => Canonicalization::Inclusive {
            with_comments: true,
        },
        "exc" => Canonicalization::Exclusive {
            with_comments: false,
            inclusive_prefixes: vec![],
        },
        "exc-comments" => Canonicalization::Exclusive {
            with_comments: true,
            inclusive_prefixes: vec![],
        },
        other => {
            let list = other.strip_prefix("exc-").expect(other);
            Canonicalization::Exclusive {
                with_comments: false,
                inclusive_prefixes: list
                    .split('-')
                    .map(|p| {
                        if p == "default" {
                            "#default".to_owned()
                        } else {
                            p.to_owned()
                        }
                    })
                    .collect(),
            }
        }
    }
}

/// The rows of `divergences.tsv` for `oracle`: (file name prefix, their text, the
/// standard's text).
fn divergences(oracle: &str) -> Vec<(String, String, String)> {
    let table = std::fs::read_to_string(here().join("divergences.tsv")).unwrap();
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 5, "{l}");
            (cols[0] == oracle).then(|| (cols[1].into(), cols[2].into(), cols[3].into()))
        })
        .collect()
}

fn compare(oracle: &str) -> usize {
    let known = divergences(oracle);
    let mut applied = vec![0usize; known.len()];
    let folder = expected_folder().join(oracle);
    let mut entries: Vec<_> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut failures = Vec::new();
    for path in &entries {
        let file = path.file_name().unwrap().to_str().unwrap();
        // <input>.xml.<target>.<label>.xml
        let stem = file.strip_suffix(".xml").unwrap();
        let (rest, label) = stem.rsplit_once('.').unwrap();
        let (input, target) = rest.rsplit_once('.').unwrap();
        let text = std::fs::read(here().join("input").join(input)).unwrap();
        let doc = XmlDocument::parse(&text).unwrap_or_else(|e| panic!("{input}: {e}"));
        let m = method(label);
        let ours = if target == "doc" {
            doc.canonicalize(&m)
        } else {
            doc.canonicalize_element(target, &m)
                .unwrap_or_else(|e| panic!("{file}: {e}"))
        };
        let mut theirs = std::fs::read(path).unwrap();
        // A known divergence: their form, corrected where the table says the standard
        // differs, must be kyso's; and the correction must have been needed.
        for (i, (prefix, their_text, standard)) in known.iter().enumerate() {
            if file.starts_with(prefix.as_str()) {
                let text = String::from_utf8(theirs.clone()).unwrap();
                if text.contains(their_text.as_str()) {
                    theirs = text.replace(their_text.as_str(), standard).into_bytes();
                    applied[i] += 1;
                }
            }
        }
        if ours != theirs {
            failures.push(format!(
                "{file}:\n  kyso:   {}\n  {oracle}: {}",
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs)
            ));
        }
    }
    for (row, n) in known.iter().zip(&applied) {
        assert!(
            *n > 0,
            "divergences.tsv row {row:?} no longer applies to {oracle}"
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} forms differ from {oracle}'s:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
    entries.len()
}

#[test]
fn every_form_matches_xmlsec1() {
    let n = compare("xmlsec1");
    // 8 inputs, their Ids and prefix lists.
    assert!(n >= 120, "{n} forms");
}

#[test]
fn every_whole_document_matches_lxml() {
    let n = compare("lxml");
    assert!(n >= 30, "{n} forms");
}
