import { blasInfo } from "../../blasInfo.js";
import { info } from "../../runtime.js";
import { parseCommandArgs, type OptionSpec } from "../args.js";
import type { Command } from "../command.js";

const OPTIONS: OptionSpec = { json: { type: "boolean", help: "one JSON object instead of the text" } };

export const infoCommand: Command = {
  name: "info",
  summary: "LibTorch version, CUDA, threads, BLAS library and GEMM rate, bf16 support, addon path",
  options: OPTIONS,
  help: `werank-native info [--json]

Prints the LibTorch version, whether CUDA is usable, CUDA devices, threads, the BLAS/LAPACK library the
process loaded (read from its mapped shared objects: OpenBLAS, MKL, BLIS, ... or Debian's reference BLAS,
about 20x slower) with a measured float32 GEMM rate (a 1024^3 product), whether the CPU multiplies
bfloat16 natively (then --matmul-precision medium speeds up CPU training) and the addon path.
--json prints { "torchVersion", "cuda", "cudaDevices", "threads", "parallelKernels", "addonPath", "cudaKernels",
"bf16Matmul", "blas": { "implementation", "flavour", "libraries", "gflops" } } (parallelKernels: the addon's
own CPU kernels use the threads; false for a build without OpenMP).

Examples:
  werank-native info
  werank-native info --json`,
  run(args) {
    const p = parseCommandArgs("info", args, OPTIONS);
    const i = info();
    const b = blasInfo();
    if (p.values.json) {
      process.stdout.write(
        `${JSON.stringify({
          torchVersion: i.torchVersion,
          cuda: i.cuda,
          cudaDevices: i.cudaDevices,
          threads: i.threads,
          parallelKernels: i.parallelKernels,
          addonPath: i.addonPath,
          cudaKernels: i.cudaKernels,
          bf16Matmul: i.bf16Matmul,
          blas: b,
        })}\n`,
      );
    } else {
      process.stdout.write(
        `werank-native\n  LibTorch     ${i.torchVersion}\n  CUDA         ${i.cuda ? `yes (${i.cudaDevices} device${i.cudaDevices === 1 ? "" : "s"})` : "no"}\n` +
          `  CUDA kernels ${i.cudaKernels ? "built" : "not built"}\n  threads      ${i.threads}${i.parallelKernels ? "" : " (LibTorch's ops only: this addon was built without OpenMP, its own kernels use one)"}\n` +
          `  BLAS         ${b.implementation}${b.flavour ? ` (${b.flavour})` : ""}${b.implementation === "reference" ? " - slow: run scripts/bootstrap.sh to install OpenBLAS" : ""}, float32 GEMM ${b.gflops.toFixed(1)} GFLOP/s\n` +
          `               ${b.libraries.join("\n               ") || "(no BLAS library visible in /proc/self/maps)"}\n` +
          `  bf16 matmul  ${i.bf16Matmul ? "yes (--matmul-precision medium multiplies in bfloat16)" : "no (float32 products at every precision)"}\n  addon        ${i.addonPath}\n`,
      );
    }
    return 0;
  },
};
