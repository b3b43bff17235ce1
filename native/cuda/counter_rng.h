// Counter-based random decisions shared by the CPU loops and the CUDA kernels, so that a view drawn
// with the same key is identical on every device and with any number of threads.
//
// A view draws one 64-bit key from a seeded Generator (native/tensor/generator.h); the decision for
// element `index` of stream `stream` is a pure function of (key, stream, index): the SplitMix64
// output function applied to the counter (SplitMix64's own stream, keyed per augmentation stream).
// Plain C++ (no LibTorch headers): nvcc compiles it for the device, g++ for the host.
#pragma once
#include <cstdint>

#if defined(__CUDACC__)
#define WN_HD __host__ __device__ __forceinline__
#else
#define WN_HD inline
#endif

namespace wn::rng {

/// Streams, each with its own counter space: the three of an augmentation call, neighbour sampling.
enum Stream : uint64_t { kEdges = 1, kFeatureColumns = 2, kFeatureEntries = 3, kNeighbors = 4 };

WN_HD uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// The per-stream key: streams of one call are decorrelated by mixing the stream id into the key.
WN_HD uint64_t stream_key(uint64_t key, uint64_t stream) { return mix64(key ^ (stream * 0xD1B54A32D192ED03ull)); }

/// Uniform double in [0, 1) with 53 random bits for element `index` of a stream.
WN_HD double uniform(uint64_t skey, uint64_t index) {
  const uint64_t z = mix64(skey + (index + 1) * 0x9E3779B97F4A7C15ull);
  return static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0);
}

/// Uniform integer in [0, n) (n >= 1) for element `index` of a stream: the high 64 bits of z * n
/// (Lemire's multiply-shift), integer arithmetic only, so host and device agree bit for bit.
WN_HD uint64_t below(uint64_t skey, uint64_t index, uint64_t n) {
  const uint64_t z = mix64(skey + (index + 1) * 0x9E3779B97F4A7C15ull);
#if defined(__CUDA_ARCH__)
  return __umul64hi(z, n);
#else
  return static_cast<uint64_t>((static_cast<unsigned __int128>(z) * n) >> 64);
#endif
}

/// True when element `index` survives a drop with probability p.
WN_HD bool keep(uint64_t skey, uint64_t index, double p) { return p <= 0.0 || (p < 1.0 && uniform(skey, index) >= p); }

}  // namespace wn::rng
