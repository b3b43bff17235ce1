// Compact definitions for the many one-line op bindings. Shape and dtype errors of binary ops are
// re-thrown with both operand shapes and dtypes, so users see "expected ... but received ...".
#pragma once
#include "common/binding.h"

namespace wn {

[[noreturn]] void rethrow_binary(const char* op, const at::Tensor& a, const at::Tensor& b, const c10::Error& e);

}  // namespace wn

#define WN_UNARY(name, expr)                \
  WN_EXPORT(name) {                         \
    const at::Tensor& a = arg_tensor(info, 0); \
    return out(info, expr);                 \
  }

#define WN_BINARY(name, expr)                   \
  WN_EXPORT(name) {                             \
    const at::Tensor& a = arg_tensor(info, 0);  \
    const at::Tensor& b = arg_tensor(info, 1);  \
    try {                                       \
      return out(info, expr);                   \
    } catch (const c10::Error& e) {             \
      rethrow_binary(#name, a, b, e);           \
    }                                           \
  }

#define WN_SCALAR(name, expr)               \
  WN_EXPORT(name) {                         \
    const at::Tensor& a = arg_tensor(info, 0); \
    const double s = arg_num(info, 1);      \
    return out(info, expr);                 \
  }
