// Smoke test of the Authsignal.Terminal NuGet package (run by bindings/package-test.sh):
// compiled against lib/netstandard2.0/Authsignal.Terminal.dll of the extracted package,
// run with the package's native library. Prints one "ok - ..." or "not ok - ..." line
// per check; exits 1 when any failed. The terminal id is a secret: only its last 4
// characters are ever printed.
//
//   mono Smoke.exe EXPECTED_VERSION      with SIM_BASE_URL and SIM_CA_FILE set
using System;
using Authsignal.Terminal;

internal static class Smoke
{
    private static int failures;

    private static void Check(string name, bool condition, string detail = null)
    {
        if (condition)
        {
            Console.WriteLine("ok - " + name);
        }
        else
        {
            failures++;
            Console.WriteLine("not ok - " + name + (detail == null ? "" : ": " + detail));
        }
    }

    private static int Main(string[] args)
    {
        string expected = args[0];
        const string terminalId = "tid_nuget_smoke_0001";
        string shown = "..." + terminalId.Substring(terminalId.Length - 4);
        try
        {
            Check("nupkg: BindingVersion is Cargo.toml's", TerminalClient.BindingVersion == expected, TerminalClient.BindingVersion);
            string library = TerminalClient.LibraryVersion;
            Check("nupkg: LibraryVersion (as_version) is Cargo.toml's", library == expected, library);
            var options = new TerminalClientOptions
            {
                BaseUrl = Environment.GetEnvironmentVariable("SIM_BASE_URL"),
                CaFile = Environment.GetEnvironmentVariable("SIM_CA_FILE"),
                PollInterval = TimeSpan.FromMilliseconds(100),
            };
            using (var client = new TerminalClient(options))
            {
                PaymentSession session = client.CreatePaymentSession(terminalId, 12.50m, "USD", "nuget-smoke");
                Check("nupkg: created a payment session on terminal " + shown, session.Status == PaymentStatus.Pending);
                PaymentSession done = client.WaitPaymentSession(terminalId, session.ChallengeId, TimeSpan.FromSeconds(30));
                Check("nupkg: the session on terminal " + shown + " completed", done.Status == PaymentStatus.Completed, done.StatusRaw);
                Check("nupkg: the reference came back", done.Reference == "nuget-smoke", done.Reference);
            }
        }
        catch (AuthsignalTerminalException e)
        {
            Check("nupkg: create + wait against the simulator", false, e.Result + ": " + e.Message);
        }
        catch (DllNotFoundException e)
        {
            Check("nupkg: the native library was found", false, e.Message);
        }
        return failures == 0 ? 0 : 1;
    }
}
