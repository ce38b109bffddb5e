package io.litemodel;

import static io.litemodel.ReferenceModels.golden;
import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delegates are released after their interpreter, exactly once, whatever the close order. Observed through the test
 * plugin's trace: its kernels are freed when the interpreter is deleted, and the plugin records a kernel freed
 * after its delegate ("kernel-free-after-destroy") and a delegate destroyed with kernels still alive.
 */
class DelegateLifetimeTest {
  private static LiteModel.Options traced(Path trace) {
    return LiteModel.Options.defaults().withXnnpack(false).withAccelerator(
        Accelerator.plugin(TestDelegatePlugin.library(), Map.of("trace", trace.toString())));
  }

  @Test
  void delegateIsDestroyedAfterItsKernelsExactlyOnce(@TempDir Path dir) {
    Path trace = dir.resolve("trace.txt");
    LiteModel model = LiteModel.load(model("seed_mlp"), traced(trace));
    model.predictSingle(golden("seed_mlp", null, "input", null).row(0));
    assertEquals(0, TestDelegatePlugin.count(TestDelegatePlugin.trace(trace), "destroy"));
    model.close();
    model.close(); // idempotent
    List<String> lines = TestDelegatePlugin.trace(trace);
    assertEquals("create plugin name=" + TestDelegatePlugin.KERNEL, lines.get(0));
    assertEquals(1, TestDelegatePlugin.count(lines, "destroy"), lines.toString());
    assertEquals("destroy live_kernels=0", lines.get(lines.size() - 1), lines.toString());
    assertEquals(5, TestDelegatePlugin.count(lines, "kernel-init"), lines.toString());
    assertEquals(5, TestDelegatePlugin.count(lines, "kernel-free invocations="), lines.toString());
    assertEquals(0, TestDelegatePlugin.count(lines, "kernel-free-after-destroy"), lines.toString());
    assertThrows(IllegalStateException.class, model::executionReport);
  }

  @Test
  void replicaOutlivesTheModelItCameFrom(@TempDir Path dir) {
    Path trace = dir.resolve("trace.txt");
    float[] input = golden("seed_mlp", null, "input", null).row(1);
    LiteModel original = LiteModel.load(model("seed_mlp"), traced(trace));
    float[] expected = original.predictSingle(input);
    LiteModel replica = original.replicate();
    original.close();
    List<String> afterOriginal = TestDelegatePlugin.trace(trace);
    assertEquals(2, TestDelegatePlugin.count(afterOriginal, "create"), afterOriginal.toString());
    assertEquals(1, TestDelegatePlugin.count(afterOriginal, "destroy live_kernels=0"), afterOriginal.toString());
    assertArrayEquals(expected, replica.predictSingle(input)); // the model bytes and its delegate are still alive
    assertFalse(replica.isClosed());
    replica.close();
    List<String> lines = TestDelegatePlugin.trace(trace);
    assertEquals(2, TestDelegatePlugin.count(lines, "destroy live_kernels=0"), lines.toString());
    assertEquals(0, TestDelegatePlugin.count(lines, "kernel-free-after-destroy"), lines.toString());
  }

  @Test
  void replicaWithSharedWeightsOutlivesTheModel() {
    LiteModel.Options shared = LiteModel.Options.defaults().withWeightsCache(true);
    float[] input = golden("seed_mlp", null, "input", null).row(2);
    LiteModel original = LiteModel.load(model("seed_mlp"), shared);
    float[] expected = original.predictSingle(input);
    LiteModel replica = original.replicate();
    original.close();
    // The weights cache belongs to the model bytes, freed with the last interpreter: the replica still reads it.
    assertArrayEquals(expected, replica.predictSingle(input));
    replica.close();
  }

  @Test
  void aFailedBuildReleasesItsDelegate(@TempDir Path dir) {
    Path trace = dir.resolve("trace.txt");
    // Built outside assertThrows: without the plugin, its assumption must skip the test, not be caught.
    LiteModel.Options options = traced(trace).withSignature("no_such_signature");
    assertThrows(IllegalArgumentException.class, () -> LiteModel.load(model("seed_mlp"), options));
    List<String> lines = TestDelegatePlugin.trace(trace);
    assertEquals(1, TestDelegatePlugin.count(lines, "create"), lines.toString());
    assertEquals(1, TestDelegatePlugin.count(lines, "destroy live_kernels=0"), lines.toString());
  }

  @Test
  void closeOrderOfManyReplicasDoesNotMatter(@TempDir Path dir) {
    Path trace = dir.resolve("trace.txt");
    LiteModel a = LiteModel.load(model("seed_classifier"), traced(trace));
    LiteModel b = a.replicate();
    LiteModel c = b.replicate();
    b.close();
    a.close();
    float[] input = golden("seed_classifier", null, "input", null).row(0);
    assertEquals(2, c.predictSingle(input).length);
    c.close();
    List<String> lines = TestDelegatePlugin.trace(trace);
    assertEquals(3, TestDelegatePlugin.count(lines, "create"), lines.toString());
    assertEquals(3, TestDelegatePlugin.count(lines, "destroy live_kernels=0"), lines.toString());
    assertTrue(lines.get(lines.size() - 1).startsWith("destroy"), lines.toString());
  }
}
