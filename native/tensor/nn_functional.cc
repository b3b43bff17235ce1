// NN functional ops: softmax family, losses, normalization layers, linear, dropout.
#include "tensor/fused_cpu.h"
#include "tensor/matmul_precision.h"
#include "tensor/op_macros.h"

using namespace wn;
WN_ERRORS(Shape);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace F = torch::nn::functional;

namespace {

int64_t dim_of(const at::Tensor& a, int64_t d, const char* op) {
  const int64_t n = std::max<int64_t>(a.dim(), 1);
  WN_CHECK(d >= -n && d < n, "ERR_SHAPE", op, ": expected dim in [", -n, ", ", n - 1, "] but received ", d, " for shape ",
           shape_str(a.sizes()));
  return d;
}

at::Reduction::Reduction reduction(int32_t code) {
  switch (code) {
    case 0:
      return at::Reduction::None;
    case 1:
      return at::Reduction::Mean;
    case 2:
      return at::Reduction::Sum;
  }
  fail("ERR_ARGUMENT", "Expected reduction none, mean or sum");
}

}  // namespace

WN_EXPORT(softmax) {
  const at::Tensor& a = arg_tensor(info, 0);
  check_floating(a, "softmax");
  return out(info, a.softmax(dim_of(a, arg_int64(info, 1), "softmax")));
}
WN_EXPORT(logSoftmax) {
  const at::Tensor& a = arg_tensor(info, 0);
  check_floating(a, "logSoftmax");
  return out(info, a.log_softmax(dim_of(a, arg_int64(info, 1), "logSoftmax")));
}

/// Scores [N, C] and class indices [N] (int32/int64, each in [0, C)) -> the indices as int64. Checked
/// here: on CUDA an out-of-range target is a device-side assert that ruins the context.
static at::Tensor class_targets(const at::Tensor& scores, const at::Tensor& target, const char* op, const char* what) {
  WN_CHECK(scores.dim() == 2, "ERR_SHAPE", op, ": expected ", what, " of shape [N, C] but received ", shape_str(scores.sizes()));
  WN_CHECK(target.dim() == 1 && target.size(0) == scores.size(0), "ERR_SHAPE", op, ": expected targets of shape [", scores.size(0),
           "] but received ", shape_str(target.sizes()));
  WN_CHECK(target.scalar_type() == at::kLong || target.scalar_type() == at::kInt, "ERR_DTYPE", op,
           ": expected int64 or int32 class indices but received ", dtype_name(target.scalar_type()));
  if (target.numel()) {
    const int64_t lo = target.min().item<int64_t>(), hi = target.max().item<int64_t>();
    WN_CHECK(lo >= 0 && hi < scores.size(1), "ERR_INDEX", op, ": expected class indices in [0, ", scores.size(1),
             ") but received values in [", lo, ", ", hi, "]");
  }
  return target.scalar_type() == at::kLong ? target : target.to(at::kLong);
}

/// crossEntropy(logits [N, C], target [N] int, reduction, labelSmoothing)
WN_EXPORT(crossEntropy) {
  const at::Tensor& logits = arg_tensor(info, 0);
  const at::Tensor target = class_targets(logits, arg_tensor(info, 1), "crossEntropy", "logits");
  const double smoothing = arg_present(info, 3) ? arg_num(info, 3) : 0.0;
  return out(info, at::cross_entropy_loss(logits, target, {}, reduction(arg_int(info, 2)), -100, smoothing));
}
WN_EXPORT(nllLoss) {
  const at::Tensor& logp = arg_tensor(info, 0);
  const at::Tensor target = class_targets(logp, arg_tensor(info, 1), "nllLoss", "log-probabilities");
  return out(info, at::nll_loss(logp, target, {}, reduction(arg_int(info, 2))));
}
WN_EXPORT(mseLoss) {
  const at::Tensor& a = arg_tensor(info, 0);
  const at::Tensor& b = arg_tensor(info, 1);
  WN_CHECK(a.sizes() == b.sizes(), "ERR_SHAPE", "mseLoss: expected equal shapes but received ", shape_str(a.sizes()), " and ",
           shape_str(b.sizes()));
  return out(info, at::mse_loss(a, b, reduction(arg_int(info, 2))));
}
WN_EXPORT(binaryCrossEntropyWithLogits) {
  const at::Tensor& a = arg_tensor(info, 0);
  const at::Tensor& b = arg_tensor(info, 1);
  WN_CHECK(a.sizes() == b.sizes(), "ERR_SHAPE", "binaryCrossEntropyWithLogits: expected equal shapes but received ", shape_str(a.sizes()),
           " and ", shape_str(b.sizes()));
  return out(info, at::binary_cross_entropy_with_logits(a, b.to(a.scalar_type()), {}, {}, reduction(arg_int(info, 2))));
}

/// cosineSimilarity(a, b, dim, eps)
WN_EXPORT(cosineSimilarity) {
  const at::Tensor& a = arg_tensor(info, 0);
  const at::Tensor& b = arg_tensor(info, 1);
  const int64_t d = arg_int64(info, 2);
  check_dim(a.dim() >= b.dim() ? a : b, d, "cosineSimilarity");
  try {
    const double eps = arg_num(info, 3);
    return out(info, fused::cosine_applies(a, b, d) ? fused::cosine_similarity(a, b, eps) : at::cosine_similarity(a, b, d, eps));
  } catch (const c10::Error& e) {
    rethrow_binary("cosineSimilarity", a, b, e);
  }
}
/// normalize(h, p, dim, eps): x / max(||x||_p, eps) along dim.
WN_EXPORT(normalize) {
  const at::Tensor& a = arg_tensor(info, 0);
  const int64_t d = dim_of(a, arg_int64(info, 2), "normalize");
  WN_CHECK(at::isFloatingType(a.scalar_type()), "ERR_DTYPE", "normalize: expected a floating-point tensor but received ",
           dtype_name(a.scalar_type()));
  return out(info, F::normalize(a, F::NormalizeFuncOptions().p(arg_num(info, 1)).dim(d).eps(arg_num(info, 3))));
}
/// dropout(h, p, training)
WN_EXPORT(dropout) {
  const at::Tensor& a = arg_tensor(info, 0);
  const double p = arg_num(info, 1);
  WN_CHECK(p >= 0 && p <= 1, "ERR_ARGUMENT", "dropout: expected p in [0, 1] but received ", p);
  return out(info, at::dropout(a, p, arg_bool(info, 2)));
}
/// batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps); optional tensors are -1.
/// Running statistics follow PyTorch: running = (1 - momentum) * running + momentum * batch (unbiased var).
WN_EXPORT(batchNorm) {
  const at::Tensor& x = arg_tensor(info, 0);
  at::Tensor rm = arg_opt_tensor(info, 1), rv = arg_opt_tensor(info, 2), w = arg_opt_tensor(info, 3), b = arg_opt_tensor(info, 4);
  const bool training = arg_bool(info, 5);
  WN_CHECK(x.dim() >= 2, "ERR_SHAPE", "batchNorm: expected input of shape [N, C, ...] but received ", shape_str(x.sizes()));
  const int64_t c = x.size(1);
  for (const at::Tensor* t : {&rm, &rv, &w, &b})
    WN_CHECK(!t->defined() || (t->dim() == 1 && t->size(0) == c), "ERR_SHAPE", "batchNorm: expected per-channel tensors of shape [", c,
             "] but received ", shape_str(t->sizes()));
  WN_CHECK(training || (rm.defined() && rv.defined()), "ERR_ARGUMENT", "batchNorm: expected running statistics in eval mode");
  WN_CHECK(!training || x.numel() / c > 1, "ERR_SHAPE", "batchNorm: expected more than 1 value per channel when training but received ",
           shape_str(x.sizes()));
  return out(info, at::batch_norm(x, w, b, rm, rv, training, arg_num(info, 6), arg_num(info, 7), true));
}
/// batchNormPrelu(x, runningMean, runningVar, weight, bias, training, momentum, eps, slope): prelu(batchNorm(x)),
/// fused on the CPU for [N, C] float inputs (tensor/fused_cpu.cc), composed of LibTorch's ops otherwise.
WN_EXPORT(batchNormPrelu) {
  const at::Tensor& x = arg_tensor(info, 0);
  at::Tensor rm = arg_opt_tensor(info, 1), rv = arg_opt_tensor(info, 2), w = arg_opt_tensor(info, 3), b = arg_opt_tensor(info, 4);
  const bool training = arg_bool(info, 5);
  const double momentum = arg_num(info, 6), eps = arg_num(info, 7);
  const at::Tensor& slope = arg_tensor(info, 8);
  WN_CHECK(x.dim() >= 2, "ERR_SHAPE", "batchNormPrelu: expected input of shape [N, C, ...] but received ", shape_str(x.sizes()));
  const int64_t c = x.size(1);
  for (const at::Tensor* t : {&rm, &rv, &w, &b})
    WN_CHECK(!t->defined() || (t->dim() == 1 && t->size(0) == c), "ERR_SHAPE", "batchNormPrelu: expected per-channel tensors of shape [", c,
             "] but received ", shape_str(t->sizes()));
  WN_CHECK(rm.defined() == rv.defined(), "ERR_ARGUMENT", "batchNormPrelu: expected both running statistics or neither");
  WN_CHECK(training || rm.defined(), "ERR_ARGUMENT", "batchNormPrelu: expected running statistics in eval mode");
  WN_CHECK(!training || x.numel() / c > 1, "ERR_SHAPE",
           "batchNormPrelu: expected more than 1 value per channel when training but received ", shape_str(x.sizes()));
  WN_CHECK(slope.numel() == 1 || (slope.dim() == 1 && slope.size(0) == c), "ERR_SHAPE",
           "batchNormPrelu: expected a slope with 1 value or one per channel (", c, ") but received shape ", shape_str(slope.sizes()));
  const bool stats_ok = !rm.defined() || (rm.device().is_cpu() && rm.scalar_type() == x.scalar_type() && rm.is_contiguous() &&
                                          rv.device().is_cpu() && rv.scalar_type() == x.scalar_type() && rv.is_contiguous());
  if (stats_ok && fused::batch_norm_prelu_applies(x, w, b, slope))
    return out(info, fused::batch_norm_prelu(x, w, b, slope, rm, rv, training, momentum, eps));
  return out(info, at::prelu(at::batch_norm(x, w, b, rm, rv, training, momentum, eps, true), slope));
}
/// layerNorm(x, normalizedShape, weight, bias, eps)
WN_EXPORT(layerNorm) {
  const at::Tensor& x = arg_tensor(info, 0);
  const auto shape = arg_dims(info, 1);
  WN_CHECK(shape.size() <= static_cast<size_t>(x.dim()) &&
               std::equal(shape.begin(), shape.end(), x.sizes().end() - static_cast<int64_t>(shape.size())),
           "ERR_SHAPE", "layerNorm: expected the trailing dims of ", shape_str(x.sizes()), " to equal ", shape_str(shape));
  return out(info, at::layer_norm(x, shape, arg_opt_tensor(info, 2), arg_opt_tensor(info, 3), arg_num(info, 4)));
}
/// linear(x [.., in], w [out, in], b [out] | -1) = x w^T + b
WN_EXPORT(linear) {
  const at::Tensor& x = arg_tensor(info, 0);
  const at::Tensor& w = arg_tensor(info, 1);
  at::Tensor b = arg_opt_tensor(info, 2);
  WN_CHECK(w.dim() == 2 && x.dim() >= 1 && x.size(-1) == w.size(1), "ERR_SHAPE", "linear: expected input [..., ",
           w.dim() == 2 ? w.size(1) : -1, "] for weight ", shape_str(w.sizes()), " but received ", shape_str(x.sizes()));
  WN_CHECK(!b.defined() || (b.dim() == 1 && b.size(0) == w.size(0)), "ERR_SHAPE", "linear: expected bias of shape [", w.size(0),
           "] but received ", shape_str(b.sizes()));
  WN_CHECK(x.scalar_type() == w.scalar_type(), "ERR_DTYPE", "linear: expected input and weight of one dtype but received ",
           dtype_name(x.scalar_type()), " and ", dtype_name(w.scalar_type()));
  if (bf16_matmul(x)) {
    // The product in bfloat16, the bias added in float32.
    at::Tensor y = in_matmul_precision(x, w, [](const at::Tensor& a, const at::Tensor& b) { return at::linear(a, b); });
    return out(info, b.defined() ? y.add_(b) : y);
  }
  return out(info, at::linear(x, w, b));
}
