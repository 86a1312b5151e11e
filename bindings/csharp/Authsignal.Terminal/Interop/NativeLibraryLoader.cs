// Loads the right copy of the native library on runtimes that do not read the NuGet
// runtimes/<rid>/native/ layout themselves.
//
// .NET Core and .NET 5+ resolve the library from that layout (through the app's
// deps.json). .NET Framework does not: an AnyCPU or "Prefer 32-bit" POS may run as a
// 32-bit or a 64-bit process, and loading the other bitness fails. So on Windows the
// wrapper loads runtimes/<rid>/native/authsignal_terminal.dll beside its own assembly
// (the package's build targets copy both win-x86 and win-x64 there) with LoadLibrary
// before the first call; the later DllImport then finds that module already loaded by
// name. Elsewhere, and when no such file exists, the normal loader path is used. When a
// file exists but Windows cannot load it (a missing runtime DLL, the wrong bitness), the
// DllNotFoundException names the path tried and Windows' error code, instead of the bare
// one a later DllImport would throw.
using System;
using System.ComponentModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

namespace Authsignal.Terminal.Interop
{
    internal static class NativeLibraryLoader
    {
        private const uint LoadWithAlteredSearchPath = 0x00000008;

        // Loaded once; a failure is kept and thrown again by every later call.
        private static readonly Lazy<bool> Loaded = new Lazy<bool>(Load, LazyThreadSafetyMode.ExecutionAndPublication);

        /// <summary>
        /// Loads the copy this process needs, once. Every public entry point calls it before
        /// its first native call, so a failure reaches the caller as itself, not wrapped in a
        /// TypeInitializationException.
        /// </summary>
        /// <exception cref="DllNotFoundException">A copy exists but Windows could not load it.</exception>
        internal static void EnsureLoaded()
        {
            _ = Loaded.Value;
        }

        private static bool Load()
        {
            var location = NativeLibraryLocator.Current();
            if (NativeLibraryLocator.CurrentOs() != NativeOs.Windows)
            {
                return true;
            }
            string failures = null;
            foreach (var directory in CandidateDirectories())
            {
                string path = Path.Combine(directory, location.RelativePath.Replace('/', Path.DirectorySeparatorChar));
                if (!File.Exists(path))
                {
                    continue;
                }
                if (LoadLibraryExW(path, IntPtr.Zero, LoadWithAlteredSearchPath) != IntPtr.Zero)
                {
                    return true;
                }
                failures = (failures == null ? "" : failures + "; ") + LoadFailure(path, Marshal.GetLastWin32Error());
            }
            if (failures != null)
            {
                throw new DllNotFoundException("cannot load the native library " + NativeMethods.Library + ": " + failures);
            }
            return true;
        }

        /// <summary>What one failed LoadLibraryExW says: the path, Windows' error code and its text.</summary>
        internal static string LoadFailure(string path, int win32Error)
        {
            return string.Format(CultureInfo.InvariantCulture,
                "LoadLibraryExW(\"{0}\") failed with Win32 error {1} (0x{1:X}: {2})",
                path, win32Error, new Win32Exception(win32Error).Message);
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
