// The Task-returning calls, and many of them at once on one client.
using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Authsignal.Terminal.Tests
{
    [TestFixture]
    public class AsyncTests
    {
        [Test]
        public void CreateGetAndWaitAsync()
        {
            using (var client = Simulator.Client())
            {
                string tid = Simulator.Tid("+outcome=FAILED+polls=2");
                var created = client.CreatePaymentSessionAsync(tid, 19.99m, "GBP", "async-1").GetAwaiter().GetResult();
                Assert.AreEqual(PaymentStatus.Pending, created.Status);
                Assert.AreEqual("async-1", created.Reference);
                var read = client.GetPaymentSessionAsync(tid, created.ChallengeId).GetAwaiter().GetResult();
                Assert.AreEqual(created.ChallengeId, read.ChallengeId);
                var done = client.WaitPaymentSessionAsync(tid, created.ChallengeId, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
                Assert.AreEqual(PaymentStatus.Failed, done.Status);
            }
        }

        [Test]
        public void AnAsyncCallFaultsWithTheLibrarysError()
        {
            using (var client = Simulator.Client())
            {
                var task = client.CreatePaymentSessionAsync("unpaired_cs_async_01", 1m, "USD");
                var e = Assert.Throws<AuthsignalTerminalException>(() => task.GetAwaiter().GetResult());
                Assert.AreEqual(TerminalResult.Unauthorized, e.Result);
                Assert.AreEqual(401, e.HttpStatus);
                Assert.IsTrue(task.IsFaulted);
            }
        }

        [Test]
        public void ACancelledTokenStopsACreateBeforeItIsSent()
        {
            using (var server = new CaptureServer())
            using (var client = new TerminalClient(new TerminalClientOptions { BaseUrl = server.BaseUrl }))
            using (var cts = new CancellationTokenSource())
            {
                cts.Cancel();
                var create = client.CreatePaymentSessionAsync(Simulator.Tid(), 1m, "USD", null, cts.Token);
                var get = client.GetPaymentSessionAsync(Simulator.Tid(), "ch_1", cts.Token);
                Assert.Catch<OperationCanceledException>(() => create.GetAwaiter().GetResult());
                Assert.Catch<OperationCanceledException>(() => get.GetAwaiter().GetResult());
                Assert.IsTrue(create.IsCanceled && get.IsCanceled);
                Assert.AreEqual(0, server.Requests.Count, "a request was sent");
            }
        }

        [Test]
        public void ManyTasksOnOneClient()
        {
            using (var client = Simulator.Client())
            {
                var outcomes = new[] { "COMPLETED", "FAILED", "EXPIRED" };
                var tasks = Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
                {
                    string tid = Simulator.Tid("+outcome=" + outcomes[i % 3] + "+polls=1");
                    var created = await client.CreatePaymentSessionAsync(tid, i + 1, "USD", "order-" + i).ConfigureAwait(false);
                    var done = await client.WaitPaymentSessionAsync(tid, created.ChallengeId, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                    return Tuple.Create(i, created, done);
                })).ToArray();
                Assert.IsTrue(Task.WaitAll(tasks, TimeSpan.FromSeconds(120)), "the tasks did not finish");
                foreach (var t in tasks)
                {
                    int i = t.Result.Item1;
                    Assert.AreEqual("order-" + i, t.Result.Item2.Reference);
                    Assert.AreEqual(t.Result.Item2.ChallengeId, t.Result.Item3.ChallengeId);
                    Assert.AreEqual(outcomes[i % 3], t.Result.Item3.StatusRaw);
                }
                Assert.AreEqual(24, tasks.Select(t => t.Result.Item2.ChallengeId).Distinct().Count());
            }
        }

        [Test]
        public void ManyThreadsShareOneClientSynchronously()
        {
            using (var client = Simulator.Client())
            {
                var failures = 0;
                var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
                {
                    try
                    {
                        for (int n = 0; n < 5; n++)
                        {
                            string tid = Simulator.Tid();
                            var created = client.CreatePaymentSession(tid, 2.5m, "CAD");
                            client.GetPaymentSession(tid, created.ChallengeId);
                        }
                    }
                    catch (Exception)
                    {
                        Interlocked.Increment(ref failures);
                    }
                })).ToList();
                threads.ForEach(t => t.Start());
                threads.ForEach(t => t.Join());
                Assert.AreEqual(0, failures);
            }
        }
    }
}
