//! Fixed-width arithmetic for ECDSA verification over a prime-field curve in short
//! Weierstrass form, `y² = x³ + ax + b`.
//!
//! - Field and scalar elements are `N` little-endian 64-bit limbs in Montgomery form
//!   (R = 2^(64N)), multiplied by coarsely integrated operand scanning and squared by
//!   separated operand scanning; every value is kept fully reduced, so equality of limbs is
//!   equality of elements. P-521's field (2^521 − 1) keeps its elements plain and multiplies
//!   in nine 58-bit digits, folding the high half down (`p521_product`).
//! - Points are in Jacobian coordinates (x = X/Z², y = Y/Z³, Z = 0 at infinity), doubled with
//!   dbl-2001-b (a = −3), added with add-2007-bl, or madd-2007-bl to an affine point. A curve
//!   with another a that is isomorphic to one with a = −3 (the brainpool curves) is worked on
//!   that twist.
//! - `u1·G + u2·Q` is one pass of doublings over both scalars in width-w NAF: G's odd multiples
//!   are computed once per curve and kept affine, Q's are computed per verification.
//! - The final check compares X with r·Z² (and (r + n)·Z² while below p), so no field
//!   inversion is needed; s⁻¹ mod n is one binary extended Euclid.
//!
//! Everything here handles public data only (a public key, a signature, a hash), so the
//! arithmetic is variable-time on purpose.

use num_bigint::BigUint;

/// Width of the NAF of u1 (G's table holds 2^(W_G−2) odd multiples).
const W_G: u32 = 7;
/// Width of the NAF of u2 (Q's table holds 2^(W_Q−2) odd multiples).
const W_Q: u32 = 5;
/// The most limbs a curve here needs (P-521), plus one for the NAF's carries.
const MAX_LIMBS: usize = 10;

type Fe<const N: usize> = [u64; N];

/// The low half of a double-width product.
#[allow(clippy::as_conversions)]
#[inline(always)]
fn lo(x: u128) -> u64 {
    x as u64
}

#[inline(always)]
fn hi(x: u128) -> u64 {
    lo(x >> 64)
}

fn is_zero<const N: usize>(a: &Fe<N>) -> bool {
    a.iter().all(|&l| l == 0)
}

/// a < b.
fn less<const N: usize>(a: &Fe<N>, b: &Fe<N>) -> bool {
    for i in (0..N).rev() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
    }
    false
}

/// a + b, and the carry out.
fn add_limbs<const N: usize>(a: &Fe<N>, b: &Fe<N>) -> (Fe<N>, bool) {
    let mut out = [0u64; N];
    let mut carry = 0u64;
    for i in 0..N {
        let t = u128::from(a[i]) + u128::from(b[i]) + u128::from(carry);
        out[i] = lo(t);
        carry = hi(t);
    }
    (out, carry != 0)
}

/// a − b, and the borrow out.
fn sub_limbs<const N: usize>(a: &Fe<N>, b: &Fe<N>) -> (Fe<N>, bool) {
    let mut out = [0u64; N];
    let mut borrow = false;
    for i in 0..N {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        out[i] = d;
        borrow = b1 || b2;
    }
    (out, borrow)
}

/// Low 58 bits.
const M58: u64 = (1 << 58) - 1;

/// One 58-bit digit product.
#[inline(always)]
fn m(a: u64, b: u64) -> u128 {
    u128::from(a) * u128::from(b)
}

/// Column k of x·y plus twice column k + 9 (2^522 ≡ 2), for k < 9: each column written out
/// so that its sum stays in registers.
#[inline(always)]
fn p521_product_columns(x: &[u64; 9], y: &[u64; 9]) -> [u128; 9] {
    [
        m(x[0], y[0])
            + ((m(x[1], y[8])
                + m(x[2], y[7])
                + m(x[3], y[6])
                + m(x[4], y[5])
                + m(x[5], y[4])
                + m(x[6], y[3])
                + m(x[7], y[2])
                + m(x[8], y[1]))
                << 1),
        m(x[0], y[1])
            + m(x[1], y[0])
            + ((m(x[2], y[8])
                + m(x[3], y[7])
                + m(x[4], y[6])
                + m(x[5], y[5])
                + m(x[6], y[4])
                + m(x[7], y[3])
                + m(x[8], y[2]))
                << 1),
        m(x[0], y[2])
            + m(x[1], y[1])
            + m(x[2], y[0])
            + ((m(x[3], y[8])
                + m(x[4], y[7])
                + m(x[5], y[6])
                + m(x[6], y[5])
                + m(x[7], y[4])
                + m(x[8], y[3]))
                << 1),
        m(x[0], y[3])
            + m(x[1], y[2])
            + m(x[2], y[1])
            + m(x[3], y[0])
            + ((m(x[4], y[8]) + m(x[5], y[7]) + m(x[6], y[6]) + m(x[7], y[5]) + m(x[8], y[4]))
                << 1),
        m(x[0], y[4])
            + m(x[1], y[3])
            + m(x[2], y[2])
            + m(x[3], y[1])
            + m(x[4], y[0])
            + ((m(x[5], y[8]) + m(x[6], y[7]) + m(x[7], y[6]) + m(x[8], y[5])) << 1),
        m(x[0], y[5])
            + m(x[1], y[4])
            + m(x[2], y[3])
            + m(x[3], y[2])
            + m(x[4], y[1])
            + m(x[5], y[0])
            + ((m(x[6], y[8]) + m(x[7], y[7]) + m(x[8], y[6])) << 1),
        m(x[0], y[6])
            + m(x[1], y[5])
            + m(x[2], y[4])
            + m(x[3], y[3])
            + m(x[4], y[2])
            + m(x[5], y[1])
            + m(x[6], y[0])
            + ((m(x[7], y[8]) + m(x[8], y[7])) << 1),
        m(x[0], y[7])
            + m(x[1], y[6])
            + m(x[2], y[5])
            + m(x[3], y[4])
            + m(x[4], y[3])
            + m(x[5], y[2])
            + m(x[6], y[1])
            + m(x[7], y[0])
            + ((m(x[8], y[8])) << 1),
        m(x[0], y[8])
            + m(x[1], y[7])
            + m(x[2], y[6])
            + m(x[3], y[5])
            + m(x[4], y[4])
            + m(x[5], y[3])
            + m(x[6], y[2])
            + m(x[7], y[1])
            + m(x[8], y[0]),
    ]
}

/// [`p521_product_columns`] for x², each cross product once, doubled.
#[inline(always)]
fn p521_square_columns(x: &[u64; 9]) -> [u128; 9] {
    let x2 = x.map(|d| d << 1);
    [
        m(x[0], x[0]) + ((m(x2[1], x[8]) + m(x2[2], x[7]) + m(x2[3], x[6]) + m(x2[4], x[5])) << 1),
        m(x2[0], x[1]) + ((m(x2[2], x[8]) + m(x2[3], x[7]) + m(x2[4], x[6]) + m(x[5], x[5])) << 1),
        m(x2[0], x[2]) + m(x[1], x[1]) + ((m(x2[3], x[8]) + m(x2[4], x[7]) + m(x2[5], x[6])) << 1),
        m(x2[0], x[3]) + m(x2[1], x[2]) + ((m(x2[4], x[8]) + m(x2[5], x[7]) + m(x[6], x[6])) << 1),
        m(x2[0], x[4]) + m(x2[1], x[3]) + m(x[2], x[2]) + ((m(x2[5], x[8]) + m(x2[6], x[7])) << 1),
        m(x2[0], x[5]) + m(x2[1], x[4]) + m(x2[2], x[3]) + ((m(x2[6], x[8]) + m(x[7], x[7])) << 1),
        m(x2[0], x[6]) + m(x2[1], x[5]) + m(x2[2], x[4]) + m(x[3], x[3]) + ((m(x2[7], x[8])) << 1),
        m(x2[0], x[7]) + m(x2[1], x[6]) + m(x2[2], x[5]) + m(x2[3], x[4]) + ((m(x[8], x[8])) << 1),
        m(x2[0], x[8]) + m(x2[1], x[7]) + m(x2[2], x[6]) + m(x2[3], x[5]) + m(x[4], x[4]),
    ]
}

/// a·b mod p (or a² when `square`) for nine-limb a, b below p = 2^521 − 1, fully reduced.
///
/// The factors are split into nine 58-bit digits, so the 81 (or 45) partial products
/// accumulate in 128-bit sums without carries; the digits of weight 2^522 and up are
/// folded down doubled (2^522 ≡ 2 mod 2^521 − 1) and the carries are propagated once.
fn p521_product<const N: usize>(a: &Fe<N>, b: &Fe<N>, square: bool, p: &Fe<N>) -> Fe<N> {
    let split = |x: &Fe<N>| {
        let mut out = [0u64; 9];
        for (i, digit) in out.iter_mut().enumerate() {
            let (word, shift) = ((58 * i) / 64, (58 * i) % 64);
            let mut v = x.get(word).copied().unwrap_or(0) >> shift;
            if shift > 6 {
                v |= x.get(word + 1).copied().unwrap_or(0) << (64 - shift);
            }
            *digit = v & M58;
        }
        out
    };
    let x = split(a);
    // A column is below 9·2^116 < 2^120; with its fold, below 2^122.
    let c = if square {
        p521_square_columns(&x)
    } else {
        p521_product_columns(&x, &split(b))
    };
    let mut digits = [0u64; 9];
    let mut carry = 0u128;
    for (d, ck) in digits.iter_mut().zip(c.iter()) {
        let v = ck + carry;
        *d = lo(v) & M58;
        carry = v >> 58;
    }
    let mut t = [0u64; N];
    for (i, &d) in digits.iter().enumerate() {
        let (word, shift) = ((58 * i) / 64, (58 * i) % 64);
        if let Some(w) = t.get_mut(word) {
            *w |= d << shift;
        }
        if shift > 6
            && let Some(w) = t.get_mut(word + 1)
        {
            *w |= d >> (64 - shift);
        }
    }
    // t < 2^522; the last carry has weight 2^522 ≡ 2, and the sum stays below 2^523.
    let extra = carry << 1;
    let mut e = [0u64; N];
    e[0] = lo(extra);
    e[1] = hi(extra);
    let (t, _) = add_limbs(&t, &e);
    // 2^521 ≡ 1: the bits from 521 up (at most 3) are added to those below, once, and the
    // result (below 2^521 + 3) is reduced by one subtraction of p at most.
    let mut low = t;
    low[N - 1] &= P521_TOP;
    let mut high = [0u64; N];
    high[0] = t[N - 1] >> 9;
    let (s, _) = add_limbs(&low, &high);
    if less(&s, p) { s } else { sub_limbs(&s, p).0 }
}

/// x >> 1, with `top` shifted in as the new top bit.
fn shr1<const N: usize>(x: &mut Fe<N>, top: bool) {
    for i in 0..N {
        let next = if i + 1 < N { x[i + 1] } else { u64::from(top) };
        x[i] = (x[i] >> 1) | (next << 63);
    }
}

/// Big-endian bytes as limbs; `None` if the value needs more than N limbs.
pub(super) fn from_be<const N: usize>(bytes: &[u8]) -> Option<Fe<N>> {
    let mut out = [0u64; N];
    for (i, &byte) in bytes.iter().rev().enumerate() {
        let (limb, shift) = (i / 8, 8 * (i % 8));
        if limb >= N {
            if byte != 0 {
                return None;
            }
            continue;
        }
        out[limb] |= u64::from(byte) << shift;
    }
    Some(out)
}

fn from_big<const N: usize>(v: &BigUint) -> Fe<N> {
    from_be(&v.to_bytes_be()).unwrap_or([0; N])
}

/// Arithmetic modulo an odd m below 2^(64N), in Montgomery form.
pub(super) struct Modulus<const N: usize> {
    m: Fe<N>,
    /// −m⁻¹ mod 2^64.
    m_inv: u64,
    /// R² mod m.
    r2: Fe<N>,
    /// R mod m: one, in Montgomery form.
    one: Fe<N>,
    /// m is P-521's prime 2^521 − 1: elements are kept plain (R = 1) and a product is
    /// reduced by folding its high bits onto its low ones.
    mersenne: bool,
}

/// 2^521 − 1 in nine limbs: the top limb's mask.
const P521_TOP: u64 = 0x1ff;

impl<const N: usize> Modulus<N> {
    fn new(m: &BigUint) -> Self {
        let limbs: Fe<N> = from_big(m);
        // Newton's iteration for m⁻¹ mod 2^64: each step doubles the correct low bits.
        let mut inv = 1u64;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(limbs[0].wrapping_mul(inv)));
        }
        let mersenne = N == 9 && *m == (BigUint::from(1u32) << 521u32) - 1u32;
        let r = if mersenne {
            BigUint::from(1u32)
        } else {
            (BigUint::from(1u32) << (64 * N)) % m
        };
        let r2 = (&r * &r) % m;
        Modulus {
            m: limbs,
            m_inv: inv.wrapping_neg(),
            r2: from_big(&r2),
            one: from_big(&r),
            mersenne,
        }
    }

    /// The double-width square a² (2N ≤ 18 limbs): each cross product once, doubled.
    fn wide_sqr(a: &Fe<N>) -> [u64; 2 * MAX_LIMBS] {
        let mut t = [0u64; 2 * MAX_LIMBS];
        for i in 0..N {
            let mut carry = 0u64;
            for j in i + 1..N {
                let x =
                    u128::from(t[i + j]) + u128::from(a[i]) * u128::from(a[j]) + u128::from(carry);
                t[i + j] = lo(x);
                carry = hi(x);
            }
            t[i + N] = carry;
        }
        let mut top = 0u64;
        for limb in t.iter_mut().take(2 * N) {
            let next = *limb >> 63;
            *limb = (*limb << 1) | top;
            top = next;
        }
        let mut carry = 0u64;
        for i in 0..N {
            let x = u128::from(a[i]) * u128::from(a[i]);
            let s = u128::from(t[2 * i]) + u128::from(lo(x)) + u128::from(carry);
            t[2 * i] = lo(s);
            let s = u128::from(t[2 * i + 1]) + u128::from(hi(x)) + u128::from(hi(s));
            t[2 * i + 1] = lo(s);
            carry = hi(s);
        }
        t
    }

    /// Montgomery reduction: t·R⁻¹ mod m, for t < m·R.
    fn redc(&self, mut t: [u64; 2 * MAX_LIMBS]) -> Fe<N> {
        let mut extra = 0u64;
        for i in 0..N {
            let q = t[i].wrapping_mul(self.m_inv);
            let mut carry = 0u64;
            for j in 0..N {
                let x = u128::from(t[i + j])
                    + u128::from(q) * u128::from(self.m[j])
                    + u128::from(carry);
                t[i + j] = lo(x);
                carry = hi(x);
            }
            for limb in t.iter_mut().take(2 * N).skip(i + N) {
                if carry == 0 {
                    break;
                }
                let x = u128::from(*limb) + u128::from(carry);
                *limb = lo(x);
                carry = hi(x);
            }
            extra += carry;
        }
        let mut out = [0u64; N];
        out.copy_from_slice(&t[N..2 * N]);
        if extra != 0 || !less(&out, &self.m) {
            out = sub_limbs(&out, &self.m).0;
        }
        out
    }

    /// a⁻¹ mod m (plain in, plain out) for 0 < a < m, by the binary extended Euclidean
    /// algorithm; `None` if a and m share a factor.
    fn invert(&self, a: &Fe<N>) -> Option<Fe<N>> {
        if is_zero(a) {
            return None;
        }
        let half = |x: &mut Fe<N>| {
            let carry = if x[0] & 1 == 1 {
                let (s, c) = add_limbs(x, &self.m);
                *x = s;
                c
            } else {
                false
            };
            shr1(x, carry);
        };
        let (mut u, mut v) = (*a, self.m);
        let mut one = [0u64; N];
        one[0] = 1;
        let (mut x1, mut x2) = (one, [0u64; N]);
        while u != one && v != one {
            if is_zero(&u) || is_zero(&v) {
                return None;
            }
            while u[0] & 1 == 0 {
                shr1(&mut u, false);
                half(&mut x1);
            }
            while v[0] & 1 == 0 {
                shr1(&mut v, false);
                half(&mut x2);
            }
            if less(&u, &v) {
                v = sub_limbs(&v, &u).0;
                x2 = self.sub(&x2, &x1);
            } else {
                u = sub_limbs(&u, &v).0;
                x1 = self.sub(&x1, &x2);
            }
        }
        Some(if u == one { x1 } else { x2 })
    }

    /// a·b·R⁻¹ mod m, for a, b < m.
    #[inline]
    fn mul(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        if self.mersenne {
            return p521_product(a, b, false, &self.m);
        }
        let mut t = [0u64; N];
        let mut t_n = 0u64;
        for &bi in b.iter() {
            let mut carry = 0u64;
            for j in 0..N {
                let x = u128::from(t[j]) + u128::from(a[j]) * u128::from(bi) + u128::from(carry);
                t[j] = lo(x);
                carry = hi(x);
            }
            let x = u128::from(t_n) + u128::from(carry);
            t_n = lo(x);
            let t_n1 = hi(x);
            let q = t[0].wrapping_mul(self.m_inv);
            let x = u128::from(t[0]) + u128::from(q) * u128::from(self.m[0]);
            let mut carry = hi(x);
            for j in 1..N {
                let x =
                    u128::from(t[j]) + u128::from(q) * u128::from(self.m[j]) + u128::from(carry);
                t[j - 1] = lo(x);
                carry = hi(x);
            }
            let x = u128::from(t_n) + u128::from(carry);
            t[N - 1] = lo(x);
            t_n = t_n1 + hi(x);
        }
        if t_n != 0 || !less(&t, &self.m) {
            t = sub_limbs(&t, &self.m).0;
        }
        t
    }

    #[inline]
    fn sqr(&self, a: &Fe<N>) -> Fe<N> {
        if self.mersenne {
            p521_product(a, a, true, &self.m)
        } else {
            self.redc(Self::wide_sqr(a))
        }
    }

    #[inline]
    fn add(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        let (s, carry) = add_limbs(a, b);
        if carry || !less(&s, &self.m) {
            sub_limbs(&s, &self.m).0
        } else {
            s
        }
    }

    #[inline]
    fn sub(&self, a: &Fe<N>, b: &Fe<N>) -> Fe<N> {
        let (d, borrow) = sub_limbs(a, b);
        if borrow { add_limbs(&d, &self.m).0 } else { d }
    }

    fn neg(&self, a: &Fe<N>) -> Fe<N> {
        self.sub(&[0; N], a)
    }

    /// Into Montgomery form, for a < m.
    fn to_mont(&self, a: &Fe<N>) -> Fe<N> {
        self.mul(a, &self.r2)
    }

    /// Out of Montgomery form.
    fn out_of_mont(&self, a: &Fe<N>) -> Fe<N> {
        let mut one = [0u64; N];
        one[0] = 1;
        self.mul(a, &one)
    }

    /// base^e, base in Montgomery form (the result too), e as plain limbs; 4-bit windows.
    fn pow(&self, base: &Fe<N>, e: &Fe<N>) -> Fe<N> {
        let mut table = [self.one; 16];
        for i in 1..16 {
            table[i] = self.mul(&table[i - 1], base);
        }
        let mut acc = self.one;
        let mut started = false;
        for limb in e.iter().rev() {
            for nibble in (0..16).rev() {
                if started {
                    for _ in 0..4 {
                        acc = self.sqr(&acc);
                    }
                }
                let d = (limb >> (4 * nibble)) & 15;
                if d != 0 {
                    acc = self.mul(&acc, &table[usize::try_from(d).unwrap_or(0)]);
                    started = true;
                }
            }
        }
        acc
    }
}

/// An affine point, coordinates in Montgomery form.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Affine<const N: usize> {
    x: Fe<N>,
    y: Fe<N>,
}

/// A point in Jacobian coordinates, in Montgomery form; Z = 0 is the point at infinity.
#[derive(Clone, Copy)]
struct Jacobian<const N: usize> {
    x: Fe<N>,
    y: Fe<N>,
    z: Fe<N>,
}

/// A curve's domain, ready for verification.
pub(super) struct CurveArith<const N: usize> {
    fp: Modulus<N>,
    fn_: Modulus<N>,
    /// a and b in Montgomery form.
    a: Fe<N>,
    b: Fe<N>,
    /// The points are added and doubled with a = −3: the curve's own a, or through the
    /// isomorphism below.
    a_is_minus_3: bool,
    /// For a curve with a ≠ −3 that is isomorphic to one with a = −3 (every brainpool
    /// curve: RFC 5639 section 3 gives the twisted curves "t1"), u² and u³ (Montgomery
    /// form) for a u with a·u⁴ = −3: (x, y) ↦ (u²x, u³y) maps the curve onto
    /// y² = x³ − 3x + b·u⁶, where doubling is cheaper. Verification only needs x up to that
    /// factor u².
    iso: Option<(Fe<N>, Fe<N>)>,
    p: Fe<N>,
    n: Fe<N>,
    n_bits: usize,
    /// Octets of a field element.
    len: usize,
    /// (p + 1)/4: every curve here has p ≡ 3 (mod 4).
    sqrt_exp: Fe<N>,
    g: Affine<N>,
    /// G, 3G, 5G, ... (2^(W_G−1) − 1)G.
    g_table: Vec<Affine<N>>,
}

impl<const N: usize> CurveArith<N> {
    /// From p, a, b, Gx, Gy, n.
    pub(super) fn new(
        p: &BigUint,
        a: &BigUint,
        b: &BigUint,
        gx: &BigUint,
        gy: &BigUint,
        n: &BigUint,
    ) -> Self {
        let fp = Modulus::<N>::new(p);
        let fn_ = Modulus::<N>::new(n);
        let a_m = fp.to_mont(&from_big(a));
        let three = fp.to_mont(&from_big(&BigUint::from(3u32)));
        let iso = if fp.add(&a_m, &three) == [0; N] {
            None
        } else {
            twist(p, a).map(|u| {
                let u2 = (&u * &u) % p;
                let u3 = (&u2 * &u) % p;
                (fp.to_mont(&from_big(&u2)), fp.to_mont(&from_big(&u3)))
            })
        };
        let a_is_minus_3 = iso.is_some() || fp.add(&a_m, &three) == [0; N];
        let g = Affine {
            x: fp.to_mont(&from_big(gx)),
            y: fp.to_mont(&from_big(gy)),
        };
        let len = usize::try_from(p.bits()).unwrap_or(0).div_ceil(8);
        let mut curve = CurveArith {
            a: a_m,
            b: fp.to_mont(&from_big(b)),
            a_is_minus_3,
            iso,
            p: from_big(p),
            n: from_big(n),
            n_bits: usize::try_from(n.bits()).unwrap_or(0),
            len,
            sqrt_exp: from_big(&((p + 1u32) >> 2)),
            g,
            g_table: Vec::new(),
            fp,
            fn_,
        };
        let jac = curve.odd_multiples(&curve.map(&g), 1 << (W_G - 2));
        curve.g_table = jac.iter().filter_map(|j| curve.to_affine(j)).collect();
        curve
    }

    /// The point on the curve the arithmetic works on (the twisted one, if any).
    fn map(&self, p: &Affine<N>) -> Affine<N> {
        match &self.iso {
            Some((u2, u3)) => Affine {
                x: self.fp.mul(&p.x, u2),
                y: self.fp.mul(&p.y, u3),
            },
            None => *p,
        }
    }

    /// Octets of a field element.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    fn infinity(&self) -> Jacobian<N> {
        Jacobian {
            x: self.fp.one,
            y: self.fp.one,
            z: [0; N],
        }
    }

    fn lift(&self, a: &Affine<N>) -> Jacobian<N> {
        Jacobian {
            x: a.x,
            y: a.y,
            z: self.fp.one,
        }
    }

    fn to_affine(&self, j: &Jacobian<N>) -> Option<Affine<N>> {
        if is_zero(&j.z) {
            return None;
        }
        let f = &self.fp;
        // j.z holds Z·R; its plain inverse is Z⁻¹·R⁻¹, and two steps into Montgomery form
        // (each a factor R) make it Z⁻¹·R, the Montgomery form of Z⁻¹.
        let zi = f.to_mont(&f.to_mont(&f.invert(&j.z)?));
        let zi2 = f.sqr(&zi);
        Some(Affine {
            x: f.mul(&j.x, &zi2),
            y: f.mul(&j.y, &f.mul(&zi2, &zi)),
        })
    }

    /// P, 3P, 5P, ... (2·count − 1)P.
    fn odd_multiples(&self, p: &Affine<N>, count: usize) -> Vec<Jacobian<N>> {
        let first = self.lift(p);
        let twice = self.double(&first);
        let mut out = Vec::with_capacity(count);
        out.push(first);
        while out.len() < count {
            let next = match out.last() {
                Some(last) => self.add(last, &twice),
                None => first,
            };
            out.push(next);
        }
        out
    }

    /// The point's affine coordinates (Montgomery form) if the bytes are an uncompressed
    /// (04) or compressed (02, 03) encoding (SEC 1 section 2.3.4) of a point on the curve.
    pub(super) fn decode(&self, bytes: &[u8]) -> Option<Affine<N>> {
        let (&tag, rest) = bytes.split_first()?;
        let f = &self.fp;
        let coordinate = |b: &[u8]| -> Option<Fe<N>> {
            let v = from_be::<N>(b)?;
            less(&v, &self.p).then(|| f.to_mont(&v))
        };
        let rhs = |x: &Fe<N>| {
            let x3 = f.mul(&f.sqr(x), x);
            f.add(&f.add(&x3, &f.mul(&self.a, x)), &self.b)
        };
        match tag {
            0x04 if rest.len() == 2 * self.len => {
                let (x, y) = rest.split_at(self.len);
                let (x, y) = (coordinate(x)?, coordinate(y)?);
                (f.sqr(&y) == rhs(&x)).then_some(Affine { x, y })
            }
            0x02 | 0x03 if rest.len() == self.len => {
                let x = coordinate(rest)?;
                let z = rhs(&x);
                let mut y = f.pow(&z, &self.sqrt_exp);
                if f.sqr(&y) != z {
                    return None;
                }
                if (f.out_of_mont(&y)[0] & 1 == 1) != (tag == 0x03) {
                    y = f.neg(&y);
                }
                Some(Affine { x, y })
            }
            _ => None,
        }
    }

    /// Whether the encoded point is this curve's generator.
    pub(super) fn is_generator(&self, bytes: &[u8]) -> bool {
        self.decode(bytes) == Some(self.g)
    }

    /// dbl-2001-b (a = −3) or dbl-2007-bl.
    fn double(&self, p: &Jacobian<N>) -> Jacobian<N> {
        if is_zero(&p.z) || is_zero(&p.y) {
            return self.infinity();
        }
        let f = &self.fp;
        if self.a_is_minus_3 {
            let delta = f.sqr(&p.z);
            let gamma = f.sqr(&p.y);
            let beta = f.mul(&p.x, &gamma);
            let t = f.mul(&f.sub(&p.x, &delta), &f.add(&p.x, &delta));
            let alpha = f.add(&f.add(&t, &t), &t);
            let beta2 = f.add(&beta, &beta);
            let beta4 = f.add(&beta2, &beta2);
            let beta8 = f.add(&beta4, &beta4);
            let x3 = f.sub(&f.sqr(&alpha), &beta8);
            let yz = f.add(&p.y, &p.z);
            let z3 = f.sub(&f.sub(&f.sqr(&yz), &gamma), &delta);
            let gamma2 = f.sqr(&gamma);
            let g2 = f.add(&gamma2, &gamma2);
            let g4 = f.add(&g2, &g2);
            let g8 = f.add(&g4, &g4);
            let y3 = f.sub(&f.mul(&alpha, &f.sub(&beta4, &x3)), &g8);
            Jacobian {
                x: x3,
                y: y3,
                z: z3,
            }
        } else {
            let xx = f.sqr(&p.x);
            let yy = f.sqr(&p.y);
            let yyyy = f.sqr(&yy);
            let zz = f.sqr(&p.z);
            let t = f.sub(&f.sub(&f.sqr(&f.add(&p.x, &yy)), &xx), &yyyy);
            let s = f.add(&t, &t);
            let m = f.add(&f.add(&f.add(&xx, &xx), &xx), &f.mul(&self.a, &f.sqr(&zz)));
            let x3 = f.sub(&f.sqr(&m), &f.add(&s, &s));
            let y2 = f.add(&yyyy, &yyyy);
            let y4 = f.add(&y2, &y2);
            let y8 = f.add(&y4, &y4);
            let y3 = f.sub(&f.mul(&m, &f.sub(&s, &x3)), &y8);
            let yz = f.add(&p.y, &p.z);
            let z3 = f.sub(&f.sub(&f.sqr(&yz), &yy), &zz);
            Jacobian {
                x: x3,
                y: y3,
                z: z3,
            }
        }
    }

    /// add-2007-bl.
    fn add(&self, p: &Jacobian<N>, q: &Jacobian<N>) -> Jacobian<N> {
        if is_zero(&p.z) {
            return *q;
        }
        if is_zero(&q.z) {
            return *p;
        }
        let f = &self.fp;
        let z1z1 = f.sqr(&p.z);
        let z2z2 = f.sqr(&q.z);
        let u1 = f.mul(&p.x, &z2z2);
        let u2 = f.mul(&q.x, &z1z1);
        let s1 = f.mul(&f.mul(&p.y, &q.z), &z2z2);
        let s2 = f.mul(&f.mul(&q.y, &p.z), &z1z1);
        let h = f.sub(&u2, &u1);
        let r = f.sub(&s2, &s1);
        if is_zero(&h) {
            return if is_zero(&r) {
                self.double(p)
            } else {
                self.infinity()
            };
        }
        let r = f.add(&r, &r);
        let h2 = f.add(&h, &h);
        let i = f.sqr(&h2);
        let j = f.mul(&h, &i);
        let v = f.mul(&u1, &i);
        let x3 = f.sub(&f.sub(&f.sqr(&r), &j), &f.add(&v, &v));
        let s1j = f.mul(&s1, &j);
        let y3 = f.sub(&f.mul(&r, &f.sub(&v, &x3)), &f.add(&s1j, &s1j));
        let zs = f.add(&p.z, &q.z);
        let z3 = f.mul(&f.sub(&f.sub(&f.sqr(&zs), &z1z1), &z2z2), &h);
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// madd-2007-bl: p + q with q affine.
    fn add_affine(&self, p: &Jacobian<N>, q: &Affine<N>) -> Jacobian<N> {
        if is_zero(&p.z) {
            return self.lift(q);
        }
        let f = &self.fp;
        let z1z1 = f.sqr(&p.z);
        let u2 = f.mul(&q.x, &z1z1);
        let s2 = f.mul(&f.mul(&q.y, &p.z), &z1z1);
        let h = f.sub(&u2, &p.x);
        let r = f.sub(&s2, &p.y);
        if is_zero(&h) {
            return if is_zero(&r) {
                self.double(p)
            } else {
                self.infinity()
            };
        }
        let r = f.add(&r, &r);
        let hh = f.sqr(&h);
        let hh2 = f.add(&hh, &hh);
        let i = f.add(&hh2, &hh2);
        let j = f.mul(&h, &i);
        let v = f.mul(&p.x, &i);
        let x3 = f.sub(&f.sub(&f.sqr(&r), &j), &f.add(&v, &v));
        let y1j = f.mul(&p.y, &j);
        let y3 = f.sub(&f.mul(&r, &f.sub(&v, &x3)), &f.add(&y1j, &y1j));
        let zh = f.add(&p.z, &h);
        let z3 = f.sub(&f.sub(&f.sqr(&zh), &z1z1), &hh);
        Jacobian {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// The leftmost n_bits bits of the hash, reduced mod n (SEC 1 section 4.1.4 step 5).
    fn hash_to_scalar(&self, hash: &[u8]) -> Fe<N> {
        let n_bytes = self.n_bits.div_ceil(8);
        let h = hash.get(..n_bytes).unwrap_or(hash);
        let mut e = from_be::<N>(h).unwrap_or([0; N]);
        let extra = (8 * h.len()).saturating_sub(self.n_bits);
        if extra > 0 {
            for i in 0..N {
                let next = if i + 1 < N { e[i + 1] } else { 0 };
                e[i] = (e[i] >> extra) | (next << (64 - extra));
            }
        }
        if !less(&e, &self.n) {
            e = sub_limbs(&e, &self.n).0;
        }
        e
    }

    /// Verifies (r, s) (big-endian integers) by the public point `q` over a hash.
    pub(super) fn verify(&self, q: &Affine<N>, hash: &[u8], r: &[u8], s: &[u8]) -> bool {
        let (Some(r), Some(s)) = (from_be::<N>(r), from_be::<N>(s)) else {
            return false;
        };
        if is_zero(&r) || is_zero(&s) || !less(&r, &self.n) || !less(&s, &self.n) {
            return false;
        }
        let e = self.hash_to_scalar(hash);
        let sn = &self.fn_;
        let Some(w) = sn.invert(&s) else {
            return false;
        };
        // A plain value times a Montgomery one: the plain product.
        let w = sn.to_mont(&w);
        let u1 = sn.mul(&e, &w);
        let u2 = sn.mul(&r, &w);
        let q_table = self.odd_multiples(&self.map(q), 1 << (W_Q - 2));
        let naf1 = wnaf(&u1, W_G);
        let naf2 = wnaf(&u2, W_Q);
        let f = &self.fp;
        let mut acc = self.infinity();
        for i in (0..naf1.len().max(naf2.len())).rev() {
            acc = self.double(&acc);
            let d1 = naf1.get(i).copied().unwrap_or(0);
            if d1 != 0
                && let Some(pt) = self.g_table.get(usize::from(d1.unsigned_abs() / 2))
            {
                acc = if d1 > 0 {
                    self.add_affine(&acc, pt)
                } else {
                    self.add_affine(
                        &acc,
                        &Affine {
                            x: pt.x,
                            y: f.neg(&pt.y),
                        },
                    )
                };
            }
            let d2 = naf2.get(i).copied().unwrap_or(0);
            if d2 != 0
                && let Some(pt) = q_table.get(usize::from(d2.unsigned_abs() / 2))
            {
                acc = if d2 > 0 {
                    self.add(&acc, pt)
                } else {
                    self.add(
                        &acc,
                        &Jacobian {
                            x: pt.x,
                            y: f.neg(&pt.y),
                            z: pt.z,
                        },
                    )
                };
            }
        }
        if is_zero(&acc.z) {
            return false;
        }
        // x(acc) mod n = r: X = c·Z² for c = r, r + n, ... below p.
        let mut zz = f.sqr(&acc.z);
        if let Some((u2, _)) = &self.iso {
            zz = f.mul(&zz, u2);
        }
        let mut c = r;
        while less(&c, &self.p) {
            if f.mul(&f.to_mont(&c), &zz) == acc.x {
                return true;
            }
            let (next, carry) = add_limbs(&c, &self.n);
            if carry {
                break;
            }
            c = next;
        }
        false
    }
}

/// A u with a·u⁴ ≡ −3 (mod p), if there is one: u⁴ = −3/a, and with p ≡ 3 (mod 4) the
/// square roots are powers by (p + 1)/4, of which one of ± is itself a square.
fn twist(p: &BigUint, a: &BigUint) -> Option<BigUint> {
    if a == &BigUint::default() {
        return None;
    }
    let exp = (p + 1u32) >> 2;
    let sqrt = |v: &BigUint| {
        let r = v.modpow(&exp, p);
        ((&r * &r) % p == *v).then_some(r)
    };
    let minus_3 = p - 3u32;
    let t = (minus_3.clone() * a.modpow(&(p - 2u32), p)) % p;
    let r = sqrt(&t)?;
    let u = sqrt(&r).or_else(|| sqrt(&(p - &r)))?;
    let u4 = u.modpow(&BigUint::from(4u32), p);
    ((a * u4) % p == minus_3).then_some(u)
}

/// The width-w non-adjacent form of k, least significant digit first: every non-zero digit
/// is odd and below 2^(w−1) in absolute value, and any w consecutive digits hold at most
/// one that is non-zero.
fn wnaf<const N: usize>(k: &Fe<N>, w: u32) -> Vec<i8> {
    let mut v = [0u64; MAX_LIMBS];
    for (d, s) in v.iter_mut().zip(k.iter()) {
        *d = *s;
    }
    let window = 1u64 << w;
    let mut out = Vec::with_capacity(64 * N + 1);
    while v.iter().any(|&l| l != 0) {
        let mut digit = 0i8;
        if v[0] & 1 == 1 {
            let m = v[0] & (window - 1);
            if m >= window / 2 {
                // Negative digit m − 2^w: add 2^w − m.
                digit = i8::try_from(
                    i64::try_from(m).unwrap_or(0) - i64::try_from(window).unwrap_or(0),
                )
                .unwrap_or(0);
                let mut carry = window - m;
                for limb in v.iter_mut() {
                    let (s, c) = limb.overflowing_add(carry);
                    *limb = s;
                    carry = u64::from(c);
                    if carry == 0 {
                        break;
                    }
                }
            } else {
                digit = i8::try_from(m).unwrap_or(0);
                v[0] -= m;
            }
        }
        out.push(digit);
        for i in 0..MAX_LIMBS {
            let next = v.get(i + 1).copied().unwrap_or(0);
            v[i] = (v[i] >> 1) | (next << 63);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::ec::Curve;

    /// Every brainpool curve is worked on its a = −3 twist; the NIST curves have a = −3.
    #[test]
    fn brainpool_curves_have_their_twists() {
        for c in Curve::ALL {
            let k = c.params();
            // For a = −3 itself, u⁴ = 1.
            assert!(twist(&k.p, &k.a).is_some(), "{c:?}");
            let nist = matches!(c, Curve::P256 | Curve::P384 | Curve::P521);
            let a = CurveArith::<9>::new(&k.p, &k.a, &k.b, &k.gx, &k.gy, &k.n);
            assert!(a.a_is_minus_3, "{c:?}");
            assert_eq!(a.iso.is_some(), !nist, "{c:?}");
            assert_eq!(a.g_table.len(), 1 << (W_G - 2), "{c:?}");
        }
    }

    /// P-521's products and squares, against num-bigint.
    #[test]
    fn p521_products_match_bigint() {
        let k = Curve::P521.params();
        let m = Modulus::<9>::new(&k.p);
        assert!(m.mersenne);
        let mut values = vec![
            BigUint::default(),
            BigUint::from(1u32),
            &k.p - 1u32,
            &k.p - 2u32,
            (BigUint::from(1u32) << 520u32) + 1u32,
            k.gx.clone(),
            k.gy.clone(),
        ];
        for seed in 1u32..60 {
            values.push((BigUint::from(seed).pow(3 * seed) * 0x9e37_79b9u32 + seed) % &k.p);
        }
        for a in &values {
            for b in values.iter().take(12) {
                let expected: Fe<9> = from_big(&((a * b) % &k.p));
                assert_eq!(m.mul(&from_big(a), &from_big(b)), expected);
            }
            let expected: Fe<9> = from_big(&((a * a) % &k.p));
            assert_eq!(m.sqr(&from_big(a)), expected);
        }
    }

    /// The modular inverse, against Fermat's little theorem.
    #[test]
    fn inverse_matches_fermat() {
        for c in Curve::ALL {
            let k = c.params();
            for m in [&k.p, &k.n] {
                let modulus = Modulus::<9>::new(m);
                for seed in 1u32..40 {
                    let v = (BigUint::from(seed).pow(seed) * 0x9e37_79b9u32) % m;
                    let inv = modulus.invert(&from_big(&v)).unwrap();
                    let expected = v.modpow(&(m - 2u32), m);
                    assert_eq!(inv, from_big::<9>(&expected), "{c:?} {seed}");
                }
            }
        }
    }

    #[test]
    fn naf_digits_recompose() {
        let k: Fe<4> = [
            0xdead_beef_0123_4567,
            u64::MAX,
            0x8000_0000_0000_0001,
            0xffff,
        ];
        for w in [2u32, 5, 7] {
            let naf = wnaf(&k, w);
            let mut v = BigUint::default();
            for (i, &d) in naf.iter().enumerate().rev() {
                let _ = i;
                v <<= 1u32;
                if d > 0 {
                    v += u32::from(d.unsigned_abs());
                } else if d < 0 {
                    v -= u32::from(d.unsigned_abs());
                }
                assert!(d == 0 || (d % 2 != 0 && d.unsigned_abs() < 1 << (w - 1)));
            }
            let expected = BigUint::from_bytes_be(
                &k.iter()
                    .rev()
                    .flat_map(|l| l.to_be_bytes())
                    .collect::<Vec<_>>(),
            );
            assert_eq!(v, expected, "w={w}");
        }
    }
}
