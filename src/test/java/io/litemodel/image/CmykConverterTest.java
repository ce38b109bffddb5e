package io.litemodel.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CMYK and YCCK JPEGs decode to exactly PIL's {@code convert("RGB")} pixels with both decoders (the OpenCV decoder
 * hands them to ImageIO). Before this converter, ImageIO was 35 (CMYK) and 42 (YCCK) levels off on average, OpenCV
 * up to 2.
 */
class CmykConverterTest {
  private final ImageDecoder imageIo = new ImageDecoder();
  private final OpenCvImageDecoder openCv = new OpenCvImageDecoder();

  @AfterEach
  void close() {
    openCv.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"video-001.cmyk.jpeg", "ycck.jpeg"})
  void decodesLikePil(String name) throws Exception {
    var expected = TestImages.expected(name + ".pil.png");
    assertEquals(0, TestImages.maxDifference(expected, imageIo.decode(TestImages.fixture(name))), "ImageIO " + name);
    assertEquals(0, TestImages.maxDifference(expected, openCv.decode(TestImages.fixture(name))), "OpenCV " + name);
  }
}
