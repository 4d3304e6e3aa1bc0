//! One signer's validation as a pipeline of named steps, in the order of ETSI EN 319 102-1
//! section 5.2 (basic signature validation) and 5.6 (with proof of existence):
//!
//! | step | checks | a failure |
//! |---|---|---|
//! | [`digest_algorithm`] | the SignerInfo's digest algorithm is one kyso has | stops |
//! | [`signed_attributes`] | their structure (RFC 5652 §5.3, §11) | stops |
//! | [`content_type`] | the content is a document (id-data) or of a type the policy allows; bare signatures only under the legacy policy | a bare signature stops, a content type does not |
//! | [`message_digest`] | the document's digest against the message-digest attribute | a missing document stops, a different one does not |
//! | [`signer_certificate`] | the certificate the SignerIdentifier names (the ESS-bound one, else the first whose key verifies) | stops |
//! | [`ess_binding`] | the ESS signing-certificate attribute names that certificate | never stops |
//! | [`algorithm`] | the signature algorithm resolves, and the algorithm policy allows it and the key | an unresolvable algorithm stops, a refusal by policy does not |
//! | [`signature_value`] | the value verifies with the certificate's key | stops |
//! | [`claimed_time`] | the claimed signing time is within the certificate's validity | never stops |
//! | [`proof_of_existence`] | signature timestamps ([`super::proof_of_existence`]) | never stops |
//! | [`certificate_path`] | the path to an anchor, with revocation, at the validation time or the proven time | last step |
//! | [`required_timestamp`] | a signature timestamp, when the policy requires one | last step |
//!
//! The rule for stopping: a step stops the run when a later step cannot run without what
//! it failed to produce (an algorithm, the attributes, the covered bytes, the certificate),
//! or when the signature value is proven wrong or cannot be checked (the chain of a wrong
//! signature proves nothing, and checking it would only spend work an attacker chose). Any
//! other failure is recorded and the run goes on, so the report lists every failed check.
//! A step that stops returns [`Stop`], which only [`SignerRun::stop`] makes; [`run`] lists
//! the steps, and each `?` there is a place the run can stop. Which recorded failure
//! decides the verdict is [`crate::validate::etsi`]'s rule.

use crate::error::{PathError, SignatureError};
use crate::oid::Oid;
use std::fmt::Write as _;

use cms::signed_data::SignerInfo;

use crate::cms::signer_view::SignerView;
use der::asn1::ObjectIdentifier;

use crate::budget::{Budget, CheckId};
use crate::cert::Certificate;
use crate::cms::attributes::{COUNTER_SIGNATURE, ID_DATA, UNEXAMINED};
use crate::cms::proof_of_existence::{self, TimestampContext};
use crate::cms::signed_attributes::SignedAttributes;
use crate::cms::signer_match::{find_signers, find_signers_leniently, signature_algorithm};
use crate::cms::verify::{Document, Mode, Verifier};
use crate::digest::{DigestAlgorithm, Hasher};
use crate::error::{DisallowedReason, Error};
use crate::key::{AlgorithmPolicy, LEGACY_MIN_RSA_BITS, SignatureAlgorithm};
use crate::limits::{MAX_COUNTER_SIGNATURE_DEPTH, MAX_COUNTER_SIGNATURES};
use crate::path::{PathValidator, ValidatedPath};
use crate::revocation::{Both, CrlStore, RevocationOutcome, RevocationPolicy, RevocationSource};
use crate::time::Time;
use crate::validate::etsi::{self, Failure};
use crate::validate::{
    CheckKind, Outcome, SignerReport, SubIndication, TimeSource, ValidationTime, Warning,
};

/// What one signer is validated with.
pub(crate) struct Inputs<'a> {
    /// The verifier's configuration.
    pub v: &'a Verifier<'a>,
    /// The signer.
    pub si: &'a SignerView,
    /// The SignedData's eContentType.
    pub econtent_type: ObjectIdentifier,
    /// The document, its digests, or nothing.
    pub doc: &'a Document<'a>,
    /// The signature's certificates and the caller's.
    pub pool: &'a [Certificate],
    /// The CRLs and OCSP responses inside the signature.
    pub embedded: &'a CrlStore,
    /// The signature-check budget of the whole call.
    pub budget: &'a Budget,
    /// Signed attributes the signature carries in another order than DER's.
    pub reordered: &'a [crate::cms::walk::Reordered],
    /// This SignerInfo's parts as received, when the input was DER.
    pub octets: Option<&'a crate::cms::walk::SignerOctets>,
    /// 0 for a SignerInfo of the SignedData, 1 for a counter-signature on one, and so on.
    pub depth: usize,
    /// Digests of the document with algorithms none of the signers use (a content
    /// timestamp's), each computed once for the whole call.
    pub extra_digests: &'a std::sync::Mutex<Vec<crate::digest::Digest>>,
}

/// What judging a signer's certificate needs, in any signature format: the verifier, the
/// certificates at hand, the revocation data inside the signature, and the call's budget.
pub(crate) struct CertificateInputs<'a> {
    /// The verifier's configuration.
    pub v: &'a Verifier<'a>,
    /// The signature's certificates and the caller's.
    pub pool: &'a [Certificate],
    /// The CRLs and OCSP responses inside the signature.
    pub embedded: &'a CrlStore,
    /// The signature-check budget of the whole call.
    pub budget: &'a Budget,
}

impl<'a> Inputs<'a> {
    fn certificate_inputs(&self) -> CertificateInputs<'a> {
        CertificateInputs {
            v: self.v,
            pool: self.pool,
            embedded: self.embedded,
            budget: self.budget,
        }
    }
}

/// A step's decision that the run cannot go on; only [`SignerRun::stop`] makes one, after
/// recording the failure.
pub(crate) struct Stop(());

/// One signer's validation in progress: the report, and the failures met, in order.
pub(crate) struct SignerRun {
    pub report: SignerReport,
    failures: Vec<Failure>,
}

impl SignerRun {
    /// A run whose report starts at `given_time`, nothing checked yet.
    pub(crate) fn new(given_time: Time) -> Self {
        let mut report = SignerReport::empty(given_time);
        // Room for the checks of a signer with a path and a timestamp, so that the list
        // is not moved as it grows.
        report.checks.reserve(16);
        SignerRun {
            report,
            failures: Vec::new(),
        }
    }

    pub(crate) fn pass(&mut self, kind: CheckKind, detail: impl Into<String>) {
        self.report.check(kind, Outcome::Passed, detail);
    }

    pub(crate) fn skip(&mut self, kind: CheckKind, detail: impl Into<String>) {
        self.report.check(kind, Outcome::Skipped, detail);
    }

    pub(crate) fn warn(&mut self, warning: Warning) {
        self.report.warnings.push(warning);
    }

    /// Records a failed check; the run goes on.
    pub(crate) fn fail(
        &mut self,
        kind: CheckKind,
        sub: SubIndication,
        detail: impl Into<String>,
        error: Option<Error>,
    ) {
        self.report.check(kind, Outcome::Failed, detail);
        self.failures.push((sub, error));
    }

    /// Records a failed check that ends the run.
    pub(crate) fn stop(
        &mut self,
        kind: CheckKind,
        sub: SubIndication,
        detail: impl Into<String>,
        error: Option<Error>,
    ) -> Stop {
        self.fail(kind, sub, detail, error);
        Stop(())
    }

    /// The report, with the verdict the failures give.
    pub(crate) fn finish(mut self) -> SignerReport {
        etsi::conclude(&mut self.report, self.failures);
        self.report
    }
}

/// A report sentence, written into one allocation with room for the usual ones (`format!`
/// grows its string as each argument is written).
fn sentence(args: std::fmt::Arguments<'_>) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(128);
    // Writing into a String cannot fail.
    let _ = out.write_fmt(args);
    out
}

/// Runs every step on one signer, in order, until one stops the run.
pub(crate) fn run(r: &mut SignerRun, inp: &Inputs<'_>) -> Result<(), Stop> {
    let digest = digest_algorithm(r, inp)?;
    let attrs = signed_attributes(r, inp)?;
    content_type(r, inp, attrs.as_ref())?;
    let covered = message_digest(r, inp, digest, attrs.as_ref())?;
    let value = ValueCheck::new(inp, covered);
    // RFC 5652 section 5.4 says the DER form of the signed attributes is signed; some
    // producers sign the order they wrote. For this SignerInfo's own attributes (the same
    // attributes, the same signature value) the order received is tried first, then the DER
    // form.
    let reordered = inp
        .si
        .has_signed_attributes()
        .then(|| {
            inp.reordered
                .iter()
                .find(|r| r.der == value.covered && r.signature.as_slice() == inp.si.signature())
        })
        .flatten();
    let value = match reordered {
        Some(r) => ValueCheck::new(inp, r.received.clone()).or_else(value),
        None => value,
    };
    let cert = signer_certificate(r, inp, digest, attrs.as_ref(), &value)?;
    ess_binding(r, inp, attrs.as_ref(), &cert);
    let algorithm = algorithm(r, inp, digest, &cert)?;
    signature_value(r, &value, &cert, algorithm)?;
    claimed_time(r, &cert);
    let ci = inp.certificate_inputs();
    let judged = JudgedTimes::of(r, &ci);
    let no_source = CrlStore::new();
    let scope = RevocationScope::of(&ci, &no_source);
    let sources = Both(scope.given, inp.embedded);
    let poe = proof_of_existence(r, inp, &cert, &scope, &sources, judged.now);
    certificate_path(r, &ci, &cert, &judged, &scope, &sources, poe);
    required_timestamp(r, inp.v, poe);
    unexamined_attributes(r, inp);
    counter_signatures(r, inp);
    Ok(())
}

/// The steps after the signature value for a signature format that carries no signature
/// timestamps (XML signatures): the claimed signing time against the certificate, then the
/// certificate path at the time judged (with the proof of existence from outside the
/// signature, if the verifier has one), then the policy's demand for a timestamp.
pub(crate) fn judge_certificate(r: &mut SignerRun, c: &CertificateInputs<'_>, cert: &Certificate) {
    claimed_time(r, cert);
    let judged = JudgedTimes::of(r, c);
    let no_source = CrlStore::new();
    let scope = RevocationScope::of(c, &no_source);
    let sources = Both(scope.given, c.embedded);
    certificate_path(r, c, cert, &judged, &scope, &sources, None);
    required_timestamp(r, c.v, None);
}

/// Lists the CAdES-C, -X and -A attributes kyso does not examine yet, so that nobody reads
/// a TOTAL-PASSED as covering them.
fn unexamined_attributes(r: &mut SignerRun, inp: &Inputs<'_>) {
    for a in inp.si.unsigned_attributes() {
        let oid = Oid::from_der(&a.oid);
        if UNEXAMINED.iter().any(|u| oid == *u) && !r.report.unexamined_attributes.contains(&oid) {
            r.warn(Warning::AttributeNotExamined { oid: oid.clone() });
            r.report.unexamined_attributes.push(oid);
        }
    }
}

/// Counter-signatures (RFC 5652 section 11.4): each a SignerInfo over this signer's
/// signature value, validated as a signer of its own (its own certificate, path and
/// timestamps) and reported in [`SignerReport::counter_signatures`](crate::validate::SignerReport::counter_signatures),
/// nested ones to [`MAX_COUNTER_SIGNATURE_DEPTH`] levels and [`MAX_COUNTER_SIGNATURES`]
/// each. A counter-signature's verdict does not change the signer's: it is another
/// signer's statement about this signature.
fn counter_signatures(r: &mut SignerRun, inp: &Inputs<'_>) {
    let values: Vec<der::asn1::AnyRef<'_>> = inp
        .si
        .unsigned_attributes()
        .filter(|a| a.oid == COUNTER_SIGNATURE)
        .flat_map(|a| a.values())
        .collect();
    if values.is_empty() {
        return;
    }
    if inp.depth >= MAX_COUNTER_SIGNATURE_DEPTH {
        r.warn(Warning::CounterSignaturesNotAllChecked {
            checked: r.report.counter_signatures.len(),
        });
        return;
    }
    let value = inp.si.signature();
    for (i, any) in values.into_iter().enumerate() {
        if i >= MAX_COUNTER_SIGNATURES {
            r.warn(Warning::CounterSignaturesNotAllChecked { checked: i });
            break;
        }
        let Some(si) = any
            .decode_as::<SignerInfo>()
            .ok()
            .and_then(|si| SignerView::from_typed(&si).ok())
        else {
            r.report.check(
                CheckKind::CounterSignature,
                Outcome::Failed,
                "a counter-signature does not decode as a SignerInfo",
            );
            continue;
        };
        let digests = DigestAlgorithm::from_der_oid(&si.digest_algorithm())
            .map(|d| vec![crate::digest::digest(d, value)])
            .unwrap_or_default();
        let doc = Document::Bytes(value, digests);
        let extra_digests = std::sync::Mutex::new(Vec::new());
        let sub = Inputs {
            v: inp.v,
            si: &si,
            econtent_type: inp.econtent_type,
            doc: &doc,
            pool: inp.pool,
            embedded: inp.embedded,
            budget: inp.budget,
            reordered: &[],
            octets: None,
            depth: inp.depth + 1,
            extra_digests: &extra_digests,
        };
        let mut run_ = SignerRun::new(r.report.validation_time);
        let _stopped = run(&mut run_, &sub);
        let report = run_.finish();
        let signer = report
            .identity
            .as_ref()
            .map_or_else(|| "unknown signer".to_owned(), |id| id.to_string());
        let outcome = if report.is_passed() {
            Outcome::Passed
        } else {
            Outcome::Failed
        };
        let mut verdict = report.indication.to_string();
        if let Some(sub) = report.sub_indication {
            verdict = format!("{verdict} / {sub}");
        }
        r.report.check(
            CheckKind::CounterSignature,
            outcome,
            format!("by {signer}: {verdict}"),
        );
        r.report.counter_signatures.push(report);
    }
}

/// The digest algorithm of the SignerInfo.
fn digest_algorithm(r: &mut SignerRun, inp: &Inputs<'_>) -> Result<DigestAlgorithm, Stop> {
    let oid = inp.si.digest_algorithm();
    let Ok(digest_algorithm) = DigestAlgorithm::from_der_oid(&oid) else {
        return Err(r.stop(
            CheckKind::Algorithm,
            SubIndication::CryptoConstraintsFailure,
            format!("unsupported digest algorithm {oid}"),
            Some(Error::Signature(SignatureError::UnsupportedAlgorithm {
                oid: Oid::from_der(&oid),
            })),
        ));
    };
    r.report.digest_algorithm = Some(digest_algorithm);
    Ok(digest_algorithm)
}

/// The signed attributes, structure first: a malformed signature is TOTAL-FAILED.
fn signed_attributes(
    r: &mut SignerRun,
    inp: &Inputs<'_>,
) -> Result<Option<SignedAttributes>, Stop> {
    let attrs = match inp.si.has_signed_attributes() {
        false => None,
        true => {
            match SignedAttributes::read(
                inp.si.signed_attributes(),
                (inp.depth == 0).then_some(inp.econtent_type),
            ) {
                Ok(a) => Some(a),
                Err(e) => {
                    return Err(r.stop(
                        CheckKind::Format,
                        SubIndication::FormatFailure,
                        e.to_string(),
                        None,
                    ));
                }
            }
        }
    };
    if attrs.is_none() && inp.depth == 0 && inp.econtent_type != ID_DATA {
        // RFC 5652 section 5.3: without signed attributes the content type is not
        // signed, so it could be relabelled.
        return Err(r.stop(
            CheckKind::Format,
            SubIndication::FormatFailure,
            format!(
                "content of type {} without signed attributes",
                inp.econtent_type
            ),
            None,
        ));
    }
    Ok(attrs)
}

/// The content type the signer signed, and the policy on bare signatures (no signed
/// attributes, so no content type bound to the value).
fn content_type(
    r: &mut SignerRun,
    inp: &Inputs<'_>,
    attrs: Option<&SignedAttributes>,
) -> Result<(), Stop> {
    let econtent_type = inp.econtent_type;
    let policy = &inp.v.policy;
    if inp.depth > 0 {
        // A counter-signature signs a signature value, not content (RFC 5652 section 11.4).
        if attrs.is_none() && !policy.legacy_signatures_without_signed_attributes {
            return Err(r.stop(
                CheckKind::ContentType,
                SubIndication::SigConstraintsFailure,
                "a counter-signature without signed attributes: refused unless the policy accepts bare signatures for legacy use",
                None,
            ));
        }
        r.pass(
            CheckKind::ContentType,
            "a counter-signature: over a signature value",
        );
        return Ok(());
    }
    // Borrowed, not rendered, for the usual content types (`oid::KNOWN`).
    let content_type = Oid::from_der(&econtent_type);
    if !policy.accepts_content_type(&content_type) {
        r.fail(
            CheckKind::ContentType,
            SubIndication::SigConstraintsFailure,
            format!("the signed content is of type {content_type}, not a document (id-data)"),
            None,
        );
    }
    let Some(a) = attrs else {
        r.pass(
            CheckKind::Format,
            "no signed attributes: the signature covers the document itself",
        );
        if !policy.legacy_signatures_without_signed_attributes {
            // Refused: nothing more is worth the work (the signature covers the whole
            // document, which each check would hash again).
            return Err(r.stop(
                CheckKind::ContentType,
                SubIndication::SigConstraintsFailure,
                "no signed attributes: the signature binds no content type, so a value its key signed for another purpose could be passed off as this document; refused unless the policy accepts such signatures for legacy use",
                None,
            ));
        }
        r.warn(Warning::BareSignatureAccepted);
        return Ok(());
    };
    r.pass(CheckKind::Format, "signed attributes well formed");
    r.report.claimed_signing_time = a.signing_time;
    r.report.commitment_type = a.commitment_types.first().copied();
    r.report.commitment_types.clone_from(&a.commitment_types);
    for oid in &a.repeated_unknown {
        r.warn(Warning::RepeatedUnknownSignedAttribute {
            oid: Oid::from_der(oid),
        });
    }
    r.pass(
        CheckKind::ContentType,
        ["content type ", content_type.as_str()].concat(),
    );
    Ok(())
}

/// The document's digest against the message-digest attribute; returns the bytes the
/// signature covers (the DER of the signed attributes, or the document itself).
fn message_digest(
    r: &mut SignerRun,
    inp: &Inputs<'_>,
    digest_algorithm: DigestAlgorithm,
    attrs: Option<&SignedAttributes>,
) -> Result<Vec<u8>, Stop> {
    let Some(a) = attrs.filter(|_| inp.si.has_signed_attributes()) else {
        return match inp.doc {
            Document::Bytes(b, _) => {
                r.skip(CheckKind::MessageDigest, "no signed attributes");
                Ok(b.to_vec())
            }
            _ => Err(r.stop(
                CheckKind::MessageDigest,
                SubIndication::SignedDataNotFound,
                "without signed attributes the document bytes are needed",
                None,
            )),
        };
    };
    match inp.doc.digest(digest_algorithm) {
        None => {
            return Err(r.stop(
                CheckKind::MessageDigest,
                SubIndication::SignedDataNotFound,
                "the signature is detached and the document was not given",
                None,
            ));
        }
        Some(d) if d.as_bytes() == a.message_digest.as_slice() => {
            let mut detail = sentence(format_args!("{digest_algorithm} "));
            crate::digest::write_hex(&mut detail, d.as_bytes(), false);
            r.pass(CheckKind::MessageDigest, detail);
        }
        Some(d) => r.fail(
            CheckKind::MessageDigest,
            SubIndication::HashFailure,
            format!(
                "the document's {digest_algorithm} is {}, the signed digest differs",
                d.to_hex()
            ),
            None,
        ),
    }
    // The DER form; for attributes received in another order, `run` tries that order
    // first. Those of an input in DER are its own octets.
    if let Some(received) = inp.octets.and_then(|o| o.signed_attributes.as_ref()) {
        return Ok(received.clone());
    }
    inp.si.signed_attributes_der().ok_or_else(|| {
        r.stop(
            CheckKind::Format,
            SubIndication::FormatFailure,
            "signed attributes do not re-encode",
            None,
        )
    })
}

/// Checks of the signature value, charged to the call's budget and remembered: a
/// SignerInfo repeated in the input is checked once.
struct ValueCheck<'a> {
    si: &'a SignerView,
    budget: &'a Budget,
    /// The bytes the signature covers.
    covered: Vec<u8>,
    /// What the signature covers and its value, hashed for the budget's memo (the
    /// algorithm is added per check).
    id: Hasher,
    /// A signature over the document itself hashes it at every check: large documents
    /// cost more of the budget.
    units: usize,
    /// Other bytes the signature may cover, tried when it does not verify over `covered`:
    /// the DER form of signed attributes received in another order.
    alternative: Option<Box<ValueCheck<'a>>>,
}

/// Which of a [`ValueCheck`]'s covered bytes the signature verified over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Covered {
    /// The first (the only one, but for reordered signed attributes: the order received).
    First,
    /// The alternative (the DER order of reordered signed attributes).
    Alternative,
}

impl<'a> ValueCheck<'a> {
    fn new(inp: &Inputs<'a>, covered: Vec<u8>) -> Self {
        // Each part after its length, so that the algorithm's name, added last, cannot be
        // read as part of the value.
        let length = |b: &[u8]| u64::try_from(b.len()).unwrap_or(u64::MAX).to_be_bytes();
        let value = inp.si.signature();
        let mut h = Hasher::new(DigestAlgorithm::Sha256);
        h.update(&length(&covered));
        h.update(&covered);
        h.update(&length(value));
        h.update(value);
        ValueCheck {
            si: inp.si,
            budget: inp.budget,
            units: 1 + covered.len() / (1 << 20),
            id: h,
            covered,
            alternative: None,
        }
    }

    /// This check, trying `other` when the value does not verify over these bytes.
    fn or_else(mut self, other: ValueCheck<'a>) -> Self {
        self.alternative = Some(Box::new(other));
        self
    }

    /// [`ValueCheck::check_one`] over the covered bytes, then over the alternative, if any,
    /// when the value is wrong over the first; each attempt is charged to the budget.
    fn check(&self, c: &Certificate, alg: SignatureAlgorithm) -> Result<Covered, Error> {
        match (self.check_one(c, alg), &self.alternative) {
            (Ok(()), _) => Ok(Covered::First),
            (Err(Error::Signature(SignatureError::InvalidSignature)), Some(other)) => {
                other.check_one(c, alg).map(|()| Covered::Alternative)
            }
            (Err(e), _) => Err(e),
        }
    }

    /// Verifies the value with `c`'s key and `alg` (resolved from the SignerInfo's
    /// algorithms and the key), every algorithm kyso can verify allowed (the policy is
    /// applied separately), once per call: the remembered outcome is keyed by the covered
    /// bytes, the value, the algorithm and the certificate.
    fn check_one(&self, c: &Certificate, alg: SignatureAlgorithm) -> Result<(), Error> {
        let key = c.public_key()?;
        let mut h = self.id.clone();
        // The algorithm's debug form, written into the hash without a string between.
        let _ = write!(HashInto(&mut h), "{alg:?}");
        let mut object = [0u8; 32];
        object.copy_from_slice(h.finish().as_bytes());
        let id = CheckId {
            object,
            key: *c.fingerprint_sha256(),
        };
        self.budget.check_costing(id, self.units, || {
            key.verify(alg, &self.covered, self.si.signature(), &permissive())
        })
    }
}

/// Text written into a [`Hasher`].
struct HashInto<'h>(&'h mut Hasher);

impl std::fmt::Write for HashInto<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// The widest policy kyso can verify under, to tell a wrong signature (SIG_CRYPTO_FAILURE)
/// from a refused algorithm, which the caller's policy judges separately.
pub(crate) fn permissive() -> AlgorithmPolicy {
    AlgorithmPolicy::default()
        .allow_sha1_for_legacy_use_only()
        .require_min_rsa_bits(LEGACY_MIN_RSA_BITS)
        .allow_dsa_for_legacy_use_only()
}

/// Whether the policy refuses SHA-1, so that a binding by a SHA-1 hash is not relied on.
fn sha1_refused(inp: &Inputs<'_>) -> bool {
    !inp.v.policy.algorithms.sha1_allowed()
}

/// The signer's certificate: among the certificates the identifier names, the one the
/// signing-certificate attribute binds, else the first whose key verifies (so a decoy with
/// the same identifier cannot displace the real one).
fn signer_certificate(
    r: &mut SignerRun,
    inp: &Inputs<'_>,
    digest_algorithm: DigestAlgorithm,
    attrs: Option<&SignedAttributes>,
    value: &ValueCheck<'_>,
) -> Result<Certificate, Stop> {
    let binding = attrs.and_then(|a| a.signing_certificate.as_ref());
    // A binding by a hash the policy refuses (SHA-1, in ESS signing-certificate v1 or v2)
    // is compared, but not relied on to choose the certificate.
    let relied_on = binding.filter(|b| !(sha1_refused(inp) && b.uses_sha1()));
    let mut candidates = find_signers(
        inp.si.sid(),
        inp.octets.and_then(|o| o.issuer.as_deref()),
        inp.pool,
    );
    if candidates.is_empty() && inp.v.mode == Mode::TravelDocument {
        candidates = find_signers_leniently(inp.si.sid(), inp.pool);
        if !candidates.is_empty() {
            r.warn(Warning::LenientSignerMatch);
        }
    }
    let chosen = match relied_on {
        Some(b) => candidates.iter().find(|c| b.matches(c).is_ok()),
        None => candidates.iter().find(|c| {
            signature_algorithm(inp.si, digest_algorithm, c)
                .is_ok_and(|alg| value.check(c, alg).is_ok())
        }),
    }
    .or(candidates.first())
    .cloned();
    let Some(cert) = chosen else {
        return Err(r.stop(
            CheckKind::SignerCertificate,
            SubIndication::NoSigningCertificateFound,
            "the signer's certificate is neither in the signature nor among the certificates given",
            None,
        ));
    };
    let mut detail = sentence(format_args!("{} (serial ", cert.subject()));
    crate::digest::write_hex(&mut detail, cert.serial(), true);
    detail.push(')');
    r.pass(CheckKind::SignerCertificate, detail);
    r.report.identity = Some(cert.identity().clone());
    r.report.signer_certificate = Some(cert.clone());
    Ok(cert)
}

/// The ESS signing-certificate binding (RFC 5035 section 3): the attribute names the
/// signer's certificate, by a hash the policy accepts.
fn ess_binding(
    r: &mut SignerRun,
    inp: &Inputs<'_>,
    attrs: Option<&SignedAttributes>,
    cert: &Certificate,
) {
    let required = inp.v.policy.require_signing_certificate_attribute;
    let Some(b) = attrs.and_then(|a| a.signing_certificate.as_ref()) else {
        if required {
            r.fail(
                CheckKind::SigningCertificateAttribute,
                SubIndication::SigConstraintsFailure,
                "no signing-certificate attribute, which the policy requires",
                None,
            );
        } else {
            r.skip(CheckKind::SigningCertificateAttribute, "absent");
            r.warn(Warning::NoSigningCertificateAttribute);
        }
        return;
    };
    match b.matches(cert) {
        Ok(_) if sha1_refused(inp) && b.uses_sha1() => {
            let detail = "the signing-certificate attribute identifies the signer's certificate by its SHA-1 hash, which the algorithm policy refuses";
            if required {
                r.fail(
                    CheckKind::SigningCertificateAttribute,
                    SubIndication::CryptoConstraintsFailure,
                    detail,
                    Some(Error::Signature(SignatureError::DigestNotAllowed {
                        algorithm: DigestAlgorithm::Sha1,
                        usage: "a signing-certificate reference",
                        reason: DisallowedReason::Sha1,
                    })),
                );
            } else {
                r.skip(
                    CheckKind::SigningCertificateAttribute,
                    format!("{detail}: not relied on"),
                );
                r.warn(Warning::Sha1SigningCertificateReference { relied_on: false });
            }
        }
        Ok(alg) => {
            if b.uses_sha1() {
                r.warn(Warning::Sha1SigningCertificateReference { relied_on: true });
            }
            r.pass(
                CheckKind::SigningCertificateAttribute,
                format!("binds the signer certificate ({alg})"),
            );
        }
        Err(e) => r.fail(
            CheckKind::SigningCertificateAttribute,
            SubIndication::NoSigningCertificateFound,
            e.to_string(),
            None,
        ),
    }
}

/// The signature algorithm, under the policy. A refusal is recorded and the signature is
/// still checked: a signature proven wrong is TOTAL-FAILED whatever its algorithm.
fn algorithm(
    r: &mut SignerRun,
    inp: &Inputs<'_>,
    digest_algorithm: DigestAlgorithm,
    cert: &Certificate,
) -> Result<SignatureAlgorithm, Stop> {
    let algorithm = signature_algorithm(inp.si, digest_algorithm, cert).map_err(|e| {
        r.stop(
            CheckKind::Algorithm,
            SubIndication::CryptoConstraintsFailure,
            e.to_string(),
            Some(e),
        )
    })?;
    r.report.signature_algorithm = Some(algorithm);
    let (oid, parameters) = inp.si.signature_algorithm();
    if crate::key::algorithm_identifier_has_ecdsa_null(&oid, parameters) {
        r.warn(Warning::EcdsaParametersNull);
    }
    judge_algorithm(
        r,
        &inp.v.policy.algorithms,
        algorithm,
        digest_algorithm == DigestAlgorithm::Sha1,
        cert,
        sentence(format_args!("{algorithm}, digest {digest_algorithm}")),
    );
    Ok(algorithm)
}

/// The algorithm policy on a signer's algorithm, on the digest it signed (`sha1_digest`:
/// SHA-1 only if the policy allows it) and on the certificate's key: passed with `detail`
/// (and warning `sha1-accepted` where SHA-1 was), or failed CRYPTO_CONSTRAINTS_FAILURE_NO_POE.
/// The one rule for every signature format.
pub(crate) fn judge_algorithm(
    r: &mut SignerRun,
    policy: &AlgorithmPolicy,
    algorithm: SignatureAlgorithm,
    sha1_digest: bool,
    cert: &Certificate,
    detail: String,
) {
    let policy_check = policy.check_algorithm(algorithm).and_then(|()| {
        if sha1_digest && !policy.sha1_allowed() {
            return Err(Error::Signature(SignatureError::AlgorithmNotAllowed {
                algorithm,
                reason: DisallowedReason::Sha1,
            }));
        }
        cert.public_key().and_then(|k| policy.check_key(k))
    });
    match policy_check {
        Ok(()) => {
            r.pass(CheckKind::Algorithm, detail);
            if sha1_digest || algorithm.digest_algorithm() == Some(DigestAlgorithm::Sha1) {
                r.warn(Warning::Sha1Accepted);
            }
        }
        Err(e) => r.fail(
            CheckKind::Algorithm,
            SubIndication::CryptoConstraintsFailureNoPoe,
            e.to_string(),
            Some(e),
        ),
    }
}

/// The signature value, with every algorithm kyso can verify (the policy was applied by
/// [`algorithm`]): only a signature that does not verify is SIG_CRYPTO_FAILURE. A
/// signature proven wrong ends the validation: its chain would prove nothing, and checking
/// it would only spend work an attacker chose.
fn signature_value(
    r: &mut SignerRun,
    value: &ValueCheck<'_>,
    cert: &Certificate,
    algorithm: SignatureAlgorithm,
) -> Result<(), Stop> {
    match value.check(cert, algorithm) {
        Ok(covered) => {
            r.pass(CheckKind::SignatureValue, "verifies with the signer's key");
            if value.alternative.is_some() {
                r.warn(Warning::SignedAttributesNotInDerOrder {
                    signed_as_received: covered == Covered::First,
                });
            }
            Ok(())
        }
        Err(Error::Signature(SignatureError::InvalidSignature)) => Err(r.stop(
            CheckKind::SignatureValue,
            SubIndication::SigCryptoFailure,
            "does not verify with the signer's key",
            Some(Error::Signature(SignatureError::InvalidSignature)),
        )),
        Err(e) => Err(r.stop(
            CheckKind::SignatureValue,
            SubIndication::CryptoConstraintsFailure,
            format!("cannot be verified: {e}"),
            Some(e),
        )),
    }
}

/// The claimed signing time against the certificate's validity.
fn claimed_time(r: &mut SignerRun, cert: &Certificate) {
    match r.report.claimed_signing_time {
        Some(t) if t < cert.not_before() => r.fail(
            CheckKind::SigningTime,
            SubIndication::NotYetValid,
            format!(
                "claimed signing time {t} is before the certificate's notBefore {}",
                cert.not_before()
            ),
            None,
        ),
        Some(t) => r.pass(CheckKind::SigningTime, format!("{t} (claimed, not proven)")),
        None => r.skip(CheckKind::SigningTime, "no signing-time attribute"),
    }
}

/// The times a signer is judged at.
struct JudgedTimes {
    /// The validation time, and where it comes from.
    time: Time,
    source: TimeSource,
    /// "Now": the time revocation data is judged at.
    now: Time,
}

impl JudgedTimes {
    fn of(r: &mut SignerRun, inp: &CertificateInputs<'_>) -> Self {
        let policy_time = inp.v.policy.time;
        let (time, source) = match (policy_time, r.report.claimed_signing_time) {
            (ValidationTime::ClaimedSigningTime { .. }, Some(t)) => {
                (t, TimeSource::ClaimedSigningTime)
            }
            (ValidationTime::ClaimedSigningTime { fallback }, None) => {
                (fallback, TimeSource::Given)
            }
            (ValidationTime::Given(t), _) => (t, TimeSource::Given),
        };
        let given = match policy_time {
            ValidationTime::Given(t) => t,
            ValidationTime::ClaimedSigningTime { fallback } => fallback,
        };
        let now = match inp.v.mode {
            Mode::TimestampToken { judge_at: Some(t) } => t,
            _ => given,
        };
        r.report.validation_time = time;
        r.report.validation_time_source = source;
        JudgedTimes { time, source, now }
    }
}

/// The revocation checking of one signer: the policy, and the caller's source.
struct RevocationScope<'a> {
    policy: RevocationPolicy,
    given: &'a dyn RevocationSource,
}

impl<'a> RevocationScope<'a> {
    /// The scope of `inp`'s verifier; `none` stands for the caller's source when there is
    /// none.
    fn of(inp: &CertificateInputs<'a>, none: &'a CrlStore) -> Self {
        let policy = match inp.v.revocation {
            RevocationPolicy::NoCheck if inp.embedded.is_empty() => RevocationPolicy::NoCheck,
            // Revocation data in the signature is used even when the caller gave none.
            RevocationPolicy::NoCheck => RevocationPolicy::IfAvailable,
            other => other,
        };
        let given: &'a dyn RevocationSource = match inp.v.revocation_source {
            Some(s) => s,
            None => none,
        };
        RevocationScope { policy, given }
    }
}

/// The signature timestamps, as proof that the signature existed by a time; none are
/// followed inside a timestamp token.
fn proof_of_existence(
    r: &mut SignerRun,
    inp: &Inputs<'_>,
    cert: &Certificate,
    scope: &RevocationScope<'_>,
    sources: &dyn RevocationSource,
    now: Time,
) -> Option<Time> {
    if matches!(inp.v.mode, Mode::TimestampToken { .. }) {
        return inp.v.external_poe.inspect(|t| {
            r.pass(
                CheckKind::SignatureTimestamp,
                format!("a later document timestamp proves this token existed by {t}"),
            );
        });
    }
    let ctx = TimestampContext {
        revocation: scope.policy,
        sources,
        now,
    };
    proof_of_existence::content_timestamps(r, inp, &ctx);
    let mut best = proof_of_existence::signature_timestamps(r, inp, &ctx);
    if let Some(t) = inp.v.external_poe
        && best.is_none_or(|b| t < b)
    {
        r.pass(
            CheckKind::SignatureTimestamp,
            format!("a document timestamp proves the signature existed by {t}"),
        );
        best = Some(t);
    }
    r.report.best_signature_time = best;
    if let Some(poe) = best {
        if poe < cert.not_before() {
            r.fail(
                CheckKind::SignatureTimestamp,
                SubIndication::NotYetValid,
                format!(
                    "the signature timestamp ({poe}) is before the certificate's notBefore {}",
                    cert.not_before()
                ),
                None,
            );
        }
        if let Some(t) = r.report.claimed_signing_time
            && t > poe
        {
            r.warn(Warning::ClaimedTimeAfterTimestamp {
                claimed: t,
                timestamp: poe,
            });
        }
    }
    best
}

/// The signer's certificate path to an anchor, with revocation, at the validation time;
/// when that fails in a way a proof of existence cures (revoked, expired, or without
/// current revocation data), again at the time a signature timestamp proves.
fn certificate_path(
    r: &mut SignerRun,
    inp: &CertificateInputs<'_>,
    cert: &Certificate,
    judged: &JudgedTimes,
    scope: &RevocationScope<'_>,
    sources: &dyn RevocationSource,
    poe: Option<Time>,
) {
    let intermediates: Vec<Certificate> = inp.pool.iter().filter(|c| *c != cert).cloned().collect();
    // Revocation data issued after the time judged counts only at a proven time (the
    // timestamp), never at a claimed one.
    let validate = |at: Time, proven: bool| {
        let v = inp.v;
        let mut validator = PathValidator::with_anchors(v.anchors, at)
            .purpose(v.policy.purpose)
            .algorithm_policy(v.policy.algorithms)
            .policy_inputs(v.policy.certificate_policies.clone())
            .document_signing_ekus(&v.policy.document_signing_ekus)
            .key_identifiers_required(v.policy.require_key_identifiers)
            .budget(inp.budget);
        if proven {
            validator = validator.revocation_data_until(judged.now);
        }
        if let Some(cache) = v.cache {
            validator = validator.cache(cache);
        }
        if scope.policy != RevocationPolicy::NoCheck {
            validator = validator.revocation(scope.policy, sources);
        }
        validator.validate(cert, &intermediates)
    };
    let time = judged.time;
    let in_token = matches!(inp.v.mode, Mode::TimestampToken { .. });
    let mut result = validate(time, in_token || judged.source == TimeSource::Given);
    let mut at_poe = None;
    if let (Err(e), Some(poe)) = (&result, poe)
        && poe < time
        && matches!(
            e,
            Error::Path {
                reason: PathError::Revoked { .. },
                ..
            } | Error::Path {
                reason: PathError::Expired { .. },
                ..
            } | Error::Path {
                reason: PathError::RevocationUnknown { .. },
                ..
            } | Error::Path {
                reason: PathError::RevocationOutOfBounds { .. },
                ..
            }
        )
    {
        let first = e.to_string();
        result = validate(poe, true);
        at_poe = Some((poe, first));
    }
    match result {
        Ok(path) => record_path(r, cert, &path, time, at_poe.as_ref(), scope.policy),
        Err(e) => {
            let sub = etsi::signer_path_sub_indication(&e, r.report.claimed_signing_time);
            let detail = match &at_poe {
                Some((poe, first)) => {
                    format!("at {time}: {first}; at {poe} (signature timestamp): {e}")
                }
                None => e.to_string(),
            };
            r.fail(CheckKind::CertificatePath, sub, detail, Some(e));
        }
    }
}

/// Puts a validated path, its revocation checks and their evidence into the report.
fn record_path(
    r: &mut SignerRun,
    cert: &Certificate,
    path: &ValidatedPath,
    time: Time,
    at_poe: Option<&(Time, String)>,
    revocation: RevocationPolicy,
) {
    let mut chain = Vec::with_capacity(path.chain().len() + 1);
    chain.extend_from_slice(path.chain());
    r.report.chain = chain;
    r.report.certificate_policies = Some(path.policies().clone());
    r.report.warnings.extend(
        path.warnings()
            .iter()
            .cloned()
            .map(Warning::CertificateProfile),
    );
    if path.anchor() != cert {
        r.report.chain.push(path.anchor().clone());
    }
    match at_poe {
        None => r.pass(
            CheckKind::CertificatePath,
            sentence(format_args!(
                "valid at {time} to {}",
                path.anchor().subject()
            )),
        ),
        Some((poe, first)) => {
            r.report.validation_time = *poe;
            r.report.validation_time_source = TimeSource::SignatureTimeStamp;
            r.pass(
                CheckKind::CertificatePath,
                format!(
                    "valid at {poe}, when the signature timestamp proves the signature existed, to {} (at {time}: {first})",
                    path.anchor().subject()
                ),
            );
        }
    }
    if revocation == RevocationPolicy::NoCheck {
        r.skip(
            CheckKind::Revocation,
            "not checked (no revocation policy, no revocation data in the signature)",
        );
        r.warn(Warning::RevocationNotChecked);
    }
    for check in path.revocation() {
        match &check.outcome {
            RevocationOutcome::NotRevoked { source } => r.pass(
                CheckKind::Revocation,
                format!("{}: not revoked ({source})", check.subject),
            ),
            RevocationOutcome::Unknown { reason } => {
                r.skip(
                    CheckKind::Revocation,
                    format!("{}: status unknown ({reason})", check.subject),
                );
                r.warn(Warning::RevocationStatusUnknown {
                    subject: check.subject.clone(),
                });
            }
        }
        if let Some(e) = &check.evidence {
            r.report.evidence.push(e.clone());
        }
        r.report
            .evidence
            .extend(check.supporting_evidence.iter().cloned());
        r.report
            .used_certificates
            .extend(check.supporting_certificates.iter().cloned());
    }
    let chain = r.report.chain.clone();
    r.report.used_certificates.extend(chain);
}

/// A signature timestamp, when the policy requires one (CAdES-B-T).
fn required_timestamp(r: &mut SignerRun, v: &Verifier<'_>, poe: Option<Time>) {
    if v.policy.require_signature_timestamp && poe.is_none() {
        r.fail(
            CheckKind::SignatureTimestamp,
            SubIndication::SigConstraintsFailure,
            "no valid signature timestamp, which the policy requires (CAdES-B-T)",
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_read_as_der_writes_them() {
        for oid in [
            ID_DATA,
            ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4"),
        ] {
            assert_eq!(Oid::from_der(&oid).to_string(), oid.to_string());
        }
    }
}
