// How native functions are exported: WN_EXPORT(name) { ... } defines a Napi callback that is
// registered at load time under `name`, counted (napi_calls) and guarded so that no C++ exception
// escapes into V8 (an escaped one aborts the process).
#pragma once
#include <napi.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "common/handles.h"
#include "common/version.h"

namespace wn {

using Callback = Napi::Value (*)(const Napi::CallbackInfo&);

struct Export {
  const char* name;
  Callback fn;
};
std::vector<Export>& exports_registry();
struct Register {
  Register(const char* name, Callback fn) { exports_registry().push_back({name, fn}); }
};

/// Number of guarded native calls since load (tests bound the calls per training step).
extern uint64_t g_napi_calls;

/// Throws `code`/`message` as a JS WerankError built by the factory the JS side installed.
void throw_js(Napi::Env env, const std::string& code, const std::string& message);

/// The code a binding's untyped LibTorch errors get (DESIGN D4). LibTorch raises most argument errors
/// as a plain c10::Error (a failed TORCH_CHECK; 1.13's reshape a std::runtime_error) whose message
/// words change between versions, so the call site says what they mean: each source file declares
/// its default with WN_ERRORS(...), a binding that differs uses WN_EXPORT_ON(name, ...). Typed errors
/// keep their own code whatever the site: wn::Error its code, c10::OutOfMemoryError and
/// std::bad_alloc ERR_OUT_OF_MEMORY, c10::LinAlgError ERR_LINALG, c10::IndexError ERR_INDEX,
/// c10::TypeError and c10::NotImplementedError (a kernel missing for a dtype) ERR_DTYPE,
/// c10::ValueError ERR_ARGUMENT.
enum class OnError : uint8_t { Argument, Shape, Dtype, Device, Autograd };
const char* site_code(OnError site);
/// The code of a LibTorch error from its type, or nullptr for an untyped c10::Error.
const char* typed_code(const c10::Error& e);
/// The message of any exception for users: no C++ backtrace, no "Exception raised from" frames.
std::string user_message(const std::exception& e);
/// Turns the exception being handled into a JS WerankError (called from the catch of guarded()):
/// see OnError for the codes; a node-addon-api type error ("A number was expected") becomes
/// ERR_ARGUMENT naming the function, a JS exception raised by a callback is rethrown as it is.
void throw_current(Napi::Env env, const char* fn, OnError site);

template <Callback F, const char* Name, OnError Site>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  ++g_napi_calls;
  try {
    return F(info);
  } catch (...) {
    throw_current(info.Env(), Name, Site);
  }
  return info.Env().Undefined();
}

/// The default OnError of the bindings in one source file (before its first WN_EXPORT).
#define WN_ERRORS(site) static constexpr ::wn::OnError wn_on_error = ::wn::OnError::site

// The C++ identifier is prefixed so JS names such as `std` or `max` cannot clash with C++ ones.
#define WN_EXPORT_WITH(name, site)                                                                      \
  static Napi::Value wn_fn_##name(const Napi::CallbackInfo& info);                                      \
  static constexpr char wn_name_##name[] = #name;                                                       \
  static ::wn::Register wn_register_##name(#name, &::wn::guarded<&wn_fn_##name, wn_name_##name, site>); \
  static Napi::Value wn_fn_##name(const Napi::CallbackInfo& info)
/// A binding whose untyped LibTorch errors get the file's WN_ERRORS code.
#define WN_EXPORT(name) WN_EXPORT_WITH(name, wn_on_error)
/// A binding whose untyped LibTorch errors get OnError::site.
#define WN_EXPORT_ON(name, site) WN_EXPORT_WITH(name, ::wn::OnError::site)

// ---- arguments -------------------------------------------------------------------------------

inline int32_t arg_int(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int32Value(); }
inline int64_t arg_int64(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int64Value(); }
inline double arg_num(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }
inline bool arg_bool(const Napi::CallbackInfo& info, size_t i) { return info[i].ToBoolean().Value(); }
inline bool arg_present(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() && !info[i].IsUndefined() && !info[i].IsNull();
}
/// A JS number as a LibTorch scalar. JS has one number type: integral values become integer
/// scalars so that an int tensor times 2 stays int (as in PyTorch) while times 2.5 becomes float.
inline at::Scalar arg_scalar(const Napi::CallbackInfo& info, size_t i) {
  const double v = arg_num(info, i);
  // The range test comes first: casting NaN, ±inf or huge values to int64 is undefined behaviour.
  if (std::fabs(v) <= 9007199254740992.0 && std::trunc(v) == v && !(v == 0 && std::signbit(v))) return at::Scalar(static_cast<int64_t>(v));
  return at::Scalar(v);
}
inline std::string arg_str(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::String>().Utf8Value(); }

inline const at::Tensor& arg_tensor(const Napi::CallbackInfo& info, size_t i) { return Handles::instance().get(arg_int(info, i)); }
/// A handle or -1 (none) → an undefined tensor for optional arguments.
inline at::Tensor arg_opt_tensor(const Napi::CallbackInfo& info, size_t i) {
  if (!arg_present(info, i)) return at::Tensor();
  const int32_t h = arg_int(info, i);
  return h < 0 ? at::Tensor() : Handles::instance().get(h);
}
std::vector<int64_t> arg_dims(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> arg_tensors(const Napi::CallbackInfo& info, size_t i);
std::vector<int32_t> arg_handles(const Napi::CallbackInfo& info, size_t i);

// ---- dtypes and devices ------------------------------------------------------------------------

/// Dtype codes shared with src/tensor/dtype.ts.
enum DType : int32_t { kF32 = 0, kF64 = 1, kI32 = 2, kI64 = 3, kBool = 4, kU8 = 5, kI8 = 6, kI16 = 7 };
at::ScalarType to_scalar_type(int32_t code);
int32_t from_scalar_type(at::ScalarType t);
const char* dtype_name(at::ScalarType t);
/// Device codes shared with src/tensor/device.ts: -1 = cpu, i >= 0 = cuda:i.
c10::Device to_device(int32_t code);
int32_t from_device(const c10::Device& d);
at::TensorOptions options(int32_t dtype, int32_t device);
std::string shape_str(at::IntArrayRef s);

// ---- results ---------------------------------------------------------------------------------

inline Napi::Value out(const Napi::CallbackInfo& info, at::Tensor t) {
  return Napi::Number::New(info.Env(), Handles::instance().put(std::move(t)));
}
Napi::Value out_many(const Napi::CallbackInfo& info, std::vector<at::Tensor> ts);

}  // namespace wn
