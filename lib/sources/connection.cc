#include "lib/sources/connection.h"

#include "lib/common/str_cat.h"

namespace rlsq::sources {
namespace {

absl::Status BadUri(std::string_view what) { return absl::InvalidArgumentError(Cat("bad database URI: ", what)); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::StatusOr<std::string> Decode(std::string_view s, std::string_view what) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1, lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) return BadUri(Cat("bad percent-escape in the ", what));
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  if (out.find('\0') != std::string::npos) return BadUri(Cat("NUL byte in the ", what));
  return out;
}

struct SchemeInfo {
  std::string_view name;
  Backend backend;
};
constexpr SchemeInfo kSchemes[] = {
    {"sqlite", Backend::kSqlite},       {"sqlite+pysqlite", Backend::kSqlite},
    {"postgresql", Backend::kPostgres}, {"postgres", Backend::kPostgres},
    {"postgresql+psycopg2", Backend::kPostgres}, {"postgresql+psycopg", Backend::kPostgres},
    {"postgresql+pg8000", Backend::kPostgres},   {"mysql", Backend::kMysql},
    {"mysql+mysqldb", Backend::kMysql}, {"mysql+pymysql", Backend::kMysql},
    {"mysql+mysqlconnector", Backend::kMysql},   {"mariadb", Backend::kMysql},
    {"mariadb+mariadbconnector", Backend::kMysql}, {"mariadb+pymysql", Backend::kMysql},
};

const SchemeInfo* FindScheme(std::string_view text) {
  size_t colon = text.find("://");
  if (colon == std::string_view::npos) return nullptr;
  for (const SchemeInfo& s : kSchemes)
    if (s.name == text.substr(0, colon)) return &s;
  return nullptr;
}

}  // namespace

const char* ToString(Backend b) {
  switch (b) {
    case Backend::kSqlite: return "sqlite";
    case Backend::kPostgres: return "postgresql";
    case Backend::kMysql: return "mysql";
  }
  return "?";
}

bool IsDatabaseUri(std::string_view text) { return FindScheme(text) != nullptr; }

const std::string* DatabaseUri::Param(std::string_view key) const {
  for (const auto& [k, v] : query)
    if (k == key) return &v;
  return nullptr;
}

std::string DatabaseUri::Redacted() const {
  if (backend == Backend::kSqlite) return Cat(scheme, ":///", path);
  std::string out = Cat(scheme, "://");
  if (!user.empty() || !password.empty()) Append(&out, user, password.empty() ? "" : ":***", "@");
  Append(&out, host);
  if (port) Append(&out, ":", *port);
  if (!database.empty()) Append(&out, "/", database);
  for (size_t i = 0; i < query.size(); ++i)
    Append(&out, i ? "&" : "?", query[i].first, "=", query[i].first == "password" ? "***" : query[i].second);
  return out;
}

absl::StatusOr<DatabaseUri> ParseDatabaseUri(std::string_view text) {
  const SchemeInfo* scheme = FindScheme(text);
  if (!scheme)
    return BadUri("expected sqlite:///PATH, postgresql://... or mysql://... (SQLAlchemy's form, as Superset's "
                  "SQLALCHEMY_DATABASE_URI)");
  DatabaseUri uri;
  uri.backend = scheme->backend;
  uri.scheme = std::string(scheme->name);
  std::string_view rest = text.substr(scheme->name.size() + 3);
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) return BadUri(Cat("query parameter \"", pair, "\" has no value"));
    auto key = Decode(pair.substr(0, eq), "query");
    auto value = Decode(pair.substr(eq + 1), "query");
    if (!key.ok()) return key.status();
    if (!value.ok()) return value.status();
    uri.query.emplace_back(std::move(*key), std::move(*value));
  }
  if (uri.backend == Backend::kSqlite) {
    // SQLAlchemy: sqlite:///relative and sqlite:////absolute; an empty path is an in-memory database.
    if (rest.empty() || rest.front() != '/' || rest.size() == 1)
      return BadUri("sqlite needs a file: sqlite:///relative/path.db or sqlite:////absolute/path.db");
    auto path = Decode(rest.substr(1), "path");
    if (!path.ok()) return path.status();
    uri.path = std::move(*path);
    return uri;
  }
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string_view db = authority.size() < rest.size() ? rest.substr(authority.size() + 1) : std::string_view();
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = userinfo.find(':');
    auto user = Decode(userinfo.substr(0, colon), "user");
    if (!user.ok()) return user.status();
    uri.user = std::move(*user);
    if (colon != std::string_view::npos) {
      auto password = Decode(userinfo.substr(colon + 1), "password");
      if (!password.ok()) return password.status();
      uri.password = std::move(*password);
    }
  }
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUri("unterminated [ in the host");
    uri.host = std::string(authority.substr(1, close - 1));
    authority = authority.substr(close + 1);
    if (!authority.empty() && authority.front() != ':') return BadUri("text after the host");
  } else {
    size_t colon = authority.find(':');
    uri.host = std::string(authority.substr(0, colon));
    authority = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
  }
  if (!authority.empty()) {  // ":port"
    std::string_view digits = authority.substr(1);
    int port = 0;
    if (digits.empty() || digits.size() > 5) return BadUri("bad port");
    for (char c : digits) {
      if (c < '0' || c > '9') return BadUri("bad port");
      port = port * 10 + (c - '0');
    }
    if (port == 0 || port > 65535) return BadUri("bad port");
    uri.port = port;
  }
  auto database = Decode(db, "database name");
  if (!database.ok()) return database.status();
  uri.database = std::move(*database);
  if (uri.backend == Backend::kPostgres) {
    // libpq reads the same URI (and its query parameters: host=/socket/dir, sslmode, ...) without the driver.
    uri.libpq = Cat("postgresql://", text.substr(scheme->name.size() + 3));
  }
  return uri;
}

std::string Connection::QuoteIdentifier(std::string_view name) const {
  const char quote = backend() == Backend::kMysql ? '`' : '"';
  std::string out(1, quote);
  for (char c : name) {
    if (c == quote) out.push_back(quote);
    out.push_back(c);
  }
  out.push_back(quote);
  return out;
}

absl::StatusOr<bool> Connection::WaitForNotification(std::string_view, std::chrono::milliseconds) { return false; }

absl::StatusOr<std::unique_ptr<Connection>> Connect(const DatabaseUri& uri) {
  switch (uri.backend) {
    case Backend::kSqlite: return ConnectSqlite(uri);
    case Backend::kPostgres: return ConnectPostgres(uri);
    case Backend::kMysql: return ConnectMysql(uri);
  }
  return absl::InternalError("unknown backend");
}

}  // namespace rlsq::sources
