//! How numbers and times read on the page: the plain helpers below, and locale-aware ones
//! (`number`, `views`, `relative_time`, `long_date`) that follow the reader's language.

use crate::i18n::Locale;

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

/// A count with its noun in English, e.g. `1 view`, `1,234 views`.
pub fn count(n: i64, one: &str, many: &str) -> String {
    counted(Locale::En, n, one, many)
}

/// A count with its noun as `locale` writes it: `1,234 videos` in English, `1 234 vidéos` in
/// French (narrow no-break spaces between thousands, a no-break space before the noun, and the
/// singular for 0 and 1).
pub fn counted(locale: Locale, n: i64, one: &str, many: &str) -> String {
    let shown = number(locale, n);
    match locale {
        Locale::En => format!("{shown} {}", if n == 1 { one } else { many }),
        Locale::Fr => format!("{shown}\u{a0}{}", if n.abs() < 2 { one } else { many }),
    }
}

/// A whole number grouped by thousands as `locale` writes it: `1,234,567` in English,
/// `1 234 567` in French (with narrow no-break spaces, so it never wraps).
pub fn number(locale: Locale, n: i64) -> String {
    let separator = match locale {
        Locale::En => ",",
        Locale::Fr => "\u{202f}",
    };
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push_str(separator);
        }
        grouped.push(c);
    }
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{grouped}")
}

/// A view count with its noun, e.g. `1 view`, `1,234 views`, `0 vue`, `1 234 vues` (French
/// takes the singular for 0 and 1).
pub fn views(locale: Locale, n: i64) -> String {
    match locale {
        Locale::En => counted(locale, n, "view", "views"),
        Locale::Fr => counted(locale, n, "vue", "vues"),
    }
}

/// The seconds since 1970 of an RFC 3339 time such as `2026-11-25T10:00:00Z` or
/// `2026-11-25T10:00:00.123+01:00`; `None` when it cannot be read.
pub fn parse_time(rfc3339: &str) -> Option<i64> {
    let b = rfc3339.as_bytes();
    let num =
        |from: usize, to: usize| -> Option<i64> { rfc3339.get(from..to)?.parse::<i64>().ok() };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    // The offset follows the seconds and their optional fraction.
    let mut rest = &rfc3339[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(frac.len());
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let h = rest.get(1..3)?.parse::<i64>().ok()?;
            let m = rest.get(4..6)?.parse::<i64>().ok()?;
            sign * (h * 3600 + m * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// The RFC 3339 time (UTC, whole seconds) of `secs` seconds since 1970, e.g.
/// `2026-11-25T10:00:00Z`: the inverse of [`parse_time`].
pub fn rfc3339(secs: i64) -> String {
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// How long ago `then` was at `now` (both seconds since 1970), in the largest whole unit:
/// `just now`, `5 minutes ago`, `il y a 3 jours`; a time ahead reads `in 2 hours`, `dans 2 heures`.
pub fn relative_time(locale: Locale, then: i64, now: i64) -> String {
    let delta = now - then;
    let ahead = delta < 0;
    let secs = delta.abs();
    const UNITS: [(i64, &str, &str, &str, &str); 6] = [
        (365 * 86_400, "year", "years", "an", "ans"),
        (30 * 86_400, "month", "months", "mois", "mois"),
        (7 * 86_400, "week", "weeks", "semaine", "semaines"),
        (86_400, "day", "days", "jour", "jours"),
        (3600, "hour", "hours", "heure", "heures"),
        (60, "minute", "minutes", "minute", "minutes"),
    ];
    let Some((n, en_one, en_many, fr_one, fr_many)) = UNITS
        .iter()
        .find(|(size, ..)| secs >= *size)
        .map(|&(size, a, b, c, d)| (secs / size, a, b, c, d))
    else {
        return match locale {
            Locale::En => "just now".into(),
            Locale::Fr => "à l’instant".into(),
        };
    };
    match locale {
        Locale::En => {
            let unit = if n == 1 { en_one } else { en_many };
            if ahead {
                format!("in {n} {unit}")
            } else {
                format!("{n} {unit} ago")
            }
        }
        Locale::Fr => {
            let unit = if n == 1 { fr_one } else { fr_many };
            if ahead {
                format!("dans {n}\u{a0}{unit}")
            } else {
                format!("il y a {n}\u{a0}{unit}")
            }
        }
    }
}

/// The calendar date of an RFC 3339 time as `locale` writes it: `Nov 25, 2026`,
/// `25 nov. 2026` (the date as the server sends it, UTC); the text itself when unreadable.
pub fn long_date(locale: Locale, rfc3339: &str) -> String {
    let parts = (
        rfc3339.get(0..4).and_then(|y| y.parse::<i64>().ok()),
        rfc3339.get(5..7).and_then(|m| m.parse::<usize>().ok()),
        rfc3339.get(8..10).and_then(|d| d.parse::<u32>().ok()),
    );
    let (Some(year), Some(month @ 1..=12), Some(day)) = parts else {
        return rfc3339.to_owned();
    };
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const FR: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    match locale {
        Locale::En => format!("{} {day}, {year}", EN[month - 1]),
        Locale::Fr if day == 1 => format!("1er\u{a0}{} {year}", FR[month - 1]),
        Locale::Fr => format!("{day}\u{a0}{} {year}", FR[month - 1]),
    }
}

/// Now, in seconds since 1970 (the browser's clock).
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
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
    fn numbers_and_views_are_grouped_as_each_language_writes_them() {
        assert_eq!(number(Locale::En, 1234567), "1,234,567");
        assert_eq!(number(Locale::Fr, 1234567), "1\u{202f}234\u{202f}567");
        assert_eq!(number(Locale::Fr, -1234), "-1\u{202f}234");
        assert_eq!(views(Locale::En, 1), "1 view");
        assert_eq!(views(Locale::En, 0), "0 views");
        assert_eq!(views(Locale::En, 1234), "1,234 views");
        assert_eq!(views(Locale::Fr, 0), "0\u{a0}vue");
        assert_eq!(views(Locale::Fr, 1), "1\u{a0}vue");
        assert_eq!(views(Locale::Fr, 2000), "2\u{202f}000\u{a0}vues");
    }

    #[test]
    fn rfc3339_times_are_read_with_their_offsets() {
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_time("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(
            parse_time("2026-11-25T10:00:00.123456Z"),
            Some(1_795_600_800)
        );
        assert_eq!(parse_time("2026-11-25T11:30:00+01:30"), Some(1_795_600_800));
        assert_eq!(parse_time("2026-11-25T08:00:00-02:00"), Some(1_795_600_800));
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(rfc3339(1_795_600_800), "2026-11-25T10:00:00Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400 - 1), "2000-02-28T23:59:59Z");
        for secs in [-86_401, 0, 951_868_800, 1_709_164_800, 4_102_444_799] {
            assert_eq!(parse_time(&rfc3339(secs)), Some(secs), "{secs}");
        }
        assert_eq!(parse_time("2026-13-25T10:00:00Z"), None);
    }

    #[test]
    fn relative_times_use_the_largest_whole_unit_in_each_language() {
        let now = 1_795_600_800;
        assert_eq!(relative_time(Locale::En, now - 30, now), "just now");
        assert_eq!(relative_time(Locale::Fr, now - 30, now), "à l’instant");
        assert_eq!(relative_time(Locale::En, now - 60, now), "1 minute ago");
        assert_eq!(
            relative_time(Locale::En, now - 3 * 3600, now),
            "3 hours ago"
        );
        assert_eq!(
            relative_time(Locale::Fr, now - 3 * 86_400, now),
            "il y a 3\u{a0}jours"
        );
        assert_eq!(
            relative_time(Locale::En, now - 8 * 86_400, now),
            "1 week ago"
        );
        assert_eq!(
            relative_time(Locale::Fr, now - 400 * 86_400, now),
            "il y a 1\u{a0}an"
        );
        assert_eq!(relative_time(Locale::En, now + 7200, now), "in 2 hours");
        assert_eq!(
            relative_time(Locale::Fr, now + 7200, now),
            "dans 2\u{a0}heures"
        );
    }

    #[test]
    fn long_dates_name_the_month_in_each_language() {
        assert_eq!(
            long_date(Locale::En, "2026-11-25T10:00:00Z"),
            "Nov 25, 2026"
        );
        assert_eq!(
            long_date(Locale::Fr, "2026-11-25T10:00:00Z"),
            "25\u{a0}nov. 2026"
        );
        assert_eq!(
            long_date(Locale::Fr, "2026-02-01T10:00:00Z"),
            "1er\u{a0}févr. 2026"
        );
        assert_eq!(long_date(Locale::En, "garbage"), "garbage");
    }

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
        assert_eq!(number(Locale::En, 1234567), "1,234,567");
        assert_eq!(number(Locale::Fr, 1234567), "1\u{202f}234\u{202f}567");
        assert_eq!(number(Locale::Fr, 999), "999");
        assert_eq!(number(Locale::En, -1000), "-1,000");
        assert_eq!(
            long_date(Locale::En, "2026-11-25T10:00:00Z"),
            "Nov 25, 2026"
        );
        assert_eq!(
            long_date(Locale::Fr, "2026-11-25T10:00:00Z"),
            "25\u{a0}nov. 2026"
        );
        assert_eq!(
            long_date(Locale::Fr, "2026-08-01T00:00:00Z"),
            "1er\u{a0}août 2026"
        );
        assert_eq!(long_date(Locale::En, "garbage"), "garbage");
    }

    #[test]
    fn sizes_use_the_locales_decimal_mark() {
        use crate::i18n::Locale;
        assert_eq!(megabytes(Locale::En, 5_242_880.0), "5.2 MB");
        assert_eq!(megabytes(Locale::Fr, 5_242_880.0), "5,2 Mo");
        assert_eq!(decimal(Locale::Fr, 0.25, 2), "0,25");
    }
}
