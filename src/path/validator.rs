//! [`PathValidator`], its settings, and [`ValidatedPath`]: the result of a validation.
//! Path building is in `build.rs`, the RFC 5280 section 6.1 checks of one path in
//! `checks.rs`, and revocation in `revocation_status.rs` and `crl_check.rs`.

use crate::budget::{Allowance, Budget};
use crate::cert::Certificate;
use crate::cert::general_name::{GeneralName, dns_name_matches, mailbox_matches};
use crate::error::PathError;
use crate::error::{BudgetKind, Error};
use crate::key::AlgorithmPolicy;
use crate::limits::{MAX_BUILD_STEPS, MAX_PATH_DEPTH, MAX_SIGNATURE_CHECKS};
use crate::oid::Oid;
use crate::path::build::Search;
use crate::path::cache::VerificationCache;
use crate::path::checks::position;
use crate::path::context::TrustContext;
use crate::path::policy::{PolicyInputs, PolicySet};
use crate::path::purpose::KeyPurpose;
use crate::path::trust_store::TrustStore;
use crate::path::warning::PathWarning;
use crate::revocation::{RevocationCheck, RevocationPolicy, RevocationSource};
use crate::time::Time;

/// Validates certificate paths to the anchors of a [`TrustContext`], at the time given when
/// it is built.
///
/// ```
/// use kyso::{Certificate, KeyPurpose, PathValidator, Revocation, Time, TrustContext, TrustStore};
/// let anchors = TrustStore::from_pem(&std::fs::read("test-vectors/pki/root-ca.pem")?)?;
/// let leaf = Certificate::from_pem(&std::fs::read("test-vectors/pki/ee-rsa2048.pem")?)?;
/// let chain = Certificate::parse_pem_bundle(&std::fs::read("test-vectors/pki/intermediate-ca.pem")?)?;
/// let context = TrustContext::new(&anchors, Revocation::NotChecked);
/// let path = PathValidator::new(&context, Time::from_utc(2026, 6, 1, 0, 0, 0)?)
///     .purpose(KeyPurpose::DocumentSigning)
///     .validate(&leaf, &chain)?;
/// assert_eq!(path.chain().len(), 2);
/// assert_eq!(path.anchor().subject().common_name(), Some("Kyso Test Root CA"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct PathValidator<'a> {
    pub(super) anchors: &'a TrustStore,
    /// The validation time.
    pub(super) at: Time,
    pub(super) purpose: KeyPurpose,
    pub(super) policy: AlgorithmPolicy,
    pub(super) policy_inputs: PolicyInputs,
    pub(super) revocation: RevocationPolicy,
    pub(super) revocation_source: Option<&'a dyn RevocationSource>,
    pub(super) data_until: Option<Time>,
    pub(super) cache: Option<&'a VerificationCache>,
    /// The signature-check budget of the call this validation is part of; `validate`
    /// makes one when none is given.
    pub(super) budget: Option<&'a Budget>,
    /// How deep in CRL-signer validation this validator runs (0 for the caller's).
    pub(super) crl_depth: u8,
    /// Extended key usages the caller accepts for document signing besides
    /// [`DOCUMENT_SIGNING_EKUS`](crate::path::DOCUMENT_SIGNING_EKUS).
    pub(super) signing_ekus: Vec<Oid>,
    /// Candidate certificates from the context, besides those given to `validate`.
    pub(super) certificates: Vec<Certificate>,
    /// Whether missing key identifiers are refused rather than warned of.
    pub(super) key_identifiers_required: bool,
    /// The most certificates a path may hold below its anchor.
    pub(super) max_depth: usize,
}

impl core::fmt::Debug for PathValidator<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PathValidator")
            .field("anchors", &self.anchors.len())
            .field("purpose", &self.purpose)
            .field("policy", &self.policy)
            .field("policy_inputs", &self.policy_inputs)
            .field("revocation", &self.revocation)
            .finish_non_exhaustive()
    }
}

/// A path that validated: the end entity, the intermediates above it, and the anchor.
#[derive(Clone, Debug)]
pub struct ValidatedPath {
    pub(super) chain: Vec<Certificate>,
    pub(super) anchor: Certificate,
    pub(super) time: Time,
    pub(super) purpose: KeyPurpose,
    pub(super) revocation: Vec<RevocationCheck>,
    pub(super) policies: PolicySet,
    pub(super) warnings: Vec<PathWarning>,
}

impl ValidatedPath {
    /// The certificates from the end entity (index 0) up to, not including, the anchor.
    /// When the end entity is itself a trust anchor, this holds just it.
    pub fn chain(&self) -> &[Certificate] {
        &self.chain
    }

    /// The end-entity certificate.
    pub fn leaf(&self) -> &Certificate {
        // A path always holds its end entity; `anchor` is a safe stand-in that cannot be
        // reached.
        self.chain.first().unwrap_or(&self.anchor)
    }

    /// The trust anchor the path ends at.
    pub fn anchor(&self) -> &Certificate {
        &self.anchor
    }

    /// The validation time used.
    pub fn time(&self) -> Time {
        self.time
    }

    /// The purpose checked.
    pub fn purpose(&self) -> KeyPurpose {
        self.purpose
    }

    /// What revocation checking found for each certificate below the anchor (empty when the
    /// policy was [`RevocationPolicy::NoCheck`]).
    pub fn revocation(&self) -> &[RevocationCheck] {
        &self.revocation
    }

    /// The user-constrained policy set of RFC 5280 section 6.1.5 (g): the certificate
    /// policies, among those the [`PolicyInputs`] accept, that the whole path supports, in
    /// the trust anchor's policy domain. [`PolicySet::Any`] when the inputs accept any
    /// policy and every certificate asserts anyPolicy; empty when no policy remains (which
    /// is a failure only when an explicit policy is required).
    pub fn policies(&self) -> &PolicySet {
        &self.policies
    }

    /// The deviations from the RFC 5280 profile the path was accepted with (see
    /// [`PathWarning`]); empty for a conforming path.
    pub fn warnings(&self) -> &[PathWarning] {
        &self.warnings
    }

    /// Checks that the end entity is valid for the DNS name `name` (RFC 6125 section 6.4):
    /// one of its subjectAltName dNSNames is `name`, compared without regard to ASCII case,
    /// or is a wildcard (`*` as the whole left-most label, over at least two more labels)
    /// standing for its first label, and never over a public suffix of the ICANN section of
    /// the Public Suffix List (`*.com.vn`). An IP address given as `name`, or a name whose
    /// last label is all digits, matches no dNSName (use
    /// [`ValidatedPath::check_ip_address`]). This checks names only: validate with
    /// [`KeyPurpose::ServerAuthentication`] for a TLS server's certificate, since a path
    /// validated for another purpose says nothing of the key's use for that one. The
    /// subject's common name is not looked at (RFC 6125
    /// section 6.4.4 leaves it to certificates without dNSNames; kyso's callers validate
    /// certificates issued under RFC 5280, which puts host names in subjectAltName).
    /// Internationalised names are compared as A-labels (`xn--`).
    ///
    /// # Errors
    ///
    /// [`PathError::NameMismatch`] when no name matches (a malformed `name` matches none).
    pub fn check_dns_name(&self, name: &str) -> Result<(), Error> {
        let leaf = self.leaf();
        let found = leaf.alt_names().iter().any(|n| match n {
            GeneralName::Dns(presented) => dns_name_matches(presented, name),
            _ => false,
        });
        self.name_result(found, name)
    }

    /// Checks that the end entity is valid for the IP address `address`: one of its
    /// subjectAltName iPAddresses is that address (RFC 5280 section 4.2.1.6; an IPv4
    /// address never matches an IPv6 one, mapped or not).
    ///
    /// # Errors
    ///
    /// [`PathError::NameMismatch`] when none is.
    pub fn check_ip_address(&self, address: std::net::IpAddr) -> Result<(), Error> {
        let octets = match address {
            std::net::IpAddr::V4(a) => a.octets().to_vec(),
            std::net::IpAddr::V6(a) => a.octets().to_vec(),
        };
        let found = self
            .leaf()
            .alt_names()
            .iter()
            .any(|n| matches!(n, GeneralName::Ip(ip) if *ip == octets));
        self.name_result(found, &address.to_string())
    }

    /// Checks that the end entity is valid for the e-mail address `address`: one of its
    /// subjectAltName rfc822Names is that mailbox (the local part exactly, the domain
    /// without regard to ASCII case, RFC 5280 section 7.5). Only when the certificate has
    /// no subjectAltName rfc822Name at all are emailAddress attributes of its subject
    /// compared instead, the legacy form RFC 5280 section 4.2.1.6 still describes; a
    /// certificate whose alternative names list other mailboxes is not valid for one its
    /// subject names.
    ///
    /// # Errors
    ///
    /// [`PathError::NameMismatch`] when none matches.
    pub fn check_email_address(&self, address: &str) -> Result<(), Error> {
        let leaf = self.leaf();
        let mut san_mailboxes = leaf.alt_names().iter().filter_map(|n| match n {
            GeneralName::Email(e) => Some(e.as_str()),
            _ => None,
        });
        let found = match san_mailboxes.next() {
            Some(first) => core::iter::once(first)
                .chain(san_mailboxes)
                .any(|m| mailbox_matches(m, address)),
            None => leaf
                .subject()
                .values_of(crate::oid::AT_EMAIL)
                .any(|m| mailbox_matches(m, address)),
        };
        self.name_result(found, address)
    }

    fn name_result(&self, found: bool, name: &str) -> Result<(), Error> {
        if found {
            Ok(())
        } else {
            Err(Error::Path {
                cert: position(0, self.leaf()),
                reason: PathError::NameMismatch {
                    name: name.escape_debug().to_string(),
                },
            })
        }
    }
}

impl<'a> PathValidator<'a> {
    /// A validator for paths to the anchors of `context`, with its revocation choice, its
    /// supplied certificates (candidates besides those given to [`PathValidator::validate`])
    /// and its cache, at `time` (the validation time of RFC 5280 section 6.1.1 (b); say
    /// [`Time::now`] to validate at the system's clock); for document signing, under the
    /// default [`AlgorithmPolicy`].
    pub fn new(context: &TrustContext<'a>, time: Time) -> Self {
        let mut validator = PathValidator::with_anchors(context.anchors, time);
        validator.revocation = context.revocation.policy();
        validator.revocation_source = context.revocation.source();
        validator.cache = context.cache;
        validator.certificates = context.certificates.clone();
        validator
    }

    /// A validator for paths to `anchors`, nothing else set: for the validations kyso runs
    /// itself (a signer's path, a CRL signer's), which set revocation and the rest.
    pub(crate) fn with_anchors(anchors: &'a TrustStore, time: Time) -> Self {
        PathValidator {
            anchors,
            at: time,
            purpose: KeyPurpose::DocumentSigning,
            policy: AlgorithmPolicy::default(),
            policy_inputs: PolicyInputs::default(),
            revocation: RevocationPolicy::NoCheck,
            revocation_source: None,
            data_until: None,
            cache: None,
            budget: None,
            crl_depth: 0,
            signing_ekus: Vec::new(),
            certificates: Vec::new(),
            key_identifiers_required: false,
            max_depth: MAX_PATH_DEPTH,
        }
    }

    /// Also accepts `oid` (dotted) in an end entity's extendedKeyUsage for
    /// [`KeyPurpose::DocumentSigning`], for a PKI whose signing certificates carry a purpose
    /// of its own. The purposes of
    /// [`NEVER_DOCUMENT_SIGNING_EKUS`](crate::path::NEVER_DOCUMENT_SIGNING_EKUS) count for nothing
    /// even when added.
    #[must_use]
    pub fn document_signing_eku(mut self, oid: Oid) -> Self {
        self.signing_ekus.push(oid);
        self
    }

    pub(crate) fn document_signing_ekus(mut self, oids: &[Oid]) -> Self {
        self.signing_ekus.extend(oids.iter().cloned());
        self
    }

    /// Checks revocation of every certificate below the anchor with the data `source`
    /// gives, under `policy`. A certificate revoked at or before the validation time fails
    /// the path ([`PathError::Revoked`]).
    pub(crate) fn revocation(
        mut self,
        policy: RevocationPolicy,
        source: &'a dyn RevocationSource,
    ) -> Self {
        self.revocation = policy;
        self.revocation_source = Some(source);
        self
    }

    /// Charges every signature check to `budget`, shared with the other validations of one
    /// call (a CMS verification).
    pub(crate) fn budget(mut self, budget: &'a Budget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Uses `cache` to skip the cryptographic check of certificate signatures it already
    /// verified (and to remember new ones). Every other check still runs; the verdict is the
    /// same with or without it.
    pub(crate) fn cache(mut self, cache: &'a VerificationCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Judges revocation data at `now` while validating at an earlier time (a proof of
    /// existence, such as a signature timestamp): data issued up to `now` counts, so a CRL
    /// or OCSP response issued after the validation time can show that a certificate was
    /// not revoked then. Without this, data must be current at the validation time.
    #[must_use]
    pub fn revocation_data_until(mut self, now: Time) -> Self {
        self.data_until = Some(now);
        self
    }

    /// Sets the purpose the end entity's key usage must allow.
    #[must_use]
    pub fn purpose(mut self, purpose: KeyPurpose) -> Self {
        self.purpose = purpose;
        self
    }

    /// Sets the initial certificate-policy inputs of RFC 5280 section 6.1.1: the policies
    /// acceptable, and whether an explicit policy is required or mapping or anyPolicy
    /// inhibited. The default accepts any policy.
    pub fn policy_inputs(mut self, inputs: PolicyInputs) -> Self {
        self.policy_inputs = inputs;
        self
    }

    /// Refuses certificates without the key identifiers RFC 5280 requires: an
    /// authorityKeyIdentifier with its keyIdentifier in every certificate but a self-issued
    /// one (section 4.2.1.1),
    /// a subjectKeyIdentifier in every CA certificate (section 4.2.1.2)
    /// ([`PathError::MissingAuthorityKeyIdentifier`],
    /// [`PathError::MissingSubjectKeyIdentifier`]). By default such a path validates with a
    /// [`PathWarning`]: kyso chains by name and checks every signature, so the identifiers
    /// only speed path building, and older CAs omit them.
    #[must_use]
    pub fn require_key_identifiers(self) -> Self {
        self.key_identifiers_required(true)
    }

    pub(crate) fn key_identifiers_required(mut self, required: bool) -> Self {
        self.key_identifiers_required = required;
        self
    }

    /// Sets the most certificates a path may hold below its anchor, the end entity
    /// included (at least 1, at most [`MAX_PATH_DEPTH`], the default). A longer path is
    /// [`PathError::PathTooLong`].
    #[must_use]
    pub fn max_depth(mut self, certificates: usize) -> Self {
        self.max_depth = certificates.clamp(1, MAX_PATH_DEPTH);
        self
    }

    /// Sets the algorithm policy (signature algorithms, key sizes).
    #[must_use]
    pub fn algorithm_policy(mut self, policy: AlgorithmPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Builds a path from `leaf` through any of `intermediates` to an anchor, and validates
    /// it at `time`.
    ///
    /// Every candidate path is tried (several issuers with one name, cross-certificates)
    /// until one validates, within the budgets of [`crate::limits`]. When none does, the
    /// error is the most telling one met: a failure of a complete path before a broken link,
    /// before a missing issuer.
    ///
    /// # Errors
    ///
    /// When no candidate path validates, the error is the most telling failure met (see
    /// above), of one of these kinds (the steps are those of RFC 5280 section 6.1):
    ///
    /// - Path building: [`PathError::UnknownIssuer`] when no issuer of a certificate is among
    ///   `intermediates` and the anchors ([`PathError::UntrustedSelfSigned`] instead when that
    ///   certificate is `leaf` and is self-issued), [`PathError::PathTooLong`] past
    ///   [`PathValidator::max_depth`] certificates, and
    ///   [`Error::BudgetExceeded`] when the build steps or signature checks of
    ///   [`crate::limits`] run out, which ends the search at once.
    /// - Each link (6.1.3 (a)(1), (a)(4)): [`PathError::IssuerNameMismatch`],
    ///   [`PathError::BadSignature`], and [`PathError::SignatureAlgorithm`] for a signature
    ///   algorithm the [`AlgorithmPolicy`] refuses or kyso does not implement, or one that does
    ///   not fit the issuer's key ([`PathError::Encoding`] for an issuer key that does not
    ///   decode).
    /// - Keys, under the [`AlgorithmPolicy`]: [`PathError::PublicKey`] for an RSA key below
    ///   the minimum (on the issuer whose key it is) or a subject key refused otherwise (an
    ///   RSA key over 8192 bits or not a whole number of bytes, explicit EC parameters the
    ///   policy does not accept, a key type kyso does not implement), and
    ///   [`PathError::Encoding`] for a subject key that does not decode.
    /// - Validity (6.1.3 (a)(2)): [`PathError::Expired`], [`PathError::NotYetValid`].
    /// - Revocation (6.1.3 (a)(3)), when the [`TrustContext`] asks for it:
    ///   [`PathError::Revoked`]; under [`RevocationPolicy::Required`], [`PathError::RevocationUnknown`]
    ///   when no usable data is found and [`PathError::RevocationOutOfBounds`] when the only data
    ///   was issued after the certificate expired; under any policy,
    ///   [`PathError::TooManyRevocationItems`], and for a `leaf` that is a trust anchor,
    ///   [`PathError::RevocationUnknown`] when data about it is at hand but cannot be checked.
    /// - Name constraints (6.1.3 (b), (c)): [`PathError::NameConstraintViolation`].
    /// - Certificate policies (6.1.3 (d) to (f), 6.1.4 (a), 6.1.5 (g)):
    ///   [`PathError::NoValidPolicy`], [`PathError::InvalidPolicyMapping`], and
    ///   [`Error::BudgetExceeded`] ([`BudgetKind::PolicyTreeNodes`](crate::error::BudgetKind::PolicyTreeNodes))
    ///   past [`MAX_POLICY_NODES`](crate::limits::MAX_POLICY_NODES).
    /// - CA certificates: [`PathError::NotCa`] (6.1.4 (k)), [`PathError::PathLenExceeded`]
    ///   (6.1.4 (l), (m)), [`PathError::MissingKeyCertSign`] (6.1.4 (n)).
    /// - Critical extensions kyso does not process (6.1.4 (o), 6.1.5 (f)):
    ///   [`PathError::UnknownCriticalExtension`].
    /// - The end entity's purpose: [`PathError::KeyUsageNotAllowed`] and
    ///   [`PathError::ExtendedKeyUsageNotAllowed`] (RFC 5280 sections 4.2.1.3 and 4.2.1.12);
    ///   for any purpose but [`KeyPurpose::Any`], [`PathError::EndEntityIsCa`] and
    ///   [`PathError::NameConstraintsInEndEntity`].
    /// - The RFC 5280 profile of every certificate: [`PathError::InvalidSerialNumber`],
    ///   [`PathError::ExtensionMustNotBeCritical`], [`PathError::KeyIdentifierMismatch`],
    ///   [`PathError::MalformedNameConstraints`], [`PathError::MalformedSubjectAltName`],
    ///   [`PathError::SubjectAltNameNotCritical`], and under
    ///   [`PathValidator::require_key_identifiers`]
    ///   [`PathError::MissingAuthorityKeyIdentifier`] and
    ///   [`PathError::MissingSubjectKeyIdentifier`] (warnings otherwise, in
    ///   [`ValidatedPath::warnings`]); [`Error::BudgetExceeded`]
    ///   ([`BudgetKind::NameConstraintComparisons`]) past
    ///   [`MAX_NAME_CONSTRAINT_COMPARISONS`](crate::limits::MAX_NAME_CONSTRAINT_COMPARISONS).
    /// - A trust anchor given as a certificate (unless
    ///   [`TrustStore::accept_anchors_as_name_and_key`]), at the anchor's position: validity,
    ///   key, unknown critical extensions, [`PathError::NotCa`],
    ///   [`PathError::MissingKeyCertSign`], its name constraints' form and, through the
    ///   path, its name constraints and path length (RFC 5937).
    ///
    /// When `leaf` is itself a trust anchor, no path is built: only its validity, key,
    /// profile, critical extensions, purpose and revocation are checked.
    pub fn validate(
        &self,
        leaf: &Certificate,
        intermediates: &[Certificate],
    ) -> Result<ValidatedPath, Error> {
        let time = self.at;
        let merged: Vec<Certificate>;
        let intermediates = if self.certificates.is_empty() {
            intermediates
        } else {
            merged = intermediates
                .iter()
                .chain(self.certificates.iter())
                .cloned()
                .collect();
            &merged
        };
        let local;
        let budget = match self.budget {
            Some(b) => b,
            None => {
                local = Budget::default();
                &local
            }
        };
        if self.anchors.contains(leaf) {
            return self.validate_directly_trusted(leaf, intermediates, time, budget);
        }
        let mut search = Search {
            validator: self,
            intermediates,
            time,
            budget,
            signature_checks: Allowance::new(
                BudgetKind::PathSignatureChecks,
                MAX_SIGNATURE_CHECKS,
                0,
            ),
            steps: Allowance::new(BudgetKind::PathBuildSteps, MAX_BUILD_STEPS, 0),
            best: None,
        };
        let mut path = vec![leaf.clone()];
        if let Some(found) = search.extend(&mut path)? {
            return Ok(found);
        }
        Err(search.best.map(|(_, e)| e).unwrap_or_else(|| Error::Path {
            cert: position(0, leaf),
            reason: PathError::UnknownIssuer,
        }))
    }

    fn validate_directly_trusted(
        &self,
        leaf: &Certificate,
        intermediates: &[Certificate],
        time: Time,
        budget: &Budget,
    ) -> Result<ValidatedPath, Error> {
        let chain = vec![leaf.clone()];
        let warnings = self.check_path(&chain, None, time, budget)?;
        let revocation = self.anchor_revocation(leaf, intermediates, time, budget)?;
        // The path below the anchor is empty: no policy processing, every acceptable
        // policy remains.
        Ok(ValidatedPath {
            chain,
            anchor: leaf.clone(),
            time,
            purpose: self.purpose,
            revocation,
            policies: self.policy_inputs.user_initial_policy_set.clone(),
            warnings,
        })
    }
}
