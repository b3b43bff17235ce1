/**
 * The addon's handles are branded by kind (src/native/addon.ts): the compiler rejects a graph, generator
 * or optimizer handle, or a bare number, where a tensor handle is expected, and so on. The fixture is
 * type-checked with the project's compiler options: it must compile as written (every
 * `@ts-expect-error` line is an error), and without the directives it must give one error per line.
 * If the brands were removed (handles as plain numbers), the directives would be unused: both fail.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixture = path.join(root, "test", "fixtures", "addon-handles.ts");

function diagnostics(edit: (text: string) => string): string[] {
  const cfg = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (cfg === undefined) throw new Error("tsconfig.json could not be read");
  const options: ts.CompilerOptions = { ...cfg.options, noEmit: true, incremental: false, rootDir: root, tsBuildInfoFile: undefined };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === fixture ? edit(read(f) ?? "") : read(f));
  const program = ts.createProgram([fixture], options, host);
  const file = program.getSourceFile(fixture);
  if (file === undefined) throw new Error("fixture not found");
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => {
    const line = d.start === undefined ? -1 : file.getLineAndCharacterOfPosition(d.start).line + 1;
    return `${line}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

describe("branded native handles", () => {
  it("the fixture compiles: every wrong-kind line is rejected by the compiler", () => {
    expect(diagnostics((s) => s)).toEqual([]);
  }, 120_000);
  it("without the @ts-expect-error directives each marked line is an error", () => {
    const text = ts.sys.readFile(fixture) ?? "";
    const marked = text.split("\n").filter((l) => l.trim().startsWith("// @ts-expect-error")).length;
    expect(marked).toBeGreaterThanOrEqual(7);
    const errs = diagnostics((s) => s.replace(/\/\/ @ts-expect-error/g, "// expected:"));
    expect(new Set(errs.map((e) => e.split(":")[0])).size).toBe(marked);
    expect(errs.join("\n")).toMatch(/GraphHandle.*TensorHandle|TensorHandle.*GraphHandle/s);
  }, 120_000);
});
