// The library's log lines reach a .NET handler, from any thread, without terminal ids.
using System;
using System.Collections.Concurrent;
using System.Linq;
using NUnit.Framework;

namespace Authsignal.Terminal.Tests
{
    [TestFixture]
    public class LogTests
    {
        [TearDown]
        public void LoggingOff()
        {
            TerminalLog.SetHandler(null);
        }

        [Test]
        public void LinesReachTheHandlerWithoutTheTerminalId()
        {
            var lines = new ConcurrentQueue<Tuple<TerminalLogLevel, string>>();
            TerminalLog.SetHandler((level, line) => lines.Enqueue(Tuple.Create(level, line)), TerminalLogLevel.Debug);
            string tid = Simulator.Tid("+fault=503+times=1+on=get+polls=1");
            using (var client = Simulator.Client())
            {
                var created = client.CreatePaymentSession(tid, 1m, "USD");
                client.WaitPaymentSession(tid, created.ChallengeId, TimeSpan.FromSeconds(30));
            }
            TerminalLog.SetHandler(null);

            Assert.IsTrue(lines.Count > 0, "no log line arrived");
            Assert.IsTrue(lines.Any(l => l.Item1 == TerminalLogLevel.Info), "no info line");
            Assert.IsTrue(lines.Any(l => l.Item1 == TerminalLogLevel.Debug), "no debug line");
            Assert.IsTrue(lines.Any(l => l.Item1 == TerminalLogLevel.Warn), "no warning for the retried 503");
            string idProper = tid.Substring(0, tid.IndexOf('+'));
            Assert.IsFalse(lines.Any(l => l.Item2.Contains(idProper) || l.Item2.Contains(idProper.Substring(0, 12))),
                "a log line shows the terminal id");
        }

        [Test]
        public void TheLevelLimitsTheLines()
        {
            var lines = new ConcurrentQueue<TerminalLogLevel>();
            TerminalLog.SetHandler((level, line) => lines.Enqueue(level), TerminalLogLevel.Warn);
            using (var client = Simulator.Client())
            {
                client.CreatePaymentSession(Simulator.Tid(), 1m, "USD");
                Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(Simulator.Tid("+fault=500"), 1m, "USD"));
            }
            TerminalLog.SetHandler(null);
            Assert.IsTrue(lines.All(l => l <= TerminalLogLevel.Warn), "a line above the level arrived");
        }

        [Test]
        public void NoLinesOnceTheHandlerIsRemoved()
        {
            int count = 0;
            TerminalLog.SetHandler((level, line) => count++, TerminalLogLevel.Debug);
            TerminalLog.SetHandler(null);
            using (var client = Simulator.Client())
            {
                client.CreatePaymentSession(Simulator.Tid(), 1m, "USD");
            }
            Assert.AreEqual(0, count);
        }

        [Test]
        public void AHandlerThatThrowsDoesNotBreakCalls()
        {
            TerminalLog.SetHandler((level, line) => { throw new InvalidOperationException("handler failure"); }, TerminalLogLevel.Debug);
            using (var client = Simulator.Client())
            {
                Assert.AreEqual(PaymentStatus.Pending, client.CreatePaymentSession(Simulator.Tid(), 1m, "USD").Status);
            }
        }

        [Test]
        public void ALevelTheLibraryDoesNotKnowIsRefusedAndTheHandlerStays()
        {
            int count = 0;
            TerminalLog.SetHandler((level, line) => count++, TerminalLogLevel.Info);
            var e = Assert.Throws<AuthsignalTerminalException>(() => TerminalLog.SetHandler((level, line) => { }, (TerminalLogLevel)7));
            Assert.AreEqual(TerminalResult.InvalidArgument, e.Result);
            using (var client = Simulator.Client())
            {
                client.CreatePaymentSession(Simulator.Tid(), 1m, "USD");
            }
            Assert.Greater(count, 0);
        }
    }
}
