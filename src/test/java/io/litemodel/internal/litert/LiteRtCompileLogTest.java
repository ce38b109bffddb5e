package io.litemodel.internal.litert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.litemodel.NativeLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading LiteRT's compile log: the text below is what LiteRT 2.3.0 printed compiling matrix_diag on SwiftShader. */
class LiteRtCompileLogTest {
  private static final String LOG = """
      WARNING: Logging before InitGoogle() is written to STDERR
      I0000 00:00:1796056407.928692    9926 environment.cc:532] Selected adapter: SwiftShader Device (Subzero), \
      arch=swiftshader, vendor=google, backend=Vulkan, adapterType=CPU / Software
      I0000 00:00:1796056407.930812    9926 delegate_webgpu.cc:751] # of threads to upload weights = 0
      ERROR: Following operations are not supported by GPU delegate:
      MATRIX_DIAG: Operation is not supported.
      2 operations will run on the GPU, and the remaining 2 operations will run on the CPU.
      I0000 00:00:1796056407.930946    9926 delegate_kernel.cc:984] Initializing WebGPU-based API from graph.
      INFO: Created TensorFlow Lite XNNPACK delegate for CPU.
      """;

  @Test
  void readsWhatFellBackAndTheAdapter() {
    LiteRtCompileLog log = LiteRtCompileLog.parse(LOG);
    assertEquals(List.of("MATRIX_DIAG: Operation is not supported."), log.unsupported());
    assertEquals(List.of("MATRIX_DIAG"), log.unsupportedTypes());
    assertEquals(2, log.gpuOperators());
    assertEquals(2, log.cpuOperators());
    assertEquals("SwiftShader Device (Subzero)", log.selectedAdapter());
  }

  @Test
  void aLogWithoutAReportSaysNothing() {
    LiteRtCompileLog log = LiteRtCompileLog.parse("INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n");
    assertEquals(List.of(), log.unsupported());
    assertEquals(-1, log.gpuOperators());
    assertNull(log.selectedAdapter());
  }

  @Test
  void passesOnOnlyWhatTheLevelLetsThroughAndAlwaysForeignLines() {
    String foreign = "some other thread's line\n";
    assertEquals(foreign, passOn(foreign + LOG, NativeLog.SILENT));
    assertEquals(foreign + """
        ERROR: Following operations are not supported by GPU delegate:
        MATRIX_DIAG: Operation is not supported.
        2 operations will run on the GPU, and the remaining 2 operations will run on the CPU.
        """, passOn(foreign + LOG, NativeLog.ERROR));
    assertEquals(LOG, passOn(LOG, NativeLog.VERBOSE));
    // Written by another thread after LiteRT's lines, while stderr was captured: still passed on.
    String after = "Exception in thread \"worker\" java.lang.IllegalStateException: boom\n";
    assertEquals(after, passOn(LOG + after, NativeLog.SILENT));
  }

  @Test
  void readsTheFormForAGpuThatTookNothing() {
    LiteRtCompileLog log = LiteRtCompileLog.parse("""
        ERROR: Following operations are not supported by GPU delegate:
        DENSIFY: Operation is not supported.
        DEQUANTIZE:
        DEQUANTIZE: Dequantize for Densify is not supported
        No operations will run on the GPU, and all 7 operations will run on the CPU.
        """);
    assertEquals(0, log.gpuOperators());
    assertEquals(7, log.cpuOperators());
    assertEquals(List.of("DENSIFY", "DEQUANTIZE"), log.unsupportedTypes());
  }

  private static String passOn(String log, NativeLog level) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    LiteRtCompileLog.passOn(log, level, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
