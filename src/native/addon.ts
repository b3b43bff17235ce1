// Over 400 lines on purpose: the typed surface of every native export in one place, so the TypeScript side and the addon are checked against each other (test/fixtures/addon-handles.ts).
/**
 * Loading the native addon and its typed surface. Tensors are integer handles into a native slot
 * table (DESIGN D3); this module is the only place that knows where the binary lives.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defaultThreads, readEnv } from "../env.js";
import { makeError, NativeMissingError } from "../errors.js";

/**
 * Handles into the one native slot table (native/common/handles.h), one branded type per kind of
 * object it holds, so that the compiler rejects a graph where a tensor is expected (node-llama-cpp's
 * AddonTypes do the same). At run time each is a plain integer; the native side checks the kind too
 * (a wrong kind is ERR_ARGUMENT, a freed handle ERR_DISPOSED).
 */
export type TensorHandle = number & { readonly __brand: "TensorHandle" };
/** A graph or a sparse feature matrix (one native kind: CSR arrays with cached normalizations). */
export type GraphHandle = number & { readonly __brand: "GraphHandle" };
export type GeneratorHandle = number & { readonly __brand: "GeneratorHandle" };
export type OptimizerHandle = number & { readonly __brand: "OptimizerHandle" };
/** A c10d process group and its TCPStore (native/dist/process_group.cc). */
export type ProcessGroupHandle = number & { readonly __brand: "ProcessGroupHandle" };
/** Any native handle. */
export type NativeHandle = TensorHandle | GraphHandle | GeneratorHandle | OptimizerHandle | ProcessGroupHandle;
/** Short name of {@link TensorHandle} for the many tensor signatures below. */
export type H = TensorHandle;
/** "No tensor" for optional tensor arguments and results (a gradient that does not exist). */
export const NO_TENSOR = -1 as TensorHandle;
/** "No generator": draws from the global one. */
export const NO_GENERATOR = -1 as GeneratorHandle;
type Dims = number | readonly number[] | undefined | null;

/** Native ABI version this façade was written against (native/tensor/properties.cc); 2: one handle table for every kind. */
export const NATIVE_ABI = 2;

export interface NativeInfo {
  torchVersion: string;
  cuda: boolean;
  cudaKernels: boolean;
  cudaDevices: number;
  threads: number;
  parallel: string;
  /** Built with OpenMP: the addon's own at::parallel_for loops use the intra-op threads. */
  parallelKernels: boolean;
  /** The CPU multiplies bfloat16 natively (AVX512_BF16 or AMX). */
  bf16Matmul: boolean;
}

export interface NativeMemory {
  tensors: number;
  bytes: number;
  cuda?: { device: number; allocated: number; reserved: number; peakAllocated: number }[];
}

/** The functions the addon exports (see native/ for each). */
export interface NativeAddon {
  setErrorFactory(f: (code: string, message: string) => Error): void;
  abiVersion(): number;
  info(): NativeInfo;
  memory(): NativeMemory;
  resetPeakMemory(): void;
  napiCalls(): number;
  setNumThreads(n: number): void;
  setMatmulPrecision(p: string): void;
  synchronize(): void;
  manualSeed(seed: number): void;
  // creation
  fromData(data: ArrayBufferView, shape: readonly number[], dtype: number, device: number, requiresGrad: boolean): H;
  zeros(shape: readonly number[], dtype: number, device: number): H;
  ones(shape: readonly number[], dtype: number, device: number): H;
  empty(shape: readonly number[], dtype: number, device: number): H;
  full(shape: readonly number[], value: number, dtype: number, device: number): H;
  arange(start: number, end: number, step: number, dtype: number, device: number): H;
  linspace(start: number, end: number, steps: number, dtype: number, device: number): H;
  eye(n: number, m: number, dtype: number, device: number): H;
  rand(shape: readonly number[], dtype: number, device: number): H;
  randn(shape: readonly number[], dtype: number, device: number): H;
  randint(low: number, high: number, shape: readonly number[], dtype: number, device: number): H;
  randperm(n: number, dtype: number, device: number): H;
  like(kind: string, h: H, value?: number, dtype?: number): H;
  // properties and lifetime
  shape(h: H): number[];
  dtype(h: H): number;
  device(h: H): number;
  numel(h: H): number;
  requiresGrad(h: H): boolean;
  isLeaf(h: H): boolean;
  setRequiresGrad(h: H, on: boolean): void;
  toTypedArray(h: H): Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Int16Array;
  item(h: H): number | boolean;
  to(h: H, device: number, dtype: number): H;
  clone(h: H): H;
  contiguous(h: H): H;
  detach(h: H): H;
  isContiguous(h: H): boolean;
  dispose(h: H): void;
  disposeMany(hs: Int32Array): void;
  isLive(h: H): boolean;
  // autograd
  backward(h: H, grad: H, retainGraph: boolean): void;
  grad(h: H): H;
  zeroGrads(hs: Int32Array | readonly H[]): void;
  retainGrad(h: H): void;
  setGradEnabled(on: boolean): boolean;
  isGradEnabled(): boolean;
  // elementwise and the rest (grouped by signature below)
  add(a: H, b: H, alpha?: number): H;
  sub(a: H, b: H, alpha?: number): H;
  add_(a: H, b: H, alpha?: number): void;
  copy_(dst: H, src: H): void;
  fill_(h: H, v: number): void;
  mul_(h: H, s: number): void;
  clamp(h: H, min: number | null, max: number | null): H;
  where(cond: H, a: H, b: H): H;
  whereScalar(cond: H, a: H, b: number): H;
  maskedFill(h: H, mask: H, value: number): H;
  // reductions
  sum(h: H, dims: Dims, keepdim?: boolean): H;
  mean(h: H, dims: Dims, keepdim?: boolean): H;
  prod(h: H, dim: number | null, keepdim?: boolean): H;
  var(h: H, dims: Dims, unbiased: boolean, keepdim?: boolean): H;
  std(h: H, dims: Dims, unbiased: boolean, keepdim?: boolean): H;
  max(h: H, dim: number | null, keepdim?: boolean): H;
  min(h: H, dim: number | null, keepdim?: boolean): H;
  argmax(h: H, dim: number | null, keepdim?: boolean): H;
  argmin(h: H, dim: number | null, keepdim?: boolean): H;
  logsumexp(h: H, dims: Dims, keepdim?: boolean): H;
  norm(h: H, p: number, dims: Dims, keepdim?: boolean): H;
  all(h: H): H;
  any(h: H): H;
  cumsum(h: H, dim: number): H;
  sort(h: H, dim: number, descending: boolean): [H, H];
  topk(h: H, k: number, dim: number, largest: boolean): [H, H];
  // shape
  reshape(h: H, shape: readonly number[]): H;
  view(h: H, shape: readonly number[]): H;
  transpose(h: H, d0: number, d1: number): H;
  t(h: H): H;
  permute(h: H, dims: readonly number[]): H;
  narrow(h: H, dim: number, start: number, length: number): H;
  slice(h: H, dim: number, start: number | null, end: number | null, step: number): H;
  select(h: H, dim: number, index: number): H;
  indexSelect(h: H, dim: number, index: H): H;
  gather(h: H, dim: number, index: H): H;
  scatterAdd(h: H, dim: number, index: H, src: H): H;
  indexAdd(h: H, dim: number, index: H, src: H, alpha: number): H;
  cat(hs: readonly H[], dim: number): H;
  stack(hs: readonly H[], dim: number): H;
  unsqueeze(h: H, dim: number): H;
  squeeze(h: H, dim?: number): H;
  expand(h: H, shape: readonly number[]): H;
  flatten(h: H, start: number, end: number): H;
  repeat(h: H, reps: readonly number[]): H;
  flip(h: H, dims: readonly number[]): H;
  chunk(h: H, chunks: number, dim: number): H[];
  maskedSelect(h: H, mask: H): H;
  nonzero(h: H): H;
  // linear algebra
  addmm(c: H, a: H, b: H, beta: number, alpha: number): H;
  svd(h: H): [H, H, H];
  eigvalsh(h: H, uplo?: string): H;
  eigh(h: H): [H, H];
  qr(h: H): [H, H];
  diag(h: H, k?: number): H;
  // nn functional
  softmax(h: H, dim: number): H;
  logSoftmax(h: H, dim: number): H;
  crossEntropy(logits: H, target: H, reduction: number, labelSmoothing: number): H;
  nllLoss(logp: H, target: H, reduction: number): H;
  mseLoss(a: H, b: H, reduction: number): H;
  binaryCrossEntropyWithLogits(a: H, b: H, reduction: number): H;
  cosineSimilarity(a: H, b: H, dim: number, eps: number): H;
  normalize(h: H, p: number, dim: number, eps: number): H;
  dropout(h: H, p: number, training: boolean): H;
  batchNorm(x: H, runningMean: H, runningVar: H, weight: H, bias: H, training: boolean, momentum: number, eps: number): H;
  layerNorm(x: H, shape: readonly number[], weight: H, bias: H, eps: number): H;
  linear(x: H, w: H, b: H): H;
  // ---- eval: linear probe (native/eval/probe.cc) ----
  probeFit(x: H, labels: H, train: H, val: H, test: H, cGrid: readonly number[], options: ProbeFitNativeOptions): [H, H, H];
  // ---- linalg: collapse diagnostics (native/linalg/spectra.cc) ----
  spectraByShape(hs: readonly H[], center: boolean, rowNormalize: boolean): H;
  meanPairwiseCosine(hs: readonly H[], eps: number): H;
  alignmentChain(hs: readonly H[]): H[];
  // optim (native/optim, native/linalg/werank.cc): fused optimizers, EMA, clipping, WERank
  optimCreate(kind: number, params: Int32Array, hyper: Float64Array): OptimizerHandle;
  optimStep(id: OptimizerHandle, lr: number): number;
  optimZeroGrad(id: OptimizerHandle, setToNone: boolean): void;
  optimSetHyper(id: OptimizerHandle, hyper: Float64Array): void;
  optimState(id: OptimizerHandle): { kind: string; steps: number[]; index: number[]; slot: string[]; handle: H[] };
  optimLoadState(id: OptimizerHandle, steps: readonly number[], index: readonly number[], slot: readonly string[], handle: readonly H[]): void;
  optimDispose(id: OptimizerHandle): void;
  optimStats(): { optimizers: number; stateTensors: number; stateBytes: number };
  emaUpdate(targets: Int32Array, onlines: Int32Array, momentum: number, bufferTargets?: Int32Array, bufferOnlines?: Int32Array): void;
  clipGradNorm(params: Int32Array, maxNorm: number, normType: number, errorIfNonfinite: boolean): number;
  werank(weights: Int32Array, alphas: Float64Array, squared: boolean, gram: number): [H, H];
  // dist (native/dist/process_group.cc): c10d process groups; collectives take whole tensor lists.
  distInfo(): { c10d: boolean; gloo: boolean; nccl: boolean };
  pgCreate(
    rank: number,
    worldSize: number,
    masterAddr: string,
    masterPort: number,
    timeoutMs: number,
    backend: string,
    device: number,
    joinTimeoutMs: number,
    storeServer: boolean,
    storePrefix: string,
  ): ProcessGroupHandle;
  pgInfo(id: ProcessGroupHandle): { rank: number; worldSize: number; backend: string; timeoutMs: number; failed: string };
  pgAllReduceMean(id: ProcessGroupHandle, tensors: Int32Array, bucketBytes?: number): number;
  pgBroadcast(id: ProcessGroupHandle, tensors: Int32Array, root: number, bucketBytes?: number): number;
  pgAllReduceScalars(id: ProcessGroupHandle, values: Float64Array, op: string): Float64Array;
  pgBarrier(id: ProcessGroupHandle): void;
  pgAllReduceSumAutograd(id: ProcessGroupHandle, x: H): H;
  pgSyncBatchNorm(id: ProcessGroupHandle, x: H, runningMean: H, runningVar: H, weight: H, bias: H, momentum: number, eps: number): H;
  pgDestroy(id: ProcessGroupHandle): void;
  // graph (native/graph, native/tensor/generator.cc): graphs and sparse features are GraphHandles,
  // generators GeneratorHandles; product kinds 0 raw, 1 gcn, 2 mean.
  generatorNew(seed: number): GeneratorHandle;
  generatorDispose(id: GeneratorHandle): void;
  generatorLive(): number;
  generatorManualSeed(id: GeneratorHandle, seed: number): void;
  generatorInitialSeed(id: GeneratorHandle): number;
  generatorGetState(id: GeneratorHandle): Uint8Array;
  generatorSetState(id: GeneratorHandle, state: Uint8Array): void;
  /** kind 0 rand, 1 randn, 2 randint [a, b), 3 randperm(a). */
  generatorRandom(id: GeneratorHandle, kind: number, shape: readonly number[], dtype: number, device: number, a?: number, b?: number): H;
  sparseFromCsr(rows: number, cols: number, indptr: Int32Array, indices: Int32Array, values: Float32Array | null, device: number, graph: boolean): GraphHandle;
  sparseDispose(id: GraphHandle): void;
  sparseStats(): { objects: number; bytes: number };
  sparseInfo(id: GraphHandle): { rows: number; cols: number; nnz: number; device: number; symmetric: boolean };
  sparseCsr(id: GraphHandle): [H, H, H];
  sparseSelectRows(id: GraphHandle, rows: H): [GraphHandle, number];
  sparseMatmul(id: GraphHandle, kind: number, x: H): H;
  sparseToDense(id: GraphHandle, kind: number, dtype: number): H;
  graphEdges(id: GraphHandle, selfLoops: boolean): [H, H];
  /** featKind 0 none, 1 dense tensor handle, 2 sparse id -> [graph id, features handle or id (-1 none), nnz]. */
  graphAugment(
    id: GraphHandle,
    generator: GeneratorHandle,
    pEdge: number,
    featKind: number,
    feat: TensorHandle | GraphHandle,
    pColumn: number,
    pEntry: number,
    dtype: number,
  ): [GraphHandle, TensorHandle | GraphHandle, number];
  /**
   * Neighbour sampling (native/graph/neighbor_sampler.cc); the key is drawn from `generator` when it is
   * not NO_GENERATOR, else it is keyHi * 2^32 + keyLo. hopNodes: the seeds, then the nodes first reached
   * at each hop; hopEdges: the edges drawn at each hop.
   */
  graphSampleNeighbors(id: GraphHandle, seeds: Int32Array | H, fanouts: Int32Array, generator: GeneratorHandle, keyHi: number, keyLo: number): [GraphHandle, H, H, number, number, number[], number[]];
  /** Benchmark-only references with LibTorch's sparse COO ops (scripts/bench/graph-ops.mjs). */
  benchCooMatrix(id: GraphHandle, kind: number, dtype: number): H;
  benchEdgeIndex(id: GraphHandle): H;
  benchCooAugment(edgeIndex: H, numNodes: number, generator: GeneratorHandle, p: number, dtype: number): H;
  // perf (native/tensor/host_allocator.cc): LibTorch's CPU allocator keeps large blocks for reuse.
  /** Tests only (native/common/debug_throw.cc): raises a C++ exception of the named type. */
  debugThrow(type: string, message: string): void;
  /** Installs the caching CPU allocator with at most capBytes of free blocks kept (0: none kept). */
  setHostAllocator(capBytes: number): void;
  hostAllocatorStats(): { cachedBytes: number; largeBytes: number; hits: number; misses: number };
  /** prelu(batchNorm(x)) in one op (fused on the CPU); optional tensors are -1; slope [1] or [C]. */
  batchNormPrelu(x: H, runningMean: H, runningVar: H, weight: H, bias: H, training: boolean, momentum: number, eps: number, slope: H): H;
}

/** Options of the native probe fit (see native/eval/probe.cc). */
export interface ProbeFitNativeOptions {
  mode: "multinomial" | "ovr" | "multilabel";
  /** 0 = max label + 1 */
  numClasses: number;
  maxIter?: number;
  tolGrad?: number;
  tolChange?: number;
  historySize?: number;
  normalize?: boolean;
  warmStart?: boolean;
  /** "liblinear": TRON per class (mode ovr), scikit-learn's liblinear fit. */
  optimizer?: "lbfgs" | "liblinear";
  liblinearTol?: number;
  liblinearMaxIter?: number;
}

/** Ops (tensor, tensor) -> tensor. */
export type BinaryName = "mul" | "div" | "pow" | "maximum" | "minimum" | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "logicalAnd" | "logicalOr" | "prelu" | "matmul" | "mm" | "bmm" | "outer";
/** Ops tensor -> tensor. */
export type UnaryName =
  | "neg"
  | "abs"
  | "exp"
  | "log"
  | "log1p"
  | "sqrt"
  | "rsqrt"
  | "square"
  | "reciprocal"
  | "relu"
  | "gelu"
  | "sigmoid"
  | "tanh"
  | "sign"
  | "floor"
  | "ceil"
  | "round"
  | "logicalNot"
  | "isnan"
  | "isfinite"
  | "svdvals"
  | "diagonal"
  | "trace"
  | "cholesky"
  | "inverse";
/** Ops (tensor, number) -> tensor. */
export type ScalarName =
  | "addScalar"
  | "subScalar"
  | "rsubScalar"
  | "mulScalar"
  | "divScalar"
  | "rdivScalar"
  | "powScalar"
  | "rpowScalar"
  | "eqScalar"
  | "neScalar"
  | "ltScalar"
  | "leScalar"
  | "gtScalar"
  | "geScalar"
  | "leakyRelu"
  | "elu";

/** The full typed surface. */
export type Native = NativeAddon & Record<BinaryName, (a: H, b: H) => H> & Record<UnaryName, (a: H) => H> & Record<ScalarName, (a: H, s: number) => H>;

const here = path.dirname(fileURLToPath(import.meta.url));
/** The package root: src/native or dist/native -> two levels up. */
export const PACKAGE_ROOT = path.resolve(here, "..", "..");

/** Where the addon is looked for, in order. */
export function addonCandidates(): string[] {
  const env = readEnv();
  const list = [path.join(PACKAGE_ROOT, "build-cmake", "Release", "werank_native.node"), path.join(PACKAGE_ROOT, "build", "Release", "werank_native.node")];
  return env.addonPath ? [path.resolve(env.addonPath)] : list;
}

const POSSIBLE_SOLUTIONS = `Possible solutions:
  - run the set-up: bash scripts/bootstrap.sh (installs LibTorch when missing, builds the addon)
  - build the addon only: npm run build:native
  - point to another LibTorch: TORCH_DIR=/path/to/libtorch npm run build:native
  - point to a built addon: WERANK_ADDON=/path/to/werank_native.node`;

/** The loaded addon. Set by {@link loadNative}; every Tensor implies it is loaded. */
export let N: Native = undefined as unknown as Native;
let loadedFrom: string | undefined;

/**
 * LibTorch's OpenMP threads spin between parallel regions by default. On a busy machine (other
 * processes, parallel test workers, sweeps) spinning threads steal each other's cores and elementwise
 * ops get 10-60x slower (measured: BatchNorm1d forward on [2500, 256] 40 ms spinning vs 1.9 ms
 * passive). Unless the user chose a policy, threads sleep instead. Must be set before LibTorch's
 * libgomp is loaded (it reads the environment once).
 */
export function applyThreadingDefaults(env: Record<string, string | undefined> = process.env): void {
  if (env.OMP_WAIT_POLICY === undefined && env.GOMP_SPINCOUNT === undefined) env.OMP_WAIT_POLICY = "PASSIVE";
}

/** Loads the addon once; raises ERR_NATIVE_MISSING with the paths tried and what to do. */
export function loadNative(): Native {
  if (N !== undefined) return N;
  const require = createRequire(import.meta.url);
  const tried: string[] = [];
  for (const file of addonCandidates()) {
    if (!fs.existsSync(file)) {
      tried.push(`${file} (not found)`);
      continue;
    }
    let mod: Native;
    try {
      applyThreadingDefaults();
      mod = require(file) as Native;
    } catch (e) {
      const reason = (e as Error).message.split("\n")[0];
      throw new NativeMissingError(
        `The native addon at ${file} could not be loaded: ${reason}.\n` + `This usually means LibTorch is missing or the addon was built against another LibTorch.\n${POSSIBLE_SOLUTIONS}`,
        { cause: e },
      );
    }
    const abi = typeof mod.abiVersion === "function" ? mod.abiVersion() : -1;
    if (abi !== NATIVE_ABI) {
      throw new NativeMissingError(`The native addon at ${file} is out of date (ABI ${abi}, expected ${NATIVE_ABI}): rebuild it.\n${POSSIBLE_SOLUTIONS}`);
    }
    mod.setErrorFactory(makeError);
    mod.setNumThreads(readEnv().numThreads ?? defaultThreads());
    mod.setHostAllocator(readEnv().hostCacheBytes);
    N = mod;
    loadedFrom = file;
    return mod;
  }
  const explicit = readEnv().addonPath;
  if (explicit) {
    throw new NativeMissingError(`WERANK_ADDON=${explicit} names an addon that does not exist (${path.resolve(explicit)}).\n${POSSIBLE_SOLUTIONS}`);
  }
  throw new NativeMissingError(`The native addon is not built. Paths tried:\n  ${tried.join("\n  ")}\n${POSSIBLE_SOLUTIONS}`);
}

/** Path of the loaded addon (after {@link loadNative}). */
export function addonPath(): string | undefined {
  return loadedFrom;
}
