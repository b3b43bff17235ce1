// Batched spectra for the collapse diagnostics (DESIGN D7): singular values of many matrices in one
// call, grouped by shape into one batched decomposition per shape; mean pairwise cosine without an
// N x N matrix; DirectCLR alignment matrices between consecutive layers.
#include <cmath>
#include <map>
#include <tuple>

#include "common/binding.h"

using namespace wn;

WN_ERRORS(Shape);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace {

/// A matrix view of a tensor: 2-d as is, more dims flattened to [size(0), -1] (conv-style weights).
at::Tensor as_matrix(const at::Tensor& t, const char* op, size_t i) {
  WN_CHECK(t.dim() >= 2, "ERR_SHAPE", op, ": expected matrices (2 or more dims) but tensor ", i, " has shape ", shape_str(t.sizes()));
  WN_CHECK(at::isFloatingType(t.scalar_type()), "ERR_DTYPE", op, ": expected floating-point tensors but tensor ", i, " has dtype ",
           dtype_name(t.scalar_type()));
  WN_CHECK(t.numel() > 0, "ERR_SHAPE", op, ": expected non-empty matrices but tensor ", i, " has shape ", shape_str(t.sizes()));
  at::Tensor m = t.detach();
  if (m.dim() > 2) m = m.reshape({m.size(0), -1});
  return m;
}

/// Singular values (descending) of a batch [B, r, c] in float64. Tall or wide batches go through the
/// Gram matrix (min(r, c)^2 instead of r * c workspace, and much faster for N x D embeddings); in
/// float64 the values are accurate to about 1e-8 * s_max, below the noise of float32 inputs.
at::Tensor batched_svals(const at::Tensor& a) {
  const int64_t r = a.size(1), c = a.size(2);
  if (r >= 2 * c || c >= 2 * r) {
    at::Tensor g = r >= c ? a.transpose(1, 2).bmm(a) : a.bmm(a.transpose(1, 2));
    return at::linalg_eigvalsh(g).clamp_min(0).sqrt().flip({-1});
  }
  return compat::svdvals(a);
}

void check_finite(const at::Tensor& m, const char* op, size_t i) {
  WN_CHECK(at::isfinite(m).all().item<bool>(), "ERR_DATA", op, ": expected finite values but tensor ", i, " contains NaN or Inf");
}

/// Columns of `vecs` (the vectors) with signs such that each one's largest-magnitude entry is positive.
at::Tensor pair_signs(const at::Tensor& vecs) {
  at::Tensor pick = vecs.abs().argmax(0, true);
  at::Tensor sign = vecs.gather(0, pick).sign();
  return at::where(sign.eq(0), at::ones_like(sign), sign);  // [1, k]
}

}  // namespace

/// spectraByShape(handles, center, rowNormalize) -> float64 1-d: the singular values (descending) of
/// each matrix, concatenated in input order (matrix i contributes min(rows, cols) values). Matrices of
/// one shape and device are stacked and decomposed in one batched call. `center` subtracts each
/// column's mean (covariance spectra); `rowNormalize` l2-normalizes rows first (SVMax).
WN_EXPORT(spectraByShape) {
  const std::vector<at::Tensor> ts = arg_tensors(info, 0);
  const bool center = arg_present(info, 1) && arg_bool(info, 1);
  const bool row_norm = arg_present(info, 2) && arg_bool(info, 2);
  WN_CHECK(!ts.empty(), "ERR_ARGUMENT", "spectraByShape: expected at least one tensor");
  std::vector<at::Tensor> ms;
  ms.reserve(ts.size());
  std::map<std::tuple<int64_t, int64_t, std::string>, std::vector<size_t>> groups;
  for (size_t i = 0; i < ts.size(); ++i) {
    ms.push_back(as_matrix(ts[i], "spectraByShape", i));
    groups[{ms[i].size(0), ms[i].size(1), ms[i].device().str()}].push_back(i);
  }
  std::vector<at::Tensor> result(ms.size());
  torch::NoGradGuard ng;
  for (const auto& [key, idx] : groups) {
    std::vector<at::Tensor> batch;
    batch.reserve(idx.size());
    for (size_t i : idx) batch.push_back(ms[i]);
    at::Tensor a = at::stack(batch).to(at::kDouble);
    if (row_norm) a = a / a.norm(2, {2}, true).clamp_min(1e-12);
    if (center) a = a - a.mean({1}, true);
    // Non-finite input gives non-finite values or a LAPACK error; only then are the inputs scanned,
    // to name the bad tensor (a full pass over large embeddings otherwise).
    at::Tensor s;
    try {
      s = batched_svals(a).cpu();
    } catch (const c10::Error&) {
      for (size_t i : idx) check_finite(ms[i], "spectraByShape", i);
      throw;
    }
    if (!at::isfinite(s).all().item<bool>()) {
      for (size_t i : idx) check_finite(ms[i], "spectraByShape", i);
    }
    for (size_t j = 0; j < idx.size(); ++j) result[idx[j]] = s[static_cast<int64_t>(j)];
  }
  return out(info, at::cat(result));
}

/// meanPairwiseCosine(handles, eps) -> float64 [k]: for each [N, D] matrix, the mean cosine similarity
/// over the N (N - 1) ordered pairs of distinct rows, in O(N D): with u_i = x_i / max(||x_i||, eps),
/// sum_{i != j} u_i.u_j = ||sum_i u_i||^2 - sum_i ||u_i||^2 (zero rows count as cosine 0).
WN_EXPORT(meanPairwiseCosine) {
  const std::vector<at::Tensor> ts = arg_tensors(info, 0);
  const double eps = arg_present(info, 1) ? arg_num(info, 1) : 1e-12;
  torch::NoGradGuard ng;
  at::Tensor res = at::empty({static_cast<int64_t>(ts.size())}, at::kDouble);
  for (size_t i = 0; i < ts.size(); ++i) {
    at::Tensor m = as_matrix(ts[i], "meanPairwiseCosine", i);
    const int64_t n = m.size(0);
    WN_CHECK(n >= 2, "ERR_SHAPE", "meanPairwiseCosine: expected at least 2 rows but tensor ", i, " has shape ", shape_str(m.sizes()));
    // sum_i u_i = X^T (1 / max(||x_i||, eps)) as one matrix-vector product; ||u_i||^2 from the norms.
    at::Tensor x = m.to(at::kDouble);
    at::Tensor norms = x.norm(2, {1});
    at::Tensor inv = norms.clamp_min(eps).reciprocal();
    const double total = x.t().mv(inv).pow(2).sum().item<double>();
    const double self = (norms * inv).pow(2).sum().item<double>();
    if (!std::isfinite(total) || !std::isfinite(self)) check_finite(m, "meanPairwiseCosine", i);
    res[static_cast<int64_t>(i)] = (total - self) / (static_cast<double>(n) * static_cast<double>(n - 1));
  }
  return out(info, res);
}

/// alignmentChain(handles) -> L - 1 float64 matrices: for consecutive weights W_l [out_l, in_l] (the
/// torch.nn.Linear layout, y = W x) with W_l = U_l S_l V_l^T, A_l = V_{l+1}^T U_l of shape
/// [min(out_{l+1}, in_{l+1}), min(out_l, in_l)] (DirectCLR, Jing et al. 2022, Fig. 5). Singular-vector
/// signs are fixed (largest entry of u_i of U_l, of v_i of V_{l+1} positive) so that V_{l+1} = U_l
/// gives exactly the identity.
WN_EXPORT(alignmentChain) {
  const std::vector<at::Tensor> ts = arg_tensors(info, 0);
  WN_CHECK(ts.size() >= 2, "ERR_ARGUMENT", "alignmentChain: expected at least 2 weight matrices but received ", ts.size());
  std::vector<at::Tensor> ms;
  for (size_t i = 0; i < ts.size(); ++i) {
    at::Tensor m = as_matrix(ts[i], "alignmentChain", i);
    WN_CHECK(ts[i].dim() == 2, "ERR_SHAPE", "alignmentChain: expected 2-d weights but tensor ", i, " has shape ", shape_str(ts[i].sizes()));
    if (i > 0) {
      WN_CHECK(m.size(1) == ms.back().size(0), "ERR_SHAPE", "alignmentChain: expected layer ", i, " to take the ", ms.back().size(0),
               " outputs of layer ", i - 1, " (weights [out, in]) but received shapes ", shape_str(ms.back().sizes()), " and ",
               shape_str(m.sizes()));
    }
    ms.push_back(m.to(at::kDouble));
    check_finite(ms.back(), "alignmentChain", i);
  }
  torch::NoGradGuard ng;
  // One SVD per layer; a middle layer serves as "next" (its V) and as "this" (its U).
  std::vector<at::Tensor> Us, Vs;
  for (const at::Tensor& m : ms) {
    auto r = at::linalg_svd(m, false);
    Us.push_back(std::get<0>(r));
    Vs.push_back(std::get<2>(r).t());  // columns v_i
  }
  std::vector<at::Tensor> out_ts;
  for (size_t l = 0; l + 1 < ms.size(); ++l) {
    // Flipping (u_i, v_i) together keeps W = U S V^T; each matrix's vectors get the canonical sign
    // of the role it plays here.
    at::Tensor U = Us[l] * pair_signs(Us[l]);
    at::Tensor V = Vs[l + 1] * pair_signs(Vs[l + 1]);
    out_ts.push_back(V.t().mm(U).cpu());
  }
  return out_many(info, out_ts);
}
