/*
 * pos_demo (C++): what a point of sale does to take a card payment on a paired terminal,
 * through the C++17 wrapper (authsignal_terminal.hpp). Same behaviour as
 * examples/c/pos_demo.c:
 *
 *   pos_demo_cpp TERMINAL_ID AMOUNT_MINOR CURRENCY REFERENCE
 *
 * It creates a payment session (the terminal prompts the customer), shows the challenge
 * id, waits for the customer, and prints the outcome. Above all, a create whose outcome
 * is unknown is never retried blindly, because the customer could be prompted twice.
 *
 * Configuration comes from the environment:
 *   AUTHSIGNAL_TERMINAL_BASE_URL  base URL (default: the US region)
 *   AUTHSIGNAL_TERMINAL_REGION    us | au | eu | ca, when no base URL is set
 *   AUTHSIGNAL_TERMINAL_CA_FILE   extra trusted CA (PEM), e.g. a local simulator's
 *
 * Exit status: 0 payment completed, 1 declined/expired, 2 error, 3 outcome unknown.
 */
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "authsignal_terminal.hpp"

namespace at = authsignal::terminal;

namespace {

/* A terminal id is a credential: show only its last 4 characters. */
std::string redacted(std::string_view terminal_id) {
  return "…" + std::string(terminal_id.size() >= 12 ? terminal_id.substr(terminal_id.size() - 4)
                                                      : std::string_view());
}

void print_error(std::string_view what, const at::Error &e) {
  std::cerr << what << " failed: " << e.what() << "\n";
  if (e.http_status() != 0) {
    std::cerr << "  HTTP status " << e.http_status() << ", server code "
              << e.server_code().value_or("(none)") << "\n";
  }
}

std::string env(const char *name) {
  const char *value = std::getenv(name);
  return value ? value : "";
}

at::Client make_client() {
  at::ClientOptions options;
  const std::string base_url = env("AUTHSIGNAL_TERMINAL_BASE_URL");
  const std::string region = env("AUTHSIGNAL_TERMINAL_REGION");
  const std::string ca_file = env("AUTHSIGNAL_TERMINAL_CA_FILE");
  if (!base_url.empty()) {
    options.set_base_url(base_url);
  } else if (!region.empty()) {
    options.set_region(region == "au"   ? at::Region::Au
                       : region == "eu" ? at::Region::Eu
                       : region == "ca" ? at::Region::Ca
                                        : at::Region::Us);
  }
  if (!ca_file.empty()) options.set_ca_file(ca_file);
  options.set_user_agent_suffix("pos-demo-cpp/1.0").set_poll_interval(std::chrono::milliseconds(500));
  return at::Client(options);
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 5) {
    std::cerr << "usage: " << argv[0] << " TERMINAL_ID AMOUNT_MINOR CURRENCY REFERENCE\n";
    return 2;
  }
  const std::string terminal_id = argv[1];
  const std::string currency = argv[3];
  const std::string reference = argv[4];
  char *end = nullptr;
  const long long amount_minor = std::strtoll(argv[2], &end, 10);
  const int exponent = at::currency_exponent(currency);
  if (!end || *end != '\0' || exponent < 0) {
    std::cerr << "AMOUNT_MINOR must be an integer and CURRENCY a 3-letter code\n";
    return 2;
  }
  std::cout << std::unitbuf;  // keep stdout and stderr lines in order
  std::cout << "libauthsignal_terminal " << at::version() << " (C++)\n";

  std::optional<at::Client> client;
  try {
    client.emplace(make_client());
  } catch (const at::Error &e) {
    print_error("configuring the client", e);
    return 2;
  }

  std::cout << "charging " << amount_minor << " minor units of " << currency << " (exponent "
            << exponent << ") on terminal " << redacted(terminal_id) << ", reference "
            << reference << "\n";

  std::string challenge_id;
  try {
    at::PaymentSession session = client->create_payment_session_minor(
        terminal_id, static_cast<std::int64_t>(amount_minor), currency, reference);
    challenge_id = session.challenge_id();
    std::cout << "payment session " << challenge_id << " is " << session.status_raw()
              << ": the terminal is prompting the customer\n";
  } catch (const at::Error &e) {
    print_error("creating the payment session", e);
    if (e.outcome_unknown()) {
      std::cerr << "  the terminal may be prompting the customer: check it before charging "
                   "again\n";
      return 3;
    }
    std::cerr << "  nothing was started on the terminal; it is safe to try again\n";
    return 2;
  }

  try {
    at::PaymentSession outcome =
        client->wait_payment_session(terminal_id, challenge_id, std::chrono::minutes(2));
    switch (outcome.status()) {
      case at::PaymentStatus::Completed:
        std::cout << "payment COMPLETED\n";
        return 0;
      case at::PaymentStatus::Failed:
      case at::PaymentStatus::Expired:
        std::cout << "payment not taken: " << outcome.status_raw() << "\n";
        return 1;
      default:
        std::cout << "payment ended with a status this version does not know: "
                  << outcome.status_raw() << "\n";
        return 3;
    }
  } catch (const at::Error &e) {
    print_error("waiting for the customer", e);
    if (e.result() == AS_RESULT_STILL_PENDING) {
      std::cerr << "  the session is still open: read it again later with its challenge id\n";
      return 3;
    }
    return 2;
  }
}
