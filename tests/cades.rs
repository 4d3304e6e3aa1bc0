//! CAdES-B-T and B-LT end to end, against OpenSSL as the OCSP responder (`openssl ocsp`)
//! and the TSA (`openssl ts -reply`), both behind a small HTTP front on 127.0.0.1, reached
//! through kyso's `http` clients; CRLs served over HTTP by the same front.
//!
//! `openssl ocsp -port` listens on every interface, so each request is handed to
//! `openssl ocsp -reqin` instead: the answers are still OpenSSL's, from the CA database
//! the test keeps (index.txt), and certificates are revoked in it while the test runs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/http.rs"]
mod http_server;

use kyso::error::{PathError, SigningError, TimestampError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{cert, openssl_available, vector_path};
use http_server::{Reply, Request, Server};
use kyso::cms::{TimeStampStamper, TimeStampToken};
use kyso::digest::{DigestAlgorithm, digest};
use kyso::error::HttpFailure;
use kyso::http::{HttpOptions, HttpRevocationSource, HttpTimeStampSource};
use kyso::revocation::Crl;
use kyso::tsp::{TimeStampRequest, TimeStampSource};
use kyso::validate::TimeSource;
use kyso::{
    Certificate, CrlStore, Error, Indication, RevocationSource, SignatureBuilder, SignedCms,
    SoftwareSigner, SubIndication, Time, TrustStore, ValidationPolicy, Verifier,
};

const DOCUMENT: &[u8] = "Quyết định số 45/QĐ-UBND: phê duyệt kế hoạch chuyển đổi số".as_bytes();

/// The test's CA side: a database for the Signing CA, the OCSP responder and TSA of
/// test-vectors/revocation/, and the HTTP front.
struct Env {
    dir: PathBuf,
    server: Option<Server>,
}

fn path(p: &Path) -> String {
    p.to_str().unwrap().to_owned()
}

/// Runs openssl in `dir`; returns whether it succeeded.
fn run_openssl(dir: &Path, args: &[&str]) -> bool {
    std::process::Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

impl Env {
    fn new(name: &str) -> Env {
        let dir = std::env::temp_dir().join(format!("kyso-cades-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.txt"), "").unwrap();
        std::fs::write(dir.join("index.txt.attr"), "unique_subject = no\n").unwrap();
        std::fs::write(dir.join("tsa-serial"), "01\n").unwrap();
        std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
        let chain = [
            std::fs::read_to_string(vector_path("revocation/tsa.pem")).unwrap(),
            std::fs::read_to_string(vector_path("pki/intermediate-ca.pem")).unwrap(),
        ]
        .concat();
        std::fs::write(dir.join("tsa-chain.pem"), chain).unwrap();
        std::fs::write(
            dir.join("ts.cnf"),
            format!(
                "[tsa]\ndefault_tsa = t\n[t]\nserial = {}\nsigner_cert = {}\ncerts = {}\nsigner_key = {}\nsigner_digest = sha256\ndefault_policy = 1.3.6.1.4.1.55555.3.1\ndigests = sha256, sha384, sha512\naccuracy = secs:1\nordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
                path(&dir.join("tsa-serial")),
                path(&vector_path("revocation/tsa.pem")),
                path(&dir.join("tsa-chain.pem")),
                path(&vector_path("revocation/keys/tsa.key.pem")),
            ),
        )
        .unwrap();
        // `openssl ca -gencrl` for the Signing CA (from the test's database) and for the
        // root (nothing revoked).
        for (cnf, db) in [("ca.cnf", "index.txt"), ("root.cnf", "root-index.txt")] {
            std::fs::write(
                dir.join(cnf),
                format!(
                    "[ca]\ndefault_ca = c\n[c]\ndatabase = {}\ncrlnumber = {}\ndefault_md = sha256\ndefault_crl_days = 1\nnew_certs_dir = {}\nrand_serial = yes\npolicy = p\ncopy_extensions = none\n[p]\ncommonName = supplied\n",
                    path(&dir.join(db)),
                    path(&dir.join("crlnumber")),
                    path(&dir),
                ),
            )
            .unwrap();
        }
        std::fs::write(dir.join("root-index.txt"), "").unwrap();
        let mut env = Env {
            dir: dir.clone(),
            server: None,
        };
        let counter = Arc::new(AtomicUsize::new(0));
        env.server = Some(Server::start(move |r: &Request| handle(&dir, &counter, r)));
        env
    }

    fn server(&self) -> &Server {
        self.server.as_ref().unwrap()
    }

    fn url(&self, p: &str) -> String {
        self.server().url(p)
    }

    /// Stops the HTTP front: from here on there is no network.
    fn network_off(&mut self) {
        self.server = None;
    }

    /// A P-256 signer issued now by the Signing CA, valid 30 days, whose certificate names
    /// the front's OCSP responder (when `ocsp`) and CRL, recorded as valid in the database.
    fn issue(&self, name: &str, ocsp: bool) -> (Certificate, SoftwareSigner) {
        let mut ext = format!(
            "basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature,nonRepudiation\ncrlDistributionPoints = URI:{}\n",
            self.url("/ca.crl")
        );
        if ocsp {
            ext.push_str(&format!(
                "authorityInfoAccess = OCSP;URI:{}\n",
                self.url("/ocsp")
            ));
        }
        let subject = format!("/C=VN/O=Kyso Test/CN={name}");
        let (pem, key) = common::issue_from_signing_ca(&self.dir, name, &subject, &ext);
        let c = Certificate::from_file(&pem).unwrap().remove(0);
        let line = format!(
            "V\t{}\t\t{}\tunknown\t{subject}\n",
            openssl_time(c.not_after()),
            index_serial(&c)
        );
        let mut index = std::fs::read_to_string(self.dir.join("index.txt")).unwrap();
        index.push_str(&line);
        std::fs::write(self.dir.join("index.txt"), index).unwrap();
        (c, SoftwareSigner::from_file(&key, None).unwrap())
    }

    /// A P-256 signer valid from `start` to `end`, issued with
    /// `openssl ca` into the database, naming the front's CRL.
    fn issue_dated(&self, name: &str, start: Time, end: Time) -> (Certificate, SoftwareSigner) {
        let key = self.dir.join(format!("{name}.key"));
        let csr = self.dir.join(format!("{name}.csr"));
        let pem = self.dir.join(format!("{name}.pem"));
        std::fs::write(
            self.dir.join(format!("{name}.ext")),
            format!(
                "[e]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature,nonRepudiation\ncrlDistributionPoints = URI:{}\nauthorityKeyIdentifier = keyid\n",
                self.url("/ca.crl")
            ),
        )
        .unwrap();
        let long = |t: Time| format!("20{}", openssl_time(t));
        for args in [
            vec![
                "genpkey".to_owned(),
                "-algorithm".into(),
                "EC".into(),
                "-pkeyopt".into(),
                "ec_paramgen_curve:P-256".into(),
                "-out".into(),
                path(&key),
            ],
            vec![
                "req".into(),
                "-new".into(),
                "-key".into(),
                path(&key),
                "-subj".into(),
                format!("/CN={name}"),
                "-out".into(),
                path(&csr),
            ],
            vec![
                "ca".into(),
                "-batch".into(),
                "-config".into(),
                "ca.cnf".into(),
                "-cert".into(),
                path(&vector_path("pki/intermediate-ca.pem")),
                "-keyfile".into(),
                path(&vector_path("keys/intermediate-ca.key.pem")),
                "-extfile".into(),
                format!("{name}.ext"),
                "-extensions".into(),
                "e".into(),
                "-startdate".into(),
                long(start),
                "-enddate".into(),
                long(end),
                "-notext".into(),
                "-in".into(),
                path(&csr),
                "-out".into(),
                path(&pem),
            ],
        ] {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            common::openssl(&self.dir, &args);
        }
        let c = Certificate::from_file(&pem).unwrap().remove(0);
        (c, SoftwareSigner::from_file(&key, None).unwrap())
    }

    /// Marks `c` revoked now (keyCompromise) in the database.
    fn revoke(&self, c: &Certificate) -> Time {
        self.revoke_with(c, "keyCompromise")
    }

    /// Marks `c` revoked now in the database, with `reason` as `openssl ca` writes it
    /// (`keyCompromise`, or `keyTime,<GeneralizedTime>`: a key compromise with the time of
    /// the compromise, which CRLs and OCSP responses then carry as the invalidity date).
    fn revoke_with(&self, c: &Certificate, reason: &str) -> Time {
        let when = Time::now();
        let serial = index_serial(c);
        let index = std::fs::read_to_string(self.dir.join("index.txt")).unwrap();
        let updated: String = index
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                if f.get(3) == Some(&serial.as_str()) {
                    format!(
                        "R\t{}\t{},{reason}\t{}\tunknown\t{}\n",
                        f[1],
                        openssl_time(when),
                        f[3],
                        f[5]
                    )
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        std::fs::write(self.dir.join("index.txt"), updated).unwrap();
        when
    }

    fn anchors(&self) -> TrustStore {
        TrustStore::from_certificates([cert("pki/root-ca.pem")])
    }

    /// The root's CRL (nothing revoked), made now.
    fn root_crl(&self) -> Crl {
        let out = format!("root-{}.crl", std::process::id());
        assert!(run_openssl(
            &self.dir,
            &[
                "ca",
                "-gencrl",
                "-config",
                "root.cnf",
                "-cert",
                &path(&vector_path("pki/root-ca.pem")),
                "-keyfile",
                &path(&vector_path("keys/root-ca.key.pem")),
                "-out",
                &out,
            ],
        ));
        Crl::from_file(self.dir.join(out)).unwrap()
    }

    /// The CRLs the network cannot give (the committed intermediate and TSA certificates
    /// point at fixed URLs), made now: the root's, and the Signing CA's from the database.
    fn local_crls(&self) -> CrlStore {
        let mut store = CrlStore::from_crls([self.root_crl()]);
        store.add(signing_ca_crl(&self.dir));
        store
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        self.server = None;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn signing_ca_crl(dir: &Path) -> Crl {
    let out = format!("ca-{}.crl", std::process::id());
    assert!(run_openssl(
        dir,
        &[
            "ca",
            "-gencrl",
            "-config",
            "ca.cnf",
            "-cert",
            &path(&vector_path("pki/intermediate-ca.pem")),
            "-keyfile",
            &path(&vector_path("keys/intermediate-ca.key.pem")),
            "-out",
            &out,
        ],
    ));
    Crl::from_file(dir.join(out)).unwrap()
}

/// The front: /ocsp and /tsa hand each request to OpenSSL; /ca.crl is the Signing CA's CRL
/// made on request; the rest misbehave on purpose.
fn handle(dir: &Path, counter: &AtomicUsize, r: &Request) -> Reply {
    let n = counter.fetch_add(1, Ordering::SeqCst);
    // RFC 6960 appendix A.1 and RFC 3161 section 3.4: the media types kyso must send.
    let expected = match r.path.as_str() {
        "/ocsp" => Some("application/ocsp-request"),
        "/tsa" => Some("application/timestamp-query"),
        _ => None,
    };
    if expected.is_some() && r.content_type.as_deref() != expected {
        return Reply::Status(415);
    }
    match (r.method.as_str(), r.path.as_str()) {
        ("POST", "/ocsp") => {
            let (req, resp) = (format!("ocsp-{n}.req"), format!("ocsp-{n}.resp"));
            std::fs::write(dir.join(&req), &r.body).unwrap();
            let ok = run_openssl(
                dir,
                &[
                    "ocsp",
                    "-index",
                    "index.txt",
                    "-CA",
                    &path(&vector_path("pki/intermediate-ca.pem")),
                    "-rsigner",
                    &path(&vector_path("revocation/ocsp-responder.pem")),
                    "-rkey",
                    &path(&vector_path("revocation/keys/ocsp-responder.key.pem")),
                    "-ndays",
                    "1",
                    "-reqin",
                    &req,
                    "-respout",
                    &resp,
                ],
            );
            match std::fs::read(dir.join(&resp)) {
                Ok(body) if ok => Reply::Ok(body, "application/ocsp-response"),
                _ => Reply::Status(500),
            }
        }
        ("POST", "/tsa") => {
            let (q, a) = (format!("ts-{n}.tsq"), format!("ts-{n}.tsr"));
            std::fs::write(dir.join(&q), &r.body).unwrap();
            let ok = run_openssl(
                dir,
                &[
                    "ts",
                    "-reply",
                    "-config",
                    "ts.cnf",
                    "-queryfile",
                    &q,
                    "-out",
                    &a,
                ],
            );
            match std::fs::read(dir.join(&a)) {
                Ok(body) if ok => Reply::Ok(body, "application/timestamp-reply"),
                _ => Reply::Status(500),
            }
        }
        ("GET", "/ca.crl") => {
            let crl = signing_ca_crl(dir);
            Reply::Ok(crl.der().to_vec(), "application/pkix-crl")
        }
        ("GET", "/moved.crl") => Reply::Redirect("/ca.crl".to_owned()),
        (_, "/loop") => Reply::Redirect("/loop".to_owned()),
        (_, "/slow") => Reply::Stall(Duration::from_secs(8)),
        (_, "/huge") => Reply::Ok(vec![0x30; 3 * 1024 * 1024], "application/pkix-crl"),
        _ => Reply::Status(404),
    }
}

/// `YYMMDDHHMMSSZ`, as in an openssl ca database.
fn openssl_time(t: Time) -> String {
    let s = t.to_string(); // 2026-06-01T00:00:00Z
    format!(
        "{}{}{}{}{}{}Z",
        &s[2..4],
        &s[5..7],
        &s[8..10],
        &s[11..13],
        &s[14..16],
        &s[17..19]
    )
}

/// The serial as openssl writes it in its database (no leading zero byte).
fn index_serial(c: &Certificate) -> String {
    let mut s = c.serial_hex();
    while s.len() > 2 && s.starts_with("00") {
        s.drain(..2);
    }
    s
}

fn sign(c: &Certificate, key: &SoftwareSigner) -> SignedCms {
    SignatureBuilder::new(c.clone(), Time::now())
        .chain([cert("pki/intermediate-ca.pem")])
        .sign(DOCUMENT, key)
        .unwrap()
}

fn stamp(env: &Env, cms: &SignedCms) -> SignedCms {
    let anchors = env.anchors();
    let tsa = HttpTimeStampSource::new(env.url("/tsa")).unwrap();
    let out = cms
        .add_signature_timestamps(&TimeStampStamper::new(&tsa, &anchors))
        .unwrap();
    // Re-read from bytes: what is verified is what would be stored.
    SignedCms::from_der(&out.to_der().unwrap()).unwrap()
}

fn online_verdict(env: &Env, cms: &SignedCms) -> kyso::ValidationReport {
    let anchors = env.anchors();
    let http = HttpRevocationSource::new().unwrap();
    let local = env.local_crls();
    let sources = (&http, &local);
    Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&sources)),
        ValidationPolicy::now(),
    )
    .verify(cms, Some(DOCUMENT))
}

/// Sleeps past the next whole second, so that two events get distinct times at the
/// one-second resolution of genTime and of revocation dates.
fn next_second() {
    let start = Time::now().unix();
    while Time::now().unix() <= start {
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn b_t_signature_revoked_after_the_timestamp_passes_and_before_it_fails() {
    if !openssl_available() {
        return;
    }
    let env = Env::new("bt");

    // Signed and stamped, then revoked: the timestamp proves the signature came first.
    let (c, key) = env.issue("Signer Revoked Later", true);
    next_second();
    let cms = stamp(&env, &sign(&c, &key));
    // The TSA states an accuracy of one second: the proof is genTime + 1 s.
    next_second();
    next_second();
    let revoked_at = env.revoke(&c);
    let report = online_verdict(&env, &cms);
    let s = &report.signers[0];
    assert_eq!(
        (report.indication(), report.sub_indication()),
        (Indication::TotalPassed, None),
        "{report}"
    );
    let poe = s.best_signature_time.unwrap();
    assert!(poe < revoked_at, "{poe} {revoked_at}");
    assert_eq!(s.validation_time, poe);
    assert_eq!(s.validation_time_source, TimeSource::SignatureTimeStamp);
    assert!(
        s.checks
            .iter()
            .any(|k| k.kind == kyso::validate::CheckKind::SignatureTimestamp
                && k.outcome == kyso::validate::Outcome::Passed),
        "{report}"
    );
    assert!(
        report
            .to_json()
            .contains("\"validation_time_source\":\"signature-time-stamp\"")
    );

    // The same signature without its timestamp: revoked, and nothing proves when it was
    // made (its claimed signing time is before the revocation).
    let early = SignatureBuilder::new(c.clone(), c.not_before())
        .chain([cert("pki/intermediate-ca.pem")])
        .sign(DOCUMENT, &key)
        .unwrap();
    let report = online_verdict(&env, &early);
    assert_eq!(
        (report.indication(), report.sub_indication()),
        (Indication::Indeterminate, Some(SubIndication::RevokedNoPoe)),
        "{report}"
    );

    // Revoked, then signed and stamped: the timestamp proves the signature came after.
    let (c2, key2) = env.issue("Signer Revoked First", true);
    env.revoke(&c2);
    next_second();
    let late = stamp(&env, &sign(&c2, &key2));
    let report = online_verdict(&env, &late);
    assert_eq!(
        (report.indication(), report.sub_indication()),
        (Indication::TotalFailed, Some(SubIndication::Revoked)),
        "{report}"
    );

    // A damaged timestamp proves nothing: the signature revoked later is back to
    // REVOKED_NO_POE, with the timestamp reported as failed.
    // The token is the last thing in the SignedData, and its own signature value the last
    // thing in the token.
    let mut damaged = cms.to_der().unwrap();
    let at = damaged.len() - 5;
    damaged[at] ^= 0x01;
    let report = online_verdict(&env, &SignedCms::from_der(&damaged).unwrap());
    let s = &report.signers[0];
    assert_eq!(s.best_signature_time, None, "{report}");
    assert_eq!(
        (report.indication(), report.sub_indication()),
        (Indication::Indeterminate, Some(SubIndication::RevokedNoPoe)),
        "{report}"
    );
    assert!(
        s.checks
            .iter()
            .any(|k| k.kind == kyso::validate::CheckKind::SignatureTimestamp
                && k.outcome == kyso::validate::Outcome::Failed),
        "{report}"
    );
}

/// A key stolen before the timestamp: the CA revokes the certificate after the signature
/// was stamped, but dates the key compromise (invalidity date) before it. The timestamp
/// proves only that the signature existed when the key was already in the thief's hands:
/// INDETERMINATE / REVOKED_NO_POE, and the report says the invalidity date decided. Both
/// through OCSP (`openssl ocsp` carries the date as a single extension) and through the
/// CRL (`openssl ca -gencrl` as the invalidityDate entry extension).
#[test]
fn a_timestamp_does_not_cure_a_key_compromise_dated_before_it() {
    if !openssl_available() {
        return;
    }
    let env = Env::new("invalidity");
    for (name, ocsp) in [
        ("Signer Key Stolen OCSP", true),
        ("Signer Key Stolen CRL", false),
    ] {
        let (c, key) = env.issue(name, ocsp);
        next_second();
        let stolen = Time::now();
        next_second();
        let cms = stamp(&env, &sign(&c, &key));
        next_second();
        next_second();
        let g = {
            let s = stolen.to_string(); // 2026-12-01T04:39:32Z
            format!(
                "{}{}{}{}{}{}Z",
                &s[0..4],
                &s[5..7],
                &s[8..10],
                &s[11..13],
                &s[14..16],
                &s[17..19]
            )
        };
        let revoked_at = env.revoke_with(&c, &format!("keyTime,{g}"));
        let report = online_verdict(&env, &cms);
        let s = &report.signers[0];
        let poe = s.best_signature_time.expect("the timestamp verifies");
        assert!(
            stolen < poe && poe < revoked_at,
            "{stolen} {poe} {revoked_at}"
        );
        assert_eq!(
            (report.indication(), report.sub_indication()),
            (Indication::Indeterminate, Some(SubIndication::RevokedNoPoe)),
            "{name}: {report}"
        );
        match &s.error {
            Some(Error::Path {
                reason:
                    PathError::Revoked {
                        invalidity_date,
                        revocation_date,
                        ..
                    },
                ..
            }) => {
                assert_eq!(*invalidity_date, Some(stolen), "{name}");
                assert_eq!(*revocation_date, revoked_at, "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
        let text = report.to_string();
        assert!(text.contains("invalid since"), "{name}: {text}");
        assert!(
            !s.checks
                .iter()
                .any(|k| k.kind == kyso::validate::CheckKind::Revocation
                    && k.detail.contains(name)
                    && k.detail.contains("not revoked")),
            "{name}: {report}"
        );
    }
}

#[test]
fn b_lt_signature_validates_with_the_network_off() {
    if !openssl_available() {
        return;
    }
    let mut env = Env::new("blt");
    let (c, key) = env.issue("Signer LT", true);
    let bt = stamp(&env, &sign(&c, &key));
    // Revocation data must be issued after genTime plus the TSA's accuracy (one second) to
    // prove anything about that time.
    next_second();
    next_second();
    let anchors = env.anchors();
    let http = HttpRevocationSource::new().unwrap();
    let local = env.local_crls();
    let sources = (&http, &local);
    let online = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&sources)),
        ValidationPolicy::now(),
    );
    let lt = bt.add_validation_data(&online, Some(DOCUMENT)).unwrap();
    // The signer's OCSP response, the root's CRL for the Signing CA, the Signing CA's CRL
    // for the TSA; the TSA's certificate.
    assert_eq!(lt.crls().ocsp_responses().len(), 1);
    assert_eq!(lt.crls().crls().len(), 2);
    assert!(
        lt.certificates()
            .iter()
            .any(|x| x.subject().common_name() == Some("Kyso Test TSA"))
    );
    let lt_der = lt.to_der().unwrap();
    // OpenSSL still reads the signature (revocation data of the "other" format included).
    std::fs::write(env.dir.join("lt.p7s"), &lt_der).unwrap();
    std::fs::write(env.dir.join("doc.txt"), DOCUMENT).unwrap();
    assert!(run_openssl(
        &env.dir,
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            "lt.p7s",
            "-content",
            "doc.txt",
            "-CAfile",
            &path(&vector_path("pki/root-ca.pem")),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
    ));

    env.network_off();
    let lt = SignedCms::from_der(&lt_der).unwrap();
    let nothing = CrlStore::new();
    // Now, with nothing but what the signature carries.
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&nothing)),
        ValidationPolicy::now(),
    )
    .verify(&lt, Some(DOCUMENT));
    assert!(report.is_passed(), "{report}");
    // Sixty days on: the signer's certificate has expired and every CRL and OCSP response
    // is stale; the timestamp and the embedded data still prove the signature.
    let later = Time::from_unix(Time::now().unix() + 60 * 86_400);
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&nothing)),
        ValidationPolicy::at(later),
    )
    .verify(&lt, Some(DOCUMENT));
    assert!(report.is_passed(), "{report}");
    assert_eq!(
        report.signers[0].validation_time_source,
        TimeSource::SignatureTimeStamp
    );
    // The B-T signature alone, offline, sixty days on: nothing shows the TSA's certificate
    // was good, so the timestamp proves nothing, and the signer's certificate has expired.
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&nothing)),
        ValidationPolicy::at(later),
    )
    .verify(&bt, Some(DOCUMENT));
    assert_eq!(
        (report.indication(), report.sub_indication()),
        (
            Indication::Indeterminate,
            Some(SubIndication::OutOfBoundsNoPoe)
        ),
        "{report}"
    );
    assert_eq!(report.signers[0].best_signature_time, None);
    // Without a timestamp, an expired certificate: OUT_OF_BOUNDS_NO_POE.
    let bb = sign(&c, &key);
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::at(later),
    )
    .verify(&bb, Some(DOCUMENT));
    assert_eq!(
        report.sub_indication(),
        Some(SubIndication::OutOfBoundsNoPoe),
        "{report}"
    );
}

#[test]
fn b_lt_needs_a_status_for_every_certificate() {
    if !openssl_available() {
        return;
    }
    let env = Env::new("blt-missing");
    let (c, key) = env.issue("Signer Without Root CRL", true);
    let bt = stamp(&env, &sign(&c, &key));
    let anchors = env.anchors();
    let http = HttpRevocationSource::new().unwrap();
    // The network only: nothing says whether the Signing CA is revoked.
    let verifier = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::IfAvailable(&http)),
        ValidationPolicy::now(),
    );
    assert!(matches!(
        bt.add_validation_data(&verifier, Some(DOCUMENT)),
        Err(Error::Signing(SigningError::SignatureNotValid {
            signer: 0,
            indication: Indication::Indeterminate,
            sub_indication: Some(SubIndication::TryLater),
        }))
    ));
    // B-LT builds on B-T.
    let local = env.local_crls();
    let sources = (&http, &local);
    let complete = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&sources)),
        ValidationPolicy::now(),
    );
    assert_eq!(
        sign(&c, &key)
            .add_validation_data(&complete, Some(DOCUMENT))
            .err(),
        Some(Error::Signing(SigningError::TimestampRequired {
            signer: 0
        }))
    );
    // A policy requiring B-T refuses a B-B signature.
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::now().require_signature_timestamp(),
    )
    .verify(&sign(&c, &key), Some(DOCUMENT));
    assert_eq!(
        report.sub_indication(),
        Some(SubIndication::SigConstraintsFailure)
    );
}

#[test]
fn crls_over_http_are_cached_until_next_update() {
    if !openssl_available() {
        return;
    }
    let env = Env::new("crl");
    let (c, _) = env.issue("Signer CRL Only", false);
    let issuer = cert("pki/intermediate-ca.pem");
    let http = HttpRevocationSource::new().unwrap();
    let first = http.lookup(&c, &issuer);
    assert_eq!(first.crls.len(), 1, "{:?}", first.failures);
    let served = env.server().requests();
    let second = http.lookup(&c, &issuer);
    assert_eq!(second.crls.len(), 1);
    assert_eq!(
        env.server().requests(),
        served,
        "the cached CRL was fetched again"
    );
    assert_eq!(http.cached(), 1);
    // Revoked: a new CRL once the cache is cleared.
    env.revoke(&c);
    http.clear_cache();
    let anchors = env.anchors();
    let local = CrlStore::from_crls([env.root_crl()]);
    let sources = (&http, &local);
    let result = kyso::PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&sources)),
        Time::from_unix(Time::now().unix() + 1),
    )
    .validate(&c, std::slice::from_ref(&issuer));
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
fn ocsp_over_http_good_revoked_unknown() {
    if !openssl_available() {
        return;
    }
    let env = Env::new("ocsp");
    let (good, _) = env.issue("OCSP Good", true);
    let (revoked, _) = env.issue("OCSP Revoked", true);
    env.revoke(&revoked);
    let issuer = cert("pki/intermediate-ca.pem");
    let http = HttpRevocationSource::new().unwrap();
    let later = Time::from_unix(Time::now().unix() + 1);
    let status = |c: &Certificate| {
        let data = http.lookup(c, &issuer);
        assert_eq!(data.ocsp.len(), 1, "{:?}", data.failures);
        data.ocsp[0]
            .check(
                c,
                &issuer,
                later,
                &kyso::key::AlgorithmPolicy::default(),
                &kyso::revocation::OcspCheck::default(),
            )
            .unwrap()
            .status
    };
    assert_eq!(status(&good), kyso::revocation::OcspStatus::Good);
    assert!(matches!(
        status(&revoked),
        kyso::revocation::OcspStatus::Revoked {
            reason: kyso::revocation::RevocationReason::KeyCompromise,
            ..
        }
    ));
    // Not in the database: unknown. A certificate of test-vectors/pki has the fixed OCSP URL
    // of the vectors, so ask through one issued here that is then dropped from the database.
    let (stranger, _) = env.issue("OCSP Stranger", true);
    let index = std::fs::read_to_string(env.dir.join("index.txt")).unwrap();
    let kept: String = index
        .lines()
        .filter(|l| !l.contains("OCSP Stranger"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(env.dir.join("index.txt"), kept).unwrap();
    assert_eq!(status(&stranger), kyso::revocation::OcspStatus::Unknown);
}

#[test]
fn http_failures_are_typed() {
    if !openssl_available() {
        return;
    }
    let env = Env::new("http");
    let opts = HttpOptions::default()
        .timeout(Duration::from_secs(1))
        .max_redirects(2)
        .max_response_size(1024 * 1024)
        .max_crl_size(1024 * 1024);
    let request =
        TimeStampRequest::new(&digest(DigestAlgorithm::Sha256, b"x"), None, true, None).unwrap();
    let fetch = |p: &str| {
        HttpTimeStampSource::with_options(env.url(p), opts.clone())
            .unwrap()
            .timestamp(&request)
    };
    let failure = |r: Result<Vec<u8>, Error>| match r {
        Err(Error::Http { failure, .. }) => failure,
        other => panic!("{other:?}"),
    };
    let started = std::time::Instant::now();
    assert_eq!(failure(fetch("/slow")), HttpFailure::Timeout { seconds: 1 });
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        failure(fetch("/huge")),
        HttpFailure::TooLarge { limit: 1024 * 1024 }
    );
    assert_eq!(
        failure(fetch("/loop")),
        HttpFailure::TooManyRedirects { limit: 2 }
    );
    assert_eq!(
        failure(fetch("/nothing")),
        HttpFailure::Status { status: 404 }
    );
    assert_eq!(
        failure(
            HttpTimeStampSource::new("ftp://127.0.0.1/x")
                .unwrap()
                .timestamp(&request)
        ),
        HttpFailure::BadUrl
    );
    // A closed port: connection failure, quickly.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    assert!(matches!(
        failure(
            HttpTimeStampSource::with_options(format!("http://127.0.0.1:{closed}/"), opts.clone())
                .unwrap()
                .timestamp(&request)
        ),
        HttpFailure::Connection { .. }
    ));
    // A CRL behind one redirect is fine; the revocation source reports failures with the
    // data instead of failing.
    let http = HttpRevocationSource::with_options(opts.clone()).unwrap();
    let issuer = cert("pki/intermediate-ca.pem");
    let (moved, _) = {
        let ext = format!(
            "basicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\ncrlDistributionPoints = URI:{}, URI:{}\n",
            env.url("/moved.crl"),
            env.url("/huge")
        );
        let (pem, key) =
            common::issue_from_signing_ca(&env.dir, "moved", "/C=VN/CN=Moved CRL", &ext);
        (Certificate::from_file(&pem).unwrap().remove(0), key)
    };
    let data = http.lookup(&moved, &issuer);
    assert_eq!(data.crls.len(), 1, "{:?}", data.failures);
    assert!(matches!(
        data.failures.as_slice(),
        [Error::Http {
            failure: HttpFailure::TooLarge { .. },
            ..
        }]
    ));
}

#[test]
fn timestamps_that_do_not_match_are_refused() {
    if !openssl_available() {
        return;
    }
    let env = Env::new("tsa-bad");
    let anchors = env.anchors();
    let tsa = HttpTimeStampSource::new(env.url("/tsa")).unwrap();
    // A TSA that stamps something else, or echoes another nonce.
    let other_imprint = |_: &TimeStampRequest| {
        let req = TimeStampRequest::new(
            &digest(DigestAlgorithm::Sha256, b"something else"),
            None,
            true,
            None,
        )?;
        tsa.timestamp(&req)
    };
    assert_eq!(
        TimeStampStamper::new(&other_imprint, &anchors)
            .stamp(b"data")
            .err(),
        Some(Error::Timestamp(TimestampError::ImprintMismatch))
    );
    let other_nonce = |r: &TimeStampRequest| {
        let req = TimeStampRequest::new(r.imprint(), Some(&[7, 7, 7]), true, None)?;
        tsa.timestamp(&req)
    };
    assert_eq!(
        TimeStampStamper::new(&other_nonce, &anchors)
            .stamp(b"data")
            .err(),
        Some(Error::Timestamp(TimestampError::NonceMismatch))
    );
    // A TSA the anchors do not know.
    let ec = TrustStore::from_certificates([cert("pki/ec-root-ca.pem")]);
    assert!(matches!(
        TimeStampStamper::new(&tsa, &ec).stamp(b"data"),
        Err(Error::Timestamp(TimestampError::Signature { .. }))
    ));
    // A token signed (by `openssl cms`) with a TSA certificate whose timeStamping EKU is not
    // critical: refused for the purpose.
    let (token, _) = TimeStampStamper::new(&tsa, &anchors)
        .stamp(b"data")
        .unwrap();
    std::fs::write(env.dir.join("good.tst"), token.der()).unwrap();
    assert!(run_openssl(
        &env.dir,
        &[
            "cms",
            "-verify",
            "-noverify",
            "-inform",
            "DER",
            "-in",
            "good.tst",
            "-out",
            "tstinfo.der",
        ],
    ));
    assert!(run_openssl(
        &env.dir,
        &[
            "cms",
            "-sign",
            "-binary",
            "-nodetach",
            "-cades",
            "-md",
            "sha256",
            "-econtent_type",
            "1.2.840.113549.1.9.16.1.4",
            "-in",
            "tstinfo.der",
            "-signer",
            &path(&vector_path("revocation/tsa-noncritical-eku.pem")),
            "-inkey",
            &path(&vector_path("revocation/keys/tsa-noncritical-eku.key.pem")),
            "-certfile",
            &path(&vector_path("pki/intermediate-ca.pem")),
            "-outform",
            "DER",
            "-out",
            "bad.tst",
        ],
    ));
    let bad = TimeStampToken::from_der(&std::fs::read(env.dir.join("bad.tst")).unwrap()).unwrap();
    let imprint = digest(DigestAlgorithm::Sha256, b"data");
    assert!(matches!(
        bad.verify(
            &anchors,
            &imprint,
            None,
            &kyso::key::AlgorithmPolicy::default()
        ),
        Err(Error::Timestamp(TimestampError::Signature {
            indication: Indication::Indeterminate,
            sub_indication: Some(SubIndication::ChainConstraintsFailure),
        }))
    ));
    // The same TSTInfo signed by the real TSA the same way verifies, so the refusal above
    // is the certificate's.
    assert!(
        token
            .verify(
                &anchors,
                &imprint,
                None,
                &kyso::key::AlgorithmPolicy::default()
            )
            .is_ok()
    );
}

#[test]
fn expiry_against_the_timestamp() {
    if !openssl_available() {
        return;
    }
    let env = Env::new("expiry");
    let now = Time::now().unix();
    // Expired an hour ago; signed (by its claim) while valid, stamped now: the timestamp
    // proves the signature was made after the certificate expired.
    let (c, key) = env.issue_dated(
        "Expired Signer",
        Time::from_unix(now - 7200),
        Time::from_unix(now - 3600),
    );
    let cms = SignatureBuilder::new(c.clone(), Time::from_unix(now - 5400))
        .chain([cert("pki/intermediate-ca.pem")])
        .sign(DOCUMENT, &key)
        .unwrap();
    // A timestamp bounds the signing time from above only: stamped after the expiry, the
    // signature may still have been made before it, so nothing is proven either way.
    let report = online_verdict(&env, &stamp(&env, &cms));
    assert_eq!(
        (report.indication(), report.sub_indication()),
        (
            Indication::Indeterminate,
            Some(SubIndication::OutOfBoundsNoPoe)
        ),
        "{report}"
    );
    // Without the timestamp: nothing proves when.
    let report = online_verdict(&env, &cms);
    assert_eq!(
        (report.indication(), report.sub_indication()),
        (
            Indication::Indeterminate,
            Some(SubIndication::OutOfBoundsNoPoe)
        ),
        "{report}"
    );
    // Validated at a time it was valid, with a CRL issued after it expired (when the CA no
    // longer has to list it): that CRL cannot say it was not revoked.
    let anchors = env.anchors();
    let crls = CrlStore::from_crls([env.root_crl(), signing_ca_crl(&env.dir)]);
    let result = kyso::PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&crls)),
        Time::from_unix(now - 5400),
    )
    .revocation_data_until(Time::now())
    .validate(&c, &[cert("pki/intermediate-ca.pem")]);
    assert!(
        matches!(result, Err(Error::Path { ref cert, reason: PathError::RevocationOutOfBounds { .. } }) if cert.index == 0),
        "{result:?}"
    );
}

/// Revocation data issued before the timestamp cannot show the certificate was good then:
/// a CRL made before the revocation, still current at the timestamp, is set aside.
#[test]
fn old_revocation_data_does_not_cure_a_revocation() {
    if !openssl_available() {
        return;
    }
    let env = Env::new("old-crl");
    let (c, key) = env.issue("Signer With Old CRL", false);
    let old_crls = env.local_crls(); // made before the revocation
    next_second();
    env.revoke(&c);
    next_second();
    // Claimed before the revocation; stamped after it.
    let cms = SignatureBuilder::new(c.clone(), c.not_before())
        .chain([cert("pki/intermediate-ca.pem")])
        .sign(DOCUMENT, &key)
        .unwrap();
    let cms = stamp(&env, &cms);
    // Two days on, offline, with the old CRLs only (expired by then, current at genTime).
    let anchors = env.anchors();
    let later = Time::from_unix(Time::now().unix() + 2 * 86_400);
    // With the TSA's status given by current data, the old CRL still cannot decide the
    // signer's at genTime.
    let mut with_tsa = old_crls.clone();
    with_tsa.add(env.root_crl());
    with_tsa.add(signing_ca_crl(&env.dir));
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&with_tsa)),
        ValidationPolicy::at(later),
    )
    .verify(&cms, Some(DOCUMENT));
    assert_eq!(
        (report.indication(), report.sub_indication()),
        (Indication::Indeterminate, Some(SubIndication::RevokedNoPoe)),
        "{report}"
    );
    // A timestamp from after the validation time proves nothing.
    let earlier = Time::from_unix(Time::now().unix() - 3600);
    let report = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::at(earlier),
    )
    .verify(&cms, Some(DOCUMENT));
    assert_eq!(report.signers[0].best_signature_time, None);
    assert!(
        report.signers[0]
            .checks
            .iter()
            .any(|k| k.kind == kyso::validate::CheckKind::SignatureTimestamp
                && k.outcome == kyso::validate::Outcome::Failed)
    );
}

#[test]
fn pades_b_t_then_b_lt_then_b_lta_validates_offline_later() {
    use kyso::pdf::{PdfDocument, PdfSignatureKind, PdfSigning};
    if !openssl_available() {
        return;
    }
    let mut env = Env::new("pades");
    let (c, key) = env.issue("Signer PAdES", true);
    let anchors = env.anchors();
    let tsa = HttpTimeStampSource::new(env.url("/tsa")).unwrap();
    let stamper = TimeStampStamper::new(&tsa, &anchors);
    let letter = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/test-vectors/pdf/sample-cong-van.pdf"
    ))
    .unwrap();
    let mut bt = Vec::new();
    PdfSigning::new(c, Time::now())
        .chain([cert("pki/intermediate-ca.pem")])
        .timestamp(&stamper)
        .sign(&PdfDocument::from_bytes(&letter).unwrap(), &key, &mut bt)
        .unwrap();
    next_second();
    next_second();
    let http = HttpRevocationSource::new().unwrap();
    let local = env.local_crls();
    let sources = (&http, &local);
    let context = kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&sources));
    let online = Verifier::new(&context, ValidationPolicy::now());
    // B-LT: a /DSS with what validates the signature and its timestamp.
    let mut lt = Vec::new();
    PdfDocument::from_bytes(&bt)
        .unwrap()
        .add_validation_data(&online, &mut lt)
        .unwrap();
    assert!(lt.starts_with(&bt));
    // B-LTA: a document timestamp over it all.
    let mut lta = Vec::new();
    PdfDocument::from_bytes(&lt)
        .unwrap()
        .add_document_timestamp(&stamper, &mut lta)
        .unwrap();
    assert!(lta.starts_with(&lt));
    if let Ok(dir) = std::env::var("KYSO_PDF_SIGN_OUT") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join("b-t.pdf"), &bt).unwrap();
        std::fs::write(Path::new(&dir).join("b-lt.pdf"), &lt).unwrap();
        std::fs::write(Path::new(&dir).join("b-lta.pdf"), &lta).unwrap();
    }
    // B-LT needs a signature timestamp on every approval signature.
    let mut bb = Vec::new();
    let (c2, key2) = env.issue("Signer PAdES B", true);
    PdfSigning::new(c2, Time::now())
        .chain([cert("pki/intermediate-ca.pem")])
        .sign(&PdfDocument::from_bytes(&letter).unwrap(), &key2, &mut bb)
        .unwrap();
    let mut out = Vec::new();
    let e = PdfDocument::from_bytes(&bb)
        .unwrap()
        .add_validation_data(&online, &mut out)
        .unwrap_err();
    assert!(out.is_empty());
    assert!(
        matches!(
            e,
            kyso::Error::Signing(
                SigningError::SignatureNotValid { .. } | SigningError::TimestampRequired { .. }
            )
        ),
        "{e}"
    );
    env.network_off();
    let nothing = CrlStore::new();
    let offline = kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&nothing));
    let later = Time::from_unix(Time::now().unix() + 60 * 86_400);
    let report = Verifier::new(&offline, ValidationPolicy::at(later))
        .verify_pdf(&PdfDocument::from_bytes(&lta).unwrap());
    assert!(report.is_passed(), "{report}");
    assert_eq!(report.signatures.len(), 2);
    assert_eq!(
        report.signatures[1].kind,
        PdfSignatureKind::DocumentTimestamp
    );
    assert_eq!(
        report.signatures[0].modification,
        kyso::pdf::ModificationClass::LongTermData
    );
    // The B-T file alone, offline sixty days on, does not validate.
    let report = Verifier::new(&offline, ValidationPolicy::at(later))
        .verify_pdf(&PdfDocument::from_bytes(&bt).unwrap());
    assert!(!report.is_passed(), "{report}");
}

#[test]
fn pades_certified_p1_takes_long_term_data_and_two_step_takes_its_timestamp_at_finish() {
    use kyso::pdf::{Certification, PdfDocument, PdfSigning, PreparedPdfSignature};
    if !openssl_available() {
        return;
    }
    let mut env = Env::new("pades-p1");
    let (c, key) = env.issue("Signer PAdES P1", true);
    let anchors = env.anchors();
    let tsa = HttpTimeStampSource::new(env.url("/tsa")).unwrap();
    let stamper = TimeStampStamper::new(&tsa, &anchors);
    let letter = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/test-vectors/pdf/sample-cong-van.pdf"
    ))
    .unwrap();
    // Two steps: prepare (no timestamp yet), the value from the signer, then finish with
    // the signature timestamp.
    let mut file = std::io::Cursor::new(Vec::new());
    let state = PdfSigning::new(c, Time::now())
        .chain([cert("pki/intermediate-ca.pem")])
        .certify(Certification::NoChanges)
        .prepare(
            &PdfDocument::from_bytes(&letter).unwrap(),
            kyso::Signer::algorithm(&key),
            file.get_mut(),
        )
        .unwrap()
        .to_bytes()
        .unwrap();
    let prepared = PreparedPdfSignature::from_bytes(&state).unwrap();
    let value = kyso::Signer::sign(&key, prepared.to_be_signed()).unwrap();
    prepared.finish(&value, Some(&stamper), &mut file).unwrap();
    let bt = file.into_inner();
    next_second();
    next_second();
    let http = HttpRevocationSource::new().unwrap();
    let local = env.local_crls();
    let sources = (&http, &local);
    let context = kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&sources));
    let online = Verifier::new(&context, ValidationPolicy::now());
    // P=1 permits validation data and document timestamps, nothing else.
    let mut lt = Vec::new();
    PdfDocument::from_bytes(&bt)
        .unwrap()
        .add_validation_data(&online, &mut lt)
        .unwrap();
    let mut lta = Vec::new();
    PdfDocument::from_bytes(&lt)
        .unwrap()
        .add_document_timestamp(&stamper, &mut lta)
        .unwrap();
    if let Ok(dir) = std::env::var("KYSO_PDF_SIGN_OUT") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join("certified-p1-b-lta.pdf"), &lta).unwrap();
    }
    env.network_off();
    let nothing = CrlStore::new();
    let offline = kyso::TrustContext::new(&anchors, kyso::Revocation::Required(&nothing));
    let later = Time::from_unix(Time::now().unix() + 60 * 86_400);
    let report = Verifier::new(&offline, ValidationPolicy::at(later))
        .verify_pdf(&PdfDocument::from_bytes(&lta).unwrap());
    assert!(report.is_passed(), "{report}");
    assert_eq!(
        report.signatures[0].kind,
        kyso::pdf::PdfSignatureKind::Certification { permission: 1 }
    );
    assert_eq!(
        report.signatures[0].modification,
        kyso::pdf::ModificationClass::LongTermData
    );
    assert!(report.signatures[0].report.best_signature_time.is_some());
}
