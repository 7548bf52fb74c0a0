//! The invitation sheet: one printable A4 HTML file, one card per invitation, each with its
//! QR code (drawn here, as inline SVG: no image from a network service, nothing to fetch),
//! what it is for, the person's name, the validity, and the link in text.
//!
//! A card is a secret: whoever holds it joins with its rights. The sheet says so.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use recolte_core::Lang;
use recolte_store::InvitationRecord;

use crate::text::html;
use crate::ExportError;

/// The SVG of a QR code for `text`, at error-correction level M (15 % of the code may be
/// damaged or dirty: cards get folded and handled).
pub fn qr_svg(text: &str) -> Result<String, ExportError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| ExportError::Encode(format!("QR code: {e}")))?;
    let image = code
        .render()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Inline in HTML: no XML declaration.
    Ok(match image.find("<svg") {
        Some(start) => image[start..].to_owned(),
        None => image,
    })
}

fn date(rfc3339: &str) -> String {
    rfc3339.replace('T', " ").trim_end_matches('Z').chars().take(16).collect()
}

/// The whole sheet for an event's invitations.
pub fn invitation_sheet(event_name: &str, invitations: &[InvitationRecord], lang: Lang) -> Result<String, ExportError> {
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
@page {{ size: A4; margin: 10mm; }}
* {{ box-sizing: border-box; }}
body {{ font-family: system-ui, "DejaVu Sans", sans-serif; color: #111; margin: 0; }}
header {{ margin: 0 0 4mm; }}
header h1 {{ font-size: 14pt; margin: 0 0 1mm; }}
header p {{ font-size: 9pt; margin: 0; color: #333; }}
.cards {{ display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; }}
.card {{ border: 0.4mm dashed #555; border-radius: 2mm; padding: 4mm; break-inside: avoid; page-break-inside: avoid;
  display: grid; grid-template-columns: 48mm 1fr; gap: 3mm; height: 86mm; overflow: hidden; }}
.qr svg {{ width: 48mm; height: 48mm; display: block; }}
.role {{ font-size: 8pt; text-transform: uppercase; letter-spacing: 0.05em; color: #444; margin: 0; }}
.card h2 {{ font-size: 11pt; margin: 1mm 0 2mm; line-height: 1.25; overflow-wrap: anywhere; }}
.card dl {{ font-size: 8.5pt; margin: 0; }}
.card dt {{ font-weight: bold; }}
.card dd {{ margin: 0 0 1mm; overflow-wrap: anywhere; }}
.link {{ grid-column: 1 / -1; font-family: "DejaVu Sans Mono", monospace; font-size: 5.5pt; line-height: 1.2;
  word-break: break-all; color: #333; margin: 0; }}
.how {{ grid-column: 1 / -1; font-size: 7.5pt; margin: 0; }}
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
        let role = match invitation.role {
            recolte_core::access::Role::Organiser => lang.pick("Organisation", "Organiser"),
            recolte_core::access::Role::Facilitator => lang.pick("Animation de session", "Session facilitation"),
            recolte_core::access::Role::Rapporteur => lang.pick("Rapporteur de thème", "Theme rapporteur"),
            recolte_core::access::Role::Panel => lang.pick("Panel de clôture", "Closing panel"),
        };
        let person = invitation.for_name.clone().unwrap_or_else(|| lang.pick("—", "—").to_owned());
        out.push_str(&format!(
            r#"<section class="card" aria-label="{label}">
<div class="qr">{qr}</div>
<div>
<p class="role">{role}</p>
<h2>{label}</h2>
<dl>
<dt>{for_label}</dt><dd>{person}</dd>
<dt>{valid_label}</dt><dd>{valid}</dd>
<dt>{event_label}</dt><dd>{event}</dd>
</dl>
</div>
<p class="how">{how}</p>
<p class="link">{link}</p>
</section>
"#,
            qr = qr_svg(&invitation.link)?,
            role = html(role),
            label = html(&invitation.label),
            for_label = html(lang.pick("Pour", "For")),
            person = html(&person),
            valid_label = html(lang.pick("Valable jusqu'au (UTC)", "Valid until (UTC)")),
            valid = html(&date(&invitation.expires_at)),
            event_label = html(lang.pick("Événement", "Event")),
            event = html(event_name),
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
    fn a_qr_code_is_inline_svg() {
        let svg = qr_svg("recolte://join?v=1&t=abc").unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("<path") || svg.contains("<rect"));
    }
}
