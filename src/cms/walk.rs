//! One pass over a CMS encoding before any typed decoding. It rewrites BER into DER
//! ([`crate::ber`]: RFC 5652 lets the outer structures be BER), bounds the number of
//! elements and the nesting depth (so no input can make the typed decoder allocate without
//! bound), and reads every SignerInfo's signed attributes as received: their signature
//! covers their DER encoding (RFC 5652 section 5.4), so any other form but the order of the
//! SET's elements is refused, and attributes in another order are kept as received for
//! the signature check to try. This holds for the SignedData's own SignerInfos; the
//! counter-signatures and timestamp tokens inside them are decoded from the rewritten
//! bytes, so BER in their signed attributes has become DER there (the same values, and a
//! signature over the BER bytes then fails).

use std::cmp::Ordering;

use der::{Decode, Encode};

use crate::ber::{Element, Trailing, Walk};
use crate::error::{Error, Malformed, Object};

/// Signed attributes received in another order than DER's.
#[derive(Clone, Debug)]
pub(crate) struct Reordered {
    /// Their DER encoding (the SET OF sorted), as the typed decoder holds them.
    pub der: Vec<u8>,
    /// Their encoding as received, with the SET tag.
    pub received: Vec<u8>,
    /// The signature value of the SignerInfo that holds them: what ties the two to one
    /// signer, whatever order the SET of SignerInfos is decoded in.
    pub signature: Vec<u8>,
}

/// The octets of one SignerInfo's parts as received, kept for an input that is DER
/// already, so that the signer checks compare and hash them instead of encoding the
/// decoded parts again.
#[derive(Clone, Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(crate) struct SignerOctets {
    /// The signature value: what ties these octets to one SignerInfo of the decoded SET
    /// (only a value no other SignerInfo carries is used).
    pub signature: Vec<u8>,
    /// The issuer Name of an IssuerAndSerialNumber identifier.
    pub issuer: Option<Vec<u8>>,
    /// The signed attributes with the SET tag, when they are in DER order (those in
    /// another order are [`Reordered`]).
    pub signed_attributes: Option<Vec<u8>>,
}

/// The [`SignerOctets`] of the SignerInfo whose signature value is `signature`, if exactly
/// one has it.
pub(crate) fn octets_of<'a>(all: &'a [SignerOctets], signature: &[u8]) -> Option<&'a SignerOctets> {
    let mut found = all.iter().filter(|o| o.signature == signature);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// (DER form, as received) of one SignerInfo's signed attributes.
type AttributeForms = (Vec<u8>, Vec<u8>);

/// A CMS encoding made ready for the typed decoder.
pub(crate) struct Prepared<'a> {
    /// The DER form of the ContentInfo: the input itself when it is DER already.
    pub der: std::borrow::Cow<'a, [u8]>,
    /// Whether the input was BER (the DER form differs from it).
    pub was_ber: bool,
    /// Zero octets after the ContentInfo.
    pub trailing_zeros: usize,
    /// Signed attributes received in another order than DER's: (their DER encoding, the
    /// encoding as received with the SET tag), in the order found.
    pub reordered_signed_attributes: Vec<Reordered>,
    /// Each SignerInfo's parts as received, for an input that is DER already (empty
    /// otherwise).
    pub signer_octets: Vec<SignerOctets>,
}

fn not_der_attributes() -> Error {
    Error::malformed(
        Object::Cms,
        Malformed::InvalidValue {
            field: "signedAttrs (not DER)",
        },
    )
}

/// Rewrites `input` into DER and reads the signed attributes as received. Errors are
/// [`crate::error::EncodingError::TooLarge`] or [`crate::error::EncodingError::Malformed`]
/// with [`Object::Cms`].
#[cfg(test)]
pub(crate) fn prepare(input: &[u8]) -> Result<Prepared<'_>, Error> {
    let (der_bytes, trailing) = crate::ber::to_der(input, Object::Cms)?;
    prepare_rewritten(input, der_bytes, trailing)
}

/// Reads the signed attributes of `input` as received, the rewrite into DER done already:
/// `der_bytes` and `trailing` are what [`crate::ber::to_der`] gave for `input`. Errors are
/// [`crate::error::EncodingError::TooLarge`] or [`crate::error::EncodingError::Malformed`]
/// with [`Object::Cms`].
pub(crate) fn prepare_rewritten<'a>(
    input: &'a [u8],
    der_bytes: std::borrow::Cow<'a, [u8]>,
    trailing: Trailing,
) -> Result<Prepared<'a>, Error> {
    let was_ber = matches!(der_bytes, std::borrow::Cow::Owned(_))
        && (der_bytes.len() != input.len() - trailing_len(trailing)
            || input.get(..der_bytes.len()) != Some(&*der_bytes));
    let (reordered_signed_attributes, signer_octets) =
        signed_attributes_as_received(input, !was_ber)?;
    Ok(Prepared {
        der: der_bytes,
        was_ber,
        trailing_zeros: trailing_len(trailing),
        reordered_signed_attributes,
        signer_octets,
    })
}

pub(crate) fn trailing_len(t: Trailing) -> usize {
    match t {
        Trailing::None => 0,
        Trailing::Zeros(n) => n,
    }
}

/// ContentInfo → [0] → SignedData → signerInfos (its last element) → each SignerInfo →
/// [0] IMPLICIT signedAttrs, walked in the input as received (BER allowed around them).
/// `plain`: the whole input is DER already, so each part of it is; each SignerInfo's
/// [`SignerOctets`] are then kept too.
fn signed_attributes_as_received(
    input: &[u8],
    plain: bool,
) -> Result<(Vec<Reordered>, Vec<SignerOctets>), Error> {
    let walk = Walk::new(Object::Cms);
    let mut out = Vec::new();
    let mut octets = Vec::new();
    let (content_info, _) = walk.element(input, 0)?;
    // Only constructed elements are descended into: the contents of any of them parse,
    // since the rewrite into DER walked them all; a shape other than SignedData's is left
    // to the typed decoder to refuse.
    fn inside<'a>(walk: &Walk, e: &Element<'a>, depth: usize) -> Result<Vec<Element<'a>>, Error> {
        if e.constructed() {
            walk.children(e.contents, depth)
        } else {
            Ok(Vec::new())
        }
    }
    let Some(explicit) = inside(&walk, &content_info, 1)?.into_iter().nth(1) else {
        return Ok((out, octets));
    };
    let Some(signed_data) = inside(&walk, &explicit, 2)?.into_iter().next() else {
        return Ok((out, octets));
    };
    let Some(signer_infos) = inside(&walk, &signed_data, 3)?.into_iter().last() else {
        return Ok((out, octets));
    };
    for signer_info in inside(&walk, &signer_infos, 4)? {
        let fields = inside(&walk, &signer_info, 5)?;
        // SignerInfo: version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm,
        // signature OCTET STRING, [1] unsignedAttrs.
        if plain {
            octets.push(signer_octets(&walk, &fields)?);
        }
        let Some(at) = fields.iter().position(|f| f.first == 0xa0) else {
            continue;
        };
        let Some(field) = fields.get(at) else {
            continue;
        };
        let Some((der_form, received)) = received_attributes(&walk, field, plain)? else {
            continue;
        };
        // Attributes in another order are hashed in both orders by the signer checks,
        // from the typed decode's DER form: none are kept as received.
        if plain && let Some(kept) = octets.last_mut() {
            kept.signed_attributes = None;
        }
        // A signature value in BER chunks is not matched: its signer is then checked over
        // the DER order only.
        if let Some(signature) = fields.get(at + 2).filter(|s| s.first == 0x04) {
            out.push(Reordered {
                der: der_form,
                received,
                signature: signature.contents.to_vec(),
            });
        }
    }
    Ok((out, octets))
}

/// The [`SignerOctets`] of one SignerInfo of an input in DER, from its fields: version,
/// sid, digestAlgorithm, `[0]` signedAttrs, signatureAlgorithm, signature, `[1]`
/// unsignedAttrs. A shape other than SignerInfo's keeps nothing (the typed decoder refuses
/// it).
fn signer_octets(walk: &Walk, fields: &[Element<'_>]) -> Result<SignerOctets, Error> {
    let mut kept = SignerOctets {
        signature: Vec::new(),
        issuer: None,
        signed_attributes: None,
    };
    let Some(signature) = fields.iter().skip(3).find(|f| f.first == 0x04) else {
        return Ok(kept);
    };
    kept.signature = signature.contents.to_vec();
    // IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber INTEGER }.
    if let Some(sid) = fields
        .get(1)
        .filter(|f| f.first == 0x30 && !f.contents.is_empty())
    {
        let (issuer, _) = walk.element(sid.contents, 6)?;
        kept.issuer = (issuer.first == 0x30).then(|| issuer.whole.to_vec());
    }
    if let Some(attributes) = fields.get(3).filter(|f| f.first == 0xa0) {
        let mut set = attributes.whole.to_vec();
        if let Some(tag) = set.first_mut() {
            *tag = 0x31;
        }
        kept.signed_attributes = Some(set);
    }
    Ok(kept)
}

/// The signed attributes `field` holds: an error if their encoding is not DER; (DER form,
/// as received) if their order is not DER's; `None` if they are plain DER.
fn received_attributes(
    walk: &Walk,
    field: &Element<'_>,
    plain: bool,
) -> Result<Option<AttributeForms>, Error> {
    if !plain && !crate::ber::is_der(field, Object::Cms)? {
        return Err(not_der_attributes());
    }
    let attributes = walk.children(field.contents, 6)?;
    let sorted = attributes
        .windows(2)
        .all(|w| der_set_order(w[0].whole, w[1].whole) != Ordering::Greater);
    // The values of each attribute are a SET OF too.
    let values_sorted = attributes.iter().try_fold(true, |acc, a| {
        if !a.constructed() {
            return Ok::<bool, Error>(acc);
        }
        let parts = walk.children(a.contents, 7)?;
        let Some(values) = parts.get(1).filter(|v| v.constructed()) else {
            return Ok(acc);
        };
        let values = walk.children(values.contents, 8)?;
        Ok(acc
            && values
                .windows(2)
                .all(|w| der_set_order(w[0].whole, w[1].whole) != Ordering::Greater))
    })?;
    if sorted && values_sorted {
        return Ok(None);
    }
    let mut received = field.whole.to_vec();
    if let Some(tag) = received.first_mut() {
        *tag = 0x31;
    }
    // The DER form, as the typed decoder will hold it: the SET OF values sorted.
    let decoded = x509_cert::attr::Attributes::from_der(&received)
        .map_err(|_| Error::invalid_der(Object::Cms))?;
    let der_form = decoded
        .to_der()
        .map_err(|_| Error::invalid_der(Object::Cms))?;
    if der_form == received {
        return Ok(None);
    }
    Ok(Some((der_form, received)))
}

/// X.690 section 11.6: SET OF elements ascend by encoding, compared as octet strings with
/// the shorter padded with zero octets at its end.
pub(crate) fn der_set_order(a: &[u8], b: &[u8]) -> Ordering {
    let len = a.len().max(b.len());
    for i in 0..len {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        match x.cmp(&y) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each SignerInfo of every CMS test vector (OpenSSL's), read in one pass or walked:
    /// the octets verification uses for its issuer name and signed attributes (those the
    /// walk kept as received, found by the signature value, else the view's) are what
    /// encoding the typed decode gives.
    #[test]
    fn octets_as_received_are_the_typed_decode_encoded() {
        use crate::cms::signer_view::Sid;
        use cms::signed_data::SignerIdentifier;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-vectors/cms");
        let mut signers = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "tsv") {
                continue;
            }
            let cms = crate::SignedCms::parse(&std::fs::read(&path).unwrap()).unwrap();
            assert!(
                cms.signer_octets.is_empty()
                    || cms.signer_octets.len() == cms.signed_data.signer_infos.len(),
                "{path:?}"
            );
            for view in cms.signed_data.signer_infos.iter() {
                let si = view.typed().unwrap();
                let o = octets_of(&cms.signer_octets, view.signature());
                assert_eq!(o.is_some(), !cms.signer_octets.is_empty(), "{path:?}");
                let signed = o
                    .and_then(|o| o.signed_attributes.clone())
                    .or_else(|| view.signed_attributes_der());
                assert_eq!(
                    signed,
                    si.signed_attrs.as_ref().map(|a| a.to_der().unwrap()),
                    "{path:?}"
                );
                let issuer = o.and_then(|o| o.issuer.clone()).or(match view.sid() {
                    Sid::IssuerAndSerialNumber { issuer, .. } => Some(issuer.to_vec()),
                    Sid::SubjectKeyIdentifier(_) => None,
                });
                let typed_issuer = match &si.sid {
                    SignerIdentifier::IssuerAndSerialNumber(isn) => {
                        Some(isn.issuer.to_der().unwrap())
                    }
                    SignerIdentifier::SubjectKeyIdentifier(_) => None,
                };
                assert_eq!(issuer, typed_issuer, "{path:?}");
                signers += 1;
            }
        }
        assert!(signers >= 14, "{signers}");
    }

    #[test]
    fn octets_are_used_only_for_a_signature_value_found_once() {
        let kept = |signature: &[u8]| SignerOctets {
            signature: signature.to_vec(),
            issuer: None,
            signed_attributes: None,
        };
        let all = [kept(&[1, 2]), kept(&[3]), kept(&[1, 2])];
        assert!(octets_of(&all, &[3]).is_some());
        assert!(octets_of(&all, &[1, 2]).is_none());
        assert!(octets_of(&all, &[4]).is_none());
    }

    #[test]
    fn set_order() {
        assert_eq!(der_set_order(&[1, 2], &[1, 3]), Ordering::Less);
        assert_eq!(der_set_order(&[1, 2], &[1, 2, 0]), Ordering::Equal);
        assert_eq!(der_set_order(&[2], &[1, 9]), Ordering::Greater);
    }

    #[test]
    fn nesting_and_element_bounds() {
        // 100 nested SEQUENCEs with definite lengths.
        let mut nested = vec![0x05, 0x00];
        for _ in 0..100 {
            let len = nested.len();
            let mut outer = vec![0x30];
            if len < 128 {
                outer.push(u8::try_from(len).unwrap());
            } else if len < 256 {
                outer.push(0x81);
                outer.push(u8::try_from(len).unwrap());
            } else {
                outer.push(0x82);
                outer.extend_from_slice(&u16::try_from(len).unwrap().to_be_bytes());
            }
            outer.extend_from_slice(&nested);
            nested = outer;
        }
        assert!(matches!(
            prepare(&nested),
            Err(Error::Encoding(
                crate::error::EncodingError::TooLarge { .. }
            ))
        ));
        // Many tiny elements in one SEQUENCE.
        let n = crate::limits::MAX_CMS_ELEMENTS + 1;
        let mut body = Vec::new();
        for _ in 0..n {
            body.extend_from_slice(&[0x05, 0x00]);
        }
        let mut many = vec![0x30, 0x83];
        many.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes()[1..]);
        many.extend_from_slice(&body);
        assert!(matches!(
            prepare(&many),
            Err(Error::Encoding(
                crate::error::EncodingError::TooLarge { .. }
            ))
        ));
    }
}
