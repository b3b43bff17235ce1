// Shape ops: views, slicing, indexing, scatter/gather, concatenation.
#include "tensor/op_macros.h"

using namespace wn;

WN_ERRORS(Shape);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace {

void check_index(const at::Tensor& idx, const char* op) {
  WN_CHECK(idx.scalar_type() == at::kLong || idx.scalar_type() == at::kInt, "ERR_DTYPE", op,
           ": expected an int64 or int32 index tensor but received ", dtype_name(idx.scalar_type()));
}

// Index values must lie in [0, size): LibTorch checks this too, but its message names no op.
void check_range(const at::Tensor& idx, int64_t size, const char* op) {
  if (idx.numel() == 0) return;
  const int64_t lo = idx.min().item<int64_t>(), hi = idx.max().item<int64_t>();
  WN_CHECK(lo >= 0 && hi < size, "ERR_INDEX", op, ": expected indices in [0, ", size, ") but received values in [", lo, ", ", hi, "]");
}

}  // namespace

WN_EXPORT(reshape) {
  const at::Tensor& a = arg_tensor(info, 0);
  const auto s = arg_dims(info, 1);
  // LibTorch 1.13 raises a std::runtime_error (not c10::Error) for a size mismatch.
  try {
    return out(info, a.reshape(s));
  } catch (const std::exception&) {
    fail("ERR_SHAPE", "reshape: expected a shape with ", a.numel(), " elements (as ", shape_str(a.sizes()), ") but received ",
         shape_str(s));
  }
}
WN_EXPORT(view) {
  const at::Tensor& a = arg_tensor(info, 0);
  const auto s = arg_dims(info, 1);
  try {
    return out(info, a.view(s));
  } catch (const std::exception& e) {
    fail("ERR_SHAPE", "view: cannot view ", shape_str(a.sizes()), " as ", shape_str(s), " (", user_message(e),
         "); use reshape(), or contiguous() first");
  }
}
WN_EXPORT(transpose) {
  const at::Tensor& a = arg_tensor(info, 0);
  return out(info, a.transpose(check_dim(a, arg_int64(info, 1), "transpose"), check_dim(a, arg_int64(info, 2), "transpose")));
}
WN_EXPORT(t) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.dim() <= 2, "ERR_SHAPE", "t: expected a tensor with at most 2 dims but received shape ", shape_str(a.sizes()));
  return out(info, a.t());
}
WN_EXPORT(permute) {
  const at::Tensor& a = arg_tensor(info, 0);
  const auto p = arg_dims(info, 1);
  WN_CHECK(static_cast<int64_t>(p.size()) == a.dim(), "ERR_SHAPE", "permute: expected ", a.dim(), " dims but received ", shape_str(p));
  return out(info, a.permute(check_dims(a, p, "permute")));
}
WN_EXPORT(narrow) {
  const at::Tensor& a = arg_tensor(info, 0);
  const int64_t d = check_dim(a, arg_int64(info, 1), "narrow");
  const int64_t start = arg_int64(info, 2), len = arg_int64(info, 3);
  const int64_t size = a.size(d);
  WN_CHECK(start >= -size && len >= 0 && (start < 0 ? start + size : start) + len <= size, "ERR_INDEX",
           "narrow: expected start + length <= ", size, " along dim ", d, " but received start=", start, " length=", len);
  return out(info, a.narrow(d, start, len));
}
/// slice(h, dim, start, end, step): python-style bounds (clamped), negative counts from the end.
WN_EXPORT(slice) {
  const at::Tensor& a = arg_tensor(info, 0);
  const int64_t d = check_dim(a, arg_int64(info, 1), "slice");
  const int64_t step = arg_present(info, 4) ? arg_int64(info, 4) : 1;
  WN_CHECK(step > 0, "ERR_ARGUMENT", "slice: expected a positive step but received ", step);
  c10::optional<int64_t> start, end;
  if (arg_present(info, 2)) start = arg_int64(info, 2);
  if (arg_present(info, 3)) end = arg_int64(info, 3);
  return out(info, a.slice(d, start, end, step));
}
WN_EXPORT(select) {
  const at::Tensor& a = arg_tensor(info, 0);
  const int64_t d = check_dim(a, arg_int64(info, 1), "select");
  const int64_t i = arg_int64(info, 2);
  WN_CHECK(i >= -a.size(d) && i < a.size(d), "ERR_INDEX", "select: expected an index in [", -a.size(d), ", ", a.size(d) - 1,
           "] but received ", i);
  return out(info, a.select(d, i));
}
WN_EXPORT(indexSelect) {
  const at::Tensor& a = arg_tensor(info, 0);
  const int64_t d = check_dim(a, arg_int64(info, 1), "indexSelect");
  const at::Tensor& idx = arg_tensor(info, 2);
  check_index(idx, "indexSelect");
  WN_CHECK(idx.dim() <= 1, "ERR_SHAPE", "indexSelect: expected a 1-d index but received shape ", shape_str(idx.sizes()));
  check_range(idx, a.size(d), "indexSelect");
  return out(info, a.index_select(d, idx));
}
WN_EXPORT(gather) {
  const at::Tensor& a = arg_tensor(info, 0);
  const int64_t d = check_dim(a, arg_int64(info, 1), "gather");
  const at::Tensor& idx = arg_tensor(info, 2);
  WN_CHECK(idx.scalar_type() == at::kLong, "ERR_DTYPE", "gather: expected an int64 index but received ", dtype_name(idx.scalar_type()));
  WN_CHECK(idx.dim() == a.dim(), "ERR_SHAPE", "gather: expected an index with ", a.dim(), " dims but received shape ",
           shape_str(idx.sizes()));
  check_range(idx, a.size(d), "gather");
  return out(info, a.gather(d, idx));
}
/// scatterAdd(h, dim, index, src): out = h.clone(); out[index[i][j]][j] += src[i][j] (dim 0).
WN_EXPORT(scatterAdd) {
  const at::Tensor& a = arg_tensor(info, 0);
  const int64_t d = check_dim(a, arg_int64(info, 1), "scatterAdd");
  const at::Tensor& idx = arg_tensor(info, 2);
  const at::Tensor& src = arg_tensor(info, 3);
  WN_CHECK(idx.scalar_type() == at::kLong, "ERR_DTYPE", "scatterAdd: expected an int64 index but received ", dtype_name(idx.scalar_type()));
  WN_CHECK(idx.dim() == a.dim() && src.dim() == a.dim(), "ERR_SHAPE", "scatterAdd: expected index and src with ", a.dim(),
           " dims but received ", shape_str(idx.sizes()), " and ", shape_str(src.sizes()));
  check_range(idx, a.size(d), "scatterAdd");
  return out(info, a.scatter_add(d, idx, src));
}
/// indexAdd(h, dim, index, src, alpha): out = h.clone(); out.select(dim, index[i]) += alpha * src.select(dim, i).
WN_EXPORT(indexAdd) {
  const at::Tensor& a = arg_tensor(info, 0);
  const int64_t d = check_dim(a, arg_int64(info, 1), "indexAdd");
  const at::Tensor& idx = arg_tensor(info, 2);
  const at::Tensor& src = arg_tensor(info, 3);
  const double alpha = arg_present(info, 4) ? arg_num(info, 4) : 1.0;
  check_index(idx, "indexAdd");
  WN_CHECK(idx.dim() == 1, "ERR_SHAPE", "indexAdd: expected a 1-d index but received shape ", shape_str(idx.sizes()));
  WN_CHECK(src.dim() == a.dim() && src.size(d) == idx.size(0), "ERR_SHAPE", "indexAdd: expected src of shape like ", shape_str(a.sizes()),
           " with ", idx.size(0), " entries along dim ", d, " but received ", shape_str(src.sizes()));
  check_range(idx, a.size(d), "indexAdd");
  return out(info, a.index_add(d, idx, src, alpha));
}
WN_EXPORT(cat) {
  auto ts = arg_tensors(info, 0);
  WN_CHECK(!ts.empty(), "ERR_ARGUMENT", "cat: expected at least one tensor");
  const int64_t d = check_dim(ts[0], arg_int64(info, 1), "cat");
  for (size_t i = 1; i < ts.size(); ++i) {
    bool ok = ts[i].dim() == ts[0].dim();
    for (int64_t k = 0; ok && k < ts[0].dim(); ++k) ok = k == d || ts[i].size(k) == ts[0].size(k);
    WN_CHECK(ok, "ERR_SHAPE", "cat: expected shapes equal except along dim ", d, " but received ", shape_str(ts[0].sizes()), " and ",
             shape_str(ts[i].sizes()), " (tensor ", i, ")");
  }
  return out(info, at::cat(ts, d));
}
WN_EXPORT(stack) {
  auto ts = arg_tensors(info, 0);
  WN_CHECK(!ts.empty(), "ERR_ARGUMENT", "stack: expected at least one tensor");
  const int64_t d = check_dim(ts[0], arg_int64(info, 1), "stack", 1);
  for (size_t i = 1; i < ts.size(); ++i)
    WN_CHECK(ts[i].sizes() == ts[0].sizes(), "ERR_SHAPE", "stack: expected equal shapes but received ", shape_str(ts[0].sizes()), " and ",
             shape_str(ts[i].sizes()), " (tensor ", i, ")");
  return out(info, at::stack(ts, d));
}
WN_EXPORT(unsqueeze) {
  const at::Tensor& a = arg_tensor(info, 0);
  return out(info, a.unsqueeze(check_dim(a, arg_int64(info, 1), "unsqueeze", 1)));
}
WN_EXPORT(squeeze) {
  const at::Tensor& a = arg_tensor(info, 0);
  if (!arg_present(info, 1)) return out(info, a.squeeze());
  return out(info, a.squeeze(check_dim(a, arg_int64(info, 1), "squeeze")));
}
WN_EXPORT(expand) {
  const at::Tensor& a = arg_tensor(info, 0);
  const auto s = arg_dims(info, 1);
  try {
    return out(info, a.expand(s));
  } catch (const c10::Error&) {
    fail("ERR_SHAPE", "expand: cannot expand ", shape_str(a.sizes()), " to ", shape_str(s), " (only size-1 dims expand; -1 keeps a size)");
  }
}
WN_EXPORT(flatten) {
  const at::Tensor& a = arg_tensor(info, 0);
  return out(info, a.flatten(check_dim(a, arg_int64(info, 1), "flatten"), check_dim(a, arg_int64(info, 2), "flatten")));
}
WN_EXPORT(repeat) {
  const at::Tensor& a = arg_tensor(info, 0);
  const auto reps = arg_dims(info, 1);
  WN_CHECK(static_cast<int64_t>(reps.size()) >= a.dim(), "ERR_SHAPE", "repeat: expected at least ", a.dim(), " repeat counts for shape ",
           shape_str(a.sizes()), " but received ", shape_str(reps));
  for (int64_t r : reps) WN_CHECK(r >= 0, "ERR_ARGUMENT", "repeat: expected non-negative repeat counts but received ", shape_str(reps));
  return out(info, a.repeat(reps));
}
WN_EXPORT(flip) {
  const at::Tensor& a = arg_tensor(info, 0);
  return out(info, a.flip(check_dims(a, arg_dims(info, 1), "flip")));
}
/// chunk(h, chunks, dim) -> handles
WN_EXPORT(chunk) {
  const at::Tensor& a = arg_tensor(info, 0);
  const int64_t chunks = arg_int64(info, 1);
  WN_CHECK(chunks > 0, "ERR_ARGUMENT", "chunk: expected chunks > 0 but received ", chunks);
  return out_many(info, a.chunk(chunks, check_dim(a, arg_int64(info, 2), "chunk")));
}
WN_EXPORT(maskedSelect) {
  const at::Tensor& a = arg_tensor(info, 0);
  const at::Tensor& m = arg_tensor(info, 1);
  WN_CHECK(m.scalar_type() == at::kBool, "ERR_DTYPE", "maskedSelect: expected a bool mask but received ", dtype_name(m.scalar_type()));
  try {
    return out(info, a.masked_select(m));
  } catch (const c10::Error& e) {
    rethrow_binary("maskedSelect", a, m, e);
  }
}
WN_EXPORT(nonzero) { return out(info, arg_tensor(info, 0).nonzero()); }
