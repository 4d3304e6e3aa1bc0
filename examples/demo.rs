//! The whole story on the bundled test PKI, with no arguments: an official dispatch is
//! signed by its author, sealed by the organisation, verified, and then changed by one byte
//! and verified again.
//!
//! `cargo run --example demo`

use kyso::cms::SignerLocation;
use kyso::validate::CommitmentType;
use kyso::{
    Certificate, SignatureBuilder, SignedCms, SoftwareSigner, Time, TrustStore, ValidationPolicy,
    Verifier,
};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test-vectors");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = |rel: &str| format!("{VECTORS}/{rel}");
    let document = std::fs::read(file("documents/cong-van.txt"))?;
    let digest = kyso::digest::digest(kyso::digest::DigestAlgorithm::Sha256, &document);
    println!(
        "Document: documents/cong-van.txt ({} bytes)",
        document.len()
    );
    println!("  SHA-256 {}", digest.to_hex());
    if let Some(first) = std::str::from_utf8(&document)?
        .lines()
        .find(|l| l.contains("Số:"))
    {
        println!("  {}", first.trim());
    }

    let intermediate = Certificate::from_file(file("pki/intermediate-ca.pem"))?;
    let anchors = TrustStore::from_pem(&std::fs::read(file("pki/root-ca.pem"))?)?;
    let now = Time::now();

    // 1. The author signs.
    let author_cert = Certificate::from_pem(&std::fs::read(file("pki/ee-rsa2048.pem"))?)?;
    let author_key = SoftwareSigner::from_file(file("keys/ee-rsa2048.key.pem"), None)?;
    println!("\n1. The author signs: {}", author_cert.identity());
    let signed = SignatureBuilder::new(author_cert, now)
        .chain(intermediate.clone())
        .commitment_type(CommitmentType::ProofOfOrigin)
        .sign(&document, &author_key)?;

    // 2. The organisation adds its seal to the same signature.
    let seal_cert = Certificate::from_pem(&std::fs::read(file("pki/ee-rsa3072.pem"))?)?;
    let seal_key =
        SoftwareSigner::from_file(file("keys/ee-rsa3072.enc.key.pem"), Some(b"kyso-test"))?;
    println!("2. The organisation seals: {}", seal_cert.identity());
    let sealed = SignatureBuilder::new(seal_cert, now)
        .chain(intermediate)
        .commitment_type(CommitmentType::ProofOfApproval)
        .signer_location(
            SignerLocation::default()
                .country("VN")
                .locality("Hạ Long, Quảng Ninh"),
        )
        .add_to(&signed, Some(&document), &seal_key)?;
    let der = sealed.to_der()?;
    println!(
        "   CAdES-B-B signature: {} bytes, {} signers, detached",
        der.len(),
        sealed.signer_count()
    );

    // 3. A receiving agency verifies it.
    let verifier = Verifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked),
        ValidationPolicy::at(now),
    );
    let received = SignedCms::parse(&der)?;
    println!("\n3. Verification of the document as received:\n");
    println!("{}", verifier.verify(&received, Some(&document)));

    // 4. One byte of the document changes on the way.
    let mut altered = document.clone();
    if let Some(b) = altered.iter_mut().find(|b| b.is_ascii_digit()) {
        *b = if *b == b'9' { b'0' } else { *b + 1 };
    }
    println!("4. Verification after one digit of the document was changed:\n");
    let report = verifier.verify(&received, Some(&altered));
    println!("{report}");
    Ok(())
}
