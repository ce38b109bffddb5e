package io.litemodel.spark;

import io.litemodel.InferenceModel;
import io.litemodel.TensorSpec;
import io.litemodel.batch.PipelineDefaults;
import io.litemodel.image.DecodeScale;
import io.litemodel.image.DecoderKind;
import io.litemodel.image.ImagePreprocessor;
import io.litemodel.image.Normalization;
import io.litemodel.open.Models;
import io.litemodel.open.OpenOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Predicts a DataFrame with a LiteModel model on the executors: a Spark ML {@link Transformer}, so it also fits in a
 * {@code Pipeline}.
 *
 * <pre>{@code
 * Dataset<Row> images = ImageFiles.read(spark, "hdfs:///photos");
 * Dataset<Row> scored = new ModelTransformer(ModelSource.shipBytes(Path.of("image_cnn.tflite")))
 *     .setInputKind(InputKind.IMAGE).setNormalization("symmetric")
 *     .setOutputCol("scores").setOnError(OnError.NULL)
 *     .transform(images);
 * }</pre>
 *
 * <p><b>Columns.</b> Input: one {@code array<float>}/{@code array<double>} column or several numeric columns
 * ({@link InputKind#FEATURES}, {@link #setInputCol}, {@link #setInputCols}), or the {@code content} and
 * {@code path} columns of Spark's {@code binaryFile} source ({@link InputKind#IMAGE}). Output: every input column,
 * then {@link #setOutputCol the output column}, an {@code array<float>} holding the model output's row (its tensor
 * name and shape are in the column's metadata, read from the model's signature), and with {@link OnError#NULL} the
 * {@link #setErrorCol error column}: null for predicted rows, the reason for rows that could not be (whose output
 * is null).
 *
 * <p><b>On the executors</b> each JVM loads the model once ({@link ModelSource}, cached per JVM), each task leases
 * a replica for its partition, and rows go through the model in batches of {@link #setBatchSize} (default
 * {@value #DEFAULT_BATCH}, the batch pipeline's {@link PipelineDefaults#batchSize()}) in one allocation-free call
 * per batch. Images are decoded, resized and normalized straight into the batch by one {@link ImagePreprocessor}
 * per partition, as the in-process pipeline does: OpenCV where it loads ({@link #setDecoder}, default
 * {@link DecoderKind#AUTO}), at full size unless {@link #setDecodeScale} says otherwise. Models with one input and
 * one output, with a batch dimension, are supported, on any runtime {@link Models#open(java.nio.file.Path)} picks
 * from the model's path ({@code .tflite} files, SavedModel directories).
 */
public final class ModelTransformer extends Transformer {
  private static final long serialVersionUID = 1L;
  /**
   * Rows per model invocation unless {@link #setBatchSize} says otherwise: the batch pipeline's default (on Spark the
   * head-to-head benchmark found batch 4 and 8 level: docs/spark.md).
   */
  public static final int DEFAULT_BATCH = PipelineDefaults.BATCH_SIZE;
  /** Output column metadata key: the model output tensor's name. */
  public static final String META_TENSOR = "litemodel.tensor";
  /** Output column metadata key: the output tensor's shape signature (long array, -1 for the batch dimension). */
  public static final String META_SHAPE = "litemodel.shape";

  private final String uid;
  private final ModelSource source;
  private final Param<String> inputCol;
  private final StringArrayParam inputCols;
  private final Param<String> outputCol;
  private final Param<String> errorCol;
  private final Param<String> pathCol;
  private final Param<String> inputKind;
  private final Param<String> onError;
  private final Param<String> normalization;
  private final IntParam batchSize;
  private final Param<String> decoder;
  private final Param<String> decodeScale;
  /** The model's signature, read once on the driver (when the driver can open the model). */
  private transient Signature signature;

  /** @param source where executors get the model */
  public ModelTransformer(ModelSource source) {
    this("litemodel_" + UUID.randomUUID().toString().substring(0, 12), source);
  }

  private ModelTransformer(String uid, ModelSource source) {
    this.uid = uid;
    this.source = Objects.requireNonNull(source, "source");
    this.inputCol = new Param<>(this, "inputCol", "the input column: array<float> features, or the image bytes");
    this.inputCols = new StringArrayParam(this, "inputCols", "numeric input columns, one value each, in order");
    this.outputCol = new Param<>(this, "outputCol", "the output column (array<float>)");
    this.errorCol = new Param<>(this, "errorCol", "the error column, with onError=null");
    this.pathCol = new Param<>(this, "pathCol", "the column naming each image in messages");
    this.inputKind = new Param<>(this, "inputKind", "features or image");
    this.onError = new Param<>(this, "onError", "fail (the job) or null (the row's output, with a reason)");
    this.normalization = new Param<>(this, "normalization", "image normalization: unit, symmetric, raw, or mean/std");
    this.batchSize = new IntParam(this, "batchSize", "rows per model invocation");
    this.decoder = new Param<>(this, "decoder", "image decoder: auto (OpenCV where it loads, else ImageIO), "
        + "opencv or imageio");
    this.decodeScale = new Param<>(this, "decodeScale", "JPEG decode size: exact (full size) or auto (the "
        + "smallest 1/2^k DCT-domain reduction still at least the model's input; OpenCV only)");
    setDefault(inputCol, "features");
    setDefault(outputCol, "prediction");
    setDefault(errorCol, "prediction_error");
    setDefault(pathCol, "path");
    setDefault(inputKind, "features");
    setDefault(onError, "fail");
    setDefault(normalization, "unit");
    setDefault(batchSize, (Object) DEFAULT_BATCH);
    setDefault(decoder, "auto");
    setDefault(decodeScale, "exact");
  }

  @Override
  public String uid() {
    return uid;
  }

  /** @return where executors get the model */
  public ModelSource source() {
    return source;
  }

  /** @return the input column param (default {@code features}; {@code content} is usual for images) */
  public Param<String> inputCol() {
    return inputCol;
  }

  /** @return the input columns param (several numeric columns); when set it wins over {@link #inputCol()} */
  public StringArrayParam inputCols() {
    return inputCols;
  }

  /** @return the output column param (default {@code prediction}) */
  public Param<String> outputCol() {
    return outputCol;
  }

  /** @return the error column param (default {@code prediction_error}; present only with {@link OnError#NULL}) */
  public Param<String> errorCol() {
    return errorCol;
  }

  /** @return the path column param (default {@code path}): names images in messages */
  public Param<String> pathCol() {
    return pathCol;
  }

  /** @return the input kind param ({@code features} or {@code image}) */
  public Param<String> inputKind() {
    return inputKind;
  }

  /** @return the on-error param ({@code fail} or {@code null}) */
  public Param<String> onError() {
    return onError;
  }

  /** @return the image normalization param (default {@code unit}, as the predict command) */
  public Param<String> normalization() {
    return normalization;
  }

  /** @return the batch size param (default {@value #DEFAULT_BATCH}) */
  public IntParam batchSize() {
    return batchSize;
  }

  /** @return the image decoder param ({@code auto}, the default, {@code opencv} or {@code imageio}) */
  public Param<String> decoder() {
    return decoder;
  }

  /** @return the JPEG decode scale param ({@code exact}, the default, or {@code auto}) */
  public Param<String> decodeScale() {
    return decodeScale;
  }

  /** @param column one input column: array features, or encoded image bytes */
  public ModelTransformer setInputCol(String column) {
    set(inputCol, column);
    return this;
  }

  /** @param columns several numeric columns, one value each, in the model's input order */
  public ModelTransformer setInputCols(String... columns) {
    if (columns.length == 0) {
      throw new IllegalArgumentException("setInputCols needs at least one column");
    }
    set(inputCols, columns);
    return this;
  }

  /** @param column the output column's name */
  public ModelTransformer setOutputCol(String column) {
    set(outputCol, column);
    return this;
  }

  /** @param column the error column's name (with {@link OnError#NULL}) */
  public ModelTransformer setErrorCol(String column) {
    set(errorCol, column);
    return this;
  }

  /** @param column the column that names each image in messages ({@code binaryFile}'s {@code path}) */
  public ModelTransformer setPathCol(String column) {
    set(pathCol, column);
    return this;
  }

  /** @param kind what the input columns hold; {@link InputKind#IMAGE} reads {@code content} unless told */
  public ModelTransformer setInputKind(InputKind kind) {
    set(inputKind, kind.name().toLowerCase(Locale.ROOT));
    if (kind == InputKind.IMAGE && !isSet(inputCol)) {
      set(inputCol, "content");
    }
    return this;
  }

  /** @param policy fail the job at the first bad row, or give it a null output and a reason */
  public ModelTransformer setOnError(OnError policy) {
    set(onError, policy.name().toLowerCase(Locale.ROOT));
    return this;
  }

  /**
   * @param spelling as the predict command's {@code --normalize}: {@code unit}, {@code symmetric}, {@code raw} or
   *     mean/std values
   * @throws IllegalArgumentException if {@link Normalization#parse} does not take it
   */
  public ModelTransformer setNormalization(String spelling) {
    Normalization.parse(spelling);
    set(normalization, spelling);
    return this;
  }

  /** @param rows rows per model invocation, at least 1 */
  public ModelTransformer setBatchSize(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + rows);
    }
    set(batchSize, (Object) rows);
    return this;
  }

  /**
   * @param kind which library decodes images on the executors: {@link DecoderKind#AUTO} (the default) takes OpenCV
   *     where it loads there, else ImageIO; {@link DecoderKind#OPENCV} fails the tasks of executors where it does
   *     not load, with a message naming the dependency
   */
  public ModelTransformer setDecoder(DecoderKind kind) {
    set(decoder, kind.name().toLowerCase(Locale.ROOT));
    return this;
  }

  /**
   * @param scale at what size JPEGs are decoded: {@link DecodeScale#EXACT} (the default) at full size, or
   *     {@link DecodeScale#AUTO} reduced in the DCT domain to the smallest 1/2^k size still at least the model's
   *     input (OpenCV only; ImageIO always decodes at full size)
   */
  public ModelTransformer setDecodeScale(DecodeScale scale) {
    set(decodeScale, scale.name().toLowerCase(Locale.ROOT));
    return this;
  }

  private InputKind kind() {
    return InputKind.valueOf(getOrDefault(inputKind).toUpperCase(Locale.ROOT));
  }

  private OnError policy() {
    return OnError.valueOf(getOrDefault(onError).toUpperCase(Locale.ROOT));
  }

  private String[] columns() {
    return isSet(inputCols) && kind() == InputKind.FEATURES ? getOrDefault(inputCols)
        : new String[] {getOrDefault(inputCol)};
  }

  /**
   * Adds the output column (and the error column with {@link OnError#NULL}) after checking the input columns.
   *
   * @throws IllegalArgumentException if an input column is missing or of the wrong type, an output column exists
   *     already, or the model's signature does not fit the input (when the driver can read the model)
   */
  @Override
  public StructType transformSchema(StructType schema) {
    String[] columns = columns();
    for (String column : columns) {
      if (schema.getFieldIndex(column).isEmpty()) {
        throw new IllegalArgumentException("input column '" + column + "' is not in the DataFrame; it has "
            + Arrays.toString(schema.fieldNames()));
      }
      checkType(column, schema.apply(column).dataType(), columns.length);
    }
    Signature model = signature();
    if (model != null && kind() == InputKind.FEATURES && columns.length > 1 && columns.length != model.inputRow) {
      throw new IllegalArgumentException(columns.length + " input columns given; the model's input '"
          + model.input.name() + "' takes " + model.inputRow + " values per row");
    }
    StructType out = schema.add(newColumn(getOrDefault(outputCol), schema,
        DataTypes.createArrayType(DataTypes.FloatType, false), outputMetadata(model)));
    return out.add(newColumn(getOrDefault(errorCol), schema, DataTypes.StringType, Metadata.empty()));
  }

  private static StructField newColumn(String name, StructType schema, DataType type, Metadata metadata) {
    if (schema.getFieldIndex(name).isDefined()) {
      throw new IllegalArgumentException("output column '" + name + "' already exists in the DataFrame");
    }
    return new StructField(name, type, true, metadata);
  }

  private void checkType(String column, DataType type, int count) {
    boolean ok;
    String wanted;
    if (kind() == InputKind.IMAGE) {
      ok = type instanceof BinaryType;
      wanted = "binary (the content column of the binaryFile source)";
    } else if (count == 1) {
      ok = type instanceof ArrayType && ((ArrayType) type).elementType() instanceof NumericType;
      wanted = "array<float> or array<double>";
    } else {
      ok = type instanceof NumericType;
      wanted = "numeric";
    }
    if (!ok) {
      throw new IllegalArgumentException("input column '" + column + "' is " + type.simpleString() + "; "
          + kind().name().toLowerCase(Locale.ROOT) + " input needs " + wanted);
    }
  }

  private static Metadata outputMetadata(Signature model) {
    if (model == null) {
      return Metadata.empty();
    }
    long[] shape = Arrays.stream(model.output.shapeSignature()).asLongStream().toArray();
    return new MetadataBuilder().putString(META_TENSOR, model.output.name()).putLongArray(META_SHAPE, shape).build();
  }

  /**
   * Predicts every row on the executors. With {@link OnError#FAIL}, the job fails at the first row that cannot be
   * predicted, with a message naming it (its path, for images).
   */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType input = dataset.schema();
    StructType withError = transformSchema(input);
    PartitionScorer scorer = new PartitionScorer(source, kind(), columns(), getOrDefault(pathCol),
        getOrDefault(normalization), DecoderKind.parse(getOrDefault(decoder)),
        DecodeScale.parse(getOrDefault(decodeScale)), (Integer) getOrDefault(batchSize), policy(), input);
    Dataset<Row> scored = dataset.toDF().mapPartitions(scorer, Encoders.row(withError));
    return policy() == OnError.NULL ? scored : scored.drop(getOrDefault(errorCol));
  }

  @Override
  public ModelTransformer copy(ParamMap extra) {
    ModelTransformer copy = new ModelTransformer(uid, source);
    copyValues(copy, extra);
    return copy;
  }

  /** The model's input and output as the driver reads them, or null when the driver cannot open the model. */
  private Signature signature() {
    if (signature == null) {
      signature = Signature.read(source);
    }
    return signature;
  }

  /** The driver's view of the model's one input and one output. */
  private static final class Signature {
    final TensorSpec input;
    final TensorSpec output;
    final int inputRow;

    private Signature(InferenceModel model) {
      ModelShapes.checkSingleInputOutput(model);
      this.input = model.inputs().get(0);
      this.output = model.outputs().get(0);
      this.inputRow = ModelShapes.rowElements(input);
    }

    static Signature read(ModelSource source) {
      Path local = null;
      Path copy = null;
      try {
        if (source.shipsBytes()) {
          copy = source.writeLocalCopy("litemodel-spark-driver-");
          local = copy;
        } else if (Files.exists(Path.of(source.path()))) {
          local = Path.of(source.path());
        } else {
          return null; // only executors can read it; they check it
        }
        try (InferenceModel model = Models.open(local, OpenOptions.defaults().withLite(source.options()))) {
          return new Signature(model);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the model to a temporary file: " + e.getMessage(), e);
      } finally {
        if (copy != null) {
          try {
            Files.deleteIfExists(copy);
          } catch (IOException e) {
            // a leftover temporary file is harmless
          }
        }
      }
    }
  }
}
