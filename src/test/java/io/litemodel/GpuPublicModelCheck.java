package io.litemodel;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Child-JVM program for {@link GpuPublicModelTest}: loads one public model on the CPU (XNNPACK) and on LiteRT's GPU
 * accelerator (SwiftShader allowed), runs both on the same inputs and prints {@code key=value} lines: where it runs,
 * what fell back, the largest difference, or why the GPU refused it. Ends with {@code end=done} unless the JVM died.
 */
public final class GpuPublicModelCheck {
  private static final LiteModel.Options GPU =
      LiteModel.Options.defaults().withAccelerator(Accelerator.gpu().withSoftwareAdapter(true));

  private GpuPublicModelCheck() {}

  /** @param args the model's name in the manifest */
  public static void main(String[] args) {
    PublicModels.Entry entry = PublicModels.entries().stream().filter(e -> e.name().equals(args[0])).findFirst()
        .orElseThrow();
    try (LiteModel cpu = LiteModel.load(entry.file())) {
      compare(entry, cpu);
    } catch (LiteModelException e) {
      System.out.println("result=refused on the CPU too (" + e.status() + ")");
    }
    System.out.println("end=done");
  }

  private static void compare(PublicModels.Entry entry, LiteModel cpu) {
    LiteModel gpu;
    try {
      gpu = LiteModel.load(entry.file(), GPU);
    } catch (LiteModelException e) {
      System.out.println("status=" + e.status());
      System.out.println("result=refused by the GPU path (" + e.status() + "): " + firstSentence(e.getMessage()));
      return;
    }
    try (gpu) {
      ExecutionReport report = gpu.executionReport();
      System.out.println("status=LOADED");
      System.out.println("accelerator=" + report.accelerator());
      System.out.println("runsWhere=" + report.delegatedNodes() + " of " + report.primaryOperatorCount()
          + " on the GPU" + (report.cpuOperators().isEmpty() ? "" : "; on LiteRT's CPU: "
              + String.join(", ", report.cpuOperators().stream().distinct().toList())));
      List<TensorSpec> inputs = cpu.inputs();
      float[][] in = new float[inputs.size()][];
      SplittableRandom random = new SplittableRandom(42);
      for (int i = 0; i < in.length; i++) {
        in[i] = new float[elements(inputs.get(i).shape())];
        for (int j = 0; j < in[i].length; j++) {
          in[i][j] = (float) random.nextDouble(-1, 1);
        }
      }
      double worst = 0;
      double scale = 0;
      for (int call = 0; call < 3; call++) { // stateful models must agree call after call
        float[][] expected = outputs(cpu);
        float[][] actual = outputs(gpu);
        cpu.run(in, expected);
        try {
          gpu.run(in, actual);
        } catch (RuntimeException e) {
          System.out.println("result=GPU run failed: " + e);
          return;
        }
        for (int o = 0; o < expected.length; o++) {
          for (int k = 0; k < expected[o].length; k++) {
            worst = Math.max(worst, Math.abs(expected[o][k] - actual[o][k]));
            scale = Math.max(scale, Math.abs(expected[o][k]));
          }
        }
      }
      System.out.println("maxDifference=" + String.format("%.3g", worst));
      // Relative to the largest output value, with a floor so that all-zero outputs do not divide by zero.
      System.out.println("relativeDifference=" + (worst / Math.max(1e-3, scale)));
      System.out.println("result=runs on the GPU");
    }
  }

  private static float[][] outputs(LiteModel model) {
    List<TensorSpec> specs = model.outputs();
    float[][] out = new float[specs.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new float[elements(specs.get(i).shape())];
    }
    return out;
  }

  private static int elements(int[] shape) {
    int count = 1;
    for (int dim : shape) {
      count *= Math.max(dim, 0);
    }
    return count;
  }

  /** @return the message up to LiteRT's log, which follows it after "; --- LiteRT log ---" */
  private static String firstSentence(String message) {
    int log = message.indexOf("; --- LiteRT log ---");
    String head = log >= 0 ? message.substring(0, log) : message;
    return head.length() > 240 ? head.substring(0, 240) + "..." : head;
  }
}
