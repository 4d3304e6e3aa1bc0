//! PEM text (RFC 7468), read with the `pem` crate under kyso's size bounds.

use crate::error::EncodingError;
use crate::error::{Error, Malformed, Object};
use crate::limits::MAX_PEM_SIZE;

/// Whether `data` is text holding a PEM boundary (possibly after other text, as in
/// `openssl x509 -text` output), rather than DER, which always starts with a SEQUENCE tag.
pub(crate) fn looks_like_pem(data: &[u8]) -> bool {
    data.first() != Some(&0x30) && data.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Every PEM block in `data`, in order. Text between blocks (such as OpenSSL's
/// human-readable dumps) is ignored; a block that is damaged is an error.
pub(crate) fn parse_blocks(data: &[u8]) -> Result<Vec<pem::Pem>, Error> {
    if data.len() > MAX_PEM_SIZE {
        return Err(Error::Encoding(EncodingError::TooLarge {
            object: Object::Pem,
            limit: MAX_PEM_SIZE,
            actual: data.len(),
        }));
    }
    let blocks = pem::parse_many(data).map_err(|e| {
        let reason = match e {
            pem::PemError::InvalidData(_) => Malformed::InvalidBase64,
            _ => Malformed::InvalidPemFraming,
        };
        Error::malformed(Object::Pem, reason)
    })?;
    if blocks.is_empty() {
        return Err(Error::malformed(Object::Pem, Malformed::NoPemBlock));
    }
    Ok(blocks)
}
