//! The machine-readable zone (ICAO Doc 9303 parts 3 to 5): TD1 (ID cards, 3 lines of 30),
//! TD2 (2 of 36) and TD3 (passports, 2 of 44), every check digit verified, and DG1, the data
//! group that carries it on the chip.

use crate::error::ChipError;
use crate::error::{Error, Malformed, Object};

/// The MRZ format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum MrzFormat {
    /// 3 lines of 30 characters (ID cards, such as Vietnam's CCCD).
    Td1,
    /// 2 lines of 36 characters.
    Td2,
    /// 2 lines of 44 characters (passports).
    Td3,
}

/// A read and checked MRZ. Text fields are as printed, with the filler `<` removed at the
/// ends and turned into spaces inside (names keep their `<<` split into primary and
/// secondary identifiers).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Mrz {
    /// The format.
    pub format: MrzFormat,
    /// The document code (`P`, `I`, `ID`, `AC`...).
    pub document_code: String,
    /// The issuing state or organisation (three letters, `VNM` for Viet Nam).
    pub issuing_state: String,
    /// The document number (long TD1 numbers included).
    pub document_number: String,
    /// The primary identifier (surname).
    pub primary_identifier: String,
    /// The secondary identifier (given names).
    pub secondary_identifier: String,
    /// The nationality (three letters).
    pub nationality: String,
    /// Date of birth, `YYMMDD` as printed (`<` for unknown parts).
    pub date_of_birth: String,
    /// `M`, `F` or `<` (unspecified).
    pub sex: char,
    /// Date of expiry, `YYMMDD`.
    pub date_of_expiry: String,
    /// Optional data (TD3 personal number; TD1 both optional fields, joined by a space
    /// when both are present).
    pub optional_data: String,
}

fn bad(field: &'static str) -> Error {
    Error::malformed(Object::Mrz, Malformed::InvalidValue { field })
}

/// The ICAO 9303 part 3 check digit: weights 7, 3, 1 over the character values (digits as
/// themselves, A to Z as 10 to 35, the filler as 0), modulo 10.
pub fn check_digit(field: &str) -> Option<u8> {
    let mut sum: u32 = 0;
    for (i, c) in field.chars().enumerate() {
        let v = match c {
            '0'..='9' => u32::from(c) - u32::from('0'),
            'A'..='Z' => u32::from(c) - u32::from('A') + 10,
            '<' => 0,
            _ => return None,
        };
        let w = [7, 3, 1][i % 3];
        sum += v * w;
    }
    u8::try_from(sum % 10).ok()
}

fn check(field: &str, digit: char, name: &'static str) -> Result<(), Error> {
    let expected = check_digit(field).ok_or_else(|| bad(name))?;
    // A field entirely of fillers may have a filler as its check digit.
    if digit == '<' && field.chars().all(|c| c == '<') {
        return Ok(());
    }
    match digit.to_digit(10) {
        Some(d) if d == u32::from(expected) => Ok(()),
        _ => Err(Error::Chip(ChipError::MrzCheckDigit { field: name })),
    }
}

fn text(s: &str) -> String {
    s.trim_matches('<')
        .split('<')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn names(s: &str) -> (String, String) {
    let s = s.trim_end_matches('<');
    match s.split_once("<<") {
        Some((primary, secondary)) => (text(primary), text(secondary)),
        None => (text(s), String::new()),
    }
}

impl Mrz {
    /// Reads an MRZ: its lines joined, or separated by line breaks; the format is told by
    /// the length. Any character outside `A`–`Z`, `0`–`9` and `<`, a wrong length or a wrong
    /// check digit is an error.
    ///
    /// # Errors
    ///
    /// - [`EncodingError::Malformed`](crate::error::EncodingError::Malformed) with [`Object::Mrz`] and [`Malformed::InvalidValue`] if,
    ///   whitespace removed, the text holds a character other than `A`–`Z`, `0`–`9` and `<`,
    ///   or is not 90 (TD1), 72 (TD2) or 88 (TD3) characters long.
    /// - [`ChipError::MrzCheckDigit`] with the field if a check digit (ICAO 9303 part 3 section
    ///   4.9) does not match: document number, date of birth, date of expiry, optional data
    ///   (TD3) or the composite.
    pub fn parse(text_in: &str) -> Result<Self, Error> {
        let compact: String = text_in.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() > 90
            || !compact
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '<')
        {
            return Err(bad("characters or length"));
        }
        let s = compact.as_str();
        let at = |a: usize, b: usize| s.get(a..b).unwrap_or_default();
        let ch = |i: usize| s.chars().nth(i).unwrap_or('?');
        match s.len() {
            90 => {
                // TD1: line 1 [0, 30), line 2 [30, 60), line 3 [60, 90).
                let (mut number, optional1) = (at(5, 14).to_owned(), at(15, 30));
                if ch(14) == '<' {
                    // A number longer than nine characters continues in the optional data;
                    // its check digit is the last character before the filler.
                    let rest = optional1.trim_end_matches('<');
                    let (more, digit) = rest.split_at(rest.len().saturating_sub(1));
                    number.push_str(more);
                    check(
                        &number,
                        digit.chars().next().unwrap_or('?'),
                        "document number",
                    )?;
                } else {
                    check(&number, ch(14), "document number")?;
                }
                check(at(30, 36), ch(36), "date of birth")?;
                check(at(38, 44), ch(44), "date of expiry")?;
                let composite = [at(5, 30), at(30, 37), at(38, 45), at(48, 59)].concat();
                check(&composite, ch(59), "composite")?;
                let (primary, secondary) = names(at(60, 90));
                let optional = [
                    text(if ch(14) == '<' { "" } else { optional1 }),
                    text(at(48, 59)),
                ]
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
                Ok(Mrz {
                    format: MrzFormat::Td1,
                    document_code: text(at(0, 2)),
                    issuing_state: text(at(2, 5)),
                    document_number: text(&number),
                    primary_identifier: primary,
                    secondary_identifier: secondary,
                    nationality: text(at(45, 48)),
                    date_of_birth: at(30, 36).to_owned(),
                    sex: ch(37),
                    date_of_expiry: at(38, 44).to_owned(),
                    optional_data: optional,
                })
            }
            72 | 88 => {
                let (w, format) = if s.len() == 72 {
                    (36, MrzFormat::Td2)
                } else {
                    (44, MrzFormat::Td3)
                };
                let l2 = w;
                check(at(l2, l2 + 9), ch(l2 + 9), "document number")?;
                check(at(l2 + 13, l2 + 19), ch(l2 + 19), "date of birth")?;
                check(at(l2 + 21, l2 + 27), ch(l2 + 27), "date of expiry")?;
                let (optional, composite_end) = if format == MrzFormat::Td3 {
                    check(at(l2 + 28, l2 + 42), ch(l2 + 42), "optional data")?;
                    (text(at(l2 + 28, l2 + 42)), l2 + 43)
                } else {
                    (text(at(l2 + 28, l2 + 35)), l2 + 35)
                };
                let composite = [
                    at(l2, l2 + 10),
                    at(l2 + 13, l2 + 20),
                    at(l2 + 21, composite_end),
                ]
                .concat();
                check(&composite, ch(composite_end), "composite")?;
                let (primary, secondary) = names(at(5, w));
                Ok(Mrz {
                    format,
                    document_code: text(at(0, 2)),
                    issuing_state: text(at(2, 5)),
                    document_number: text(at(l2, l2 + 9)),
                    primary_identifier: primary,
                    secondary_identifier: secondary,
                    nationality: text(at(l2 + 10, l2 + 13)),
                    date_of_birth: at(l2 + 13, l2 + 19).to_owned(),
                    sex: ch(l2 + 20),
                    date_of_expiry: at(l2 + 21, l2 + 27).to_owned(),
                    optional_data: optional,
                })
            }
            _ => Err(bad("length (not TD1, TD2 or TD3)")),
        }
    }

    /// Reads DG1 (`61 { 5F1F MRZ }`).
    ///
    /// # Errors
    ///
    /// [`EncodingError::Malformed`](crate::error::EncodingError::Malformed) with [`Object::Mrz`] and [`Malformed::InvalidValue`] if the input
    /// is not exactly one `61` element holding exactly one `5F1F` element, or the MRZ is not
    /// UTF-8; otherwise those of [`Mrz::parse`].
    pub fn from_dg1(dg1: &[u8]) -> Result<Self, Error> {
        let inner = crate::tlv::expect(dg1, &[0x61]).ok_or_else(|| bad("DG1 tag"))?;
        let mrz = crate::tlv::expect(inner, &[0x5f, 0x1f]).ok_or_else(|| bad("DG1 MRZ tag"))?;
        let text = core::str::from_utf8(mrz).map_err(|_| bad("DG1 MRZ text"))?;
        Mrz::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icao_specimens() {
        // ICAO Doc 9303 part 4 (TD3) and part 5 (TD1) specimens.
        let td3 = Mrz::parse(
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
        )
        .unwrap();
        assert_eq!(td3.format, MrzFormat::Td3);
        assert_eq!(td3.document_number, "L898902C3");
        assert_eq!(td3.primary_identifier, "ERIKSSON");
        assert_eq!(td3.secondary_identifier, "ANNA MARIA");
        assert_eq!(td3.date_of_birth, "740812");
        assert_eq!(td3.sex, 'F');
        assert_eq!(td3.optional_data, "ZE184226B");
        let td1 = Mrz::parse(
            "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        )
        .unwrap();
        assert_eq!(td1.format, MrzFormat::Td1);
        assert_eq!(td1.document_number, "D23145890");
        assert_eq!(td1.nationality, "UTO");
        assert_eq!(td1.date_of_expiry, "120415");
        // One digit changed: the check digits catch it.
        assert!(matches!(
            Mrz::parse(
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408132F1204159ZE184226B<<<<<10"
            ),
            Err(Error::Chip(ChipError::MrzCheckDigit { .. }))
        ));
        assert!(Mrz::parse("P<UTO").is_err());
        assert!(Mrz::parse(&"a".repeat(88)).is_err());
    }
}
