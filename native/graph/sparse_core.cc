// Sparse objects: construction and validation, device dispatch, the cached transpose and
// normalizations, and SpMM with LibTorch autograd (torch::autograd::Function).
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cmath>

#include "common/binding.h"
#include "graph/sparse.h"

namespace wn::graph {

ObjectTable<SparseObj>& sparse_table() {
  static ObjectTable<SparseObj> t(HandleKind::Sparse);
  return t;
}

namespace {

int64_t nbytes(const at::Tensor& t) { return t.defined() ? static_cast<int64_t>(t.numel()) * t.element_size() : 0; }

[[noreturn]] void no_cuda_kernels() {
  fail("ERR_DEVICE",
       "Expected werank-native's CUDA kernels for a graph on a CUDA device, but this addon was built without them; rebuild "
       "against a CUDA LibTorch with nvcc available (see README: GPU build), or use device 'cpu'");
}

/// Checks host CSR arrays; the first bad position is named so a corrupt file can be found.
void validate(int64_t rows, int64_t cols, const at::Tensor& indptr, const at::Tensor& indices, const at::Tensor& values, const char* what) {
  WN_CHECK(rows >= 0 && cols >= 0, "ERR_DATA", what, ": expected non-negative sizes but received ", rows, " x ", cols);
  WN_CHECK(indptr.numel() == rows + 1, "ERR_DATA", what, ": expected indptr of length rows + 1 = ", rows + 1, " but received ",
           indptr.numel());
  const int32_t* ip = indptr.data_ptr<int32_t>();
  const int64_t nnz = indices.numel();
  WN_CHECK(ip[0] == 0, "ERR_DATA", what, ": expected indptr[0] = 0 but received ", ip[0]);
  for (int64_t i = 0; i < rows; ++i)
    WN_CHECK(ip[i + 1] >= ip[i], "ERR_DATA", what, ": expected a non-decreasing indptr but indptr[", i + 1, "] = ", ip[i + 1], " < indptr[",
             i, "] = ", ip[i]);
  WN_CHECK(ip[rows] == nnz, "ERR_DATA", what, ": expected indptr[rows] = indices.length = ", nnz, " but received ", ip[rows]);
  const int32_t* ix = indices.data_ptr<int32_t>();
  for (int64_t k = 0; k < nnz; ++k)
    WN_CHECK(ix[k] >= 0 && ix[k] < cols, "ERR_DATA", what, ": expected indices in [0, ", cols, ") but indices[", k, "] = ", ix[k]);
  if (values.defined()) {
    WN_CHECK(values.numel() == nnz, "ERR_DATA", what, ": expected ", nnz, " values (one per index) but received ", values.numel());
    const float* v = values.data_ptr<float>();
    for (int64_t k = 0; k < nnz; ++k)
      WN_CHECK(std::isfinite(v[k]), "ERR_DATA", what, ": expected finite values but values[", k, "] = ", v[k]);
  }
}

/// rev[k] = position of the reverse of entry k, when every row is sorted and every entry has a
/// reverse with the same value; an undefined tensor otherwise.
at::Tensor reverse_entries(int64_t rows, const at::Tensor& indptr, const at::Tensor& indices, const at::Tensor& values) {
  const int32_t* ip = indptr.data_ptr<int32_t>();
  const int32_t* ix = indices.data_ptr<int32_t>();
  const float* v = values.defined() ? values.data_ptr<float>() : nullptr;
  for (int64_t i = 0; i < rows; ++i)
    for (int32_t k = ip[i] + 1; k < ip[i + 1]; ++k)
      if (ix[k] <= ix[k - 1]) return at::Tensor();
  at::Tensor rev = at::empty({indices.numel()}, at::kInt);
  int32_t* rv = rev.data_ptr<int32_t>();
  std::atomic<bool> ok{true};
  at::parallel_for(0, rows, 2048, [&](int64_t r0, int64_t r1) {
    for (int64_t i = r0; i < r1 && ok.load(std::memory_order_relaxed); ++i) {
      for (int32_t k = ip[i]; k < ip[i + 1]; ++k) {
        const int32_t j = ix[k];
        const int32_t* lo = ix + ip[j];
        const int32_t* hi = ix + ip[j + 1];
        const int32_t* hit = std::lower_bound(lo, hi, static_cast<int32_t>(i));
        if (hit == hi || *hit != i || (v != nullptr && v[hit - ix] != v[k])) {
          ok.store(false, std::memory_order_relaxed);
          break;
        }
        rv[k] = static_cast<int32_t>(hit - ix);
      }
    }
  });
  return ok.load() ? rev : at::Tensor();
}

at::Tensor to_dev(const at::Tensor& t, c10::Device d) { return t.defined() && t.device() != d ? t.to(d) : t; }

}  // namespace

int64_t SparseObj::bytes() const {
  int64_t b = nbytes(indptr) + nbytes(indices) + nbytes(values) + nbytes(rev) + nbytes(kept_pos);
  if (t) b += nbytes(t->indptr) + nbytes(t->indices) + nbytes(t->perm);
  if (kept) b += nbytes(kept->indptr) + nbytes(kept->indices) + nbytes(kept->values);
  for (const auto& kv : norms) b += nbytes(kv.second.values) + nbytes(kv.second.diag) + nbytes(kv.second.t_values);
  return b;
}

SparsePtr make_sparse(int64_t rows, int64_t cols, at::Tensor indptr, at::Tensor indices, at::Tensor values, c10::Device device,
                      const char* what, bool detect_symmetry) {
  validate(rows, cols, indptr, indices, values, what);
  auto s = std::make_shared<SparseObj>();
  s->rows = rows;
  s->cols = cols;
  if (detect_symmetry && rows == cols) {
    s->rev = reverse_entries(rows, indptr, indices, values);
    s->symmetric = s->rev.defined();
  }
  s->indptr = to_dev(indptr, device);
  s->indices = to_dev(indices, device);
  s->values = to_dev(values, device);
  s->rev = to_dev(s->rev, device);
  return s;
}

// ---- device dispatch ---------------------------------------------------------------------------

#ifdef WN_WITH_CUDA
#define WN_GRAPH_DISPATCH(is_cuda, fn, ...) return (is_cuda) ? cuda::fn(__VA_ARGS__) : cpu::fn(__VA_ARGS__)
#else
#define WN_GRAPH_DISPATCH(is_cuda, fn, ...) \
  do {                                      \
    if (is_cuda) no_cuda_kernels();         \
    return cpu::fn(__VA_ARGS__);            \
  } while (0)
#endif

at::Tensor spmm(const at::Tensor& indptr, const at::Tensor& indices, const at::Tensor& values, const at::Tensor& diag, const at::Tensor& x,
                int64_t rows) {
  const at::Tensor xc = x.contiguous();
  WN_GRAPH_DISPATCH(xc.is_cuda(), spmm, indptr, indices, values, diag, xc, rows);
}

Dropped drop_edges(const SparseObj& s, uint64_t edge_key, double p) { WN_GRAPH_DISPATCH(s.device().is_cuda(), drop_edges, s, edge_key, p); }

at::Tensor feature_mask(int64_t mask_rows, int64_t cols, uint64_t col_key, double p_col, uint64_t entry_key, double p_entry,
                        c10::Device device) {
  WN_GRAPH_DISPATCH(device.is_cuda(), feature_mask, mask_rows, cols, col_key, p_col, entry_key, p_entry, device);
}

at::Tensor sparse_mask(const SparseObj& s, uint64_t col_key, double p_col, uint64_t entry_key, double p_entry) {
  WN_GRAPH_DISPATCH(s.device().is_cuda(), sparse_mask, s, col_key, p_col, entry_key, p_entry);
}

HopDraws sample_hop(const SparseObj& s, const int64_t* frontier, int64_t n, int64_t fanout, uint64_t hop_key) {
  WN_GRAPH_DISPATCH(s.device().is_cuda(), sample_hop, s, frontier, n, fanout, hop_key);
}

namespace {
Transposed transpose_generic(const SparseObj& s) { WN_GRAPH_DISPATCH(s.device().is_cuda(), transpose_generic, s); }
Transposed transpose_kept(const SparseObj& src, const at::Tensor& kp, int64_t kept) {
  WN_GRAPH_DISPATCH(src.device().is_cuda(), transpose_kept, src, kp, kept);
}
Norm gcn_norm(const SparseObj& s, at::ScalarType dt) { WN_GRAPH_DISPATCH(s.device().is_cuda(), gcn_norm, s, dt); }
Norm mean_norm(const SparseObj& s, at::ScalarType dt) { WN_GRAPH_DISPATCH(s.device().is_cuda(), mean_norm, s, dt); }
}  // namespace

// ---- caches ------------------------------------------------------------------------------------

const Transposed& transpose(SparseObj& s) {
  if (s.t) return *s.t;
  if (s.symmetric) {
    // The transpose of a symmetric structure is itself; entry k of A^T is entry rev[k] of A.
    s.t = std::make_unique<Transposed>(Transposed{s.indptr, s.indices, s.rev.to(at::kLong)});
  } else if (s.derivation == Derivation::kSameStructure) {
    s.t = std::make_unique<Transposed>(transpose(*s.source));
  } else if (s.derivation == Derivation::kEdgeDrop && s.source->symmetric) {
    s.t = std::make_unique<Transposed>(transpose_kept(*s.source, s.kept_pos, s.nnz()));
  } else {
    s.t = std::make_unique<Transposed>(transpose_generic(s));
  }
  return *s.t;
}

const Norm& norm(SparseObj& s, Kind kind, at::ScalarType dtype, bool with_transpose) {
  Norm& n = s.norms[{kind, dtype}];
  if (!n.values.defined()) {
    const auto opts = at::TensorOptions().dtype(dtype).device(s.device());
    switch (kind) {
      case Kind::kRaw:
        n.values = s.values.defined() ? s.values.to(dtype) : at::empty({0}, opts);
        n.diag = at::empty({0}, opts);
        break;
      case Kind::kGcn:
        n = gcn_norm(s, dtype);
        break;
      case Kind::kMean:
        n = mean_norm(s, dtype);
        break;
    }
  }
  if (with_transpose && !n.t_values.defined()) {
    if (n.values.numel() == 0 && s.nnz() > 0)
      n.t_values = n.values;  // all ones: nothing to permute
    else if (kind != Kind::kMean && s.symmetric)
      n.t_values = n.values;  // symmetric values
    else
      n.t_values = n.values.index_select(0, transpose(s).perm);
  }
  return n;
}

// ---- SpMM with autograd ----------------------------------------------------------------------------

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

/// y = A x + diag ⊙ x; dL/dx = A^T dL/dy + diag ⊙ dL/dy, computed by the same function on the
/// transposed CSR, so gradients of gradients work too.
struct SpmmFn : public torch::autograd::Function<SpmmFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& indptr, const at::Tensor& indices,
                            const at::Tensor& values, const at::Tensor& diag, const at::Tensor& t_indptr, const at::Tensor& t_indices,
                            const at::Tensor& t_values, int64_t rows) {
    auto& d = ctx->saved_data;
    d["indptr"] = indptr;
    d["indices"] = indices;
    d["values"] = values;
    d["diag"] = diag;
    d["t_indptr"] = t_indptr;
    d["t_indices"] = t_indices;
    d["t_values"] = t_values;
    d["cols"] = x.size(0);
    return spmm(indptr, indices, values, diag, x, rows);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto& d = ctx->saved_data;
    at::Tensor gx;
    if (grads[0].defined())
      gx = SpmmFn::apply(grads[0], d["t_indptr"].toTensor(), d["t_indices"].toTensor(), d["t_values"].toTensor(), d["diag"].toTensor(),
                         d["indptr"].toTensor(), d["indices"].toTensor(), d["values"].toTensor(), d["cols"].toInt());
    return {gx, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

/// Y = S x for CPU features (feature_cpu.cc); dL/dx = S^T dL/dY, in x's own layout (for x = W^T the
/// gradient arrives as W's, without a transposing copy). Backward is not differentiable again (the
/// façade has no create_graph).
struct FeatureMatmulFn : public torch::autograd::Function<FeatureMatmulFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& indptr, const at::Tensor& indices,
                            const at::Tensor& values, int64_t rows) {
    auto& d = ctx->saved_data;
    d["indptr"] = indptr;
    d["indices"] = indices;
    d["values"] = values;
    d["cols"] = x.size(0);
    d["transposed"] = !x.is_contiguous() && x.stride(0) == 1 && x.stride(1) == x.size(0);
    return cpu::feature_matmul(Csr{indptr, indices, values}, rows, x.size(0), x);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto& d = ctx->saved_data;
    at::Tensor gx;
    if (grads[0].defined())
      gx = cpu::feature_matmul_t(Csr{d["indptr"].toTensor(), d["indices"].toTensor(), d["values"].toTensor()}, grads[0].size(0),
                                 d["cols"].toInt(), grads[0], d["transposed"].toBool());
    return {gx, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor matmul(SparseObj& s, Kind kind, const at::Tensor& x, const char* op) {
  WN_CHECK(x.defined(), "ERR_ARGUMENT", op, ": expected a tensor");
  WN_CHECK(x.dim() == 2 && x.size(0) == s.cols, "ERR_SHAPE", op, ": expected x of shape [", s.cols, ", F] but received ",
           shape_str(x.sizes()));
  WN_CHECK(x.scalar_type() == at::kFloat || x.scalar_type() == at::kDouble, "ERR_DTYPE", op,
           ": expected float32 or float64 x but received ", dtype_name(x.scalar_type()));
  WN_CHECK(x.device() == s.device(), "ERR_DEVICE", op, ": expected x on ", s.device().str(), " (where the graph is) but received ",
           x.device().str(), "; move it with x.to(\"", s.device().str(), "\")");
  const bool grad = at::GradMode::is_enabled() && x.requires_grad();
  if (kind == Kind::kRaw && s.features && s.device().is_cpu()) {
    const Csr p = s.product_csr();
    if (!grad) return cpu::feature_matmul(p, s.rows, s.cols, x);
    // No values = all ones, passed as an empty tensor (autograd's apply() needs defined tensors).
    return FeatureMatmulFn::apply(x, p.indptr, p.indices, p.values.defined() ? p.values : at::empty({0}, at::kFloat), s.rows);
  }
  const Norm& n = norm(s, kind, x.scalar_type(), grad);
  if (!grad) return spmm(s.indptr, s.indices, n.values, n.diag, x, s.rows);
  const Transposed& t = (kind == Kind::kGcn && s.symmetric) ? Transposed{s.indptr, s.indices, at::Tensor()} : transpose(s);
  return SpmmFn::apply(x, s.indptr, s.indices, n.values, n.diag, t.indptr, t.indices, n.t_values, s.rows);
}

at::Tensor to_dense(SparseObj& s, Kind kind, at::ScalarType dtype) {
  const Norm& n = norm(s, kind, dtype, false);
  const auto opts = at::TensorOptions().dtype(dtype).device(s.device());
  at::Tensor dense = at::zeros({s.rows, s.cols}, opts);
  const at::Tensor counts = (s.indptr.slice(0, 1) - s.indptr.slice(0, 0, s.rows)).to(at::kLong);
  const at::Tensor row = at::repeat_interleave(at::arange(s.rows, opts.dtype(at::kLong)), counts);
  const at::Tensor vals = n.values.numel() > 0 || s.nnz() == 0 ? n.values : at::ones({s.nnz()}, opts);
  dense.index_put_({row, s.indices.to(at::kLong)}, vals, /*accumulate=*/true);
  if (n.diag.numel() > 0) dense.diagonal().add_(n.diag);
  return dense;
}

}  // namespace wn::graph
