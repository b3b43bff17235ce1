// Module registration: every WN_EXPORT in the native tree registers itself (common/binding.h);
// this file only adds the entry points that tie the addon to the JS side.
#include "common/binding.h"

namespace wn {
void set_error_factory(Napi::Env env, Napi::Function f);
}

static Napi::Value SetErrorFactory(const Napi::CallbackInfo& info) {
  wn::set_error_factory(info.Env(), info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  for (const auto& e : wn::exports_registry()) exports.Set(e.name, Napi::Function::New(env, e.fn, e.name));
  exports.Set("setErrorFactory", Napi::Function::New(env, SetErrorFactory, "setErrorFactory"));
  return exports;
}

NODE_API_MODULE(werank_native, Init)
