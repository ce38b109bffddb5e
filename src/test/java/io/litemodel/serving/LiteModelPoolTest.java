package io.litemodel.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModel;
import io.litemodel.io.NpyArray;
import io.litemodel.tensorflow.TfModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Serving many threads from one model: replicas share the bytes, each call borrows one replica; the pool is an
 * {@link InferenceModel} over any runtime, so the batch pipeline runs on it.
 */
class LiteModelPoolTest {
  private static final Path MLP = Path.of("models/seed_mlp.tflite");
  private static final Path CLASSIFIER = Path.of("models/seed_classifier.tflite");
  private static final Path MLP_SAVED_MODEL = Path.of("models/seed_mlp_savedmodel");

  private static float[][] golden(String file) {
    try {
      return NpyArray.open(Path.of("models", file)).toMatrix();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static float maxAbsDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length, "lengths");
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  /** Six threads on a pool of {@code pool.size()}, each comparing every result with {@code expected}. */
  private static void manyThreads(InferenceModel pool, float[][] inputs, float[][] expected) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(6);
    try {
      List<Future<Float>> errors = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        int row = t % inputs.length;
        errors.add(threads.submit(() -> {
          float[] out = new float[expected[row].length];
          float worst = 0;
          for (int i = 0; i < 2_000; i++) {
            pool.predictSingle(inputs[row], out);
            worst = Math.max(worst, maxAbsDiff(out, expected[row]));
          }
          return worst;
        }));
      }
      for (Future<Float> error : errors) {
        assertTrue(error.get(60, TimeUnit.SECONDS) <= 1e-5f, "worst error " + error.get());
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void manyThreadsGetCorrectResults() throws Exception {
    try (LiteModelPool<LiteModel> pool = LiteModelPool.create(MLP, 3)) {
      assertEquals(3, pool.size());
      manyThreads(pool, golden("seed_mlp.golden.input.npy"), golden("seed_mlp.golden.tflite.npy"));
    }
  }

  @Test
  void aPoolOfTensorFlowRuntimeModelsServesManyThreads() throws Exception {
    float[][] inputs = golden("seed_mlp.golden.input.npy");
    float[][] expected = new float[inputs.length][];
    try (TfModel plain = TfModel.loadSavedModel(MLP_SAVED_MODEL)) {
      for (int i = 0; i < inputs.length; i++) {
        expected[i] = plain.predictSingle(inputs[i]);
      }
    }
    try (LiteModelPool<InferenceModel> pool = LiteModelPool.around(TfModel.loadSavedModel(MLP_SAVED_MODEL), 2)) {
      assertEquals(2, pool.size());
      InferenceModel borrowed = pool.acquire();
      assertTrue(borrowed instanceof TfModel, borrowed.getClass().getName());
      pool.release(borrowed);
      manyThreads(pool, inputs, expected);
    }
  }

  @Test
  void theBatchPipelineRunsOnAPool() {
    float[][] inputs = golden("seed_mlp.golden.input.npy");
    float[][] rows = new float[37][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = inputs[i % inputs.length];
    }
    float[][] expected = golden("seed_mlp.golden.tflite.npy");
    try (LiteModelPool<LiteModel> pool = LiteModelPool.create(MLP, 2)) {
      float[][] outputs = PipelineOver.predict(pool, rows, 8, 2);
      for (int i = 0; i < rows.length; i++) {
        assertArrayEquals(expected[i % inputs.length], outputs[i], 1e-5f, "item " + i);
      }
      assertFalse(pool.isClosed(), "the pipeline closes its replicas (handles), never the pool it was given");
      assertEquals(32, pool.predictSingle(inputs[0]).length);
    }
  }

  @Test
  void aReplicatedHandleKeepsThePoolOpenUntilTheLastHandleCloses() {
    LiteModel original = LiteModel.load(CLASSIFIER);
    LiteModelPool<LiteModel> pool = LiteModelPool.around(original, 2);
    LiteModelPool<LiteModel> handle = pool.replicate();
    assertEquals(2, handle.size(), "the same replicas");
    assertTrue(handle.threadSafe());
    assertEquals(pool.inputs(), handle.inputs());
    pool.close();
    assertTrue(pool.isClosed());
    IllegalStateException closed = assertThrows(IllegalStateException.class, () -> pool.predictSingle(new float[20]));
    assertEquals("this LiteModelPool is closed", closed.getMessage());
    assertFalse(original.isClosed(), "another handle is open");
    assertEquals(2, handle.predictSingle(new float[20]).length);
    handle.close();
    assertTrue(original.isClosed());
    IllegalStateException late = assertThrows(IllegalStateException.class, handle::replicate);
    assertEquals("this LiteModelPool is closed", late.getMessage());
  }

  @Test
  void borrowedReplicasComeBackAndForeignOnesAreRefused() {
    try (LiteModelPool<LiteModel> pool = LiteModelPool.around(LiteModel.load(CLASSIFIER), 2);
        LiteModel stranger = LiteModel.load(CLASSIFIER)) {
      LiteModel first = pool.acquire();
      LiteModel second = pool.acquire();
      assertTrue(first != second);
      pool.release(first);
      IllegalStateException twice = assertThrows(IllegalStateException.class, () -> pool.release(first));
      assertEquals("replica released twice", twice.getMessage());
      IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> pool.release(stranger));
      assertEquals("that LiteModel does not belong to this pool", foreign.getMessage());
      pool.release(second);
      float[] out = pool.withReplica(model -> model.predictSingle(new float[20]));
      assertEquals(2, out.length);
    }
  }

  @Test
  void closedPoolRefusesAndClosesEveryReplica() {
    LiteModel original = LiteModel.load(CLASSIFIER);
    LiteModelPool<LiteModel> pool = LiteModelPool.around(original, 2);
    pool.close();
    pool.close();
    assertTrue(original.isClosed());
    IllegalStateException e = assertThrows(IllegalStateException.class, pool::acquire);
    assertEquals("this LiteModelPool is closed", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LiteModelPool.around(LiteModel.load(MLP), 0));
  }

  @Test
  void aReplicaLentWhenThePoolClosesIsClosedOnItsReturn() {
    LiteModelPool<LiteModel> pool = LiteModelPool.around(LiteModel.load(CLASSIFIER), 2);
    LiteModel lent = pool.acquire();
    pool.close();
    assertTrue(!lent.isClosed(), "its borrower may finish its call");
    lent.predictSingle(new float[20]);
    pool.release(lent);
    assertTrue(lent.isClosed());
  }

  @Test
  void theMostRecentlyReturnedReplicaIsLentFirst() {
    try (LiteModelPool<LiteModel> pool = LiteModelPool.create(CLASSIFIER, 3)) {
      LiteModel a = pool.acquire();
      pool.release(a);
      for (int i = 0; i < 10; i++) { // a lone caller always gets the same, warm replica
        LiteModel again = pool.acquire();
        assertTrue(again == a, "call " + i + " got another replica");
        pool.release(again);
      }
      LiteModel b = pool.acquire();
      LiteModel c = pool.acquire();
      LiteModel d = pool.acquire();
      assertTrue(b != c && c != d && b != d);
      pool.release(c);
      pool.release(b);
      assertTrue(pool.acquire() == b, "last in, first out");
      assertTrue(pool.acquire() == c);
    }
  }

  @Test
  void createSharesPackedWeightsBetweenReplicas() {
    try (LiteModelPool<LiteModel> pool = LiteModelPool.create(MLP, LiteModel.Options.defaults().withThreads(1), 2)) {
      LiteModel replica = pool.acquire();
      assertTrue(replica.options().weightsCache(), "weights cache on: " + replica.options());
      assertEquals(1, replica.options().threads(), "the caller's options kept");
      pool.release(replica);
    }
  }
}
