package com.authsignal.terminal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.math.BigDecimal;
import java.time.Duration;
import org.junit.Test;

/** The options: what reaches the server, reuse, trust, proxy; and no terminal id in any toString. */
public class OptionsTest {
    @Test
    public void theTerminalIdIsSentAsItsHeaderExactly() throws Exception {
        try (Sim.Capture server = new Sim.Capture(); TerminalClient client = server.client()) {
            String tid = Sim.tid();
            client.createPaymentSession(tid, BigDecimal.ONE, "USD", null);
            assertTrue("the terminal id header differs from the id given", tid.equals(server.headers.get("x-authsignal-terminal")));
            assertFalse("the body holds the terminal id", server.body.contains(tid));
            assertTrue(server.path.startsWith("/v1"));
        }
    }

    @Test
    public void oneOptionsObjectMakesManyClients() throws Exception {
        TerminalClientOptions options = Sim.options().requestTimeout(Duration.ofSeconds(5)).build();
        try (TerminalClient a = new TerminalClient(options); TerminalClient b = new TerminalClient(options)) {
            assertEquals(PaymentStatus.PENDING, a.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null).getStatus());
            assertEquals(PaymentStatus.PENDING, b.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null).getStatus());
        }
        assertTrue(options.toString().contains("requestTimeout=PT5S"));
    }

    @Test
    public void theSystemRootsDoNotTrustTheSimulatorsCa() throws Exception {
        TerminalClientOptions options = TerminalClientOptions.builder().baseUrl(Sim.baseUrl()).useSystemRoots(true).build();
        try (TerminalClient client = new TerminalClient(options)) {
            client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null);
            fail();
        } catch (TlsException e) {
            assertFalse(e.isOutcomeUnknown()); // a failed handshake sent nothing
        }
    }

    @Test
    public void aProxyIsNeverUsedForLoopback() throws Exception {
        TerminalClientOptions options = Sim.options().proxy("http://127.0.0.1:" + Sim.closedPort()).build();
        try (TerminalClient client = new TerminalClient(options)) {
            assertEquals(PaymentStatus.PENDING,
                    client.createPaymentSession(Sim.tid(), BigDecimal.ONE, "USD", null).getStatus());
        }
    }

    @Test
    public void noToStringNorMessageHoldsTheTerminalId() throws Exception {
        String tid = Sim.tid("+outcome=FAILED+polls=1");
        StringBuilder all = new StringBuilder();
        try (TerminalClient client = Sim.client()) {
            PaymentSession s = client.createPaymentSession(tid, BigDecimal.ONE, "USD", "java-noid");
            all.append(s).append(client).append(client.waitPaymentSession(tid, s.getChallengeId(), Duration.ofSeconds(30)));
            all.append(client.diagnose(tid)).append(client.diagnose(tid).getJson());
            for (String challengeId : new String[] {"no-such", "bad id"}) {
                try {
                    client.getPaymentSession(tid, challengeId);
                } catch (AuthsignalTerminalException e) {
                    all.append(e).append(e.getMessage());
                }
            }
            try {
                client.waitPaymentSession(tid, s.getChallengeId(), Duration.ofSeconds(-1));
            } catch (IllegalArgumentException e) {
                all.append(e);
            }
        }
        assertFalse(all.length() == 0);
        assertFalse("a toString or message holds the terminal id", all.toString().contains(tid));
    }
}
