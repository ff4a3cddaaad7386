// rlsq-proxy's authentication crypto: SCRAM-SHA-256 (RFC 5802 with the SHA-256 profile of RFC 7677, run the way
// PostgreSQL's auth-scram.c and libpq's fe-auth-scram.c run it: no channel binding, username taken from the startup
// packet), PostgreSQL's pg_authid SCRAM verifier format, the MD5 password response of the v3 wire protocol, and
// strict RFC 4648 base64. No I/O here: callers move the SASL payloads in and out of wire messages.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace rlsq_proxy::auth {

// SCRAM-SHA-256 key and signature length (SHA-256 output).
inline constexpr size_t kScramKeyLen = 32;
// PostgreSQL's defaults (SCRAM_DEFAULT_SALT_LEN, SCRAM_DEFAULT_ITERATIONS); also used for the mock exchange.
inline constexpr size_t kScramDefaultSaltLen = 16;
inline constexpr int kScramDefaultIterations = 4096;
// Raw nonce length before base64, as PostgreSQL and libpq use (SCRAM_RAW_NONCE_LEN).
inline constexpr size_t kScramRawNonceLen = 18;

// A SCRAM-SHA-256 verifier as PostgreSQL stores it in pg_authid.rolpassword:
// "SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>".
struct ScramVerifier {
  int iterations = 0;
  std::string salt;  // raw bytes
  std::string stored_key, server_key;  // kScramKeyLen raw bytes each
};

// Strict: the prefix, the separators, canonical padded base64, a non-empty salt, 32-byte keys and iterations a
// positive decimal without leading zeros that fits an int; anything else is InvalidArgument.
absl::StatusOr<ScramVerifier> ParseScramVerifier(std::string_view text);
std::string FormatScramVerifier(const ScramVerifier& v);

// Builds a verifier from a password as PostgreSQL's pg_be_scram_build_secret does. `salt` is raw bytes; iterations
// below 1 are treated as 1. The password goes through ScramPreparePassword (see there for what SASLprep does not do).
ScramVerifier MakeScramVerifier(std::string_view password, std::string_view salt, int iterations);

// What PostgreSQL's pg_saslprep would hand to PBKDF2, as far as implemented here. PostgreSQL applies SASLprep
// (RFC 4013) and falls back to the raw bytes when the password is not valid UTF-8 or preparation fails. A pure ASCII
// password is returned unchanged, which is exactly what PostgreSQL does (it skips preparation for ASCII). A
// non-ASCII password is returned as its raw bytes: full SASLprep (the RFC 3454 mapping tables, NFKC normalization,
// prohibited-output and bidi checks) is NOT implemented, so a non-ASCII password whose preparation differs from
// itself (e.g. one containing U+00A0, which SASLprep maps to a space, or a decomposed accent, which NFKC composes)
// will not match a verifier PostgreSQL built from it. Non-ASCII passwords that preparation leaves unchanged (such as
// already-composed letters) work.
std::string ScramPreparePassword(std::string_view password);

// The server side of one SCRAM-SHA-256 exchange. Call HandleClientFirst, then HandleClientFinal, once each; any error
// ends the exchange and later calls return FailedPrecondition.
class ScramServer {
 public:
  // verifier null: the user is unknown; the exchange runs to the end with a mock salt derived deterministically from
  // `mock_secret` and the user name (HMAC-SHA-256 keyed by the secret, in the spirit of PostgreSQL's scram_mock_salt)
  // and kScramDefaultIterations, and fails at the final step with the same error as a wrong password, so user names
  // cannot be probed. The verifier, if any, must outlive the server (it is not copied).
  ScramServer(const ScramVerifier* verifier, std::string_view user, std::string_view mock_secret);

  // Tests only: the server nonce to append instead of 18 random bytes in base64. Call before HandleClientFirst; it
  // must be printable ASCII without ','.
  void SetServerNonceForTesting(std::string nonce) { server_nonce_ = std::move(nonce); }

  // client-first-message (the data of SASLInitialResponse) -> server-first-message; InvalidArgument on malformed
  // input, channel binding ("p=") or an authorization identity.
  absl::StatusOr<std::string> HandleClientFirst(std::string_view client_first);
  // client-final-message -> server-final-message ("v=<signature>"); PermissionDenied on a wrong proof or an unknown
  // user, InvalidArgument on malformed input or a nonce/channel-binding mismatch.
  absl::StatusOr<std::string> HandleClientFinal(std::string_view client_final);

  // True after HandleClientFinal succeeded.
  bool authenticated() const { return state_ == State::kDone && authenticated_; }

 private:
  enum class State { kInitial, kFirstSeen, kDone };
  absl::Status AuthFailed() const;

  State state_ = State::kInitial;
  bool authenticated_ = false;
  bool mock_ = false;
  std::string user_;
  ScramVerifier verifier_;  // the real one, or the mock (salt and iterations only)
  std::string server_nonce_;
  std::string gs2_header_, client_first_bare_, server_first_, combined_nonce_;
};

// The client side, used by the proxy to log in upstream as its service role.
class ScramClient {
 public:
  explicit ScramClient(std::string password);  // nonce: 18 bytes from RAND_bytes, base64
  // Fixed nonce (tests). `sasl_user` goes into "n=" (escaped per RFC 5802); PostgreSQL ignores it and libpq sends it
  // empty, which is the default.
  ScramClient(std::string password, std::string nonce, std::string_view sasl_user = {});
  ~ScramClient();
  ScramClient(const ScramClient&) = delete;
  ScramClient& operator=(const ScramClient&) = delete;

  std::string ClientFirst();  // "n,,n=,r=<nonce>"
  // server-first-message -> client-final-message. InvalidArgument on malformed input, a reserved "m=" extension, or a
  // nonce that does not extend ours.
  absl::StatusOr<std::string> HandleServerFirst(std::string_view server_first);
  // Verifies the server signature (PermissionDenied on a mismatch); "e=..." -> PermissionDenied carrying the server's
  // error; InvalidArgument on malformed input.
  absl::Status HandleServerFinal(std::string_view server_final);

 private:
  enum class State { kInitial, kFirstSent, kFinalSent, kDone };
  State state_ = State::kInitial;
  std::string password_, nonce_, client_first_bare_;
  std::string expected_server_signature_;
};

// PostgreSQL's MD5 password response: "md5" + md5hex(md5hex(password + user) + salt).
std::string Md5PasswordResponse(std::string_view user, std::string_view password, const unsigned char salt[4]);
// Constant-time equality (the lengths are not secret: different lengths compare unequal at once).
bool ConstantTimeEquals(std::string_view a, std::string_view b);
// RFC 4648 base64, standard alphabet, with padding.
std::string Base64Encode(std::string_view raw);
// Strict: length a multiple of 4, padding required, no whitespace, and the unused bits of the last group zero.
absl::StatusOr<std::string> Base64Decode(std::string_view text);

}  // namespace rlsq_proxy::auth
