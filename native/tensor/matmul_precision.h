// float32 matmul precision (PyTorch's torch.set_float32_matmul_precision): "highest" computes float32
// products in float32; "high" and "medium" let CUDA use TF32 (cuBLAS/cuDNN flags), and "medium" lets the
// CPU multiply in bfloat16 where it has native bf16 dot products (AVX512_BF16 or AMX): operands rounded
// to bf16, float32 accumulation (oneDNN), the product stored as bf16 and returned as float32 (what
// torch.autocast("cpu", torch.bfloat16) does around a product), at about 2x the float32 GEMM rate.
// Used by matmul, mm, bmm, addmm and linear; biases are added in float32.
#pragma once
#include "common/binding.h"

namespace wn {

/// True when a float32 product of this operand should run in bfloat16 (medium precision, CPU with bf16).
bool bf16_matmul(const at::Tensor& a);

/// The operand in the product's dtype: a bfloat16 copy under bf16_matmul, else itself. Autograd casts
/// the gradient back, so the backward products run in bfloat16 too and leaves get float32 gradients.
inline at::Tensor matmul_operand(const at::Tensor& t, bool bf16) { return bf16 ? t.to(at::kBFloat16) : t; }
/// The product back in float32 (a no-op when it was computed in float32).
inline at::Tensor matmul_result(const at::Tensor& t, bool bf16) { return bf16 ? t.to(at::kFloat) : t; }

}  // namespace wn
