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
    pub(crate) fn to_civil(self) -> (i64, u32, u32, u32, u32, u32) {
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
        let Ok(year @ 0..=9999) = u32::try_from(y) else {
            return write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
        };
        // Reports print times on every validation: the 20 octets are written directly
        // rather than through six integer formats.
        let mut out = [0u8; 20];
        let mut at = 0;
        let mut put = |b: u8| {
            if let Some(slot) = out.get_mut(at) {
                *slot = b;
            }
            at += 1;
        };
        for (separator, value, scale) in [
            (None, year, 1000),
            (Some(b'-'), mo, 10),
            (Some(b'-'), d, 10),
            (Some(b'T'), h, 10),
            (Some(b':'), mi, 10),
            (Some(b':'), s, 10),
        ] {
            if let Some(c) = separator {
                put(c);
            }
            let mut scale: u32 = scale;
            while scale > 0 {
                put(b'0' + u8::try_from(value / scale % 10).unwrap_or(0));
                scale /= 10;
            }
        }
        put(b'Z');
        f.pad(core::str::from_utf8(&out).map_err(|_| core::fmt::Error)?)
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

/// A GeneralizedTime as a timestamp or an OCSP response gives it: to the second, or to the
/// fraction of a second the producer wrote (RFC 3161 section 2.4.2 and RFC 6960 allow
/// fractional seconds; `openssl ts` writes them with `clock_precision_digits`), kept to
/// that precision, down to nanoseconds.
///
/// Read from its DER form only (X.690 section 11.7): `YYYYMMDDHHMMSS`, then optionally a
/// full stop and one to nine digits, the last not zero, then `Z`.
///
/// ```
/// let t = kyso::tsp::PreciseTime::parse_generalized(b"20260531120000.25Z")?;
/// assert_eq!(t.to_string(), "2026-05-31T12:00:00.25Z");
/// assert_eq!(t.nanos(), 250_000_000);
/// assert_eq!(t.seconds(), kyso::Time::from_utc(2026, 5, 31, 12, 0, 0)?);
/// assert_eq!(t.rounded_up(), kyso::Time::from_utc(2026, 5, 31, 12, 0, 1)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PreciseTime {
    seconds: Time,
    nanos: u32,
    digits: u8,
}

/// The longest DER GeneralizedTime read: 14 digits, a full stop, nine digits and `Z`.
const MAX_GENERALIZED_TIME_LEN: usize = 25;

impl PreciseTime {
    /// A time to the second, with no fraction.
    pub const fn from_time(time: Time) -> Self {
        PreciseTime {
            seconds: time,
            nanos: 0,
            digits: 0,
        }
    }

    /// The whole seconds (the fraction cut off).
    pub fn seconds(self) -> Time {
        self.seconds
    }

    /// The fraction of the second, in nanoseconds.
    pub fn nanos(self) -> u32 {
        self.nanos
    }

    /// How many digits of fraction the producer wrote (0 to 9).
    pub fn fraction_digits(self) -> u8 {
        self.digits
    }

    /// The next whole second when there is a fraction, else the time itself: what a proof
    /// of existence at this time proves to the second (the data existed by then too).
    pub fn rounded_up(self) -> Time {
        if self.nanos > 0 {
            Time::from_unix(self.seconds.unix().saturating_add(1))
        } else {
            self.seconds
        }
    }

    /// Reads the DER text of a GeneralizedTime (X.690 section 11.7).
    ///
    /// # Errors
    ///
    /// [`InvalidTime`] for any other form: a missing `Z`, an offset, a comma, an empty
    /// fraction, a fraction ending in zero or longer than nine digits, or a field out of
    /// range as [`Time::from_utc`] checks.
    pub fn parse_generalized(text: &[u8]) -> Result<Self, InvalidTime> {
        if text.len() < 15 || text.len() > MAX_GENERALIZED_TIME_LEN || text.last() != Some(&b'Z') {
            return Err(InvalidTime);
        }
        let digits = |range: core::ops::Range<usize>| -> Result<u32, InvalidTime> {
            let part = text.get(range).ok_or(InvalidTime)?;
            part.iter().try_fold(0u32, |acc, c| {
                if c.is_ascii_digit() {
                    Ok(acc * 10 + u32::from(c - b'0'))
                } else {
                    Err(InvalidTime)
                }
            })
        };
        let seconds = Time::from_utc(
            digits(0..4)?,
            digits(4..6)?,
            digits(6..8)?,
            digits(8..10)?,
            digits(10..12)?,
            digits(12..14)?,
        )?;
        let fraction = text.get(14..text.len() - 1).ok_or(InvalidTime)?;
        if fraction.is_empty() {
            return Ok(PreciseTime::from_time(seconds));
        }
        let Some((b'.', figures)) = fraction.split_first() else {
            return Err(InvalidTime);
        };
        if figures.is_empty()
            || figures.len() > 9
            || figures.last() == Some(&b'0')
            || !figures.iter().all(u8::is_ascii_digit)
        {
            return Err(InvalidTime);
        }
        let mut nanos = 0u32;
        for i in 0..9 {
            let d = figures.get(i).map_or(0, |c| u32::from(c - b'0'));
            nanos = nanos * 10 + d;
        }
        Ok(PreciseTime {
            seconds,
            nanos,
            digits: u8::try_from(figures.len()).map_err(|_| InvalidTime)?,
        })
    }

    /// The DER text (X.690 section 11.7).
    fn generalized(self) -> String {
        let (y, mo, d, h, mi, s) = self.seconds.to_civil();
        let mut out = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}");
        out.push_str(&self.fraction());
        out.push('Z');
        out
    }

    /// `.25` for 250 ms written with two digits; empty without a fraction.
    fn fraction(self) -> String {
        if self.digits == 0 {
            return String::new();
        }
        let all = format!("{:09}", self.nanos);
        let figures = all.get(..usize::from(self.digits)).unwrap_or(&all);
        format!(".{figures}")
    }
}

impl core::fmt::Display for PreciseTime {
    /// RFC 3339, UTC, with the fraction as written: `2026-05-31T12:00:00.25Z`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let (y, mo, d, h, mi, s) = self.seconds.to_civil();
        write!(
            f,
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}Z",
            self.fraction()
        )
    }
}

/// Serialised as its RFC 3339 text, with the fraction as written.
impl serde::Serialize for PreciseTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl der::FixedTag for PreciseTime {
    const TAG: der::Tag = der::Tag::GeneralizedTime;
}

impl<'a> der::DecodeValue<'a> for PreciseTime {
    type Error = der::Error;

    fn decode_value<R: der::Reader<'a>>(reader: &mut R, header: der::Header) -> der::Result<Self> {
        let len = usize::try_from(header.length())?;
        if len > MAX_GENERALIZED_TIME_LEN {
            return Err(der::ErrorKind::DateTime.into());
        }
        let mut buf = [0u8; MAX_GENERALIZED_TIME_LEN];
        let text = reader.read_into(buf.get_mut(..len).ok_or(der::ErrorKind::DateTime)?)?;
        PreciseTime::parse_generalized(text).map_err(|_| der::ErrorKind::DateTime.into())
    }
}

impl der::EncodeValue for PreciseTime {
    fn value_len(&self) -> der::Result<der::Length> {
        der::Length::try_from(self.generalized().len())
    }

    fn encode_value(&self, writer: &mut impl der::Writer) -> der::Result<()> {
        writer.write(self.generalized().as_bytes())
    }
}

/// Serialised as its RFC 3339 text, `2026-06-01T00:00:00Z`.
impl serde::Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn display_is_rfc_3339_utc_for_every_year() {
        for (t, text) in [
            (
                Time::from_utc(2026, 6, 1, 0, 0, 0).unwrap(),
                "2026-06-01T00:00:00Z",
            ),
            (
                Time::from_utc(1950, 12, 31, 23, 59, 59).unwrap(),
                "1950-12-31T23:59:59Z",
            ),
            (
                Time::from_utc(9999, 1, 2, 3, 4, 5).unwrap(),
                "9999-01-02T03:04:05Z",
            ),
            (
                Time::from_utc(5, 10, 9, 8, 7, 6).unwrap(),
                "0005-10-09T08:07:06Z",
            ),
        ] {
            assert_eq!(t.to_string(), text);
            assert_eq!(format!("{t:>22}"), format!("  {text}"));
        }
        let late = Time::from_unix(253_402_300_800); // 10000-01-01
        assert_eq!(late.to_string(), "10000-01-01T00:00:00Z");
        let early = Time::from_unix(-62_167_219_201); // one second before 0000-01-01
        assert_eq!(early.to_string(), "-001-12-31T23:59:59Z");
    }
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
    fn generalized_time_fractions() {
        use der::{Decode, Encode};
        let t = PreciseTime::parse_generalized(b"20260531120000.123456789Z").unwrap();
        assert_eq!(t.nanos(), 123_456_789);
        assert_eq!(t.fraction_digits(), 9);
        assert_eq!(t.to_string(), "2026-05-31T12:00:00.123456789Z");
        let whole = PreciseTime::parse_generalized(b"20260531120000Z").unwrap();
        assert_eq!(whole.rounded_up(), whole.seconds());
        assert_eq!(whole.to_string(), "2026-05-31T12:00:00Z");
        for bad in [
            &b"20260531120000.Z"[..],
            b"20260531120000.50Z",
            b"20260531120000.0Z",
            b"20260531120000,5Z",
            b"20260531120000.1234567891Z",
            b"20260531120000.5",
            b"202605311200Z",
            b"20260531120000+0700",
            b"20260531120060Z",
            b"2026053112000a.5Z",
        ] {
            assert_eq!(
                PreciseTime::parse_generalized(bad),
                Err(InvalidTime),
                "{bad:?}"
            );
        }
        // DER round trip, with the precision kept.
        let der_bytes = b"\x18\x1220260531120000.25Z";
        let t = PreciseTime::from_der(der_bytes).unwrap();
        assert_eq!(t.to_der().unwrap(), der_bytes);
        assert!(PreciseTime::from_der(b"\x18\x1320260531120000.250Z").is_err());
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
