package com.authsignal.terminal.internal;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C ABI of include/authsignal_terminal.h, as JNA sees it. Not for users: the classes
 * of {@code com.authsignal.terminal} are the API. Strings in are NUL-terminated UTF-8
 * {@code byte[]} (see {@link Utf8}); strings out are borrowed {@link Pointer}s, copied at
 * once; C {@code bool} is a {@code byte} (JNA's {@code boolean} is 4 bytes).
 */
public interface NativeMethods extends Library {
    /** {@code as_log_callback}. */
    interface LogCallback extends Callback {
        void invoke(Pointer userData, int level, Pointer message);
    }

    Pointer as_cancel_token_new();

    void as_cancel_token_cancel(Pointer t);

    void as_cancel_token_free(Pointer t);

    int as_client_new(Pointer options, PointerByReference out);

    int as_client_create_payment_session_minor(Pointer c, byte[] terminalId, long amountMinor, byte[] currency,
            byte[] reference, PointerByReference out);

    int as_client_get_payment_session(Pointer c, byte[] terminalId, byte[] challengeId, PointerByReference out);

    int as_client_wait_payment_session(Pointer c, byte[] terminalId, byte[] challengeId, int timeoutMs,
            Pointer cancel, PointerByReference out);

    void as_client_free(Pointer c);

    int as_client_options_new(PointerByReference out);

    int as_client_options_set_region(Pointer o, int region);

    int as_client_options_set_base_url(Pointer o, byte[] baseUrl);

    int as_client_options_set_connect_timeout_ms(Pointer o, int ms);

    int as_client_options_set_request_timeout_ms(Pointer o, int ms);

    int as_client_options_set_poll_interval_ms(Pointer o, int ms);

    int as_client_options_set_ca_file(Pointer o, byte[] pemPath);

    int as_client_options_set_use_system_roots(Pointer o, byte enabled);

    int as_client_options_set_proxy(Pointer o, byte[] proxyUrl);

    int as_client_options_set_user_agent_suffix(Pointer o, byte[] suffix);

    int as_client_options_set_journal_path(Pointer o, byte[] path);

    int as_client_options_set_journal_lifetime_ms(Pointer o, int ms);

    int as_client_options_set_journal_retention_ms(Pointer o, long ms);

    void as_client_options_free(Pointer o);

    int as_currency_exponent(byte[] currency);

    int as_client_diagnose(Pointer c, byte[] terminalId, PointerByReference out);

    Pointer as_diagnosis_json(Pointer d);

    Pointer as_diagnosis_text(Pointer d);

    byte as_diagnosis_passed(Pointer d);

    void as_diagnosis_free(Pointer d);

    Pointer as_last_error_message();

    int as_last_error_http_status();

    Pointer as_last_error_server_code();

    byte as_last_error_outcome_unknown();

    Pointer as_result_name(int result);

    Pointer as_version();

    int as_client_find_payment_session(Pointer c, byte[] reference, PointerByReference out);

    int as_client_forget_reference(Pointer c, byte[] reference);

    Pointer as_journal_entry_reference(Pointer e);

    Pointer as_journal_entry_challenge_id(Pointer e);

    int as_journal_entry_status(Pointer e);

    Pointer as_journal_entry_status_str(Pointer e);

    byte as_journal_entry_outcome_unknown(Pointer e);

    long as_journal_entry_created_at_ms(Pointer e);

    void as_journal_entry_free(Pointer e);

    int as_set_log_callback(LogCallback callback, Pointer userData, int maxLevel);

    Pointer as_payment_session_challenge_id(Pointer s);

    int as_payment_session_status(Pointer s);

    Pointer as_payment_session_status_str(Pointer s);

    Pointer as_payment_session_reference(Pointer s);

    Pointer as_payment_session_journal_error(Pointer s);

    void as_payment_session_free(Pointer s);
}
