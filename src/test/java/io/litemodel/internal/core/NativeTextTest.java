package io.litemodel.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.litemodel.Accelerator;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.ReferenceModels;
import io.litemodel.SemanticsModels;
import io.litemodel.internal.tflite.NativeRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

/** Native text is read up to its NUL, and no message from a native path carries control characters. */
class NativeTextTest {
  @Test
  void readsOnlyUpToTheTerminator() {
    NativeRuntime.ensureLoaded();
    try (BytePointer buffer = new BytePointer(64)) {
      for (int i = 0; i < 64; i++) {
        buffer.put(i, (byte) (i % 7 == 0 ? 1 : 'x')); // garbage, as a reused allocation holds
      }
      byte[] text = "no delegate\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      buffer.put(text, 0, text.length).put(text.length, (byte) 0);
      assertEquals("no delegate", NativeText.of(buffer));
    }
  }

  @Test
  void messagesAreOneCleanLine() {
    assertEquals("Encountered unresolved custom op: X.; See instructions", NativeText.clean(
        "Encountered unresolved custom op: X.\nSee instructions\n\u0007"));
  }

  @Test
  void noNativeMessageContainsControlCharacters() {
    List<String> messages = new ArrayList<>();
    messages.add(assertThrows(LiteModelException.class, () -> LiteModel.load(
        Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"))).getMessage());
    messages.add(assertThrows(LiteModelException.class, () -> LiteModel.load(ReferenceModels.model("seed_mlp"),
        LiteModel.Options.defaults().withAccelerator(Accelerator.plugin(Path.of("/no/such/plugin.so"), Map.of()))))
        .getMessage());
    messages.add(assertThrows(LiteModelException.class, () -> LiteModel.load(ReferenceModels.model("seed_mlp"),
        LiteModel.Options.defaults().withAccelerator(Accelerator.plugin(
            Path.of("/usr/lib/x86_64-linux-gnu/libm.so.6"), Map.of())))).getMessage());
    messages.add(assertThrows(LiteModelException.class, () -> LiteModel.load(ReferenceModels.model("seed_mlp"),
        LiteModel.Options.defaults().withAccelerator(Accelerator.gpu()))).getMessage());
    messages.add(assertThrows(LiteModelException.class, () -> LiteModel.load(
        SemanticsModels.path("unknown_custom_op"))).getMessage());
    byte[] truncated = new byte[2000];
    try {
      System.arraycopy(java.nio.file.Files.readAllBytes(ReferenceModels.model("seed_classifier")), 0, truncated, 0,
          truncated.length);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    messages.add(assertThrows(LiteModelException.class, () -> LiteModel.load(truncated)).getMessage());
    for (String message : messages) {
      for (int i = 0; i < message.length(); i++) {
        assertFalse(Character.isISOControl(message.charAt(i)),
            "control character " + (int) message.charAt(i) + " at " + i + " in: " + message);
      }
    }
  }
}
