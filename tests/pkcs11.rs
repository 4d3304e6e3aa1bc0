//! Signing on a real PKCS#11 token: SoftHSM2, with the test PKI's keys and certificates
//! imported into a token made in a temporary directory.
//!
//! SoftHSM reads its configuration (`SOFTHSM2_CONF`) when the module is initialised, once per
//! process, so `softhsm_suite` prepares the tokens and runs the tests marked `softhsm_` in a
//! child process of this test binary with that variable set. Without SoftHSM2 the suite
//! prints why and skips, except under `CI=true`, where it must run.

#![cfg(feature = "pkcs11")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use kyso::error::{SignatureError, SigningError, TokenError};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use common::{cert, read, vector_path};
use kyso::cms::PreparedSignature;
use kyso::key::SignatureAlgorithm;
use kyso::pkcs11::{KeySelector, Pkcs11Module, Pkcs11Signer, TokenSelector};
use kyso::{
    Error, Indication, SignatureBuilder, Signer, Time, TrustStore, ValidationPolicy, Verifier,
};

const PIN: &str = "123456";
const SO_PIN: &str = "12345678";
const TOKEN: &str = "kyso-test";
const REMOVAL_TOKEN: &str = "kyso-removal";

fn module_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KYSO_PKCS11_MODULE") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

fn run(conf: &Path, program: &str, args: &[&str]) {
    let out = Command::new(program)
        .env("SOFTHSM2_CONF", conf)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Prepares the tokens and runs the `softhsm_` tests in a child process.
#[test]
fn softhsm_suite() {
    let Some(module) = module_path() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "SoftHSM2 is required under CI (apt-get install softhsm2 opensc)"
        );
        eprintln!(
            "skipping: SoftHSM2 not found (apt-get install softhsm2 opensc, or set KYSO_PKCS11_MODULE)"
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("kyso-softhsm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("tokens")).unwrap();
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            dir.join("tokens").display()
        ),
    )
    .unwrap();
    let m = module.to_str().unwrap();
    for label in [TOKEN, REMOVAL_TOKEN] {
        run(
            &conf,
            "softhsm2-util",
            &[
                "--init-token",
                "--free",
                "--label",
                label,
                "--pin",
                PIN,
                "--so-pin",
                SO_PIN,
            ],
        );
    }
    // Keys (PKCS#8 PEM) and their certificates (DER), each pair sharing a CKA_ID.
    let entries = [
        (
            TOKEN,
            "rsa",
            "01",
            "keys/ee-rsa2048.key.pem",
            "pki/ee-rsa2048.pem",
        ),
        (
            TOKEN,
            "seal",
            "02",
            "keys/ee-rsa3072.key.pem",
            "pki/ee-rsa3072.pem",
        ),
        (
            TOKEN,
            "p256",
            "03",
            "keys/ee-ecdsa-p256.key.pem",
            "pki/ee-ecdsa-p256.pem",
        ),
        (
            TOKEN,
            "p384",
            "04",
            "keys/ee-ecdsa-p384.key.pem",
            "pki/ee-ecdsa-p384.pem",
        ),
        (
            TOKEN,
            "nosign",
            "05",
            "keys/ee-rsa4096.key.pem",
            "pki/ee-rsa4096.pem",
        ),
        (
            TOKEN,
            "ed25519",
            "06",
            "keys/ee-ed25519.key.pem",
            "pki/ee-ed25519.pem",
        ),
        (
            REMOVAL_TOKEN,
            "rsa",
            "01",
            "keys/ee-rsa2048.key.pem",
            "pki/ee-rsa2048.pem",
        ),
    ];
    for (token, label, id, key, certificate) in entries {
        let key_path = vector_path(key);
        run(
            &conf,
            "softhsm2-util",
            &[
                "--import",
                key_path.to_str().unwrap(),
                "--token",
                token,
                "--label",
                label,
                "--id",
                id,
                "--pin",
                PIN,
            ],
        );
        let der_path = dir.join(format!("{token}-{label}.der"));
        std::fs::write(&der_path, cert(certificate).der()).unwrap();
        run(
            &conf,
            "pkcs11-tool",
            &[
                "--module",
                m,
                "--token-label",
                token,
                "--login",
                "--pin",
                PIN,
                "--write-object",
                der_path.to_str().unwrap(),
                "--type",
                "cert",
                "--id",
                id,
                "--label",
                label,
            ],
        );
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .env("SOFTHSM2_CONF", &conf)
        .env("KYSO_SOFTHSM_MODULE", &module)
        .env("KYSO_SOFTHSM_DIR", &dir)
        .args(["--ignored", "--test-threads=1", "--nocapture", "softhsm_"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the SoftHSM tests failed");
    assert!(
        stdout.contains("test result: ok. 8 passed"),
        "the eight SoftHSM tests did not all run"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The module, in the child process; `None` (the test returns) when run outside the suite.
fn module() -> Option<Pkcs11Module> {
    let path = std::env::var_os("KYSO_SOFTHSM_MODULE")?;
    Some(Pkcs11Module::load(path).unwrap())
}

fn open_signer(m: &Pkcs11Module, label: &str) -> Pkcs11Signer {
    m.open(&TokenSelector::Label(TOKEN.into()), PIN)
        .unwrap()
        .signer(&KeySelector::Label(label.into()), None)
        .unwrap()
}

fn document() -> Vec<u8> {
    read("documents/cong-van.txt")
}

fn check_time() -> Time {
    Time::from_utc(2030, 1, 1, 0, 0, 0).unwrap()
}

fn assert_verifies(cms: &kyso::SignedCms, doc: &[u8], openssl_too: bool) {
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::at(check_time()).require_signing_certificate_attribute(),
    )
    .verify(cms, Some(doc));
    assert_eq!(report.indication(), Indication::TotalPassed, "{report}");
    if openssl_too {
        let dir = PathBuf::from(std::env::var_os("KYSO_SOFTHSM_DIR").unwrap());
        let sig = dir.join("sig.der");
        std::fs::write(&sig, cms.to_der().unwrap()).unwrap();
        let out = Command::new("openssl")
            .args([
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-purpose",
                "any",
                "-out",
                "/dev/null",
                "-in",
            ])
            .arg(&sig)
            .arg("-content")
            .arg(vector_path("documents/cong-van.txt"))
            .arg("-CAfile")
            .arg(vector_path("pki/root-ca.pem"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The module through `cryptoki` itself, and the slot of the token labelled `label`, for
/// what kyso's API rightly does not offer (changing key attributes, logging out).
fn raw_slot(label: &str) -> (cryptoki::context::Pkcs11, cryptoki::slot::Slot) {
    let ctx =
        cryptoki::context::Pkcs11::new(std::env::var_os("KYSO_SOFTHSM_MODULE").unwrap()).unwrap();
    // Already initialised by kyso in this process: that answer is expected.
    let _ = ctx.initialize(cryptoki::context::CInitializeArgs::new(
        cryptoki::context::CInitializeFlags::OS_LOCKING_OK,
    ));
    let slot = ctx
        .get_slots_with_token()
        .unwrap()
        .into_iter()
        .find(|s| ctx.get_token_info(*s).unwrap().label().trim() == label)
        .unwrap();
    (ctx, slot)
}

#[test]
#[ignore = "run by softhsm_suite in a child process that has the SoftHSM token"]
fn softhsm_lists_tokens_and_keys() {
    let Some(m) = module() else { return };
    let labels: Vec<String> = m.tokens().unwrap().into_iter().map(|t| t.label).collect();
    assert!(
        labels.contains(&TOKEN.to_owned()) && labels.contains(&REMOVAL_TOKEN.to_owned()),
        "{labels:?}"
    );
    let token = m.open(&TokenSelector::Label(TOKEN.into()), PIN).unwrap();
    let keys = token.keys().unwrap();
    let rsa = keys.iter().find(|k| k.label == "rsa").unwrap();
    assert_eq!(rsa.id, vec![1]);
    assert!(rsa.can_sign);
    assert_eq!(
        rsa.certificate
            .as_ref()
            .unwrap()
            .identity()
            .common_name
            .as_deref(),
        Some("Nguyễn Văn An")
    );
    let serial = token.description().serial.clone();
    assert!(m.open(&TokenSelector::Serial(serial), PIN).is_ok());
    assert!(token.signer(&KeySelector::Id(vec![3]), None).is_ok());
}

#[test]
#[ignore = "run by softhsm_suite in a child process that has the SoftHSM token"]
fn softhsm_signs_cms_with_rsa_and_ecdsa() {
    let Some(m) = module() else { return };
    let doc = document();
    for (label, alg) in [
        ("rsa", SignatureAlgorithm::RsaPkcs1Sha256),
        ("rsa", SignatureAlgorithm::RsaPkcs1Sha512),
        ("rsa", SignatureAlgorithm::RsaPssSha256),
        ("seal", SignatureAlgorithm::RsaPssSha384),
        ("p256", SignatureAlgorithm::EcdsaP256Sha256),
        ("p384", SignatureAlgorithm::EcdsaP384Sha384),
    ] {
        let signer = open_signer(&m, label).with_algorithm(alg).unwrap();
        let cms = SignatureBuilder::new(signer.certificate().clone(), Time::now())
            .chain([cert("pki/intermediate-ca.pem")])
            .sign(&doc, &signer)
            .unwrap_or_else(|e| panic!("{label} {alg}: {e}"));
        assert_verifies(&cms, &doc, true);
        println!("token signature {label} {alg}: verified by kyso and OpenSSL");
    }
    // Ed25519 (CKM_EDDSA): kyso verifies it; OpenSSL 3.0 cannot verify Ed25519 in CMS.
    let ed = open_signer(&m, "ed25519");
    assert_eq!(ed.algorithm(), SignatureAlgorithm::Ed25519);
    let cms = SignatureBuilder::new(ed.certificate().clone(), Time::now())
        .chain([cert("pki/intermediate-ca.pem")])
        .sign(&doc, &ed)
        .unwrap();
    assert_verifies(&cms, &doc, false);
}

/// A PDF signed on the token: the competent person's visible signature (RSA key "rsa"),
/// then the organisation's seal over it (key "seal"), both in incremental updates.
#[test]
#[ignore = "run by softhsm_suite in a child process that has the SoftHSM token"]
fn softhsm_signs_pdfs_author_then_seal() {
    use kyso::pdf::{PdfDocument, PdfSigning, SignatureAppearance};
    let Some(m) = module() else { return };
    let letter = read("pdf/sample-cong-van.pdf");
    let rect = [340.0, 150.0, 520.0, 230.0];
    let author = open_signer(&m, "rsa");
    let mut one = Vec::new();
    PdfSigning::new(author.certificate().clone(), Time::now())
        .chain([cert("pki/intermediate-ca.pem")])
        .appearance(
            SignatureAppearance::author(1, rect, &read("pdf/images/author-signature.png")).unwrap(),
        )
        .sign(
            &PdfDocument::from_bytes(&letter).unwrap(),
            &author,
            &mut one,
        )
        .unwrap();
    let seal = open_signer(&m, "seal");
    let mut two = Vec::new();
    PdfSigning::new(seal.certificate().clone(), Time::now())
        .chain([cert("pki/intermediate-ca.pem")])
        .appearance(SignatureAppearance::seal(1, rect, &read("pdf/images/seal.png")).unwrap())
        .sign(&PdfDocument::from_bytes(&one).unwrap(), &seal, &mut two)
        .unwrap();
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::at(check_time()),
    )
    .verify_pdf(&PdfDocument::from_bytes(&two).unwrap());
    assert!(report.is_passed(), "{report}");
    assert_eq!(report.signatures.len(), 2);
    println!("token PDF signatures: author then seal, both TOTAL-PASSED");
}

/// E-invoices signed as the seller with keys on the token (the organisation's RSA-3072 seal,
/// and a P-256 key, whose ECDSA value the token returns raw and kyso writes as r‖s), each
/// TOTAL-PASSED under the `vn-einvoice` profile.
#[test]
#[ignore = "run by softhsm_suite in a child process that has the SoftHSM token"]
fn softhsm_signs_einvoices() {
    use kyso::xml::XmlDocument;
    use kyso::xml::einvoice::InvoiceSigning;
    let Some(m) = module() else { return };
    let unsigned = String::from_utf8(read("xml/einvoice/unsigned.xml")).unwrap();
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let context = kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked)
        .certificates([cert("pki/intermediate-ca.pem")]);
    for (label, tax_code) in [("seal", "5700100256-001"), ("p256", "0104831030")] {
        let signer = open_signer(&m, label);
        let invoice = unsigned.replace(
            "<MST>5700100256-001</MST>",
            &format!("<MST>{tax_code}</MST>"),
        );
        let signed = InvoiceSigning::new(signer.certificate().clone(), Time::now())
            .sign(invoice.as_bytes(), &signer)
            .unwrap();
        let report = Verifier::new(&context, ValidationPolicy::at(check_time()))
            .verify_einvoice(&XmlDocument::parse(&signed).unwrap());
        assert!(report.is_passed(), "{label}: {report}");
    }
    println!("token e-invoice signatures: RSA-3072 and P-256, both TOTAL-PASSED");
}

/// The token signs digests too (CKM_RSA_PKCS over a DigestInfo, CKM_RSA_PKCS_PSS,
/// CKM_ECDSA), which is how a remote signing service uses it: prepare, save, sign the digest
/// on the token, resume, finish.
#[test]
#[ignore = "run by softhsm_suite in a child process that has the SoftHSM token"]
fn softhsm_two_step_with_digest_signing() {
    let Some(m) = module() else { return };
    let doc = document();
    for (label, alg) in [
        ("rsa", SignatureAlgorithm::RsaPkcs1Sha256),
        ("seal", SignatureAlgorithm::RsaPssSha512),
        ("p256", SignatureAlgorithm::EcdsaP256Sha256),
    ] {
        let signer = open_signer(&m, label).with_algorithm(alg).unwrap();
        assert!(signer.supports_digest_signing());
        let prepared = SignatureBuilder::new(signer.certificate().clone(), Time::now())
            .chain([cert("pki/intermediate-ca.pem")])
            .prepare(&doc, alg)
            .unwrap();
        let saved = prepared.to_bytes().unwrap();
        let to_sign = prepared.digest_to_sign().unwrap();
        let value = signer.sign_digest(&to_sign).unwrap();
        let cms = PreparedSignature::from_bytes(&saved)
            .unwrap()
            .finish(&value)
            .unwrap();
        assert_verifies(&cms, &doc, true);
    }
    let ed = open_signer(&m, "ed25519");
    assert!(!ed.supports_digest_signing());
    assert!(matches!(
        ed.sign_digest(&kyso::digest::digest(
            kyso::digest::DigestAlgorithm::Sha512,
            b"x"
        )),
        Err(Error::Signing(
            SigningError::DigestSigningUnsupported { .. }
        ))
    ));
}

/// One signer shared by several threads: every signature verifies.
#[test]
#[ignore = "run by softhsm_suite in a child process that has the SoftHSM token"]
fn softhsm_signer_is_shared_across_threads() {
    let Some(m) = module() else { return };
    let signer = Arc::new(open_signer(&m, "p256"));
    let key = signer.certificate().public_key().unwrap().clone();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let s = Arc::clone(&signer);
            std::thread::spawn(move || {
                let msg = format!("message {i}").into_bytes();
                (msg.clone(), s.sign(&msg).unwrap())
            })
        })
        .collect();
    for h in handles {
        let (msg, sig) = h.join().unwrap();
        key.verify(
            SignatureAlgorithm::EcdsaP256Sha256,
            &msg,
            &sig,
            &kyso::key::AlgorithmPolicy::default(),
        )
        .unwrap();
    }
}

#[test]
#[ignore = "run by softhsm_suite in a child process that has the SoftHSM token"]
fn softhsm_errors_are_specific() {
    let Some(m) = module() else { return };
    // Wrong PIN, while another handle is logged in to the same token: still checked.
    let logged_in = m.open(&TokenSelector::Label(TOKEN.into()), PIN).unwrap();
    assert_eq!(
        m.open(&TokenSelector::Label(TOKEN.into()), "000000").err(),
        Some(Error::Token(TokenError::WrongPin))
    );
    drop(logged_in);
    assert_eq!(
        m.open(&TokenSelector::Label(TOKEN.into()), "000000").err(),
        Some(Error::Token(TokenError::WrongPin))
    );
    // No such token, no such key.
    assert!(matches!(
        m.open(&TokenSelector::Label("no-such-token".into()), PIN)
            .err(),
        Some(Error::Token(TokenError::NotFound { .. }))
    ));
    let token = m.open(&TokenSelector::Label(TOKEN.into()), PIN).unwrap();
    assert!(matches!(
        token
            .signer(&KeySelector::Label("no-such-key".into()), None)
            .err(),
        Some(Error::Token(TokenError::KeyNotFound { .. }))
    ));
    // A certificate that is not the key's: refused before anything is signed.
    assert_eq!(
        token
            .signer(
                &KeySelector::Label("rsa".into()),
                Some(cert("pki/ee-rsa3072.pem"))
            )
            .err(),
        Some(Error::Signing(SigningError::SignerKeyMismatch))
    );
    // An algorithm of another key type.
    assert!(matches!(
        open_signer(&m, "rsa")
            .with_algorithm(SignatureAlgorithm::EcdsaP256Sha256)
            .err(),
        Some(Error::Signature(
            SignatureError::AlgorithmKeyMismatch { .. }
        ))
    ));
    // A key whose CKA_SIGN is false.
    {
        use cryptoki::object::Attribute;
        let (ctx, slot) = raw_slot(TOKEN);
        let session = ctx.open_rw_session(slot).unwrap();
        let _ = session.login(
            cryptoki::session::UserType::User,
            Some(&cryptoki::types::AuthPin::from(PIN.to_owned())),
        );
        let keys = session
            .find_objects(&[
                Attribute::Class(cryptoki::object::ObjectClass::PRIVATE_KEY),
                Attribute::Label(b"nosign".to_vec()),
            ])
            .unwrap();
        session
            .update_attributes(keys[0], &[Attribute::Sign(false)])
            .unwrap();
    }
    let nosign = open_signer(&m, "nosign");
    assert_eq!(
        nosign.sign(b"x").err(),
        Some(Error::Token(TokenError::KeyCannotSign))
    );
    assert!(
        !token
            .keys()
            .unwrap()
            .iter()
            .find(|k| k.label == "nosign")
            .unwrap()
            .can_sign
    );
}

/// The token's session ends while a signer holds it (here: the user is logged out, as a
/// token pulled out and put back would be): the signer says so, and opening the token
/// again with the PIN recovers.
#[test]
#[ignore = "run by softhsm_suite in a child process that has the SoftHSM token"]
fn softhsm_session_loss_is_token_removed() {
    let Some(m) = module() else { return };
    let token = m
        .open(&TokenSelector::Label(REMOVAL_TOKEN.into()), PIN)
        .unwrap();
    let signer = token
        .signer(&KeySelector::Label("rsa".into()), None)
        .unwrap();
    let verifies = |s: &Pkcs11Signer, msg: &[u8]| {
        let value = s.sign(msg).unwrap();
        s.certificate()
            .public_key()
            .unwrap()
            .verify(
                s.algorithm(),
                msg,
                &value,
                &kyso::key::AlgorithmPolicy::default(),
            )
            .unwrap();
    };
    verifies(&signer, b"before");
    {
        let (ctx, slot) = raw_slot(REMOVAL_TOKEN);
        ctx.open_ro_session(slot).unwrap().logout().unwrap();
    }
    assert_eq!(
        signer.sign(b"after").err(),
        Some(Error::Token(TokenError::Removed))
    );
    let again = m
        .open(&TokenSelector::Label(REMOVAL_TOKEN.into()), PIN)
        .unwrap()
        .signer(&KeySelector::Label("rsa".into()), None)
        .unwrap();
    verifies(&again, b"after");
}
