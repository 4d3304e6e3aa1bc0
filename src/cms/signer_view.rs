//! A SignerInfo (RFC 5652 section 5.3) read in place: its encoding and where each of its
//! parts lies in it, so that verification reads what it needs without building the typed
//! value (an allocation for each name attribute, algorithm parameter and attribute value).
//!
//! Every [`SignerView`] holds the DER that `der` writes for the typed `SignerInfo` it
//! stands for: either the octets received, when [`SignerView::received`] finds them
//! already in that form (DER throughout, every SET OF in DER order), or the typed value's
//! own encoding ([`SignerView::from_typed`]). So reading the view gives what reading the
//! typed value gives, in the same order; a unit test of `signed_data` holds the two
//! together on every signature in the vectors and on their mutations.

use std::ops::Range;

use cms::signed_data::SignerInfo;
use der::asn1::{AnyRef, ObjectIdentifier, SetOfVec};
use der::{
    Decode, DecodeValue, Encode, EncodeValue, FixedTag, Header, Length, Reader, Tag, Writer,
};

use crate::cert::strict::Tlv;
use crate::cms::walk::der_set_order;

/// One SignerInfo: its DER and the places of its parts.
#[derive(Clone, Debug)]
pub(crate) struct SignerView {
    der: Vec<u8>,
    layout: Layout,
}

impl PartialEq for SignerView {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

/// Where the parts of a SignerInfo lie in its DER.
#[derive(Clone, Debug)]
struct Layout {
    sid: SidLayout,
    digest_algorithm: ObjectIdentifier,
    /// The contents of `signedAttrs [0] IMPLICIT SET OF Attribute`.
    signed_attributes: Option<Range<usize>>,
    signature_algorithm: ObjectIdentifier,
    /// The whole encoding of the signature algorithm's parameters.
    signature_parameters: Option<Range<usize>>,
    /// The contents of the signature OCTET STRING.
    signature: Range<usize>,
    /// The contents of `unsignedAttrs [1] IMPLICIT SET OF Attribute`.
    unsigned_attributes: Option<Range<usize>>,
}

#[derive(Clone, Debug)]
enum SidLayout {
    /// The issuer Name's whole encoding and the serial number's contents octets.
    IssuerAndSerialNumber {
        issuer: Range<usize>,
        serial: Range<usize>,
    },
    /// The subjectKeyIdentifier's octets.
    SubjectKeyIdentifier(Range<usize>),
}

/// A SignerIdentifier (RFC 5652 section 5.3) as encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sid<'a> {
    /// The issuer Name's whole encoding and the serial number's contents octets.
    IssuerAndSerialNumber {
        /// The issuer Name (SEQUENCE, tag and all).
        issuer: &'a [u8],
        /// The serial number INTEGER's contents octets.
        serial: &'a [u8],
    },
    /// The subjectKeyIdentifier's octets.
    SubjectKeyIdentifier(&'a [u8]),
}

/// One attribute of a SignerInfo: its type and the encoding of each value.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AttributeRef<'a> {
    /// The attribute type.
    pub oid: ObjectIdentifier,
    /// The contents of its `SET OF AttributeValue`.
    values: &'a [u8],
}

impl<'a> AttributeRef<'a> {
    /// Each value, in order.
    pub(crate) fn values(self) -> impl Iterator<Item = AnyRef<'a>> + use<'a> {
        let mut rest = Elements::new(self.values);
        std::iter::from_fn(move || value_ref(rest.next_element()?))
    }

    /// The attribute's one value; `None` when it has none or several.
    pub(crate) fn single_value(self) -> Option<AnyRef<'a>> {
        let mut rest = Elements::new(self.values);
        let first = rest.next_element()?;
        if !rest.done() {
            return None;
        }
        value_ref(first)
    }

    /// How many values it has.
    pub(crate) fn value_count(&self) -> usize {
        let mut rest = Elements::new(self.values);
        let mut n = 0;
        while rest.next_element().is_some() {
            n += 1;
        }
        n
    }
}

impl SignerView {
    /// The SignerInfo encoded as `whole` (one SignerInfo, as received in an input in DER),
    /// when it is of the shapes real producers write and already in the form `der`
    /// writes for its typed value:
    /// - every tag one octet and every length in its shortest form ([`Tlv`]);
    /// - a version of 0 to 5 in one octet;
    /// - object identifiers `der` holds, and algorithm parameters and attribute values of
    ///   the universal types `der` knows by tag ([`Tlv::any`]);
    /// - each SET OF (the attributes of an RDN, the signed and unsigned attributes, the
    ///   values of each attribute) in DER order (X.690 section 11.6), as `der` sorts it.
    ///
    /// `None` leaves the SignerInfo to the typed decoder.
    pub(crate) fn received(whole: &[u8]) -> Option<SignerView> {
        let layout = received_layout(whole)?;
        Some(SignerView {
            der: whole.to_vec(),
            layout,
        })
    }

    /// The view of a typed SignerInfo, by its DER.
    pub(crate) fn from_typed(si: &SignerInfo) -> der::Result<SignerView> {
        let der = si.to_der()?;
        let layout = layout_of(&der).ok_or_else(|| der::Error::from(der::ErrorKind::Failed))?;
        Ok(SignerView { der, layout })
    }

    /// The typed SignerInfo, decoded from the view's DER (for the writers that change a
    /// SignerInfo: adding a signer, a timestamp).
    pub(crate) fn typed(&self) -> der::Result<SignerInfo> {
        SignerInfo::from_der(&self.der)
    }

    /// The SignerInfo's DER.
    #[cfg(test)]
    pub(crate) fn der(&self) -> &[u8] {
        &self.der
    }

    fn at(&self, range: &Range<usize>) -> &[u8] {
        self.der.get(range.clone()).unwrap_or_default()
    }

    /// The signer identifier.
    pub(crate) fn sid(&self) -> Sid<'_> {
        match &self.layout.sid {
            SidLayout::IssuerAndSerialNumber { issuer, serial } => Sid::IssuerAndSerialNumber {
                issuer: self.at(issuer),
                serial: self.at(serial),
            },
            SidLayout::SubjectKeyIdentifier(id) => Sid::SubjectKeyIdentifier(self.at(id)),
        }
    }

    /// The digestAlgorithm's identifier.
    pub(crate) fn digest_algorithm(&self) -> ObjectIdentifier {
        self.layout.digest_algorithm
    }

    /// The signatureAlgorithm's identifier and parameters.
    pub(crate) fn signature_algorithm(&self) -> (ObjectIdentifier, Option<AnyRef<'_>>) {
        let parameters = self
            .layout
            .signature_parameters
            .as_ref()
            .and_then(|r| AnyRef::from_der(self.at(r)).ok());
        (self.layout.signature_algorithm, parameters)
    }

    /// The signature value.
    pub(crate) fn signature(&self) -> &[u8] {
        self.at(&self.layout.signature)
    }

    /// Whether the SignerInfo has signed attributes.
    pub(crate) fn has_signed_attributes(&self) -> bool {
        self.layout.signed_attributes.is_some()
    }

    /// The signed attributes, in order (none without them).
    pub(crate) fn signed_attributes(&self) -> impl Iterator<Item = AttributeRef<'_>> {
        attributes(self.layout.signed_attributes.as_ref().map(|r| self.at(r)))
    }

    /// The DER of the signed attributes with the SET tag: what the signature covers (RFC
    /// 5652 section 5.4).
    pub(crate) fn signed_attributes_der(&self) -> Option<Vec<u8>> {
        let contents = self.layout.signed_attributes.as_ref()?;
        let mut out = Vec::with_capacity(contents.len() + 6);
        out.push(0x31);
        let len = Length::try_from(contents.len()).ok()?;
        len.encode(&mut out).ok()?;
        out.extend_from_slice(self.at(contents));
        Some(out)
    }

    /// The unsigned attributes, in order (none without them).
    pub(crate) fn unsigned_attributes(&self) -> impl Iterator<Item = AttributeRef<'_>> {
        attributes(self.layout.unsigned_attributes.as_ref().map(|r| self.at(r)))
    }
}

/// The attributes of a `SET OF Attribute`'s contents, validated when the view was made.
fn attributes(contents: Option<&[u8]>) -> impl Iterator<Item = AttributeRef<'_>> {
    let mut rest = Elements::new(contents.unwrap_or_default());
    std::iter::from_fn(move || {
        let (_, _, attribute) = rest.next_element()?;
        attribute_ref(attribute)
    })
}

/// One element as `der`'s `AnyRef` reads it: built from the header already read for the
/// universal types [`any_ref`] knows, else decoded.
fn value_ref<'a>((first, whole, contents): (u8, &'a [u8], &'a [u8])) -> Option<AnyRef<'a>> {
    any_ref((first, contents)).or_else(|| AnyRef::from_der(whole).ok())
}

/// An Attribute's contents: `attrType OID, attrValues SET OF ANY`.
fn attribute_ref(contents: &[u8]) -> Option<AttributeRef<'_>> {
    let mut parts = Elements::new(contents);
    let (tag, _, oid) = parts.next_element()?;
    let (set, _, values) = parts.next_element()?;
    if tag != 0x06 || set != 0x31 || parts.next_element().is_some() {
        return None;
    }
    Some(AttributeRef {
        oid: ObjectIdentifier::from_bytes(oid).ok()?,
        values,
    })
}

/// A cursor over the elements of some contents in DER, tags of any size
/// ([`crate::tlv::header_at`]).
struct Elements<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Elements<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Elements { bytes, pos: 0 }
    }

    /// The next element's first identifier octet, whole encoding and contents.
    fn next_element(&mut self) -> Option<(u8, &'a [u8], &'a [u8])> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let h = crate::tlv::header_at(self.bytes, self.pos)?;
        let whole = self.bytes.get(self.pos..h.end)?;
        let contents = self.bytes.get(h.start..h.end)?;
        self.pos = h.end;
        Some((h.first, whole, contents))
    }

    fn done(&self) -> bool {
        self.pos >= self.bytes.len()
    }
}

/// Where `inner`, a part of `outer`, lies in it.
fn place(outer: &[u8], inner: &[u8]) -> Option<Range<usize>> {
    let start = inner.as_ptr().addr().checked_sub(outer.as_ptr().addr())?;
    let end = start.checked_add(inner.len())?;
    (end <= outer.len()).then_some(start..end)
}

/// The layout of a SignerInfo's DER as `der` writes it (any tags, any lengths), with the
/// attributes checked to read as [`attributes`] reads them.
fn layout_of(der: &[u8]) -> Option<Layout> {
    let mut outer = Elements::new(der);
    let (tag, _, contents) = outer.next_element()?;
    if tag != 0x30 || !outer.done() {
        return None;
    }
    let mut si = Elements::new(contents);
    let (version, _, _) = si.next_element()?;
    let (sid_tag, _, sid) = si.next_element()?;
    let sid = match sid_tag {
        0x30 => {
            let mut isn = Elements::new(sid);
            let (name_tag, issuer, _) = isn.next_element()?;
            let (serial_tag, _, serial) = isn.next_element()?;
            if name_tag != 0x30 || serial_tag != 0x02 || !isn.done() {
                return None;
            }
            SidLayout::IssuerAndSerialNumber {
                issuer: place(der, issuer)?,
                serial: place(der, serial)?,
            }
        }
        0x80 => SidLayout::SubjectKeyIdentifier(place(der, sid)?),
        _ => return None,
    };
    let (digest_algorithm, _) = algorithm_of(&mut si)?;
    let mut next = si.next_element()?;
    let signed_attributes = if next.0 == 0xa0 {
        let range = attribute_set(der, next.2)?;
        next = si.next_element()?;
        Some(range)
    } else {
        None
    };
    let (signature_algorithm, signature_parameters) = algorithm_parts(next)?;
    let signature_parameters = match signature_parameters {
        Some(p) => Some(place(der, p)?),
        None => None,
    };
    let (signature_tag, _, signature) = si.next_element()?;
    let unsigned_attributes = match si.next_element() {
        Some((0xa1, _, set)) => Some(attribute_set(der, set)?),
        Some(_) => return None,
        None => None,
    };
    if version != 0x02 || signature_tag != 0x04 || !si.done() {
        return None;
    }
    Some(Layout {
        sid,
        digest_algorithm,
        signed_attributes,
        signature_algorithm,
        signature_parameters,
        signature: place(der, signature)?,
        unsigned_attributes,
    })
}

/// The next element as an AlgorithmIdentifier: its OID and the parameters' encoding.
fn algorithm_of<'a>(e: &mut Elements<'a>) -> Option<(ObjectIdentifier, Option<&'a [u8]>)> {
    algorithm_parts(e.next_element()?)
}

fn algorithm_parts<'a>(
    (tag, _, contents): (u8, &'a [u8], &'a [u8]),
) -> Option<(ObjectIdentifier, Option<&'a [u8]>)> {
    let mut seq = Elements::new(contents);
    let (oid_tag, _, oid) = seq.next_element()?;
    let parameters = seq.next_element().map(|(_, whole, _)| whole);
    if tag != 0x30 || oid_tag != 0x06 || !seq.done() {
        return None;
    }
    Some((ObjectIdentifier::from_bytes(oid).ok()?, parameters))
}

/// The place of a `SET OF Attribute`'s contents, each attribute reading as [`attributes`]
/// reads it.
fn attribute_set(der: &[u8], contents: &[u8]) -> Option<Range<usize>> {
    let mut set = Elements::new(contents);
    while let Some((tag, _, attribute)) = set.next_element() {
        let a = attribute_ref(attribute)?;
        let mut values = Elements::new(a.values);
        while values.next_element().is_some() {}
        if tag != 0x30 || !values.done() {
            return None;
        }
    }
    if !set.done() {
        return None;
    }
    place(der, contents)
}

/// [`SignerView::received`]'s reading of `whole`.
fn received_layout(whole: &[u8]) -> Option<Layout> {
    let mut outer = Tlv::new(whole);
    let mut si = outer.enter(0x30)?;
    if !outer.done() {
        return None;
    }
    crate::cms::signed_data::cms_version(si.primitive(0x02)?)?;
    let (sid_tag, sid) = si.whole()?;
    let sid = match sid_tag {
        0x30 => {
            let (issuer, serial) = received_issuer_and_serial_number(sid)?;
            SidLayout::IssuerAndSerialNumber {
                issuer: place(whole, issuer)?,
                serial: place(whole, serial)?,
            }
        }
        0x80 => {
            // The typed decoder checks the rest.
            cms::signed_data::SignerIdentifier::from_der(sid).ok()?;
            SidLayout::SubjectKeyIdentifier(place(whole, Tlv::new(sid).primitive(0x80)?)?)
        }
        _ => return None,
    };
    let (digest_algorithm, _) = received_algorithm(&mut si)?;
    let signed_attributes = if si.peek() == Some(0xa0) {
        let set = si.enter(0xa0)?;
        let contents = set.rest();
        received_attributes(set)?;
        Some(place(whole, contents)?)
    } else {
        None
    };
    let (signature_algorithm, signature_parameters) = received_algorithm(&mut si)?;
    let signature_parameters = match signature_parameters {
        Some(p) => Some(place(whole, p)?),
        None => None,
    };
    let signature = si.primitive(0x04)?;
    let unsigned_attributes = if si.peek() == Some(0xa1) {
        let set = si.enter(0xa1)?;
        let contents = set.rest();
        received_attributes(set)?;
        Some(place(whole, contents)?)
    } else {
        None
    };
    if !si.done() {
        return None;
    }
    Some(Layout {
        sid,
        digest_algorithm,
        signed_attributes,
        signature_algorithm,
        signature_parameters,
        signature: place(whole, signature)?,
        unsigned_attributes,
    })
}

/// `IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber }`
/// (`whole`, its encoding): the issuer's whole encoding and the serial number's contents.
/// The issuer's attribute values are of the universal types `der` knows by tag
/// ([`Tlv::any`]) and each RDN's attributes in DER order; the serial number is checked by
/// `der`.
fn received_issuer_and_serial_number(whole: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut isn = Tlv::new(whole).enter(0x30)?;
    let (name_tag, issuer) = isn.whole()?;
    if name_tag != 0x30 {
        return None;
    }
    let mut name = Tlv::new(issuer).enter(0x30)?;
    while !name.done() {
        let mut rdn = name.enter(0x31)?;
        let mut previous = None;
        while !rdn.done() {
            let before = rdn.rest();
            let mut atv = rdn.enter(0x30)?;
            ObjectIdentifier::from_bytes(crate::cert::strict::oid(&mut atv)?).ok()?;
            any_ref(atv.any()?)?;
            if !atv.done() {
                return None;
            }
            let read = before.len().checked_sub(rdn.rest().len())?;
            if !ascending(&mut previous, before.get(..read)?) {
                return None;
            }
        }
    }
    let (serial_tag, serial) = isn.whole()?;
    if serial_tag != 0x02 || !isn.done() {
        return None;
    }
    // As x509-cert's SerialNumber decodes it: an INTEGER in DER of up to 21 octets.
    let contents = der::asn1::IntRef::from_der(serial).ok()?.as_bytes();
    (contents.len() <= 21).then_some((issuer, contents))
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`: the OID
/// and the parameters' whole encoding.
fn received_algorithm<'a>(t: &mut Tlv<'a>) -> Option<(ObjectIdentifier, Option<&'a [u8]>)> {
    let mut seq = t.enter(0x30)?;
    let oid = ObjectIdentifier::from_bytes(crate::cert::strict::oid(&mut seq)?).ok()?;
    let parameters = if seq.done() {
        None
    } else {
        let before = seq.rest();
        any_ref(seq.any()?)?;
        before.get(..before.len().checked_sub(seq.rest().len())?)
    };
    seq.done().then_some((oid, parameters))
}

/// `SET OF Attribute`, each `SEQUENCE { attrType OID, attrValues SET OF ANY }`, the
/// attributes and the values of each in DER order.
fn received_attributes(mut set: Tlv<'_>) -> Option<()> {
    let mut previous = None;
    while !set.done() {
        let (_, whole) = set.whole()?;
        if !ascending(&mut previous, whole) {
            return None;
        }
        let mut attribute = Tlv::new(whole).enter(0x30)?;
        ObjectIdentifier::from_bytes(crate::cert::strict::oid(&mut attribute)?).ok()?;
        let mut encoded = attribute.enter(0x31)?;
        if !attribute.done() {
            return None;
        }
        let mut previous_value = None;
        while !encoded.done() {
            let before = encoded.rest();
            any_ref(encoded.any()?)?;
            let read = before.len().checked_sub(encoded.rest().len())?;
            if !ascending(&mut previous_value, before.get(..read)?) {
                return None;
            }
        }
    }
    Some(())
}

/// Whether `next` may follow `previous` in a SET OF in DER order; `next` becomes the
/// previous one.
fn ascending<'a>(previous: &mut Option<&'a [u8]>, next: &'a [u8]) -> bool {
    let fine = previous.is_none_or(|p| der_set_order(p, next) != std::cmp::Ordering::Greater);
    *previous = Some(next);
    fine
}

/// A value of one of the universal types [`Tlv::any`] reads, as `der` accepts it.
pub(crate) fn any_ref((tag, contents): (u8, &[u8])) -> Option<AnyRef<'_>> {
    let tag = match tag {
        0x01 => Tag::Boolean,
        0x02 => Tag::Integer,
        0x03 => Tag::BitString,
        0x04 => Tag::OctetString,
        0x05 => Tag::Null,
        0x06 => Tag::ObjectIdentifier,
        0x0c => Tag::Utf8String,
        0x12 => Tag::NumericString,
        0x13 => Tag::PrintableString,
        0x14 => Tag::TeletexString,
        0x16 => Tag::Ia5String,
        0x17 => Tag::UtcTime,
        0x18 => Tag::GeneralizedTime,
        0x1a => Tag::VisibleString,
        0x1e => Tag::BmpString,
        0x30 => Tag::Sequence,
        0x31 => Tag::Set,
        _ => return None,
    };
    AnyRef::new(tag, contents).ok()
}

/// `SignerInfos ::= SET OF SignerInfo`, each as a [`SignerView`], in the order `der`
/// sorts the typed values.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct SignerInfoSet(pub Vec<SignerView>);

impl SignerInfoSet {
    /// The set of typed SignerInfos, sorted as `der` sorts them.
    pub(crate) fn from_typed(infos: Vec<SignerInfo>) -> der::Result<SignerInfoSet> {
        let sorted = SetOfVec::try_from(infos)?;
        sorted
            .iter()
            .map(SignerView::from_typed)
            .collect::<der::Result<Vec<_>>>()
            .map(SignerInfoSet)
    }

    /// The typed SignerInfos, in order.
    pub(crate) fn typed(&self) -> der::Result<Vec<SignerInfo>> {
        self.0.iter().map(SignerView::typed).collect()
    }

    /// The SignerInfos, in order.
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, SignerView> {
        self.0.iter()
    }

    /// How many SignerInfos there are.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

impl FixedTag for SignerInfoSet {
    const TAG: Tag = Tag::Set;
}

impl EncodeValue for SignerInfoSet {
    fn value_len(&self) -> der::Result<Length> {
        self.0
            .iter()
            .try_fold(Length::ZERO, |sum, v| sum + Length::try_from(v.der.len())?)
    }

    fn encode_value(&self, writer: &mut impl Writer) -> der::Result<()> {
        self.0.iter().try_for_each(|v| writer.write(&v.der))
    }
}

impl<'a> DecodeValue<'a> for SignerInfoSet {
    type Error = der::Error;

    fn decode_value<R: Reader<'a>>(reader: &mut R, header: Header) -> der::Result<Self> {
        let typed = SetOfVec::<SignerInfo>::decode_value(reader, header)?;
        SignerInfoSet::from_typed(typed.into_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value built from the header already read is the value `der` decodes, for every
    /// first identifier octet (a high tag number's with one more octet).
    #[test]
    fn values_read_from_their_header_are_ders() {
        let mut checked = 0;
        for first in 0..=u8::MAX {
            for contents in [&[][..], &[0x00][..], &[0x01, 0x02, 0x03][..]] {
                let mut whole = vec![first, u8::try_from(contents.len()).unwrap()];
                if first & 0x1f == 0x1f {
                    whole.insert(1, 0x21);
                }
                whole.extend_from_slice(contents);
                let mut e = Elements::new(&whole);
                let Some(element) = e.next_element() else {
                    continue;
                };
                assert_eq!(
                    value_ref(element),
                    AnyRef::from_der(&whole).ok(),
                    "{whole:02x?}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 768);
    }
}
