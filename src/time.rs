//! Points in time, in UTC, to the second.
//!
//! kyso never reads the clock behind the caller's back: validation functions take a
//! [`Time`]. Only [`Time::now`] reads the system clock, and says so in its name.

/// A calendar date or time out of range, or a text that is not one (RFC 5280 section
/// 4.1.2.5 times: years 1 to 9999 here). Turns into
/// [`EncodingError::InvalidTime`](crate::error::EncodingError::InvalidTime) with `?`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidTime;

impl core::fmt::Display for InvalidTime {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("invalid date or time")
    }
}

impl std::error::Error for InvalidTime {}

/// A point in time: seconds since 1970-01-01T00:00:00Z (negative before).
///
/// Certificate times (UTCTime and GeneralizedTime) have a resolution of one second, so this
/// does too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(i64);

/// Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar, used by the
/// civil-date conversions below.
const DAYS_0000_03_01_TO_EPOCH: i64 = 719_468;
const SECONDS_PER_DAY: i64 = 86_400;
/// Days in a 400-year Gregorian cycle.
const DAYS_PER_ERA: i64 = 146_097;

impl Time {
    /// The time `seconds` seconds after 1970-01-01T00:00:00Z.
    pub const fn from_unix(seconds: i64) -> Self {
        Time(seconds)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// The current system time. The only function in kyso that reads the clock.
    ///
    /// A clock set before 1970 reads as 1970-01-01T00:00:00Z.
    pub fn now() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Time(i64::try_from(secs).unwrap_or(i64::MAX))
    }

    /// A UTC calendar time. Years 1 to 9999 are accepted.
    ///
    /// # Errors
    ///
    /// [`InvalidTime`] if a field is out of range: the year outside 1 to 9999, the
    /// month outside 1 to 12, a day the month does not have, the hour above 23, or the minute
    /// or second above 59 (no leap second).
    ///
    /// ```
    /// let t = kyso::Time::from_utc(2026, 6, 1, 0, 0, 0)?;
    /// assert_eq!(t.unix(), 1_780_272_000);
    /// assert_eq!(t.to_string(), "2026-06-01T00:00:00Z");
    /// # Ok::<(), kyso::Error>(())
    /// ```
    pub fn from_utc(
        year: u32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Result<Self, InvalidTime> {
        if !(1..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return Err(InvalidTime);
        }
        let days = days_from_civil(i64::from(year), i64::from(month), i64::from(day));
        let secs = days * SECONDS_PER_DAY
            + i64::from(hour) * 3600
            + i64::from(minute) * 60
            + i64::from(second);
        Ok(Time(secs))
    }

    /// Parses an RFC 3339 UTC time of the form `YYYY-MM-DDTHH:MM:SSZ`.
    ///
    /// # Errors
    ///
    /// [`InvalidTime`] if the text is not of that form (20 characters, `T` and `Z` in
    /// either case, no fraction of a second, no offset other than `Z`), or if a field is out
    /// of range as [`Time::from_utc`] checks.
    ///
    /// ```
    /// let t = kyso::Time::parse_rfc3339("2026-06-01T00:00:00Z")?;
    /// assert_eq!(t, kyso::Time::from_utc(2026, 6, 1, 0, 0, 0)?);
    /// # Ok::<(), kyso::Error>(())
    /// ```
    pub fn parse_rfc3339(text: &str) -> Result<Self, InvalidTime> {
        let b = text.as_bytes();
        if b.len() != 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !(b[10] == b'T' || b[10] == b't')
            || b[13] != b':'
            || b[16] != b':'
            || !(b[19] == b'Z' || b[19] == b'z')
        {
            return Err(InvalidTime);
        }
        let num = |range: core::ops::Range<usize>| -> Result<u32, InvalidTime> {
            let part = text.get(range).ok_or(InvalidTime)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(InvalidTime);
            }
            part.parse().map_err(|_| InvalidTime)
        };
        Time::from_utc(
            num(0..4)?,
            num(5..7)?,
            num(8..10)?,
            num(11..13)?,
            num(14..16)?,
            num(17..19)?,
        )
    }

    /// (year, month, day, hour, minute, second) in UTC.
    fn to_civil(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(SECONDS_PER_DAY);
        let rem = self.0.rem_euclid(SECONDS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        let hour = rem / 3600;
        let minute = (rem % 3600) / 60;
        let second = rem % 60;
        (
            y,
            m,
            d,
            u32::try_from(hour).unwrap_or(0),
            u32::try_from(minute).unwrap_or(0),
            u32::try_from(second).unwrap_or(0),
        )
    }
}

impl core::fmt::Display for Time {
    /// RFC 3339, UTC: `2026-06-01T00:00:00Z`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let (y, mo, d, h, mi, s) = self.to_civil();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date. Eras of 400 years start on March 1st
/// so that the leap day is the last day of a cycle year.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12; // March = 0
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * DAYS_PER_ERA + day_of_era - DAYS_0000_03_01_TO_EPOCH
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + DAYS_0000_03_01_TO_EPOCH;
    let era = z.div_euclid(DAYS_PER_ERA);
    let day_of_era = z - era * DAYS_PER_ERA;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// Serialised as its RFC 3339 text, `2026-06-01T00:00:00Z`.
impl serde::Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(Time::from_utc(1970, 1, 1, 0, 0, 0).unwrap().unix(), 0);
        assert_eq!(
            Time::from_utc(2000, 2, 29, 12, 0, 0).unwrap().unix(),
            951_825_600
        );
        assert_eq!(
            Time::from_utc(2045, 1, 1, 0, 0, 0).unwrap().unix(),
            2_366_841_600
        );
        assert_eq!(
            Time::from_utc(1950, 1, 1, 0, 0, 0).unwrap().unix(),
            -631_152_000
        );
    }

    #[test]
    fn round_trip_display() {
        for secs in [
            0_i64,
            951_825_600,
            -631_152_000,
            253_402_300_799,
            1_780_272_000,
        ] {
            let t = Time::from_unix(secs);
            assert_eq!(Time::parse_rfc3339(&t.to_string()).unwrap(), t);
        }
    }

    #[test]
    fn rejects_bad_dates() {
        assert_eq!(Time::from_utc(2025, 2, 29, 0, 0, 0), Err(InvalidTime));
        assert_eq!(Time::from_utc(2025, 13, 1, 0, 0, 0), Err(InvalidTime));
        assert_eq!(Time::from_utc(2025, 1, 1, 24, 0, 0), Err(InvalidTime));
        assert!(Time::parse_rfc3339("2025-01-01 00:00:00Z").is_err());
        assert!(Time::parse_rfc3339("2025-01-01T00:00:00+07:00").is_err());
        assert!(Time::parse_rfc3339("+025-01-01T00:00:00Z").is_err());
    }
}
