//! Inputs made at test time with the OpenSSL CLI for cases the committed vectors do not
//! cover: constraint extensions kyso must refuse, and hostile key-derivation parameters.
//! Skipped with a message where `openssl` is missing, except under `CI=true`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use kyso::error::{BudgetKind, EncodingError, KeyError, PathError};
use std::path::{Path, PathBuf};

use common::{cert, openssl, openssl_available, validation_time, vector_path};
use kyso::{Certificate, Error, PathValidator, SoftwareSigner, TrustStore};

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kyso-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An intermediate CA with a constraint extension (here not critical) issuing an end
/// entity: a name constraint the end entity's name is outside of refuses it; policy
/// constraints that require an explicit policy refuse an end entity without one, and
/// inhibitAnyPolicy stops an end entity's anyPolicy from satisfying that requirement. The
/// control case, the same path without inhibitAnyPolicy, validates. A CA mapping each of 40
/// policies to 60 others would grow the policy tree past its bound: refused with
/// `BudgetExceeded` (`PolicyTreeNodes`), not built.
#[test]
fn non_critical_constraints_are_applied_not_ignored() {
    if !openssl_available() {
        return;
    }
    let dir = tempdir("constraints");
    let root_cert = vector_path("pki/root-ca.pem");
    let root_key = vector_path("keys/root-ca.key.pem");
    let explicit_any =
        "certificatePolicies = 2.5.29.32.0\npolicyConstraints = requireExplicitPolicy:0\n";
    let policies: Vec<String> = (1..=40)
        .map(|i| format!("1.3.6.1.4.1.55555.1.{i}"))
        .collect();
    let mappings: Vec<String> = policies
        .iter()
        .flat_map(|p| (1..=60).map(move |j| format!("{p}:1.3.6.1.4.1.55555.2.{j}")))
        .collect();
    let mapping_bomb = format!(
        "certificatePolicies = {}\npolicyMappings = {}\n",
        policies.join(","),
        mappings.join(",")
    );
    for (name, ext, ee_ext) in [
        ("mapping-bomb", mapping_bomb, ""),
        (
            "nc",
            "nameConstraints = permitted;dirName:nc_dn\n[nc_dn]\nC = VN\nO = Only This Agency\n"
                .to_owned(),
            "",
        ),
        (
            "pc",
            "policyConstraints = requireExplicitPolicy:0\n".to_owned(),
            "",
        ),
        (
            "iap",
            format!("{explicit_any}inhibitAnyPolicy = 0\n"),
            "certificatePolicies = 2.5.29.32.0\n",
        ),
        (
            "iap-control",
            explicit_any.to_owned(),
            "certificatePolicies = 2.5.29.32.0\n",
        ),
    ] {
        let conf = format!(
            "[ca_ext]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n{ext}\n[ee_ext]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature,nonRepudiation\n{ee_ext}"
        );
        std::fs::write(dir.join(format!("{name}.cnf")), conf).unwrap();
        let cnf = format!("{name}.cnf");
        openssl(
            &dir,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &format!("{name}-ca.key"),
            ],
        );
        openssl(
            &dir,
            &[
                "req",
                "-new",
                "-key",
                &format!("{name}-ca.key"),
                "-subj",
                &format!("/C=VN/O=Kyso Test PKI/CN=Constrained CA {name}"),
                "-out",
                &format!("{name}-ca.csr"),
            ],
        );
        openssl(
            &dir,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}-ca.csr"),
                "-CA",
                root_cert.to_str().unwrap(),
                "-CAkey",
                root_key.to_str().unwrap(),
                "-CAcreateserial",
                "-CAserial",
                "serial.srl",
                "-days",
                "3650",
                "-sha256",
                "-extfile",
                &cnf,
                "-extensions",
                "ca_ext",
                "-out",
                &format!("{name}-ca.pem"),
            ],
        );
        openssl(
            &dir,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &format!("{name}-ee.key"),
            ],
        );
        openssl(
            &dir,
            &[
                "req",
                "-new",
                "-key",
                &format!("{name}-ee.key"),
                "-subj",
                "/C=VN/O=Another Agency/CN=Outside The Subtree",
                "-out",
                &format!("{name}-ee.csr"),
            ],
        );
        openssl(
            &dir,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}-ee.csr"),
                "-CA",
                &format!("{name}-ca.pem"),
                "-CAkey",
                &format!("{name}-ca.key"),
                "-CAcreateserial",
                "-CAserial",
                "serial.srl",
                "-days",
                "365",
                "-sha256",
                "-extfile",
                &cnf,
                "-extensions",
                "ee_ext",
                "-out",
                &format!("{name}-ee.pem"),
            ],
        );

        let ca = Certificate::from_file(dir.join(format!("{name}-ca.pem"))).unwrap();
        let ee = Certificate::from_file(dir.join(format!("{name}-ee.pem"))).unwrap();
        assert!(
            ca[0]
                .extensions()
                .iter()
                .all(|e| !e.critical || e.oid == "2.5.29.19" || e.oid == "2.5.29.15")
        );
        let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
        let now = kyso::Time::now();
        let result = PathValidator::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            now,
        )
        .validate(&ee[0], &ca);
        if name == "iap-control" {
            let path = result.unwrap();
            assert_eq!(path.policies(), &kyso::path::PolicySet::Any);
            continue;
        }
        let err = result.unwrap_err();
        if name == "mapping-bomb" {
            assert!(
                matches!(
                    err,
                    Error::BudgetExceeded {
                        what: BudgetKind::PolicyTreeNodes,
                        limit: 2048
                    }
                ),
                "{name}: {err:?}"
            );
        } else if name == "nc" {
            assert!(
                matches!(err, Error::Path { ref cert, reason: PathError::NameConstraintViolation { ref name } } if cert.index == 0 && name.contains("Another Agency")),
                "{name}: {err:?}"
            );
        } else {
            assert!(
                matches!(err, Error::Path { ref cert, reason: PathError::NoValidPolicy } if cert.index == 0),
                "{name}: {err:?}"
            );
        }
    }
    let _ = validation_time();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Finds `needle` in `hay` exactly once and replaces it.
fn patch(hay: &mut [u8], needle: &[u8], with: &[u8]) {
    assert_eq!(needle.len(), with.len());
    let positions: Vec<usize> = hay
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        positions.len(),
        1,
        "needle {needle:02x?} found {} times",
        positions.len()
    );
    hay[positions[0]..positions[0] + with.len()].copy_from_slice(with);
}

/// scrypt-encrypted PKCS#8 decrypts; scrypt and PBKDF2 parameters that would cost unbounded
/// time or memory, or that the KDF cannot take, are refused before any work.
#[test]
fn key_derivation_parameters_are_bounded() {
    if !openssl_available() {
        return;
    }
    let dir = tempdir("kdf");
    let key = vector_path("keys/ee-ecdsa-p256.key.pem");
    openssl(
        &dir,
        &[
            "pkcs8",
            "-topk8",
            "-in",
            key.to_str().unwrap(),
            "-scrypt",
            "-scrypt_N",
            "1024",
            "-scrypt_r",
            "8",
            "-scrypt_p",
            "1",
            "-passout",
            "pass:kyso-test",
            "-outform",
            "DER",
            "-out",
            "scrypt.der",
        ],
    );
    openssl(
        &dir,
        &[
            "pkcs8",
            "-topk8",
            "-in",
            key.to_str().unwrap(),
            "-v2",
            "aes-256-cbc",
            "-iter",
            "2048",
            "-passout",
            "pass:kyso-test",
            "-outform",
            "DER",
            "-out",
            "pbkdf2.der",
        ],
    );
    let scrypt = std::fs::read(dir.join("scrypt.der")).unwrap();
    let signer = SoftwareSigner::from_der(&scrypt, Some(b"kyso-test")).unwrap();
    assert_eq!(
        signer.public_key_info().spki_der(),
        cert("pki/ee-ecdsa-p256.pem").spki_der()
    );

    // scrypt parameters follow the salt: cost 1024 (02 02 04 00), r 8, p 1.
    for (needle, with) in [
        (
            &[0x02, 0x02, 0x04, 0x00, 0x02, 0x01, 0x08][..],
            &[0x02, 0x02, 0x03, 0xff, 0x02, 0x01, 0x08][..],
        ), // N not a power of two
        (
            &[0x02, 0x02, 0x04, 0x00, 0x02, 0x01, 0x08],
            &[0x02, 0x02, 0x40, 0x00, 0x02, 0x01, 0x7f],
        ), // 128*r*N = 254 MiB
        (
            &[0x02, 0x01, 0x08, 0x02, 0x01, 0x01],
            &[0x02, 0x01, 0x08, 0x02, 0x01, 0x7f],
        ), // p = 127
        (
            &[0x02, 0x02, 0x04, 0x00, 0x02, 0x01, 0x08],
            &[0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x08],
        ), // non-minimal INTEGER
    ] {
        let mut bad = scrypt.clone();
        patch(&mut bad, needle, with);
        let err = SoftwareSigner::from_der(&bad, Some(b"kyso-test")).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Key(KeyError::UnsupportedEncryption)
                    | Error::Encoding(EncodingError::Malformed { .. })
            ),
            "{with:02x?}: {err:?}"
        );
    }

    // PBKDF2 with OpenSSL's 2048 iterations decrypts.
    let pbkdf2 = std::fs::read(dir.join("pbkdf2.der")).unwrap();
    assert!(SoftwareSigner::from_der(&pbkdf2, Some(b"kyso-test")).is_ok());
    // A zero iteration count (same length, 02 02 00 00 is also non-minimal DER) is refused.
    let mut zero = pbkdf2.clone();
    patch(
        &mut zero,
        &[0x02, 0x02, 0x08, 0x00],
        &[0x02, 0x02, 0x00, 0x00],
    );
    let r = SoftwareSigner::from_der(&zero, Some(b"kyso-test"));
    assert!(
        matches!(
            r,
            Err(kyso::Error::Encoding(EncodingError::Malformed {
                object: kyso::error::Object::PrivateKey,
                ..
            }))
        ),
        "{r:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn make_ca(dir: &Path, name: &str, subject: &str, issuer: Option<(&str, &str)>, key: Option<&str>) {
    make_ca_with_ski(dir, name, subject, issuer, key, "hash");
}

fn make_ca_with_ski(
    dir: &Path,
    name: &str,
    subject: &str,
    issuer: Option<(&str, &str)>,
    key: Option<&str>,
    ski: &str,
) {
    let key_file = key.map(str::to_owned).unwrap_or_else(|| {
        let k = format!("{name}.key");
        openssl(
            dir,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &k,
            ],
        );
        k
    });
    std::fs::write(
        dir.join("ca.cnf"),
        format!("[ca_ext]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = {ski}\n"),
    )
    .unwrap();
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            &key_file,
            "-subj",
            subject,
            "-out",
            &format!("{name}.csr"),
        ],
    );
    let out = format!("{name}.pem");
    match issuer {
        None => openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-signkey",
                &key_file,
                "-days",
                "3650",
                "-extfile",
                "ca.cnf",
                "-extensions",
                "ca_ext",
                "-out",
                &out,
            ],
        ),
        Some((ca, ca_key)) => openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                ca,
                "-CAkey",
                ca_key,
                "-CAcreateserial",
                "-CAserial",
                "serial.srl",
                "-days",
                "3650",
                "-extfile",
                "ca.cnf",
                "-extensions",
                "ca_ext",
                "-out",
                &out,
            ],
        ),
    }
}

fn load(dir: &Path, name: &str) -> Certificate {
    Certificate::from_file(dir.join(format!("{name}.pem")))
        .unwrap()
        .remove(0)
}

/// A cross-certificate (the RSA signing CA's name and key, certified by the EC root) lets a
/// path reach an anchor that the ordinary intermediate cannot.
#[test]
fn cross_certificate_is_found_among_alternatives() {
    if !openssl_available() {
        return;
    }
    let dir = tempdir("cross");
    let inter_key = vector_path("keys/intermediate-ca.key.pem");
    let ec_root = vector_path("pki/ec-root-ca.pem");
    let ec_root_key = vector_path("keys/ec-root-ca.key.pem");
    make_ca(
        &dir,
        "cross",
        "/C=VN/O=Kyso Test PKI/CN=Kyso Test Signing CA",
        Some((ec_root.to_str().unwrap(), ec_root_key.to_str().unwrap())),
        Some(inter_key.to_str().unwrap()),
    );
    let cross = load(&dir, "cross");
    let anchors = TrustStore::from_certificates([cert("pki/ec-root-ca.pem")]);
    // The cross-certificate starts now: validate a day later.
    let later = kyso::Time::from_unix(kyso::Time::now().unix() + 86_400);
    let path = PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        later,
    )
    .validate(
        &cert("pki/ee-rsa2048.pem"),
        &[cert("pki/intermediate-ca.pem"), cross.clone()],
    )
    .unwrap();
    assert_eq!(path.chain()[1], cross);
    assert_eq!(path.anchor(), &cert("pki/ec-root-ca.pem"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Two CAs certifying each other form a loop; path building must stop, and say the issuer
/// is unknown.
#[test]
fn certification_loops_terminate() {
    if !openssl_available() {
        return;
    }
    let dir = tempdir("loop");
    make_ca(&dir, "a-self", "/C=VN/CN=Loop A", None, None);
    make_ca(&dir, "b-self", "/C=VN/CN=Loop B", None, None);
    make_ca(
        &dir,
        "a-by-b",
        "/C=VN/CN=Loop A",
        Some(("b-self.pem", "b-self.key")),
        Some("a-self.key"),
    );
    make_ca(
        &dir,
        "b-by-a",
        "/C=VN/CN=Loop B",
        Some(("a-self.pem", "a-self.key")),
        Some("b-self.key"),
    );
    let intermediates = [load(&dir, "a-by-b"), load(&dir, "b-by-a")];
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let now = kyso::Time::now();
    let err = PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        now,
    )
    .validate(&intermediates[0], &intermediates)
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Path {
                reason: PathError::UnknownIssuer,
                ..
            }
        ),
        "{err:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A hundred and ten decoys with the intermediate's name and key identifier but other keys,
/// listed before the real one: every decoy costs a signature check, so path building stops
/// at its budget instead of running on.
#[test]
fn decoy_issuers_exhaust_the_budget_not_the_machine() {
    if !openssl_available() {
        return;
    }
    let dir = tempdir("decoys");
    let ski: Vec<String> = cert("pki/intermediate-ca.pem")
        .subject_key_id()
        .unwrap()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let ski = ski.join(":");
    let mut pile = Vec::new();
    for i in 0..110 {
        make_ca_with_ski(
            &dir,
            &format!("decoy{i}"),
            "/C=VN/O=Kyso Test PKI/CN=Kyso Test Signing CA",
            None,
            None,
            &ski,
        );
        pile.push(load(&dir, &format!("decoy{i}")));
    }
    pile.push(cert("pki/intermediate-ca.pem"));
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let started = std::time::Instant::now();
    let err = PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        validation_time(),
    )
    .validate(&cert("pki/ee-rsa2048.pem"), &pile)
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::BudgetExceeded {
                what: kyso::error::BudgetKind::PathSignatureChecks,
                limit: 100
            }
        ),
        "{err:?}"
    );
    eprintln!("budget reached after {:?}", started.elapsed());
    // With the real issuer first, the same pile validates.
    pile.rotate_right(1);
    assert!(
        PathValidator::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            validation_time()
        )
        .validate(&cert("pki/ee-rsa2048.pem"), &pile)
        .is_ok()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
