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

/// Where [`ISO_4217`] comes from, and as of when: said in the one place that says it
/// (messages name it too).
pub const ISO_4217_SOURCE: &str = "ISO 4217 List One published 2026-01-01";

/// The active ISO 4217 currencies and their minor-unit digits, sorted by code: every
/// entry of ISO 4217 List One (the maintenance agency's `list_one.xml`, see
/// [`ISO_4217_SOURCE`]) that has a number of minor units. The entries without one
/// (precious metals, bond-market units, XDR, XSU, XUA, the testing code XTS and XXX,
/// "no currency") cannot price a card payment and are left out, as are withdrawn codes
/// (List Three). 165 codes. Update it from a newer List One and change the date above.
#[rustfmt::skip]
const ISO_4217: &[([u8; 3], u32)] = &[
    (*b"AED", 2), (*b"AFN", 2), (*b"ALL", 2), (*b"AMD", 2), (*b"AOA", 2), (*b"ARS", 2),
    (*b"AUD", 2), (*b"AWG", 2), (*b"AZN", 2), (*b"BAM", 2), (*b"BBD", 2), (*b"BDT", 2),
    (*b"BHD", 3), (*b"BIF", 0), (*b"BMD", 2), (*b"BND", 2), (*b"BOB", 2), (*b"BOV", 2),
    (*b"BRL", 2), (*b"BSD", 2), (*b"BTN", 2), (*b"BWP", 2), (*b"BYN", 2), (*b"BZD", 2),
    (*b"CAD", 2), (*b"CDF", 2), (*b"CHE", 2), (*b"CHF", 2), (*b"CHW", 2), (*b"CLF", 4),
    (*b"CLP", 0), (*b"CNY", 2), (*b"COP", 2), (*b"COU", 2), (*b"CRC", 2), (*b"CUP", 2),
    (*b"CVE", 2), (*b"CZK", 2), (*b"DJF", 0), (*b"DKK", 2), (*b"DOP", 2), (*b"DZD", 2),
    (*b"EGP", 2), (*b"ERN", 2), (*b"ETB", 2), (*b"EUR", 2), (*b"FJD", 2), (*b"FKP", 2),
    (*b"GBP", 2), (*b"GEL", 2), (*b"GHS", 2), (*b"GIP", 2), (*b"GMD", 2), (*b"GNF", 0),
    (*b"GTQ", 2), (*b"GYD", 2), (*b"HKD", 2), (*b"HNL", 2), (*b"HTG", 2), (*b"HUF", 2),
    (*b"IDR", 2), (*b"ILS", 2), (*b"INR", 2), (*b"IQD", 3), (*b"IRR", 2), (*b"ISK", 0),
    (*b"JMD", 2), (*b"JOD", 3), (*b"JPY", 0), (*b"KES", 2), (*b"KGS", 2), (*b"KHR", 2),
    (*b"KMF", 0), (*b"KPW", 2), (*b"KRW", 0), (*b"KWD", 3), (*b"KYD", 2), (*b"KZT", 2),
    (*b"LAK", 2), (*b"LBP", 2), (*b"LKR", 2), (*b"LRD", 2), (*b"LSL", 2), (*b"LYD", 3),
    (*b"MAD", 2), (*b"MDL", 2), (*b"MGA", 2), (*b"MKD", 2), (*b"MMK", 2), (*b"MNT", 2),
    (*b"MOP", 2), (*b"MRU", 2), (*b"MUR", 2), (*b"MVR", 2), (*b"MWK", 2), (*b"MXN", 2),
    (*b"MXV", 2), (*b"MYR", 2), (*b"MZN", 2), (*b"NAD", 2), (*b"NGN", 2), (*b"NIO", 2),
    (*b"NOK", 2), (*b"NPR", 2), (*b"NZD", 2), (*b"OMR", 3), (*b"PAB", 2), (*b"PEN", 2),
    (*b"PGK", 2), (*b"PHP", 2), (*b"PKR", 2), (*b"PLN", 2), (*b"PYG", 0), (*b"QAR", 2),
    (*b"RON", 2), (*b"RSD", 2), (*b"RUB", 2), (*b"RWF", 0), (*b"SAR", 2), (*b"SBD", 2),
    (*b"SCR", 2), (*b"SDG", 2), (*b"SEK", 2), (*b"SGD", 2), (*b"SHP", 2), (*b"SLE", 2),
    (*b"SOS", 2), (*b"SRD", 2), (*b"SSP", 2), (*b"STN", 2), (*b"SVC", 2), (*b"SYP", 2),
    (*b"SZL", 2), (*b"THB", 2), (*b"TJS", 2), (*b"TMT", 2), (*b"TND", 3), (*b"TOP", 2),
    (*b"TRY", 2), (*b"TTD", 2), (*b"TWD", 2), (*b"TZS", 2), (*b"UAH", 2), (*b"UGX", 0),
    (*b"USD", 2), (*b"USN", 2), (*b"UYI", 0), (*b"UYU", 2), (*b"UYW", 4), (*b"UZS", 2),
    (*b"VED", 2), (*b"VES", 2), (*b"VND", 0), (*b"VUV", 0), (*b"WST", 2), (*b"XAD", 2),
    (*b"XAF", 0), (*b"XCD", 2), (*b"XCG", 2), (*b"XOF", 0), (*b"XPF", 0), (*b"YER", 2),
    (*b"ZAR", 2), (*b"ZMW", 2), (*b"ZWG", 2),
];

/// An ISO 4217 alphabetic currency code, upper-case.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: [u8; 3],
    /// Its minor-unit digits from [`ISO_4217`], found once when the code was parsed.
    exponent: u8,
}

impl Currency {
    /// Parses an active ISO 4217 code (see [`ISO_4217_SOURCE`]), in any case: `"usd"` is
    /// USD. A code of another shape, or one that is not an active currency (`"XYZ"`, a
    /// withdrawn `"HRK"`, `"XXX"`), is refused.
    pub fn parse(code: &str) -> Result<Currency, Error> {
        let bytes = code.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(Error::invalid_argument(
                "currency must be a 3-letter ISO 4217 code such as \"USD\"",
            ));
        }
        let upper = [
            bytes[0].to_ascii_uppercase(),
            bytes[1].to_ascii_uppercase(),
            bytes[2].to_ascii_uppercase(),
        ];
        match ISO_4217.binary_search_by(|(c, _)| c.cmp(&upper)) {
            Ok(at) => Ok(Currency {
                code: upper,
                // At most 4: tested.
                exponent: ISO_4217[at].1 as u8,
            }),
            Err(_) => Err(Error::invalid_argument(format!(
                "currency \"{}\" is not an active ISO 4217 currency ({ISO_4217_SOURCE})",
                // Only ASCII letters: checked above.
                std::str::from_utf8(&upper).unwrap_or("?")
            ))),
        }
    }

    /// The code, upper-case.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// How many digits the minor unit has: 2 for USD, 0 for JPY, 3 for BHD.
    pub fn exponent(&self) -> u32 {
        u32::from(self.exponent)
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
/// `None` when the code is not an active ISO 4217 currency.
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
    /// digits than the currency has (`10.005` USD, `5000000.005` USD) is refused rather
    /// than rounded, at every magnitude.
    ///
    /// The decision is made on `D`, the shortest decimal that reads back as the same
    /// double (what `{}` prints, and what a JSON writer would send). With `u` the minor
    /// unit (0.01 for USD) and `m·u` the minor-unit amount nearest to `D`:
    ///
    /// - `D` has at most the currency's decimal places: it is exactly `m·u`;
    /// - otherwise `D` is float noise around `m·u` only when all three hold:
    ///   1. `D` has more than 15 significant digits. Every decimal of 15 or fewer
    ///      significant digits reads back as itself (`f64::DIGITS`), so such a `D` is
    ///      what the caller wrote or computed (`10.005`, `19.99 * 1.0825 = 21.639175`),
    ///      never noise; noise shows as a 16th or 17th digit (`0.30000000000000004`,
    ///      `0.9999999999999999`);
    ///   2. `D` agrees with `m·u` to 15 significant digits (they differ by at most half
    ///      a unit of the 15th): the digits that differ are only the ones a double
    ///      cannot hold reliably. This is the ulp-derived tolerance, in decimal: a few
    ///      units in the last place of the double;
    ///   3. `D` differs from `m·u` by less than a thousandth of the minor unit. Near the
    ///      top of the range the 16th digit is itself a fraction of a cent
    ///      (`1000000000000.001` USD): there it is refused, however it came about.
    ///
    /// So noise is absorbed below about 10^10 major units for a 2-digit currency, and an
    /// amount written with real extra digits is refused everywhere.
    ///
    /// Exact amounts, quickly: this runs on every create, so the first case is decided
    /// without formatting. With `m` the nearest whole number to `amount · 10^e`, if
    /// `m / 10^e` (one correctly rounded division: `m` and `10^e` are exact doubles) is
    /// `amount` itself, then `amount` is the double nearest to the decimal `m·u`, which
    /// has at most 15 significant digits (`m` ≤ [`MAX_MINOR_UNITS`]); two decimals of
    /// at most 15 significant digits never share a double, so `D` is that decimal and
    /// has at most `e` places. Only other amounts (noise, extra digits) have `D`
    /// formatted, into a stack buffer, with no allocation.
    pub fn from_major(amount: f64, currency: &str) -> Result<Money, Error> {
        let currency = Currency::parse(currency)?;
        if !amount.is_finite() {
            return Err(Error::invalid_argument("amount must be a finite number"));
        }
        if amount <= 0.0 {
            return Err(Error::invalid_argument("amount must be greater than zero"));
        }
        let exponent = currency.exponent();
        // The common case, an amount written with at most the currency's places, costs a
        // multiplication and a division: see "Exact amounts, quickly" above.
        let scale = POWERS_OF_TEN[exponent as usize];
        let nearest = (amount * scale).round();
        if (1.0..=MAX_MINOR_UNITS as f64).contains(&nearest) && nearest / scale == amount {
            return Ok(Money {
                minor: nearest as i64,
                currency,
            });
        }
        let too_small = || {
            Error::invalid_argument(format!(
                "amount is smaller than the smallest unit of {currency}"
            ))
        };
        // The bounds keep D short (at most 16 integer digits, or 6 leading zeros after
        // the point) and far from any amount that could be accepted.
        if amount >= 1e16 {
            return Err(too_large());
        }
        if amount < 1e-6 {
            return Err(too_small());
        }
        let decimal = ShortestDecimal::of(amount);
        let minor = decimal.minor_units(exponent).ok_or_else(|| {
            Error::invalid_argument(format!(
                "amount has more decimal places than {currency} allows ({exponent}); \
                     round it, or pass minor units (create_payment_session_minor)"
            ))
        })?;
        if minor > MAX_MINOR_UNITS as u128 {
            return Err(too_large());
        }
        if minor < 1 {
            return Err(too_small());
        }
        Ok(Money {
            minor: minor as i64,
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

/// 10^e for every exponent in [`ISO_4217`], as exact doubles.
const POWERS_OF_TEN: [f64; 5] = [1.0, 10.0, 100.0, 1_000.0, 10_000.0];

fn too_large() -> Error {
    Error::invalid_argument(format!(
        "amount is too large: at most {MAX_MINOR_UNITS} minor units"
    ))
}

/// A positive double's shortest round-trip decimal (Rust's `{}`), as its significant
/// digits `digits` (at most 17, so a `u64`) and `places`, how many of them follow the
/// point: `D = digits / 10^places`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ShortestDecimal {
    digits: u64,
    places: u32,
}

impl ShortestDecimal {
    /// For `1e-6 <= amount < 1e16`, where `{}` writes at most 24 characters and never
    /// an exponent.
    fn of(amount: f64) -> ShortestDecimal {
        use std::fmt::Write;
        let mut buffer = StackText::default();
        // StackText holds the at most 24 characters the bounds allow; a longer text
        // (which cannot happen) would come out cut and read as a smaller amount below,
        // and be refused as such.
        let _ = write!(buffer, "{amount}");
        let mut digits: u64 = 0;
        let mut places = 0;
        let mut after_point = false;
        for &b in buffer.as_bytes() {
            match b {
                b'.' => after_point = true,
                b'0'..=b'9' => {
                    digits = digits
                        .saturating_mul(10)
                        .saturating_add(u64::from(b - b'0'));
                    places += u32::from(after_point);
                }
                _ => {}
            }
        }
        ShortestDecimal { digits, places }
    }

    /// The amount in minor units of a currency with `exponent` decimal places, when
    /// this decimal stands for one (see [`Money::from_major`]); `None` when it has real
    /// digits beyond them.
    fn minor_units(self, exponent: u32) -> Option<u128> {
        let digits = u128::from(self.digits);
        if self.places <= exponent {
            return Some(digits * 10u128.pow(exponent - self.places));
        }
        let extra = 10u128.pow(self.places - exponent);
        let minor = (digits + extra / 2) / extra;
        let off = digits.abs_diff(minor * extra);
        let significant = digit_count(self.digits);
        let unit_of_15th = 10u128.pow(significant.saturating_sub(15));
        let noise = significant > 15 && 2 * off <= unit_of_15th && 1000 * off < extra;
        noise.then_some(minor)
    }
}

/// How many decimal digits `value` has (1 for 0).
fn digit_count(mut value: u64) -> u32 {
    let mut count = 1;
    while value >= 10 {
        value /= 10;
        count += 1;
    }
    count
}

/// A small text buffer on the stack, for formatting without allocation.
#[derive(Default)]
struct StackText {
    bytes: [u8; 32],
    len: usize,
}

impl StackText {
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        if end > self.bytes.len() {
            return Err(fmt::Error);
        }
        self.bytes[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
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
        assert_eq!(currency_exponent("XCG"), Some(2), "new in 2025");
        assert_eq!(currency_exponent("ZWG"), Some(2));
        assert_eq!(currency_exponent("UYW"), Some(4));
        for bad in [
            "", "US", "USDD", "U5D", "ÜSD", "US ", "\0US", "QQQ", "XYZ", "HRK", "XXX", "XAU", "XTS",
        ] {
            assert_eq!(currency_exponent(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_table_is_sorted_and_unique() {
        assert!(ISO_4217.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(ISO_4217.len(), 165);
        assert!(ISO_4217
            .iter()
            .all(|(c, e)| c.iter().all(u8::is_ascii_uppercase) && *e <= 4));
    }

    #[test]
    fn a_code_outside_active_iso_4217_is_refused_and_the_message_says_so() {
        for code in ["XYZ", "xyz", "HRK", "XXX"] {
            let e = Currency::parse(code).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
            assert!(
                e.message().contains("not an active ISO 4217 currency"),
                "{e}"
            );
            assert!(e.message().contains(ISO_4217_SOURCE), "{e}");
            assert!(Money::from_minor(100, code).is_err());
            assert!(Money::from_major(1.0, code).is_err());
        }
        let e = Currency::parse("U5D").unwrap_err();
        assert!(e.message().contains("3-letter"), "{e}");
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
    fn extra_digits_are_refused_at_every_magnitude() {
        for (amount, cur) in [
            (5000000.005, "USD"),
            (123456789.004, "USD"),
            (1000000000000.001, "USD"),
            (9000000000000.005, "USD"),
            (99999999.999, "USD"),
            (0.3000001, "USD"),
            (12.3400000000001, "USD"),
            (1000.5, "JPY"),
            (1e14 + 0.5, "JPY"),
            (1.0001, "BHD"),
            (19.99 * 1.0825, "USD"),
        ] {
            let e = Money::from_major(amount, cur).unwrap_err();
            assert!(
                e.message().contains("decimal places"),
                "{amount} {cur}: {e}"
            );
        }
    }

    #[test]
    fn noise_from_arithmetic_is_absorbed() {
        let minor = |amount: f64, cur| Money::from_major(amount, cur).unwrap().minor_units();
        assert_eq!(minor(0.1 + 0.2, "USD"), 30);
        assert_eq!(minor(1.1 + 2.2, "USD"), 330);
        assert_eq!(minor(0.7 + 0.1, "USD"), 80);
        assert_eq!(minor(0.06 - 0.05, "USD"), 1);
        assert_eq!(minor(4.35 * 100.0 / 100.0, "USD"), 435);
        assert_eq!(minor((0..100).map(|_| 0.01).sum::<f64>(), "USD"), 100);
        // Noise that reaches the 15th significant digit is no longer noise: a thousand
        // additions of 0.1 give 99.9999999999986, which is refused.
        let sum: f64 = (0..1000).map(|_| 0.1).sum();
        assert!(Money::from_major(sum, "USD").is_err());
        assert_eq!(minor(123456789.12 + 0.01, "USD"), 12345678913);
        assert_eq!(minor(0.001 + 0.002, "BHD"), 3);
        assert_eq!(minor(1000.0 + 1e-13, "JPY"), 1000);
    }

    #[test]
    fn the_shortest_decimal_is_what_decides() {
        let d = ShortestDecimal::of;
        assert_eq!(
            d(0.1 + 0.2),
            ShortestDecimal {
                digits: 30000000000000004,
                places: 17
            }
        );
        assert_eq!(
            d(12.5),
            ShortestDecimal {
                digits: 125,
                places: 1
            }
        );
        assert_eq!(
            d(1000.0),
            ShortestDecimal {
                digits: 1000,
                places: 0
            }
        );
        assert_eq!(
            d(1e-6),
            ShortestDecimal {
                digits: 1,
                places: 6
            }
        );
        assert_eq!(
            d(9999999999999998.0),
            ShortestDecimal {
                digits: 9999999999999998,
                places: 0
            }
        );
        // 15 or fewer significant digits are never noise, however close.
        assert_eq!(
            ShortestDecimal {
                digits: 300000000000001,
                places: 15
            }
            .minor_units(2),
            None
        );
        assert_eq!(
            ShortestDecimal {
                digits: 3000000000000001,
                places: 16
            }
            .minor_units(2),
            Some(30)
        );
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

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Every minor-unit amount, written as a double, is taken back exactly, at
            /// every magnitude and exponent.
            #[test]
            fn every_minor_amount_round_trips(minor in 1..=MAX_MINOR_UNITS, cur in prop_oneof!["USD", "JPY", "BHD", "CLF"]) {
                let exponent = currency_exponent(&cur).unwrap();
                let amount: f64 = Money::from_minor(minor, &cur).unwrap().major_decimal().parse().unwrap();
                prop_assert_eq!(Money::from_major(amount, &cur).unwrap().minor_units(), minor);
                prop_assert_eq!(amount, minor as f64 / 10f64.powi(exponent as i32));
            }

            /// A decimal of at most 15 significant digits with a digit beyond the
            /// currency's is refused, whatever its magnitude.
            #[test]
            fn a_written_extra_digit_is_always_refused(
                minor in 1i64..=99_999_999_999_999,
                extra in 1u32..=9,
                more in 1u32..=3,
                cur in prop_oneof!["USD", "JPY", "BHD"],
            ) {
                let exponent = currency_exponent(&cur).unwrap();
                let scale = 10i64.pow(exponent);
                let text = format!(
                    "{}.{:0width$}{}{extra}",
                    minor / scale,
                    minor % scale,
                    "0".repeat(more as usize - 1),
                    width = exponent as usize
                );
                let significant = text.trim_start_matches(['0', '.']).replace('.', "").len();
                prop_assume!(significant <= 15);
                let amount: f64 = text.parse().unwrap();
                prop_assert!(Money::from_major(amount, &cur).is_err(), "{} {} (exponent {})", text, cur, exponent);
            }

            /// The quick check for exact amounts decides as the shortest decimal would.
            #[test]
            fn the_quick_check_agrees_with_the_shortest_decimal(
                amount in prop_oneof![any::<f64>(), (1i64..=MAX_MINOR_UNITS).prop_map(|m| m as f64 / 100.0)],
                cur in prop_oneof!["USD", "JPY", "BHD", "CLF"],
            ) {
                prop_assume!(amount.is_finite() && (1e-6..1e16).contains(&amount));
                let exponent = currency_exponent(&cur).unwrap();
                let slow = ShortestDecimal::of(amount)
                    .minor_units(exponent)
                    .filter(|m| (1..=MAX_MINOR_UNITS as u128).contains(m));
                let taken = Money::from_major(amount, &cur).ok().map(|m| m.minor_units() as u128);
                prop_assert_eq!(taken, slow, "{} {}", amount, cur);
            }

            /// Any double at all: an amount that is taken is within noise of the double.
            #[test]
            fn any_double_is_taken_only_within_noise(amount in any::<f64>(), cur in prop_oneof!["USD", "JPY", "BHD"]) {
                if let Ok(money) = Money::from_major(amount, &cur) {
                    let back: f64 = money.major_decimal().parse().unwrap();
                    prop_assert!(((amount - back) / back).abs() < 1e-14, "{} -> {}", amount, back);
                }
            }
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
