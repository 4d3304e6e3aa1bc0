//! General names (RFC 5280 section 4.2.1.6) as path validation needs them: the subject's
//! alternative names, and the subtrees of the nameConstraints extension (section 4.2.1.10)
//! with the matching rules of section 6.1.

use crate::cert::name::Name;

/// One general name, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
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
        if self
            .excluded
            .iter()
            .any(|s| s.same_kind(name) && name.within(s))
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
