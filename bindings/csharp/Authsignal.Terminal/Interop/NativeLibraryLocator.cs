// Which copy of the native library a process needs: a pure function from the operating
// system and the process's architecture to a NuGet runtime identifier and the file's path
// in the package's runtimes/<rid>/native/ layout, plus the detection of the current ones.
using System;
#if NETSTANDARD || NETCOREAPP
using System.Runtime.InteropServices;
#else
using System.IO;
#endif

namespace Authsignal.Terminal.Interop
{
    internal enum NativeOs
    {
        Windows,
        Linux,
        MacOS,
    }

    internal enum NativeArchitecture
    {
        X86,
        X64,
        Arm,
        Arm64,
    }

    /// <summary>Where one copy of the native library sits, relative to the wrapper's assembly.</summary>
    internal sealed class NativeLibraryLocation
    {
        internal NativeLibraryLocation(string runtimeIdentifier, string fileName)
        {
            RuntimeIdentifier = runtimeIdentifier;
            FileName = fileName;
        }

        /// <summary>The NuGet runtime identifier, e.g. "win-x86", "linux-x64".</summary>
        internal string RuntimeIdentifier { get; }

        /// <summary>The library's file name on that system, e.g. "authsignal_terminal.dll".</summary>
        internal string FileName { get; }

        /// <summary>The package-relative path, always with '/': "runtimes/win-x86/native/authsignal_terminal.dll".</summary>
        internal string RelativePath
        {
            get { return "runtimes/" + RuntimeIdentifier + "/native/" + FileName; }
        }
    }

    internal static class NativeLibraryLocator
    {
        internal static NativeLibraryLocation Locate(NativeOs os, NativeArchitecture architecture)
        {
            string osPart;
            string fileName;
            switch (os)
            {
                case NativeOs.Windows:
                    osPart = "win";
                    fileName = NativeMethods.Library + ".dll";
                    break;
                case NativeOs.Linux:
                    osPart = "linux";
                    fileName = "lib" + NativeMethods.Library + ".so";
                    break;
                case NativeOs.MacOS:
                    osPart = "osx";
                    fileName = "lib" + NativeMethods.Library + ".dylib";
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(os), os, null);
            }
            string archPart;
            switch (architecture)
            {
                case NativeArchitecture.X86: archPart = "x86"; break;
                case NativeArchitecture.X64: archPart = "x64"; break;
                case NativeArchitecture.Arm: archPart = "arm"; break;
                case NativeArchitecture.Arm64: archPart = "arm64"; break;
                default: throw new ArgumentOutOfRangeException(nameof(architecture), architecture, null);
            }
            return new NativeLibraryLocation(osPart + "-" + archPart, fileName);
        }

        /// <summary>The copy this process needs.</summary>
        internal static NativeLibraryLocation Current()
        {
            return Locate(CurrentOs(), CurrentArchitecture());
        }

        internal static NativeOs CurrentOs()
        {
#if NETSTANDARD || NETCOREAPP
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return NativeOs.Windows;
            }
            return RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? NativeOs.MacOS : NativeOs.Linux;
#else
            // Built for .NET Framework / Mono (e.g. by bindings/csharp/build.sh), where
            // RuntimeInformation may be absent. Mono reports macOS as Unix.
            switch (Environment.OSVersion.Platform)
            {
                case PlatformID.Win32NT:
                case PlatformID.Win32Windows:
                case PlatformID.Win32S:
                case PlatformID.WinCE:
                    return NativeOs.Windows;
                case PlatformID.MacOSX:
                    return NativeOs.MacOS;
                default:
                    return Directory.Exists("/System/Library/CoreServices") ? NativeOs.MacOS : NativeOs.Linux;
            }
#endif
        }

        /// <summary>The architecture of this process (not of the machine: a 32-bit process on 64-bit Windows is x86).</summary>
        internal static NativeArchitecture CurrentArchitecture()
        {
#if NETSTANDARD || NETCOREAPP
            switch (RuntimeInformation.ProcessArchitecture)
            {
                case Architecture.X86: return NativeArchitecture.X86;
                case Architecture.Arm: return NativeArchitecture.Arm;
                case Architecture.Arm64: return NativeArchitecture.Arm64;
                default: return NativeArchitecture.X64;
            }
#else
            // The pointer size is the process's bitness, whatever the machine is.
            return IntPtr.Size == 4 ? NativeArchitecture.X86 : NativeArchitecture.X64;
#endif
        }
    }
}
