//! The `vn-einvoice` profile: Vietnamese e-invoices (Decree 123/2020/NĐ-CP, Circular
//! 78/2021/TT-BTC), whose XML carries enveloped XML signatures of the seller, sometimes of
//! the buyer, of the tax authority, and of others.
//!
//! What the profile knows of the format:
//!
//! - the document element is `HDon`; the signed invoice data is its one child `DLHDon`, with
//!   an `Id`; a second `DLHDon` anywhere is refused (the shape of signature wrapping);
//! - signatures sit in `HDon/DSCKS`: `NBan` (seller), `NMua` (buyer), `CQT` (tax authority,
//!   over the tax authority's code `MCCQT` and the data), `CCKSKhac` (others);
//! - a signature's references may reach only `DLHDon` (and `MCCQT` for the tax authority) and
//!   elements inside the signature itself (the `SigningTime` object); the seller's and the
//!   buyer's must cover `DLHDon`;
//! - producers sign the `SigningTime` object with an enveloped-signature transform that,
//!   taken literally, removes its whole target; for a target inside the signature kyso skips
//!   that transform, as the producers do, and says so in a warning;
//! - the `SigningTime` is a local time without zone (Vietnam, UTC+7), reported as claimed
//!   only when a verified reference covers it;
//! - the seller's tax code (`DLHDon/NDHDon/NBan/MST`) must be the one in the seller
//!   certificate's `UID` (`MST:…`);
//! - children of `HDon` that no signature covers (`DLQRCode`, say) are listed as unsigned.

use roxmltree::Node;

pub use super::einvoice_signing::{InvoiceSigning, PreparedInvoice};

use super::XmlDocument;
use super::dsig::{self, DSIG, ReferenceOutcome, SignatureElement};
use crate::budget::Budget;
use crate::cms::Verifier;
use crate::error::XmlError;
use crate::time::Time;
use crate::validate::etsi;
use crate::validate::{CheckKind, Indication, Outcome, SignerReport, SubIndication, Warning};

/// Who signed an e-invoice, by where the signature sits in `HDon/DSCKS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum InvoiceSignerRole {
    /// `NBan`: the seller.
    Seller,
    /// `NMua`: the buyer.
    Buyer,
    /// `CQT`: the tax authority.
    TaxAuthority,
    /// `CCKSKhac`: another signer.
    Other,
}

impl InvoiceSignerRole {
    /// The element of `DSCKS` the role's signatures sit in.
    pub fn element(self) -> &'static str {
        match self {
            InvoiceSignerRole::Seller => "NBan",
            InvoiceSignerRole::Buyer => "NMua",
            InvoiceSignerRole::TaxAuthority => "CQT",
            InvoiceSignerRole::Other => "CCKSKhac",
        }
    }

    fn of(element: &str) -> Option<Self> {
        match element {
            "NBan" => Some(InvoiceSignerRole::Seller),
            "NMua" => Some(InvoiceSignerRole::Buyer),
            "CQT" => Some(InvoiceSignerRole::TaxAuthority),
            "CCKSKhac" => Some(InvoiceSignerRole::Other),
            _ => None,
        }
    }
}

/// The validation of one signature of an e-invoice.
#[derive(Clone, Debug, serde::Serialize)]
#[non_exhaustive]
pub struct InvoiceSignature {
    /// Whose signature, by its place.
    pub role: InvoiceSignerRole,
    /// The `SigningTime` as written (a local time), when a verified reference covers it.
    pub signing_time: Option<String>,
    /// The verdict, signer and checks, as for a CMS signer (the references and the
    /// profile's checks included).
    pub report: SignerReport,
}

/// The validation of an e-invoice under the `vn-einvoice` profile.
#[derive(Clone, Debug, serde::Serialize)]
#[non_exhaustive]
pub struct EInvoiceReport {
    /// Why the document could not be validated as an e-invoice at all, if so (in JSON, its
    /// message).
    #[serde(serialize_with = "error_message")]
    pub error: Option<XmlError>,
    /// The `Id` of `DLHDon`.
    pub invoice_id: Option<String>,
    /// The seller's tax code as the invoice data states it (`DLHDon/NDHDon/NBan/MST`).
    pub seller_tax_code: Option<String>,
    /// Every signature at a place the profile knows, seller first, in document order.
    pub signatures: Vec<InvoiceSignature>,
    /// The canonical form of `DLHDon` the seller's key signed: its digest matches and the
    /// seller's signature value verifies (`None` otherwise). Read the invoice's fields from
    /// these bytes, not from the file, and only when [`EInvoiceReport::is_passed`] says the
    /// signer is trusted.
    #[serde(skip)]
    pub signed_invoice: Option<Vec<u8>>,
    /// Children of `HDon` that no signature covers, by local name, in document order.
    pub unsigned_elements: Vec<String>,
    /// Signature checks made, over all signatures and paths (one budget).
    pub signature_checks: usize,
}

fn error_message<S: serde::Serializer>(e: &Option<XmlError>, s: S) -> Result<S::Ok, S::Error> {
    match e {
        Some(e) => s.serialize_some(&e.to_string()),
        None => s.serialize_none(),
    }
}

impl EInvoiceReport {
    /// Whether the invoice was read, has the seller's signature, and every signature
    /// passed.
    pub fn is_passed(&self) -> bool {
        self.error.is_none()
            && self
                .signatures
                .iter()
                .any(|s| s.role == InvoiceSignerRole::Seller)
            && self.signatures.iter().all(|s| s.report.is_passed())
    }

    /// The seller's signature, if the invoice has one.
    pub fn seller(&self) -> Option<&InvoiceSignature> {
        self.signatures
            .iter()
            .find(|s| s.role == InvoiceSignerRole::Seller)
    }

    /// The report as JSON, in the schema of
    /// [`ValidationReport::to_json`](crate::ValidationReport::to_json) for each signature's
    /// `report`, with the invoice's own fields around it.
    pub fn to_json(&self) -> String {
        crate::validate::report::visible_json(self)
    }

    /// The report on a document that cannot be validated as an e-invoice at all.
    pub fn refused(e: XmlError) -> Self {
        EInvoiceReport {
            error: Some(e),
            invoice_id: None,
            seller_tax_code: None,
            signatures: Vec::new(),
            signed_invoice: None,
            unsigned_elements: Vec::new(),
            signature_checks: 0,
        }
    }
}

/// Most signatures read from one invoice: seller, buyer and tax authority sign once each;
/// sixteen leaves room for other signers while bounding the work of one call.
const MAX_INVOICE_SIGNATURES: usize = 16;

fn not_einvoice(reason: &'static str) -> XmlError {
    XmlError::NotEInvoice { reason }
}

/// The one child element of `node` with local name `name`, if exactly one.
fn only_child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Result<Option<Node<'a, 'i>>, ()> {
    let mut found = None;
    for c in node.children().filter(|c| c.is_element()) {
        if c.tag_name().name() == name {
            if found.is_some() {
                return Err(());
            }
            found = Some(c);
        }
    }
    Ok(found)
}

/// The text of the element at `path` (local names) under `node`, trimmed.
fn text_at(node: Node<'_, '_>, path: &[&str]) -> Option<String> {
    let mut at = node;
    for name in path {
        at = at
            .children()
            .find(|c| c.is_element() && c.tag_name().name() == *name)?;
    }
    let text: String = at
        .children()
        .filter(|c| c.is_text())
        .filter_map(|c| c.text())
        .collect();
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A `SigningTime` value: a local time without zone is Vietnam's (UTC+7); `Z` and numeric
/// offsets are honoured.
fn signing_time(text: &str) -> Option<Time> {
    let (local, offset_seconds) = if let Some(t) = text.strip_suffix(['Z', 'z']) {
        (t, 0)
    } else if text.len() == 25 {
        let (t, off) = text.split_at(19);
        let sign = match off.as_bytes().first() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return None,
        };
        let (h, m) = off.get(1..)?.split_once(':')?;
        let h: i64 = h.parse().ok()?;
        let m: i64 = m.parse().ok()?;
        (t, sign * (h * 3600 + m * 60))
    } else {
        (text, 7 * 3600)
    };
    if local.len() != 19 {
        return None;
    }
    let utc = Time::parse_rfc3339(&format!("{local}Z")).ok()?;
    Some(Time::from_unix(utc.unix().checked_sub(offset_seconds)?))
}

/// Records a failed profile check on a finished report: TOTAL-FAILED (what the signature
/// covers is not what the profile requires) or INDETERMINATE (a constraint on the signer).
fn profile_failure(report: &mut SignerReport, sub: SubIndication, detail: String) {
    if sub == SubIndication::FormatFailure {
        etsi::pdf_failure(report, CheckKind::XmlProfile, detail, None);
        return;
    }
    report.check(CheckKind::XmlProfile, Outcome::Failed, detail);
    if report.indication == Indication::TotalPassed {
        report.indication = Indication::Indeterminate;
        report.sub_indication = Some(sub);
    }
}

impl Verifier<'_> {
    /// Validates a Vietnamese e-invoice under the `vn-einvoice` profile (see
    /// [`kyso::xml::einvoice`](crate::xml::einvoice)): every signature in `HDon/DSCKS`,
    /// with this verifier's trust anchors, time, revocation and algorithm policy (SHA-1,
    /// which invoices from before 2021 use, only under
    /// [`AlgorithmPolicy::allow_sha1_for_legacy_use_only`](crate::key::AlgorithmPolicy::allow_sha1_for_legacy_use_only)).
    /// One work budget covers the whole call.
    ///
    /// A document that is not an e-invoice of that shape gets a report with
    /// [`EInvoiceReport::error`] and no signatures.
    pub fn verify_einvoice(&self, invoice: &XmlDocument<'_>) -> EInvoiceReport {
        let budget = Budget::default();
        match self.einvoice(invoice, &budget) {
            Ok(mut report) => {
                report.signature_checks = budget.used();
                report
            }
            Err(e) => EInvoiceReport::refused(e),
        }
    }

    fn einvoice(
        &self,
        invoice: &XmlDocument<'_>,
        budget: &Budget,
    ) -> Result<EInvoiceReport, XmlError> {
        let root = invoice.doc.root_element();
        if root.tag_name().name() != "HDon" {
            return Err(not_einvoice("the document element is not HDon"));
        }
        let data = only_child(root, "DLHDon")
            .map_err(|()| not_einvoice("more than one DLHDon in HDon"))?
            .ok_or_else(|| not_einvoice("no DLHDon in HDon"))?;
        let elsewhere = invoice
            .doc
            .descendants()
            .filter(|n| n.is_element() && n.tag_name().name() == "DLHDon")
            .count();
        if elsewhere != 1 {
            return Err(not_einvoice("a DLHDon outside HDon/DLHDon"));
        }
        let invoice_id = data
            .attribute("Id")
            .ok_or_else(|| not_einvoice("DLHDon has no Id"))?
            .to_owned();
        let tax_authority_code = only_child(root, "MCCQT").ok().flatten();
        let seller_tax_code = text_at(data, &["NDHDon", "NBan", "MST"]);
        let buyer_tax_code = text_at(data, &["NDHDon", "NMua", "MST"]);
        let mut report = EInvoiceReport {
            error: None,
            invoice_id: Some(invoice_id),
            seller_tax_code: seller_tax_code.clone(),
            signatures: Vec::new(),
            signed_invoice: None,
            unsigned_elements: Vec::new(),
            signature_checks: 0,
        };
        let mut covered: Vec<Node<'_, '_>> = Vec::new();
        let places = only_child(root, "DSCKS")
            .map_err(|()| not_einvoice("more than one DSCKS in HDon"))?
            .map(|d| d.children().filter(|c| c.is_element()).collect::<Vec<_>>())
            .unwrap_or_default();
        let count: usize = places
            .iter()
            .filter(|p| InvoiceSignerRole::of(p.tag_name().name()).is_some())
            .map(|p| p.children().filter(|c| c.is_element()).count())
            .sum();
        if count > MAX_INVOICE_SIGNATURES {
            return Err(not_einvoice("more signatures than kyso reads"));
        }
        for place in places {
            let Some(role) = InvoiceSignerRole::of(place.tag_name().name()) else {
                continue;
            };
            let signatures = place.children().filter(|c| {
                c.is_element()
                    && c.tag_name().namespace() == Some(DSIG)
                    && c.tag_name().name() == "Signature"
            });
            for node in signatures {
                let (written, claimed) = claimed_time(invoice, node);
                let (mut signer, outcomes) =
                    dsig::verify(self, invoice, node, budget, true, claimed);
                let allowed = |target: Node<'_, '_>| {
                    target == data
                        || (role == InvoiceSignerRole::TaxAuthority
                            && Some(target) == tax_authority_code)
                        || target.ancestors().any(|a| a == node)
                };
                check_targets(
                    &mut signer,
                    role,
                    &outcomes,
                    data,
                    tax_authority_code,
                    &allowed,
                );
                let tax_code = match role {
                    InvoiceSignerRole::Seller => seller_tax_code.as_deref(),
                    InvoiceSignerRole::Buyer => buyer_tax_code.as_deref(),
                    InvoiceSignerRole::TaxAuthority | InvoiceSignerRole::Other => None,
                };
                check_tax_code(&mut signer, role, tax_code);
                // Only what a key is proven to have signed counts as covered.
                let value_verified = signer
                    .checks
                    .iter()
                    .any(|c| c.kind == CheckKind::SignatureValue && c.outcome == Outcome::Passed);
                for o in outcomes.iter().filter(|o| o.matches && value_verified) {
                    covered.push(o.target);
                    if role == InvoiceSignerRole::Seller
                        && o.target == data
                        && report.signed_invoice.is_none()
                    {
                        report.signed_invoice = Some(o.octets.clone());
                    }
                }
                report.signatures.push(InvoiceSignature {
                    role,
                    signing_time: if signer.claimed_signing_time.is_some() {
                        written
                    } else {
                        None
                    },
                    report: signer,
                });
            }
        }
        report
            .signatures
            .sort_by_key(|s| s.role != InvoiceSignerRole::Seller);
        if report.seller().is_none() {
            return Err(not_einvoice("no seller signature in HDon/DSCKS/NBan"));
        }
        unsigned_elements(&mut report, root, &covered);
        Ok(report)
    }
}

/// Lists the children of `HDon` (but `DSCKS`) no verified reference covers, and warns of
/// them in every signature's report.
fn unsigned_elements(report: &mut EInvoiceReport, root: Node<'_, '_>, covered: &[Node<'_, '_>]) {
    report.unsigned_elements = root
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() != "DSCKS")
        .filter(|c| {
            !covered
                .iter()
                .any(|t| *t == *c || c.ancestors().any(|a| a == *t))
        })
        .map(|c| c.tag_name().name().to_owned())
        .collect();
    if !report.unsigned_elements.is_empty() {
        let warning = Warning::UnsignedElements {
            names: report.unsigned_elements.clone(),
        };
        for s in &mut report.signatures {
            s.report.warnings.push(warning.clone());
        }
    }
}

/// The signature's `SigningTime` (in an `Object` of its own) as written, and as a time when
/// one of the signature's references names an element around it (the reference's digest is
/// checked with the others: a claimed time is never taken from unsigned data).
fn claimed_time(
    invoice: &XmlDocument<'_>,
    signature: Node<'_, '_>,
) -> (Option<String>, Option<Time>) {
    let Some(node) = signature.descendants().find(|n| {
        n.is_element()
            && n.tag_name().name() == "SigningTime"
            && n.ancestors()
                .any(|a| a.tag_name().namespace() == Some(DSIG) && a.tag_name().name() == "Object")
    }) else {
        return (None, None);
    };
    let text: String = node.children().filter_map(|c| c.text()).collect();
    let text = text.trim().to_owned();
    let Ok(parsed) = SignatureElement::read(signature) else {
        return (Some(text), None);
    };
    // A reference around the element whose digest holds with the element included.
    let signed = parsed.references.iter().any(|r| {
        r.id()
            .and_then(|id| invoice.element_by_id(id).ok())
            .is_some_and(|target| target == node || node.ancestors().any(|a| a == target))
            && dsig::reference_octets(invoice, signature, r, true)
                .is_ok_and(|(octets, _, _)| !octets.is_empty() && r.digest_matches(&octets))
    });
    let time = if signed { signing_time(&text) } else { None };
    (Some(text), time)
}

/// What the references reach, against what the profile allows the role.
fn check_targets<'a, 'i>(
    report: &mut SignerReport,
    role: InvoiceSignerRole,
    outcomes: &[ReferenceOutcome<'a, 'i>],
    data: Node<'a, 'i>,
    tax_authority_code: Option<Node<'a, 'i>>,
    allowed: &dyn Fn(Node<'a, 'i>) -> bool,
) {
    if outcomes.is_empty() {
        // The references could not be resolved: the report already fails the format.
        return;
    }
    if let Some(o) = outcomes.iter().find(|o| !allowed(o.target)) {
        profile_failure(
            report,
            SubIndication::FormatFailure,
            format!(
                "the reference {:?} reaches <{}>, outside HDon/DLHDon and the signature",
                o.uri,
                o.target.tag_name().name()
            ),
        );
        return;
    }
    let covers_data = outcomes.iter().any(|o| o.target == data);
    let covers_code = tax_authority_code.is_some_and(|c| outcomes.iter().any(|o| o.target == c));
    let needed = match role {
        InvoiceSignerRole::TaxAuthority => covers_data || covers_code,
        _ => covers_data,
    };
    if needed {
        report.check(
            CheckKind::XmlProfile,
            Outcome::Passed,
            format!(
                "the {} signature covers HDon/DLHDon{}",
                role.element(),
                if covers_code { " and HDon/MCCQT" } else { "" }
            ),
        );
    } else {
        profile_failure(
            report,
            SubIndication::FormatFailure,
            format!(
                "the {} signature does not cover HDon/DLHDon",
                role.element()
            ),
        );
    }
}

/// The tax code the invoice states for the signer, against the certificate's.
fn check_tax_code(report: &mut SignerReport, role: InvoiceSignerRole, stated: Option<&str>) {
    let Some(cert) = report.signer_certificate.clone() else {
        return;
    };
    let certified = cert.identity().tax_code_text();
    match (role, stated, certified) {
        (_, Some(s), Some(c)) if s == c => report.check(
            CheckKind::XmlProfile,
            Outcome::Passed,
            format!("the {} tax code {s} is the certificate's", role.element()),
        ),
        (_, Some(s), Some(c)) => profile_failure(
            report,
            SubIndication::SigConstraintsFailure,
            format!(
                "the invoice gives the {} tax code {s}, the certificate MST:{c}",
                role.element()
            ),
        ),
        (InvoiceSignerRole::Seller, Some(s), None) => profile_failure(
            report,
            SubIndication::SigConstraintsFailure,
            format!("the invoice gives the seller tax code {s}; the certificate names none"),
        ),
        (InvoiceSignerRole::Seller, None, _) => profile_failure(
            report,
            SubIndication::SigConstraintsFailure,
            "the invoice data gives no seller tax code (DLHDon/NDHDon/NBan/MST)".to_owned(),
        ),
        _ => {}
    }
}

impl core::fmt::Display for InvoiceSignerRole {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            InvoiceSignerRole::Seller => "seller",
            InvoiceSignerRole::Buyer => "buyer",
            InvoiceSignerRole::TaxAuthority => "tax authority",
            InvoiceSignerRole::Other => "other signer",
        })
    }
}

impl core::fmt::Display for EInvoiceReport {
    /// A line for the invoice, one per signature (`Signature N (role): INDICATION[ /
    /// SUB-INDICATION]`), the unsigned elements, then the details of each signature.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if let Some(e) = &self.error {
            return writeln!(f, "E-invoice: cannot be validated: {e}");
        }
        writeln!(
            f,
            "E-invoice {} (seller tax code {}), {} signature(s)",
            self.invoice_id.as_deref().unwrap_or("?"),
            self.seller_tax_code.as_deref().unwrap_or("none"),
            self.signatures.len()
        )?;
        for (i, s) in self.signatures.iter().enumerate() {
            write!(
                f,
                "Signature {} ({}): {}",
                i + 1,
                s.role,
                s.report.indication
            )?;
            if let Some(sub) = s.report.sub_indication {
                write!(f, " / {sub}")?;
            }
            writeln!(f)?;
        }
        if !self.unsigned_elements.is_empty() {
            writeln!(f, "Not signed: {}", self.unsigned_elements.join(", "))?;
        }
        for (i, s) in self.signatures.iter().enumerate() {
            writeln!(
                f,
                "\nSignature {} ({}, HDon/DSCKS/{})",
                i + 1,
                s.role,
                s.role.element()
            )?;
            if let Some(t) = &s.signing_time {
                writeln!(f, "  SigningTime: {t} (local time, signed)")?;
            }
            s.report.fmt_details(f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_times_are_vietnam_local_unless_zoned() {
        let utc = |s: &str| Time::parse_rfc3339(s).ok();
        assert_eq!(
            signing_time("2026-11-30T10:00:00"),
            utc("2026-11-30T03:00:00Z")
        );
        assert_eq!(
            signing_time("2026-11-30T10:00:00Z"),
            utc("2026-11-30T10:00:00Z")
        );
        assert_eq!(
            signing_time("2026-11-30T10:00:00+07:00"),
            utc("2026-11-30T03:00:00Z")
        );
        assert_eq!(
            signing_time("2026-11-30T10:00:00-01:30"),
            utc("2026-11-30T11:30:00Z")
        );
        assert_eq!(signing_time("2026-11-30 10:00:00"), None);
        assert_eq!(signing_time("30/11/2026"), None);
    }
}
