package io.litemodel.image;

import io.litemodel.LiteModel;
import io.litemodel.TensorSpec;
import io.litemodel.batch.Preprocessor;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Reads an image file, resizes it bilinearly to the model's H x W, normalizes it and writes it into a batch slot:
 * the {@link Preprocessor} for image models in the batch pipeline.
 *
 * <pre>{@code
 * BatchPredictor<Path> predictor = BatchPredictor.builder(model,
 *     ImagePreprocessor.factory(model, Normalization.symmetric())).build();
 * }</pre>
 *
 * <p><b>Not thread-safe:</b> each instance keeps a decoder and resize tables; {@link #factory} gives the pipeline
 * one per thread.
 */
public final class ImagePreprocessor implements Preprocessor<Path> {
  private final ImageDecoder decoder = new ImageDecoder();
  private final BilinearResizer resizer;

  /**
   * @param height the model's input height
   * @param width the model's input width
   * @param channels 3 (RGB) or 1 (grey)
   * @param normalization how 0..255 values become model inputs
   */
  public ImagePreprocessor(int height, int width, int channels, Normalization normalization) {
    this.resizer = new BilinearResizer(height, width, channels, normalization);
  }

  /**
   * @return a supplier of preprocessors sized for {@code model}'s single NHWC input
   * @throws IllegalArgumentException if the model's input is not [batch, H, W, 1 or 3]
   */
  public static Supplier<ImagePreprocessor> factory(LiteModel model, Normalization normalization) {
    int[] hwc = imageShape(model);
    return () -> new ImagePreprocessor(hwc[0], hwc[1], hwc[2], normalization);
  }

  /**
   * @return {height, width, channels} of the model's image input
   * @throws IllegalArgumentException if the model's input is not [batch, H, W, 1 or 3]
   */
  public static int[] imageShape(LiteModel model) {
    if (model.inputs().size() != 1) {
      throw new IllegalArgumentException("image input needs a model with one input; this one has "
          + model.inputs().size());
    }
    TensorSpec input = model.inputs().get(0);
    int[] shape = input.shapeSignature();
    if (shape.length != 4 || shape[1] <= 0 || shape[2] <= 0 || (shape[3] != 3 && shape[3] != 1)) {
      throw new IllegalArgumentException("image input needs an NHWC input with 1 or 3 channels; '" + input.name()
          + "' has shape " + Arrays.toString(shape));
    }
    return new int[] {shape[1], shape[2], shape[3]};
  }

  /** @return values per image: H * W * C */
  public int elements() {
    return resizer.elements();
  }

  /**
   * Decodes, resizes and normalizes one image into {@code slot}.
   *
   * @throws IOException if the file cannot be read or decoded (the message names the file)
   */
  @Override
  public void write(Path file, FloatBuffer slot) throws IOException {
    resizer.resize(decoder.decode(file), slot);
  }
}
