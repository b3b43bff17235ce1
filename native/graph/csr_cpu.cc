// CPU kernels of the graph pipeline: SpMM, transposes, normalizations, edge dropping, feature masks.
// Rows are split into chunks of about equal work (entries + rows) and run on LibTorch's intra-op
// thread pool (at::parallel_for); every random decision is counter-based (cuda/counter_rng.h), so
// the results do not depend on the number of threads.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "common/binding.h"
#include "cuda/counter_rng.h"
#include "graph/cpu_kernels.h"
#include "graph/sparse.h"

namespace wn::graph::cpu {
namespace {

/// One feature tile [c0, c0 + W) of rows [r0, r1): out = diag * x + sum_k v[k] * x[ix[k]], with the
/// tile's accumulators held in registers across the row's entries.
template <typename T, int W, bool kValues>
WN_SIMD_CLONES void spmm_tile(const int32_t* __restrict__ ip, const int32_t* __restrict__ ix, const T* __restrict__ v,
                              const T* __restrict__ d, const T* __restrict__ x, int64_t f, T* __restrict__ out, int64_t r0, int64_t r1,
                              int64_t c0) {
  constexpr int kLanes = 32 / sizeof(T);
  constexpr int kVecs = W / kLanes;
  static_assert(W % kLanes == 0, "tile width must be a multiple of the vector width");
  for (int64_t i = r0; i < r1; ++i) {
    Vec32<T> acc[kVecs];
    if (d != nullptr) {
      const T di = d[i];
      const T* xi = x + i * f + c0;
      for (int j = 0; j < kVecs; ++j) acc[j] = di * load32(xi + j * kLanes);
    } else {
      for (int j = 0; j < kVecs; ++j) acc[j] = Vec32<T>{};
    }
    for (int32_t k = ip[i], e = ip[i + 1]; k < e; ++k) {
      const T vk = kValues ? v[k] : T(1);
      const T* xr = x + static_cast<int64_t>(ix[k]) * f + c0;
      for (int j = 0; j < kVecs; ++j) acc[j] += vk * load32(xr + j * kLanes);
    }
    T* o = out + i * f + c0;
    for (int j = 0; j < kVecs; ++j) store32(o + j * kLanes, acc[j]);
  }
}

/// The same for a tile of any width w (the remainder columns).
template <typename T>
WN_SIMD_CLONES void spmm_tile_any(const int32_t* __restrict__ ip, const int32_t* __restrict__ ix, const T* __restrict__ v,
                                  const T* __restrict__ d, const T* __restrict__ x, int64_t f, T* __restrict__ out, int64_t r0, int64_t r1,
                                  int64_t c0, int64_t w) {
  for (int64_t i = r0; i < r1; ++i) {
    T* __restrict__ o = out + i * f + c0;
    if (d != nullptr) {
      const T di = d[i];
      const T* __restrict__ xi = x + i * f + c0;
      for (int64_t c = 0; c < w; ++c) o[c] = di * xi[c];
    } else {
      for (int64_t c = 0; c < w; ++c) o[c] = T(0);
    }
    for (int32_t k = ip[i], e = ip[i + 1]; k < e; ++k) {
      const T vk = v != nullptr ? v[k] : T(1);
      const T* __restrict__ xr = x + static_cast<int64_t>(ix[k]) * f + c0;
      for (int64_t c = 0; c < w; ++c) o[c] += vk * xr[c];
    }
  }
}

template <typename T, int W>
void spmm_tile_fixed(const int32_t* ip, const int32_t* ix, const T* v, const T* d, const T* x, int64_t f, T* out, int64_t r0, int64_t r1,
                     int64_t c0) {
  if (v != nullptr)
    spmm_tile<T, W, true>(ip, ix, v, d, x, f, out, r0, r1, c0);
  else
    spmm_tile<T, W, false>(ip, ix, v, d, x, f, out, r0, r1, c0);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#define WN_HAVE_WIDE_ROWS 1
/// Whole rows of W = 128 or 256 float32 columns in AVX-512 registers (8 / 16 zmm accumulators): one
/// pass over a row's entries with 0.5-1 KB contiguous reads each, instead of 2-4 passes of 64 columns.
/// Measured on Amazon Computers (hidden 256, 1 thread): 25 -> 16.5 ms.
template <int W, bool kValues>
__attribute__((target("arch=x86-64-v4"))) void spmm_rows_wide(const int32_t* __restrict__ ip, const int32_t* __restrict__ ix,
                                                              const float* __restrict__ v, const float* __restrict__ d,
                                                              const float* __restrict__ x, float* __restrict__ out, int64_t r0,
                                                              int64_t r1) {
  typedef float V16 __attribute__((vector_size(64)));
  constexpr int kVecs = W / 16;
  for (int64_t i = r0; i < r1; ++i) {
    V16 acc[kVecs];
    if (d != nullptr) {
      const float di = d[i];
      for (int j = 0; j < kVecs; ++j) {
        V16 t;
        __builtin_memcpy(&t, x + i * W + j * 16, 64);
        acc[j] = di * t;
      }
    } else {
      for (int j = 0; j < kVecs; ++j) acc[j] = V16{};
    }
    for (int32_t k = ip[i], e = ip[i + 1]; k < e; ++k) {
      const float vk = kValues ? v[k] : 1.0f;
      const float* xr = x + static_cast<int64_t>(ix[k]) * W;
      for (int j = 0; j < kVecs; ++j) {
        V16 t;
        __builtin_memcpy(&t, xr + j * 16, 64);
        acc[j] += vk * t;
      }
    }
    for (int j = 0; j < kVecs; ++j) __builtin_memcpy(out + i * W + j * 16, &acc[j], 64);
  }
}

/// True when the CPU runs x86-64-v4 (AVX-512) code and the width has a wide-row kernel.
bool wide_rows(int64_t f) {
  static const bool v4 = __builtin_cpu_supports("x86-64-v4");
  return v4 && (f == 128 || f == 256);
}

void spmm_rows_wide(const int32_t* ip, const int32_t* ix, const float* v, const float* d, const float* x, int64_t f, float* out, int64_t r0,
                    int64_t r1) {
  if (f == 128)
    v != nullptr ? spmm_rows_wide<128, true>(ip, ix, v, d, x, out, r0, r1) : spmm_rows_wide<128, false>(ip, ix, v, d, x, out, r0, r1);
  else
    v != nullptr ? spmm_rows_wide<256, true>(ip, ix, v, d, x, out, r0, r1) : spmm_rows_wide<256, false>(ip, ix, v, d, x, out, r0, r1);
}
#endif

/// True when spmm_rows takes whole rows in one pass (the AVX-512 wide-row kernel).
template <typename T>
bool whole_rows(int64_t f) {
#ifdef WN_HAVE_WIDE_ROWS
  if constexpr (std::is_same_v<T, float>) return wide_rows(f);
#endif
  return false;
}

/// Rows [r0, r1), columns [cb, ce) tile by tile (`tile` columns at a time): the rows' gathers then hit
/// a narrow slice of x that stays in cache, instead of streaming whole rows of x from memory per entry.
template <typename T>
void spmm_rows(const int32_t* ip, const int32_t* ix, const T* v, const T* d, const T* x, int64_t f, T* out, int64_t r0, int64_t r1,
               int64_t tile, int64_t cb, int64_t ce) {
  constexpr int kLine = 64 / sizeof(T);
#ifdef WN_HAVE_WIDE_ROWS
  if constexpr (std::is_same_v<T, float>) {
    if (wide_rows(f)) return spmm_rows_wide(ip, ix, v, d, x, f, out, r0, r1);
  }
#endif
  for (int64_t c0 = cb; c0 < ce; c0 += tile) {
    const int64_t w = std::min(tile, ce - c0);
    if (w == kLine)
      spmm_tile_fixed<T, kLine>(ip, ix, v, d, x, f, out, r0, r1, c0);
    else if (w == 2 * kLine)
      spmm_tile_fixed<T, 2 * kLine>(ip, ix, v, d, x, f, out, r0, r1, c0);
    else if (w == 4 * kLine)
      spmm_tile_fixed<T, 4 * kLine>(ip, ix, v, d, x, f, out, r0, r1, c0);
    else if (w > kLine) {
      // Whole cache lines through the vector kernel, the rest through the generic one.
      const int64_t lines = w / kLine;
      for (int64_t l = 0; l < lines; ++l) spmm_tile_fixed<T, kLine>(ip, ix, v, d, x, f, out, r0, r1, c0 + l * kLine);
      if (w > lines * kLine) spmm_tile_any<T>(ip, ix, v, d, x, f, out, r0, r1, c0 + lines * kLine, w - lines * kLine);
    } else {
      spmm_tile_any<T>(ip, ix, v, d, x, f, out, r0, r1, c0, w);
    }
  }
}

/// Tile width: four cache lines (64 float32 / 32 float64 columns) — measured best on Amazon- and
/// Coauthor-sized graphs (hidden 256: 16 columns re-read the indices too often, whole rows stream x
/// from memory instead of L2).
constexpr int64_t kTileBytes = 256;

/// 1 / row sums of weights (+ self_loop), in double.
std::vector<double> inverse_degrees(const SparseObj& s, double self_loop) {
  std::vector<double> inv(static_cast<size_t>(s.rows));
  const int32_t* ip = s.indptr.data_ptr<int32_t>();
  const float* w = s.values.defined() ? s.values.data_ptr<float>() : nullptr;
  parallel_rows(ip, s.rows, 1, [&](int64_t r0, int64_t r1) {
    for (int64_t i = r0; i < r1; ++i) {
      double deg = self_loop;
      if (w != nullptr)
        for (int32_t k = ip[i]; k < ip[i + 1]; ++k) deg += w[k];
      else
        deg += ip[i + 1] - ip[i];
      inv[i] = deg > 0 ? 1.0 / deg : 0.0;
    }
  });
  return inv;
}

}  // namespace

at::Tensor spmm(const at::Tensor& indptr, const at::Tensor& indices, const at::Tensor& values, const at::Tensor& diag, const at::Tensor& x,
                int64_t rows) {
  const int64_t f = x.size(1);
  at::Tensor out = at::empty({rows, f}, x.options());
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "spmm", [&] {
    const int32_t* ip = indptr.data_ptr<int32_t>();
    const int32_t* ix = indices.data_ptr<int32_t>();
    const scalar_t* v = values.numel() > 0 ? values.data_ptr<scalar_t>() : nullptr;
    const scalar_t* d = diag.numel() > 0 ? diag.data_ptr<scalar_t>() : nullptr;
    const scalar_t* xp = x.data_ptr<scalar_t>();
    scalar_t* op = out.data_ptr<scalar_t>();
    const int64_t tile = kTileBytes / static_cast<int64_t>(sizeof(scalar_t));
    if (whole_rows<scalar_t>(f) || f <= tile) {
      parallel_rows(ip, rows, f, [&](int64_t r0, int64_t r1) { spmm_rows<scalar_t>(ip, ix, v, d, xp, f, op, r0, r1, tile, 0, f); });
    } else {
      // Tiles outside, rows inside: all threads gather from the same slice of x at the same time.
      // (Rows outside had each thread's row chunks re-stream every slice: 2 threads were 2x slower
      // than 1 at hidden 512.)
      for (int64_t c0 = 0; c0 < f; c0 += tile) {
        const int64_t c1 = std::min(f, c0 + tile);
        parallel_rows(ip, rows, c1 - c0,
                      [&](int64_t r0, int64_t r1) { spmm_rows<scalar_t>(ip, ix, v, d, xp, f, op, r0, r1, tile, c0, c1); });
      }
    }
  });
  return out;
}

Transposed transpose_generic(const SparseObj& s) {
  const int64_t nnz = s.nnz();
  Transposed t;
  t.indptr = at::zeros({s.cols + 1}, at::kInt);
  t.indices = at::empty({nnz}, at::kInt);
  t.perm = at::empty({nnz}, at::kLong);
  const int32_t* ip = s.indptr.data_ptr<int32_t>();
  const int32_t* ix = s.indices.data_ptr<int32_t>();
  int32_t* tp = t.indptr.data_ptr<int32_t>();
  int32_t* ti = t.indices.data_ptr<int32_t>();
  int64_t* pm = t.perm.data_ptr<int64_t>();
  for (int64_t k = 0; k < nnz; ++k) ++tp[ix[k] + 1];
  for (int64_t c = 0; c < s.cols; ++c) tp[c + 1] += tp[c];
  std::vector<int32_t> cursor(tp, tp + s.cols);
  for (int64_t i = 0; i < s.rows; ++i) {
    for (int32_t k = ip[i]; k < ip[i + 1]; ++k) {
      const int32_t pos = cursor[ix[k]]++;
      ti[pos] = static_cast<int32_t>(i);
      pm[pos] = k;
    }
  }
  return t;
}

Transposed transpose_kept(const SparseObj& src, const at::Tensor& kept_pos, int64_t /*kept: counted here*/) {
  const int32_t* ix = src.indices.data_ptr<int32_t>();
  const int32_t* rev = src.rev.data_ptr<int32_t>();
  const int32_t* kp = kept_pos.data_ptr<int32_t>();
  Transposed t;
  int32_t* ti = nullptr;
  int64_t* pm = nullptr;
  // Row j of the transpose: the source row-j entries whose reverse edge (i <- j) was kept.
  t.indptr = filter_rows(
      src.indptr.data_ptr<int32_t>(), src.rows, [&](int32_t k) { return kp[rev[k]] >= 0; },
      [&](int64_t nnz) {
        t.indices = at::empty({nnz}, at::kInt);
        t.perm = at::empty({nnz}, at::kLong);
        ti = t.indices.data_ptr<int32_t>();
        pm = t.perm.data_ptr<int64_t>();
      },
      [&](int32_t k, int32_t pos) {
        ti[pos] = ix[k];
        pm[pos] = kp[rev[k]];
      },
      [](int32_t) {});
  return t;
}

Norm gcn_norm(const SparseObj& s, at::ScalarType dtype) {
  const std::vector<double> inv = inverse_degrees(s, 1.0);
  Norm n;
  n.values = at::empty({s.nnz()}, at::TensorOptions().dtype(dtype));
  n.diag = at::empty({s.rows}, at::TensorOptions().dtype(dtype));
  const int32_t* ip = s.indptr.data_ptr<int32_t>();
  const int32_t* ix = s.indices.data_ptr<int32_t>();
  const float* w = s.values.defined() ? s.values.data_ptr<float>() : nullptr;
  AT_DISPATCH_FLOATING_TYPES(dtype, "gcn_norm", [&] {
    scalar_t* v = n.values.data_ptr<scalar_t>();
    scalar_t* d = n.diag.data_ptr<scalar_t>();
    parallel_rows(ip, s.rows, 1, [&](int64_t r0, int64_t r1) {
      for (int64_t i = r0; i < r1; ++i) {
        const double di = std::sqrt(inv[i]);
        for (int32_t k = ip[i]; k < ip[i + 1]; ++k) v[k] = static_cast<scalar_t>(di * (w != nullptr ? w[k] : 1.0) * std::sqrt(inv[ix[k]]));
        d[i] = static_cast<scalar_t>(inv[i]);
      }
    });
  });
  return n;
}

Norm mean_norm(const SparseObj& s, at::ScalarType dtype) {
  const std::vector<double> inv = inverse_degrees(s, 0.0);
  Norm n;
  n.values = at::empty({s.nnz()}, at::TensorOptions().dtype(dtype));
  n.diag = at::empty({0}, at::TensorOptions().dtype(dtype));
  const int32_t* ip = s.indptr.data_ptr<int32_t>();
  const float* w = s.values.defined() ? s.values.data_ptr<float>() : nullptr;
  AT_DISPATCH_FLOATING_TYPES(dtype, "mean_norm", [&] {
    scalar_t* v = n.values.data_ptr<scalar_t>();
    parallel_rows(ip, s.rows, 1, [&](int64_t r0, int64_t r1) {
      for (int64_t i = r0; i < r1; ++i)
        for (int32_t k = ip[i]; k < ip[i + 1]; ++k) v[k] = static_cast<scalar_t>((w != nullptr ? w[k] : 1.0) * inv[i]);
    });
  });
  return n;
}

Dropped drop_edges(const SparseObj& s, uint64_t edge_key, double p) {
  const int32_t* ix = s.indices.data_ptr<int32_t>();
  const float* w = s.values.defined() ? s.values.data_ptr<float>() : nullptr;
  Dropped d;
  d.kept_pos = at::empty({s.nnz()}, at::kInt);
  int32_t* kp = d.kept_pos.data_ptr<int32_t>();
  int32_t* ni = nullptr;
  float* nw = nullptr;
  d.indptr = filter_rows(
      s.indptr.data_ptr<int32_t>(), s.rows, [&](int32_t k) { return rng::keep(edge_key, static_cast<uint64_t>(k), p); },
      [&](int64_t kept) {
        d.indices = at::empty({kept}, at::kInt);
        ni = d.indices.data_ptr<int32_t>();
        if (w != nullptr) {
          d.values = at::empty({kept}, at::kFloat);
          nw = d.values.data_ptr<float>();
        }
      },
      [&](int32_t k, int32_t pos) {
        ni[pos] = ix[k];
        if (nw != nullptr) nw[pos] = w[k];
        kp[k] = pos;
      },
      [&](int32_t k) { kp[k] = -1; });
  return d;
}

at::Tensor feature_mask(int64_t mask_rows, int64_t cols, uint64_t col_key, double p_col, uint64_t entry_key, double p_entry, c10::Device) {
  at::Tensor mask = at::empty({mask_rows, cols}, at::kBool);
  bool* m = mask.data_ptr<bool>();
  std::vector<char> col(static_cast<size_t>(cols));
  for (int64_t c = 0; c < cols; ++c) col[c] = rng::keep(col_key, static_cast<uint64_t>(c), p_col);
  at::parallel_for(0, mask_rows, std::max<int64_t>(1, 32768 / std::max<int64_t>(cols, 1)), [&](int64_t r0, int64_t r1) {
    for (int64_t i = r0; i < r1; ++i)
      for (int64_t c = 0; c < cols; ++c) {
        const uint64_t e = static_cast<uint64_t>(i * cols + c);
        m[e] = col[c] && rng::keep(entry_key, e, p_entry);
      }
  });
  return mask;
}

at::Tensor sparse_mask(const SparseObj& s, uint64_t col_key, double p_col, uint64_t entry_key, double p_entry) {
  at::Tensor mask = at::empty({s.nnz()}, at::kBool);
  bool* m = mask.data_ptr<bool>();
  const int32_t* ip = s.indptr.data_ptr<int32_t>();
  const int32_t* ix = s.indices.data_ptr<int32_t>();
  std::vector<char> col(static_cast<size_t>(s.cols));
  for (int64_t c = 0; c < s.cols; ++c) col[c] = rng::keep(col_key, static_cast<uint64_t>(c), p_col);
  parallel_rows(ip, s.rows, 1, [&](int64_t r0, int64_t r1) {
    for (int64_t i = r0; i < r1; ++i)
      for (int32_t k = ip[i]; k < ip[i + 1]; ++k)
        m[k] = col[ix[k]] && rng::keep(entry_key, static_cast<uint64_t>(i * s.cols + ix[k]), p_entry);
  });
  return mask;
}

}  // namespace wn::graph::cpu
