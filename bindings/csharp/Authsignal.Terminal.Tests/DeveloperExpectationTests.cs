// What a .NET developer expects of the wrapper (issue 15): an interface to fake, the
// standard argument exceptions, an exception that logs its fields, a load failure that
// says why, the Linux library in a Mono project's output, and one name per concept.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using System.Xml;
using Authsignal.Terminal.Interop;
using NUnit.Framework;

namespace Authsignal.Terminal.Tests
{
    [TestFixture]
    public class DeveloperExpectationTests
    {
        [Test]
        public void EveryPublicOperationOfTheClientIsOnTheInterface()
        {
            var onInterface = new HashSet<string>(typeof(ITerminalClient).GetMethods()
                .Concat(typeof(IDisposable).GetMethods())
                .Select(Signature));
            var operations = typeof(TerminalClient).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.DeclaringType == typeof(TerminalClient))
                .Select(Signature)
                .ToList();
            Assert.That(operations, Has.Count.GreaterThanOrEqualTo(7));
            CollectionAssert.IsSubsetOf(operations, onInterface);
            Assert.IsTrue(typeof(ITerminalClient).IsAssignableFrom(typeof(TerminalClient)));
        }

        [Test]
        public void PosCodeWrittenAgainstTheInterfaceRunsOnAFake()
        {
            var fake = new FakeTerminal(PaymentStatus.Failed);
            Assert.AreEqual(PaymentStatus.Failed, Checkout(fake, 12.50m));
            Assert.AreEqual(new[] { "create 12.50 AUD", "wait ch_fake" }, fake.Calls.ToArray());
        }

        [Test]
        public void AnAmountOfZeroOrLessIsOutOfRange()
        {
            using (var server = new CaptureServer())
            using (var client = new TerminalClient(new TerminalClientOptions { BaseUrl = server.BaseUrl }))
            {
                foreach (decimal amount in new[] { -1m, 0m, -0.01m, decimal.MinValue })
                {
                    var e = Assert.Throws<ArgumentOutOfRangeException>(() => client.CreatePaymentSession(Simulator.Tid(), amount, "USD"));
                    Assert.AreEqual("amount", e.ParamName);
                    Assert.AreEqual(amount, e.ActualValue);
                    e = Assert.Throws<ArgumentOutOfRangeException>(() => client.CreatePaymentSessionAsync(Simulator.Tid(), amount, "USD"));
                    Assert.AreEqual("amount", e.ParamName);
                }
                var tooLarge = Assert.Throws<ArgumentOutOfRangeException>(() => client.CreatePaymentSession(Simulator.Tid(), decimal.MaxValue, "USD"));
                Assert.AreEqual("amount", tooLarge.ParamName);
                Assert.AreEqual(0, server.Requests.Count, "a request was sent");
            }
        }

        [Test]
        public void AMalformedCurrencyOrTooManyPlacesIsAnArgumentException()
        {
            using (var server = new CaptureServer())
            using (var client = new TerminalClient(new TerminalClientOptions { BaseUrl = server.BaseUrl }))
            {
                // Thrown at once by the async call too, not through its task.
                var e = Assert.Throws<ArgumentException>(() => client.CreatePaymentSessionAsync(Simulator.Tid(), 1m, "U5D"));
                Assert.AreEqual("currency", e.ParamName);
                var places = Assert.Throws<ArgumentException>(() => client.CreatePaymentSession(Simulator.Tid(), 10.005m, "USD"));
                Assert.AreEqual("amount", places.ParamName);
                StringAssert.Contains("USD", places.Message);
                Assert.AreEqual(0, server.Requests.Count, "a request was sent");
            }
        }

        [Test]
        public void ALoggedExceptionKeepsItsFields()
        {
            using (var client = Simulator.Client())
            {
                var e = Assert.Throws<AuthsignalTerminalException>(
                    () => client.CreatePaymentSession("unpaired_cs_" + Guid.NewGuid().ToString("N").Substring(0, 8), 1m, "USD"));
                string logged = e.ToString();
                StringAssert.StartsWith(typeof(AuthsignalTerminalException).FullName + ": " + e.Message
                    + " [Result=Unauthorized, HttpStatus=401, ServerCode=unauthorized, OutcomeUnknown=False]", logged);
                StringAssert.Contains("at Authsignal.Terminal", logged, "the stack trace is kept");
                Assert.AreEqual(1, Regex.Matches(e.Message, "HTTP 401").Count, e.Message);
                StringAssert.Contains("terminal id, the only credential", e.Message);
                StringAssert.Contains("there is no API key", e.Message);
            }
        }

        [Test]
        public void TheStandardConstructorsExistAndOkIsNoFailure()
        {
            Assert.AreEqual(TerminalResult.Internal, new AuthsignalTerminalException().Result);
            Assert.AreEqual("boom", new AuthsignalTerminalException("boom").Message);
            var inner = new InvalidOperationException("cause");
            var wrapped = new AuthsignalTerminalException("boom", inner);
            Assert.AreSame(inner, wrapped.InnerException);
            Assert.AreEqual(TerminalResult.Internal, wrapped.Result);
            StringAssert.Contains("cause", wrapped.ToString());
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new AuthsignalTerminalException(TerminalResult.Ok, "fine"));
            Assert.AreEqual("result", e.ParamName);
        }

        [Test]
        public void ATlsFailureNamesTheDotNetSettings()
        {
            using (var client = new TerminalClient(new TerminalClientOptions { BaseUrl = Simulator.BaseUrl }))
            {
                var e = Assert.Throws<AuthsignalTerminalException>(() => client.CreatePaymentSession(Simulator.Tid(), 1m, "USD"));
                Assert.AreEqual(TerminalResult.Tls, e.Result);
                StringAssert.Contains("use the system trust store", e.Message);
                StringAssert.Contains("TerminalClientOptions.UseSystemRoots = true", e.Message);
                StringAssert.Contains("TerminalClientOptions.CaFile", e.Message);
                StringAssert.DoesNotContain("set_use_system_roots", e.Message);
            }
        }

        [Test]
        public void ALoadFailureNamesThePathAndTheWin32Error()
        {
            string message = NativeLibraryLoader.LoadFailure(@"C:\pos\runtimes\win-x64\native\authsignal_terminal.dll", 126);
            StringAssert.Contains(@"C:\pos\runtimes\win-x64\native\authsignal_terminal.dll", message);
            StringAssert.Contains("Win32 error 126 (0x7E", message);
        }

        [Test]
        public void AMonoProjectOnLinuxGetsTheLinuxLibraryInItsOutputFolder()
        {
            // The package's targets, evaluated as MSBuild would for a .NET Framework project
            // (what Mono builds) against a package holding the linux-x64 library.
            if (Type.GetType("Mono.Runtime") == null)
            {
                // CoreCLR 3.1's System.Xml loads OpenSSL 1.x, which Debian 12 does not have;
                // the run on Mono checks this.
                Assert.Ignore("System.Xml needs OpenSSL 1.x on CoreCLR 3.1");
            }
            string package = Path.Combine(Path.GetTempPath(), "as-targets-" + Guid.NewGuid().ToString("N"));
            string targetsDirectory = Path.Combine(package, "build", "net461");
            string native = Path.Combine(package, "runtimes", "linux-x64", "native");
            Directory.CreateDirectory(targetsDirectory);
            Directory.CreateDirectory(native);
            try
            {
                File.WriteAllText(Path.Combine(native, "libauthsignal_terminal.so"), "stand-in");
                var copied = OutputFiles(
                    Path.Combine(Repo.Root, "bindings", "csharp", "Authsignal.Terminal", "build", "Authsignal.Terminal.targets"),
                    targetsDirectory + Path.DirectorySeparatorChar,
                    ".NETFramework");
                Assert.IsTrue(copied.ContainsKey("libauthsignal_terminal.so"), string.Join(", ", copied.Keys));
                Assert.AreEqual(Path.GetFullPath(Path.Combine(native, "libauthsignal_terminal.so")), copied["libauthsignal_terminal.so"]);
                // The name a DllImport of "authsignal_terminal" looks for beside the assembly.
                Assert.AreEqual("lib" + NativeMethods.Library + ".so", NativeLibraryLocator.Locate(NativeOs.Linux, NativeArchitecture.X64).FileName);
                Assert.IsEmpty(OutputFiles(
                    Path.Combine(Repo.Root, "bindings", "csharp", "Authsignal.Terminal", "build", "Authsignal.Terminal.targets"),
                    targetsDirectory + Path.DirectorySeparatorChar,
                    ".NETCoreApp"), ".NET Core reads runtimes/ itself");
            }
            finally
            {
                Directory.Delete(package, true);
            }
        }

        [Test]
        public void EachRuntimeRunsItsOwnBranchOfTheLocator()
        {
            // coreclr.sh builds the wrapper with NETSTANDARD (RuntimeInformation); build.sh,
            // for Mono, without it (Environment.OSVersion and the pointer size). Which copy
            // of the library each branch picks: PackagingTests.ThisProcessNeeds...

            bool usesRuntimeInformation = typeof(TerminalClient).Assembly.GetReferencedAssemblies()
                .Any(a => a.Name == "System.Runtime.InteropServices.RuntimeInformation");
            Assert.AreEqual(Type.GetType("Mono.Runtime") == null, usesRuntimeInformation);
        }

        [Test]
        public void OneNamePerConcept()
        {
            Assert.IsNotNull(typeof(TerminalClient).GetMethod("WaitPaymentSession"));
            Assert.IsNotNull(typeof(PaymentSession).GetProperty("StatusRaw"));
            Assert.AreEqual("PaymentStatus", typeof(PaymentSession).GetProperty("Status").PropertyType.Name);
            string readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
            foreach (string name in new[] { "WaitPaymentSession", "StatusRaw", "PaymentStatus", "CreatePaymentSession", "GetPaymentSession" })
            {
                StringAssert.Contains("`" + name, readme, "the README's table of names lacks " + name);
            }
        }

        /// <summary>
        /// The files the targets copy to the output folder (Link → source), for one target
        /// framework: the subset of MSBuild these targets use (ItemGroup and None conditions
        /// on the framework and Exists, $(MSBuildThisFileDirectory)).
        /// </summary>
        private static Dictionary<string, string> OutputFiles(string targetsPath, string thisFileDirectory, string framework)
        {
            var copied = new Dictionary<string, string>();
            Func<string, string> expand = text => text
                .Replace("$(MSBuildThisFileDirectory)", thisFileDirectory)
                .Replace("$(TargetFrameworkIdentifier)", framework)
                .Replace('\\', Path.DirectorySeparatorChar);
            Func<XmlElement, bool> holds = element =>
            {
                if (!element.HasAttribute("Condition"))
                {
                    return true;
                }
                string condition = element.GetAttribute("Condition");
                string text = expand(condition).Trim();
                var equals = Regex.Match(text, @"^'([^']*)'\s*==\s*'([^']*)'$");
                if (equals.Success)
                {
                    return equals.Groups[1].Value == equals.Groups[2].Value;
                }
                var exists = Regex.Match(text, @"^Exists\('([^']*)'\)$");
                Assert.IsTrue(exists.Success, "a condition this test cannot evaluate: " + condition);
                return File.Exists(exists.Groups[1].Value);
            };
            var document = new XmlDocument();
            document.LoadXml(File.ReadAllText(targetsPath));
            var names = new XmlNamespaceManager(document.NameTable);
            names.AddNamespace("m", "http://schemas.microsoft.com/developer/msbuild/2003");
            foreach (var group in document.SelectNodes("/m:Project/m:ItemGroup", names).Cast<XmlElement>().Where(holds))
            {
                foreach (var item in group.SelectNodes("m:None", names).Cast<XmlElement>().Where(holds))
                {
                    Assert.AreEqual("PreserveNewest", item.GetAttribute("CopyToOutputDirectory"));
                    copied[expand(item.GetAttribute("Link")).Replace(Path.DirectorySeparatorChar, '/')] =
                        Path.GetFullPath(expand(item.GetAttribute("Include")));
                }
            }
            return copied;
        }

        private static PaymentStatus Checkout(ITerminalClient terminal, decimal amount)
        {
            var session = terminal.CreatePaymentSession("tid_fake_0001", amount, "AUD");
            return terminal.WaitPaymentSession("tid_fake_0001", session.ChallengeId, TimeSpan.FromMinutes(2)).Status;
        }

        private static string Signature(MethodInfo method)
        {
            return method.ReturnType + " " + method.Name + "(" + string.Join(", ", method.GetParameters().Select(p => p.ParameterType.ToString())) + ")";
        }

        /// <summary>A stand-in for the Terminal API, as a POS's own tests would write one.</summary>
        private sealed class FakeTerminal : ITerminalClient
        {
            private readonly PaymentStatus outcome;

            internal FakeTerminal(PaymentStatus outcome)
            {
                this.outcome = outcome;
            }

            internal List<string> Calls { get; } = new List<string>();

            public PaymentSession CreatePaymentSession(string terminalId, decimal amount, string currency, string reference = null)
            {
                Calls.Add("create " + amount.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + currency);
                return new PaymentSession("ch_fake", PaymentStatus.Pending, "PENDING", reference);
            }

            public Task<PaymentSession> CreatePaymentSessionAsync(string terminalId, decimal amount, string currency,
                string reference = null, CancellationToken cancellationToken = default(CancellationToken))
            {
                return Task.FromResult(CreatePaymentSession(terminalId, amount, currency, reference));
            }

            public PaymentSession GetPaymentSession(string terminalId, string challengeId)
            {
                Calls.Add("get " + challengeId);
                return new PaymentSession(challengeId, outcome, outcome.ToString().ToUpperInvariant(), null);
            }

            public Task<PaymentSession> GetPaymentSessionAsync(string terminalId, string challengeId,
                CancellationToken cancellationToken = default(CancellationToken))
            {
                return Task.FromResult(GetPaymentSession(terminalId, challengeId));
            }

            public PaymentSession WaitPaymentSession(string terminalId, string challengeId, TimeSpan timeout,
                CancellationToken cancellationToken = default(CancellationToken))
            {
                Calls.Add("wait " + challengeId);
                return new PaymentSession(challengeId, outcome, outcome.ToString().ToUpperInvariant(), null);
            }

            public Task<PaymentSession> WaitPaymentSessionAsync(string terminalId, string challengeId, TimeSpan timeout,
                CancellationToken cancellationToken = default(CancellationToken))
            {
                return Task.FromResult(WaitPaymentSession(terminalId, challengeId, timeout, cancellationToken));
            }

            public JournalEntry FindPaymentSession(string reference)
            {
                Calls.Add("find " + reference);
                return null;
            }

            public void ForgetReference(string reference)
            {
                Calls.Add("forget " + reference);
            }

            public TerminalDiagnosis Diagnose(string terminalId = null)
            {
                Calls.Add("diagnose");
                return null;
            }

            public void Dispose()
            {
            }
        }
    }
}
