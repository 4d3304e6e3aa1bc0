//! `SignedData` (RFC 5652 section 5.1) with the certificates and revocation data kept as
//! encoded.
//!
//! The `cms` crate's own `SignedData` decodes every embedded certificate with `x509-cert`'s
//! strict profile, so one certificate it dislikes (a pre-2000 UTCTime, a DSA key with
//! inherited parameters) makes the whole signature unreadable. kyso reads embedded
//! certificates itself, one by one, and reports those it cannot use; everything else comes
//! from the `cms` crate.

use cms::content_info::CmsVersion;
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier, SignerInfo, SignerInfos};
use der::asn1::{AnyRef, ObjectIdentifier, OctetString, SetOfVec};
use der::{Any, Decode, Sequence, Tag, Tagged};
use x509_cert::attr::{Attribute, Attributes};
use x509_cert::spki::AlgorithmIdentifierOwned;

use crate::cert::strict::Tlv;

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
    pub signer_infos: SignerInfos,
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
        let signer_infos = match fast_signer_infos(&head.signer_infos) {
            Some(infos) => infos,
            None => SignerInfos(head.signer_infos.decode_as()?),
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

/// `SignerInfos ::= SET OF SignerInfo` (RFC 5652 section 5.3) read in one pass over the
/// octets, for the shapes real producers write:
/// - every tag one octet and every length in its shortest form ([`Tlv`]);
/// - a version of 0 to 5 in one octet;
/// - object identifiers `der` holds, and algorithm parameters and attribute values of the
///   universal types `der` knows by tag ([`Tlv::any`]).
///
/// The signer identifier is left to `der`'s decoder, which checks the issuer Name and the
/// serial number. Every SET OF is sorted by `der`'s own sort, as its decoder sorts it.
/// `None` sends the input to the typed decoder, which decides and gives the errors; a unit
/// test holds the two to the same answer on real SignerInfos and on their mutations.
fn fast_signer_infos(any: &AnyRef<'_>) -> Option<SignerInfos> {
    if any.tag() != Tag::Set {
        return None;
    }
    let mut set = Tlv::new(any.value());
    let mut all = Vec::new();
    while !set.done() {
        all.push(fast_signer_info(&mut set)?);
    }
    SetOfVec::try_from(all).ok().map(SignerInfos)
}

fn fast_signer_info(t: &mut Tlv<'_>) -> Option<SignerInfo> {
    let mut si = t.enter(0x30)?;
    let version = match si.primitive(0x02)? {
        [0] => CmsVersion::V0,
        [1] => CmsVersion::V1,
        [2] => CmsVersion::V2,
        [3] => CmsVersion::V3,
        [4] => CmsVersion::V4,
        [5] => CmsVersion::V5,
        _ => return None,
    };
    let (_, sid) = si.whole()?;
    let sid = SignerIdentifier::from_der(sid).ok()?;
    let digest_alg = fast_algorithm(&mut si)?;
    let signed_attrs = if si.peek() == Some(0xa0) {
        Some(fast_attributes(si.enter(0xa0)?)?)
    } else {
        None
    };
    let signature_algorithm = fast_algorithm(&mut si)?;
    let signature = OctetString::new(si.primitive(0x04)?).ok()?;
    let unsigned_attrs = if si.peek() == Some(0xa1) {
        Some(fast_attributes(si.enter(0xa1)?)?)
    } else {
        None
    };
    si.done().then_some(SignerInfo {
        version,
        sid,
        digest_alg,
        signed_attrs,
        signature_algorithm,
        signature,
        unsigned_attrs,
    })
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`.
fn fast_algorithm(t: &mut Tlv<'_>) -> Option<AlgorithmIdentifierOwned> {
    let mut seq = t.enter(0x30)?;
    let oid = ObjectIdentifier::from_bytes(crate::cert::strict::oid(&mut seq)?).ok()?;
    let parameters = if seq.done() {
        None
    } else {
        Some(any_of(seq.any()?)?)
    };
    seq.done()
        .then_some(AlgorithmIdentifierOwned { oid, parameters })
}

/// `SET OF Attribute`, each `SEQUENCE { attrType OID, attrValues SET OF ANY }`.
fn fast_attributes(mut set: Tlv<'_>) -> Option<Attributes> {
    let mut all = Vec::new();
    while !set.done() {
        let mut attribute = set.enter(0x30)?;
        let oid = ObjectIdentifier::from_bytes(crate::cert::strict::oid(&mut attribute)?).ok()?;
        let mut encoded = attribute.enter(0x31)?;
        if !attribute.done() {
            return None;
        }
        let mut values = Vec::new();
        while !encoded.done() {
            values.push(any_of(encoded.any()?)?);
        }
        all.push(Attribute {
            oid,
            values: SetOfVec::try_from(values).ok()?,
        });
    }
    SetOfVec::try_from(all).ok()
}

/// A value of one of the universal types [`Tlv::any`] reads, as `der` holds it.
fn any_of((tag, contents): (u8, &[u8])) -> Option<Any> {
    let tag = match tag {
        0x01 => Tag::Boolean,
        0x02 => Tag::Integer,
        0x03 => Tag::BitString,
        0x04 => Tag::OctetString,
        0x05 => Tag::Null,
        0x06 => Tag::ObjectIdentifier,
        0x0c => Tag::Utf8String,
        0x12 => Tag::NumericString,
        0x13 => Tag::PrintableString,
        0x14 => Tag::TeletexString,
        0x16 => Tag::Ia5String,
        0x17 => Tag::UtcTime,
        0x18 => Tag::GeneralizedTime,
        0x1a => Tag::VisibleString,
        0x1e => Tag::BmpString,
        0x30 => Tag::Sequence,
        0x31 => Tag::Set,
        _ => return None,
    };
    Any::new(tag, contents).ok()
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

    fn collect(dir: &std::path::Path, out: &mut Vec<Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "p7s" || e == "p7m" || e == "sod" || e == "tsr")
            {
                signer_sets(&std::fs::read(&path).unwrap(), out);
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
                        signer_sets(&bytes, out);
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
        let Some(fast) = fast_signer_infos(&any) else {
            return false;
        };
        let typed = any.decode_as::<SetOfVec<SignerInfo>>();
        assert_eq!(Some(&fast.0), typed.as_ref().ok(), "{set:02x?}");
        true
    }

    #[test]
    fn the_one_pass_read_of_signer_infos_settles_only_what_der_accepts() {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut all = Vec::new();
        collect(&here.join("test-vectors"), &mut all);
        // SignerInfos from other producers (pyHanko, real documents), where they are
        // beside the checkout.
        let shared = here.join("../shared/vectors");
        if shared.is_dir() {
            collect(&shared, &mut all);
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
                assert!(fast_signer_infos(&any).is_none());
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
        let mut mutations = crate::mutations::Mutations::new(5);
        let mut accepted = 0;
        for round in 0..200_000 {
            let base = &all[round % all.len()];
            let mut m = base.clone();
            let at = if round % 2 == 0 {
                mutations.below(m.len())
            } else {
                mutations.below(m.len().min(300))
            };
            mutations.apply(&mut m, at);
            if agrees(&m) {
                accepted += 1;
            }
        }
        eprintln!("mutations settled in one pass: {accepted}");
        assert!(accepted > 20_000, "{accepted}");
    }
}
