// Fused element loops shared by the optimizers and the EMA update (DESIGN D2: per-parameter work
// is native and fused). Each loop makes one pass over memory where PyTorch's reference makes 4-8
// (one per tensor op), and mirrors the reference's operation order so results agree with
// torch.optim to rounding.
//
// They run on contiguous CPU tensors of one floating dtype; everything else (CUDA, strided
// tensors, half types) takes the ATen-op path in the callers, which mirrors torch line by line.
#pragma once
#include <torch/torch.h>

#include <cmath>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace wn::fused {

/// Elements per parallel chunk: small parameters run on one thread without fork/join cost.
constexpr int64_t kGrain = 1 << 15;

/// True when the fused loops may run on these tensors (same dtype, CPU, contiguous, float/double).
inline bool eligible(std::initializer_list<const at::Tensor*> ts) {
  const at::Tensor& first = **ts.begin();
  const auto st = first.scalar_type();
  if (st != at::kFloat && st != at::kDouble) return false;
  for (const at::Tensor* t : ts) {
    if (!t->defined() || !t->device().is_cpu() || t->scalar_type() != st || !t->is_contiguous() || t->is_sparse()) return false;
  }
  return true;
}

struct AdamCoef {
  double beta1, beta2, eps;
  double l2;         // Adam's L2 term: grad + l2 * param (0 for AdamW)
  double decay_mul;  // AdamW's decoupled decay: param * decay_mul (1 for Adam)
  double bc2_sqrt;   // sqrt(1 - beta2^t)
  double step_size;  // lr / (1 - beta1^t)
};

#if defined(__SSE2__)
// GCC does not vectorize a loop that calls sqrt unless the whole file is built with
// -fno-math-errno (function attributes and pragmas do not reach it), so the Adam loop spells out
// SSE2 (baseline on x86-64). Each intrinsic is one IEEE operation, the same as the scalar tail.
struct SseF {
  using V = __m128;
  static constexpr int W = 4;
  static V load(const float* p) { return _mm_loadu_ps(p); }
  static void store(float* p, V v) { _mm_storeu_ps(p, v); }
  static V set1(float x) { return _mm_set1_ps(x); }
  static V add(V a, V b) { return _mm_add_ps(a, b); }
  static V mul(V a, V b) { return _mm_mul_ps(a, b); }
  static V div(V a, V b) { return _mm_div_ps(a, b); }
  static V sqrt(V a) { return _mm_sqrt_ps(a); }
};
struct SseD {
  using V = __m128d;
  static constexpr int W = 2;
  static V load(const double* p) { return _mm_loadu_pd(p); }
  static void store(double* p, V v) { _mm_storeu_pd(p, v); }
  static V set1(double x) { return _mm_set1_pd(x); }
  static V add(V a, V b) { return _mm_add_pd(a, b); }
  static V mul(V a, V b) { return _mm_mul_pd(a, b); }
  static V div(V a, V b) { return _mm_div_pd(a, b); }
  static V sqrt(V a) { return _mm_sqrt_pd(a); }
};
template <typename T>
struct Simd;
template <>
struct Simd<float> : SseF {};
template <>
struct Simd<double> : SseD {};
#endif

/// One Adam/AdamW update over [begin, end), in torch 1.13's order:
///   g = grad + l2 * p;  p *= decay_mul;  m = m * b1 + (1 - b1) * g;  v = v * b2 + ((1 - b2) * g) * g
///   p = p + (-step_size * m) / (sqrt(v) / bc2_sqrt + eps)
template <typename T>
void adam(T* __restrict p, const T* __restrict g, T* __restrict m, T* __restrict v, int64_t begin, int64_t end, const AdamCoef& c) {
  const T b1 = static_cast<T>(c.beta1), omb1 = static_cast<T>(1 - c.beta1);
  const T b2 = static_cast<T>(c.beta2), omb2 = static_cast<T>(1 - c.beta2);
  const T eps = static_cast<T>(c.eps), bc2s = static_cast<T>(c.bc2_sqrt), nss = static_cast<T>(-c.step_size);
  const T l2 = static_cast<T>(c.l2), dm = static_cast<T>(c.decay_mul);
  const bool has_l2 = c.l2 != 0, has_decay = c.decay_mul != 1;
  int64_t i = begin;
#if defined(__SSE2__)
  using S = Simd<T>;
  const auto vb1 = S::set1(b1), vomb1 = S::set1(omb1), vb2 = S::set1(b2), vomb2 = S::set1(omb2);
  const auto veps = S::set1(eps), vbc2s = S::set1(bc2s), vnss = S::set1(nss), vl2 = S::set1(l2), vdm = S::set1(dm);
  for (; i + S::W <= end; i += S::W) {
    auto pi = S::load(p + i);
    auto gi = S::load(g + i);
    if (has_l2) gi = S::add(gi, S::mul(vl2, pi));
    if (has_decay) pi = S::mul(pi, vdm);
    const auto mi = S::add(S::mul(S::load(m + i), vb1), S::mul(vomb1, gi));
    const auto vi = S::add(S::mul(S::load(v + i), vb2), S::mul(S::mul(vomb2, gi), gi));
    S::store(m + i, mi);
    S::store(v + i, vi);
    const auto denom = S::add(S::div(S::sqrt(vi), vbc2s), veps);
    S::store(p + i, S::add(pi, S::div(S::mul(vnss, mi), denom)));
  }
#endif
  for (; i < end; ++i) {
    const T pi0 = p[i];
    const T gi = has_l2 ? g[i] + l2 * pi0 : g[i];
    const T pi = has_decay ? pi0 * dm : pi0;
    const T mi = m[i] * b1 + omb1 * gi;
    const T vi = v[i] * b2 + (omb2 * gi) * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = pi + (nss * mi) / (std::sqrt(vi) / bc2s + eps);
  }
}

struct SgdCoef {
  double lr, weight_decay, momentum, dampening;
  bool nesterov;
  bool first;  // no momentum buffer yet: it starts as a copy of the (decayed) gradient
};

/// One SGD update over [begin, end), in torch 1.13's order:
///   d = grad + wd * p;  buf = first ? d : buf * mom + (1 - damp) * d;  d = nesterov ? d + mom * buf : buf
///   p = p + (-lr) * d
template <typename T>
void sgd(T* __restrict p, const T* __restrict g, T* __restrict buf, int64_t begin, int64_t end, const SgdCoef& c) {
  const T wd = static_cast<T>(c.weight_decay), mom = static_cast<T>(c.momentum), omd = static_cast<T>(1 - c.dampening);
  const T nlr = static_cast<T>(-c.lr);
  const bool has_wd = c.weight_decay != 0;
  if (c.momentum == 0) {
    for (int64_t i = begin; i < end; ++i) {
      const T d = has_wd ? g[i] + wd * p[i] : g[i];
      p[i] = p[i] + nlr * d;
    }
    return;
  }
  for (int64_t i = begin; i < end; ++i) {
    const T d = has_wd ? g[i] + wd * p[i] : g[i];
    const T b = c.first ? d : buf[i] * mom + omd * d;
    buf[i] = b;
    const T step = c.nesterov ? d + mom * b : b;
    p[i] = p[i] + nlr * step;
  }
}

/// target = target * m + (1 - m) * online over [begin, end) (BGRL: mul_(m).add_(online, alpha=1 - m)).
template <typename T>
void ema(T* __restrict t, const T* __restrict o, int64_t begin, int64_t end, double m) {
  const T mm = static_cast<T>(m), om = static_cast<T>(1 - m);
  for (int64_t i = begin; i < end; ++i) t[i] = t[i] * mm + om * o[i];
}

}  // namespace wn::fused
