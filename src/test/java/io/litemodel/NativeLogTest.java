package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TensorFlow Lite's own stderr lines are silent unless asked for. Each case runs in a fresh JVM, because the level is
 * process-wide and the XNNPACK line is printed once per process.
 */
class NativeLogTest {
  private static final String XNNPACK_LINE = "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.";
  private static final String MODEL = ReferenceModels.model("seed_mlp").toString();

  @Test
  void silentByDefault() {
    ChildJvm.Result result = ChildJvm.run(List.of(), NativeLogProbe.class, MODEL);
    assertEquals("1", result.value("loaded"), result.output());
    assertEquals(String.valueOf(NativeLog.SILENT.severity()), result.value("severity"), result.output());
    assertFalse(result.output().contains("INFO:"), result.output());
  }

  @Test
  void thePropertyShowsTheNativeLines() {
    ChildJvm.Result result = ChildJvm.run(List.of("-D" + NativeLog.PROPERTY + "=info"), NativeLogProbe.class, MODEL);
    assertEquals(String.valueOf(NativeLog.INFO.severity()), result.value("severity"), result.output());
    assertTrue(result.output().contains(XNNPACK_LINE), result.output());
  }

  @Test
  void applyChangesTheLevelOfLoadedNatives() {
    ChildJvm.Result result = ChildJvm.run(List.of(), NativeLogProbe.class, MODEL, "WARNING");
    assertEquals(String.valueOf(NativeLog.WARNING.severity()), result.value("severity_after"), result.output());
    assertEquals("warning", result.value("current"), result.output());
  }

  @Test
  void aBadPropertyValueNamesTheAcceptedOnes() {
    ChildJvm.Result result = ChildJvm.run(List.of("-D" + NativeLog.PROPERTY + "=loud"), NativeLogProbe.class, MODEL);
    assertEquals("litemodel.native.log must be one of verbose, info, warning, error, silent; got 'loud'",
        result.value("rejected"), result.output());
  }

  @Test
  void parsesEveryLevelInAnyCase() {
    for (NativeLog level : NativeLog.values()) {
      assertEquals(level, NativeLog.parse(level.toString().toUpperCase(java.util.Locale.ROOT)));
    }
    assertEquals(NativeLog.ERROR, NativeLog.parse(" error "));
    assertThrows(IllegalArgumentException.class, () -> NativeLog.parse("debug"));
  }
}
