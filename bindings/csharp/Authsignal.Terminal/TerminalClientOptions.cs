// The settings of a TerminalClient: a plain bag of values, read once when the client is made.
using System;

namespace Authsignal.Terminal
{
    /// <summary>
    /// Settings for a <see cref="TerminalClient"/>. The client copies them when it is made,
    /// so changing an options object afterwards does not affect clients made from it.
    /// A property left at null keeps the library's default. The library checks every value
    /// (a bad one makes the <see cref="TerminalClient"/> constructor throw
    /// <see cref="AuthsignalTerminalException"/> with <see cref="TerminalResult.InvalidArgument"/>).
    /// </summary>
    public sealed class TerminalClientOptions
    {
        /// <summary>
        /// The Authsignal region to talk to (default <see cref="TerminalRegion.Us"/>).
        /// Ignored when <see cref="BaseUrl"/> is set.
        /// </summary>
        public TerminalRegion Region { get; set; } = TerminalRegion.Us;

        /// <summary>
        /// A full base URL, e.g. "https://api.authsignal.com/v1" or a local simulator's
        /// "https://127.0.0.1:8443/v1"; when set it wins over <see cref="Region"/>. https://
        /// for any host; plain http:// only for loopback hosts.
        /// </summary>
        public string BaseUrl { get; set; }

        /// <summary>
        /// The time allowed to open a connection, TCP and TLS handshake included
        /// (library default 5 s; from 1 ms to 10 minutes). Rounded up to whole milliseconds.
        /// </summary>
        public TimeSpan? ConnectTimeout { get; set; }

        /// <summary>
        /// The time allowed for one whole request, from connecting to the last byte of the
        /// answer (library default 10 s; from 1 ms to 10 minutes). Rounded up to whole milliseconds.
        /// </summary>
        public TimeSpan? RequestTimeout { get; set; }

        /// <summary>
        /// The pause between two reads of a pending session in
        /// <see cref="TerminalClient.WaitPaymentSession"/> (library default 1 s; from
        /// 100 ms to 10 minutes). Rounded up to whole milliseconds.
        /// </summary>
        public TimeSpan? PollInterval { get; set; }

        /// <summary>
        /// A PEM file of CA certificates to trust in addition to the default roots (a
        /// private CA, or a local simulator's CA). It is read when the client is made.
        /// </summary>
        public string CaFile { get; set; }

        /// <summary>
        /// True: trust the operating system's certificate store instead of Mozilla's roots
        /// (behind a corporate proxy that inspects TLS with its own CA). Default false.
        /// </summary>
        public bool UseSystemRoots { get; set; }

        /// <summary>
        /// Sends every request through this proxy ("http://host:port", "socks5://host:port")
        /// instead of the one the environment names (HTTPS_PROXY, ALL_PROXY, NO_PROXY).
        /// </summary>
        public string Proxy { get; set; }

        /// <summary>
        /// Text (printable ASCII) added to the User-Agent header after the library's and
        /// this wrapper's own tokens, so that the POS can be told apart in Authsignal's logs,
        /// e.g. "acme-pos/4.2". The library limits the whole suffix, the wrapper's token
        /// included, to 256 characters.
        /// </summary>
        public string UserAgentSuffix { get; set; }

        /// <summary>
        /// A file (or folder) for the crash-safe payment journal; null (the default) for
        /// none. With it, a create that carries a reference is recorded durably before it is
        /// sent, and a create for a reference whose last attempt is pending, completed or of
        /// unknown outcome throws <see cref="DuplicateReferenceException"/> before any network
        /// I/O, across crashes, restarts and POS processes sharing the file. Creates without
        /// a reference are not journaled. See <see cref="TerminalClient.FindPaymentSession"/>.
        /// </summary>
        public string JournalPath { get; set; }

        /// <summary>
        /// How long a create of unknown outcome, or a session last seen pending, keeps its
        /// reference blocked; null for the library's default (10 minutes).
        /// </summary>
        public TimeSpan? JournalLifetime { get; set; }

        /// <summary>
        /// How long journal entries are kept; null for the library's default (7 days).
        /// </summary>
        public TimeSpan? JournalRetention { get; set; }
    }
}
