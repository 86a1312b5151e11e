//! The exit codes a POS script branches on, and the one place that maps a payment status
//! or a library error to them. README.md and `--help` list the same table.

use authsignal_terminal::{Error, ErrorKind, PaymentStatus};

/// How a command ended, as its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The payment is COMPLETED, or `doctor` found no failure.
    Completed = 0,
    /// The payment FAILED (declined).
    Failed = 1,
    /// Invalid usage or input: caught before anything was sent.
    Usage = 2,
    /// The payment EXPIRED: nobody acted in time.
    Expired = 3,
    /// Still PENDING when the wait ended.
    Pending = 4,
    /// Unknown: a create may have reached the server, or the server sent a status this
    /// version does not know. The terminal may be prompting.
    Unknown = 5,
    /// The server refused the terminal id (HTTP 401).
    Unauthorized = 6,
    /// Network, DNS, proxy, TLS or a timeout: the server could not be reached in time.
    Network = 7,
    /// The server answered with an error (4xx other than 401, 5xx, 429, an unusable answer).
    Server = 8,
    /// A bug in this program or the library.
    Internal = 9,
    /// The payment journal (`--journal`) refused a second create for this reference: an
    /// earlier attempt is pending, paid, or of unknown outcome. Nothing was sent.
    DuplicateReference = 10,
    /// The payment journal could not be opened, read or written. Nothing was sent. (A
    /// journal that fails after the payment was sent does not change the exit code: it
    /// is the payment's, and the failure is reported beside it.)
    Journal = 11,
    /// `doctor`: no check failed, but at least one was skipped (no terminal id given),
    /// so it cannot say that payments will work.
    Incomplete = 12,
    /// Ctrl-C stopped the command.
    Interrupted = 130,
}

impl Outcome {
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The name in `--json` output (`"outcome"`).
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Completed => "COMPLETED",
            Outcome::Failed => "FAILED",
            Outcome::Usage => "USAGE",
            Outcome::Expired => "EXPIRED",
            Outcome::Pending => "PENDING",
            Outcome::Unknown => "OUTCOME_UNKNOWN",
            Outcome::Unauthorized => "UNAUTHORIZED",
            Outcome::Network => "NETWORK",
            Outcome::Server => "SERVER",
            Outcome::Internal => "INTERNAL",
            Outcome::DuplicateReference => "DUPLICATE_REFERENCE",
            Outcome::Journal => "JOURNAL",
            Outcome::Incomplete => "INCOMPLETE",
            Outcome::Interrupted => "INTERRUPTED",
        }
    }

    pub fn of_status(status: PaymentStatus) -> Outcome {
        match status {
            PaymentStatus::Completed => Outcome::Completed,
            PaymentStatus::Failed => Outcome::Failed,
            PaymentStatus::Expired => Outcome::Expired,
            PaymentStatus::Pending => Outcome::Pending,
            _ => Outcome::Unknown,
        }
    }

    pub fn of_error(error: &Error) -> Outcome {
        if error.outcome_unknown() {
            return Outcome::Unknown;
        }
        Outcome::of_kind(error.kind())
    }

    pub fn of_kind(kind: ErrorKind) -> Outcome {
        match kind {
            ErrorKind::InvalidArgument => Outcome::Usage,
            ErrorKind::Unauthorized => Outcome::Unauthorized,
            ErrorKind::Timeout | ErrorKind::Network | ErrorKind::Tls => Outcome::Network,
            ErrorKind::InvalidRequest
            | ErrorKind::NotFound
            | ErrorKind::RateLimited
            | ErrorKind::ServerError
            | ErrorKind::Protocol => Outcome::Server,
            ErrorKind::StillPending => Outcome::Pending,
            ErrorKind::Cancelled => Outcome::Interrupted,
            ErrorKind::DuplicateReference => Outcome::DuplicateReference,
            ErrorKind::Journal => Outcome::Journal,
            _ => Outcome::Internal,
        }
    }
}

/// The table `--help` ends with (README.md has the same).
pub const EXIT_CODES_HELP: &str = "\
Exit codes (a POS script can branch on them without reading the output):
    0    COMPLETED: the payment went through (doctor: every check passed;
         forget: the reference is forgotten, or the journal did not know it)
    1    FAILED: the payment was declined or failed
    2    invalid usage or input (nothing was sent; forget: not confirmed)
    3    EXPIRED: nobody acted on the terminal in time
    4    PENDING: still pending when the wait ended; wait again
    5    outcome unknown: the payment may have started; the terminal may be
         prompting. Check it (get/wait) before paying again
    6    unauthorized: the server refused the terminal id (HTTP 401)
    7    network: DNS, connect, proxy, TLS or a timeout
    8    server error: the server answered with an error or an unusable answer
    9    internal error (a bug; please report it)
   10    duplicate reference: with --journal, an earlier payment for this
         reference is pending, paid or of unknown outcome; nothing was sent.
         Check it with get/wait and the same --journal (forget: refused, the
         reference is paid)
   11    journal: the --journal file could not be opened, read or written;
         nothing was sent. A journal that fails once the payment was sent (its
         file deleted or replaced meanwhile) keeps the payment's exit code and
         is reported beside it (stderr; --json: journal_error)
   12    doctor: no check failed, but one was skipped (no terminal id given)
  130    stopped with Ctrl-C";
