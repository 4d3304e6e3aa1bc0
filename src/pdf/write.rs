//! Writing incremental updates (ISO 32000-2 section 7.5.6): new and replaced objects
//! appended after the last `%%EOF`, with a cross-reference section in the style of the
//! file's last one (a table, or an uncompressed cross-reference stream) and `/Prev`
//! pointing at it. The original bytes are never rewritten.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::pdf::document::PdfFile;
use crate::pdf::syntax::{Dict, ObjRef, Object};
use crate::pdf::wide;

/// Serialises `o` as PDF syntax.
pub(crate) fn write_object(out: &mut Vec<u8>, o: &Object) {
    match o {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Bool(true) => out.extend_from_slice(b"true"),
        Object::Bool(false) => out.extend_from_slice(b"false"),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(r),
        Object::Name(n) => write_name(out, n),
        Object::String(s, _) => write_string(out, s),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dict(d) | Object::Stream(d, _) => write_dict(out, d),
        Object::Ref(r) => out.extend_from_slice(r.to_string().as_bytes()),
    }
}

/// Serialises a dictionary (a stream's dictionary alone: streams are written by
/// [`Update::stream`]).
pub(crate) fn write_dict(out: &mut Vec<u8>, d: &Dict) {
    out.extend_from_slice(b"<<");
    for (k, v) in d {
        write_name(out, k);
        out.push(b' ');
        write_object(out, v);
    }
    out.extend_from_slice(b">>");
}

/// A name: bytes outside `!`..`~`, delimiters and `#` written as `#xx`.
pub(crate) fn write_name(out: &mut Vec<u8>, n: &[u8]) {
    out.push(b'/');
    for &b in n {
        if (0x21..=0x7e).contains(&b) && !b"#()<>[]{}/%".contains(&b) {
            out.push(b);
        } else {
            // Infallible: writing to a String.
            let mut s = String::new();
            let _ = write!(s, "#{b:02X}");
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// A literal string with `(`, `)` and `\` escaped and bytes outside printable ASCII in
/// octal.
pub(crate) fn write_string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'(');
    for &b in s {
        match b {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(b);
            }
            0x20..=0x7e => out.push(b),
            _ => {
                let mut t = String::new();
                let _ = write!(t, "\\{b:03o}");
                out.extend_from_slice(t.as_bytes());
            }
        }
    }
    out.push(b')');
}

/// A PDF text string for `s`: PDFDocEncoding where it is printable ASCII, else UTF-16BE
/// with a byte-order mark.
pub(crate) fn text_string(s: &str) -> Object {
    let bytes = if s.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        s.as_bytes().to_vec()
    } else {
        let mut v = vec![0xfe, 0xff];
        for unit in s.encode_utf16() {
            v.extend_from_slice(&unit.to_be_bytes());
        }
        v
    };
    Object::String(bytes, (0, 0))
}

/// A name object.
pub(crate) fn name(n: &str) -> Object {
    Object::Name(n.as_bytes().to_vec())
}

/// A real number written with up to three decimals.
pub(crate) fn real(x: f64) -> Object {
    Object::Real(format_number(x).into_bytes())
}

/// `x` with up to three decimals and no trailing zeros.
pub(crate) fn format_number(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" || s.is_empty() {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// A dictionary from key/value pairs.
pub(crate) fn dict<const N: usize>(pairs: [(&str, Object); N]) -> Dict {
    pairs
        .into_iter()
        .map(|(k, v)| (k.as_bytes().to_vec(), v))
        .collect()
}

/// An incremental update being written: its bytes, the offsets of the objects in it, and
/// the next free object number.
pub(crate) struct Update {
    /// The length of the file the update is appended to.
    base_len: u64,
    pub(crate) buf: Vec<u8>,
    offsets: BTreeMap<u32, (u64, u16)>,
    next: u32,
    prev_xref: u64,
    xref_stream: bool,
    trailer: Dict,
}

impl Update {
    /// An update to the final revision of `file`.
    pub(crate) fn new(file: &PdfFile<'_>, id_seed: &[u8]) -> Self {
        let last = file.revisions.last();
        let trailer = last.map(|r| r.trailer.clone()).unwrap_or_default();
        // The next free number: past `/Size` and past every object any revision lists
        // (a trailer whose `/Size` is missing or too small must not make the update
        // redefine an object).
        let listed = file
            .revisions
            .iter()
            .filter_map(|r| r.entries.keys().next_back())
            .max()
            .map_or(1, |n| n.saturating_add(1));
        let size = trailer
            .get(b"Size".as_slice())
            .and_then(Object::as_int)
            .and_then(|s| u32::try_from(s).ok())
            .unwrap_or(1)
            .max(listed)
            .max(1);
        let base_len = file.src.len();
        let ends_with_eol = base_len > 0
            && file
                .src
                .read(base_len - 1, 1)
                .ok()
                .is_some_and(|b| matches!(b.first(), Some(b'\n' | b'\r')));
        let mut buf = Vec::new();
        if !ends_with_eol {
            buf.push(b'\n');
        }
        // Carried over: /Root, /Info and the first element of /ID; the second /ID element
        // changes with each update (ISO 32000-2 section 14.4).
        let mut carried = Dict::new();
        for key in [b"Root".as_slice(), b"Info"] {
            if let Some(v) = trailer.get(key) {
                carried.insert(key.to_vec(), v.clone());
            }
        }
        let seed = crate::digest::digest(crate::digest::DigestAlgorithm::Sha256, id_seed);
        let fresh: Vec<u8> = seed.as_bytes().iter().take(16).copied().collect();
        let first = trailer
            .get(b"ID".as_slice())
            .and_then(Object::as_array)
            .and_then(|a| a.first())
            .and_then(Object::as_string)
            .map_or_else(|| fresh.clone(), <[u8]>::to_vec);
        carried.insert(
            b"ID".to_vec(),
            Object::Array(vec![
                Object::String(first, (0, 0)),
                Object::String(fresh, (0, 0)),
            ]),
        );
        Update {
            base_len,
            buf,
            offsets: BTreeMap::new(),
            next: size,
            prev_xref: last.map_or(0, |r| r.xref_offset),
            xref_stream: last.is_some_and(|r| r.xref_stream),
            trailer: carried,
        }
    }

    /// A new object number.
    pub(crate) fn allocate(&mut self) -> u32 {
        let n = self.next;
        self.next = self.next.saturating_add(1);
        n
    }

    /// The file offset the next byte written will have.
    pub(crate) fn offset(&self) -> u64 {
        self.base_len + wide(self.buf.len())
    }

    fn begin(&mut self, r: ObjRef) {
        let at = self.offset();
        self.offsets.insert(r.number, (at, r.generation));
        self.buf
            .extend_from_slice(format!("{} {} obj\n", r.number, r.generation).as_bytes());
    }

    /// Writes object `r` (new, or replacing the one of that number).
    pub(crate) fn object(&mut self, r: ObjRef, o: &Object) {
        self.begin(r);
        write_object(&mut self.buf, o);
        self.buf.extend_from_slice(b"\nendobj\n");
    }

    /// Writes object `r` from raw bytes (used for the signature dictionary, whose
    /// placeholders the caller locates).
    pub(crate) fn raw_object(&mut self, r: ObjRef, body: &[u8]) -> usize {
        self.begin(r);
        let at = self.buf.len();
        self.buf.extend_from_slice(body);
        self.buf.extend_from_slice(b"\nendobj\n");
        at
    }

    /// Writes stream object `r`: `dict` gets `/Length`.
    pub(crate) fn stream(&mut self, r: ObjRef, mut dict: Dict, data: &[u8]) {
        dict.insert(
            b"Length".to_vec(),
            Object::Integer(i64::try_from(data.len()).unwrap_or(i64::MAX)),
        );
        self.begin(r);
        write_dict(&mut self.buf, &dict);
        self.buf.extend_from_slice(b"\nstream\n");
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(b"\nendstream\nendobj\n");
    }

    /// Writes a Flate-compressed stream object.
    pub(crate) fn deflated_stream(&mut self, r: ObjRef, mut dict: Dict, data: &[u8]) {
        use std::io::Write as _;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        // Writing to a Vec cannot fail.
        let compressed = z.write_all(data).and_then(|()| z.finish());
        match compressed {
            Ok(c) => {
                dict.insert(b"Filter".to_vec(), name("FlateDecode"));
                self.stream(r, dict, &c);
            }
            Err(_) => self.stream(r, dict, data),
        }
    }

    /// Ends the update: the cross-reference section, the trailer, `startxref` and
    /// `%%EOF`. Returns the update's bytes.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        // Past every object written, a replaced one numbered beyond `/Size` included.
        let written = self
            .offsets
            .keys()
            .next_back()
            .map_or(0, |n| n.saturating_add(1));
        self.next = self.next.max(written);
        let size = self.next;
        let mut trailer = std::mem::take(&mut self.trailer);
        trailer.insert(b"Size".to_vec(), Object::Integer(i64::from(size)));
        trailer.insert(
            b"Prev".to_vec(),
            Object::Integer(i64::try_from(self.prev_xref).unwrap_or(i64::MAX)),
        );
        let xref_at;
        if self.xref_stream {
            let number = self.allocate();
            trailer.insert(b"Size".to_vec(), Object::Integer(i64::from(self.next)));
            xref_at = self.offset();
            self.offsets.insert(number, (xref_at, 0));
            let max = self.offsets.values().map(|(o, _)| *o).max().unwrap_or(0);
            let width: usize = if max <= u64::from(u32::MAX) { 4 } else { 8 };
            let mut data = Vec::new();
            let mut index = Vec::new();
            for run in runs(&self.offsets) {
                index.push(Object::Integer(i64::from(run.0)));
                index.push(Object::Integer(i64::try_from(run.1.len()).unwrap_or(0)));
                for (offset, generation) in run.1 {
                    data.push(1u8);
                    let be = offset.to_be_bytes();
                    data.extend_from_slice(be.get(8 - width..).unwrap_or(&be));
                    data.extend_from_slice(&generation.to_be_bytes());
                }
            }
            trailer.insert(b"Type".to_vec(), name("XRef"));
            trailer.insert(b"Index".to_vec(), Object::Array(index));
            trailer.insert(
                b"W".to_vec(),
                Object::Array(vec![
                    Object::Integer(1),
                    Object::Integer(i64::try_from(width).unwrap_or(4)),
                    Object::Integer(2),
                ]),
            );
            self.stream(
                ObjRef {
                    number,
                    generation: 0,
                },
                trailer,
                &data,
            );
        } else {
            xref_at = self.offset();
            let mut text = String::from("xref\n");
            for (first, entries) in runs(&self.offsets) {
                let _ = writeln!(text, "{first} {}", entries.len());
                for (offset, generation) in entries {
                    let _ = write!(text, "{offset:010} {generation:05} n\r\n");
                }
            }
            text.push_str("trailer\n");
            self.buf.extend_from_slice(text.as_bytes());
            write_dict(&mut self.buf, &trailer);
            self.buf.push(b'\n');
        }
        self.buf
            .extend_from_slice(format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());
        self.buf
    }
}

/// Consecutive object numbers grouped: (first number, entries).
fn runs(offsets: &BTreeMap<u32, (u64, u16)>) -> Vec<(u32, Vec<(u64, u16)>)> {
    let mut out: Vec<(u32, Vec<(u64, u16)>)> = Vec::new();
    for (&n, &entry) in offsets {
        match out.last_mut() {
            Some((first, entries)) if u64::from(*first) + wide(entries.len()) == u64::from(n) => {
                entries.push(entry);
            }
            _ => out.push((n, vec![entry])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_strings_are_escaped() {
        let mut out = Vec::new();
        write_name(&mut out, b"A B#(c)");
        assert_eq!(out, b"/A#20B#23#28c#29");
        out.clear();
        write_string(&mut out, b"a(b)\\c\n\xff");
        assert_eq!(out, b"(a\\(b\\)\\\\c\\012\\377)");
        assert_eq!(format_number(1.5), "1.5");
        assert_eq!(format_number(2.0), "2");
        assert_eq!(format_number(-0.0001), "0");
    }

    #[test]
    fn runs_group_consecutive_numbers() {
        let mut m = BTreeMap::new();
        m.insert(3, (10, 0));
        m.insert(4, (20, 0));
        m.insert(9, (30, 0));
        let r = runs(&m);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].0, 3);
        assert_eq!(r[0].1.len(), 2);
        assert_eq!(r[1].0, 9);
    }
}
