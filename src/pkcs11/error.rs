//! PKCS#11 return values mapped to kyso's typed errors: each failure a caller can act on
//! (wrong PIN, locked PIN, token removed...) has its own.

use crate::error::TokenError;
use cryptoki::error::{Error as CkError, RvError};

use crate::error::Error;

/// Maps a PKCS#11 failure to kyso's error.
pub(crate) fn map_error(e: CkError) -> Error {
    match e {
        CkError::Pkcs11(rv, function) => map_rv(rv, &function.to_string()),
        other => Error::Token(TokenError::Other {
            function: String::new(),
            code: other.to_string(),
        }),
    }
}

pub(super) fn map_rv(rv: RvError, function: &str) -> Error {
    match rv {
        RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange => Error::Token(TokenError::WrongPin),
        RvError::PinLocked => Error::Token(TokenError::PinLocked),
        RvError::PinExpired => Error::Token(TokenError::PinExpired),
        RvError::DeviceRemoved
        | RvError::TokenNotPresent
        | RvError::SessionClosed
        | RvError::SessionHandleInvalid
        | RvError::TokenNotRecognized
        | RvError::SlotIdInvalid
        // A key handle dies with the login that made the private key visible.
        | RvError::KeyHandleInvalid
        | RvError::ObjectHandleInvalid => Error::Token(TokenError::Removed),
        RvError::UserNotLoggedIn => Error::Token(TokenError::LoginRequired),
        RvError::KeyFunctionNotPermitted => Error::Token(TokenError::KeyCannotSign),
        other => Error::Token(TokenError::Other {
            function: function.to_owned(),
            code: format!("{other:?}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_classes_map_to_specific_errors() {
        assert_eq!(
            map_rv(RvError::PinIncorrect, "Login"),
            Error::Token(TokenError::WrongPin)
        );
        assert_eq!(
            map_rv(RvError::PinLocked, "Login"),
            Error::Token(TokenError::PinLocked)
        );
        assert_eq!(
            map_rv(RvError::PinExpired, "Login"),
            Error::Token(TokenError::PinExpired)
        );
        assert_eq!(
            map_rv(RvError::DeviceRemoved, "Sign"),
            Error::Token(TokenError::Removed)
        );
        assert_eq!(
            map_rv(RvError::TokenNotPresent, "Sign"),
            Error::Token(TokenError::Removed)
        );
        assert_eq!(
            map_rv(RvError::KeyFunctionNotPermitted, "Sign"),
            Error::Token(TokenError::KeyCannotSign)
        );
        assert_eq!(
            map_rv(RvError::UserNotLoggedIn, "Sign"),
            Error::Token(TokenError::LoginRequired)
        );
        assert_eq!(
            map_rv(RvError::SlotIdInvalid, "Sign"),
            Error::Token(TokenError::Removed)
        );
        assert!(matches!(
            map_rv(RvError::GeneralError, "Sign"),
            Error::Token(TokenError::Other { .. })
        ));
    }
}
