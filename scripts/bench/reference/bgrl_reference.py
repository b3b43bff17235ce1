#!/usr/bin/python3
"""Plain-PyTorch BGRL reference for scripts/bench/bgrl-epoch.mjs (one worker process per dataset).

Mirrors nerdslab/bgrl (train_transductive.py, bgrl/models.py, bgrl/transforms.py, bgrl/bgrl.py) with
PyTorch only (no PyG), the way PyG executes it:
  * features: a dense float32 tensor [N, F], as PyG stores them (row-normalized by the caller);
  * views: DropFeatures (one column mask per view, x.clone() then x[:, mask] = 0) and dropout_adj
    (each directed edge dropped with probability p, force_undirected=False);
  * GCN: per view the normalized adjacency D^-1/2 (A + I) D^-1/2 (add self-loops, scatter degrees,
    per-edge norms) as a coalesced COO tensor, products with torch.sparse.mm; each layer
    GCNConv (Linear without bias, glorot) -> propagate -> + bias -> BatchNorm1d(momentum 0.99) -> PReLU;
  * predictor: Linear(d, 512) -> PReLU -> Linear(512, d) (MLP_Predictor);
  * target: deepcopy of the online encoder with reset_parameters(), requires_grad False, EMA update;
  * step: q1, y2 = model(x1, x2); q2, y1 = model(x2, x1) (online on both views, target on both under
    no_grad); loss = 2 - cos(q1, y2).mean() - cos(q2, y1).mean() (+ WERank on the encoder weights:
    alpha * ||G - I||_F with G the smaller Gram matrix of each weight); AdamW; EMA.

Protocol (stdin/stdout, one JSON object per line; shared with bgrl_pyg.py through serve()):
  argv: <graph dir written by bgrl-epoch.mjs> <threads> [device: cpu (default) | cuda | cuda:<i>]
  in:  {"cmd": "gemm", "n": 2048, "reps": 3}   out: {"gflops": ...}            (on the device)
  in:  {"cmd": "run", "epochs": K}             out: {"ms": [per-epoch wall ms ...]}
                                               (on CUDA the clock is read after torch.cuda.synchronize())
  in:  {"cmd": "resetPeak"}                    out: {"ok": true}  (torch.cuda.reset_peak_memory_stats; no-op on CPU)
  in:  {"cmd": "mem"}                          out: {"peakRssKb": VmHWM, "maxrssKb": ru_maxrss}
                                               (+ "peakGpuBytes": torch.cuda.max_memory_allocated on CUDA)
  in:  {"cmd": "quit"}                         (exits)
Environment: OMP_WAIT_POLICY=PASSIVE (set by the caller, as the addon does for our process).
meta.json's config.matmulPrecision (highest | high | medium, werank-native's train.matmulPrecision): on
CUDA torch.set_float32_matmul_precision; on a CPU with native bfloat16 (AVX512_BF16 / AMX), "medium"
computes F.linear as werank-native does (operands rounded to bfloat16, product cast back to float32,
bias added in float32), and the sgemm rate is measured in bfloat16.
"""
import copy
import json
import math
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load_graph(d):
    meta = json.load(open(os.path.join(d, "meta.json")))
    n = meta["numNodes"]
    indptr = np.fromfile(os.path.join(d, "indptr.bin"), dtype=np.int32)
    indices = np.fromfile(os.path.join(d, "indices.bin"), dtype=np.int32)
    # edge_index as PyG: row 0 = source, row 1 = target (CSR row = target node, column = source).
    dst = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    edge_index = torch.from_numpy(np.stack([indices.astype(np.int64), dst]))
    fshape = meta["features"]["shape"]
    if meta["features"]["kind"] == "csr":
        fp = np.fromfile(os.path.join(d, "feat_indptr.bin"), dtype=np.int32)
        fi = np.fromfile(os.path.join(d, "feat_indices.bin"), dtype=np.int32)
        fv = np.fromfile(os.path.join(d, "feat_data.bin"), dtype=np.float32)
        x = np.zeros(fshape, dtype=np.float32)
        rows = np.repeat(np.arange(fshape[0]), np.diff(fp))
        x[rows, fi] = fv
    else:
        x = np.fromfile(os.path.join(d, "feat_data.bin"), dtype=np.float32).reshape(fshape)
    return meta, torch.from_numpy(x), edge_index


def gcn_adjacency(edge_index, n):
    """PyG's gcn_norm (add self-loops, deg = scatter of in-edges, norm per edge) as a coalesced COO."""
    dev = edge_index.device
    loops = torch.arange(n, dtype=torch.long, device=dev)
    row = torch.cat([edge_index[0], loops])
    col = torch.cat([edge_index[1], loops])
    w = torch.ones(row.numel(), device=dev)
    deg = torch.zeros(n, device=dev).scatter_add_(0, col, w)
    dis = deg.pow(-0.5)
    dis.masked_fill_(dis == float("inf"), 0)
    norm = dis[row] * w * dis[col]
    # out[col] += norm * x[row]  ==  A @ x with A[col, row] = norm
    return torch.sparse_coo_tensor(torch.stack([col, row]), norm, (n, n)).coalesce()


class GCNConv(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.lin = nn.Linear(i, o, bias=False)
        self.bias = nn.Parameter(torch.empty(o))
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.xavier_uniform_(self.lin.weight)
        nn.init.zeros_(self.bias)

    def forward(self, x, adj):
        return torch.sparse.mm(adj, self.lin(x)) + self.bias


class GCN(nn.Module):
    """bgrl/models.py GCN: [conv -> BatchNorm(momentum=0.99) -> PReLU] per layer.

    conv(i, o) builds a graph convolution called as conv(x, adj) with a Linear `lin` (this file's
    GCNConv, adj a normalized COO; or torch_geometric.nn.GCNConv, adj an edge_index)."""

    def __init__(self, sizes, batchnorm_mm=0.99, conv=GCNConv):
        super().__init__()
        self.layers = nn.ModuleList()
        for i, o in zip(sizes[:-1], sizes[1:]):
            self.layers.append(conv(i, o))
            self.layers.append(nn.BatchNorm1d(o, momentum=batchnorm_mm))
            self.layers.append(nn.PReLU())

    def convs(self):
        return list(self.layers[::3])

    def forward(self, x, adj):
        for i, m in enumerate(self.layers):
            x = m(x, adj) if i % 3 == 0 else m(x)
        return x

    def reset_parameters(self):
        for m in self.layers:
            if hasattr(m, "reset_parameters"):  # PReLU has none in torch 1.13
                m.reset_parameters()


class MLPPredictor(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d, hidden, bias=True), nn.PReLU(1), nn.Linear(hidden, d, bias=True))

    def forward(self, x):
        return self.net(x)


class BGRL(nn.Module):
    def __init__(self, encoder, predictor):
        super().__init__()
        self.online_encoder = encoder
        self.predictor = predictor
        self.target_encoder = copy.deepcopy(encoder)
        self.target_encoder.reset_parameters()
        for p in self.target_encoder.parameters():
            p.requires_grad = False

    def trainable_parameters(self):
        return list(self.online_encoder.parameters()) + list(self.predictor.parameters())

    @torch.no_grad()
    def update_target_network(self, mm):
        for q, k in zip(self.online_encoder.parameters(), self.target_encoder.parameters()):
            k.data.mul_(mm).add_(q.data, alpha=1.0 - mm)

    def forward(self, online_x, online_adj, target_x, target_adj):
        online_q = self.predictor(self.online_encoder(online_x, online_adj))
        with torch.no_grad():
            target_y = self.target_encoder(target_x, target_adj).detach()
        return online_q, target_y


def werank(weights, alpha):
    """sum_l alpha * ||G_l - I||_F, G_l the smaller Gram matrix of W_l [out, in] (src/regularizers/werank.ts)."""
    total = 0.0
    for w in weights:
        g = w @ w.t() if w.shape[0] <= w.shape[1] else w.t() @ w
        total = total + alpha * torch.linalg.matrix_norm(g - torch.eye(g.shape[0], device=g.device))
    return total


def cpu_has_bf16():
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((l for l in f if l.startswith("flags")), "")
    except OSError:
        pass
    return " avx512_bf16" in flags or " amx_bf16" in flags


_linear = F.linear


def bf16_linear(x, w, b=None):
    y = _linear(x.bfloat16(), w.bfloat16()).float()
    return y if b is None else y + b


def set_matmul_precision(p, device):
    """werank-native's train.matmulPrecision in this process; returns True when CPU products run in bfloat16."""
    if device.type == "cuda":
        torch.set_float32_matmul_precision(p)
        return False
    if p == "medium" and cpu_has_bf16():
        F.linear = bf16_linear  # nn.Linear (and PyG's Linear) call F.linear
        return True
    return False


def bgrl_step(meta, x, edge_index, conv, drop_edges):
    """train_transductive.py's train(step) on x, edge_index (on the device); drop_edges(edge_index, p, n)
    returns the view's adjacency argument for conv. Returns step() (one epoch = one full-graph step)."""
    torch.manual_seed(0)
    n = meta["numNodes"]
    cfg = meta["config"]
    model = BGRL(GCN([x.shape[1]] + cfg["layers"], 0.99, conv), MLPPredictor(cfg["layers"][-1], cfg["predictorHidden"]))
    model.to(x.device)
    model.train()
    opt = torch.optim.AdamW(model.trainable_parameters(), lr=cfg["lr"], weight_decay=cfg["weightDecay"])
    enc_weights = [m.lin.weight for m in model.online_encoder.convs()]
    alpha = cfg["werankAlpha"]
    pe, pf = cfg["dropEdge"], cfg["dropFeature"]
    total = cfg["epochs"]
    state = {"epoch": 0}

    def view(p_edge, p_feat):
        # bgrl/transforms.py DropFeatures (one column mask, on the features' device) + the edge drop
        mask = torch.empty((x.size(1),), dtype=torch.float32, device=x.device).uniform_(0, 1) < p_feat
        xv = x.clone()
        xv[:, mask] = 0
        return xv, drop_edges(edge_index, p_edge, n)

    def step():
        e = state["epoch"]
        lr = cfg["lr"] * min(1.0, (e + 1) / max(1, cfg["warmup"]))
        for g in opt.param_groups:
            g["lr"] = lr
        mm = 1 - (1 - 0.99) * (math.cos(math.pi * e / total) + 1) / 2
        opt.zero_grad()
        x1, a1 = view(pe[0], pf[0])
        x2, a2 = view(pe[1], pf[1])
        q1, y2 = model(x1, a1, x2, a2)
        q2, y1 = model(x2, a2, x1, a1)
        loss = 2 - F.cosine_similarity(q1, y2.detach(), dim=-1).mean() - F.cosine_similarity(q2, y1.detach(), dim=-1).mean()
        if alpha > 0:
            loss = loss + werank(enc_weights, alpha)
        loss.backward()
        opt.step()
        model.update_target_network(mm)
        state["epoch"] = e + 1
        return loss

    return step


def serve(step, device, bf16=False):
    """Answers the protocol (module docstring) on stdin/stdout until quit."""
    cuda = device.type == "cuda"

    def sync():
        if cuda:
            torch.cuda.synchronize(device)

    for line in sys.stdin:
        msg = json.loads(line)
        if msg["cmd"] == "run":
            ms = []
            for _ in range(msg["epochs"]):
                sync()
                t0 = time.perf_counter()
                step()
                sync()
                ms.append((time.perf_counter() - t0) * 1e3)
            reply = {"ms": ms}
        elif msg["cmd"] == "gemm":
            k = msg["n"]
            a, b = torch.randn(k, k, device=device), torch.randn(k, k, device=device)
            # the rate at the step's precision (operands cast inside the timing, as ours)
            mm = (lambda: a.bfloat16() @ b.bfloat16()) if bf16 else (lambda: a @ b)
            mm()
            sync()
            best = float("inf")
            for _ in range(msg["reps"]):
                t0 = time.perf_counter()
                mm()
                sync()
                best = min(best, time.perf_counter() - t0)
            del a, b
            reply = {"gflops": 2 * k**3 / best / 1e9}
        elif msg["cmd"] == "resetPeak":
            if cuda:
                sync()
                torch.cuda.reset_peak_memory_stats(device)
            reply = {"ok": True}
        elif msg["cmd"] == "mem":
            hwm = 0
            for l in open("/proc/self/status"):
                if l.startswith("VmHWM:"):
                    hwm = int(l.split()[1])
            reply = {"peakRssKb": hwm, "maxrssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
            if cuda:
                sync()
                reply["peakGpuBytes"] = torch.cuda.max_memory_allocated(device)
        elif msg["cmd"] == "quit":
            return
        else:
            reply = {"error": "unknown command " + str(msg.get("cmd"))}
        print(json.dumps(reply), flush=True)


def worker(conv, drop_edges):
    """argv (module docstring) -> graph on the device -> bgrl_step(conv, drop_edges) -> serve()."""
    gdir, threads = sys.argv[1], int(sys.argv[2])
    device = torch.device(sys.argv[3] if len(sys.argv) > 3 else "cpu")
    if device.type == "cuda" and not torch.cuda.is_available():
        print(f"{os.path.basename(sys.argv[0])}: device {device} asked but torch {torch.__version__} has no usable CUDA", file=sys.stderr)
        sys.exit(2)
    torch.set_num_threads(threads)
    meta, x, edge_index = load_graph(gdir)
    bf16 = set_matmul_precision(meta["config"].get("matmulPrecision", "highest"), device)
    serve(bgrl_step(meta, x.to(device), edge_index.to(device), conv, drop_edges), device, bf16)


def main():
    # PyG's dropout_adj (force_undirected=False): each directed edge kept when rand >= p; then gcn_norm.
    worker(GCNConv, lambda ei, p, n: gcn_adjacency(ei[:, torch.rand(ei.size(1), device=ei.device) >= p], n))


if __name__ == "__main__":
    main()
