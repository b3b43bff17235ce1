/**
 * The data model of the linear toy experiments of Jing, Vincent, LeCun & Tian (ICLR 2022,
 * "Understanding Dimensional Collapse in Contrastive Self-supervised Learning", Sec. 4.2 and the
 * official toy scripts facebookresearch/directclr toy_task/case_1.py and case_2.py), reused by the
 * WERank paper's toy models:
 *
 *   x ~ N(0, I_d)                         a fixed training set of `samples` draws (10000, as case_1.py)
 *   x' = x + k * (0, ..., 0, e_{d-B+1}, ..., e_d),   e ~ N(0, I)   independently for each view
 *
 * i.e. additive Gaussian noise of standard deviation k on the last B = `augDims` input dimensions
 * (the paper's "block_diagonal(0, k I)" augmentation covariance with an 8 x 8 block for d = 16;
 * B = d is the isotropic noise of case_2.py). Like the official code, k is the noise amplitude
 * (standard deviation), so the augmentation covariance is k^2 on the block. A separate clean
 * evaluation set (`evalSamples` draws, 1000 as the official `spectrum()`) gives the embedding
 * covariance.
 *
 * Shapes: x [samples, d], evalX [evalSamples, d], one view [batch, d].
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const data = new ToyData({ k: 1.5 });                  // d = 16, last 8 dims augmented
 * for (const idx of data.epochBatches(128)) tidy(() => { const [x1, x2] = data.views(idx); ... });
 * data.dispose();
 * ```
 */
import { ConfigError } from "../errors.js";
import { arange, randn, randperm } from "../tensor/creation.js";
import { keep, tidy } from "../tensor/tidy.js";
import type { Tensor } from "../tensor/Tensor.js";

export interface ToyDataOptions {
  /** Augmentation amplitude k >= 0 (noise standard deviation). */
  k: number;
  /** Input dimension d (default 16). */
  dim?: number;
  /** Number of augmented (last) input dimensions B, 1..d (default 8: the paper's 8 x 8 block). */
  augDims?: number;
  /** Training set size (default 10000). */
  samples?: number;
  /** Clean evaluation set size for covariance spectra (default 1000). */
  evalSamples?: number;
}

export class ToyData {
  readonly k: number;
  readonly dim: number;
  readonly augDims: number;
  /** Training inputs [samples, d]. */
  readonly x: Tensor;
  /** Clean evaluation inputs [evalSamples, d]. */
  readonly evalX: Tensor;
  /** k on the augmented dimensions, 0 elsewhere, shape [d]. */
  private readonly scale: Tensor;

  constructor(o: ToyDataOptions) {
    this.k = o.k;
    this.dim = o.dim ?? 16;
    this.augDims = o.augDims ?? Math.min(8, this.dim);
    const samples = o.samples ?? 10000;
    const evalSamples = o.evalSamples ?? 1000;
    if (!(Number.isFinite(this.k) && this.k >= 0)) throw new ConfigError(`Expected an augmentation amplitude k >= 0 but received ${o.k}`);
    if (!Number.isInteger(this.dim) || this.dim < 2) throw new ConfigError(`Expected an integer input dimension >= 2 but received ${o.dim}`);
    if (!Number.isInteger(this.augDims) || this.augDims < 1 || this.augDims > this.dim) throw new ConfigError(`Expected augDims in 1..${this.dim} but received ${o.augDims}`);
    if (!Number.isInteger(samples) || samples < 2) throw new ConfigError(`Expected samples >= 2 but received ${o.samples}`);
    if (!Number.isInteger(evalSamples) || evalSamples < 2) throw new ConfigError(`Expected evalSamples >= 2 but received ${o.evalSamples}`);
    const d = this.dim;
    const b = this.augDims;
    [this.x, this.evalX, this.scale] = tidy(() => [
      keep(randn([samples, d])),
      keep(randn([evalSamples, d])),
      keep(
        arange(d, undefined, 1, { dtype: "float32" })
          .ge(d - b)
          .to("float32")
          .mul(this.k),
      ),
    ]);
  }

  get samples(): number {
    return this.x.shape[0]!;
  }

  /** Index tensors of one epoch: a fresh permutation cut into full batches (the remainder is dropped). */
  epochBatches(batch: number): Tensor[] {
    const n = this.samples;
    if (!Number.isInteger(batch) || batch < 2 || batch > n) throw new ConfigError(`Expected a batch size in 2..${n} but received ${batch}`);
    return tidy(() => {
      const perm = randperm(n);
      const out: Tensor[] = [];
      for (let s = 0; s + batch <= n; s += batch) out.push(keep(perm.narrow(0, s, batch)));
      return out;
    });
  }

  /** Two augmented views of the rows `idx` (call inside tidy()). */
  views(idx: Tensor): [Tensor, Tensor] {
    const xb = this.x.indexSelect(0, idx);
    const shape = xb.shape;
    return [xb.add(randn(shape).mul(this.scale)), xb.add(randn(shape).mul(this.scale))];
  }

  dispose(): void {
    this.x.dispose();
    this.evalX.dispose();
    this.scale.dispose();
  }
}
