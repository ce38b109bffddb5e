package io.litemodel.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.litemodel.image.ImageDecoder;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of {@link ImageDecoder#decode(byte[], String)}: the JPEG marker walk ({@code JpegStructure})
 * and the PNG chunk walk ({@code PngStructure}) before ImageIO decodes (the committed inputs are JPEGs and PNGs, so
 * most mutants reach both). The rule: {@link IOException} naming the image, nothing else; one decoder is reused, as
 * {@code ImagePreprocessor} reuses it.
 */
public final class ImageFuzzTest {
  private static final ImageDecoder DECODER = new ImageDecoder();

  /**
   * Replays the committed inputs ({@code ImageFuzzTestInputs/decodeImage}); fuzzes with {@code JAZZER_FUZZ=1}.
   *
   * @param data the image's bytes
   */
  @FuzzTest(maxDuration = "10m")
  void decodeImage(byte[] data) {
    fuzzerTestOneInput(data);
  }

  /**
   * The harness, also the entry point of Jazzer's standalone driver.
   *
   * @param data the image's bytes
   */
  public static void fuzzerTestOneInput(byte[] data) {
    try {
      DECODER.decode(data, "fuzz-input");
    } catch (IOException e) {
      if (!e.getMessage().startsWith("cannot decode image fuzz-input: ")) {
        throw new AssertionError("the message does not name the image: " + e.getMessage(), e);
      }
    }
  }
}
