//! Signing PDFs: every kind of file kyso makes validates with kyso's own validator, and
//! fails once a byte of the signed range changes. (The same files are checked by pyHanko,
//! qpdf and pdfsig in `.ci/run`.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::as_conversions)]

use std::path::PathBuf;

use kyso::error::SigningError;
use kyso::pdf::ModificationClass;
use kyso::pdf::{Certification, PdfDocument, PdfReport, PdfSigning, SignatureAppearance};
use kyso::{Certificate, Revocation, SoftwareSigner, Time, TrustContext, TrustStore};
use kyso::{Error, ValidationPolicy, Verifier};

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test-vectors")
}

fn cert(path: &str) -> Certificate {
    Certificate::from_pem(&std::fs::read(vectors().join(path)).unwrap()).unwrap()
}

fn key(path: &str) -> SoftwareSigner {
    SoftwareSigner::from_file(vectors().join(path), None).unwrap()
}

fn time() -> Time {
    Time::from_utc(2026, 6, 1, 8, 30, 0).unwrap()
}

fn verify(bytes: &[u8]) -> PdfReport {
    let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
    let context = TrustContext::new(&anchors, Revocation::NotChecked);
    let pdf = PdfDocument::from_bytes(bytes).unwrap();
    Verifier::new(&context, ValidationPolicy::at(time())).verify_pdf(&pdf)
}

fn signing() -> PdfSigning<'static> {
    PdfSigning::new(cert("pki/ee-rsa2048.pem"), time()).chain([cert("pki/intermediate-ca.pem")])
}

fn original(name: &str) -> Vec<u8> {
    std::fs::read(vectors().join("pdf").join(name)).unwrap()
}

fn sign(bytes: &[u8], s: &PdfSigning<'_>) -> Vec<u8> {
    sign_with(bytes, s, "ee-rsa2048")
}

fn sign_with(bytes: &[u8], s: &PdfSigning<'_>, who: &str) -> Vec<u8> {
    let mut out = Vec::new();
    s.sign(
        &PdfDocument::from_bytes(bytes).unwrap(),
        &key(&format!("keys/{who}.key.pem")),
        &mut out,
    )
    .unwrap();
    out
}

/// The organisation (the seal): an RSA-3072 certificate of a provincial People's Committee.
fn seal_signing() -> PdfSigning<'static> {
    PdfSigning::new(cert("pki/ee-rsa3072.pem"), time()).chain([cert("pki/intermediate-ca.pem")])
}

fn image(name: &str) -> Vec<u8> {
    std::fs::read(vectors().join("pdf/images").join(name)).unwrap()
}

/// The signature rectangle of the sample letter.
fn sample_rect() -> [f64; 4] {
    let t = std::fs::read_to_string(vectors().join("pdf/sample-cong-van.rect")).unwrap();
    let v: Vec<f64> = t.trim().split(',').map(|x| x.parse().unwrap()).collect();
    [v[0], v[1], v[2], v[3]]
}

/// Keeps a made file for the peers of `.ci/run` (pyHanko, qpdf, pdfsig) when
/// `KYSO_PDF_SIGN_OUT` names a folder.
fn keep(name: &str, bytes: &[u8]) {
    if let Ok(dir) = std::env::var("KYSO_PDF_SIGN_OUT") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(PathBuf::from(dir).join(name), bytes).unwrap();
    }
}

/// Every signature of `bytes` passes, and each fails once a byte it covers changes (one
/// in the original part, one in the update after its `/Contents`).
fn assert_valid_and_tamper_evident(name: &str, bytes: &[u8], signatures: usize) {
    let report = verify(bytes);
    assert!(report.is_passed(), "{name}:\n{report}");
    assert_eq!(report.signatures.len(), signatures, "{name}:\n{report}");
    for s in &report.signatures {
        let [_, start, end, len] = s.byte_range.unwrap();
        for at in [start / 2, end + len / 2] {
            let mut bad = bytes.to_vec();
            let at = usize::try_from(at).unwrap();
            // A byte of a comment or of text changes meaning nowhere the reader looks:
            // flip it to another printable byte so the file still parses.
            bad[at] = if bad[at] == b'7' { b'8' } else { b'7' };
            let Ok(pdf) = PdfDocument::from_bytes(&bad) else {
                continue; // refused as a whole: not passed either
            };
            let anchors = TrustStore::from_certificates([cert("pki/root-ca.pem")]);
            let context = TrustContext::new(&anchors, Revocation::NotChecked);
            let r = Verifier::new(&context, ValidationPolicy::at(time())).verify_pdf(&pdf);
            let same = r.signatures.iter().find(|x| x.field == s.field);
            assert!(
                same.is_none_or(|x| !x.report.is_passed()),
                "{name}: byte {at} changed, {} still passes",
                s.field
            );
        }
    }
    keep(name, bytes);
}

#[test]
fn invisible_signature_validates_on_table_and_stream_files() {
    for base in ["base.pdf", "base-objstm.pdf"] {
        let bytes = original(base);
        let signed = sign(&bytes, &signing().reason("Approved"));
        assert!(signed.starts_with(&bytes));
        let report = verify(&signed);
        assert!(report.is_passed(), "{base}:\n{report}");
        assert_eq!(report.signatures.len(), 1);
        assert_eq!(report.signatures[0].field, "Signature1");
    }
}

#[test]
fn author_then_seal_on_the_sample_letter() {
    let letter = original("sample-cong-van.pdf");
    let rect = sample_rect();
    let author = SignatureAppearance::author(1, rect, &image("author-signature.png")).unwrap();
    let one = sign(&letter, &signing().reason("Ký duyệt").appearance(author));
    assert_valid_and_tamper_evident("author.pdf", &one, 1);

    let doc = PdfDocument::from_bytes(&one).unwrap();
    let widgets = doc.signature_widgets().unwrap();
    assert_eq!(widgets.len(), 1);
    assert_eq!(widgets[0].page, Some(1));
    assert_eq!(widgets[0].rect, rect);
    assert!(widgets[0].signed);
    let seal = SignatureAppearance::seal(1, widgets[0].rect, &image("seal.png")).unwrap();
    // 472 pixels at 300 dpi: 40 mm, 113.28 pt; its right edge on the author's left third.
    let r = seal.rect();
    assert!((r[2] - r[0] - 113.28).abs() < 0.01, "{r:?}");
    assert!(
        (r[2] - (rect[0] + (rect[2] - rect[0]) / 3.0)).abs() < 0.01,
        "{r:?}"
    );
    let two = sign_with(&one, &seal_signing().appearance(seal), "ee-rsa3072");
    assert_valid_and_tamper_evident("author-seal.pdf", &two, 2);
    let report = verify(&two);
    assert_eq!(
        report.signatures[0].modification,
        ModificationClass::FormFilling
    );
    assert_eq!(report.signatures[1].modification, ModificationClass::None);
}

#[test]
fn attachment_preset_puts_text_at_the_top_right() {
    let letter = original("sample-cong-van.pdf");
    let doc = PdfDocument::from_bytes(&letter).unwrap();
    let page = doc.page_box(1).unwrap().unwrap();
    assert_eq!(doc.page_count().unwrap(), 1);
    assert_eq!(doc.page_rotation(1).unwrap(), 0);
    let lines = [
        "Số: 123/STTTT-VP".to_string(),
        "Bản sao điện tử".to_string(),
        "2026-06-01T15:30:00+07:00".to_string(),
    ];
    let ap = SignatureAppearance::attachment(&doc, &lines).unwrap();
    let r = ap.rect();
    assert!(
        r[2] < page[2] && r[2] > page[2] - 40.0 && r[3] > page[3] - 40.0,
        "{r:?}"
    );
    let signed = sign_with(&letter, &seal_signing().appearance(ap), "ee-rsa3072");
    assert_valid_and_tamper_evident("attachment.pdf", &signed, 1);
    // The text is extractable: the embedded font maps its glyphs back to Unicode.
    let text = String::from_utf8_lossy(&signed);
    assert!(text.contains("/ToUnicode"));
    assert!(text.contains("+LiberationSerif"));
}

#[test]
fn vietnamese_text_outside_the_font_is_refused_with_its_code_point() {
    let letter = original("sample-cong-van.pdf");
    let ap = SignatureAppearance::new(1, [10.0, 10.0, 200.0, 60.0])
        .unwrap()
        .text("Ký số ✓");
    let mut out = Vec::new();
    let e = signing()
        .appearance(ap)
        .sign(
            &PdfDocument::from_bytes(&letter).unwrap(),
            &key("keys/ee-rsa2048.key.pem"),
            &mut out,
        )
        .unwrap_err();
    assert!(
        matches!(&e, Error::Signing(SigningError::PdfAppearance { reason }) if reason.contains("U+2713")),
        "{e}"
    );
    assert!(out.is_empty(), "nothing written on error");
    // Every precomposed Vietnamese letter draws.
    let all: String = ('\u{1EA0}'..='\u{1EF9}')
        .chain("ĂăÂâĐđÊêÔôƠơƯư".chars())
        .collect();
    let ap = SignatureAppearance::new(1, [10.0, 10.0, 500.0, 60.0])
        .unwrap()
        .text(all);
    let signed = sign(&letter, &signing().appearance(ap));
    assert_valid_and_tamper_evident("vietnamese-repertoire.pdf", &signed, 1);
}

#[test]
fn certification_levels_and_what_they_permit() {
    let letter = original("sample-cong-van.pdf");
    for (p, c) in [
        (1, Certification::NoChanges),
        (2, Certification::FormFilling),
        (3, Certification::Annotations),
    ] {
        let certified = sign(&letter, &signing().certify(c));
        assert_valid_and_tamper_evident(&format!("certified-p{p}.pdf"), &certified, 1);
        let report = verify(&certified);
        assert_eq!(
            report.signatures[0].kind,
            kyso::pdf::PdfSignatureKind::Certification { permission: p }
        );
        let doc = PdfDocument::from_bytes(&certified).unwrap();
        let mut out = Vec::new();
        let second = seal_signing().sign(&doc, &key("keys/ee-rsa3072.key.pem"), &mut out);
        if p == 1 {
            assert!(
                matches!(
                    second,
                    Err(Error::Signing(SigningError::PdfNoChangesPermitted))
                ),
                "{second:?}"
            );
            assert!(out.is_empty());
        } else {
            second.unwrap();
            assert_valid_and_tamper_evident(&format!("certified-p{p}-then-approval.pdf"), &out, 2);
        }
        // A second certification is refused.
        let mut out = Vec::new();
        let again = signing().certify(Certification::FormFilling).sign(
            &doc,
            &key("keys/ee-rsa2048.key.pem"),
            &mut out,
        );
        assert!(
            matches!(
                again,
                Err(Error::Signing(SigningError::PdfCertificationNotFirst))
            ),
            "{again:?}"
        );
    }
}

#[test]
fn a_signed_field_is_not_signed_again_and_names_are_unique() {
    let letter = original("sample-cong-van.pdf");
    let one = sign(&letter, &signing());
    let doc = PdfDocument::from_bytes(&one).unwrap();
    let mut out = Vec::new();
    let e = signing()
        .field("Signature1")
        .sign(&doc, &key("keys/ee-rsa2048.key.pem"), &mut out)
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Signing(SigningError::PdfFieldAlreadySigned { .. })
        ),
        "{e}"
    );
    let two = sign(&one, &signing());
    let report = verify(&two);
    let names: Vec<&str> = report.signatures.iter().map(|s| s.field.as_str()).collect();
    assert_eq!(names, ["Signature1", "Signature2"]);
    let e = signing()
        .appearance(SignatureAppearance::new(3, [0.0, 0.0, 10.0, 10.0]).unwrap())
        .sign(&doc, &key("keys/ee-rsa2048.key.pem"), &mut out)
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Signing(SigningError::PdfPageNotFound { page: 3, pages: 1 })
        ),
        "{e}"
    );
}

#[test]
fn two_step_signing_survives_a_restart_and_binds_the_prepared_file() {
    let letter = original("sample-cong-van.pdf");
    let doc = PdfDocument::from_bytes(&letter).unwrap();
    let signer = key("keys/ee-ecdsa-p256.key.pem");
    let s = PdfSigning::new(cert("pki/ee-ecdsa-p256.pem"), time())
        .chain([cert("pki/intermediate-ca.pem")]);
    let mut prepared_pdf = Vec::new();
    let state = s
        .prepare(&doc, kyso::Signer::algorithm(&signer), &mut prepared_pdf)
        .unwrap()
        .to_bytes()
        .unwrap();
    // Another prepared file of the same document (another signing time).
    let mut other_pdf = Vec::new();
    let other = PdfSigning::new(
        cert("pki/ee-ecdsa-p256.pem"),
        Time::from_unix(time().unix() + 1),
    )
    .prepare(&doc, kyso::Signer::algorithm(&signer), &mut other_pdf)
    .unwrap();
    drop(other);

    // Later, in another process: the state and the signer's value.
    let resumed = kyso::pdf::PreparedPdfSignature::from_bytes(&state).unwrap();
    let value = kyso::Signer::sign(&signer, resumed.to_be_signed()).unwrap();
    let mut wrong = std::io::Cursor::new(other_pdf.clone());
    let e = resumed
        .clone()
        .finish(&value, None, &mut wrong)
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Signing(SigningError::PdfPreparedFileMismatch { .. })
        ),
        "{e}"
    );
    assert_eq!(
        wrong.into_inner(),
        other_pdf,
        "nothing written to the wrong file"
    );
    let mut file = std::io::Cursor::new(prepared_pdf);
    let done = resumed.finish(&value, None, &mut file).unwrap();
    assert_eq!(done.field, "Signature1");
    assert_valid_and_tamper_evident("two-step-ecdsa.pdf", &file.into_inner(), 1);
    assert!(kyso::pdf::PreparedPdfSignature::from_bytes(&state[..state.len() - 1]).is_err());
}

/// Page 1 of `pdf` rendered by poppler's `pdftoppm` at 72 dpi (one pixel per point):
/// width, height and RGB bytes. `None` when poppler is not installed (outside CI).
fn render(pdf: &[u8]) -> Option<(usize, usize, Vec<u8>)> {
    let dir = std::env::temp_dir().join(format!("kyso-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("in.pdf"), pdf).unwrap();
    let run = std::process::Command::new("pdftoppm")
        .args(["-r", "72", "-f", "1", "-l", "1", "-singlefile"])
        .arg(dir.join("in.pdf"))
        .arg(dir.join("page"))
        .status();
    match run {
        Ok(s) => assert!(s.success(), "pdftoppm failed"),
        Err(_) if std::env::var_os("CI").is_none() => {
            eprintln!("pdftoppm not installed: rendering not checked");
            return None;
        }
        Err(e) => panic!("pdftoppm is needed in CI: {e}"),
    }
    let ppm = std::fs::read(dir.join("page.ppm")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    // P6 <w> <h> 255 <raster>
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&ppm[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P6");
    let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    Some((w, h, ppm[at + 1..].to_vec()))
}

#[test]
fn rendered_seal_overlaps_the_left_third_of_the_author_signature() {
    let letter = original("sample-cong-van.pdf");
    let rect = sample_rect();
    let author = SignatureAppearance::author(1, rect, &image("author-signature.png")).unwrap();
    let one = sign(&letter, &signing().appearance(author));
    let seal = SignatureAppearance::seal(1, rect, &image("seal.png")).unwrap();
    let two = sign_with(&one, &seal_signing().appearance(seal), "ee-rsa3072");
    let Some((w, h, rgb)) = render(&two) else {
        return;
    };
    let page_h = 841.89_f64;
    let pixel = |x: f64, y: f64| {
        let (px, py) = (x as usize, (page_h - y) as usize);
        let i = (py.min(h - 1) * w + px.min(w - 1)) * 3;
        (rgb[i], rgb[i + 1], rgb[i + 2])
    };
    let is_red = |(r, g, b): (u8, u8, u8)| r > 150 && g < 100 && b < 100;
    let is_blue = |(r, g, b): (u8, u8, u8)| b > 100 && r < 110 && g < 130;
    let third = rect[0] + (rect[2] - rect[0]) / 3.0;
    let (mut red_on_left, mut red_right_of_third, mut blue, mut red_left_of_author) = (0, 0, 0, 0);
    let mut y = rect[1];
    while y < rect[3] {
        let mut x = rect[0] - 60.0;
        while x < rect[2] {
            let p = pixel(x, y);
            if is_red(p) {
                if x < rect[0] {
                    red_left_of_author += 1;
                } else if x <= third {
                    red_on_left += 1;
                } else if x > third + 2.0 {
                    red_right_of_third += 1;
                }
            }
            if is_blue(p) && x >= rect[0] {
                blue += 1;
            }
            x += 1.0;
        }
        y += 1.0;
    }
    assert!(blue > 100, "blue signature pixels: {blue}");
    assert!(
        red_on_left > 100,
        "red seal pixels over the left third: {red_on_left}"
    );
    assert!(
        red_left_of_author > 100,
        "seal pixels left of the signature: {red_left_of_author}"
    );
    assert_eq!(red_right_of_third, 0, "seal pixels beyond the left third");

    // The attachment text: dark pixels at the top right, none in the same band on the left.
    let doc = PdfDocument::from_bytes(&letter).unwrap();
    let ap = SignatureAppearance::attachment(&doc, &["Số: 123/STTTT-VP".to_string()]).unwrap();
    let r = ap.rect();
    let signed = sign(&letter, &signing().appearance(ap));
    let (w, h, rgb) = render(&signed).unwrap();
    let _ = (w, h);
    let mut dark = 0;
    for y in r[1] as usize..r[3] as usize {
        for x in r[0] as usize..r[2] as usize {
            let i = ((842 - y).min(h - 1) * w + x.min(w - 1)) * 3;
            if rgb[i] < 100 && rgb[i + 1] < 100 && rgb[i + 2] < 100 {
                dark += 1;
            }
        }
    }
    assert!(dark > 30, "text pixels in the attachment box: {dark}");
}

fn replace_last(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let at = bytes
        .windows(from.len())
        .rposition(|w| w == from)
        .expect("pattern present");
    let mut out = bytes.to_vec();
    out[at..at + from.len()].copy_from_slice(to);
    out
}

#[test]
fn a_trailer_without_size_does_not_make_the_update_redefine_objects() {
    // The last trailer's /Size renamed: the next free number comes from the objects the
    // revisions list, never from 1.
    let bytes = replace_last(&original("author-seal.pdf"), b"/Size", b"/Cize");
    let signed = sign(&bytes, &signing());
    let report = verify(&signed);
    let mine = report.signatures.last().unwrap();
    assert!(mine.report.is_passed(), "{report}");
    assert_eq!(mine.modification, ModificationClass::None);
    // The earlier signatures see a new field and nothing else.
    assert_eq!(
        report.signatures[1].modification,
        ModificationClass::FormFilling
    );
}

#[test]
fn a_file_the_validator_refuses_is_not_signed() {
    // An appearance stream of the author's widget made malformed: validation of the
    // signatures after it cannot read the file, so nothing signed into it could be
    // validated either.
    let bytes = original("author-seal.pdf");
    let at = bytes.windows(7).position(|w| w == b"/BBox [").unwrap();
    let mut bad = bytes.clone();
    bad[at - 1] = b'"';
    let doc = PdfDocument::from_bytes(&bad).unwrap();
    let refused = verify(&bad).error.expect("the validator refuses it");
    let mut out = Vec::new();
    let e = signing()
        .sign(&doc, &key("keys/ee-rsa2048.key.pem"), &mut out)
        .unwrap_err();
    assert_eq!(e, Error::Pdf(refused));
    assert!(out.is_empty());
}

/// A PDF of the given objects (numbered from 1, object 1 the catalog) with a
/// cross-reference table: the shapes the tests below need, written plainly.
fn raw_pdf(objects: &[&str]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn sign_result(bytes: &[u8], s: &PdfSigning<'_>) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    s.sign(
        &PdfDocument::from_bytes(bytes).unwrap(),
        &key("keys/ee-rsa2048.key.pem"),
        &mut out,
    )
    .map(|_| out)
}

/// The update kyso appended (everything after the original).
fn update_of(signed: &[u8], original: &[u8]) -> String {
    String::from_utf8_lossy(&signed[original.len()..]).into_owned()
}

#[test]
fn a_rotated_page_gets_an_upright_appearance_and_the_attachment_its_top_right() {
    let pdf = raw_pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 /Rotate 90 /MediaBox [0 0 595 842] >>",
        "<< /Type /Page /Parent 2 0 R >>",
    ]);
    let doc = PdfDocument::from_bytes(&pdf).unwrap();
    assert_eq!(doc.page_rotation(1).unwrap(), 90);
    assert_eq!(doc.page_box(1).unwrap(), Some([0.0, 0.0, 595.0, 842.0]));
    // Shown turned clockwise, the page's top right corner is user space's top left: the
    // box sits 1 cm from user space's left edge and from its top.
    let ap = SignatureAppearance::attachment(&doc, &["Bản sao".to_string()]).unwrap();
    let r = ap.rect();
    assert!((r[0] - 28.35).abs() < 0.01, "{r:?}");
    assert!((r[3] - (842.0 - 28.35)).abs() < 0.01, "{r:?}");
    // Laid out in the shown orientation: the box is taller than wide in user space.
    assert!(r[3] - r[1] > r[2] - r[0], "{r:?}");
    let signed = sign(&pdf, &signing().appearance(ap));
    assert!(update_of(&signed, &pdf).contains("/Matrix [0 1 -1 0 0 0]"));
    assert_valid_and_tamper_evident("rotated-attachment.pdf", &signed, 1);
}

#[test]
fn a_shared_annotation_array_is_not_given_the_widget_on_every_page() {
    let pdf = raw_pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 595 842] >>",
        "<< /Type /Page /Parent 2 0 R /Annots 5 0 R >>",
        "<< /Type /Page /Parent 2 0 R /Annots 5 0 R >>",
        "[6 0 R]",
        "<< /Type /Annot /Subtype /Text /Rect [10 10 20 20] /Contents (note) >>",
    ]);
    let ap = SignatureAppearance::new(2, [50.0, 50.0, 200.0, 100.0])
        .unwrap()
        .text("Ký");
    let signed = sign(&pdf, &signing().appearance(ap));
    let update = update_of(&signed, &pdf);
    // Page 2 gets its own array; the shared one (object 5) is left as it was.
    assert!(update.contains("4 0 obj\n<</Annots [6 0 R "), "{update}");
    assert!(!update.contains("\n5 0 obj"), "{update}");
    assert_valid_and_tamper_evident("shared-annots.pdf", &signed, 1);
    let widgets = PdfDocument::from_bytes(&signed)
        .unwrap()
        .signature_widgets()
        .unwrap();
    assert_eq!(widgets[0].page, Some(2));
}

#[test]
fn an_existing_field_is_signed_in_its_widget_with_its_lock() {
    // A signature field with one widget kid and a lock on the field "Số".
    let pdf = raw_pdf(&[
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R 6 0 R] >> >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
        "<< /Type /Page /Parent 2 0 R /Annots [5 0 R 6 0 R] >>",
        "<< /FT /Sig /T (KyDuyet) /Kids [5 0 R] /Lock << /Type /SigFieldLock /Action /Include /Fields [(So)] >> >>",
        "<< /Type /Annot /Subtype /Widget /Parent 4 0 R /P 3 0 R /Rect [300 100 500 160] /F 4 >>",
        "<< /Type /Annot /Subtype /Widget /FT /Tx /T (So) /V (123) /P 3 0 R /Rect [50 700 200 720] >>",
    ]);
    let ap = SignatureAppearance::new(1, [0.0, 0.0, 10.0, 10.0])
        .unwrap()
        .text("Nguyễn Văn An");
    let signed = sign(&pdf, &signing().field("KyDuyet").appearance(ap));
    let update = update_of(&signed, &pdf);
    // The appearance goes on the widget kid, at the widget's own rectangle.
    assert!(update.contains("5 0 obj\n<</AP <</N "), "{update}");
    assert!(update.contains("/BBox [0 0 200 60]"), "{update}");
    // The lock became the signature's FieldMDP reference.
    assert!(update.contains("/TransformMethod /FieldMDP"), "{update}");
    assert!(update.contains("/Action /Include"), "{update}");
    assert_valid_and_tamper_evident("field-with-kid-and-lock.pdf", &signed, 1);
    let report = verify(&signed);
    assert_eq!(report.signatures[0].field, "KyDuyet");
    // A later signature is a permitted change for the locked one: its FieldMDP /Data
    // (the catalog) is a back reference, not content of the signature.
    let two = sign(&signed, &seal_signing_rsa2048());
    let report = verify(&two);
    assert!(report.is_passed(), "{report}");
    assert_eq!(
        report.signatures[0].modification,
        ModificationClass::FormFilling
    );
    assert!(report.signatures[0].locked_fields_changed.is_empty());
}

#[test]
fn fields_and_rectangles_kyso_will_not_sign() {
    let base = [
        "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>",
        "<< /Type /Page /Parent 2 0 R /Annots [4 0 R] >>",
        "<< /Type /Annot /Subtype /Widget /FT /Sig /T (F) /P 3 0 R /Rect [0 0 0 0] /SV << /Type /SV /Ff 1 /SubFilter [/adbe.pkcs7.detached] >> >>",
    ];
    let pdf = raw_pdf(&base);
    // Mandatory seed values.
    let e = sign_result(&pdf, &signing().field("F")).unwrap_err();
    assert_eq!(
        e,
        Error::Signing(SigningError::PdfSeedValuesRequired { field: "F".into() })
    );
    // Names a new field cannot have.
    for (name, reason) in [("", "empty"), ("a.b", "a partial field name has no period")] {
        let e = sign_result(&pdf, &signing().field(name)).unwrap_err();
        assert_eq!(
            e,
            Error::Signing(SigningError::PdfFieldName {
                name: name.into(),
                reason
            })
        );
    }
    // A rectangle off the page.
    let ap = SignatureAppearance::new(1, [500.0, 800.0, 700.0, 900.0]).unwrap();
    let e = sign_result(&pdf, &signing().appearance(ap)).unwrap_err();
    assert!(
        matches!(e, Error::Signing(SigningError::PdfAppearance { .. })),
        "{e}"
    );
    // An existing field whose widget has no area, asked to be visible.
    let no_sv = raw_pdf(&[
        base[0],
        base[1],
        base[2],
        "<< /Type /Annot /Subtype /Widget /FT /Sig /T (F) /P 3 0 R /Rect [0 0 0 0] >>",
    ]);
    let ap = SignatureAppearance::new(1, [10.0, 10.0, 100.0, 50.0]).unwrap();
    let e = sign_result(&no_sv, &signing().field("F").appearance(ap)).unwrap_err();
    assert!(
        matches!(e, Error::Signing(SigningError::PdfAppearance { .. })),
        "{e}"
    );
    // A new visible field in a certified document; invisible is fine.
    let certified = sign(
        &original("sample-cong-van.pdf"),
        &signing().certify(Certification::FormFilling),
    );
    let ap = SignatureAppearance::new(1, [10.0, 10.0, 100.0, 50.0]).unwrap();
    let e = sign_result(&certified, &signing().appearance(ap)).unwrap_err();
    assert_eq!(
        e,
        Error::Signing(SigningError::PdfNewVisibleFieldAfterCertification)
    );
}

/// A second signer with the first signer's key (the tests' `sign` uses that key).
fn seal_signing_rsa2048() -> PdfSigning<'static> {
    signing().reason("Đóng dấu")
}

/// A file with a signed earlier revision and a page content stream whose `/Length` key is
/// misspelt (found by the `pdf` fuzz target): the analysis of what changed after that
/// earlier signature reaches the stream once the new signature's widget is on the page, so
/// validation would fail the whole file. Signing refuses it up front, with that reason, and
/// writes nothing.
#[test]
fn a_file_whose_earlier_signature_could_not_then_be_judged_is_not_signed() {
    let bytes = std::fs::read(
        vectors().join("fuzz-regressions/pdf/stream-length-misspelt-under-earlier-signature.pdf"),
    )
    .unwrap();
    let pdf = PdfDocument::from_bytes(&bytes).unwrap();
    let appearance = SignatureAppearance::new(1, [20.0, 20.0, 200.0, 60.0])
        .unwrap()
        .text("Ký số");
    let mut out = Vec::new();
    let result =
        signing()
            .appearance(appearance)
            .sign(&pdf, &key("keys/ee-rsa2048.key.pem"), &mut out);
    match result {
        Err(Error::Pdf(e)) => assert!(
            e.to_string()
                .contains("a stream without an integer /Length"),
            "{e}"
        ),
        other => panic!("expected the malformed stream, got {:?}", other.map(|_| ())),
    }
    assert!(out.is_empty());
}
