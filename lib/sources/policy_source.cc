#include "lib/sources/policy_source.h"

#include <sys/stat.h>

#include "lib/common/digest.h"
#include "lib/common/status.h"
#include "lib/common/str_cat.h"
#include "lib/json/yaml.h"
#include "lib/sources/connection.h"
#include "lib/sources/superset_source.h"

namespace rlsq::sources {
namespace {

class FileSource : public PolicySource {
 public:
  FileSource(std::string path, const Dialect* dialect) : path_(std::move(path)), dialect_(dialect) {}
  std::string Describe() const override { return Cat("file ", path_); }

  // The file's identity, size and modification time: an edit in place and a rename over it both change it.
  absl::StatusOr<std::string> Fingerprint() override {
    struct stat st {};
    if (stat(path_.c_str(), &st) != 0) return absl::UnavailableError(Cat("cannot stat ", path_));
    return Cat(static_cast<uint64_t>(st.st_dev), "/", static_cast<uint64_t>(st.st_ino), "/",
               static_cast<uint64_t>(st.st_size), "/", static_cast<int64_t>(st.st_mtim.tv_sec), ".",
               static_cast<int64_t>(st.st_mtim.tv_nsec));
  }
  absl::StatusOr<std::shared_ptr<const policy::Policy>> Load() override {
    return policy::Policy::FromFile(path_, dialect_);
  }

 private:
  std::string path_;
  const Dialect* dialect_;  // null: the document's own
};

absl::StatusOr<json::Value> ReadSettings(const SourceOptions& o) {
  if (!o.settings_file.empty() && !o.settings_json.empty())
    return absl::InvalidArgumentError("give the settings as a file or as JSON text, not both");
  std::string text = o.settings_json;
  bool yaml = false;
  if (!o.settings_file.empty()) {
    RLSQ_ASSIGN_OR_RETURN(text, policy::ReadPolicyFile(o.settings_file));
    yaml = policy::IsYamlPath(o.settings_file);
  }
  if (text.empty()) return json::Value();
  auto doc = yaml ? json::ParseYaml(text) : json::Parse(text);
  if (!doc.ok())
    return absl::FailedPreconditionError(Cat("bad policy: settings ", yaml ? "YAML" : "JSON", ": ",
                                             ToStd(doc.status().message())));
  if (!doc->is_object()) return absl::FailedPreconditionError("bad policy: settings: must be an object");
  return std::move(*doc);
}

class SupersetSource : public PolicySource {
 public:
  SupersetSource(DatabaseUri uri, json::Value settings, std::string channel, const Dialect* dialect)
      : uri_(std::move(uri)), settings_(std::move(settings)), channel_(std::move(channel)), dialect_(dialect) {}

  std::string Describe() const override { return Cat("superset metadata ", uri_.Redacted()); }

  absl::StatusOr<std::string> Fingerprint() override {
    RLSQ_RETURN_IF_ERROR(Connected());
    auto groups = conn_->HasTable("ab_group");
    if (!groups.ok()) return Drop(groups.status());
    auto f = conn_->ChangeFingerprint(SupersetTables(*groups));
    if (!f.ok()) return Drop(f.status());
    return *f;
  }

  absl::StatusOr<std::shared_ptr<const policy::Policy>> Load() override {
    RLSQ_ASSIGN_OR_RETURN(SupersetSnapshot snap, Read());
    std::string canonical;
    json::AppendValue(snap.document, &canonical);
    auto p = policy::Policy::FromDocument(snap.document, Sha256Hex({"rlsq superset policy", dialect_ ? dialect_->configuration() : "", canonical}),
                                          dialect_);
    if (!p.ok())
      return absl::Status(p.status().code(), Cat(ToStd(p.status().message()), " (read from ", uri_.Redacted(), ")"));
    std::lock_guard<std::mutex> lock(mu_);
    warnings_ = std::move(snap.warnings);
    return p;
  }

  absl::StatusOr<SupersetSnapshot> Read() {
    RLSQ_RETURN_IF_ERROR(Connected());
    auto snap = ReadSupersetMetadata(*conn_, settings_);
    if (!snap.ok()) return Drop(snap.status());
    return snap;
  }

  std::vector<std::string> warnings() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return warnings_;
  }

  bool has_notifications() const override { return uri_.backend == Backend::kPostgres; }
  absl::StatusOr<bool> WaitForNotification(std::chrono::milliseconds timeout) override {
    RLSQ_RETURN_IF_ERROR(Connected());
    auto got = conn_->WaitForNotification(channel_, timeout);
    if (!got.ok()) return Drop(got.status());
    return *got;
  }

 private:
  absl::Status Connected() {
    if (conn_) return absl::OkStatus();
    RLSQ_ASSIGN_OR_RETURN(conn_, Connect(uri_));
    return absl::OkStatus();
  }
  // A failed statement may have lost the connection: the next call reconnects.
  absl::Status Drop(absl::Status s) {
    if (s.code() == absl::StatusCode::kUnavailable) conn_.reset();
    return s;
  }

  DatabaseUri uri_;
  json::Value settings_;
  std::string channel_;
  const Dialect* dialect_;  // null: the document's own
  std::unique_ptr<Connection> conn_;
  mutable std::mutex mu_;
  std::vector<std::string> warnings_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<PolicySource>> OpenPolicySource(const SourceOptions& o, const Dialect* dialect) {
  if (o.policy_file.empty() == o.policy_db.empty())
    return absl::InvalidArgumentError("give a policy file or a policy database URI (exactly one)");
  if (!o.policy_file.empty()) {
    if (!o.settings_file.empty() || !o.settings_json.empty())
      return absl::InvalidArgumentError("settings go with a policy database; a policy file holds its own");
    return std::unique_ptr<PolicySource>(new FileSource(o.policy_file, dialect));
  }
  RLSQ_ASSIGN_OR_RETURN(DatabaseUri uri, ParseDatabaseUri(o.policy_db));
  RLSQ_ASSIGN_OR_RETURN(json::Value settings, ReadSettings(o));
  return std::unique_ptr<PolicySource>(new SupersetSource(std::move(uri), std::move(settings), o.notify_channel, dialect));
}

absl::StatusOr<json::Value> ExportSupersetPolicy(const SourceOptions& o, std::vector<std::string>* warnings) {
  RLSQ_ASSIGN_OR_RETURN(DatabaseUri uri, ParseDatabaseUri(o.policy_db));
  RLSQ_ASSIGN_OR_RETURN(json::Value settings, ReadSettings(o));
  SupersetSource source(std::move(uri), std::move(settings), o.notify_channel, nullptr);
  RLSQ_ASSIGN_OR_RETURN(SupersetSnapshot snap, source.Read());
  if (warnings) *warnings = std::move(snap.warnings);
  return json::Value(snap.document);  // a copy owns its strings (the snapshot's go with it)
}

PolicyWatcher::PolicyWatcher(std::unique_ptr<PolicySource> source, std::string fingerprint, std::string digest,
                             OnPolicy on_policy, OnError on_error, Options options)
    : source_(std::move(source)),
      fingerprint_(std::move(fingerprint)),
      digest_(std::move(digest)),
      on_policy_(std::move(on_policy)),
      on_error_(std::move(on_error)),
      options_(options) {
  thread_ = std::thread([this] { Run(); });
}

PolicyWatcher::~PolicyWatcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::string PolicyWatcher::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

absl::Status PolicyWatcher::CheckNow() { return Check(false); }

absl::Status PolicyWatcher::Check(bool force) {
  std::lock_guard<std::mutex> check(check_mu_);
  ++polls_;
  absl::Status status = [&]() -> absl::Status {
    // The fingerprint is taken before the load: a change that lands during the load shows at the next poll.
    RLSQ_ASSIGN_OR_RETURN(std::string f, source_->Fingerprint());
    if (f == fingerprint_ && !force) return absl::OkStatus();
    RLSQ_ASSIGN_OR_RETURN(std::shared_ptr<const policy::Policy> p, source_->Load());
    fingerprint_ = std::move(f);
    if (p->digest() == digest_) return absl::OkStatus();  // the same document (a no-op write)
    digest_ = p->digest();
    ++reloads_;
    on_policy_(std::move(p));
    return absl::OkStatus();
  }();
  if (!status.ok()) {
    ++failures_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_error_ = std::string(ToStd(status.message()));
    }
    if (on_error_) on_error_(status);
  }
  return status;
}

void PolicyWatcher::Run() {
  auto stopping = [&] {
    std::lock_guard<std::mutex> lock(mu_);
    return stop_;
  };
  while (!stopping()) {
    bool notified = false;
    const auto deadline = std::chrono::steady_clock::now() + options_.interval;
    if (source_->has_notifications()) {
      // Wait in short slices on the connection, so that a stop (or CheckNow) never waits long.
      while (!notified && !stopping() && std::chrono::steady_clock::now() < deadline) {
        std::lock_guard<std::mutex> check(check_mu_);
        auto got = source_->WaitForNotification(std::chrono::milliseconds(100));
        if (!got.ok()) {  // the database is away: wait out the interval, then the poll reports it
          std::unique_lock<std::mutex> lock(mu_);
          cv_.wait_until(lock, deadline, [&] { return stop_; });
          break;
        }
        notified = *got;
      }
    } else {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_until(lock, deadline, [&] { return stop_; });
    }
    if (stopping()) break;
    (void)Check(false);  // errors are counted and reported by Check
  }
}

}  // namespace rlsq::sources
