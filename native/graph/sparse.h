// Sparse matrices of the graph pipeline: a graph's adjacency (N x N) or node features (N x F), as
// CSR on the CPU or a CUDA device, with caches (normalizations, transpose) that live and die with the
// object. JS holds an integer id into an ObjectTable (src/graph/DeviceGraph.ts, SparseFeatures.ts).
//
// Layout: int32 indptr [rows + 1] and indices [nnz] (row = destination node, column = source node),
// optional float32 values [nnz] (edge weights or feature values; undefined = all ones).
#pragma once
#include <torch/torch.h>

#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "common/object_table.h"

namespace wn::graph {

/// Structure of A^T: row r lists the rows of A that have an entry in column r; perm maps each
/// transposed position to the position of the same entry in A (int64, for index_select).
struct Transposed {
  at::Tensor indptr, indices, perm;
};

/// Kinds of values a product can use.
enum class Kind : int32_t {
  kRaw = 0,   ///< the stored values (ones when none): features, or the plain adjacency A
  kGcn = 1,   ///< D^-1/2 (A + I) D^-1/2, D = row sums of A + I (diagonal kept apart in `diag`)
  kMean = 2,  ///< D^-1 A, D = row sums of A (empty rows stay 0)
};

/// Values of one kind in one dtype, aligned with the CSR; `t_values` aligned with the transpose.
struct Norm {
  at::Tensor values, diag, t_values;
};

/// A plain CSR (values undefined = all ones).
struct Csr {
  at::Tensor indptr, indices, values;
};

/// How an object was derived from another; lets it reuse the source's cached structure.
enum class Derivation { kNone, kSameStructure, kEdgeDrop };

struct SparseObj {
  int64_t rows = 0, cols = 0;
  at::Tensor indptr, indices, values;
  /// Structure and values symmetric; then `rev[k]` is the position of the reverse of entry k.
  bool symmetric = false;
  at::Tensor rev;
  /// Lazily computed transpose structure.
  std::unique_ptr<Transposed> t;
  std::map<std::pair<Kind, at::ScalarType>, Norm> norms;
  /// Derived objects (augmented views) keep their source alive for its cached structure.
  Derivation derivation = Derivation::kNone;
  std::shared_ptr<SparseObj> source;
  at::Tensor kept_pos;  ///< kEdgeDrop: int32 [source nnz], position in this object or -1
  /// Node features (not a graph): on the CPU their products X W use the feature kernels
  /// (feature_cpu.cc), whose backward needs no transpose.
  bool features = false;
  /// Masked feature views on the CPU: only the entries that survived the mask (what products read;
  /// the masked ones are stored as zeros above, for csr() and toDense()).
  std::unique_ptr<Csr> kept;

  int64_t nnz() const { return indices.numel(); }
  /// The entries products need: `kept` when there is one, else the stored CSR.
  Csr product_csr() const { return kept ? *kept : Csr{indptr, indices, values}; }
  at::Device device() const { return indptr.device(); }
  /// Bytes held by this object's own tensors and caches (the source is counted separately).
  int64_t bytes() const;
};

using SparsePtr = std::shared_ptr<SparseObj>;

ObjectTable<SparseObj>& sparse_table();

/// Builds an object from host CSR arrays; validates them (ERR_DATA naming `what`), detects symmetry
/// (square, sorted rows, every entry's reverse present with the same value), moves to `device`.
SparsePtr make_sparse(int64_t rows, int64_t cols, at::Tensor indptr, at::Tensor indices, at::Tensor values, c10::Device device,
                      const char* what, bool detect_symmetry);

/// The transpose structure (computed once).
const Transposed& transpose(SparseObj& s);
/// Values of `kind` in `dtype` (computed once); with `with_transpose` also `t_values`.
const Norm& norm(SparseObj& s, Kind kind, at::ScalarType dtype, bool with_transpose);

/// A @ x with autograd w.r.t. x (backward through the cached transpose). x: [cols, F] -> [rows, F].
at::Tensor matmul(SparseObj& s, Kind kind, const at::Tensor& x, const char* op);
/// Dense [rows, cols] matrix of `kind` (diagonal included for kGcn).
at::Tensor to_dense(SparseObj& s, Kind kind, at::ScalarType dtype);

// ---- kernels (CPU here, CUDA in cuda_glue.cc) ------------------------------------------------------

/// out = diag ⊙ x + A x for CSR (indptr, indices, values) with `rows` rows; `values` / `diag` may be
/// undefined (ones / none).
at::Tensor spmm(const at::Tensor& indptr, const at::Tensor& indices, const at::Tensor& values, const at::Tensor& diag, const at::Tensor& x,
                int64_t rows);

/// Result of dropping edges: the kept CSR and, per source entry, its kept position or -1.
struct Dropped {
  at::Tensor indptr, indices, values, kept_pos;
};
Dropped drop_edges(const SparseObj& s, uint64_t edge_key, double p);

/// Dense feature mask [mask_rows, cols] (bool): column c kept with probability 1 - p_col, entry
/// (i, c) with 1 - p_entry (cuda/counter_rng.h decides).
at::Tensor feature_mask(int64_t mask_rows, int64_t cols, uint64_t col_key, double p_col, uint64_t entry_key, double p_entry,
                        c10::Device device);
/// The same decisions for the stored entries of a CSR feature matrix: bool [nnz].
at::Tensor sparse_mask(const SparseObj& s, uint64_t col_key, double p_col, uint64_t entry_key, double p_entry);

/// One hop of neighbour sampling (native/graph/neighbor_sampler.cc) for frontier nodes f_0..f_{n-1}
/// (global ids): node f_i gets rng::sample_count(deg, fanout) neighbours (cuda/neighbor_draw.h),
/// drawn without replacement, at slots [offsets[i], offsets[i + 1]) of `src` (their global ids) and
/// `pos` (their positions in the CSR). Host arrays whatever the graph's device.
struct HopDraws {
  std::vector<int64_t> offsets, pos;
  std::vector<int32_t> src;
};

HopDraws sample_hop(const SparseObj& s, const int64_t* frontier, int64_t n, int64_t fanout, uint64_t hop_key);

// Each backend implements the same set (csr_cpu.cc, neighbor_sampler.cc; cuda_glue.cc over native/cuda/*.cu).
#define WN_GRAPH_BACKEND_API                                                                                                   \
  at::Tensor spmm(const at::Tensor& indptr, const at::Tensor& indices, const at::Tensor& values, const at::Tensor& diag,       \
                  const at::Tensor& x, int64_t rows);                                                                          \
  Transposed transpose_generic(const SparseObj& s);                                                                            \
  Transposed transpose_kept(const SparseObj& src, const at::Tensor& kept_pos, int64_t kept);                                   \
  Norm gcn_norm(const SparseObj& s, at::ScalarType dtype);                                                                     \
  Norm mean_norm(const SparseObj& s, at::ScalarType dtype);                                                                    \
  Dropped drop_edges(const SparseObj& s, uint64_t edge_key, double p);                                                         \
  at::Tensor feature_mask(int64_t mask_rows, int64_t cols, uint64_t col_key, double p_col, uint64_t entry_key, double p_entry, \
                          c10::Device device);                                                                                 \
  at::Tensor sparse_mask(const SparseObj& s, uint64_t col_key, double p_col, uint64_t entry_key, double p_entry);              \
  HopDraws sample_hop(const SparseObj& s, const int64_t* frontier, int64_t n, int64_t fanout, uint64_t hop_key);

namespace cpu {
WN_GRAPH_BACKEND_API

// Feature products (CPU only; feature_cpu.cc). S is a CSR [rows, cols] with float32 values (undefined
// or empty: all ones); x is dense [cols, F], float32 or float64, contiguous or the transpose of a
// contiguous [F, cols] (a Linear weight W^T), which the kernels read without a copy of their own.
/// S x -> [rows, F] contiguous.
at::Tensor feature_matmul(const Csr& s, int64_t rows, int64_t cols, const at::Tensor& x);
/// S^T g for g [rows, F] -> [cols, F], laid out as `transposed` asks (the transpose of a contiguous
/// [F, cols] when true), so a gradient w.r.t. W^T arrives in W's own layout.
at::Tensor feature_matmul_t(const Csr& s, int64_t rows, int64_t cols, const at::Tensor& g, bool transposed);
/// The entries of `s` where mask (bool [nnz]) holds, with their stored values.
Csr keep_entries(const SparseObj& s, const at::Tensor& mask);
}  // namespace cpu
#ifdef WN_WITH_CUDA
namespace cuda {
WN_GRAPH_BACKEND_API
}  // namespace cuda
#endif

}  // namespace wn::graph
