// rlsqd's state behind the HTTP layer: the policy version in force (one immutable snapshot: an engine and what
// describes it, swapped atomically, so each request is answered by exactly one version), the watcher that follows
// the source, reloads, the audit log and the metrics.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "lib/sources/policy_source.h"
#include "rewriter/engine.h"
#include "rlsqd/config.h"
#include "rlsqd/metrics.h"

namespace rlsqd {

// One loaded policy version: never changes once published.
struct Loaded {
  std::shared_ptr<const rlsq::Engine> engine;
  std::string version;  // the first 16 hex digits of the policy's digest
  uint64_t generation = 0;  // 1 for the first policy, +1 per version swapped in
  std::chrono::system_clock::time_point loaded_at;
};

// One JSON line per decision, to stderr or a file (README "rlsqd", "Audit log").
class AuditLog {
 public:
  // "off", "stderr" or a path (opened for appending).
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& where);
  ~AuditLog();
  bool enabled() const { return out_ != nullptr; }
  void Write(const std::string& line);  // line: a JSON object without the newline

 private:
  std::mutex mu_;
  FILE* out_ = nullptr;
  bool owned_ = false;
};

class Service {
 public:
  // Opens the audit log (InvalidArgument when --audit names a file that cannot be appended to) and loads the
  // policy once; a failed load is logged and the service starts without one (503 until a load succeeds).
  static absl::StatusOr<std::unique_ptr<Service>> Create(const Config& config);
  Service(const Config& config, std::unique_ptr<AuditLog> audit);
  ~Service();  // stops the watcher and the reload thread

  // The version in force, or null while none is loaded.
  std::shared_ptr<const Loaded> current() const { return current_.load(); }

  // Checks the source now and swaps a changed policy in (POST /v1/reload). OK when the policy in force is current
  // (`*changed` says whether a new version came in); the load's error when the new policy is refused (the old one
  // stays in force).
  absl::Status ReloadNow(bool* changed);
  // The same, on the service's reload thread (SIGHUP: a signal handler must not load).
  void RequestReload();

  const Config& config() const { return config_; }
  Metrics& metrics() { return metrics_; }
  AuditLog& audit() { return *audit_; }
  std::string source_description() const;
  uint64_t reloads() const { return reloads_.load(); }
  uint64_t reload_failures() const { return reload_failures_.load(); }
  std::string last_error() const;
  std::vector<std::string> warnings() const;

  // Plan-cache hits and misses over every version (a retired version's counts are kept).
  uint64_t plan_cache_hits() const;
  uint64_t plan_cache_misses() const;
  uint64_t plan_cache_shape_hits() const;

  // The policy, cache and reload families in Prometheus's text format.
  void AppendMetrics(std::string* out) const;

 private:
  std::chrono::milliseconds PollInterval() const;  // of the watcher
  // Starts following `source` (mu_ held); `fingerprint` and `digest` of the policy in force, "" for none.
  void StartWatcherLocked(std::unique_ptr<rlsq::sources::PolicySource> source, std::string fingerprint,
                          std::string digest);
  void Publish(std::shared_ptr<const rlsq::policy::Policy> policy);
  void LoadFailed(const absl::Status& status);
  void ReloadLoop();

  Config config_;
  const rlsq::Dialect* dialect_;
  Metrics metrics_;
  std::unique_ptr<AuditLog> audit_;
  std::atomic<std::shared_ptr<const Loaded>> current_;
  std::atomic<uint64_t> reloads_{0}, reload_failures_{0};
  std::atomic<uint64_t> retired_hits_{0}, retired_misses_{0}, retired_shape_hits_{0};
  mutable std::mutex mu_;  // last_error_, the watcher's construction
  std::string last_error_;
  std::unique_ptr<rlsq::sources::PolicyWatcher> watcher_;
  // The reload thread (SIGHUP).
  std::mutex reload_mu_;
  std::condition_variable reload_cv_;
  bool reload_requested_ = false, stopping_ = false;
  std::thread reload_thread_;
};

// Logs one line to stderr with a timestamp (service events: loads, reloads, failures, shutdown).
void LogEvent(const std::string& message);

}  // namespace rlsqd
