/**
 * Multi-layer perceptron: Linear -> [norm] -> activation -> [dropout] between layers, the last
 * Linear bare unless `lastActivation` (then norm and activation follow it too).
 *
 * Shapes: x [N, dims[0]] (dense or {@link SparseRows}) -> [N, dims.at(-1)]. Parameters:
 * `layers.i.weight/bias` (torch.nn.Linear init), `norms.i.*`, `acts.i.weight` (PReLU).
 * Used as BGRL's predictor (`[d, 512, d]`, PReLU, no norm: nerdslab/bgrl MLP_Predictor), GRACE's
 * projector (`[d, h, d]`, ELU) and SimSiam's predictor (`[d, h, d]`, BatchNorm + ReLU).
 *
 * @example
 * ```ts
 * const predictor = new MLP([256, 512, 256], { act: "prelu" });
 * const q = predictor.forward(y);
 * ```
 */
import { ArgumentError } from "../errors.js";
import type { NodeInput } from "../graph/GraphOps.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/Tensor.js";
import { type ActivationName, makeActivation } from "./Activation.js";
import { Dropout } from "./Dropout.js";
import { freeIntermediate, stage } from "./freeIntermediate.js";
import { checkDims, Linear } from "./Linear.js";
import { type NormName, makeNorm, type NormOptions } from "./makeNorm.js";
import { Module, type UnaryModule } from "./Module.js";
import { ModuleList } from "./ModuleList.js";

export interface MLPOptions extends NormOptions {
  /** Norm after each hidden Linear (default "none"). */
  norm?: NormName;
  /** Activation after each hidden Linear (default "relu"). */
  act?: ActivationName;
  /** Linear biases (default true). */
  bias?: boolean;
  /** Apply norm and activation after the last Linear too (default false). */
  lastActivation?: boolean;
  /** Dropout after each hidden activation (default 0). */
  dropout?: number;
  dtype?: DType;
}

export class MLP extends Module {
  readonly dims: readonly number[];
  readonly layers: ModuleList<Linear>;
  private readonly post: { norm?: UnaryModule; act?: UnaryModule }[] = [];
  private readonly drop: Dropout | undefined;

  constructor(dims: readonly number[], options: MLPOptions = {}) {
    super();
    if (!Array.isArray(dims) || dims.length < 2) throw new ArgumentError(`MLP: expected at least two sizes [in, ..., out] but received [${String(dims)}]`);
    checkDims("MLP", ...dims);
    this.dims = [...dims];
    const dtype = options.dtype ?? "float32";
    this.layers = this.registerModule("layers", new ModuleList<Linear>());
    const norms = this.registerModule("norms", new ModuleList<UnaryModule>());
    const acts = this.registerModule("acts", new ModuleList<UnaryModule>());
    const n = dims.length - 1;
    for (let i = 0; i < n; i++) {
      this.layers.push(new Linear(dims[i]!, dims[i + 1]!, { bias: options.bias ?? true, dtype }));
      const entry: (typeof this.post)[number] = {};
      if (i < n - 1 || options.lastActivation) {
        const norm = makeNorm(options.norm ?? "none", dims[i + 1]!, { ...options, dtype });
        if (norm) entry.norm = norms.push(norm);
        entry.act = acts.push(makeActivation(options.act ?? "relu", dtype));
      }
      this.post.push(entry);
    }
    const p = options.dropout ?? 0;
    this.drop = p > 0 ? this.registerModule("dropout", new Dropout(p)) : undefined;
  }

  get inputDim(): number {
    return this.dims[0]!;
  }
  get outputDim(): number {
    return this.dims[this.dims.length - 1]!;
  }

  forward(x: NodeInput): Tensor {
    let h: Tensor | undefined;
    const n = this.layers.length;
    for (let i = 0; i < n; i++) {
      const input = h ?? x;
      h = this.layers.at(i).forward(input);
      if (input !== x) freeIntermediate(input as Tensor, h);
      const { norm, act } = this.post[i]!;
      if (norm) h = stage(h, norm.forward(h));
      if (act) h = stage(h, act.forward(h));
      if (this.drop && i < n - 1) h = stage(h, this.drop.forward(h));
    }
    return h!;
  }

  protected override extraRepr(): string {
    return `[${this.dims.join(", ")}]`;
  }
}
