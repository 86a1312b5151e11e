package com.authsignal.terminal;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** diagnose(): every check, and the terminal id only redacted. */
public class DiagnoseTest {
    @Test
    public void diagnoseReportsEachCheckAndHidesTheId() throws Exception {
        String tid = Sim.tid();
        try (TerminalClient client = Sim.client()) {
            TerminalDiagnosis d = client.diagnose(tid);
            assertTrue(d.getText(), d.isPassed());
            for (String field : new String[] {"\"passed\"", "\"no_payment_started\"", "\"checks\"", "\"tls\"", "\"terminal_id\""}) {
                assertTrue(field, d.getJson().contains(field));
            }
            assertFalse(d.getText().isEmpty());
            assertFalse(d.getText().contains(tid));
            assertFalse(d.getJson().contains(tid));
            assertFalse(d.toString().contains(tid));
            TerminalDiagnosis without = client.diagnose();
            assertTrue(without.getText(), without.isPassed());
        }
    }

    @Test
    public void aFailedCheckIsInTheResultNotThrown() throws Exception {
        TerminalClientOptions options = TerminalClientOptions.builder()
                .baseUrl("http://127.0.0.1:" + Sim.closedPort() + "/v1").build();
        try (TerminalClient client = new TerminalClient(options)) {
            TerminalDiagnosis d = client.diagnose(null);
            assertFalse(d.isPassed());
            assertTrue(d.getJson(), d.getJson().replace(" ", "").contains("\"passed\":false"));
        }
    }
}
