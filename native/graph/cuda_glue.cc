// Torch-facing glue of the CUDA kernels (native/cuda/graph_kernels.cu): allocation through LibTorch's
// caching allocator, the current stream of the tensor's device, scans and sorts with ATen ops.
// Built only against a CUDA LibTorch (WN_WITH_CUDA).
#ifdef WN_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "common/binding.h"
#include "cuda/graph_kernels.h"
#include "graph/sparse.h"

namespace wn::graph::cuda {
namespace {

cudaStream_t stream_of(const at::Tensor& t) { return c10::cuda::getCurrentCUDAStream(t.device().index()).stream(); }

void check(cudaError_t err, const char* what) {
  WN_CHECK(err == cudaSuccess, "ERR_INTERNAL", "CUDA kernel ", what, " failed: ", cudaGetErrorString(err));
}

const float* weights_or_null(const at::Tensor& w) { return w.defined() && w.numel() > 0 ? w.data_ptr<float>() : nullptr; }

/// [0, cumsum(counts)] as int32 (counts int32 [n]).
at::Tensor exclusive_scan(const at::Tensor& counts) {
  at::Tensor indptr = at::zeros({counts.numel() + 1}, counts.options());
  if (counts.numel() > 0) indptr.slice(0, 1).copy_(at::cumsum(counts, 0, at::kInt));
  return indptr;
}

}  // namespace

at::Tensor spmm(const at::Tensor& indptr, const at::Tensor& indices, const at::Tensor& values, const at::Tensor& diag, const at::Tensor& x,
                int64_t rows) {
  c10::cuda::CUDAGuard guard(x.device());
  const int64_t f = x.size(1);
  at::Tensor out = at::empty({rows, f}, x.options());
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "spmm", [&] {
    check(wn::cuda::spmm(indptr.data_ptr<int32_t>(), indices.data_ptr<int32_t>(),
                         values.numel() > 0 ? values.data_ptr<scalar_t>() : nullptr, diag.numel() > 0 ? diag.data_ptr<scalar_t>() : nullptr,
                         x.data_ptr<scalar_t>(), rows, f, out.data_ptr<scalar_t>(), stream_of(x)),
          "spmm");
  });
  return out;
}

Transposed transpose_generic(const SparseObj& s) {
  c10::cuda::CUDAGuard guard(s.device());
  // A stable sort by column keeps each column's rows in increasing order (entries are row-major).
  const at::Tensor col = s.indices.to(at::kLong);
  Transposed t;
  t.perm = std::get<1>(at::sort(col, /*stable=*/true, 0, false));
  const at::Tensor counts = (s.indptr.slice(0, 1) - s.indptr.slice(0, 0, s.rows)).to(at::kLong);
  const at::Tensor row = at::repeat_interleave(at::arange(s.rows, col.options()), counts);
  t.indices = row.index_select(0, t.perm).to(at::kInt);
  t.indptr = exclusive_scan(at::bincount(col, {}, s.cols).to(at::kInt));
  return t;
}

Transposed transpose_kept(const SparseObj& src, const at::Tensor& kept_pos, int64_t kept) {
  c10::cuda::CUDAGuard guard(src.device());
  const cudaStream_t st = stream_of(src.indptr);
  at::Tensor counts = at::empty({src.rows}, src.indptr.options());
  check(wn::cuda::kept_transpose_count(src.indptr.data_ptr<int32_t>(), src.rev.data_ptr<int32_t>(), kept_pos.data_ptr<int32_t>(), src.rows,
                                       counts.data_ptr<int32_t>(), st),
        "kept_transpose_count");
  Transposed t;
  t.indptr = exclusive_scan(counts);
  // The transpose has as many entries as the kept graph: no device read needed to size it.
  t.indices = at::empty({kept}, src.indices.options());
  t.perm = at::empty({kept}, src.indices.options().dtype(at::kLong));
  check(wn::cuda::kept_transpose_fill(src.indptr.data_ptr<int32_t>(), src.indices.data_ptr<int32_t>(), src.rev.data_ptr<int32_t>(),
                                      kept_pos.data_ptr<int32_t>(), src.rows, t.indptr.data_ptr<int32_t>(), t.indices.data_ptr<int32_t>(),
                                      t.perm.data_ptr<int64_t>(), st),
        "kept_transpose_fill");
  return t;
}

Norm gcn_norm(const SparseObj& s, at::ScalarType dtype) {
  c10::cuda::CUDAGuard guard(s.device());
  const auto opts = s.indptr.options().dtype(dtype);
  Norm n;
  n.values = at::empty({s.nnz()}, opts);
  n.diag = at::empty({s.rows}, opts);
  at::Tensor inv_deg = at::empty({s.rows}, opts.dtype(at::kDouble));
  AT_DISPATCH_FLOATING_TYPES(dtype, "gcn_norm", [&] {
    check(wn::cuda::gcn_norm(s.indptr.data_ptr<int32_t>(), s.indices.data_ptr<int32_t>(), weights_or_null(s.values), s.rows,
                             inv_deg.data_ptr<double>(), n.values.data_ptr<scalar_t>(), n.diag.data_ptr<scalar_t>(), stream_of(s.indptr)),
          "gcn_norm");
  });
  return n;
}

Norm mean_norm(const SparseObj& s, at::ScalarType dtype) {
  c10::cuda::CUDAGuard guard(s.device());
  const auto opts = s.indptr.options().dtype(dtype);
  Norm n;
  n.values = at::empty({s.nnz()}, opts);
  n.diag = at::empty({0}, opts);
  AT_DISPATCH_FLOATING_TYPES(dtype, "mean_norm", [&] {
    check(wn::cuda::mean_norm(s.indptr.data_ptr<int32_t>(), weights_or_null(s.values), s.rows, n.values.data_ptr<scalar_t>(),
                              stream_of(s.indptr)),
          "mean_norm");
  });
  return n;
}

Dropped drop_edges(const SparseObj& s, uint64_t edge_key, double p) {
  c10::cuda::CUDAGuard guard(s.device());
  const cudaStream_t st = stream_of(s.indptr);
  at::Tensor counts = at::empty({s.rows}, s.indptr.options());
  check(wn::cuda::drop_edges_count(s.indptr.data_ptr<int32_t>(), s.rows, edge_key, p, counts.data_ptr<int32_t>(), st), "drop_edges_count");
  Dropped d;
  d.indptr = exclusive_scan(counts);
  // The one device -> host read of a view: the kept count sizes the outputs (PyG's dropout_adj
  // syncs the same way through its boolean mask).
  const int64_t kept = d.indptr[s.rows].item<int64_t>();
  d.indices = at::empty({kept}, s.indices.options());
  const bool weighted = s.values.defined();
  if (weighted) d.values = at::empty({kept}, s.values.options());
  d.kept_pos = at::empty({s.nnz()}, s.indices.options());
  check(wn::cuda::drop_edges_fill(s.indptr.data_ptr<int32_t>(), s.indices.data_ptr<int32_t>(), weights_or_null(s.values), s.rows, edge_key,
                                  p, d.indptr.data_ptr<int32_t>(), d.indices.data_ptr<int32_t>(),
                                  weighted ? d.values.data_ptr<float>() : nullptr, d.kept_pos.data_ptr<int32_t>(), st),
        "drop_edges_fill");
  return d;
}

at::Tensor feature_mask(int64_t mask_rows, int64_t cols, uint64_t col_key, double p_col, uint64_t entry_key, double p_entry,
                        c10::Device device) {
  c10::cuda::CUDAGuard guard(device);
  at::Tensor mask = at::empty({mask_rows, cols}, at::TensorOptions().dtype(at::kBool).device(device));
  check(wn::cuda::feature_keep_mask(mask_rows, cols, col_key, p_col, entry_key, p_entry, mask.data_ptr<bool>(), stream_of(mask)),
        "feature_keep_mask");
  return mask;
}

at::Tensor sparse_mask(const SparseObj& s, uint64_t col_key, double p_col, uint64_t entry_key, double p_entry) {
  c10::cuda::CUDAGuard guard(s.device());
  at::Tensor mask = at::empty({s.nnz()}, s.indptr.options().dtype(at::kBool));
  check(wn::cuda::sparse_keep_mask(s.indptr.data_ptr<int32_t>(), s.indices.data_ptr<int32_t>(), s.rows, s.cols, col_key, p_col, entry_key,
                                   p_entry, mask.data_ptr<bool>(), stream_of(mask)),
        "sparse_keep_mask");
  return mask;
}

HopDraws sample_hop(const SparseObj& s, const int64_t* frontier, int64_t n, int64_t fanout, uint64_t hop_key) {
  HopDraws d;
  d.offsets.assign(1, 0);
  if (n == 0) return d;
  c10::cuda::CUDAGuard guard(s.device());
  const cudaStream_t st = stream_of(s.indptr);
  const auto lopts = s.indptr.options().dtype(at::kLong);
  // The frontier goes up, the draws come down: the host relabels them (neighbor_sampler.cc), so both
  // devices share one relabelling; one synchronizing copy per pass.
  const at::Tensor f = at::from_blob(const_cast<int64_t*>(frontier), {n}, at::kLong).to(s.device());
  at::Tensor counts = at::empty({n}, lopts);
  check(wn::cuda::neighbor_count(s.indptr.data_ptr<int32_t>(), f.data_ptr<int64_t>(), n, fanout, counts.data_ptr<int64_t>(), st),
        "neighbor_count");
  at::Tensor offsets = at::zeros({n + 1}, lopts);
  offsets.slice(0, 1).copy_(at::cumsum(counts, 0));
  const at::Tensor host_offsets = offsets.cpu();
  d.offsets.assign(host_offsets.data_ptr<int64_t>(), host_offsets.data_ptr<int64_t>() + n + 1);
  const int64_t total = d.offsets[n];
  at::Tensor src = at::empty({total}, s.indices.options());
  at::Tensor pos = at::empty({total}, lopts);
  check(wn::cuda::neighbor_fill(s.indptr.data_ptr<int32_t>(), s.indices.data_ptr<int32_t>(), f.data_ptr<int64_t>(), n, hop_key,
                                offsets.data_ptr<int64_t>(), src.data_ptr<int32_t>(), pos.data_ptr<int64_t>(), st),
        "neighbor_fill");
  const at::Tensor hs = src.cpu(), hp = pos.cpu();
  d.src.assign(hs.data_ptr<int32_t>(), hs.data_ptr<int32_t>() + total);
  d.pos.assign(hp.data_ptr<int64_t>(), hp.data_ptr<int64_t>() + total);
  return d;
}

}  // namespace wn::graph::cuda
#endif  // WN_WITH_CUDA
