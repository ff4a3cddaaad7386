#include "proxy/wire.h"

#include <cstring>

namespace rlsq_proxy::wire {
namespace {

uint32_t LoadBe32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}

void StoreBe32(char* p, uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}

}  // namespace

Frame ReadStartupPacket(std::string_view in, StartupPacket* packet, size_t* consumed, std::string* error) {
  if (in.size() < 4) return Frame::kNeedMore;
  uint32_t len = LoadBe32(in.data());
  if (len < 8 || len > kMaxStartupPacket) {
    *error = "invalid length of startup packet";
    return Frame::kError;
  }
  if (in.size() < len) return Frame::kNeedMore;
  packet->code = static_cast<int32_t>(LoadBe32(in.data() + 4));
  packet->body = in.substr(8, len - 8);
  *consumed = len;
  return Frame::kComplete;
}

Frame ReadMessage(std::string_view in, size_t max_body, Message* message, size_t* consumed, std::string* error) {
  if (in.size() < 5) return Frame::kNeedMore;
  uint32_t len = LoadBe32(in.data() + 1);
  if (len < 4 || len - 4 > max_body) {
    *error = len < 4 ? "invalid message length" : "message too long";
    return Frame::kError;
  }
  if (in.size() - 1 < len) return Frame::kNeedMore;
  message->type = in[0];
  message->body = in.substr(5, len - 4);
  *consumed = size_t{len} + 1;
  return Frame::kComplete;
}

bool Reader::Int32(int32_t* v) {
  if (remaining() < 4) return false;
  *v = static_cast<int32_t>(LoadBe32(body_.data() + pos_));
  pos_ += 4;
  return true;
}

bool Reader::Int16(int16_t* v) {
  if (remaining() < 2) return false;
  const auto* u = reinterpret_cast<const unsigned char*>(body_.data() + pos_);
  *v = static_cast<int16_t>((uint16_t{u[0]} << 8) | u[1]);
  pos_ += 2;
  return true;
}

bool Reader::Byte(char* v) {
  if (remaining() < 1) return false;
  *v = body_[pos_++];
  return true;
}

bool Reader::CString(std::string_view* v) {
  size_t nul = body_.find('\0', pos_);
  if (nul == std::string_view::npos) return false;
  *v = body_.substr(pos_, nul - pos_);
  pos_ = nul + 1;
  return true;
}

bool Reader::Bytes(size_t n, std::string_view* v) {
  if (remaining() < n) return false;
  *v = body_.substr(pos_, n);
  pos_ += n;
  return true;
}

Writer::Writer(std::string* out, char type) : out_(out) {
  out_->push_back(type);
  start_ = out_->size();
  out_->append(4, '\0');
}

Writer& Writer::Int32(int32_t v) {
  char b[4];
  StoreBe32(b, static_cast<uint32_t>(v));
  out_->append(b, 4);
  return *this;
}

Writer& Writer::Int16(int16_t v) {
  out_->push_back(static_cast<char>(static_cast<uint16_t>(v) >> 8));
  out_->push_back(static_cast<char>(v));
  return *this;
}

Writer& Writer::Byte(char v) {
  out_->push_back(v);
  return *this;
}

Writer& Writer::CString(std::string_view v) {
  out_->append(v.data(), v.size());
  out_->push_back('\0');
  return *this;
}

Writer& Writer::Bytes(std::string_view v) {
  out_->append(v.data(), v.size());
  return *this;
}

void Writer::Finish() {
  if (done_) return;
  done_ = true;
  StoreBe32(out_->data() + start_, static_cast<uint32_t>(out_->size() - start_));
}

void AppendMessage(std::string* out, const Message& m) {
  char b[5];
  b[0] = m.type;
  StoreBe32(b + 1, static_cast<uint32_t>(m.body.size() + 4));
  out->append(b, 5);
  out->append(m.body.data(), m.body.size());
}

void AppendStartupPacket(std::string* out, int32_t code, std::string_view body) {
  char b[8];
  StoreBe32(b, static_cast<uint32_t>(body.size() + 8));
  StoreBe32(b + 4, static_cast<uint32_t>(code));
  out->append(b, 8);
  out->append(body.data(), body.size());
}

bool ParseFields(std::string_view body, Fields* fields) {
  fields->clear();
  Reader r(body);
  for (;;) {
    char code;
    if (!r.Byte(&code)) return false;
    if (code == '\0') return r.AtEnd();
    std::string_view value;
    if (!r.CString(&value)) return false;
    fields->emplace_back(code, std::string(value));
  }
}

void AppendFields(std::string* out, char type, const Fields& fields) {
  Writer w(out, type);
  for (const auto& [code, value] : fields) w.Byte(code).CString(value);
  w.Byte('\0');
}

std::string_view FieldValue(const Fields& fields, char code) {
  for (const auto& [c, v] : fields)
    if (c == code) return v;
  return {};
}

namespace {
// A field value must hold no NUL (it is a C string on the wire).
std::string NoNul(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\0') c = ' ';
  return out;
}
}  // namespace

void AppendError(std::string* out, const Error& e) {
  Fields f;
  f.emplace_back('S', e.severity);
  f.emplace_back('V', e.severity);
  f.emplace_back('C', e.sqlstate);
  f.emplace_back('M', NoNul(e.message));
  if (!e.detail.empty()) f.emplace_back('D', NoNul(e.detail));
  if (!e.hint.empty()) f.emplace_back('H', NoNul(e.hint));
  if (e.position > 0) f.emplace_back('P', std::to_string(e.position));
  AppendFields(out, 'E', f);
}

void AppendReadyForQuery(std::string* out, char status) { Writer(out, 'Z').Byte(status); }

void AppendParameterStatus(std::string* out, std::string_view name, std::string_view value) {
  Writer(out, 'S').CString(name).CString(value);
}

void AppendBackendKeyData(std::string* out, int32_t pid, int32_t secret) { Writer(out, 'K').Int32(pid).Int32(secret); }

void AppendAuthentication(std::string* out, int32_t code, std::string_view data) {
  Writer(out, 'R').Int32(code).Bytes(data);
}

}  // namespace rlsq_proxy::wire
