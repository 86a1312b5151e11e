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
                Assert.AreEqual(PaymentStatus.Pending, session.Status);
                Assert.AreEqual("PENDING", session.StatusRaw);
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
                Assert.AreEqual(PaymentStatus.Pending, read.Status);
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
                Assert.AreEqual(PaymentStatus.Pending, client.GetPaymentSession(tid, created.ChallengeId).Status);
                Assert.AreEqual(PaymentStatus.Failed, client.GetPaymentSession(tid, created.ChallengeId).Status);
            }
        }

        [TestCase("COMPLETED", PaymentStatus.Completed)]
        [TestCase("FAILED", PaymentStatus.Failed)]
        [TestCase("EXPIRED", PaymentStatus.Expired)]
        public void WaitEndsWithTheOutcome(string outcome, PaymentStatus expected)
        {
            using (var client = Simulator.Client())
            {
                string tid = Simulator.Tid("+outcome=" + outcome + "+polls=2");
                var created = client.CreatePaymentSession(tid, 25m, "AUD");
                var done = client.WaitPaymentSession(tid, created.ChallengeId, TimeSpan.FromSeconds(30));
                Assert.AreEqual(expected, done.Status);
                Assert.AreEqual(outcome, done.StatusRaw);
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
                var done = client.WaitPaymentSession(tid, created.ChallengeId, TimeSpan.FromSeconds(30));
                Assert.AreEqual(PaymentStatus.Unknown, done.Status);
                Assert.AreEqual("REFUNDED", done.StatusRaw);
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
                var done = client.WaitPaymentSession(tid, created.ChallengeId, System.Threading.Timeout.InfiniteTimeSpan);
                Assert.AreEqual(PaymentStatus.Completed, done.Status);
            }
        }

        [Test]
        public void ASessionCanBeBuiltForThePosOwnTests()
        {
            var session = new PaymentSession("ch_1", PaymentStatus.Completed, "COMPLETED", "r");
            Assert.AreEqual("ch_1", session.ChallengeId);
            Assert.AreEqual(PaymentStatus.Completed, session.Status);
            Assert.AreEqual("COMPLETED", session.StatusRaw);
            Assert.AreEqual("r", session.Reference);
            StringAssert.Contains("Completed", session.ToString());
        }
    }
}
