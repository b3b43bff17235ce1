// CUDA kernels of the graph pipeline (native/graph): SpMM over CSR, GCN / mean normalization, edge
// dropping with the transposed kept graph, feature masks, neighbour sampling. Plain CUDA C++ on raw
// pointers and a stream, no LibTorch headers, so scripts/check-cuda.sh compiles them without a GPU;
// the torch-facing glue is native/graph/cuda_glue.cc (built only with WN_WITH_CUDA).
//
// Conventions: CSR with int32 indptr [rows + 1] and indices [nnz]; row = destination, column = source;
// dense matrices are row-major and contiguous; a null `values` means all ones, a null `diag` means no
// diagonal term. Every function launches asynchronously on `stream` and returns cudaGetLastError().
#pragma once
#include <cuda_runtime_api.h>

#include <cstdint>

namespace wn::cuda {

/// out[i, :] = diag[i] * x[i, :] + sum_k values[k] * x[indices[k], :] over row i; x [cols, f], out [rows, f].
cudaError_t spmm(const int32_t* indptr, const int32_t* indices, const float* values, const float* diag, const float* x, int64_t rows,
                 int64_t f, float* out, cudaStream_t stream);
cudaError_t spmm(const int32_t* indptr, const int32_t* indices, const double* values, const double* diag, const double* x, int64_t rows,
                 int64_t f, double* out, cudaStream_t stream);

/// GCN normalization of A + I: deg[i] = 1 + sum of row i's weights; values[k] = w[k] / sqrt(deg[i] deg[j]),
/// diag[i] = 1 / deg[i]. `weights` may be null (all ones); `inv_deg` is a workspace of `rows` doubles.
cudaError_t gcn_norm(const int32_t* indptr, const int32_t* indices, const float* weights, int64_t rows, double* inv_deg, float* values,
                     float* diag, cudaStream_t stream);
cudaError_t gcn_norm(const int32_t* indptr, const int32_t* indices, const float* weights, int64_t rows, double* inv_deg, double* values,
                     double* diag, cudaStream_t stream);

/// Row normalization D^-1 A: values[k] = w[k] / sum of row i's weights.
cudaError_t mean_norm(const int32_t* indptr, const float* weights, int64_t rows, float* values, cudaStream_t stream);
cudaError_t mean_norm(const int32_t* indptr, const float* weights, int64_t rows, double* values, cudaStream_t stream);

/// Edge dropping, pass 1: counts[i] = number of kept edges of row i (edge k kept when
/// rng::keep(edge_key, k, p)).
cudaError_t drop_edges_count(const int32_t* indptr, int64_t rows, uint64_t edge_key, double p, int32_t* counts, cudaStream_t stream);
/// Pass 2 (after new_indptr = exclusive scan of counts): writes the kept edges in order and
/// kept_pos[k] = the position of edge k in the kept graph, or -1 when dropped. `weights` /
/// `new_weights` may be null.
cudaError_t drop_edges_fill(const int32_t* indptr, const int32_t* indices, const float* weights, int64_t rows, uint64_t edge_key, double p,
                            const int32_t* new_indptr, int32_t* new_indices, float* new_weights, int32_t* kept_pos, cudaStream_t stream);

/// Transpose of a kept graph whose source graph is symmetric (rev[k] = position of the reverse of
/// edge k): row j of the transpose lists the source row-j entries whose reverse edge was kept.
/// Pass 1 counts per row, pass 2 (after the scan) fills indices and perm (transposed position ->
/// position in the kept graph).
cudaError_t kept_transpose_count(const int32_t* src_indptr, const int32_t* src_rev, const int32_t* kept_pos, int64_t rows, int32_t* counts,
                                 cudaStream_t stream);
cudaError_t kept_transpose_fill(const int32_t* src_indptr, const int32_t* src_indices, const int32_t* src_rev, const int32_t* kept_pos,
                                int64_t rows, const int32_t* t_indptr, int32_t* t_indices, int64_t* perm, cudaStream_t stream);

/// Dense feature mask [mask_rows, cols]: column f kept with rng::keep(col_key, f, p_col), entry (i, f)
/// kept with rng::keep(entry_key, i * cols + f, p_entry). mask_rows is 1 (column mask only) or rows.
cudaError_t feature_keep_mask(int64_t mask_rows, int64_t cols, uint64_t col_key, double p_col, uint64_t entry_key, double p_entry,
                              bool* mask, cudaStream_t stream);
/// The same decisions for the stored entries of a CSR feature matrix: mask [nnz].
cudaError_t sparse_keep_mask(const int32_t* indptr, const int32_t* indices, int64_t rows, int64_t cols, uint64_t col_key, double p_col,
                             uint64_t entry_key, double p_entry, bool* mask, cudaStream_t stream);

/// Neighbour sampling, one hop (the host drives the hops and relabels: native/graph/neighbor_sampler.cc).
/// Pass 1: counts[i] = rng::sample_count(degree of frontier[i], fanout) (cuda/neighbor_draw.h).
cudaError_t neighbor_count(const int32_t* indptr, const int64_t* frontier, int64_t n, int64_t fanout, int64_t* counts, cudaStream_t stream);
/// Pass 2 (offsets = [0, cumsum(counts)]): the neighbours of frontier[i] at slots [offsets[i], offsets[i + 1]),
/// all of them in CSR order or Floyd's draws keyed by rng::node_key(hop_key, frontier[i]), exactly as
/// the CPU draws them: src = their global ids, pos = their positions in the CSR.
cudaError_t neighbor_fill(const int32_t* indptr, const int32_t* indices, const int64_t* frontier, int64_t n, uint64_t hop_key,
                          const int64_t* offsets, int32_t* src, int64_t* pos, cudaStream_t stream);

}  // namespace wn::cuda
