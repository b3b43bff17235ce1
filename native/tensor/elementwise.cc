// Elementwise ops with broadcasting and PyTorch's dtype promotion; comparisons; where/maskedFill;
// a few in-place ops for user-written optimizers (run them under noGrad for parameters).
#include <cstring>

#include "tensor/fused_cpu.h"
#include "tensor/op_macros.h"

using namespace wn;

WN_ERRORS(Shape);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace wn {

namespace {

/// Shapes `b` broadcasts into: to `a` itself (into = true, in-place ops), or with `a` to a common shape.
bool broadcasts(at::IntArrayRef a, at::IntArrayRef b, bool into) {
  if (into && b.size() > a.size()) return false;
  for (size_t i = 1; i <= std::min(a.size(), b.size()); ++i) {
    const int64_t x = a[a.size() - i], y = b[b.size() - i];
    if (x != y && y != 1 && (into || x != 1)) return false;
  }
  return true;
}

}  // namespace

// The code comes from the exception's type and the operands, never from the message words: a device
// mismatch, then shapes that do not fit, then dtypes that differ explain an untyped LibTorch error.
void rethrow_binary(const char* op, const at::Tensor& a, const at::Tensor& b, const c10::Error& e, Fit fit) {
  const std::string msg = user_message(e);
  const char* typed = typed_code(e);
  if (typed != nullptr && std::strcmp(typed, "ERR_DTYPE") != 0) fail(typed, op, ": ", msg);
  const bool dtype_error = typed != nullptr || a.scalar_type() != b.scalar_type();
  // A 0-dim CPU tensor combines with tensors on any device (a wrapped scalar).
  const bool cpu_scalar = (a.dim() == 0 && a.is_cpu()) || (b.dim() == 0 && b.is_cpu());
  if (typed == nullptr && a.device() != b.device() && !cpu_scalar)
    fail("ERR_DEVICE", op, ": expected both tensors on one device but received ", a.device().str(), " and ", b.device().str());
  const bool shapes_fit = fit != Fit::Product && broadcasts(a.sizes(), b.sizes(), fit == Fit::Into);
  if (typed == nullptr && !shapes_fit && (fit != Fit::Product || !dtype_error))
    fail("ERR_SHAPE", op,
         fit == Fit::Product ? ": expected shapes that fit together but received "
                             : ": expected shapes that broadcast together but received ",
         shape_str(a.sizes()), " and ", shape_str(b.sizes()), " (", msg, ")");
  if (dtype_error)
    fail("ERR_DTYPE", op, ": expected compatible dtypes but received ", dtype_name(a.scalar_type()), " and ", dtype_name(b.scalar_type()),
         " (", msg, ")");
  fail("ERR_ARGUMENT", op, ": ", msg);
}

}  // namespace wn

// alpha is an integer scalar when integral: LibTorch refuses a floating alpha for int tensors.
WN_EXPORT(add) {
  const at::Tensor& a = arg_tensor(info, 0);
  const at::Tensor& b = arg_tensor(info, 1);
  const bool has_alpha = arg_present(info, 2);
  try {
    return out(info, has_alpha ? a.add(b, arg_scalar(info, 2)) : a.add(b));
  } catch (const c10::Error& e) {
    rethrow_binary("add", a, b, e);
  }
}
WN_EXPORT(sub) {
  const at::Tensor& a = arg_tensor(info, 0);
  const at::Tensor& b = arg_tensor(info, 1);
  const bool has_alpha = arg_present(info, 2);
  try {
    return out(info, has_alpha ? a.sub(b, arg_scalar(info, 2)) : a.sub(b));
  } catch (const c10::Error& e) {
    rethrow_binary("sub", a, b, e);
  }
}
WN_BINARY(mul, a.mul(b))
WN_BINARY(div, a.div(b))
WN_BINARY(pow, a.pow(b))
WN_BINARY(maximum, at::maximum(a, b))
WN_BINARY(minimum, at::minimum(a, b))
WN_BINARY(eq, a.eq(b))
WN_BINARY(ne, a.ne(b))
WN_BINARY(lt, a.lt(b))
WN_BINARY(le, a.le(b))
WN_BINARY(gt, a.gt(b))
WN_BINARY(ge, a.ge(b))
WN_BINARY(logicalAnd, at::logical_and(a, b))
WN_BINARY(logicalOr, at::logical_or(a, b))
WN_EXPORT(prelu) {
  const at::Tensor& a = arg_tensor(info, 0);
  const at::Tensor& w = arg_tensor(info, 1);
  const int64_t channels = a.dim() >= 2 ? a.size(1) : 1;
  WN_CHECK(w.numel() == 1 || (w.dim() == 1 && w.size(0) == channels), "ERR_SHAPE",
           "prelu: expected a weight with 1 value or one per channel (", channels, " for input ", shape_str(a.sizes()),
           ") but received shape ", shape_str(w.sizes()));
  try {
    return out(info, fused::prelu_applies(a, w) ? fused::prelu(a, w) : at::prelu(a, w));
  } catch (const c10::Error& e) {
    rethrow_binary("prelu", a, w, e, Fit::Product);
  }
}

WN_SCALAR(addScalar, a.add(s))
WN_SCALAR(subScalar, a.sub(s))
WN_SCALAR(rsubScalar, at::rsub(a, s))
WN_SCALAR(mulScalar, a.mul(s))
WN_SCALAR(divScalar, a.div(s))
WN_SCALAR(rdivScalar, a.reciprocal().mul(s))
WN_SCALAR(powScalar, a.pow(s))
WN_SCALAR(rpowScalar, at::pow(s, a))
WN_SCALAR(eqScalar, a.eq(s))
WN_SCALAR(neScalar, a.ne(s))
WN_SCALAR(ltScalar, a.lt(s))
WN_SCALAR(leScalar, a.le(s))
WN_SCALAR(gtScalar, a.gt(s))
WN_SCALAR(geScalar, a.ge(s))
WN_SCALAR(leakyRelu, at::leaky_relu(a, s))  // float-only ops: the scalar's kind does not matter
WN_SCALAR(elu, at::elu(a, s))

WN_UNARY(neg, a.neg())
WN_UNARY(abs, a.abs())
WN_UNARY(exp, a.exp())
WN_UNARY(log, a.log())
WN_UNARY(log1p, a.log1p())
WN_UNARY(sqrt, a.sqrt())
WN_UNARY(rsqrt, a.rsqrt())
WN_UNARY(square, a.square())
WN_UNARY(reciprocal, a.reciprocal())
WN_UNARY(relu, a.relu())
WN_UNARY(gelu, at::gelu(a))
WN_UNARY(sigmoid, a.sigmoid())
WN_UNARY(tanh, a.tanh())
WN_UNARY(sign, a.sign())
WN_UNARY(floor, a.floor())
WN_UNARY(ceil, a.ceil())
WN_UNARY(round, a.round())
WN_UNARY(logicalNot, a.logical_not())
WN_UNARY(isnan, a.isnan())
WN_UNARY(isfinite, a.isfinite())

/// clamp(h, min|null, max|null)
WN_EXPORT(clamp) {
  const at::Tensor& a = arg_tensor(info, 0);
  c10::optional<at::Scalar> lo, hi;  // integral bounds keep an int tensor int; 1.5 makes it float (as PyTorch)
  if (arg_present(info, 1)) lo = arg_scalar(info, 1);
  if (arg_present(info, 2)) hi = arg_scalar(info, 2);
  WN_CHECK(lo || hi, "ERR_ARGUMENT", "Expected at least one of min and max for clamp");
  WN_CHECK(!(lo && hi) || lo->toDouble() <= hi->toDouble(), "ERR_ARGUMENT",
           "Expected min <= max for clamp but received min=", lo->toDouble(), " max=", hi->toDouble());
  return out(info, at::clamp(a, lo, hi));
}

/// where(cond, a, b): a where cond is true, else b.
WN_EXPORT(where) {
  const at::Tensor& c = arg_tensor(info, 0);
  const at::Tensor& a = arg_tensor(info, 1);
  const at::Tensor& b = arg_tensor(info, 2);
  WN_CHECK(c.scalar_type() == at::kBool, "ERR_DTYPE", "where: expected a bool condition but received ", dtype_name(c.scalar_type()));
  try {
    return out(info, at::where(c, a, b));
  } catch (const c10::Error& e) {
    rethrow_binary("where", a, b, e);
  }
}
WN_EXPORT(whereScalar) {  // where(cond, a, scalar): promotes as PyTorch (int tensor with 2.5 -> float32)
  const at::Tensor& c = arg_tensor(info, 0);
  const at::Tensor& a = arg_tensor(info, 1);
  WN_CHECK(c.scalar_type() == at::kBool, "ERR_DTYPE", "where: expected a bool condition but received ", dtype_name(c.scalar_type()));
  try {
    return out(info, at::where(c, a, arg_scalar(info, 2)));
  } catch (const c10::Error& e) {
    rethrow_binary("where", c, a, e);
  }
}
WN_EXPORT(maskedFill) {
  const at::Tensor& a = arg_tensor(info, 0);
  const at::Tensor& m = arg_tensor(info, 1);
  WN_CHECK(m.scalar_type() == at::kBool, "ERR_DTYPE", "maskedFill: expected a bool mask but received ", dtype_name(m.scalar_type()));
  try {
    return out(info, a.masked_fill(m, arg_scalar(info, 2)));
  } catch (const c10::Error& e) {
    rethrow_binary("maskedFill", a, m, e, Fit::Into);
  }
}

// ---- in-place (return nothing: the handle keeps pointing at the same tensor) ----------------------

WN_EXPORT(copy_) {
  const at::Tensor& dst = arg_tensor(info, 0);
  const at::Tensor& src = arg_tensor(info, 1);
  check_inplace(dst, "copy_");
  try {
    const_cast<at::Tensor&>(dst).copy_(src);
  } catch (const c10::Error& e) {
    rethrow_binary("copy_", dst, src, e, Fit::Into);
  }
  return info.Env().Undefined();
}
WN_EXPORT(fill_) {
  const at::Tensor& a = arg_tensor(info, 0);
  check_inplace(a, "fill_");
  const_cast<at::Tensor&>(a).fill_(arg_scalar(info, 1));
  return info.Env().Undefined();
}
WN_EXPORT(add_) {
  const at::Tensor& a = arg_tensor(info, 0);
  const at::Tensor& b = arg_tensor(info, 1);
  check_inplace(a, "add_");
  try {
    if (arg_present(info, 2))
      const_cast<at::Tensor&>(a).add_(b, arg_scalar(info, 2));
    else
      const_cast<at::Tensor&>(a).add_(b);
  } catch (const c10::Error& e) {
    rethrow_binary("add_", a, b, e, Fit::Into);
  }
  return info.Env().Undefined();
}
WN_EXPORT(mul_) {
  const at::Tensor& a = arg_tensor(info, 0);
  check_inplace(a, "mul_");
  const_cast<at::Tensor&>(a).mul_(arg_scalar(info, 1));
  return info.Env().Undefined();
}
