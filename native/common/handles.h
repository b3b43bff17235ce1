// Every native object JS holds (tensors, graphs and sparse matrices, generators, optimizers, process groups) lives in
// ONE slot table; JS holds plain integer handles (DESIGN D3: about 1.7 us per op + dispose, against
// about 4.1 us for one Napi::ObjectWrap per result). A handle is (generation << 20) | slot, so a stale
// handle to a reused slot is caught as ERR_DISPOSED; each slot carries the kind of what it holds, so a
// graph handle passed where a tensor is expected is ERR_ARGUMENT naming both kinds.
// Tensors are stored inline (the fast path: one bounds, generation and kind test per argument, no map);
// other objects as type-erased shared pointers, reached through the typed view in object_table.h.
#pragma once
#include <torch/torch.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/errors.h"

namespace wn {

/// What a slot holds; the same names as the branded handle types of src/native/addon.ts.
enum class HandleKind : uint8_t { Free = 0, Tensor, Sparse, Generator, Optimizer, ProcessGroup };
constexpr size_t kKinds = 6;
const char* kind_name(HandleKind k);

class Handles {
 public:
  static constexpr int32_t kNone = -1;
  static constexpr int kSlotBits = 20;
  static constexpr uint32_t kSlotMask = (1u << kSlotBits) - 1;
  static constexpr uint32_t kGenMask = (1u << 11) - 1;  // 2^kGenBits - 1

  static Handles& instance();

  int32_t put(at::Tensor t) {
    Slot& s = claim(HandleKind::Tensor);
    s.tensor = std::move(t);
    return handle_of(s);
  }
  int32_t put(HandleKind k, std::shared_ptr<void> obj) {
    Slot& s = claim(k);
    s.object = std::move(obj);
    return handle_of(s);
  }
  /// The tensor behind `h`: ERR_DISPOSED when freed, ERR_ARGUMENT when it holds another kind.
  const at::Tensor& get(int32_t h) const {
    const uint32_t slot = static_cast<uint32_t>(h) & kSlotMask;
    // One compare tests generation and kind together (the per-op cost, DESIGN D3).
    if (h < 0 || slot >= slots_.size() || slots_[slot].tag != tag_of(h, HandleKind::Tensor)) wrong(h, HandleKind::Tensor);
    return slots_[slot].tensor;
  }
  /// The object of kind `k` behind `h` (same errors as get()).
  const std::shared_ptr<void>& object(int32_t h, HandleKind k) const {
    const uint32_t slot = static_cast<uint32_t>(h) & kSlotMask;
    if (h < 0 || slot >= slots_.size() || slots_[slot].tag != tag_of(h, k)) wrong(h, k);
    return slots_[slot].object;
  }
  /// Live and of kind `k`.
  bool valid(int32_t h, HandleKind k = HandleKind::Tensor) const {
    const uint32_t slot = static_cast<uint32_t>(h) & kSlotMask;
    return h >= 0 && slot < slots_.size() && slots_[slot].tag == tag_of(h, k);
  }
  /// Frees a handle of kind `k`; freeing an already-freed handle is a no-op (dispose() is idempotent),
  /// freeing a live handle of another kind is ERR_ARGUMENT.
  void release(int32_t h, HandleKind k = HandleKind::Tensor);
  /// Live handles of kind `k`.
  size_t live(HandleKind k = HandleKind::Tensor) const { return live_[static_cast<size_t>(k)]; }
  /// Calls f(tensor) for every live tensor.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& s : slots_)
      if (kind_of(s) == HandleKind::Tensor) f(s.tensor);
  }
  /// Calls f(object) for every live object of kind `k`.
  template <typename F>
  void for_each_object(HandleKind k, F&& f) const {
    for (const auto& s : slots_)
      if (kind_of(s) == k) f(s.object);
  }

 private:
  struct Slot {
    at::Tensor tensor;
    std::shared_ptr<void> object;
    /// generation | kind << kGenBits: what a live handle to this slot must match.
    uint32_t tag = 0;
    uint32_t index = 0;
  };
  static constexpr int kGenBits = 11;
  /// The tag a live slot of kind `k` has for handle `h`.
  static uint32_t tag_of(int32_t h, HandleKind k) {
    return ((static_cast<uint32_t>(h) >> kSlotBits) & kGenMask) | (static_cast<uint32_t>(k) << kGenBits);
  }
  static HandleKind kind_of(const Slot& s) { return static_cast<HandleKind>(s.tag >> kGenBits); }
  static int32_t handle_of(const Slot& s) { return static_cast<int32_t>(((s.tag & kGenMask) << kSlotBits) | s.index); }
  /// The live slot of `h`, whatever its kind, or nullptr (negative, out of range, freed, stale).
  const Slot* find(int32_t h) const {
    const uint32_t slot = static_cast<uint32_t>(h) & kSlotMask;
    if (h < 0 || slot >= slots_.size()) return nullptr;
    const Slot& s = slots_[slot];
    return (s.tag & kGenMask) == ((static_cast<uint32_t>(h) >> kSlotBits) & kGenMask) && kind_of(s) != HandleKind::Free ? &s : nullptr;
  }
  Slot& claim(HandleKind k);
  [[noreturn]] void wrong(int32_t h, HandleKind expected) const;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  std::array<size_t, kKinds> live_{};
};

}  // namespace wn
