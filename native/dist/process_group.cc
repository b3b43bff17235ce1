// Data-parallel ranks over LibTorch's own c10d: a TCPStore rendezvous (rank 0 serves it, as torchrun's
// static rendezvous) and a ProcessGroupGloo (CPU) or ProcessGroupNCCL (CUDA LibTorch) on top. The
// collectives take a whole list of tensors per N-API call and bucket them (DDP's flat buckets): one
// all-reduce per bucket instead of one per tensor. Every failure of a peer (dead, stuck past the
// timeout) surfaces as ERR_DIST; the group is then unusable and every later call says so at once.
//
// Built only when scripts/torch-config.cjs found the c10d and gloo headers (WN_WITH_C10D); without
// them the same exports exist and throw ERR_NATIVE_MISSING with what to install.
#include <chrono>
#include <memory>
#include <string>

#include "common/binding.h"
#include "common/object_table.h"

// NCCL needs the CUDA build too (CMake with nvcc: WN_WITH_CUDA brings the CUDA include directories).
#if defined(WN_WITH_C10D) && defined(WN_WITH_NCCL) && defined(WN_WITH_CUDA)
#define WN_DIST_NCCL 1
#endif

#ifdef WN_WITH_C10D
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1  // ProcessGroupGloo.hpp is empty without it (LibTorch's own build defines it)
#endif
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/autograd/custom_function.h>
#ifdef WN_DIST_NCCL
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#endif

using namespace wn;

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace {

constexpr const char* kNoC10d =
    "Data-parallel ranks need LibTorch's c10d, but this addon was built without it (gloo's headers were not found at build time). "
    "Possible solutions: apt-get install libgloo-dev (Debian/Ubuntu, as root), or set GLOO_INCLUDE_DIR to gloo's include directory; "
    "then rebuild the addon: node scripts/build-native.cjs --force";

#ifdef WN_WITH_C10D

// 2.x split the collectives out of ProcessGroup into Backend (which ProcessGroupGloo/NCCL now derive
// from); both expose the same allreduce/broadcast/barrier returning a c10d::Work.
#if WN_TORCH_AT_LEAST(2, 0)
using Collectives = c10d::Backend;
#else
using Collectives = c10d::ProcessGroup;
#endif

struct Group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<Collectives> pg;
  int rank = 0, size = 1;
  std::string backend;
  /// Where nccl's scalars go (the rank's GPU); CPU for gloo.
  c10::Device device{c10::kCPU};
  std::chrono::milliseconds timeout{0};
  /// Set by the first failed collective: gloo's pairs are in an undefined state after one.
  std::string failed;
};

ObjectTable<Group>& table() {
  static ObjectTable<Group> t(HandleKind::ProcessGroup);
  return t;
}

Group& get(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  Group& g = *table().get(arg_int(info, i));
  WN_CHECK(g.failed.empty(), "ERR_DIST", fn, ": the process group (rank ", g.rank, " of ", g.size,
           ") failed earlier and cannot be used again: ", g.failed);
  return g;
}

std::string joined_key(int32_t rank) { return cat("werank/joined/", rank); }

bool is_loopback(const std::string& host) { return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1"; }

/// Runs one collective step; any exception (gloo's IoException on a closed peer socket or a timeout,
/// c10::Error from Work::wait) marks the group failed and becomes ERR_DIST naming the step.
template <typename F>
auto collective(Group& g, const char* fn, F&& f) {
  try {
    return f();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    g.failed = cat(fn, ": ", user_message(e));
    fail("ERR_DIST", fn, " failed on rank ", g.rank, " of ", g.size, " (", g.backend, ", timeout ", g.timeout.count(),
         " ms): ", user_message(e),
         ". A peer rank died, stopped calling the same collectives in the same order, or is slower than the timeout; see the other "
         "ranks' output");
  }
}

/// Waits for a work item; the bound is a safety net past the backend's own timeout, which fires first
/// with the clearer message.
void wait(const c10::intrusive_ptr<c10d::Work>& w, const Group& g) { w->wait(g.timeout + std::chrono::milliseconds(5000)); }

/// What a call is, for check_same_call: the collective, and FNV-1a over everything that shapes its
/// messages (dtypes, shapes, bucket size, root, op), kept to 62 bits so that its negation is exact.
enum Call : int64_t { kMean = 1, kBroadcast = 2, kScalars = 3, kBarrier = 4, kSum = 5, kSumBackward = 6 };
struct Signature {
  int64_t call, count = 0;
  uint64_t h = 1469598103934665603ull;
  void add(int64_t v) {
    for (int b = 0; b < 8; ++b) h = (h ^ ((static_cast<uint64_t>(v) >> (8 * b)) & 0xff)) * 1099511628211ull;
  }
  void add(const std::vector<at::Tensor>& ts) {
    count = static_cast<int64_t>(ts.size());
    for (const at::Tensor& t : ts) {
      add(static_cast<int64_t>(t.scalar_type()));
      add(t.dim());
      for (int64_t d : t.sizes()) add(d);
    }
  }
  int64_t hash() const { return static_cast<int64_t>(h & ((uint64_t{1} << 62) - 1)); }
};

/// Every rank must make the same call with the same tensor list: otherwise gloo's background thread
/// throws on the size mismatch and the process aborts (measured on 1.13: gloo::EnforceNotMet,
/// "op.preamble.length <= op.nbytes"). So each call starts with one tiny all-reduce of
/// [call, count, hash, -call, -count, -hash] under MAX, which gives the maximum and the minimum of each
/// over the ranks: equal on every rank iff every rank made the same call. A mismatch is ERR_DIST on
/// every rank and leaves the group usable. It is also the barrier.
void check_same_call(Group& g, const char* fn, const Signature& s) {
  const int64_t sig[3] = {s.call, s.count, s.hash()};
  at::Tensor t = at::empty({6}, at::TensorOptions().dtype(at::kLong));
  int64_t* p = t.data_ptr<int64_t>();
  for (int i = 0; i < 3; ++i) p[i] = sig[i], p[3 + i] = -sig[i];
  if (g.backend == "nccl") t = t.to(g.device);
  c10d::AllreduceOptions opts;
  opts.reduceOp = c10d::ReduceOp::MAX;
  collective(g, fn, [&] {
    std::vector<at::Tensor> one{t};
    wait(g.pg->allreduce(one, opts), g);
  });
  t = t.cpu();
  p = t.data_ptr<int64_t>();
  if (p[0] == -p[3] && p[1] == -p[4] && p[2] == -p[5]) return;
  fail("ERR_DIST", fn, " on rank ", g.rank, " of ", g.size, ": the ranks did not make the same call (",
       p[0] != -p[3]   ? "different collectives at the same point"
       : p[1] != -p[4] ? cat("between ", -p[4], " and ", p[1], " ", s.call == kScalars ? "values" : "tensors")
                       : "different dtypes, shapes, bucketBytes or root",
       "). Every rank must call the same collectives with the same lists (shapes and dtypes) in the same order; nothing was "
       "exchanged and the group is still usable");
}

/// Consecutive tensors of one dtype and device, flattened into one contiguous buffer of at most
/// `cap` bytes (a larger tensor gets a bucket of its own). Every rank passes the same list, so every
/// rank cuts the same buckets. A bucket of one contiguous tensor is that tensor's memory (no copy).
struct Bucket {
  size_t begin, end;
  at::Tensor flat;
  at::Tensor own;  // defined for a bucket of one tensor reduced in its own memory
};

std::vector<Bucket> make_buckets(const std::vector<at::Tensor>& ts, int64_t cap) {
  std::vector<Bucket> out;
  size_t i = 0;
  while (i < ts.size()) {
    size_t j = i;
    int64_t bytes = 0;
    while (j < ts.size() && ts[j].scalar_type() == ts[i].scalar_type() && ts[j].device() == ts[i].device() &&
           (j == i || bytes + static_cast<int64_t>(ts[j].nbytes()) <= cap)) {
      bytes += static_cast<int64_t>(ts[j].nbytes());
      ++j;
    }
    if (j == i + 1 && ts[i].is_contiguous()) {
      out.push_back({i, j, ts[i].view({-1}), ts[i]});
    } else {
      std::vector<at::Tensor> flat;
      flat.reserve(j - i);
      for (size_t k = i; k < j; ++k) flat.push_back(ts[k].reshape({-1}));
      out.push_back({i, j, at::cat(flat), at::Tensor()});
    }
    i = j;
  }
  return out;
}

/// One collective per bucket, `launch(tensors)` -> Work: all are queued first (the backend's threads
/// overlap them), then waited for in order.
template <typename Launch>
void run_buckets(Group& g, const char* fn, std::vector<Bucket>& buckets, Launch&& launch) {
  collective(g, fn, [&] {
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    for (Bucket& b : buckets) {
      std::vector<at::Tensor> one{b.flat};
      works.push_back(launch(one));
    }
    for (auto& w : works) wait(w, g);
  });
}

/// Copies each bucket back into its tensors, times `scale` when it is not 1.
void unflatten(std::vector<at::Tensor>& ts, std::vector<Bucket>& buckets, double scale) {
  for (Bucket& b : buckets) {
    if (scale != 1) b.flat.mul_(scale);
    if (b.own.defined()) {
      // The backend wrote into the tensor's memory behind autograd's back: mark it modified.
      torch::autograd::impl::bump_version(b.own);
      continue;
    }
    int64_t off = 0;
    for (size_t k = b.begin; k < b.end; ++k) {
      const int64_t n = ts[k].numel();
      ts[k].copy_(b.flat.narrow(0, off, n).view(ts[k].sizes()));
      off += n;
    }
  }
}

std::vector<at::Tensor> checked_tensors(const Napi::CallbackInfo& info, size_t i, const Group& g, const char* fn) {
  std::vector<at::Tensor> ts = arg_tensors(info, i);
  for (size_t k = 0; k < ts.size(); ++k) {
    WN_CHECK(g.backend != "gloo" || ts[k].device().is_cpu(), "ERR_DEVICE", fn, ": expected CPU tensors for the gloo backend but tensor ", k,
             " is on ", ts[k].device().str(), "; use backend 'nccl' for CUDA tensors");
    WN_CHECK(g.backend != "nccl" || ts[k].device() == g.device, "ERR_DEVICE", fn, ": expected tensors on this rank's ", g.device.str(),
             " for the nccl backend but tensor ", k, " is on ", ts[k].device().str());
  }
  return ts;
}

/// One tensor summed over the ranks into a new tensor (the input is left alone), after the call check.
/// `call` tells a forward from a backward sum, so that a rank in backward facing one still in forward
/// is a mismatch (ERR_DIST), not a silent exchange of unrelated numbers.
at::Tensor sum_over_ranks(Group& g, const char* fn, Call call, const at::Tensor& t) {
  WN_CHECK(g.backend != "gloo" || t.device().is_cpu(), "ERR_DEVICE", fn,
           ": expected a CPU tensor for the gloo backend but received one on ", t.device().str());
  WN_CHECK(g.backend != "nccl" || t.device() == g.device, "ERR_DEVICE", fn, ": expected a tensor on this rank's ", g.device.str(),
           " for the nccl backend but received one on ", t.device().str());
  WN_CHECK(at::isFloatingType(t.scalar_type()), "ERR_DTYPE", fn, ": expected a floating-point tensor but received dtype ",
           dtype_name(t.scalar_type()));
  Signature sig{call};
  sig.add(std::vector<at::Tensor>{t});
  check_same_call(g, fn, sig);
  at::NoGradGuard no_grad;
  at::Tensor out = t.clone(at::MemoryFormat::Contiguous);
  collective(g, fn, [&] {
    std::vector<at::Tensor> one{out};
    wait(g.pg->allreduce(one), g);
  });
  return out;
}

/// The all-reduce (sum) as an autograd function: y = sum_r x_r on every rank, so dL/dx_r = sum_r' dL_r'/dy
/// (every rank's loss depends on y): the backward is the same all-reduce of the incoming gradient, as in
/// torch.nn.SyncBatchNorm, whose backward all-reduces sum(dy) and sum(dy * (x - mean)). The group is
/// looked up by id in backward, so one disposed in between is ERR_DISPOSED, not a dangling pointer.
struct AllReduceSum : public torch::autograd::Function<AllReduceSum> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, int64_t id) {
    ctx->saved_data["id"] = id;
    return sum_over_ranks(get_id(static_cast<int32_t>(id), "allReduceSumAutograd"), "allReduceSumAutograd", kSum, x);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    constexpr const char* fn = "allReduceSumAutograd (backward)";
    const auto id = static_cast<int32_t>(ctx->saved_data["id"].toInt());
    return {sum_over_ranks(get_id(id, fn), fn, kSumBackward, grads[0]), at::Tensor()};
  }
  static Group& get_id(int32_t id, const char* fn) {
    Group& g = *table().get(id);
    WN_CHECK(g.failed.empty(), "ERR_DIST", fn, ": the process group (rank ", g.rank, " of ", g.size,
             ") failed earlier and cannot be used again: ", g.failed);
    return g;
  }
};

int64_t bucket_cap(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (!arg_present(info, i)) return int64_t{25} << 20;  // DDP's default bucket_cap_mb
  const double v = arg_num(info, i);
  WN_CHECK(std::isfinite(v) && v >= 1 && v <= 9007199254740992.0, "ERR_ARGUMENT", fn, ": expected bucketBytes >= 1 but received ", v);
  return static_cast<int64_t>(v);
}

#endif  // WN_WITH_C10D

}  // namespace

/// distInfo() -> { c10d, gloo, nccl }: what this addon was built with.
WN_EXPORT(distInfo) {
  Napi::Object o = Napi::Object::New(info.Env());
#ifdef WN_WITH_C10D
  o.Set("c10d", true);
  o.Set("gloo", true);
#else
  o.Set("c10d", false);
  o.Set("gloo", false);
#endif
#ifdef WN_DIST_NCCL
  o.Set("nccl", true);
#else
  o.Set("nccl", false);
#endif
  return o;
}

/// pgCreate(rank, worldSize, masterAddr, masterPort, timeoutMs, backend "gloo"|"nccl", device, joinTimeoutMs,
/// storeServer, storePrefix) -> id. Blocks until every rank has joined the TCPStore (served by rank 0, or by
/// torchrun's agent when storeServer is false for every rank, keys under storePrefix as PyTorch's env://
/// does) or joinTimeoutMs passes (ranks start at different times); timeoutMs bounds each collective.
WN_EXPORT(pgCreate) {
#ifndef WN_WITH_C10D
  fail("ERR_NATIVE_MISSING", kNoC10d);
#else
  const int32_t rank = arg_int(info, 0), size = arg_int(info, 1);
  const std::string addr = arg_str(info, 2);
  const int32_t port = arg_int(info, 3);
  const double timeout_ms = arg_num(info, 4);
  const std::string backend = arg_str(info, 5);
  WN_CHECK(size >= 1, "ERR_ARGUMENT", "processGroup: expected worldSize >= 1 but received ", size);
  WN_CHECK(rank >= 0 && rank < size, "ERR_ARGUMENT", "processGroup: expected 0 <= rank < worldSize = ", size, " but received ", rank);
  WN_CHECK(port >= 1 && port <= 65535, "ERR_ARGUMENT", "processGroup: expected a master port in 1..65535 but received ", port);
  WN_CHECK(!addr.empty(), "ERR_ARGUMENT", "processGroup: expected a master address but received an empty string");
  WN_CHECK(std::isfinite(timeout_ms) && timeout_ms >= 1, "ERR_ARGUMENT", "processGroup: expected timeoutMs >= 1 but received ", timeout_ms);
  const double join_ms = arg_present(info, 7) ? arg_num(info, 7) : timeout_ms;
  WN_CHECK(std::isfinite(join_ms) && join_ms >= 1, "ERR_ARGUMENT", "processGroup: expected joinTimeoutMs >= 1 but received ", join_ms);
  const bool server = arg_present(info, 8) ? arg_bool(info, 8) : rank == 0;
  const std::string prefix = arg_present(info, 9) ? arg_str(info, 9) : std::string();
  WN_CHECK(backend == "gloo" || backend == "nccl", "ERR_ARGUMENT", "processGroup: expected backend 'gloo' or 'nccl' but received '",
           backend, "'");
#ifndef WN_DIST_NCCL
  WN_CHECK(backend != "nccl", "ERR_NATIVE_MISSING",
           "processGroup: backend 'nccl' needs a CUDA LibTorch with NCCL, but this addon was built without it. Possible solutions: use "
           "backend 'gloo', or rebuild with CMake and nvcc against PyTorch's CUDA LibTorch (see README: GPU build) with nccl.h found "
           "(NCCL_INCLUDE_DIR)");
#endif
  auto g = std::make_shared<Group>();
  g->rank = rank;
  g->size = size;
  g->backend = backend;
  if (backend == "nccl") g->device = to_device(arg_int(info, 6));
  g->timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout_ms));
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(port);
    so.isServer = server;
    so.numWorkers = static_cast<std::size_t>(size);
    // A client adds itself to the store's worker count (a server that waits for the workers, as
    // torchrun's agent does, needs it); our server does not wait there: the join below does, with an error.
    so.waitWorkers = !server;
    so.timeout = std::chrono::milliseconds(static_cast<int64_t>(join_ms));
    g->store = c10::make_intrusive<c10d::TCPStore>(addr, so);
    if (!prefix.empty()) g->store = c10::make_intrusive<c10d::PrefixStore>(prefix, g->store);
    // An explicit join within joinTimeoutMs: 1.13's TCPStore server stops waiting for the workers at its
    // timeout without an error, and gloo would then wait for the missing ranks for the collective timeout.
    g->store->set(joined_key(rank), std::vector<uint8_t>{1});  // typed: 2.x adds a std::string overload
    std::vector<std::string> keys;
    for (int32_t r = 0; r < size; ++r) keys.push_back(joined_key(r));
    try {
      g->store->wait(keys, std::chrono::milliseconds(static_cast<int64_t>(join_ms)));
    } catch (const std::exception& e) {
      std::string missing;
      for (int32_t r = 0; r < size; ++r)
        if (!g->store->check({joined_key(r)})) missing += cat(missing.empty() ? "" : ", ", r);
      fail("ERR_DIST", "processGroup: rank ", rank, " of ", size, " waited ", static_cast<int64_t>(join_ms), " ms (joinTimeoutMs) at ",
           addr, ":", port, " but rank(s) ", missing,
           " never joined. Possible solutions: start every rank with the same MASTER_ADDR, MASTER_PORT and ",
           "WORLD_SIZE and distinct RANKs, or raise joinTimeoutMs");
    }
    if (backend == "gloo") {
      auto opts = c10d::ProcessGroupGloo::Options::create(g->timeout);
      // Bind where the peers can reach us: loopback for a one-machine job, else the interface named by
      // GLOO_SOCKET_IFNAME (as in PyTorch) or the address the hostname resolves to.
      const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
      if (ifname != nullptr && *ifname != 0)
        opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
      else if (is_loopback(addr))
        opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      else
        opts->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      g->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(g->store, rank, size, opts);
    } else {
#ifdef WN_DIST_NCCL
      auto opts = c10d::ProcessGroupNCCL::Options::create();
      opts->timeout = g->timeout;
      g->pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(g->store, rank, size, opts);
#endif
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    fail("ERR_DIST", "processGroup: rank ", rank, " of ", size, " could not join the group at ", addr, ":", port, " (", backend,
         ", join timeout ", static_cast<int64_t>(join_ms), " ms): ", user_message(e),
         ". Possible solutions: start every rank with the same MASTER_ADDR, MASTER_PORT and WORLD_SIZE and distinct RANKs, check that "
         "rank 0 is running and the port is free and reachable, or raise joinTimeoutMs");
  }
  return Napi::Number::New(info.Env(), table().put(std::move(g)));
#endif
}

/// pgInfo(id) -> { rank, worldSize, backend, timeoutMs, failed }
WN_EXPORT(pgInfo) {
#ifndef WN_WITH_C10D
  fail("ERR_NATIVE_MISSING", kNoC10d);
#else
  const Group& g = *table().get(arg_int(info, 0));
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("rank", g.rank);
  o.Set("worldSize", g.size);
  o.Set("backend", g.backend);
  o.Set("timeoutMs", static_cast<double>(g.timeout.count()));
  o.Set("failed", g.failed);
  return o;
#endif
}

/// pgAllReduceMean(id, tensors: Int32Array, bucketBytes?) -> number of buckets. Every tensor becomes the
/// mean over the ranks, in place: one all-reduce (sum) per bucket, then a division by worldSize.
WN_EXPORT(pgAllReduceMean) {
#ifndef WN_WITH_C10D
  fail("ERR_NATIVE_MISSING", kNoC10d);
#else
  constexpr const char* fn = "allReduceMean";
  Group& g = get(info, 0, fn);
  std::vector<at::Tensor> ts = checked_tensors(info, 1, g, fn);
  const int64_t cap = bucket_cap(info, 2, fn);
  for (size_t k = 0; k < ts.size(); ++k)
    WN_CHECK(at::isFloatingType(ts[k].scalar_type()), "ERR_DTYPE", fn, ": expected floating-point tensors (a mean) but tensor ", k,
             " has dtype ", dtype_name(ts[k].scalar_type()), "; use broadcast() for integer buffers");
  Signature sig{kMean};
  sig.add(ts);
  sig.add(cap);
  check_same_call(g, fn, sig);
  at::NoGradGuard no_grad;
  std::vector<Bucket> buckets = make_buckets(ts, cap);
  run_buckets(g, fn, buckets, [&](std::vector<at::Tensor>& one) { return g.pg->allreduce(one); });
  unflatten(ts, buckets, 1.0 / g.size);
  return Napi::Number::New(info.Env(), static_cast<double>(buckets.size()));
#endif
}

/// pgBroadcast(id, tensors: Int32Array, root, bucketBytes?) -> number of buckets: every rank's tensors
/// become root's, in place (the initial parameter and buffer sync); any dtype.
WN_EXPORT(pgBroadcast) {
#ifndef WN_WITH_C10D
  fail("ERR_NATIVE_MISSING", kNoC10d);
#else
  constexpr const char* fn = "broadcast";
  Group& g = get(info, 0, fn);
  std::vector<at::Tensor> ts = checked_tensors(info, 1, g, fn);
  const int32_t root = arg_int(info, 2);
  WN_CHECK(root >= 0 && root < g.size, "ERR_ARGUMENT", fn, ": expected 0 <= root < worldSize = ", g.size, " but received ", root);
  const int64_t cap = bucket_cap(info, 3, fn);
  Signature sig{kBroadcast};
  sig.add(ts);
  sig.add(cap);
  sig.add(root);
  check_same_call(g, fn, sig);
  at::NoGradGuard no_grad;
  std::vector<Bucket> buckets = make_buckets(ts, cap);
  c10d::BroadcastOptions opts;
  opts.rootRank = root;
  run_buckets(g, fn, buckets, [&](std::vector<at::Tensor>& one) { return g.pg->broadcast(one, opts); });
  if (g.rank != root) unflatten(ts, buckets, 1.0);
  return Napi::Number::New(info.Env(), static_cast<double>(buckets.size()));
#endif
}

/// pgAllReduceScalars(id, values: Float64Array, op "sum"|"mean"|"max"|"min") -> Float64Array: a few
/// numbers (losses, counts, a stop flag) reduced over the ranks in one collective.
WN_EXPORT(pgAllReduceScalars) {
#ifndef WN_WITH_C10D
  fail("ERR_NATIVE_MISSING", kNoC10d);
#else
  constexpr const char* fn = "allReduceScalars";
  Group& g = get(info, 0, fn);
  WN_CHECK(info[1].IsTypedArray(), "ERR_ARGUMENT", fn, ": expected the values as a Float64Array");
  auto in = info[1].As<Napi::Float64Array>();
  const std::string op = arg_str(info, 2);
  c10d::AllreduceOptions opts;
  if (op == "sum" || op == "mean")
    opts.reduceOp = c10d::ReduceOp::SUM;
  else if (op == "max")
    opts.reduceOp = c10d::ReduceOp::MAX;
  else if (op == "min")
    opts.reduceOp = c10d::ReduceOp::MIN;
  else
    fail("ERR_ARGUMENT", fn, ": expected op 'sum', 'mean', 'max' or 'min' but received '", op, "'");
  const int64_t n = static_cast<int64_t>(in.ElementLength());
  Signature sig{kScalars, n};
  for (char c : op) sig.add(c);
  check_same_call(g, fn, sig);
  at::Tensor t = at::empty({n}, at::TensorOptions().dtype(at::kDouble));
  std::copy(in.Data(), in.Data() + n, t.data_ptr<double>());
  if (g.backend == "nccl") t = t.to(g.device);
  if (n > 0) {
    collective(g, fn, [&] {
      std::vector<at::Tensor> one{t};
      wait(g.pg->allreduce(one, opts), g);
    });
  }
  if (op == "mean") t.div_(g.size);
  t = t.cpu();
  auto out = Napi::Float64Array::New(info.Env(), static_cast<size_t>(n));
  std::copy(t.data_ptr<double>(), t.data_ptr<double>() + n, out.Data());
  return out;
#endif
}

/// pgAllReduceSumAutograd(id, x) -> a new tensor, the sum of x over the ranks, differentiable: its backward
/// all-reduces (sums) the incoming gradient. Each direction is one call check plus one all-reduce.
WN_EXPORT(pgAllReduceSumAutograd) {
#ifndef WN_WITH_C10D
  fail("ERR_NATIVE_MISSING", kNoC10d);
#else
  const int32_t id = arg_int(info, 0);
  get(info, 0, "allReduceSumAutograd");
  return out(info, AllReduceSum::apply(arg_tensor(info, 1), static_cast<int64_t>(id)));
#endif
}

/// pgSyncBatchNorm(id, x [N, C], runningMean | -1, runningVar | -1, weight | -1, bias | -1, momentum, eps) -> y:
/// training-mode BatchNorm with the statistics of all ranks' rows (torch.nn.SyncBatchNorm). Each rank
/// sums [x, x^2, 1] over its rows in float64 (one [3, C] tensor: float32 E[x^2] - E[x]^2 cancels), one
/// differentiable all-reduce makes them global, and y = (x - mean) / sqrt(var + eps) * weight + bias
/// with the biased var; the running statistics get the unbiased one (global count N - 1). The
/// gradient flows through the all-reduce, so backward does one more all-reduce ([3, C] again).
WN_EXPORT(pgSyncBatchNorm) {
#ifndef WN_WITH_C10D
  fail("ERR_NATIVE_MISSING", kNoC10d);
#else
  constexpr const char* fn = "syncBatchNorm";
  const int32_t id = arg_int(info, 0);
  get(info, 0, fn);
  const at::Tensor& x = arg_tensor(info, 1);
  at::Tensor rm = arg_opt_tensor(info, 2), rv = arg_opt_tensor(info, 3), w = arg_opt_tensor(info, 4), b = arg_opt_tensor(info, 5);
  const double momentum = arg_num(info, 6), eps = arg_num(info, 7);
  WN_CHECK(x.dim() == 2, "ERR_SHAPE", fn, ": expected input of shape [N, C] but received ", shape_str(x.sizes()));
  WN_CHECK(at::isFloatingType(x.scalar_type()), "ERR_DTYPE", fn, ": expected a floating-point input but received dtype ",
           dtype_name(x.scalar_type()));
  const int64_t c = x.size(1);
  for (const at::Tensor* t : {&rm, &rv, &w, &b})
    WN_CHECK(!t->defined() || (t->dim() == 1 && t->size(0) == c), "ERR_SHAPE", fn, ": expected per-channel tensors of shape [", c,
             "] but received ", shape_str(t->sizes()));
  WN_CHECK(rm.defined() == rv.defined(), "ERR_ARGUMENT", fn, ": expected both running statistics or neither");
  const at::Tensor x64 = x.to(at::kDouble);
  const at::Tensor stats =
      at::stack({x64.sum(0), x64.square().sum(0), at::full({c}, static_cast<double>(x.size(0)), x64.options().requires_grad(false))});
  const at::Tensor total = AllReduceSum::apply(stats, static_cast<int64_t>(id));
  const at::Tensor count = total[2], mean = total[0] / count;
  const at::Tensor var = (total[1] / count - mean.square()).clamp_min(0);
  at::Tensor scale = (var + eps).rsqrt();
  if (w.defined()) scale = scale * w;
  at::Tensor y = (x - mean.to(x.scalar_type())) * scale.to(x.scalar_type());
  if (b.defined()) y = y + b;
  if (rm.defined()) {
    at::NoGradGuard no_grad;
    rm.mul_(1 - momentum).add_(mean.to(rm.scalar_type()), momentum);
    rv.mul_(1 - momentum).add_((var * count / (count - 1)).to(rv.scalar_type()), momentum);
  }
  return out(info, y);
#endif
}

/// pgBarrier(id): returns once every rank has reached it.
WN_EXPORT(pgBarrier) {
#ifndef WN_WITH_C10D
  fail("ERR_NATIVE_MISSING", kNoC10d);
#else
  Group& g = get(info, 0, "barrier");
  // The call check is an all-reduce every rank must reach; c10d's barrier then also drains the backend's queue.
  check_same_call(g, "barrier", Signature{kBarrier});
  collective(g, "barrier", [&] { wait(g.pg->barrier(), g); });
  return info.Env().Undefined();
#endif
}

/// pgDestroy(id): leaves the group (idempotent). Rank 0 also stops the TCPStore server, so it should
/// leave last (a barrier first) when the other ranks still read the store.
WN_EXPORT(pgDestroy) {
#ifdef WN_WITH_C10D
  table().release(arg_int(info, 0));
#endif
  return info.Env().Undefined();
}
