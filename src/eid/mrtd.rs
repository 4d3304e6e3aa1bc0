//! Passive authentication of chip ID cards and passports (ICAO Doc 9303 part 11, section
//! 5.1; part 10 for EF.SOD): the data groups read from the chip hash to the values in the
//! Document Security Object, whose CMS signature by a Document Signer chains to the
//! country's CSCA.

use crate::error::{ChipError, EncodingError, SignatureError};
use der::asn1::{OctetString, PrintableString};
use der::{Decode, Sequence};
use x509_cert::spki::AlgorithmIdentifierOwned;

use crate::cert::Certificate;
use crate::cms::{SignedCms, Verifier};
use crate::digest::{DigestAlgorithm, digest};
use crate::eid::{Mrz, issuing_state_country};
use crate::error::{Error, Malformed, Object};
use crate::key::AlgorithmPolicy;
use crate::limits::MAX_SOD_SIZE;
use crate::oid::Oid;
use crate::path::{KeyPurpose, TrustContext};
use crate::time::Time;
use crate::validate::{Indication, SignerReport, SubIndication, ValidationPolicy, Warning};

/// id-data (RFC 5652 section 4), the eContentType some states' EF.SODs carry.
const ID_DATA: &str = "1.2.840.113549.1.7.1";

/// id-icao-mrtd-security-ldsSecurityObject, and the older OID some documents still use.
const LDS_SECURITY_OBJECT: [&str; 2] = ["2.23.136.1.1.1", "1.3.27.1.1.1"];

/// `LDSSecurityObject ::= SEQUENCE { version, hashAlgorithm, dataGroupHashValues,
/// ldsVersionInfo OPTIONAL }`.
#[derive(Sequence)]
struct LdsSecurityObject {
    version: u8,
    hash_algorithm: AlgorithmIdentifierOwned,
    data_group_hash_values: Vec<DataGroupHash>,
    #[asn1(optional = "true")]
    lds_version_info: Option<LdsVersionInfo>,
}

#[derive(Sequence)]
struct DataGroupHash {
    data_group_number: u8,
    data_group_hash_value: OctetString,
}

#[derive(Sequence)]
struct LdsVersionInfo {
    lds_version: PrintableString,
    unicode_version: PrintableString,
}

/// A Document Security Object (EF.SOD), read but not yet verified.
#[derive(Clone, Debug)]
pub struct Sod {
    cms: SignedCms,
    hash_algorithm: DigestAlgorithm,
    hashes: Vec<(u8, Vec<u8>)>,
    lds_version: Option<(String, String)>,
    version: u8,
    /// The eContentType is id-data rather than an LDSSecurityObject's.
    content_type_id_data: bool,
}

fn bad(field: &'static str) -> Error {
    Error::malformed(Object::Sod, Malformed::InvalidValue { field })
}

impl Sod {
    /// Reads EF.SOD: the application tag `77` around a CMS ContentInfo (or the
    /// ContentInfo alone), in DER or BER, a SignedData of version 3 whose content is an
    /// LDSSecurityObject (version 0, or 1 with LDSVersionInfo). An eContentType of id-data
    /// instead of id-icao-mrtd-security-ldsSecurityObject, as some states write, is read
    /// as an LDSSecurityObject, and verification warns
    /// ([`Warning::SodContentTypeIdData`]).
    ///
    /// # Errors
    ///
    /// - [`EncodingError::TooLarge`] with [`Object::Sod`] for input over 256 KiB.
    /// - Those of [`SignedCms::from_der`] for the ContentInfo.
    /// - [`EncodingError::Malformed`] with [`Object::Sod`] and [`Malformed::InvalidValue`]: the tag
    ///   `77` does not hold exactly one element, the SignedData version is not 3 (ICAO 9303
    ///   part 10, section 4.6.2), the content type is neither
    ///   id-icao-mrtd-security-ldsSecurityObject, its older OID nor id-data, the content is absent,
    ///   the version is not 0 without LDSVersionInfo or 1 with it, a data group number is
    ///   outside 1 to 16 or repeated, or a hash is not as long as the hash algorithm's
    ///   output.
    /// - [`EncodingError::Malformed`] with [`Object::Sod`] and [`Malformed::InvalidDer`] if the
    ///   content is not a DER LDSSecurityObject.
    /// - [`SignatureError::UnsupportedAlgorithm`] if the data group hash algorithm is not SHA-1,
    ///   SHA-256, SHA-384 or SHA-512.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_SOD_SIZE {
            return Err(Error::Encoding(EncodingError::TooLarge {
                object: Object::Sod,
                limit: MAX_SOD_SIZE,
                actual: bytes.len(),
            }));
        }
        let content_info = match bytes.first() {
            // The wrapper may be BER too (an indefinite length).
            Some(0x77) => {
                let (wrapper, rest) = crate::ber::Walk::new(Object::Sod)
                    .element(bytes, 0)
                    .map_err(|_| bad("EF.SOD tag 77"))?;
                if wrapper.tag != [0x77] || !rest.is_empty() {
                    return Err(bad("EF.SOD tag 77"));
                }
                wrapper.contents
            }
            _ => bytes,
        };
        let cms = SignedCms::from_der(content_info)?;
        // ICAO 9303 part 10, section 4.6.2: SignedData version 3.
        if cms.signed_data.version != cms::content_info::CmsVersion::V3 {
            return Err(bad("SignedData version (not 3)"));
        }
        let content_type = cms.content_type();
        // Some states' documents label the LDSSecurityObject id-data; it is read as one,
        // with a warning.
        let content_type_id_data = content_type == Oid::known(ID_DATA);
        if !content_type_id_data && !LDS_SECURITY_OBJECT.iter().any(|t| content_type == *t) {
            return Err(bad("eContentType (not an LDSSecurityObject)"));
        }
        let content = cms
            .content()
            .ok_or_else(|| bad("LDSSecurityObject missing"))?;
        let lds =
            LdsSecurityObject::from_der(content).map_err(|_| Error::invalid_der(Object::Sod))?;
        if lds.version > 1 || (lds.version == 1) != lds.lds_version_info.is_some() {
            return Err(bad("LDSSecurityObject version"));
        }
        let hash_algorithm = DigestAlgorithm::from_der_oid(&lds.hash_algorithm.oid)?;
        let mut hashes: Vec<(u8, Vec<u8>)> = Vec::new();
        for h in lds.data_group_hash_values {
            let n = h.data_group_number;
            if !(1..=16).contains(&n) || hashes.iter().any(|(m, _)| *m == n) {
                return Err(bad("data group number"));
            }
            let value = h.data_group_hash_value.as_bytes().to_vec();
            if value.len() != hash_algorithm.output_len() {
                return Err(bad("data group hash length"));
            }
            hashes.push((n, value));
        }
        Ok(Sod {
            cms,
            hash_algorithm,
            hashes,
            lds_version: lds
                .lds_version_info
                .map(|v| (v.lds_version.to_string(), v.unicode_version.to_string())),
            version: lds.version,
            content_type_id_data,
        })
    }

    /// The hash algorithm of the data group hashes.
    pub fn hash_algorithm(&self) -> DigestAlgorithm {
        self.hash_algorithm
    }

    /// The data groups listed, with their hashes.
    pub fn data_group_hashes(&self) -> &[(u8, Vec<u8>)] {
        &self.hashes
    }

    /// The LDS and Unicode versions (LDSSecurityObject version 1).
    pub fn lds_version(&self) -> Option<(&str, &str)> {
        self.lds_version
            .as_ref()
            .map(|(a, b)| (a.as_str(), b.as_str()))
    }

    /// The LDSSecurityObject version (0 or 1).
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The certificates carried in the SOD (usually the Document Signer's).
    pub fn certificates(&self) -> &[Certificate] {
        self.cms.certificates()
    }
}

/// What passive authentication concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum PassiveAuthVerdict {
    /// The SOD's signature chains to a CSCA and every data group given matches it.
    Passed,
    /// A data group does not match (or is not listed), or the SOD's signature is wrong.
    Failed,
    /// The signature could not be checked: no path to a CSCA, a certificate out of its
    /// validity, and so on.
    Indeterminate,
    /// An algorithm or key kyso does not implement: never read as valid.
    Unsupported,
}

/// A data group's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum DataGroupStatus {
    /// Its hash is the SOD's.
    Matched,
    /// Its hash differs: the data was changed.
    Mismatched,
    /// The SOD lists it, and it was not given (not read, or withheld by access control).
    NotSupplied,
    /// It was given and the SOD does not list it: not covered by the signature.
    NotListed,
    /// The caller requires it ([`PassiveAuth::require_data_groups`]), and the SOD does not
    /// list it: the document does not have it.
    RequiredNotInDocument,
}

/// One data group's outcome.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct DataGroupResult {
    /// Its number (1 to 16).
    pub number: u8,
    /// The outcome.
    pub status: DataGroupStatus,
    /// Whether the caller requires it ([`PassiveAuth::require_data_groups`]).
    pub required: bool,
}

/// The result of passive authentication.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PassiveAuthReport {
    /// The verdict.
    pub verdict: PassiveAuthVerdict,
    /// Each data group listed or given, by number.
    pub data_groups: Vec<DataGroupResult>,
    /// The CMS verdict on the SOD's signature (signer, chain, every check).
    pub signature: SignerReport,
    /// The Document Signer's certificate, if found.
    pub document_signer: Option<Certificate>,
    /// The CSCA the chain ends at, if it validated.
    pub csca: Option<Certificate>,
    /// Whether the signers' certificates belong to the state that issued the document.
    pub issuing_state: IssuingStateCheck,
    /// Set when the algorithm policy refuses the hash algorithm of the data group hashes
    /// ([`SignatureError::DigestNotAllowed`]): the verdict is then at best Indeterminate.
    pub hash_algorithm_refused: Option<Error>,
    /// Things worth knowing that did not change the verdict.
    pub warnings: Vec<Warning>,
    /// The signature checks the verification made, of every kind, each distinct check
    /// counted once (see [`ValidationReport::signature_checks`](crate::ValidationReport::signature_checks)).
    pub signature_checks: usize,
}

impl PassiveAuthReport {
    /// Whether the verdict is [`PassiveAuthVerdict::Passed`]. A pass covers the data
    /// groups matched, not those [`PassiveAuthReport::unchecked_data_groups`] lists.
    pub fn is_passed(&self) -> bool {
        self.verdict == PassiveAuthVerdict::Passed
    }

    /// The data groups the SOD lists that were not given, so not checked: their content is
    /// vouched for by nothing in this report.
    pub fn unchecked_data_groups(&self) -> Vec<u8> {
        self.data_groups
            .iter()
            .filter(|r| r.status == DataGroupStatus::NotSupplied)
            .map(|r| r.number)
            .collect()
    }
}

/// Passive authentication with a CSCA trust store, at a validation time.
///
/// ```no_run
/// use kyso::eid::{PassiveAuth, Sod};
/// use kyso::{Revocation, Time, TrustContext, TrustStore};
/// let cscas = TrustStore::from_pem(&std::fs::read("csca-vn.pem")?)?;
/// let context = TrustContext::new(&cscas, Revocation::NotChecked);
/// let sod = Sod::parse(&std::fs::read("EF.SOD")?)?;
/// let dg1 = std::fs::read("DG1")?;
/// let dg13 = std::fs::read("DG13")?;
/// let report = PassiveAuth::new(&context, Time::now()).verify(&sod, &[(1, &dg1), (13, &dg13)]);
/// assert!(report.is_passed());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct PassiveAuth<'a> {
    context: TrustContext<'a>,
    time: Time,
    algorithms: AlgorithmPolicy,
    expected_state: Option<String>,
    any_state: bool,
    required_data_groups: Vec<u8>,
}

impl core::fmt::Debug for PassiveAuth<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PassiveAuth")
            .field("time", &self.time)
            .field("algorithms", &self.algorithms)
            .finish_non_exhaustive()
    }
}

impl<'a> PassiveAuth<'a> {
    /// Passive authentication against the CSCAs of `context` (its anchors; its revocation
    /// choice applies to the Document Signer, and its certificates are candidates: a
    /// Document Signer read separately, CSCA link certificates) at `time`. SHA-1 is accepted
    /// (documents issued years ago use it) under the legacy policy, and so are EC keys whose
    /// curve is given by explicit parameters (ICAO 9303 part 12 lets CSCAs and Document
    /// Signers spell their curves out); RSA keys of 2048 bits or more.
    pub fn new(context: &TrustContext<'a>, time: Time) -> Self {
        PassiveAuth {
            context: context.clone(),
            time,
            algorithms: AlgorithmPolicy::default()
                .allow_sha1_for_legacy_use_only()
                .accept_explicit_curve_parameters(),
            expected_state: None,
            any_state: false,
            required_data_groups: Vec::new(),
        }
    }

    /// The issuing state the document must be from (its ICAO code, `VNM`, `D`), as the
    /// reader knows it from the printed MRZ or the application. Without it, the issuing
    /// state is the one DG1 gives; with both, they must agree.
    #[must_use]
    pub fn expected_issuing_state(mut self, state: &str) -> Self {
        self.expected_state = Some(state.to_owned());
        self
    }

    /// Accepts a Document Signer and CSCA of any state, whatever state issued the
    /// document. Only for a trust store that holds one state's CSCAs (or where the caller
    /// binds the state itself): with a store built from a master list, any state's
    /// Document Signer could then vouch for another state's document.
    #[must_use]
    pub fn accept_any_issuing_state(mut self) -> Self {
        self.any_state = true;
        self
    }

    /// Data groups that must be listed in the SOD, given and matched for the verdict to be
    /// [`PassiveAuthVerdict::Passed`]: DG14 and DG15 hold the chip's keys for chip and
    /// active authentication (anti-cloning), DG1 the MRZ. A required group the SOD lists
    /// but that was not given leaves the verdict Indeterminate; one the SOD does not list
    /// fails it ([`DataGroupStatus::RequiredNotInDocument`] when not given,
    /// [`DataGroupStatus::NotListed`] when given). Numbers outside 1 to 16 are ignored.
    ///
    /// Without this, a data group the SOD lists and the caller does not give is reported
    /// [`DataGroupStatus::NotSupplied`] and does not change the verdict: it was not
    /// checked, and [`PassiveAuthReport::unchecked_data_groups`] lists it.
    #[must_use]
    pub fn require_data_groups(mut self, numbers: &[u8]) -> Self {
        for n in numbers {
            if (1..=16).contains(n) && !self.required_data_groups.contains(n) {
                self.required_data_groups.push(*n);
            }
        }
        self
    }

    /// Another algorithm policy. Explicit EC curve parameters stay accepted whatever it says:
    /// ICAO 9303 part 12 lets CSCAs and Document Signers spell their curves out.
    #[must_use]
    pub fn algorithm_policy(mut self, policy: AlgorithmPolicy) -> Self {
        self.algorithms = policy.accept_explicit_curve_parameters();
        self
    }

    /// Verifies `sod` and the data groups given as (number, bytes as read from the chip).
    ///
    /// Besides the signature and the hashes: the data groups' hash algorithm must be one
    /// the algorithm policy accepts, and the Document Signer's certificate and every
    /// certificate of its chain must carry, in countryName, the country of the document's
    /// issuing state (DG1, or [`PassiveAuth::expected_issuing_state`]), ICAO codes mapped as
    /// [`issuing_state_country`](crate::eid::issuing_state_country) does. A certificate of
    /// another country fails the document; an issuing state that is not known (no DG1
    /// given and none set) or names no country leaves it Indeterminate, unless
    /// [`PassiveAuth::accept_any_issuing_state`].
    pub fn verify(&self, sod: &Sod, data_groups: &[(u8, &[u8])]) -> PassiveAuthReport {
        // Sod::parse admitted only the LDSSecurityObject content types.
        // (and id-data, which the default policy accepts).
        let mut policy = LDS_SECURITY_OBJECT.iter().fold(
            ValidationPolicy::at(self.time).algorithm_policy(self.algorithms),
            |p, oid| p.accept_content_type(Oid::known(oid)),
        );
        policy.purpose = KeyPurpose::DocumentSigning;
        let mut verifier = Verifier::new(&self.context, policy);
        // ICAO 9303 part 10: an EF.SOD has one signer, and the first is what is reported;
        // others are not worth the work an attacker could make them cost. Some passports
        // list the signer's issuer name in another attribute order.
        verifier.mode = crate::cms::Mode::TravelDocument;
        let report = verifier.verify(&sod.cms, None);
        let signature_checks = report.signature_checks;
        let mut warnings = Vec::new();
        if sod.content_type_id_data {
            warnings.push(Warning::SodContentTypeIdData);
        }
        let signature = report.signers.into_iter().next();
        let signer_count = sod.cms.signer_count();
        if signer_count != 1 {
            warnings.push(Warning::SodSignerCount {
                signers: signer_count,
            });
        }
        let results = compare_data_groups(sod, data_groups, &self.required_data_groups);
        let data_ok = results.iter().all(|r| match r.status {
            DataGroupStatus::Matched => true,
            DataGroupStatus::NotSupplied => true,
            DataGroupStatus::Mismatched
            | DataGroupStatus::NotListed
            | DataGroupStatus::RequiredNotInDocument => false,
        });
        // A required data group the SOD lists but the caller did not give was not checked.
        let required_unchecked = results
            .iter()
            .any(|r| r.required && r.status == DataGroupStatus::NotSupplied);
        let hash_algorithm_refused = self
            .algorithms
            .check_digest(sod.hash_algorithm, "the data group hashes of an EF.SOD")
            .err();
        if sod.hash_algorithm == DigestAlgorithm::Sha1 && hash_algorithm_refused.is_none() {
            warnings.push(Warning::Sha1DataGroupHashes);
        }
        let Some(signature) = signature else {
            return PassiveAuthReport {
                verdict: PassiveAuthVerdict::Failed,
                data_groups: results,
                signature: SignerReport::empty(self.time),
                document_signer: None,
                csca: None,
                issuing_state: IssuingStateCheck::NotChecked,
                hash_algorithm_refused,
                warnings,
                signature_checks,
            };
        };
        let issuing_state = self.issuing_state_check(data_groups, &signature);
        if issuing_state == IssuingStateCheck::NotChecked {
            warnings.push(Warning::IssuingStateNotCompared);
        }
        let unsupported = matches!(
            signature.error,
            Some(
                Error::Signature(SignatureError::UnsupportedAlgorithm { .. })
                    | Error::Signature(SignatureError::UnsupportedKey { .. })
            )
        ) || matches!(
            signature.sub_indication,
            Some(SubIndication::CryptoConstraintsFailure)
        ) && signature.error.as_ref().is_some_and(|e| {
            matches!(
                e,
                Error::Signature(SignatureError::UnsupportedAlgorithm { .. })
                    | Error::Signature(SignatureError::UnsupportedKey { .. })
                    | Error::Signature(SignatureError::UnsupportedPssParameters)
            )
        });
        let state_failed = matches!(
            issuing_state,
            IssuingStateCheck::CertificateMismatch { .. }
                | IssuingStateCheck::DocumentMismatch { .. }
        );
        let verdict = if !data_ok || signature.indication == Indication::TotalFailed || state_failed
        {
            PassiveAuthVerdict::Failed
        } else if unsupported {
            PassiveAuthVerdict::Unsupported
        } else if signature.indication == Indication::TotalPassed
            && hash_algorithm_refused.is_none()
            && !required_unchecked
            && !matches!(issuing_state, IssuingStateCheck::Unknown { .. })
        {
            PassiveAuthVerdict::Passed
        } else {
            PassiveAuthVerdict::Indeterminate
        };
        // ICAO 9303 SODs carry no ESS signing-certificate attribute: not worth a warning.
        warnings.extend(
            signature
                .warnings
                .iter()
                .filter(|w| **w != Warning::NoSigningCertificateAttribute)
                .cloned(),
        );
        PassiveAuthReport {
            verdict,
            data_groups: results,
            document_signer: signature.signer_certificate.clone(),
            csca: (signature.is_passed())
                .then(|| signature.chain.last().cloned())
                .flatten(),
            signature,
            issuing_state,
            hash_algorithm_refused,
            warnings,
            signature_checks,
        }
    }

    /// Compares the country of the Document Signer's certificate (and of every certificate
    /// of its validated chain) with the document's issuing state.
    fn issuing_state_check(
        &self,
        data_groups: &[(u8, &[u8])],
        signature: &SignerReport,
    ) -> IssuingStateCheck {
        if self.any_state {
            return IssuingStateCheck::NotChecked;
        }
        let chip = data_groups
            .iter()
            .find(|(n, _)| *n == 1)
            .map(|(_, dg1)| Mrz::from_dg1(dg1).map(|m| m.issuing_state));
        let trim = |s: &str| s.trim_end_matches(['<', ' ']).to_owned();
        let state = match (chip, &self.expected_state) {
            (Some(Err(e)), _) => {
                return IssuingStateCheck::Unknown {
                    reason: format!("DG1 cannot be read: {e}"),
                };
            }
            (Some(Ok(chip)), Some(expected)) if trim(&chip) != trim(expected) => {
                return IssuingStateCheck::DocumentMismatch {
                    chip: trim(&chip),
                    expected: trim(expected),
                };
            }
            (Some(Ok(chip)), _) => trim(&chip),
            (None, Some(expected)) => trim(expected),
            (None, None) => {
                return IssuingStateCheck::Unknown {
                    reason: "DG1 was not given and no expected issuing state was set".to_owned(),
                };
            }
        };
        let Some(country) = issuing_state_country(&state) else {
            return IssuingStateCheck::Unknown {
                reason: format!("the issuing state {state} names no country kyso knows"),
            };
        };
        let certificates = signature
            .signer_certificate
            .iter()
            .chain(signature.chain.iter());
        for c in certificates {
            // Exactly one countryName, whatever its encoding, and it the issuing state's.
            let countries: Vec<&crate::cert::Attribute> = c
                .subject()
                .attributes()
                .filter(|a| a.oid() == crate::oid::AT_COUNTRY)
                .collect();
            let found: Option<String> = countries.first().and_then(|a| a.text()).map(str::to_owned);
            let same = countries.len() == 1
                && found
                    .as_deref()
                    .is_some_and(|f| f.eq_ignore_ascii_case(country));
            if !same {
                return IssuingStateCheck::CertificateMismatch {
                    state,
                    country: country.to_owned(),
                    certificate: c.subject().to_string(),
                    found,
                };
            }
        }
        IssuingStateCheck::Matched {
            state,
            country: country.to_owned(),
        }
    }
}

/// Whether the signers of a document belong to the state that issued it. A trust store
/// built from a master list holds every state's CSCAs: without this check, a Document
/// Signer of one state could sign a document that claims to be from another.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IssuingStateCheck {
    /// Every certificate, the Document Signer's and its chain's, names the issuing
    /// state's country.
    Matched {
        /// The issuing state (ICAO code).
        state: String,
        /// Its country (ISO 3166-1 alpha-2).
        country: String,
    },
    /// A certificate names another country, or none: the document fails.
    CertificateMismatch {
        /// The issuing state (ICAO code).
        state: String,
        /// Its country.
        country: String,
        /// The certificate's subject.
        certificate: String,
        /// The country it names, if any.
        found: Option<String>,
    },
    /// DG1 gives another issuing state than the one expected: the document fails.
    DocumentMismatch {
        /// The issuing state in DG1.
        chip: String,
        /// The one expected.
        expected: String,
    },
    /// The issuing state is not known: the document is at best Indeterminate.
    Unknown {
        /// Why.
        reason: String,
    },
    /// Not checked: [`PassiveAuth::accept_any_issuing_state`], or no signer to check.
    NotChecked,
}

/// `CscaMasterList ::= SEQUENCE { version INTEGER, certList SET OF Certificate }`.
#[derive(Sequence)]
struct CscaMasterList {
    version: u8,
    cert_list: der::asn1::SetOfVec<der::Any>,
}

/// id-icao-cscaMasterList, the content type of a CSCA master list.
const CSCA_MASTER_LIST: &str = "2.23.136.1.1.2";

/// A CSCA master list whose signature verified, and the certificates it carries.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct MasterList {
    /// The CSCA certificates on the list (those kyso can read; others are skipped).
    pub certificates: Vec<Certificate>,
    /// The validation of the list's signature: at least one signer TOTAL-PASSED.
    pub report: crate::validate::ValidationReport,
}

/// Verifies a CSCA master list (ICAO Doc 9303 part 12: a CMS SignedData over a
/// `CscaMasterList`, content type id-icao-cscaMasterList) and returns its certificates.
///
/// The list is only as trustworthy as its signer: at least one SignerInfo must validate,
/// at `time`, to the anchors of `context` (the CSCA of the state that publishes the list,
/// obtained out of band; its revocation choice applies to the Master List Signer), through a Master List Signer certificate whose extendedKeyUsage holds
/// id-icao-cscaMasterListSigningKey (2.23.136.1.1.3), so that no other key of that state's
/// PKI (a Document Signer's, say) can add a CSCA to the list. Anything else is
/// [`ChipError::MasterListNotVerified`] with the verdict that failed.
///
/// # Errors
///
/// - Those of [`master_list_certificates_unverified`] when the list cannot be read.
/// - [`ChipError::MasterListNotVerified`] if no SignerInfo reaches TOTAL-PASSED as above, with
///   the list's indication and sub-indication and what failed.
///
/// ```no_run
/// use kyso::eid::verify_master_list;
/// use kyso::{Revocation, Time, TrustContext, TrustStore};
/// // The German CSCA, obtained from the BSI, vouches for the German master list.
/// let de_csca = TrustStore::from_pem(&std::fs::read("csca-de.pem")?)?;
/// let context = TrustContext::new(&de_csca, Revocation::NotChecked);
/// let list = verify_master_list(&std::fs::read("DE_ML.ml")?, &context, Time::now())?;
/// let cscas = TrustStore::from_certificates(list.certificates);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_master_list(
    bytes: &[u8],
    context: &TrustContext<'_>,
    time: Time,
) -> Result<MasterList, Error> {
    let (cms, certificates) = read_master_list(bytes)?;
    let mut policy = ValidationPolicy::at(time)
        .accept_content_type(Oid::known(CSCA_MASTER_LIST))
        .algorithm_policy(AlgorithmPolicy::default().accept_explicit_curve_parameters());
    policy.purpose = KeyPurpose::MasterListSigning;
    let report = Verifier::new(context, policy).verify(&cms, None);
    if !report.signers.iter().any(SignerReport::is_passed) {
        let worst = report
            .signers
            .iter()
            .find(|s| s.indication == report.indication())
            .or(report.signers.first());
        return Err(Error::Chip(ChipError::MasterListNotVerified {
            indication: report.indication(),
            sub_indication: report.sub_indication(),
            detail: worst
                .and_then(|s| s.error.as_ref().map(ToString::to_string))
                .or_else(|| report.format_error.clone())
                .unwrap_or_else(|| "no signer".to_owned()),
        }));
    }
    Ok(MasterList {
        certificates,
        report,
    })
}

/// The CSCA certificates of an ICAO master list **without verifying its signature**: for
/// a list whose authenticity the caller has established otherwise (fetched over an
/// authenticated channel from the ICAO PKD, say). Use [`verify_master_list`] otherwise.
/// The certificates are anchors only once the caller puts them in a [`TrustStore`](crate::TrustStore);
/// certificates kyso cannot read are skipped.
///
/// # Errors
///
/// - Those of [`SignedCms::parse`].
/// - [`EncodingError::Malformed`] with [`Object::Sod`] and [`Malformed::InvalidValue`] if the content
///   type is not id-icao-cscaMasterList, the content is absent, or the `CscaMasterList`
///   version is not 0.
/// - [`EncodingError::Malformed`] with [`Object::Sod`] and [`Malformed::InvalidDer`] if the content
///   is not a DER `CscaMasterList`.
pub fn master_list_certificates_unverified(bytes: &[u8]) -> Result<Vec<Certificate>, Error> {
    read_master_list(bytes).map(|(_, certificates)| certificates)
}

fn read_master_list(bytes: &[u8]) -> Result<(SignedCms, Vec<Certificate>), Error> {
    let cms = SignedCms::parse(bytes)?;
    if cms.content_type() != CSCA_MASTER_LIST {
        return Err(bad("eContentType (not a CSCA master list)"));
    }
    let content = cms
        .content()
        .ok_or_else(|| bad("master list content missing"))?;
    let list = CscaMasterList::from_der(content).map_err(|_| Error::invalid_der(Object::Sod))?;
    if list.version != 0 {
        return Err(bad("master list version"));
    }
    let certificates = list
        .cert_list
        .iter()
        .filter_map(|c| der::Encode::to_der(c).ok())
        .filter_map(|d| Certificate::from_der(&d).ok())
        .collect();
    Ok((cms, certificates))
}

/// Each data group given against the SOD's hash of it, and each hash of the SOD whose data
/// group was not given, in data-group order (ICAO 9303 part 11, passive authentication).
fn compare_data_groups(
    sod: &Sod,
    data_groups: &[(u8, &[u8])],
    required: &[u8],
) -> Vec<DataGroupResult> {
    let mut results: Vec<DataGroupResult> = Vec::new();
    for (n, bytes) in data_groups {
        let status = match sod.hashes.iter().find(|(m, _)| m == n) {
            None => DataGroupStatus::NotListed,
            Some((_, h)) if digest(sod.hash_algorithm, bytes).as_bytes() == h.as_slice() => {
                DataGroupStatus::Matched
            }
            Some(_) => DataGroupStatus::Mismatched,
        };
        results.push(DataGroupResult {
            number: *n,
            status,
            required: required.contains(n),
        });
    }
    for (n, _) in &sod.hashes {
        if !data_groups.iter().any(|(m, _)| m == n) {
            results.push(DataGroupResult {
                number: *n,
                status: DataGroupStatus::NotSupplied,
                required: required.contains(n),
            });
        }
    }
    for n in required {
        if !results.iter().any(|r| r.number == *n) {
            results.push(DataGroupResult {
                number: *n,
                status: DataGroupStatus::RequiredNotInDocument,
                required: true,
            });
        }
    }
    results.sort_by_key(|r| r.number);
    results
}
