/**
 * A data-parallel process group over LibTorch's own c10d (native/dist/process_group.cc): rendezvous
 * through a c10d TCPStore that rank 0 serves (torchrun's static rendezvous), then ProcessGroupGloo on
 * CPU or ProcessGroupNCCL when the addon is built against a CUDA LibTorch with NCCL. Not a home-made
 * all-reduce: the collectives are c10d's.
 *
 * Collectives take a whole list of tensors in ONE native call and flatten it into buckets of at most
 * `bucketBytes` (25 MiB by default, as DDP's `bucket_cap_mb`): one all-reduce per bucket, not per
 * tensor. Every rank must call the same collectives, with the same tensor shapes, in the same order:
 * each call first checks that (one tiny all-reduce) and throws `ERR_DIST` on every rank otherwise,
 * where gloo itself would abort the process.
 *
 * Failure is never a hang: a peer that dies closes its sockets and the others' next (or current)
 * collective throws a {@link DistError} (`ERR_DIST`) at once; a peer that stops calling collectives
 * makes the others throw after `timeoutMs`. After an error the group is unusable: every later call
 * throws `ERR_DIST` immediately; dispose it and exit.
 *
 * @example
 * ```ts
 * // started by launchRanks (or torchrun, or srun): RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT are set
 * import { ProcessGroup, readRankEnv, tensor } from "werank-native";
 * const pg = new ProcessGroup({ ...readRankEnv(), timeoutMs: 60_000 });
 * const w = tensor([1, 2, 3]);
 * pg.broadcast([w], 0);                 // every rank starts from rank 0's parameters
 * const g = tensor([pg.rank, pg.rank, pg.rank]);
 * pg.allReduceMean([g]);                // g is now the mean of the ranks' gradients
 * const [loss] = pg.allReduceScalars([0.5], "mean");
 * pg.barrier();
 * pg.dispose();
 * ```
 */
import { ArgumentError, DisposedError, NativeMissingError } from "../errors.js";
import { loadNative, N, type NativeAddon, type ProcessGroupHandle } from "../native/addon.js";
import { type Device, deviceCode } from "../tensor/device.js";
import { Tensor, th } from "../tensor/Tensor.js";

/** c10d backends: gloo on CPU tensors, nccl on CUDA tensors (CUDA LibTorch with NCCL only). */
export type DistBackend = "gloo" | "nccl";
/** Reductions of {@link ProcessGroup.allReduceScalars}. */
export type ScalarReduceOp = "sum" | "mean" | "max" | "min";

export interface ProcessGroupOptions {
  rank: number;
  worldSize: number;
  /** Host of rank 0, which serves the TCPStore. */
  masterAddr: string;
  masterPort: number;
  /** How long a collective may wait for the peers (default 300 000 ms). */
  timeoutMs?: number;
  /** How long joining may wait for the other ranks to start (default: timeoutMs). */
  joinTimeoutMs?: number;
  /** Default "gloo". */
  backend?: DistBackend;
  /** nccl only: this rank's GPU (default `cuda:<localRank>`). */
  device?: Device;
  /** Used for the default nccl device. */
  localRank?: number;
  /** This rank serves the rendezvous store (default: rank 0; false on every rank under torchrun, whose agent serves it). */
  storeServer?: boolean;
  /** Key prefix in the store (torchrun: "/worker/attempt_<n>"; default none). */
  storePrefix?: string;
}

/** What the loaded addon was built with: c10d at all, and which backends. */
export interface DistSupport {
  c10d: boolean;
  gloo: boolean;
  nccl: boolean;
}

/** DDP's default bucket size (bucket_cap_mb = 25). */
export const DEFAULT_BUCKET_BYTES = 25 * 1024 * 1024;
export const DEFAULT_DIST_TIMEOUT_MS = 300_000;

const registry = new FinalizationRegistry<ProcessGroupHandle>((id) => {
  if (N !== undefined) N.pgDestroy(id);
});

/** The addon, checked to have the dist functions (an addon built before them lacks them). */
function nativeDist(): NativeAddon {
  const n = loadNative();
  if (typeof n.pgCreate !== "function") {
    throw new NativeMissingError("The native addon predates data-parallel ranks (no pgCreate): rebuild it. Possible solutions: node scripts/build-native.cjs --force");
  }
  return n;
}

function checkInt(v: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new ArgumentError(`ProcessGroup: expected ${what} to be an integer in ${min}..${max === Number.MAX_SAFE_INTEGER ? "" : max} but received ${String(v)}`);
  }
  return v;
}

function handles(list: readonly Tensor[], op: string): Int32Array {
  if (!Array.isArray(list)) throw new ArgumentError(`${op}: expected an array of tensors but received ${String(list)}`);
  return Int32Array.from(list, (t) => th(t, op));
}

function checkBucket(bytes: number | undefined, op: string): number | undefined {
  if (bytes === undefined) return undefined;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new ArgumentError(`${op}: expected bucketBytes >= 1 (an integer) but received ${bytes}`);
  return bytes;
}

export class ProcessGroup {
  #id: ProcessGroupHandle;
  readonly rank: number;
  readonly worldSize: number;
  readonly backend: DistBackend;
  readonly timeoutMs: number;

  /** What this addon supports (false everywhere when it was built without c10d). */
  static support(): DistSupport {
    const n = loadNative();
    return typeof n.distInfo === "function" ? n.distInfo() : { c10d: false, gloo: false, nccl: false };
  }

  /**
   * Joins the group: blocks until all `worldSize` ranks have joined (rank 0 serves the rendezvous
   * store) or `joinTimeoutMs` passes (then `ERR_DIST`). `ERR_NATIVE_MISSING` when the addon was built
   * without c10d, with what to install.
   */
  constructor(options: ProcessGroupOptions) {
    const o = options ?? ({} as ProcessGroupOptions);
    const worldSize = checkInt(o.worldSize, "worldSize", 1);
    const rank = checkInt(o.rank, "rank", 0, worldSize - 1);
    const port = checkInt(o.masterPort, "masterPort", 1, 65535);
    if (typeof o.masterAddr !== "string" || o.masterAddr === "") throw new ArgumentError(`ProcessGroup: expected a masterAddr host name but received ${String(o.masterAddr)}`);
    const timeoutMs = checkInt(o.timeoutMs ?? DEFAULT_DIST_TIMEOUT_MS, "timeoutMs", 1);
    const joinTimeoutMs = checkInt(o.joinTimeoutMs ?? timeoutMs, "joinTimeoutMs", 1);
    const backend = o.backend ?? "gloo";
    if (backend !== "gloo" && backend !== "nccl") throw new ArgumentError(`ProcessGroup: unknown backend '${String(backend)}'. Valid choices: gloo, nccl`);
    const device = backend === "nccl" ? deviceCode(o.device ?? `cuda:${o.localRank ?? 0}`) : -1;
    if (backend === "nccl" && device < 0) throw new ArgumentError("ProcessGroup: backend 'nccl' needs a CUDA device but received 'cpu'");
    this.#id = nativeDist().pgCreate(rank, worldSize, o.masterAddr, port, timeoutMs, backend, device, joinTimeoutMs, o.storeServer ?? rank === 0, o.storePrefix ?? "");
    registry.register(this, this.#id, this);
    this.rank = rank;
    this.worldSize = worldSize;
    this.backend = backend;
    this.timeoutMs = timeoutMs;
  }

  /** @internal the native id (throws ERR_DISPOSED after dispose()). */
  get _id(): ProcessGroupHandle {
    if (this.#id < 0) throw new DisposedError("Expected a live ProcessGroup but it was disposed");
    return this.#id;
  }

  /**
   * Every tensor becomes, in place, its mean over the ranks (gradients after backward): the list is
   * flattened into buckets of consecutive same-dtype tensors of at most `bucketBytes`, each bucket is
   * all-reduced in one c10d call and divided by the world size. Floating-point tensors only.
   * Returns the number of buckets.
   */
  allReduceMean(tensors: readonly Tensor[], options: { bucketBytes?: number } = {}): number {
    const h = handles(tensors, "allReduceMean");
    return N.pgAllReduceMean(this._id, h, checkBucket(options.bucketBytes, "allReduceMean"));
  }

  /** Every rank's tensors become `root`'s, in place (the initial parameter and buffer sync); any dtype. Returns the number of buckets. */
  broadcast(tensors: readonly Tensor[], root = 0, options: { bucketBytes?: number } = {}): number {
    const h = handles(tensors, "broadcast");
    checkInt(root, "root", 0, this.worldSize - 1);
    return N.pgBroadcast(this._id, h, root, checkBucket(options.bucketBytes, "broadcast"));
  }

  /** A few numbers (losses, counts, BatchNorm sums, a stop flag) reduced over the ranks in one collective (float64). */
  allReduceScalars(values: readonly number[], op: ScalarReduceOp = "sum"): number[] {
    if (!Array.isArray(values) || values.some((v) => typeof v !== "number")) throw new ArgumentError("allReduceScalars: expected an array of numbers");
    return Array.from(N.pgAllReduceScalars(this._id, Float64Array.from(values), op));
  }

  /**
   * The sum of `x` over the ranks as a new tensor, differentiable: backward all-reduces (sums) the
   * incoming gradient, so a loss on every rank that depends on the sum sends each rank the gradient
   * of the sum of the ranks' losses (torch.distributed.nn.all_reduce). Every rank must call it with
   * the same shape and dtype, and — since backward all-reduces too — run backward through the same
   * graph: the backward collectives then happen in the same order on every rank. Each direction is
   * one call check plus one c10d all-reduce. {@link BatchNorm1d.setProcessGroup} builds on it.
   *
   * @example
   * ```ts
   * const s = pg.allReduceSumAutograd(x.sum(0));   // the column sums of every rank's rows
   * const loss = s.square().sum();
   * loss.backward();                               // x.grad: the sum over the ranks of d loss_r / d s
   * ```
   */
  allReduceSumAutograd(x: Tensor): Tensor {
    return new Tensor(N.pgAllReduceSumAutograd(this._id, th(x, "allReduceSumAutograd")));
  }

  /** Returns once every rank has reached it. */
  barrier(): void {
    N.pgBarrier(this._id);
  }

  /** The reason of the collective that broke the group, or "" while it works. */
  get failure(): string {
    return N.pgInfo(this._id).failed;
  }

  get isDisposed(): boolean {
    return this.#id < 0;
  }

  /**
   * Leaves the group (idempotent). Rank 0 serves the rendezvous store: call {@link barrier} before
   * disposing when other ranks may still be joining or mid-collective.
   */
  dispose(): void {
    if (this.#id < 0) return;
    registry.unregister(this);
    N.pgDestroy(this.#id);
    this.#id = -1 as ProcessGroupHandle;
  }
}
