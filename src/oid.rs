//! Object identifiers: the one public type [`Oid`], and the identifiers kyso uses (RFC 5280,
//! RFC 8017, RFC 5758, RFC 8410, FIPS 180-4), kept private.

use std::borrow::Cow;

use der::asn1::ObjectIdentifier as DerOid;

use crate::limits::MAX_OID_LENGTH;

/// An object identifier (ITU-T X.660), held in its dotted-decimal form (`2.5.29.15`).
///
/// Every OID in kyso's public API is an `Oid`: an extension's type, an unknown algorithm,
/// a certificate policy, an extended key usage, a content type. Two `Oid`s are equal when
/// they name the same identifier, since the dotted form is canonical (no leading zeros).
///
/// ```
/// use kyso::oid::Oid;
///
/// let tst_info: Oid = "1.2.840.113549.1.9.16.1.4".parse()?;
/// assert_eq!(tst_info, "1.2.840.113549.1.9.16.1.4");
/// assert!("1.02.3".parse::<Oid>().is_err());
/// # Ok::<(), kyso::oid::InvalidOid>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oid(Cow<'static, str>);

/// A text that is not a dotted-decimal object identifier: arcs of decimal digits without
/// leading zeros, at least two, the first 0, 1 or 2 and the second below 40 under 0 and 1
/// (X.690 section 8.19.4), at most [`MAX_OID_LENGTH`] characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidOid;

impl core::fmt::Display for InvalidOid {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("not a dotted-decimal object identifier")
    }
}

impl std::error::Error for InvalidOid {}

impl Oid {
    /// Reads a dotted-decimal OID.
    ///
    /// # Errors
    ///
    /// [`InvalidOid`] if `dotted` is not one (see there).
    pub fn parse(dotted: &str) -> Result<Oid, InvalidOid> {
        if dotted.len() > MAX_OID_LENGTH {
            return Err(InvalidOid);
        }
        let arcs: Vec<&str> = dotted.split('.').collect();
        if arcs.len() < 2 {
            return Err(InvalidOid);
        }
        for arc in &arcs {
            let digits_only = !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit());
            if !digits_only || (arc.len() > 1 && arc.starts_with('0')) {
                return Err(InvalidOid);
            }
        }
        let second_small = arcs
            .get(1)
            .is_some_and(|a| a.len() == 1 || (a.len() == 2 && *a < "40"));
        match arcs.first().copied() {
            Some("0" | "1") if second_small => {}
            Some("2") => {}
            _ => return Err(InvalidOid),
        }
        Ok(Oid(Cow::Owned(dotted.to_owned())))
    }

    /// The dotted-decimal form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An OID kyso knows, from its constant.
    pub(crate) const fn known(dotted: &'static str) -> Oid {
        Oid(Cow::Borrowed(dotted))
    }

    /// A dotted form taken as it is, unchecked (tests build names from text).
    #[cfg(test)]
    pub(crate) fn known_or_owned(dotted: &str) -> Oid {
        Oid(Cow::Owned(dotted.to_owned()))
    }

    /// From a `der` identifier.
    pub(crate) fn from_der(oid: &DerOid) -> Oid {
        Oid::from_content(oid.as_bytes()).unwrap_or_else(|| Oid(Cow::Owned(oid.to_string())))
    }

    /// From an `x509-parser` identifier.
    pub(crate) fn from_x509(oid: &x509_parser::oid_registry::Oid<'_>) -> Oid {
        Oid::from_content(oid.as_bytes()).unwrap_or_else(|| Oid(Cow::Owned(oid.to_id_string())))
    }

    /// The identifier whose contents octets (X.690 section 8.19) are `content`, rendered
    /// without the formatter; an identifier in [`KNOWN`] is borrowed, not allocated. `None`
    /// for what this fast path leaves to the decoder's own rendering: no octets, an arc
    /// padded with a leading 0x80 or cut short, an arc over 128 bits (a UUID under 2.25
    /// fits), or a rendering longer than [`MAX_OID_LENGTH`].
    pub(crate) fn from_content(content: &[u8]) -> Option<Oid> {
        if let Some(known) = known_by_content(content) {
            return Some(Oid(Cow::Borrowed(known)));
        }
        let mut out = [0u8; MAX_OID_LENGTH];
        let mut len = 0usize;
        let mut push = |bytes: &[u8]| -> Option<()> {
            let end = len.checked_add(bytes.len())?;
            out.get_mut(len..end)?.copy_from_slice(bytes);
            len = end;
            Some(())
        };
        let mut arc: u128 = 0;
        let mut fresh = true;
        let mut first = true;
        for &b in content {
            if fresh && b == 0x80 {
                return None;
            }
            if arc >> 121 != 0 {
                return None;
            }
            arc = (arc << 7) | u128::from(b & 0x7f);
            fresh = b & 0x80 == 0;
            if !fresh {
                continue;
            }
            if first {
                // X.690 section 8.19.4: the first subidentifier packs the first two arcs.
                let (top, second) = match arc {
                    0..=39 => (b"0", arc),
                    40..=79 => (b"1", arc - 40),
                    _ => (b"2", arc - 80),
                };
                push(top)?;
                push(b".")?;
                push(decimal(second, &mut [0; 39]))?;
                first = false;
            } else {
                push(b".")?;
                push(decimal(arc, &mut [0; 39]))?;
            }
            arc = 0;
        }
        if first || !fresh {
            return None;
        }
        let text = core::str::from_utf8(out.get(..len)?).ok()?;
        Some(match KNOWN.binary_search(&text) {
            Ok(i) => Oid(Cow::Borrowed(KNOWN.get(i)?)),
            Err(_) => Oid(Cow::Owned(text.to_owned())),
        })
    }

    /// As a `der` identifier, if `der` can hold it (at most 39 bytes encoded).
    pub(crate) fn to_der(&self) -> Option<DerOid> {
        DerOid::new(&self.0).ok()
    }
}

impl core::str::FromStr for Oid {
    type Err = InvalidOid;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Oid::parse(s)
    }
}

impl core::fmt::Display for Oid {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl core::fmt::Debug for Oid {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Oid({})", self.0)
    }
}

impl PartialEq<str> for Oid {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Oid {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl serde::Serialize for Oid {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// `n` in decimal, written at the end of `buf` (64-bit division while the value fits).
fn decimal(n: u128, buf: &mut [u8; 39]) -> &[u8] {
    let mut i = buf.len();
    let mut wide = n;
    while u64::try_from(wide).is_err() {
        i -= 1;
        if let (Some(slot), Ok(digit)) = (buf.get_mut(i), u8::try_from(wide % 10)) {
            *slot = b'0' + digit;
        }
        wide /= 10;
    }
    let mut narrow = u64::try_from(wide).unwrap_or(0);
    loop {
        i -= 1;
        if let (Some(slot), Ok(digit)) = (buf.get_mut(i), u8::try_from(narrow % 10)) {
            *slot = b'0' + digit;
        }
        narrow /= 10;
        if narrow == 0 || i == 0 {
            break;
        }
    }
    buf.get(i..).unwrap_or_default()
}

/// Identifiers read so often (name attributes, extensions, key purposes, access methods,
/// CMS content types) that [`Oid::from_content`] borrows them instead of allocating;
/// sorted, for a binary search.
const KNOWN: [&str; 47] = [
    "0.9.2342.19200300.100.1.1",
    "0.9.2342.19200300.100.1.25",
    "1.2.840.113549.1.1.1",
    "1.2.840.113549.1.1.11",
    "1.2.840.113549.1.7.1",
    "1.2.840.113549.1.7.2",
    "1.2.840.113549.1.9.1",
    "1.2.840.113549.1.9.16.2.47",
    "1.2.840.113549.1.9.3",
    "1.2.840.113549.1.9.4",
    "1.2.840.113549.1.9.5",
    "1.3.6.1.5.5.7.1.1",
    "1.3.6.1.5.5.7.1.3",
    "1.3.6.1.5.5.7.3.1",
    "1.3.6.1.5.5.7.3.2",
    "1.3.6.1.5.5.7.3.3",
    "1.3.6.1.5.5.7.3.36",
    "1.3.6.1.5.5.7.3.4",
    "1.3.6.1.5.5.7.3.8",
    "1.3.6.1.5.5.7.3.9",
    "1.3.6.1.5.5.7.48.1",
    "1.3.6.1.5.5.7.48.2",
    "2.16.840.1.101.3.4.2.1",
    "2.5.29.14",
    "2.5.29.15",
    "2.5.29.17",
    "2.5.29.18",
    "2.5.29.19",
    "2.5.29.30",
    "2.5.29.31",
    "2.5.29.32",
    "2.5.29.32.0",
    "2.5.29.35",
    "2.5.29.36",
    "2.5.29.37",
    "2.5.29.37.0",
    "2.5.29.54",
    "2.5.4.10",
    "2.5.4.11",
    "2.5.4.12",
    "2.5.4.3",
    "2.5.4.4",
    "2.5.4.42",
    "2.5.4.5",
    "2.5.4.6",
    "2.5.4.7",
    "2.5.4.8",
];

/// The entry of [`KNOWN`] whose contents octets are `content`: found by the octets, so a
/// known identifier is not rendered at all (rendering every name attribute's and every
/// extension's identifier was most of the time spent copying a certificate's names).
fn known_by_content(content: &[u8]) -> Option<&'static str> {
    static BY_CONTENT: std::sync::OnceLock<Vec<(DerOid, &'static str)>> =
        std::sync::OnceLock::new();
    let table = BY_CONTENT.get_or_init(|| {
        let mut table: Vec<(DerOid, &'static str)> = KNOWN
            .iter()
            .filter_map(|k| DerOid::new(k).ok().map(|d| (d, *k)))
            .collect();
        table.sort_by(|a, b| by_length_then_octets(a.0.as_bytes(), b.0.as_bytes()));
        table
    });
    let at = table
        .binary_search_by(|(d, _)| by_length_then_octets(d.as_bytes(), content))
        .ok()?;
    table.get(at).map(|(_, k)| *k)
}

/// The order of [`known_by_content`]'s table: the length first, so that most steps of the
/// search compare two numbers.
fn by_length_then_octets(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

// Digest algorithms.
pub(crate) const SHA1: DerOid = DerOid::new_unwrap("1.3.14.3.2.26");
pub(crate) const SHA256: DerOid = DerOid::new_unwrap("2.16.840.1.101.3.4.2.1");
pub(crate) const SHA384: DerOid = DerOid::new_unwrap("2.16.840.1.101.3.4.2.2");
pub(crate) const SHA512: DerOid = DerOid::new_unwrap("2.16.840.1.101.3.4.2.3");
/// id-sha3-256, id-sha3-384, id-sha3-512 (FIPS 202; NIST CSOR).
pub(crate) const SHA3_256: DerOid = DerOid::new_unwrap("2.16.840.1.101.3.4.2.8");
pub(crate) const SHA3_384: DerOid = DerOid::new_unwrap("2.16.840.1.101.3.4.2.9");
pub(crate) const SHA3_512: DerOid = DerOid::new_unwrap("2.16.840.1.101.3.4.2.10");

// Key types and curves.
pub(crate) const RSA_ENCRYPTION: DerOid = DerOid::new_unwrap("1.2.840.113549.1.1.1");
pub(crate) const EC_PUBLIC_KEY: DerOid = DerOid::new_unwrap("1.2.840.10045.2.1");
pub(crate) const SECP256R1: DerOid = DerOid::new_unwrap("1.2.840.10045.3.1.7");
pub(crate) const SECP384R1: DerOid = DerOid::new_unwrap("1.3.132.0.34");
pub(crate) const ED25519: DerOid = DerOid::new_unwrap("1.3.101.112");

// Signature algorithms.
pub(crate) const SHA1_WITH_RSA: DerOid = DerOid::new_unwrap("1.2.840.113549.1.1.5");
pub(crate) const SHA256_WITH_RSA: DerOid = DerOid::new_unwrap("1.2.840.113549.1.1.11");
pub(crate) const SHA384_WITH_RSA: DerOid = DerOid::new_unwrap("1.2.840.113549.1.1.12");
pub(crate) const SHA512_WITH_RSA: DerOid = DerOid::new_unwrap("1.2.840.113549.1.1.13");
pub(crate) const RSASSA_PSS: DerOid = DerOid::new_unwrap("1.2.840.113549.1.1.10");
pub(crate) const MGF1: DerOid = DerOid::new_unwrap("1.2.840.113549.1.1.8");
pub(crate) const ECDSA_WITH_SHA256: DerOid = DerOid::new_unwrap("1.2.840.10045.4.3.2");
pub(crate) const ECDSA_WITH_SHA384: DerOid = DerOid::new_unwrap("1.2.840.10045.4.3.3");
pub(crate) const ECDSA_WITH_SHA512: DerOid = DerOid::new_unwrap("1.2.840.10045.4.3.4");
pub(crate) const ECDSA_WITH_SHA1: DerOid = DerOid::new_unwrap("1.2.840.10045.4.1");
/// id-ecdsa-with-sha3-256/384/512 (NIST CSOR, RFC 8692's neighbours).
pub(crate) const ECDSA_WITH_SHA3_256: DerOid = DerOid::new_unwrap("2.16.840.1.101.3.4.3.10");
pub(crate) const ECDSA_WITH_SHA3_384: DerOid = DerOid::new_unwrap("2.16.840.1.101.3.4.3.11");
pub(crate) const ECDSA_WITH_SHA3_512: DerOid = DerOid::new_unwrap("2.16.840.1.101.3.4.3.12");
/// id-rsassa-pkcs1-v1_5-with-sha3-256/384/512 (NIST CSOR).
pub(crate) const RSA_WITH_SHA3_256: DerOid = DerOid::new_unwrap("2.16.840.1.101.3.4.3.14");
pub(crate) const RSA_WITH_SHA3_384: DerOid = DerOid::new_unwrap("2.16.840.1.101.3.4.3.15");
pub(crate) const RSA_WITH_SHA3_512: DerOid = DerOid::new_unwrap("2.16.840.1.101.3.4.3.16");
/// id-dsa (RFC 3279 section 2.3.2); dsa-with-sha1 (section 2.2.2), id-dsa-with-sha224 and
/// -sha256 (RFC 5758 section 3.1).
pub(crate) const DSA: DerOid = DerOid::new_unwrap("1.2.840.10040.4.1");
pub(crate) const DSA_WITH_SHA1: DerOid = DerOid::new_unwrap("1.2.840.10040.4.3");
pub(crate) const DSA_WITH_SHA256: DerOid = DerOid::new_unwrap("2.16.840.1.101.3.4.3.2");
/// ecdsa-plain-signatures (BSI TR-03111 section 5.2.1): 0.4.0.127.0.7.1.1.4.1, then 1 SHA-1,
/// 3 SHA-256, 4 SHA-384, 5 SHA-512, 9 SHA3-256, 10 SHA3-384, 11 SHA3-512.
pub(crate) const ECDSA_PLAIN: &str = "0.4.0.127.0.7.1.1.4.1";
/// id-fieldType prime-field (X9.62), in explicit EC parameters.
pub(crate) const PRIME_FIELD: DerOid = DerOid::new_unwrap("1.2.840.10045.1.1");

// Certificate extensions (RFC 5280 section 4.2).
pub(crate) const EXT_SUBJECT_KEY_ID: &str = "2.5.29.14";
pub(crate) const EXT_KEY_USAGE: &str = "2.5.29.15";
pub(crate) const EXT_SUBJECT_ALT_NAME: &str = "2.5.29.17";
pub(crate) const EXT_BASIC_CONSTRAINTS: &str = "2.5.29.19";
pub(crate) const EXT_CERTIFICATE_POLICIES: &str = "2.5.29.32";
pub(crate) const EXT_CRL_DISTRIBUTION_POINTS: &str = "2.5.29.31";
pub(crate) const EXT_EXTENDED_KEY_USAGE: &str = "2.5.29.37";
pub(crate) const EXT_NAME_CONSTRAINTS: &str = "2.5.29.30";
pub(crate) const EXT_AUTHORITY_KEY_ID: &str = "2.5.29.35";
pub(crate) const EXT_POLICY_CONSTRAINTS: &str = "2.5.29.36";
pub(crate) const EXT_INHIBIT_ANY_POLICY: &str = "2.5.29.54";
/// authorityInfoAccess (RFC 5280 section 4.2.2.1).
pub(crate) const EXT_AUTHORITY_INFO_ACCESS: &str = "1.3.6.1.5.5.7.1.1";

// Extended key usages (RFC 5280 section 4.2.1.12).
pub(crate) const KP_ANY: &str = "2.5.29.37.0";
pub(crate) const KP_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
pub(crate) const KP_TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";
pub(crate) const KP_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
pub(crate) const KP_SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
pub(crate) const KP_CODE_SIGNING: &str = "1.3.6.1.5.5.7.3.3";
pub(crate) const KP_EMAIL_PROTECTION: &str = "1.3.6.1.5.5.7.3.4";
/// id-kp-documentSigning (RFC 9336).
pub(crate) const KP_DOCUMENT_SIGNING: &str = "1.3.6.1.5.5.7.3.36";
/// Adobe Authentic Documents Trust (PDF document signing).
pub(crate) const KP_ADOBE_DOCUMENT_SIGNING: &str = "1.2.840.113583.1.1.5";
/// Microsoft document signing (szOID_KP_DOCUMENT_SIGNING).
pub(crate) const KP_MICROSOFT_DOCUMENT_SIGNING: &str = "1.3.6.1.4.1.311.10.3.12";
/// id-icao-cscaMasterListSigningKey (ICAO Doc 9303 part 12): the key of a Master List Signer.
pub(crate) const KP_ICAO_MASTER_LIST_SIGNING: &str = "2.23.136.1.1.3";

// Access methods (RFC 5280 section 4.2.2.1).
pub(crate) const AD_OCSP: &str = "1.3.6.1.5.5.7.48.1";
pub(crate) const AD_CA_ISSUERS: &str = "1.3.6.1.5.5.7.48.2";

// Name attributes (RFC 5280 appendix A, RFC 4519).
pub(crate) const AT_COMMON_NAME: &str = "2.5.4.3";
pub(crate) const AT_SURNAME: &str = "2.5.4.4";
pub(crate) const AT_SERIAL_NUMBER: &str = "2.5.4.5";
pub(crate) const AT_COUNTRY: &str = "2.5.4.6";
pub(crate) const AT_LOCALITY: &str = "2.5.4.7";
pub(crate) const AT_STATE: &str = "2.5.4.8";
pub(crate) const AT_STREET: &str = "2.5.4.9";
pub(crate) const AT_ORGANIZATION: &str = "2.5.4.10";
pub(crate) const AT_ORGANIZATIONAL_UNIT: &str = "2.5.4.11";
pub(crate) const AT_TITLE: &str = "2.5.4.12";
pub(crate) const AT_GIVEN_NAME: &str = "2.5.4.42";
pub(crate) const AT_EMAIL: &str = "1.2.840.113549.1.9.1";
pub(crate) const AT_UID: &str = "0.9.2342.19200300.100.1.1";
pub(crate) const AT_DOMAIN_COMPONENT: &str = "0.9.2342.19200300.100.1.25";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_table_is_sorted_and_valid() {
        assert!(KNOWN.windows(2).all(|w| w[0] < w[1]));
        for k in KNOWN {
            assert!(Oid::parse(k).is_ok(), "{k}");
            let der = DerOid::new(k).unwrap();
            let oid = Oid::from_content(der.as_bytes()).unwrap();
            assert!(matches!(oid.0, Cow::Borrowed(_)), "{k}");
            assert_eq!(oid, *k);
            // Found by its octets, and the octets' own rendering agrees.
            assert_eq!(known_by_content(der.as_bytes()), Some(k));
            assert_eq!(known_by_content(&encode(k)), Some(k));
        }
        assert_eq!(known_by_content(&encode("2.5.4.99")), None);
        assert_eq!(known_by_content(&[]), None);
    }

    /// X.690 section 8.19, written out for the test.
    fn encode(dotted: &str) -> Vec<u8> {
        let arcs: Vec<u128> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
        let mut subs = vec![arcs[0] * 40 + arcs[1]];
        subs.extend(&arcs[2..]);
        let mut out = Vec::new();
        for sub in subs {
            let low = |v: u128| u8::try_from(v & 0x7f).unwrap();
            let mut groups = vec![low(sub)];
            let mut rest = sub >> 7;
            while rest != 0 {
                groups.push(low(rest) | 0x80);
                rest >>= 7;
            }
            out.extend(groups.iter().rev());
        }
        out
    }

    #[test]
    fn contents_render_as_the_decoders_do() {
        for dotted in [
            "0.0",
            "0.39",
            "1.0",
            "1.39.4",
            "2.0",
            "2.39",
            "2.40",
            "2.47.1",
            "2.999.3",
            "2.25.18446744073709551615",
            "2.25.340282366920938463463374607431768211455",
            "2.25.329800735698586629295641978511506172918",
            "1.2.840.113549.1.9.16.1.4",
            "0.4.0.127.0.7.1.1.4.1.3",
            "1.3.6.1.4.1.311.10.3.12",
            "2.5.4.3",
        ] {
            let content = encode(dotted);
            assert_eq!(Oid::from_content(&content).unwrap(), dotted);
            // `der` cannot hold a second arc of 40 or more under 2.
            if let Ok(der) = DerOid::new(dotted) {
                assert_eq!(der.as_bytes(), content.as_slice());
                assert_eq!(Oid::from_der(&der), dotted);
                assert_eq!(der.to_string(), dotted);
            }
        }
        // Where x509-parser's own rendering is right (first arcs 0 and 1, or 2 with a
        // second arc below 40), the two agree.
        for dotted in [
            "1.2.840.113549.1.1.11",
            "0.9.2342.19200300.100.1.1",
            "2.5.29.37.0",
        ] {
            let der = DerOid::new(dotted).unwrap();
            let parsed = x509_parser::oid_registry::Oid::new(der.as_bytes().into());
            assert_eq!(Oid::from_x509(&parsed), dotted);
            assert_eq!(parsed.to_id_string(), dotted);
        }
    }

    #[test]
    fn irregular_contents_are_left_to_the_decoder() {
        // No octets; a padded arc; an arc cut short; an arc over 128 bits.
        for content in [
            &[][..],
            &[0x2a, 0x80, 0x01][..],
            &[0x80, 0x2a][..],
            &[0x2a, 0x86][..],
            &[
                0x2a, 0x84, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
            ][..],
        ] {
            assert!(Oid::from_content(content).is_none(), "{content:02x?}");
        }
        // A rendering longer than the limit.
        let long = [0x2a; MAX_OID_LENGTH];
        assert!(Oid::from_content(&long).is_none());
    }
}
