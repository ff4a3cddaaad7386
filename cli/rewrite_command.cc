// `rlsq rewrite (--policy FILE | --policy-db URI) --user NAME [--database DB] [--dialect NAME] [--sql TEXT] [--explain]`: injects the
// user's row-level-security filters into one read-only query and prints the rewritten SQL (or, with --explain, a
// JSON report of every table reference and where its filters went). A thin shell over rlsq::Engine.
#include <iostream>

#include "cli/cli_util.h"
#include "lib/common/str_cat.h"
#include "rewriter/engine.h"

namespace rlsq::cli {
namespace {

constexpr int kExitUnknownUser = 3;  // also: access denied
constexpr int kExitBadPolicy = 4;

int RunRewrite(const std::vector<std::string>& args) {
  OptionParser parser(
      "rlsq rewrite (--policy FILE | --policy-db URI [--policy-settings FILE]) (--user NAME | --anonymous | --caller-json JSON) [--guest-rules JSON] "
      "[--database DB] [--dialect NAME [--dialect-option KEY=VALUE]...] [--search-path S1,S2] [--placement fenced|plain] [--client-encoding NAME] "
      "[--sql TEXT] [--explain] [--max-input-bytes N] [--max-tokens N] [--max-depth N]");
  SqlInput input;
  input.Register(parser);
  std::string user, database, caller_json, guest_json, search_path, placement, client_encoding = "UTF8";
  bool has_search_path = false, has_placement = false;
  bool has_user = false, explain = false, anonymous = false, has_caller = false, has_guest = false;
  PolicyInput policy_input;
  policy_input.Register(parser);
  parser.AddValue("user", "NAME", "the user the query runs for", &user, &has_user);
  parser.AddFlag("anonymous", "no user: the policy's public role (AUTH_ROLE_PUBLIC)", &anonymous);
  parser.AddValue("caller-json", "JSON",
                  "the caller inline: {\"username\":..,\"id\":..,\"email\":..,\"roles\":[..],\"attributes\":{..}}",
                  &caller_json, &has_caller);
  parser.AddValue("guest-rules", "JSON",
                  "guest-token rules ANDed after the role filters: [{\"dataset\":\"public.orders\",\"clause\":\"..\"}]",
                  &guest_json, &has_guest);
  parser.AddValue("database", "DB", "the database the query runs against (default: the policy's default_database)",
                  &database);
  parser.AddValue("search-path", "S1,S2",
                  "the connection's search path, schema names as SQL identifiers (default: the policy's search_path)",
                  &search_path, &has_search_path);
  parser.AddValue("placement", "fenced|plain",
                  "plain: into WHERE/ON; fenced: every filtered read becomes (SELECT * FROM t WHERE .. OFFSET 0), so "
                  "the query's own conditions never run on hidden rows (default: the policy's placement, plain)",
                  &placement, &has_placement);
  parser.AddValue("client-encoding", "NAME",
                  "the connection's client_encoding (default UTF8; encodings whose characters can hold ASCII bytes, "
                  "such as SJIS, are refused)",
                  &client_encoding);
  parser.AddFlag("explain", "print a JSON report of every table reference and the filters applied", &explain);
  if (int rc = ParseOptionsOrExit(parser, args, "rewrite"); rc >= 0) return rc;
  if (std::string problem = policy_input.UsageProblem(); !problem.empty()) return UsageError(problem, "rewrite");
  if (int(has_user) + int(anonymous) + int(has_caller) != 1)
    return UsageError("give exactly one of --user NAME, --anonymous and --caller-json JSON", "rewrite");
  Caller caller{user, anonymous, nullptr};
  if (has_caller) {
    auto identity = ParseCallerJson(caller_json);
    if (!identity.ok()) {
      PrintError(ToStd(identity.status().message()));
      return kExitRefused;
    }
    caller.identity = std::make_shared<const CallerIdentity>(std::move(*identity));
  }
  std::vector<GuestRule> guest_rules;
  if (has_guest) {
    auto rules = ParseGuestRules(guest_json);
    if (!rules.ok()) {
      PrintError(ToStd(rules.status().message()));
      return kExitRefused;
    }
    guest_rules = std::move(*rules);
  }

  const Dialect* stated = nullptr;
  if (!input.dialect.Resolve(&stated, "rewrite")) return kExitUsage;
  ParseOptions limits;
  if (!ResolveLimits(input, &limits)) return kExitUsage;
  auto policy = policy_input.Load(stated);
  if (!policy.ok()) {
    PrintError(ToStd(policy.status().message()));
    return kExitBadPolicy;
  }
  const Dialect* dialect = &(*policy)->dialect();
  Engine engine(std::move(*policy), /*plan_cache_capacity=*/16, limits);
  std::string sql;
  if (!ReadSql(input, limits.max_input_bytes, &sql)) return kExitRefused;

  RewriteOptions options;
  if (has_placement) {
    auto mode = policy::ParsePlacementMode(placement);
    if (!mode.ok()) return UsageError(Cat("--placement: ", ToStd(mode.status().message())), "rewrite");
    options.placement = *mode;
  }
  if (has_search_path) {
    auto path = ParseSearchPath(search_path, *dialect);
    if (!path.ok()) return UsageError(Cat("--search-path: ", ToStd(path.status().message())), "rewrite");
    options.search_path = std::move(*path);
  }
  options.client_encoding = client_encoding;
  options.database = database;
  options.dialect = dialect;
  options.explain = explain;
  options.guest_rules = std::move(guest_rules);
  auto result = engine.rewrite(sql, caller, options);
  if (!result.ok()) {
    PrintError(ToStd(result.status().message()));
    switch (result.status().code()) {
      case absl::StatusCode::kNotFound:          // unknown user or role; a user field a template needs is missing
      case absl::StatusCode::kPermissionDenied:  // no data access to some table (all of them are listed)
        return kExitUnknownUser;
      case absl::StatusCode::kFailedPrecondition: return kExitBadPolicy;
      default: return kExitRefused;
    }
  }
  std::string out = explain ? result->ExplainJson() : result->sql;
  out.push_back('\n');
  std::cout << out << std::flush;
  return std::cout ? kExitOk : kExitRefused;
}

}  // namespace

RLSQ_CLI_COMMAND("rewrite", "inject a user's row-level-security filters into one read-only query", &RunRewrite);

}  // namespace rlsq::cli
