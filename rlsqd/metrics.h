// rlsqd's counters, exposed in Prometheus's text format (GET /metrics): requests by endpoint and outcome, a latency
// histogram per endpoint, open connections. Lock-free: every request updates a few atomics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace rlsqd {

enum class Endpoint : uint8_t { kRewrite, kCheck, kPolicy, kReload, kLivez, kReadyz, kMetrics, kOther, kCount };
enum class Outcome : uint8_t {
  kOk,           // 200
  kRefused,      // 422: SQL rlsq refuses, or a reload whose policy is refused
  kDenied,       // 403
  kNotFound,     // 404: unknown user (or path)
  kBadRequest,   // 400, 405, 431
  kUnauthorized, // 401
  kTooLarge,     // 413
  kUnavailable,  // 503: no policy, too many connections, shutting down
  kError,        // 500
  kCount
};

std::string_view EndpointName(Endpoint e);
std::string_view OutcomeName(Outcome o);

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 14> kBuckets = {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                                      0.0025,  0.005,    0.01,    0.025,  0.05,    0.1,    1.0};

  void Record(Endpoint e, Outcome o, uint64_t nanoseconds);
  void ConnectionOpened() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_.fetch_sub(1, std::memory_order_relaxed); }
  void ConnectionRefused() { refused_connections_.fetch_add(1, std::memory_order_relaxed); }
  int64_t connections() const { return connections_.load(std::memory_order_relaxed); }
  uint64_t requests(Endpoint e, Outcome o) const {
    return requests_[Index(e)][static_cast<size_t>(o)].load(std::memory_order_relaxed);
  }

  // The request families in the exposition format (the service appends its policy and cache families).
  void AppendText(std::string* out) const;

 private:
  static size_t Index(Endpoint e) { return static_cast<size_t>(e); }
  static constexpr size_t kEndpoints = static_cast<size_t>(Endpoint::kCount);
  static constexpr size_t kOutcomes = static_cast<size_t>(Outcome::kCount);
  std::array<std::array<std::atomic<uint64_t>, kOutcomes>, kEndpoints> requests_{};
  std::array<std::array<std::atomic<uint64_t>, kBuckets.size() + 1>, kEndpoints> buckets_{};  // last: +Inf
  std::array<std::atomic<uint64_t>, kEndpoints> sum_ns_{};
  std::atomic<int64_t> connections_{0};
  std::atomic<uint64_t> refused_connections_{0};
};

// Appends one sample line: `name{labels} value\n` (labels may be empty).
void AppendSample(std::string* out, std::string_view name, std::string_view labels, double value);
// A label value escaped as the format asks (backslash, quote, newline).
std::string LabelValue(std::string_view v);

}  // namespace rlsqd
