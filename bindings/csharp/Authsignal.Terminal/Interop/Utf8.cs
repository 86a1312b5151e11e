// Strings across the C ABI: NUL-terminated UTF-8 both ways, converted by hand because
// netstandard2.0 has no UTF-8 string marshalling that every runtime honours.
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Authsignal.Terminal.Interop
{
    internal static class Utf8
    {
        // Throws on unpaired surrogates instead of silently sending U+FFFD.
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);

        /// <summary>A required string argument: ArgumentNullException when null.</summary>
        internal static byte[] Required(string value, string paramName)
        {
            if (value == null)
            {
                throw new ArgumentNullException(paramName);
            }
            return ToNative(value, paramName);
        }

        /// <summary>An optional string argument: null stays null (a NULL pointer).</summary>
        internal static byte[] Optional(string value, string paramName)
        {
            return value == null ? null : ToNative(value, paramName);
        }

        private static byte[] ToNative(string value, string paramName)
        {
            // A C string ends at its first NUL: refuse rather than silently send less.
            if (value.IndexOf('\0') >= 0)
            {
                throw new ArgumentException("the string contains a NUL character, which a C string cannot carry", paramName);
            }
            int length;
            try
            {
                length = Strict.GetByteCount(value);
            }
            catch (EncoderFallbackException e)
            {
                throw new ArgumentException("the string is not valid UTF-16 (an unpaired surrogate)", paramName, e);
            }
            var bytes = new byte[length + 1];
            Strict.GetBytes(value, 0, value.Length, bytes, 0);
            return bytes;
        }

        /// <summary>Copies a borrowed NUL-terminated UTF-8 string; null for a NULL pointer.</summary>
        internal static string FromNative(IntPtr pointer)
        {
            if (pointer == IntPtr.Zero)
            {
                return null;
            }
            int length = 0;
            while (Marshal.ReadByte(pointer, length) != 0)
            {
                length++;
            }
            var bytes = new byte[length];
            Marshal.Copy(pointer, bytes, 0, length);
            return Encoding.UTF8.GetString(bytes);
        }
    }
}
