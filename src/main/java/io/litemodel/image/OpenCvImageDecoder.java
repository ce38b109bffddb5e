package io.litemodel.image;

import io.litemodel.BuildVersions;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes JPEG files with OpenCV's {@code imdecode} (libjpeg-turbo) through JavaCPP, into a reused 8-bit BGR image:
 * about twice as fast as {@link ImageDecoder}, with almost no Java heap allocation. Every other format (PNG, GIF,
 * BMP, ...) goes to an {@link ImageDecoder}, so transparency is drawn over black exactly as on the ImageIO path
 * (OpenCV would drop the alpha channel and keep the hidden colour, changing the model's inputs); so do CMYK and YCCK
 * JPEGs, which {@link ImageDecoder} converts exactly as PIL does (OpenCV's own conversion is up to 2 levels off).
 * Errors from those files say that ImageIO decoded them. Every JPEG's marker structure is checked first
 * ({@link JpegStructure}): a truncated file is an error, where {@code imdecode} alone would fill the missing part
 * grey. Damage inside the compressed data that keeps the structure intact is not detected on this path (OpenCV
 * reports libjpeg's warnings only on stderr); {@link ImageDecoder} turns those warnings into errors.
 * Needs {@link #DEPENDENCY} on the classpath ({@link ImagePreprocessor} picks it
 * automatically when it is there).
 *
 * <p>Per file: the bytes are read straight into a reused native buffer and decoded into a reused {@code Mat} (OpenCV
 * reuses its pixels when the size does not change). {@link #decode} then copies it once into a reused Java
 * {@link BufferedImage}; {@link ImagePreprocessor} instead hands the {@code Mat} itself to {@link OpenCvResizer}, and
 * may have JPEGs decoded at a reduced size in the DCT domain ({@link DecodeScale#AUTO}). What still allocates per
 * file: the {@link FileChannel}, and the {@code Mat} header JavaCPP returns from {@code imdecode} (a small Java
 * object, closed at once).
 *
 * <p>Differences from ImageIO on JPEGs: none intended. EXIF orientation is ignored, as ImageIO does; grey images become
 * three equal channels (as with ImageIO); pixels may differ by a few levels where the two decoders' IDCT and chroma
 * upsampling differ (on this project's test images they were identical).
 *
 * <p><b>Not thread-safe:</b> one instance per thread. Close it to free its native memory at once; otherwise
 * JavaCPP frees it after garbage collection.
 */
public final class OpenCvImageDecoder implements BgrDecoder {
  /** The Maven dependency that brings OpenCV's classes and natives, at pom.xml's opencv.version. */
  public static final String DEPENDENCY = "org.bytedeco:opencv-platform:" + BuildVersions.openCvArtifact();

  // IMREAD_COLOR gives 8-bit BGR for grey, colour, 16-bit and alpha inputs alike; ImageIO ignores EXIF orientation,
  // so OpenCV must too for the two decoders to agree.
  // Indexed by log2 of the DCT-domain reduction DecodeScale chooses: full size, 1/2, 1/4, 1/8.
  private static final int[] FLAGS = {
    opencv_imgcodecs.IMREAD_COLOR | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION,
    opencv_imgcodecs.IMREAD_REDUCED_COLOR_2 | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION,
    opencv_imgcodecs.IMREAD_REDUCED_COLOR_4 | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION,
    opencv_imgcodecs.IMREAD_REDUCED_COLOR_8 | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION};

  private BytePointer encodedBytes;
  private ByteBuffer encodedView;
  private Mat encodedAll;
  private Mat encoded;
  private int encodedLength;
  private final Mat decoded = new Mat();
  private BytePointer decodedData;
  private BufferedImage destination;
  /** Images ImageIO decoded, copied for {@link #decodeMat}. */
  private final Mat delegated = new Mat();
  private BytePointer delegatedData;
  /** For everything that is not a JPEG; see the class notes. */
  private final ImageDecoder others;
  private final long maxPixels;
  private final JpegStructure structure = new JpegStructure();
  private boolean closed;

  /**
   * Creates a decoder with the default limit ({@link ImageDecoder#DEFAULT_MAX_PIXELS}); native buffers grow on first
   * use.
   */
  public OpenCvImageDecoder() {
    this(ImageDecoder.DEFAULT_MAX_PIXELS);
  }

  /**
   * Creates a decoder; native buffers grow on first use.
   *
   * @param maxPixels the most pixels (width x height) a JPEG or PNG may declare; larger ones are refused before
   *     their pixels are allocated (as {@link ImageDecoder#ImageDecoder(long)})
   * @throws IllegalArgumentException if {@code maxPixels} is not positive
   */
  public OpenCvImageDecoder(long maxPixels) {
    this.maxPixels = PixelLimit.validate(maxPixels);
    this.others = new ImageDecoder(maxPixels);
    capacity(1 << 16);
  }

  /**
   * Decodes an image file.
   *
   * @param file a JPEG, PNG, or other file OpenCV's imgcodecs reads
   * @return a {@link BufferedImage#TYPE_3BYTE_BGR} image, <b>reused by the next call</b>
   * @throws IOException if the file cannot be read, is not a decodable image, or declares more pixels than the limit
   *     (the message names the file)
   * @throws IllegalStateException if the decoder is closed
   */
  @Override
  public BufferedImage decode(Path file) throws IOException {
    BufferedImage other = decodeInto(file, null, null, DecodeScale.EXACT, 0, 0);
    return other != null ? other : copyOut(decoded.cols(), decoded.rows());
  }

  /**
   * Decodes an image file into a reused BGR {@code Mat}, for {@link OpenCvResizer}: no copy into a Java image.
   *
   * @param scale at what size to decode a JPEG, given the size it will be resized to
   * @param height the height the image will be resized to
   * @param width the width the image will be resized to
   * @return an 8-bit, 3-channel, continuous BGR {@code Mat}, <b>reused by the next call</b>: the decoded JPEG, or
   *     the pixels of the image ImageIO decoded (other formats, CMYK), copied into a reused {@code Mat}
   * @throws IOException if the file cannot be read or is not a decodable image (the message names the file)
   * @throws IllegalStateException if the decoder is closed
   */
  Mat decodeMat(Path file, DecodeScale scale, int height, int width) throws IOException {
    BufferedImage other = decodeInto(file, null, null, scale, height, width);
    return other != null ? wrap(other) : decoded;
  }

  /**
   * Decodes an image already in memory (a Spark {@code binaryFile} row, say) as {@link #decodeMat(Path, DecodeScale,
   * int, int)} decodes a file.
   *
   * @param encoded the file's bytes (copied into this decoder's native buffer; not kept)
   * @param name what error messages call the image (its path or URI)
   * @throws IOException if the bytes are not a decodable image (the message names {@code name})
   */
  Mat decodeMat(byte[] encoded, String name, DecodeScale scale, int height, int width) throws IOException {
    BufferedImage other = decodeInto(null, encoded, name, scale, height, width);
    return other != null ? wrap(other) : decoded;
  }

  /**
   * Decodes a JPEG into {@link #decoded}, reduced in the DCT domain as {@code scale} says; hands every other file to
   * ImageIO.
   *
   * @return null when the image is in {@link #decoded}, else the image ImageIO decoded
   */
  private BufferedImage decodeInto(Path file, byte[] encodedBytes, String name, DecodeScale scale, int height,
      int width) throws IOException {
    if (closed) {
      throw new IllegalStateException("decoder is closed");
    }
    Object what = file != null ? file : name; // what messages call the image
    int length = file != null ? readAll(file) : copyIn(encodedBytes);
    if (length == 0) {
      throw new IOException("cannot decode image " + what + ": the file is empty");
    }
    if (!isJpeg(length)) {
      return delegate(file, encodedBytes, name, "not a JPEG");
    }
    // imdecode fills a cut JPEG's missing part grey and says so only on stderr: check the structure first.
    try {
      structure.check(encodedView, length);
      PixelLimit.check("JPEG", structure.width(), structure.height(), maxPixels);
    } catch (IOException e) {
      throw new IOException("cannot decode image " + what + ": " + e.getMessage(), e);
    }
    if (structure.components() == 4) {
      return delegate(file, encodedBytes, name, "CMYK or YCCK JPEG, converted as PIL does");
    }
    int flags = FLAGS[Integer.numberOfTrailingZeros(
        scale.reduction(structure.height(), structure.width(), height, width))];
    // Move the right edge of the reused 1-row header over the encoded bytes: no new Mat per file.
    encoded.adjustROI(0, 0, 0, length - encodedLength);
    encodedLength = length;
    boolean failed;
    try (Mat header = opencv_imgcodecs.imdecode(encoded, flags, decoded)) {
      // imdecode returns a second header of `decoded` on success and an empty Mat on failure, when it leaves
      // `decoded` as it was: still holding the previous image. So success is judged by the returned header.
      failed = header.empty();
    } catch (RuntimeException e) {
      decodedData = null; // OpenCV may have released the pixels
      throw new IOException("cannot decode image " + what + ": " + e.getMessage(), e);
    }
    if (failed || decoded.empty()) {
      decodedData = null;
      throw new IOException("cannot decode image " + what + ": OpenCV does not recognise or cannot read the data");
    }
    if (decoded.type() != opencv_core.CV_8UC3 || !decoded.isContinuous()) {
      throw new IOException("cannot decode image " + what + ": OpenCV gave Mat type " + decoded.type()
          + ", expected 8-bit BGR");
    }
    return null;
  }

  /** Copies an image ImageIO decoded (3-byte BGR, rows without padding) into the reused {@link #delegated}. */
  private Mat wrap(BufferedImage image) {
    if (delegated.rows() != image.getHeight() || delegated.cols() != image.getWidth()) {
      delegated.create(image.getHeight(), image.getWidth(), opencv_core.CV_8UC3);
      if (delegatedData != null) {
        delegatedData.close();
      }
      delegatedData = delegated.data(); // stays valid until the next create() with another size
    }
    byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    delegatedData.put(pixels, 0, pixels.length);
    return delegated;
  }

  /**
   * Decodes with the ImageIO decoder, and says so in its error messages: a user who chose OpenCV would otherwise
   * see an ImageIO message ("Error reading PNG image data") without knowing why ImageIO was involved.
   */
  private BufferedImage delegate(Path file, byte[] encodedBytes, String name, String why) throws IOException {
    try {
      return file != null ? others.decode(file) : others.decode(encodedBytes, name);
    } catch (IOException e) {
      throw new IOException(e.getMessage() + " (decoded with ImageIO: " + why + ")", e);
    }
  }

  /** @return true when the buffered file starts with the JPEG signature (SOI marker followed by a marker) */
  private boolean isJpeg(int length) {
    return length >= 3 && (encodedView.get(0) & 0xff) == 0xff && (encodedView.get(1) & 0xff) == 0xd8
        && (encodedView.get(2) & 0xff) == 0xff;
  }

  /** Reads the file into the native buffer, growing it if needed; returns its length. */
  private int readAll(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new IOException("cannot decode image " + file + ": " + size + " bytes is too large");
      }
      if (size > encodedView.capacity()) {
        capacity((int) size);
      }
      encodedView.clear();
      while (encodedView.hasRemaining() && channel.read(encodedView) >= 0) {
        // keep reading: the file may be longer than size() said by the time we read it, up to capacity
      }
      return encodedView.position();
    }
  }

  /** Copies bytes already in memory into the native buffer, growing it if needed; returns their length. */
  private int copyIn(byte[] bytes) {
    if (bytes.length > encodedView.capacity()) {
      capacity(bytes.length);
    }
    encodedView.clear();
    encodedView.put(bytes);
    return bytes.length;
  }

  private void capacity(int bytes) {
    releaseEncoded();
    encodedBytes = new BytePointer(bytes);
    encodedView = encodedBytes.asBuffer();
    encodedAll = new Mat(1, bytes, opencv_core.CV_8UC1, encodedBytes);
    // A second header over the same bytes whose width follows each file's length (see decode).
    encoded = new Mat(encodedAll, new org.bytedeco.opencv.opencv_core.Rect(0, 0, bytes, 1));
    encodedLength = bytes;
  }

  private BufferedImage copyOut(int width, int height) {
    if (destination == null || destination.getWidth() != width || destination.getHeight() != height) {
      destination = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    }
    // Ask for the pixel pointer on every decode: any decode may have reallocated `decoded` (a failed one too), and a
    // cached pointer would then read freed memory. JavaCPP's data() returns a small reused-address pointer object.
    if (decodedData != null) {
      decodedData.close();
    }
    decodedData = decoded.data();
    byte[] pixels = ((DataBufferByte) destination.getRaster().getDataBuffer()).getData();
    decodedData.get(pixels, 0, pixels.length);
    return destination;
  }

  private void releaseEncoded() {
    if (encoded != null) {
      encoded.close();
      encodedAll.close();
      encodedBytes.close();
      encoded = null;
      encodedAll = null;
      encodedBytes = null;
      encodedView = null;
    }
  }

  /** Frees the native buffers; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    releaseEncoded();
    if (decodedData != null) {
      decodedData.close();
      decodedData = null;
    }
    decoded.close();
    if (delegatedData != null) {
      delegatedData.close();
      delegatedData = null;
    }
    delegated.close();
  }
}
