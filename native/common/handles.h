// Tensors live in a native slot table; JS holds plain integer handles (DESIGN D3: about 1.7 us per
// op + dispose, against about 4.1 us for one Napi::ObjectWrap per result).
// A handle is (generation << 20) | slot, so a stale handle to a reused slot is caught as ERR_DISPOSED.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "common/errors.h"

namespace wn {

class Handles {
 public:
  static constexpr int32_t kNone = -1;
  static constexpr int kSlotBits = 20;
  static constexpr uint32_t kSlotMask = (1u << kSlotBits) - 1;
  static constexpr uint32_t kGenMask = (1u << 11) - 1;

  static Handles& instance();

  int32_t put(at::Tensor t);
  const at::Tensor& get(int32_t h) const {
    const uint32_t slot = static_cast<uint32_t>(h) & kSlotMask;
    if (h < 0 || slot >= slots_.size() || gens_[slot] != ((static_cast<uint32_t>(h) >> kSlotBits) & kGenMask) || !slots_[slot].defined()) stale(h);
    return slots_[slot];
  }
  bool valid(int32_t h) const {
    const uint32_t slot = static_cast<uint32_t>(h) & kSlotMask;
    return h >= 0 && slot < slots_.size() && gens_[slot] == ((static_cast<uint32_t>(h) >> kSlotBits) & kGenMask) && slots_[slot].defined();
  }
  /// Frees a handle; freeing an already-freed handle is a no-op (dispose() is idempotent).
  void release(int32_t h);
  size_t live() const { return live_; }
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& t : slots_)
      if (t.defined()) f(t);
  }

 private:
  [[noreturn]] void stale(int32_t h) const;
  std::vector<at::Tensor> slots_;
  std::vector<uint32_t> gens_;
  std::vector<uint32_t> free_;
  size_t live_ = 0;
};

}  // namespace wn
