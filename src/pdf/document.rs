//! The PDF as a sequence of revisions (ISO 32000-2 section 7.5.6): the original and each
//! incremental update, with its own cross-reference section, trailer, `startxref` and
//! `%%EOF`, kept apart so that each revision can be seen exactly as it was written.

use crate::pdf::wide;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use crate::error::{PdfError, PdfLimit};
use crate::limits::{
    MAX_PDF_DECOMPRESSED, MAX_PDF_DECOMPRESSED_TOTAL, MAX_PDF_OBJECT_CACHE, MAX_PDF_OBJECTS,
    MAX_PDF_REFERENCE_DEPTH, MAX_PDF_REVISIONS,
};
use crate::pdf::filter;
use crate::pdf::source::Source;
use crate::pdf::syntax::{Dict, Lexer, ObjRef, Object, PResult, Parse, StreamData, is_white};

/// One cross-reference entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    /// Free (`f`, or type 0).
    Free,
    /// In use at a byte offset (`n`, or type 1).
    InUse { offset: u64, generation: u16 },
    /// In an object stream (type 2): the stream's number and the index within it.
    Compressed { stream: u32, index: u32 },
}

/// One revision: the original document or one incremental update.
#[derive(Debug)]
pub(crate) struct Revision {
    /// First byte (0 for the original, else the byte after the previous revision).
    pub start: u64,
    /// Offset of the cross-reference section (what `startxref` gives).
    pub xref_offset: u64,
    /// The byte after `%%EOF` and its end-of-line marker, if any.
    pub end: u64,
    /// The byte right after `%%EOF`.
    pub eof_end: u64,
    /// The entries of this revision's section.
    pub entries: BTreeMap<u32, Entry>,
    /// The trailer dictionary (for a cross-reference stream, the stream's dictionary).
    pub trailer: Dict,
    /// Whether the section is a cross-reference stream.
    pub xref_stream: bool,
}

/// Where an object's definition in effect at a revision comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Definition {
    /// No revision up to this one lists the object.
    Absent,
    /// The latest revision listing it (index) lists it free.
    Free(usize),
    /// The latest revision listing it (index) places it.
    Placed(usize, Entry),
}

struct ObjectStream {
    data: Vec<u8>,
    first: usize,
    offsets: Vec<(u32, usize)>,
}

/// A PDF file read as revisions.
pub(crate) struct PdfFile<'a> {
    pub(crate) src: Source<'a>,
    pub(crate) revisions: Vec<Revision>,
    objects: RefCell<HashMap<(usize, u32), Rc<Object>>>,
    /// Approximate bytes the cached objects take (their size in the file).
    object_bytes: std::cell::Cell<usize>,
    streams: RefCell<HashMap<(usize, u32), Rc<ObjectStream>>>,
    /// Decoded bytes the cached object streams hold.
    stream_bytes: std::cell::Cell<usize>,
    /// Bytes decompressed so far, over the whole document.
    decoded_total: std::cell::Cell<usize>,
}

fn malformed(offset: u64, reason: &'static str) -> PdfError {
    PdfError::Malformed { offset, reason }
}

impl<'a> PdfFile<'a> {
    pub(crate) fn open(src: Source<'a>) -> Result<Self, PdfError> {
        let head = src.read(0, 16)?;
        let version_ok = head.starts_with(b"%PDF-1.")
            && head.get(7).is_some_and(|b| (b'0'..=b'7').contains(b))
            || head.starts_with(b"%PDF-2.0");
        if !version_ok {
            return Err(PdfError::NotPdf);
        }
        let len = src.len();
        let mut file = PdfFile {
            src,
            revisions: Vec::new(),
            objects: RefCell::new(HashMap::new()),
            object_bytes: std::cell::Cell::new(0),
            streams: RefCell::new(HashMap::new()),
            stream_bytes: std::cell::Cell::new(0),
            decoded_total: std::cell::Cell::new(0),
        };
        let last = file.last_startxref()?;
        // Follow /Prev from the last section to the first.
        let mut chain = Vec::new();
        let mut total_entries = 0u64;
        let mut next = Some(last);
        while let Some(xref) = next {
            if chain.len() >= MAX_PDF_REVISIONS {
                return Err(PdfError::TooLarge {
                    what: PdfLimit::Revisions,
                    limit: wide(MAX_PDF_REVISIONS),
                });
            }
            let rev = file.section(xref)?;
            let prev = match rev.trailer.get(b"Prev".as_slice()) {
                None => None,
                Some(Object::Integer(p)) => {
                    let p = u64::try_from(*p).map_err(|_| malformed(xref, "negative /Prev"))?;
                    if p >= xref {
                        return Err(PdfError::Linearized);
                    }
                    Some(p)
                }
                Some(_) => return Err(malformed(xref, "/Prev is not an integer")),
            };
            total_entries = total_entries.saturating_add(wide(rev.entries.len()));
            if total_entries > MAX_PDF_OBJECTS {
                return Err(PdfError::TooLarge {
                    what: PdfLimit::Objects,
                    limit: MAX_PDF_OBJECTS,
                });
            }
            chain.push(rev);
            next = prev;
        }
        chain.reverse();
        // Place the revisions end to end.
        let mut start = 0;
        for (i, rev) in chain.iter_mut().enumerate() {
            rev.start = start;
            if rev.xref_offset < start {
                return Err(malformed(
                    rev.xref_offset,
                    "a cross-reference section inside an earlier revision",
                ));
            }
            if i > 0 && !rev.trailer.contains_key(b"Prev".as_slice()) {
                return Err(malformed(rev.xref_offset, "an update without /Prev"));
            }
            start = rev.end;
        }
        if start > len {
            return Err(malformed(len, "unexpected end of file"));
        }
        let tail = file
            .src
            .read(start, usize::try_from(len - start).unwrap_or(0))?;
        if let Some(pos) = tail.iter().position(|b| !is_white(*b)) {
            return Err(PdfError::DataAfterLastRevision {
                offset: start + wide(pos),
            });
        }
        file.revisions = chain;
        for i in 0..file.revisions.len() {
            file.check_entries(i)?;
        }
        Ok(file)
    }

    /// The offset the last `startxref` gives.
    fn last_startxref(&self) -> Result<u64, PdfError> {
        let len = self.src.len();
        let from = len.saturating_sub(1024);
        let tail = self.src.read(from, 1024)?;
        let pos = tail
            .windows(9)
            .rposition(|w| w == b"startxref")
            .ok_or_else(|| malformed(len, "no startxref in the last 1024 bytes"))?;
        let at = from + wide(pos);
        self.src.parse_at(at, 64, |l| {
            l.expect_keyword(b"startxref", "startxref expected")?;
            l.unsigned("an offset after startxref")
        })
    }

    /// Reads the cross-reference section at `xref` and what follows it up to `%%EOF`.
    fn section(&self, xref: u64) -> Result<Revision, PdfError> {
        if xref >= self.src.len() {
            return Err(malformed(xref, "startxref points past the end of the file"));
        }
        let is_table = self.src.parse_at(xref, 16, |l| l.at_keyword(b"xref"))?;
        let (entries, trailer, after) = if is_table {
            self.table(xref)?
        } else {
            self.xref_stream(xref)?
        };
        if trailer.contains_key(b"Encrypt".as_slice()) {
            return Err(PdfError::Encrypted);
        }
        if trailer.contains_key(b"XRefStm".as_slice()) {
            return Err(PdfError::HybridReference);
        }
        if let Some(Object::Integer(p)) = trailer.get(b"Prev".as_slice())
            && u64::try_from(*p).is_ok_and(|p| p >= xref)
        {
            return Err(PdfError::Linearized);
        }
        // startxref, the same offset, %%EOF.
        let (eof_end, end) = self.src.parse_at(after, 64, |l| {
            l.skip_white();
            if !l.at_keyword(b"startxref")? {
                return Err(l.malformed("startxref expected after the cross-reference section"));
            }
            l.expect_keyword(b"startxref", "startxref expected")?;
            let n = l.unsigned("an offset after startxref")?;
            if n != xref {
                return Err(l.malformed(
                    "startxref does not point at this revision's cross-reference section",
                ));
            }
            l.skip_white();
            if !l.at_keyword(b"%%EOF")? {
                return Err(l.malformed("%%EOF expected after startxref"));
            }
            l.set_position(l.position() + 5);
            let eof_end = l.offset();
            match l.peek() {
                Some(b'\r') => {
                    l.set_position(l.position() + 1);
                    if l.peek() == Some(b'\n') {
                        l.set_position(l.position() + 1);
                    }
                }
                Some(b'\n') => l.set_position(l.position() + 1),
                _ => {}
            }
            Ok((eof_end, l.offset()))
        })?;
        Ok(Revision {
            start: 0,
            xref_offset: xref,
            end,
            eof_end,
            entries,
            trailer,
            xref_stream: !is_table,
        })
    }

    /// A cross-reference table and its trailer; returns the byte after the trailer.
    fn table(&self, xref: u64) -> Result<(BTreeMap<u32, Entry>, Dict, u64), PdfError> {
        let mut entries = BTreeMap::new();
        let mut at = xref;
        // The keyword, then subsections until `trailer`.
        at = self.src.parse_at(at, 16, |l| {
            l.expect_keyword(b"xref", "xref expected")?;
            Ok(l.offset())
        })?;
        loop {
            enum Step {
                Trailer(Dict, u64),
                Subsection(u64, u64, u64),
            }
            let step = self.src.parse_at(at, 64, |l| {
                l.skip_space()?;
                if l.at_keyword(b"trailer")? {
                    l.expect_keyword(b"trailer", "trailer expected")?;
                    match l.object(0)? {
                        Object::Dict(d) => Ok(Step::Trailer(d, l.offset())),
                        _ => Err(l.malformed("the trailer is not a dictionary")),
                    }
                } else {
                    let first = l.unsigned("a subsection's first object number")?;
                    let count = l.unsigned("a subsection's entry count")?;
                    // One end-of-line after the count, then the 20-byte entries.
                    l.skip_white();
                    Ok(Step::Subsection(first, count, l.offset()))
                }
            })?;
            match step {
                Step::Trailer(d, after) => return Ok((entries, d, after)),
                Step::Subsection(first, count, body) => {
                    if first.saturating_add(count) > MAX_PDF_OBJECTS
                        || wide(entries.len()) + count > MAX_PDF_OBJECTS
                    {
                        return Err(PdfError::TooLarge {
                            what: PdfLimit::Objects,
                            limit: MAX_PDF_OBJECTS,
                        });
                    }
                    let bytes = self
                        .src
                        .read(body, usize::try_from(count * 20).unwrap_or(usize::MAX))?;
                    if (wide(bytes.len())) < count * 20 {
                        return Err(malformed(body, "cross-reference table cut short"));
                    }
                    for (i, e) in bytes.chunks(20).enumerate() {
                        let number = u32::try_from(first + wide(i)).unwrap_or(u32::MAX);
                        let entry = table_entry(e).ok_or_else(|| {
                            malformed(
                                body + wide(i) * 20,
                                "a cross-reference entry is not 20 bytes of nnnnnnnnnn ggggg n",
                            )
                        })?;
                        if entries.insert(number, entry).is_some() {
                            return Err(PdfError::DuplicateObject { number, xref });
                        }
                    }
                    at = body + count * 20;
                }
            }
        }
    }

    /// A cross-reference stream; returns the byte after its `endobj`.
    fn xref_stream(&self, xref: u64) -> Result<(BTreeMap<u32, Entry>, Dict, u64), PdfError> {
        let (id, obj, after) = self.indirect_at(xref, 0)?;
        let Object::Stream(dict, data) = obj else {
            return Err(malformed(
                xref,
                "startxref points at neither xref nor a stream",
            ));
        };
        if dict.get(b"Type".as_slice()).and_then(Object::as_name) != Some(b"XRef") {
            return Err(malformed(
                xref,
                "the stream startxref points at is not /Type /XRef",
            ));
        }
        let _ = id;
        let decoded = self.decode(&dict, &data)?;
        let widths: Vec<usize> = dict
            .get(b"W".as_slice())
            .and_then(Object::as_array)
            .ok_or_else(|| malformed(xref, "cross-reference stream without /W"))?
            .iter()
            .map(|o| {
                o.as_int()
                    .and_then(|i| usize::try_from(i).ok())
                    .filter(|w| *w <= 8)
            })
            .collect::<Option<_>>()
            .ok_or_else(|| malformed(xref, "invalid /W"))?;
        let [w1, w2, w3] = widths.as_slice() else {
            return Err(malformed(xref, "/W must have three widths"));
        };
        let size = dict
            .get(b"Size".as_slice())
            .and_then(Object::as_int)
            .and_then(|s| u64::try_from(s).ok())
            .ok_or_else(|| malformed(xref, "cross-reference stream without /Size"))?;
        let ranges: Vec<(u64, u64)> = match dict.get(b"Index".as_slice()) {
            None => vec![(0, size)],
            Some(Object::Array(a)) => {
                if a.len() % 2 != 0 {
                    return Err(malformed(xref, "/Index has an odd length"));
                }
                a.chunks(2)
                    .map(|p| {
                        let s = p
                            .first()
                            .and_then(Object::as_int)
                            .and_then(|v| u64::try_from(v).ok());
                        let c = p
                            .get(1)
                            .and_then(Object::as_int)
                            .and_then(|v| u64::try_from(v).ok());
                        s.zip(c)
                    })
                    .collect::<Option<_>>()
                    .ok_or_else(|| malformed(xref, "invalid /Index"))?
            }
            Some(_) => return Err(malformed(xref, "invalid /Index")),
        };
        let stride = w1 + w2 + w3;
        if stride == 0 {
            return Err(malformed(xref, "/W widths are all zero"));
        }
        let mut rows = decoded.chunks(stride);
        let mut entries = BTreeMap::new();
        for (first, count) in ranges {
            if first.saturating_add(count) > MAX_PDF_OBJECTS
                || wide(entries.len()) + count > MAX_PDF_OBJECTS
            {
                return Err(PdfError::TooLarge {
                    what: PdfLimit::Objects,
                    limit: MAX_PDF_OBJECTS,
                });
            }
            for i in 0..count {
                let row = rows
                    .next()
                    .filter(|r| r.len() == stride)
                    .ok_or_else(|| malformed(xref, "cross-reference stream data cut short"))?;
                let (f1, rest) = row.split_at(*w1);
                let (f2, f3) = rest.split_at(*w2);
                let kind = if *w1 == 0 { 1 } else { be(f1) };
                let (a, b) = (be(f2), be(f3));
                let entry = match kind {
                    0 => Entry::Free,
                    1 => Entry::InUse {
                        offset: a,
                        generation: u16::try_from(b)
                            .map_err(|_| malformed(xref, "generation out of range"))?,
                    },
                    2 => Entry::Compressed {
                        stream: u32::try_from(a)
                            .map_err(|_| malformed(xref, "object stream number out of range"))?,
                        index: u32::try_from(b)
                            .map_err(|_| malformed(xref, "index out of range"))?,
                    },
                    _ => return Err(malformed(xref, "unknown cross-reference entry type")),
                };
                let number = u32::try_from(first + i).unwrap_or(u32::MAX);
                if entries.insert(number, entry).is_some() {
                    return Err(PdfError::DuplicateObject { number, xref });
                }
            }
        }
        if rows.next().is_some() {
            return Err(malformed(xref, "cross-reference stream data beyond /Index"));
        }
        Ok((entries, dict, after))
    }

    /// Checks revision `i`'s entries: object 0 is free, every placed object is where its
    /// entry says and inside the revision, and in an update nothing else is there.
    fn check_entries(&self, i: usize) -> Result<(), PdfError> {
        let Some(rev) = self.revisions.get(i) else {
            return Ok(());
        };
        if let Some(e) = rev.entries.get(&0)
            && *e != Entry::Free
        {
            return Err(malformed(rev.xref_offset, "object 0 is not free"));
        }
        let mut placed: Vec<(u64, u32, u16)> = Vec::new();
        for (&number, entry) in &rev.entries {
            match *entry {
                Entry::InUse { offset, generation } => {
                    let inside = if i == 0 {
                        offset < rev.end
                    } else {
                        offset >= rev.start && offset <= rev.xref_offset
                    };
                    if !inside {
                        return Err(PdfError::XrefOutsideRevision {
                            number,
                            revision_start: rev.start,
                            offset,
                        });
                    }
                    placed.push((offset, number, generation));
                }
                Entry::Compressed { stream, .. } => {
                    if !matches!(rev.entries.get(&stream), Some(Entry::InUse { .. })) {
                        return Err(malformed(
                            rev.xref_offset,
                            "an object stream not placed by the same revision",
                        ));
                    }
                }
                Entry::Free => {}
            }
        }
        placed.sort_unstable();
        if i == 0 {
            return Ok(());
        }
        // An update is its objects, end to end, then its cross-reference section.
        let mut cursor = rev.start;
        for (offset, number, generation) in placed {
            if offset == rev.xref_offset && rev.xref_stream {
                continue;
            }
            let gap_ok = self
                .src
                .parse_at(cursor, 256, |l| skip_space_to(l, offset))?;
            if !gap_ok {
                return Err(malformed(
                    cursor,
                    "bytes in an incremental update that its cross-reference section does not list",
                ));
            }
            let (id, _, after) = self.indirect_at(offset, 0)?;
            if id.number != number || id.generation != generation {
                return Err(PdfError::XrefMismatch {
                    number,
                    generation,
                    offset,
                });
            }
            cursor = after;
        }
        let gap_ok = self
            .src
            .parse_at(cursor, 256, |l| skip_space_to(l, rev.xref_offset))?;
        if !gap_ok {
            return Err(malformed(
                cursor,
                "bytes in an incremental update that its cross-reference section does not list",
            ));
        }
        Ok(())
    }

    /// Parses the indirect object at `offset`: its identity, the object, and the byte
    /// after `endobj`.
    pub(crate) fn indirect_at(
        &self,
        offset: u64,
        depth: usize,
    ) -> Result<(ObjRef, Object, u64), PdfError> {
        enum Head {
            Done(ObjRef, Object, u64),
            Stream(ObjRef, Dict, u64),
        }
        let head = self.src.parse_at(offset, 4096, |l| {
            let number = l.unsigned("an object number")?;
            let generation = l.unsigned("a generation number")?;
            l.expect_keyword(b"obj", "obj expected")?;
            let (Ok(number), Ok(generation)) = (u32::try_from(number), u16::try_from(generation))
            else {
                return Err(l.malformed("object number out of range"));
            };
            let id = ObjRef { number, generation };
            let obj = l.object(0)?;
            l.skip_space()?;
            if l.at_keyword(b"stream")? {
                let Object::Dict(d) = obj else {
                    return Err(
                        l.malformed("stream keyword after an object that is not a dictionary")
                    );
                };
                l.set_position(l.position() + 6);
                match l.peek() {
                    Some(b'\n') => l.set_position(l.position() + 1),
                    Some(b'\r') => {
                        l.set_position(l.position() + 1);
                        match l.peek() {
                            Some(b'\n') => l.set_position(l.position() + 1),
                            Some(_) => {
                                return Err(l.malformed("stream keyword followed by CR alone"));
                            }
                            None => return Err(Parse::Incomplete),
                        }
                    }
                    Some(_) => {
                        return Err(l.malformed("stream keyword not followed by an end of line"));
                    }
                    None => return Err(Parse::Incomplete),
                }
                return Ok(Head::Stream(id, d, l.offset()));
            }
            l.expect_keyword(b"endobj", "endobj expected")?;
            Ok(Head::Done(id, obj, l.offset()))
        })?;
        match head {
            Head::Done(id, obj, after) => Ok((id, obj, after)),
            Head::Stream(id, dict, data_start) => {
                let length = match dict.get(b"Length".as_slice()) {
                    Some(Object::Integer(n)) => *n,
                    Some(Object::Ref(r)) => {
                        if depth >= MAX_PDF_REFERENCE_DEPTH {
                            return Err(PdfError::TooLarge {
                                what: PdfLimit::ReferenceDepth,
                                limit: wide(MAX_PDF_REFERENCE_DEPTH),
                            });
                        }
                        let last = self.revisions.len().saturating_sub(1);
                        match self.get_at(
                            *r,
                            self.revision_of(offset).unwrap_or(last),
                            depth + 1,
                        )? {
                            Some(o) => o.as_int().ok_or_else(|| {
                                malformed(offset, "the stream /Length object is not an integer")
                            })?,
                            None => {
                                return Err(malformed(
                                    offset,
                                    "the stream /Length object is missing",
                                ));
                            }
                        }
                    }
                    _ => return Err(malformed(offset, "a stream without an integer /Length")),
                };
                let length = u64::try_from(length)
                    .map_err(|_| malformed(offset, "a negative stream /Length"))?;
                let data_end = data_start
                    .checked_add(length)
                    .filter(|e| *e <= self.src.len())
                    .ok_or_else(|| malformed(data_start, "stream data past the end of the file"))?;
                let after = self.src.parse_at(data_end, 64, |l| {
                    l.skip_white();
                    l.expect_keyword(b"endstream", "endstream expected where /Length ends")?;
                    l.expect_keyword(b"endobj", "endobj expected")?;
                    Ok(l.offset())
                })?;
                Ok((
                    id,
                    Object::Stream(
                        dict,
                        StreamData {
                            offset: data_start,
                            length,
                        },
                    ),
                    after,
                ))
            }
        }
    }

    /// The revision whose bytes hold `offset` (while the revisions are being read, the
    /// last known).
    fn revision_of(&self, offset: u64) -> Option<usize> {
        self.revisions
            .iter()
            .position(|r| offset >= r.start && offset < r.end)
    }

    /// The decoded data of a stream.
    pub(crate) fn decode(&self, dict: &Dict, data: &StreamData) -> Result<Vec<u8>, PdfError> {
        if data.length > wide(MAX_PDF_DECOMPRESSED) {
            return Err(PdfError::TooLarge {
                what: PdfLimit::Decompressed,
                limit: wide(MAX_PDF_DECOMPRESSED),
            });
        }
        let raw = self
            .src
            .read(data.offset, usize::try_from(data.length).unwrap_or(0))?;
        let decoded = filter::decode(dict, &raw)?;
        let total = self.decoded_total.get().saturating_add(decoded.len());
        if total > MAX_PDF_DECOMPRESSED_TOTAL {
            return Err(PdfError::TooLarge {
                what: PdfLimit::DecompressedTotal,
                limit: wide(MAX_PDF_DECOMPRESSED_TOTAL),
            });
        }
        self.decoded_total.set(total);
        Ok(decoded)
    }

    /// Where the definition of object `number` in effect at revision `rev` comes from.
    pub(crate) fn definition(&self, number: u32, rev: usize) -> Definition {
        for i in (0..=rev.min(self.revisions.len().saturating_sub(1))).rev() {
            if let Some(e) = self.revisions.get(i).and_then(|r| r.entries.get(&number)) {
                return match e {
                    Entry::Free => Definition::Free(i),
                    other => Definition::Placed(i, *other),
                };
            }
        }
        Definition::Absent
    }

    /// The object `r` as revision `rev` has it (`None`: null, free, absent, or another
    /// generation).
    pub(crate) fn get(&self, r: ObjRef, rev: usize) -> Result<Option<Rc<Object>>, PdfError> {
        self.get_at(r, rev, 0)
    }

    fn get_at(&self, r: ObjRef, rev: usize, depth: usize) -> Result<Option<Rc<Object>>, PdfError> {
        let Definition::Placed(def, entry) = self.definition(r.number, rev) else {
            return Ok(None);
        };
        if let Some(o) = self.objects.borrow().get(&(def, r.number)) {
            return Ok(match entry {
                Entry::InUse { generation, .. } if generation != r.generation => None,
                Entry::Compressed { .. } if r.generation != 0 => None,
                _ => Some(o.clone()),
            });
        }
        let mut size = 64;
        let obj = match entry {
            Entry::Free => return Ok(None),
            Entry::InUse { offset, generation } => {
                if generation != r.generation {
                    return Ok(None);
                }
                let (id, obj, after) = self.indirect_at(offset, depth)?;
                if id != r {
                    return Err(PdfError::XrefMismatch {
                        number: r.number,
                        generation: r.generation,
                        offset,
                    });
                }
                size = usize::try_from(after.saturating_sub(offset)).unwrap_or(usize::MAX);
                obj
            }
            Entry::Compressed { stream, index } => {
                if r.generation != 0 {
                    return Ok(None);
                }
                self.compressed(def, stream, index, r.number, depth)?
            }
        };
        let obj = Rc::new(obj);
        // The cache is bounded: past its bound it starts again empty (objects are read
        // again when needed, a cost the visit budget bounds).
        let bytes = self.object_bytes.get().saturating_add(size);
        if bytes > MAX_PDF_OBJECT_CACHE {
            self.objects.borrow_mut().clear();
            self.object_bytes.set(size);
        } else {
            self.object_bytes.set(bytes);
        }
        self.objects
            .borrow_mut()
            .insert((def, r.number), obj.clone());
        Ok(Some(obj))
    }

    fn compressed(
        &self,
        rev: usize,
        stream: u32,
        index: u32,
        number: u32,
        depth: usize,
    ) -> Result<Object, PdfError> {
        let cached = self.streams.borrow().get(&(rev, stream)).cloned();
        let os = match cached {
            Some(os) => os,
            None => {
                let Some(Entry::InUse { offset, .. }) = self
                    .revisions
                    .get(rev)
                    .and_then(|r| r.entries.get(&stream))
                    .copied()
                else {
                    return Err(malformed(
                        0,
                        "an object stream not placed by the same revision",
                    ));
                };
                let (_, obj, _) = self.indirect_at(offset, depth + 1)?;
                let Object::Stream(dict, data) = obj else {
                    return Err(malformed(offset, "an object stream that is not a stream"));
                };
                if dict.get(b"Type".as_slice()).and_then(Object::as_name) != Some(b"ObjStm") {
                    return Err(malformed(
                        offset,
                        "an object stream that is not /Type /ObjStm",
                    ));
                }
                let n = dict
                    .get(b"N".as_slice())
                    .and_then(Object::as_int)
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| malformed(offset, "an object stream without /N"))?;
                let first = dict
                    .get(b"First".as_slice())
                    .and_then(Object::as_int)
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| malformed(offset, "an object stream without /First"))?;
                let data = self.decode(&dict, &data)?;
                if wide(n) > MAX_PDF_OBJECTS || first > data.len() {
                    return Err(malformed(offset, "object stream /N or /First out of range"));
                }
                let mut l = Lexer::new(data.get(..first).unwrap_or_default(), 0, true);
                let mut offsets = Vec::with_capacity(n.min(4096));
                for _ in 0..n {
                    let num = l
                        .unsigned("an object number in an object stream")
                        .map_err(to_err)?;
                    let off = l
                        .unsigned("an offset in an object stream")
                        .map_err(to_err)?;
                    let (Ok(num), Ok(off)) = (u32::try_from(num), usize::try_from(off)) else {
                        return Err(malformed(offset, "object stream header out of range"));
                    };
                    offsets.push((num, off));
                }
                let os = Rc::new(ObjectStream {
                    data,
                    first,
                    offsets,
                });
                let bytes = self.stream_bytes.get().saturating_add(os.data.len());
                if bytes > MAX_PDF_OBJECT_CACHE {
                    self.streams.borrow_mut().clear();
                    self.stream_bytes.set(os.data.len());
                } else {
                    self.stream_bytes.set(bytes);
                }
                self.streams.borrow_mut().insert((rev, stream), os.clone());
                os
            }
        };
        let (num, off) = os
            .offsets
            .get(usize::try_from(index).unwrap_or(usize::MAX))
            .copied()
            .ok_or_else(|| malformed(0, "an object stream index out of range"))?;
        if num != number {
            return Err(PdfError::XrefMismatch {
                number,
                generation: 0,
                offset: u64::from(stream),
            });
        }
        let start = os.first.saturating_add(off);
        let body = os.data.get(start..).unwrap_or_default();
        let mut l = Lexer::new(body, 0, true);
        let obj = l.object(0).map_err(to_err)?;
        if matches!(obj, Object::Stream(..)) {
            return Err(malformed(0, "a stream inside an object stream"));
        }
        Ok(obj)
    }

    /// Follows references from `o` to a direct object, as revision `rev` has it.
    pub(crate) fn resolve(&self, o: &Object, rev: usize) -> Result<Option<Rc<Object>>, PdfError> {
        let mut cur = Rc::new(o.clone());
        for _ in 0..MAX_PDF_REFERENCE_DEPTH {
            match &*cur {
                Object::Ref(r) => match self.get(*r, rev)? {
                    Some(next) => cur = next,
                    None => return Ok(None),
                },
                Object::Null => return Ok(None),
                _ => return Ok(Some(cur)),
            }
        }
        Err(PdfError::TooLarge {
            what: PdfLimit::ReferenceDepth,
            limit: wide(MAX_PDF_REFERENCE_DEPTH),
        })
    }

    /// The dictionary `key` of `dict` resolves to at `rev`, if it is one.
    pub(crate) fn dict_of(
        &self,
        dict: &Dict,
        key: &[u8],
        rev: usize,
    ) -> Result<Option<Rc<Object>>, PdfError> {
        match dict.get(key) {
            None => Ok(None),
            Some(o) => Ok(self.resolve(o, rev)?.filter(|o| o.as_dict().is_some())),
        }
    }

    /// The catalog of revision `rev`.
    pub(crate) fn catalog(&self, rev: usize) -> Result<(ObjRef, Rc<Object>), PdfError> {
        let r = self
            .revisions
            .get(rev)
            .and_then(|r| r.trailer.get(b"Root".as_slice()))
            .and_then(Object::as_ref)
            .ok_or_else(|| malformed(0, "a trailer without /Root"))?;
        let cat = self
            .get(r, rev)?
            .filter(|c| matches!(&**c, Object::Dict(_)))
            .ok_or_else(|| malformed(0, "/Root is not a dictionary"))?;
        Ok((r, cat))
    }
}

fn to_err(p: Parse) -> PdfError {
    match p {
        Parse::Error(e) => e,
        Parse::Incomplete => malformed(0, "unexpected end of data"),
    }
}

/// Skips white space and comments from the lexer's position; true if that lands exactly on
/// `target`.
fn skip_space_to(l: &mut Lexer<'_>, target: u64) -> PResult<bool> {
    loop {
        if l.offset() == target {
            return Ok(true);
        }
        if l.offset() > target {
            return Ok(false);
        }
        match l.peek() {
            Some(b) if is_white(b) => l.set_position(l.position() + 1),
            Some(b'%') => {
                while let Some(b) = l.peek() {
                    if b == b'\r' || b == b'\n' || l.offset() >= target {
                        break;
                    }
                    l.set_position(l.position() + 1);
                }
            }
            Some(_) => return Ok(false),
            None => return Err(Parse::Incomplete),
        }
    }
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

/// One 20-byte table entry: `nnnnnnnnnn ggggg n` and a two-byte end of line.
fn table_entry(e: &[u8]) -> Option<Entry> {
    if e.len() != 20 || e.get(10) != Some(&b' ') || e.get(16) != Some(&b' ') {
        return None;
    }
    let eol = e.get(18..20)?;
    if !matches!(eol, b" \r" | b" \n" | b"\r\n") {
        return None;
    }
    let digits = |s: &[u8]| -> Option<u64> {
        if !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(s.iter().fold(0u64, |a, d| a * 10 + u64::from(d - b'0')))
    };
    let offset = digits(e.get(0..10)?)?;
    let generation = u16::try_from(digits(e.get(11..16)?)?).ok()?;
    match e.get(17) {
        Some(b'n') => Some(Entry::InUse { offset, generation }),
        Some(b'f') => Some(Entry::Free),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::as_conversions)]
mod tests {
    use super::*;

    /// A revision: `objects` (number, body) written after `prefix`, then a table and a
    /// trailer with `trailer` keys (and `/Prev` when `prev` is given).
    fn revision(
        prefix: &[u8],
        objects: &[(u32, &str)],
        trailer: &str,
        prev: Option<u64>,
    ) -> Vec<u8> {
        let mut out = prefix.to_vec();
        let mut offsets = Vec::new();
        for (n, body) in objects {
            offsets.push((*n, out.len()));
            out.extend_from_slice(format!("{n} 0 obj\n{body}\nendobj\n").as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(b"xref\n");
        if prev.is_none() {
            out.extend_from_slice(b"0 1\n0000000000 65535 f\r\n");
        }
        for (n, off) in &offsets {
            out.extend_from_slice(format!("{n} 1\n{off:010} 00000 n\r\n").as_bytes());
        }
        let prev = prev.map(|p| format!(" /Prev {p}")).unwrap_or_default();
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size 10 /Root 1 0 R{prev} {trailer} >>\nstartxref\n{xref}\n%%EOF\n"
            )
            .as_bytes(),
        );
        out
    }

    fn base() -> Vec<u8> {
        revision(
            b"%PDF-1.7\n",
            &[
                (1, "<< /Type /Catalog /Pages 2 0 R >>"),
                (2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
                (3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>"),
            ],
            "",
            None,
        )
    }

    fn xref_of(bytes: &[u8]) -> u64 {
        let text = String::from_utf8_lossy(bytes);
        let at = text.rfind("startxref\n").unwrap_or(0) + 10;
        text[at..]
            .lines()
            .next()
            .and_then(|l| l.parse().ok())
            .unwrap_or(0)
    }

    fn open(bytes: &[u8]) -> Result<PdfFile<'_>, PdfError> {
        PdfFile::open(Source::bytes(bytes)?)
    }

    #[test]
    fn revisions_end_to_end() {
        let b = base();
        let prev = xref_of(&b);
        let full = revision(
            &b,
            &[(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 20 20] >>")],
            "",
            Some(prev),
        );
        let file = open(&full).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(file.revisions.len(), 2);
        assert_eq!(file.revisions[0].end, b.len() as u64);
        assert_eq!(file.revisions[1].end, full.len() as u64);
        assert_ne!(file.definition(3, 0), file.definition(3, 1));
        assert_eq!(file.definition(2, 0), file.definition(2, 1));
        let reader = PdfFile::open(
            Source::reader(Box::new(std::io::Cursor::new(full.clone())))
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reader.revisions.len(), 2);
    }

    #[test]
    fn refusals() {
        let b = base();
        let prev = xref_of(&b);
        let mut junk = b.clone();
        junk.extend_from_slice(b"4 0 obj\n(hidden)\nendobj\n");
        assert!(matches!(
            open(&junk),
            Err(PdfError::DataAfterLastRevision { .. })
        ));
        let enc = revision(
            b"%PDF-1.7\n",
            &[(1, "<< /Type /Catalog >>")],
            "/Encrypt 5 0 R",
            None,
        );
        assert!(matches!(open(&enc), Err(PdfError::Encrypted)));
        let hybrid = revision(
            b"%PDF-1.7\n",
            &[(1, "<< /Type /Catalog >>")],
            "/XRefStm 0",
            None,
        );
        assert!(matches!(open(&hybrid), Err(PdfError::HybridReference)));
        let dup = revision(
            b"%PDF-1.7\n",
            &[(1, "<< /Type /Catalog >>"), (1, "<< >>")],
            "",
            None,
        );
        assert!(matches!(
            open(&dup),
            Err(PdfError::DuplicateObject { number: 1, .. })
        ));
        // An update whose entry points at another object.
        let mut wrong = revision(&b, &[(3, "<< /Type /Page >>")], "", Some(prev));
        let at = b.len();
        wrong[at] = b'4';
        assert!(matches!(
            open(&wrong),
            Err(PdfError::XrefMismatch { number: 3, .. })
        ));
        // An update with bytes its section does not list.
        let mut hidden = b.clone();
        hidden.extend_from_slice(b"9 0 obj\n(unlisted)\nendobj\n");
        let hidden = revision(&hidden, &[(3, "<< /Type /Page >>")], "", Some(prev));
        assert!(matches!(open(&hidden), Err(PdfError::Malformed { .. })));
        assert!(matches!(open(b"%!PS-Adobe"), Err(PdfError::NotPdf)));
        // startxref pointing at a section of another revision.
        let mut skew = base();
        let text = format!("startxref\n{prev}\n%%EOF\n");
        let pos = skew.len() - text.len();
        skew.truncate(pos);
        skew.extend_from_slice(format!("startxref\n{}\n%%EOF\n", prev + 1).as_bytes());
        assert!(open(&skew).is_err());
    }

    #[test]
    fn xref_and_object_streams() {
        use std::io::Write;
        // Objects 1 and 2 in an object stream (object 3), the section a stream (object 4)
        // with the PNG Up predictor.
        let objs =
            b"1 0 2 36 << /Type /Catalog /Pages 2 0 R >>   << /Type /Pages /Kids [] /Count 0 >>";
        let first = 9;
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = enc.write_all(objs);
        let objstm = enc.finish().unwrap_or_default();
        let mut out = b"%PDF-1.7\n".to_vec();
        let off3 = out.len();
        out.extend_from_slice(format!("3 0 obj\n<< /Type /ObjStm /N 2 /First {first} /Length {} /Filter /FlateDecode >>\nstream\n", objstm.len()).as_bytes());
        out.extend_from_slice(&objstm);
        out.extend_from_slice(b"\nendstream\nendobj\n");
        let off4 = out.len();
        // Rows: type, field 2 (2 bytes), field 3 (1 byte).
        let rows: Vec<[u8; 4]> = vec![
            [0, 0, 0, 0],
            [2, 0, 3, 0],
            [2, 0, 3, 1],
            [1, (off3 >> 8) as u8, off3 as u8, 0],
            [1, (off4 >> 8) as u8, off4 as u8, 0],
        ];
        let mut raw = Vec::new();
        let mut prev = [0u8; 4];
        for r in &rows {
            raw.push(2u8);
            for i in 0..4 {
                raw.push(r[i].wrapping_sub(prev[i]));
            }
            prev = *r;
        }
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = enc.write_all(&raw);
        let xs = enc.finish().unwrap_or_default();
        out.extend_from_slice(format!("4 0 obj\n<< /Type /XRef /Size 5 /W [1 2 1] /Root 1 0 R /Length {} /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >> >>\nstream\n", xs.len()).as_bytes());
        out.extend_from_slice(&xs);
        out.extend_from_slice(
            format!("\nendstream\nendobj\nstartxref\n{off4}\n%%EOF\n").as_bytes(),
        );
        let file = open(&out).unwrap_or_else(|e| panic!("{e}"));
        let (_, cat) = file.catalog(0).unwrap_or_else(|e| panic!("{e}"));
        let pages = cat
            .as_dict()
            .and_then(|d| d.get(b"Pages".as_slice()))
            .cloned();
        let pages = file
            .resolve(&pages.unwrap_or(Object::Null), 0)
            .ok()
            .flatten();
        assert_eq!(
            pages
                .as_deref()
                .and_then(Object::as_dict)
                .and_then(|d| d.get(b"Count".as_slice()))
                .and_then(Object::as_int),
            Some(0)
        );
    }
}
