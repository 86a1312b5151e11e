// decimal amounts travel as exact minor units: what reaches the server, and what is refused.
using System;
using NUnit.Framework;

namespace Authsignal.Terminal.Tests
{
    [TestFixture]
    public class AmountTests
    {
        [TestCase("12.50", "USD", "{\"amount\":12.5,\"currency\":\"USD\"}")]
        [TestCase("12.500", "usd", "{\"amount\":12.5,\"currency\":\"USD\"}")]
        [TestCase("1000", "JPY", "{\"amount\":1000,\"currency\":\"JPY\"}")]
        [TestCase("1.234", "BHD", "{\"amount\":1.234,\"currency\":\"BHD\"}")]
        [TestCase("0.01", "EUR", "{\"amount\":0.01,\"currency\":\"EUR\"}")]
        [TestCase("1.2345", "CLF", "{\"amount\":1.2345,\"currency\":\"CLF\"}")]
        [TestCase("9999999999999.99", "USD", "{\"amount\":9999999999999.99,\"currency\":\"USD\"}")]
        [TestCase("5", "usn", "{\"amount\":5,\"currency\":\"USN\"}")]
        public void TheAmountIsSentExactly(string amount, string currency, string expectedBody)
        {
            Assert.AreEqual(expectedBody, SentBody(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), currency));
        }

        [Test]
        public void DecimalArithmeticHasNoFloatNoise()
        {
            Assert.AreEqual("{\"amount\":0.3,\"currency\":\"NZD\"}", SentBody(0.1m + 0.2m, "NZD"));
        }

        [TestCase("10.005", "USD")]
        [TestCase("1.5", "JPY")]
        [TestCase("1.2345", "BHD")]
        [TestCase("0.001", "EUR")]
        public void MorePlacesThanTheCurrencyHasIsRefusedBeforeSending(string amount, string currency)
        {
            var e = AssertRefusedBeforeSending<ArgumentException>(Parse(amount), currency);
            Assert.AreEqual("amount", e.ParamName);
        }

        [TestCase("0")]
        [TestCase("-1.00")]
        [TestCase("79228162514264337593543950335")]
        [TestCase("-79228162514264337593543950335")]
        public void AmountsOutOfRangeAreRefusedBeforeSending(string amount)
        {
            var e = AssertRefusedBeforeSending<ArgumentOutOfRangeException>(Parse(amount), "USD");
            Assert.AreEqual("amount", e.ParamName);
        }

        [Test]
        public void AnAmountOverTheLibrarysLimitIsTheLibrarysInvalidArgument()
        {
            var e = AssertRefusedBeforeSending<AuthsignalTerminalException>(Parse("10000000000000.00"), "USD");
            Assert.AreEqual(TerminalResult.InvalidArgument, e.Result);
            Assert.AreEqual(0, e.HttpStatus);
            Assert.IsFalse(e.OutcomeUnknown);
        }

        [TestCase("US")]
        [TestCase("USDD")]
        [TestCase("U5D")]
        [TestCase("")]
        [TestCase("ÜSD")]
        [TestCase("QQQ")]
        public void MalformedCurrenciesAreRefused(string currency)
        {
            var e = AssertRefusedBeforeSending<ArgumentException>(1m, currency);
            Assert.AreEqual("currency", e.ParamName);
        }

        private static decimal Parse(string amount)
        {
            return decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture);
        }

        private static TException AssertRefusedBeforeSending<TException>(decimal amount, string currency)
            where TException : Exception
        {
            using (var server = new CaptureServer())
            using (var client = new TerminalClient(new TerminalClientOptions { BaseUrl = server.BaseUrl }))
            {
                var e = Assert.Throws<TException>(() => client.CreatePaymentSession(Simulator.Tid(), amount, currency));
                Assert.AreEqual(0, server.Requests.Count, "a request was sent");
                return e;
            }
        }

        private static string SentBody(decimal amount, string currency)
        {
            using (var server = new CaptureServer())
            using (var client = new TerminalClient(new TerminalClientOptions { BaseUrl = server.BaseUrl }))
            {
                client.CreatePaymentSession(Simulator.Tid(), amount, currency);
                var request = server.Single();
                StringAssert.StartsWith("POST /v1/terminal/payment-session ", request.RequestLine);
                return request.Body;
            }
        }
    }
}
