package com.authsignal.terminal.internal;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strings across the C ABI: NUL-terminated UTF-8 both ways. */
public final class Utf8 {
    private Utf8() {
    }

    /** The string as a C string; {@link NullPointerException} naming the parameter when null. */
    public static byte[] required(String value, String name) {
        if (value == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return toNative(value, name);
    }

    /** The string as a C string, or null for null. */
    public static byte[] optional(String value, String name) {
        return value == null ? null : toNative(value, name);
    }

    private static byte[] toNative(String value, String name) {
        // A C string ends at its first NUL: refuse rather than silently send less.
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(name + ": the string contains a NUL character, which a C string cannot carry");
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer encoded;
        try {
            encoded = encoder.encode(CharBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(name + ": the string is not valid UTF-16 (an unpaired surrogate)", e);
        }
        byte[] bytes = new byte[encoded.remaining() + 1];
        encoded.get(bytes, 0, bytes.length - 1);
        return bytes;
    }

    /** A copy of a borrowed C string, or null for NULL. */
    public static String fromNative(Pointer pointer) {
        if (pointer == null) {
            return null;
        }
        return pointer.getString(0, "UTF-8");
    }
}
