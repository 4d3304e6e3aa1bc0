//! Bounds on everything that comes from outside.
//!
//! Each number says why it is what it is. Inputs over a bound get
//! [`EncodingError::TooLarge`](crate::error::EncodingError::TooLarge), path building over its budget gets
//! [`Error::BudgetExceeded`](crate::Error::BudgetExceeded) or
//! [`PathError::PathTooLong`](crate::error::PathError::PathTooLong).

/// Largest DER certificate accepted, in bytes.
///
/// Real certificates, including CA certificates with long policy and name-constraint
/// extensions, stay far below 16 KiB; 64 KiB leaves room for odd but legitimate ones while
/// keeping a parser fed with garbage cheap.
pub const MAX_CERTIFICATE_SIZE: usize = 64 * 1024;

/// Most attributes in one distinguished name.
///
/// Real names have fewer than fifteen; 64 keeps the RFC 5280 comparison of two names (each
/// attribute of an RDN against each of the other's) to a few thousand steps at most.
pub const MAX_NAME_ATTRIBUTES: usize = 64;

/// Largest PEM (or other text) input accepted, in bytes.
///
/// A bundle of every root certificate in a browser store is about 250 KiB; 8 MiB accepts any
/// real trust-store bundle while bounding memory.
pub const MAX_PEM_SIZE: usize = 8 * 1024 * 1024;

/// Most certificates read from one bundle.
///
/// Ten times the size of the largest public trust stores.
pub const MAX_BUNDLE_CERTIFICATES: usize = 2_000;

/// Largest private key input accepted, in bytes. An RSA-8192 PKCS#8 key in PEM is under 7 KiB.
pub const MAX_PRIVATE_KEY_SIZE: usize = 64 * 1024;

/// Most certificates in a path, end entity included, trust anchor excluded.
///
/// Government and commercial PKIs use two or three levels (root, an optional policy CA, an
/// issuing CA); 8 leaves room for cross-certification while keeping a search shallow.
pub const MAX_PATH_DEPTH: usize = 8;

/// Most signature checks that one path-building call may make.
///
/// Each link tried costs one signature check, so this bounds the whole search even when an
/// attacker supplies many certificates with the same name. It is the budget rustls-webpki
/// uses, whose source is Go's CVE-2018-16875: crypto/x509 built chains through any number of
/// same-named intermediates, one signature check each, a CPU denial of service.
pub const MAX_SIGNATURE_CHECKS: usize = 100;

/// Most nodes the certificate-policy tree of one candidate path may hold (RFC 5280
/// section 6.1).
///
/// Trees of real and test PKIs hold a few dozen nodes. Policy mappings let each level
/// multiply the nodes of the one above (the growth behind CVE-2023-0464 in OpenSSL); past
/// this many the path is refused with
/// [`BudgetKind::PolicyTreeNodes`](crate::error::BudgetKind::PolicyTreeNodes).
pub const MAX_POLICY_NODES: usize = 2_048;

/// Most comparisons of a name with a name-constraint subtree in the checks of one candidate
/// path (each name of each certificate against each subtree of each CA above it), a
/// directoryName against a directory subtree weighing one more per pair of their
/// attributes and per attribute (the work of comparing them and their look-alike keys).
///
/// A certificate may carry thousands of names and a CA thousands of subtrees; their product
/// grows fast. Real paths make a few dozen comparisons; past this many the path is refused
/// with [`BudgetKind::NameConstraintComparisons`](crate::error::BudgetKind::NameConstraintComparisons).
pub const MAX_NAME_CONSTRAINT_COMPARISONS: usize = 250_000;

/// Most candidate-issuer comparisons that one path-building call may make.
///
/// Comparing two names costs at most a few thousand string comparisons
/// ([`MAX_NAME_ATTRIBUTES`]), but a caller may pass thousands of intermediates; this caps the
/// number of comparisons, and so the work, on any input.
pub const MAX_BUILD_STEPS: usize = 100_000;

/// Largest CMS signature accepted, in bytes, as DER or as base64 text (PEM text is bounded by
/// [`MAX_PEM_SIZE`]).
///
/// A detached signature with a long chain and revocation data stays under 1 MiB; an
/// enveloping one carries the document, and official documents with scanned attachments reach
/// tens of megabytes. 64 MiB bounds memory while accepting those; larger documents should be
/// signed detached.
pub const MAX_CMS_SIZE: usize = 64 * 1024 * 1024;

/// Most signers (SignerInfos) in one signature: official documents carry two or three
/// (author, seal, sometimes a countersignature); 64 leaves room for workflows with many
/// approvers while bounding the work of one verification.
pub const MAX_CMS_SIGNERS: usize = 64;

/// Most signature checks in one validation call (a CMS verification, passive
/// authentication, a path validation, a timestamp check), of every kind: certificates, CRLs,
/// OCSP responses and their delegated responders, SignerInfos and timestamp tokens, across
/// every signer, every signature timestamp and every candidate path. A check repeated in
/// the call (the same object under the same key) is made and counted once, its outcome
/// remembered whether it verified or not. Past the bound, validation fails
/// ([`Error::BudgetExceeded`](crate::Error::BudgetExceeded)) and nothing read while the
/// budget ran out can pass. A signature with one signer needs a handful.
pub const MAX_CMS_SIGNATURE_CHECKS: usize = 1_000;

/// Most CRLs and OCSP responses about one certificate that one validation examines (those
/// whose issuer and scope, or CertID, name it); with more, the validation fails
/// ([`PathError::TooManyRevocationItems`](crate::error::PathError::TooManyRevocationItems)) whatever the
/// revocation policy, since a revocation could hide among those not examined. A certificate is covered by a complete CRL, perhaps a
/// delta CRL or a few partitions, and an OCSP response or two; sixteen leaves room while
/// bounding what a signature stuffed with revocation data can cost (each item is a
/// signature check).
pub const MAX_REVOCATION_ITEMS_PER_CERTIFICATE: usize = 16;

/// Most signature timestamps read per signer; more are reported and ignored (each one costs
/// a CMS verification and a path validation).
pub const MAX_SIGNATURE_TIMESTAMPS: usize = 4;

/// Timestamp tokens in one RFC 5544 TimeStampedData (the first and its renewals).
pub const MAX_TIME_STAMPED_DATA_TOKENS: usize = 64;

/// Counter-signatures (RFC 5652 section 11.4) checked on one signer; more are reported as
/// not checked.
pub const MAX_COUNTER_SIGNATURES: usize = 4;

/// Levels of counter-signatures on counter-signatures checked; deeper ones are reported as
/// not checked.
pub const MAX_COUNTER_SIGNATURE_DEPTH: usize = 3;

/// Most revocation data items (CRLs and OCSP responses) read from one signature.
pub const MAX_CMS_REVOCATION_DATA: usize = 256;

/// Most certificates carried in one signature: each signer's chain, plus cross-certificates;
/// 256 is four full chains per signer at the signer bound.
pub const MAX_CMS_CERTIFICATES: usize = 256;

/// Most ASN.1 elements (TLVs) in one CMS signature, not counting the contents of primitive
/// values such as the document itself.
///
/// A certificate holds about 300 elements; the certificate bound (256) with signers, signed
/// attributes and revocation data stays under 100,000. The bound keeps the typed decoding of
/// any input within a few tens of megabytes: without it, 64 MiB of two-byte elements would
/// decode into tens of millions of values.
pub const MAX_CMS_ELEMENTS: usize = 250_000;

/// Deepest nesting of constructed elements in a CMS signature. Real signatures nest about a
/// dozen deep (ContentInfo, SignedData, certificates, extensions); 32 leaves room and keeps
/// the walk shallow.
pub const MAX_CMS_DEPTH: usize = 32;

/// Largest CRL accepted, in bytes. National CAs publish CRLs of a few megabytes (about 40
/// bytes per entry); 32 MiB holds close to a million entries.
pub const MAX_CRL_SIZE: usize = 32 * 1024 * 1024;

/// Most entries in one CRL, for the same reason: a million revoked certificates.
pub const MAX_CRL_ENTRIES: usize = 1_000_000;

/// Largest OCSP response accepted, in bytes: responses are a few kilobytes; 1 MiB leaves
/// room for long responder certificate chains.
pub const MAX_OCSP_RESPONSE_SIZE: usize = 1024 * 1024;

/// Largest timestamp response or token accepted, in bytes: tokens are a few kilobytes;
/// 1 MiB leaves room for long TSA certificate chains.
pub const MAX_TIMESTAMP_SIZE: usize = 1024 * 1024;

/// Largest EF.SOD accepted, in bytes: real ones are a few kilobytes (the hashes of at most
/// 16 data groups and a Document Signer certificate); 256 KiB leaves room for long chains.
pub const MAX_SOD_SIZE: usize = 256 * 1024;

/// Most entries read from one DG13 (the CCCD's personal data): it defines about twenty
/// fields; 64 leaves room for later ones.
pub const MAX_DG13_FIELDS: usize = 64;

/// Most nonces an `InMemoryNonceStore` keeps; past it, expired ones go first, and a new
/// challenge is refused rather than an outstanding one forgotten. 100,000 outstanding
/// logins is a busy national portal's worth within the nonce lifetime.
pub const MAX_OUTSTANDING_NONCES: usize = 100_000;

/// How deep CRL-signer validation may nest: a CRL signed by a separate key needs that key's
/// certificate validated, whose CRL may itself be signed by a separate key, once more at
/// most. Deeper, only CRLs signed by the certificate's own issuer count (RFC 5280 section
/// 6.3.3 (f) sets no depth; real PKIs use one level).
pub const MAX_CRL_SIGNER_DEPTH: u8 = 2;

/// Most PBKDF2 iterations accepted in an encrypted private key: 10 million is about ten
/// times what OWASP recommends for PBKDF2-SHA256 today (OpenSSL writes 2048), and a few
/// seconds of work at most.
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;

/// Most memory an scrypt parameter set may ask for (128 · r · N bytes): 64 MiB, twice the
/// 32 MiB OpenSSL allows by default, so every key OpenSSL can read, kyso can too.
pub const MAX_SCRYPT_MEMORY: u64 = 64 * 1024 * 1024;

/// Most scrypt parallelization accepted (each lane repeats the memory-hard work).
pub const MAX_SCRYPT_PARALLELIZATION: u16 = 16;

/// The largest RSA modulus verified, in bits: `ring`'s ceiling, and twice the largest key a
/// CA issues today (4096).
pub const MAX_RSA_BITS: usize = 8192;

/// The longest dotted-decimal object identifier [`Oid::parse`](crate::oid::Oid::parse)
/// accepts, in characters. Registered OIDs are under 40 characters; the longest common form,
/// a UUID under `2.25` (ITU-T X.667), is 44.
pub const MAX_OID_LENGTH: usize = 128;

/// Most signer keys a CRL or OCSP response remembers its verification outcome for: real
/// data has one or two candidate signers; past the bound, outcomes are not remembered
/// (each check still costs the call's budget).
pub const MAX_REMEMBERED_SIGNERS: usize = 16;

/// Most CRLs and OCSP responses one `HttpRevocationSource` caches; past it, expired entries
/// are dropped first, then the whole cache.
pub const MAX_HTTP_CACHE_ENTRIES: usize = 1024;

/// Most URLs tried per certificate over HTTP (CRL distribution points and OCSP URLs each):
/// a certificate names one or two; more would let a certificate direct many fetches.
pub const MAX_HTTP_URLS_PER_CERTIFICATE: usize = 4;

/// Most CRL bytes one `HttpRevocationSource` keeps cached: two national CRLs at the CRL
/// size bound.
pub const MAX_HTTP_CACHED_CRL_BYTES: usize = 64 * 1024 * 1024;

/// Largest PDF accepted, in bytes.
///
/// The reader never holds the whole file (cross-reference sections and objects are read
/// where they are, signed byte ranges are hashed as a stream), so the bound is on offsets,
/// not memory: 64 GiB is beyond any document that travels between agencies.
pub const MAX_PDF_SIZE: u64 = 64 * 1024 * 1024 * 1024;

/// Most cross-reference entries over all revisions, and most object numbers.
///
/// Large scanned reports hold tens of thousands of objects; a million leaves a wide margin
/// while bounding the tables (about 24 MiB at most).
pub const MAX_PDF_OBJECTS: u64 = 1_000_000;

/// Deepest nesting of arrays and dictionaries in one object.
///
/// Real documents nest a few levels; 64 bounds the parser's recursion.
pub const MAX_PDF_NESTING: usize = 64;

/// Most revisions (the original and its incremental updates).
///
/// A document signed by a dozen people with long-term data after each has under 50.
pub const MAX_PDF_REVISIONS: usize = 512;

/// Most bytes one stream may decompress to (object and cross-reference streams are the
/// only ones kyso decompresses).
///
/// Object streams hold at most a few MiB of dictionaries; 32 MiB keeps memory bounded.
pub const MAX_PDF_DECOMPRESSED: usize = 32 * 1024 * 1024;

/// Most bytes decompressed over the whole validation of one PDF.
///
/// Bounds the work an attacker can ask for with many small streams that each decompress to
/// just under [`MAX_PDF_DECOMPRESSED`]; real documents decompress a few MiB of object and
/// cross-reference streams in all.
pub const MAX_PDF_DECOMPRESSED_TOTAL: usize = 256 * 1024 * 1024;

/// Most bytes of objects, and separately of decoded object streams, kept in the reader's
/// caches; past it a cache starts again empty, so that memory stays bounded whatever the
/// file holds.
pub const MAX_PDF_OBJECT_CACHE: usize = 16 * 1024 * 1024;

/// Largest ratio of decompressed to compressed size of a stream beyond the first MiB.
///
/// Flate cannot exceed about 1,032 to 1; a stream that tries is built to exhaust memory.
pub const MAX_PDF_DECOMPRESSION_RATIO: usize = 1_032;

/// Longest string or name, in bytes.
///
/// The longest strings in signed PDFs are signature values (`/Contents`): CAdES-B-LT with
/// many CRLs reaches a few MiB.
pub const MAX_PDF_STRING: usize = 16 * 1024 * 1024;

/// Most bytes one object takes in the file, stream data excluded.
///
/// Twice the longest string, plus room for the dictionary around it.
pub const MAX_PDF_OBJECT_BYTES: usize = 2 * MAX_PDF_STRING + 1024 * 1024;

/// Most signatures (signature fields and document timestamps) validated in one PDF.
pub const MAX_PDF_SIGNATURES: usize = 64;

/// Pixels of an image in a visible signature's appearance (a seal scanned at 600 dpi is
/// about 1,000 × 1,000).
pub const MAX_PDF_IMAGE_PIXELS: usize = 16 * 1024 * 1024;

/// Characters of text in a visible signature's appearance.
pub const MAX_SIGNATURE_TEXT: usize = 4096;

/// Most objects the comparison of a signed revision with the final document visits, over
/// all signatures.
///
/// Each visit reads and compares one object; 2,000,000 covers documents with tens of
/// thousands of objects and several signatures.
pub const MAX_PDF_VISITS: usize = 2_000_000;

/// Longest chain of references followed to find one value (a `/Length` in an object stream,
/// a `/Parent` inherited value).
pub const MAX_PDF_REFERENCE_DEPTH: usize = 16;

/// Largest XML document read, in bytes.
///
/// An e-invoice with a few hundred lines and its signatures is well under 1 MiB; 16 MiB
/// leaves room for invoices with thousands of lines while bounding the tree built from one
/// file (roxmltree keeps about ten words a node).
pub const MAX_XML_SIZE: usize = 16 * 1024 * 1024;

/// Most nodes (elements, text, comments, processing instructions) in one XML document.
///
/// A 16 MiB document of the densest real shape (short elements one per line) has about a
/// million nodes; two million bounds memory at a few hundred MiB even for input built to
/// maximise the node count.
pub const MAX_XML_NODES: usize = 2_000_000;

/// Deepest nesting of XML elements read.
///
/// E-invoices nest eight levels, XML signatures six more; 256 leaves room for any real
/// document while keeping every walk over the tree shallow.
pub const MAX_XML_DEPTH: usize = 256;

/// Most attributes (namespace declarations included) on one XML element.
///
/// Signed documents carry a handful per element; `roxmltree` compares each attribute with
/// every other of its element, so the bound keeps that comparison small.
pub const MAX_XML_ATTRIBUTES: usize = 128;

/// Most namespace declarations in one XML document.
///
/// E-invoices declare one or two, signed UBL and SAML documents a dozen or two. An element
/// that declares one gets a copy of every binding in scope, and canonical XML compares an
/// element's bindings with its parent's, so this bounds both.
pub const MAX_XML_NAMESPACES: usize = 64;
