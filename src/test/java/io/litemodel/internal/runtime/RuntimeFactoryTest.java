package io.litemodel.internal.runtime;

import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.Accelerator;
import io.litemodel.ClassReferences;
import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.internal.core.ModelInterpreter;
import io.litemodel.internal.tflite.ModelHandle;
import io.litemodel.internal.tflite.NativeInterpreter;
import io.litemodel.internal.tflite.XnnpackDelegate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory builds the runtime the settings describe; the runtime face names no runtime. */
class RuntimeFactoryTest {
  @Test
  void theCpuIsTensorFlowLiteWithNothingToNote() throws IOException {
    ModelHandle handle = handle("seed_mlp");
    try {
      ModelInterpreter cpu = RuntimeFactory.create(handle, LiteModel.Options.defaults());
      try {
        assertInstanceOf(NativeInterpreter.class, cpu);
        assertEquals(Accelerator.Kind.CPU, cpu.report().accelerator());
        assertEquals(List.of(), cpu.report().notes());
        assertEquals(List.of(XnnpackDelegate.KERNEL_NAME), cpu.report().partitionNames());
      } finally {
        cpu.close();
      }
    } finally {
      handle.release();
    }
  }

  @Test
  void aStrictGpuDelegateThatCannotBeUsedBuildsNothing(@TempDir Path dir) throws IOException {
    ModelHandle handle = handle("seed_mlp");
    try {
      Path missing = dir.resolve("libtensorflowlite_gpu_delegate.so");
      LiteModelException e = assertThrows(LiteModelException.class, () -> RuntimeFactory.create(handle,
          LiteModel.Options.defaults().withAccelerator(Accelerator.gpuDelegate().withLibrary(missing))));
      assertEquals(LiteModelException.Status.ACCELERATOR_UNAVAILABLE, e.status());
      assertEquals("GPU accelerator unavailable: the GPU delegate library was not found; looked at: explicit path "
          + missing + " (no such file)", e.getMessage());
    } finally {
      handle.release();
    }
  }

  @Test
  void theRuntimeFaceNamesNoRuntime() {
    assertFalse(ModelInterpreter.class.isSealed());
    Set<String> named = ClassReferences.of(ModelInterpreter.class);
    assertFalse(named.contains("NativeInterpreter") || named.contains("LiteRtInterpreter"), named.toString());
    assertTrue(named.contains("ModelInterpreter"), named.toString()); // the reading itself works
  }

  private static ModelHandle handle(String name) throws IOException {
    return ModelHandle.create(ByteBuffer.wrap(Files.readAllBytes(model(name))), name,
        LiteModel.Options.DEFAULT_MEMORY_BUDGET);
  }
}
