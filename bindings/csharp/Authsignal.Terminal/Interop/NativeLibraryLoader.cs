// Loads the right copy of the native library on runtimes that do not read the NuGet
// runtimes/<rid>/native/ layout themselves.
//
// .NET Core and .NET 5+ resolve the library from that layout (through the app's
// deps.json). .NET Framework does not: an AnyCPU or "Prefer 32-bit" POS may run as a
// 32-bit or a 64-bit process, and loading the other bitness fails. So on Windows the
// wrapper loads runtimes/<rid>/native/authsignal_terminal.dll beside its own assembly
// (the package's build targets copy both win-x86 and win-x64 there) with LoadLibrary
// before the first call; the later DllImport then finds that module already loaded by
// name. Elsewhere, and when no such file exists, the normal loader path is used.
using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Authsignal.Terminal.Interop
{
    internal static class NativeLibraryLoader
    {
        private const uint LoadWithAlteredSearchPath = 0x00000008;

        internal static void EnsureLoaded()
        {
            var location = NativeLibraryLocator.Current();
            if (NativeLibraryLocator.CurrentOs() != NativeOs.Windows)
            {
                return;
            }
            foreach (var directory in CandidateDirectories())
            {
                string path = Path.Combine(directory, location.RelativePath.Replace('/', Path.DirectorySeparatorChar));
                if (File.Exists(path) && LoadLibraryExW(path, IntPtr.Zero, LoadWithAlteredSearchPath) != IntPtr.Zero)
                {
                    return;
                }
            }
        }

        private static string[] CandidateDirectories()
        {
            string assemblyDirectory = null;
            try
            {
                string location = typeof(NativeLibraryLoader).Assembly.Location;
                if (!string.IsNullOrEmpty(location))
                {
                    assemblyDirectory = Path.GetDirectoryName(location);
                }
            }
            catch (NotSupportedException)
            {
                // A dynamic or in-memory assembly has no location.
            }
            // A shadow-copied assembly (ASP.NET) sits away from its files: also look in the
            // application's own directories.
            var domain = AppDomain.CurrentDomain;
            string privateBin = string.IsNullOrEmpty(domain.RelativeSearchPath)
                ? null
                : Path.Combine(domain.BaseDirectory, domain.RelativeSearchPath);
            return new[] { assemblyDirectory, privateBin, domain.BaseDirectory }
                .Where(d => !string.IsNullOrEmpty(d))
                .ToArray();
        }

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibraryExW(string fileName, IntPtr file, uint flags);
    }
}
