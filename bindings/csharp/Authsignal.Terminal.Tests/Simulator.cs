// The Terminal API simulator the tests talk to: the one scripts/with-simulator.sh started
// (SIM_BASE_URL, SIM_CA_FILE), or else one this test run starts itself and stops at the end.
using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Authsignal.Terminal;

namespace Authsignal.Terminal.Tests
{
    internal static class Simulator
    {
        private static readonly Lazy<Endpoint> Shared = new Lazy<Endpoint>(Start, LazyThreadSafetyMode.ExecutionAndPublication);
        private static int counter;

        internal static string BaseUrl
        {
            get { return Shared.Value.BaseUrl; }
        }

        internal static string CaFile
        {
            get { return Shared.Value.CaFile; }
        }

        /// <summary>Options for the simulator over HTTPS, polling fast so waits stay short.</summary>
        internal static TerminalClientOptions Options()
        {
            return new TerminalClientOptions
            {
                BaseUrl = BaseUrl,
                CaFile = CaFile,
                PollInterval = TimeSpan.FromMilliseconds(100),
            };
        }

        internal static TerminalClient Client()
        {
            return new TerminalClient(Options());
        }

        /// <summary>
        /// A terminal id no other test uses (the simulator counts faults per id), followed by
        /// the simulator's directives, e.g. "+outcome=FAILED+polls=0". Tests never print it.
        /// </summary>
        internal static string Tid(string directives = "")
        {
            return "tid_cs_" + Guid.NewGuid().ToString("N").Substring(0, 12) + "_" + Interlocked.Increment(ref counter) + directives;
        }

        private static Endpoint Start()
        {
            string baseUrl = Environment.GetEnvironmentVariable("SIM_BASE_URL");
            if (!string.IsNullOrEmpty(baseUrl))
            {
                string caFile = Environment.GetEnvironmentVariable("SIM_CA_FILE");
                return new Endpoint(baseUrl, string.IsNullOrEmpty(caFile) ? null : caFile, null);
            }
            return Launch();
        }

        private static Endpoint Launch()
        {
            string path = Environment.GetEnvironmentVariable("SIM")
                ?? Path.Combine(Repo.Root, "target", "release", "authsignal-terminal-sim");
            var info = new ProcessStartInfo(path, "--port 0 --quiet")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                CreateNoWindow = true,
            };
            var process = Process.Start(info);
            string baseUrl = null;
            string caFile = null;
            string line;
            while ((line = process.StandardOutput.ReadLine()) != null && line != "READY")
            {
                if (line.StartsWith("BASE_URL=", StringComparison.Ordinal))
                {
                    baseUrl = line.Substring("BASE_URL=".Length);
                }
                else if (line.StartsWith("CA_FILE=", StringComparison.Ordinal))
                {
                    caFile = line.Substring("CA_FILE=".Length);
                }
            }
            if (line != "READY" || baseUrl == null)
            {
                throw new InvalidOperationException("the simulator did not get ready: " + path);
            }
            var endpoint = new Endpoint(baseUrl, caFile, process);
            AppDomain.CurrentDomain.DomainUnload += (s, e) => endpoint.Stop();
            AppDomain.CurrentDomain.ProcessExit += (s, e) => endpoint.Stop();
            return endpoint;
        }

        private sealed class Endpoint
        {
            private readonly Process process;

            internal Endpoint(string baseUrl, string caFile, Process process)
            {
                BaseUrl = baseUrl;
                CaFile = caFile;
                this.process = process;
            }

            internal string BaseUrl { get; }

            internal string CaFile { get; }

            internal void Stop()
            {
                if (process == null || process.HasExited)
                {
                    return;
                }
                // SIGTERM lets the simulator remove its CA directory; kill if it lingers.
                try
                {
                    kill(process.Id, 15);
                }
                catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
                {
                    // A runtime without a "libc" mapping: fall through to Kill.
                }
                if (!process.WaitForExit(5000))
                {
                    process.Kill();
                }
            }

            [DllImport("libc", SetLastError = true)]
            private static extern int kill(int pid, int signal);
        }
    }

    /// <summary>The repository's root, found from the test assembly's place under it.</summary>
    internal static class Repo
    {
        internal static string Root
        {
            get
            {
                var dir = new DirectoryInfo(Path.GetDirectoryName(typeof(Repo).Assembly.Location));
                while (dir != null && !File.Exists(Path.Combine(dir.FullName, "include", "authsignal_terminal.h")))
                {
                    dir = dir.Parent;
                }
                if (dir == null)
                {
                    throw new InvalidOperationException("the tests must run from under the repository (target/csharp)");
                }
                return dir.FullName;
            }
        }
    }
}
