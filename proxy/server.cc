#include "proxy/server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "lib/common/str_cat.h"
#include "proxy/session.h"

namespace rlsq_proxy {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using unix_socket = net::local::stream_protocol;
using generic_socket = net::generic::stream_protocol::socket;
using rlsq::Cat;

namespace {

// A client has this long from connecting to its first ReadyForQuery (PostgreSQL's authentication_timeout is 60 s).
constexpr auto kLoginTimeout = std::chrono::seconds(30);
// A closing connection has this long to flush what is left for the client.
constexpr auto kCloseTimeout = std::chrono::seconds(5);

void Log(const std::string& line) {
  std::string l = "rlsq-proxy: " + line + "\n";
  fwrite(l.data(), 1, l.size(), stderr);
  fflush(stderr);
}

// One client and its server connection. Every handler runs on the connection's strand.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(ProxyContext& ctx, net::strand<net::io_context::executor_type> strand, generic_socket client,
             bool on_unix_socket, net::ssl::context* tls)
      : ctx_(ctx),
        strand_(strand),
        client_(std::move(client)),
        server_(strand),
        timer_(strand),
        tls_context_(tls),
        session_(ctx, on_unix_socket, tls != nullptr) {}

  void Start(bool too_many) {
    if (too_many) session_.Reject("53300", "sorry, too many clients already");
    timer_.expires_after(kLoginTimeout);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->closed_) return;
      if (self->handshaking_) return self->Close();  // nothing can be written while the TLS handshake runs
      if (!self->session_.ready()) {
        self->session_.Reject("08006", "rlsq-proxy: the login did not finish in time");
        self->Pump();
      }
    });
    Pump();
  }

 private:
  void Pump() {
    if (closed_) return;
    if (session_.wants_server_connection() && !connect_started_) Connect();
    if (!client_writing_ && !session_.client_out().empty()) WriteClient();
    if (session_.wants_tls_handshake() && !client_writing_ && !handshaking_) return Handshake();
    if (!server_writing_ && server_open_ && !session_.server_out().empty()) WriteServer();
    if (session_.closing()) {
      const bool flushed = !client_writing_ && session_.client_out().empty() &&
                           (!server_open_ || (!server_writing_ && session_.server_out().empty()));
      if (flushed) return Close();
      if (!close_timer_set_) {
        close_timer_set_ = true;
        timer_.cancel();
        timer_.expires_after(kCloseTimeout);
        timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
          if (!ec) self->Close();
        });
      }
      return;
    }
    if (!client_reading_ && !client_eof_ && session_.reading_client()) ReadClient();
    if (!server_reading_ && server_open_ && session_.reading_server()) ReadServer();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    timer_.cancel();
    client_.shutdown(net::socket_base::shutdown_both, ec);
    client_.close(ec);
    server_.close(ec);
  }

  void Handshake() {
    handshaking_ = true;
    tls_ = std::make_unique<net::ssl::stream<generic_socket&>>(client_, *tls_context_);
    tls_->async_handshake(net::ssl::stream_base::server, [self = shared_from_this()](boost::system::error_code ec) {
      self->handshaking_ = false;
      if (self->closed_) return;
      if (ec) return self->Close();  // nothing can be said to a client whose handshake failed
      self->session_.OnTlsEstablished();
      self->Pump();
    });
  }

  // Reads and writes of the client side go through TLS once it is on.
  template <class Handler>
  void ClientReadSome(Handler&& h) {
    if (tls_) tls_->async_read_some(net::buffer(client_buf_), std::forward<Handler>(h));
    else client_.async_read_some(net::buffer(client_buf_), std::forward<Handler>(h));
  }
  template <class Handler>
  void ClientWrite(Handler&& h) {
    if (tls_) net::async_write(*tls_, net::buffer(client_wbuf_), std::forward<Handler>(h));
    else net::async_write(client_, net::buffer(client_wbuf_), std::forward<Handler>(h));
  }

  void ReadClient() {
    client_reading_ = true;
    ClientReadSome([self = shared_from_this()](boost::system::error_code ec, size_t n) {
                              self->client_reading_ = false;
                              if (self->closed_) return;
                              if (ec) {
                                self->client_eof_ = true;
                                self->session_.OnClientClosed();
                              } else {
                                self->session_.OnClientData(std::string_view(self->client_buf_.data(), n));
                              }
                              self->Pump();
                            });
  }

  void ReadServer() {
    server_reading_ = true;
    server_.async_read_some(net::buffer(server_buf_),
                            [self = shared_from_this()](boost::system::error_code ec, size_t n) {
                              self->server_reading_ = false;
                              if (self->closed_) return;
                              if (ec) {
                                self->server_open_ = false;
                                self->session_.OnServerClosed();
                              } else {
                                self->session_.OnServerData(std::string_view(self->server_buf_.data(), n));
                              }
                              self->Pump();
                            });
  }

  void WriteClient() {
    client_writing_ = true;
    client_wbuf_.swap(session_.client_out());
    ClientWrite([self = shared_from_this()](boost::system::error_code ec, size_t) {
                       self->client_writing_ = false;
                       self->client_wbuf_.clear();
                       if (self->closed_) return;
                       if (ec) {
                         self->client_eof_ = true;
                         self->session_.OnClientClosed();
                         self->session_.client_out().clear();  // nobody to read it
                       } else {
                         self->session_.Resume();
                       }
                       self->Pump();
                     });
  }

  void WriteServer() {
    server_writing_ = true;
    server_wbuf_.swap(session_.server_out());
    net::async_write(server_, net::buffer(server_wbuf_),
                     [self = shared_from_this()](boost::system::error_code ec, size_t) {
                       self->server_writing_ = false;
                       self->server_wbuf_.clear();
                       if (self->closed_) return;
                       if (ec) {
                         self->server_open_ = false;
                         self->session_.server_out().clear();
                         self->session_.OnServerClosed();
                       } else {
                         self->session_.Resume();
                       }
                       self->Pump();
                     });
  }

  void Connect() {
    connect_started_ = true;
    const Upstream& up = ctx_.upstream();
    if (up.unix_socket) {
      auto sock = std::make_shared<unix_socket::socket>(strand_);
      sock->async_connect(unix_socket::endpoint(up.socket_path),
                          [self = shared_from_this(), sock](boost::system::error_code ec) {
                            self->Connected(ec, generic_socket(std::move(*sock)));
                          });
      return;
    }
    auto resolver = std::make_shared<tcp::resolver>(strand_);
    resolver->async_resolve(
        up.host, std::to_string(up.port),
        [self = shared_from_this(), resolver](boost::system::error_code ec, tcp::resolver::results_type results) {
          if (ec) return self->Connected(ec, generic_socket(self->strand_));
          auto sock = std::make_shared<tcp::socket>(self->strand_);
          net::async_connect(*sock, results, [self, sock](boost::system::error_code ec, const tcp::endpoint&) {
            if (!ec) sock->set_option(tcp::no_delay(true), ec);
            self->Connected(ec, generic_socket(std::move(*sock)));
          });
        });
  }

  void Connected(boost::system::error_code ec, generic_socket sock) {
    if (closed_) return;
    if (ec) {
      session_.OnServerConnectFailed(ec.message());
    } else {
      server_ = std::move(sock);
      server_open_ = true;
      session_.OnServerConnected();
    }
    Pump();
  }

  ProxyContext& ctx_;
  net::strand<net::io_context::executor_type> strand_;
  generic_socket client_;
  generic_socket server_;
  net::steady_timer timer_;
  net::ssl::context* tls_context_;
  std::unique_ptr<net::ssl::stream<generic_socket&>> tls_;
  bool handshaking_ = false;
  Session session_;
  std::array<char, 16384> client_buf_{}, server_buf_{};
  std::string client_wbuf_, server_wbuf_;
  bool client_reading_ = false, server_reading_ = false, client_writing_ = false, server_writing_ = false;
  bool client_eof_ = false, server_open_ = false, connect_started_ = false, closed_ = false, close_timer_set_ = false;
};

}  // namespace

struct ProxyServer::Impl {
  explicit Impl(ProxyContext& c) : ctx(c), ioc(c.config().threads), signals(ioc, SIGINT, SIGTERM), hup(ioc, SIGHUP) {}

  template <class Acceptor>
  void Accept(Acceptor& acceptor, bool on_unix) {
    auto strand = net::make_strand(ioc);
    acceptor.async_accept(strand, [this, &acceptor, on_unix, strand](boost::system::error_code ec,
                                                                     typename Acceptor::protocol_type::socket sock) {
      if (stopping) return;
      if (!ec) {
        if constexpr (std::is_same_v<typename Acceptor::protocol_type, tcp>) {
          boost::system::error_code ignored;
          sock.set_option(tcp::no_delay(true), ignored);
        }
        const bool too_many = ctx.counters().active.load() >= static_cast<uint64_t>(ctx.config().max_clients);
        auto conn = std::make_shared<Connection>(ctx, strand, generic_socket(std::move(sock)), on_unix, tls.get());
        net::dispatch(strand, [conn, too_many] { conn->Start(too_many); });
      } else if (ec == net::error::no_descriptors) {
        Log("accept: out of file descriptors");
      }
      Accept(acceptor, on_unix);
    });
  }

  void WaitSignals() {
    signals.async_wait([this](boost::system::error_code ec, int) {
      if (ec) return;
      Log("stopping");
      Shutdown();
    });
  }

  void WaitHup() {
    hup.async_wait([this](boost::system::error_code ec, int) {
      if (ec) return;
      absl::Status s = DoReload();
      if (s.ok()) Log("reloaded the policy and the users");
      else Log(Cat("reload failed, the previous policy stays in force: ", s.message()));
      WaitHup();
    });
  }

  absl::Status DoReload() {
    absl::Status s = ctx.mutable_engine().ReloadFromFile(ctx.config().policy_path);
    if (!s.ok()) return s;
    if (!ctx.config().users_path.empty()) {
      absl::StatusOr<std::shared_ptr<const UserStore>> users = LoadUsers(ctx.config().users_path);
      if (!users.ok()) return users.status();
      ctx.set_users(*std::move(users));
    }
    return absl::OkStatus();
  }

  void Shutdown() {
    stopping = true;
    boost::system::error_code ec;
    if (tcp_acceptor) tcp_acceptor->close(ec);
    if (unix_acceptor) unix_acceptor->close(ec);
    if (!socket_path.empty()) ::unlink(socket_path.c_str());
    signals.cancel(ec);
    hup.cancel(ec);
    ioc.stop();
  }

  ProxyContext& ctx;
  net::io_context ioc;
  net::signal_set signals;
  net::signal_set hup;
  std::unique_ptr<net::ssl::context> tls;  // --tls-cert/--tls-key
  std::unique_ptr<tcp::acceptor> tcp_acceptor;
  std::unique_ptr<unix_socket::acceptor> unix_acceptor;
  std::string socket_path;
  std::atomic<bool> stopping{false};
};

ProxyServer::ProxyServer(ProxyContext& context) : impl_(std::make_unique<Impl>(context)) {}

ProxyServer::~ProxyServer() {
  if (!impl_->socket_path.empty()) ::unlink(impl_->socket_path.c_str());
}

absl::Status ProxyServer::Listen() {
  const Config& c = impl_->ctx.config();
  if (!c.tls_cert.empty()) {
    try {
      auto tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
      tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
      tls->use_certificate_chain_file(c.tls_cert);
      tls->use_private_key_file(c.tls_key, net::ssl::context::pem);
      impl_->tls = std::move(tls);
    } catch (const boost::system::system_error& e) {
      return absl::InvalidArgumentError(Cat("--tls-cert/--tls-key: ", e.what()));
    }
  }
  try {
    if (c.listen_port >= 0) {
      boost::system::error_code ec;
      net::ip::address addr = net::ip::make_address(c.listen_host == "localhost" ? "127.0.0.1" : c.listen_host, ec);
      if (ec) return absl::InvalidArgumentError(Cat("--listen: \"", c.listen_host, "\" is not an IP address"));
      auto acc = std::make_unique<tcp::acceptor>(impl_->ioc);
      tcp::endpoint ep(addr, static_cast<unsigned short>(c.listen_port));
      acc->open(ep.protocol());
      acc->set_option(net::socket_base::reuse_address(true));
      acc->bind(ep);
      acc->listen(net::socket_base::max_listen_connections);
      impl_->tcp_acceptor = std::move(acc);
    }
    if (!c.socket_dir.empty()) {
      std::string path = Cat(c.socket_dir, "/.s.PGSQL.", c.socket_port);
      ::unlink(path.c_str());  // a stale socket of an earlier run
      auto acc = std::make_unique<unix_socket::acceptor>(impl_->ioc, unix_socket::endpoint(path));
      ::chmod(path.c_str(), 0777);  // as PostgreSQL's unix_socket_permissions default; the directory guards it
      impl_->socket_path = path;
      impl_->unix_acceptor = std::move(acc);
    }
  } catch (const boost::system::system_error& e) {
    return absl::UnavailableError(Cat("cannot listen: ", e.what()));
  }
  return absl::OkStatus();
}

int ProxyServer::tcp_port() const {
  return impl_->tcp_acceptor ? impl_->tcp_acceptor->local_endpoint().port() : -1;
}

absl::Status ProxyServer::Reload() { return impl_->DoReload(); }

void ProxyServer::Run() {
  if (impl_->tcp_acceptor) impl_->Accept(*impl_->tcp_acceptor, false);
  if (impl_->unix_acceptor) impl_->Accept(*impl_->unix_acceptor, true);
  impl_->WaitSignals();
  impl_->WaitHup();
  std::vector<std::thread> threads;
  for (int i = 1; i < impl_->ctx.config().threads; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void ProxyServer::Stop() {
  net::post(impl_->ioc, [this] { impl_->Shutdown(); });
}

}  // namespace rlsq_proxy
