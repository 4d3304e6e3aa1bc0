//! Extending CMS signatures: CAdES-B-T (a signature timestamp over each signature value) and
//! CAdES-B-LT (the certificates and revocation data that validate them, embedded so the
//! signature can be validated later with no network and no outside data).
//!
//! Both return a new [`SignedCms`] and leave the one they were given as it was; nothing
//! signed changes (unsigned attributes, `SignedData.certificates` and `SignedData.crls`
//! are outside every signature).

use crate::error::SigningError;
use cms::content_info::CmsVersion;
use cms::signed_data::SignerInfo;

use crate::cms::signer_view::SignerInfoSet;
use der::asn1::SetOfVec;
use der::{Any, Decode};
use x509_cert::attr::Attribute;

use crate::cms::attributes::SIGNATURE_TIME_STAMP;
use crate::cms::signed_cms::{SignedCms, ocsp_revocation_choice};
use crate::cms::stamper::TimeStampStamper;
use crate::cms::verify::Verifier;
use crate::error::{Error, Object};
use crate::revocation::{Evidence, RevocationPolicy};

impl SignedCms {
    /// CAdES-B-T: adds a signature timestamp (unsigned attribute
    /// id-aa-signatureTimeStampToken) over the signature value of every signer that has
    /// none. Each token is checked by `stamper` before it is added; any failure leaves no
    /// partial result.
    ///
    /// # Errors
    ///
    /// Those of [`TimeStampStamper::stamp`], for the first signer whose timestamp fails.
    pub fn add_signature_timestamps(
        &self,
        stamper: &TimeStampStamper<'_>,
    ) -> Result<SignedCms, Error> {
        let mut signed_data = self.signed_data.clone();
        let mut infos: Vec<SignerInfo> = signed_data.signer_infos.typed().map_err(der_err)?;
        for si in &mut infos {
            let stamped = si
                .unsigned_attrs
                .iter()
                .flat_map(|set| set.iter())
                .any(|a| a.oid == SIGNATURE_TIME_STAMP);
            if stamped {
                continue;
            }
            let (token, _) = stamper.stamp(si.signature.as_bytes())?;
            let value = Any::from_der(token.der()).map_err(der_err)?;
            let attribute = Attribute {
                oid: SIGNATURE_TIME_STAMP,
                values: SetOfVec::try_from(vec![value]).map_err(der_err)?,
            };
            let mut attrs = si
                .unsigned_attrs
                .take()
                .map(SetOfVec::into_vec)
                .unwrap_or_default();
            attrs.push(attribute);
            si.unsigned_attrs = Some(SetOfVec::try_from(attrs).map_err(der_err)?);
        }
        signed_data.signer_infos = SignerInfoSet::from_typed(infos).map_err(der_err)?;
        let mut stamped = SignedCms::from_signed_data(signed_data)?;
        stamped
            .reordered_signed_attributes
            .clone_from(&self.reordered_signed_attributes);
        Ok(stamped)
    }

    /// CAdES-B-LT: validates every signer with `verifier`, revocation required for every
    /// certificate of each signer's chain and of each signature timestamp's TSA chain, and
    /// embeds what proved it: the certificates in `SignedData.certificates`, the CRLs and
    /// OCSP responses (RFC 5940 `id-ri-ocsp-response`) in `SignedData.crls`, as ETSI
    /// EN 319 122-1 places them for the B-LT level.
    ///
    /// The `document` is needed for detached signatures, as for [`Verifier::verify`]. Add
    /// the signature timestamps first: the validation data then covers the TSAs too.
    ///
    /// # Errors
    ///
    /// - [`SigningError::SignatureNotValid`] if a signer is not TOTAL-PASSED (a revocation status
    ///   that could not be found makes it INDETERMINATE / TRY_LATER).
    /// - [`SigningError::TimestampRequired`] if a signer has no signature timestamp that verifies.
    /// - [`EncodingError::TooLarge`](crate::error::EncodingError::TooLarge) with [`Object::Cms`] if the signature would then carry more than
    ///   [`MAX_CMS_CERTIFICATES`](crate::limits::MAX_CMS_CERTIFICATES) certificates or
    ///   [`MAX_CMS_REVOCATION_DATA`](crate::limits::MAX_CMS_REVOCATION_DATA) CRLs and OCSP
    ///   responses.
    /// - [`SigningError::LongTermValidationFailed`] if, with only the data it now carries, a signer
    ///   would not validate one day after the last of the certificates used expires.
    pub fn add_validation_data(
        &self,
        verifier: &Verifier<'_>,
        document: Option<&[u8]>,
    ) -> Result<SignedCms, Error> {
        let verifier = verifier.clone().revocation_required();
        let report = verifier.verify(self, document);
        let mut certificates: Vec<Any> = Vec::new();
        let mut revocation: Vec<Any> = Vec::new();
        let mut has_ocsp = false;
        for (signer, s) in report.signers.iter().enumerate() {
            if !s.is_passed() {
                return Err(Error::Signing(SigningError::SignatureNotValid {
                    signer,
                    indication: s.indication,
                    sub_indication: s.sub_indication,
                }));
            }
            if s.best_signature_time.is_none() {
                return Err(Error::Signing(SigningError::TimestampRequired { signer }));
            }
            for cert in &s.used_certificates {
                let any = Any::from_der(cert.der()).map_err(der_err)?;
                if !certificates.contains(&any) {
                    certificates.push(any);
                }
            }
            for evidence in &s.evidence {
                let any = match evidence {
                    Evidence::Crl(crl) => Any::from_der(crl.der()).map_err(der_err)?,
                    Evidence::Ocsp(response) => {
                        has_ocsp = true;
                        ocsp_revocation_choice(response)?
                    }
                };
                if !revocation.contains(&any) {
                    revocation.push(any);
                }
            }
        }
        let mut signed_data = self.signed_data.clone();
        let mut certs = signed_data
            .certificates
            .take()
            .map(SetOfVec::into_vec)
            .unwrap_or_default();
        for c in certificates {
            if !certs.contains(&c) {
                certs.push(c);
            }
        }
        if !certs.is_empty() {
            signed_data.certificates = Some(SetOfVec::try_from(certs).map_err(der_err)?);
        }
        let mut crls = signed_data
            .crls
            .take()
            .map(SetOfVec::into_vec)
            .unwrap_or_default();
        for r in revocation {
            if !crls.contains(&r) {
                crls.push(r);
            }
        }
        if !crls.is_empty() {
            signed_data.crls = Some(SetOfVec::try_from(crls).map_err(der_err)?);
        }
        // RFC 5652 section 5.1: version 5 when revocation data of another format is present.
        if has_ocsp {
            signed_data.version = CmsVersion::V5;
        }
        let mut extended = SignedCms::from_signed_data(signed_data)?;
        extended
            .reordered_signed_attributes
            .clone_from(&self.reordered_signed_attributes);

        // The point of B-LT: once every certificate has expired, with nothing but what the
        // signature carries, it still validates. Check exactly that before returning it.
        let latest = report
            .signers
            .iter()
            .flat_map(|s| s.used_certificates.iter())
            .map(|c| c.not_after())
            .max();
        if let Some(latest) = latest {
            let later = crate::time::Time::from_unix(latest.unix().saturating_add(86_400));
            let nothing = crate::revocation::CrlStore::new();
            let offline = verifier
                .offline_at(later)
                .with_revocation(RevocationPolicy::Required, &nothing);
            let check = offline.verify(&extended, document);
            for (signer, s) in check.signers.iter().enumerate() {
                if !s.is_passed() {
                    return Err(Error::Signing(SigningError::LongTermValidationFailed {
                        signer,
                        indication: s.indication,
                        sub_indication: s.sub_indication,
                    }));
                }
            }
        }
        Ok(extended)
    }
}

fn der_err(_: der::Error) -> Error {
    Error::invalid_der(Object::Cms)
}

impl Verifier<'_> {
    /// The same verifier with revocation required for every certificate.
    pub(crate) fn revocation_required(mut self) -> Self {
        self.revocation = RevocationPolicy::Required;
        self
    }

    /// The same verifier at `time`, with no revocation source of its own.
    pub(crate) fn offline_at(&self, time: crate::time::Time) -> Self {
        let mut v = self.clone();
        v.policy.time = crate::validate::ValidationTime::Given(time);
        v
    }
}
