// Drives one rlsq_proxy::Session with byte strings, as the I/O layer would, with the test playing both the client
// and the server: for tests/proxy/session_test.cc and fuzz/fuzz_proxy.cc.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/context.h"
#include "proxy/session.h"
#include "proxy/wire.h"
#include "rewriter/engine.h"

namespace rlsq_proxy::testing {

// A message as bytes: type, length, body.
inline std::string Msg(char type, std::string_view body) {
  std::string out;
  wire::Writer(&out, type).Bytes(body);
  return out;
}
inline std::string CStr(std::string_view s) { return std::string(s) + '\0'; }
inline std::string Int16(int v) { return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)}; }
inline std::string Int32(int32_t v) {
  uint32_t u = static_cast<uint32_t>(v);
  return {static_cast<char>(u >> 24), static_cast<char>(u >> 16), static_cast<char>(u >> 8), static_cast<char>(u)};
}
inline std::string Query(std::string_view sql) { return Msg('Q', CStr(sql)); }
inline std::string Parse(std::string_view name, std::string_view sql) { return Msg('P', CStr(name) + CStr(sql) + Int16(0)); }
inline std::string Bind(std::string_view portal, std::string_view statement) {
  return Msg('B', CStr(portal) + CStr(statement) + Int16(0) + Int16(0) + Int16(0));
}
inline std::string Execute(std::string_view portal = "") { return Msg('E', CStr(portal) + Int32(0)); }
inline std::string Describe(char kind, std::string_view name) { return Msg('D', std::string(1, kind) + CStr(name)); }
inline std::string Sync() { return Msg('S', ""); }
inline std::string Ready(char status) { return Msg('Z', std::string(1, status)); }
inline std::string ServerError(std::string_view sqlstate, std::string_view message, int position = 0) {
  std::string body = "SERROR" + std::string(1, '\0') + "C" + CStr(sqlstate) + "M" + CStr(message);
  if (position > 0) body += "P" + CStr(std::to_string(position));
  body += '\0';
  return Msg('E', body);
}
inline std::string CommandComplete(std::string_view tag) { return Msg('C', CStr(tag)); }
inline std::string DataRow1(std::string_view value) {
  return Msg('D', Int16(1) + Int32(static_cast<int32_t>(value.size())) + std::string(value));
}
inline std::string RowDescription1(std::string_view name) {
  return Msg('T', Int16(1) + CStr(name) + Int32(0) + Int16(0) + Int32(25) + Int16(-1) + Int32(-1) + Int16(0));
}

// Splits bytes into messages (type, body); an incomplete tail is left out.
inline std::vector<std::pair<char, std::string>> Messages(std::string_view bytes) {
  std::vector<std::pair<char, std::string>> out;
  for (;;) {
    wire::Message m;
    size_t consumed = 0;
    std::string error;
    if (wire::ReadMessage(bytes, 1u << 30, &m, &consumed, &error) != wire::Frame::kComplete) break;
    out.emplace_back(m.type, std::string(m.body));
    bytes.remove_prefix(consumed);
  }
  return out;
}

// The types of the messages in `bytes`, as a string ("12DCZ").
inline std::string Types(std::string_view bytes) {
  std::string t;
  for (const auto& m : Messages(bytes)) t += m.first;
  return t;
}

// The field `code` of an ErrorResponse body.
inline std::string Field(std::string_view body, char code) {
  wire::Fields f;
  if (!wire::ParseFields(body, &f)) return "<malformed>";
  return std::string(wire::FieldValue(f, code));
}

// A well-behaved server for whatever the proxy sent: each message answered as PostgreSQL answers it when it
// succeeds (a Query with CommandComplete and ReadyForQuery), except the refusal marker, which fails as it does on a
// real server (an error, then nothing until Sync). `sent`: the bytes the proxy wrote to the server.
inline std::string AnswerAsServer(std::string_view sent, std::string_view marker, char* status) {
  std::string out;
  bool failed = false;
  for (const auto& [type, body] : Messages(sent)) {
    const bool is_marker = body.find(marker) != std::string::npos;
    if (failed && type != 'S') continue;
    switch (type) {
      case 'Q':
        if (is_marker) {
          out += ServerError("42601", "syntax error at or near \"" + std::string(marker) + "\"");
        } else if (body.rfind("SELECT pg_catalog.current_schemas", 0) == 0) {
          out += RowDescription1("current_schemas") + DataRow1("{public}") + CommandComplete("SELECT 1");
        } else {
          out += CommandComplete("SELECT 0");
          if (body.rfind("BEGIN", 0) == 0) *status = 'T';
          if (body.rfind("COMMIT", 0) == 0 || body.rfind("ROLLBACK", 0) == 0) *status = 'I';
        }
        out += Ready(*status);
        break;
      case 'P': out += Msg('1', ""); break;
      case 'B':
        if (is_marker) {
          out += ServerError("26000", "prepared statement \"" + std::string(marker) + "\" does not exist");
          failed = true;
        } else {
          out += Msg('2', "");
        }
        break;
      case 'D': out += body.size() > 0 && body[0] == 'S' ? Msg('t', Int16(0)) + Msg('n', "") : Msg('n', ""); break;
      case 'E': out += CommandComplete("SELECT 0"); break;
      case 'C': out += Msg('3', ""); break;
      case 'S':
        failed = false;
        out += Ready(*status);
        break;
      default: break;  // Flush, Terminate
    }
  }
  return out;
}

class SessionDriver {
 public:
  // A proxy for `policy_json` (PostgreSQL dialect), trusting the unix socket; the upstream is database "tpch".
  explicit SessionDriver(std::string_view policy_json, size_t max_message_bytes = 8u << 20) {
    Config config;
    config.trust_local = true;
    config.socket_dir = "/nonexistent";
    config.max_message_bytes = max_message_bytes;
    Upstream upstream;
    upstream.unix_socket = true;
    upstream.socket_path = "/nonexistent/.s.PGSQL.5432";
    upstream.dbname = "tpch";
    upstream.user = "rlsq_service";
    auto engine = rlsq::Engine::FromPolicyJson(policy_json);
    if (!engine.ok()) abort();
    context_ = std::make_unique<ProxyContext>(config, upstream, *std::move(engine), nullptr);
    session_ = std::make_unique<Session>(*context_, /*client_on_unix_socket=*/true);
  }

  Session& session() { return *session_; }
  ProxyContext& context() { return *context_; }

  std::string TakeClient() { return Take(session_->client_out()); }
  std::string TakeServer() { return Take(session_->server_out()); }
  void Client(std::string_view bytes) { session_->OnClientData(bytes); }
  void Server(std::string_view bytes) { session_->OnServerData(bytes); }

  // Startup as `user`, the upstream login and the first search-path reading ({public}). True when the client was
  // told ReadyForQuery.
  bool Login(std::string_view user, std::string_view path_answer = "{public}") {
    std::string body = CStr("user") + CStr(user) + CStr("database") + CStr("tpch") + std::string(1, '\0');
    std::string packet;
    wire::AppendStartupPacket(&packet, wire::kProtocol30, body);
    Client(packet);
    if (!session_->wants_server_connection()) return false;
    session_->OnServerConnected();
    TakeServer();  // the startup packet
    Server(Msg('R', Int32(0)) + Msg('S', CStr("client_encoding") + CStr("UTF8")) +
           Msg('S', CStr("standard_conforming_strings") + CStr("on")) + Msg('K', Int32(4242) + Int32(99)) + Ready('I'));
    if (Types(TakeServer()) != "Q") return false;  // the search-path query
    Server(RowDescription1("current_schemas") + DataRow1(path_answer) + CommandComplete("SELECT 1") + Ready('I'));
    std::string hello = TakeClient();
    return !hello.empty() && Types(hello).back() == 'Z' && session_->ready();
  }

 private:
  static std::string Take(std::string& s) {
    std::string out;
    out.swap(s);
    return out;
  }
  std::unique_ptr<ProxyContext> context_;
  std::unique_ptr<Session> session_;
};

}  // namespace rlsq_proxy::testing
