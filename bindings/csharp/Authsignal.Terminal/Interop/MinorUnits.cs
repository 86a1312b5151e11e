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
        /// (<c>as_currency_exponent</c>). Whether the amount is acceptable (greater than
        /// zero, not too large) is the library's call; this only refuses what the
        /// minor-unit path cannot carry exactly, with the result the library gives the
        /// same mistakes on its other paths (InvalidArgument).
        /// </summary>
        internal static long FromDecimal(decimal amount, string currency, byte[] currencyUtf8)
        {
            int exponent = NativeMethods.as_currency_exponent(currencyUtf8);
            if (exponent < 0)
            {
                throw new AuthsignalTerminalException(TerminalResult.InvalidArgument,
                    "currency must be a 3-letter ISO 4217 code such as \"USD\"");
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
                throw TooLarge();
            }
            if (minor != decimal.Truncate(minor))
            {
                throw new AuthsignalTerminalException(TerminalResult.InvalidArgument, string.Format(
                    CultureInfo.InvariantCulture,
                    "amount {0} has more decimal places than {1} has ({2}); it is refused rather than rounded",
                    amount, currency.ToUpperInvariant(), exponent));
            }
            if (minor > long.MaxValue || minor < long.MinValue)
            {
                throw TooLarge();
            }
            return decimal.ToInt64(minor);
        }

        private static AuthsignalTerminalException TooLarge()
        {
            return new AuthsignalTerminalException(TerminalResult.InvalidArgument,
                "amount is too large to count in minor units");
        }
    }
}
