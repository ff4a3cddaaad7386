#include "lib/policy/template.h"

#include <boost/spirit/home/x3.hpp>

#include "lib/common/arena.h"
#include "lib/common/status.h"
#include "lib/common/str_cat.h"
#include "lib/common/utf8.h"

namespace rlsq::policy {

namespace {

namespace x3 = boost::spirit::x3;

struct RawArg {
  bool is_number = false;
  std::string text;
};

const char* MacroName(const Macro& m) {
  switch (m.kind) {
    case MacroKind::kUsername: return "current_username()";
    case MacroKind::kUserId: return "current_user_id()";
    case MacroKind::kEmail: return "current_user_email()";
    case MacroKind::kRoles: return "current_user_roles()";
    case MacroKind::kAttr: return "user_attr()";
  }
  return "?";
}

// A value SQL text cannot hold: a NUL byte or bytes that are not UTF-8 (values from the JSON reader are UTF-8
// already; callers built through the API may not be).
bool NotSqlText(std::string_view s) { return FindInvalidUtf8(s) != s.size(); }
constexpr const char* kNotSqlText = " holds a NUL byte or bytes that are not UTF-8, which SQL text cannot hold";

absl::Status AppendString(std::string_view what, std::string_view value, const Dialect& d, std::string* out) {
  if (NotSqlText(value)) return absl::InvalidArgumentError(Cat(what, kNotSqlText));
  d.AppendStringLiteral(value, out);
  return absl::OkStatus();
}

std::string Describe(const Macro& m);

// One JSON scalar as a SQL literal. Numbers keep their JSON text (the JSON reader validated it).
absl::Status AppendScalar(const Macro& m, const json::Value& v, const Dialect& d, bool paren_numbers,
                          std::string* out) {
  switch (v.type()) {
    case json::Value::Type::kString:
      if (NotSqlText(v.text())) return AppendString(Describe(m), v.text(), d, out);
      d.AppendStringLiteral(v.text(), out);
      return absl::OkStatus();
    case json::Value::Type::kNumber:
      if (paren_numbers) out->push_back('(');
      out->append(v.text());
      if (paren_numbers) out->push_back(')');
      return absl::OkStatus();
    case json::Value::Type::kBool: out->append(v.boolean() ? "TRUE" : "FALSE"); return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(
          Cat(Describe(m), " is a JSON ", json::TypeName(v.type()), ", which cannot be a SQL literal here"));
  }
}

// The text of a scalar for concatenation inside a string literal.
absl::Status ScalarText(const Macro& m, const json::Value& v, std::string* out) {
  switch (v.type()) {
    case json::Value::Type::kString:
      if (NotSqlText(v.text())) return absl::InvalidArgumentError(Cat(Describe(m), kNotSqlText));
      out->append(v.text());
      return absl::OkStatus();
    case json::Value::Type::kNumber: out->append(v.text()); return absl::OkStatus();
    case json::Value::Type::kBool: out->append(v.boolean() ? "true" : "false"); return absl::OkStatus();
    default:
      return absl::InvalidArgumentError(
          Cat(Describe(m), " is a JSON ", json::TypeName(v.type()), ", which cannot stand inside a string literal"));
  }
}

const json::Value* FindAttr(const UserContext& user, std::string_view key) {
  if (!user.attributes) return nullptr;
  for (const auto& [k, v] : *user.attributes)
    if (k == key) return v.is_null() ? nullptr : &v;
  return nullptr;
}

absl::Status Missing(std::string_view what) {
  return absl::NotFoundError(Cat(what, " is not set for this caller and the template has no default"));
}

// Resolves a macro to a JSON-like value owned by `holder` (or the caller's attributes).
absl::StatusOr<const json::Value*> Resolve(const Macro& m, const UserContext& user, json::Value* holder) {
  switch (m.kind) {
    case MacroKind::kUsername:
      if (!user.username || user.username->empty()) return Missing("current_username()");
      *holder = json::Value::BorrowedString(*user.username);  // the holder dies before the caller
      return holder;
    case MacroKind::kEmail:
      if (!user.email || user.email->empty()) return Missing("current_user_email()");
      *holder = json::Value::BorrowedString(*user.email);
      return holder;
    case MacroKind::kUserId:
      if (!user.id) return Missing("current_user_id()");
      *holder = json::Value::Number(std::to_string(*user.id));
      return holder;
    case MacroKind::kRoles:
      *holder = json::Value::Array();
      for (std::string_view r : user.roles) holder->Append(json::Value::BorrowedString(r));
      return holder;
    case MacroKind::kAttr: {
      if (const json::Value* v = FindAttr(user, m.key)) return v;
      if (!m.has_default) return Missing(Cat("user_attr('", m.key, "')"));
      *holder = m.default_is_number ? json::Value::Number(m.default_value)
                                    : json::Value::BorrowedString(m.default_value);
      return holder;
    }
  }
  return absl::InternalError("rlsq internal error: unknown macro");
}

std::string Describe(const Macro& m) {
  return m.kind == MacroKind::kAttr ? Cat("user_attr('", m.key, "')") : std::string(MacroName(m));
}

}  // namespace

absl::StatusOr<Macro> ParseMacro(std::string_view text) {
  std::string name;
  std::vector<RawArg> args;
  auto set_name = [&](auto& ctx) {
    const auto& r = x3::_attr(ctx);
    name.assign(r.begin(), r.end());
  };
  auto add_string = [&](auto& ctx) {
    const auto& r = x3::_attr(ctx);
    args.push_back({false, std::string(r.begin(), r.end())});
  };
  auto add_number = [&](auto& ctx) {
    const auto& r = x3::_attr(ctx);
    args.push_back({true, std::string(r.begin(), r.end())});
  };
  // ASCII classes spelled out: Spirit's x3::alpha / alnum / digit / space classify with the C library, whose
  // behaviour for bytes >= 0x80 (negative chars) is undefined (Boost asserts on them; fuzz_template found it).
  const auto digit = x3::char_('0', '9');
  const auto ident = x3::raw[x3::lexeme[x3::char_("a-zA-Z_") >> *x3::char_("a-zA-Z0-9_")]];
  const auto single = x3::lexeme['\'' >> x3::raw[*(x3::char_ - '\'')] >> '\''];
  const auto dbl = x3::lexeme['"' >> x3::raw[*(x3::char_ - '"')] >> '"'];
  const auto number = x3::raw[x3::lexeme[-x3::char_("-+") >>
                                         ((+digit >> -(x3::char_('.') >> *digit)) | (x3::char_('.') >> +digit)) >>
                                         -(x3::char_("eE") >> -x3::char_("-+") >> +digit)]];
  const auto arg = single[add_string] | dbl[add_string] | number[add_number];
  const auto grammar = ident[set_name] >> '(' >> -(arg % ',') >> ')';
  auto first = text.begin();
  bool ok = x3::phrase_parse(first, text.end(), grammar, x3::char_(" \t\n\r\f\v"));
  if (!ok || first != text.end())
    return absl::InvalidArgumentError(Cat("bad template {{", text, "}}: expected macro(arguments)"));
  Macro m;
  auto arity = [&](size_t lo, size_t hi) -> absl::Status {
    if (args.size() < lo || args.size() > hi)
      return absl::InvalidArgumentError(Cat("bad template {{", text, "}}: ", name, "() takes ",
                                            lo == hi ? std::to_string(lo) : Cat(lo, " or ", hi), " argument",
                                            hi == 1 ? "" : "s", ", not ", args.size()));
    return absl::OkStatus();
  };
  if (name == "current_username") {
    m.kind = MacroKind::kUsername;
    RLSQ_RETURN_IF_ERROR(arity(0, 0));
  } else if (name == "current_user_id") {
    m.kind = MacroKind::kUserId;
    RLSQ_RETURN_IF_ERROR(arity(0, 0));
  } else if (name == "current_user_email") {
    m.kind = MacroKind::kEmail;
    RLSQ_RETURN_IF_ERROR(arity(0, 0));
  } else if (name == "current_user_roles") {
    m.kind = MacroKind::kRoles;
    RLSQ_RETURN_IF_ERROR(arity(0, 0));
  } else if (name == "user_attr") {
    m.kind = MacroKind::kAttr;
    RLSQ_RETURN_IF_ERROR(arity(1, 2));
    if (args[0].is_number || args[0].text.empty())
      return absl::InvalidArgumentError(Cat("bad template {{", text, "}}: the attribute name must be a non-empty string"));
    m.key = args[0].text;
    if (args.size() == 2) {
      m.has_default = true;
      m.default_is_number = args[1].is_number;
      m.default_value = args[1].text;
      if (!m.default_is_number && NotSqlText(m.default_value))
        return absl::InvalidArgumentError(Cat("bad template {{", text, "}}: a NUL byte or bytes that are not UTF-8 in the default"));
    }
  } else {
    return absl::InvalidArgumentError(Cat("unknown template macro \"", name,
                                          "\"; expected current_username, current_user_id, current_user_email, "
                                          "current_user_roles or user_attr"));
  }
  return m;
}

std::string MarkerText(uint32_t base, size_t i) { return Cat("$", base + static_cast<uint32_t>(i)); }

absl::StatusOr<PreparedClause> PrepareClause(std::string_view clause, const Dialect& dialect) {
  PreparedClause out;
  struct Region {
    size_t begin, end;
  };
  std::vector<Region> regions;
  for (size_t pos = 0;;) {
    size_t open = clause.find("{{", pos);
    if (open == std::string_view::npos) break;
    size_t close = clause.find("}}", open + 2);
    if (close == std::string_view::npos)
      return SqlErrorAt(clause, static_cast<uint32_t>(open), "unterminated template: \"{{\" without \"}}\"");
    auto macro = ParseMacro(clause.substr(open + 2, close - open - 2));
    if (!macro.ok()) return SqlErrorAt(clause, static_cast<uint32_t>(open), ToStd(macro.status().message()));
    out.macros.push_back(std::move(*macro));
    regions.push_back({open, close + 2});
    pos = close + 2;
  }
  if (regions.empty()) {
    out.sql = std::string(clause);
    return out;
  }
  if (regions.size() >= 10000) return SqlErrorAt(clause, 0, "too many templates in one clause");
  // A marker base whose 3-digit prefix occurs nowhere in the clause, so that markers are unambiguous.
  for (uint32_t p = 100; p <= 999 && out.marker_base == 0; ++p) {
    std::string prefix = Cat("$", p);
    if (clause.find(prefix) == std::string_view::npos) {
      out.marker_base = p * 10000;
      out.marker_prefix = std::move(prefix);
    }
  }
  if (out.marker_base == 0) return SqlErrorAt(clause, 0, "cannot place template markers in this clause");

  // Every region as a bare marker, then lexed: a marker that lexes as a parameter stands outside any string.
  std::string bare;
  std::vector<size_t> at;
  size_t cursor = 0;
  for (size_t i = 0; i < regions.size(); ++i) {
    bare.append(clause.substr(cursor, regions[i].begin - cursor));
    at.push_back(bare.size());
    bare += MarkerText(out.marker_base, i);
    cursor = regions[i].end;
  }
  bare.append(clause.substr(cursor));
  Arena arena;
  std::vector<Token> tokens;
  absl::Status lexed = dialect.Tokenize(bare, arena, &tokens);
  if (!lexed.ok()) return absl::InvalidArgumentError(Cat("with templates replaced by values: ", lexed.message()));
  const size_t marker_len = MarkerText(out.marker_base, 0).size();
  for (size_t i = 0; i < regions.size(); ++i) {
    int where = -1;  // 0 outside, 1 inside a string
    for (const Token& t : tokens) {
      if (t.kind == TokenKind::kParam && t.begin == at[i] && t.end == at[i] + marker_len) where = 0;
      if (t.kind == TokenKind::kString && t.begin < at[i] && at[i] + marker_len < t.end) where = 1;
    }
    if (where < 0)
      return SqlErrorAt(clause, static_cast<uint32_t>(regions[i].begin),
                        "a template must stand for a value or inside a string literal");
    out.in_string.push_back(where == 1);
  }
  cursor = 0;
  for (size_t i = 0; i < regions.size(); ++i) {
    out.sql.append(clause.substr(cursor, regions[i].begin - cursor));
    if (out.in_string[i]) {
      out.sql += MarkerText(out.marker_base, i);
    } else {
      Append(&out.sql, "(", MarkerText(out.marker_base, i), ")");
    }
    cursor = regions[i].end;
  }
  out.sql.append(clause.substr(cursor));
  return out;
}

absl::Status RenderValue(const TemplateValue& value, const UserContext& user, const Dialect& dialect,
                         std::string* out) {
  json::Value holder;
  if (value.context == TemplateValue::Context::kString) {
    std::string text = value.text.empty() ? std::string() : value.text[0];
    for (size_t i = 0; i < value.macros.size(); ++i) {
      RLSQ_ASSIGN_OR_RETURN(const json::Value* v, Resolve(value.macros[i], user, &holder));
      RLSQ_RETURN_IF_ERROR(ScalarText(value.macros[i], *v, &text));
      text += value.text[i + 1];
    }
    return AppendString("the string", text, dialect, out);
  }
  const Macro& m = value.macros[0];
  // Fast path: a scalar user field is a string or a number, quoted straight from the caller's data.
  if (value.context == TemplateValue::Context::kScalar && value.parenthesised) {
    if (m.kind == MacroKind::kUsername && user.username && !user.username->empty())
      return AppendString("current_username()", *user.username, dialect, out);
    if (m.kind == MacroKind::kEmail && user.email && !user.email->empty())
      return AppendString("current_user_email()", *user.email, dialect, out);
    if (m.kind == MacroKind::kUserId && user.id) {
      Append(out, *user.id);
      return absl::OkStatus();
    }
  }
  RLSQ_ASSIGN_OR_RETURN(const json::Value* v, Resolve(m, user, &holder));
  if (v->is_array()) {
    if (value.context != TemplateValue::Context::kList)
      return absl::InvalidArgumentError(Cat(Describe(m), " is a list; a list can only be the whole of an IN list"));
    if (v->items().empty()) {
      out->append("NULL");  // x IN (NULL) matches nothing
      return absl::OkStatus();
    }
    for (size_t i = 0; i < v->items().size(); ++i) {
      if (i) out->append(", ");
      RLSQ_RETURN_IF_ERROR(AppendScalar(m, v->items()[i], dialect, false, out));
    }
    return absl::OkStatus();
  }
  if (value.context == TemplateValue::Context::kList) return AppendScalar(m, *v, dialect, false, out);
  if (!value.parenthesised) out->push_back('(');
  RLSQ_RETURN_IF_ERROR(AppendScalar(m, *v, dialect, false, out));
  if (!value.parenthesised) out->push_back(')');
  return absl::OkStatus();
}

}  // namespace rlsq::policy
