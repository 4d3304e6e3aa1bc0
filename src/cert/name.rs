//! Distinguished names (RFC 5280 section 4.1.2.4): decoded text, RFC 4514 display and
//! RFC 5280 section 7.1 comparison.

use crate::error::EncodingError;
use x509_parser::x509::X509Name;

use crate::error::{Error, Object};
use crate::limits::MAX_NAME_ATTRIBUTES;
use crate::oid::{self, Oid};

/// One attribute of a name: its type and value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Attribute {
    oid: Oid,
    tag: u8,
    value: Vec<u8>,
    text: Option<String>,
    /// `text` prepared for comparison (RFC 4518), computed the first time a comparison
    /// needs it ([`Attribute::normalised`]).
    normalised: Normalised,
}

/// An attribute's prepared text once computed. A function of the value, so it takes no
/// part in comparisons, hashes or `Debug`.
#[derive(Clone, Default)]
struct Normalised(std::sync::OnceLock<Option<String>>);

impl PartialEq for Normalised {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Normalised {}

impl core::hash::Hash for Normalised {
    fn hash<H: core::hash::Hasher>(&self, _: &mut H) {}
}

impl core::fmt::Debug for Normalised {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("_")
    }
}

impl Attribute {
    /// The attribute type (`2.5.4.3` for commonName).
    pub fn oid(&self) -> &Oid {
        &self.oid
    }

    /// The value as text, decoded from its ASN.1 string type (UTF8String, PrintableString,
    /// IA5String, BMPString, UniversalString, TeletexString as Latin-1), or `None` for a
    /// value that is not a string or does not decode.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// The value's ASN.1 universal tag number (12 for UTF8String, 19 PrintableString...).
    pub fn tag(&self) -> u8 {
        self.tag
    }

    /// The value's content octets, as encoded.
    pub fn raw_value(&self) -> &[u8] {
        &self.value
    }

    /// The short name of RFC 4514 (and RFC 4519 for a few more), if the type has one.
    pub fn short_name(&self) -> Option<&'static str> {
        Some(match self.oid.as_str() {
            oid::AT_COMMON_NAME => "CN",
            oid::AT_SURNAME => "SN",
            oid::AT_SERIAL_NUMBER => "serialNumber",
            oid::AT_COUNTRY => "C",
            oid::AT_LOCALITY => "L",
            oid::AT_STATE => "ST",
            oid::AT_STREET => "STREET",
            oid::AT_ORGANIZATION => "O",
            oid::AT_ORGANIZATIONAL_UNIT => "OU",
            oid::AT_TITLE => "title",
            oid::AT_GIVEN_NAME => "givenName",
            oid::AT_EMAIL => "emailAddress",
            oid::AT_UID => "UID",
            oid::AT_DOMAIN_COMPONENT => "DC",
            _ => return None,
        })
    }

    fn new(oid: Oid, tag: u8, value: Vec<u8>) -> Self {
        let text = decode_text(tag, &value);
        Attribute {
            oid,
            tag,
            value,
            text,
            normalised: Normalised::default(),
        }
    }

    /// The text prepared for comparison (RFC 4518); `None` when the value is not text or
    /// holds a character the preparation prohibits.
    fn normalised(&self) -> Option<&str> {
        self.normalised
            .0
            .get_or_init(|| self.text.as_deref().and_then(prepare))
            .as_deref()
    }

    fn matches(&self, other: &Attribute) -> bool {
        if self.oid != other.oid {
            return false;
        }
        // The same encoding prepares to the same text, or to none on both sides: equal
        // either way, without preparing.
        if self.tag == other.tag && self.value == other.value {
            return true;
        }
        match (self.normalised(), other.normalised()) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }
}

/// A distinguished name: a sequence of relative distinguished names (RDNs), each a set of
/// attributes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name {
    der: Vec<u8>,
    rdns: Vec<Vec<Attribute>>,
    /// The RFC 4514 string, rendered the first time it is asked for: a certificate kept in
    /// a [`VerificationCache`](crate::path::VerificationCache) names its subject and issuer
    /// in every report.
    rendered: Rendered,
}

/// A name's string once rendered. It takes no part in comparisons, hashes or `Debug`.
#[derive(Clone, Default)]
struct Rendered(std::sync::OnceLock<String>);

impl PartialEq for Rendered {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Rendered {}

impl core::hash::Hash for Rendered {
    fn hash<H: core::hash::Hasher>(&self, _: &mut H) {}
}

impl core::fmt::Debug for Rendered {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("_")
    }
}

impl Name {
    /// Copies a parsed name. Names with more than
    /// [`MAX_NAME_ATTRIBUTES`](crate::limits::MAX_NAME_ATTRIBUTES) attributes are refused, which
    /// keeps every name comparison cheap.
    pub(crate) fn from_x509(name: &X509Name<'_>) -> Result<Self, Error> {
        let count = name.iter_attributes().count();
        if count > MAX_NAME_ATTRIBUTES {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::Name,
                limit: MAX_NAME_ATTRIBUTES,
                actual: count,
            }));
        }
        if !well_formed_name(name.as_raw()) {
            return Err(Error::invalid_der(Object::Name));
        }
        let rdns = name
            .iter_rdn()
            .map(|rdn| {
                rdn.iter()
                    .map(|atv| {
                        let any = atv.attr_value();
                        let tag = u8::try_from(any.tag().0).unwrap_or(0);
                        Attribute::new(Oid::from_x509(atv.attr_type()), tag, any.data.to_vec())
                    })
                    .collect()
            })
            .collect();
        Ok(Name {
            der: name.as_raw().to_vec(),
            rdns,
            rendered: Rendered::default(),
        })
    }

    /// This name with one more RDN at the end, as a name relative to a CRL issuer makes a
    /// distribution point's name (RFC 5280 section 4.2.1.13). Its encoding is rebuilt in
    /// DER from the attributes.
    pub(crate) fn with_rdn(
        &self,
        rdn: &x509_parser::x509::RelativeDistinguishedName<'_>,
    ) -> Result<Name, Error> {
        let added: Vec<Attribute> = rdn
            .iter()
            .map(|atv| {
                let any = atv.attr_value();
                let tag = u8::try_from(any.tag().0).unwrap_or(0);
                Attribute::new(Oid::from_x509(atv.attr_type()), tag, any.data.to_vec())
            })
            .collect();
        if added.is_empty() || self.attributes().count() + added.len() > MAX_NAME_ATTRIBUTES {
            return Err(Error::invalid_der(Object::Name));
        }
        let mut rdns = self.rdns.clone();
        rdns.push(added);
        let mut content = Vec::new();
        for rdn in &rdns {
            let mut set = Vec::new();
            for attr in rdn {
                let oid = der::asn1::ObjectIdentifier::new(attr.oid.as_str())
                    .map_err(|_| Error::invalid_der(Object::Name))?;
                let mut seq = tlv_prefix(0x06, oid.as_bytes().len());
                seq.extend_from_slice(oid.as_bytes());
                seq.extend(tlv_prefix(attr.tag, attr.value.len()));
                seq.extend_from_slice(&attr.value);
                set.extend(tlv_prefix(0x30, seq.len()));
                set.extend(seq);
            }
            content.extend(tlv_prefix(0x31, set.len()));
            content.extend(set);
        }
        let mut der = tlv_prefix(0x30, content.len());
        der.extend(content);
        Ok(Name {
            der,
            rdns,
            rendered: Rendered::default(),
        })
    }

    /// Reads a DER `Name` of the common shape in one pass: a SEQUENCE of non-empty SETs of
    /// `SEQUENCE { OID, value }`, each value of a universal type `der` knows, at most
    /// [`MAX_NAME_ATTRIBUTES`](crate::limits::MAX_NAME_ATTRIBUTES) attributes, nothing
    /// after it. `None` for any other input, which [`Name::from_der`] then decides; on what
    /// this settles, the two give the same name (the unit test of `Certificate::from_der`
    /// holds them together).
    pub(crate) fn read_common(der_bytes: &[u8]) -> Option<Self> {
        use crate::cert::strict::{Tlv, oid};
        let mut whole = Tlv::new(der_bytes);
        let mut sequence = whole.enter(0x30)?;
        if !whole.done() {
            return None;
        }
        let mut rdns = Vec::new();
        let mut count = 0usize;
        while !sequence.done() {
            let mut set = sequence.enter(0x31)?;
            let mut rdn = Vec::with_capacity(1);
            while !set.done() {
                count += 1;
                if count > MAX_NAME_ATTRIBUTES {
                    return None;
                }
                let mut atv = set.enter(0x30)?;
                let kind = Oid::from_content(oid(&mut atv)?)?;
                let (tag, value) = atv.any()?;
                if !atv.done() {
                    return None;
                }
                // The universal tag number; `any` reads one-octet universal tags only.
                rdn.push(Attribute::new(kind, tag & 0x1f, value.to_vec()));
            }
            if rdn.is_empty() {
                return None;
            }
            rdns.push(rdn);
        }
        Some(Name {
            der: der_bytes.to_vec(),
            rdns,
            rendered: Rendered::default(),
        })
    }

    /// Parses a DER `Name`.
    pub(crate) fn from_der(der_bytes: &[u8]) -> Result<Self, Error> {
        use x509_parser::prelude::FromDer;
        let (rest, name) =
            X509Name::from_der(der_bytes).map_err(|_| Error::invalid_der(Object::Name))?;
        if !rest.is_empty() {
            return Err(Error::malformed(
                Object::Name,
                crate::error::Malformed::TrailingData,
            ));
        }
        Name::from_x509(&name)
    }

    /// The DER encoding of the name.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The RDNs in encoding order (most significant, usually `C`, first).
    pub fn rdns(&self) -> impl Iterator<Item = &[Attribute]> {
        self.rdns.iter().map(Vec::as_slice)
    }

    /// Every attribute, in encoding order.
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.rdns.iter().flatten()
    }

    /// The text values of every attribute of type `oid`, in encoding order.
    pub fn values<'a>(&'a self, oid: &'a Oid) -> impl Iterator<Item = &'a str> + 'a {
        self.values_of(oid.as_str())
    }

    /// The text values of every attribute of the type a dotted constant names.
    pub(crate) fn values_of<'a>(&'a self, oid: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.attributes()
            .filter(move |a| a.oid == oid)
            .filter_map(Attribute::text)
    }

    /// The last (most specific) commonName, if any.
    pub fn common_name(&self) -> Option<&str> {
        self.values_of(oid::AT_COMMON_NAME).last()
    }

    /// Whether every value of the name is text that survived string preparation (RFC
    /// 4518), so that comparing it with another name means something beyond byte equality:
    /// a value kyso cannot decode as text, or of a string type it does not read, is not.
    pub(crate) fn is_comparable(&self) -> bool {
        self.attributes().all(|a| a.normalised().is_some())
    }

    /// Whether `base`'s RDNs begin this name with every value compared by its
    /// [`look_alike_key`]: the name lies within a subtree that merely looks like `base`.
    pub(crate) fn looks_within(&self, base: &Name) -> bool {
        // Each attribute's key is computed once per call (the keys cost a Unicode skeleton
        // each), then compared pairwise within each RDN.
        fn keys(rdn: &[Attribute]) -> Vec<(&Oid, Option<String>)> {
            rdn.iter()
                .map(|a| (&a.oid, a.text.as_deref().and_then(look_alike_key)))
                .collect()
        }
        let same = |(ox, kx): &(&Oid, Option<String>), (oy, ky): &(&Oid, Option<String>)| {
            ox == oy && matches!((kx, ky), (Some(a), Some(b)) if a == b)
        };
        base.rdns.len() <= self.rdns.len()
            && base.rdns.iter().zip(&self.rdns).all(|(b, a)| {
                if a.len() != b.len() {
                    return false;
                }
                let (ka, kb) = (keys(a), keys(b));
                ka.iter().all(|x| kb.iter().any(|y| same(x, y)))
                    && kb.iter().all(|y| ka.iter().any(|x| same(x, y)))
            })
    }

    /// Whether the name has no attribute.
    pub fn is_empty(&self) -> bool {
        self.rdns.is_empty()
    }

    /// Whether `base`'s RDNs begin this name, compared as [`Name::matches`] compares: the
    /// name lies within the directory subtree `base` (RFC 5280 section 4.2.1.10).
    pub(crate) fn starts_with(&self, base: &Name) -> bool {
        base.rdns.len() <= self.rdns.len()
            && base.rdns.iter().zip(&self.rdns).all(|(b, a)| {
                a.len() == b.len()
                    && a.iter().all(|x| b.iter().any(|y| x.matches(y)))
                    && b.iter().all(|y| a.iter().any(|x| x.matches(y)))
            })
    }

    /// Whether both names hold the same attributes, compared as [`Name::matches`] compares
    /// values, whatever their order and grouping into RDNs.
    pub(crate) fn matches_unordered(&self, other: &Name) -> bool {
        let a: Vec<&Attribute> = self.attributes().collect();
        let b: Vec<&Attribute> = other.attributes().collect();
        let mut used = vec![false; b.len()];
        a.len() == b.len()
            && a.iter().all(|x| {
                b.iter().enumerate().any(|(i, y)| {
                    let free = used.get(i).is_some_and(|u| !u);
                    if free && x.matches(y) {
                        if let Some(u) = used.get_mut(i) {
                            *u = true;
                        }
                        true
                    } else {
                        false
                    }
                })
            })
    }

    /// Compares two names as RFC 5280 section 7.1 asks: the same RDNs in the same order,
    /// each RDN the same set of attributes, string values compared after the string
    /// preparation of RFC 4518 (format characters removed, NFKC, case folding, insignificant
    /// spaces), so that "Bộ Công an" written composed, decomposed or with a zero-width
    /// space is one name. A value the preparation refuses matches only its own encoding.
    /// Identical encodings match at once.
    pub fn matches(&self, other: &Name) -> bool {
        if self.der == other.der {
            return true;
        }
        self.rdns.len() == other.rdns.len()
            && self.rdns.iter().zip(&other.rdns).all(|(a, b)| {
                a.len() == b.len()
                    && a.iter().all(|x| b.iter().any(|y| x.matches(y)))
                    && b.iter().all(|y| a.iter().any(|x| x.matches(y)))
            })
    }
}

impl core::fmt::Display for Name {
    /// RFC 4514 string: RDNs from the last to the first, separated by commas.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.rendered.0.get_or_init(|| Rfc4514(self).to_string()))
    }
}

/// A name written as RFC 4514 says, each time.
struct Rfc4514<'a>(&'a Name);

impl core::fmt::Display for Rfc4514<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        for (i, rdn) in self.0.rdns.iter().rev().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            for (j, attr) in rdn.iter().enumerate() {
                if j > 0 {
                    f.write_str("+")?;
                }
                match attr.short_name() {
                    Some(n) => f.write_str(n)?,
                    None => f.write_str(attr.oid.as_str())?,
                }
                f.write_str("=")?;
                match (&attr.text, attr.short_name()) {
                    (Some(text), Some(_)) => write_escaped(f, text)?,
                    _ => {
                        // RFC 4514 section 2.4: unknown types, and values that are not
                        // text, are written as '#' and the hex of their BER encoding.
                        f.write_str("#")?;
                        for b in tlv_prefix(attr.tag, attr.value.len())
                            .iter()
                            .chain(&attr.value)
                        {
                            write!(f, "{b:02x}")?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Writes `text` with control, format and line-separator characters escaped (`\u{a}`,
/// `\u{202e}`), for reports read by people. Runs of characters kept as they are go out
/// in one write.
pub(crate) fn write_printable(f: &mut core::fmt::Formatter<'_>, text: &str) -> core::fmt::Result {
    let mut kept_from = 0;
    for (at, c) in text.char_indices() {
        if !needs_hex(c) {
            continue;
        }
        f.write_str(text.get(kept_from..at).unwrap_or_default())?;
        write!(f, "{}", c.escape_unicode())?;
        kept_from = at + c.len_utf8();
    }
    f.write_str(text.get(kept_from..).unwrap_or_default())
}

/// A value prepared for comparison as RFC 5280 section 7.1 asks: the string preparation
/// of RFC 4518 for caseIgnoreMatch, with the case folding of RFC 3454 table B.2 and the
/// insignificant-space handling of RFC 4518 section 2.6.1. `None` when the value holds a
/// character the preparation prohibits: such a value matches only its own encoding.
///
/// 1. Map: soft hyphens, joiners, variation selectors, the object replacement character,
///    zero-width space, and every other control (Cc) or format (Cf) character, to nothing;
///    the white-space controls and every separator (Zs, Zl, Zp) to a space; then case
///    folding (table B.2). Format characters are taken from today's Unicode data, not only
///    from RFC 4518's list of Unicode 3.2, so that bidi isolates (U+2066 to U+2069) are
///    removed as well.
/// 2. Normalize: NFKC, so that a name written decomposed (NFD, as some systems store
///    Vietnamese) or composed (NFC) is the same name.
/// 3. Prohibit: unassigned code points (in Unicode 3.2, the version RFC 4518 fixes),
///    private use, non-characters, characters that change display properties or are
///    deprecated, and U+FFFD.
/// 4. Insignificant spaces: leading and trailing ones dropped, inner runs compared as one.
pub(crate) fn prepare(text: &str) -> Option<String> {
    // Printable ASCII (most names): only case and spaces change.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        let mut out = String::with_capacity(text.len());
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        }
        return Some(out);
    }
    use stringprep::tables;
    use unicode_normalization::UnicodeNormalization;
    use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};
    let mut mapped = String::with_capacity(text.len());
    for c in text.chars() {
        let space = matches!(c, '\u{9}' | '\u{a}'..='\u{d}' | '\u{85}')
            || c.general_category_group() == GeneralCategoryGroup::Separator;
        let nothing = matches!(
            c,
            '\u{ad}'
                | '\u{34f}'
                | '\u{1806}'
                | '\u{180b}'..='\u{180d}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{fffc}'
                | '\u{200b}'
        ) || matches!(
            c.general_category(),
            GeneralCategory::Control | GeneralCategory::Format
        ) || default_ignorable(c);
        if space {
            mapped.push(' ');
        } else if !nothing {
            mapped.extend(tables::case_fold_for_nfkc(c));
        }
    }
    let normalized: String = mapped.nfkc().collect();
    if normalized.chars().any(|c| {
        tables::unassigned_code_point(c)
            || tables::private_use(c)
            || tables::non_character_code_point(c)
            || tables::change_display_properties_or_deprecated(c)
            || c == '\u{fffd}'
    }) {
        return None;
    }
    let mut out = String::with_capacity(normalized.len());
    for word in normalized.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Some(out)
}

/// Unicode's Default_Ignorable_Code_Point characters that are neither controls nor format
/// characters (those are mapped to nothing already): the Hangul fillers, the Khmer
/// inherent vowels and the Mongolian free variation selector, which render as nothing.
fn default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}' | '\u{180f}' | '\u{3164}' | '\u{ffa0}'
    )
}

/// A value's form for telling whether it merely looks like another (UTS #39 confusable
/// skeleton of its prepared text, case folded again, without spaces, and with a combining
/// mark repeated right after itself dropped): "Вộ Сông аn" in Cyrillic letters, or "Bộ
/// Công" and "an" separated by a blank-looking Hangul filler, has the same key as "Bộ Công
/// an". Used only to widen excluded subtrees of name constraints, where matching too much
/// refuses a look-alike and matching too little lets it through.
pub(crate) fn look_alike_key(text: &str) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    let skeleton: String = unicode_security::skeleton(text).collect();
    let prepared = prepare(&skeleton)?;
    let mut out = String::with_capacity(prepared.len());
    let mut last: Option<char> = None;
    // Decomposed, so that a mark repeated next to its twin inside a composed letter shows.
    for c in prepared.nfd() {
        let repeated_mark =
            Some(c) == last && c.general_category_group() == GeneralCategoryGroup::Mark;
        if c == ' ' || repeated_mark {
            continue;
        }
        out.push(c);
        last = Some(c);
    }
    Some(out.nfc().collect())
}

/// Whether `c` must be escaped when a name is shown to a person: control characters,
/// format characters (bidi controls, zero-width characters, which make two different names
/// look alike or reorder what is around them) and line or paragraph separators.
pub(crate) fn hidden(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    c.is_control()
        || matches!(
            c.general_category(),
            GeneralCategory::Format
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
}

/// Whether `c` is [`hidden`]: never for printable ASCII, which is most of what names
/// hold, so the Unicode tables are read only for other characters.
fn needs_hex(c: char) -> bool {
    !matches!(c, ' '..='~') && hidden(c)
}

/// RFC 4514 section 2.4 escaping. Runs of characters kept as they are go out in one write.
fn write_escaped(f: &mut core::fmt::Formatter<'_>, text: &str) -> core::fmt::Result {
    let last = text.chars().count().saturating_sub(1);
    let mut kept_from = 0;
    for (i, (at, c)) in text.char_indices().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        let hex = needs_hex(c);
        if !hex && !special {
            continue;
        }
        f.write_str(text.get(kept_from..at).unwrap_or_default())?;
        kept_from = at + c.len_utf8();
        if hex {
            // RFC 4514 allows any character as hex pairs of its UTF-8 encoding; control,
            // format and separator characters are written that way so that a name cannot
            // forge lines of a report, reorder it (bidi controls) or hide a difference
            // (zero-width characters).
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                write!(f, "\\{b:02x}")?;
            }
        } else {
            f.write_str("\\")?;
            f.write_str(c.encode_utf8(&mut [0u8; 4]))?;
        }
    }
    f.write_str(text.get(kept_from..).unwrap_or_default())
}

/// Whether `raw` is a DER Name as RFC 5280 section 4.1.2.4 shapes it: a SEQUENCE of SETs,
/// each of one or more SEQUENCEs of an OBJECT IDENTIFIER and one value of a universal type.
/// The parser underneath reads names without checking these tags, which would let two
/// encodings with different tags stand for the same name.
fn well_formed_name(raw: &[u8]) -> bool {
    let tlv_at = |bytes: &[u8], pos: usize| {
        crate::tlv::header_at(bytes, pos).map(|h| (h.first, h.start, h.end))
    };
    // The TLVs of `bytes[start..end]`, as (identifier octet, content start, content end).
    let children = |start: usize, end: usize| -> Option<Vec<(u8, usize, usize)>> {
        let mut out = Vec::new();
        let mut pos = start;
        while pos < end {
            let (tag, s, e) = tlv_at(raw.get(..end)?, pos)?;
            out.push((tag, s, e));
            pos = e;
        }
        Some(out)
    };
    let check = || -> Option<bool> {
        let (tag, start, end) = tlv_at(raw, 0)?;
        if tag != 0x30 || end != raw.len() {
            return Some(false);
        }
        for (set, s, e) in children(start, end)? {
            if set != 0x31 || s == e {
                return Some(false);
            }
            for (seq, s, e) in children(s, e)? {
                if seq != 0x30 {
                    return Some(false);
                }
                let parts = children(s, e)?;
                let [(oid, _, _), (value, _, _)] = parts.as_slice() else {
                    return Some(false);
                };
                // A universal type with a one-octet tag, not the reserved tag 0.
                let universal = value & 0xc0 == 0 && value & 0x1f != 0 && value & 0x1f != 0x1f;
                if *oid != 0x06 || !universal {
                    return Some(false);
                }
            }
        }
        Some(true)
    };
    check().unwrap_or(false)
}

/// The tag and DER length octets in front of a value of `len` bytes.
fn tlv_prefix(tag: u8, len: usize) -> Vec<u8> {
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | u8::try_from(significant.len()).unwrap_or(0));
        out.extend_from_slice(significant);
    }
    out
}

/// Decodes a DirectoryString-like value to text.
fn decode_text(tag: u8, value: &[u8]) -> Option<String> {
    match tag {
        // UTF8String
        12 => core::str::from_utf8(value).ok().map(str::to_owned),
        // NumericString, PrintableString, IA5String, VisibleString: ASCII.
        18 | 19 | 22 | 26 => value
            .is_ascii()
            .then(|| core::str::from_utf8(value).ok().map(str::to_owned))
            .flatten(),
        // TeletexString: in practice Latin-1.
        20 => Some(value.iter().map(|&b| char::from(b)).collect()),
        // BMPString: UTF-16 big-endian.
        30 => {
            if !value.len().is_multiple_of(2) {
                return None;
            }
            let units = value
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        // UniversalString: UCS-4 big-endian.
        28 => {
            if !value.len().is_multiple_of(4) {
                return None;
            }
            value
                .chunks_exact(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(oid: &str, tag: u8, text: &str) -> Attribute {
        Attribute::new(Oid::known_or_owned(oid), tag, text.as_bytes().to_vec())
    }

    #[test]
    fn comparison_folds_case_and_space() {
        let a = Name {
            der: vec![1],
            rdns: vec![
                vec![attr(oid::AT_COUNTRY, 19, "VN")],
                vec![attr(oid::AT_COMMON_NAME, 12, "Nguyễn  Văn An ")],
            ],
            rendered: Rendered::default(),
        };
        let b = Name {
            der: vec![2],
            rdns: vec![
                vec![attr(oid::AT_COUNTRY, 19, "vn")],
                vec![attr(oid::AT_COMMON_NAME, 12, "NGUYỄN VĂN AN")],
            ],
            rendered: Rendered::default(),
        };
        assert!(a.matches(&b));
        let c = Name {
            der: vec![3],
            rdns: vec![
                vec![attr(oid::AT_COMMON_NAME, 12, "Nguyễn Văn An")],
                vec![attr(oid::AT_COUNTRY, 19, "VN")],
            ],
            rendered: Rendered::default(),
        };
        assert!(!a.matches(&c), "RDN order matters");
    }

    fn name(values: &[&str]) -> Name {
        Name {
            der: values.join("|").into_bytes(),
            rdns: vec![
                vec![attr(oid::AT_COUNTRY, 19, "VN")],
                values
                    .iter()
                    .map(|v| attr(oid::AT_ORGANIZATION, 12, v))
                    .collect(),
            ],
            rendered: Rendered::default(),
        }
    }

    /// RFC 4518 preparation: Vietnamese in NFC, NFD and mixed, with format characters,
    /// compatibility forms and capitals, is one name; what it prohibits compares by bytes.
    #[test]
    fn string_preparation() {
        let nfc = "B\u{1ed9} C\u{f4}ng an";
        let same = [
            "Bo\u{323}\u{302} Co\u{302}ng an",
            "B\u{1ed9} Co\u{302}ng an",
            "B\u{1ed9}\u{200b} C\u{f4}ng an",
            "B\u{1ed9} C\u{f4}ng\u{ad} an",
            "\u{202e}B\u{1ed9} C\u{f4}ng an\u{202c}",
            "\u{2066}B\u{1ed9}\u{2069} C\u{f4}ng an",
            "B\u{1ed8} C\u{d4}NG AN",
            "\u{ff22}\u{1ed9} C\u{f4}ng an",
            "  B\u{1ed9}\u{a0}\u{a0}C\u{f4}ng\tan ",
            "B\u{1ed9} C\u{f4}ng\u{fe0f} an",
        ];
        let reference = prepare(nfc).unwrap();
        assert_eq!(reference, "b\u{1ed9} c\u{f4}ng an");
        for s in same {
            assert_eq!(prepare(s).as_deref(), Some(reference.as_str()), "{s:?}");
            assert!(name(&[s]).matches(&name(&[nfc])), "{s:?}");
            assert!(name(&[nfc]).starts_with(&name(&[s])), "{s:?}");
        }
        assert!(!name(&["B\u{1ed9} T\u{e0}i ch\u{ed}nh"]).matches(&name(&[nfc])));
        // Prohibited: the replacement character, private use, unassigned (Unicode 3.2).
        for s in ["B\u{1ed9}\u{fffd}", "B\u{e000}", "B\u{1f600}"] {
            assert_eq!(prepare(s), None, "{s:?}");
            assert!(!name(&[s]).is_comparable());
            assert!(
                name(&[s]).matches(&name(&[s])),
                "identical bytes still match"
            );
        }
        assert!(name(&[nfc]).is_comparable());
        // A value that is not text (here an OCTET STRING) cannot be compared either.
        let octets = Name {
            der: vec![9],
            rdns: vec![vec![Attribute::new(
                Oid::known(oid::AT_ORGANIZATION),
                4,
                nfc.as_bytes().to_vec(),
            )]],
            rendered: Rendered::default(),
        };
        assert!(!octets.is_comparable());
        // Look-alikes: Cyrillic letters, a Hangul filler for a space, a repeated mark.
        let key = look_alike_key(nfc);
        assert!(key.is_some());
        for s in [
            "\u{412}\u{1ed9} \u{421}\u{f4}ng \u{430}n",
            "B\u{1ed9} C\u{f4}ng\u{3164}an",
            "B\u{1ed9}\u{323} C\u{f4}ng an",
        ] {
            assert_eq!(look_alike_key(s), key, "{s:?}");
            assert!(name(&[s]).looks_within(&name(&[nfc])), "{s:?}");
        }
        assert_ne!(look_alike_key("B\u{1ed9} Y t\u{1ebf}"), key);
        // ASCII takes the short way to the same result.
        assert_eq!(
            prepare("  Kyso   TEST  CA ").as_deref(),
            Some("kyso test ca")
        );
        assert_eq!(
            prepare("\u{a0}Kyso\u{200b} TEST CA").as_deref(),
            Some("kyso test ca")
        );
    }

    #[test]
    fn display_escapes() {
        let n = Name {
            der: vec![],
            rdns: vec![
                vec![attr(oid::AT_COUNTRY, 19, "VN")],
                vec![attr(oid::AT_ORGANIZATION, 12, "A, B + C")],
                vec![attr("1.2.3.4", 12, "x")],
            ],
            rendered: Rendered::default(),
        };
        assert_eq!(n.to_string(), "1.2.3.4=#0c0178,O=A\\, B \\+ C,C=VN");
        let forged = Name {
            der: vec![],
            rdns: vec![vec![attr(
                oid::AT_COMMON_NAME,
                12,
                "An\nSigner 2: TOTAL-PASSED",
            )]],
            rendered: Rendered::default(),
        };
        assert_eq!(forged.to_string(), "CN=An\\0aSigner 2: TOTAL-PASSED");
        // Format characters: a zero-width space and a right-to-left override.
        let hidden = Name {
            der: vec![],
            rdns: vec![vec![attr(
                oid::AT_COMMON_NAME,
                12,
                "B\u{1ed9}\u{200b} C\u{f4}ng \u{202e}an",
            )]],
            rendered: Rendered::default(),
        };
        assert_eq!(
            hidden.to_string(),
            "CN=B\u{1ed9}\\e2\\80\\8b C\u{f4}ng \\e2\\80\\aean"
        );
    }

    /// The run-based writers give what writing one character at a time gives.
    #[test]
    fn escaping_in_runs_is_escaping_each_character() {
        struct Escaped<'a>(&'a str, bool);
        impl core::fmt::Display for Escaped<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                if self.1 {
                    write_escaped(f, self.0)
                } else {
                    write_printable(f, self.0)
                }
            }
        }
        let each = |text: &str, rfc4514: bool| {
            let last = text.chars().count().saturating_sub(1);
            let mut out = String::new();
            for (i, c) in text.chars().enumerate() {
                let special = rfc4514
                    && (matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
                        || (i == 0 && (c == '#' || c == ' '))
                        || (i == last && c == ' '));
                if hidden(c) {
                    if rfc4514 {
                        let mut buf = [0u8; 4];
                        for b in c.encode_utf8(&mut buf).bytes() {
                            out.push_str(&format!("\\{b:02x}"));
                        }
                    } else {
                        out.push_str(&c.escape_unicode().to_string());
                    }
                } else if special {
                    out.push('\\');
                    out.push(c);
                } else {
                    out.push(c);
                }
            }
            out
        };
        let texts = [
            "",
            " ",
            "#",
            "  ",
            "Kyso Test CA",
            " #lead, trail ",
            "A, B + C; <x> \"q\" \\",
            "C\u{f4}ng ty C\u{1ed5} ph\u{1ea7}n",
            "B\u{1ed9}\u{200b} C\u{f4}ng \u{202e}an\u{2066}",
            "line\nbreak\r\ttab\u{7f}\u{85}\u{2028}\u{2029}",
            "\u{feff}start and end\u{ad}",
            "\u{1f600} emoji, \u{10ffff}",
        ];
        for text in texts {
            for rfc4514 in [true, false] {
                assert_eq!(
                    Escaped(text, rfc4514).to_string(),
                    each(text, rfc4514),
                    "{text:?} {rfc4514}"
                );
            }
        }
        // Every character of the Basic Multilingual Plane and some beyond, alone and
        // between printable ones.
        for code in (0..0x3_0000u32).step_by(7).chain(0..0x80) {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            for text in [c.to_string(), format!("a{c}b"), format!("{c} ")] {
                for rfc4514 in [true, false] {
                    assert_eq!(
                        Escaped(&text, rfc4514).to_string(),
                        each(&text, rfc4514),
                        "{code:x} {rfc4514}"
                    );
                }
            }
        }
    }

    #[test]
    fn string_types() {
        assert_eq!(
            decode_text(30, &[0x00, 0x41, 0x1e, 0xa1]).as_deref(),
            Some("Aạ")
        );
        assert_eq!(decode_text(28, &[0, 0, 0, 0x41]).as_deref(), Some("A"));
        assert_eq!(decode_text(20, &[0xe9]).as_deref(), Some("é"));
        assert_eq!(decode_text(19, &[0xe9]), None);
        assert_eq!(decode_text(30, &[0x00]), None);
        assert_eq!(tlv_prefix(12, 200), vec![12, 0x81, 200]);
    }
}
