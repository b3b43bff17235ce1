// Tensor creation: from typed arrays, constant and random factories, seeding.
#include <cstring>

#include "common/binding.h"

using namespace wn;

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace {

at::ScalarType typed_array_type(napi_typedarray_type t) {
  switch (t) {
    case napi_float32_array:
      return at::kFloat;
    case napi_float64_array:
      return at::kDouble;
    case napi_int32_array:
      return at::kInt;
    case napi_bigint64_array:
      return at::kLong;
    case napi_uint8_array:
      return at::kByte;
    case napi_int8_array:
      return at::kChar;
    case napi_int16_array:
      return at::kShort;
    default:
      fail("ERR_DTYPE", "Expected a Float32Array, Float64Array, Int32Array, BigInt64Array, Uint8Array, Int8Array or Int16Array");
  }
}

}  // namespace

/// fromData(typedArray, shape, dtype, device, requiresGrad) -> handle. Copies the data.
WN_EXPORT(fromData) {
  Napi::TypedArray ta = info[0].As<Napi::TypedArray>();
  const auto shape = arg_dims(info, 1);
  const at::ScalarType target = to_scalar_type(arg_int(info, 2));
  const at::ScalarType src = typed_array_type(ta.TypedArrayType());
  int64_t numel = 1;
  for (auto d : shape) {
    WN_CHECK(d >= 0, "ERR_SHAPE", "Expected non-negative sizes but received shape ", shape_str(shape));
    numel *= d;
  }
  WN_CHECK(static_cast<int64_t>(ta.ElementLength()) == numel, "ERR_SHAPE", "Expected ", numel, " values for shape ", shape_str(shape),
           " but received ", ta.ElementLength());
  uint8_t* base = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  at::Tensor t =
      numel == 0 ? at::empty(shape, at::TensorOptions().dtype(src)) : at::from_blob(base, shape, at::TensorOptions().dtype(src)).clone();
  if (target == at::kBool && src == at::kByte)
    t = t.ne(0);
  else if (target != src)
    t = t.to(target);
  const int32_t dev = arg_int(info, 3);
  if (dev >= 0) t = t.to(to_device(dev));
  if (arg_bool(info, 4)) t.set_requires_grad(true);
  return out(info, t);
}

WN_EXPORT(zeros) { return out(info, at::zeros(arg_dims(info, 0), options(arg_int(info, 1), arg_int(info, 2)))); }
WN_EXPORT(ones) { return out(info, at::ones(arg_dims(info, 0), options(arg_int(info, 1), arg_int(info, 2)))); }
WN_EXPORT(empty) { return out(info, at::empty(arg_dims(info, 0), options(arg_int(info, 1), arg_int(info, 2)))); }
WN_EXPORT(full) { return out(info, at::full(arg_dims(info, 0), arg_scalar(info, 1), options(arg_int(info, 2), arg_int(info, 3)))); }
WN_EXPORT(arange) {
  const double start = arg_num(info, 0), end = arg_num(info, 1), step = arg_num(info, 2);
  WN_CHECK(step != 0, "ERR_ARGUMENT", "Expected a non-zero step for arange but received 0");
  return out(info, at::arange(start, end, step, options(arg_int(info, 3), arg_int(info, 4))));
}
WN_EXPORT(linspace) {
  return out(info, at::linspace(arg_num(info, 0), arg_num(info, 1), arg_int64(info, 2), options(arg_int(info, 3), arg_int(info, 4))));
}
WN_EXPORT(eye) { return out(info, at::eye(arg_int64(info, 0), arg_int64(info, 1), options(arg_int(info, 2), arg_int(info, 3)))); }
WN_EXPORT(rand) { return out(info, at::rand(arg_dims(info, 0), options(arg_int(info, 1), arg_int(info, 2)))); }
WN_EXPORT(randn) { return out(info, at::randn(arg_dims(info, 0), options(arg_int(info, 1), arg_int(info, 2)))); }
WN_EXPORT(randint) {
  const int64_t low = arg_int64(info, 0), high = arg_int64(info, 1);
  WN_CHECK(high > low, "ERR_ARGUMENT", "Expected high > low for randint but received low=", low, " high=", high);
  return out(info, at::randint(low, high, arg_dims(info, 2), options(arg_int(info, 3), arg_int(info, 4))));
}
WN_EXPORT(randperm) { return out(info, at::randperm(arg_int64(info, 0), options(arg_int(info, 1), arg_int(info, 2)))); }

/// like(kind, handle, value?, dtype?) -> tensor with the shape/device (and dtype unless given) of handle.
WN_EXPORT(like) {
  const std::string kind = arg_str(info, 0);
  const at::Tensor& a = arg_tensor(info, 1);
  at::TensorOptions o = a.options();
  if (arg_present(info, 3) && arg_int(info, 3) >= 0) o = o.dtype(to_scalar_type(arg_int(info, 3)));
  if (kind == "zeros") return out(info, at::zeros(a.sizes(), o));
  if (kind == "ones") return out(info, at::ones(a.sizes(), o));
  if (kind == "full") return out(info, at::full(a.sizes(), arg_scalar(info, 2), o));
  if (kind == "rand") return out(info, at::rand(a.sizes(), o));
  if (kind == "randn") return out(info, at::randn(a.sizes(), o));
  if (kind == "empty") return out(info, at::empty(a.sizes(), o));
  fail("ERR_ARGUMENT", "Expected one of zeros, ones, full, rand, randn, empty but received '", kind, "'");
}

/// Seeds the global CPU (and CUDA) generators, as torch.manual_seed.
WN_EXPORT(manualSeed) {
  torch::manual_seed(static_cast<uint64_t>(arg_int64(info, 0)));
  return info.Env().Undefined();
}
