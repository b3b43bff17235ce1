// Tensor properties, host copies, movement, lifetime (dispose), memory accounting and build info.
#include <dlfcn.h>

#include <cstring>
#include <unordered_set>

#include "common/binding.h"
#include "tensor/matmul_precision.h"

using namespace wn;

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

WN_EXPORT(shape) {
  const at::Tensor& a = arg_tensor(info, 0);
  Napi::Array r = Napi::Array::New(info.Env(), a.dim());
  for (int64_t i = 0; i < a.dim(); ++i) r.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), static_cast<double>(a.size(i))));
  return r;
}
WN_EXPORT(dtype) { return Napi::Number::New(info.Env(), from_scalar_type(arg_tensor(info, 0).scalar_type())); }
WN_EXPORT(device) { return Napi::Number::New(info.Env(), from_device(arg_tensor(info, 0).device())); }
WN_EXPORT(numel) { return Napi::Number::New(info.Env(), static_cast<double>(arg_tensor(info, 0).numel())); }
WN_EXPORT(requiresGrad) { return Napi::Boolean::New(info.Env(), arg_tensor(info, 0).requires_grad()); }
WN_EXPORT(isLeaf) { return Napi::Boolean::New(info.Env(), arg_tensor(info, 0).is_leaf()); }
WN_EXPORT(setRequiresGrad) {
  const at::Tensor& a = arg_tensor(info, 0);
  const bool on = arg_bool(info, 1);
  WN_CHECK(!on || at::isFloatingType(a.scalar_type()), "ERR_DTYPE", "Expected a floating-point tensor for requiresGrad but received ",
           dtype_name(a.scalar_type()));
  WN_CHECK(a.is_leaf() || on, "ERR_AUTOGRAD", "Expected a leaf tensor to turn off requiresGrad; use detach() on computed tensors");
  const_cast<at::Tensor&>(a).set_requires_grad(on);
  return info.Env().Undefined();
}

/// toTypedArray(h) -> a new typed array holding a copy (device -> host when needed).
WN_EXPORT(toTypedArray) {
  at::Tensor t = arg_tensor(info, 0).detach();
  if (!t.device().is_cpu()) t = t.to(at::kCPU);
  t = t.contiguous();
  const at::ScalarType st = t.scalar_type();
  from_scalar_type(st);  // rejects dtypes we do not expose
  const size_t bytes = static_cast<size_t>(t.numel()) * t.element_size();
  Napi::Env env = info.Env();
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, bytes);
  if (bytes) std::memcpy(buf.Data(), t.data_ptr(), bytes);
  const size_t n = static_cast<size_t>(t.numel());
  switch (st) {
    case at::kFloat:
      return Napi::Float32Array::New(env, n, buf, 0);
    case at::kDouble:
      return Napi::Float64Array::New(env, n, buf, 0);
    case at::kInt:
      return Napi::Int32Array::New(env, n, buf, 0);
    case at::kLong:
      return Napi::TypedArrayOf<int64_t>::New(env, n, buf, 0, napi_bigint64_array);
    case at::kBool:
    case at::kByte:
      return Napi::Uint8Array::New(env, n, buf, 0);
    case at::kChar:
      return Napi::Int8Array::New(env, n, buf, 0);
    case at::kShort:
      return Napi::TypedArrayOf<int16_t>::New(env, n, buf, 0, napi_int16_array);
    default:
      fail("ERR_DTYPE", "Unsupported dtype ", dtype_name(st));
  }
}

WN_EXPORT(item) {
  const at::Tensor& a = arg_tensor(info, 0);
  WN_CHECK(a.numel() == 1, "ERR_SHAPE", "Expected a tensor with one element for item() but received shape ", shape_str(a.sizes()));
  if (a.scalar_type() == at::kBool) return Napi::Boolean::New(info.Env(), a.item<bool>());
  return Napi::Number::New(info.Env(), a.item<double>());
}

/// to(h, device, dtype): dtype -1 keeps it; device -2 keeps it. Codes and dtypes are checked first, so
/// what LibTorch still refuses is the move (a CUDA error).
WN_EXPORT_ON(to, Device) {
  const at::Tensor& a = arg_tensor(info, 0);
  const int32_t dev = arg_int(info, 1), dt = arg_int(info, 2);
  at::TensorOptions o = a.options();
  if (dev != -2) o = o.device(to_device(dev));
  if (dt >= 0) o = o.dtype(to_scalar_type(dt));
  return out(info, a.to(o));
}
WN_EXPORT(clone) { return out(info, arg_tensor(info, 0).clone()); }
WN_EXPORT(contiguous) { return out(info, arg_tensor(info, 0).contiguous()); }
WN_EXPORT(detach) { return out(info, arg_tensor(info, 0).detach()); }
WN_EXPORT(isContiguous) { return Napi::Boolean::New(info.Env(), arg_tensor(info, 0).is_contiguous()); }

WN_EXPORT(dispose) {
  Handles::instance().release(arg_int(info, 0));
  return info.Env().Undefined();
}
/// Frees many handles in one call (a tidy() scope ends with this).
WN_EXPORT(disposeMany) {
  Napi::Int32Array hs = info[0].As<Napi::Int32Array>();
  const int32_t* p = hs.Data();
  auto& table = Handles::instance();
  for (size_t i = 0, n = hs.ElementLength(); i < n; ++i) table.release(p[i]);
  return info.Env().Undefined();
}
WN_EXPORT(isLive) { return Napi::Boolean::New(info.Env(), Handles::instance().valid(arg_int(info, 0))); }

/// memory() -> { tensors, bytes, cuda? }. Bytes count each storage once (views share one).
WN_EXPORT(memory) {
  Napi::Env env = info.Env();
  std::unordered_set<const void*> seen;
  double bytes = 0;
  Handles::instance().for_each([&](const at::Tensor& t) {
    if (!t.has_storage()) return;
    const void* key = t.storage().unsafeGetStorageImpl();
    if (seen.insert(key).second) bytes += static_cast<double>(t.storage().nbytes());
  });
  Napi::Object r = Napi::Object::New(env);
  r.Set("tensors", static_cast<double>(Handles::instance().live()));
  r.Set("bytes", bytes);
  if (torch::cuda::is_available()) {
    Napi::Array devs = Napi::Array::New(env);
    for (int d = 0; d < static_cast<int>(torch::cuda::device_count()); ++d) {
      auto m = compat::cuda_memory(d);
      if (!m.present) continue;
      Napi::Object o = Napi::Object::New(env);
      o.Set("device", d);
      o.Set("allocated", static_cast<double>(m.allocated));
      o.Set("reserved", static_cast<double>(m.reserved));
      o.Set("peakAllocated", static_cast<double>(m.peakAllocated));
      devs.Set(devs.Length(), o);
    }
    r.Set("cuda", devs);
  }
  return r;
}
WN_EXPORT(resetPeakMemory) {
  if (torch::cuda::is_available())
    for (int d = 0; d < static_cast<int>(torch::cuda::device_count()); ++d) compat::cuda_reset_peak(d);
  return info.Env().Undefined();
}

WN_EXPORT(napiCalls) { return Napi::Number::New(info.Env(), static_cast<double>(g_napi_calls)); }

WN_EXPORT(info) {
  Napi::Env env = info.Env();
  Napi::Object r = Napi::Object::New(env);
  r.Set("torchVersion",
        std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH));
#ifdef WN_WITH_CUDA
  const bool built_cuda = true;
#else
  const bool built_cuda = false;
#endif
  r.Set("cuda", torch::cuda::is_available());
  r.Set("cudaKernels", built_cuda);
  r.Set("cudaDevices", static_cast<double>(torch::cuda::is_available() ? torch::cuda::device_count() : 0));
  r.Set("threads", at::get_num_threads());
  r.Set("parallel", at::get_parallel_info());
#ifdef _OPENMP
  r.Set("parallelKernels", true);  // our at::parallel_for loops use the intra-op threads
#else
  r.Set("parallelKernels", false);
#endif
  r.Set("bf16Matmul", cpu_bf16());
  return r;
}
/// at::set_num_threads covers OpenMP (and MKL), not OpenBLAS's own pthread pool, which Debian's
/// LibTorch uses for GEMM: without this a 1-thread run still does its GEMMs on every core, with
/// spinning threads (measured: the probe 15x slower next to two training processes). Looked up at
/// run time, so builds against other BLAS libraries need nothing.
static void set_blas_threads(int n) {
  using SetThreads = void (*)(int);
  for (const char* name : {"openblas_set_num_threads", "goto_set_num_threads"}) {
    if (auto f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, name))) {
      f(n);
      return;
    }
  }
}

WN_EXPORT(setNumThreads) {
  const int n = arg_int(info, 0);
  WN_CHECK(n >= 1, "ERR_ARGUMENT", "Expected at least 1 thread but received ", n);
  at::set_num_threads(n);
  set_blas_threads(n);
  return info.Env().Undefined();
}
WN_EXPORT(synchronize) {
#ifdef WN_WITH_CUDA
  if (torch::cuda::is_available()) torch::cuda::synchronize();
#endif
  return info.Env().Undefined();
}

/// Bumped whenever a native signature changes incompatibly; src/native/addon.ts refuses other values.
// 2: every native object is a handle into one table (common/handles.h).
WN_EXPORT(abiVersion) { return Napi::Number::New(info.Env(), 2); }
