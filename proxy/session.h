// One client connection of rlsq-proxy and its server connection (session mode: one upstream connection per client,
// logged in as the service role), as a state machine over bytes. The I/O layer (proxy/server.cc) feeds it what it
// reads and writes out what it produces; nothing here touches a socket, so every protocol rule can be tested with
// byte strings.
//
// The client side:
//   startup (SSLRequest/GSSENCRequest 'N', CancelRequest, protocol 3.0, NegotiateProtocolVersion for 3.x and _pq_
//   options, the startup parameters' allow-list) -> SCRAM-SHA-256 against the user store (or trust on the unix socket)
//   -> the upstream login -> the relay, where every Query and Parse goes through SplitStatements and the engine.
// The server side: every message the client's messages will be answered by is tracked in order (`pending_`), so the
// proxy knows which Parse a ParseComplete confirms, which message an ErrorResponse is about, and which ReadyForQuery
// ends a batch.
//
// A refusal is sent to the server too, as a message that fails there (a Bind of a statement named by the process's
// refusal marker, or a Query of it): the server then answers in order, discards until Sync and reports the true
// transaction status itself (a refusal inside a transaction block fails the transaction, as any error does), and the
// proxy puts its own ErrorResponse in place of the server's.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "proxy/context.h"
#include "proxy/scram.h"
#include "proxy/wire.h"

namespace rlsq_proxy {

class Session {
 public:
  // `tls_available`: the proxy has a certificate (--tls-cert), so an SSLRequest is answered 'S'.
  Session(ProxyContext& context, bool client_on_unix_socket, bool tls_available = false);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // --- events from the I/O layer ---
  void OnClientData(std::string_view data);
  void OnServerConnected();
  void OnServerConnectFailed(std::string_view why);
  void OnServerData(std::string_view data);
  void OnServerClosed();  // the server closed its side or the connection broke
  void OnClientClosed();
  // The I/O layer drained an output buffer: go on with input that backpressure held back.
  void Resume();

  // --- what the I/O layer does next ---
  // Bytes to send; the I/O layer takes them (swap or erase what it wrote).
  std::string& client_out() { return client_out_; }
  std::string& server_out() { return server_out_; }
  // Connect to the upstream server now (once; then OnServerConnected or OnServerConnectFailed).
  bool wants_server_connection() const { return state_ == State::kConnectUpstream || state_ == State::kCancelConnect; }
  // Whether to read from each side: false pauses it (the other side's output is backed up, or the proxy waits for the
  // server to settle the search path).
  bool reading_client() const;
  bool reading_server() const;
  // Flush client_out (and server_out), then close both connections.
  bool closing() const { return state_ == State::kClosing; }
  bool server_connected() const { return server_connected_; }
  // Logged in and relaying (the I/O layer's login timeout ends here).
  bool ready() const { return state_ == State::kReady; }
  // The client asked for TLS and was answered 'S': once client_out is flushed, the I/O layer runs the server side
  // of the handshake, then calls OnTlsEstablished (or closes the connection when it fails).
  bool wants_tls_handshake() const { return state_ == State::kTlsHandshake; }
  void OnTlsEstablished();
  // Refuses the connection before it starts (too many clients, shutting down).
  void Reject(std::string sqlstate, std::string message) { Fatal(std::move(sqlstate), std::move(message)); }

  // For tests and logs.
  const std::string& user() const { return user_; }
  const std::vector<std::string>& search_path() const { return search_path_; }
  char transaction_status() const { return server_status_; }

 private:
  enum class State {
    kStartup,          // reading the startup packet (SSLRequest, GSSENCRequest, CancelRequest, StartupMessage)
    kTlsHandshake,     // answered an SSLRequest with 'S'; the I/O layer runs the handshake
    kSaslInitial,      // sent AuthenticationSASL; waiting for SASLInitialResponse
    kSaslFinal,        // sent the server-first message; waiting for the client-final message
    kConnectUpstream,  // the I/O layer connects to the server
    kUpstreamLogin,    // startup sent to the server; authenticating, reading ParameterStatus, BackendKeyData
    kUpstreamResync,   // logged in; reading the server's search path before telling the client it is ready
    kReady,            // relaying
    kCancelConnect,    // a CancelRequest for a known key: the I/O layer connects to the server
    kClosing,
  };

  struct RewrittenText {
    std::string original, sent;
  };

  // What the server's responses will answer, one entry per message sent that gets one.
  struct Pending {
    enum Kind : uint8_t { kParse, kBind, kDescribeStatement, kDescribePortal, kExecute, kClose, kSync, kQuery };
    explicit Pending(Kind k = kSync) : kind(k) {}
    Kind kind;
    bool internal = false;  // the proxy's own query: nothing reaches the client
    // The client's text and the text sent, when they differ: the server's errors about this message are sanitised.
    std::shared_ptr<const RewrittenText> rewritten;
    std::optional<wire::Error> refusal;  // the proxy's refusal, in place of the error this message gets
    std::string name;                     // kParse: the statement; kClose: the statement or portal
    bool close_statement = false;         // kClose: of a statement (else of a portal)
    bool describe_got_parameters = false;  // kDescribeStatement: ParameterDescription seen, RowDescription/NoData next
    // kSync / kQuery: what the batch they end did, applied when its ReadyForQuery arrives.
    bool changes_search_path = false;
    bool drops_all_statements = false;
    std::vector<std::string> drops_statements;  // DEALLOCATE name
    bool failed = false;  // kSync / kQuery: an error was reported in the batch
  };

  // A prepared statement (named, or "" for the unnamed one) as the proxy rewrote it.
  struct Prepared {
    std::string original;   // the client's text
    std::string sent;       // the text the server prepared
    std::shared_ptr<const RewrittenText> rewritten;  // set when sent differs from original
    uint64_t policy_generation = 0;
    uint64_t path_generation = 0;
    uint64_t batch = 0;      // the number of Syncs sent before its Parse (which batch it came in)
    // A session statement's effects, applied when it is executed (Bind), not when it is parsed.
    bool is_query = false;
    bool changes_search_path = false;
    bool ends_transaction = false;
    bool drops_all_statements = false;
    std::string deallocates;
  };

  // --- client side ---
  void ProcessClient();
  bool HandleStartupPacket(const wire::StartupPacket& packet);
  bool HandleStartupMessage(std::string_view body, int32_t version);
  void HandleSaslInitial(const wire::Message& m);
  void HandleSaslFinal(const wire::Message& m);
  void ClientAuthenticated();
  // Returns false when the message could not be handled now (the client is paused; it stays in the buffer).
  bool HandleClientMessage(const wire::Message& m);
  void HandleQuery(std::string_view body);
  void HandleParse(std::string_view body);
  void HandleBind(const wire::Message& m);
  void HandleClose(const wire::Message& m);
  void HandleDescribe(const wire::Message& m);
  void HandleSync(const wire::Message& m);
  // Sends the refusal marker in place of an extended-protocol message and discards until Sync.
  void RefuseExtended(wire::Error error);
  // Sends a failing Query in place of a simple Query (or FunctionCall) and attaches `error`.
  void RefuseSimple(wire::Error error);
  // Rewrites one query statement for the session's user. OK: *out is the text to send, *changed whether it differs.
  absl::Status Rewrite(std::string_view sql, std::string* out, bool* changed) const;
  // Whether the prepared statement `name`, as the server will run it, still reads what the policy and search path
  // in force allow (re-rewriting it when either changed since its Parse). Sets *error when not.
  bool PreparedStillValid(const std::string& name, wire::Error* error);
  void Fatal(std::string sqlstate, std::string message);
  void Forward(const wire::Message& m);

  // --- server side ---
  void ProcessServer();
  void HandleLoginMessage(const wire::Message& m);
  void HandleReadyMessage(const wire::Message& m);
  void HandleServerError(const wire::Message& m);
  void HandleReadyForQuery(const wire::Message& m);
  void StartResync();
  // The oldest Parse in flight was confirmed by ParseComplete (it becomes the statement) or skipped by the server.
  void ConfirmParsed();
  // `failed_itself`: the server failed this Parse (an unnamed one then drops the previous unnamed statement), rather
  // than skipping it after an earlier error.
  void DropParsed(bool failed_itself);
  // Whether a batch still waiting for its answers changed the search path (after the server skipped part of one).
  void RecomputeResyncWanted();
  void FinishResync(char status);
  // Appends a server message; an ErrorResponse/NoticeResponse about rewritten text loses what would point into or
  // quote the injected predicates.
  void AppendSanitized(const wire::Message& m, const RewrittenText* rewritten);
  // The statement the server will run for a Bind of `name` (the newest Parse in flight, else the confirmed one).
  const Prepared* FindPrepared(const std::string& name) const;
  void SendClientReady();
  void UpstreamFatal(std::string message);
  Pending& PushPending(Pending::Kind kind);

  ProxyContext& ctx_;
  const bool client_on_unix_socket_;
  const bool tls_available_;
  bool tls_active_ = false;
  size_t startup_bytes_after_ = 0;  // client bytes already read behind the startup packet being handled
  State state_ = State::kStartup;
  std::string client_in_, server_in_, client_out_, server_out_;
  bool server_connected_ = false;

  // Startup and authentication.
  std::string user_;
  rlsq::Caller caller_;
  std::string database_;
  std::vector<std::pair<std::string, std::string>> upstream_params_;  // forwarded to the server's startup packet
  std::unique_ptr<auth::ScramServer> scram_server_;
  std::unique_ptr<auth::ScramClient> scram_client_;
  std::optional<CancelRegistry::ServerKey> cancel_target_;
  int32_t proxy_pid_ = 0, proxy_secret_ = 0;
  CancelRegistry::ServerKey server_key_;
  std::vector<std::pair<std::string, std::string>> server_params_;  // ParameterStatus of the login

  // The relay.
  std::deque<Pending> pending_;
  bool discarding_ = false;        // after an extended-protocol refusal: drop client messages until Sync
  Pending open_batch_;  // flags of the extended-protocol messages since the last Sync
  char server_status_ = 'I';
  absl::flat_hash_map<std::string, Prepared> prepared_;  // confirmed by ParseComplete
  // The search path the engine resolves names with: the server's current_schemas(false) after the last change.
  std::vector<std::string> search_path_;
  bool search_path_unknown_ = false;
  rlsq::RewriteOptions rewrite_options_;  // the engine's options for this session (database, search path)
  uint64_t path_generation_ = 0;
  bool resync_wanted_ = false;      // a batch that changed the search path was sent: settle it when it ends
  bool resync_in_flight_ = false;
  bool path_may_revert_ = false;    // a change was made inside a transaction block: its end may undo it
  std::optional<std::string> resync_value_;  // the resync's one value
  bool resync_failed_ = false;
  uint64_t syncs_sent_ = 0;        // Sync messages forwarded (batch numbers of parsed statements)
  bool upstream_sasl_started_ = false, upstream_sasl_verified_ = false;
  size_t server_passthrough_ = 0;   // bytes of a DataRow still to copy through without framing
  // Portals bound from rewritten statements (their Execute's errors are sanitised); cleared when no transaction is open.
  absl::flat_hash_map<std::string, std::shared_ptr<const RewrittenText>> rewritten_portals_;
  // The Parses sent and not yet answered, in order (each has a kParse entry in pending_).
  std::deque<std::pair<std::string, Prepared>> parsed_in_flight_;
};

}  // namespace rlsq_proxy
