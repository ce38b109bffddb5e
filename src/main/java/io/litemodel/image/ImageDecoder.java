package io.litemodel.image;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG and PNG files (and whatever else ImageIO reads) into a reused 8-bit BGR image, with the JDK's ImageIO.
 *
 * <p>Why ImageIO: it ships with the JDK (no dependency), and on Debian's OpenJDK it calls the system's
 * libjpeg-turbo. {@code benchmarks/throughput} measures the alternatives on the same 450x450 JPEGs; in a quick run on
 * a busy 2-core machine (one thread, bytes in memory): JDK ImageIO 1.92 ms/image, TwelveMonkeys ImageIO 3.12
 * 1.61 ms, OpenCV 4.13 {@code imdecode} through JavaCPP 1.15 ms. OpenCV is the fastest, but costs about 50 MB of
 * natives per platform (OpenCV plus OpenBLAS), so it is an optional dependency: with it on the classpath,
 * {@link ImagePreprocessor} decodes with {@link OpenCvImageDecoder} instead (see {@link DecoderKind}).
 * TwelveMonkeys is a drop-in ImageIO plugin: with its jar on the classpath, this class picks it up (it is the
 * first "jpeg" reader ImageIO returns).
 *
 * <p><b>Damaged files are errors, never a silent prediction.</b> Before decoding, a JPEG's marker structure is walked
 * to its end-of-image marker ({@link JpegStructure}) and a PNG's chunks to IEND with their CRCs ({@link PngStructure}):
 * the JDK decodes a JPEG cut to its first 5,000 bytes into a full-size image with a grey bottom, and ignores PNG CRCs.
 * A warning from the JPEG reader about the data while decoding (libjpeg's "Corrupt JPEG data: ...") is an error too.
 *
 * <p><b>Colours as in Python.</b> CMYK and YCCK JPEGs are converted exactly as PIL does ({@link CmykConverter}; the
 * JDK's own result was 35 and 42 levels off on average on the test files), 16-bit PNGs keep each sample's high byte
 * as tf.image and PIL do ({@link Sixteen}). TwelveMonkeys 3.12 was measured for this and not chosen: it is within 1
 * level of PIL on CMYK (mean 0.28) and exact on YCCK, but decodes the 5,000-byte cut with only a warning, and would
 * be six more jars; with it on the classpath, this class's results stay the same (its raw rasters are read the same
 * way).
 *
 * <p><b>A limit on the declared size.</b> ImageIO allocates the whole image from the size a header declares before
 * reading any pixel data, so a JPEG or PNG of a few kilobytes declaring 12000 x 12000 pixels would cost 432 MB. The
 * size in the header is checked first: over {@code maxPixels} ({@link #DEFAULT_MAX_PIXELS} unless given), the image
 * is refused with an {@link IOException} naming the declared size and the limit. Other formats ImageIO reads are not
 * checked.
 *
 * <p>To keep allocation down, one instance keeps its ImageIO readers, the file-byte buffer and the destination
 * image between calls (the reader decodes straight into it when the image has the previous one's size). What ImageIO
 * allocates internally per image remains; the benchmark measures it.
 *
 * <p><b>Not thread-safe:</b> use one instance per thread (as {@link ImagePreprocessor} does).
 */
public final class ImageDecoder implements BgrDecoder {
  /**
   * The default limit on the pixels a JPEG or PNG may declare: 100 million, 300 MB as 8-bit BGR. Over 60 times the
   * 12-megapixel photos of phones and above the 61 megapixels of the largest full-frame cameras, while the models this
   * library feeds take inputs of about 0.2 megapixels (450 x 450); a 102-megapixel medium-format photo or a phone's
   * 200-megapixel mode needs a higher limit.
   */
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

  private final long maxPixels;
  private byte[] bytes = new byte[1 << 16];
  private ByteBuffer view = ByteBuffer.wrap(bytes);
  private final JpegStructure jpegStructure = new JpegStructure();
  private final PngStructure pngStructure = new PngStructure();
  /** The last warning the JPEG reader gave about damaged data during the current decode: an error here. */
  private String warning;
  private ImageReader jpegReader;
  private ImageReadParam jpegParam;
  private ImageReader pngReader;
  private ImageReadParam pngParam;
  private BufferedImage destination;

  /** Creates a decoder with the default limit ({@link #DEFAULT_MAX_PIXELS}); readers are looked up on first use. */
  public ImageDecoder() {
    this(DEFAULT_MAX_PIXELS);
  }

  /**
   * Creates a decoder; readers are looked up on first use.
   *
   * @param maxPixels the most pixels (width x height) a JPEG or PNG may declare; larger ones are refused before
   *     their pixels are allocated
   * @throws IllegalArgumentException if {@code maxPixels} is not positive
   */
  public ImageDecoder(long maxPixels) {
    this.maxPixels = PixelLimit.validate(maxPixels);
  }

  /**
   * Decodes an image file.
   *
   * @param file a JPEG, PNG, or other ImageIO-readable file
   * @return a {@link BufferedImage#TYPE_3BYTE_BGR} image, <b>reused by the next call</b>
   * @throws IOException if the file cannot be read, is not a decodable image, or declares more pixels than the limit
   *     (the message names the file)
   */
  @Override
  public BufferedImage decode(Path file) throws IOException {
    int length = readAll(file);
    try {
      return decode(length);
    } catch (IOException | RuntimeException e) {
      // ImageIO reports corrupt data with IIOException or, for some PNG damage, with runtime exceptions.
      throw new IOException("cannot decode image " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes an image already in memory (a {@code binaryFile} row in Spark, say), with the same checks as a file.
   *
   * @param encoded the file's bytes (copied into this decoder's buffer; not kept)
   * @param name what error messages call the image (its path or URI)
   * @return a {@link BufferedImage#TYPE_3BYTE_BGR} image, <b>reused by the next call</b>
   * @throws IOException if the bytes are not a decodable image or declare more pixels than the limit (the message
   *     names {@code name})
   */
  public BufferedImage decode(byte[] encoded, String name) throws IOException {
    if (encoded.length > bytes.length) {
      bytes = new byte[encoded.length];
      view = ByteBuffer.wrap(bytes);
    }
    System.arraycopy(encoded, 0, bytes, 0, encoded.length);
    try {
      return decode(encoded.length);
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot decode image " + name + ": " + e.getMessage(), e);
    }
  }

  /** Nothing to release: ImageIO's readers hold only Java memory. Present so that callers can treat decoders alike. */
  @Override
  public void close() {}

  private int readAll(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      int length = 0;
      while (true) {
        if (length == bytes.length) {
          bytes = java.util.Arrays.copyOf(bytes, bytes.length * 2);
          view = ByteBuffer.wrap(bytes);
        }
        int read = in.read(bytes, length, bytes.length - length);
        if (read < 0) {
          return length;
        }
        length += read;
      }
    }
  }

  private BufferedImage decode(int length) throws IOException {
    ImageReader reader;
    ImageReadParam param;
    boolean jpeg = length >= 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8;
    if (jpeg) {
      jpegStructure.check(view, length);
      PixelLimit.check("JPEG", jpegStructure.width(), jpegStructure.height(), maxPixels);
      if (jpegReader == null) {
        jpegReader = reader("jpeg");
        jpegParam = jpegReader.getDefaultReadParam();
      }
      reader = jpegReader;
      param = jpegParam;
    } else if (length >= 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
      pngStructure.check(bytes, length);
      PixelLimit.check("PNG", pngStructure.width(), pngStructure.height(), maxPixels);
      if (pngReader == null) {
        pngReader = reader("png");
        pngParam = pngReader.getDefaultReadParam();
      }
      reader = pngReader;
      param = pngParam;
    } else {
      return decodeOther(length);
    }
    ImageInputStream input = new ByteArrayImageInput(bytes, length);
    warning = null;
    try {
      reader.setInput(input, true, true);
      BufferedImage image = read(reader, param, jpeg);
      if (warning != null) {
        // libjpeg reports a cut or damaged scan ("Premature end of JPEG file", "Corrupt JPEG data: ...") as a
        // warning and fills the rest grey: an image that was never there. The caller gets an error instead.
        throw new IOException("corrupt JPEG data: " + warning);
      }
      return image;
    } finally {
      reader.setInput(null);
      input.close();
    }
  }

  private BufferedImage read(ImageReader reader, ImageReadParam param, boolean jpeg) throws IOException {
    if (jpeg && jpegStructure.components() == 4) {
      // CMYK or YCCK: the JDK's own conversion is far from PIL's (mean 35 levels off on Go's video-001.cmyk.jpeg),
      // so take the raw channels and convert them as PIL does.
      param.setDestination(null);
      Raster raw = reader.readRaster(0, param);
      return CmykConverter.toBgr(raw, jpegStructure.adobeTransform(), destination(raw.getWidth(), raw.getHeight()));
    }
    int width = reader.getWidth(0);
    int height = reader.getHeight(0);
    ImageTypeSpecifier raw = reader.getRawImageType(0);
    if (raw != null && raw.getBufferedImageType() == BufferedImage.TYPE_3BYTE_BGR) {
      param.setDestination(destination(width, height));
      return reader.read(0, param);
    }
    param.setDestination(null);
    BufferedImage image = reader.read(0, param);
    if (image.getRaster().getTransferType() == DataBuffer.TYPE_USHORT) {
      // 16-bit PNG: keep the high byte of each sample, as tf.image.decode_png and PIL do (Java2D's drawImage
      // rounds instead, one level off on a quarter of the samples of PngSuite's basn2c16.png).
      return Sixteen.toBgr(image.getRaster(), destination(width, height));
    }
    return toBgr(image);
  }

  private BufferedImage decodeOther(int length) throws IOException {
    ImageInputStream input = new ByteArrayImageInput(bytes, length);
    // Not try-with-resources: ImageIO.read closes the stream itself once a reader took it, and closing it a second
    // time throws "closed" (which made every format other than JPEG and PNG fail).
    BufferedImage image = ImageIO.read(input);
    if (image == null) {
      input.close(); // no reader took it, so ImageIO left it open
      throw new IOException("not a JPEG, PNG or other format ImageIO knows");
    }
    return toBgr(image);
  }

  private ImageReader reader(String format) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    if (!readers.hasNext()) {
      throw new IllegalStateException("no ImageIO reader for " + format);
    }
    ImageReader reader = readers.next();
    if (format.equals("jpeg")) {
      // libjpeg's data warnings mean damaged pixels. The JDK's own two JPEG warnings end in "; ignored" (a JFIF
      // marker in a thumbnail, an invalid colour profile) and leave the pixels intact; so do all of its PNG warnings
      // (palette and transparency chunk oddities), and PNG damage is caught by PngStructure and zlib instead.
      reader.addIIOReadWarningListener((source, message) -> {
        if (!message.endsWith("; ignored")) {
          warning = message;
        }
      });
    }
    return reader;
  }

  private BufferedImage destination(int width, int height) {
    if (destination == null || destination.getWidth() != width || destination.getHeight() != height) {
      destination = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    }
    return destination;
  }

  /** Cold path for grey, paletted and alpha images: draws them onto the BGR destination (alpha over black). */
  private BufferedImage toBgr(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && image.getRaster().getDataBuffer() instanceof DataBufferByte
        && image.getRaster().getParent() == null) {
      return image;
    }
    BufferedImage target = destination(image.getWidth(), image.getHeight());
    Graphics2D graphics = target.createGraphics();
    try {
      graphics.setColor(java.awt.Color.BLACK);
      graphics.fillRect(0, 0, image.getWidth(), image.getHeight());
      graphics.drawImage(image, 0, 0, null);
    } finally {
      graphics.dispose();
    }
    return target;
  }
}
