#include "tests/support/sqlite_db.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>

#include "lib/common/ascii.h"
#include "lib/common/str_cat.h"

namespace rlsq::testing {

absl::StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path) {
  std::unique_ptr<SqliteDb> db(new SqliteDb());
  if (sqlite3_open(path.c_str(), &db->db_) != SQLITE_OK)
    return absl::InternalError(Cat("sqlite3_open ", path, ": ", db->db_ ? sqlite3_errmsg(db->db_) : "out of memory"));
  return db;
}

SqliteDb::~SqliteDb() {
  if (db_) sqlite3_close_v2(db_);
}

absl::Status SqliteDb::Exec(std::string_view sql) const {
  std::string text(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "unknown error";
    sqlite3_free(err);
    return absl::InternalError(Cat("SQLite: ", message));
  }
  return absl::OkStatus();
}

namespace {

absl::StatusOr<sqlite3_stmt*> PrepareOne(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, &tail) != SQLITE_OK)
    return absl::InternalError(Cat("SQLite: ", sqlite3_errmsg(db)));
  if (stmt == nullptr) return absl::InternalError("SQLite: no statement");
  for (const char* p = tail; p < sql.data() + sql.size(); ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';') {
      sqlite3_finalize(stmt);
      return absl::InternalError("SQLite: more than one statement");
    }
  }
  return stmt;
}

struct ReadLog {
  std::set<std::string> tables;
};

int Authorize(void* user, int action, const char* a, const char* b, const char* db, const char* view) {
  if (action == SQLITE_READ && a != nullptr) {
    auto* log = static_cast<ReadLog*>(user);
    log->tables.insert(AsciiLower(Cat(db ? db : "?", ".", a)));
  }
  return SQLITE_OK;
}

}  // namespace

absl::StatusOr<std::vector<SqliteDb::Row>> SqliteDb::Query(std::string_view sql) const {
  auto stmt = PrepareOne(db_, sql);
  if (!stmt.ok()) return stmt.status();
  std::vector<Row> rows;
  for (;;) {
    int rc = sqlite3_step(*stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      std::string message = sqlite3_errmsg(db_);
      sqlite3_finalize(*stmt);
      return absl::InternalError(Cat("SQLite: ", message));
    }
    Row row;
    const int n = sqlite3_column_count(*stmt);
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(*stmt, c)) {
        case SQLITE_NULL:
          row.emplace_back(std::nullopt);
          break;
        case SQLITE_FLOAT: {
          char buf[64];
          std::snprintf(buf, sizeof(buf), "%.15g", sqlite3_column_double(*stmt, c));
          row.emplace_back(buf);
          break;
        }
        default: {
          const unsigned char* text = sqlite3_column_text(*stmt, c);
          row.emplace_back(std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(*stmt, c)));
          break;
        }
      }
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(*stmt);
  return rows;
}

absl::StatusOr<std::set<std::string>> SqliteDb::Reads(std::string_view sql) const {
  ReadLog log;
  sqlite3_set_authorizer(db_, &Authorize, &log);
  auto stmt = PrepareOne(db_, sql);
  sqlite3_set_authorizer(db_, nullptr, nullptr);
  if (!stmt.ok()) return stmt.status();
  sqlite3_finalize(*stmt);
  return log.tables;
}

bool SqliteDb::SameRows(std::vector<Row> a, std::vector<Row> b) {
  if (a.size() != b.size()) return false;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  auto number = [](const std::string& s, double* out) {
    char* end = nullptr;
    *out = std::strtod(s.c_str(), &end);
    return !s.empty() && end == s.c_str() + s.size();
  };
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].size() != b[i].size()) return false;
    for (size_t c = 0; c < a[i].size(); ++c) {
      const auto &x = a[i][c], &y = b[i][c];
      if (x == y) continue;
      double dx, dy;
      if (!x || !y || !number(*x, &dx) || !number(*y, &dy)) return false;
      if (std::fabs(dx - dy) > 1e-9 * std::max(std::fabs(dx), std::fabs(dy)) + 1e-12) return false;
    }
  }
  return true;
}

}  // namespace rlsq::testing
