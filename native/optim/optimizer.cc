// Fused optimizers (Adam, AdamW, SGD with momentum / Nesterov / weight decay). The optimizer and
// its state (exp_avg, exp_avg_sq, step counts, momentum buffers) live in the one handle table
// (common/handles.h, kind optimizer); `optimStep` updates every parameter in ONE N-API call
// (DESIGN D2), one fused memory pass per parameter on CPU. Semantics follow torch.optim 1.13
// (single-tensor path): state is created on a parameter's first step with a gradient, parameters
// without `.grad` are skipped and keep their own step count.
#include <memory>
#include <unordered_set>

#include "common/binding.h"
#include "common/object_table.h"
#include "optim/fused.h"

using namespace wn;

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace {

enum class Kind : int32_t { Adam = 0, AdamW = 1, Sgd = 2 };

const char* kind_name(Kind k) { return k == Kind::Adam ? "Adam" : k == Kind::AdamW ? "AdamW" : "SGD"; }

/// Hyper-parameters in the order of the Float64Array the JS side passes.
struct Hyper {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0, momentum = 0, dampening = 0;
  bool nesterov = false;
};
constexpr size_t kHyperLen = 8;

struct Optim {
  Kind kind;
  Hyper h;
  std::vector<at::Tensor> params;
  // Per parameter; undefined until its first step with a gradient.
  std::vector<at::Tensor> exp_avg, exp_avg_sq, momentum_buffer;
  std::vector<int64_t> steps;
};

ObjectTable<Optim>& table() {
  static ObjectTable<Optim> t(HandleKind::Optimizer);
  return t;
}

Optim& get(const Napi::CallbackInfo& info, size_t i) { return *table().get(arg_int(info, i)); }

Hyper read_hyper(const Napi::CallbackInfo& info, size_t i, Kind kind) {
  WN_CHECK(info[i].IsTypedArray(), "ERR_ARGUMENT", "optimizer: expected hyper-parameters as a Float64Array");
  auto a = info[i].As<Napi::Float64Array>();
  WN_CHECK(a.ElementLength() == kHyperLen, "ERR_ARGUMENT", "optimizer: expected ", kHyperLen, " hyper-parameters but received ",
           a.ElementLength());
  Hyper h;
  h.lr = a[0], h.beta1 = a[1], h.beta2 = a[2], h.eps = a[3], h.weight_decay = a[4], h.momentum = a[5], h.dampening = a[6];
  h.nesterov = a[7] != 0;
  const char* n = kind_name(kind);
  WN_CHECK(std::isfinite(h.lr) && h.lr >= 0, "ERR_ARGUMENT", n, ": expected lr >= 0 but received ", h.lr);
  WN_CHECK(std::isfinite(h.weight_decay) && h.weight_decay >= 0, "ERR_ARGUMENT", n, ": expected weightDecay >= 0 but received ",
           h.weight_decay);
  if (kind == Kind::Sgd) {
    WN_CHECK(std::isfinite(h.momentum) && h.momentum >= 0, "ERR_ARGUMENT", "SGD: expected momentum >= 0 but received ", h.momentum);
    WN_CHECK(std::isfinite(h.dampening), "ERR_ARGUMENT", "SGD: expected a finite dampening but received ", h.dampening);
    WN_CHECK(!h.nesterov || (h.momentum > 0 && h.dampening == 0), "ERR_ARGUMENT",
             "SGD: expected momentum > 0 and dampening = 0 for nesterov but received momentum ", h.momentum, " and dampening ",
             h.dampening);
  } else {
    WN_CHECK(h.beta1 >= 0 && h.beta1 < 1, "ERR_ARGUMENT", n, ": expected 0 <= beta1 < 1 but received ", h.beta1);
    WN_CHECK(h.beta2 >= 0 && h.beta2 < 1, "ERR_ARGUMENT", n, ": expected 0 <= beta2 < 1 but received ", h.beta2);
    WN_CHECK(std::isfinite(h.eps) && h.eps >= 0, "ERR_ARGUMENT", n, ": expected eps >= 0 but received ", h.eps);
  }
  return h;
}

template <typename F>
void parallel(int64_t n, F&& f) {
  at::parallel_for(0, n, fused::kGrain, f);
}

/// Adam / AdamW on one parameter; `grad` is defined.
void adam_step(Optim& o, size_t i, const at::Tensor& grad, double lr) {
  at::Tensor& p = o.params[i];
  if (!o.exp_avg[i].defined()) {
    o.exp_avg[i] = at::zeros_like(p, at::MemoryFormat::Preserve);
    o.exp_avg_sq[i] = at::zeros_like(p, at::MemoryFormat::Preserve);
  }
  at::Tensor& m = o.exp_avg[i];
  at::Tensor& v = o.exp_avg_sq[i];
  const int64_t t = ++o.steps[i];
  const Hyper& h = o.h;
  const bool decoupled = o.kind == Kind::AdamW;
  fused::AdamCoef c;
  c.beta1 = h.beta1, c.beta2 = h.beta2, c.eps = h.eps;
  c.l2 = decoupled ? 0 : h.weight_decay;
  c.decay_mul = decoupled ? 1 - lr * h.weight_decay : 1;
  // Python floats in torch: step is a float, so beta ** step is a double power.
  c.bc2_sqrt = std::sqrt(1 - std::pow(h.beta2, static_cast<double>(t)));
  c.step_size = lr / (1 - std::pow(h.beta1, static_cast<double>(t)));
  if (fused::eligible({&p, &grad, &m, &v})) {
    AT_DISPATCH_FLOATING_TYPES(p.scalar_type(), "adam", [&] {
      scalar_t* pp = p.data_ptr<scalar_t>();
      const scalar_t* gp = grad.data_ptr<scalar_t>();
      scalar_t* mp = m.data_ptr<scalar_t>();
      scalar_t* vp = v.data_ptr<scalar_t>();
      parallel(p.numel(), [&](int64_t b, int64_t e) { fused::adam<scalar_t>(pp, gp, mp, vp, b, e, c); });
    });
    torch::autograd::impl::bump_version(p);
    return;
  }
  // ATen path (CUDA, strided, other dtypes): torch 1.13's _single_tensor_adam(w) line by line.
  at::Tensor g = grad;
  if (c.l2 != 0) g = g.add(p, c.l2);
  if (decoupled) p.mul_(c.decay_mul);
  m.mul_(h.beta1).add_(g, 1 - h.beta1);
  v.mul_(h.beta2).addcmul_(g, g, 1 - h.beta2);
  at::Tensor denom = (v.sqrt() / c.bc2_sqrt).add_(h.eps);
  p.addcdiv_(m, denom, -c.step_size);
}

void sgd_step(Optim& o, size_t i, const at::Tensor& grad, double lr) {
  at::Tensor& p = o.params[i];
  const Hyper& h = o.h;
  ++o.steps[i];
  const bool first = h.momentum != 0 && !o.momentum_buffer[i].defined();
  if (first) o.momentum_buffer[i] = at::empty_like(p, at::MemoryFormat::Preserve);
  at::Tensor& buf = o.momentum_buffer[i];
  const bool ok = h.momentum != 0 ? fused::eligible({&p, &grad, &buf}) : fused::eligible({&p, &grad});
  if (ok) {
    fused::SgdCoef c{lr, h.weight_decay, h.momentum, h.dampening, h.nesterov, first};
    AT_DISPATCH_FLOATING_TYPES(p.scalar_type(), "sgd", [&] {
      scalar_t* pp = p.data_ptr<scalar_t>();
      const scalar_t* gp = grad.data_ptr<scalar_t>();
      scalar_t* bp = buf.defined() ? buf.data_ptr<scalar_t>() : nullptr;
      parallel(p.numel(), [&](int64_t b, int64_t e) { fused::sgd<scalar_t>(pp, gp, bp, b, e, c); });
    });
    torch::autograd::impl::bump_version(p);
    return;
  }
  // ATen path: torch 1.13's _single_tensor_sgd.
  at::Tensor d = grad;
  if (h.weight_decay != 0) d = d.add(p, h.weight_decay);
  if (h.momentum != 0) {
    if (first)
      buf.copy_(d);
    else
      buf.mul_(h.momentum).add_(d, 1 - h.dampening);
    d = h.nesterov ? d.add(buf, h.momentum) : buf;
  }
  p.add_(d, -lr);
}

const char* slot_name(int s) { return s == 0 ? "exp_avg" : s == 1 ? "exp_avg_sq" : "momentum_buffer"; }
int slot_code(const std::string& s) {
  if (s == "exp_avg") return 0;
  if (s == "exp_avg_sq") return 1;
  if (s == "momentum_buffer") return 2;
  return -1;
}

}  // namespace

/// optimCreate(kind 0=Adam 1=AdamW 2=SGD, params: Int32Array of handles, hyper: Float64Array[8]) -> id
WN_EXPORT(optimCreate) {
  const int32_t k = arg_int(info, 0);
  WN_CHECK(k >= 0 && k <= 2, "ERR_ARGUMENT", "optimizer: expected kind 0 (Adam), 1 (AdamW) or 2 (SGD) but received ", k);
  const Kind kind = static_cast<Kind>(k);
  auto o = std::make_shared<Optim>();
  o->kind = kind;
  o->h = read_hyper(info, 2, kind);
  o->params = arg_tensors(info, 1);
  std::unordered_set<const void*> seen;
  for (size_t i = 0; i < o->params.size(); ++i) {
    const at::Tensor& p = o->params[i];
    WN_CHECK(at::isFloatingType(p.scalar_type()), "ERR_DTYPE", kind_name(kind), ": expected floating-point parameters but parameter ", i,
             " has dtype ", dtype_name(p.scalar_type()));
    WN_CHECK(p.is_leaf(), "ERR_ARGUMENT", kind_name(kind), ": expected leaf tensors (parameters) but parameter ", i,
             " is computed by an op; optimize the tensor it was computed from");
    WN_CHECK(p.requires_grad(), "ERR_ARGUMENT", kind_name(kind), ": expected parameters with requiresGrad but parameter ", i, " (shape ",
             shape_str(p.sizes()), ") does not require grad");
    WN_CHECK(seen.insert(p.unsafeGetTensorImpl()).second, "ERR_ARGUMENT", kind_name(kind), ": parameter ", i,
             " appears twice in the parameter list; pass each parameter once");
  }
  const size_t n = o->params.size();
  o->exp_avg.resize(n), o->exp_avg_sq.resize(n), o->momentum_buffer.resize(n), o->steps.assign(n, 0);
  return Napi::Number::New(info.Env(), table().put(std::move(o)));
}

/// optimStep(id, lr) -> number of parameters updated (those with a gradient). One call for all.
WN_EXPORT(optimStep) {
  Optim& o = get(info, 0);
  const double lr = arg_num(info, 1);
  WN_CHECK(std::isfinite(lr) && lr >= 0, "ERR_ARGUMENT", kind_name(o.kind), ": expected lr >= 0 but received ", lr);
  o.h.lr = lr;
  // Validate every gradient before touching any parameter: a step is all or nothing.
  for (size_t i = 0; i < o.params.size(); ++i) {
    const at::Tensor& g = o.params[i].grad();
    if (!g.defined()) continue;
    WN_CHECK(!g.is_sparse(), "ERR_ARGUMENT", kind_name(o.kind), ": sparse gradients are not supported (parameter ", i, ")");
  }
  at::NoGradGuard no_grad;
  int32_t updated = 0;
  for (size_t i = 0; i < o.params.size(); ++i) {
    const at::Tensor& g = o.params[i].grad();
    if (!g.defined()) continue;
    if (o.kind == Kind::Sgd)
      sgd_step(o, i, g, lr);
    else
      adam_step(o, i, g, lr);
    ++updated;
  }
  return Napi::Number::New(info.Env(), updated);
}

/// optimZeroGrad(id, setToNone): drops (default) or zeroes every parameter's gradient.
WN_EXPORT(optimZeroGrad) {
  Optim& o = get(info, 0);
  const bool to_none = !arg_present(info, 1) || arg_bool(info, 1);
  for (at::Tensor& p : o.params) {
    if (!p.grad().defined()) continue;
    if (to_none)
      p.mutable_grad().reset();
    else {
      at::Tensor& g = p.mutable_grad();
      if (g.grad_fn()) g = g.detach();
      g.zero_();
    }
  }
  return info.Env().Undefined();
}

/// optimSetHyper(id, hyper: Float64Array[8]) (loadStateDict restores hyper-parameters).
WN_EXPORT(optimSetHyper) {
  Optim& o = get(info, 0);
  o.h = read_hyper(info, 1, o.kind);
  return info.Env().Undefined();
}

/// optimState(id) -> { kind, steps: number[], index: number[], slot: string[], handle: number[] };
/// every handle is a new copy of a state tensor, owned by the caller.
WN_EXPORT(optimState) {
  Optim& o = get(info, 0);
  Napi::Env env = info.Env();
  Napi::Array steps = Napi::Array::New(env, o.steps.size());
  for (size_t i = 0; i < o.steps.size(); ++i) steps.Set(static_cast<uint32_t>(i), static_cast<double>(o.steps[i]));
  Napi::Array index = Napi::Array::New(env), slot = Napi::Array::New(env), handle = Napi::Array::New(env);
  at::NoGradGuard no_grad;
  auto add = [&](size_t i, int s, const at::Tensor& t) {
    if (!t.defined()) return;
    const uint32_t k = index.Length();
    index.Set(k, static_cast<double>(i));
    slot.Set(k, slot_name(s));
    handle.Set(k, Handles::instance().put(t.clone(at::MemoryFormat::Contiguous)));
  };
  for (size_t i = 0; i < o.params.size(); ++i) {
    add(i, 0, o.exp_avg[i]);
    add(i, 1, o.exp_avg_sq[i]);
    add(i, 2, o.momentum_buffer[i]);
  }
  Napi::Object r = Napi::Object::New(env);
  r.Set("kind", kind_name(o.kind));
  r.Set("steps", steps);
  r.Set("index", index);
  r.Set("slot", slot);
  r.Set("handle", handle);
  return r;
}

/// optimLoadState(id, steps: number[], index: number[], slot: string[], handle: number[]): replaces
/// all state; validates everything before changing anything. Tensors are copied (converted to each
/// parameter's dtype and device).
WN_EXPORT(optimLoadState) {
  Optim& o = get(info, 0);
  const char* n = kind_name(o.kind);
  const size_t P = o.params.size();
  Napi::Array steps = info[1].As<Napi::Array>(), index = info[2].As<Napi::Array>(), slot = info[3].As<Napi::Array>(),
              handle = info[4].As<Napi::Array>();
  WN_CHECK(steps.Length() == P, "ERR_DATA", n, ".loadStateDict: expected step counts for ", P, " parameters but received ", steps.Length());
  WN_CHECK(index.Length() == slot.Length() && index.Length() == handle.Length(), "ERR_ARGUMENT", n,
           ".loadStateDict: index, slot and handle lists differ in length");
  std::vector<int64_t> new_steps(P);
  for (size_t i = 0; i < P; ++i) {
    const double s = steps.Get(static_cast<uint32_t>(i)).As<Napi::Number>().DoubleValue();
    WN_CHECK(std::isfinite(s) && s >= 0 && s == std::floor(s), "ERR_DATA", n,
             ".loadStateDict: expected a non-negative integer step for parameter ", i, " but received ", s);
    new_steps[i] = static_cast<int64_t>(s);
  }
  std::vector<at::Tensor> ea(P), eas(P), mb(P);
  at::NoGradGuard no_grad;
  for (uint32_t k = 0; k < index.Length(); ++k) {
    const double di = index.Get(k).As<Napi::Number>().DoubleValue();
    WN_CHECK(di >= 0 && di < static_cast<double>(P) && di == std::floor(di), "ERR_DATA", n, ".loadStateDict: state for parameter ", di,
             " but the optimizer has ", P, " parameters");
    const size_t i = static_cast<size_t>(di);
    const std::string sname = slot.Get(k).As<Napi::String>().Utf8Value();
    const int s = slot_code(sname);
    const bool fits = o.kind == Kind::Sgd ? s == 2 : (s == 0 || s == 1);
    WN_CHECK(fits, "ERR_DATA", n, ".loadStateDict: unexpected state '", sname, "' for parameter ", i, " (", n, " keeps ",
             o.kind == Kind::Sgd ? "momentum_buffer" : "exp_avg, exp_avg_sq", ")");
    const at::Tensor& t = Handles::instance().get(handle.Get(k).As<Napi::Number>().Int32Value());
    const at::Tensor& p = o.params[i];
    WN_CHECK(t.sizes() == p.sizes(), "ERR_SHAPE", n, ".loadStateDict: expected ", sname, " of parameter ", i, " with shape ",
             shape_str(p.sizes()), " but received ", shape_str(t.sizes()));
    at::Tensor c = t.detach().to(p.options(), /*non_blocking=*/false, /*copy=*/true).contiguous();
    (s == 0 ? ea : s == 1 ? eas : mb)[i] = c;
  }
  for (size_t i = 0; i < P; ++i) {
    if (o.kind == Kind::Sgd) continue;
    WN_CHECK(ea[i].defined() == eas[i].defined(), "ERR_DATA", n, ".loadStateDict: parameter ", i,
             " has only one of exp_avg and exp_avg_sq");
    WN_CHECK(ea[i].defined() == (new_steps[i] > 0), "ERR_DATA", n, ".loadStateDict: parameter ", i, " has step ", new_steps[i],
             ea[i].defined() ? " but moment estimates" : " but no moment estimates");
  }
  o.steps = std::move(new_steps);
  o.exp_avg = std::move(ea), o.exp_avg_sq = std::move(eas), o.momentum_buffer = std::move(mb);
  return info.Env().Undefined();
}

/// optimDispose(id): frees the optimizer and its state (idempotent).
WN_EXPORT(optimDispose) {
  table().release(arg_int(info, 0));
  return info.Env().Undefined();
}

/// optimStats() -> { optimizers, stateTensors, stateBytes } (state is not in the handle table).
WN_EXPORT(optimStats) {
  double tensors = 0, bytes = 0;
  table().for_each([&](const Optim& o) {
    for (const auto* v : {&o.exp_avg, &o.exp_avg_sq, &o.momentum_buffer}) {
      for (const at::Tensor& t : *v) {
        if (!t.defined()) continue;
        tensors += 1;
        bytes += static_cast<double>(t.numel() * t.element_size());
      }
    }
  });
  Napi::Object r = Napi::Object::New(info.Env());
  r.Set("optimizers", static_cast<double>(table().live()));
  r.Set("stateTensors", tensors);
  r.Set("stateBytes", bytes);
  return r;
}
