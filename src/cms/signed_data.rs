//! `SignedData` (RFC 5652 section 5.1) with the certificates and revocation data kept as
//! encoded.
//!
//! The `cms` crate's own `SignedData` decodes every embedded certificate with `x509-cert`'s
//! strict profile, so one certificate it dislikes (a pre-2000 UTCTime, a DSA key with
//! inherited parameters) makes the whole signature unreadable. kyso reads embedded
//! certificates itself, one by one, and reports those it cannot use; everything else comes
//! from the `cms` crate.

use cms::content_info::CmsVersion;
use cms::signed_data::EncapsulatedContentInfo;
use der::asn1::{AnyRef, ObjectIdentifier, SetOfVec};
use der::{Any, Decode, Sequence, Tag, Tagged};
use x509_cert::spki::AlgorithmIdentifierOwned;

use crate::cert::strict::{Tlv, oid};
use crate::cms::attributes::ID_SIGNED_DATA;
use crate::cms::signer_view::{SignerInfoSet, SignerView, any_ref};

/// ```text
/// SignedData ::= SEQUENCE {
///   version CMSVersion,
///   digestAlgorithms DigestAlgorithmIdentifiers,
///   encapContentInfo EncapsulatedContentInfo,
///   certificates [0] IMPLICIT CertificateSet OPTIONAL,
///   crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
///   signerInfos SignerInfos }
/// ```
#[derive(Clone, Debug, Sequence)]
#[cfg_attr(test, derive(PartialEq))]
pub(crate) struct SignedData {
    pub version: CmsVersion,
    pub digest_algorithms: SetOfVec<AlgorithmIdentifierOwned>,
    pub encap_content_info: EncapsulatedContentInfo,
    #[asn1(
        context_specific = "0",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    pub certificates: Option<SetOfVec<Any>>,
    #[asn1(
        context_specific = "1",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    pub crls: Option<SetOfVec<Any>>,
    pub signer_infos: SignerInfoSet,
}

/// [`SignedData`] with its SignerInfos borrowed, for [`SignedData::decode_content`].
#[derive(Clone, Debug, Sequence)]
struct SignedDataHead<'a> {
    version: CmsVersion,
    digest_algorithms: SetOfVec<AlgorithmIdentifierOwned>,
    encap_content_info: EncapsulatedContentInfo,
    #[asn1(
        context_specific = "0",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    certificates: Option<SetOfVec<Any>>,
    #[asn1(
        context_specific = "1",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    crls: Option<SetOfVec<Any>>,
    signer_infos: AnyRef<'a>,
}

impl SignedData {
    /// Decodes the content of a ContentInfo as `SignedData`, with what `der`'s typed
    /// decoder of [`SignedData`] gives or refuses. The SignerInfos of the shapes real
    /// producers write are read in one pass ([`fast_signer_infos`]); the rest go to the
    /// typed decoder.
    pub(crate) fn decode_content(content: &AnyRef<'_>) -> der::Result<SignedData> {
        let head: SignedDataHead<'_> = content.decode_as()?;
        let fast = (head.signer_infos.tag() == Tag::Set)
            .then(|| fast_signer_infos(Tlv::new(head.signer_infos.value())))
            .flatten();
        let signer_infos = match fast {
            Some(infos) => infos,
            None => head.signer_infos.decode_as()?,
        };
        Ok(SignedData {
            version: head.version,
            digest_algorithms: head.digest_algorithms,
            encap_content_info: head.encap_content_info,
            certificates: head.certificates,
            crls: head.crls,
            signer_infos,
        })
    }
}

/// What [`fast_content_info`] reads from a ContentInfo in DER.
pub(crate) struct FastContentInfo<'a> {
    /// The `SignedData`, equal to what the typed decoder gives.
    pub signed_data: SignedData,
    /// The encoding of each certificate of `signed_data.certificates`, in the same order.
    pub certificates: Vec<&'a [u8]>,
}

/// A ContentInfo holding a `SignedData`, read in one pass over `der` (one element that is
/// DER throughout, as [`crate::ber::to_der`] found it) for the shapes real producers write:
/// - every tag one octet and every length in its shortest form ([`Tlv`]);
/// - contentType id-signedData, versions of 0 to 5 in one octet;
/// - an eContent, if any, of one OCTET STRING;
/// - certificates that are all plain certificates (SEQUENCEs); revocation data that are
///   CRLs (SEQUENCEs) or other formats (`[1]`);
/// - SignerInfos as [`fast_signer_infos`] reads them, with the signed attributes and the
///   values of each in DER order.
///
/// What it gives equals what [`crate::cms::walk::prepare_rewritten`], the typed decode of the
/// ContentInfo and [`SignedData::decode_content`] give together; `None` sends the input
/// to them, which decide and give the errors. A unit test holds the two together on every
/// signature in the vectors and on their mutations.
pub(crate) fn fast_content_info(der: &[u8]) -> Option<FastContentInfo<'_>> {
    let mut outer = Tlv::new(der);
    let mut info = outer.enter(0x30)?;
    if !outer.done() || ObjectIdentifier::from_bytes(oid(&mut info)?).ok()? != ID_SIGNED_DATA {
        return None;
    }
    let mut explicit = info.enter(0xa0)?;
    let mut sd = explicit.enter(0x30)?;
    if !info.done() || !explicit.done() {
        return None;
    }
    let version = cms_version(sd.primitive(0x02)?)?;
    let mut algorithms = sd.enter(0x31)?;
    let mut digest_algorithms = Vec::new();
    while !algorithms.done() {
        digest_algorithms.push(fast_algorithm(&mut algorithms)?);
    }
    let mut encap = sd.enter(0x30)?;
    let econtent_type = ObjectIdentifier::from_bytes(oid(&mut encap)?).ok()?;
    let econtent = if encap.done() {
        None
    } else {
        let mut content = encap.enter(0xa0)?;
        let octets = content.primitive(0x04)?;
        if !content.done() || !encap.done() {
            return None;
        }
        Some(Any::new(Tag::OctetString, octets).ok()?)
    };
    let mut certificates = Vec::new();
    let certificate_set = if sd.peek() == Some(0xa0) {
        let mut set = sd.enter(0xa0)?;
        while !set.done() {
            let (tag, whole) = set.whole()?;
            if tag != 0x30 {
                return None;
            }
            certificates.push(whole);
        }
        // The DER order of a SET OF (X.690 section 11.6) is that of the octets; `der`
        // sorts the decoded set the same way, which the check below confirms.
        certificates.sort_unstable();
        let decoded = certificates
            .iter()
            .map(|whole| Any::new(Tag::Sequence, Tlv::new(whole).primitive(0x30)?).ok())
            .collect::<Option<Vec<_>>>()?;
        let set = SetOfVec::try_from(decoded).ok()?;
        let same_order = set
            .iter()
            .zip(&certificates)
            .all(|(any, whole)| Tlv::new(whole).primitive(0x30) == Some(any.value()));
        if !same_order || set.len() != certificates.len() {
            return None;
        }
        Some(set)
    } else {
        None
    };
    let crls = if sd.peek() == Some(0xa1) {
        let mut set = sd.enter(0xa1)?;
        let mut all = Vec::new();
        while !set.done() {
            let (tag, whole) = set.whole()?;
            if tag != 0x30 && tag != 0xa1 {
                return None;
            }
            all.push(Any::from_der(whole).ok()?);
        }
        Some(SetOfVec::try_from(all).ok()?)
    } else {
        None
    };
    let signer_infos = fast_signer_infos(sd.enter(0x31)?)?;
    if !sd.done() {
        return None;
    }
    Some(FastContentInfo {
        signed_data: SignedData {
            version,
            digest_algorithms: SetOfVec::try_from(digest_algorithms).ok()?,
            encap_content_info: EncapsulatedContentInfo {
                econtent_type,
                econtent,
            },
            certificates: certificate_set,
            crls,
            signer_infos,
        },
        certificates,
    })
}

/// `CMSVersion ::= INTEGER { v0(0), v1(1), v2(2), v3(3), v4(4), v5(5) }` in one octet.
pub(crate) fn cms_version(contents: &[u8]) -> Option<CmsVersion> {
    Some(match contents {
        [0] => CmsVersion::V0,
        [1] => CmsVersion::V1,
        [2] => CmsVersion::V2,
        [3] => CmsVersion::V3,
        [4] => CmsVersion::V4,
        [5] => CmsVersion::V5,
        _ => return None,
    })
}

/// `SignerInfos ::= SET OF SignerInfo` (RFC 5652 section 5.3) read in one pass over the
/// contents of the SET, each SignerInfo as [`SignerView::received`] reads it; several are
/// put in the order `der` sorts their typed values. The views hold the octets received,
/// so the parts [`crate::cms::walk::prepare_rewritten`] keeps as received for an input in
/// DER (the issuer name, the signed attributes) are read from them. `None` sends the input
/// to the typed decoder, which decides and gives the errors; a unit test holds the two to
/// the same answer on real SignerInfos and on their mutations.
fn fast_signer_infos(mut set: Tlv<'_>) -> Option<SignerInfoSet> {
    let mut all = Vec::new();
    while !set.done() {
        let (tag, whole) = set.whole()?;
        if tag != 0x30 {
            return None;
        }
        all.push(SignerView::received(whole)?);
    }
    if all.len() > 1 {
        let typed = all
            .iter()
            .map(SignerView::typed)
            .collect::<der::Result<Vec<_>>>()
            .ok()?;
        return SignerInfoSet::from_typed(typed).ok();
    }
    Some(SignerInfoSet(all))
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`.
fn fast_algorithm(t: &mut Tlv<'_>) -> Option<AlgorithmIdentifierOwned> {
    let mut seq = t.enter(0x30)?;
    let oid = ObjectIdentifier::from_bytes(crate::cert::strict::oid(&mut seq)?).ok()?;
    let parameters = if seq.done() {
        None
    } else {
        Some(Any::from(any_ref(seq.any()?)?))
    };
    seq.done()
        .then_some(AlgorithmIdentifierOwned { oid, parameters })
}

/// ```text
/// ContentInfo ::= SEQUENCE {
///   contentType ContentType,
///   content [0] EXPLICIT ANY DEFINED BY contentType }
/// ```
///
/// The content borrowed from the input, so that it is decoded in place rather than copied
/// first.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct ContentInfoRef<'a> {
    pub content_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    pub content: AnyRef<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cms::signer_view::Sid;
    use cms::signed_data::SignerInfo;
    use der::Encode;

    /// The SignerInfos (the whole SET) of the SignedData in `bytes` (a ContentInfo, or an
    /// ICAO document security object around one), and those of every SignedData in their
    /// unsigned attributes (timestamp tokens, counter-signatures' tokens).
    fn signer_sets(bytes: &[u8], out: &mut Vec<Vec<u8>>) {
        if bytes.first() == Some(&0x77) {
            if let Ok(sod) = AnyRef::from_der(bytes) {
                signer_sets(sod.value(), out);
            }
            return;
        }
        let Ok(prepared) = crate::cms::walk::prepare(bytes) else {
            return;
        };
        let Ok(info) = ContentInfoRef::from_der(&prepared.der) else {
            return;
        };
        let Ok(head) = info.content.decode_as::<SignedDataHead<'_>>() else {
            return;
        };
        out.push(head.signer_infos.to_der().unwrap());
        let Ok(set) = head.signer_infos.decode_as::<SetOfVec<SignerInfo>>() else {
            return;
        };
        for si in set.iter() {
            for attribute in si.unsigned_attrs.iter().flat_map(|a| a.iter()) {
                for value in attribute.values.iter() {
                    signer_sets(&value.to_der().unwrap(), out);
                }
            }
        }
    }

    /// The signatures in test-vectors and, where it is beside the checkout, in
    /// `../shared/vectors` (other producers: pyHanko, real documents).
    fn all_inputs() -> Vec<Vec<u8>> {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut inputs = Vec::new();
        collect_inputs(&here.join("test-vectors"), &mut inputs);
        let shared = here.join("../shared/vectors");
        if shared.is_dir() {
            collect_inputs(&shared, &mut inputs);
        }
        inputs
    }

    /// The signatures in the files under `dir`: CMS files (`.p7s`, `.p7m`), document
    /// security objects, timestamp responses, and each signature inside a PDF.
    fn collect_inputs(dir: &std::path::Path, out: &mut Vec<Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_inputs(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "p7s" || e == "p7m" || e == "sod" || e == "tsr")
            {
                out.push(std::fs::read(&path).unwrap());
            } else if path.extension().is_some_and(|e| e == "pdf") {
                // The signatures pyHanko and kyso wrote into PDFs: each `/Contents` hex
                // string of a signature dictionary, zero padding and all.
                let pdf = std::fs::read(&path).unwrap();
                let mut rest = pdf.as_slice();
                while let Some(at) = rest.windows(11).position(|w| w == b"/Contents <") {
                    rest = &rest[at + 11..];
                    let end = rest.iter().position(|b| *b == b'>').unwrap_or(0);
                    let hex = &rest[..end];
                    if hex.len() % 2 == 0 && hex.iter().all(u8::is_ascii_hexdigit) {
                        let bytes: Vec<u8> = hex
                            .chunks(2)
                            .map(|p| {
                                u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap()
                            })
                            .collect();
                        out.push(bytes);
                    }
                }
            }
        }
    }

    /// Whatever the one-pass read settles, the typed decoder accepts, with the same value.
    fn agrees(set: &[u8]) -> bool {
        let Ok(any) = AnyRef::from_der(set) else {
            return false;
        };
        if any.tag() != Tag::Set {
            return false;
        }
        let Some(fast) = fast_signer_infos(Tlv::new(any.value())) else {
            return false;
        };
        let typed = any
            .decode_as::<SetOfVec<SignerInfo>>()
            .map(SetOfVec::into_vec);
        assert_eq!(
            fast.typed().ok(),
            typed.as_ref().ok().cloned(),
            "{set:02x?}"
        );
        // Each view holds the DER `der` writes for the typed value.
        for (view, si) in fast.iter().zip(typed.iter().flatten()) {
            assert_eq!(view.der(), si.to_der().unwrap().as_slice(), "{set:02x?}");
        }
        true
    }

    #[test]
    fn the_one_pass_read_of_signer_infos_settles_only_what_der_accepts() {
        let mut all = Vec::new();
        for input in &all_inputs() {
            signer_sets(input, &mut all);
        }
        assert!(all.len() >= 100, "{}", all.len());
        let (mut settled, mut typed) = (0, 0);
        for set in &all {
            let any = AnyRef::from_der(set).unwrap();
            if any.decode_as::<SetOfVec<SignerInfo>>().is_ok() {
                typed += 1;
                if agrees(set) {
                    settled += 1;
                }
            } else {
                assert!(fast_signer_infos(Tlv::new(any.value())).is_none());
            }
        }
        eprintln!(
            "settled in one pass: {settled} of {typed} ({} read)",
            all.len()
        );
        assert!(settled * 100 >= typed * 95, "{settled} of {typed}");
        // Mutations: a changed octet, a cut, an inserted octet, an octet plus one; every
        // other one in the first 300 octets, where the headers, version, identifier,
        // algorithms and signed attributes are.
        let accepted = crate::mutations::Mutations::new(5).settled(&all, 200_000, 300, agrees);
        eprintln!("mutations settled in one pass: {accepted}");
        assert!(accepted > 20_000, "{accepted}");
    }

    /// Every ContentInfo in `bytes` and inside it: `bytes` itself (or the token of a
    /// TimeStampResp, the ContentInfo of an ICAO document security object), then those in
    /// the unsigned attributes of its SignerInfos (timestamp tokens).
    fn content_infos(bytes: &[u8], out: &mut Vec<Vec<u8>>) {
        let Ok((der, _)) = crate::ber::to_der(bytes, crate::error::Object::Cms) else {
            return;
        };
        if der.first() == Some(&0x77) {
            if let Ok(sod) = AnyRef::from_der(&der) {
                content_infos(sod.value(), out);
            }
            return;
        }
        let Ok(info) = ContentInfoRef::from_der(&der) else {
            // A TimeStampResp: SEQUENCE { status, timeStampToken ContentInfo }.
            let mut t = Tlv::new(&der);
            if let Some(mut resp) = t.enter(0x30) {
                let _ = resp.whole();
                if let Some((_, token)) = resp.whole() {
                    content_infos(token, out);
                }
            }
            return;
        };
        out.push(bytes.to_vec());
        let Ok(head) = info.content.decode_as::<SignedDataHead<'_>>() else {
            return;
        };
        let Ok(set) = head.signer_infos.decode_as::<SetOfVec<SignerInfo>>() else {
            return;
        };
        for si in set.iter() {
            for attribute in si.unsigned_attrs.iter().flat_map(|a| a.iter()) {
                for value in attribute.values.iter() {
                    content_infos(&value.to_der().unwrap(), out);
                }
            }
        }
    }

    /// Whether the one pass settles `input`; when it does, the rewrite into DER, the walk
    /// over the signed attributes and the typed decode give the same (`der`'s own decode of
    /// the SignerInfos, not the one-pass one).
    fn content_info_agrees(input: &[u8]) -> bool {
        let Ok((der, _)) = crate::ber::to_der(input, crate::error::Object::Cms) else {
            return false;
        };
        let std::borrow::Cow::Borrowed(plain) = der else {
            return false;
        };
        let Some(fast) = fast_content_info(plain) else {
            return false;
        };
        let prepared = crate::cms::walk::prepare(input).unwrap();
        assert!(!prepared.was_ber && prepared.reordered_signed_attributes.is_empty());
        // What the walk keeps as received is what the views hold.
        for o in &prepared.signer_octets {
            let view = fast
                .signed_data
                .signer_infos
                .iter()
                .find(|v| v.signature() == o.signature.as_slice())
                .unwrap();
            let issuer = match view.sid() {
                Sid::IssuerAndSerialNumber { issuer, .. } => Some(issuer.to_vec()),
                Sid::SubjectKeyIdentifier(_) => None,
            };
            assert_eq!(o.issuer, issuer, "{input:02x?}");
            assert_eq!(
                o.signed_attributes,
                view.signed_attributes_der(),
                "{input:02x?}"
            );
        }
        let info = ContentInfoRef::from_der(&prepared.der).unwrap();
        assert!(info.content_type == ID_SIGNED_DATA);
        let head: SignedDataHead<'_> = info.content.decode_as().unwrap();
        let typed = SignedData {
            version: head.version,
            digest_algorithms: head.digest_algorithms,
            encap_content_info: head.encap_content_info,
            certificates: head.certificates,
            crls: head.crls,
            signer_infos: head.signer_infos.decode_as().unwrap(),
        };
        assert_eq!(fast.signed_data, typed, "{input:02x?}");
        let encoded: Vec<Vec<u8>> = typed
            .certificates
            .iter()
            .flat_map(|set| set.iter())
            .map(|c| c.to_der().unwrap())
            .collect();
        assert_eq!(fast.certificates, encoded, "{input:02x?}");
        true
    }

    #[test]
    fn the_one_pass_read_of_a_content_info_is_the_typed_decode() {
        let mut infos = Vec::new();
        for input in &all_inputs() {
            content_infos(input, &mut infos);
        }
        assert!(infos.len() >= 100, "{}", infos.len());
        let settled = infos.iter().filter(|i| content_info_agrees(i)).count();
        eprintln!(
            "content infos settled in one pass: {settled} of {}",
            infos.len()
        );
        assert!(
            settled * 100 >= infos.len() * 80,
            "{settled} of {}",
            infos.len()
        );
        // Mutations, half of them in the first 600 octets (the SignedData's head, the
        // first certificate's header), the rest anywhere (SignerInfos, attributes).
        let accepted =
            crate::mutations::Mutations::new(11).settled(&infos, 100_000, 600, content_info_agrees);
        eprintln!("mutations settled in one pass: {accepted}");
        assert!(accepted > 10_000, "{accepted}");
    }
}
