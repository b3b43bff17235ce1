/**
 * The objective registry: name -> factory. Unknown names raise ERR_CONFIG with the valid choices
 * and a "did you mean" guess.
 *
 * @example
 * ```ts
 * import { createObjective } from "werank-native";
 * const obj = createObjective("grace", { encoder: { type: "gcn", inputDim: 1433, layers: [256, 128] }, tau: 0.4 });
 * createObjective("bgr", ...);   // ConfigError: Unknown objective 'bgr' (did you mean 'bgrl'?). Valid choices: ...
 * ```
 */
import { ConfigError, unknownName } from "../errors.js";
import { BarlowTwins, type BarlowTwinsOptions } from "./barlow.js";
import { BGRL, type BGRLOptions } from "./bgrl.js";
import { DirectCLR, type DirectCLROptions } from "./directclr.js";
import { GRACE, type GRACEOptions } from "./grace.js";
import type { Objective } from "./Objective.js";
import { RDM, type RDMOptions } from "./rdm.js";
import { SimSiam, type SimSiamOptions } from "./simsiam.js";
import { VICReg, type VICRegOptions } from "./vicreg.js";

/** Options of each objective, by name. */
export interface ObjectiveOptionsByName {
  bgrl: BGRLOptions;
  simsiam: SimSiamOptions;
  grace: GRACEOptions;
  directclr: DirectCLROptions;
  vicreg: VICRegOptions;
  barlow: BarlowTwinsOptions;
  rdm: RDMOptions;
}
export type ObjectiveName = keyof ObjectiveOptionsByName;

export const objectives: { readonly [K in ObjectiveName]: (options: ObjectiveOptionsByName[K]) => Objective } = {
  bgrl: (o) => new BGRL(o),
  simsiam: (o) => new SimSiam(o),
  grace: (o) => new GRACE(o),
  directclr: (o) => new DirectCLR(o),
  vicreg: (o) => new VICReg(o),
  barlow: (o) => new BarlowTwins(o),
  rdm: (o) => new RDM(o),
};

export const OBJECTIVE_NAMES = Object.keys(objectives) as ObjectiveName[];

/** Builds the objective `name` with its options (encoder spec or encoder included). */
export function createObjective<K extends ObjectiveName>(name: K, options: ObjectiveOptionsByName[K]): Objective;
export function createObjective(name: string, options: ObjectiveOptionsByName[ObjectiveName]): Objective;
export function createObjective(name: string, options: ObjectiveOptionsByName[ObjectiveName]): Objective {
  const make = (objectives as Record<string, (o: unknown) => Objective>)[name];
  if (make === undefined || !Object.hasOwn(objectives, name)) throw new ConfigError(unknownName("objective", String(name), OBJECTIVE_NAMES));
  return make(options);
}
