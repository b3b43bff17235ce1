/** Self-supervised objectives on graphs (one per file) and their registry. */
export { BaseObjective, type Objective, type ObjectiveOptions, type ObjectiveResult, type ObjectiveOutputs, type View, type HeadSpec } from "./Objective.js";
export { BGRL, bgrlLoss, type BGRLOptions } from "./bgrl.js";
export { SimSiam, simsiamLoss, type SimSiamOptions } from "./simsiam.js";
export { GRACE, graceLoss, graceSemiLoss, type GRACEOptions } from "./grace.js";
export { DirectCLR, directclrLoss, infoNCE, type DirectCLROptions } from "./directclr.js";
export { VICReg, vicregLoss, covariancePenalty, type VICRegOptions, type VICRegWeights } from "./vicreg.js";
export { BarlowTwins, barlowTwinsLoss, crossCorrelation, type BarlowTwinsOptions } from "./barlow.js";
export { RDM, RDM_FILTERS, type RDMFilter, type RDMOptions } from "./rdm.js";
export { objectives, createObjective, OBJECTIVE_NAMES, type ObjectiveName, type ObjectiveOptionsByName } from "./objectives.js";
