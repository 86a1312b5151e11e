package com.authsignal.terminal;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulator scripts/with-simulator.sh started (SIM_BASE_URL, SIM_CA_FILE), and a capture
 * server on loopback for what the simulator cannot show (the request body and headers) or
 * cannot answer (a 400).
 */
final class Sim {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private Sim() {
    }

    static String baseUrl() {
        String url = System.getenv("SIM_BASE_URL");
        if (url == null || url.isEmpty()) {
            throw new IllegalStateException("SIM_BASE_URL is not set: run the tests through scripts/with-simulator.sh");
        }
        return url;
    }

    static TerminalClientOptions.Builder options() {
        String ca = System.getenv("SIM_CA_FILE");
        return TerminalClientOptions.builder()
                .baseUrl(baseUrl())
                .caFile(ca == null || ca.isEmpty() ? null : ca)
                .pollInterval(Duration.ofMillis(100));
    }

    static TerminalClient client() throws AuthsignalTerminalException {
        return new TerminalClient(options().build());
    }

    /** A fresh terminal id the simulator accepts, with its directives (e.g. "+outcome=FAILED+polls=1"). */
    static String tid(String directives) {
        return "tid_java_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_"
                + COUNTER.incrementAndGet() + directives;
    }

    static String tid() {
        return tid("");
    }

    /** A loopback port nothing listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** An HTTP server on loopback that records the last request and answers what the test scripts. */
    static final class Capture implements AutoCloseable {
        final HttpServer server;
        volatile String body;
        volatile String path;
        final Map<String, String> headers = new ConcurrentHashMap<String, String>();
        final AtomicInteger requests = new AtomicInteger();

        Capture() throws IOException {
            this(200, "{\"challengeId\":\"ch_capture_1\",\"status\":\"PENDING\"}");
        }

        Capture(final int status, final String answer) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                requests.incrementAndGet();
                path = exchange.getRequestURI().getPath();
                for (Map.Entry<String, java.util.List<String>> h : exchange.getRequestHeaders().entrySet()) {
                    headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), String.join(",", h.getValue()));
                }
                body = read(exchange.getRequestBody());
                byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(bytes);
                }
            });
            server.start();
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        }

        TerminalClient client() throws AuthsignalTerminalException {
            return new TerminalClient(TerminalClientOptions.builder().baseUrl(baseUrl()).build());
        }

        @Override
        public void close() {
            server.stop(0);
        }

        private static String read(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        }
    }
}
