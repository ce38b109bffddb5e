package io.litemodel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Status codes mirror TfLiteStatus. */
class LiteModelExceptionTest {

  @Test
  void statusCodesMirrorTfLiteStatus() {
    assertEquals(LiteModelException.Status.ERROR, LiteModelException.Status.fromCode(1));
    assertEquals(LiteModelException.Status.DELEGATE_ERROR, LiteModelException.Status.fromCode(2));
    assertEquals(LiteModelException.Status.UNRESOLVED_OPS, LiteModelException.Status.fromCode(7));
    assertEquals(LiteModelException.Status.CANCELLED, LiteModelException.Status.fromCode(8));
    assertEquals(LiteModelException.Status.OUTPUT_SHAPE_NOT_KNOWN, LiteModelException.Status.fromCode(9));
    assertEquals(LiteModelException.Status.UNKNOWN, LiteModelException.Status.fromCode(42));
    assertEquals(LiteModelException.Status.UNKNOWN, LiteModelException.Status.fromCode(-1),
        "LiteModel's own negative codes are never read from TensorFlow Lite");
  }

  @Test
  void carriesStatusAndMessage() {
    LiteModelException e = new LiteModelException(LiteModelException.Status.CANCELLED, "stopped");
    assertEquals(LiteModelException.Status.CANCELLED, e.status());
    assertEquals("stopped", e.getMessage());
  }
}
