// WERank (weight regularization against rank degeneration) over all chosen weights in ONE N-API
// call: L = sum_l alpha_l * ||G_l - I||_F (or its square), composed from LibTorch ops so autograd
// differentiates it. See src/regularizers/werank.ts for the formula, shapes and why G_l is the
// smaller Gram matrix of W_l.
#include "common/binding.h"

using namespace wn;

WN_ERRORS(Shape);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace {

/// G = W W^T (rows) or W^T W with dL/dW = (dG + dG^T) W (rows) or W (dG + dG^T): one product in the
/// backward where autograd's mm backward takes two (one per operand, both W).
struct GramFn : public torch::autograd::Function<GramFn> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& w, bool rows) {
    ctx->save_for_backward({w});
    ctx->saved_data["rows"] = rows;
    return rows ? at::mm(w, w.t()) : at::mm(w.t(), w);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    const at::Tensor w = ctx->get_saved_variables()[0];
    const at::Tensor s = grads[0] + grads[0].t();
    return {ctx->saved_data["rows"].toBool() ? at::mm(s, w) : at::mm(w, s), at::Tensor()};
  }
};

}  // namespace

/// werank(weights: Int32Array, alphas: Float64Array, squared, gram 0 = smaller, 1 = W^T W, 2 = W W^T)
///   -> [total (0-d, differentiable), perLayer (float64 [L], detached, unweighted)]
WN_EXPORT(werank) {
  const std::vector<at::Tensor> ws = arg_tensors(info, 0);
  WN_CHECK(info[1].IsTypedArray(), "ERR_ARGUMENT", "werank: expected the alphas as a Float64Array");
  auto alphas = info[1].As<Napi::Float64Array>();
  const bool squared = arg_bool(info, 2);
  const int32_t gram = arg_present(info, 3) ? arg_int(info, 3) : 0;
  WN_CHECK(gram == 0 || gram == 1 || gram == 2, "ERR_ARGUMENT", "werank: expected gram 0 (smaller), 1 (W^T W) or 2 (W W^T) but received ",
           gram);
  WN_CHECK(!ws.empty(), "ERR_ARGUMENT", "werank: expected at least one weight but received none");
  WN_CHECK(alphas.ElementLength() == ws.size(), "ERR_ARGUMENT", "werank: expected one alpha per weight (", ws.size(), ") but received ",
           alphas.ElementLength());
  at::ScalarType dtype = ws[0].scalar_type();
  for (size_t l = 0; l < ws.size(); ++l) {
    const at::Tensor& w = ws[l];
    WN_CHECK(w.dim() >= 2, "ERR_SHAPE", "werank: expected weight matrices (2 or more dims) but weight ", l, " has shape ",
             shape_str(w.sizes()), " (biases and norm scales are not regularized)");
    WN_CHECK(at::isFloatingType(w.scalar_type()), "ERR_DTYPE", "werank: expected floating-point weights but weight ", l, " has dtype ",
             dtype_name(w.scalar_type()));
    WN_CHECK(w.device() == ws[0].device(), "ERR_DEVICE", "werank: expected all weights on one device but weight ", l, " is on another");
    WN_CHECK(std::isfinite(alphas[l]), "ERR_ARGUMENT", "werank: expected finite alphas but alpha ", l, " is ", alphas[l]);
    dtype = at::promote_types(dtype, w.scalar_type());
  }
  std::vector<at::Tensor> vals;
  vals.reserve(ws.size());
  for (const at::Tensor& w0 : ws) {
    // Convolution kernels [out, in, k...] act as [out, in * k...] matrices.
    const at::Tensor w = (w0.dim() == 2 ? w0 : w0.reshape({w0.size(0), -1})).to(dtype);
    // rows = W W^T [out, out]: the smaller Gram of a wide (out <= in) weight, or asked for by gram 2.
    const bool rows = gram == 2 || (gram == 0 && w.size(0) <= w.size(1));
    at::Tensor g = GramFn::apply(w, rows);
    // G - I without materializing I: GramFn's backward does not need its output, so the diagonal may
    // be shifted in place (autograd records it through the view).
    g.diagonal().sub_(1);
    vals.push_back(squared ? g.square().sum() : at::linalg_vector_norm(g));
  }
  at::Tensor stacked = at::stack(vals);
  at::Tensor alpha_t = at::from_blob(alphas.Data(), {static_cast<int64_t>(ws.size())}, at::TensorOptions().dtype(at::kDouble))
                           .to(stacked.options(), /*non_blocking=*/false, /*copy=*/true);
  at::Tensor total = (stacked * alpha_t).sum();
  at::Tensor per_layer = stacked.detach().to(at::kDouble, /*non_blocking=*/false, /*copy=*/true);
  return out_many(info, {total, per_layer});
}
