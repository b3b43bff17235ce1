// Fused CPU versions of ops a BGRL step runs on every [N, C] activation, with their own
// backward (LibTorch autograd Functions), used by the prelu and cosineSimilarity exports when the
// inputs are CPU float32/float64 (fused_cpu.h says when exactly):
//
// - PReLU y = x > 0 ? x : a_c x. LibTorch 1.13's prelu backward takes ~20 ms on [13752, 256] with one
//   shared slope (the slope's gradient is a slow reduction); here one pass gives dx and the slope's
//   gradient (per-thread partial sums): ~1-2 ms.
// - cosine similarity along dim 1 of two [N, D] matrices, with LibTorch 1.13's definition
//   cos = (a / max(|a|, eps)) . (b / max(|b|, eps)) and its gradient, in one pass per direction
//   instead of a composite of ~10 ops (8 ms forward, 22 ms with backward on [13752, 128]).
//   With n_a = max(|a|, eps), n_b = max(|b|, eps):
//     d cos / d a = b / (n_a n_b) - cos a / n_a^2,   d cos / d b = a / (n_a n_b) - cos b / n_b^2
//   (LibTorch's autograd takes d|a|/da = a / n_a with the clamped norm; checked against PyTorch 1.13
//   for rows below eps too).
// - BatchNorm1d followed by PReLU (BGRL's encoder layer): two passes forward and two backward, the
//   normalized values recomputed instead of stored (LibTorch: ~7 and ~10 passes over [N, C]).
#include "tensor/fused_cpu.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <vector>

#include "tensor/simd.h"

namespace wn::fused {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

bool float_cpu(const at::Tensor& t) { return t.device().is_cpu() && (t.scalar_type() == at::kFloat || t.scalar_type() == at::kDouble); }

// ---- PReLU ---------------------------------------------------------------------------------------

/// [outer, channels, inner] view of x for a weight with `channels` values (1: shared).
struct Layout {
  int64_t outer, channels, inner;
};
Layout layout(const at::Tensor& x, const at::Tensor& w) {
  const int64_t c = w.numel();
  if (c == 1) return {1, 1, x.numel()};
  int64_t inner = 1;
  for (int64_t d = 2; d < x.dim(); ++d) inner *= x.size(d);
  return {x.size(0), c, inner};
}

template <typename T>
WN_SIMD_CLONES void prelu_fwd_span(const T* __restrict__ x, T* __restrict__ y, int64_t n, T a) {
  constexpr int64_t L = 32 / sizeof(T);
  const Vec32<T> zero{};
  int64_t i = 0;
  for (; i + L <= n; i += L) {
    const Vec32<T> xv = load32(x + i);
    store32(y + i, xv > zero ? xv : a * xv);
  }
  for (; i < n; ++i) y[i] = x[i] > 0 ? x[i] : a * x[i];
}
/// Rows of c channels, one slope each: vectors along the channels.
template <typename T>
WN_SIMD_CLONES void prelu_fwd_rows(const T* __restrict__ x, T* __restrict__ y, int64_t rows, int64_t c, const T* __restrict__ w) {
  constexpr int64_t L = 32 / sizeof(T);
  const Vec32<T> zero{};
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * c;
    T* yr = y + r * c;
    int64_t j = 0;
    for (; j + L <= c; j += L) {
      const Vec32<T> xv = load32(xr + j);
      store32(yr + j, xv > zero ? xv : load32(w + j) * xv);
    }
    for (; j < c; ++j) yr[j] = xr[j] > 0 ? xr[j] : w[j] * xr[j];
  }
}
/// gx = x > 0 ? g : a g; returns sum over x <= 0 of x g (the slope's gradient), with vector
/// accumulators (a float reduction is not vectorized without them).
template <typename T>
WN_SIMD_CLONES T prelu_bwd_span(const T* __restrict__ x, const T* __restrict__ g, T* __restrict__ gx, int64_t n, T a) {
  constexpr int64_t L = 32 / sizeof(T);
  const Vec32<T> zero{};
  Vec32<T> acc{};
  int64_t i = 0;
  for (; i + L <= n; i += L) {
    const Vec32<T> xv = load32(x + i), gv = load32(g + i);
    const auto pos = xv > zero;
    store32(gx + i, pos ? gv : a * gv);
    acc += pos ? zero : xv * gv;
  }
  T s = 0;
  for (int64_t j = 0; j < L; ++j) s += acc[j];
  for (; i < n; ++i) {
    const bool pos = x[i] > 0;
    gx[i] = pos ? g[i] : a * g[i];
    s += pos ? T(0) : x[i] * g[i];
  }
  return s;
}
template <typename T>
WN_SIMD_CLONES void prelu_bwd_rows(const T* __restrict__ x, const T* __restrict__ g, T* __restrict__ gx, int64_t rows, int64_t c,
                                   const T* __restrict__ w, T* __restrict__ gw) {
  constexpr int64_t L = 32 / sizeof(T);
  const Vec32<T> zero{};
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t o = r * c;
    int64_t j = 0;
    for (; j + L <= c; j += L) {
      const Vec32<T> xv = load32(x + o + j), gv = load32(g + o + j);
      const auto pos = xv > zero;
      store32(gx + o + j, pos ? gv : load32(w + j) * gv);
      store32(gw + j, load32(gw + j) + (pos ? zero : xv * gv));
    }
    for (; j < c; ++j) {
      const bool pos = x[o + j] > 0;
      gx[o + j] = pos ? g[o + j] : w[j] * g[o + j];
      gw[j] += pos ? T(0) : x[o + j] * g[o + j];
    }
  }
}

/// Fixed chunks (one per thread), so partial sums have a place each and the result does not depend
/// on scheduling.
template <typename F>
void chunks(int64_t n, int64_t grain, F&& f) {
  const int64_t k = std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), n / std::max<int64_t>(grain, 1)));
  at::parallel_for(0, k, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) f(c, n * c / k, n * (c + 1) / k);
  });
}

constexpr int64_t kGrain = 32768;

at::Tensor prelu_values(const at::Tensor& x, const at::Tensor& w) {
  at::Tensor y = at::empty_like(x, at::MemoryFormat::Contiguous);
  const Layout l = layout(x, w);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "prelu", [&] {
    const scalar_t* xp = x.data_ptr<scalar_t>();
    scalar_t* yp = y.data_ptr<scalar_t>();
    const at::Tensor wc = w.contiguous();
    const scalar_t* wp = wc.data_ptr<scalar_t>();
    if (l.channels == 1) {
      chunks(l.inner, kGrain, [&](int64_t, int64_t i0, int64_t i1) { prelu_fwd_span<scalar_t>(xp + i0, yp + i0, i1 - i0, wp[0]); });
    } else if (l.inner == 1) {
      chunks(l.outer, kGrain / l.channels, [&](int64_t, int64_t r0, int64_t r1) {
        prelu_fwd_rows<scalar_t>(xp + r0 * l.channels, yp + r0 * l.channels, r1 - r0, l.channels, wp);
      });
    } else {
      chunks(l.outer * l.channels, std::max<int64_t>(1, kGrain / l.inner), [&](int64_t, int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b) prelu_fwd_span<scalar_t>(xp + b * l.inner, yp + b * l.inner, l.inner, wp[b % l.channels]);
      });
    }
  });
  return y;
}

std::pair<at::Tensor, at::Tensor> prelu_grads(const at::Tensor& x, const at::Tensor& w, const at::Tensor& g) {
  at::Tensor gx = at::empty_like(x, at::MemoryFormat::Contiguous);
  at::Tensor gw;
  const Layout l = layout(x, w);
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "prelu_backward", [&] {
    const scalar_t* xp = x.data_ptr<scalar_t>();
    const scalar_t* gp = g.data_ptr<scalar_t>();
    scalar_t* gxp = gx.data_ptr<scalar_t>();
    const at::Tensor wc = w.contiguous();
    const scalar_t* wp = wc.data_ptr<scalar_t>();
    const int threads = at::get_num_threads();
    std::vector<double> part(static_cast<size_t>(threads + 1) * l.channels, 0.0);
    if (l.channels == 1) {
      chunks(l.inner, kGrain,
             [&](int64_t c, int64_t i0, int64_t i1) { part[c] = prelu_bwd_span<scalar_t>(xp + i0, gp + i0, gxp + i0, i1 - i0, wp[0]); });
    } else if (l.inner == 1) {
      chunks(l.outer, kGrain / l.channels, [&](int64_t c, int64_t r0, int64_t r1) {
        std::vector<scalar_t> acc(static_cast<size_t>(l.channels), scalar_t(0));
        prelu_bwd_rows<scalar_t>(xp + r0 * l.channels, gp + r0 * l.channels, gxp + r0 * l.channels, r1 - r0, l.channels, wp, acc.data());
        for (int64_t j = 0; j < l.channels; ++j) part[c * l.channels + j] = acc[j];
      });
    } else {
      chunks(l.outer * l.channels, std::max<int64_t>(1, kGrain / l.inner), [&](int64_t c, int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b)
          part[c * l.channels + b % l.channels] +=
              prelu_bwd_span<scalar_t>(xp + b * l.inner, gp + b * l.inner, gxp + b * l.inner, l.inner, wp[b % l.channels]);
      });
    }
    gw = at::zeros({l.channels}, at::TensorOptions().dtype(at::kDouble));
    double* gwp = gw.data_ptr<double>();
    for (int t = 0; t <= threads; ++t)
      for (int64_t j = 0; j < l.channels; ++j) gwp[j] += part[t * l.channels + j];
  });
  return {gx, gw.to(w.scalar_type()).view(w.sizes())};
}

struct PReluFn : public torch::autograd::Function<PReluFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w) {
    const at::Tensor xc = x.contiguous();
    ctx->save_for_backward({xc, w});
    return prelu_values(xc, w);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto s = ctx->get_saved_variables();
    if (!grads[0].defined()) return {at::Tensor(), at::Tensor()};
    auto [gx, gw] = prelu_grads(s[0], s[1], grads[0].contiguous());
    return {ctx->needs_input_grad(0) ? gx : at::Tensor(), ctx->needs_input_grad(1) ? gw : at::Tensor()};
  }
};

// ---- cosine similarity ---------------------------------------------------------------------------

/// (a . b, a . a, b . b) of one row with vector accumulators.
template <typename T>
WN_SIMD_CLONES void dot3(const T* __restrict__ a, const T* __restrict__ b, int64_t n, T* __restrict__ r) {
  constexpr int64_t L = 32 / sizeof(T);
  Vec32<T> ab0{}, ab1{}, aa0{}, aa1{}, bb0{}, bb1{};
  int64_t i = 0;
  for (; i + 2 * L <= n; i += 2 * L) {
    const Vec32<T> x0 = load32(a + i), x1 = load32(a + i + L), y0 = load32(b + i), y1 = load32(b + i + L);
    ab0 += x0 * y0;
    ab1 += x1 * y1;
    aa0 += x0 * x0;
    aa1 += x1 * x1;
    bb0 += y0 * y0;
    bb1 += y1 * y1;
  }
  const Vec32<T> ab = ab0 + ab1, aa = aa0 + aa1, bb = bb0 + bb1;
  T sab = 0, saa = 0, sbb = 0;
  for (int64_t j = 0; j < L; ++j) {
    sab += ab[j];
    saa += aa[j];
    sbb += bb[j];
  }
  for (; i < n; ++i) {
    sab += a[i] * b[i];
    saa += a[i] * a[i];
    sbb += b[i] * b[i];
  }
  r[0] = sab;
  r[1] = saa;
  r[2] = sbb;
}

/// out = g (u / (n_u n_v) - cos u... ): ga = g (b * s1 - a * s2) for one row.
template <typename T>
WN_SIMD_CLONES void axpby(const T* __restrict__ a, const T* __restrict__ b, T* __restrict__ o, int64_t n, T sa, T sb) {
  for (int64_t i = 0; i < n; ++i) o[i] = sb * b[i] - sa * a[i];
}

/// Forward: out [N] and stats [N, 3] = (n_a, n_b, cos) for the backward.
template <typename T>
void cosine_forward_impl(const at::Tensor& a, const at::Tensor& b, double eps, at::Tensor& out, at::Tensor& stats) {
  const int64_t n = a.size(0), d = a.size(1);
  const T* ap = a.data_ptr<T>();
  const T* bp = b.data_ptr<T>();
  T* op = out.data_ptr<T>();
  T* sp = stats.data_ptr<T>();
  at::parallel_for(0, n, std::max<int64_t>(1, 16384 / std::max<int64_t>(d, 1)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      T s[3];
      dot3<T>(ap + r * d, bp + r * d, d, s);
      const T na = std::max<T>(std::sqrt(s[1]), static_cast<T>(eps)), nb = std::max<T>(std::sqrt(s[2]), static_cast<T>(eps));
      const T c = s[0] / na / nb;
      op[r] = c;
      sp[3 * r] = na;
      sp[3 * r + 1] = nb;
      sp[3 * r + 2] = c;
    }
  });
}

template <typename T>
void cosine_backward_impl(const at::Tensor& a, const at::Tensor& b, const at::Tensor& stats, const at::Tensor& g, at::Tensor* ga,
                          at::Tensor* gb) {
  const int64_t n = a.size(0), d = a.size(1);
  const T* ap = a.data_ptr<T>();
  const T* bp = b.data_ptr<T>();
  const T* sp = stats.data_ptr<T>();
  const T* gp = g.data_ptr<T>();
  T* gap = ga ? ga->data_ptr<T>() : nullptr;
  T* gbp = gb ? gb->data_ptr<T>() : nullptr;
  at::parallel_for(0, n, std::max<int64_t>(1, 16384 / std::max<int64_t>(d, 1)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const T na = sp[3 * r], nb = sp[3 * r + 1], c = sp[3 * r + 2], gr = gp[r];
      // ga = g (b / (na nb) - c a / na^2), gb = g (a / (na nb) - c b / nb^2)
      if (gap) axpby<T>(ap + r * d, bp + r * d, gap + r * d, d, gr * c / (na * na), gr / (na * nb));
      if (gbp) axpby<T>(bp + r * d, ap + r * d, gbp + r * d, d, gr * c / (nb * nb), gr / (na * nb));
    }
  });
}

struct CosineFn : public torch::autograd::Function<CosineFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& a, const at::Tensor& b, double eps) {
    const at::Tensor ac = a.contiguous(), bc = b.contiguous();
    at::Tensor out = at::empty({a.size(0)}, a.options());
    at::Tensor stats = at::empty({a.size(0), 3}, a.options());
    AT_DISPATCH_FLOATING_TYPES(a.scalar_type(), "cosine_similarity", [&] { cosine_forward_impl<scalar_t>(ac, bc, eps, out, stats); });
    ctx->save_for_backward({ac, bc, stats});
    return out;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto s = ctx->get_saved_variables();
    if (!grads[0].defined()) return {at::Tensor(), at::Tensor(), at::Tensor()};
    const at::Tensor g = grads[0].contiguous();
    at::Tensor ga, gb;
    if (ctx->needs_input_grad(0)) ga = at::empty_like(s[0]);
    if (ctx->needs_input_grad(1)) gb = at::empty_like(s[1]);
    AT_DISPATCH_FLOATING_TYPES(g.scalar_type(), "cosine_similarity_backward", [&] {
      cosine_backward_impl<scalar_t>(s[0], s[1], s[2], g, ga.defined() ? &ga : nullptr, gb.defined() ? &gb : nullptr);
    });
    return {ga, gb, at::Tensor()};
  }
};

// ---- BatchNorm (over rows) followed by PReLU ---------------------------------------------------------
//
// y = prelu(z), z = (x - mu) * invstd * gamma + beta over x [N, C], statistics per channel: in
// training the batch's (biased variance for z; running stats updated with the unbiased one, as
// torch.nn.BatchNorm1d), in eval the running ones. Backward recomputes z from x (z is not stored):
//   gz = gy * (z > 0 ? 1 : a),  ga = sum_{z <= 0} gy z,  gbeta = sum gz,  ggamma = sum gz xhat,
//   training: gx = gamma invstd (gz - gbeta / N - xhat ggamma / N);  eval: gx = gamma invstd gz.

// The loops run along the channels with explicit vectors (a `z > 0 ? z : a z` loop is otherwise
// compiled to a branch per element, mispredicted half the time), rows in blocks of kRowBlock whose
// partial sums are kept in T and then added into double accumulators.
constexpr int64_t kRowBlock = 64;

/// Calls f(j, lanes-wide?) over channel positions: vector steps, then the scalar tail.
template <typename T, typename V, typename S>
inline void over_channels(int64_t c, V&& vec, S&& scalar) {
  constexpr int64_t L = 32 / sizeof(T);
  int64_t j = 0;
  for (; j + L <= c; j += L) vec(j);
  for (; j < c; ++j) scalar(j);
}

/// Per-channel sums over rows [r0, r1) of x [*, c], shifted by k (robust variance), into double s1, s2.
template <typename T>
WN_SIMD_CLONES void channel_sums(const T* __restrict__ x, int64_t r0, int64_t r1, int64_t c, const T* __restrict__ k,
                                 double* __restrict__ s1, double* __restrict__ s2, T* __restrict__ p1, T* __restrict__ p2) {
  for (int64_t b0 = r0; b0 < r1; b0 += kRowBlock) {
    const int64_t b1 = std::min(r1, b0 + kRowBlock);
    std::fill(p1, p1 + c, T(0));
    std::fill(p2, p2 + c, T(0));
    for (int64_t r = b0; r < b1; ++r) {
      const T* xr = x + r * c;
      over_channels<T>(
          c,
          [&](int64_t j) {
            const Vec32<T> d = load32(xr + j) - load32(k + j);
            store32(p1 + j, load32(p1 + j) + d);
            store32(p2 + j, load32(p2 + j) + d * d);
          },
          [&](int64_t j) {
            const T d = xr[j] - k[j];
            p1[j] += d;
            p2[j] += d * d;
          });
    }
    for (int64_t j = 0; j < c; ++j) {
      s1[j] += p1[j];
      s2[j] += p2[j];
    }
  }
}

/// y = prelu(x * scale + shift) with per-channel scale, shift and slope.
template <typename T>
WN_SIMD_CLONES void bn_prelu_apply(const T* __restrict__ x, T* __restrict__ y, int64_t r0, int64_t r1, int64_t c,
                                   const T* __restrict__ scale, const T* __restrict__ shift, const T* __restrict__ slope) {
  const Vec32<T> zero{};
  for (int64_t r = r0; r < r1; ++r) {
    const T* xr = x + r * c;
    T* yr = y + r * c;
    over_channels<T>(
        c,
        [&](int64_t j) {
          const Vec32<T> z = load32(xr + j) * load32(scale + j) + load32(shift + j);
          store32(yr + j, z > zero ? z : load32(slope + j) * z);
        },
        [&](int64_t j) {
          const T z = xr[j] * scale[j] + shift[j];
          yr[j] = z > T(0) ? z : slope[j] * z;
        });
  }
}

/// First backward pass over rows [r0, r1): per channel sums of gz, gz * xhat and (z <= 0) gy z, into double.
template <typename T>
WN_SIMD_CLONES void bn_prelu_grad_sums(const T* __restrict__ x, const T* __restrict__ gy, int64_t r0, int64_t r1, int64_t c,
                                       const T* __restrict__ mean, const T* __restrict__ invstd, const T* __restrict__ scale,
                                       const T* __restrict__ shift, const T* __restrict__ slope, double* __restrict__ sg,
                                       double* __restrict__ sgx, double* __restrict__ sa, T* __restrict__ p) {
  T* pg = p;
  T* pgx = p + c;
  T* pa = p + 2 * c;
  const Vec32<T> zero{};
  for (int64_t b0 = r0; b0 < r1; b0 += kRowBlock) {
    const int64_t b1 = std::min(r1, b0 + kRowBlock);
    std::fill(p, p + 3 * c, T(0));
    for (int64_t r = b0; r < b1; ++r) {
      const T* xr = x + r * c;
      const T* gr = gy + r * c;
      over_channels<T>(
          c,
          [&](int64_t j) {
            const Vec32<T> xv = load32(xr + j), gv = load32(gr + j);
            const Vec32<T> z = xv * load32(scale + j) + load32(shift + j);
            const auto pos = z > zero;
            const Vec32<T> gz = pos ? gv : load32(slope + j) * gv;
            store32(pg + j, load32(pg + j) + gz);
            store32(pgx + j, load32(pgx + j) + gz * (xv - load32(mean + j)) * load32(invstd + j));
            store32(pa + j, load32(pa + j) + (pos ? zero : gv * z));
          },
          [&](int64_t j) {
            const T z = xr[j] * scale[j] + shift[j];
            const bool pos = z > T(0);
            const T gz = pos ? gr[j] : slope[j] * gr[j];
            pg[j] += gz;
            pgx[j] += gz * (xr[j] - mean[j]) * invstd[j];
            pa[j] += pos ? T(0) : gr[j] * z;
          });
    }
    for (int64_t j = 0; j < c; ++j) {
      sg[j] += pg[j];
      sgx[j] += pgx[j];
      sa[j] += pa[j];
    }
  }
}

/// Second backward pass: gx = k1 * gz - k2 - k3 * (x - mean), with per-channel k1, k2, k3.
template <typename T>
WN_SIMD_CLONES void bn_prelu_grad_x(const T* __restrict__ x, const T* __restrict__ gy, T* __restrict__ gx, int64_t r0, int64_t r1,
                                    int64_t c, const T* __restrict__ mean, const T* __restrict__ scale, const T* __restrict__ shift,
                                    const T* __restrict__ slope, const T* __restrict__ k1, const T* __restrict__ k2,
                                    const T* __restrict__ k3) {
  const Vec32<T> zero{};
  for (int64_t r = r0; r < r1; ++r) {
    const T* xr = x + r * c;
    const T* gr = gy + r * c;
    T* o = gx + r * c;
    over_channels<T>(
        c,
        [&](int64_t j) {
          const Vec32<T> xv = load32(xr + j), gv = load32(gr + j);
          const Vec32<T> z = xv * load32(scale + j) + load32(shift + j);
          const Vec32<T> gz = z > zero ? gv : load32(slope + j) * gv;
          store32(o + j, load32(k1 + j) * gz - load32(k2 + j) - load32(k3 + j) * (xv - load32(mean + j)));
        },
        [&](int64_t j) {
          const T z = xr[j] * scale[j] + shift[j];
          const T gz = z > T(0) ? gr[j] : slope[j] * gr[j];
          o[j] = k1[j] * gz - k2[j] - k3[j] * (xr[j] - mean[j]);
        });
  }
}

/// Per-thread chunks of rows, each with its own double accumulators of `per` x C values, summed in
/// a fixed order (the result depends on the thread count only through that split).
template <typename F>
std::vector<double> row_chunk_sums(int64_t n, int64_t c, int per, F&& f) {
  const int64_t k = std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), n * c / 32768));
  std::vector<double> acc(static_cast<size_t>(k * per * c), 0.0);
  at::parallel_for(0, k, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t t = c0; t < c1; ++t) f(n * t / k, n * (t + 1) / k, acc.data() + t * per * c);
  });
  std::vector<double> out(static_cast<size_t>(per * c), 0.0);
  for (int64_t t = 0; t < k; ++t)
    for (int64_t i = 0; i < per * c; ++i) out[i] += acc[t * per * c + i];
  return out;
}

template <typename F>
void row_chunks(int64_t n, int64_t c, F&& f) {
  at::parallel_for(0, n, std::max<int64_t>(1, 16384 / std::max<int64_t>(c, 1)), [&](int64_t r0, int64_t r1) { f(r0, r1); });
}

/// Per-channel values of t (empty: dflt; one value: repeated).
template <typename T>
std::vector<T> channel_vec(const at::Tensor& t, int64_t c, T dflt) {
  std::vector<T> v(static_cast<size_t>(c), dflt);
  if (!t.defined() || t.numel() == 0) return v;
  const at::Tensor tc = t.contiguous();
  const T* p = tc.data_ptr<T>();
  for (int64_t j = 0; j < c; ++j) v[j] = tc.numel() == 1 ? p[0] : p[j];
  return v;
}

struct BnPreluFn : public torch::autograd::Function<BnPreluFn> {
  /// gamma, beta: [C] or empty (1, 0); slope [1] or [C]; rm, rv: running statistics or empty.
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x_, const at::Tensor& gamma, const at::Tensor& beta,
                            const at::Tensor& slope, const at::Tensor& rm, const at::Tensor& rv, bool training, double momentum,
                            double eps) {
    const at::Tensor x = x_.contiguous();
    const int64_t n = x.size(0), c = x.size(1);
    at::Tensor y = at::empty_like(x);
    at::Tensor mean_t = at::empty({c}, x.options()), invstd_t = at::empty({c}, x.options());
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "batch_norm_prelu", [&] {
      using T = scalar_t;
      const T* xp = x.data_ptr<T>();
      std::vector<T> mean(c), invstd(c);
      if (training) {
        const std::vector<T> k(xp, xp + c);  // shift: the first row
        const std::vector<double> s = row_chunk_sums(n, c, 2, [&](int64_t r0, int64_t r1, double* a) {
          std::vector<T> p(2 * c);
          channel_sums<T>(xp, r0, r1, c, k.data(), a, a + c, p.data(), p.data() + c);
        });
        T* rmp = rm.numel() > 0 ? rm.data_ptr<T>() : nullptr;
        T* rvp = rv.numel() > 0 ? rv.data_ptr<T>() : nullptr;
        for (int64_t j = 0; j < c; ++j) {
          const double m = s[j] / n, var = std::max(0.0, s[c + j] / n - m * m);
          mean[j] = static_cast<T>(m + k[j]);
          invstd[j] = static_cast<T>(1.0 / std::sqrt(var + eps));
          if (rmp != nullptr) {
            rmp[j] = static_cast<T>((1 - momentum) * rmp[j] + momentum * (m + k[j]));
            rvp[j] = static_cast<T>((1 - momentum) * rvp[j] + momentum * var * n / std::max<int64_t>(n - 1, 1));
          }
        }
      } else {
        const T* rmp = rm.data_ptr<T>();
        const T* rvp = rv.data_ptr<T>();
        for (int64_t j = 0; j < c; ++j) {
          mean[j] = rmp[j];
          invstd[j] = static_cast<T>(1.0 / std::sqrt(static_cast<double>(rvp[j]) + eps));
        }
      }
      const std::vector<T> g = channel_vec<T>(gamma, c, T(1)), b = channel_vec<T>(beta, c, T(0)), a = channel_vec<T>(slope, c, T(0));
      std::vector<T> scale(c), shift(c);
      for (int64_t j = 0; j < c; ++j) {
        scale[j] = invstd[j] * g[j];
        shift[j] = b[j] - mean[j] * scale[j];
      }
      T* yp = y.data_ptr<T>();
      row_chunks(n, c, [&](int64_t r0, int64_t r1) { bn_prelu_apply<T>(xp, yp, r0, r1, c, scale.data(), shift.data(), a.data()); });
      std::copy(mean.begin(), mean.end(), mean_t.data_ptr<T>());
      std::copy(invstd.begin(), invstd.end(), invstd_t.data_ptr<T>());
    });
    ctx->save_for_backward({x, gamma, beta, slope, mean_t, invstd_t});
    ctx->saved_data["training"] = training;
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto s = ctx->get_saved_variables();
    const at::Tensor &x = s[0], &gamma = s[1], &beta = s[2], &slope = s[3], &mean_t = s[4], &invstd_t = s[5];
    const bool training = ctx->saved_data["training"].toBool();
    variable_list res(9);
    if (!grads[0].defined()) return res;
    const at::Tensor gy = grads[0].contiguous();
    const int64_t n = x.size(0), c = x.size(1);
    at::Tensor gx = at::empty_like(x);
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "batch_norm_prelu_backward", [&] {
      using T = scalar_t;
      const T* xp = x.data_ptr<T>();
      const T* gp = gy.data_ptr<T>();
      const T* mean = mean_t.data_ptr<T>();
      const T* invstd = invstd_t.data_ptr<T>();
      const std::vector<T> g = channel_vec<T>(gamma, c, T(1)), b = channel_vec<T>(beta, c, T(0)), a = channel_vec<T>(slope, c, T(0));
      std::vector<T> scale(c), shift(c);
      for (int64_t j = 0; j < c; ++j) {
        scale[j] = invstd[j] * g[j];
        shift[j] = b[j] - mean[j] * scale[j];
      }
      const std::vector<double> sums = row_chunk_sums(n, c, 3, [&](int64_t r0, int64_t r1, double* acc) {
        std::vector<T> p(3 * c);
        bn_prelu_grad_sums<T>(xp, gp, r0, r1, c, mean, invstd, scale.data(), shift.data(), a.data(), acc, acc + c, acc + 2 * c, p.data());
      });
      std::vector<T> k1(c), k2(c), k3(c);
      for (int64_t j = 0; j < c; ++j) {
        k1[j] = g[j] * invstd[j];
        k2[j] = training ? static_cast<T>(k1[j] * sums[j] / n) : T(0);
        k3[j] = training ? static_cast<T>(k1[j] * invstd[j] * sums[c + j] / n) : T(0);
      }
      T* gxp = gx.data_ptr<T>();
      row_chunks(n, c, [&](int64_t r0, int64_t r1) {
        bn_prelu_grad_x<T>(xp, gp, gxp, r0, r1, c, mean, scale.data(), shift.data(), a.data(), k1.data(), k2.data(), k3.data());
      });
      if (gamma.numel() > 0 && ctx->needs_input_grad(1)) {
        res[1] = at::empty({c}, x.options());
        for (int64_t j = 0; j < c; ++j) res[1].data_ptr<T>()[j] = static_cast<T>(sums[c + j]);
      }
      if (beta.numel() > 0 && ctx->needs_input_grad(2)) {
        res[2] = at::empty({c}, x.options());
        for (int64_t j = 0; j < c; ++j) res[2].data_ptr<T>()[j] = static_cast<T>(sums[j]);
      }
      if (ctx->needs_input_grad(3)) {
        at::Tensor ga = at::zeros({slope.numel()}, x.options().dtype(at::kDouble));
        double* gap = ga.data_ptr<double>();
        for (int64_t j = 0; j < c; ++j) gap[slope.numel() == 1 ? 0 : j] += sums[2 * c + j];
        res[3] = ga.to(x.scalar_type()).view(slope.sizes());
      }
    });
    res[0] = gx;
    return res;
  }
};

}  // namespace

bool prelu_applies(const at::Tensor& x, const at::Tensor& w) {
  return float_cpu(x) && w.device().is_cpu() && w.scalar_type() == x.scalar_type() && x.dim() >= 1 &&
         (w.numel() == 1 || (x.dim() >= 2 && w.numel() == x.size(1)));
}

at::Tensor prelu(const at::Tensor& x, const at::Tensor& w) {
  if (at::GradMode::is_enabled() && (x.requires_grad() || w.requires_grad())) return PReluFn::apply(x, w);
  return prelu_values(x.contiguous(), w);
}

bool cosine_applies(const at::Tensor& a, const at::Tensor& b, int64_t dim) {
  return float_cpu(a) && b.device().is_cpu() && a.scalar_type() == b.scalar_type() && a.dim() == 2 && a.sizes() == b.sizes() &&
         (dim == 1 || dim == -1);
}

at::Tensor cosine_similarity(const at::Tensor& a, const at::Tensor& b, double eps) { return CosineFn::apply(a, b, eps); }

bool batch_norm_prelu_applies(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta, const at::Tensor& slope) {
  const auto same = [&](const at::Tensor& t) { return !t.defined() || (t.device().is_cpu() && t.scalar_type() == x.scalar_type()); };
  return float_cpu(x) && x.dim() == 2 && same(gamma) && same(beta) && same(slope) && (slope.numel() == 1 || slope.numel() == x.size(1));
}

at::Tensor batch_norm_prelu(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta, const at::Tensor& slope,
                            const at::Tensor& rm, const at::Tensor& rv, bool training, double momentum, double eps) {
  // Absent tensors as empty ones (autograd's apply() needs defined tensors).
  const at::Tensor none = at::empty({0}, x.options());
  const auto or_none = [&](const at::Tensor& t) { return t.defined() ? t : none; };
  return BnPreluFn::apply(x, or_none(gamma), or_none(beta), slope, or_none(rm), or_none(rv), training, momentum, eps);
}

}  // namespace wn::fused
