// Benchmark-only references built from LibTorch's own sparse COO ops (scripts/bench/graph-ops.mjs):
// the same products and the same augmentation done the way a PyTorch user would, in-process so both
// sides run on the same threads. Not part of the public API.
#include "common/binding.h"
#include "graph/sparse.h"
#include "tensor/generator.h"

using namespace wn;
using namespace wn::graph;

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace {

at::Tensor row_of_entries(const SparseObj& s) {
  const at::Tensor counts = (s.indptr.slice(0, 1) - s.indptr.slice(0, 0, s.rows)).to(at::kLong);
  return at::repeat_interleave(at::arange(s.rows, s.indptr.options().dtype(at::kLong)), counts);
}

}  // namespace

/// benchCooMatrix(id, kind, dtype) -> coalesced sparse COO tensor of the product matrix (kind 0 raw,
/// 1 gcn with its diagonal as explicit self-loop entries, 2 mean).
WN_EXPORT(benchCooMatrix) {
  SparseObj& s = *sparse_table().get(arg_int(info, 0));
  const Kind kind = static_cast<Kind>(arg_int(info, 1));
  const at::ScalarType dtype = to_scalar_type(arg_int(info, 2));
  const Norm& n = norm(s, kind, dtype, false);
  at::Tensor row = row_of_entries(s), col = s.indices.to(at::kLong);
  at::Tensor val = n.values.numel() > 0 || s.nnz() == 0 ? n.values : at::ones({s.nnz()}, row.options().dtype(dtype));
  if (n.diag.numel() > 0) {
    const at::Tensor loops = at::arange(s.rows, row.options());
    row = at::cat({row, loops});
    col = at::cat({col, loops});
    val = at::cat({val, n.diag});
  }
  return out(info, at::sparse_coo_tensor(at::stack({row, col}), val, {s.rows, s.cols}).coalesce());
}

/// benchEdgeIndex(id) -> int64 [2, E] (row = destination, column = source), as PyG stores a graph.
WN_EXPORT(benchEdgeIndex) {
  const SparseObj& s = *sparse_table().get(arg_int(info, 0));
  return out(info, at::stack({row_of_entries(s), s.indices.to(at::kLong)}));
}

/// benchCooAugment(edgeIndex, numNodes, generator, p, dtype) -> a fresh GCN-normalized COO adjacency
/// of the graph with each edge dropped with probability p (dropout_adj + gcn_norm with self-loops +
/// coalesce, in LibTorch ops).
WN_EXPORT(benchCooAugment) {
  const at::Tensor& ei = arg_tensor(info, 0);
  const int64_t n = arg_int64(info, 1);
  at::Generator& gen = generator_arg(arg_int(info, 2));
  const double p = arg_num(info, 3);
  const at::ScalarType dtype = to_scalar_type(arg_int(info, 4));
  const auto fopts = at::TensorOptions().dtype(dtype).device(ei.device());
  at::Tensor u = at::rand({ei.size(1)}, gen, fopts.device(at::kCPU)).to(ei.device());
  const at::Tensor kept = ei.index({at::indexing::Slice(), u.ge(p)});
  const at::Tensor loops = at::arange(n, ei.options());
  const at::Tensor row = at::cat({kept[0], loops}), col = at::cat({kept[1], loops});
  const at::Tensor w = at::ones({row.numel()}, fopts);
  const at::Tensor deg = at::zeros({n}, fopts).index_add_(0, row, w);
  const at::Tensor dinv = deg.pow(-0.5);
  const at::Tensor val = dinv.index_select(0, row) * w * dinv.index_select(0, col);
  return out(info, at::sparse_coo_tensor(at::stack({row, col}), val, {n, n}).coalesce());
}
