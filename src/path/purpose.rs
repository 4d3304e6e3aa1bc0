//! What an end-entity certificate is being validated for.

use crate::cert::{Certificate, KeyUsage};
use crate::oid::{self, Oid};
pub use crate::vocabulary::KeyPurpose;

/// The extended key usages that let a certificate sign documents when its
/// extendedKeyUsage extension is present (a certificate without the extension may be used
/// for any purpose, RFC 5280 section 4.2.1.12):
///
/// | purpose | OID | why |
/// |---|---|---|
/// | id-kp-documentSigning | 1.3.6.1.5.5.7.3.36 | RFC 9336, made for this |
/// | emailProtection | 1.3.6.1.5.5.7.3.4 | S/MIME and personal signing certificates |
/// | clientAuth | 1.3.6.1.5.5.7.3.2 | Vietnamese personal signing certificates often carry only clientAuth and emailProtection |
/// | anyExtendedKeyUsage | 2.5.29.37.0 | any purpose, by the CA's word |
/// | Adobe Authentic Documents Trust | 1.2.840.113583.1.1.5 | PDF signing certificates |
/// | Microsoft document signing | 1.3.6.1.4.1.311.10.3.12 | Office document signing certificates |
///
/// A caller adds others for its own PKI with
/// [`ValidationPolicy::document_signing_eku`](crate::ValidationPolicy::document_signing_eku)
/// or [`PathValidator::document_signing_eku`](crate::PathValidator::document_signing_eku),
/// except the purposes of [`NEVER_DOCUMENT_SIGNING_EKUS`], which refuse a certificate
/// whatever else it names.
pub const DOCUMENT_SIGNING_EKUS: [Oid; 6] = [
    Oid::known(oid::KP_DOCUMENT_SIGNING),
    Oid::known(oid::KP_EMAIL_PROTECTION),
    Oid::known(oid::KP_CLIENT_AUTH),
    Oid::known(oid::KP_ANY),
    Oid::known(oid::KP_ADOBE_DOCUMENT_SIGNING),
    Oid::known(oid::KP_MICROSOFT_DOCUMENT_SIGNING),
];

/// The extended key usages that never allow signing a document: timeStamping
/// (1.3.6.1.5.5.7.3.8), OCSPSigning (1.3.6.1.5.5.7.3.9), serverAuth (1.3.6.1.5.5.7.3.1) and
/// codeSigning (1.3.6.1.5.5.7.3.3). Keys of TSAs, OCSP responders, TLS servers and build
/// machines sign whatever an online request asks them to; none may produce an official
/// document. A certificate whose extendedKeyUsage names any of these is refused for
/// [`KeyPurpose::DocumentSigning`], whatever else it names (a TLS server certificate
/// usually carries clientAuth too), and adding one of them as a signing purpose has no
/// effect.
pub const NEVER_DOCUMENT_SIGNING_EKUS: [Oid; 4] = [
    Oid::known(oid::KP_TIME_STAMPING),
    Oid::known(oid::KP_OCSP_SIGNING),
    Oid::known(oid::KP_SERVER_AUTH),
    Oid::known(oid::KP_CODE_SIGNING),
];

/// Which of the two extensions refused a purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PurposeRefusal {
    /// keyUsage lacks the bits the purpose needs.
    KeyUsage,
    /// extendedKeyUsage lacks (or, for timestamping, is not exactly) the purposes it needs.
    ExtendedKeyUsage,
}

impl KeyPurpose {
    /// Whether the certificate's key usage and extended key usage allow this purpose (with
    /// the built-in document-signing purposes only).
    pub fn allows(self, cert: &Certificate) -> bool {
        self.check(cert, &[]).is_ok()
    }

    /// Checks the certificate for this purpose; `extra_signing_ekus` are the caller's
    /// additions to [`DOCUMENT_SIGNING_EKUS`] (those of [`NEVER_DOCUMENT_SIGNING_EKUS`]
    /// among them count for nothing).
    pub(crate) fn check(
        self,
        cert: &Certificate,
        extra_signing_ekus: &[Oid],
    ) -> Result<(), PurposeRefusal> {
        let ku_ok = |wanted: KeyUsage| cert.key_usage().is_none_or(|ku| ku.intersects(wanted));
        let eku = cert.extended_key_usage();
        // `required`: the extension must be present. Either way, when present it must name
        // the purpose itself.
        let eku_has = |purpose: &str, required: bool| match eku {
            None => !required,
            Some(list) => list.iter().any(|p| p == purpose),
        };
        let signing = KeyUsage::DIGITAL_SIGNATURE.union(KeyUsage::NON_REPUDIATION);
        let (ku, eku_ok) = match self {
            KeyPurpose::DocumentSigning => {
                let never = |p: &Oid| NEVER_DOCUMENT_SIGNING_EKUS.contains(p);
                let allowed = |p: &Oid| {
                    !never(p)
                        && (DOCUMENT_SIGNING_EKUS.contains(p) || extra_signing_ekus.contains(p))
                };
                (
                    ku_ok(signing),
                    eku.is_none_or(|list| list.iter().any(allowed) && !list.iter().any(never)),
                )
            }
            // anyExtendedKeyUsage does not stand for a specific purpose: a CA that writes it
            // has not said the key is for logins or TLS servers.
            KeyPurpose::ClientAuthentication => (
                ku_ok(KeyUsage::DIGITAL_SIGNATURE),
                eku_has(oid::KP_CLIENT_AUTH, false),
            ),
            KeyPurpose::ServerAuthentication => (
                ku_ok(
                    KeyUsage::DIGITAL_SIGNATURE
                        .union(KeyUsage::KEY_ENCIPHERMENT)
                        .union(KeyUsage::KEY_AGREEMENT),
                ),
                eku_has(oid::KP_SERVER_AUTH, false),
            ),
            KeyPurpose::TimeStamping => {
                // RFC 3161 section 2.3: extendedKeyUsage critical, with id-kp-timeStamping as
                // its only purpose.
                let critical = cert
                    .extensions()
                    .iter()
                    .any(|e| e.oid == oid::EXT_EXTENDED_KEY_USAGE && e.critical);
                (
                    ku_ok(signing),
                    critical
                        && eku.is_some_and(|list| list.len() == 1)
                        && eku_has(oid::KP_TIME_STAMPING, true),
                )
            }
            KeyPurpose::OcspSigning => (ku_ok(signing), eku_has(oid::KP_OCSP_SIGNING, true)),
            KeyPurpose::MasterListSigning => (
                ku_ok(KeyUsage::DIGITAL_SIGNATURE),
                eku_has(oid::KP_ICAO_MASTER_LIST_SIGNING, true),
            ),
            KeyPurpose::Any => (true, true),
        };
        if !ku {
            Err(PurposeRefusal::KeyUsage)
        } else if !eku_ok {
            Err(PurposeRefusal::ExtendedKeyUsage)
        } else {
            Ok(())
        }
    }
}
