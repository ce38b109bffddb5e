package io.litemodel.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import io.litemodel.batch.PipelineDefaults;
import io.litemodel.image.DecodeScale;
import io.litemodel.image.DecoderKind;
import io.litemodel.image.ImagePreprocessor;
import io.litemodel.image.Normalization;
import io.litemodel.tensorflow.TfModel;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark transforms on a real {@code local[2]} SparkSession (two executor threads in this JVM, tasks serialized
 * as on a cluster): parity with in-process predictions, a 100,000-row job, images from a folder, damaged images,
 * and models that executors cannot find or that changed.
 */
class SparkTransformTest {
  private static final Path MLP = Path.of("models/seed_mlp.tflite");
  private static final Path CLASSIFIER = Path.of("models/seed_classifier.tflite");
  private static final Path IMAGE_CNN = Path.of("models/image_cnn.tflite");
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder().master("local[2]").appName("litemodel-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
    ExecutorModels.SHARED.clear();
  }

  private static float[] features(long seed, int width) {
    Random random = new Random(seed);
    float[] row = new float[width];
    for (int i = 0; i < width; i++) {
      row[i] = (float) random.nextGaussian();
    }
    return row;
  }

  private static Dataset<Row> featureFrame(int rows, int width, int partitions) {
    List<Row> data = new ArrayList<>();
    for (int id = 0; id < rows; id++) {
      data.add(RowFactory.create((long) id, features(id, width)));
    }
    StructType schema = new StructType().add("id", DataTypes.LongType, false)
        .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), true);
    return spark.createDataFrame(data, schema).repartition(partitions);
  }

  private static float[] floats(Row row, String column) {
    Object value = row.get(row.fieldIndex(column));
    if (value == null) {
      return null;
    }
    List<Object> list = row.getList(row.fieldIndex(column));
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (Float) list.get(i);
    }
    return out;
  }

  @Test
  void arrayFeaturesMatchInProcessPredictions() {
    int rows = 300;
    Dataset<Row> scored = new ModelTransformer(ModelSource.shipBytes(MLP)).setInputCol("features")
        .setOutputCol("scores").setBatchSize(16).transform(featureFrame(rows, 256, 3));
    assertEquals(List.of("id", "features", "scores"), Arrays.asList(scored.columns()));
    List<Row> collected = scored.collectAsList();
    assertEquals(rows, collected.size());
    try (LiteModel model = LiteModel.load(MLP)) {
      for (Row row : collected) {
        long id = row.getLong(0);
        float[] expected = model.predictSingle(features(id, 256));
        assertArrayEquals(expected, floats(row, "scores"), 1e-5f, "row " + id);
      }
    }
  }

  /**
   * TensorFlow Lite options travel with the source: a memory budget too small for the model refuses it on the driver,
   * which opens the model for its signature, and the options survive the serialization that takes a source to the
   * executors, which open it the same way (ExecutorModels).
   */
  @Test
  void optionsTravelWithTheSource() throws Exception {
    LiteModel.Options tiny = LiteModel.Options.defaults().withThreads(2).withMemoryBudget(1 << 20);
    ModelSource source = ModelSource.shipBytes(IMAGE_CNN).withOptions(tiny); // its activations need megabytes
    assertEquals(tiny, source.options());
    assertEquals(LiteModel.Options.defaults(), ModelSource.shipBytes(MLP).options());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(source);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(tiny, ((ModelSource) in.readObject()).options());
    }
    // The driver opens the model for its signature when transform is called: with the source's options.
    LiteModelException error = assertThrows(LiteModelException.class, () -> new ModelTransformer(source)
        .setInputCol("features").setOutputCol("scores").transform(featureFrame(4, 224 * 224 * 3, 3)));
    assertEquals(LiteModelException.Status.MEMORY_BUDGET_EXCEEDED, error.status(), error.getMessage());
  }

  @Test
  void numericColumnsAreOneValueEach() {
    int width = 20;
    List<Row> data = new ArrayList<>();
    StructType schema = new StructType().add("id", DataTypes.IntegerType, false);
    for (int c = 0; c < width; c++) {
      schema = schema.add("f" + c, DataTypes.DoubleType, false);
    }
    for (int id = 0; id < 50; id++) {
      Object[] values = new Object[width + 1];
      values[0] = id;
      float[] row = features(id, width);
      for (int c = 0; c < width; c++) {
        values[c + 1] = (double) row[c];
      }
      data.add(RowFactory.create(values));
    }
    String[] columns = new String[width];
    Arrays.setAll(columns, c -> "f" + c);
    List<Row> scored = new ModelTransformer(ModelSource.shipBytes(CLASSIFIER)).setInputCols(columns)
        .setBatchSize(7).transform(spark.createDataFrame(data, schema)).collectAsList();
    try (LiteModel model = LiteModel.load(CLASSIFIER)) {
      for (Row row : scored) {
        assertArrayEquals(model.predictSingle(features(row.getInt(0), width)), floats(row, "prediction"), 1e-5f);
      }
    }
  }

  @Test
  void hundredThousandRowsInOneModelLoadPerJvm() {
    ModelSource source = ModelSource.shipBytes(CLASSIFIER);
    int loadsBefore = ExecutorModels.SHARED.loads();
    // Features computed by Spark on the executors, so the driver never holds the 100,000 rows.
    Dataset<Row> frame = spark.range(0, 100_000, 1, 4).selectExpr("id",
        "transform(sequence(1, 20), i -> cast(sin(id * 0.001 + i) as float)) as features");
    Dataset<Row> scored = new ModelTransformer(source).setBatchSize(256).transform(frame).cache();
    try {
      Row totals = scored.selectExpr("count(*)", "count(prediction)", "sum(size(prediction))").first();
      assertEquals(100_000L, totals.getLong(0));
      assertEquals(100_000L, totals.getLong(1));
      try (LiteModel model = LiteModel.load(CLASSIFIER)) {
        int outRow = model.outputs().get(0).shape()[1];
        assertEquals(100_000L * outRow, totals.getLong(2));
        for (Row row : scored.where("id in (0, 4242, 99999)").collectAsList()) {
          float[] input = new float[20];
          for (int i = 0; i < 20; i++) {
            input[i] = (float) Math.sin(row.getLong(0) * 0.001 + (i + 1));
          }
          assertArrayEquals(model.predictSingle(input), floats(row, "prediction"), 1e-4f, "row " + row.getLong(0));
        }
      }
    } finally {
      scored.unpersist();
    }
    // Four partitions on two task threads, one JVM: the model was loaded once.
    assertEquals(loadsBefore + 1, ExecutorModels.SHARED.loads());
  }

  @Test
  void badFeatureRowsAreNullWithReasonOrFailTheJob() {
    StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
        .add("features", DataTypes.createArrayType(DataTypes.FloatType, true), true);
    List<Row> data = List.of(RowFactory.create(0, features(0, 20)), RowFactory.create(1, new float[3]),
        RowFactory.create(2, null), RowFactory.create(3, features(3, 20)));
    Dataset<Row> frame = spark.createDataFrame(data, schema).coalesce(1);
    ModelSource source = ModelSource.shipBytes(CLASSIFIER);
    List<Row> rows = new ModelTransformer(source).setOnError(OnError.NULL).setErrorCol("why").transform(frame)
        .orderBy("id").collectAsList();
    assertNotNull(floats(rows.get(0), "prediction"));
    assertNull(rows.get(0).getAs("why"));
    assertNull(floats(rows.get(1), "prediction"));
    assertEquals("input column 'features' has 3 values; the model takes 20", rows.get(1).getAs("why"));
    assertNull(floats(rows.get(2), "prediction"));
    assertEquals("input column 'features' is null", rows.get(2).getAs("why"));
    assertNotNull(floats(rows.get(3), "prediction"));
    try (LiteModel model = LiteModel.load(CLASSIFIER)) {
      assertArrayEquals(model.predictSingle(features(3, 20)), floats(rows.get(3), "prediction"), 1e-5f);
    }

    Exception error = assertThrows(Exception.class,
        () -> new ModelTransformer(source).transform(frame).collectAsList());
    assertTrue(messages(error).contains("cannot predict row 1 of partition 0: input column 'features' has 3 values"),
        messages(error));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Images

  private static void writeImage(Path file, int width, int height, long seed) throws IOException {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xffffff)), width, height,
        new Color(random.nextInt(0xffffff))));
    g.fillRect(0, 0, width, height);
    g.setColor(new Color(random.nextInt(0xffffff)));
    g.fillOval(random.nextInt(width / 2), random.nextInt(height / 2), width / 3, height / 3);
    g.dispose();
    String format = file.toString().endsWith(".png") ? "png" : "jpg";
    assertTrue(ImageIO.write(image, format, file.toFile()));
  }

  /** What the in-process pipeline predicts for each decodable image of the folder, with this decoder and scale. */
  private static Map<String, float[]> inProcess(Path folder, Normalization normalization, DecoderKind decoder,
      DecodeScale scale) throws IOException {
    Map<String, float[]> expected = new HashMap<>();
    try (LiteModel model = LiteModel.load(IMAGE_CNN);
         ImagePreprocessor preprocessor = ImagePreprocessor.factory(model, normalization, decoder, scale).get();
         var files = Files.list(folder)) {
      float[] input = new float[preprocessor.elements()];
      for (Path file : (Iterable<Path>) files::iterator) {
        try {
          preprocessor.write(file, FloatBuffer.wrap(input));
        } catch (IOException e) {
          continue; // the damaged file: no in-process prediction either
        }
        expected.put(file.getFileName().toString(), model.predictSingle(input));
      }
    }
    return expected;
  }

  @Test
  void imageFolderMatchesThePredictPipeline(@TempDir Path folder) throws IOException {
    for (int i = 0; i < 6; i++) {
      writeImage(folder.resolve("img" + i + (i % 3 == 0 ? ".png" : ".jpg")), 120 + 40 * i, 90 + 30 * i, i);
    }
    Files.writeString(folder.resolve("notes.txt"), "not an image, not read");
    List<Row> rows = new ModelTransformer(ModelSource.shipBytes(IMAGE_CNN)).setInputKind(InputKind.IMAGE)
        .setNormalization("symmetric").setBatchSize(4).transform(ImageFiles.read(spark, folder.toString()))
        .select("path", "prediction").collectAsList();
    // The transformer's defaults: DecoderKind.AUTO (OpenCV, on the test class path) at full size.
    Map<String, float[]> expected = inProcess(folder, Normalization.symmetric(), DecoderKind.AUTO, DecodeScale.EXACT);
    assertEquals(6, rows.size());
    assertEquals(6, expected.size());
    for (Row row : rows) {
      String name = Path.of(java.net.URI.create(row.getString(0))).getFileName().toString();
      assertArrayEquals(expected.get(name), floats(row, "prediction"), 1e-5f, name);
    }
  }

  @Test
  void decoderAndDecodeScaleParamsMatchTheirInProcessPaths(@TempDir Path folder) throws IOException {
    // 500 x 460 JPEGs: DecodeScale.AUTO decodes them at 1/2 (250 x 230, still at least the model's 224 x 224).
    for (int i = 0; i < 3; i++) {
      writeImage(folder.resolve("big" + i + ".jpg"), 500, 460, 10 + i);
    }
    ModelSource source = ModelSource.shipBytes(IMAGE_CNN);
    for (DecoderKind decoder : new DecoderKind[] {DecoderKind.IMAGEIO, DecoderKind.OPENCV}) {
      for (DecodeScale scale : DecodeScale.values()) {
        List<Row> rows = new ModelTransformer(source).setInputKind(InputKind.IMAGE).setDecoder(decoder)
            .setDecodeScale(scale).transform(ImageFiles.read(spark, folder.toString()))
            .select("path", "prediction").collectAsList();
        Map<String, float[]> expected = inProcess(folder, Normalization.unit(), decoder, scale);
        assertEquals(3, rows.size());
        for (Row row : rows) {
          String name = Path.of(java.net.URI.create(row.getString(0))).getFileName().toString();
          assertArrayEquals(expected.get(name), floats(row, "prediction"), 1e-5f, decoder + " " + scale + " " + name);
        }
      }
    }
    // The reduced decode differs from the full one: the param reaches the executors.
    Map<String, float[]> exact = inProcess(folder, Normalization.unit(), DecoderKind.OPENCV, DecodeScale.EXACT);
    Map<String, float[]> reduced = inProcess(folder, Normalization.unit(), DecoderKind.OPENCV, DecodeScale.AUTO);
    assertFalse(Arrays.equals(exact.get("big0.jpg"), reduced.get("big0.jpg")), "DecodeScale.AUTO changed nothing");
  }

  @Test
  void corruptImageIsNullWithItsPathOrFailsTheJobNamingIt(@TempDir Path folder) throws IOException {
    for (int i = 0; i < 3; i++) {
      writeImage(folder.resolve("good" + i + ".jpg"), 200, 150, i);
    }
    byte[] whole = Files.readAllBytes(folder.resolve("good0.jpg"));
    Files.write(folder.resolve("cut.jpg"), Arrays.copyOf(whole, whole.length / 2));
    ModelSource source = ModelSource.shipBytes(IMAGE_CNN);
    List<Row> rows = new ModelTransformer(source).setInputKind(InputKind.IMAGE).setOnError(OnError.NULL)
        .transform(ImageFiles.read(spark, folder.toString())).select("path", "prediction", "prediction_error")
        .collectAsList();
    Map<String, float[]> expected = inProcess(folder, Normalization.unit(), DecoderKind.AUTO, DecodeScale.EXACT);
    assertEquals(4, rows.size());
    for (Row row : rows) {
      String name = Path.of(java.net.URI.create(row.getString(0))).getFileName().toString();
      if (name.equals("cut.jpg")) {
        assertNull(row.get(1));
        String why = row.getString(2);
        assertTrue(why.startsWith("cannot decode image " + row.getString(0) + ": "), why);
      } else {
        assertNull(row.get(2));
        assertArrayEquals(expected.get(name), floats(row, "prediction"), 1e-5f, name);
      }
    }
    Exception error = assertThrows(Exception.class, () -> new ModelTransformer(source)
        .setInputKind(InputKind.IMAGE).transform(ImageFiles.read(spark, folder.toString())).collectAsList());
    assertTrue(messages(error).contains("cannot predict " + folder.toUri().toString().replace("file:///", "file:/")
        + "cut.jpg: cannot decode image"), messages(error));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Models on executors

  @Test
  void missingModelOnAnExecutorIsAClearError(@TempDir Path dir) throws IOException {
    Path model = dir.resolve("gone.tflite");
    Files.copy(CLASSIFIER, model);
    ModelSource source = ModelSource.atPath(model.toString());
    ModelTransformer transformer = new ModelTransformer(source);
    Dataset<Row> frame = featureFrame(10, 20, 1);
    transformer.transformSchema(frame.schema()); // the driver reads the signature while the file is there
    Files.delete(model); // ... and the executors do not find it
    Exception error = assertThrows(Exception.class, () -> transformer.transform(frame).collectAsList());
    assertTrue(messages(error).contains("model " + model + " not found on executor host "), messages(error));
    assertTrue(messages(error).contains("ModelSource.shipBytes"), messages(error));
  }

  @Test
  void modelThatChangedUnderItsPathIsRefused(@TempDir Path dir) throws IOException {
    Path model = dir.resolve("model.tflite");
    Files.copy(CLASSIFIER, model);
    ModelSource source = ModelSource.atPath(model.toString());
    Files.copy(MLP, model, StandardCopyOption.REPLACE_EXISTING);
    Exception error = assertThrows(Exception.class,
        () -> new ModelTransformer(source).transform(featureFrame(5, 20, 1)).collectAsList());
    assertTrue(messages(error).contains("differs from the driver's"), messages(error));
  }

  @Test
  void aSavedModelDirectoryAtAPathRunsOnTheTensorFlowRuntime() {
    Path savedModel = Path.of("models/seed_mlp_savedmodel").toAbsolutePath();
    List<Row> rows = new ModelTransformer(ModelSource.atPath(savedModel.toString())).setBatchSize(16)
        .transform(featureFrame(40, 256, 2)).collectAsList();
    assertEquals(40, rows.size());
    try (TfModel model = TfModel.loadSavedModel(savedModel)) {
      for (Row row : rows) {
        assertArrayEquals(model.predictSingle(features(row.getLong(0), 256)), floats(row, "prediction"), 1e-5f);
      }
    }
  }

  @Test
  void pathSourceWorksWhenTheFileIsThere() {
    ModelSource source = ModelSource.atPath(CLASSIFIER.toAbsolutePath().toString());
    List<Row> rows = new ModelTransformer(source).transform(featureFrame(20, 20, 2)).collectAsList();
    try (LiteModel model = LiteModel.load(CLASSIFIER)) {
      for (Row row : rows) {
        assertArrayEquals(model.predictSingle(features(row.getLong(0), 20)), floats(row, "prediction"), 1e-5f);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Schema and parameters

  @Test
  void schemaComesFromTheModelAndBadColumnsAreRefusedOnTheDriver() {
    ModelTransformer transformer = new ModelTransformer(ModelSource.shipBytes(CLASSIFIER)).setOutputCol("p");
    Dataset<Row> frame = featureFrame(3, 20, 1);
    StructType schema = transformer.transformSchema(frame.schema());
    StructField output = schema.apply("p");
    assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false), output.dataType());
    assertEquals("output", output.metadata().getString(ModelTransformer.META_TENSOR));
    try (LiteModel model = LiteModel.load(CLASSIFIER)) {
      long[] shape = Arrays.stream(model.outputs().get(0).shapeSignature()).asLongStream().toArray();
      assertEquals(-1, shape[0]);
      assertArrayEquals(shape, output.metadata().getLongArray(ModelTransformer.META_SHAPE));
    }

    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> transformer.copy(new org.apache.spark.ml.param.ParamMap()).setInputCol("nope").transform(frame));
    assertTrue(error.getMessage().startsWith("input column 'nope' is not in the DataFrame"), error.getMessage());
    error = assertThrows(IllegalArgumentException.class,
        () -> new ModelTransformer(ModelSource.shipBytes(CLASSIFIER)).setInputCol("id").transform(frame));
    assertEquals("input column 'id' is bigint; features input needs array<float> or array<double>",
        error.getMessage());
    error = assertThrows(IllegalArgumentException.class,
        () -> new ModelTransformer(ModelSource.shipBytes(CLASSIFIER)).setInputCols("id", "id").transform(frame));
    assertTrue(error.getMessage().startsWith("2 input columns given; the model's input 'input' takes 20"),
        error.getMessage());
    error = assertThrows(IllegalArgumentException.class,
        () -> new ModelTransformer(ModelSource.shipBytes(Path.of("models/multi_io.tflite"))).transform(frame));
    assertTrue(error.getMessage().contains("one input and one output"), error.getMessage());
    error = assertThrows(IllegalArgumentException.class, () -> transformer.setBatchSize(0));
    assertEquals("batchSize must be >= 1, got 0", error.getMessage());
  }

  @Test
  void defaultsAreThePipelineDefaults() {
    ModelTransformer transformer = new ModelTransformer(ModelSource.shipBytes(CLASSIFIER));
    assertEquals(PipelineDefaults.batchSize(), transformer.getOrDefault(transformer.batchSize()));
    assertEquals(PipelineDefaults.BATCH_SIZE, ModelTransformer.DEFAULT_BATCH);
    assertEquals("auto", transformer.getOrDefault(transformer.decoder()));
    assertEquals("exact", transformer.getOrDefault(transformer.decodeScale()));
    transformer.setDecoder(DecoderKind.IMAGEIO).setDecodeScale(DecodeScale.AUTO);
    ModelTransformer copy = transformer.copy(new org.apache.spark.ml.param.ParamMap());
    assertEquals("imageio", copy.getOrDefault(copy.decoder()));
    assertEquals("auto", copy.getOrDefault(copy.decodeScale()));
  }

  @Test
  void copyKeepsTheSourceAndParams() {
    ModelTransformer original = new ModelTransformer(ModelSource.shipBytes(CLASSIFIER)).setOutputCol("x")
        .setBatchSize(9);
    ModelTransformer copy = original.copy(new org.apache.spark.ml.param.ParamMap());
    assertEquals(original.uid(), copy.uid());
    assertEquals(original.source(), copy.source());
    assertEquals("x", copy.getOrDefault(copy.outputCol()));
    assertEquals(9, copy.getOrDefault(copy.batchSize()));
  }

  @Test
  void executorCacheEvictsLeastRecentlyUsedAndReusesReplicas() {
    ExecutorModels cache = new ExecutorModels(1);
    ModelSource first = ModelSource.shipBytes(CLASSIFIER);
    ModelSource second = ModelSource.shipBytes(MLP);
    io.litemodel.InferenceModel replica;
    try (ExecutorModels.Lease lease = cache.lease(first)) {
      replica = lease.model();
    }
    try (ExecutorModels.Lease lease = cache.lease(first)) {
      assertTrue(lease.model() == replica, "a returned replica is leased again");
    }
    assertEquals(1, cache.loads());
    try (ExecutorModels.Lease lease = cache.lease(second)) {
      assertEquals(256, lease.model().inputs().get(0).shape()[1]);
    }
    assertEquals(1, cache.size());
    assertTrue(replica.isClosed(), "the evicted model's replicas are closed");
    IllegalStateException error = assertThrows(IllegalStateException.class, () -> {
      ExecutorModels.Lease lease = cache.lease(second);
      lease.close();
      lease.model();
    });
    assertEquals("this model lease was already given back", error.getMessage());
  }

  private static String messages(Throwable error) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" | ");
    }
    return all.toString();
  }
}
