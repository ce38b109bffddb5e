package io.litemodel.image;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Resizes an 8-bit BGR {@code Mat} to H x W and writes normalized floats, in RGB (or grey) order, straight into a
 * batch slot's memory, with OpenCV's vectorized kernels: the OpenCV counterpart of {@link BilinearResizer}.
 *
 * <p>Three passes, only the first over the full-size image: {@code resize} (bilinear, half-pixel centres, no
 * antialiasing: the sampling of {@code tf.image.resize(..., "bilinear")}) in 8 bits, then, into a {@code Mat}
 * header laid over the slot, either {@code cvtColor} (BGR to RGB, in 8 bits) and {@code convertTo} with one scale
 * and offset, when the normalization is the same for every channel (unit, symmetric, raw), or else {@code convertTo}
 * to floats and {@code transform} with a channels x 4 matrix that swaps BGR to RGB (or weighs the ITU-R BT.601
 * luma), scales and offsets per channel in one go (about twice the cost of the first). The 8-bit
 * resize rounds each value to a whole level, so the model's inputs differ from the float resize of
 * {@link BilinearResizer} by at most {@link #TOLERANCE_LEVELS} levels (0..255 scale) per value.
 *
 * <p>Every {@code Mat} is made once and reused; the slot header is moved to each slot's address
 * ({@link SlotPointer}), so nothing is allocated per image. A slot that is not a direct, native-order buffer is
 * written through a scratch buffer and one bulk copy.
 *
 * <p><b>Not thread-safe:</b> one instance per thread. Close it to free its native memory at once.
 */
final class OpenCvResizer implements AutoCloseable {
  /**
   * The most a value may differ, in levels of the 0..255 scale before normalization, from the float bilinear resize
   * of the same decoded pixels: half a level from rounding the 8-bit resize, plus OpenCV's 11-bit fixed-point
   * weights.
   */
  static final float TOLERANCE_LEVELS = 1f;

  private final int height;
  private final int width;
  private final int channels;
  private final Size size;
  private final Mat resized = new Mat();
  private final Mat floats = new Mat();
  private final Mat rgb = new Mat();
  /** Whether the cvtColor + convertTo pair serves: 3 channels, one scale and offset for all. */
  private final boolean uniform;
  private final double alpha;
  private final double beta;
  private final FloatPointer matrixValues;
  private final Mat matrix;
  /** Where a non-direct slot is rendered before the copy; also the slot header's first address. */
  private final FloatPointer scratch;
  private final FloatBuffer scratchView;
  private final SlotPointer target = new SlotPointer();
  private final Mat slot;
  private boolean closed;

  /**
   * @param height output height
   * @param width output width
   * @param channels 3 for RGB output, 1 for grey (luma, normalized with the red channel's settings)
   * @param normalization how channel values become floats
   */
  OpenCvResizer(int height, int width, int channels, Normalization normalization) {
    BilinearResizer.checkTarget(height, width, channels);
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.size = new Size(width, height);
    this.uniform = channels == 3 && normalization.uniform();
    this.alpha = normalization.scale(0);
    this.beta = normalization.offset(0);
    this.matrixValues = new FloatPointer(matrix(channels, normalization));
    this.matrix = new Mat(channels, 4, opencv_core.CV_32F, matrixValues);
    this.scratch = new FloatPointer(elements());
    this.scratchView = scratch.asBuffer();
    this.slot = new Mat(height, width, opencv_core.CV_32FC(channels), target.moveTo(scratchView, bytes()));
  }

  /**
   * The rows of {@code transform}'s matrix over B, G, R inputs: each output is {@code sum(m[j] * in[j]) + m[3]}.
   */
  private static float[] matrix(int channels, Normalization normalization) {
    if (channels == 1) {
      float scale = normalization.scale(0);
      return new float[] {0.114f * scale, 0.587f * scale, 0.299f * scale, normalization.offset(0)};
    }
    return new float[] {
      0, 0, normalization.scale(0), normalization.offset(0), // R from BGR's third
      0, normalization.scale(1), 0, normalization.offset(1),
      normalization.scale(2), 0, 0, normalization.offset(2)};
  }

  /** @return the values one image needs: height * width * channels */
  int elements() {
    return height * width * channels;
  }

  private long bytes() {
    return (long) elements() * Float.BYTES;
  }

  /**
   * Resizes {@code bgr} into {@code slot} (from index 0; the slot's position is not used or moved).
   *
   * @param bgr an 8-bit, 3-channel BGR image
   * @param slot at least {@link #elements()} values
   * @throws IllegalArgumentException if the image is not 8-bit BGR or the slot is too small
   * @throws IllegalStateException if this resizer is closed
   */
  void resize(Mat bgr, FloatBuffer slot) {
    if (closed) {
      throw new IllegalStateException("resizer is closed");
    }
    if (bgr.type() != opencv_core.CV_8UC3) {
      throw new IllegalArgumentException("expected an 8-bit BGR Mat (type " + opencv_core.CV_8UC3 + "), got type "
          + bgr.type());
    }
    if (slot.limit() < elements()) {
      throw new IllegalArgumentException("slot holds " + slot.limit() + " values, the image needs " + elements());
    }
    Mat source = bgr;
    if (bgr.rows() != height || bgr.cols() != width) {
      opencv_imgproc.resize(bgr, resized, size, 0, 0, opencv_imgproc.INTER_LINEAR);
      source = resized;
    }
    boolean direct = slot.isDirect() && slot.order() == ByteOrder.nativeOrder();
    pointSlotAt(direct ? slot : scratchView);
    if (uniform) {
      opencv_imgproc.cvtColor(source, rgb, opencv_imgproc.COLOR_BGR2RGB);
      rgb.convertTo(this.slot, opencv_core.CV_32F, alpha, beta);
    } else {
      source.convertTo(floats, opencv_core.CV_32F);
      opencv_core.transform(floats, this.slot, matrix);
    }
    if (!direct) {
      slot.put(0, scratchView, 0, elements());
    }
  }

  /** Moves the slot header's data pointers (start, end and limit: the header stays a consistent Mat) to a buffer. */
  private void pointSlotAt(FloatBuffer buffer) {
    target.moveTo(buffer, bytes());
    slot.data(target).datastart(target);
    target.position(bytes());
    slot.dataend(target).datalimit(target);
    target.position(0);
  }

  /** Frees the native memory; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    slot.close();
    scratch.close();
    matrix.close();
    matrixValues.close();
    floats.close();
    rgb.close();
    resized.close();
    size.close();
  }
}
