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

/// Reads `extensions` of a certificate issued by `issuer`: each at most once, each known one
/// decodable (RFC 5280 section 4.2).
// Long on purpose: one short arm per extension type, so what kyso reads of a certificate is
// one table.
#[allow(clippy::too_many_lines)]
pub(super) fn read_extensions(
    issuer: &Name,
    extensions: &[x509_parser::extensions::X509Extension<'_>],
) -> Result<Extensions, Error> {
    let mut inner = Extensions::default();
    let mut seen = BTreeSet::new();
    for ext in extensions {
        let oid = Oid::from_x509(&ext.oid);
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
            inner.extensions.push(Extension {
                oid,
                critical: ext.critical,
                value: ext.value.to_vec(),
            });
            continue;
        }
        if oid == oid::EXT_NAME_CONSTRAINTS {
            // Read with x509-cert, which keeps each subtree's minimum and maximum (x509-parser
            // 0.18 drops them); the form is judged in path validation, where a malformed
            // extension is a path error that names the certificate.
            inner.name_constraints =
                Some(NameConstraints::read(ext.value, ext.critical).ok_or_else(invalid)?);
            inner.extensions.push(Extension {
                oid,
                critical: ext.critical,
                value: ext.value.to_vec(),
            });
            continue;
        }
        match ext.parsed_extension() {
            ParsedExtension::ParseError { .. } => return Err(invalid()),
            ParsedExtension::BasicConstraints(bc) => {
                inner.basic_constraints = Some(BasicConstraints {
                    ca: bc.ca,
                    path_len: bc.path_len_constraint,
                });
            }
            ParsedExtension::KeyUsage(ku) => {
                // x509-parser keeps the bits with digitalSignature as bit 0, as kyso does.
                inner.key_usage = Some(KeyUsage(ku.flags & 0x01ff));
            }
            ParsedExtension::ExtendedKeyUsage(eku) => {
                let mut list = Vec::new();
                let known = [
                    (eku.any, oid::KP_ANY),
                    (eku.server_auth, oid::KP_SERVER_AUTH),
                    (eku.client_auth, oid::KP_CLIENT_AUTH),
                    (eku.code_signing, oid::KP_CODE_SIGNING),
                    (eku.email_protection, oid::KP_EMAIL_PROTECTION),
                    (eku.time_stamping, oid::KP_TIME_STAMPING),
                    (eku.ocsp_signing, oid::KP_OCSP_SIGNING),
                ];
                list.extend(
                    known
                        .iter()
                        .filter(|(on, _)| *on)
                        .map(|&(_, o)| Oid::known(o)),
                );
                list.extend(eku.other.iter().map(Oid::from_x509));
                // RFC 5280 section 4.2.1.12: KeyPurposeId SIZE (1..MAX).
                if list.is_empty() {
                    return Err(invalid());
                }
                inner.extended_key_usage = Some(list);
            }
            ParsedExtension::SubjectKeyIdentifier(ki) => {
                inner.subject_key_id = Some(ki.0.to_vec());
            }
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                inner.authority_key_id = aki.key_identifier.as_ref().map(|k| k.0.to_vec());
            }
            ParsedExtension::CertificatePolicies(policies) => {
                let mut list: Vec<Oid> = Vec::new();
                for p in policies.iter() {
                    let id = Oid::from_x509(&p.policy_id);
                    // RFC 5280 section 4.2.1.4: a policy OID appears at most once.
                    if list.contains(&id) {
                        return Err(invalid());
                    }
                    list.push(id);
                }
                if list.is_empty() {
                    return Err(invalid());
                }
                inner.policies = Some(list);
            }
            ParsedExtension::PolicyMappings(mappings) => {
                if mappings.mappings.is_empty() {
                    return Err(invalid());
                }
                inner.policy_mappings = mappings
                    .mappings
                    .iter()
                    .map(|m| {
                        (
                            Oid::from_x509(&m.issuer_domain_policy),
                            Oid::from_x509(&m.subject_domain_policy),
                        )
                    })
                    .collect();
            }
            ParsedExtension::PolicyConstraints(pc) => {
                // RFC 5280 section 4.2.1.11: an empty sequence MUST NOT be issued.
                if pc.require_explicit_policy.is_none() && pc.inhibit_policy_mapping.is_none() {
                    return Err(invalid());
                }
                inner.policy_constraints = Some(PolicyConstraints {
                    require_explicit_policy: pc.require_explicit_policy,
                    inhibit_policy_mapping: pc.inhibit_policy_mapping,
                });
            }
            ParsedExtension::InhibitAnyPolicy(iap) => {
                inner.inhibit_any_policy = Some(iap.skip_certs);
            }
            ParsedExtension::AuthorityInfoAccess(aia) => {
                for ad in aia.iter() {
                    let method = Oid::from_x509(&ad.access_method);
                    let target = match method.as_str() {
                        oid::AD_OCSP => &mut inner.ocsp_urls,
                        oid::AD_CA_ISSUERS => &mut inner.ca_issuer_urls,
                        _ => continue,
                    };
                    target.extend(uris(std::slice::from_ref(&ad.access_location)));
                }
            }
            ParsedExtension::SubjectAlternativeName(san) => {
                inner.subject_alt_names =
                    san.general_names.iter().map(AltName::from_x509).collect();
            }
            _ => {}
        }
        inner.extensions.push(Extension {
            oid,
            critical: ext.critical,
            value: ext.value.to_vec(),
        });
    }
    Ok(inner)
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
