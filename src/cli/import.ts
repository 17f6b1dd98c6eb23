/**
 * `convnet import model.onnx --out DIR`: reads an ONNX model (written by convnet export or by
 * PyTorch's torch.onnx.export for the same layers) and writes it as a model file,
 * DIR/model.safetensors (see src/train/onnx-files.ts), that every other command opens. An op or attribute the layers cannot compute exactly
 * is an error naming the node.
 */
import { Command } from 'commander';
import { importOnnxFile } from '../train/onnx-files.js';
import type { CliOutput } from './options.js';

/** `convnet import`. */
export function importCommand(output: CliOutput): Command {
  return new Command('import')
    .description('read an ONNX model into a model file (graph and weights)')
    .argument('<file>', 'the ONNX model, e.g. model.onnx')
    .requiredOption('--out <dir>', 'the directory to write model.safetensors to')
    .action(async function (this: Command, file: string) {
      const { out } = this.opts<{ out: string }>();
      const { modelFile, imported } = await importOnnxFile(file, out);
      const nodes = imported.graph.nodes().length;
      const extras = [
        imported.normalize === undefined ? null : 'its input normalisation',
        imported.classNames === undefined ? null : `${imported.classNames.length} class names`,
      ].filter((e) => e !== null);
      output.stdout.write(
        `read ${file}: ${nodes} layers${extras.length > 0 ? `, ${extras.join(' and ')}` : ''}\nwrote ${modelFile}\n`,
      );
    });
}
