// Which native library copy a process needs, and the versions the package carries.
using System;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using Authsignal.Terminal.Interop;
using NUnit.Framework;

namespace Authsignal.Terminal.Tests
{
    [TestFixture]
    public class PackagingTests
    {
        [TestCase("Windows", "X86", "win-x86", "runtimes/win-x86/native/authsignal_terminal.dll")]
        [TestCase("Windows", "X64", "win-x64", "runtimes/win-x64/native/authsignal_terminal.dll")]
        [TestCase("Windows", "Arm64", "win-arm64", "runtimes/win-arm64/native/authsignal_terminal.dll")]
        [TestCase("Linux", "X64", "linux-x64", "runtimes/linux-x64/native/libauthsignal_terminal.so")]
        [TestCase("Linux", "Arm64", "linux-arm64", "runtimes/linux-arm64/native/libauthsignal_terminal.so")]
        [TestCase("MacOS", "X64", "osx-x64", "runtimes/osx-x64/native/libauthsignal_terminal.dylib")]
        [TestCase("MacOS", "Arm64", "osx-arm64", "runtimes/osx-arm64/native/libauthsignal_terminal.dylib")]
        public void TheLocatorMapsSystemAndBitnessToACopy(string os, string architecture, string rid, string path)
        {
            var location = NativeLibraryLocator.Locate(
                (NativeOs)Enum.Parse(typeof(NativeOs), os),
                (NativeArchitecture)Enum.Parse(typeof(NativeArchitecture), architecture));
            Assert.AreEqual(rid, location.RuntimeIdentifier);
            Assert.AreEqual(path, location.RelativePath);
        }

        [Test]
        public void ThisProcessNeedsTheCopyOfItsOwnSystemAndBitness()
        {
            var location = NativeLibraryLocator.Current();
            string machine = Run("uname", "-m");
            if (Environment.OSVersion.Platform == PlatformID.Unix && machine == "x86_64" && Environment.Is64BitProcess
                && !Directory.Exists("/System/Library/CoreServices"))
            {
                Assert.AreEqual("linux-x64", location.RuntimeIdentifier);
                Assert.AreEqual("runtimes/linux-x64/native/libauthsignal_terminal.so", location.RelativePath);
            }
            else
            {
                Assert.Ignore("checked on Linux x86_64 only; this is " + machine);
            }
        }

        [Test]
        public void PreloadingIsHarmlessWhereTheLoaderFindsTheLibrary()
        {
            Assert.DoesNotThrow(NativeLibraryLoader.EnsureLoaded);
        }

        [Test]
        public void TheBindingVersionIsThePackageVersion()
        {
            string csproj = File.ReadAllText(Path.Combine(Repo.Root, "bindings", "csharp", "Authsignal.Terminal", "Authsignal.Terminal.csproj"));
            var version = Regex.Match(csproj, "<Version>([^<]+)</Version>");
            Assert.IsTrue(version.Success, "the .csproj has no <Version>");
            Assert.AreEqual(version.Groups[1].Value, TerminalClient.BindingVersion);
        }

        [Test]
        public void TheLibraryVersionIsTheHeaders()
        {
            string header = File.ReadAllText(Path.Combine(Repo.Root, "include", "authsignal_terminal.h"));
            var version = Regex.Match(header, "#define AS_VERSION_STRING \"([^\"]+)\"");
            Assert.IsTrue(version.Success);
            Assert.AreEqual(version.Groups[1].Value, TerminalClient.LibraryVersion);
        }

        private static string Run(string file, string arguments)
        {
            try
            {
                var info = new ProcessStartInfo(file, arguments) { UseShellExecute = false, RedirectStandardOutput = true };
                using (var process = Process.Start(info))
                {
                    string output = process.StandardOutput.ReadToEnd().Trim();
                    process.WaitForExit();
                    return output;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return "";
            }
        }
    }
}
