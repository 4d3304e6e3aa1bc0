//! Document hashing: SHA-2 (and SHA-1 for legacy verification), one-shot or streaming, in
//! constant memory for any input size.
//!
//! The backend is `ring`: as fast as the pure-Rust `sha2` crate for SHA-256 where the CPU
//! has SHA extensions, about twice as fast where it has not, and faster for SHA-512 on both
//! (`cargo bench --bench digest` measures both in the same run; the README has the numbers).

use crate::error::{EncodingError, SignatureError, SigningError};
use std::io::{Read, Write};
use std::path::Path;

use der::asn1::ObjectIdentifier;

use crate::error::{Error, Malformed, Object};
use crate::oid::Oid;
pub use crate::vocabulary::DigestAlgorithm;

/// Size of the buffer used to stream a reader or a file through a hash: large enough that
/// system calls cost little next to hashing, small enough to live on any stack or heap.
pub(crate) const STREAM_BUFFER_SIZE: usize = 64 * 1024;

impl DigestAlgorithm {
    /// The algorithm an object identifier names.
    ///
    /// # Errors
    ///
    /// [`SignatureError::UnsupportedAlgorithm`] if the OID names none of SHA-1, SHA-256, SHA-384 and
    /// SHA-512.
    ///
    /// ```
    /// use kyso::digest::DigestAlgorithm;
    /// let oid = "2.16.840.1.101.3.4.2.1".parse()?;
    /// assert_eq!(DigestAlgorithm::from_oid(&oid)?, DigestAlgorithm::Sha256);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_oid(oid: &Oid) -> Result<Self, Error> {
        let unsupported =
            || Error::Signature(SignatureError::UnsupportedAlgorithm { oid: oid.clone() });
        let der = oid.to_der().ok_or_else(unsupported)?;
        DigestAlgorithm::from_der_oid(&der).map_err(|_| unsupported())
    }

    /// The algorithm a decoded object identifier names.
    pub(crate) fn from_der_oid(oid: &ObjectIdentifier) -> Result<Self, Error> {
        DigestAlgorithm::ALL
            .into_iter()
            .find(|a| a.der_oid() == *oid)
            .ok_or_else(|| {
                Error::Signature(SignatureError::UnsupportedAlgorithm {
                    oid: Oid::from_der(oid),
                })
            })
    }

    /// The DER `AlgorithmIdentifier` (RFC 5754 section 2: parameters absent).
    pub fn algorithm_identifier_der(self) -> Vec<u8> {
        use der::Encode;
        let ai = spki::AlgorithmIdentifierRef {
            oid: self.der_oid(),
            parameters: None,
        };
        // Encoding a fixed, well-formed structure cannot fail.
        ai.to_der().unwrap_or_default()
    }

    /// The algorithm a DER `AlgorithmIdentifier` names. Parameters must be absent or NULL
    /// (RFC 5754 section 2 allows both).
    ///
    /// # Errors
    ///
    /// - [`EncodingError::Malformed`] with [`Object::AlgorithmIdentifier`]: the input is not a DER
    ///   `AlgorithmIdentifier` ([`Malformed::InvalidDer`]), or its parameters are present and
    ///   not NULL ([`Malformed::InvalidValue`]).
    /// - [`SignatureError::UnsupportedAlgorithm`] if the OID names no algorithm kyso implements.
    pub fn from_algorithm_identifier_der(der_bytes: &[u8]) -> Result<Self, Error> {
        use der::Decode;
        let ai = spki::AlgorithmIdentifierRef::from_der(der_bytes)
            .map_err(|_| Error::invalid_der(Object::AlgorithmIdentifier))?;
        if let Some(p) = ai.parameters
            && !p.is_null()
        {
            return Err(Error::malformed(
                Object::AlgorithmIdentifier,
                Malformed::InvalidValue {
                    field: "parameters",
                },
            ));
        }
        DigestAlgorithm::from_der_oid(&ai.oid)
    }
}

/// A hash value with the algorithm that made it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Digest {
    algorithm: DigestAlgorithm,
    value: Vec<u8>,
}

impl Digest {
    /// A digest computed elsewhere (for example by a client that hashed a large file
    /// itself).
    ///
    /// # Errors
    ///
    /// [`SigningError::DigestLength`] if `value` is not as long as the algorithm's hash value.
    pub fn from_bytes(algorithm: DigestAlgorithm, value: &[u8]) -> Result<Self, Error> {
        if value.len() != algorithm.output_len() {
            return Err(Error::Signing(SigningError::DigestLength {
                expected: algorithm.output_len(),
                actual: value.len(),
            }));
        }
        Ok(Digest {
            algorithm,
            value: value.to_vec(),
        })
    }

    /// The algorithm.
    pub fn algorithm(&self) -> DigestAlgorithm {
        self.algorithm
    }

    /// The hash value.
    pub fn as_bytes(&self) -> &[u8] {
        &self.value
    }

    /// The hash value in lowercase hexadecimal, as `sha256sum` prints it.
    pub fn to_hex(&self) -> String {
        hex(&self.value, false)
    }
}

/// `bytes` as hexadecimal digits, two per byte, in lower or upper case.
pub(crate) fn hex(bytes: &[u8], upper: bool) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    write_hex(&mut s, bytes, upper);
    s
}

/// [`hex`], written at the end of `out`.
pub(crate) fn write_hex(out: &mut String, bytes: &[u8], upper: bool) {
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    out.reserve(bytes.len() * 2);
    // Digits written into a buffer and appended as one string, not pushed one by one.
    let mut buffer = [0u8; 128];
    for chunk in bytes.chunks(64) {
        for (pair, b) in buffer.chunks_exact_mut(2).zip(chunk) {
            if let [high, low] = pair {
                *high = digits[usize::from(b >> 4)];
                *low = digits[usize::from(b & 0x0f)];
            }
        }
        let written = buffer.get(..chunk.len() * 2).unwrap_or_default();
        // Only ASCII digits were written.
        out.push_str(std::str::from_utf8(written).unwrap_or_default());
    }
}

impl AsRef<[u8]> for Digest {
    fn as_ref(&self) -> &[u8] {
        &self.value
    }
}

impl core::fmt::Debug for Digest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Digest({}:{})", self.algorithm, self.to_hex())
    }
}

/// Hashes `data` in one call.
///
/// ```
/// use kyso::digest::{DigestAlgorithm, digest};
/// let d = digest(DigestAlgorithm::Sha256, b"abc");
/// assert_eq!(d.to_hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
/// ```
pub fn digest(algorithm: DigestAlgorithm, data: &[u8]) -> Digest {
    let mut h = Hasher::new(algorithm);
    h.update(data);
    h.finish()
}

/// Hashes everything `reader` yields, in constant memory.
///
/// Interrupted reads are retried.
///
/// # Errors
///
/// [`Error::Io`], with an empty path, if a read fails with any error other than
/// [`std::io::ErrorKind::Interrupted`].
pub fn digest_reader<R: Read>(algorithm: DigestAlgorithm, mut reader: R) -> Result<Digest, Error> {
    digest_stream(algorithm, &mut reader, "")
}

/// Hashes a file, in constant memory.
///
/// # Errors
///
/// [`Error::Io`], with the path, if the file cannot be opened or a read fails
/// (interrupted reads are retried).
///
/// ```no_run
/// let d = kyso::digest::digest_file(kyso::digest::DigestAlgorithm::Sha256, "document.pdf")?;
/// println!("{}", d.to_hex());
/// # Ok::<(), kyso::Error>(())
/// ```
pub fn digest_file(algorithm: DigestAlgorithm, path: impl AsRef<Path>) -> Result<Digest, Error> {
    let path = path.as_ref();
    let mut file = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
    digest_stream(algorithm, &mut file, &path.display().to_string())
}

fn digest_stream(
    algorithm: DigestAlgorithm,
    reader: &mut dyn Read,
    label: &str,
) -> Result<Digest, Error> {
    let mut hasher = Hasher::new(algorithm);
    let mut buf = vec![0u8; STREAM_BUFFER_SIZE];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(buf.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Error::Io {
                    path: label.to_owned(),
                    kind: e.kind(),
                });
            }
        }
    }
    Ok(hasher.finish())
}

/// Reads a whole file, refusing it once it passes `limit` bytes (whatever the file system
/// says its size is: pipes and special files report none).
pub(crate) fn read_bounded(path: &Path, limit: usize, object: Object) -> Result<Vec<u8>, Error> {
    let file = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
    let mut data = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap)
        .read_to_end(&mut data)
        .map_err(|e| io_error(path, &e))?;
    if data.len() > limit {
        return Err(Error::Encoding(EncodingError::TooLarge {
            object,
            limit,
            actual: data.len(),
        }));
    }
    Ok(data)
}

pub(crate) fn io_error(path: &Path, e: &std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        kind: e.kind(),
    }
}

/// A streaming hasher: feed it with [`Hasher::update`] or through [`std::io::Write`] (so
/// `std::io::copy` can fill it), then call [`Hasher::finish`].
///
/// ```
/// use std::io::Write;
/// use kyso::digest::{DigestAlgorithm, Hasher};
/// let mut h = Hasher::new(DigestAlgorithm::Sha256);
/// h.write_all(b"a")?;
/// h.update(b"bc");
/// assert_eq!(h.finish(), kyso::digest::digest(DigestAlgorithm::Sha256, b"abc"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct Hasher {
    algorithm: DigestAlgorithm,
    context: Context,
}

/// The state of a hash: ring's for SHA-1 and SHA-2, the `sha3` crate's for SHA-3.
#[derive(Clone)]
enum Context {
    Ring(ring::digest::Context),
    Sha3_256(sha3::Sha3_256),
    Sha3_384(sha3::Sha3_384),
    Sha3_512(sha3::Sha3_512),
}

impl Hasher {
    /// A hasher for `algorithm`.
    pub fn new(algorithm: DigestAlgorithm) -> Self {
        use sha3::Digest as _;
        let context = match (algorithm.ring(), algorithm) {
            (Some(r), _) => Context::Ring(ring::digest::Context::new(r)),
            (None, DigestAlgorithm::Sha3_384) => Context::Sha3_384(sha3::Sha3_384::new()),
            (None, DigestAlgorithm::Sha3_512) => Context::Sha3_512(sha3::Sha3_512::new()),
            (None, _) => Context::Sha3_256(sha3::Sha3_256::new()),
        };
        Hasher { algorithm, context }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> DigestAlgorithm {
        self.algorithm
    }

    /// Feeds more data.
    pub fn update(&mut self, data: &[u8]) {
        use sha3::Digest as _;
        match &mut self.context {
            Context::Ring(c) => c.update(data),
            Context::Sha3_256(c) => c.update(data),
            Context::Sha3_384(c) => c.update(data),
            Context::Sha3_512(c) => c.update(data),
        }
    }

    /// The hash of everything fed.
    pub fn finish(self) -> Digest {
        use sha3::Digest as _;
        let value = match self.context {
            Context::Ring(c) => c.finish().as_ref().to_vec(),
            Context::Sha3_256(c) => c.finalize().to_vec(),
            Context::Sha3_384(c) => c.finalize().to_vec(),
            Context::Sha3_512(c) => c.finalize().to_vec(),
        };
        Digest {
            algorithm: self.algorithm,
            value,
        }
    }
}

impl Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl core::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Hasher")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_of_every_byte_and_of_long_input() {
        let all: Vec<u8> = (0..=255u8).collect();
        let mut expected = String::new();
        for b in &all {
            expected.push_str(&format!("{b:02x}"));
        }
        assert_eq!(hex(&all, false), expected);
        assert_eq!(hex(&all, true), expected.to_uppercase());
        assert_eq!(hex(&[], false), "");
        let mut out = "prefix ".to_owned();
        write_hex(&mut out, &[0xab, 0x01], true);
        assert_eq!(out, "prefix AB01");
    }

    /// FIPS 180-4 examples ("abc" and the 448-bit message).
    #[test]
    fn known_answers() {
        let cases: [(DigestAlgorithm, &[u8], &str); 9] = [
            (
                DigestAlgorithm::Sha1,
                b"abc",
                "a9993e364706816aba3e25717850c26c9cd0d89d",
            ),
            (
                DigestAlgorithm::Sha256,
                b"abc",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                DigestAlgorithm::Sha256,
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ),
            (
                DigestAlgorithm::Sha384,
                b"abc",
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
            ),
            (
                DigestAlgorithm::Sha512,
                b"abc",
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            ),
            (
                DigestAlgorithm::Sha256,
                b"",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            // FIPS 202 examples (NIST CSRC "SHA3-256 / 384 / 512, message 'abc'").
            (
                DigestAlgorithm::Sha3_256,
                b"abc",
                "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
            ),
            (
                DigestAlgorithm::Sha3_384,
                b"abc",
                "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25",
            ),
            (
                DigestAlgorithm::Sha3_512,
                b"abc",
                "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0",
            ),
        ];
        for (alg, msg, hex) in cases {
            assert_eq!(digest(alg, msg).to_hex(), hex, "{alg}");
        }
    }

    /// One million 'a' (FIPS 180-4 example), streamed in odd-sized pieces.
    #[test]
    fn million_a_streamed() {
        let data = vec![b'a'; 1_000_000];
        let mut h = Hasher::new(DigestAlgorithm::Sha256);
        for chunk in data.chunks(997) {
            h.update(chunk);
        }
        assert_eq!(
            h.finish().to_hex(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
        let r = digest_reader(DigestAlgorithm::Sha256, &data[..]).unwrap();
        assert_eq!(
            r.to_hex(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn oids_both_ways() {
        for alg in DigestAlgorithm::ALL {
            assert_eq!(DigestAlgorithm::from_oid(&alg.oid()).unwrap(), alg);
            let der = alg.algorithm_identifier_der();
            assert_eq!(
                DigestAlgorithm::from_algorithm_identifier_der(&der).unwrap(),
                alg
            );
        }
        // SHA-256 with explicit NULL parameters, as many encoders write it.
        let with_null = [
            0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
            0x00,
        ];
        assert_eq!(
            DigestAlgorithm::from_algorithm_identifier_der(&with_null).unwrap(),
            DigestAlgorithm::Sha256
        );
        let md5: Oid = "1.2.840.113549.2.5".parse().unwrap();
        assert!(matches!(
            DigestAlgorithm::from_oid(&md5),
            Err(Error::Signature(
                SignatureError::UnsupportedAlgorithm { ref oid }
            )) if *oid == "1.2.840.113549.2.5"
        ));
        assert!(DigestAlgorithm::from_algorithm_identifier_der(&[0x30, 0x00]).is_err());
    }

    #[test]
    fn precomputed_digest_length_checked() {
        assert!(matches!(
            Digest::from_bytes(DigestAlgorithm::Sha256, &[0; 20]),
            Err(Error::Signing(SigningError::DigestLength {
                expected: 32,
                actual: 20
            }))
        ));
    }
}
