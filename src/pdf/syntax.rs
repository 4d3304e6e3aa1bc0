//! PDF objects and the lexer that reads them (ISO 32000-2 section 7.2 and 7.3), over a
//! window of the file.
//!
//! The parser works on a slice that starts at a known offset of the file. Reaching the end
//! of the slice is reported as [`Parse::Incomplete`], so that the caller can read a larger
//! window and try again: the file itself is never held whole.

use crate::pdf::wide;
use std::collections::BTreeMap;

use crate::error::{PdfError, PdfLimit};
use crate::limits::{MAX_PDF_NESTING, MAX_PDF_STRING};

/// A reference to an indirect object: its number and generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ObjRef {
    /// The object number.
    pub number: u32,
    /// The generation number.
    pub generation: u16,
}

impl core::fmt::Display for ObjRef {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {} R", self.number, self.generation)
    }
}

/// A dictionary: keys are names without the slash, in byte order.
pub(crate) type Dict = BTreeMap<Vec<u8>, Object>;

/// Where a stream's data is in the file.
#[derive(Clone, Debug)]
pub(crate) struct StreamData {
    /// Offset of the first data byte in the file (or in the decoded object stream, which
    /// cannot hold streams).
    pub offset: u64,
    /// Number of data bytes (`/Length`).
    pub length: u64,
}

/// One PDF object, as written.
#[derive(Clone, Debug)]
pub(crate) enum Object {
    Null,
    Bool(bool),
    Integer(i64),
    /// A real number, kept as written (compared as text).
    Real(Vec<u8>),
    /// A name, `#xx` escapes decoded, without the slash.
    Name(Vec<u8>),
    /// A string, decoded, with the span it takes in the window's file (start, end).
    String(Vec<u8>, (u64, u64)),
    Array(Vec<Object>),
    Dict(Dict),
    Ref(ObjRef),
    Stream(Dict, StreamData),
}

impl Object {
    pub(crate) fn as_dict(&self) -> Option<&Dict> {
        match self {
            Object::Dict(d) | Object::Stream(d, _) => Some(d),
            _ => None,
        }
    }

    pub(crate) fn as_name(&self) -> Option<&[u8]> {
        match self {
            Object::Name(n) => Some(n),
            _ => None,
        }
    }

    pub(crate) fn as_int(&self) -> Option<i64> {
        match self {
            Object::Integer(i) => Some(*i),
            _ => None,
        }
    }

    pub(crate) fn as_ref(&self) -> Option<ObjRef> {
        match self {
            Object::Ref(r) => Some(*r),
            _ => None,
        }
    }

    pub(crate) fn as_array(&self) -> Option<&[Object]> {
        match self {
            Object::Array(a) => Some(a),
            _ => None,
        }
    }

    pub(crate) fn as_string(&self) -> Option<&[u8]> {
        match self {
            Object::String(s, _) => Some(s),
            _ => None,
        }
    }
}

/// A failure to parse from a window.
#[derive(Debug)]
pub(crate) enum Parse {
    /// The window ended before the object did: read more and try again.
    Incomplete,
    /// The bytes are not valid PDF syntax.
    Error(PdfError),
}

impl From<PdfError> for Parse {
    fn from(e: PdfError) -> Self {
        Parse::Error(e)
    }
}

pub(crate) type PResult<T> = Result<T, Parse>;

pub(crate) fn is_white(b: u8) -> bool {
    matches!(b, 0 | 9 | 10 | 12 | 13 | 32)
}

pub(crate) fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delimiter(b)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A lexer over `buf`, which is the file from byte `base` on.
pub(crate) struct Lexer<'a> {
    buf: &'a [u8],
    pos: usize,
    base: u64,
    /// Whether `buf` reaches the end of the input (so running out is an error, not
    /// [`Parse::Incomplete`]).
    complete: bool,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(buf: &'a [u8], base: u64, complete: bool) -> Self {
        Lexer {
            buf,
            pos: 0,
            base,
            complete,
        }
    }

    /// The file offset of the next byte.
    pub(crate) fn offset(&self) -> u64 {
        self.base + wide(self.pos)
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn set_position(&mut self, pos: usize) {
        self.pos = pos;
    }

    pub(crate) fn malformed(&self, reason: &'static str) -> Parse {
        Parse::Error(PdfError::Malformed {
            offset: self.offset(),
            reason,
        })
    }

    fn end(&self) -> Parse {
        if self.complete {
            self.malformed("unexpected end of data")
        } else {
            Parse::Incomplete
        }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    fn next_byte(&mut self) -> PResult<u8> {
        let b = self.peek().ok_or_else(|| self.end())?;
        self.pos += 1;
        Ok(b)
    }

    /// Skips white space and comments.
    pub(crate) fn skip_space(&mut self) -> PResult<()> {
        loop {
            match self.peek() {
                Some(b) if is_white(b) => self.pos += 1,
                Some(b'%') => {
                    while let Some(b) = self.peek() {
                        if b == b'\r' || b == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                    if self.peek().is_none() {
                        return Err(self.end());
                    }
                }
                Some(_) => return Ok(()),
                None => return Err(self.end()),
            }
        }
    }

    /// Skips white space only (not comments: `%%EOF` looks like one).
    pub(crate) fn skip_white(&mut self) {
        while let Some(b) = self.peek() {
            if !is_white(b) {
                break;
            }
            self.pos += 1;
        }
    }

    /// Whether the next bytes are `word`, followed by a delimiter, white space or the end.
    pub(crate) fn at_keyword(&self, word: &[u8]) -> PResult<bool> {
        let rest = self.buf.get(self.pos..).unwrap_or_default();
        if rest.len() < word.len() {
            return if self.complete || !word.starts_with(rest) {
                Ok(false)
            } else {
                Err(Parse::Incomplete)
            };
        }
        if !rest.starts_with(word) {
            return Ok(false);
        }
        match rest.get(word.len()) {
            Some(&b) => Ok(!is_regular(b)),
            None if self.complete => Ok(true),
            None => Err(Parse::Incomplete),
        }
    }

    /// Consumes the keyword `word` (after white space and comments), or fails with
    /// `reason`.
    pub(crate) fn expect_keyword(&mut self, word: &[u8], reason: &'static str) -> PResult<()> {
        self.skip_space()?;
        if self.at_keyword(word)? {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.malformed(reason))
        }
    }

    /// Reads an unsigned integer (digits only).
    pub(crate) fn unsigned(&mut self, reason: &'static str) -> PResult<u64> {
        self.skip_space()?;
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(b) = self.peek() {
            if !b.is_ascii_digit() {
                break;
            }
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(b - b'0')))
                .ok_or_else(|| self.malformed("number out of range"))?;
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.malformed(reason));
        }
        match self.peek() {
            Some(b) if is_regular(b) => Err(self.malformed(reason)),
            None if !self.complete => Err(Parse::Incomplete),
            _ => Ok(value),
        }
    }

    /// Reads one object (no indirect-object header), `depth` levels deep.
    pub(crate) fn object(&mut self, depth: usize) -> PResult<Object> {
        if depth > MAX_PDF_NESTING {
            return Err(Parse::Error(PdfError::TooLarge {
                what: PdfLimit::Nesting,
                limit: wide(MAX_PDF_NESTING),
            }));
        }
        self.skip_space()?;
        let start = self.pos;
        match self.peek().ok_or_else(|| self.end())? {
            b'/' => {
                self.pos += 1;
                Ok(Object::Name(self.name_body()?))
            }
            b'(' => {
                let s = self.literal_string()?;
                Ok(Object::String(s, (self.base + wide(start), self.offset())))
            }
            b'<' => {
                if self.buf.get(self.pos + 1) == Some(&b'<') {
                    self.pos += 2;
                    Ok(Object::Dict(self.dict_body(depth)?))
                } else if self.buf.get(self.pos + 1).is_none() && !self.complete {
                    Err(Parse::Incomplete)
                } else {
                    let s = self.hex_string()?;
                    Ok(Object::String(s, (self.base + wide(start), self.offset())))
                }
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space()?;
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        return Ok(Object::Array(items));
                    }
                    items.push(self.object(depth + 1)?);
                }
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => self.number_or_ref(),
            b if is_regular(b) => {
                let word = self.word()?;
                match word {
                    b"true" => Ok(Object::Bool(true)),
                    b"false" => Ok(Object::Bool(false)),
                    b"null" => Ok(Object::Null),
                    _ => {
                        self.pos = start;
                        Err(self.malformed("unexpected keyword where an object was expected"))
                    }
                }
            }
            _ => Err(self.malformed("unexpected delimiter where an object was expected")),
        }
    }

    /// A run of regular characters.
    fn word(&mut self) -> PResult<&'a [u8]> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if !is_regular(b) {
                break;
            }
            self.pos += 1;
            if self.pos - start > 256 {
                return Err(self.malformed("token too long"));
            }
        }
        if self.peek().is_none() && !self.complete {
            return Err(Parse::Incomplete);
        }
        Ok(self.buf.get(start..self.pos).unwrap_or_default())
    }

    fn name_body(&mut self) -> PResult<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            if !is_regular(b) {
                break;
            }
            self.pos += 1;
            if b == b'#' {
                let hi = self.next_byte()?;
                let lo = self.next_byte()?;
                match (hex_value(hi), hex_value(lo)) {
                    (Some(h), Some(l)) if h != 0 || l != 0 => out.push(h * 16 + l),
                    _ => return Err(self.malformed("invalid #xx escape in a name")),
                }
            } else {
                out.push(b);
            }
            if out.len() > 4096 {
                return Err(Parse::Error(PdfError::TooLarge {
                    what: PdfLimit::StringLength,
                    limit: 4096,
                }));
            }
        }
        if self.peek().is_none() && !self.complete {
            return Err(Parse::Incomplete);
        }
        Ok(out)
    }

    fn push_limited(&self, out: &mut Vec<u8>, b: u8) -> PResult<()> {
        if out.len() >= MAX_PDF_STRING {
            return Err(Parse::Error(PdfError::TooLarge {
                what: PdfLimit::StringLength,
                limit: wide(MAX_PDF_STRING),
            }));
        }
        out.push(b);
        Ok(())
    }

    fn literal_string(&mut self) -> PResult<Vec<u8>> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 0usize;
        loop {
            let b = self.next_byte()?;
            match b {
                b'(' => {
                    depth += 1;
                    self.push_limited(&mut out, b)?;
                }
                b')' => {
                    if depth == 0 {
                        return Ok(out);
                    }
                    depth -= 1;
                    self.push_limited(&mut out, b)?;
                }
                b'\r' => {
                    // An end of line in a string is read as a line feed.
                    if self.peek() == Some(b'\n') {
                        self.pos += 1;
                    }
                    self.push_limited(&mut out, b'\n')?;
                }
                b'\\' => {
                    let e = self.next_byte()?;
                    let v = match e {
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        b'b' => Some(8),
                        b'f' => Some(12),
                        b'(' | b')' | b'\\' => Some(e),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                            None
                        }
                        b'\n' => None,
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    Some(_) => break,
                                    None => return Err(self.end()),
                                }
                            }
                            // High-order overflow is ignored (ISO 32000-2 7.3.4.2).
                            Some(u8::try_from(v & 0xff).unwrap_or_default())
                        }
                        // A backslash before any other byte is ignored.
                        other => Some(other),
                    };
                    if let Some(v) = v {
                        self.push_limited(&mut out, v)?;
                    }
                }
                _ => self.push_limited(&mut out, b)?,
            }
        }
    }

    fn hex_string(&mut self) -> PResult<Vec<u8>> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        loop {
            let b = self.next_byte()?;
            if b == b'>' {
                if let Some(h) = high {
                    self.push_limited(&mut out, h << 4)?;
                }
                return Ok(out);
            }
            if is_white(b) {
                continue;
            }
            let v = hex_value(b).ok_or_else(|| self.malformed("invalid hex string"))?;
            match high.take() {
                Some(h) => self.push_limited(&mut out, (h << 4) | v)?,
                None => high = Some(v),
            }
        }
    }

    fn dict_body(&mut self, depth: usize) -> PResult<Dict> {
        let mut dict = Dict::new();
        loop {
            self.skip_space()?;
            match self.peek() {
                Some(b'>') => {
                    if self.buf.get(self.pos + 1) == Some(&b'>') {
                        self.pos += 2;
                        return Ok(dict);
                    }
                    if self.buf.get(self.pos + 1).is_none() && !self.complete {
                        return Err(Parse::Incomplete);
                    }
                    return Err(self.malformed("'>' without a second '>' in a dictionary"));
                }
                Some(b'/') => {
                    self.pos += 1;
                    let key = self.name_body()?;
                    let value = self.object(depth + 1)?;
                    if dict.insert(key, value).is_some() {
                        return Err(self.malformed("a key appears twice in one dictionary"));
                    }
                }
                Some(_) => return Err(self.malformed("a dictionary key must be a name")),
                None => return Err(self.end()),
            }
        }
    }

    fn number_or_ref(&mut self) -> PResult<Object> {
        let start = self.pos;
        let first = self.word()?;
        let number = parse_number(first).ok_or_else(|| self.malformed("invalid number"))?;
        let Object::Integer(n) = number else {
            return Ok(number);
        };
        // `n g R` is a reference; anything else leaves the integer alone.
        let after_first = self.pos;
        if n < 0 || first.first() == Some(&b'+') {
            return Ok(number);
        }
        let restore = |lexer: &mut Self| {
            lexer.pos = after_first;
            Ok(Object::Integer(n))
        };
        match self.skip_space() {
            Ok(()) => {}
            Err(Parse::Incomplete) => return Err(Parse::Incomplete),
            Err(_) => return restore(self),
        }
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return restore(self);
        }
        let second = self.word()?;
        let Some(Object::Integer(g)) = parse_number(second) else {
            return restore(self);
        };
        match self.skip_space() {
            Ok(()) => {}
            Err(Parse::Incomplete) => return Err(Parse::Incomplete),
            Err(_) => return restore(self),
        }
        if self.at_keyword(b"R")? {
            self.pos += 1;
            let (Ok(number), Ok(generation)) = (u32::try_from(n), u16::try_from(g)) else {
                self.pos = start;
                return Err(self.malformed("object reference out of range"));
            };
            return Ok(Object::Ref(ObjRef { number, generation }));
        }
        restore(self)
    }
}

/// An integer or a real, as ISO 32000-2 7.3.3 writes them.
fn parse_number(word: &[u8]) -> Option<Object> {
    let digits = match word.first() {
        Some(b'+' | b'-') => word.get(1..)?,
        _ => word,
    };
    if digits.is_empty() {
        return None;
    }
    let dots = digits.iter().filter(|&&b| b == b'.').count();
    if dots > 1 || !digits.iter().all(|&b| b == b'.' || b.is_ascii_digit()) {
        return None;
    }
    if dots == 1 {
        if digits.len() == 1 {
            return None;
        }
        return Some(Object::Real(word.to_vec()));
    }
    let text = core::str::from_utf8(word).ok()?;
    text.parse::<i64>().ok().map(Object::Integer)
}

#[cfg(test)]
#[allow(clippy::as_conversions)]
mod tests {
    use super::*;

    fn parse(s: &[u8]) -> Object {
        let mut l = Lexer::new(s, 0, true);
        match l.object(0) {
            Ok(o) => o,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn objects() {
        let o = parse(b"<< /A 1 0 R /B [1 2.5 -3 (x\\)y) <414> /N#20x] /C null >>");
        let d = o.as_dict().cloned().unwrap_or_default();
        assert_eq!(
            d.get(b"A".as_slice()).and_then(Object::as_ref),
            Some(ObjRef {
                number: 1,
                generation: 0
            })
        );
        let b = d
            .get(b"B".as_slice())
            .and_then(Object::as_array)
            .unwrap_or_default();
        assert_eq!(b.len(), 6);
        assert_eq!(
            b.get(3).and_then(Object::as_string),
            Some(b"x)y".as_slice())
        );
        assert_eq!(b.get(4).and_then(Object::as_string), Some(b"A@".as_slice()));
        assert_eq!(b.get(5).and_then(Object::as_name), Some(b"N x".as_slice()));
    }

    #[test]
    fn refusals() {
        for bad in [
            b"<< /A 1 /A 2 >>".as_slice(),
            b"<< 1 2 >>",
            b"<zz>",
            b"/N#zz",
            b"1.2.3",
            b"endobj",
        ] {
            let mut l = Lexer::new(bad, 0, true);
            assert!(matches!(l.object(0), Err(Parse::Error(_))), "{bad:?}");
        }
        let mut l = Lexer::new(b"<< /A [1 2", 0, false);
        assert!(matches!(l.object(0), Err(Parse::Incomplete)));
        let deep = vec![b'['; MAX_PDF_NESTING + 2];
        let mut l = Lexer::new(&deep, 0, true);
        assert!(matches!(
            l.object(0),
            Err(Parse::Error(PdfError::TooLarge { .. }))
        ));
    }
}
