// TerminalClient.Diagnose: the library's diagnosis through the C ABI, never a payment,
// never the terminal id in clear.
using System;
using NUnit.Framework;

namespace Authsignal.Terminal.Tests
{
    [TestFixture]
    public class DiagnoseTests
    {
        [Test]
        public void DiagnoseReportsEachCheckAndHidesTheId()
        {
            using (var client = Simulator.Client())
            {
                string tid = Simulator.Tid();
                TerminalDiagnosis accepted = client.Diagnose(tid);
                Assert.IsTrue(accepted.Passed, "the simulator passes every check");
                StringAssert.Contains("[  ok  ] terminal_id", accepted.Text);
                StringAssert.Contains("No payment was started.", accepted.Text);
                StringAssert.Contains("\"accepted\": true", accepted.Json);

                TerminalDiagnosis refused = client.Diagnose("unpaired_" + tid);
                Assert.IsFalse(refused.Passed);
                StringAssert.Contains("[ fail ] terminal_id", refused.Text);
                StringAssert.Contains("\"accepted\": false", refused.Json);

                foreach (var d in new[] { accepted, refused })
                {
                    Assert.IsFalse(d.Text.Contains(tid) || d.Json.Contains(tid), "the diagnosis shows the terminal id");
                }
                StringAssert.Contains("[skipped] terminal_id", client.Diagnose().Text);
            }
        }
    }
}
