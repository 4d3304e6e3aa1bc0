//! The shape of a certificate in strict DER, decoded with the `der` crate and `x509-cert`'s
//! component types, as a check beside x509-parser (which reads the fields kyso uses).
//!
//! x509-parser reads fields without checking every tag and length of the structure: it
//! took an AttributeTypeAndValue under another constructed tag, and bytes left over inside
//! an AlgorithmIdentifier. Both were found by the `certificate_differential` fuzz target.
//! A certificate is accepted only if this decoder accepts it too, so nothing but DER is
//! read. It mirrors RFC 5280 section 4.1 and `x509-cert`'s own `TbsCertificate`, except
//! that the two times of the validity are checked as UTCTime or GeneralizedTime here and
//! decoded by kyso: the `der` crate cannot represent the years before 1970 that UTCTime
//! allows (PKITS test 4.2.3 has a notBefore in 1950).
//!
//! The same strict decoder splits the signed envelope into the bytes the signature covers,
//! the signature algorithm and the signature bits ([`split_signed`]).
//!
//! Decoding every certificate twice cost about 50,000 instructions per certificate in the
//! `der` decoder alone, so [`fast_shape`] reads the shapes real certificates have in one
//! pass over the octets and settles them; what it does not settle goes to the two `der`
//! checks, which decide and give the errors. It is held to them by a unit test over every
//! certificate in the test vectors and thousands of mutations of them: whatever it
//! accepts, they accept with the same parts.

use std::ops::Range;

use der::asn1::{AnyRef, BitStringRef, IntRef};
use der::{Decode, Reader, Sequence, Tag, Tagged};

use crate::error::{Error, Malformed, Object};

#[derive(Sequence)]
struct Shape<'a> {
    tbs_certificate: TbsShape<'a>,
    signature_algorithm: spki::AlgorithmIdentifierRef<'a>,
    signature: BitStringRef<'a>,
}

#[derive(Sequence)]
struct TbsShape<'a> {
    #[asn1(context_specific = "0", default = "Default::default")]
    version: x509_cert::certificate::Version,
    serial_number: IntRef<'a>,
    signature: spki::AlgorithmIdentifierRef<'a>,
    issuer: x509_cert::name::Name,
    validity: ValidityShape<'a>,
    subject: x509_cert::name::Name,
    subject_public_key_info: spki::SubjectPublicKeyInfoRef<'a>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    issuer_unique_id: Option<BitStringRef<'a>>,
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT", optional = "true")]
    subject_unique_id: Option<BitStringRef<'a>>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<x509_cert::ext::Extensions>,
}

#[derive(Sequence)]
struct ValidityShape<'a> {
    not_before: AnyRef<'a>,
    not_after: AnyRef<'a>,
}

/// Whether `der_bytes` is a certificate in DER, as RFC 5280 section 4.1 shapes it.
pub(crate) fn is_der_certificate(der_bytes: &[u8]) -> bool {
    let Ok(shape) = Shape::from_der(der_bytes) else {
        return false;
    };
    let time = |t: &AnyRef<'_>| matches!(t.tag(), Tag::UtcTime | Tag::GeneralizedTime);
    let validity = &shape.tbs_certificate.validity;
    time(&validity.not_before) && time(&validity.not_after)
}

/// The byte ranges of `tbsCertificate` and `signatureAlgorithm`, and the signature bits.
pub(crate) type SignedParts = (Range<usize>, Range<usize>, Vec<u8>);

/// Splits `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }`
/// into the byte ranges of the first two and the signature bits, with `der`'s strict
/// decoder.
pub(super) fn split_signed(input: &[u8]) -> Result<SignedParts, Error> {
    let bad = |_| Error::invalid_der(Object::Certificate);
    let mut reader = der::SliceReader::new(input).map_err(bad)?;
    let header = der::Header::decode(&mut reader).map_err(bad)?;
    if header.tag() != der::Tag::Sequence {
        return Err(Error::invalid_der(Object::Certificate));
    }
    let body_start = usize::try_from(reader.position()).map_err(bad)?;
    let tbs_len = reader.tlv_bytes().map_err(bad)?.len();
    let alg_len = reader.tlv_bytes().map_err(bad)?.len();
    let sig = der::asn1::BitStringRef::decode(&mut reader).map_err(bad)?;
    let signature = sig
        .as_bytes()
        .ok_or(Error::invalid_der(Object::Signature))?
        .to_vec();
    if !reader.is_finished() {
        return Err(Error::malformed(
            Object::Certificate,
            Malformed::TrailingData,
        ));
    }
    let end = usize::try_from(reader.position()).map_err(bad)?;
    let body_end = body_start
        .checked_add(usize::try_from(header.length()).map_err(bad)?)
        .ok_or(Error::invalid_der(Object::Certificate))?;
    if body_end != end {
        return Err(Error::invalid_der(Object::Certificate));
    }
    let tbs_end = body_start + tbs_len;
    Ok((body_start..tbs_end, tbs_end..tbs_end + alg_len, signature))
}

/// One pass over a certificate that only reads, for the shapes real certificates have:
/// every tag one octet, every length definite and in its shortest form, every object identifier of 1 to 39 octets with a first octet below 120
/// and arcs of at most four octets without padding, attribute values and algorithm
/// parameters of the universal types `der` knows, a version of v1, v2 or v3 written out,
/// and a signature with no unused bits. On such input it returns what [`split_signed`]
/// returns, and [`is_der_certificate`] holds; `None` sends the input to those two (the
/// module's unit test holds the three together on real and mutated certificates). No
/// allocation but the signature's copy, no recursion.
#[cfg(test)]
pub(super) fn fast_shape(input: &[u8]) -> Option<SignedParts> {
    fast_read(input).map(|read| read.parts)
}

/// What [`fast_read`] finds in a certificate besides its shape: the fields of the
/// `TBSCertificate`, as octets of the input.
pub(crate) struct Fields<'a> {
    /// 1, 2 or 3.
    pub(super) version: u32,
    /// The serial number's contents octets.
    pub(super) serial: &'a [u8],
    /// Whether the `signature` field inside `TBSCertificate` has the same encoding as
    /// `signatureAlgorithm`.
    pub(super) same_algorithm: bool,
    /// The issuer's whole encoding.
    pub(super) issuer: &'a [u8],
    /// `notBefore` and `notAfter`: tag (UTCTime or GeneralizedTime) and contents.
    pub(super) validity: [(u8, &'a [u8]); 2],
    /// The subject's whole encoding.
    pub(super) subject: &'a [u8],
    /// `SubjectPublicKeyInfo`, whole.
    pub(super) spki: &'a [u8],
    /// Whether the public key's BIT STRING has no unused bits (x509-parser refuses unused
    /// bits that are not zero, `der` takes them).
    pub(super) whole_octet_key: bool,
    /// Whether an `issuerUniqueID` or `subjectUniqueID` is present.
    pub(super) unique_ids: bool,
    /// The contents of the extensions' `SEQUENCE OF`, when `[3]` is present; each
    /// extension in it has the shape `SEQUENCE { OID, BOOLEAN OPTIONAL, OCTET STRING }`.
    pub(super) extensions: Option<&'a [u8]>,
}

/// A certificate as [`fast_read`] reads it.
pub(crate) struct FastRead<'a> {
    pub(super) parts: SignedParts,
    pub(super) fields: Fields<'a>,
}

/// [`fast_shape`]'s pass, keeping the fields it passes over (see [`Fields`]).
pub(crate) fn fast_read(input: &[u8]) -> Option<FastRead<'_>> {
    let mut top = Tlv::new(input);
    let mut cert = top.enter(0x30)?;
    if !top.done() {
        return None;
    }
    let tbs_start = cert.pos;
    let mut tbs = cert.enter(0x30)?;
    let tbs_end = cert.pos;
    let outer_algorithm = algorithm(&mut cert)?;
    let alg_end = cert.pos;
    let bits = bit_string(&mut cert, 0x03)?;
    let (0, signature) = bits.split_first().map(|(u, s)| (*u, s))? else {
        return None;
    };
    if !cert.done() {
        return None;
    }
    // TBSCertificate (RFC 5280 section 4.1).
    let mut version = 1;
    if tbs.peek() == Some(0xa0) {
        let explicit = tbs.enter(0xa0)?;
        let [0x02, 0x01, v @ 0..=2] = explicit.rest() else {
            return None;
        };
        version = u32::from(*v) + 1;
    }
    let serial = tbs.primitive(0x02)?;
    match serial {
        [] | [0x00, 0x00..=0x7f, ..] | [0xff, 0x80..=0xff, ..] => return None,
        _ => {}
    }
    let inner_algorithm = algorithm(&mut tbs)?;
    let issuer = name(&mut tbs)?;
    let mut times = tbs.enter(0x30)?;
    let mut validity = [(0, &[][..]); 2];
    for time in &mut validity {
        let (tag, contents) = times.any()?;
        if tag != 0x17 && tag != 0x18 {
            return None;
        }
        *time = (tag, contents);
    }
    if !times.done() {
        return None;
    }
    let subject = name(&mut tbs)?;
    let spki_start = tbs.pos;
    let mut spki = tbs.enter(0x30)?;
    algorithm(&mut spki)?;
    let key_bits = bit_string(&mut spki, 0x03)?;
    if !spki.done() {
        return None;
    }
    let spki = input.get(spki_start..tbs.pos)?;
    let mut unique_ids = false;
    for unique_id in [0x81, 0x82] {
        if tbs.peek() == Some(unique_id) {
            bit_string(&mut tbs, unique_id)?;
            unique_ids = true;
        }
    }
    let mut extension_list = None;
    if tbs.peek() == Some(0xa3) {
        let mut explicit = tbs.enter(0xa3)?;
        let mut extensions = explicit.enter(0x30)?;
        if !explicit.done() {
            return None;
        }
        extension_list = Some(extensions.rest());
        while !extensions.done() {
            let mut extension = extensions.enter(0x30)?;
            oid(&mut extension)?;
            // critical BOOLEAN DEFAULT FALSE: `der` also takes an explicit FALSE.
            if extension.peek() == Some(0x01)
                && !matches!(extension.primitive(0x01)?, [0x00 | 0xff])
            {
                return None;
            }
            extension.primitive(0x04)?;
            if !extension.done() {
                return None;
            }
        }
    }
    if !tbs.done() {
        return None;
    }
    Some(FastRead {
        parts: (tbs_start..tbs_end, tbs_end..alg_end, signature.to_vec()),
        fields: Fields {
            version,
            serial,
            same_algorithm: inner_algorithm == outer_algorithm,
            issuer,
            validity,
            subject,
            spki,
            whole_octet_key: key_bits.first() == Some(&0),
            unique_ids,
            extensions: extension_list,
        },
    })
}

/// A cursor over the contents of one element, for [`fast_shape`] and the other one-pass
/// readers of common shapes.
pub(crate) struct Tlv<'a> {
    bytes: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Tlv<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Tlv {
            bytes,
            pos: 0,
            end: bytes.len(),
        }
    }

    pub(crate) fn done(&self) -> bool {
        self.pos == self.end
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        if self.done() {
            None
        } else {
            self.bytes.get(self.pos).copied()
        }
    }

    /// What is left of these contents.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..self.end).unwrap_or_default()
    }

    /// The next element's tag and the range of its contents; the cursor moves past it.
    fn next(&mut self) -> Option<(u8, usize, usize)> {
        if self.done() {
            return None;
        }
        // One-octet tags only; lengths in their shortest form, within these contents.
        let h = crate::tlv::header_at(self.bytes, self.pos)?;
        if h.first & 0x1f == 0x1f
            || h.start - h.tag_end != crate::ber::length_octets(h.end - h.start)
            || h.end > self.end
        {
            return None;
        }
        self.pos = h.end;
        Some((h.first, h.start, h.end))
    }

    /// The next element, which must have tag `tag`, as a cursor over its contents.
    pub(crate) fn enter(&mut self, tag: u8) -> Option<Tlv<'a>> {
        let (found, start, end) = self.next()?;
        (found == tag).then_some(Tlv {
            bytes: self.bytes,
            pos: start,
            end,
        })
    }

    /// The contents of the next element, which must have tag `tag`.
    pub(crate) fn primitive(&mut self, tag: u8) -> Option<&'a [u8]> {
        let (found, start, end) = self.next()?;
        if found != tag {
            return None;
        }
        self.bytes.get(start..end)
    }

    /// The next element whole (identifier, length and contents), with its tag.
    pub(crate) fn whole(&mut self) -> Option<(u8, &'a [u8])> {
        let start = self.pos;
        let (tag, _, end) = self.next()?;
        Some((tag, self.bytes.get(start..end)?))
    }

    /// The next element as `der`'s `AnyRef` reads it, for the universal types `der` knows
    /// by tag (SEQUENCE and SET not descended into): its tag and contents.
    pub(crate) fn any(&mut self) -> Option<(u8, &'a [u8])> {
        let (tag, start, end) = self.next()?;
        if !matches!(
            tag,
            0x01..=0x06 | 0x0c | 0x12..=0x14 | 0x16..=0x18 | 0x1a | 0x1e | 0x30 | 0x31
        ) {
            return None;
        }
        Some((tag, self.bytes.get(start..end)?))
    }
}

/// An OBJECT IDENTIFIER `der` holds: 1 to 39 octets, a first octet below 120 (first arc
/// 0, 1 or 2 with a second arc below 40), arcs of at most four octets with no padding,
/// the last octet closing an arc.
pub(crate) fn oid<'a>(t: &mut Tlv<'a>) -> Option<&'a [u8]> {
    let content = t.primitive(0x06)?;
    let (&first, rest) = content.split_first()?;
    if first >= 120 || content.len() > 39 {
        return None;
    }
    let mut arc_len = 0;
    for &b in rest {
        if arc_len == 0 && b == 0x80 {
            return None;
        }
        arc_len += 1;
        if b & 0x80 == 0 {
            arc_len = 0;
        } else if arc_len >= 4 {
            return None;
        }
    }
    (arc_len == 0).then_some(content)
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`: its
/// whole encoding.
fn algorithm<'a>(t: &mut Tlv<'a>) -> Option<&'a [u8]> {
    let start = t.pos;
    let mut seq = t.enter(0x30)?;
    oid(&mut seq)?;
    if !seq.done() {
        seq.any()?;
    }
    if !seq.done() {
        return None;
    }
    t.bytes.get(start..t.pos)
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`, as
/// [`algorithm`] reads it: the OID's contents octets.
pub(crate) fn algorithm_oid<'a>(t: &mut Tlv<'a>) -> Option<&'a [u8]> {
    let mut seq = t.enter(0x30)?;
    let contents = oid(&mut seq)?;
    if !seq.done() {
        seq.any()?;
    }
    seq.done().then_some(contents)
}

/// A `Name` of at least one RDN, each RDN a single attribute (so no order within a SET
/// to judge), every part as [`name`] reads it: the Name's whole encoding.
pub(crate) fn single_valued_name<'a>(t: &mut Tlv<'a>) -> Option<&'a [u8]> {
    let start = t.pos;
    let mut rdns = t.enter(0x30)?;
    if rdns.done() {
        return None;
    }
    while !rdns.done() {
        let mut rdn = rdns.enter(0x31)?;
        let mut atv = rdn.enter(0x30)?;
        oid(&mut atv)?;
        atv.any()?;
        if !atv.done() || !rdn.done() {
            return None;
        }
    }
    t.bytes.get(start..t.pos)
}

/// `Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }`: its whole encoding.
fn name<'a>(t: &mut Tlv<'a>) -> Option<&'a [u8]> {
    let start = t.pos;
    let mut rdns = t.enter(0x30)?;
    while !rdns.done() {
        let mut rdn = rdns.enter(0x31)?;
        while !rdn.done() {
            let mut atv = rdn.enter(0x30)?;
            oid(&mut atv)?;
            atv.any()?;
            if !atv.done() {
                return None;
            }
        }
    }
    t.bytes.get(start..t.pos)
}

/// A BIT STRING with tag `tag` (universal or `[n] IMPLICIT`): at least the unused-bits
/// octet, at most 7 unused bits, none if there are no bits. Its contents, that octet first.
fn bit_string<'a>(t: &mut Tlv<'a>, tag: u8) -> Option<&'a [u8]> {
    let contents = t.primitive(tag)?;
    match contents {
        [0] | [0..=7, _, ..] => Some(contents),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The DER of every certificate under `dir`, in PEM or DER files.
    pub(crate) fn certificates(dir: &std::path::Path, out: &mut Vec<Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                certificates(&path, out);
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            if let Ok(blocks) = crate::pem::parse_blocks(&bytes) {
                out.extend(
                    blocks
                        .into_iter()
                        .filter(|b| b.tag() == "CERTIFICATE")
                        .map(|b| b.contents().to_vec()),
                );
            } else if bytes.first() == Some(&0x30) && split_signed(&bytes).is_ok() {
                out.push(bytes);
            }
        }
    }

    /// Whatever the one-pass read accepts, the two `der` checks accept, with the same parts.
    fn agrees(input: &[u8]) -> bool {
        let Some(fast) = fast_shape(input) else {
            return false;
        };
        assert!(is_der_certificate(input), "{input:02x?}");
        assert_eq!(split_signed(input).unwrap(), fast, "{input:02x?}");
        true
    }

    #[test]
    fn the_one_pass_read_settles_only_what_der_accepts() {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut all = Vec::new();
        certificates(&here.join("test-vectors"), &mut all);
        assert!(all.len() > 150, "{}", all.len());
        // Certificates from other producers (PKITS, real chains), where they are beside
        // the checkout.
        let shared = here.join("../shared/vectors");
        if shared.is_dir() {
            certificates(&shared, &mut all);
        }
        let (mut settled, mut strict) = (0, 0);
        for c in &all {
            if is_der_certificate(c) && split_signed(c).is_ok() {
                strict += 1;
                if agrees(c) {
                    settled += 1;
                }
            } else {
                assert!(fast_shape(c).is_none());
            }
        }
        // The real shapes are settled in one pass: every certificate `der` accepts but
        // the few with an unusual form (such as a `[1]` unique identifier).
        eprintln!(
            "settled in one pass: {settled} of {strict} ({} read)",
            all.len()
        );
        assert!(settled * 100 >= strict * 95, "{settled} of {strict}");
        // Mutations: a changed octet, a cut, an inserted octet, a length off by one; every
        // other one in the first 200 octets, where the headers, version, serial number,
        // algorithm and issuer are.
        let accepted = crate::mutations::Mutations::new(11).settled(&all, 40_000, 200, agrees);
        // Many mutations land in contents (names, keys, signatures) and stay well formed.
        assert!(accepted > 1_000, "{accepted}");
    }
}
