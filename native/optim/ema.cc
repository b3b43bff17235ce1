// Exponential moving average of a whole parameter list in ONE N-API call (BGRL's target network):
// target = m * target + (1 - m) * online, in BGRL's order (mul_(m).add_(online, alpha = 1 - m)),
// plus plain copies for buffers (e.g. batch-norm running statistics) when asked.
#include "common/binding.h"
#include "optim/fused.h"

using namespace wn;

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace {

void check_pair(const at::Tensor& t, const at::Tensor& o, size_t i, const char* what) {
  WN_CHECK(t.sizes() == o.sizes(), "ERR_SHAPE", "emaUpdate: expected ", what, " ", i, " of the target to have the online shape ",
           shape_str(o.sizes()), " but received ", shape_str(t.sizes()));
  WN_CHECK(t.scalar_type() == o.scalar_type(), "ERR_DTYPE", "emaUpdate: expected ", what, " ", i, " of the target to have dtype ",
           dtype_name(o.scalar_type()), " as the online one but received ", dtype_name(t.scalar_type()));
  WN_CHECK(t.device() == o.device(), "ERR_DEVICE", "emaUpdate: expected ", what, " ", i,
           " of the target and the online network on the same device but they differ");
}

}  // namespace

/// emaUpdate(targets: Int32Array, onlines: Int32Array, m, bufferTargets?: Int32Array, bufferOnlines?: Int32Array)
WN_EXPORT(emaUpdate) {
  const std::vector<at::Tensor> tgt = arg_tensors(info, 0), onl = arg_tensors(info, 1);
  const double m = arg_num(info, 2);
  WN_CHECK(m >= 0 && m <= 1, "ERR_ARGUMENT", "emaUpdate: expected a momentum 0 <= m <= 1 but received ", m);
  WN_CHECK(tgt.size() == onl.size(), "ERR_ARGUMENT", "emaUpdate: expected as many target as online parameters but received ", tgt.size(),
           " and ", onl.size());
  std::vector<at::Tensor> btgt, bonl;
  if (arg_present(info, 3)) btgt = arg_tensors(info, 3);
  if (arg_present(info, 4)) bonl = arg_tensors(info, 4);
  WN_CHECK(btgt.size() == bonl.size(), "ERR_ARGUMENT", "emaUpdate: expected as many target as online buffers but received ", btgt.size(),
           " and ", bonl.size());
  // All checks first: an update is all or nothing.
  for (size_t i = 0; i < tgt.size(); ++i) {
    check_pair(tgt[i], onl[i], i, "parameter");
    WN_CHECK(at::isFloatingType(tgt[i].scalar_type()), "ERR_DTYPE", "emaUpdate: expected floating-point parameters but parameter ", i,
             " has dtype ", dtype_name(tgt[i].scalar_type()));
  }
  for (size_t i = 0; i < btgt.size(); ++i) check_pair(btgt[i], bonl[i], i, "buffer");
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < tgt.size(); ++i) {
    at::Tensor t = tgt[i];
    const at::Tensor& o = onl[i];
    if (fused::eligible({&t, &o}) && t.data_ptr() != o.data_ptr()) {
      AT_DISPATCH_FLOATING_TYPES(t.scalar_type(), "ema", [&] {
        scalar_t* tp = t.data_ptr<scalar_t>();
        const scalar_t* op = o.data_ptr<scalar_t>();
        at::parallel_for(0, t.numel(), fused::kGrain, [&](int64_t b, int64_t e) { fused::ema<scalar_t>(tp, op, b, e, m); });
      });
      torch::autograd::impl::bump_version(t);
    } else {
      t.mul_(m).add_(o, 1 - m);
    }
  }
  for (size_t i = 0; i < btgt.size(); ++i) {
    at::Tensor t = btgt[i];
    t.copy_(bonl[i]);
  }
  return info.Env().Undefined();
}
