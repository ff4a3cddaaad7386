// rlsq's own typed AST. Produced by the parser front end (lib/parser), read by the printer, the table lister
// and the rewriter. No ANTLR type appears here.
//
// Conventions
// - Every node has a kind tag, a source span (byte offsets [begin, end) in the parsed text) and a checked
//   Cast<T>(). Nodes live in an Arena and hold only arena memory (string_views into the source or the arena,
//   pmr vectors), so they are never destroyed one by one.
// - Each node type lists its fields once, in Fields() (a tuple of references) and kFieldNames. Equality,
//   child enumeration and the JSON dump are derived from that single list (ast_util.h), so adding a field
//   in one place updates all of them.
// - Identifiers keep their normalized text (unquoted: folded per dialect; quoted: escapes removed) and whether
//   they were quoted.
#pragma once

#include <array>
#include <cstdint>
#include <memory_resource>
#include <string_view>
#include <tuple>
#include <vector>

namespace rlsq::ast {

struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool empty() const { return begin == end; }
  bool operator==(const Span&) const = default;
};

struct Ident {
  std::string_view text;  // normalized: folded if unquoted, unescaped if quoted
  bool quoted = false;
  // Written "x" in a dialect where such a name that matches no column is a string (SQLite's double-quoted string
  // fallback): printed back in double quotes, so that the database reads it as the source read.
  bool double_quoted = false;
  Span span;
};

template <class T>
using List = std::pmr::vector<T>;

// Every node type, in one place. X(Kind, Type)
#define RLSQ_AST_NODES(X)                 \
  /* queries */                           \
  X(Select, SelectNode)                   \
  X(SetOp, SetOpNode)                     \
  X(Values, ValuesNode)                   \
  X(TableQuery, TableQueryNode)           \
  /* table references */                  \
  X(BaseTable, BaseTableRef)              \
  X(DerivedTable, DerivedTableRef)        \
  X(Join, JoinRef)                        \
  X(FunctionTable, FunctionTableRef)      \
  /* clauses */                           \
  X(With, WithClause)                     \
  X(Cte, CommonTableExpr)                 \
  X(Alias, AliasClause)                   \
  X(SelectItem, SelectItem)               \
  X(OrderItem, OrderItem)                 \
  X(WindowDef, WindowDef)                 \
  X(WindowSpec, WindowSpec)               \
  X(CaseWhen, CaseWhen)                   \
  X(TypeName, TypeName)                   \
  /* expressions */                       \
  X(Literal, Literal)                     \
  X(TypedLiteral, TypedLiteral)           \
  X(ColumnRef, ColumnRef)                 \
  X(Param, Param)                         \
  X(UnaryOp, UnaryOp)                     \
  X(BinaryOp, BinaryOp)                   \
  X(FuncCall, FuncCall)                   \
  X(SpecialFunc, SpecialFunc)             \
  X(Cast, Cast)                           \
  X(Case, Case)                           \
  X(Subquery, SubqueryExpr)               \
  X(InList, InList)                       \
  X(Between, Between)                     \
  X(IsTest, IsTest)                       \
  X(Like, Like)                           \
  X(Quantified, Quantified)               \
  X(ArrayCtor, ArrayCtor)                 \
  X(RowCtor, RowCtor)                     \
  X(Subscript, Subscript)                 \
  X(FieldAccess, FieldAccess)             \
  X(Collate, Collate)                     \
  X(Paren, Paren)                         \
  X(GroupingSet, GroupingSet)             \
  X(NamedArg, NamedArg)

enum class NodeKind : uint8_t {
#define RLSQ_X(kind, type) k##kind,
  RLSQ_AST_NODES(RLSQ_X)
#undef RLSQ_X
};

const char* ToString(NodeKind kind);

[[noreturn]] void BadCast(NodeKind have, NodeKind want);

struct Node {
  explicit Node(NodeKind k) : kind(k) {}
  NodeKind kind;
  Span span;

  template <class T>
  T& Cast() {
    if (kind != T::kKind) BadCast(kind, T::kKind);
    return static_cast<T&>(*this);
  }
  template <class T>
  const T& Cast() const {
    if (kind != T::kKind) BadCast(kind, T::kKind);
    return static_cast<const T&>(*this);
  }
  template <class T>
  T* As() {
    return kind == T::kKind ? static_cast<T*>(this) : nullptr;
  }
  template <class T>
  const T* As() const {
    return kind == T::kKind ? static_cast<const T*>(this) : nullptr;
  }
  template <class T>
  bool Is() const {
    return kind == T::kKind;
  }
};

#define RLSQ_NODE(Type, Kind)                          \
  static constexpr NodeKind kKind = NodeKind::k##Kind; \
  explicit Type(std::pmr::memory_resource* mr) : Type(kKind, mr) {}

struct Expr;
struct QueryNode;
struct TableRef;
struct WithClause;
struct OrderItem;
struct AliasClause;
struct TypeName;
struct WindowSpec;

// ---------------------------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------------------------

enum class LimitSyntax : uint8_t { kNone, kLimit, kLimitAll, kFetchFirst, kFetchFirstWithTies };
const char* ToString(LimitSyntax v);

// Modifiers any query expression may carry: WITH, ORDER BY, LIMIT/FETCH, OFFSET.
struct QueryNode : Node {
  QueryNode(NodeKind k, std::pmr::memory_resource* mr) : Node(k), order_by(mr) {}
  WithClause* with = nullptr;
  List<OrderItem*> order_by;
  LimitSyntax limit_syntax = LimitSyntax::kNone;
  Expr* limit = nullptr;   // null for LIMIT ALL, or FETCH FIRST ROW ONLY without a count
  Expr* offset = nullptr;
  bool parenthesized = false;  // written as ( query ) in the source

  auto QueryFields() { return std::tie(with, order_by, limit_syntax, limit, offset, parenthesized); }
  static constexpr std::array<const char*, 6> kQueryFieldNames = {"with",   "order_by", "limit_syntax",
                                                                   "limit",  "offset",   "parenthesized"};
};

enum class DistinctKind : uint8_t { kNone, kAll, kDistinct, kDistinctOn };
const char* ToString(DistinctKind v);

struct SelectNode : QueryNode {
  using Base = QueryNode;
  RLSQ_NODE(SelectNode, Select)
  SelectNode(NodeKind k, std::pmr::memory_resource* mr)
      : QueryNode(k, mr), distinct_on(mr), targets(mr), from(mr), group_by(mr), windows(mr) {}
  DistinctKind distinct = DistinctKind::kNone;
  List<Expr*> distinct_on;
  List<struct SelectItem*> targets;
  List<TableRef*> from;  // comma-separated FROM items
  Expr* where = nullptr;
  List<Expr*> group_by;  // plain expressions and GroupingSet nodes
  bool group_by_distinct = false;  // GROUP BY DISTINCT: duplicate grouping sets removed (PostgreSQL 14+)
  Expr* having = nullptr;
  List<struct WindowDef*> windows;
  Span from_span;   // from the FROM keyword to the end of the last FROM item; empty without FROM
  Span where_span;  // from the WHERE keyword to the end of the condition; empty without WHERE

  auto Fields() {
    return std::tuple_cat(QueryFields(), std::tie(distinct, distinct_on, targets, from, where, group_by,
                                                  group_by_distinct, having, windows));
  }
  static constexpr std::array<const char*, 15> kFieldNames = {
      "with", "order_by", "limit_syntax", "limit", "offset", "parenthesized", "distinct", "distinct_on",
      "targets", "from", "where", "group_by", "group_by_distinct", "having", "windows"};
};

enum class SetOpKind : uint8_t { kUnion, kIntersect, kExcept };
const char* ToString(SetOpKind v);

struct SetOpNode : QueryNode {
  using Base = QueryNode;
  RLSQ_NODE(SetOpNode, SetOp)
  SetOpNode(NodeKind k, std::pmr::memory_resource* mr) : QueryNode(k, mr) {}
  SetOpKind op = SetOpKind::kUnion;
  bool all = false;
  bool distinct_keyword = false;  // UNION DISTINCT written out
  QueryNode* left = nullptr;
  QueryNode* right = nullptr;

  auto Fields() { return std::tuple_cat(QueryFields(), std::tie(op, all, left, right)); }
  static constexpr std::array<const char*, 10> kFieldNames = {
      "with", "order_by", "limit_syntax", "limit", "offset", "parenthesized", "op", "all", "left", "right"};
};

// VALUES (a, b), (c, d)
struct ValuesNode : QueryNode {
  using Base = QueryNode;
  RLSQ_NODE(ValuesNode, Values)
  ValuesNode(NodeKind k, std::pmr::memory_resource* mr) : QueryNode(k, mr), rows(mr) {}
  List<struct RowCtor*> rows;  // each row is a RowCtor (explicit_row = false)

  auto Fields() { return std::tuple_cat(QueryFields(), std::tie(rows)); }
  static constexpr std::array<const char*, 7> kFieldNames = {
      "with", "order_by", "limit_syntax", "limit", "offset", "parenthesized", "rows"};
};

// TABLE t  (same as SELECT * FROM t)
struct TableQueryNode : QueryNode {
  using Base = QueryNode;
  RLSQ_NODE(TableQueryNode, TableQuery)
  TableQueryNode(NodeKind k, std::pmr::memory_resource* mr) : QueryNode(k, mr) {}
  struct BaseTableRef* table = nullptr;
  Span keyword;  // the TABLE keyword (a position, like span: not a field)

  auto Fields() { return std::tuple_cat(QueryFields(), std::tie(table)); }
  static constexpr std::array<const char*, 7> kFieldNames = {
      "with", "order_by", "limit_syntax", "limit", "offset", "parenthesized", "table"};
};

// ---------------------------------------------------------------------------------------------------------------
// Table references
// ---------------------------------------------------------------------------------------------------------------

struct TableRef : Node {
  TableRef(NodeKind k, std::pmr::memory_resource*) : Node(k) {}
  AliasClause* alias = nullptr;
};

// [AS] name [(col, ...)]
struct AliasClause : Node {
  using Base = Node;
  static constexpr NodeKind kKind = NodeKind::kAlias;
  explicit AliasClause(std::pmr::memory_resource* mr) : Node(kKind), columns(mr), column_types(mr) {}
  AliasClause(NodeKind, std::pmr::memory_resource* mr) : AliasClause(mr) {}
  Ident name;  // empty for a column definition list without a name: AS (a int) (the function's name stands)
  List<Ident> columns;
  // A column definition list (a function table returning record): the type of each column, else empty.
  List<struct TypeName*> column_types;
  bool as_keyword = false;

  auto Fields() { return std::tie(name, columns, column_types); }
  static constexpr std::array<const char*, 3> kFieldNames = {"name", "columns", "column_types"};
};

// [ONLY] [catalog.][schema.]name [*] [alias]
struct BaseTableRef : TableRef {
  using Base = TableRef;
  RLSQ_NODE(BaseTableRef, BaseTable)
  BaseTableRef(NodeKind k, std::pmr::memory_resource* mr)
      : TableRef(k, mr), name(mr), sample_method(mr), sample_args(mr), partitions(mr) {}
  List<Ident> name;  // 1 to 3 parts, as written
  bool only = false;
  bool star = false;  // t *
  // TABLESAMPLE method (args) [REPEATABLE (seed)]; sample_method empty when there is none. The plan copies the
  // clause into a wrapper, so its constants are pinned in the query's shape (lib/parser/shape.h).
  List<Ident> sample_method;
  List<Expr*> sample_args;
  Expr* sample_repeatable = nullptr;
  // MySQL: t PARTITION (p0, p1) reads those partitions only. (Index hints change the plan, not the rows: not kept.)
  List<Ident> partitions;

  auto Fields() { return std::tie(name, only, star, alias, sample_method, sample_args, sample_repeatable, partitions); }
  static constexpr std::array<const char*, 8> kFieldNames = {"name",          "only",        "star",
                                                             "alias",         "sample_method", "sample_args",
                                                             "sample_repeatable", "partitions"};
};

// [LATERAL] ( query ) [alias]
struct DerivedTableRef : TableRef {
  using Base = TableRef;
  RLSQ_NODE(DerivedTableRef, DerivedTable)
  DerivedTableRef(NodeKind k, std::pmr::memory_resource* mr) : TableRef(k, mr) {}
  bool lateral = false;
  QueryNode* query = nullptr;

  auto Fields() { return std::tie(lateral, query, alias); }
  static constexpr std::array<const char*, 3> kFieldNames = {"lateral", "query", "alias"};
};

enum class JoinKind : uint8_t { kInner, kLeft, kRight, kFull, kCross };
const char* ToString(JoinKind v);

// left [NATURAL] {INNER|LEFT|RIGHT|FULL|CROSS} JOIN right [ON cond | USING (cols) [AS alias]]
// A parenthesised join tree has parenthesized = true and may carry an alias.
struct JoinRef : TableRef {
  using Base = TableRef;
  RLSQ_NODE(JoinRef, Join)
  JoinRef(NodeKind k, std::pmr::memory_resource* mr) : TableRef(k, mr), using_columns(mr) {}
  JoinKind join_kind = JoinKind::kInner;
  bool natural = false;
  TableRef* left = nullptr;
  TableRef* right = nullptr;
  Expr* on = nullptr;
  List<Ident> using_columns;
  bool has_using = false;
  AliasClause* using_alias = nullptr;  // JOIN ... USING (a) AS j
  bool parenthesized = false;

  auto Fields() {
    return std::tie(join_kind, natural, left, right, on, using_columns, has_using, using_alias, parenthesized, alias);
  }
  static constexpr std::array<const char*, 10> kFieldNames = {"join_kind", "natural", "left", "right", "on",
                                                              "using_columns", "has_using", "using_alias",
                                                              "parenthesized", "alias"};
};

// [LATERAL] func(args) [WITH ORDINALITY] [alias]   (also ROWS FROM (f(), g()))
struct FunctionTableRef : TableRef {
  using Base = TableRef;
  RLSQ_NODE(FunctionTableRef, FunctionTable)
  FunctionTableRef(NodeKind k, std::pmr::memory_resource* mr) : TableRef(k, mr), functions(mr) {}
  bool lateral = false;
  bool rows_from = false;
  List<Expr*> functions;  // FuncCall or SpecialFunc nodes
  bool with_ordinality = false;

  auto Fields() { return std::tie(lateral, rows_from, functions, with_ordinality, alias); }
  static constexpr std::array<const char*, 5> kFieldNames = {"lateral", "rows_from", "functions",
                                                             "with_ordinality", "alias"};
};

// ---------------------------------------------------------------------------------------------------------------
// Clauses
// ---------------------------------------------------------------------------------------------------------------

struct WithClause : Node {
  using Base = Node;
  static constexpr NodeKind kKind = NodeKind::kWith;
  explicit WithClause(std::pmr::memory_resource* mr) : Node(kKind), ctes(mr) {}
  WithClause(NodeKind, std::pmr::memory_resource* mr) : WithClause(mr) {}
  bool recursive = false;
  List<struct CommonTableExpr*> ctes;

  auto Fields() { return std::tie(recursive, ctes); }
  static constexpr std::array<const char*, 2> kFieldNames = {"recursive", "ctes"};
};

enum class Materialized : uint8_t { kDefault, kMaterialized, kNotMaterialized };
const char* ToString(Materialized v);

struct CommonTableExpr : Node {
  using Base = Node;
  static constexpr NodeKind kKind = NodeKind::kCte;
  explicit CommonTableExpr(std::pmr::memory_resource* mr)
      : Node(kKind), columns(mr), search_by(mr), cycle_columns(mr) {}
  CommonTableExpr(NodeKind, std::pmr::memory_resource* mr) : CommonTableExpr(mr) {}
  Ident name;
  List<Ident> columns;
  Materialized materialized = Materialized::kDefault;
  QueryNode* query = nullptr;
  // SEARCH { DEPTH | BREADTH } FIRST BY search_by SET search_set (PostgreSQL 14+; recursive CTEs): adds the column
  // search_set to the CTE's output. Reads nothing.
  bool search = false;
  bool search_breadth_first = false;
  List<Ident> search_by;
  Ident search_set;
  // CYCLE cycle_columns SET cycle_set [TO cycle_to DEFAULT cycle_default] USING cycle_using: adds the columns
  // cycle_set and cycle_using. Reads nothing; the two values are constants.
  bool cycle = false;
  List<Ident> cycle_columns;
  Ident cycle_set;
  Expr* cycle_to = nullptr;
  Expr* cycle_default = nullptr;
  Ident cycle_using;

  auto Fields() {
    return std::tie(name, columns, materialized, query, search, search_breadth_first, search_by, search_set, cycle,
                    cycle_columns, cycle_set, cycle_to, cycle_default, cycle_using);
  }
  static constexpr std::array<const char*, 14> kFieldNames = {
      "name",      "columns",       "materialized", "query",    "search",        "search_breadth_first",
      "search_by", "search_set",    "cycle",        "cycle_columns", "cycle_set", "cycle_to", "cycle_default",
      "cycle_using"};
};

// expr [[AS] alias]; `*` and `t.*` are ColumnRef nodes with star = true
struct SelectItem : Node {
  using Base = Node;
  static constexpr NodeKind kKind = NodeKind::kSelectItem;
  explicit SelectItem(std::pmr::memory_resource*) : Node(kKind) {}
  SelectItem(NodeKind, std::pmr::memory_resource* mr) : SelectItem(mr) {}
  Expr* expr = nullptr;
  Ident alias;
  bool has_alias = false;

  auto Fields() { return std::tie(expr, alias, has_alias); }
  static constexpr std::array<const char*, 3> kFieldNames = {"expr", "alias", "has_alias"};
};

enum class SortDir : uint8_t { kDefault, kAsc, kDesc, kUsing };
enum class NullsOrder : uint8_t { kDefault, kFirst, kLast };
const char* ToString(SortDir v);
const char* ToString(NullsOrder v);

struct OrderItem : Node {
  using Base = Node;
  static constexpr NodeKind kKind = NodeKind::kOrderItem;
  explicit OrderItem(std::pmr::memory_resource*) : Node(kKind) {}
  OrderItem(NodeKind, std::pmr::memory_resource* mr) : OrderItem(mr) {}
  Expr* expr = nullptr;
  SortDir dir = SortDir::kDefault;
  std::string_view using_op;  // for SortDir::kUsing
  NullsOrder nulls = NullsOrder::kDefault;

  auto Fields() { return std::tie(expr, dir, using_op, nulls); }
  static constexpr std::array<const char*, 4> kFieldNames = {"expr", "dir", "using_op", "nulls"};
};

// WINDOW name AS (spec)
struct WindowDef : Node {
  using Base = Node;
  static constexpr NodeKind kKind = NodeKind::kWindowDef;
  explicit WindowDef(std::pmr::memory_resource*) : Node(kKind) {}
  WindowDef(NodeKind, std::pmr::memory_resource* mr) : WindowDef(mr) {}
  Ident name;
  WindowSpec* spec = nullptr;

  auto Fields() { return std::tie(name, spec); }
  static constexpr std::array<const char*, 2> kFieldNames = {"name", "spec"};
};

enum class FrameMode : uint8_t { kNone, kRows, kRange, kGroups };
enum class FrameBoundKind : uint8_t { kNone, kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };
enum class FrameExclusion : uint8_t { kNone, kCurrentRow, kGroup, kTies, kNoOthers };
const char* ToString(FrameMode v);
const char* ToString(FrameBoundKind v);
const char* ToString(FrameExclusion v);

// ( [existing_window] [PARTITION BY ...] [ORDER BY ...] [frame] )
struct WindowSpec : Node {
  using Base = Node;
  static constexpr NodeKind kKind = NodeKind::kWindowSpec;
  explicit WindowSpec(std::pmr::memory_resource* mr) : Node(kKind), partition_by(mr), order_by(mr) {}
  WindowSpec(NodeKind, std::pmr::memory_resource* mr) : WindowSpec(mr) {}
  Ident ref_name;  // empty text when absent
  List<Expr*> partition_by;
  List<OrderItem*> order_by;
  FrameMode frame_mode = FrameMode::kNone;
  bool frame_between = false;  // BETWEEN start AND end, else start only
  FrameBoundKind start_kind = FrameBoundKind::kNone;
  Expr* start_offset = nullptr;
  FrameBoundKind end_kind = FrameBoundKind::kNone;
  Expr* end_offset = nullptr;
  FrameExclusion exclusion = FrameExclusion::kNone;

  auto Fields() {
    return std::tie(ref_name, partition_by, order_by, frame_mode, frame_between, start_kind, start_offset, end_kind,
                    end_offset, exclusion);
  }
  static constexpr std::array<const char*, 10> kFieldNames = {
      "ref_name", "partition_by", "order_by", "frame_mode", "frame_between", "start_kind", "start_offset",
      "end_kind", "end_offset", "exclusion"};
};

struct CaseWhen : Node {
  using Base = Node;
  static constexpr NodeKind kKind = NodeKind::kCaseWhen;
  explicit CaseWhen(std::pmr::memory_resource*) : Node(kKind) {}
  CaseWhen(NodeKind, std::pmr::memory_resource* mr) : CaseWhen(mr) {}
  Expr* when = nullptr;
  Expr* then = nullptr;

  auto Fields() { return std::tie(when, then); }
  static constexpr std::array<const char*, 2> kFieldNames = {"when", "then"};
};

// A type: either a (possibly qualified) name such as `numeric` or `myschema.mytype`, or a multi-word SQL type
// normalized to lower case with single spaces (`double precision`, `timestamp with time zone`, `character varying`).
struct TypeName : Node {
  using Base = Node;
  static constexpr NodeKind kKind = NodeKind::kTypeName;
  explicit TypeName(std::pmr::memory_resource* mr) : Node(kKind), name(mr), modifiers(mr) {}
  TypeName(NodeKind, std::pmr::memory_resource* mr) : TypeName(mr) {}
  List<Ident> name;           // one Ident per dotted part; a multi-word keyword type is one unquoted Ident
  List<Expr*> modifiers;      // (10, 2)
  std::string_view interval_fields;  // INTERVAL DAY TO SECOND, normalized lower case; may be empty
  uint8_t array_dims = 0;     // int[] / int[][] / int ARRAY
  bool setof = false;

  auto Fields() { return std::tie(name, modifiers, interval_fields, array_dims, setof); }
  static constexpr std::array<const char*, 5> kFieldNames = {"name", "modifiers", "interval_fields", "array_dims",
                                                             "setof"};
};

// ---------------------------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------------------------

struct Expr : Node {
  Expr(NodeKind k, std::pmr::memory_resource*) : Node(k) {}
};

#define RLSQ_EXPR_NODE(Type, Kind)                                  \
  using Base = Expr;                                                \
  static constexpr NodeKind kKind = NodeKind::k##Kind;              \
  explicit Type(std::pmr::memory_resource* mr) : Type(kKind, mr) {}

enum class LiteralKind : uint8_t { kInteger, kNumeric, kString, kBitString, kHexString, kBoolean, kNull };
const char* ToString(LiteralKind v);

// 42, 1.5e3, 'text' (any string form: standard, E'', $$, U&''), B'0101', X'1F', TRUE, NULL
// The scope analysis and the plan never read `value` (nor TypedLiteral::value): texts that differ only in these
// values share one plan (lib/parser/shape.h). A check that needs a constant's value must pin it there.
struct Literal : Expr {
  RLSQ_EXPR_NODE(Literal, Literal)
  Literal(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  LiteralKind literal_kind = LiteralKind::kNull;
  std::string_view value;  // numbers: source text; strings: decoded value; booleans: "true"/"false"

  auto Fields() { return std::tie(literal_kind, value); }
  static constexpr std::array<const char*, 2> kFieldNames = {"literal_kind", "value"};
};

// type 'string'   e.g. DATE '1995-01-01', TIMESTAMP '...', INTERVAL '1' DAY, INTERVAL '3 months'
struct TypedLiteral : Expr {
  RLSQ_EXPR_NODE(TypedLiteral, TypedLiteral)
  TypedLiteral(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  TypeName* type = nullptr;
  std::string_view value;  // decoded string

  auto Fields() { return std::tie(type, value); }
  static constexpr std::array<const char*, 2> kFieldNames = {"type", "value"};
};

// a, t.a, s.t.a, t.*, *
struct ColumnRef : Expr {
  RLSQ_EXPR_NODE(ColumnRef, ColumnRef)
  ColumnRef(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr), parts(mr) {}
  List<Ident> parts;
  bool star = false;

  auto Fields() { return std::tie(parts, star); }
  static constexpr std::array<const char*, 2> kFieldNames = {"parts", "star"};
};

// $1
struct Param : Expr {
  RLSQ_EXPR_NODE(Param, Param)
  Param(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  uint32_t index = 0;
  std::string_view name;  // SQLite's forms as written (?, ?3, :name, @name, #name, $name); empty for $N

  auto Fields() { return std::tie(index, name); }
  static constexpr std::array<const char*, 2> kFieldNames = {"index", "name"};
};

// NOT x, -x, +x, ~x, @x ... (prefix); x IS NULL-style postfix forms are IsTest
struct UnaryOp : Expr {
  RLSQ_EXPR_NODE(UnaryOp, UnaryOp)
  UnaryOp(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  std::string_view op;  // "NOT", "-", "+", or operator text
  Expr* operand = nullptr;

  auto Fields() { return std::tie(op, operand); }
  static constexpr std::array<const char*, 2> kFieldNames = {"op", "operand"};
};

// a AND b, a OR b, a = b, a || b, a AT TIME ZONE b, a OPERATOR(s.+) b ...   ("!=" is normalized to "<>")
struct BinaryOp : Expr {
  RLSQ_EXPR_NODE(BinaryOp, BinaryOp)
  BinaryOp(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  std::string_view op;  // upper-case keywords ("AND", "OR", "AT TIME ZONE"); operator text otherwise
  Expr* left = nullptr;
  Expr* right = nullptr;

  auto Fields() { return std::tie(op, left, right); }
  static constexpr std::array<const char*, 3> kFieldNames = {"op", "left", "right"};
};

// name([DISTINCT|ALL] args [ORDER BY ...]) [WITHIN GROUP (ORDER BY ...)] [FILTER (WHERE ...)] [OVER ...]
struct FuncCall : Expr {
  RLSQ_EXPR_NODE(FuncCall, FuncCall)
  FuncCall(NodeKind k, std::pmr::memory_resource* mr)
      : Expr(k, mr), name(mr), args(mr), order_by(mr), within_group(mr) {}
  List<Ident> name;  // possibly schema-qualified
  List<Expr*> args;  // NamedArg for name => value
  bool star = false;  // count(*)
  bool distinct = false;
  bool variadic = false;  // VARIADIC before the last argument
  List<OrderItem*> order_by;      // aggregate ORDER BY inside the parentheses
  List<OrderItem*> within_group;  // WITHIN GROUP (ORDER BY ...)
  bool has_within_group = false;
  Expr* filter = nullptr;         // FILTER (WHERE ...)
  WindowSpec* over = nullptr;     // OVER (...)
  Ident over_name;                // OVER name
  bool has_over = false;
  Expr* separator = nullptr;      // MySQL: GROUP_CONCAT(... SEPARATOR 's'), a NamedArg "separator"

  auto Fields() {
    return std::tie(name, args, star, distinct, variadic, order_by, within_group, has_within_group, filter, over,
                    over_name, has_over, separator);
  }
  static constexpr std::array<const char*, 13> kFieldNames = {
      "name",   "args",    "star",   "distinct", "variadic", "order_by", "within_group", "has_within_group",
      "filter", "over",    "over_name", "has_over", "separator"};
};

// SQL-standard functions with keyword syntax, and niladic value functions:
//   EXTRACT(field FROM x), SUBSTRING(x FROM a FOR b), TRIM(BOTH c FROM x), POSITION(a IN b),
//   OVERLAY(x PLACING y FROM a FOR b), COALESCE/NULLIF/GREATEST/LEAST(...), CURRENT_DATE, CURRENT_TIMESTAMP(3),
//   CURRENT_USER, ...
// args[i] is preceded by keywords[i] (upper case, may be empty): EXTRACT -> keywords {"", "FROM"} with args
// {Literal(field name), x}.
struct SpecialFunc : Expr {
  RLSQ_EXPR_NODE(SpecialFunc, SpecialFunc)
  SpecialFunc(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr), keywords(mr), args(mr) {}
  std::string_view name;  // upper case: "EXTRACT", "CURRENT_DATE", ...
  bool parens = true;      // false for CURRENT_DATE and friends written without parentheses
  List<std::string_view> keywords;
  List<Expr*> args;

  auto Fields() { return std::tie(name, parens, keywords, args); }
  static constexpr std::array<const char*, 4> kFieldNames = {"name", "parens", "keywords", "args"};
};

// CAST(x AS t), x::t
struct Cast : Expr {
  RLSQ_EXPR_NODE(Cast, Cast)
  Cast(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  Expr* expr = nullptr;
  TypeName* type = nullptr;
  bool postgres_style = false;  // x::t

  auto Fields() { return std::tie(expr, type, postgres_style); }
  static constexpr std::array<const char*, 3> kFieldNames = {"expr", "type", "postgres_style"};
};

struct Case : Expr {
  RLSQ_EXPR_NODE(Case, Case)
  Case(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr), whens(mr) {}
  Expr* operand = nullptr;  // CASE x WHEN ...
  List<CaseWhen*> whens;
  Expr* else_expr = nullptr;

  auto Fields() { return std::tie(operand, whens, else_expr); }
  static constexpr std::array<const char*, 3> kFieldNames = {"operand", "whens", "else_expr"};
};

enum class SubqueryKind : uint8_t { kScalar, kExists, kArray, kIn, kAny, kAll, kSome };
const char* ToString(SubqueryKind v);

// (SELECT ...), EXISTS (SELECT ...), ARRAY(SELECT ...), x [NOT] IN (SELECT ...), x op ANY/ALL/SOME (SELECT ...)
struct SubqueryExpr : Expr {
  RLSQ_EXPR_NODE(SubqueryExpr, Subquery)
  SubqueryExpr(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  SubqueryKind subquery_kind = SubqueryKind::kScalar;
  Expr* lhs = nullptr;    // for IN / ANY / ALL / SOME
  std::string_view op;    // comparison operator for ANY / ALL / SOME
  bool negated = false;   // NOT IN
  QueryNode* query = nullptr;

  auto Fields() { return std::tie(subquery_kind, lhs, op, negated, query); }
  static constexpr std::array<const char*, 5> kFieldNames = {"subquery_kind", "lhs", "op", "negated", "query"};
};

// x [NOT] IN (a, b, c)
struct InList : Expr {
  RLSQ_EXPR_NODE(InList, InList)
  InList(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr), list(mr) {}
  Expr* expr = nullptr;
  bool negated = false;
  List<Expr*> list;

  auto Fields() { return std::tie(expr, negated, list); }
  static constexpr std::array<const char*, 3> kFieldNames = {"expr", "negated", "list"};
};

// x [NOT] BETWEEN [SYMMETRIC] a AND b
struct Between : Expr {
  RLSQ_EXPR_NODE(Between, Between)
  Between(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  Expr* expr = nullptr;
  bool negated = false;
  bool symmetric = false;
  Expr* low = nullptr;
  Expr* high = nullptr;

  auto Fields() { return std::tie(expr, negated, symmetric, low, high); }
  static constexpr std::array<const char*, 5> kFieldNames = {"expr", "negated", "symmetric", "low", "high"};
};

// kIs: SQLite's a IS b (rhs set; `negated` for IS NOT), null-safe equality.
enum class IsTestKind : uint8_t { kNull, kTrue, kFalse, kUnknown, kDistinctFrom, kIsNullPostfix, kNotNullPostfix, kIs };
const char* ToString(IsTestKind v);

// x IS [NOT] NULL / TRUE / FALSE / UNKNOWN, x IS [NOT] DISTINCT FROM y, x ISNULL, x NOTNULL
struct IsTest : Expr {
  RLSQ_EXPR_NODE(IsTest, IsTest)
  IsTest(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  IsTestKind test = IsTestKind::kNull;
  bool negated = false;
  Expr* expr = nullptr;
  Expr* rhs = nullptr;  // for DISTINCT FROM

  auto Fields() { return std::tie(test, negated, expr, rhs); }
  static constexpr std::array<const char*, 4> kFieldNames = {"test", "negated", "expr", "rhs"};
};

enum class LikeKind : uint8_t { kLike, kILike, kSimilarTo };
const char* ToString(LikeKind v);

// x [NOT] LIKE / ILIKE / SIMILAR TO pattern [ESCAPE e]
struct Like : Expr {
  RLSQ_EXPR_NODE(Like, Like)
  Like(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  LikeKind like_kind = LikeKind::kLike;
  bool negated = false;
  Expr* expr = nullptr;
  Expr* pattern = nullptr;
  Expr* escape = nullptr;

  auto Fields() { return std::tie(like_kind, negated, expr, pattern, escape); }
  static constexpr std::array<const char*, 5> kFieldNames = {"like_kind", "negated", "expr", "pattern", "escape"};
};

enum class Quantifier : uint8_t { kAny, kSome, kAll };
const char* ToString(Quantifier v);

// x op ANY (array_expr), x op ALL (array_expr), also LIKE ANY (...)
struct Quantified : Expr {
  RLSQ_EXPR_NODE(Quantified, Quantified)
  Quantified(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  Expr* lhs = nullptr;
  std::string_view op;
  Quantifier quantifier = Quantifier::kAny;
  Expr* rhs = nullptr;

  auto Fields() { return std::tie(lhs, op, quantifier, rhs); }
  static constexpr std::array<const char*, 4> kFieldNames = {"lhs", "op", "quantifier", "rhs"};
};

// ARRAY[a, b], ARRAY[[1,2],[3,4]] (inner brackets are nested ArrayCtor with keyword = false)
struct ArrayCtor : Expr {
  RLSQ_EXPR_NODE(ArrayCtor, ArrayCtor)
  ArrayCtor(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr), elements(mr) {}
  List<Expr*> elements;
  bool keyword = true;

  auto Fields() { return std::tie(elements, keyword); }
  static constexpr std::array<const char*, 2> kFieldNames = {"elements", "keyword"};
};

// ROW(a, b) or (a, b)
struct RowCtor : Expr {
  RLSQ_EXPR_NODE(RowCtor, RowCtor)
  RowCtor(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr), elements(mr) {}
  List<Expr*> elements;
  bool explicit_row = false;

  auto Fields() { return std::tie(elements, explicit_row); }
  static constexpr std::array<const char*, 2> kFieldNames = {"elements", "explicit_row"};
};

// x[i], x[a:b], x[:b], x[a:]
struct Subscript : Expr {
  RLSQ_EXPR_NODE(Subscript, Subscript)
  Subscript(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  Expr* expr = nullptr;
  Expr* lower = nullptr;
  Expr* upper = nullptr;
  bool slice = false;

  auto Fields() { return std::tie(expr, lower, upper, slice); }
  static constexpr std::array<const char*, 4> kFieldNames = {"expr", "lower", "upper", "slice"};
};

// (x).field, (x).*
struct FieldAccess : Expr {
  RLSQ_EXPR_NODE(FieldAccess, FieldAccess)
  FieldAccess(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  Expr* expr = nullptr;
  Ident field;
  bool star = false;

  auto Fields() { return std::tie(expr, field, star); }
  static constexpr std::array<const char*, 3> kFieldNames = {"expr", "field", "star"};
};

// x COLLATE "C"
struct Collate : Expr {
  RLSQ_EXPR_NODE(Collate, Collate)
  Collate(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr), collation(mr) {}
  Expr* expr = nullptr;
  List<Ident> collation;

  auto Fields() { return std::tie(expr, collation); }
  static constexpr std::array<const char*, 2> kFieldNames = {"expr", "collation"};
};

// ( x ) as written in the source; kept so that printing reproduces the same tree
struct Paren : Expr {
  RLSQ_EXPR_NODE(Paren, Paren)
  Paren(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  Expr* expr = nullptr;

  auto Fields() { return std::tie(expr); }
  static constexpr std::array<const char*, 1> kFieldNames = {"expr"};
};

enum class GroupingSetKind : uint8_t { kEmpty, kRollup, kCube, kSets };
const char* ToString(GroupingSetKind v);

// GROUP BY ROLLUP (a, (b, c)), CUBE (...), GROUPING SETS ((a), (), ...), ()
struct GroupingSet : Expr {
  RLSQ_EXPR_NODE(GroupingSet, GroupingSet)
  GroupingSet(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr), elements(mr) {}
  GroupingSetKind set_kind = GroupingSetKind::kEmpty;
  List<Expr*> elements;  // RowCtor for parenthesised lists, nested GroupingSet allowed in GROUPING SETS

  auto Fields() { return std::tie(set_kind, elements); }
  static constexpr std::array<const char*, 2> kFieldNames = {"set_kind", "elements"};
};

// name => value (or name := value) in a function call
struct NamedArg : Expr {
  RLSQ_EXPR_NODE(NamedArg, NamedArg)
  NamedArg(NodeKind k, std::pmr::memory_resource* mr) : Expr(k, mr) {}
  Ident name;
  Expr* value = nullptr;

  auto Fields() { return std::tie(name, value); }
  static constexpr std::array<const char*, 2> kFieldNames = {"name", "value"};
};

#undef RLSQ_NODE
#undef RLSQ_EXPR_NODE

// Calls f(static_cast<Type&>(node)) for the node's concrete type.
template <class F>
decltype(auto) VisitNode(Node& node, F&& f) {
  switch (node.kind) {
#define RLSQ_X(kind, type) \
  case NodeKind::k##kind:  \
    return f(static_cast<type&>(node));
    RLSQ_AST_NODES(RLSQ_X)
#undef RLSQ_X
  }
  BadCast(node.kind, node.kind);
}
template <class F>
decltype(auto) VisitNode(const Node& node, F&& f) {
  return VisitNode(const_cast<Node&>(node), std::forward<F>(f));
}

}  // namespace rlsq::ast
