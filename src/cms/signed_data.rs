//! `SignedData` (RFC 5652 section 5.1) with the certificates and revocation data kept as
//! encoded.
//!
//! The `cms` crate's own `SignedData` decodes every embedded certificate with `x509-cert`'s
//! strict profile, so one certificate it dislikes (a pre-2000 UTCTime, a DSA key with
//! inherited parameters) makes the whole signature unreadable. kyso reads embedded
//! certificates itself, one by one, and reports those it cannot use; everything else comes
//! from the `cms` crate.

use cms::content_info::CmsVersion;
use cms::signed_data::{EncapsulatedContentInfo, SignerInfos};
use der::asn1::SetOfVec;
use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Any, Sequence};
use x509_cert::spki::AlgorithmIdentifierOwned;

/// ```text
/// SignedData ::= SEQUENCE {
///   version CMSVersion,
///   digestAlgorithms DigestAlgorithmIdentifiers,
///   encapContentInfo EncapsulatedContentInfo,
///   certificates [0] IMPLICIT CertificateSet OPTIONAL,
///   crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
///   signerInfos SignerInfos }
/// ```
#[derive(Clone, Debug, Sequence)]
pub(crate) struct SignedData {
    pub version: CmsVersion,
    pub digest_algorithms: SetOfVec<AlgorithmIdentifierOwned>,
    pub encap_content_info: EncapsulatedContentInfo,
    #[asn1(
        context_specific = "0",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    pub certificates: Option<SetOfVec<Any>>,
    #[asn1(
        context_specific = "1",
        tag_mode = "IMPLICIT",
        constructed = "true",
        optional = "true"
    )]
    pub crls: Option<SetOfVec<Any>>,
    pub signer_infos: SignerInfos,
}

/// ```text
/// ContentInfo ::= SEQUENCE {
///   contentType ContentType,
///   content [0] EXPLICIT ANY DEFINED BY contentType }
/// ```
///
/// The content borrowed from the input, so that it is decoded in place rather than copied
/// first.
#[derive(Clone, Debug, Sequence)]
pub(crate) struct ContentInfoRef<'a> {
    pub content_type: ObjectIdentifier,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    pub content: AnyRef<'a>,
}
