#include "proxy/session.h"

#include <algorithm>
#include <cstring>

#include "lib/common/str_cat.h"
#include "proxy/statements.h"

namespace rlsq_proxy {

using rlsq::Cat;

namespace {

// Backpressure: stop reading one side while the bytes for the other pile up past this.
constexpr size_t kHighWater = 1u << 20;
// At most this many messages awaiting the server's answer (a client pipelining without reading).
constexpr size_t kMaxPending = 65536;
// The server's messages the proxy reads whole (everything but DataRow, which is copied through as it comes).
constexpr size_t kMaxServerMessage = 64u << 20;

// The settings a client may give in its startup packet (beyond user, database, options, replication).
bool StartupSettingAllowed(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return IsAllowedSetting(lower);
}

// `options=-c a=b --c=d`: PostgreSQL splits on unescaped white space (a backslash escapes the next character) and
// takes "-c name=value" and "--name=value" (pg_split_opts, process_postgres_switches). Anything else is refused.
bool ParseStartupOptions(std::string_view options, std::vector<std::pair<std::string, std::string>>* out,
                         std::string* error) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < options.size(); ++i) {
    char ch = options[i];
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
      continue;
    }
    if (ch == '\\' && i + 1 < options.size()) ch = options[++i];
    cur.push_back(ch);
    in_word = true;
  }
  if (in_word) words.push_back(std::move(cur));
  for (size_t i = 0; i < words.size(); ++i) {
    std::string setting;
    if (words[i] == "-c" && i + 1 < words.size()) {
      setting = words[++i];
    } else if (words[i].rfind("-c", 0) == 0 && words[i].size() > 2) {
      setting = words[i].substr(2);
    } else if (words[i].rfind("--", 0) == 0) {
      setting = words[i].substr(2);
    } else {
      *error = Cat("startup option \"", words[i], "\" is not allowed by rlsq-proxy (only -c name=value)");
      return false;
    }
    size_t eq = setting.find('=');
    if (eq == std::string::npos || eq == 0) {
      *error = Cat("startup option \"", setting, "\" is not of the form name=value");
      return false;
    }
    std::string name = setting.substr(0, eq);
    for (char& c : name) c = c == '-' ? '_' : c;  // --foo-bar=x is foo_bar
    out->emplace_back(std::move(name), setting.substr(eq + 1));
  }
  return true;
}

bool IsFalse(std::string_view v) {
  std::string l(v);
  for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return l == "false" || l == "off" || l == "no" || l == "0";
}

// The text of a PostgreSQL array of names as current_schemas() prints it: {a,"b c",d}.
bool ParseNameArray(std::string_view text, std::vector<std::string>* out) {
  out->clear();
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return false;
  text = text.substr(1, text.size() - 2);
  size_t i = 0;
  while (i < text.size()) {
    std::string item;
    if (text[i] == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        item.push_back(text[i++]);
      }
      if (i >= text.size()) return false;
      ++i;
    } else {
      while (i < text.size() && text[i] != ',') item.push_back(text[i++]);
      if (item == "NULL") return false;
    }
    out->push_back(std::move(item));
    if (i < text.size()) {
      if (text[i] != ',') return false;
      ++i;
      if (i == text.size()) return false;
    }
  }
  return true;
}

// PostgreSQL keys prepared statements and portals by the first NAMEDATALEN - 1 bytes of their names: two names that
// agree on those are one statement.
std::string ProtocolName(std::string_view name) { return std::string(name.substr(0, 63)); }

constexpr std::string_view kMarkerPrefix = "rlsq_refused_";

wire::Error ErrorOf(const absl::Status& status, std::string_view text, size_t offset_in_text) {
  rlsq::ErrorInfo info = rlsq::DescribeError(status);
  wire::Error e;
  e.sqlstate = info.sqlstate;
  e.message = info.message;
  if (info.line > 0 && info.column > 0) {
    // The position goes in its own field (P), as PostgreSQL reports it: drop the message's "line:column: ".
    if (size_t colon = e.message.find(": "); colon != std::string::npos && colon < 24) e.message.erase(0, colon + 2);
  }
  if (!info.tables.empty()) {
    e.detail = "tables lacking access:";
    for (size_t i = 0; i < info.tables.size(); ++i) e.detail += Cat(i ? ", " : " ", info.tables[i]);
  }
  if (info.line > 0 && info.column > 0) {
    // line:column in the statement (columns count code points) -> a character position in the message's text.
    size_t pos = offset_in_text;
    uint32_t line = 1, col = 1;
    while (pos < text.size() && !(line == info.line && col == info.column) && line <= info.line) {
      const unsigned char c = static_cast<unsigned char>(text[pos]);
      if (c == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
      pos += c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    }
    e.position = CharacterPosition(text, std::min(pos, text.size()));
  }
  return e;
}

}  // namespace

Session::Session(ProxyContext& context, bool client_on_unix_socket, bool tls_available)
    : ctx_(context), client_on_unix_socket_(client_on_unix_socket), tls_available_(tls_available) {
  ctx_.counters().connections++;
  ctx_.counters().active++;
}

Session::~Session() {
  if (proxy_pid_ != 0) ctx_.cancels().Unregister(proxy_pid_);
  ctx_.counters().active--;
}

bool Session::reading_client() const {
  if (state_ == State::kClosing || state_ == State::kCancelConnect || state_ == State::kTlsHandshake) return false;
  if (state_ == State::kConnectUpstream || state_ == State::kUpstreamLogin || state_ == State::kUpstreamResync)
    return false;  // nothing the client may send is read before it hears ReadyForQuery
  if (state_ == State::kReady && (resync_wanted_ || resync_in_flight_)) return false;
  return server_out_.size() < kHighWater && client_out_.size() < kHighWater && pending_.size() < kMaxPending;
}

bool Session::reading_server() const {
  if (state_ == State::kClosing) return false;
  return client_out_.size() < kHighWater;
}

void Session::Fatal(std::string sqlstate, std::string message) {
  wire::Error e;
  e.severity = "FATAL";
  e.sqlstate = std::move(sqlstate);
  e.message = std::move(message);
  wire::AppendError(&client_out_, e);
  state_ = State::kClosing;
}

// ------------------------------------------------------------------------------------------------------------------
// Client side

void Session::OnClientData(std::string_view data) {
  if (state_ == State::kClosing) return;
  client_in_.append(data.data(), data.size());
  ProcessClient();
}

void Session::OnClientClosed() {
  // The server rolls back the open transaction when its connection closes; say goodbye properly first.
  if (server_connected_ && state_ == State::kReady) wire::Writer(&server_out_, 'X');
  state_ = State::kClosing;
}

void Session::ProcessClient() {
  size_t offset = 0;
  while (state_ != State::kClosing) {
    std::string_view in = std::string_view(client_in_).substr(offset);
    std::string error;
    size_t consumed = 0;
    if (state_ == State::kStartup) {
      wire::StartupPacket packet;
      wire::Frame f = wire::ReadStartupPacket(in, &packet, &consumed, &error);
      if (f == wire::Frame::kNeedMore) break;
      if (f == wire::Frame::kError) {
        Fatal("08P01", error);
        break;
      }
      offset += consumed;
      startup_bytes_after_ = in.size() - consumed;
      if (!HandleStartupPacket(packet)) break;
      continue;
    }
    if (state_ == State::kSaslInitial || state_ == State::kSaslFinal) {
      wire::Message m;
      wire::Frame f = wire::ReadMessage(in, 65536, &m, &consumed, &error);
      if (f == wire::Frame::kNeedMore) break;
      if (f == wire::Frame::kError) {
        Fatal("08P01", error);
        break;
      }
      offset += consumed;
      if (m.type != 'p') {
        Fatal("08P01", Cat("expected a SASL response message, got message type '", std::string(1, m.type), "'"));
        break;
      }
      if (state_ == State::kSaslInitial) HandleSaslInitial(m);
      else HandleSaslFinal(m);
      continue;
    }
    if (state_ != State::kReady || !reading_client()) break;
    wire::Message m;
    wire::Frame f = wire::ReadMessage(in, ctx_.config().max_message_bytes, &m, &consumed, &error);
    if (f == wire::Frame::kNeedMore) break;
    if (f == wire::Frame::kError) {
      Fatal("08P01", error);
      break;
    }
    if (!HandleClientMessage(m)) break;  // paused: the message stays for later
    offset += consumed;
  }
  client_in_.erase(0, offset);
  if (state_ == State::kClosing) client_in_.clear();
}

bool Session::HandleStartupPacket(const wire::StartupPacket& packet) {
  switch (packet.code) {
    case wire::kSslRequestCode:
    case wire::kGssEncRequestCode: {
      if (!packet.body.empty() || tls_active_) {
        Fatal("08P01", tls_active_ ? "SSLRequest on a connection already encrypted" : "invalid length of startup packet");
        return false;
      }
      if (packet.code == wire::kSslRequestCode && tls_available_) {
        // Bytes behind the SSLRequest arrived before the answer: a man in the middle could have put them there to
        // be read as if they came over TLS (PostgreSQL refuses them for the same reason, CVE-2021-23222).
        if (startup_bytes_after_ > 0) {
          Fatal("08P01", "received unencrypted data after SSL request");
          return false;
        }
        client_out_.push_back('S');
        state_ = State::kTlsHandshake;
        return false;
      }
      client_out_.push_back('N');  // no TLS (or no GSS encryption): the client may go on in plain text
      return true;
    }
    case wire::kCancelRequestCode: {
      wire::Reader r(packet.body);
      int32_t pid = 0, secret = 0;
      if (!r.Int32(&pid) || !r.Int32(&secret) || !r.AtEnd()) {
        state_ = State::kClosing;  // PostgreSQL answers nothing to a bad cancel request
        return false;
      }
      cancel_target_ = ctx_.cancels().Find(pid, secret);
      if (!cancel_target_) {
        state_ = State::kClosing;
        return false;
      }
      ctx_.counters().cancels++;
      state_ = State::kCancelConnect;
      return false;
    }
    default:
      break;
  }
  const int32_t major = packet.code >> 16;
  if (major != 3) {
    Fatal("0A000", Cat("unsupported frontend protocol ", major, ".", packet.code & 0xffff,
                       ": rlsq-proxy supports protocol 3.0"));
    return false;
  }
  return HandleStartupMessage(packet.body, packet.code);
}

void Session::OnTlsEstablished() {
  if (state_ != State::kTlsHandshake) return;
  tls_active_ = true;
  state_ = State::kStartup;
  client_in_.clear();
}

bool Session::HandleStartupMessage(std::string_view body, int32_t version) {
  if (body.empty() || body.back() != '\0') {
    Fatal("08P01", "invalid startup packet layout: expected terminator as last byte");
    return false;
  }
  wire::Reader r(body.substr(0, body.size() - 1));
  std::vector<std::string> unknown_pq;
  std::string options;
  bool have_user = false;
  while (!r.AtEnd()) {
    std::string_view name, value;
    if (!r.CString(&name) || !r.CString(&value)) {
      Fatal("08P01", "invalid startup packet layout: expected terminator as last byte");
      return false;
    }
    if (name == "user") {
      user_ = std::string(value);
      have_user = true;
    } else if (name == "database") {
      database_ = std::string(value);
    } else if (name == "options") {
      options = std::string(value);
    } else if (name == "replication") {
      if (!IsFalse(value)) {
        Fatal("0A000", "replication connections are not allowed through rlsq-proxy (a walsender streams every row)");
        return false;
      }
    } else if (name.rfind("_pq_.", 0) == 0) {
      unknown_pq.emplace_back(name);
    } else if (StartupSettingAllowed(name)) {
      upstream_params_.emplace_back(std::string(name), std::string(value));
    } else {
      Fatal("42501", Cat("startup parameter \"", name, "\" is not on rlsq-proxy's allow-list"));
      return false;
    }
  }
  if (!have_user || user_.empty()) {
    Fatal("28000", "no PostgreSQL user name specified in startup packet");
    return false;
  }
  if (!options.empty()) {
    std::vector<std::pair<std::string, std::string>> settings;
    std::string error;
    if (!ParseStartupOptions(options, &settings, &error)) {
      Fatal("42501", error);
      return false;
    }
    for (auto& [n, v] : settings) {
      if (!StartupSettingAllowed(n)) {
        Fatal("42501", Cat("setting \"", n, "\" in the startup options is not on rlsq-proxy's allow-list"));
        return false;
      }
      upstream_params_.emplace_back(std::move(n), std::move(v));
    }
  }
  for (const auto& [n, v] : upstream_params_) {
    std::string lower = n;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "client_encoding" && !IsUtf8EncodingName(v)) {
      Fatal("0A000", Cat("client_encoding \"", v,
                         "\" is not supported: rlsq-proxy holds client_encoding at UTF8 (set PGCLIENTENCODING=UTF8)"));
      return false;
    }
    if (lower == "standard_conforming_strings" && IsFalse(v)) {
      Fatal("0A000", "rlsq-proxy holds standard_conforming_strings on");
      return false;
    }
  }
  if (database_.empty()) database_ = user_;  // PostgreSQL's default
  const int32_t minor = version & 0xffff;
  if (minor > 0 || !unknown_pq.empty()) {
    // NegotiateProtocolVersion: the newest minor version supported, then the options not recognised.
    wire::Writer w(&client_out_, 'v');
    w.Int32(wire::kProtocol30).Int32(static_cast<int32_t>(unknown_pq.size()));
    for (const std::string& o : unknown_pq) w.CString(o);
  }
  if (client_on_unix_socket_ && ctx_.config().trust_local) {
    ClientAuthenticated();
    return state_ != State::kClosing;
  }
  std::shared_ptr<const UserStore> users = ctx_.users();
  const auth::ScramVerifier* verifier = users ? users->Find(user_) : nullptr;
  scram_server_ = std::make_unique<auth::ScramServer>(verifier, user_, ctx_.mock_secret());
  wire::Writer(&client_out_, 'R').Int32(wire::kAuthSasl).CString("SCRAM-SHA-256").Byte('\0');
  state_ = State::kSaslInitial;
  return true;
}

void Session::HandleSaslInitial(const wire::Message& m) {
  wire::Reader r(m.body);
  std::string_view mechanism, data;
  int32_t len = 0;
  if (!r.CString(&mechanism) || !r.Int32(&len) || len < 0 || !r.Bytes(static_cast<size_t>(len), &data) ||
      !r.AtEnd()) {
    Fatal("08P01", "malformed SASLInitialResponse message");
    return;
  }
  if (mechanism != "SCRAM-SHA-256") {
    Fatal("28000", "client selected an invalid SASL authentication mechanism");
    return;
  }
  absl::StatusOr<std::string> first = scram_server_->HandleClientFirst(data);
  if (!first.ok()) {
    Fatal("08P01", Cat("malformed SCRAM message: ", first.status().message()));
    return;
  }
  wire::AppendAuthentication(&client_out_, wire::kAuthSaslContinue, *first);
  state_ = State::kSaslFinal;
}

void Session::HandleSaslFinal(const wire::Message& m) {
  absl::StatusOr<std::string> final_message = scram_server_->HandleClientFinal(m.body);
  if (!final_message.ok()) {
    ctx_.counters().auth_failures++;
    if (final_message.status().code() == absl::StatusCode::kPermissionDenied)
      Fatal("28P01", Cat("password authentication failed for user \"", user_, "\""));
    else
      Fatal("08P01", Cat("malformed SCRAM message: ", final_message.status().message()));
    return;
  }
  wire::AppendAuthentication(&client_out_, wire::kAuthSaslFinal, *final_message);
  scram_server_.reset();
  ClientAuthenticated();
}

void Session::ClientAuthenticated() {
  // The identity is the authenticated startup user; it must be a user of the policy.
  caller_ = rlsq::Caller{user_};
  absl::StatusOr<std::string> key = ctx_.engine().cache_key(caller_);
  if (!key.ok()) {
    ctx_.counters().auth_failures++;
    Fatal("28000", Cat("role \"", user_, "\" is not a user of rlsq-proxy's policy"));
    return;
  }
  if (database_ != ctx_.upstream().dbname) {
    Fatal("3D000", Cat("database \"", database_, "\" does not exist (rlsq-proxy serves database \"",
                       ctx_.upstream().dbname, "\")"));
    return;
  }
  wire::AppendAuthentication(&client_out_, wire::kAuthOk);
  state_ = State::kConnectUpstream;
}

// ------------------------------------------------------------------------------------------------------------------
// The relay, client to server

Session::Pending& Session::PushPending(Pending::Kind kind) {
  pending_.emplace_back(kind);
  return pending_.back();
}

void Session::Forward(const wire::Message& m) { wire::AppendMessage(&server_out_, m); }

bool Session::HandleClientMessage(const wire::Message& m) {
  if (discarding_ && m.type != 'S' && m.type != 'X') return true;  // PostgreSQL ignores all but Sync after an error
  switch (m.type) {
    case 'Q':
      HandleQuery(m.body);
      return true;
    case 'P':
      HandleParse(m.body);
      return true;
    case 'B':
      HandleBind(m);
      return true;
    case 'D':
      HandleDescribe(m);
      return true;
    case 'E': {
      wire::Reader r(m.body);
      std::string_view portal;
      int32_t max_rows;
      if (!r.CString(&portal) || !r.Int32(&max_rows) || !r.AtEnd()) {
        Fatal("08P01", "malformed Execute message");
        return true;
      }
      Forward(m);
      Pending& p = PushPending(Pending::kExecute);
      if (auto it = rewritten_portals_.find(ProtocolName(portal)); it != rewritten_portals_.end())
        p.rewritten = it->second;
      return true;
    }
    case 'C':
      HandleClose(m);
      return true;
    case 'H':
      if (!m.body.empty()) {
        Fatal("08P01", "malformed Flush message");
        return true;
      }
      Forward(m);
      return true;
    case 'S':
      HandleSync(m);
      return true;
    case 'X':
      Forward(m);
      state_ = State::kClosing;
      return true;
    case 'F': {
      wire::Error e;
      e.sqlstate = "0A000";
      e.message = "the FunctionCall message is not supported by rlsq-proxy (it runs a function by OID, with no SQL "
                  "text to check)";
      RefuseSimple(std::move(e));
      return true;
    }
    case 'd':
    case 'c':
    case 'f':
      return true;  // COPY data outside COPY: PostgreSQL ignores it too (COPY FROM is refused)
    default:
      Fatal("08P01", Cat("invalid frontend message type ", static_cast<int>(static_cast<unsigned char>(m.type))));
      return true;
  }
}

absl::Status Session::Rewrite(std::string_view sql, std::string* out, bool* changed) const {
  absl::StatusOr<rlsq::Rewrite> r = ctx_.engine().rewrite(sql, caller_, rewrite_options_);
  if (!r.ok()) return r.status();
  *changed = r->changed;
  *out = std::move(r->sql);
  return absl::OkStatus();
}

void Session::HandleQuery(std::string_view body) {
  if (body.empty() || body.back() != '\0' || body.find('\0') != body.size() - 1) {
    Fatal("08P01", "malformed Query message");
    return;
  }
  std::string_view text = body.substr(0, body.size() - 1);
  ctx_.counters().statements++;
  std::vector<Statement> statements = SplitStatements(text);
  std::string sent;
  size_t copied = 0;
  bool rewritten = false, changes_path = false, drops_all = false, search_path_changed_before = false;
  std::vector<std::string> deallocated;
  for (const Statement& st : statements) {
    if (st.kind == StatementKind::kRefused) {
      wire::Error e = st.error;
      RefuseSimple(std::move(e));
      return;
    }
    if (st.kind == StatementKind::kQuery) {
      if (search_path_changed_before) {
        wire::Error e;
        e.sqlstate = "0A000";
        e.message = "rlsq-proxy cannot resolve the names of a query that follows a change of search_path in the "
                    "same Query message: send it in a message of its own";
        e.position = CharacterPosition(text, st.begin);
        RefuseSimple(std::move(e));
        return;
      }
      std::string out;
      bool changed = false;
      absl::Status s = Rewrite(text.substr(st.begin, st.end - st.begin), &out, &changed);
      if (!s.ok()) {
        RefuseSimple(ErrorOf(s, text, st.begin));
        return;
      }
      if (changed) {
        sent.append(text.data() + copied, st.begin - copied);
        sent += out;
        copied = st.end;
        rewritten = true;
      }
      continue;
    }
    if (st.kind == StatementKind::kSession) {
      bool path = st.changes_search_path || (st.ends_transaction && path_may_revert_);
      changes_path |= path;
      search_path_changed_before |= path;
      drops_all |= st.drops_statements;
      if (!st.deallocates.empty()) deallocated.push_back(st.deallocates);
    }
  }
  if (rewritten) ctx_.counters().rewritten++;
  if (rewritten) sent.append(text.data() + copied, text.size() - copied);
  Pending& p = PushPending(Pending::kQuery);
  if (rewritten) p.rewritten = std::make_shared<RewrittenText>(RewrittenText{std::string(text), sent});
  p.changes_search_path = changes_path;
  p.drops_all_statements = drops_all;
  p.drops_statements = std::move(deallocated);
  // A Query also ends the extended-protocol batch in progress, if any.
  p.changes_search_path |= open_batch_.changes_search_path;
  p.drops_all_statements |= open_batch_.drops_all_statements;
  open_batch_ = Pending();
  wire::Writer w(&server_out_, 'Q');
  if (!rewritten) w.Bytes(body);
  else w.CString(sent);
  w.Finish();
  if (p.changes_search_path) resync_wanted_ = true;
}

void Session::RefuseSimple(wire::Error error) {
  ctx_.counters().refused++;
  Pending& p = PushPending(Pending::kQuery);
  p.refusal = std::move(error);
  p.changes_search_path = open_batch_.changes_search_path;
  open_batch_ = Pending();
  // An identifier alone is a syntax error: the server fails the statement (and the transaction block, if one is
  // open), then reports ReadyForQuery.
  wire::Writer(&server_out_, 'Q').CString(ctx_.refusal_marker());
  if (p.changes_search_path) resync_wanted_ = true;
}

void Session::RefuseExtended(wire::Error error) {
  ctx_.counters().refused++;
  // A Bind of a statement that does not exist: it fails without side effects and the server discards until Sync.
  wire::Writer(&server_out_, 'B').CString("").CString(ctx_.refusal_marker()).Int16(0).Int16(0).Int16(0);
  Pending& p = PushPending(Pending::kBind);
  p.refusal = std::move(error);
  discarding_ = true;
}

void Session::HandleParse(std::string_view body) {
  wire::Reader r(body);
  std::string_view name, query;
  int16_t ntypes = 0;
  if (!r.CString(&name) || !r.CString(&query) || !r.Int16(&ntypes) || ntypes < 0 ||
      r.remaining() != static_cast<size_t>(ntypes) * 4) {
    Fatal("08P01", "malformed Parse message");
    return;
  }
  std::string_view types = body.substr(body.size() - static_cast<size_t>(ntypes) * 4);
  ctx_.counters().statements++;
  const std::string statement_name = ProtocolName(name);
  if (statement_name.rfind(kMarkerPrefix, 0) == 0) {
    wire::Error e;
    e.sqlstate = "42501";
    e.message = Cat("statement names starting with ", kMarkerPrefix, " are reserved by rlsq-proxy");
    RefuseExtended(std::move(e));
    return;
  }
  // Read before the rewrite: a reload between the two must leave the statement marked with the older version.
  const uint64_t policy_generation = ctx_.engine().reloads();
  Prepared info;
  std::vector<Statement> statements = SplitStatements(query);
  // Parse takes one statement (PostgreSQL: "cannot insert multiple commands into a prepared statement").
  std::vector<const Statement*> real;
  for (const Statement& st : statements)
    if (st.kind != StatementKind::kEmpty) real.push_back(&st);
  if (real.size() > 1) {
    wire::Error e;
    e.sqlstate = "42601";
    e.message = "cannot insert multiple commands into a prepared statement";
    RefuseExtended(std::move(e));
    return;
  }
  std::string sent(query);
  bool rewritten = false;
  if (!real.empty()) {
    const Statement& st = *real.front();
    if (st.kind == StatementKind::kRefused) {
      RefuseExtended(st.error);
      return;
    }
    if (st.kind == StatementKind::kQuery) {
      if (open_batch_.changes_search_path) {
        wire::Error e;
        e.sqlstate = "0A000";
        e.message = "rlsq-proxy cannot resolve the names of a statement parsed after a change of search_path and "
                    "before the next Sync: send Sync first";
        RefuseExtended(std::move(e));
        return;
      }
      std::string out;
      absl::Status s = Rewrite(query.substr(st.begin, st.end - st.begin), &out, &rewritten);
      if (!s.ok()) {
        RefuseExtended(ErrorOf(s, query, st.begin));
        return;
      }
      if (rewritten) {
        sent = Cat(query.substr(0, st.begin), out, query.substr(st.end));
        ctx_.counters().rewritten++;
      }
    } else if (st.kind == StatementKind::kSession) {
      // Its effects come when it runs: remembered with the statement, applied at each Bind of it.
      info.changes_search_path = st.changes_search_path;
      info.ends_transaction = st.ends_transaction;
      info.drops_all_statements = st.drops_statements;
      info.deallocates = st.deallocates;
    }
    info.is_query = st.kind == StatementKind::kQuery;
  }
  wire::Writer w(&server_out_, 'P');
  w.CString(name).CString(sent).Int16(ntypes).Bytes(types);
  w.Finish();
  Pending& p = PushPending(Pending::kParse);
  p.name = statement_name;
  // Remembered with the Parse; it becomes the statement when ParseComplete confirms it.
  info.original = std::string(query);
  if (rewritten) info.rewritten = std::make_shared<RewrittenText>(RewrittenText{info.original, sent});
  p.rewritten = info.rewritten;
  info.sent = std::move(sent);
  info.policy_generation = policy_generation;
  info.path_generation = path_generation_;
  info.batch = syncs_sent_;
  // Kept beside the pending entry: the confirmed map is only updated from the server's answers.
  parsed_in_flight_.emplace_back(p.name, std::move(info));
}

bool Session::PreparedStillValid(const std::string& name, wire::Error* error) {
  // The candidates: the newest Parse of this name still in flight, and the statement the server confirmed. Either
  // may be the one the server runs (a Parse in flight can still fail), so both must hold.
  std::vector<const Prepared*> candidates;
  const Prepared* in_flight = nullptr;
  for (auto it = parsed_in_flight_.rbegin(); it != parsed_in_flight_.rend(); ++it)
    if (it->first == name) {
      in_flight = &it->second;
      break;
    }
  if (in_flight) candidates.push_back(in_flight);
  // The confirmed statement can still be the one bound only when the Parse in flight is named and came in an
  // earlier batch: in the same batch a failed Parse makes the server skip the Bind, and a failed unnamed Parse drops
  // the previous unnamed statement.
  const bool only_in_flight = in_flight && (in_flight->batch == syncs_sent_ || name.empty());
  if (!only_in_flight)
    if (auto it = prepared_.find(name); it != prepared_.end()) candidates.push_back(&it->second);
  if (candidates.empty()) {
    // Every statement the server has came through a Parse the proxy saw and tracked; an unknown name is refused here
    // (the server would fail it as well), so no statement the proxy lost track of can run unchecked.
    error->sqlstate = "26000";
    error->message = Cat("prepared statement \"", name, "\" does not exist");
    return false;
  }
  const uint64_t policy_generation = ctx_.engine().reloads();
  for (const Prepared* p : candidates) {
    if (p->policy_generation == policy_generation && p->path_generation == path_generation_) continue;
    std::vector<Statement> statements = SplitStatements(p->original);
    const Statement* q = nullptr;
    for (const Statement& st : statements)
      if (st.kind == StatementKind::kQuery) q = &st;
    if (q == nullptr) continue;  // a session statement: nothing to re-check
    std::string out;
    bool changed = false;
    absl::Status s = Rewrite(std::string_view(p->original).substr(q->begin, q->end - q->begin), &out, &changed);
    std::string now = changed ? Cat(std::string_view(p->original).substr(0, q->begin), out,
                                    std::string_view(p->original).substr(q->end))
                              : p->original;
    if (!s.ok()) {
      *error = ErrorOf(s, p->original, q->begin);
      error->detail = Cat("prepared statement \"", name, "\" was prepared under an earlier ",
                          p->path_generation != path_generation_ ? "search_path" : "policy",
                          "; under the one in force it is refused");
      return false;
    }
    if (now != p->sent) {
      error->sqlstate = "0A000";
      error->message = Cat("prepared statement \"", name, "\" was prepared under an earlier ",
                           p->path_generation != path_generation_ ? "search_path" : "policy",
                           " and would now read differently: prepare it again");
      return false;
    }
    const_cast<Prepared*>(p)->policy_generation = policy_generation;
    const_cast<Prepared*>(p)->path_generation = path_generation_;
  }
  return true;
}

void Session::HandleBind(const wire::Message& m) {
  wire::Reader r(m.body);
  std::string_view portal, statement;
  if (!r.CString(&portal) || !r.CString(&statement)) {
    Fatal("08P01", "malformed Bind message");
    return;
  }
  wire::Error error;
  const std::string name = ProtocolName(statement);
  if (!PreparedStillValid(name, &error)) {
    RefuseExtended(std::move(error));
    return;
  }
  const Prepared* prepared = FindPrepared(name);
  if (prepared && prepared->is_query && open_batch_.changes_search_path) {
    // PostgreSQL analyses the statement again under the search path in force at Bind, which a statement executed
    // earlier in this batch changed; the proxy learns the new one only after Sync.
    wire::Error e;
    e.sqlstate = "0A000";
    e.message = "rlsq-proxy cannot check a Bind that follows a change of search_path before the next Sync: send "
                "Sync first";
    RefuseExtended(std::move(e));
    return;
  }
  Forward(m);
  Pending& p = PushPending(Pending::kBind);
  p.rewritten = prepared ? prepared->rewritten : nullptr;
  const std::string portal_name = ProtocolName(portal);
  if (p.rewritten) rewritten_portals_[portal_name] = p.rewritten;
  else rewritten_portals_.erase(portal_name);
  if (prepared && !prepared->is_query) {
    // A session statement's effects, as for a simple Query (applied to this batch, settled at its ReadyForQuery).
    open_batch_.changes_search_path |=
        prepared->changes_search_path || (prepared->ends_transaction && path_may_revert_);
    open_batch_.drops_all_statements |= prepared->drops_all_statements;
    if (!prepared->deallocates.empty()) open_batch_.drops_statements.push_back(prepared->deallocates);
  }
}

const Session::Prepared* Session::FindPrepared(const std::string& name) const {
  for (auto it = parsed_in_flight_.rbegin(); it != parsed_in_flight_.rend(); ++it)
    if (it->first == name) return &it->second;
  auto it = prepared_.find(name);
  return it == prepared_.end() ? nullptr : &it->second;
}

void Session::HandleDescribe(const wire::Message& m) {
  wire::Reader r(m.body);
  char kind = 0;
  std::string_view name;
  if (!r.Byte(&kind) || !r.CString(&name) || !r.AtEnd() || (kind != 'S' && kind != 'P')) {
    Fatal("08P01", "malformed Describe message");
    return;
  }
  Forward(m);
  PushPending(kind == 'S' ? Pending::kDescribeStatement : Pending::kDescribePortal);
}

void Session::HandleClose(const wire::Message& m) {
  wire::Reader r(m.body);
  char kind = 0;
  std::string_view name;
  if (!r.Byte(&kind) || !r.CString(&name) || !r.AtEnd() || (kind != 'S' && kind != 'P')) {
    Fatal("08P01", "malformed Close message");
    return;
  }
  Forward(m);
  Pending& p = PushPending(Pending::kClose);
  p.name = ProtocolName(name);
  p.close_statement = kind == 'S';
}

void Session::HandleSync(const wire::Message& m) {
  if (!m.body.empty()) {
    Fatal("08P01", "malformed Sync message");
    return;
  }
  discarding_ = false;
  Forward(m);
  ++syncs_sent_;
  Pending& p = PushPending(Pending::kSync);
  p.changes_search_path = open_batch_.changes_search_path;
  p.drops_all_statements = open_batch_.drops_all_statements;
  p.drops_statements = std::move(open_batch_.drops_statements);
  open_batch_ = Pending();
  if (p.changes_search_path) resync_wanted_ = true;
}

// ------------------------------------------------------------------------------------------------------------------
// Upstream login

void Session::OnServerConnectFailed(std::string_view why) {
  if (state_ == State::kCancelConnect) {
    state_ = State::kClosing;
    return;
  }
  Fatal("08006", Cat("rlsq-proxy could not connect to the upstream server: ", why));
}

void Session::OnServerConnected() {
  server_connected_ = true;
  if (state_ == State::kCancelConnect) {
    std::string body;
    char b[8];
    auto put = [](char* p, int32_t v) {
      uint32_t u = static_cast<uint32_t>(v);
      p[0] = static_cast<char>(u >> 24);
      p[1] = static_cast<char>(u >> 16);
      p[2] = static_cast<char>(u >> 8);
      p[3] = static_cast<char>(u);
    };
    put(b, cancel_target_->pid);
    put(b + 4, cancel_target_->secret);
    wire::AppendStartupPacket(&server_out_, wire::kCancelRequestCode, std::string_view(b, 8));
    state_ = State::kClosing;
    return;
  }
  if (state_ != State::kConnectUpstream) return;
  const Upstream& up = ctx_.upstream();
  std::string body;
  auto param = [&](std::string_view n, std::string_view v) {
    body.append(n.data(), n.size());
    body.push_back('\0');
    body.append(v.data(), v.size());
    body.push_back('\0');
  };
  param("user", up.user);
  param("database", up.dbname);
  bool have_app = false;
  for (const auto& [n, v] : upstream_params_) {
    std::string lower = n;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "client_encoding" || lower == "standard_conforming_strings") continue;  // set below
    have_app |= lower == "application_name";
    param(n, v);
  }
  if (!have_app) param("application_name", up.application_name.empty() ? "rlsq-proxy" : up.application_name);
  param("client_encoding", "UTF8");
  param("standard_conforming_strings", "on");
  body.push_back('\0');
  wire::AppendStartupPacket(&server_out_, wire::kProtocol30, body);
  state_ = State::kUpstreamLogin;
}

void Session::UpstreamFatal(std::string message) {
  // The client hears a connection failure; the service role's own errors are the operator's business.
  Fatal("08006", Cat("rlsq-proxy could not log in to the upstream server: ", message));
}

void Session::OnServerData(std::string_view data) {
  if (state_ == State::kClosing && !server_connected_) return;
  server_in_.append(data.data(), data.size());
  ProcessServer();
}

void Session::OnServerClosed() {
  server_connected_ = false;
  if (state_ == State::kClosing) return;
  if (state_ == State::kReady) {
    Fatal("08006", "the upstream server closed the connection (rlsq-proxy keeps serving new connections)");
    return;
  }
  UpstreamFatal("the server closed the connection");
}

void Session::ProcessServer() {
  size_t offset = 0;
  while (state_ != State::kClosing && reading_server()) {
    std::string_view in = std::string_view(server_in_).substr(offset);
    if (in.empty()) break;
    if (server_passthrough_ > 0) {  // the rest of a DataRow
      size_t n = std::min(server_passthrough_, in.size());
      client_out_.append(in.data(), n);
      server_passthrough_ -= n;
      offset += n;
      continue;
    }
    // A DataRow for the client is copied through as it arrives, however long.
    if (state_ == State::kReady && in.size() >= 5 && in[0] == 'D' && !pending_.empty() &&
        !pending_.front().internal) {
      uint32_t len = (uint32_t{static_cast<unsigned char>(in[1])} << 24) |
                     (uint32_t{static_cast<unsigned char>(in[2])} << 16) |
                     (uint32_t{static_cast<unsigned char>(in[3])} << 8) | uint32_t{static_cast<unsigned char>(in[4])};
      if (len < 4) {
        UpstreamFatal("invalid message length from the server");
        break;
      }
      server_passthrough_ = size_t{len} + 1;
      continue;
    }
    wire::Message m;
    size_t consumed = 0;
    std::string error;
    wire::Frame f = wire::ReadMessage(in, kMaxServerMessage, &m, &consumed, &error);
    if (f == wire::Frame::kNeedMore) break;
    if (f == wire::Frame::kError) {
      UpstreamFatal(Cat("the server sent a bad message: ", error));
      break;
    }
    if (state_ == State::kUpstreamLogin) HandleLoginMessage(m);
    else if (state_ == State::kUpstreamResync || state_ == State::kReady) HandleReadyMessage(m);
    offset += consumed;
  }
  server_in_.erase(0, offset);
  // Messages the client sent while the proxy waited for the server (a resync) can go now.
  if (state_ == State::kReady && !client_in_.empty() && reading_client()) ProcessClient();
}

void Session::HandleLoginMessage(const wire::Message& m) {
  wire::Reader r(m.body);
  switch (m.type) {
    case 'R': {
      int32_t code = 0;
      if (!r.Int32(&code)) return UpstreamFatal("malformed authentication request");
      const Upstream& up = ctx_.upstream();
      switch (code) {
        case wire::kAuthOk:
          // Once SCRAM has started, only a verified server signature lets the login through: a server that skips
          // the final message could be anyone.
          if (upstream_sasl_started_ && !upstream_sasl_verified_)
            return UpstreamFatal("the server ended SCRAM authentication without proving it knows the password");
          return;
        case wire::kAuthCleartext:
          if (upstream_sasl_started_) return UpstreamFatal("the server asked for a password in the middle of SCRAM");
          wire::Writer(&server_out_, 'p').CString(up.password);
          return;
        case wire::kAuthMd5: {
          if (upstream_sasl_started_) return UpstreamFatal("the server asked for MD5 in the middle of SCRAM");
          std::string_view salt;
          if (!r.Bytes(4, &salt)) return UpstreamFatal("malformed MD5 authentication request");
          wire::Writer(&server_out_, 'p')
              .CString(auth::Md5PasswordResponse(up.user, up.password,
                                                 reinterpret_cast<const unsigned char*>(salt.data())));
          return;
        }
        case wire::kAuthSasl: {
          bool scram = false;
          std::string_view mech;
          while (r.CString(&mech) && !mech.empty()) scram |= mech == "SCRAM-SHA-256";
          if (!scram) return UpstreamFatal("the server offers no SASL mechanism rlsq-proxy supports");
          upstream_sasl_started_ = true;
          scram_client_ = std::make_unique<auth::ScramClient>(up.password);
          std::string first = scram_client_->ClientFirst();
          wire::Writer(&server_out_, 'p')
              .CString("SCRAM-SHA-256")
              .Int32(static_cast<int32_t>(first.size()))
              .Bytes(first);
          return;
        }
        case wire::kAuthSaslContinue: {
          if (!scram_client_) return UpstreamFatal("unexpected SASL continue message");
          absl::StatusOr<std::string> final_message =
              scram_client_->HandleServerFirst(m.body.substr(4));
          if (!final_message.ok()) return UpstreamFatal(std::string(final_message.status().message()));
          wire::Writer(&server_out_, 'p').Bytes(*final_message);
          return;
        }
        case wire::kAuthSaslFinal: {
          if (!scram_client_) return UpstreamFatal("unexpected SASL final message");
          absl::Status s = scram_client_->HandleServerFinal(m.body.substr(4));
          scram_client_.reset();
          if (!s.ok()) return UpstreamFatal(Cat("the server's SCRAM signature: ", s.message()));
          upstream_sasl_verified_ = true;
          return;
        }
        default:
          return UpstreamFatal(Cat("the server asks for an authentication method rlsq-proxy does not support (", code,
                                   ")"));
      }
    }
    case 'S': {
      std::string_view name, value;
      if (!r.CString(&name) || !r.CString(&value)) return UpstreamFatal("malformed ParameterStatus");
      server_params_.emplace_back(std::string(name), std::string(value));
      return;
    }
    case 'K': {
      if (!r.Int32(&server_key_.pid) || !r.Int32(&server_key_.secret))
        return UpstreamFatal("malformed BackendKeyData");
      return;
    }
    case 'E': {
      wire::Fields fields;
      wire::ParseFields(m.body, &fields);
      return UpstreamFatal(std::string(wire::FieldValue(fields, 'M')));
    }
    case 'N':
      return;
    case 'v':
      return;  // NegotiateProtocolVersion: the server speaks 3.0 with us
    case 'Z': {
      char status = 'I';
      r.Byte(&status);
      server_status_ = status;
      for (const auto& [n, v] : server_params_) {
        if (n == "client_encoding" && !IsUtf8EncodingName(v))
          return UpstreamFatal(Cat("the server's client_encoding is ", v, ", not UTF8"));
        if (n == "standard_conforming_strings" && v != "on")
          return UpstreamFatal("the server's standard_conforming_strings is off");
      }
      state_ = State::kUpstreamResync;
      StartResync();
      return;
    }
    default:
      return UpstreamFatal(Cat("unexpected message type '", std::string(1, m.type), "' during login"));
  }
}

void Session::SendClientReady() {
  for (const auto& [n, v] : server_params_) wire::AppendParameterStatus(&client_out_, n, v);
  auto [pid, secret] = ctx_.cancels().Register(server_key_);
  proxy_pid_ = pid;
  proxy_secret_ = secret;
  wire::AppendBackendKeyData(&client_out_, pid, secret);
  wire::AppendReadyForQuery(&client_out_, server_status_);
  state_ = State::kReady;
}

// ------------------------------------------------------------------------------------------------------------------
// Search path: the server's own answer after each change

void Session::StartResync() {
  // current_schemas(false): the schemas names resolve in, in order, as the server computes them ("$user" expanded,
  // missing schemas and those without USAGE left out).
  wire::Writer(&server_out_, 'Q').CString("SELECT pg_catalog.current_schemas(false)");
  Pending& p = PushPending(Pending::kQuery);
  p.internal = true;
  resync_in_flight_ = true;
  resync_wanted_ = false;
  resync_value_.reset();
  resync_failed_ = false;
}

void Session::FinishResync(char status) {
  resync_in_flight_ = false;
  std::vector<std::string> path;
  if (resync_failed_ || !resync_value_ || !ParseNameArray(*resync_value_, &path)) {
    // In a failed transaction the server answers nothing but 25P02: until its end, names are not resolved (and
    // nothing the server would run anyway).
    if (!search_path_unknown_) ++path_generation_;  // statements prepared before must be checked again
    search_path_unknown_ = true;
    path_may_revert_ = true;
  } else {
    if (path != search_path_ || search_path_unknown_) ++path_generation_;
    search_path_ = std::move(path);
    search_path_unknown_ = false;
    path_may_revert_ = status != 'I';
  }
  // What every rewrite of the session passes the engine, built once per change.
  rewrite_options_ = rlsq::RewriteOptions();
  rewrite_options_.database = ctx_.config().database;
  rewrite_options_.client_encoding = "UTF8";
  if (search_path_unknown_ || search_path_.empty()) rewrite_options_.search_path_unknown = true;
  else rewrite_options_.search_path = search_path_;
  server_status_ = status;
  if (state_ == State::kUpstreamResync) SendClientReady();
}

void Session::ConfirmParsed() {
  if (parsed_in_flight_.empty()) return;
  auto& [name, info] = parsed_in_flight_.front();
  prepared_[name] = std::move(info);
  parsed_in_flight_.pop_front();
}

void Session::DropParsed(bool failed_itself) {
  if (parsed_in_flight_.empty()) return;
  // A failed Parse of the unnamed statement has dropped the previous one (PostgreSQL drops it before parsing); a
  // Parse the server skipped after an earlier error changed nothing.
  if (failed_itself && parsed_in_flight_.front().first.empty()) prepared_.erase("");
  parsed_in_flight_.pop_front();
}

void Session::RecomputeResyncWanted() {
  if (resync_in_flight_) return;
  resync_wanted_ = false;  // the open batch's own change is settled after its Sync
  for (const Pending& p : pending_)
    if (p.changes_search_path) resync_wanted_ = true;
}

void Session::Resume() {
  if (state_ == State::kClosing) return;
  if (!server_in_.empty()) ProcessServer();
  if (state_ == State::kReady && !client_in_.empty() && reading_client()) ProcessClient();
}

// ------------------------------------------------------------------------------------------------------------------
// The relay, server to client

namespace {

// Whether `text` holds a double-quoted run (PostgreSQL quotes names and values in its messages) that is in the text
// sent but not in the client's: a piece of an injected predicate.
bool QuotesInjectedText(std::string_view text, std::string_view original, std::string_view sent) {
  size_t pos = 0;
  while ((pos = text.find('"', pos)) != std::string_view::npos) {
    size_t end = text.find('"', pos + 1);
    if (end == std::string_view::npos) break;
    std::string_view run = text.substr(pos + 1, end - pos - 1);
    if (!run.empty() && sent.find(run) != std::string_view::npos && original.find(run) == std::string_view::npos)
      return true;
    pos = end + 1;
  }
  return false;
}

}  // namespace

void Session::AppendSanitized(const wire::Message& m, const RewrittenText* rewritten) {
  if (rewritten == nullptr || (m.type != 'E' && m.type != 'N')) {
    wire::AppendMessage(&client_out_, m);
    return;
  }
  wire::Fields fields, kept;
  if (!wire::ParseFields(m.body, &fields)) {
    UpstreamFatal("the server sent a malformed error message");
    return;
  }
  // The position and the internal query would point into, or quote, the predicates the proxy injected; a message,
  // detail, hint or context that quotes a piece of them is replaced.
  bool quotes = false;
  for (const auto& f : fields)
    if ((f.first == 'M' || f.first == 'D' || f.first == 'H' || f.first == 'W') &&
        QuotesInjectedText(f.second, rewritten->original, rewritten->sent))
      quotes = true;
  for (auto& f : fields) {
    if (f.first == 'P' || f.first == 'p' || f.first == 'q') continue;
    if (quotes && (f.first == 'D' || f.first == 'H' || f.first == 'W')) continue;
    if (quotes && f.first == 'M')
      f.second = "the server refused the statement as rlsq-proxy rewrote it for the policy (its message quoted the "
                 "policy's filter, which is not shown)";
    kept.push_back(std::move(f));
  }
  wire::AppendFields(&client_out_, m.type, kept);
}

void Session::HandleServerError(const wire::Message& m) {
  if (pending_.empty()) {
    AppendSanitized(m, nullptr);  // an error not about any message (a shutdown notice, a FATAL): pass it on
    return;
  }
  Pending& front = pending_.front();
  if (front.internal) {
    resync_failed_ = true;
    return;
  }
  if (front.refusal) {
    // The proxy's own message failed, as meant, unless the server refused it for another reason first (an aborted
    // transaction: 25P02 is what PostgreSQL answers any statement there).
    wire::Fields fields;
    bool ours = wire::ParseFields(m.body, &fields) &&
                wire::FieldValue(fields, 'M').find(ctx_.refusal_marker()) != std::string_view::npos;
    if (ours) wire::AppendError(&client_out_, *front.refusal);
    else AppendSanitized(m, nullptr);
  } else {
    AppendSanitized(m, front.rewritten.get());
  }
  // After an error the server skips to the end of the batch: drop what it will not answer.
  if (front.kind == Pending::kQuery) {
    front.failed = true;
    return;
  }
  bool first = true;
  while (!pending_.empty() && pending_.front().kind != Pending::kSync) {
    if (pending_.front().kind == Pending::kParse) DropParsed(/*failed_itself=*/first);
    first = false;
    pending_.pop_front();  // a Query here (sent before the batch's Sync) is ignored by the server too
  }
  if (!pending_.empty()) pending_.front().failed = true;
  RecomputeResyncWanted();
}

void Session::HandleReadyForQuery(const wire::Message& m) {
  wire::Reader r(m.body);
  char status = 0;
  if (!r.Byte(&status) || !r.AtEnd() || (status != 'I' && status != 'T' && status != 'E')) {
    UpstreamFatal("malformed ReadyForQuery from the server");
    return;
  }
  // Anything still pending before the Sync/Query that this answers was skipped by the server.
  while (!pending_.empty() && pending_.front().kind != Pending::kSync && pending_.front().kind != Pending::kQuery) {
    if (pending_.front().kind == Pending::kParse) DropParsed(/*failed_itself=*/false);
    pending_.pop_front();
  }
  if (pending_.empty()) {
    UpstreamFatal("the server sent ReadyForQuery that answers nothing");
    return;
  }
  Pending done = std::move(pending_.front());
  pending_.pop_front();
  server_status_ = status;
  if (done.internal) {
    FinishResync(status);
    return;
  }
  if (!done.failed) {
    if (done.drops_all_statements) prepared_.clear();
    for (const std::string& name : done.drops_statements) prepared_.erase(name);
  }
  if (done.kind == Pending::kQuery) prepared_.erase("");  // a simple Query ends the unnamed statement
  if (status == 'I') rewritten_portals_.clear();          // portals end with their transaction
  wire::AppendReadyForQuery(&client_out_, status);
  if (resync_wanted_ && pending_.empty()) StartResync();
}

void Session::HandleReadyMessage(const wire::Message& m) {
  Pending* front = pending_.empty() ? nullptr : &pending_.front();
  const bool internal = front && front->internal;
  switch (m.type) {
    case 'E':
      HandleServerError(m);
      return;
    case 'N':
      if (internal) return;
      AppendSanitized(m, front ? front->rewritten.get() : nullptr);
      return;
    case 'Z':
      HandleReadyForQuery(m);
      return;
    case 'S': {
      wire::Reader r(m.body);
      std::string_view name, value;
      if (!r.CString(&name) || !r.CString(&value)) return UpstreamFatal("malformed ParameterStatus");
      // The two settings the proxy's reading of the text depends on may not change under it.
      if ((name == "client_encoding" && !IsUtf8EncodingName(value)) ||
          (name == "standard_conforming_strings" && value != "on"))
        return UpstreamFatal(Cat("the server's ", name, " changed to ", value));
      AppendSanitized(m, nullptr);
      return;
    }
    case 'A':
      AppendSanitized(m, nullptr);
      return;
    default:
      break;
  }
  if (front == nullptr) {
    UpstreamFatal(Cat("the server sent message type '", std::string(1, m.type), "' answering nothing"));
    return;
  }
  if (internal) {  // the resync's RowDescription, DataRow, CommandComplete
    if (m.type == 'D') {
      wire::Reader r(m.body);
      int16_t n = 0;
      int32_t len = 0;
      std::string_view v;
      if (r.Int16(&n) && n == 1 && r.Int32(&len) && len >= 0 && r.Bytes(static_cast<size_t>(len), &v))
        resync_value_ = std::string(v);
      else resync_failed_ = true;
    }
    return;
  }
  bool pop = false;
  switch (m.type) {
    case '1':  // ParseComplete
      if (front->kind != Pending::kParse) break;
      ConfirmParsed();
      pop = true;
      break;
    case '2':  // BindComplete
      pop = front->kind == Pending::kBind;
      break;
    case '3':  // CloseComplete
      if (front->kind != Pending::kClose) break;
      if (front->close_statement) prepared_.erase(front->name);
      pop = true;
      break;
    case 't':  // ParameterDescription
      if (front->kind != Pending::kDescribeStatement || front->describe_got_parameters) break;
      front->describe_got_parameters = true;
      AppendSanitized(m, nullptr);
      return;
    case 'T':  // RowDescription
    case 'n':  // NoData
      if (front->kind == Pending::kQuery) {
        AppendSanitized(m, nullptr);
        return;
      }
      if (front->kind != Pending::kDescribePortal &&
          !(front->kind == Pending::kDescribeStatement && front->describe_got_parameters))
        break;
      pop = true;
      break;
    case 'D':  // DataRow (short ones arrive here when the passthrough did not take them)
      if (front->kind == Pending::kExecute || front->kind == Pending::kQuery) {
        AppendSanitized(m, nullptr);
        return;
      }
      break;
    case 'C':  // CommandComplete
    case 'I':  // EmptyQueryResponse
    case 's':  // PortalSuspended
      if (front->kind == Pending::kQuery && m.type != 's') {
        AppendSanitized(m, nullptr);
        return;
      }
      pop = front->kind == Pending::kExecute;
      break;
    default:
      // COPY responses and anything else: the proxy refuses COPY, so the server is not where the proxy thinks.
      break;
  }
  if (!pop) {
    UpstreamFatal(Cat("the server sent message type '", std::string(1, m.type), "' where rlsq-proxy expected an answer to another message"));
    return;
  }
  AppendSanitized(m, nullptr);
  pending_.pop_front();
}

}  // namespace rlsq_proxy
