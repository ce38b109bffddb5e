package io.litemodel.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.LiteModelException;
import org.junit.jupiter.api.Test;

/** Which native failures become which exceptions. */
class NativeFailuresTest {

  @Test
  void javaCppsMemoryLimitBecomesALiteModelException() {
    OutOfMemoryError limit = thrownAt(new OutOfMemoryError("Physical memory usage is too high: physicalBytes (4148M)"
        + " > maxPhysicalBytes (1024M)"), "org.bytedeco.javacpp.Pointer", "deallocator");
    LiteModelException e = NativeFailures.translate(limit, "loading model m.tflite");
    assertEquals(LiteModelException.Status.ERROR, e.status());
    assertTrue(e.getMessage().startsWith("loading model m.tflite needs more native memory than JavaCPP's limits "
        + "allow"), e.getMessage());
    assertTrue(e.getMessage().endsWith("physicalBytes (4148M) > maxPhysicalBytes (1024M)"), e.getMessage());
    assertSame(limit, e.getCause());
  }

  @Test
  void aCppExceptionBecomesALiteModelException() {
    RuntimeException cpp = thrownAt(new RuntimeException("_Map_base::at"),
        "org.bytedeco.tensorflowlite.global.tensorflowlite", "TfLiteInterpreterCreate");
    LiteModelException e = NativeFailures.translate(cpp, "loading model m.tflite");
    assertEquals("loading model m.tflite failed inside TensorFlow Lite with a C++ exception: _Map_base::at",
        e.getMessage());
  }

  @Test
  void otherErrorsAreLeftAlone() {
    assertNull(NativeFailures.translate(thrownAt(new OutOfMemoryError("Java heap space"), "java.util.Arrays",
        "copyOf"), "x"));
    assertNull(NativeFailures.translate(thrownAt(new IllegalArgumentException("bad"),
        "org.bytedeco.javacpp.Pointer", "x"), "x"));
    assertNull(NativeFailures.translate(thrownAt(new RuntimeException("ours"), "io.litemodel.LiteModel", "load"),
        "x"));
  }

  private static <T extends Throwable> T thrownAt(T error, String type, String method) {
    error.setStackTrace(new StackTraceElement[] {new StackTraceElement(type, method, null, -1)});
    return error;
  }
}
