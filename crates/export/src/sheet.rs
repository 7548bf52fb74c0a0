//! The invitation sheet: one printable A4 HTML file, one card per invitation, each with its
//! QR code (drawn here, as inline SVG: no image from a network service, nothing to fetch),
//! what it is for, the person's name, the validity, and the link in text.
//!
//! A card is a secret: whoever holds it joins with its rights. The sheet says so.

use qrcode::{Color, EcLevel, QrCode};
use recolte_core::Lang;
use recolte_store::InvitationRecord;

use crate::text::html;
use crate::ExportError;

/// The SVG of a QR code for `text`, at error-correction level M (15 % of the code may be
/// damaged or dirty: cards get folded and handled). One path of horizontal runs, with the
/// standard quiet zone of four modules: a few kilobytes per code, sharp at any print size.
pub fn qr_svg(text: &str) -> Result<String, ExportError> {
    let QrPath { size, path } = qr_path(text)?;
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges" role="img" aria-label="QR code"><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##
    ))
}

/// A QR code as one SVG path of horizontal runs, quiet zone included: `size` modules wide.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct QrPath {
    pub size: usize,
    pub path: String,
}

/// The QR code of `text` at error-correction level M (15 % of the code may be damaged or
/// dirty: cards get folded and handled), with the standard quiet zone of four modules.
pub fn qr_path(text: &str) -> Result<QrPath, ExportError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| ExportError::Encode(format!("QR code: {e}")))?;
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let mut path = String::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if colors[y * width + x] == Color::Dark {
                let start = x;
                while x < width && colors[y * width + x] == Color::Dark {
                    x += 1;
                }
                path.push_str(&format!("M{} {}h{}v1h-{}z", start + quiet, y + quiet, x - start, x - start));
            } else {
                x += 1;
            }
        }
    }
    Ok(QrPath { size: width + 2 * quiet, path })
}

/// To the minute, on the event's clock: what a facilitator reads on the card is the time on
/// the venue's walls, not UTC.
fn date(rfc3339: &str, timezone: &str) -> String {
    recolte_core::moment::local_moment(rfc3339, Some(timezone)).chars().take(16).collect()
}

/// The whole sheet for an event's invitations; `timezone` is the event's.
pub fn invitation_sheet(
    event_name: &str,
    timezone: &str,
    invitations: &[InvitationRecord],
    lang: Lang,
) -> Result<String, ExportError> {
    let lang_tag = if lang == Lang::En { "en" } else { "fr" };
    let title = format!("{} — {}", lang.pick("Invitations", "Invitations"), event_name);
    let mut out = format!(
        r#"<!DOCTYPE html>
<html lang="{lang_tag}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>
@page {{ size: A4; margin: 8mm; }}
* {{ box-sizing: border-box; }}
body {{ font-family: system-ui, "DejaVu Sans", sans-serif; color: #111; margin: 0; }}
header {{ margin: 0 0 3mm; }}
header h1 {{ font-size: 13pt; margin: 0 0 1mm; }}
header p {{ font-size: 8.5pt; margin: 0; color: #333; }}
.cards {{ display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 3mm; }}
.card {{ border: 0.3mm dashed #555; border-radius: 2mm; padding: 3mm; break-inside: avoid; page-break-inside: avoid;
  display: grid; grid-template-columns: 42mm minmax(0, 1fr); grid-template-rows: auto 1fr; column-gap: 3mm;
  height: 86mm; overflow: hidden; }}
.qr svg {{ width: 42mm; height: 42mm; display: block; }}
.card h2 {{ font-size: 9pt; margin: 0 0 2mm; line-height: 1.25; overflow-wrap: anywhere; }}
.card dl {{ font-size: 8pt; margin: 0; }}
.card dt {{ font-weight: bold; }}
.card dd {{ margin: 0 0 1mm; overflow-wrap: anywhere; }}
.blank {{ display: inline-block; width: 100%; border-bottom: 0.3mm solid #888; height: 4mm; }}
.foot {{ grid-column: 1 / -1; align-self: end; }}
.how {{ font-size: 7pt; margin: 1.5mm 0 0.5mm; }}
.link {{ font-family: "DejaVu Sans Mono", monospace; font-size: 5pt; line-height: 1.15; word-break: break-all;
  color: #333; margin: 0; }}
</style>
</head>
<body>
<header><h1>{title}</h1><p>{intro}</p></header>
<main class="cards">
"#,
        title = html(&title),
        intro = html(lang.pick(
            "Découpez les cartes et remettez chacune à la personne qu'elle nomme. Une carte donne accès à l'événement avec ses droits : gardez-la comme une clé ; l'organisation peut la révoquer.",
            "Cut out the cards and give each to the person it names. A card gives access to the event with its rights: keep it like a key; the organisers can revoke it.",
        )),
    );
    for invitation in invitations {
        // A card for nobody in particular leaves a line to write the name by hand.
        let person = match &invitation.for_name {
            Some(name) => html(name),
            None => r#"<span class="blank"></span>"#.to_owned(),
        };
        out.push_str(&format!(
            r#"<section class="card" aria-label="{label}">
<div class="qr">{qr}</div>
<div>
<h2>{label}</h2>
<dl>
<dt>{for_label}</dt><dd>{person}</dd>
<dt>{valid_label}</dt><dd>{valid}</dd>
</dl>
</div>
<div class="foot">
<p class="how">{how}</p>
<p class="link">{link}</p>
</div>
</section>
"#,
            qr = qr_svg(&invitation.link)?,
            label = html(&invitation.label),
            for_label = html(lang.pick("Pour", "For")),
            person = person,
            valid_label = html(lang.pick("Valable jusqu'au", "Valid until")),
            valid = html(&date(&invitation.expires_at, timezone)),
            how = html(lang.pick(
                "Ouvrez Récolte, « Rejoindre avec une invitation », puis scannez le code ou collez le lien :",
                "Open Récolte, \"Join with an invitation\", then scan the code or paste the link:",
            )),
            link = html(&invitation.link),
        ));
    }
    out.push_str("</main>\n</body>\n</html>\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_says_its_end_on_the_events_clock() {
        assert_eq!(date("2026-12-01T12:35:10Z", "Europe/Paris"), "2026-12-01 13:35");
        assert_eq!(date("2026-07-01T12:35:00Z", "Europe/Paris"), "2026-07-01 14:35");
    }

    #[test]
    fn a_qr_code_is_inline_svg() {
        let svg = qr_svg("recolte://join?v=1&t=abc").unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("<path") || svg.contains("<rect"));
    }
}
