//! One pass over a CMS encoding before any typed decoding: it bounds the number of elements
//! and the nesting depth (so no input can make the typed decoder allocate without bound), and
//! checks that every SignerInfo's signed attributes are in DER order, since their signature
//! covers exactly that encoding (RFC 5652 section 5.4).

use crate::error::EncodingError;
use std::cmp::Ordering;

use der::{Decode, Reader};

use crate::error::{Error, Malformed, Object};
use crate::limits::{MAX_CMS_DEPTH, MAX_CMS_ELEMENTS};

/// A TLV inside an encoding: its first identifier octet, whole encoding and contents.
struct Tlv<'a> {
    tag: u8,
    whole: &'a [u8],
    contents: &'a [u8],
}

fn invalid() -> Error {
    Error::invalid_der(Object::Cms)
}

/// The TLV starting at `pos` in `bytes`: its first identifier octet, the range of its
/// contents and where it ends ([`crate::tlv::header_at`]).
fn tlv_at(bytes: &[u8], pos: usize) -> Result<(u8, usize, usize), Error> {
    let h = crate::tlv::header_at(bytes, pos).ok_or_else(invalid)?;
    Ok((h.first, h.start, h.end))
}

/// The TLVs that make up `bytes`, in order.
fn children(bytes: &[u8]) -> Result<Vec<Tlv<'_>>, Error> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let (tag, start, end) = tlv_at(bytes, pos)?;
        out.push(Tlv {
            tag,
            whole: bytes.get(pos..end).ok_or_else(invalid)?,
            contents: bytes.get(start..end).ok_or_else(invalid)?,
        });
        pos = end;
    }
    Ok(out)
}

/// Checks the bounds and the order of signed attributes. Errors are
/// [`EncodingError::TooLarge`] or [`EncodingError::Malformed`].
pub(crate) fn precheck(der_bytes: &[u8]) -> Result<(), Error> {
    let mut reader = der::SliceReader::new(der_bytes).map_err(|_| invalid())?;
    let header = der::Header::decode(&mut reader).map_err(|_| invalid())?;
    reader.read_slice(header.length()).map_err(|_| invalid())?;
    if !reader.is_finished() {
        return Err(Error::malformed(Object::Cms, Malformed::TrailingData));
    }
    let mut count = 0usize;
    count_elements(der_bytes, 0, &mut count)?;
    check_signed_attribute_order(der_bytes)
}

fn count_elements(bytes: &[u8], depth: usize, count: &mut usize) -> Result<(), Error> {
    if depth > MAX_CMS_DEPTH {
        return Err(Error::Encoding(EncodingError::TooLarge {
            object: Object::Cms,
            limit: MAX_CMS_DEPTH,
            actual: depth,
        }));
    }
    let mut pos = 0;
    while pos < bytes.len() {
        let (tag, start, end) = tlv_at(bytes, pos)?;
        *count += 1;
        if *count > MAX_CMS_ELEMENTS {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::Cms,
                limit: MAX_CMS_ELEMENTS,
                actual: *count,
            }));
        }
        // Bit 6 of the identifier octet marks a constructed encoding.
        if tag & 0x20 != 0 {
            count_elements(bytes.get(start..end).ok_or_else(invalid)?, depth + 1, count)?;
        }
        pos = end;
    }
    Ok(())
}

/// ContentInfo → [0] → SignedData → signerInfos (its last element) → each SignerInfo →
/// [0] IMPLICIT signedAttrs: the attributes must be in DER SET OF order.
fn check_signed_attribute_order(der_bytes: &[u8]) -> Result<(), Error> {
    let top = children(der_bytes)?;
    let Some(content_info) = top.first() else {
        return Ok(());
    };
    let Some(explicit) = children(content_info.contents)?.into_iter().nth(1) else {
        return Ok(());
    };
    let Some(signed_data) = children(explicit.contents)?.into_iter().next() else {
        return Ok(());
    };
    let Some(signer_infos) = children(signed_data.contents)?.into_iter().last() else {
        return Ok(());
    };
    for signer_info in children(signer_infos.contents)? {
        for field in children(signer_info.contents)? {
            if field.tag != 0xa0 {
                continue;
            }
            let attrs = children(field.contents)?;
            let sorted = attrs
                .windows(2)
                .all(|w| der_set_order(w[0].whole, w[1].whole) != Ordering::Greater);
            if !sorted {
                return Err(Error::malformed(
                    Object::Cms,
                    Malformed::InvalidValue {
                        field: "signedAttrs (not in DER order)",
                    },
                ));
            }
        }
    }
    Ok(())
}

/// X.690 section 11.6: SET OF elements ascend by encoding, compared as octet strings with
/// the shorter padded with zero octets at its end.
fn der_set_order(a: &[u8], b: &[u8]) -> Ordering {
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
            precheck(&nested),
            Err(Error::Encoding(EncodingError::TooLarge { .. }))
        ));
        // Many tiny elements in one SEQUENCE.
        let n = MAX_CMS_ELEMENTS + 1;
        let mut body = Vec::new();
        for _ in 0..n {
            body.extend_from_slice(&[0x05, 0x00]);
        }
        let mut many = vec![0x30, 0x83];
        many.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes()[1..]);
        many.extend_from_slice(&body);
        assert!(matches!(
            precheck(&many),
            Err(Error::Encoding(EncodingError::TooLarge { .. }))
        ));
    }
}
