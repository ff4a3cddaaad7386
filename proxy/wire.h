// The PostgreSQL frontend/backend protocol, version 3.0, as bytes: framing of the startup packet and of typed
// messages, a bounds-checked body reader, message writers, and the ErrorResponse/NoticeResponse field list.
// No I/O and no session state (proxy/session.h holds the state; proxy/server.h the sockets).
// Source: PostgreSQL's doc/src/sgml/protocol.sgml ("Message Formats", "Error and Notice Message Fields").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rlsq_proxy::wire {

// Codes of the startup packet's version field.
constexpr int32_t kProtocol30 = 196608;           // 3.0
constexpr int32_t kCancelRequestCode = 80877102;  // 1234 << 16 | 5678
constexpr int32_t kSslRequestCode = 80877103;     // 1234 << 16 | 5679
constexpr int32_t kGssEncRequestCode = 80877104;  // 1234 << 16 | 5680
// PostgreSQL refuses startup packets longer than this (MAX_STARTUP_PACKET_LENGTH).
constexpr size_t kMaxStartupPacket = 10000;

enum class Frame { kComplete, kNeedMore, kError };

// A startup-phase packet: Int32 length (counting itself), Int32 code, body.
struct StartupPacket {
  int32_t code = 0;
  std::string_view body;  // after the code
};
// Reads one startup packet from the front of `in`. kError: a length below 8 or above kMaxStartupPacket (`*error`).
Frame ReadStartupPacket(std::string_view in, StartupPacket* packet, size_t* consumed, std::string* error);

// A typed message: Byte1 type, Int32 length (counting itself, not the type), body.
struct Message {
  char type = 0;
  std::string_view body;
};
// Reads one message from the front of `in`. kError: a length below 4 or above `max_body + 4` (`*error`).
Frame ReadMessage(std::string_view in, size_t max_body, Message* message, size_t* consumed, std::string* error);

// Bounds-checked reading of a message body; every getter returns false (and reads nothing) past the end.
class Reader {
 public:
  explicit Reader(std::string_view body) : body_(body) {}
  bool Int32(int32_t* v);
  bool Int16(int16_t* v);
  bool Byte(char* v);
  bool CString(std::string_view* v);  // up to a NUL, which is consumed
  bool Bytes(size_t n, std::string_view* v);
  bool AtEnd() const { return pos_ == body_.size(); }
  size_t remaining() const { return body_.size() - pos_; }

 private:
  std::string_view body_;
  size_t pos_ = 0;
};

// Appends one message to `out`; the length is written by Finish() (or the destructor).
class Writer {
 public:
  Writer(std::string* out, char type);
  ~Writer() { Finish(); }
  Writer& Int32(int32_t v);
  Writer& Int16(int16_t v);
  Writer& Byte(char v);
  Writer& CString(std::string_view v);  // v and a NUL (v must hold no NUL)
  Writer& Bytes(std::string_view v);
  void Finish();

 private:
  std::string* out_;
  size_t start_;
  bool done_ = false;
};

// Appends `m` as it came: type, length, body.
void AppendMessage(std::string* out, const Message& m);
// Appends a startup-phase packet (no type byte): length, code, body.
void AppendStartupPacket(std::string* out, int32_t code, std::string_view body);

// ErrorResponse / NoticeResponse fields, in order, as (code, value).
using Fields = std::vector<std::pair<char, std::string>>;
// False when the body is not a well-formed field list (each field a code byte and a string, then a NUL).
bool ParseFields(std::string_view body, Fields* fields);
void AppendFields(std::string* out, char type, const Fields& fields);
std::string_view FieldValue(const Fields& fields, char code);  // "" when absent

// An error the proxy reports itself. severity: "ERROR" or "FATAL".
struct Error {
  std::string severity = "ERROR";
  std::string sqlstate;
  std::string message;
  std::string detail;
  std::string hint;
  int position = 0;  // 1-based character position in the client's query; 0: none
};
void AppendError(std::string* out, const Error& error);
void AppendReadyForQuery(std::string* out, char status);
void AppendParameterStatus(std::string* out, std::string_view name, std::string_view value);
void AppendBackendKeyData(std::string* out, int32_t pid, int32_t secret);
// Authentication request 'R' with code `code` and optional trailing data.
void AppendAuthentication(std::string* out, int32_t code, std::string_view data = {});

// Authentication request codes ('R').
constexpr int32_t kAuthOk = 0;
constexpr int32_t kAuthCleartext = 3;
constexpr int32_t kAuthMd5 = 5;
constexpr int32_t kAuthSasl = 10;
constexpr int32_t kAuthSaslContinue = 11;
constexpr int32_t kAuthSaslFinal = 12;

}  // namespace rlsq_proxy::wire
