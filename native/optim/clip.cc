// Gradient-norm clipping over a whole parameter list in ONE N-API call, as
// torch.nn.utils.clip_grad_norm_ (1.13): the total p-norm of all gradients taken together; every
// gradient is scaled by min(1, maxNorm / (total + 1e-6)); the pre-clip total is returned.
#include <limits>

#include "common/binding.h"

using namespace wn;

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

/// clipGradNorm(params: Int32Array, maxNorm, normType (Infinity allowed), errorIfNonfinite) -> total norm
WN_EXPORT(clipGradNorm) {
  const std::vector<at::Tensor> params = arg_tensors(info, 0);
  const double max_norm = arg_num(info, 1), p = arg_num(info, 2);
  const bool error_if_nonfinite = arg_present(info, 3) && arg_bool(info, 3);
  WN_CHECK(max_norm >= 0, "ERR_ARGUMENT", "clipGradNorm: expected maxNorm >= 0 but received ", max_norm);
  WN_CHECK(p > 0, "ERR_ARGUMENT", "clipGradNorm: expected normType > 0 (or Infinity) but received ", p);
  std::vector<at::Tensor> grads;
  for (const at::Tensor& t : params) {
    if (t.grad().defined()) grads.push_back(t.grad());
  }
  if (grads.empty()) return Napi::Number::New(info.Env(), 0);
  at::NoGradGuard no_grad;
  const auto device = grads[0].device();
  const bool inf = std::isinf(p);
  std::vector<at::Tensor> norms;
  norms.reserve(grads.size());
  for (const at::Tensor& g : grads) {
    WN_CHECK(!g.is_sparse(), "ERR_ARGUMENT", "clipGradNorm: sparse gradients are not supported");
    norms.push_back((inf ? g.abs().max() : at::linalg_vector_norm(g, p)).to(device));
  }
  at::Tensor total = norms.size() == 1 ? norms[0] : inf ? at::stack(norms).max() : at::linalg_vector_norm(at::stack(norms), p);
  const double total_v = total.item<double>();
  WN_CHECK(!error_if_nonfinite || std::isfinite(total_v), "ERR_ARGUMENT", "clipGradNorm: the total norm of order ", p,
           " of the gradients is ", total_v, ", so it cannot be clipped (check the loss for nan/inf, or lower the learning rate)");
  at::Tensor coef = (max_norm / (total + 1e-6)).clamp_max(1.0);
  // Scaling by exactly 1 changes nothing; skip it (the total is on the host already).
  if (!(coef.item<double>() >= 1.0)) {
    for (const at::Tensor& g : grads) const_cast<at::Tensor&>(g).mul_(coef.to(g.device()));
  }
  return Napi::Number::New(info.Env(), total_v);
}
