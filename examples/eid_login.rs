//! Certificate login by challenge and response: the server issues a nonce, the "card" (a
//! test key) signs the origin and the nonce, the server verifies and learns who logged in;
//! then a replay is refused.
//!
//! `cargo run --example eid_login`

use kyso::eid::{InMemoryNonceStore, LoginResponse, LoginVerifier, login_data_to_sign};
use kyso::{Certificate, Signer, SoftwareSigner, Time, TrustStore};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let v = |f: &str| format!("{}/test-vectors/{f}", env!("CARGO_MANIFEST_DIR"));
    let origin = "https://dichvucong.gov.vn";
    let anchors = TrustStore::from_pem(&std::fs::read(v("pki/root-ca.pem"))?)?;
    let store = InMemoryNonceStore::new();
    let server = LoginVerifier::new(
        &kyso::TrustContext::new(&anchors, kyso::Revocation::NotChecked)
            .certificates(Certificate::from_file(v("pki/intermediate-ca.pem"))?),
        origin,
        &store,
    );

    // 1. The server sends a challenge.
    let challenge = server.issue(Time::now())?;
    println!(
        "challenge: {} (until {})",
        challenge.nonce, challenge.expires_at
    );

    // 2. The card signs hash(origin) || hash(nonce) with its key.
    let card_key = SoftwareSigner::from_file(v("keys/ee-ecdsa-p256.key.pem"), None)?;
    let card_cert = Certificate::from_file(v("pki/ee-ecdsa-p256.pem"))?.remove(0);
    let tbs = login_data_to_sign(origin, &challenge.nonce, card_key.algorithm())?;
    let response = LoginResponse::new(
        card_cert,
        card_key.algorithm(),
        card_key.sign(&tbs)?,
        challenge.nonce.clone(),
        origin,
    );

    // 3. The server verifies.
    let who = server.verify(&response, Time::now())?;
    println!(
        "logged in: {} ({}), tax code {}, certificate {}",
        who.name.as_deref().unwrap_or("?"),
        who.organization.as_deref().unwrap_or("-"),
        who.tax_code.as_deref().unwrap_or("-"),
        &who.fingerprint_sha256[..16]
    );

    // 4. The same answer again: refused.
    match server.verify(&response, Time::now()) {
        Err(e) => println!("replay refused: {e}"),
        Ok(_) => return Err("a replay was accepted".into()),
    }
    Ok(())
}
