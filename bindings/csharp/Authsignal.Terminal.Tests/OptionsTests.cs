// Each TerminalClientOptions property reaches the library, which judges its value.
using System;
using System.IO;
using NUnit.Framework;

namespace Authsignal.Terminal.Tests
{
    [TestFixture]
    public class OptionsTests
    {
        [Test]
        public void TheDefaultsMakeAClient()
        {
            using (new TerminalClient())
            {
            }
        }

        [TestCase(TerminalRegion.Us)]
        [TestCase(TerminalRegion.Au)]
        [TestCase(TerminalRegion.Eu)]
        [TestCase(TerminalRegion.Ca)]
        public void EachRegionMakesAClient(TerminalRegion region)
        {
            using (new TerminalClient(new TerminalClientOptions { Region = region }))
            {
            }
        }

        [Test]
        public void ARegionTheLibraryDoesNotKnowIsRefused()
        {
            AssertRefused(new TerminalClientOptions { Region = (TerminalRegion)9 });
        }

        [Test]
        public void TheBaseUrlWinsOverTheRegion()
        {
            using (var server = new CaptureServer())
            using (var client = new TerminalClient(new TerminalClientOptions { Region = TerminalRegion.Eu, BaseUrl = server.BaseUrl }))
            {
                client.CreatePaymentSession(Simulator.Tid(), 1m, "USD");
                Assert.AreEqual(1, server.Requests.Count);
            }
        }

        [TestCase("http://example.com/v1")]
        [TestCase("not a url")]
        [TestCase("ftp://127.0.0.1/v1")]
        public void BaseUrlsTheLibraryRefuse(string baseUrl)
        {
            AssertRefused(new TerminalClientOptions { BaseUrl = baseUrl });
        }

        [Test]
        public void TimeoutsInRangeAreAccepted()
        {
            using (var client = new TerminalClient(new TerminalClientOptions
            {
                BaseUrl = Simulator.BaseUrl,
                CaFile = Simulator.CaFile,
                ConnectTimeout = TimeSpan.FromSeconds(3),
                RequestTimeout = TimeSpan.FromSeconds(10),
                PollInterval = TimeSpan.FromMilliseconds(100.2),
            }))
            {
                client.CreatePaymentSession(Simulator.Tid(), 1m, "USD");
            }
        }

        [Test]
        public void TimeoutsOutOfTheLibrarysRangeAreRefused()
        {
            AssertRefused(new TerminalClientOptions { ConnectTimeout = TimeSpan.Zero });
            AssertRefused(new TerminalClientOptions { RequestTimeout = TimeSpan.FromMinutes(11) });
            AssertRefused(new TerminalClientOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        }

        [Test]
        public void NegativeTimeSpansAreOutOfRange()
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(
                () => new TerminalClient(new TerminalClientOptions { ConnectTimeout = TimeSpan.FromSeconds(-1) }));
            Assert.AreEqual("ConnectTimeout", e.ParamName);
            e = Assert.Throws<ArgumentOutOfRangeException>(
                () => new TerminalClient(new TerminalClientOptions { RequestTimeout = System.Threading.Timeout.InfiniteTimeSpan }));
            Assert.AreEqual("RequestTimeout", e.ParamName);
            e = Assert.Throws<ArgumentOutOfRangeException>(
                () => new TerminalClient(new TerminalClientOptions { PollInterval = TimeSpan.MaxValue }));
            Assert.AreEqual("PollInterval", e.ParamName);
        }

        [Test]
        public void ACaFileThatCannotBeReadIsRefused()
        {
            AssertRefused(new TerminalClientOptions { CaFile = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "ca.pem") });
        }

        [Test]
        public void TheSystemRootsDoNotTrustTheSimulatorsCa()
        {
            TerminalClient client;
            try
            {
                client = new TerminalClient(new TerminalClientOptions { BaseUrl = Simulator.BaseUrl, UseSystemRoots = true });
            }
            catch (AuthsignalTerminalException e)
            {
                // A machine with an empty trust store cannot make such a client at all.
                Assert.AreEqual(TerminalResult.InvalidArgument, e.Result);
                return;
            }
            using (client)
            {
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(Simulator.Tid(), 1m, "USD"));
                Assert.AreEqual(TerminalResult.Tls, e.Result);
            }
        }

        [Test]
        public void TheProxyCarriesHttpsConnectionsButNeverLoopbackOnes()
        {
            using (var proxy = new CaptureServer())
            {
                int target = CaptureServer.ClosedPort();
                // Not loopback, so it goes through the proxy: the tunnel opens, then the TLS
                // handshake inside it fails (this proxy speaks no TLS), so nothing of the
                // create was written and its outcome is known.
                var options = new TerminalClientOptions
                {
                    BaseUrl = "https://terminal-api.test:" + target + "/v1",
                    Proxy = "http://127.0.0.1:" + proxy.Port,
                    RequestTimeout = TimeSpan.FromSeconds(1),
                };
                using (var client = new TerminalClient(options))
                {
                    var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(Simulator.Tid(), 1m, "USD"));
                    Assert.IsFalse(e.OutcomeUnknown, e.ToString());
                }
                var requests = proxy.Requests.ToArray();
                Assert.IsTrue(requests.Length >= 1);
                Assert.AreEqual("CONNECT terminal-api.test:" + target + " HTTP/1.1", requests[0].RequestLine);

                // A loopback base URL never goes through a proxy (the terminal id would cross
                // it in clear over plain http).
                options.BaseUrl = "http://127.0.0.1:" + target + "/v1";
                int before = proxy.Requests.Count;
                using (var client = new TerminalClient(options))
                {
                    var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(Simulator.Tid(), 1m, "USD"));
                    Assert.AreEqual(TerminalResult.Network, e.Result, e.ToString());
                    Assert.IsFalse(e.OutcomeUnknown);
                }
                Assert.AreEqual(before, proxy.Requests.Count);
            }
        }

        [Test]
        public void AProxyTheLibraryCannotUseIsRefused()
        {
            AssertRefused(new TerminalClientOptions { Proxy = "gopher://proxy:70" });
        }

        [Test]
        public void TheUserAgentCarriesTheBindingTokenThenTheSuffix()
        {
            string token = "authsignal-terminal-dotnet/" + TerminalClient.BindingVersion;
            Assert.IsTrue(UserAgent(null).EndsWith(" " + token, StringComparison.Ordinal), UserAgent(null));
            Assert.IsTrue(UserAgent("acme-pos/4.2 (store 7)").EndsWith(" " + token + " acme-pos/4.2 (store 7)", StringComparison.Ordinal));
            StringAssert.StartsWith("authsignal-terminal/" + TerminalClient.LibraryVersion, UserAgent(""));
        }

        [Test]
        public void AUserAgentSuffixTheLibraryRefuses()
        {
            AssertRefused(new TerminalClientOptions { UserAgentSuffix = "bad\r\nInjected: header" });
            AssertRefused(new TerminalClientOptions { UserAgentSuffix = new string('x', 256) });
        }

        [Test]
        public void TheTerminalIdIsSentAsItsHeader()
        {
            using (var server = new CaptureServer())
            using (var client = new TerminalClient(new TerminalClientOptions { BaseUrl = server.BaseUrl }))
            {
                string tid = Simulator.Tid();
                client.CreatePaymentSession(tid, 1m, "USD");
                string sent;
                Assert.IsTrue(server.Single().Headers.TryGetValue("x-authsignal-terminal", out sent));
                Assert.IsTrue(sent == tid, "the terminal id header differs from the id given");
            }
        }

        [Test]
        public void OptionsAreCopiedWhenTheClientIsMade()
        {
            using (var server = new CaptureServer())
            {
                var options = new TerminalClientOptions { BaseUrl = server.BaseUrl };
                using (var client = new TerminalClient(options))
                {
                    options.BaseUrl = "http://127.0.0.1:" + CaptureServer.ClosedPort() + "/v1";
                    client.CreatePaymentSession(Simulator.Tid(), 1m, "USD");
                }
                Assert.AreEqual(1, server.Requests.Count);
            }
        }

        private static string UserAgent(string suffix)
        {
            using (var server = new CaptureServer())
            using (var client = new TerminalClient(new TerminalClientOptions { BaseUrl = server.BaseUrl, UserAgentSuffix = suffix }))
            {
                client.CreatePaymentSession(Simulator.Tid(), 1m, "USD");
                return server.Single().Headers["User-Agent"];
            }
        }

        private static void AssertRefused(TerminalClientOptions options)
        {
            var e = Assert.Throws<AuthsignalTerminalException>(() => new TerminalClient(options).Dispose());
            Assert.AreEqual(TerminalResult.InvalidArgument, e.Result);
            Assert.AreEqual(0, e.HttpStatus);
        }
    }
}
