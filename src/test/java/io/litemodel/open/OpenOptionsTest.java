package io.litemodel.open;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.LiteModel;
import io.litemodel.tensorflow.TfOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Open options are immutable values: each with-method returns a copy and keeps the rest. */
class OpenOptionsTest {
  @Test
  void defaultsCarryEachRuntimesDefaultsAndNoOperationNames() {
    OpenOptions defaults = OpenOptions.defaults();
    assertEquals(LiteModel.Options.defaults().threads(), defaults.lite().threads());
    assertEquals(TfOptions.DEFAULT_SIGNATURE, defaults.tensorFlow().signature());
    assertTrue(defaults.inputOps().isEmpty() && defaults.outputOps().isEmpty());
  }

  @Test
  void withMethodsCopyAndKeepTheRest() {
    LiteModel.Options lite = LiteModel.Options.defaults().withThreads(3);
    TfOptions tf = TfOptions.defaults().withSignature("scale");
    List<String> inputs = new ArrayList<>(List.of("image"));
    OpenOptions options = OpenOptions.defaults().withLite(lite).withTensorFlow(tf)
        .withFrozenGraphOps(inputs, List.of("Identity"));
    inputs.add("later"); // the options took a copy
    assertSame(lite, options.lite());
    assertSame(tf, options.tensorFlow());
    assertEquals(List.of("image"), options.inputOps());
    assertEquals(List.of("Identity"), options.outputOps());
    assertNotSame(OpenOptions.defaults(), options);
    assertTrue(OpenOptions.defaults().inputOps().isEmpty(), "the defaults are unchanged");
    assertThrows(NullPointerException.class, () -> OpenOptions.defaults().withLite(null));
    assertThrows(UnsupportedOperationException.class, () -> options.inputOps().add("x"));
  }
}
