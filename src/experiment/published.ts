/**
 * Published linear-probe accuracies (%) that `werank-native reproduce` compares against:
 * BGRL (Thakoor et al., ICLR 2022, Table 1; ogbn-arXiv: test accuracy) with its standard augmentations,
 * and BGRL without augmentation (the weak-augmentation setting studied by WERank, Pasand et al.);
 * GRACE (Zhu et al., 2020, arXiv:2006.04131, transductive results: mean ± std accuracy on the
 * Planetoid citation graphs under its own evaluation code, see src/eval/graceProbe.ts).
 *
 * @example
 * ```ts
 * PUBLISHED_BGRL["coauthor-cs"].augmented; // { mean: 93.31, std: 0.13 }
 * ```
 */
export interface PublishedResult {
  mean: number;
  std: number;
}

export interface PublishedBgrl {
  augmented?: PublishedResult;
  noAugment?: PublishedResult;
  source: string;
}

export const PUBLISHED_BGRL: Readonly<Record<string, PublishedBgrl>> = {
  "amazon-computers": { augmented: { mean: 90.34, std: 0.19 }, noAugment: { mean: 87.12, std: 0.3 }, source: "BGRL Table 1; no augmentation: WERank paper" },
  "amazon-photo": { augmented: { mean: 93.17, std: 0.3 }, noAugment: { mean: 91.18, std: 0.38 }, source: "BGRL Table 1; no augmentation: WERank paper" },
  "coauthor-cs": { augmented: { mean: 93.31, std: 0.13 }, noAugment: { mean: 91.85, std: 0.25 }, source: "BGRL Table 1; no augmentation: WERank paper" },
  "coauthor-physics": { augmented: { mean: 95.73, std: 0.05 }, noAugment: { mean: 94.65, std: 0.11 }, source: "BGRL Table 1; no augmentation: WERank paper" },
  wikics: { augmented: { mean: 79.98, std: 0.1 }, noAugment: { mean: 78.69, std: 0.18 }, source: "BGRL Table 1; no augmentation: WERank paper" },
  "ogbn-arxiv": { augmented: { mean: 71.64, std: 0.12 }, source: "BGRL Table 3 (test accuracy)" },
};

export interface PublishedGrace {
  accuracy: PublishedResult;
  source: string;
}

/** GRACE's published transductive accuracies (%), keyed by `reproduce grace --dataset` name. */
export const PUBLISHED_GRACE: Readonly<Record<string, PublishedGrace>> = {
  cora: { accuracy: { mean: 83.3, std: 0.4 }, source: "GRACE paper (Zhu et al., 2020), transductive table: Cora" },
  citeseer: { accuracy: { mean: 72.1, std: 0.5 }, source: "GRACE paper (Zhu et al., 2020), transductive table: CiteSeer" },
  pubmed: { accuracy: { mean: 86.7, std: 0.1 }, source: "GRACE paper (Zhu et al., 2020), transductive table: PubMed" },
};
