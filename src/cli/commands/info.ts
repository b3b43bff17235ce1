import { info } from "../../runtime.js";
import type { Command } from "../command.js";

export const infoCommand: Command = {
  name: "info",
  summary: "LibTorch version, CUDA, threads and the addon path",
  help: `werank-native info [--json]

Prints the LibTorch version, whether CUDA is usable, CUDA devices, threads, whether the CPU multiplies
bfloat16 natively (then --matmul-precision medium speeds up CPU training) and the addon path.
--json prints { "torchVersion", "cuda", "cudaDevices", "threads", "addonPath", "cudaKernels", "bf16Matmul" }.

Examples:
  werank-native info
  werank-native info --json`,
  run(args) {
    const i = info();
    if (args.includes("--json")) {
      process.stdout.write(JSON.stringify({ torchVersion: i.torchVersion, cuda: i.cuda, cudaDevices: i.cudaDevices, threads: i.threads, addonPath: i.addonPath, cudaKernels: i.cudaKernels, bf16Matmul: i.bf16Matmul }) + "\n");
    } else {
      process.stdout.write(
        `werank-native\n  LibTorch     ${i.torchVersion}\n  CUDA         ${i.cuda ? `yes (${i.cudaDevices} device${i.cudaDevices === 1 ? "" : "s"})` : "no"}\n` +
          `  CUDA kernels ${i.cudaKernels ? "built" : "not built"}\n  threads      ${i.threads}\n` +
          `  bf16 matmul  ${i.bf16Matmul ? "yes (--matmul-precision medium multiplies in bfloat16)" : "no (float32 products at every precision)"}\n  addon        ${i.addonPath}\n`,
      );
    }
    return 0;
  },
};
