package com.authsignal.terminal.internal;

import com.authsignal.terminal.AuthsignalTerminalException;
import com.authsignal.terminal.DuplicateReferenceException;
import com.authsignal.terminal.InternalException;
import com.authsignal.terminal.InvalidArgumentException;
import com.authsignal.terminal.InvalidRequestException;
import com.authsignal.terminal.JournalException;
import com.authsignal.terminal.NetworkException;
import com.authsignal.terminal.NotFoundException;
import com.authsignal.terminal.ProtocolException;
import com.authsignal.terminal.RateLimitedException;
import com.authsignal.terminal.ServerErrorException;
import com.authsignal.terminal.StillPendingException;
import com.authsignal.terminal.TerminalResult;
import com.authsignal.terminal.TerminalTimeoutException;
import com.authsignal.terminal.TlsException;
import com.authsignal.terminal.UnauthorizedException;
import com.authsignal.terminal.WaitCancelledException;

/** The one place that turns a failed native call into an exception. */
public final class NativeError {
    private NativeError() {
    }

    /** Throws the exception for a failed call; nothing for {@code AS_RESULT_OK}. */
    public static void check(int result) throws AuthsignalTerminalException {
        if (result != 0) {
            throw fromLastError(result);
        }
    }

    /**
     * The exception for {@code result} from the calling thread's last error. Call it right
     * after the failing call, on the same thread: the strings are valid until its next call.
     */
    public static AuthsignalTerminalException fromLastError(int result) {
        NativeMethods lib = NativeLibrary.get();
        String message = Utf8.fromNative(lib.as_last_error_message());
        String serverCode = Utf8.fromNative(lib.as_last_error_server_code());
        int httpStatus = lib.as_last_error_http_status();
        boolean outcomeUnknown = lib.as_last_error_outcome_unknown() != 0;
        if (message == null || message.isEmpty()) {
            message = resultName(result);
        }
        switch (TerminalResult.fromCode(result)) {
            case INVALID_ARGUMENT:
                return new InvalidArgumentException(message, httpStatus, serverCode, outcomeUnknown);
            case UNAUTHORIZED:
                return new UnauthorizedException(message, httpStatus, serverCode, outcomeUnknown);
            case INVALID_REQUEST:
                return new InvalidRequestException(message, httpStatus, serverCode, outcomeUnknown);
            case NOT_FOUND:
                return new NotFoundException(message, httpStatus, serverCode, outcomeUnknown);
            case RATE_LIMITED:
                return new RateLimitedException(message, httpStatus, serverCode, outcomeUnknown);
            case SERVER_ERROR:
                return new ServerErrorException(message, httpStatus, serverCode, outcomeUnknown);
            case TIMEOUT:
                return new TerminalTimeoutException(message, httpStatus, serverCode, outcomeUnknown);
            case NETWORK:
                return new NetworkException(message, httpStatus, serverCode, outcomeUnknown);
            case TLS:
                return new TlsException(message
                        + " (in Java: TerminalClientOptions.builder().useSystemRoots(true), or .caFile(path) for a CA file)",
                        httpStatus, serverCode, outcomeUnknown);
            case PROTOCOL:
                return new ProtocolException(message, httpStatus, serverCode, outcomeUnknown);
            case CANCELLED:
                return new WaitCancelledException(message, httpStatus, serverCode, outcomeUnknown);
            case STILL_PENDING:
                return new StillPendingException(message, httpStatus, serverCode, outcomeUnknown);
            case DUPLICATE_REFERENCE:
                return new DuplicateReferenceException(message, httpStatus, serverCode, outcomeUnknown);
            case JOURNAL:
                return new JournalException(message, httpStatus, serverCode, outcomeUnknown);
            default:
                return new InternalException(message, httpStatus, serverCode, outcomeUnknown);
        }
    }

    /** The library's name for a result number, e.g. "AS_RESULT_TIMEOUT". */
    public static String resultName(int result) {
        return Utf8.fromNative(NativeLibrary.get().as_result_name(result));
    }
}
