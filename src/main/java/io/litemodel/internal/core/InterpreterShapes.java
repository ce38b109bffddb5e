package io.litemodel.internal.core;

import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.internal.analysis.InputShapes;
import io.litemodel.internal.analysis.MemoryBudget;
import io.litemodel.internal.analysis.ModelGraph;
import io.litemodel.internal.analysis.TensorMemory;
import java.util.Arrays;

/**
 * The input shapes one {@link ModelInterpreter} is allocated for, and every change to them: the batch dimension
 * (dynamic, or fixed with chunking), explicit resizes, the memory budget (checked before anything is allocated, and
 * used to split a batch into as few invocations as fit), and giving back a large arena when a much smaller
 * allocation follows. Not thread-safe; {@link LiteModel} guards it with its {@link CallGate}.
 *
 * <p>Every reallocation goes through {@link #applyShapes(String)}, so the batch size, the memory estimate and the
 * interpreter's tensors can never disagree: a failure half way marks the batch unknown, and the next call resizes
 * again instead of trusting tensors TensorFlow Lite may have moved.
 */
public final class InterpreterShapes {
  /**
   * An allocation above this many bytes is given back (by a fresh interpreter) when the next one needs less than a
   * quarter of it: TensorFlow Lite's arena only grows, so one huge batch would otherwise keep its memory until close.
   */
  static final long SHRINK_ABOVE_BYTES = 64L << 20;

  private final ModelInterpreter interpreter;
  private final TensorBinding[] inputs;
  /** The model's graph, for the memory estimate. */
  private final ModelGraph graph;
  /** The subgraph that runs (the main graph, or the selected signature's): the one the memory estimate reads. */
  private final int subgraph;
  private final long memoryBudget;
  /** The model's source, for messages. */
  private final String source;
  /** -1 when every input's first dimension is dynamic, else the fixed batch size. */
  private final int fixedBatch;
  /** The shape each input is (to be) allocated at. */
  private final int[][] resizeDims;
  /** Elements of each input at its stored shape: the base of the memory estimate's growth. */
  private final long[] storedElements;
  /** The batch size tensors are allocated for; 0 while unknown (after a failed resize). */
  private int currentBatch;
  /** The memory estimate of the current allocation, in bytes. */
  private long allocatedBytes;
  /** The row count {@link #rowsWithinBudget} last answered for, and its answer (so repeating a batch costs nothing). */
  private int budgetCheckedRows = -1;
  private int budgetRows;

  /**
   * @param storedBytes the memory estimate of the interpreter's first allocation (the stored input shapes)
   */
  public InterpreterShapes(ModelInterpreter interpreter, ModelGraph graph, int subgraph, long memoryBudget, String source,
      long storedBytes) {
    this.interpreter = interpreter;
    this.inputs = interpreter.inputs();
    this.graph = graph;
    this.subgraph = subgraph;
    this.memoryBudget = memoryBudget;
    this.source = source;
    this.allocatedBytes = storedBytes;
    boolean dynamic = inputs.length > 0;
    for (TensorBinding binding : inputs) {
      dynamic &= binding.dynamicBatch() && binding.shapeView().length >= 2;
    }
    this.fixedBatch = dynamic ? -1 : batchOf(inputs);
    this.resizeDims = new int[inputs.length][];
    this.storedElements = new long[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      resizeDims[i] = inputs[i].shapeView().clone();
      storedElements[i] = Math.max(1, elements(resizeDims[i]));
    }
    this.currentBatch = inputs.length > 0 && inputs[0].shapeView().length > 0 ? inputs[0].shapeView()[0] : 1;
  }

  /**
   * Checks the memory budget of a model at its stored input shapes, before an interpreter is built for it.
   *
   * @return the estimate in bytes, for the constructor's {@code storedBytes}
   * @throws LiteModelException with {@link LiteModelException.Status#MEMORY_BUDGET_EXCEEDED} when it does not fit
   */
  public static long checkStored(ModelGraph graph, int subgraph, long memoryBudget, String source) {
    return MemoryBudget.check(graph, subgraph, 1.0, memoryBudget, "model " + source + " at its stored input shapes")
        .bytes();
  }

  private static int batchOf(TensorBinding[] inputs) {
    if (inputs.length == 0 || inputs[0].shapeView().length < 2) {
      return 1;
    }
    return Math.max(1, inputs[0].shapeView()[0]);
  }

  /** @return true when the batch dimension is dynamic and batches run in one invocation */
  public boolean dynamicBatch() {
    return fixedBatch < 0;
  }

  /** @return how batches run, for {@code toString} */
  public String describeBatch() {
    return fixedBatch < 0
        ? "dynamic, one invocation per batch (current " + currentBatch + ")"
        : "fixed at " + fixedBatch + ", batches run in chunks of " + fixedBatch;
  }

  /** @return the shapes the inputs are allocated at (a live view: callers copy what they keep) */
  public int[][] shapesView() {
    return resizeDims;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Batches (hot path: no allocation unless the batch size changes)

  /** Makes the tensors hold one row, when the batch is dynamic and currently holds another count. */
  void prepareSingleRow() {
    if (currentBatch != 1 && fixedBatch < 0) {
      resizeBatch(1);
    }
  }

  /**
   * @param rows the rows of a call (positive)
   * @return rows per invocation: as many as fit the budget when the batch is dynamic (tensors resized to that), else
   *     the fixed batch size
   */
  int chunkSize(int rows) {
    if (fixedBatch < 0) {
      int chunk = rowsWithinBudget(rows);
      if (currentBatch != chunk) {
        resizeBatch(chunk);
      }
      return chunk;
    }
    return fixedBatch;
  }

  /**
   * Sizes the batch for a multi-input call: whole rows per input, the same count for every input when the batch is
   * dynamic (tensors resized to it if it changed).
   *
   * @throws IllegalArgumentException if an input is missing, not float, not whole rows, or the inputs disagree
   */
  void prepareRun(float[][] data) {
    if (fixedBatch >= 0) {
      return;
    }
    int batch = CallContract.batchRows(data, inputs, -1);
    if (batch != currentBatch) {
      resizeBatch(batch);
    }
  }

  /**
   * Resizes the batch dimension of every input and reallocates. Cold path: only when the batch size changes. On
   * failure the previous shapes are kept (the batch stays marked unknown, so the next call resizes again).
   */
  private void resizeBatch(int rows) {
    for (TensorBinding in : inputs) {
      if ((long) rows * in.rowElements() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("a batch of " + rows + " rows of input '" + in.name() + "' has more "
            + "than " + Integer.MAX_VALUE + " elements");
      }
    }
    int[][] previous = new int[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      previous[i] = resizeDims[i].clone();
      resizeDims[i][0] = rows;
    }
    try {
      applyShapes("a batch of " + rows + " rows");
    } catch (RuntimeException e) {
      System.arraycopy(previous, 0, resizeDims, 0, previous.length);
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The memory budget

  /**
   * @return how many of {@code rows} rows one invocation may take within the memory budget (all of them, unless the
   *     batch would exceed it); cached for the last row count asked, so repeated batch sizes cost nothing
   * @throws LiteModelException with {@link LiteModelException.Status#MEMORY_BUDGET_EXCEEDED} if not even one row fits
   */
  private int rowsWithinBudget(int rows) {
    if (rows == budgetCheckedRows) {
      return budgetRows;
    }
    int fitting = rows;
    if (estimateForBatch(rows) > memoryBudget) {
      int low = 0;
      int high = rows;
      while (high - low > 1) { // the estimate grows with the rows: find the largest batch that fits
        int middle = (int) (((long) low + high) >>> 1);
        if (estimateForBatch(middle) <= memoryBudget) {
          low = middle;
        } else {
          high = middle;
        }
      }
      if (low == 0) {
        checkShapes(batchDims(1), "one row"); // throws, naming the largest tensor
      }
      fitting = low;
    }
    budgetCheckedRows = rows;
    budgetRows = fitting;
    return fitting;
  }

  private long estimateForBatch(int rows) {
    return TensorMemory.estimate(graph, subgraph, growth(batchDims(rows))).bytes();
  }

  private int[][] batchDims(int rows) {
    int[][] dims = new int[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      dims[i] = resizeDims[i].clone();
      if (dims[i].length > 0) {
        dims[i][0] = rows;
      }
    }
    return dims;
  }

  /** @return how much the inputs at {@code dims} grew against their stored shapes (largest element ratio) */
  private double growth(int[][] dims) {
    double growth = 1.0;
    for (int i = 0; i < dims.length; i++) {
      growth = Math.max(growth, elements(dims[i]) / (double) storedElements[i]);
    }
    return growth;
  }

  private static long elements(int[] dims) {
    long count = 1;
    for (int dim : dims) {
      count *= Math.max(0, dim);
    }
    return count;
  }

  private TensorMemory.Estimate checkShapes(int[][] dims, String what) {
    return MemoryBudget.check(graph, subgraph, growth(dims), memoryBudget, what + " of model " + source);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Explicit shapes

  /**
   * Sets the shape of one input and reallocates (see {@link LiteModel#resizeInput(int, int...)}).
   *
   * @throws IllegalArgumentException if the shape breaks the declaration or has too many elements
   */
  public void resizeInput(TensorBinding in, int[] shape) {
    String problem = InputShapes.problem(in.name(), in.shapeSignatureView(), shape);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    long elements = 1;
    for (int dim : shape) {
      elements *= dim;
      if (elements > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("input '" + in.name() + "' of shape " + Arrays.toString(shape)
            + " would have more than " + Integer.MAX_VALUE + " elements");
      }
    }
    int index = in.index();
    int[] previous = resizeDims[index];
    resizeDims[index] = shape.clone();
    try {
      applyShapes("input '" + in.name() + "' of shape " + Arrays.toString(shape));
    } catch (RuntimeException e) {
      resizeDims[index] = previous;
      throw e;
    } finally {
      budgetCheckedRows = -1; // the rows that fit depend on the other dimensions
    }
  }

  /** Restores the shapes after the interpreter was rebuilt by a state reset, when they can be allocated. */
  public void afterRebuild() {
    if (shapesAllocatable()) {
      applyShapes("the input shapes after a reset");
    }
  }

  /** Takes another instance's input shapes (a replica's origin), when they differ and can be allocated. */
  public void adopt(int[][] shapes) {
    boolean same = true;
    for (int i = 0; i < inputs.length; i++) {
      same &= Arrays.equals(shapes[i], resizeDims[i]);
    }
    if (same) {
      return;
    }
    int[][] previous = resizeDims.clone();
    for (int i = 0; i < inputs.length; i++) {
      resizeDims[i] = shapes[i].clone();
    }
    if (!shapesAllocatable()) {
      System.arraycopy(previous, 0, resizeDims, 0, previous.length);
      return;
    }
    budgetCheckedRows = -1;
    applyShapes("a replica's input shapes");
  }

  private boolean shapesAllocatable() {
    for (int i = 0; i < inputs.length; i++) {
      if (!InputShapes.allocatable(resizeDims[i], inputs[i].shapeSignatureView())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Resizes every input to {@link #resizeDims} and reallocates, after checking the memory budget (nothing is allocated
   * when it would be exceeded). When the previous allocation was large and this one needs under a quarter of it, the
   * interpreter is rebuilt first, which gives the arena's memory back (TensorFlow Lite's arena never shrinks); models
   * with resource variables keep their interpreter, and so their state. The batch size follows the first input.
   */
  private void applyShapes(String what) {
    TensorMemory.Estimate estimate = checkShapes(resizeDims, what);
    currentBatch = 0;
    interpreter.checkShapes(resizeDims);
    if (allocatedBytes > SHRINK_ABOVE_BYTES && estimate.bytes() * 4 < allocatedBytes
        && !graph.hasResourceVariables()) {
      interpreter.rebuildForShrink();
    }
    interpreter.resize(resizeDims);
    allocatedBytes = estimate.bytes();
    currentBatch = inputs.length > 0 && resizeDims[0].length > 0 ? resizeDims[0][0] : 1;
  }
}
