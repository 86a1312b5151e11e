//! The clock check: the server's `Date` from the answer to the diagnosis's probe, sent
//! through the client's own transport (its proxy, resolver, connectors and TLS roots),
//! compared with this machine's clock. Parses the HTTP date.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::transport::ProbeAnswer;

use super::report::{ClockReport, Report, Verdict};
use super::{CLOCK_FAIL, CLOCK_WARN};

/// Reads the server's `Date` from the probe's answer (over the client's own connection,
/// or for `verified` false one like it that verifies no certificate; any answer carries
/// the date and nothing secret was sent) and compares it with this machine's clock at the
/// middle of the exchange.
pub(super) fn clock(
    report: &mut Report,
    answer: &Result<ProbeAnswer, ureq::Error>,
    verified: bool,
) -> Option<i64> {
    let (date, sent, received) = match answer {
        Ok(ProbeAnswer {
            date: Some(date),
            sent_at,
            answered_at,
            ..
        }) => (date.clone(), *sent_at, *answered_at),
        Ok(_) => {
            report.add(
                "clock",
                Verdict::Warn,
                "the server's answer has no Date header to compare with".to_string(),
                Some("make sure this machine's clock is set automatically (NTP)"),
            );
            return None;
        }
        Err(e) if !verified => {
            report.add(
                "clock",
                Verdict::Skipped,
                format!("not read: no TLS connection at all ({e})"),
                None,
            );
            return None;
        }
        Err(e) => {
            report.add(
                "clock",
                Verdict::Warn,
                format!("could not read the server's time: {e}"),
                Some("make sure this machine's clock is set automatically (NTP)"),
            );
            return None;
        }
    };
    let Some(server) = parse_http_date(&date) else {
        report.add(
            "clock",
            Verdict::Warn,
            format!("the server's Date header cannot be read: {date}"),
            Some("make sure this machine's clock is set automatically (NTP)"),
        );
        return None;
    };
    let unix = |t: SystemTime| match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    };
    let local = (unix(sent) + unix(received)) / 2.0;
    let skew = (local - server as f64).round() as i64;
    let ahead = if skew >= 0 { "ahead of" } else { "behind" };
    // The Date header has whole seconds: a second either way is agreement.
    let agreement = if skew.unsigned_abs() <= 1 {
        "this machine's clock agrees with the server's (within 1 s; ".to_string()
    } else {
        format!(
            "this machine's clock is {} {ahead} the server's (",
            describe_seconds(skew.unsigned_abs())
        )
    };
    let summary = format!(
        "{agreement}server Date: {date}){}",
        if verified {
            ""
        } else {
            "; read over the unverified connection, sending nothing secret"
        }
    );
    let (verdict, fix) = match skew.unsigned_abs() {
        s if s <= CLOCK_WARN => (Verdict::Ok, None),
        s if s <= CLOCK_FAIL => (
            Verdict::Warn,
            Some("set the clock automatically (NTP): a drifting clock ends in TLS failures"),
        ),
        _ => (
            Verdict::Fail,
            Some("set this machine's date, time and time zone (automatically, with NTP): certificates are checked against it"),
        ),
    };
    report.add("clock", verdict, summary, fix);
    report.clock = Some(ClockReport {
        server_date: date,
        skew_seconds: skew,
        verified_connection: verified,
    });
    Some(skew)
}

fn describe_seconds(s: u64) -> String {
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} hours", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

/// Parses an HTTP date in its preferred form, `Sun, 06 Nov 1994 08:49:37 GMT`, into
/// seconds since 1970.
fn parse_http_date(date: &str) -> Option<i64> {
    let mut parts = date.split_whitespace();
    let _weekday = parts.next()?;
    let day: i64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_parse() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date("Tue, 29 Feb 2028 23:59:59 GMT"),
            Some(1_835_481_599)
        );
        for bad in [
            "",
            "yesterday",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(describe_seconds(3), "3 s");
        assert_eq!(describe_seconds(600), "10 min");
        assert_eq!(describe_seconds(3 * 86_400), "3 days");
    }
}
