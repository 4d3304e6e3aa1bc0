//! Which PKCS#11 mechanism signs for a signature algorithm, what kyso hashes or encodes
//! itself before the token signs, and the conversion of raw ECDSA values to DER. Pure
//! functions, testable without a token.

use crate::error::{SignatureError, SigningError, TokenError};
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use der::Encode;

use crate::digest::{Digest, DigestAlgorithm};
use crate::error::Error;
use crate::key::SignatureAlgorithm;

/// What the mechanism is given: the message itself, or its hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Input {
    Message,
    Hash(DigestAlgorithm),
}

/// A mechanism choice for one signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Step {
    pub(super) mechanism_type: MechanismType,
    pub(super) pss: Option<DigestAlgorithm>,
    pub(super) input: Input,
    /// CKM_RSA_PKCS signs a DigestInfo the caller builds.
    pub(super) digest_info: bool,
    /// CKM_ECDSA returns r || s, which CMS wants as a DER SEQUENCE.
    pub(super) raw_ecdsa: bool,
}

impl Step {
    pub(super) fn mechanism(&self) -> Mechanism<'static> {
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
pub(super) fn plan(
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
                Error::Signing(SigningError::DigestSigningUnsupported { algorithm })
            } else {
                Error::Token(TokenError::MechanismUnsupported { algorithm })
            }
        })
}

/// The bytes a hash-taking mechanism signs: the DigestInfo for CKM_RSA_PKCS (RFC 8017
/// section 9.2), else the hash itself.
pub(super) fn prepare_hash(step: &Step, d: &Digest) -> Result<Vec<u8>, Error> {
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
            return Err(Error::Signature(SignatureError::AlgorithmNotAllowed {
                algorithm: SignatureAlgorithm::RsaPkcs1Sha1ForLegacyUseOnly,
                reason: crate::error::DisallowedReason::VerifyOnly,
            }));
        }
    };
    Ok([prefix, d.as_bytes()].concat())
}

/// `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` from PKCS#11's r || s.
#[derive(der::Sequence)]
pub(super) struct EcdsaSig<'a> {
    r: der::asn1::UintRef<'a>,
    s: der::asn1::UintRef<'a>,
}

pub(super) fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>, Error> {
    let bad = || {
        Error::Signing(SigningError::SignerFailed {
            reason: "the token returned an ECDSA signature of odd length".to_owned(),
        })
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

#[cfg(test)]
mod tests {
    use super::*;

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
            Err(Error::Token(TokenError::MechanismUnsupported {
                algorithm: SignatureAlgorithm::EcdsaP256Sha256
            }))
        );
        assert_eq!(
            plan(SignatureAlgorithm::Ed25519, &all, true),
            Err(Error::Signing(SigningError::DigestSigningUnsupported {
                algorithm: SignatureAlgorithm::Ed25519
            }))
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
