// Fused CPU ops with their own backward (fused_cpu.cc): used by the prelu and cosineSimilarity
// exports when `*_applies` holds, LibTorch's composite ops otherwise (CUDA, other dtypes, shapes).
#pragma once
#include <torch/torch.h>

namespace wn::fused {

/// CPU float32/float64 x, weight of the same dtype with 1 value or one per channel (dim 1).
bool prelu_applies(const at::Tensor& x, const at::Tensor& w);
at::Tensor prelu(const at::Tensor& x, const at::Tensor& w);

/// CPU float32/float64 [N, D] a and b of the same shape and dtype, along dim 1.
bool cosine_applies(const at::Tensor& a, const at::Tensor& b, int64_t dim);
/// LibTorch 1.13's cosine_similarity(a, b, 1, eps) for such inputs.
at::Tensor cosine_similarity(const at::Tensor& a, const at::Tensor& b, double eps);

/// CPU float32/float64 x [N, C]; gamma, beta (either may be undefined), slope ([1] or [C]) of its dtype.
bool batch_norm_prelu_applies(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta, const at::Tensor& slope);
/// prelu(batch_norm(x)) as torch.nn.BatchNorm1d (PyTorch momentum semantics; running statistics,
/// when defined, updated in place in training) followed by torch.nn.PReLU, in two passes forward
/// and two backward (the normalized values are recomputed, not stored).
at::Tensor batch_norm_prelu(const at::Tensor& x, const at::Tensor& gamma, const at::Tensor& beta, const at::Tensor& slope,
                            const at::Tensor& rm, const at::Tensor& rv, bool training, double momentum, double eps);

}  // namespace wn::fused
