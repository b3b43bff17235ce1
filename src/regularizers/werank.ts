/**
 * WERank — weight regularization against rank degeneration (dimensional collapse) in SSL
 * (seeds/werank-paper.txt): a layer-wise penalty that nudges every weight matrix toward a
 * (semi-)orthonormal map,
 *
 *   L_reg = sum_l alpha_l * || G_l - I ||_F            (paper: || W_l^T W_l - I ||_F)
 *   L_reg = sum_l alpha_l * || G_l - I ||_F^2          (option `squared`)
 *
 * for weights W_l of shape [out, in] (a PyTorch layer's weight; kernels with more dims act as
 * [out, in * k...]). All layers are computed in ONE native call; the result is differentiable
 * (LibTorch autograd through the composed ops) and comes with the unweighted per-layer values
 * (detached, float64 [L]) for diagnostics.
 *
 * Which Gram matrix. By default G_l is the SMALLER Gram matrix of W_l: W W^T ([out, out]) when
 * out <= in, else W^T W ([in, in]). Both Grams have the same nonzero spectrum, the squared
 * singular values sigma_i^2 of W (i = 1..min(out, in)); the larger one has |in - out| extra zero
 * eigenvalues. Hence, with k = min(out, in) and d = |in - out|,
 *
 *   || small - I ||_F^2 = sum_i (sigma_i^2 - 1)^2
 *   || large - I ||_F^2 = sum_i (sigma_i^2 - 1)^2 + d
 *
 * - Squared variant: the two differ by the constant d, so their GRADIENTS ARE IDENTICAL; only the
 *   logged value shifts. The smaller Gram is cheaper (k x k instead of max x max) and is 0 exactly
 *   when W has orthonormal rows (wide) or columns (tall), the best a non-square W can do.
 * - Plain norm (the paper's formula): sqrt(S) versus sqrt(S + d). The gradients point the same
 *   way but differ in size by the factor sqrt(S / (S + d)): the literal large-Gram term can never
 *   go below sqrt(d), and its pull fades as W approaches semi-orthogonality, while the
 *   smaller-Gram term reaches 0 there and its gradient keeps its size up to the minimum (a
 *   non-smooth minimum, like any norm; autograd gives 0 at exactly D = 0). For square W
 *   (d = 0) the two are the same. Use `gram: "wtw"` to reproduce the paper's literal
 *   W^T W of the [out, in] weight (equal to "smaller" for tall weights; on a wide weight its
 *   floor is sqrt(in - out), e.g. 11.3 for a [128, 256] layer), or `gram: "wwt"` for W W^T.
 *
 * Which weights. {@link WERank.fromModule} takes weight matrices only: parameters named `weight`
 * with 2 or more dims (Linear and convolution weights). Biases, norm scales and vectors stored as
 * 3-d tensors (GAT's attention vectors `att_src` / `att_dst` [1, H, C]) are not regularized unless
 * `parameters: "all"` is asked for.
 *
 * Gradients (G = W^T W for tall W, W W^T for wide; D = G - I):
 *   squared: 4 W D (tall), 4 D W (wide);   plain: 2 W D / ||D||_F (tall), 2 D W / ||D||_F (wide).
 *
 * @example
 * ```ts
 * import { WERank, tidy } from "werank-native";
 * const reg = WERank.fromModule(model, { groups: ["encoder"], alpha: 1 });
 * tidy(() => {
 *   const { loss: r, perLayer } = reg.compute();
 *   const loss = ssl.add(r);
 *   loss.backward();
 * });
 * ```
 */
import { ArgumentError, ConfigError, unknownName } from "../errors.js";
import { loadNative } from "../native/addon.js";
import { Tensor, th } from "../tensor/Tensor.js";

/** One regularized weight. */
export interface WERankWeight {
  name: string;
  tensor: Tensor;
  /** Coefficient alpha_l (default: the regularizer's `alpha`, 1 unless set). */
  alpha?: number;
}

/** What WERank needs of a module: the nn Module's `namedParameters()` (structural). */
export interface HasNamedParameters {
  namedParameters(): readonly (readonly [string, Tensor])[] | [string, Tensor][];
}

/** Parameter groups a weight's name can belong to (by a name component, e.g. `encoder.layers.0.weight` or `onlineEncoder.0.weight`). */
export const WERANK_GROUPS = ["encoder", "predictor", "projector"] as const;
export type WERankGroup = (typeof WERANK_GROUPS)[number];

/** The Gram matrix G of a weight W [out, in]: the smaller one (default), W^T W [in, in], or W W^T [out, out]. */
export const WERANK_GRAMS = ["smaller", "wtw", "wwt"] as const;
export type WERankGram = (typeof WERANK_GRAMS)[number];
const GRAM_CODES: Record<WERankGram, number> = { smaller: 0, wtw: 1, wwt: 2 };

/**
 * How a layer's coefficient is scaled: "none" uses alpha_l as given; "width" uses alpha_l / d_l with
 * d_l = min(out, in) the size of the smaller Gram matrix. ||G_l − I||_F sums d_l² entries and at a
 * random init grows about linearly in d_l, so with "width" one alpha weighs a 128-wide and a 512-wide
 * layer alike (issue "Answer the WERank question": one alpha that fits layers of different widths).
 */
export const WERANK_SCALES = ["none", "width"] as const;
export type WERankScale = (typeof WERANK_SCALES)[number];

/** d_l of {@link WERANK_SCALES}: the smaller side of the weight seen as a [rows, numel / rows] matrix. */
export function smallerDim(t: Tensor): number {
  const rows = t.shape[0]!;
  return Math.min(
    rows,
    t.shape.slice(1).reduce((a, b) => a * b, 1),
  );
}

export interface WERankOptions {
  /** Use ||G - I||_F^2 instead of ||G - I||_F (default false: the paper's norm). */
  squared?: boolean;
  /** "smaller" (default): the smaller Gram matrix; "wtw": the paper's literal W^T W of the [out, in] weight; "wwt": W W^T. */
  gram?: WERankGram;
  /** Default coefficient for weights without their own (default 1). */
  alpha?: number;
  /** "none" (default) or "width": divide each layer's alpha by min(out, in) (see {@link WERANK_SCALES}). */
  scale?: WERankScale;
}

/** How {@link WERank.fromModule} picks weights and their coefficients. */
export interface WERankSelection {
  /** Only weights in these groups (default: every weight matrix that requires grad). */
  groups?: readonly WERankGroup[];
  /**
   * Coefficients: one number for all; a record keyed by group or by full parameter name (a name
   * wins over its group; others get `options.alpha ?? 1`); or a function of the name.
   */
  alpha?: number | Readonly<Record<string, number>> | ((name: string, tensor: Tensor) => number);
  /** "weights" (default): parameters named `weight` only; "all": every parameter with 2 or more dims (e.g. GAT attention vectors). */
  parameters?: "weights" | "all";
  /** Extra filter on top of the default (2 or more dims, requires grad, see `parameters`). */
  filter?: (name: string, tensor: Tensor) => boolean;
}

/** The regularizer's value and the per-layer terms (unweighted, detached, float64 [L], in {@link WERank.names} order). */
export interface WERankResult {
  loss: Tensor;
  perLayer: Tensor;
}

/** The group of a parameter name: a dot-separated component equal to the group or ending in it (`onlineEncoder`). */
export function groupOf(name: string): WERankGroup | undefined {
  for (const part of name.split(".")) {
    const p = part.toLowerCase();
    for (const g of WERANK_GROUPS) if (p === g || p.endsWith(g)) return g;
  }
  return undefined;
}

/** Validates a Gram choice (ConfigError naming the valid ones). */
export function checkGram(gram: unknown): WERankGram {
  if (!(WERANK_GRAMS as readonly unknown[]).includes(gram)) throw new ConfigError(unknownName("WERank gram", String(gram), WERANK_GRAMS));
  return gram as WERankGram;
}

function checkAlpha(owner: string, name: string, a: unknown): number {
  if (typeof a !== "number" || !Number.isFinite(a) || a < 0) throw new ConfigError(`${owner}: expected alpha >= 0 for '${name}' but received ${String(a)}`);
  return a;
}

/**
 * One native call over a plain list: sum_l alphas[l] * ||G_l - I||_F (or squared).
 * @example werank([w1, w2], [1, 0.5]).loss
 */
export function werank(weights: readonly Tensor[], alphas: readonly number[], options: Omit<WERankOptions, "alpha"> = {}): WERankResult {
  if (!Array.isArray(weights) || weights.length === 0) throw new ArgumentError("werank: expected a non-empty array of weight tensors");
  if (!Array.isArray(alphas) || alphas.length !== weights.length) {
    throw new ArgumentError(`werank: expected one alpha per weight (${weights.length}) but received ${Array.isArray(alphas) ? alphas.length : String(alphas)}`);
  }
  const gram = checkGram(options.gram ?? "smaller");
  const [total, perLayer] = loadNative().werank(
    Int32Array.from(weights, (w) => th(w, "werank")),
    Float64Array.from(alphas, (a, i) => checkAlpha("werank", `weight ${i}`, a)),
    options.squared ?? false,
    GRAM_CODES[gram],
  );
  return { loss: new Tensor(total), perLayer: new Tensor(perLayer) };
}

export class WERank {
  readonly names: readonly string[];
  readonly tensors: readonly Tensor[];
  /** The coefficients as trained (after `scale`). */
  readonly alphas: readonly number[];
  readonly squared: boolean;
  readonly gram: WERankGram;
  readonly scale: WERankScale;

  /** From named weights (`{ name, tensor, alpha? }`) or a plain list of tensors (named `weight.<i>`). */
  constructor(weights: readonly (WERankWeight | Tensor)[], options: WERankOptions = {}) {
    if (!Array.isArray(weights) || weights.length === 0) throw new ConfigError("WERank: expected at least one weight to regularize but received none");
    const defaultAlpha = checkAlpha("WERank", "default", options.alpha ?? 1);
    const scale = options.scale ?? "none";
    if (!(WERANK_SCALES as readonly unknown[]).includes(scale)) throw new ConfigError(unknownName("WERank scale", String(scale), WERANK_SCALES));
    const names: string[] = [];
    const tensors: Tensor[] = [];
    const alphas: number[] = [];
    weights.forEach((w, i) => {
      const entry: WERankWeight = w instanceof Tensor ? { name: `weight.${i}`, tensor: w } : w;
      if (entry === null || typeof entry !== "object" || !(entry.tensor instanceof Tensor)) {
        throw new ArgumentError(`WERank: expected a Tensor or { name, tensor, alpha } for weight ${i} but received ${String(w)}`);
      }
      if (entry.tensor.ndim < 2) {
        throw new ArgumentError(`WERank: expected weight matrices (2 or more dims) but '${entry.name}' has shape [${entry.tensor.shape.join(", ")}]`);
      }
      names.push(String(entry.name));
      tensors.push(entry.tensor);
      const a = checkAlpha("WERank", String(entry.name), entry.alpha ?? defaultAlpha);
      alphas.push(scale === "width" ? a / smallerDim(entry.tensor) : a);
    });
    this.names = Object.freeze(names);
    this.tensors = Object.freeze(tensors);
    this.alphas = Object.freeze(alphas);
    this.squared = options.squared ?? false;
    this.gram = checkGram(options.gram ?? "smaller");
    this.scale = scale;
  }

  /**
   * Picks the weight matrices of a module (anything with `namedParameters()`): parameters named
   * `weight` with 2+ dims that require grad (see `selection.parameters`), optionally in the given
   * groups, with per-group or per-name alphas.
   */
  static fromModule(module: HasNamedParameters, selection: WERankSelection = {}, options: WERankOptions = {}): WERank {
    if (module === null || typeof module !== "object" || typeof module.namedParameters !== "function") {
      throw new ArgumentError("WERank.fromModule: expected a module with namedParameters()");
    }
    for (const g of selection.groups ?? []) {
      if (!WERANK_GROUPS.includes(g)) throw new ConfigError(unknownName("WERank group", String(g), WERANK_GROUPS));
    }
    const fallback = options.alpha ?? 1;
    const alphaOf = (name: string, t: Tensor): number => {
      const a = selection.alpha;
      if (a === undefined) return fallback;
      if (typeof a === "number") return a;
      if (typeof a === "function") return a(name, t);
      if (Object.hasOwn(a, name)) return a[name]!;
      const g = groupOf(name);
      return g !== undefined && Object.hasOwn(a, g) ? a[g]! : fallback;
    };
    const parameters = selection.parameters ?? "weights";
    if (parameters !== "weights" && parameters !== "all") throw new ConfigError(unknownName("WERank parameters", String(parameters), ["weights", "all"]));
    const picked: WERankWeight[] = [];
    for (const [name, t] of module.namedParameters()) {
      if (t.ndim < 2 || !t.requiresGrad) continue;
      if (parameters === "weights" && name.split(".").pop() !== "weight") continue;
      if (selection.groups !== undefined) {
        const g = groupOf(name);
        if (g === undefined || !selection.groups.includes(g)) continue;
      }
      if (selection.filter !== undefined && !selection.filter(name, t)) continue;
      picked.push({ name, tensor: t, alpha: alphaOf(name, t) });
    }
    if (picked.length === 0) {
      const groups = selection.groups ? ` in groups ${selection.groups.join(", ")}` : "";
      throw new ConfigError(`WERank.fromModule: expected at least one weight matrix that requires grad${groups} but found none`);
    }
    return new WERank(picked, options);
  }

  /** The regularizer (differentiable) and the per-layer terms, in one native call. */
  compute(): WERankResult {
    return werank(this.tensors, this.alphas, { squared: this.squared, gram: this.gram });
  }

  /** Per-layer terms by name (reads the tensor to the host: for diagnostics every K steps). */
  perLayerRecord(perLayer: Tensor): Record<string, number> {
    const v = perLayer.toTypedArray() as Float64Array;
    if (v.length !== this.names.length) throw new ArgumentError(`WERank.perLayerRecord: expected ${this.names.length} values but received ${v.length}`);
    const r: Record<string, number> = {};
    this.names.forEach((n, i) => (r[n] = v[i]!));
    return r;
  }
}
