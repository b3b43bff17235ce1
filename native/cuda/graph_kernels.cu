// CUDA kernels of the graph pipeline; see graph_kernels.h for the contracts.
#include "cuda/graph_kernels.h"

#include "cuda/counter_rng.h"
#include "cuda/neighbor_draw.h"

namespace wn::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kWarp = 32;

inline unsigned blocks_for(int64_t n, int per_block = kThreads) {
  const int64_t b = (n + per_block - 1) / per_block;
  return static_cast<unsigned>(b < 1 ? 1 : (b > 2147483647 ? 2147483647 : b));
}

// One warp per output row; lanes stride over the feature columns so reads of x rows coalesce.
template <typename T>
__global__ void spmm_kernel(const int32_t* __restrict__ indptr, const int32_t* __restrict__ indices, const T* __restrict__ values,
                            const T* __restrict__ diag, const T* __restrict__ x, int64_t rows, int64_t f, T* __restrict__ out) {
  const int64_t warps = static_cast<int64_t>(gridDim.x) * blockDim.x / kWarp;
  const int lane = threadIdx.x % kWarp;
  for (int64_t i = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp; i < rows; i += warps) {
    const int32_t start = indptr[i], end = indptr[i + 1];
    const T d = diag != nullptr ? diag[i] : T(0);
    for (int64_t c = lane; c < f; c += kWarp) {
      T acc = diag != nullptr ? d * x[i * f + c] : T(0);
      for (int32_t k = start; k < end; ++k) {
        const T v = values != nullptr ? values[k] : T(1);
        acc += v * x[static_cast<int64_t>(indices[k]) * f + c];
      }
      out[i * f + c] = acc;
    }
  }
}

// diag[i] = 1 / deg(A + I)[i] (a thread per row).
__global__ void inv_degree_kernel(const int32_t* __restrict__ indptr, const float* __restrict__ weights, int64_t rows, double self_loop,
                                  double* __restrict__ inv_deg) {
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < rows;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    double deg = self_loop;
    if (weights != nullptr)
      for (int32_t k = indptr[i]; k < indptr[i + 1]; ++k) deg += weights[k];
    else
      deg += indptr[i + 1] - indptr[i];
    inv_deg[i] = deg > 0 ? 1.0 / deg : 0.0;
  }
}

template <typename T>
__global__ void gcn_values_kernel(const int32_t* __restrict__ indptr, const int32_t* __restrict__ indices,
                                  const float* __restrict__ weights, const double* __restrict__ inv_deg, int64_t rows,
                                  T* __restrict__ values, T* __restrict__ diag) {
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < rows;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const double di = sqrt(inv_deg[i]);
    for (int32_t k = indptr[i]; k < indptr[i + 1]; ++k) {
      const double w = weights != nullptr ? weights[k] : 1.0;
      values[k] = static_cast<T>(di * w * sqrt(inv_deg[indices[k]]));
    }
    diag[i] = static_cast<T>(inv_deg[i]);
  }
}

template <typename T>
__global__ void mean_values_kernel(const int32_t* __restrict__ indptr, const float* __restrict__ weights, int64_t rows,
                                   T* __restrict__ values) {
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < rows;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    double deg = 0;
    if (weights != nullptr)
      for (int32_t k = indptr[i]; k < indptr[i + 1]; ++k) deg += weights[k];
    else
      deg = indptr[i + 1] - indptr[i];
    const double inv = deg > 0 ? 1.0 / deg : 0.0;
    for (int32_t k = indptr[i]; k < indptr[i + 1]; ++k) values[k] = static_cast<T>((weights != nullptr ? weights[k] : 1.0) * inv);
  }
}

__global__ void drop_count_kernel(const int32_t* __restrict__ indptr, int64_t rows, uint64_t key, double p, int32_t* __restrict__ counts) {
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < rows;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int32_t n = 0;
    for (int32_t k = indptr[i]; k < indptr[i + 1]; ++k) n += rng::keep(key, static_cast<uint64_t>(k), p) ? 1 : 0;
    counts[i] = n;
  }
}

__global__ void drop_fill_kernel(const int32_t* __restrict__ indptr, const int32_t* __restrict__ indices, const float* __restrict__ weights,
                                 int64_t rows, uint64_t key, double p, const int32_t* __restrict__ new_indptr,
                                 int32_t* __restrict__ new_indices, float* __restrict__ new_weights, int32_t* __restrict__ kept_pos) {
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < rows;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int32_t pos = new_indptr[i];
    for (int32_t k = indptr[i]; k < indptr[i + 1]; ++k) {
      if (rng::keep(key, static_cast<uint64_t>(k), p)) {
        new_indices[pos] = indices[k];
        if (new_weights != nullptr) new_weights[pos] = weights[k];
        kept_pos[k] = pos++;
      } else {
        kept_pos[k] = -1;
      }
    }
  }
}

__global__ void kept_transpose_count_kernel(const int32_t* __restrict__ src_indptr, const int32_t* __restrict__ src_rev,
                                            const int32_t* __restrict__ kept_pos, int64_t rows, int32_t* __restrict__ counts) {
  for (int64_t j = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; j < rows;
       j += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int32_t n = 0;
    for (int32_t k = src_indptr[j]; k < src_indptr[j + 1]; ++k) n += kept_pos[src_rev[k]] >= 0 ? 1 : 0;
    counts[j] = n;
  }
}

__global__ void kept_transpose_fill_kernel(const int32_t* __restrict__ src_indptr, const int32_t* __restrict__ src_indices,
                                           const int32_t* __restrict__ src_rev, const int32_t* __restrict__ kept_pos, int64_t rows,
                                           const int32_t* __restrict__ t_indptr, int32_t* __restrict__ t_indices,
                                           int64_t* __restrict__ perm) {
  for (int64_t j = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; j < rows;
       j += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int32_t pos = t_indptr[j];
    for (int32_t k = src_indptr[j]; k < src_indptr[j + 1]; ++k) {
      const int32_t kept = kept_pos[src_rev[k]];
      if (kept >= 0) {
        t_indices[pos] = src_indices[k];
        perm[pos++] = kept;
      }
    }
  }
}

__global__ void feature_mask_kernel(int64_t mask_rows, int64_t cols, uint64_t col_key, double p_col, uint64_t entry_key, double p_entry,
                                    bool* __restrict__ mask) {
  const int64_t n = mask_rows * cols;
  for (int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < n; e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t c = e % cols;
    mask[e] = rng::keep(col_key, static_cast<uint64_t>(c), p_col) && rng::keep(entry_key, static_cast<uint64_t>(e), p_entry);
  }
}

__global__ void sparse_mask_kernel(const int32_t* __restrict__ indptr, const int32_t* __restrict__ indices, int64_t rows, int64_t cols,
                                   uint64_t col_key, double p_col, uint64_t entry_key, double p_entry, bool* __restrict__ mask) {
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < rows;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    for (int32_t k = indptr[i]; k < indptr[i + 1]; ++k) {
      const int64_t c = indices[k];
      mask[k] = rng::keep(col_key, static_cast<uint64_t>(c), p_col) && rng::keep(entry_key, static_cast<uint64_t>(i * cols + c), p_entry);
    }
  }
}

// Neighbour sampling: a thread per frontier node (the draws of one node are a short sequential loop).
__global__ void neighbor_count_kernel(const int32_t* __restrict__ indptr, const int64_t* __restrict__ frontier, int64_t n, int64_t fanout,
                                      int64_t* __restrict__ counts) {
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t v = frontier[i];
    counts[i] = rng::sample_count(indptr[v + 1] - indptr[v], fanout);
  }
}

__global__ void neighbor_fill_kernel(const int32_t* __restrict__ indptr, const int32_t* __restrict__ indices,
                                     const int64_t* __restrict__ frontier, int64_t n, uint64_t hop_key, const int64_t* __restrict__ offsets,
                                     int32_t* __restrict__ src, int64_t* __restrict__ pos) {
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t v = frontier[i];
    const int64_t start = indptr[v], deg = indptr[v + 1] - start;
    int64_t* p = pos + offsets[i];
    const int64_t k = offsets[i + 1] - offsets[i];
    if (k == deg) {
      for (int64_t j = 0; j < deg; ++j) p[j] = j;
    } else {
      rng::floyd_sample(rng::node_key(hop_key, static_cast<uint64_t>(v)), deg, k, p, rng::SeenScan{});
    }
    for (int64_t j = 0; j < k; ++j) {
      p[j] += start;
      src[offsets[i] + j] = indices[p[j]];
    }
  }
}

template <typename T>
cudaError_t spmm_impl(const int32_t* indptr, const int32_t* indices, const T* values, const T* diag, const T* x, int64_t rows, int64_t f,
                      T* out, cudaStream_t stream) {
  if (rows == 0 || f == 0) return cudaGetLastError();
  spmm_kernel<T><<<blocks_for(rows * kWarp), kThreads, 0, stream>>>(indptr, indices, values, diag, x, rows, f, out);
  return cudaGetLastError();
}

template <typename T>
cudaError_t gcn_norm_impl(const int32_t* indptr, const int32_t* indices, const float* weights, int64_t rows, double* inv_deg, T* values,
                          T* diag, cudaStream_t stream) {
  if (rows == 0) return cudaGetLastError();
  inv_degree_kernel<<<blocks_for(rows), kThreads, 0, stream>>>(indptr, weights, rows, 1.0, inv_deg);
  gcn_values_kernel<T><<<blocks_for(rows), kThreads, 0, stream>>>(indptr, indices, weights, inv_deg, rows, values, diag);
  return cudaGetLastError();
}

template <typename T>
cudaError_t mean_norm_impl(const int32_t* indptr, const float* weights, int64_t rows, T* values, cudaStream_t stream) {
  if (rows == 0) return cudaGetLastError();
  mean_values_kernel<T><<<blocks_for(rows), kThreads, 0, stream>>>(indptr, weights, rows, values);
  return cudaGetLastError();
}

}  // namespace

cudaError_t spmm(const int32_t* indptr, const int32_t* indices, const float* values, const float* diag, const float* x, int64_t rows,
                 int64_t f, float* out, cudaStream_t stream) {
  return spmm_impl(indptr, indices, values, diag, x, rows, f, out, stream);
}
cudaError_t spmm(const int32_t* indptr, const int32_t* indices, const double* values, const double* diag, const double* x, int64_t rows,
                 int64_t f, double* out, cudaStream_t stream) {
  return spmm_impl(indptr, indices, values, diag, x, rows, f, out, stream);
}

cudaError_t gcn_norm(const int32_t* indptr, const int32_t* indices, const float* weights, int64_t rows, double* inv_deg, float* values,
                     float* diag, cudaStream_t stream) {
  return gcn_norm_impl(indptr, indices, weights, rows, inv_deg, values, diag, stream);
}
cudaError_t gcn_norm(const int32_t* indptr, const int32_t* indices, const float* weights, int64_t rows, double* inv_deg, double* values,
                     double* diag, cudaStream_t stream) {
  return gcn_norm_impl(indptr, indices, weights, rows, inv_deg, values, diag, stream);
}

cudaError_t mean_norm(const int32_t* indptr, const float* weights, int64_t rows, float* values, cudaStream_t stream) {
  return mean_norm_impl(indptr, weights, rows, values, stream);
}
cudaError_t mean_norm(const int32_t* indptr, const float* weights, int64_t rows, double* values, cudaStream_t stream) {
  return mean_norm_impl(indptr, weights, rows, values, stream);
}

cudaError_t drop_edges_count(const int32_t* indptr, int64_t rows, uint64_t edge_key, double p, int32_t* counts, cudaStream_t stream) {
  if (rows == 0) return cudaGetLastError();
  drop_count_kernel<<<blocks_for(rows), kThreads, 0, stream>>>(indptr, rows, edge_key, p, counts);
  return cudaGetLastError();
}

cudaError_t drop_edges_fill(const int32_t* indptr, const int32_t* indices, const float* weights, int64_t rows, uint64_t edge_key, double p,
                            const int32_t* new_indptr, int32_t* new_indices, float* new_weights, int32_t* kept_pos, cudaStream_t stream) {
  if (rows == 0) return cudaGetLastError();
  drop_fill_kernel<<<blocks_for(rows), kThreads, 0, stream>>>(indptr, indices, weights, rows, edge_key, p, new_indptr, new_indices,
                                                              new_weights, kept_pos);
  return cudaGetLastError();
}

cudaError_t kept_transpose_count(const int32_t* src_indptr, const int32_t* src_rev, const int32_t* kept_pos, int64_t rows, int32_t* counts,
                                 cudaStream_t stream) {
  if (rows == 0) return cudaGetLastError();
  kept_transpose_count_kernel<<<blocks_for(rows), kThreads, 0, stream>>>(src_indptr, src_rev, kept_pos, rows, counts);
  return cudaGetLastError();
}

cudaError_t kept_transpose_fill(const int32_t* src_indptr, const int32_t* src_indices, const int32_t* src_rev, const int32_t* kept_pos,
                                int64_t rows, const int32_t* t_indptr, int32_t* t_indices, int64_t* perm, cudaStream_t stream) {
  if (rows == 0) return cudaGetLastError();
  kept_transpose_fill_kernel<<<blocks_for(rows), kThreads, 0, stream>>>(src_indptr, src_indices, src_rev, kept_pos, rows, t_indptr,
                                                                        t_indices, perm);
  return cudaGetLastError();
}

cudaError_t feature_keep_mask(int64_t mask_rows, int64_t cols, uint64_t col_key, double p_col, uint64_t entry_key, double p_entry,
                              bool* mask, cudaStream_t stream) {
  if (mask_rows * cols == 0) return cudaGetLastError();
  feature_mask_kernel<<<blocks_for(mask_rows * cols), kThreads, 0, stream>>>(mask_rows, cols, col_key, p_col, entry_key, p_entry, mask);
  return cudaGetLastError();
}

cudaError_t sparse_keep_mask(const int32_t* indptr, const int32_t* indices, int64_t rows, int64_t cols, uint64_t col_key, double p_col,
                             uint64_t entry_key, double p_entry, bool* mask, cudaStream_t stream) {
  if (rows == 0) return cudaGetLastError();
  sparse_mask_kernel<<<blocks_for(rows), kThreads, 0, stream>>>(indptr, indices, rows, cols, col_key, p_col, entry_key, p_entry, mask);
  return cudaGetLastError();
}

cudaError_t neighbor_count(const int32_t* indptr, const int64_t* frontier, int64_t n, int64_t fanout, int64_t* counts,
                           cudaStream_t stream) {
  if (n == 0) return cudaGetLastError();
  neighbor_count_kernel<<<blocks_for(n), kThreads, 0, stream>>>(indptr, frontier, n, fanout, counts);
  return cudaGetLastError();
}

cudaError_t neighbor_fill(const int32_t* indptr, const int32_t* indices, const int64_t* frontier, int64_t n, uint64_t hop_key,
                          const int64_t* offsets, int32_t* src, int64_t* pos, cudaStream_t stream) {
  if (n == 0) return cudaGetLastError();
  neighbor_fill_kernel<<<blocks_for(n), kThreads, 0, stream>>>(indptr, indices, frontier, n, hop_key, offsets, src, pos);
  return cudaGetLastError();
}

}  // namespace wn::cuda
