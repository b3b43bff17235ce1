#include "common/handles.h"

namespace wn {

const char* kind_name(HandleKind k) {
  switch (k) {
    case HandleKind::Tensor:
      return "tensor";
    case HandleKind::Sparse:
      return "graph or sparse matrix";
    case HandleKind::Generator:
      return "generator";
    case HandleKind::Optimizer:
      return "optimizer";
    case HandleKind::ProcessGroup:
      return "process group";
    case HandleKind::Free:
      break;
  }
  return "freed";
}

Handles& Handles::instance() {
  static Handles h;
  return h;
}

Handles::Slot& Handles::claim(HandleKind k) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    WN_CHECK(slots_.size() < kSlotMask, "ERR_OUT_OF_MEMORY", "Expected fewer than ", kSlotMask,
             " live native objects but more were created: dispose ", k == HandleKind::Tensor ? "tensors or use tidy()" : "them");
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
    slots_.back().index = slot;
  }
  Slot& s = slots_[slot];
  s.tag = (s.tag & kGenMask) | (static_cast<uint32_t>(k) << kGenBits);
  ++live_[static_cast<size_t>(k)];
  return s;
}

void Handles::release(int32_t h, HandleKind k) {
  const uint32_t slot = static_cast<uint32_t>(h) & kSlotMask;
  if (h < 0 || slot >= slots_.size()) return;
  Slot& s = slots_[slot];
  if (s.tag != tag_of(h, k)) {
    if (find(h) != nullptr) wrong(h, k);  // live, another kind
    return;                               // freed already: dispose() is idempotent
  }
  // The contents are destroyed at the end, once the slot is consistent (a destructor may free handles).
  at::Tensor t = std::move(s.tensor);
  std::shared_ptr<void> o = k == HandleKind::Tensor ? nullptr : std::move(s.object);
  s.tag = (s.tag + 1) & kGenMask;  // next generation, kind Free
  free_.push_back(slot);
  --live_[static_cast<size_t>(k)];
}

/// "a tensor", "an optimizer".
static const char* article(HandleKind k) { return k == HandleKind::Optimizer ? "an " : "a "; }

void Handles::wrong(int32_t h, HandleKind expected) const {
  const Slot* s = find(h);
  if (s != nullptr)
    fail("ERR_ARGUMENT", "Expected ", article(expected), kind_name(expected), " handle but received ", article(kind_of(*s)),
         kind_name(kind_of(*s)), " handle: pass the ", kind_name(expected), " itself");
  if (expected == HandleKind::Tensor)
    fail("ERR_DISPOSED",
         "Expected a live tensor but received a disposed one: it was freed by dispose() or by the tidy() scope that created it; "
         "keep() it or return it from the scope");
  fail("ERR_DISPOSED", "Expected a live ", kind_name(expected), " but received a disposed one: it was freed by dispose()");
}

}  // namespace wn
