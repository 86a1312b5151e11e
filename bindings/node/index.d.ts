// Types of @authsignal/terminal (lib/index.js). Checked by `tsc --noEmit` over
// test/typed/user.ts in run-tests.sh.

/** Where a payment session stands; "UNKNOWN" for a status this version does not know. */
export type PaymentStatusName = 'UNKNOWN' | 'PENDING' | 'COMPLETED' | 'EXPIRED' | 'FAILED';
export declare const PaymentStatus: Readonly<{ [K in PaymentStatusName]: K }>;

/** as_result numbers: `error.result` is one of these. */
export declare const TerminalResult: Readonly<{
  Ok: 0;
  InvalidArgument: 1;
  Unauthorized: 2;
  InvalidRequest: 3;
  NotFound: 4;
  RateLimited: 5;
  ServerError: 6;
  Timeout: 7;
  Network: 8;
  Tls: 9;
  Protocol: 10;
  Cancelled: 11;
  StillPending: 12;
  Internal: 13;
  DuplicateReference: 14;
  Journal: 15;
}>;
export type TerminalResultNumber = (typeof TerminalResult)[keyof typeof TerminalResult];

export type Region = 'us' | 'au' | 'eu' | 'ca';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Settings of a client; every one is optional (the library's defaults). */
export interface TerminalClientOptions {
  /** Default "us". */
  region?: Region;
  /** E.g. a simulator's "https://127.0.0.1:8080/v1"; replaces the region. */
  baseUrl?: string;
  /** Default 5000. */
  connectTimeoutMs?: number;
  /** Default 10000. */
  requestTimeoutMs?: number;
  /** Pause between two reads of a pending session in a wait; default 1000. */
  pollIntervalMs?: number;
  /** A PEM file of extra trusted CA certificates. */
  caFile?: string;
  /** Trust the operating system's store instead of Mozilla's roots. */
  useSystemRoots?: boolean;
  /** An HTTP CONNECT proxy, "http://host:port". */
  proxy?: string;
  /** Appended to the User-Agent after authsignal-terminal-node/<version>. */
  userAgentSuffix?: string;
  /** A crash-safe payment journal: a file, or a folder that holds one. */
  journalPath?: string;
  journalLifetimeMs?: number;
  journalRetentionMs?: number | bigint;
}

/** A create in major units: `amount` a decimal string (exact, "12.50") or a number. */
export interface CreatePaymentSessionRequest {
  /** The paired terminal's id: a credential, never log it. */
  terminalId: string;
  amount: string | number;
  /** An active ISO 4217 code, e.g. "USD". */
  currency: string;
  /** The POS's own reference, or null/undefined for none. */
  reference?: string | null;
}

/** A create in exact minor units: 1250n USD is 12.50 USD. */
export interface CreatePaymentSessionMinorRequest {
  terminalId: string;
  amountMinor: bigint | number;
  currency: string;
  reference?: string | null;
}

export interface GetPaymentSessionRequest {
  terminalId: string;
  challengeId: string;
}

export interface WaitPaymentSessionRequest extends GetPaymentSessionRequest {
  /** How long to wait, 0 to 4294967295 ms; then StillPendingError. */
  timeoutMs: number;
  /** Ends the wait within 100 ms; the wait then rejects with `signal.reason`. */
  signal?: AbortSignal | null;
}

export declare class PaymentSession {
  private constructor();
  readonly challengeId: string;
  readonly status: PaymentStatusName;
  readonly statusRaw: string;
  readonly reference: string | null;
  readonly journalError: string | null;
}

export declare class JournalEntry {
  private constructor();
  readonly reference: string;
  readonly challengeId: string | null;
  readonly status: PaymentStatusName | null;
  readonly statusRaw: string | null;
  readonly outcomeUnknown: boolean;
  readonly createdAt: Date;
}

export interface TerminalDiagnosis {
  readonly passed: boolean;
  /** One line per check, for a support screen. */
  readonly text: string;
  /** The JSON report (`passed`, `no_payment_started`, `checks`, ...). */
  readonly report: {
    passed: boolean;
    no_payment_started: boolean;
    checks: Array<{ name: string; verdict: string; summary: string; fix: string | null }>;
    [field: string]: unknown;
  };
}

export declare class TerminalClient implements AsyncDisposable {
  constructor(options?: TerminalClientOptions);
  static readonly bindingVersion: string;
  static readonly libraryVersion: string;
  createPaymentSession(request: CreatePaymentSessionRequest): Promise<PaymentSession>;
  createPaymentSessionMinor(request: CreatePaymentSessionMinorRequest): Promise<PaymentSession>;
  getPaymentSession(request: GetPaymentSessionRequest): Promise<PaymentSession>;
  waitPaymentSession(request: WaitPaymentSessionRequest): Promise<PaymentSession>;
  findPaymentSession(reference: string): Promise<JournalEntry | null>;
  forgetReference(reference: string): Promise<void>;
  diagnose(terminalId?: string | null): Promise<TerminalDiagnosis>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Every failure the library reports. */
export declare class AuthsignalTerminalError extends Error {
  constructor(
    message: string,
    fields?: { result?: number; httpStatus?: number; serverCode?: string | null; outcomeUnknown?: boolean; cause?: unknown },
  );
  readonly result: TerminalResultNumber;
  readonly httpStatus: number;
  readonly serverCode: string | null;
  readonly outcomeUnknown: boolean;
}
export declare class InvalidArgumentError extends AuthsignalTerminalError {}
export declare class UnauthorizedError extends AuthsignalTerminalError {}
export declare class InvalidRequestError extends AuthsignalTerminalError {}
export declare class NotFoundError extends AuthsignalTerminalError {}
export declare class RateLimitedError extends AuthsignalTerminalError {}
export declare class ServerError extends AuthsignalTerminalError {}
export declare class TerminalTimeoutError extends AuthsignalTerminalError {}
export declare class NetworkError extends AuthsignalTerminalError {}
export declare class TlsError extends AuthsignalTerminalError {}
export declare class ProtocolError extends AuthsignalTerminalError {}
export declare class WaitCancelledError extends AuthsignalTerminalError {}
export declare class StillPendingError extends AuthsignalTerminalError {}
export declare class InternalError extends AuthsignalTerminalError {}
export declare class DuplicateReferenceError extends AuthsignalTerminalError {}
export declare class JournalError extends AuthsignalTerminalError {}

/** Process-wide: the library's log lines up to `level` to `handler`; null turns them off. */
export declare function setLogHandler(handler: ((level: LogLevel, message: string) => void) | null, level?: LogLevel): Promise<void>;
/** Loads the native library from this file instead of prebuilds/<platform>-<arch>/ (before first use). */
export declare function setLibraryPath(file: string): void;
/** The native library's version, "MAJOR.MINOR.PATCH". */
export declare function libraryVersion(): string;
