"""PyG's NeighborLoader on the graph that scripts/bench/sampler.mjs wrote (the same CSR, so the same
graph as ours): sampled subgraphs per second for the same fanouts, batch size, shuffled seeds and
threads. Prints one JSON line.

  python sampler_pyg.py DIR --fanouts 15,10 --batch 1024 --seconds 5 --threads 2

DIR holds meta.json ({"nodes": N, "edges": E}), indptr.bin and indices.bin (int32, CSR with row =
destination, columns = sources: edge_index = [indices, row]).
"""
import argparse
import json
import os
import time

import numpy as np
import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--fanouts", default="15,10")
    ap.add_argument("--batch", type=int, default=1024)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    import torch_geometric.typing as pyg_typing
    from torch_geometric.data import Data
    from torch_geometric.loader import NeighborLoader

    meta = json.load(open(os.path.join(a.dir, "meta.json")))
    n = meta["nodes"]
    indptr = np.fromfile(os.path.join(a.dir, "indptr.bin"), dtype=np.int32)
    indices = np.fromfile(os.path.join(a.dir, "indices.bin"), dtype=np.int32)
    dst = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    edge_index = torch.stack([torch.from_numpy(indices.astype(np.int64)), torch.from_numpy(dst)])
    data = Data(edge_index=edge_index, num_nodes=n)

    t0 = time.perf_counter()
    loader = NeighborLoader(data, num_neighbors=[int(f) for f in a.fanouts.split(",")], batch_size=a.batch, shuffle=True)
    setup_s = time.perf_counter() - t0

    batches = nodes = edges = 0
    it = iter(loader)
    next(it)  # warm-up
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < a.seconds:
        try:
            b = next(it)
        except StopIteration:
            it = iter(loader)
            continue
        batches += 1
        nodes += b.num_nodes
        edges += b.edge_index.size(1)
    dt = time.perf_counter() - t0
    backend = "pyg-lib" if pyg_typing.WITH_PYG_LIB else "torch-sparse"
    kernel = kernel_rate(loader, n, a) if backend == "torch-sparse" else None
    print(json.dumps({"perSecond": batches / dt, "batches": batches, "meanNodes": nodes / max(batches, 1),
                      "meanEdges": edges / max(batches, 1), "setupSeconds": setup_s, "backend": backend,
                      "kernelPerSecond": kernel, "torch": torch.__version__}))


def kernel_rate(loader, n, a):
    """Batches per second of torch-sparse's neighbor_sample alone (the call NeighborLoader makes,
    on the loader's own CSC), to tell the kernel's time from the loader's Python around it."""
    s = loader.node_sampler
    fanouts = [int(f) for f in a.fanouts.split(",")]
    perm = torch.randperm(n)
    batches = at = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < a.seconds:
        if at + a.batch > n:
            perm, at = torch.randperm(n), 0
        torch.ops.torch_sparse.neighbor_sample(s.colptr, s.row, perm[at:at + a.batch], fanouts, False, True)
        at += a.batch
        batches += 1
    return batches / (time.perf_counter() - t0)


if __name__ == "__main__":
    main()
