//! RSA signature verification for what ring does not verify: PKCS#1 v1.5 with the SHA-3
//! hashes, and RSASSA-PSS with any supported hash, MGF1 over any supported hash (RFC 4055's
//! default is MGF1 with SHA-1 whatever the message hash) and any salt length (RFC 8017
//! sections 8.1.2, 8.2.2, 9.1.2 and 9.2).
//!
//! Verification only: the key is public and so is every value computed, so plain
//! (variable-time) big-integer arithmetic is enough. The `rsa` crate was weighed for this
//! and set aside: its PSS verifier applies one hash to both the message and MGF1, so the
//! MGF1-SHA-1 parameter sets real signers write could not be verified with it. The size of
//! the modulus is bounded by the algorithm policy's check before anything is computed.

use crate::error::SignatureError;
use num_bigint::BigUint;

use crate::digest::{DigestAlgorithm, Hasher, digest};
use crate::error::{Error, Object};

/// The longest public exponent accepted, in bits (65537 has 17).
const MAX_EXPONENT_BITS: u64 = 33;

fn invalid() -> Error {
    Error::Signature(SignatureError::InvalidSignature)
}

/// RSAVP1 (RFC 8017 section 5.2.2) on a signature of exactly the modulus's length: the
/// encoded message, `k` octets, and the modulus's bit length.
fn rsavp1(key: &[u8], signature: &[u8]) -> Result<(Vec<u8>, u64), Error> {
    let public = pkcs1::RsaPublicKey::<der::asn1::UintRef<'_>>::from_der_bytes(key)?;
    let n = BigUint::from_bytes_be(public.modulus.as_bytes());
    let e = BigUint::from_bytes_be(public.public_exponent.as_bytes());
    let mod_bits = n.bits();
    let k = usize::try_from(mod_bits.div_ceil(8)).map_err(|_| invalid())?;
    // An exponent of 1 would make every message its own signature; even ones are not RSA;
    // one over 33 bits (ring's bound too) would make each check cost what the key's owner
    // chose.
    if e.bits() < 2 || e.bits() > MAX_EXPONENT_BITS || !e.bit(0) || e >= n {
        return Err(Error::invalid_der(Object::PublicKey));
    }
    // Section 8.1.2 step 1 and 8.2.2 step 1: the signature is as long as the modulus.
    if signature.len() != k {
        return Err(invalid());
    }
    let s = BigUint::from_bytes_be(signature);
    if s >= n {
        return Err(invalid());
    }
    let m = s.modpow(&e, &n).to_bytes_be();
    let mut em = vec![0u8; k.checked_sub(m.len()).ok_or_else(invalid)?];
    em.extend_from_slice(&m);
    Ok((em, mod_bits))
}

/// Decoding an `RSAPublicKey` for this module.
trait FromDerBytes<'a>: Sized {
    fn from_der_bytes(bytes: &'a [u8]) -> Result<Self, Error>;
}

impl<'a> FromDerBytes<'a> for pkcs1::RsaPublicKey<der::asn1::UintRef<'a>> {
    fn from_der_bytes(bytes: &'a [u8]) -> Result<Self, Error> {
        use der::Decode;
        Self::from_der(bytes).map_err(|_| Error::invalid_der(Object::PublicKey))
    }
}

/// RSASSA-PKCS1-V1_5-VERIFY (RFC 8017 section 8.2.2) of `message` with `digest`. The
/// DigestInfo is compared whole, with the hash's parameters NULL (RFC 8017 appendix
/// A.2.4) or absent, as both are written for the SHA-3 hashes.
pub(crate) fn verify_pkcs1(
    key: &[u8],
    digest_algorithm: DigestAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    let (em, _) = rsavp1(key, signature)?;
    let hash = digest(digest_algorithm, message);
    let matches = |with_null: bool| -> Result<bool, Error> {
        let info = digest_info(digest_algorithm, hash.as_bytes(), with_null)?;
        // 00 01 FF..FF 00 T, with at least eight FF octets (section 9.2 step 5).
        let padding = em
            .len()
            .checked_sub(info.len() + 3)
            .filter(|p| *p >= 8)
            .ok_or_else(invalid)?;
        let mut expected = Vec::with_capacity(em.len());
        expected.extend_from_slice(&[0x00, 0x01]);
        expected.extend(std::iter::repeat_n(0xff, padding));
        expected.push(0x00);
        expected.extend_from_slice(&info);
        Ok(expected == em)
    };
    if matches(true)? || matches(false)? {
        Ok(())
    } else {
        Err(invalid())
    }
}

/// `DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }`.
fn digest_info(
    digest_algorithm: DigestAlgorithm,
    hash: &[u8],
    with_null: bool,
) -> Result<Vec<u8>, Error> {
    use der::Encode;
    let oid = digest_algorithm.der_oid().to_der().map_err(|_| invalid())?;
    let mut alg = oid;
    if with_null {
        alg.extend_from_slice(&[0x05, 0x00]);
    }
    let mut body = tlv(0x30, &alg);
    body.extend(tlv(0x04, hash));
    Ok(tlv(0x30, &body))
}

/// A DER TLV with a short or long length (inputs here are under 64 KiB).
fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = value.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or(0));
    } else if len < 0x100 {
        out.push(0x81);
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        out.push(0x82);
        out.extend_from_slice(&u16::try_from(len).unwrap_or(0).to_be_bytes());
    }
    out.extend_from_slice(value);
    out
}

/// MGF1 (RFC 8017 appendix B.2.1): `len` octets from `seed` with `hash`.
fn mgf1(hash: DigestAlgorithm, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + hash.output_len());
    let mut counter: u32 = 0;
    while out.len() < len {
        let mut h = Hasher::new(hash);
        h.update(seed);
        h.update(&counter.to_be_bytes());
        out.extend_from_slice(h.finish().as_bytes());
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}

/// RSASSA-PSS-VERIFY (RFC 8017 section 8.1.2, EMSA-PSS-VERIFY of section 9.1.2) of
/// `message` with the message hash `digest`, MGF1 over `mgf1_digest`, and a salt of
/// `salt_len` octets, trailer field 0xBC.
pub(crate) fn verify_pss(
    key: &[u8],
    digest_algorithm: DigestAlgorithm,
    mgf1_digest: DigestAlgorithm,
    salt_len: usize,
    message: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    let (em_k, mod_bits) = rsavp1(key, signature)?;
    // emBits = modBits - 1; EM is the last emLen = ceil(emBits / 8) octets.
    let em_bits = mod_bits.checked_sub(1).ok_or_else(invalid)?;
    let em_len = usize::try_from(em_bits.div_ceil(8)).map_err(|_| invalid())?;
    let skip = em_k.len().checked_sub(em_len).ok_or_else(invalid)?;
    if em_k.iter().take(skip).any(|b| *b != 0) {
        return Err(invalid());
    }
    let em = em_k.get(skip..).ok_or_else(invalid)?;
    let m_hash = digest(digest_algorithm, message);
    let h_len = digest_algorithm.output_len();
    // Step 3: emLen >= hLen + sLen + 2.
    if em_len < h_len + salt_len + 2 {
        return Err(invalid());
    }
    // Step 4: the trailer.
    if em.last() != Some(&0xbc) {
        return Err(invalid());
    }
    let db_len = em_len - h_len - 1;
    let (masked_db, rest) = em.split_at(db_len);
    let h = rest.get(..h_len).ok_or_else(invalid)?;
    // Step 6: the leftmost 8·emLen − emBits bits of maskedDB are zero.
    let unused = u64::try_from(em_len)
        .ok()
        .and_then(|l| l.checked_mul(8))
        .and_then(|l| l.checked_sub(em_bits))
        .and_then(|u| u32::try_from(u).ok())
        .ok_or_else(invalid)?;
    let top_mask: u8 = 0xffu8.checked_shr(unused).unwrap_or(0);
    if masked_db.first().is_some_and(|b| b & !top_mask != 0) {
        return Err(invalid());
    }
    // Steps 7 to 9: DB = maskedDB ⊕ MGF(H), its top bits cleared.
    let mask = mgf1(mgf1_digest, h, db_len);
    let mut db: Vec<u8> = masked_db.iter().zip(&mask).map(|(a, b)| a ^ b).collect();
    if let Some(first) = db.first_mut() {
        *first &= top_mask;
    }
    // Step 10: PS of zeros, then 0x01, then the salt.
    let ps_len = db_len - salt_len - 1;
    if db.iter().take(ps_len).any(|b| *b != 0) || db.get(ps_len) != Some(&0x01) {
        return Err(invalid());
    }
    let salt = db.get(ps_len + 1..).ok_or_else(invalid)?;
    // Steps 12 to 14: H' = Hash(0x00 × 8 ‖ mHash ‖ salt) must be H.
    let mut hasher = Hasher::new(digest_algorithm);
    hasher.update(&[0u8; 8]);
    hasher.update(m_hash.as_bytes());
    hasher.update(salt);
    if hasher.finish().as_bytes() == h {
        Ok(())
    } else {
        Err(invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mgf1_lengths() {
        assert_eq!(mgf1(DigestAlgorithm::Sha256, b"seed", 0).len(), 0);
        assert_eq!(mgf1(DigestAlgorithm::Sha256, b"seed", 33).len(), 33);
        // The first block is Hash(seed ‖ 00000000).
        let mut h = Hasher::new(DigestAlgorithm::Sha1);
        h.update(b"seed");
        h.update(&[0, 0, 0, 0]);
        assert_eq!(
            mgf1(DigestAlgorithm::Sha1, b"seed", 20),
            h.finish().as_bytes()
        );
    }

    #[test]
    fn malformed_keys_and_signatures() {
        assert!(verify_pkcs1(&[0x30, 0x00], DigestAlgorithm::Sha3_256, b"m", &[1]).is_err());
        // n = 0xC5 (197), e = 1: refused as a key.
        let key = [0x30, 0x07, 0x02, 0x02, 0x00, 0xc5, 0x02, 0x01, 0x01];
        assert!(matches!(
            verify_pkcs1(&key, DigestAlgorithm::Sha3_256, b"m", &[1]),
            Err(Error::Encoding(_))
        ));
        // A 41-bit odd exponent under a 64-bit modulus: refused before any arithmetic.
        let key = [
            0x30, 0x13, 0x02, 0x09, 0x00, 0xc5, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0x06, 0x01, 0, 0, 0,
            0, 0x01,
        ];
        assert!(matches!(
            verify_pkcs1(&key, DigestAlgorithm::Sha3_256, b"m", &[1; 8]),
            Err(Error::Encoding(_))
        ));
    }
}
