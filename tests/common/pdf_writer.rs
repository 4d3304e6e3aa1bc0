//! A minimal signed-PDF writer for tests and benches of PDF validation at sizes no fixture
//! should have: a PDF whose one content stream is `size` bytes of a repeating pattern made
//! as it is read (so a gibibyte costs no memory and no disk), signed in incremental updates
//! with kyso's CMS signing over the byte ranges.

#![allow(dead_code, clippy::unwrap_used, clippy::as_conversions)]

use std::io::{Read, Seek, SeekFrom};

use kyso::digest::{DigestAlgorithm, Hasher};
use kyso::{Certificate, SignatureBuilder, Signer, Time};

/// Space reserved for each signature value (hex digits: twice the DER bytes).
const CONTENTS_HEX: usize = 16 * 1024;

#[derive(Clone)]
enum Piece {
    Bytes(Vec<u8>),
    /// `len` bytes of `i % 251` counted from the piece's start.
    Pattern(u64),
}

impl Piece {
    fn len(&self) -> u64 {
        match self {
            Piece::Bytes(b) => b.len() as u64,
            Piece::Pattern(n) => *n,
        }
    }
}

/// A file made of byte pieces and pattern pieces, readable and seekable.
#[derive(Clone)]
pub struct VirtualPdf {
    pieces: Vec<Piece>,
    pos: u64,
    /// Offsets of the cross-reference sections, newest last.
    xrefs: Vec<u64>,
    /// Objects of the last revision's catalog and page, rewritten by each signing.
    fields: Vec<u32>,
    next_object: u32,
    /// Whether new signature fields are listed in `/AcroForm` (else they are only widgets
    /// on the page).
    pub in_acroform: bool,
}

impl VirtualPdf {
    /// A one-page PDF whose content stream holds `size` pattern bytes.
    pub fn new(size: u64) -> Self {
        let mut pdf = VirtualPdf {
            pieces: Vec::new(),
            pos: 0,
            xrefs: Vec::new(),
            fields: Vec::new(),
            next_object: 5,
            in_acroform: true,
        };
        pdf.push(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec());
        let mut offsets = Vec::new();
        offsets.push((1, pdf.len()));
        pdf.push(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n".to_vec());
        offsets.push((2, pdf.len()));
        pdf.push(b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n".to_vec());
        offsets.push((3, pdf.len()));
        pdf.push(
            b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n"
                .to_vec(),
        );
        offsets.push((4, pdf.len()));
        pdf.push(format!("4 0 obj\n<< /Length {size} >>\nstream\n").into_bytes());
        pdf.pieces.push(Piece::Pattern(size));
        pdf.push(b"\nendstream\nendobj\n".to_vec());
        pdf.section(&offsets, None);
        pdf
    }

    /// The file's length.
    pub fn len(&self) -> u64 {
        self.pieces.iter().map(Piece::len).sum()
    }

    fn push(&mut self, bytes: Vec<u8>) {
        self.pieces.push(Piece::Bytes(bytes));
    }

    /// Appends bytes written by another signer (an incremental update).
    pub fn append(&mut self, bytes: Vec<u8>) {
        self.push(bytes);
    }

    /// A cross-reference table for `offsets` and its trailer.
    fn section(&mut self, offsets: &[(u32, u64)], prev: Option<u64>) {
        let xref = self.len();
        let mut out = String::from("xref\n");
        if prev.is_none() {
            out.push_str("0 1\n0000000000 65535 f\r\n");
        }
        for (n, off) in offsets {
            out.push_str(&format!("{n} 1\n{off:010} 00000 n\r\n"));
        }
        let prev = prev.map(|p| format!(" /Prev {p}")).unwrap_or_default();
        out.push_str(&format!(
            "trailer\n<< /Size {} /Root 1 0 R{prev} >>\nstartxref\n{xref}\n%%EOF\n",
            self.next_object
        ));
        self.push(out.into_bytes());
        self.xrefs.push(xref);
    }

    /// Appends an incremental update with a new signature field `name`, signed by
    /// `signer` with `certificate` and `chain` (`ETSI.CAdES.detached`).
    pub fn sign(
        &mut self,
        name: &str,
        certificate: &Certificate,
        chain: &[Certificate],
        signer: &dyn Signer,
        time: Time,
    ) {
        self.sign_with(name, certificate, chain, signer, time, false);
    }

    /// [`VirtualPdf::sign`], or with `sha1_wrapped` the legacy `adbe.pkcs7.sha1`: the CMS
    /// envelops the SHA-1 digest of the byte ranges.
    pub fn sign_with(
        &mut self,
        name: &str,
        certificate: &Certificate,
        chain: &[Certificate],
        signer: &dyn Signer,
        time: Time,
        sha1_wrapped: bool,
    ) {
        let sub_filter = if sha1_wrapped {
            "adbe.pkcs7.sha1"
        } else {
            "ETSI.CAdES.detached"
        };
        let field = self.next_object;
        let sig = field + 1;
        self.next_object += 2;
        self.fields.push(field);
        let refs: Vec<String> = self.fields.iter().map(|f| format!("{f} 0 R")).collect();
        let refs = refs.join(" ");
        let mut offsets = Vec::new();
        offsets.push((1, self.len()));
        self.push(
            format!(
                "1 0 obj\n<< /Type /Catalog /Pages 2 0 R{} >>\nendobj\n",
                if self.in_acroform {
                    format!(" /AcroForm << /Fields [{refs}] /SigFlags 3 >>")
                } else {
                    String::new()
                }
            )
            .into_bytes(),
        );
        offsets.push((3, self.len()));
        self.push(
            format!(
                "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [{refs}] >>\nendobj\n"
            )
            .into_bytes(),
        );
        offsets.push((field, self.len()));
        self.push(
            format!(
                "{field} 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T ({name}) /Rect [0 0 0 0] /F 132 /P 3 0 R /V {sig} 0 R >>\nendobj\n"
            )
            .into_bytes(),
        );
        let sig_at = self.len();
        offsets.push((sig, sig_at));
        let head = format!(
            "{sig} 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /{sub_filter} /ByteRange [0 0000000000 0000000000 0000000000] /Contents "
        );
        let a = sig_at + head.len() as u64;
        let b = a + CONTENTS_HEX as u64 + 2;
        let mut body = head.into_bytes();
        body.push(b'<');
        body.extend(std::iter::repeat_n(b'0', CONTENTS_HEX));
        body.push(b'>');
        body.extend_from_slice(b" /M (D:20260601000000Z) >>\nendobj\n");
        let piece = self.pieces.len();
        self.push(body);
        let prev = self.xrefs.last().copied();
        self.section(&offsets, prev);
        let c = self.len() - b;
        // The byte range, then the digest of the bytes it names.
        let range = format!("[0 {a:010} {b:010} {c:010}]");
        if let Some(Piece::Bytes(body)) = self.pieces.get_mut(piece) {
            let at = body
                .windows(range.len())
                .position(|w| w.starts_with(b"[0 0000000000"))
                .unwrap();
            body[at..at + range.len()].copy_from_slice(range.as_bytes());
        }
        let mut hasher = Hasher::new(if sha1_wrapped {
            DigestAlgorithm::Sha1
        } else {
            DigestAlgorithm::Sha256
        });
        for (from, len) in [(0, a), (b, c)] {
            let mut reader = self.clone();
            reader.seek(SeekFrom::Start(from)).unwrap();
            let mut left = len;
            let mut buf = vec![0u8; 1 << 20];
            while left > 0 {
                let n = reader.read(&mut buf[..left.min(1 << 20) as usize]).unwrap();
                hasher.update(&buf[..n]);
                left -= n as u64;
            }
        }
        let builder = SignatureBuilder::new(certificate.clone(), time).chain(chain.iter().cloned());
        let cms = if sha1_wrapped {
            builder
                .enveloping()
                .sign(hasher.finish().as_bytes(), signer)
        } else {
            builder.sign_digest(&hasher.finish(), signer)
        }
        .unwrap()
        .to_der()
        .unwrap();
        let hex: String = cms.iter().map(|b| format!("{b:02x}")).collect();
        assert!(
            hex.len() <= CONTENTS_HEX,
            "signature larger than its placeholder"
        );
        if let Some(Piece::Bytes(body)) = self.pieces.get_mut(piece) {
            let at = (a - sig_at) as usize + 1;
            body[at..at + hex.len()].copy_from_slice(hex.as_bytes());
        }
    }

    /// The whole file in memory (for sizes that fit).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len() as usize);
        let mut r = self.clone();
        r.pos = 0;
        r.read_to_end(&mut out).unwrap();
        out
    }
}

impl Read for VirtualPdf {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut start = 0u64;
        for piece in &self.pieces {
            let len = piece.len();
            if self.pos < start + len {
                let within = self.pos - start;
                let n = (len - within).min(buf.len() as u64) as usize;
                match piece {
                    Piece::Bytes(b) => {
                        buf[..n].copy_from_slice(&b[within as usize..within as usize + n]);
                    }
                    Piece::Pattern(_) => {
                        for (i, slot) in buf[..n].iter_mut().enumerate() {
                            *slot = ((within + i as u64) % 251) as u8;
                        }
                    }
                }
                self.pos += n as u64;
                return Ok(n);
            }
            start += len;
        }
        Ok(0)
    }
}

impl Seek for VirtualPdf {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let len = self.len() as i128;
        let target = match to {
            SeekFrom::Start(n) => i128::from(n),
            SeekFrom::End(d) => len + i128::from(d),
            SeekFrom::Current(d) => i128::from(self.pos) + i128::from(d),
        };
        self.pos = u64::try_from(target.max(0)).unwrap_or(0);
        Ok(self.pos)
    }
}
