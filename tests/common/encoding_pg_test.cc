// Client encodings proven on PostgreSQL 15 (server encoding UTF8):
//  (a) the leak: under SJIS (and the other client-only encodings whose trail bytes include 0x5C) valid UTF-8 text
//      that rlsq lexes as one string literal is, to the server, a string followed by live SQL reading `secret`;
//  (b) the fix: ParseClientEncoding refuses each of them under every alias, the refused set is exactly the
//      server's client-only encodings, and the alias table agrees with the server's pg_char_to_encoding;
//  (c) LATIN1: ToServer() is the server's own conversion (every byte), and a query with LATIN1 bytes sent with
//      client_encoding LATIN1 reads the same objects and returns the same values as ToServer()'s text sent as UTF8.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "lib/common/arena.h"
#include "lib/common/encoding.h"
#include "lib/common/utf8.h"
#include "lib/dialect/dialect.h"
#include "tests/support/pg_server.h"
#include "tests/support/status_matchers.h"

namespace rlsq::encoding {
namespace {

using ::rlsq::testing::PgConnection;
using ::rlsq::testing::PgResult;
using ::rlsq::testing::PgServer;

// PostgreSQL 15's pg_encname_tbl keys (src/common/encnames.c).
constexpr const char* kPgAliasKeys =
    "abc alt big5 euccn eucjis2004 eucjp euckr euctw gb18030 gbk iso88591 iso885910 iso885913 iso885914 iso885915 "
    "iso885916 iso88592 iso88593 iso88594 iso88595 iso88596 iso88597 iso88598 iso88599 johab koi8 koi8r koi8u "
    "latin1 latin10 latin2 latin3 latin4 latin5 latin6 latin7 latin8 latin9 mskanji muleinternal shiftjis "
    "shiftjis2004 sjis sqlascii tcvn tcvn5712 uhc unicode utf8 vscii win win1250 win1251 win1252 win1253 win1254 "
    "win1255 win1256 win1257 win1258 win866 win874 win932 win936 win949 win950 windows1250 windows1251 "
    "windows1252 windows1253 windows1254 windows1255 windows1256 windows1257 windows1258 windows866 windows874 "
    "windows932 windows936 windows949 windows950";

const std::set<std::string> kRefused = {"SJIS", "SHIFT_JIS_2004", "BIG5", "GBK", "UHC", "GB18030", "JOHAB"};

class EncodingPgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = PgServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    RLSQ_ASSERT_OK(server_->CreateDatabase("enc"));
    auto db = server_->Connect("enc");
    ASSERT_TRUE(db.ok()) << db.status();
    RLSQ_ASSERT_OK((*db)->Exec(
        "CREATE TABLE nation_pub(n_name text); INSERT INTO nation_pub VALUES ('FRANCE');"
        "CREATE TABLE secret(s text); INSERT INTO secret VALUES ('TOP SECRET');"
        "CREATE TABLE caf\xC3\xA9(r\xC3\xA9sum\xC3\xA9 text); INSERT INTO caf\xC3\xA9 VALUES ('na\xC3\xAFve');"
        "CREATE FUNCTION converts(b bytea, e text) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN "
        "PERFORM convert_from(b, e); RETURN true; EXCEPTION WHEN others THEN RETURN false; END $$;"));
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // A new connection to "enc" whose client_encoding is `encoding` (PQsetClientEncoding), checked with SHOW.
  static std::unique_ptr<PgConnection> ConnectAs(const std::string& encoding) {
    auto db = server_->Connect("enc");
    EXPECT_TRUE(db.ok()) << db.status();
    if (!db.ok()) return nullptr;
    EXPECT_EQ(PQsetClientEncoding((*db)->raw(), encoding.c_str()), 0) << encoding << ": "
                                                                     << PQerrorMessage((*db)->raw());
    auto shown = (*db)->Query("SHOW client_encoding");
    EXPECT_TRUE(shown.ok()) << shown.status();
    if (shown.ok()) {
      EXPECT_EQ(shown->rows.at(0).at(0), std::optional<std::string>(encoding));
    }
    return std::move(*db);
  }

  // One text value of `sql` with text parameters.
  static absl::StatusOr<std::string> Value(PgConnection& db, const std::string& sql,
                                           const std::vector<std::string>& params) {
    std::vector<const char*> p;
    for (const auto& s : params) p.push_back(s.c_str());
    PGresult* r = PQexecParams(db.raw(), sql.c_str(), static_cast<int>(p.size()), nullptr, p.data(), nullptr,
                               nullptr, 0);
    absl::StatusOr<std::string> out = absl::InternalError(PQresultErrorMessage(r));
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) out = std::string(PQgetvalue(r, 0, 0));
    PQclear(r);
    return out;
  }

  static PgServer* server_;
};

PgServer* EncodingPgTest::server_ = nullptr;

struct Lexed {
  absl::Status status;
  int strings = 0;
  bool secret_ident = false;
  std::vector<std::string> idents;  // kIdent and kQuotedIdent texts
  std::vector<std::string> string_values;
};

Lexed LexWithRlsq(std::string_view sql) {
  Lexed out;
  Arena arena;
  std::vector<Token> tokens;
  out.status = Dialect::Postgres().Tokenize(sql, arena, &tokens);
  for (const Token& t : tokens) {
    if (t.kind == TokenKind::kString) {
      ++out.strings;
      out.string_values.emplace_back(t.text);
    }
    if (t.kind == TokenKind::kIdent || t.kind == TokenKind::kQuotedIdent) {
      out.idents.emplace_back(t.text);
      if (t.text == "secret") out.secret_ident = true;
    }
  }
  return out;
}

// `SELECT n_name FROM nation_pub WHERE n_name = E'<ch>\' UNION ALL SELECT s FROM secret --'`
std::string LeakQuery(const std::string& ch) {
  return "SELECT n_name FROM nation_pub WHERE n_name = E'" + ch + "\\' UNION ALL SELECT s FROM secret --'";
}

// What rlsq sees in the leak query: valid UTF-8, one E'' string holding the whole tail, no `secret` identifier.
void ExpectRlsqSeesOneString(const std::string& sql, const std::string& ch) {
  ASSERT_EQ(FindInvalidUtf8(sql), sql.size()) << absl::CHexEscape(sql);
  Lexed lexed = LexWithRlsq(sql);
  RLSQ_ASSERT_OK(lexed.status);
  EXPECT_EQ(lexed.strings, 1);
  EXPECT_FALSE(lexed.secret_ident);
  ASSERT_EQ(lexed.string_values.size(), 1u);
  EXPECT_EQ(lexed.string_values[0], ch + "' UNION ALL SELECT s FROM secret --");
  // Words (keywords included): nothing after the string.
  EXPECT_EQ(lexed.idents, (std::vector<std::string>{"select", "n_name", "from", "nation_pub", "where", "n_name"}));
}

TEST_F(EncodingPgTest, SjisTrailByteTurnsTheStringIntoLiveSql) {
  ASSERT_NE(server_, nullptr);
  const std::string ch = "\xE3\x81\x81";  // U+3041; in SJIS E3 81 is one character and 81 5C is another
  const std::string sql = LeakQuery(ch);
  ASSERT_EQ(sql.substr(sql.find("E'"), 7), std::string("E'\xE3\x81\x81\x5C\x27", 7));
  ExpectRlsqSeesOneString(sql, ch);

  // With client_encoding UTF8 the server reads what rlsq reads: a string comparison, no rows.
  auto utf8 = ConnectAs("UTF8");
  ASSERT_NE(utf8, nullptr);
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult as_utf8, utf8->Query(sql));
  EXPECT_TRUE(as_utf8.rows.empty()) << as_utf8.ToString();
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult value, utf8->Query("SELECT " + sql.substr(sql.find("E'"))));
  EXPECT_EQ(value.rows.at(0).at(0), std::optional<std::string>(ch + "' UNION ALL SELECT s FROM secret --"));

  // With client_encoding SJIS the same bytes read the secret table.
  auto sjis = ConnectAs("SJIS");
  ASSERT_NE(sjis, nullptr);
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult as_sjis, sjis->Query(sql));
  ASSERT_EQ(as_sjis.rows.size(), 1u) << as_sjis.ToString();
  EXPECT_EQ(as_sjis.rows[0][0], std::optional<std::string>("TOP SECRET"));

  // The fix: rlsq refuses SJIS under every name.
  for (const char* name : {"SJIS", "sjis", "Shift_JIS", "SHIFT-JIS", "ShiftJIS", "MS_Kanji", "mskanji", "WIN932",
                           "win932", "Windows932", "windows-932"}) {
    EXPECT_THAT(ParseClientEncoding(name),
                StatusIs(absl::StatusCode::kInvalidArgument, "client encoding SJIS is refused: its multibyte "
                                                             "characters can contain ASCII bytes, among them \\"))
        << name;
  }
}

TEST_F(EncodingPgTest, EveryClientOnlyEncodingIsRefusedAndTheBackslashOnesLeak) {
  ASSERT_NE(server_, nullptr);
  // A UTF-8 character whose last byte starts a two-byte character ending in 0x5C, per encoding (found with the
  // server's convert_from).
  const std::map<std::string, std::string> leaking = {
      {"SJIS", "\xE3\x81\x81"},    {"SHIFT_JIS_2004", "\xE3\x81\x81"}, {"GBK", "\xE3\x81\x81"},
      {"GB18030", "\xE3\x81\x81"}, {"BIG5", "\xE3\xA1\xA8"},  // U+3868
  };
  for (const auto& [encoding, ch] : leaking) {
    SCOPED_TRACE(encoding);
    const std::string sql = LeakQuery(ch);
    ExpectRlsqSeesOneString(sql, ch);
    auto db = ConnectAs(encoding);
    ASSERT_NE(db, nullptr);
    RLSQ_ASSERT_OK_AND_ASSIGN(PgResult rows, db->Query(sql));
    ASSERT_EQ(rows.rows.size(), 1u) << rows.ToString();
    EXPECT_EQ(rows.rows[0][0], std::optional<std::string>("TOP SECRET"));
  }
  // UHC and JOHAB: PostgreSQL 15 accepts no 0x5C trail byte in them (UHC's trail bytes include ASCII letters,
  // JOHAB's verifier wants 0xA1-0xFE), so these bytes are an error there rather than a leak. Refused all the same.
  for (const std::string encoding : {"UHC", "JOHAB"}) {
    auto db = ConnectAs(encoding);
    ASSERT_NE(db, nullptr);
    EXPECT_FALSE(db->Query(LeakQuery("\xE3\x81\x81")).ok()) << encoding;
    RLSQ_ASSERT_OK_AND_ASSIGN(PgResult trails, db->Query(
        "SELECT count(*) FILTER (WHERE t = 92), count(*) FROM generate_series(129, 254) l, generate_series(1, 127) t "
        "WHERE NOT converts(set_byte('\\x00'::bytea, 0, l), '" + encoding + "') "
        "AND converts(set_byte(set_byte('\\x0000'::bytea, 0, l), 1, t), '" + encoding + "')"));
    EXPECT_EQ(trails.rows.at(0).at(0), std::optional<std::string>("0")) << encoding;
    if (encoding == "UHC") {
      EXPECT_NE(trails.rows.at(0).at(1), std::optional<std::string>("0"));
    }
  }
  // The five leaking ones do accept 0x5C as a trail byte, and no client-only encoding accepts 0x27 as one.
  auto db = ConnectAs("UTF8");
  ASSERT_NE(db, nullptr);
  for (const std::string& encoding : kRefused) {
    RLSQ_ASSERT_OK_AND_ASSIGN(PgResult trails, db->Query(
        "SELECT count(*) FILTER (WHERE t = 92), count(*) FILTER (WHERE t = 39) FROM generate_series(129, 254) l, "
        "unnest(ARRAY[39, 92]) t WHERE NOT converts(set_byte('\\x00'::bytea, 0, l), '" + encoding + "') "
        "AND converts(set_byte(set_byte('\\x0000'::bytea, 0, l), 1, t), '" + encoding + "')"));
    EXPECT_EQ(trails.rows.at(0).at(0) != std::optional<std::string>("0"), leaking.count(encoding) == 1) << encoding;
    EXPECT_EQ(trails.rows.at(0).at(1), std::optional<std::string>("0")) << encoding;
  }
}

// The refused set is exactly the server's client-only encodings: valid as client_encoding, invalid as the
// encoding of a database.
TEST_F(EncodingPgTest, RefusedEncodingsAreTheServersClientOnlyOnes) {
  ASSERT_NE(server_, nullptr);
  auto db = ConnectAs("UTF8");
  ASSERT_NE(db, nullptr);
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult names, db->Query(
      "SELECT i, pg_encoding_to_char(i) FROM generate_series(0, 255) i WHERE pg_encoding_to_char(i) <> '' ORDER BY i"));
  ASSERT_EQ(names.rows.size(), 42u) << names.ToString(50);
  std::set<std::string> client_only;
  for (const auto& row : names.rows) {
    const std::string name = *row[1];
    SCOPED_TRACE(name);
    absl::Status created = db->Exec("CREATE DATABASE probe TEMPLATE template0 ENCODING '" + name +
                                    "' LC_COLLATE 'C' LC_CTYPE 'C'");
    if (created.ok()) {
      RLSQ_ASSERT_OK(db->Exec("DROP DATABASE probe"));
    } else {
      EXPECT_THAT(created, StatusIs(absl::StatusCode::kInvalidArgument, "is not a valid encoding name"))
          << created;
      client_only.insert(name);
    }
    // Every client-only encoding is a live client_encoding for a UTF8 server.
    if (!created.ok()) {
      auto probe = ConnectAs(name);
      ASSERT_NE(probe, nullptr);
    }
    absl::StatusOr<ClientEncoding> parsed = ParseClientEncoding(name);
    if (name == "UTF8" || name == "SQL_ASCII" || name == "LATIN1") {
      ASSERT_TRUE(parsed.ok()) << parsed.status();
      EXPECT_EQ(Name(*parsed), name);
    } else if (kRefused.count(name)) {
      EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument, "client encoding " + name + " is refused"));
    } else {
      EXPECT_EQ(parsed.status(),
                absl::InvalidArgumentError("client encoding " + name + " is not supported by rlsq: use UTF8"));
    }
  }
  EXPECT_EQ(client_only, kRefused);
}

TEST_F(EncodingPgTest, NamesAreResolvedAsTheServerResolvesThem) {
  ASSERT_NE(server_, nullptr);
  auto db = ConnectAs("UTF8");
  ASSERT_NE(db, nullptr);
  std::vector<std::string> names = absl::StrSplit(kPgAliasKeys, ' ');
  ASSERT_EQ(names.size(), 81u);
  for (size_t i = 0, n = names.size(); i < n; ++i) {
    std::string upper, spaced;
    for (char c : names[i]) {
      upper.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
      spaced += std::string(1, c) + (spaced.size() % 3 ? "-" : "_.");
    }
    names.push_back(upper);
    names.push_back(spaced);
  }
  for (const char* extra : {"UTF-8", "Unicode", "ISO-8859-1", "ISO_8859-1:1987", "Shift_JIS", "MS_Kanji",
                            "Windows-1252", "Big-5", "GB-18030", "EUC-JP", "KOI8-R", " latin1 ", "utf16", "utf-16",
                            "utf8mb4", "cp1252", "ascii", "us-ascii", "auto", "default", "latin11", "iso8859",
                            "shift", "-", " ", "koi8-ru", "WIN-1250", "x", "sjis2004", "gb2312", "euc_jis_2004"}) {
    names.push_back(extra);
  }
  int agreed = 0;
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    RLSQ_ASSERT_OK_AND_ASSIGN(std::string server,
                              Value(*db, "SELECT pg_encoding_to_char(pg_char_to_encoding($1))", {name}));
    absl::StatusOr<ClientEncoding> parsed = ParseClientEncoding(name);
    if (server.empty()) {
      EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument, "unknown client encoding"));
    } else if (parsed.ok()) {
      EXPECT_EQ(Name(*parsed), server);
    } else {
      EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument, "client encoding " + server + " is "));
    }
    ++agreed;
  }
  EXPECT_EQ(agreed, static_cast<int>(names.size()));

  // NAMEDATALEN: pg_char_to_encoding finds no name of 64 bytes or more, but the client_encoding setting (a
  // GUC_IS_NAME variable, on every path: SET, startup packet, options) truncates its value to 63 bytes first, so
  // "utf8" + 59 dashes + "sjis" is UTF8 to the server. rlsq refuses every name of 64 bytes or more.
  const std::string ok63 = "utf8" + std::string(59, '-');
  const std::string long67 = ok63 + "sjis";
  RLSQ_EXPECT_OK(db->Exec("SET client_encoding = '" + ok63 + "'"));
  RLSQ_EXPECT_OK(db->Exec("SET client_encoding = 'SJIS'"));
  RLSQ_EXPECT_OK(db->Exec("SET client_encoding = '" + long67 + "'"));
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult shown, db->Query("SHOW client_encoding"));
  EXPECT_EQ(shown.rows.at(0).at(0), std::optional<std::string>("UTF8"));
  RLSQ_ASSERT_OK_AND_ASSIGN(std::string by_name, Value(*db, "SELECT pg_char_to_encoding($1::text::name)", {ok63}));
  EXPECT_EQ(by_name, "6");
  RLSQ_EXPECT_OK(db->Exec("SET client_encoding = 'UTF8'"));
  RLSQ_ASSERT_OK_AND_ASSIGN(ClientEncoding e63, ParseClientEncoding(ok63));
  EXPECT_EQ(e63, ClientEncoding::kUtf8);
  EXPECT_THAT(ParseClientEncoding(ok63 + "-"), StatusIs(absl::StatusCode::kInvalidArgument, "unknown client encoding"));
  EXPECT_THAT(ParseClientEncoding(long67), StatusIs(absl::StatusCode::kInvalidArgument, "unknown client encoding"));

  // The one deliberate difference: the server (C locale) ignores non-ASCII bytes in a name, rlsq refuses them.
  RLSQ_ASSERT_OK_AND_ASSIGN(std::string server,
                            Value(*db, "SELECT pg_encoding_to_char(pg_char_to_encoding($1))", {"utf\xC3\xA9" "8"}));
  EXPECT_EQ(server, "UTF8");
  EXPECT_THAT(ParseClientEncoding("utf\xC3\xA9" "8"),
              StatusIs(absl::StatusCode::kInvalidArgument, "unknown client encoding"));
}

// ToServer(kLatin1) is the server's LATIN1 -> UTF8 conversion for every byte, and the way back matches too.
TEST_F(EncodingPgTest, Latin1ToServerIsTheServersConversion) {
  ASSERT_NE(server_, nullptr);
  std::string bytes;
  std::string literal = "'";
  for (int b = 1; b < 256; ++b) {
    bytes.push_back(static_cast<char>(b));
    literal.push_back(static_cast<char>(b));
    if (b == '\'') literal.push_back('\'');
  }
  literal += "'";
  const std::string latin1_sql = "SELECT encode(convert_to(" + literal + ", 'UTF8'), 'hex'), " + literal;
  RLSQ_ASSERT_OK_AND_ASSIGN(std::string utf8_bytes, ToServer(ClientEncoding::kLatin1, bytes));
  RLSQ_ASSERT_OK_AND_ASSIGN(std::string utf8_sql, ToServer(ClientEncoding::kLatin1, latin1_sql));

  auto latin1 = ConnectAs("LATIN1");
  ASSERT_NE(latin1, nullptr);
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult l, latin1->Query(latin1_sql));
  EXPECT_EQ(l.rows.at(0).at(0), std::optional<std::string>(absl::BytesToHexString(utf8_bytes)));
  EXPECT_EQ(l.rows.at(0).at(1), std::optional<std::string>(bytes));

  auto utf8 = ConnectAs("UTF8");
  ASSERT_NE(utf8, nullptr);
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult u, utf8->Query(utf8_sql));
  EXPECT_EQ(u.rows.at(0).at(0), l.rows.at(0).at(0));
  EXPECT_EQ(u.rows.at(0).at(1), std::optional<std::string>(utf8_bytes));
  RLSQ_ASSERT_OK_AND_ASSIGN(std::string back, ToClient(ClientEncoding::kLatin1, *u.rows.at(0).at(1)));
  EXPECT_EQ(back, bytes);

  // The server cannot send U+20AC to a LATIN1 client either; U+00FF and U+00E9 it sends as single bytes.
  EXPECT_FALSE(latin1->Query("SELECT chr(8364)").ok());
  EXPECT_THAT(ToClient(ClientEncoding::kLatin1, "\xE2\x82\xAC"),
              StatusIs(absl::StatusCode::kInvalidArgument, "character U+20AC cannot be represented in LATIN1"));
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult chars, latin1->Query("SELECT chr(255) || chr(233)"));
  EXPECT_EQ(chars.rows.at(0).at(0), std::optional<std::string>("\xFF\xE9"));
  EXPECT_EQ(*ToClient(ClientEncoding::kLatin1, "\xC3\xBF\xC3\xA9"), "\xFF\xE9");
}

// A query holding LATIN1 bytes in identifiers and strings, sent with client_encoding LATIN1, reads the same
// objects and returns the same values as ToServer()'s UTF-8 text sent with client_encoding UTF8; rlsq lexes that
// text into the identifiers the server resolved.
TEST_F(EncodingPgTest, Latin1QueryMatchesItsUtf8Text) {
  ASSERT_NE(server_, nullptr);
  const std::string latin1_sql =
      "SELECT r\xE9sum\xE9, 'caf\xE9 ' || r\xE9sum\xE9 AS \"\xC9t\xE9\", E'\\u00E9' = '\xE9' AS same "
      "FROM caf\xE9 WHERE r\xE9sum\xE9 LIKE 'na\xEF%'";
  RLSQ_ASSERT_OK_AND_ASSIGN(std::string utf8_sql, ToServer(ClientEncoding::kLatin1, latin1_sql));
  ASSERT_EQ(FindInvalidUtf8(utf8_sql), utf8_sql.size());

  Lexed lexed = LexWithRlsq(utf8_sql);
  RLSQ_ASSERT_OK(lexed.status);
  EXPECT_EQ(lexed.idents,
            (std::vector<std::string>{"select", "r\xC3\xA9sum\xC3\xA9", "r\xC3\xA9sum\xC3\xA9", "as",
                                      "\xC3\x89t\xC3\xA9", "as", "same", "from", "caf\xC3\xA9", "where",
                                      "r\xC3\xA9sum\xC3\xA9", "like"}));
  EXPECT_EQ(lexed.string_values,
            (std::vector<std::string>{"caf\xC3\xA9 ", "\xC3\xA9", "\xC3\xA9", "na\xC3\xAF%"}));

  auto latin1 = ConnectAs("LATIN1");
  ASSERT_NE(latin1, nullptr);
  auto utf8 = ConnectAs("UTF8");
  ASSERT_NE(utf8, nullptr);
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult l, latin1->Query(latin1_sql));
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult u, utf8->Query(utf8_sql));
  ASSERT_EQ(l.rows.size(), 1u) << l.ToString();
  ASSERT_EQ(u.rows.size(), 1u) << u.ToString();
  EXPECT_EQ(u.columns, (std::vector<std::string>{"r\xC3\xA9sum\xC3\xA9", "\xC3\x89t\xC3\xA9", "same"}));
  EXPECT_EQ(u.rows[0], (PgResult::Row{"na\xC3\xAFve", "caf\xC3\xA9 na\xC3\xAFve", "t"}));
  ASSERT_EQ(l.columns.size(), u.columns.size());
  for (size_t c = 0; c < u.columns.size(); ++c) {
    EXPECT_EQ(*ToServer(ClientEncoding::kLatin1, l.columns[c]), u.columns[c]);
    EXPECT_EQ(*ToClient(ClientEncoding::kLatin1, u.columns[c]), l.columns[c]);
    EXPECT_EQ(*ToServer(ClientEncoding::kLatin1, *l.rows[0][c]), *u.rows[0][c]);
    EXPECT_EQ(*ToClient(ClientEncoding::kLatin1, *u.rows[0][c]), *l.rows[0][c]);
  }
  EXPECT_EQ(l.rows[0][0], std::optional<std::string>("na\xEFve"));
}

// SQL_ASCII: the server converts nothing and validates UTF-8, so it reads exactly what rlsq reads.
TEST_F(EncodingPgTest, SqlAsciiIsReadAsUtf8) {
  ASSERT_NE(server_, nullptr);
  RLSQ_ASSERT_OK_AND_ASSIGN(ClientEncoding e, ParseClientEncoding("SQL_ASCII"));
  EXPECT_EQ(e, ClientEncoding::kSqlAscii);
  auto db = ConnectAs("SQL_ASCII");
  ASSERT_NE(db, nullptr);
  const std::string sql = LeakQuery("\xE3\x81\x81");
  EXPECT_EQ(*ToServer(e, sql), sql);
  RLSQ_ASSERT_OK_AND_ASSIGN(PgResult rows, db->Query(sql));
  EXPECT_TRUE(rows.rows.empty()) << rows.ToString();
  const std::string latin1_bytes = "SELECT 'caf\xE9'";
  EXPECT_THAT(db->Query(latin1_bytes),
              StatusIs(absl::StatusCode::kInvalidArgument, "invalid byte sequence for encoding \"UTF8\": 0xe9"));
  EXPECT_FALSE(LexWithRlsq(*ToServer(e, latin1_bytes)).status.ok());
}

}  // namespace
}  // namespace rlsq::encoding
