//! Certificate extensions (RFC 5280 section 4.2): the value types kyso exposes
//! ([`KeyUsage`], [`BasicConstraints`], [`PolicyConstraints`], [`Extension`]), and reading
//! every extension of a certificate once, at parse time.

use std::collections::BTreeSet;

use x509_parser::extensions::{GeneralName, ParsedExtension};

use crate::cert::general_name::{
    DistributionPoint, GeneralName as AltName, NameConstraints, read_distribution_points,
};
use crate::cert::name::Name;
use crate::error::{Error, Malformed, Object};
use crate::oid::{self, Oid};

/// The keyUsage extension's bits (RFC 5280 section 4.2.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyUsage(u16);

impl KeyUsage {
    /// digitalSignature (bit 0).
    pub const DIGITAL_SIGNATURE: KeyUsage = KeyUsage(1 << 0);
    /// nonRepudiation, also called contentCommitment (bit 1).
    pub const NON_REPUDIATION: KeyUsage = KeyUsage(1 << 1);
    /// keyEncipherment (bit 2).
    pub const KEY_ENCIPHERMENT: KeyUsage = KeyUsage(1 << 2);
    /// dataEncipherment (bit 3).
    pub const DATA_ENCIPHERMENT: KeyUsage = KeyUsage(1 << 3);
    /// keyAgreement (bit 4).
    pub const KEY_AGREEMENT: KeyUsage = KeyUsage(1 << 4);
    /// keyCertSign (bit 5).
    pub const KEY_CERT_SIGN: KeyUsage = KeyUsage(1 << 5);
    /// cRLSign (bit 6).
    pub const CRL_SIGN: KeyUsage = KeyUsage(1 << 6);
    /// encipherOnly (bit 7).
    pub const ENCIPHER_ONLY: KeyUsage = KeyUsage(1 << 7);
    /// decipherOnly (bit 8).
    pub const DECIPHER_ONLY: KeyUsage = KeyUsage(1 << 8);

    /// Whether every bit of `other` is set here.
    pub fn contains(self, other: KeyUsage) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any bit of `other` is set here.
    pub fn intersects(self, other: KeyUsage) -> bool {
        self.0 & other.0 != 0
    }

    /// The union of two sets of bits.
    #[must_use]
    pub fn union(self, other: KeyUsage) -> KeyUsage {
        KeyUsage(self.0 | other.0)
    }

    /// The raw bits, bit 0 (digitalSignature) as the least significant.
    pub fn bits(self) -> u16 {
        self.0
    }
}

/// The basicConstraints extension (RFC 5280 section 4.2.1.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct BasicConstraints {
    /// Whether the subject is a CA.
    pub ca: bool,
    /// The most non-self-issued intermediate certificates that may follow this one.
    pub path_len: Option<u32>,
}

/// The policyConstraints extension (RFC 5280 section 4.2.1.11): how many more non-self-issued
/// certificates may follow before an explicit policy is required, or before policy mapping
/// is inhibited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct PolicyConstraints {
    /// requireExplicitPolicy's SkipCerts.
    pub require_explicit_policy: Option<u32>,
    /// inhibitPolicyMapping's SkipCerts.
    pub inhibit_policy_mapping: Option<u32>,
}

/// One extension, as encoded.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Extension {
    /// The extension's type (extnID).
    pub oid: Oid,
    /// Whether it is marked critical.
    pub critical: bool,
    /// The contents of `extnValue`.
    pub value: Vec<u8>,
}

/// Every extension of one certificate, as read at parse time.
#[derive(Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(super) struct Extensions {
    pub(super) extensions: Vec<Extension>,
    pub(super) basic_constraints: Option<BasicConstraints>,
    pub(super) key_usage: Option<KeyUsage>,
    pub(super) extended_key_usage: Option<Vec<Oid>>,
    pub(super) subject_key_id: Option<Vec<u8>>,
    pub(super) authority_key_id: Option<Vec<u8>>,
    pub(super) policies: Option<Vec<Oid>>,
    pub(super) policy_mappings: Vec<(Oid, Oid)>,
    pub(super) policy_constraints: Option<PolicyConstraints>,
    pub(super) inhibit_any_policy: Option<u32>,
    pub(super) crl_distribution_points: Vec<String>,
    pub(super) distribution_points: Vec<DistributionPoint>,
    pub(super) ocsp_urls: Vec<String>,
    pub(super) ca_issuer_urls: Vec<String>,
    pub(super) subject_alt_names: Vec<AltName>,
    pub(super) name_constraints: Option<NameConstraints>,
}

/// One extension as found in a certificate: its type, criticality, `extnValue` contents,
/// and its value as read.
pub(super) struct RawExtension<'a> {
    pub(super) oid: Oid,
    pub(super) critical: bool,
    pub(super) value: &'a [u8],
    pub(super) parsed: Parsed<'a>,
}

/// An extension's value as read: from x509-parser's parse ([`Parsed::from_x509`]), or by
/// the one-pass readers of [`Parsed::read_common`] for the common shapes of the common
/// types. Both give the same value (the unit tests here and of `Certificate::from_der`
/// hold them together).
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(super) enum Parsed<'a> {
    /// Its type's parser refused the value.
    Invalid,
    /// A type whose value kyso reads itself from the octets (CRL distribution points,
    /// name constraints), or one it does not read.
    Unread,
    BasicConstraints(BasicConstraints),
    KeyUsage(KeyUsage),
    /// The known purposes first, in a fixed order, then the others in encoding order,
    /// each once.
    ExtendedKeyUsage(Vec<Oid>),
    SubjectKeyId(&'a [u8]),
    AuthorityKeyId(Option<&'a [u8]>),
    Policies(Vec<Oid>),
    PolicyMappings(Vec<(Oid, Oid)>),
    PolicyConstraints(Option<u32>, Option<u32>),
    InhibitAnyPolicy(u32),
    /// The URIs of the OCSP and caIssuers access descriptions.
    AuthorityInfoAccess(Vec<String>, Vec<String>),
    SubjectAltNames(Vec<AltName>),
}

/// The purposes x509-parser keeps as flags, in the order kyso lists them.
const KNOWN_PURPOSES: [&str; 7] = [
    oid::KP_ANY,
    oid::KP_SERVER_AUTH,
    oid::KP_CLIENT_AUTH,
    oid::KP_CODE_SIGNING,
    oid::KP_EMAIL_PROTECTION,
    oid::KP_TIME_STAMPING,
    oid::KP_OCSP_SIGNING,
];

impl<'a> Parsed<'a> {
    /// x509-parser's reading of an extension.
    pub(super) fn from_x509(parsed: &ParsedExtension<'a>) -> Self {
        match parsed {
            ParsedExtension::ParseError { .. } => Parsed::Invalid,
            ParsedExtension::BasicConstraints(bc) => Parsed::BasicConstraints(BasicConstraints {
                ca: bc.ca,
                path_len: bc.path_len_constraint,
            }),
            // x509-parser keeps the bits with digitalSignature as bit 0, as kyso does.
            ParsedExtension::KeyUsage(ku) => Parsed::KeyUsage(KeyUsage(ku.flags & 0x01ff)),
            ParsedExtension::ExtendedKeyUsage(eku) => {
                let flags = [
                    eku.any,
                    eku.server_auth,
                    eku.client_auth,
                    eku.code_signing,
                    eku.email_protection,
                    eku.time_stamping,
                    eku.ocsp_signing,
                ];
                let mut list: Vec<Oid> = KNOWN_PURPOSES
                    .iter()
                    .zip(flags)
                    .filter(|(_, on)| *on)
                    .map(|(o, _)| Oid::known(o))
                    .collect();
                list.extend(eku.other.iter().map(Oid::from_x509));
                Parsed::ExtendedKeyUsage(list)
            }
            ParsedExtension::SubjectKeyIdentifier(ki) => Parsed::SubjectKeyId(ki.0),
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                Parsed::AuthorityKeyId(aki.key_identifier.as_ref().map(|k| k.0))
            }
            ParsedExtension::CertificatePolicies(policies) => Parsed::Policies(
                policies
                    .iter()
                    .map(|p| Oid::from_x509(&p.policy_id))
                    .collect(),
            ),
            ParsedExtension::PolicyMappings(mappings) => Parsed::PolicyMappings(
                mappings
                    .mappings
                    .iter()
                    .map(|m| {
                        (
                            Oid::from_x509(&m.issuer_domain_policy),
                            Oid::from_x509(&m.subject_domain_policy),
                        )
                    })
                    .collect(),
            ),
            ParsedExtension::PolicyConstraints(pc) => {
                Parsed::PolicyConstraints(pc.require_explicit_policy, pc.inhibit_policy_mapping)
            }
            ParsedExtension::InhibitAnyPolicy(iap) => Parsed::InhibitAnyPolicy(iap.skip_certs),
            ParsedExtension::AuthorityInfoAccess(aia) => {
                let (mut ocsp, mut ca_issuers) = (Vec::new(), Vec::new());
                for ad in aia.iter() {
                    let method = Oid::from_x509(&ad.access_method);
                    let target = match method.as_str() {
                        oid::AD_OCSP => &mut ocsp,
                        oid::AD_CA_ISSUERS => &mut ca_issuers,
                        _ => continue,
                    };
                    target.extend(uris(std::slice::from_ref(&ad.access_location)));
                }
                Parsed::AuthorityInfoAccess(ocsp, ca_issuers)
            }
            ParsedExtension::SubjectAlternativeName(san) => {
                Parsed::SubjectAltNames(san.general_names.iter().map(AltName::from_x509).collect())
            }
            _ => Parsed::Unread,
        }
    }

    /// The value of an extension of type `oid` read in one pass, for the shapes
    /// certificates carry: basicConstraints with a one-octet path length, keyUsage of one
    /// or two octets, extKeyUsage, the key identifiers (only `keyIdentifier` in the
    /// authority's), certificatePolicies (qualifiers passed over, as x509-parser passes
    /// over them), authorityInfoAccess of URIs; the value must fill `extnValue` exactly.
    /// CRL distribution points and name constraints are [`Parsed::Unread`]: kyso reads
    /// them itself. `None` for any other type or shape, which x509-parser then reads.
    pub(super) fn read_common(oid: &Oid, value: &'a [u8]) -> Option<Self> {
        use crate::cert::strict::{Tlv, oid as read_oid};
        let mut whole = Tlv::new(value);
        let parsed = match oid.as_str() {
            oid::EXT_CRL_DISTRIBUTION_POINTS | oid::EXT_NAME_CONSTRAINTS => {
                return Some(Parsed::Unread);
            }
            oid::EXT_BASIC_CONSTRAINTS => {
                let bc = whole.enter(0x30)?;
                let (ca, path_len) = match bc.rest() {
                    [] => (false, None),
                    [0x01, 0x01, 0xff] => (true, None),
                    [0x02, 0x01, n @ 0..=0x7f] => (false, Some(u32::from(*n))),
                    [0x01, 0x01, 0xff, 0x02, 0x01, n @ 0..=0x7f] => (true, Some(u32::from(*n))),
                    _ => return None,
                };
                Parsed::BasicConstraints(BasicConstraints { ca, path_len })
            }
            oid::EXT_KEY_USAGE => {
                let padding_clear =
                    |unused: u8, last: u8| unused <= 7 && last & ((1 << unused) - 1) == 0;
                let flags = match whole.primitive(0x03)? {
                    [0] => 0,
                    [unused, b0] if padding_clear(*unused, *b0) => u16::from(b0.reverse_bits()),
                    [unused, b0, b1] if padding_clear(*unused, *b1) => {
                        u16::from(b0.reverse_bits()) | u16::from(b1.reverse_bits()) << 8
                    }
                    _ => return None,
                };
                Parsed::KeyUsage(KeyUsage(flags & 0x01ff))
            }
            oid::EXT_EXTENDED_KEY_USAGE => {
                let mut list = whole.enter(0x30)?;
                let mut known = [false; 7];
                let mut others: Vec<Oid> = Vec::new();
                while !list.done() {
                    let purpose = Oid::from_content(read_oid(&mut list)?)?;
                    match KNOWN_PURPOSES.iter().position(|k| purpose == *k) {
                        Some(i) => *known.get_mut(i)? = true,
                        None if !others.contains(&purpose) => others.push(purpose),
                        None => {}
                    }
                }
                let mut purposes: Vec<Oid> = KNOWN_PURPOSES
                    .iter()
                    .zip(known)
                    .filter(|(_, on)| *on)
                    .map(|(o, _)| Oid::known(o))
                    .collect();
                purposes.extend(others);
                Parsed::ExtendedKeyUsage(purposes)
            }
            oid::EXT_SUBJECT_KEY_ID => Parsed::SubjectKeyId(whole.primitive(0x04)?),
            oid::EXT_AUTHORITY_KEY_ID => {
                let mut aki = whole.enter(0x30)?;
                let key_id = aki.primitive(0x80)?;
                if !aki.done() {
                    return None;
                }
                Parsed::AuthorityKeyId(Some(key_id))
            }
            oid::EXT_CERTIFICATE_POLICIES => {
                let mut list = whole.enter(0x30)?;
                let mut policies = Vec::new();
                while !list.done() {
                    let mut info = list.enter(0x30)?;
                    policies.push(Oid::from_content(read_oid(&mut info)?)?);
                    if !info.done() {
                        let mut qualifiers = info.enter(0x30)?;
                        if qualifiers.done() {
                            return None;
                        }
                        while !qualifiers.done() {
                            let mut qualifier = qualifiers.enter(0x30)?;
                            read_oid(&mut qualifier)?;
                        }
                        if !info.done() {
                            return None;
                        }
                    }
                }
                Parsed::Policies(policies)
            }
            oid::EXT_AUTHORITY_INFO_ACCESS => {
                let mut list = whole.enter(0x30)?;
                if list.done() {
                    return None;
                }
                let (mut ocsp, mut ca_issuers) = (Vec::new(), Vec::new());
                while !list.done() {
                    let mut description = list.enter(0x30)?;
                    let method = read_oid(&mut description)?;
                    let uri = std::str::from_utf8(description.primitive(0x86)?).ok()?;
                    if !description.done() {
                        return None;
                    }
                    match Oid::from_content(method)?.as_str() {
                        oid::AD_OCSP => ocsp.push(uri.to_owned()),
                        oid::AD_CA_ISSUERS => ca_issuers.push(uri.to_owned()),
                        _ => {}
                    }
                }
                Parsed::AuthorityInfoAccess(ocsp, ca_issuers)
            }
            _ => return None,
        };
        whole.done().then_some(parsed)
    }
}

/// Reads `extensions` of a certificate issued by `issuer`: each at most once, each known one
/// decodable (RFC 5280 section 4.2).
// Long on purpose: one short arm per extension type, so what kyso reads of a certificate is
// one table.
#[allow(clippy::too_many_lines)]
pub(super) fn read_extensions(
    issuer: &Name,
    extensions: Vec<RawExtension<'_>>,
) -> Result<Extensions, Error> {
    let mut inner = Extensions::default();
    let mut seen = BTreeSet::new();
    for ext in extensions {
        let oid = ext.oid;
        if !seen.insert(oid.clone()) {
            return Err(Error::malformed(
                Object::Certificate,
                Malformed::DuplicateExtension { oid },
            ));
        }
        let invalid = || {
            Error::malformed(
                Object::Extension,
                Malformed::InvalidExtension { oid: oid.clone() },
            )
        };
        if oid == oid::EXT_CRL_DISTRIBUTION_POINTS {
            // Read with x509-cert, which decodes names relative to the CRL issuer (x509-parser
            // 0.18 does not); the URIs, for fetching, come from the same reading.
            inner.distribution_points =
                read_distribution_points(ext.value, issuer).ok_or_else(invalid)?;
            inner.crl_distribution_points = inner
                .distribution_points
                .iter()
                .flat_map(|dp| dp.names.iter().flatten())
                .filter_map(|n| match n {
                    AltName::Uri(u) => Some(u.clone()),
                    _ => None,
                })
                .collect();
        } else if oid == oid::EXT_NAME_CONSTRAINTS {
            // Read with x509-cert, which keeps each subtree's minimum and maximum (x509-parser
            // 0.18 drops them); the form is judged in path validation, where a malformed
            // extension is a path error that names the certificate.
            inner.name_constraints =
                Some(NameConstraints::read(ext.value, ext.critical).ok_or_else(invalid)?);
        } else {
            // RFC 5280 section 4.1: extnValue holds the DER encoding of one value of the
            // extension's type. x509-parser reads the first element and passes over what
            // follows it, so that is checked here for every type kyso reads (the one-pass
            // readers only settle values that hold exactly one element).
            let read = !matches!(ext.parsed, Parsed::Invalid | Parsed::Unread);
            if read && !one_element(ext.value) {
                return Err(invalid());
            }
            match ext.parsed {
                Parsed::Invalid => return Err(invalid()),
                Parsed::Unread => {}
                Parsed::BasicConstraints(bc) => inner.basic_constraints = Some(bc),
                Parsed::KeyUsage(ku) => inner.key_usage = Some(ku),
                Parsed::ExtendedKeyUsage(list) => {
                    // RFC 5280 section 4.2.1.12: KeyPurposeId SIZE (1..MAX).
                    if list.is_empty() {
                        return Err(invalid());
                    }
                    inner.extended_key_usage = Some(list);
                }
                Parsed::SubjectKeyId(id) => inner.subject_key_id = Some(id.to_vec()),
                Parsed::AuthorityKeyId(id) => inner.authority_key_id = id.map(<[u8]>::to_vec),
                Parsed::Policies(list) => {
                    // RFC 5280 section 4.2.1.4: a policy OID appears at most once.
                    let mut ordered = BTreeSet::new();
                    if list.is_empty() || !list.iter().all(|p| ordered.insert(p)) {
                        return Err(invalid());
                    }
                    inner.policies = Some(list);
                }
                Parsed::PolicyMappings(mappings) => {
                    if mappings.is_empty() {
                        return Err(invalid());
                    }
                    inner.policy_mappings = mappings;
                }
                Parsed::PolicyConstraints(require_explicit_policy, inhibit_policy_mapping) => {
                    // RFC 5280 section 4.2.1.11: an empty sequence MUST NOT be issued.
                    if require_explicit_policy.is_none() && inhibit_policy_mapping.is_none() {
                        return Err(invalid());
                    }
                    inner.policy_constraints = Some(PolicyConstraints {
                        require_explicit_policy,
                        inhibit_policy_mapping,
                    });
                }
                Parsed::InhibitAnyPolicy(skip_certs) => {
                    inner.inhibit_any_policy = Some(skip_certs);
                }
                Parsed::AuthorityInfoAccess(ocsp, ca_issuers) => {
                    inner.ocsp_urls.extend(ocsp);
                    inner.ca_issuer_urls.extend(ca_issuers);
                }
                Parsed::SubjectAltNames(names) => inner.subject_alt_names = names,
            }
        }
        inner.extensions.push(Extension {
            oid,
            critical: ext.critical,
            value: ext.value.to_vec(),
        });
    }
    Ok(inner)
}

/// Whether `value` is exactly one element, nothing after it.
fn one_element(value: &[u8]) -> bool {
    crate::tlv::header_at(value, 0).is_some_and(|h| h.end == value.len())
}

/// The URIs among `names`.
fn uris<'n>(names: &'n [GeneralName<'_>]) -> impl Iterator<Item = String> + 'n {
    names.iter().filter_map(|n| match n {
        GeneralName::URI(u) => Some((*u).to_owned()),
        _ => None,
    })
}

/// Dotted OIDs of the extensions whose meaning kyso's path validation applies, so a
/// critical one is not "unknown" (RFC 5280 section 4.2).
pub(crate) const PROCESSED_EXTENSIONS: [&str; 11] = [
    // RFC 5280 section 6.1.3 (b), (c) and 6.1.4 (g).
    oid::EXT_NAME_CONSTRAINTS,
    oid::EXT_BASIC_CONSTRAINTS,
    oid::EXT_KEY_USAGE,
    oid::EXT_EXTENDED_KEY_USAGE,
    // Only the subject's identity is read from it; it is critical when the subject field
    // is empty (RFC 5280 section 4.2.1.6), which changes nothing for kyso.
    oid::EXT_SUBJECT_ALT_NAME,
    // The policy tree of RFC 5280 section 6.1 (src/path/policy.rs).
    oid::EXT_CERTIFICATE_POLICIES,
    "2.5.29.33", // policyMappings
    oid::EXT_POLICY_CONSTRAINTS,
    oid::EXT_INHIBIT_ANY_POLICY,
    // Identifiers, for path building; a critical one is refused
    // (PathError::ExtensionMustNotBeCritical), so it is not "unknown".
    oid::EXT_SUBJECT_KEY_ID,
    oid::EXT_AUTHORITY_KEY_ID,
];

#[cfg(test)]
mod tests {
    use super::*;
    use x509_parser::prelude::FromDer;

    use crate::mutations::tlv;

    /// Whatever the one-pass reader settles, x509-parser reads the same, from the same
    /// extension.
    fn agrees(oid: &Oid, oid_content: &[u8], value: &[u8]) -> bool {
        let Some(fast) = Parsed::read_common(oid, value) else {
            return false;
        };
        if matches!(fast, Parsed::Unread) {
            return false;
        }
        let mut body = tlv(0x06, oid_content);
        body.extend(tlv(0x04, value));
        let whole = tlv(0x30, &body);
        let (rest, typed) = x509_parser::extensions::X509Extension::from_der(&whole)
            .unwrap_or_else(|e| panic!("x509-parser refuses ({e}) {value:02x?}"));
        assert!(rest.is_empty());
        assert_eq!(
            Parsed::from_x509(typed.parsed_extension()),
            fast,
            "{oid} {value:02x?}"
        );
        true
    }

    #[test]
    fn the_one_pass_reading_of_extension_values_is_x509_parsers() {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut all = Vec::new();
        crate::cert::strict::tests::certificates(&here.join("test-vectors"), &mut all);
        let shared = here.join("../shared/vectors");
        if shared.is_dir() {
            crate::cert::strict::tests::certificates(&shared, &mut all);
        }
        // Every extension of every certificate the one-pass read settles: its OID's
        // contents and its value.
        let mut extensions: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for c in &all {
            let Some(read) = crate::cert::strict::fast_read(c) else {
                continue;
            };
            let Some(mut list) = read.fields.extensions.map(crate::cert::strict::Tlv::new) else {
                continue;
            };
            while !list.done() {
                let mut e = list.enter(0x30).unwrap();
                let oid = crate::cert::strict::oid(&mut e).unwrap().to_vec();
                if e.peek() == Some(0x01) {
                    e.primitive(0x01).unwrap();
                }
                extensions.push((oid, e.primitive(0x04).unwrap().to_vec()));
            }
        }
        let (mut settled, mut known) = (0, 0);
        for (oid_content, value) in &extensions {
            let oid = Oid::from_content(oid_content).unwrap();
            if Parsed::read_common(&oid, value).is_some_and(|p| !matches!(p, Parsed::Unread)) {
                known += 1;
            }
            if agrees(&oid, oid_content, value) {
                settled += 1;
            }
        }
        eprintln!(
            "extension values settled in one pass: {settled} of {} ({known} of the types read)",
            extensions.len()
        );
        assert!(settled > 1_000, "{settled}");
        // Mutations of the values: a changed octet, a cut, an inserted octet, an octet
        // plus one.
        let mut mutations = crate::mutations::Mutations::new(23);
        let mut accepted = 0;
        for round in 0..300_000 {
            let (oid_content, base) = &extensions[round % extensions.len()];
            let oid = Oid::from_content(oid_content).unwrap();
            let mut m = base.clone();
            if m.is_empty() {
                continue;
            }
            let at = mutations.below(m.len());
            mutations.apply(&mut m, at);
            if agrees(&oid, oid_content, &m) {
                accepted += 1;
            }
        }
        eprintln!("mutated values settled in one pass: {accepted} of 300000");
        assert!(accepted > 20_000, "{accepted}");
    }
}
