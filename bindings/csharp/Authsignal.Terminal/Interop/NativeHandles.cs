// SafeHandle owners of the native objects: each is freed exactly once, by Dispose or, if
// that was forgotten, by the runtime's critical finalizer; and never while a P/Invoke call
// that was given the handle is still running (the marshaller holds a reference meanwhile).
using System;
using System.Threading;
using Microsoft.Win32.SafeHandles;

namespace Authsignal.Terminal.Interop
{
    internal abstract class NativeHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private static long releasedCount;

        protected NativeHandle()
            : base(true)
        {
        }

        /// <summary>How many native objects this process has freed through a handle (for tests and diagnostics).</summary>
        internal static long ReleasedCount
        {
            get { return Interlocked.Read(ref releasedCount); }
        }

        protected sealed override bool ReleaseHandle()
        {
            Free(handle);
            Interlocked.Increment(ref releasedCount);
            return true;
        }

        protected abstract void Free(IntPtr pointer);
    }

    internal sealed class ClientHandle : NativeHandle
    {
        protected override void Free(IntPtr pointer)
        {
            NativeMethods.as_client_free(pointer);
        }
    }

    internal sealed class ClientOptionsHandle : NativeHandle
    {
        protected override void Free(IntPtr pointer)
        {
            NativeMethods.as_client_options_free(pointer);
        }
    }

    internal sealed class PaymentSessionHandle : NativeHandle
    {
        protected override void Free(IntPtr pointer)
        {
            NativeMethods.as_payment_session_free(pointer);
        }
    }

    internal sealed class JournalEntryHandle : NativeHandle
    {
        protected override void Free(IntPtr pointer)
        {
            NativeMethods.as_journal_entry_free(pointer);
        }
    }

    internal sealed class CancelTokenHandle : NativeHandle
    {
        protected override void Free(IntPtr pointer)
        {
            NativeMethods.as_cancel_token_free(pointer);
        }
    }
}
