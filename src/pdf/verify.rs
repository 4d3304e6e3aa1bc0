//! Validating every signature of a PDF: the PDF checks (byte range, revision, changes
//! after signing, DocMDP and FieldMDP) around the CMS pipeline every format shares.

use crate::pdf::wide;
use std::collections::{HashMap, HashSet};

use crate::budget::Budget;
use crate::cert::Certificate;
use crate::cms::{SignedCms, TimeStampToken, Verifier};
use crate::digest::{Digest, DigestAlgorithm, Hasher, digest};
use crate::error::{Error, PdfError, PdfLimit};
use crate::limits::{MAX_PDF_REFERENCE_DEPTH, MAX_PDF_SIGNATURES};
use crate::oid::Oid;
use crate::path::KeyPurpose;
use crate::pdf::changes::Analysis;
use crate::pdf::document::{Definition, Entry, PdfFile};
use crate::pdf::syntax::{Dict, ObjRef, Object};
use crate::pdf::{
    ModificationClass, PdfDocument, PdfReport, PdfSignatureKind, PdfSignatureReport, parse_date,
};
use crate::revocation::{Crl, CrlStore, OcspResponse};
use crate::time::Time;
use crate::validate::etsi;
use crate::validate::{
    CheckKind, Indication, Outcome, SignerReport, SubIndication, ValidationTime, Warning,
};

/// A signature field found in the final document.
pub(crate) struct Found {
    name: String,
    field: ObjRef,
    /// The field's `/Lock` (PDF 2.0 signature field lock), if any.
    lock: Option<Dict>,
    value: Object,
}

/// A signature whose dictionary and byte range were read.
struct Placed {
    name: String,
    dict: Dict,
    byte_range: [u64; 4],
    contents: Vec<u8>,
    sub_filter: Vec<u8>,
    kind: PdfSignatureKind,
    revision: usize,
    locks: Vec<Dict>,
}

/// How a signature fared before its CMS was examined.
enum Prepared {
    Placed(Box<Placed>),
    Refused {
        name: String,
        sub_filter: String,
        byte_range: Option<[u64; 4]>,
        error: PdfError,
    },
}

impl<'a> Verifier<'a> {
    /// Validates every signature and document timestamp of `pdf`.
    ///
    /// Each gets the CMS pipeline's verdict over the bytes its `/ByteRange` names (hashed
    /// as a stream), then the PDF checks: the byte range covers one whole revision except
    /// exactly its own `/Contents` string, and every change made after it is permitted
    /// (see [`ModificationClass`]). Validation data in the document's `/DSS` is used for
    /// every signature; a document timestamp that verifies proves the existence of every
    /// signature in the revisions it covers. One work budget covers the whole call.
    ///
    /// A file that cannot be read as revisions, or whose signature fields cannot be found,
    /// gets a report with [`PdfReport::error`] and no signatures.
    pub fn verify_pdf(&self, pdf: &PdfDocument<'_>) -> PdfReport {
        let budget = Budget::default();
        let mut v = self.clone();
        v.budget = Some(&budget);
        let file = &pdf.file;
        let mut report = match v.pdf_signatures(file) {
            Ok(r) => r,
            Err(e) => return PdfReport::refused(&e),
        };
        report.revisions = file.revisions.len();
        report.signature_checks = budget.used();
        report
    }

    fn pdf_signatures(&self, file: &PdfFile<'_>) -> Result<PdfReport, PdfError> {
        let last = file.revisions.len().saturating_sub(1);
        let found = find_signature_fields(file, last)?;
        let (dss_certs, dss_revocation, dss_warnings) = document_security_store(file, last)?;
        let perms_docmdp = perms_docmdp(file, last)?;
        let mut prepared: Vec<Prepared> = found
            .into_iter()
            .map(|f| place(file, f, perms_docmdp))
            .collect();
        prepared.sort_by_key(|p| match p {
            Prepared::Placed(p) => p.revision,
            Prepared::Refused { .. } => usize::MAX,
        });
        // The most a certification signature lets happen after it, and from which revision.
        let certification: Option<(usize, ModificationClass)> =
            prepared.iter().find_map(|p| match p {
                Prepared::Placed(p) => match p.kind {
                    PdfSignatureKind::Certification { permission } => {
                        Some((p.revision, permitted_by(permission)))
                    }
                    _ => None,
                },
                Prepared::Refused { .. } => None,
            });
        // Latest first, so that each document timestamp's proof of existence is known
        // before the signatures it covers are validated.
        let mut poe: Vec<(usize, Time)> = Vec::new();
        let mut visits = 0usize;
        let mut reports = Vec::with_capacity(prepared.len());
        for p in prepared.into_iter().rev() {
            let r = match p {
                Prepared::Refused {
                    name,
                    sub_filter,
                    byte_range,
                    error,
                } => {
                    let mut report = SignerReport::empty(self.given_time());
                    etsi::pdf_failure(
                        &mut report,
                        CheckKind::PdfByteRange,
                        error.to_string(),
                        Some(Error::Pdf(error)),
                    );
                    PdfSignatureReport {
                        field: name,
                        kind: PdfSignatureKind::Approval,
                        sub_filter,
                        byte_range,
                        revision: None,
                        covers_whole_file: false,
                        claimed_time: None,
                        timestamp_time: None,
                        modification: ModificationClass::None,
                        permitted: ModificationClass::None,
                        changes: Vec::new(),
                        locked_fields_changed: Vec::new(),
                        report,
                    }
                }
                Prepared::Placed(p) => {
                    let external = poe
                        .iter()
                        .filter(|(rev, _)| *rev >= p.revision)
                        .map(|(_, t)| *t)
                        .min();
                    let mut r = self.one_signature(
                        file,
                        &p,
                        &dss_certs,
                        &dss_revocation,
                        external,
                        certification,
                        &mut visits,
                    )?;
                    r.report.warnings.extend(dss_warnings.iter().cloned());
                    if let (PdfSignatureKind::DocumentTimestamp, Some(t), true) =
                        (p.kind, r.timestamp_time, r.report.is_passed())
                    {
                        poe.push((p.revision, t));
                    }
                    r
                }
            };
            reports.push(r);
        }
        reports.reverse();
        Ok(PdfReport {
            signatures: reports,
            revisions: file.revisions.len(),
            error: None,
            signature_checks: 0,
        })
    }

    pub(crate) fn given_time(&self) -> Time {
        match self.policy.time {
            ValidationTime::Given(t) => t,
            ValidationTime::ClaimedSigningTime { fallback } => fallback,
        }
    }

    /// The CMS pipeline's report on one placed signature (or document timestamp) over its
    /// byte ranges, and a document timestamp's genTime.
    fn signer_report(
        &self,
        file: &PdfFile<'_>,
        p: &Placed,
        dss_certs: &[Certificate],
        dss_revocation: &CrlStore,
        external_poe: Option<Time>,
    ) -> Result<(SignerReport, Option<Time>), PdfError> {
        let [_, a, b, c] = p.byte_range;
        let ranges = [(0u64, a), (b, c)];
        let mut v = self.clone();
        v.external_poe = external_poe;
        let v = v.certificates(dss_certs.iter().cloned());
        let der = trim_der(&p.contents);
        let mut timestamp_time = None;
        let report = match (p.kind, der) {
            (_, Err(reason)) => {
                let mut r = SignerReport::empty(self.given_time());
                let e = PdfError::Signature {
                    field: p.name.clone(),
                    reason: reason.to_string(),
                };
                etsi::pdf_failure(
                    &mut r,
                    CheckKind::Format,
                    e.to_string(),
                    Some(Error::Pdf(e)),
                );
                r
            }
            (PdfSignatureKind::DocumentTimestamp, Ok(der)) => match TimeStampToken::from_der(der) {
                Err(e) => failed_format(self.given_time(), e),
                Ok(token) => {
                    timestamp_time = Some(token.gen_time());
                    self.timestamp_report(file, &ranges, &token, &v, dss_revocation, external_poe)
                }
            },
            (_, Ok(der)) => match SignedCms::parse_with(der, self.cache) {
                Err(e) => failed_format(self.given_time(), e),
                Ok(cms) => {
                    let cms = with_revocation(&cms, dss_revocation);
                    let sha1_wrapped = p.sub_filter == b"adbe.pkcs7.sha1";
                    let mut rep = if sha1_wrapped {
                        // The encapsulated content is the SHA-1 digest of the byte range.
                        let mut rep = v.verify(&cms, None);
                        let d = range_digests(file, &ranges, &[DigestAlgorithm::Sha1])?;
                        let matches = cms.content().is_some_and(|inside| {
                            d.first().is_some_and(|d| d.as_bytes() == inside)
                        });
                        let allowed = self
                            .policy
                            .algorithms
                            .check_digest(
                                DigestAlgorithm::Sha1,
                                "the adbe.pkcs7.sha1 document digest",
                            )
                            .err();
                        for s in &mut rep.signers {
                            if !matches {
                                etsi::content_mismatch(s);
                            } else if let Some(e) = &allowed
                                && s.indication != Indication::TotalFailed
                            {
                                s.check(CheckKind::Algorithm, Outcome::Failed, e.to_string());
                                s.indication = Indication::Indeterminate;
                                s.sub_indication =
                                    Some(SubIndication::CryptoConstraintsFailureNoPoe);
                                s.error = Some(e.clone());
                                s.chain.clear();
                            }
                        }
                        rep
                    } else {
                        let digests = range_digests(file, &ranges, &cms.digest_algorithms())?;
                        v.verify_digests(&cms, digests)
                    };
                    let mut r = rep
                        .signers
                        .pop()
                        .unwrap_or_else(|| SignerReport::empty(self.given_time()));
                    if !rep.signers.is_empty() {
                        etsi::pdf_failure(
                            &mut r,
                            CheckKind::Format,
                            "a PDF signature with more than one SignerInfo".into(),
                            None,
                        );
                    }
                    r
                }
            },
        };
        Ok((report, timestamp_time))
    }

    /// A document timestamp's report: the token validated as a timestamp (TSA purpose,
    /// TSTInfo content), and its imprint compared with the digest of the byte ranges.
    fn timestamp_report(
        &self,
        file: &PdfFile<'_>,
        ranges: &[(u64, u64)],
        token: &TimeStampToken,
        v: &Verifier<'_>,
        dss_revocation: &CrlStore,
        external_poe: Option<Time>,
    ) -> SignerReport {
        let imprint = token
            .imprint_algorithm()
            .and_then(|alg| range_digests(file, ranges, &[alg]).map_err(Error::Pdf));
        // As a signature timestamp is: the TSA's path at the genTime (the token says when it
        // was made; a later document timestamp proves it), revocation data judged now, so
        // that data issued after the genTime shows the TSA was good then, years later.
        let now = self.given_time();
        let at = token.gen_time().min(now);
        let mut policy = self.policy.clone();
        policy.time = ValidationTime::Given(at);
        policy.purpose = KeyPurpose::TimeStamping;
        policy.require_signing_certificate_attribute = true;
        let policy = policy.accept_content_type(Oid::from_der(&crate::tsp::asn1::ID_CT_TST_INFO));
        let mut tv = v.clone();
        tv.policy = policy;
        let mut tv = tv.for_timestamp_token(Some(now), self.budget);
        tv.external_poe = external_poe;
        let cms = with_revocation(token.cms(), dss_revocation);
        let mut rep = tv.verify(&cms, None);
        let mut r = rep
            .signers
            .pop()
            .unwrap_or_else(|| SignerReport::empty(now));
        // Current data that shows the TSA's key compromised undoes every token it made.
        if let (Some(tsa), Some(issuer), Some(budget)) =
            (r.chain.first(), r.chain.get(1), self.budget)
        {
            let none = CrlStore::new();
            let given: &dyn crate::revocation::RevocationSource = match self.revocation_source {
                Some(s) => s,
                None => &none,
            };
            let sources = crate::revocation::Both(given, dss_revocation);
            let ctx = crate::cms::proof_of_existence::TimestampContext {
                revocation: crate::revocation::RevocationPolicy::IfAvailable,
                sources: &sources,
                now,
            };
            if crate::cms::proof_of_existence::tsa_compromised(
                tsa,
                issuer,
                &ctx,
                &self.policy.algorithms,
                budget,
            ) {
                let subject = tsa.subject().to_string();
                r.check(
                    CheckKind::Revocation,
                    Outcome::Failed,
                    format!("the TSA certificate {subject} is revoked for a key compromise"),
                );
                r.indication = Indication::Indeterminate;
                r.sub_indication = Some(SubIndication::RevokedNoPoe);
                r.chain.clear();
            }
        }
        if !rep.signers.is_empty() {
            etsi::pdf_failure(
                &mut r,
                CheckKind::Format,
                "a document timestamp with more than one signer".into(),
                None,
            );
        }
        match imprint {
            Ok(d) if d.first().is_some_and(|d| token.imprint_is(d)) => r.check(
                CheckKind::MessageDigest,
                Outcome::Passed,
                "the timestamp's imprint is the digest of the byte range",
            ),
            Ok(_) => etsi::content_mismatch(&mut r),
            Err(e) => etsi::pdf_failure(&mut r, CheckKind::MessageDigest, e.to_string(), Some(e)),
        }
        r
    }

    #[allow(clippy::too_many_arguments)]
    fn one_signature(
        &self,
        file: &PdfFile<'_>,
        p: &Placed,
        dss_certs: &[Certificate],
        dss_revocation: &CrlStore,
        external_poe: Option<Time>,
        certification: Option<(usize, ModificationClass)>,
        visits: &mut usize,
    ) -> Result<PdfSignatureReport, PdfError> {
        let last = file.revisions.len().saturating_sub(1);
        let [_, a, b, c] = p.byte_range;
        let (mut report, timestamp_time) =
            self.signer_report(file, p, dss_certs, dss_revocation, external_poe)?;
        report.check(
            CheckKind::PdfByteRange,
            Outcome::Passed,
            format!(
                "bytes 0..{a} and {b}..{} cover revision {} whole except /Contents",
                b + c,
                p.revision + 1
            ),
        );
        let judged = judge_changes(file, p, certification, visits, &mut report)?;
        let claimed_time = p
            .dict
            .get(b"M".as_slice())
            .and_then(Object::as_string)
            .and_then(parse_date);
        if report.claimed_signing_time.is_none() {
            report.claimed_signing_time = claimed_time;
        }
        Ok(PdfSignatureReport {
            field: p.name.clone(),
            kind: p.kind,
            sub_filter: String::from_utf8_lossy(&p.sub_filter).into_owned(),
            byte_range: Some(p.byte_range),
            revision: Some(p.revision),
            covers_whole_file: p.revision == last,
            claimed_time,
            timestamp_time,
            modification: judged.modification,
            permitted: judged.permitted,
            changes: judged.changes,
            locked_fields_changed: judged.locked_fields_changed,
            report,
        })
    }
}

/// What changed after a signature, and whether it permits it.
struct Judged {
    modification: ModificationClass,
    permitted: ModificationClass,
    changes: Vec<crate::pdf::PdfChange>,
    locked_fields_changed: Vec<String>,
}

/// Compares the signed revision with the final document, records the check in `report`,
/// and fails it for a change it does not permit.
fn judge_changes(
    file: &PdfFile<'_>,
    p: &Placed,
    certification: Option<(usize, ModificationClass)>,
    visits: &mut usize,
    report: &mut SignerReport,
) -> Result<Judged, PdfError> {
    let last = file.revisions.len().saturating_sub(1);
    // What changed after the signature, and what it permits.
    let changes = Analysis::run(file, p.revision, visits)?;
    let modification = changes
        .iter()
        .map(|c| c.class)
        .max()
        .unwrap_or(ModificationClass::None);
    let own = match p.kind {
        PdfSignatureKind::Certification { permission } => permitted_by(permission),
        _ => ModificationClass::Annotations,
    };
    let permitted = match certification {
        Some((rev, cap)) if rev <= p.revision => own.min(cap),
        _ => own,
    };
    let locked = locked_objects(file, last, &p.locks)?;
    let mut locked_fields_changed: Vec<String> = changes
        .iter()
        .filter(|ch| ch.class >= ModificationClass::FormFilling)
        .filter_map(|ch| {
            locked
                .get(&ch.object)
                .or_else(|| ch.within.and_then(|w| locked.get(&w)))
                .cloned()
        })
        .collect();
    locked_fields_changed.sort();
    locked_fields_changed.dedup();
    let listing = |list: &[crate::pdf::PdfChange]| -> String {
        list.iter()
            .take(8)
            .map(|c| {
                format!(
                    "object {} (revision {}): {} [{}]",
                    c.object,
                    c.revision + 1,
                    c.what,
                    c.class.name()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    if modification == ModificationClass::Other || modification > permitted {
        let beyond: Vec<_> = changes
            .iter()
            .filter(|c| c.class == ModificationClass::Other || c.class > permitted)
            .cloned()
            .collect();
        etsi::pdf_failure(
            report,
            CheckKind::PdfChanges,
            format!(
                "changed after signing beyond what is permitted ({}): {}",
                permitted.name(),
                listing(&beyond)
            ),
            None,
        );
    } else if !locked_fields_changed.is_empty() {
        etsi::pdf_failure(
            report,
            CheckKind::PdfChanges,
            format!(
                "fields this signature locks were changed: {}",
                locked_fields_changed.join(", ")
            ),
            None,
        );
    } else if changes.is_empty() {
        report.check(
            CheckKind::PdfChanges,
            Outcome::Passed,
            if p.revision == last {
                "the signature covers the whole file".to_string()
            } else {
                "later revisions change nothing".to_string()
            },
        );
    } else {
        report.check(
            CheckKind::PdfChanges,
            Outcome::Passed,
            format!(
                "{} change(s) after signing, up to {} (permitted: {})",
                changes.len(),
                modification.name(),
                permitted.name()
            ),
        );
    }
    Ok(Judged {
        modification,
        permitted,
        changes,
        locked_fields_changed,
    })
}

fn failed_format(time: Time, e: Error) -> SignerReport {
    let mut r = SignerReport::empty(time);
    etsi::pdf_failure(&mut r, CheckKind::Format, e.to_string(), Some(e));
    r
}

/// The CMS with the document's validation data added to its own.
fn with_revocation(cms: &SignedCms, dss: &CrlStore) -> SignedCms {
    let mut cms = cms.clone();
    for crl in dss.crls() {
        cms.crls.add(crl.clone());
    }
    for o in dss.ocsp_responses() {
        cms.crls.add_ocsp(o.clone());
    }
    cms
}

/// The most a certification with DocMDP permission `p` lets happen after it.
fn permitted_by(p: u8) -> ModificationClass {
    match p {
        1 => ModificationClass::LongTermData,
        2 => ModificationClass::FormFilling,
        _ => ModificationClass::Annotations,
    }
}

/// The DER signature at the start of `/Contents`, without the zero padding after it.
fn trim_der(contents: &[u8]) -> Result<&[u8], &'static str> {
    if contents.first() != Some(&0x30) {
        return Err("/Contents does not hold a DER SEQUENCE");
    }
    let first = *contents.get(1).ok_or("/Contents is cut short")?;
    let (header, len) = if first < 0x80 {
        (2usize, usize::from(first))
    } else if first == 0x80 {
        // Indefinite length (BER): the CMS reader finds the end and reports padding.
        return Ok(contents);
    } else {
        let n = usize::from(first & 0x7f);
        if n > 4 {
            return Err("/Contents holds a length too large");
        }
        let bytes = contents.get(2..2 + n).ok_or("/Contents is cut short")?;
        (
            2 + n,
            bytes.iter().fold(0usize, |a, b| (a << 8) | usize::from(*b)),
        )
    };
    let total = header
        .checked_add(len)
        .ok_or("/Contents holds a length too large")?;
    let (der, rest) = (
        contents
            .get(..total)
            .ok_or("the signature is longer than /Contents")?,
        contents.get(total..).unwrap_or_default(),
    );
    if rest.iter().any(|b| *b != 0) {
        return Err("bytes other than zero padding after the signature in /Contents");
    }
    Ok(der)
}

/// The digests of the signed byte ranges, read as a stream.
fn range_digests(
    file: &PdfFile<'_>,
    ranges: &[(u64, u64)],
    algorithms: &[DigestAlgorithm],
) -> Result<Vec<Digest>, PdfError> {
    let mut hashers: Vec<Hasher> = algorithms.iter().map(|a| Hasher::new(*a)).collect();
    for (offset, len) in ranges {
        file.src.stream_range(*offset, *len, |chunk| {
            for h in &mut hashers {
                h.update(chunk);
            }
        })?;
    }
    let _ = digest;
    Ok(hashers.into_iter().map(Hasher::finish).collect())
}

/// One node of the form's field tree: its full name (`/T` of it and its parents, joined by
/// dots; a widget without `/T` shares its field's), its type (inherited), the object.
pub(crate) struct FieldNode {
    pub(crate) name: String,
    pub(crate) r: ObjRef,
    pub(crate) field_type: Option<Vec<u8>>,
    pub(crate) object: std::rc::Rc<Object>,
}

/// Every node of `/AcroForm /Fields` and their `/Kids` at revision `last`, each once,
/// within [`MAX_PDF_REFERENCE_DEPTH`] levels and the visit bound.
pub(crate) fn form_fields(
    file: &PdfFile<'_>,
    catalog: &Dict,
    last: usize,
) -> Result<Vec<FieldNode>, PdfError> {
    let form = file.dict_of(catalog, b"AcroForm", last)?;
    let fields = match form
        .as_deref()
        .and_then(Object::as_dict)
        .and_then(|f| f.get(b"Fields".as_slice()))
    {
        Some(f) => file.resolve(f, last)?,
        None => None,
    };
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stack: Vec<(Object, String, Option<Vec<u8>>, usize)> = fields
        .as_deref()
        .and_then(Object::as_array)
        .unwrap_or_default()
        .iter()
        .rev()
        .map(|f| (f.clone(), String::new(), None, 0))
        .collect();
    while let Some((item, parent_name, parent_ft, depth)) = stack.pop() {
        let Some(r) = item.as_ref() else {
            continue;
        };
        if depth > MAX_PDF_REFERENCE_DEPTH || !seen.insert(r) {
            continue;
        }
        if seen.len() > crate::limits::MAX_PDF_VISITS {
            return Err(PdfError::TooLarge {
                what: PdfLimit::Visits,
                limit: wide(crate::limits::MAX_PDF_VISITS),
            });
        }
        let Some(object) = file.get(r, last)? else {
            continue;
        };
        let Some(d) = object.as_dict() else {
            continue;
        };
        let name = match d.get(b"T".as_slice()).and_then(Object::as_string) {
            Some(t) if parent_name.is_empty() => text_string(t),
            Some(t) => format!("{parent_name}.{}", text_string(t)),
            None => parent_name.clone(),
        };
        let field_type = d
            .get(b"FT".as_slice())
            .and_then(Object::as_name)
            .map(<[u8]>::to_vec)
            .or(parent_ft);
        if let Some(kids) = d.get(b"Kids".as_slice()) {
            let kids = file.resolve(kids, last)?;
            for k in kids
                .as_deref()
                .and_then(Object::as_array)
                .unwrap_or_default()
                .iter()
                .rev()
            {
                stack.push((k.clone(), name.clone(), field_type.clone(), depth + 1));
            }
        }
        out.push(FieldNode {
            name,
            r,
            field_type,
            object,
        });
    }
    Ok(out)
}

/// Every signed signature field of the final revision, by walking `/AcroForm /Fields`.
pub(crate) fn find_signature_fields(
    file: &PdfFile<'_>,
    last: usize,
) -> Result<Vec<Found>, PdfError> {
    let (_, catalog) = file.catalog(last)?;
    let Some(cat) = catalog.as_dict() else {
        return Ok(Vec::new());
    };
    let nodes = form_fields(file, cat, last)?;
    let mut out = Vec::new();
    for node in &nodes {
        let Some(d) = node.object.as_dict() else {
            continue;
        };
        if node.field_type.as_deref() == Some(b"Sig")
            && let Some(value) = d.get(b"V".as_slice())
            && !matches!(value, Object::Null)
        {
            if out.len() >= MAX_PDF_SIGNATURES {
                return Err(PdfError::TooLarge {
                    what: PdfLimit::Signatures,
                    limit: wide(MAX_PDF_SIGNATURES),
                });
            }
            let lock = file
                .dict_of(d, b"Lock", last)?
                .and_then(|l| l.as_dict().cloned());
            out.push(Found {
                name: if node.name.is_empty() {
                    format!("object {}", node.r.number)
                } else {
                    node.name.clone()
                },
                field: node.r,
                lock,
                value: value.clone(),
            });
        }
    }
    let seen: HashSet<ObjRef> = nodes.iter().map(|n| n.r).collect();
    orphan_signature_widgets(file, cat, last, &seen, &mut out)?;
    Ok(out)
}

/// Signed signature widgets on the pages that `/AcroForm` does not list: not fields in the
/// strict sense, but a viewer may show them, so they are validated and reported too (named
/// by their `/T`, or by their object number).
fn orphan_signature_widgets(
    file: &PdfFile<'_>,
    catalog: &Dict,
    last: usize,
    seen: &HashSet<ObjRef>,
    out: &mut Vec<Found>,
) -> Result<(), PdfError> {
    let mut nodes: Vec<(Object, usize)> = catalog
        .get(b"Pages".as_slice())
        .map(|p| vec![(p.clone(), 0)])
        .unwrap_or_default();
    let mut visited = HashSet::new();
    while let Some((node, depth)) = nodes.pop() {
        let Some(r) = node.as_ref() else { continue };
        if depth > MAX_PDF_REFERENCE_DEPTH * 4 || !visited.insert(r) {
            continue;
        }
        if visited.len() > crate::limits::MAX_PDF_VISITS {
            return Err(PdfError::TooLarge {
                what: PdfLimit::Visits,
                limit: wide(crate::limits::MAX_PDF_VISITS),
            });
        }
        let Some(obj) = file.get(r, last)? else {
            continue;
        };
        let Some(d) = obj.as_dict() else { continue };
        if let Some(kids) = d.get(b"Kids".as_slice()) {
            let kids = file.resolve(kids, last)?;
            for k in kids
                .as_deref()
                .and_then(Object::as_array)
                .unwrap_or_default()
            {
                nodes.push((k.clone(), depth + 1));
            }
        }
        let Some(annots) = d.get(b"Annots".as_slice()) else {
            continue;
        };
        let annots = file.resolve(annots, last)?;
        for a in annots
            .as_deref()
            .and_then(Object::as_array)
            .unwrap_or_default()
        {
            let Some(ar) = a.as_ref() else { continue };
            if seen.contains(&ar) || out.iter().any(|f| f.field == ar) {
                continue;
            }
            let Some(w) = file.get(ar, last)? else {
                continue;
            };
            let Some(wd) = w.as_dict() else { continue };
            let is_sig = wd.get(b"FT".as_slice()).and_then(Object::as_name) == Some(b"Sig");
            let Some(value) = wd
                .get(b"V".as_slice())
                .filter(|v| !matches!(v, Object::Null))
            else {
                continue;
            };
            if !is_sig || wd.contains_key(b"Parent".as_slice()) {
                continue;
            }
            if out.len() >= MAX_PDF_SIGNATURES {
                return Err(PdfError::TooLarge {
                    what: PdfLimit::Signatures,
                    limit: wide(MAX_PDF_SIGNATURES),
                });
            }
            let name = wd
                .get(b"T".as_slice())
                .and_then(Object::as_string)
                .map_or_else(|| format!("object {}", ar.number), text_string);
            out.push(Found {
                name: format!("{name} (widget not in /AcroForm)"),
                field: ar,
                lock: None,
                value: value.clone(),
            });
        }
    }
    Ok(())
}

/// A PDF text string: UTF-16BE with a byte-order mark, UTF-8 with one (PDF 2.0), or
/// PDFDocEncoding (read as Latin-1, which it equals for letters and digits).
pub(crate) fn text_string(s: &[u8]) -> String {
    if let Some(rest) = s.strip_prefix(&[0xfe, 0xff]) {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| {
                u16::from_be_bytes([
                    c.first().copied().unwrap_or(0),
                    c.get(1).copied().unwrap_or(0),
                ])
            })
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = s.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    s.iter().map(|b| char::from(*b)).collect()
}

/// Reads a found signature's dictionary and checks where its byte range and value are.
/// The signature the catalog's `/Perms /DocMDP` names, if any.
fn perms_docmdp(file: &PdfFile<'_>, last: usize) -> Result<Option<ObjRef>, PdfError> {
    let perms = file
        .catalog(last)?
        .1
        .as_dict()
        .and_then(|c| c.get(b"Perms".as_slice()).cloned())
        .map(|p| file.resolve(&p, last))
        .transpose()?
        .flatten()
        .and_then(|p| {
            p.as_dict()
                .and_then(|d| d.get(b"DocMDP".as_slice()))
                .and_then(Object::as_ref)
        });
    Ok(perms)
}

/// The revisions whose signatures validation judges, each the start of a change analysis
/// (signing runs the same analyses on its result before it signs).
pub(crate) fn judged_revisions(file: &PdfFile<'_>) -> Result<Vec<usize>, PdfError> {
    let last = file.revisions.len().saturating_sub(1);
    let perms = perms_docmdp(file, last)?;
    let mut revisions: Vec<usize> = find_signature_fields(file, last)?
        .into_iter()
        .filter_map(|f| match place(file, f, perms) {
            Prepared::Placed(p) => Some(p.revision),
            Prepared::Refused { .. } => None,
        })
        .collect();
    revisions.sort_unstable();
    revisions.dedup();
    Ok(revisions)
}

fn place(file: &PdfFile<'_>, f: Found, perms_docmdp: Option<ObjRef>) -> Prepared {
    let refuse = |reason: String, br: Option<[u64; 4]>, sf: String| Prepared::Refused {
        name: f.name.clone(),
        sub_filter: sf,
        byte_range: br,
        error: PdfError::Signature {
            field: f.name.clone(),
            reason,
        },
    };
    match place_inner(file, &f, perms_docmdp) {
        Ok(p) => Prepared::Placed(Box::new(p)),
        Err((e, br, sf)) => match e {
            PdfError::Signature { reason, .. } => refuse(reason, br, sf),
            other => Prepared::Refused {
                name: f.name.clone(),
                sub_filter: sf,
                byte_range: br,
                error: other,
            },
        },
    }
}

type PlaceError = (PdfError, Option<[u64; 4]>, String);

/// The signature dictionary a field's `/V` names: its reference, its offset (it must be
/// placed in the file, not in an object stream, so that its `/Contents` is in the gap), and
/// the dictionary as parsed there.
fn signature_dictionary(file: &PdfFile<'_>, f: &Found) -> Result<(ObjRef, u64, Dict), PlaceError> {
    let last = file.revisions.len().saturating_sub(1);
    let sig_err = |reason: &str| PdfError::Signature {
        field: f.name.clone(),
        reason: reason.to_string(),
    };
    let Some(sig_ref) = f.value.as_ref() else {
        return Err((
            sig_err("the signature dictionary (/V) is not an indirect object"),
            None,
            String::new(),
        ));
    };
    let Definition::Placed(_, Entry::InUse { offset, .. }) = file.definition(sig_ref.number, last)
    else {
        return Err((
            sig_err(
                "the signature dictionary is not an object placed in the file (it is free, missing, or in an object stream)",
            ),
            None,
            String::new(),
        ));
    };
    let (id, sig, _) = file
        .indirect_at(offset, 0)
        .map_err(|e| (e, None, String::new()))?;
    if id != sig_ref {
        return Err((
            PdfError::XrefMismatch {
                number: sig_ref.number,
                generation: sig_ref.generation,
                offset,
            },
            None,
            String::new(),
        ));
    }
    let Object::Dict(dict) = sig else {
        return Err((
            sig_err("the signature value is not a dictionary"),
            None,
            String::new(),
        ));
    };
    Ok((sig_ref, offset, dict))
}

fn place_inner(
    file: &PdfFile<'_>,
    f: &Found,
    perms_docmdp: Option<ObjRef>,
) -> Result<Placed, PlaceError> {
    let last = file.revisions.len().saturating_sub(1);
    let sig_err = |reason: &str| PdfError::Signature {
        field: f.name.clone(),
        reason: reason.to_string(),
    };
    let (sig_ref, offset, dict) = signature_dictionary(file, f)?;
    let dict = &dict;
    let sub_filter = dict
        .get(b"SubFilter".as_slice())
        .and_then(Object::as_name)
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    let sf = String::from_utf8_lossy(&sub_filter).into_owned();
    let br: Vec<u64> = dict
        .get(b"ByteRange".as_slice())
        .and_then(Object::as_array)
        .ok_or_else(|| (sig_err("no /ByteRange array"), None, sf.clone()))?
        .iter()
        .map(|o| o.as_int().and_then(|i| u64::try_from(i).ok()))
        .collect::<Option<_>>()
        .ok_or_else(|| {
            (
                sig_err("/ByteRange holds a value that is not a non-negative integer"),
                None,
                sf.clone(),
            )
        })?;
    let [zero, a, b, c] = br.as_slice() else {
        return Err((sig_err("/ByteRange does not hold four numbers"), None, sf));
    };
    let byte_range = [*zero, *a, *b, *c];
    let e = |reason: &str| (sig_err(reason), Some(byte_range), sf.clone());
    if *zero != 0 {
        return Err(e("/ByteRange does not start at byte 0"));
    }
    if a >= b {
        return Err(e("/ByteRange's gap is empty or reversed"));
    }
    let end = b
        .checked_add(*c)
        .ok_or_else(|| e("/ByteRange out of range"))?;
    if end > file.src.len() {
        return Err(e("/ByteRange goes past the end of the file"));
    }
    let Some(Object::String(contents, span)) = dict.get(b"Contents".as_slice()) else {
        return Err(e("no /Contents string"));
    };
    if *span != (*a, *b) {
        return Err(e(
            "the gap in /ByteRange is not exactly this dictionary's /Contents string",
        ));
    }
    if !file
        .src
        .read(*a, 1)
        .map(|s| s.first() == Some(&b'<'))
        .unwrap_or(false)
    {
        return Err(e("/Contents is not a hex string"));
    }
    let revision = file
        .revisions
        .iter()
        .position(|r| r.end == end || r.eof_end == end)
        .ok_or_else(|| e("/ByteRange does not end where a revision ends (after its %%EOF)"))?;
    // The dictionary belongs to the signed revision and is unchanged since.
    let def_signed = file.definition(sig_ref.number, revision);
    let def_last = file.definition(sig_ref.number, last);
    if def_signed != def_last {
        return Err(e(
            "the signature dictionary was redefined after the revision it signs",
        ));
    }
    let rev = file.revisions.get(revision).ok_or_else(|| e("revision"))?;
    if offset >= rev.end {
        return Err(e(
            "the signature dictionary lies outside the revision it signs",
        ));
    }
    let kind =
        signature_kind(file, dict, &sub_filter, last, perms_docmdp == Some(sig_ref)).map_err(e)?;
    let mut locks: Vec<Dict> = Vec::new();
    for r in reference_dicts(file, dict, last) {
        if r.get(b"TransformMethod".as_slice())
            .and_then(Object::as_name)
            == Some(b"FieldMDP")
            && let Some(params) = r
                .get(b"TransformParams".as_slice())
                .and_then(|p| file.resolve(p, last).ok().flatten())
                .and_then(|p| p.as_dict().cloned())
        {
            locks.push(params);
        }
    }
    if let Some(l) = &f.lock {
        locks.push(l.clone());
    }
    Ok(Placed {
        name: f.name.clone(),
        dict: dict.clone(),
        byte_range,
        contents: contents.clone(),
        sub_filter,
        kind,
        revision,
        locks,
    })
}

/// Approval, certification or document timestamp, from `/Type`, `/SubFilter` and DocMDP;
/// the reason when the combination is not one ISO 32000-2 and ETSI EN 319 142-1 define.
fn signature_kind(
    file: &PdfFile<'_>,
    dict: &Dict,
    sub_filter: &[u8],
    last: usize,
    in_perms: bool,
) -> Result<PdfSignatureKind, &'static str> {
    let ty = dict.get(b"Type".as_slice()).and_then(Object::as_name);
    let kind = match (sub_filter, ty) {
        (b"ETSI.RFC3161", Some(b"DocTimeStamp")) => PdfSignatureKind::DocumentTimestamp,
        (b"ETSI.RFC3161", _) => {
            return Err("an ETSI.RFC3161 signature that is not /Type /DocTimeStamp");
        }
        (_, Some(b"DocTimeStamp")) => {
            return Err("a /DocTimeStamp whose /SubFilter is not ETSI.RFC3161");
        }
        (
            b"adbe.pkcs7.detached" | b"ETSI.CAdES.detached" | b"adbe.pkcs7.sha1",
            None | Some(b"Sig"),
        ) => match docmdp_permission(file, dict, last, in_perms) {
            Some(p) => PdfSignatureKind::Certification { permission: p },
            None => PdfSignatureKind::Approval,
        },
        (b"adbe.pkcs7.detached" | b"ETSI.CAdES.detached" | b"adbe.pkcs7.sha1", Some(_)) => {
            return Err("a signature dictionary whose /Type is neither /Sig nor /DocTimeStamp");
        }
        _ => {
            return Err(
                "unsupported /SubFilter (adbe.pkcs7.detached, ETSI.CAdES.detached, ETSI.RFC3161 and adbe.pkcs7.sha1 are)",
            );
        }
    };
    Ok(kind)
}

/// The signature reference dictionaries (`/Reference`) of a signature dictionary.
fn reference_dicts(file: &PdfFile<'_>, dict: &Dict, last: usize) -> Vec<Dict> {
    let Some(refs) = dict.get(b"Reference".as_slice()) else {
        return Vec::new();
    };
    let Ok(Some(refs)) = file.resolve(refs, last) else {
        return Vec::new();
    };
    refs.as_array()
        .unwrap_or_default()
        .iter()
        .filter_map(|r| file.resolve(r, last).ok().flatten())
        .filter_map(|r| r.as_dict().cloned())
        .collect()
}

/// The DocMDP permission of a certification signature: from its `/Reference` with
/// `/TransformMethod /DocMDP`, or 2 (the default) when the catalog's `/Perms /DocMDP` names
/// it without one.
pub(crate) fn docmdp_permission(
    file: &PdfFile<'_>,
    dict: &Dict,
    last: usize,
    in_perms: bool,
) -> Option<u8> {
    for r in reference_dicts(file, dict, last) {
        if r.get(b"TransformMethod".as_slice())
            .and_then(Object::as_name)
            == Some(b"DocMDP")
        {
            let p = r
                .get(b"TransformParams".as_slice())
                .and_then(|p| file.resolve(p, last).ok().flatten())
                .and_then(|p| {
                    p.as_dict()
                        .and_then(|d| d.get(b"P".as_slice()))
                        .and_then(Object::as_int)
                })
                .unwrap_or(2);
            return Some(u8::try_from(p.clamp(1, 3)).unwrap_or(2));
        }
    }
    in_perms.then_some(2)
}

/// The object numbers of the fields (and their kids) that `locks` lock, with their names.
fn locked_objects(
    file: &PdfFile<'_>,
    last: usize,
    locks: &[Dict],
) -> Result<HashMap<u32, String>, PdfError> {
    let mut out = HashMap::new();
    if locks.is_empty() {
        return Ok(out);
    }
    let all = all_fields(file, last)?;
    for lock in locks {
        let action = lock
            .get(b"Action".as_slice())
            .and_then(Object::as_name)
            .unwrap_or(b"All");
        let names: Vec<String> = lock
            .get(b"Fields".as_slice())
            .and_then(Object::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(Object::as_string)
            .map(text_string)
            .collect();
        for (name, objects) in &all {
            let listed = names.iter().any(|n| n == name);
            let is_locked = match action {
                b"Include" => listed,
                b"Exclude" => !listed,
                _ => true,
            };
            if is_locked {
                for o in objects {
                    out.insert(*o, name.clone());
                }
            }
        }
    }
    Ok(out)
}

/// Every field's full name with its object and its kids' objects.
fn all_fields(file: &PdfFile<'_>, last: usize) -> Result<Vec<(String, Vec<u32>)>, PdfError> {
    let (_, catalog) = file.catalog(last)?;
    let Some(cat) = catalog.as_dict() else {
        return Ok(Vec::new());
    };
    let mut out: Vec<(String, Vec<u32>)> = Vec::new();
    for node in form_fields(file, cat, last)? {
        match out.iter_mut().find(|(n, _)| *n == node.name) {
            Some((_, objs)) => objs.push(node.r.number),
            None => out.push((node.name, vec![node.r.number])),
        }
    }
    Ok(out)
}

/// The certificates, CRLs and OCSP responses of the final revision's `/DSS` (ETSI EN
/// 319 142-1 section 5.4), with a warning for each item that does not decode.
pub(crate) fn document_security_store(
    file: &PdfFile<'_>,
    last: usize,
) -> Result<(Vec<Certificate>, CrlStore, Vec<Warning>), PdfError> {
    let mut certs = Vec::new();
    let mut store = CrlStore::new();
    let mut warnings = Vec::new();
    let (_, catalog) = file.catalog(last)?;
    let Some(dss) = catalog
        .as_dict()
        .map(|c| file.dict_of(c, b"DSS", last))
        .transpose()?
        .flatten()
    else {
        return Ok((certs, store, warnings));
    };
    let Some(dss) = dss.as_dict() else {
        return Ok((certs, store, warnings));
    };
    // The streams of /Certs, /CRLs and /OCSPs; /VRI only points at the same streams.
    let mut seen = HashSet::new();
    for (key, what) in [(b"Certs".as_slice(), 0u8), (b"CRLs", 1), (b"OCSPs", 2)] {
        let Some(list) = dss.get(key) else { continue };
        let list = file.resolve(list, last)?;
        for item in list
            .as_deref()
            .and_then(Object::as_array)
            .unwrap_or_default()
        {
            let Some(r) = item.as_ref() else { continue };
            if !seen.insert(r) {
                continue;
            }
            if seen.len()
                > crate::limits::MAX_CMS_REVOCATION_DATA + crate::limits::MAX_CMS_CERTIFICATES
            {
                return Err(PdfError::TooLarge {
                    what: PdfLimit::Objects,
                    limit: wide(
                        crate::limits::MAX_CMS_REVOCATION_DATA
                            + crate::limits::MAX_CMS_CERTIFICATES,
                    ),
                });
            }
            let Some(obj) = file.get(r, last)? else {
                continue;
            };
            let Object::Stream(d, data) = &*obj else {
                continue;
            };
            let bytes = file.decode(d, data)?;
            let ok = match what {
                0 => Certificate::from_der(&bytes).map(|c| certs.push(c)).is_ok(),
                1 => Crl::from_der(&bytes).map(|c| store.add(c)).is_ok(),
                _ => OcspResponse::from_der(&bytes)
                    .map(|o| store.add_ocsp(o))
                    .is_ok(),
            };
            if !ok {
                warnings.push(Warning::PdfValidationDataUnreadable { object: r.number });
            }
        }
    }
    Ok((certs, store, warnings))
}
