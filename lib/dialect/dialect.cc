// The dialect registry.
#include "lib/common/ascii.h"
#include "lib/dialect/dialect.h"

#include <map>
#include <memory>
#include <mutex>

#include "lib/common/str_cat.h"
#include "lib/dialect/mysql_dialect.h"
#include "lib/dialect/postgres_dialect.h"
#include "lib/dialect/sqlite_dialect.h"

namespace rlsq {

namespace {

// The configured dialects made so far, by canonical settings; never freed (policies and plans point at them).
const Dialect* Intern(const std::string& key, std::unique_ptr<Dialect> (*make)(const MySqlSettings&),
                      const MySqlSettings& settings) {
  static std::mutex mu;
  static auto* made = new std::map<std::string, std::unique_ptr<Dialect>>();
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = (*made)[key];
  if (!slot) slot = make(settings);
  return slot.get();
}

std::unique_ptr<Dialect> MakeMySql(const MySqlSettings& s) { return std::make_unique<MySqlDialect>(s); }

}  // namespace

bool Dialect::Has(Feature f) const {
  switch (f) {
    case Feature::kDistinctOn:
    case Feature::kTableStatement:
    case Feature::kLateral:
    case Feature::kDerivedColumnList:
    case Feature::kTableAliasColumns:
    case Feature::kEmptySelectList:
    case Feature::kStarAfterItems:
      return true;
    default:
      return false;
  }
}

std::string_view Dialect::Describe(Feature f) {
  switch (f) {
    case Feature::kLimitComma: return "LIMIT offset, count";
    case Feature::kWithRollup: return "WITH ROLLUP";
    case Feature::kIntervalExprUnit: return "INTERVAL expression unit";
    case Feature::kPartitionSelection: return "PARTITION selection";
    case Feature::kIndexHints: return "index hints";
    case Feature::kValuesRow: return "VALUES ROW(...)";
    case Feature::kAdjacentStrings: return "adjacent string literals on one line";
    case Feature::kStringAlias: return "a string literal as an alias";
    case Feature::kDistinctOn: return "DISTINCT ON";
    case Feature::kTableStatement: return "TABLE statement";
    case Feature::kLateral: return "LATERAL";
    case Feature::kDerivedColumnList: return "a column list on a derived table's alias";
    case Feature::kTableAliasColumns: return "a column list on a table's alias";
    case Feature::kEmptySelectList: return "an empty select list";
    case Feature::kStarAfterItems: return "an unqualified * after other select items";
    case Feature::kIndexedBy: return "INDEXED BY";
    case Feature::kIsComparison: return "IS with an expression operand";
    case Feature::kGlobMatch: return "GLOB and MATCH";
  }
  return "?";
}

const Dialect& Dialect::Postgres() {
  static const PostgresDialect* const kPostgres = new PostgresDialect();
  return *kPostgres;
}

const Dialect* Dialect::Find(std::string_view name) {
  auto made = Make(name, {});
  return made.ok() ? *made : nullptr;
}

absl::StatusOr<const Dialect*> Dialect::Make(std::string_view name, const Options& options) {
  const std::string lower = AsciiLower(name);
  if (lower == "postgres" || lower == "postgresql") {
    if (!options.empty())
      return absl::InvalidArgumentError(Cat("unknown dialect option \"", options[0].first, "\" for postgres"));
    return &Postgres();
  }
  if (lower == "mysql" || lower == "mariadb") {
    auto flavor = lower == "mysql" ? MySqlSettings::Flavor::kMySql : MySqlSettings::Flavor::kMariaDb;
    absl::StatusOr<MySqlSettings> settings = MySqlSettings::Parse(flavor, options);
    if (!settings.ok()) return absl::InvalidArgumentError(Cat(lower, ": ", settings.status().message()));
    return Intern(settings->Canonical(), &MakeMySql, *settings);
  }
  if (lower == "sqlite" || lower == "sqlite3") {
    if (!options.empty())
      return absl::InvalidArgumentError(Cat("unknown dialect option \"", options[0].first, "\" for sqlite"));
    static const SqliteDialect* const kSqlite = new SqliteDialect();
    return kSqlite;
  }
  return absl::InvalidArgumentError(Cat("unknown dialect \"", name, "\" (known: postgres, mysql, mariadb, sqlite)"));
}

}  // namespace rlsq
