//! Passive authentication of chip ID cards and passports (ICAO Doc 9303 part 11, section
//! 5.1; part 10 for EF.SOD): the data groups read from the chip hash to the values in the
//! Document Security Object, whose CMS signature by a Document Signer chains to the
//! country's CSCA.

use der::asn1::{OctetString, PrintableString};
use der::{Decode, Sequence};
use x509_cert::spki::AlgorithmIdentifierOwned;

use crate::cert::Certificate;
use crate::cms::{SignedCms, Verifier};
use crate::digest::{DigestAlgorithm, digest};
use crate::eid::tlv;
use crate::error::{Error, Malformed, Object};
use crate::key::AlgorithmPolicy;
use crate::path::{KeyPurpose, TrustStore};
use crate::revocation::{RevocationPolicy, RevocationSource};
use crate::time::Time;
use crate::validate::{Indication, SignerReport, SubIndication, ValidationPolicy};

/// id-icao-mrtd-security-ldsSecurityObject, and the older OID some documents still use.
const LDS_SECURITY_OBJECT: [&str; 2] = ["2.23.136.1.1.1", "1.3.27.1.1.1"];

/// Largest EF.SOD accepted (real ones are a few kilobytes).
const MAX_SOD_SIZE: usize = 256 * 1024;

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
}

fn bad(field: &'static str) -> Error {
    Error::malformed(Object::Sod, Malformed::InvalidValue { field })
}

impl Sod {
    /// Reads EF.SOD: the application tag `77` around a CMS ContentInfo (or the
    /// ContentInfo alone), whose content is an LDSSecurityObject (version 0, or 1 with
    /// LDSVersionInfo).
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_SOD_SIZE {
            return Err(Error::TooLarge {
                object: Object::Sod,
                limit: MAX_SOD_SIZE,
                actual: bytes.len(),
            });
        }
        let content_info = match bytes.first() {
            Some(0x77) => tlv::expect(bytes, &[0x77]).map_err(|_| bad("EF.SOD tag 77"))?,
            _ => bytes,
        };
        let cms = SignedCms::from_der(content_info)?;
        let content_type = cms.content_type().to_string();
        if !LDS_SECURITY_OBJECT.contains(&content_type.as_str()) {
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
        let hash_algorithm = DigestAlgorithm::from_oid(&lds.hash_algorithm.oid)?;
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
}

/// One data group's outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct DataGroupResult {
    /// Its number (1 to 16).
    pub number: u8,
    /// The outcome.
    pub status: DataGroupStatus,
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
    /// Things worth knowing that did not change the verdict.
    pub warnings: Vec<String>,
    /// The signature checks the verification made, of every kind, each distinct check
    /// counted once (see [`ValidationReport::signature_checks`](crate::ValidationReport::signature_checks)).
    pub signature_checks: usize,
}

impl PassiveAuthReport {
    /// Whether the verdict is [`PassiveAuthVerdict::Passed`].
    pub fn is_passed(&self) -> bool {
        self.verdict == PassiveAuthVerdict::Passed
    }
}

/// Passive authentication with a CSCA trust store, at a validation time.
///
/// ```no_run
/// use kyso::eid::{PassiveAuth, Sod};
/// use kyso::{Time, TrustStore};
/// let cscas = TrustStore::from_pem(&std::fs::read("csca-vn.pem")?)?;
/// let sod = Sod::parse(&std::fs::read("EF.SOD")?)?;
/// let dg1 = std::fs::read("DG1")?;
/// let dg13 = std::fs::read("DG13")?;
/// let report = PassiveAuth::new(&cscas, Time::now()).verify(&sod, &[(1, &dg1), (13, &dg13)]);
/// assert!(report.is_passed());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct PassiveAuth<'a> {
    cscas: &'a TrustStore,
    time: Time,
    algorithms: AlgorithmPolicy,
    extra: Vec<Certificate>,
    revocation: RevocationPolicy,
    revocation_source: Option<&'a dyn RevocationSource>,
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
    /// Passive authentication against `cscas` at `time`. SHA-1 is accepted (documents
    /// issued years ago use it) under the legacy policy; RSA keys of 2048 bits or more.
    pub fn new(cscas: &'a TrustStore, time: Time) -> Self {
        PassiveAuth {
            cscas,
            time,
            algorithms: AlgorithmPolicy::default().allow_sha1_for_legacy_use_only(),
            extra: Vec::new(),
            revocation: RevocationPolicy::NoCheck,
            revocation_source: None,
        }
    }

    /// Another algorithm policy.
    #[must_use]
    pub fn algorithm_policy(mut self, policy: AlgorithmPolicy) -> Self {
        self.algorithms = policy;
        self
    }

    /// Checks the Document Signer's revocation (CSCA CRLs) under `policy`.
    #[must_use]
    pub fn with_revocation(
        mut self,
        policy: RevocationPolicy,
        source: &'a dyn RevocationSource,
    ) -> Self {
        self.revocation = policy;
        self.revocation_source = Some(source);
        self
    }

    /// Certificates to use besides the SOD's: a Document Signer certificate read
    /// separately, CSCA link certificates.
    #[must_use]
    pub fn with_certificates(mut self, certs: impl IntoIterator<Item = Certificate>) -> Self {
        self.extra.extend(certs);
        self
    }

    /// Verifies `sod` and the data groups given as (number, bytes as read from the chip).
    pub fn verify(&self, sod: &Sod, data_groups: &[(u8, &[u8])]) -> PassiveAuthReport {
        let mut policy = ValidationPolicy::at(self.time).with_algorithms(self.algorithms);
        policy.accept_any_content_type = true;
        policy.purpose = KeyPurpose::DocumentSigning;
        let mut verifier =
            Verifier::new(self.cscas, policy).with_certificates(self.extra.iter().cloned());
        verifier.lenient_signer_names = true;
        // ICAO 9303 part 10: an EF.SOD has one signer, and the first is what is reported;
        // others are not worth the work an attacker could make them cost.
        verifier.first_signer_only = true;
        if let Some(source) = self.revocation_source {
            verifier = verifier.with_revocation(self.revocation, source);
        }
        let report = verifier.verify(&sod.cms, None);
        let signature_checks = report.signature_checks;
        let mut warnings = Vec::new();
        let signature = report.signers.into_iter().next();
        let signer_count = sod.cms.signer_count();
        if signer_count != 1 {
            warnings.push(format!(
                "the SOD has {signer_count} signers; the first is reported"
            ));
        }
        // Data groups.
        let mut results: Vec<DataGroupResult> = Vec::new();
        for (n, bytes) in data_groups {
            let status = match sod.hashes.iter().find(|(m, _)| m == n) {
                None => DataGroupStatus::NotListed,
                Some((_, h)) if digest(sod.hash_algorithm, bytes).as_bytes() == h.as_slice() => {
                    DataGroupStatus::Matched
                }
                Some(_) => DataGroupStatus::Mismatched,
            };
            results.push(DataGroupResult { number: *n, status });
        }
        for (n, _) in &sod.hashes {
            if !data_groups.iter().any(|(m, _)| m == n) {
                results.push(DataGroupResult {
                    number: *n,
                    status: DataGroupStatus::NotSupplied,
                });
            }
        }
        results.sort_by_key(|r| r.number);
        let data_ok = results.iter().all(|r| {
            matches!(
                r.status,
                DataGroupStatus::Matched | DataGroupStatus::NotSupplied
            )
        });
        let Some(signature) = signature else {
            return PassiveAuthReport {
                verdict: PassiveAuthVerdict::Failed,
                data_groups: results,
                signature: SignerReport::empty(self.time),
                document_signer: None,
                csca: None,
                warnings,
                signature_checks,
            };
        };
        let unsupported = matches!(
            signature.error,
            Some(Error::UnsupportedAlgorithm { .. } | Error::UnsupportedKey { .. })
        ) || matches!(
            signature.sub_indication,
            Some(SubIndication::CryptoConstraintsFailure)
        ) && signature.error.as_ref().is_some_and(|e| {
            matches!(
                e,
                Error::UnsupportedAlgorithm { .. }
                    | Error::UnsupportedKey { .. }
                    | Error::UnsupportedPssParameters
            )
        });
        let verdict = if !data_ok || signature.indication == Indication::TotalFailed {
            PassiveAuthVerdict::Failed
        } else if unsupported {
            PassiveAuthVerdict::Unsupported
        } else if signature.indication == Indication::TotalPassed {
            PassiveAuthVerdict::Passed
        } else {
            PassiveAuthVerdict::Indeterminate
        };
        // ICAO 9303 SODs carry no ESS signing-certificate attribute: not worth a warning.
        warnings.extend(
            signature
                .warnings
                .iter()
                .filter(|w| !w.contains("ESS signing-certificate"))
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
            warnings,
            signature_checks,
        }
    }
}

/// The CSCA certificates of an ICAO master list (a CMS SignedData over `CscaMasterList ::=
/// SEQUENCE { version INTEGER, certList SET OF Certificate }`, content type
/// id-icao-cscaMasterList). The list's own signature is not checked here: a master list is
/// trusted for what it is (as published by a state or the ICAO PKD), and its certificates
/// are anchors only once the caller puts them in a [`TrustStore`]. Certificates kyso cannot
/// read are skipped.
pub fn master_list_certificates(bytes: &[u8]) -> Result<Vec<Certificate>, Error> {
    #[derive(Sequence)]
    struct CscaMasterList {
        version: u8,
        cert_list: der::asn1::SetOfVec<der::Any>,
    }
    let cms = SignedCms::parse(bytes)?;
    if cms.content_type().to_string() != "2.23.136.1.1.2" {
        return Err(bad("eContentType (not a CSCA master list)"));
    }
    let content = cms
        .content()
        .ok_or_else(|| bad("master list content missing"))?;
    let list = CscaMasterList::from_der(content).map_err(|_| Error::invalid_der(Object::Sod))?;
    if list.version != 0 {
        return Err(bad("master list version"));
    }
    Ok(list
        .cert_list
        .iter()
        .filter_map(|c| der::Encode::to_der(c).ok())
        .filter_map(|d| Certificate::from_der(&d).ok())
        .collect())
}
