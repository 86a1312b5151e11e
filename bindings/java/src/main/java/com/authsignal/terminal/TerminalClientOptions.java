package com.authsignal.terminal;

import java.time.Duration;

/**
 * The settings of a {@link TerminalClient}, immutable, made with {@link #builder()}.
 * Unset values take the library's defaults (region US, connect timeout 5 s, request
 * timeout 10 s, poll interval 1 s, Mozilla's root certificates, the proxy from the
 * environment, no journal). The library checks the values when the client is made.
 */
public final class TerminalClientOptions {
    final TerminalRegion region;
    final String baseUrl;
    final Duration connectTimeout;
    final Duration requestTimeout;
    final Duration pollInterval;
    final String caFile;
    final boolean useSystemRoots;
    final String proxy;
    final String userAgentSuffix;
    final String journalPath;
    final Duration journalLifetime;
    final Duration journalRetention;

    private TerminalClientOptions(Builder b) {
        region = b.region;
        baseUrl = b.baseUrl;
        connectTimeout = b.connectTimeout;
        requestTimeout = b.requestTimeout;
        pollInterval = b.pollInterval;
        caFile = b.caFile;
        useSystemRoots = b.useSystemRoots;
        proxy = b.proxy;
        userAgentSuffix = b.userAgentSuffix;
        journalPath = b.journalPath;
        journalLifetime = b.journalLifetime;
        journalRetention = b.journalRetention;
    }

    /** A builder with every value unset. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: region US and the library's timeouts. */
    public static TerminalClientOptions defaults() {
        return new Builder().build();
    }

    @Override
    public String toString() {
        return "TerminalClientOptions(region=" + region + ", baseUrl=" + baseUrl + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", pollInterval=" + pollInterval + ", caFile=" + caFile
                + ", useSystemRoots=" + useSystemRoots + ", proxy=" + (proxy == null ? "null" : "(set)")
                + ", journalPath=" + journalPath + ")";
    }

    /** Builds {@link TerminalClientOptions}; not thread-safe. */
    public static final class Builder {
        private TerminalRegion region = TerminalRegion.US;
        private String baseUrl;
        private Duration connectTimeout;
        private Duration requestTimeout;
        private Duration pollInterval;
        private String caFile;
        private boolean useSystemRoots;
        private String proxy;
        private String userAgentSuffix;
        private String journalPath;
        private Duration journalLifetime;
        private Duration journalRetention;

        private Builder() {
        }

        /** The Authsignal region (default US); ignored when {@link #baseUrl} is set. */
        public Builder region(TerminalRegion region) {
            if (region == null) {
                throw new NullPointerException("region must not be null");
            }
            this.region = region;
            return this;
        }

        /** A full base URL instead of the region's (https, or http only on loopback), or null. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** How long a TCP connect (and TLS handshake) may take, or null for the default. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long one request may take, or null for the default. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** How often a wait reads the session, or null for the default. */
        public Builder pollInterval(Duration interval) {
            this.pollInterval = interval;
            return this;
        }

        /** A PEM file of extra trusted root certificates, or null. */
        public Builder caFile(String pemPath) {
            this.caFile = pemPath;
            return this;
        }

        /** Trust the operating system's certificate store too (default false). */
        public Builder useSystemRoots(boolean enabled) {
            this.useSystemRoots = enabled;
            return this;
        }

        /** A proxy URL (http://host:port), "" for none, or null for the environment's. */
        public Builder proxy(String proxyUrl) {
            this.proxy = proxyUrl;
            return this;
        }

        /** Text added to the User-Agent after this wrapper's token, or null. */
        public Builder userAgentSuffix(String suffix) {
            this.userAgentSuffix = suffix;
            return this;
        }

        /** Keeps a crash-safe payment journal at this file or folder, or null for none (the default). */
        public Builder journalPath(String path) {
            this.journalPath = path;
            return this;
        }

        /** How long a session last seen PENDING is taken to be still PENDING, or null for the default (10 minutes). */
        public Builder journalLifetime(Duration lifetime) {
            this.journalLifetime = lifetime;
            return this;
        }

        /** How long final journal entries are kept, or null for the default (7 days). */
        public Builder journalRetention(Duration retention) {
            this.journalRetention = retention;
            return this;
        }

        /** The options. */
        public TerminalClientOptions build() {
            return new TerminalClientOptions(this);
        }
    }
}
