// Neighbour sampling for mini-batch training (GraphSAGE, Hamilton et al. 2017; PyG's NeighborLoader):
// around a batch of seed nodes, hop h draws up to fanouts[h] in-neighbours of every node first reached
// in the previous hop (the seeds for h = 0), uniformly without replacement (all of them when the
// degree is at most the fanout, or the fanout is -1). One native call returns the sampled subgraph:
//
//   nodes    int64 [n]: global ids, the B seeds first (in input order), then each node the first time
//            it is drawn (hop by hop, frontier node by frontier node, draw by draw);
//   graph    a CSR [n, n] in local ids with the project's orientation (row = destination = the node
//            whose neighbours were drawn, columns = the drawn neighbours = sources), so messages flow
//            from a sampled neighbour to its target as in PyG's edge_index (flow "source_to_target")
//            and DeviceGraph's gcn/mean/sum aggregate over the sampled in-neighbours. Rows of nodes
//            first reached in the last hop are empty. Edge weights are carried over;
//   edge ids int64 [E]: the position of each sampled edge in the source CSR (PyG's e_id).
//
// Determinism: the draws of a node depend only on (key, hop, global node id) through the counter
// RNG (cuda/neighbor_draw.h); the hops are sampled in parallel over the frontier with LibTorch's
// intra-op threads, each node writing its own slots, and the relabelling is one sequential pass in
// slot order, so the result is the same for any number of threads and on CUDA (cuda_glue.cc).
#include <ATen/Parallel.h>

#include <cstring>
#include <unordered_set>

#include "common/binding.h"
#include "cuda/neighbor_draw.h"
#include "graph/sparse.h"
#include "tensor/generator.h"

using namespace wn;
using namespace wn::graph;

WN_ERRORS(Argument);  // untyped LibTorch errors of these bindings (common/binding.h)

namespace wn::graph::cpu {

/// Above this fanout Floyd's membership test uses a hash set instead of a scan (same answers).
constexpr int64_t kScanFanout = 64;

HopDraws sample_hop(const SparseObj& s, const int64_t* frontier, int64_t n, int64_t fanout, uint64_t hop_key) {
  const int32_t* ip = s.indptr.data_ptr<int32_t>();
  const int32_t* ix = s.indices.data_ptr<int32_t>();
  HopDraws d;
  d.offsets.resize(static_cast<size_t>(n) + 1);
  d.offsets[0] = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t v = frontier[i];
    d.offsets[i + 1] = d.offsets[i] + rng::sample_count(ip[v + 1] - ip[v], fanout);
  }
  d.pos.resize(static_cast<size_t>(d.offsets[n]));
  d.src.resize(static_cast<size_t>(d.offsets[n]));
  // Grain: a frontier node costs about a fanout's worth of draws.
  at::parallel_for(0, n, 64, [&](int64_t i0, int64_t i1) {
    std::unordered_set<int64_t> drawn;
    for (int64_t i = i0; i < i1; ++i) {
      const int64_t v = frontier[i];
      const int64_t start = ip[v], deg = ip[v + 1] - ip[v];
      int64_t* pos = d.pos.data() + d.offsets[i];
      const int64_t k = d.offsets[i + 1] - d.offsets[i];
      if (k == deg) {
        for (int64_t j = 0; j < deg; ++j) pos[j] = j;
      } else if (k <= kScanFanout) {
        rng::floyd_sample(rng::node_key(hop_key, static_cast<uint64_t>(v)), deg, k, pos, rng::SeenScan{});
      } else {
        drawn.clear();
        rng::floyd_sample(rng::node_key(hop_key, static_cast<uint64_t>(v)), deg, k, pos, [&](const int64_t* out, int64_t m, int64_t t) {
          // drawn holds out[0..m): add the last offset written (t itself may be replaced by j).
          if (m > 0) drawn.insert(out[m - 1]);
          return drawn.count(t) > 0;
        });
      }
      int32_t* src = d.src.data() + d.offsets[i];
      for (int64_t j = 0; j < k; ++j) {
        pos[j] += start;
        src[j] = ix[pos[j]];
      }
    }
  });
  return d;
}

}  // namespace wn::graph::cpu

namespace {

/// Local id of each global node of the sample being built, -1 elsewhere. Kept between calls (one per
/// JS thread) so a batch costs O(sampled nodes), not O(N); the guard resets what it touched, even
/// when a call fails.
struct LocalIds {
  std::vector<int32_t>& map;
  std::vector<int64_t>& nodes;
  LocalIds(std::vector<int32_t>& m, std::vector<int64_t>& ns, int64_t num_nodes) : map(m), nodes(ns) {
    if (map.size() < static_cast<size_t>(num_nodes)) map.assign(static_cast<size_t>(num_nodes), -1);
  }
  ~LocalIds() {
    for (const int64_t v : nodes) map[v] = -1;
  }
  /// The local id of global node v, adding it when new.
  int32_t of(int64_t v) {
    int32_t& l = map[v];
    if (l < 0) {
      l = static_cast<int32_t>(nodes.size());
      nodes.push_back(v);
    }
    return l;
  }
};

struct Sample {
  std::vector<int64_t> nodes, edge_pos, hop_nodes, hop_edges;
  std::vector<int32_t> indptr, indices;
};

/// Fills `out` (an out-parameter: the guard must see out.nodes until it has reset the map).
void sample_neighbors(const SparseObj& s, const std::vector<int64_t>& seeds, const std::vector<int64_t>& fanouts, uint64_t key,
                      Sample& out) {
  thread_local std::vector<int32_t> map;
  LocalIds ids(map, out.nodes, s.rows);
  for (size_t i = 0; i < seeds.size(); ++i) {
    const int32_t l = ids.of(seeds[i]);
    WN_CHECK(static_cast<size_t>(l) == i, "ERR_ARGUMENT", "sampleNeighbors: expected distinct seed nodes but node ", seeds[i],
             " is at positions ", l, " and ", i);
  }
  out.hop_nodes.push_back(static_cast<int64_t>(seeds.size()));
  out.indptr.push_back(0);
  int64_t begin = 0;
  for (size_t h = 0; h < fanouts.size(); ++h) {
    const int64_t end = static_cast<int64_t>(out.nodes.size());
    // The frontier is copied: relabelling appends to out.nodes.
    const std::vector<int64_t> frontier(out.nodes.begin() + begin, out.nodes.end());
    HopDraws d = sample_hop(s, frontier.data(), end - begin, fanouts[h], rng::hop_key(key, h));
    const int64_t total = static_cast<int64_t>(out.indices.size()) + d.offsets.back();
    WN_CHECK(total <= INT32_MAX, "ERR_ARGUMENT", "sampleNeighbors: the sampled subgraph would have ", total,
             " edges, more than an int32 CSR holds; use smaller batches or fanouts");
    for (int64_t i = 0; i < end - begin; ++i)
      out.indptr.push_back(out.indptr.back() + static_cast<int32_t>(d.offsets[i + 1] - d.offsets[i]));
    out.indices.reserve(static_cast<size_t>(total));
    for (const int32_t v : d.src) out.indices.push_back(ids.of(v));
    out.edge_pos.insert(out.edge_pos.end(), d.pos.begin(), d.pos.end());
    out.hop_nodes.push_back(static_cast<int64_t>(out.nodes.size()) - end);
    out.hop_edges.push_back(d.offsets.back());
    begin = end;
  }
  // Nodes first reached in the last hop have no sampled neighbours.
  out.indptr.resize(out.nodes.size() + 1, out.indptr.back());
}

template <typename T>
at::Tensor to_tensor(const std::vector<T>& v, at::ScalarType st, c10::Device device) {
  at::Tensor t = at::empty({static_cast<int64_t>(v.size())}, st);
  if (!v.empty()) std::memcpy(t.data_ptr(), v.data(), v.size() * sizeof(T));
  return device.is_cpu() ? t : t.to(device);
}

/// The seed ids from an Int32Array or an integer tensor handle, range-checked.
std::vector<int64_t> seeds_arg(const Napi::CallbackInfo& info, size_t i, int64_t num_nodes) {
  std::vector<int64_t> seeds;
  if (info[i].IsTypedArray()) {
    Napi::TypedArray ta = info[i].As<Napi::TypedArray>();
    WN_CHECK(ta.TypedArrayType() == napi_int32_array, "ERR_ARGUMENT", "sampleNeighbors: expected seeds as an Int32Array or a tensor");
    const Napi::Int32Array a = info[i].As<Napi::Int32Array>();
    seeds.assign(a.Data(), a.Data() + a.ElementLength());
  } else {
    const at::Tensor& t = arg_tensor(info, i);
    WN_CHECK(t.scalar_type() == at::kLong || t.scalar_type() == at::kInt, "ERR_DTYPE",
             "sampleNeighbors: expected int64 or int32 seeds but received ", dtype_name(t.scalar_type()));
    WN_CHECK(t.dim() == 1, "ERR_SHAPE", "sampleNeighbors: expected seeds of shape [B] but received ", shape_str(t.sizes()));
    const at::Tensor c = t.to(at::kCPU, at::kLong).contiguous();
    seeds.assign(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
  }
  WN_CHECK(!seeds.empty(), "ERR_ARGUMENT", "sampleNeighbors: expected at least one seed node");
  for (size_t k = 0; k < seeds.size(); ++k)
    WN_CHECK(seeds[k] >= 0 && seeds[k] < num_nodes, "ERR_INDEX", "sampleNeighbors: seed ", k, " is node ", seeds[k],
             " but the graph has nodes 0..", num_nodes - 1);
  return seeds;
}

std::vector<int64_t> fanouts_arg(const Napi::CallbackInfo& info, size_t i) {
  WN_CHECK(info[i].IsTypedArray() && info[i].As<Napi::TypedArray>().TypedArrayType() == napi_int32_array, "ERR_ARGUMENT",
           "sampleNeighbors: expected fanouts as an Int32Array");
  const Napi::Int32Array a = info[i].As<Napi::Int32Array>();
  std::vector<int64_t> f(a.Data(), a.Data() + a.ElementLength());
  WN_CHECK(!f.empty(), "ERR_ARGUMENT", "sampleNeighbors: expected at least one fanout (one per hop)");
  for (size_t h = 0; h < f.size(); ++h)
    WN_CHECK(f[h] >= 1 || f[h] == -1, "ERR_ARGUMENT",
             "sampleNeighbors: expected each fanout to be a positive count or -1 (all neighbours) but fanout ", h, " is ", f[h]);
  return f;
}

}  // namespace

/// graphSampleNeighbors(id, seeds: Int32Array | tensor, fanouts: Int32Array, generator, keyHi, keyLo)
///   -> [graphId, nodes, edgeIds, numNodes, numEdges, hopNodes, hopEdges]
/// The key is drawn from the generator when its id is >= 0, else it is (keyHi << 32) | keyLo.
/// hopNodes: the seeds, then the nodes first reached at each hop; hopEdges: the edges drawn at each hop.
WN_EXPORT(graphSampleNeighbors) {
  const SparsePtr g = sparse_table().get(arg_int(info, 0));
  WN_CHECK(g->rows == g->cols && !g->features, "ERR_ARGUMENT", "sampleNeighbors: expected a graph but received a ", g->rows, " x ", g->cols,
           " sparse feature matrix");
  const std::vector<int64_t> seeds = seeds_arg(info, 1, g->rows);
  const std::vector<int64_t> fanouts = fanouts_arg(info, 2);
  // Validated before drawing, so a failed call leaves the generator where it was.
  const int32_t gen = arg_int(info, 3);
  const uint64_t key = gen >= 0 ? draw_key(generator_arg(gen))
                                : (static_cast<uint64_t>(arg_int64(info, 4)) << 32) | static_cast<uint32_t>(arg_int64(info, 5));

  Sample smp;
  sample_neighbors(*g, seeds, fanouts, key, smp);
  const c10::Device dev = g->device();
  auto sub = std::make_shared<SparseObj>();
  sub->rows = sub->cols = static_cast<int64_t>(smp.nodes.size());
  sub->indptr = to_tensor(smp.indptr, at::kInt, dev);
  sub->indices = to_tensor(smp.indices, at::kInt, dev);
  const at::Tensor edge_ids = to_tensor(smp.edge_pos, at::kLong, dev);
  if (g->values.defined()) sub->values = g->values.index_select(0, edge_ids);

  Napi::Env env = info.Env();
  const auto numbers = [&](const std::vector<int64_t>& v) {
    Napi::Array a = Napi::Array::New(env, v.size());
    for (size_t h = 0; h < v.size(); ++h) a.Set(static_cast<uint32_t>(h), static_cast<double>(v[h]));
    return a;
  };
  Napi::Array r = Napi::Array::New(env, 7);
  r.Set(0u, sparse_table().put(sub));
  r.Set(1u, Handles::instance().put(to_tensor(smp.nodes, at::kLong, dev)));
  r.Set(2u, Handles::instance().put(edge_ids));
  r.Set(3u, static_cast<double>(smp.nodes.size()));
  r.Set(4u, static_cast<double>(smp.indices.size()));
  r.Set(5u, numbers(smp.hop_nodes));
  r.Set(6u, numbers(smp.hop_edges));
  return r;
}
