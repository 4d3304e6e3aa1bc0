//! Signing with keys on PKCS#11 tokens (USB tokens, smart cards, HSMs) through the
//! `cryptoki` crate. Feature `pkcs11`.
//!
//! ```no_run
//! use kyso::pkcs11::{KeySelector, Pkcs11Module, TokenSelector};
//! use kyso::{Signer, SignatureBuilder, Time};
//!
//! let module = Pkcs11Module::load("/usr/lib/softhsm/libsofthsm2.so")?;
//! let token = module.open(&TokenSelector::Label("kyso-test".into()), "123456")?;
//! let signer = token.signer(&KeySelector::Label("rsa".into()), None)?;
//! let signature = SignatureBuilder::new(signer.certificate().clone(), Time::now())
//!     .sign(b"document", &signer)?;
//! # Ok::<(), kyso::Error>(())
//! ```
//!
//! The PIN is handed to the token once, at login, from a buffer that is wiped when dropped;
//! kyso keeps no copy. One logged-in session per token is shared by its signers behind a
//! mutex, so a [`Pkcs11Signer`] is `Send + Sync` and signs from any thread, one signature at
//! a time (tokens serialise operations anyway).

use std::sync::{Arc, Mutex};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use der::Encode;

use crate::cert::Certificate;
use crate::digest::{Digest, DigestAlgorithm, digest};
use crate::error::Error;
use crate::key::{KeyType, PublicKey, SignatureAlgorithm, Signer, check_digest_for};

/// A loaded PKCS#11 module (the token vendor's library).
#[derive(Clone)]
pub struct Pkcs11Module {
    context: Pkcs11,
}

/// Which token to use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenSelector {
    /// The token with this label.
    Label(String),
    /// The token with this serial number.
    Serial(String),
    /// The first token present.
    First,
}

/// Which key on the token to use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySelector {
    /// The private key with this label (CKA_LABEL).
    Label(String),
    /// The private key with this identifier (CKA_ID).
    Id(Vec<u8>),
}

/// A token present in a slot.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenDescription {
    /// The token's label.
    pub label: String,
    /// The token's serial number.
    pub serial: String,
    /// The manufacturer.
    pub manufacturer: String,
    /// The model.
    pub model: String,
}

/// A private key on a token, for a tool to let its user choose.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TokenKey {
    /// CKA_LABEL.
    pub label: String,
    /// CKA_ID.
    pub id: Vec<u8>,
    /// Whether the key may sign (CKA_SIGN).
    pub can_sign: bool,
    /// The certificate stored with the same CKA_ID, if any.
    pub certificate: Option<Certificate>,
}

/// A token with a logged-in session.
pub struct Pkcs11Token {
    context: Pkcs11,
    slot: Slot,
    session: Arc<Mutex<Session>>,
    description: TokenDescription,
}

/// A [`Signer`] whose private key stays on a PKCS#11 token.
pub struct Pkcs11Signer {
    session: Arc<Mutex<Session>>,
    key: ObjectHandle,
    algorithm: SignatureAlgorithm,
    certificate: Certificate,
    public_key: PublicKey,
    mechanisms: Vec<MechanismType>,
}

impl Pkcs11Module {
    /// Loads and initialises a PKCS#11 module from its file path. A module already
    /// initialised in this process (by another `Pkcs11Module`) is used as it is.
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let context = Pkcs11::new(path).map_err(|e| Error::Pkcs11Module {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
            Err(e) => {
                return Err(Error::Pkcs11Module {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                });
            }
        }
        Ok(Pkcs11Module { context })
    }

    /// The tokens present.
    pub fn tokens(&self) -> Result<Vec<TokenDescription>, Error> {
        let slots = self.context.get_slots_with_token().map_err(map_error)?;
        // A token pulled out while listing is left out rather than failing the list.
        Ok(slots
            .into_iter()
            .filter_map(|s| self.describe(s).ok())
            .collect())
    }

    fn describe(&self, slot: Slot) -> Result<TokenDescription, Error> {
        let info = self.context.get_token_info(slot).map_err(map_error)?;
        Ok(TokenDescription {
            label: info.label().trim().to_owned(),
            serial: info.serial_number().trim().to_owned(),
            manufacturer: info.manufacturer_id().trim().to_owned(),
            model: info.model().trim().to_owned(),
        })
    }

    /// Opens the chosen token and logs in with `pin`. The PIN is copied into a buffer wiped
    /// on drop, used for this login only, and never logged.
    ///
    /// Errors: [`Error::TokenNotFound`], [`Error::WrongPin`], [`Error::PinLocked`], and
    /// [`Error::Pkcs11`] for the rest.
    pub fn open(&self, selector: &TokenSelector, pin: &str) -> Result<Pkcs11Token, Error> {
        let slots = self.context.get_slots_with_token().map_err(map_error)?;
        let mut chosen = None;
        for slot in slots {
            let Ok(d) = self.describe(slot) else {
                continue;
            };
            let hit = match selector {
                TokenSelector::Label(l) => d.label == *l,
                TokenSelector::Serial(s) => d.serial == *s,
                TokenSelector::First => true,
            };
            if hit {
                chosen = Some((slot, d));
                break;
            }
        }
        let (slot, description) = chosen.ok_or_else(|| Error::TokenNotFound {
            selector: format!("{selector:?}"),
        })?;
        let session = self.context.open_ro_session(slot).map_err(map_error)?;
        let auth = AuthPin::from(pin.to_owned());
        match session.login(UserType::User, Some(&auth)) {
            Ok(()) => {}
            // PKCS#11 login state is shared by every session of the process: another token
            // handle already logged in. The PIN given must still be checked, so log out and
            // in again with it; a wrong PIN then leaves the token logged out for every handle
            // (they report `TokenRemoved` and must be opened again).
            Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {
                session.logout().map_err(map_error)?;
                session
                    .login(UserType::User, Some(&auth))
                    .map_err(map_error)?;
            }
            Err(e) => return Err(map_error(e)),
        }
        drop(auth);
        Ok(Pkcs11Token {
            context: self.context.clone(),
            slot,
            session: Arc::new(Mutex::new(session)),
            description,
        })
    }
}

impl Pkcs11Token {
    /// The token's description.
    pub fn description(&self) -> &TokenDescription {
        &self.description
    }

    /// The private keys on the token, with their certificates where the token has them.
    pub fn keys(&self) -> Result<Vec<TokenKey>, Error> {
        let session = lock(&self.session)?;
        let handles = session
            .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)])
            .map_err(map_error)?;
        let mut out = Vec::new();
        for h in handles {
            let (label, id, can_sign) = key_attributes(&session, h)?;
            let certificate = find_certificate(&session, &id, &label)?;
            out.push(TokenKey {
                label,
                id,
                can_sign,
                certificate,
            });
        }
        Ok(out)
    }

    /// A signer for the chosen key. Its certificate is the one stored on the token with the
    /// same CKA_ID (or label), or `certificate` when given (for tokens that hold none).
    ///
    /// The algorithm is RSA PKCS#1 v1.5 with SHA-256 for RSA keys, ECDSA with the curve's hash
    /// for EC keys, Ed25519 for Edwards keys; [`Pkcs11Signer::with_algorithm`] changes it.
    pub fn signer(
        &self,
        selector: &KeySelector,
        certificate: Option<Certificate>,
    ) -> Result<Pkcs11Signer, Error> {
        let session = lock(&self.session)?;
        let template = match selector {
            KeySelector::Label(l) => Attribute::Label(l.as_bytes().to_vec()),
            KeySelector::Id(id) => Attribute::Id(id.clone()),
        };
        let handles = session
            .find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY), template])
            .map_err(map_error)?;
        let key = match handles.as_slice() {
            [one] => *one,
            [] => {
                return Err(Error::KeyNotFound {
                    selector: format!("{selector:?}"),
                });
            }
            many => {
                return Err(Error::KeyAmbiguous {
                    selector: format!("{selector:?}"),
                    count: many.len(),
                });
            }
        };
        let (label, id, _) = key_attributes(&session, key)?;
        let certificate = match certificate {
            Some(c) => c,
            None => find_certificate(&session, &id, &label)?
                .ok_or_else(|| Error::TokenCertificateMissing { key: label.clone() })?,
        };
        let public_key = certificate.public_key()?.clone();
        // The certificate must be the key's: compare with the token's public key object
        // when the token has one, before anything is signed.
        if let Some(matches) = token_public_key_matches(&session, &id, &public_key)?
            && !matches
        {
            return Err(Error::SignerKeyMismatch);
        }
        drop(session);
        let algorithm = match public_key.key_type() {
            KeyType::Rsa => SignatureAlgorithm::RsaPkcs1Sha256,
            KeyType::EcP256 => SignatureAlgorithm::EcdsaP256Sha256,
            KeyType::EcP384 => SignatureAlgorithm::EcdsaP384Sha384,
            KeyType::Ed25519 => SignatureAlgorithm::Ed25519,
            other => {
                // kyso verifies over these curves but does not sign with them.
                return Err(Error::MechanismUnsupported {
                    algorithm: SignatureAlgorithm::Ecdsa {
                        key: other,
                        digest: crate::digest::DigestAlgorithm::Sha256,
                    },
                });
            }
        };
        let mechanisms = self
            .context
            .get_mechanism_list(self.slot)
            .map_err(map_error)?;
        Ok(Pkcs11Signer {
            session: Arc::clone(&self.session),
            key,
            algorithm,
            certificate,
            public_key,
            mechanisms,
        })
    }
}

impl Pkcs11Signer {
    /// The same key signing with another algorithm of its type (another RSA hash, PSS).
    pub fn with_algorithm(mut self, algorithm: SignatureAlgorithm) -> Result<Self, Error> {
        if algorithm.key_type() != self.public_key.key_type() {
            return Err(Error::AlgorithmKeyMismatch { algorithm });
        }
        if !algorithm.can_sign() {
            return Err(Error::AlgorithmNotAllowed {
                algorithm,
                reason: crate::error::DisallowedReason::VerifyOnly,
            });
        }
        plan(algorithm, &self.mechanisms, false)?;
        self.algorithm = algorithm;
        Ok(self)
    }

    /// The certificate of the key.
    pub fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    fn run(&self, step: &Step, data: &[u8]) -> Result<Vec<u8>, Error> {
        let session = lock(&self.session)?;
        let algorithm = self.algorithm;
        let raw = session
            .sign(&step.mechanism(), self.key, data)
            .map_err(|e| match e {
                CkError::Pkcs11(RvError::MechanismInvalid | RvError::MechanismParamInvalid, _) => {
                    Error::MechanismUnsupported { algorithm }
                }
                CkError::Pkcs11(RvError::KeyTypeInconsistent, _) => {
                    Error::AlgorithmKeyMismatch { algorithm }
                }
                other => map_error(other),
            })?;
        drop(session);
        if step.raw_ecdsa {
            let expected = match self.public_key.key_type() {
                KeyType::EcP384 => 96,
                _ => 64,
            };
            if raw.len() != expected {
                return Err(Error::SignerFailed {
                    reason: format!(
                        "the token returned an ECDSA signature of {} bytes, {expected} expected",
                        raw.len()
                    ),
                });
            }
            ecdsa_raw_to_der(&raw)
        } else {
            Ok(raw)
        }
    }
}

impl Signer for Pkcs11Signer {
    fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    fn public_key(&self) -> Option<&PublicKey> {
        Some(&self.public_key)
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let step = plan(self.algorithm, &self.mechanisms, false)?;
        match step.input {
            Input::Message => self.run(&step, message),
            Input::Hash(h) => self.run(&step, &prepare_hash(&step, &digest(h, message))?),
        }
    }

    fn sign_digest(&self, d: &Digest) -> Result<Vec<u8>, Error> {
        check_digest_for(self.algorithm, d)?;
        let step = plan(self.algorithm, &self.mechanisms, true)?;
        self.run(&step, &prepare_hash(&step, d)?)
    }

    fn supports_digest_signing(&self) -> bool {
        plan(self.algorithm, &self.mechanisms, true).is_ok()
    }
}

impl core::fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("algorithm", &self.algorithm)
            .field("certificate", &self.certificate)
            .finish_non_exhaustive()
    }
}

/// What the mechanism is given: the message itself, or its hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Input {
    Message,
    Hash(DigestAlgorithm),
}

/// A mechanism choice for one signature.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Step {
    mechanism_type: MechanismType,
    pss: Option<DigestAlgorithm>,
    input: Input,
    /// CKM_RSA_PKCS signs a DigestInfo the caller builds.
    digest_info: bool,
    /// CKM_ECDSA returns r || s, which CMS wants as a DER SEQUENCE.
    raw_ecdsa: bool,
}

impl Step {
    fn mechanism(&self) -> Mechanism<'static> {
        let pss = |h: DigestAlgorithm| {
            let (hash_alg, mgf) = match h {
                DigestAlgorithm::Sha384 => (MechanismType::SHA384, PkcsMgfType::MGF1_SHA384),
                DigestAlgorithm::Sha512 => (MechanismType::SHA512, PkcsMgfType::MGF1_SHA512),
                _ => (MechanismType::SHA256, PkcsMgfType::MGF1_SHA256),
            };
            PkcsPssParams {
                hash_alg,
                mgf,
                // Hash lengths (32, 48, 64) always fit.
                s_len: cryptoki::types::Ulong::try_from(h.output_len())
                    .unwrap_or_else(|_| cryptoki::types::Ulong::from(32)),
            }
        };
        match (self.mechanism_type, self.pss) {
            (t, Some(h)) if t == MechanismType::RSA_PKCS_PSS => Mechanism::RsaPkcsPss(pss(h)),
            (t, Some(h)) if t == MechanismType::SHA256_RSA_PKCS_PSS => {
                Mechanism::Sha256RsaPkcsPss(pss(h))
            }
            (t, Some(h)) if t == MechanismType::SHA384_RSA_PKCS_PSS => {
                Mechanism::Sha384RsaPkcsPss(pss(h))
            }
            (_, Some(h)) => Mechanism::Sha512RsaPkcsPss(pss(h)),
            (t, None) if t == MechanismType::SHA256_RSA_PKCS => Mechanism::Sha256RsaPkcs,
            (t, None) if t == MechanismType::SHA384_RSA_PKCS => Mechanism::Sha384RsaPkcs,
            (t, None) if t == MechanismType::SHA512_RSA_PKCS => Mechanism::Sha512RsaPkcs,
            (t, None) if t == MechanismType::RSA_PKCS => Mechanism::RsaPkcs,
            (t, None) if t == MechanismType::ECDSA => Mechanism::Ecdsa,
            _ => Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure)),
        }
    }
}

/// Chooses the mechanism for `algorithm` among those the token offers: the one that hashes
/// on the token first (for whole messages), else the raw one over a hash kyso computes.
/// `digest_only` asks for a mechanism that takes a precomputed hash.
fn plan(
    algorithm: SignatureAlgorithm,
    available: &[MechanismType],
    digest_only: bool,
) -> Result<Step, Error> {
    use SignatureAlgorithm::*;
    let hash = algorithm.digest_algorithm();
    let step = |t: MechanismType, input: Input| Step {
        mechanism_type: t,
        pss: None,
        input,
        digest_info: false,
        raw_ecdsa: false,
    };
    let candidates: Vec<Step> = match (algorithm, hash) {
        (RsaPkcs1Sha256 | RsaPkcs1Sha384 | RsaPkcs1Sha512, Some(h)) => {
            let hashing = match h {
                DigestAlgorithm::Sha384 => MechanismType::SHA384_RSA_PKCS,
                DigestAlgorithm::Sha512 => MechanismType::SHA512_RSA_PKCS,
                _ => MechanismType::SHA256_RSA_PKCS,
            };
            vec![
                step(hashing, Input::Message),
                Step {
                    digest_info: true,
                    ..step(MechanismType::RSA_PKCS, Input::Hash(h))
                },
            ]
        }
        (RsaPssSha256 | RsaPssSha384 | RsaPssSha512, Some(h)) => {
            let hashing = match h {
                DigestAlgorithm::Sha384 => MechanismType::SHA384_RSA_PKCS_PSS,
                DigestAlgorithm::Sha512 => MechanismType::SHA512_RSA_PKCS_PSS,
                _ => MechanismType::SHA256_RSA_PKCS_PSS,
            };
            vec![
                Step {
                    pss: Some(h),
                    ..step(hashing, Input::Message)
                },
                Step {
                    pss: Some(h),
                    ..step(MechanismType::RSA_PKCS_PSS, Input::Hash(h))
                },
            ]
        }
        (EcdsaP256Sha256 | EcdsaP384Sha384, Some(h)) => vec![Step {
            raw_ecdsa: true,
            ..step(MechanismType::ECDSA, Input::Hash(h))
        }],
        (Ed25519, _) => vec![step(MechanismType::EDDSA, Input::Message)],
        _ => Vec::new(),
    };
    candidates
        .into_iter()
        .filter(|s| !digest_only || matches!(s.input, Input::Hash(_)))
        .find(|s| available.contains(&s.mechanism_type))
        .ok_or_else(|| {
            if digest_only && algorithm == Ed25519 {
                Error::DigestSigningUnsupported { algorithm }
            } else {
                Error::MechanismUnsupported { algorithm }
            }
        })
}

/// The bytes a hash-taking mechanism signs: the DigestInfo for CKM_RSA_PKCS (RFC 8017
/// section 9.2), else the hash itself.
fn prepare_hash(step: &Step, d: &Digest) -> Result<Vec<u8>, Error> {
    if !step.digest_info {
        return Ok(d.as_bytes().to_vec());
    }
    // DigestInfo prefixes of RFC 8017 section 9.2, note 1.
    let prefix: &[u8] = match d.algorithm() {
        DigestAlgorithm::Sha256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ],
        DigestAlgorithm::Sha384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x02, 0x05, 0x00, 0x04, 0x30,
        ],
        DigestAlgorithm::Sha512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x03, 0x05, 0x00, 0x04, 0x40,
        ],
        _ => {
            // Only SHA-1 is left, which kyso never signs with.
            return Err(Error::AlgorithmNotAllowed {
                algorithm: SignatureAlgorithm::RsaPkcs1Sha1ForLegacyUseOnly,
                reason: crate::error::DisallowedReason::VerifyOnly,
            });
        }
    };
    Ok([prefix, d.as_bytes()].concat())
}

/// `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` from PKCS#11's r || s.
#[derive(der::Sequence)]
struct EcdsaSig<'a> {
    r: der::asn1::UintRef<'a>,
    s: der::asn1::UintRef<'a>,
}

fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>, Error> {
    let bad = || Error::SignerFailed {
        reason: "the token returned an ECDSA signature of odd length".to_owned(),
    };
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return Err(bad());
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let sig = EcdsaSig {
        r: der::asn1::UintRef::new(r).map_err(|_| bad())?,
        s: der::asn1::UintRef::new(s).map_err(|_| bad())?,
    };
    sig.to_der().map_err(|_| bad())
}

fn lock(session: &Mutex<Session>) -> Result<std::sync::MutexGuard<'_, Session>, Error> {
    session.lock().map_err(|_| Error::SignerFailed {
        reason: "a previous use of the token session panicked".to_owned(),
    })
}

fn key_attributes(session: &Session, key: ObjectHandle) -> Result<(String, Vec<u8>, bool), Error> {
    let attrs = session
        .get_attributes(
            key,
            &[AttributeType::Label, AttributeType::Id, AttributeType::Sign],
        )
        .map_err(map_error)?;
    let (mut label, mut id, mut can_sign) = (String::new(), Vec::new(), false);
    for a in attrs {
        match a {
            Attribute::Label(l) => label = String::from_utf8_lossy(&l).into_owned(),
            Attribute::Id(i) => id = i,
            Attribute::Sign(s) => can_sign = s,
            _ => {}
        }
    }
    Ok((label, id, can_sign))
}

/// The certificate stored with the key's CKA_ID, else with its label.
fn find_certificate(
    session: &Session,
    id: &[u8],
    label: &str,
) -> Result<Option<Certificate>, Error> {
    // By CKA_ID, which ties a certificate to its key; by label only for keys without one.
    let template = if id.is_empty() {
        Attribute::Label(label.as_bytes().to_vec())
    } else {
        Attribute::Id(id.to_vec())
    };
    let templates = [template];
    for t in templates {
        let handles = session
            .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE), t])
            .map_err(map_error)?;
        for h in handles {
            let value = session
                .get_attributes(h, &[AttributeType::Value])
                .map_err(map_error)?;
            for a in value {
                if let Attribute::Value(der_bytes) = a
                    && let Ok(c) = Certificate::from_der(&der_bytes)
                {
                    return Ok(Some(c));
                }
            }
        }
    }
    Ok(None)
}

/// Whether the token's public key with `id` is `expected`; `None` when the token holds no
/// public key object for it (the signature is then checked against the certificate when the
/// CMS is finished).
fn token_public_key_matches(
    session: &Session,
    id: &[u8],
    expected: &PublicKey,
) -> Result<Option<bool>, Error> {
    if id.is_empty() {
        return Ok(None);
    }
    let handles = session
        .find_objects(&[
            Attribute::Class(ObjectClass::PUBLIC_KEY),
            Attribute::Id(id.to_vec()),
        ])
        .map_err(map_error)?;
    let Some(handle) = handles.first() else {
        return Ok(None);
    };
    let attrs = session
        .get_attributes(*handle, &[AttributeType::Modulus, AttributeType::EcPoint])
        .map_err(map_error)?;
    let strip = |b: &[u8]| -> Vec<u8> { b.iter().copied().skip_while(|x| *x == 0).collect() };
    for a in attrs {
        match a {
            Attribute::Modulus(m) if expected.key_type() == KeyType::Rsa => {
                let Ok(rsa) =
                    <pkcs1::RsaPublicKey<der::asn1::UintRef<'_>> as der::Decode>::from_der(
                        expected.key_bytes(),
                    )
                else {
                    return Ok(Some(false));
                };
                return Ok(Some(strip(&m) == strip(rsa.modulus.as_bytes())));
            }
            Attribute::EcPoint(p) if expected.key_type() != KeyType::Rsa => {
                // PKCS#11 wraps the point in a DER OCTET STRING; some tokens give it bare.
                let bare = expected.key_bytes();
                let wrapped = der::asn1::OctetStringRef::new(bare)
                    .ok()
                    .and_then(|o| o.to_der().ok());
                return Ok(Some(p == bare || wrapped.is_some_and(|w| w == p)));
            }
            _ => {}
        }
    }
    Ok(None)
}

/// Maps a PKCS#11 failure to kyso's error.
pub(crate) fn map_error(e: CkError) -> Error {
    match e {
        CkError::Pkcs11(rv, function) => map_rv(rv, &function.to_string()),
        other => Error::Pkcs11 {
            function: String::new(),
            code: other.to_string(),
        },
    }
}

fn map_rv(rv: RvError, function: &str) -> Error {
    match rv {
        RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange => Error::WrongPin,
        RvError::PinLocked => Error::PinLocked,
        RvError::PinExpired => Error::PinExpired,
        RvError::DeviceRemoved
        | RvError::TokenNotPresent
        | RvError::SessionClosed
        | RvError::SessionHandleInvalid
        | RvError::TokenNotRecognized
        | RvError::SlotIdInvalid
        // A key handle dies with the login that made the private key visible.
        | RvError::KeyHandleInvalid
        | RvError::ObjectHandleInvalid => Error::TokenRemoved,
        RvError::UserNotLoggedIn => Error::LoginRequired,
        RvError::KeyFunctionNotPermitted => Error::KeyCannotSign,
        other => Error::Pkcs11 {
            function: function.to_owned(),
            code: format!("{other:?}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_classes_map_to_specific_errors() {
        assert_eq!(map_rv(RvError::PinIncorrect, "Login"), Error::WrongPin);
        assert_eq!(map_rv(RvError::PinLocked, "Login"), Error::PinLocked);
        assert_eq!(map_rv(RvError::PinExpired, "Login"), Error::PinExpired);
        assert_eq!(map_rv(RvError::DeviceRemoved, "Sign"), Error::TokenRemoved);
        assert_eq!(
            map_rv(RvError::TokenNotPresent, "Sign"),
            Error::TokenRemoved
        );
        assert_eq!(
            map_rv(RvError::KeyFunctionNotPermitted, "Sign"),
            Error::KeyCannotSign
        );
        assert_eq!(
            map_rv(RvError::UserNotLoggedIn, "Sign"),
            Error::LoginRequired
        );
        assert_eq!(map_rv(RvError::SlotIdInvalid, "Sign"), Error::TokenRemoved);
        assert!(matches!(
            map_rv(RvError::GeneralError, "Sign"),
            Error::Pkcs11 { .. }
        ));
    }

    #[test]
    fn mechanism_choice_and_fallbacks() {
        use MechanismType as M;
        let all = [
            M::SHA256_RSA_PKCS,
            M::RSA_PKCS,
            M::RSA_PKCS_PSS,
            M::ECDSA,
            M::EDDSA,
        ];
        let s = plan(SignatureAlgorithm::RsaPkcs1Sha256, &all, false).unwrap();
        assert_eq!(s.mechanism_type, M::SHA256_RSA_PKCS);
        // A token without the hashing mechanism: CKM_RSA_PKCS over a DigestInfo.
        let s = plan(SignatureAlgorithm::RsaPkcs1Sha256, &[M::RSA_PKCS], false).unwrap();
        assert!(s.digest_info);
        // Digest signing always takes the raw mechanism.
        let s = plan(SignatureAlgorithm::RsaPkcs1Sha256, &all, true).unwrap();
        assert_eq!(s.mechanism_type, M::RSA_PKCS);
        let s = plan(SignatureAlgorithm::RsaPssSha384, &all, true).unwrap();
        assert_eq!(
            (s.mechanism_type, s.pss),
            (M::RSA_PKCS_PSS, Some(DigestAlgorithm::Sha384))
        );
        // A mechanism the token lacks.
        assert_eq!(
            plan(SignatureAlgorithm::EcdsaP256Sha256, &[M::RSA_PKCS], false),
            Err(Error::MechanismUnsupported {
                algorithm: SignatureAlgorithm::EcdsaP256Sha256
            })
        );
        assert_eq!(
            plan(SignatureAlgorithm::Ed25519, &all, true),
            Err(Error::DigestSigningUnsupported {
                algorithm: SignatureAlgorithm::Ed25519
            })
        );
    }

    #[test]
    fn ecdsa_conversion() {
        let mut raw = vec![0u8; 64];
        raw[0] = 0x80; // r needs a leading zero in DER
        raw[63] = 0x01;
        let der_sig = ecdsa_raw_to_der(&raw).unwrap();
        assert_eq!(&der_sig[..4], &[0x30, 0x26, 0x02, 0x21]);
        assert!(ecdsa_raw_to_der(&[1, 2, 3]).is_err());
        assert!(ecdsa_raw_to_der(&[]).is_err());
    }
}
