import { memory, tensor, tidy } from "../../tensor/index.js";
import { parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";

export const demoCommand: Command = {
  name: "demo",
  summary: "a tiny autograd demo (the gradient of sum(w @ w))",
  options: {},
  help: `werank-native demo

Builds w = [[1, 2], [3, 4]], computes sum(w @ w) and prints the gradient with respect to w
(expected [[7, 11], [9, 13]]), then shows that tidy() freed the intermediates.`,
  run(args) {
    parseCommandArgs("demo", args, {});
    const before = memory().tensors;
    const w = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const loss = tidy(() => w.matmul(w).sum());
    loss.backward();
    const g = w.grad!;
    process.stdout.write(`loss = sum(w @ w) = ${loss.item()}\ndloss/dw = ${JSON.stringify(g.toArray())}\n`);
    for (const t of [w, loss, g]) t.dispose();
    process.stdout.write(`live tensors after disposing: ${memory().tensors - before}\n`);
    return 0;
  },
};
