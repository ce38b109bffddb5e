package io.litemodel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.litemodel.LiteModel;
import io.litemodel.batch.PipelineDefaults;
import io.litemodel.image.DecoderKind;
import io.litemodel.image.ImagePreprocessor;
import io.litemodel.image.Normalization;
import io.litemodel.io.NpyArray;
import io.litemodel.io.NpyWriter;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PredictCommandTest {
  private static final String MLP = "models/seed_mlp.tflite";
  private static final String CNN = "models/image_cnn.tflite";

  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int predict(String... args) {
    CommandLine cli = LiteModelCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    all[0] = "predict";
    System.arraycopy(args, 0, all, 1, args.length);
    all[all.length - 1] = "--no-progress";
    return cli.execute(all);
  }

  private static float[] readAll(NpyArray array) {
    float[] values = new float[(int) (array.rows() * array.rowElements())];
    FloatBuffer row = FloatBuffer.allocate(array.rowElements());
    for (long r = 0; r < array.rows(); r++) {
      array.readRow(r, row);
      System.arraycopy(row.array(), 0, values, (int) r * array.rowElements(), array.rowElements());
    }
    return values;
  }

  private static List<String[]> csv(Path file) throws Exception {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      rows.add(line.split(","));
    }
    return rows;
  }

  @Test
  void imageFolderToCsvMatchesPredictSingle() throws Exception {
    Path images = Files.createDirectory(dir.resolve("images"));
    for (int i = 0; i < 5; i++) {
      BufferedImage image = new BufferedImage(120 + 10 * i, 90, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      g.setPaint(new java.awt.GradientPaint(0, 0, new Color(30 * i, 10, 200), 100, 90, Color.YELLOW));
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.dispose();
      String format = i % 2 == 0 ? "jpg" : "png";
      ImageIO.write(image, format, images.resolve("img" + i + "." + format).toFile());
    }
    Files.writeString(images.resolve("notes.txt"), "not an image");
    Path output = dir.resolve("out.csv");

    // No --normalize: image_cnn's sidecar records 'symmetric', which the expected values below use.
    int status = predict("--model", CNN, "--input", images.toString(), "--output", output.toString(), "--batch", "2");

    assertEquals(0, status, err.toString());
    assertTrue(out.toString().startsWith("preprocessing: [-1,1] (symmetric, recorded in models/image_cnn.json)\n"),
        out.toString());
    assertTrue(out.toString().contains("predicted 5 items, skipped 0"), out.toString());
    List<String[]> rows = csv(output);
    assertEquals(6, rows.size());
    assertEquals("item", rows.get(0)[0]);
    assertEquals(11, rows.get(0).length);
    try (LiteModel model = LiteModel.load(Path.of(CNN))) {
      ImagePreprocessor preprocessor = ImagePreprocessor.factory(model, Normalization.symmetric()).get();
      FloatBuffer input = FloatBuffer.allocate(preprocessor.elements());
      float[] expected = new float[10];
      for (int i = 0; i < 5; i++) {
        String[] row = rows.get(i + 1);
        String name = "img" + i + (i % 2 == 0 ? ".jpg" : ".png");
        assertEquals(name, row[0]);
        preprocessor.write(images.resolve(name), input);
        model.predictSingle(input.array(), expected);
        float[] actual = new float[10];
        for (int k = 0; k < 10; k++) {
          actual[k] = Float.parseFloat(row[k + 1]);
        }
        assertArrayEquals(expected, actual, 1e-5f, name);
      }
    }
  }

  @Test
  void anExplicitNormalizationWinsOverTheSidecarAndSaysSo() throws Exception {
    Path images = Files.createDirectory(dir.resolve("images"));
    BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    image.setRGB(3, 4, 0xff8040);
    ImageIO.write(image, "png", images.resolve("one.png").toFile());
    Path output = dir.resolve("out.npy");

    assertEquals(0, predict("--model", CNN, "--input", images.toString(), "--output", output.toString(),
        "--normalize", "unit"), err.toString());
    assertTrue(out.toString().startsWith("preprocessing: [0,1] (--normalize unit)\n"), out.toString());

    float[] row = NpyArray.open(output).toMatrix()[0];
    try (LiteModel model = LiteModel.load(Path.of(CNN))) {
      ImagePreprocessor preprocessor = ImagePreprocessor.factory(model, Normalization.unit()).get();
      FloatBuffer input = FloatBuffer.allocate(preprocessor.elements());
      preprocessor.write(images.resolve("one.png"), input);
      assertArrayEquals(model.predictSingle(input.array()), row, 1e-5f);
    }
  }

  @Test
  void decoderOptionChoosesTheDecoder() throws Exception {
    Path images = Files.createDirectory(dir.resolve("images"));
    Random random = new Random(3);
    BufferedImage image = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 200; y++) {
      for (int x = 0; x < 300; x++) {
        image.setRGB(x, y, (x * 255 / 300) << 16 | (y * 255 / 200) << 8 | random.nextInt(256));
      }
    }
    ImageIO.write(image, "jpg", images.resolve("a.jpg").toFile());
    ImageIO.write(image, "png", images.resolve("b.png").toFile());
    try (LiteModel model = LiteModel.load(Path.of(CNN))) {
      for (DecoderKind kind : new DecoderKind[] {DecoderKind.IMAGEIO, DecoderKind.OPENCV}) {
        Path output = dir.resolve(kind + ".csv");
        int status = predict("--model", CNN, "--input", images.toString(), "--output", output.toString(),
            "--decoder", kind.name().toLowerCase(Locale.ROOT));
        assertEquals(0, status, err.toString());
        assertTrue(out.toString().contains(", decoding with " + kind.name().toLowerCase(Locale.ROOT) + " with "),
            out.toString());
        out.getBuffer().setLength(0);
        List<String[]> rows = csv(output);
        try (ImagePreprocessor preprocessor =
            ImagePreprocessor.factory(model, Normalization.symmetric(), kind).get()) { // image_cnn.json's
          FloatBuffer input = FloatBuffer.allocate(preprocessor.elements());
          for (int i = 0; i < 2; i++) {
            String name = rows.get(i + 1)[0];
            preprocessor.write(images.resolve(name), input);
            float[] expected = new float[10];
            model.predictSingle(input.array(), expected);
            float[] actual = new float[10];
            for (int k = 0; k < 10; k++) {
              actual[k] = Float.parseFloat(rows.get(i + 1)[k + 1]);
            }
            assertArrayEquals(expected, actual, 1e-5f, kind + " " + name);
          }
        }
      }
    }
  }

  @Test
  void defaultDecoderIsAutoWhichIsOpenCvWhenPresent() throws Exception {
    Path images = Files.createDirectory(dir.resolve("images"));
    ImageIO.write(new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB), "png", images.resolve("a.png").toFile());
    int status = predict("--model", CNN, "--input", images.toString(), "--output", dir.resolve("o.csv").toString());
    assertEquals(0, status, err.toString());
    // The test classpath has OpenCV (pom.xml); the fallback without it is tested in DecoderResolverTest.
    assertTrue(out.toString().contains(", decoding with opencv with "), out.toString());
  }

  @Test
  void npyToNpyMatchesGoldenOutputs() throws Exception {
    Path output = dir.resolve("out.npy");
    int status = predict("--model", MLP, "--input", "models/seed_mlp.golden.input.npy", "--output",
        output.toString(), "--batch", "3");
    assertEquals(0, status, err.toString());
    NpyArray expected = NpyArray.open(Path.of("models/seed_mlp.golden.tflite.npy"));
    NpyArray actual = NpyArray.open(output);
    assertArrayEquals(expected.shape(), actual.shape());
    assertArrayEquals(readAll(expected), readAll(actual), 1e-5f);
  }

  @Test
  void npyWithTheWrongRowLengthIsRejectedWithBothLengths() throws Exception {
    Path output = dir.resolve("out.npy");
    int status = predict("--model", MLP, "--input", "models/multi_io.golden.input.features.npy", "--output",
        output.toString());
    assertEquals(1, status);
    assertTrue(err.toString().contains("rows of 16 values; the model's input takes 256"), err.toString());
  }

  private Path csvInput(int rows, int badLine) throws Exception {
    try (LiteModel model = LiteModel.load(Path.of(MLP))) {
      int width = model.inputs().get(0).shape()[1];
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < width; i++) {
        text.append(i == 0 ? "" : ",").append("f").append(i);
      }
      text.append('\n');
      Random random = new Random(7);
      for (int r = 0; r < rows; r++) {
        int values = r + 2 == badLine ? width - 1 : width; // line 1 is the header
        for (int i = 0; i < values; i++) {
          text.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", random.nextFloat()));
        }
        text.append('\n');
      }
      Path file = dir.resolve("in.csv");
      Files.writeString(file, text, StandardCharsets.UTF_8);
      return file;
    }
  }

  private static float[] parseRow(String line) {
    String[] fields = line.split(",");
    float[] values = new float[fields.length];
    for (int i = 0; i < fields.length; i++) {
      values[i] = Float.parseFloat(fields[i]);
    }
    return values;
  }

  @Test
  void csvToCsvSkipsTheShortLineAndKeepsTheRest() throws Exception {
    Path input = csvInput(7, 5);
    Path output = dir.resolve("out.csv");
    int status = predict("--model", MLP, "--input", input.toString(), "--output", output.toString(), "--batch", "4",
        "--on-error", "skip");
    assertEquals(0, status, err.toString());
    assertTrue(err.toString().contains("skipped line 5: expected 256 values, found 255"), err.toString());
    List<String[]> rows = csv(output);
    assertEquals(7, rows.size()); // header + 6
    List<String> lines = Files.readAllLines(input);
    try (LiteModel model = LiteModel.load(Path.of(MLP))) {
      float[] expected = new float[model.outputs().get(0).shape()[1]];
      int r = 1;
      for (int line = 2; line <= 8; line++) {
        if (line == 5) {
          continue;
        }
        String[] row = rows.get(r++);
        assertEquals("line " + line, row[0]);
        model.predictSingle(parseRow(lines.get(line - 1)), expected);
        float[] actual = new float[expected.length];
        for (int k = 0; k < expected.length; k++) {
          actual[k] = Float.parseFloat(row[k + 1]);
        }
        assertArrayEquals(expected, actual, 1e-5f);
      }
    }
  }

  @Test
  void csvFailFastWritesWhatWasPredictedBeforeTheBadLine() throws Exception {
    Path input = csvInput(9, 7);
    Path output = dir.resolve("out.npy");
    int status = predict("--model", MLP, "--input", input.toString(), "--output", output.toString(), "--batch", "2");
    assertEquals(1, status);
    assertTrue(err.toString().contains("line 7: expected 256 values, found 255"), err.toString());
    assertTrue(out.toString().contains("the 5 rows predicted before it are in " + output.toAbsolutePath()),
        out.toString());
    assertEquals(5, NpyArray.open(output).rows());
  }

  @Test
  void skippedItemIsANanRowInNpyOutput() throws Exception {
    Path input = csvInput(4, 3);
    Path output = dir.resolve("out.npy");
    int status = predict("--model", MLP, "--input", input.toString(), "--output", output.toString(), "--on-error",
        "skip");
    assertEquals(0, status, err.toString());
    NpyArray result = NpyArray.open(output);
    assertEquals(4, result.rows());
    FloatBuffer row = FloatBuffer.allocate(result.rowElements());
    result.readRow(1, row);
    assertTrue(Float.isNaN(row.get(0)));
    result.readRow(2, row);
    assertTrue(Float.isFinite(row.get(0)));
  }

  /** Runs predict with one bad setting and checks it is a usage error (status 2) with {@code message}. */
  private void assertUsageError(String message, String... args) {
    err.getBuffer().setLength(0);
    assertEquals(2, predict(args), err.toString());
    assertTrue(err.toString().contains(message), err.toString());
  }

  @Test
  void badOptionsAreUsageErrorsWithClearMessages() throws Exception {
    String in = csvInput(2, -1).toString();
    String out = dir.resolve("x.csv").toString();
    assertUsageError("must end in .npy or .csv", "--model", MLP, "--input", in, "--output",
        dir.resolve("x.txt").toString());
    assertUsageError("--on-error must be 'fail' or 'skip'", "--model", MLP, "--input", in, "--output", out,
        "--on-error", "ignore");
    assertUsageError("--normalize: unknown normalization 'bright'", "--model", MLP, "--input", in, "--output", out,
        "--normalize", "bright");
    assertUsageError("--decoder: unknown decoder 'turbo'; use auto, imageio or opencv", "--model", MLP, "--input", in,
        "--output", out, "--decoder", "turbo");
    assertUsageError("--decode-scale: unknown decode scale 'half'; use exact or auto", "--model", MLP, "--input", in,
        "--output", out, "--decode-scale", "half");
    assertUsageError("--batch must be at least 1, got 0", "--model", MLP, "--input", in, "--output", out,
        "--batch", "0");
    assertUsageError("--replicas must be at least 1, got 0", "--model", MLP, "--input", in, "--output", out,
        "--replicas", "0");
    assertUsageError("--threads must be at least 1", "--model", MLP, "--input", in, "--output", out,
        "--threads", "0");
    assertUsageError("--workers must be 0 or more", "--model", MLP, "--input", in, "--output", out,
        "--workers", "-5");
    assertUsageError("does not exist", "--model", MLP, "--input", dir.resolve("missing").toString(), "--output",
        out);
    assertUsageError("--model: no such file", "--model", dir.resolve("none.tflite").toString(), "--input", in,
        "--output", out);
    assertUsageError("folder does not exist", "--model", MLP, "--input", in, "--output",
        dir.resolve("nowhere/x.csv").toString());
    assertTrue(Files.notExists(Path.of(out)));
  }

  @Test
  void outputNamingTheInputIsRefusedAndTheInputSurvives() throws Exception {
    Path npy = dir.resolve("in.npy");
    Files.copy(Path.of("models/seed_mlp.golden.input.npy"), npy);
    byte[] npyBytes = Files.readAllBytes(npy);
    assertUsageError("is the --input file", "--model", MLP, "--input", npy.toString(), "--output", npy.toString());
    // Another spelling of the same file.
    String other = dir.resolve("sub/../in.npy").toString();
    Files.createDirectory(dir.resolve("sub"));
    assertUsageError("is the --input file", "--model", MLP, "--input", npy.toString(), "--output", other);
    assertArrayEquals(npyBytes, Files.readAllBytes(npy));

    Path csv = csvInput(3, -1);
    byte[] csvBytes = Files.readAllBytes(csv);
    assertUsageError("is the --input file", "--model", MLP, "--input", csv.toString(), "--output", csv.toString());
    assertArrayEquals(csvBytes, Files.readAllBytes(csv));
  }

  @Test
  void outputReplacesAnOldFileAtomicallyAndLeavesNoTemporaryFile() throws Exception {
    Path output = dir.resolve("out.npy");
    Files.writeString(output, "old results");
    int status = predict("--model", MLP, "--input", "models/seed_mlp.golden.input.npy", "--output",
        output.toString());
    assertEquals(0, status, err.toString());
    assertEquals(8, NpyArray.open(output).rows());
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("out.npy"), files.map(f -> f.getFileName().toString()).collect(
          java.util.stream.Collectors.toList()));
    }
  }

  /**
   * @return a .npy of {@code rows} rows for the MLP (256 values each): the first up to 5,000 random, the rest zero
   *     and sparse on disk (so a large input costs neither time nor space)
   */
  private Path mlpInput(int rows) throws Exception {
    Path file = dir.resolve("in.npy");
    Random random = new Random(11);
    float[] row = new float[256];
    int written = Math.min(rows, 5000);
    try (NpyWriter writer = new NpyWriter(file, 256)) {
      for (int r = 0; r < written; r++) {
        for (int i = 0; i < row.length; i++) {
          row[i] = random.nextFloat();
        }
        writer.write(row);
      }
    }
    if (rows > written) {
      try (java.io.RandomAccessFile raw = new java.io.RandomAccessFile(file.toFile(), "rw")) {
        byte[] header = new byte[128];
        raw.readFully(header);
        String text = new String(header, StandardCharsets.ISO_8859_1).replace("(" + written + ",", "(" + rows + ",");
        raw.seek(0);
        raw.write(text.substring(0, 127).concat("\n").getBytes(StandardCharsets.ISO_8859_1)); // padding absorbs it
        raw.setLength(128 + 1024L * rows);
      }
    }
    assertEquals(rows, NpyArray.open(file).rows());
    return file;
  }

  /** Every row of {@code result} equals the model's prediction for the same row of {@code input}. */
  private static void assertRowsArePredictionsOf(NpyArray input, NpyArray result) throws Exception {
    try (LiteModel model = LiteModel.load(Path.of(MLP))) {
      float[] in = new float[input.rowElements()];
      float[] expected = new float[result.rowElements()];
      float[] actual = new float[result.rowElements()];
      for (long r = 0; r < result.rows(); r++) {
        input.readRow(r, FloatBuffer.wrap(in));
        model.predictSingle(in, expected);
        result.readRow(r, FloatBuffer.wrap(actual));
        assertArrayEquals(expected, actual, 1e-5f, "row " + r);
      }
    }
  }

  @Test
  void killMinus9LeavesAReadablePartialFileThatTheNextRunRecoversAndReports() throws Exception {
    Path input = mlpInput(200_000);
    Path output = dir.resolve("out.npy");
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), LiteModelCli.class.getName(), "predict", "--model", MLP, "--input",
        input.toString(), "--output", output.toString(), "--batch", "1", "--workers", "1", "--no-progress");
    Path log = dir.resolve("child.log");
    Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Path partial = dir.resolve(".out.npy.partial-" + child.pid());
    int rowBytes;
    try (LiteModel model = LiteModel.load(Path.of(MLP))) {
      rowBytes = 4 * model.outputs().get(0).rowElements();
    }
    try {
      // Kill once the child has written 1000 rows: mid-run, since the input has 200 times more.
      long deadline = System.nanoTime() + 240_000_000_000L;
      while (!Files.exists(partial) || Files.size(partial) < 128 + 1000L * rowBytes) {
        if (!child.isAlive() || System.nanoTime() > deadline) {
          fail("the child ended or stalled before it could be killed:\n" + Files.readString(log));
        }
        Thread.sleep(2);
      }
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally block runs in the child
      child.waitFor();
    }
    assertEquals(128 + 9, child.exitValue(), Files.readString(log));
    assertTrue(Files.notExists(output), "the run finished before the kill");

    NpyArray cut = NpyArray.open(partial);
    long rows = cut.rows();
    assertTrue(rows >= 1000, "rows " + rows);
    assertTrue(rows < 200_000, "rows " + rows);
    assertTrue(Files.size(partial) - 128 - rows * rowBytes < rowBytes, "more than a half row after the counted rows");
    assertRowsArePredictionsOf(NpyArray.open(input), cut);

    // The next run to the same output finds the partial file, repairs it, moves it and says so.
    int status = predict("--model", MLP, "--input", "models/seed_mlp.golden.input.npy", "--output",
        output.toString());
    assertEquals(0, status, err.toString());
    Path kept = dir.resolve("out.unfinished-" + child.pid() + ".npy").toAbsolutePath();
    assertTrue(err.toString().contains("found " + partial.toAbsolutePath() + ", left by a run (process " + child.pid()
        + ") that did not finish; moved its " + rows + " complete rows (" + (128 + rows * rowBytes) + " of its "),
        err.toString());
    assertTrue(err.toString().contains(" bytes) to " + kept), err.toString());
    assertTrue(Files.notExists(partial));
    NpyArray recovered = NpyArray.open(kept);
    assertEquals(rows, recovered.rows());
    assertEquals(128 + rows * rowBytes, Files.size(kept));
    assertEquals(8, NpyArray.open(output).rows());
  }

  @Test
  void aRunThatFailsKeepsAnExistingOutputAndSaysWhereItsRowsWent() throws Exception {
    Path input = csvInput(9, 7);
    Path output = dir.resolve("out.npy");
    Files.copy(Path.of("models/seed_mlp.golden.tflite.npy"), output);
    byte[] older = Files.readAllBytes(output);
    int status = predict("--model", MLP, "--input", input.toString(), "--output", output.toString(), "--batch", "2");
    assertEquals(1, status);
    Path kept = dir.resolve("out.unfinished-" + ProcessHandle.current().pid() + ".npy").toAbsolutePath();
    assertTrue(out.toString().contains("stopped at line 7 (use --on-error skip to go on); the 5 rows predicted "
        + "before it are in " + kept + " (" + output.toAbsolutePath() + ", from an earlier run, was left as it was)"),
        out.toString());
    assertArrayEquals(older, Files.readAllBytes(output));
    assertEquals(5, NpyArray.open(kept).rows());
  }

  @Test
  void aCompleteRunReplacesAnExistingOutput() throws Exception {
    Path output = dir.resolve("out.csv");
    Files.writeString(output, "older");
    int status = predict("--model", MLP, "--input", "models/seed_mlp.golden.input.npy", "--output",
        output.toString());
    assertEquals(0, status, err.toString());
    assertTrue(out.toString().contains("wrote 8 rows to " + output.toAbsolutePath()), out.toString());
    assertEquals(9, Files.readAllLines(output).size());
  }

  /**
   * A real full disk: a 64 KiB tmpfs. Mounting needs root with CAP_SYS_ADMIN (as in this project's containers);
   * elsewhere the test is skipped, and PredictSinkTest covers the same with a simulated full disk.
   */
  @Test
  void fullDiskStopsTheRunAndTheMessageSaysWhereTheRowsThatFitAre() throws Exception {
    Path input = mlpInput(3000);
    Path small = Files.createDirectory(dir.resolve("small"));
    assumeTrue(command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", small.toString()) == 0,
        "cannot mount a tmpfs here");
    try {
      for (String name : new String[] {"pred.csv", "pred.npy"}) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        Path output = small.resolve(name);
        int status = predict("--model", MLP, "--input", input.toString(), "--output", output.toString(),
            "--batch", "8");
        assertEquals(1, status, name);
        assertTrue(err.toString().contains("No space left on device"), err.toString());
        long rows = name.endsWith(".csv") ? Files.readAllLines(output).size() - 1 : NpyArray.open(output).rows();
        assertTrue(rows > 0 && rows < 3000, name + ": " + rows);
        assertTrue(out.toString().contains("stopped by an error; the " + rows + " rows written before it are in "
            + output.toAbsolutePath() + "\n"), out.toString());
        try (Stream<Path> files = Files.list(small)) {
          assertEquals(List.of(name), files.map(f -> f.getFileName().toString()).collect(Collectors.toList()));
        }
        if (name.endsWith(".npy")) {
          assertRowsArePredictionsOf(NpyArray.open(input), NpyArray.open(output));
        } else {
          assertTrue(Files.readString(output).endsWith("\n"), "a cut line at the end");
        }
        Files.delete(output);
      }
    } finally {
      // Lazy: NpyArray maps the output, and the mapping lives until garbage collection.
      command("umount", "-l", small.toString());
    }
  }

  private static int command(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    return process.waitFor();
  }

  /** Without pipeline flags the command runs PipelineDefaults: one replica per core, no workers, batch 4. */
  @Test
  void pipelineDefaultsAreTheMachines() throws Exception {
    Path output = dir.resolve("defaults.npy");
    int status = predict("--model", MLP, "--input", "models/seed_mlp.golden.input.npy", "--output",
        output.toString());
    assertEquals(0, status, err.toString());
    assertTrue(out.toString().contains("with BatchPredictor[batch " + PipelineDefaults.batchSize() + ", 0 workers, "
        + PipelineDefaults.replicas() + " replicas,"), out.toString());
  }

  /** --decode-scale auto reaches the image preprocessors and is said in the output line. */
  @Test
  void decodeScaleAutoIsUsedAndSaid() throws Exception {
    Path images = Files.createDirectory(dir.resolve("scaled"));
    Files.copy(Path.of("src/test/resources/io/litemodel/image/decoders/video-001.jpeg"), images.resolve("a.jpg"));
    int status = predict("--model", CNN, "--input", images.toString(), "--output", dir.resolve("s.csv").toString(),
        "--decoder", "opencv", "--decode-scale", "auto");
    assertEquals(0, status, err.toString());
    assertTrue(out.toString().contains("decoding with opencv at a reduced size (--decode-scale auto)"),
        out.toString());
  }

  /** The case: a JPEG cut to its first 5,000 bytes was predicted without a warning, even with fail. */
  @Test
  void aTruncatedJpegStopsTheRunWithEitherDecoder() throws Exception {
    Path images = Files.createDirectory(dir.resolve("images"));
    byte[] jpeg = Files.readAllBytes(Path.of("src/test/resources/io/litemodel/image/decoders/video-001.jpeg"));
    Files.write(images.resolve("a.jpg"), jpeg);
    Files.write(images.resolve("b.jpg"), java.util.Arrays.copyOf(jpeg, 5000));
    for (String decoder : new String[] {"imageio", "opencv"}) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      Path output = dir.resolve(decoder + ".csv");
      int status = predict("--model", CNN, "--input", images.toString(), "--output", output.toString(), "--decoder",
          decoder, "--batch", "1");
      assertEquals(1, status, decoder);
      assertTrue(err.toString().contains("error: b.jpg: cannot decode image " + images.resolve("b.jpg")
          + ": truncated JPEG: the data ends at byte 5000"), err.toString());
      assertEquals(2, Files.readAllLines(output).size()); // header and a.jpg only
    }
  }
}
