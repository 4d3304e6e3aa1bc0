//! DSA verification (FIPS 186-4 section 4.7), for legacy data only: NIST PKITS and RFC
//! 4134's examples use it, and old archives hold DSA signatures. No secret is handled, so
//! plain big-integer arithmetic is enough. The domain is bounded before any arithmetic:
//! p of 1024, 2048 or 3072 bits and q of 160, 224 or 256 bits (FIPS 186-4 section 4.2).

use crate::error::SignatureError;
use der::Decode;
use der::asn1::UintRef;
use num_bigint::BigUint;

use crate::error::{Error, Object};

/// `Dss-Parms ::= SEQUENCE { p INTEGER, q INTEGER, g INTEGER }` (RFC 3279 section 2.3.2).
#[derive(der::Sequence)]
struct DssParms<'a> {
    p: UintRef<'a>,
    q: UintRef<'a>,
    g: UintRef<'a>,
}

/// `Dss-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279 section 2.2.2).
#[derive(der::Sequence)]
struct DssSigValue<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

/// A DSA public key: its domain and y.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct DsaKey {
    p: BigUint,
    q: BigUint,
    g: BigUint,
    y: BigUint,
}

fn bad_key() -> Error {
    Error::invalid_der(Object::PublicKey)
}

impl DsaKey {
    /// The key from the SubjectPublicKeyInfo's parameters (Dss-Parms) and its public key
    /// BIT STRING contents (an INTEGER y). Parameters inherited from the issuer (absent)
    /// are [`SignatureError::UnsupportedKey`].
    pub(crate) fn read(params: Option<&[u8]>, key_bytes: &[u8]) -> Result<Self, Error> {
        let params = params.ok_or(Error::Signature(SignatureError::UnsupportedKey {
            oid: crate::oid::Oid::known("1.2.840.10040.4.1"),
        }))?;
        let d = DssParms::from_der(params).map_err(|_| bad_key())?;
        let y = UintRef::from_der(key_bytes).map_err(|_| bad_key())?;
        let key = DsaKey {
            p: BigUint::from_bytes_be(d.p.as_bytes()),
            q: BigUint::from_bytes_be(d.q.as_bytes()),
            g: BigUint::from_bytes_be(d.g.as_bytes()),
            y: BigUint::from_bytes_be(y.as_bytes()),
        };
        let one = BigUint::from(1u8);
        if !matches!(key.p.bits(), 1024 | 2048 | 3072)
            || !matches!(key.q.bits(), 160 | 224 | 256)
            || key.g <= one
            || key.g >= key.p
            || key.y <= one
            || key.y >= key.p
        {
            return Err(bad_key());
        }
        // g generates the subgroup of order q (FIPS 186-4 appendix A.2.2): a domain where it
        // does not lets the key's owner make signatures anyone could have made.
        if key.g.modpow(&key.q, &key.p) != one {
            return Err(bad_key());
        }
        Ok(key)
    }

    /// Verifies a DER Dss-Sig-Value over `hash` (FIPS 186-4 section 4.7).
    pub(crate) fn verify(&self, hash: &[u8], signature: &[u8]) -> Result<(), Error> {
        let invalid = || Error::Signature(SignatureError::InvalidSignature);
        let sig = DssSigValue::from_der(signature).map_err(|_| invalid())?;
        let r = BigUint::from_bytes_be(sig.r.as_bytes());
        let s = BigUint::from_bytes_be(sig.s.as_bytes());
        let zero = BigUint::default();
        if r == zero || s == zero || r >= self.q || s >= self.q {
            return Err(invalid());
        }
        // z: the leftmost min(N, outlen) bits of the hash.
        let n_bits = self.q.bits();
        let hash_bits = u64::try_from(hash.len())
            .unwrap_or(u64::MAX)
            .saturating_mul(8);
        let mut z = BigUint::from_bytes_be(hash);
        if hash_bits > n_bits {
            z >>= hash_bits - n_bits;
        }
        // s^(q-2) is s's inverse mod a prime q; for a q that is not prime it is no inverse,
        // and the comparison below fails.
        let w = s.modpow(&(&self.q - 2u32), &self.q);
        let u1 = (&z * &w) % &self.q;
        let u2 = (&r * &w) % &self.q;
        let v = ((self.g.modpow(&u1, &self.p) * self.y.modpow(&u2, &self.p)) % &self.p) % &self.q;
        if v == r { Ok(()) } else { Err(invalid()) }
    }
}
