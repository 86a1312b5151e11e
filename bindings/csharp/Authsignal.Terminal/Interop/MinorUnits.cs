// decimal amounts to the C ABI's exact minor units, with no floating point on the way.
using System;
using System.Globalization;

namespace Authsignal.Terminal.Interop
{
    internal static class MinorUnits
    {
        /// <summary>
        /// The amount in the currency's minor units (12.50 USD is 1250, 1000 JPY is 1000,
        /// 1.234 BHD is 1234), using the library's own table of minor-unit digits
        /// (<c>as_currency_exponent</c>, which touches no last error and sends nothing).
        /// What the wrapper can tell is wrong is refused here with the standard .NET
        /// exceptions, naming the parameter: an amount of zero or less or one too large
        /// for minor units (<see cref="ArgumentOutOfRangeException"/>), a currency that
        /// is not 3 letters or an amount with more decimal places than the currency has
        /// (<see cref="ArgumentException"/>). Every other rule (the largest amount, ISO 4217
        /// membership) is the library's.
        /// </summary>
        internal static long FromDecimal(decimal amount, string amountName, string currency, byte[] currencyUtf8, string currencyName)
        {
            if (amount <= 0m)
            {
                throw new ArgumentOutOfRangeException(amountName, amount, "the amount must be greater than zero");
            }
            int exponent = NativeMethods.as_currency_exponent(currencyUtf8);
            if (exponent < 0)
            {
                throw new ArgumentException("the currency must be an active ISO 4217 code such as \"USD\" (\"" + currency + "\" is not one)", currencyName);
            }
            decimal scale = 1m;
            for (int i = 0; i < exponent; i++)
            {
                scale *= 10m;
            }
            decimal minor;
            try
            {
                minor = amount * scale;
            }
            catch (OverflowException)
            {
                throw TooLarge(amount, amountName);
            }
            if (minor != decimal.Truncate(minor))
            {
                throw new ArgumentException(string.Format(
                    CultureInfo.InvariantCulture,
                    "amount {0} has more decimal places than {1} has ({2}); it is refused rather than rounded",
                    amount, currency.ToUpperInvariant(), exponent), amountName);
            }
            if (minor > long.MaxValue)
            {
                throw TooLarge(amount, amountName);
            }
            return decimal.ToInt64(minor);
        }

        private static ArgumentOutOfRangeException TooLarge(decimal amount, string amountName)
        {
            return new ArgumentOutOfRangeException(amountName, amount, "the amount is too large to count in minor units");
        }
    }
}
