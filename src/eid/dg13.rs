//! DG13 of Vietnam's chip ID card (CCCD): the national personal data. Its public
//! description: tag `6D` holding a series of `SEQUENCE { INTEGER field-number, value... }`;
//! values are text (UTF8String, PrintableString...), sometimes inside a nested SEQUENCE.
//! Known fields are read into [`Dg13`]; unknown ones are kept raw, and never make the parse
//! fail.

use crate::error::{Error, Malformed, Object};
use crate::limits::MAX_DG13_FIELDS;
use crate::tlv;

/// A DG13 field kyso does not interpret, kept as encoded.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Dg13Field {
    /// The field number.
    pub number: u32,
    /// The texts found in it (possibly none).
    pub texts: Vec<String>,
    /// The whole entry as encoded.
    #[serde(skip)]
    pub raw: Vec<u8>,
}

/// The personal data of a CCCD chip, as the card states it (dates as written, usually
/// `DD/MM/YYYY`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Dg13 {
    /// 1: the 12-digit personal identification number (CCCD).
    pub id_number: Option<String>,
    /// 2: full name.
    pub full_name: Option<String>,
    /// 3: date of birth.
    pub date_of_birth: Option<String>,
    /// 4: sex.
    pub sex: Option<String>,
    /// 5: nationality.
    pub nationality: Option<String>,
    /// 6: ethnicity.
    pub ethnicity: Option<String>,
    /// 7: religion.
    pub religion: Option<String>,
    /// 8: place of origin.
    pub place_of_origin: Option<String>,
    /// 9: place of residence.
    pub place_of_residence: Option<String>,
    /// 10: personal identification marks.
    pub identifying_marks: Option<String>,
    /// 11: date of issue.
    pub issue_date: Option<String>,
    /// 12: date of expiry.
    pub expiry_date: Option<String>,
    /// 13: father's name.
    pub father_name: Option<String>,
    /// 13: mother's name.
    pub mother_name: Option<String>,
    /// 16: the former ID number (CMND), if any.
    pub old_id_number: Option<String>,
    /// Every other field, in order.
    pub other: Vec<Dg13Field>,
}

fn bad(field: &'static str) -> Error {
    Error::malformed(Object::Dg13, Malformed::InvalidValue { field })
}

/// The texts inside a value: strings directly, or inside nested SEQUENCEs and SETs (two
/// levels at most).
fn texts(bytes: &[u8], depth: usize, out: &mut Vec<String>) {
    let Some(items) = tlv::all(bytes, MAX_DG13_FIELDS) else {
        return;
    };
    for (tag, value) in items {
        match tag {
            [0x0c] | [0x13] | [0x16] | [0x14] => {
                if let Ok(s) = core::str::from_utf8(value) {
                    out.push(s.trim().to_owned());
                }
            }
            [0x1e] => {
                // BMPString: UTF-16 big-endian.
                let units: Vec<u16> = value
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                if let Ok(s) = String::from_utf16(&units) {
                    out.push(s.trim().to_owned());
                }
            }
            [0x30] | [0x31] if depth < 2 => texts(value, depth + 1, out),
            _ => {}
        }
    }
}

impl Dg13 {
    /// Reads DG13. Only a wrong outer structure is an error; an entry that cannot be read
    /// is kept in [`Dg13::other`] with no text.
    ///
    /// # Errors
    ///
    /// [`EncodingError::Malformed`](crate::error::EncodingError::Malformed) with [`Object::Dg13`] and [`Malformed::InvalidValue`] if the
    /// input is not exactly one `6D` element, or its contents are not a series of at most 64
    /// well-formed elements.
    pub fn parse(dg13: &[u8]) -> Result<Self, Error> {
        let body = tlv::expect(dg13, &[0x6d]).ok_or_else(|| bad("DG13 tag"))?;
        let entries = tlv::all(body, MAX_DG13_FIELDS).ok_or_else(|| bad("DG13 entries"))?;
        let mut out = Dg13::default();
        for (tag, value) in entries {
            if tag != [0x30] {
                continue;
            }
            let raw = {
                let mut r = Vec::with_capacity(value.len() + 4);
                r.push(0x30);
                r.extend(encode_len(value.len()));
                r.extend_from_slice(value);
                r
            };
            let Some((t, num, rest)) = tlv::next(value) else {
                out.other.push(Dg13Field {
                    number: 0,
                    texts: Vec::new(),
                    raw,
                });
                continue;
            };
            let number = if t == [0x02] && !num.is_empty() && num.len() <= 4 {
                num.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b))
            } else {
                0
            };
            let mut values = Vec::new();
            texts(rest, 0, &mut values);
            let first = values.first().cloned();
            let slot = match number {
                1 => &mut out.id_number,
                2 => &mut out.full_name,
                3 => &mut out.date_of_birth,
                4 => &mut out.sex,
                5 => &mut out.nationality,
                6 => &mut out.ethnicity,
                7 => &mut out.religion,
                8 => &mut out.place_of_origin,
                9 => &mut out.place_of_residence,
                10 => &mut out.identifying_marks,
                11 => &mut out.issue_date,
                12 => &mut out.expiry_date,
                13 => {
                    out.father_name = values.first().cloned();
                    out.mother_name = values.get(1).cloned();
                    continue;
                }
                16 => &mut out.old_id_number,
                _ => {
                    out.other.push(Dg13Field {
                        number,
                        texts: values,
                        raw,
                    });
                    continue;
                }
            };
            *slot = first;
        }
        Ok(out)
    }
}

fn encode_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        vec![u8::try_from(len).unwrap_or(0)]
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        let mut v = vec![0x80 | u8::try_from(bytes.len()).unwrap_or(0)];
        v.extend(bytes);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u8, values: &[&[u8]]) -> Vec<u8> {
        let mut body = vec![0x02, 0x01, n];
        for v in values {
            body.extend_from_slice(v);
        }
        let mut e = vec![0x30];
        e.extend(encode_len(body.len()));
        e.extend(body);
        e
    }

    fn utf8(s: &str) -> Vec<u8> {
        let mut v = vec![0x0c];
        v.extend(encode_len(s.len()));
        v.extend_from_slice(s.as_bytes());
        v
    }

    #[test]
    fn fields_in_vietnamese() {
        let mut body = Vec::new();
        body.extend(entry(1, &[&utf8("001099012345")]));
        body.extend(entry(2, &[&utf8("Nguyễn Thị Hồng Nhung")]));
        body.extend(entry(3, &[&utf8("15/08/1999")]));
        body.extend(entry(4, &[&utf8("Nữ")]));
        body.extend(entry(9, &[&utf8("Số 12, phố Hàng Bạc, Hoàn Kiếm, Hà Nội")]));
        let parents = {
            let mut s = utf8("Nguyễn Văn Bình");
            s.extend(utf8("Trần Thị Lan"));
            let mut seq = vec![0x30];
            seq.extend(encode_len(s.len()));
            seq.extend(s);
            seq
        };
        body.extend(entry(13, &[&parents]));
        body.extend(entry(99, &[&utf8("unknown")]));
        body.extend(entry(
            16,
            &[&[
                0x13, 0x09, b'0', b'1', b'2', b'3', b'4', b'5', b'6', b'7', b'8',
            ]],
        ));
        let mut dg = vec![0x6d];
        dg.extend(encode_len(body.len()));
        dg.extend(body);
        let d = Dg13::parse(&dg).unwrap();
        assert_eq!(d.id_number.as_deref(), Some("001099012345"));
        assert_eq!(d.full_name.as_deref(), Some("Nguyễn Thị Hồng Nhung"));
        assert_eq!(d.sex.as_deref(), Some("Nữ"));
        assert_eq!(d.father_name.as_deref(), Some("Nguyễn Văn Bình"));
        assert_eq!(d.mother_name.as_deref(), Some("Trần Thị Lan"));
        assert_eq!(d.old_id_number.as_deref(), Some("012345678"));
        assert_eq!(d.other.len(), 1);
        assert_eq!(d.other[0].number, 99);
        // Truncations: errors or partial data, never a panic.
        for len in 0..dg.len() {
            let _ = Dg13::parse(&dg[..len]);
        }
        assert!(Dg13::parse(&[0x6e, 0x00]).is_err());
    }
}
