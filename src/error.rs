//! The error type of the crate, in domains.
//!
//! Every failure is an [`Error`]: a domain ([`Error::Path`], [`Error::Revocation`], ...)
//! holding the failure within it, with the context a caller needs to act on it:
//! which object failed to decode and why, which certificate of a chain failed which check,
//! at which times. Cryptographic failures stay opaque on purpose ("signature invalid"):
//! nothing says which byte of a padding was wrong.

use crate::oid::Oid;
pub use crate::time::InvalidTime;
use crate::time::Time;
use crate::vocabulary::{
    DigestAlgorithm, Indication, KeyPurpose, RevocationReason, SignatureAlgorithm, SubIndication,
};

/// What kind of object a decoding error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Object {
    /// An X.509 certificate.
    Certificate,
    /// A distinguished name inside a certificate.
    Name,
    /// A certificate extension.
    Extension,
    /// A `SubjectPublicKeyInfo` or the public key inside it.
    PublicKey,
    /// An `AlgorithmIdentifier`.
    AlgorithmIdentifier,
    /// A private key (PKCS#8, PKCS#1 or SEC1).
    PrivateKey,
    /// A PEM document.
    Pem,
    /// A signature value.
    Signature,
    /// A CMS `ContentInfo` / `SignedData`.
    Cms,
    /// A certificate revocation list.
    Crl,
    /// An OCSP request or response.
    Ocsp,
    /// An RFC 3161 timestamp request, response or token.
    TimeStamp,
    /// A machine-readable zone (ICAO 9303).
    Mrz,
    /// A Document Security Object (EF.SOD) or CSCA master list.
    Sod,
    /// DG13 of a chip ID card.
    Dg13,
    /// An XML document.
    Xml,
}

impl core::fmt::Display for Object {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Object::Certificate => "certificate",
            Object::Name => "name",
            Object::Extension => "certificate extension",
            Object::PublicKey => "public key",
            Object::AlgorithmIdentifier => "algorithm identifier",
            Object::PrivateKey => "private key",
            Object::Pem => "PEM document",
            Object::Signature => "signature",
            Object::Cms => "CMS signature",
            Object::Crl => "CRL",
            Object::Ocsp => "OCSP response",
            Object::TimeStamp => "timestamp",
            Object::Mrz => "MRZ",
            Object::Sod => "EF.SOD",
            Object::Dg13 => "DG13",
            Object::Xml => "XML document",
        })
    }
}

/// Why an object could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Malformed {
    /// The input is empty.
    Empty,
    /// The encoding is not valid DER for the expected structure.
    InvalidDer,
    /// Bytes follow the end of the object.
    TrailingData,
    /// The same extension appears twice (RFC 5280 section 4.2).
    DuplicateExtension {
        /// The repeated extension.
        oid: Oid,
    },
    /// A known extension's value does not decode.
    InvalidExtension {
        /// The extension.
        oid: Oid,
    },
    /// A field has a value the standard forbids (for example a v1 certificate with
    /// extensions, or a negative serial number).
    InvalidValue {
        /// Which field.
        field: &'static str,
    },
    /// The base64 body of a PEM block does not decode.
    InvalidBase64,
    /// A PEM block's boundaries are damaged (missing END line, mismatched labels, bad
    /// headers).
    InvalidPemFraming,
    /// No PEM block was found in text input.
    NoPemBlock,
    /// A PEM block has a label other than the one expected.
    UnexpectedPemLabel {
        /// The label found.
        found: String,
    },
    /// A legacy OpenSSL encrypted PEM key (`Proc-Type: 4,ENCRYPTED`), which is not supported;
    /// convert it to encrypted PKCS#8.
    LegacyEncryptedPem,
    /// A string value is not valid in its declared ASN.1 string type.
    InvalidString,
}

impl core::fmt::Display for Malformed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Malformed::Empty => f.write_str("empty input"),
            Malformed::InvalidDer => f.write_str("invalid DER"),
            Malformed::TrailingData => f.write_str("trailing data after the object"),
            Malformed::DuplicateExtension { oid } => write!(f, "duplicate extension {oid}"),
            Malformed::InvalidExtension { oid } => write!(f, "invalid value of extension {oid}"),
            Malformed::InvalidValue { field } => write!(f, "invalid value in field {field}"),
            Malformed::InvalidBase64 => f.write_str("invalid base64 in PEM body"),
            Malformed::InvalidPemFraming => f.write_str("damaged PEM boundaries or headers"),
            Malformed::NoPemBlock => f.write_str("no PEM block found"),
            Malformed::UnexpectedPemLabel { found } => write!(f, "unexpected PEM label {found:?}"),
            Malformed::LegacyEncryptedPem => f.write_str(
                "legacy OpenSSL encrypted PEM is not supported; convert it to encrypted PKCS#8",
            ),
            Malformed::InvalidString => f.write_str("invalid string value"),
        }
    }
}

/// Where a certificate sits in a chain that failed validation.
///
/// Index 0 is the end-entity certificate, 1 the certificate that issued it, and so on up to
/// the last certificate below the trust anchor.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ChainPosition {
    /// Index in the chain, 0 being the end entity.
    pub index: usize,
    /// The certificate's subject, as an RFC 4514 string.
    pub subject: String,
}

impl core::fmt::Display for ChainPosition {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "certificate #{} ({})", self.index, self.subject)
    }
}

/// Why an HTTP fetch failed (feature `http`).
#[cfg(feature = "http")]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpFailure {
    /// The server did not answer in time.
    #[error("no complete answer within {seconds} s")]
    Timeout {
        /// The time allowed.
        seconds: u64,
    },
    /// More redirects than allowed (or a redirect loop).
    #[error("more than {limit} redirects")]
    TooManyRedirects {
        /// The redirects allowed.
        limit: u32,
    },
    /// The body is larger than allowed.
    #[error("body larger than {limit} bytes")]
    TooLarge {
        /// The bytes allowed.
        limit: usize,
    },
    /// The server answered with a status other than 200.
    #[error("HTTP status {status}")]
    Status {
        /// The status code.
        status: u16,
    },
    /// The URL's scheme is not http or https, or the URL cannot be used.
    #[error("unusable URL")]
    BadUrl,
    /// The connection failed (refused, reset, name not found, TLS).
    #[error("connection failed: {detail}")]
    Connection {
        /// What the transport said.
        detail: String,
    },
}

/// Why an algorithm was refused by the [`AlgorithmPolicy`](crate::key::AlgorithmPolicy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DisallowedReason {
    /// SHA-1 is only accepted under the explicitly named legacy policy.
    Sha1,
    /// The algorithm is known but may only verify, never sign.
    VerifyOnly,
    /// DSA is only accepted under the explicitly named legacy policy.
    LegacyDsa,
}

impl core::fmt::Display for DisallowedReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            DisallowedReason::Sha1 => "SHA-1 is not allowed by the algorithm policy",
            DisallowedReason::VerifyOnly => "the algorithm may be used for verification only",
            DisallowedReason::LegacyDsa => "DSA is not allowed by the algorithm policy",
        })
    }
}

/// Every error kyso returns: a domain, then the failure within it.
///
/// Each domain is an enum of its own ([`EncodingError`], [`SignatureError`], [`KeyError`],
/// [`SigningError`], [`PathError`], [`RevocationError`], [`TimestampError`], [`ChipError`],
/// [`LoginError`], and `TokenError` with the `pkcs11` feature), so that code which handles one
/// domain matches on it alone, and a new failure is added to the one domain it belongs to.
/// One failure has one variant: a certificate of a path refused for its key or algorithm is a
/// [`PathError`] carrying the [`SignatureError`] that refused it, not a second copy of it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input could not be decoded, or is larger than kyso reads.
    #[error(transparent)]
    Encoding(#[from] EncodingError),
    /// A file could not be read.
    #[error("cannot read {path}: {kind}")]
    Io {
        /// The path given.
        path: String,
        /// The kind of I/O failure.
        kind: std::io::ErrorKind,
    },
    /// An algorithm, key or signature value was refused.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// A private key could not be opened.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A signature could not be made or extended.
    #[error(transparent)]
    Signing(#[from] SigningError),
    /// A PKCS#11 token failed or refused.
    #[cfg(feature = "pkcs11")]
    #[error(transparent)]
    Token(#[from] TokenError),
    /// A certificate of a path failed validation (RFC 5280 section 6.1).
    #[error("{cert}: {reason}")]
    Path {
        /// The certificate that failed.
        cert: ChainPosition,
        /// Why.
        reason: PathError,
    },
    /// Revocation data (a CRL or an OCSP response) cannot be used.
    #[error(transparent)]
    Revocation(#[from] RevocationError),
    /// A timestamp could not be had or does not stamp what it should.
    #[error(transparent)]
    Timestamp(#[from] TimestampError),
    /// A chip document (ICAO 9303) or a CSCA master list failed.
    #[error(transparent)]
    Chip(#[from] ChipError),
    /// A certificate login failed.
    #[error(transparent)]
    Login(#[from] LoginError),
    /// A PDF cannot be read as a sequence of revisions, or its signature is not placed as
    /// ISO 32000 and ETSI EN 319 142-1 require.
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// An XML document is not one kyso reads (not well-formed, a document type declaration,
    /// over a bound), or a same-document reference in it cannot be resolved to exactly one
    /// element.
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// Fetching revocation data or a timestamp over the network failed (feature `http`).
    #[cfg(feature = "http")]
    #[error("{url}: {failure}")]
    Http {
        /// The URL asked.
        url: String,
        /// What went wrong.
        failure: HttpFailure,
    },
    /// The system's random number generator failed (a nonce could not be made).
    #[error("the system random number generator failed")]
    RandomUnavailable,
    /// A work budget ran out, so that no input can make a validation run long: the
    /// signature checks of one validation call, the signature checks or steps of one
    /// path-building call, or the nodes of a certificate-policy tree (see
    /// [`limits`](crate::limits)).
    #[error("work budget exhausted: more than {limit} {what}")]
    BudgetExceeded {
        /// Which budget ran out.
        what: BudgetKind,
        /// Its size.
        limit: usize,
    },
}

/// Decoding failures.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodingError {
    /// An input could not be decoded (X.690 DER, RFC 7468 PEM, or the structure the
    /// object's standard defines).
    #[error("malformed {object}: {reason}")]
    Malformed {
        /// What was being decoded.
        object: Object,
        /// Why it failed.
        reason: Malformed,
    },
    /// An input is larger than the bound kyso accepts for it (see [`crate::limits`]).
    #[error("{object} too large: {actual} bytes, at most {limit} accepted")]
    TooLarge {
        /// What was being decoded.
        object: Object,
        /// The bound, in bytes (or items, for bundles).
        limit: usize,
        /// The size of the input.
        actual: usize,
    },
    /// A calendar date or time out of range (RFC 5280 section 4.1.2.5: years 1950 to 9999).
    #[error("invalid date or time")]
    InvalidTime,
}

/// Algorithms, public keys and signature values.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// An algorithm identifier names an algorithm kyso does not implement.
    #[error("unsupported algorithm {oid}")]
    UnsupportedAlgorithm {
        /// The algorithm.
        oid: Oid,
    },
    /// RSA-PSS parameters other than the combinations kyso supports (RFC 4055 section 3.1:
    /// MGF1 with the same hash as the message, salt length equal to the hash length, trailer
    /// field 1).
    #[error("unsupported RSA-PSS parameters")]
    UnsupportedPssParameters,
    /// A public key of a type or curve kyso does not implement.
    #[error("unsupported public key type {oid}")]
    UnsupportedKey {
        /// The key algorithm, or the curve for EC keys.
        oid: Oid,
    },
    /// Explicit EC domain parameters that are not those of a curve kyso implements (RFC 5480
    /// section 2.1.1 asks for a named curve; some chip documents spell theirs out).
    #[error("explicit EC parameters of no supported curve")]
    UnsupportedExplicitCurve,
    /// The signature algorithm does not fit the key (for example ECDSA with an RSA key).
    #[error("signature algorithm {algorithm} cannot be used with this key")]
    AlgorithmKeyMismatch {
        /// The algorithm asked for.
        algorithm: SignatureAlgorithm,
    },
    /// The algorithm policy refuses this algorithm.
    #[error("{algorithm} not allowed: {reason}")]
    AlgorithmNotAllowed {
        /// The algorithm.
        algorithm: SignatureAlgorithm,
        /// Why.
        reason: DisallowedReason,
    },
    /// The algorithm policy refuses this digest algorithm for what it is used for here (a
    /// timestamp's message imprint, the data group hashes of an EF.SOD, a
    /// signing-certificate reference).
    #[error("{algorithm} not allowed for {usage}: {reason}")]
    DigestNotAllowed {
        /// The digest algorithm.
        algorithm: DigestAlgorithm,
        /// What it is used for.
        usage: &'static str,
        /// Why.
        reason: DisallowedReason,
    },
    /// The RSA key is smaller than the algorithm policy allows.
    #[error("RSA key of {bits} bits is below the minimum of {minimum}")]
    RsaKeyTooSmall {
        /// Modulus size in bits.
        bits: usize,
        /// The policy's minimum.
        minimum: usize,
    },
    /// The RSA key is larger than kyso verifies
    /// ([`MAX_RSA_BITS`](crate::limits::MAX_RSA_BITS)).
    #[error("RSA key of {bits} bits is above the maximum of 8192")]
    RsaKeyTooLarge {
        /// Modulus size in bits.
        bits: usize,
    },
    /// The RSA modulus is not a whole number of bytes (2047 or 2052 bits, say): no
    /// conforming key generator makes one, and a verifier that pads or trims it guesses.
    #[error("RSA modulus of {bits} bits is not a whole number of bytes")]
    RsaModulusNotWholeBytes {
        /// Modulus size in bits.
        bits: usize,
    },
    /// The key is of a type the algorithm policy accepts only by name (DSA:
    /// [`AlgorithmPolicy::allow_dsa_for_legacy_use_only`](crate::key::AlgorithmPolicy::allow_dsa_for_legacy_use_only)).
    #[error("{key} key: {reason}")]
    KeyTypeNotAllowed {
        /// The key type.
        key: crate::vocabulary::KeyType,
        /// Why it is refused.
        reason: DisallowedReason,
    },
    /// The EC key gives its curve by explicit parameters, which the algorithm policy does
    /// not accept (RFC 5480 section 2.1.1 asks for a named curve; only ICAO chip documents
    /// need explicit ones:
    /// [`AlgorithmPolicy::accept_explicit_curve_parameters`](crate::key::AlgorithmPolicy::accept_explicit_curve_parameters)).
    #[error("EC key with explicit curve parameters, which the algorithm policy refuses")]
    ExplicitCurveParametersNotAllowed,
    /// A signature did not verify.
    #[error("signature invalid")]
    InvalidSignature,
}

/// Private keys.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The private key is encrypted and no password was given.
    #[error("the private key is encrypted: a password is needed")]
    PasswordRequired,
    /// The password does not decrypt the private key (or the encrypted data is damaged: the
    /// two cannot be told apart).
    #[error("wrong password, or damaged encrypted key")]
    WrongPassword,
    /// The key is encrypted with a scheme kyso does not support (RFC 8018 PBES2 with PBKDF2
    /// or scrypt and AES-CBC is).
    #[error("unsupported private key encryption scheme")]
    UnsupportedEncryption,
    /// The private key decoded but was refused as inconsistent or of an unsupported form.
    #[error("private key rejected: {reason}")]
    Rejected {
        /// The key library's description of the problem.
        reason: String,
    },
}

/// Making, or adding to, a signature.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigningError {
    /// The signer cannot sign a precomputed digest with this algorithm; it needs the message.
    #[error("this signer cannot sign a precomputed digest with {algorithm}")]
    DigestSigningUnsupported {
        /// The signer's algorithm.
        algorithm: SignatureAlgorithm,
    },
    /// A digest given to sign does not have the length of the algorithm's hash.
    #[error("digest of {actual} bytes, {expected} expected")]
    DigestLength {
        /// The hash's length.
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// A digest given to sign was made with another hash than the signature algorithm's.
    #[error("digest made with {actual}, {expected} expected")]
    DigestAlgorithmMismatch {
        /// The signature algorithm's hash.
        expected: DigestAlgorithm,
        /// The digest's hash.
        actual: DigestAlgorithm,
    },
    /// The signer failed (a token removed, a remote service unreachable...).
    #[error("signer failed: {reason}")]
    SignerFailed {
        /// The signer's description of the failure.
        reason: String,
    },
    /// The signer's public key is not the key of the certificate given for it.
    #[error("the signer's key does not match the signing certificate")]
    SignerKeyMismatch,
    /// The document is needed (a detached signature gets another signer, or no content was
    /// given to sign).
    #[error("the signed document is needed but was not given")]
    ContentRequired,
    /// The document given does not match the content already in the signature.
    #[error("the document differs from the content already in the signature")]
    ContentMismatch,
    /// A signature value returned by a signer does not verify against the prepared data
    /// (a token or remote service signed something else, or with another key).
    #[error("the signature value returned by the signer does not verify")]
    SignatureValueRejected,
    /// CAdES-B-LT needs a signature timestamp (B-T) on every signer first (EN 319 122-1
    /// section 6.3).
    #[error("signer {signer} has no signature timestamp that verifies (add one first)")]
    TimestampRequired {
        /// The signer's index in the SignedData.
        signer: usize,
    },
    /// With the validation data gathered, the signature would not validate offline once its
    /// certificates expire (typically: revocation data issued before the signature timestamp's
    /// genTime plus accuracy; gather it after that).
    #[error(
        "signer {signer} would not validate from the embedded data later: {indication} {sub_indication:?}"
    )]
    LongTermValidationFailed {
        /// The signer's index in the SignedData.
        signer: usize,
        /// The verdict of that offline validation.
        indication: Indication,
        /// Its sub-indication.
        sub_indication: Option<SubIndication>,
    },
    /// Validation data (CAdES-B-LT) or a timestamp was to be added to a signature that does
    /// not validate.
    #[error("signer {signer} does not validate: {indication} {sub_indication:?}")]
    SignatureNotValid {
        /// The signer's index in the SignedData.
        signer: usize,
        /// Its verdict.
        indication: Indication,
        /// Its sub-indication.
        sub_indication: Option<SubIndication>,
    },
    /// The PDF field named for the signature is not a signature field.
    #[error("PDF field {field} is not a signature field")]
    PdfFieldNotSignature {
        /// The field's full name.
        field: String,
    },
    /// The PDF signature field named for the signature is already signed.
    #[error("PDF signature field {field} is already signed")]
    PdfFieldAlreadySigned {
        /// The field's full name.
        field: String,
    },
    /// A certification signature (DocMDP) must be the document's first signature (ISO
    /// 32000-2 section 12.8.2.2).
    #[error("a certification signature must be the first signature of the document")]
    PdfCertificationNotFirst,
    /// The document is certified with DocMDP P=1: no signature may be added (only
    /// validation data and document timestamps).
    #[error("the document is certified with no changes permitted (DocMDP P=1)")]
    PdfNoChangesPermitted,
    /// The page named for a visible signature does not exist.
    #[error("page {page} does not exist (the document has {pages})")]
    PdfPageNotFound {
        /// The page asked for (1 for the first).
        page: usize,
        /// The number of pages.
        pages: usize,
    },
    /// The signature does not fit the space reserved for `/Contents`.
    #[error("the signature needs {needed} bytes, {reserved} reserved in the PDF")]
    PdfReservedSpaceTooSmall {
        /// The DER signature's length.
        needed: usize,
        /// The space reserved.
        reserved: usize,
    },
    /// The file given to finish a prepared PDF signature is not the one prepared: its
    /// length, its signed bytes or its reserved `/Contents` differ.
    #[error("the PDF is not the one prepared for this signature: {reason}")]
    PdfPreparedFileMismatch {
        /// What differs.
        reason: &'static str,
    },
    /// A new signature field's name is empty or has a period (ISO 32000-2 section
    /// 12.7.4.2: a partial field name does not contain one).
    #[error("PDF field name {name:?}: {reason}")]
    PdfFieldName {
        /// The name given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The signature field's seed values (`/SV` with `/Ff`) make constraints mandatory:
    /// kyso signs such a field only when it can meet them, which it does not check yet.
    #[error("PDF signature field {field} has mandatory seed values (/SV /Ff)")]
    PdfSeedValuesRequired {
        /// The field's full name.
        field: String,
    },
    /// A certified document (DocMDP P=2 or P=3) gets no new visible signature field:
    /// sign one of its empty fields, or sign invisibly.
    #[error(
        "the document is certified: a new signature field must be invisible (or sign an existing empty field)"
    )]
    PdfNewVisibleFieldAfterCertification,
    /// The visible appearance cannot be made: an image that does not decode, a rectangle
    /// with no area, a text the font cannot draw.
    #[error("signature appearance: {reason}")]
    PdfAppearance {
        /// What is wrong.
        reason: String,
    },
}

/// PKCS#11 tokens (feature `pkcs11`; return values of PKCS#11 v2.40 section 5.1).
#[cfg(feature = "pkcs11")]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The PKCS#11 module could not be loaded or initialised.
    #[error("cannot load PKCS#11 module {path}: {reason}")]
    Module {
        /// The module path given.
        path: String,
        /// The loader's or module's description.
        reason: String,
    },
    /// No token matches the selector.
    #[error("no token matches {selector}")]
    NotFound {
        /// The selector, as written.
        selector: String,
    },
    /// The PIN is wrong (CKR_PIN_INCORRECT).
    #[error("wrong PIN")]
    WrongPin,
    /// The PIN is locked after too many wrong attempts (CKR_PIN_LOCKED).
    #[error("the PIN is locked")]
    PinLocked,
    /// The PIN has expired and must be changed on the token first (CKR_PIN_EXPIRED).
    #[error("the PIN has expired")]
    PinExpired,
    /// The token was removed, or its session closed or logged out (which also invalidates the
    /// key's handle), while in use: open it again (with the PIN) to go on.
    #[error("the token was removed or its session ended")]
    Removed,
    /// No private key matches the selector.
    #[error("no private key matches {selector}")]
    KeyNotFound {
        /// The selector, as written.
        selector: String,
    },
    /// The key may not sign (CKA_SIGN false).
    #[error("the key is not allowed to sign")]
    KeyCannotSign,
    /// Several private keys match the selector; choose by CKA_ID.
    #[error("{count} private keys match {selector}")]
    KeyAmbiguous {
        /// The selector, as written.
        selector: String,
        /// How many keys match.
        count: usize,
    },
    /// The token wants a login for this operation (a key that asks for the PIN at every
    /// signature, CKA_ALWAYS_AUTHENTICATE, which kyso does not support yet).
    #[error("the token requires a login for this operation")]
    LoginRequired,
    /// The token offers no mechanism for the algorithm.
    #[error("the token has no mechanism for {algorithm}")]
    MechanismUnsupported {
        /// The algorithm asked for.
        algorithm: SignatureAlgorithm,
    },
    /// The key has no certificate on the token and none was given.
    #[error("no certificate for key {key} on the token")]
    CertificateMissing {
        /// The key's label.
        key: String,
    },
    /// Another PKCS#11 failure.
    #[error("PKCS#11 {function} failed: {code}")]
    Other {
        /// The PKCS#11 function.
        function: String,
        /// The return value's name.
        code: String,
    },
}

/// Why a certificate of a path fails validation ([`Error::Path`] names the certificate).
///
/// Every variant maps to an EN 319 102-1 sub-indication in one exhaustive match, so a new
/// variant does not compile until it has one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// No issuer of this certificate was found among the intermediates and anchors.
    #[error("issuer not found among the intermediates and trust anchors")]
    UnknownIssuer,
    /// The end entity is self-signed and is not in the trust store.
    #[error("self-signed and not a trust anchor")]
    UntrustedSelfSigned,
    /// The chain is longer than [`MAX_PATH_DEPTH`](crate::limits::MAX_PATH_DEPTH).
    #[error("certificate path longer than {limit} certificates")]
    PathTooLong {
        /// The limit.
        limit: usize,
    },
    /// The certificate is used after its notAfter time (RFC 5280 section 6.1.3 (a)(2)).
    #[error("expired at {not_after} (validation time {time})")]
    Expired {
        /// Its notAfter.
        not_after: Time,
        /// The validation time.
        time: Time,
    },
    /// The certificate is used before its notBefore time (RFC 5280 section 6.1.3 (a)(2)).
    #[error("not valid before {not_before} (validation time {time})")]
    NotYetValid {
        /// Its notBefore.
        not_before: Time,
        /// The validation time.
        time: Time,
    },
    /// The certificate's signature does not verify with its issuer's key (RFC 5280 section
    /// 6.1.3 (a)(1)).
    #[error("signature does not verify with the issuer's key")]
    BadSignature,
    /// The certificate's signature cannot be checked: its algorithm is refused by the
    /// algorithm policy, not implemented, or does not fit the issuer's key.
    #[error("{0}")]
    SignatureAlgorithm(SignatureError),
    /// A part of the certificate that validation needs does not decode (the issuer's public
    /// key that should verify it).
    #[error("{0}")]
    Encoding(EncodingError),
    /// The certificate's public key is refused: too small or too large, or refused by the
    /// algorithm policy for another reason.
    #[error("{0}")]
    PublicKey(SignatureError),
    /// The certificate's issuer name does not match its issuer's subject name (RFC 5280
    /// section 6.1.3 (a)(4)).
    #[error("issuer name {issuer} does not match the issuer's subject {issuer_subject}")]
    IssuerNameMismatch {
        /// Its issuer field.
        issuer: String,
        /// The subject of the certificate that signed it.
        issuer_subject: String,
    },
    /// A certificate used as a CA is not a CA: no basicConstraints with cA TRUE (RFC 5280
    /// section 6.1.4 (k)).
    #[error("used as a CA but basicConstraints does not say cA")]
    NotCa,
    /// A CA certificate sits below more CA certificates than an issuer's
    /// pathLenConstraint allows (RFC 5280 section 6.1.4 (l), (m)).
    #[error("path length constraint exceeded")]
    PathLenExceeded,
    /// A CA certificate has a keyUsage extension without keyCertSign (RFC 5280 section
    /// 6.1.4 (n)).
    #[error("CA key usage lacks keyCertSign")]
    MissingKeyCertSign,
    /// A critical extension kyso does not process (RFC 5280 section 4.2, 6.1.4 (o)).
    #[error("unknown critical extension {oid}")]
    UnknownCriticalExtension {
        /// The extension.
        oid: Oid,
    },
    /// A name of the certificate (subject, e-mail address in the subject, or subject
    /// alternative name) is outside what a CA above it permits, or inside what it excludes
    /// (RFC 5280 sections 4.2.1.10, 6.1.3 (b), (c)).
    #[error("name {name} is not allowed by the name constraints of a CA above it")]
    NameConstraintViolation {
        /// The name refused.
        name: String,
    },
    /// No acceptable certificate policy remains where one is required: the valid policy
    /// tree of RFC 5280 section 6.1 became empty while explicit_policy was 0 (section 6.1.3
    /// (f)), or its intersection with the acceptable policies is empty at the end of a path
    /// that requires an explicit policy (section 6.1.5 (g)).
    #[error("no acceptable certificate policy remains, and the path requires one")]
    NoValidPolicy,
    /// A policyMappings extension maps to or from anyPolicy (RFC 5280 section 6.1.4 (a)).
    #[error("policyMappings maps to or from anyPolicy")]
    InvalidPolicyMapping,
    /// The end-entity certificate's keyUsage does not allow the purpose asked for (RFC 5280
    /// section 4.2.1.3).
    #[error("key usage does not allow {purpose}")]
    KeyUsageNotAllowed {
        /// The purpose asked for.
        purpose: KeyPurpose,
    },
    /// The end-entity certificate's extendedKeyUsage names no purpose that allows what was
    /// asked (RFC 5280 section 4.2.1.12; for document signing: none of
    /// [`DOCUMENT_SIGNING_EKUS`](crate::path::DOCUMENT_SIGNING_EKUS) nor of the caller's
    /// additions).
    #[error(
        "extended key usage ({}) does not allow {purpose}",
        if found.is_empty() { "absent".to_owned() } else { found.iter().map(Oid::as_str).collect::<Vec<_>>().join(", ") }
    )]
    ExtendedKeyUsageNotAllowed {
        /// The purpose asked for.
        purpose: KeyPurpose,
        /// The purposes the certificate names.
        found: Vec<Oid>,
    },
    /// The end entity is a CA certificate (basicConstraints cA TRUE, or keyUsage
    /// keyCertSign) used for signing or authentication: a CA key signs certificates and
    /// CRLs, not documents or logins (RFC 5280 sections 4.2.1.3 and 4.2.1.9).
    #[error("a CA certificate used as an end entity")]
    EndEntityIsCa,
    /// The end entity carries nameConstraints, which only a CA certificate may (RFC 5280
    /// section 4.2.1.10).
    #[error("nameConstraints in an end-entity certificate")]
    NameConstraintsInEndEntity,
    /// A nameConstraints extension is malformed: not critical, without subtrees, or with a
    /// subtree that is not a well-formed name of its kind (RFC 5280 section 4.2.1.10). It is
    /// refused rather than matched, so that no constraint is read other than as written.
    #[error("malformed nameConstraints: {defect}")]
    MalformedNameConstraints {
        /// What is wrong.
        defect: ConstraintDefect,
    },
    /// The subject field is empty and subjectAltName is not critical (RFC 5280 section
    /// 4.2.1.6), or is absent.
    #[error("empty subject without a critical subjectAltName")]
    SubjectAltNameNotCritical,
    /// A subject alternative name is not a well-formed name of its kind (RFC 5280 section
    /// 4.2.1.6).
    #[error("malformed subject alternative name {name}: {syntax}")]
    MalformedSubjectAltName {
        /// What is wrong with it.
        syntax: NameSyntax,
        /// The name as encoded (escaped when shown).
        name: String,
    },
    /// An extension that must not be critical is (authorityKeyIdentifier, RFC 5280 section
    /// 4.2.1.1; subjectKeyIdentifier, section 4.2.1.2).
    #[error("extension {oid} must not be critical")]
    ExtensionMustNotBeCritical {
        /// The extension.
        oid: Oid,
    },
    /// No authorityKeyIdentifier keyIdentifier in a certificate that is not self-issued (RFC
    /// 5280 section 4.2.1.1); refused only under
    /// [`PathValidator::require_key_identifiers`](crate::path::PathValidator::require_key_identifiers),
    /// a warning otherwise.
    #[error("no authorityKeyIdentifier")]
    MissingAuthorityKeyIdentifier,
    /// No subjectKeyIdentifier in a CA certificate (RFC 5280 section 4.2.1.2); refused only
    /// under [`PathValidator::require_key_identifiers`](crate::path::PathValidator::require_key_identifiers),
    /// a warning otherwise.
    #[error("no subjectKeyIdentifier in a CA certificate")]
    MissingSubjectKeyIdentifier,
    /// The authorityKeyIdentifier's keyIdentifier is not the issuer's subjectKeyIdentifier
    /// (for a self-signed certificate: not its own) (RFC 5280 sections 4.2.1.1, 4.2.1.2).
    #[error("authorityKeyIdentifier does not name the issuer's key")]
    KeyIdentifierMismatch,
    /// The serial number is longer than 20 octets (RFC 5280 section 4.1.2.2).
    #[error("serial number of {length} octets (at most 20)")]
    InvalidSerialNumber {
        /// Its length in octets, without a leading zero octet.
        length: usize,
    },
    /// The validated certificate is not valid for the name asked for (RFC 6125 for DNS
    /// names, RFC 5280 section 4.2.1.6 for IP and e-mail addresses).
    #[error("not valid for {name}")]
    NameMismatch {
        /// The name asked for.
        name: String,
    },
    /// The certificate was revoked at or before the validation time, or counts as revoked
    /// from an earlier invalidity date (RFC 5280 section 6.3.3, RFC 6960 section 2.2).
    #[error(
        "revoked at {revocation_date} ({reason:?}){}",
        invalidity_date.map(|d| format!(", invalid since {d} (invalidity date)")).unwrap_or_default()
    )]
    Revoked {
        /// When it was revoked.
        revocation_date: Time,
        /// Why.
        reason: RevocationReason,
        /// The invalidity date the CRL entry or OCSP response gives, when earlier than the
        /// revocation date: the certificate counts as revoked from then
        /// ([`RevokedEntry::invalid_from`](crate::revocation::RevokedEntry::invalid_from)).
        invalidity_date: Option<Time>,
    },
    /// The revocation policy requires an answer for this certificate and no usable data was
    /// found (none, stale, out of scope, or unverifiable; RFC 5280 section 6.3.3 (k)
    /// UNDETERMINED).
    #[error("revocation status unknown: {reason}")]
    RevocationUnknown {
        /// Why the data available could not be used.
        reason: String,
    },
    /// The revocation policy requires an answer for this certificate, and the only data
    /// found was issued after it expired (see
    /// [`RevocationError::RevocationDataAfterExpiry`]).
    #[error("the only revocation data was issued after the certificate expired at {not_after}")]
    RevocationOutOfBounds {
        /// Its notAfter.
        not_after: Time,
    },
    /// More CRLs and OCSP responses speak of the certificate than one validation examines
    /// ([`MAX_REVOCATION_ITEMS_PER_CERTIFICATE`](crate::limits::MAX_REVOCATION_ITEMS_PER_CERTIFICATE)):
    /// a revocation may hide among those not looked at, so the status cannot be had, whatever
    /// the revocation policy.
    #[error("more than {limit} CRLs and OCSP responses about it; its status cannot be established")]
    TooManyRevocationItems {
        /// The bound.
        limit: usize,
    },
}

/// CRLs and OCSP responses that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RevocationError {
    /// The CRL's issuer is not the certificate's issuer, nor the certificate given to verify
    /// it (RFC 5280 section 6.3.3 (b), (f)).
    #[error("the CRL was not issued by the certificate's issuer")]
    CrlIssuerMismatch,
    /// The CRL issuer's keyUsage lacks cRLSign (RFC 5280 section 6.3.3 (f)).
    #[error("the CRL issuer may not sign CRLs (keyUsage lacks cRLSign)")]
    CrlIssuerCannotSignCrls,
    /// The CRL is signed by another certificate of its issuer than the one that issued the
    /// certificate (a separate CRL-signing key, a rolled-over key, an indirect CRL's issuer),
    /// and that certificate's own path does not validate (RFC 5280 section 6.3.3 (f)).
    #[error("the CRL signer {signer} does not validate: {source}")]
    CrlSignerNotValid {
        /// The CRL signer's subject.
        signer: String,
        /// Why its path failed.
        source: Box<Error>,
    },
    /// The CRL signer's certificate validates, but to another trust anchor than the
    /// certificate's path (RFC 5280 section 6.3.3 (f) requires the same one).
    #[error("the CRL signer {signer} chains to another trust anchor than the certificate")]
    CrlSignerAnchorMismatch {
        /// The CRL signer's subject.
        signer: String,
    },
    /// The CRL's signature does not verify (RFC 5280 section 6.3.3 (g)).
    #[error("CRL signature invalid")]
    CrlBadSignature,
    /// The CRL was issued after the validation time.
    #[error("CRL not valid before {this_update} (validation time {time})")]
    CrlNotYetValid {
        /// thisUpdate.
        this_update: Time,
        /// The validation time.
        time: Time,
    },
    /// The CRL's nextUpdate is before the validation time: a newer CRL is needed (RFC 5280
    /// section 6.3.3 (a)).
    #[error("CRL expired at {next_update} (validation time {time})")]
    CrlExpired {
        /// nextUpdate.
        next_update: Time,
        /// The validation time.
        time: Time,
    },
    /// The CRL does not cover this certificate: its issuingDistributionPoint scope (RFC 5280
    /// section 6.3.3 (b)(2)).
    #[error("the CRL does not cover this certificate")]
    CrlOutOfScope,
    /// The CRL has no cRLNumber, which RFC 5280 section 5.2.3 requires of every CRL.
    #[error("the CRL has no cRLNumber")]
    CrlNumberMissing,
    /// The CRL's cRLNumber is marked critical (RFC 5280 section 5.2.3: non-critical).
    #[error("the CRL's cRLNumber is critical")]
    CrlNumberCritical,
    /// A CRL feature kyso does not implement yet.
    #[error("{feature} not supported")]
    CrlUnsupported {
        /// Which.
        feature: &'static str,
    },
    /// A critical CRL or CRL-entry extension kyso does not process (RFC 5280 section 5.2,
    /// 5.3).
    #[error("unknown critical CRL extension {oid}")]
    UnknownCriticalCrlExtension {
        /// The extension.
        oid: Oid,
    },
    /// The OCSP responder answered with an error status (RFC 6960 section 4.2.1:
    /// 1 malformedRequest, 2 internalError, 3 tryLater, 5 sigRequired, 6 unauthorized).
    #[error("OCSP responder answered with status {status}")]
    OcspResponseStatus {
        /// The OCSPResponseStatus value.
        status: u8,
    },
    /// The OCSP response does not carry the nonce the request sent (RFC 8954).
    #[error("OCSP nonce mismatch")]
    OcspNonceMismatch,
    /// The OCSP response has no status for this certificate.
    #[error("the OCSP response does not cover this certificate")]
    OcspNoResponseForCertificate,
    /// The OCSP response's thisUpdate is after the validation time (beyond the clock skew;
    /// RFC 6960 section 3.2 (5)).
    #[error("OCSP response not valid before {this_update} (validation time {time})")]
    OcspNotYetValid {
        /// thisUpdate.
        this_update: Time,
        /// The validation time.
        time: Time,
    },
    /// The OCSP response is too old for the validation time (RFC 6960 section 3.2 (6)).
    #[error(
        "OCSP response stale: thisUpdate {this_update}, nextUpdate {next_update:?}, validation time {time}"
    )]
    OcspStale {
        /// thisUpdate.
        this_update: Time,
        /// nextUpdate, if given.
        next_update: Option<Time>,
        /// The validation time.
        time: Time,
    },
    /// The OCSP response's signature does not verify (RFC 6960 section 3.2 (2)).
    #[error("OCSP response signature invalid")]
    OcspBadSignature,
    /// The OCSP response is signed by neither the CA nor a responder the CA authorised (RFC
    /// 6960 section 4.2.2.2).
    #[error("OCSP response signed by an unauthorised responder")]
    OcspUnauthorizedResponder,
    /// The CRL or OCSP response was issued after the certificate expired: a CA may drop
    /// expired certificates from its CRLs (RFC 5280 section 3.3) and a responder may stop
    /// answering for them, so it cannot prove the certificate was not revoked.
    #[error("revocation data issued at {issued} after the certificate expired at {not_after}")]
    RevocationDataAfterExpiry {
        /// thisUpdate of the CRL or OCSP response.
        issued: Time,
        /// The certificate's notAfter.
        not_after: Time,
    },
}

/// RFC 3161 timestamps.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The TSA refused the request (RFC 3161 section 2.4.2 PKIStatus 2 rejection, 3 waiting,
    /// 4 revocationWarning, 5 revocationNotification).
    #[error("the TSA refused the request (status {status})")]
    Refused {
        /// The PKIStatus.
        status: u8,
    },
    /// The timestamp token's signature or TSA certificate does not validate.
    #[error("timestamp token signature: {indication} {sub_indication:?}")]
    Signature {
        /// The CMS verdict on the token.
        indication: Indication,
        /// Its sub-indication.
        sub_indication: Option<SubIndication>,
    },
    /// The token stamps another hash than the one expected (RFC 3161 section 2.4.2).
    #[error("the timestamp token stamps another message imprint")]
    ImprintMismatch,
    /// The token does not carry the nonce the request sent (RFC 3161 section 2.4.2).
    #[error("timestamp nonce mismatch")]
    NonceMismatch,
    /// A token of an RFC 5544 TimeStampedData does not verify: which one (0 is the first,
    /// over the data; each later one renews the one before) and why.
    #[error("timestamp {index} of the TimeStampedData: {reason}")]
    InTimeStampedData {
        /// The token's position in the temporal evidence.
        index: usize,
        /// Why it does not verify.
        reason: Box<Error>,
    },
    /// A renewal token of an RFC 5544 TimeStampedData is not later than the token it
    /// renews.
    #[error("timestamp {index} of the TimeStampedData is not later than the one it renews")]
    RenewalNotLater {
        /// The renewal token's position.
        index: usize,
    },
    /// The last token of an RFC 5544 TimeStampedData is dated after the validation time.
    #[error("timestamp {index} of the TimeStampedData is dated after the validation time")]
    AfterValidationTime {
        /// The token's position.
        index: usize,
    },
    /// An RFC 5544 TimeStampedData holds no content and no data was given to check it
    /// against.
    #[error("the TimeStampedData holds no content and no data was given")]
    DataMissing,
    /// The data given is not the content the TimeStampedData (or an enveloping signature)
    /// holds.
    #[error("the data given differs from the content held inside")]
    ContentMismatch,
}

/// Chip documents (ICAO 9303) and CSCA master lists.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChipError {
    /// No signer of a CSCA master list validated to the anchors given, through a Master
    /// List Signer certificate (ICAO 9303 part 12 section 9).
    #[error(
        "the CSCA master list's signature does not verify: {indication} {sub_indication:?}: {detail}"
    )]
    MasterListNotVerified {
        /// The list's overall indication.
        indication: Indication,
        /// Its sub-indication.
        sub_indication: Option<SubIndication>,
        /// What failed.
        detail: String,
    },
    /// A check digit of the machine-readable zone does not match its field (ICAO 9303 part 3
    /// section 4.9).
    #[error("MRZ check digit wrong for the {field}")]
    MrzCheckDigit {
        /// The field it guards.
        field: &'static str,
    },
}

/// Certificate login by challenge and response.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoginError {
    /// The login answers a nonce that was never issued, or was already used (a replay).
    #[error("login nonce unknown or already used")]
    NonceUnknown,
    /// The login answers a nonce that has expired.
    #[error("login nonce expired at {expired_at}")]
    NonceExpired {
        /// When it expired.
        expired_at: Time,
    },
    /// The login was signed for another site.
    #[error("login signed for origin {found}, expected {expected}")]
    WrongOrigin {
        /// This server's origin.
        expected: String,
        /// The origin in the response.
        found: String,
    },
    /// The login signature does not verify with the certificate's key.
    #[error("login signature invalid (not made by this certificate's key over this challenge)")]
    SignatureInvalid,
    /// Too many challenges outstanding
    /// ([`MAX_OUTSTANDING_NONCES`](crate::limits::MAX_OUTSTANDING_NONCES)).
    #[error("too many login challenges outstanding")]
    NonceStoreFull,
}

/// Which work budget ran out ([`Error::BudgetExceeded`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BudgetKind {
    /// The signature checks of one validation call, every kind counted
    /// ([`MAX_CMS_SIGNATURE_CHECKS`](crate::limits::MAX_CMS_SIGNATURE_CHECKS)).
    SignatureChecks,
    /// The signature checks of one path-building call
    /// ([`MAX_SIGNATURE_CHECKS`](crate::limits::MAX_SIGNATURE_CHECKS)).
    PathSignatureChecks,
    /// The steps of one path-building call
    /// ([`MAX_BUILD_STEPS`](crate::limits::MAX_BUILD_STEPS)).
    PathBuildSteps,
    /// The nodes of one certificate-policy tree (RFC 5280 section 6.1.2 (a); policy
    /// mappings can multiply them:
    /// [`MAX_POLICY_NODES`](crate::limits::MAX_POLICY_NODES)).
    PolicyTreeNodes,
    /// The comparisons of names with name-constraint subtrees in one path
    /// ([`MAX_NAME_CONSTRAINT_COMPARISONS`](crate::limits::MAX_NAME_CONSTRAINT_COMPARISONS)).
    NameConstraintComparisons,
}

impl core::fmt::Display for BudgetKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            BudgetKind::SignatureChecks => "signature checks in one validation",
            BudgetKind::PathSignatureChecks => "signature checks in one path search",
            BudgetKind::PathBuildSteps => "steps in one path search",
            BudgetKind::PolicyTreeNodes => "nodes in one certificate-policy tree",
            BudgetKind::NameConstraintComparisons => "name-constraint comparisons in one path",
        })
    }
}

/// What is wrong with a nameConstraints extension ([`PathError::MalformedNameConstraints`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConstraintDefect {
    /// It is not marked critical (RFC 5280 section 4.2.1.10: conforming CAs MUST).
    #[error("not critical")]
    NotCritical,
    /// It has neither permittedSubtrees nor excludedSubtrees, or only empty ones.
    #[error("no subtrees")]
    NoSubtrees,
    /// A subtree has a minimum other than 0 or a maximum (RFC 5280 section 4.2.1.10: MUST be
    /// 0 and absent).
    #[error("a subtree with minimum or maximum")]
    SubtreeBounds,
    /// A subtree's base is not a well-formed constraint of its kind.
    #[error("subtree {name}: {syntax}")]
    Subtree {
        /// What is wrong with it.
        syntax: NameSyntax,
        /// The base as encoded (escaped when shown).
        name: String,
    },
}

/// How a general name (a subject alternative name, or a name-constraint subtree) breaks the
/// syntax of its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NameSyntax {
    /// A dNSName that is not a sequence of letter-digit-hyphen labels of 1 to 63 characters,
    /// at most 253 in all (RFC 1034 section 3.5, RFC 5280 section 4.2.1.6).
    #[error("not a DNS name")]
    DnsName,
    /// A wildcard where none may be: anywhere in a constraint, anywhere but as the whole
    /// left-most label of a name, or over a public suffix (fewer than two labels after it).
    #[error("misplaced wildcard")]
    Wildcard,
    /// A dNSName constraint starting with a period: RFC 5280 defines that form for rfc822Name
    /// and URI constraints only.
    #[error("leading period in a dNSName constraint")]
    LeadingPeriod,
    /// An iPAddress of other than 4 or 16 octets, or in a constraint other than 8 or 32.
    #[error("IP address of the wrong length")]
    IpAddressLength,
    /// An iPAddress constraint whose mask is not a run of one bits then zero bits.
    #[error("IP address mask not a prefix")]
    IpAddressMask,
    /// An rfc822Name that is not `local@domain` (or, in a constraint, a mailbox, a host or
    /// `.domain`).
    #[error("not an e-mail address")]
    Rfc822Name,
    /// A uniformResourceIdentifier that is not an absolute URI of printable ASCII, or a
    /// constraint that is not a host or `.domain`.
    #[error("not a URI, or not a URI host constraint")]
    Uri,
    /// A directoryName kyso cannot read (too many attributes, an empty RDN, a value that is
    /// not of a universal type).
    #[error("a directoryName that does not decode")]
    DirectoryName,
}

impl From<crate::time::InvalidTime> for Error {
    fn from(_: crate::time::InvalidTime) -> Self {
        Error::Encoding(EncodingError::InvalidTime)
    }
}

impl Error {
    pub(crate) fn malformed(object: Object, reason: Malformed) -> Self {
        Error::Encoding(EncodingError::Malformed { object, reason })
    }

    pub(crate) fn invalid_der(object: Object) -> Self {
        Error::Encoding(EncodingError::Malformed {
            object,
            reason: Malformed::InvalidDer,
        })
    }
}

/// Which bound of [`crate::limits`] a PDF went over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum PdfLimit {
    /// [`MAX_PDF_SIZE`](crate::limits::MAX_PDF_SIZE).
    FileSize,
    /// [`MAX_PDF_OBJECTS`](crate::limits::MAX_PDF_OBJECTS).
    Objects,
    /// [`MAX_PDF_NESTING`](crate::limits::MAX_PDF_NESTING).
    Nesting,
    /// [`MAX_PDF_REVISIONS`](crate::limits::MAX_PDF_REVISIONS).
    Revisions,
    /// [`MAX_PDF_DECOMPRESSED`](crate::limits::MAX_PDF_DECOMPRESSED).
    Decompressed,
    /// [`MAX_PDF_DECOMPRESSION_RATIO`](crate::limits::MAX_PDF_DECOMPRESSION_RATIO).
    DecompressionRatio,
    /// [`MAX_PDF_DECOMPRESSED_TOTAL`](crate::limits::MAX_PDF_DECOMPRESSED_TOTAL).
    DecompressedTotal,
    /// [`MAX_PDF_STRING`](crate::limits::MAX_PDF_STRING).
    StringLength,
    /// [`MAX_PDF_OBJECT_BYTES`](crate::limits::MAX_PDF_OBJECT_BYTES).
    ObjectBytes,
    /// [`MAX_PDF_SIGNATURES`](crate::limits::MAX_PDF_SIGNATURES).
    Signatures,
    /// [`MAX_PDF_VISITS`](crate::limits::MAX_PDF_VISITS).
    Visits,
    /// [`MAX_PDF_REFERENCE_DEPTH`](crate::limits::MAX_PDF_REFERENCE_DEPTH).
    ReferenceDepth,
}

impl core::fmt::Display for PdfLimit {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            PdfLimit::FileSize => "file size",
            PdfLimit::Objects => "objects",
            PdfLimit::Nesting => "nesting depth",
            PdfLimit::Revisions => "revisions",
            PdfLimit::Decompressed => "decompressed bytes",
            PdfLimit::DecompressionRatio => "decompression ratio",
            PdfLimit::DecompressedTotal => "decompressed bytes in all",
            PdfLimit::StringLength => "string length",
            PdfLimit::ObjectBytes => "object size",
            PdfLimit::Signatures => "signatures",
            PdfLimit::Visits => "object visits",
            PdfLimit::ReferenceDepth => "reference chain",
        })
    }
}

/// Why kyso does not read an XML document, or cannot find in it what a signature refers to.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum XmlError {
    /// The bytes are not UTF-8 (kyso reads XML in UTF-8 only, with or without a byte order
    /// mark), or the XML declaration names another encoding.
    #[error("XML not in UTF-8")]
    NotUtf8,
    /// The document is not well-formed XML 1.0 with namespaces.
    #[error("XML not well-formed at line {line}, column {column}: {reason}")]
    NotWellFormed {
        /// The line, from 1.
        line: u32,
        /// The column, from 1.
        column: u32,
        /// What is wrong there.
        reason: &'static str,
    },
    /// The document has a document type declaration. Entity declarations change what the
    /// text says and default attributes what the elements carry, outside the signed bytes'
    /// reach; kyso refuses every DTD, even an empty one.
    #[error("XML with a document type declaration (kyso reads none)")]
    Doctype,
    /// Elements nested deeper than [`MAX_XML_DEPTH`](crate::limits::MAX_XML_DEPTH).
    #[error("XML elements nested deeper than {limit}")]
    TooDeep {
        /// The bound.
        limit: usize,
    },
    /// More nodes than [`MAX_XML_NODES`](crate::limits::MAX_XML_NODES).
    #[error("XML with more than {limit} nodes")]
    TooManyNodes {
        /// The bound.
        limit: usize,
    },
    /// An element with more attributes than
    /// [`MAX_XML_ATTRIBUTES`](crate::limits::MAX_XML_ATTRIBUTES).
    #[error("an XML element with more than {limit} attributes")]
    TooManyAttributes {
        /// The bound.
        limit: usize,
    },
    /// More namespace declarations than
    /// [`MAX_XML_NAMESPACES`](crate::limits::MAX_XML_NAMESPACES).
    #[error("XML with more than {limit} namespace declarations")]
    TooManyNamespaces {
        /// The bound.
        limit: usize,
    },
    /// No element carries the `Id` a reference names.
    #[error("no element with Id {id:?}")]
    IdNotFound {
        /// The identifier.
        id: String,
    },
    /// Two or more elements carry the `Id` a reference names: which one was meant is
    /// ambiguous (the shape of signature-wrapping attacks), so the document is refused.
    #[error("more than one element with Id {id:?}")]
    DuplicateId {
        /// The identifier.
        id: String,
    },
    /// A `Signature` element is not structured as XML Signature requires (or exceeds
    /// kyso's bounds on references and transforms).
    #[error("malformed XML signature: {reason}")]
    Signature {
        /// What is wrong.
        reason: &'static str,
    },
    /// An algorithm URI kyso does not implement (canonicalization, signature, digest).
    #[error("unsupported XML signature algorithm {uri}")]
    UnsupportedAlgorithm {
        /// The `Algorithm` attribute.
        uri: String,
    },
    /// A transform kyso refuses: XPath, XPath Filter 2.0, XSLT and base64 run code or
    /// select data in ways a reader of the document cannot see, and no signed document
    /// kyso reads needs them.
    #[error("refused XML signature transform {uri}")]
    RefusedTransform {
        /// The transform's `Algorithm`.
        uri: String,
    },
    /// A reference other than the whole document (`""`) or an element by `Id` (`#id`):
    /// external resources and XPointer expressions are not fetched or evaluated.
    #[error("refused XML signature reference {uri:?}")]
    RefusedReference {
        /// The `URI` attribute (empty if absent).
        uri: String,
    },
    /// Key information kyso does not follow (`RetrievalMethod`, `KeyName`): the signer's
    /// certificate must be in the signature.
    #[error("refused KeyInfo element {element}")]
    RefusedKeyInfo {
        /// The element's local name.
        element: String,
    },
    /// kyso writes no XML signature method for the signer's algorithm.
    #[error("no XML signature method for {algorithm}")]
    NoSignatureMethod {
        /// The signer's algorithm.
        algorithm: SignatureAlgorithm,
    },
    /// The document is not an e-invoice of the shape the `vn-einvoice` profile reads.
    #[error("not an e-invoice: {reason}")]
    NotEInvoice {
        /// What is missing or out of place.
        reason: &'static str,
    },
}

/// Why kyso does not read a PDF, to validate or to sign it: its structure is not one kyso
/// reads without guessing (kyso never repairs a file), or a signature is not placed as
/// ISO 32000-2 section 12.8 and ETSI EN 319 142-1 require.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// The file does not start with a `%PDF-1.x` or `%PDF-2.0` header.
    #[error("not a PDF: no %PDF- header at byte 0")]
    NotPdf,
    /// The file is encrypted (its trailer has `/Encrypt`).
    #[error("encrypted PDF (kyso reads no encrypted file)")]
    Encrypted,
    /// A hybrid-reference file (a trailer with `/XRefStm`): readers of PDF 1.4 and later
    /// see different objects, so which document was signed is ambiguous.
    #[error("hybrid-reference PDF (a trailer with /XRefStm): which objects it holds is ambiguous")]
    HybridReference,
    /// A linearized first revision (two cross-reference sections in one revision).
    #[error("linearized PDF (kyso does not read linearized originals)")]
    Linearized,
    /// The bytes at `offset` are not what the PDF syntax requires there.
    #[error("malformed PDF at byte {offset}: {reason}")]
    Malformed {
        /// Where, from the start of the file.
        offset: u64,
        /// What was expected or found.
        reason: &'static str,
    },
    /// An object number appears twice in one revision's cross-reference section.
    #[error("object {number} appears twice in the cross-reference section at byte {xref}")]
    DuplicateObject {
        /// The object number.
        number: u32,
        /// The section's offset.
        xref: u64,
    },
    /// A cross-reference entry does not point at the object it names.
    #[error(
        "the cross-reference entry of object {number} {generation} does not point at it (byte {offset})"
    )]
    XrefMismatch {
        /// The object number.
        number: u32,
        /// Its generation.
        generation: u16,
        /// Where the entry points.
        offset: u64,
    },
    /// A cross-reference entry of an incremental update points outside that update.
    #[error(
        "object {number} of the revision starting at byte {revision_start} is placed outside it (byte {offset})"
    )]
    XrefOutsideRevision {
        /// The object number.
        number: u32,
        /// The revision's first byte.
        revision_start: u64,
        /// Where the entry points.
        offset: u64,
    },
    /// Bytes after the last revision's `%%EOF` other than white space: an update that no
    /// cross-reference section announces.
    #[error("data after the last %%EOF, from byte {offset}")]
    DataAfterLastRevision {
        /// The first such byte.
        offset: u64,
    },
    /// A stream filter kyso does not decode where it must (cross-reference and object
    /// streams): only `/FlateDecode`, with or without PNG and TIFF predictors.
    #[error("unsupported stream filter or parameters: {0}")]
    UnsupportedFilter(String),
    /// A bound of [`crate::limits`] was exceeded.
    #[error("PDF over the bound on {what}: more than {limit}")]
    TooLarge {
        /// Which bound.
        what: PdfLimit,
        /// Its value.
        limit: u64,
    },
    /// The signature dictionary is not usable: `/ByteRange`, `/Contents` or `/SubFilter`
    /// missing, malformed or not placed as required.
    #[error("signature {field}: {reason}")]
    Signature {
        /// The field's full name (or the dictionary's object number).
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// Reading the input failed.
    #[error("cannot read the PDF: {0}")]
    Io(std::io::ErrorKind),
}
