// The C# benchmark clients on Mono: this library through its wrapper (lib), and
// System.Net.Http.HttpClient (httpclient) sending the same request.
//
//   mono Bench.exe CLIENT seq N WARMUP | CLIENT threads T N WARMUP | CLIENT cold
//
// Reads BENCH_BASE_URL, BENCH_CA_FILE and BENCH_TERMINAL_ID (never printed). Prints one
// JSON line like the C clients (benches/c/bench_common.h). HttpClient gets the settings a
// careful POS developer would give it (no Expect: 100-continue, no Nagle, a connection
// limit above the thread count) and trusts the simulator's CA through a validation
// callback that accepts only chains ending in that CA.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using Authsignal.Terminal;

static class Bench
{
    const string Body = "{\"amount\":12.5,\"currency\":\"USD\",\"reference\":\"bench\"}";
    const string Version = "0.1.0";

    interface IClient : IDisposable
    {
        bool Call();
    }

    sealed class LibClient : IClient
    {
        readonly TerminalClient client;
        readonly string terminalId;

        public LibClient(string baseUrl, string caFile, string terminalId)
        {
            client = new TerminalClient(new TerminalClientOptions { BaseUrl = baseUrl, CaFile = caFile });
            this.terminalId = terminalId;
        }

        public bool Call()
        {
            PaymentSession s = client.CreatePaymentSession(terminalId, 12.5m, "USD", "bench");
            return s.Status == PaymentStatus.Pending && !string.IsNullOrEmpty(s.ChallengeId);
        }

        public void Dispose() { client.Dispose(); }
    }

    sealed class HttpClientClient : IClient
    {
        readonly HttpClient client;
        readonly Uri url;
        readonly byte[] body = Encoding.UTF8.GetBytes(Body);
        static readonly MediaTypeHeaderValue Json = new MediaTypeHeaderValue("application/json");

        public HttpClientClient(string baseUrl, string caFile, string terminalId)
        {
            ServicePointManager.Expect100Continue = false;
            ServicePointManager.UseNagleAlgorithm = false;
            ServicePointManager.DefaultConnectionLimit = 16;
            X509Certificate2 ca = ReadPem(caFile);
            var handler = new HttpClientHandler { AllowAutoRedirect = false };
            // Mono cannot build a chain over the simulator's ECDSA certificates
            // (NotSupportedException: unknown OID 1.2.840.10045.2.1), so this accepts a
            // certificate whose only fault is its chain when the simulator's CA issued it.
            // It runs once per TLS handshake, not per call.
            string caSubject = ca.Subject;
            handler.ServerCertificateCustomValidationCallback = (message, cert, chain, errors) =>
                errors == SslPolicyErrors.None
                || (errors == SslPolicyErrors.RemoteCertificateChainErrors && cert.Issuer == caSubject);
            client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
            client.DefaultRequestHeaders.TryAddWithoutValidation("x-authsignal-terminal", terminalId);
            client.DefaultRequestHeaders.TryAddWithoutValidation("X-Authsignal-Version", Version);
            client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", "authsignal-terminal/" + Version + " (linux; x86_64)");
            client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "application/json");
            url = new Uri(baseUrl + "/terminal/payment-session");
        }

        static X509Certificate2 ReadPem(string path)
        {
            string pem = File.ReadAllText(path);
            int start = pem.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);
            int end = pem.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal);
            string b64 = pem.Substring(start + 27, end - start - 27);
            return new X509Certificate2(Convert.FromBase64String(b64.Replace("\r", "").Replace("\n", "")));
        }

        public bool Call()
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = Json;
            using (HttpResponseMessage r = client.PostAsync(url, content).GetAwaiter().GetResult())
            {
                string text = r.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                return r.StatusCode == HttpStatusCode.OK && text.Contains("\"challengeId\"") && text.Contains("\"PENDING\"");
            }
        }

        public void Dispose() { client.Dispose(); }
    }

    static long MaxRssKb()
    {
        foreach (string line in File.ReadAllLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Substring(6).Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }

    static double CpuUs() { return Process.GetCurrentProcess().TotalProcessorTime.Ticks / 10.0; }

    static string F(double v) { return v.ToString("0.###", CultureInfo.InvariantCulture); }

    static int failures;
    static bool shown;

    static bool Checked(IClient c)
    {
        try
        {
            if (c.Call()) return true;
        }
        catch (Exception e)
        {
            if (!shown)
            {
                shown = true;
                for (Exception x = e; x != null; x = x.InnerException) Console.Error.WriteLine("call failed: " + x.GetType().Name + ": " + x.Message);
            }
        }
        Interlocked.Increment(ref failures);
        return false;
    }

    static int Main(string[] args)
    {
        if (args.Length < 2) { Console.Error.WriteLine("usage: Bench.exe lib|httpclient seq N WARMUP | threads T N WARMUP | cold"); return 2; }
        string name = args[0], mode = args[1];
        string baseUrl = Environment.GetEnvironmentVariable("BENCH_BASE_URL");
        string caFile = Environment.GetEnvironmentVariable("BENCH_CA_FILE");
        string terminalId = Environment.GetEnvironmentVariable("BENCH_TERMINAL_ID");
        string label = name == "lib" ? "csharp-lib" : "csharp-httpclient";
        IClient client = name == "lib" ? (IClient)new LibClient(baseUrl, caFile, terminalId)
                                       : new HttpClientClient(baseUrl, caFile, terminalId);
        if (mode == "cold")
        {
            bool ok = Checked(client);
            long ns = (DateTime.UtcNow - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).Ticks * 100;
            Console.WriteLine("{\"client\":\"" + label + "\",\"mode\":\"cold\",\"calls\":1,\"failed\":" + (ok ? 0 : 1)
                              + ",\"first_answer_ns\":" + ns + ",\"maxrss_kb\":" + MaxRssKb() + "}");
            client.Dispose();
            return ok ? 0 : 1;
        }
        int threads = mode == "threads" ? int.Parse(args[2]) : 1;
        int calls = int.Parse(args[mode == "threads" ? 3 : 2]);
        int warmup = int.Parse(args[mode == "threads" ? 4 : 3]);
        var lat = new List<long>(calls);
        double ticksPerUs = Stopwatch.Frequency / 1e6;
        double cpu0 = 0, cpu1 = 0;
        var wall = new Stopwatch();
        if (threads == 1)
        {
            for (int i = 0; i < warmup; i++) Checked(client);
            cpu0 = CpuUs();
            wall.Start();
            for (int i = 0; i < calls; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Checked(client);
                lat.Add(Stopwatch.GetTimestamp() - t0);
            }
            wall.Stop();
            cpu1 = CpuUs();
        }
        else
        {
            var barrier = new Barrier(threads + 1);
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                int n = calls / threads + (t < calls % threads ? 1 : 0);
                workers[t] = new Thread(() =>
                {
                    for (int i = 0; i < warmup; i++) Checked(client);
                    var mine = new List<long>(n);
                    barrier.SignalAndWait();
                    barrier.SignalAndWait();
                    for (int i = 0; i < n; i++)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        Checked(client);
                        mine.Add(Stopwatch.GetTimestamp() - t0);
                    }
                    lock (lat) lat.AddRange(mine);
                });
                workers[t].Start();
            }
            barrier.SignalAndWait();
            cpu0 = CpuUs();
            wall.Start();
            barrier.SignalAndWait();
            foreach (Thread w in workers) w.Join();
            wall.Stop();
            cpu1 = CpuUs();
        }
        lat.Sort();
        double wallS = wall.ElapsedTicks / (double)Stopwatch.Frequency;
        double p50 = lat[lat.Count / 2] / ticksPerUs;
        double p99 = lat[Math.Min(lat.Count - 1, (int)(lat.Count * 0.99))] / ticksPerUs;
        Console.WriteLine("{\"client\":\"" + label + "\",\"mode\":\"" + mode + "\",\"threads\":" + threads
                          + ",\"calls\":" + calls + ",\"failed\":" + failures + ",\"wall_s\":" + F(wallS)
                          + ",\"rps\":" + F(calls / wallS) + ",\"p50_us\":" + F(p50) + ",\"p99_us\":" + F(p99)
                          + ",\"cpu_us_per_call\":" + F((cpu1 - cpu0) / calls) + ",\"maxrss_kb\":" + MaxRssKb() + "}");
        client.Dispose();
        return failures == 0 ? 0 : 1;
    }
}
