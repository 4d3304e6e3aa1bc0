//! Path building (RFC 4158 in outline) and validation (RFC 5280 section 6.1).

use crate::budget::{Budget, CheckId};
use crate::cert::{Certificate, GeneralName, KeyUsage, NameConstraints, PROCESSED_EXTENSIONS};
use crate::error::{ChainPosition, Error};
use crate::key::AlgorithmPolicy;
use crate::limits::{
    MAX_BUILD_STEPS, MAX_PATH_DEPTH, MAX_REVOCATION_ITEMS_PER_CERTIFICATE, MAX_SIGNATURE_CHECKS,
};
use crate::path::cache::VerificationCache;
use crate::path::policy::{self, PolicyInputs, PolicySet};
use crate::path::purpose::{KeyPurpose, PurposeRefusal};
use crate::path::trust_store::TrustStore;
use crate::revocation::{
    Evidence, OcspCheck, OcspStatus, RevocationCheck, RevocationOutcome, RevocationPolicy,
    RevocationSource,
};
use crate::time::Time;

/// Validates certificate paths to a [`TrustStore`] at a time the caller gives.
///
/// ```
/// use kyso::{Certificate, KeyPurpose, PathValidator, Time, TrustStore};
/// let anchors = TrustStore::from_pem(&std::fs::read("test-vectors/pki/root-ca.pem")?)?;
/// let leaf = Certificate::from_pem(&std::fs::read("test-vectors/pki/ee-rsa2048.pem")?)?;
/// let chain = Certificate::parse_pem_bundle(&std::fs::read("test-vectors/pki/intermediate-ca.pem")?)?;
/// let path = PathValidator::new(&anchors)
///     .purpose(KeyPurpose::DocumentSigning)
///     .validate(&leaf, &chain, Time::from_utc(2026, 6, 1, 0, 0, 0)?)?;
/// assert_eq!(path.chain().len(), 2);
/// assert_eq!(path.anchor().subject().common_name(), Some("Kyso Test Root CA"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct PathValidator<'a> {
    anchors: &'a TrustStore,
    purpose: KeyPurpose,
    policy: AlgorithmPolicy,
    policy_inputs: PolicyInputs,
    revocation: RevocationPolicy,
    revocation_source: Option<&'a dyn RevocationSource>,
    data_until: Option<Time>,
    cache: Option<&'a VerificationCache>,
    /// The signature-check budget of the call this validation is part of; `validate`
    /// makes one when none is given.
    budget: Option<&'a Budget>,
    /// How deep in CRL-signer validation this validator runs (0 for the caller's).
    crl_depth: u8,
    /// Extended key usages the caller accepts for document signing besides
    /// [`DOCUMENT_SIGNING_EKUS`](crate::DOCUMENT_SIGNING_EKUS).
    signing_ekus: Vec<String>,
}

#[path = "crl_check.rs"]
mod crl_check;
use crl_check::CrlContext;

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
    chain: Vec<Certificate>,
    anchor: Certificate,
    time: Time,
    purpose: KeyPurpose,
    revocation: Vec<RevocationCheck>,
    policies: PolicySet,
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
}

impl<'a> PathValidator<'a> {
    /// A validator for paths to `anchors`, for document signing, under the default
    /// [`AlgorithmPolicy`].
    pub fn new(anchors: &'a TrustStore) -> Self {
        PathValidator {
            anchors,
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
        }
    }

    /// Also accepts `oid` (dotted) in an end entity's extendedKeyUsage for
    /// [`KeyPurpose::DocumentSigning`], for a PKI whose signing certificates carry a purpose
    /// of its own. The purposes of
    /// [`NEVER_DOCUMENT_SIGNING_EKUS`](crate::NEVER_DOCUMENT_SIGNING_EKUS) count for nothing
    /// even when added.
    #[must_use]
    pub fn document_signing_eku(mut self, oid: &str) -> Self {
        self.signing_ekus.push(oid.to_owned());
        self
    }

    pub(crate) fn document_signing_ekus(mut self, oids: &[String]) -> Self {
        self.signing_ekus.extend(oids.iter().cloned());
        self
    }

    /// Checks revocation of every certificate below the anchor with the data `source`
    /// gives, under `policy`. A certificate revoked at or before the validation time fails
    /// the path ([`Error::Revoked`]).
    #[must_use]
    pub fn revocation(
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
    #[must_use]
    pub fn cache(mut self, cache: &'a VerificationCache) -> Self {
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

    /// Revocation of each certificate of `chain` (issued by the next one, the last by
    /// `anchor`), under the policy.
    fn check_revocation(
        &self,
        chain: &[Certificate],
        anchor: &Certificate,
        intermediates: &[Certificate],
        time: Time,
        budget: &Budget,
    ) -> Result<Vec<RevocationCheck>, Error> {
        let (RevocationPolicy::IfAvailable | RevocationPolicy::Required, Some(source)) =
            (self.revocation, self.revocation_source)
        else {
            return Ok(Vec::new());
        };
        let ctx = CrlContext {
            chain,
            anchor,
            intermediates,
            budget,
        };
        let now = self.data_until.filter(|n| *n > time).unwrap_or(time);
        // Judging a past time (a proof of existence), "not revoked" must come from data
        // issued at or after that time: older data, even if still current then, may predate
        // a revocation made before it.
        let past = now > time;
        let mut out = Vec::new();
        for (index, cert) in chain.iter().enumerate() {
            let issuer = chain.get(index + 1).unwrap_or(anchor);
            let data = source.lookup(cert, issuer);
            // Every response and CRL is consulted: a verified revocation anywhere wins, and
            // data that speaks of this certificate but cannot be used (a signature kyso
            // cannot verify, a delta or partitioned CRL it does not apply) leaves the status
            // unknown rather than letting another source's "not revoked" stand alone.
            let mut reasons: Vec<String> = data.failures.iter().map(|e| e.to_string()).collect();
            let mut decided: Option<(RevocationOutcome, Evidence)> = None;
            let mut tainted = false;
            // Whether data was refused only for being issued after the certificate expired.
            let mut after_expiry = 0usize;
            // The items about this certificate looked at: past the bound, a revocation could
            // hide among the rest, so the validation ends there, whatever the policy (a
            // revocation found before stands).
            let mut examined = 0usize;
            for response in data.ocsp {
                if !response.is_about(cert, issuer) {
                    // Responses about other certificates are expected in a shared store.
                    continue;
                }
                examined += 1;
                if examined > MAX_REVOCATION_ITEMS_PER_CERTIFICATE {
                    return Err(Error::TooManyRevocationItems {
                        cert: position(index, cert),
                        limit: MAX_REVOCATION_ITEMS_PER_CERTIFICATE,
                    });
                }
                match response.check_between_in(
                    cert,
                    issuer,
                    time,
                    now,
                    &self.policy,
                    &OcspCheck::default(),
                    budget,
                ) {
                    Ok(answer) => match answer.status {
                        OcspStatus::Revoked {
                            revocation_time,
                            reason,
                            invalidity_date,
                        } if answer.status.invalid_from().is_some_and(|t| t <= time) => {
                            return Err(Error::Revoked {
                                cert: position(index, cert),
                                revocation_date: revocation_time,
                                reason,
                                invalidity_date: invalidity_date.filter(|d| *d < revocation_time),
                            });
                        }
                        OcspStatus::Good | OcspStatus::Revoked { .. }
                            if past && answer.this_update < time =>
                        {
                            reasons.push(format!(
                                "OCSP response of {} predates {time}, the time to judge",
                                answer.this_update
                            ));
                        }
                        OcspStatus::Good | OcspStatus::Revoked { .. } => {
                            if decided.is_none() {
                                decided = Some((
                                    RevocationOutcome::NotRevoked {
                                        source: format!(
                                            "OCSP response by {}, thisUpdate {}",
                                            answer.responder, answer.this_update
                                        ),
                                    },
                                    Evidence::Ocsp(response),
                                ));
                            }
                        }
                        OcspStatus::Unknown => {
                            reasons.push("OCSP responder does not know the certificate".to_owned())
                        }
                    },
                    Err(Error::OcspNoResponseForCertificate) => {}
                    // Out of budget is a verdict on the whole validation, never a reason to
                    // set one response aside.
                    Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                    Err(e @ Error::RevocationDataAfterExpiry { .. }) => {
                        after_expiry += 1;
                        reasons.push(e.to_string());
                    }
                    Err(e @ (Error::OcspStale { .. } | Error::OcspNotYetValid { .. })) => {
                        reasons.push(e.to_string())
                    }
                    Err(e) => {
                        tainted = true;
                        reasons.push(e.to_string());
                    }
                }
            }
            let crl = self.crl_findings(
                &ctx,
                index,
                cert,
                issuer,
                &data.crls,
                (time, now, past),
                MAX_REVOCATION_ITEMS_PER_CERTIFICATE.saturating_sub(examined),
            )?;
            if let Some(e) = crl.revoked {
                return Err(Error::Revoked {
                    cert: position(index, cert),
                    revocation_date: e.revocation_date,
                    reason: e.reason,
                    invalidity_date: (e.invalid_from() < e.revocation_date)
                        .then_some(e.invalid_from()),
                });
            }
            reasons.extend(crl.notes);
            after_expiry += crl.after_expiry;
            tainted |= crl.tainted;
            let mut supporting_evidence = Vec::new();
            let mut supporting_certificates = Vec::new();
            if decided.is_none()
                && let Some((mut crls, signers)) = crl.not_revoked
                && !crls.is_empty()
            {
                let first = crls.remove(0);
                decided = Some((
                    RevocationOutcome::NotRevoked {
                        source: format!(
                            "CRL of {}, thisUpdate {}{}",
                            first.issuer(),
                            first.this_update(),
                            if crls.is_empty() {
                                String::new()
                            } else {
                                format!(", and {} more CRL(s)", crls.len())
                            }
                        ),
                    },
                    Evidence::Crl(first),
                ));
                supporting_evidence = crls.into_iter().map(Evidence::Crl).collect();
                supporting_certificates = signers;
            }
            if tainted {
                decided = None;
            }
            let (outcome, evidence) = match decided {
                Some((o, e)) => (o, Some(e)),
                None => {
                    let reason = if reasons.is_empty() {
                        "no CRL or OCSP response for this certificate".to_owned()
                    } else {
                        reasons.join("; ")
                    };
                    if self.revocation == RevocationPolicy::Required
                        && !tainted
                        && after_expiry > 0
                        && after_expiry == reasons.len()
                    {
                        return Err(Error::RevocationOutOfBounds {
                            cert: position(index, cert),
                            not_after: cert.not_after(),
                        });
                    }
                    if self.revocation == RevocationPolicy::Required {
                        return Err(Error::RevocationUnknown {
                            cert: position(index, cert),
                            reason,
                        });
                    }
                    (RevocationOutcome::Unknown { reason }, None)
                }
            };
            out.push(RevocationCheck {
                index,
                subject: cert.subject().to_string(),
                outcome,
                evidence,
                supporting_evidence,
                supporting_certificates,
            });
        }
        Ok(out)
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
    pub fn validate(
        &self,
        leaf: &Certificate,
        intermediates: &[Certificate],
        time: Time,
    ) -> Result<ValidatedPath, Error> {
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
            signature_checks: 0,
            steps: 0,
            best: None,
        };
        let mut path = vec![leaf.clone()];
        if let Some(found) = search.extend(&mut path)? {
            return Ok(found);
        }
        Err(search
            .best
            .map(|(_, e)| e)
            .unwrap_or_else(|| Error::UnknownIssuer {
                cert: position(0, leaf),
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
        self.check_path(&chain, time)?;
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
        })
    }

    /// The revocation status of an end entity that is itself a trust anchor (a signer's or
    /// a seal's certificate pinned in the trust store), when revocation is checked: pinning
    /// a certificate says whom to trust, not that its CA can never revoke it. Its issuer is
    /// a trust anchor or given certificate whose key verifies its signature, and that
    /// issuer's CRLs and OCSP responses decide, as for any other certificate. Such an issuer
    /// is not itself validated (a certificate carrying the issuer's name and public key can
    /// be made by anyone), so every candidate is tried: a revocation found through any of
    /// them wins, and "not revoked" through any of them stands. When no candidate gives a
    /// status: under [`RevocationPolicy::Required`], [`Error::RevocationUnknown`]; under
    /// `IfAvailable` the same error when the source holds data about the certificate that
    /// could not be checked (its issuer's CRL, an OCSP response naming its serial number: a
    /// signature stripped of its issuer's certificate must not hide a revocation), otherwise
    /// the status is recorded as unknown.
    fn anchor_revocation(
        &self,
        leaf: &Certificate,
        intermediates: &[Certificate],
        time: Time,
        budget: &Budget,
    ) -> Result<Vec<RevocationCheck>, Error> {
        let (RevocationPolicy::IfAvailable | RevocationPolicy::Required, Some(source)) =
            (self.revocation, self.revocation_source)
        else {
            return Ok(Vec::new());
        };
        let mut tried = 0usize;
        let mut not_revoked: Option<Vec<RevocationCheck>> = None;
        let mut unknown: Option<String> = None;
        for candidate in self.anchors.iter().chain(intermediates) {
            if candidate.spki_der() == leaf.spki_der()
                || !candidate.subject().matches(leaf.issuer())
            {
                continue;
            }
            tried += 1;
            if tried > MAX_SIGNATURE_CHECKS {
                return Err(Error::BudgetExceeded {
                    what: "signature checks",
                    limit: MAX_SIGNATURE_CHECKS,
                });
            }
            let Ok(key) = candidate.public_key() else {
                continue;
            };
            let id = CheckId {
                object: *leaf.fingerprint_sha256(),
                key: *candidate.fingerprint_sha256(),
            };
            match budget.check(id, || leaf.verify_signed_by(key, &self.policy)) {
                Ok(()) => {}
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(_) => continue,
            }
            match self.check_revocation(
                core::slice::from_ref(leaf),
                candidate,
                intermediates,
                time,
                budget,
            ) {
                Ok(checks)
                    if checks
                        .iter()
                        .all(|c| matches!(c.outcome, RevocationOutcome::NotRevoked { .. })) =>
                {
                    not_revoked.get_or_insert(checks);
                }
                Ok(checks) => {
                    if unknown.is_none() {
                        unknown = checks.into_iter().find_map(|c| match c.outcome {
                            RevocationOutcome::Unknown { reason } => Some(reason),
                            RevocationOutcome::NotRevoked { .. } => None,
                        });
                    }
                }
                Err(Error::RevocationUnknown { reason, .. }) => {
                    unknown.get_or_insert(reason);
                }
                // A revocation, an exhausted budget, too much data: decided.
                Err(e) => return Err(e),
            }
        }
        if let Some(checks) = not_revoked {
            return Ok(checks);
        }
        let unchecked_data = {
            let data = source.lookup(leaf, leaf);
            data.crls.iter().any(|c| c.issuer().matches(leaf.issuer()))
                || data.ocsp.iter().any(|r| r.mentions_serial(leaf.serial()))
        };
        let reason = match unknown {
            Some(reason) => reason,
            None if leaf.is_self_issued() => {
                "a self-signed trust anchor: no issuer publishes its revocation status".to_owned()
            }
            None => "a trust anchor used as the end entity, whose issuer (the key that signs its revocation data) is neither a trust anchor nor among the certificates given".to_owned(),
        };
        if self.revocation == RevocationPolicy::Required || unchecked_data {
            return Err(Error::RevocationUnknown {
                cert: position(0, leaf),
                reason: if unchecked_data {
                    format!(
                        "{reason}; revocation data about it is at hand but could not be checked"
                    )
                } else {
                    reason
                },
            });
        }
        Ok(vec![RevocationCheck {
            index: 0,
            subject: leaf.subject().to_string(),
            outcome: RevocationOutcome::Unknown { reason },
            evidence: None,
            supporting_evidence: Vec::new(),
            supporting_certificates: Vec::new(),
        }])
    }

    /// RFC 5280 section 6.1 over a built path, from the certificate below the anchor down to
    /// the end entity. Signatures were checked while building.
    fn check_path(&self, chain: &[Certificate], time: Time) -> Result<(), Error> {
        let n = chain.len();
        // 6.1.2 (k): max_path_length starts at n.
        let mut max_path_length = n;
        // 6.1.2 (b), (c): the name constraints of the CAs processed so far; a name must
        // satisfy every one (which is the intersection of their permitted subtrees and the
        // union of their excluded ones).
        let mut name_constraints: Vec<&NameConstraints> = Vec::new();
        for (index, cert) in chain.iter().enumerate().rev() {
            let pos = || position(index, cert);
            // 6.1.3 (b), (c): the names of every certificate but a self-issued intermediate.
            let self_issued_ca = index > 0 && cert.is_self_issued();
            if !(name_constraints.is_empty() || self_issued_ca)
                && let Some(name) = name_refused(cert, &name_constraints)
            {
                return Err(Error::NameConstraintViolation { cert: pos(), name });
            }
            if index > 0
                && let Some(nc) = cert.name_constraints()
            {
                name_constraints.push(nc);
            }
            // 6.1.3 (a)(2): validity.
            if time < cert.not_before() {
                return Err(Error::NotYetValid {
                    cert: pos(),
                    not_before: cert.not_before(),
                    time,
                });
            }
            if time > cert.not_after() {
                return Err(Error::Expired {
                    cert: pos(),
                    not_after: cert.not_after(),
                    time,
                });
            }
            // The subject key must meet the policy (the end entity's in particular: the
            // keys above it were checked when they verified a signature).
            if let Ok(key) = cert.public_key() {
                match self.policy.check_key(key) {
                    Ok(()) => {}
                    Err(Error::RsaKeyTooSmall { bits, minimum }) => {
                        return Err(Error::WeakRsaKey {
                            cert: pos(),
                            bits,
                            minimum,
                        });
                    }
                    Err(other) => {
                        return Err(Error::UnusablePublicKey {
                            cert: pos(),
                            source: Box::new(other),
                        });
                    }
                }
            }
            // 6.1.4 (o) and 6.1.5 (f): unknown critical extensions.
            if let Some(ext) = cert
                .extensions()
                .iter()
                .find(|e| e.critical && !PROCESSED_EXTENSIONS.contains(&e.oid.as_str()))
            {
                return Err(Error::UnknownCriticalExtension {
                    cert: pos(),
                    oid: ext.oid.clone(),
                });
            }
            if index > 0 {
                // 6.1.4 (k): a CA certificate, v3 with basicConstraints cA TRUE (v1 and v2
                // certificates cannot be shown to be CAs, so they are refused).
                if cert.version() != 3 || !cert.is_ca() {
                    return Err(Error::NotCa { cert: pos() });
                }
                // 6.1.4 (l), (m): path length.
                if !cert.is_self_issued() {
                    if max_path_length == 0 {
                        return Err(Error::PathLenExceeded { cert: pos() });
                    }
                    max_path_length -= 1;
                }
                if let Some(limit) = cert.basic_constraints().and_then(|b| b.path_len) {
                    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
                    max_path_length = max_path_length.min(limit);
                }
                // 6.1.4 (n): keyCertSign.
                if cert
                    .key_usage()
                    .is_some_and(|ku| !ku.contains(KeyUsage::KEY_CERT_SIGN))
                {
                    return Err(Error::MissingKeyCertSign { cert: pos() });
                }
            } else {
                match self.purpose.check(cert, &self.signing_ekus) {
                    Ok(()) => {}
                    Err(PurposeRefusal::KeyUsage) => {
                        return Err(Error::KeyUsageNotAllowed {
                            cert: pos(),
                            purpose: self.purpose,
                        });
                    }
                    Err(PurposeRefusal::ExtendedKeyUsage) => {
                        return Err(Error::ExtendedKeyUsageNotAllowed {
                            cert: pos(),
                            purpose: self.purpose,
                            found: cert.extended_key_usage().unwrap_or_default().to_vec(),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

/// The state of one path-building call: its budgets and the best error so far.
struct Search<'v, 'a> {
    validator: &'v PathValidator<'a>,
    intermediates: &'v [Certificate],
    time: Time,
    /// The signature-check budget of the call.
    budget: &'v Budget,
    /// Signature checks this search made (bounded by [`MAX_SIGNATURE_CHECKS`]).
    signature_checks: usize,
    steps: usize,
    best: Option<(u8, Error)>,
}

/// How telling an error is, to choose among failed candidate paths.
const RANK_NO_ISSUER: u8 = 0;
const RANK_TOO_LONG: u8 = 1;
const RANK_BROKEN_LINK: u8 = 2;
const RANK_COMPLETE_PATH: u8 = 3;

impl Search<'_, '_> {
    /// Depth-first search from the last certificate of `path` towards an anchor. Returns
    /// `Ok(None)` when no path below here validates; `Err` only when a budget runs out.
    fn extend(&mut self, path: &mut Vec<Certificate>) -> Result<Option<ValidatedPath>, Error> {
        let Some(child) = path.last().cloned() else {
            return Ok(None);
        };
        let index = path.len() - 1;
        let mut found_candidate = false;

        // Anchors first: the shortest path wins.
        let anchors: Vec<Certificate> = self.candidates(&child, self.validator.anchors.iter())?;
        for anchor in anchors {
            found_candidate = true;
            if let Err(e) = check_issuer_name(&child, index, &anchor) {
                self.record(RANK_BROKEN_LINK, e);
                continue;
            }
            self.charge_signature_check()?;
            match self.check_link(&child, index, &anchor) {
                Ok(()) => {}
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(e) => {
                    self.record(RANK_BROKEN_LINK, e);
                    continue;
                }
            }
            let checked = self
                .validator
                .check_path(path, self.time)
                .and_then(|()| policy::process(path, &self.validator.policy_inputs, position))
                .and_then(|policies| {
                    let revocation = self.validator.check_revocation(
                        path,
                        &anchor,
                        self.intermediates,
                        self.time,
                        self.budget,
                    )?;
                    Ok((policies, revocation))
                });
            match checked {
                Ok((policies, revocation)) => {
                    return Ok(Some(ValidatedPath {
                        chain: path.clone(),
                        anchor,
                        time: self.time,
                        purpose: self.validator.purpose,
                        revocation,
                        policies,
                    }));
                }
                // An exhausted budget ends the whole search.
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(e) => self.record(RANK_COMPLETE_PATH, e),
            }
        }

        let intermediates = self.candidates(&child, self.intermediates.iter())?;
        for issuer in intermediates {
            if path.iter().any(|c| same_entity(c, &issuer)) {
                continue;
            }
            found_candidate = true;
            if path.len() >= MAX_PATH_DEPTH {
                self.record(
                    RANK_TOO_LONG,
                    Error::PathTooLong {
                        cert: position(index, &child),
                        limit: MAX_PATH_DEPTH,
                    },
                );
                break;
            }
            // Names first: comparing them is cheap, a signature check is not.
            if let Err(e) = check_issuer_name(&child, index, &issuer) {
                self.record(RANK_BROKEN_LINK, e);
                continue;
            }
            self.charge_signature_check()?;
            match self.check_link(&child, index, &issuer) {
                Ok(()) => {}
                Err(e @ Error::BudgetExceeded { .. }) => return Err(e),
                Err(e) => {
                    self.record(RANK_BROKEN_LINK, e);
                    continue;
                }
            }
            path.push(issuer);
            let result = self.extend(path);
            path.pop();
            if let Some(found) = result? {
                return Ok(Some(found));
            }
        }

        if !found_candidate {
            let e = if index == 0 && child.is_self_issued() {
                Error::UntrustedSelfSigned {
                    cert: position(0, &child),
                }
            } else {
                Error::UnknownIssuer {
                    cert: position(index, &child),
                }
            };
            self.record(RANK_NO_ISSUER, e);
        }
        Ok(None)
    }

    /// The certificates among `pool` that may have issued `child`: subject equal to its
    /// issuer name, or subjectKeyIdentifier equal to its authorityKeyIdentifier. Best
    /// matches first (both, then name only, then key identifier only); a name match whose
    /// key identifiers disagree comes last.
    fn candidates<'c>(
        &mut self,
        child: &Certificate,
        pool: impl Iterator<Item = &'c Certificate>,
    ) -> Result<Vec<Certificate>, Error> {
        let mut scored = Vec::new();
        for cand in pool {
            self.steps += 1;
            if self.steps > MAX_BUILD_STEPS {
                return Err(Error::BudgetExceeded {
                    what: "build steps",
                    limit: MAX_BUILD_STEPS,
                });
            }
            let name = cand.subject().matches(child.issuer());
            let key_id = match (child.authority_key_id(), cand.subject_key_id()) {
                (Some(a), Some(s)) => Some(a == s),
                _ => None,
            };
            let score = match (name, key_id) {
                (true, Some(true)) => 4,
                (true, None) => 3,
                (false, Some(true)) => 2,
                (true, Some(false)) => 1,
                (false, _) => continue,
            };
            scored.push((score, cand.clone()));
        }
        scored.sort_by_key(|s| core::cmp::Reverse(s.0));
        Ok(scored.into_iter().map(|(_, c)| c).collect())
    }

    /// Counts one signature check against this search's bound. Running out fails the whole
    /// call (the caller propagates it with `?`): a budget is not a property of one
    /// candidate.
    fn charge_signature_check(&mut self) -> Result<(), Error> {
        self.signature_checks += 1;
        if self.signature_checks > MAX_SIGNATURE_CHECKS {
            return Err(Error::BudgetExceeded {
                what: "signature checks",
                limit: MAX_SIGNATURE_CHECKS,
            });
        }
        Ok(())
    }

    /// Verifies that `issuer`'s key signed `child`, once per call (the budget remembers the
    /// outcome); the algorithm policy is applied every time.
    fn check_link(
        &self,
        child: &Certificate,
        index: usize,
        issuer: &Certificate,
    ) -> Result<(), Error> {
        let issuer_key = issuer
            .public_key()
            .map_err(|e| Error::UnsupportedSignature {
                cert: position(index, child),
                source: Box::new(e),
            })?;
        let cache = self.validator.cache;
        let policy = &self.validator.policy;
        let id = CheckId {
            object: *child.fingerprint_sha256(),
            key: *issuer.fingerprint_sha256(),
        };
        let checked = child
            .check_signed_by_policy(issuer_key, policy)
            .and_then(|()| {
                self.budget.check(id, || match cache {
                    Some(c) if c.knows_link(child, issuer) => Ok(()),
                    _ => child.verify_signed_by(issuer_key, policy).inspect(|()| {
                        if let Some(c) = cache {
                            c.remember_link(child, issuer);
                        }
                    }),
                })
            });
        checked.map_err(|e| match e {
            e @ Error::BudgetExceeded { .. } => e,
            Error::InvalidSignature => Error::BadSignature {
                cert: position(index, child),
            },
            Error::AlgorithmNotAllowed { algorithm, reason } => Error::DisallowedAlgorithm {
                cert: position(index, child),
                algorithm,
                reason,
            },
            Error::RsaKeyTooSmall { bits, minimum } => Error::WeakRsaKey {
                cert: position(index + 1, issuer),
                bits,
                minimum,
            },
            other => Error::UnsupportedSignature {
                cert: position(index, child),
                source: Box::new(other),
            },
        })
    }

    fn record(&mut self, rank: u8, error: Error) {
        match &self.best {
            Some((best_rank, _)) if *best_rank >= rank => {}
            _ => self.best = Some((rank, error)),
        }
    }
}

/// 6.1.3 (a)(4): the child's issuer name equals the issuer's subject name.
fn check_issuer_name(child: &Certificate, index: usize, issuer: &Certificate) -> Result<(), Error> {
    if child.issuer().matches(issuer.subject()) {
        Ok(())
    } else {
        Err(Error::IssuerNameMismatch {
            cert: position(index, child),
            issuer: child.issuer().to_string(),
            issuer_subject: issuer.subject().to_string(),
        })
    }
}

/// Whether two certificates are the same CA for loop detection: the same certificate, or
/// the same subject and key (a reissued certificate), as RFC 4158 section 5.2 advises.
fn same_entity(a: &Certificate, b: &Certificate) -> bool {
    a == b || (a.spki_der() == b.spki_der() && a.subject().matches(b.subject()))
}

/// The first name of `cert` that a constraint refuses: its subject as a directory name
/// (unless empty), each e-mail address in its subject as an rfc822Name (RFC 5280 section
/// 4.2.1.10), and each subject alternative name.
fn name_refused(cert: &Certificate, constraints: &[&NameConstraints]) -> Option<String> {
    let mut names: Vec<GeneralName> = Vec::new();
    if !cert.subject().is_empty() {
        names.push(GeneralName::Directory(cert.subject().clone()));
    }
    names.extend(
        cert.subject()
            .values(crate::oid::AT_EMAIL)
            .map(|e| GeneralName::Email(e.to_owned())),
    );
    names.extend(cert.subject_alt_names().iter().cloned());
    names
        .into_iter()
        .find(|name| constraints.iter().any(|nc| !nc.allows(name)))
        .map(|name| match name {
            GeneralName::Directory(n) => format!("directoryName {n}"),
            GeneralName::Dns(d) => format!("dNSName {d}"),
            GeneralName::Email(e) => format!("rfc822Name {e}"),
            GeneralName::Uri(u) => format!("URI {u}"),
            GeneralName::Ip(ip) => format!("iPAddress {ip:?}"),
            GeneralName::Other => "a name of a kind kyso does not compare".to_owned(),
        })
}

fn position(index: usize, cert: &Certificate) -> ChainPosition {
    ChainPosition {
        index,
        subject: cert.subject().to_string(),
    }
}
