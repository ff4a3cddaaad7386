// The hand-written SQL lexer engine. One single pass over the input, no per-token heap allocation: token text is a
// view into the source, or (when it differs from the source: folded, unescaped, concatenated) a view into the
// caller's Arena. All lexical rules that differ between databases are switches in LexerConfig; a dialect supplies
// the config (lib/dialect/<name>_dialect.cc), the engine knows no dialect by name.
//
// With the PostgreSQL config the engine follows PostgreSQL 15's scan.l (and the U&/UESCAPE handling of parser.c):
// see lib/dialect/postgres_dialect.cc for the values and tests/lexer/ for the rules, checked against a real server.
#pragma once

#include "lib/common/utf8.h"  // FindInvalidUtf8

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "lib/common/arena.h"
#include "lib/lexer/token.h"

namespace rlsq {

enum class IdentifierCase : uint8_t {
  kLower,     // PostgreSQL: ASCII A-Z folded to a-z
  kUpper,     // Snowflake, Oracle: ASCII a-z folded to A-Z
  kPreserve,  // ClickHouse, MySQL (case handled elsewhere)
};

struct LexerConfig {
  // --- whitespace and comments ---
  bool vertical_tab_is_space = false;  // \v is whitespace (PostgreSQL 16+; in 15 it is a stray character)
  bool nested_block_comments = true;   // /* /* */ */ nests (PostgreSQL); otherwise the first */ closes
  bool line_comment_ends_at_cr = true;  // "--" and "#" comments end at \r too (PostgreSQL); MySQL: \n only
  bool hash_comments = false;          // '#' starts a comment to end of line (MySQL, ClickHouse); '#' is then
                                       // not an operator character

  // --- identifiers ---
  // Characters that delimit quoted identifiers; inside, the delimiter is escaped by doubling it.
  std::string_view identifier_quotes = "\"";  // "x"; MySQL/BigQuery/ClickHouse add or use '`'
  bool dollar_in_identifiers = true;          // '$' allowed after the first identifier character
  bool empty_quoted_identifier_is_error = true;  // "" -> "zero-length delimited identifier"
  IdentifierCase identifier_case = IdentifierCase::kLower;
  // Identifiers longer than this many bytes are truncated on a character boundary (0: never truncated).
  uint32_t max_identifier_bytes = 63;

  // --- string literals ---
  bool backslash_escapes_in_strings = false;  // '...' processes \ escapes like E'...' (MySQL, BigQuery)
  bool escape_strings = true;                 // E'...'
  bool dollar_quoted_strings = true;          // $tag$...$tag$, $$...$$
  bool unicode_escapes = true;                // U&'...', U&"..." and UESCAPE 'c'
  bool national_strings = true;               // N'...'
  bool bit_strings = true;                    // B'0101'
  bool hex_strings = true;                    // X'1F'
  // Two string literals separated by whitespace containing a newline are one literal (SQL standard, PostgreSQL).
  bool newline_string_continuation = true;

  // --- numbers and parameters ---
  // A number immediately followed by an identifier character is an error (PostgreSQL 15+); otherwise the two are
  // separate tokens.
  bool trailing_junk_after_number_is_error = true;
  bool dollar_parameters = true;  // $1
  bool typecast_operator = true;  // `::` is one token (PostgreSQL's cast); otherwise two ':' 

  // --- operators ---
  // Characters that form multi-character operators (PostgreSQL's op_chars).
  std::string_view operator_chars = "~!@#^&|`?+-*/%<>=";
  // A multi-character operator may end in '+' or '-' only if it contains one of these (PostgreSQL's rule, which
  // makes '=-' two operators but '@-' one).
  std::string_view non_sql_operator_chars = "~!@#^&|`?%";
  uint32_t max_operator_bytes = 63;  // longer operators are an error ("operator too long")
  // When not empty, operators are exactly these strings (longest match), not runs of operator_chars (MySQL: `1<-1`
  // is `<` `-` `1`); a character that starts none of them is a syntax error.
  std::vector<std::string_view> fixed_operators;

  // --- the MySQL family (MySQL, MariaDB) ---
  // "--" starts a comment only when followed by whitespace, a control character or the end (`1--1` is 1 - -1).
  bool dash_dash_needs_space = false;
  // Executable comments: /*! ... */ and /*!NNNNN ... */ are SQL when the server's version is at least NNNNN
  // (otherwise a comment); MariaDB also /*M! ... */ and /*M!NNNNNN ... */. Their text is lexed as SQL.
  enum class ExecutableComments : uint8_t { kNone, kMySql, kMariaDb };
  ExecutableComments executable_comments = ExecutableComments::kNone;
  // The server's version, MAJOR*10000 + MINOR*100 + PATCH (10.11.6 -> 101106, 8.0.36 -> 80036), known to lie in
  // [server_version_min, server_version]: a comment whose reading differs within the range is refused.
  uint32_t server_version = 0;
  uint32_t server_version_min = 0;
  bool double_quoted_strings = false;     // "..." is a string literal (MySQL without ANSI_QUOTES)
  // Backslash escapes in every string literal with MySQL's set (\0 \' \" \b \n \r \t \Z \\; \% and \_ keep
  // the backslash; any other \c is c). Needs backslash_escapes_in_strings.
  bool mysql_backslash_escapes = false;
  bool digit_leading_identifiers = false;  // 123abc and 0x1Fz are identifiers; 1e5 and 0x1F numbers
  bool hex_bit_numbers = false;            // 0x1F (kHexString) and 0b01 (kBitString): lower-case prefix only
  // MySQL's literal rules: a number with a '.' and an 'e' not followed by digits is an error (1.5e, 1.ex, 1.5e+x;
  // 1e and 1ex are identifiers, digit_leading_identifiers), and X'...' needs an even number of digits.
  bool mysql_literal_rules = false;
  bool dollar_starts_identifiers = false;  // $a is an identifier (MySQL; PostgreSQL: $1 and $$ only)
  bool at_variables = false;               // @name, @'x', @`x`, @@name, @@session.name (kVariable)
  // `_charset` before a string, hex or bit literal is its character set introducer (kIntroducer); the names.
  std::vector<std::string_view> charset_introducers;
  // X'...' needs an even number of digits (MySQL, SQLite).
  bool hex_strings_need_even_digits = false;

  // --- SQLite (tokenize.c) ---
  // [x] is an identifier: it ends at the first ']', nothing is escaped inside; '[' and ']' are no punctuation.
  bool bracket_identifiers = false;
  // "/*" followed by at least one character and no "*/" is a comment to the end of the input.
  bool block_comment_may_end_at_eof = false;
  // 0x1F and 0X1F are integers (kInteger, source text); the hex digits end the token, whatever follows (`0x1G` is
  // `0x1` `G`).
  bool hex_integers = false;
  // SQLite's parameters, kParam with the source text: `?`, `?NNN`, and `:`, `@`, `$` or `#` followed by identifier
  // characters, "::" pairs and one "(...)" suffix holding no whitespace (Tcl's forms, `$a::b(c)`). Without a name
  // character they are errors.
  bool sqlite_parameters = false;
  // "==" is the operator "=" (the token's text is "=").
  bool double_equals = false;
  // A UTF-8 byte order mark (EF BB BF) where a token would start is white space (inside a word it is part of it).
  bool bom_is_space = false;
};

class Lexer {
 public:
  explicit Lexer(const LexerConfig& config);

  // Splits `sql` into tokens, skipping whitespace and comments; `out` is cleared and ends with one kEof token.
  // The whole input is validated as strict UTF-8 (no NUL, overlong forms, surrogates or code points past
  // U+10FFFF). Errors are "line:column: message" InvalidArgument statuses.
  absl::Status Tokenize(std::string_view sql, Arena& arena, std::vector<Token>* out) const;

  const LexerConfig& config() const { return config_; }

  // Character classes, one bit each, for the 256 byte values (built from the config).
  enum : uint8_t {
    kSpace = 1,
    kIdentStart = 2,
    kIdentCont = 4,
    kDigit = 8,
    kOpChar = 16,
    kNonSqlOpChar = 32,
    kHexDigit = 64,
    kIdentQuote = 128,
  };
  uint8_t char_class(unsigned char c) const { return classes_[c]; }

  // Whether the scanner may find the end of a word 16 bytes at a time (lexer.cc, WordRunEnd): true when kIdentCont
  // is exactly ASCII letters, digits, '_', the bytes from 0x80 and, if the dialect says so, '$' (checked for all 256
  // byte values when the lexer is built; otherwise every word is scanned byte by byte through the class table).
  bool vector_words() const { return vector_words_; }

 private:
  LexerConfig config_;
  uint8_t classes_[256];
  bool vector_words_ = false;
};


}  // namespace rlsq
