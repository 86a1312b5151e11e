//! Amounts: any double and any minor-unit count in any currency. `from_major` takes an
//! amount only when its shortest decimal has at most the currency's places, or is float
//! noise (16 or 17 significant digits within a thousandth of a minor unit); it refuses
//! every decimal of 15 or fewer significant digits with more places. What it takes round
//! trips through `from_minor` and the JSON decimal.
#![no_main]

use authsignal_terminal::{currency_exponent, Money, MAX_MINOR_UNITS};

const CURRENCIES: [&str; 8] = ["USD", "jpy", "BHD", "CLF", "XYZ", "EUR", "KWD", "US"];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() < 18 {
        return;
    }
    let minor = i64::from_le_bytes(data[8..16].try_into().unwrap());
    let currency = CURRENCIES[usize::from(data[16]) % CURRENCIES.len()];
    let exponent = currency_exponent(currency);
    // Half the time any double; else a minor-unit amount moved by -8 to +7 units in the
    // last place, the neighbourhood where float noise lives.
    let nudge = i64::from(data[17] & 0x0f) - 8;
    let amount = if data[17] & 0x80 == 0 {
        f64::from_le_bytes(data[0..8].try_into().unwrap())
    } else {
        let scale = 10f64.powi(exponent.unwrap_or(2) as i32);
        let base = (minor.rem_euclid(MAX_MINOR_UNITS) + 1) as f64 / scale;
        f64::from_bits(base.to_bits().wrapping_add_signed(nudge))
    };

    match Money::from_major(amount, currency) {
        Ok(money) => {
            let e = exponent.expect("a currency that was taken has an exponent");
            assert!((1..=MAX_MINOR_UNITS).contains(&money.minor_units()));
            let text = money.major_decimal();
            assert!(!text.contains('e') && !text.ends_with('.'));
            assert!(!(text.contains('.') && text.ends_with('0')), "{text}");
            let back: f64 = text.parse().unwrap();
            assert!(
                ((amount - back) / back).abs() < 1e-14,
                "{amount} taken as {text}"
            );
            let shortest = format!("{amount}");
            let places = shortest.split_once('.').map_or(0, |(_, f)| f.len());
            if places > e as usize {
                let significant = shortest
                    .trim_start_matches(['0', '.'])
                    .replace('.', "")
                    .len();
                assert!(
                    significant > 15,
                    "{shortest} has real extra digits for {currency}"
                );
            }
            let again = Money::from_major(back, currency).unwrap();
            assert_eq!(again, money);
            assert_eq!(
                Money::from_minor(money.minor_units(), currency).unwrap(),
                money
            );
        }
        Err(err) => {
            assert_eq!(err.kind(), authsignal_terminal::ErrorKind::InvalidArgument);
            // A finite positive amount written with no more places than the currency
            // has, within range, is never refused.
            if let Some(e) = exponent {
                let shortest = format!("{amount}");
                let places = shortest.split_once('.').map_or(0, |(_, f)| f.len());
                let minor_f = amount * 10f64.powi(e as i32);
                if amount.is_finite()
                    && places <= e as usize
                    && minor_f >= 1.0
                    && minor_f <= MAX_MINOR_UNITS as f64
                    && !shortest.contains('e')
                {
                    panic!("{shortest} {currency} refused: {err}");
                }
            }
        }
    }

    match Money::from_minor(minor, currency) {
        Ok(money) => {
            let back: f64 = money.major_decimal().parse().unwrap();
            assert_eq!(Money::from_major(back, currency).unwrap(), money);
        }
        Err(_) => assert!(exponent.is_none() || minor < 1 || minor > MAX_MINOR_UNITS),
    }
});
