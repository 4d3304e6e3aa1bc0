//! kyso against OpenSSL (through the `openssl` crate) and against the floor (ring's raw
//! operations), in one run, on the verification hot path:
//!
//! - SHA-256 and SHA-512 of 1 KiB, 1 MiB and 64 MiB;
//! - parsing one certificate;
//! - path validation of a 3-level chain (certificates already parsed);
//! - CMS detached verification end to end (1 KiB document, 3-level chain, parse included):
//!   kyso cold (nothing cached), kyso warm (a `VerificationCache` that has seen the chain),
//!   OpenSSL, and the floors: cold, the document's digest, the signed attributes' digest and
//!   three signature checks; warm, the digests and the signer's signature check.
//!
//! - a Vietnamese e-invoice (XML signature, RSA-3072) under the `vn-einvoice` profile, against
//!   `xmlsec1 --verify` run as a process and against the floor.
//!
//! Both chains use one key kind throughout (test-vectors/bench/: RSA-2048, or P-256).
//! At the end it prints a table of medians and ratios. The CMS groups also time kyso and
//! its floor in alternation (after criterion's measurements), for kyso ÷ floor ratios that
//! the machine's drift between two measurements does not move.
//!
//! `cargo bench -p kyso-bench` (about four minutes); `KYSO_BENCH_QUICK=1` for a shorter run.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use criterion::{BenchmarkId, Criterion, Throughput};
use kyso::digest::DigestAlgorithm;
use kyso::key::AlgorithmPolicy;
use kyso::path::VerificationCache;
use kyso::{
    Certificate, KeyPurpose, PathValidator, SignatureBuilder, Signer, SoftwareSigner, Time,
    TrustStore, ValidationPolicy, Verifier,
};
use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::stack::Stack;
use openssl::x509::store::{X509Store, X509StoreBuilder};
use openssl::x509::verify::X509VerifyParam;
use openssl::x509::{X509, X509StoreContext};

fn vector(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../test-vectors")
        .join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(vector(rel)).unwrap()
}

fn time() -> Time {
    Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap()
}

struct Chain {
    root: Certificate,
    ca: Certificate,
    ee: Certificate,
    key: SoftwareSigner,
    o_root: X509,
    o_ca: X509,
    o_ee: X509,
}

fn chain(kind: &str) -> Chain {
    let c = |name: &str| Certificate::from_pem(&read(&format!("bench/{kind}-{name}.pem"))).unwrap();
    let o = |name: &str| X509::from_pem(&read(&format!("bench/{kind}-{name}.pem"))).unwrap();
    Chain {
        root: c("root"),
        ca: c("ca"),
        ee: c("ee"),
        key: SoftwareSigner::from_file(vector(&format!("bench/keys/{kind}-ee.key.pem")), None)
            .unwrap(),
        o_root: o("root"),
        o_ca: o("ca"),
        o_ee: o("ee"),
    }
}

fn openssl_store(root: &X509) -> X509Store {
    let mut b = X509StoreBuilder::new().unwrap();
    b.add_cert(root.clone()).unwrap();
    let mut param = X509VerifyParam::new().unwrap();
    param.set_time(time().unix());
    b.set_param(&param).unwrap();
    b.build()
}

fn hashing(c: &mut Criterion) {
    let mut group = c.benchmark_group("hash");
    for (label, size) in [
        ("1KiB", 1usize << 10),
        ("1MiB", 1 << 20),
        ("64MiB", 64 << 20),
    ] {
        let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        group.throughput(Throughput::Bytes(size as u64));
        if size > 1 << 20 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::new("kyso-sha256", label), &data, |b, d| {
            b.iter(|| kyso::digest::digest(DigestAlgorithm::Sha256, black_box(d)))
        });
        group.bench_with_input(BenchmarkId::new("openssl-sha256", label), &data, |b, d| {
            b.iter(|| openssl::sha::sha256(black_box(d)))
        });
        group.bench_with_input(BenchmarkId::new("kyso-sha512", label), &data, |b, d| {
            b.iter(|| kyso::digest::digest(DigestAlgorithm::Sha512, black_box(d)))
        });
        group.bench_with_input(BenchmarkId::new("openssl-sha512", label), &data, |b, d| {
            b.iter(|| openssl::sha::sha512(black_box(d)))
        });
    }
    group.finish();
}

fn certificates_and_paths(c: &mut Criterion) {
    for kind in ["rsa2048", "p256"] {
        let ch = chain(kind);
        let mut group = c.benchmark_group(format!("path-{kind}"));
        let der = ch.ee.der().to_vec();
        group.bench_function("kyso-parse", |b| {
            b.iter(|| Certificate::from_der(black_box(&der)).unwrap())
        });
        group.bench_function("openssl-parse", |b| {
            b.iter(|| X509::from_der(black_box(&der)).unwrap())
        });
        let anchors = TrustStore::from_certificates([ch.root.clone()]);
        let intermediates = [ch.ca.clone()];
        let validator = PathValidator::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            time(),
        )
        .purpose(KeyPurpose::Any);
        group.bench_function("kyso-validate", |b| {
            b.iter(|| {
                validator
                    .validate(black_box(&ch.ee), &intermediates)
                    .unwrap()
            })
        });
        let store = openssl_store(&ch.o_root);
        let mut untrusted = Stack::new().unwrap();
        untrusted.push(ch.o_ca.clone()).unwrap();
        group.bench_function("openssl-validate", |b| {
            b.iter(|| {
                let mut ctx = X509StoreContext::new().unwrap();
                let ok = ctx
                    .init(&store, black_box(&ch.o_ee), &untrusted, |c| c.verify_cert())
                    .unwrap();
                assert!(ok);
            })
        });
        let policy = AlgorithmPolicy::default();
        group.bench_function("floor-validate", |b| {
            b.iter(|| {
                ch.ee
                    .verify_signed_by(ch.ca.public_key().unwrap(), &policy)
                    .unwrap();
                ch.ca
                    .verify_signed_by(ch.root.public_key().unwrap(), &policy)
                    .unwrap();
            })
        });
        group.finish();
    }
}

fn cms(c: &mut Criterion) {
    let document: Vec<u8> = (0..1024).map(|i| (i % 251) as u8).collect();
    for kind in ["rsa2048", "p256"] {
        let ch = chain(kind);
        let der = SignatureBuilder::new(ch.ee.clone(), time())
            .chain([ch.ca.clone()])
            .sign(&document, &ch.key)
            .unwrap()
            .to_der()
            .unwrap();
        let anchors = TrustStore::from_certificates([ch.root.clone()]);
        let policy = ValidationPolicy::at(time());
        let mut group = c.benchmark_group(format!("cms-{kind}"));

        group.bench_function("kyso-cold", |b| {
            b.iter(|| {
                let r = Verifier::new(
                    &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
                    policy.clone(),
                )
                .verify_encoded(black_box(&der), Some(black_box(&document)));
                assert!(r.is_passed());
            })
        });
        let cache = VerificationCache::new();
        let warm = Verifier::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked).cache(&cache),
            policy.clone(),
        );
        assert!(warm.verify_encoded(&der, Some(&document)).is_passed());
        group.bench_function("kyso-warm", |b| {
            b.iter(|| {
                let r = warm.verify_encoded(black_box(&der), Some(black_box(&document)));
                assert!(r.is_passed());
            })
        });
        let store = openssl_store(&ch.o_root);
        let openssl = || {
            let mut info = CmsContentInfo::from_der(black_box(&der)).unwrap();
            info.verify(
                None,
                Some(&store),
                Some(black_box(&document)),
                None,
                CMSOptions::BINARY,
            )
            .unwrap();
        };
        group.bench_function("openssl", |b| b.iter(openssl));

        // The floors: what no implementation can skip.
        let prepared = SignatureBuilder::new(ch.ee.clone(), time())
            .chain([ch.ca.clone()])
            .prepare(&document, ch.key.algorithm())
            .unwrap();
        let tbs = prepared.to_be_signed().to_vec();
        let sig = ch.key.sign(&tbs).unwrap();
        let alg = ch.key.algorithm();
        let ee_key = ch.ee.public_key().unwrap().clone();
        let ap = AlgorithmPolicy::default();
        let signer_check = || {
            let _ = ring::digest::digest(&ring::digest::SHA256, black_box(&document));
            let _ = ring::digest::digest(&ring::digest::SHA256, black_box(&tbs));
            ee_key.verify(alg, black_box(&tbs), &sig, &ap).unwrap();
        };
        let floor_cold = || {
            signer_check();
            ch.ee
                .verify_signed_by(ch.ca.public_key().unwrap(), &ap)
                .unwrap();
            ch.ca
                .verify_signed_by(ch.root.public_key().unwrap(), &ap)
                .unwrap();
        };
        group.bench_function("floor-cold", |b| b.iter(floor_cold));
        group.bench_function("floor-warm", |b| b.iter(signer_check));
        group.finish();

        // The same two ratios measured in alternation, where the machine's drift hits kyso
        // and its floor alike (on a shared VM the floor alone moves by a third between
        // criterion's measurements of one and of the other).
        if selected(&format!("cms-{kind}")) {
            let cold = Verifier::new(
                &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
                policy.clone(),
            );
            let kyso_cold = || {
                assert!(
                    cold.verify_encoded(black_box(&der), Some(black_box(&document)))
                        .is_passed()
                );
            };
            let kyso_warm = || {
                assert!(
                    warm.verify_encoded(black_box(&der), Some(black_box(&document)))
                        .is_passed()
                );
            };
            // kyso against its floors, and OpenSSL against kyso and against the floors:
            // OpenSSL ÷ floor is the most any verifier built on ring's operations could
            // reach. Each pair: its key, the two timed, the runs of each per round.
            let pairs: [(&str, Timed<'_>, Timed<'_>, usize); 6] = [
                ("cold", &kyso_cold, &floor_cold, 10),
                ("warm", &kyso_warm, &signer_check, 30),
                ("cold/openssl", &openssl, &kyso_cold, 4),
                ("warm/openssl", &openssl, &kyso_warm, 4),
                ("cold/openssl-floor", &openssl, &floor_cold, 4),
                ("warm/openssl-floor", &openssl, &signer_check, 4),
            ];
            let mut paired = PAIRED.lock().unwrap();
            for (key, a, b, per) in pairs {
                paired.insert(format!("cms-{kind}/{key}"), alternating(a, b, per));
            }
        }
    }
}

/// One of two operations timed in alternation.
type Timed<'a> = &'a dyn Fn();

/// kyso ÷ floor ratios measured by [`alternating`], by `cms-{kind}/{cold|warm}`.
static PAIRED: std::sync::Mutex<BTreeMap<String, f64>> = std::sync::Mutex::new(BTreeMap::new());

/// Whether the criterion filter given on the command line, if any, selects `group`.
fn selected(group: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    filters.is_empty()
        || filters
            .iter()
            .any(|f| group.starts_with(f.as_str()) || f.starts_with(group))
}

/// The time of `a` over the time of `b`, measured in alternation: rounds of `per` runs of
/// one then `per` runs of the other (which goes first alternates), the median of the
/// rounds' ratios. 401 rounds (41 with `KYSO_BENCH_QUICK`) after 20 unmeasured.
fn alternating(mut a: impl FnMut(), mut b: impl FnMut(), per: usize) -> f64 {
    let rounds = if std::env::var_os("KYSO_BENCH_QUICK").is_some() {
        41
    } else {
        401
    };
    let time = |f: &mut dyn FnMut()| {
        let start = std::time::Instant::now();
        for _ in 0..per {
            f();
        }
        start.elapsed().as_secs_f64()
    };
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds + 20 {
        let (ta, tb) = if round % 2 == 0 {
            let ta = time(&mut a);
            (ta, time(&mut b))
        } else {
            let tb = time(&mut b);
            (time(&mut a), tb)
        };
        if round >= 20 {
            ratios.push(ta / tb);
        }
    }
    ratios.sort_by(f64::total_cmp);
    ratios[rounds / 2]
}

/// The chip curves ring lacks: one ECDSA verification (hashing a 64-byte message
/// included) by a key already parsed, in kyso and in OpenSSL, and kyso's verification again
/// with the SHA-1 hash when it only touches the curve (`openssl speed ecdsa` measures the same).
fn chip_curves(c: &mut Criterion) {
    use kyso::key::{PublicKey, SignatureAlgorithm};
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::PKey;
    let message = [0x5au8; 64];
    let ap = AlgorithmPolicy::default();
    for (label, nid, key, digest, md) in [
        (
            "brainpoolP256r1",
            Nid::BRAINPOOL_P256R1,
            kyso::key::KeyType::EcBrainpoolP256r1,
            DigestAlgorithm::Sha256,
            MessageDigest::sha256(),
        ),
        (
            "brainpoolP384r1",
            Nid::BRAINPOOL_P384R1,
            kyso::key::KeyType::EcBrainpoolP384r1,
            DigestAlgorithm::Sha384,
            MessageDigest::sha384(),
        ),
        (
            "brainpoolP512r1",
            Nid::BRAINPOOL_P512R1,
            kyso::key::KeyType::EcBrainpoolP512r1,
            DigestAlgorithm::Sha512,
            MessageDigest::sha512(),
        ),
        (
            "P-521",
            Nid::SECP521R1,
            kyso::key::KeyType::EcP521,
            DigestAlgorithm::Sha512,
            MessageDigest::sha512(),
        ),
    ] {
        let group_ = EcGroup::from_curve_name(nid).unwrap();
        let pkey = PKey::from_ec_key(EcKey::generate(&group_).unwrap()).unwrap();
        let mut signer = openssl::sign::Signer::new(md, &pkey).unwrap();
        let sig = signer.sign_oneshot_to_vec(&message).unwrap();
        let spki = pkey.public_key_to_der().unwrap();
        let public = PKey::public_key_from_der(&spki).unwrap();
        let kyso_key = PublicKey::from_spki_der(&spki).unwrap();
        let alg = SignatureAlgorithm::Ecdsa { key, digest };
        kyso_key.verify(alg, &message, &sig, &ap).unwrap();
        let mut group = c.benchmark_group(format!("ecdsa-{label}"));
        group.bench_function("kyso", |b| {
            b.iter(|| {
                kyso_key
                    .verify(alg, black_box(&message), black_box(&sig), &ap)
                    .unwrap()
            })
        });
        group.bench_function("openssl", |b| {
            b.iter(|| {
                let mut v = openssl::sign::Verifier::new(md, &public).unwrap();
                assert!(
                    v.verify_oneshot(black_box(&sig), black_box(&message))
                        .unwrap()
                );
            })
        });
        group.finish();
    }
}

/// Passive authentication of the bundled CCCD-like card (a brainpoolP256r1 document signer
/// under a brainpoolP512r1 CSCA with explicit parameters), parsing included, against
/// OpenSSL doing the same checks: the SOD's CMS signature by the document signer, the
/// document signer's certificate by the CSCA, and the data groups' SHA-256 digests.
fn passive_auth(c: &mut Criterion) {
    use kyso::eid::{PassiveAuth, Sod};
    use openssl::hash::{MessageDigest, hash};
    let sod_der = read("eid/cccd-brainpool.sod");
    let csca_pem = read("eid/csca-vn.pem");
    let dgs: Vec<(u8, Vec<u8>)> = [
        (1u8, "cccd-dg1.bin"),
        (2, "cccd-dg2.bin"),
        (13, "cccd-dg13.bin"),
    ]
    .iter()
    .map(|(n, f)| (*n, read(&format!("eid/{f}"))))
    .collect();
    let refs: Vec<(u8, &[u8])> = dgs.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let anchors = TrustStore::from_pem(&csca_pem).unwrap();
    // The chip vectors take their generation time as notBefore.
    let now = Time::now();
    let o_csca = X509::from_pem(&csca_pem).unwrap().public_key().unwrap();
    // The SOD wraps its ContentInfo in the ICAO application tag [APPLICATION 23].
    let cms_der = {
        let (_, len_len) = match sod_der[1] {
            l if l < 0x80 => (l as usize, 1),
            l => (0, 1 + (l & 0x7f) as usize),
        };
        sod_der[1 + len_len..].to_vec()
    };
    let mut group = c.benchmark_group("passive-auth-cccd");
    group.bench_function("kyso", |b| {
        b.iter(|| {
            let sod = Sod::parse(black_box(&sod_der)).unwrap();
            let r = PassiveAuth::new(
                &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
                now,
            )
            .verify(&sod, &refs);
            assert!(r.is_passed());
        })
    });
    group.bench_function("openssl", |b| {
        b.iter(|| {
            let mut info = CmsContentInfo::from_der(black_box(&cms_der)).unwrap();
            let mut content = Vec::new();
            info.verify(
                None,
                None,
                None,
                Some(&mut content),
                CMSOptions::BINARY | CMSOptions::NO_SIGNER_CERT_VERIFY,
            )
            .unwrap();
            let ds = ds_certificate(&cms_der);
            assert!(ds.verify(&o_csca).unwrap());
            for (_, dg) in &refs {
                let d = hash(MessageDigest::sha256(), dg).unwrap();
                assert!(content.windows(d.len()).any(|w| w == &d[..]));
            }
        })
    });
    group.finish();
}

/// The document signer's certificate in a SOD's SignedData, for OpenSSL (whose Rust binding
/// does not hand out a CMS's signer certificates).
fn ds_certificate(cms_der: &[u8]) -> X509 {
    let pkcs7 = openssl::pkcs7::Pkcs7::from_der(cms_der).unwrap();
    let certs = pkcs7.signed().unwrap().certificates().unwrap();
    certs.iter().next().unwrap().to_owned()
}

/// 10,000 warm RSA-2048 verifications, one after another and with `verify_batch`.
fn batch(c: &mut Criterion) {
    let document: Vec<u8> = (0..1024).map(|i| (i % 251) as u8).collect();
    let ch = chain("rsa2048");
    let der = SignatureBuilder::new(ch.ee.clone(), time())
        .chain([ch.ca.clone()])
        .sign(&document, &ch.key)
        .unwrap()
        .to_der()
        .unwrap();
    let anchors = TrustStore::from_certificates([ch.root.clone()]);
    let cache = VerificationCache::new();
    let verifier = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked).cache(&cache),
        ValidationPolicy::at(time()),
    );
    let items: Vec<(&[u8], Option<&[u8]>)> = (0..10_000)
        .map(|_| (der.as_slice(), Some(document.as_slice())))
        .collect();
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("sequential-10000", |b| {
        b.iter(|| {
            for (s, d) in &items {
                assert!(verifier.verify_encoded(s, *d).is_passed());
            }
        })
    });
    group.bench_function("verify_batch-10000", |b| {
        b.iter(|| {
            let reports = verifier.verify_batch(black_box(&items));
            assert!(reports.iter().all(|r| r.is_passed()));
        })
    });
    group.finish();
}

/// An e-invoice signed by xmlsec1 (RSA-3072 seller, two references), validated under the
/// `vn-einvoice` profile with its chain: kyso in process; `xmlsec1 --verify` as a process
/// (what a system calling it pays, start-up included; skipped where xmlsec1 is not
/// installed); and the floor, the two references' SHA-256 and one RSA verification, with and
/// without the chain's two certificate signatures.
fn einvoice(c: &mut Criterion) {
    use kyso::xml::{Canonicalization, XmlDocument};
    let path = vector("xml/einvoice/signed/xmlsec1-rsa.xml");
    let bytes = std::fs::read(&path).unwrap();
    let root = Certificate::from_pem(&read("pki/root-ca.pem")).unwrap();
    let issuer = Certificate::from_pem(&read("pki/intermediate-ca.pem")).unwrap();
    let seller = Certificate::from_pem(&read("pki/ee-rsa3072.pem")).unwrap();
    let anchors = TrustStore::from_certificates([root]);
    let at = Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap();
    let context =
        kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked).certificates([issuer]);
    // The floor's inputs, as the verifier digests and verifies them.
    let doc = XmlDocument::parse(&bytes).unwrap();
    let c14n = Canonicalization::Inclusive {
        with_comments: false,
    };
    let data = doc.canonicalize_element("K26TKY42", &c14n).unwrap();
    let object = doc
        .canonicalize_element("SigningTime-K26TKY42", &c14n)
        .unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let value_b64: String = text
        .split("<SignatureValue>")
        .nth(1)
        .and_then(|t| t.split("</SignatureValue>").next())
        .unwrap()
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let value = base64_decode(&value_b64);
    let start = text.find("<SignedInfo>").unwrap();
    let end = text.find("</SignedInfo>").unwrap() + "</SignedInfo>".len();
    let signed_info = format!(
        "<SignedInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\">{}",
        &text[start + "<SignedInfo>".len()..end]
    );
    let signed_info = XmlDocument::parse(signed_info.as_bytes())
        .unwrap()
        .canonicalize(&c14n);
    let key = seller.public_key().unwrap().clone();
    let policy = AlgorithmPolicy::default();
    assert!(
        key.verify(
            kyso::key::SignatureAlgorithm::RsaPkcs1Sha256,
            &signed_info,
            &value,
            &policy
        )
        .is_ok(),
        "the floor's inputs are not the verifier's"
    );
    let mut group = c.benchmark_group("einvoice");
    group.bench_function("kyso", |b| {
        b.iter(|| {
            let doc = XmlDocument::parse(black_box(&bytes)).unwrap();
            let r = Verifier::new(&context, ValidationPolicy::at(at)).verify_einvoice(&doc);
            assert!(r.is_passed());
        })
    });
    let signature_floor = || {
        let _ = ring::digest::digest(&ring::digest::SHA256, black_box(&data));
        let _ = ring::digest::digest(&ring::digest::SHA256, black_box(&object));
        key.verify(
            kyso::key::SignatureAlgorithm::RsaPkcs1Sha256,
            black_box(&signed_info),
            &value,
            &policy,
        )
        .unwrap();
    };
    group.bench_function("floor", |b| b.iter(signature_floor));
    // The same, with the chain's two certificate signatures (what a validation with a
    // path cannot skip either).
    let issuer_ca = Certificate::from_pem(&read("pki/intermediate-ca.pem")).unwrap();
    let root_ca = Certificate::from_pem(&read("pki/root-ca.pem")).unwrap();
    group.bench_function("floor-with-chain", |b| {
        b.iter(|| {
            signature_floor();
            seller
                .verify_signed_by(issuer_ca.public_key().unwrap(), &policy)
                .unwrap();
            issuer_ca
                .verify_signed_by(root_ca.public_key().unwrap(), &policy)
                .unwrap();
        })
    });
    let xmlsec1 = std::process::Command::new("xmlsec1")
        .arg("--version")
        .output();
    if xmlsec1.is_ok_and(|o| o.status.success()) {
        group.sample_size(10);
        let args = [
            "--verify".to_owned(),
            "--trusted-pem".to_owned(),
            vector("pki/root-ca.pem").display().to_string(),
            "--untrusted-pem".to_owned(),
            vector("pki/intermediate-ca.pem").display().to_string(),
            "--id-attr:Id".to_owned(),
            "DLHDon".to_owned(),
            "--id-attr:Id".to_owned(),
            "http://www.w3.org/2000/09/xmldsig#:Object".to_owned(),
            "--verification-gmt-time".to_owned(),
            "2026-06-01 00:00:00".to_owned(),
            path.display().to_string(),
        ];
        group.bench_function("xmlsec1-process", |b| {
            b.iter(|| {
                let out = std::process::Command::new("xmlsec1")
                    .args(&args)
                    .output()
                    .unwrap();
                assert!(out.status.success());
            })
        });
    }
    group.finish();
}

fn base64_decode(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = alphabet.iter().position(|a| *a == c).unwrap() as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Medians (ns) by "group/function[/parameter]", read back from criterion's output.
/// The medians criterion wrote at or after `since` (this run), by benchmark id: results
/// left in `dir` by earlier runs, of groups this run did not measure, are not reported.
fn medians(dir: &Path, since: SystemTime) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.ends_with("new/benchmark.json")
                && std::fs::metadata(p.with_file_name("estimates.json"))
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t >= since)
            {
                let meta: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                let est: serde_json::Value = serde_json::from_slice(
                    &std::fs::read(p.with_file_name("estimates.json")).unwrap(),
                )
                .unwrap();
                let id = meta["full_id"].as_str().unwrap_or_default().to_owned();
                let median = est["median"]["point_estimate"].as_f64().unwrap_or(f64::NAN);
                out.insert(id, median);
            }
        }
    }
    out
}

fn show(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}

fn throughput(bytes: f64, ns: f64) -> String {
    let mib = bytes / ns * 1e9 / 1_048_576.0;
    if mib >= 1024.0 {
        format!("{:.2} GiB/s", mib / 1024.0)
    } else {
        format!("{mib:.0} MiB/s")
    }
}

/// The medians as the Markdown table of BENCHMARKS.md, ready to paste: the rows this run
/// measured (a run of some groups only prints theirs).
fn report(dir: &Path, since: SystemTime) {
    let m = medians(dir, since);
    let get = |k: &str| m.get(k).copied().unwrap_or(f64::NAN);
    let paired = PAIRED.lock().map(|p| p.clone()).unwrap_or_default();
    let ratio = |a: f64, b: f64| {
        if a.is_nan() || b.is_nan() {
            String::new()
        } else {
            format!("{:.2}×", a / b)
        }
    };
    let mut rows: Vec<[String; 6]> = Vec::new();
    for (alg, size, bytes) in [
        ("sha256", "1KiB", 1024.0),
        ("sha256", "1MiB", 1_048_576.0),
        ("sha256", "64MiB", 67_108_864.0),
        ("sha512", "64MiB", 67_108_864.0),
    ] {
        let k = get(&format!("hash/kyso-{alg}/{size}"));
        let o = get(&format!("hash/openssl-{alg}/{size}"));
        rows.push([
            format!(
                "{}, {}",
                alg.replace("sha", "SHA-"),
                size.replace("KiB", " KiB").replace("MiB", " MiB")
            ),
            throughput(bytes, k),
            throughput(bytes, o),
            String::new(),
            ratio(o, k),
            String::new(),
        ]);
    }
    for (kind, label) in [("rsa2048", "RSA-2048"), ("p256", "P-256")] {
        let p = |f: &str| get(&format!("path-{kind}/{f}"));
        let c = |f: &str| get(&format!("cms-{kind}/{f}"));
        rows.push([
            format!("parse one certificate, {label}"),
            show(p("kyso-parse")),
            show(p("openssl-parse")),
            String::new(),
            ratio(p("openssl-parse"), p("kyso-parse")),
            String::new(),
        ]);
        rows.push([
            format!("path validation, 3-level {label} (parsed)"),
            show(p("kyso-validate")),
            show(p("openssl-validate")),
            show(p("floor-validate")),
            ratio(p("openssl-validate"), p("kyso-validate")),
            ratio(p("kyso-validate"), p("floor-validate")),
        ]);
        for (temp, floor) in [("cold", "floor-cold"), ("warm", "floor-warm")] {
            rows.push([
                format!("CMS verify {label}, {temp}"),
                show(c(&format!("kyso-{temp}"))),
                show(c("openssl")),
                show(c(floor)),
                ratio(c("openssl"), c(&format!("kyso-{temp}"))),
                ratio(c(&format!("kyso-{temp}")), c(floor)),
            ]);
        }
        let times = |key: String| {
            paired
                .get(&key)
                .map_or(String::new(), |r| format!("{r:.2}×"))
        };
        for temp in ["cold", "warm"] {
            if paired.contains_key(&format!("cms-{kind}/{temp}")) {
                rows.push([
                    format!("CMS verify {label}, {temp}, timed in alternation with its floor and with OpenSSL"),
                    String::new(),
                    String::new(),
                    String::new(),
                    times(format!("cms-{kind}/{temp}/openssl")),
                    times(format!("cms-{kind}/{temp}")),
                ]);
                rows.push([
                    format!("the {temp} floor itself, timed in alternation with OpenSSL (the most a verifier on ring can reach)"),
                    String::new(),
                    String::new(),
                    String::new(),
                    times(format!("cms-{kind}/{temp}/openssl-floor")),
                    String::new(),
                ]);
            }
        }
    }
    for curve in [
        "brainpoolP256r1",
        "brainpoolP384r1",
        "brainpoolP512r1",
        "P-521",
    ] {
        let k = get(&format!("ecdsa-{curve}/kyso"));
        let o = get(&format!("ecdsa-{curve}/openssl"));
        rows.push([
            format!("ECDSA verify {curve} (key parsed)"),
            show(k),
            show(o),
            String::new(),
            ratio(o, k),
            String::new(),
        ]);
    }
    let k = get("passive-auth-cccd/kyso");
    let o = get("passive-auth-cccd/openssl");
    rows.push([
        "passive authentication, CCCD card (brainpool)".into(),
        show(k),
        show(o),
        String::new(),
        ratio(o, k),
        String::new(),
    ]);
    let seq = get("batch/sequential-10000");
    let par = get("batch/verify_batch-10000");
    rows.push([
        format!(
            "batch of 10,000 warm RSA-2048 on {} cores",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        ),
        format!("{} each", show(par / 10_000.0)),
        String::new(),
        String::new(),
        String::new(),
        format!("{} the sequential rate", ratio(seq, par)),
    ]);
    println!("\n==== kyso against OpenSSL and the floor (medians, same run) ====\n");
    println!("| measurement | kyso | OpenSSL | floor | OpenSSL / kyso | kyso / floor |");
    println!("|---|---|---|---|---|---|");
    // A row whose kyso figure this run did not measure is left out.
    for r in rows.iter().filter(|r| !r[1].contains("NaN")) {
        println!("| {} |", r.join(" | "));
    }
    let (k, x, f, fc) = (
        get("einvoice/kyso"),
        get("einvoice/xmlsec1-process"),
        get("einvoice/floor"),
        get("einvoice/floor-with-chain"),
    );
    if k.is_nan() {
        println!();
        return;
    }
    println!("\n==== e-invoices: kyso against xmlsec1 (a process per file) and the floor ====\n");
    println!("| measurement | kyso | xmlsec1 --verify | floor | xmlsec1 / kyso | kyso / floor |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| e-invoice verify, RSA-3072 seller, chain and profile | {} | {} | {} | {} | {} |",
        show(k),
        show(x),
        show(f),
        ratio(x, k),
        ratio(k, f)
    );
    println!(
        "| the same, floor with the chain's two certificate signatures | | | {} | | {} |",
        show(fc),
        ratio(k, fc)
    );
    println!();
}

fn main() {
    let started = SystemTime::now();
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/kyso-bench");
    let quick = std::env::var_os("KYSO_BENCH_QUICK").is_some();
    let (warm, measure) = if quick {
        (Duration::from_millis(300), Duration::from_secs(1))
    } else {
        (Duration::from_secs(1), Duration::from_secs(4))
    };
    let mut c = Criterion::default()
        .output_directory(&out)
        .warm_up_time(warm)
        .measurement_time(measure)
        .configure_from_args();
    hashing(&mut c);
    certificates_and_paths(&mut c);
    cms(&mut c);
    batch(&mut c);
    chip_curves(&mut c);
    passive_auth(&mut c);
    einvoice(&mut c);
    c.final_summary();
    report(&out, started);
}
