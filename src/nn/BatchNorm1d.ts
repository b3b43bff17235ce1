/**
 * Batch normalization over nodes (Ioffe & Szegedy, 2015), as torch.nn.BatchNorm1d:
 * y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, statistics per channel over the N rows.
 *
 * Shapes: x [N, C] -> [N, C]; `weight` [C] (ones), `bias` [C] (zeros); buffers `running_mean` [C]
 * (zeros), `running_var` [C] (ones), `num_batches_tracked` (int64 scalar) — PyTorch's names.
 *
 * **Momentum has PyTorch's meaning**, which is the opposite of an EMA "decay":
 *
 *   running = (1 - momentum) * running + momentum * batch_statistic
 *
 * where the batch variance in the running update is the unbiased one (divided by N - 1), while the
 * normalization itself uses the biased variance (divided by N). `momentum: null` gives the
 * cumulative average (factor 1 / num_batches_tracked). PyG's `BatchNorm(in_channels, momentum=m)`
 * passes `m` straight to torch.nn.BatchNorm1d, so BGRL's `BatchNorm(out_dim, momentum=0.99)`
 * (nerdslab/bgrl, bgrl/models.py, `batchnorm_mm=0.99`) weights the *current* batch by 0.99: its
 * running statistics are essentially those of the last training forward pass (the full graph of
 * the last augmented view). Pass `momentum: 0.99` to reproduce BGRL; the default is PyTorch's 0.1.
 *
 * In training mode batch statistics normalize and the running ones are updated in place (also
 * inside noGrad, as for BGRL's target network); in eval mode the running statistics normalize.
 *
 * **Synchronized** (torch.nn.SyncBatchNorm): after {@link BatchNorm1d.setProcessGroup} with a group
 * of more than one rank, training mode normalizes with the statistics of all ranks' rows together:
 * each rank sums [x, x², 1] per channel (float64), one differentiable all-reduce
 * ({@link ProcessGroup.allReduceSumAutograd}) makes them global, and the output, the gradients
 * and the running statistics (unbiased var over the global count) are those of BatchNorm over the
 * concatenation of the ranks' rows. Cost: one all-reduce of [3, C] (plus the call check) per
 * forward and one per backward; every rank must run the same forwards and backwards. Eval mode is
 * unchanged.
 *
 * @example
 * ```ts
 * const bn = new BatchNorm1d(256, { momentum: 0.99 });   // BGRL's encoder setting
 * const y = bn.forward(h);                               // training: batch statistics
 * bn.eval(); bn.forward(h);                              // running statistics
 *
 * bn.train().setProcessGroup(pg);                        // one data-parallel rank of a ProcessGroup
 * bn.forward(hOfThisRank).sum().backward();              // statistics and gradients over all ranks' rows
 * ```
 */
import type { ProcessGroup } from "../dist/ProcessGroup.js";
import { ArgumentError, ShapeError } from "../errors.js";
import { ones, zeros } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import { batchNorm } from "../tensor/functional.js";
import { N, type H } from "../native/addon.js";
import { Tensor, th, thOpt } from "../tensor/Tensor.js";
import { tidy } from "../tensor/tidy.js";
import { checkDims } from "./Linear.js";
import { Module } from "./Module.js";
import type { PReLU } from "./PReLU.js";

export interface BatchNorm1dOptions {
  eps?: number;
  /** PyTorch semantics (weight of the current batch); null = cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learnable weight and bias (default true). */
  affine?: boolean;
  /** Keep running statistics (default true); without them both modes use batch statistics. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

export class BatchNorm1d extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  private batches = 0;
  #group: ProcessGroup | undefined;

  constructor(numFeatures: number, options: BatchNorm1dOptions = {}) {
    super();
    checkDims("BatchNorm1d", numFeatures);
    this.numFeatures = numFeatures;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new ArgumentError(`BatchNorm1d: expected momentum in [0, 1] or null but received ${this.momentum}`);
    }
    if (!(this.eps > 0)) throw new ArgumentError(`BatchNorm1d: expected eps > 0 but received ${this.eps}`);
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    const dtype = options.dtype ?? "float32";
    if (this.affine) {
      this.registerParameter("weight", () => ones([numFeatures], { dtype }));
      this.registerParameter("bias", () => zeros([numFeatures], { dtype }));
    }
    if (this.trackRunningStats) {
      this.registerBuffer("running_mean", () => zeros([numFeatures], { dtype }));
      this.registerBuffer("running_var", () => ones([numFeatures], { dtype }));
      this.registerBuffer("num_batches_tracked", () => zeros([], { dtype: "int64" }));
    }
  }

  get runningMean(): Tensor | undefined {
    return this.trackRunningStats ? this.buffer("running_mean") : undefined;
  }
  get runningVar(): Tensor | undefined {
    return this.trackRunningStats ? this.buffer("running_var") : undefined;
  }

  /** The group whose ranks' rows the training statistics cover (undefined: this process's rows alone). */
  get processGroup(): ProcessGroup | undefined {
    return this.#group;
  }

  /**
   * Synchronizes the training statistics over the ranks of `pg` (torch.nn.SyncBatchNorm; see the
   * class comment), or stops doing so with `undefined`. A group of one rank is plain BatchNorm. The
   * group is not owned: dispose it yourself, after the module's last forward and backward.
   */
  setProcessGroup(pg: ProcessGroup | undefined): this {
    this.#group = pg;
    return this;
  }

  /**
   * Sets `pg` on every BatchNorm1d among `modules` and their submodules (torch's
   * `SyncBatchNorm.convert_sync_batchnorm`, in place); `undefined` unsets it. Returns how many.
   *
   * @example
   * ```ts
   * BatchNorm1d.setProcessGroupAll(Object.values(objective.modules()), pg);
   * ```
   */
  static setProcessGroupAll(modules: readonly Module[], pg: ProcessGroup | undefined): number {
    let n = 0;
    for (const root of modules) {
      for (const [, m] of root.namedModules()) {
        if (m instanceof BatchNorm1d) {
          m.setProcessGroup(pg);
          n += 1;
        }
      }
    }
    return n;
  }

  /** The group to synchronize this forward over: training mode and more than one rank. */
  private syncGroup(): ProcessGroup | undefined {
    return this.training && this.#group !== undefined && this.#group.worldSize > 1 ? this.#group : undefined;
  }

  forward(x: Tensor): Tensor {
    const { useBatch, factor } = this.startForward(x);
    const pg = this.syncGroup();
    if (pg) {
      return new Tensor(N.pgSyncBatchNorm(pg._id, th(x, "batchNorm"), ...this.nativeArgs(), factor, this.eps));
    }
    return batchNorm(x, {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.paramOpt("weight"),
      bias: this.paramOpt("bias"),
      training: useBatch,
      momentum: factor,
      eps: this.eps,
    });
  }

  /**
   * `act.forward(this.forward(x))` as one native op: on the CPU the normalized values are neither
   * stored nor re-read (two passes forward, two backward instead of ~7 and ~10; see
   * native/tensor/fused_cpu.cc). Same results, running statistics and gradients.
   */
  forwardPrelu(x: Tensor, act: PReLU): Tensor {
    // Synchronized statistics go through the collective; the fused kernel is per rank.
    if (this.syncGroup()) return tidy(() => act.forward(this.forward(x)));
    const { useBatch, factor } = this.startForward(x);
    return new Tensor(N.batchNormPrelu(th(x, "batchNorm"), ...this.nativeArgs(), useBatch, factor, this.eps, th(act.weight, "prelu")));
  }

  /** The running statistics, weight and bias as native handles (-1 when absent), in the bindings' order. */
  private nativeArgs(): [H, H, H, H] {
    return [thOpt(this.runningMean, "batchNorm"), thOpt(this.runningVar, "batchNorm"), thOpt(this.paramOpt("weight"), "batchNorm"), thOpt(this.paramOpt("bias"), "batchNorm")];
  }

  /** Checks the input and advances the running-statistics bookkeeping of one forward pass. */
  private startForward(x: Tensor): { useBatch: boolean; factor: number } {
    if (x.ndim !== 2 || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(`BatchNorm1d: expected input [N, ${this.numFeatures}] but received [${x.shape.join(", ")}]`);
    }
    const useBatch = this.training || !this.trackRunningStats;
    let factor = 0;
    if (this.training && this.trackRunningStats) {
      this.batches += 1;
      this.buffer("num_batches_tracked").fill_(this.batches);
      factor = this.momentum === null ? 1 / this.batches : this.momentum;
    }
    return { useBatch, factor };
  }

  protected override afterLoad(): void {
    if (this.trackRunningStats) this.batches = this.buffer("num_batches_tracked").item();
    super.afterLoad();
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}`;
  }
}
