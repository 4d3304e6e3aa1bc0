//! XML Signature (XMLDSig 1.x) verification of one `Signature` element, with only what signed
//! documents of the kind kyso reads need: same-document references (the whole document, or
//! one element by `Id`), the enveloped-signature transform and the canonicalization methods,
//! RSA and ECDSA signatures, and the signer's certificate from `KeyInfo/X509Data`. Anything
//! else is refused with a typed error, never guessed at.
//!
//! The signer is judged by the same steps as a CMS signer (`cms::signer_check`): the
//! algorithm policy, the signature value charged to the call's budget, the certificate path
//! with revocation at the validation time, and the ETSI EN 319 102-1 verdict.

use base64::Engine as _;
use roxmltree::Node;

use super::{Canonicalization, Subset, XmlDocument};
use crate::budget::{Budget, CheckId};
use crate::cert::Certificate;
use crate::cms::Verifier;
use crate::cms::signer_check::{
    CertificateInputs, SignerRun, judge_algorithm, judge_certificate, permissive,
};
use crate::digest::{DigestAlgorithm, Hasher};
use crate::error::{Error, SignatureError, XmlError};
use crate::key::{KeyType, SignatureAlgorithm};
use crate::revocation::CrlStore;
use crate::time::Time;
use crate::validate::{CheckKind, SignerReport, SubIndication, Warning};

/// The XML Signature namespace.
pub(crate) const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
const EXC_C14N_NS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// Most references in one `SignedInfo` (an e-invoice signature has two).
const MAX_REFERENCES: usize = 16;
/// Most transforms in one reference (real ones have one or two).
const MAX_TRANSFORMS: usize = 4;

/// A transform kyso applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Transform {
    /// Removes the `Signature` element holding the reference from the node-set.
    Enveloped,
    /// Canonicalizes the node-set (parsing its input first when that is octets).
    Canonical(Canonicalization),
}

/// One `Reference`, read.
#[derive(Clone, Debug)]
pub(crate) struct Reference {
    /// The `URI` attribute: `""` or `#` and an `Id`.
    pub uri: String,
    pub transforms: Vec<Transform>,
    pub digest: DigestAlgorithm,
    pub digest_value: Vec<u8>,
}

impl Reference {
    /// The `Id` a `#id` reference names; `None` for the whole document.
    pub(crate) fn id(&self) -> Option<&str> {
        self.uri.strip_prefix('#')
    }

    /// Whether the digest of `octets` is the `DigestValue`.
    pub(crate) fn digest_matches(&self, octets: &[u8]) -> bool {
        let mut h = Hasher::new(self.digest);
        h.update(octets);
        h.finish().as_bytes() == self.digest_value.as_slice()
    }
}

/// The signature method, before the key says which curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Rsa(DigestAlgorithm),
    Ecdsa(DigestAlgorithm),
}

/// A `Signature` element, read and checked for shape.
pub(crate) struct SignatureElement<'a, 'i> {
    signed_info: Node<'a, 'i>,
    c14n: Canonicalization,
    method: Method,
    pub references: Vec<Reference>,
    value: Vec<u8>,
    /// The DER of each `X509Certificate`, in order.
    certificates: Vec<Vec<u8>>,
}

fn malformed(reason: &'static str) -> Error {
    Error::Xml(XmlError::Signature { reason })
}

fn is_dsig(node: &Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(DSIG) && node.tag_name().name() == name
}

/// The element children of `node`; text between them must be white space.
fn elements<'a, 'i>(node: Node<'a, 'i>) -> Result<Vec<Node<'a, 'i>>, Error> {
    let mut out = Vec::new();
    for child in node.children() {
        if child.is_element() {
            out.push(child);
        } else if child.is_text() && !child.text().unwrap_or_default().trim().is_empty() {
            return Err(malformed("text where XML Signature has only elements"));
        }
    }
    Ok(out)
}

/// The text of a base64 element (`DigestValue`, `SignatureValue`, `X509Certificate`), white
/// space between characters ignored.
fn base64_text(node: Node<'_, '_>, what: &'static str) -> Result<Vec<u8>, Error> {
    let mut text = String::new();
    for child in node.children() {
        if child.is_element() {
            return Err(malformed(what));
        }
        if child.is_text() {
            text.extend(
                child
                    .text()
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace()),
            );
        }
    }
    base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .map_err(|_| malformed(what))
}

fn algorithm_attr<'a>(node: Node<'a, '_>) -> Result<&'a str, Error> {
    node.attribute("Algorithm")
        .ok_or_else(|| malformed("an algorithm element without Algorithm"))
}

/// A canonicalization method element (or transform) with its exclusive prefix list.
fn canonicalization(node: Node<'_, '_>, uri: &str) -> Result<Option<Canonicalization>, Error> {
    let mut prefixes = Vec::new();
    for child in elements(node)? {
        if child.tag_name().namespace() == Some(EXC_C14N_NS)
            && child.tag_name().name() == "InclusiveNamespaces"
            && uri.starts_with(Canonicalization::EXCLUSIVE_URI)
        {
            let list = child
                .attribute("PrefixList")
                .ok_or_else(|| malformed("InclusiveNamespaces without PrefixList"))?;
            prefixes.extend(list.split_ascii_whitespace().map(str::to_owned));
        } else {
            return Err(malformed("unexpected content in a canonicalization method"));
        }
    }
    Ok(Canonicalization::from_uri(uri, prefixes))
}

fn digest_method(uri: &str) -> Result<DigestAlgorithm, Error> {
    match uri {
        "http://www.w3.org/2000/09/xmldsig#sha1" => Ok(DigestAlgorithm::Sha1),
        "http://www.w3.org/2001/04/xmlenc#sha256" => Ok(DigestAlgorithm::Sha256),
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => Ok(DigestAlgorithm::Sha384),
        "http://www.w3.org/2001/04/xmlenc#sha512" => Ok(DigestAlgorithm::Sha512),
        other => Err(Error::Xml(XmlError::UnsupportedAlgorithm {
            uri: other.to_owned(),
        })),
    }
}

fn signature_method(uri: &str) -> Result<Method, Error> {
    match uri {
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => Ok(Method::Rsa(DigestAlgorithm::Sha1)),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => {
            Ok(Method::Rsa(DigestAlgorithm::Sha256))
        }
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => {
            Ok(Method::Rsa(DigestAlgorithm::Sha384))
        }
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => {
            Ok(Method::Rsa(DigestAlgorithm::Sha512))
        }
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" => {
            Ok(Method::Ecdsa(DigestAlgorithm::Sha256))
        }
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384" => {
            Ok(Method::Ecdsa(DigestAlgorithm::Sha384))
        }
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512" => {
            Ok(Method::Ecdsa(DigestAlgorithm::Sha512))
        }
        other => Err(Error::Xml(XmlError::UnsupportedAlgorithm {
            uri: other.to_owned(),
        })),
    }
}

/// The algorithm a method names with a key of `key_type`: RSA PKCS#1 v1.5, or ECDSA with
/// the value as r‖s (RFC 4051 section 3.3 and XML Signature 1.1 section 6.4.3).
pub(crate) fn signature_algorithm_for(
    method: Method,
    key_type: KeyType,
) -> Option<SignatureAlgorithm> {
    match (method, key_type) {
        (Method::Rsa(DigestAlgorithm::Sha1), KeyType::Rsa) => {
            Some(SignatureAlgorithm::RsaPkcs1Sha1ForLegacyUseOnly)
        }
        (Method::Rsa(DigestAlgorithm::Sha256), KeyType::Rsa) => {
            Some(SignatureAlgorithm::RsaPkcs1Sha256)
        }
        (Method::Rsa(DigestAlgorithm::Sha384), KeyType::Rsa) => {
            Some(SignatureAlgorithm::RsaPkcs1Sha384)
        }
        (Method::Rsa(DigestAlgorithm::Sha512), KeyType::Rsa) => {
            Some(SignatureAlgorithm::RsaPkcs1Sha512)
        }
        (Method::Ecdsa(digest), key) if key.curve().is_some() => {
            Some(SignatureAlgorithm::EcdsaPlain { key, digest })
        }
        _ => None,
    }
}

fn transform(node: Node<'_, '_>) -> Result<Transform, Error> {
    let uri = algorithm_attr(node)?;
    if uri == ENVELOPED {
        if !elements(node)?.is_empty() {
            return Err(malformed("content in an enveloped-signature transform"));
        }
        return Ok(Transform::Enveloped);
    }
    match canonicalization(node, uri) {
        Ok(Some(c)) => Ok(Transform::Canonical(c)),
        // XPath, XPath Filter 2.0, XSLT, base64, and anything unknown.
        Ok(None) | Err(_) => Err(Error::Xml(XmlError::RefusedTransform {
            uri: uri.to_owned(),
        })),
    }
}

fn reference(node: Node<'_, '_>) -> Result<Reference, Error> {
    let uri = node.attribute("URI").unwrap_or_default();
    let same_document = uri.is_empty()
        || uri.strip_prefix('#').is_some_and(|id| {
            !id.is_empty() && !id.starts_with("xpointer(") && !id.contains(char::is_whitespace)
        });
    if node.attribute("URI").is_none() || !same_document {
        return Err(Error::Xml(XmlError::RefusedReference {
            uri: uri.to_owned(),
        }));
    }
    let children = elements(node)?;
    let mut it = children.into_iter().peekable();
    let mut transforms = Vec::new();
    if let Some(t) = it.next_if(|n| is_dsig(n, "Transforms")) {
        let list = elements(t)?;
        if list.is_empty() || list.len() > MAX_TRANSFORMS {
            return Err(malformed("a reference with no transforms or too many"));
        }
        for n in list {
            if !is_dsig(&n, "Transform") {
                return Err(malformed("an element other than Transform in Transforms"));
            }
            transforms.push(transform(n)?);
        }
    }
    let dm = it
        .next()
        .filter(|n| is_dsig(n, "DigestMethod"))
        .ok_or_else(|| malformed("a reference without DigestMethod"))?;
    let digest = digest_method(algorithm_attr(dm)?)?;
    let dv = it
        .next()
        .filter(|n| is_dsig(n, "DigestValue"))
        .ok_or_else(|| malformed("a reference without DigestValue"))?;
    let digest_value = base64_text(dv, "a DigestValue that is not base64")?;
    if it.next().is_some() {
        return Err(malformed("content after a reference's DigestValue"));
    }
    Ok(Reference {
        uri: uri.to_owned(),
        transforms,
        digest,
        digest_value,
    })
}

/// Reads `KeyInfo`: the certificates of its `X509Data`. Key values and names of the
/// certificates are not trusted and not needed; a key fetched from elsewhere is refused.
fn key_info(node: Node<'_, '_>, out: &mut Vec<Vec<u8>>) -> Result<(), Error> {
    for child in elements(node)? {
        if child.tag_name().namespace() != Some(DSIG) {
            continue;
        }
        match child.tag_name().name() {
            "X509Data" => {
                for item in elements(child)? {
                    if is_dsig(&item, "X509Certificate") {
                        out.push(base64_text(item, "an X509Certificate that is not base64")?);
                    }
                }
            }
            "RetrievalMethod" | "KeyName" => {
                return Err(Error::Xml(XmlError::RefusedKeyInfo {
                    element: child.tag_name().name().to_owned(),
                }));
            }
            _ => {}
        }
    }
    Ok(())
}

impl<'a, 'i> SignatureElement<'a, 'i> {
    /// Reads a `Signature` element: `SignedInfo`, `SignatureValue`, then `KeyInfo` and
    /// `Object`s, nothing else.
    pub(crate) fn read(node: Node<'a, 'i>) -> Result<Self, Error> {
        if !is_dsig(&node, "Signature") {
            return Err(malformed("not a Signature element"));
        }
        let children = elements(node)?;
        let mut it = children.into_iter();
        let signed_info = it
            .next()
            .filter(|n| is_dsig(n, "SignedInfo"))
            .ok_or_else(|| malformed("no SignedInfo first in Signature"))?;
        let value_node = it
            .next()
            .filter(|n| is_dsig(n, "SignatureValue"))
            .ok_or_else(|| malformed("no SignatureValue after SignedInfo"))?;
        let value = base64_text(value_node, "a SignatureValue that is not base64")?;
        let mut certificates = Vec::new();
        let mut key_info_seen = false;
        for n in it {
            if is_dsig(&n, "KeyInfo") && !key_info_seen {
                key_info_seen = true;
                key_info(n, &mut certificates)?;
            } else if !is_dsig(&n, "Object") {
                return Err(malformed(
                    "an element other than KeyInfo or Object in Signature",
                ));
            }
        }
        let si = elements(signed_info)?;
        let mut si = si.into_iter();
        let cm = si
            .next()
            .filter(|n| is_dsig(n, "CanonicalizationMethod"))
            .ok_or_else(|| malformed("no CanonicalizationMethod first in SignedInfo"))?;
        let cm_uri = algorithm_attr(cm)?;
        let c14n = canonicalization(cm, cm_uri)?.ok_or_else(|| {
            Error::Xml(XmlError::UnsupportedAlgorithm {
                uri: cm_uri.to_owned(),
            })
        })?;
        let sm = si
            .next()
            .filter(|n| is_dsig(n, "SignatureMethod"))
            .ok_or_else(|| malformed("no SignatureMethod after CanonicalizationMethod"))?;
        if !elements(sm)?.is_empty() {
            // HMACOutputLength and the like: no key-less or truncated methods.
            return Err(Error::Xml(XmlError::UnsupportedAlgorithm {
                uri: algorithm_attr(sm)?.to_owned(),
            }));
        }
        let method = signature_method(algorithm_attr(sm)?)?;
        let mut references = Vec::new();
        for n in si {
            if !is_dsig(&n, "Reference") {
                return Err(malformed("an element other than Reference in SignedInfo"));
            }
            if references.len() == MAX_REFERENCES {
                return Err(malformed("more references than kyso reads"));
            }
            references.push(reference(n)?);
        }
        if references.is_empty() {
            return Err(malformed("a SignedInfo without references"));
        }
        Ok(SignatureElement {
            signed_info,
            c14n,
            method,
            references,
            value,
            certificates,
        })
    }

    /// The signature method.
    pub(crate) fn method(&self) -> Method {
        self.method
    }

    /// The canonical `SignedInfo`: the bytes the signature value is over.
    pub(crate) fn signed_info_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        super::c14n::write(
            &Subset {
                apex: self.signed_info,
                exclude: None,
                comments: true,
            },
            &self.c14n,
            &mut out,
        );
        out
    }
}

/// How a reference's transforms were applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Enveloped {
    /// No enveloped-signature transform, or one that removed the signature from around
    /// the target (or had nothing to remove).
    AsSpecified,
    /// The target lies inside the signature, and the transform was skipped (the
    /// e-invoice producers' reading).
    Skipped,
}

/// The octets a reference's digest is over: the target, through the transforms, then
/// Canonical XML 1.0 without comments if the result is still a node-set (XML Signature
/// section 4.4.3.2).
///
/// With `skip_enveloped_inside`, an enveloped-signature transform whose target lies inside
/// the signature (so that, as specified, it would remove the whole target) is skipped.
pub(crate) fn reference_octets<'a, 'i>(
    doc: &'a XmlDocument<'i>,
    signature: Node<'a, 'i>,
    r: &Reference,
    skip_enveloped_inside: bool,
) -> Result<(Vec<u8>, Node<'a, 'i>, Enveloped), Error> {
    let apex = match r.id() {
        None => doc.doc.root(),
        Some(id) => doc.element_by_id(id)?,
    };
    let mut subset = Subset {
        apex,
        exclude: None,
        comments: false,
    };
    // `None` while the data is a node-set (`subset`, or nothing at all if `empty`).
    let mut octets: Option<Vec<u8>> = None;
    let mut empty = false;
    let mut enveloped = Enveloped::AsSpecified;
    for t in &r.transforms {
        match t {
            Transform::Enveloped => {
                if octets.is_some() {
                    return Err(malformed("an enveloped-signature transform after octets"));
                }
                let inside = signature == apex || apex.ancestors().any(|a| a == signature);
                if inside {
                    if skip_enveloped_inside {
                        enveloped = Enveloped::Skipped;
                    } else {
                        // As specified: nothing of the target is left.
                        empty = true;
                    }
                } else if signature.ancestors().any(|a| a == apex) {
                    subset.exclude = Some(signature.id());
                }
            }
            Transform::Canonical(method) => {
                let mut out = Vec::new();
                match octets.take() {
                    None if empty => {}
                    None => super::c14n::write(&subset, method, &mut out),
                    Some(input) => {
                        // Octets into a node-set: parsed as a document of their own.
                        let again = XmlDocument::parse(&input)?;
                        super::c14n::write(
                            &Subset {
                                apex: again.doc.root(),
                                exclude: None,
                                comments: true,
                            },
                            method,
                            &mut out,
                        );
                    }
                }
                octets = Some(out);
            }
        }
    }
    let bytes = match octets {
        Some(o) => o,
        None if empty => Vec::new(),
        None => {
            let mut out = Vec::new();
            super::c14n::write(
                &subset,
                &Canonicalization::Inclusive {
                    with_comments: false,
                },
                &mut out,
            );
            out
        }
    };
    Ok((bytes, apex, enveloped))
}

/// One reference's outcome.
#[derive(Clone, Debug)]
pub(crate) struct ReferenceOutcome<'a, 'i> {
    pub uri: String,
    /// The element (or document root) the reference resolved to.
    pub target: Node<'a, 'i>,
    /// The octets digested.
    pub octets: Vec<u8>,
    /// Whether their digest is the `DigestValue`.
    pub matches: bool,
}

/// Verifies one `Signature` element of `doc` with `v`'s context, under `budget`. Returns
/// the signer's report and the outcome of each reference that could be resolved (all of
/// them, unless the report fails the format).
pub(crate) fn verify<'a, 'i>(
    v: &Verifier<'_>,
    doc: &'a XmlDocument<'i>,
    node: Node<'a, 'i>,
    budget: &Budget,
    skip_enveloped_inside: bool,
    claimed_time: Option<Time>,
) -> (SignerReport, Vec<ReferenceOutcome<'a, 'i>>) {
    let mut run = SignerRun::new(v.given_time());
    let mut outcomes = Vec::new();
    let refusals = budget.refusals();
    let _stopped = steps(
        &mut run,
        v,
        doc,
        node,
        budget,
        skip_enveloped_inside,
        claimed_time,
        &mut outcomes,
    );
    let mut report = run.finish();
    if budget.refusals() > refusals {
        crate::validate::etsi::out_of_budget(&mut report);
    }
    (report, outcomes)
}

#[allow(clippy::too_many_arguments)]
fn steps<'a, 'i>(
    r: &mut SignerRun,
    v: &Verifier<'_>,
    doc: &'a XmlDocument<'i>,
    node: Node<'a, 'i>,
    budget: &Budget,
    skip_enveloped_inside: bool,
    claimed_time: Option<Time>,
    outcomes: &mut Vec<ReferenceOutcome<'a, 'i>>,
) -> Result<(), crate::cms::signer_check::Stop> {
    let sig = SignatureElement::read(node).map_err(|e| {
        r.stop(
            CheckKind::Format,
            SubIndication::FormatFailure,
            e.to_string(),
            Some(e),
        )
    })?;
    r.pass(
        CheckKind::Format,
        format!(
            "XML signature with {} reference(s), {}",
            sig.references.len(),
            sig.c14n.uri()
        ),
    );
    r.report.claimed_signing_time = claimed_time;
    let sha1 = references(r, doc, node, &sig, budget, skip_enveloped_inside, outcomes)?;
    let (cert, alg, certificates) = signer_certificate(r, &sig, budget)?;
    r.pass(
        CheckKind::SignerCertificate,
        format!("{} (from KeyInfo)", cert.subject()),
    );
    r.report.identity = Some(cert.identity().clone());
    r.report.signer_certificate = Some(cert.clone());
    r.report.signature_algorithm = Some(alg);
    r.report.digest_algorithm = alg.digest_algorithm();
    judge_algorithm(r, &v.policy.algorithms, alg, sha1, &cert, alg.to_string());
    r.pass(CheckKind::SignatureValue, "verifies with the signer's key");
    let mut pool = certificates;
    pool.extend(v.extra_certificates.iter().cloned());
    let embedded = CrlStore::new();
    let inputs = CertificateInputs {
        v,
        pool: &pool,
        embedded: &embedded,
        budget,
    };
    judge_certificate(r, &inputs, &cert);
    Ok(())
}

/// Resolves, transforms and digests each reference, recording each outcome; returns
/// whether any digest is SHA-1.
fn references<'a, 'i>(
    r: &mut SignerRun,
    doc: &'a XmlDocument<'i>,
    node: Node<'a, 'i>,
    sig: &SignatureElement<'a, 'i>,
    budget: &Budget,
    skip_enveloped_inside: bool,
    outcomes: &mut Vec<ReferenceOutcome<'a, 'i>>,
) -> Result<bool, crate::cms::signer_check::Stop> {
    let mut sha1 = false;
    for (index, reference) in sig.references.iter().enumerate() {
        charge(r, doc, sig, index, budget)?;
        let resolve = |r: &mut SignerRun, skip: bool| {
            reference_octets(doc, node, reference, skip).map_err(|e| {
                r.stop(
                    CheckKind::XmlReference,
                    SubIndication::FormatFailure,
                    format!("{:?}: {e}", reference.uri),
                    Some(e),
                )
            })
        };
        let (mut octets, target, mut enveloped) = resolve(r, skip_enveloped_inside)?;
        sha1 |= reference.digest == DigestAlgorithm::Sha1;
        let mut matches = reference.digest_matches(&octets);
        if !matches && enveloped == Enveloped::Skipped {
            // The transform as specified (nothing of the target left), as a producer that
            // follows the letter would have signed it.
            let (literal, _, _) = resolve(r, false)?;
            if reference.digest_matches(&literal) {
                octets = literal;
                matches = true;
                enveloped = Enveloped::AsSpecified;
            }
        }
        if enveloped == Enveloped::Skipped {
            r.warn(Warning::EnvelopedTransformSkipped {
                uri: reference.uri.clone(),
            });
        }
        if matches {
            r.pass(
                CheckKind::XmlReference,
                format!(
                    "{:?}: {} digest of {} bytes matches",
                    reference.uri,
                    reference.digest,
                    octets.len()
                ),
            );
        } else {
            r.fail(
                CheckKind::XmlReference,
                SubIndication::HashFailure,
                format!(
                    "{:?}: the {} digest of the referenced data differs from DigestValue",
                    reference.uri, reference.digest
                ),
                None,
            );
        }
        outcomes.push(ReferenceOutcome {
            uri: reference.uri.clone(),
            target,
            octets,
            matches,
        });
    }
    Ok(sha1)
}

/// Charges a reference's canonicalization and digest to the call's budget before they are
/// made, one unit and one more per MiB of the target's text (the canonical form is at most a
/// few times as long), so that a document cannot make the call digest without end.
fn charge(
    r: &mut SignerRun,
    doc: &XmlDocument<'_>,
    sig: &SignatureElement<'_, '_>,
    index: usize,
    budget: &Budget,
) -> Result<(), crate::cms::signer_check::Stop> {
    let reference = sig.references.get(index);
    let len = match reference.and_then(Reference::id) {
        None => doc.doc.input_text().len(),
        Some(id) => doc.element_by_id(id).map_or(0, |n| n.range().len()),
    };
    let mut h = Hasher::new(DigestAlgorithm::Sha256);
    h.update(b"xml reference");
    h.update(
        &u64::try_from(sig.signed_info.range().start)
            .unwrap_or(u64::MAX)
            .to_be_bytes(),
    );
    h.update(&u64::try_from(index).unwrap_or(u64::MAX).to_be_bytes());
    let mut object = [0u8; 32];
    object.copy_from_slice(h.finish().as_bytes());
    let id = CheckId {
        object,
        key: [0; 32],
    };
    budget
        .check_costing(id, 1 + len / (1 << 20), || Ok(()))
        .map_err(|e| {
            r.stop(
                CheckKind::WorkBudget,
                SubIndication::SignedDataNotFound,
                "the references were not all digested: the call's work budget ran out",
                Some(e),
            )
        })
}

/// The signer's certificate among those of `KeyInfo` (the first whose key verifies the
/// signature value, each attempt charged to the budget), the algorithm, and every
/// certificate that could be read.
#[allow(clippy::type_complexity)]
fn signer_certificate(
    r: &mut SignerRun,
    sig: &SignatureElement<'_, '_>,
    budget: &Budget,
) -> Result<(Certificate, SignatureAlgorithm, Vec<Certificate>), crate::cms::signer_check::Stop> {
    // The certificates in KeyInfo; the signer's is the one whose key verifies.
    let mut certificates = Vec::new();
    for der in &sig.certificates {
        match Certificate::from_der(der) {
            Ok(c) => certificates.push(c),
            Err(e) => r.warn(Warning::EmbeddedCertificateSkipped {
                reason: e.to_string(),
            }),
        }
    }
    if certificates.is_empty() {
        return Err(r.stop(
            CheckKind::SignerCertificate,
            SubIndication::NoSigningCertificateFound,
            "no usable X509Certificate in KeyInfo",
            None,
        ));
    }
    let signed_info = sig.signed_info_bytes();
    let mut chosen: Option<(Certificate, SignatureAlgorithm)> = None;
    let mut last_error = None;
    for cert in &certificates {
        let Ok(key) = cert.public_key() else {
            continue;
        };
        let Some(alg) = signature_algorithm_for(sig.method, key.key_type()) else {
            continue;
        };
        let mut h = Hasher::new(DigestAlgorithm::Sha256);
        h.update(b"xmldsig");
        h.update(
            &u64::try_from(signed_info.len())
                .unwrap_or(u64::MAX)
                .to_be_bytes(),
        );
        h.update(&signed_info);
        h.update(&sig.value);
        h.update(format!("{alg:?}").as_bytes());
        let mut object = [0u8; 32];
        object.copy_from_slice(h.finish().as_bytes());
        let id = CheckId {
            object,
            key: *cert.fingerprint_sha256(),
        };
        match budget.check(id, || {
            key.verify(alg, &signed_info, &sig.value, &permissive())
        }) {
            Ok(()) => {
                chosen = Some((cert.clone(), alg));
                break;
            }
            Err(e) => last_error = Some((cert.clone(), alg, e)),
        }
    }
    let (cert, alg) = match (chosen, last_error) {
        (Some(c), _) => c,
        (None, Some((cert, alg, e))) => {
            r.report.identity = Some(cert.identity().clone());
            r.report.signer_certificate = Some(cert);
            r.report.signature_algorithm = Some(alg);
            let sub = if matches!(e, Error::Signature(SignatureError::InvalidSignature)) {
                SubIndication::SigCryptoFailure
            } else {
                SubIndication::CryptoConstraintsFailure
            };
            return Err(r.stop(
                CheckKind::SignatureValue,
                sub,
                format!("does not verify with the certificate's key: {e}"),
                Some(e),
            ));
        }
        (None, None) => {
            return Err(r.stop(
                CheckKind::SignerCertificate,
                SubIndication::NoSigningCertificateFound,
                "no certificate in KeyInfo has a key of the signature method's type",
                None,
            ));
        }
    };
    Ok((cert, alg, certificates))
}
