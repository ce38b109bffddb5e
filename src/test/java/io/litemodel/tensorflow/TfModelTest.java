package io.litemodel.tensorflow;

import static io.litemodel.tensorflow.TfTestModels.flatten;
import static io.litemodel.tensorflow.TfTestModels.golden;
import static io.litemodel.tensorflow.TfTestModels.maxAbsDiff;
import static io.litemodel.tensorflow.TfTestModels.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.DataType;
import io.litemodel.InferenceModel;
import io.litemodel.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TensorFlow runtime on SavedModels written by our venv's TensorFlow 2.21, against their golden vectors. */
class TfModelTest {
  /** float32 through the same graph on another build of the same kernels: round-off only. */
  static final float TOLERANCE = 1e-5f;

  private static TfModel seed;

  @BeforeAll
  static void load() {
    seed = TfModel.loadSavedModel(path("seed_mlp_savedmodel"), TfOptions.defaults().withIntraOpThreads(1)
        .withInterOpThreads(1));
  }

  @AfterAll
  static void close() {
    seed.close();
  }

  @Test
  void introspectsTheServingSignature() {
    assertEquals(List.of("serve", "serving_default"), seed.signatureKeys());
    assertEquals("serving_default", seed.signature());
    TensorSpec in = seed.inputs().get(0);
    assertEquals("input", in.name());
    assertEquals("serving_default_input:0", in.tensorName());
    assertEquals(DataType.FLOAT32, in.dataType());
    assertArrayEquals(new int[] {-1, 256}, in.shapeSignature());
    assertEquals(256, in.rowElements());
    TensorSpec out = seed.outputs().get(0);
    assertEquals("output_0", out.name());
    assertArrayEquals(new int[] {-1, 32}, out.shapeSignature());
    assertTrue(seed.hasDynamicBatch());
    assertTrue(seed.threadSafe());
    assertEquals(0, seed.outputIndex("output_0"));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> seed.inputIndex("x"));
    assertEquals("no input named 'x'; the inputs are [input]", unknown.getMessage());
  }

  @Test
  void seedMlpMatchesKerasGoldens() {
    float[][] in = golden("seed_mlp.golden.input.npy");
    float[][] expected = golden("seed_mlp.golden.keras.npy");
    float[][] batch = seed.predict(in);
    assertTrue(maxAbsDiff(batch, expected) < TOLERANCE, "batch max |diff| " + maxAbsDiff(batch, expected));
    float[] out = new float[32];
    for (int r = 0; r < in.length; r++) {
      seed.predictSingle(in[r], out);
      assertTrue(maxAbsDiff(out, expected[r]) < TOLERANCE, "row " + r + " max |diff| " + maxAbsDiff(out,
          expected[r]));
    }
    FloatBuffer inBuffer = ByteBuffer.allocateDirect(in.length * 256 * 4).order(ByteOrder.nativeOrder())
        .asFloatBuffer().put(flatten(in)).flip();
    FloatBuffer outBuffer = ByteBuffer.allocateDirect(in.length * 32 * 4).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    seed.predict(inBuffer, outBuffer, in.length);
    assertEquals(in.length * 256, inBuffer.position());
    assertEquals(in.length * 32, outBuffer.position());
    float[] flat = new float[in.length * 32];
    outBuffer.flip().get(flat);
    assertTrue(maxAbsDiff(flat, flatten(expected)) < TOLERANCE);
    Map<String, float[]> named = seed.run(Map.of("input", flatten(in)));
    assertTrue(maxAbsDiff(named.get("output_0"), flatten(expected)) < TOLERANCE);
  }

  @Test
  void batchSizesChangeAndComeBack() {
    float[][] in = golden("seed_mlp.golden.input.npy");
    float[][] expected = golden("seed_mlp.golden.keras.npy");
    for (int rows : new int[] {3, 8, 1, 3}) {
      float[][] part = java.util.Arrays.copyOf(in, rows);
      float[][] result = seed.predict(part);
      assertTrue(maxAbsDiff(result, java.util.Arrays.copyOf(expected, rows)) < TOLERANCE, rows + " rows");
    }
  }

  @Test
  void multiSignatureSelectsEachSignature() {
    for (String signature : new String[] {"add", "scale"}) {
      TfOptions options = TfOptions.defaults().withSignature(signature);
      try (TfModel model = TfModel.loadSavedModel(path("multi_signature_savedmodel"), options)) {
        assertEquals(signature, model.signature());
        float[][] in = golden("multi_signature.golden." + signature + ".input.npy");
        float[][] expected = golden("multi_signature.golden." + signature + ".tf.npy");
        float[][] got = model.predict(in);
        assertEquals(0f, maxAbsDiff(got, expected), signature);
      }
    }
  }

  @Test
  void manyThreadsShareOneInstance() throws Exception {
    float[][] in = golden("seed_mlp.golden.input.npy");
    float[][] expected = golden("seed_mlp.golden.keras.npy");
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Float>> results = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        results.add(pool.submit(() -> {
          float worst = 0;
          float[] out = new float[32];
          for (int i = 0; i < 300; i++) {
            int r = (i + offset) % in.length;
            seed.predictSingle(in[r], out);
            worst = Math.max(worst, maxAbsDiff(out, expected[r]));
            if (i % 50 == 0) { // batches of other sizes interleaved with single rows on the same thread
              worst = Math.max(worst, maxAbsDiff(seed.predict(in), expected));
            }
          }
          return worst;
        }));
      }
      for (Future<Float> result : results) {
        assertTrue(result.get(120, TimeUnit.SECONDS) < TOLERANCE);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void replicaSharesTheSessionAndOutlivesTheOriginal() {
    float[][] in = golden("seed_mlp.golden.input.npy");
    float[][] expected = golden("seed_mlp.golden.keras.npy");
    TfModel original = TfModel.loadSavedModel(path("seed_mlp_savedmodel"));
    InferenceModel replica = original.replicate();
    original.close();
    original.close(); // idempotent
    assertTrue(original.isClosed());
    assertFalse(replica.isClosed());
    assertTrue(maxAbsDiff(replica.predict(in), expected) < TOLERANCE);
    replica.close();
    IllegalStateException closed = assertThrows(IllegalStateException.class,
        () -> replica.predictSingle(in[0], new float[32]));
    assertTrue(closed.getMessage().endsWith("seed_mlp_savedmodel) is closed"), closed.getMessage());
    assertThrows(IllegalStateException.class, replica::replicate);
    assertThrows(IllegalStateException.class, () -> original.predict(in));
  }

  @Test
  void autoPlacementReportsTheCpuFallbackHere() {
    // This test machine has no GPU and the tests use the CPU natives: AUTO must say so, and why.
    Placement placement = seed.placement();
    assertEquals(DevicePlacement.AUTO, placement.requested());
    assertEquals(DevicePlacement.CPU, placement.used());
    assertTrue(placement.isFallback());
    assertTrue(placement.reason().startsWith("CPU fallback: TensorFlow sees no GPU."), placement.reason());
    assertTrue(placement.devices().stream().anyMatch(d -> d.endsWith("CPU:0")), placement.devices().toString());
  }

  @Test
  void cpuPlacementIsNoFallback() {
    try (TfModel model = TfModel.loadSavedModel(path("multi_signature_savedmodel"),
        TfOptions.defaults().withSignature("add").withPlacement(DevicePlacement.CPU))) {
      assertSame(DevicePlacement.CPU, model.placement().used());
      assertFalse(model.placement().isFallback());
    }
  }
}
