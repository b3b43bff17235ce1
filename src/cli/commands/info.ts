import { info } from "../../runtime.js";
import type { Command } from "../command.js";

export const infoCommand: Command = {
  name: "info",
  summary: "LibTorch version, CUDA, threads and the addon path",
  help: `werank-native info [--json]

Prints the LibTorch version, whether CUDA is usable, CUDA devices, threads, whether the CPU multiplies
bfloat16 natively (then --matmul-precision medium speeds up CPU training) and the addon path.
--json prints { "torchVersion", "cuda", "cudaDevices", "threads", "parallelKernels", "addonPath", "cudaKernels",
"bf16Matmul" } (parallelKernels: the addon's own CPU kernels use the threads; false for a build without OpenMP).

Examples:
  werank-native info
  werank-native info --json`,
  run(args) {
    const i = info();
    if (args.includes("--json")) {
      process.stdout.write(JSON.stringify({ torchVersion: i.torchVersion, cuda: i.cuda, cudaDevices: i.cudaDevices, threads: i.threads, parallelKernels: i.parallelKernels, addonPath: i.addonPath, cudaKernels: i.cudaKernels, bf16Matmul: i.bf16Matmul }) + "\n");
    } else {
      process.stdout.write(
        `werank-native\n  LibTorch     ${i.torchVersion}\n  CUDA         ${i.cuda ? `yes (${i.cudaDevices} device${i.cudaDevices === 1 ? "" : "s"})` : "no"}\n` +
          `  CUDA kernels ${i.cudaKernels ? "built" : "not built"}\n  threads      ${i.threads}${i.parallelKernels ? "" : " (LibTorch's ops only: this addon was built without OpenMP, its own kernels use one)"}\n` +
          `  bf16 matmul  ${i.bf16Matmul ? "yes (--matmul-precision medium multiplies in bfloat16)" : "no (float32 products at every precision)"}\n  addon        ${i.addonPath}\n`,
      );
    }
    return 0;
  },
};
