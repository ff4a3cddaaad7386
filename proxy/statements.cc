#include "proxy/statements.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "lib/common/arena.h"
#include "lib/dialect/dialect.h"
#include "lib/lexer/token.h"

namespace rlsq_proxy {
namespace {

using rlsq::Token;
using rlsq::TokenKind;

// --- the allow-lists -------------------------------------------------------------------------------------------

// GUCs a client may SET, RESET or give at startup. Everything else is refused: role and authorization settings,
// row_security, and any setting rlsq's reading of the text depends on beyond the two held below.
constexpr std::array<std::string_view, 22> kAllowedSettings = {
    "application_name",
    "bytea_output",
    "client_encoding",  // UTF8 only (IsUtf8EncodingName): the proxy lexes the text as the server will
    "client_min_messages",
    "datestyle",
    "default_transaction_deferrable",
    "default_transaction_isolation",
    "default_transaction_read_only",
    "extra_float_digits",
    "idle_in_transaction_session_timeout",
    "intervalstyle",
    "lock_timeout",
    "search_path",  // followed: the proxy reads the server's path after every change (session.cc Resync)
    "standard_conforming_strings",  // on only: the lexer reads '...' without backslash escapes
    "statement_timeout",
    "timezone",
    "transaction_deferrable",
    "transaction_isolation",
    "transaction_read_only",
    "work_mem",
    "jit",
    "geqo",
};

// First words of statements that change data or definitions: 42501, as a read-only role would get.
constexpr std::array<std::string_view, 22> kWriteStatements = {
    "insert", "update",  "delete",   "merge",   "create",  "alter",   "drop",     "truncate",
    "grant",  "revoke",  "comment",  "security", "reassign", "refresh", "import",  "cluster",
    "reindex", "vacuum", "analyze",  "analyse", "lock",    "checkpoint"};

// First words of statements the proxy does not model: 0A000.
constexpr std::array<std::string_view, 14> kUnsupportedStatements = {
    "copy",    "listen", "notify", "unlisten", "declare", "fetch", "move", "close",
    "prepare", "execute", "do",    "call",     "load",    "explain"};

template <size_t N>
bool In(const std::array<std::string_view, N>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// --- a cursor over one statement's tokens ------------------------------------------------------------------------

class Cursor {
 public:
  Cursor(const Token* begin, const Token* end) : p_(begin), end_(end) {}
  bool AtEnd() const { return p_ == end_; }
  const Token& Peek() const { return *p_; }
  // The next token is the unquoted word `w` (PostgreSQL folds unquoted words to lower case).
  bool IsWord(std::string_view w) const { return !AtEnd() && p_->kind == TokenKind::kIdent && p_->text == w; }
  bool Word(std::string_view w) {
    if (!IsWord(w)) return false;
    ++p_;
    return true;
  }
  bool Punct(char c) {
    if (AtEnd() || p_->kind != TokenKind::kPunct || p_->text.size() != 1 || p_->text[0] != c) return false;
    ++p_;
    return true;
  }
  bool Operator(std::string_view op) {
    if (AtEnd() || p_->kind != TokenKind::kOperator || p_->text != op) return false;
    ++p_;
    return true;
  }
  // An identifier (quoted or not); its normalized text.
  bool Name(std::string_view* out) {
    if (AtEnd() || (p_->kind != TokenKind::kIdent && p_->kind != TokenKind::kQuotedIdent)) return false;
    *out = p_->text;
    ++p_;
    return true;
  }
  const Token* pos() const { return p_; }
  void Next() { ++p_; }

 private:
  const Token* p_;
  const Token* end_;
};

struct Verdict {
  StatementKind kind = StatementKind::kSession;
  bool changes_search_path = false;
  bool ends_transaction = false;
  bool drops_statements = false;
  std::string deallocates;
  std::string sqlstate, message;
  const Token* at = nullptr;  // where the refusal points; null: the statement's start
};

Verdict Refuse(std::string sqlstate, std::string message, const Token* at = nullptr) {
  Verdict v;
  v.kind = StatementKind::kRefused;
  v.sqlstate = std::move(sqlstate);
  v.message = std::move(message);
  v.at = at;
  return v;
}

Verdict NotRecognised(const Cursor& c, std::string_view what) {
  return Refuse("42601", "rlsq-proxy does not accept this form of " + std::string(what) +
                             " (only the forms PostgreSQL documents for session use are allowed)",
                c.AtEnd() ? nullptr : c.pos());
}

Verdict Session() { return Verdict{}; }

// transaction_mode_list: ISOLATION LEVEL ..., READ ONLY | READ WRITE, [NOT] DEFERRABLE, optionally comma-separated.
bool TransactionModes(Cursor& c) {
  bool first = true;
  while (!c.AtEnd()) {
    if (!first) c.Punct(',');
    first = false;
    if (c.Word("isolation")) {
      if (!c.Word("level")) return false;
      if (c.Word("serializable")) continue;
      if (c.Word("repeatable")) {
        if (!c.Word("read")) return false;
        continue;
      }
      if (c.Word("read")) {
        if (!c.Word("committed") && !c.Word("uncommitted")) return false;
        continue;
      }
      return false;
    }
    if (c.Word("read")) {
      if (!c.Word("only") && !c.Word("write")) return false;
      continue;
    }
    if (c.Word("not")) {
      if (!c.Word("deferrable")) return false;
      continue;
    }
    if (c.Word("deferrable")) continue;
    return false;
  }
  return true;
}

// var_list of SET name TO ...: values that are names, strings or (signed) numbers, comma-separated.
// `first_value`: the normalized text of the first value (for the settings whose value the proxy checks).
bool SettingValues(Cursor& c, std::string* first_value, bool* is_default) {
  *is_default = c.IsWord("default");
  if (*is_default) {
    c.Next();
    return c.AtEnd();
  }
  bool first = true;
  do {
    std::string sign;
    if (c.Operator("-")) sign = "-";
    else if (c.Operator("+")) sign = "";
    if (c.AtEnd()) return false;
    const Token& t = c.Peek();
    switch (t.kind) {
      case TokenKind::kIdent:
      case TokenKind::kQuotedIdent:
      case TokenKind::kString:
        if (!sign.empty()) return false;
        break;
      case TokenKind::kInteger:
      case TokenKind::kNumeric:
        break;
      default:
        return false;
    }
    if (first) *first_value = sign + std::string(t.text);
    first = false;
    c.Next();
  } while (c.Punct(','));
  return c.AtEnd();
}

// The value checks of the two settings the proxy holds.
Verdict CheckSettingValue(std::string_view name, std::string_view value, bool is_default, const Token* at) {
  if (is_default) return Session();  // the session's default: the value the proxy's own startup set
  if (name == "client_encoding" && !IsUtf8EncodingName(value))
    return Refuse("0A000",
                  "rlsq-proxy holds client_encoding at UTF8 (the text it reads must be the text the server reads)",
                  at);
  if (name == "standard_conforming_strings") {
    std::string v(value);
    for (char& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (v != "on" && v != "true" && v != "yes" && v != "1")
      return Refuse("0A000", "rlsq-proxy holds standard_conforming_strings on", at);
  }
  return Session();
}

// SET [SESSION | LOCAL] ...
Verdict ClassifySet(Cursor& c) {
  const Token* start = c.pos();
  if (c.Word("session")) {
    if (c.Word("authorization"))
      return Refuse("42501", "SET SESSION AUTHORIZATION is not allowed through rlsq-proxy", start);
    if (c.Word("characteristics")) {
      if (!c.Word("as") || !c.Word("transaction") || !TransactionModes(c)) return NotRecognised(c, "SET");
      return Session();
    }
  } else {
    c.Word("local");
  }
  if (c.IsWord("role") || c.IsWord("session"))
    return Refuse("42501", "SET ROLE and SET SESSION AUTHORIZATION are not allowed through rlsq-proxy: the policy's "
                           "user is the connection's user",
                  c.pos());
  if (c.Word("transaction")) {
    if (c.Word("snapshot")) return Refuse("0A000", "SET TRANSACTION SNAPSHOT is not supported by rlsq-proxy", start);
    if (!TransactionModes(c)) return NotRecognised(c, "SET TRANSACTION");
    return Session();
  }
  if (c.IsWord("time")) {
    c.Next();
    if (!c.Word("zone")) return NotRecognised(c, "SET");
    if (c.Word("local") || c.Word("default")) return c.AtEnd() ? Session() : NotRecognised(c, "SET TIME ZONE");
    if (c.Word("interval")) return Refuse("0A000", "SET TIME ZONE INTERVAL is not supported by rlsq-proxy", start);
    std::string value;
    bool is_default = false;
    if (!SettingValues(c, &value, &is_default)) return NotRecognised(c, "SET TIME ZONE");
    return Session();
  }
  if (c.Word("names")) {
    std::string value;
    bool is_default = false;
    if (c.AtEnd()) return Session();
    if (!SettingValues(c, &value, &is_default)) return NotRecognised(c, "SET NAMES");
    return CheckSettingValue("client_encoding", value, is_default, start);
  }
  if (c.Word("schema")) {  // SET SCHEMA 'name' sets search_path
    if (c.AtEnd() || c.Peek().kind != TokenKind::kString) return NotRecognised(c, "SET SCHEMA");
    c.Next();
    if (!c.AtEnd()) return NotRecognised(c, "SET SCHEMA");
    Verdict v = Session();
    v.changes_search_path = true;
    return v;
  }
  // SET var_name {TO | =} var_list | DEFAULT. var_name: a name, or dotted names (a custom setting).
  const Token* name_at = c.pos();
  std::string_view part;
  if (!c.Name(&part)) return NotRecognised(c, "SET");
  std::string name(part);
  while (c.Punct('.')) {
    if (!c.Name(&part)) return NotRecognised(c, "SET");
    name += '.';
    name += part;
  }
  for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (!IsAllowedSetting(name))
    return Refuse("42501", "setting " + name + " is not on rlsq-proxy's allow-list of settings", name_at);
  if (!c.Word("to") && !c.Operator("=")) {
    if (c.IsWord("from")) return Refuse("0A000", "SET ... FROM CURRENT is not supported by rlsq-proxy", c.pos());
    return NotRecognised(c, "SET");
  }
  std::string value;
  bool is_default = false;
  if (!SettingValues(c, &value, &is_default)) return NotRecognised(c, "SET");
  Verdict v = CheckSettingValue(name, value, is_default, name_at);
  if (v.kind == StatementKind::kSession && name == "search_path") v.changes_search_path = true;
  return v;
}

Verdict ClassifyReset(Cursor& c) {
  const Token* start = c.pos();
  if (c.Word("all")) {
    Verdict v = Session();
    v.changes_search_path = true;
    return c.AtEnd() ? v : NotRecognised(c, "RESET");
  }
  if (c.IsWord("role") || c.IsWord("session"))
    return Refuse("42501", "RESET ROLE and RESET SESSION AUTHORIZATION are not allowed through rlsq-proxy", start);
  if (c.Word("time")) return c.Word("zone") && c.AtEnd() ? Session() : NotRecognised(c, "RESET");
  if (c.Word("transaction")) {
    return c.Word("isolation") && c.Word("level") && c.AtEnd() ? Session() : NotRecognised(c, "RESET");
  }
  std::string_view part;
  if (!c.Name(&part)) return NotRecognised(c, "RESET");
  std::string name(part);
  while (c.Punct('.')) {
    if (!c.Name(&part)) return NotRecognised(c, "RESET");
    name += '.';
    name += part;
  }
  for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (!c.AtEnd()) return NotRecognised(c, "RESET");
  if (!IsAllowedSetting(name))
    return Refuse("42501", "setting " + name + " is not on rlsq-proxy's allow-list of settings", start);
  Verdict v = Session();
  v.changes_search_path = name == "search_path";
  return v;
}

Verdict ClassifyShow(Cursor& c) {
  if (c.Word("all")) return c.AtEnd() ? Session() : NotRecognised(c, "SHOW");
  if (c.Word("time")) return c.Word("zone") && c.AtEnd() ? Session() : NotRecognised(c, "SHOW");
  if (c.Word("transaction"))
    return c.Word("isolation") && c.Word("level") && c.AtEnd() ? Session() : NotRecognised(c, "SHOW");
  if (c.Word("session")) return c.Word("authorization") && c.AtEnd() ? Session() : NotRecognised(c, "SHOW");
  std::string_view part;
  if (!c.Name(&part)) return NotRecognised(c, "SHOW");
  while (c.Punct('.'))
    if (!c.Name(&part)) return NotRecognised(c, "SHOW");
  return c.AtEnd() ? Session() : NotRecognised(c, "SHOW");
}

// The statement's verdict from its first word.
Verdict Classify(Cursor& c) {
  const Token& first = c.Peek();
  if (first.kind == TokenKind::kPunct && first.text == "(") {
    Verdict v;
    v.kind = StatementKind::kQuery;
    return v;
  }
  if (first.kind != TokenKind::kIdent)
    return Refuse("42601", "rlsq-proxy does not recognise a statement that starts here", &first);
  std::string_view w = first.text;
  if (w == "select" || w == "with" || w == "values" || w == "table") {
    Verdict v;
    v.kind = StatementKind::kQuery;
    return v;
  }
  c.Next();
  if (w == "begin" || w == "start") {
    if (w == "start" && !c.Word("transaction")) return NotRecognised(c, "START TRANSACTION");
    if (w == "begin" && !c.Word("work")) c.Word("transaction");
    return TransactionModes(c) ? Session() : NotRecognised(c, "BEGIN");
  }
  if (w == "commit" || w == "end" || w == "rollback" || w == "abort") {
    if (c.IsWord("prepared"))
      return Refuse("0A000", "two-phase commit is not supported by rlsq-proxy", &first);
    if (!c.Word("work")) c.Word("transaction");
    if (w == "rollback" && c.Word("to")) {
      c.Word("savepoint");
      std::string_view name;
      if (!c.Name(&name) || !c.AtEnd()) return NotRecognised(c, "ROLLBACK TO");
    } else if (c.Word("and")) {
      c.Word("no");
      if (!c.Word("chain") || !c.AtEnd()) return NotRecognised(c, Upper(w));
    } else if (!c.AtEnd()) {
      return NotRecognised(c, Upper(w));
    }
    Verdict v = Session();
    v.ends_transaction = true;
    return v;
  }
  if (w == "savepoint" || w == "release") {
    if (w == "release") c.Word("savepoint");
    std::string_view name;
    if (!c.Name(&name) || !c.AtEnd()) return NotRecognised(c, Upper(w));
    return Session();
  }
  if (w == "set") return ClassifySet(c);
  if (w == "reset") return ClassifyReset(c);
  if (w == "show") return ClassifyShow(c);
  if (w == "discard") {
    bool all = c.IsWord("all");
    if (!c.Word("all") && !c.Word("plans") && !c.Word("sequences") && !c.Word("temp") && !c.Word("temporary"))
      return NotRecognised(c, "DISCARD");
    if (!c.AtEnd()) return NotRecognised(c, "DISCARD");
    Verdict v = Session();
    v.changes_search_path = all;
    v.drops_statements = all;
    return v;
  }
  if (w == "deallocate") {
    c.Word("prepare");
    std::string_view name;
    const bool all = c.Word("all");
    if (!all && !c.Name(&name)) return NotRecognised(c, "DEALLOCATE");
    if (!c.AtEnd()) return NotRecognised(c, "DEALLOCATE");
    Verdict v = Session();
    v.drops_statements = all;
    v.deallocates = std::string(name);
    return v;
  }
  if (w == "prepare" && c.IsWord("transaction"))
    return Refuse("0A000", "two-phase commit is not supported by rlsq-proxy", &first);
  if (In(kWriteStatements, w))
    return Refuse("42501", Upper(w) + " is not allowed through rlsq-proxy: only read-only queries and session "
                                      "statements are",
                  &first);
  if (In(kUnsupportedStatements, w)) return Refuse("0A000", Upper(w) + " is not supported by rlsq-proxy", &first);
  return Refuse("42601", "rlsq-proxy does not recognise the statement " + Upper(w), &first);
}

}  // namespace

bool IsAllowedSetting(std::string_view name) { return In(kAllowedSettings, name); }

bool IsUtf8EncodingName(std::string_view value) {
  // PostgreSQL compares encoding names ignoring case and every non-alphanumeric character (pg_char_to_encoding's
  // clean_encoding_name).
  std::string clean;
  for (char ch : value)
    if (std::isalnum(static_cast<unsigned char>(ch)))
      clean.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return clean == "utf8" || clean == "unicode";
}

int CharacterPosition(std::string_view text, size_t offset) {
  int chars = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++chars;
  return chars + 1;
}

std::vector<Statement> SplitStatements(std::string_view text) {
  std::vector<Statement> out;
  // Per-thread scratch: every Query and Parse is split, so the arena draws from a buffer first (no allocation for
  // the folded words of an ordinary query) and the token vector keeps its capacity.
  struct Scratch {
    alignas(16) char buffer[8192];
    rlsq::Arena arena{buffer, sizeof buffer};
    std::vector<Token> tokens;
  };
  thread_local Scratch scratch;
  scratch.arena.Release();
  std::vector<Token>& tokens = scratch.tokens;
  if (absl::Status s = rlsq::Dialect::Postgres().Tokenize(text, scratch.arena, &tokens); !s.ok()) {
    Statement st;
    st.begin = 0;
    st.end = text.size();
    st.kind = StatementKind::kRefused;
    st.error.sqlstate = "42601";
    st.error.message = std::string(s.message());
    out.push_back(std::move(st));
    return out;
  }
  // Statements end at top-level ';' tokens (PostgreSQL's stmtmulti; a ';' inside a BEGIN ATOMIC body belongs to a
  // CREATE FUNCTION, which is refused either way).
  size_t first = 0;
  size_t piece_begin = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    bool is_end = t.kind == TokenKind::kEof;
    bool is_semi = t.kind == TokenKind::kPunct && t.text == ";";
    if (!is_end && !is_semi) continue;
    Statement st;
    st.begin = piece_begin;
    st.end = is_end ? text.size() : t.begin;
    if (i > first) {
      Cursor c(&tokens[first], &tokens[i]);
      Verdict v = Classify(c);
      st.kind = v.kind;
      st.changes_search_path = v.changes_search_path;
      st.ends_transaction = v.ends_transaction;
      st.drops_statements = v.drops_statements;
      st.deallocates = std::move(v.deallocates);
      if (v.kind == StatementKind::kRefused) {
        st.error.sqlstate = v.sqlstate;
        st.error.message = v.message;
        st.error.position = CharacterPosition(text, v.at ? v.at->begin : tokens[first].begin);
      }
      out.push_back(std::move(st));
    }
    piece_begin = is_end ? text.size() : t.end;
    first = i + 1;
  }
  return out;
}

}  // namespace rlsq_proxy
