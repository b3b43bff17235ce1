// debugThrow(type, message): raises one exception of a named C++ type inside a guarded binding, so
// tests can check that codes follow the exception type and the call site (DESIGN D4), whatever the
// message says. Not part of the public API.
#include <new>
#include <stdexcept>
#include <string>

#include "common/binding.h"

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

WN_EXPORT(debugThrow) {
  const std::string type = wn::arg_str(info, 0), msg = wn::arg_str(info, 1);
  if (type == "werank") wn::fail("ERR_DATA", msg);
  if (type == "error") TORCH_CHECK(false, msg);
  if (type == "index") TORCH_CHECK_INDEX(false, msg);
  if (type == "value") TORCH_CHECK_VALUE(false, msg);
  if (type == "type") TORCH_CHECK_TYPE(false, msg);
  if (type == "notImplemented") TORCH_CHECK_NOT_IMPLEMENTED(false, msg);
  if (type == "linalg") TORCH_CHECK_LINALG(false, msg);
  if (type == "oom") TORCH_CHECK_WITH(OutOfMemoryError, false, msg);
  if (type == "runtime") throw std::runtime_error(msg);
  if (type == "badAlloc") throw std::bad_alloc();
  wn::fail("ERR_ARGUMENT",
           "debugThrow: expected a type among werank, error, index, value, type, notImplemented, linalg, oom, runtime, "
           "badAlloc but received '",
           type, "'");
}
