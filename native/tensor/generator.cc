// Seeded generators: creation, seeding, state save/restore and the random factories drawing from them.
#include "tensor/generator.h"

#include <cstring>
#include <mutex>

#include "common/binding.h"

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace wn {

ObjectTable<GeneratorObj>& generators() {
  static ObjectTable<GeneratorObj> t(HandleKind::Generator);
  return t;
}

at::Generator& generator_arg(int32_t id) { return generators().get(id)->gen; }

uint64_t draw_key(at::Generator& gen) {
  std::lock_guard<std::mutex> lock(gen.mutex());
  return at::check_generator<at::CPUGeneratorImpl>(gen)->random64();
}

}  // namespace wn

using namespace wn;

namespace {

at::Generator& gen_at(const Napi::CallbackInfo& info, size_t i) { return generator_arg(arg_int(info, i)); }

/// Draws on the CPU with the generator (ATen's CPU kernels take its lock), then moves to the
/// requested device.
template <typename F>
at::Tensor draw(at::Generator& gen, int32_t dtype, int32_t device, F&& f) {
  at::Tensor t = f(gen, at::TensorOptions().dtype(to_scalar_type(dtype)));
  return device >= 0 ? t.to(to_device(device)) : t;
}

}  // namespace

/// generatorNew(seed) -> id
WN_EXPORT(generatorNew) {
  const double seed = arg_num(info, 0);
  WN_CHECK(seed >= 0 && seed <= 9007199254740991.0 && seed == static_cast<double>(static_cast<uint64_t>(seed)), "ERR_ARGUMENT",
           "Expected a non-negative integer seed (at most 2^53 - 1) for a Generator but received ", seed);
  auto obj = std::make_shared<GeneratorObj>(GeneratorObj{at::detail::createCPUGenerator(static_cast<uint64_t>(seed))});
  return Napi::Number::New(info.Env(), generators().put(std::move(obj)));
}
WN_EXPORT(generatorDispose) {
  generators().release(arg_int(info, 0));
  return info.Env().Undefined();
}
WN_EXPORT(generatorLive) { return Napi::Number::New(info.Env(), static_cast<double>(generators().live())); }
/// generatorManualSeed(id, seed): restarts the generator's sequence.
WN_EXPORT(generatorManualSeed) {
  at::Generator& g = gen_at(info, 0);
  const double seed = arg_num(info, 1);
  WN_CHECK(seed >= 0 && seed <= 9007199254740991.0 && seed == static_cast<double>(static_cast<uint64_t>(seed)), "ERR_ARGUMENT",
           "Expected a non-negative integer seed (at most 2^53 - 1) for manualSeed but received ", seed);
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_current_seed(static_cast<uint64_t>(seed));
  return info.Env().Undefined();
}
WN_EXPORT(generatorInitialSeed) {
  at::Generator& g = gen_at(info, 0);
  return Napi::Number::New(info.Env(), static_cast<double>(g.current_seed()));
}
/// generatorGetState(id) -> Uint8Array (LibTorch's serialized CPU generator state).
WN_EXPORT(generatorGetState) {
  at::Generator& g = gen_at(info, 0);
  at::Tensor s;
  {
    std::lock_guard<std::mutex> lock(g.mutex());
    s = g.get_state().contiguous();
  }
  Napi::Uint8Array a = Napi::Uint8Array::New(info.Env(), static_cast<size_t>(s.numel()));
  if (s.numel() > 0) std::memcpy(a.Data(), s.data_ptr(), static_cast<size_t>(s.numel()));
  return a;
}
/// generatorSetState(id, Uint8Array)
WN_EXPORT(generatorSetState) {
  at::Generator& g = gen_at(info, 0);
  WN_CHECK(info[1].IsTypedArray() && info[1].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array, "ERR_ARGUMENT",
           "Expected a Uint8Array from Generator.getState() for setState");
  Napi::Uint8Array a = info[1].As<Napi::Uint8Array>();
  at::Tensor s = at::empty({static_cast<int64_t>(a.ElementLength())}, at::kByte);
  if (a.ElementLength() > 0) std::memcpy(s.data_ptr(), a.Data(), a.ElementLength());
  std::lock_guard<std::mutex> lock(g.mutex());
  try {
    g.set_state(s);
  } catch (const c10::Error&) {
    fail("ERR_ARGUMENT", "Expected a generator state from Generator.getState() (", at::detail::createCPUGenerator().get_state().numel(),
         " bytes) but received ", a.ElementLength(), " bytes that LibTorch rejects");
  }
  return info.Env().Undefined();
}
/// generatorRandom(id, kind, shape, dtype, device, a, b): kind 0 rand, 1 randn, 2 randint [a, b), 3 randperm(a).
WN_EXPORT(generatorRandom) {
  at::Generator& g = gen_at(info, 0);
  const int32_t kind = arg_int(info, 1);
  const auto shape = arg_dims(info, 2);
  const int32_t dtype = arg_int(info, 3), device = arg_int(info, 4);
  switch (kind) {
    case 0:
      return out(info, draw(g, dtype, device, [&](at::Generator& gen, at::TensorOptions o) { return at::rand(shape, gen, o); }));
    case 1:
      return out(info, draw(g, dtype, device, [&](at::Generator& gen, at::TensorOptions o) { return at::randn(shape, gen, o); }));
    case 2: {
      const int64_t low = arg_int64(info, 5), high = arg_int64(info, 6);
      WN_CHECK(high > low, "ERR_ARGUMENT", "Expected high > low for randint but received low=", low, " high=", high);
      return out(info,
                 draw(g, dtype, device, [&](at::Generator& gen, at::TensorOptions o) { return at::randint(low, high, shape, gen, o); }));
    }
    case 3: {
      const int64_t n = arg_int64(info, 5);
      WN_CHECK(n >= 0, "ERR_ARGUMENT", "Expected n >= 0 for randperm but received ", n);
      return out(info, draw(g, dtype, device, [&](at::Generator& gen, at::TensorOptions o) { return at::randperm(n, gen, o); }));
    }
  }
  fail("ERR_ARGUMENT", "Expected a random kind 0..3 but received ", kind);
}
