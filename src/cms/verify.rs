//! Validating CMS signatures: every SignerInfo gets an ETSI EN 319 102-1 verdict.

use std::collections::HashMap;
use std::io::Read;

use cms::signed_data::{SignerIdentifier, SignerInfo};
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;

use crate::budget::{Budget, CheckId};
use crate::cert::{Certificate, Name};
use crate::cms::attributes::{
    COMMITMENT_TYPE, CONTENT_TYPE, CommitmentType, CommitmentTypeIndication, ID_DATA,
    MESSAGE_DIGEST, SIGNATURE_TIME_STAMP, SIGNING_CERTIFICATE, SIGNING_CERTIFICATE_V2,
    SIGNING_TIME, SigningCertificateV1, SigningCertificateV2,
};
use crate::cms::signed_cms::SignedCms;
use crate::digest::{Digest, DigestAlgorithm, Hasher, digest};
use crate::error::Error;
use crate::key::{AlgorithmPolicy, LEGACY_MIN_RSA_BITS, SignatureAlgorithm};
use crate::limits::{MAX_CMS_SIGNATURE_CHECKS, MAX_SIGNATURE_TIMESTAMPS};
use crate::path::{PathValidator, TrustStore, VerificationCache};
use crate::revocation::{
    Both, CrlStore, RevocationOutcome, RevocationPolicy, RevocationReason, RevocationSource,
};
use crate::time::Time;
use crate::tsp::{TimeStampToken, TsaContext};
use crate::validate::{
    CheckKind, Indication, Outcome, SignerReport, SubIndication, TimeSource, ValidationPolicy,
    ValidationReport, ValidationTime,
};

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// Validates CMS signatures against a trust store under a [`ValidationPolicy`].
///
/// ```
/// use kyso::{SignedCms, TrustStore, ValidationPolicy, Verifier, Indication, Time};
/// let anchors = TrustStore::from_pem(&std::fs::read("test-vectors/pki/root-ca.pem")?)?;
/// let signature = SignedCms::parse(&std::fs::read("test-vectors/cms/openssl-rsa2048-detached.p7s")?)?;
/// let document = std::fs::read("test-vectors/documents/cong-van.txt")?;
/// let report = Verifier::new(&anchors, ValidationPolicy::now()).verify(&signature, Some(&document));
/// assert_eq!(report.indication(), Indication::TotalPassed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Verifier<'a> {
    anchors: &'a TrustStore,
    pub(crate) policy: ValidationPolicy,
    extra_certificates: Vec<Certificate>,
    pub(crate) revocation: RevocationPolicy,
    revocation_source: Option<&'a dyn RevocationSource>,
    timestamp_anchors: Option<&'a TrustStore>,
    /// Match the signer's issuer name ignoring attribute order (ICAO 9303 documents).
    pub(crate) lenient_signer_names: bool,
    cache: Option<&'a VerificationCache>,
    /// Set when verifying a timestamp token: revocation data is judged at this time, and
    /// timestamps inside the token are not followed.
    token_now: Option<Option<Time>>,
    /// The signature-check budget of the whole call (shared with timestamp tokens).
    budget: Option<&'a Budget>,
    /// Validate only the first SignerInfo (EF.SOD: ICAO 9303 documents have one, and
    /// passive authentication reports the first).
    pub(crate) first_signer_only: bool,
}

impl core::fmt::Debug for Verifier<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Verifier")
            .field("anchors", &self.anchors.len())
            .field("policy", &self.policy)
            .field("revocation", &self.revocation)
            .finish_non_exhaustive()
    }
}

/// The signed document as the verifier has it.
enum Document<'d> {
    /// The bytes, with their digest for every algorithm the signers use, computed once
    /// whatever the number of signers.
    Bytes(&'d [u8], Vec<Digest>),
    Digests(Vec<Digest>),
    Missing,
}

impl<'a> Verifier<'a> {
    /// A verifier for paths to `anchors`, applying `policy`.
    pub fn new(anchors: &'a TrustStore, policy: ValidationPolicy) -> Self {
        Verifier {
            anchors,
            policy,
            extra_certificates: Vec::new(),
            revocation: RevocationPolicy::NoCheck,
            revocation_source: None,
            timestamp_anchors: None,
            lenient_signer_names: false,
            cache: None,
            token_now: None,
            budget: None,
            first_signer_only: false,
        }
    }

    /// Uses `cache` for the certificates embedded in signatures read by
    /// [`Verifier::verify_encoded`] and for certificate signatures already verified. Verdicts
    /// are the same with or without it.
    #[must_use]
    pub fn with_cache(mut self, cache: &'a VerificationCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Validates many (signature, document) pairs on every core, each as
    /// [`Verifier::verify_encoded`] would; the reports come back in input order.
    pub fn verify_batch(&self, items: &[(&[u8], Option<&[u8]>)]) -> Vec<ValidationReport> {
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(items.len().max(1));
        if workers <= 1 {
            return items
                .iter()
                .map(|(s, d)| self.verify_encoded(s, *d))
                .collect();
        }
        let next = std::sync::atomic::AtomicUsize::new(0);
        let done: Vec<Vec<(usize, ValidationReport)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let mut out = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some((s, d)) = items.get(i) else { break };
                            out.push((i, self.verify_encoded(s, *d)));
                        }
                        out
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        // Every index was taken by exactly one worker.
        let mut all: Vec<(usize, ValidationReport)> = done.into_iter().flatten().collect();
        all.sort_by_key(|(i, _)| *i);
        all.into_iter().map(|(_, r)| r).collect()
    }

    /// Trust anchors for the TSAs of signature timestamps (default: the signers' anchors).
    #[must_use]
    pub fn with_timestamp_anchors(mut self, anchors: &'a TrustStore) -> Self {
        self.timestamp_anchors = Some(anchors);
        self
    }

    pub(crate) fn for_timestamp_token(
        mut self,
        now: Option<Time>,
        budget: Option<&'a Budget>,
    ) -> Self {
        self.token_now = Some(now);
        self.budget = budget;
        self
    }

    /// Checks the revocation of every certificate of each signer's chain (and of each
    /// signature timestamp's TSA) under `policy`, with the data from `source` and that
    /// embedded in the signature (CRLs, and OCSP responses of CAdES-B-LT).
    ///
    /// A signer whose certificate was revoked before the validation time: TOTAL-PASSED when
    /// a signature timestamp proves the signature existed before the revocation; TOTAL-FAILED
    /// / REVOKED when the signer's own claimed signing time is after it; otherwise
    /// INDETERMINATE / REVOKED_NO_POE (a CA's: REVOKED_CA_NO_POE). On hold, or a required
    /// status that cannot be had: INDETERMINATE / TRY_LATER.
    #[must_use]
    pub fn with_revocation(
        mut self,
        policy: RevocationPolicy,
        source: &'a dyn RevocationSource,
    ) -> Self {
        self.revocation = policy;
        self.revocation_source = Some(source);
        self
    }

    /// Certificates to use besides those inside the signature (a signer certificate or
    /// intermediates delivered separately).
    #[must_use]
    pub fn with_certificates(mut self, certs: impl IntoIterator<Item = Certificate>) -> Self {
        self.extra_certificates.extend(certs);
        self
    }

    /// Reads a signature (DER, PEM or base64) and validates it. A signature that cannot be
    /// read is TOTAL-FAILED / FORMAT_FAILURE.
    pub fn verify_encoded(&self, signature: &[u8], document: Option<&[u8]>) -> ValidationReport {
        match SignedCms::parse_with(signature, self.cache) {
            Ok(cms) => self.verify(&cms, document),
            Err(e) => ValidationReport::format_failure(&e),
        }
    }

    /// Validates `cms` as a signature over `document`.
    ///
    /// For a detached signature, `document` is the signed document. For an enveloping one it
    /// may be `None`, and the content inside is verified; if a document is given, it is the
    /// one verified, so a document that differs from what was signed fails
    /// (HASH_FAILURE), whatever the signature carries inside.
    pub fn verify(&self, cms: &SignedCms, document: Option<&[u8]>) -> ValidationReport {
        let doc = match (document, cms.content()) {
            (Some(bytes), _) | (None, Some(bytes)) => {
                let digests = cms
                    .digest_algorithms()
                    .into_iter()
                    .map(|a| digest(a, bytes))
                    .collect();
                Document::Bytes(bytes, digests)
            }
            (None, None) => Document::Missing,
        };
        self.verify_document(cms, &doc)
    }

    /// Validates a signature over a document read from `reader`, in constant memory (the
    /// document is hashed once with every digest algorithm the signers use).
    ///
    /// A signer without signed attributes signs the document itself, which needs the bytes:
    /// such a signer gets INDETERMINATE / SIGNED_DATA_NOT_FOUND here.
    pub fn verify_reader(
        &self,
        cms: &SignedCms,
        mut reader: impl Read,
    ) -> Result<ValidationReport, Error> {
        let algorithms = cms.digest_algorithms();
        let mut hashers: Vec<Hasher> = algorithms.iter().map(|a| Hasher::new(*a)).collect();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error::Io {
                        path: String::new(),
                        kind: e.kind(),
                    });
                }
            };
            let chunk = buf.get(..n).unwrap_or_default();
            for h in &mut hashers {
                h.update(chunk);
            }
        }
        let digests = hashers.into_iter().map(Hasher::finish).collect();
        Ok(self.verify_digests(cms, digests))
    }

    /// Validates a signature given the document's digests (one per digest algorithm the
    /// signers use; see [`SignedCms::digest_algorithms`]).
    pub fn verify_digests(&self, cms: &SignedCms, digests: Vec<Digest>) -> ValidationReport {
        self.verify_document(cms, &Document::Digests(digests))
    }

    fn verify_document(&self, cms: &SignedCms, doc: &Document<'_>) -> ValidationReport {
        let Some(budget) = self.budget else {
            // One budget for the whole call: every signer, timestamp and candidate path.
            let budget = Budget::default();
            let mut v = self.clone();
            v.budget = Some(&budget);
            return v.verify_document(cms, doc);
        };
        let mut pool: Vec<Certificate> = cms.certificates().to_vec();
        pool.extend(self.extra_certificates.iter().cloned());
        let econtent_type = cms.signed_data.encap_content_info.econtent_type;
        let count = if self.first_signer_only {
            1
        } else {
            usize::MAX
        };
        let signers = cms
            .signed_data
            .signer_infos
            .0
            .iter()
            .take(count)
            .map(|si| {
                let refusals = budget.refusals();
                let mut r = self.verify_signer(si, econtent_type, doc, &pool, &cms.crls);
                if budget.refusals() > refusals {
                    out_of_budget(&mut r);
                }
                r.warnings.extend(cms.certificate_warnings.iter().cloned());
                r
            })
            .collect();
        ValidationReport {
            signers,
            format_error: None,
            signature_checks: budget.used(),
        }
    }

    fn verify_signer(
        &self,
        si: &SignerInfo,
        econtent_type: ObjectIdentifier,
        doc: &Document<'_>,
        pool: &[Certificate],
        embedded: &CrlStore,
    ) -> SignerReport {
        let given_time = match self.policy.time {
            ValidationTime::Given(t) => t,
            ValidationTime::ClaimedSigningTime { fallback } => fallback,
        };
        // Starts as the empty report, passed until a check fails.
        let mut report = SignerReport::empty(given_time);
        report.indication = Indication::TotalPassed;
        report.sub_indication = None;
        let mut run = Run {
            report,
            failures: Vec::new(),
        };
        run.verify(self, si, econtent_type, doc, pool, embedded);
        run.finish()
    }
}

/// One signer's validation in progress: the report, and the failures met, in order.
struct Run {
    report: SignerReport,
    failures: Vec<(SubIndication, Option<Error>)>,
}

impl Run {
    fn pass(&mut self, kind: CheckKind, detail: impl Into<String>) {
        self.report.check(kind, Outcome::Passed, detail);
    }

    fn skip(&mut self, kind: CheckKind, detail: impl Into<String>) {
        self.report.check(kind, Outcome::Skipped, detail);
    }

    fn fail(
        &mut self,
        kind: CheckKind,
        sub: SubIndication,
        detail: impl Into<String>,
        error: Option<Error>,
    ) {
        self.report.check(kind, Outcome::Failed, detail);
        self.failures.push((sub, error));
    }

    /// ETSI EN 319 102-1 order of precedence: a proven failure (TOTAL-FAILED) outranks any
    /// INDETERMINATE; among equals, the first met.
    fn finish(mut self) -> SignerReport {
        let chosen = self
            .failures
            .iter()
            .position(|(s, _)| s.indication() == Indication::TotalFailed)
            .or(if self.failures.is_empty() {
                None
            } else {
                Some(0)
            });
        if let Some(i) = chosen {
            let (sub, error) = self.failures.swap_remove(i);
            self.report.indication = sub.indication();
            self.report.sub_indication = Some(sub);
            self.report.error = error;
            self.report.chain.clear();
        }
        self.report
    }

    fn verify(
        &mut self,
        v: &Verifier<'_>,
        si: &SignerInfo,
        econtent_type: ObjectIdentifier,
        doc: &Document<'_>,
        pool: &[Certificate],
        embedded: &CrlStore,
    ) {
        // The digest algorithm.
        let Ok(digest_algorithm) = DigestAlgorithm::from_oid(&si.digest_alg.oid) else {
            self.fail(
                CheckKind::Algorithm,
                SubIndication::CryptoConstraintsFailure,
                format!("unsupported digest algorithm {}", si.digest_alg.oid),
                Some(Error::UnsupportedAlgorithm {
                    oid: si.digest_alg.oid.to_string(),
                }),
            );
            return;
        };
        self.report.digest_algorithm = Some(digest_algorithm);

        // The signed attributes: structure first (a malformed signature is TOTAL-FAILED).
        let attrs = match si.signed_attrs.as_ref() {
            None => None,
            Some(set) => match SignedAttributes::read(set.iter(), econtent_type) {
                Ok(a) => Some(a),
                Err(detail) => {
                    self.fail(
                        CheckKind::Format,
                        SubIndication::FormatFailure,
                        detail,
                        None,
                    );
                    return;
                }
            },
        };
        if attrs.is_none() && econtent_type != ID_DATA {
            // RFC 5652 section 5.3: without signed attributes the content type is not
            // signed, so it could be relabelled.
            self.fail(
                CheckKind::Format,
                SubIndication::FormatFailure,
                format!("content of type {econtent_type} without signed attributes"),
                None,
            );
            return;
        }
        if econtent_type != ID_DATA && !v.policy.accept_any_content_type {
            self.fail(
                CheckKind::ContentType,
                SubIndication::SigConstraintsFailure,
                format!("the signed content is of type {econtent_type}, not a document (id-data)"),
                None,
            );
        }
        match &attrs {
            Some(_) => self.pass(CheckKind::Format, "signed attributes well formed"),
            None => {
                self.pass(
                    CheckKind::Format,
                    "no signed attributes: the signature covers the document itself",
                );
                if v.policy.legacy_signatures_without_signed_attributes {
                    self.report.warnings.push(
                        "no signed attributes: a bare signature over the document, bound to no content type, accepted by the legacy policy (no signing time, no signing-certificate binding)".to_owned(),
                    );
                } else {
                    // Refused: nothing more is worth the work (the signature covers the
                    // whole document, which each check would hash again).
                    self.fail(
                        CheckKind::ContentType,
                        SubIndication::SigConstraintsFailure,
                        "no signed attributes: the signature binds no content type, so a value its key signed for another purpose could be passed off as this document; refused unless the policy accepts such signatures for legacy use",
                        None,
                    );
                    return;
                }
            }
        }
        if let Some(a) = &attrs {
            self.report.claimed_signing_time = a.signing_time;
            self.report.commitment_type = a.commitment_type;
            self.pass(
                CheckKind::ContentType,
                format!("content type {econtent_type}"),
            );
        }

        // The document's digest, and the bytes the signature covers.
        let signed_bytes: Vec<u8> = match (&attrs, si.signed_attrs.as_ref()) {
            (Some(a), Some(set)) => {
                match document_digest(doc, digest_algorithm) {
                    None => {
                        self.fail(
                            CheckKind::MessageDigest,
                            SubIndication::SignedDataNotFound,
                            "the signature is detached and the document was not given",
                            None,
                        );
                        return;
                    }
                    Some(d) if d.as_bytes() == a.message_digest.as_slice() => {
                        self.pass(
                            CheckKind::MessageDigest,
                            format!("{digest_algorithm} {}", d.to_hex()),
                        );
                    }
                    Some(d) => self.fail(
                        CheckKind::MessageDigest,
                        SubIndication::HashFailure,
                        format!(
                            "the document's {digest_algorithm} is {}, the signed digest differs",
                            d.to_hex()
                        ),
                        None,
                    ),
                }
                // The walk before decoding refused attributes out of DER order, so this
                // encoding is the one that was signed.
                match set.to_der() {
                    Ok(bytes) => bytes,
                    Err(_) => {
                        self.fail(
                            CheckKind::Format,
                            SubIndication::FormatFailure,
                            "signed attributes do not re-encode",
                            None,
                        );
                        return;
                    }
                }
            }
            _ => match doc {
                Document::Bytes(b, _) => {
                    self.skip(CheckKind::MessageDigest, "no signed attributes");
                    b.to_vec()
                }
                _ => {
                    self.fail(
                        CheckKind::MessageDigest,
                        SubIndication::SignedDataNotFound,
                        "without signed attributes the document bytes are needed",
                        None,
                    );
                    return;
                }
            },
        };

        // The signer's certificate: among the certificates the identifier names, the one the
        // signing-certificate attribute binds, else the first whose key verifies (so a decoy
        // with the same identifier cannot displace the real one).
        let binding = attrs.as_ref().and_then(|a| a.signing_certificate.as_ref());
        // A binding by a hash the policy refuses (SHA-1, in ESS signing-certificate v1 or
        // v2) is compared, but not relied on to choose the certificate.
        let sha1_refused = !v.policy.algorithms.sha1_allowed();
        let relied_on = binding.filter(|b| !(sha1_refused && b.uses_sha1()));
        let mut candidates = find_signers(&si.sid, pool);
        if candidates.is_empty() && v.lenient_signer_names {
            candidates = find_signers_leniently(&si.sid, pool);
            if !candidates.is_empty() {
                self.report.warnings.push(
                    "the signer's certificate was matched leniently: the issuer name in the signer identifier has the certificate's attributes in another order".to_owned(),
                );
            }
        }
        // What the signature covers, identified once for the budget: a SignerInfo repeated
        // in the input is checked once.
        let signed_id = {
            let mut h = Hasher::new(DigestAlgorithm::Sha256);
            h.update(
                &u64::try_from(signed_bytes.len())
                    .unwrap_or(u64::MAX)
                    .to_be_bytes(),
            );
            h.update(&signed_bytes);
            h.update(si.signature.as_bytes());
            h.finish()
        };
        let local = Budget::default();
        let budget = v.budget.unwrap_or(&local);
        // A signature over the document itself hashes it at every check: large documents
        // cost more of the budget.
        let units = 1 + signed_bytes.len() / (1 << 20);
        // Verifies the signature value with `c`'s key and `alg` (resolved from the
        // SignerInfo's algorithms and the key), every algorithm kyso can verify allowed (the
        // policy is applied separately), once per call: the remembered outcome is keyed by
        // the signed bytes, the value, the algorithm and the certificate.
        let check_value = |c: &Certificate, alg: SignatureAlgorithm| -> Result<(), Error> {
            let key = c.public_key()?;
            let mut h = Hasher::new(DigestAlgorithm::Sha256);
            h.update(signed_id.as_bytes());
            h.update(format!("{alg:?}").as_bytes());
            let mut object = [0u8; 32];
            object.copy_from_slice(h.finish().as_bytes());
            let id = CheckId {
                object,
                key: *c.fingerprint_sha256(),
            };
            budget.check_costing(id, units, || {
                key.verify(alg, &signed_bytes, si.signature.as_bytes(), &permissive())
            })
        };
        let chosen = match relied_on {
            Some(b) => candidates.iter().find(|c| b.matches(c).is_ok()),
            None => candidates.iter().find(|c| {
                signature_algorithm(si, digest_algorithm, c)
                    .is_ok_and(|alg| check_value(c, alg).is_ok())
            }),
        }
        .or(candidates.first())
        .cloned();
        let Some(cert) = chosen else {
            self.fail(
                CheckKind::SignerCertificate,
                SubIndication::NoSigningCertificateFound,
                "the signer's certificate is neither in the signature nor among the certificates given",
                None,
            );
            return;
        };
        self.pass(
            CheckKind::SignerCertificate,
            format!("{} (serial {})", cert.subject(), cert.serial_hex()),
        );
        self.report.identity = Some(cert.identity().clone());
        self.report.signer_certificate = Some(cert.clone());

        // The ESS signing-certificate binding.
        match binding {
            Some(b) => match b.matches(&cert) {
                Ok(_) if sha1_refused && b.uses_sha1() => {
                    let detail = "the signing-certificate attribute identifies the signer's certificate by its SHA-1 hash, which the algorithm policy refuses";
                    if v.policy.require_signing_certificate_attribute {
                        self.fail(
                            CheckKind::SigningCertificateAttribute,
                            SubIndication::CryptoConstraintsFailure,
                            detail,
                            Some(Error::DigestNotAllowed {
                                algorithm: DigestAlgorithm::Sha1,
                                usage: "a signing-certificate reference",
                                reason: crate::error::DisallowedReason::Sha1,
                            }),
                        );
                    } else {
                        self.skip(
                            CheckKind::SigningCertificateAttribute,
                            format!("{detail}: not relied on"),
                        );
                        self.report.warnings.push(format!(
                            "{detail}: the certificate is not bound to the signature"
                        ));
                    }
                }
                Ok(detail) => {
                    if b.uses_sha1() {
                        self.report.warnings.push(
                            "the signing-certificate attribute identifies the certificate by its SHA-1 hash".to_owned(),
                        );
                    }
                    self.pass(CheckKind::SigningCertificateAttribute, detail);
                }
                Err(detail) => self.fail(
                    CheckKind::SigningCertificateAttribute,
                    SubIndication::NoSigningCertificateFound,
                    detail,
                    None,
                ),
            },
            None if v.policy.require_signing_certificate_attribute => self.fail(
                CheckKind::SigningCertificateAttribute,
                SubIndication::SigConstraintsFailure,
                "no signing-certificate attribute, which the policy requires",
                None,
            ),
            None => {
                self.skip(CheckKind::SigningCertificateAttribute, "absent");
                self.report.warnings.push(
                    "no ESS signing-certificate attribute: the certificate is not bound to the signature".to_owned(),
                );
            }
        }

        // The algorithm, under the policy. A refusal is recorded, and the signature is still
        // checked: a signature proven wrong is TOTAL-FAILED whatever its algorithm.
        let algorithm = match signature_algorithm(si, digest_algorithm, &cert) {
            Ok(a) => a,
            Err(e) => {
                self.fail(
                    CheckKind::Algorithm,
                    SubIndication::CryptoConstraintsFailure,
                    e.to_string(),
                    Some(e),
                );
                return;
            }
        };
        self.report.signature_algorithm = Some(algorithm);
        let policy_check = v
            .policy
            .algorithms
            .check_algorithm(algorithm)
            .and_then(|()| {
                if digest_algorithm == DigestAlgorithm::Sha1 && !v.policy.algorithms.sha1_allowed()
                {
                    return Err(Error::AlgorithmNotAllowed {
                        algorithm,
                        reason: crate::error::DisallowedReason::Sha1,
                    });
                }
                cert.public_key()
                    .and_then(|k| v.policy.algorithms.check_key(k))
            });
        match policy_check {
            Ok(()) => {
                self.pass(
                    CheckKind::Algorithm,
                    format!("{algorithm}, digest {digest_algorithm}"),
                );
                if algorithm.digest_algorithm() == Some(DigestAlgorithm::Sha1)
                    || digest_algorithm == DigestAlgorithm::Sha1
                {
                    self.report
                        .warnings
                        .push("SHA-1 accepted by the legacy algorithm policy".to_owned());
                }
            }
            Err(e) => self.fail(
                CheckKind::Algorithm,
                SubIndication::CryptoConstraintsFailureNoPoe,
                e.to_string(),
                Some(e),
            ),
        }

        // The signature value, with every algorithm kyso can verify (the policy was applied
        // above): only a signature that does not verify is SIG_CRYPTO_FAILURE.
        // A signature proven wrong ends the validation: its chain would prove nothing, and
        // checking it would only spend work an attacker chose.
        match check_value(&cert, algorithm) {
            Ok(()) => self.pass(CheckKind::SignatureValue, "verifies with the signer's key"),
            Err(Error::InvalidSignature) => {
                self.fail(
                    CheckKind::SignatureValue,
                    SubIndication::SigCryptoFailure,
                    "does not verify with the signer's key",
                    Some(Error::InvalidSignature),
                );
                return;
            }
            Err(e) => {
                self.fail(
                    CheckKind::SignatureValue,
                    SubIndication::CryptoConstraintsFailure,
                    format!("cannot be verified: {e}"),
                    Some(e),
                );
                return;
            }
        }

        // The claimed signing time against the certificate.
        let claimed = self.report.claimed_signing_time;
        match claimed {
            Some(t) if t < cert.not_before() => self.fail(
                CheckKind::SigningTime,
                SubIndication::NotYetValid,
                format!(
                    "claimed signing time {t} is before the certificate's notBefore {}",
                    cert.not_before()
                ),
                None,
            ),
            Some(t) => self.pass(CheckKind::SigningTime, format!("{t} (claimed, not proven)")),
            None => self.skip(CheckKind::SigningTime, "no signing-time attribute"),
        }

        // The certificate path, its revocation, and the signature timestamps.
        let (time, source) = match (v.policy.time, claimed) {
            (ValidationTime::ClaimedSigningTime { .. }, Some(t)) => {
                (t, TimeSource::ClaimedSigningTime)
            }
            (ValidationTime::ClaimedSigningTime { fallback }, None) => {
                (fallback, TimeSource::Given)
            }
            (ValidationTime::Given(t), _) => (t, TimeSource::Given),
        };
        // "Now": the time revocation data is judged at.
        let now = match v.token_now {
            Some(Some(t)) => t,
            _ => match v.policy.time {
                ValidationTime::Given(t) => t,
                ValidationTime::ClaimedSigningTime { fallback } => fallback,
            },
        };
        self.report.validation_time = time;
        self.report.validation_time_source = source;
        let intermediates: Vec<Certificate> =
            pool.iter().filter(|c| **c != cert).cloned().collect();
        let none = CrlStore::new();
        let given: &dyn RevocationSource = v.revocation_source.unwrap_or(&none);
        let sources = Both(given, embedded);
        let revocation = match v.revocation {
            RevocationPolicy::NoCheck if embedded.is_empty() => RevocationPolicy::NoCheck,
            // Revocation data in the signature is used even when the caller gave none.
            RevocationPolicy::NoCheck => RevocationPolicy::IfAvailable,
            other => other,
        };

        let best_signature_time = if v.token_now.is_some() {
            None
        } else {
            self.signature_timestamps(v, si, pool, revocation, &sources, now)
        };
        self.report.best_signature_time = best_signature_time;
        if let Some(poe) = best_signature_time {
            if poe < cert.not_before() {
                self.fail(
                    CheckKind::SignatureTimestamp,
                    SubIndication::NotYetValid,
                    format!(
                        "the signature timestamp ({poe}) is before the certificate's notBefore {}",
                        cert.not_before()
                    ),
                    None,
                );
            }
            if let Some(t) = claimed
                && t > poe
            {
                self.report.warnings.push(format!(
                    "the claimed signing time {t} is after the signature timestamp {poe}"
                ));
            }
        }

        // Revocation data issued after the time judged counts only at a proven time (the
        // timestamp), never at a claimed one.
        let validator = |at: Time, proven: bool| {
            let mut validator = PathValidator::new(v.anchors)
                .purpose(v.policy.purpose)
                .algorithm_policy(v.policy.algorithms)
                .policy_inputs(v.policy.certificate_policies.clone())
                .document_signing_ekus(&v.policy.document_signing_ekus);
            if proven {
                validator = validator.revocation_data_until(now);
            }
            if let Some(cache) = v.cache {
                validator = validator.cache(cache);
            }
            if let Some(budget) = v.budget {
                validator = validator.budget(budget);
            }
            if revocation != RevocationPolicy::NoCheck {
                validator = validator.revocation(revocation, &sources);
            }
            validator.validate(&cert, &intermediates, at)
        };
        let mut result = validator(time, v.token_now.is_some() || source == TimeSource::Given);
        // A failure that a proof of existence can cure (revoked, expired or without current
        // revocation data now): validate again at the time the signature is proven to exist.
        let mut at_poe = None;
        if let (Err(e), Some(poe)) = (&result, best_signature_time)
            && poe < time
            && matches!(
                e,
                Error::Revoked { .. }
                    | Error::Expired { .. }
                    | Error::RevocationUnknown { .. }
                    | Error::RevocationOutOfBounds { .. }
            )
        {
            let first = e.to_string();
            result = validator(poe, true);
            at_poe = Some((poe, first));
        }
        match result {
            Ok(path) => {
                self.report.chain = path.chain().to_vec();
                self.report.certificate_policies = Some(path.policies().clone());
                if path.anchor() != &cert {
                    self.report.chain.push(path.anchor().clone());
                }
                match &at_poe {
                    None => self.pass(
                        CheckKind::CertificatePath,
                        format!("valid at {time} to {}", path.anchor().subject()),
                    ),
                    Some((poe, first)) => {
                        self.report.validation_time = *poe;
                        self.report.validation_time_source = TimeSource::SignatureTimeStamp;
                        self.pass(
                            CheckKind::CertificatePath,
                            format!(
                                "valid at {poe}, when the signature timestamp proves the signature existed, to {} (at {time}: {first})",
                                path.anchor().subject()
                            ),
                        );
                    }
                }
                if revocation == RevocationPolicy::NoCheck {
                    self.skip(
                        CheckKind::Revocation,
                        "not checked (no revocation policy, no revocation data in the signature)",
                    );
                    self.report
                        .warnings
                        .push("revocation status was not checked".to_owned());
                }
                for check in path.revocation() {
                    match &check.outcome {
                        RevocationOutcome::NotRevoked { source } => self.pass(
                            CheckKind::Revocation,
                            format!("{}: not revoked ({source})", check.subject),
                        ),
                        RevocationOutcome::Unknown { reason } => {
                            self.skip(
                                CheckKind::Revocation,
                                format!("{}: status unknown ({reason})", check.subject),
                            );
                            self.report
                                .warnings
                                .push(format!("revocation status of {} unknown", check.subject));
                        }
                    }
                    if let Some(e) = &check.evidence {
                        self.report.evidence.push(e.clone());
                    }
                    self.report
                        .evidence
                        .extend(check.supporting_evidence.iter().cloned());
                    self.report
                        .used_certificates
                        .extend(check.supporting_certificates.iter().cloned());
                }
                self.report
                    .used_certificates
                    .extend(self.report.chain.iter().cloned());
            }
            Err(e) => {
                let sub = match &e {
                    // On hold: suspended, which may be lifted.
                    Error::Revoked {
                        reason: RevocationReason::CertificateHold,
                        ..
                    } => SubIndication::TryLater,
                    // Revoked, and the signer's own signed claim puts the signing after the
                    // revocation. (A timestamp after the revocation proves nothing of the
                    // kind: it bounds the signing time from above only.)
                    Error::Revoked {
                        cert: c,
                        revocation_date,
                        ..
                    } if c.index == 0 && claimed.is_some_and(|t| t >= *revocation_date) => {
                        SubIndication::Revoked
                    }
                    _ => path_sub_indication(&e),
                };
                let detail = match &at_poe {
                    Some((poe, first)) => {
                        format!("at {time}: {first}; at {poe} (signature timestamp): {e}")
                    }
                    None => e.to_string(),
                };
                self.fail(CheckKind::CertificatePath, sub, detail, Some(e));
            }
        }
        if v.policy.require_signature_timestamp && best_signature_time.is_none() {
            self.fail(
                CheckKind::SignatureTimestamp,
                SubIndication::SigConstraintsFailure,
                "no valid signature timestamp, which the policy requires (CAdES-B-T)",
                None,
            );
        }
    }

    /// Verifies each signature timestamp (unsigned attribute id-aa-signatureTimeStampToken)
    /// over this signer's signature value; returns the earliest genTime among those that
    /// verify. A timestamp that does not verify is reported and not used as proof of
    /// existence (ETSI EN 319 102-1 ignores it rather than failing the signature).
    fn signature_timestamps(
        &mut self,
        v: &Verifier<'_>,
        si: &SignerInfo,
        pool: &[Certificate],
        revocation: RevocationPolicy,
        sources: &dyn RevocationSource,
        now: Time,
    ) -> Option<Time> {
        let values: Vec<&der::Any> = si
            .unsigned_attrs
            .iter()
            .flat_map(|set| set.iter())
            .filter(|a| a.oid == SIGNATURE_TIME_STAMP)
            .flat_map(|a| a.values.iter())
            .collect();
        let mut best: Option<Time> = None;
        for (i, value) in values.iter().enumerate() {
            if i >= MAX_SIGNATURE_TIMESTAMPS {
                self.report.warnings.push(format!(
                    "only the first {MAX_SIGNATURE_TIMESTAMPS} signature timestamps were checked"
                ));
                break;
            }
            let context = TsaContext {
                budget: v.budget,
                extra_certificates: pool,
                revocation,
                source: (revocation != RevocationPolicy::NoCheck).then_some(sources),
                now: Some(now),
            };
            let checked = value
                .to_der()
                .map_err(|_| Error::invalid_der(crate::error::Object::TimeStamp))
                .and_then(|d| TimeStampToken::from_der(&d))
                .and_then(|token| {
                    let imprint = digest(token.imprint_algorithm()?, si.signature.as_bytes());
                    token.verify_in(
                        v.timestamp_anchors.unwrap_or(v.anchors),
                        &imprint,
                        None,
                        &v.policy.algorithms,
                        &context,
                    )
                });
            let usable = checked.map_err(|e| e.to_string()).and_then(|info| {
                timestamp_proof(v, &info, revocation, sources, now).map(|poe| (info, poe))
            });
            match usable {
                Ok((info, poe)) => {
                    self.pass(
                        CheckKind::SignatureTimestamp,
                        format!(
                            "genTime {} by {}: the signature existed by {poe}",
                            info.gen_time,
                            info.tsa.subject()
                        ),
                    );
                    if let Some(r) = info.report.signers.first() {
                        self.report.evidence.extend(r.evidence.iter().cloned());
                        self.report
                            .used_certificates
                            .extend(r.chain.iter().cloned());
                    }
                    best = Some(best.map_or(poe, |b| b.min(poe)));
                }
                Err(e) => {
                    self.report.check(
                        CheckKind::SignatureTimestamp,
                        Outcome::Failed,
                        format!("not used as proof of existence: {e}"),
                    );
                    self.report
                        .warnings
                        .push(format!("a signature timestamp is not usable: {e}"));
                }
            }
        }
        best
    }
}

/// The time a verified signature timestamp proves the signature existed by (genTime plus
/// the stated accuracy), or why it proves nothing: a genTime after the time revocation data
/// is judged at; a SHA-1 imprint the policy does not allow; a TSA whose revocation status is
/// unknown while revocation is checked; a TSA whose certificate current data shows revoked
/// for a key compromise, at any time (RFC 3161 section 4: every token it made is then
/// untrusted).
fn timestamp_proof(
    v: &Verifier<'_>,
    info: &crate::tsp::TimeStampInfo,
    revocation: RevocationPolicy,
    sources: &dyn RevocationSource,
    now: Time,
) -> Result<Time, String> {
    if info.gen_time > now {
        return Err(format!("genTime {} is after {now}", info.gen_time));
    }
    if info.imprint_algorithm == DigestAlgorithm::Sha1 && !v.policy.algorithms.sha1_allowed() {
        return Err("the imprint is a SHA-1 hash, which the policy refuses".to_owned());
    }
    let accuracy = info.accuracy_micros.map_or(0, |m| m.div_ceil(1_000_000));
    let poe = Time::from_unix(
        info.gen_time
            .unix()
            .saturating_add(i64::try_from(accuracy).unwrap_or(i64::MAX)),
    );
    if revocation == RevocationPolicy::NoCheck {
        return Ok(poe);
    }
    let local = Budget::default();
    let budget = v.budget.unwrap_or(&local);
    let signer = info.report.signers.first();
    if signer.is_some_and(|r| {
        r.checks
            .iter()
            .any(|c| c.kind == CheckKind::Revocation && c.outcome != Outcome::Passed)
    }) {
        return Err("the TSA certificate's revocation status is unknown".to_owned());
    }
    // Key compromise of the TSA, reported by data current now.
    if let Some(chain) = signer.map(|r| &r.chain)
        && let (Some(tsa), Some(issuer)) = (chain.first(), chain.get(1))
    {
        let compromise = |reason: RevocationReason| {
            matches!(
                reason,
                RevocationReason::KeyCompromise
                    | RevocationReason::CaCompromise
                    | RevocationReason::AaCompromise
                    | RevocationReason::Unspecified
            )
        };
        let data = sources.lookup(tsa, issuer);
        let policy = &v.policy.algorithms;
        let by_crl = data.crls.iter().any(|crl| {
            matches!(
                crl.status_between_in(tsa, issuer, now, now, policy, budget),
                Ok(crate::revocation::CrlStatus::Revoked(e)) if compromise(e.reason)
            )
        });
        let by_ocsp = data.ocsp.iter().any(|r| {
            matches!(
                r.check_between_in(tsa, issuer, now, now, policy, &crate::revocation::OcspCheck::default(), budget),
                Ok(a) if matches!(a.status, crate::revocation::OcspStatus::Revoked { reason, .. } if compromise(reason))
            )
        });
        if by_crl || by_ocsp {
            return Err(format!(
                "the TSA certificate {} is revoked for a key compromise",
                tsa.subject()
            ));
        }
    }
    Ok(poe)
}

/// A signer some of whose checks were refused for want of budget: whatever else it
/// earned, it cannot pass (a check refused deep inside, a CRL's or a timestamp's, may have
/// been read as "unknown" or "unusable" on the way). A proven failure stands.
fn out_of_budget(r: &mut SignerReport) {
    r.check(
        CheckKind::WorkBudget,
        Outcome::Failed,
        format!(
            "more than {MAX_CMS_SIGNATURE_CHECKS} signature checks: the validation stopped short"
        ),
    );
    if r.indication == Indication::TotalFailed {
        return;
    }
    r.indication = Indication::Indeterminate;
    r.sub_indication = Some(SubIndication::NoCertificateChainFound);
    r.error = Some(Error::BudgetExceeded {
        what: "signature checks in one validation",
        limit: MAX_CMS_SIGNATURE_CHECKS,
    });
    r.chain.clear();
}

/// Maps a path-validation error to its ETSI EN 319 102-1 sub-indication.
fn path_sub_indication(e: &Error) -> SubIndication {
    match e {
        Error::Revoked { cert, .. } if cert.index == 0 => SubIndication::RevokedNoPoe,
        Error::Revoked { .. } => SubIndication::RevokedCaNoPoe,
        Error::RevocationUnknown { .. } => SubIndication::TryLater,
        Error::RevocationOutOfBounds { .. } => SubIndication::RevocationOutOfBoundsNoPoe,
        Error::Expired { .. } | Error::NotYetValid { .. } => SubIndication::OutOfBoundsNoPoe,
        Error::UnknownIssuer { .. }
        | Error::UntrustedSelfSigned { .. }
        | Error::PathTooLong { .. }
        | Error::BudgetExceeded { .. } => SubIndication::NoCertificateChainFound,
        Error::DisallowedAlgorithm { .. }
        | Error::WeakRsaKey { .. }
        | Error::UnusablePublicKey { .. } => SubIndication::CryptoConstraintsFailureNoPoe,
        Error::NotCa { .. }
        | Error::PathLenExceeded { .. }
        | Error::MissingKeyCertSign { .. }
        | Error::UnknownCriticalExtension { .. }
        | Error::NoValidPolicy { .. }
        | Error::InvalidPolicyMapping { .. }
        | Error::NameConstraintViolation { .. }
        | Error::KeyUsageNotAllowed { .. }
        | Error::ExtendedKeyUsageNotAllowed { .. } => SubIndication::ChainConstraintsFailure,
        _ => SubIndication::CertificateChainGeneralFailure,
    }
}

/// The document's digest with `algorithm`, if the document (or that digest) is at hand.
fn document_digest(doc: &Document<'_>, algorithm: DigestAlgorithm) -> Option<Digest> {
    match doc {
        Document::Bytes(_, list) | Document::Digests(list) => {
            list.iter().find(|d| d.algorithm() == algorithm).cloned()
        }
        Document::Missing => None,
    }
}

/// The signature algorithm of a SignerInfo. CMS writers put either the full signature
/// algorithm or, for RSA PKCS#1 v1.5, plain `rsaEncryption` with the hash in
/// digestAlgorithm (RFC 5754 section 3.2; OpenSSL does the latter).
fn signature_algorithm(
    si: &SignerInfo,
    digest_algorithm: DigestAlgorithm,
    cert: &Certificate,
) -> Result<SignatureAlgorithm, Error> {
    let key = cert.public_key()?;
    if si.signature_algorithm.oid == RSA_ENCRYPTION {
        return match digest_algorithm {
            DigestAlgorithm::Sha1 => Ok(SignatureAlgorithm::RsaPkcs1Sha1ForLegacyUseOnly),
            DigestAlgorithm::Sha256 => Ok(SignatureAlgorithm::RsaPkcs1Sha256),
            DigestAlgorithm::Sha384 => Ok(SignatureAlgorithm::RsaPkcs1Sha384),
            DigestAlgorithm::Sha512 => Ok(SignatureAlgorithm::RsaPkcs1Sha512),
        };
    }
    let der_bytes = si
        .signature_algorithm
        .to_der()
        .map_err(|_| Error::invalid_der(crate::error::Object::AlgorithmIdentifier))?;
    SignatureAlgorithm::from_algorithm_identifier_der(&der_bytes, key)
}

/// Certificates with the identifier's serial number whose issuer name has the same
/// attributes as the identifier's, in any order (some passports' SODs reorder them).
fn find_signers_leniently(sid: &SignerIdentifier, pool: &[Certificate]) -> Vec<Certificate> {
    let SignerIdentifier::IssuerAndSerialNumber(isn) = sid else {
        return Vec::new();
    };
    let Some(issuer) = isn
        .issuer
        .to_der()
        .ok()
        .and_then(|d| Name::from_der(&d).ok())
    else {
        return Vec::new();
    };
    pool.iter()
        .filter(|c| {
            c.serial() == isn.serial_number.as_bytes() && issuer.matches_unordered(c.issuer())
        })
        .cloned()
        .collect()
}

/// Every certificate a SignerIdentifier names, in pool order.
fn find_signers(sid: &SignerIdentifier, pool: &[Certificate]) -> Vec<Certificate> {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(isn) => {
            let Ok(issuer_der) = isn.issuer.to_der() else {
                return Vec::new();
            };
            // The issuer name is parsed (for RFC 5280 comparison) only when no certificate
            // carries the very same bytes.
            let mut issuer: Option<Option<Name>> = None;
            pool.iter()
                .filter(|c| {
                    c.serial() == isn.serial_number.as_bytes()
                        && (c.issuer().der() == issuer_der.as_slice()
                            || issuer
                                .get_or_insert_with(|| Name::from_der(&issuer_der).ok())
                                .as_ref()
                                .is_some_and(|n| n.matches(c.issuer())))
                })
                .cloned()
                .collect()
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => pool
            .iter()
            .filter(|c| c.subject_key_id() == Some(ski.0.as_bytes()))
            .cloned()
            .collect(),
    }
}

/// The widest policy kyso can verify under, to tell a wrong signature (SIG_CRYPTO_FAILURE)
/// from a refused algorithm, which the caller's policy judges separately.
fn permissive() -> AlgorithmPolicy {
    AlgorithmPolicy::default()
        .allow_sha1_for_legacy_use_only()
        .with_min_rsa_bits(LEGACY_MIN_RSA_BITS)
}

/// The signed attributes kyso reads, checked for the structure RFC 5652 section 5.3 and
/// RFC 5035 require.
struct SignedAttributes {
    message_digest: Vec<u8>,
    signing_time: Option<Time>,
    signing_certificate: Option<SigningCertificateBinding>,
    commitment_type: Option<CommitmentType>,
}

enum SigningCertificateBinding {
    V2(SigningCertificateV2),
    V1(SigningCertificateV1),
}

impl SignedAttributes {
    fn read<'x>(
        attrs: impl Iterator<Item = &'x Attribute>,
        econtent_type: ObjectIdentifier,
    ) -> Result<Self, String> {
        let mut by_oid: HashMap<ObjectIdentifier, &Attribute> = HashMap::new();
        for a in attrs {
            if by_oid.insert(a.oid, a).is_some() {
                return Err(format!("attribute {} appears more than once", a.oid));
            }
        }
        let single = |oid: ObjectIdentifier, name: &str| -> Result<Option<&der::Any>, String> {
            match by_oid.get(&oid) {
                None => Ok(None),
                Some(a) if a.values.len() == 1 => Ok(a.values.iter().next()),
                Some(_) => Err(format!("the {name} attribute must have exactly one value")),
            }
        };
        let content_type = single(CONTENT_TYPE, "content-type")?
            .ok_or("the content-type attribute is missing")?
            .decode_as::<ObjectIdentifier>()
            .map_err(|_| "the content-type attribute is malformed".to_owned())?;
        if content_type != econtent_type {
            return Err(format!(
                "the content-type attribute ({content_type}) differs from the content type ({econtent_type})"
            ));
        }
        let message_digest = single(MESSAGE_DIGEST, "message-digest")?
            .ok_or("the message-digest attribute is missing")?
            .decode_as::<OctetString>()
            .map_err(|_| "the message-digest attribute is malformed".to_owned())?
            .into_bytes()
            .into_vec();
        let signing_time = match single(SIGNING_TIME, "signing-time")? {
            None => None,
            Some(any) => {
                let t = x509_cert::time::Time::from_der(
                    &any.to_der()
                        .map_err(|_| "the signing-time attribute is malformed")?,
                )
                .map_err(|_| "the signing-time attribute is malformed".to_owned())?;
                let secs = i64::try_from(t.to_unix_duration().as_secs())
                    .map_err(|_| "the signing-time attribute is out of range".to_owned())?;
                Some(Time::from_unix(secs))
            }
        };
        let v2 = single(SIGNING_CERTIFICATE_V2, "signing-certificate-v2")?;
        let v1 = single(SIGNING_CERTIFICATE, "signing-certificate")?;
        let signing_certificate = match (v2, v1) {
            (Some(any), _) => Some(SigningCertificateBinding::V2(
                any.decode_as()
                    .map_err(|_| "the signing-certificate-v2 attribute is malformed".to_owned())?,
            )),
            (None, Some(any)) => Some(SigningCertificateBinding::V1(
                any.decode_as()
                    .map_err(|_| "the signing-certificate attribute is malformed".to_owned())?,
            )),
            (None, None) => None,
        };
        let commitment_type = match single(COMMITMENT_TYPE, "commitment-type-indication")? {
            None => None,
            Some(any) => {
                let cti: CommitmentTypeIndication = any.decode_as().map_err(|_| {
                    "the commitment-type-indication attribute is malformed".to_owned()
                })?;
                CommitmentType::from_oid(&cti.commitment_type_id)
            }
        };
        Ok(SignedAttributes {
            message_digest,
            signing_time,
            signing_certificate,
            commitment_type,
        })
    }
}

impl SigningCertificateBinding {
    /// Whether the binding hashes the certificate with SHA-1 (ESS v1, or v2 with SHA-1).
    fn uses_sha1(&self) -> bool {
        match self {
            SigningCertificateBinding::V1(_) => true,
            SigningCertificateBinding::V2(v2) => v2.certs.first().is_some_and(|id| {
                id.hash_algorithm
                    .as_ref()
                    .is_some_and(|a| a.oid == DigestAlgorithm::Sha1.oid())
            }),
        }
    }

    /// Whether the first ESSCertID (the signer's, RFC 5035 section 3) names `cert`.
    fn matches(&self, cert: &Certificate) -> Result<String, String> {
        let (alg, hash, issuer_serial) = match self {
            SigningCertificateBinding::V2(v2) => {
                let id = v2
                    .certs
                    .first()
                    .ok_or("the signing-certificate-v2 attribute is empty")?;
                let alg = match &id.hash_algorithm {
                    None => DigestAlgorithm::Sha256,
                    Some(a) => DigestAlgorithm::from_oid(&a.oid).map_err(|_| {
                        format!("unsupported hash {} in signing-certificate-v2", a.oid)
                    })?,
                };
                (alg, id.cert_hash.as_bytes(), id.issuer_serial.as_ref())
            }
            SigningCertificateBinding::V1(v1) => {
                let id = v1
                    .certs
                    .first()
                    .ok_or("the signing-certificate attribute is empty")?;
                (
                    DigestAlgorithm::Sha1,
                    id.cert_hash.as_bytes(),
                    id.issuer_serial.as_ref(),
                )
            }
        };
        if digest(alg, cert.der()).as_bytes() != hash {
            return Err(format!(
                "the {alg} hash in the signing-certificate attribute is not the signer certificate's"
            ));
        }
        if let Some(is) = issuer_serial {
            let serial_ok = is.serial_number.as_bytes() == cert.serial();
            let issuer_ok = is.issuer.iter().any(|g| match g {
                GeneralName::DirectoryName(n) => n.to_der().ok().is_some_and(|d| {
                    d.as_slice() == cert.issuer().der()
                        || Name::from_der(&d).is_ok_and(|n| n.matches(cert.issuer()))
                }),
                _ => false,
            });
            if !(serial_ok && issuer_ok) {
                return Err("the issuer and serial in the signing-certificate attribute are not the signer certificate's".to_owned());
            }
        }
        Ok(format!("binds the signer certificate ({alg})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(rel: &str) -> Vec<u8> {
        std::fs::read(format!("{}/test-vectors/{rel}", env!("CARGO_MANIFEST_DIR")))
            .unwrap_or_default()
    }

    /// A validation whose budget runs out cannot pass, whatever the check that was refused
    /// (here the CRL signature checks, after the signer's and the path's): the signer is
    /// INDETERMINATE and the report says the work budget ran out.
    #[test]
    fn running_out_of_budget_never_passes() {
        let Ok(anchors) = TrustStore::from_pem(&read("pki/root-ca.pem")) else {
            panic!("test PKI missing");
        };
        let Ok(cms) = SignedCms::parse(&read("cms/openssl-rsa2048-detached.p7s")) else {
            panic!("test signature missing");
        };
        let Ok(crl) = crate::Crl::from_pem(&read("revocation/signing-ca.crl")) else {
            panic!("test CRL missing");
        };
        let store = CrlStore::from_crls([crl]);
        let document = read("documents/cong-van.txt");
        let Ok(at) = Time::from_utc(2026, 6, 1, 0, 0, 0) else {
            panic!("time");
        };
        let verifier = Verifier::new(&anchors, ValidationPolicy::at(at))
            .with_revocation(RevocationPolicy::IfAvailable, &store);
        assert!(verifier.verify(&cms, Some(&document)).is_passed());
        for limit in 0..4 {
            let budget = Budget::new(limit);
            let mut tight = verifier.clone();
            tight.budget = Some(&budget);
            let report = tight.verify(&cms, Some(&document));
            let s = &report.signers[0];
            assert_eq!(s.indication, Indication::Indeterminate, "{limit}: {report}");
            assert!(
                s.checks
                    .iter()
                    .any(|c| c.kind == CheckKind::WorkBudget && c.outcome == Outcome::Failed),
                "{limit}: {report}"
            );
            assert!(matches!(s.error, Some(Error::BudgetExceeded { .. })));
        }
    }
}
