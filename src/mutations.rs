//! Test support for the one-pass readers: a seeded, repeatable source of single-octet
//! mutations, and DER built by hand.

/// A linear congruential generator, so that every run mutates the same way.
pub(crate) struct Mutations(u64);

impl Mutations {
    pub(crate) fn new(seed: u64) -> Self {
        Mutations(seed)
    }

    /// A number below `m` (which must not be 0).
    pub(crate) fn below(&mut self, m: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        usize::try_from(self.0 >> 33).unwrap() % m
    }

    /// One mutation of `m` at `at` (below its length): a changed octet, a cut, an
    /// inserted octet, or an octet plus one.
    pub(crate) fn apply(&mut self, m: &mut Vec<u8>, at: usize) {
        match self.below(4) {
            0 => m[at] = u8::try_from(self.below(256)).unwrap(),
            1 => m.truncate(at),
            2 => m.insert(at, u8::try_from(self.below(256)).unwrap()),
            _ => m[at] = m[at].wrapping_add(1),
        }
    }

    /// How many of `rounds` mutations `agrees` settles: round `i` mutates a copy of
    /// `bases[i % len]` once, anywhere in even rounds and within its first `head` octets in
    /// odd ones (where the headers and the first fields are).
    pub(crate) fn settled(
        &mut self,
        bases: &[Vec<u8>],
        rounds: usize,
        head: usize,
        mut agrees: impl FnMut(&[u8]) -> bool,
    ) -> usize {
        let mut settled = 0;
        for round in 0..rounds {
            let mut m = bases[round % bases.len()].clone();
            let at = if round % 2 == 0 {
                self.below(m.len())
            } else {
                self.below(m.len().min(head))
            };
            self.apply(&mut m, at);
            if agrees(&m) {
                settled += 1;
            }
        }
        settled
    }
}

/// `tag`, a DER length (below 65,536) and `contents`.
pub(crate) fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = contents.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else if len < 0x100 {
        out.extend([0x81, u8::try_from(len).unwrap()]);
    } else {
        out.extend([
            0x82,
            u8::try_from(len >> 8).unwrap(),
            u8::try_from(len & 0xff).unwrap(),
        ]);
    }
    out.extend_from_slice(contents);
    out
}
