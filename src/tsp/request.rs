//! Asking a time-stamping authority: the request kyso sends (RFC 3161 section 2.4.1) and
//! the source that carries it.

use der::Encode;

use crate::digest::Digest;
use crate::error::{Error, Malformed, Object};
use crate::oid::Oid;
use crate::tsp::asn1::{TimeStampReq, der_err, imprint_of, unsigned_int};

/// A time-stamping authority (RFC 3161): takes a request, returns the DER
/// `TimeStampResp`. kyso checks everything in the answer itself.
///
/// With the `http` feature, `HttpTimeStampSource` posts requests to a TSA URL; a closure
/// or a type of the caller's can reach a TSA any other way.
pub trait TimeStampSource: Send + Sync {
    /// Sends `request` to the TSA and returns its response.
    ///
    /// # Errors
    ///
    /// Implementations return what kept them from getting an answer: `HttpTimeStampSource`
    /// returns [`Error::Http`] with the [`HttpFailure`](crate::error::HttpFailure) (timeout, too
    /// many redirects, body too large, a status other than 200, unusable URL, failed
    /// connection). kyso checks the response itself, so a source need not.
    fn timestamp(&self, request: &TimeStampRequest) -> Result<Vec<u8>, Error>;
}

impl<F> TimeStampSource for F
where
    F: Fn(&TimeStampRequest) -> Result<Vec<u8>, Error> + Send + Sync,
{
    fn timestamp(&self, request: &TimeStampRequest) -> Result<Vec<u8>, Error> {
        self(request)
    }
}

/// A timestamp request (RFC 3161 section 2.4.1).
#[derive(Clone, Debug)]
pub struct TimeStampRequest {
    der: Vec<u8>,
    imprint: Digest,
    nonce: Option<Vec<u8>>,
}

impl TimeStampRequest {
    /// A request to stamp `imprint` (the hash of what is stamped), with an optional nonce
    /// (big-endian unsigned bytes), asking for the TSA's certificate in the token when
    /// `cert_req`, under an optional TSA policy.
    ///
    /// # Errors
    ///
    /// [`EncodingError::Malformed`](crate::error::EncodingError::Malformed) with [`Object::TimeStamp`](crate::error::Object::TimeStamp) and
    /// [`Malformed::InvalidDer`](crate::error::Malformed::InvalidDer) if the request cannot be
    /// DER-encoded, which happens only for a nonce over 4 GiB, and with
    /// [`Malformed::InvalidValue`](crate::error::Malformed::InvalidValue) (`reqPolicy`) for a
    /// policy OID longer than the 39 encoded bytes kyso's DER encoder holds.
    pub fn new(
        imprint: &Digest,
        nonce: Option<&[u8]>,
        cert_req: bool,
        policy: Option<&Oid>,
    ) -> Result<Self, Error> {
        let policy = match policy {
            Some(p) => Some(p.to_der().ok_or_else(|| {
                Error::malformed(
                    Object::TimeStamp,
                    Malformed::InvalidValue { field: "reqPolicy" },
                )
            })?),
            None => None,
        };
        let nonce_int = match nonce {
            Some(n) => Some(unsigned_int(n)?),
            None => None,
        };
        let req = TimeStampReq {
            version: 1,
            message_imprint: imprint_of(imprint)?,
            req_policy: policy,
            nonce: nonce_int,
            cert_req,
        };
        Ok(TimeStampRequest {
            der: req.to_der().map_err(der_err)?,
            imprint: imprint.clone(),
            nonce: nonce.map(<[u8]>::to_vec),
        })
    }

    /// The DER request, to send as `application/timestamp-query`.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The imprint asked for.
    pub fn imprint(&self) -> &Digest {
        &self.imprint
    }

    /// The nonce sent, if any.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::DigestAlgorithm;
    use crate::tsp::asn1::unsigned_int;

    #[test]
    fn nonces_encode_as_non_negative_integers() {
        assert_eq!(unsigned_int(&[0x80]).unwrap().as_bytes(), &[0x00, 0x80]);
        assert_eq!(unsigned_int(&[0x00, 0x01]).unwrap().as_bytes(), &[0x01]);
        assert_eq!(unsigned_int(&[]).unwrap().as_bytes(), &[0x00]);
        let d = crate::digest::digest(DigestAlgorithm::Sha256, b"x");
        assert!(TimeStampRequest::new(&d, Some(&[1, 2, 3]), true, None).is_ok());
    }
}
