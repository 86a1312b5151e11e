// The Authsignal regions, with the numbers of the C ABI's as_region.
namespace Authsignal.Terminal
{
    /// <summary>
    /// An Authsignal region: which base URL a <see cref="TerminalClient"/> talks to
    /// (the C ABI's <c>as_region</c>, same numbers).
    /// </summary>
    public enum TerminalRegion
    {
        /// <summary>US (Oregon), the default: https://api.authsignal.com/v1</summary>
        Us = 0,

        /// <summary>AU (Sydney): https://au.api.authsignal.com/v1</summary>
        Au = 1,

        /// <summary>EU (Dublin): https://eu.api.authsignal.com/v1</summary>
        Eu = 2,

        /// <summary>CA (Canada): https://ca.api.authsignal.com/v1</summary>
        Ca = 3,
    }
}
