//! RFC 5544 TimeStampedData: a document (held inside, or named by a URI) bound to a chain of
//! RFC 3161 timestamp tokens, the first over the document, each later one renewing the one
//! before over the DER encoding of its TimeStampAndCRL element (RFC 5544 section 4.2).

use crate::error::{EncodingError, TimestampError};
use der::Decode;

use crate::ber::Walk;
use crate::budget::Budget;
use crate::cms::timestamp_token::{TimeStampInfo, TimeStampToken, TsaContext};
use crate::digest::digest;
use crate::error::{Error, Malformed, Object};
use crate::key::AlgorithmPolicy;
use crate::limits::{MAX_CMS_SIZE, MAX_TIME_STAMPED_DATA_TOKENS};
use crate::path::TrustStore;
use crate::time::Time;

/// id-ct-timestampedData (RFC 5544 section 2).
const ID_CT_TIMESTAMPED_DATA: &str = "1.2.840.113549.1.9.16.1.31";

/// An RFC 5544 TimeStampedData, read but not yet verified.
///
/// ```
/// use kyso::cms::TimeStampedData;
/// use kyso::{Certificate, TrustStore};
/// let tsd = TimeStampedData::from_der(&std::fs::read("test-vectors/interop/tsp/tsd-two.tsd")?)?;
/// assert_eq!(tsd.tokens().len(), 2);
/// let anchors = TrustStore::from_pem(&std::fs::read("test-vectors/pki/root-ca.pem")?)?;
/// let now = kyso::Time::from_utc(2027, 1, 1, 0, 0, 0)?;
/// let infos = tsd.verify(&anchors, None, &kyso::key::AlgorithmPolicy::default(), now)?;
/// assert!(infos[0].gen_time <= infos[1].gen_time);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct TimeStampedData {
    data_uri: Option<String>,
    file_name: Option<String>,
    content: Option<Vec<u8>>,
    tokens: Vec<TimeStampToken>,
    /// The DER of each TimeStampAndCRL element, what the next token stamps.
    elements: Vec<Vec<u8>>,
}

fn bad(field: &'static str) -> Error {
    Error::malformed(Object::TimeStamp, Malformed::InvalidValue { field })
}

impl TimeStampedData {
    /// Reads a ContentInfo of type id-ct-timestampedData, in DER or BER.
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`] with [`Object::TimeStamp`] for input over
    ///   [`MAX_CMS_SIZE`] or more than [`MAX_TIME_STAMPED_DATA_TOKENS`] tokens.
    /// - [`EncodingError::Malformed`] with [`Object::TimeStamp`]: not a BER ContentInfo
    ///   holding a TimeStampedData ([`Malformed::InvalidDer`]); or
    ///   ([`Malformed::InvalidValue`]) another content type, temporal evidence other than
    ///   timestamp tokens (an evidence record), metaData with hashProtected (the imprint
    ///   then covers the metadata too, which kyso does not compute).
    /// - Those of [`TimeStampToken::from_der`] for each token.
    pub fn from_der(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_CMS_SIZE {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::TimeStamp,
                limit: MAX_CMS_SIZE,
                actual: bytes.len(),
            }));
        }
        let (der_bytes, _) = crate::ber::to_der(bytes, Object::TimeStamp)?;
        let info = cms::content_info::ContentInfo::from_der(&der_bytes)
            .map_err(|_| Error::invalid_der(Object::TimeStamp))?;
        if info.content_type.to_string() != ID_CT_TIMESTAMPED_DATA {
            return Err(bad("contentType (not id-ct-timestampedData)"));
        }
        if der::Tagged::tag(&info.content) != der::Tag::Sequence {
            return Err(Error::invalid_der(Object::TimeStamp));
        }
        // The SEQUENCE's contents.
        let contents = info.content.value();
        // TimeStampedData ::= SEQUENCE { version INTEGER { v1(1) }, dataUri IA5String
        // OPTIONAL, metaData MetaData OPTIONAL, content OCTET STRING OPTIONAL,
        // temporalEvidence Evidence }, read field by field in order.
        let invalid = || Error::invalid_der(Object::TimeStamp);
        let walk = Walk::new(Object::TimeStamp);
        let mut fields = walk.children(contents, 1)?.into_iter().peekable();
        match fields.next() {
            Some(v) if v.whole == [0x02, 0x01, 0x01] => {}
            Some(v) if v.first == 0x02 => return Err(bad("version (not v1)")),
            _ => return Err(invalid()),
        }
        let mut data_uri = None;
        if let Some(f) = fields.next_if(|f| f.first == 0x16) {
            let text = std::str::from_utf8(f.contents).map_err(|_| invalid())?;
            if !text.is_ascii() {
                return Err(invalid());
            }
            data_uri = Some(text.to_owned());
        }
        let mut file_name = None;
        if let Some(meta) = fields.next_if(|f| f.first == 0x30) {
            // MetaData ::= SEQUENCE { hashProtected BOOLEAN, fileName UTF8String OPTIONAL,
            // mediaType IA5String OPTIONAL, otherMetaData Attributes OPTIONAL }
            let parts = walk.children(meta.contents, 2)?;
            match parts.first().map(|p| p.whole) {
                Some([0x01, 0x01, 0x00]) => {}
                // With hashProtected the imprint covers the metadata too, which kyso does
                // not compute.
                Some([0x01, 0x01, 0xff]) => return Err(bad("metaData (hashProtected)")),
                _ => return Err(invalid()),
            }
            if let Some(name) = parts.get(1).filter(|p| p.first == 0x0c) {
                file_name = Some(
                    std::str::from_utf8(name.contents)
                        .map_err(|_| invalid())?
                        .to_owned(),
                );
            }
        }
        let content = fields
            .next_if(|f| f.first == 0x04)
            .map(|f| f.contents.to_vec());
        let evidence = fields.next().ok_or_else(invalid)?;
        if fields.next().is_some() {
            return Err(invalid());
        }
        match evidence.first {
            0xa0 => {}
            0xa1 | 0xa2 => return Err(bad("temporalEvidence (not timestamp tokens)")),
            _ => return Err(invalid()),
        }
        // TimeStampTokenEvidence ::= SEQUENCE SIZE(1..MAX) OF TimeStampAndCRL, each
        // SEQUENCE { timeStamp TimeStampToken, crl CertificateList OPTIONAL }.
        let list = walk.children(evidence.contents, 2)?;
        if list.is_empty() {
            return Err(bad("temporalEvidence (empty)"));
        }
        if list.len() > MAX_TIME_STAMPED_DATA_TOKENS {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::TimeStamp,
                limit: MAX_TIME_STAMPED_DATA_TOKENS,
                actual: list.len(),
            }));
        }
        let mut tokens = Vec::with_capacity(list.len());
        let mut elements = Vec::with_capacity(list.len());
        for element in list {
            if element.first != 0x30 {
                return Err(invalid());
            }
            let parts = walk.children(element.contents, 3)?;
            let token = match parts.as_slice() {
                [token] | [token, _] => token,
                _ => return Err(invalid()),
            };
            tokens.push(TimeStampToken::from_der(token.whole)?);
            elements.push(element.whole.to_vec());
        }
        Ok(TimeStampedData {
            data_uri,
            file_name,
            content,
            tokens,
            elements,
        })
    }

    /// The document held inside, if any.
    pub fn content(&self) -> Option<&[u8]> {
        self.content.as_deref()
    }

    /// The URI naming the document when it is not held inside (RFC 5544 section 2).
    pub fn data_uri(&self) -> Option<&str> {
        self.data_uri.as_deref()
    }

    /// The file name the metadata gives, if any.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The timestamp tokens, the first over the document, each later one renewing the one
    /// before.
    pub fn tokens(&self) -> &[TimeStampToken] {
        &self.tokens
    }

    /// Verifies the chain of tokens at `time`, with the TSA anchors `anchors`: the first
    /// stamps the document (held inside, or `data`), each later one the DER of the
    /// TimeStampAndCRL element before it and no earlier than it. Each token's TSA path is
    /// validated at the genTime of the token that renews it, the last one's at `time` (RFC
    /// 4998's rule for renewed evidence: a token vouches for the one before only while that
    /// one still held). Every signature check of the call is charged to one budget.
    /// Returns what each token says, in order; the first genTime is when the document is
    /// proven to have existed.
    ///
    /// # Errors
    ///
    /// - [`TimestampError::DataMissing`] if there is no content inside and `data` is
    ///   `None`; [`TimestampError::ContentMismatch`] if both are there and differ.
    /// - [`TimestampError::InTimeStampedData`] with the token's index and the error of
    ///   [`TimeStampToken::verify`] (an imprint that is not the document's or the previous
    ///   element's is [`TimestampError::ImprintMismatch`] there).
    /// - [`TimestampError::RenewalNotLater`] if a renewal's genTime is before the genTime
    ///   of the token it renews; [`TimestampError::AfterValidationTime`] if the last one's
    ///   is after `time`.
    pub fn verify(
        &self,
        anchors: &TrustStore,
        data: Option<&[u8]>,
        algorithms: &AlgorithmPolicy,
        time: Time,
    ) -> Result<Vec<TimeStampInfo>, Error> {
        let document = match (self.content.as_deref(), data) {
            (Some(inside), Some(given)) if inside != given => {
                return Err(Error::Timestamp(TimestampError::ContentMismatch));
            }
            (Some(inside), _) => inside,
            (None, Some(given)) => given,
            (None, None) => return Err(Error::Timestamp(TimestampError::DataMissing)),
        };
        let budget = Budget::default();
        let mut infos: Vec<TimeStampInfo> = Vec::with_capacity(self.tokens.len());
        for (index, token) in self.tokens.iter().enumerate() {
            let in_chain = |reason: Error| {
                Error::Timestamp(TimestampError::InTimeStampedData {
                    index,
                    reason: Box::new(reason),
                })
            };
            let covered = match index.checked_sub(1) {
                None => document,
                Some(previous) => self
                    .elements
                    .get(previous)
                    .ok_or_else(|| in_chain(bad("temporalEvidence")))?,
            };
            if infos
                .last()
                .is_some_and(|p| token.gen_time_precise() < p.gen_time_precise)
            {
                return Err(Error::Timestamp(TimestampError::RenewalNotLater { index }));
            }
            let at = match self.tokens.get(index + 1) {
                Some(renewal) => renewal.gen_time(),
                None => {
                    if token.gen_time_precise().seconds() > time {
                        return Err(Error::Timestamp(TimestampError::AfterValidationTime {
                            index,
                        }));
                    }
                    time
                }
            };
            let algorithm = token.imprint_algorithm().map_err(in_chain)?;
            let context = TsaContext {
                budget: Some(&budget),
                validate_at: Some(at),
                ..TsaContext::default()
            };
            let info = token
                .verify_in(
                    anchors,
                    &digest(algorithm, covered),
                    None,
                    algorithms,
                    &context,
                )
                .map_err(in_chain)?;
            infos.push(info);
        }
        Ok(infos)
    }
}
