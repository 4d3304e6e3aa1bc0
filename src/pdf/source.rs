//! Where the PDF's bytes come from: a slice in memory, or a reader that can seek (a file),
//! read a window at a time so that memory does not grow with the file.

use crate::pdf::wide;
use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{Read, Seek, SeekFrom};

use crate::error::{PdfError, PdfLimit};
use crate::limits::{MAX_PDF_OBJECT_BYTES, MAX_PDF_SIZE};
use crate::pdf::syntax::{Lexer, PResult, Parse};

/// A reader that can seek.
pub(crate) trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

pub(crate) enum Source<'a> {
    Bytes(&'a [u8]),
    Reader {
        inner: RefCell<Box<dyn ReadSeek + 'a>>,
        len: u64,
    },
}

impl<'a> Source<'a> {
    pub(crate) fn bytes(bytes: &'a [u8]) -> Result<Self, PdfError> {
        let len = wide(bytes.len());
        if len > MAX_PDF_SIZE {
            return Err(PdfError::TooLarge {
                what: PdfLimit::FileSize,
                limit: MAX_PDF_SIZE,
            });
        }
        Ok(Source::Bytes(bytes))
    }

    pub(crate) fn reader(mut inner: Box<dyn ReadSeek + 'a>) -> Result<Self, PdfError> {
        let len = inner
            .seek(SeekFrom::End(0))
            .map_err(|e| PdfError::Io(e.kind()))?;
        if len > MAX_PDF_SIZE {
            return Err(PdfError::TooLarge {
                what: PdfLimit::FileSize,
                limit: MAX_PDF_SIZE,
            });
        }
        Ok(Source::Reader {
            inner: RefCell::new(inner),
            len,
        })
    }

    pub(crate) fn len(&self) -> u64 {
        match self {
            Source::Bytes(b) => wide(b.len()),
            Source::Reader { len, .. } => *len,
        }
    }

    /// Up to `len` bytes from `offset` (fewer at the end of the file).
    pub(crate) fn read(&self, offset: u64, len: usize) -> Result<Cow<'a, [u8]>, PdfError> {
        let total = self.len();
        let start = offset.min(total);
        let end = start.saturating_add(wide(len)).min(total);
        match self {
            Source::Bytes(b) => {
                let (Ok(s), Ok(e)) = (usize::try_from(start), usize::try_from(end)) else {
                    return Ok(Cow::Borrowed(&[]));
                };
                Ok(Cow::Borrowed(b.get(s..e).unwrap_or_default()))
            }
            Source::Reader { inner, .. } => {
                let want = usize::try_from(end - start).unwrap_or(0);
                let mut buf = vec![0u8; want];
                let mut r = inner.borrow_mut();
                r.seek(SeekFrom::Start(start))
                    .map_err(|e| PdfError::Io(e.kind()))?;
                r.read_exact(&mut buf).map_err(|e| PdfError::Io(e.kind()))?;
                Ok(Cow::Owned(buf))
            }
        }
    }

    /// Runs `f` on a lexer over the file from `offset`, with a window that grows from
    /// `initial` bytes until `f` no longer runs out of it (at most
    /// [`MAX_PDF_OBJECT_BYTES`]).
    pub(crate) fn parse_at<T>(
        &self,
        offset: u64,
        initial: usize,
        mut f: impl FnMut(&mut Lexer<'_>) -> PResult<T>,
    ) -> Result<T, PdfError> {
        let mut size = initial.max(64);
        loop {
            let window = self.read(offset, size)?;
            let complete = offset.saturating_add(wide(window.len())) >= self.len();
            let mut lexer = Lexer::new(&window, offset, complete);
            match f(&mut lexer) {
                Ok(v) => return Ok(v),
                Err(Parse::Error(e)) => return Err(e),
                Err(Parse::Incomplete) if !complete && size < MAX_PDF_OBJECT_BYTES => {
                    size = size.saturating_mul(4).min(MAX_PDF_OBJECT_BYTES);
                }
                Err(Parse::Incomplete) => {
                    return Err(if complete {
                        PdfError::Malformed {
                            offset,
                            reason: "unexpected end of file",
                        }
                    } else {
                        PdfError::TooLarge {
                            what: PdfLimit::ObjectBytes,
                            limit: wide(MAX_PDF_OBJECT_BYTES),
                        }
                    });
                }
            }
        }
    }

    /// Feeds the bytes `[offset, offset + len)` to `sink` in chunks.
    pub(crate) fn stream_range(
        &self,
        offset: u64,
        len: u64,
        mut sink: impl FnMut(&[u8]),
    ) -> Result<(), PdfError> {
        const CHUNK: usize = 256 * 1024;
        let mut at = offset;
        let end = offset.saturating_add(len);
        while at < end {
            let n = usize::try_from((end - at).min(wide(CHUNK))).unwrap_or(CHUNK);
            let chunk = self.read(at, n)?;
            if chunk.is_empty() {
                return Err(PdfError::Malformed {
                    offset: at,
                    reason: "range beyond the end of the file",
                });
            }
            sink(&chunk);
            at += wide(chunk.len());
        }
        Ok(())
    }
}
