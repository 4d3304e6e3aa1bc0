//! A logged-in token: its keys, the certificates stored with them, and the signer for one
//! key, checked against its certificate.

use crate::error::{SigningError, TokenError};
use std::sync::{Arc, Mutex};

use cryptoki::context::Pkcs11;
use cryptoki::object::{Attribute, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use cryptoki::slot::Slot;
use der::Encode;

use crate::cert::Certificate;
use crate::error::Error;
use crate::key::{KeyType, PublicKey, SignatureAlgorithm};

use crate::pkcs11::error::map_error;
use crate::pkcs11::module::TokenDescription;
use crate::pkcs11::signer::{Pkcs11Signer, lock};

/// Which key on the token to use.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySelector {
    /// The private key with this label (CKA_LABEL).
    Label(String),
    /// The private key with this identifier (CKA_ID).
    Id(Vec<u8>),
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
    pub(super) context: Pkcs11,
    pub(super) slot: Slot,
    pub(super) session: Arc<Mutex<Session>>,
    pub(super) description: TokenDescription,
}

impl Pkcs11Token {
    /// The token's description.
    pub fn description(&self) -> &TokenDescription {
        &self.description
    }

    /// The private keys on the token, with their certificates where the token has them.
    ///
    /// # Errors
    ///
    /// - [`TokenError::Removed`] if the token was removed or its session closed since it was
    ///   opened (PKCS #11 v2.40 `CKR_DEVICE_REMOVED`, `CKR_TOKEN_NOT_PRESENT`,
    ///   `CKR_SESSION_CLOSED`, `CKR_SESSION_HANDLE_INVALID`, `CKR_OBJECT_HANDLE_INVALID`).
    /// - [`TokenError::PinExpired`] on `CKR_PIN_EXPIRED`.
    /// - [`TokenError::Other`] with the function and return value for other failures of the
    ///   object search (`C_FindObjectsInit`, `C_FindObjects`, `C_FindObjectsFinal`) or of
    ///   `C_GetAttributeValue`.
    /// - [`SigningError::SignerFailed`] if an earlier use of the token's session panicked.
    ///
    /// A certificate object whose value does not decode is passed over, not an error.
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
    ///
    /// # Errors
    ///
    /// - [`TokenError::KeyNotFound`] if no private key matches `selector`, and
    ///   [`TokenError::KeyAmbiguous`] if several do.
    /// - [`TokenError::CertificateMissing`] if `certificate` is `None` and the token holds no
    ///   certificate that decodes under the key's CKA_ID (or its CKA_LABEL, for a key
    ///   without a CKA_ID).
    /// - Those of [`Certificate::public_key`] for the certificate's key.
    /// - [`SigningError::SignerKeyMismatch`] if the token holds a public key object with the key's
    ///   CKA_ID and it is not the certificate's key.
    /// - [`TokenError::MechanismUnsupported`] for a key kyso does not sign with: ECDSA over a
    ///   curve other than P-256 and P-384.
    /// - [`TokenError::Removed`], [`TokenError::PinExpired`] and [`TokenError::Other`] for failures of
    ///   the object search, `C_GetAttributeValue` or `C_GetMechanismList`, as for
    ///   [`Pkcs11Token::keys`].
    /// - [`SigningError::SignerFailed`] if an earlier use of the token's session panicked.
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
                return Err(Error::Token(TokenError::KeyNotFound {
                    selector: format!("{selector:?}"),
                }));
            }
            many => {
                return Err(Error::Token(TokenError::KeyAmbiguous {
                    selector: format!("{selector:?}"),
                    count: many.len(),
                }));
            }
        };
        let (label, id, _) = key_attributes(&session, key)?;
        let certificate = match certificate {
            Some(c) => c,
            None => find_certificate(&session, &id, &label)?.ok_or_else(|| {
                Error::Token(TokenError::CertificateMissing { key: label.clone() })
            })?,
        };
        let public_key = certificate.public_key()?.clone();
        // The certificate must be the key's: compare with the token's public key object
        // when the token has one, before anything is signed.
        if let Some(matches) = token_public_key_matches(&session, &id, &public_key)?
            && !matches
        {
            return Err(Error::Signing(SigningError::SignerKeyMismatch));
        }
        drop(session);
        let algorithm = match public_key.key_type() {
            KeyType::Rsa => SignatureAlgorithm::RsaPkcs1Sha256,
            KeyType::EcP256 => SignatureAlgorithm::EcdsaP256Sha256,
            KeyType::EcP384 => SignatureAlgorithm::EcdsaP384Sha384,
            KeyType::Ed25519 => SignatureAlgorithm::Ed25519,
            other => {
                // kyso verifies over these curves but does not sign with them.
                return Err(Error::Token(TokenError::MechanismUnsupported {
                    algorithm: SignatureAlgorithm::Ecdsa {
                        key: other,
                        digest: crate::digest::DigestAlgorithm::Sha256,
                    },
                }));
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

pub(super) fn key_attributes(
    session: &Session,
    key: ObjectHandle,
) -> Result<(String, Vec<u8>, bool), Error> {
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
pub(super) fn find_certificate(
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
pub(super) fn token_public_key_matches(
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
