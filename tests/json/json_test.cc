// The JSON reader and value (lib/json/json.h): strictness, positions, borrowing, and the compact value's
// ownership (copies, moves, building).
#include "lib/json/json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/support/status_matchers.h"

namespace rlsq::json {
namespace {

using ::testing::HasSubstr;

std::string Text(const Value& v) {
  std::string out;
  AppendValue(v, &out);
  return out;
}

TEST(JsonTest, ReadsEveryTypeAndKeepsOrderAndNumberText) {
  RLSQ_ASSERT_OK_AND_ASSIGN(Value v, Parse(R"({"b": [1, -2.50e+3, true, false, null], "a": {"x": "y\n\u00e9"}})"));
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v.members().size(), 2u);
  EXPECT_EQ(v.members()[0].first, "b");
  EXPECT_EQ(v.members()[1].first, "a");
  const Value* b = v.Find("b");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->items().size(), 5u);
  EXPECT_EQ(b->items()[1].text(), "-2.50e+3");
  EXPECT_TRUE(b->items()[2].boolean());
  EXPECT_TRUE(b->items()[3].is_bool());
  EXPECT_FALSE(b->items()[3].boolean());
  EXPECT_TRUE(b->items()[4].is_null());
  EXPECT_EQ(v.Find("a")->Find("x")->text(), "y\n\xc3\xa9");
  EXPECT_EQ(v.Find("missing"), nullptr);
  EXPECT_EQ(Text(v), R"({"b":[1,-2.50e+3,true,false,null],"a":{"x":"y\né"}})");
  // Accessors of another type are empty.
  EXPECT_TRUE(b->text().empty());
  EXPECT_TRUE(b->members().empty());
  EXPECT_TRUE(v.items().empty());
}

TEST(JsonTest, PositionsAreLineAndCharacterColumn) {
  RLSQ_ASSERT_OK_AND_ASSIGN(Value v, Parse("{\n  \"k\": [1,\n   \"\xc3\xa9\", \"x\"]}"));
  const Value* k = v.Find("k");
  EXPECT_EQ(k->line(), 2u);
  EXPECT_EQ(k->column(), 8u);
  EXPECT_EQ(k->items()[1].line(), 3u);
  EXPECT_EQ(k->items()[1].column(), 4u);
  EXPECT_EQ(k->items()[2].column(), 9u);  // é is one character
  EXPECT_THAT(Parse("{\"a\": 1,\n \"a\": 2}"), StatusIs(absl::StatusCode::kInvalidArgument, "2:2: duplicate key"));
}

TEST(JsonTest, RefusesWhatRfc8259Refuses) {
  for (const char* bad : {"", "[1,]", "{\"a\" 1}", "[01]", "[1.]", "\"\\x\"", "\"\\ud800\"", "nul", "[1] 2",
                          "{\"a\":1,}", "\"a\tb\"", "[\"\\u0000\"]"}) {
    EXPECT_FALSE(Parse(bad).ok()) << bad;
    EXPECT_FALSE(ParseBorrowing(bad).ok()) << bad;
  }
  std::string deep(100, '[');
  EXPECT_THAT(Parse(deep), StatusIs(absl::StatusCode::kInvalidArgument, "nested too deeply"));
  EXPECT_THAT(Parse("\"\xff\""), StatusIs(absl::StatusCode::kInvalidArgument, "1:2"));
}

TEST(JsonTest, DuplicateKeysInLargeObjectsAreFound) {
  // Past the scan limit the reader hashes keys: a duplicate is found wherever it is, and none is reported falsely.
  std::string doc = "{";
  for (int i = 0; i < 5000; ++i) doc += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",";
  std::string ok = doc + "\"last\": 0}";
  RLSQ_ASSERT_OK_AND_ASSIGN(Value v, Parse(ok));
  EXPECT_EQ(v.members().size(), 5001u);
  EXPECT_EQ(v.Find("k4999")->text(), "4999");
  EXPECT_THAT(Parse(doc + "\"k17\": 0}"), StatusIs(absl::StatusCode::kInvalidArgument, "duplicate key \"k17\""));
  EXPECT_THAT(Parse(doc + "\"k\\u0031\": 0}"), StatusIs(absl::StatusCode::kInvalidArgument, "duplicate key \"k1\""));
}

TEST(JsonTest, BorrowingViewsTheDocumentUnlessEscaped) {
  const std::string doc = R"(["plain", "esc\"aped", 12])";
  RLSQ_ASSERT_OK_AND_ASSIGN(Document d, ParseBorrowing(doc));
  const Value& v = d.root();
  auto inside = [&](std::string_view s) { return s.data() >= doc.data() && s.data() < doc.data() + doc.size(); };
  EXPECT_TRUE(inside(v.items()[0].text()));
  EXPECT_FALSE(inside(v.items()[1].text()));
  EXPECT_EQ(v.items()[1].text(), "esc\"aped");
  EXPECT_TRUE(inside(v.items()[2].text()));
  // A copy owns its text.
  Value copy = v;
  EXPECT_FALSE(inside(copy.items()[0].text()));
  EXPECT_EQ(Text(copy), Text(v));
  RLSQ_ASSERT_OK_AND_ASSIGN(Value owned, Parse(doc));
  EXPECT_FALSE(inside(owned.items()[0].text()));
}

TEST(JsonTest, ValuesCopiedOutOfADocumentOutliveIt) {
  Value copy;
  {
    std::string text = R"j({"roles": [["datasource_access", "[db].[t1](id:1)"], ["a\u00e9", "b"]]})j";
    RLSQ_ASSERT_OK_AND_ASSIGN(Document d, ParseBorrowing(text));
    copy = *d.root().Find("roles");
    Document moved = std::move(d);  // the arena moves with it: values stay where they are
    EXPECT_EQ(moved.root().Find("roles")->items()[1].items()[0].text(), "a\xc3\xa9");
    text.assign(text.size(), 'x');  // the copy does not view the text
  }
  ASSERT_EQ(copy.items().size(), 2u);
  EXPECT_EQ(copy.items()[0].items()[1].text(), "[db].[t1](id:1)");
  EXPECT_EQ(copy.items()[1].items()[0].text(), "a\xc3\xa9");
  copy.Append(Value::String("more"));  // a copy is an ordinary value: it can grow
  EXPECT_EQ(copy.items().size(), 3u);
}

TEST(JsonTest, CopiesAreDeepAndMovesLeaveNull) {
  RLSQ_ASSERT_OK_AND_ASSIGN(Value v, Parse(R"({"a": [[1, "x"], {"b": null}], "c": "d"})"));
  Value copy(v);
  EXPECT_EQ(Text(copy), Text(v));
  EXPECT_NE(&copy.members()[0].second, &v.members()[0].second);
  EXPECT_NE(copy.Find("a")->items().data(), v.Find("a")->items().data());
  Value assigned;
  assigned = v;
  assigned = assigned;  // self-assignment keeps the value
  EXPECT_EQ(Text(assigned), Text(v));
  Value moved(std::move(copy));
  EXPECT_TRUE(copy.is_null());  // NOLINT: a moved-from value is null
  EXPECT_EQ(Text(moved), Text(v));
  assigned = std::move(moved);
  EXPECT_TRUE(moved.is_null());  // NOLINT
  EXPECT_EQ(Text(assigned), Text(v));
}

TEST(JsonTest, BuildingArraysAndObjects) {
  Value list = Value::Array();
  EXPECT_TRUE(list.is_array());
  EXPECT_TRUE(list.items().empty());
  for (int i = 0; i < 1000; ++i) list.Append(Value::Number(std::to_string(i)));
  ASSERT_EQ(list.items().size(), 1000u);
  EXPECT_EQ(list.items()[999].text(), "999");
  // Reserving more than is appended, then growing past it: every size keeps its elements.
  Value reserved = Value::Array();
  reserved.ReserveItems(100);
  for (int i = 0; i < 40; ++i) reserved.Append(Value::String(std::string(20, static_cast<char>('a' + i % 26))));
  for (int i = 40; i < 300; ++i) reserved.Append(Value::Bool(i % 2 == 0));
  ASSERT_EQ(reserved.items().size(), 300u);
  // Room reserved is used: appending up to it never moves the elements.
  Value exact = Value::Array();
  exact.ReserveItems(100);
  exact.Append(Value());
  const Value* block = exact.items().data();
  for (int i = 1; i < 100; ++i) exact.Append(Value::Number("1"));
  EXPECT_EQ(exact.items().data(), block);
  EXPECT_EQ(reserved.items()[39].text(), std::string(20, 'n'));
  EXPECT_TRUE(reserved.items()[298].boolean());
  // Appending to a parsed array (an exact block) grows it.
  RLSQ_ASSERT_OK_AND_ASSIGN(Value parsed, Parse("[1, 2, 3]"));
  parsed.Append(Value::String("four"));
  EXPECT_EQ(Text(parsed), R"([1,2,3,"four"])");

  Value obj = Value::Object();
  obj.Add("name", Value::String("R1"));
  obj.Add("list", list);
  obj.Add("flag", Value::Bool(false));
  std::string borrowed_from = "view";
  obj.Add("view", Value::BorrowedString(borrowed_from));
  EXPECT_EQ(obj.members().size(), 4u);
  EXPECT_EQ(obj.Find("view")->text().data(), borrowed_from.data());
  EXPECT_EQ(obj.Find("list")->items().size(), 1000u);
  EXPECT_EQ(Text(Value::Object()), "{}");
  EXPECT_EQ(Text(Value::Array()), "[]");
  std::string out;
  AppendValue(obj.Find("flag")->is_bool() ? Value::Bool(true) : Value(), &out);
  EXPECT_EQ(out, "true");
}

TEST(JsonTest, ValueIsCompact) {
  // A policy of 100k filters has about 4M values: their size is most of the memory a load touches.
  EXPECT_EQ(sizeof(Value), 24u);
}

}  // namespace
}  // namespace rlsq::json
