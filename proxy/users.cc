#include "proxy/users.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "lib/common/str_cat.h"

namespace rlsq_proxy {
namespace {

// One quoted field starting at line[*pos] == '"'; "" inside is a quote.
bool QuotedField(std::string_view line, size_t* pos, std::string* out) {
  if (*pos >= line.size() || line[*pos] != '"') return false;
  out->clear();
  for (size_t i = *pos + 1; i < line.size(); ++i) {
    if (line[i] != '"') {
      out->push_back(line[i]);
      continue;
    }
    if (i + 1 < line.size() && line[i + 1] == '"') {
      out->push_back('"');
      ++i;
      continue;
    }
    *pos = i + 1;
    return true;
  }
  return false;
}

void SkipSpaces(std::string_view line, size_t* pos) {
  while (*pos < line.size() && (line[*pos] == ' ' || line[*pos] == '\t' || line[*pos] == '\r')) ++*pos;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const UserStore>> ParseUsers(std::string_view text, std::string_view path) {
  auto store = std::make_shared<UserStore>();
  size_t line_no = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    size_t pos = 0;
    SkipSpaces(line, &pos);
    if (pos == line.size() || line[pos] == ';' || line[pos] == '#') continue;
    auto error = [&](std::string_view what) {
      return absl::InvalidArgumentError(rlsq::Cat(path, ":", line_no, ":", pos + 1, ": ", what));
    };
    std::string name, secret;
    if (!QuotedField(line, &pos, &name)) return error("expected a double-quoted user name");
    if (name.empty()) return error("empty user name");
    SkipSpaces(line, &pos);
    if (!QuotedField(line, &pos, &secret)) return error("expected a double-quoted SCRAM-SHA-256 verifier");
    SkipSpaces(line, &pos);
    if (pos != line.size()) return error("unexpected text after the verifier");
    absl::StatusOr<auth::ScramVerifier> verifier = auth::ParseScramVerifier(secret);
    if (!verifier.ok())
      return error(rlsq::Cat("user \"", name, "\": ", verifier.status().message(),
                                " (the file holds SCRAM-SHA-256 verifiers as pg_authid.rolpassword has them)"));
    if (!store->verifiers.emplace(name, *std::move(verifier)).second)
      return error(rlsq::Cat("user \"", name, "\" is listed twice"));
  }
  return std::shared_ptr<const UserStore>(std::move(store));
}

absl::StatusOr<std::shared_ptr<const UserStore>> LoadUsers(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(rlsq::Cat("cannot read the users file ", path));
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseUsers(buf.str(), path);
}

}  // namespace rlsq_proxy
