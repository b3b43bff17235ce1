// N-API entry points of the graph pipeline: building graphs and sparse feature matrices from host CSR
// arrays, products with autograd, dense copies, edge lists, and one-call augmented views.
#include <cstring>

#include "common/binding.h"
#include "cuda/counter_rng.h"
#include "graph/sparse.h"
#include "tensor/generator.h"

using namespace wn;
using namespace wn::graph;

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace {

/// A copy of an Int32Array / Float32Array argument as a CPU tensor (undefined when absent).
at::Tensor host_array(const Napi::CallbackInfo& info, size_t i, at::ScalarType st, napi_typedarray_type want, const char* what) {
  if (!arg_present(info, i)) return at::Tensor();
  WN_CHECK(info[i].IsTypedArray() && info[i].As<Napi::TypedArray>().TypedArrayType() == want, "ERR_DATA", "Expected ",
           st == at::kInt ? "an Int32Array" : "a Float32Array", " for ", what);
  Napi::TypedArray ta = info[i].As<Napi::TypedArray>();
  const int64_t n = static_cast<int64_t>(ta.ElementLength());
  at::Tensor t = at::empty({n}, st);
  if (n > 0)
    std::memcpy(t.data_ptr(), static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset(), static_cast<size_t>(n) * t.element_size());
  return t;
}

SparseObj& sparse_at(const Napi::CallbackInfo& info, size_t i) { return *sparse_table().get(arg_int(info, i)); }

Kind kind_arg(const Napi::CallbackInfo& info, size_t i) {
  const int32_t k = arg_int(info, i);
  WN_CHECK(k >= 0 && k <= 2, "ERR_ARGUMENT", "Expected a product kind 0 (raw), 1 (gcn) or 2 (mean) but received ", k);
  return static_cast<Kind>(k);
}

at::ScalarType float_dtype_arg(const Napi::CallbackInfo& info, size_t i, const char* op) {
  const at::ScalarType st = to_scalar_type(arg_int(info, i));
  WN_CHECK(st == at::kFloat || st == at::kDouble, "ERR_DTYPE", op, ": expected float32 or float64 but received ", dtype_name(st));
  return st;
}

double prob_arg(const Napi::CallbackInfo& info, size_t i, const char* name) {
  const double p = arg_num(info, i);
  WN_CHECK(p >= 0 && p <= 1, "ERR_ARGUMENT", "Expected a probability in [0, 1] for ", name, " but received ", p);
  return p;
}

void check_square(const SparseObj& s, const char* op) {
  WN_CHECK(s.rows == s.cols, "ERR_SHAPE", op, ": expected a graph (square adjacency) but received a ", s.rows, " x ", s.cols,
           " sparse matrix");
}

}  // namespace

/// sparseFromCsr(rows, cols, indptr: Int32Array, indices: Int32Array, values: Float32Array | null,
///               device, detectSymmetry) -> id
WN_EXPORT(sparseFromCsr) {
  const int64_t rows = arg_int64(info, 0), cols = arg_int64(info, 1);
  const bool graph = arg_bool(info, 6);
  const char* what = graph ? "graph adjacency" : "sparse features";
  at::Tensor indptr = host_array(info, 2, at::kInt, napi_int32_array, graph ? "graph.indptr" : "features.indptr");
  at::Tensor indices = host_array(info, 3, at::kInt, napi_int32_array, graph ? "graph.indices" : "features.indices");
  WN_CHECK(indptr.defined() && indices.defined(), "ERR_DATA", what, ": expected indptr and indices arrays");
  at::Tensor values = host_array(info, 4, at::kFloat, napi_float32_array, graph ? "graph.weights" : "features.data");
  const c10::Device device = to_device(arg_int(info, 5));
  SparsePtr s = make_sparse(rows, cols, indptr, indices, values, device, what, graph);
  s->features = !graph;
  return Napi::Number::New(info.Env(), sparse_table().put(s));
}

WN_EXPORT(sparseDispose) {
  sparse_table().release(arg_int(info, 0));
  return info.Env().Undefined();
}

/// sparseStats() -> { objects, bytes }: live graph / sparse objects and the bytes of their tensors and caches.
WN_EXPORT(sparseStats) {
  double bytes = 0;
  sparse_table().for_each([&](const SparseObj& s) { bytes += static_cast<double>(s.bytes()); });
  Napi::Object r = Napi::Object::New(info.Env());
  r.Set("objects", static_cast<double>(sparse_table().live()));
  r.Set("bytes", bytes);
  return r;
}

/// sparseInfo(id) -> { rows, cols, nnz, device, symmetric }
WN_EXPORT(sparseInfo) {
  const SparseObj& s = sparse_at(info, 0);
  Napi::Object r = Napi::Object::New(info.Env());
  r.Set("rows", static_cast<double>(s.rows));
  r.Set("cols", static_cast<double>(s.cols));
  r.Set("nnz", static_cast<double>(s.nnz()));
  r.Set("device", from_device(s.device()));
  r.Set("symmetric", s.symmetric);
  return r;
}

/// sparseCsr(id) -> [indptr, indices, values | -1] as int32 / int32 / float32 tensor handles (shared storage).
WN_EXPORT(sparseCsr) {
  const SparseObj& s = sparse_at(info, 0);
  Napi::Array a = Napi::Array::New(info.Env(), 3);
  a.Set(0u, Handles::instance().put(s.indptr));
  a.Set(1u, Handles::instance().put(s.indices));
  a.Set(2u, s.values.defined() ? Handles::instance().put(s.values) : -1);
  return a;
}

/// sparseSelectRows(id, rows) -> [id, nnz]: rows `rows` (1-D int32/int64 tensor, any device) of a sparse matrix, in that
/// order, as a new object on its device (the rows of a neighbour-sampled subgraph's features). Gathered where the
/// CSR lives (row copies on the CPU, tensor ops on CUDA): no host round trip, and nothing to validate again.
WN_EXPORT(sparseSelectRows) {
  const SparseObj& s = sparse_at(info, 0);
  const at::Tensor& r = arg_tensor(info, 1);
  WN_CHECK(r.dim() == 1, "ERR_SHAPE", "SparseFeatures.selectRows: expected a 1-D tensor of row ids but received ", r.dim(), " dimensions");
  WN_CHECK(r.scalar_type() == at::kLong || r.scalar_type() == at::kInt, "ERR_DTYPE",
           "SparseFeatures.selectRows: expected int32 or int64 row ids but received ", dtype_name(r.scalar_type()));
  const auto lopts = at::TensorOptions().dtype(at::kLong).device(s.device());
  const at::Tensor rows = r.to(lopts);
  const int64_t n = rows.numel();
  if (n > 0) {
    const int64_t lo = rows.min().item<int64_t>(), hi = rows.max().item<int64_t>();
    WN_CHECK(lo >= 0 && hi < s.rows, "ERR_INDEX", "SparseFeatures.selectRows: row ", lo < 0 ? lo : hi, " is outside the features' rows 0..",
             s.rows - 1);
  }
  auto o = std::make_shared<SparseObj>();
  o->rows = n;
  o->cols = s.cols;
  if (s.device().is_cpu() && (!s.values.defined() || s.values.scalar_type() == at::kFloat)) {
    // One pass for the row pointers, then a copy of each row's run of entries (parallel over rows).
    const int32_t* ip = s.indptr.data_ptr<int32_t>();
    const int64_t* rp = rows.data_ptr<int64_t>();
    at::Tensor indptr = at::empty({n + 1}, at::kInt);
    int32_t* op = indptr.data_ptr<int32_t>();
    op[0] = 0;
    for (int64_t k = 0; k < n; k++) op[k + 1] = op[k] + (ip[rp[k] + 1] - ip[rp[k]]);
    at::Tensor indices = at::empty({op[n]}, at::kInt);
    at::Tensor values = s.values.defined() ? at::empty({op[n]}, s.values.options()) : at::Tensor();
    const int32_t* si = s.indices.data_ptr<int32_t>();
    int32_t* di = indices.data_ptr<int32_t>();
    const float* sv = values.defined() ? s.values.data_ptr<float>() : nullptr;
    float* dv = values.defined() ? values.data_ptr<float>() : nullptr;
    at::parallel_for(0, n, 256, [&](int64_t b, int64_t e) {
      for (int64_t k = b; k < e; k++) {
        const size_t len = static_cast<size_t>(op[k + 1] - op[k]);
        std::memcpy(di + op[k], si + ip[rp[k]], len * sizeof(int32_t));
        if (dv) std::memcpy(dv + op[k], sv + ip[rp[k]], len * sizeof(float));
      }
    });
    o->indptr = indptr;
    o->indices = indices;
    o->values = values;
  } else {
    const at::Tensor ptr = s.indptr.to(at::kLong);
    const at::Tensor start = ptr.index_select(0, rows);
    const at::Tensor count = ptr.index_select(0, rows + 1) - start;
    at::Tensor indptr = at::zeros({n + 1}, lopts);
    indptr.slice(0, 1).copy_(count.cumsum(0));
    // Entry j of output row k comes from source position start[k] + (j - indptr[k]).
    const at::Tensor row_of = at::repeat_interleave(at::arange(n, lopts), count);
    const at::Tensor pos = start.index_select(0, row_of) - indptr.index_select(0, row_of) + at::arange(row_of.numel(), lopts);
    o->indptr = indptr.to(at::kInt);
    o->indices = s.indices.index_select(0, pos);
    if (s.values.defined()) o->values = s.values.index_select(0, pos);
  }
  o->features = s.features;
  const int64_t nnz = o->nnz();
  Napi::Array a = Napi::Array::New(info.Env(), 2);
  a.Set(0u, Napi::Number::New(info.Env(), sparse_table().put(o)));
  a.Set(1u, static_cast<double>(nnz));
  return a;
}

/// sparseMatmul(id, kind, x) -> A x (kind 0 raw, 1 gcn, 2 mean), differentiable w.r.t. x.
WN_EXPORT(sparseMatmul) {
  SparseObj& s = sparse_at(info, 0);
  const Kind kind = kind_arg(info, 1);
  const char* op = kind == Kind::kGcn ? "gcn" : kind == Kind::kMean ? "mean" : "matmul";
  if (kind != Kind::kRaw) check_square(s, op);
  return out(info, matmul(s, kind, arg_tensor(info, 2), op));
}

/// sparseToDense(id, kind, dtype) -> dense [rows, cols]
WN_EXPORT(sparseToDense) {
  SparseObj& s = sparse_at(info, 0);
  const Kind kind = kind_arg(info, 1);
  if (kind != Kind::kRaw) check_square(s, "toDense");
  return out(info, to_dense(s, kind, float_dtype_arg(info, 2, "toDense")));
}

/// graphEdges(id, selfLoops) -> [src, dst] int64 (src = column, dst = row; self-loops appended).
WN_EXPORT(graphEdges) {
  const SparseObj& s = sparse_at(info, 0);
  check_square(s, "edges");
  const auto lopts = at::TensorOptions().dtype(at::kLong).device(s.device());
  const at::Tensor counts = (s.indptr.slice(0, 1) - s.indptr.slice(0, 0, s.rows)).to(at::kLong);
  at::Tensor dst = at::repeat_interleave(at::arange(s.rows, lopts), counts);
  at::Tensor src = s.indices.to(at::kLong);
  if (arg_bool(info, 1)) {
    const at::Tensor loops = at::arange(s.rows, lopts);
    src = at::cat({src, loops});
    dst = at::cat({dst, loops});
  }
  return out_many(info, {src, dst});
}

/// graphAugment(id, generator, pEdge, featKind, feat, pColumn, pEntry, dtype) -> [graphId, feat, nnz]
///   featKind 0: no features (feat ignored, -1 returned); 1: dense tensor handle; 2: sparse features id.
/// One view: each stored edge dropped with probability pEdge and the kept graph GCN-renormalized (in
/// `dtype`); feature columns zeroed with probability pColumn (one mask for all nodes), entries with
/// probability pEntry. One key drawn from the generator per call.
WN_EXPORT(graphAugment) {
  const SparsePtr src = sparse_table().get(arg_int(info, 0));  // a copy: put() may move the slots
  check_square(*src, "augment");
  at::Generator& gen = generator_arg(arg_int(info, 1));
  const double p_edge = prob_arg(info, 2, "the edge drop rate");
  const int32_t feat_kind = arg_int(info, 3);
  const double p_col = prob_arg(info, 5, "the feature mask rate");
  const double p_entry = prob_arg(info, 6, "the feature dropout rate");
  const at::ScalarType dtype = float_dtype_arg(info, 7, "augment");
  WN_CHECK(feat_kind >= 0 && feat_kind <= 2, "ERR_ARGUMENT", "augment: expected a feature kind 0..2 but received ", feat_kind);

  // Validate the features before drawing, so a failed call leaves the generator where it was.
  at::Tensor x;
  SparsePtr fs;
  if (feat_kind == 1) {
    x = arg_tensor(info, 4);
    WN_CHECK(x.dim() == 2 && x.size(0) == src->rows, "ERR_SHAPE", "augment: expected features of shape [", src->rows, ", F] but received ",
             shape_str(x.sizes()));
    WN_CHECK(x.device() == src->device(), "ERR_DEVICE", "augment: expected features on ", src->device().str(), " but received ",
             x.device().str());
  } else if (feat_kind == 2) {
    fs = sparse_table().get(arg_int(info, 4));
    WN_CHECK(fs->rows == src->rows, "ERR_SHAPE", "augment: expected sparse features with ", src->rows, " rows but received ", fs->rows);
  }

  const uint64_t key = draw_key(gen);
  const uint64_t edge_key = rng::stream_key(key, rng::kEdges);
  const uint64_t col_key = rng::stream_key(key, rng::kFeatureColumns);
  const uint64_t entry_key = rng::stream_key(key, rng::kFeatureEntries);

  SparsePtr view = src;
  if (p_edge > 0) {
    Dropped d = drop_edges(*src, edge_key, p_edge);
    view = std::make_shared<SparseObj>();
    view->rows = view->cols = src->rows;
    view->indptr = d.indptr;
    view->indices = d.indices;
    view->values = d.values;
    if (src->symmetric) {
      // Kept for the transpose: row j of the kept graph's transpose is row j of the source filtered.
      view->derivation = Derivation::kEdgeDrop;
      view->source = src;
      view->kept_pos = d.kept_pos;
    }
    norm(*view, Kind::kGcn, dtype, false);
  }

  int32_t feat_out = -1;
  if (feat_kind == 1) {
    at::Tensor y = x;
    if (p_col > 0 || p_entry > 0) {
      const int64_t mask_rows = p_entry > 0 ? x.size(0) : 1;
      y = x.mul(feature_mask(mask_rows, x.size(1), col_key, p_col, entry_key, p_entry, x.device()));
    }
    feat_out = Handles::instance().put(y);
  } else if (feat_kind == 2) {
    SparsePtr fv = fs;
    if (p_col > 0 || p_entry > 0) {
      const at::Tensor mask = sparse_mask(*fs, col_key, p_col, entry_key, p_entry);
      fv = std::make_shared<SparseObj>();
      fv->rows = fs->rows;
      fv->cols = fs->cols;
      fv->indptr = fs->indptr;
      fv->indices = fs->indices;
      fv->values = (fs->values.defined() ? fs->values : at::ones({fs->nnz()}, fs->indptr.options().dtype(at::kFloat))).mul(mask);
      fv->derivation = Derivation::kSameStructure;
      fv->source = fs->derivation == Derivation::kSameStructure ? fs->source : fs;
      fv->features = fs->features;
      // Products skip the masked entries (30-40% of them with BGRL's feature masks).
      if (fs->features && fs->device().is_cpu()) fv->kept = std::make_unique<Csr>(cpu::keep_entries(*fs, mask));
    }
    feat_out = sparse_table().put(fv);
  }

  Napi::Array r = Napi::Array::New(info.Env(), 3);
  r.Set(0u, sparse_table().put(view));
  r.Set(1u, feat_out);
  r.Set(2u, static_cast<double>(view->nnz()));
  return r;
}
