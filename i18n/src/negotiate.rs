//! Choosing a language from a browser's `Accept-Language` header (RFC 9110 §12.5.4).

use crate::Locale;

/// The supported language the browser prefers most, or `None` when it asks for none of ours
/// (then the company's default applies). Ranges are weighed by their `q` value; among equal
/// weights the earlier one wins, as browsers list them in order of preference. `*` does not
/// pick anything: it says "anything else is acceptable", not which.
pub fn from_accept_language(header: &str) -> Option<Locale> {
    let mut best: Option<(Locale, u16)> = None;
    for range in header.split(',') {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let weight = parts
            .find_map(|param| {
                let (name, value) = param.split_once('=')?;
                (name.trim() == "q").then(|| quality(value.trim()))
            })
            .unwrap_or(Some(1000));
        let (Some(locale), Some(weight)) = (Locale::from_tag(tag), weight) else {
            continue;
        };
        if weight > 0 && best.is_none_or(|(_, best_weight)| weight > best_weight) {
            best = Some((locale, weight));
        }
    }
    best.map(|(locale, _)| locale)
}

/// `q` in thousandths (0–1000); `None` when malformed.
fn quality(value: &str) -> Option<u16> {
    let q: f32 = value.parse().ok()?;
    (0.0..=1.0)
        .contains(&q)
        .then(|| (q * 1000.0).round() as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_supported_language_by_weight_wins() {
        assert_eq!(from_accept_language("en-US,en;q=0.9"), Some(Locale::En));
        assert_eq!(from_accept_language("fr-FR, en;q=0.5"), Some(Locale::En));
        assert_eq!(from_accept_language("en;q=0.2, fr"), Some(Locale::En));
        assert_eq!(
            from_accept_language("id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7"),
            Some(Locale::Id)
        );
        assert_eq!(from_accept_language("en;q=0.5, id;q=0.6"), Some(Locale::Id));
        assert_eq!(from_accept_language("en, id"), Some(Locale::En));
    }

    #[test]
    fn nothing_we_speak_or_nothing_at_all_picks_nothing() {
        assert_eq!(from_accept_language(""), None);
        assert_eq!(from_accept_language("fr-FR, de;q=0.8"), None);
        assert_eq!(from_accept_language("*"), None);
        assert_eq!(from_accept_language("en;q=0"), None, "q=0 means 'not this'");
        assert_eq!(from_accept_language("en;q=abc"), None);
    }
}
