//! Loading a PKCS#11 module, listing its tokens, and logging in to one.

use crate::error::TokenError;
use std::sync::{Arc, Mutex};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::session::UserType;
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use crate::error::Error;

use crate::pkcs11::error::map_error;
use crate::pkcs11::token::Pkcs11Token;

/// A loaded PKCS#11 module (the token vendor's library).
#[derive(Clone)]
pub struct Pkcs11Module {
    context: Pkcs11,
}

/// Which token to use.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenSelector {
    /// The token with this label.
    Label(String),
    /// The token with this serial number.
    Serial(String),
    /// The first token present.
    First,
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

impl Pkcs11Module {
    /// Loads and initialises a PKCS#11 module from its file path. A module already
    /// initialised in this process (by another `Pkcs11Module`) is used as it is.
    ///
    /// # Errors
    ///
    /// [`TokenError::Module`] with the path and the reason if the file cannot be loaded as a
    /// PKCS#11 module (missing, not a library, or no function list from `C_GetInterface` or
    /// `C_GetFunctionList`), or if `C_Initialize` returns anything but `CKR_OK` or
    /// `CKR_CRYPTOKI_ALREADY_INITIALIZED` (PKCS #11 v2.40).
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let context = Pkcs11::new(path).map_err(|e| {
            Error::Token(TokenError::Module {
                path: path.display().to_string(),
                reason: e.to_string(),
            })
        })?;
        match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
            Err(e) => {
                return Err(Error::Token(TokenError::Module {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                }));
            }
        }
        Ok(Pkcs11Module { context })
    }

    /// The tokens present.
    ///
    /// # Errors
    ///
    /// [`TokenError::Other`] with the function and return value if `C_GetSlotList` fails (PKCS
    /// #11 v2.40 return values such as `CKR_GENERAL_ERROR` or `CKR_HOST_MEMORY`). A token
    /// whose `C_GetTokenInfo` fails, such as one removed while the list is made, is left
    /// out rather than failing the list.
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
    /// # Errors
    ///
    /// - [`TokenError::NotFound`] if no slot holds a token that matches `selector` (slots
    ///   whose `C_GetTokenInfo` fails are passed over).
    /// - [`TokenError::WrongPin`] if the token refuses `pin` (PKCS #11 v2.40 `CKR_PIN_INCORRECT`, or
    ///   `CKR_PIN_INVALID` or `CKR_PIN_LEN_RANGE` for characters or a length it does not take).
    /// - [`TokenError::PinLocked`] on `CKR_PIN_LOCKED`, after too many wrong PINs.
    /// - [`TokenError::PinExpired`] on `CKR_PIN_EXPIRED`: the PIN must be changed on the token
    ///   first.
    /// - [`TokenError::Removed`] if the token goes away while it is opened
    ///   (`CKR_DEVICE_REMOVED`, `CKR_TOKEN_NOT_PRESENT`, `CKR_TOKEN_NOT_RECOGNIZED`,
    ///   `CKR_SLOT_ID_INVALID`, `CKR_SESSION_CLOSED`, `CKR_SESSION_HANDLE_INVALID`).
    /// - [`TokenError::Other`] with the function and return value for the other failures of
    ///   `C_GetSlotList`, `C_OpenSession`, `C_Login`, and of `C_Logout` when another handle
    ///   had already logged in: for example `CKR_SESSION_COUNT`,
    ///   `CKR_USER_PIN_NOT_INITIALIZED` or `CKR_USER_ANOTHER_ALREADY_LOGGED_IN`.
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
        let (slot, description) = chosen.ok_or_else(|| {
            Error::Token(TokenError::NotFound {
                selector: format!("{selector:?}"),
            })
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
