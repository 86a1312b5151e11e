package com.authsignal.terminal.internal;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.File;
import java.net.URI;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds and loads libauthsignal_terminal, once per process. In order: the file named by the
 * system property {@code authsignal.terminal.library}; the library next to this jar (or
 * classes folder); then JNA's own search, which covers {@code jna.library.path}, the
 * system's library path, and the jar's resources under JNA's layout
 * ({@code linux-x86-64/}, {@code win32-x86-64/}, {@code win32-x86/}, {@code linux-aarch64/},
 * {@code linux-arm/}). A failure names every place tried.
 */
public final class NativeLibrary {
    /** The library's name without prefix or suffix. */
    public static final String NAME = "authsignal_terminal";

    private static volatile NativeMethods instance;

    private NativeLibrary() {
    }

    /** The loaded library; {@link UnsatisfiedLinkError} naming the paths tried when it cannot be found. */
    public static NativeMethods get() {
        NativeMethods lib = instance;
        if (lib == null) {
            synchronized (NativeLibrary.class) {
                lib = instance;
                if (lib == null) {
                    lib = load();
                    instance = lib;
                }
            }
        }
        return lib;
    }

    private static NativeMethods load() {
        List<String> tried = new ArrayList<String>();
        List<String> errors = new ArrayList<String>();
        String explicit = System.getProperty("authsignal.terminal.library");
        if (explicit != null && !explicit.isEmpty()) {
            tried.add(explicit + " (system property authsignal.terminal.library)");
            return Native.load(explicit, NativeMethods.class);
        }
        File nextToJar = nextToJar();
        if (nextToJar != null) {
            tried.add(nextToJar.getPath() + " (next to the jar)");
            if (nextToJar.isFile()) {
                try {
                    return Native.load(nextToJar.getAbsolutePath(), NativeMethods.class);
                } catch (UnsatisfiedLinkError e) {
                    errors.add(e.getMessage());
                }
            }
        }
        String jnaPath = System.getProperty("jna.library.path");
        tried.add("jna.library.path (" + (jnaPath == null ? "not set" : jnaPath) + ")");
        tried.add("the system's library path (" + (Platform.isWindows() ? "PATH" : "LD_LIBRARY_PATH, ldconfig") + ")");
        tried.add("the jar's resource /" + Platform.RESOURCE_PREFIX + "/" + System.mapLibraryName(NAME));
        try {
            return Native.load(NAME, NativeMethods.class);
        } catch (UnsatisfiedLinkError e) {
            errors.add(e.getMessage());
            UnsatisfiedLinkError error = new UnsatisfiedLinkError("libauthsignal_terminal could not be loaded for "
                    + Platform.RESOURCE_PREFIX + "; tried: " + String.join("; ", tried)
                    + ". Put " + System.mapLibraryName(NAME)
                    + " next to the jar or in a folder named by -Djna.library.path. Details: "
                    + String.join(" | ", errors));
            error.initCause(e);
            throw error;
        }
    }

    /** The library file in the folder that holds this jar (or the classes folder), or null. */
    private static File nextToJar() {
        try {
            CodeSource source = NativeLibrary.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return null;
            }
            URI uri = source.getLocation().toURI();
            if (!"file".equals(uri.getScheme())) {
                return null;
            }
            File location = new File(uri);
            File folder = location.isDirectory() ? location : location.getParentFile();
            return folder == null ? null : new File(folder, System.mapLibraryName(NAME));
        } catch (Exception e) {
            return null;
        }
    }
}
