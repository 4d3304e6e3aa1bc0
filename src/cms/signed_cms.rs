//! A CMS `SignedData` (RFC 5652 section 5) read from DER, PEM or base64.

use crate::error::EncodingError;
use base64::Engine as _;
use der::{Decode, Encode};

use crate::cert::Certificate;
use crate::cms::attributes::{ID_DATA, ID_RI_OCSP_RESPONSE, ID_SIGNED_DATA};
use crate::cms::signed_data::{ContentInfoRef, SignedData};
use crate::error::{Error, Malformed, Object};
use crate::limits::{MAX_CMS_CERTIFICATES, MAX_CMS_REVOCATION_DATA, MAX_CMS_SIGNERS, MAX_CMS_SIZE};
use crate::oid::Oid;
use crate::path::VerificationCache;
use crate::revocation::{Crl, CrlStore, OcspResponse};
use crate::validate::Warning;

/// A signed document's signature: a CMS `ContentInfo` holding `SignedData`, detached (the
/// document travels separately) or enveloping (the document inside).
///
/// ```
/// let der = std::fs::read("test-vectors/cms/openssl-rsa2048-detached.p7s")?;
/// let cms = kyso::SignedCms::parse(&der)?;
/// assert!(cms.is_detached());
/// assert_eq!(cms.signer_count(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct SignedCms {
    pub(crate) signed_data: SignedData,
    pub(crate) certificates: Vec<Certificate>,
    pub(crate) certificate_warnings: Vec<Warning>,
    pub(crate) crls: CrlStore,
    /// Warnings about the encoding as received (zero padding after it).
    pub(crate) parse_warnings: Vec<Warning>,
    /// Whether the input was BER rather than DER.
    pub(crate) was_ber: bool,
    /// Signed attributes received in another order than DER's.
    pub(crate) reordered_signed_attributes: Vec<crate::cms::walk::Reordered>,
    /// Each SignerInfo's parts as received, for an input read in DER (empty otherwise).
    pub(crate) signer_octets: Vec<crate::cms::walk::SignerOctets>,
}

impl SignedCms {
    /// Reads a signature in any of the usual forms: DER, PEM (`CMS`, `PKCS7` or
    /// `PKCS #7 SIGNED DATA` label), or bare base64 of the DER.
    ///
    /// # Errors
    ///
    /// [`EncodingError::TooLarge`] with [`Object::Cms`] for input over [`MAX_CMS_SIZE`],
    /// [`EncodingError::Malformed`] with [`Object::Cms`] and [`Malformed::Empty`] for empty input,
    /// and otherwise those of [`SignedCms::from_pem`] (text holding a PEM boundary),
    /// [`SignedCms::from_der`] (input starting with a SEQUENCE tag) or
    /// [`SignedCms::from_base64`] (anything else).
    pub fn parse(input: &[u8]) -> Result<Self, Error> {
        SignedCms::parse_with(input, None)
    }

    /// [`SignedCms::parse`], taking the embedded certificates already parsed from `cache`
    /// (and leaving there those parsed now).
    ///
    /// # Errors
    ///
    /// Those of [`SignedCms::parse`].
    pub fn parse_with_cache(input: &[u8], cache: &VerificationCache) -> Result<Self, Error> {
        SignedCms::parse_with(input, Some(cache))
    }

    pub(crate) fn parse_with(
        input: &[u8],
        cache: Option<&VerificationCache>,
    ) -> Result<Self, Error> {
        check_size(input)?;
        if crate::pem::looks_like_pem(input) {
            return SignedCms::from_pem(input);
        }
        match input.first() {
            Some(0x30) => SignedCms::from_der_with(input, cache),
            Some(_) => SignedCms::from_base64(input),
            None => Err(Error::malformed(Object::Cms, Malformed::Empty)),
        }
    }

    /// Reads a `ContentInfo` in DER or BER (RFC 5652 allows BER: indefinite lengths, eContent
    /// in chunks, as streaming producers write). Zero bytes after it (a PDF `/Contents`
    /// padding) are ignored with [`Warning::TrailingZeroBytes`]; other trailing bytes are an
    /// error. The signed attributes of each SignerInfo must be DER, as their signature
    /// covers their DER encoding (RFC 5652 section 5.4), but for the order of their
    /// elements: attributes in another order are verified over the order received, then
    /// over the DER order, with [`Warning::SignedAttributesNotInDerOrder`]. (Those of
    /// counter-signatures and of timestamp tokens in unsigned attributes are read after
    /// the rewrite into DER.)
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`] with [`Object::Cms`] for input over [`MAX_CMS_SIZE`], more than
    ///   [`MAX_CMS_ELEMENTS`](crate::limits::MAX_CMS_ELEMENTS) elements, nesting deeper than
    ///   [`MAX_CMS_DEPTH`](crate::limits::MAX_CMS_DEPTH), or more than [`MAX_CMS_SIGNERS`]
    ///   SignerInfos, [`MAX_CMS_CERTIFICATES`] certificates or [`MAX_CMS_REVOCATION_DATA`]
    ///   revocation data items.
    /// - [`EncodingError::Malformed`] with [`Object::Cms`]: empty input ([`Malformed::Empty`]),
    ///   bytes other than zeros after the ContentInfo ([`Malformed::TrailingData`]), not a
    ///   BER `ContentInfo` holding a `SignedData` ([`Malformed::InvalidDer`]), or
    ///   ([`Malformed::InvalidValue`]) a contentType other than id-signedData, signed
    ///   attributes not in DER (RFC 5652 section 5.4), or an eContent that is not an OCTET
    ///   STRING (RFC 5652 section 5.2).
    ///
    /// Embedded certificates, CRLs and OCSP responses that cannot be read are skipped with a
    /// warning, not an error.
    pub fn from_der(der_bytes: &[u8]) -> Result<Self, Error> {
        SignedCms::from_der_with(der_bytes, None)
    }

    fn from_der_with(der_bytes: &[u8], cache: Option<&VerificationCache>) -> Result<Self, Error> {
        check_size(der_bytes)?;
        if der_bytes.is_empty() {
            return Err(Error::malformed(Object::Cms, Malformed::Empty));
        }
        let (der, trailing) = crate::ber::to_der(der_bytes, Object::Cms)?;
        let trailing_zeros = crate::cms::walk::trailing_len(trailing);
        // Most signatures are DER in the shapes real producers write: one pass reads them.
        if let std::borrow::Cow::Borrowed(plain) = der
            && let Some(read) = crate::cms::signed_data::fast_content_info(plain)
        {
            let mut cms = SignedCms::from_signed_data_with(
                read.signed_data,
                Some(&read.certificates),
                cache,
            )?;
            if trailing_zeros > 0 {
                cms.parse_warnings.push(Warning::TrailingZeroBytes {
                    count: trailing_zeros,
                });
            }
            return Ok(cms);
        }
        let prepared = crate::cms::walk::prepare_rewritten(der_bytes, der, trailing)?;
        let info = ContentInfoRef::from_der(&prepared.der).map_err(|e| {
            if matches!(e.kind(), der::ErrorKind::TrailingData { .. }) {
                Error::malformed(Object::Cms, Malformed::TrailingData)
            } else {
                Error::invalid_der(Object::Cms)
            }
        })?;
        if info.content_type != ID_SIGNED_DATA {
            return Err(Error::malformed(
                Object::Cms,
                Malformed::InvalidValue {
                    field: "contentType (not id-signedData)",
                },
            ));
        }
        let signed_data = SignedData::decode_content(&info.content)
            .map_err(|_| Error::invalid_der(Object::Cms))?;
        let mut cms = SignedCms::from_signed_data_with(signed_data, None, cache)?;
        if prepared.trailing_zeros > 0 {
            cms.parse_warnings.push(Warning::TrailingZeroBytes {
                count: prepared.trailing_zeros,
            });
        }
        cms.was_ber = prepared.was_ber;
        cms.reordered_signed_attributes = prepared.reordered_signed_attributes;
        cms.signer_octets = prepared.signer_octets;
        Ok(cms)
    }

    /// Reads PEM text with a `CMS`, `PKCS7` or `PKCS #7 SIGNED DATA` block.
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`] with [`Object::Pem`] for text over
    ///   [`MAX_PEM_SIZE`](crate::limits::MAX_PEM_SIZE).
    /// - [`EncodingError::Malformed`] with [`Object::Pem`]: a damaged block
    ///   ([`Malformed::InvalidBase64`], [`Malformed::InvalidPemFraming`]), no block
    ///   ([`Malformed::NoPemBlock`]), or a first block with another label
    ///   ([`Malformed::UnexpectedPemLabel`]).
    /// - Those of [`SignedCms::from_der`] for the block's contents.
    pub fn from_pem(pem_text: &[u8]) -> Result<Self, Error> {
        let blocks = crate::pem::parse_blocks(pem_text)?;
        let block = blocks
            .into_iter()
            .next()
            .ok_or(Error::malformed(Object::Pem, Malformed::NoPemBlock))?;
        match block.tag() {
            "CMS" | "PKCS7" | "PKCS #7 SIGNED DATA" => SignedCms::from_der(block.contents()),
            other => Err(Error::malformed(
                Object::Pem,
                Malformed::UnexpectedPemLabel {
                    found: other.to_owned(),
                },
            )),
        }
    }

    /// Reads base64 of the DER (white space between characters is ignored).
    ///
    /// # Errors
    ///
    /// [`EncodingError::TooLarge`] with [`Object::Cms`] for text over [`MAX_CMS_SIZE`],
    /// [`EncodingError::Malformed`] with [`Object::Cms`] and [`Malformed::InvalidBase64`] if the text
    /// is not standard padded base64, and otherwise those of [`SignedCms::from_der`].
    pub fn from_base64(text: &[u8]) -> Result<Self, Error> {
        check_size(text)?;
        let compact: Vec<u8> = text
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        let der_bytes = base64::engine::general_purpose::STANDARD
            .decode(&compact)
            .map_err(|_| Error::malformed(Object::Cms, Malformed::InvalidBase64))?;
        SignedCms::from_der(&der_bytes)
    }

    pub(crate) fn from_signed_data(signed_data: SignedData) -> Result<Self, Error> {
        SignedCms::from_signed_data_with(signed_data, None, None)
    }

    /// `encoded`: the encoding of each certificate of `signed_data.certificates` in the
    /// same order, where the input held them already (else each is encoded again).
    fn from_signed_data_with(
        signed_data: SignedData,
        encoded: Option<&[&[u8]]>,
        cache: Option<&VerificationCache>,
    ) -> Result<Self, Error> {
        // RFC 5652 section 5.2: eContent is an OCTET STRING whatever the content type.
        if let Some(content) = &signed_data.encap_content_info.econtent
            && der::Tagged::tag(content) != der::Tag::OctetString
        {
            return Err(Error::malformed(
                Object::Cms,
                Malformed::InvalidValue {
                    field: "eContent (not an OCTET STRING)",
                },
            ));
        }
        let signer_count = signed_data.signer_infos.len();
        if signer_count > MAX_CMS_SIGNERS {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::Cms,
                limit: MAX_CMS_SIGNERS,
                actual: signer_count,
            }));
        }
        let mut certificates = Vec::new();
        let mut certificate_warnings = Vec::new();
        if let Some(set) = &signed_data.certificates {
            if set.len() > MAX_CMS_CERTIFICATES {
                return Err(Error::Encoding(EncodingError::TooLarge {
                    object: Object::Cms,
                    limit: MAX_CMS_CERTIFICATES,
                    actual: set.len(),
                }));
            }
            for (i, choice) in set.iter().enumerate() {
                // CertificateChoices: a plain certificate is a SEQUENCE; the other choices
                // (obsolete extended and attribute certificates, other formats) are tagged.
                if der::Tagged::tag(choice) != der::Tag::Sequence {
                    certificate_warnings.push(Warning::EmbeddedCertificateSkipped {
                        reason: "of another format".to_owned(),
                    });
                    continue;
                }
                let received = encoded.and_then(|all| all.get(i).copied());
                let encoding = match received {
                    Some(octets) => Ok(std::borrow::Cow::Borrowed(octets)),
                    None => choice
                        .to_der()
                        .map(std::borrow::Cow::Owned)
                        .map_err(|_| Error::invalid_der(Object::Certificate)),
                };
                let parsed = encoding.and_then(|d| match cache {
                    Some(c) => c.certificate(&d),
                    None => Certificate::from_der(&d),
                });
                match parsed {
                    Ok(cert) => certificates.push(cert),
                    Err(e) => certificate_warnings.push(Warning::EmbeddedCertificateSkipped {
                        reason: e.to_string(),
                    }),
                }
            }
        }
        let mut crls = CrlStore::new();
        if let Some(set) = &signed_data.crls {
            if set.len() > MAX_CMS_REVOCATION_DATA {
                return Err(Error::Encoding(EncodingError::TooLarge {
                    object: Object::Cms,
                    limit: MAX_CMS_REVOCATION_DATA,
                    actual: set.len(),
                }));
            }
            for choice in set.iter() {
                match read_revocation_choice(choice) {
                    Some(Ok(Revocation::Crl(crl))) => crls.add(crl),
                    Some(Ok(Revocation::Ocsp(response))) => crls.add_ocsp(response),
                    Some(Err(e)) => {
                        certificate_warnings.push(Warning::EmbeddedRevocationDataSkipped {
                            reason: e.to_string(),
                        });
                    }
                    None => certificate_warnings.push(Warning::EmbeddedRevocationDataSkipped {
                        reason: "of another format".to_owned(),
                    }),
                }
            }
        }
        Ok(SignedCms {
            signed_data,
            certificates,
            certificate_warnings,
            crls,
            parse_warnings: Vec::new(),
            was_ber: false,
            reordered_signed_attributes: Vec::new(),
            signer_octets: Vec::new(),
        })
    }

    /// The DER encoding of the `ContentInfo`.
    ///
    /// # Errors
    ///
    /// [`EncodingError::Malformed`] with [`Object::Cms`]: [`Malformed::InvalidDer`] if the DER
    /// encoder refuses the structure (a length over 4 GiB); [`Malformed::InvalidValue`] for a
    /// signature read with signed attributes out of DER order, which the encoder would
    /// reorder.
    pub fn to_der(&self) -> Result<Vec<u8>, Error> {
        if !self.reordered_signed_attributes.is_empty() {
            // The encoder writes SET OF in DER order, which would change the bytes a
            // producer signed in the order it wrote them.
            return Err(Error::malformed(
                Object::Cms,
                Malformed::InvalidValue {
                    field: "signedAttrs (received out of DER order; re-encoding would change them)",
                },
            ));
        }
        let content = der::Any::encode_from(&self.signed_data)
            .map_err(|_| Error::invalid_der(Object::Cms))?;
        cms::content_info::ContentInfo {
            content_type: ID_SIGNED_DATA,
            content,
        }
        .to_der()
        .map_err(|_| Error::invalid_der(Object::Cms))
    }

    /// PEM text with the `CMS` label (RFC 7468 section 9).
    ///
    /// # Errors
    ///
    /// Those of [`SignedCms::to_der`].
    pub fn to_pem(&self) -> Result<String, Error> {
        let block = pem::Pem::new("CMS", self.to_der()?);
        Ok(pem::encode_config(
            &block,
            pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
        ))
    }

    /// Whether the document is outside the signature (detached).
    pub fn is_detached(&self) -> bool {
        self.signed_data.encap_content_info.econtent.is_none()
    }

    /// The content inside the signature (the document, for an enveloping signature).
    pub fn content(&self) -> Option<&[u8]> {
        let any = self.signed_data.encap_content_info.econtent.as_ref()?;
        Some(any.value())
    }

    /// Whether the encapsulated content type is id-data.
    pub fn is_data(&self) -> bool {
        self.signed_data.encap_content_info.econtent_type == ID_DATA
    }

    /// The content type of the signed content (id-data for a document).
    pub fn content_type(&self) -> Oid {
        Oid::from_der(&self.signed_data.encap_content_info.econtent_type)
    }

    /// The number of signers (SignerInfos).
    pub fn signer_count(&self) -> usize {
        self.signed_data.signer_infos.len()
    }

    /// The certificates carried in the signature that kyso could read, in encoding order.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certificates
    }

    /// The CRLs carried in the signature (used by the verifier for revocation).
    pub fn crls(&self) -> &CrlStore {
        &self.crls
    }

    /// The digest algorithms the signers use (the ones kyso knows), without repeats.
    pub fn digest_algorithms(&self) -> Vec<crate::digest::DigestAlgorithm> {
        let mut out = Vec::new();
        for si in self.signed_data.signer_infos.iter() {
            if let Ok(d) = crate::digest::DigestAlgorithm::from_der_oid(&si.digest_algorithm())
                && !out.contains(&d)
            {
                out.push(d);
            }
        }
        out
    }
}

fn check_size(input: &[u8]) -> Result<(), Error> {
    if input.len() > MAX_CMS_SIZE {
        return Err(Error::Encoding(EncodingError::TooLarge {
            object: Object::Cms,
            limit: MAX_CMS_SIZE,
            actual: input.len(),
        }));
    }
    Ok(())
}

pub(crate) enum Revocation {
    Crl(Crl),
    Ocsp(OcspResponse),
}

/// One `RevocationInfoChoice`: a CRL (a SEQUENCE), or `[1] OtherRevocationInfoFormat`
/// holding an OCSPResponse (RFC 5940, id-ri-ocsp-response). `None` for other formats.
fn read_revocation_choice(choice: &der::Any) -> Option<Result<Revocation, Error>> {
    let tag = der::Tagged::tag(choice);
    if tag == der::Tag::Sequence {
        return Some(
            choice
                .to_der()
                .map_err(|_| Error::invalid_der(Object::Crl))
                .and_then(|d| Crl::from_der(&d))
                .map(Revocation::Crl),
        );
    }
    if !matches!(tag, der::Tag::ContextSpecific { constructed: true, number } if number.value() == 1)
    {
        return None;
    }
    let read = || -> der::Result<(der::asn1::ObjectIdentifier, Vec<u8>)> {
        use der::Reader;
        let mut reader = der::SliceReader::new(choice.value())?;
        let format = der::asn1::ObjectIdentifier::decode(&mut reader)?;
        let info = reader.tlv_bytes()?.to_vec();
        reader.finish()?;
        Ok((format, info))
    };
    match read() {
        Ok((format, info)) if format == ID_RI_OCSP_RESPONSE => {
            Some(OcspResponse::from_der(&info).map(Revocation::Ocsp))
        }
        Ok(_) => None,
        Err(_) => Some(Err(Error::invalid_der(Object::Ocsp))),
    }
}

/// The `RevocationInfoChoice` for an OCSP response: `[1] IMPLICIT OtherRevocationInfoFormat
/// { id-ri-ocsp-response, OCSPResponse }`.
pub(crate) fn ocsp_revocation_choice(response: &OcspResponse) -> Result<der::Any, Error> {
    let bad = |_| Error::invalid_der(Object::Cms);
    let mut value = ID_RI_OCSP_RESPONSE.to_der().map_err(bad)?;
    value.extend_from_slice(response.der());
    der::Any::new(
        der::Tag::ContextSpecific {
            constructed: true,
            number: der::TagNumber(1),
        },
        value,
    )
    .map_err(bad)
}
