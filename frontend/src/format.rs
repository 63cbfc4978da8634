//! How numbers and times read on the page.

/// A length in seconds as `m:ss` or `h:mm:ss`, e.g. `4:05`, `1:02:03`.
pub fn duration(secs: f64) -> String {
    let total = if secs.is_finite() && secs > 0.0 {
        secs.round() as u64
    } else {
        0
    };
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// The calendar date of an RFC 3339 time, e.g. `2026-11-25` (UTC, as the server sends it).
pub fn date(rfc3339: &str) -> &str {
    rfc3339.get(..10).unwrap_or(rfc3339)
}

/// A count with its noun, e.g. `1 view`, `1,234 views`.
pub fn count(n: i64, one: &str, many: &str) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{grouped} {}", if n == 1 { one } else { many })
}

/// `value` with `places` decimals, the decimal mark as `locale` writes it (`1.5`, `1,5`).
pub fn decimal(locale: crate::i18n::Locale, value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    match locale {
        crate::i18n::Locale::En => text,
        crate::i18n::Locale::Fr => text.replace('.', ","),
    }
}

/// A size in bytes as decimal megabytes, e.g. `5.2 MB` (`5,2 Mo` in French).
pub fn megabytes(locale: crate::i18n::Locale, bytes: f64) -> String {
    let unit = match locale {
        crate::i18n::Locale::En => "MB",
        crate::i18n::Locale::Fr => "Mo",
    };
    format!("{} {unit}", decimal(locale, bytes / 1_000_000.0, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_clock_times() {
        assert_eq!(duration(0.0), "0:00");
        assert_eq!(duration(4.6), "0:05");
        assert_eq!(duration(245.0), "4:05");
        assert_eq!(duration(3723.0), "1:02:03");
        assert_eq!(duration(f64::NAN), "0:00");
    }

    #[test]
    fn dates_and_counts_read_plainly() {
        assert_eq!(date("2026-11-25T10:00:00Z"), "2026-11-25");
        assert_eq!(date("short"), "short");
        assert_eq!(count(1, "view", "views"), "1 view");
        assert_eq!(count(1234567, "view", "views"), "1,234,567 views");
        assert_eq!(count(0, "view", "views"), "0 views");
    }

    #[test]
    fn sizes_use_the_locales_decimal_mark() {
        use crate::i18n::Locale;
        assert_eq!(megabytes(Locale::En, 5_242_880.0), "5.2 MB");
        assert_eq!(megabytes(Locale::Fr, 5_242_880.0), "5,2 Mo");
        assert_eq!(decimal(Locale::Fr, 0.25, 2), "0,25");
    }
}
