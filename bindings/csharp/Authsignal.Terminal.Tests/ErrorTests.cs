// Every TerminalResult a failure can carry, with the exception's fields.
using System;
using System.Linq;
using System.Text;
using Authsignal.Terminal.Interop;
using NUnit.Framework;

namespace Authsignal.Terminal.Tests
{
    [TestFixture]
    public class ErrorTests
    {
        [Test]
        public void TheResultNumbersAreTheLibrarys()
        {
            var values = (TerminalResult[])Enum.GetValues(typeof(TerminalResult));
            Assert.AreEqual(16, values.Length);
            foreach (var value in values)
            {
                Assert.AreEqual("AS_RESULT_" + Screaming(value.ToString()), NativeError.ResultName(value), value.ToString());
            }
            Assert.AreEqual("AS_RESULT_UNKNOWN", NativeError.ResultName((TerminalResult)values.Length));
        }

        [Test]
        public void InvalidArgumentFromTheLibraryKeepsTheIdOutOfTheMessage()
        {
            using (var client = Simulator.Client())
            {
                string tid = "tid with_spaces_9876";
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(tid, 1m, "USD"));
                Assert.AreEqual(TerminalResult.InvalidArgument, e.Result);
                Assert.AreEqual(0, e.HttpStatus);
                Assert.IsNull(e.ServerCode);
                Assert.IsFalse(e.OutcomeUnknown);
                Assert.IsFalse(string.IsNullOrEmpty(e.Message));
                Assert.IsFalse(e.Message.Contains(tid) || e.Message.Contains("with_spaces"), "the message shows the terminal id");
            }
        }

        [Test]
        public void UnauthorizedForAnUnpairedTerminal()
        {
            using (var client = Simulator.Client())
            {
                string tid = "unpaired_cs_" + Guid.NewGuid().ToString("N").Substring(0, 8);
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(tid, 1m, "USD"));
                Assert.AreEqual(TerminalResult.Unauthorized, e.Result);
                Assert.AreEqual(401, e.HttpStatus);
                Assert.AreEqual("unauthorized", e.ServerCode);
                Assert.IsFalse(e.OutcomeUnknown);
                Assert.IsFalse(e.Message.Contains(tid), "the message shows the terminal id");
            }
        }

        [Test]
        public void InvalidRequestForA400()
        {
            const string answer = "{\"error\":\"invalid_request\",\"errorCode\":\"invalid_request\",\"errorDescription\":\"amount is not allowed\"}";
            using (var server = new CaptureServer(400, answer))
            using (var client = new TerminalClient(new TerminalClientOptions { BaseUrl = server.BaseUrl }))
            {
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(Simulator.Tid(), 1m, "USD"));
                Assert.AreEqual(TerminalResult.InvalidRequest, e.Result);
                Assert.AreEqual(400, e.HttpStatus);
                Assert.AreEqual("invalid_request", e.ServerCode);
                Assert.IsFalse(e.OutcomeUnknown);
                StringAssert.Contains("amount is not allowed", e.Message);
            }
        }

        [Test]
        public void NotFoundForAnUnknownSession()
        {
            using (var client = Simulator.Client())
            {
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.GetPaymentSession(Simulator.Tid(), "no-such-session"));
                Assert.AreEqual(TerminalResult.NotFound, e.Result);
                Assert.AreEqual(404, e.HttpStatus);
                Assert.AreEqual("not_found", e.ServerCode);
                Assert.IsFalse(e.OutcomeUnknown);
            }
        }

        [Test]
        public void NotFoundForASessionOfAnotherTerminal()
        {
            using (var client = Simulator.Client())
            {
                var created = client.CreatePaymentSession(Simulator.Tid(), 1m, "USD");
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.GetPaymentSession(Simulator.Tid(), created.ChallengeId));
                Assert.AreEqual(TerminalResult.NotFound, e.Result);
            }
        }

        [Test]
        public void RateLimitedForA429OnCreateWhichIsNotRetried()
        {
            using (var client = Simulator.Client())
            {
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(Simulator.Tid("+fault=429+times=1"), 1m, "USD"));
                Assert.AreEqual(TerminalResult.RateLimited, e.Result);
                Assert.AreEqual(429, e.HttpStatus);
                Assert.AreEqual("too_many_requests", e.ServerCode);
                Assert.IsFalse(e.OutcomeUnknown);
            }
        }

        [Test]
        public void AGetIsRetriedPastOne503()
        {
            using (var client = Simulator.Client())
            {
                string tid = Simulator.Tid("+fault=503+times=1+on=get");
                var created = client.CreatePaymentSession(tid, 1m, "USD");
                Assert.AreEqual(created.ChallengeId, client.GetPaymentSession(tid, created.ChallengeId).ChallengeId);
            }
        }

        [Test]
        public void ServerErrorOnCreateLeavesTheOutcomeUnknown()
        {
            using (var client = Simulator.Client())
            {
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(Simulator.Tid("+fault=503"), 1m, "USD"));
                Assert.AreEqual(TerminalResult.ServerError, e.Result);
                Assert.AreEqual(503, e.HttpStatus);
                Assert.AreEqual("service_unavailable", e.ServerCode);
                Assert.IsTrue(e.OutcomeUnknown);
            }
        }

        [Test]
        public void ServerErrorOnGetIsNotAnUnknownOutcome()
        {
            using (var client = Simulator.Client())
            {
                string tid = Simulator.Tid("+fault=500+on=get");
                var created = client.CreatePaymentSession(tid, 1m, "USD");
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.GetPaymentSession(tid, created.ChallengeId));
                Assert.AreEqual(TerminalResult.ServerError, e.Result);
                Assert.AreEqual(500, e.HttpStatus);
                Assert.IsFalse(e.OutcomeUnknown);
            }
        }

        [Test]
        public void TimeoutOnASlowCreateLeavesTheOutcomeUnknown()
        {
            var options = Simulator.Options();
            options.RequestTimeout = TimeSpan.FromMilliseconds(300);
            using (var client = new TerminalClient(options))
            {
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(Simulator.Tid("+delay=3000"), 1m, "USD"));
                Assert.AreEqual(TerminalResult.Timeout, e.Result);
                Assert.AreEqual(0, e.HttpStatus);
                Assert.IsTrue(e.OutcomeUnknown);
            }
        }

        [Test]
        public void NetworkWhenNothingListens()
        {
            var options = new TerminalClientOptions { BaseUrl = "http://127.0.0.1:" + CaptureServer.ClosedPort() + "/v1" };
            using (var client = new TerminalClient(options))
            {
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(Simulator.Tid(), 1m, "USD"));
                Assert.AreEqual(TerminalResult.Network, e.Result);
                Assert.AreEqual(0, e.HttpStatus);
                Assert.IsNull(e.ServerCode);
                Assert.IsFalse(e.OutcomeUnknown);
            }
        }

        [Test]
        public void TlsWhenTheServersCaIsNotTrusted()
        {
            using (var client = new TerminalClient(new TerminalClientOptions { BaseUrl = Simulator.BaseUrl }))
            {
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(Simulator.Tid(), 1m, "USD"));
                Assert.AreEqual(TerminalResult.Tls, e.Result);
                Assert.IsFalse(e.OutcomeUnknown);
            }
        }

        [TestCase("malformed")]
        [TestCase("truncated")]
        [TestCase("missing-status")]
        [TestCase("oversized")]
        [TestCase("redirect")]
        public void ProtocolForAnAnswerTheLibraryCannotAccept(string fault)
        {
            using (var client = Simulator.Client())
            {
                string tid = Simulator.Tid("+fault=" + fault + "+on=get");
                var created = client.CreatePaymentSession(tid, 1m, "USD");
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.GetPaymentSession(tid, created.ChallengeId));
                Assert.AreEqual(TerminalResult.Protocol, e.Result);
                Assert.IsFalse(e.OutcomeUnknown);
            }
        }

        [Test]
        public void ProtocolOnCreateLeavesTheOutcomeUnknown()
        {
            using (var client = Simulator.Client())
            {
                var e = Assert.Throws<AuthsignalTerminalException>(
                    () => client.CreatePaymentSession(Simulator.Tid("+fault=missing-challenge-id"), 1m, "USD"));
                Assert.AreEqual(TerminalResult.Protocol, e.Result);
                Assert.IsTrue(e.OutcomeUnknown);
            }
        }

        [Test]
        public void StillPendingWhenTheWaitTimesOut()
        {
            using (var client = Simulator.Client())
            {
                string tid = Simulator.Tid("+outcome=PENDING");
                var created = client.CreatePaymentSession(tid, 1m, "USD");
                var e = Assert.Throws<AuthsignalTerminalException>(
                    () => client.WaitPaymentSession(tid, created.ChallengeId, TimeSpan.FromMilliseconds(500)));
                Assert.AreEqual(TerminalResult.StillPending, e.Result);
                Assert.IsFalse(e.OutcomeUnknown);
            }
        }

        [Test]
        public void AFailedReadEndsTheWaitWithItsResult()
        {
            using (var client = Simulator.Client())
            {
                string tid = Simulator.Tid("+fault=500+on=get");
                var created = client.CreatePaymentSession(tid, 1m, "USD");
                var e = Assert.Throws<AuthsignalTerminalException>(
                    () => client.WaitPaymentSession(tid, created.ChallengeId, TimeSpan.FromSeconds(30)));
                Assert.AreEqual(TerminalResult.ServerError, e.Result);
            }
        }

        [Test]
        public void TheLastErrorIsReadOnTheFailingThreadEvenWhenManyFail()
        {
            using (var client = Simulator.Client())
            {
                var tasks = Enumerable.Range(0, 8).Select(i => i % 2 == 0
                    ? client.GetPaymentSessionAsync(Simulator.Tid(), "no-such-session")
                    : client.CreatePaymentSessionAsync(Simulator.Tid("+fault=503"), 1m, "USD")).ToArray();
                for (int i = 0; i < tasks.Length; i++)
                {
                    var e = Assert.Throws<AuthsignalTerminalException>(() => tasks[i].GetAwaiter().GetResult());
                    Assert.AreEqual(i % 2 == 0 ? TerminalResult.NotFound : TerminalResult.ServerError, e.Result);
                    Assert.AreEqual(i % 2 == 0 ? 404 : 503, e.HttpStatus);
                    Assert.AreEqual(i % 2 != 0, e.OutcomeUnknown);
                }
            }
        }

        [Test]
        public void TheExceptionCanBeBuiltAndSerialized()
        {
            var e = new AuthsignalTerminalException(TerminalResult.ServerError, "boom", 502, "bad_gateway", true);
            var formatter = new System.Runtime.Serialization.Formatters.Binary.BinaryFormatter();
            using (var stream = new System.IO.MemoryStream())
            {
                formatter.Serialize(stream, e);
                stream.Position = 0;
                var copy = (AuthsignalTerminalException)formatter.Deserialize(stream);
                Assert.AreEqual(TerminalResult.ServerError, copy.Result);
                Assert.AreEqual("boom", copy.Message);
                Assert.AreEqual(502, copy.HttpStatus);
                Assert.AreEqual("bad_gateway", copy.ServerCode);
                Assert.IsTrue(copy.OutcomeUnknown);
            }
        }

        private static string Screaming(string pascal)
        {
            var text = new StringBuilder();
            foreach (char c in pascal)
            {
                if (char.IsUpper(c) && text.Length > 0)
                {
                    text.Append('_');
                }
                text.Append(char.ToUpperInvariant(c));
            }
            return text.ToString();
        }
    }
}
