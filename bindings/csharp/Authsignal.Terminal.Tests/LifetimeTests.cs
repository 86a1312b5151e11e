// Native handles: Dispose twice, calls after Dispose, and the finalizer for a forgotten Dispose.
using System;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;
using Authsignal.Terminal.Interop;
using NUnit.Framework;

namespace Authsignal.Terminal.Tests
{
    [TestFixture]
    public class LifetimeTests
    {
        [Test]
        public void DisposeTwiceDoesNothingTheSecondTime()
        {
            var client = Simulator.Client();
            long before = NativeHandle.ReleasedCount;
            client.Dispose();
            Assert.AreEqual(before + 1, NativeHandle.ReleasedCount);
            Assert.DoesNotThrow(client.Dispose);
            Assert.AreEqual(before + 1, NativeHandle.ReleasedCount);
        }

        [Test]
        public void CallsAfterDisposeThrowObjectDisposed()
        {
            var client = Simulator.Client();
            client.Dispose();
            Assert.Throws<ObjectDisposedException>(() => client.CreatePaymentSession(Simulator.Tid(), 1m, "USD"));
            Assert.Throws<ObjectDisposedException>(() => client.GetPaymentSession(Simulator.Tid(), "ch_1"));
            Assert.Throws<ObjectDisposedException>(() => client.WaitPaymentSession(Simulator.Tid(), "ch_1", TimeSpan.FromSeconds(1)));
            var task = client.GetPaymentSessionAsync(Simulator.Tid(), "ch_1");
            Assert.Throws<ObjectDisposedException>(() => task.GetAwaiter().GetResult());
        }

        [Test]
        public void DisposeDuringAWaitLetsTheWaitFinishFirst()
        {
            var client = Simulator.Client();
            string tid = Simulator.Tid("+polls=3");
            var created = client.CreatePaymentSession(tid, 1m, "USD");
            var task = client.WaitPaymentSessionAsync(tid, created.ChallengeId, TimeSpan.FromSeconds(60));
            Thread.Sleep(100);
            client.Dispose();
            Assert.AreEqual(PaymentStatus.Completed, task.GetAwaiter().GetResult().Status);
            Assert.Throws<ObjectDisposedException>(() => client.GetPaymentSession(tid, created.ChallengeId));
        }

        [Test]
        public void SessionsAndOptionsAreFreedAsSoonAsTheyAreRead()
        {
            using (var client = Simulator.Client())
            {
                long before = NativeHandle.ReleasedCount;
                string tid = Simulator.Tid("+polls=0");
                var created = client.CreatePaymentSession(tid, 1m, "USD");
                client.GetPaymentSession(tid, created.ChallengeId);
                client.WaitPaymentSession(tid, created.ChallengeId, TimeSpan.FromSeconds(30));
                // Three sessions and the wait's cancel token.
                Assert.AreEqual(before + 4, NativeHandle.ReleasedCount);
            }
        }

        [Test]
        public void AForgottenClientIsFreedByTheFinalizer()
        {
            WeakReference handle = null;
            // Made on a thread that then ends, so no stale stack slot (Mono scans stacks
            // conservatively) keeps the client reachable.
            var thread = new Thread(() =>
            {
                var client = Simulator.Client();
                client.CreatePaymentSession(Simulator.Tid(), 1m, "USD");
                var field = typeof(TerminalClient).GetField("handle", BindingFlags.NonPublic | BindingFlags.Instance);
                handle = new WeakReference(field.GetValue(client));
            });
            thread.Start();
            thread.Join();
            // Every other test disposes what it makes, so the only native object left to
            // free is the forgotten client's.
            long before = NativeHandle.ReleasedCount;
            for (int i = 0; i < 100 && NativeHandle.ReleasedCount == before; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Thread.Sleep(20);
            }
            Assert.IsFalse(handle.IsAlive, "the forgotten client's handle is still reachable");
            Assert.AreEqual(before + 1, NativeHandle.ReleasedCount, "the finalizer did not free the client");
        }

        [Test]
        public void AClosedHandleIsNeverFreedAgain()
        {
            ClientOptionsHandle options;
            Assert.AreEqual(TerminalResult.Ok, NativeMethods.as_client_options_new(out options));
            long before = NativeHandle.ReleasedCount;
            options.Dispose();
            options.Dispose();
            options.Close();
            Assert.AreEqual(before + 1, NativeHandle.ReleasedCount);
            Assert.IsTrue(options.IsClosed);
        }

        [Test]
        public void TheLibraryAcceptsFreeingNull()
        {
            Assert.DoesNotThrow(() =>
            {
                NativeMethods.as_client_free(IntPtr.Zero);
                NativeMethods.as_client_options_free(IntPtr.Zero);
                NativeMethods.as_payment_session_free(IntPtr.Zero);
                NativeMethods.as_cancel_token_free(IntPtr.Zero);
            });
        }
    }
}
