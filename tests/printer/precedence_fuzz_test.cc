// Randomized check of the parentheses the printer adds to hand-built trees (which carry no Paren nodes):
// for thousands of random expression trees, Print -> ParseExpression gives the same tree once the parser's Paren
// nodes are removed. Any missing parenthesis changes the re-parsed tree; any misplaced one makes it fail to parse.
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "lib/ast/ast_util.h"
#include "lib/parser/parser.h"
#include "lib/printer/printer.h"
#include "tests/printer/ast_builder.h"

namespace rlsq {
namespace {

using namespace ast;  // NOLINT

Expr* Strip(Expr* e);

void StripIn(Expr*& e) {
  if (e) e = Strip(e);
}

Expr* Strip(Expr* e) {
  while (auto* p = e->As<Paren>()) e = p->expr;
  switch (e->kind) {
    case NodeKind::kBinaryOp:
      StripIn(e->Cast<BinaryOp>().left);
      StripIn(e->Cast<BinaryOp>().right);
      break;
    case NodeKind::kUnaryOp:
      StripIn(e->Cast<UnaryOp>().operand);
      break;
    case NodeKind::kIsTest:
      StripIn(e->Cast<IsTest>().expr);
      StripIn(e->Cast<IsTest>().rhs);
      break;
    case NodeKind::kBetween:
      StripIn(e->Cast<Between>().expr);
      StripIn(e->Cast<Between>().low);
      StripIn(e->Cast<Between>().high);
      break;
    case NodeKind::kInList:
      StripIn(e->Cast<InList>().expr);
      for (auto& x : e->Cast<InList>().list) StripIn(x);
      break;
    case NodeKind::kLike:
      StripIn(e->Cast<Like>().expr);
      StripIn(e->Cast<Like>().pattern);
      break;
    case NodeKind::kCast:
      StripIn(e->Cast<Cast>().expr);
      break;
    case NodeKind::kCollate:
      StripIn(e->Cast<Collate>().expr);
      break;
    case NodeKind::kSubscript:
      StripIn(e->Cast<Subscript>().expr);
      StripIn(e->Cast<Subscript>().lower);
      break;
    case NodeKind::kQuantified:
      StripIn(e->Cast<Quantified>().lhs);
      StripIn(e->Cast<Quantified>().rhs);
      break;
    default:
      break;
  }
  return e;
}

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}
  testing::AstBuilder b;

  Expr* Gen(int depth) {
    if (depth == 0 || Pick(5) == 0) return Leaf();
    static const char* kBinary[] = {"OR", "AND", "=", "<", "<>", ">=", "||", "@>", "+", "-", "*", "/", "%", "^",
                                    "AT TIME ZONE"};
    switch (Pick(11)) {
      case 0:
      case 1:
      case 2:
        return b.Bin(kBinary[Pick(std::size(kBinary))], Gen(depth - 1), Gen(depth - 1));
      case 3: {
        static const char* kUnary[] = {"NOT", "-", "+", "~"};
        return b.Un(kUnary[Pick(4)], Gen(depth - 1));
      }
      case 4: {
        auto* t = b.New<IsTest>();
        t->expr = Gen(depth - 1);
        t->negated = Pick(2);
        t->test = Pick(2) ? IsTestKind::kNull : IsTestKind::kDistinctFrom;
        if (t->test == IsTestKind::kDistinctFrom) t->rhs = Gen(depth - 1);
        return t;
      }
      case 5: {
        auto* bt = b.New<Between>();
        bt->expr = Gen(depth - 1);
        bt->low = Gen(depth - 1);
        bt->high = Gen(depth - 1);
        bt->negated = Pick(2);
        return bt;
      }
      case 6: {
        auto* in = b.New<InList>();
        in->expr = Gen(depth - 1);
        in->list = {Gen(depth - 1), Leaf()};
        return in;
      }
      case 7: {
        auto* l = b.New<Like>();
        l->expr = Gen(depth - 1);
        l->pattern = Gen(depth - 1);
        l->like_kind = Pick(2) ? LikeKind::kLike : LikeKind::kILike;
        return l;
      }
      case 8: {
        auto* c = b.New<Cast>();
        c->expr = Gen(depth - 1);
        c->type = b.Type("text");
        c->postgres_style = true;
        return c;
      }
      case 9: {
        if (Pick(2)) {
          auto* c = b.New<Collate>();
          c->expr = Gen(depth - 1);
          c->collation.push_back(b.Id("C"));
          return c;
        }
        auto* s = b.New<Subscript>();
        s->expr = Gen(depth - 1);
        s->lower = Leaf();
        return s;
      }
      default: {
        auto* q = b.New<Quantified>();
        q->lhs = Gen(depth - 1);
        static const char* kOps[] = {"=", "<", "@>", "LIKE"};
        q->op = kOps[Pick(4)];
        q->quantifier = Pick(2) ? Quantifier::kAny : Quantifier::kAll;
        q->rhs = Gen(depth - 1);
        return q;
      }
    }
  }

 private:
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  Expr* Leaf() {
    switch (Pick(3)) {
      case 0:
        return b.Col({"c" + std::to_string(Pick(3))});
      case 1:
        return b.Int(std::to_string(Pick(10)));
      default:
        return b.Col({"t", "x"});
    }
  }
  std::mt19937 rng_;
};

TEST(PrinterPrecedenceFuzzTest, HandBuiltTreesReparseToTheSameTree) {
  Generator gen(12345);
  int checked = 0;
  for (int i = 0; i < 4000; ++i) {
    Expr* e = gen.Gen(1 + i % 5);
    std::string sql = Print(*e);
    Arena arena;
    auto parsed = ParseExpression(sql, arena);
    ASSERT_TRUE(parsed.ok()) << sql << "\n" << parsed.status();
    Expr* stripped = Strip(*parsed);
    ASSERT_TRUE(Equals(e, stripped)) << sql << "\nbuilt:    " << ToJson(e) << "\nreparsed: " << ToJson(stripped);
    // And printing the re-parsed tree (which has the Paren nodes now) gives the same text.
    EXPECT_EQ(Print(**parsed), sql);
    ++checked;
  }
  EXPECT_EQ(checked, 4000);
}

}  // namespace
}  // namespace rlsq
