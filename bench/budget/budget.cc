#include "bench/budget/budget.h"

#include "bench/common/median.h"
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "lib/common/status.h"
#include "lib/common/str_cat.h"
#include "lib/json/json.h"

namespace rlsq::bench {
namespace {

std::string Num(double v) {
  char buf[32];
  if (v != 0 && (std::fabs(v) < 0.01 || std::fabs(v) >= 1e6))
    std::snprintf(buf, sizeof buf, "%.3g", v);
  else
    std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// A time in ns, printed in a readable unit.
std::string Time(double ns) {
  char buf[32];
  if (ns < 1e3) std::snprintf(buf, sizeof buf, "%.1f ns", ns);
  else if (ns < 1e6) std::snprintf(buf, sizeof buf, "%.2f us", ns / 1e3);
  else if (ns < 1e9) std::snprintf(buf, sizeof buf, "%.2f ms", ns / 1e6);
  else std::snprintf(buf, sizeof buf, "%.2f s", ns / 1e9);
  return buf;
}

bool IsTimeField(std::string_view f) { return f == "cpu_time" || f == "real_time"; }

absl::Status Bad(std::string_view where, std::string_view what) {
  return absl::InvalidArgumentError(Cat("budget: ", where, ": ", what));
}

absl::StatusOr<double> NumberOf(const json::Value& v, std::string_view where) {
  if (v.type() != json::Value::Type::kNumber) return Bad(where, "must be a number");
  const std::string text = std::string(v.text());
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return Bad(where, "must be a number");
  return d;
}

absl::StatusOr<std::string> StringOf(const json::Value& v, std::string_view where) {
  if (!v.is_string() || v.text().empty()) return Bad(where, "must be a non-empty string");
  return std::string(v.text());
}

absl::StatusOr<Metric> ParseMetric(const json::Value& v, std::string_view where) {
  if (!v.is_object()) return Bad(where, "must be an object {\"program\", \"name\"[, \"field\"]}");
  Metric m;
  bool has_program = false, has_name = false;
  for (const auto& [k, val] : v.members()) {
    std::string w = Cat(where, ".", k);
    if (k == "program") {
      RLSQ_ASSIGN_OR_RETURN(m.program, StringOf(val, w));
      has_program = true;
    } else if (k == "name") {
      RLSQ_ASSIGN_OR_RETURN(m.name, StringOf(val, w));
      has_name = true;
    } else if (k == "field") {
      RLSQ_ASSIGN_OR_RETURN(m.field, StringOf(val, w));
    } else {
      return Bad(w, "unknown key");
    }
  }
  if (!has_program || !has_name) return Bad(where, "needs \"program\" and \"name\"");
  return m;
}

double TimeScaleToNs(std::string_view unit) {
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  return 1;
}

}  // namespace

std::string Metric::Describe() const {
  std::string d = Cat(program, " ", name);
  if (!name.empty() && name.back() == '/') d += "* (median)";
  if (field != "cpu_time") Append(&d, " [", field, "]");
  return d;
}

absl::StatusOr<Budget> ParseBudget(std::string_view text) {
  auto doc = json::Parse(text);
  if (!doc.ok()) return Bad("file", ToStd(doc.status().message()));
  if (!doc->is_object()) return Bad("file", "must be an object");
  Budget budget;
  for (const auto& [k, v] : doc->members()) {
    if (k == "note") continue;
    if (k != "checks") return Bad(k, "unknown key");
    if (!v.is_array()) return Bad("checks", "must be an array");
    std::set<std::string> names;
    for (size_t i = 0; i < v.items().size(); ++i) {
      const json::Value& c = v.items()[i];
      std::string where = Cat("checks[", i, "]");
      if (!c.is_object()) return Bad(where, "must be an object");
      Check check;
      bool has_num = false;
      for (const auto& [ck, cv] : c.members()) {
        std::string w = Cat(where, ".", ck);
        if (ck == "name") {
          RLSQ_ASSIGN_OR_RETURN(check.name, StringOf(cv, w));
        } else if (ck == "numerator") {
          RLSQ_ASSIGN_OR_RETURN(check.numerator, ParseMetric(cv, w));
          has_num = true;
        } else if (ck == "denominator") {
          RLSQ_ASSIGN_OR_RETURN(check.denominator, ParseMetric(cv, w));
        } else if (ck == "max") {
          RLSQ_ASSIGN_OR_RETURN(check.max, NumberOf(cv, w));
        } else if (ck == "min") {
          RLSQ_ASSIGN_OR_RETURN(check.min, NumberOf(cv, w));
        } else if (ck == "target") {
          RLSQ_ASSIGN_OR_RETURN(check.target, NumberOf(cv, w));
        } else if (ck == "note") {
          RLSQ_ASSIGN_OR_RETURN(check.unit_note, StringOf(cv, w));
        } else {
          return Bad(w, "unknown key");
        }
      }
      if (check.name.empty()) return Bad(where, "needs a \"name\"");
      if (!has_num) return Bad(where, "needs a \"numerator\"");
      if (check.max.has_value() == check.min.has_value()) return Bad(where, "needs exactly one of \"max\" and \"min\"");
      if (!names.insert(check.name).second) return Bad(where, Cat("duplicate check name '", check.name, "'"));
      budget.checks.push_back(std::move(check));
    }
  }
  if (budget.checks.empty()) return Bad("checks", "no checks");
  return budget;
}

absl::StatusOr<ProgramResults> ParseResults(std::string_view text) {
  auto doc = json::Parse(text);
  if (!doc.ok()) return absl::InvalidArgumentError(Cat("results: ", ToStd(doc.status().message())));
  const json::Value* benchmarks = doc->Find("benchmarks");
  if (!benchmarks || !benchmarks->is_array()) return absl::InvalidArgumentError("results: no \"benchmarks\" array");
  ProgramResults out;
  if (const json::Value* ctx = doc->Find("context")) {
    const json::Value* host = ctx->Find("host_name");
    const json::Value* cpus = ctx->Find("num_cpus");
    const json::Value* mhz = ctx->Find("mhz_per_cpu");
    if (host && host->is_string()) out.context = host->text();
    if (cpus) Append(&out.context, ", ", cpus->text(), " CPUs");
    if (mhz) Append(&out.context, " at ", mhz->text(), " MHz");
  }
  // Per benchmark: iteration runs (one per repetition) and the median aggregate when reported.
  std::map<std::string, std::vector<std::map<std::string, double>>> runs;
  std::map<std::string, std::map<std::string, double>> medians;
  for (const json::Value& b : benchmarks->items()) {
    const json::Value* name = b.Find("run_name");
    if (!name) name = b.Find("name");
    if (!name || !name->is_string()) continue;
    if (const json::Value* err = b.Find("error_occurred"); err && err->boolean()) continue;
    const json::Value* type = b.Find("run_type");
    std::string aggregate;
    if (type && type->is_string() && type->text() == "aggregate") {
      const json::Value* agg = b.Find("aggregate_name");
      aggregate = agg && agg->is_string() ? agg->text() : "";
      if (aggregate != "median") continue;
    }
    const json::Value* unit = b.Find("time_unit");
    double scale = TimeScaleToNs(unit && unit->is_string() ? std::string_view(unit->text()) : "ns");
    std::map<std::string, double> fields;
    for (const auto& [k, v] : b.members()) {
      if (v.type() != json::Value::Type::kNumber) continue;
      double d = std::strtod(std::string(v.text()).c_str(), nullptr);
      fields[std::string(k)] = IsTimeField(k) ? d * scale : d;
    }
    if (aggregate == "median") medians[std::string(name->text())] = std::move(fields);
    else runs[std::string(name->text())].push_back(std::move(fields));
  }
  for (auto& [name, reps] : runs) {
    if (medians.count(name)) continue;
    std::map<std::string, double> mean;
    for (const auto& r : reps)
      for (const auto& [k, v] : r) mean[k] += v / static_cast<double>(reps.size());
    out.benchmarks[name] = std::move(mean);
  }
  for (auto& [name, fields] : medians) out.benchmarks[name] = std::move(fields);
  return out;
}

absl::StatusOr<double> Evaluate(const Metric& m, const std::map<std::string, ProgramResults>& results, size_t* count) {
  auto it = results.find(m.program);
  if (it == results.end()) return absl::NotFoundError(Cat("no results from ", m.program));
  std::vector<double> values;
  bool prefix = !m.name.empty() && m.name.back() == '/';
  for (const auto& [name, fields] : it->second.benchmarks) {
    if (prefix ? name.rfind(m.name, 0) != 0 : name != m.name) continue;
    auto f = fields.find(m.field);
    if (f == fields.end()) return absl::NotFoundError(Cat(m.program, " ", name, " has no field ", m.field));
    values.push_back(f->second);
  }
  if (values.empty()) return absl::NotFoundError(Cat("no benchmark ", m.Describe()));
  if (count) *count = values.size();
  return Median(std::move(values));
}

std::vector<CheckOutcome> RunChecks(const Budget& budget, const std::map<std::string, ProgramResults>& results) {
  std::vector<CheckOutcome> out;
  for (const Check& c : budget.checks) {
    CheckOutcome o;
    o.check = &c;
    auto num = Evaluate(c.numerator, results, &o.numerator_count);
    absl::StatusOr<double> den = 1.0;
    if (c.denominator) den = Evaluate(*c.denominator, results, &o.denominator_count);
    if (!num.ok() || !den.ok() || *den == 0) {
      o.message = Cat("budget check '", c.name, "' could not be measured: ",
                      !num.ok() ? ToStd(num.status().message())
                      : !den.ok() ? ToStd(den.status().message())
                                  : std::string_view("denominator is 0"));
      out.push_back(std::move(o));
      continue;
    }
    o.measured = true;
    o.numerator = *num;
    o.denominator = *den;
    o.ratio = *num / *den;
    o.passed = c.max ? o.ratio <= *c.max : o.ratio >= *c.min;
    if (!o.passed) {
      o.message = Cat("budget exceeded: '", c.name, "': ", c.numerator.Describe(),
                      c.denominator ? Cat(" / ", c.denominator->Describe()) : std::string(), " = ", Num(o.ratio),
                      c.max ? Cat(" > max ", Num(*c.max)) : Cat(" < min ", Num(*c.min)));
      if (c.target) Append(&o.message, " (target ", Num(*c.target), ")");
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::string MarkdownSummary(const std::vector<CheckOutcome>& outcomes,
                            const std::map<std::string, ProgramResults>& results) {
  std::string md = "## rlsq benchmark budget\n\n";
  for (const auto& [program, r] : results)
    if (!r.context.empty()) {
      Append(&md, "Machine: ", r.context, ".\n\n");
      break;
    }
  md += "| check | ratio | budget | target | status | measured |\n|---|---|---|---|---|---|\n";
  size_t failed = 0;
  for (const CheckOutcome& o : outcomes) {
    const Check& c = *o.check;
    std::string budget = c.max ? Cat("≤ ", Num(*c.max)) : Cat("≥ ", Num(*c.min));
    std::string target = c.target ? (c.max ? Cat("≤ ", Num(*c.target)) : Cat("≥ ", Num(*c.target))) : "";
    std::string status = !o.measured ? "NOT MEASURED" : o.passed ? "ok" : "FAILED";
    if (!o.passed) ++failed;
    if (o.passed && c.target && (c.max ? o.ratio > *c.target : o.ratio < *c.target)) status = "ok (target not met)";
    auto show = [](const Metric& m, double v, size_t n) {
      std::string s = IsTimeField(m.field) ? Time(v) : Cat(Num(v), " ", m.field);
      if (n > 1) Append(&s, " (median of ", n, ")");
      return s;
    };
    std::string measured = o.message;
    if (o.measured) {
      measured = Cat(c.numerator.Describe(), ": ", show(c.numerator, o.numerator, o.numerator_count));
      if (c.denominator)
        Append(&measured, "; ", c.denominator->Describe(), ": ",
               show(*c.denominator, o.denominator, o.denominator_count));
    }
    if (!c.unit_note.empty()) Append(&measured, ". ", c.unit_note);
    Append(&md, "| ", c.name, " | ", o.measured ? Num(o.ratio) : "-", " | ", budget, " | ", target, " | ", status,
           " | ", measured, " |\n");
  }
  Append(&md, "\n", failed ? Cat(failed, " of ", outcomes.size(), " checks FAILED.") :
                             Cat("All ", outcomes.size(), " checks passed."), "\n");
  return md;
}

}  // namespace rlsq::bench
