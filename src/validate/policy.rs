//! What a validation accepts.

use crate::key::AlgorithmPolicy;
use crate::oid::Oid;
use crate::path::{KeyPurpose, PolicyInputs};
use crate::time::Time;

/// id-data (RFC 5652 section 4): a document, the content every policy accepts.
const ID_DATA: &str = "1.2.840.113549.1.7.1";

/// Which time certificate paths are validated at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValidationTime {
    /// The time given (usually now). The safe default: a claimed signing time is only the
    /// signer's word until a timestamp proves it.
    Given(Time),
    /// The signing time the signer claims, when the signature has one, else the time given.
    /// Use it for documents whose signing time is vouched for elsewhere (an archive that
    /// recorded the arrival time, for example); the report says which time was used.
    ClaimedSigningTime {
        /// The time used when the signature claims none.
        fallback: Time,
    },
}

/// What a signature validation accepts: algorithms and key sizes, the key usage the signing
/// certificate must allow, and the validation time.
///
/// ```
/// use kyso::{Time, ValidationPolicy};
/// let policy = ValidationPolicy::at(Time::from_utc(2026, 6, 1, 0, 0, 0)?);
/// # Ok::<(), kyso::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationPolicy {
    /// Accepted algorithms and key sizes. Default: no SHA-1, RSA of 2048 bits or more.
    pub algorithms: AlgorithmPolicy,
    /// What the signing certificate's key usage must allow. Default: document signing
    /// (digitalSignature or nonRepudiation).
    pub purpose: KeyPurpose,
    /// The validation time.
    pub time: ValidationTime,
    /// Whether a signer without an ESS signing-certificate(-v2) attribute fails
    /// (INDETERMINATE / SIG_CONSTRAINTS_FAILURE), as CAdES requires. Default: false, so that
    /// plain CMS signatures (`openssl cms -sign` without `-cades`) verify, with a warning.
    pub require_signing_certificate_attribute: bool,
    /// Content types (dotted OIDs) that may pass besides a document (id-data), for example
    /// id-ct-TSTInfo for a timestamp token. Default: none, so that no other signed object
    /// is mistaken for a signed document (INDETERMINATE / SIG_CONSTRAINTS_FAILURE). Set
    /// through [`ValidationPolicy::accept_content_type`].
    pub(crate) accepted_content_types: Vec<Oid>,
    /// Whether a signer without a signature timestamp that verifies fails (INDETERMINATE /
    /// SIG_CONSTRAINTS_FAILURE), for services that require CAdES-B-T or above. Default:
    /// false.
    pub require_signature_timestamp: bool,
    /// The certificate policies the signer's path must support (RFC 5280 section 6.1.1
    /// initial policy inputs). Default: any policy, nothing required.
    pub certificate_policies: PolicyInputs,
    /// Extended key usages (dotted OIDs) accepted for document signing besides
    /// [`DOCUMENT_SIGNING_EKUS`](crate::path::DOCUMENT_SIGNING_EKUS); those of
    /// [`NEVER_DOCUMENT_SIGNING_EKUS`](crate::path::NEVER_DOCUMENT_SIGNING_EKUS) count for nothing.
    /// Default: none.
    pub document_signing_ekus: Vec<Oid>,
    /// Whether a signer without signed attributes may pass. Default: false, and such a
    /// signer is INDETERMINATE / SIG_CONSTRAINTS_FAILURE: without the content-type and
    /// message-digest attributes the signature is a bare signature over the document's
    /// bytes, bound to no context, so a signature its key made for something else (a
    /// timestamp token, an OCSP response, a login answer) can be presented as a signed
    /// document. Set it only through
    /// [`ValidationPolicy::accept_signatures_without_signed_attributes_for_legacy_use_only`].
    pub legacy_signatures_without_signed_attributes: bool,
    /// Whether certificates of the signer's path without the key identifiers RFC 5280
    /// requires (authorityKeyIdentifier but in a self-signed certificate,
    /// subjectKeyIdentifier in a CA) are refused rather than reported as warnings. Default:
    /// false; set it with [`ValidationPolicy::require_key_identifiers`].
    pub require_key_identifiers: bool,
}

impl ValidationPolicy {
    /// The default policy, validating at `time`.
    pub fn at(time: Time) -> Self {
        ValidationPolicy {
            algorithms: AlgorithmPolicy::default(),
            purpose: KeyPurpose::DocumentSigning,
            time: ValidationTime::Given(time),
            require_signing_certificate_attribute: false,
            accepted_content_types: Vec::new(),
            require_signature_timestamp: false,
            certificate_policies: PolicyInputs::default(),
            document_signing_ekus: Vec::new(),
            legacy_signatures_without_signed_attributes: false,
            require_key_identifiers: false,
        }
    }

    /// The default policy, validating at the current system time.
    pub fn now() -> Self {
        ValidationPolicy::at(Time::now())
    }

    /// Validates at the claimed signing time when there is one, else at `fallback`.
    #[must_use]
    pub fn at_claimed_signing_time(mut self, fallback: Time) -> Self {
        self.time = ValidationTime::ClaimedSigningTime { fallback };
        self
    }

    /// Refuses certificates of the signer's path that lack the key identifiers RFC 5280
    /// sections 4.2.1.1 and 4.2.1.2 require (see
    /// [`PathValidator::require_key_identifiers`](crate::path::PathValidator::require_key_identifiers)).
    #[must_use]
    pub fn require_key_identifiers(mut self) -> Self {
        self.require_key_identifiers = true;
        self
    }

    /// Sets the algorithm policy.
    #[must_use]
    pub fn algorithm_policy(mut self, algorithms: AlgorithmPolicy) -> Self {
        self.algorithms = algorithms;
        self
    }

    /// Sets the certificate policies the signer's path must support: for example a
    /// relying party that accepts only certificates issued under its sector's policy.
    ///
    /// ```
    /// use kyso::{Time, ValidationPolicy};
    /// use kyso::path::{PolicyInputs, PolicySet};
    /// let policy = ValidationPolicy::at(Time::from_utc(2026, 6, 1, 0, 0, 0)?).policy_inputs(
    ///     PolicyInputs::default()
    ///         .acceptable(PolicySet::of(["2.16.704.1.1.1".parse()?]))
    ///         .require_explicit_policy(true),
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn policy_inputs(mut self, inputs: PolicyInputs) -> Self {
        self.certificate_policies = inputs;
        self
    }

    /// Also accepts `oid` in the signing certificate's extendedKeyUsage, for a PKI whose
    /// signing certificates carry a purpose of its own.
    ///
    /// ```
    /// use kyso::{Time, ValidationPolicy};
    /// let policy = ValidationPolicy::at(Time::from_utc(2026, 6, 1, 0, 0, 0)?)
    ///     .document_signing_eku("1.3.6.1.4.1.55555.4.1".parse()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn document_signing_eku(mut self, oid: Oid) -> Self {
        self.document_signing_ekus.push(oid);
        self
    }

    /// Lets signers without signed attributes pass (plain PKCS#7 signatures of old
    /// software, `openssl cms -sign -noattr`). Such a signature covers the document's bytes
    /// and nothing else: any value the signer's key ever signed can be presented as a
    /// "document" with it. Use it only for archives of such signatures, with a trust store
    /// that holds nothing but document-signing CAs; the report warns on every such signer.
    #[must_use]
    pub fn accept_signatures_without_signed_attributes_for_legacy_use_only(mut self) -> Self {
        self.legacy_signatures_without_signed_attributes = true;
        self
    }

    /// Also accepts signed content of the type `oid`, besides documents (id-data):
    /// for a relying party that validates another kind of signed object, such as a
    /// timestamp token's TSTInfo (1.2.840.113549.1.9.16.1.4). Each type is named: there is
    /// no way to accept every type, since any signed object of the signer's key would then
    /// pass for a signed document.
    ///
    /// ```
    /// use kyso::{Time, ValidationPolicy};
    /// use kyso::oid::Oid;
    /// let tst_info: Oid = "1.2.840.113549.1.9.16.1.4".parse()?;
    /// let policy =
    ///     ValidationPolicy::at(Time::from_utc(2026, 6, 1, 0, 0, 0)?).accept_content_type(tst_info.clone());
    /// assert!(policy.accepts_content_type(&"1.2.840.113549.1.7.1".parse()?)); // id-data, always
    /// assert!(policy.accepts_content_type(&tst_info));
    /// assert!(!policy.accepts_content_type(&"2.23.136.1.1.1".parse()?)); // an EF.SOD's, not named
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn accept_content_type(mut self, oid: Oid) -> Self {
        self.accepted_content_types.push(oid);
        self
    }

    /// Whether content of type `oid` may pass: a document (id-data) or a type the policy
    /// accepts.
    pub fn accepts_content_type(&self, oid: &Oid) -> bool {
        *oid == ID_DATA || self.accepted_content_types.contains(oid)
    }

    /// Requires a signature timestamp that verifies (CAdES-B-T or above).
    #[must_use]
    pub fn require_signature_timestamp(mut self) -> Self {
        self.require_signature_timestamp = true;
        self
    }

    /// Requires the CAdES signing-certificate attribute.
    #[must_use]
    pub fn require_signing_certificate_attribute(mut self) -> Self {
        self.require_signing_certificate_attribute = true;
        self
    }
}
