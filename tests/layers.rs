//! The layers of ARCHITECTURE.md hold: every `crate::` path in `src/` points to a module
//! of a lower layer (or, for the modules of the top layer, to none of its neighbours). The
//! few upward imports that remain are listed below with their reason; the test fails on an
//! unlisted one, and on a listed one that is gone, so the list only shrinks.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, bottom up. A module may use the modules of the layers below its own, and
/// no module of its own layer.
const LAYERS: &[&[&str]] = &[
    &["limits"],
    &["oid", "tlv", "time"],
    &["vocabulary"],
    &["error"],
    &["pem", "budget", "ber"],
    &["digest"],
    &["key"],
    &["cert"],
    &["revocation"],
    &["path"],
    &["validate"],
    &["tsp"],
    &["cms"],
    &["eid", "http", "pkcs11", "pdf", "xml"],
];

/// Upward imports that remain, each with its reason: none. The list stays so that one
/// can only be added with its reason, in review.
const KNOWN_UPWARD: &[(&str, &str, &str)] = &[];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level module a file of `src/` belongs to (`None` for the crate root).
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_owned())
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every module each module names through `crate::`, outside comments and tests.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let Some(module) = module_of(relative) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        // Unit tests may reach anywhere: they are not part of the library's layering.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for line in code.lines() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            let mut rest = line;
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    !name.starts_with(|c: char| c.is_ascii_uppercase()),
                    "{}: `crate::{name}` goes through the crate root; name the module",
                    relative.display()
                );
                if !name.is_empty() && name != module {
                    edges.entry(module.clone()).or_default().insert(name);
                }
            }
        }
    }
    edges
}

#[test]
fn every_module_has_a_layer() {
    for (module, used) in imports() {
        assert!(layer_of(&module).is_some(), "{module} is in no layer");
        for u in used {
            assert!(
                layer_of(&u).is_some(),
                "{u} (used by {module}) is in no layer"
            );
        }
    }
}

#[test]
fn imports_point_down() {
    let mut upward = BTreeSet::new();
    for (module, used) in imports() {
        let Some(from) = layer_of(&module) else {
            continue;
        };
        for u in used {
            if layer_of(&u).is_some_and(|to| to >= from) {
                upward.insert((module.clone(), u));
            }
        }
    }
    let known: BTreeSet<(String, String)> = KNOWN_UPWARD
        .iter()
        .map(|(a, b, _)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    let new: Vec<_> = upward.difference(&known).collect();
    assert!(
        new.is_empty(),
        "imports that point up or sideways (move the shared piece down): {new:?}"
    );
    let stale: Vec<_> = known.difference(&upward).collect();
    assert!(
        stale.is_empty(),
        "listed upward imports that are gone (remove them from KNOWN_UPWARD): {stale:?}"
    );
}
