//! RFC 3339 timestamps, parsed without reading the clock.
//!
//! A snapshot records when it was taken (`taken_at`) and AWS reports dates
//! such as a credential's last use. The checks compare them (for example "used
//! within 90 days") against the snapshot's own time, never against "now", so
//! an audit of a saved snapshot gives the same answer every day.
//!
//! Accepted: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, with `t`/`z` or a
//! space in place of `T`, as RFC 3339 section 5.6 allows. A leap second
//! (`:60`) is read as the last second of its minute.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time: seconds since the Unix epoch (UTC) plus the original text.
///
/// Equality and ordering use the instant only; the text is kept so that a
/// snapshot written back is byte-for-byte what was read.
#[derive(Debug, Clone)]
pub struct Timestamp {
    unix: i64,
    text: String,
}

/// Why a timestamp was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError(String);

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// Parse an RFC 3339 date-time such as `2024-05-01T12:00:00Z`.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let unix = parse_rfc3339(text).ok_or_else(|| {
            TimestampError(format!(
                "`{}` is not an RFC 3339 date-time (expected e.g. `2024-05-01T12:00:00Z`)",
                text.chars().take(64).collect::<String>()
            ))
        })?;
        Ok(Self {
            unix,
            text: text.to_owned(),
        })
    }

    /// A timestamp from Unix seconds, printed as `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn from_unix(unix: i64) -> Self {
        Self {
            unix,
            text: format_utc(unix),
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix(&self) -> i64 {
        self.unix
    }

    /// The text as it was given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whole days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(&self, later: &Timestamp) -> i64 {
        later.unix.saturating_sub(self.unix).div_euclid(86_400)
    }

    /// Seconds from `self` to `later` (negative when `later` is earlier).
    pub fn seconds_until(&self, later: &Timestamp) -> i64 {
        later.unix.saturating_sub(self.unix)
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.unix == other.unix
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.unix.cmp(&other.unix)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "An RFC 3339 date-time, e.g. `2024-05-01T12:00:00Z` or `2024-05-01T12:00:00+00:00`."
        })
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Howard Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count from 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn format_utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Fixed-width decimal digits at `b[at..at + n]`.
fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let s = b.get(at..at.checked_add(n)?)?;
    s.iter().try_fold(0i64, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() > 64 {
        return None;
    }
    let y = digits(b, 0, 4)?;
    let m = digits(b, 5, 2)?;
    let d = digits(b, 8, 2)?;
    let hh = digits(b, 11, 2)?;
    let mm = digits(b, 14, 2)?;
    let ss = digits(b, 17, 2)?;
    let sep_ok = b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && matches!(b.get(10), Some(b'T' | b't' | b' '))
        && b.get(13) == Some(&b':')
        && b.get(16) == Some(&b':');
    if !sep_ok
        || !(1..=12).contains(&m)
        || d < 1
        || d > days_in_month(y, m)
        || hh > 23
        || mm > 59
        || ss > 60
    {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' => {
            i += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            let oh = digits(b, i + 1, 2)?;
            let om = digits(b, i + 4, 2)?;
            if b.get(i + 3) != Some(&b':') || oh > 23 || om > 59 {
                return None;
            }
            i += 6;
            let o = oh * 3600 + om * 60;
            if *sign == b'-' { -o } else { o }
        }
        _ => return None,
    };
    if i != b.len() {
        return None;
    }
    let ss = ss.min(59);
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_utc_and_offsets() {
        assert_eq!(Timestamp::parse("1970-01-01T00:00:00Z").unwrap().unix(), 0);
        assert_eq!(
            Timestamp::parse("2024-05-01T12:00:00Z").unwrap().unix(),
            1_714_564_800
        );
        assert_eq!(
            Timestamp::parse("2024-05-01T14:00:00+02:00").unwrap(),
            Timestamp::parse("2024-05-01T12:00:00Z").unwrap()
        );
        assert_eq!(
            Timestamp::parse("2024-05-01T07:30:00.123-04:30")
                .unwrap()
                .unix(),
            1_714_564_800
        );
        assert_eq!(Timestamp::parse("1969-12-31T23:59:59z").unwrap().unix(), -1);
        assert!(Timestamp::parse("2024-02-29 00:00:00+00:00").is_ok());
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "2024-05-01",
            "2024-05-01T12:00:00",
            "2024-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:00:00.Z",
            "2024-05-01T12:00:00+0200",
            "2024-05-01T12:00:00Zjunk",
            "N/A",
            "no_information",
            "２０２４-05-01T12:00:00Z",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn days_and_formatting() {
        let a = Timestamp::parse("2024-01-01T00:00:00Z").unwrap();
        let b = Timestamp::parse("2024-03-31T23:59:59Z").unwrap();
        assert_eq!(a.days_until(&b), 90);
        assert_eq!(b.days_until(&a), -91);
        assert_eq!(
            Timestamp::from_unix(1_714_564_800).as_str(),
            "2024-05-01T12:00:00Z"
        );
        assert_eq!(Timestamp::from_unix(-1).as_str(), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn serde_keeps_text() {
        let t: Timestamp = serde_json::from_str("\"2024-05-01T12:00:00+00:00\"").unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2024-05-01T12:00:00+00:00\""
        );
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
    }

    proptest::proptest! {
        #[test]
        fn format_parse_round_trip(secs in -62_135_596_800i64..253_402_300_799) {
            let t = Timestamp::from_unix(secs);
            proptest::prop_assert_eq!(Timestamp::parse(t.as_str()).unwrap().unix(), secs);
        }
    }
}
