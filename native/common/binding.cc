#include "common/binding.h"

#include <algorithm>
#include <cctype>

namespace wn {

uint64_t g_napi_calls = 0;

std::vector<Export>& exports_registry() {
  static std::vector<Export> r;
  return r;
}

// The JS side installs a factory (code, message) -> WerankError subclass once at load time.
struct InstanceData {
  Napi::FunctionReference error_factory;
};

void set_error_factory(Napi::Env env, Napi::Function f) {
  auto* d = env.GetInstanceData<InstanceData>();
  if (d == nullptr) {
    d = new InstanceData();
    env.SetInstanceData(d);
  }
  d->error_factory = Napi::Persistent(f);
}

void throw_js(Napi::Env env, const std::string& code, const std::string& message) {
  auto* d = env.GetInstanceData<InstanceData>();
  if (d != nullptr && !d->error_factory.IsEmpty()) {
    Napi::Value err = d->error_factory.Call({Napi::String::New(env, code), Napi::String::New(env, message)});
    if (!env.IsExceptionPending()) napi_throw(env, err);
    return;
  }
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  e.ThrowAsJavaScriptException();
}

const char* site_code(OnError site) {
  switch (site) {
    case OnError::Argument:
      return "ERR_ARGUMENT";
    case OnError::Shape:
      return "ERR_SHAPE";
    case OnError::Dtype:
      return "ERR_DTYPE";
    case OnError::Device:
      return "ERR_DEVICE";
    case OnError::Autograd:
      return "ERR_AUTOGRAD";
  }
  return "ERR_INTERNAL";
}

const char* typed_code(const c10::Error& e) {
  if (compat::is_oom(e)) return "ERR_OUT_OF_MEMORY";
  if (dynamic_cast<const c10::LinAlgError*>(&e) != nullptr) return "ERR_LINALG";
  if (dynamic_cast<const c10::IndexError*>(&e) != nullptr) return "ERR_INDEX";
  if (dynamic_cast<const c10::TypeError*>(&e) != nullptr || dynamic_cast<const c10::NotImplementedError*>(&e) != nullptr)
    return "ERR_DTYPE";
  if (dynamic_cast<const c10::ValueError*>(&e) != nullptr) return "ERR_ARGUMENT";
  return nullptr;
}

std::string user_message(const std::exception& e) {
  const auto* c = dynamic_cast<const c10::Error*>(&e);
  std::string msg = c != nullptr ? c->what_without_backtrace() : e.what();
  // LibTorch appends "Exception raised from ..." frames in some builds; users get what precedes them.
  if (auto p = msg.find("\nException raised from"); p != std::string::npos) msg.resize(p);
  while (!msg.empty() && std::isspace(static_cast<unsigned char>(msg.back()))) msg.pop_back();
  return msg;
}

static void rethrow_napi(Napi::Env env, const char* fn, const Napi::Error& e) {
  const std::string msg = e.Message();
  const bool type_error = msg.size() > 12 && msg.compare(msg.size() - 12, 12, "was expected") == 0;
  if (!type_error && msg != "Invalid argument") {
    e.ThrowAsJavaScriptException();
    return;
  }
  // "A number was expected" -> "a number"
  std::string what = type_error ? msg.substr(0, msg.size() - 13) : std::string("a valid value");
  if (!what.empty()) what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
  throw_js(env, "ERR_ARGUMENT", cat(fn, ": expected ", what, " for an argument but received a value of another type"));
}

void throw_current(Napi::Env env, const char* fn, OnError site) {
  try {
    throw;
  } catch (const Error& e) {
    throw_js(env, e.code, e.message);
  } catch (const c10::Error& e) {
    const char* typed = typed_code(e);
    throw_js(env, typed != nullptr ? typed : site_code(site), user_message(e));
  } catch (const Napi::Error& e) {
    rethrow_napi(env, fn, e);
  } catch (const std::bad_alloc&) {
    throw_js(env, "ERR_OUT_OF_MEMORY", "Out of host memory");
  } catch (const std::exception& e) {
    throw_js(env, site_code(site), user_message(e));
  } catch (...) {
    throw_js(env, "ERR_INTERNAL", cat(fn, ": an unknown native exception was raised"));
  }
}

std::vector<int64_t> arg_dims(const Napi::CallbackInfo& info, size_t i) {
  std::vector<int64_t> out;
  if (!arg_present(info, i)) return out;
  if (info[i].IsNumber()) {
    out.push_back(arg_int64(info, i));
    return out;
  }
  WN_CHECK(info[i].IsArray(), "ERR_ARGUMENT", "Expected an array of integers for a shape or dims argument");
  Napi::Array a = info[i].As<Napi::Array>();
  const uint32_t n = a.Length();
  out.reserve(n);
  for (uint32_t k = 0; k < n; ++k) out.push_back(a.Get(k).As<Napi::Number>().Int64Value());
  return out;
}

std::vector<int32_t> arg_handles(const Napi::CallbackInfo& info, size_t i) {
  std::vector<int32_t> out;
  if (info[i].IsTypedArray()) {
    auto ta = info[i].As<Napi::Int32Array>();
    out.assign(ta.Data(), ta.Data() + ta.ElementLength());
    return out;
  }
  Napi::Array a = info[i].As<Napi::Array>();
  const uint32_t n = a.Length();
  out.reserve(n);
  for (uint32_t k = 0; k < n; ++k) out.push_back(a.Get(k).As<Napi::Number>().Int32Value());
  return out;
}

std::vector<at::Tensor> arg_tensors(const Napi::CallbackInfo& info, size_t i) {
  std::vector<at::Tensor> out;
  for (int32_t h : arg_handles(info, i)) out.push_back(Handles::instance().get(h));
  return out;
}

at::ScalarType to_scalar_type(int32_t code) {
  switch (code) {
    case kF32:
      return at::kFloat;
    case kF64:
      return at::kDouble;
    case kI32:
      return at::kInt;
    case kI64:
      return at::kLong;
    case kBool:
      return at::kBool;
    case kU8:
      return at::kByte;
    case kI8:
      return at::kChar;
    case kI16:
      return at::kShort;
  }
  fail("ERR_DTYPE", "Expected a dtype code 0..7 but received ", code);
}

int32_t from_scalar_type(at::ScalarType t) {
  switch (t) {
    case at::kFloat:
      return kF32;
    case at::kDouble:
      return kF64;
    case at::kInt:
      return kI32;
    case at::kLong:
      return kI64;
    case at::kBool:
      return kBool;
    case at::kByte:
      return kU8;
    case at::kChar:
      return kI8;
    case at::kShort:
      return kI16;
    default:
      fail("ERR_DTYPE", "Expected one of float32, float64, int32, int64, bool, uint8, int8, int16 but the tensor has dtype ",
           c10::toString(t));
  }
}

const char* dtype_name(at::ScalarType t) {
  switch (t) {
    case at::kFloat:
      return "float32";
    case at::kDouble:
      return "float64";
    case at::kInt:
      return "int32";
    case at::kLong:
      return "int64";
    case at::kBool:
      return "bool";
    case at::kByte:
      return "uint8";
    case at::kChar:
      return "int8";
    case at::kShort:
      return "int16";
    default:
      return c10::toString(t);
  }
}

c10::Device to_device(int32_t code) {
  if (code < 0) return c10::Device(c10::kCPU);
  WN_CHECK(torch::cuda::is_available(), "ERR_DEVICE", "Expected a CUDA-enabled LibTorch with a visible GPU for device cuda:", code, " but ",
           torch::cuda::device_count() == 0 && !at::hasCUDA() ? "this build of LibTorch has no CUDA support (CPU only)"
                                                              : "no CUDA device is visible",
           "; use device 'cpu', or rebuild against PyTorch's CUDA LibTorch (see README: GPU build)");
  WN_CHECK(code < static_cast<int32_t>(torch::cuda::device_count()), "ERR_DEVICE", "Expected a CUDA device index below ",
           torch::cuda::device_count(), " but received cuda:", code);
  return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(code));
}

int32_t from_device(const c10::Device& d) { return d.is_cuda() ? std::max<int32_t>(0, d.index()) : -1; }

at::TensorOptions options(int32_t dtype, int32_t device) {
  return at::TensorOptions().dtype(to_scalar_type(dtype)).device(to_device(device));
}

std::string shape_str(at::IntArrayRef s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

Napi::Value out_many(const Napi::CallbackInfo& info, std::vector<at::Tensor> ts) {
  Napi::Array a = Napi::Array::New(info.Env(), ts.size());
  for (size_t i = 0; i < ts.size(); ++i) a.Set(static_cast<uint32_t>(i), Handles::instance().put(std::move(ts[i])));
  return a;
}

}  // namespace wn
