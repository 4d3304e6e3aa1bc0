//! BER-TLV as ICAO 9303 data groups use it: tags of one or more octets (`5F1F`), definite
//! lengths of up to four octets. Bounded by the input; no allocation.

/// Tag octets, value, and what follows.
pub(crate) type Split<'a> = (&'a [u8], &'a [u8], &'a [u8]);

/// Tag octets and value.
pub(crate) type Item<'a> = (&'a [u8], &'a [u8]);

/// One TLV at the start of `bytes`.
pub(crate) fn next(bytes: &[u8]) -> Result<Split<'_>, ()> {
    let first = *bytes.first().ok_or(())?;
    let mut i = 1;
    if first & 0x1f == 0x1f {
        loop {
            let b = *bytes.get(i).ok_or(())?;
            i += 1;
            if b & 0x80 == 0 {
                break;
            }
            if i > 4 {
                return Err(());
            }
        }
    }
    let tag = bytes.get(..i).ok_or(())?;
    let l = *bytes.get(i).ok_or(())?;
    i += 1;
    let len = if l < 0x80 {
        usize::from(l)
    } else {
        let n = usize::from(l & 0x7f);
        if n == 0 || n > 4 {
            return Err(());
        }
        let mut len = 0usize;
        for _ in 0..n {
            len = (len << 8) | usize::from(*bytes.get(i).ok_or(())?);
            i += 1;
        }
        len
    };
    let end = i.checked_add(len).ok_or(())?;
    let value = bytes.get(i..end).ok_or(())?;
    let rest = bytes.get(end..).ok_or(())?;
    Ok((tag, value, rest))
}

/// The value of `bytes`, which must be exactly one TLV with tag `tag`.
pub(crate) fn expect<'a>(bytes: &'a [u8], tag: &[u8]) -> Result<&'a [u8], ()> {
    let (t, v, rest) = next(bytes)?;
    if t == tag && rest.is_empty() {
        Ok(v)
    } else {
        Err(())
    }
}

/// Every TLV of `bytes`, in order, at most `limit` of them.
pub(crate) fn all(mut bytes: &[u8], limit: usize) -> Result<Vec<Item<'_>>, ()> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        if out.len() >= limit {
            return Err(());
        }
        let (t, v, rest) = next(bytes)?;
        out.push((t, v));
        bytes = rest;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_lengths() {
        assert_eq!(
            next(&[0x5f, 0x1f, 0x02, 1, 2, 9]).unwrap(),
            (&[0x5f, 0x1f][..], &[1, 2][..], &[9][..])
        );
        assert_eq!(next(&[0x61, 0x81, 0x01, 7]).unwrap().1, &[7]);
        assert!(next(&[0x61, 0x05, 1]).is_err());
        assert!(next(&[0x61, 0x80]).is_err());
        assert!(next(&[0x5f, 0xff, 0xff, 0xff, 0xff, 0x01]).is_err());
        assert!(expect(&[0x61, 0x00, 0x00], &[0x61]).is_err());
    }
}
