// The payment journal from .NET: JournalPath, DuplicateReferenceException,
// FindPaymentSession after a restart (a new client on the same file), ForgetReference.
// The journal's crash and race proofs are the Rust tests (tests/journal.rs).
using System;
using System.IO;
using NUnit.Framework;

namespace Authsignal.Terminal.Tests
{
    [TestFixture]
    public class JournalTests
    {
        private string folder;

        [SetUp]
        public void MakeFolder()
        {
            folder = Path.Combine(Path.GetTempPath(), "as-cs-journal-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
        }

        [TearDown]
        public void RemoveFolder()
        {
            Directory.Delete(folder, true);
        }

        private TerminalClient JournalClient()
        {
            var options = Simulator.Options();
            options.JournalPath = Path.Combine(folder, "pos.journal");
            options.JournalLifetime = TimeSpan.FromMinutes(10);
            options.JournalRetention = TimeSpan.FromDays(7);
            return new TerminalClient(options);
        }

        [Test]
        public void ASecondCreateForAReferenceIsRefusedAndARestartResumesTheWait()
        {
            string tid = Simulator.Tid("+outcome=COMPLETED+polls=1");
            string challengeId;
            using (var client = JournalClient())
            {
                challengeId = client.CreatePaymentSession(tid, 12.50m, "USD", "cs-order-1").ChallengeId;
                var e = Assert.Throws<DuplicateReferenceException>(() => client.CreatePaymentSession(tid, 12.50m, "USD", "cs-order-1"));
                Assert.AreEqual(TerminalResult.DuplicateReference, e.Result);
                StringAssert.Contains(challengeId, e.Message);
                Assert.IsFalse(e.OutcomeUnknown);
                Assert.IsInstanceOf<AuthsignalTerminalException>(e);
            }
            using (var restarted = JournalClient())
            {
                JournalEntry entry = restarted.FindPaymentSession("cs-order-1");
                Assert.IsNotNull(entry);
                Assert.AreEqual("cs-order-1", entry.Reference);
                Assert.AreEqual(challengeId, entry.ChallengeId);
                Assert.AreEqual(PaymentStatus.Pending, entry.Status);
                Assert.AreEqual("PENDING", entry.StatusRaw);
                Assert.IsFalse(entry.OutcomeUnknown);
                Assert.LessOrEqual(entry.CreatedAt, DateTimeOffset.UtcNow);
                var done = restarted.WaitPaymentSession(tid, entry.ChallengeId, TimeSpan.FromSeconds(30));
                Assert.AreEqual(PaymentStatus.Completed, done.Status);
                Assert.AreEqual(PaymentStatus.Completed, restarted.FindPaymentSession("cs-order-1").Status);
                Assert.IsNull(restarted.FindPaymentSession("cs-never"));
                restarted.ForgetReference("cs-order-1");
                Assert.IsNull(restarted.FindPaymentSession("cs-order-1"));
                restarted.CreatePaymentSession(tid, 12.50m, "USD", "cs-order-1");
            }
        }

        [Test]
        public void AJournalDeletedUnderTheClientIsReportedOnTheSessionAndRefusesTheNextCreate()
        {
            string tid = Simulator.Tid("+outcome=COMPLETED+polls=1");
            using (var client = JournalClient())
            {
                var started = client.CreatePaymentSession(tid, 5m, "USD", "cs-deleted");
                Assert.IsNull(started.JournalError);
                if (Environment.OSVersion.Platform != PlatformID.Unix)
                {
                    return; // Windows does not let an open journal be deleted.
                }
                foreach (string suffix in new[] { "", "-wal", "-shm" })
                {
                    File.Delete(Path.Combine(folder, "pos.journal" + suffix));
                }
                var done = client.WaitPaymentSession(tid, started.ChallengeId, TimeSpan.FromSeconds(30));
                Assert.AreEqual(PaymentStatus.Completed, done.Status);
                Assert.IsNotNull(done.JournalError);
                StringAssert.Contains("deleted", done.JournalError);
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(tid, 5m, "USD", "cs-other"));
                Assert.AreEqual(TerminalResult.Journal, e.Result);
            }
        }

        [Test]
        public void AnUnknownOutcomeIsKeptWithoutAChallengeId()
        {
            string tid = Simulator.Tid("+fault=503+on=create+times=1");
            using (var client = JournalClient())
            {
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(tid, 5m, "USD", "cs-order-503"));
                Assert.IsTrue(e.OutcomeUnknown);
                JournalEntry entry = client.FindPaymentSession("cs-order-503");
                Assert.IsTrue(entry.OutcomeUnknown);
                Assert.IsNull(entry.ChallengeId);
                Assert.IsNull(entry.Status);
                Assert.Throws<DuplicateReferenceException>(() => client.CreatePaymentSession(tid, 5m, "USD", "cs-order-503"));
            }
        }

        [Test]
        public void AJournalThatCannotBeOpenedAndAClientWithoutOne()
        {
            string file = Path.Combine(folder, "not-a-journal");
            File.WriteAllText(file, "just text, not a journal");
            var options = Simulator.Options();
            options.JournalPath = file;
            var e = Assert.Throws<AuthsignalTerminalException>(() => new TerminalClient(options).Dispose());
            Assert.AreEqual(TerminalResult.Journal, e.Result);
            StringAssert.Contains(file, e.Message);
            using (var client = Simulator.Client())
            {
                var none = Assert.Throws<AuthsignalTerminalException>(() => client.FindPaymentSession("r"));
                Assert.AreEqual(TerminalResult.InvalidArgument, none.Result);
                Assert.Throws<ArgumentNullException>(() => client.ForgetReference(null));
            }
        }
    }
}
