// SIMD helpers shared by the CPU kernels (native/graph, native/tensor): function clones for
// x86-64-v3 and 32-byte vectors through GCC/Clang vector extensions.
#pragma once

// The hot loops get an AVX2/FMA clone (x86-64-v3) picked at load time; the addon itself is built for
// generic x86-64. ("arch=haswell" would mean the CPU model, and would not be picked on AMD.)
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#define WN_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define WN_SIMD_CLONES
#endif

#pragma GCC diagnostic ignored "-Wpsabi"  // 32-byte vectors passed by value inside the clones

namespace wn {

/// 32-byte vectors (GCC/Clang vector extensions): one ymm register in the AVX2 clone, two xmm in
/// the default one.
template <typename T>
struct Vec32Of;
template <>
struct Vec32Of<float> {
  typedef float type __attribute__((vector_size(32)));
};
template <>
struct Vec32Of<double> {
  typedef double type __attribute__((vector_size(32)));
};
template <typename T>
using Vec32 = typename Vec32Of<T>::type;

template <typename T>
inline Vec32<T> load32(const T* p) {
  Vec32<T> v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
inline void store32(T* p, Vec32<T> v) {
  __builtin_memcpy(p, &v, sizeof v);
}

}  // namespace wn
