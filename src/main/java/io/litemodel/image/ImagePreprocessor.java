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
 * <p>Two paths, chosen by {@link DecoderKind}; {@link DecoderKind#AUTO} (the default) takes the first when
 * {@link OpenCvImageDecoder#DEPENDENCY} is on the classpath, else the second:
 * <ul>
 *   <li><b>OpenCV</b>: {@code imdecode} (libjpeg-turbo) into a reused {@code Mat}, then OpenCV's vectorized resize,
 *       conversion and normalization written straight into the slot's memory, allocating nothing per image. JPEGs
 *       can also be decoded at a reduced size in the DCT domain ({@link DecodeScale#AUTO}).
 *   <li><b>ImageIO</b>: the JDK's decoder and a scalar Java resize ({@link BilinearResizer}).
 * </ul>
 * Both sample as {@code tf.image.resize(..., "bilinear")} without antialiasing does. With {@link DecodeScale#EXACT}
 * the two give the same model inputs up to the OpenCV path's 8-bit resize (at most one level in 255 per value) and
 * the JPEG decoders' rounding (a few levels on some pixels, well under one level on average).
 *
 * <p>Each decoder refuses a JPEG or PNG whose header declares more than {@code maxPixels} pixels (width x height,
 * {@link ImageDecoder#DEFAULT_MAX_PIXELS} unless given) with an {@link IOException}, before allocating its pixels.
 *
 * <p><b>Not thread-safe:</b> each instance keeps a decoder, reused images and resize tables; {@link #factory} gives
 * the pipeline one per thread. Closing an instance frees the OpenCV path's native memory at once (without it,
 * JavaCPP frees it after garbage collection).
 */
public final class ImagePreprocessor implements Preprocessor<Path>, AutoCloseable {
  private final SlotWriter writer;
  private final DecoderKind decoderKind;
  private final DecodeScale decodeScale;
  private final int elements;

  /**
   * Creates a preprocessor with the {@link DecoderKind#AUTO} decoder, decoding at full size.
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
   * Creates a preprocessor decoding at full size ({@link DecodeScale#EXACT}).
   *
   * @param height the model's input height
   * @param width the model's input width
   * @param channels 3 (RGB) or 1 (grey)
   * @param normalization how 0..255 values become model inputs
   * @param decoder which library decodes the files
   * @throws IllegalStateException if {@code decoder} is {@link DecoderKind#OPENCV} and OpenCV does not load (the
   *     message names the dependency to add)
   */
  public ImagePreprocessor(int height, int width, int channels, Normalization normalization, DecoderKind decoder) {
    this(height, width, channels, normalization, decoder, DecodeScale.EXACT);
  }

  /**
   * @param height the model's input height
   * @param width the model's input width
   * @param channels 3 (RGB) or 1 (grey)
   * @param normalization how 0..255 values become model inputs
   * @param decoder which library decodes the files
   * @param scale at what size JPEGs are decoded (OpenCV only; ImageIO always decodes at full size)
   * @throws IllegalStateException if {@code decoder} is {@link DecoderKind#OPENCV} and OpenCV does not load (the
   *     message names the dependency to add)
   */
  public ImagePreprocessor(int height, int width, int channels, Normalization normalization, DecoderKind decoder,
      DecodeScale scale) {
    this(height, width, channels, normalization, decoder, scale, ImageDecoder.DEFAULT_MAX_PIXELS);
  }

  /**
   * @param height the model's input height
   * @param width the model's input width
   * @param channels 3 (RGB) or 1 (grey)
   * @param normalization how 0..255 values become model inputs
   * @param decoder which library decodes the files
   * @param scale at what size JPEGs are decoded (OpenCV only; ImageIO always decodes at full size)
   * @param maxPixels the most pixels (width x height) a JPEG or PNG header may declare; larger images are refused
   *     with an {@link IOException} before their pixels are allocated
   * @throws IllegalArgumentException if {@code maxPixels} is not positive
   * @throws IllegalStateException if {@code decoder} is {@link DecoderKind#OPENCV} and OpenCV does not load (the
   *     message names the dependency to add)
   */
  public ImagePreprocessor(int height, int width, int channels, Normalization normalization, DecoderKind decoder,
      DecodeScale scale, long maxPixels) {
    this(DecoderResolver.DEFAULT.resolve(decoder), scale, height, width, channels, normalization, maxPixels);
  }

  /** {@code kind} is already resolved: IMAGEIO or OPENCV. */
  private ImagePreprocessor(DecoderKind kind, DecodeScale scale, int height, int width, int channels,
      Normalization normalization, long maxPixels) {
    java.util.Objects.requireNonNull(normalization, "normalization");
    PixelLimit.validate(maxPixels);
    this.decodeScale = java.util.Objects.requireNonNull(scale, "decode scale");
    this.decoderKind = kind;
    // OpenCvSlotWriter is named only here, so OpenCV's classes link only when it is chosen.
    this.writer = kind == DecoderKind.OPENCV
        ? new OpenCvSlotWriter(height, width, channels, normalization, scale, maxPixels)
        : new ImageIoSlotWriter(height, width, channels, normalization, maxPixels);
    this.elements = height * width * channels;
  }

  /**
   * @return a supplier of preprocessors sized for {@code model}'s single NHWC input, decoding with
   *     {@link DecoderKind#AUTO} at full size
   * @throws IllegalArgumentException if the model's input is not [batch, H, W, 1 or 3]
   */
  public static Supplier<ImagePreprocessor> factory(InferenceModel model, Normalization normalization) {
    return factory(model, normalization, DecoderKind.AUTO);
  }

  /**
   * @param decoder which library decodes the files; resolved once, here, so that every preprocessor the supplier
   *     gives uses the same one
   * @return a supplier of preprocessors sized for {@code model}'s single NHWC input, decoding at full size
   * @throws IllegalArgumentException if the model's input is not [batch, H, W, 1 or 3]
   * @throws IllegalStateException if {@code decoder} is {@link DecoderKind#OPENCV} and OpenCV does not load (the
   *     message names the dependency to add)
   */
  public static Supplier<ImagePreprocessor> factory(InferenceModel model, Normalization normalization,
      DecoderKind decoder) {
    return factory(model, normalization, decoder, DecodeScale.EXACT);
  }

  /**
   * @param decoder which library decodes the files; resolved once, here, so that every preprocessor the supplier
   *     gives uses the same one
   * @param scale at what size JPEGs are decoded (OpenCV only; ImageIO always decodes at full size)
   * @return a supplier of preprocessors sized for {@code model}'s single NHWC input
   * @throws IllegalArgumentException if the model's input is not [batch, H, W, 1 or 3]
   * @throws IllegalStateException if {@code decoder} is {@link DecoderKind#OPENCV} and OpenCV does not load (the
   *     message names the dependency to add)
   */
  public static Supplier<ImagePreprocessor> factory(InferenceModel model, Normalization normalization,
      DecoderKind decoder, DecodeScale scale) {
    return factory(model, normalization, decoder, scale, ImageDecoder.DEFAULT_MAX_PIXELS);
  }

  /**
   * @param decoder which library decodes the files; resolved once, here, so that every preprocessor the supplier
   *     gives uses the same one
   * @param scale at what size JPEGs are decoded (OpenCV only; ImageIO always decodes at full size)
   * @param maxPixels the most pixels (width x height) a JPEG or PNG header may declare; larger images are refused
   *     with an {@link IOException} before their pixels are allocated
   * @return a supplier of preprocessors sized for {@code model}'s single NHWC input
   * @throws IllegalArgumentException if the model's input is not [batch, H, W, 1 or 3], or {@code maxPixels} is not
   *     positive
   * @throws IllegalStateException if {@code decoder} is {@link DecoderKind#OPENCV} and OpenCV does not load (the
   *     message names the dependency to add)
   */
  public static Supplier<ImagePreprocessor> factory(InferenceModel model, Normalization normalization,
      DecoderKind decoder, DecodeScale scale, long maxPixels) {
    int[] hwc = imageShape(model);
    java.util.Objects.requireNonNull(normalization, "normalization");
    java.util.Objects.requireNonNull(scale, "decode scale");
    PixelLimit.validate(maxPixels);
    DecoderKind kind = DecoderResolver.DEFAULT.resolve(decoder);
    return () -> new ImagePreprocessor(kind, scale, hwc[0], hwc[1], hwc[2], normalization, maxPixels);
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
    return elements;
  }

  /**
   * Decodes, resizes and normalizes one image into {@code slot}, from index 0 (absolute puts).
   *
   * @throws IOException if the file cannot be read or decoded (the message names the file)
   * @throws IllegalArgumentException if the slot holds fewer than {@link #elements()} values
   */
  @Override
  public void write(Path file, FloatBuffer slot) throws IOException {
    writer.write(file, slot);
  }

  /**
   * Decodes an image already in memory (a Spark {@code binaryFile} row, say), resizes and normalizes it into
   * {@code slot}, as {@link #write(Path, FloatBuffer)} does for a file, with the same checks.
   *
   * @param encoded the image file's bytes (copied; not kept)
   * @param name what error messages call the image (its path or URI)
   * @param slot at least {@link #elements()} values, written from index 0 (absolute puts)
   * @throws IOException if the bytes are not a decodable image (the message names {@code name})
   * @throws IllegalArgumentException if the slot holds fewer than {@link #elements()} values
   */
  public void write(byte[] encoded, String name, FloatBuffer slot) throws IOException {
    writer.write(encoded, name, slot);
  }

  /** @return the decoder in use: {@link DecoderKind#IMAGEIO} or {@link DecoderKind#OPENCV}, never AUTO */
  public DecoderKind decoder() {
    return decoderKind;
  }

  /** @return the decode scale asked for (which ImageIO ignores: it always decodes at full size) */
  public DecodeScale decodeScale() {
    return decodeScale;
  }

  /** Frees the OpenCV path's native memory (after which {@link #write} fails); idempotent. */
  @Override
  public void close() {
    writer.close();
  }
}
