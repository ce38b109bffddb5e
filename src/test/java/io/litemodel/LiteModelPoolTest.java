package io.litemodel;

import static io.litemodel.ReferenceModels.golden;
import static io.litemodel.ReferenceModels.maxAbsDiff;
import static io.litemodel.ReferenceModels.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.ReferenceModels.Npy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Serving many threads from one model: replicas share the bytes, each call borrows one replica. */
class LiteModelPoolTest {

  @Test
  void manyThreadsGetCorrectResults() throws Exception {
    Npy inputs = golden("seed_mlp", null, "input", null);
    Npy expected = golden("seed_mlp", null, "tflite", null);
    ExecutorService threads = Executors.newFixedThreadPool(6);
    try (LiteModelPool pool = LiteModelPool.create(model("seed_mlp"), 3)) {
      assertEquals(3, pool.size());
      List<Future<Float>> errors = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        int row = t % inputs.rows();
        errors.add(threads.submit(() -> {
          float[] out = new float[32];
          float worst = 0;
          for (int i = 0; i < 2_000; i++) {
            pool.predictSingle(inputs.row(row), out);
            worst = Math.max(worst, maxAbsDiff(out, expected.row(row)));
          }
          return worst;
        }));
      }
      for (Future<Float> error : errors) {
        assertTrue(error.get() <= 1e-5f, "worst error " + error.get());
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void borrowedReplicasComeBackAndForeignOnesAreRefused() {
    try (LiteModelPool pool = LiteModelPool.around(LiteModel.load(model("seed_classifier")), 2);
        LiteModel stranger = LiteModel.load(model("seed_classifier"))) {
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
    LiteModel original = LiteModel.load(model("seed_classifier"));
    LiteModelPool pool = LiteModelPool.around(original, 2);
    pool.close();
    pool.close();
    assertTrue(original.isClosed());
    IllegalStateException e = assertThrows(IllegalStateException.class, pool::acquire);
    assertEquals("this LiteModelPool is closed", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LiteModelPool.around(LiteModel.load(model("seed_mlp")), 0));
  }

  @Test
  void aReplicaLentWhenThePoolClosesIsClosedOnItsReturn() {
    LiteModelPool pool = LiteModelPool.around(LiteModel.load(model("seed_classifier")), 2);
    LiteModel lent = pool.acquire();
    pool.close();
    assertTrue(!lent.isClosed(), "its borrower may finish its call");
    lent.predictSingle(new float[20]);
    pool.release(lent);
    assertTrue(lent.isClosed());
  }

  @Test
  void theMostRecentlyReturnedReplicaIsLentFirst() {
    try (LiteModelPool pool = LiteModelPool.create(model("seed_classifier"), 3)) {
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
    try (LiteModelPool pool = LiteModelPool.create(model("seed_mlp"), LiteModel.Options.defaults().withThreads(1),
        2)) {
      LiteModel replica = pool.acquire();
      assertTrue(replica.options().weightsCache(), "weights cache on: " + replica.options());
      assertEquals(1, replica.options().threads(), "the caller's options kept");
      pool.release(replica);
    }
  }
}
