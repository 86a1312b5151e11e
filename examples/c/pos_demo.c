/*
 * pos_demo: what a point of sale does to take a card payment on a paired terminal.
 *
 *   pos_demo TERMINAL_ID AMOUNT_MINOR CURRENCY REFERENCE
 *
 * It creates a payment session (the terminal prompts the customer), shows the challenge
 * id, waits for the customer, and prints the outcome. Every failure is handled the way a
 * POS must handle it; above all, a create whose outcome is unknown is never retried
 * blindly, because the customer could be prompted twice.
 *
 * With a payment journal (AUTHSIGNAL_TERMINAL_JOURNAL), it first asks the journal what it
 * knows about REFERENCE: after a crash or restart it resumes waiting for the session it
 * had started instead of prompting again (README, "Crashes and restarts").
 *
 * Configuration comes from the environment:
 *   AUTHSIGNAL_TERMINAL_BASE_URL  base URL (default: the US region)
 *   AUTHSIGNAL_TERMINAL_REGION    us | au | eu | ca, when no base URL is set
 *   AUTHSIGNAL_TERMINAL_CA_FILE   extra trusted CA (PEM), e.g. a local simulator's
 *   AUTHSIGNAL_TERMINAL_JOURNAL   the payment journal's file (default: none)
 *
 * Exit status: 0 payment completed, 1 declined/expired, 2 error, 3 outcome unknown (check
 * the terminal), 4 refused: the journal says this reference is already being paid.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authsignal_terminal.h"

/* A terminal id is a credential: show only its last 4 characters. */
static void print_redacted(const char *terminal_id) {
  size_t n = strlen(terminal_id);
  printf("…%s", n >= 12 ? terminal_id + n - 4 : "");
}

static void print_error(const char *what, as_result r) {
  fprintf(stderr, "%s failed: %s: %s\n", what, as_result_name((unsigned int)r),
          as_last_error_message());
  if (as_last_error_http_status() != 0) {
    const char *code = as_last_error_server_code();
    fprintf(stderr, "  HTTP status %d, server code %s\n", as_last_error_http_status(),
            code ? code : "(none)");
  }
}

static as_client *make_client(void) {
  as_client_options *options = NULL;
  as_client *client = NULL;
  const char *base_url = getenv("AUTHSIGNAL_TERMINAL_BASE_URL");
  const char *region = getenv("AUTHSIGNAL_TERMINAL_REGION");
  const char *ca_file = getenv("AUTHSIGNAL_TERMINAL_CA_FILE");
  const char *journal = getenv("AUTHSIGNAL_TERMINAL_JOURNAL");
  as_result r = as_client_options_new(&options);
  if (r == AS_RESULT_OK && base_url && *base_url) {
    r = as_client_options_set_base_url(options, base_url);
  } else if (r == AS_RESULT_OK && region && *region) {
    unsigned int value = AS_REGION_US;
    if (strcmp(region, "au") == 0) value = AS_REGION_AU;
    if (strcmp(region, "eu") == 0) value = AS_REGION_EU;
    if (strcmp(region, "ca") == 0) value = AS_REGION_CA;
    r = as_client_options_set_region(options, value);
  }
  if (r == AS_RESULT_OK && ca_file && *ca_file) r = as_client_options_set_ca_file(options, ca_file);
  if (r == AS_RESULT_OK) r = as_client_options_set_user_agent_suffix(options, "pos-demo/1.0");
  if (r == AS_RESULT_OK) r = as_client_options_set_poll_interval_ms(options, 500);
  if (r == AS_RESULT_OK && journal && *journal) r = as_client_options_set_journal_path(options, journal);
  if (r == AS_RESULT_OK) r = as_client_new(options, &client);
  if (r != AS_RESULT_OK) print_error("configuring the client", r);
  as_client_options_free(options);
  return client;
}

/*
 * Asks the journal (if the client has one) about `reference` before creating. Returns an
 * exit status when the journal settles it, or -1 to go on: with `challenge_id` filled in
 * when a session started before a crash or restart is still pending (wait for it), empty
 * when a new create may go.
 */
static int resume_from_journal(const as_client *client, const char *reference, char *challenge_id,
                               size_t size) {
  as_journal_entry *entry = NULL;
  as_result r = as_client_find_payment_session(client, reference, &entry);
  if (r == AS_RESULT_NOT_FOUND) return -1;
  if (r == AS_RESULT_INVALID_ARGUMENT) return -1; /* no journal configured */
  if (r != AS_RESULT_OK) {
    print_error("reading the payment journal", r);
    return 2;
  }
  int status = -1;
  if (as_journal_entry_outcome_unknown(entry)) {
    printf("the journal says a create for %s has an unknown outcome (the POS stopped before the "
           "answer)\n",
           reference);
    printf("  check the terminal; if it shows nothing, forget the reference "
           "(as_client_forget_reference) and charge again\n");
    status = 3;
  } else {
    switch (as_journal_entry_status(entry)) {
    case AS_PAYMENT_STATUS_COMPLETED:
      printf("the journal says %s was already paid (session %s): not charging again\n", reference,
             as_journal_entry_challenge_id(entry));
      status = 0;
      break;
    case AS_PAYMENT_STATUS_FAILED:
    case AS_PAYMENT_STATUS_EXPIRED:
      break; /* that attempt is over: a new one may go */
    default:
      snprintf(challenge_id, size, "%s", as_journal_entry_challenge_id(entry));
      printf("resuming: the journal has session %s (%s) for %s, started before a restart; "
             "waiting for it instead of prompting again\n",
             challenge_id, as_journal_entry_status_str(entry), reference);
      break;
    }
  }
  as_journal_entry_free(entry);
  return status;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s TERMINAL_ID AMOUNT_MINOR CURRENCY REFERENCE\n", argv[0]);
    return 2;
  }
  const char *terminal_id = argv[1];
  const char *currency = argv[3];
  const char *reference = argv[4];
  char *end = NULL;
  long long amount_minor = strtoll(argv[2], &end, 10);
  int exponent = as_currency_exponent(currency);
  if (!end || *end != '\0' || exponent < 0) {
    fprintf(stderr, "AMOUNT_MINOR must be an integer and CURRENCY a 3-letter code\n");
    return 2;
  }

  setvbuf(stdout, NULL, _IOLBF, 0); /* keep stdout and stderr lines in order */
  printf("libauthsignal_terminal %s\n", as_version());
  as_client *client = make_client();
  if (!client) return 2;

  printf("charging %lld minor units of %s (exponent %d) on terminal ", amount_minor, currency,
         exponent);
  print_redacted(terminal_id);
  printf(", reference %s\n", reference);

  char challenge_id[129] = "";
  int journal_status = resume_from_journal(client, reference, challenge_id, sizeof challenge_id);
  if (journal_status >= 0) {
    as_client_free(client);
    return journal_status;
  }

  as_result r = AS_RESULT_OK;
  if (!challenge_id[0]) {
    as_payment_session *session = NULL;
    r = as_client_create_payment_session_minor(client, terminal_id, (int64_t)amount_minor, currency,
                                               reference, &session);
    if (r != AS_RESULT_OK) {
      int unknown = as_last_error_outcome_unknown();
      print_error("creating the payment session", r);
      as_client_free(client);
      if (r == AS_RESULT_DUPLICATE_REFERENCE) {
        fprintf(stderr, "  nothing was sent: this reference is already being paid (another lane, or "
                        "an earlier run); wait for that payment instead\n");
        return 4;
      }
      if (unknown) {
        fprintf(stderr, "  the terminal may be prompting the customer: check it before charging "
                        "again\n");
        return 3;
      }
      fprintf(stderr, "  nothing was started on the terminal; it is safe to try again\n");
      return 2;
    }
    snprintf(challenge_id, sizeof challenge_id, "%s", as_payment_session_challenge_id(session));
    printf("payment session %s is %s: the terminal is prompting the customer\n", challenge_id,
           as_payment_session_status_str(session));
    as_payment_session_free(session);
  }

  as_payment_session *outcome = NULL;
  r = as_client_wait_payment_session(client, terminal_id, challenge_id, 120000, NULL, &outcome);
  int status = 2;
  if (r == AS_RESULT_OK) {
    switch (as_payment_session_status(outcome)) {
    case AS_PAYMENT_STATUS_COMPLETED:
      printf("payment COMPLETED\n");
      status = 0;
      break;
    case AS_PAYMENT_STATUS_FAILED:
    case AS_PAYMENT_STATUS_EXPIRED:
      printf("payment not taken: %s\n", as_payment_session_status_str(outcome));
      status = 1;
      break;
    default:
      printf("payment ended with a status this version does not know: %s\n",
             as_payment_session_status_str(outcome));
      status = 3;
      break;
    }
    as_payment_session_free(outcome);
  } else if (r == AS_RESULT_STILL_PENDING) {
    print_error("waiting for the customer", r);
    fprintf(stderr, "  the session is still open: read it again later with its challenge id\n");
    status = 3;
  } else {
    print_error("waiting for the customer", r);
  }
  as_client_free(client);
  return status;
}
