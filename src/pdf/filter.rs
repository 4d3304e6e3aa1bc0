//! Decoding the streams kyso must read (cross-reference and object streams): `/FlateDecode`
//! through the `flate2` crate, then the PNG or TIFF predictor (ISO 32000-2 section 7.4.4.4),
//! within [`MAX_PDF_DECOMPRESSED`] and [`MAX_PDF_DECOMPRESSION_RATIO`].

use crate::pdf::wide;
use std::io::Read;

use crate::error::{PdfError, PdfLimit};
use crate::limits::{MAX_PDF_DECOMPRESSED, MAX_PDF_DECOMPRESSION_RATIO};
use crate::pdf::syntax::{Dict, Object};

/// Decodes `raw`, the data of a stream with dictionary `dict`.
pub(crate) fn decode(dict: &Dict, raw: &[u8]) -> Result<Vec<u8>, PdfError> {
    let filters: Vec<&[u8]> = match dict.get(b"Filter".as_slice()) {
        None | Some(Object::Null) => Vec::new(),
        Some(Object::Name(n)) => vec![n.as_slice()],
        Some(Object::Array(a)) => a
            .iter()
            .map(|o| {
                o.as_name()
                    .ok_or_else(|| unsupported("a /Filter that is not a name"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(unsupported("a /Filter that is not a name")),
    };
    let params: Option<&Dict> = match dict.get(b"DecodeParms".as_slice()) {
        None | Some(Object::Null) => None,
        Some(Object::Dict(d)) => Some(d),
        Some(Object::Array(a)) if a.len() <= 1 => match a.first() {
            Some(Object::Dict(d)) => Some(d),
            None | Some(Object::Null) => None,
            Some(_) => return Err(unsupported("/DecodeParms")),
        },
        Some(_) => return Err(unsupported("/DecodeParms")),
    };
    match filters.as_slice() {
        [] => {
            if params.is_some() {
                return Err(unsupported("/DecodeParms without a filter"));
            }
            Ok(raw.to_vec())
        }
        [b"FlateDecode"] => {
            let inflated = inflate(raw)?;
            match params {
                None => Ok(inflated),
                Some(p) => predict(p, inflated),
            }
        }
        [other] => Err(unsupported(&format!(
            "filter /{}",
            String::from_utf8_lossy(other)
        ))),
        _ => Err(unsupported("more than one filter")),
    }
}

fn unsupported(what: &str) -> PdfError {
    PdfError::UnsupportedFilter(what.to_string())
}

fn inflate(raw: &[u8]) -> Result<Vec<u8>, PdfError> {
    let limit = MAX_PDF_DECOMPRESSED.min(
        raw.len()
            .saturating_mul(MAX_PDF_DECOMPRESSION_RATIO)
            .saturating_add(1024 * 1024),
    );
    let mut out = Vec::new();
    let mut decoder = flate2::read::ZlibDecoder::new(raw).take(wide(limit) + 1);
    decoder
        .read_to_end(&mut out)
        .map_err(|_| PdfError::Malformed {
            offset: 0,
            reason: "a Flate stream does not decompress",
        })?;
    if out.len() > limit {
        return Err(PdfError::TooLarge {
            what: if limit < MAX_PDF_DECOMPRESSED {
                PdfLimit::DecompressionRatio
            } else {
                PdfLimit::Decompressed
            },
            limit: wide(limit),
        });
    }
    Ok(out)
}

fn param(p: &Dict, key: &[u8], default: i64) -> Result<i64, PdfError> {
    match p.get(key) {
        None => Ok(default),
        Some(Object::Integer(i)) => Ok(*i),
        Some(_) => Err(unsupported("a /DecodeParms value that is not an integer")),
    }
}

/// Undoes the predictor of `/DecodeParms` `p`.
fn predict(p: &Dict, data: Vec<u8>) -> Result<Vec<u8>, PdfError> {
    let predictor = param(p, b"Predictor", 1)?;
    if predictor == 1 {
        return Ok(data);
    }
    let colors = param(p, b"Colors", 1)?;
    let bits = param(p, b"BitsPerComponent", 8)?;
    let columns = param(p, b"Columns", 1)?;
    if !(1..=32).contains(&colors)
        || ![1, 2, 4, 8, 16].contains(&bits)
        || !(1..=65_536).contains(&columns)
    {
        return Err(unsupported("predictor parameters out of range"));
    }
    let bits_per_pixel = usize::try_from(colors * bits).unwrap_or(8);
    let row = usize::try_from(columns).unwrap_or(1) * bits_per_pixel;
    let row = row.div_ceil(8);
    let bpp = bits_per_pixel.div_ceil(8).max(1);
    match predictor {
        2 => {
            if bits != 8 {
                return Err(unsupported("TIFF predictor with other than 8 bits"));
            }
            let mut out = data;
            for line in out.chunks_mut(row) {
                for i in bpp..line.len() {
                    let left = line.get(i - bpp).copied().unwrap_or(0);
                    if let Some(b) = line.get_mut(i) {
                        *b = b.wrapping_add(left);
                    }
                }
            }
            Ok(out)
        }
        10..=15 => png(&data, row, bpp),
        _ => Err(unsupported("unknown predictor")),
    }
}

/// PNG predictors: each row starts with its filter type byte.
fn png(data: &[u8], row: usize, bpp: usize) -> Result<Vec<u8>, PdfError> {
    let stride = row + 1;
    if !data.len().is_multiple_of(stride) {
        return Err(PdfError::Malformed {
            offset: 0,
            reason: "PNG-predicted data is not a whole number of rows",
        });
    }
    let mut out: Vec<u8> = Vec::with_capacity(data.len() / stride * row);
    let mut prev = vec![0u8; row];
    for line in data.chunks(stride) {
        let (kind, bytes) = line.split_first().unwrap_or((&0, &[]));
        let mut cur = vec![0u8; row];
        for i in 0..row {
            let x = bytes.get(i).copied().unwrap_or(0);
            let a = if i >= bpp {
                cur.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let b = prev.get(i).copied().unwrap_or(0);
            let c = if i >= bpp {
                prev.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let v = match kind {
                0 => x,
                1 => x.wrapping_add(a),
                2 => x.wrapping_add(b),
                3 => x.wrapping_add(u8::try_from((u16::from(a) + u16::from(b)) / 2).unwrap_or(0)),
                4 => x.wrapping_add(paeth(a, b, c)),
                _ => {
                    return Err(PdfError::Malformed {
                        offset: 0,
                        reason: "unknown PNG filter type",
                    });
                }
            };
            if let Some(slot) = cur.get_mut(i) {
                *slot = v;
            }
        }
        out.extend_from_slice(&cur);
        prev = cur;
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let pa = (p - i16::from(a)).abs();
    let pb = (p - i16::from(b)).abs();
    let pc = (p - i16::from(c)).abs();
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
#[allow(clippy::as_conversions)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn flate_with_png_up() {
        // Two rows of three columns, filter type 2 (Up).
        let rows = [2u8, 1, 2, 3, 2, 1, 1, 1];
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        let _ = enc.write_all(&rows);
        let raw = enc.finish().unwrap_or_default();
        let mut parms = Dict::new();
        parms.insert(b"Predictor".to_vec(), Object::Integer(12));
        parms.insert(b"Columns".to_vec(), Object::Integer(3));
        let mut dict = Dict::new();
        dict.insert(b"Filter".to_vec(), Object::Name(b"FlateDecode".to_vec()));
        dict.insert(b"DecodeParms".to_vec(), Object::Dict(parms));
        assert_eq!(decode(&dict, &raw).ok(), Some(vec![1, 2, 3, 2, 3, 4]));
    }

    #[test]
    fn bombs_and_unknown_filters() {
        let zeros = vec![0u8; MAX_PDF_DECOMPRESSED + 1];
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let _ = enc.write_all(&zeros);
        let raw = enc.finish().unwrap_or_default();
        let mut dict = Dict::new();
        dict.insert(b"Filter".to_vec(), Object::Name(b"FlateDecode".to_vec()));
        assert!(matches!(
            decode(&dict, &raw),
            Err(PdfError::TooLarge {
                what: PdfLimit::Decompressed,
                ..
            })
        ));
        dict.insert(b"Filter".to_vec(), Object::Name(b"LZWDecode".to_vec()));
        assert!(matches!(
            decode(&dict, b""),
            Err(PdfError::UnsupportedFilter(_))
        ));
    }
}
