// The one place where LibTorch 1.13 (Debian, CPU) and 2.x (PyTorch's, CUDA) differ for us.
// WN_TORCH_MAJOR / WN_TORCH_MINOR come from scripts/torch-config.cjs (version.h of the LibTorch found).
#pragma once
#include <torch/torch.h>
#ifdef WN_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAStream.h>
#endif

#ifndef WN_TORCH_MAJOR
#define WN_TORCH_MAJOR TORCH_VERSION_MAJOR
#define WN_TORCH_MINOR TORCH_VERSION_MINOR
#endif
#define WN_TORCH_AT_LEAST(maj, min) (WN_TORCH_MAJOR > (maj) || (WN_TORCH_MAJOR == (maj) && WN_TORCH_MINOR >= (min)))

namespace wn::compat {

/// True when the exception is LibTorch's out-of-memory error: c10::OutOfMemoryError, raised by the
/// CUDA caching allocator since 1.13. (1.13's default CPU allocator raises a plain c10::Error; ours,
/// tensor/host_allocator.cc, throws std::bad_alloc, which guarded() maps to ERR_OUT_OF_MEMORY.)
inline bool is_oom(const c10::Error& e) { return dynamic_cast<const c10::OutOfMemoryError*>(&e) != nullptr; }

/// Singular values, batched over leading dimensions, differentiable.
inline at::Tensor svdvals(const at::Tensor& a) {
#if WN_TORCH_AT_LEAST(2, 0)
  // 2.x: the driver argument only matters on CUDA; cuSOLVER's gesvdj is fastest for the
  // small batched matrices we decompose (weights, covariances).
  return at::linalg_svdvals(a, a.is_cuda() ? c10::optional<c10::string_view>("gesvdj") : c10::nullopt);
#else
  return at::linalg_svdvals(a);
#endif
}

struct CudaMemory {
  bool present = false;
  int64_t allocated = 0, reserved = 0, peakAllocated = 0;
};

/// Caching-allocator statistics of one CUDA device (the struct moved namespaces in 2.x).
inline CudaMemory cuda_memory(int device) {
  CudaMemory m;
#ifdef WN_WITH_CUDA
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device);
  constexpr size_t kAggregate = 0;  // StatType::AGGREGATE in both versions
  m.present = true;
  m.allocated = stats.allocated_bytes[kAggregate].current;
  m.reserved = stats.reserved_bytes[kAggregate].current;
  m.peakAllocated = stats.allocated_bytes[kAggregate].peak;
#endif
  return m;
}

inline void cuda_reset_peak(int device) {
#ifdef WN_WITH_CUDA
  c10::cuda::CUDACachingAllocator::resetPeakStats(device);
#endif
}

}  // namespace wn::compat
