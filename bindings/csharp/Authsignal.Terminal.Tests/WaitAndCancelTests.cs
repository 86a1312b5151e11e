// Waiting, and ending a wait through a CancellationToken (which fires the native cancel token).
using System;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Authsignal.Terminal.Tests
{
    [TestFixture]
    public class WaitAndCancelTests
    {
        // Generous: timings on a shared machine are noisy; these only catch a wait that hangs.
        private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

        [Test]
        public void CancellingTheTokenEndsASyncWait()
        {
            using (var client = Simulator.Client())
            using (var cts = new CancellationTokenSource())
            {
                string tid = Simulator.Tid("+outcome=PENDING");
                var created = client.CreatePaymentSession(tid, 1m, "USD");
                cts.CancelAfter(300);
                var e = Assert.Catch<OperationCanceledException>(
                    () => client.WaitPaymentSession(tid, created.ChallengeId, Long, cts.Token));
                Assert.AreEqual(cts.Token, e.CancellationToken);
                var inner = e.InnerException as AuthsignalTerminalException;
                Assert.IsNotNull(inner, "the library's exception is the inner one");
                Assert.AreEqual(TerminalResult.Cancelled, inner.Result);
            }
        }

        [Test]
        public void CancellingDuringASlowReadEndsTheWait()
        {
            using (var client = Simulator.Client())
            using (var cts = new CancellationTokenSource())
            {
                // The delay holds every answer for this id, the create's too.
                string tid = Simulator.Tid("+outcome=PENDING+delay=2000");
                var created = client.CreatePaymentSession(tid, 1m, "USD");
                cts.CancelAfter(300);
                Assert.Catch<OperationCanceledException>(
                    () => client.WaitPaymentSession(tid, created.ChallengeId, Long, cts.Token));
            }
        }

        [Test]
        public void AnAlreadyCancelledTokenThrowsAtOnce()
        {
            using (var client = Simulator.Client())
            using (var cts = new CancellationTokenSource())
            {
                cts.Cancel();
                var e = Assert.Catch<OperationCanceledException>(
                    () => client.WaitPaymentSession(Simulator.Tid(), "ch_1", Long, cts.Token));
                Assert.AreEqual(cts.Token, e.CancellationToken);
            }
        }

        [Test]
        public void CancellingAnAsyncWaitCancelsItsTask()
        {
            using (var client = Simulator.Client())
            using (var cts = new CancellationTokenSource())
            {
                string tid = Simulator.Tid("+outcome=PENDING");
                var created = client.CreatePaymentSession(tid, 1m, "USD");
                var task = client.WaitPaymentSessionAsync(tid, created.ChallengeId, Long, cts.Token);
                Thread.Sleep(200);
                Assert.IsFalse(task.IsCompleted);
                cts.Cancel();
                Assert.Catch<OperationCanceledException>(() => task.GetAwaiter().GetResult());
                Assert.IsTrue(task.IsCanceled);
            }
        }

        [Test]
        public void OneTokenCancelsManyWaits()
        {
            using (var client = Simulator.Client())
            using (var cts = new CancellationTokenSource())
            {
                var tasks = new Task<PaymentSession>[6];
                for (int i = 0; i < tasks.Length; i++)
                {
                    string tid = Simulator.Tid("+outcome=PENDING");
                    var created = client.CreatePaymentSession(tid, 1m, "USD");
                    tasks[i] = client.WaitPaymentSessionAsync(tid, created.ChallengeId, Long, cts.Token);
                }
                cts.CancelAfter(300);
                foreach (var task in tasks)
                {
                    Assert.Catch<OperationCanceledException>(() => task.GetAwaiter().GetResult());
                    Assert.IsTrue(task.IsCanceled);
                }
            }
        }

        [Test]
        public void AnUncancelledTokenLetsTheWaitFinish()
        {
            using (var client = Simulator.Client())
            using (var cts = new CancellationTokenSource())
            {
                string tid = Simulator.Tid("+polls=2");
                var created = client.CreatePaymentSession(tid, 1m, "USD");
                var done = client.WaitPaymentSession(tid, created.ChallengeId, Long, cts.Token);
                Assert.AreEqual(PaymentStatus.Completed, done.Status);
                cts.Cancel(); // after the wait: the freed native token must not be touched
            }
        }

        [Test]
        public void TheWaitTimeoutEndsInStillPendingNotCancelled()
        {
            using (var client = Simulator.Client())
            using (var cts = new CancellationTokenSource())
            {
                string tid = Simulator.Tid("+outcome=PENDING");
                var created = client.CreatePaymentSession(tid, 1m, "USD");
                var task = client.WaitPaymentSessionAsync(tid, created.ChallengeId, TimeSpan.FromMilliseconds(400), cts.Token);
                var e = Assert.Throws<AuthsignalTerminalException>(() => task.GetAwaiter().GetResult());
                Assert.AreEqual(TerminalResult.StillPending, e.Result);
                Assert.IsTrue(task.IsFaulted);
            }
        }
    }
}
