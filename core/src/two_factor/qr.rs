//! The QR code of an authenticator app's `otpauth://` address, drawn on the server as SVG:
//! no image service ever sees the seed, and it needs no JavaScript.

use anyhow::Context;
use qrcode::QrCode;
use qrcode::render::svg;

pub(crate) fn svg(text: &str) -> anyhow::Result<String> {
    let code = QrCode::new(text.as_bytes()).context("drawing a QR code")?;
    let drawn = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Inline in HTML: the XML declaration of a standalone file has no place there.
    let start = drawn.find("<svg").context("the QR code's <svg>")?;
    Ok(drawn[start..].to_owned())
}
