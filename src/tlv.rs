//! The one tag-length-value walker under every encoding kyso reads by hand: DER in
//! certificates and CMS (before the typed decoder runs), and the BER-TLV of ICAO 9303 data
//! groups (ICAO 9303 part 10, tags such as `5F1F`). Tags of up to five octets, definite
//! lengths of up to four octets (the indefinite form is refused: nothing kyso reads this
//! way uses it), everything bounded by the input; no allocation but [`all`]'s list.
//! Walking is not decoding: the typed decoders that follow enforce the rest of DER.

/// A TLV header at a position of an encoding; positions are indexes into that encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    /// The first identifier octet (class, constructed bit, and the tag number when low).
    pub first: u8,
    /// Where the identifier octets end and the length octets start.
    pub tag_end: usize,
    /// Where the contents start.
    pub start: usize,
    /// Where the contents, and so the TLV, end.
    pub end: usize,
}

/// The TLV header at `pos` in `bytes`, or `None` when it does not fit in `bytes`, its tag
/// runs past five octets, or its length is indefinite or longer than four octets.
pub(crate) fn header_at(bytes: &[u8], pos: usize) -> Option<Header> {
    let first = *bytes.get(pos)?;
    let mut i = pos.checked_add(1)?;
    if first & 0x1f == 0x1f {
        // High tag number (X.690 section 8.1.2.4): continuation octets have bit 8 set; at
        // most four of them.
        let mut n = 0;
        loop {
            let b = *bytes.get(i)?;
            i += 1;
            n += 1;
            if b & 0x80 == 0 {
                break;
            }
            if n >= 4 {
                return None;
            }
        }
    }
    let tag_end = i;
    let l = *bytes.get(i)?;
    i += 1;
    let len = if l < 0x80 {
        usize::from(l)
    } else {
        let count = usize::from(l & 0x7f);
        if count == 0 || count > 4 {
            return None;
        }
        let mut len = 0usize;
        for _ in 0..count {
            len = (len << 8) | usize::from(*bytes.get(i)?);
            i += 1;
        }
        len
    };
    let end = i.checked_add(len)?;
    if end > bytes.len() {
        return None;
    }
    Some(Header {
        first,
        tag_end,
        start: i,
        end,
    })
}

/// The first TLV of `bytes`: its tag octets, its value, and what follows it.
pub(crate) fn next(bytes: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let h = header_at(bytes, 0)?;
    Some((
        bytes.get(..h.tag_end)?,
        bytes.get(h.start..h.end)?,
        bytes.get(h.end..)?,
    ))
}

/// The value of `bytes`, which must be exactly one TLV with the tag octets `tag`.
pub(crate) fn expect<'a>(bytes: &'a [u8], tag: &[u8]) -> Option<&'a [u8]> {
    let (t, v, rest) = next(bytes)?;
    (t == tag && rest.is_empty()).then_some(v)
}

/// Every TLV of `bytes` as (tag octets, value), in order; `None` past `limit` of them.
pub(crate) fn all(mut bytes: &[u8], limit: usize) -> Option<Vec<(&[u8], &[u8])>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        if out.len() >= limit {
            return None;
        }
        let (t, v, rest) = next(bytes)?;
        out.push((t, v));
        bytes = rest;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_lengths() {
        assert_eq!(
            next(&[0x5f, 0x1f, 0x02, 1, 2, 9]),
            Some((&[0x5f, 0x1f][..], &[1, 2][..], &[9][..]))
        );
        assert_eq!(next(&[0x61, 0x81, 0x01, 7]).map(|t| t.1), Some(&[7][..]));
        assert_eq!(
            header_at(&[0, 0x30, 0x82, 0x00, 0x01, 5], 1),
            Some(Header {
                first: 0x30,
                tag_end: 2,
                start: 5,
                end: 6
            })
        );
        // Contents past the end, the indefinite form, a five-octet length, a tag of six
        // octets, trailing bytes after the one TLV expected.
        assert_eq!(next(&[0x61, 0x05, 1]), None);
        assert_eq!(next(&[0x61, 0x80]), None);
        assert_eq!(next(&[0x04, 0x85, 0, 0, 0, 0, 1, 7]), None);
        assert_eq!(next(&[0x5f, 0xff, 0xff, 0xff, 0xff, 0x01]), None);
        assert!(next(&[0x5f, 0xff, 0xff, 0xff, 0x7f, 0x00]).is_some());
        assert_eq!(expect(&[0x61, 0x00, 0x00], &[0x61]), None);
        assert_eq!(all(&[0x01, 0x00, 0x02, 0x00], 1), None);
        assert_eq!(all(&[0x01, 0x00, 0x02, 0x00], 2).map(|v| v.len()), Some(2));
    }
}
