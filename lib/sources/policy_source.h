// Where a policy comes from, and following it as it changes.
//
//   PolicySource    a file (JSON or YAML) or Superset's metadata database (a URI): Load() reads one consistent
//                   snapshot and validates it into a Policy; Fingerprint() is a cheap value that changes when the
//                   source does (a file's identity, size and modification time; the database's, see
//                   Connection::ChangeFingerprint).
//   PolicyWatcher   a thread that polls the fingerprint every `interval` (and on PostgreSQL also wakes on NOTIFY
//                   from the trigger in scripts/superset-notify-trigger.sql), loads a changed source, and hands each
//                   new Policy to a callback (Engine::Reload swaps it in atomically). A load that fails leaves the
//                   old policy in force and is reported; the next change (or the next poll) tries again.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/dialect/dialect.h"
#include "lib/policy/policy.h"

namespace rlsq::sources {

class PolicySource {
 public:
  virtual ~PolicySource() = default;
  // "file policy.yaml", "superset metadata postgresql://rlsq:***@/superset" (never a password).
  virtual std::string Describe() const = 0;
  virtual absl::StatusOr<std::string> Fingerprint() = 0;
  virtual absl::StatusOr<std::shared_ptr<const policy::Policy>> Load() = 0;
  // What the last successful Load left out, and why (Superset rows rlsq does not apply).
  virtual std::vector<std::string> warnings() const { return {}; }
  // PostgreSQL: waits up to `timeout` for a notification on the source's channel; false when none came or the
  // source has no notifications.
  virtual bool has_notifications() const { return false; }
  virtual absl::StatusOr<bool> WaitForNotification(std::chrono::milliseconds timeout) {
    (void)timeout;
    return false;
  }
};

struct SourceOptions {
  std::string policy_file;    // a JSON or YAML policy
  std::string policy_db;      // or a metadata database URI (sqlite:///..., postgresql://..., mysql://...)
  std::string settings_file = {};  // with policy_db: the keys the metadata does not hold (JSON or YAML), optional
  std::string settings_json = {};  // or the same as JSON text
  std::string notify_channel = "rlsq_policy";  // PostgreSQL LISTEN channel
};

// Opens the source (connecting to the database, not loading yet). InvalidArgument for bad options or URI,
// Unavailable when the database cannot be reached. `dialect`: the caller's, or null for the policy's own
// (policy::ChoosePolicyDialect).
absl::StatusOr<std::unique_ptr<PolicySource>> OpenPolicySource(const SourceOptions& options, const Dialect* dialect);
inline absl::StatusOr<std::unique_ptr<PolicySource>> OpenPolicySource(const SourceOptions& options,
                                                                      const Dialect& dialect) {
  return OpenPolicySource(options, &dialect);
}

// A Superset metadata database's snapshot as a policy document (for tools and tests: `rlsq policy-export`).
absl::StatusOr<json::Value> ExportSupersetPolicy(const SourceOptions& options, std::vector<std::string>* warnings);

class PolicyWatcher {
 public:
  struct Options {
    std::chrono::milliseconds interval{2000};  // fingerprint polls
  };
  using OnPolicy = std::function<void(std::shared_ptr<const policy::Policy>)>;
  using OnError = std::function<void(const absl::Status&)>;

  // Starts watching. `fingerprint` is the one taken before the policy in force was loaded (so a change between that
  // and the load is seen at the first poll), `digest` that policy's (a load that gives the same document is not
  // handed over).
  PolicyWatcher(std::unique_ptr<PolicySource> source, std::string fingerprint, std::string digest, OnPolicy on_policy,
                OnError on_error, Options options);
  ~PolicyWatcher();  // stops and joins
  PolicyWatcher(const PolicyWatcher&) = delete;
  PolicyWatcher& operator=(const PolicyWatcher&) = delete;

  // Checks now, on the caller's thread (tests, SIGHUP): reloads when the fingerprint changed.
  absl::Status CheckNow();

  uint64_t polls() const { return polls_.load(); }
  uint64_t reloads() const { return reloads_.load(); }    // new policies handed over
  uint64_t failures() const { return failures_.load(); }  // loads or polls that failed (old policy kept)
  std::string last_error() const;
  std::string source_description() const { return source_->Describe(); }
  std::vector<std::string> warnings() const { return source_->warnings(); }

 private:
  void Run();
  absl::Status Check(bool force);

  std::unique_ptr<PolicySource> source_;
  std::string fingerprint_;
  std::string digest_;  // of the policy in force: an unchanged document is not handed over again
  OnPolicy on_policy_;
  OnError on_error_;
  Options options_;
  std::mutex check_mu_;  // one check at a time (the thread and CheckNow)
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::string last_error_;
  std::atomic<uint64_t> polls_{0}, reloads_{0}, failures_{0};
  std::thread thread_;
};

}  // namespace rlsq::sources
