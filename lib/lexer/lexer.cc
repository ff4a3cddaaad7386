#include "lib/common/ascii.h"
#include "lib/lexer/lexer.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cstring>
#include <string>

#include <initializer_list>
#include "lib/common/status.h"
#include "lib/common/utf8.h"

namespace rlsq {
namespace {

constexpr size_t kNpos = static_cast<size_t>(-1);

std::string Cat(std::initializer_list<std::string_view> parts) {
  size_t len = 0;
  for (std::string_view p : parts) len += p.size();
  std::string out;
  out.reserve(len);
  for (std::string_view p : parts) out.append(p);
  return out;
}

inline bool IsAsciiHex(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline uint32_t HexValue(unsigned char c) {
  if (c <= '9') return c - '0';
  if (c >= 'a') return c - 'a' + 10;
  return c - 'A' + 10;
}
inline bool IsSurrogateFirst(uint32_t c) { return c >= 0xD800 && c <= 0xDBFF; }
inline bool IsSurrogateSecond(uint32_t c) { return c >= 0xDC00 && c <= 0xDFFF; }
inline uint32_t CombineSurrogates(uint32_t first, uint32_t second) {
  return ((first & 0x3FF) << 10) + 0x10000 + (second & 0x3FF);
}

// Single-quoted literal flavours.
enum class QuoteMode : uint8_t {
  kStandard,  // '' escapes a quote, backslash ordinary
  kEscape,    // '' and backslash escapes
  kRaw,       // B'...' and X'...': no escapes at all (a quote always ends the segment)
};

class Scanner {
 public:
  Scanner(const Lexer& lexer, std::string_view src, Arena& arena, bool ascii)
      : ascii_(ascii),
        cfg_(lexer.config()),
        src_(src),
        s_(reinterpret_cast<const unsigned char*>(src.data())),
        n_(src.size()),
        arena_(arena),
        vector_words_(lexer.vector_words()) {
    for (int c = 0; c < 256; ++c) cls_[c] = lexer.char_class(static_cast<unsigned char>(c));
  }

  absl::Status Run(std::vector<Token>* out) {
    out->clear();
    out->reserve(n_ / 5 + 8);
    size_t p = 0;
    for (;;) {
      p = SkipSpaces(p);  // the common gap: spaces
      if (p < n_ && (cls_[s_[p]] & Lexer::kSpace || s_[p] == '-' || s_[p] == '/' || s_[p] == '#' ||
                     (exec_comment_open_ && s_[p] == '*') || (s_[p] == 0xEF && cfg_.bom_is_space)))
        RLSQ_RETURN_IF_ERROR(SkipWhitespaceAndComments</*kCountLines=*/true>(&p));
      Token& t = out->emplace_back();  // built in place (copying a Token assembled field by field stalls)
      Locate(p, &t);
      if (p >= n_) {
        if (exec_comment_open_) return Error(exec_comment_begin_, "unterminated /*! comment");
        t.kind = TokenKind::kEof;
        t.begin = t.end = static_cast<uint32_t>(n_);
        return absl::OkStatus();
      }
      // Fast paths for most tokens of a query: words that start no prefixed literal, and punctuation.
      const unsigned char c = s_[p];
      if (cls_[c] & Lexer::kIdentStart) {
        const unsigned char c1 = p + 1 < n_ ? s_[p + 1] : 0;
        const bool prefix = c1 == '\'' ? (c | 0x20) == 'e' || (c | 0x20) == 'n' || (c | 0x20) == 'b' || (c | 0x20) == 'x'
                                        : c1 == '&' && (c | 0x20) == 'u';
        if (!prefix && !(c == '_' && !cfg_.charset_introducers.empty())) {
          size_t end = p;
          t.begin = static_cast<uint32_t>(p);
          LexWord(p, &t, &end);
          t.end = static_cast<uint32_t>(end);
          p = end;
          continue;
        }
      } else if (c == ',' || c == '(' || c == ')' || c == ';') {
        t.begin = static_cast<uint32_t>(p);
        t.kind = TokenKind::kPunct;
        t.text = src_.substr(p, 1);
        t.end = static_cast<uint32_t>(++p);
        continue;
      }
      size_t end = p;
      RLSQ_RETURN_IF_ERROR(NextToken(p, /*allow_uescape=*/true, &t, &end));
      switch (t.kind) {  // only these can span lines (a U& literal also through its UESCAPE clause)
        case TokenKind::kString:
        case TokenKind::kQuotedIdent:
        case TokenKind::kBitString:
        case TokenKind::kHexString:
          CountLines(p, end);
          break;
        default:
          break;
      }
      p = end;
    }
  }

 private:
  absl::Status Error(size_t offset, std::string_view message) const {
    return SqlErrorAt(src_, static_cast<uint32_t>(offset), message);
  }
  absl::Status SyntaxErrorAt(size_t offset) const {
    size_t len = Utf8SequenceLength(s_ + offset, n_ - offset);
    if (len == 0) len = 1;
    return Error(offset, Cat({"syntax error at or near \"", src_.substr(offset, len), "\""}));
  }

  bool Is(unsigned char c, uint8_t cls) const { return (cls_[c] & cls) != 0; }

  bool At(size_t i, char c) const { return i < n_ && s_[i] == static_cast<unsigned char>(c); }

  // Line bookkeeping: whitespace/comment skipping and CountLines (for tokens that can hold newlines) advance
  // line_ and line_start_; columns are measured from line_start_ (in code points; incrementally if non-ASCII).
  void CountLines(size_t from, size_t to) {
    while (from < to) {
      const void* nl = std::memchr(s_ + from, '\n', to - from);
      if (nl == nullptr) break;
      from = static_cast<size_t>(static_cast<const unsigned char*>(nl) - s_) + 1;
      ++line_;
      line_start_ = from;
    }
  }

  void Locate(size_t offset, Token* t) {
    t->line = line_;
    if (ascii_) {
      t->column = static_cast<uint32_t>(offset - line_start_) + 1;
      return;
    }
    if (cp_pos_ < line_start_) {
      cp_pos_ = line_start_;
      cp_col_ = 1;
    }
    for (size_t i = cp_pos_; i < offset; ++i) cp_col_ += (s_[i] & 0xC0) != 0x80;
    cp_pos_ = offset;
    t->column = cp_col_;
  }

  // Skips a block comment starting at *p ("/*"); nested if the dialect says so.
  template <bool kCountLines>
  absl::Status SkipBlockComment(size_t* p) {
    size_t start = *p;
    size_t i = start + 2;
    int depth = 1;
    while (i < n_) {
      unsigned char c = s_[i];
      if (c == '*' && At(i + 1, '/')) {
        i += 2;
        if (--depth == 0) {
          *p = i;
          return absl::OkStatus();
        }
      } else if (c == '/' && At(i + 1, '*') && cfg_.nested_block_comments) {
        i += 2;
        ++depth;
      } else {
        if (kCountLines && c == '\n') {
          ++line_;
          line_start_ = i + 1;
        }
        ++i;
      }
    }
    if (cfg_.block_comment_may_end_at_eof && n_ > start + 2) {  // SQLite: "/*x" runs to the end
      *p = n_;
      return absl::OkStatus();
    }
    return Error(start, "unterminated /* comment");
  }

  // At "/*" (s_[i] == '/'): what an executable comment is for the configured server (MariaDB 10.11's rules, seen on
  // a real server: tests/lexer/mysql_lexer_test.cc). "/*!" or "/*M!" (MariaDB), then a version of five digits, or
  // six when a sixth follows (fewer than five digits are no version but the comment's text). The text is SQL when
  // there is no version, or when version <= the server's and, for "/*!" on MariaDB, the version is not one of MySQL
  // 5.7+ (50700 to 99999, which MariaDB skips). Otherwise the server skips the comment.
  enum class ExecComment : uint8_t { kPlain, kRun, kSkip };
  absl::StatusOr<ExecComment> ClassifyExecComment(size_t i, size_t* content) const {
    using EC = LexerConfig::ExecutableComments;
    const bool mariadb = cfg_.executable_comments == EC::kMariaDb;
    if (cfg_.executable_comments == EC::kNone) return ExecComment::kPlain;
    size_t j = i + 2;
    bool m_form = false;
    if (mariadb && At(j, 'M') && At(j + 1, '!')) {
      m_form = true;
      j += 2;
    } else if (At(j, '!')) {
      j += 1;
    } else {
      return ExecComment::kPlain;
    }
    size_t digits = 0;
    while (j + digits < n_ && digits < 7 && s_[j + digits] >= '0' && s_[j + digits] <= '9') ++digits;
    if (digits < 5) {
      *content = j;
      return ExecComment::kRun;
    }
    if (digits >= 6 && !mariadb) {
      return Error(i, "executable comment with a six-digit version: rlsq does not know how this MySQL version reads "
                      "it");
    }
    const size_t len = digits >= 6 ? 6 : 5;
    uint32_t version = 0;
    for (size_t k = 0; k < len; ++k) version = version * 10 + (s_[j + k] - '0');
    *content = j + len;
    auto runs = [&](uint32_t server) {
      if (version > server) return false;
      return !mariadb || m_form || version < 50700 || version > 99999;
    };
    const bool low = runs(cfg_.server_version_min), high = runs(cfg_.server_version);
    if (low != high) {
      return Error(i, "executable comment whose version lies within the server's series: whether it runs depends on "
                      "the server's exact version; state it (dialect option server_version)");
    }
    return high ? ExecComment::kRun : ExecComment::kSkip;
  }

  // A skipped executable comment at i: to its first "*/". The server lets one plain comment nest inside it (a plain
  // comment does not nest); rlsq refuses any "/*" inside.
  absl::Status SkipSkippedExecComment(size_t* p, size_t content) {
    for (size_t k = content; k + 1 < n_; ++k) {
      if (s_[k] == '*' && s_[k + 1] == '/') {
        CountLines(*p, k + 2);
        *p = k + 2;
        return absl::OkStatus();
      }
      if (s_[k] == '/' && s_[k + 1] == '*')
        return Error(k, "a comment inside a skipped executable comment: rlsq does not read nested comments there");
    }
    return Error(*p, "unterminated /* comment");
  }

  size_t SkipLineComment(size_t i) const {
    if (!cfg_.line_comment_ends_at_cr) {
      const void* nl = i < n_ ? std::memchr(s_ + i, '\n', n_ - i) : nullptr;
      return nl ? static_cast<size_t>(static_cast<const unsigned char*>(nl) - s_) : n_;
    }
    while (i < n_ && s_[i] != '\n' && s_[i] != '\r') ++i;
    return i;
  }

  // kCountLines: false for lookahead that may be rescanned.
  template <bool kCountLines>
  absl::Status SkipWhitespaceAndComments(size_t* p) {
    size_t i = *p;
    while (i < n_) {
      unsigned char c = s_[i];
      if (Is(c, Lexer::kSpace)) {
        ++i;
        if (kCountLines && c == '\n') {
          ++line_;
          line_start_ = i;
        }
        i = SkipSpaces(i);  // indentation
      } else if (c == '-' && At(i + 1, '-') && DashDashStartsComment(i)) {
        i = SkipLineComment(i + 2);
      } else if (c == '/' && At(i + 1, '*')) {
        if (cfg_.executable_comments != LexerConfig::ExecutableComments::kNone) {
          size_t content = 0;
          absl::StatusOr<ExecComment> kind = ClassifyExecComment(i, &content);
          if (!kind.ok()) return kind.status();
          if (*kind != ExecComment::kPlain) {
            if (!kCountLines) break;  // lookahead stops at an executable comment
            if (exec_comment_open_) return Error(i, "syntax error: an executable comment inside another one");
            if (*kind == ExecComment::kSkip) {
              RLSQ_RETURN_IF_ERROR(SkipSkippedExecComment(&i, content));
              continue;
            }
            exec_comment_open_ = true;
            exec_comment_begin_ = i;
            i = content;
            continue;
          }
        }
        RLSQ_RETURN_IF_ERROR(SkipBlockComment<kCountLines>(&i));
      } else if (c == '#' && cfg_.hash_comments) {
        i = SkipLineComment(i + 1);
      } else if (c == 0xEF && cfg_.bom_is_space && At(i + 1, '\xBB') && At(i + 2, '\xBF')) {
        i += 3;  // SQLite's CC_BOM
      } else if (c == '*' && exec_comment_open_ && At(i + 1, '/')) {
        if (!kCountLines) break;
        exec_comment_open_ = false;
        i += 2;
      } else {
        break;
      }
    }
    *p = i;
    return absl::OkStatus();
  }

  // "--" at i: a comment, unless the dialect wants whitespace or a control character after it (MySQL), or the end.
  bool DashDashStartsComment(size_t i) const {
    if (!cfg_.dash_dash_needs_space) return true;
    if (i + 2 >= n_) return true;
    unsigned char c = s_[i + 2];
    return c <= 0x20 || c == 0x7F;
  }

  // After a closing quote at q-1: if whitespace containing a newline (and only "--" comments) leads to another
  // quote, returns the offset just past that quote; otherwise kNpos.
  size_t MatchContinuation(size_t q) const {
    if (!cfg_.newline_string_continuation) return kNpos;
    bool newline = false;
    size_t i = q;
    while (i < n_) {
      unsigned char c = s_[i];
      if (c == '\n' || c == '\r') {
        newline = true;
        ++i;
      } else if (c == ' ' || c == '\t' || c == '\f' || (c == '\v' && cfg_.vertical_tab_is_space)) {
        ++i;
      } else if (c == '-' && At(i + 1, '-') && DashDashStartsComment(i)) {
        i = SkipLineComment(i + 2);
      } else if (c == '#' && cfg_.hash_comments) {
        i = SkipLineComment(i + 1);
      } else {
        break;
      }
    }
    if (newline && At(i, '\'')) return i + 1;
    return kNpos;
  }

  std::string_view Intern(const std::string& s) { return arena_.Intern(s); }

  // A backslash escape at s_[*p] == '\\' inside an escape string; appends the decoded bytes to buf_.
  absl::Status DecodeBackslash(size_t* p, bool* saw_raw_byte) {
    size_t i = *p;
    if (i + 1 >= n_) {  // a lone backslash at the end: the literal is unterminated
      *p = n_;
      return absl::OkStatus();
    }
    unsigned char d = s_[i + 1];
    if (cfg_.mysql_backslash_escapes) {
      // MySQL's escape_sequences: \0 \b \n \r \t \Z are control characters, \% and \_ keep their backslash (for
      // LIKE), any other \c (\' \" \\ included) is c. The byte after the backslash may start a multibyte character;
      // its continuation bytes follow as ordinary text.
      switch (d) {
        case '0': buf_.push_back('\0'); break;
        case 'b': buf_.push_back('\b'); break;
        case 'n': buf_.push_back('\n'); break;
        case 'r': buf_.push_back('\r'); break;
        case 't': buf_.push_back('\t'); break;
        case 'Z': buf_.push_back('\x1A'); break;
        case '%': case '_': buf_.push_back('\\'); buf_.push_back(static_cast<char>(d)); break;
        default: buf_.push_back(static_cast<char>(d)); break;
      }
      *p = i + 2;
      return absl::OkStatus();
    }
    if (d >= '0' && d <= '7') {
      uint32_t v = 0;
      size_t j = i + 1;
      for (int k = 0; k < 3 && j < n_ && s_[j] >= '0' && s_[j] <= '7'; ++k, ++j) v = v * 8 + (s_[j] - '0');
      unsigned char b = static_cast<unsigned char>(v & 0xFF);
      if (b == 0 || b >= 0x80) *saw_raw_byte = true;
      buf_.push_back(static_cast<char>(b));
      *p = j;
      return absl::OkStatus();
    }
    if (d == 'x' && i + 2 < n_ && IsAsciiHex(s_[i + 2])) {
      uint32_t v = HexValue(s_[i + 2]);
      size_t j = i + 3;
      if (j < n_ && IsAsciiHex(s_[j])) v = v * 16 + HexValue(s_[j++]);
      if (v == 0 || v >= 0x80) *saw_raw_byte = true;
      buf_.push_back(static_cast<char>(v));
      *p = j;
      return absl::OkStatus();
    }
    if (d == 'u' || d == 'U') {
      uint32_t cp = 0;
      size_t j = i;
      RLSQ_RETURN_IF_ERROR(ParseBackslashUnicode(i, &cp, &j));
      if (IsSurrogateFirst(cp)) {
        uint32_t second = 0;
        size_t k = j;
        if (!(At(j, '\\') && (At(j + 1, 'u') || At(j + 1, 'U')))) {
          return Error(j < n_ ? j : n_, "invalid Unicode surrogate pair");
        }
        RLSQ_RETURN_IF_ERROR(ParseBackslashUnicode(j, &second, &k));
        if (!IsSurrogateSecond(second)) return Error(j, "invalid Unicode surrogate pair");
        cp = CombineSurrogates(cp, second);
        j = k;
      } else if (IsSurrogateSecond(cp)) {
        return Error(i, "invalid Unicode surrogate pair");
      }
      if (cp == 0 || cp > 0x10FFFF) return Error(i, "invalid Unicode escape value");
      AppendUtf8(cp, &buf_);
      *p = j;
      return absl::OkStatus();
    }
    char out;
    switch (d) {
      case 'b': out = '\b'; break;
      case 'f': out = '\f'; break;
      case 'n': out = '\n'; break;
      case 'r': out = '\r'; break;
      case 't': out = '\t'; break;
      default: out = static_cast<char>(d); break;  // \' \\ \x (no digits) and any other character: itself
    }
    buf_.push_back(out);
    *p = i + 2;
    return absl::OkStatus();
  }

  // \uXXXX or \UXXXXXXXX at s_[i] == '\\'.
  absl::Status ParseBackslashUnicode(size_t i, uint32_t* cp, size_t* end) const {
    size_t digits = s_[i + 1] == 'u' ? 4 : 8;
    if (i + 2 + digits > n_) return Error(i, "invalid Unicode escape (must be \\uXXXX or \\UXXXXXXXX)");
    uint32_t v = 0;
    for (size_t k = 0; k < digits; ++k) {
      unsigned char c = s_[i + 2 + k];
      if (!IsAsciiHex(c)) return Error(i, "invalid Unicode escape (must be \\uXXXX or \\UXXXXXXXX)");
      v = (v << 4) | HexValue(c);
    }
    *cp = v;
    *end = i + 2 + digits;
    return absl::OkStatus();
  }

  // Body of a single-quoted literal starting just after its opening quote at `p`. Handles '' (not in kRaw),
  // backslash escapes (kEscape), and newline continuation. `*text` is a view into the source when nothing had to
  // be decoded, else into the arena; `*direct` tells which. `*end` is just past the closing quote.
  absl::Status ScanQuoted(size_t tok_begin, size_t p, QuoteMode mode, std::string_view unterminated,
                          size_t* end, std::string_view* text, bool* direct_out, unsigned char quote = '\'') {
    bool direct = true;
    bool saw_raw_byte = false;
    size_t seg_begin = p;
    buf_.clear();
    for (;;) {
      for (;;) {
        size_t run = p;
        if (mode == QuoteMode::kEscape) {
          while (p < n_ && s_[p] != quote && s_[p] != '\\') ++p;
        } else {
          const void* q = p < n_ ? std::memchr(s_ + p, quote, n_ - p) : nullptr;
          p = q ? static_cast<size_t>(static_cast<const unsigned char*>(q) - s_) : n_;
        }
        if (!direct) buf_.append(src_.data() + run, p - run);
        if (p >= n_) return Error(tok_begin, unterminated);
        if (s_[p] == '\\') {
          if (direct) {
            buf_.assign(src_.data() + seg_begin, p - seg_begin);
            direct = false;
          }
          RLSQ_RETURN_IF_ERROR(DecodeBackslash(&p, &saw_raw_byte));
          continue;
        }
        // a quote
        if (mode != QuoteMode::kRaw && At(p + 1, static_cast<char>(quote))) {
          if (direct) {
            buf_.assign(src_.data() + seg_begin, p - seg_begin);
            direct = false;
          }
          buf_.push_back(static_cast<char>(quote));
          p += 2;
          continue;
        }
        break;
      }
      size_t closing = p;
      size_t next = quote == '\'' ? MatchContinuation(closing + 1) : kNpos;
      if (next == kNpos) {
        *end = closing + 1;
        break;
      }
      if (direct) {
        buf_.assign(src_.data() + seg_begin, closing - seg_begin);
        direct = false;
      }
      p = next;
    }
    if (saw_raw_byte) {
      size_t bad = FindInvalidUtf8(buf_);
      if (bad != buf_.size()) return Error(tok_begin, InvalidUtf8Message(buf_, bad));
    }
    *direct_out = direct;
    *text = direct ? src_.substr(seg_begin, *end - 1 - seg_begin) : Intern(buf_);
    return absl::OkStatus();
  }

  // Truncates an identifier to the configured length on a character boundary.
  std::string_view Truncate(std::string_view ident) const {
    if (cfg_.max_identifier_bytes == 0 || ident.size() <= cfg_.max_identifier_bytes) return ident;
    size_t cut = cfg_.max_identifier_bytes;
    while (cut > 0 && (static_cast<unsigned char>(ident[cut]) & 0xC0) == 0x80) --cut;
    return ident.substr(0, cut);
  }

  // "..." (or another configured quote) starting at p. Body has doubled-quote escapes; no continuation.
  absl::Status ScanQuotedIdentBody(size_t tok_begin, size_t p, unsigned char quote, size_t* end,
                                   std::string_view* raw) {
    bool direct = true;
    size_t seg_begin = p;
    buf_.clear();
    for (;;) {
      const void* q = p < n_ ? std::memchr(s_ + p, quote, n_ - p) : nullptr;
      size_t at = q ? static_cast<size_t>(static_cast<const unsigned char*>(q) - s_) : n_;
      if (!direct) buf_.append(src_.data() + p, at - p);
      if (at >= n_) return Error(tok_begin, "unterminated quoted identifier");
      if (At(at + 1, static_cast<char>(quote))) {
        if (direct) {
          buf_.assign(src_.data() + seg_begin, at - seg_begin);
          direct = false;
        }
        buf_.push_back(static_cast<char>(quote));
        p = at + 2;
        continue;
      }
      *end = at + 1;
      *raw = direct ? src_.substr(seg_begin, at - seg_begin) : Intern(buf_);
      return absl::OkStatus();
    }
  }

  // Resolves U& escapes in `raw` with escape character `esc`. `raw_offset` is the source offset of raw[0] when raw
  // is a view of the source (kNpos otherwise, errors then point at `tok_begin`).
  absl::Status DecodeUnicodeEscapes(std::string_view raw, char esc, size_t raw_offset, size_t tok_begin,
                                    std::string_view* out) {
    if (raw.find(esc) == std::string_view::npos) {
      *out = raw;
      return absl::OkStatus();
    }
    auto err = [&](size_t i, std::string_view msg) {
      return Error(raw_offset == kNpos ? tok_begin : raw_offset + i, msg);
    };
    auto hex_run = [&](size_t i, size_t count) {
      if (i + count > raw.size()) return false;
      for (size_t k = 0; k < count; ++k) {
        if (!IsAsciiHex(static_cast<unsigned char>(raw[i + k]))) return false;
      }
      return true;
    };
    std::string& decoded = ubuf_;
    decoded.clear();
    uint32_t pair_first = 0;
    size_t pair_at = 0;
    size_t i = 0;
    while (i < raw.size()) {
      if (raw[i] != esc) {
        if (pair_first) return err(pair_at, "invalid Unicode surrogate pair");
        decoded.push_back(raw[i++]);
        continue;
      }
      uint32_t cp = 0;
      size_t len;
      if (i + 1 < raw.size() && raw[i + 1] == esc) {
        if (pair_first) return err(pair_at, "invalid Unicode surrogate pair");
        decoded.push_back(esc);
        i += 2;
        continue;
      } else if (hex_run(i + 1, 4)) {
        for (size_t k = 1; k <= 4; ++k) cp = (cp << 4) | HexValue(static_cast<unsigned char>(raw[i + k]));
        len = 5;
      } else if (i + 1 < raw.size() && raw[i + 1] == '+' && hex_run(i + 2, 6)) {
        for (size_t k = 2; k <= 7; ++k) cp = (cp << 4) | HexValue(static_cast<unsigned char>(raw[i + k]));
        len = 8;
      } else {
        return err(i, Cat({"invalid Unicode escape (must be ", std::string_view(&esc, 1), "XXXX or ",
                                   std::string_view(&esc, 1), "+XXXXXX)"}));
      }
      if (cp == 0 || cp > 0x10FFFF) return err(i, "invalid Unicode escape value");
      if (pair_first) {
        if (!IsSurrogateSecond(cp)) return err(i, "invalid Unicode surrogate pair");
        cp = CombineSurrogates(pair_first, cp);
        pair_first = 0;
      } else if (IsSurrogateSecond(cp)) {
        return err(i, "invalid Unicode surrogate pair");
      }
      if (IsSurrogateFirst(cp)) {
        pair_first = cp;
        pair_at = i;
      } else {
        AppendUtf8(cp, &decoded);
      }
      i += len;
    }
    if (pair_first) return err(pair_at, "invalid Unicode surrogate pair");
    *out = Intern(decoded);
    return absl::OkStatus();
  }

  // Looks for "UESCAPE 'c'" after a U& literal ending at `end`. Updates *end and *esc if present.
  absl::Status MatchUescape(size_t* end, char* esc) {
    size_t p = *end;
    if (!SkipWhitespaceAndComments<false>(&p).ok()) return absl::OkStatus();  // reported when lexed normally
    size_t w = p;
    while (w < n_ && Is(s_[w], Lexer::kIdentCont)) ++w;
    static constexpr char kWord[] = "uescape";
    if (w - p != 7 || !Is(s_[p], Lexer::kIdentStart)) return absl::OkStatus();
    for (size_t k = 0; k < 7; ++k) {
      unsigned char c = s_[p + k];
      if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
      if (c != static_cast<unsigned char>(kWord[k])) return absl::OkStatus();
    }
    size_t q = w;
    RLSQ_RETURN_IF_ERROR(SkipWhitespaceAndComments<false>(&q));
    if (q >= n_) return Error(q, "UESCAPE must be followed by a simple string literal");
    Token lit;
    size_t lit_end = q;
    RLSQ_RETURN_IF_ERROR(NextToken(q, /*allow_uescape=*/false, &lit, &lit_end));
    if (lit.kind != TokenKind::kString ||
        (lit.string_form != StringForm::kStandard && lit.string_form != StringForm::kEscape &&
         lit.string_form != StringForm::kDollar)) {
      return Error(q, "UESCAPE must be followed by a simple string literal");
    }
    unsigned char c = lit.text.size() == 1 ? static_cast<unsigned char>(lit.text[0]) : 0;
    if (lit.text.size() != 1 || IsAsciiHex(c) || c == '+' || c == '\'' || c == '"' || c == ' ' || c == '\t' ||
        c == '\n' || c == '\r' || c == '\f' || (c == '\v' && cfg_.vertical_tab_is_space)) {
      return Error(q, "invalid Unicode escape character");
    }
    *esc = static_cast<char>(c);
    *end = lit_end;
    return absl::OkStatus();
  }

  // MySQL's reading of a token that starts with a digit (sql_lex.cc, MY_LEX_NUMBER_IDENT): 0x.. and 0b.. are hex and
  // bit literals when only such digits follow; digits followed by an identifier character make an identifier,
  // except an exponent (1e5, 1e+5: a number, whatever follows it); otherwise an integer or decimal number.
  bool LexMySqlNumberOrIdent(size_t p, Token* t, size_t* end) {
    if (cfg_.hex_bit_numbers && s_[p] == '0' && (At(p + 1, 'x') || At(p + 1, 'b'))) {
      const bool hex = s_[p + 1] == 'x';
      size_t i = p + 2;
      while (i < n_ && (hex ? IsAsciiHex(s_[i]) : (s_[i] == '0' || s_[i] == '1'))) ++i;
      if (i > p + 2 && !(i < n_ && Is(s_[i], Lexer::kIdentCont))) {
        t->kind = hex ? TokenKind::kHexString : TokenKind::kBitString;
        t->text = src_.substr(p + 2, i - p - 2);
        *end = i;
        return true;
      }
      LexWord(p, t, end);  // 0x, 0xG1, 0x1Fz: an identifier
      return true;
    }
    size_t i = p;
    while (i < n_ && Is(s_[i], Lexer::kDigit)) ++i;
    if (i >= n_ || !Is(s_[i], Lexer::kIdentCont) || i == p) return false;  // a number: the general path
    if (s_[i] == 'e' || s_[i] == 'E') {
      size_t j = i + 1;
      if (At(j, '+') || At(j, '-')) ++j;
      if (j < n_ && Is(s_[j], Lexer::kDigit)) {
        while (j < n_ && Is(s_[j], Lexer::kDigit)) ++j;
        t->kind = TokenKind::kNumeric;
        t->text = src_.substr(p, j - p);
        *end = j;
        return true;
      }
    }
    LexWord(p, t, end);
    return true;
  }

  absl::Status LexNumber(size_t p, Token* t, size_t* end) {
    if (cfg_.digit_leading_identifiers && Is(s_[p], Lexer::kDigit) && LexMySqlNumberOrIdent(p, t, end))
      return absl::OkStatus();
    if (cfg_.hex_integers && s_[p] == '0' && (At(p + 1, 'x') || At(p + 1, 'X')) && p + 2 < n_ && IsAsciiHex(s_[p + 2])) {
      size_t i = p + 3;
      while (i < n_ && IsAsciiHex(s_[i])) ++i;
      t->kind = TokenKind::kInteger;
      t->text = src_.substr(p, i - p);
      *end = i;
      return absl::OkStatus();
    }
    size_t i = p;
    bool is_decimal = false;
    while (i < n_ && Is(s_[i], Lexer::kDigit)) ++i;
    if (At(i, '.')) {
      if (i > p && At(i + 1, '.')) {  // 1..10: integer, then ".."
        t->kind = TokenKind::kInteger;
        t->text = src_.substr(p, i - p);
        *end = i;
        return absl::OkStatus();
      }
      is_decimal = true;
      ++i;
      while (i < n_ && Is(s_[i], Lexer::kDigit)) ++i;
    }
    if (At(i, 'e') || At(i, 'E')) {
      size_t j = i + 1;
      if (At(j, '+') || At(j, '-')) ++j;
      if (j < n_ && Is(s_[j], Lexer::kDigit)) {
        while (j < n_ && Is(s_[j], Lexer::kDigit)) ++j;
        is_decimal = true;
        i = j;
      } else if (cfg_.mysql_literal_rules && is_decimal) {
        return Error(p, Cat({"syntax error at or near \"", src_.substr(p, j - p), "\": an exponent needs digits"}));
      } else if (cfg_.trailing_junk_after_number_is_error) {
        return Error(p, Cat({"trailing junk after numeric literal at or near \"", src_.substr(p, j - p),
                                     "\""}));
      }
    }
    if (cfg_.trailing_junk_after_number_is_error && i < n_ && Is(s_[i], Lexer::kIdentStart)) {
      size_t j = i;
      while (j < n_ && Is(s_[j], Lexer::kIdentCont)) ++j;
      return Error(p, Cat({"trailing junk after numeric literal at or near \"", src_.substr(p, j - p),
                                   "\""}));
    }
    t->kind = is_decimal ? TokenKind::kNumeric : TokenKind::kInteger;
    t->text = src_.substr(p, i - p);
    *end = i;
    return absl::OkStatus();
  }

  absl::Status LexOperator(size_t p, Token* t, size_t* end) {
    if (!cfg_.fixed_operators.empty()) {
      size_t best = 0;
      for (std::string_view op : cfg_.fixed_operators) {
        if (op.size() > best && op.size() <= n_ - p && std::memcmp(s_ + p, op.data(), op.size()) == 0) best = op.size();
      }
      if (best == 0) return SyntaxErrorAt(p);
      t->kind = TokenKind::kOperator;
      t->text = best == 2 && cfg_.double_equals && s_[p] == '=' && s_[p + 1] == '=' ? std::string_view("=")
                                                                                       : src_.substr(p, best);
      *end = p + best;
      return absl::OkStatus();
    }
    size_t i = p;
    while (i < n_ && Is(s_[i], Lexer::kOpChar)) ++i;
    size_t len = i - p;
    // A comment start inside the run ends the operator there (at the start it was taken as a comment already).
    for (size_t k = p + 1; k + 1 < i; ++k) {
      if ((s_[k] == '/' && s_[k + 1] == '*') || (s_[k] == '-' && s_[k + 1] == '-')) {
        len = k - p;
        break;
      }
    }
    if (len > 1 && (s_[p + len - 1] == '+' || s_[p + len - 1] == '-')) {
      bool non_sql = false;
      for (size_t k = p; k < p + len - 1; ++k) {
        if (Is(s_[k], Lexer::kNonSqlOpChar)) {
          non_sql = true;
          break;
        }
      }
      if (!non_sql) {
        do {
          --len;
        } while (len > 1 && (s_[p + len - 1] == '+' || s_[p + len - 1] == '-'));
      }
    }
    if (len > cfg_.max_operator_bytes) return Error(p, "operator too long");
    t->kind = TokenKind::kOperator;
    t->text = src_.substr(p, len);
    *end = p + len;
    return absl::OkStatus();
  }

  // The first offset from i that is not a space (0x20) byte, or n_.
  size_t SkipSpaces(size_t i) const {
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(' ');
    while (i + 16 <= n_) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_ + i));
      const unsigned others = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space))) & 0xFFFFu;
      if (others != 0) return i + static_cast<size_t>(__builtin_ctz(others));
      i += 16;
    }
#endif
    while (i < n_ && s_[i] == ' ') ++i;
    return i;
  }

  // The end of the run of identifier characters (Lexer::kIdentCont) that starts at i, and in *needs_fold whether it
  // holds a letter of the case the dialect folds away (A-Z for kLower and kPreserve, a-z for kUpper). 16 bytes at a
  // time when the lexer's classes allow it (Lexer::vector_words), then byte by byte through the class table.
  size_t WordRunEnd(size_t i, bool* needs_fold) const {
    const unsigned char from = cfg_.identifier_case == IdentifierCase::kUpper ? 'a' : 'A';
#if defined(__SSE2__)
    if (vector_words_) {
      const __m128i zero = _mm_setzero_si128();
      while (i + 16 <= n_) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_ + i));
        // Signed byte compares: ASCII is 0..127, the bytes from 0x80 are negative.
        const __m128i high = _mm_cmplt_epi8(v, zero);
        const __m128i lower = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)),
                                            _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1)));
        const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)),
                                            _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
        const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                            _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        __m128i ident = _mm_or_si128(_mm_or_si128(high, lower), _mm_or_si128(upper, digit));
        ident = _mm_or_si128(ident, _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
        if (cfg_.dollar_in_identifiers) ident = _mm_or_si128(ident, _mm_cmpeq_epi8(v, _mm_set1_epi8('$')));
        const unsigned stop = ~static_cast<unsigned>(_mm_movemask_epi8(ident)) & 0xFFFFu;
        const unsigned run = stop != 0 ? static_cast<unsigned>(__builtin_ctz(stop)) : 16u;
        unsigned fold = static_cast<unsigned>(_mm_movemask_epi8(from == 'a' ? lower : upper));
        if (run < 16) fold &= (1u << run) - 1;
        *needs_fold |= fold != 0;
        i += run;
        if (run < 16) return i;
      }
    }
#endif
    while (i < n_ && (cls_[s_[i]] & Lexer::kIdentCont)) {
      *needs_fold |= static_cast<unsigned char>(s_[i] - from) < 26;
      ++i;
    }
    return i;
  }

  // An unquoted word at p, in one pass (its end, and whether it has letters to fold), truncated to the configured
  // length, folded into the arena when it has letters to fold. Sets the token's kind and text, and *end.
  void LexWord(size_t p, Token* t, size_t* end) {
    const IdentifierCase fold = cfg_.identifier_case;
    const unsigned char from = fold == IdentifierCase::kUpper ? 'a' : 'A';
    // s_[p] starts the word (the caller checked Lexer::kIdentStart).
    bool needs_fold = static_cast<unsigned char>(s_[p] - from) < 26;
    const size_t i = WordRunEnd(p + 1, &needs_fold);
    const std::string_view word = Truncate(src_.substr(p, i - p));
    t->kind = TokenKind::kIdent;
    if (needs_fold && fold != IdentifierCase::kPreserve) {
      char* mem = static_cast<char*>(arena_.resource()->allocate(word.size(), 1));
      for (size_t k = 0; k < word.size(); ++k) {
        unsigned char c = static_cast<unsigned char>(word[k]);
        mem[k] = static_cast<char>(static_cast<unsigned char>(c - from) < 26 ? c ^ 0x20 : c);
      }
      t->text = std::string_view(mem, word.size());
    } else {
      t->text = word;
    }
    *end = i;
  }

  absl::Status LexQuotedIdent(size_t tok_begin, size_t body, unsigned char quote, bool unicode, bool allow_uescape,
                              Token* t, size_t* end) {
    std::string_view raw;
    RLSQ_RETURN_IF_ERROR(ScanQuotedIdentBody(tok_begin, body, quote, end, &raw));
    if (raw.empty() && cfg_.empty_quoted_identifier_is_error) {
      return Error(tok_begin, "zero-length delimited identifier");
    }
    std::string_view text = raw;
    if (unicode) {
      char esc = '\\';
      if (allow_uescape) RLSQ_RETURN_IF_ERROR(MatchUescape(end, &esc));
      bool direct = raw.data() == src_.data() + body;
      RLSQ_RETURN_IF_ERROR(DecodeUnicodeEscapes(raw, esc, direct ? body : kNpos, tok_begin, &text));
    }
    t->kind = TokenKind::kQuotedIdent;
    t->text = Truncate(text);
    return absl::OkStatus();
  }

  absl::Status LexBitString(size_t tok_begin, bool hex, Token* t, size_t* end) {
    std::string_view text;
    bool direct;
    RLSQ_RETURN_IF_ERROR(ScanQuoted(tok_begin, tok_begin + 2, QuoteMode::kRaw,
                                    hex ? "unterminated hexadecimal string literal" : "unterminated bit string literal",
                                    end, &text, &direct));
    for (size_t k = 0; k < text.size(); ++k) {
      unsigned char c = static_cast<unsigned char>(text[k]);
      bool ok = hex ? IsAsciiHex(c) : (c == '0' || c == '1');
      if (!ok) {
        size_t len = Utf8SequenceLength(reinterpret_cast<const unsigned char*>(text.data()) + k, text.size() - k);
        if (len == 0) len = 1;
        return Error(direct ? static_cast<size_t>(text.data() - src_.data()) + k : tok_begin,
                     Cat({"\"", text.substr(k, len), "\" is not a valid ",
                                  hex ? "hexadecimal" : "binary", " digit"}));
      }
    }
    if (hex && (cfg_.mysql_literal_rules || cfg_.hex_strings_need_even_digits) && text.size() % 2 != 0)
      return Error(tok_begin, "a hexadecimal string literal X'...' needs an even number of digits");
    t->kind = hex ? TokenKind::kHexString : TokenKind::kBitString;
    t->text = text;
    return absl::OkStatus();
  }

  absl::Status LexString(size_t tok_begin, size_t body, QuoteMode mode, StringForm form, Token* t, size_t* end,
                         unsigned char quote = '\'') {
    bool direct;
    RLSQ_RETURN_IF_ERROR(
        ScanQuoted(tok_begin, body, mode, "unterminated quoted string", end, &t->text, &direct, quote));
    t->kind = TokenKind::kString;
    t->string_form = form;
    return absl::OkStatus();
  }

  // MySQL variables: @name (name characters, '.' included), @'x', @"x", @`x`; @@name and @@scope.name. The token's
  // text is the source text. `@` alone (or before a space) is refused.
  absl::Status LexVariable(size_t p, Token* t, size_t* end) {
    size_t i = p + 1;
    bool system = At(i, '@');
    if (system) ++i;
    if (i < n_ && !system && (s_[i] == '\'' || s_[i] == '"' || s_[i] == '`')) {
      std::string_view text;
      bool direct;
      RLSQ_RETURN_IF_ERROR(ScanQuoted(p, i + 1, QuoteMode::kStandard, "unterminated quoted variable name", end, &text,
                                      &direct, s_[i]));
    } else {
      size_t j = i;
      while (j < n_ && (Is(s_[j], Lexer::kIdentCont) || s_[j] == '.' || s_[j] == '$')) ++j;
      if (j == i) return SyntaxErrorAt(p);
      *end = j;
    }
    t->kind = TokenKind::kVariable;
    t->text = src_.substr(p, *end - p);
    return absl::OkStatus();
  }

  // A word starting with '_' that names a character set is an introducer (MySQL's UNDERSCORE_CHARSET), whatever
  // follows it.
  void MaybeIntroducer(Token* t) {
    if (cfg_.charset_introducers.empty() || t->text.size() < 2 || t->text[0] != '_') return;
    const std::string lower = AsciiLower(t->text.substr(1));
    for (std::string_view cs : cfg_.charset_introducers) {
      if (cs == lower) {
        t->kind = TokenKind::kIntroducer;
        t->text = Intern(lower);
        return;
      }
    }
  }

  absl::Status LexDollar(size_t p, Token* t, size_t* end) {
    if (cfg_.dollar_starts_identifiers) {
      LexWord(p, t, end);
      return absl::OkStatus();
    }
    if (cfg_.dollar_parameters && p + 1 < n_ && Is(s_[p + 1], Lexer::kDigit)) {
      size_t i = p + 1;
      while (i < n_ && Is(s_[i], Lexer::kDigit)) ++i;
      if (i < n_ && Is(s_[i], Lexer::kIdentStart)) {
        size_t j = i;
        while (j < n_ && Is(s_[j], Lexer::kIdentCont)) ++j;
        return Error(p, Cat({"trailing junk after parameter at or near \"", src_.substr(p, j - p), "\""}));
      }
      std::string_view digits = src_.substr(p + 1, i - p - 1);
      size_t nz = digits.find_first_not_of('0');
      std::string_view significant = nz == std::string_view::npos ? std::string_view() : digits.substr(nz);
      if (significant.size() > 10 || (significant.size() == 10 && significant > "2147483647")) {
        return Error(p, "parameter number too large");
      }
      t->kind = TokenKind::kParam;
      t->text = digits;
      *end = i;
      return absl::OkStatus();
    }
    if (cfg_.dollar_quoted_strings) {
      size_t j = p + 1;
      if (j < n_ && Is(s_[j], Lexer::kIdentStart)) {
        ++j;
        while (j < n_ && Is(s_[j], Lexer::kIdentCont) && s_[j] != '$') ++j;
      }
      if (At(j, '$')) {
        std::string_view tag = src_.substr(p, j + 1 - p);
        size_t body = j + 1;
        size_t close = src_.find(tag, body);
        if (close == std::string_view::npos) return Error(p, "unterminated dollar-quoted string");
        t->kind = TokenKind::kString;
        t->string_form = StringForm::kDollar;
        t->text = src_.substr(body, close - body);
        *end = close + tag.size();
        return absl::OkStatus();
      }
    }
    return SyntaxErrorAt(p);
  }

  // SQLite's parameters (tokenize.c, CC_VARNUM and CC_VARALPHA/CC_DOLLAR): `?` and `?NNN`; `:`, `@`, `$` and `#`
  // followed by name characters, "::" pairs, and one "(...)" suffix that ends at ')' (whitespace or the end before
  // it is an error). Without a name character it is an error.
  absl::Status LexSqliteParam(size_t p, Token* t, size_t* end) {
    size_t i = p + 1;
    if (s_[p] == '?') {
      while (i < n_ && Is(s_[i], Lexer::kDigit)) ++i;
    } else {
      size_t name = 0;
      while (i < n_) {
        unsigned char c = s_[i];
        if (Is(c, Lexer::kIdentCont)) {
          ++name;
          ++i;
        } else if (c == '(' && name > 0) {
          ++i;
          while (i < n_ && s_[i] != ')' && !Is(s_[i], Lexer::kSpace) && s_[i] != '\v') ++i;  // sqlite3Isspace
          if (i >= n_ || s_[i] != ')') return Error(p, "unrecognized token: a parameter's \"(...)\" suffix must end with \")\" and hold no whitespace");
          ++i;
          break;
        } else if (c == ':' && At(i + 1, ':')) {
          i += 2;
        } else {
          break;
        }
      }
      if (name == 0) return SyntaxErrorAt(p);
    }
    t->kind = TokenKind::kParam;
    t->text = src_.substr(p, i - p);
    *end = i;
    return absl::OkStatus();
  }

  // SQLite's [name]: to the first ']', no escapes.
  absl::Status LexBracketIdent(size_t p, Token* t, size_t* end) {
    const void* close = p + 1 < n_ ? std::memchr(s_ + p + 1, ']', n_ - p - 1) : nullptr;
    if (close == nullptr) return Error(p, "unterminated [identifier]");
    size_t q = static_cast<size_t>(static_cast<const unsigned char*>(close) - s_);
    if (q == p + 1 && cfg_.empty_quoted_identifier_is_error) return Error(p, "zero-length delimited identifier");
    t->kind = TokenKind::kQuotedIdent;
    t->text = src_.substr(p + 1, q - p - 1);
    *end = q + 1;
    return absl::OkStatus();
  }

 public:
  // Lexes one token starting at p (not whitespace). Line/column are filled in by the caller.
  absl::Status NextToken(size_t p, bool allow_uescape, Token* t, size_t* end) {
    t->begin = static_cast<uint32_t>(p);
    unsigned char c = s_[p];
    unsigned char c1 = p + 1 < n_ ? s_[p + 1] : 0;
    absl::Status st;
    if (cfg_.sqlite_parameters && (c == '?' || c == ':' || c == '@' || c == '$' || c == '#')) {
      st = LexSqliteParam(p, t, end);
      t->end = static_cast<uint32_t>(*end);
      return st;
    }
    if (c == '[' && cfg_.bracket_identifiers) {
      st = LexBracketIdent(p, t, end);
      t->end = static_cast<uint32_t>(*end);
      return st;
    }
    switch (c) {
      case '(': case ')': case '[': case ']': case ',': case ';':
        t->kind = TokenKind::kPunct;
        t->text = src_.substr(p, 1);
        *end = p + 1;
        break;
      case '.':
        if (c1 == '.') {
          t->kind = TokenKind::kDotDot;
          t->text = src_.substr(p, 2);
          *end = p + 2;
        } else if (Is(c1, Lexer::kDigit)) {
          st = LexNumber(p, t, end);
        } else {
          t->kind = TokenKind::kPunct;
          t->text = src_.substr(p, 1);
          *end = p + 1;
        }
        break;
      case ':':
        if (c1 == ':' && cfg_.typecast_operator) {
          t->kind = TokenKind::kTypecast;
          t->text = src_.substr(p, 2);
          *end = p + 2;
        } else if (c1 == '=') {
          t->kind = TokenKind::kOperator;
          t->text = src_.substr(p, 2);
          *end = p + 2;
        } else {
          t->kind = TokenKind::kPunct;
          t->text = src_.substr(p, 1);
          *end = p + 1;
        }
        break;
      case '\'':
        st = LexString(p, p + 1, cfg_.backslash_escapes_in_strings ? QuoteMode::kEscape : QuoteMode::kStandard,
                       StringForm::kStandard, t, end);
        break;
      case '$':
        st = LexDollar(p, t, end);
        break;
      case 'e': case 'E':
        if (c1 == '\'' && cfg_.escape_strings) {
          st = LexString(p, p + 2, QuoteMode::kEscape, StringForm::kEscape, t, end);
        } else {
          LexWord(p, t, end);
        }
        break;
      case 'n': case 'N':
        if (c1 == '\'' && cfg_.national_strings) {
          st = LexString(p, p + 2, cfg_.backslash_escapes_in_strings ? QuoteMode::kEscape : QuoteMode::kStandard,
                         StringForm::kNational, t, end);
        } else {
          LexWord(p, t, end);
        }
        break;
      case 'b': case 'B':
        if (c1 == '\'' && cfg_.bit_strings) {
          st = LexBitString(p, /*hex=*/false, t, end);
        } else {
          LexWord(p, t, end);
        }
        break;
      case 'x': case 'X':
        if (c1 == '\'' && cfg_.hex_strings) {
          st = LexBitString(p, /*hex=*/true, t, end);
        } else {
          LexWord(p, t, end);
        }
        break;
      case 'u': case 'U':
        if (c1 == '&' && cfg_.unicode_escapes && (At(p + 2, '\'') || At(p + 2, '"'))) {
          if (s_[p + 2] == '"') {
            st = LexQuotedIdent(p, p + 3, '"', /*unicode=*/true, allow_uescape, t, end);
          } else {
            std::string_view raw;
            bool direct;
            st = ScanQuoted(p, p + 3, QuoteMode::kStandard, "unterminated quoted string", end, &raw, &direct);
            if (!st.ok()) break;
            char esc = '\\';
            if (allow_uescape) {
              st = MatchUescape(end, &esc);
              if (!st.ok()) break;
            }
            st = DecodeUnicodeEscapes(raw, esc, direct ? p + 3 : kNpos, p, &t->text);
            t->kind = TokenKind::kString;
            t->string_form = StringForm::kUnicode;
          }
        } else {
          LexWord(p, t, end);
        }
        break;
      case '"':
        if (cfg_.double_quoted_strings) {
          st = LexString(p, p + 1, cfg_.backslash_escapes_in_strings ? QuoteMode::kEscape : QuoteMode::kStandard,
                         StringForm::kStandard, t, end, '"');
        } else if (Is(c, Lexer::kIdentQuote)) {
          st = LexQuotedIdent(p, p + 1, c, /*unicode=*/false, allow_uescape, t, end);
        } else {
          st = SyntaxErrorAt(p);
        }
        break;
      case '@':
        if (cfg_.at_variables) {
          st = LexVariable(p, t, end);
        } else if (Is(c, Lexer::kOpChar)) {
          st = LexOperator(p, t, end);
        } else {
          st = SyntaxErrorAt(p);
        }
        break;
      default:
        if (Is(c, Lexer::kDigit)) {
          st = LexNumber(p, t, end);
        } else if (Is(c, Lexer::kIdentStart)) {
          LexWord(p, t, end);
          MaybeIntroducer(t);
        } else if (Is(c, Lexer::kIdentQuote)) {
          st = LexQuotedIdent(p, p + 1, c, /*unicode=*/false, allow_uescape, t, end);
        } else if (Is(c, Lexer::kOpChar)) {
          st = LexOperator(p, t, end);
        } else {
          st = SyntaxErrorAt(p);
        }
        break;
    }
    t->end = static_cast<uint32_t>(*end);
    return st;
  }

 private:
  bool exec_comment_open_ = false;  // inside an executable comment's SQL (MySQL): "*/" closes it
  size_t exec_comment_begin_ = 0;
  bool ascii_;  // the input is pure ASCII: columns are byte distances
  uint8_t cls_[256];  // the lexer's character classes, copied next to the scanner's other state
  const LexerConfig& cfg_;
  std::string_view src_;
  const unsigned char* s_;
  size_t n_;
  Arena& arena_;
  std::string buf_;   // scratch for decoded literals, reused across tokens
  std::string ubuf_;  // scratch for U& escape decoding
  const bool vector_words_;  // Lexer::vector_words
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  size_t cp_pos_ = 0;   // non-ASCII input: column cp_col_ is known for offset cp_pos_
  uint32_t cp_col_ = 1;
};

}  // namespace

Lexer::Lexer(const LexerConfig& config) : config_(config) {
  std::memset(classes_, 0, sizeof(classes_));
  for (int c = 0; c < 256; ++c) {
    uint8_t cls = 0;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || (c == '\v' && config_.vertical_tab_is_space)) {
      cls |= kSpace;
    }
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    bool digit = c >= '0' && c <= '9';
    if (alpha || c == '_' || c >= 0x80) cls |= kIdentStart | kIdentCont;
    if (digit) cls |= kDigit | kIdentCont;
    if (c == '$' && config_.dollar_in_identifiers) cls |= kIdentCont;
    if (IsAsciiHex(static_cast<unsigned char>(c))) cls |= kHexDigit;
    classes_[c] = cls;
  }
  for (char c : config_.operator_chars) classes_[static_cast<unsigned char>(c)] |= kOpChar;
  for (char c : config_.non_sql_operator_chars) classes_[static_cast<unsigned char>(c)] |= kNonSqlOpChar;
  for (char c : config_.identifier_quotes) {
    classes_[static_cast<unsigned char>(c)] |= kIdentQuote;
    classes_[static_cast<unsigned char>(c)] &= static_cast<uint8_t>(~(kOpChar | kNonSqlOpChar));
  }
  if (config_.hash_comments) classes_['#'] &= static_cast<uint8_t>(~(kOpChar | kNonSqlOpChar));
  vector_words_ = true;
  for (int c = 0; c < 256; ++c) {
    const bool model = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                       c >= 0x80 || (c == '$' && config_.dollar_in_identifiers);
    if (model != ((classes_[c] & kIdentCont) != 0)) vector_words_ = false;
  }
}

absl::Status Lexer::Tokenize(std::string_view sql, Arena& arena, std::vector<Token>* out) const {
  if (sql.size() >= 0xFFFFFFF0u) return absl::InvalidArgumentError("1:1: query text too long");
  bool ascii = true;
  size_t bad = FindInvalidUtf8(sql, &ascii);
  if (bad != sql.size()) return SqlErrorAt(sql, static_cast<uint32_t>(bad), InvalidUtf8Message(sql, bad));
  Scanner scanner(*this, sql, arena, ascii);
  return scanner.Run(out);
}

}  // namespace rlsq
