// A slot table of native objects that are not tensors (graphs, sparse matrices, generators), with the
// same handle scheme as common/handles.h: (generation << 20) | slot, so a stale id is ERR_DISPOSED.
#pragma once
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "common/errors.h"

namespace wn {

template <typename T>
class ObjectTable {
 public:
  static constexpr int kSlotBits = 20;
  static constexpr uint32_t kSlotMask = (1u << kSlotBits) - 1;
  static constexpr uint32_t kGenMask = (1u << 11) - 1;

  /// `what` names the object kind in error messages ("graph", "generator").
  explicit ObjectTable(const char* what) : what_(what) {}

  int32_t put(std::shared_ptr<T> obj) {
    uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      WN_CHECK(slots_.size() < kSlotMask, "ERR_OUT_OF_MEMORY", "Expected fewer than ", kSlotMask, " live ", what_,
               " objects but more were created: dispose them");
      slot = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
      gens_.push_back(0);
    }
    slots_[slot] = std::move(obj);
    ++live_;
    return static_cast<int32_t>((gens_[slot] << kSlotBits) | slot);
  }
  const std::shared_ptr<T>& get(int32_t id) const {
    if (!valid(id))
      fail("ERR_DISPOSED", "Expected a live ", what_, " but received a disposed one (id ", id, "): it was freed by dispose()");
    return slots_[static_cast<uint32_t>(id) & kSlotMask];
  }
  bool valid(int32_t id) const {
    const uint32_t slot = static_cast<uint32_t>(id) & kSlotMask;
    return id >= 0 && slot < slots_.size() && gens_[slot] == ((static_cast<uint32_t>(id) >> kSlotBits) & kGenMask) &&
           slots_[slot] != nullptr;
  }
  /// Frees an id; freeing a freed id is a no-op (dispose() is idempotent).
  void release(int32_t id) {
    if (!valid(id)) return;
    const uint32_t slot = static_cast<uint32_t>(id) & kSlotMask;
    slots_[slot].reset();
    gens_[slot] = (gens_[slot] + 1) & kGenMask;
    free_.push_back(slot);
    --live_;
  }
  size_t live() const { return live_; }
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& p : slots_)
      if (p) f(*p);
  }

 private:
  const char* what_;
  std::vector<std::shared_ptr<T>> slots_;
  std::vector<uint32_t> gens_;
  std::vector<uint32_t> free_;
  size_t live_ = 0;
};

}  // namespace wn
