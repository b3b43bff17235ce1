// A CPU allocator for LibTorch that keeps large blocks for reuse (DESIGN D2: speed of a step).
//
// Why: a training step allocates and frees the same large activations every step (Coauthor CS:
// [18333, 512] float32 = 37.5 MB). glibc serves blocks above its mmap threshold (at most 32 MiB)
// with a fresh mmap and returns them with munmap, so every step page-faults them in again and the
// kernel zeroes every page: measured ~0.6 s of system time per Coauthor-CS step with 2 threads
// (perf: clear_page_erms, exc_page_fault). Here, blocks of at least kLarge bytes are mapped
// 2 MiB-aligned with MADV_HUGEPAGE (fewer TLB misses in the gather kernels of native/graph), and a
// freed block is kept in a cache, up to `cap` bytes, for the next request of about its size.
// Smaller blocks go to c10's alloc_cpu / free_cpu as before.
//
// setHostAllocator(capBytes) installs it (src/native/addon.ts does at load, cap from
// WERANK_HOST_CACHE_MB); capBytes 0 keeps the hugepage mapping but caches nothing.
// hostAllocatorStats() -> { cachedBytes, largeBytes, hits, misses } for tests and benchmarks.
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>
#include <sys/mman.h>

#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>

#include "common/binding.h"

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace wn {
namespace {

constexpr size_t kLarge = size_t{4} << 20;  // below this, glibc's heap reuses memory well
constexpr size_t kHuge = size_t{2} << 20;   // THP size on x86-64 and arm64 (4 KiB base pages)

class HostAllocator final : public c10::Allocator {
 public:
  // The Allocator interface differs across LibTorch versions: 1.13 has `allocate(size_t) const`,
  // 2.3+ `allocate(size_t)` and a pure virtual `copy_data` (later with a `sync` flag). Each is
  // declared in every form; the one the base declares is overridden, the others are plain members.
  c10::DataPtr allocate(size_t n) const { return const_cast<HostAllocator*>(this)->allocate_impl(n); }
  c10::DataPtr allocate(size_t n) { return allocate_impl(n); }
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }
  void copy_data(void* dest, const void* src, std::size_t count, bool /*sync*/) const { std::memcpy(dest, src, count); }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  static HostAllocator& instance() {
    static HostAllocator* a = new HostAllocator();  // never destroyed: deleters may run at exit
    return *a;
  }

  void set_cap(size_t cap) {
    std::vector<std::pair<void*, size_t>> drop;
    {
      std::lock_guard<std::mutex> g(mu_);
      cap_ = cap;
      while (cached_ > cap_ && !free_.empty()) {
        auto it = std::prev(free_.end());  // largest first
        drop.emplace_back(it->second, it->first);
        cached_ -= it->first;
        free_.erase(it);
      }
    }
    for (auto& [p, n] : drop) munmap(p, n);
  }

  struct Stats {
    size_t cached, large, hits, misses;
  };
  Stats stats() {
    std::lock_guard<std::mutex> g(mu_);
    return {cached_, large_, hits_, misses_};
  }

 private:
  c10::DataPtr allocate_impl(size_t n) {
    if (n < kLarge) {
      void* p = c10::alloc_cpu(n);
      return {p, p, &release, c10::Device(c10::DeviceType::CPU)};
    }
    const size_t size = (n + kHuge - 1) / kHuge * kHuge;
    void* p = nullptr;
    {
      std::lock_guard<std::mutex> g(mu_);
      // Best fit among cached blocks no more than 1/8 larger (bounded waste).
      auto it = free_.lower_bound(size);
      if (it != free_.end() && it->first <= size + size / 8) {
        p = it->second;
        cached_ -= it->first;
        live_[p] = it->first;
        large_ += it->first;
        free_.erase(it);
        ++hits_;
      } else {
        ++misses_;
      }
    }
    if (p == nullptr) {
      p = map_aligned(size);
      std::lock_guard<std::mutex> g(mu_);
      live_[p] = size;
      large_ += size;
    }
    return {p, p, &release, c10::Device(c10::DeviceType::CPU)};
  }

  /// A fresh mapping of `size` bytes aligned to kHuge (so that THP can back it), hugepages advised.
  static void* map_aligned(size_t size) {
    const size_t span = size + kHuge;
    void* raw = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const uintptr_t r = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t a = (r + kHuge - 1) / kHuge * kHuge;
    if (a > r) munmap(raw, a - r);
    const uintptr_t end = r + span, used = a + size;
    if (end > used) munmap(reinterpret_cast<void*>(used), end - used);
    void* p = reinterpret_cast<void*>(a);
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE);
#endif
    return p;
  }

  static void release(void* p) {
    if (p == nullptr) return;
    if (reinterpret_cast<uintptr_t>(p) % kHuge != 0) {  // large blocks are kHuge-aligned: no lock for small ones
      c10::free_cpu(p);
      return;
    }
    HostAllocator& a = instance();
    size_t size = 0;
    bool keep = false;
    {
      std::lock_guard<std::mutex> g(a.mu_);
      auto it = a.live_.find(p);
      if (it != a.live_.end()) {
        size = it->second;
        a.live_.erase(it);
        a.large_ -= size;
        if (a.cached_ + size <= a.cap_) {
          a.free_.emplace(size, p);
          a.cached_ += size;
          keep = true;
        }
      }
    }
    if (size == 0)
      c10::free_cpu(p);
    else if (!keep)
      munmap(p, size);
  }

  std::mutex mu_;
  std::unordered_map<void*, size_t> live_;
  std::multimap<size_t, void*> free_;
  size_t cap_ = 0, cached_ = 0, large_ = 0, hits_ = 0, misses_ = 0;
};

}  // namespace
}  // namespace wn

using namespace wn;

/// setHostAllocator(capBytes): routes LibTorch's CPU allocations through the caching allocator.
WN_EXPORT(setHostAllocator) {
  const double cap = arg_num(info, 0);
  WN_CHECK(cap >= 0 && std::isfinite(cap), "ERR_ARGUMENT", "Expected a non-negative host cache size in bytes but received ", cap);
  HostAllocator& a = HostAllocator::instance();
  a.set_cap(static_cast<size_t>(cap));
  c10::SetCPUAllocator(&a, /*priority=*/1);
  return info.Env().Undefined();
}

/// hostAllocatorStats() -> { cachedBytes, largeBytes, hits, misses }
WN_EXPORT(hostAllocatorStats) {
  const auto s = HostAllocator::instance().stats();
  Napi::Object r = Napi::Object::New(info.Env());
  r.Set("cachedBytes", static_cast<double>(s.cached));
  r.Set("largeBytes", static_cast<double>(s.large));
  r.Set("hits", static_cast<double>(s.hits));
  r.Set("misses", static_cast<double>(s.misses));
  return r;
}
