// libFuzzer target: client encodings (lib/common/encoding.h, issue 11 section 5), alone and through the engine.
//
// Input: the first byte picks a client encoding name from kNames (byte % kNames.size(); make_seeds.sh relies on
// the first entries: 0 UTF8, 1 SQL_ASCII, 2 LATIN1, 3 SJIS); the rest is the query text in that encoding. A first
// byte 0xFF reads the name from the input instead: the bytes after it up to a NUL are the name, the bytes after the
// NUL the query (no NUL: the whole rest is the name, the query a fixed one). Checked:
//   - ParseClientEncoding gives what kNames says for the listed names: UTF8 / SQL_ASCII / LATIN1, or InvalidArgument
//     "... is refused: ..." for the encodings whose multibyte characters can hold ASCII bytes (SJIS, BIG5, GBK, UHC,
//     GB18030, JOHAB, SHIFT_JIS_2004 and their aliases), "... is not supported by rlsq" for the other valid
//     encodings, "unknown client encoding" for the rest. A fuzzed name: OK or InvalidArgument, and the same answer
//     after swapping the case of its ASCII letters or adding a '-' in front (unless that makes it 64 bytes long);
//   - LATIN1: ToServer never fails, maps each byte >= 0x80 to its two-byte UTF-8 form and nothing else, and
//     ToClient(ToServer(x)) == x. ToClient(x) of the raw text either fails with InvalidArgument or round trips:
//     ToServer(ToClient(x)) == x;
//   - UTF8 and SQL_ASCII: ToServer and ToClient return the text unchanged;
//   - Engine::rewrite with RewriteOptions::client_encoding never crashes, refuses only with InvalidArgument or
//     PermissionDenied, and never returns OK for a refused, unsupported or unknown encoding. For UTF8 / SQL_ASCII /
//     an alias, the answer is exactly the UTF8 answer; for LATIN1 it is the UTF8 answer for ToServer(x), converted
//     back with ToClient (status and text), and a success satisfies the rewrite property (rewrite_property.h) on
//     the text the server lexes: ToServer(input) and ToServer(output).
// The policy's filters hold a LATIN1-representable non-ASCII character (orders) and one that is not (nation), so
// the LATIN1 output conversion both succeeds and fails.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz/rewrite_property.h"
#include "lib/common/encoding.h"
#include "rewriter/engine.h"

namespace {

namespace enc = rlsq::encoding;
using enc::ClientEncoding;

enum class Expect : uint8_t { kUtf8, kSqlAscii, kLatin1, kRefused, kUnsupported, kUnknown };

struct Name {
  std::string_view name;
  Expect expect;
};

constexpr std::string_view k64 = "utf8____________________________________________________________";  // 64 bytes
static_assert(k64.size() == 64);

constexpr std::array kNames = {
    Name{"UTF8", Expect::kUtf8},
    Name{"SQL_ASCII", Expect::kSqlAscii},
    Name{"LATIN1", Expect::kLatin1},
    Name{"SJIS", Expect::kRefused},
    Name{"BIG5", Expect::kRefused},
    Name{"GBK", Expect::kRefused},
    Name{"UHC", Expect::kRefused},
    Name{"GB18030", Expect::kRefused},
    Name{"JOHAB", Expect::kRefused},
    Name{"SHIFT_JIS_2004", Expect::kRefused},
    Name{"utf-8", Expect::kUtf8},
    Name{"Unicode", Expect::kUtf8},
    Name{"sql ascii", Expect::kSqlAscii},
    Name{"ISO-8859-1", Expect::kLatin1},
    Name{"latin_1", Expect::kLatin1},
    Name{"Shift_JIS", Expect::kRefused},
    Name{"mskanji", Expect::kRefused},
    Name{"win932", Expect::kRefused},
    Name{"Windows-936", Expect::kRefused},
    Name{"windows949", Expect::kRefused},
    Name{"WIN950", Expect::kRefused},
    Name{"EUC_JP", Expect::kUnsupported},
    Name{"LATIN2", Expect::kUnsupported},
    Name{"WIN1252", Expect::kUnsupported},
    Name{"koi8", Expect::kUnsupported},
    Name{"MULE_INTERNAL", Expect::kUnsupported},
    Name{"", Expect::kUnknown},
    Name{"no-such-encoding", Expect::kUnknown},
    Name{"UTF16", Expect::kUnknown},
    Name{std::string_view("UTF8\0", 5), Expect::kUnknown},
    Name{"UTF\xC3\xA9"
         "8",
         Expect::kUnknown},
    Name{"\xEF\xBC\xB5TF8", Expect::kUnknown},  // fullwidth U
    Name{k64, Expect::kUnknown},
    Name{k64.substr(0, 63), Expect::kUtf8},  // 63 bytes: still a name
};

static_assert(kNames[0].name == "UTF8" && kNames[1].name == "SQL_ASCII" && kNames[2].name == "LATIN1" &&
              kNames[3].name == "SJIS" && kNames.size() < 0xFF);

constexpr const char* kPolicy = R"json({
  "default_schema": "public",
  "roles": [{"name": "R", "permissions": [["all_datasource_access", "all_datasource_access"]]}],
  "users": [{"username": "u", "roles": ["R"]}],
  "rls_filters": [
    {"name": "latin", "filter_type": "Regular", "tables": ["orders"], "roles": ["R"],
     "clause": "o_comment <> 'Z\u00fcrich \u00e9t\u00e9' AND o_orderkey > 5"},
    {"name": "wide", "filter_type": "Regular", "tables": ["nation"], "roles": ["R"],
     "clause": "n_name <> '\u65e5\u672c \u20ac'"},
    {"name": "plain", "filter_type": "Base", "tables": ["customer"], "roles": ["R"], "clause": "c_custkey < 100"}
  ]
})json";

constexpr std::string_view kFixedQuery =
    "SELECT o_orderkey FROM orders JOIN customer ON o_custkey = c_custkey WHERE o_comment = 'caf\xE9'";

[[noreturn]] void Fail(const char* what, std::string_view name, std::string_view text, const std::string& detail) {
  std::fprintf(stderr, "ENCODING PROPERTY VIOLATED: %s\nencoding: \"%.*s\"\ndetail: %s\ninput (%zu bytes):\n%.*s\n",
               what, static_cast<int>(name.size()), name.data(), detail.c_str(), text.size(),
               static_cast<int>(text.size()), text.data());
  std::abort();
}

std::string Show(const absl::StatusOr<std::string>& s) { return s.ok() ? "OK: " + *s : s.status().ToString(); }

// The class of a ParseClientEncoding answer, for comparing two spellings of a name: the encoding, or the message
// (which names the canonical encoding) for refused and unsupported ones; every unknown name is the same class.
std::string Classify(const absl::StatusOr<ClientEncoding>& e) {
  if (e.ok()) return std::string(enc::Name(*e));
  std::string msg(e.status().message());
  return msg.rfind("unknown client encoding", 0) == 0 ? "unknown" : msg;
}

bool Contains(absl::string_view s, std::string_view part) {
  return s.find(absl::string_view(part.data(), part.size())) != absl::string_view::npos;
}

void CheckParse(std::string_view name, Expect expect, const absl::StatusOr<ClientEncoding>& e) {
  auto want_ok = [&](ClientEncoding want) {
    if (!e.ok() || *e != want) Fail("ParseClientEncoding answer", name, "", Classify(e));
  };
  auto want_error = [&](std::string_view part) {
    if (e.ok() || e.status().code() != absl::StatusCode::kInvalidArgument || !Contains(e.status().message(), part))
      Fail("ParseClientEncoding refusal", name, "", Classify(e));
  };
  switch (expect) {
    case Expect::kUtf8:
      return want_ok(ClientEncoding::kUtf8);
    case Expect::kSqlAscii:
      return want_ok(ClientEncoding::kSqlAscii);
    case Expect::kLatin1:
      return want_ok(ClientEncoding::kLatin1);
    case Expect::kRefused:
      return want_error(" is refused: ");
    case Expect::kUnsupported:
      return want_error(" is not supported by rlsq");
    case Expect::kUnknown:
      return want_error("unknown client encoding");
  }
}

// A fuzzed name: OK or InvalidArgument, and the same class under the spellings PostgreSQL treats alike.
void CheckFuzzedName(std::string_view name, const absl::StatusOr<ClientEncoding>& e) {
  if (!e.ok() && e.status().code() != absl::StatusCode::kInvalidArgument)
    Fail("ParseClientEncoding status code", name, "", e.status().ToString());
  std::string swapped(name);
  for (char& c : swapped) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    } else if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  if (Classify(enc::ParseClientEncoding(swapped)) != Classify(e))
    Fail("case changes the encoding", name, "", Classify(e) + " vs " + Classify(enc::ParseClientEncoding(swapped)));
  std::string dashed = "-" + std::string(name);
  std::string want = dashed.size() >= 64 ? "unknown" : Classify(e);
  if (Classify(enc::ParseClientEncoding(dashed)) != want)
    Fail("a '-' changes the encoding", name, "", want + " vs " + Classify(enc::ParseClientEncoding(dashed)));
}

void CheckConversions(std::string_view name, ClientEncoding e, std::string_view text) {
  auto server = enc::ToServer(e, text);
  if (e != ClientEncoding::kLatin1) {
    if (!server.ok() || *server != text) Fail("ToServer changed the text", name, text, Show(server));
    auto client = enc::ToClient(e, text);
    if (!client.ok() || *client != text) Fail("ToClient changed the text", name, text, Show(client));
    return;
  }
  if (!server.ok()) Fail("ToServer failed for LATIN1", name, text, server.status().ToString());
  // Each byte >= 0x80 becomes C2/C3 and a continuation byte; every other byte is copied.
  std::string want;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      want.push_back(c);
    } else {
      want.push_back(static_cast<char>(0xC0 | (u >> 6)));
      want.push_back(static_cast<char>(0x80 | (u & 0x3F)));
    }
  }
  if (*server != want) Fail("ToServer(LATIN1) is not the byte-wise UTF-8 form", name, text, Show(server));
  auto back = enc::ToClient(e, *server);
  if (!back.ok() || *back != text) Fail("ToClient(ToServer(x)) != x", name, text, Show(back));
  // The raw text read as UTF-8: refused, or a string that converts back to exactly the text.
  auto raw = enc::ToClient(e, text);
  if (!raw.ok()) {
    if (raw.status().code() != absl::StatusCode::kInvalidArgument)
      Fail("ToClient status code", name, text, raw.status().ToString());
  } else {
    auto again = enc::ToServer(e, *raw);
    if (!again.ok() || *again != text) Fail("ToServer(ToClient(x)) != x", name, text, Show(again));
  }
}

struct Fixture {
  std::unique_ptr<rlsq::Engine> engine;
  Fixture() {
    auto e = rlsq::Engine::FromPolicyJson(kPolicy);
    if (!e.ok()) {
      std::fprintf(stderr, "policy: %s\n", e.status().ToString().c_str());
      std::abort();
    }
    engine = std::move(*e);
  }
  absl::StatusOr<std::string> Rewrite(std::string_view sql, std::string_view encoding, bool cache) const {
    rlsq::RewriteOptions options;
    options.client_encoding = std::string(encoding);
    options.use_plan_cache = cache;
    auto r = engine->rewrite(sql, rlsq::Caller{"u"}, options);
    if (!r.ok()) return r.status();
    return std::move(r->sql);
  }
};

bool SameAnswer(const absl::StatusOr<std::string>& a, const absl::StatusOr<std::string>& b) {
  if (a.ok() != b.ok()) return false;
  return a.ok() ? *a == *b : a.status() == b.status();
}

void CheckEngine(const Fixture& f, std::string_view name, const absl::StatusOr<ClientEncoding>& e,
                 std::string_view text, bool cache) {
  auto r = f.Rewrite(text, name, cache);
  if (!r.ok() && r.status().code() != absl::StatusCode::kInvalidArgument &&
      r.status().code() != absl::StatusCode::kPermissionDenied)
    Fail("rewrite status code", name, text, r.status().ToString());
  if (!e.ok()) {  // refused before anything else, with ParseClientEncoding's message
    if (r.ok()) Fail("rewrite succeeded under a refused encoding", name, text, Show(r));
    if (r.status() != e.status()) Fail("refusal differs from ParseClientEncoding's", name, text, Show(r));
    return;
  }
  if (*e != ClientEncoding::kLatin1) {
    // UTF8, SQL_ASCII and every alias: the same answer as UTF8.
    if (name == "UTF8") return;
    auto ref = f.Rewrite(text, "UTF8", cache);
    if (!SameAnswer(r, ref)) Fail("answer differs from UTF8", name, text, Show(r) + "\nUTF8: " + Show(ref));
    return;
  }
  std::string server = *enc::ToServer(*e, text);
  auto ref = f.Rewrite(server, "UTF8", cache);
  absl::StatusOr<std::string> want = ref;
  if (ref.ok()) want = enc::ToClient(*e, *ref);
  if (!SameAnswer(r, want))
    Fail("LATIN1 answer is not the UTF8 answer converted", name, text, Show(r) + "\nwant: " + Show(want));
  if (!r.ok()) return;
  std::string server_out = *enc::ToServer(*e, *r);
  if (server_out != *ref) Fail("the server reads a different output", name, text, server_out + "\nvs\n" + *ref);
  const auto& policy = rlsq::fuzz::AsPolicy(f.engine->policy());
  absl::Status p = rlsq::fuzz::CheckRewriteProperty(server, server_out, policy, policy.UserIndex("u"));
  if (!p.ok()) Fail("rewrite property on the server's text", name, text, p.ToString() + "\noutput:\n" + server_out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture f;
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string_view name, text;
  std::optional<Expect> expect;
  if (data[0] != 0xFF) {
    size_t pick = data[0] % kNames.size();
    name = kNames[pick].name;
    expect = kNames[pick].expect;
    text = input;
  } else {
    size_t nul = input.find('\0');
    name = input.substr(0, nul);
    text = nul == std::string_view::npos ? kFixedQuery : input.substr(nul + 1);
  }
  auto e = enc::ParseClientEncoding(name);
  if (expect) {
    CheckParse(name, *expect, e);
  } else {
    CheckFuzzedName(name, e);
  }
  if (e.ok()) CheckConversions(name, *e, text);
  CheckEngine(f, name, e, text, (size & 7) != 0);
  return 0;
}
