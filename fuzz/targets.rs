//! The bodies of the fuzz targets, shared with `tests/fuzz_seeds.rs` so that stable
//! `cargo test` replays every seed through exactly the code the fuzzer runs.
//!
//! Each body feeds outside input to a parser and, when it parses, touches every accessor a
//! caller would, so that lazily computed views are exercised too.

#![allow(dead_code)]

use kyso::error::EncodingError;
use kyso::{
    Certificate, PathValidator, SignedCms, SoftwareSigner, Time, TrustStore, ValidationPolicy,
    Verifier,
};

/// One DER certificate.
pub fn certificate_der(data: &[u8]) {
    if let Ok(cert) = Certificate::from_der(data) {
        touch(&cert);
    }
}

/// PEM text holding a bundle of certificates (or anything else).
pub fn pem_bundle(data: &[u8]) {
    if let Ok(certs) = Certificate::parse_pem_bundle(data) {
        certs.iter().for_each(touch);
    }
    let _ = TrustStore::from_pem(data);
    let _ = Certificate::from_pem(data);
}

/// A private key in any supported form, with and without a password.
pub fn private_key(data: &[u8]) {
    let _ = SoftwareSigner::from_der(data, None);
    let _ = SoftwareSigner::from_der(data, Some(b"kyso-test"));
    let _ = SoftwareSigner::from_pem(data, Some(b"kyso-test"));
}

/// A PEM bundle or a DER certificate whose first certificate is validated, with the rest
/// as intermediates, against the trust anchors read from the same input.
pub fn path_validation(data: &[u8]) {
    let certs = match Certificate::parse_pem_bundle(data) {
        Ok(c) => c,
        Err(_) => match Certificate::from_der(data) {
            Ok(c) => vec![c],
            Err(_) => return,
        },
    };
    let Some((leaf, rest)) = certs.split_first() else {
        return;
    };
    let anchors =
        TrustStore::from_certificates(rest.iter().filter(|c| c.is_self_issued()).cloned());
    let time = Time::from_unix(1_780_272_000);
    let _ = PathValidator::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        time,
    )
    .validate(leaf, rest);
}

/// A CMS signature (DER, PEM or base64) validated against the test root over the sample
/// document, then re-encoded if it parsed.
pub fn cms_verify(data: &[u8]) {
    let root: &[u8] = include_bytes!("../test-vectors/pki/root-ca.pem");
    let document: &[u8] = include_bytes!("../test-vectors/documents/cong-van.txt");
    let Ok(anchors) = TrustStore::from_pem(root) else {
        return;
    };
    let verifier = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::at(Time::from_unix(1_893_456_000)),
    );
    let report = verifier.verify_encoded(data, Some(document));
    let _ = report.to_string();
    let _ = report.to_json();
    if let Ok(cms) = SignedCms::parse(data) {
        let _ = cms.to_der();
        let _ = verifier.verify_digests(
            &cms,
            vec![kyso::digest::digest(
                kyso::digest::DigestAlgorithm::Sha256,
                document,
            )],
        );
    }
}

/// A CRL (DER or PEM), checked against a certificate of the test PKI if it parses.
pub fn crl(data: &[u8]) {
    let Ok(crl) = kyso::revocation::Crl::from_pem(data) else {
        return;
    };
    let _ = crl.entries().count();
    let leaf: &[u8] = include_bytes!("../test-vectors/pki/ee-rsa2048.pem");
    let issuer: &[u8] = include_bytes!("../test-vectors/pki/intermediate-ca.pem");
    if let (Ok(leaf), Ok(issuer)) = (Certificate::from_pem(leaf), Certificate::from_pem(issuer)) {
        let _ = crl.status_of(
            &leaf,
            &issuer,
            Time::from_unix(1_893_456_000),
            &kyso::key::AlgorithmPolicy::default(),
        );
    }
}

/// An OCSP response, checked against a certificate of the test PKI if it parses.
pub fn ocsp_response(data: &[u8]) {
    let Ok(response) = kyso::revocation::OcspResponse::from_der(data) else {
        return;
    };
    let leaf: &[u8] = include_bytes!("../test-vectors/pki/ee-rsa2048.pem");
    let issuer: &[u8] = include_bytes!("../test-vectors/pki/intermediate-ca.pem");
    if let (Ok(leaf), Ok(issuer)) = (Certificate::from_pem(leaf), Certificate::from_pem(issuer)) {
        let _ = response.check(
            &leaf,
            &issuer,
            Time::from_unix(1_893_456_000),
            &kyso::key::AlgorithmPolicy::default(),
            &kyso::revocation::OcspCheck::default(),
        );
    }
}

/// A timestamp response (or a bare token), verified against the test root if it parses.
pub fn timestamp(data: &[u8]) {
    let token = kyso::cms::TimeStampToken::from_response_der(data)
        .or_else(|_| kyso::cms::TimeStampToken::from_der(data));
    let Ok(token) = token else {
        return;
    };
    let root: &[u8] = include_bytes!("../test-vectors/pki/root-ca.pem");
    if let Ok(anchors) = TrustStore::from_pem(root) {
        let imprint = kyso::digest::digest(kyso::digest::DigestAlgorithm::Sha256, b"x");
        let _ = token.verify(
            &anchors,
            &imprint,
            Some(&[1, 2, 3]),
            &kyso::key::AlgorithmPolicy::default(),
        );
    }
}

/// An RFC 5544 TimeStampedData, verified against the test root over its content or the
/// sample document.
pub fn time_stamped_data(data: &[u8]) {
    let Ok(tsd) = kyso::cms::TimeStampedData::from_der(data) else {
        return;
    };
    let root: &[u8] = include_bytes!("../test-vectors/pki/root-ca.pem");
    let document: &[u8] = include_bytes!("../test-vectors/documents/cong-van.txt");
    if let Ok(anchors) = TrustStore::from_pem(root) {
        let policy = kyso::key::AlgorithmPolicy::default();
        let at = Time::from_unix(1_893_456_000);
        let _ = tsd.verify(&anchors, None, &policy, at);
        let _ = tsd.verify(&anchors, Some(document), &policy, at);
    }
    let _ = (
        tsd.content(),
        tsd.data_uri(),
        tsd.file_name(),
        tsd.tokens().len(),
    );
}

/// A PDF read as revisions (from memory and through the windowed reader, which must agree)
/// and every signature in it validated against the test root, with the analysis of what
/// changed after each.
pub fn pdf(data: &[u8]) {
    pdf_with(data, true);
}

/// [`pdf`] without the signing, for sweeps that would sign the same shapes thousands of
/// times.
pub fn pdf_read_only(data: &[u8]) {
    pdf_with(data, false);
}

fn pdf_with(data: &[u8], sign: bool) {
    let from_bytes = kyso::pdf::PdfDocument::from_bytes(data);
    let from_reader = kyso::pdf::PdfDocument::from_reader(std::io::Cursor::new(data));
    assert_eq!(
        from_bytes
            .as_ref()
            .map(|d| d.revision_ranges())
            .map_err(|e| e.to_string()),
        from_reader
            .as_ref()
            .map(|d| d.revision_ranges())
            .map_err(|e| e.to_string()),
        "the in-memory and windowed readers disagree"
    );
    let Ok(pdf) = from_bytes else {
        return;
    };
    let root: &[u8] = include_bytes!("../test-vectors/pki/root-ca.pem");
    if let Ok(anchors) = TrustStore::from_pem(root) {
        let context = kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked);
        let policy = kyso::ValidationPolicy::at(Time::from_unix(1_893_456_000));
        let verifier = kyso::Verifier::new(&context, policy);
        let report = verifier.verify_pdf(&pdf);
        let _ = (report.to_json(), report.to_string());
        if sign {
            sign_pdf_and_check(&pdf, &verifier);
        }
    }
}

/// Signs a PDF the reader accepted (ECDSA P-256, a visible signature with text) and holds
/// kyso to what it wrote: the result reads, and its new signature, which covers the whole
/// file, is TOTAL-PASSED.
fn sign_pdf_and_check(pdf: &kyso::pdf::PdfDocument<'_>, verifier: &Verifier<'_>) {
    use kyso::pdf::{PdfDocument, PdfSigning, SignatureAppearance};
    let cert = Certificate::from_pem(include_bytes!("../test-vectors/pki/ee-ecdsa-p256.pem"));
    let chain = Certificate::from_pem(include_bytes!("../test-vectors/pki/intermediate-ca.pem"));
    let key = SoftwareSigner::from_pem(
        include_bytes!("../test-vectors/keys/ee-ecdsa-p256.key.pem"),
        None,
    );
    let (Ok(cert), Ok(chain), Ok(key)) = (cert, chain, key) else {
        return;
    };
    let Ok(appearance) = SignatureAppearance::new(1, [20.0, 20.0, 200.0, 60.0]) else {
        return;
    };
    let mut out = Vec::new();
    let signed = PdfSigning::new(cert, Time::from_unix(1_780_000_000))
        .chain([chain])
        .appearance(appearance.text("Ký số"))
        .sign(pdf, &key, &mut out);
    let Ok(signed) = signed else {
        assert!(out.is_empty(), "output written by a signing that failed");
        return;
    };
    let again = PdfDocument::from_bytes(&out).expect("kyso reads the PDF it signed");
    let report = verifier.verify_pdf(&again);
    let mine = report
        .signatures
        .iter()
        .find(|s| s.field == signed.field)
        .unwrap_or_else(|| panic!("the new signature is not found: {:?}", report.error));
    assert!(
        mine.report.is_passed(),
        "the new signature does not pass:\n{report}"
    );
}

/// A public key and a signature verified over a message with every algorithm kyso has,
/// including those it verifies itself (RSASSA-PSS with any parameters, RSA with SHA-3,
/// plain ECDSA, DSA): `[key length: 2 octets][SubjectPublicKeyInfo][signature length: 2
/// octets][signature][message]`.
pub fn public_key_verify(data: &[u8]) {
    use kyso::digest::DigestAlgorithm as H;
    use kyso::key::{AlgorithmPolicy, KeyType, PublicKey, SignatureAlgorithm as A};
    fn split(data: &[u8]) -> Option<(&[u8], &[u8])> {
        let (len, rest) = data.split_at_checked(2)?;
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        rest.split_at_checked(len)
    }
    let Some((spki, rest)) = split(data) else {
        return;
    };
    let Some((signature, message)) = split(rest) else {
        return;
    };
    let Ok(key) = PublicKey::from_spki_der(spki) else {
        return;
    };
    let policy = AlgorithmPolicy::default()
        .require_min_rsa_bits(1024)
        .allow_sha1_for_legacy_use_only()
        .allow_dsa_for_legacy_use_only()
        .accept_explicit_curve_parameters();
    let kt = key.key_type();
    let mut algorithms = vec![
        A::RsaPkcs1Sha256,
        A::RsaPssSha256,
        A::RsaPkcs1 {
            digest: H::Sha3_256,
        },
        A::RsaPss {
            digest: H::Sha256,
            mgf1_digest: H::Sha1,
            salt_len: 20,
        },
        A::RsaPss {
            digest: H::Sha3_512,
            mgf1_digest: H::Sha3_512,
            salt_len: 0,
        },
        A::DsaForLegacyUseOnly { digest: H::Sha256 },
        A::Ed25519,
    ];
    if kt != KeyType::Rsa && kt != KeyType::Dsa && kt != KeyType::Ed25519 {
        algorithms.push(A::Ecdsa {
            key: kt,
            digest: H::Sha3_256,
        });
        algorithms.push(A::EcdsaPlain {
            key: kt,
            digest: H::Sha256,
        });
    }
    for alg in algorithms {
        let _ = key.verify(alg, message, signature, &policy);
    }
}

/// A machine-readable zone (text) and DG1 (bytes).
pub fn mrz(data: &[u8]) {
    if let Ok(text) = core::str::from_utf8(data)
        && let Ok(m) = kyso::eid::Mrz::parse(text)
    {
        let _ = format!("{m:?}");
    }
    let _ = kyso::eid::Mrz::from_dg1(data);
}

/// EF.SOD (and a CSCA master list), with passive authentication against the test CSCA.
pub fn sod(data: &[u8]) {
    let _ = kyso::eid::master_list_certificates_unverified(data);
    let csca: &[u8] = include_bytes!("../test-vectors/eid/csca-vn.pem");
    let ml_publisher: &[u8] = include_bytes!("../test-vectors/eid/csca-p256.pem");
    if let Ok(anchors) = TrustStore::from_pem(ml_publisher) {
        let _ = kyso::eid::verify_master_list(
            data,
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            Time::from_unix(1_780_272_000),
        );
    }
    let Ok(sod) = kyso::eid::Sod::parse(data) else {
        return;
    };
    let _ = (
        sod.hash_algorithm(),
        sod.data_group_hashes(),
        sod.lds_version(),
    );
    if let Ok(anchors) = TrustStore::from_pem(csca) {
        let report = kyso::eid::PassiveAuth::new(
            &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
            Time::from_unix(1_780_272_000),
        )
        .verify(&sod, &[(1, b"dg1"), (13, b"dg13")]);
        let _ = report.is_passed();
    }
}

/// DG13 of a chip ID card.
pub fn dg13(data: &[u8]) {
    if let Ok(d) = kyso::eid::Dg13::parse(data) {
        let _ = format!("{d:?}");
    }
}

fn touch(cert: &Certificate) {
    let _ = cert.subject().to_string();
    let _ = cert.issuer().to_string();
    let _ = cert.identity().to_string();
    let _ = cert.serial_hex();
    let _ = cert.is_self_issued();
    if let Ok(key) = cert.public_key() {
        let _ = cert.signature_algorithm(key);
        let _ = cert.verify_signed_by(key, &kyso::key::AlgorithmPolicy::default());
    }
    let _ = cert.not_before().to_string();
    let _ = cert.not_after().to_string();
}

/// Certificate DER through kyso (x509-parser underneath) and through `x509-cert`
/// (RustCrypto's strict DER decoder), an independent parser. Where both parse, they must
/// read the same fields. Where only one parses, the difference must be one of the explained
/// classes of [`differential_explanation`]; anything else panics, so the fuzzer reports it.
pub fn certificate_differential(data: &[u8]) {
    use der::{Decode, Encode};
    let ours = Certificate::from_der(data);
    let theirs = x509_cert::Certificate::from_der(data);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => {
            let tbs = &b.tbs_certificate();
            assert_eq!(a.serial(), tbs.serial_number().as_bytes(), "serial");
            assert_eq!(rdns_of(a.issuer()), rdns_of_theirs(tbs.issuer()), "issuer");
            assert_eq!(
                rdns_of(a.subject()),
                rdns_of_theirs(tbs.subject()),
                "subject"
            );
            let secs = |t: x509_cert::time::Time| t.to_unix_duration().as_secs();
            assert_eq!(
                u64::try_from(a.not_before().unix()).ok(),
                Some(secs(tbs.validity().not_before)),
                "notBefore"
            );
            assert_eq!(
                u64::try_from(a.not_after().unix()).ok(),
                Some(secs(tbs.validity().not_after)),
                "notAfter"
            );
            assert_eq!(
                Some(a.spki_der().to_vec()),
                tbs.subject_public_key_info().to_der().ok(),
                "subjectPublicKeyInfo"
            );
            assert_eq!(a.signature(), b.signature().raw_bytes(), "signature");
            let theirs_ext: Vec<(String, bool, Vec<u8>)> = tbs
                .extensions()
                .into_iter()
                .flatten()
                .map(|e| {
                    (
                        e.extn_id.to_string(),
                        e.critical,
                        e.extn_value.as_bytes().to_vec(),
                    )
                })
                .collect();
            let ours_ext: Vec<(String, bool, Vec<u8>)> = a
                .extensions()
                .iter()
                .map(|e| (e.oid.to_string(), e.critical, e.value.clone()))
                .collect();
            assert_eq!(ours_ext, theirs_ext, "extensions");
        }
        (Err(_), Err(_)) => {}
        _ => {
            if let Err(unexplained) = differential_explanation(data, &ours, &theirs) {
                panic!("unexplained disagreement: {unexplained}");
            }
        }
    }
}

/// A name as its RDNs, each the sorted (type, value) pairs of its attributes.
fn rdns_of(name: &kyso::cert::Name) -> Vec<Vec<(String, Vec<u8>)>> {
    name.rdns()
        .map(|rdn| {
            let mut v: Vec<(String, Vec<u8>)> = rdn
                .iter()
                .map(|a| (a.oid().to_string(), a.raw_value().to_vec()))
                .collect();
            v.sort();
            v
        })
        .collect()
}

/// The same view of a name decoded by x509-cert.
fn rdns_of_theirs(name: &x509_cert::name::Name) -> Vec<Vec<(String, Vec<u8>)>> {
    name.iter_rdn()
        .map(|rdn| {
            let mut v: Vec<(String, Vec<u8>)> = rdn
                .iter()
                .map(|atv| (atv.oid.to_string(), atv.value.value().to_vec()))
                .collect();
            v.sort();
            v
        })
        .collect()
}

/// Why kyso and x509-cert may disagree on whether bytes are a certificate. Each class is
/// checked on the input, not assumed: `Err` describes a disagreement that fits none.
///
/// kyso itself refuses anything that is not DER (src/cert/strict.rs, added after this
/// target found two structures x509-parser let through), so the classes left are:
/// - kyso refuses, x509-cert parses: kyso also applies RFC 5280 rules beyond the DER
///   grammar (equal signature algorithms, extensions only in v3, no duplicate or malformed
///   extension values, attribute values of universal types, size and name limits), and
///   x509-cert does not decode extension values; x509-parser also refuses BIT STRINGs with
///   unused bits that are not zero, which the `der` crate lets through, and kyso refuses a
///   signature value that is not whole octets.
/// - kyso parses, x509-cert refuses: x509-cert's RFC 5280 profile refuses serial numbers
///   longer than 21 octets, and the `der` crate cannot represent times before 1970 (which
///   UTCTime allows from 1950), where kyso reads them.
pub fn differential_explanation(
    data: &[u8],
    ours: &Result<Certificate, kyso::Error>,
    theirs: &Result<x509_cert::Certificate, der::Error>,
) -> Result<&'static str, String> {
    use kyso::Error;
    use kyso::error::{Malformed, Object};
    match (ours, theirs) {
        (Err(e), Ok(b)) => match e {
            Error::Encoding(EncodingError::TooLarge { .. }) => Ok("kyso's size and name limits"),
            Error::Encoding(EncodingError::Malformed {
                reason:
                    Malformed::InvalidValue { .. }
                    | Malformed::InvalidExtension { .. }
                    | Malformed::DuplicateExtension { .. }
                    | Malformed::InvalidString,
                ..
            }) => Ok("an RFC 5280 rule beyond the DER grammar"),
            Error::Encoding(EncodingError::Malformed {
                object: Object::Name,
                reason: Malformed::InvalidDer,
            }) if names_have_non_universal_values(b) => {
                Ok("an attribute value of a non-universal type")
            }
            Error::Encoding(EncodingError::Malformed {
                object: Object::Certificate,
                reason: Malformed::InvalidDer,
            }) if bit_strings_have_set_padding(b) => {
                Ok("a BIT STRING whose unused bits are not zero (X.690 11.2.1)")
            }
            Error::Encoding(EncodingError::Malformed {
                object: Object::Signature,
                reason: Malformed::InvalidDer,
            }) if b.signature().unused_bits() > 0 => {
                Ok("a signature that is not whole octets, which no signature algorithm makes")
            }
            other => Err(format!(
                "kyso refuses ({other}) what x509-cert parses ({} bytes)",
                data.len()
            )),
        },
        (Ok(a), Err(e)) => {
            let before_1970 = a.not_before().unix() < 0 || a.not_after().unix() < 0;
            match e.kind() {
                der::ErrorKind::DateTime
                | der::ErrorKind::Value {
                    tag: der::Tag::UtcTime,
                } if before_1970 => Ok("a time before 1970"),
                der::ErrorKind::Value { tag }
                    if tag == der::Tag::Integer && a.serial().len() > 21 =>
                {
                    Ok("a serial number longer than x509-cert's profile allows")
                }
                other => Err(format!(
                    "kyso parses what x509-cert refuses ({other}) ({} bytes)",
                    data.len()
                )),
            }
        }
        _ => Ok("the parsers agree"),
    }
}

/// Whether the public key or signature BIT STRING has unused bits that are not zero,
/// which DER forbids (X.690 section 11.2.1) and the `der` crate does not check.
fn bit_strings_have_set_padding(cert: &x509_cert::Certificate) -> bool {
    let padding_set = |bits: &der::asn1::BitString| {
        let unused = bits.unused_bits();
        unused > 0
            && bits
                .raw_bytes()
                .last()
                .is_some_and(|b| b & ((1u8 << unused) - 1) != 0)
    };
    padding_set(
        &cert
            .tbs_certificate()
            .subject_public_key_info()
            .subject_public_key,
    ) || padding_set(cert.signature())
}

/// Whether an issuer or subject attribute value has a tag outside the universal class.
fn names_have_non_universal_values(cert: &x509_cert::Certificate) -> bool {
    use der::Tagged;
    let tbs = cert.tbs_certificate();
    [tbs.issuer(), tbs.subject()].iter().any(|name| {
        name.iter()
            .any(|atv| !matches!(atv.value.tag().class(), der::Class::Universal))
    })
}

/// An XML document: read, canonicalised whole by every method and by each `Id`, and
/// validated as an e-invoice (references resolved, transforms applied, signatures checked).
/// Canonical forms are held to one property: the canonical form of a whole document is a
/// document kyso reads again, to the same canonical form.
pub fn xml(data: &[u8]) {
    use kyso::xml::{Canonicalization, XmlDocument};
    let Ok(doc) = XmlDocument::parse(data) else {
        return;
    };
    let methods = [
        Canonicalization::Inclusive {
            with_comments: false,
        },
        Canonicalization::Inclusive {
            with_comments: true,
        },
        Canonicalization::Exclusive {
            with_comments: false,
            inclusive_prefixes: vec![],
        },
        Canonicalization::Exclusive {
            with_comments: true,
            inclusive_prefixes: vec!["#default".into(), "ds".into()],
        },
    ];
    for m in &methods {
        let once = doc.canonicalize(m);
        if let Ok(again) = XmlDocument::parse(&once) {
            assert_eq!(
                again.canonicalize(m),
                once,
                "canonical XML is not a fixed point"
            );
        }
        for id in ["K26TKY42", "data", "a", "SigningTime-K26TKY42"] {
            let _ = doc.canonicalize_element(id, m);
        }
    }
    let root: &[u8] = include_bytes!("../test-vectors/pki/root-ca.pem");
    if let Ok(anchors) = TrustStore::from_pem(root) {
        let context = kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked);
        let verifier = Verifier::new(
            &context,
            ValidationPolicy::at(Time::from_unix(1_780_272_000)),
        );
        let report = verifier.verify_einvoice(&doc);
        let _ = report.to_json();
        let _ = report.is_passed();
    }
}
