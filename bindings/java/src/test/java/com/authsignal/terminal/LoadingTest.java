package com.authsignal.terminal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;

/**
 * Finding the native library, each in a fresh JVM: from the jar's resources, next to the
 * classes, from jna.library.path, and the error naming every place tried.
 * Needs the system properties the runner sets: test.classes, test.main.classes, test.jar, jna.jar, native.dir.
 */
public class LoadingTest {
    private static String probe(String classpath, String... properties) throws Exception {
        List<String> command = new ArrayList<String>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(Arrays.asList(properties));
        command.add("-cp");
        command.add(classpath);
        command.add("com.authsignal.terminal.LoadProbe");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("LD_LIBRARY_PATH");
        Process p = builder.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            byte[] b = new byte[4096];
            int n;
            while ((n = in.read(b)) > 0) {
                out.write(b, 0, n);
            }
        }
        p.waitFor();
        return new String(out.toByteArray(), StandardCharsets.UTF_8).trim();
    }

    private static String prop(String name) {
        String v = System.getProperty(name);
        if (v == null) {
            throw new IllegalStateException("run through bindings/java/run-tests.sh: " + name + " is not set");
        }
        return v;
    }

    private static String cp(String... parts) {
        return String.join(File.pathSeparator, parts);
    }

    @Test
    public void fromTheJarsResources() throws Exception {
        String out = probe(cp(prop("test.classes"), prop("test.jar"), prop("jna.jar")));
        assertEquals(out, "VERSION=" + TerminalClient.BINDING_VERSION, out);
    }

    @Test
    public void fromJnaLibraryPath() throws Exception {
        String out = probe(cp(prop("test.classes"), prop("test.main.classes"), prop("jna.jar")),
                "-Djna.library.path=" + prop("native.dir"));
        assertEquals(out, "VERSION=" + TerminalClient.BINDING_VERSION, out);
    }

    @Test
    public void nextToTheClasses() throws Exception {
        File folder = Files.createTempDirectory("as-java-load-").toFile();
        File classes = new File(folder, "classes");
        try {
            copyTree(new File(prop("test.main.classes")), classes);
            File lib = new File(prop("native.dir"), System.mapLibraryName("authsignal_terminal"));
            Files.copy(lib.toPath(), new File(classes, lib.getName()).toPath());
            String out = probe(cp(prop("test.classes"), classes.getPath(), prop("jna.jar")));
            assertEquals(out, "VERSION=" + TerminalClient.BINDING_VERSION, out);
        } finally {
            delete(folder);
        }
    }

    @Test
    public void aMissingLibraryNamesEveryPlaceTried() throws Exception {
        String out = probe(cp(prop("test.classes"), prop("test.main.classes"), prop("jna.jar")),
                "-Djna.library.path=/nonexistent-as-java");
        // A library installed system-wide (make install PREFIX=/usr) is found there: nothing to see then.
        org.junit.Assume.assumeFalse("the library is installed system-wide", out.startsWith("VERSION="));
        assertTrue(out, out.startsWith("ERROR=libauthsignal_terminal could not be loaded"));
        assertTrue(out, out.contains("next to the jar"));
        assertTrue(out, out.contains("jna.library.path (/nonexistent-as-java)"));
        assertTrue(out, out.contains("linux-x86-64/libauthsignal_terminal.so") || out.contains("/libauthsignal_terminal.so"));
    }

    private static void copyTree(File from, File to) throws Exception {
        if (from.isDirectory()) {
            to.mkdirs();
            for (String name : from.list()) {
                copyTree(new File(from, name), new File(to, name));
            }
        } else {
            Files.copy(from.toPath(), to.toPath(), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void delete(File f) {
        File[] children = f.listFiles();
        if (children != null) {
            for (File c : children) {
                delete(c);
            }
        }
        f.delete();
    }
}
