//! Validating CMS signatures: every SignerInfo gets an ETSI EN 319 102-1 verdict.

use std::io::Read;

use crate::budget::Budget;
use crate::cert::Certificate;
use crate::cms::signed_cms::SignedCms;
use crate::cms::signer_check::{self, Inputs, SignerRun};
use crate::digest::{Digest, DigestAlgorithm, Hasher, STREAM_BUFFER_SIZE, digest};
use crate::error::Error;
use crate::path::{TrustContext, TrustStore, VerificationCache};
use crate::revocation::{RevocationPolicy, RevocationSource};
use crate::time::Time;
use crate::validate::etsi;
use crate::validate::{
    SignerReport, ValidationPolicy, ValidationReport, ValidationTime, VerifiedContent,
};

/// Validates CMS signatures against a trust store under a [`ValidationPolicy`].
///
/// ```
/// use kyso::{Indication, Revocation, SignedCms, TrustContext, TrustStore};
/// use kyso::{ValidationPolicy, Verifier};
/// let anchors = TrustStore::from_pem(&std::fs::read("test-vectors/pki/root-ca.pem")?)?;
/// let signature = SignedCms::parse(&std::fs::read("test-vectors/cms/openssl-rsa2048-detached.p7s")?)?;
/// let document = std::fs::read("test-vectors/documents/cong-van.txt")?;
/// let context = TrustContext::new(&anchors, Revocation::NotChecked);
/// let report = Verifier::new(&context, ValidationPolicy::now()).verify(&signature, Some(&document));
/// assert_eq!(report.indication(), Indication::TotalPassed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Verifier<'a> {
    pub(crate) anchors: &'a TrustStore,
    pub(crate) policy: ValidationPolicy,
    pub(crate) extra_certificates: Vec<Certificate>,
    pub(crate) revocation: RevocationPolicy,
    pub(crate) revocation_source: Option<&'a dyn RevocationSource>,
    pub(crate) timestamp_anchors: Option<&'a TrustStore>,
    pub(crate) cache: Option<&'a VerificationCache>,
    /// What kind of signed object is verified.
    pub(crate) mode: Mode,
    /// The signature-check budget of the whole call (shared with timestamp tokens).
    pub(crate) budget: Option<&'a Budget>,
    /// Proof of existence from outside the signature (a PDF's document timestamp over the
    /// revision holding it): the signature existed by then.
    pub(crate) external_poe: Option<Time>,
}

/// What kind of signed object a [`Verifier`] validates; each mode changes a few steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A signed document: the default.
    Document,
    /// An RFC 3161 timestamp token: revocation data is judged at `judge_at` (the time of
    /// the signature the token covers, when it has one), and timestamps inside the token
    /// are not followed.
    TimestampToken {
        /// The time revocation data is judged at.
        judge_at: Option<Time>,
    },
    /// An ICAO 9303 EF.SOD: only the first SignerInfo is validated (a travel document has
    /// one, and passive authentication reports the first), and the signer's issuer name
    /// may list the certificate's attributes in another order.
    TravelDocument,
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
pub(crate) enum Document<'d> {
    /// The bytes, with their digest for every algorithm the signers use, computed once
    /// whatever the number of signers.
    Bytes(&'d [u8], Vec<Digest>),
    Digests(Vec<Digest>),
    Missing,
}

impl<'a> Verifier<'a> {
    /// A verifier that trusts and checks with `context` (anchors, revocation, supplied
    /// certificates, cache), applying `policy`.
    pub fn new(context: &TrustContext<'a>, policy: ValidationPolicy) -> Self {
        Verifier {
            anchors: context.anchors,
            policy,
            extra_certificates: context.certificates.clone(),
            revocation: context.revocation.policy(),
            revocation_source: context.revocation.source(),
            timestamp_anchors: context.timestamp_anchors,
            cache: context.cache,
            mode: Mode::Document,
            budget: None,
            external_poe: None,
        }
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

    pub(crate) fn for_timestamp_token(
        mut self,
        now: Option<Time>,
        budget: Option<&'a Budget>,
    ) -> Self {
        self.mode = Mode::TimestampToken { judge_at: now };
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
    pub(crate) fn with_revocation(
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
    pub(crate) fn certificates(mut self, certs: impl IntoIterator<Item = Certificate>) -> Self {
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
    /// may be `None`, and the content inside is verified; if a document is given, it must
    /// be the content inside, byte for byte: when they differ, every signer fails
    /// (HASH_FAILURE) whichever of the two it signed. [`ValidationReport::content`] says
    /// which content was verified.
    pub fn verify(&self, cms: &SignedCms, document: Option<&[u8]>) -> ValidationReport {
        let content = match (document, cms.content()) {
            (Some(given), Some(inside)) if given == inside => VerifiedContent::GivenAndEmbedded,
            (Some(_), Some(_)) => VerifiedContent::GivenDiffersFromEmbedded,
            (Some(_), None) => VerifiedContent::Given,
            (None, Some(_)) => VerifiedContent::Embedded,
            (None, None) => VerifiedContent::None,
        };
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
        let mut report = self.verify_document(cms, &doc);
        report.content = content;
        if content == VerifiedContent::GivenDiffersFromEmbedded {
            for signer in &mut report.signers {
                etsi::content_mismatch(signer);
            }
        }
        report
    }

    /// Validates a signature over a document read from `reader`, in constant memory (the
    /// document is hashed once with every digest algorithm the signers use).
    ///
    /// A signer without signed attributes signs the document itself, which needs the bytes:
    /// such a signer gets INDETERMINATE / SIGNED_DATA_NOT_FOUND here.
    ///
    /// # Errors
    ///
    /// [`Error::Io`], with an empty path, if a read fails with any error other than
    /// [`std::io::ErrorKind::Interrupted`] (interrupted reads are retried). Every finding about
    /// the signature itself is in the report, not an error.
    pub fn verify_reader(
        &self,
        cms: &SignedCms,
        mut reader: impl Read,
    ) -> Result<ValidationReport, Error> {
        let algorithms = cms.digest_algorithms();
        let mut hashers: Vec<Hasher> = algorithms.iter().map(|a| Hasher::new(*a)).collect();
        let mut buf = vec![0u8; STREAM_BUFFER_SIZE];
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
        let mut report = self.verify_digests(cms, digests);
        if report.content == VerifiedContent::Digests {
            report.content = VerifiedContent::Given;
        }
        Ok(report)
    }

    /// Validates a signature given the document's digests (one per digest algorithm the
    /// signers use; see [`SignedCms::digest_algorithms`]).
    ///
    /// For an enveloping signature the digests must be the content inside's, as
    /// [`Verifier::verify`] requires of a document: otherwise every signer fails
    /// (HASH_FAILURE).
    pub fn verify_digests(&self, cms: &SignedCms, digests: Vec<Digest>) -> ValidationReport {
        let content = match cms.content() {
            None => VerifiedContent::Digests,
            Some(inside) if digests.iter().all(|d| digest(d.algorithm(), inside) == *d) => {
                VerifiedContent::GivenAndEmbedded
            }
            Some(_) => VerifiedContent::GivenDiffersFromEmbedded,
        };
        let mut report = self.verify_document(cms, &Document::Digests(digests));
        report.content = content;
        if content == VerifiedContent::GivenDiffersFromEmbedded {
            for signer in &mut report.signers {
                etsi::content_mismatch(signer);
            }
        }
        report
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
        let count = if self.mode == Mode::TravelDocument {
            1
        } else {
            usize::MAX
        };
        let extra_digests = std::sync::Mutex::new(Vec::new());
        let signers = cms
            .signed_data
            .signer_infos
            .iter()
            .take(count)
            .map(|si| {
                let refusals = budget.refusals();
                let inputs = Inputs {
                    v: self,
                    si,
                    econtent_type,
                    doc,
                    pool: &pool,
                    embedded: &cms.crls,
                    budget,
                    reordered: &cms.reordered_signed_attributes,
                    octets: crate::cms::walk::octets_of(&cms.signer_octets, si.signature()),
                    depth: 0,
                    extra_digests: &extra_digests,
                };
                let mut r = verify_signer(&inputs);
                if budget.refusals() > refusals {
                    etsi::out_of_budget(&mut r);
                }
                r.warnings.extend(cms.parse_warnings.iter().cloned());
                r.warnings.extend(cms.certificate_warnings.iter().cloned());
                r
            })
            .collect();
        ValidationReport {
            signers,
            format_error: None,
            signature_checks: budget.used(),
            content: match doc {
                Document::Bytes(..) => VerifiedContent::Given,
                Document::Digests(_) => VerifiedContent::Digests,
                Document::Missing => VerifiedContent::None,
            },
        }
    }
}

/// One signer's report: the pipeline of [`signer_check`] run on it.
fn verify_signer(inputs: &Inputs<'_>) -> SignerReport {
    let given_time = match inputs.v.policy.time {
        ValidationTime::Given(t) => t,
        ValidationTime::ClaimedSigningTime { fallback } => fallback,
    };
    let mut run = SignerRun::new(given_time);
    // A step that stops has recorded why; the verdict comes from the failures recorded.
    let _stopped = signer_check::run(&mut run, inputs);
    run.finish()
}

impl Document<'_> {
    /// The document's digest with `algorithm`, if the document (or that digest) is at hand.
    pub(crate) fn digest(&self, algorithm: DigestAlgorithm) -> Option<Digest> {
        match self {
            Document::Bytes(_, list) | Document::Digests(list) => {
                list.iter().find(|d| d.algorithm() == algorithm).cloned()
            }
            Document::Missing => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::revocation::CrlStore;
    use crate::validate::{CheckKind, Indication, Outcome};

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
        let Ok(crl) = crate::revocation::Crl::from_pem(&read("revocation/signing-ca.crl")) else {
            panic!("test CRL missing");
        };
        let store = CrlStore::from_crls([crl]);
        let document = read("documents/cong-van.txt");
        let Ok(at) = Time::from_utc(2026, 6, 1, 0, 0, 0) else {
            panic!("time");
        };
        let context = TrustContext::new(&anchors, crate::path::Revocation::IfAvailable(&store));
        let verifier = Verifier::new(&context, ValidationPolicy::at(at));
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
