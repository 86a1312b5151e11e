// Each call against the simulator: create, get and wait, and the sessions they give.
using System;
using NUnit.Framework;

namespace Authsignal.Terminal.Tests
{
    [TestFixture]
    public class PaymentSessionTests
    {
        [Test]
        public void CreateGivesAPendingSessionWithTheReference()
        {
            using (var client = Simulator.Client())
            {
                var session = client.CreatePaymentSession(Simulator.Tid(), 12.50m, "USD", "order-42 ✓");
                Assert.IsFalse(string.IsNullOrEmpty(session.ChallengeId));
                Assert.AreEqual(PaymentSessionStatus.Pending, session.Status);
                Assert.AreEqual("PENDING", session.RawStatus);
                Assert.AreEqual("order-42 ✓", session.Reference);
            }
        }

        [Test]
        public void AReferenceOfNullOrEmptyIsAbsent()
        {
            using (var client = Simulator.Client())
            {
                Assert.IsNull(client.CreatePaymentSession(Simulator.Tid(), 1m, "USD").Reference);
                Assert.IsNull(client.CreatePaymentSession(Simulator.Tid(), 1m, "USD", "").Reference);
            }
        }

        [Test]
        public void GetReadsTheSessionByItsChallengeId()
        {
            using (var client = Simulator.Client())
            {
                string tid = Simulator.Tid("+polls=5");
                var created = client.CreatePaymentSession(tid, 7m, "EUR", "ref-get");
                var read = client.GetPaymentSession(tid, created.ChallengeId);
                Assert.AreEqual(created.ChallengeId, read.ChallengeId);
                Assert.AreEqual(PaymentSessionStatus.Pending, read.Status);
                Assert.AreEqual("ref-get", read.Reference);
            }
        }

        [Test]
        public void GetSeesTheOutcomeAfterThePendingPolls()
        {
            using (var client = Simulator.Client())
            {
                string tid = Simulator.Tid("+outcome=FAILED+polls=1");
                var created = client.CreatePaymentSession(tid, 7m, "EUR");
                Assert.AreEqual(PaymentSessionStatus.Pending, client.GetPaymentSession(tid, created.ChallengeId).Status);
                Assert.AreEqual(PaymentSessionStatus.Failed, client.GetPaymentSession(tid, created.ChallengeId).Status);
            }
        }

        [TestCase("COMPLETED", PaymentSessionStatus.Completed)]
        [TestCase("FAILED", PaymentSessionStatus.Failed)]
        [TestCase("EXPIRED", PaymentSessionStatus.Expired)]
        public void WaitEndsWithTheOutcome(string outcome, PaymentSessionStatus expected)
        {
            using (var client = Simulator.Client())
            {
                string tid = Simulator.Tid("+outcome=" + outcome + "+polls=2");
                var created = client.CreatePaymentSession(tid, 25m, "AUD");
                var done = client.WaitForPaymentSession(tid, created.ChallengeId, TimeSpan.FromSeconds(30));
                Assert.AreEqual(expected, done.Status);
                Assert.AreEqual(outcome, done.RawStatus);
                Assert.AreEqual(created.ChallengeId, done.ChallengeId);
            }
        }

        [Test]
        public void AStatusThisVersionDoesNotKnowIsUnknownWithTheRawText()
        {
            using (var client = Simulator.Client())
            {
                string tid = Simulator.Tid("+outcome=REFUNDED+polls=0");
                var created = client.CreatePaymentSession(tid, 3m, "USD");
                var done = client.WaitForPaymentSession(tid, created.ChallengeId, TimeSpan.FromSeconds(30));
                Assert.AreEqual(PaymentSessionStatus.Unknown, done.Status);
                Assert.AreEqual("REFUNDED", done.RawStatus);
                StringAssert.Contains("REFUNDED", done.ToString());
            }
        }

        [Test]
        public void WaitWithAnInfiniteTimeoutEndsWhenTheSessionDoes()
        {
            using (var client = Simulator.Client())
            {
                string tid = Simulator.Tid("+polls=1");
                var created = client.CreatePaymentSession(tid, 3m, "USD");
                var done = client.WaitForPaymentSession(tid, created.ChallengeId, System.Threading.Timeout.InfiniteTimeSpan);
                Assert.AreEqual(PaymentSessionStatus.Completed, done.Status);
            }
        }

        [Test]
        public void ASessionCanBeBuiltForThePosOwnTests()
        {
            var session = new PaymentSession("ch_1", PaymentSessionStatus.Completed, "COMPLETED", "r");
            Assert.AreEqual("ch_1", session.ChallengeId);
            Assert.AreEqual(PaymentSessionStatus.Completed, session.Status);
            Assert.AreEqual("COMPLETED", session.RawStatus);
            Assert.AreEqual("r", session.Reference);
            StringAssert.Contains("Completed", session.ToString());
        }
    }
}
