#!/usr/bin/python3
"""PyTorch Geometric BGRL reference for scripts/bench/bgrl-epoch.mjs (`--reference pyg`, the default
with `--device cuda`): the official nerdslab/bgrl code path, on the CPU or a CUDA GPU.

Mirrors nerdslab/bgrl (train_transductive.py, bgrl/models.py, bgrl/transforms.py, bgrl/bgrl.py)
with PyG itself, where bgrl_reference.py re-implements PyG's operations in plain PyTorch:
  * encoder: [torch_geometric.nn.GCNConv (normalize, add self-loops, not cached: gcn_norm on every
    call) -> BatchNorm1d(momentum 0.99) -> PReLU] per layer, message passing over an edge_index;
  * views: torch_geometric.utils.dropout_edge (dropout_adj on PyG < 2.3; force_undirected=False)
    and DropFeatures (one column mask per view, x.clone() then x[:, mask] = 0);
  * predictor Linear(d, 512) -> PReLU -> Linear(512, d); target = deepcopy of the online encoder with
    reset_parameters(), no grad, EMA update; AdamW; loss 2 - cos(q1, y2) - cos(q2, y1) (+ WERank,
    the same formula as bgrl_reference.werank).
The model, step, graph loading and protocol are bgrl_reference.py's (bgrl_step, serve, worker): only
the convolution and the edge drop differ. The graph and features stay on the device (as the official
code's data.to(device)); the views are made there.

Protocol: as bgrl_reference.py (stdin/stdout, one JSON object per line):
  argv: <graph dir written by bgrl-epoch.mjs> <threads> [device: cpu (default) | cuda | cuda:<i>]
  cmds: run (per-epoch ms, CUDA-synchronized), gemm (sgemm GFLOP/s on the device), resetPeak
        (torch.cuda.reset_peak_memory_stats), mem (VmHWM, ru_maxrss, and on CUDA peakGpuBytes =
        torch.cuda.max_memory_allocated), quit. Exits 2 when CUDA is asked and torch has none.
"""
from torch_geometric.nn import GCNConv

try:
    from torch_geometric.utils import dropout_edge

    def drop_edges(edge_index, p, n):
        return dropout_edge(edge_index, p=p, force_undirected=False)[0]

except ImportError:  # PyG < 2.3
    from torch_geometric.utils import dropout_adj

    def drop_edges(edge_index, p, n):
        return dropout_adj(edge_index, p=p, force_undirected=False)[0]

from bgrl_reference import worker  # this file's directory is sys.path[0]

if __name__ == "__main__":
    worker(GCNConv, drop_edges)
