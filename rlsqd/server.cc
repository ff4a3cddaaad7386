#include "rlsqd/server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "lib/common/str_cat.h"
#include "rlsqd/api.h"

namespace rlsqd {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using unix_socket = net::local::stream_protocol;
using rlsq::Cat;

namespace {

// What the server knows of a session: it can close it when idle (shutdown).
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void CloseIfIdle() = 0;
};

}  // namespace

struct Server::Impl {
  Impl(Service& s, const Config& c) : service(s), config(c), ioc(c.threads), signals(ioc) {}

  Service& service;
  Config config;
  net::io_context ioc;
  net::signal_set signals;
  std::optional<tcp::acceptor> tcp_acceptor;
  std::optional<unix_socket::acceptor> unix_acceptor;
  std::atomic<bool> draining{false};
  std::atomic<size_t> live{0};
  std::mutex sessions_mu;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  std::optional<net::steady_timer> shutdown_timer;

  template <class Protocol>
  void Accept(typename Protocol::acceptor& acceptor);
  void BeginShutdown();
  void WaitForSignal();
};

namespace {

// A canned answer for a connection over the limit, written without waiting (it fits a socket buffer) before closing.
template <class Socket>
void RefuseConnection(Socket& socket) {
  static const std::string kBody =
      "{\"error\":{\"code\":\"too_many_connections\",\"sqlstate\":\"53300\",\"message\":\"rlsqd has --max-connections "
      "open connections\",\"line\":null,\"column\":null}}";
  const std::string response = Cat("HTTP/1.1 503 Service Unavailable\r\nServer: rlsqd\r\nContent-Type: "
                                   "application/json\r\nConnection: close\r\nContent-Length: ",
                                   kBody.size(), "\r\n\r\n", kBody);
  beast::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(net::buffer(response), ec);
  socket.shutdown(net::socket_base::shutdown_both, ec);
  socket.close(ec);
}

template <class Protocol>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Protocol>> {
 public:
  Session(typename Protocol::socket&& socket, Server::Impl& server) : stream_(std::move(socket)), server_(server) {
    server_.service.metrics().ConnectionOpened();
  }
  ~Session() override {
    server_.service.metrics().ConnectionClosed();
    {
      std::lock_guard<std::mutex> lock(server_.sessions_mu);
      server_.sessions.erase(this);
    }
    server_.live.fetch_sub(1);
  }

  void Start() {
    {
      std::lock_guard<std::mutex> lock(server_.sessions_mu);
      server_.sessions.emplace(this, this->weak_from_this());
    }
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::DoRead, this->shared_from_this()));
  }

  void CloseIfIdle() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->idle_ && self->buffer_.size() == 0) {
        beast::error_code ec;
        self->stream_.socket().shutdown(net::socket_base::shutdown_both, ec);
        self->stream_.socket().close(ec);
      }
    });
  }

 private:
  void DoRead() {
    if (server_.draining.load()) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.config.max_header_bytes));
    parser_->body_limit(server_.config.max_body_bytes);
    idle_ = true;
    stream_.expires_after(server_.config.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, this->shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    idle_ = false;
    // The client left (or idled out) before a whole header: nothing to answer.
    if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset || ec == net::error::eof)
      return Close();
    if (ec == http::error::header_limit)
      return Fail(431, "header_too_large", Cat("the request's header is over ", server_.config.max_header_bytes, " bytes"));
    if (ec == http::error::body_limit) return TooLarge();
    if (ec) return Fail(400, "bad_request", Cat("not an HTTP/1.1 request: ", ec.message()));
    const auto& req = parser_->get();
    if (req.version() != 11 && req.version() != 10)
      return Fail(400, "bad_request", "only HTTP/1.0 and HTTP/1.1 are served");
    stream_.expires_after(server_.config.request_timeout);
    auto expect = req.find(http::field::expect);
    if (expect != req.end() && beast::iequals(expect->value(), "100-continue") && !parser_->is_done()) {
      // curl and others wait for this before sending a body.
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
      http::async_write(stream_, *cont,
                        [self = this->shared_from_this(), cont](beast::error_code ec, std::size_t) {
                          if (ec) return self->Close();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, this->shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) return TooLarge();
    if (ec == beast::error::timeout || ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset || ec == net::error::eof)
      return Close();
    if (ec) return Fail(400, "bad_request", Cat("malformed request: ", ec.message()));
    const auto& req = parser_->get();
    ApiRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    if (auto a = req.find(http::field::authorization); a != req.end()) request.authorization = std::string(a->value());
    if (auto t = req.find(http::field::content_type); t != req.end()) request.content_type = std::string(t->value());
    request.body = req.body();
    ApiResponse answer = Handle(server_.service, request);
    const bool keep_alive = req.keep_alive() && !server_.draining.load();
    Write(std::move(answer), req.version(), keep_alive, request.method == "HEAD");
  }

  void Write(ApiResponse answer, unsigned version, bool keep_alive, bool head = false) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status), version);
    res->set(http::field::server, "rlsqd");
    res->set(http::field::content_type, answer.content_type);
    res->set(http::field::cache_control, "no-store");
    for (auto& [name, value] : answer.headers) res->set(name, value);
    res->keep_alive(keep_alive);
    res->body() = std::move(answer.body);
    res->prepare_payload();
    if (head) res->body().clear();  // Content-Length stays that of the GET
    stream_.expires_after(server_.config.request_timeout);
    http::async_write(stream_, *res, [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec || !res->keep_alive()) return self->Close();
      self->DoRead();
    });
  }

  // An error before the request could be handled: answered, counted, and the connection closed (what follows the
  // bad bytes cannot be trusted to start a request).
  void Fail(int status, std::string_view code, std::string_view message) {
    ApiResponse r = ErrorResponse(status, status == 413 ? Outcome::kTooLarge : Outcome::kBadRequest, code,
                                  status == 413 ? "54000" : "08P01", message);
    server_.service.metrics().Record(Endpoint::kOther, r.outcome, 0);
    Write(std::move(r), 11, false);
  }
  void TooLarge() {
    Fail(413, "body_too_large", Cat("the request's body is over ", server_.config.max_body_bytes, " bytes"));
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(net::socket_base::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::basic_stream<Protocol> stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Server::Impl& server_;
  bool idle_ = false;  // waiting for a request that has not begun (on the strand)
};

}  // namespace

template <class Protocol>
void Server::Impl::Accept(typename Protocol::acceptor& acceptor) {
  acceptor.async_accept(net::make_strand(ioc), [this, &acceptor](beast::error_code ec, typename Protocol::socket socket) {
    if (ec == net::error::operation_aborted || draining.load()) return;
    if (!ec) {
      if constexpr (std::is_same_v<Protocol, tcp>) socket.set_option(tcp::no_delay(true), ec);
      if (live.fetch_add(1) >= config.max_connections) {
        live.fetch_sub(1);
        service.metrics().ConnectionRefused();
        RefuseConnection(socket);
      } else {
        std::make_shared<Session<Protocol>>(std::move(socket), *this)->Start();
      }
    } else if (ec == net::error::no_descriptors) {
      // Out of descriptors: wait a little rather than spin.
      auto timer = std::make_shared<net::steady_timer>(ioc, std::chrono::milliseconds(50));
      timer->async_wait([this, &acceptor, timer](beast::error_code) { Accept<Protocol>(acceptor); });
      return;
    }
    Accept<Protocol>(acceptor);
  });
}

void Server::Impl::WaitForSignal() {
  signals.async_wait([this](beast::error_code ec, int signal) {
    if (ec) return;
    if (signal == SIGHUP) {
      LogEvent("SIGHUP: reloading the policy");
      service.RequestReload();
      WaitForSignal();
      return;
    }
    LogEvent(Cat(signal == SIGTERM ? "SIGTERM" : "SIGINT", ": shutting down"));
    BeginShutdown();
  });
}

void Server::Impl::BeginShutdown() {
  net::post(ioc, [this] {
    if (draining.exchange(true)) return;
    beast::error_code ec;
    if (tcp_acceptor) tcp_acceptor->close(ec);
    if (unix_acceptor) unix_acceptor->close(ec);
    signals.cancel(ec);
    std::vector<std::shared_ptr<SessionBase>> open;
    {
      std::lock_guard<std::mutex> lock(sessions_mu);
      for (auto& [ptr, weak] : sessions)
        if (auto s = weak.lock()) open.push_back(std::move(s));
    }
    for (auto& s : open) s->CloseIfIdle();
    shutdown_timer.emplace(ioc, config.shutdown_timeout);
    shutdown_timer->async_wait([this](beast::error_code ec) {
      if (ec) return;
      if (live.load() > 0) LogEvent(Cat("shutdown timeout: closing ", live.load(), " connections"));
      ioc.stop();
    });
    // The timer ends when the last session does (checked every 20 ms): io_context::run returns once no work is left.
    auto poll = std::make_shared<std::function<void()>>();
    auto timer = std::make_shared<net::steady_timer>(ioc);
    *poll = [this, poll, timer] {
      if (live.load() == 0) {
        beast::error_code ignored;
        shutdown_timer->cancel();
        *poll = nullptr;  // breaks the cycle
        return;
      }
      timer->expires_after(std::chrono::milliseconds(20));
      timer->async_wait([poll](beast::error_code) {
        if (*poll) (*poll)();
      });
    };
    (*poll)();
  });
}

Server::Server(Service& service, const Config& config) : impl_(std::make_unique<Impl>(service, config)) {}

Server::~Server() {
  if (impl_->unix_acceptor && !impl_->config.unix_socket.empty()) ::unlink(impl_->config.unix_socket.c_str());
}

absl::Status Server::Listen() {
  Impl& m = *impl_;
  beast::error_code ec;
  if (!m.config.listen.empty()) {
    const std::string& spec = m.config.listen;
    const size_t colon = spec.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size())
      return absl::InvalidArgumentError(Cat("--listen: expected HOST:PORT, not \"", spec, "\""));
    std::string host = spec.substr(0, colon);
    const std::string port = spec.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host == "localhost") host = "127.0.0.1";
    const auto address = net::ip::make_address(host, ec);
    if (ec) return absl::InvalidArgumentError(Cat("--listen: \"", host, "\" is not an IP address"));
    if (!address.is_loopback() && !m.config.allow_remote)
      return absl::InvalidArgumentError(
          Cat("--listen: ", host, " is not a loopback address; rlsqd is a local sidecar (give --allow-remote to "
              "listen there anyway, behind a token and TLS terminator)"));
    if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoi(port) > 65535)
      return absl::InvalidArgumentError(Cat("--listen: bad port \"", port, "\""));
    tcp::endpoint endpoint(address, static_cast<unsigned short>(std::stoi(port)));
    m.tcp_acceptor.emplace(m.ioc);
    m.tcp_acceptor->open(endpoint.protocol(), ec);
    if (!ec) m.tcp_acceptor->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) m.tcp_acceptor->bind(endpoint, ec);
    if (!ec) m.tcp_acceptor->listen(net::socket_base::max_listen_connections, ec);
    if (ec) return absl::UnavailableError(Cat("--listen ", spec, ": ", ec.message()));
    const tcp::endpoint bound = m.tcp_acceptor->local_endpoint();
    LogEvent(Cat("listening on http://", bound.address().is_v6() ? Cat("[", bound.address().to_string(), "]")
                                                                   : bound.address().to_string(),
                 ":", bound.port()));
  }
  if (!m.config.unix_socket.empty()) {
    const std::string& path = m.config.unix_socket;
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode))
        return absl::InvalidArgumentError(Cat("--unix-socket: ", path, " exists and is not a socket"));
      ::unlink(path.c_str());  // a stale socket of an earlier run
    }
    m.unix_acceptor.emplace(m.ioc);
    unix_socket::endpoint endpoint(path);
    m.unix_acceptor->open(endpoint.protocol(), ec);
    if (!ec) m.unix_acceptor->bind(endpoint, ec);
    if (!ec) m.unix_acceptor->listen(net::socket_base::max_listen_connections, ec);
    if (ec) return absl::UnavailableError(Cat("--unix-socket ", path, ": ", ec.message()));
    LogEvent(Cat("listening on unix:", path));
  }
  return absl::OkStatus();
}

void Server::Run() {
  Impl& m = *impl_;
  std::signal(SIGPIPE, SIG_IGN);
  m.signals.add(SIGTERM);
  m.signals.add(SIGINT);
  m.signals.add(SIGHUP);
  m.WaitForSignal();
  if (m.tcp_acceptor) m.Accept<tcp>(*m.tcp_acceptor);
  if (m.unix_acceptor) m.Accept<unix_socket>(*m.unix_acceptor);
  std::vector<std::thread> threads;
  for (int i = 1; i < m.config.threads; ++i) threads.emplace_back([&m] { m.ioc.run(); });
  m.ioc.run();
  for (auto& t : threads) t.join();
  LogEvent("stopped");
}

void Server::Stop() { impl_->BeginShutdown(); }

}  // namespace rlsqd
