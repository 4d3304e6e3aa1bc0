//! Visible signatures: the widget's appearance stream (ISO 32000-2 section 12.7.5.5) with a
//! PNG image (transparency kept as a soft mask) and lines of text in an embedded, subsetted
//! font, and the layouts of Decree 30/2020/NĐ-CP Appendix I.
//!
//! The font is Liberation Serif 2.1.5 (SIL Open Font License 1.1, `src/pdf/fonts/`): a serif
//! with the metrics of Times New Roman, the face Vietnamese official documents are set in,
//! and every precomposed Vietnamese letter (U+1EA0 to U+1EF9 and the Latin-1 and Latin
//! Extended letters with their tones). Only the glyphs a signature uses are embedded.

use std::fmt::Write as _;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, SigningError};
use crate::limits::{MAX_PDF_IMAGE_PIXELS, MAX_SIGNATURE_TEXT};
use crate::pdf::syntax::{Dict, ObjRef, Object};
use crate::pdf::write::{Update, dict, format_number, name, real};

/// The bundled font.
const FONT: &[u8] = include_bytes!("fonts/LiberationSerif-Regular.ttf");
/// The name it is embedded under (after the subset tag).
const FONT_NAME: &str = "LiberationSerif";
/// Padding inside the widget, in points.
const PAD: f64 = 2.0;
/// Line height as a multiple of the font size.
const LEADING: f64 = 1.2;

/// A decoded image: 8-bit gray or RGB samples and, when not opaque, 8-bit alpha.
#[derive(Clone, Debug)]
struct Image {
    width: u32,
    height: u32,
    gray: bool,
    samples: Vec<u8>,
    alpha: Option<Vec<u8>>,
    /// Pixels per inch, from the PNG's `pHYs` chunk.
    ppi: Option<f64>,
}

/// How a visible signature looks: where it is (page and rectangle, in PDF points from the
/// page's lower left corner), an optional PNG image and optional lines of text.
///
/// With an image and text, the text goes at the bottom and the image fills the space above
/// it, its proportions kept; text lines too wide for the rectangle are drawn smaller.
///
/// ```
/// use kyso::pdf::SignatureAppearance;
/// let image = std::fs::read("test-vectors/pdf/images/author-signature.png")?;
/// let appearance = SignatureAppearance::new(1, [350.0, 80.0, 530.0, 160.0])?
///     .image_png(&image)?
///     .text("Nguyễn Văn An");
/// assert_eq!(appearance.page(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct SignatureAppearance {
    page: usize,
    rect: [f64; 4],
    image: Option<Image>,
    lines: Vec<String>,
    font_size: f64,
    color: [f64; 3],
}

impl SignatureAppearance {
    /// A visible signature on `page` (1 for the first) in `rect` (`[x1, y1, x2, y2]`).
    ///
    /// # Errors
    ///
    /// [`SigningError::PdfAppearance`] if the page is 0 or the rectangle has no area or
    /// a coordinate that is not finite.
    pub fn new(page: usize, rect: [f64; 4]) -> Result<Self, Error> {
        let [x1, y1, x2, y2] = rect;
        if page == 0 {
            return Err(appearance_err("pages are counted from 1"));
        }
        if rect.iter().any(|v| !v.is_finite() || v.abs() > 14_400.0) {
            return Err(appearance_err(
                "a rectangle coordinate is not a finite page position",
            ));
        }
        let rect = [x1.min(x2), y1.min(y2), x1.max(x2), y1.max(y2)];
        if rect[2] - rect[0] < 1.0 || rect[3] - rect[1] < 1.0 {
            return Err(appearance_err("the rectangle has no area"));
        }
        Ok(SignatureAppearance {
            page,
            rect,
            image: None,
            lines: Vec::new(),
            font_size: 10.0,
            color: [0.0; 3],
        })
    }

    /// Draws this PNG image (any PNG colour type and depth; transparency is kept).
    ///
    /// # Errors
    ///
    /// [`SigningError::PdfAppearance`] if the PNG does not decode or has more than
    /// [`MAX_PDF_IMAGE_PIXELS`] pixels.
    pub fn image_png(mut self, png: &[u8]) -> Result<Self, Error> {
        self.image = Some(decode_png(png)?);
        Ok(self)
    }

    /// Adds a line of text (any Unicode the font covers; Vietnamese in full).
    #[must_use]
    pub fn text(mut self, line: impl Into<String>) -> Self {
        self.lines.push(line.into());
        self
    }

    /// The font size in points (10 by default).
    #[must_use]
    pub fn font_size(mut self, points: f64) -> Self {
        if points.is_finite() && points > 0.0 {
            self.font_size = points.min(200.0);
        }
        self
    }

    /// The text colour, RGB components from 0 to 1 (black by default).
    #[must_use]
    pub fn text_color(mut self, rgb: [f64; 3]) -> Self {
        self.color = rgb.map(|c| {
            if c.is_finite() {
                c.clamp(0.0, 1.0)
            } else {
                0.0
            }
        });
        self
    }

    /// The page (1 for the first).
    pub fn page(&self) -> usize {
        self.page
    }

    /// The rectangle `[x1, y1, x2, y2]`.
    pub fn rect(&self) -> [f64; 4] {
        self.rect
    }

    /// The competent person's signature of Decree 30 Appendix I: the handwritten
    /// signature image in the rectangle the caller gives.
    ///
    /// # Errors
    ///
    /// Those of [`SignatureAppearance::new`] and [`SignatureAppearance::image_png`].
    pub fn author(page: usize, rect: [f64; 4], signature_png: &[u8]) -> Result<Self, Error> {
        SignatureAppearance::new(page, rect)?.image_png(signature_png)
    }

    /// The organisation's seal of Decree 30 Appendix I: the seal image at its actual size
    /// (from the PNG's resolution, 96 pixels per inch when it has none), placed so that it
    /// covers the left third of the competent person's signature at `author_rect` on
    /// `page`, centred on it vertically.
    ///
    /// # Errors
    ///
    /// Those of [`SignatureAppearance::new`] and [`SignatureAppearance::image_png`].
    pub fn seal(page: usize, author_rect: [f64; 4], seal_png: &[u8]) -> Result<Self, Error> {
        let image = decode_png(seal_png)?;
        let ppi = image.ppi.unwrap_or(96.0);
        let w = f64::from(image.width) * 72.0 / ppi;
        let h = f64::from(image.height) * 72.0 / ppi;
        let [ax1, ay1, ax2, ay2] = author_rect;
        let right = ax1 + (ax2 - ax1) / 3.0;
        let cy = f64::midpoint(ay1, ay2);
        let mut a = SignatureAppearance::new(page, [right - w, cy - h / 2.0, right, cy + h / 2.0])?;
        a.image = Some(image);
        Ok(a)
    }

    /// The organisation's signature on attachments and copies (Decree 30 Appendix I): no
    /// image, the lines in 10 pt, 1 cm from the top right corner of page 1 of `pdf` as it
    /// is shown (its `/Rotate` taken into account).
    ///
    /// # Errors
    ///
    /// [`SigningError::PdfAppearance`] if there is no line, a line has a character the
    /// font cannot draw, or page 1 has no box; [`Error::Pdf`] if the page tree cannot be
    /// read.
    pub fn attachment(pdf: &crate::pdf::PdfDocument<'_>, lines: &[String]) -> Result<Self, Error> {
        if lines.is_empty() {
            return Err(appearance_err("no text for the attachment signature"));
        }
        let page_box = pdf
            .page_box(1)?
            .ok_or_else(|| appearance_err("page 1 has no media box"))?;
        let rotation = pdf.page_rotation(1)?;
        let size = 10.0;
        let font = Font::load()?;
        let mut width: f64 = 0.0;
        for l in lines {
            width = width.max(font.width(l)? * size / 1000.0);
        }
        let bw = width + 2.0 * PAD + 1.0;
        let bh = size * LEADING * count_f64(lines.len()) + 2.0 * PAD;
        let margin = 28.35; // 1 cm
        let [x1, y1, x2, y2] = page_box;
        let (uw, uh) = (x2 - x1, y2 - y1);
        // The box in the page as shown, then back to user space.
        let (dw, dh) = if rotation % 180 == 90 {
            (uh, uw)
        } else {
            (uw, uh)
        };
        let to_user = |dx: f64, dy: f64| match rotation {
            90 => (x1 + uw - dy, y1 + dx),
            180 => (x1 + uw - dx, y1 + uh - dy),
            270 => (x1 + dy, y1 + uh - dx),
            _ => (x1 + dx, y1 + dy),
        };
        let (ax, ay) = to_user(dw - margin - bw, dh - margin - bh);
        let (bx, by) = to_user(dw - margin, dh - margin);
        let mut a = SignatureAppearance::new(1, [ax, ay, bx, by])?.font_size(size);
        a.lines = lines.to_vec();
        Ok(a)
    }

    /// Writes the appearance stream (and the image and font it uses) into `update`, for
    /// a widget of `rect`; returns the stream's reference.
    pub(crate) fn write(
        &self,
        update: &mut Update,
        rect: [f64; 4],
        rotation: u16,
    ) -> Result<ObjRef, Error> {
        // On a page shown turned (`/Rotate`), the appearance is laid out in the turned
        // orientation and turned back by its `/Matrix`, so it reads upright.
        let (rw, rh) = ((rect[2] - rect[0]).abs(), (rect[3] - rect[1]).abs());
        let (w, h) = if rotation % 180 == 90 {
            (rh, rw)
        } else {
            (rw, rh)
        };
        let matrix: [f64; 6] = match rotation {
            90 => [0.0, 1.0, -1.0, 0.0, 0.0, 0.0],
            180 => [-1.0, 0.0, 0.0, -1.0, 0.0, 0.0],
            270 => [0.0, -1.0, 1.0, 0.0, 0.0, 0.0],
            _ => [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
        };
        let mut content = String::new();
        let mut resources = Dict::new();
        let text_height = self.draw_text(update, w, h, &mut content, &mut resources)?;
        if let Some(image) = &self.image {
            let area_h = (h - text_height).max(1.0);
            let iw = f64::from(image.width);
            let ih = f64::from(image.height);
            let scale = (w / iw).min(area_h / ih);
            let (dw, dh) = (iw * scale, ih * scale);
            let x = (w - dw) / 2.0;
            let y = text_height + (area_h - dh) / 2.0;
            let image_ref = embed_image(update, image);
            resources.insert(
                b"XObject".to_vec(),
                Object::Dict(dict([("Im1", Object::Ref(image_ref))])),
            );
            content = format!(
                "q {} 0 0 {} {} {} cm /Im1 Do Q\n{content}",
                format_number(dw),
                format_number(dh),
                format_number(x),
                format_number(y)
            );
        }
        let r = ObjRef {
            number: update.allocate(),
            generation: 0,
        };
        let form = dict([
            ("Type", name("XObject")),
            ("Subtype", name("Form")),
            (
                "BBox",
                Object::Array(vec![real(0.0), real(0.0), real(w), real(h)]),
            ),
            ("Resources", Object::Dict(resources)),
        ]);
        let mut form = form;
        if rotation != 0 {
            form.insert(
                b"Matrix".to_vec(),
                Object::Array(matrix.iter().map(|v| real(*v)).collect()),
            );
        }
        update.deflated_stream(r, form, content.as_bytes());
        Ok(r)
    }
    /// Writes the text lines into `content` (the font into `update` and `resources`) for
    /// an appearance `w` by `h`; returns the height they take at the bottom.
    fn draw_text(
        &self,
        update: &mut Update,
        w: f64,
        h: f64,
        content: &mut String,
        resources: &mut Dict,
    ) -> Result<f64, Error> {
        let lines: Vec<String> = self.lines.iter().map(|l| l.nfc().collect()).collect();
        let total: usize = lines.iter().map(|l| l.chars().count()).sum();
        if total > MAX_SIGNATURE_TEXT {
            return Err(appearance_err(
                "more text than a signature appearance holds",
            ));
        }
        let mut text_height = 0.0;
        if !lines.is_empty() {
            let font = Font::load()?;
            let mut size = self.font_size;
            let widest = lines
                .iter()
                .map(|l| font.width(l))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .fold(0.0, f64::max);
            if widest * size / 1000.0 > w - 2.0 * PAD && widest > 0.0 {
                size = (w - 2.0 * PAD) * 1000.0 / widest;
            }
            // The lines take at most the whole height, or half of it under an image.
            let room = if self.image.is_some() {
                h / 2.0
            } else {
                h - PAD
            };
            let needed = size * LEADING * count_f64(lines.len()) + PAD;
            if needed > room {
                size = ((room - PAD) / (LEADING * count_f64(lines.len()))).max(0.5);
            }
            let leading = size * LEADING;
            text_height = leading * count_f64(lines.len()) + PAD;
            let top = if self.image.is_some() {
                text_height
            } else {
                h - PAD
            };
            let [r, g, b] = self.color;
            let _ = writeln!(
                content,
                "BT /F1 {} Tf {} {} {} rg",
                format_number(size),
                format_number(r),
                format_number(g),
                format_number(b)
            );
            let glyph_lines = lines
                .iter()
                .map(|l| font.glyphs(l))
                .collect::<Result<Vec<_>, _>>()?;
            let mut glyphs: Vec<u16> = glyph_lines.iter().flatten().map(|(g, _)| *g).collect();
            glyphs.push(0);
            glyphs.sort_unstable();
            glyphs.dedup();
            let remapper = subsetter::GlyphRemapper::new_from_glyphs_sorted(&glyphs);
            let mut used = Vec::new();
            for (i, gids) in glyph_lines.iter().enumerate() {
                let baseline = top - leading * count_f64(i + 1) + (leading - size) / 2.0;
                let _ = write!(
                    content,
                    "1 0 0 1 {} {} Tm <",
                    format_number(PAD),
                    format_number(baseline + size * 0.22)
                );
                for (gid, c) in gids {
                    let _ = write!(content, "{:04X}", remapper.get(*gid).unwrap_or(0));
                    used.push((*gid, *c));
                }
                content.push_str("> Tj\n");
            }
            content.push_str("ET\n");
            let font_ref = font.embed(update, &remapper, &glyphs, &used)?;
            resources.insert(
                b"Font".to_vec(),
                Object::Dict(dict([("F1", Object::Ref(font_ref))])),
            );
        }
        Ok(text_height)
    }
}

fn count_f64(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

fn appearance_err(reason: impl Into<String>) -> Error {
    Error::Signing(SigningError::PdfAppearance {
        reason: reason.into(),
    })
}

fn decode_png(png: &[u8]) -> Result<Image, Error> {
    let bad = |e: png::DecodingError| appearance_err(format!("the PNG does not decode: {e}"));
    let limits = png::Limits {
        bytes: MAX_PDF_IMAGE_PIXELS * 8,
    };
    let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(png), limits);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(bad)?;
    let (width, height) = reader.info().size();
    if u64::from(width) * u64::from(height) > crate::pdf::wide(MAX_PDF_IMAGE_PIXELS) {
        return Err(appearance_err(format!(
            "the PNG has more than {MAX_PDF_IMAGE_PIXELS} pixels"
        )));
    }
    let ppi = reader.info().pixel_dims.and_then(|d| {
        (d.unit == png::Unit::Meter && d.xppu > 0).then(|| f64::from(d.xppu) * 0.0254)
    });
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| appearance_err("the PNG is too large"))?;
    let mut buf = vec![0u8; size];
    let info = reader.next_frame(&mut buf).map_err(bad)?;
    let buf = buf.get(..info.buffer_size()).unwrap_or_default();
    let (channels, gray) = match info.color_type {
        png::ColorType::Grayscale => (1, true),
        png::ColorType::GrayscaleAlpha => (2, true),
        png::ColorType::Rgb => (3, false),
        png::ColorType::Rgba => (4, false),
        png::ColorType::Indexed => return Err(appearance_err("an indexed PNG was not expanded")),
    };
    let colour = if gray { 1 } else { 3 };
    let mut samples = Vec::with_capacity(buf.len());
    let mut alpha = Vec::new();
    for (row_index, row) in buf.chunks(info.line_size).enumerate() {
        if row_index >= usize::try_from(height).unwrap_or(0) {
            break;
        }
        for px in row.chunks_exact(channels) {
            samples.extend_from_slice(px.get(..colour).unwrap_or_default());
            if channels == colour + 1 {
                alpha.push(px.get(colour).copied().unwrap_or(255));
            }
        }
    }
    let opaque = alpha.iter().all(|a| *a == 255);
    Ok(Image {
        width,
        height,
        gray,
        samples,
        alpha: (!alpha.is_empty() && !opaque).then_some(alpha),
        ppi,
    })
}

fn embed_image(update: &mut Update, image: &Image) -> ObjRef {
    let base = |gray: bool| {
        dict([
            ("Type", name("XObject")),
            ("Subtype", name("Image")),
            ("Width", Object::Integer(i64::from(image.width))),
            ("Height", Object::Integer(i64::from(image.height))),
            (
                "ColorSpace",
                name(if gray { "DeviceGray" } else { "DeviceRGB" }),
            ),
            ("BitsPerComponent", Object::Integer(8)),
        ])
    };
    let mut d = base(image.gray);
    if let Some(alpha) = &image.alpha {
        let mask = ObjRef {
            number: update.allocate(),
            generation: 0,
        };
        update.deflated_stream(mask, base(true), alpha);
        d.insert(b"SMask".to_vec(), Object::Ref(mask));
    }
    let r = ObjRef {
        number: update.allocate(),
        generation: 0,
    };
    update.deflated_stream(r, d, &image.samples);
    r
}

/// The bundled font, parsed.
struct Font<'f> {
    face: ttf_parser::Face<'f>,
}

impl Font<'static> {
    fn load() -> Result<Self, Error> {
        let face = ttf_parser::Face::parse(FONT, 0)
            .map_err(|_| appearance_err("the bundled font does not parse"))?;
        Ok(Font { face })
    }
}

impl Font<'_> {
    fn units(&self, v: i32) -> f64 {
        f64::from(v) * 1000.0 / f64::from(self.face.units_per_em())
    }

    /// The glyph of each character of `line` (in NFC), with the character.
    fn glyphs(&self, line: &str) -> Result<Vec<(u16, char)>, Error> {
        line.nfc()
            .map(|c| {
                if c.is_control() {
                    return Err(appearance_err(format!(
                        "a control character (U+{:04X}) in the text",
                        u32::from(c)
                    )));
                }
                self.face.glyph_index(c).map(|g| (g.0, c)).ok_or_else(|| {
                    appearance_err(format!(
                        "the font has no glyph for U+{:04X} ({c})",
                        u32::from(c)
                    ))
                })
            })
            .collect()
    }

    /// The width of `line` in thousandths of the font size.
    fn width(&self, line: &str) -> Result<f64, Error> {
        Ok(self
            .glyphs(line)?
            .iter()
            .map(|(g, _)| self.advance(*g))
            .sum())
    }

    fn advance(&self, gid: u16) -> f64 {
        self.units(i32::from(
            self.face
                .glyph_hor_advance(ttf_parser::GlyphId(gid))
                .unwrap_or(0),
        ))
    }

    /// Embeds the font as a Type0 font with a CIDFontType2 descendant and a ToUnicode
    /// map, subsetted to `glyphs` (sorted, with `.notdef`). Codes in the content stream
    /// are the subset's glyph ids (`remapper`), so `/CIDToGIDMap /Identity` holds; `used`
    /// pairs each original glyph id with its character.
    fn embed(
        &self,
        update: &mut Update,
        remapper: &subsetter::GlyphRemapper,
        glyphs: &[u16],
        used: &[(u16, char)],
    ) -> Result<ObjRef, Error> {
        let subset = subsetter::subset(FONT, 0, remapper)
            .map_err(|e| appearance_err(format!("cannot subset the font: {e}")))?;
        let new = |g: u16| remapper.get(g).unwrap_or(0);

        // A tag for the subset from its glyphs (ISO 32000-2 section 9.9.2).
        let digest = crate::digest::digest(
            crate::digest::DigestAlgorithm::Sha256,
            &glyphs
                .iter()
                .flat_map(|g| g.to_be_bytes())
                .collect::<Vec<_>>(),
        );
        let tag: String = digest
            .as_bytes()
            .iter()
            .take(6)
            .map(|b| char::from(b'A' + b % 26))
            .collect();
        let base_font = format!("{tag}+{FONT_NAME}");

        let file_ref = alloc(update);
        let mut file_dict = Dict::new();
        file_dict.insert(
            b"Length1".to_vec(),
            Object::Integer(i64::try_from(subset.len()).unwrap_or(0)),
        );
        update.deflated_stream(file_ref, file_dict, &subset);

        let bbox = self.face.global_bounding_box();
        let descriptor_ref = alloc(update);
        let descriptor = dict([
            ("Type", name("FontDescriptor")),
            ("FontName", name(&base_font)),
            ("Flags", Object::Integer(34)),
            (
                "FontBBox",
                Object::Array(
                    [bbox.x_min, bbox.y_min, bbox.x_max, bbox.y_max]
                        .iter()
                        .map(|v| real(self.units(i32::from(*v))))
                        .collect(),
                ),
            ),
            ("ItalicAngle", Object::Integer(0)),
            ("Ascent", real(self.units(i32::from(self.face.ascender())))),
            (
                "Descent",
                real(self.units(i32::from(self.face.descender()))),
            ),
            (
                "CapHeight",
                real(self.units(i32::from(self.face.capital_height().unwrap_or(662)))),
            ),
            ("StemV", Object::Integer(80)),
            ("FontFile2", Object::Ref(file_ref)),
        ]);
        update.object(descriptor_ref, &Object::Dict(descriptor));

        // Widths of the used glyphs, by their id in the subset.
        let mut widths = Vec::new();
        for g in glyphs {
            widths.push(Object::Integer(i64::from(new(*g))));
            widths.push(Object::Array(vec![real(self.advance(*g))]));
        }
        let cid_ref = alloc(update);
        let cid_font = dict([
            ("Type", name("Font")),
            ("Subtype", name("CIDFontType2")),
            ("BaseFont", name(&base_font)),
            (
                "CIDSystemInfo",
                Object::Dict(dict([
                    ("Registry", Object::String(b"Adobe".to_vec(), (0, 0))),
                    ("Ordering", Object::String(b"Identity".to_vec(), (0, 0))),
                    ("Supplement", Object::Integer(0)),
                ])),
            ),
            ("FontDescriptor", Object::Ref(descriptor_ref)),
            ("W", Object::Array(widths)),
            ("CIDToGIDMap", name("Identity")),
        ]);
        update.object(cid_ref, &Object::Dict(cid_font));

        let mut pairs: Vec<(u16, char)> = used.iter().map(|(g, c)| (new(*g), *c)).collect();
        pairs.sort_unstable();
        pairs.dedup_by_key(|p| p.0);
        let to_unicode_ref = alloc(update);
        update.deflated_stream(to_unicode_ref, Dict::new(), to_unicode(&pairs).as_bytes());

        let font_ref = alloc(update);
        let font = dict([
            ("Type", name("Font")),
            ("Subtype", name("Type0")),
            ("BaseFont", name(&base_font)),
            ("Encoding", name("Identity-H")),
            ("DescendantFonts", Object::Array(vec![Object::Ref(cid_ref)])),
            ("ToUnicode", Object::Ref(to_unicode_ref)),
        ]);
        update.object(font_ref, &Object::Dict(font));
        Ok(font_ref)
    }
}

fn alloc(update: &mut Update) -> ObjRef {
    ObjRef {
        number: update.allocate(),
        generation: 0,
    }
}

/// A ToUnicode CMap (ISO 32000-2 section 9.10.3) for two-byte codes.
fn to_unicode(pairs: &[(u16, char)]) -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in pairs.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for (code, c) in chunk {
            let mut units = [0u16; 2];
            let hex: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(s, "<{code:04X}> <{hex}>");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}
