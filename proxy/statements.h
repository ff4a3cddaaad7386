// What rlsq-proxy does with each statement a client sends: split a simple Query's text into statements as
// PostgreSQL's lexer does (the engine's PostgreSQL lexer: comments, quotes, dollar quoting), and classify each one:
// a query for the engine to rewrite, a session statement on the allow-list (forwarded as written), or refused with
// the SQLSTATE a client can act on. Every rule of "which statements get through" is in statements.cc.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/wire.h"

namespace rlsq_proxy {

enum class StatementKind {
  kEmpty,    // only white space and comments
  kQuery,    // SELECT, WITH, VALUES, TABLE, or a parenthesised query: the engine rewrites it (or refuses it)
  kSession,  // an allow-listed session or transaction statement, forwarded unchanged
  kRefused,
};

struct Statement {
  size_t begin = 0, end = 0;  // byte span in the text, without the terminating ';'
  StatementKind kind = StatementKind::kEmpty;
  // kSession: what the statement may change that the proxy follows.
  bool changes_search_path = false;  // SET/RESET search_path, SET SCHEMA, RESET ALL, DISCARD ALL
  bool ends_transaction = false;     // COMMIT, END, ROLLBACK, ABORT, ROLLBACK TO (they may undo a SET)
  bool drops_statements = false;     // DISCARD ALL, DEALLOCATE ALL: every prepared statement goes on the server
  std::string deallocates;           // DEALLOCATE name: that one goes
  wire::Error error;                 // kRefused; error.position is a 1-based character position in the text
};

// Splits and classifies. A text the lexer refuses (an unterminated quote, invalid UTF-8) is one refused statement
// (42601) covering the whole text.
std::vector<Statement> SplitStatements(std::string_view text);

// The startup parameters and GUCs a client may set (SET, RESET, startup packet, `options=-c`): a lower-case name.
bool IsAllowedSetting(std::string_view name);
// Whether `value` names UTF8 as PostgreSQL reads an encoding name ("UTF8", "utf-8", "unicode").
bool IsUtf8EncodingName(std::string_view value);

// 1-based character position (code points) of byte `offset` in `text`.
int CharacterPosition(std::string_view text, size_t offset);

}  // namespace rlsq_proxy
