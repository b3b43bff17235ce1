#include "common/handles.h"

namespace wn {

Handles& Handles::instance() {
  static Handles h;
  return h;
}

int32_t Handles::put(at::Tensor t) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    WN_CHECK(slots_.size() < kSlotMask, "ERR_OUT_OF_MEMORY",
             "Expected fewer than ", kSlotMask, " live tensors but more were created: dispose tensors or use tidy()");
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
    gens_.push_back(0);
  }
  slots_[slot] = std::move(t);
  ++live_;
  return static_cast<int32_t>((gens_[slot] << kSlotBits) | slot);
}

void Handles::release(int32_t h) {
  if (!valid(h)) return;
  const uint32_t slot = static_cast<uint32_t>(h) & kSlotMask;
  slots_[slot] = at::Tensor();
  gens_[slot] = (gens_[slot] + 1) & kGenMask;
  free_.push_back(slot);
  --live_;
}

void Handles::stale(int32_t h) const {
  fail("ERR_DISPOSED",
       "Expected a live tensor but received a disposed one: it was freed by dispose() or by the tidy() scope that created it; "
       "keep() it or return it from the scope");
}

}  // namespace wn
