//! Signing an e-invoice as its seller: the signature the `vn-einvoice` profile reads, in the
//! form XML Signature specifies, so that strict verifiers (xmlsec1) accept it too.
//!
//! The signature goes into `HDon/DSCKS/NBan` (both made when missing), inserted into the
//! text as it is: nothing else of the file changes. It has two references, both by `Id`:
//! `DLHDon` with the enveloped-signature transform, and an `Object` inside the signature
//! holding `SignatureProperties/SignatureProperty/SigningTime` (Vietnam's local time), with
//! no transform (Canonical XML 1.0 applies); `SignedInfo` is canonicalised with Canonical XML
//! 1.0 and `KeyInfo` carries the signer's certificate. Before the file is returned, kyso
//! reads it back and checks both digests and the signature value.

use base64::Engine as _;

use super::XmlDocument;
use super::dsig::{self, DSIG, SignatureElement};
use crate::cert::Certificate;
use crate::digest::DigestAlgorithm;
use crate::error::{Error, SigningError, XmlError};
use crate::key::{KeyType, SignatureAlgorithm, Signer};
use crate::time::Time;

/// Signs e-invoices as their seller (see the module documentation).
///
/// ```
/// use kyso::xml::einvoice::InvoiceSigning;
/// use kyso::{Certificate, SoftwareSigner, Time};
/// let cert = Certificate::from_pem(&std::fs::read("test-vectors/pki/ee-rsa3072.pem")?)?;
/// let key = SoftwareSigner::from_file("test-vectors/keys/ee-rsa3072.key.pem", None)?;
/// let unsigned = br#"<HDon><DLHDon Id="K1"><NDHDon><NBan><MST>5700100256-001</MST></NBan></NDHDon></DLHDon></HDon>"#;
/// let signed = InvoiceSigning::new(cert, Time::from_utc(2026, 5, 20, 2, 15, 0)?).sign(unsigned, &key)?;
/// let text = String::from_utf8(signed)?;
/// assert!(text.contains("<DSCKS><NBan><Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\""));
/// assert!(text.contains("<SigningTime>2026-05-20T09:15:00</SigningTime>"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct InvoiceSigning {
    certificate: Certificate,
    time: Time,
    sha1: bool,
}

impl InvoiceSigning {
    /// A seller signature with `certificate` (the signer's key must be its key), stating
    /// `time` as the signing time.
    pub fn new(certificate: Certificate, time: Time) -> Self {
        InvoiceSigning {
            certificate,
            time,
            sha1: false,
        }
    }

    /// Allows an RSA signer whose algorithm is PKCS#1 v1.5 with SHA-1, with SHA-1 digests,
    /// for invoicing systems that verify nothing newer. Without it such a signer is refused.
    pub fn allow_sha1_for_legacy_use_only(mut self) -> Self {
        self.sha1 = true;
        self
    }

    /// The invoice with the seller's signature added.
    ///
    /// # Errors
    ///
    /// - Those of [`XmlDocument::parse`] for the invoice.
    /// - [`XmlError::NotEInvoice`] if it is not an e-invoice (no `HDon/DLHDon` with an
    ///   `Id`, a second `DLHDon`), if the seller has signed it already, or if the `Id`s kyso
    ///   would give the signature and its object are taken.
    /// - [`XmlError::NoSignatureMethod`] for a signer whose algorithm XML Signature has no
    ///   method kyso writes for (RSA PKCS#1 v1.5 and ECDSA over P-256 and P-384, with
    ///   SHA-256, -384 or -512; SHA-1 only as allowed above).
    /// - [`SigningError::SignerKeyMismatch`] if the signer's key is not the certificate's.
    /// - The signer's errors, and [`SigningError::SignatureValueRejected`] if its signature
    ///   does not verify with the certificate's key. Nothing is returned then.
    pub fn sign(&self, invoice: &[u8], signer: &dyn Signer) -> Result<Vec<u8>, Error> {
        let key = self.certificate.public_key()?;
        if signer
            .public_key()
            .is_some_and(|k| k.spki_der() != key.spki_der())
        {
            return Err(Error::Signing(SigningError::SignerKeyMismatch));
        }
        let prepared = self.prepare(invoice, signer.algorithm())?;
        let value = signer.sign(prepared.to_be_signed())?;
        prepared.finish(&value)
    }

    /// The first of two steps, for a signer elsewhere (a remote signing service, a token
    /// behind another process): the invoice with the signature's digests in place, and the
    /// bytes `algorithm` must sign ([`PreparedInvoice::to_be_signed`]).
    ///
    /// # Errors
    ///
    /// Those of [`InvoiceSigning::sign`] before the signer is asked.
    pub fn prepare(
        &self,
        invoice: &[u8],
        algorithm: SignatureAlgorithm,
    ) -> Result<PreparedInvoice, Error> {
        let (method, digest) = method(algorithm, self.sha1)?;
        let key = self.certificate.public_key()?;
        if key.key_type() != algorithm.key_type() {
            return Err(Error::Signing(SigningError::SignerKeyMismatch));
        }
        let doc = XmlDocument::parse(invoice)?;
        let plan = Plan::of(&doc)?;
        let text = doc.doc.input_text().to_owned();
        let mut prepared = PreparedInvoice {
            signing: self.clone(),
            algorithm,
            method,
            digest,
            plan,
            text,
            digests: [String::new(), String::new()],
            to_be_signed: Vec::new(),
        };
        // Pass one: the digests, over the file as it will be (only the signature's values
        // change after this).
        let first = prepared.build("");
        let d = XmlDocument::parse(first.as_bytes())?;
        let node = signature_node(&d)?;
        let parsed = SignatureElement::read(node)?;
        for (slot, r) in prepared.digests.iter_mut().zip(&parsed.references) {
            let (octets, _, _) = dsig::reference_octets(&d, node, r, false)?;
            *slot = base64(crate::digest::digest(digest, &octets).as_bytes());
        }
        // Pass two: the canonical SignedInfo.
        let second = prepared.build("");
        let d = XmlDocument::parse(second.as_bytes())?;
        prepared.to_be_signed = SignatureElement::read(signature_node(&d)?)?.signed_info_bytes();
        Ok(prepared)
    }

    fn signature_xml(
        &self,
        plan: &Plan,
        method: &str,
        digest: DigestAlgorithm,
        digests: &[String; 2],
        value: &str,
    ) -> String {
        let digest_uri = digest_uri(digest);
        let certificate = base64(self.certificate.der());
        let subject = escape(&self.certificate.subject().to_string());
        let local = local_time(self.time);
        format!(
            concat!(
                "<Signature xmlns=\"{dsig}\" Id=\"{sig_id}\"><SignedInfo>",
                "<CanonicalizationMethod Algorithm=\"{c14n}\"/>",
                "<SignatureMethod Algorithm=\"{method}\"/>",
                "<Reference URI=\"#{data_id}\"><Transforms>",
                "<Transform Algorithm=\"{dsig}enveloped-signature\"/></Transforms>",
                "<DigestMethod Algorithm=\"{digest_uri}\"/><DigestValue>{d0}</DigestValue>",
                "</Reference>",
                "<Reference URI=\"#{time_id}\">",
                "<DigestMethod Algorithm=\"{digest_uri}\"/><DigestValue>{d1}</DigestValue>",
                "</Reference></SignedInfo>",
                "<SignatureValue>{value}</SignatureValue>",
                "<KeyInfo><X509Data><X509SubjectName>{subject}</X509SubjectName>",
                "<X509Certificate>{certificate}</X509Certificate></X509Data></KeyInfo>",
                "<Object Id=\"{time_id}\"><SignatureProperties>",
                "<SignatureProperty Target=\"#{sig_id}\"><SigningTime>{local}</SigningTime>",
                "</SignatureProperty></SignatureProperties></Object></Signature>"
            ),
            dsig = DSIG,
            sig_id = plan.signature_id,
            c14n = super::Canonicalization::C14N_URI,
            method = method,
            data_id = escape(&plan.data_id),
            digest_uri = digest_uri,
            d0 = digests[0],
            time_id = plan.time_id,
            d1 = digests[1],
            value = value,
            subject = subject,
            certificate = certificate,
            local = local,
        )
    }
}

/// An invoice ready for its seller's signature value: the second of two steps
/// ([`InvoiceSigning::prepare`]).
#[derive(Clone, Debug)]
pub struct PreparedInvoice {
    signing: InvoiceSigning,
    algorithm: SignatureAlgorithm,
    method: &'static str,
    digest: DigestAlgorithm,
    plan: Plan,
    text: String,
    digests: [String; 2],
    to_be_signed: Vec<u8>,
}

impl PreparedInvoice {
    /// The bytes to sign: the canonical `SignedInfo`. A signer that signs digests signs
    /// their hash with the algorithm's hash function.
    pub fn to_be_signed(&self) -> &[u8] {
        &self.to_be_signed
    }

    /// The signed invoice, with `signature` (as the algorithm's signers return it: ECDSA
    /// values in DER, converted here to r‖s) in place.
    ///
    /// # Errors
    ///
    /// [`SigningError::SignatureValueRejected`] if the value does not verify with the
    /// certificate's key over [`PreparedInvoice::to_be_signed`]; nothing is returned then.
    pub fn finish(&self, signature: &[u8]) -> Result<Vec<u8>, Error> {
        let rejected = || Error::Signing(SigningError::SignatureValueRejected);
        let mut value = signature.to_vec();
        if let Some(len) = ecdsa_field_len(self.algorithm) {
            value = ecdsa_der_to_plain(&value, len)?;
        }
        let signed = self.build(&base64(&value));
        // Read back: both digests and the value must verify before anything is returned.
        let d = XmlDocument::parse(signed.as_bytes())?;
        let node = signature_node(&d)?;
        let parsed = SignatureElement::read(node)?;
        for r in &parsed.references {
            let (octets, _, _) = dsig::reference_octets(&d, node, r, false)?;
            if !r.digest_matches(&octets) {
                return Err(rejected());
            }
        }
        let key = self.signing.certificate.public_key()?;
        let verify_as =
            dsig::signature_algorithm_for(parsed.method(), key.key_type()).ok_or_else(rejected)?;
        if parsed.signed_info_bytes() != self.to_be_signed {
            return Err(rejected());
        }
        key.verify(
            verify_as,
            &self.to_be_signed,
            &value,
            &crate::cms::signer_check::permissive(),
        )
        .map_err(|_| rejected())?;
        Ok(signed.into_bytes())
    }

    /// The invoice with the signature, its digests as computed so far, and `value`.
    fn build(&self, value: &str) -> String {
        let signature =
            self.signing
                .signature_xml(&self.plan, self.method, self.digest, &self.digests, value);
        self.plan.insert(&self.text, &signature)
    }
}

/// Where the signature goes, and the `Id`s it uses.
#[derive(Clone, Debug)]
struct Plan {
    data_id: String,
    signature_id: String,
    time_id: String,
    /// The text replaced (a range of the input) and what goes around the signature there.
    at: core::ops::Range<usize>,
    before: String,
    after: String,
}

impl Plan {
    fn of(doc: &XmlDocument<'_>) -> Result<Self, Error> {
        let plan = Plan::place(doc)?;
        for id in [&plan.signature_id, &plan.time_id] {
            if !matches!(
                doc.element_by_id(id),
                Err(Error::Xml(XmlError::IdNotFound { .. }))
            ) {
                return Err(Error::Xml(XmlError::NotEInvoice {
                    reason: "the Ids of the seller's signature are taken",
                }));
            }
        }
        Ok(plan)
    }

    fn place(doc: &XmlDocument<'_>) -> Result<Self, Error> {
        let not = |reason| Error::Xml(XmlError::NotEInvoice { reason });
        let root = doc.doc.root_element();
        if root.tag_name().name() != "HDon" {
            return Err(not("the document element is not HDon"));
        }
        let data: Vec<_> = doc
            .doc
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == "DLHDon")
            .collect();
        let [data] = data.as_slice() else {
            return Err(not("not exactly one DLHDon"));
        };
        if data.parent() != Some(root) {
            return Err(not("a DLHDon outside HDon/DLHDon"));
        }
        let data_id = data
            .attribute("Id")
            .ok_or_else(|| not("DLHDon has no Id"))?
            .to_owned();
        let signature_id = format!("{data_id}-NBan");
        let time_id = format!("{data_id}-SigningTime");
        let text = doc.doc.input_text();
        let place = |at: core::ops::Range<usize>, before: &str, after: &str| Plan {
            data_id: data_id.clone(),
            signature_id: signature_id.clone(),
            time_id: time_id.clone(),
            at,
            before: before.to_owned(),
            after: after.to_owned(),
        };
        let (dscks, nban) = match child(root, "DSCKS") {
            None => {
                let end = closing_tag_start(text, root).ok_or_else(|| not("HDon is empty"))?;
                return Ok(place(end..end, "<DSCKS><NBan>", "</NBan></DSCKS>"));
            }
            Some(d) => (d, child(d, "NBan")),
        };
        match nban {
            Some(n) => {
                if n.children().any(|c| c.is_element()) {
                    return Err(not("the seller has signed already"));
                }
                match closing_tag_start(text, n) {
                    // <NBan/>: replaced by <NBan>…</NBan>.
                    None => Ok(place(n.range(), "<NBan>", "</NBan>")),
                    Some(end) => Ok(place(end..end, "", "")),
                }
            }
            None => match closing_tag_start(text, dscks) {
                None => Ok(place(dscks.range(), "<DSCKS><NBan>", "</NBan></DSCKS>")),
                Some(end) => {
                    // First in DSCKS, as the format orders it.
                    let start = dscks.first_child().map_or(end, |c| c.range().start);
                    Ok(place(start..start, "<NBan>", "</NBan>"))
                }
            },
        }
    }

    fn insert(&self, text: &str, signature: &str) -> String {
        let mut out = String::with_capacity(text.len() + signature.len() + 64);
        out.push_str(text.get(..self.at.start).unwrap_or_default());
        out.push_str(&self.before);
        out.push_str(signature);
        out.push_str(&self.after);
        out.push_str(text.get(self.at.end..).unwrap_or_default());
        out
    }
}

/// The first child element of `parent` with local name `name`.
fn child<'a, 'i>(parent: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    parent
        .children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// Where an element's closing tag starts, or `None` for an empty-element tag (`<X/>`).
fn closing_tag_start(text: &str, node: roxmltree::Node<'_, '_>) -> Option<usize> {
    let range = node.range();
    let source = text.get(range.clone())?;
    if source.ends_with("/>") {
        return None;
    }
    source.rfind("</").map(|i| range.start + i)
}

/// The one `Signature` in `HDon/DSCKS/NBan`.
fn signature_node<'a, 'i>(doc: &'a XmlDocument<'i>) -> Result<roxmltree::Node<'a, 'i>, Error> {
    let root = doc.doc.root_element();
    root.children()
        .filter(|c| c.is_element() && c.tag_name().name() == "DSCKS")
        .flat_map(|d| d.children())
        .filter(|c| c.is_element() && c.tag_name().name() == "NBan")
        .flat_map(|n| n.children())
        .find(|c| {
            c.is_element()
                && c.tag_name().namespace() == Some(DSIG)
                && c.tag_name().name() == "Signature"
        })
        .ok_or(Error::Signing(SigningError::SignatureValueRejected))
}

/// The signature and digest method URIs for a signer's algorithm.
fn method(
    algorithm: SignatureAlgorithm,
    sha1: bool,
) -> Result<(&'static str, DigestAlgorithm), Error> {
    use SignatureAlgorithm as A;
    Ok(match algorithm {
        A::RsaPkcs1Sha1ForLegacyUseOnly if sha1 => (
            "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            DigestAlgorithm::Sha1,
        ),
        A::RsaPkcs1Sha256 => (
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            DigestAlgorithm::Sha256,
        ),
        A::RsaPkcs1Sha384 => (
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
            DigestAlgorithm::Sha384,
        ),
        A::RsaPkcs1Sha512 => (
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
            DigestAlgorithm::Sha512,
        ),
        A::EcdsaP256Sha256 => (
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            DigestAlgorithm::Sha256,
        ),
        A::EcdsaP384Sha384 => (
            "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
            DigestAlgorithm::Sha384,
        ),
        other => return Err(Error::Xml(XmlError::NoSignatureMethod { algorithm: other })),
    })
}

fn digest_uri(digest: DigestAlgorithm) -> &'static str {
    match digest {
        DigestAlgorithm::Sha1 => "http://www.w3.org/2000/09/xmldsig#sha1",
        DigestAlgorithm::Sha384 => "http://www.w3.org/2001/04/xmldsig-more#sha384",
        DigestAlgorithm::Sha512 => "http://www.w3.org/2001/04/xmlenc#sha512",
        _ => "http://www.w3.org/2001/04/xmlenc#sha256",
    }
}

/// The length of r and of s in an XML ECDSA signature value, for ECDSA algorithms.
fn ecdsa_field_len(algorithm: SignatureAlgorithm) -> Option<usize> {
    match algorithm.key_type() {
        KeyType::EcP256 => Some(32),
        KeyType::EcP384 => Some(48),
        _ => None,
    }
}

/// `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (DER, as signers return it) into
/// r‖s, each left-padded to `len` octets (RFC 4051 section 3.3).
fn ecdsa_der_to_plain(der: &[u8], len: usize) -> Result<Vec<u8>, Error> {
    let bad = || Error::Signing(SigningError::SignatureValueRejected);
    let body = match der {
        [0x30, n, rest @ ..] if usize::from(*n) == rest.len() && *n < 0x80 => rest,
        [0x30, 0x81, n, rest @ ..] if usize::from(*n) == rest.len() => rest,
        _ => return Err(bad()),
    };
    let mut out = Vec::with_capacity(2 * len);
    let mut rest = body;
    for _ in 0..2 {
        let [0x02, n, tail @ ..] = rest else {
            return Err(bad());
        };
        let n = usize::from(*n);
        let value = tail.get(..n).ok_or_else(bad)?;
        rest = tail.get(n..).ok_or_else(bad)?;
        let value = match value {
            [0, v @ ..] => v,
            v => v,
        };
        let pad = len.checked_sub(value.len()).ok_or_else(bad)?;
        out.extend(std::iter::repeat_n(0u8, pad));
        out.extend_from_slice(value);
    }
    if rest.is_empty() { Ok(out) } else { Err(bad()) }
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Text for element content: `&`, `<` and `>` escaped.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Vietnam's local time (UTC+7), as invoices write it: `YYYY-MM-DDTHH:MM:SS`.
fn local_time(t: Time) -> String {
    let (y, mo, d, h, mi, s) = Time::from_unix(t.unix().saturating_add(7 * 3600)).to_civil();
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_values_are_padded_to_the_field() {
        // r = 1, s = 0x80 (a leading zero in DER).
        let der = [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80];
        let plain = ecdsa_der_to_plain(&der, 32).unwrap_or_default();
        assert_eq!(plain.len(), 64);
        assert_eq!(plain[31], 1);
        assert_eq!(plain[63], 0x80);
        assert!(ecdsa_der_to_plain(&der[..8], 32).is_err());
        assert!(ecdsa_der_to_plain(&[0x30, 0x00], 32).is_err());
    }

    #[test]
    fn local_time_is_utc_plus_seven() {
        let t = Time::from_utc(2026, 12, 31, 20, 30, 5).unwrap_or(Time::from_unix(0));
        assert_eq!(local_time(t), "2027-01-01T03:30:05");
    }
}
