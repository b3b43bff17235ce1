// The random part of neighbour sampling, shared by the CPU sampler (native/graph/neighbor_sampler.cc)
// and the CUDA kernels (native/cuda/neighbor_sampler.cu), so that both draw the same neighbours.
//
// The draws of node `node` in hop `hop` of a sample keyed by `key` depend on (key, hop, node) only:
// not on the batch it is in, its position in the frontier, the device or the number of threads.
// Plain C++ (no LibTorch headers): nvcc compiles it for the device, g++ for the host.
#pragma once
#include <cstdint>

#include "cuda/counter_rng.h"

namespace wn::rng {

/// The key of one hop of a neighbour sample.
WN_HD uint64_t hop_key(uint64_t key, uint64_t hop) { return stream_key(stream_key(key, kNeighbors), hop); }

/// The key of one node's draws in a hop (node = global id).
WN_HD uint64_t node_key(uint64_t hkey, uint64_t node) { return mix64(hkey + (node + 1) * 0xD6E8FEB86659FD93ull); }

/// The number of neighbours a node of degree `deg` gets with `fanout` (-1 = all).
WN_HD int64_t sample_count(int64_t deg, int64_t fanout) { return fanout < 0 || deg <= fanout ? deg : fanout; }

/// The membership test of floyd_sample: is t among out[0..m)? A scan (k is a fanout: tens).
struct SeenScan {
  WN_HD bool operator()(const int64_t* out, int64_t m, int64_t t) const {
    for (int64_t q = 0; q < m; ++q)
      if (out[q] == t) return true;
    return false;
  }
};

/// Floyd's algorithm (Bentley & Floyd, CACM 1987): k distinct offsets of [0, deg), 0 < k < deg, each
/// k-subset equally likely. For j = deg - k .. deg - 1 it draws t uniform in [0, j] (counter j) and
/// keeps t, or j when t was drawn before. Writes the offsets in draw order to out[0..k). `seen` is
/// SeenScan or any test that answers the same (the CPU uses a hash set for large k).
template <typename Seen>
WN_HD void floyd_sample(uint64_t nkey, int64_t deg, int64_t k, int64_t* out, Seen&& seen) {
  int64_t m = 0;
  for (int64_t j = deg - k; j < deg; ++j) {
    int64_t t = static_cast<int64_t>(below(nkey, static_cast<uint64_t>(j), static_cast<uint64_t>(j + 1)));
    if (seen(out, m, t)) t = j;
    out[m++] = t;
  }
}

}  // namespace wn::rng
