#include "rlsqd/metrics.h"

#include <cstdio>

#include "lib/common/str_cat.h"

namespace rlsqd {

using rlsq::Append;

std::string_view EndpointName(Endpoint e) {
  switch (e) {
    case Endpoint::kRewrite: return "/v1/rewrite";
    case Endpoint::kCheck: return "/v1/check";
    case Endpoint::kPolicy: return "/v1/policy";
    case Endpoint::kReload: return "/v1/reload";
    case Endpoint::kLivez: return "/livez";
    case Endpoint::kReadyz: return "/readyz";
    case Endpoint::kMetrics: return "/metrics";
    case Endpoint::kOther:
    case Endpoint::kCount: break;
  }
  return "other";
}

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kOk: return "ok";
    case Outcome::kRefused: return "refused";
    case Outcome::kDenied: return "denied";
    case Outcome::kNotFound: return "not_found";
    case Outcome::kBadRequest: return "bad_request";
    case Outcome::kUnauthorized: return "unauthorized";
    case Outcome::kTooLarge: return "too_large";
    case Outcome::kUnavailable: return "unavailable";
    case Outcome::kError: return "error";
    case Outcome::kCount: break;
  }
  return "error";
}

void Metrics::Record(Endpoint e, Outcome o, uint64_t nanoseconds) {
  const size_t i = Index(e);
  requests_[i][static_cast<size_t>(o)].fetch_add(1, std::memory_order_relaxed);
  const double seconds = static_cast<double>(nanoseconds) * 1e-9;
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  buckets_[i][b].fetch_add(1, std::memory_order_relaxed);
  sum_ns_[i].fetch_add(nanoseconds, std::memory_order_relaxed);
}

std::string LabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void AppendSample(std::string* out, std::string_view name, std::string_view labels, double value) {
  char number[32];
  std::snprintf(number, sizeof number, "%.17g", value);
  Append(out, name, labels.empty() ? "" : "{", labels, labels.empty() ? "" : "}", " ", number, "\n");
}

void Metrics::AppendText(std::string* out) const {
  *out += "# HELP rlsqd_requests_total HTTP requests by endpoint and outcome.\n";
  *out += "# TYPE rlsqd_requests_total counter\n";
  for (size_t e = 0; e < kEndpoints; ++e)
    for (size_t o = 0; o < kOutcomes; ++o) {
      const uint64_t n = requests_[e][o].load(std::memory_order_relaxed);
      if (n == 0) continue;
      AppendSample(out, "rlsqd_requests_total",
                   rlsq::Cat("endpoint=\"", EndpointName(static_cast<Endpoint>(e)), "\",outcome=\"",
                             OutcomeName(static_cast<Outcome>(o)), "\""),
                   static_cast<double>(n));
    }
  *out += "# HELP rlsqd_request_duration_seconds Time from a request's last byte to its answer, by endpoint.\n";
  *out += "# TYPE rlsqd_request_duration_seconds histogram\n";
  for (size_t e = 0; e < kEndpoints; ++e) {
    uint64_t total = 0;
    for (const auto& b : buckets_[e]) total += b.load(std::memory_order_relaxed);
    if (total == 0) continue;
    const std::string endpoint = rlsq::Cat("endpoint=\"", EndpointName(static_cast<Endpoint>(e)), "\"");
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += buckets_[e][b].load(std::memory_order_relaxed);
      char le[32];
      if (b < kBuckets.size()) std::snprintf(le, sizeof le, "%g", kBuckets[b]);
      else std::snprintf(le, sizeof le, "+Inf");
      AppendSample(out, "rlsqd_request_duration_seconds_bucket", rlsq::Cat(endpoint, ",le=\"", le, "\""),
                   static_cast<double>(cumulative));
    }
    AppendSample(out, "rlsqd_request_duration_seconds_sum", endpoint,
                 static_cast<double>(sum_ns_[e].load(std::memory_order_relaxed)) * 1e-9);
    AppendSample(out, "rlsqd_request_duration_seconds_count", endpoint, static_cast<double>(cumulative));
  }
  *out += "# HELP rlsqd_connections Open client connections.\n# TYPE rlsqd_connections gauge\n";
  AppendSample(out, "rlsqd_connections", "", static_cast<double>(connections_.load(std::memory_order_relaxed)));
  *out += "# HELP rlsqd_connections_refused_total Connections answered 503 over --max-connections.\n";
  *out += "# TYPE rlsqd_connections_refused_total counter\n";
  AppendSample(out, "rlsqd_connections_refused_total", "",
               static_cast<double>(refused_connections_.load(std::memory_order_relaxed)));
}

}  // namespace rlsqd
