// A typed view of the one handle table (common/handles.h) for one kind of native object other than
// tensors (graphs and sparse matrices, generators, optimizers): same handles, same ERR_DISPOSED for a
// freed handle, ERR_ARGUMENT for a handle of another kind.
#pragma once
#include <cstdint>
#include <memory>
#include <utility>

#include "common/handles.h"

namespace wn {

template <typename T>
class ObjectTable {
 public:
  explicit constexpr ObjectTable(HandleKind kind) : kind_(kind) {}

  int32_t put(std::shared_ptr<T> obj) const { return Handles::instance().put(kind_, std::move(obj)); }
  /// The object behind `id` (a shared pointer: the table may grow while the caller holds it).
  std::shared_ptr<T> get(int32_t id) const { return std::static_pointer_cast<T>(Handles::instance().object(id, kind_)); }
  bool valid(int32_t id) const { return Handles::instance().valid(id, kind_); }
  /// Frees an id; freeing a freed id is a no-op (dispose() is idempotent).
  void release(int32_t id) const { Handles::instance().release(id, kind_); }
  size_t live() const { return Handles::instance().live(kind_); }
  template <typename F>
  void for_each(F&& f) const {
    Handles::instance().for_each_object(kind_, [&](const std::shared_ptr<void>& p) { f(*static_cast<const T*>(p.get())); });
  }

 private:
  HandleKind kind_;
};

}  // namespace wn
