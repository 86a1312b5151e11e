// Arguments that cannot reach the library throw the standard .NET exceptions, at once.
using System;
using System.Threading;
using NUnit.Framework;

namespace Authsignal.Terminal.Tests
{
    [TestFixture]
    public class ArgumentTests
    {
        private TerminalClient client;
        private CaptureServer server;

        [SetUp]
        public void MakeClient()
        {
            server = new CaptureServer();
            client = new TerminalClient(new TerminalClientOptions { BaseUrl = server.BaseUrl });
        }

        [TearDown]
        public void FreeClient()
        {
            client.Dispose();
            Assert.AreEqual(0, server.Requests.Count, "a request was sent");
            server.Dispose();
        }

        [Test]
        public void NullTerminalIdIsArgumentNull()
        {
            var ten = TimeSpan.FromSeconds(10);
            AssertNull("terminalId", () => client.CreatePaymentSession(null, 1m, "USD"));
            AssertNull("terminalId", () => client.GetPaymentSession(null, "ch_1"));
            AssertNull("terminalId", () => client.WaitPaymentSession(null, "ch_1", ten));
            AssertNull("terminalId", () => client.CreatePaymentSessionAsync(null, 1m, "USD"));
            AssertNull("terminalId", () => client.GetPaymentSessionAsync(null, "ch_1"));
            AssertNull("terminalId", () => client.WaitPaymentSessionAsync(null, "ch_1", ten));
        }

        [Test]
        public void NullCurrencyAndChallengeIdAreArgumentNull()
        {
            var ten = TimeSpan.FromSeconds(10);
            AssertNull("currency", () => client.CreatePaymentSession(Simulator.Tid(), 1m, null));
            AssertNull("currency", () => client.CreatePaymentSessionAsync(Simulator.Tid(), 1m, null));
            AssertNull("challengeId", () => client.GetPaymentSession(Simulator.Tid(), null));
            AssertNull("challengeId", () => client.WaitPaymentSession(Simulator.Tid(), null, ten));
            AssertNull("challengeId", () => client.GetPaymentSessionAsync(Simulator.Tid(), null));
            AssertNull("challengeId", () => client.WaitPaymentSessionAsync(Simulator.Tid(), null, ten));
        }

        [Test]
        public void NullOptionsAreArgumentNull()
        {
            AssertNull("options", () => new TerminalClient(null));
        }

        [Test]
        public void StringsACStringCannotCarryAreArgumentExceptions()
        {
            var e = Assert.Throws<ArgumentException>(() => client.CreatePaymentSession("tid_nul\0+fault=503", 1m, "USD"));
            Assert.AreEqual("terminalId", e.ParamName);
            e = Assert.Throws<ArgumentException>(() => client.CreatePaymentSession(Simulator.Tid(), 1m, "USD", "order \ud800"));
            Assert.AreEqual("reference", e.ParamName);
            e = Assert.Throws<ArgumentException>(() => client.GetPaymentSessionAsync(Simulator.Tid(), "ch\01"));
            Assert.AreEqual("challengeId", e.ParamName);
        }

        [Test]
        public void AWaitTimeoutMustBeRepresentable()
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(
                () => client.WaitPaymentSession(Simulator.Tid(), "ch_1", TimeSpan.FromMilliseconds(-5)));
            Assert.AreEqual("timeout", e.ParamName);
            Assert.Throws<ArgumentOutOfRangeException>(
                () => client.WaitPaymentSessionAsync(Simulator.Tid(), "ch_1", TimeSpan.FromDays(50)));
        }

        [Test]
        public void TerminalIdsTheLibraryRefuse()
        {
            // One test rather than test cases: a case's arguments are printed, ids never are.
            foreach (string terminalId in new[] { "", "has space", "tab\there", "ünï_terminal_01", new string('t', 513) })
            {
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(terminalId, 1m, "USD"));
                Assert.AreEqual(TerminalResult.InvalidArgument, e.Result);
                e = Assert.Throws<AuthsignalTerminalException>(() => client.GetPaymentSession(terminalId, "ch_1"));
                Assert.AreEqual(TerminalResult.InvalidArgument, e.Result);
            }
        }

        [TestCase("")]
        [TestCase("../x")]
        [TestCase("a/b")]
        [TestCase("a.b")]
        public void ChallengeIdsTheLibraryRefuse(string challengeId)
        {
            var e = Assert.Throws<AuthsignalTerminalException>(() => client.GetPaymentSession(Simulator.Tid(), challengeId));
            Assert.AreEqual(TerminalResult.InvalidArgument, e.Result);
            e = Assert.Throws<AuthsignalTerminalException>(
                () => client.WaitPaymentSession(Simulator.Tid(), challengeId, TimeSpan.FromSeconds(5)));
            Assert.AreEqual(TerminalResult.InvalidArgument, e.Result);
        }

        [Test]
        public void AnAsyncCallFaultsWithWhatTheLibraryRefuses()
        {
            var task = client.CreatePaymentSessionAsync("has space", 1m, "USD");
            var e = Assert.Throws<AuthsignalTerminalException>(() => task.GetAwaiter().GetResult());
            Assert.AreEqual(TerminalResult.InvalidArgument, e.Result);
            Assert.IsTrue(task.IsFaulted);
        }

        private static void AssertNull(string paramName, TestDelegate call)
        {
            var e = Assert.Throws<ArgumentNullException>(call);
            Assert.AreEqual(paramName, e.ParamName);
        }
    }
}
