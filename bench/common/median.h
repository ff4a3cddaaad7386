// The median of a set of measurements (the mean of the two middle values for an even count; 0 for none). Shared by
// the benchmark programs' summaries and the budget checker.
#pragma once

#include <algorithm>
#include <vector>

namespace rlsq::bench {

inline double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace rlsq::bench
