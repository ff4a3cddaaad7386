// Tokens produced by the hand-written lexer. Dialect-neutral: the parser front end maps them onto the
// grammar's token types (keywords are recognised there, from the grammar's own vocabulary).
#pragma once

#include <cstdint>
#include <string_view>

namespace rlsq {

enum class TokenKind : uint8_t {
  kEof,
  kIdent,        // unquoted word; text is folded per the dialect (PostgreSQL: lower case)
  kQuotedIdent,  // "..." or U&"..." (or a dialect's other identifier quotes); text has escapes resolved
  kString,       // any character-string literal form; text is the decoded value; see StringForm
  kBitString,    // B'0101'; text is the digits
  kHexString,    // X'1F'; text is the digits
  kInteger,      // 42, 0x1F, 1_000 ...; text is the source text
  kNumeric,      // 1.5, .5, 1e10 ...; text is the source text
  kParam,        // $1; text is the digits
  kOperator,     // any operator, text as written: + - * / < > = <= >= <> != || ~~ @> => := ...
  kPunct,        // one of ( ) [ ] , ; . :  (text is that character)
  kTypecast,     // ::
  kDotDot,       // ..
  kVariable,     // MySQL @name / @@scope.name; text as written
  kIntroducer,   // MySQL _charset before a literal; text is the charset name, lower case
};

enum class StringForm : uint8_t {
  kStandard,  // '...'   (backslash is an ordinary character)
  kEscape,    // E'...'
  kDollar,    // $tag$...$tag$
  kUnicode,   // U&'...' [UESCAPE '!']
  kNational,  // N'...'
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  StringForm string_form = StringForm::kStandard;  // for kString
  uint32_t begin = 0;   // byte offset of the first byte of the token (including prefixes such as E or U&)
  uint32_t end = 0;     // byte offset one past the last byte (including a UESCAPE clause)
  uint32_t line = 1;    // 1-based
  uint32_t column = 1;  // 1-based, in code points
  std::string_view text;  // normalized text (see TokenKind); a view into the source or into the lexer's arena
};

}  // namespace rlsq
