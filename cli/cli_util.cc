#include "cli/cli_util.h"

#include "lib/common/status.h"
#include "lib/sources/policy_source.h"
#include "lib/common/str_cat.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <limits>
#include <string>
#include <sstream>

namespace rlsq::cli {
namespace {

std::vector<Command>& Registry() {
  static std::vector<Command> commands;
  return commands;
}

}  // namespace

bool RegisterCommand(Command command) {
  auto& reg = Registry();
  reg.push_back(std::move(command));
  std::sort(reg.begin(), reg.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
  return true;
}

const std::vector<Command>& Commands() { return Registry(); }

const Command* FindCommand(std::string_view name) {
  for (const Command& c : Registry())
    if (c.name == name) return &c;
  return nullptr;
}

void OptionParser::AddFlag(std::string name, std::string help, bool* value) {
  options_.push_back(Option{std::move(name), "", std::move(help), value, nullptr, nullptr});
}

void OptionParser::AddValue(std::string name, std::string value_name, std::string help, std::string* value,
                            bool* seen) {
  options_.push_back(Option{std::move(name), std::move(value_name), std::move(help), nullptr, value, seen});
}

void OptionParser::AddList(std::string name, std::string value_name, std::string help,
                           std::vector<std::string>* values) {
  Option o{std::move(name), std::move(value_name), std::move(help), nullptr, nullptr, nullptr};
  o.list = values;
  options_.push_back(std::move(o));
}

absl::Status OptionParser::Parse(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      help_ = true;
      continue;
    }
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      return absl::InvalidArgumentError("unexpected argument '" + arg + "'");
    }
    std::string name = arg.substr(2);
    std::string inline_value;
    bool has_inline = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
      has_inline = true;
    }
    auto it = std::find_if(options_.begin(), options_.end(), [&](const Option& o) { return o.name == name; });
    if (it == options_.end()) return absl::InvalidArgumentError("unknown option '--" + name + "'");
    if (it->flag) {
      if (has_inline) return absl::InvalidArgumentError("option '--" + name + "' takes no value");
      *it->flag = true;
      continue;
    }
    if (it->seen && *it->seen) return absl::InvalidArgumentError("option '--" + name + "' given twice");
    if (!has_inline) {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError("option '--" + name + "' needs a value");
      inline_value = args[++i];
    }
    if (it->list) {
      it->list->push_back(std::move(inline_value));
    } else {
      *it->value = std::move(inline_value);
    }
    if (it->seen) *it->seen = true;
  }
  return absl::OkStatus();
}

std::string OptionParser::Help() const {
  std::ostringstream out;
  out << "usage: " << usage_line_ << "\n\noptions:\n";
  for (const Option& o : options_) {
    std::string left = "--" + o.name + (o.value_name.empty() ? "" : " " + o.value_name);
    out << "  " << left << std::string(left.size() < 22 ? 22 - left.size() : 1, ' ') << o.help << "\n";
  }
  out << "  --help                print this help\n";
  return out.str();
}

void PolicyInput::Register(OptionParser& parser) {
  parser.AddValue("policy", "FILE", "the policy file: JSON, or YAML when it ends in .yaml/.yml", &file, &has_file);
  parser.AddValue("policy-db", "URI",
                  "read the policy from Superset's metadata database: sqlite:///PATH, postgresql://..., mysql://... "
                  "(as SQLALCHEMY_DATABASE_URI)",
                  &db, &has_db);
  parser.AddValue("policy-settings", "FILE",
                  "with --policy-db: the policy keys the metadata does not hold (search_path, default_database, "
                  "placement, relations, ...), JSON or YAML",
                  &settings, &has_settings);
}

std::string PolicyInput::UsageProblem() const {
  if (has_file == has_db) return "give --policy FILE or --policy-db URI";
  if (has_settings && !has_db) return "--policy-settings goes with --policy-db";
  return "";
}

absl::StatusOr<std::shared_ptr<const policy::Policy>> PolicyInput::Load(const Dialect* dialect,
                                                                        std::vector<std::string>* warnings) const {
  sources::SourceOptions o;
  o.policy_file = file;
  o.policy_db = db;
  o.settings_file = settings;
  RLSQ_ASSIGN_OR_RETURN(auto source, sources::OpenPolicySource(o, dialect));
  RLSQ_ASSIGN_OR_RETURN(auto policy, source->Load());
  if (warnings) {
    *warnings = source->warnings();
  } else {
    for (const std::string& w : source->warnings()) PrintError(rlsq::Cat("warning: ", w));
  }
  return policy;
}

void DialectInput::Register(OptionParser& parser) {
  parser.AddValue("dialect", "NAME",
                  "SQL dialect: postgres, mysql, mariadb (default: the policy's, else postgres)", &name);
  parser.AddList("dialect-option", "KEY=VALUE",
                 "a server setting of the dialect (sql_mode, lower_case_table_names, server_version); repeatable",
                 &options);
}

bool DialectInput::Resolve(const Dialect** out, std::string_view command) const {
  *out = nullptr;
  if (name.empty()) {
    if (options.empty()) return true;
    UsageError("--dialect-option goes with --dialect", command);
    return false;
  }
  Dialect::Options parsed;
  for (const std::string& o : options) {
    size_t eq = o.find('=');
    if (eq == std::string::npos || eq == 0) {
      UsageError(Cat("--dialect-option '", o, "': expected KEY=VALUE"), command);
      return false;
    }
    parsed.emplace_back(o.substr(0, eq), o.substr(eq + 1));
  }
  auto made = Dialect::Make(name, parsed);
  if (!made.ok()) {
    UsageError(ToStd(made.status().message()), command);
    return false;
  }
  *out = *made;
  return true;
}

void SqlInput::Register(OptionParser& parser) {
  dialect.Register(parser);
  parser.AddValue("sql", "TEXT", "the query (default: read stdin)", &sql, &has_sql);
  const ParseOptions defaults;
  parser.AddValue("max-input-bytes", "N",
                  "refuse queries longer than N bytes (default " + std::to_string(defaults.max_input_bytes) + ")",
                  &max_input_bytes, &has_max_input_bytes);
  parser.AddValue("max-tokens", "N",
                  "refuse queries of more than N tokens (default " + std::to_string(defaults.max_tokens) + ")",
                  &max_tokens, &has_max_tokens);
  parser.AddValue("max-depth", "N",
                  "refuse queries nested deeper than N (default " + std::to_string(defaults.max_depth) + ")",
                  &max_depth, &has_max_depth);
}

namespace {

// A positive integer option into `out` (unchanged when the option was not given). False after a usage error.
template <class T>
bool PositiveOption(std::string_view name, bool given, const std::string& text, T* out) {
  if (!given) return true;
  uint64_t v = 0;
  bool ok = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
            text.size() <= 19;
  if (ok) v = std::stoull(text);
  if (!ok || v == 0 || v > std::numeric_limits<T>::max()) {
    UsageError("--" + std::string(name) + " needs a positive integer, not '" + text + "'");
    return false;
  }
  *out = static_cast<T>(v);
  return true;
}

}  // namespace

bool ResolveLimits(const SqlInput& input, ParseOptions* limits) {
  return PositiveOption("max-input-bytes", input.has_max_input_bytes, input.max_input_bytes,
                        &limits->max_input_bytes) &&
         PositiveOption("max-tokens", input.has_max_tokens, input.max_tokens, &limits->max_tokens) &&
         PositiveOption("max-depth", input.has_max_depth, input.max_depth, &limits->max_depth);
}

bool ReadSql(const SqlInput& input, size_t max_bytes, std::string* sql) {
  if (input.has_sql) {
    *sql = input.sql;
    return true;
  }
  sql->clear();
  size_t cap = max_bytes < std::numeric_limits<size_t>::max() ? max_bytes + 1 : max_bytes;
  char buf[1 << 16];
  while (sql->size() < cap) {
    std::cin.read(buf, static_cast<std::streamsize>(std::min(sizeof buf, cap - sql->size())));
    sql->append(buf, static_cast<size_t>(std::cin.gcount()));
    if (!std::cin) break;
  }
  if (std::cin.bad()) {
    PrintError("cannot read the query from standard input");
    return false;
  }
  if (sql->size() > max_bytes) {  // the rest of stdin is left unread
    PrintError("1:1: input is too long: more than " + std::to_string(max_bytes) + " bytes (limit " +
               std::to_string(max_bytes) + " bytes, --max-input-bytes)");
    return false;
  }
  return true;
}

void PrintError(std::string_view message) {
  std::string line = "rlsq: ";
  line.append(message);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

int UsageError(std::string_view message, std::string_view command) {
  PrintError(message);
  std::string hint = command.empty() ? "try 'rlsq --help'" : "try 'rlsq " + std::string(command) + " --help'";
  PrintError(hint);
  return kExitUsage;
}

int SqlError(const absl::Status& status) {
  PrintError(std::string(status.message()));
  return kExitRefused;
}

int ParseOptionsOrExit(OptionParser& parser, const std::vector<std::string>& args, std::string_view command) {
  absl::Status s = parser.Parse(args);
  if (parser.help_requested()) {
    std::cout << parser.Help();
    return kExitOk;
  }
  if (!s.ok()) return UsageError(std::string(s.message()), command);
  return -1;
}

std::string MainUsage() {
  std::ostringstream out;
  out << "usage: rlsq <command> [options]\n\n"
         "rlsq parses SQL, checks it, applies row-level security and prints it back; it refuses anything but one\n"
         "read-only query.\n\n"
         "commands:\n";
  for (const Command& c : Commands()) {
    out << "  " << c.name << std::string(c.name.size() < 12 ? 12 - c.name.size() : 1, ' ') << c.summary << "\n";
  }
  out << "  help        print this help (or 'rlsq <command> --help')\n\n"
         "exit status: 0 success, 1 usage error, 2 bad or refused input (message on stderr)\n";
  return out.str();
}

}  // namespace rlsq::cli
