// Linear algebra: products, (batched) singular values and eigenvalues, diagonals.
#include "tensor/matmul_precision.h"
#include "tensor/op_macros.h"

using namespace wn;

WN_ERRORS(Shape);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace {

[[noreturn]] void matmul_shape_error(const char* op, const at::Tensor& a, const at::Tensor& b) {
  fail("ERR_SHAPE", op, ": expected [..., n, k] x [..., k, m] but received ", shape_str(a.sizes()), " and ", shape_str(b.sizes()));
}

void check_float_pair(const char* op, const at::Tensor& a, const at::Tensor& b) {
  WN_CHECK(a.scalar_type() == b.scalar_type(), "ERR_DTYPE", op, ": expected equal dtypes but received ", dtype_name(a.scalar_type()),
           " and ", dtype_name(b.scalar_type()));
  WN_CHECK(at::isFloatingType(a.scalar_type()), "ERR_DTYPE", op, ": expected floating-point tensors but received ",
           dtype_name(a.scalar_type()));
  WN_CHECK(a.device() == b.device(), "ERR_DEVICE", op, ": expected both tensors on one device but received ", a.device().str(), " and ",
           b.device().str());
}

}  // namespace

WN_EXPORT(matmul) {
  const at::Tensor& a = arg_tensor(info, 0);
  const at::Tensor& b = arg_tensor(info, 1);
  check_float_pair("matmul", a, b);
  WN_CHECK(a.dim() >= 1 && b.dim() >= 1, "ERR_SHAPE", "matmul: expected tensors with at least 1 dim but received ", shape_str(a.sizes()),
           " and ", shape_str(b.sizes()));
  const int64_t k1 = a.size(-1), k2 = b.dim() == 1 ? b.size(0) : b.size(-2);
  if (k1 != k2) matmul_shape_error("matmul", a, b);
  try {
    return out(info, in_matmul_precision(a, b, [](const at::Tensor& x, const at::Tensor& y) { return x.matmul(y); }));
  } catch (const c10::Error& e) {
    rethrow_binary("matmul", a, b, e, Fit::Product);
  }
}
WN_EXPORT(mm) {
  const at::Tensor& a = arg_tensor(info, 0);
  const at::Tensor& b = arg_tensor(info, 1);
  check_float_pair("mm", a, b);
  if (a.dim() != 2 || b.dim() != 2 || a.size(1) != b.size(0)) matmul_shape_error("mm", a, b);
  return out(info, in_matmul_precision(a, b, [](const at::Tensor& x, const at::Tensor& y) { return x.mm(y); }));
}
WN_EXPORT(bmm) {
  const at::Tensor& a = arg_tensor(info, 0);
  const at::Tensor& b = arg_tensor(info, 1);
  check_float_pair("bmm", a, b);
  if (a.dim() != 3 || b.dim() != 3 || a.size(0) != b.size(0) || a.size(2) != b.size(1)) matmul_shape_error("bmm", a, b);
  return out(info, in_matmul_precision(a, b, [](const at::Tensor& x, const at::Tensor& y) { return x.bmm(y); }));
}
/// addmm(bias, a, b, beta, alpha) = beta * bias + alpha * (a @ b)
WN_EXPORT(addmm) {
  const at::Tensor& c = arg_tensor(info, 0);
  const at::Tensor& a = arg_tensor(info, 1);
  const at::Tensor& b = arg_tensor(info, 2);
  check_float_pair("addmm", a, b);
  if (a.dim() != 2 || b.dim() != 2 || a.size(1) != b.size(0)) matmul_shape_error("addmm", a, b);
  const int64_t n = a.size(0), m = b.size(1);
  const bool fits =
      c.dim() <= 2 && (c.dim() < 1 || c.size(-1) == m || c.size(-1) == 1) && (c.dim() < 2 || c.size(0) == n || c.size(0) == 1);
  WN_CHECK(fits, "ERR_SHAPE", "addmm: expected a bias that broadcasts to [", n, ", ", m, "] but received ", shape_str(c.sizes()));
  const double beta = arg_present(info, 3) ? arg_num(info, 3) : 1.0, alpha = arg_present(info, 4) ? arg_num(info, 4) : 1.0;
  try {
    if (bf16_matmul(a)) {
      // The product in bfloat16, the sum in float32 (the bias keeps its precision).
      const at::Tensor ab = in_matmul_precision(a, b, [](const at::Tensor& x, const at::Tensor& y) { return x.mm(y); });
      return out(info, at::add(beta == 1.0 ? c : c.mul(beta), ab, alpha));
    }
    return out(info, at::addmm(c, a, b, beta, alpha));
  } catch (const c10::Error& e) {
    rethrow_binary("addmm", c, a, e, Fit::Product);
  }
}
WN_EXPORT(svdvals) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.dim() >= 2, "ERR_SHAPE", "svdvals: expected a matrix or a batch of matrices but received shape ", shape_str(a.sizes()));
  WN_CHECK(at::isFloatingType(a.scalar_type()), "ERR_DTYPE", "svdvals: expected a floating-point tensor but received ",
           dtype_name(a.scalar_type()));
  return out(info, compat::svdvals(a));
}
/// svd(h) -> [U, S, Vh], reduced (full_matrices = false).
WN_EXPORT(svd) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.dim() >= 2, "ERR_SHAPE", "svd: expected a matrix or a batch of matrices but received shape ", shape_str(a.sizes()));
  auto r = at::linalg_svd(a, false);
  return out_many(info, {std::get<0>(r), std::get<1>(r), std::get<2>(r)});
}
WN_EXPORT(eigvalsh) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.dim() >= 2 && a.size(-1) == a.size(-2), "ERR_SHAPE", "eigvalsh: expected square matrices but received shape ",
           shape_str(a.sizes()));
  const std::string uplo = arg_present(info, 1) ? arg_str(info, 1) : "L";
  WN_CHECK(uplo == "L" || uplo == "U", "ERR_ARGUMENT", "eigvalsh: expected uplo 'L' or 'U' but received '", uplo, "'");
  return out(info, at::linalg_eigvalsh(a, uplo));
}
/// eigh(h) -> [eigenvalues ascending, eigenvectors]
WN_EXPORT(eigh) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.dim() >= 2 && a.size(-1) == a.size(-2), "ERR_SHAPE", "eigh: expected square matrices but received shape ",
           shape_str(a.sizes()));
  auto r = at::linalg_eigh(a);
  return out_many(info, {std::get<0>(r), std::get<1>(r)});
}
/// qr(h) -> [Q, R] (reduced)
WN_EXPORT(qr) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.dim() >= 2, "ERR_SHAPE", "qr: expected a matrix but received shape ", shape_str(a.sizes()));
  auto r = at::linalg_qr(a);
  return out_many(info, {std::get<0>(r), std::get<1>(r)});
}
WN_EXPORT(diag) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.dim() == 1 || a.dim() == 2, "ERR_SHAPE", "diag: expected a 1-d or 2-d tensor but received shape ", shape_str(a.sizes()));
  return out(info, a.diag(arg_present(info, 1) ? arg_int64(info, 1) : 0));
}
WN_EXPORT(diagonal) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.dim() >= 2, "ERR_SHAPE", "diagonal: expected at least 2 dims but received shape ", shape_str(a.sizes()));
  return out(info, a.diagonal(0, -2, -1));
}
WN_EXPORT(trace) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.dim() == 2, "ERR_SHAPE", "trace: expected a matrix but received shape ", shape_str(a.sizes()));
  return out(info, a.trace());
}
WN_EXPORT(outer) { return out(info, at::outer(arg_tensor(info, 0), arg_tensor(info, 1))); }
WN_EXPORT(cholesky) { return out(info, at::linalg_cholesky(arg_tensor(info, 0))); }
WN_EXPORT(inverse) { return out(info, at::linalg_inv(arg_tensor(info, 0))); }
