package io.litemodel;

import com.fasterxml.jackson.databind.JsonNode;
import io.litemodel.io.NpyArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks one public model of the conformance suite against TensorFlow's Python interpreter (see
 * {@link PublicModelConformanceTest}, which runs this in a child JVM per model so that a native crash fails that model
 * with its output instead of ending the whole test run). With default options (XNNPACK): the same input and output
 * names, shapes, shape signatures, types and quantization; the same outputs on the same fixed inputs (float: within
 * 1e-4 of the output's largest magnitude, or {@link #SPREAD_FACTOR} times TensorFlow's own spread on that output;
 * quantized: within 1 LSB), call after call for stateful models and after each resize for dynamic-shape models; an
 * execution report that accounts for every operator of the primary graph and lists every subgraph; and no Java heap
 * allocation per call in steady state. A model that nobody can run must be refused on load with the expected status
 * naming each unresolved op and its count.
 *
 * <p>{@link #main} prints the outcome as {@code key=value} lines ({@code runsWhere}, {@code maxDifference},
 * {@code bytesPerCall}, {@code result}, one {@code problem} per finding) and a last line {@code end=done}.
 */
public final class PublicModelCheck {
  /**
   * Float outputs: largest |LiteModel - Python| over the output's largest |Python value| may be this, or
   * {@link #SPREAD_FACTOR} times TensorFlow's own spread on that output, whichever is larger.
   */
  static final double RELATIVE_TOLERANCE = 1e-4;
  /**
   * How many times TensorFlow's own spread (its built-in kernels against its XNNPACK, measured by gather.py on the
   * same inputs) a difference may reach. LiteModel's XNNPACK (TFLite 2.20) and Python's (TensorFlow 2.21) are two
   * builds that may each stray from the built-in kernels about as far as Python's does, in opposite directions (2x);
   * one measured spread only estimates how far a build strays (another 2x: pose_landmark_full's one-element score
   * near 1e-6 differs from Python by 2.01 times its spread).
   * A wrong result (stale buffer, wrong layout, wrong kernel) misses by orders of magnitude more.
   */
  private static final double SPREAD_FACTOR = 4;
  /** Quantized outputs: largest difference in quantization steps. */
  private static final int LSB_TOLERANCE = 1;
  private static final int WARM_UP_CALLS = 20;
  private static final int MEASURED_CALLS = 40;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** What the check found for one model. */
  static final class Outcome {
    String runsWhere = "-";
    String maxDifference = "-";
    String bytesPerCall = "-";
    String result = "not run";
    final List<String> problems = new ArrayList<>();
  }

  private PublicModelCheck() {}

  /**
   * Checks the model named {@code args[0]} (the cache must be built) and prints the outcome (see the class comment).
   */
  public static void main(String[] args) {
    PublicModels.Entry entry = PublicModels.entry(args[0]);
    Outcome outcome = check(entry);
    System.out.println("runsWhere=" + oneLine(outcome.runsWhere));
    System.out.println("maxDifference=" + oneLine(outcome.maxDifference));
    System.out.println("bytesPerCall=" + oneLine(outcome.bytesPerCall));
    System.out.println("result=" + oneLine(outcome.result));
    outcome.problems.forEach(problem -> System.out.println("problem=" + oneLine(problem)));
    System.out.println("end=done");
  }

  /** Checks {@code entry}, whose cache must be complete; never throws for what the model or LiteModel does. */
  static Outcome check(PublicModels.Entry entry) {
    JsonNode reference = PublicModels.reference(entry);
    Outcome outcome = new Outcome();
    String expected = reference.path("expect").path("status").asText("OK");
    if (!expected.equals("OK")) {
      refusedAsExpected(entry, reference, expected, outcome);
      return outcome;
    }
    List<String> problems = outcome.problems;
    try (LiteModel model = LiteModel.load(entry.file())) {
      ExecutionReport report = model.executionReport();
      outcome.runsWhere = ConformanceTable.describe(report);
      checkTensors(model.inputs(), reference.path("inputs"), "input", problems);
      checkTensors(model.outputs(), reference.path("outputs"), "output", problems);
      checkNames(model, reference, problems);
      checkReport(report, reference, problems);
      Differences differences = new Differences();
      Bindings bindings = null;
      int run = 0;
      for (JsonNode runReference : reference.path("runs")) {
        bindings = runAndCompare(model, entry, reference, runReference, run++, differences, problems);
      }
      if (entry.manifest().path("stateful").asBoolean(false)) {
        checkState(model, entry, reference, differences, problems);
      }
      outcome.maxDifference = differences.toString();
      double bytesPerCall = bytesPerCall(model, bindings);
      outcome.bytesPerCall = String.format(Locale.ROOT, "%.1f", bytesPerCall);
      if (bytesPerCall >= 1) {
        problems.add(String.format(Locale.ROOT, "allocated %.1f B per call in steady state", bytesPerCall));
      }
    } catch (RuntimeException | AssertionError e) {
      problems.add(firstLine(e));
      outcome.result = "fails: " + firstLine(e);
      return outcome;
    }
    outcome.result = problems.isEmpty() ? "matches" : "differs: " + String.join("; ", problems);
    return outcome;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // A model nobody can run

  private static void refusedAsExpected(PublicModels.Entry entry, JsonNode reference, String expected,
      Outcome outcome) {
    outcome.runsWhere = "refused on load";
    LiteModelException refusal = null;
    try {
      LiteModel.load(entry.file()).close();
    } catch (LiteModelException e) {
      refusal = e;
    }
    if (refusal == null) {
      outcome.result = "not refused";
      outcome.problems.add(entry.name() + " must be refused on load with " + expected + " (Python says: "
          + reference.path("python_error").asText() + ")");
      return;
    }
    String message = refusal.getMessage();
    if (!refusal.status().name().equals(expected)) {
      outcome.problems.add("refused with " + refusal.status() + ", expected " + expected + ": " + message);
    }
    reference.path("expect").path("unresolved_ops").fields().forEachRemaining(op -> {
      if (!mentionsWithCount(message, op.getKey(), op.getValue().asInt())) {
        outcome.problems.add("the message should name " + op.getKey() + " and its count " + op.getValue().asInt()
            + ": " + message);
      }
    });
    outcome.result = outcome.problems.isEmpty() ? "refused as expected: " + refusal.status()
        : "refused: " + firstLine(refusal);
  }

  /** True when {@code message} names {@code op} with {@code count} next to it ("3 x Op", "Op (3 nodes)", "Op x3"). */
  static boolean mentionsWithCount(String message, String op, int count) {
    String name = Pattern.quote(op);
    return Pattern.compile("\\b" + count + "\\s*[x×*]?\\s*" + name + "\\b"
        + "|\\b" + name + "\\W{0,4}[x×*]?\\s*" + count + "\\b").matcher(message).find();
  }

  private static String oneLine(String text) {
    return text.replace('\n', ' ').replace('\r', ' ');
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Names, shapes, types

  private static void checkTensors(List<TensorSpec> specs, JsonNode expected, String side, List<String> problems) {
    if (specs.size() != expected.size()) {
      problems.add(side + "s: " + specs.size() + ", Python has " + expected.size());
      return;
    }
    for (JsonNode python : expected) {
      TensorSpec spec = byTensorName(specs, python.path("tensor_name").asText());
      if (spec == null) {
        problems.add("no " + side + " has the tensor name '" + python.path("tensor_name").asText() + "'; have "
            + specs.stream().map(TensorSpec::tensorName).toList());
        continue;
      }
      String label = side + " '" + spec.tensorName() + "'";
      String signatureName = python.path("signature_name").isNull() ? null : python.path("signature_name").asText();
      expectEqual(problems, label + " name", signatureName != null ? signatureName : spec.tensorName(), spec.name());
      expectEqual(problems, label + " shape", Arrays.toString(ints(python.path("shape"))),
          Arrays.toString(spec.shape()));
      expectEqual(problems, label + " shape signature", Arrays.toString(ints(python.path("shape_signature"))),
          Arrays.toString(spec.shapeSignature()));
      expectEqual(problems, label + " type", python.path("dtype").asText(), spec.dataType().name());
      expectEqual(problems, label + " zero point", python.path("zero_point").asInt(), spec.zeroPoint());
      float scale = (float) python.path("scale").asDouble();
      if (Math.abs(scale - spec.scale()) > 1e-6 * Math.abs(scale)) {
        problems.add(label + " scale: Python " + scale + ", LiteModel " + spec.scale());
      }
    }
  }

  private static void checkNames(LiteModel model, JsonNode reference, List<String> problems) {
    for (TensorSpec spec : model.inputs()) {
      for (String name : List.of(spec.name(), spec.tensorName())) {
        expectEqual(problems, "inputIndex('" + name + "')", spec.index(), indexOf(model::inputIndex, name));
      }
    }
    for (TensorSpec spec : model.outputs()) {
      for (String name : List.of(spec.name(), spec.tensorName())) {
        expectEqual(problems, "outputIndex('" + name + "')", spec.index(), indexOf(model::outputIndex, name));
      }
    }
    List<String> keys = new ArrayList<>();
    reference.path("signature_keys").forEach(key -> keys.add(key.asText()));
    expectEqual(problems, "signature keys", keys, model.signatureKeys());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Execution report against the real primary graph

  private static void checkReport(ExecutionReport report, JsonNode reference, List<String> problems) {
    List<String> primary = strings(reference.path("primary_operators"));
    expectEqual(problems, "primary operators (report)", primary.size(), report.primaryOperatorCount());
    expectEqual(problems, "delegated + CPU-kernel nodes", primary.size(),
        report.delegatedNodes() + report.cpuOperators().size());
    Map<String, Integer> available = new HashMap<>();
    primary.forEach(op -> available.merge(op, 1, Integer::sum));
    for (String op : report.cpuOperators()) {
      if (available.merge(op, -1, Integer::sum) < 0) {
        problems.add("the report puts more " + op + " on CPU kernels than the primary graph has: "
            + report.cpuOperators());
        break;
      }
    }
    JsonNode subgraphs = reference.path("subgraphs");
    List<ExecutionReport.Subgraph> reported = report.subgraphs();
    expectEqual(problems, "subgraphs", subgraphs.size(), reported.size());
    for (int s = 0; s < Math.min(subgraphs.size(), reported.size()); s++) {
      JsonNode python = subgraphs.get(s);
      ExecutionReport.Subgraph subgraph = reported.get(s);
      String label = "subgraph " + s;
      expectEqual(problems, label + " index", python.path("index").asInt(), subgraph.index());
      expectEqual(problems, label + " name", python.path("name").asText(), subgraph.name());
      expectEqual(problems, label + " role", python.path("role").asText(), subgraph.role().name());
      expectEqual(problems, label + " operators", python.path("operators").size(), subgraph.operators());
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Outputs on the fixed inputs

  /** Direct buffers for every input and output at the current shapes, with the Python-to-LiteModel index maps. */
  private static final class Bindings {
    final int[] inputIndex;
    final int[] outputIndex;
    final ByteBuffer[] inputs;
    final ByteBuffer[] outputs;
    final DataType[] inputTypes;
    final DataType[] outputTypes;

    Bindings(LiteModel model, JsonNode reference) {
      List<TensorSpec> in = model.inputs();
      List<TensorSpec> out = model.outputs();
      JsonNode pythonInputs = reference.path("inputs");
      JsonNode pythonOutputs = reference.path("outputs");
      inputIndex = new int[pythonInputs.size()];
      outputIndex = new int[pythonOutputs.size()];
      inputs = new ByteBuffer[inputIndex.length];
      outputs = new ByteBuffer[outputIndex.length];
      inputTypes = new DataType[inputIndex.length];
      outputTypes = new DataType[outputIndex.length];
      for (int i = 0; i < inputIndex.length; i++) {
        TensorSpec spec = require(in, pythonInputs.get(i).path("tensor_name").asText(), "input");
        inputIndex[i] = spec.index();
        inputTypes[i] = spec.dataType();
        inputs[i] = ByteBuffer.allocateDirect((int) spec.byteSize()).order(ByteOrder.nativeOrder());
      }
      for (int j = 0; j < outputIndex.length; j++) {
        TensorSpec spec = require(out, pythonOutputs.get(j).path("tensor_name").asText(), "output");
        outputIndex[j] = spec.index();
        outputTypes[j] = spec.dataType();
        outputs[j] = ByteBuffer.allocateDirect((int) spec.byteSize()).order(ByteOrder.nativeOrder());
      }
    }

    private static TensorSpec require(List<TensorSpec> specs, String tensorName, String side) {
      TensorSpec spec = byTensorName(specs, tensorName);
      if (spec == null) {
        throw new AssertionError("no " + side + " has the tensor name '" + tensorName + "'");
      }
      return spec;
    }

    /** One allocation-free call: raw inputs in, invoke, raw outputs out. */
    void call(LiteModel model) {
      for (int i = 0; i < inputs.length; i++) {
        model.setInputBytes(inputIndex[i], inputs[i]);
      }
      model.invoke();
      for (int j = 0; j < outputs.length; j++) {
        model.getOutputBytes(outputIndex[j], outputs[j]);
      }
    }
  }

  /** The largest differences seen: relative for float outputs, in quantization steps for quantized ones. */
  private static final class Differences {
    double relative = -1;
    long steps = -1;
    /** The widest bar a float output got from TensorFlow's own spread (0: none wider than 1e-4). */
    double widened;

    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      if (relative >= 0) {
        parts.add(String.format(Locale.ROOT, "%.1e", relative) + (widened > 0 ? String.format(Locale.ROOT,
            " (bar %.1e: %.0fx TensorFlow's own spread)", widened, SPREAD_FACTOR) : ""));
      }
      if (steps >= 0) {
        parts.add(steps + " LSB");
      }
      return parts.isEmpty() ? "-" : String.join(", ", parts);
    }
  }

  private static Bindings runAndCompare(LiteModel model, PublicModels.Entry entry, JsonNode reference,
      JsonNode run, int runIndex, Differences differences, List<String> problems) {
    JsonNode resize = run.path("resize");
    if (resize.isObject()) {
      resize.fields().forEachRemaining(field -> {
        String tensorName = reference.path("inputs").get(Integer.parseInt(field.getKey())).path("tensor_name").asText();
        model.resizeInput(model.inputIndex(tensorName), ints(field.getValue()));
      });
    }
    Bindings bindings = new Bindings(model, reference);
    String label = "run " + runIndex + (resize.isObject() ? " (resize " + resize + ")" : "");
    checkShapes(model.inputs(), bindings.inputIndex, run.path("input_shapes"), label + " input", problems);
    checkShapes(model.outputs(), bindings.outputIndex, run.path("output_shapes"), label + " output", problems);
    NpyArray[] in = open(entry, run.path("inputs"));
    NpyArray[] out = open(entry, run.path("outputs"));
    int calls = run.path("calls").asInt();
    for (int call = 0; call < calls; call++) {
      for (int i = 0; i < in.length; i++) {
        fill(bindings.inputs[i], bindings.inputTypes[i], in[i], call);
      }
      bindings.call(model);
      for (int j = 0; j < out.length; j++) {
        double tolerance = floatTolerance(run.path("python_spread").path(j).asDouble(0));
        compare(bindings.outputs[j], bindings.outputTypes[j], out[j], call, tolerance,
            label + " call " + call + " output '" + model.outputs().get(bindings.outputIndex[j]).tensorName() + "'",
            differences, problems);
      }
    }
    return bindings;
  }

  /**
   * The float-output bar of the suite, for other tests that compare with the same reference data: the largest
   * |LiteModel - Python| over the output's largest |Python value| may reach this.
   *
   * @param pythonSpread TensorFlow's own spread on that output in that run (gather.py's {@code python_spread}; 0 when
   *     it has none)
   */
  public static double floatTolerance(double pythonSpread) {
    return Math.max(RELATIVE_TOLERANCE, SPREAD_FACTOR * pythonSpread);
  }

  /**
   * How far float values are from Python's, as the suite measures a float output: the largest |actual - python| over
   * the largest |python| of the same array (the absolute difference where every Python value is 0). The suite applies
   * it to a whole output tensor (every record of the run's batch at once) and fails a run where it exceeds
   * {@link #floatTolerance}; applied to one record of a batch, the denominator is that record's own largest
   * magnitude, never larger than the batch's, so the same bar is then as strict or stricter.
   *
   * @return the relative difference; NaN where any difference is NaN (it fails every bar)
   * @throws IllegalArgumentException if the arrays differ in length
   */
  public static double relativeDifference(float[] actual, float[] python) {
    if (actual.length != python.length) {
      throw new IllegalArgumentException(actual.length + " values, Python has " + python.length);
    }
    if (python.length == 0) {
      return 0;
    }
    int where = worstElement(actual, python);
    double worst = Math.abs(actual[where] - python[where]);
    double largest = largestMagnitude(python);
    return largest > 0 ? worst / largest : worst;
  }

  /** The index of the largest |actual - python| (a NaN difference counts as the largest); 0 for empty arrays. */
  private static int worstElement(float[] actual, float[] python) {
    double worst = 0;
    int where = 0;
    for (int k = 0; k < python.length; k++) {
      double diff = Math.abs(actual[k] - python[k]);
      if (Double.isNaN(diff)) {
        return k; // NaN counts as the worst (and a later finite difference must not replace it)
      }
      if (diff > worst) {
        worst = diff;
        where = k;
      }
    }
    return where;
  }

  /** @return the largest absolute value in {@code values} (0 for none) */
  public static double largestMagnitude(float[] values) {
    double largest = 0;
    for (float value : values) {
      largest = Math.max(largest, Math.abs(value));
    }
    return largest;
  }

  /**
   * One call's values of a reference file of {@code entry} ({@code [calls, batch, ...]}, as gather.py writes them):
   * the whole batch of that call, record after record, as floats.
   *
   * @param file the file name as reference.json lists it in a run's {@code inputs} or {@code outputs}
   * @throws UncheckedIOException if the file cannot be read
   */
  public static float[] readCall(PublicModels.Entry entry, String file, int call) {
    NpyArray array = open(entry, file);
    float[] values = new float[array.rowElements()];
    array.readRow(call, FloatBuffer.wrap(values));
    return values;
  }

  private static void checkShapes(List<TensorSpec> specs, int[] index, JsonNode shapes, String label,
      List<String> problems) {
    for (int p = 0; p < index.length; p++) {
      expectEqual(problems, label + " " + p + " shape", Arrays.toString(ints(shapes.get(p))),
          Arrays.toString(specs.get(index[p]).shape()));
    }
  }

  /** Writes row {@code call} of {@code values} into {@code target} in the tensor's own type (values are exact). */
  private static void fill(ByteBuffer target, DataType type, NpyArray values, int call) {
    float[] row = new float[values.rowElements()];
    values.readRow(call, FloatBuffer.wrap(row));
    if (row.length * (long) type.byteSize() != target.capacity()) {
      throw new AssertionError("reference input has " + row.length + " values, the tensor holds "
          + target.capacity() + " bytes of " + type);
    }
    for (int k = 0; k < row.length; k++) {
      switch (type) {
        case FLOAT32 -> target.putFloat(k * 4, row[k]);
        case INT8, UINT8 -> target.put(k, (byte) (int) row[k]);
        default -> throw new AssertionError("the suite has no " + type + " inputs yet");
      }
    }
  }

  private static void compare(ByteBuffer actual, DataType type, NpyArray expected, int call, double tolerance,
      String label, Differences differences, List<String> problems) {
    float[] python = new float[expected.rowElements()];
    expected.readRow(call, FloatBuffer.wrap(python));
    if (python.length * (long) type.byteSize() != actual.capacity()) {
      problems.add(label + ": " + actual.capacity() + " bytes of " + type + ", Python has " + python.length
          + " values");
      return;
    }
    if (type == DataType.FLOAT32) {
      float[] ours = new float[python.length];
      for (int k = 0; k < ours.length; k++) {
        ours[k] = actual.getFloat(k * 4);
      }
      int where = worstElement(ours, python);
      double largest = largestMagnitude(python);
      double relative = relativeDifference(ours, python);
      if (tolerance > RELATIVE_TOLERANCE && relative > RELATIVE_TOLERANCE) {
        differences.widened = Math.max(differences.widened, tolerance);
      }
      differences.relative = Math.max(differences.relative, Double.isNaN(relative) ? Double.MAX_VALUE : relative);
      if (!(relative <= tolerance)) {
        problems.add(String.format(Locale.ROOT, "%s: element %d is %s, Python %s (difference %.2e of the largest "
            + "magnitude %s; allowed %.1e)", label, where, ours[where], python[where], relative, largest,
            tolerance));
      }
    } else if (type == DataType.INT8 || type == DataType.UINT8) {
      long worst = 0;
      int where = 0;
      for (int k = 0; k < python.length; k++) {
        int value = type == DataType.INT8 ? actual.get(k) : actual.get(k) & 0xff;
        long diff = Math.abs(value - (long) python[k]);
        if (diff > worst) {
          worst = diff;
          where = k;
        }
      }
      differences.steps = Math.max(differences.steps, worst);
      if (worst > LSB_TOLERANCE) {
        problems.add(label + ": element " + where + " differs by " + worst + " steps from Python");
      }
    } else {
      problems.add(label + ": the suite cannot compare " + type + " outputs yet");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // State

  /**
   * A stateful model: after {@link LiteModel#resetState()} the whole sequence matches Python's again from the start,
   * and the call whose output depends on the earlier calls, made alone after a reset, gives what a fresh Python
   * interpreter gives for it alone.
   */
  private static void checkState(LiteModel model, PublicModels.Entry entry, JsonNode reference,
      Differences differences, List<String> problems) {
    model.resetState();
    JsonNode run = reference.path("runs").get(reference.path("runs").size() - 1);
    List<String> again = new ArrayList<>();
    runAndCompare(model, entry, reference, run, reference.path("runs").size() - 1, differences, again);
    again.forEach(problem -> problems.add("after resetState(): " + problem));
    JsonNode evidence = run.path("state_evidence");
    int call = evidence.path("call").asInt();
    model.resetState();
    Bindings bindings = new Bindings(model, reference);
    NpyArray[] in = open(entry, run.path("inputs"));
    for (int i = 0; i < in.length; i++) {
      fill(bindings.inputs[i], bindings.inputTypes[i], in[i], call);
    }
    bindings.call(model);
    for (int j = 0; j < bindings.outputs.length; j++) {
      List<Float> alone = new ArrayList<>();
      evidence.path("alone").get(j).forEach(value -> alone.add((float) value.asDouble()));
      List<Float> ours = new ArrayList<>();
      for (int k = 0; k < alone.size(); k++) {
        DataType type = bindings.outputTypes[j];
        ours.add(type == DataType.FLOAT32 ? bindings.outputs[j].getFloat(k * 4)
            : type == DataType.INT8 ? (float) bindings.outputs[j].get(k) : (float) (bindings.outputs[j].get(k) & 0xff));
      }
      expectEqual(problems, "call " + call + " alone after resetState(), output " + j, alone, ours);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Allocation

  /**
   * Java heap bytes the calling thread allocates per raw call (set inputs, invoke, read outputs) in steady state: the
   * smaller of two equal windows, since an allocation on every call shows in both while a one-time one (a class
   * initialized late, the JIT's bookkeeping: 128 bytes once made 3.2 B per call over 40 calls) shows in one at most.
   */
  private static double bytesPerCall(LiteModel model, Bindings bindings) {
    for (int i = 0; i < WARM_UP_CALLS; i++) {
      bindings.call(model);
    }
    double smallest = Double.MAX_VALUE;
    for (int window = 0; window < 2; window++) {
      long before = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
      for (int i = 0; i < MEASURED_CALLS; i++) {
        bindings.call(model);
      }
      long allocated = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
      smallest = Math.min(smallest, allocated / (double) MEASURED_CALLS);
    }
    return smallest;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Small helpers

  private static NpyArray[] open(PublicModels.Entry entry, JsonNode files) {
    NpyArray[] arrays = new NpyArray[files.size()];
    for (int k = 0; k < arrays.length; k++) {
      arrays[k] = open(entry, files.get(k).asText());
    }
    return arrays;
  }

  private static NpyArray open(PublicModels.Entry entry, String file) {
    try {
      return NpyArray.open(entry.folder().resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The index a lookup gives, or its error message (a name it does not accept is a finding, not a crash). */
  private static Object indexOf(java.util.function.ToIntFunction<String> lookup, String name) {
    try {
      return lookup.applyAsInt(name);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static TensorSpec byTensorName(List<TensorSpec> specs, String tensorName) {
    for (TensorSpec spec : specs) {
      if (spec.tensorName().equals(tensorName)) {
        return spec;
      }
    }
    return null;
  }

  /**
   * The integers of a JSON array, such as a shape in reference.json ({@code input_shapes}, {@code shape}).
   *
   * @return one value per element, in order (0 for an element that is not a number)
   */
  public static int[] ints(JsonNode array) {
    int[] values = new int[array.size()];
    for (int k = 0; k < values.length; k++) {
      values[k] = array.get(k).asInt();
    }
    return values;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static void expectEqual(List<String> problems, String what, Object python, Object liteModel) {
    if (!python.equals(liteModel)) {
      problems.add(what + ": Python " + python + ", LiteModel " + liteModel);
    }
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int end = message.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (end < 0 ? message : message.substring(0, end));
  }
}
