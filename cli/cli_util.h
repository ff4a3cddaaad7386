// Shared pieces of the `rlsq` command line: the subcommand registry, option parsing, reading the SQL input,
// reporting errors and exit codes.
//
// Adding a subcommand: write cli/<name>_command.cc that defines `int Run<Name>(const std::vector<std::string>&)`
// and registers it with RLSQ_CLI_COMMAND(...), then list the file in cli/CMakeLists.txt.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "lib/dialect/dialect.h"
#include "lib/parser/parser.h"
#include "lib/policy/policy.h"

namespace rlsq::cli {

// Exit codes of every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;     // unknown option or subcommand, missing value, unknown dialect
inline constexpr int kExitRefused = 2;   // bad or refused input (the SQL error is on stderr)

struct Command {
  std::string name;
  std::string summary;  // one line for `rlsq --help`
  // Runs with the arguments after the subcommand name; returns the exit code.
  std::function<int(const std::vector<std::string>& args)> run;
};

// Registers a subcommand (called from a static initializer, see RLSQ_CLI_COMMAND). Returns true.
bool RegisterCommand(Command command);
// All registered subcommands, sorted by name.
const std::vector<Command>& Commands();
const Command* FindCommand(std::string_view name);

#define RLSQ_CLI_CONCAT_INNER_(a, b) a##b
#define RLSQ_CLI_CONCAT_(a, b) RLSQ_CLI_CONCAT_INNER_(a, b)
// RLSQ_CLI_COMMAND("parse", "print a query normalized, or its AST", &RunParse);
#define RLSQ_CLI_COMMAND(name, summary, fn)                         \
  static const bool RLSQ_CLI_CONCAT_(rlsq_cli_registered_, __LINE__) = \
      ::rlsq::cli::RegisterCommand(::rlsq::cli::Command{name, summary, fn})

// A small option parser: `--name VALUE`, `--name=VALUE` and boolean `--flag`. `-h`/`--help` is always known.
class OptionParser {
 public:
  explicit OptionParser(std::string usage_line) : usage_line_(std::move(usage_line)) {}

  void AddFlag(std::string name, std::string help, bool* value);
  void AddValue(std::string name, std::string value_name, std::string help, std::string* value,
                bool* seen = nullptr);
  // A value that may be given more than once; each is appended to `values`.
  void AddList(std::string name, std::string value_name, std::string help, std::vector<std::string>* values);

  // Parses `args`. A usage error is an InvalidArgument status with a message for the user.
  absl::Status Parse(const std::vector<std::string>& args);
  bool help_requested() const { return help_; }
  std::string Help() const;

 private:
  struct Option {
    std::string name;
    std::string value_name;  // empty for flags
    std::string help;
    bool* flag = nullptr;
    std::string* value = nullptr;
    bool* seen = nullptr;
    std::vector<std::string>* list = nullptr;
  };
  std::string usage_line_;
  std::vector<Option> options_;
  bool help_ = false;
};

// --dialect NAME and --dialect-option KEY=VALUE (repeatable): the dialect and the server settings that change how
// it reads text (README "Dialects").
struct DialectInput {
  std::string name;                  // empty: not stated
  std::vector<std::string> options;  // KEY=VALUE, as given
  void Register(OptionParser& parser);
  // The dialect stated, or null when none was (the policy's, else PostgreSQL). False after a usage error (unknown
  // dialect, option or value; an option without --dialect).
  bool Resolve(const Dialect** out, std::string_view command) const;
};

// The options every SQL-reading subcommand shares: --dialect NAME, --dialect-option KEY=VALUE, --sql TEXT (stdin
// when absent) and the parser's resource limits --max-input-bytes N, --max-tokens N, --max-depth N (defaults:
// ParseOptions's).
struct SqlInput {
  DialectInput dialect;
  std::string sql;
  bool has_sql = false;
  std::string max_input_bytes, max_tokens, max_depth;  // as given
  bool has_max_input_bytes = false, has_max_tokens = false, has_max_depth = false;
  void Register(OptionParser& parser);
};

// The parser's limits from the input's options. False after reporting a usage error (not a positive integer).
bool ResolveLimits(const SqlInput& input, ParseOptions* limits);
// The SQL text: --sql or stdin. Reads at most `max_bytes` + 1 bytes of stdin: a longer input is refused (reported,
// false) without being read whole. False (after reporting) also if stdin cannot be read.
bool ReadSql(const SqlInput& input, size_t max_bytes, std::string* sql);

// Where a subcommand's policy comes from: --policy FILE (JSON or YAML) or --policy-db URI (Superset's metadata
// database) with --policy-settings FILE (the keys the metadata does not hold).
struct PolicyInput {
  std::string file, db, settings;
  bool has_file = false, has_db = false, has_settings = false;
  void Register(OptionParser& parser);
  // "" when the options are consistent, else the usage error.
  std::string UsageProblem() const;
  // Loads the policy. The metadata's warnings (what it left out) go to `*warnings`, or without it to stderr as
  // `rlsq: warning: ...`.
  // `dialect`: the one the caller stated, or null for the policy's own.
  absl::StatusOr<std::shared_ptr<const policy::Policy>> Load(const Dialect* dialect,
                                                             std::vector<std::string>* warnings = nullptr) const;
};

// Writes `rlsq: <message>` to stderr.
void PrintError(std::string_view message);
// Reports a usage error (and how to get help) and returns kExitUsage.
int UsageError(std::string_view message, std::string_view command = {});
// Reports an SQL error (`line:column: message`) and returns kExitRefused.
int SqlError(const absl::Status& status);

// Parses `args` with `parser`; on --help prints the help to stdout. Returns -1 to continue, or the exit code.
int ParseOptionsOrExit(OptionParser& parser, const std::vector<std::string>& args, std::string_view command);

// The top-level usage text listing the subcommands.
std::string MainUsage();

}  // namespace rlsq::cli
