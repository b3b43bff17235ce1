/**
 * What `train` prints for each training event: JSONL with --json; on a terminal a progress bar
 * that lines (probe results, warnings) interrupt and that then resumes; plain progress lines otherwise.
 *
 * @example
 * ```ts
 * const progress = new TrainProgress({ total: 100, json: false, tty: process.stdout.isTTY === true });
 * progress.start(0);
 * for (const ev of events) progress.onEvent(ev);
 * progress.stop();
 * ```
 */
import cliProgress from "cli-progress";
import type { TrainEvent } from "../train/Trainer.js";

export interface TrainProgressOptions {
  total: number;
  json: boolean;
  /** Draw a progress bar (stdout is a terminal). */
  tty: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Where the bar is drawn (default: cli-progress's, stderr). */
  barStream?: NodeJS.WritableStream;
}

export class TrainProgress {
  readonly #o: TrainProgressOptions;
  readonly #out: NodeJS.WritableStream;
  readonly #err: NodeJS.WritableStream;
  readonly #bar: cliProgress.SingleBar | undefined;
  readonly #every: number;
  #erank = "–";
  #epoch = 0;

  constructor(o: TrainProgressOptions) {
    this.#o = o;
    this.#out = o.stdout ?? process.stdout;
    this.#err = o.stderr ?? process.stderr;
    this.#bar =
      o.tty && !o.json
        ? new cliProgress.SingleBar(
            {
              format: "{bar} {value}/{total} epochs | loss {loss} | lr {lr} | erank {erank} | {eta_formatted} left",
              hideCursor: true,
              clearOnComplete: true,
              ...(o.barStream ? { stream: o.barStream } : {}),
            },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
    this.#every = Math.max(1, Math.floor(o.total / 20));
  }

  /** Whether the bar is drawn right now (false without a terminal). */
  get barActive(): boolean {
    return (this.#bar as unknown as { isActive?: boolean } | undefined)?.isActive === true;
  }

  start(epoch: number): void {
    this.#epoch = epoch;
    this.#bar?.start(this.#o.total, epoch, { loss: "–", lr: "–", erank: this.#erank });
  }

  stop(): void {
    this.#bar?.stop();
  }

  /** Prints a line above the bar: the bar stops, the line is written, the bar resumes where it was. */
  #line(stream: NodeJS.WritableStream, text: string): void {
    const bar = this.#bar;
    const active = this.barActive;
    if (active) bar!.stop();
    stream.write(text);
    if (active && this.#epoch < this.#o.total) this.start(this.#epoch);
  }

  onEvent(ev: TrainEvent): void {
    const { total } = this.#o;
    if (this.#o.json) {
      this.#out.write(`${JSON.stringify(ev)}\n`);
      return;
    }
    const bar = this.#bar;
    if (ev.type === "epoch") {
      this.#epoch = ev.epoch;
      if (bar) bar.update(ev.epoch, { loss: ev.loss.toFixed(4), lr: ev.lr.toExponential(1), erank: this.#erank });
      else if (ev.epoch % this.#every === 0 || ev.epoch === total)
        this.#out.write(`epoch ${ev.epoch}/${total}  loss ${ev.loss.toFixed(4)}  lr ${ev.lr.toExponential(2)}  ${(1000 * ev.seconds).toFixed(0)} ms\n`);
    } else if (ev.type === "spectra") {
      this.#erank = `${ev.effectiveRank.representation.toFixed(1)}/${ev.effectiveRank.embedding.toFixed(1)}`;
      if (!bar) this.#out.write(`epoch ${ev.epoch}: effective rank representation ${ev.effectiveRank.representation.toFixed(1)}, embedding ${ev.effectiveRank.embedding.toFixed(1)}\n`);
    } else if (ev.type === "eval") {
      this.#epoch = ev.epoch;
      this.#line(this.#out, `epoch ${ev.epoch}: linear probe ${(100 * ev.probe.mean).toFixed(2)} ± ${(100 * ev.probe.std).toFixed(2)} %\n`);
    } else if (ev.type === "warning") {
      this.#line(this.#err, `warning (epoch ${ev.epoch}): ${ev.message}\n`);
    }
  }
}
