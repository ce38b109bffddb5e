package io.litemodel.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every check of the shared call contract, on plain test tensors: what passes, and the exact message of a refusal. */
class CallContractTest {
  /** A tensor as the contract sees it: its row size (-1 unknown) and, when not float, why. */
  record Tensor(String name, String shapeText, String declaredShapeText, long elementsPerRow, String floatApiProblem)
      implements CallTensor {
    static Tensor of(String name, long row) {
      return new Tensor(name, "[1, " + row + "], declared [-1, " + row + "]", "[-1, " + row + "]", row, null);
    }
  }

  private static final Tensor IN = Tensor.of("in", 4);
  private static final Tensor OUT = Tensor.of("out", 2);
  private static final Tensor INTS = new Tensor("ids", "[1, 3]", "[1, 3]", 3, "tensor 'ids' holds INT32");
  private static final Tensor UNKNOWN = new Tensor("seq", "[-1, -1]", "[-1, -1]", -1, null);

  private static void refused(String message, Executable call) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
  }

  @Test
  void throwIfProblemThrowsTheProblemOnly() {
    CallContract.throwIfProblem(null);
    refused("why not", () -> CallContract.throwIfProblem("why not"));
  }

  @Test
  void singleProblemNamesTheCountTheTypeOrNothing() {
    CallTensor[] one = {IN};
    CallTensor[] two = {IN, IN};
    assertNull(CallContract.singleProblem(one, new CallTensor[] {OUT}, "run(...)"));
    assertEquals("predictSingle/predict need a model with one input; this one has 2: use run(...)",
        CallContract.singleProblem(two, new CallTensor[] {OUT}, "run(...)"));
    assertEquals("predictSingle/predict need a model with one output; this one has 0: use run(...) or setInput",
        CallContract.singleProblem(one, new CallTensor[0], "run(...) or setInput"));
    assertEquals("tensor 'ids' holds INT32", CallContract.singleProblem(new CallTensor[] {INTS},
        new CallTensor[] {OUT}, "run(...)"));
    assertEquals("tensor 'ids' holds INT32", CallContract.singleProblem(one, new CallTensor[] {INTS}, "run(...)"));
  }

  @Test
  void batchSizeMustBePositive() {
    CallContract.requirePositiveBatch(1);
    refused("batch size must be positive, got 0", () -> CallContract.requirePositiveBatch(0));
    refused("batch size must be positive, got -3", () -> CallContract.requirePositiveBatch(-3));
  }

  @Test
  void indexMustAddressATensor() {
    assertEquals(2, CallContract.requireIndex("input", 2, 3));
    refused("input index 3 out of range; model has 3", () -> CallContract.requireIndex("input", 3, 3));
    refused("output index -1 out of range; model has 1", () -> CallContract.requireIndex("output", -1, 1));
  }

  @Test
  void wholeTensorCallsBringOneArrayPerTensor() {
    CallTensor[] inputs = {IN, IN};
    CallTensor[] outputs = {OUT};
    CallContract.requireCounts(inputs, outputs, new float[2][], new float[1][]);
    refused("model has 2 inputs and 1 outputs; given 1 and 1",
        () -> CallContract.requireCounts(inputs, outputs, new float[1][], new float[1][]));
    refused("model has 2 inputs and 1 outputs; given 2 and 3",
        () -> CallContract.requireCounts(inputs, outputs, new float[2][], new float[3][]));
  }

  @Test
  void floatAndKnownRows() {
    CallContract.requireFloat(IN);
    refused("tensor 'ids' holds INT32", () -> CallContract.requireFloat(INTS));
    assertEquals(4, CallContract.requireKnownRow("input", IN));
    refused("output 'seq' has shape [-1, -1]: dimensions other than the batch must be known to size a row",
        () -> CallContract.requireKnownRow("output", UNKNOWN));
  }

  @Test
  void lengthsNameTheTensorItsShapeAndBothCounts() {
    CallContract.requireLength("input", IN, 4, new float[4]);
    refused("input 'in' expects 4 values (shape [1, 4], declared [-1, 4]), given 3",
        () -> CallContract.requireLength("input", IN, 4, new float[3]));
    refused("output 'out' expects 2 values (shape [1, 2], declared [-1, 2]), given 0",
        () -> CallContract.requireLength("output", OUT, 2, null));
    assertEquals("output 'out' expects 6 values (shape [1, 2], declared [-1, 2]), given 7",
        CallContract.lengthMismatch("output", OUT, 6, 7).getMessage());
  }

  @Test
  void everyRecordIsOneRow() {
    CallContract.requireRows(new float[][] {new float[4], new float[4]}, IN, 4);
    refused("row 1 has 3 values; input 'in' expects 4 per row (shape [-1, 4])",
        () -> CallContract.requireRows(new float[][] {new float[4], new float[3]}, IN, 4));
    refused("row 0 has no values; input 'in' expects 4 per row (shape [-1, 4])",
        () -> CallContract.requireRows(new float[][] {null}, IN, 4));
  }

  @Test
  void buffersHoldTheRowsOfTheCall() {
    assertEquals(12, CallContract.requireRemaining("input", FloatBuffer.allocate(13), 3, IN, 4));
    refused("input buffer has 11 values remaining; 3 rows of input 'in' need 12",
        () -> CallContract.requireRemaining("input", FloatBuffer.allocate(11), 3, IN, 4));
    FloatBuffer advanced = FloatBuffer.allocate(8).position(3);
    refused("output buffer has 5 values remaining; 3 rows of output 'out' need 6",
        () -> CallContract.requireRemaining("output", advanced, 3, OUT, 2));
  }

  @Test
  void batchRowsOfDynamicInputsMustAgree() {
    CallTensor[] inputs = {IN, Tensor.of("mask", 2)};
    assertEquals(3, CallContract.batchRows(new float[][] {new float[12], new float[6]}, inputs, -1));
    refused("inputs disagree on the batch size: input 'mask' has 2 rows, the first input 3",
        () -> CallContract.batchRows(new float[][] {new float[12], new float[4]}, inputs, -1));
    refused("no data for input 'mask'",
        () -> CallContract.batchRows(new float[][] {new float[12], null}, inputs, -1));
    refused("input 'in' expects 4 values (shape [1, 4], declared [-1, 4]), given 6",
        () -> CallContract.batchRows(new float[][] {new float[6], new float[6]}, inputs, -1));
    refused("input 'in' expects 4 values (shape [1, 4], declared [-1, 4]), given 0",
        () -> CallContract.batchRows(new float[][] {new float[0], new float[6]}, inputs, -1));
    assertEquals(-1, CallContract.batchRows(new float[0][], new CallTensor[0], -1));
  }

  @Test
  void batchRowsOfAFixedBatchMustBeIt() {
    CallTensor[] inputs = {new Tensor("in", "[2, 4]", "[2, 4]", 4, null)};
    assertEquals(2, CallContract.batchRows(new float[][] {new float[8]}, inputs, 2));
    refused("input 'in' has a fixed batch of 2 rows (shape [2, 4]); given 3",
        () -> CallContract.batchRows(new float[][] {new float[12]}, inputs, 2));
  }

  @Test
  void batchRowsNeedFloatInputsOfKnownRows() {
    refused("tensor 'ids' holds INT32",
        () -> CallContract.batchRows(new float[][] {new float[3]}, new CallTensor[] {INTS}, -1));
    refused("input 'seq' has shape [-1, -1]: dimensions other than the batch must be known to size a row",
        () -> CallContract.batchRows(new float[][] {new float[3]}, new CallTensor[] {UNKNOWN}, -1));
  }
}
