/**
 * `convnet export --model DIR --out model.onnx`: writes a trained model as an ONNX model
 * (opset 17, dynamic batch) that takes pixels in [0, 1] (the model's normalisation is inside)
 * and carries its class names, for ONNX Runtime (Node, Python, C++) or Triton.
 */
import { Command } from 'commander';
import { exportTrainedModel } from '../train/onnx-files.js';
import { TRAINED_MODEL_HELP, type CliOutput } from './options.js';

interface ExportFlags {
  model: string;
  out: string;
}

/** `convnet export`. */
export function exportCommand(output: CliOutput): Command {
  return new Command('export')
    .description('write a trained model as an ONNX model (opset 17) for ONNX Runtime')
    .requiredOption('--model <dir>', TRAINED_MODEL_HELP)
    .requiredOption('--out <file>', 'the ONNX file to write, e.g. model.onnx')
    .action(async function (this: Command) {
      const flags = this.opts<ExportFlags>();
      const { path, bytes, inputShape } = await exportTrainedModel(flags.model, flags.out);
      output.stdout.write(
        `wrote ${path} (${bytes} bytes): input (N,${inputShape.join(',')}) pixels in [0,1], opset 17\n`,
      );
    });
}
