// Client encodings: PostgreSQL 15's names and aliases, the refused client-only encodings, LATIN1 transcoding.
#include "lib/common/encoding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/status_matchers.h"

namespace rlsq::encoding {
namespace {


// PostgreSQL 15's pg_encname_tbl (src/common/encnames.c): every name with its encoding's canonical name. Kept
// apart from encoding.cc's table on purpose; encoding_pg_test checks this list against a real server.
const std::vector<std::pair<std::string, std::string>>& PgAliases() {
  static const auto* aliases = new std::vector<std::pair<std::string, std::string>>{
      {"abc", "WIN1258"}, {"alt", "WIN866"}, {"big5", "BIG5"}, {"euccn", "EUC_CN"},
      {"eucjis2004", "EUC_JIS_2004"}, {"eucjp", "EUC_JP"}, {"euckr", "EUC_KR"}, {"euctw", "EUC_TW"},
      {"gb18030", "GB18030"}, {"gbk", "GBK"}, {"iso88591", "LATIN1"}, {"iso885910", "LATIN6"},
      {"iso885913", "LATIN7"}, {"iso885914", "LATIN8"}, {"iso885915", "LATIN9"}, {"iso885916", "LATIN10"},
      {"iso88592", "LATIN2"}, {"iso88593", "LATIN3"}, {"iso88594", "LATIN4"}, {"iso88595", "ISO_8859_5"},
      {"iso88596", "ISO_8859_6"}, {"iso88597", "ISO_8859_7"}, {"iso88598", "ISO_8859_8"}, {"iso88599", "LATIN5"},
      {"johab", "JOHAB"}, {"koi8", "KOI8R"}, {"koi8r", "KOI8R"}, {"koi8u", "KOI8U"}, {"latin1", "LATIN1"},
      {"latin10", "LATIN10"}, {"latin2", "LATIN2"}, {"latin3", "LATIN3"}, {"latin4", "LATIN4"},
      {"latin5", "LATIN5"}, {"latin6", "LATIN6"}, {"latin7", "LATIN7"}, {"latin8", "LATIN8"},
      {"latin9", "LATIN9"}, {"mskanji", "SJIS"}, {"muleinternal", "MULE_INTERNAL"}, {"shiftjis", "SJIS"},
      {"shiftjis2004", "SHIFT_JIS_2004"}, {"sjis", "SJIS"}, {"sqlascii", "SQL_ASCII"}, {"tcvn", "WIN1258"},
      {"tcvn5712", "WIN1258"}, {"uhc", "UHC"}, {"unicode", "UTF8"}, {"utf8", "UTF8"}, {"vscii", "WIN1258"},
      {"win", "WIN1251"}, {"win1250", "WIN1250"}, {"win1251", "WIN1251"}, {"win1252", "WIN1252"},
      {"win1253", "WIN1253"}, {"win1254", "WIN1254"}, {"win1255", "WIN1255"}, {"win1256", "WIN1256"},
      {"win1257", "WIN1257"}, {"win1258", "WIN1258"}, {"win866", "WIN866"}, {"win874", "WIN874"},
      {"win932", "SJIS"}, {"win936", "GBK"}, {"win949", "UHC"}, {"win950", "BIG5"},
      {"windows1250", "WIN1250"}, {"windows1251", "WIN1251"}, {"windows1252", "WIN1252"},
      {"windows1253", "WIN1253"}, {"windows1254", "WIN1254"}, {"windows1255", "WIN1255"},
      {"windows1256", "WIN1256"}, {"windows1257", "WIN1257"}, {"windows1258", "WIN1258"},
      {"windows866", "WIN866"}, {"windows874", "WIN874"}, {"windows932", "SJIS"}, {"windows936", "GBK"},
      {"windows949", "UHC"}, {"windows950", "BIG5"},
  };
  return *aliases;
}

const std::vector<std::string> kRefused = {"SJIS", "SHIFT_JIS_2004", "BIG5", "GBK", "UHC", "GB18030", "JOHAB"};
const std::vector<std::string> kAccepted = {"UTF8", "SQL_ASCII", "LATIN1"};

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Spellings of `key` PostgreSQL also accepts: upper case, separators between every character.
std::vector<std::string> Spellings(const std::string& key, const std::string& canonical) {
  std::string upper, dashed, mixed;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    char u = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    upper.push_back(u);
    if (i) dashed += "-_. ";
    dashed.push_back(c);
    mixed.push_back(i % 2 ? u : c);
  }
  return {key, upper, mixed, dashed.size() < 64 ? dashed : key, canonical, " " + canonical + "\t"};
}

TEST(ClientEncodingTest, EveryPostgresAliasIsClassified) {
  EXPECT_EQ(PgAliases().size(), 81u);
  for (const auto& [key, canonical] : PgAliases()) {
    for (const std::string& name : Spellings(key, canonical)) {
      absl::StatusOr<ClientEncoding> e = ParseClientEncoding(name);
      if (Contains(kAccepted, canonical)) {
        ASSERT_TRUE(e.ok()) << name << ": " << e.status();
        EXPECT_EQ(Name(*e), canonical) << name;
      } else if (Contains(kRefused, canonical)) {
        EXPECT_THAT(e, StatusIs(absl::StatusCode::kInvalidArgument,
                                "client encoding " + canonical + " is refused: its multibyte characters can "
                                "contain ASCII bytes"))
            << name;
        EXPECT_THAT(e, StatusIs(absl::StatusCode::kInvalidArgument, "; use UTF8")) << name;
      } else {
        EXPECT_THAT(e, StatusIs(absl::StatusCode::kInvalidArgument,
                                "client encoding " + canonical + " is not supported by rlsq: use UTF8"))
            << name;
      }
    }
  }
}

TEST(ClientEncodingTest, EveryAliasOfTheClientOnlyEncodingsIsRefused) {
  const std::vector<std::pair<std::string, std::string>> names = {
      {"SJIS", "SJIS"}, {"sjis", "SJIS"}, {"Shift_JIS", "SJIS"}, {"SHIFT-JIS", "SJIS"}, {"shiftjis", "SJIS"},
      {"MS_Kanji", "SJIS"}, {"mskanji", "SJIS"}, {"WIN932", "SJIS"}, {"win-932", "SJIS"},
      {"Windows932", "SJIS"}, {"windows-932", "SJIS"}, {"SHIFT_JIS_2004", "SHIFT_JIS_2004"},
      {"Shift-JIS-2004", "SHIFT_JIS_2004"}, {"shiftjis2004", "SHIFT_JIS_2004"}, {"BIG5", "BIG5"},
      {"Big-5", "BIG5"}, {"WIN950", "BIG5"}, {"windows950", "BIG5"}, {"Windows-950", "BIG5"}, {"GBK", "GBK"},
      {"gbk", "GBK"}, {"WIN936", "GBK"}, {"windows936", "GBK"}, {"CP936-is-not", ""}, {"UHC", "UHC"},
      {"uhc", "UHC"}, {"WIN949", "UHC"}, {"windows_949", "UHC"}, {"GB18030", "GB18030"}, {"GB-18030", "GB18030"},
      {"gb_18030", "GB18030"}, {"JOHAB", "JOHAB"}, {"johab", "JOHAB"}, {"Jo-Hab", "JOHAB"},
  };
  for (const auto& [name, canonical] : names) {
    absl::StatusOr<ClientEncoding> e = ParseClientEncoding(name);
    if (canonical.empty()) {
      EXPECT_THAT(e, StatusIs(absl::StatusCode::kInvalidArgument, "unknown client encoding")) << name;
      continue;
    }
    EXPECT_THAT(e, StatusIs(absl::StatusCode::kInvalidArgument, "client encoding " + canonical + " is refused: "))
        << name;
  }
  // The reasons, in full.
  EXPECT_EQ(ParseClientEncoding("win932").status().message(),
            "client encoding SJIS is refused: its multibyte characters can contain ASCII bytes, among them \\ "
            "(0x5C), so the server would read strings differently from rlsq; use UTF8");
  EXPECT_EQ(ParseClientEncoding("gb18030").status().message(),
            "client encoding GB18030 is refused: its multibyte characters can contain ASCII bytes, among them \\ "
            "(0x5C) and digits, so the server would read strings differently from rlsq; use UTF8");
  EXPECT_EQ(ParseClientEncoding("windows949").status().message(),
            "client encoding UHC is refused: its multibyte characters can contain ASCII bytes (letters), so the "
            "server would read the text differently from rlsq; use UTF8");
  for (const std::string& canonical : kRefused) {
    EXPECT_THAT(ParseClientEncoding(canonical),
                StatusIs(absl::StatusCode::kInvalidArgument, "client encoding " + canonical + " is refused"));
  }
}

TEST(ClientEncodingTest, Utf8SqlAsciiAndLatin1AliasesAreAccepted) {
  const std::vector<std::pair<std::string, ClientEncoding>> names = {
      {"UTF8", ClientEncoding::kUtf8},          {"utf8", ClientEncoding::kUtf8},
      {"UTF-8", ClientEncoding::kUtf8},         {"utf_8", ClientEncoding::kUtf8},
      {"Unicode", ClientEncoding::kUtf8},       {"UNICODE", ClientEncoding::kUtf8},
      {" utf8 ", ClientEncoding::kUtf8},        {"'utf8'", ClientEncoding::kUtf8},
      {"SQL_ASCII", ClientEncoding::kSqlAscii}, {"sql-ascii", ClientEncoding::kSqlAscii},
      {"SqlAscii", ClientEncoding::kSqlAscii},  {"LATIN1", ClientEncoding::kLatin1},
      {"latin-1", ClientEncoding::kLatin1},     {"Latin_1", ClientEncoding::kLatin1},
      {"ISO88591", ClientEncoding::kLatin1},    {"ISO-8859-1", ClientEncoding::kLatin1},
      {"iso_8859_1", ClientEncoding::kLatin1},  {"ISO8859-1", ClientEncoding::kLatin1},
  };
  for (const auto& [name, want] : names) {
    absl::StatusOr<ClientEncoding> e = ParseClientEncoding(name);
    ASSERT_TRUE(e.ok()) << name << ": " << e.status();
    EXPECT_EQ(*e, want) << name;
  }
  EXPECT_EQ(Name(ClientEncoding::kUtf8), "UTF8");
  EXPECT_EQ(Name(ClientEncoding::kSqlAscii), "SQL_ASCII");
  EXPECT_EQ(Name(ClientEncoding::kLatin1), "LATIN1");
  for (ClientEncoding e : {ClientEncoding::kUtf8, ClientEncoding::kSqlAscii, ClientEncoding::kLatin1}) {
    absl::StatusOr<ClientEncoding> back = ParseClientEncoding(Name(e));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, e);
  }
}

TEST(ClientEncodingTest, OtherEncodingsAreNotSupported) {
  for (const auto& [name, canonical] : std::vector<std::pair<std::string, std::string>>{
           {"WIN1252", "WIN1252"}, {"windows-1252", "WIN1252"}, {"LATIN9", "LATIN9"}, {"ISO-8859-15", "LATIN9"},
           {"EUC_JP", "EUC_JP"}, {"euc-kr", "EUC_KR"}, {"KOI8-R", "KOI8R"}, {"koi8", "KOI8R"},
           {"MULE_INTERNAL", "MULE_INTERNAL"}, {"win", "WIN1251"}, {"ALT", "WIN866"}, {"TCVN5712", "WIN1258"},
           {"ISO_8859_5", "ISO_8859_5"}, {"EUC_JIS_2004", "EUC_JIS_2004"}}) {
    EXPECT_EQ(ParseClientEncoding(name).status(),
              absl::InvalidArgumentError("client encoding " + canonical + " is not supported by rlsq: use UTF8"))
        << name;
  }
}

TEST(ClientEncodingTest, UnknownNamesAreRefused) {
  const std::string padded63 = "utf8" + std::string(59, '-');
  const std::string padded64 = "utf8" + std::string(60, '-');
  ASSERT_EQ(padded63.size(), 63u);
  absl::StatusOr<ClientEncoding> e = ParseClientEncoding(padded63);
  ASSERT_TRUE(e.ok()) << e.status();  // PostgreSQL: strlen(name) < NAMEDATALEN
  EXPECT_EQ(*e, ClientEncoding::kUtf8);
  for (const std::string& name :
       {std::string(""), std::string("-"), std::string("  "), std::string("utf16"), std::string("UTF-16LE"),
        std::string("utf8mb4"), std::string("cp1252"), std::string("ascii"), std::string("us-ascii"),
        std::string("auto"), std::string("default"), std::string("latin11"), std::string("iso88591x"),
        std::string("shift"), std::string("euc"), std::string("koi8-ru"), std::string("utf\xC3\xA9" "8"),
        std::string("utf8\xE9"), std::string("utf8\0", 5), std::string("\0utf8", 5), padded64,
        std::string("utf") + std::string(100, '_') + "8"}) {
    EXPECT_THAT(ParseClientEncoding(name), StatusIs(absl::StatusCode::kInvalidArgument, "unknown client encoding"))
        << name;
  }
  EXPECT_EQ(ParseClientEncoding("utf-16").status(), absl::InvalidArgumentError("unknown client encoding \"utf-16\""));
  EXPECT_EQ(ParseClientEncoding("a\"b\n").status(),
            absl::InvalidArgumentError("unknown client encoding \"a\\\"b\\n\""));
}

TEST(ClientEncodingTest, Latin1RoundTripsEveryByte) {
  std::string all;
  std::string want_utf8;
  for (int b = 0; b < 256; ++b) {
    all.push_back(static_cast<char>(b));
    std::string one(1, static_cast<char>(b));
    std::string want = b < 0x80 ? one
                                : std::string{static_cast<char>(0xC0 | (b >> 6)), static_cast<char>(0x80 | (b & 0x3F))};
    want_utf8 += want;
    absl::StatusOr<std::string> server = ToServer(ClientEncoding::kLatin1, one);
    ASSERT_TRUE(server.ok()) << server.status();
    EXPECT_EQ(*server, want) << b;
    absl::StatusOr<std::string> client = ToClient(ClientEncoding::kLatin1, *server);
    ASSERT_TRUE(client.ok()) << b << ": " << client.status();
    EXPECT_EQ(*client, one) << b;
  }
  absl::StatusOr<std::string> server = ToServer(ClientEncoding::kLatin1, all);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(*server, want_utf8);
  EXPECT_EQ(server->size(), 128u + 2 * 128u);
  absl::StatusOr<std::string> client = ToClient(ClientEncoding::kLatin1, *server);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(*client, all);

  EXPECT_EQ(*ToServer(ClientEncoding::kLatin1, "SELECT 'caf\xE9' AS r\xE9sum\xE9"),
            "SELECT 'caf\xC3\xA9' AS r\xC3\xA9sum\xC3\xA9");
  EXPECT_EQ(*ToClient(ClientEncoding::kLatin1, "\xC3\xBF\xC2\x80 \xC3\x80"), "\xFF\x80 \xC0");
  EXPECT_EQ(*ToServer(ClientEncoding::kLatin1, ""), "");
  EXPECT_EQ(*ToClient(ClientEncoding::kLatin1, ""), "");
}

TEST(ClientEncodingTest, Utf8AndSqlAsciiAreCopiedUnchanged) {
  const std::string texts[] = {"", "SELECT 1", "E'\xE3\x81\x81\\' --'", std::string("\xFF\xE9\0x", 4),
                               "\xF0\x9F\x98\x80"};
  for (ClientEncoding e : {ClientEncoding::kUtf8, ClientEncoding::kSqlAscii}) {
    for (const std::string& t : texts) {
      EXPECT_EQ(*ToServer(e, t), t);
      EXPECT_EQ(*ToClient(e, t), t);
    }
  }
}

TEST(ClientEncodingTest, ToClientRefusesWhatLatin1CannotHold) {
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"\xC4\x80", "character U+0100 cannot be represented in LATIN1"},
      {"x\xE2\x82\xAC", "character U+20AC cannot be represented in LATIN1"},
      {"\xE3\x81\x81", "character U+3041 cannot be represented in LATIN1"},
      {"\xEF\xBF\xBF", "character U+FFFF cannot be represented in LATIN1"},
      {"ok \xF0\x9F\x98\x80", "character U+1F600 cannot be represented in LATIN1"},
      {"\xF4\x8F\xBF\xBF", "character U+10FFFF cannot be represented in LATIN1"},
  };
  for (const auto& [text, message] : refused) {
    EXPECT_EQ(ToClient(ClientEncoding::kLatin1, text).status(), absl::InvalidArgumentError(message));
  }
  const std::vector<std::pair<std::string, std::string>> invalid = {
      {"\xE9", "0xe9"},                   // a LATIN1 byte, not UTF-8
      {"caf\xC3", "0xc3"},                // truncated
      {"\xC3\x28", "0xc3 0x28"},          // bad continuation
      {"\xC0\xAF", "0xc0 0xaf"},          // overlong
      {"\xE0\x80\xAF", "0xe0 0x80 0xaf"},  // overlong
      {"\xED\xA0\x80", "0xed 0xa0 0x80"},  // surrogate
      {"\xF4\x90\x80\x80", "0xf4 0x90 0x80 0x80"},  // above U+10FFFF
      {"\x80", "0x80"},
      {"\xFF", "0xff"},
  };
  for (const auto& [text, bytes] : invalid) {
    EXPECT_EQ(ToClient(ClientEncoding::kLatin1, text).status(),
              absl::InvalidArgumentError("invalid byte sequence for encoding \"UTF8\": " + bytes))
        << bytes;
  }
  // The largest representable character is fine.
  EXPECT_EQ(*ToClient(ClientEncoding::kLatin1, "\xC3\xBF"), "\xFF");
}

}  // namespace
}  // namespace rlsq::encoding
