// float32 matmul precision (PyTorch's torch.set_float32_matmul_precision): "highest" computes float32
// products in float32; "high" and "medium" let CUDA use TF32 (cuBLAS/cuDNN flags), and "medium" lets the
// CPU multiply in bfloat16 where it has native bf16 dot products (AVX512_BF16 or AMX): operands rounded
// to bf16, float32 accumulation (oneDNN), the product stored as bf16 and returned as float32 (what
// torch.autocast("cpu", torch.bfloat16) does around a product), at about 2x the float32 GEMM rate.
// Used by matmul, mm, bmm, addmm and linear; biases are added in float32.
#pragma once
#include "common/binding.h"

namespace wn {

/// The CPU multiplies bfloat16 natively (AVX512_BF16 or AMX), so "medium" changes CPU products.
bool cpu_bf16();

/// True when a float32 product of this operand should run in bfloat16 (medium precision, CPU with bf16).
bool bf16_matmul(const at::Tensor& a);

/// product(a', b') at the current precision: under bf16_matmul(a) the operands are bfloat16 copies and
/// the result comes back as float32 (autograd casts the gradients, so the backward products run in
/// bfloat16 too and leaves get float32 gradients); otherwise product(a, b) unchanged.
template <class F>
at::Tensor in_matmul_precision(const at::Tensor& a, const at::Tensor& b, F&& product) {
  if (!bf16_matmul(a)) return product(a, b);
  return product(a.to(at::kBFloat16), b.to(at::kBFloat16)).to(at::kFloat);
}

}  // namespace wn
