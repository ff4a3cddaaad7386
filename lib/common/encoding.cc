#include "lib/common/encoding.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "absl/strings/escaping.h"
#include "lib/common/str_cat.h"
#include "lib/common/utf8.h"

namespace rlsq::encoding {
namespace {

enum class Kind : uint8_t {
  kUtf8,
  kSqlAscii,
  kLatin1,
  kUnsupported,     // a valid encoding rlsq does not transcode
  kAsciiTrail,      // client-only: \ (0x5C) and other ASCII bytes can be trail bytes
  kAsciiTrailUhc,   // client-only: ASCII letters can be trail bytes
  kAsciiTrailGb,    // client-only: \ and digits (four-byte form) can be trail bytes
};

struct Encoding {
  std::string_view name;  // PostgreSQL's canonical name (pg_enc2name_tbl)
  Kind kind;
};

// PostgreSQL 15's encodings in enum pg_enc order (src/include/mb/pg_wchar.h). Every one is a valid client
// encoding; those from SJIS on are client-only (PG_ENCODING_BE_LAST is KOI8U).
enum Pg : uint8_t {
  SQL_ASCII, EUC_JP, EUC_CN, EUC_KR, EUC_TW, EUC_JIS_2004, UTF8, MULE_INTERNAL, LATIN1, LATIN2, LATIN3, LATIN4,
  LATIN5, LATIN6, LATIN7, LATIN8, LATIN9, LATIN10, WIN1256, WIN1258, WIN866, WIN874, KOI8R, WIN1251, WIN1252,
  ISO_8859_5, ISO_8859_6, ISO_8859_7, ISO_8859_8, WIN1250, WIN1253, WIN1254, WIN1255, WIN1257, KOI8U,
  SJIS, BIG5, GBK, UHC, GB18030, JOHAB, SHIFT_JIS_2004,
};

constexpr Encoding kEncodings[] = {
    {"SQL_ASCII", Kind::kSqlAscii},       {"EUC_JP", Kind::kUnsupported},    {"EUC_CN", Kind::kUnsupported},
    {"EUC_KR", Kind::kUnsupported},       {"EUC_TW", Kind::kUnsupported},    {"EUC_JIS_2004", Kind::kUnsupported},
    {"UTF8", Kind::kUtf8},                {"MULE_INTERNAL", Kind::kUnsupported}, {"LATIN1", Kind::kLatin1},
    {"LATIN2", Kind::kUnsupported},       {"LATIN3", Kind::kUnsupported},    {"LATIN4", Kind::kUnsupported},
    {"LATIN5", Kind::kUnsupported},       {"LATIN6", Kind::kUnsupported},    {"LATIN7", Kind::kUnsupported},
    {"LATIN8", Kind::kUnsupported},       {"LATIN9", Kind::kUnsupported},    {"LATIN10", Kind::kUnsupported},
    {"WIN1256", Kind::kUnsupported},      {"WIN1258", Kind::kUnsupported},   {"WIN866", Kind::kUnsupported},
    {"WIN874", Kind::kUnsupported},       {"KOI8R", Kind::kUnsupported},     {"WIN1251", Kind::kUnsupported},
    {"WIN1252", Kind::kUnsupported},      {"ISO_8859_5", Kind::kUnsupported}, {"ISO_8859_6", Kind::kUnsupported},
    {"ISO_8859_7", Kind::kUnsupported},   {"ISO_8859_8", Kind::kUnsupported}, {"WIN1250", Kind::kUnsupported},
    {"WIN1253", Kind::kUnsupported},      {"WIN1254", Kind::kUnsupported},   {"WIN1255", Kind::kUnsupported},
    {"WIN1257", Kind::kUnsupported},      {"KOI8U", Kind::kUnsupported},     {"SJIS", Kind::kAsciiTrail},
    {"BIG5", Kind::kAsciiTrail},          {"GBK", Kind::kAsciiTrail},        {"UHC", Kind::kAsciiTrailUhc},
    {"GB18030", Kind::kAsciiTrailGb},     {"JOHAB", Kind::kAsciiTrail},      {"SHIFT_JIS_2004", Kind::kAsciiTrail},
};
static_assert(std::size(kEncodings) == SHIFT_JIS_2004 + 1);

struct Alias {
  std::string_view key;  // cleaned: lower-case ASCII letters and digits only
  Pg encoding;
};

// PostgreSQL 15's pg_encname_tbl (src/common/encnames.c), sorted by key.
constexpr Alias kAliases[] = {
    {"abc", WIN1258},          {"alt", WIN866},           {"big5", BIG5},
    {"euccn", EUC_CN},         {"eucjis2004", EUC_JIS_2004}, {"eucjp", EUC_JP},
    {"euckr", EUC_KR},         {"euctw", EUC_TW},         {"gb18030", GB18030},
    {"gbk", GBK},              {"iso88591", LATIN1},      {"iso885910", LATIN6},
    {"iso885913", LATIN7},     {"iso885914", LATIN8},     {"iso885915", LATIN9},
    {"iso885916", LATIN10},    {"iso88592", LATIN2},      {"iso88593", LATIN3},
    {"iso88594", LATIN4},      {"iso88595", ISO_8859_5},  {"iso88596", ISO_8859_6},
    {"iso88597", ISO_8859_7},  {"iso88598", ISO_8859_8},  {"iso88599", LATIN5},
    {"johab", JOHAB},          {"koi8", KOI8R},           {"koi8r", KOI8R},
    {"koi8u", KOI8U},          {"latin1", LATIN1},        {"latin10", LATIN10},
    {"latin2", LATIN2},        {"latin3", LATIN3},        {"latin4", LATIN4},
    {"latin5", LATIN5},        {"latin6", LATIN6},        {"latin7", LATIN7},
    {"latin8", LATIN8},        {"latin9", LATIN9},        {"mskanji", SJIS},
    {"muleinternal", MULE_INTERNAL}, {"shiftjis", SJIS},  {"shiftjis2004", SHIFT_JIS_2004},
    {"sjis", SJIS},            {"sqlascii", SQL_ASCII},   {"tcvn", WIN1258},
    {"tcvn5712", WIN1258},     {"uhc", UHC},              {"unicode", UTF8},
    {"utf8", UTF8},            {"vscii", WIN1258},        {"win", WIN1251},
    {"win1250", WIN1250},      {"win1251", WIN1251},      {"win1252", WIN1252},
    {"win1253", WIN1253},      {"win1254", WIN1254},      {"win1255", WIN1255},
    {"win1256", WIN1256},      {"win1257", WIN1257},      {"win1258", WIN1258},
    {"win866", WIN866},        {"win874", WIN874},        {"win932", SJIS},
    {"win936", GBK},           {"win949", UHC},           {"win950", BIG5},
    {"windows1250", WIN1250},  {"windows1251", WIN1251},  {"windows1252", WIN1252},
    {"windows1253", WIN1253},  {"windows1254", WIN1254},  {"windows1255", WIN1255},
    {"windows1256", WIN1256},  {"windows1257", WIN1257},  {"windows1258", WIN1258},
    {"windows866", WIN866},    {"windows874", WIN874},    {"windows932", SJIS},
    {"windows936", GBK},       {"windows949", UHC},       {"windows950", BIG5},
};
static_assert(std::size(kAliases) == 81);

constexpr bool AliasesSorted() {
  for (size_t i = 1; i < std::size(kAliases); ++i)
    if (!(kAliases[i - 1].key < kAliases[i].key)) return false;
  return true;
}
static_assert(AliasesSorted());

constexpr size_t kNameDataLen = 64;  // PostgreSQL's NAMEDATALEN: longer names are never in the table

std::string_view RefusalReason(Kind kind) {
  switch (kind) {
    case Kind::kAsciiTrail:
      return "its multibyte characters can contain ASCII bytes, among them \\ (0x5C), so the server would read "
             "strings differently from rlsq; use UTF8";
    case Kind::kAsciiTrailGb:
      return "its multibyte characters can contain ASCII bytes, among them \\ (0x5C) and digits, so the server "
             "would read strings differently from rlsq; use UTF8";
    case Kind::kAsciiTrailUhc:
      return "its multibyte characters can contain ASCII bytes (letters), so the server would read the text "
             "differently from rlsq; use UTF8";
    default:
      return "";
  }
}

}  // namespace

absl::StatusOr<ClientEncoding> ParseClientEncoding(std::string_view name) {
  auto unknown = [&] {
    return absl::InvalidArgumentError(Cat("unknown client encoding \"", absl::CHexEscape(ToAbsl(name)), "\""));
  };
  if (name.empty() || name.size() >= kNameDataLen) return unknown();
  std::string key;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u == 0 || u >= 0x80) return unknown();
    if (c >= 'A' && c <= 'Z') {
      key.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      key.push_back(c);
    }
  }
  auto it = std::lower_bound(std::begin(kAliases), std::end(kAliases), key,
                             [](const Alias& a, std::string_view k) { return a.key < k; });
  if (it == std::end(kAliases) || it->key != key) return unknown();
  const Encoding& enc = kEncodings[it->encoding];
  switch (enc.kind) {
    case Kind::kUtf8:
      return ClientEncoding::kUtf8;
    case Kind::kSqlAscii:
      return ClientEncoding::kSqlAscii;
    case Kind::kLatin1:
      return ClientEncoding::kLatin1;
    case Kind::kUnsupported:
      return absl::InvalidArgumentError(
          Cat("client encoding ", enc.name, " is not supported by rlsq: use UTF8"));
    case Kind::kAsciiTrail:
    case Kind::kAsciiTrailGb:
    case Kind::kAsciiTrailUhc:
      return absl::InvalidArgumentError(
          Cat("client encoding ", enc.name, " is refused: ", RefusalReason(enc.kind)));
  }
  return unknown();
}

std::string_view Name(ClientEncoding e) {
  switch (e) {
    case ClientEncoding::kUtf8:
      return "UTF8";
    case ClientEncoding::kSqlAscii:
      return "SQL_ASCII";
    case ClientEncoding::kLatin1:
      return "LATIN1";
  }
  return "";
}

absl::StatusOr<std::string> ToServer(ClientEncoding e, std::string_view client_text) {
  if (e != ClientEncoding::kLatin1) return std::string(client_text);
  std::string out;
  out.reserve(client_text.size() + client_text.size() / 4);
  for (char c : client_text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      out.push_back(c);
    } else {
      AppendUtf8(u, &out);
    }
  }
  return out;
}

absl::StatusOr<std::string> ToClient(ClientEncoding e, std::string_view utf8) {
  if (e != ClientEncoding::kLatin1) return std::string(utf8);
  std::string out;
  out.reserve(utf8.size());
  const unsigned char* s = reinterpret_cast<const unsigned char*>(utf8.data());
  size_t n = utf8.size();
  for (size_t i = 0; i < n;) {
    if (s[i] < 0x80) {  // ASCII, and U+0000 (which Utf8SequenceLength refuses)
      out.push_back(static_cast<char>(s[i]));
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(s + i, n - i);
    if (len == 0) return absl::InvalidArgumentError(InvalidUtf8Message(utf8, i));
    uint32_t cp = s[i] & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    if (cp > 0xFF) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
      return absl::InvalidArgumentError(Cat("character ", buf, " cannot be represented in LATIN1"));
    }
    out.push_back(static_cast<char>(cp));
    i += len;
  }
  return out;
}

}  // namespace rlsq::encoding
