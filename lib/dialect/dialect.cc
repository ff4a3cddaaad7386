// The dialect registry.
#include "lib/dialect/dialect.h"

#include "lib/dialect/postgres_dialect.h"

namespace rlsq {

const Dialect& Dialect::Postgres() {
  static const PostgresDialect* const kPostgres = new PostgresDialect();
  return *kPostgres;
}

const Dialect* Dialect::Find(std::string_view name) {
  // Case-insensitive match on the registered names.
  std::string lower(name);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower == "postgres" || lower == "postgresql") return &Postgres();
  return nullptr;
}

}  // namespace rlsq
