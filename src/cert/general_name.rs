//! General names (RFC 5280 section 4.2.1.6) as path validation needs them: the subject's
//! alternative names, and the subtrees of the nameConstraints extension (section 4.2.1.10)
//! with the matching rules of section 6.1.

use crate::cert::name::Name;
use crate::error::NameSyntax;
use crate::oid::Oid;

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
    /// A directoryName that does not decode: within no directory subtree, so refused by any.
    UnreadableDirectory,
    /// An SmtpUTF8Mailbox otherName (RFC 8398): an internationalised e-mail address, which
    /// rfc822Name constraints govern; kyso does not compare it, so refuses it under any.
    Utf8Mailbox,
    /// otherName (other than SmtpUTF8Mailbox), x400Address, ediPartyName, registeredID, or
    /// a name that did not decode: kyso does not compare them.
    Other,
}

/// id-on-SmtpUTF8Mailbox (RFC 8398 section 3).
const ON_SMTP_UTF8_MAILBOX: &str = "1.3.6.1.5.5.7.8.9";

impl GeneralName {
    pub(crate) fn from_x509(name: &x509_parser::extensions::GeneralName<'_>) -> Self {
        use x509_parser::extensions::GeneralName as G;
        match name {
            G::DNSName(s) => GeneralName::Dns((*s).to_owned()),
            G::RFC822Name(s) => GeneralName::Email((*s).to_owned()),
            G::URI(s) => GeneralName::Uri((*s).to_owned()),
            G::DirectoryName(n) => match Name::from_x509(n) {
                Ok(n) => GeneralName::Directory(n),
                Err(_) => GeneralName::UnreadableDirectory,
            },
            G::IPAddress(b) => GeneralName::Ip(b.to_vec()),
            G::OtherName(oid, _) if Oid::from_x509(oid) == ON_SMTP_UTF8_MAILBOX => {
                GeneralName::Utf8Mailbox
            }
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

    /// Checks this subject alternative name against the syntax of its kind (RFC 5280
    /// section 4.2.1.6).
    pub(crate) fn check_name_syntax(&self) -> Result<(), NameSyntax> {
        match self {
            GeneralName::Dns(d) => dns_name_syntax(d, true),
            GeneralName::Email(e) => mailbox_syntax(e),
            GeneralName::Uri(u) => uri_syntax(u),
            GeneralName::Ip(ip) if ip.len() == 4 || ip.len() == 16 => Ok(()),
            GeneralName::Ip(_) => Err(NameSyntax::IpAddressLength),
            GeneralName::UnreadableDirectory => Err(NameSyntax::DirectoryName),
            GeneralName::Directory(_) | GeneralName::Utf8Mailbox | GeneralName::Other => Ok(()),
        }
    }

    /// Checks this name-constraint subtree base against the syntax of its kind (RFC 5280
    /// section 4.2.1.10): a dNSName is a domain (no wildcard, no leading period; empty for
    /// every name), an rfc822Name a mailbox, a host or `.domain`, a URI a host or
    /// `.domain`, an iPAddress an address and a prefix mask of 8 or 32 octets.
    pub(crate) fn check_constraint_syntax(&self) -> Result<(), NameSyntax> {
        match self {
            GeneralName::Dns(d) if d.is_empty() => Ok(()),
            GeneralName::Dns(d) if d.starts_with('.') => Err(NameSyntax::LeadingPeriod),
            GeneralName::Dns(d) => dns_name_syntax(d, false),
            GeneralName::Email(e) if e.contains('@') => mailbox_syntax(e),
            GeneralName::Email(e) => dns_name_syntax(e.strip_prefix('.').unwrap_or(e), false)
                .map_err(|_| NameSyntax::Rfc822Name),
            GeneralName::Uri(u) => dns_name_syntax(u.strip_prefix('.').unwrap_or(u), false)
                .map_err(|_| NameSyntax::Uri),
            GeneralName::Ip(b) if b.len() == 8 || b.len() == 32 => {
                let mask = &b[b.len() / 2..];
                // One bits, then zero bits.
                let mut seen_zero = false;
                for byte in mask {
                    for bit in (0..8).rev() {
                        let one = byte >> bit & 1 == 1;
                        if one && seen_zero {
                            return Err(NameSyntax::IpAddressMask);
                        }
                        seen_zero |= !one;
                    }
                }
                Ok(())
            }
            GeneralName::Ip(_) => Err(NameSyntax::IpAddressLength),
            GeneralName::UnreadableDirectory => Err(NameSyntax::DirectoryName),
            GeneralName::Directory(_) | GeneralName::Utf8Mailbox | GeneralName::Other => Ok(()),
        }
    }

    /// The name as a report shows it.
    pub(crate) fn describe(&self) -> String {
        match self {
            GeneralName::Directory(n) => format!("directoryName {n}"),
            GeneralName::Dns(d) => format!("dNSName {}", escape(d)),
            GeneralName::Email(e) => format!("rfc822Name {}", escape(e)),
            GeneralName::Uri(u) => format!("URI {}", escape(u)),
            GeneralName::Ip(ip) => match SubjectAltName::ip(ip) {
                Some(addr) => format!("iPAddress {addr}"),
                None => format!("iPAddress of {} octets", ip.len()),
            },
            GeneralName::UnreadableDirectory => "a directoryName that does not decode".to_owned(),
            GeneralName::Utf8Mailbox => "an SmtpUTF8Mailbox".to_owned(),
            GeneralName::Other => "a name of a kind kyso does not compare".to_owned(),
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
    match read_common_points(value) {
        Some(points) => Some(points),
        None => read_typed_points(value, cert_issuer),
    }
}

/// A cRLDistributionPoints value of the shape CAs write, read in one pass: one or more
/// points, each only a `fullName` of one or more URIs in ASCII (no reasons, no cRLIssuer,
/// no relative name). `None` for any other value, which [`read_typed_points`] then reads;
/// on what this settles the two agree (unit test below).
fn read_common_points(value: &[u8]) -> Option<Vec<DistributionPoint>> {
    use crate::cert::strict::Tlv;
    let mut whole = Tlv::new(value);
    let mut list = whole.enter(0x30)?;
    if !whole.done() || list.done() {
        return None;
    }
    let mut out = Vec::with_capacity(1);
    while !list.done() {
        let mut point = list.enter(0x30)?;
        let mut distribution_point = point.enter(0xa0)?;
        let mut full_name = distribution_point.enter(0xa0)?;
        if !point.done() || !distribution_point.done() || full_name.done() {
            return None;
        }
        let mut names = Vec::with_capacity(1);
        while !full_name.done() {
            let uri = full_name.primitive(0x86)?;
            if !uri.is_ascii() {
                return None;
            }
            names.push(GeneralName::Uri(std::str::from_utf8(uri).ok()?.to_owned()));
        }
        out.push(DistributionPoint {
            names: Some(names),
            reasons: None,
            crl_issuer: None,
        });
    }
    Some(out)
}

/// [`read_distribution_points`] by `x509-cert`'s decoder.
fn read_typed_points(value: &[u8], cert_issuer: &Name) -> Option<Vec<DistributionPoint>> {
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
    /// Whether the extension is marked critical.
    pub critical: bool,
    /// Whether permittedSubtrees or excludedSubtrees is present but empty, or both absent.
    pub empty: bool,
    /// Whether a subtree gives a minimum other than 0 or a maximum.
    pub bounded: bool,
}

impl NameConstraints {
    /// Reads a nameConstraints extension value (RFC 5280 section 4.2.1.10) with
    /// `x509-cert`, which keeps each subtree's minimum and maximum. `None` when it does not
    /// decode.
    pub(crate) fn read(value: &[u8], critical: bool) -> Option<NameConstraints> {
        use der::Decode;
        let nc = x509_cert::ext::pkix::constraints::name::NameConstraints::from_der(value).ok()?;
        let mut bounded = false;
        let mut convert =
            |subtrees: &Option<x509_cert::ext::pkix::constraints::name::GeneralSubtrees>| {
                subtrees
                    .iter()
                    .flatten()
                    .map(|s| {
                        bounded |= s.minimum != 0 || s.maximum.is_some();
                        from_x509_cert(&s.base)
                    })
                    .collect::<Vec<_>>()
            };
        let permitted = convert(&nc.permitted_subtrees);
        let excluded = convert(&nc.excluded_subtrees);
        let empty = nc.permitted_subtrees.as_ref().is_some_and(Vec::is_empty)
            || nc.excluded_subtrees.as_ref().is_some_and(Vec::is_empty)
            || (permitted.is_empty() && excluded.is_empty());
        Some(NameConstraints {
            permitted,
            excluded,
            critical,
            empty,
            bounded,
        })
    }

    /// The number of subtrees.
    pub(crate) fn len(&self) -> usize {
        self.permitted.len() + self.excluded.len()
    }

    /// Checks the extension's form: critical (when `require_critical`), with subtrees, none
    /// bounded, each base well-formed (RFC 5280 section 4.2.1.10).
    pub(crate) fn check_form(
        &self,
        require_critical: bool,
    ) -> Result<(), crate::error::ConstraintDefect> {
        use crate::error::ConstraintDefect;
        if require_critical && !self.critical {
            return Err(ConstraintDefect::NotCritical);
        }
        if self.empty {
            return Err(ConstraintDefect::NoSubtrees);
        }
        if self.bounded {
            return Err(ConstraintDefect::SubtreeBounds);
        }
        for base in self.permitted.iter().chain(&self.excluded) {
            base.check_constraint_syntax()
                .map_err(|syntax| ConstraintDefect::Subtree {
                    name: base.describe(),
                    syntax,
                })?;
        }
        Ok(())
    }
}

impl NameConstraints {
    /// Whether `name` is allowed: within none of the excluded subtrees of its kind and, when
    /// there are permitted subtrees of its kind, within one of them. A name kyso does not
    /// compare is refused as soon as any subtree is of a kind kyso does not compare.
    pub(crate) fn allows(&self, name: &GeneralName) -> bool {
        let any_subtree =
            |f: &dyn Fn(&GeneralName) -> bool| self.permitted.iter().chain(&self.excluded).any(f);
        match name {
            GeneralName::Other => return !any_subtree(&|s| matches!(s, GeneralName::Other)),
            GeneralName::UnreadableDirectory => {
                return !any_subtree(&|s| {
                    matches!(
                        s,
                        GeneralName::Directory(_) | GeneralName::UnreadableDirectory
                    )
                });
            }
            GeneralName::Utf8Mailbox => {
                return !any_subtree(&|s| matches!(s, GeneralName::Email(_)));
            }
            _ => {}
        }
        // A name that breaks the syntax of its kind, or a URI without a host (or with a
        // percent-encoded one), cannot be placed in or out of a subtree of that kind:
        // refused wherever one applies, so no exclusion is evaded by a malformed name.
        let unplaceable = name.check_name_syntax().is_err()
            || matches!(name, GeneralName::Uri(u) if uri_host(u).is_none());
        if unplaceable && any_subtree(&|s| s.same_kind(name)) {
            return false;
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
                    || matches!((name, s), (GeneralName::Directory(n), GeneralName::Directory(b)) if n.looks_within(b))
                    || matches!((name, s), (GeneralName::Dns(n), GeneralName::Dns(b)) if wildcard_reaches(n, b)))
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
    let host = host.trim_end_matches('.').to_ascii_lowercase();
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
    // A percent-encoded host (RFC 3986 section 3.2.2) is not compared in its encoded form.
    (!host.is_empty() && !host.contains('%')).then(|| host.to_owned())
}

fn ip_within(name: &[u8], base: &[u8]) -> bool {
    // An IPv4-mapped IPv6 address (RFC 4291 section 2.5.5.2) is its IPv4 address to IPv4
    // subtrees, and an IPv4 address is its mapped form to IPv6 subtrees.
    const MAPPED: [u8; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
    let mapped;
    let name = match (name.len(), base.len()) {
        (16, 8) if name.starts_with(&MAPPED) => &name[12..],
        (4, 32) => {
            mapped = [&MAPPED[..], name].concat();
            &mapped[..]
        }
        _ => name,
    };
    if base.len() != 2 * name.len() {
        return false;
    }
    let (addr, mask) = base.split_at(name.len());
    name.iter()
        .zip(addr)
        .zip(mask)
        .all(|((n, a), m)| n & m == a & m)
}

/// Whether a wildcard dNSName (`*.rest`) can stand for a name within the subtree `base`:
/// `base` is one label on top of `rest` (the wildcard may be that label). A wildcard over a
/// subtree that `rest` itself lies in is caught by the suffix rule already.
fn wildcard_reaches(name: &str, base: &str) -> bool {
    let Some(rest) = name.strip_prefix("*.") else {
        return false;
    };
    let base = base.trim_end_matches('.');
    base.split_once('.')
        .is_some_and(|(label, tail)| !label.is_empty() && tail.eq_ignore_ascii_case(rest))
}

/// RFC 1034 section 3.5 preferred name syntax (letters, digits, hyphens; RFC 1123 lets a
/// label start with a digit), with underscores, which RFC 2181 section 11 allows in DNS
/// labels and which real service names use: labels of 1 to 63 characters, not starting or
/// ending with a hyphen, 253 characters in all, no trailing period. With
/// `wildcard_allowed`, the left-most label may be `*` alone, followed by at least two
/// labels (no wildcard over a top-level domain).
fn dns_name_syntax(name: &str, wildcard_allowed: bool) -> Result<(), NameSyntax> {
    if name.is_empty() || name.len() > 253 {
        return Err(NameSyntax::DnsName);
    }
    let mut first = true;
    let mut count = 0usize;
    let mut wildcard = false;
    for label in name.split('.') {
        count += 1;
        if label == "*" && first {
            if !wildcard_allowed {
                return Err(NameSyntax::Wildcard);
            }
            wildcard = true;
            first = false;
            continue;
        }
        first = false;
        if label.contains('*') {
            return Err(NameSyntax::Wildcard);
        }
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            return Err(NameSyntax::DnsName);
        }
    }
    if wildcard && count < 3 {
        return Err(NameSyntax::Wildcard);
    }
    Ok(())
}

/// An rfc822Name mailbox (RFC 5280 section 4.2.1.6, RFC 5321 section 4.1.2): a local part
/// of printable ASCII without spaces (an `@` in it only within quotes), `@`, a domain.
fn mailbox_syntax(mailbox: &str) -> Result<(), NameSyntax> {
    let (local, domain) = mailbox.rsplit_once('@').ok_or(NameSyntax::Rfc822Name)?;
    let quoted = local.len() >= 2 && local.starts_with('"') && local.ends_with('"');
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.bytes().all(|b| b.is_ascii_graphic())
        && (quoted || !local.contains(['@', '"']));
    if !local_ok {
        return Err(NameSyntax::Rfc822Name);
    }
    dns_name_syntax(domain, false).map_err(|_| NameSyntax::Rfc822Name)
}

/// A uniformResourceIdentifier: an absolute URI (RFC 3986 section 4.3: a scheme, then `:`)
/// of printable ASCII without spaces.
fn uri_syntax(uri: &str) -> Result<(), NameSyntax> {
    let scheme = uri.split_once(':').map(|(s, _)| s).unwrap_or_default();
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if scheme_ok && uri.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') {
        Ok(())
    } else {
        Err(NameSyntax::Uri)
    }
}

/// Text from a certificate, with anything but printable ASCII escaped (`\u{..}`).
fn escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                vec![c]
            } else {
                c.escape_unicode().collect()
            }
        })
        .collect()
}

/// A subject alternative name of a certificate (RFC 5280 section 4.2.1.6), as
/// [`Certificate::subject_alt_names`](crate::Certificate::subject_alt_names) gives it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SubjectAltName {
    /// dNSName, as encoded (a left-most `*` label is a wildcard).
    Dns(String),
    /// rfc822Name: an e-mail address.
    Email(String),
    /// uniformResourceIdentifier.
    Uri(String),
    /// directoryName.
    Directory(Name),
    /// iPAddress.
    Ip(std::net::IpAddr),
    /// A name of another kind (otherName, x400Address, ediPartyName, registeredID), an
    /// iPAddress of the wrong length, or a directoryName that does not decode.
    Other,
}

impl SubjectAltName {
    fn ip(octets: &[u8]) -> Option<std::net::IpAddr> {
        if let Ok(v4) = <[u8; 4]>::try_from(octets) {
            Some(std::net::IpAddr::from(v4))
        } else {
            <[u8; 16]>::try_from(octets)
                .ok()
                .map(std::net::IpAddr::from)
        }
    }

    pub(crate) fn from_general(name: &GeneralName) -> Self {
        match name {
            GeneralName::Dns(d) => SubjectAltName::Dns(d.clone()),
            GeneralName::Email(e) => SubjectAltName::Email(e.clone()),
            GeneralName::Uri(u) => SubjectAltName::Uri(u.clone()),
            GeneralName::Directory(n) => SubjectAltName::Directory(n.clone()),
            GeneralName::Ip(ip) => {
                SubjectAltName::ip(ip).map_or(SubjectAltName::Other, SubjectAltName::Ip)
            }
            GeneralName::UnreadableDirectory | GeneralName::Utf8Mailbox | GeneralName::Other => {
                SubjectAltName::Other
            }
        }
    }
}

/// Whether the DNS name `reference` (what a peer was asked to be) is `presented` (a dNSName
/// of its certificate), by RFC 6125 section 6.4: labels compared without regard to ASCII
/// case; a wildcard only as the whole left-most label of a well-formed name with at least
/// two labels after it, standing for exactly one label, and never over a public suffix of
/// the ICANN section of the Public Suffix List (`*.com.vn`, `*.co.uk`: no single holder
/// controls the names under it). An IDN must be given as A-labels.
pub(crate) fn dns_name_matches(presented: &str, reference: &str) -> bool {
    let reference = reference.strip_suffix('.').unwrap_or(reference);
    if dns_name_syntax(reference, false).is_err() || dns_name_syntax(presented, true).is_err() {
        return false;
    }
    // An IP address is not a DNS name (RFC 6125 section 3.1: it is checked against
    // iPAddress names); a name ending in an all-numeric label could be read as one.
    let numeric_tld = |name: &str| {
        name.rsplit('.')
            .next()
            .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
    };
    if reference.parse::<std::net::IpAddr>().is_ok()
        || numeric_tld(reference)
        || numeric_tld(presented)
    {
        return false;
    }
    match presented.strip_prefix("*.") {
        Some(rest) => {
            !is_public_suffix(rest)
                && reference
                    .split_once('.')
                    .is_some_and(|(_, tail)| tail.eq_ignore_ascii_case(rest))
        }
        None => presented.eq_ignore_ascii_case(reference),
    }
}

/// Whether `domain` is itself a public suffix of the ICANN section of the Public Suffix
/// List (the `psl` crate's copy).
fn is_public_suffix(domain: &str) -> bool {
    let lower = domain.to_ascii_lowercase();
    psl::suffix(lower.as_bytes()).is_some_and(|suffix| {
        suffix.is_known()
            && suffix.typ() == Some(psl::Type::Icann)
            && suffix.as_bytes() == lower.as_bytes()
    })
}

/// Whether the e-mail address `reference` is `presented`: the local part exactly, the
/// domain without regard to ASCII case (RFC 5280 section 7.5).
pub(crate) fn mailbox_matches(presented: &str, reference: &str) -> bool {
    if mailbox_syntax(reference).is_err() || mailbox_syntax(presented).is_err() {
        return false;
    }
    match (presented.rsplit_once('@'), reference.rsplit_once('@')) {
        (Some((lp, dp)), Some((lr, dr))) => lp == lr && dp.eq_ignore_ascii_case(dr),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_one_pass_reading_of_distribution_points_is_the_typed_one() {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut all = Vec::new();
        crate::cert::strict::tests::certificates(&here.join("test-vectors"), &mut all);
        let shared = here.join("../shared/vectors");
        if shared.is_dir() {
            crate::cert::strict::tests::certificates(&shared, &mut all);
        }
        let issuer = Name::from_der(&[
            0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, 0x56,
            0x4e,
        ])
        .unwrap();
        let values: Vec<Vec<u8>> = all
            .iter()
            .filter_map(|c| crate::Certificate::from_der(c).ok())
            .filter_map(|c| {
                c.extensions()
                    .iter()
                    .find(|e| e.oid == crate::oid::EXT_CRL_DISTRIBUTION_POINTS)
                    .map(|e| e.value.clone())
            })
            .collect();
        let agrees = |value: &[u8]| -> bool {
            let Some(fast) = read_common_points(value) else {
                return false;
            };
            assert_eq!(
                read_typed_points(value, &issuer),
                Some(fast),
                "{value:02x?}"
            );
            true
        };
        let settled = values.iter().filter(|v| agrees(v)).count();
        eprintln!(
            "distribution points settled in one pass: {settled} of {}",
            values.len()
        );
        // The URI-only points CAs write are settled; PKITS's points with reasons, CRL
        // issuers and relative names go to the typed reading.
        assert!(settled >= 40, "{settled} of {}", values.len());
        let mut mutations = crate::mutations::Mutations::new(29);
        let mut accepted = 0;
        for round in 0..100_000 {
            let mut m = values[round % values.len()].clone();
            let at = mutations.below(m.len());
            mutations.apply(&mut m, at);
            if agrees(&m) {
                accepted += 1;
            }
        }
        eprintln!("mutated values settled in one pass: {accepted} of 100000");
        assert!(accepted > 10_000, "{accepted}");
    }

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
            critical: true,
            ..NameConstraints::default()
        };
        assert!(nc.allows(&GeneralName::Dns("a.gov.vn".into())));
        assert!(!nc.allows(&GeneralName::Dns("x.bad.gov.vn".into())));
        assert!(!nc.allows(&GeneralName::Dns("example.com".into())));
        assert!(nc.allows(&GeneralName::Email("a@example.com".into())));
        assert!(nc.allows(&GeneralName::Other));
    }

    #[test]
    fn wildcards_meet_the_exclusions_they_could_stand_for() {
        let nc = NameConstraints {
            excluded: vec![GeneralName::Dns("bar.example.com".into())],
            critical: true,
            ..NameConstraints::default()
        };
        assert!(!nc.allows(&GeneralName::Dns("*.example.com".into())));
        assert!(!nc.allows(&GeneralName::Dns("*.bar.example.com".into())));
        assert!(nc.allows(&GeneralName::Dns("*.other.example.com".into())));
        assert!(nc.allows(&GeneralName::Dns("foo.example.com".into())));
    }

    #[test]
    fn name_syntax() {
        let dns = |d: &str| GeneralName::Dns(d.into()).check_name_syntax();
        assert_eq!(dns("a.example.com"), Ok(()));
        assert_eq!(dns("_srv.example.com"), Ok(()));
        assert_eq!(dns("*.example.com"), Ok(()));
        assert_eq!(dns("*.com"), Err(NameSyntax::Wildcard));
        assert_eq!(dns("a.*.com"), Err(NameSyntax::Wildcard));
        assert_eq!(dns("f*o.example.com"), Err(NameSyntax::Wildcard));
        assert_eq!(dns("bad..example"), Err(NameSyntax::DnsName));
        assert_eq!(dns("-a.example"), Err(NameSyntax::DnsName));
        assert_eq!(dns("a.example."), Err(NameSyntax::DnsName));
        assert_eq!(dns(&"a".repeat(64)), Err(NameSyntax::DnsName));
        let constraint = |n: GeneralName| n.check_constraint_syntax();
        assert_eq!(constraint(GeneralName::Dns(String::new())), Ok(()));
        assert_eq!(
            constraint(GeneralName::Dns(".example.com".into())),
            Err(NameSyntax::LeadingPeriod)
        );
        assert_eq!(
            constraint(GeneralName::Email(".example.com".into())),
            Ok(())
        );
        assert_eq!(constraint(GeneralName::Email("example.com".into())), Ok(()));
        assert_eq!(
            constraint(GeneralName::Email("a@example.com".into())),
            Ok(())
        );
        assert_eq!(
            constraint(GeneralName::Email("@example.com".into())),
            Err(NameSyntax::Rfc822Name)
        );
        assert_eq!(
            constraint(GeneralName::Ip(vec![10, 0, 0, 0, 255, 255, 0, 0])),
            Ok(())
        );
        assert_eq!(
            constraint(GeneralName::Ip(vec![10, 0, 0, 0, 255, 0, 255, 0])),
            Err(NameSyntax::IpAddressMask)
        );
        assert_eq!(
            GeneralName::Email("\"a@b\"@example.com".into()).check_name_syntax(),
            Ok(())
        );
        assert_eq!(
            GeneralName::Email("a@b@example.com".into()).check_name_syntax(),
            Err(NameSyntax::Rfc822Name)
        );
        assert_eq!(
            GeneralName::Uri("no scheme".into()).check_name_syntax(),
            Err(NameSyntax::Uri)
        );
        assert!(dns_name_matches("*.example.com", "a.example.com"));
        assert!(!dns_name_matches("*.example.com", "example.com"));
        assert!(!dns_name_matches("*.example.com", "a.b.example.com"));
        // Never over a public suffix, and the same name under a registrable domain is fine.
        assert!(!dns_name_matches("*.com.vn", "example.com.vn"));
        assert!(!dns_name_matches("*.gov.vn", "bocongan.gov.vn"));
        assert!(!dns_name_matches("*.CO.UK", "example.co.uk"));
        assert!(dns_name_matches("*.example.com.vn", "www.example.com.vn"));
        assert!(dns_name_matches("*.corp.internal", "a.corp.internal"));
        // IP addresses are not DNS names.
        assert!(!dns_name_matches("10.0.0.1", "10.0.0.1"));
        assert!(!dns_name_matches("*.0.0.1", "10.0.0.1"));
        // IPv4-mapped addresses meet IPv4 subtrees, and IPv4 addresses IPv6 ones.
        let mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3];
        assert!(ip_within(&mapped, &[10, 0, 0, 0, 255, 0, 0, 0]));
        let mut v6_base = mapped.to_vec();
        v6_base.extend([0xff; 13]);
        v6_base.extend([0; 3]);
        assert!(ip_within(&[10, 1, 2, 3], &v6_base));
        let nc = NameConstraints {
            excluded: vec![
                GeneralName::Ip(vec![10, 0, 0, 0, 255, 0, 0, 0]),
                GeneralName::Uri("bad.example".into()),
                GeneralName::Email("bad.example".into()),
            ],
            critical: true,
            ..NameConstraints::default()
        };
        assert!(!nc.allows(&GeneralName::Ip(mapped.to_vec())));
        // URIs with no host, a percent-encoded one, a backslash, or a trailing period.
        for uri in [
            "https:bad.example/x",
            "https://%62ad.example/",
            "https://bad.example\\@good.example/",
            "https://bad.example./",
        ] {
            assert!(!nc.allows(&GeneralName::Uri(uri.into())), "{uri}");
        }
        assert!(nc.allows(&GeneralName::Uri("https://good.example/".into())));
        // Malformed mailboxes and internationalised ones under rfc822 constraints.
        assert!(!nc.allows(&GeneralName::Email("x@bad.example.".into())));
        assert!(!nc.allows(&GeneralName::Email("no-at-sign".into())));
        assert!(!nc.allows(&GeneralName::Utf8Mailbox));
        assert!(nc.allows(&GeneralName::Email("x@good.example".into())));
        // A directoryName that does not decode, under a directory subtree.
        let dir_nc = NameConstraints {
            permitted: vec![GeneralName::UnreadableDirectory],
            critical: true,
            ..NameConstraints::default()
        };
        assert!(!dir_nc.allows(&GeneralName::UnreadableDirectory));
        assert_eq!(
            GeneralName::UnreadableDirectory.check_constraint_syntax(),
            Err(NameSyntax::DirectoryName)
        );
    }
}
