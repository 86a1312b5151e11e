// The payment journal's refusal of a create, as its own exception type.
using System;
using System.Runtime.Serialization;

namespace Authsignal.Terminal
{
    /// <summary>
    /// The payment journal (<see cref="TerminalClientOptions.JournalPath"/>) refused a create
    /// before any network I/O: the reference's last attempt is pending, completed, or of
    /// unknown outcome. The message says which and, when known, the challenge id to wait
    /// on; <see cref="TerminalClient.FindPaymentSession"/> gives the same as an object.
    /// <see cref="AuthsignalTerminalException.Result"/> is <see cref="TerminalResult.DuplicateReference"/>.
    /// </summary>
    [Serializable]
    public class DuplicateReferenceException : AuthsignalTerminalException
    {
        /// <summary>Makes the exception, e.g. to stand in for the library in the POS's own tests.</summary>
        /// <param name="message">What the journal knows, for logs and people.</param>
        public DuplicateReferenceException(string message)
            : base(TerminalResult.DuplicateReference, message)
        {
        }

        /// <summary>Restores an exception that was serialized.</summary>
        /// <param name="info">The serialized data.</param>
        /// <param name="context">Where it comes from.</param>
        protected DuplicateReferenceException(SerializationInfo info, StreamingContext context)
            : base(info, context)
        {
        }
    }
}
