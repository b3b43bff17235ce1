// Errors that cross into JS. Every exported function runs inside wn::guarded (binding.h), which
// turns these, c10::Error and std::exception into JS WerankError objects with stable codes (D4).
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace wn {

struct Error : std::exception {
  std::string code, message;
  Error(std::string c, std::string m) : code(std::move(c)), message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
};

template <typename... A>
std::string cat(const A&... parts) {
  std::ostringstream s;
  (s << ... << parts);
  return s.str();
}

template <typename... A>
[[noreturn]] void fail(const char* code, const A&... parts) {
  throw Error(code, cat(parts...));
}

#define WN_CHECK(cond, code, ...)               \
  do {                                          \
    if (!(cond)) ::wn::fail(code, __VA_ARGS__); \
  } while (0)

}  // namespace wn
