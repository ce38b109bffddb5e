package io.litemodel.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/**
 * The request ring's phases, driven by hand: runners take published requests past sequences whose caller has not
 * published yet, never the same request twice, free abandoned slots, and hand each output row to its own caller.
 */
class RequestRingTest {
  private static final int IN = 3;
  private static final int OUT = 2;

  private static FloatBuffer floats(int count) {
    return ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  private static float[] row(float first) {
    return new float[] {first, first + 0.25f, first + 0.5f};
  }

  private static float[] batchRow(FloatBuffer batch, int row) {
    float[] values = new float[IN];
    batch.get(row * IN, values);
    return values;
  }

  @Test
  void aRunnerTakesPublishedRequestsPastOneNotYetPublished() {
    RequestRing ring = new RequestRing(8, IN, OUT);
    FloatBuffer batch = floats(8 * IN);
    long[] taken = new long[8];
    long stalled = ring.claim(); // its caller is descheduled before it publishes
    long second = ring.claim();
    long third = ring.claim();
    float[] out2 = new float[OUT];
    float[] out3 = new float[OUT];
    ring.publish(third, row(3), out3);
    ring.publish(second, row(2), out2);

    assertEquals(2, ring.takeReady(taken, 0, 8, batch));
    assertEquals(second, taken[0]);
    assertEquals(third, taken[1]);
    assertArrayEquals(row(2), batchRow(batch, 0));
    assertArrayEquals(row(3), batchRow(batch, 1));
    assertEquals(0, ring.takeReady(taken, 0, 8, batch), "a taken request is never taken again");
    assertFalse(ring.anyReady());

    FloatBuffer results = floats(8 * OUT);
    results.put(0, new float[] {20, 21}).put(OUT, new float[] {30, 31});
    ring.complete(taken, 2, results, null);
    assertTrue(ring.isDone(second));
    assertTrue(ring.isDone(third));
    assertArrayEquals(new float[] {20, 21}, out2, "each output row lands in its own caller's array");
    assertArrayEquals(new float[] {30, 31}, out3);
    assertNull(ring.take(second));
    assertNull(ring.take(third));
    assertEquals(1, ring.outstanding(), "only the stalled request is left");

    float[] out1 = new float[OUT];
    ring.publish(stalled, row(1), out1); // its caller runs again
    assertTrue(ring.anyReady());
    assertEquals(1, ring.takeReady(taken, 0, 8, batch));
    assertEquals(stalled, taken[0]);
    assertArrayEquals(row(1), batchRow(batch, 0));
  }

  @Test
  void aFullBatchLeavesTheRestForTheNextAndAGatherAppends() {
    RequestRing ring = new RequestRing(8, IN, OUT);
    FloatBuffer batch = floats(8 * IN);
    long[] taken = new long[8];
    for (int i = 0; i < 5; i++) {
      ring.publish(ring.claim(), row(i), new float[OUT]);
    }
    assertEquals(2, ring.takeReady(taken, 0, 2, batch));
    assertEquals(0, taken[0]);
    assertEquals(1, taken[1]);
    assertEquals(3, ring.takeReady(taken, 2, 8, batch), "appends after the rows already taken");
    assertEquals(2, taken[2]);
    assertEquals(4, taken[4]);
    assertArrayEquals(row(4), batchRow(batch, 4));
  }

  @Test
  void aFailedBatchGivesEachCallerTheErrorAndLeavesTheirArraysAlone() {
    RequestRing ring = new RequestRing(4, IN, OUT);
    FloatBuffer batch = floats(4 * IN);
    long[] taken = new long[4];
    float[] out = {7, 7};
    long s = ring.claim();
    ring.publish(s, row(0), out);
    assertEquals(1, ring.takeReady(taken, 0, 4, batch));
    IllegalStateException failure = new IllegalStateException("boom");
    ring.complete(taken, 1, floats(4 * OUT), failure);
    assertTrue(ring.isDone(s));
    assertSame(failure, ring.take(s));
    assertArrayEquals(new float[] {7, 7}, out);
    assertTrue(ring.isFree(s + 4), "the slot is free for the next lap");
  }

  @Test
  void anAbandonedRequestIsNeverRunAndItsSlotIsFreedByTheNextScan() {
    RequestRing ring = new RequestRing(4, IN, OUT);
    FloatBuffer batch = floats(4 * IN);
    long[] taken = new long[4];
    long gone = ring.claim();
    long kept = ring.claim();
    ring.publish(gone, row(0), new float[OUT]);
    ring.publish(kept, row(1), new float[OUT]);
    assertTrue(ring.abandon(gone));
    assertEquals(1, ring.takeReady(taken, 0, 4, batch));
    assertEquals(kept, taken[0]);
    assertTrue(ring.isFree(gone + 4), "the abandoned slot was freed for the next lap");
    assertEquals(1, ring.outstanding());
    assertFalse(ring.abandon(kept), "a taken request cannot be abandoned: its result is coming");
  }

  @Test
  void slotsAreReusedLapAfterLap() {
    RequestRing ring = new RequestRing(2, IN, OUT);
    FloatBuffer batch = floats(2 * IN);
    FloatBuffer results = floats(2 * OUT);
    long[] taken = new long[2];
    for (int lap = 0; lap < 10; lap++) {
      long s = ring.claim();
      assertTrue(ring.isFree(s));
      float[] out = new float[OUT];
      ring.publish(s, row(lap), out);
      assertEquals(1, ring.takeReady(taken, 0, 2, batch));
      assertArrayEquals(row(lap), batchRow(batch, 0));
      results.put(0, new float[] {lap, -lap});
      ring.complete(taken, 1, results, null);
      assertNull(ring.take(s));
      assertArrayEquals(new float[] {lap, -lap}, out);
    }
    assertEquals(0, ring.outstanding());
  }

  @Test
  void aRequestALapPastAnUnpublishedOneIsStillTaken() {
    RequestRing ring = new RequestRing(4, IN, OUT);
    FloatBuffer batch = floats(4 * IN);
    FloatBuffer results = floats(4 * OUT);
    long[] taken = new long[4];
    long stalled = ring.claim(); // claimed, never published: the cursor stays on it
    for (int i = 1; i < 4; i++) {
      long s = ring.claim();
      ring.publish(s, row(i), new float[OUT]);
      assertEquals(1, ring.takeReady(taken, 0, 4, batch));
      ring.complete(taken, 1, results, null);
      assertNull(ring.take(s));
    }
    long nextLap = ring.claim(); // the stalled slot's next lap: it waits for the slot
    assertFalse(ring.isFree(nextLap));
    long past = ring.claim(); // its slot is free: it publishes, one lap past the stalled sequence
    assertTrue(ring.isFree(past));
    float[] out = new float[OUT];
    ring.publish(past, row(5), out);
    assertTrue(ring.anyReady());
    assertEquals(1, ring.takeReady(taken, 0, 4, batch), "a scan goes on to the last claimed sequence");
    assertEquals(past, taken[0]);
    assertArrayEquals(row(5), batchRow(batch, 0));
    assertEquals(0, ring.takeReady(taken, 0, 4, batch), "the next lap's word is not mistaken for this lap's");
    assertEquals(3, ring.outstanding());
    assertEquals(0, stalled, "the stalled sequence is still the cursor's");
  }

  @Test
  void aRowThatCannotBeCopiedFailsOnlyItsCallerAndTheRestAreDone() {
    RequestRing ring = new RequestRing(4, IN, OUT);
    FloatBuffer batch = floats(4 * IN);
    long[] taken = new long[4];
    long bad = ring.claim();
    long good = ring.claim();
    float[] tooShort = new float[OUT - 1];
    float[] out = new float[OUT];
    ring.publish(bad, row(0), tooShort);
    ring.publish(good, row(1), out);
    assertEquals(2, ring.takeReady(taken, 0, 4, batch));
    FloatBuffer results = floats(4 * OUT);
    results.put(0, new float[] {1, 2}).put(OUT, new float[] {3, 4});
    ring.complete(taken, 2, results, null);
    assertTrue(ring.isDone(bad));
    assertTrue(ring.isDone(good), "a failure on one row does not strand the rows after it");
    assertInstanceOf(IndexOutOfBoundsException.class, ring.take(bad));
    assertNull(ring.take(good));
    assertArrayEquals(new float[] {3, 4}, out);
    assertEquals(0, ring.outstanding());
  }
}
