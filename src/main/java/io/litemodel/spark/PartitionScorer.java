package io.litemodel.spark;

import io.litemodel.image.DecodeScale;
import io.litemodel.image.DecoderKind;
import io.litemodel.image.Normalization;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The function each task runs over its partition: what travels to the executors (the model source and the
 * transform's settings, all serializable). The work happens in {@link ScoringIterator}.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final ModelSource source;
  private final InputKind kind;
  private final String[] inputColumns;
  private final String pathColumn;
  private final String normalization;
  private final DecoderKind decoder;
  private final DecodeScale decodeScale;
  private final int batchSize;
  private final OnError onError;
  private final StructType inputSchema;

  PartitionScorer(ModelSource source, InputKind kind, String[] inputColumns, String pathColumn,
      String normalization, DecoderKind decoder, DecodeScale decodeScale, int batchSize, OnError onError,
      StructType inputSchema) {
    this.source = source;
    this.kind = kind;
    this.inputColumns = inputColumns.clone();
    this.pathColumn = pathColumn;
    this.normalization = normalization;
    this.decoder = decoder;
    this.decodeScale = decodeScale;
    this.batchSize = batchSize;
    this.onError = onError;
    this.inputSchema = inputSchema;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new ScoringIterator(rows, ExecutorModels.SHARED.lease(source), this::input, batchSize, onError,
        inputSchema.size());
  }

  /** Makes the partition's {@link RowInput} once its model is known (an image input needs the model's H x W). */
  private RowInput input(io.litemodel.InferenceModel model) {
    int[] positions = new int[inputColumns.length];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = inputSchema.fieldIndex(inputColumns[i]);
    }
    if (kind == InputKind.IMAGE) {
      int path = pathColumn != null && inputSchema.getFieldIndex(pathColumn).isDefined()
          ? inputSchema.fieldIndex(pathColumn) : -1;
      return new ImageInput(positions[0], inputColumns[0], path, ModelShapes.imageShape(model),
          Normalization.parse(normalization), decoder, decodeScale);
    }
    return new FeatureInput(positions, inputColumns);
  }
}
