package io.litemodel.image;

import io.litemodel.InferenceModel;
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
 * <p>Decoding: {@link DecoderKind#AUTO} (the default) uses OpenCV's {@code imdecode} ({@link OpenCvImageDecoder},
 * about twice as fast on JPEGs) when {@link OpenCvImageDecoder#DEPENDENCY} is on the classpath, else the JDK's
 * ImageIO ({@link ImageDecoder}). The two give the same model inputs up to JPEG decoders' rounding (a few levels on
 * some pixels, well under one level on average).
 *
 * <p><b>Not thread-safe:</b> each instance keeps a decoder and resize tables; {@link #factory} gives the pipeline
 * one per thread. Closing an instance frees the OpenCV decoder's native buffers at once (without it, JavaCPP frees
 * them after garbage collection).
 */
public final class ImagePreprocessor implements Preprocessor<Path>, AutoCloseable {
  private final BgrDecoder decoder;
  private final DecoderKind decoderKind;
  private final BilinearResizer resizer;

  /**
   * Creates a preprocessor with the {@link DecoderKind#AUTO} decoder.
   *
   * @param height the model's input height
   * @param width the model's input width
   * @param channels 3 (RGB) or 1 (grey)
   * @param normalization how 0..255 values become model inputs
   */
  public ImagePreprocessor(int height, int width, int channels, Normalization normalization) {
    this(height, width, channels, normalization, DecoderKind.AUTO);
  }

  /**
   * @param height the model's input height
   * @param width the model's input width
   * @param channels 3 (RGB) or 1 (grey)
   * @param normalization how 0..255 values become model inputs
   * @param decoder which library decodes the files
   * @throws IllegalStateException if {@code decoder} is {@link DecoderKind#OPENCV} and OpenCV does not load (the
   *     message names the dependency to add)
   */
  public ImagePreprocessor(int height, int width, int channels, Normalization normalization, DecoderKind decoder) {
    this(DecoderResolver.DEFAULT.resolve(decoder), height, width, channels, normalization);
  }

  /** {@code kind} is already resolved: IMAGEIO or OPENCV. */
  private ImagePreprocessor(DecoderKind kind, int height, int width, int channels, Normalization normalization) {
    this.resizer = new BilinearResizer(height, width, channels, normalization);
    this.decoderKind = kind;
    // OpenCvImageDecoder is named only here, so its OpenCV classes link only when it is chosen.
    this.decoder = kind == DecoderKind.OPENCV ? new OpenCvImageDecoder() : new ImageDecoder();
  }

  /**
   * @return a supplier of preprocessors sized for {@code model}'s single NHWC input, decoding with
   *     {@link DecoderKind#AUTO}
   * @throws IllegalArgumentException if the model's input is not [batch, H, W, 1 or 3]
   */
  public static Supplier<ImagePreprocessor> factory(InferenceModel model, Normalization normalization) {
    return factory(model, normalization, DecoderKind.AUTO);
  }

  /**
   * @param decoder which library decodes the files; resolved once, here, so that every preprocessor the supplier
   *     gives uses the same one
   * @return a supplier of preprocessors sized for {@code model}'s single NHWC input
   * @throws IllegalArgumentException if the model's input is not [batch, H, W, 1 or 3]
   * @throws IllegalStateException if {@code decoder} is {@link DecoderKind#OPENCV} and OpenCV does not load (the
   *     message names the dependency to add)
   */
  public static Supplier<ImagePreprocessor> factory(InferenceModel model, Normalization normalization,
      DecoderKind decoder) {
    int[] hwc = imageShape(model);
    java.util.Objects.requireNonNull(normalization, "normalization");
    DecoderKind kind = DecoderResolver.DEFAULT.resolve(decoder);
    return () -> new ImagePreprocessor(kind, hwc[0], hwc[1], hwc[2], normalization);
  }

  /**
   * @return {height, width, channels} of the model's image input
   * @throws IllegalArgumentException if the model's input is not [batch, H, W, 1 or 3]
   */
  public static int[] imageShape(InferenceModel model) {
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

  /** @return the decoder in use: {@link DecoderKind#IMAGEIO} or {@link DecoderKind#OPENCV}, never AUTO */
  public DecoderKind decoder() {
    return decoderKind;
  }

  /** Frees the OpenCV decoder's native buffers (after which {@link #write} fails); idempotent. */
  @Override
  public void close() {
    decoder.close();
  }
}
