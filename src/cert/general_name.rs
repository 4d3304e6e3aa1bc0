//! General names (RFC 5280 section 4.2.1.6) as path validation needs them: the subject's
//! alternative names, and the subtrees of the nameConstraints extension (section 4.2.1.10)
//! with the matching rules of section 6.1.

use crate::cert::name::Name;

/// One general name, owned.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum GeneralName {
    /// dNSName.
    Dns(String),
    /// rfc822Name: a mailbox, or in a constraint a host or a domain.
    Email(String),
    /// uniformResourceIdentifier.
    Uri(String),
    /// directoryName.
    Directory(Name),
    /// iPAddress: 4 or 16 octets in a name; address and mask (8 or 32 octets) in a
    /// constraint.
    Ip(Vec<u8>),
    /// otherName, x400Address, ediPartyName, registeredID, or a name that did not decode:
    /// kyso does not compare them.
    Other,
}

impl GeneralName {
    pub(crate) fn from_x509(name: &x509_parser::extensions::GeneralName<'_>) -> Self {
        use x509_parser::extensions::GeneralName as G;
        match name {
            G::DNSName(s) => GeneralName::Dns((*s).to_owned()),
            G::RFC822Name(s) => GeneralName::Email((*s).to_owned()),
            G::URI(s) => GeneralName::Uri((*s).to_owned()),
            G::DirectoryName(n) => match Name::from_x509(n) {
                Ok(n) => GeneralName::Directory(n),
                Err(_) => GeneralName::Other,
            },
            G::IPAddress(b) => GeneralName::Ip(b.to_vec()),
            _ => GeneralName::Other,
        }
    }

    /// Whether two names are the same name (RFC 5280 section 7.1 comparison for directory
    /// names, case-insensitive for DNS names and e-mail hosts, exact otherwise). A name kyso
    /// does not compare is the same as nothing.
    pub(crate) fn same_as(&self, other: &GeneralName) -> bool {
        match (self, other) {
            (GeneralName::Directory(a), GeneralName::Directory(b)) => a.matches(b),
            (GeneralName::Dns(a), GeneralName::Dns(b)) => a
                .trim_end_matches('.')
                .eq_ignore_ascii_case(b.trim_end_matches('.')),
            (GeneralName::Email(a), GeneralName::Email(b)) => {
                match (a.rsplit_once('@'), b.rsplit_once('@')) {
                    (Some((la, ha)), Some((lb, hb))) => la == lb && ha.eq_ignore_ascii_case(hb),
                    _ => a.eq_ignore_ascii_case(b),
                }
            }
            (GeneralName::Uri(a), GeneralName::Uri(b)) => a == b,
            (GeneralName::Ip(a), GeneralName::Ip(b)) => a == b,
            _ => false,
        }
    }

    /// The directory name, if this is one.
    pub(crate) fn directory(&self) -> Option<&Name> {
        match self {
            GeneralName::Directory(n) => Some(n),
            _ => None,
        }
    }

    fn same_kind(&self, other: &GeneralName) -> bool {
        core::mem::discriminant(self) == core::mem::discriminant(other)
    }

    /// Whether this name lies within the subtree `base` (of the same kind).
    fn within(&self, base: &GeneralName) -> bool {
        match (self, base) {
            (GeneralName::Directory(n), GeneralName::Directory(b)) => n.starts_with(b),
            (GeneralName::Dns(n), GeneralName::Dns(b)) => dns_within(n, b),
            (GeneralName::Email(n), GeneralName::Email(b)) => email_within(n, b),
            (GeneralName::Uri(n), GeneralName::Uri(b)) => {
                uri_host(n).is_some_and(|host| host_within(&host, b))
            }
            (GeneralName::Ip(n), GeneralName::Ip(b)) => ip_within(n, b),
            _ => false,
        }
    }
}

/// A distribution point's name (RFC 5280 section 4.2.1.13), in full: a name relative to the
/// CRL issuer is already appended to that issuer's name.
pub(crate) type DistributionPointNames = Vec<GeneralName>;

/// A GeneralName decoded by `x509-cert`, in kyso's form (through its DER, which
/// `x509-parser` reads as everywhere else in kyso).
fn from_x509_cert(name: &x509_cert::ext::pkix::name::GeneralName) -> GeneralName {
    use der::Encode;
    use x509_parser::prelude::FromDer;
    let Ok(der_bytes) = name.to_der() else {
        return GeneralName::Other;
    };
    match x509_parser::extensions::GeneralName::from_der(&der_bytes) {
        Ok(([], parsed)) => GeneralName::from_x509(&parsed),
        _ => GeneralName::Other,
    }
}

/// Reads a DistributionPointName: its full names, or the name relative to the CRL issuer
/// appended to each of `relative_to`. A relative name that cannot be appended (too many
/// attributes, an unencodable type) gives no name, which matches nothing.
fn distribution_point_names(
    name: &x509_cert::ext::pkix::name::DistributionPointName,
    relative_to: &[&Name],
) -> DistributionPointNames {
    use der::Encode;
    use x509_cert::ext::pkix::name::DistributionPointName as D;
    use x509_parser::prelude::FromDer;
    match name {
        D::FullName(names) => names.iter().map(from_x509_cert).collect(),
        D::NameRelativeToCRLIssuer(rdn) => {
            let Ok(der_bytes) = rdn.to_der() else {
                return Vec::new();
            };
            let Ok((_, rdn)) = x509_parser::x509::RelativeDistinguishedName::from_der(&der_bytes)
            else {
                return Vec::new();
            };
            relative_to
                .iter()
                .filter_map(|base| base.with_rdn(&rdn).ok())
                .map(GeneralName::Directory)
                .collect()
        }
    }
}

/// Reads a cRLDistributionPoints extension value (RFC 5280 section 4.2.1.13), resolving
/// names relative to the CRL issuer against the cRLIssuer or else `cert_issuer`. `None`
/// when it does not decode, or a point names neither a place nor a CRL issuer.
pub(crate) fn read_distribution_points(
    value: &[u8],
    cert_issuer: &Name,
) -> Option<Vec<DistributionPoint>> {
    use der::Decode;
    let points = x509_cert::ext::pkix::CrlDistributionPoints::from_der(value).ok()?;
    let mut out = Vec::with_capacity(points.0.len());
    for point in &points.0 {
        let crl_issuer: Option<Vec<GeneralName>> = point
            .crl_issuer
            .as_ref()
            .map(|names| names.iter().map(from_x509_cert).collect());
        let bases: Vec<&Name> = match &crl_issuer {
            Some(names) => names.iter().filter_map(GeneralName::directory).collect(),
            None => vec![cert_issuer],
        };
        let names = point
            .distribution_point
            .as_ref()
            .map(|n| distribution_point_names(n, &bases));
        if names.is_none() && crl_issuer.is_none() {
            return None;
        }
        out.push(DistributionPoint {
            names,
            reasons: point.reasons.map(|r| r.bits()),
            crl_issuer,
        });
    }
    Some(out)
}

/// The scope an issuingDistributionPoint extension (RFC 5280 section 5.2.5) gives a CRL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct IssuingDistributionPoint {
    /// The distribution point's names in full; `None` when it names none.
    pub names: Option<Vec<GeneralName>>,
    pub only_user_certs: bool,
    pub only_ca_certs: bool,
    /// onlySomeReasons as a ReasonFlags mask; `None` for every reason.
    pub only_some_reasons: Option<u16>,
    pub indirect: bool,
    pub only_attribute_certs: bool,
}

/// Reads an issuingDistributionPoint extension value, resolving a name relative to the
/// CRL issuer against `crl_issuer`. `None` when it does not decode.
pub(crate) fn read_issuing_distribution_point(
    value: &[u8],
    crl_issuer: &Name,
) -> Option<IssuingDistributionPoint> {
    use der::Decode;
    let idp = x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint::from_der(value).ok()?;
    Some(IssuingDistributionPoint {
        names: idp
            .distribution_point
            .as_ref()
            .map(|n| distribution_point_names(n, &[crl_issuer])),
        only_user_certs: idp.only_contains_user_certs,
        only_ca_certs: idp.only_contains_ca_certs,
        only_some_reasons: idp.only_some_reasons.map(|r| r.bits()),
        indirect: idp.indirect_crl,
        only_attribute_certs: idp.only_contains_attribute_certs,
    })
}

/// Whether any name of `a` is the same as any name of `b`.
pub(crate) fn any_same(a: &[GeneralName], b: &[GeneralName]) -> bool {
    a.iter().any(|x| b.iter().any(|y| x.same_as(y)))
}

/// One entry of a certificate's cRLDistributionPoints extension (RFC 5280 section
/// 4.2.1.13).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DistributionPoint {
    /// distributionPoint, in full; `None` when absent.
    pub names: Option<DistributionPointNames>,
    /// reasons, as a mask of ReasonFlags bits (bit 1 keyCompromise to bit 8
    /// aACompromise); `None` when absent (every reason).
    pub reasons: Option<u16>,
    /// cRLIssuer; `None` when the certificate's issuer issues the CRLs.
    pub crl_issuer: Option<Vec<GeneralName>>,
}

/// The subtrees of one certificate's nameConstraints extension.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct NameConstraints {
    pub permitted: Vec<GeneralName>,
    pub excluded: Vec<GeneralName>,
}

impl NameConstraints {
    /// Whether `name` is allowed: within none of the excluded subtrees of its kind and, when
    /// there are permitted subtrees of its kind, within one of them. A name kyso does not
    /// compare is refused as soon as any subtree is of a kind kyso does not compare.
    pub(crate) fn allows(&self, name: &GeneralName) -> bool {
        if matches!(name, GeneralName::Other) {
            return !self
                .permitted
                .iter()
                .chain(&self.excluded)
                .any(|s| matches!(s, GeneralName::Other));
        }
        // A directory name with a value RFC 4518 refuses to prepare cannot be compared
        // with a subtree: refused, so that no exclusion is evaded that way.
        if let GeneralName::Directory(n) = name
            && !n.is_comparable()
            && self
                .permitted
                .iter()
                .chain(&self.excluded)
                .any(|s| s.same_kind(name))
        {
            return false;
        }
        // An excluded directory subtree also excludes names that only look like it (the
        // same text in look-alike letters of another script).
        if self.excluded.iter().any(|s| {
            s.same_kind(name)
                && (name.within(s)
                    || matches!((name, s), (GeneralName::Directory(n), GeneralName::Directory(b)) if n.looks_within(b)))
        })
        {
            return false;
        }
        let mut of_kind = self
            .permitted
            .iter()
            .filter(|s| s.same_kind(name))
            .peekable();
        of_kind.peek().is_none() || of_kind.any(|s| name.within(s))
    }
}

fn dns_within(name: &str, base: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let base = base.trim_end_matches('.').to_ascii_lowercase();
    if base.is_empty() {
        return true;
    }
    if let Some(domain) = base.strip_prefix('.') {
        return name.ends_with(&format!(".{domain}"));
    }
    name == base || name.ends_with(&format!(".{base}"))
}

/// RFC 5280 section 4.2.1.10: a constraint is a mailbox (`user@host`), a host (every
/// mailbox at it) or a domain starting with a period (every mailbox at a host within it).
fn email_within(name: &str, base: &str) -> bool {
    let Some((local, host)) = name.rsplit_once('@') else {
        return false;
    };
    match base.rsplit_once('@') {
        Some((base_local, base_host)) => {
            local == base_local && host.eq_ignore_ascii_case(base_host)
        }
        None => host_within(host, base),
    }
}

/// A host against a constraint: the host itself, or (with a leading period) any host
/// within the domain.
fn host_within(host: &str, base: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let base = base.to_ascii_lowercase();
    match base.strip_prefix('.') {
        Some(domain) => host.ends_with(&format!(".{domain}")),
        None => host == base,
    }
}

/// The host of a URI with an authority (`scheme://[user@]host[:port]/...`); `None` for a
/// URI without one, which no URI constraint permits (RFC 5280 section 4.2.1.10).
fn uri_host(uri: &str) -> Option<String> {
    let (_, rest) = uri.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_owned())
}

fn ip_within(name: &[u8], base: &[u8]) -> bool {
    if base.len() != 2 * name.len() {
        return false;
    }
    let (addr, mask) = base.split_at(name.len());
    name.iter()
        .zip(addr)
        .zip(mask)
        .all(|((n, a), m)| n & m == a & m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_rules() {
        assert!(dns_within("a.example.com", "example.com"));
        assert!(dns_within("example.com", "example.com"));
        assert!(!dns_within("badexample.com", "example.com"));
        assert!(!dns_within("example.com", ".example.com"));
        assert!(email_within("an@mail.gov.vn", "mail.gov.vn"));
        assert!(email_within("an@x.gov.vn", ".gov.vn"));
        assert!(!email_within("an@gov.vn", ".gov.vn"));
        assert!(email_within("an@GOV.vn", "an@gov.vn"));
        assert!(!email_within("binh@gov.vn", "an@gov.vn"));
        assert_eq!(
            uri_host("http://user@host.gov.vn:8080/x").as_deref(),
            Some("host.gov.vn")
        );
        assert_eq!(uri_host("urn:isbn:123"), None);
        assert!(ip_within(&[10, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
        assert!(!ip_within(&[11, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
        let nc = NameConstraints {
            permitted: vec![GeneralName::Dns("gov.vn".into())],
            excluded: vec![GeneralName::Dns("bad.gov.vn".into())],
        };
        assert!(nc.allows(&GeneralName::Dns("a.gov.vn".into())));
        assert!(!nc.allows(&GeneralName::Dns("x.bad.gov.vn".into())));
        assert!(!nc.allows(&GeneralName::Dns("example.com".into())));
        assert!(nc.allows(&GeneralName::Email("a@example.com".into())));
        assert!(nc.allows(&GeneralName::Other));
    }
}
