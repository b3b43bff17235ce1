// setMatmulPrecision and the bf16 checks (see matmul_precision.h).
#include "tensor/matmul_precision.h"

#include <atomic>

using namespace wn;

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace {

// 0 highest, 1 high, 2 medium (at::Float32MatmulPrecision's order reversed to read as "less precise").
std::atomic<int> g_precision{0};

const char* const kNames[] = {"highest", "high", "medium"};

}  // namespace

bool wn::cpu_bf16() {
  static const bool has = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16") || __builtin_cpu_supports("amx-bf16");
  }();
  return has;
}

bool wn::bf16_matmul(const at::Tensor& a) {
  return g_precision.load(std::memory_order_relaxed) == 2 && a.scalar_type() == at::kFloat && a.device().is_cpu() && cpu_bf16();
}

WN_EXPORT(setMatmulPrecision) {
  const std::string s = arg_str(info, 0);
  int p = -1;
  for (int i = 0; i < 3; ++i)
    if (s == kNames[i]) p = i;
  WN_CHECK(p >= 0, "ERR_ARGUMENT", "setMatmulPrecision: expected highest, high or medium but received '", s, "'");
  g_precision.store(p);
  // CUDA: TF32 for "high" and "medium", as PyTorch does.
  at::globalContext().setFloat32MatmulPrecision(s);
  return info.Env().Undefined();
}
