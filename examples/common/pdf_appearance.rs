//! The visible-signature options shared by the `sign_pdf` and `sign_pkcs11` examples:
//! `--page N --rect X1,Y1,X2,Y2 --image PNG --text LINE... --preset author|seal|attachment`.

use kyso::Time;
use kyso::pdf::{PdfDocument, SignatureAppearance};

/// The bundled sample images, relative to the crate's root.
const AUTHOR_IMAGE: &str = "test-vectors/pdf/images/author-signature.png";
const SEAL_IMAGE: &str = "test-vectors/pdf/images/seal.png";

/// The appearance options given on the command line.
#[derive(Default)]
pub struct AppearanceArgs {
    pub page: Option<usize>,
    pub rect: Option<[f64; 4]>,
    pub image: Option<String>,
    pub text: Vec<String>,
    pub preset: Option<String>,
}

impl AppearanceArgs {
    /// Takes `arg` (with its value from `value`) if it is an appearance option.
    pub fn take(
        &mut self,
        arg: &str,
        value: &mut dyn FnMut() -> Result<String, String>,
    ) -> Result<bool, String> {
        match arg {
            "--page" => self.page = Some(value()?.parse().map_err(|_| "--page needs a number")?),
            "--rect" => {
                let v = value()?;
                let n: Vec<f64> = v
                    .split(',')
                    .map(|x| x.trim().parse::<f64>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("--rect {v}: four numbers X1,Y1,X2,Y2"))?;
                self.rect = Some(
                    n.try_into()
                        .map_err(|_| format!("--rect {v}: four numbers X1,Y1,X2,Y2"))?,
                );
            }
            "--image" => self.image = Some(value()?),
            "--text" => self.text.push(value()?),
            "--preset" => self.preset = Some(value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The appearance these options ask for on `pdf` signed at `time`; `None` for an
    /// invisible signature.
    pub fn build(
        &self,
        pdf: &PdfDocument<'_>,
        time: Time,
    ) -> Result<Option<SignatureAppearance>, String> {
        let read = |path: &str| std::fs::read(path).map_err(|e| format!("{path}: {e}"));
        let image = |default: &str| match &self.image {
            Some(p) => read(p),
            None => read(&format!("{}/{default}", env!("CARGO_MANIFEST_DIR"))),
        };
        let mut ap = match self.preset.as_deref() {
            None => match self.rect {
                None if self.image.is_some() || !self.text.is_empty() => {
                    return Err("--image and --text need --rect".to_string());
                }
                None => return Ok(None),
                Some(rect) => {
                    let mut ap = SignatureAppearance::new(self.page.unwrap_or(1), rect)
                        .map_err(|e| e.to_string())?;
                    if let Some(p) = &self.image {
                        ap = ap.image_png(&read(p)?).map_err(|e| format!("{p}: {e}"))?;
                    }
                    ap
                }
            },
            Some("author") => {
                let rect = self.rect.ok_or("--preset author needs --rect")?;
                SignatureAppearance::author(self.page.unwrap_or(1), rect, &image(AUTHOR_IMAGE)?)
                    .map_err(|e| e.to_string())?
            }
            Some("seal") => {
                let widgets = pdf.signature_widgets().map_err(|e| e.to_string())?;
                let author = widgets
                    .iter()
                    .rev()
                    .find(|w| w.signed && w.rect[2] > w.rect[0] && w.rect[3] > w.rect[1])
                    .ok_or(
                        "--preset seal: the file has no visible signature to place the seal on",
                    )?;
                SignatureAppearance::seal(
                    author.page.unwrap_or(1),
                    author.rect,
                    &image(SEAL_IMAGE)?,
                )
                .map_err(|e| e.to_string())?
            }
            Some("attachment") => {
                let lines = if self.text.is_empty() {
                    vec![vietnam_time(time)]
                } else {
                    self.text.clone()
                };
                return SignatureAppearance::attachment(pdf, &lines)
                    .map(Some)
                    .map_err(|e| e.to_string());
            }
            Some(other) => return Err(format!("unknown preset {other}")),
        };
        for line in &self.text {
            ap = ap.text(line.clone());
        }
        Ok(Some(ap))
    }
}

/// `t` in ISO 8601 with the Vietnam time zone (UTC+07:00).
pub fn vietnam_time(t: Time) -> String {
    let local = Time::from_unix(t.unix() + 7 * 3600).to_string();
    format!("{}+07:00", local.trim_end_matches('Z'))
}
