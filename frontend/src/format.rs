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

/// A whole number grouped as `locale` writes it: `1,234,567` in English, `1 234 567` (narrow
/// no-break spaces) in French.
pub fn number(n: i64, locale: crate::i18n::Locale) -> String {
    let separator = match locale {
        crate::i18n::Locale::En => ',',
        crate::i18n::Locale::Fr => '\u{202f}',
    };
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 * 3 + 1);
    if n < 0 {
        grouped.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(c);
    }
    grouped
}

/// The calendar date (UTC) of an RFC 3339 time as `locale` writes it: `Nov 25, 2026`,
/// `25 nov. 2026`; the date as sent when it cannot be read.
pub fn long_date(rfc3339: &str, locale: crate::i18n::Locale) -> String {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const FR: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    let day = date(rfc3339);
    let mut parts = day.splitn(3, '-').map(str::parse::<u32>);
    let (Some(Ok(y)), Some(Ok(m @ 1..=12)), Some(Ok(d))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return day.to_owned();
    };
    let m = (m - 1) as usize;
    match locale {
        crate::i18n::Locale::En => format!("{} {d}, {y}", EN[m]),
        crate::i18n::Locale::Fr if d == 1 => format!("1er {} {y}", FR[m]),
        crate::i18n::Locale::Fr => format!("{d} {} {y}", FR[m]),
    }
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
    fn numbers_and_dates_read_as_each_language_writes_them() {
        use crate::i18n::Locale;
        assert_eq!(number(1234567, Locale::En), "1,234,567");
        assert_eq!(number(1234567, Locale::Fr), "1\u{202f}234\u{202f}567");
        assert_eq!(number(999, Locale::Fr), "999");
        assert_eq!(number(-1000, Locale::En), "-1,000");
        assert_eq!(
            long_date("2026-11-25T10:00:00Z", Locale::En),
            "Nov 25, 2026"
        );
        assert_eq!(
            long_date("2026-11-25T10:00:00Z", Locale::Fr),
            "25 nov. 2026"
        );
        assert_eq!(
            long_date("2026-08-01T00:00:00Z", Locale::Fr),
            "1er août 2026"
        );
        assert_eq!(long_date("garbage", Locale::En), "garbage");
    }
}
