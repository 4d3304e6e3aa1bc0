//! The verification cache never changes a verdict, and batch verification returns the
//! reports of sequential verification, in order.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{cert, read, validation_time, vector_path};
use kyso::error::PathError;
use kyso::key::AlgorithmPolicy;
use kyso::path::VerificationCache;
use kyso::revocation::Crl;
use kyso::{
    CrlStore, Error, Indication, PathValidator, SignatureBuilder, SoftwareSigner, SubIndication,
    Time, TrustStore, ValidationPolicy, Verifier,
};

fn anchors() -> TrustStore {
    TrustStore::from_certificates([cert("pki/root-ca.pem")])
}

fn verdict(r: &kyso::ValidationReport) -> (Indication, Option<SubIndication>) {
    (r.indication(), r.sub_indication())
}

#[test]
fn cached_chains_get_the_same_verdicts() {
    let a = anchors();
    let cache = VerificationCache::new();
    let signature = read("cms/openssl-rsa2048-detached.p7s");
    let document = read("documents/cong-van.txt");
    let at = |t: Time| ValidationPolicy::at(t);
    let cold = Verifier::new(
        &kyso::TrustContext::new(&a, kyso::Revocation::NotChecked),
        at(validation_time()),
    );
    let warm = Verifier::new(
        &kyso::TrustContext::new(&a, kyso::Revocation::NotChecked).cache(&cache),
        at(validation_time()),
    );
    for _ in 0..3 {
        let r = warm.verify_encoded(&signature, Some(&document));
        assert!(r.is_passed(), "{r}");
    }
    // EE under the Signing CA, the Signing CA under the root; both embedded certificates.
    assert_eq!(cache.verified_links(), 2);
    assert_eq!(cache.certificates(), 2);
    assert!(cold.verify_encoded(&signature, Some(&document)).is_passed());

    // A cached chain outside its validity period: refused as without the cache.
    let later = Time::from_utc(2050, 1, 1, 0, 0, 0).unwrap();
    let with = Verifier::new(
        &kyso::TrustContext::new(&a, kyso::Revocation::NotChecked).cache(&cache),
        at(later),
    )
    .verify_encoded(&signature, Some(&document));
    let without = Verifier::new(
        &kyso::TrustContext::new(&a, kyso::Revocation::NotChecked),
        at(later),
    )
    .verify_encoded(&signature, Some(&document));
    assert_eq!(verdict(&with), verdict(&without));
    assert_eq!(
        verdict(&with),
        (
            Indication::Indeterminate,
            Some(SubIndication::OutOfBoundsNoPoe)
        )
    );

    // A stricter algorithm policy still applies to cached links (the Signing CA's key is
    // RSA-3072).
    let strict = ValidationPolicy::at(validation_time())
        .algorithm_policy(AlgorithmPolicy::default().require_min_rsa_bits(4096));
    let with = Verifier::new(
        &kyso::TrustContext::new(&a, kyso::Revocation::NotChecked).cache(&cache),
        strict.clone(),
    )
    .verify_encoded(&signature, Some(&document));
    let without = Verifier::new(
        &kyso::TrustContext::new(&a, kyso::Revocation::NotChecked),
        strict,
    )
    .verify_encoded(&signature, Some(&document));
    assert_eq!(verdict(&with), verdict(&without));
    assert!(!with.is_passed());

    // Another document: HASH_FAILURE, cached or not.
    let other = read("documents/quyet-dinh.txt");
    assert_eq!(
        verdict(&warm.verify_encoded(&signature, Some(&other))),
        (Indication::TotalFailed, Some(SubIndication::HashFailure))
    );
}

#[test]
fn cached_chain_after_revocation() {
    let a = anchors();
    let cache = VerificationCache::new();
    let leaf = cert("revocation/ee-revoked.pem");
    let key =
        SoftwareSigner::from_file(vector_path("revocation/keys/ee-revoked.key.pem"), None).unwrap();
    let document = read("documents/cong-van.txt");
    // Signed (by its claim) in February; the certificate was revoked on 1 March 2026.
    let cms = SignatureBuilder::new(leaf, Time::from_utc(2026, 2, 1, 0, 0, 0).unwrap())
        .chain([cert("pki/intermediate-ca.pem")])
        .sign(&document, &key)
        .unwrap()
        .to_der()
        .unwrap();
    let policy = ValidationPolicy::at(validation_time());
    // Warm the cache without revocation checking: passes.
    let r = Verifier::new(
        &kyso::TrustContext::new(&a, kyso::Revocation::NotChecked).cache(&cache),
        policy.clone(),
    )
    .verify_encoded(&cms, Some(&document));
    assert!(r.is_passed(), "{r}");
    assert_eq!(cache.verified_links(), 2);
    // Now with the CRLs: revoked, with the cache as without.
    let crls = CrlStore::from_crls([
        Crl::from_file(vector_path("revocation/signing-ca.crl")).unwrap(),
        Crl::from_file(vector_path("revocation/root.crl")).unwrap(),
    ]);
    let with = Verifier::new(
        &kyso::TrustContext::new(&a, kyso::Revocation::Required(&crls)).cache(&cache),
        policy.clone(),
    )
    .verify_encoded(&cms, Some(&document));
    let without = Verifier::new(
        &kyso::TrustContext::new(&a, kyso::Revocation::Required(&crls)),
        policy,
    )
    .verify_encoded(&cms, Some(&document));
    assert_eq!(verdict(&with), verdict(&without));
    assert_eq!(
        verdict(&with),
        (Indication::Indeterminate, Some(SubIndication::RevokedNoPoe))
    );
    // Path validation alone, through the same cache.
    let result = PathValidator::new(
        &kyso::TrustContext::new(&a, kyso::Revocation::Required(&crls)).cache(&cache),
        validation_time(),
    )
    .validate(
        &cert("revocation/ee-revoked.pem"),
        &[cert("pki/intermediate-ca.pem")],
    );
    assert!(
        matches!(
            result,
            Err(Error::Path {
                reason: PathError::Revoked { .. },
                ..
            })
        ),
        "{result:?}"
    );
}

#[test]
fn a_certificate_with_other_bytes_is_not_a_cache_hit() {
    let a = anchors();
    let cache = VerificationCache::new();
    let chain = [cert("pki/intermediate-ca.pem")];
    let validator = PathValidator::new(
        &kyso::TrustContext::new(&a, kyso::Revocation::NotChecked).cache(&cache),
        validation_time(),
    );
    validator
        .validate(&cert("pki/ee-rsa2048.pem"), &chain)
        .unwrap();
    // The same TBS with one bit of the signature flipped.
    assert!(matches!(
        validator.validate(&cert("bad/bad-signature-bytes.pem"), &chain),
        Err(Error::Path {
            reason: PathError::BadSignature,
            ..
        })
    ));
}

#[test]
fn the_cache_is_bounded() {
    let a = anchors();
    let cache = VerificationCache::with_capacity(1, 1);
    let verifier = Verifier::new(
        &kyso::TrustContext::new(&a, kyso::Revocation::NotChecked).cache(&cache),
        ValidationPolicy::at(validation_time()),
    );
    for file in [
        "cms/openssl-rsa2048-detached.p7s",
        "cms/openssl-ecdsa-p256.p7s",
        "cms/openssl-rsa3072-sha512.p7s",
    ] {
        let r = verifier.verify_encoded(&read(file), Some(&read("documents/cong-van.txt")));
        assert!(r.is_passed(), "{file}: {r}");
        assert!(cache.verified_links() <= 1);
        assert!(cache.certificates() <= 1);
    }
    cache.clear();
    assert_eq!(cache.verified_links() + cache.certificates(), 0);
}

#[test]
fn batches_keep_order_and_verdicts() {
    let a = anchors();
    let cache = VerificationCache::new();
    let verifier = Verifier::new(
        &kyso::TrustContext::new(&a, kyso::Revocation::NotChecked).cache(&cache),
        ValidationPolicy::at(validation_time()),
    );
    let good = read("documents/cong-van.txt");
    let bad = read("documents/quyet-dinh.txt");
    let files: Vec<Vec<u8>> = [
        "cms/openssl-rsa2048-detached.p7s",
        "cms/openssl-ecdsa-p256.p7s",
        "cms/openssl-rsa-pss.p7s",
        "cms/openssl-expired-signer.p7s",
    ]
    .iter()
    .map(|f| read(f))
    .collect();
    let mut items: Vec<(&[u8], Option<&[u8]>)> = Vec::new();
    for i in 0..40 {
        let doc: &[u8] = if i % 3 == 0 { &bad } else { &good };
        items.push((&files[i % files.len()], Some(doc)));
    }
    items.push((b"not a signature", None));
    let batch = verifier.verify_batch(&items);
    assert_eq!(batch.len(), items.len());
    for ((sig, doc), report) in items.iter().zip(&batch) {
        let alone = Verifier::new(
            &kyso::TrustContext::new(&a, kyso::Revocation::NotChecked),
            ValidationPolicy::at(validation_time()),
        )
        .verify_encoded(sig, *doc);
        assert_eq!(verdict(report), verdict(&alone));
    }
    assert!(batch.iter().any(|r| r.is_passed()));
    assert!(batch.iter().any(|r| !r.is_passed()));
    assert!(verifier.verify_batch(&[]).is_empty());
}
