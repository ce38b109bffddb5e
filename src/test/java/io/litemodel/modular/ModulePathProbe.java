package io.litemodel.modular;

import io.litemodel.LiteModel;
import java.nio.file.Path;

/**
 * Runs in a child JVM with LiteModel on the module path (module {@code io.litemodel}) and itself on the class path:
 * loads and runs a model, then reaches for a runtime class, which the module does not export.
 */
public final class ModulePathProbe {
  private ModulePathProbe() {}

  /** @param args the model file */
  public static void main(String[] args) throws ReflectiveOperationException {
    System.out.println("module=" + LiteModel.class.getModule().getName());
    try (LiteModel model = LiteModel.load(Path.of(args[0]))) {
      float[] output = model.predictSingle(new float[model.inputs().get(0).rowElements()]);
      System.out.println("outputs=" + output.length);
    }
    Class<?> runtime = Class.forName("io.litemodel.internal.tflite.NativeRuntime");
    try {
      runtime.getMethod("tfliteVersion").invoke(null);
      System.out.println("internal=reached");
    } catch (IllegalAccessException expected) {
      System.out.println("internal=refused: " + expected.getMessage());
    }
  }
}
