//! PKCS#11 return values mapped to kyso's typed errors: each failure a caller can act on
//! (wrong PIN, locked PIN, token removed...) has its own.

use cryptoki::error::{Error as CkError, RvError};

use crate::error::Error;

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

pub(super) fn map_rv(rv: RvError, function: &str) -> Error {
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
}
