// TimeSpan to the C ABI's uint32 milliseconds.
using System;
using System.Threading;

namespace Authsignal.Terminal.Interop
{
    internal static class Milliseconds
    {
        /// <summary>
        /// Whole milliseconds, rounded up so that a short positive span never becomes 0.
        /// Only what a uint32 cannot hold is refused here; the library judges the rest.
        /// </summary>
        internal static uint From(TimeSpan value, string paramName)
        {
            if (value < TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(paramName, value, "must not be negative");
            }
            long ms = value.Ticks / TimeSpan.TicksPerMillisecond
                + (value.Ticks % TimeSpan.TicksPerMillisecond == 0 ? 0 : 1);
            if (ms > uint.MaxValue)
            {
                throw new ArgumentOutOfRangeException(paramName, value, "must be at most " + uint.MaxValue + " ms");
            }
            return (uint)ms;
        }

        /// <summary>As <see cref="From"/>, with <see cref="Timeout.InfiniteTimeSpan"/> meaning the longest wait the library can take (about 49.7 days).</summary>
        internal static uint FromWaitTimeout(TimeSpan value, string paramName)
        {
            return value == Timeout.InfiniteTimeSpan ? uint.MaxValue : From(value, paramName);
        }
    }
}
