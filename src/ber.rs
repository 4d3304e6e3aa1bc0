//! BER to DER, for the structures RFC 5652 lets producers write in BER: ContentInfo,
//! SignedData, eContent, the certificate and CRL sets, unsigned attributes, timestamp
//! tokens and EF.SOD. `openssl cms -sign -stream` and most streaming producers write
//! indefinite lengths and eContent as a constructed OCTET STRING in chunks.
//!
//! [`to_der`] rewrites an encoding into the DER form of the same values, with no schema:
//! - indefinite lengths become definite, and every length is written in its shortest form;
//! - a constructed OCTET STRING (universal tag 4) becomes the primitive OCTET STRING of its
//!   segments' contents, in order (X.690 section 8.7.3);
//! - everything else is copied as it is. A SET is not reordered here (the typed decoder
//!   that follows sorts SET OF values; signed attributes are handled by their own rule,
//!   RFC 5652 section 5.4), and contents are not examined.
//!
//! An input already in DER comes back unchanged. The walk is bounded by the input, by
//! [`MAX_CMS_DEPTH`] levels and by [`MAX_CMS_ELEMENTS`] elements; its output is at most the
//! input's length plus four octets per element.

use crate::error::{EncodingError, Error, Malformed, Object};
use crate::limits::{MAX_CMS_DEPTH, MAX_CMS_ELEMENTS};

/// One element of a BER encoding, as found in the input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Element<'a> {
    /// The first identifier octet (class, constructed bit and low tag number).
    pub first: u8,
    /// The identifier octets.
    pub tag: &'a [u8],
    /// The whole encoding, end-of-contents octets included.
    pub whole: &'a [u8],
    /// The contents, without the end-of-contents octets of an indefinite length.
    pub contents: &'a [u8],
}

impl Element<'_> {
    /// Whether the constructed bit is set.
    pub fn constructed(&self) -> bool {
        self.first & 0x20 != 0
    }
}

/// A walk over one encoding: the object its errors name, and the elements counted so far.
pub(crate) struct Walk {
    object: Object,
    elements: usize,
    /// Headers read, rescans of indefinite-length contents included: an indefinite length
    /// is found by walking its contents, and each enclosing level walks them again.
    headers: core::cell::Cell<usize>,
}

/// The most headers one walk reads: each element may be read once per enclosing level of
/// indefinite length (real streaming producers nest a handful), and no more.
const MAX_HEADERS: usize = 8 * MAX_CMS_ELEMENTS;

impl Walk {
    pub fn new(object: Object) -> Self {
        Walk {
            object,
            elements: 0,
            headers: core::cell::Cell::new(0),
        }
    }

    fn invalid(&self) -> Error {
        Error::invalid_der(self.object)
    }

    fn too_deep(&self, depth: usize) -> Error {
        Error::Encoding(EncodingError::TooLarge {
            object: self.object,
            limit: MAX_CMS_DEPTH,
            actual: depth,
        })
    }

    /// The element at the start of `input` and what follows it. `depth` is the element's
    /// nesting level, for the bound on how far an indefinite length is followed.
    pub fn element<'a>(
        &self,
        input: &'a [u8],
        depth: usize,
    ) -> Result<(Element<'a>, &'a [u8]), Error> {
        if depth > MAX_CMS_DEPTH {
            return Err(self.too_deep(depth));
        }
        let read = self.headers.get().saturating_add(1);
        self.headers.set(read);
        if read > MAX_HEADERS {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: self.object,
                limit: MAX_CMS_ELEMENTS,
                actual: read,
            }));
        }
        let first = *input.first().ok_or_else(|| self.invalid())?;
        let mut i = 1usize;
        if first & 0x1f == 0x1f {
            // High tag number (X.690 section 8.1.2.4): at most four subsequent octets.
            let mut n = 0;
            loop {
                let b = *input.get(i).ok_or_else(|| self.invalid())?;
                i += 1;
                n += 1;
                if b & 0x80 == 0 {
                    break;
                }
                if n >= 4 {
                    return Err(self.invalid());
                }
            }
        }
        let tag_end = i;
        let l = *input.get(i).ok_or_else(|| self.invalid())?;
        i += 1;
        let constructed = first & 0x20 != 0;
        if l == 0x80 {
            // Indefinite length (X.690 section 8.1.3.6): constructed only; the contents run
            // to the end-of-contents octets that close this level.
            if !constructed {
                return Err(self.invalid());
            }
            let start = i;
            let mut rest = input.get(start..).ok_or_else(|| self.invalid())?;
            loop {
                if rest.starts_with(&[0, 0]) {
                    let contents_end = input.len() - rest.len();
                    let end = contents_end + 2;
                    return Ok((
                        Element {
                            first,
                            tag: input.get(..tag_end).ok_or_else(|| self.invalid())?,
                            whole: input.get(..end).ok_or_else(|| self.invalid())?,
                            contents: input
                                .get(start..contents_end)
                                .ok_or_else(|| self.invalid())?,
                        },
                        input.get(end..).ok_or_else(|| self.invalid())?,
                    ));
                }
                let (_, after) = self.element(rest, depth + 1)?;
                rest = after;
            }
        }
        let len = if l < 0x80 {
            usize::from(l)
        } else {
            // Long form: BER allows leading zero octets; 0xFF is reserved.
            let count = usize::from(l & 0x7f);
            if count == 0x7f {
                return Err(self.invalid());
            }
            let mut len = 0usize;
            for _ in 0..count {
                let b = *input.get(i).ok_or_else(|| self.invalid())?;
                i += 1;
                len = len
                    .checked_mul(256)
                    .and_then(|v| v.checked_add(usize::from(b)))
                    .ok_or_else(|| self.invalid())?;
            }
            len
        };
        let end = i.checked_add(len).ok_or_else(|| self.invalid())?;
        Ok((
            Element {
                first,
                tag: input.get(..tag_end).ok_or_else(|| self.invalid())?,
                whole: input.get(..end).ok_or_else(|| self.invalid())?,
                contents: input.get(i..end).ok_or_else(|| self.invalid())?,
            },
            input.get(end..).ok_or_else(|| self.invalid())?,
        ))
    }

    /// The elements that make up `contents`, in order.
    pub fn children<'a>(
        &self,
        mut contents: &'a [u8],
        depth: usize,
    ) -> Result<Vec<Element<'a>>, Error> {
        let mut out = Vec::new();
        while !contents.is_empty() {
            let (e, rest) = self.element(contents, depth)?;
            out.push(e);
            contents = rest;
        }
        Ok(out)
    }

    fn count(&mut self) -> Result<(), Error> {
        self.elements += 1;
        if self.elements > MAX_CMS_ELEMENTS {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: self.object,
                limit: MAX_CMS_ELEMENTS,
                actual: self.elements,
            }));
        }
        Ok(())
    }

    /// Writes the DER form of `e` (at nesting level `depth`) to `out`.
    pub fn write_der(
        &mut self,
        e: &Element<'_>,
        depth: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        self.count()?;
        if !e.constructed() {
            out.extend_from_slice(e.tag);
            write_length(out, e.contents.len());
            out.extend_from_slice(e.contents);
            return Ok(());
        }
        if e.first == 0x24 {
            // A constructed OCTET STRING: the concatenation of its segments, each an OCTET
            // STRING, primitive or itself constructed (X.690 section 8.7.3.2).
            let mut value = Vec::new();
            self.octet_segments(e.contents, depth + 1, &mut value)?;
            out.push(0x04);
            write_length(out, value.len());
            out.extend_from_slice(&value);
            return Ok(());
        }
        out.extend_from_slice(e.tag);
        let at = out.len();
        let mut rest = e.contents;
        while !rest.is_empty() {
            let (child, after) = self.element(rest, depth + 1)?;
            self.write_der(&child, depth + 1, out)?;
            rest = after;
        }
        let len = out.len() - at;
        let mut header = Vec::with_capacity(5);
        write_length(&mut header, len);
        out.splice(at..at, header);
        Ok(())
    }

    fn octet_segments(
        &mut self,
        mut contents: &[u8],
        depth: usize,
        value: &mut Vec<u8>,
    ) -> Result<(), Error> {
        while !contents.is_empty() {
            let (seg, rest) = self.element(contents, depth)?;
            self.count()?;
            match seg.first {
                0x04 => value.extend_from_slice(seg.contents),
                0x24 => self.octet_segments(seg.contents, depth + 1, value)?,
                _ => return Err(self.invalid()),
            }
            contents = rest;
        }
        Ok(())
    }
}

/// Whether `whole`, one element, is already in the DER form [`Walk::write_der`] would
/// write: every length definite and in its shortest form, no constructed OCTET STRING, and
/// within the bounds the rewrite keeps ([`MAX_CMS_ELEMENTS`] elements, [`MAX_CMS_DEPTH`]
/// levels). It only reads, in one loop with no recursion and no allocation; `false` means
/// "rewrite it", and the rewrite then gives the errors of malformed input.
fn plain_der(whole: &[u8]) -> bool {
    plain_der_walk(whole).is_some()
}

/// [`plain_der`], with `None` for anything the rewrite would change or refuse.
fn plain_der_walk(whole: &[u8]) -> Option<()> {
    // The end offsets of the constructed elements still open, innermost last.
    let mut open = [0usize; MAX_CMS_DEPTH + 1];
    let mut depth = 0usize;
    let mut pos = 0usize;
    let mut elements = 0usize;
    loop {
        // The element at `pos` sits `depth` levels down and must end within its parent.
        if depth > MAX_CMS_DEPTH {
            return None;
        }
        let bound = match depth.checked_sub(1) {
            Some(d) => *open.get(d)?,
            None => whole.len(),
        };
        // The shared header reader: a tag of up to five octets (as `Walk::element` reads),
        // a definite length of up to four; the length must be in its shortest form.
        let h = crate::tlv::header_at(whole, pos)?;
        let (first, i, end) = (h.first, h.start, h.end);
        let len = end - i;
        if i - h.tag_end != length_octets(len) || end > bound {
            return None;
        }
        elements += 1;
        if elements > MAX_CMS_ELEMENTS {
            return None;
        }
        if first & 0x20 != 0 && len > 0 {
            if first == 0x24 {
                return None;
            }
            *open.get_mut(depth)? = end;
            depth += 1;
            pos = i;
        } else {
            if first == 0x24 {
                return None;
            }
            pos = end;
            // Close every level that ends here.
            while let Some(d) = depth.checked_sub(1) {
                if *open.get(d)? != pos {
                    break;
                }
                depth = d;
            }
            if depth == 0 {
                return (pos == whole.len()).then_some(());
            }
        }
    }
}

/// The DER length octets for `len` (X.690 section 10.1: the shortest form).
fn write_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        // Fits in seven bits.
        out.push(u8::try_from(len).unwrap_or(0));
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let significant = bytes.get(skip..).unwrap_or(&[]);
    out.push(0x80 | u8::try_from(significant.len()).unwrap_or(0));
    out.extend_from_slice(significant);
}

/// How many octets [`write_length`] writes for `len`: those of a length in DER.
pub(crate) fn length_octets(len: usize) -> usize {
    match len {
        0..0x80 => 1,
        0x80..0x100 => 2,
        0x100..0x1_0000 => 3,
        0x1_0000..0x100_0000 => 4,
        _ => 1 + len.to_be_bytes().iter().skip_while(|b| **b == 0).count(),
    }
}

/// What [`to_der`] found after the one element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trailing {
    /// Nothing.
    None,
    /// This many zero octets (the padding of a PDF `/Contents` hex string).
    Zeros(usize),
}

/// The DER form of the one element `input` holds (borrowed from `input` when it is DER
/// already), and what followed it. Zero octets after the element are accepted and
/// counted; any other trailing byte is an error.
///
/// # Errors
///
/// [`Malformed::TrailingData`] for other trailing bytes, [`Malformed::InvalidDer`] for an
/// encoding that is not BER (or truncated), [`EncodingError::TooLarge`] past the depth and
/// element bounds; all with `object`.
pub(crate) fn to_der(
    input: &[u8],
    object: Object,
) -> Result<(std::borrow::Cow<'_, [u8]>, Trailing), Error> {
    let mut walk = Walk::new(object);
    let (e, rest) = walk.element(input, 0)?;
    let trailing = if rest.is_empty() {
        Trailing::None
    } else if rest.iter().all(|b| *b == 0) {
        Trailing::Zeros(rest.len())
    } else {
        return Err(Error::malformed(object, Malformed::TrailingData));
    };
    // Most inputs are DER already: one walk that only reads (under the same bounds) finds
    // that, and the input itself is the rewrite. Anything else, malformed input included,
    // is rewritten by the full walk, which gives its errors.
    if plain_der(e.whole) {
        return Ok((std::borrow::Cow::Borrowed(e.whole), trailing));
    }
    let mut out = Vec::with_capacity(e.whole.len());
    walk.write_der(&e, 0, &mut out)?;
    Ok((std::borrow::Cow::Owned(out), trailing))
}

/// Whether `e` is already in DER as far as this module rewrites: definite, shortest
/// lengths and no constructed OCTET STRING anywhere inside.
pub(crate) fn is_der(e: &Element<'_>, object: Object) -> Result<bool, Error> {
    if plain_der(e.whole) {
        return Ok(true);
    }
    let mut walk = Walk::new(object);
    let mut out = Vec::with_capacity(e.whole.len());
    walk.write_der(e, 0, &mut out)?;
    Ok(out == e.whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn der(input: &[u8]) -> Result<Vec<u8>, Error> {
        to_der(input, Object::Cms).map(|(d, _)| d.into_owned())
    }

    #[test]
    fn indefinite_lengths_and_chunks() {
        // SEQUENCE (indefinite) { OCTET STRING constructed (indefinite) { "ab", "c" } }
        let ber = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00, 0x00,
            0x00,
        ];
        assert_eq!(
            der(&ber).unwrap(),
            [0x30, 0x05, 0x04, 0x03, b'a', b'b', b'c']
        );
        // Non-minimal long-form lengths become short.
        assert_eq!(
            der(&[0x30, 0x82, 0x00, 0x04, 0x02, 0x81, 0x01, 0x05]).unwrap(),
            [0x30, 0x03, 0x02, 0x01, 0x05]
        );
        // DER comes back unchanged.
        let plain = [0x30, 0x03, 0x02, 0x01, 0x05];
        assert_eq!(der(&plain).unwrap(), plain);
        // A long content gets a long-form length.
        let mut long = vec![0x24, 0x80, 0x04, 0x81, 0x90];
        long.extend(std::iter::repeat_n(7u8, 0x90));
        long.extend([0x00, 0x00]);
        let out = der(&long).unwrap();
        assert_eq!(&out[..3], &[0x04, 0x81, 0x90]);
        assert_eq!(out.len(), 3 + 0x90);
    }

    /// A small BER encoding drawn from `seed`: nested SEQUENCEs, INTEGERs and OCTET
    /// STRINGs (some constructed), with definite lengths in short, long or padded long form
    /// and indefinite lengths, contents up to a few hundred octets.
    fn random_ber(seed: &mut u64, depth: usize) -> Vec<u8> {
        fn next(seed: &mut u64, m: u64) -> usize {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            usize::try_from((*seed >> 33) % m).unwrap()
        }
        let kind = if depth > 3 {
            next(seed, 2)
        } else {
            next(seed, 4)
        };
        let (tag, contents, may_be_indefinite) = match kind {
            0 => (0x02u8, vec![1u8; next(seed, 300)], false),
            1 => (0x04, vec![2u8; next(seed, 200)], false),
            2 => {
                let mut c = Vec::new();
                for _ in 0..next(seed, 4) {
                    let n = next(seed, 150);
                    c.extend([0x04, 0x81, u8::try_from(n).unwrap()]);
                    c.extend(std::iter::repeat_n(3u8, n));
                }
                (0x24, c, true)
            }
            _ => {
                let mut c = Vec::new();
                for _ in 0..next(seed, 4) {
                    c.extend(random_ber(seed, depth + 1));
                }
                (0x30, c, true)
            }
        };
        let mut out = vec![tag];
        match next(seed, 4) {
            0 if may_be_indefinite => {
                out.push(0x80);
                out.extend(&contents);
                out.extend([0, 0]);
                return out;
            }
            1 => {
                let [.., hi, lo] = contents.len().to_be_bytes();
                out.extend([0x82, hi, lo]);
            }
            _ => write_length(&mut out, contents.len()),
        }
        out.extend(&contents);
        out
    }

    #[test]
    fn the_read_only_walk_agrees_with_the_rewrite() {
        let mut seed = 7u64;
        let (mut der_seen, mut ber_seen) = (0, 0);
        for _ in 0..3000 {
            let input = random_ber(&mut seed, 0);
            let walk = Walk::new(Object::Cms);
            let (e, rest) = walk.element(&input, 0).unwrap();
            assert!(rest.is_empty());
            let mut out = Vec::new();
            Walk::new(Object::Cms).write_der(&e, 0, &mut out).unwrap();
            let unchanged = out == input;
            assert_eq!(plain_der(e.whole), unchanged, "{input:02x?}");
            assert_eq!(der(&input).unwrap(), out);
            if unchanged {
                der_seen += 1;
            } else {
                ber_seen += 1;
            }
        }
        assert!(der_seen > 300 && ber_seen > 300, "{der_seen} {ber_seen}");
        // An indefinite length whose octets count as many as a two-octet long form would.
        let mut tricky = vec![0x30, 0x80, 0x04, 0x82, 0x01, 0x2a];
        tricky.extend([5u8; 0x12a]);
        tricky.extend([0, 0]);
        let (e, _) = Walk::new(Object::Cms).element(&tricky, 0).unwrap();
        assert!(!plain_der(e.whole));
        assert_eq!(&der(&tricky).unwrap()[..4], &[0x30, 0x82, 0x01, 0x2e]);
    }

    #[test]
    fn the_read_only_walk_keeps_the_rewrites_depth_bound() {
        // `levels` SEQUENCEs, each holding the next, around a NULL.
        let nested = |levels: usize| {
            let mut v = vec![0x05, 0x00];
            for _ in 0..levels {
                let mut outer = vec![0x30];
                write_length(&mut outer, v.len());
                outer.extend(&v);
                v = outer;
            }
            v
        };
        let deepest = nested(MAX_CMS_DEPTH);
        assert!(plain_der(&deepest));
        assert_eq!(der(&deepest).unwrap(), deepest);
        let too_deep = nested(MAX_CMS_DEPTH + 1);
        assert!(!plain_der(&too_deep));
        assert!(matches!(
            der(&too_deep),
            Err(Error::Encoding(EncodingError::TooLarge { .. }))
        ));
        // An element that runs past its parent, and an empty constructed OCTET STRING.
        assert!(!plain_der(&[0x30, 0x02, 0x04, 0x05, 0x00]));
        assert!(!plain_der(&[0x24, 0x00]));
        assert_eq!(der(&[0x24, 0x00]).unwrap(), [0x04, 0x00]);
    }

    #[test]
    fn refusals() {
        // Indefinite length on a primitive; missing end-of-contents; a segment of another
        // type inside a constructed OCTET STRING; trailing garbage; reserved length octet.
        assert!(der(&[0x04, 0x80, 0x00, 0x00]).is_err());
        assert!(der(&[0x30, 0x80, 0x05, 0x00]).is_err());
        assert!(der(&[0x24, 0x03, 0x02, 0x01, 0x00]).is_err());
        assert!(matches!(
            der(&[0x05, 0x00, 0x01]),
            Err(Error::Encoding(EncodingError::Malformed {
                reason: Malformed::TrailingData,
                ..
            }))
        ));
        assert!(der(&[0x30, 0xff, 0x00]).is_err());
        // Zero padding is counted, not an error.
        assert_eq!(
            to_der(&[0x05, 0x00, 0, 0, 0], Object::Cms).unwrap().1,
            Trailing::Zeros(3)
        );
    }

    #[test]
    fn rescans_of_nested_indefinite_lengths_are_bounded() {
        // 20 levels of indefinite length around 150,000 NULLs: under the element bound, but
        // each NULL would be read once per level.
        let mut ber = Vec::new();
        for _ in 0..20 {
            ber.extend([0x30, 0x80]);
        }
        for _ in 0..150_000 {
            ber.extend([0x05, 0x00]);
        }
        for _ in 0..20 {
            ber.extend([0x00, 0x00]);
        }
        assert!(matches!(
            der(&ber),
            Err(Error::Encoding(EncodingError::TooLarge { .. }))
        ));
        // Three levels, as streaming producers write, stay well within it.
        let mut ok = Vec::new();
        for _ in 0..3 {
            ok.extend([0x30, 0x80]);
        }
        for _ in 0..150_000 {
            ok.extend([0x05, 0x00]);
        }
        for _ in 0..3 {
            ok.extend([0x00, 0x00]);
        }
        assert!(der(&ok).is_ok());
    }

    #[test]
    fn depth_bound() {
        let mut ber = Vec::new();
        for _ in 0..(MAX_CMS_DEPTH + 2) {
            ber.extend([0x30, 0x80]);
        }
        for _ in 0..(MAX_CMS_DEPTH + 2) {
            ber.extend([0x00, 0x00]);
        }
        assert!(matches!(
            der(&ber),
            Err(Error::Encoding(EncodingError::TooLarge { .. }))
        ));
    }
}
