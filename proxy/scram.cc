// SCRAM-SHA-256 server and client (RFC 5802, RFC 7677), PostgreSQL's SCRAM verifier format and MD5 password
// response, strict base64 (RFC 4648). The message handling follows PostgreSQL's auth-scram.c / fe-auth-scram.c
// behaviour: channel binding is never offered, the SASL username is ignored, the reserved "m=" extension and an
// authorization identity are refused. Crypto primitives come from OpenSSL 3 libcrypto; a failure inside one of them
// (allocation failure, a broken provider) aborts the process rather than authenticating anyone.
#include "proxy/scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace rlsq_proxy::auth {
namespace {

// The system Abseil is built with its own absl::string_view, so absl::StrCat/StrSplit do not take std::string_view;
// these two small helpers stand in for them.
void Append(std::string& out, std::string_view piece) { out.append(piece); }
void Append(std::string& out, int n) { out += std::to_string(n); }
template <typename... Pieces>
std::string Cat(const Pieces&... pieces) {
  std::string out;
  (Append(out, pieces), ...);
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, end - start));
    start = end + 1;
  }
}

std::string_view View(absl::string_view s) { return std::string_view(s.data(), s.size()); }

constexpr std::string_view kVerifierPrefix = "SCRAM-SHA-256$";

[[noreturn]] void CryptoFailure(const char* what) {
  std::fprintf(stderr, "rlsq-proxy: fatal: OpenSSL %s failed\n", what);
  std::abort();
}

const unsigned char* Bytes(std::string_view s) {
  static const unsigned char kEmpty = 0;
  return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(Bytes(data), data.size(), out, &len, md, nullptr) != 1) CryptoFailure("EVP_Digest");
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Sha256(std::string_view data) { return Digest(EVP_sha256(), data); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), Bytes(key), static_cast<int>(key.size()), Bytes(data), data.size(), out, &len) == nullptr) {
    CryptoFailure("HMAC");
  }
  return std::string(reinterpret_cast<char*>(out), len);
}

// Hi(password, salt, i) of RFC 5802, which is PBKDF2 with HMAC-SHA-256 and a single output block.
std::string SaltedPassword(std::string_view password, std::string_view salt, int iterations) {
  std::string prepared = ScramPreparePassword(password);
  std::string out(kScramKeyLen, '\0');
  int ok = PKCS5_PBKDF2_HMAC(prepared.empty() ? "" : prepared.data(), static_cast<int>(prepared.size()), Bytes(salt),
                             static_cast<int>(salt.size()), iterations, EVP_sha256(), static_cast<int>(out.size()),
                             reinterpret_cast<unsigned char*>(out.data()));
  OPENSSL_cleanse(prepared.data(), prepared.size());
  if (ok != 1) CryptoFailure("PKCS5_PBKDF2_HMAC");
  return out;
}

std::string RandomBase64(size_t raw_len) {
  std::string raw(raw_len, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1) {
    CryptoFailure("RAND_bytes");
  }
  return Base64Encode(raw);
}

std::string Xor(std::string_view a, std::string_view b) {
  std::string out(a);
  for (size_t i = 0; i < out.size() && i < b.size(); ++i) out[i] = static_cast<char>(out[i] ^ b[i]);
  return out;
}

void Cleanse(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

absl::Status Malformed(std::string_view what) {
  return absl::InvalidArgumentError(Cat("malformed SCRAM message: ", what));
}

// One "<letter>=<value>" attribute of a SCRAM message.
struct Attr {
  char name;
  std::string_view value;
};

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Splits a whole message into attributes: every comma-separated part must be ALPHA "=" value, the value without NUL
// (RFC 5802 value-char excludes NUL and ','). Empty parts (",,", a trailing ',') are malformed.
absl::StatusOr<std::vector<Attr>> SplitAttributes(std::string_view msg, std::string_view what) {
  std::vector<Attr> attrs;
  for (std::string_view part : Split(msg, ',')) {
    if (part.size() < 2 || !IsAlpha(part[0]) || part[1] != '=') {
      return Malformed(Cat(what, " has an attribute that is not of the form x=value"));
    }
    std::string_view value = part.substr(2);
    if (value.find('\0') != std::string_view::npos) return Malformed(Cat(what, " contains a NUL byte"));
    attrs.push_back(Attr{part[0], value});
  }
  return attrs;
}

// RFC 5802 printable: %x21-2B / %x2D-7E (printable ASCII except ','), at least one.
bool IsValidNonce(std::string_view n) {
  if (n.empty()) return false;
  for (char c : n) {
    if (c < 0x21 || c > 0x7e || c == ',') return false;
  }
  return true;
}

// RFC 5802 saslname: no NUL or ',', and '=' only as "=2C" or "=3D". Empty is accepted, as PostgreSQL does (libpq
// sends "n=").
bool IsValidSaslname(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\0' || s[i] == ',') return false;
    if (s[i] == '=') {
      std::string_view esc = s.substr(i + 1, 2);
      if (esc != "2C" && esc != "3D") return false;
      i += 2;
    }
  }
  return true;
}

std::string EscapeSaslname(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

// RFC 5802 posit-number (%x31-39 *DIGIT) that fits an int; -1 otherwise.
int ParsePositiveInt(std::string_view s) {
  if (s.empty() || s.size() > 10 || s[0] < '1' || s[0] > '9') return -1;
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v > INT_MAX ? -1 : static_cast<int>(v);
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool IsUsableVerifier(const ScramVerifier& v) {
  return v.iterations >= 1 && !v.salt.empty() && v.stored_key.size() == kScramKeyLen &&
         v.server_key.size() == kScramKeyLen;
}

}  // namespace

std::string Base64Encode(std::string_view raw) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= raw.size(); i += 3) {
    uint32_t v = (uint32_t{static_cast<unsigned char>(raw[i])} << 16) |
                 (uint32_t{static_cast<unsigned char>(raw[i + 1])} << 8) | static_cast<unsigned char>(raw[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = raw.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t{static_cast<unsigned char>(raw[i])} << 16;
    if (rest == 2) v |= uint32_t{static_cast<unsigned char>(raw[i + 1])} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

absl::StatusOr<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return absl::InvalidArgumentError("invalid base64: length is not a multiple of 4");
  size_t pad = 0;
  if (!text.empty() && text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    size_t chars = last ? 4 - pad : 4;
    uint32_t v = 0;
    for (size_t j = 0; j < 4; ++j) {
      int d = 0;
      if (j < chars) {
        d = Base64Value(text[i + j]);
        if (d < 0) return absl::InvalidArgumentError("invalid base64: character outside the alphabet or misplaced '='");
      }
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    out += static_cast<char>((v >> 16) & 0xff);
    if (chars >= 3) out += static_cast<char>((v >> 8) & 0xff);
    if (chars == 4) out += static_cast<char>(v & 0xff);
    // Canonical form only: the bits the padding leaves unused must be zero.
    if ((chars == 2 && (v & 0xffff) != 0) || (chars == 3 && (v & 0xff) != 0)) {
      return absl::InvalidArgumentError("invalid base64: non-zero bits before the padding");
    }
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string ScramPreparePassword(std::string_view password) {
  // PostgreSQL's pg_saslprep returns pure ASCII input unchanged without preparing it; for anything else it would run
  // RFC 4013 SASLprep, which is not implemented here (see scram.h): the raw bytes are used, which is also
  // PostgreSQL's own fallback for invalid UTF-8 or a failed preparation.
  return std::string(password);
}

absl::StatusOr<ScramVerifier> ParseScramVerifier(std::string_view text) {
  auto bad = [](std::string_view why) {
    return absl::InvalidArgumentError(Cat("invalid SCRAM-SHA-256 verifier: ", why));
  };
  if (text.substr(0, kVerifierPrefix.size()) != kVerifierPrefix) return bad("missing \"SCRAM-SHA-256$\" prefix");
  std::vector<std::string_view> halves = Split(text.substr(kVerifierPrefix.size()), '$');
  if (halves.size() != 2) return bad("expected <iterations>:<salt>$<StoredKey>:<ServerKey>");
  std::vector<std::string_view> left = Split(halves[0], ':');
  std::vector<std::string_view> right = Split(halves[1], ':');
  if (left.size() != 2 || right.size() != 2) return bad("expected <iterations>:<salt>$<StoredKey>:<ServerKey>");
  ScramVerifier v;
  v.iterations = ParsePositiveInt(left[0]);
  if (v.iterations < 1) return bad("iterations must be a positive integer");
  auto salt = Base64Decode(left[1]);
  if (!salt.ok()) return bad(Cat("salt: ", View(salt.status().message())));
  if (salt->empty()) return bad("empty salt");
  auto stored = Base64Decode(right[0]);
  if (!stored.ok()) return bad(Cat("StoredKey: ", View(stored.status().message())));
  auto server = Base64Decode(right[1]);
  if (!server.ok()) return bad(Cat("ServerKey: ", View(server.status().message())));
  if (stored->size() != kScramKeyLen || server->size() != kScramKeyLen) return bad("keys must be 32 bytes");
  v.salt = *std::move(salt);
  v.stored_key = *std::move(stored);
  v.server_key = *std::move(server);
  return v;
}

std::string FormatScramVerifier(const ScramVerifier& v) {
  return Cat(kVerifierPrefix, v.iterations, ":", Base64Encode(v.salt), "$", Base64Encode(v.stored_key), ":",
                      Base64Encode(v.server_key));
}

ScramVerifier MakeScramVerifier(std::string_view password, std::string_view salt, int iterations) {
  ScramVerifier v;
  v.iterations = iterations < 1 ? 1 : iterations;
  v.salt = std::string(salt);
  std::string salted = SaltedPassword(password, salt, v.iterations);
  std::string client_key = HmacSha256(salted, "Client Key");
  v.stored_key = Sha256(client_key);
  v.server_key = HmacSha256(salted, "Server Key");
  Cleanse(client_key);
  Cleanse(salted);
  return v;
}

// ---- ScramServer ----

ScramServer::ScramServer(const ScramVerifier* verifier, std::string_view user, std::string_view mock_secret)
    : user_(user) {
  // An unusable verifier (wrong key length, no salt) is treated like an unknown user, as PostgreSQL treats a secret
  // it cannot parse: the exchange runs with a mock salt and fails at the end.
  if (verifier != nullptr && IsUsableVerifier(*verifier)) {
    verifier_ = *verifier;
  } else {
    mock_ = true;
    verifier_.iterations = kScramDefaultIterations;
    verifier_.salt = HmacSha256(mock_secret, user).substr(0, kScramDefaultSaltLen);
  }
}

absl::Status ScramServer::AuthFailed() const {
  return absl::PermissionDeniedError(Cat("password authentication failed for user \"", user_, "\""));
}

absl::StatusOr<std::string> ScramServer::HandleClientFirst(std::string_view msg) {
  if (state_ != State::kInitial) return absl::FailedPreconditionError("SCRAM client-first-message already handled");
  state_ = State::kDone;  // until this message proves well-formed

  // gs2-header = gs2-cbind-flag "," [ authzid ] ","
  if (msg.substr(0, 2) == "p=") {
    return absl::InvalidArgumentError("client requires SCRAM channel binding, which this server does not offer");
  }
  if (msg.size() < 3 || (msg[0] != 'n' && msg[0] != 'y') || msg[1] != ',') {
    return Malformed("client-first-message has an invalid GS2 header");
  }
  if (msg[2] == 'a') return absl::InvalidArgumentError("SCRAM authorization identity is not supported");
  if (msg[2] != ',') return Malformed("client-first-message has an invalid GS2 header");
  std::string_view header = msg.substr(0, 3);
  std::string_view bare = msg.substr(3);

  // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
  auto attrs = SplitAttributes(bare, "client-first-message");
  if (!attrs.ok()) return attrs.status();
  if (!attrs->empty() && (*attrs)[0].name == 'm') {
    return absl::InvalidArgumentError("SCRAM mandatory extension (m=) is not supported");
  }
  if (attrs->size() < 2 || (*attrs)[0].name != 'n' || (*attrs)[1].name != 'r') {
    return Malformed("client-first-message needs n= then r=");
  }
  if (!IsValidSaslname((*attrs)[0].value)) return Malformed("client-first-message has an invalid username");
  std::string_view client_nonce = (*attrs)[1].value;
  if (!IsValidNonce(client_nonce)) return Malformed("client-first-message has an invalid nonce");
  // Any further attributes are extensions, which are ignored (as PostgreSQL does).

  if (server_nonce_.empty()) server_nonce_ = RandomBase64(kScramRawNonceLen);
  gs2_header_ = std::string(header);
  client_first_bare_ = std::string(bare);
  combined_nonce_ = Cat(client_nonce, server_nonce_);
  server_first_ =
      Cat("r=", combined_nonce_, ",s=", Base64Encode(verifier_.salt), ",i=", verifier_.iterations);
  state_ = State::kFirstSeen;
  return server_first_;
}

absl::StatusOr<std::string> ScramServer::HandleClientFinal(std::string_view msg) {
  if (state_ != State::kFirstSeen) {
    return absl::FailedPreconditionError("SCRAM client-final-message out of order");
  }
  state_ = State::kDone;

  // client-final-message = channel-binding "," nonce ["," extensions] "," proof
  auto attrs = SplitAttributes(msg, "client-final-message");
  if (!attrs.ok()) return attrs.status();
  const std::vector<Attr>& a = *attrs;
  if (a.size() < 3 || a[0].name != 'c' || a[1].name != 'r' || a.back().name != 'p') {
    return Malformed("client-final-message needs c=, r=, then p= last");
  }
  for (size_t i = 2; i + 1 < a.size(); ++i) {
    if (a[i].name == 'p') return Malformed("client-final-message has data after the proof");
  }
  if (a[0].value != Base64Encode(gs2_header_)) {
    if (!Base64Decode(a[0].value).ok()) return Malformed("client-final-message has invalid base64 in c=");
    return absl::InvalidArgumentError("SCRAM channel binding check failed (c= does not match the GS2 header)");
  }
  if (a[1].value != combined_nonce_) return absl::InvalidArgumentError("SCRAM nonce mismatch");
  auto proof = Base64Decode(a.back().value);
  if (!proof.ok()) return Malformed("client-final-message has invalid base64 in p=");
  if (proof->size() != kScramKeyLen) return Malformed("client-final-message has a proof of the wrong length");
  std::string_view without_proof = msg.substr(0, msg.size() - a.back().value.size() - 3);  // drop ",p=<proof>"

  if (mock_) return AuthFailed();
  std::string auth_message = Cat(client_first_bare_, ",", server_first_, ",", without_proof);
  std::string client_signature = HmacSha256(verifier_.stored_key, auth_message);
  std::string client_key = Xor(*proof, client_signature);
  bool ok = ConstantTimeEquals(Sha256(client_key), verifier_.stored_key);
  Cleanse(client_key);
  if (!ok) return AuthFailed();
  authenticated_ = true;
  return Cat("v=", Base64Encode(HmacSha256(verifier_.server_key, auth_message)));
}

// ---- ScramClient ----

ScramClient::ScramClient(std::string password)
    : password_(std::move(password)), nonce_(RandomBase64(kScramRawNonceLen)) {
  client_first_bare_ = Cat("n=,r=", nonce_);
}

ScramClient::ScramClient(std::string password, std::string nonce, std::string_view sasl_user)
    : password_(std::move(password)), nonce_(std::move(nonce)) {
  client_first_bare_ = Cat("n=", EscapeSaslname(sasl_user), ",r=", nonce_);
}

ScramClient::~ScramClient() {
  Cleanse(password_);
  Cleanse(expected_server_signature_);
}

std::string ScramClient::ClientFirst() {
  if (state_ == State::kInitial) state_ = State::kFirstSent;
  return Cat("n,,", client_first_bare_);
}

absl::StatusOr<std::string> ScramClient::HandleServerFirst(std::string_view msg) {
  if (state_ != State::kFirstSent) return absl::FailedPreconditionError("SCRAM server-first-message out of order");
  state_ = State::kDone;

  // server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count ["," extensions]
  auto attrs = SplitAttributes(msg, "server-first-message");
  if (!attrs.ok()) return attrs.status();
  const std::vector<Attr>& a = *attrs;
  if (!a.empty() && a[0].name == 'm') {
    return absl::InvalidArgumentError("SCRAM mandatory extension (m=) is not supported");
  }
  if (a.size() < 3 || a[0].name != 'r' || a[1].name != 's' || a[2].name != 'i') {
    return Malformed("server-first-message needs r=, s=, i=");
  }
  std::string_view combined = a[0].value;
  if (!IsValidNonce(combined)) return Malformed("server-first-message has an invalid nonce");
  if (combined.size() <= nonce_.size() || combined.substr(0, nonce_.size()) != nonce_) {
    return absl::InvalidArgumentError("SCRAM nonce mismatch: the server nonce does not extend the client nonce");
  }
  auto salt = Base64Decode(a[1].value);
  if (!salt.ok()) return Malformed("server-first-message has invalid base64 in s=");
  if (salt->empty()) return Malformed("server-first-message has an empty salt");
  int iterations = ParsePositiveInt(a[2].value);
  if (iterations < 1) return Malformed("server-first-message has an invalid iteration count");

  std::string salted = SaltedPassword(password_, *salt, iterations);
  std::string client_key = HmacSha256(salted, "Client Key");
  std::string stored_key = Sha256(client_key);
  std::string server_key = HmacSha256(salted, "Server Key");
  std::string without_proof = Cat("c=biws,r=", combined);  // biws = base64("n,,")
  std::string auth_message = Cat(client_first_bare_, ",", msg, ",", without_proof);
  std::string proof = Xor(client_key, HmacSha256(stored_key, auth_message));
  expected_server_signature_ = HmacSha256(server_key, auth_message);
  Cleanse(salted);
  Cleanse(client_key);
  Cleanse(stored_key);
  Cleanse(server_key);
  state_ = State::kFinalSent;
  return Cat(without_proof, ",p=", Base64Encode(proof));
}

absl::Status ScramClient::HandleServerFinal(std::string_view msg) {
  if (state_ != State::kFinalSent) return absl::FailedPreconditionError("SCRAM server-final-message out of order");
  state_ = State::kDone;

  // server-final-message = (server-error / verifier) ["," extensions]
  auto attrs = SplitAttributes(msg, "server-final-message");
  if (!attrs.ok()) return attrs.status();
  const Attr& first = (*attrs)[0];
  if (first.name == 'e') {
    return absl::PermissionDeniedError(Cat("SCRAM authentication failed: server error \"", first.value, "\""));
  }
  if (first.name != 'v') return Malformed("server-final-message needs e= or v=");
  auto signature = Base64Decode(first.value);
  if (!signature.ok()) return Malformed("server-final-message has invalid base64 in v=");
  if (signature->size() != kScramKeyLen) return Malformed("server-final-message has a signature of the wrong length");
  if (!ConstantTimeEquals(*signature, expected_server_signature_)) {
    return absl::PermissionDeniedError("SCRAM server signature mismatch: the server does not know the password");
  }
  return absl::OkStatus();
}

// ---- MD5 ----

std::string Md5PasswordResponse(std::string_view user, std::string_view password, const unsigned char salt[4]) {
  auto hex = [](std::string_view digest) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : digest) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    return out;
  };
  std::string inner = hex(Digest(EVP_md5(), Cat(password, user)));
  inner.append(reinterpret_cast<const char*>(salt), 4);
  return Cat("md5", hex(Digest(EVP_md5(), inner)));
}

}  // namespace rlsq_proxy::auth
