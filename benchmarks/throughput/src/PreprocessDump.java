import io.litemodel.image.DecodeScale;
import io.litemodel.image.DecoderKind;
import io.litemodel.image.ImagePreprocessor;
import io.litemodel.image.Normalization;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes what the model would see, in levels (Normalization.raw(), 0..255), for every .jpg of a folder (sorted by
 * name), through each Java path: one float32 .npy of shape [N, H, W, 3] per path, for preprocess_accuracy.py to
 * compare with tf.image.resize.
 *
 * <pre>
 *   java PreprocessDump DIR HEIGHT WIDTH OUT_PREFIX   writes OUT_PREFIX-{imageio,opencv-exact,opencv-auto}.npy
 * </pre>
 */
public final class PreprocessDump {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int height = Integer.parseInt(args[1]);
    int width = Integer.parseInt(args[2]);
    String prefix = args[3];
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.filter(f -> f.toString().endsWith(".jpg")).sorted().collect(Collectors.toList());
    }
    dump(files, new ImagePreprocessor(height, width, 3, Normalization.raw(), DecoderKind.IMAGEIO),
        Path.of(prefix + "-imageio.npy"), height, width);
    dump(files, new ImagePreprocessor(height, width, 3, Normalization.raw(), DecoderKind.OPENCV, DecodeScale.EXACT),
        Path.of(prefix + "-opencv-exact.npy"), height, width);
    dump(files, new ImagePreprocessor(height, width, 3, Normalization.raw(), DecoderKind.OPENCV, DecodeScale.AUTO),
        Path.of(prefix + "-opencv-auto.npy"), height, width);
  }

  /** One .npy (format 1.0, little-endian float32, C order) holding every image's row. */
  private static void dump(List<Path> files, ImagePreprocessor preprocessor, Path out, int height, int width)
      throws IOException {
    try (preprocessor; OutputStream stream = Files.newOutputStream(out)) {
      String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + files.size() + ", " + height + ", "
          + width + ", 3), }";
      int total = 10 + dict.length() + 1;
      String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
      stream.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
      stream.write(new byte[] {(byte) (header.length() & 0xff), (byte) (header.length() >> 8)});
      stream.write(header.getBytes(StandardCharsets.US_ASCII));
      ByteBuffer bytes = ByteBuffer.allocateDirect(preprocessor.elements() * 4).order(ByteOrder.LITTLE_ENDIAN);
      FloatBuffer slot = bytes.asFloatBuffer();
      byte[] row = new byte[bytes.capacity()];
      for (Path file : files) {
        preprocessor.write(file, slot);
        bytes.get(0, row);
        stream.write(row);
      }
    }
  }
}
