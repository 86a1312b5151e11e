//! Exact amounts of money: ISO 4217 currencies with their minor-unit digits, and the
//! conversion of an amount to the JSON number the Terminal API takes.
//!
//! Every amount becomes an integer count of minor units first (cents for USD, yen for
//! JPY, fils for BHD); the JSON number is then written from that integer, so no floating
//! point formatting ever decides what the customer is charged.

use std::fmt;

use crate::error::Error;

/// The largest amount in minor units: 15 decimal digits, the most that every JSON reader
/// (and an `f64`) holds exactly.
pub const MAX_MINOR_UNITS: i64 = 999_999_999_999_999;

/// Currencies whose minor unit is not 2 digits (ISO 4217). A well-formed code not listed
/// here has 2.
const MINOR_UNIT_EXCEPTIONS: &[(&str, u32)] = &[
    ("BIF", 0),
    ("CLP", 0),
    ("DJF", 0),
    ("GNF", 0),
    ("ISK", 0),
    ("JPY", 0),
    ("KMF", 0),
    ("KRW", 0),
    ("PYG", 0),
    ("RWF", 0),
    ("UGX", 0),
    ("UYI", 0),
    ("VND", 0),
    ("VUV", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("XPF", 0),
    ("BHD", 3),
    ("IQD", 3),
    ("JOD", 3),
    ("KWD", 3),
    ("LYD", 3),
    ("OMR", 3),
    ("TND", 3),
    ("CLF", 4),
    ("UYW", 4),
];

/// An ISO 4217 alphabetic currency code, upper-case.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses a code of exactly 3 ASCII letters, in any case.
    pub fn parse(code: &str) -> Result<Currency, Error> {
        let bytes = code.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(Error::invalid_argument(
                "currency must be a 3-letter ISO 4217 code such as \"USD\"",
            ));
        }
        Ok(Currency([
            bytes[0].to_ascii_uppercase(),
            bytes[1].to_ascii_uppercase(),
            bytes[2].to_ascii_uppercase(),
        ]))
    }

    /// The code, upper-case.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// How many digits the minor unit has: 2 for USD, 0 for JPY, 3 for BHD.
    pub fn exponent(&self) -> u32 {
        MINOR_UNIT_EXCEPTIONS
            .iter()
            .find(|(code, _)| code.as_bytes() == self.0)
            .map_or(2, |&(_, exponent)| exponent)
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many minor-unit digits a currency has (2 for USD, 0 for JPY, 3 for BHD), or
/// `None` when the code is not 3 ASCII letters.
pub fn currency_exponent(code: &str) -> Option<u32> {
    Currency::parse(code).ok().map(|c| c.exponent())
}

/// A positive amount of money, held exactly in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    /// An amount in minor units: 1250 USD is 12.50 USD, 1000 JPY is 1000 JPY, 1234 BHD is
    /// 1.234 BHD. No floating point is involved.
    pub fn from_minor(amount_minor: i64, currency: &str) -> Result<Money, Error> {
        let currency = Currency::parse(currency)?;
        if amount_minor <= 0 {
            return Err(Error::invalid_argument("amount must be greater than zero"));
        }
        if amount_minor > MAX_MINOR_UNITS {
            return Err(Error::invalid_argument(format!(
                "amount is too large: at most {MAX_MINOR_UNITS} minor units"
            )));
        }
        Ok(Money {
            minor: amount_minor,
            currency,
        })
    }

    /// An amount in major units (12.5 is 12.50 in USD). Float noise such as
    /// `0.1 + 0.2` is taken as the amount it stands for (0.30); an amount with more
    /// digits than the currency has (`10.005` USD) is refused rather than rounded.
    pub fn from_major(amount: f64, currency: &str) -> Result<Money, Error> {
        let currency = Currency::parse(currency)?;
        if !amount.is_finite() {
            return Err(Error::invalid_argument("amount must be a finite number"));
        }
        if amount <= 0.0 {
            return Err(Error::invalid_argument("amount must be greater than zero"));
        }
        let exponent = currency.exponent();
        let scaled = amount * 10f64.powi(exponent as i32);
        let rounded = scaled.round();
        if rounded > MAX_MINOR_UNITS as f64 {
            return Err(Error::invalid_argument(format!(
                "amount is too large: at most {MAX_MINOR_UNITS} minor units"
            )));
        }
        // A binary double is off its decimal by a few units in the last place; anything
        // further off has real digits beyond the currency's minor unit.
        let tolerance = rounded.abs().max(1.0) * 1e-9;
        if (scaled - rounded).abs() > tolerance {
            return Err(Error::invalid_argument(format!(
                "amount has more decimal places than {} allows ({exponent})",
                currency
            )));
        }
        if rounded < 1.0 {
            return Err(Error::invalid_argument(format!(
                "amount is smaller than the smallest unit of {currency}"
            )));
        }
        Ok(Money {
            minor: rounded as i64,
            currency,
        })
    }

    /// The amount in minor units.
    pub fn minor_units(&self) -> i64 {
        self.minor
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount as the shortest decimal in major units, as the Terminal API's JSON
    /// `amount` takes it: `12.5`, `1000`, `1.234`. Never an exponent, never a trailing zero.
    pub fn major_decimal(&self) -> String {
        let mut out = Vec::with_capacity(24);
        self.write_major_decimal(&mut out);
        // Only ASCII digits and '.' were written.
        String::from_utf8(out).unwrap_or_default()
    }

    /// Appends [`major_decimal`](Self::major_decimal) to `out` without formatting
    /// machinery or allocation: this runs on every create.
    pub(crate) fn write_major_decimal(&self, out: &mut Vec<u8>) {
        let mut width = self.currency.exponent();
        let scale = 10u64.pow(width);
        // A Money is always positive.
        let minor = self.minor.unsigned_abs();
        push_digits(out, minor / scale, 1);
        let mut fraction = minor % scale;
        if fraction != 0 {
            while fraction % 10 == 0 {
                fraction /= 10;
                width -= 1;
            }
            out.push(b'.');
            push_digits(out, fraction, width);
        }
    }
}

/// Appends `value` in decimal, zero-padded to at least `min_width` digits.
fn push_digits(out: &mut Vec<u8>, mut value: u64, min_width: u32) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    let start = start.min(digits.len().saturating_sub(min_width as usize));
    out.extend_from_slice(&digits[start..]);
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.major_decimal(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_follow_iso_4217() {
        assert_eq!(currency_exponent("USD"), Some(2));
        assert_eq!(currency_exponent("nzd"), Some(2));
        assert_eq!(currency_exponent("JPY"), Some(0));
        assert_eq!(currency_exponent("krw"), Some(0));
        assert_eq!(currency_exponent("BHD"), Some(3));
        assert_eq!(currency_exponent("KWD"), Some(3));
        assert_eq!(currency_exponent("CLF"), Some(4));
        assert_eq!(currency_exponent("QQQ"), Some(2), "unknown but well-formed");
        for bad in ["", "US", "USDD", "U5D", "ÜSD", "US ", "\0US"] {
            assert_eq!(currency_exponent(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn currency_is_sent_upper_case() {
        assert_eq!(Currency::parse("eur").unwrap().as_str(), "EUR");
    }

    #[test]
    fn minor_units_write_exact_decimals() {
        let m = |minor, cur| Money::from_minor(minor, cur).unwrap().major_decimal();
        assert_eq!(m(1250, "USD"), "12.5");
        assert_eq!(m(1205, "USD"), "12.05");
        assert_eq!(m(1200, "USD"), "12");
        assert_eq!(m(10, "USD"), "0.1");
        assert_eq!(m(100, "USD"), "1");
        assert_eq!(m(123_456_789, "EUR"), "1234567.89");
        assert_eq!(m(7, "JPY"), "7");
        assert_eq!(m(1200, "BHD"), "1.2");
        assert_eq!(m(5, "BHD"), "0.005");
        assert_eq!(m(1, "USD"), "0.01");
        assert_eq!(m(1000, "JPY"), "1000");
        assert_eq!(m(1234, "BHD"), "1.234");
        assert_eq!(m(1001, "BHD"), "1.001");
        assert_eq!(m(1, "CLF"), "0.0001");
        assert_eq!(m(MAX_MINOR_UNITS, "USD"), "9999999999999.99");
    }

    #[test]
    fn minor_units_refuse_non_positive_and_huge() {
        for bad in [0, -1, i64::MIN, MAX_MINOR_UNITS + 1, i64::MAX] {
            let e = Money::from_minor(bad, "USD").unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument, "{bad}");
        }
    }

    #[test]
    fn float_noise_is_absorbed() {
        let m = |amount, cur| Money::from_major(amount, cur).unwrap().major_decimal();
        assert_eq!(m(0.1 + 0.2, "USD"), "0.3");
        assert_eq!(m(12.5, "NZD"), "12.5");
        assert_eq!(m(19.99, "USD"), "19.99");
        assert_eq!(m(1.15, "USD"), "1.15");
        assert_eq!(m(1000.0, "JPY"), "1000");
        assert_eq!(m(1.234, "BHD"), "1.234");
        assert_eq!(m(0.01, "USD"), "0.01");
        assert_eq!(m(123456789.12, "USD"), "123456789.12");
        let sum: f64 = (0..10).map(|_| 0.1).sum();
        assert_eq!(m(sum, "USD"), "1");
    }

    #[test]
    fn real_extra_digits_are_refused() {
        for (amount, cur) in [
            (10.005, "USD"),
            (0.001, "USD"),
            (12.5, "JPY"),
            (1.2345, "BHD"),
        ] {
            let e = Money::from_major(amount, cur).unwrap_err();
            assert_eq!(
                e.kind(),
                crate::ErrorKind::InvalidArgument,
                "{amount} {cur}"
            );
        }
    }

    #[test]
    fn non_finite_zero_negative_and_tiny_are_refused() {
        for amount in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            -1.0,
            f64::MIN_POSITIVE,
            5e-324,
            1e300,
            1e16,
        ] {
            assert!(Money::from_major(amount, "USD").is_err(), "{amount}");
        }
    }

    #[test]
    fn every_cent_round_trips_through_a_double() {
        for minor in (1..200_000).step_by(7) {
            let amount = minor as f64 / 100.0;
            let money = Money::from_major(amount, "USD").unwrap();
            assert_eq!(money.minor_units(), minor);
            assert_eq!(money.major_decimal().parse::<f64>().unwrap(), amount);
        }
    }
}
