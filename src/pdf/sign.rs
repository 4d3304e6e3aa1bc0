//! Signing PDFs in incremental updates: PAdES baseline signatures (ETSI EN 319 142-1) in one
//! step or two, certification (DocMDP), and the long-term levels (a `/DSS`, document
//! timestamps) added to a signed file.

use std::io::{Read, Seek, SeekFrom, Write};

use crate::cert::Certificate;
use crate::cms::sign::message_digest_algorithm;
use crate::cms::{PreparedSignature, SignatureBuilder, TimeStampStamper};
use crate::digest::{Digest, DigestAlgorithm, Hasher};
use crate::error::{Error, PdfError, SigningError};
use crate::key::{SignatureAlgorithm, Signer};
use crate::pdf::PdfDocument;
use crate::pdf::appearance::SignatureAppearance;
use crate::pdf::document::PdfFile;
use crate::pdf::syntax::{Dict, ObjRef, Object};
use crate::pdf::verify::{
    docmdp_permission, document_security_store, find_signature_fields, form_fields,
};
use crate::pdf::wide;
use crate::pdf::write::{self, Update, dict, name, text_string, write_object};
use crate::time::Time;

/// Bytes reserved for a signature when the caller sets none: the certificates, the signed
/// attributes and the largest signature value, plus this margin.
const RESERVE_MARGIN: usize = 4096;
/// Bytes reserved for a signature timestamp token (a token with its TSA's chain).
const RESERVE_TIMESTAMP: usize = 12 * 1024;
/// Bytes read from the original at a time while hashing and copying it.
const CHUNK: usize = 1 << 20;

/// The changes a certification signature permits after it (DocMDP, ISO 32000-2 section
/// 12.8.2.2): the `/P` of its transform parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Certification {
    /// P=1: no changes (validation data and document timestamps only).
    NoChanges,
    /// P=2: filling in forms and signing.
    FormFilling,
    /// P=3: also annotations.
    Annotations,
}

impl Certification {
    /// The DocMDP `/P` value.
    pub fn permission(self) -> u8 {
        match self {
            Certification::NoChanges => 1,
            Certification::FormFilling => 2,
            Certification::Annotations => 3,
        }
    }

    /// The certification of DocMDP value `p` (1, 2 or 3).
    pub fn from_permission(p: u8) -> Option<Self> {
        match p {
            1 => Some(Certification::NoChanges),
            2 => Some(Certification::FormFilling),
            3 => Some(Certification::Annotations),
            _ => None,
        }
    }
}

/// Signs PDFs with PAdES baseline signatures (ETSI EN 319 142-1): an incremental update
/// appends a signature field (or fills an empty one named by [`PdfSigning::field`]), its
/// widget, and a signature dictionary with SubFilter `ETSI.CAdES.detached` whose
/// `/ByteRange` covers the whole file but the signature itself. The original bytes are
/// never rewritten; they are read twice (hashed, then copied), so memory does not grow
/// with the file.
///
/// The CMS carries content-type, message-digest and signing-certificate-v2 and no
/// signing-time attribute (PAdES puts the claimed time in `/M`). With
/// [`PdfSigning::timestamp`] it gets a signature timestamp: PAdES B-T.
///
/// ```
/// use kyso::pdf::{PdfDocument, PdfSigning};
/// use kyso::{Certificate, Revocation, SoftwareSigner, Time, TrustContext, TrustStore};
/// use kyso::{ValidationPolicy, Verifier};
/// let original = std::fs::read("test-vectors/pdf/sample-cong-van.pdf")?;
/// let cert = Certificate::from_pem(&std::fs::read("test-vectors/pki/ee-rsa2048.pem")?)?;
/// let chain = Certificate::from_file("test-vectors/pki/intermediate-ca.pem")?;
/// let key = SoftwareSigner::from_file("test-vectors/keys/ee-rsa2048.key.pem", None)?;
/// let time = Time::from_utc(2026, 6, 1, 8, 30, 0)?;
///
/// let mut signed = Vec::new();
/// PdfSigning::new(cert, time)
///     .chain(chain)
///     .reason("Phê duyệt")
///     .sign(&PdfDocument::from_bytes(&original)?, &key, &mut signed)?;
/// assert!(signed.starts_with(&original));
///
/// let roots = TrustStore::from_pem(&std::fs::read("test-vectors/pki/root-ca.pem")?)?;
/// let context = TrustContext::new(&roots, Revocation::NotChecked);
/// let report = Verifier::new(&context, ValidationPolicy::at(time))
///     .verify_pdf(&PdfDocument::from_bytes(&signed)?);
/// assert!(report.is_passed());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct PdfSigning<'a> {
    certificate: Certificate,
    builder: SignatureBuilder,
    signing_time: Time,
    field: Option<String>,
    reason: Option<String>,
    location: Option<String>,
    contact_info: Option<String>,
    signer_name: Option<String>,
    certification: Option<Certification>,
    appearance: Option<SignatureAppearance>,
    stamper: Option<&'a TimeStampStamper<'a>>,
    reserve: Option<usize>,
}

impl core::fmt::Debug for PdfSigning<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PdfSigning")
            .field("signing_time", &self.signing_time)
            .field("field", &self.field)
            .field("certification", &self.certification)
            .field("timestamped", &self.stamper.is_some())
            .finish_non_exhaustive()
    }
}

/// What a signing wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PdfSigned {
    /// The signature field's full name.
    pub field: String,
    /// The `/ByteRange` of the signature.
    pub byte_range: [u64; 4],
    /// Bytes of the DER signature (the rest of `/Contents` is zero padding).
    pub signature_len: usize,
    /// Bytes reserved for it.
    pub reserved: usize,
}

/// A PDF signature waiting for its signature value: the first of two steps. The prepared
/// PDF (the original with the update appended, `/Contents` still zeros) was written by
/// [`PdfSigning::prepare`]; send [`PreparedPdfSignature::to_be_signed`] (or
/// [`PreparedPdfSignature::digest_to_sign`]) to the signer, then call
/// [`PreparedPdfSignature::finish`] on that file with the value. The state holds no secret
/// and survives a restart as [`PreparedPdfSignature::to_bytes`]; it binds the digest of the
/// prepared PDF's signed bytes, so no other PDF can be finished with it.
#[derive(Clone, Debug)]
pub struct PreparedPdfSignature {
    cms: PreparedSignature,
    byte_range: [u64; 4],
    digest: Digest,
    field: String,
}

/// A signature field, new or existing, and the update that holds it, its `/Contents`
/// placeholder still zeros.
pub(crate) struct Built {
    update: Vec<u8>,
    /// Offsets in `update` of `<` and of the byte after `>`.
    gap: (usize, usize),
    base_len: u64,
    field: String,
}

impl Built {
    fn byte_range(&self) -> [u64; 4] {
        let start = self.base_len + wide(self.gap.0);
        let end = self.base_len + wide(self.gap.1);
        let total = self.base_len + wide(self.update.len());
        [0, start, end, total - end]
    }

    fn reserved(&self) -> usize {
        (self.gap.1 - self.gap.0).saturating_sub(2) / 2
    }

    /// The digest of the bytes the signature covers: the original, then the update
    /// around the placeholder.
    fn digest(&self, file: &PdfFile<'_>, algorithm: DigestAlgorithm) -> Result<Digest, Error> {
        let mut h = Hasher::new(algorithm);
        copy_original(file, |chunk| {
            h.update(chunk);
            Ok(())
        })?;
        h.update(self.update.get(..self.gap.0).unwrap_or_default());
        h.update(self.update.get(self.gap.1..).unwrap_or_default());
        Ok(h.finish())
    }

    /// Puts `der` in the placeholder, as hex.
    fn fill(&mut self, der: &[u8]) -> Result<(), Error> {
        let reserved = self.reserved();
        if der.len() > reserved {
            return Err(Error::Signing(SigningError::PdfReservedSpaceTooSmall {
                needed: der.len(),
                reserved,
            }));
        }
        let hex = hex_upper(der);
        if let Some(slot) = self
            .update
            .get_mut(self.gap.0 + 1..self.gap.0 + 1 + hex.len())
        {
            slot.copy_from_slice(&hex);
        }
        Ok(())
    }

    fn write(&self, file: &PdfFile<'_>, out: &mut dyn Write) -> Result<(), Error> {
        copy_original(file, |chunk| out.write_all(chunk).map_err(io_err))?;
        out.write_all(&self.update).map_err(io_err)?;
        out.flush().map_err(io_err)
    }
}

impl<'a> PdfSigning<'a> {
    /// Signs as the holder of `certificate`, claiming `signing_time` (`/M`; pass
    /// [`Time::now`] when signing now).
    pub fn new(certificate: Certificate, signing_time: Time) -> Self {
        PdfSigning {
            builder: SignatureBuilder::new(certificate.clone(), signing_time)
                .without_signing_time_attribute(),
            certificate,
            signing_time,
            field: None,
            reason: None,
            location: None,
            contact_info: None,
            signer_name: None,
            certification: None,
            appearance: None,
            stamper: None,
            reserve: None,
        }
    }

    /// Certificates to include above the signer's.
    #[must_use]
    pub fn chain(mut self, chain: impl IntoIterator<Item = Certificate>) -> Self {
        self.builder = self.builder.chain(chain);
        self
    }

    /// Signs the field of this full name: an empty signature field already in the document,
    /// or a new one. Without it a new field `Signature1` (or the next free number) is made.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>) -> Self {
        self.field = Some(name.into());
        self
    }

    /// `/Reason`.
    #[must_use]
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// `/Location`.
    #[must_use]
    pub fn location(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    /// `/ContactInfo`.
    #[must_use]
    pub fn contact_info(mut self, contact: impl Into<String>) -> Self {
        self.contact_info = Some(contact.into());
        self
    }

    /// `/Name`: the signer's name as the signing tool shows it (validators take the name
    /// from the certificate).
    #[must_use]
    pub fn signer_name(mut self, name: impl Into<String>) -> Self {
        self.signer_name = Some(name.into());
        self
    }

    /// Makes a certification signature with these DocMDP permissions. Only the first
    /// signature of a document can certify it.
    #[must_use]
    pub fn certify(mut self, certification: Certification) -> Self {
        self.certification = Some(certification);
        self
    }

    /// A visible signature: the widget on a page, drawn by `appearance`. Without it the
    /// signature is invisible (a widget with an empty rectangle on page 1).
    #[must_use]
    pub fn appearance(mut self, appearance: SignatureAppearance) -> Self {
        self.appearance = Some(appearance);
        self
    }

    /// Adds a signature timestamp from `stamper` (PAdES B-T).
    #[must_use]
    pub fn timestamp(mut self, stamper: &'a TimeStampStamper<'a>) -> Self {
        self.stamper = Some(stamper);
        self
    }

    /// Bytes to reserve for the DER signature in `/Contents`. By default: the
    /// certificates, the signed attributes and the largest signature value, plus 4 KiB,
    /// plus 12 KiB with a timestamp.
    #[must_use]
    pub fn reserve(mut self, bytes: usize) -> Self {
        self.reserve = Some(bytes);
        self
    }

    fn certificates_size(&self) -> usize {
        self.builder
            .certificates()
            .iter()
            .map(|c| c.der().len())
            .sum()
    }

    fn default_reserve(&self) -> usize {
        let certs = self.certificates_size();
        let stamp = if self.stamper.is_some() {
            RESERVE_TIMESTAMP
        } else {
            0
        };
        certs + RESERVE_MARGIN + stamp
    }

    /// Signs `pdf` with `signer` in one step and writes the signed PDF to `out`: the
    /// original bytes, then the update.
    ///
    /// With no [`PdfSigning::reserve`] given, a signature (with its timestamp) that
    /// outgrows the default reservation is made once more with the space it needs.
    ///
    /// # Errors
    ///
    /// - [`SigningError::SignerKeyMismatch`] if the signer knows its public key and it is
    ///   not the certificate's.
    /// - [`SigningError::PdfFieldNotSignature`], [`SigningError::PdfFieldAlreadySigned`]
    ///   for a [`PdfSigning::field`] that cannot take the signature.
    /// - [`SigningError::PdfCertificationNotFirst`] when certifying a signed document,
    ///   [`SigningError::PdfNoChangesPermitted`] when the document is certified with P=1.
    /// - [`SigningError::PdfPageNotFound`], [`SigningError::PdfAppearance`] for an
    ///   appearance that cannot be placed or drawn.
    /// - [`SigningError::PdfReservedSpaceTooSmall`] if the signature does not fit the
    ///   reservation given with [`PdfSigning::reserve`].
    /// - [`Error::Pdf`] if an object the update rewrites (catalog, page, form) cannot be
    ///   read, or the file is one kyso's validator refuses as a whole (a signature added
    ///   to it could never be validated); [`PdfError::Io`] if reading the original or
    ///   writing `out` fails.
    /// - Those of [`SignatureBuilder::prepare_digest`], of the signer, of
    ///   [`PreparedSignature::finish`] and of [`TimeStampStamper::stamp`]. Nothing is
    ///   written to `out` unless the signature is complete.
    pub fn sign(
        &self,
        pdf: &PdfDocument<'_>,
        signer: &dyn Signer,
        out: &mut dyn Write,
    ) -> Result<PdfSigned, Error> {
        if let (Some(key), Ok(cert_key)) = (signer.public_key(), self.certificate.public_key())
            && key.spki_der() != cert_key.spki_der()
        {
            return Err(Error::Signing(SigningError::SignerKeyMismatch));
        }
        let file = &pdf.file;
        let algorithm = signer.algorithm();
        let mut reserve = self.reserve.unwrap_or_else(|| self.default_reserve());
        let mut retried = false;
        loop {
            let mut built = self.build(file, reserve)?;
            let digest = built.digest(file, message_digest_algorithm(algorithm))?;
            let prepared = self.builder.prepare_digest(&digest, algorithm)?;
            let value = signer.sign(prepared.to_be_signed())?;
            let der = self.complete(prepared, &value, self.stamper)?;
            match built.fill(&der) {
                Ok(()) => {
                    built.write(file, out)?;
                    return Ok(PdfSigned {
                        field: built.field.clone(),
                        byte_range: built.byte_range(),
                        signature_len: der.len(),
                        reserved: built.reserved(),
                    });
                }
                Err(Error::Signing(SigningError::PdfReservedSpaceTooSmall { needed, .. }))
                    if self.reserve.is_none() && !retried =>
                {
                    retried = true;
                    reserve = needed + RESERVE_MARGIN;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// First of two steps: writes the prepared PDF to `out` (the original, then the update
    /// with `/Contents` reserved and zero) and returns the state to finish it with.
    ///
    /// # Errors
    ///
    /// Those of [`PdfSigning::sign`] that arise before a signature value is needed. A
    /// timestamp set with [`PdfSigning::timestamp`] is ignored here: pass the stamper to
    /// [`PreparedPdfSignature::finish`]. Without [`PdfSigning::reserve`], room for a
    /// signature timestamp is always reserved.
    pub fn prepare(
        &self,
        pdf: &PdfDocument<'_>,
        algorithm: SignatureAlgorithm,
        out: &mut dyn Write,
    ) -> Result<PreparedPdfSignature, Error> {
        let file = &pdf.file;
        // The timestamp is added at `finish`, so room for one is always reserved.
        let reserve = self.reserve.unwrap_or_else(|| {
            self.default_reserve()
                .max(self.certificates_size() + RESERVE_MARGIN + RESERVE_TIMESTAMP)
        });
        let built = self.build(file, reserve)?;
        let digest = built.digest(file, message_digest_algorithm(algorithm))?;
        let cms = self.builder.prepare_digest(&digest, algorithm)?;
        built.write(file, out)?;
        Ok(PreparedPdfSignature {
            cms,
            byte_range: built.byte_range(),
            digest,
            field: built.field,
        })
    }

    fn complete(
        &self,
        prepared: PreparedSignature,
        value: &[u8],
        stamper: Option<&TimeStampStamper<'_>>,
    ) -> Result<Vec<u8>, Error> {
        let mut cms = prepared.finish(value)?;
        if let Some(stamper) = stamper {
            cms = cms.add_signature_timestamps(stamper)?;
        }
        cms.to_der()
    }

    /// The update for this signature, `/Contents` reserving `reserve` bytes.
    fn build(&self, file: &PdfFile<'_>, reserve: usize) -> Result<Built, Error> {
        let mut entries: Vec<u8> = Vec::new();
        entries.extend_from_slice(
            b"/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached",
        );
        push_entry(
            &mut entries,
            "M",
            &Object::String(pdf_date(self.signing_time), (0, 0)),
        );
        for (key, value) in [
            ("Name", &self.signer_name),
            ("Reason", &self.reason),
            ("Location", &self.location),
            ("ContactInfo", &self.contact_info),
        ] {
            if let Some(v) = value {
                push_entry(&mut entries, key, &text_string(v));
            }
        }
        let spec = FieldSpec {
            field: self.field.as_deref(),
            prefix: "Signature",
            approval: true,
            certification: self.certification,
            appearance: self.appearance.as_ref(),
            entries,
            reserve,
        };
        let built = append_signature(file, &spec, self.signing_time)?;
        check_result(file, &built.update)?;
        Ok(built)
    }
}

impl PreparedPdfSignature {
    /// The exact bytes the signer must sign (the DER signed attributes).
    pub fn to_be_signed(&self) -> &[u8] {
        self.cms.to_be_signed()
    }

    /// Their digest with the algorithm's hash, for signers that sign digests; `None` for
    /// Ed25519.
    pub fn digest_to_sign(&self) -> Option<Digest> {
        self.cms.digest_to_sign()
    }

    /// The signature algorithm the value must be made with.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.cms.algorithm()
    }

    /// The `/ByteRange` of the prepared signature.
    pub fn byte_range(&self) -> [u64; 4] {
        self.byte_range
    }

    /// The signature field's full name.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The state as bytes, to store while the signer works: the CMS state of
    /// [`PreparedSignature::to_bytes`], the byte range and the digest of the prepared
    /// PDF's signed bytes.
    ///
    /// # Errors
    ///
    /// Those of [`PreparedSignature::to_bytes`].
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        let cms = self.cms.to_bytes()?;
        let mut out = Vec::new();
        out.extend_from_slice(STATE_MAGIC);
        for n in self.byte_range {
            out.extend_from_slice(&n.to_be_bytes());
        }
        put_bytes(
            &mut out,
            &self.digest.algorithm().algorithm_identifier_der(),
        );
        put_bytes(&mut out, self.digest.as_bytes());
        put_bytes(&mut out, self.field.as_bytes());
        put_bytes(&mut out, &cms);
        Ok(out)
    }

    /// Resumes a state saved with [`PreparedPdfSignature::to_bytes`]. The CMS state is
    /// checked as [`PreparedSignature::from_bytes`] checks it, and its message digest must
    /// be the saved PDF digest.
    ///
    /// # Errors
    ///
    /// [`SigningError::PdfPreparedFileMismatch`] for bytes that are not such a state, and
    /// those of [`PreparedSignature::from_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let bad = || {
            Error::Signing(SigningError::PdfPreparedFileMismatch {
                reason: "not a prepared PDF signature state",
            })
        };
        let mut rest = bytes.strip_prefix(STATE_MAGIC).ok_or_else(bad)?;
        let mut byte_range = [0u64; 4];
        for n in &mut byte_range {
            let (head, tail) = rest.split_at_checked(8).ok_or_else(bad)?;
            *n = u64::from_be_bytes(head.try_into().map_err(|_| bad())?);
            rest = tail;
        }
        let algorithm = take_bytes(&mut rest).ok_or_else(bad)?;
        let algorithm = DigestAlgorithm::from_algorithm_identifier_der(algorithm)?;
        let digest = Digest::from_bytes(algorithm, take_bytes(&mut rest).ok_or_else(bad)?)?;
        let field = String::from_utf8(take_bytes(&mut rest).ok_or_else(bad)?.to_vec())
            .map_err(|_| bad())?;
        let cms = PreparedSignature::from_bytes(take_bytes(&mut rest).ok_or_else(bad)?)?;
        if !rest.is_empty() || cms.message_digest() != Some(digest.as_bytes().to_vec()) {
            return Err(bad());
        }
        Ok(PreparedPdfSignature {
            cms,
            byte_range,
            digest,
            field,
        })
    }

    /// Second step: checks that `pdf` is the prepared PDF (its length, the digest of its
    /// signed bytes, the zeros of its `/Contents`), makes the signature with
    /// `signature_value` (and a signature timestamp from `stamper`, if given), and writes
    /// it into `/Contents` in place.
    ///
    /// # Errors
    ///
    /// - [`SigningError::PdfPreparedFileMismatch`] if `pdf` is not the prepared file;
    ///   nothing is written to it then.
    /// - [`SigningError::PdfReservedSpaceTooSmall`] if the signature does not fit.
    /// - Those of [`PreparedSignature::finish`] and of [`TimeStampStamper::stamp`];
    ///   [`PdfError::Io`] if reading or writing `pdf` fails.
    pub fn finish<F: Read + Write + Seek>(
        self,
        signature_value: &[u8],
        stamper: Option<&TimeStampStamper<'_>>,
        pdf: &mut F,
    ) -> Result<PdfSigned, Error> {
        let [_, start, end, tail] = self.byte_range;
        let mismatch = |reason| Error::Signing(SigningError::PdfPreparedFileMismatch { reason });
        let len = pdf.seek(SeekFrom::End(0)).map_err(io_err)?;
        if Some(len) != end.checked_add(tail) || start >= end {
            return Err(mismatch("its length differs"));
        }
        let mut h = Hasher::new(self.digest.algorithm());
        hash_range(pdf, 0, start, &mut h)?;
        hash_range(pdf, end, tail, &mut h)?;
        if h.finish().as_bytes() != self.digest.as_bytes() {
            return Err(mismatch("its signed bytes differ"));
        }
        let gap_len = usize::try_from(end - start).map_err(|_| mismatch("its length differs"))?;
        let mut gap = vec![0u8; gap_len];
        pdf.seek(SeekFrom::Start(start)).map_err(io_err)?;
        pdf.read_exact(&mut gap).map_err(io_err)?;
        let zeros = gap.len() >= 2
            && gap.first() == Some(&b'<')
            && gap.last() == Some(&b'>')
            && gap
                .get(1..gap.len() - 1)
                .is_some_and(|g| g.iter().all(|b| *b == b'0'));
        if !zeros {
            return Err(mismatch("its /Contents is not the reserved zeros"));
        }
        let mut cms = self.cms.finish(signature_value)?;
        if let Some(stamper) = stamper {
            cms = cms.add_signature_timestamps(stamper)?;
        }
        let der = cms.to_der()?;
        let reserved = (gap_len - 2) / 2;
        if der.len() > reserved {
            return Err(Error::Signing(SigningError::PdfReservedSpaceTooSmall {
                needed: der.len(),
                reserved,
            }));
        }
        pdf.seek(SeekFrom::Start(start + 1)).map_err(io_err)?;
        pdf.write_all(&hex_upper(&der)).map_err(io_err)?;
        pdf.flush().map_err(io_err)?;
        Ok(PdfSigned {
            field: self.field,
            byte_range: self.byte_range,
            signature_len: der.len(),
            reserved,
        })
    }
}

const STATE_MAGIC: &[u8] = b"kyso-prepared-pdf-signature-1\0";

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&wide(b.len()).to_be_bytes());
    out.extend_from_slice(b);
}

fn take_bytes<'b>(rest: &mut &'b [u8]) -> Option<&'b [u8]> {
    let (len, tail) = rest.split_at_checked(8)?;
    let len = usize::try_from(u64::from_be_bytes(len.try_into().ok()?)).ok()?;
    let (value, tail) = tail.split_at_checked(len)?;
    *rest = tail;
    Some(value)
}

fn hash_range<F: Read + Seek>(
    f: &mut F,
    start: u64,
    len: u64,
    h: &mut Hasher,
) -> Result<(), Error> {
    f.seek(SeekFrom::Start(start)).map_err(io_err)?;
    let mut left = len;
    let mut buf = vec![0u8; CHUNK];
    while left > 0 {
        let n = usize::try_from(left.min(wide(CHUNK))).unwrap_or(CHUNK);
        let slot = buf.get_mut(..n).unwrap_or_default();
        f.read_exact(slot).map_err(io_err)?;
        h.update(slot);
        left -= wide(n);
    }
    Ok(())
}

/// What distinguishes one kind of signature field from another.
pub(crate) struct FieldSpec<'s> {
    pub(crate) field: Option<&'s str>,
    /// The prefix of generated field names.
    pub(crate) prefix: &'static str,
    /// An approval or certification signature (not a document timestamp).
    pub(crate) approval: bool,
    pub(crate) certification: Option<Certification>,
    pub(crate) appearance: Option<&'s SignatureAppearance>,
    /// The signature dictionary's entries before `/Reference`, `/ByteRange`, `/Contents`.
    pub(crate) entries: Vec<u8>,
    pub(crate) reserve: usize,
}

fn push_entry(out: &mut Vec<u8>, key: &str, value: &Object) {
    out.push(b' ');
    write::write_name(out, key.as_bytes());
    out.push(b' ');
    write_object(out, value);
}

/// Appends a signature field (or fills `spec.field`) with its signature dictionary.
pub(crate) fn append_signature(
    file: &PdfFile<'_>,
    spec: &FieldSpec<'_>,
    seed_time: Time,
) -> Result<Built, Error> {
    let last = file.revisions.len().saturating_sub(1);
    let (cat_ref, cat_obj) = file.catalog(last)?;
    let mut catalog = cat_obj.as_dict().cloned().unwrap_or_default();
    let (certified, has_signatures) = check_may_sign(file, &catalog, last, spec)?;
    let nodes = form_fields(file, &catalog, last)?;
    let pages = page_list(file, &catalog, last)?;
    let mut seed = Vec::new();
    seed.extend_from_slice(&file.src.len().to_be_bytes());
    seed.extend_from_slice(&seed_time.unix().to_be_bytes());
    seed.extend_from_slice(&spec.entries);
    let mut update = Update::new(file, &seed);
    let sig_ref = ObjRef {
        number: update.allocate(),
        generation: 0,
    };

    let (field_ref, mut field_dict, field_name, new_field) =
        choose_field(file, last, &nodes, spec, certified, &mut update)?;
    field_dict.insert(b"V".to_vec(), Object::Ref(sig_ref));

    let page = if new_field {
        Some(place_widget(
            file,
            &pages,
            last,
            spec,
            &mut update,
            field_ref,
            &mut field_dict,
        )?)
    } else {
        None
    };
    if let Some(appearance) = spec.appearance {
        draw_widget(
            file,
            last,
            &pages,
            appearance,
            &mut update,
            page,
            &mut field_dict,
        )?;
    }

    let mut catalog_changed =
        add_to_form(file, &mut catalog, last, &mut update, field_ref, new_field)?;

    // Certification: /Perms /DocMDP names the signature.
    let mut entries = spec.entries.clone();
    if let Some(c) = spec.certification {
        let mut perms = file
            .dict_of(&catalog, b"Perms", last)?
            .as_deref()
            .and_then(Object::as_dict)
            .cloned()
            .unwrap_or_default();
        perms.insert(b"DocMDP".to_vec(), Object::Ref(sig_ref));
        catalog.insert(b"Perms".to_vec(), Object::Dict(perms));
        catalog_changed = true;
        let reference = Object::Array(vec![docmdp_reference(c.permission())]);
        push_entry(&mut entries, "Reference", &reference);
    }
    // A field lock (ISO 32000-2 section 12.7.5.5) becomes the signature's FieldMDP
    // reference, so that validators hold the locked fields to it.
    if !new_field && let Some(lock) = file.dict_of(&field_dict, b"Lock", last)? {
        let lock = lock.as_dict().cloned().unwrap_or_default();
        if lock.contains_key(b"P".as_slice()) {
            // A lock that certifies the document: only as its first signature.
            if has_signatures || spec.certification.is_some() {
                return Err(Error::Signing(SigningError::PdfCertificationNotFirst));
            }
        }
        let mut params = dict([
            ("Type", name_obj("TransformParams")),
            ("V", name_obj("1.2")),
        ]);
        for key in [b"Action".as_slice(), b"Fields"] {
            if let Some(v) = lock.get(key) {
                params.insert(key.to_vec(), v.clone());
            }
        }
        let mut references = vec![Object::Dict(dict([
            ("Type", name_obj("SigRef")),
            ("TransformMethod", name_obj("FieldMDP")),
            ("TransformParams", Object::Dict(params)),
            ("Data", Object::Ref(cat_ref)),
        ]))];
        if let Some(p) = lock.get(b"P".as_slice()).and_then(Object::as_int) {
            let p = u8::try_from(p.clamp(1, 3)).unwrap_or(2);
            let mut perms = file
                .dict_of(&catalog, b"Perms", last)?
                .as_deref()
                .and_then(Object::as_dict)
                .cloned()
                .unwrap_or_default();
            perms.insert(b"DocMDP".to_vec(), Object::Ref(sig_ref));
            catalog.insert(b"Perms".to_vec(), Object::Dict(perms));
            catalog_changed = true;
            references.insert(0, docmdp_reference(p));
        }
        push_entry(&mut entries, "Reference", &Object::Array(references));
    }
    if catalog_changed {
        update.object(cat_ref, &Object::Dict(catalog));
    }
    update.object(field_ref, &Object::Dict(field_dict));

    write_signature_dictionary(file, update, sig_ref, &entries, spec.reserve, field_name)
}

/// Puts the new widget `field_ref` on its page: `/P` and `/Rect` in `field_dict`, and the
/// page's `/Annots` (or the array it refers to) rewritten with it.
fn place_widget(
    file: &PdfFile<'_>,
    pages: &[ObjRef],
    last: usize,
    spec: &FieldSpec<'_>,
    update: &mut Update,
    field_ref: ObjRef,
    field_dict: &mut Dict,
) -> Result<ObjRef, Error> {
    let page_number = spec.appearance.map_or(1, SignatureAppearance::page);
    let page_ref = *pages
        .get(page_number.wrapping_sub(1))
        .ok_or(Error::Signing(SigningError::PdfPageNotFound {
            page: page_number,
            pages: pages.len(),
        }))?;
    field_dict.insert(b"P".to_vec(), Object::Ref(page_ref));
    let rect = spec.appearance.map_or([0.0; 4], SignatureAppearance::rect);
    if spec.appearance.is_some()
        && let Some(b) = inherited_box(file, page_ref, last)?
        && (rect[0] < b[0] - 1.0
            || rect[1] < b[1] - 1.0
            || rect[2] > b[2] + 1.0
            || rect[3] > b[3] + 1.0)
    {
        return Err(Error::Signing(SigningError::PdfAppearance {
            reason: format!("the rectangle {rect:?} is not inside page {page_number} ({b:?})"),
        }));
    }
    field_dict.insert(
        b"Rect".to_vec(),
        Object::Array(rect.iter().map(|x| write::real(*x)).collect()),
    );
    // The page's /Annots gets the widget.
    let page_obj = file.get(page_ref, last)?;
    let mut page = page_obj
        .as_deref()
        .and_then(Object::as_dict)
        .cloned()
        .ok_or_else(|| not_dict("a page"))?;
    match page.get(b"Annots".as_slice()).cloned() {
        Some(Object::Ref(ar)) => {
            let mut items = file
                .get(ar, last)?
                .as_deref()
                .and_then(Object::as_array)
                .map(<[Object]>::to_vec)
                .unwrap_or_default();
            items.push(Object::Ref(field_ref));
            // An array other pages share too: this page gets its own copy, or the widget
            // would show on every one of them.
            let mut shared = false;
            for other in pages.iter().filter(|p| **p != page_ref) {
                let annots = file
                    .get(*other, last)?
                    .as_deref()
                    .and_then(Object::as_dict)
                    .and_then(|d| d.get(b"Annots".as_slice()))
                    .and_then(Object::as_ref);
                if annots == Some(ar) {
                    shared = true;
                    break;
                }
            }
            if shared {
                page.insert(b"Annots".to_vec(), Object::Array(items));
                update.object(page_ref, &Object::Dict(page));
            } else {
                update.object(ar, &Object::Array(items));
            }
        }
        Some(Object::Array(mut items)) => {
            items.push(Object::Ref(field_ref));
            page.insert(b"Annots".to_vec(), Object::Array(items));
            update.object(page_ref, &Object::Dict(page));
        }
        _ => {
            page.insert(
                b"Annots".to_vec(),
                Object::Array(vec![Object::Ref(field_ref)]),
            );
            update.object(page_ref, &Object::Dict(page));
        }
    }
    Ok(page_ref)
}

/// An entry of a page, inherited from its ancestors (ISO 32000-2 section 7.7.3.4).
fn inherited(
    file: &PdfFile<'_>,
    page: ObjRef,
    last: usize,
    key: &[u8],
) -> Result<Option<std::rc::Rc<Object>>, Error> {
    let mut node = file.get(page, last)?;
    for _ in 0..crate::limits::MAX_PDF_REFERENCE_DEPTH {
        let Some(d) = node.as_deref().and_then(Object::as_dict) else {
            break;
        };
        if let Some(v) = d.get(key) {
            return Ok(file.resolve(v, last)?);
        }
        let Some(parent) = d.get(b"Parent".as_slice()).and_then(Object::as_ref) else {
            break;
        };
        node = file.get(parent, last)?;
    }
    Ok(None)
}

/// The visible area of a page: its `/CropBox`, else its `/MediaBox`, normalised.
fn inherited_box(file: &PdfFile<'_>, page: ObjRef, last: usize) -> Result<Option<[f64; 4]>, Error> {
    for key in [b"CropBox".as_slice(), b"MediaBox"] {
        if let Some(r) = inherited(file, page, last, key)?
            .as_deref()
            .and_then(Object::as_array)
            .and_then(rect_of)
        {
            return Ok(Some([
                r[0].min(r[2]),
                r[1].min(r[3]),
                r[0].max(r[2]),
                r[1].max(r[3]),
            ]));
        }
    }
    Ok(None)
}

/// A page's `/Rotate`, inherited, as 0, 90, 180 or 270.
fn page_rotation(file: &PdfFile<'_>, page: ObjRef, last: usize) -> Result<u16, Error> {
    let r = inherited(file, page, last, b"Rotate")?
        .as_deref()
        .and_then(Object::as_int)
        .unwrap_or(0);
    Ok(u16::try_from(r.rem_euclid(360) / 90 * 90).unwrap_or(0))
}

/// Lists the new field in `/AcroForm /Fields` and sets `/SigFlags 3` (signatures exist,
/// append only): the form object is rewritten, or, for a form inside the catalog, the
/// catalog (returns whether it changed).
fn add_to_form(
    file: &PdfFile<'_>,
    catalog: &mut Dict,
    last: usize,
    update: &mut Update,
    field_ref: ObjRef,
    new_field: bool,
) -> Result<bool, Error> {
    let mut catalog_changed = false;
    let (form_ref, mut form) = match catalog.get(b"AcroForm".as_slice()) {
        Some(Object::Ref(r)) => (
            Some(*r),
            file.get(*r, last)?
                .as_deref()
                .and_then(Object::as_dict)
                .cloned()
                .unwrap_or_default(),
        ),
        Some(Object::Dict(d)) => (None, d.clone()),
        _ => (None, Dict::new()),
    };
    if new_field {
        match form.get(b"Fields".as_slice()).cloned() {
            Some(Object::Ref(fr)) => {
                let mut items = file
                    .get(fr, last)?
                    .as_deref()
                    .and_then(Object::as_array)
                    .map(<[Object]>::to_vec)
                    .unwrap_or_default();
                items.push(Object::Ref(field_ref));
                update.object(fr, &Object::Array(items));
            }
            Some(Object::Array(mut items)) => {
                items.push(Object::Ref(field_ref));
                form.insert(b"Fields".to_vec(), Object::Array(items));
            }
            _ => {
                form.insert(
                    b"Fields".to_vec(),
                    Object::Array(vec![Object::Ref(field_ref)]),
                );
            }
        }
    }
    let flags = form
        .get(b"SigFlags".as_slice())
        .and_then(Object::as_int)
        .unwrap_or(0);
    form.insert(b"SigFlags".to_vec(), Object::Integer(flags | 3));
    match form_ref {
        Some(r) => update.object(r, &Object::Dict(form)),
        None => {
            catalog.insert(b"AcroForm".to_vec(), Object::Dict(form));
            catalog_changed = true;
        }
    }
    Ok(catalog_changed)
}

/// Writes the signature dictionary `sig_ref` (`entries`, then `/ByteRange` and a
/// `/Contents` of `reserve` zero bytes) and ends the update; `/ByteRange` is filled once
/// the update's length is known.
fn write_signature_dictionary(
    file: &PdfFile<'_>,
    mut update: Update,
    sig_ref: ObjRef,
    entries: &[u8],
    reserve: usize,
    field_name: String,
) -> Result<Built, Error> {
    let mut body = b"<<".to_vec();
    body.extend_from_slice(entries);
    body.extend_from_slice(b" /ByteRange [");
    let range_at = body.len();
    body.extend_from_slice(&[b' '; BYTE_RANGE_WIDTH]);
    body.extend_from_slice(b"] /Contents ");
    let gap_start = body.len();
    body.push(b'<');
    body.resize(body.len() + 2 * reserve, b'0');
    body.push(b'>');
    let gap_end = body.len();
    body.extend_from_slice(b">>");
    let at = update.raw_object(sig_ref, &body);
    let base_len = file.src.len();
    let mut bytes = update.finish();
    let gap = (at + gap_start, at + gap_end);
    let total = base_len + wide(bytes.len());
    let start = base_len + wide(gap.0);
    let end = base_len + wide(gap.1);
    let range = format!("0 {start} {end} {}", total - end);
    if let Some(slot) = bytes.get_mut(at + range_at..at + range_at + range.len()) {
        slot.copy_from_slice(range.as_bytes());
    }
    Ok(Built {
        update: bytes,
        gap,
        base_len,
        field: field_name,
    })
}

/// A certification only as the first signature; no approval signature after a
/// certification with P=1.
fn check_may_sign(
    file: &PdfFile<'_>,
    catalog: &Dict,
    last: usize,
    spec: &FieldSpec<'_>,
) -> Result<(bool, bool), Error> {
    let signed = find_signature_fields(file, last)?;
    if spec.approval && spec.certification.is_some() && !signed.is_empty() {
        return Err(Error::Signing(SigningError::PdfCertificationNotFirst));
    }
    let mut certified = false;
    if let Some(perms) = file.dict_of(catalog, b"Perms", last)?
        && let Some(sig) = perms
            .as_dict()
            .map(|p| file.dict_of(p, b"DocMDP", last))
            .transpose()?
            .flatten()
        && let Some(sd) = sig.as_dict()
    {
        certified = true;
        if spec.approval && docmdp_permission(file, sd, last, true) == Some(1) {
            return Err(Error::Signing(SigningError::PdfNoChangesPermitted));
        }
    }
    Ok((certified, !signed.is_empty()))
}

/// Reads the signed result as validation will, before anything is signed or written: the
/// original with `tail` appended, its signature fields, its `/DSS`, and every object
/// reachable from its trailer compared with the original's (what validating any earlier
/// signature walks, now or after a later update). A file with a malformed object on that
/// way is refused: a signature added to it could never be validated.
fn check_result(file: &PdfFile<'_>, tail: &[u8]) -> Result<(), Error> {
    let result = PdfDocument::from_reader(Appended { file, tail, pos: 0 })?;
    let f = &result.file;
    let last = f.revisions.len().saturating_sub(1);
    find_signature_fields(f, last)?;
    document_security_store(f, last)?;
    let mut visits = 0usize;
    // What changed since the original, and since every signed revision of it: what
    // validating each earlier signature will walk (from its own revision, which reaches
    // other objects of a malformed original than the last revision does).
    crate::pdf::changes::Analysis::run(f, last.saturating_sub(1), &mut visits)?;
    for revision in crate::pdf::verify::judged_revisions(f)? {
        crate::pdf::changes::Analysis::run(f, revision, &mut visits)?;
    }
    Ok(())
}

/// The field to sign: the empty signature field `spec.field` names, or a new one (a merged
/// field and widget, its number allocated in `update`).
fn choose_field(
    file: &PdfFile<'_>,
    last: usize,
    nodes: &[crate::pdf::verify::FieldNode],
    spec: &FieldSpec<'_>,
    certified: bool,
    update: &mut Update,
) -> Result<(ObjRef, Dict, String, bool), Error> {
    let existing = spec
        .field
        .and_then(|n| nodes.iter().find(|node| node.name == n));
    let chosen = match existing {
        Some(node) => {
            if node.field_type.as_deref() != Some(b"Sig") {
                return Err(Error::Signing(SigningError::PdfFieldNotSignature {
                    field: node.name.clone(),
                }));
            }
            let d = node.object.as_dict().cloned().unwrap_or_default();
            if d.get(b"V".as_slice())
                .is_some_and(|v| !matches!(v, Object::Null))
            {
                return Err(Error::Signing(SigningError::PdfFieldAlreadySigned {
                    field: node.name.clone(),
                }));
            }
            let mandatory = file
                .dict_of(&d, b"SV", last)?
                .as_deref()
                .and_then(Object::as_dict)
                .and_then(|sv| sv.get(b"Ff".as_slice()))
                .and_then(Object::as_int)
                .is_some_and(|ff| ff != 0);
            if mandatory {
                return Err(Error::Signing(SigningError::PdfSeedValuesRequired {
                    field: node.name.clone(),
                }));
            }
            (node.r, d, node.name.clone(), false)
        }
        None => {
            if certified && spec.approval && spec.appearance.is_some() {
                return Err(Error::Signing(
                    SigningError::PdfNewVisibleFieldAfterCertification,
                ));
            }
            let name = match spec.field {
                Some(n) => {
                    let reason = if n.is_empty() {
                        Some("empty")
                    } else if n.contains('.') {
                        Some("a partial field name has no period")
                    } else if n.chars().count() > 256 {
                        Some("longer than 256 characters")
                    } else {
                        None
                    };
                    if let Some(reason) = reason {
                        return Err(Error::Signing(SigningError::PdfFieldName {
                            name: n.to_string(),
                            reason,
                        }));
                    }
                    n.to_string()
                }
                None => (1..)
                    .map(|i| format!("{}{i}", spec.prefix))
                    .find(|n| !nodes.iter().any(|node| &node.name == n))
                    .unwrap_or_else(|| spec.prefix.to_string()),
            };
            let r = ObjRef {
                number: update.allocate(),
                generation: 0,
            };
            let d = dict([
                ("Type", name_obj("Annot")),
                ("Subtype", name_obj("Widget")),
                ("FT", name_obj("Sig")),
                ("T", text_string(&name)),
                ("F", Object::Integer(132)),
            ]);
            (r, d, name, true)
        }
    };
    Ok(chosen)
}

/// A DocMDP signature reference with permission `p`.
fn docmdp_reference(p: u8) -> Object {
    Object::Dict(dict([
        ("Type", name_obj("SigRef")),
        ("TransformMethod", name_obj("DocMDP")),
        (
            "TransformParams",
            Object::Dict(dict([
                ("Type", name_obj("TransformParams")),
                ("P", Object::Integer(i64::from(p))),
                ("V", name_obj("1.2")),
            ])),
        ),
    ]))
}

/// Draws `appearance` on the signature's widget: the new widget on `page`, the existing
/// field when it is its own widget, or its one widget kid (rewritten in the update). The
/// rectangle is the widget's own for an existing field; the page's `/Rotate` turns the
/// appearance so that it reads upright.
fn draw_widget(
    file: &PdfFile<'_>,
    last: usize,
    pages: &[ObjRef],
    appearance: &SignatureAppearance,
    update: &mut Update,
    page: Option<ObjRef>,
    field_dict: &mut Dict,
) -> Result<(), Error> {
    let bad = |reason: String| Error::Signing(SigningError::PdfAppearance { reason });
    let is_widget = |d: &Dict| {
        d.get(b"Subtype".as_slice()).and_then(Object::as_name) == Some(b"Widget")
            || d.contains_key(b"Rect".as_slice())
    };
    // The widget: (its object to rewrite, if not the field; its dictionary).
    let mut kid: Option<(ObjRef, Dict)> = None;
    if page.is_none() && !is_widget(field_dict) {
        let kids = match field_dict.get(b"Kids".as_slice()) {
            Some(k) => file.resolve(k, last)?,
            None => None,
        };
        let mut widgets = Vec::new();
        for k in kids
            .as_deref()
            .and_then(Object::as_array)
            .unwrap_or_default()
        {
            if let Some(r) = k.as_ref()
                && let Some(d) = file.get(r, last)?.as_deref().and_then(Object::as_dict)
                && is_widget(d)
            {
                widgets.push((r, d.clone()));
            }
        }
        if widgets.len() != 1 {
            return Err(bad(format!(
                "the field has {} widgets; kyso draws on a field with one",
                widgets.len()
            )));
        }
        kid = widgets.pop();
    }
    let widget: &mut Dict = match &mut kid {
        Some((_, d)) => d,
        None => field_dict,
    };
    let rect = if page.is_some() {
        appearance.rect()
    } else {
        widget_rect(widget).ok_or_else(|| bad("the field's widget has no /Rect".into()))?
    };
    let rect = [
        rect[0].min(rect[2]),
        rect[1].min(rect[3]),
        rect[0].max(rect[2]),
        rect[1].max(rect[3]),
    ];
    if rect[2] - rect[0] < 1.0 || rect[3] - rect[1] < 1.0 {
        return Err(bad(
            "the field's widget has no area: it cannot be visible".into()
        ));
    }
    let on_page = match page {
        Some(p) => Some(p),
        None => match widget.get(b"P".as_slice()).and_then(Object::as_ref) {
            Some(p) if pages.contains(&p) => Some(p),
            _ => None,
        },
    };
    let rotation = match on_page {
        Some(p) => page_rotation(file, p, last)?,
        None => 0,
    };
    let ap = appearance.write(update, rect, rotation)?;
    widget.insert(b"AP".to_vec(), Object::Dict(dict([("N", Object::Ref(ap))])));
    if let Some((r, d)) = kid {
        update.object(r, &Object::Dict(d));
    }
    Ok(())
}

/// Space for the four `/ByteRange` numbers (each at most 20 digits).
const BYTE_RANGE_WIDTH: usize = 4 * 21;

fn name_obj(n: &str) -> Object {
    name(n)
}

fn not_dict(what: &'static str) -> Error {
    Error::Pdf(PdfError::Malformed {
        offset: 0,
        reason: match what {
            "a page" => "a page is not a dictionary",
            _ => "an object to update is not a dictionary",
        },
    })
}

fn widget_rect(d: &Dict) -> Option<[f64; 4]> {
    let a = d.get(b"Rect".as_slice())?.as_array()?;
    let mut r = [0.0; 4];
    for (slot, o) in r.iter_mut().zip(a) {
        *slot = match o {
            Object::Integer(i) => f64::from(i32::try_from(*i).ok()?),
            Object::Real(t) => core::str::from_utf8(t).ok()?.parse().ok()?,
            _ => return None,
        };
    }
    Some(r)
}

/// The pages of the document in order, within the visit bound.
pub(crate) fn page_list(
    file: &PdfFile<'_>,
    catalog: &Dict,
    last: usize,
) -> Result<Vec<ObjRef>, PdfError> {
    let mut out = Vec::new();
    let mut stack: Vec<(Object, usize)> = catalog
        .get(b"Pages".as_slice())
        .map(|p| vec![(p.clone(), 0)])
        .unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    while let Some((node, depth)) = stack.pop() {
        let Some(r) = node.as_ref() else { continue };
        if depth > crate::limits::MAX_PDF_REFERENCE_DEPTH * 4 {
            // Skipping a subtree would number the pages wrongly.
            return Err(PdfError::TooLarge {
                what: crate::error::PdfLimit::ReferenceDepth,
                limit: wide(crate::limits::MAX_PDF_REFERENCE_DEPTH * 4),
            });
        }
        if !seen.insert(r) {
            continue;
        }
        if seen.len() > crate::limits::MAX_PDF_VISITS {
            return Err(PdfError::TooLarge {
                what: crate::error::PdfLimit::Visits,
                limit: wide(crate::limits::MAX_PDF_VISITS),
            });
        }
        let Some(obj) = file.get(r, last)? else {
            continue;
        };
        let Some(d) = obj.as_dict() else { continue };
        match d.get(b"Kids".as_slice()) {
            Some(kids) => {
                let kids = file.resolve(kids, last)?;
                for k in kids
                    .as_deref()
                    .and_then(Object::as_array)
                    .unwrap_or_default()
                    .iter()
                    .rev()
                {
                    stack.push((k.clone(), depth + 1));
                }
            }
            None => out.push(r),
        }
    }
    Ok(out)
}

/// Streams the original file's bytes to `sink`, a chunk at a time.
pub(crate) fn copy_original(
    file: &PdfFile<'_>,
    mut sink: impl FnMut(&[u8]) -> Result<(), Error>,
) -> Result<(), Error> {
    let len = file.src.len();
    let mut at = 0u64;
    while at < len {
        let n = usize::try_from((len - at).min(wide(CHUNK))).unwrap_or(CHUNK);
        let chunk = file.src.read(at, n)?;
        if chunk.is_empty() {
            return Err(Error::Pdf(PdfError::Io(std::io::ErrorKind::UnexpectedEof)));
        }
        sink(&chunk)?;
        at += wide(chunk.len());
    }
    Ok(())
}

fn io_err(e: std::io::Error) -> Error {
    Error::Pdf(PdfError::Io(e.kind()))
}

fn hex_upper(der: &[u8]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(der.len() * 2);
    for b in der {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 15)]);
    }
    out
}

/// `/M` and other PDF dates: `D:YYYYMMDDHHmmSS+00'00'` (UTC).
pub(crate) fn pdf_date(t: Time) -> Vec<u8> {
    let (y, mo, d, h, mi, s) = t.to_civil();
    format!("D:{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}+00'00'").into_bytes()
}

impl PdfDocument<'_> {
    /// PAdES B-LTA: appends a document timestamp (`/DocTimeStamp`, SubFilter
    /// `ETSI.RFC3161`) from `stamper` over the whole file, in an update written with the
    /// file to `out`. Add the validation data first ([`PdfDocument::add_validation_data`]):
    /// the timestamp then protects it too.
    ///
    /// # Errors
    ///
    /// Those of [`TimeStampStamper::stamp_digest`] (the token is checked before it is
    /// used), [`SigningError::PdfReservedSpaceTooSmall`] if a token twice larger than the
    /// first reservation comes back, [`Error::Pdf`] if an object the update rewrites cannot
    /// be read, [`PdfError::Io`] if writing fails. Nothing is written to `out` on error.
    pub fn add_document_timestamp(
        &self,
        stamper: &TimeStampStamper<'_>,
        out: &mut dyn Write,
    ) -> Result<PdfSigned, Error> {
        let mut reserve = RESERVE_TIMESTAMP;
        let mut retried = false;
        loop {
            let spec = FieldSpec {
                field: None,
                prefix: "DocTimeStamp",
                approval: false,
                certification: None,
                appearance: None,
                entries: b"/Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161"
                    .to_vec(),
                reserve,
            };
            let mut built = append_signature(&self.file, &spec, Time::now())?;
            check_result(&self.file, &built.update)?;
            let digest = built.digest(&self.file, stamper.imprint_algorithm())?;
            let (token, _) = stamper.stamp_digest(&digest)?;
            match built.fill(token.der()) {
                Ok(()) => {
                    built.write(&self.file, out)?;
                    return Ok(PdfSigned {
                        field: built.field.clone(),
                        byte_range: built.byte_range(),
                        signature_len: token.der().len(),
                        reserved: built.reserved(),
                    });
                }
                Err(Error::Signing(SigningError::PdfReservedSpaceTooSmall { needed, .. }))
                    if !retried =>
                {
                    retried = true;
                    reserve = needed + RESERVE_MARGIN;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// PAdES B-LT: validates every signature and document timestamp with `verifier`,
    /// revocation required for every certificate of every chain (signers' and TSAs'), and
    /// appends a `/DSS` (ETSI EN 319 142-1 section 5.4) holding the certificates, CRLs and
    /// OCSP responses that proved them, in an update written with the file to `out`.
    /// Items already in the file's `/DSS` are kept.
    ///
    /// Before returning, the result is validated as it will be once every certificate has
    /// expired: offline, one day after the last of them, revocation required, with no data
    /// but the file's. Approval signatures need a signature timestamp for that (PAdES B-T).
    ///
    /// # Errors
    ///
    /// - [`Error::Pdf`] if the file is refused.
    /// - [`SigningError::SignatureNotValid`] if a signature is not TOTAL-PASSED (a
    ///   revocation status that could not be found makes it INDETERMINATE / TRY_LATER);
    ///   `signer` is its index in the report.
    /// - [`SigningError::TimestampRequired`] if an approval signature has no signature
    ///   timestamp that verifies.
    /// - [`SigningError::LongTermValidationFailed`] if the result would not validate offline
    ///   after the certificates expire.
    /// - [`PdfError::Io`] if writing fails. Nothing is written to `out` on error.
    pub fn add_validation_data(
        &self,
        verifier: &crate::cms::Verifier<'_>,
        out: &mut dyn Write,
    ) -> Result<(), Error> {
        use crate::revocation::Evidence;
        let verifier = verifier.clone().revocation_required();
        let report = verifier.verify_pdf(self);
        if let Some(e) = report.error {
            return Err(Error::Pdf(e));
        }
        let mut certs: Vec<Vec<u8>> = Vec::new();
        let mut crls: Vec<Vec<u8>> = Vec::new();
        let mut ocsps: Vec<Vec<u8>> = Vec::new();
        let push = |list: &mut Vec<Vec<u8>>, der: &[u8]| {
            if !list.iter().any(|d| d == der) {
                list.push(der.to_vec());
            }
        };
        for (i, s) in report.signatures.iter().enumerate() {
            let r = &s.report;
            if !r.is_passed() {
                return Err(Error::Signing(SigningError::SignatureNotValid {
                    signer: i,
                    indication: r.indication,
                    sub_indication: r.sub_indication,
                }));
            }
            if s.kind != crate::pdf::PdfSignatureKind::DocumentTimestamp
                && r.best_signature_time.is_none()
            {
                return Err(Error::Signing(SigningError::TimestampRequired {
                    signer: i,
                }));
            }
            for c in &r.used_certificates {
                push(&mut certs, c.der());
            }
            for e in &r.evidence {
                match e {
                    Evidence::Crl(c) => push(&mut crls, c.der()),
                    Evidence::Ocsp(o) => push(&mut ocsps, o.der()),
                }
            }
        }
        let file = &self.file;
        let last = file.revisions.len().saturating_sub(1);
        let (cat_ref, cat_obj) = file.catalog(last)?;
        let mut catalog = cat_obj.as_dict().cloned().unwrap_or_default();
        let mut seed = file.src.len().to_be_bytes().to_vec();
        seed.extend_from_slice(b"DSS");
        let mut update = Update::new(file, &seed);
        let (dss_ref, mut dss) = match catalog.get(b"DSS".as_slice()) {
            Some(Object::Ref(r)) => (
                Some(*r),
                file.get(*r, last)?
                    .as_deref()
                    .and_then(Object::as_dict)
                    .cloned()
                    .unwrap_or_default(),
            ),
            Some(Object::Dict(d)) => (None, d.clone()),
            _ => (None, Dict::new()),
        };
        for (key, items) in [("Certs", &certs), ("CRLs", &crls), ("OCSPs", &ocsps)] {
            if items.is_empty() {
                continue;
            }
            let mut list = match dss.get(key.as_bytes()) {
                Some(o) => file
                    .resolve(o, last)?
                    .as_deref()
                    .and_then(Object::as_array)
                    .map(<[Object]>::to_vec)
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            for der in items {
                let r = ObjRef {
                    number: update.allocate(),
                    generation: 0,
                };
                update.deflated_stream(r, Dict::new(), der);
                list.push(Object::Ref(r));
            }
            dss.insert(key.as_bytes().to_vec(), Object::Array(list));
        }
        dss.insert(b"Type".to_vec(), name("DSS"));
        match dss_ref {
            Some(r) => update.object(r, &Object::Dict(dss)),
            None => {
                catalog.insert(b"DSS".to_vec(), Object::Dict(dss));
                update.object(cat_ref, &Object::Dict(catalog));
            }
        }
        let tail = update.finish();

        check_result(file, &tail)?;
        self.check_offline(&verifier, &report, file, &tail)?;
        copy_original(file, |chunk| out.write_all(chunk).map_err(io_err))?;
        out.write_all(&tail).map_err(io_err)?;
        out.flush().map_err(io_err)
    }

    /// The B-LT file (this one with `tail` appended) validates offline one day after the
    /// last certificate `report` used expires, revocation required, with no outside data.
    fn check_offline(
        &self,
        verifier: &crate::cms::Verifier<'_>,
        report: &crate::pdf::PdfReport,
        file: &PdfFile<'_>,
        tail: &[u8],
    ) -> Result<(), Error> {
        // The point of B-LT: with nothing but what the file carries, after every
        // certificate has expired, it still validates. Check exactly that.
        let latest = report
            .signatures
            .iter()
            .flat_map(|s| s.report.used_certificates.iter())
            .map(Certificate::not_after)
            .max();
        if let Some(latest) = latest {
            let later = Time::from_unix(latest.unix().saturating_add(86_400));
            let nothing = crate::revocation::CrlStore::new();
            let offline = verifier
                .offline_at(later)
                .with_revocation(crate::revocation::RevocationPolicy::Required, &nothing);
            let extended = PdfDocument::from_reader(Appended { file, tail, pos: 0 })?;
            let check = offline.verify_pdf(&extended);
            if let Some(e) = check.error {
                return Err(Error::Pdf(e));
            }
            for (i, s) in check.signatures.iter().enumerate() {
                if !s.report.is_passed() {
                    return Err(Error::Signing(SigningError::LongTermValidationFailed {
                        signer: i,
                        indication: s.report.indication,
                        sub_indication: s.report.sub_indication,
                    }));
                }
            }
        }
        Ok(())
    }
}

/// The original file with an update appended, read without copying it.
struct Appended<'f, 'a> {
    file: &'f PdfFile<'a>,
    tail: &'f [u8],
    pos: u64,
}

impl Read for Appended<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let base = self.file.src.len();
        let n = if self.pos < base {
            let want = usize::try_from((base - self.pos).min(wide(buf.len()))).unwrap_or(0);
            let chunk = self
                .file
                .src
                .read(self.pos, want)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let n = chunk.len().min(buf.len());
            buf.get_mut(..n)
                .unwrap_or_default()
                .copy_from_slice(chunk.get(..n).unwrap_or_default());
            n
        } else {
            let at = usize::try_from(self.pos - base).unwrap_or(usize::MAX);
            let rest = self.tail.get(at..).unwrap_or_default();
            let n = rest.len().min(buf.len());
            buf.get_mut(..n)
                .unwrap_or_default()
                .copy_from_slice(rest.get(..n).unwrap_or_default());
            n
        };
        self.pos += wide(n);
        Ok(n)
    }
}

impl Seek for Appended<'_, '_> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let len = self.file.src.len() + wide(self.tail.len());
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target.ok_or_else(|| std::io::Error::other("seek before the start"))?;
        Ok(self.pos)
    }
}

/// A signature field's widget on a page.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct PdfSignatureWidget {
    /// The field's full name.
    pub field: String,
    /// The page it is on (1 for the first), when it can be found.
    pub page: Option<usize>,
    /// Its rectangle `[x1, y1, x2, y2]` (normalised).
    pub rect: [f64; 4],
    /// Whether the field holds a signature.
    pub signed: bool,
}

impl PdfDocument<'_> {
    /// The number of pages.
    ///
    /// # Errors
    ///
    /// [`Error::Pdf`] if the catalog or the page tree cannot be read.
    pub fn page_count(&self) -> Result<usize, Error> {
        let last = self.file.revisions.len().saturating_sub(1);
        let (_, cat) = self.file.catalog(last)?;
        let cat = cat.as_dict().cloned().unwrap_or_default();
        Ok(page_list(&self.file, &cat, last)?.len())
    }

    /// The visible area of page `page` (1 for the first): its `/CropBox`, else its
    /// `/MediaBox`, inherited from the page tree as ISO 32000-2 section 7.7.3.4 says;
    /// `None` if there is no such page or box.
    ///
    /// # Errors
    ///
    /// [`Error::Pdf`] if the catalog or the page tree cannot be read.
    pub fn page_box(&self, page: usize) -> Result<Option<[f64; 4]>, Error> {
        let file = &self.file;
        let last = file.revisions.len().saturating_sub(1);
        let (_, cat) = file.catalog(last)?;
        let cat = cat.as_dict().cloned().unwrap_or_default();
        let pages = page_list(file, &cat, last)?;
        match page.checked_sub(1).and_then(|i| pages.get(i)) {
            Some(r) => inherited_box(file, *r, last),
            None => Ok(None),
        }
    }

    /// The `/Rotate` of page `page` (1 for the first), inherited: 0, 90, 180 or 270
    /// (clockwise, as the page is shown); 0 when there is no such page.
    ///
    /// # Errors
    ///
    /// [`Error::Pdf`] if the catalog or the page tree cannot be read.
    pub fn page_rotation(&self, page: usize) -> Result<u16, Error> {
        let file = &self.file;
        let last = file.revisions.len().saturating_sub(1);
        let (_, cat) = file.catalog(last)?;
        let cat = cat.as_dict().cloned().unwrap_or_default();
        let pages = page_list(file, &cat, last)?;
        match page.checked_sub(1).and_then(|i| pages.get(i)) {
            Some(r) => page_rotation(file, *r, last),
            None => Ok(0),
        }
    }

    /// Every signature field's widget (signed or empty) with its page and rectangle: what
    /// the seal of Decree 30 is placed against.
    ///
    /// # Errors
    ///
    /// [`Error::Pdf`] if the catalog, the form or the page tree cannot be read.
    pub fn signature_widgets(&self) -> Result<Vec<PdfSignatureWidget>, Error> {
        let file = &self.file;
        let last = file.revisions.len().saturating_sub(1);
        let (_, cat) = file.catalog(last)?;
        let cat = cat.as_dict().cloned().unwrap_or_default();
        let pages = page_list(file, &cat, last)?;
        let nodes = form_fields(file, &cat, last)?;
        let mut out = Vec::new();
        for node in &nodes {
            if node.field_type.as_deref() != Some(b"Sig") {
                continue;
            }
            let Some(d) = node.object.as_dict() else {
                continue;
            };
            let Some(rect) = widget_rect(d) else { continue };
            let rect = [
                rect[0].min(rect[2]),
                rect[1].min(rect[3]),
                rect[0].max(rect[2]),
                rect[1].max(rect[3]),
            ];
            let mut page = d
                .get(b"P".as_slice())
                .and_then(Object::as_ref)
                .and_then(|p| pages.iter().position(|x| *x == p))
                .map(|i| i + 1);
            if page.is_none() {
                for (i, p) in pages.iter().enumerate() {
                    let annots = match file.get(*p, last)? {
                        Some(o) => match o.as_dict().and_then(|d| d.get(b"Annots".as_slice())) {
                            Some(a) => file.resolve(a, last)?,
                            None => None,
                        },
                        None => None,
                    };
                    if annots
                        .as_deref()
                        .and_then(Object::as_array)
                        .is_some_and(|a| a.iter().any(|x| x.as_ref() == Some(node.r)))
                    {
                        page = Some(i + 1);
                        break;
                    }
                }
            }
            let signed = d
                .get(b"V".as_slice())
                .is_some_and(|v| !matches!(v, Object::Null));
            out.push(PdfSignatureWidget {
                field: node.name.clone(),
                page,
                rect,
                signed,
            });
        }
        Ok(out)
    }
}

fn rect_of(a: &[Object]) -> Option<[f64; 4]> {
    let mut d = Dict::new();
    d.insert(b"Rect".to_vec(), Object::Array(a.to_vec()));
    widget_rect(&d)
}
