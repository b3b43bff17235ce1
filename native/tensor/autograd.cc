// Autograd entry points. Gradients are LibTorch's own; nothing here re-implements differentiation.
#include "common/binding.h"

using namespace wn;

WN_ERRORS(Autograd);  // untyped LibTorch errors of these bindings (common/binding.h)

/// backward(h, gradient | -1, retainGraph)
WN_EXPORT(backward) {
  const at::Tensor& t = arg_tensor(info, 0);
  at::Tensor g = arg_opt_tensor(info, 1);
  WN_CHECK(t.requires_grad(), "ERR_AUTOGRAD",
           "backward: expected a tensor that requires grad but received one that does not (create parameters with "
           "{ requiresGrad: true }, and do not call backward inside noGrad)");
  WN_CHECK(g.defined() || t.numel() == 1, "ERR_AUTOGRAD", "backward: expected a scalar or an explicit gradient but received shape ",
           shape_str(t.sizes()));
  WN_CHECK(!g.defined() || g.sizes() == t.sizes(), "ERR_SHAPE", "backward: expected a gradient of shape ", shape_str(t.sizes()),
           " but received ", shape_str(g.sizes()));
  const bool retain = arg_present(info, 2) && arg_bool(info, 2);
  try {
    torch::autograd::backward({t}, g.defined() ? torch::autograd::variable_list{g} : torch::autograd::variable_list{}, retain);
  } catch (const c10::Error& e) {
    if (typed_code(e) != nullptr) throw;
    // LibTorch's advice names Python's retain_graph=True; ours names the option of this API. Which
    // failure it was is not read from the words of the message (they differ between versions).
    fail("ERR_AUTOGRAD", "backward: ", user_message(e),
         " (if an earlier backward() freed the graph: pass { retainGraph: true } "
         "to the earlier backward() to call it twice, or recompute the forward pass)");
  }
  return info.Env().Undefined();
}
/// grad(h) -> handle of the accumulated gradient, or -1 when there is none.
WN_EXPORT(grad) {
  const at::Tensor& t = arg_tensor(info, 0);
  const at::Tensor& g = t.grad();
  if (!g.defined()) return Napi::Number::New(info.Env(), -1);
  return out(info, g);
}
/// zeroGrads(handles): drops the gradients (set to none, as PyTorch's default).
WN_EXPORT(zeroGrads) {
  for (int32_t h : arg_handles(info, 0)) {
    const at::Tensor& t = Handles::instance().get(h);
    if (t.grad().defined()) const_cast<at::Tensor&>(t).mutable_grad().reset();
  }
  return info.Env().Undefined();
}
WN_EXPORT(retainGrad) {
  const at::Tensor& t = arg_tensor(info, 0);
  WN_CHECK(t.requires_grad(), "ERR_AUTOGRAD", "retainGrad: expected a tensor that requires grad");
  const_cast<at::Tensor&>(t).retain_grad();
  return info.Env().Undefined();
}
/// setGradEnabled(on) -> previous state (noGrad() in JS restores it in a finally block).
WN_EXPORT(setGradEnabled) {
  const bool prev = at::GradMode::is_enabled();
  at::GradMode::set_enabled(arg_bool(info, 0));
  return Napi::Boolean::New(info.Env(), prev);
}
WN_EXPORT(isGradEnabled) { return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled()); }
