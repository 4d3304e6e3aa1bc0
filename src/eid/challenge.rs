//! Certificate login by challenge and response, in the style of Web eID: the server issues
//! a fresh random nonce; the card or token signs `hash(origin) ‖ hash(nonce)` (the hash of
//! its signature algorithm), which binds the answer to the site that asked; the server
//! checks the nonce (known, fresh, used once), the signature, and the certificate's path to
//! its eID trust store for client authentication, with revocation when asked.

use crate::error::{LoginError, SignatureError};
use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine as _;

use crate::budget::{Budget, CheckId};
use crate::cert::Certificate;
use crate::digest::{DigestAlgorithm, digest};
use crate::error::Error;
use crate::key::{AlgorithmPolicy, SignatureAlgorithm};
use crate::limits::MAX_OUTSTANDING_NONCES;
use crate::path::{KeyPurpose, PathValidator, TrustContext};
use crate::time::Time;

/// A challenge to send to the client: the nonce (base64 of 32 random octets) and when it
/// stops being accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Challenge {
    /// The nonce, base64.
    pub nonce: String,
    /// When it expires.
    pub expires_at: Time,
}

/// Where issued nonces are kept until used. Implementations must make [`NonceStore::take`]
/// atomic: a nonce is handed out once at most, even to concurrent callers.
pub trait NonceStore: Send + Sync {
    /// Records a nonce valid until `expires_at`.
    ///
    /// # Errors
    ///
    /// Implementations return an error when they cannot record the nonce;
    /// [`InMemoryNonceStore`] returns [`LoginError::NonceStoreFull`] when 100,000 unexpired
    /// nonces are outstanding, or when its lock is poisoned.
    fn put(&self, nonce: &str, expires_at: Time) -> Result<(), Error>;
    /// Removes the nonce and returns its expiry, if it was there.
    fn take(&self, nonce: &str) -> Option<Time>;
}

/// A [`NonceStore`] in memory, safe across threads (for one server process).
#[derive(Debug, Default)]
pub struct InMemoryNonceStore {
    nonces: Mutex<HashMap<String, Time>>,
}

impl InMemoryNonceStore {
    /// An empty store.
    pub fn new() -> Self {
        InMemoryNonceStore::default()
    }

    /// The number of outstanding nonces.
    pub fn len(&self) -> usize {
        self.nonces.lock().map_or(0, |n| n.len())
    }

    /// Whether no nonce is outstanding.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl NonceStore for InMemoryNonceStore {
    fn put(&self, nonce: &str, expires_at: Time) -> Result<(), Error> {
        let mut n = self
            .nonces
            .lock()
            .map_err(|_| Error::Login(LoginError::NonceStoreFull))?;
        if n.len() >= MAX_OUTSTANDING_NONCES {
            let now = Time::now();
            n.retain(|_, e| *e >= now);
            if n.len() >= MAX_OUTSTANDING_NONCES {
                return Err(Error::Login(LoginError::NonceStoreFull));
            }
        }
        n.insert(nonce.to_owned(), expires_at);
        Ok(())
    }

    fn take(&self, nonce: &str) -> Option<Time> {
        self.nonces.lock().ok().and_then(|mut n| n.remove(nonce))
    }
}

/// What the client sends back.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct LoginResponse {
    /// The certificate from the card or token.
    pub certificate: Certificate,
    /// The algorithm it signed with.
    pub algorithm: SignatureAlgorithm,
    /// The signature over `hash(origin) ‖ hash(nonce)`.
    pub signature: Vec<u8>,
    /// The nonce answered (base64, as issued).
    pub nonce: String,
    /// The origin the client signed for (`https://dichvucong.gov.vn`).
    pub origin: String,
}

impl LoginResponse {
    /// A response.
    pub fn new(
        certificate: Certificate,
        algorithm: SignatureAlgorithm,
        signature: Vec<u8>,
        nonce: impl Into<String>,
        origin: impl Into<String>,
    ) -> Self {
        LoginResponse {
            certificate,
            algorithm,
            signature,
            nonce: nonce.into(),
            origin: origin.into(),
        }
    }
}

/// Who logged in, read from a certificate that validated.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedIdentity {
    /// The holder's name (commonName).
    pub name: Option<String>,
    /// CCCD number, if the certificate carries one.
    pub cccd: Option<String>,
    /// CMND number, if any.
    pub cmnd: Option<String>,
    /// Tax code (MST), with its branch, if any.
    pub tax_code: Option<String>,
    /// The organisation, if any.
    pub organization: Option<String>,
    /// SHA-256 fingerprint of the certificate, lowercase hex.
    pub fingerprint_sha256: String,
    /// The certificate's validity.
    pub not_before: Time,
    /// The end of the certificate's validity.
    pub not_after: Time,
    /// The certificate.
    pub certificate: Certificate,
}

/// The bytes a client signs: `hash(origin) ‖ hash(nonce)` with `hash` the algorithm's own.
///
/// # Errors
///
/// None: the result is `Ok` for every algorithm (for Ed25519, which has no hash of its own,
/// `hash` is SHA-256).
pub fn login_data_to_sign(
    origin: &str,
    nonce: &str,
    algorithm: SignatureAlgorithm,
) -> Result<Vec<u8>, Error> {
    let hash = algorithm
        .digest_algorithm()
        .unwrap_or(DigestAlgorithm::Sha256);
    let mut out = digest(hash, origin.as_bytes()).as_bytes().to_vec();
    out.extend_from_slice(digest(hash, nonce.as_bytes()).as_bytes());
    Ok(out)
}

/// The server side of certificate login.
///
/// ```
/// use kyso::eid::{InMemoryNonceStore, LoginResponse, LoginVerifier, login_data_to_sign};
/// use kyso::{Certificate, Revocation, Signer, SoftwareSigner, Time, TrustContext, TrustStore};
/// let anchors = TrustStore::from_pem(&std::fs::read("test-vectors/pki/root-ca.pem")?)?;
/// # let chain = Certificate::from_file("test-vectors/pki/intermediate-ca.pem")?;
/// let context = TrustContext::new(&anchors, Revocation::NotChecked).certificates(chain);
/// let store = InMemoryNonceStore::new();
/// let server = LoginVerifier::new(&context, "https://dichvucong.gov.vn", &store);
/// let challenge = server.issue(Time::now())?;
/// // On the card: sign the origin and the nonce.
/// let key = SoftwareSigner::from_file("test-vectors/keys/ee-rsa2048.key.pem", None)?;
/// let cert = Certificate::from_file("test-vectors/pki/ee-rsa2048.pem")?.remove(0);
/// let tbs = login_data_to_sign("https://dichvucong.gov.vn", &challenge.nonce, key.algorithm())?;
/// let response = LoginResponse::new(cert, key.algorithm(), key.sign(&tbs)?, challenge.nonce, "https://dichvucong.gov.vn");
/// let who = server.verify(&response, Time::now())?;
/// assert_eq!(who.cccd.as_deref(), Some("001085012345"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LoginVerifier<'a> {
    context: TrustContext<'a>,
    origin: String,
    store: &'a dyn NonceStore,
    lifetime_seconds: i64,
    algorithms: AlgorithmPolicy,
}

impl core::fmt::Debug for LoginVerifier<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("LoginVerifier")
            .field("origin", &self.origin)
            .field("lifetime_seconds", &self.lifetime_seconds)
            .finish_non_exhaustive()
    }
}

impl<'a> LoginVerifier<'a> {
    /// Logins for `origin`, with certificates chaining to the anchors of `context` (its
    /// revocation choice and supplied intermediates apply), nonces kept in `store` and valid
    /// five minutes.
    pub fn new(
        context: &TrustContext<'a>,
        origin: impl Into<String>,
        store: &'a dyn NonceStore,
    ) -> Self {
        LoginVerifier {
            context: context.clone(),
            origin: origin.into(),
            store,
            lifetime_seconds: 300,
            algorithms: AlgorithmPolicy::default(),
        }
    }

    /// How long a challenge stays valid.
    #[must_use]
    pub fn nonce_lifetime(mut self, seconds: i64) -> Self {
        self.lifetime_seconds = seconds;
        self
    }

    /// Issues a challenge (32 random octets) and records it.
    ///
    /// # Errors
    ///
    /// [`Error::RandomUnavailable`] if the system's random number generator fails, and those
    /// of the store's [`NonceStore::put`] ([`LoginError::NonceStoreFull`] for an
    /// [`InMemoryNonceStore`]).
    pub fn issue(&self, now: Time) -> Result<Challenge, Error> {
        let bytes: [u8; 32] = crate::key::random_bytes()?;
        let nonce = base64::engine::general_purpose::STANDARD.encode(bytes);
        let expires_at = Time::from_unix(now.unix().saturating_add(self.lifetime_seconds));
        self.store.put(&nonce, expires_at)?;
        Ok(Challenge { nonce, expires_at })
    }

    /// Verifies a response at `now`: the nonce was issued, has not expired and was not used
    /// (it is used up by this call, whatever the outcome); the origin is this server's; the
    /// signature verifies with the certificate's key; the certificate validates to the
    /// anchors for client authentication (keyUsage digitalSignature, clientAuth when
    /// extendedKeyUsage is present), with revocation when asked.
    ///
    /// # Errors
    ///
    /// - [`LoginError::NonceUnknown`] if the store does not hold the nonce (never issued, or
    ///   already used).
    /// - [`LoginError::NonceExpired`] if `now` is after the nonce's expiry.
    /// - [`LoginError::WrongOrigin`] if the response was signed for another origin.
    /// - Those of [`Certificate::public_key`] if kyso cannot use the certificate's key.
    /// - [`LoginError::SignatureInvalid`] if the signature does not verify, and the other
    ///   errors of [`PublicKey::verify`](crate::key::PublicKey::verify) (an algorithm for another
    ///   key type, an algorithm or key size refused).
    /// - Those of [`PathValidator::validate`] if the certificate does not validate to the
    ///   anchors for client authentication at `now`.
    pub fn verify(&self, response: &LoginResponse, now: Time) -> Result<VerifiedIdentity, Error> {
        let expires_at = self
            .store
            .take(&response.nonce)
            .ok_or(Error::Login(LoginError::NonceUnknown))?;
        if now > expires_at {
            return Err(Error::Login(LoginError::NonceExpired {
                expired_at: expires_at,
            }));
        }
        if response.origin != self.origin {
            return Err(Error::Login(LoginError::WrongOrigin {
                expected: self.origin.clone(),
                found: response.origin.clone(),
            }));
        }
        let tbs = login_data_to_sign(&self.origin, &response.nonce, response.algorithm)?;
        let key = response.certificate.public_key()?;
        // One budget for the answer and the certificate's path.
        let budget = Budget::default();
        let id = CheckId {
            object: crate::revocation::crl::sha256(&[tbs.as_slice(), &response.signature].concat()),
            key: *response.certificate.fingerprint_sha256(),
        };
        budget
            .check(id, || {
                key.verify(
                    response.algorithm,
                    &tbs,
                    &response.signature,
                    &self.algorithms,
                )
            })
            .map_err(|e| match e {
                Error::Signature(SignatureError::InvalidSignature) => {
                    Error::Login(LoginError::SignatureInvalid)
                }
                other => other,
            })?;
        let path = PathValidator::new(&self.context, now)
            .purpose(KeyPurpose::ClientAuthentication)
            .algorithm_policy(self.algorithms)
            .budget(&budget)
            .validate(&response.certificate, &[])?;
        let cert = path.leaf().clone();
        let id = cert.identity();
        Ok(VerifiedIdentity {
            name: id.common_name.clone(),
            cccd: id.cccd().map(str::to_owned),
            cmnd: id.cmnd().map(str::to_owned),
            tax_code: id.tax_code_text(),
            organization: id.organization.clone(),
            fingerprint_sha256: crate::digest::hex(cert.fingerprint_sha256(), false),
            not_before: cert.not_before(),
            not_after: cert.not_after(),
            certificate: cert,
        })
    }
}
