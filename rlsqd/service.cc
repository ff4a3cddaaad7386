#include "rlsqd/service.h"

#include <ctime>

#include "lib/common/str_cat.h"

namespace rlsqd {

using rlsq::Cat;

void LogEvent(const std::string& message) {
  char stamp[32];
  std::time_t t = std::time(nullptr);
  std::tm tm;
  gmtime_r(&t, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::fprintf(stderr, "%s rlsqd: %s\n", stamp, message.c_str());
  std::fflush(stderr);
}

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& where) {
  auto log = std::make_unique<AuditLog>();
  if (where == "off") return log;
  if (where == "stderr") {
    log->out_ = stderr;
    return log;
  }
  log->out_ = std::fopen(where.c_str(), "a");
  if (!log->out_) return absl::InvalidArgumentError(Cat("--audit: cannot open ", where, " for appending"));
  log->owned_ = true;
  return log;
}

AuditLog::~AuditLog() {
  if (owned_ && out_) std::fclose(out_);
}

void AuditLog::Write(const std::string& line) {
  if (!out_) return;
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fputc('\n', out_);
  std::fflush(out_);
}

namespace {

rlsq::sources::SourceOptions SourceOptionsOf(const Config& c) {
  rlsq::sources::SourceOptions o;
  o.policy_file = c.policy_file;
  o.policy_db = c.policy_db;
  o.settings_file = c.policy_settings;
  return o;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Service>> Service::Create(const Config& config) {
  auto audit = AuditLog::Open(config.audit);
  if (!audit.ok()) return audit.status();
  return std::make_unique<Service>(config, std::move(*audit));
}

Service::Service(const Config& config, std::unique_ptr<AuditLog> audit) : config_(config), audit_(std::move(audit)) {
  dialect_ = config.dialect;  // null: each load reads the document's own
  std::string fingerprint, digest;
  auto source = rlsq::sources::OpenPolicySource(SourceOptionsOf(config), dialect_);
  if (source.ok()) {
    auto fp = (*source)->Fingerprint();
    if (fp.ok()) fingerprint = *fp;
    auto policy = (*source)->Load();
    if (policy.ok()) {
      digest = (*policy)->digest();
      Publish(std::move(*policy));
    } else {
      LoadFailed(policy.status());
      fingerprint.clear();  // the first poll tries again
    }
    std::lock_guard<std::mutex> lock(mu_);
    StartWatcherLocked(std::move(*source), fingerprint, digest);
  } else {
    LoadFailed(source.status());  // a database that cannot be reached: the reload thread opens it again
  }
  reload_thread_ = std::thread([this] { ReloadLoop(); });
}

Service::~Service() {
  {
    std::lock_guard<std::mutex> lock(reload_mu_);
    stopping_ = true;
  }
  reload_cv_.notify_all();
  reload_thread_.join();
  std::unique_ptr<rlsq::sources::PolicyWatcher> watcher;
  {
    std::lock_guard<std::mutex> lock(mu_);
    watcher = std::move(watcher_);
  }
  watcher.reset();  // joins its thread
}

void Service::Publish(std::shared_ptr<const rlsq::policy::Policy> policy) {
  auto next = std::make_shared<Loaded>();
  next->version = policy->digest().substr(0, 16);
  next->engine = std::make_shared<const rlsq::Engine>(std::move(policy), config_.plan_cache_capacity);
  next->loaded_at = std::chrono::system_clock::now();
  std::shared_ptr<const Loaded> previous = current_.load();
  next->generation = previous ? previous->generation + 1 : 1;
  current_.store(next);
  if (previous) {
    retired_hits_ += previous->engine->plan_cache_hits();
    retired_misses_ += previous->engine->plan_cache_misses();
    retired_shape_hits_ += previous->engine->plan_cache_shape_hits();
    ++reloads_;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_error_.clear();
  }
  LogEvent(Cat("policy version ", next->version, " (generation ", next->generation, ") in force"));
}

void Service::LoadFailed(const absl::Status& status) {
  ++reload_failures_;
  const std::string message(rlsq::ToStd(status.message()));
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_error_ = message;
  }
  const auto now = current();
  LogEvent(Cat("policy load failed, ", now ? Cat("version ", now->version, " stays in force") : "no policy in force",
               ": ", message));
}

// Without watching, the thread waits a day between polls: SIGHUP and /v1/reload still check at once.
std::chrono::milliseconds Service::PollInterval() const {
  return config_.watch_interval.count() > 0 ? config_.watch_interval : std::chrono::milliseconds(86400000);
}

void Service::StartWatcherLocked(std::unique_ptr<rlsq::sources::PolicySource> source, std::string fingerprint,
                                 std::string digest) {
  rlsq::sources::PolicyWatcher::Options options;
  options.interval = PollInterval();
  watcher_ = std::make_unique<rlsq::sources::PolicyWatcher>(
      std::move(source), std::move(fingerprint), std::move(digest),
      [this](std::shared_ptr<const rlsq::policy::Policy> p) { Publish(p); },
      [this](const absl::Status& s) { LoadFailed(s); }, options);
}

absl::Status Service::ReloadNow(bool* changed) {
  const uint64_t before = current() ? current()->generation : 0;
  absl::Status status;
  rlsq::sources::PolicyWatcher* watcher = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!watcher_) {
      // The source could not be opened at start: open it now (no fingerprint yet: the check loads).
      auto source = rlsq::sources::OpenPolicySource(SourceOptionsOf(config_), dialect_);
      if (source.ok()) StartWatcherLocked(std::move(*source), "", "");
      else status = source.status();
    }
    watcher = watcher_.get();  // lives until ~Service, which runs after the last request
  }
  if (watcher) {
    status = watcher->CheckNow();  // Publish / LoadFailed run inside
  } else {
    LoadFailed(status);
  }
  *changed = (current() ? current()->generation : 0) != before;
  return status;
}

void Service::RequestReload() {
  {
    std::lock_guard<std::mutex> lock(reload_mu_);
    reload_requested_ = true;
  }
  reload_cv_.notify_all();
}

void Service::ReloadLoop() {
  std::unique_lock<std::mutex> lock(reload_mu_);
  for (;;) {
    // While no source is open, retry at the watch interval (or every 2 s).
    const bool retry = [&] {
      std::lock_guard<std::mutex> l(mu_);
      return watcher_ == nullptr;
    }();
    const auto wait = !retry                             ? std::chrono::milliseconds(86400000)
                      : config_.watch_interval.count() > 0 ? config_.watch_interval
                                                           : std::chrono::milliseconds(2000);
    reload_cv_.wait_for(lock, wait, [&] { return reload_requested_ || stopping_; });
    if (stopping_) return;
    if (!reload_requested_ && !retry) continue;
    reload_requested_ = false;
    lock.unlock();
    bool changed = false;
    (void)ReloadNow(&changed);  // logged and counted inside
    lock.lock();
  }
}

std::string Service::source_description() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (watcher_) return watcher_->source_description();
  return config_.policy_file.empty() ? Cat("superset metadata (not reachable)") : Cat("file ", config_.policy_file);
}

std::string Service::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

std::vector<std::string> Service::warnings() const {
  std::lock_guard<std::mutex> lock(mu_);
  return watcher_ ? watcher_->warnings() : std::vector<std::string>();
}

uint64_t Service::plan_cache_hits() const {
  auto now = current();
  return retired_hits_.load() + (now ? now->engine->plan_cache_hits() : 0);
}

uint64_t Service::plan_cache_misses() const {
  auto now = current();
  return retired_misses_.load() + (now ? now->engine->plan_cache_misses() : 0);
}

uint64_t Service::plan_cache_shape_hits() const {
  auto now = current();
  return retired_shape_hits_.load() + (now ? now->engine->plan_cache_shape_hits() : 0);
}

void Service::AppendMetrics(std::string* out) const {
  metrics_.AppendText(out);
  auto now = current();
  *out += "# HELP rlsqd_plan_cache_hits_total Rewrites answered from the plan cache.\n";
  *out += "# TYPE rlsqd_plan_cache_hits_total counter\n";
  AppendSample(out, "rlsqd_plan_cache_hits_total", "", static_cast<double>(plan_cache_hits()));
  *out += "# HELP rlsqd_plan_cache_shape_hits_total Hits on the plan of a query that differs only in constants, "
          "whitespace and comments (counted in rlsqd_plan_cache_hits_total too).\n";
  *out += "# TYPE rlsqd_plan_cache_shape_hits_total counter\n";
  AppendSample(out, "rlsqd_plan_cache_shape_hits_total", "", static_cast<double>(plan_cache_shape_hits()));
  *out += "# HELP rlsqd_plan_cache_misses_total Rewrites that parsed and planned the query.\n";
  *out += "# TYPE rlsqd_plan_cache_misses_total counter\n";
  AppendSample(out, "rlsqd_plan_cache_misses_total", "", static_cast<double>(plan_cache_misses()));
  *out += "# HELP rlsqd_policy_reloads_total New policy versions swapped in after the first.\n";
  *out += "# TYPE rlsqd_policy_reloads_total counter\n";
  AppendSample(out, "rlsqd_policy_reloads_total", "", static_cast<double>(reloads_.load()));
  *out += "# HELP rlsqd_policy_reload_failures_total Loads refused (the version in force stayed).\n";
  *out += "# TYPE rlsqd_policy_reload_failures_total counter\n";
  AppendSample(out, "rlsqd_policy_reload_failures_total", "", static_cast<double>(reload_failures_.load()));
  *out += "# HELP rlsqd_policy_loaded Whether a policy is in force.\n# TYPE rlsqd_policy_loaded gauge\n";
  AppendSample(out, "rlsqd_policy_loaded", "", now ? 1 : 0);
  *out += "# HELP rlsqd_policy_generation The version in force, counted from 1.\n";
  *out += "# TYPE rlsqd_policy_generation gauge\n";
  AppendSample(out, "rlsqd_policy_generation", "", now ? static_cast<double>(now->generation) : 0);
  if (now) {
    *out += "# HELP rlsqd_policy_version_info The version in force (its digest).\n";
    *out += "# TYPE rlsqd_policy_version_info gauge\n";
    AppendSample(out, "rlsqd_policy_version_info", Cat("version=\"", LabelValue(now->version), "\""), 1);
  }
}

}  // namespace rlsqd
