// GoogleTest helpers for absl::Status / StatusOr (Debian's abseil ships none).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace rlsq::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <class T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

}  // namespace rlsq::testing

#define RLSQ_EXPECT_OK(expr) EXPECT_TRUE(::rlsq::testing::GetStatus(expr).ok()) << ::rlsq::testing::GetStatus(expr)
#define RLSQ_ASSERT_OK(expr) ASSERT_TRUE(::rlsq::testing::GetStatus(expr).ok()) << ::rlsq::testing::GetStatus(expr)

// RLSQ_ASSERT_OK_AND_ASSIGN(auto x, StatusOrExpr);
#define RLSQ_ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  RLSQ_ASSERT_OK_AND_ASSIGN_IMPL_(RLSQ_STATUS_MATCHER_CONCAT_(rlsq_sor_, __LINE__), lhs, rexpr)
#define RLSQ_STATUS_MATCHER_CONCAT_INNER_(a, b) a##b
#define RLSQ_STATUS_MATCHER_CONCAT_(a, b) RLSQ_STATUS_MATCHER_CONCAT_INNER_(a, b)
#define RLSQ_ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                     \
  ASSERT_TRUE(tmp.ok()) << tmp.status();                  \
  lhs = std::move(tmp).value()

// Matches a non-OK status (or StatusOr) with the given code whose message contains `substr`.
MATCHER_P2(StatusIs, code, substr, "") {
  const absl::Status& s = ::rlsq::testing::GetStatus(arg);
  if (s.code() != code) {
    *result_listener << "status is " << s;
    return false;
  }
  if (std::string(s.message()).find(substr) == std::string::npos) {
    *result_listener << "message is " << s.message();
    return false;
  }
  return true;
}
