// Linear-probe fits (DESIGN D2: "the linear-probe fit" is a fused native op). One call fits a logistic
// regression for every value of a regularization grid on the train rows of frozen embeddings and
// scores train/val/test, so a whole grid search is one N-API call and JS never loops over elements.
//
// Objective (n = train rows, lambda = 1 / (C * n), C as in scikit-learn):
//   multinomial: mean_i -log softmax(W x_i + b)[y_i] + lambda/2 ||W||^2            (b not penalized,
//                = sklearn's LogisticRegression(lbfgs, multinomial) objective / (C n))
//   ovr:         sum_k [ mean_i log(1 + exp(-s_ik (w_k.x_i + b_k))) + lambda/2 (||w_k||^2 + b_k^2) ]
//                with s_ik = +1 for class k else -1; the intercept is penalized exactly as liblinear
//                does with intercept_scaling = 1 (a constant feature 1 whose weight is b_k), so each
//                class is liblinear's objective / (C n). The classes are independent; they are fitted
//                jointly (one separable objective), which has the same minimizer.
//   multilabel:  as ovr with multi-hot targets (one binary classifier per label).
// Solver: torch::optim::LBFGS with strong-Wolfe line search, run until max|grad| <= tolGrad, the loss
// or the step changes by less than tolChange, or maxIter iterations; analytic gradients in float64.
// Grid values are fitted in ascending C, each warm-started from the previous solution (the problem
// is strictly convex in W, so the optimum does not depend on the start).
// Optimizer "liblinear" (ovr and multilabel): instead of L-BFGS to a tight tolerance, each class is fitted as
// scikit-learn's LogisticRegression(solver='liblinear') fits it: liblinear's trust-region Newton
// method (TRON, Lin & More 1999; liblinear's tron.cpp as vendored by scikit-learn) on
// C sum_i log(1 + exp(-y_i w.[x_i, 1])) + 0.5 ||w||^2 from w = 0, stopped when
// ||grad|| <= eps ||grad(0)||, eps = tol max(min(#pos, #neg), 1) / n (liblinear's train_one), or after
// maxIter accepted steps (sklearn's max_iter = 100). Its approximate optimum is what BGRL's protocol
// scores, so matching scikit-learn's C selection needs the same approximation, not a tighter one.
#include <ATen/Parallel.h>
#include <torch/optim/lbfgs.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "common/binding.h"

using namespace wn;

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace {

enum class Mode { kMultinomial, kOvr, kMultilabel };

struct Options {
  Mode mode = Mode::kMultinomial;
  int64_t num_classes = 0;
  int64_t max_iter = 1000;
  double tol_grad = 1e-5;
  double tol_change = 1e-9;
  int64_t history = 20;
  bool normalize = true;
  bool warm_start = true;
  bool liblinear = false;       // TRON per class (see the header)
  double tron_tol = 1e-4;       // sklearn's LogisticRegression tol
  int64_t tron_max_iter = 100;  // sklearn's LogisticRegression max_iter
};

double opt_num(const Napi::Object& o, const char* key, double fallback) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return fallback;
  WN_CHECK(v.IsNumber(), "ERR_ARGUMENT", "probeFit: expected a number for option ", key);
  return v.As<Napi::Number>().DoubleValue();
}

Options read_options(const Napi::CallbackInfo& info, size_t i) {
  Options o;
  if (!arg_present(info, i)) return o;
  WN_CHECK(info[i].IsObject(), "ERR_ARGUMENT", "probeFit: expected an options object");
  Napi::Object obj = info[i].As<Napi::Object>();
  Napi::Value m = obj.Get("mode");
  if (m.IsString()) {
    const std::string s = m.As<Napi::String>().Utf8Value();
    if (s == "multinomial")
      o.mode = Mode::kMultinomial;
    else if (s == "ovr")
      o.mode = Mode::kOvr;
    else if (s == "multilabel")
      o.mode = Mode::kMultilabel;
    else
      fail("ERR_ARGUMENT", "probeFit: unknown mode '", s, "'. Valid choices: multinomial, ovr, multilabel");
  }
  o.num_classes = static_cast<int64_t>(opt_num(obj, "numClasses", 0));
  o.max_iter = static_cast<int64_t>(opt_num(obj, "maxIter", static_cast<double>(o.max_iter)));
  o.tol_grad = opt_num(obj, "tolGrad", o.tol_grad);
  o.tol_change = opt_num(obj, "tolChange", o.tol_change);
  o.history = static_cast<int64_t>(opt_num(obj, "historySize", static_cast<double>(o.history)));
  Napi::Value n = obj.Get("normalize");
  if (!n.IsUndefined()) o.normalize = n.ToBoolean().Value();
  Napi::Value w = obj.Get("warmStart");
  if (!w.IsUndefined()) o.warm_start = w.ToBoolean().Value();
  Napi::Value opt = obj.Get("optimizer");
  if (opt.IsString()) {
    const std::string s = opt.As<Napi::String>().Utf8Value();
    if (s == "liblinear")
      o.liblinear = true;
    else if (s != "lbfgs")
      fail("ERR_ARGUMENT", "probeFit: unknown optimizer '", s, "'. Valid choices: lbfgs, liblinear");
  }
  o.tron_tol = opt_num(obj, "liblinearTol", o.tron_tol);
  o.tron_max_iter = static_cast<int64_t>(opt_num(obj, "liblinearMaxIter", static_cast<double>(o.tron_max_iter)));
  WN_CHECK(!o.liblinear || o.mode != Mode::kMultinomial, "ERR_ARGUMENT",
           "probeFit: the liblinear optimizer fits one binary classifier per class or label (modes ovr, multilabel), not multinomial");
  WN_CHECK(o.tron_tol > 0 && o.tron_max_iter >= 1, "ERR_ARGUMENT", "probeFit: expected liblinearTol > 0 and liblinearMaxIter >= 1");
  WN_CHECK(o.max_iter >= 1, "ERR_ARGUMENT", "probeFit: expected maxIter >= 1 but received ", o.max_iter);
  WN_CHECK(o.tol_grad >= 0 && o.tol_change >= 0, "ERR_ARGUMENT", "probeFit: expected non-negative tolerances but received tolGrad ",
           o.tol_grad, ", tolChange ", o.tol_change);
  WN_CHECK(o.history >= 1, "ERR_ARGUMENT", "probeFit: expected historySize >= 1 but received ", o.history);
  return o;
}

/// A split's node ids as int64, checked against [0, n).
at::Tensor split_index(const at::Tensor& t, int64_t n, const char* name, bool required) {
  if (!t.defined()) {
    WN_CHECK(!required, "ERR_DATA", "probeFit: expected a non-empty ", name, " split but received none");
    return at::empty({0}, at::kLong);
  }
  WN_CHECK(t.dim() == 1, "ERR_SHAPE", "probeFit: expected a 1-d tensor of node ids for the ", name, " split but received shape ",
           shape_str(t.sizes()));
  WN_CHECK(!at::isFloatingType(t.scalar_type()) && t.scalar_type() != at::kBool, "ERR_DTYPE",
           "probeFit: expected integer node ids for the ", name, " split but received ", dtype_name(t.scalar_type()));
  WN_CHECK(!required || t.numel() > 0, "ERR_DATA", "probeFit: expected a non-empty ", name, " split but received 0 nodes");
  at::Tensor idx = t.to(at::kCPU, at::kLong).contiguous();
  if (idx.numel() > 0) {
    const int64_t lo = idx.min().item<int64_t>(), hi = idx.max().item<int64_t>();
    WN_CHECK(lo >= 0 && hi < n, "ERR_DATA", "probeFit: expected node ids in [0, ", n, ") for the ", name, " split but received ",
             lo < 0 ? lo : hi);
  }
  return idx;
}

/// Data of one fit: rows, targets and the scoring rule.
struct Problem {
  at::Tensor X;  // [n, d] float64
  at::Tensor y;  // [n] int64 (multinomial, ovr)
  at::Tensor T;  // [n, k] float64 targets: one-hot (multinomial), +-1 indicators as 0/1 (ovr, multilabel)
  Mode mode;
  double lambda = 0;  // L2 strength on the mean loss
  // [K] 0 for classes seen in the train split, -1e30 for the others (single-label modes): like
  // scikit-learn, whose classes_ come from the train labels, an unseen class is never predicted,
  // and in the multinomial loss it gets probability 0 instead of an intercept drifting to -inf.
  at::Tensor unseen;
};

at::Tensor logits(const Problem& p, const at::Tensor& W, const at::Tensor& b) {
  at::Tensor z = at::addmm(b, p.X, W.t());
  return p.mode == Mode::kMultinomial ? z + p.unseen : z;
}

/// Loss and analytic gradients at (W, b).
double loss_grad(const Problem& p, const at::Tensor& W, const at::Tensor& b, at::Tensor& gW, at::Tensor& gb) {
  const double n = static_cast<double>(p.X.size(0));
  at::Tensor z = logits(p, W, b);
  at::Tensor G;
  double data;
  if (p.mode == Mode::kMultinomial) {
    at::Tensor logp = at::log_softmax(z, 1);
    data = -(logp * p.T).sum().item<double>() / n;
    G = (logp.exp() - p.T) / n;
  } else {
    // log(1 + exp(z)) - t z, written without overflow; t in {0, 1}.
    at::Tensor sp = at::clamp_min(z, 0) + at::log1p(at::exp(-z.abs()));
    data = (sp - p.T * z).sum().item<double>() / n;
    G = (at::sigmoid(z) - p.T) / n;
  }
  const double wsq = W.pow(2).sum().item<double>();
  const double bsq = p.mode == Mode::kMultinomial ? 0.0 : b.pow(2).sum().item<double>();
  gW = G.t().mm(p.X) + p.lambda * W;
  gb = G.sum(0);
  if (p.mode != Mode::kMultinomial) gb = gb + p.lambda * b;
  return data + 0.5 * p.lambda * (wsq + bsq);
}

/// Accuracy (single-label) or micro-F1 (multilabel) of (W, b) on the given rows.
double score(const at::Tensor& X, const at::Tensor& y, const at::Tensor& T, const Problem& p, const at::Tensor& W, const at::Tensor& b) {
  if (X.size(0) == 0) return std::numeric_limits<double>::quiet_NaN();
  at::Tensor z = at::addmm(b, X, W.t());
  if (p.mode != Mode::kMultilabel) return (z + p.unseen).argmax(1).eq(y).to(at::kDouble).mean().item<double>();
  at::Tensor pred = z.ge(0);  // sigmoid(z) >= 0.5
  at::Tensor truth = T.gt(0.5);
  const double tp = (pred & truth).sum().item<double>();
  const double fp = (pred & truth.logical_not()).sum().item<double>();
  const double fn = (pred.logical_not() & truth).sum().item<double>();
  const double den = 2 * tp + fp + fn;
  return den > 0 ? 2 * tp / den : 0.0;
}

struct FitResult {
  int64_t iterations = 0, evals = 0;
  bool converged = false;
  double loss = 0, grad_max = 0;
};

FitResult fit(const Problem& p, at::Tensor& W, at::Tensor& b, const Options& o) {
  W.set_requires_grad(true);
  b.set_requires_grad(true);
  const int64_t max_eval = 3 * o.max_iter + 10;
  torch::optim::LBFGS opt({W, b}, torch::optim::LBFGSOptions(1.0)
                                      .max_iter(o.max_iter)
                                      .max_eval(max_eval)
                                      .tolerance_grad(o.tol_grad)
                                      .tolerance_change(o.tol_change)
                                      .history_size(o.history)
                                      .line_search_fn("strong_wolfe"));
  auto closure = [&]() -> at::Tensor {
    torch::NoGradGuard ng;
    at::Tensor gW, gb;
    const double l = loss_grad(p, W.detach(), b.detach(), gW, gb);
    W.mutable_grad() = gW;
    b.mutable_grad() = gb;
    return at::scalar_tensor(l, at::kDouble);
  };
  opt.step(closure);
  FitResult r;
  // LBFGS keeps its counters in the state of the first parameter (the key type differs between
  // LibTorch versions, so the map is walked instead of indexed).
  for (auto& kv : opt.state()) {
    if (auto* s = dynamic_cast<torch::optim::LBFGSParamState*>(kv.second.get())) {
      r.iterations = s->n_iter();
      r.evals = s->func_evals();
    }
  }
  torch::NoGradGuard ng;
  W.set_requires_grad(false);
  b.set_requires_grad(false);
  W.mutable_grad() = at::Tensor();
  b.mutable_grad() = at::Tensor();
  at::Tensor gW, gb;
  r.loss = loss_grad(p, W, b, gW, gb);
  r.grad_max = std::max(gW.abs().max().item<double>(), gb.abs().max().item<double>());
  // Converged: stopped by a tolerance (gradient, loss change or step size), not by the budget.
  r.converged = r.grad_max <= o.tol_grad || (r.iterations < o.max_iter && r.evals < max_eval);
  return r;
}

/// One binary L2-regularized logistic regression, liblinear's primal problem and TRON solver.
/// X: n x m row-major (the last column the constant 1 of the intercept), y: +-1.
class TronLR {
 public:
  TronLR(const double* X, const double* y, int64_t n, int64_t m, double C) : X_(X), y_(y), n_(n), m_(m), C_(C), z_(n), D_(n) {}

  /// f(w) = 0.5 ||w||^2 + C sum_i log(1 + exp(-y_i z_i)), z = X w (kept for grad).
  double fun(const std::vector<double>& w) {
    Xv(w.data(), z_.data());
    double f = 0;
    for (int64_t j = 0; j < m_; ++j) f += w[j] * w[j];
    f /= 2.0;
    for (int64_t i = 0; i < n_; ++i) {
      const double yz = y_[i] * z_[i];
      f += yz >= 0 ? C_ * std::log(1 + std::exp(-yz)) : C_ * (-yz + std::log(1 + std::exp(yz)));
    }
    return f;
  }
  /// Gradient at the w of the last fun() call; also the Hessian's diagonal weights D.
  void grad(const std::vector<double>& w, std::vector<double>& g) {
    std::vector<double> t(n_);
    for (int64_t i = 0; i < n_; ++i) {
      const double s = 1 / (1 + std::exp(-y_[i] * z_[i]));
      D_[i] = s * (1 - s);
      t[i] = C_ * (s - 1) * y_[i];
    }
    XTv(t.data(), g.data());
    for (int64_t j = 0; j < m_; ++j) g[j] += w[j];
  }
  /// Hessian-vector product at the w of the last grad() call.
  void Hv(const std::vector<double>& s, std::vector<double>& Hs) {
    std::vector<double> t(n_);
    Xv(s.data(), t.data());
    for (int64_t i = 0; i < n_; ++i) t[i] *= C_ * D_[i];
    XTv(t.data(), Hs.data());
    for (int64_t j = 0; j < m_; ++j) Hs[j] += s[j];
  }

 private:
  void Xv(const double* v, double* out) const {
    for (int64_t i = 0; i < n_; ++i) {
      const double* r = X_ + i * m_;
      double acc = 0;
      for (int64_t j = 0; j < m_; ++j) acc += r[j] * v[j];
      out[i] = acc;
    }
  }
  void XTv(const double* v, double* out) const {
    std::fill(out, out + m_, 0.0);
    for (int64_t i = 0; i < n_; ++i) {
      const double* r = X_ + i * m_;
      const double a = v[i];
      for (int64_t j = 0; j < m_; ++j) out[j] += a * r[j];
    }
  }
  const double* X_;
  const double* y_;
  int64_t n_, m_;
  double C_;
  std::vector<double> z_, D_;
};

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}
double nrm2(const std::vector<double>& a) { return std::sqrt(dot(a, a)); }
void axpy(double alpha, const std::vector<double>& x, std::vector<double>& y) {
  for (size_t i = 0; i < x.size(); ++i) y[i] += alpha * x[i];
}

/// Truncated conjugate gradient in the trust region (liblinear's TRON::trcg): s ~ -H^-1 g, ||s|| <= delta; r = -g - H s.
int trcg(TronLR& f, double delta, const std::vector<double>& g, std::vector<double>& s, std::vector<double>& r) {
  const size_t n = g.size();
  std::vector<double> d(n), Hd(n);
  for (size_t i = 0; i < n; ++i) {
    s[i] = 0;
    r[i] = -g[i];
    d[i] = r[i];
  }
  const double cgtol = 0.1 * nrm2(g);
  int cg_iter = 0;
  double rTr = dot(r, r);
  while (true) {
    if (nrm2(r) <= cgtol) break;
    cg_iter++;
    f.Hv(d, Hd);
    double alpha = rTr / dot(d, Hd);
    axpy(alpha, d, s);
    if (nrm2(s) > delta) {
      // Back to the boundary of the trust region along d.
      axpy(-alpha, d, s);
      const double std_ = dot(s, d), sts = dot(s, s), dtd = dot(d, d), dsq = delta * delta;
      const double rad = std::sqrt(std_ * std_ + dtd * (dsq - sts));
      alpha = std_ >= 0 ? (dsq - sts) / (std_ + rad) : (rad - std_) / dtd;
      axpy(alpha, d, s);
      axpy(-alpha, Hd, r);
      break;
    }
    axpy(-alpha, Hd, r);
    const double rnewTrnew = dot(r, r);
    const double beta = rnewTrnew / rTr;
    for (size_t i = 0; i < n; ++i) d[i] = r[i] + beta * d[i];
    rTr = rnewTrnew;
  }
  return cg_iter;
}

/// liblinear's TRON::tron from w = 0; returns the accepted iterations and whether the gradient test stopped it.
std::pair<int64_t, bool> tron(TronLR& f, std::vector<double>& w, double eps, int64_t max_iter) {
  const double eta0 = 1e-4, eta1 = 0.25, eta2 = 0.75;
  const double sigma1 = 0.25, sigma2 = 0.5, sigma3 = 4;
  const size_t n = w.size();
  std::vector<double> s(n), r(n), w_new(n), g(n);
  std::fill(w.begin(), w.end(), 0.0);
  double f_val = f.fun(w);
  f.grad(w, g);
  double delta = nrm2(g);
  const double gnorm1 = delta;
  double gnorm = gnorm1;
  bool search = !(gnorm <= eps * gnorm1);
  bool converged = !search;
  int64_t iter = 1;
  while (iter <= max_iter && search) {
    trcg(f, delta, g, s, r);
    w_new = w;
    axpy(1.0, s, w_new);
    const double gs = dot(g, s);
    const double prered = -0.5 * (gs - dot(s, r));
    const double fnew = f.fun(w_new);
    const double actred = f_val - fnew;
    const double snorm = nrm2(s);
    if (iter == 1) delta = std::min(delta, snorm);
    const double alpha = fnew - f_val - gs <= 0 ? sigma3 : std::max(sigma1, -0.5 * (gs / (fnew - f_val - gs)));
    if (actred < eta0 * prered)
      delta = std::min(std::max(alpha, sigma1) * snorm, sigma2 * delta);
    else if (actred < eta1 * prered)
      delta = std::max(sigma1 * delta, std::min(alpha * snorm, sigma2 * delta));
    else if (actred < eta2 * prered)
      delta = std::max(sigma1 * delta, std::min(alpha * snorm, sigma3 * delta));
    else
      delta = std::max(delta, std::min(alpha * snorm, sigma3 * delta));
    if (actred > eta0 * prered) {
      iter++;
      w = w_new;
      f_val = fnew;
      f.grad(w, g);  // z of fun(w_new) = z at the new w
      gnorm = nrm2(g);
      if (gnorm <= eps * gnorm1) {
        converged = true;
        break;
      }
    }
    if (f_val < -1.0e+32) break;
    if (std::fabs(actred) <= 0 && prered <= 0) break;
    if (std::fabs(actred) <= 1.0e-12 * std::fabs(f_val) && std::fabs(prered) <= 1.0e-12 * std::fabs(f_val)) break;
  }
  return {iter - 1, converged};
}

/// All classes (or labels) of one C with TRON, one binary problem each: W [K, d], b [K] on the rows of p.
FitResult fit_liblinear(const Problem& p, double C, at::Tensor& W, at::Tensor& b, const Options& o) {
  const int64_t n = p.X.size(0), d = p.X.size(1), K = p.T.size(1);
  at::Tensor Xb = at::cat({p.X.cpu(), at::ones({n, 1}, p.X.options().device(at::kCPU))}, 1).contiguous();
  at::Tensor T = p.T.cpu().contiguous();
  at::Tensor Wc = at::empty({K, d}, at::kDouble), bc = at::empty({K}, at::kDouble);
  // The classes are independent binary problems: fitted in parallel, each with its own buffers.
  std::vector<int64_t> iters(K);
  std::vector<char> ok(K);
  const double* Xp = Xb.data_ptr<double>();
  const double* Tp = T.data_ptr<double>();
  double* Wp = Wc.data_ptr<double>();
  double* bp = bc.data_ptr<double>();
  at::parallel_for(0, K, 1, [&](int64_t k0, int64_t k1) {
    std::vector<double> y(n), w(d + 1);
    for (int64_t k = k0; k < k1; ++k) {
      int64_t pos = 0;
      for (int64_t i = 0; i < n; ++i) {
        const bool positive = Tp[i * K + k] > 0.5;
        y[i] = positive ? 1.0 : -1.0;
        pos += positive;
      }
      const double eps = o.tron_tol * static_cast<double>(std::max<int64_t>(std::min(pos, n - pos), 1)) / static_cast<double>(n);
      TronLR f(Xp, y.data(), n, d + 1, C);
      const auto [it, converged] = tron(f, w, eps, o.tron_max_iter);
      iters[k] = it;
      ok[k] = converged;
      std::copy(w.begin(), w.begin() + d, Wp + k * d);
      bp[k] = w[d];
    }
  });
  FitResult r;
  r.converged = std::all_of(ok.begin(), ok.end(), [](char c) { return c != 0; });
  for (int64_t k = 0; k < K; ++k) {
    r.iterations = std::max(r.iterations, iters[k]);
    r.evals += iters[k];
  }
  W = Wc.to(p.X.device());
  b = bc.to(p.X.device());
  at::Tensor gW, gb;
  r.loss = loss_grad(p, W, b, gW, gb);
  r.grad_max = std::max(gW.abs().max().item<double>(), gb.abs().max().item<double>());
  return r;
}

}  // namespace

/// probeFit(X, labels, train, val, test, cGrid, options) -> [stats, W, b]
///   X: [N, D] floating embeddings; labels: [N] integer class ids, or [N, L] 0/1 (mode "multilabel");
///   train/val/test: 1-d integer node ids (val/test may be -1 = none; val is needed when the grid has
///   more than one value); cGrid: array of C > 0 (sorted ascending here);
///   options: { mode, numClasses, maxIter, tolGrad, tolChange, historySize, normalize, warmStart,
///   optimizer ("lbfgs" | "liblinear"), liblinearTol, liblinearMaxIter }.
///   stats: float64 [G, 9] per C (ascending): C, train, val, test metric (accuracy or micro-F1; NaN for
///   an empty split), iterations, function evaluations, converged (0/1), final objective, max|grad|.
///   W: float64 [G, K, D], b: float64 [G, K] (coefficients on the normalized embeddings).
WN_EXPORT(probeFit) {
  const at::Tensor& X0 = arg_tensor(info, 0);
  const at::Tensor& Y0 = arg_tensor(info, 1);
  WN_CHECK(info[5].IsArray(), "ERR_ARGUMENT", "probeFit: expected an array of C values");
  Napi::Array ca = info[5].As<Napi::Array>();
  std::vector<double> cs;
  for (uint32_t i = 0; i < ca.Length(); ++i) {
    const double c = ca.Get(i).As<Napi::Number>().DoubleValue();
    WN_CHECK(std::isfinite(c) && c > 0, "ERR_ARGUMENT", "probeFit: expected C values > 0 but received ", c);
    cs.push_back(c);
  }
  WN_CHECK(!cs.empty(), "ERR_ARGUMENT", "probeFit: expected at least one C value");
  std::sort(cs.begin(), cs.end());
  const Options o = read_options(info, 6);

  WN_CHECK(X0.dim() == 2, "ERR_SHAPE", "probeFit: expected embeddings of shape [N, D] but received ", shape_str(X0.sizes()));
  WN_CHECK(at::isFloatingType(X0.scalar_type()), "ERR_DTYPE", "probeFit: expected floating-point embeddings but received ",
           dtype_name(X0.scalar_type()));
  const int64_t n = X0.size(0), d = X0.size(1);
  WN_CHECK(n > 0 && d > 0, "ERR_SHAPE", "probeFit: expected non-empty embeddings but received shape ", shape_str(X0.sizes()));
  // The fits are small and sequential: float64 on the embeddings' device.
  at::Tensor X = X0.detach().to(at::kDouble).contiguous();
  {
    at::Tensor bad = at::isfinite(X).all(1).logical_not();
    if (bad.any().item<bool>()) {
      const int64_t row = bad.nonzero().select(1, 0)[0].item<int64_t>();
      fail("ERR_DATA", "probeFit: expected finite embeddings but row ", row, " contains NaN or Inf");
    }
  }
  if (o.normalize) X = X / X.norm(2, {1}, true).clamp_min(1e-12);

  const bool multilabel = o.mode == Mode::kMultilabel;
  int64_t k = 0;
  at::Tensor y, T;
  if (multilabel) {
    WN_CHECK(Y0.dim() == 2 && Y0.size(0) == n, "ERR_SHAPE", "probeFit: expected multi-label targets of shape [", n, ", L] but received ",
             shape_str(Y0.sizes()));
    T = Y0.detach().to(X.device(), at::kDouble);
    at::Tensor bad = T.ne(0).logical_and(T.ne(1));
    WN_CHECK(!bad.any().item<bool>(), "ERR_DATA", "probeFit: expected multi-label targets of 0 or 1");
    k = T.size(1);
    WN_CHECK(k >= 1, "ERR_SHAPE", "probeFit: expected at least one label column");
  } else {
    WN_CHECK(Y0.dim() == 1 && Y0.size(0) == n, "ERR_SHAPE", "probeFit: expected labels of shape [", n, "] but received ",
             shape_str(Y0.sizes()));
    WN_CHECK(!at::isFloatingType(Y0.scalar_type()) && Y0.scalar_type() != at::kBool, "ERR_DTYPE",
             "probeFit: expected integer class labels but received ", dtype_name(Y0.scalar_type()));
    y = Y0.detach().to(X.device(), at::kLong);
    const int64_t lo = y.min().item<int64_t>(), hi = y.max().item<int64_t>();
    k = o.num_classes > 0 ? o.num_classes : hi + 1;
    if (lo < 0 || hi >= k) {
      at::Tensor badIdx = (y.lt(0) | y.ge(k)).nonzero().select(1, 0);
      const int64_t i = badIdx[0].item<int64_t>();
      fail("ERR_DATA", "probeFit: expected labels in [0, ", k, ") but node ", i, " has label ", y[i].item<int64_t>());
    }
    WN_CHECK(k >= 2, "ERR_DATA", "probeFit: expected at least 2 classes but received ", k);
    T = at::one_hot(y, k).to(at::kDouble);
  }

  const at::Tensor tr = split_index(arg_opt_tensor(info, 2), n, "train", true).to(X.device());
  const at::Tensor va = split_index(arg_opt_tensor(info, 3), n, "val", cs.size() > 1).to(X.device());
  const at::Tensor te = split_index(arg_opt_tensor(info, 4), n, "test", false).to(X.device());

  Problem p;
  p.mode = o.mode;
  p.X = X.index_select(0, tr);
  p.T = T.index_select(0, tr);
  if (!multilabel) {
    p.y = y.index_select(0, tr);
    at::Tensor seen = at::bincount(p.y.cpu(), {}, k).gt(0).to(X.device());
    p.unseen = at::where(seen, at::zeros({k}, X.options()), at::full({k}, -1e30, X.options()));
  }
  const auto rows = [&](const at::Tensor& idx) {
    return std::make_tuple(X.index_select(0, idx), multilabel ? at::Tensor() : y.index_select(0, idx), T.index_select(0, idx));
  };
  const auto [Xva, yva, Tva] = rows(va);
  const auto [Xte, yte, Tte] = rows(te);

  const int64_t G = static_cast<int64_t>(cs.size());
  const auto dopt = X.options();
  at::Tensor stats = at::empty({G, 9}, at::kDouble);
  at::Tensor Ws = at::empty({G, k, d}, dopt), bs = at::empty({G, k}, dopt);
  at::Tensor W = at::zeros({k, d}, dopt), b = at::zeros({k}, dopt);
  auto st = stats.accessor<double, 2>();
  for (int64_t g = 0; g < G; ++g) {
    if (!o.warm_start) {
      W = at::zeros({k, d}, dopt);
      b = at::zeros({k}, dopt);
    }
    p.lambda = 1.0 / (cs[g] * static_cast<double>(p.X.size(0)));
    W = W.detach().clone();
    b = b.detach().clone();
    const FitResult r = o.liblinear ? fit_liblinear(p, cs[g], W, b, o) : fit(p, W, b, o);
    torch::NoGradGuard ng;
    st[g][0] = cs[g];
    st[g][1] = score(p.X, p.y, p.T, p, W, b);
    st[g][2] = score(Xva, yva, Tva, p, W, b);
    st[g][3] = score(Xte, yte, Tte, p, W, b);
    st[g][4] = static_cast<double>(r.iterations);
    st[g][5] = static_cast<double>(r.evals);
    st[g][6] = r.converged ? 1.0 : 0.0;
    st[g][7] = r.loss;
    st[g][8] = r.grad_max;
    Ws[g].copy_(W);
    bs[g].copy_(b);
  }
  return out_many(info, {stats, Ws, bs});
}
