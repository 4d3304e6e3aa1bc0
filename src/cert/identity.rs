//! Who a certificate names: the person or organisation, with the Vietnamese identifiers that
//! certificate authorities put in the subject's UID (and sometimes serialNumber) attribute.

use crate::cert::name::{Name, write_printable};
use crate::oid;

/// An identifier of a person or organisation, as Vietnamese certificate authorities write
/// them in the subject's `UID` attribute (`CCCD:001085012345`, `MST:0104831030-091`...).
///
/// A value is typed only when it has the form the identifier requires; anything else is kept
/// verbatim as [`VnIdentifier::Unrecognized`], never guessed at.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum VnIdentifier {
    /// `CCCD:` citizen identity card number (căn cước công dân), 12 digits.
    Cccd(String),
    /// `CMND:` older identity card number (chứng minh nhân dân), 9 or 12 digits.
    Cmnd(String),
    /// `HC:` passport number (hộ chiếu): 6 to 12 letters and digits.
    Passport(String),
    /// `MST:` tax code (mã số thuế): 10 digits, with an optional 3-digit branch suffix
    /// (`0104831030-091`).
    TaxCode {
        /// The 10-digit code.
        code: String,
        /// The branch (dependent unit) suffix, if any.
        branch: Option<String>,
    },
    /// `MNS:` budget-relationship unit code (mã quan hệ ngân sách), 7 digits.
    BudgetUnit(String),
    /// A value with an unknown prefix, or a known prefix but the wrong form.
    Unrecognized(String),
}

impl VnIdentifier {
    /// Reads one attribute value. Prefixes are matched without regard to case, and spaces
    /// around the value are ignored.
    pub fn parse(value: &str) -> VnIdentifier {
        let unrecognized = || VnIdentifier::Unrecognized(value.to_owned());
        let Some((prefix, rest)) = value.split_once(':') else {
            return unrecognized();
        };
        let rest = rest.trim();
        let digits = |s: &str, lens: &[usize]| {
            lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        match prefix.trim().to_ascii_uppercase().as_str() {
            "CCCD" if digits(rest, &[12]) => VnIdentifier::Cccd(rest.to_owned()),
            "CMND" if digits(rest, &[9, 12]) => VnIdentifier::Cmnd(rest.to_owned()),
            "HC" if (6..=12).contains(&rest.len())
                && rest.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                VnIdentifier::Passport(rest.to_ascii_uppercase())
            }
            "MST" => match rest.split_once('-') {
                None if digits(rest, &[10]) => VnIdentifier::TaxCode {
                    code: rest.to_owned(),
                    branch: None,
                },
                Some((code, branch)) if digits(code, &[10]) && digits(branch, &[3]) => {
                    VnIdentifier::TaxCode {
                        code: code.to_owned(),
                        branch: Some(branch.to_owned()),
                    }
                }
                _ => unrecognized(),
            },
            "MNS" if digits(rest, &[7]) => VnIdentifier::BudgetUnit(rest.to_owned()),
            _ => unrecognized(),
        }
    }
}

impl core::fmt::Display for VnIdentifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            VnIdentifier::Cccd(v) => write!(f, "CCCD {v}"),
            VnIdentifier::Cmnd(v) => write!(f, "CMND {v}"),
            VnIdentifier::Passport(v) => write!(f, "passport {v}"),
            VnIdentifier::TaxCode { code, branch: None } => write!(f, "tax code {code}"),
            VnIdentifier::TaxCode {
                code,
                branch: Some(b),
            } => write!(f, "tax code {code}-{b}"),
            VnIdentifier::BudgetUnit(v) => write!(f, "budget unit {v}"),
            VnIdentifier::Unrecognized(v) => write!(f, "identifier {v:?}"),
        }
    }
}

/// A readable view of a certificate subject: who signed.
///
/// Names are the UTF-8 text of the certificate, unchanged ("Nguyễn Văn An").
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Identity {
    /// commonName: the person's full name, or the organisation's name for a seal.
    pub common_name: Option<String>,
    /// organizationName.
    pub organization: Option<String>,
    /// organizationalUnitName values, in encoding order.
    pub organizational_units: Vec<String>,
    /// title.
    pub title: Option<String>,
    /// localityName (district, city).
    pub locality: Option<String>,
    /// stateOrProvinceName (province).
    pub state: Option<String>,
    /// countryName.
    pub country: Option<String>,
    /// emailAddress.
    pub email: Option<String>,
    /// The identifiers found in UID and serialNumber attributes, in encoding order.
    pub identifiers: Vec<VnIdentifier>,
}

/// Serialised with the identifiers read out (`cccd`, `tax_code` as `code-branch`...), as
/// the reports' JSON shows a signer.
impl serde::Serialize for Identity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("Identity", 13)?;
        s.serialize_field("common_name", &self.common_name)?;
        s.serialize_field("organization", &self.organization)?;
        s.serialize_field("organizational_units", &self.organizational_units)?;
        s.serialize_field("title", &self.title)?;
        s.serialize_field("cccd", &self.cccd())?;
        s.serialize_field("cmnd", &self.cmnd())?;
        s.serialize_field("passport", &self.passport())?;
        s.serialize_field("tax_code", &self.tax_code_text())?;
        s.serialize_field("budget_unit", &self.budget_unit())?;
        s.serialize_field("locality", &self.locality)?;
        s.serialize_field("state", &self.state)?;
        s.serialize_field("country", &self.country)?;
        s.serialize_field("email", &self.email)?;
        s.end()
    }
}

impl Identity {
    /// Builds the view of a subject name.
    pub fn from_name(name: &Name) -> Self {
        let last = |oid: &str| name.values_of(oid).last().map(str::to_owned);
        let identifiers = name
            .attributes()
            .filter(|a| a.oid() == oid::AT_UID || a.oid() == oid::AT_SERIAL_NUMBER)
            .filter_map(|a| a.text())
            .filter(|t| t.contains(':'))
            .map(VnIdentifier::parse)
            .collect();
        Identity {
            common_name: last(oid::AT_COMMON_NAME),
            organization: last(oid::AT_ORGANIZATION),
            organizational_units: name
                .values_of(oid::AT_ORGANIZATIONAL_UNIT)
                .map(str::to_owned)
                .collect(),
            title: last(oid::AT_TITLE),
            locality: last(oid::AT_LOCALITY),
            state: last(oid::AT_STATE),
            country: last(oid::AT_COUNTRY),
            email: last(oid::AT_EMAIL),
            identifiers,
        }
    }

    /// The citizen identity card number (CCCD), if the subject has one.
    pub fn cccd(&self) -> Option<&str> {
        self.identifiers.iter().find_map(|i| match i {
            VnIdentifier::Cccd(v) => Some(v.as_str()),
            _ => None,
        })
    }

    /// The old identity card number (CMND), if any.
    pub fn cmnd(&self) -> Option<&str> {
        self.identifiers.iter().find_map(|i| match i {
            VnIdentifier::Cmnd(v) => Some(v.as_str()),
            _ => None,
        })
    }

    /// The passport number, if any.
    pub fn passport(&self) -> Option<&str> {
        self.identifiers.iter().find_map(|i| match i {
            VnIdentifier::Passport(v) => Some(v.as_str()),
            _ => None,
        })
    }

    /// The tax code and optional branch suffix, if any.
    pub fn tax_code(&self) -> Option<(&str, Option<&str>)> {
        self.identifiers.iter().find_map(|i| match i {
            VnIdentifier::TaxCode { code, branch } => Some((code.as_str(), branch.as_deref())),
            _ => None,
        })
    }

    /// The tax code as written, with its branch after a hyphen (`5700100256-001`).
    pub fn tax_code_text(&self) -> Option<String> {
        self.tax_code().map(|(code, branch)| match branch {
            Some(b) => format!("{code}-{b}"),
            None => code.to_owned(),
        })
    }

    /// The budget-unit code, if any.
    pub fn budget_unit(&self) -> Option<&str> {
        self.identifiers.iter().find_map(|i| match i {
            VnIdentifier::BudgetUnit(v) => Some(v.as_str()),
            _ => None,
        })
    }
}

impl core::fmt::Display for Identity {
    /// `Nguyễn Văn An (CCCD 001085012345), Cầu Giấy, Hà Nội, VN`. Control characters in the
    /// certificate's text are escaped, so a name cannot forge lines of a report.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write_printable(f, self.common_name.as_deref().unwrap_or("(no common name)"))?;
        if !self.identifiers.is_empty() {
            f.write_str(" (")?;
            for (i, id) in self.identifiers.iter().enumerate() {
                if i > 0 {
                    f.write_str("; ")?;
                }
                write!(f, "{id}")?;
            }
            f.write_str(")")?;
        }
        if let Some(o) = &self.organization
            && Some(o) != self.common_name.as_ref()
        {
            f.write_str(", ")?;
            write_printable(f, o)?;
        }
        for part in [&self.locality, &self.state, &self.country]
            .into_iter()
            .flatten()
        {
            f.write_str(", ")?;
            write_printable(f, part)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(
            VnIdentifier::parse("CCCD:001085012345"),
            VnIdentifier::Cccd("001085012345".into())
        );
        assert_eq!(
            VnIdentifier::parse("cccd: 001085012345 "),
            VnIdentifier::Cccd("001085012345".into())
        );
        assert_eq!(
            VnIdentifier::parse("CMND:025123456"),
            VnIdentifier::Cmnd("025123456".into())
        );
        assert_eq!(
            VnIdentifier::parse("MST:0104831030-091"),
            VnIdentifier::TaxCode {
                code: "0104831030".into(),
                branch: Some("091".into())
            }
        );
        assert_eq!(
            VnIdentifier::parse("MST:0104831030"),
            VnIdentifier::TaxCode {
                code: "0104831030".into(),
                branch: None
            }
        );
        assert_eq!(
            VnIdentifier::parse("HC:c1234567"),
            VnIdentifier::Passport("C1234567".into())
        );
        assert_eq!(
            VnIdentifier::parse("MNS:1012345"),
            VnIdentifier::BudgetUnit("1012345".into())
        );
        for bad in [
            "CCCD:00108501234",
            "CCCD:0010850123456",
            "CCCD:00108501234x",
            "MST:010483103",
            "MST:0104831030-91",
            "CMND:1234567890",
            "XYZ:1",
            "no prefix",
            "HC:C12",
        ] {
            assert_eq!(
                VnIdentifier::parse(bad),
                VnIdentifier::Unrecognized(bad.into()),
                "{bad}"
            );
        }
    }
}
