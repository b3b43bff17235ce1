// Reductions over all elements (dims = null) or chosen dims, with keepdim.
#include "tensor/op_macros.h"

using namespace wn;

WN_ERRORS(Shape);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace {

// dims absent -> reduce everything.
bool all_dims(const Napi::CallbackInfo& info, size_t i) { return !arg_present(info, i); }

int64_t one_dim(const at::Tensor& a, const Napi::CallbackInfo& info, size_t i, const char* op) {
  const int64_t d = arg_int64(info, i);
  const int64_t n = std::max<int64_t>(a.dim(), 1);
  WN_CHECK(d >= -n && d < n, "ERR_SHAPE", op, ": expected dim in [", -n, ", ", n - 1, "] but received ", d, " for shape ",
           shape_str(a.sizes()));
  return d;
}

}  // namespace

WN_EXPORT(sum) {
  const at::Tensor& a = arg_tensor(info, 0);
  return out(info, all_dims(info, 1) ? a.sum() : a.sum(check_dims(a, arg_dims(info, 1), "sum"), arg_bool(info, 2)));
}
WN_EXPORT(mean) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(at::isFloatingType(a.scalar_type()), "ERR_DTYPE", "mean: expected a floating-point tensor but received ",
           dtype_name(a.scalar_type()), "; convert with .to('float32')");
  return out(info, all_dims(info, 1) ? a.mean() : a.mean(check_dims(a, arg_dims(info, 1), "mean"), arg_bool(info, 2)));
}
WN_EXPORT(prod) {
  const at::Tensor& a = arg_tensor(info, 0);
  return out(info, all_dims(info, 1) ? a.prod() : a.prod(one_dim(a, info, 1, "prod"), arg_bool(info, 2)));
}
/// var(h, dims|null, unbiased, keepdim)
WN_EXPORT(var) {
  const at::Tensor& a = arg_tensor(info, 0);
  const bool unbiased = arg_bool(info, 2);
  return out(info, all_dims(info, 1) ? a.var(unbiased)
                                     : a.var(at::IntArrayRef(check_dims(a, arg_dims(info, 1), "var")), unbiased, arg_bool(info, 3)));
}
WN_EXPORT(std) {
  const at::Tensor& a = arg_tensor(info, 0);
  const bool unbiased = arg_bool(info, 2);
  return out(info, all_dims(info, 1) ? a.std(unbiased)
                                     : a.std(at::IntArrayRef(check_dims(a, arg_dims(info, 1), "std")), unbiased, arg_bool(info, 3)));
}
WN_EXPORT(max) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.numel() > 0, "ERR_SHAPE", "max: expected a non-empty tensor");
  return out(info, all_dims(info, 1) ? a.max() : std::get<0>(a.max(one_dim(a, info, 1, "max"), arg_bool(info, 2))));
}
WN_EXPORT(min) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.numel() > 0, "ERR_SHAPE", "min: expected a non-empty tensor");
  return out(info, all_dims(info, 1) ? a.min() : std::get<0>(a.min(one_dim(a, info, 1, "min"), arg_bool(info, 2))));
}
WN_EXPORT(argmax) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.numel() > 0, "ERR_SHAPE", "argmax: expected a non-empty tensor");
  return out(info, all_dims(info, 1) ? a.argmax() : a.argmax(one_dim(a, info, 1, "argmax"), arg_bool(info, 2)));
}
WN_EXPORT(argmin) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.numel() > 0, "ERR_SHAPE", "argmin: expected a non-empty tensor");
  return out(info, all_dims(info, 1) ? a.argmin() : a.argmin(one_dim(a, info, 1, "argmin"), arg_bool(info, 2)));
}
WN_EXPORT(logsumexp) {
  const at::Tensor& a = arg_tensor(info, 0);
  std::vector<int64_t> dims;
  if (all_dims(info, 1))
    for (int64_t d = 0; d < a.dim(); ++d) dims.push_back(d);
  else
    dims = check_dims(a, arg_dims(info, 1), "logsumexp");
  return out(info, a.logsumexp(dims, arg_bool(info, 2)));
}
/// norm(h, p, dims|null, keepdim): p is a number, or -1 with dims of length 2 for Frobenius.
WN_EXPORT(norm) {
  const at::Tensor& a = arg_tensor(info, 0);
  const double p = arg_num(info, 1);
  if (all_dims(info, 2)) return out(info, at::linalg_vector_norm(a, p < 0 ? 2.0 : p));
  const auto dims = check_dims(a, arg_dims(info, 2), "norm");
  if (p < 0) return out(info, at::linalg_vector_norm(a, 2.0, dims, arg_bool(info, 3)));  // Frobenius = 2-norm of the entries
  return out(info, at::linalg_vector_norm(a, p, dims, arg_bool(info, 3)));
}
WN_EXPORT(all) { return out(info, arg_tensor(info, 0).all()); }
WN_EXPORT(any) { return out(info, arg_tensor(info, 0).any()); }
WN_EXPORT(cumsum) {
  const at::Tensor& a = arg_tensor(info, 0);
  return out(info, a.cumsum(one_dim(a, info, 1, "cumsum")));
}
/// sort(h, dim, descending) -> [values, indices]
WN_EXPORT(sort) {
  const at::Tensor& a = arg_tensor(info, 0);
  auto r = a.sort(one_dim(a, info, 1, "sort"), arg_bool(info, 2));
  return out_many(info, {std::get<0>(r), std::get<1>(r)});
}
/// topk(h, k, dim, largest) -> [values, indices]
WN_EXPORT(topk) {
  const at::Tensor& a = arg_tensor(info, 0);
  const int64_t k = arg_int64(info, 1);
  const int64_t d = one_dim(a, info, 2, "topk");
  WN_CHECK(k >= 0 && k <= (a.dim() ? a.size(d) : 1), "ERR_ARGUMENT", "topk: expected k in [0, ", a.dim() ? a.size(d) : 1, "] but received ",
           k);
  auto r = a.topk(k, d, arg_bool(info, 3));
  return out_many(info, {std::get<0>(r), std::get<1>(r)});
}
