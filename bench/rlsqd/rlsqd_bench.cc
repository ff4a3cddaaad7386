// rlsqd_bench: what the HTTP sidecar costs per request. Starts rlsqd (examples/policy.json, --threads 2) and sends
// POST /v1/rewrite over keep-alive loopback connections from client threads (blocking sockets, TCP_NODELAY), at 1, 8
// and 64 connections, for plan-cache hits (a few chart queries repeated) and misses (a fresh alias each time);
// in the same run it calls Engine::rewrite in this process for the same requests. Prints requests per second and
// p50/p99 latency of each, and the sidecar's own cost: p50 over HTTP at 1 connection minus the library's p50.
//
//   rlsqd_bench [--rlsqd PATH] [--policy FILE] [--requests N]    (N per connection count and kind; default 20000)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "lib/common/str_cat.h"
#include "lib/json/json.h"
#include "rewriter/engine.h"
#include "rlsqd/api.h"
#include "rlsqd/service.h"

namespace {

using rlsq::Cat;

pid_t child = 0;  // rlsqd: killed on every exit path, so that it never outlives the bench
void KillChild() {
  if (child > 0) ::kill(child, SIGTERM);
}
using Clock = std::chrono::steady_clock;

struct Stats {
  double rps = 0, p50_us = 0, p99_us = 0;
};

Stats Summarize(std::vector<double> us, double seconds) {
  Stats s;
  if (us.empty()) return s;
  std::sort(us.begin(), us.end());
  s.rps = static_cast<double>(us.size()) / seconds;
  s.p50_us = us[us.size() / 2];
  s.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  return s;
}

// The request bodies: hits repeat a few chart-like queries; misses carry a fresh alias each (a fresh literal would
// be a hit on the query's shape).
std::string Sql(bool hit, uint64_t i) {
  static const char* kCharts[] = {
      "SELECT n_name, count(*) AS c FROM nation GROUP BY n_name ORDER BY c DESC LIMIT 10",
      "SELECT o_orderpriority, sum(o_totalprice) FROM orders o JOIN customer c ON c.c_custkey = o.o_custkey "
      "GROUP BY o_orderpriority",
      "SELECT date_trunc('month', o_orderdate) AS m, count(*) FROM orders GROUP BY 1 ORDER BY 1",
      "SELECT c_mktsegment, avg(c_acctbal) FROM customer GROUP BY c_mktsegment",
  };
  if (hit) return kCharts[i % 4];
  return Cat("SELECT o_orderkey FROM orders o", i, " WHERE o", i, ".o_totalprice > 1000 AND o", i,
             ".o_orderdate >= DATE '1995-01-01'");
}

std::string Body(bool hit, uint64_t i) {
  std::string out = "{\"sql\":";
  rlsq::json::AppendString(Sql(hit, i), &out);
  out += ",\"user\":\"alice\"}";
  return out;
}

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// One request and its whole response on a keep-alive connection; the status code.
int RoundTrip(int fd, const std::string& request, std::string* buf) {
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return -1;
    sent += static_cast<size_t>(n);
  }
  buf->clear();
  size_t header_end = std::string::npos, length = 0;
  char chunk[16384];
  for (;;) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return -1;
    buf->append(chunk, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      header_end = buf->find("\r\n\r\n");
      if (header_end == std::string::npos) continue;
      size_t cl = buf->find("Content-Length: ");
      if (cl == std::string::npos || cl > header_end) return -1;
      length = std::strtoull(buf->c_str() + cl + 16, nullptr, 10);
    }
    if (buf->size() >= header_end + 4 + length) break;
  }
  return std::atoi(buf->c_str() + 9);
}

// POST /v1/rewrite requests (or, `probe`, GET /livez: the transport and HTTP alone).
Stats OverHttp(int port, int connections, bool hit, uint64_t total, std::atomic<uint64_t>* errors, bool probe = false) {
  const uint64_t per = std::max<uint64_t>(1, total / static_cast<uint64_t>(connections));
  std::vector<std::vector<double>> lat(static_cast<size_t>(connections));
  // Misses: a literal never sent before in this run, over every call and connection.
  static std::atomic<uint64_t> next_miss{0};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      int fd = Connect(port);
      std::string buf;
      lat[static_cast<size_t>(c)].reserve(per);
      for (uint64_t k = 0; k < per; ++k) {
        const uint64_t i = hit ? k + static_cast<uint64_t>(c) : next_miss.fetch_add(1);
        const std::string body = Body(hit, i);
        const std::string req =
            probe ? std::string("GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                  : Cat("POST /v1/rewrite HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        "Content-Length: ", body.size(), "\r\n\r\n", body);
        const auto t0 = Clock::now();
        const int status = RoundTrip(fd, req, &buf);
        const auto t1 = Clock::now();
        if (status != 200) ++*errors;
        lat[static_cast<size_t>(c)].push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      }
      ::close(fd);
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  return Summarize(std::move(all), seconds);
}

// The library, in this process, for the same requests (one thread: the figure to subtract).
Stats Library(const rlsq::Engine& engine, bool hit, uint64_t total) {
  static uint64_t miss = 900000000;
  std::vector<double> us;
  us.reserve(total);
  rlsq::RewriteOptions options;
  options.explain = true;  // as rlsqd calls it
  const auto start = Clock::now();
  for (uint64_t k = 0; k < total; ++k) {
    const std::string sql = Sql(hit, hit ? k : miss++);
    const auto t0 = Clock::now();
    auto r = engine.rewrite(sql, rlsq::Caller{"alice"}, options);
    const auto t1 = Clock::now();
    if (!r.ok()) {
      std::fprintf(stderr, "library: %s\n", std::string(r.status().message()).c_str());
      std::exit(1);
    }
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  return Summarize(std::move(us), std::chrono::duration<double>(Clock::now() - start).count());
}

// The sidecar's own work for one request, without the kernel: Beast parses the request's bytes, the endpoint
// handles it (JSON in, the engine, JSON out), Beast serializes the response. One thread.
Stats InProcess(rlsqd::Service& service, bool hit, uint64_t total) {
  namespace http = boost::beast::http;
  static uint64_t miss = 800000000;
  std::vector<double> us;
  us.reserve(total);
  const auto start = Clock::now();
  for (uint64_t k = 0; k < total; ++k) {
    const std::string body = Body(hit, hit ? k : miss++);
    const std::string raw = Cat("POST /v1/rewrite HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                "Content-Length: ", body.size(), "\r\n\r\n", body);
    const auto t0 = Clock::now();
    http::request_parser<http::string_body> parser;
    parser.eager(true);
    boost::beast::error_code ec;
    for (size_t used = 0; !ec && !parser.is_done() && used < raw.size();)
      used += parser.put(boost::asio::buffer(raw.data() + used, raw.size() - used), ec);
    const auto& req = parser.get();
    rlsqd::ApiRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.body = req.body();
    rlsqd::ApiResponse answer = rlsqd::Handle(service, request);
    http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
    res.set(http::field::server, "rlsqd");
    res.set(http::field::content_type, answer.content_type);
    res.keep_alive(true);
    res.body() = std::move(answer.body);
    res.prepare_payload();
    std::string wire;
    http::serializer<false, http::string_body> sr{res};
    do {
      sr.next(ec, [&](boost::beast::error_code&, const auto& buffers) {
        for (auto b : boost::beast::buffers_range_ref(buffers)) wire.append(static_cast<const char*>(b.data()), b.size());
        sr.consume(boost::beast::buffer_bytes(buffers));
      });
    } while (!ec && !sr.is_done());
    const auto t1 = Clock::now();
    if (ec || answer.status != 200 || wire.empty()) {
      std::fprintf(stderr, "in-process request failed: %d %s\n", answer.status, ec.message().c_str());
      std::exit(1);
    }
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  return Summarize(std::move(us), std::chrono::duration<double>(Clock::now() - start).count());
}

}  // namespace

int main(int argc, char** argv) {
  std::string rlsqd = std::filesystem::path(std::filesystem::read_symlink("/proc/self/exe")).parent_path().parent_path().parent_path() / "rlsqd" / "rlsqd";
  std::string policy = Cat(RLSQ_SOURCE_DIR, "/examples/policy.json");
  uint64_t requests = 20000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--rlsqd") rlsqd = argv[i + 1];
    else if (a == "--policy") policy = argv[i + 1];
    else if (a == "--requests") requests = std::strtoull(argv[i + 1], nullptr, 10);
  }
  // rlsqd, its log on a pipe until it says where it listens.
  int pipefd[2];
  if (::pipe(pipefd) != 0) return 1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipefd[1], 2);
    ::close(pipefd[0]);
    execl(rlsqd.c_str(), rlsqd.c_str(), "--policy", policy.c_str(), "--listen", "127.0.0.1:0", "--threads", "2",
          static_cast<char*>(nullptr));
    std::perror("exec rlsqd");
    _exit(127);
  }
  child = pid;
  std::atexit(KillChild);
  ::close(pipefd[1]);
  FILE* log = ::fdopen(pipefd[0], "r");
  int port = 0;
  char line[512];
  while (port == 0 && std::fgets(line, sizeof line, log)) {
    if (const char* p = std::strstr(line, "listening on http://127.0.0.1:")) port = std::atoi(p + 30);
  }
  if (port == 0) {
    std::fprintf(stderr, "rlsqd did not start (%s)\n", rlsqd.c_str());
    return 1;
  }
  std::thread drain([log] {  // keep reading its log so that it never blocks on a full pipe
    char l[512];
    while (std::fgets(l, sizeof l, log)) {
    }
  });

  auto engine = rlsq::Engine::FromPolicyFile(policy);
  if (!engine.ok()) return std::fprintf(stderr, "%s\n", std::string(engine.status().message()).c_str()), 1;
  rlsqd::Config config;
  config.policy_file = policy;
  config.watch_interval = std::chrono::milliseconds(0);
  auto created = rlsqd::Service::Create(config);
  if (!created.ok()) return std::fprintf(stderr, "%s\n", std::string(created.status().message()).c_str()), 1;
  rlsqd::Service& service = **created;
  std::atomic<uint64_t> errors{0};
  // Warm-up: the hit queries' plans into both caches.
  OverHttp(port, 1, true, 200, &errors);
  Library(**engine, true, 200);
  InProcess(service, true, 200);

  std::printf("| kind | connections | requests/s | p50 us | p99 us |\n|---|---:|---:|---:|---:|\n");
  double http_hit_p50 = 0, lib_hit_p50 = 0, http_miss_p50 = 0, lib_miss_p50 = 0, own_hit_p50 = 0, own_miss_p50 = 0;
  for (bool hit : {true, false}) {
    const Stats lib = Library(**engine, hit, requests);
    std::printf("| %s, library call (1 thread) | - | %.0f | %.1f | %.1f |\n", hit ? "hit" : "miss", lib.rps,
                lib.p50_us, lib.p99_us);
    (hit ? lib_hit_p50 : lib_miss_p50) = lib.p50_us;
    const Stats own = InProcess(service, hit, requests);
    std::printf("| %s, rlsqd in process: HTTP parse + JSON + library + JSON + HTTP write (1 thread) | - | %.0f | %.1f | %.1f |\n",
                hit ? "hit" : "miss", own.rps, own.p50_us, own.p99_us);
    (hit ? own_hit_p50 : own_miss_p50) = own.p50_us;
    for (int c : {1, 8, 64}) {
      const Stats s = OverHttp(port, c, hit, requests, &errors);
      std::printf("| %s, HTTP | %d | %.0f | %.1f | %.1f |\n", hit ? "hit" : "miss", c, s.rps, s.p50_us, s.p99_us);
      std::fflush(stdout);
      if (c == 1) (hit ? http_hit_p50 : http_miss_p50) = s.p50_us;
    }
  }
  const Stats livez = OverHttp(port, 1, true, requests, &errors, /*probe=*/true);
  std::printf("| GET /livez (no JSON, no engine) | 1 | %.0f | %.1f | %.1f |\n", livez.rps, livez.p50_us, livez.p99_us);
  std::printf("\nthe sidecar's own cost per request (HTTP and JSON), p50: cache hit %.1f us (in process %.1f - "
              "library %.1f), miss %.1f us\n", own_hit_p50 - lib_hit_p50, own_hit_p50, lib_hit_p50,
              own_miss_p50 - lib_miss_p50);
  std::printf("over loopback at 1 connection, p50: cache hit %.1f us (HTTP %.1f - library %.1f), of which the "
              "transport alone (GET /livez) %.1f us; miss %.1f us; errors: %llu\n",
              http_hit_p50 - lib_hit_p50, http_hit_p50, lib_hit_p50, livez.p50_us, http_miss_p50 - lib_miss_p50,
              static_cast<unsigned long long>(errors.load()));
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  child = 0;
  drain.join();
  return errors.load() == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
