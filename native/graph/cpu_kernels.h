// Shared pieces of the CPU graph kernels (csr_cpu.cc, feature_cpu.cc): work-balanced row ranges on
// LibTorch's thread pool and row filtering (SIMD helpers: tensor/simd.h).
#pragma once
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <vector>

#include "tensor/simd.h"

namespace wn::graph::cpu {

/// Smallest row r with indptr[r] + r >= w (the work before row r).
inline int64_t row_at_work(const int32_t* indptr, int64_t rows, int64_t w) {
  int64_t lo = 0, hi = rows;
  while (lo < hi) {
    const int64_t mid = (lo + hi) / 2;
    if (static_cast<int64_t>(indptr[mid]) + mid < w)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/// Calls f(r0, r1) over row ranges of about equal work (`cost` per entry or row), in parallel when
/// the total is worth it.
template <typename F>
void parallel_rows(const int32_t* indptr, int64_t rows, int64_t cost, F&& f) {
  if (rows <= 0) return;
  const int64_t total = static_cast<int64_t>(indptr[rows]) + rows;
  const int threads = at::get_num_threads();
  if (threads <= 1 || total * std::max<int64_t>(cost, 1) < 32768 || rows < 2) {
    f(int64_t{0}, rows);
    return;
  }
  const int64_t chunks = std::min<int64_t>(rows, static_cast<int64_t>(threads) * 8);
  at::parallel_for(0, chunks, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t r0 = c == 0 ? 0 : row_at_work(indptr, rows, total * c / chunks);
      const int64_t r1 = c + 1 == chunks ? rows : row_at_work(indptr, rows, total * (c + 1) / chunks);
      if (r1 > r0) f(r0, r1);
    }
  });
}

/// Keeps the entries k of each row for which keep(k) holds, in order, in two parallel passes: counts
/// per row, then (after the scan and alloc(total)) emit(k, new position) for each kept entry and
/// skip(k) for each other one. Returns the new indptr.
template <typename Keep, typename Alloc, typename Emit, typename Skip>
at::Tensor filter_rows(const int32_t* ip, int64_t rows, Keep&& keep, Alloc&& alloc, Emit&& emit, Skip&& skip) {
  std::vector<int32_t> counts(static_cast<size_t>(rows));
  parallel_rows(ip, rows, 1, [&](int64_t r0, int64_t r1) {
    for (int64_t i = r0; i < r1; ++i) {
      int32_t n = 0;
      for (int32_t k = ip[i]; k < ip[i + 1]; ++k) n += keep(k) ? 1 : 0;
      counts[i] = n;
    }
  });
  at::Tensor indptr = at::empty({rows + 1}, at::kInt);
  int32_t* np = indptr.data_ptr<int32_t>();
  np[0] = 0;
  for (int64_t i = 0; i < rows; ++i) np[i + 1] = np[i] + counts[i];
  alloc(static_cast<int64_t>(np[rows]));
  parallel_rows(ip, rows, 1, [&](int64_t r0, int64_t r1) {
    for (int64_t i = r0; i < r1; ++i) {
      int32_t pos = np[i];
      for (int32_t k = ip[i]; k < ip[i + 1]; ++k) {
        if (keep(k))
          emit(k, pos++);
        else
          skip(k);
      }
    }
  });
  return indptr;
}

}  // namespace wn::graph::cpu
