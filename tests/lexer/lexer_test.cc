// Lexer rules (PostgreSQL 15 config), checked against a PostgreSQL 15 server while writing them.
#include "lib/lexer/lexer.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/dialect/dialect.h"
#include "lib/dialect/postgres_dialect.h"
#include "lib/common/status.h"
#include "tests/support/corpus.h"
#include "tests/support/status_matchers.h"

namespace rlsq {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* KindName(TokenKind k) {
  switch (k) {
    case TokenKind::kEof: return "eof";
    case TokenKind::kIdent: return "id";
    case TokenKind::kQuotedIdent: return "qid";
    case TokenKind::kString: return "str";
    case TokenKind::kBitString: return "bits";
    case TokenKind::kHexString: return "hex";
    case TokenKind::kInteger: return "int";
    case TokenKind::kNumeric: return "num";
    case TokenKind::kParam: return "param";
    case TokenKind::kOperator: return "op";
    case TokenKind::kPunct: return "punct";
    case TokenKind::kTypecast: return "cast";
    case TokenKind::kDotDot: return "dotdot";
  }
  return "?";
}

struct Lexed {
  absl::Status status;
  std::vector<Token> tokens;
  std::vector<std::string> kinds;  // "kind:text" without the final eof
};

Lexed LexWith(const Lexer& lexer, std::string_view sql, Arena& arena) {
  Lexed r;
  r.status = lexer.Tokenize(sql, arena, &r.tokens);
  if (r.status.ok()) {
    EXPECT_FALSE(r.tokens.empty());
    EXPECT_EQ(r.tokens.back().kind, TokenKind::kEof);
    for (size_t i = 0; i + 1 < r.tokens.size(); ++i) {
      r.kinds.push_back(std::string(KindName(r.tokens[i].kind)) + ":" + std::string(r.tokens[i].text));
    }
  }
  return r;
}

class LexerTest : public ::testing::Test {
 protected:
  Lexed Lex(std::string_view sql) {
    Lexed r;
    r.status = Dialect::Postgres().Tokenize(sql, arena_, &r.tokens);
    if (r.status.ok()) {
      EXPECT_EQ(r.tokens.back().kind, TokenKind::kEof);
      for (size_t i = 0; i + 1 < r.tokens.size(); ++i) {
        r.kinds.push_back(std::string(KindName(r.tokens[i].kind)) + ":" + std::string(r.tokens[i].text));
      }
    }
    return r;
  }
  std::vector<std::string> Kinds(std::string_view sql) {
    Lexed r = Lex(sql);
    EXPECT_TRUE(r.status.ok()) << sql << " -> " << r.status;
    return r.kinds;
  }
  std::string Error(std::string_view sql) {
    Lexed r = Lex(sql);
    EXPECT_FALSE(r.status.ok()) << sql;
    return std::string(r.status.message());
  }
  Arena arena_;
};

TEST_F(LexerTest, BasicSelect) {
  EXPECT_THAT(Kinds("SELECT a, B FROM t WHERE x >= 1;"),
              ElementsAre("id:select", "id:a", "punct:,", "id:b", "id:from", "id:t", "id:where", "id:x", "op:>=",
                          "int:1", "punct:;"));
  EXPECT_THAT(Kinds(""), ElementsAre());
  EXPECT_THAT(Kinds("  \t\n\r\f -- only a comment"), ElementsAre());
}

TEST_F(LexerTest, StandardStringBackslashIsOrdinary) {
  // 'a\' is a complete string: the following tokens are real tokens, and the -- is a comment.
  EXPECT_THAT(Kinds("SELECT 'a\\' AS x, t.c FROM t --'"),
              ElementsAre("id:select", "str:a\\", "id:as", "id:x", "punct:,", "id:t", "punct:.", "id:c", "id:from",
                          "id:t"));
  EXPECT_THAT(Kinds("'it''s'"), ElementsAre("str:it's"));
  EXPECT_THAT(Kinds("''''"), ElementsAre("str:'"));
  EXPECT_THAT(Kinds("''"), ElementsAre("str:"));
}

TEST_F(LexerTest, StringContinuationNeedsNewline) {
  EXPECT_THAT(Kinds("'a' 'b'"), ElementsAre("str:a", "str:b"));  // same line: two literals (syntax error later)
  EXPECT_THAT(Kinds("'a'\n'b'"), ElementsAre("str:ab"));
  EXPECT_THAT(Kinds("'a'  \t\n  'b'\r\n'c'"), ElementsAre("str:abc"));
  EXPECT_THAT(Kinds("'a' -- c\n'b'"), ElementsAre("str:ab"));           // -- comments count as whitespace
  EXPECT_THAT(Kinds("'a'\n-- c\n'b'"), ElementsAre("str:ab"));
  EXPECT_THAT(Kinds("'a' /* c */\n'b'"), ElementsAre("str:a", "str:b"));  // block comments do not
  EXPECT_THAT(Kinds("E'a\\n'\n'\\n'"), ElementsAre("str:a\n\n"));         // continuation keeps the E mode
  EXPECT_THAT(Kinds("'x'\n$$y$$"), ElementsAre("str:x", "str:y"));
  Lexed r = Lex("'a'\n'b' x");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.tokens[0].begin, 0u);
  EXPECT_EQ(r.tokens[0].end, 7u);
  EXPECT_EQ(r.tokens[1].line, 2u);
  EXPECT_EQ(r.tokens[1].column, 5u);
}

TEST_F(LexerTest, Comments) {
  EXPECT_THAT(Kinds("a /* b /* c */ d */ e"), ElementsAre("id:a", "id:e"));
  EXPECT_THAT(Kinds("/* /* */ still comment */ x"), ElementsAre("id:x"));
  EXPECT_THAT(Kinds("a /* 'x */ b"), ElementsAre("id:a", "id:b"));
  EXPECT_THAT(Kinds("a/**/b"), ElementsAre("id:a", "id:b"));
  EXPECT_THAT(Kinds("a --x\nb"), ElementsAre("id:a", "id:b"));
  EXPECT_THAT(Kinds("a --x\rb"), ElementsAre("id:a", "id:b"));
  EXPECT_THAT(Kinds("1 /*/ x */ 2"), ElementsAre("int:1", "int:2"));
  EXPECT_THAT(Kinds("/***/1"), ElementsAre("int:1"));
  EXPECT_THAT(Error("a /* /* */ b"), HasSubstr("1:3: unterminated /* comment"));
  EXPECT_THAT(Error("/*"), HasSubstr("1:1: unterminated /* comment"));
}

TEST_F(LexerTest, WhitespaceSet) {
  EXPECT_THAT(Kinds("a\tb\nc\rd\fe f"), ElementsAre("id:a", "id:b", "id:c", "id:d", "id:e", "id:f"));
  // PostgreSQL 15 does not treat \v as whitespace (16 does): "syntax error at or near".
  EXPECT_THAT(Error("select\v1"), HasSubstr("1:7: syntax error at or near"));
}

TEST_F(LexerTest, EscapeStrings) {
  EXPECT_THAT(Kinds("E'\\''"), ElementsAre("str:'"));
  EXPECT_THAT(Kinds("e'a''b'"), ElementsAre("str:a'b"));
  EXPECT_THAT(Kinds("E'\\b\\f\\n\\r\\t\\\\'"), ElementsAre("str:\b\f\n\r\t\\"));
  EXPECT_THAT(Kinds("E'\\v\\q\\x'"), ElementsAre("str:vqx"));  // unknown escapes are the character itself
  EXPECT_THAT(Kinds("E'\\101\\x41\\x4a\\7'"), ElementsAre("str:AAJ\a"));
  EXPECT_THAT(Kinds("E'\\xZ'"), ElementsAre("str:xZ"));
  EXPECT_THAT(Kinds("E'\\303\\251'"), ElementsAre("str:\xc3\xa9"));
  EXPECT_THAT(Kinds("E'\\u00e9\\U0001F600'"), ElementsAre("str:\xc3\xa9\xf0\x9f\x98\x80"));
  EXPECT_THAT(Kinds("E'\\uD83D\\uDE00'"), ElementsAre("str:\xf0\x9f\x98\x80"));  // surrogate pair
  EXPECT_THAT(Kinds("E'a\\\nb'"), ElementsAre("str:a\nb"));
  Lexed r = Lex("x E'\\n'");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.tokens[1].string_form, StringForm::kEscape);
  EXPECT_EQ(r.tokens[1].begin, 2u);
  EXPECT_EQ(r.tokens[1].end, 7u);
}

TEST_F(LexerTest, EscapeStringErrors) {
  EXPECT_THAT(Error("E'\\0'"), HasSubstr("invalid byte sequence for encoding \"UTF8\": 0x00"));
  EXPECT_THAT(Error("E'\\377'"), HasSubstr("invalid byte sequence for encoding \"UTF8\": 0xff"));
  EXPECT_THAT(Error("E'\\xc3'"), HasSubstr("invalid byte sequence"));
  EXPECT_THAT(Error("E'\\u12'"), HasSubstr("1:3: invalid Unicode escape"));
  EXPECT_THAT(Error("E'\\U0011000'"), HasSubstr("1:3: invalid Unicode escape"));
  EXPECT_THAT(Error("E'\\U00110000'"), HasSubstr("1:3: invalid Unicode escape value"));
  EXPECT_THAT(Error("E'\\u0000'"), HasSubstr("invalid Unicode escape value"));
  EXPECT_THAT(Error("E'\\uD83D'"), HasSubstr("1:9: invalid Unicode surrogate pair"));
  EXPECT_THAT(Error("E'\\uD83Dx'"), HasSubstr("1:9: invalid Unicode surrogate pair"));
  EXPECT_THAT(Error("E'\\uDE00'"), HasSubstr("1:3: invalid Unicode surrogate pair"));
  EXPECT_THAT(Error("E'\\uD83D\\u0041'"), HasSubstr("invalid Unicode surrogate pair"));
  EXPECT_THAT(Error("E'abc\\'"), HasSubstr("1:1: unterminated quoted string"));
  EXPECT_THAT(Error("E'abc\\"), HasSubstr("1:1: unterminated quoted string"));
}

TEST_F(LexerTest, DollarQuoting) {
  EXPECT_THAT(Kinds("$$a'b$$"), ElementsAre("str:a'b"));
  EXPECT_THAT(Kinds("$tag$ $$ $TAG$ $ta$ $tag$"), ElementsAre("str: $$ $TAG$ $ta$ "));
  EXPECT_THAT(Kinds("$_$a$_$, $\xc3\xa9$b$\xc3\xa9$"), ElementsAre("str:a", "punct:,", "str:b"));
  EXPECT_THAT(Kinds("$a1$x$a1$"), ElementsAre("str:x"));
  EXPECT_THAT(Kinds("$a$x$ba$a$"), ElementsAre("str:x$ba"));
  EXPECT_THAT(Kinds("$$\\n$$"), ElementsAre("str:\\n"));
  EXPECT_THAT(Kinds("$$$$"), ElementsAre("str:"));
  EXPECT_THAT(Kinds("a$b$c"), ElementsAre("id:a$b$c"));  // $ inside an identifier
  EXPECT_THAT(Kinds("$1 + $23"), ElementsAre("param:1", "op:+", "param:23"));
  EXPECT_THAT(Kinds("$1::int"), ElementsAre("param:1", "cast:::", "id:int"));
  Lexed r = Lex("$q$x$q$");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.tokens[0].string_form, StringForm::kDollar);
  EXPECT_EQ(r.tokens[0].end, 7u);
  EXPECT_THAT(Error("$a$ abc"), HasSubstr("1:1: unterminated dollar-quoted string"));
  EXPECT_THAT(Error("$a$x$A$"), HasSubstr("unterminated dollar-quoted string"));
  EXPECT_THAT(Error("$1t$ x $1t$"), HasSubstr("1:1: trailing junk after parameter"));
  EXPECT_THAT(Error("x $b"), HasSubstr("1:3: syntax error at or near \"$\""));
  EXPECT_THAT(Error("$ 1"), HasSubstr("syntax error at or near \"$\""));
  EXPECT_THAT(Error("$99999999999"), HasSubstr("parameter number too large"));
}

TEST_F(LexerTest, UnicodeIdentifiersAndStrings) {
  EXPECT_THAT(Kinds("U&\"d\\0061t\\+000061\""), ElementsAre("qid:data"));
  EXPECT_THAT(Kinds("u&'\\00e9\\\\x'"), ElementsAre("str:\xc3\xa9\\x"));
  EXPECT_THAT(Kinds("U&'d!0061t!+000061' UESCAPE '!'"), ElementsAre("str:data"));
  EXPECT_THAT(Kinds("U&'a!!b' uescape '!'"), ElementsAre("str:a!b"));
  EXPECT_THAT(Kinds("U&'\\D83D\\DE00'"), ElementsAre("str:\xf0\x9f\x98\x80"));
  EXPECT_THAT(Kinds("U&\"x#0041\" /* c */ UEscape\n'#' y"), ElementsAre("qid:xA", "id:y"));
  EXPECT_THAT(Kinds("U&'d!0061' UESCAPE E'!'"), ElementsAre("str:da"));
  EXPECT_THAT(Kinds("U&'d!0061' UESCAPE $$!$$"), ElementsAre("str:da"));
  EXPECT_THAT(Kinds("U&'x''y'"), ElementsAre("str:x'y"));
  EXPECT_THAT(Kinds("U&'\\0041' UESCAPE '!'"), ElementsAre("str:\\0041"));  // backslash is ordinary then
  EXPECT_THAT(Kinds("U&'a'\n'\\0062'"), ElementsAre("str:ab"));
  EXPECT_THAT(Kinds("U&'x' uescapex"), ElementsAre("str:x", "id:uescapex"));
  EXPECT_THAT(Kinds("U &'x'"), ElementsAre("id:u", "op:&", "str:x"));
  Lexed r = Lex("U&'d!0061' UESCAPE '!' z");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.tokens[0].string_form, StringForm::kUnicode);
  EXPECT_EQ(r.tokens[0].begin, 0u);
  EXPECT_EQ(r.tokens[0].end, 22u);  // covers the UESCAPE clause
  EXPECT_EQ(r.tokens[1].column, 24u);

  EXPECT_THAT(Error("U&'\\12'"), HasSubstr("1:4: invalid Unicode escape"));
  EXPECT_THAT(Error("U&'\\0000'"), HasSubstr("1:4: invalid Unicode escape value"));
  EXPECT_THAT(Error("U&'\\+110000'"), HasSubstr("invalid Unicode escape value"));
  EXPECT_THAT(Error("U&'\\D83D'"), HasSubstr("invalid Unicode surrogate pair"));
  EXPECT_THAT(Error("U&'\\D83Dx'"), HasSubstr("invalid Unicode surrogate pair"));
  EXPECT_THAT(Error("U&'\\DE00'"), HasSubstr("invalid Unicode surrogate pair"));
  EXPECT_THAT(Error("U&'!0061' uescape '+'"), HasSubstr("1:19: invalid Unicode escape character"));
  EXPECT_THAT(Error("U&'!0061' uescape 'a'"), HasSubstr("invalid Unicode escape character"));
  EXPECT_THAT(Error("U&'!0061' uescape ' '"), HasSubstr("invalid Unicode escape character"));
  EXPECT_THAT(Error("U&'!0061' uescape '\"'"), HasSubstr("invalid Unicode escape character"));
  EXPECT_THAT(Error("U&'!0061' uescape '!!'"), HasSubstr("invalid Unicode escape character"));
  EXPECT_THAT(Error("U&'!0061' uescape '\xc3\xa9'"), HasSubstr("invalid Unicode escape character"));
  EXPECT_THAT(Error("U&'!0061' uescape 1"), HasSubstr("1:19: UESCAPE must be followed by a simple string literal"));
  EXPECT_THAT(Error("U&'!0061' uescape U&'!'"), HasSubstr("UESCAPE must be followed by a simple string literal"));
  EXPECT_THAT(Error("U&'!0061' uescape"), HasSubstr("UESCAPE must be followed by a simple string literal"));
  EXPECT_THAT(Error("U&\"\""), HasSubstr("1:1: zero-length delimited identifier"));
  EXPECT_THAT(Error("U&'abc"), HasSubstr("1:1: unterminated quoted string"));
}

TEST_F(LexerTest, NationalAndBitStrings) {
  Lexed r = Lex("N'caf\xc3\xa9' B'0101' x'1fA' b''");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.kinds, ElementsAre("str:caf\xc3\xa9", "bits:0101", "hex:1fA", "bits:"));
  EXPECT_EQ(r.tokens[0].string_form, StringForm::kNational);
  EXPECT_EQ(r.tokens[0].end, 8u);
  EXPECT_THAT(Kinds("B'01'\n'10'"), ElementsAre("bits:0110"));
  EXPECT_THAT(Kinds("B'01' '10'"), ElementsAre("bits:01", "str:10"));
  EXPECT_THAT(Kinds("n'a''b'"), ElementsAre("str:a'b"));
  EXPECT_THAT(Error("B'102'"), HasSubstr("1:5: \"2\" is not a valid binary digit"));
  EXPECT_THAT(Error("X'1G'"), HasSubstr("\"G\" is not a valid hexadecimal digit"));
  EXPECT_THAT(Kinds("B'01''10'"), ElementsAre("bits:01", "str:10"));  // no '' escape in bit strings
  EXPECT_THAT(Error("B'01"), HasSubstr("1:1: unterminated bit string literal"));
  EXPECT_THAT(Error("X'01"), HasSubstr("1:1: unterminated hexadecimal string literal"));
  EXPECT_THAT(Kinds("bx 'y' xb nb"), ElementsAre("id:bx", "str:y", "id:xb", "id:nb"));
}

TEST_F(LexerTest, QuotedIdentifiers) {
  EXPECT_THAT(Kinds("\"Orders\".\"a\"\"b\""), ElementsAre("qid:Orders", "punct:.", "qid:a\"b"));
  EXPECT_THAT(Kinds("\"select\" \"\xc3\xa9\""), ElementsAre("qid:select", "qid:\xc3\xa9"));
  EXPECT_THAT(Error("select 1 as \"\""), HasSubstr("1:13: zero-length delimited identifier"));
  EXPECT_THAT(Error("\"abc"), HasSubstr("1:1: unterminated quoted identifier"));
  EXPECT_THAT(Error("x \"a\"\"b"), HasSubstr("1:3: unterminated quoted identifier"));
}

TEST_F(LexerTest, UnquotedIdentifiers) {
  EXPECT_THAT(Kinds("FooBar _x x1 x$ \xc3\x89t\xc3\xa9"), ElementsAre("id:foobar", "id:_x", "id:x1", "id:x$",
                                                                      "id:\xc3\x89t\xc3\xa9"));  // non-ASCII kept
  // Text that did not need folding is a view into the source.
  std::string sql = "abc DEF";
  Lexed r = Lex(sql);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.tokens[0].text.data(), sql.data());
  EXPECT_NE(r.tokens[1].text.data(), sql.data() + 4);
  EXPECT_EQ(r.tokens[1].text, "def");
}

TEST_F(LexerTest, IdentifierTruncation) {
  std::string long_ident(70, 'a');
  EXPECT_THAT(Kinds(long_ident), ElementsAre("id:" + std::string(63, 'a')));
  EXPECT_THAT(Kinds("\"" + long_ident + "\""), ElementsAre("qid:" + std::string(63, 'a')));
  // 62 ASCII bytes then a 2-byte character: cutting at 63 would split it, so it is dropped entirely.
  std::string split = std::string(62, 'b') + "\xc3\xa9" + "zz";
  EXPECT_THAT(Kinds(split), ElementsAre("id:" + std::string(62, 'b')));
  std::string exact = std::string(61, 'b') + "\xc3\xa9" + "zz";
  EXPECT_THAT(Kinds(exact), ElementsAre("id:" + std::string(61, 'b') + "\xc3\xa9"));
  EXPECT_THAT(Kinds(std::string(63, 'C')), ElementsAre("id:" + std::string(63, 'c')));
}

TEST_F(LexerTest, Numbers) {
  EXPECT_THAT(Kinds("42 1. .5 1.5 1e10 1.5E-3 .5e+2 1.e5 007"),
              ElementsAre("int:42", "num:1.", "num:.5", "num:1.5", "num:1e10", "num:1.5E-3", "num:.5e+2",
                          "num:1.e5", "int:007"));
  EXPECT_THAT(Kinds("1..10"), ElementsAre("int:1", "dotdot:..", "int:10"));
  EXPECT_THAT(Kinds("1.5..2"), ElementsAre("num:1.5", "dotdot:..", "int:2"));
  EXPECT_THAT(Kinds("1.5.3"), ElementsAre("num:1.5", "num:.3"));
  EXPECT_THAT(Kinds("t.1"), ElementsAre("id:t", "num:.1"));
  EXPECT_THAT(Kinds("1+2-3"), ElementsAre("int:1", "op:+", "int:2", "op:-", "int:3"));
  EXPECT_THAT(Kinds("1$$x$$"), ElementsAre("int:1", "str:x"));
  EXPECT_THAT(Error("select 0x1F"), HasSubstr("1:8: trailing junk after numeric literal at or near \"0x1F\""));
  EXPECT_THAT(Error("1_000"), HasSubstr("trailing junk after numeric literal"));
  EXPECT_THAT(Error("1abc"), HasSubstr("trailing junk after numeric literal"));
  EXPECT_THAT(Error("1.a"), HasSubstr("trailing junk after numeric literal"));
  EXPECT_THAT(Error("1.5x"), HasSubstr("trailing junk after numeric literal"));
  EXPECT_THAT(Error("1e5x"), HasSubstr("trailing junk after numeric literal"));
  EXPECT_THAT(Error("1e"), HasSubstr("trailing junk after numeric literal at or near \"1e\""));
  EXPECT_THAT(Error("1e+"), HasSubstr("trailing junk after numeric literal at or near \"1e+\""));
  EXPECT_THAT(Error("1\xc3\xa9"), HasSubstr("trailing junk after numeric literal"));
}

TEST_F(LexerTest, Operators) {
  EXPECT_THAT(Kinds("a<=b>=c<>d!=e=>f:=g::h"),
              ElementsAre("id:a", "op:<=", "id:b", "op:>=", "id:c", "op:<>", "id:d", "op:!=", "id:e", "op:=>",
                          "id:f", "op::=", "id:g", "cast:::", "id:h"));
  EXPECT_THAT(Kinds("a||b @> c ~~* d <-> e"),
              ElementsAre("id:a", "op:||", "id:b", "op:@>", "id:c", "op:~~*", "id:d", "op:<->", "id:e"));
  // '+'/'-' may end a multi-char operator only if it has one of ~!@#^&|`?%.
  EXPECT_THAT(Kinds("1=-1"), ElementsAre("int:1", "op:=", "op:-", "int:1"));
  EXPECT_THAT(Kinds("1 @- 1"), ElementsAre("int:1", "op:@-", "int:1"));
  EXPECT_THAT(Kinds("x*-+1"), ElementsAre("id:x", "op:*", "op:-", "op:+", "int:1"));
  EXPECT_THAT(Kinds("x<=-1"), ElementsAre("id:x", "op:<=", "op:-", "int:1"));
  EXPECT_THAT(Kinds("a ?-| b"), ElementsAre("id:a", "op:?-|", "id:b"));
  // Comment starts end an operator.
  EXPECT_THAT(Kinds("a +-- c\n b"), ElementsAre("id:a", "op:+", "id:b"));
  EXPECT_THAT(Kinds("a @-- c\n b"), ElementsAre("id:a", "op:@", "id:b"));
  EXPECT_THAT(Kinds("a */* c */ b"), ElementsAre("id:a", "op:*", "id:b"));
  EXPECT_THAT(Kinds("a */ b"), ElementsAre("id:a", "op:*/", "id:b"));
  EXPECT_THAT(Kinds("( ) [ ] , ; . :"),
              ElementsAre("punct:(", "punct:)", "punct:[", "punct:]", "punct:,", "punct:;", "punct:.", "punct::"));
  EXPECT_THAT(Kinds("a[1:2]"), ElementsAre("id:a", "punct:[", "int:1", "punct::", "int:2", "punct:]"));
  EXPECT_THAT(Error(std::string(64, '<')), HasSubstr("operator too long"));
  EXPECT_THAT(Kinds(std::string(63, '<')), ElementsAre("op:" + std::string(63, '<')));
  EXPECT_THAT(Error("2 \\ 3"), HasSubstr("1:3: syntax error at or near \"\\\""));
  EXPECT_THAT(Error("a { b"), HasSubstr("syntax error at or near \"{\""));
}

TEST_F(LexerTest, Positions) {
  Lexed r = Lex("SELECT\n  'é', \"ü\" ,x\n\t/* c\n */ y");
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.tokens.size(), 8u);
  auto pos = [&](size_t i) {
    return std::to_string(r.tokens[i].line) + ":" + std::to_string(r.tokens[i].column) + "@" +
           std::to_string(r.tokens[i].begin) + "-" + std::to_string(r.tokens[i].end);
  };
  EXPECT_EQ(pos(0), "1:1@0-6");
  EXPECT_EQ(pos(1), "2:3@9-13");
  EXPECT_EQ(pos(2), "2:6@13-14");
  EXPECT_EQ(pos(3), "2:8@15-19");
  EXPECT_EQ(pos(4), "2:12@20-21");
  EXPECT_EQ(pos(5), "2:13@21-22");
  EXPECT_EQ(pos(6), "4:5@33-34");
  EXPECT_EQ(pos(7), "4:6@34-34");  // eof
  EXPECT_THAT(Error("SELECT 'é' FROM\n  x, 'oops"), HasSubstr("2:6: unterminated quoted string"));
  // Newlines inside tokens and comments, ASCII and not.
  for (std::string_view prefix : {"", "\xc3\xa9 "}) {
    std::string sql = std::string(prefix) +
                      "'a\nb' x \"q\nq\" y $$\n$$ z /*\n*/ w U&'\n' UESCAPE\n'!' v B'1'\n'0' u E'\\n'\n'\\n' t";
    Lexed m = Lex(sql);
    ASSERT_TRUE(m.status.ok()) << m.status;
    std::vector<std::string> got;
    for (const Token& tok : m.tokens) {
      if (tok.kind == TokenKind::kIdent && tok.text.size() == 1) {
        got.push_back(std::string(tok.text) + "@" + std::to_string(tok.line) + ":" + std::to_string(tok.column));
        EXPECT_EQ(LocationAt(sql, tok.begin).line, tok.line);
        EXPECT_EQ(LocationAt(sql, tok.begin).column, tok.column);
      }
    }
    EXPECT_THAT(got, ElementsAre("x@2:4", "y@3:4", "z@4:4", "w@5:4", "v@7:5", "u@8:5", "t@9:6")) << sql;
  }
  EXPECT_THAT(Error("SELECT 'a\n\nb"), HasSubstr("1:8: unterminated quoted string"));
}

TEST_F(LexerTest, InvalidInput) {
  EXPECT_THAT(Error(std::string("select 1\0", 9)), HasSubstr("1:9: invalid byte sequence for encoding \"UTF8\": 0x00"));
  EXPECT_THAT(Error(std::string("select 'a\0'", 11)), HasSubstr("NUL"));
  EXPECT_THAT(Error("select '\xff'"), HasSubstr("1:9: invalid byte sequence for encoding \"UTF8\": 0xff"));
  EXPECT_THAT(Error("x \xc0\xaf"), HasSubstr("1:3: invalid byte sequence"));            // overlong '/'
  EXPECT_THAT(Error("x \xe0\x80\xaf"), HasSubstr("invalid byte sequence"));             // overlong
  EXPECT_THAT(Error("x \xed\xa0\x80"), HasSubstr("invalid byte sequence"));             // surrogate D800
  EXPECT_THAT(Error("x \xf4\x90\x80\x80"), HasSubstr("invalid byte sequence"));         // > U+10FFFF
  EXPECT_THAT(Error("x \xf5\x80\x80\x80"), HasSubstr("invalid byte sequence"));
  EXPECT_THAT(Error("x \xc3"), HasSubstr("invalid byte sequence for encoding \"UTF8\": 0xc3"));  // truncated
  EXPECT_THAT(Error("-- \x80\n x"), HasSubstr("1:4: invalid byte sequence"));  // even inside comments
  EXPECT_THAT(Error("\xe2\x82\xac \xe2\x28\xa1"), HasSubstr("1:3: invalid byte sequence"));
  EXPECT_THAT(Kinds("\xf4\x8f\xbf\xbf \xef\xbf\xbf"), ElementsAre("id:\xf4\x8f\xbf\xbf", "id:\xef\xbf\xbf"));
  EXPECT_EQ(FindInvalidUtf8("abcdefghijklmnopqrstuvwxyz\xc3\xa9"), 28u);
  EXPECT_EQ(FindInvalidUtf8("abcdefghijklmnopqrstuvwxyz\x80"), 26u);
  EXPECT_EQ(FindInvalidUtf8(std::string_view("abcdefghij\0klmnop", 17)), 10u);
}

TEST_F(LexerTest, UnterminatedLiterals) {
  EXPECT_THAT(Error("select 'abc"), HasSubstr("1:8: unterminated quoted string"));
  EXPECT_THAT(Error("select 'abc''"), HasSubstr("unterminated quoted string"));
  EXPECT_THAT(Error("select 'a'\n'b"), HasSubstr("1:8: unterminated quoted string"));
  EXPECT_THAT(Error("N'x"), HasSubstr("unterminated quoted string"));
}

TEST_F(LexerTest, CorpusLexesCleanly) {
  for (const char* set : {"tpch", "tpcds", "charts"}) {
    for (const auto& q : testing::LoadCorpus(set)) {
      Arena arena;
      std::vector<Token> tokens;
      absl::Status st = Dialect::Postgres().Tokenize(q.sql, arena, &tokens);
      EXPECT_TRUE(st.ok()) << q.path << ": " << st;
      if (!st.ok()) continue;
      // Tokens are ordered, non-overlapping, and only whitespace/comments lie between them.
      uint32_t prev_end = 0;
      for (const Token& t : tokens) {
        EXPECT_LE(prev_end, t.begin) << q.path;
        EXPECT_LE(t.begin, t.end) << q.path;
        prev_end = t.end;
      }
      EXPECT_EQ(tokens.back().end, q.sql.size());
    }
  }
}

// Other dialects are a config away: a MySQL-like configuration.
TEST(LexerConfigTest, AlternativeRules) {
  LexerConfig c;
  c.identifier_quotes = "`\"";
  c.hash_comments = true;
  c.backslash_escapes_in_strings = true;
  c.nested_block_comments = false;
  c.dollar_quoted_strings = false;
  c.dollar_parameters = false;
  c.identifier_case = IdentifierCase::kPreserve;
  c.trailing_junk_after_number_is_error = false;
  c.max_identifier_bytes = 0;
  Lexer lexer(c);
  Arena arena;
  Lexed r = LexWith(lexer, "SELECT `My``Col`, 'a\\'b' # comment\n FROM T /* /* */ x 1abc", arena);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.kinds, ElementsAre("id:SELECT", "qid:My`Col", "punct:,", "str:a'b", "id:FROM", "id:T", "id:x",
                                   "int:1", "id:abc"));
  EXPECT_THAT(LexWith(lexer, std::string(100, 'a'), arena).kinds, ElementsAre("id:" + std::string(100, 'a')));

  LexerConfig upper;
  upper.identifier_case = IdentifierCase::kUpper;
  upper.vertical_tab_is_space = true;
  upper.newline_string_continuation = false;
  Lexer upper_lexer(upper);
  r = LexWith(upper_lexer, "select\vx 'a'\n'b'", arena);
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_THAT(r.kinds, ElementsAre("id:SELECT", "id:X", "str:a", "str:b"));
}

// Words and the whitespace between them, the two scans that run 16 bytes at a time (lexer.cc SkipSpaces and
// WordRunEnd), against an independent model: random words (ASCII letters of both cases, digits, '_', '$' where the
// dialect allows it, two- and three-byte UTF-8 letters; up to 100 bytes, so truncation is hit too) between random runs
// of spaces, tabs, carriage returns and newlines, and some commas, at every alignment of the 16-byte blocks and of the
// end of input. Each token's kind, folded and truncated text, offsets, line and column must be the model's.
TEST(LexerConfigTest, WordsAndSpacesMatchAModelAtEveryAlignment) {
  struct Case {
    const char* name;
    LexerConfig config;
  };
  std::vector<Case> cases;
  cases.push_back({"postgres", LexerConfig{}});
  LexerConfig upper;
  upper.identifier_case = IdentifierCase::kUpper;
  cases.push_back({"upper", upper});
  LexerConfig preserve;
  preserve.identifier_case = IdentifierCase::kPreserve;
  preserve.max_identifier_bytes = 0;
  cases.push_back({"preserve", preserve});
  LexerConfig no_dollar;
  no_dollar.dollar_in_identifiers = false;
  no_dollar.max_identifier_bytes = 20;
  cases.push_back({"no_dollar", no_dollar});

  const std::vector<std::string> first = {"a", "Z", "q", "M", "_", "\xC3\xA9", "\xD0\xB6", "\xE4\xB8\xAD"};
  const std::vector<std::string> rest_base = {"a", "b", "X", "Y", "z", "0", "7", "9", "_", "\xC3\xA9", "\xE4\xB8\xAD"};
  const std::vector<std::string> gaps = {" ", " ", " ", "  ", "\t", "\n", "\r\n", "                 ", ","};
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  auto next = [&seed](uint64_t bound) {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed % bound;
  };
  size_t checked = 0;
  for (const Case& c : cases) {
    Lexer lexer(c.config);
    ASSERT_TRUE(lexer.vector_words()) << c.name;
    std::vector<std::string> rest = rest_base;
    if (c.config.dollar_in_identifiers) rest.push_back("$");
    for (int round = 0; round < 400; ++round) {
      struct Expected {
        TokenKind kind;
        std::string text;
        uint32_t begin, end, line, column;
      };
      std::vector<Expected> expected;
      std::string sql(next(17), ' ');  // shifts everything against the 16-byte blocks
      uint32_t line = 1;
      size_t line_start = 0;
      auto column_at = [&](size_t offset) {
        uint32_t col = 1;
        for (size_t k = line_start; k < offset; ++k) col += (static_cast<unsigned char>(sql[k]) & 0xC0) != 0x80;
        return col;
      };
      const int items = 1 + static_cast<int>(next(12));
      for (int item = 0; item < items; ++item) {
        size_t begin = sql.size();
        std::string word = first[next(first.size())];
        const size_t target = next(5) == 0 ? 30 + next(70) : next(20);
        while (word.size() < target) word += rest[next(rest.size())];
        sql += word;
        std::string text;
        for (unsigned char ch : word) {
          bool fold = c.config.identifier_case == IdentifierCase::kLower ? (ch >= 'A' && ch <= 'Z')
                      : c.config.identifier_case == IdentifierCase::kUpper ? (ch >= 'a' && ch <= 'z')
                                                                            : false;
          text += static_cast<char>(fold ? ch ^ 0x20 : ch);
        }
        if (c.config.max_identifier_bytes != 0 && text.size() > c.config.max_identifier_bytes) {
          size_t cut = c.config.max_identifier_bytes;
          while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
          text.resize(cut);
        }
        expected.push_back({TokenKind::kIdent, text, static_cast<uint32_t>(begin), static_cast<uint32_t>(sql.size()),
                            line, column_at(begin)});
        // A gap (at least one byte, so that the next word is a new token), unless the input ends here.
        if (item + 1 == items && next(2) == 0) break;
        const int parts = 1 + static_cast<int>(next(3));
        for (int k = 0; k < parts || (k > 0 && sql.back() == ','); ++k) {
          const std::string& gap = gaps[next(gaps.size())];
          for (char ch : gap) {
            if (ch == ',') {
              expected.push_back({TokenKind::kPunct, ",", static_cast<uint32_t>(sql.size()),
                                  static_cast<uint32_t>(sql.size() + 1), line, column_at(sql.size())});
            }
            sql += ch;
            if (ch == '\n') {
              ++line;
              line_start = sql.size();
            }
          }
        }
      }
      Arena arena;
      std::vector<Token> tokens;
      absl::Status st = lexer.Tokenize(sql, arena, &tokens);
      ASSERT_TRUE(st.ok()) << c.name << " " << st << " in [" << sql << "]";
      ASSERT_EQ(tokens.size(), expected.size() + 1) << c.name << " [" << sql << "]";
      for (size_t k = 0; k < expected.size(); ++k) {
        const Token& t = tokens[k];
        const Expected& e = expected[k];
        ASSERT_EQ(t.kind, e.kind) << c.name << " token " << k << " [" << sql << "]";
        ASSERT_EQ(t.text, e.text) << c.name << " token " << k << " [" << sql << "]";
        ASSERT_EQ(t.begin, e.begin) << c.name << " token " << k << " [" << sql << "]";
        ASSERT_EQ(t.end, e.end) << c.name << " token " << k << " [" << sql << "]";
        ASSERT_EQ(t.line, e.line) << c.name << " token " << k << " [" << sql << "]";
        ASSERT_EQ(t.column, e.column) << c.name << " token " << k << " [" << sql << "]";
        ++checked;
      }
      EXPECT_EQ(tokens.back().kind, TokenKind::kEof);
      EXPECT_EQ(tokens.back().begin, sql.size());
    }
  }
  EXPECT_GT(checked, 5000u);
}

// PostgreSQL's lexer (the dialect's own) takes the vector scan.
TEST(LexerConfigTest, PostgresLexerScansWordsByVector) {
  EXPECT_TRUE(static_cast<const PostgresDialect&>(Dialect::Postgres()).lexer().vector_words());
}

}  // namespace
}  // namespace rlsq
