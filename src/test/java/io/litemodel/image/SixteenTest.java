package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 16-bit PNGs from PngSuite decode to the high byte of each sample, as tf.image.decode_png (and PIL for RGB) do,
 * with both decoders. Before, Java2D's conversion put a quarter of basn2c16.png's samples one level off.
 */
class SixteenTest {
  private final ImageDecoder imageIo = new ImageDecoder();
  private final OpenCvImageDecoder openCv = new OpenCvImageDecoder();

  @AfterEach
  void close() {
    openCv.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"basn2c16.png.pil.png", "basn0g16.png.tf.png"})
  void decodesLikeTfImageAndPil(String reference) throws Exception {
    String name = reference.substring(0, reference.indexOf(".png") + 4);
    var expected = TestImages.expected(reference);
    assertEquals(0, TestImages.maxDifference(expected, imageIo.decode(TestImages.fixture(name))), "ImageIO " + name);
    assertEquals(0, TestImages.maxDifference(expected, openCv.decode(TestImages.fixture(name))), "OpenCV " + name);
  }
}
