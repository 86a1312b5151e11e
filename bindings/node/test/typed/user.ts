// A typed user program: `tsc --noEmit` checks it against index.d.ts (never run).
import {
  TerminalClient,
  PaymentSession,
  PaymentStatusName,
  AuthsignalTerminalError,
  StillPendingError,
  TerminalResult,
  setLogHandler,
  JournalEntry,
} from '@authsignal/terminal';

async function pay(terminalId: string, signal: AbortSignal): Promise<PaymentStatusName> {
  await setLogHandler((level, message) => console.log(level, message), 'info');
  const client = new TerminalClient({ region: 'eu', pollIntervalMs: 500, journalPath: '/var/lib/pos/' });
  try {
    const session: PaymentSession = await client.createPaymentSession({
      terminalId,
      amount: '12.50',
      currency: 'USD',
      reference: 'order-7',
    });
    await client.createPaymentSessionMinor({ terminalId, amountMinor: 1250n, currency: 'USD' });
    const done = await client.waitPaymentSession({
      terminalId,
      challengeId: session.challengeId,
      timeoutMs: 120_000,
      signal,
    });
    const entry: JournalEntry | null = await client.findPaymentSession('order-7');
    if (entry?.outcomeUnknown) await client.forgetReference(entry.reference);
    const diagnosis = await client.diagnose();
    console.log(diagnosis.passed, diagnosis.report.checks.length, TerminalClient.libraryVersion);
    return done.status;
  } catch (e) {
    if (e instanceof StillPendingError) return 'PENDING';
    if (e instanceof AuthsignalTerminalError && e.result === TerminalResult.Unauthorized) {
      console.log(e.httpStatus, e.serverCode, e.outcomeUnknown);
    }
    throw e;
  } finally {
    await client.close();
  }
}

// @ts-expect-error: amount is a string or a number
void new TerminalClient().createPaymentSession({ terminalId: 't', amount: true, currency: 'USD' });
// @ts-expect-error: no such region
void new TerminalClient({ region: 'mars' });

void pay;
