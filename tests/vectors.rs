//! Every certificate of the test PKI gets exactly the verdict test-vectors/expected.tsv
//! gives it (a verdict OpenSSL confirmed when the vectors were generated).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

mod common;

use common::{cert, read, validation_time};
use kyso::error::{PathError, SignatureError};
use kyso::key::AlgorithmPolicy;
use kyso::{Error, KeyPurpose, PathValidator, TrustStore};

struct Row {
    leaf: String,
    intermediates: Vec<String>,
    anchor: String,
    expected: String,
    failing_index: Option<usize>,
}

fn rows() -> Vec<Row> {
    let text = String::from_utf8(read("expected.tsv")).unwrap();
    let mut rows = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 6, "bad row {line:?}");
        assert_eq!(f[3], "document-signing");
        rows.push(Row {
            leaf: f[0].to_owned(),
            intermediates: if f[1] == "-" {
                vec![]
            } else {
                f[1].split(',').map(str::to_owned).collect()
            },
            anchor: f[2].to_owned(),
            expected: f[4].to_owned(),
            failing_index: f[5].parse().ok(),
        });
    }
    rows
}

/// The variant name and failing chain index of a path error.
fn describe(e: &Error) -> (&'static str, Option<usize>) {
    match e {
        Error::Path {
            cert,
            reason: PathError::Expired { .. },
        } => ("Expired", Some(cert.index)),
        Error::Path {
            cert,
            reason: PathError::NotYetValid { .. },
        } => ("NotYetValid", Some(cert.index)),
        Error::Path {
            cert,
            reason: PathError::NotCa,
        } => ("NotCa", Some(cert.index)),
        Error::Path {
            cert,
            reason: PathError::PathLenExceeded,
        } => ("PathLenExceeded", Some(cert.index)),
        Error::Path {
            cert,
            reason: PathError::MissingKeyCertSign,
        } => ("MissingKeyCertSign", Some(cert.index)),
        Error::Path {
            cert,
            reason: PathError::UnknownCriticalExtension { .. },
        } => ("UnknownCriticalExtension", Some(cert.index)),
        Error::Path {
            cert,
            reason: PathError::BadSignature,
        } => ("BadSignature", Some(cert.index)),
        Error::Path {
            cert,
            reason: PathError::IssuerNameMismatch { .. },
        } => ("IssuerNameMismatch", Some(cert.index)),
        Error::Path {
            cert,
            reason: PathError::UntrustedSelfSigned,
        } => ("UntrustedSelfSigned", Some(cert.index)),
        Error::Path {
            cert,
            reason: PathError::PublicKey(SignatureError::RsaKeyTooSmall { .. }),
        } => ("PublicKey(RsaKeyTooSmall)", Some(cert.index)),
        Error::Path {
            cert,
            reason: PathError::SignatureAlgorithm(SignatureError::AlgorithmNotAllowed { .. }),
        } => ("SignatureAlgorithm(AlgorithmNotAllowed)", Some(cert.index)),
        Error::Path {
            cert,
            reason: PathError::KeyUsageNotAllowed { .. },
        } => ("KeyUsageNotAllowed", Some(cert.index)),
        Error::Path {
            cert,
            reason: PathError::UnknownIssuer,
        } => ("UnknownIssuer", Some(cert.index)),
        _ => ("other", None),
    }
}

#[test]
fn every_vector_gets_its_expected_verdict() {
    let rows = rows();
    assert_eq!(rows.len(), 21, "expected.tsv lost rows");
    let mut failures = Vec::new();
    for row in &rows {
        let anchors = TrustStore::from_certificates([cert(&row.anchor)]);
        let leaf = cert(&row.leaf);
        let intermediates: Vec<_> = row.intermediates.iter().map(|p| cert(p)).collect();
        let result = PathValidator::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            validation_time(),
        )
        .purpose(KeyPurpose::DocumentSigning)
        .validate(&leaf, &intermediates);
        let got = match &result {
            Ok(path) => {
                assert_eq!(path.chain().len(), 1 + intermediates.len(), "{}", row.leaf);
                ("ok", None)
            }
            Err(e) => describe(e),
        };
        let want = (row.expected.as_str(), row.failing_index);
        if got != want {
            failures.push(format!(
                "{}: got {:?} ({:?}), want {:?}",
                row.leaf,
                got,
                result.err(),
                want
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn sha1_certificate_verifies_under_the_named_legacy_policy() {
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let path = PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        validation_time(),
    )
    .algorithm_policy(AlgorithmPolicy::default().allow_sha1_for_legacy_use_only())
    .validate(
        &cert("bad/sha1-signature.pem"),
        &[cert("pki/intermediate-ca.pem")],
    );
    assert!(path.is_ok(), "{path:?}");
}

#[test]
fn rsa1024_certificate_verifies_with_a_lowered_minimum() {
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let result = PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        validation_time(),
    )
    .algorithm_policy(AlgorithmPolicy::default().require_min_rsa_bits(1024))
    .validate(&cert("bad/rsa1024.pem"), &[cert("pki/intermediate-ca.pem")]);
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn validity_bounds_are_inclusive_and_errors_carry_times() {
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let leaf = cert("pki/ee-rsa2048.pem");
    let chain = [cert("pki/intermediate-ca.pem")];
    let context = kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked);
    let v = |at| PathValidator::new(&context, at);
    assert!(v(leaf.not_after()).validate(&leaf, &chain).is_ok());
    assert!(v(leaf.not_before()).validate(&leaf, &chain).is_ok());
    let late = kyso::Time::from_unix(leaf.not_after().unix() + 1);
    // The root and the intermediate end at the same second as the leaf; processing runs
    // from the top, the anchor's own validity first (RFC 5937), so the root is the one
    // reported; with anchors as bare name and key, the intermediate.
    let root = cert("pki/root-ca.pem");
    assert_eq!(chain[0].not_after(), leaf.not_after());
    assert_eq!(root.not_after(), leaf.not_after());
    let bare_anchors = anchors.clone().accept_anchors_as_name_and_key();
    let bare = kyso::TrustContext::new(&bare_anchors, kyso::Revocation::NotChecked);
    for (validator, index, name) in [
        (v(late), 2, "Kyso Test Root CA"),
        (PathValidator::new(&bare, late), 1, "Kyso Test Signing CA"),
    ] {
        match validator.validate(&leaf, &chain) {
            Err(Error::Path {
                cert,
                reason: PathError::Expired { not_after, time },
            }) => {
                assert_eq!(cert.index, index);
                assert_eq!(not_after, leaf.not_after());
                assert_eq!(time, late);
                assert!(cert.subject.contains(name), "{}", cert.subject);
            }
            other => panic!("{other:?}"),
        }
    }
    let before = kyso::Time::from_unix(leaf.not_before().unix() - 1);
    assert!(matches!(
        v(before).validate(&leaf, &chain),
        Err(Error::Path {
            reason: PathError::NotYetValid { .. },
            ..
        })
    ));
}

#[test]
fn missing_intermediate_is_unknown_issuer() {
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let err = PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        validation_time(),
    )
    .validate(&cert("pki/ee-rsa2048.pem"), &[])
    .unwrap_err();
    assert!(
        matches!(err, Error::Path { ref cert, reason: PathError::UnknownIssuer } if cert.index == 0),
        "{err:?}"
    );
}

#[test]
fn wrong_anchor_is_unknown_issuer_at_the_top() {
    let anchors = TrustStore::from_certificates([cert("pki/ec-root-ca.pem")]);
    let err = PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        validation_time(),
    )
    .validate(
        &cert("pki/ee-rsa2048.pem"),
        &[cert("pki/intermediate-ca.pem")],
    )
    .unwrap_err();
    assert!(
        matches!(err, Error::Path { ref cert, reason: PathError::UnknownIssuer } if cert.index == 1),
        "{err:?}"
    );
}

#[test]
fn chain_order_and_extra_certificates_do_not_matter() {
    let anchors =
        TrustStore::from_certificates([cert("pki/root-ca.pem"), cert("pki/ec-root-ca.pem")]);
    // A pile of unrelated and duplicate certificates, in no order, with the right one inside.
    let pile = vec![
        cert("pki/ec-intermediate-ca.pem"),
        cert("bad/ca-false-intermediate.pem"),
        cert("pki/root-ca.pem"),
        cert("bad/pathlen-sub-ca.pem"),
        cert("pki/intermediate-ca.pem"),
        cert("pki/intermediate-ca.pem"),
    ];
    let path = PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        validation_time(),
    )
    .validate(&cert("pki/ee-ecdsa-p384.pem"), &pile)
    .unwrap();
    assert_eq!(path.chain().len(), 2);
    assert_eq!(path.chain()[1], cert("pki/intermediate-ca.pem"));
    assert_eq!(path.anchor(), &cert("pki/root-ca.pem"));
}

#[test]
fn a_directly_trusted_end_entity_validates_but_is_still_checked() {
    let leaf = cert("bad/self-signed-ee.pem");
    let anchors = TrustStore::from_certificates([leaf.clone()]);
    let path = PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        validation_time(),
    )
    .validate(&leaf, &[])
    .unwrap();
    assert_eq!(path.chain().len(), 1);
    let expired = cert("bad/expired.pem");
    let anchors = TrustStore::from_certificates([expired.clone()]);
    assert!(matches!(
        PathValidator::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            validation_time()
        )
        .validate(&expired, &[]),
        Err(Error::Path {
            reason: PathError::Expired { .. },
            ..
        })
    ));
}

#[test]
fn purposes() {
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let chain = [cert("pki/intermediate-ca.pem")];
    let leaf = cert("pki/ee-rsa2048.pem");
    let v = |p| {
        PathValidator::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            validation_time(),
        )
        .purpose(p)
    };
    assert!(
        v(KeyPurpose::ClientAuthentication)
            .validate(&leaf, &chain)
            .is_ok()
    );
    assert!(v(KeyPurpose::Any).validate(&leaf, &chain).is_ok());
    assert!(matches!(
        v(KeyPurpose::TimeStamping).validate(&leaf, &chain),
        Err(Error::Path {
            reason: PathError::ExtendedKeyUsageNotAllowed {
                purpose: KeyPurpose::TimeStamping,
                ..
            },
            ..
        })
    ));
    assert!(matches!(
        v(KeyPurpose::OcspSigning).validate(&leaf, &chain),
        Err(Error::Path {
            reason: PathError::ExtendedKeyUsageNotAllowed { .. },
            ..
        })
    ));
}
