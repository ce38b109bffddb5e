package io.litemodel.spark;

import io.litemodel.InferenceModel;
import io.litemodel.TensorSpec;
import java.util.Arrays;

/** What the Spark transforms need from a model's signature, checked the same way on the driver and executors. */
final class ModelShapes {
  private ModelShapes() {}

  /**
   * @throws IllegalArgumentException unless the model has one input and one output, each with a batch dimension
   */
  static void checkSingleInputOutput(InferenceModel model) {
    if (model.inputs().size() != 1 || model.outputs().size() != 1) {
      throw new IllegalArgumentException("the Spark transforms run models with one input and one output; this one "
          + "has " + model.inputs().size() + " inputs and " + model.outputs().size() + " outputs");
    }
    rowElements(model.inputs().get(0));
    rowElements(model.outputs().get(0));
  }

  /** @return values per row of {@code spec} (its shape without the batch dimension) */
  static int rowElements(TensorSpec spec) {
    int[] shape = spec.shape();
    if (shape.length < 2 || spec.rowElements() <= 0) {
      throw new IllegalArgumentException("tensor '" + spec.name() + "' has shape " + Arrays.toString(shape)
          + "; the Spark transforms need a leading batch dimension and a fixed row shape");
    }
    return spec.rowElements();
  }

  /**
   * @return {height, width, channels} of an image model's input
   * @throws IllegalArgumentException if the input is not NHWC with 1 or 3 channels
   */
  static int[] imageShape(InferenceModel model) {
    TensorSpec input = model.inputs().get(0);
    int[] shape = input.shapeSignature();
    if (shape.length != 4 || shape[1] <= 0 || shape[2] <= 0 || (shape[3] != 3 && shape[3] != 1)) {
      throw new IllegalArgumentException("image input needs an NHWC input with 1 or 3 channels; '" + input.name()
          + "' has shape " + Arrays.toString(shape));
    }
    return new int[] {shape[1], shape[2], shape[3]};
  }
}
