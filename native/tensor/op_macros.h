// Compact definitions for the many one-line op bindings. Shape and dtype errors of binary ops are
// re-thrown with both operand shapes and dtypes, so users see "expected ... but received ...".
#pragma once
#include "common/binding.h"

namespace wn {

/// How the operands of a binary op must fit: broadcast together, `b` into `a` (in-place), or as factors
/// of a product (shapes pre-checked by the binding).
enum class Fit { Broadcast, Into, Product };
/// Re-throws a LibTorch error of a binary op with the code its type and the operands explain.
[[noreturn]] void rethrow_binary(const char* op, const at::Tensor& a, const at::Tensor& b, const c10::Error& e, Fit fit = Fit::Broadcast);

/// A dim in [-n, n) with n = max(ndim + extra, 1), normalized to [0, n); ERR_SHAPE naming the op otherwise.
inline int64_t check_dim(const at::Tensor& a, int64_t d, const char* op, int64_t extra = 0) {
  const int64_t n = std::max<int64_t>(a.dim() + extra, 1);
  WN_CHECK(d >= -n && d < n, "ERR_SHAPE", op, ": expected dim in [", -n, ", ", n - 1, "] but received ", d, " for shape ",
           shape_str(a.sizes()));
  return d < 0 ? d + n : d;
}
/// Several dims (reductions, flip): each checked; returned as given.
inline const std::vector<int64_t>& check_dims(const at::Tensor& a, const std::vector<int64_t>& dims, const char* op) {
  for (int64_t d : dims) check_dim(a, d, op);
  return dims;
}
/// Ops with kernels for floating dtypes only: LibTorch 1.13 reports a missing kernel as an untyped
/// c10::Error (2.x as NotImplementedError), so the binding checks the dtype itself.
inline void check_floating(const at::Tensor& a, const char* op) {
  WN_CHECK(at::isFloatingType(a.scalar_type()), "ERR_DTYPE", op, ": expected a floating-point tensor but received ",
           dtype_name(a.scalar_type()));
}
/// In-place ops on a parameter must not be recorded by autograd (LibTorch refuses them).
inline void check_inplace(const at::Tensor& t, const char* op) {
  WN_CHECK(!(t.requires_grad() && t.is_leaf() && at::GradMode::is_enabled()), "ERR_AUTOGRAD", op,
           ": expected no gradient recording for an in-place update of a leaf tensor that requires grad (a parameter) but "
           "gradient recording is on; wrap the update in noGrad(() => ...)");
}

}  // namespace wn

#define WN_UNARY(name, expr)                   \
  WN_EXPORT(name) {                            \
    const at::Tensor& a = arg_tensor(info, 0); \
    return out(info, expr);                    \
  }

#define WN_BINARY(name, expr)                  \
  WN_EXPORT(name) {                            \
    const at::Tensor& a = arg_tensor(info, 0); \
    const at::Tensor& b = arg_tensor(info, 1); \
    try {                                      \
      return out(info, expr);                  \
    } catch (const c10::Error& e) {            \
      rethrow_binary(#name, a, b, e);          \
    }                                          \
  }

#define WN_SCALAR(name, expr)                  \
  WN_EXPORT(name) {                            \
    const at::Tensor& a = arg_tensor(info, 0); \
    const at::Scalar s = arg_scalar(info, 1);  \
    return out(info, expr);                    \
  }
